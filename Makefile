# trainlint - lint and size LLM training configs before launch.
#
# Settings you may change on the command line:
#   PREFIX=/usr/local DESTDIR=   install locations
#   CC=cc CFLAGS="-O2 -g"        compiler and optimisation
#   SANITIZE=address,undefined   build with sanitizers (into build-san/)
#   BUILD=build                  output directory

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
COMPDIR  ?= $(PREFIX)/share/bash-completion/completions
CC       ?= cc
CFLAGS   ?= -O2 -g
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD    ?= build
else
BUILD    ?= build-san
endif

PKGS      := yaml-0.1 libcjson libpcre2-8
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifeq ($(PKG_LIBS),)
PKG_LIBS   := -lyaml -lcjson -lpcre2-8
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wundef -Wcast-align -Wvla
STD  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
SANFLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer,)
ALL_CFLAGS  := $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -Isrc -I$(BUILD)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)
LIBS := $(PKG_LIBS) -lm

SRCS := $(wildcard src/*.c)
# CORE_OBJS: everything but the images of the data files' documents, which
# tools/snapshot.c (linked with CORE_OBJS and an empty table) makes at build time
CORE_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out src/main.c,$(SRCS))) $(BUILD)/obj/embedded_data.o
LIB_OBJS := $(CORE_OBJS) $(BUILD)/obj/snapshot_data.o
DATA := $(sort $(wildcard schemas/*.yaml) $(wildcard rules/*.yaml) $(wildcard rules/catalog/*.yaml) $(wildcard rules/catalog/models/*.yaml) $(wildcard testdata/rules/*/bad.*) $(wildcard testdata/rules/*/good.*))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.DELETE_ON_ERROR:
.PHONY: all test unit golden corpus fixall clean install uninstall asan accuracy FORCE

all: $(BUILD)/trainlint

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

# the list of data files is a prerequisite too: adding, removing or moving a
# file must regenerate the table even when no file is newer
$(BUILD)/data.list: FORCE | $(BUILD)/obj
	@echo '$(DATA)' > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/embedded_data.c: $(BUILD)/embed $(DATA) $(BUILD)/data.list
	@echo "  EMBED   $@ ($(words $(DATA)) files)"
	@$(BUILD)/embed . $(DATA) > $@

$(BUILD)/obj/embedded_data.o: $(BUILD)/embedded_data.c src/embedded.h
	$(CC) $(STD) $(CFLAGS) $(SANFLAGS) -Isrc -c -o $@ $<

$(BUILD)/snapshot: tools/snapshot.c tools/snapshot_stub.c $(CORE_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ tools/snapshot.c tools/snapshot_stub.c $(CORE_OBJS) $(LIBS)

# parsing and checking every data file happens here, once; a data error fails the build
$(BUILD)/snapshot_data.c: $(BUILD)/snapshot
	@echo "  SNAPSHOT $@"
	@$(BUILD)/snapshot > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/snapshot_data.o: $(BUILD)/snapshot_data.c src/embedded.h
	$(CC) $(STD) $(CFLAGS) $(SANFLAGS) -Isrc -c -o $@ $<

$(BUILD)/libtrainlint.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/trainlint: $(BUILD)/obj/main.o $(BUILD)/libtrainlint.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(BUILD)/libtrainlint.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libtrainlint.a $(LIBS) -lcmocka

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# The whole suite: unit tests, golden CLI tests, the corpus check, --fix=all's proof.
test: all $(UNIT_BINS) $(BUILD)/tests/lsp_driver
	BUILD=$(BUILD) sh tests/run.sh

unit: $(UNIT_BINS)
	BUILD=$(BUILD) sh tests/run.sh unit

golden: all
	BUILD=$(BUILD) sh tests/run.sh golden

corpus: all
	BUILD=$(BUILD) sh tests/run.sh corpus

fixall: all
	BUILD=$(BUILD) sh tests/run.sh fixall

$(BUILD)/accuracy: bench/accuracy.c $(BUILD)/libtrainlint.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libtrainlint.a $(LIBS)

$(BUILD)/claims: bench/claims.c $(BUILD)/libtrainlint.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libtrainlint.a $(LIBS)

# Scores the memory estimator against ../shared/calibration (measured peaks)
# and the fit claims published next to the corpus configs.
accuracy: $(BUILD)/accuracy $(BUILD)/claims
	$(BUILD)/claims ../shared/corpus/CLAIMS.tsv
	$(BUILD)/accuracy ../shared/calibration/memory_measured.csv

# (one --fix=all pass over the corpus instead of three: the plain run has all)
asan:
	FIXALL_PASSES=one $(MAKE) SANITIZE=address,undefined test

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 755 $(BUILD)/trainlint $(DESTDIR)$(BINDIR)/trainlint
	install -m 644 docs/trainlint.1 $(DESTDIR)$(MANDIR)/man1/trainlint.1
	install -m 644 tools/trainlint.bash-completion $(DESTDIR)$(COMPDIR)/trainlint

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/trainlint $(DESTDIR)$(MANDIR)/man1/trainlint.1 $(DESTDIR)$(COMPDIR)/trainlint

clean:
	rm -rf build build-san build-fuzz build-*

# Fuzzing, valgrind and benchmark targets (make fuzz, make valgrind, make bench)
# live in mk/*.mk.
-include $(wildcard mk/*.mk)
