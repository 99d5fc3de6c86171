# mk/trace.mk - the trace tool, ipclab-trace, and its tests.
#
#   make BUILD=build programs       builds build/bin/ipclab-trace
#   make BUILD=build all            ...and build/tests/trace
#
# ipclab-trace reads traces with libbabeltrace2 (pkg-config babeltrace2)
# and writes its JSON (chrome) with json-c (pkg-config json-c).
# It emits no tracepoints itself, so it links neither the probes nor
# lttng-ust, and it builds the same with TRACING=0. From libipclab.a it
# takes only the error, option and record helpers.
#
# Its test program, tests/trace/ (TEST_DIRS), records real traces with
# traces/record.sh, so it runs the programs in $(BUILD)/bin: it depends on
# them being built, order-only (a rebuilt tool does not relink the tests).

BT_CFLAGS := $(shell pkg-config --cflags babeltrace2 2>/dev/null)
BT_LIBS   := $(shell pkg-config --libs babeltrace2 2>/dev/null || \
                 echo -lbabeltrace2)
JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS   := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

TRACE_TOOL := $(BUILD)/bin/ipclab-trace
TRACE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard src/trace/*.c))

EXTRA_PROGRAMS += $(TRACE_TOOL)
EXTRA_OBJS     += $(TRACE_OBJS)
TEST_DIRS      += trace

# only our objects see libbabeltrace2's and json-c's headers
$(TRACE_OBJS): CFLAGS += $(BT_CFLAGS) $(JSONC_CFLAGS)

$(TRACE_TOOL): $(TRACE_OBJS) $(LIB)
	$(call ld,$(TRACE_OBJS) $(LIB),$(BT_LIBS) $(JSONC_LIBS) -lm)

$(BUILD)/tests/trace: | $(TRACE_TOOL) $(PROGRAMS)
