# cwsh — build, test, install.  See README.md.
#
#   make            build/cwsh and build/plugins/*.so
#   make run        install missing Debian packages (as root), build, demo job
#   make test       unit, transcript and rule tests through prove
#   make check-sanitize   the same suite under ASan+UBSan
#   make check-valgrind   unit binaries, fuzz replays and transcripts under memcheck
#   make check-reliability  allocation-failure sweeps (an import, a score),
#                   then check-crash (SIGKILL at random points) and check-concurrency
#   make bench      benchmarks (BENCH_SCALE=demo|city|province, or BENCH_FILE=FILE.csv;
#                   BENCH_STORE=postgres: on a scratch PostgreSQL server)
#   make fuzz       libFuzzer on each fuzz target in turn (FUZZ_SECONDS=60 each)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
BENCH_SCALE ?= city
BENCH_FILE  ?=
BENCH_STORE ?= sqlite
VERSION  := 1.0.0

DEB_PKGS := gcc make pkg-config liblua5.4-dev libsqlite3-dev libcsv-dev \
            libreadline-dev sqlite3 tmux perl time python3-icalendar \
            libpq-dev libxlsxwriter-dev
PKGS     := lua5.4 sqlite3 readline libpq

CC       ?= cc
OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter -Wformat=2
SAN      ?=
CPPFLAGS += -Icore -D_GNU_SOURCE -DCWSH_VERSION='"$(VERSION)"' \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS   += -std=c11 $(OPT) $(WARN) -fPIC -MMD -MP $(SAN)
LDFLAGS  += $(SAN)
LIBS_lua := $(shell pkg-config --libs lua5.4 2>/dev/null)
LIBS_core := $(LIBS_lua) $(shell pkg-config --libs readline 2>/dev/null) -ldl -lm -lpthread
LIBS_sqlite := $(shell pkg-config --libs sqlite3 2>/dev/null)
# none: the postgres plugin opens libpq at its first connection (pg_libpq.c)
LIBS_postgres :=
# Debian's libcsv-dev ships no pkg-config file.
LIBS_csv := -lcsv
LIBS_xlsx := $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter)

