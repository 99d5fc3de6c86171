# mk/doctor.mk - 'make doctor', and the tests of the tracing docs and tools.
#
#   make doctor     explain, in one screen, why a trace would be empty or
#                   missing, each finding with its fix (scripts/doctor.sh)
#
# tests/docs/ builds build/tests/docs: it validates the Trace Compass
# analysis (traces/tracecompass/ipclab.xml) against the schema, checks the
# events it names exist in include/ipclab/tp.h, and runs doctor.sh in
# healthy and broken environments.

TEST_DIRS += docs

.PHONY: doctor
doctor:
	$(Q)scripts/doctor.sh $(BUILD)
