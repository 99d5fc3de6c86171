# mk/exercises.mk - exercises, reference solutions, grading and handout.
#
#   make exercises         build the student code of exercises/NN-name/
#   make solutions         build the reference solutions (solution/ dirs)
#   make grade             grade the student code: a table, results.json
#                          (Gradescope) and results.tap in $(GRADE_OUT)
#   make grade EX=03       one exercise (EX=01,03 for several)
#   make grade EX=04 GRADE_TESTS='block_signals answer_at_once'
#                          only the tests named
#   make grade SOLUTION=1  grade the reference solutions (exit 1 unless
#                          they get full marks: what CI wants)
#   make grade GRADE_HIDDEN=DIR   add an instructor's hidden tests (or
#                          export GRADE_HIDDEN=DIR: then not even make's
#                          command line shows where they are)
#   make handout           $(BUILD)/ipclab-handout.tar.gz: the kit with
#                          no solution, which builds and grades on its own
#   make autograder        $(BUILD)/ipclab-autograder.zip: Gradescope's
#                          setup.sh and run_autograder beside the kit
#                          (GRADE_HIDDEN=DIR packs hidden tests too)
#
# Layout. exercises/NN-name/*.c is the student's code; solution/ holds
# the reference version of some of those files, under the same names (a
# file without one is shared: given code). The file main.c, if any, holds
# main(); EX_PROGS_NN names the programs it builds, all from the same
# objects. grade/*.c are the exercise's graded tests (exercises/grader/
# grade.h); they are linked with every object but main.o into
# BUILD/grade/NN (student) and BUILD/grade/NN-solution.
#
#   BUILD/exercises/NN/   student programs     BUILD/grade/NN
#   BUILD/solutions/NN/   reference programs   BUILD/grade/NN-solution
#
# Student code that does not compile must not stop 'make grade': the
# grader (scripts/grade.sh) builds each exercise with its own make
# invocation and scores a failed build as zero for that exercise only.

EX_DIRS := $(sort $(patsubst %/README.md,%,\
             $(wildcard exercises/[0-9][0-9]-*/README.md)))
EX_NUMS := $(foreach d,$(EX_DIRS),$(firstword $(subst -, ,$(notdir $(d)))))

# The programs each exercise builds (its main.c holds main()).
EX_PROGS_01 :=
EX_PROGS_02 := ex02-router
EX_PROGS_03 := ipclab-sum ipclab-sub ipclab-mul ipclab-div
EX_PROGS_04 := ex04-client
EX_PROGS_05 := ex05-server

