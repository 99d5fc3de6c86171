# mk/reliability.mk - fuzzing, soak, sanitizers and memcheck.
#
#   make fuzz       build the libFuzzer harnesses of tests/fuzz/ with clang
#                   into $(BUILD)/fuzz/ and run each for FUZZ_SECONDS
#                   (default 60) from its seed corpus
#   make soak       32 clients against one server for SOAK_SECONDS
#                   (default 180); prints requests, errors, lost, wrong
#                   and requests/s (scripts/soak.sh)
#   make sanitize   build everything with AddressSanitizer and
#                   UndefinedBehaviorSanitizer into build-sanitize/ and run
#                   the whole test suite there; any report fails it
#   make memcheck   valgrind on the server, its workers and clients over a
#                   short workload: no errors, no definite leaks
#                   (scripts/memcheck.sh)
#
# build/tests/faults (tests/faults/) runs a 10-second 'make fuzz' as part of
# 'make check' when clang is installed.

FUZZ_SECONDS ?= 60
SOAK_SECONDS ?= 180
SANITIZE_BUILD ?= build-sanitize

.PHONY: fuzz soak sanitize memcheck

# ---- fuzz ----------------------------------------------------------------
# libFuzzer is clang's. The harnesses link the library compiled again,
# instrumented for coverage and with the sanitizers, and without the
# tracepoints (a fuzzer records no trace).
FUZZ_CC    ?= clang
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CPPFLAGS := -Iinclude -D_GNU_SOURCE -DIPCLAB_TRACING=0 -MMD -MP
FUZZ_CFLAGS   := -std=c11 -Wall -Wextra -Wmissing-prototypes -Wshadow
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_OBJS  := $(patsubst src/lib/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS))

# The kit's compile and link recipes, with the fuzzer's compiler and flags
# whatever the command line sets
$(FUZZ_DIR)/%: override CC = $(FUZZ_CC)
$(FUZZ_DIR)/%: override CPPFLAGS = $(FUZZ_CPPFLAGS)
$(FUZZ_DIR)/%: override CFLAGS = $(FUZZ_CFLAGS) $(FUZZ_FLAGS)
$(FUZZ_DIR)/%: override UST_CFLAGS =
$(FUZZ_DIR)/%: override LDFLAGS = $(FUZZ_FLAGS)
$(FUZZ_DIR)/%: override LDLIBS =

$(FUZZ_DIR)/obj/%.o: src/lib/%.c
	$(call compile)

$(FUZZ_DIR)/obj/fuzz_%.o: tests/fuzz/fuzz_%.c
	$(call compile)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/fuzz_%.o $(FUZZ_OBJS)
	$(call ld,$^)

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/fuzz_%.d)

# Seeds come from tests/fuzz/corpus/NAME/ (committed, read only); what
# libFuzzer finds goes to $(FUZZ_DIR)/corpus/NAME/, crashes to
# $(FUZZ_DIR)/NAME-crash-*, which reproduce with: $(FUZZ_DIR)/fuzz_NAME FILE
fuzz:
	$(Q)command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	    echo "make fuzz: $(FUZZ_CC) not found: apt-get install clang" >&2; \
	    exit 1; }
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)set -e; for name in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$name; \
	    echo "  FUZZ    $$name for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_DIR)/fuzz_$$name -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/$$name- \
	        $(FUZZ_DIR)/corpus/$$name tests/fuzz/corpus/$$name; \
	done

# ---- soak ----------------------------------------------------------------
soak: deps
	$(Q)$(MAKE) --no-print-directory programs
	$(Q)scripts/soak.sh $(BUILD)/bin $(SOAK_SECONDS)

# ---- sanitize --------------------------------------------------------------
# The sanitizers go into CC, so that every compile and link of the build,
# programs, probes and tests alike, gets them. halt_on_error and
# -fno-sanitize-recover: the first report ends the program with an error,
# which fails its test. Check's timeouts are stretched: a sanitized
# program runs slower. CC goes to the tests too: the grading and
# handout tests run make themselves, and must link against this build's
# sanitized objects with the sanitizers' runtime. handle_sigfpe=0: lab 03
# shows the SIGFPE of INT64_MIN / -1, which must stay a SIGFPE (it still
# kills any other program that meets one). IPCLAB_SANITIZED: the grading
# fixtures, which judge grade.sh and not the kit's memory, say SKIP.
SANITIZE_CC := $(CC) -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all
sanitize: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(SANITIZE_BUILD) \
	    CC="$(SANITIZE_CC)" all
	$(Q)ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0:handle_sigfpe=0 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    CC="$(SANITIZE_CC)" \
	    CK_TIMEOUT_MULTIPLIER=3 IPCLAB_SANITIZED=1 \
	    scripts/run-tests.sh $(SANITIZE_BUILD)/tests/*

# ---- memcheck --------------------------------------------------------------
memcheck: deps
	$(Q)$(MAKE) --no-print-directory programs
	$(Q)scripts/memcheck.sh $(BUILD)/bin
