# mk/mutants.mk - mutants of the reference system, for the mutation tests
# of 'ipclab-trace check'.
#
#   make mutants    for every tests/mutants/patches/NAME.patch, build
#                   $(BUILD)-mutants/NAME/bin/: the programs of this build,
#                   except those whose sources the patch changes, which are
#                   rebuilt there from a patched copy of their directory
#
# A fault exists only in its patch: no source file of the kit holds one.
# The test program build/tests/mutants (tests/mutants/) records each mutant
# under load and requires this build's 'ipclab-trace check' to name the
# rule it breaks.

MUTANT_BUILD   ?= $(BUILD)-mutants
MUTANT_NAMES   := $(patsubst tests/mutants/patches/%.patch,%,\
                  $(wildcard tests/mutants/patches/*.patch))
MUTANT_FLAGS   := $(filter-out -MMD -MP,$(CPPFLAGS)) $(CFLAGS) $(UST_CFLAGS)

.PHONY: mutants clean-mutants
mutants: $(MUTANT_NAMES:%=$(MUTANT_BUILD)/%/bin/ipclab-server)

# Copy the directories the patch names (src/server, src/rc, src/worker),
# patch them, build each into its program; the worker under its 4 names.
$(MUTANT_BUILD)/%/bin/ipclab-server: tests/mutants/patches/%.patch \
        $(SERVER_OBJS) $(RC_OBJS) $(WORKER_OBJS) $(PROGRAMS)
	$(call step,MUTANT,$*)
	$(Q)set -e; d=$(MUTANT_BUILD)/$*; rm -rf $$d; mkdir -p $$d/bin $$d/src; \
	cp $(PROGRAMS) $$d/bin/; \
	progs=$$(sed -n 's|^+++ b/src/\([a-z]*\)/.*|\1|p' $< | sort -u); \
	for p in $$progs; do cp -R src/$$p $$d/src/; done; \
	patch -s -p1 -d $$d < $<; \
	for p in $$progs; do \
	    $(CC) $(MUTANT_FLAGS) $(LDFLAGS) -o $$d/bin/ipclab-$$p \
	        $$d/src/$$p/*.c $(TP_OBJ) $(LIB) $(LDLIBS) $(TP_LIBS); \
	done; \
	if [ -e $$d/bin/ipclab-worker ]; then \
	    for op in $(WORKER_OPS); do \
	        cp $$d/bin/ipclab-worker $$d/bin/ipclab-$$op; done; \
	    rm $$d/bin/ipclab-worker; \
	fi; \
	touch $@

# the test runs the mutants, and judges them with the normal trace tool
$(BUILD)/tests/mutants: | mutants $(TRACE_TOOL) $(PROGRAMS)

clean: clean-mutants
clean-mutants:
	rm -rf $(MUTANT_BUILD)
