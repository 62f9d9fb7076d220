#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster, then removes the cluster.
#
#   scripts/with-temp-postgres.sh swift test
#
# The cluster listens on a Unix socket only (listen_addresses=''), in a fresh directory under /tmp. PostgreSQL
# refuses to run as root, so under root it runs as the `postgres` user (created by Debian's postgresql package).
# The command sees:
#   HOTLINE_TEST_DATABASE  conninfo of the cluster's superuser on database `postgres` (tests create their own DBs)
#   HOTLINE_TEST_PGDATA    the data directory, and HOTLINE_TEST_PGCTL the pg_ctl binary (to restart the server)
#   HOTLINE_TEST_PGOWNER   the Unix user that owns the cluster when we are root (empty otherwise)
# Tests run with fsync=off (speed, nothing to keep); set HOTLINE_PG_FSYNC=on for benchmarks of durable writes.
# HOTLINE_PG_OPTIONS adds server options when profiling, e.g. "-c shared_preload_libraries=pg_stat_statements".
set -euo pipefail

bindir=""
for candidate in "${HOTLINE_PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
        bindir=$candidate
        break
    fi
done
if [ -z "$bindir" ]; then
    echo "with-temp-postgres: initdb/pg_ctl not found; install the server: apt-get install postgresql" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/hotline-pg.XXXXXX)
chmod 0755 "$dir"
owner=""
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    if ! id "$owner" >/dev/null 2>&1; then
        echo "with-temp-postgres: running as root needs the '$owner' user (apt-get install postgresql)" >&2
        exit 1
    fi
    chown "$owner" "$dir"
    as_owner=(runuser -u "$owner" --)
fi

cleanup() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U hotline_test --auth=trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=${HOTLINE_PG_FSYNC:-off} -c max_connections=200 ${HOTLINE_PG_OPTIONS:-}" \
    start >/dev/null || { cat "$dir/postgresql.log" >&2; exit 1; }

export HOTLINE_TEST_DATABASE="host=$dir dbname=postgres user=hotline_test"
export HOTLINE_TEST_PGDATA="$dir/data"
export HOTLINE_TEST_PGCTL="$bindir/pg_ctl"
export HOTLINE_TEST_PGOWNER="$owner"
echo "with-temp-postgres: cluster at $dir (PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $NF}'))"
"$@"
