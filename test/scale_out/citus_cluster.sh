# A Citus coordinator and workers for the scale-out tests and the bench.
# Source after test/lib/common.sh.  Citus is not in Debian's archive: it is
# built from ../shared/vendor by ../shared/tools/build-citus.sh into a cached
# private tree (CITUS_CACHE, default /opt/citus-pg15); this checkout's
# extension is installed into a copy of that tree of its own (CITUS_ROOT),
# never into the system's or the cache's.
#
#   citus_available   -> 0, or prints why not and returns 1
#   citus_build       -> builds (or reuses) Citus and installs dormancy next to it
#   citus_start N     -> coordinator + N workers on 127.0.0.1; sets CITUS_PORTS
#                        (coordinator first) and CITUS_DIR
#   citus_copy_demo SOURCE_CONNECTION_ARGS...
#                     -> copies schema demo (test/demo/generate.sql) from a
#                        server to the coordinator and distributes its tables
#   citus_stop

SHARED_DIR=$(cd "$REPO/.." && pwd)/shared
CITUS_CACHE=${CITUS_CACHE:-/opt/citus-pg15}
CITUS_ROOT=${DORMANCY_CITUS_ROOT:-/tmp/dormancy-citusroot-$(printf '%s' "$REPO" | md5sum | cut -c1-12)}
CITUS_BIN=$CITUS_ROOT$SYSTEM_PG_BIN

citus_available() {
	if [ ! -f "$SHARED_DIR/tools/build-citus.sh" ]; then
		echo "no Citus: $SHARED_DIR/tools/build-citus.sh is not there (the shared folder beside the repository)"
		return 1
	fi
	if [ ! -f "$SHARED_DIR/vendor/citus-13.2.2-src.tar.gz" ]; then
		echo "no Citus: $SHARED_DIR/vendor/citus-13.2.2-src.tar.gz is not there"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ] && [ ! -f "$CITUS_CACHE/.citus-13.2.2-built" ] && [ ! -w "$(dirname "$CITUS_CACHE")" ]; then
		echo "no Citus: not built yet in $CITUS_CACHE, and $(dirname "$CITUS_CACHE") is not writable (run as root once, or set CITUS_CACHE)"
		return 1
	fi
	return 0
}

citus_build() {
	local built stamp want
	built=$(bash "$SHARED_DIR/tools/build-citus.sh" "$CITUS_CACHE" | tail -1) || return 1
	[ -x "$built/postgres" ] || { log "build-citus.sh gave no server: $built"; return 1; }
	# our own copy of the cached tree, renewed when the cache is rebuilt
	want=$(stat -c %Y "$CITUS_CACHE/.citus-13.2.2-built")
	stamp=$CITUS_ROOT/.copied-from
	if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		rm -rf "$CITUS_ROOT" && cp -a "$CITUS_CACHE" "$CITUS_ROOT" && printf '%s' "$want" >"$stamp" || return 1
		chmod -R a+rX "$CITUS_ROOT"
	fi
	(cd "$REPO" && make -s with_llvm=no >/dev/null && make -s with_llvm=no install DESTDIR="$CITUS_ROOT" >/dev/null)
}

# free TCP ports on 127.0.0.1
free_ports() {
	python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(('127.0.0.1', 0)); socks.append(s)
print(' '.join(str(s.getsockname()[1]) for s in socks))
PY
}

citus_start() {
	local n=$1 port
	CITUS_DIR=$(mktemp -d /tmp/dormancy-citus.XXXXXX)
	chmod 755 "$CITUS_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$CITUS_DIR"
	read -r -a CITUS_PORTS <<<"$(free_ports $((n + 1)))"
	for port in "${CITUS_PORTS[@]}"; do
		as_pg_user "$CITUS_BIN/initdb" -D "$CITUS_DIR/$port" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 ||
			as_pg_user "$CITUS_BIN/initdb" -D "$CITUS_DIR/$port" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null || return 1
		{
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$CITUS_DIR'"
			echo "shared_preload_libraries = 'citus'"
			echo "fsync = off"
			echo "max_worker_processes = 16"
			echo "timezone = 'UTC'"
		} >>"$CITUS_DIR/$port/postgresql.conf"
		as_pg_user "$CITUS_BIN/pg_ctl" -D "$CITUS_DIR/$port" -l "$CITUS_DIR/$port.log" -w -t 60 start >/dev/null ||
			{ cat "$CITUS_DIR/$port.log" >&2; return 1; }
		psql -X -q -h "$CITUS_DIR" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION citus' || return 1
	done
	psql -X -q -h "$CITUS_DIR" -p "${CITUS_PORTS[0]}" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "SELECT citus_set_coordinator_host('127.0.0.1', ${CITUS_PORTS[0]})" >/dev/null || return 1
	for port in "${CITUS_PORTS[@]:1}"; do
		psql -X -q -h "$CITUS_DIR" -p "${CITUS_PORTS[0]}" -U postgres -d postgres -v ON_ERROR_STOP=1 \
			-c "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null || return 1
	done
}

citus_stop() {
	local port
	[ -n "${CITUS_DIR:-}" ] && [ -d "$CITUS_DIR" ] || return 0
	for port in "${CITUS_PORTS[@]}"; do
		as_pg_user "$CITUS_BIN/pg_ctl" -D "$CITUS_DIR/$port" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$CITUS_DIR"
	CITUS_DIR=
}

# Copy schema demo from a server (its psql/pg_dump connection arguments) to
# the coordinator, and distribute accounts, invoices and contacts by account,
# co-located (Citus accepts a primary key only with the distribution column:
# the invoices' is dropped).
citus_copy_demo() {
	local coord=(-h "$CITUS_DIR" -p "${CITUS_PORTS[0]}" -U postgres -d postgres)
	"$PG_BIN/pg_dump" "$@" -n demo --no-owner | psql -X -q -v ON_ERROR_STOP=1 "${coord[@]}" >/dev/null || return 1
	psql -X -q -v ON_ERROR_STOP=1 "${coord[@]}" <<'SQL' >/dev/null
SET client_min_messages = warning;
ALTER TABLE demo.invoices DROP CONSTRAINT invoices_pkey;
SELECT create_distributed_table('demo.accounts', 'account_id');
SELECT create_distributed_table('demo.invoices', 'account_id', colocate_with => 'demo.accounts');
SELECT create_distributed_table('demo.contacts', 'account_id', colocate_with => 'demo.accounts');
SELECT truncate_local_data_after_distributing_table(x) FROM unnest(ARRAY['demo.accounts', 'demo.invoices', 'demo.contacts']) x;
SQL
}
