# ipclab - top-level, non-recursive Makefile.
#
#   make            build everything into build/ (library, programs, tests)
#   make run        the reference system on a default workload, traced
#   make check      every test (installs missing Debian packages first)
#   make trace      record the default workload into a CTF trace
#   make install    PREFIX=/usr/local DESTDIR=... : programs, headers, docs
#   make clean      remove build/
#   make V=1 ...    show the real commands
#   make TRACING=0  compile the tracepoints out (automatic without lttng-ust)
#
# All output goes to build/: obj/ for objects, lib/ for libipclab.a, bin/
# for programs, tests/ for the Check test programs. Parts of the kit with
# their own rules (trace tool, labs, exercises...) add them in mk/*.mk.

# 'make' alone builds everything, whatever mk/*.mk define first
.DEFAULT_GOAL := all

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build

# Tracing is on when lttng-ust's development files are installed.
TRACING  ?= $(shell pkg-config --exists lttng-ust 2>/dev/null && echo 1 || echo 0)

# _GNU_SOURCE: the kit is Linux-specific on purpose (signalfd, F_OFD_SETLK,
# strerrorname_np, sigabbrev_np); everything else is POSIX.1-2008.
CPPFLAGS ?=
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DIPCLAB_TRACING=$(TRACING) -MMD -MP
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Wmissing-prototypes -Wshadow
LDFLAGS  ?=
LDLIBS   ?=

ifeq ($(TRACING),1)
UST_CFLAGS := $(shell pkg-config --cflags lttng-ust)
UST_LIBS   := $(shell pkg-config --libs lttng-ust) -ldl
endif
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The build's recipes, each defined once and used by every rule, here and
# in mk/*.mk. A quiet build prints one line per step ("  CC  FILE");
# V=1 prints the commands instead.
#   $(call step,TAG,FILE)  make $@'s directory, print the step's line
#   $(call compile,FLAGS)  compile $< into $@, FLAGS after CPPFLAGS
#   $(call ld,INPUTS,LIBS) link $@ from INPUTS, then LDLIBS and LIBS
#   $(call link,OBJECTS)   a traced program: OBJECTS, the tracepoint
#                          definitions and the library
step = @mkdir -p $(@D)$(if $(Q), && printf '  %-7s %s\n' '$(1)' '$(2)')

define compile
	$(call step,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(1) $(CFLAGS) $(UST_CFLAGS) -c -o $@ $<
endef

define ld
	$(call step,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(1) $(LDLIBS) $(2)
endef

link = $(call ld,$(1) $(TP_OBJ) $(LIB),$(TP_LIBS))

# $(call objs_of,DIR): the objects of DIR's .c files. A pattern rule's
# prerequisites may name DIR with its stem, $$* (second expansion); the
# objects it makes are kept, not removed as intermediates (.SECONDARY).
objs_of = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(1)/*.c))
.SECONDEXPANSION:
.SECONDARY:

# ---- the library every program links -------------------------------------
LIB_SRCS := $(addprefix src/lib/,calc.c cli.c err.c fifo.c proc.c record.c \
                rundir.c sig.c worker.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/lib/libipclab.a

# The tracepoints. Their definitions (tp_define.c) are linked into every
# program as an object, not from the archive, so that each program defines
# them exactly once. The probes (tp.c) are a shared object, TP_SO, linked
# with liblttng-ust, which tp_define.o loads with dlopen() when a recording
# asks (docs/tracing.md, section 7). A program linking $(TP_OBJ) needs
# $(TP_LIBS); only the probes link UST_LIBS, so that no program, test
# programs included, loads the tracer unless a recording asks.
ifeq ($(TRACING),1)
TP_OBJ  := $(BUILD)/obj/src/lib/tp_define.o
TP_PIC  := $(BUILD)/obj/src/lib/tp.o
TP_SO   := $(BUILD)/lib/libipclab-tp.so
TP_LIBS := -ldl
endif

# ---- the reference system ------------------------------------------------
WORKER_OPS := sum sub mul div
PROGRAMS   := $(BUILD)/bin/ipclab-server $(BUILD)/bin/ipclab-rc \
              $(WORKER_OPS:%=$(BUILD)/bin/ipclab-%)

SERVER_OBJS := $(call objs_of,src/server)
RC_OBJS     := $(BUILD)/obj/src/rc/main.o $(BUILD)/obj/src/rc/session.o
WORKER_OBJS := $(BUILD)/obj/src/worker/main.o

# ---- tests ---------------------------------------------------------------
# Each directory tests/NAME/ with a runner.c builds one Check program,
# build/tests/NAME, from its .c files. tests/lib/ holds helpers they share.
# mk/*.mk may add programs to EXTRA_PROGRAMS and objects to EXTRA_OBJS.
TEST_DIRS    := $(patsubst tests/%/runner.c,%,$(wildcard tests/*/runner.c))
HARNESS_OBJS := $(call objs_of,tests/lib)
EXTRA_PROGRAMS :=
EXTRA_OBJS     :=