# core/loadkit.c: the store loaders' shared pieces, linked into the
# store plugins (sqlite, postgres), not into cwsh
# core/connstr.c (passwords in connection strings as ***) is in both:
# cwsh shows the string (.show) and each store words its messages with it
KIT_SRC   := core/loadkit.c core/connstr.c
KIT_OBJ   := $(KIT_SRC:%.c=$(BUILD)/%.o)
KIT_USERS := sqlite postgres
CORE_SRC  := $(filter-out core/loadkit.c,$(wildcard core/*.c))
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
CORE_LIB  := $(filter-out $(BUILD)/core/main.o,$(CORE_OBJ))
PLUGINS   := $(notdir $(wildcard plugins/*))
PLUGIN_SO := $(PLUGINS:%=$(BUILD)/plugins/%.so)
UNIT_SRC  := $(wildcard tests/unit/*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTPLUG  := $(patsubst tests/plugins/%.c,$(BUILD)/test-plugins/%.so,$(wildcard tests/plugins/*.c))
# Fuzz targets: tests/fuzz/fuzz_NAME.c drives the sources FUZZ_SRC_NAME
# (linked with FUZZ_LIBS_NAME); its seeds are tests/fuzz/corpus/NAME and
# the directories FUZZ_SEEDS_NAME (tests/t/fuzz-replay.t replays the same).
# A replay binary per target for `make test`, libFuzzer builds for
# `make fuzz`.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out tests/fuzz/fuzz_replay.c,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
FUZZ_SECONDS ?= 60
# make fuzz FUZZ_TARGETS="ics rules": some of them only
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SRC_read   := plugins/csv/csv_read.c
FUZZ_LIBS_read  := -lcsv -lm
FUZZ_SEEDS_read := tests/fixtures/csv
FUZZ_SRC_conv   := plugins/csv/csv_conv.c
FUZZ_LIBS_conv  := -lm
FUZZ_SEEDS_conv := tests/fixtures/csv
FUZZ_SRC_words  := core/words.c
FUZZ_SRC_split  := core/split.c
FUZZ_LIBS_split := $(LIBS_sqlite)
FUZZ_SEEDS_split := tests/transcripts
# import end to end: csv reader, mappings, pipeline, sqlite loader in memory
FUZZ_SRC_import  := $(filter-out plugins/csv/csv_plugin.c,$(wildcard plugins/csv/*.c)) \
                    $(filter-out plugins/sqlite/sqlite_plugin.c,$(wildcard plugins/sqlite/*.c)) $(KIT_SRC)
FUZZ_LIBS_import := -lcsv $(LIBS_sqlite) $(LIBS_lua) -lm -lpthread
FUZZ_SEEDS_import :=
# the core's Lua, through a real luahost (tests/fuzz/fuzz_lua.h)
FUZZ_SRC_ics    := $(filter-out core/main.c,$(CORE_SRC))
FUZZ_LIBS_ics   := $(LIBS_core)
FUZZ_SRC_rules  := $(filter-out core/main.c,$(CORE_SRC))
FUZZ_LIBS_rules := $(LIBS_core)
FUZZ_SEEDS_rules :=
# the rule DSL and the mapping loader, as for rules
FUZZ_SRC_dsl    := $(filter-out core/main.c,$(CORE_SRC))
FUZZ_LIBS_dsl   := $(LIBS_core)
FUZZ_SEEDS_dsl  :=
FUZZ_SRC_period  := $(filter-out core/main.c,$(CORE_SRC))
FUZZ_LIBS_period := $(LIBS_core)
FUZZ_SRC_render  := core/render.c core/utf8.c
FUZZ_SRC_limit   := $(filter-out core/main.c,$(CORE_SRC))
# .import into a table: the import's sources, as for the import target
FUZZ_SRC_table   := $(FUZZ_SRC_import)
FUZZ_LIBS_table  := $(FUZZ_LIBS_import)
FUZZ_SRC_html    := $(filter-out core/main.c,$(CORE_SRC))
FUZZ_LIBS_html   := $(LIBS_core)
FUZZ_LIBS_limit  := $(LIBS_core)
FUZZ_LIBS_render := -lm
# the command line: options.c reads limits with luahost_parse_limit
FUZZ_SRC_options  := $(filter-out core/main.c,$(CORE_SRC))
FUZZ_LIBS_options := $(LIBS_core)
# a database file from other hands: opened and upgraded, and .restore'd
FUZZ_SRC_restore  := plugins/sqlite/sqlite_conn.c plugins/sqlite/sqlite_schema.c \
                     plugins/sqlite/sqlite_dot.c core/sha256.c core/connstr.c
FUZZ_LIBS_restore := $(LIBS_sqlite) $(LIBS_lua) -lm
TOOLS_SRC := $(wildcard scripts/bench/*.c scripts/gen/*.c)
TOOLS_BIN := $(TOOLS_SRC:scripts/%.c=$(BUILD)/%)

# V=1 shows the full commands
Q := $(if $(V),,@)
all: $(BUILD)/cwsh $(PLUGIN_SO) $(TOOLS_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# -rdynamic: plugins resolve the Lua API from the binary's own liblua.
$(BUILD)/cwsh: $(CORE_OBJ)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS_core)

define plugin_rules
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard plugins/$(1)/*.c)) $$(if $$(filter $(1),$(KIT_USERS)),$(KIT_OBJ))
$(BUILD)/plugins/$(1).so: $$($(1)_OBJ)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -shared -o $$@ $$^ $$(LIBS_$(1))
# Unit tests named <plugin>_*.c link that plugin's objects.
$(BUILD)/tests/$(1)_%: tests/unit/$(1)_%.c $$($(1)_OBJ) $$(filter-out $$($(1)_OBJ),$(CORE_LIB))
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(LDFLAGS) -rdynamic -o $$@ $$^ $$(LIBS_$(1)) $$(LIBS_core)
endef
$(foreach p,$(PLUGINS),$(eval $(call plugin_rules,$(p))))

$(BUILD)/tests/core_%: tests/unit/core_%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS_core)

# Plugins used by the tests only (wrong ABI, no entry, failing init, ...).
$(BUILD)/test-plugins/%.so: tests/plugins/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -shared -o $@ $<

define fuzz_rules
$$(if $$(FUZZ_SRC_$(1)),,$$(error tests/fuzz/fuzz_$(1).c: set FUZZ_SRC_$(1) in the Makefile))
$(BUILD)/fuzz/replay_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz_replay.c $$(FUZZ_SRC_$(1):%.c=$(BUILD)/%.o)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_rules,$(t))))

# Bench and generator programs: one C file each.
$(BUILD)/bench/%: scripts/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS_sqlite) $(LIBS_csv) -lm
$(BUILD)/gen/%: scripts/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lm

deps:
	@sh scripts/deps.sh $(DEB_PKGS)

run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run.sh $(BUILD)

# the postgres store's tests start a scratch server (tests/pg.sh)
test: DEB_PKGS += postgresql
# The notice's tests print it with chromium and read it back with
# poppler, html5lib and openpyxl (tests/t/notice.t skips by name without them).
test: DEB_PKGS += chromium fonts-noto-cjk python3-openpyxl python3-html5lib poppler-utils
test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TESTPLUG) $(FUZZ_REPLAY)
	@BUILD=$(BUILD) prove -j2 --exec 'sh tests/run1' tests/t/*.t $(UNIT_BIN)

check-sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build-san OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined' test

# memcheck (valgrind) over the unit binaries, the fuzz replays and a set
# of transcripts (scripts/check-valgrind.sh): zero errors, no definite leak.
check-valgrind: DEB_PKGS += valgrind
check-valgrind: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TESTPLUG) $(FUZZ_REPLAY)
	@sh scripts/check-valgrind.sh $(BUILD)

# The long trials: allocation-failure sweeps over an import, a scoring run
# and a rules reload, and full disks (scripts/check-reliability.sh,
# RELIABILITY_RUNS=300 by default, =all for every allocation; RELIABILITY_SWEEPS picks some); SIGKILL at
# random points (scripts/check-crash.sh, CRASH_TRIALS=20); 2 and 4
# processes on one database (scripts/check-concurrency.sh, CONC_TRIALS=10).
$(BUILD)/faults/failmalloc.so: tests/faults/failmalloc.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -std=c11 -O2 -fPIC -shared -o $@ $<
check-reliability: deps
	@$(MAKE) --no-print-directory all $(BUILD)/faults/failmalloc.so
	@sh scripts/check-reliability.sh $(BUILD)
	@sh scripts/check-crash.sh $(BUILD)
	@sh scripts/check-concurrency.sh $(BUILD)
# each of the three by itself
check-crash: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/check-crash.sh $(BUILD)
check-concurrency: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/check-concurrency.sh $(BUILD)

# Coverage-guided fuzzing with clang's libFuzzer, ASan and UBSan: each
# target runs FUZZ_SECONDS from a work corpus seeded with
# tests/fuzz/corpus/NAME and FUZZ_SEEDS_NAME; crashes land in build-fuzz/.
define fuzz_one
clang -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) \
    -o build-fuzz/fuzz_$(1) tests/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LIBS_$(1)); \
mkdir -p build-fuzz/corpus-$(1); \
cp -R tests/fuzz/corpus/$(1)/. build-fuzz/corpus-$(1)/ 2>/dev/null || true; \
$(foreach d,$(FUZZ_SEEDS_$(1)),find $(d) -type f -exec cp {} build-fuzz/corpus-$(1)/ \; ;) \
echo "fuzz: $(1) for $(FUZZ_SECONDS) s"; \
build-fuzz/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
    -artifact_prefix=build-fuzz/$(1)- build-fuzz/corpus-$(1);
endef
fuzz:
	@sh scripts/deps.sh clang libclang-rt-14-dev
	@mkdir -p build-fuzz
	@set -e; $(foreach t,$(FUZZ_TARGETS),$(call fuzz_one,$(t)))

bench: DEB_PKGS += $(if $(filter postgres,$(BENCH_STORE)),postgresql)
bench: deps
	@$(MAKE) --no-print-directory all
	@BENCH_STORE=$(BENCH_STORE) sh scripts/bench/bench.sh $(BUILD) $(BENCH_SCALE) $(BENCH_FILE)

# Installing again replaces the Lua and the default rules as a whole, so
# that files removed from the tree do not stay active.
SHARE := $(DESTDIR)$(PREFIX)/share/cwsh
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/cwsh/plugins \
	    $(SHARE) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/cwsh $(DESTDIR)$(PREFIX)/bin/cwsh
	install -m 644 $(PLUGIN_SO) $(DESTDIR)$(PREFIX)/lib/cwsh/plugins/
	rm -rf $(SHARE)/lua $(SHARE)/rules
	cp -R core/lua $(SHARE)/lua
	cp -R rules $(SHARE)/rules
	install -m 644 cwsh.1 $(DESTDIR)$(PREFIX)/share/man/man1/cwsh.1

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps run test check-sanitize check-valgrind check-reliability check-crash check-concurrency fuzz bench install clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
