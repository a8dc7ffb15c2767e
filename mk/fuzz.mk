# mk/fuzz.mk - libFuzzer targets (included by the Makefile).
#
#   make fuzz                      builds fuzz/fuzz_*.c into build-fuzz/ with clang and
#                                  -fsanitize=fuzzer,address,undefined; collects the seeds
#   make fuzz-run FUZZ_SECONDS=60  fuzzes each target for FUZZ_SECONDS (make -j2 runs two
#                                  at a time); crashes go to build-fuzz/artifacts/TARGET/
#   make fuzz-replay               runs every input of fuzz/regressions/TARGET/ and of the
#                                  seeds once, without fuzzing (a regression test)
#   make fuzz-seeds                rebuilds build-fuzz/seeds/ only
#
# Needs: clang and libclang-rt-14-dev (Debian 12), plus the project's -dev packages.

FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := doc expr rules config_json check
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(STD) $(WARN) -O1 -g $(FUZZ_SAN) $(PKG_CFLAGS) -Isrc -I$(FUZZ_BUILD)
# the library objects of the main build, compiled here with coverage instrumentation
# (the language server, src/lsp*.c, is not on the paths the targets reach)
# (and the data files are parsed at run time: the empty table of document images)
FUZZ_OBJS    := $(patsubst $(BUILD)/obj/%,$(FUZZ_BUILD)/obj/%,$(filter-out $(BUILD)/obj/lsp%,$(CORE_OBJS))) \
                $(FUZZ_BUILD)/obj/snapshot_stub.o
FUZZ_BINS    := $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-seeds fuzz-run fuzz-replay $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz: fuzz-build $(FUZZ_BUILD)/seeds/.done

fuzz-build: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj $(FUZZ_BUILD)/fobj:
	mkdir -p $@

$(FUZZ_BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/embed: tools/embed.c | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(FUZZ_BUILD)/data.list: FORCE | $(FUZZ_BUILD)/obj
	@echo '$(DATA)' > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(FUZZ_BUILD)/embedded_data.c: $(FUZZ_BUILD)/embed $(DATA) $(FUZZ_BUILD)/data.list
	$(FUZZ_BUILD)/embed . $(DATA) > $@

# data only: no coverage counters, but ASan guards its globals
$(FUZZ_BUILD)/obj/embedded_data.o: $(FUZZ_BUILD)/embedded_data.c src/embedded.h
	$(FUZZ_CC) $(STD) -O1 $(FUZZ_SAN) -Isrc -c -o $@ $<

$(FUZZ_BUILD)/obj/snapshot_stub.o: tools/snapshot_stub.c src/embedded.h | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(STD) -O1 $(FUZZ_SAN) -Isrc -c -o $@ $<

$(FUZZ_BUILD)/libtrainlint.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fobj/%.o: fuzz/%.c fuzz/fuzz_common.h $(wildcard src/*.h) | $(FUZZ_BUILD)/fobj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Ifuzz -c -o $@ $<

# the targets' objects are intermediate files of the pattern rules: keep them
.PRECIOUS: $(FUZZ_BUILD)/fobj/%.o

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/fobj/fuzz_%.o $(FUZZ_BUILD)/libtrainlint.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-seeds:
	FUZZ_BUILD=$(FUZZ_BUILD) sh fuzz/seeds.sh
	touch $(FUZZ_BUILD)/seeds/.done

$(FUZZ_BUILD)/seeds/.done: fuzz/seeds.sh
	FUZZ_BUILD=$(FUZZ_BUILD) sh fuzz/seeds.sh
	touch $@

fuzz-run: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

$(addprefix fuzz-run-,$(FUZZ_TARGETS)): fuzz-run-%: $(FUZZ_BUILD)/fuzz_% $(FUZZ_BUILD)/seeds/.done
	FUZZ_BUILD=$(FUZZ_BUILD) sh fuzz/fuzz.sh run $* $(FUZZ_SECONDS)

fuzz-replay: $(FUZZ_BINS) $(FUZZ_BUILD)/seeds/.done
	FUZZ_BUILD=$(FUZZ_BUILD) sh fuzz/fuzz.sh replay $(FUZZ_TARGETS)