GRADER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,\
                 $(wildcard exercises/grader/*.c))
$(GRADER_OBJS): CPPFLAGS += -Itests/lib -Iexercises/grader $(CHECK_CFLAGS)
EX_OBJS_ALL  :=

GRADE_HIDDEN ?=
# GRADE_HIDDEN relative to the source tree works too
GRADE_HIDDEN_ABS := $(if $(GRADE_HIDDEN),$(abspath $(GRADE_HIDDEN)))

# $(call ex_preprocess,INCLUDE-DIR): preprocess $< into $@
define ex_preprocess
	$(call step,CPP,$<)
	$(Q)$(CC) $(CPPFLAGS) -I$(1) $(UST_CFLAGS) -E -o $@ $<
endef

# $(call exercise,exercises/NN-name,NN)
define exercise
EX_$(2)_SRCS     := $$(wildcard $(1)/*.c)
EX_$(2)_OBJS     := $$(patsubst $(1)/%.c,$(BUILD)/exercises/$(2)/obj/%.o,\
                      $$(EX_$(2)_SRCS))
EX_$(2)_SOL_OBJS := $$(patsubst $(1)/%.c,$(BUILD)/solutions/$(2)/obj/%.o,\
                      $$(EX_$(2)_SRCS))
EX_$(2)_TEST_OBJS := $$(patsubst $(1)/grade/%.c,$(BUILD)/grade/obj/$(2)/%.o,\
                      $$(wildcard $(1)/grade/*.c))
EX_$(2)_HIDDEN_OBJS := $$(if $(GRADE_HIDDEN_ABS),$$(patsubst \
                      $(GRADE_HIDDEN_ABS)/$(2)/%.c,\
                      $(BUILD)/grade/obj/$(2)/hidden/%.o,\
                      $$(wildcard $(GRADE_HIDDEN_ABS)/$(2)/*.c)))
EX_$(2)_PRE      := $$(patsubst $(1)/%.c,$(BUILD)/exercises/$(2)/pre/%.i,\
                      $$(EX_$(2)_SRCS))
EX_$(2)_SOL_PRE  := $$(patsubst $(1)/%.c,$(BUILD)/solutions/$(2)/pre/%.i,\
                      $$(EX_$(2)_SRCS))
EX_$(2)_PROGS    := $$(EX_PROGS_$(2):%=$(BUILD)/exercises/$(2)/%)
EX_$(2)_SOL_PROGS := $$(EX_PROGS_$(2):%=$(BUILD)/solutions/$(2)/%)
EX_OBJS_ALL += $$(EX_$(2)_OBJS) $$(EX_$(2)_SOL_OBJS) $$(EX_$(2)_TEST_OBJS)

$(BUILD)/exercises/$(2)/obj/%.o: $(1)/%.c $(BUILD)/.tracing
	$$(call compile,-I$(1))

# a file of solution/ replaces the student's; the others are shared
$(BUILD)/solutions/$(2)/obj/%.o: $(1)/solution/%.c $(BUILD)/.tracing
	$$(call compile,-I$(1))

$(BUILD)/solutions/$(2)/obj/%.o: $(1)/%.c $(BUILD)/.tracing
	$$(call compile,-I$(1))

# preprocessed sources, for the rules on words (g_rule_tokens)
$(BUILD)/exercises/$(2)/pre/%.i: $(1)/%.c $(BUILD)/.tracing
	$$(call ex_preprocess,$(1))

$(BUILD)/solutions/$(2)/pre/%.i: $(1)/solution/%.c $(BUILD)/.tracing
	$$(call ex_preprocess,$(1))

$(BUILD)/solutions/$(2)/pre/%.i: $(1)/%.c $(BUILD)/.tracing
	$$(call ex_preprocess,$(1))

$(BUILD)/grade/obj/$(2)/%.o: $(1)/grade/%.c $(BUILD)/.tracing
	$$(call compile,-I$(1) -Itests/lib -Iexercises/grader $$(CHECK_CFLAGS))

$(BUILD)/grade/obj/$(2)/hidden/%.o: $(GRADE_HIDDEN_ABS)/$(2)/%.c FORCE
	$$(call compile,-I$(1) -Itests/lib -Iexercises/grader $$(CHECK_CFLAGS))

$$(EX_$(2)_PROGS): $$(EX_$(2)_OBJS) $(TP_OBJ) $(LIB)
	$$(call link,$$(EX_$(2)_OBJS))

$$(EX_$(2)_SOL_PROGS): $$(EX_$(2)_SOL_OBJS) $(TP_OBJ) $(LIB)
	$$(call link,$$(EX_$(2)_SOL_OBJS))

# relinked every time: the set of hidden tests may have changed
$(BUILD)/grade/$(2): $$(EX_$(2)_TEST_OBJS) $$(EX_$(2)_HIDDEN_OBJS) \
        $$(filter-out %/main.o,$$(EX_$(2)_OBJS)) $(GRADER_OBJS) \
        $(HARNESS_OBJS) $(TP_OBJ) $(LIB) FORCE
	$$(ex_link_grade)

$(BUILD)/grade/$(2)-solution: $$(EX_$(2)_TEST_OBJS) $$(EX_$(2)_HIDDEN_OBJS) \
        $$(filter-out %/main.o,$$(EX_$(2)_SOL_OBJS)) $(GRADER_OBJS) \
        $(HARNESS_OBJS) $(TP_OBJ) $(LIB) FORCE
	$$(ex_link_grade)

# The tests' list, even when the student's code does not compile: the
# tests' objects alone, their calls into that code left unresolved (and
# bound lazily, so never looked up: --list calls none of them).
$(BUILD)/grade/$(2)-list: $$(EX_$(2)_TEST_OBJS) $$(EX_$(2)_HIDDEN_OBJS) \
        $(GRADER_OBJS) $(HARNESS_OBJS) $(TP_OBJ) $(LIB) FORCE
	$$(ex_link_grade) -no-pie -Wl,--unresolved-symbols=ignore-all -Wl,-z,lazy

.PHONY: grade-build-$(2) grade-build-$(2)-solution grade-list-$(2)
grade-list-$(2): $(BUILD)/grade/$(2)-list
grade-build-$(2): $$(EX_$(2)_PROGS) $$(EX_$(2)_PRE) $(BUILD)/grade/$(2)
grade-build-$(2)-solution: $$(EX_$(2)_SOL_PROGS) $$(EX_$(2)_SOL_PRE) \
        $(BUILD)/grade/$(2)-solution
endef

# $(ex_link_grade): link a grading program from the objects among $^
ex_link_grade = $(call ld,$(filter %.o,$(filter-out %/main.o $(TP_OBJ),$^)) \
                  $(TP_OBJ) $(LIB),$(TP_LIBS) $(CHECK_LIBS))

$(foreach d,$(EX_DIRS),$(eval $(call exercise,$(d),$(firstword \
    $(subst -, ,$(notdir $(d)))))))

# the top Makefile reads the .d files of EXTRA_OBJS
EXTRA_OBJS += $(EX_OBJS_ALL) $(GRADER_OBJS)

.PHONY: exercises solutions grade handout autograder
exercises: $(EX_NUMS:%=grade-build-%)
solutions: $(EX_NUMS:%=grade-build-%-solution)

# 'make' builds the solutions and the skeletons too: both must stay
# warning-free, and CI grades them.
all: exercises solutions

# What grading runs against must build: the reference system, the
# probes and the trace tool (a missing tool fails the trace-based tests
# only, saying so). The exercises are built one by one by the grader, so
# that a student's compile error costs that exercise only.
GRADE_SOL := $(filter 1 yes true,$(SOLUTION))
GRADE_OUT ?= $(BUILD)/grade-results$(if $(GRADE_SOL),-solution)
grade: $(PROGRAMS) $(TP_SO)
	$(Q)if [ -d src/trace ]; then \
	    $(MAKE) --no-print-directory $(BUILD)/bin/ipclab-trace || \
	    echo "grade: ipclab-trace does not build: the trace-based" \
	         "tests will fail" >&2; fi
	$(Q)MAKE="$(MAKE)" scripts/grade.sh --build "$(BUILD)" \
	    --out "$(GRADE_OUT)" $(if $(EX),--ex "$(EX)") \
	    $(if $(GRADE_TESTS),--tests "$(GRADE_TESTS)") \
	    $(if $(GRADE_SOL),--solution) \
	    $(if $(GRADE_HIDDEN),--hidden-from-env)

# the hidden tests' directory reaches grade.sh through its environment,
# never a command line that the graded code could read in /proc
grade: export GRADE_HIDDEN_DIR := $(GRADE_HIDDEN_ABS)

handout:
	$(Q)scripts/grade-handout.sh "$(BUILD)/ipclab-handout.tar.gz"

autograder:
	$(Q)scripts/grade-autograder.sh "$(BUILD)/ipclab-autograder.zip" \
	    $(GRADE_HIDDEN_ABS)