-include $(sort $(wildcard mk/*.mk))

TEST_BINS := $(sort $(TEST_DIRS:%=$(BUILD)/tests/%))
TEST_OBJS := $(foreach t,$(TEST_DIRS),$(call objs_of,tests/$(t)))

ALL_OBJS := $(LIB_OBJS) $(TP_OBJ) $(TP_PIC) $(SERVER_OBJS) $(RC_OBJS) $(WORKER_OBJS) \
            $(TEST_OBJS) $(HARNESS_OBJS) $(EXTRA_OBJS)

.PHONY: all programs check test run trace deps install uninstall clean FORCE
all: programs $(TEST_BINS)

programs: $(PROGRAMS) $(EXTRA_PROGRAMS)

# Objects depend on the tracing choice: switching TRACING rebuilds them.
$(BUILD)/.tracing: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(TRACING)" ] || echo $(TRACING) > $@

$(BUILD)/obj/%.o: %.c $(BUILD)/.tracing
	$(call compile)

# Test objects also see Check's flags and tests/lib/.
$(BUILD)/obj/tests/%.o: tests/%.c $(BUILD)/.tracing
	$(call compile,-Itests/lib $(CHECK_CFLAGS))

# A test program: its directory's objects, the harness, the library
$(BUILD)/tests/%: $$(call objs_of,tests/$$*) $(HARNESS_OBJS) $(TP_OBJ) $(LIB)
	$(call ld,$(filter %.o %.a,$^),$(TP_LIBS) $(CHECK_LIBS))

$(LIB): $(LIB_OBJS)
	$(call step,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

ifeq ($(TRACING),1)
# The probes: position-independent code in a shared object that carries
# liblttng-ust as a dependency (--no-as-needed: nothing in tp.o calls it
# by name, yet loading the probes must load the tracer).
$(TP_PIC): src/lib/tp.c $(BUILD)/.tracing
	$(call compile,-fPIC)

TP_SO_FLAGS := -shared -Wl,--no-as-needed
$(TP_SO): $(TP_PIC)
	$(call ld,$(TP_SO_FLAGS) $<,$(UST_LIBS))

# tp_define.o knows where this build puts the probes (after BIN/../lib/),
# and whatever links it gets them built (order-only prerequisite).
$(TP_OBJ): src/lib/tp_define.c $(BUILD)/.tracing | $(TP_SO)
	$(call compile,-DIPCLAB_TP_BUILD_PATH='"$(abspath $(TP_SO))"')

install: install-tp
install-tp: $(TP_SO)
	install -d $(DESTDIR)$(PREFIX)/lib
	install -m 0755 $(TP_SO) $(DESTDIR)$(PREFIX)/lib/
uninstall: uninstall-tp
uninstall-tp:
	rm -f $(DESTDIR)$(PREFIX)/lib/$(notdir $(TP_SO))
.PHONY: install-tp uninstall-tp
endif

$(BUILD)/bin/ipclab-server: $(SERVER_OBJS) $(TP_OBJ) $(LIB)
	$(call link,$(SERVER_OBJS))

$(BUILD)/bin/ipclab-rc: $(RC_OBJS) $(TP_OBJ) $(LIB)
	$(call link,$(RC_OBJS))

# One worker implementation, four programs: the name picks the operation.
$(WORKER_OPS:%=$(BUILD)/bin/ipclab-%): $(WORKER_OBJS) $(TP_OBJ) $(LIB)
	$(call link,$(WORKER_OBJS))

# ---- set-up, running, testing --------------------------------------------

# Install the Debian packages the kit needs when they are missing.
deps:
	$(Q)scripts/deps.sh

# check, run and trace re-enter make after deps: TRACING and the
# pkg-config flags above must be computed once lttng-ust is installed.
check: deps
	$(Q)$(MAKE) --no-print-directory test

test: all
	$(Q)scripts/run-tests.sh $(TEST_BINS)

# make run's trace; the previous one is moved to RUN_TRACE.old first
RUN_TRACE ?= $(BUILD)/traces/run
run: deps
	$(Q)$(MAKE) --no-print-directory programs
	$(Q)scripts/run-demo.sh $(BUILD)/bin $(RUN_TRACE)

trace: deps
	$(Q)$(MAKE) --no-print-directory programs
	$(Q)traces/record.sh -o $(BUILD)/traces/default -- \
	    scripts/workload.sh $(BUILD)/bin

# ---- install -------------------------------------------------------------
install: programs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/ipclab \
	    $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/share/doc/ipclab
	install -m 0755 $(PROGRAMS) $(EXTRA_PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 include/ipclab/*.h $(DESTDIR)$(PREFIX)/include/ipclab/
	install -m 0644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/ipclab/

uninstall:
	rm -f $(patsubst $(BUILD)/bin/%,$(DESTDIR)$(PREFIX)/bin/%,\
	    $(PROGRAMS) $(EXTRA_PROGRAMS))
	rm -rf $(DESTDIR)$(PREFIX)/include/ipclab \
	    $(DESTDIR)$(PREFIX)/share/doc/ipclab
	rm -f $(DESTDIR)$(PREFIX)/lib/libipclab.a

clean:
	rm -rf $(BUILD)

-include $(ALL_OBJS:.o=.d)
