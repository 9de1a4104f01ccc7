# pg_dormancy: PGXS build
EXTENSION = dormancy
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" dormancy.control)
MODULE_big = dormancy
PGFILEDESC = "dormancy - dormant customer detection"

CORE_SRCS = $(sort $(wildcard src/core/*.c))
GLUE_SRCS = $(sort $(wildcard src/*.c))
OBJS = $(CORE_SRCS:.c=.o) $(GLUE_SRCS:.c=.o)

# The install script of the current version is built from the fragments in
# sql_src/, concatenated in name order.  sql_history/ keeps the install
# scripts of released versions, frozen, and the upgrade scripts between them
# (see sql_history/README.md).
SQL_FRAGMENTS = $(sort $(wildcard sql_src/*.sql))
DATA_built = dormancy--$(EXTVERSION).sql
DATA = $(filter-out %/$(DATA_built),$(wildcard sql_history/dormancy--*.sql))

# setup runs first (extension install and upgrade chain), the rest by name
REGRESS = setup $(filter-out setup,$(sort $(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --load-extension=dormancy --dbname=dormancy_regression

PG_CPPFLAGS = -I$(srcdir)/src -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: a changed struct in a header must
# rebuild every object, or the glue allocates a state of the old size.
$(OBJS): $(wildcard src/*.h src/core/*.h)

dormancy--$(EXTVERSION).sql: $(SQL_FRAGMENTS) dormancy.control
	@rm -f $@
	@for f in $(SQL_FRAGMENTS); do echo "-- from $$f"; cat "$$f"; echo; done > $@.tmp
	@sed -i "s/@EXTVERSION@/$(EXTVERSION)/g" $@.tmp
	@mv $@.tmp $@

# The pure core builds and tests without a server.  test/lib/*.c (the
# seeded BTYD simulator) is test support: linked into the unit tests and
# benchmarks, never into the module.
UNIT_TESTS = $(basename $(notdir $(wildcard test/unit/test_*.c)))
TEST_LIB_SRCS = $(sort $(wildcard test/lib/*.c))
TEST_LIB_DEPS = $(TEST_LIB_SRCS) $(wildcard test/lib/*.h)
unit: $(addprefix test/unit/bin/,$(UNIT_TESTS))

test/unit/bin/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(TEST_LIB_DEPS) $(wildcard test/fuzz/*.c)
	@mkdir -p test/unit/bin
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Isrc/core -Itest/lib -o $@ $< $(CORE_SRCS) $(TEST_LIB_SRCS) -lm

clean: clean-unit
clean-unit:
	rm -rf test/unit/bin

# Benchmarks of the pure core (no server): make bench
bench: test/bench/bin/bench_btyd
	test/bench/bin/bench_btyd

test/bench/bin/%: test/bench/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(TEST_LIB_DEPS)
	@mkdir -p test/bench/bin
	$(CC) -std=c11 -O2 -Wall -Wextra -Isrc/core -Itest/lib -o $@ $< $(CORE_SRCS) $(TEST_LIB_SRCS) -lm

clean: clean-bench
clean-bench:
	rm -rf test/bench/bin

# Sanitizers and fuzzing of the pure core (clang; see test/fuzz/README.md).
#   make unit-san   the unit tests with AddressSanitizer and UBSan
#   make fuzz       one libFuzzer binary per test/fuzz/fuzz_*.c
SAN_CC = clang
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
unit-san: $(addprefix test/unit/bin-san/,$(UNIT_TESTS))

test/unit/bin-san/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(TEST_LIB_DEPS) $(wildcard test/fuzz/*.c)
	@mkdir -p test/unit/bin-san
	$(SAN_CC) -std=c11 $(SAN_FLAGS) -Wall -Wextra -Werror -Isrc/core -Itest/lib -o $@ $< $(CORE_SRCS) $(TEST_LIB_SRCS) -lm

# Each target links only the files it fuzzes.  fuzz_history_io runs the I/O
# functions of src/history_type.c on the backend stand-ins of pg_stub.c and
# the server's libpgcommon.a (shortest float output); it is built like the
# server (-fwrapv, -fno-strict-aliasing).
FUZZ_TARGETS = $(basename $(notdir $(wildcard test/fuzz/fuzz_*.c)))
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
FUZZ_SRCS_fuzz_history = src/core/history.c
FUZZ_SRCS_fuzz_history_io = src/core/history.c src/history_type.c test/fuzz/pg_stub.c
FUZZ_SRCS_fuzz_metrics = src/core/metrics.c src/core/history.c src/core/facts.c
FUZZ_SRCS_fuzz_categorized = src/core/categorized.c src/core/history.c
FUZZ_SRCS_fuzz_rules = src/core/rules.c
FUZZ_SRCS_fuzz_names = src/core/names.c
FUZZ_SRCS_fuzz_phone = src/core/phone.c src/core/names.c
FUZZ_SRCS_fuzz_label_key = src/core/label_key.c
FUZZ_SRCS_fuzz_basis_match = src/core/basis_match.c
FUZZ_SRCS_fuzz_amount = src/core/amount.c
FUZZ_SRCS_fuzz_priority = src/core/priority.c
FUZZ_SRCS_fuzz_priority_format = src/core/priority.c
FUZZ_SRCS_fuzz_btyd_fit = src/core/btyd.c src/core/optimise.c src/core/specfun.c
FUZZ_SRCS_fuzz_btyd_predict = src/core/btyd.c src/core/optimise.c src/core/specfun.c
FUZZ_SRCS_fuzz_btyd_merge = src/core/btyd.c src/core/optimise.c src/core/specfun.c
FUZZ_SRCS_fuzz_effect = src/core/effect.c
FUZZ_SRCS_fuzz_paretonbd_predict = src/core/paretonbd.c src/core/btyd.c src/core/optimise.c src/core/specfun.c
FUZZ_EXTRA_fuzz_history_io = -fwrapv -fno-strict-aliasing -Wno-ignored-attributes -Wno-unused-parameter \
	-Wno-missing-field-initializers -Isrc -I$(shell $(PG_CONFIG) --includedir-server)
FUZZ_LIBS_fuzz_history_io = $(shell $(PG_CONFIG) --pkglibdir)/libpgcommon.a

fuzz: $(addprefix test/fuzz/bin/,$(FUZZ_TARGETS))

.SECONDEXPANSION:
test/fuzz/bin/%: test/fuzz/%.c $$(FUZZ_SRCS_$$*) $(wildcard src/core/*.h) $(wildcard test/fuzz/*.h)
	@mkdir -p test/fuzz/bin
	$(SAN_CC) $(FUZZ_FLAGS) -Wall -Wextra -Werror $(FUZZ_EXTRA_$*) -Isrc/core -Itest/fuzz \
		-o $@ $< $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*) -lm

clean: clean-san
clean-san:
	rm -rf test/unit/bin-san test/fuzz/bin

.PHONY: unit clean-unit bench clean-bench unit-san fuzz clean-san
