# mk/labs.mk - the lab binaries, and 'make lab N=NN'.
#
#   make lab N=01   build lab 01, run all its experiments under a recorded
#                   trace (BUILD/traces/lab01) and print the trace's
#                   sequence diagram (ipclab-trace seq; babeltrace2's text
#                   when ipclab-trace is not built)
#
# Each directory labs/NN-name/ builds BUILD/bin/labNN-name from its own .c
# files and those of labs/common/ (experiments, peers, gates: lab.h).
#
# The labs fork their peers without exec. LTTng-UST must be told about such
# a fork, or a peer's events carry its parent's pid: linking the labs with
# liblttng-ust-fork (which wraps fork()) does that, as preloading it would
# (lttng-ust(3), "Using LTTng-UST with daemons"). Not needed, and not
# linked, when the tracepoints are compiled out.

LAB_DIRS := $(sort $(patsubst labs/%/,%,\
                $(dir $(wildcard labs/[0-9][0-9]-*/*.c))))
LAB_BINS := $(LAB_DIRS:%=$(BUILD)/bin/lab%)
LAB_COMMON_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard labs/common/*.c))

ifeq ($(TRACING),1)
LAB_FORK_LIBS := -llttng-ust-fork
endif

# $(call lab_program,NN-name): the rules of BUILD/bin/labNN-name
define lab_program
LAB_OBJS_$(1) := $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard labs/$(1)/*.c))
LAB_OBJS += $$(LAB_OBJS_$(1))
$(BUILD)/bin/lab$(1): $$(LAB_OBJS_$(1)) $(LAB_COMMON_OBJS) $(TP_OBJ) $(LIB)
	$$(call link,$$(LAB_OBJS_$(1)) $(LAB_COMMON_OBJS))
endef
LAB_OBJS :=
$(foreach l,$(LAB_DIRS),$(eval $(call lab_program,$(l))))

# Lab sources include "lab.h"; the fork wrapper comes before libc.
$(LAB_OBJS) $(LAB_COMMON_OBJS): CPPFLAGS += -Ilabs/common
$(LAB_BINS): LDLIBS += $(LAB_FORK_LIBS)

EXTRA_PROGRAMS += $(LAB_BINS)
EXTRA_OBJS     += $(LAB_OBJS) $(LAB_COMMON_OBJS)

# ---- make lab N=NN --------------------------------------------------------
LAB_BIN_N   = $(filter $(BUILD)/bin/lab$(N)-%,$(LAB_BINS))
LAB_TRACE_N = $(BUILD)/traces/lab$(N)

# Like 'make run': install what is missing, then re-enter make so that
# TRACING is computed with lttng-ust installed. The lab's exit status is
# make's: the diagram is printed either way, to see what went wrong.
.PHONY: lab
lab: deps
	$(Q)if [ -z "$(LAB_BIN_N)" ]; then \
	    echo "make lab: which lab? give one of:" \
	        "$(foreach d,$(LAB_DIRS),N=$(firstword $(subst -, ,$(d))))" >&2; \
	    exit 2; fi
	$(Q)$(MAKE) --no-print-directory programs
	$(Q)if ! command -v lttng >/dev/null 2>&1 || \
	       [ "$$(cat $(BUILD)/.tracing)" != 1 ]; then \
	    echo "make lab: LTTng is not installed or tracing is compiled out:" \
	         "running without a trace (see docs/troubleshooting.md)" >&2; \
	    exec $(LAB_BIN_N) all; fi; \
	status=0; \
	traces/record.sh -o $(LAB_TRACE_N) -- $(LAB_BIN_N) all || status=$$?; \
	echo; \
	if [ -x $(BUILD)/bin/ipclab-trace ]; then \
	    echo "Sequence diagram ($(BUILD)/bin/ipclab-trace seq $(LAB_TRACE_N)):"; \
	    $(BUILD)/bin/ipclab-trace seq $(LAB_TRACE_N) || status=1; \
	    echo "Space-time diagram (SVG; pages when it is too tall):"; \
	    $(BUILD)/bin/ipclab-trace svg --output $(LAB_TRACE_N).svg \
	        $(LAB_TRACE_N) || status=1; \
	else \
	    echo "ipclab-trace is not built: the trace as babeltrace2 prints it"; \
	    babeltrace2 $(LAB_TRACE_N) || status=1; \
	fi; \
	echo "Trace: $(LAB_TRACE_N)"; \
	exit $$status
