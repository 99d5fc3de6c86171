# mk/bench.mk - 'make bench': what the design costs, measured.
#
#   make bench                  -O2 builds of their own, every experiment in
#                               interleaved rounds, one table (about 15 min)
#   make bench BENCH_RUNS=3     fewer rounds
#   make bench BENCH_ARGS='--clients 1,16 --no-callgrind'   (ipclab-bench
#                               report --help lists the options)
#
# Builds the kit twice with -O2, into $(BUILD)/bench-traced (tracepoints
# compiled in, when lttng-ust is installed) and $(BUILD)/bench-notrace
# (TRACING=0), then runs ipclab-bench report, which prints the table and
# writes $(BENCH_OUT)/: table.txt, table.md, results.csv, runs.csv (every
# raw value), clients.csv and clients.svg (throughput and latency against
# the number of clients), bench.log. docs/performance.md explains it all.
#
# The benchmark programs (bench/) are also part of every ordinary build,
# because tests/bench/ runs a smoke run of them in 'make check'. They are
# not installed.

# ipclab-bench: the driver (main, report, table, plot), the measuring
# commands and their helpers (util); its plot is drawn with the trace
# tool's SVG writer
BENCH_SRCS := main.c report.c table.c plot.c fifo.c signal.c \
              spawn.c system.c tpcost.c util.c
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/obj/bench/%.o)
BENCH_BIN  := $(BUILD)/bin/ipclab-bench
BENCH_TRUE := $(BUILD)/bin/ipclab-bench-true
EXTRA_OBJS += $(BENCH_OBJS) $(BUILD)/obj/bench/true.o
$(BENCH_OBJS): CPPFLAGS += -Isrc/trace

BENCH_OUT  ?= $(BUILD)/bench
BENCH_RUNS ?= 5
BENCH_ARGS ?=
BENCH_TRACED  := $(BUILD)/bench-traced
BENCH_NOTRACE := $(BUILD)/bench-notrace
# -O2 whatever CFLAGS says; the rest of CFLAGS (warnings, -std) is kept
BENCH_CFLAGS  := $(filter-out -O%,$(CFLAGS)) -O2

$(BENCH_BIN): $(BENCH_OBJS) $(BUILD)/obj/src/trace/svgout.o $(TP_OBJ) $(LIB)
	$(call ld,$(filter %.o %.a,$^),$(TP_LIBS) -lm)

# Nothing of the kit's: the floor under fork+exec
$(BENCH_TRUE): $(BUILD)/obj/bench/true.o
	$(call ld,$<)

# The smoke test runs them (the test program's own rule is the Makefile's)
$(BUILD)/tests/bench: $(BENCH_BIN) $(BENCH_TRUE)

.PHONY: bench bench-programs
bench-programs: programs $(BENCH_BIN) $(BENCH_TRUE)

# deps first, then sub-makes that compute TRACING afresh (as 'check' does);
# CFLAGS on their command line replaces theirs, so it carries everything
bench: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(BENCH_TRACED) \
	    CFLAGS='$(BENCH_CFLAGS)' bench-programs
	$(Q)$(MAKE) --no-print-directory BUILD=$(BENCH_NOTRACE) TRACING=0 \
	    CFLAGS='$(BENCH_CFLAGS)' bench-programs
	$(Q). scripts/lib/lock.sh && ipclab_lock bench "make bench" 3600 && \
	    $(BENCH_TRACED)/bin/ipclab-bench report \
	    --bin $(BENCH_TRACED)/bin --notrace-bin $(BENCH_NOTRACE)/bin \
	    --srcdir $(CURDIR) --out $(BENCH_OUT) --runs $(BENCH_RUNS) \
	    $(BENCH_ARGS)
