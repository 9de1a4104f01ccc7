# Shared set-up for the demo and the test runner: packages, build, a
# throwaway PostgreSQL 15 server on a unix socket in a temp directory.
# Source it; it defines functions and sets PG_BIN, PG_ROOT, REPO.
#
# The extension is never installed into the system's PostgreSQL tree: the
# server runs from a private copy of it (PostgreSQL finds its share and lib
# directories relative to its own binary), one per checkout, so two checkouts
# can be tested at once without overwriting each other's extension.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SYSTEM_PG_BIN=/usr/lib/postgresql/15/bin
PG_ROOT=${DORMANCY_PG_ROOT:-/tmp/dormancy-pgroot-$(printf '%s' "$REPO" | md5sum | cut -c1-12)}
PG_BIN=$PG_ROOT$SYSTEM_PG_BIN
export PATH="$PG_BIN:$PATH"
# builds (and pg_regress) use the system's pg_config: headers and PGXS are there
export PG_CONFIG=$SYSTEM_PG_BIN/pg_config

log() { printf '%s\n' "$*" >&2; }

# Install what is missing (Debian packages), when running as root.  clang
# and its libFuzzer/sanitizer runtime are optional: without them the
# sanitizer stage of the test runner says "skipped" (sanitizers_available).
ensure_packages() {
	local need=() optional=()
	[ -x "$SYSTEM_PG_BIN/postgres" ] || need+=(postgresql-15)
	[ -f /usr/include/postgresql/15/server/postgres.h ] || need+=(postgresql-server-dev-15)
	[ -f /usr/lib/postgresql/15/lib/pg_cron.so ] || need+=(postgresql-15-cron)
	/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
	command -v make >/dev/null || need+=(make)
	command -v gcc >/dev/null || need+=(gcc)
	if ! command -v clang >/dev/null; then
		optional+=(clang libclang-rt-dev)
	elif ! sanitizers_available >/dev/null; then
		optional+=("libclang-rt-$(clang_major)-dev")
	fi
	[ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		[ ${#optional[@]} -gt 0 ] && log "missing optional packages: ${optional[*]} (run as root to install them)"
		[ ${#need[@]} -eq 0 ] && return 0
		log "missing packages: ${need[*]} (run as root to install them)"
		return 1
	fi
	log "installing: ${need[*]} ${optional[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || { [ ${#need[@]} -eq 0 ]; return; }
	if [ ${#need[@]} -gt 0 ]; then
		apt-get install -y -qq "${need[@]}" >/dev/null || return 1
	fi
	if [ ${#optional[@]} -gt 0 ]; then
		apt-get install -y -qq "${optional[@]}" >/dev/null ||
			log "could not install ${optional[*]}: the sanitizer stage will be skipped"
	fi
	return 0
}

# The major version of the installed clang (14 for "Debian clang version 14.0.6").
clang_major() {
	clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -1
}

# Whether clang with AddressSanitizer, UBSan and libFuzzer can build here;
# prints why not otherwise.
sanitizers_available() {
	local rt
	if ! command -v clang >/dev/null; then
		echo "clang is not installed (Debian packages clang and libclang-rt-dev)"
		return 1
	fi
	rt="$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
	if [ ! -f "$rt" ]; then
		echo "libFuzzer of clang $(clang_major) is not installed ($rt; Debian package libclang-rt-$(clang_major)-dev)"
		return 1
	fi
	return 0
}

# The private copy of the PostgreSQL 15 tree (binaries, libraries with
# pg_cron, share), made again when the system's packages change.
ensure_pg_root() {
	local libroot sharedir stamp want
	libroot=$(dirname "$SYSTEM_PG_BIN")
	sharedir=$("$SYSTEM_PG_BIN/pg_config" --sharedir)
	want=$(dpkg-query -W -f='${Version}' postgresql-15 postgresql-15-cron 2>/dev/null | tr -d '\n')
	stamp=$PG_ROOT/.made-from
	if [ -x "$PG_BIN/postgres" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	rm -rf "$PG_ROOT"
	mkdir -p "$PG_ROOT$(dirname "$libroot")" "$PG_ROOT$(dirname "$sharedir")" || return 1
	cp -a "$libroot" "$PG_ROOT$(dirname "$libroot")/" &&
		cp -a "$sharedir" "$PG_ROOT$(dirname "$sharedir")/" || return 1
	chmod -R a+rX "$PG_ROOT"
	printf '%s' "$want" >"$stamp"
}

# Build the extension and install it into the private tree (installing the
# packages first: a script run alone on a fresh machine has none of them).
build_install() {
	ensure_packages || return 1
	ensure_pg_root || return 1
	(cd "$REPO" && make -s with_llvm=no >/dev/null && make -s with_llvm=no install DESTDIR="$PG_ROOT" >/dev/null)
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
