# mk/mutants.mk - the mutant build, for the mutation tests of the check.
#
#   make mutants    build $(BUILD)-mutants/bin/: the server, ipclab-rc and
#                   the workers compiled with -DIPCLAB_MUTANTS, which turns
#                   on the fault switches of include/ipclab/mutant.h
#
# Only that tree has the switches: every other build compiles each
# IPCLAB_MUTANT() to false, so no normal program can reach a fault. The test
# program build/tests/mutants (tests/mutants/) builds it once through this
# rule, then records each mutant under load and requires the normal
# build's 'ipclab-trace check' to name the rule it breaks.

MUTANT_BUILD ?= $(BUILD)-mutants

ifeq ($(MUTANTS),1)
CPPFLAGS += -DIPCLAB_MUTANTS
endif

.PHONY: mutants mutant-programs clean-mutants
mutants:
	$(Q)$(MAKE) --no-print-directory BUILD=$(MUTANT_BUILD) MUTANTS=1 \
	    mutant-programs

# in that make: its own programs, quietly when they are up to date
mutant-programs: $(PROGRAMS)
	@:

# the test runs the mutants, and judges them with the normal trace tool
$(BUILD)/tests/mutants: | mutants $(TRACE_TOOL) $(PROGRAMS)

clean: clean-mutants
clean-mutants:
	rm -rf $(MUTANT_BUILD)
