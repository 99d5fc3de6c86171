# mk/labs.mk - the lab binaries, and 'make lab N=NN'.
#
#   make lab N=01   build lab 01, run all its experiments under a recorded
#                   trace (BUILD/traces/lab01) and print its sequence
#                   diagram, as 'make run' does (scripts/run-demo.sh)
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
LAB_OBJS := $(foreach l,$(LAB_DIRS),$(call objs_of,labs/$(l)))
LAB_COMMON_OBJS := $(patsubst %,$(BUILD)/obj/labs/common/%.o,lab peer run)

ifeq ($(TRACING),1)
LAB_FORK_LIBS := -llttng-ust-fork
endif

# BUILD/bin/labNN-name: its directory's objects and labs/common's
$(BUILD)/bin/lab%: $$(call objs_of,labs/$$*) $(LAB_COMMON_OBJS) $(TP_OBJ) \
        $(LIB)
	$(call ld,$(filter %.o %.a,$^),$(TP_LIBS))

# Lab sources include "lab.h"; the fork wrapper comes before libc.
$(LAB_OBJS) $(LAB_COMMON_OBJS): CPPFLAGS += -Ilabs/common
$(LAB_BINS): LDLIBS += $(LAB_FORK_LIBS)

EXTRA_PROGRAMS += $(LAB_BINS)
EXTRA_OBJS     += $(LAB_OBJS) $(LAB_COMMON_OBJS)

# ---- make lab N=NN --------------------------------------------------------
LAB_BIN_N   = $(filter $(BUILD)/bin/lab$(N)-%,$(LAB_BINS))
LAB_TRACE_N = $(BUILD)/traces/lab$(N)

# Like 'make run' (scripts/run-demo.sh): install what is missing, then
# re-enter make so that TRACING is computed with lttng-ust installed. The
# lab's exit status is make's; the diagram is drawn even when the lab
# failed, to see what went wrong, but never when the recording failed.
.PHONY: lab
lab: deps
	$(Q)if [ -z "$(LAB_BIN_N)" ]; then \
	    echo "make lab: which lab? give one of:" \
	        "$(foreach d,$(LAB_DIRS),N=$(firstword $(subst -, ,$(d))))" >&2; \
	    exit 2; fi
	$(Q)$(MAKE) --no-print-directory programs
	$(Q)scripts/run-demo.sh $(BUILD)/bin $(LAB_TRACE_N) $(LAB_BIN_N) all
