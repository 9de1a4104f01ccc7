# Shared set-up for the demo and the test runner: packages, build, a
# throwaway PostgreSQL 15 server on a unix socket in a temp directory.
# Source it; it defines functions and sets PG_BIN, REPO.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
export PATH="$PG_BIN:$PATH"

log() { printf '%s\n' "$*" >&2; }

# Install what is missing (Debian packages), when running as root.
ensure_packages() {
	local need=()
	[ -x "$PG_BIN/postgres" ] || need+=(postgresql-15)
	[ -f /usr/include/postgresql/15/server/postgres.h ] || need+=(postgresql-server-dev-15)
	[ -f /usr/lib/postgresql/15/lib/pg_cron.so ] || need+=(postgresql-15-cron)
	/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
	command -v make >/dev/null || need+=(make)
	command -v gcc >/dev/null || need+=(gcc)
	[ ${#need[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		log "missing packages: ${need[*]} (run as root to install them)"
		return 1
	fi
	log "installing: ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
}

# Build and install the extension into the server's directories.
build_install() {
	(cd "$REPO" && make -s with_llvm=no >/dev/null && make -s with_llvm=no install >/dev/null)
}

# Run a command as the server's OS user (postgres when we are root).
as_pg_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Start a throwaway server; sets PGHOST, PGPORT, PGUSER, PG_TMP.  Extra
# postgresql.conf lines can be passed as arguments.
start_server() {
	PG_TMP=$(mktemp -d /tmp/dormancy-pg.XXXXXX)
	chmod 755 "$PG_TMP"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_TMP"
	as_pg_user "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 ||
		as_pg_user "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C >"$PG_TMP/initdb.log" 2>&1 ||
		{ cat "$PG_TMP/initdb.log" >&2; return 1; }
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$PG_TMP'"
		echo "port = 5432"
		echo "fsync = off"
		echo "max_worker_processes = 16"
		echo "max_parallel_workers = 8"
		echo "timezone = 'UTC'"
		for line in "$@"; do echo "$line"; done
	} >>"$PG_TMP/data/postgresql.conf"
	as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 start >/dev/null ||
		{ cat "$PG_TMP/server.log" >&2; return 1; }
	export PGHOST="$PG_TMP" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

stop_server() {
	[ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ] || return 0
	as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_TMP"
	PG_TMP=
}
