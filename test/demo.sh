#!/usr/bin/env bash
# The demo: builds and installs the extension, starts a throwaway PostgreSQL
# server, loads the built-in sample data, binds it, and prints the dormant
# segments and the count of customers per state, then runs a win-back
# campaign with simulated outcomes and prints its effect (test/demo/campaign.sql).
# Leaves nothing running.
#   bash test/demo.sh [customers]
set -eu
. "$(dirname "$0")/lib/common.sh"
cd "$REPO"
customers=${1:-5000}

ensure_packages
build_install
trap stop_server EXIT
start_server

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION dormancy'
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f test/demo/report.sql
psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f test/demo/campaign.sql
