#!/usr/bin/env bash
# `make bench` against a database that is a network hop away, as in most deployments: a throwaway cluster as in
# `make bench`, reached through scripts/delay-proxy.py, which holds every chunk HOTLINE_DB_DELAY seconds (default
# 0.0002) in each direction. Every figure, the one-INSERT floor included, is measured through the same hop.
#
#   HOTLINE_BENCH_ONLY=ingest scripts/bench-remote-db.sh      # the ingest part only
#
# Run from the repository root after `swift build -c release --product hotlined --product hotline-bench`.
set -euo pipefail
if [[ -z "${HOTLINE_TEST_DATABASE:-}" ]]; then
    export HOTLINE_PG_FSYNC="${HOTLINE_PG_FSYNC:-on}"
    exec "$(dirname "$0")/with-temp-postgres.sh" "$0" "$@"
fi
directory=$(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$HOTLINE_TEST_DATABASE")
port="${HOTLINE_PROXY_PORT:-5440}"
python3 "$(dirname "$0")/delay-proxy.py" "$directory/.s.PGSQL.5432" "${HOTLINE_DB_DELAY:-0.0002}" "$port" &
proxy=$!
trap 'kill $proxy 2>/dev/null || true' EXIT
sleep 0.5
export HOTLINE_TEST_DATABASE="host=127.0.0.1 port=$port dbname=postgres user=hotline_test sslmode=disable"
.build/release/hotline-bench "$@"
