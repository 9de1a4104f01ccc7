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

dormancy--$(EXTVERSION).sql: $(SQL_FRAGMENTS) dormancy.control
	@rm -f $@
	@for f in $(SQL_FRAGMENTS); do echo "-- from $$f"; cat "$$f"; echo; done > $@.tmp
	@sed -i "s/@EXTVERSION@/$(EXTVERSION)/g" $@.tmp
	@mv $@.tmp $@

# The pure core builds and tests without a server.
UNIT_TESTS = $(basename $(notdir $(wildcard test/unit/test_*.c)))
unit: $(addprefix test/unit/bin/,$(UNIT_TESTS))

test/unit/bin/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/fuzz/*.c)
	@mkdir -p test/unit/bin
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Isrc/core -o $@ $< $(CORE_SRCS) -lm

clean: clean-unit
clean-unit:
	rm -rf test/unit/bin

# Benchmarks of the pure core (no server): make bench
bench: test/bench/bin/bench_btyd
	test/bench/bin/bench_btyd

test/bench/bin/%: test/bench/%.c $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p test/bench/bin
	$(CC) -std=c11 -O2 -Wall -Wextra -Isrc/core -o $@ $< $(CORE_SRCS) -lm

clean: clean-bench
clean-bench:
	rm -rf test/bench/bin

.PHONY: unit clean-unit bench clean-bench
