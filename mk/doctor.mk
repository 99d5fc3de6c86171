# mk/doctor.mk - 'make doctor', and the tests of the tracing docs and tools.
#
#   make doctor     explain, in one screen, why a trace would be empty or
#                   missing, each finding with its fix (scripts/doctor.sh)
#
# tests/docs/ builds build/tests/docs: it validates the Trace Compass
# analysis (traces/tracecompass/ipclab.xml) against the schema, checks the
# events it names exist in include/ipclab/tp.h, runs doctor.sh in
# healthy and broken environments, checks that every path, link, section
# and function the comments and docs cite exists, and that each
# '$ PROG --help' the docs show is what PROG prints.

TEST_DIRS += docs

.PHONY: doctor
doctor:
	$(Q)scripts/doctor.sh $(BUILD)

# the help test runs the programs
$(BUILD)/tests/docs: | $(PROGRAMS)
