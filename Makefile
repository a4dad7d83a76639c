# vroeg - build, test, sanitizer run, benchmarks, fuzzing, install.
# Plain make; flags for sqlite3 and check come from pkg-config.

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/vroeg
BUILD    ?= build
FLEX     ?= flex
BISON    ?= bison

# -O3: the VM and the cursor run per signal; on the national month it saves
# about 3% of a dry-run's instructions over -O2 (bench/README.md).
OPT      ?= -O3
CFLAGS   ?= $(OPT) -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wswitch-enum -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Isrc -I$(BUILD)
# Import reads and checks a file in one thread while the store is written
# in another (src/import.c).
CPPFLAGS += -pthread
LDFLAGS  += -pthread
SANITIZE ?=
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

SQLITE_CFLAGS := $(shell pkg-config --cflags sqlite3)
SQLITE_LIBS   := $(shell pkg-config --libs sqlite3)
CHECK_CFLAGS  := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS    := $(shell pkg-config --libs check 2>/dev/null)

# Generated scanner and parser: warnings in flex/bison output are not ours.
GEN_WARN := -std=c11 -Wall -Wextra -Werror -Wno-unused-function -Wno-sign-compare -Wno-unused-but-set-variable \
            -Wno-unused-parameter -Wno-missing-prototypes -Wno-switch-enum

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/lexer.o $(BUILD)/parser.o
TEST_SRC := $(wildcard tests/check_*.c)
TEST_OBJ := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.o) $(BUILD)/tests/main.o $(BUILD)/tests/support.o \
            $(BUILD)/tests/faults.o
TOOLS    := $(BUILD)/vroeg-gen $(BUILD)/bench-ref-p2 $(BUILD)/bench-time $(BUILD)/opdoc $(BUILD)/mkseed \
            $(BUILD)/doctest
# The docs whose command blocks `make test` runs (tools/doctest.c).
DOCS     := README.md $(wildcard */README.md docs/*.md)

.PHONY: all test asan-test check clean install uninstall bench fuzz lint-rules fmt-check update-docs
all: $(BUILD)/vroeg $(TOOLS)

$(BUILD)/.dir:
	@mkdir -p $(BUILD)/tests $(BUILD)/tools && touch $@

$(BUILD)/parser.c $(BUILD)/parser.h: grammar/parser.y $(BUILD)/.dir
	$(BISON) -Wall -Werror --defines=$(BUILD)/parser.h -o $(BUILD)/parser.c $<

$(BUILD)/lexer.c $(BUILD)/lexer.h: grammar/lexer.l $(BUILD)/parser.h
	$(FLEX) --header-file=$(BUILD)/lexer.h -o $(BUILD)/lexer.c $<

$(BUILD)/lexer.o: $(BUILD)/lexer.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GEN_WARN) -c -o $@ $<
$(BUILD)/parser.o: $(BUILD)/parser.c $(BUILD)/lexer.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GEN_WARN) -c -o $@ $<

$(BUILD)/%.o: src/%.c $(BUILD)/parser.h $(BUILD)/lexer.h
	$(CC) $(CPPFLAGS) $(SQLITE_CFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(BUILD)/libvroeg.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/vroeg: $(BUILD)/main.o $(BUILD)/libvroeg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SQLITE_LIBS) -lm

$(BUILD)/tools/%.o: tools/%.c $(BUILD)/.dir
	$(CC) $(CPPFLAGS) $(SQLITE_CFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<
$(BUILD)/vroeg-gen: $(BUILD)/tools/gen.o $(BUILD)/libvroeg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SQLITE_LIBS) -lm
$(BUILD)/bench-ref-p2: $(BUILD)/tools/ref_p2.o $(BUILD)/libvroeg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SQLITE_LIBS) -lm
$(BUILD)/bench-time: $(BUILD)/tools/bench_time.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/doctest: $(BUILD)/tools/doctest.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/opdoc: $(BUILD)/tools/opdoc.o $(BUILD)/libvroeg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SQLITE_LIBS) -lm
$(BUILD)/mkseed: $(BUILD)/tools/mkseed.o $(BUILD)/libvroeg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SQLITE_LIBS) -lm

# Each tests/check_NAME.c defines `Suite *NAME_suite(void)`; the runner calls them all.
$(BUILD)/tests/suites.inc: $(TEST_SRC) $(BUILD)/.dir
	sed -n 's/^Suite \*\([a-z_0-9]*\)_suite(void)$$/SUITE(\1)/p' $(TEST_SRC) > $@.tmp && mv $@.tmp $@
$(BUILD)/tests/main.o: tests/main.c $(BUILD)/tests/suites.inc
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<
# A suite's constructor is declared by the runner, not by a header.
$(BUILD)/tests/%.o: tests/%.c $(BUILD)/parser.h $(BUILD)/lexer.h
	$(CC) $(CPPFLAGS) $(SQLITE_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -MMD -MP -c -o $@ $<
$(BUILD)/check_vroeg: $(TEST_OBJ) $(BUILD)/libvroeg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(SQLITE_LIBS) -lm

# The whole suite: unit suites (Check), then the data-driven cases, which run
# the real binary over tests/cases and the policy fixtures; then every command
# block of the docs, whose output must be the one shown after it.
test: $(BUILD)/check_vroeg $(BUILD)/vroeg $(TOOLS)
	$(BUILD)/opdoc docs/bytecode.md | cmp -s - docs/bytecode.md || \
		{ echo "docs/bytecode.md is out of date: run $(BUILD)/opdoc docs/bytecode.md > new && mv new docs/bytecode.md"; exit 1; }
	VROEG=$(BUILD)/vroeg VROEG_GEN=$(BUILD)/vroeg-gen VROEG_DOCTEST=$(BUILD)/doctest $(BUILD)/check_vroeg
	$(BUILD)/doctest --build $(BUILD) $(DOCS)

# After a change to what the program prints: docs/bytecode.md from the opcode
# table, then every output block of the docs rewritten from what its commands
# print (read the change in git diff). A second pass without --update says
# whether anything is left that rewriting cannot mend (an exit status, a
# breach of the convention).
update-docs: $(BUILD)/vroeg $(TOOLS)
	$(BUILD)/opdoc docs/bytecode.md > $(BUILD)/bytecode.md.new && mv $(BUILD)/bytecode.md.new docs/bytecode.md
	$(BUILD)/doctest --build $(BUILD) --update $(DOCS) || $(BUILD)/doctest --build $(BUILD) $(DOCS)

# The sanitizers make every process several times slower, and a busy CI
# machine slower still: Check's per-test timeouts are stretched for this run
# (unless the caller sets CK_TIMEOUT_MULTIPLIER).
asan-test:
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-4} $(MAKE) BUILD=build/asan SANITIZE=1 OPT=-O1 test

check: test asan-test

bench: all
	bench/run.sh $(BUILD)

fuzz:
	fuzz/run.sh

install: $(BUILD)/vroeg
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BUILD)/vroeg $(DESTDIR)$(BINDIR)/vroeg
	install -m 0644 docs/vroeg.1 $(DESTDIR)$(MANDIR)/man1/vroeg.1
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vroeg $(DESTDIR)$(MANDIR)/man1/vroeg.1
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d $(BUILD)/tools/*.d)
