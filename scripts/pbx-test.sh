#!/usr/bin/env bash
# make pbx-test: the PBX bridge against a real Asterisk. Builds Asterisk 22.7.0 with the shared build script (about
# 3 minutes the first time, cached under /var/cache afterwards), starts it with its AMI on 127.0.0.1:PORT, and runs
# the bridge's test target — unit suites and the live suite "Asterisk live", which starts real hotlined processes on
# a throwaway PostgreSQL and the real hotline-pbx-bridge binary — then stops Asterisk.
#
#   scripts/pbx-test.sh            HOTLINE_TEST_AMI_PORT (default 15038), HOTLINE_ASTERISK_DIR (default ../shared/pbx/asterisk)
#
# It fails, never skips: when Asterisk cannot be built or started, when the port is taken by something else, and when
# the live suite did not run and pass. Only the tests read ../shared; the bridge itself never does.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
asterisk_dir=${HOTLINE_ASTERISK_DIR:-$(cd .. && pwd)/shared/pbx/asterisk}
port=${HOTLINE_TEST_AMI_PORT:-15038}

fail() { echo "pbx-test: $*" >&2; exit 1; }
[ -x "$asterisk_dir/build.sh" ] || [ -f "$asterisk_dir/build.sh" ] || fail "no Asterisk build script in $asterisk_dir"

echo "== Asterisk: build (cached) ($(( $(date +%s) - started )) s so far)"
prefix=$(bash "$asterisk_dir/build.sh" | tail -1) || fail "building Asterisk failed"
[ -x "$prefix/sbin/asterisk" ] || fail "build.sh did not produce $prefix/sbin/asterisk"

# Another program on the port would answer in Asterisk's place: refuse rather than test against it.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "127.0.0.1:$port is already in use; set HOTLINE_TEST_AMI_PORT to a free port"
fi

rundir=$(mktemp -d /tmp/hotline-asterisk.XXXXXX)
pidfile="$rundir/run/asterisk.pid"
supervisor_pid=""
cleanup() {
    touch "$rundir/stop"
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    [ -z "$supervisor_pid" ] || wait "$supervisor_pid" 2>/dev/null || true
    rm -rf "$rundir"
}
trap cleanup EXIT

echo "== Asterisk: start on 127.0.0.1:$port ($(( $(date +%s) - started )) s so far)"
# Asterisk runs under a small supervisor that starts it again when it exits, until the tests are over: the live
# suite kills it (HOTLINE_TEST_ASTERISK_PIDFILE) to test the bridge with a PBX that restarts under it.
(
    while [ ! -e "$rundir/stop" ]; do
        bash "$asterisk_dir/run.sh" "$prefix" "$rundir" "$port" >>"$rundir/console.log" 2>&1 || true
        sleep 0.5
    done
) &
supervisor_pid=$!
ready=""
for _ in $(seq 1 300); do
    if greeting=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 22 <&3" 2>/dev/null) \
        && [ "$greeting" = "Asterisk Call Manager/" ]; then
        ready=yes
        break
    fi
    sleep 0.2
done
[ -n "$ready" ] || { cat "$rundir/console.log" >&2; fail "Asterisk's AMI did not answer on 127.0.0.1:$port within 60 s"; }
[ -f "$pidfile" ] || fail "Asterisk wrote no pid file ($pidfile)"

echo "== build ($(( $(date +%s) - started )) s so far)"
swift build --build-tests

echo "== HotlinePBXBridgeTests with the live Asterisk ($(( $(date +%s) - started )) s so far)"
log="$rundir/test.log"
set +e
HOTLINE_TEST_ASTERISK_AMI="127.0.0.1:$port" HOTLINE_TEST_ASTERISK_USER=hotline HOTLINE_TEST_ASTERISK_SECRET=s3cret \
    HOTLINE_TEST_ASTERISK_PIDFILE="$pidfile" scripts/with-temp-postgres.sh swift test --skip-build --filter HotlinePBXBridgeTests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "tests failed (exit $status)"
grep -q 'Suite "Asterisk live" passed' "$log" || fail "the live suite did not pass in this run"
if grep -qE '(Test|Suite) "[^"]*" skipped' "$log"; then fail "tests were skipped"; fi
echo "pbx-test: PASSED in $(( $(date +%s) - started )) s"
