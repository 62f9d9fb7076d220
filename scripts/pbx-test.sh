#!/usr/bin/env bash
# make pbx-test: the PBX bridges against a real Asterisk and a real FreeSWITCH. Builds Asterisk 22.7.0 and
# FreeSWITCH 1.10.12 with the shared build scripts (about 3 and 5 minutes the first time, cached under /var/cache
# afterwards), starts Asterisk with its AMI on 127.0.0.1:PORT and FreeSWITCH with its event socket on
# 127.0.0.1:ESL_PORT, and runs the bridge's test target — unit suites and the live suites "Asterisk live" and
# "FreeSWITCH live", which start real hotlined processes on a throwaway PostgreSQL and the real hotline-pbx-bridge
# binary — then stops both PBXs.
#
#   scripts/pbx-test.sh            HOTLINE_TEST_AMI_PORT (default 15038), HOTLINE_ASTERISK_DIR (default ../shared/pbx/asterisk)
#                                  HOTLINE_TEST_ESL_PORT (default 18021), HOTLINE_FREESWITCH_DIR (default ../shared/pbx/freeswitch)
#                                  HOTLINE_PBX_TEST_FILTER (a `swift test --filter` on type or test names, e.g. FreeSWITCHLiveTests)
#
# It fails, never skips: when a PBX cannot be built or started, when a port is taken by something else, and when
# a live suite did not run and pass. Only the tests read ../shared; the bridge itself never does.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
asterisk_dir=${HOTLINE_ASTERISK_DIR:-$(cd .. && pwd)/shared/pbx/asterisk}
port=${HOTLINE_TEST_AMI_PORT:-15038}
freeswitch_dir=${HOTLINE_FREESWITCH_DIR:-$(cd .. && pwd)/shared/pbx/freeswitch}
esl_port=${HOTLINE_TEST_ESL_PORT:-18021}

fail() { echo "pbx-test: $*" >&2; exit 1; }
[ -x "$asterisk_dir/build.sh" ] || [ -f "$asterisk_dir/build.sh" ] || fail "no Asterisk build script in $asterisk_dir"
[ -f "$freeswitch_dir/build.sh" ] || fail "no FreeSWITCH build script in $freeswitch_dir"

echo "== Asterisk: build (cached) ($(( $(date +%s) - started )) s so far)"
prefix=$(bash "$asterisk_dir/build.sh" | tail -1) || fail "building Asterisk failed"
[ -x "$prefix/sbin/asterisk" ] || fail "build.sh did not produce $prefix/sbin/asterisk"

echo "== FreeSWITCH: build (cached) ($(( $(date +%s) - started )) s so far)"
fs_prefix=$(bash "$freeswitch_dir/build.sh" | tail -1) || fail "building FreeSWITCH failed"
[ -x "$fs_prefix/bin/freeswitch" ] || fail "build.sh did not produce $fs_prefix/bin/freeswitch"

# Another program on a port would answer in the PBX's place: refuse rather than test against it.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "127.0.0.1:$port is already in use; set HOTLINE_TEST_AMI_PORT to a free port"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$esl_port") 2>/dev/null; then
    fail "127.0.0.1:$esl_port is already in use; set HOTLINE_TEST_ESL_PORT to a free port"
fi

rundir=$(mktemp -d /tmp/hotline-asterisk.XXXXXX)
pidfile="$rundir/run/asterisk.pid"
# FreeSWITCH's run.sh wipes the directory it is given at each start: the stop file lives beside it.
fs_top=$(mktemp -d /tmp/hotline-freeswitch.XXXXXX)
fs_rundir="$fs_top/run"
fs_pidfile="$fs_rundir/run/freeswitch.pid"
supervisor_pid=""
fs_supervisor_pid=""
stop_pbx() {  # stop_pbx PIDFILE: TERM, then KILL after 10 s
    if [ -f "$1" ]; then
        pid=$(cat "$1")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
}
cleanup() {
    touch "$rundir/stop" "$fs_top/stop"
    stop_pbx "$pidfile"
    stop_pbx "$fs_pidfile"
    [ -z "$supervisor_pid" ] || wait "$supervisor_pid" 2>/dev/null || true
    [ -z "$fs_supervisor_pid" ] || wait "$fs_supervisor_pid" 2>/dev/null || true
    rm -rf "$rundir" "$fs_top"
}
trap cleanup EXIT

# Each PBX runs under a small supervisor that starts it again when it exits, until STOPFILE exists: the live suites
# kill it (HOTLINE_TEST_*_PIDFILE) to test the bridge with a PBX that restarts under it.
#   supervise STOPFILE LOG RUN.SH ARGS...     (in the background; the caller takes $!)
supervise() {
    local stopfile=$1 console=$2; shift 2
    while [ ! -e "$stopfile" ]; do
        bash "$@" >>"$console" 2>&1 || true
        sleep 0.5
    done
}
# await_greeting NAME PORT GREETING CONSOLE PIDFILE: the PBX is up when its port greets with GREETING.
await_greeting() {
    local name=$1 at=$2 expected=$3 console=$4 pids=$5 greeting
    for _ in $(seq 1 300); do
        if greeting=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$at && head -c ${#expected} <&3" 2>/dev/null) \
            && [ "$greeting" = "$expected" ]; then
            [ -f "$pids" ] || fail "$name wrote no pid file ($pids)"
            return 0
        fi
        sleep 0.2
    done
    cat "$console" >&2
    fail "$name did not answer on 127.0.0.1:$at within 60 s"
}

echo "== Asterisk: start on 127.0.0.1:$port ($(( $(date +%s) - started )) s so far)"
supervise "$rundir/stop" "$rundir/console.log" "$asterisk_dir/run.sh" "$prefix" "$rundir" "$port" &
supervisor_pid=$!
await_greeting Asterisk "$port" "Asterisk Call Manager/" "$rundir/console.log" "$pidfile"

# The shared configuration plus one queue for the ring-all test, as Tests/HotlinePBXBridgeTests/Fixtures/freeswitch
# was recorded: `complaints-ringall` (strategy ring-all, the other parameters as `complaints`, tiers for 8001 and
# 8002), joined by dialling 12346 in context `hotline`. mod_callcenter loads queues from its configuration only, so
# the test cannot add one at run time. run.sh reads conf/ beside itself: both are copied, the shared tree is not
# touched.
fs_conf="$fs_top/pbx"
mkdir -p "$fs_conf/conf"
cp "$freeswitch_dir/run.sh" "$fs_conf/run.sh"
ringall_queue='<queue name="complaints-ringall"><param name="strategy" value="ring-all"/><param name="moh-sound" value="$${hold_music}"/><param name="time-base-score" value="system"/><param name="max-wait-time" value="0"/><param name="max-wait-time-with-no-agent" value="0"/><param name="max-wait-time-with-no-agent-time-reached" value="5"/><param name="tier-rules-apply" value="false"/><param name="tier-rule-wait-second" value="300"/><param name="tier-rule-wait-multiply-level" value="true"/><param name="tier-rule-no-agent-no-wait" value="false"/><param name="discard-abandoned-after" value="60"/><param name="abandoned-resume-allowed" value="false"/></queue>'
ringall_tiers='<tier agent="8001" queue="complaints-ringall" level="1" position="1"/><tier agent="8002" queue="complaints-ringall" level="1" position="2"/>'
ringall_extension='<extension name="complaints-ringall"><condition field="destination_number" expression="^12346$"><action application="answer"/><action application="set" data="cc_export_vars=caller_id_name,caller_id_number"/><action application="callcenter" data="complaints-ringall"/><action application="hangup"/></condition></extension>'
awk -v queue="$ringall_queue" -v tiers="$ringall_tiers" -v extension="$ringall_extension" '
    /<\/queues>/ { print queue }
    /<\/tiers>/ { print tiers }
    { print }
    /<context name="hotline">/ { print extension }
' "$freeswitch_dir/conf/freeswitch.xml" >"$fs_conf/conf/freeswitch.xml"
[ "$(grep -o 'complaints-ringall' "$fs_conf/conf/freeswitch.xml" | wc -l)" -eq 5 ] \
    || fail "could not add the ring-all queue to $freeswitch_dir/conf/freeswitch.xml (has its layout changed?)"

echo "== FreeSWITCH: start on 127.0.0.1:$esl_port ($(( $(date +%s) - started )) s so far)"
supervise "$fs_top/stop" "$fs_top/console.log" "$fs_conf/run.sh" "$fs_prefix" "$fs_rundir" "$esl_port" &
fs_supervisor_pid=$!
await_greeting FreeSWITCH "$esl_port" "Content-Type: auth/request" "$fs_top/console.log" "$fs_pidfile"

echo "== build ($(( $(date +%s) - started )) s so far)"
swift build --build-tests

echo "== HotlinePBXBridgeTests with the live Asterisk and FreeSWITCH ($(( $(date +%s) - started )) s so far)"
log="$rundir/test.log"
set +e
HOTLINE_TEST_ASTERISK_AMI="127.0.0.1:$port" HOTLINE_TEST_ASTERISK_USER=hotline HOTLINE_TEST_ASTERISK_SECRET=s3cret \
    HOTLINE_TEST_ASTERISK_PIDFILE="$pidfile" HOTLINE_TEST_FREESWITCH_ESL="127.0.0.1:$esl_port" \
    HOTLINE_TEST_FREESWITCH_PASSWORD=ClueCon HOTLINE_TEST_FREESWITCH_PIDFILE="$fs_pidfile" \
    scripts/with-temp-postgres.sh swift test --skip-build --filter "${HOTLINE_PBX_TEST_FILTER:-HotlinePBXBridgeTests}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "tests failed (exit $status)"
# A narrowed run (HOTLINE_PBX_TEST_FILTER, for working on one test) checks what it ran; the full run both suites.
if grep -q 'Test run with 0 tests' "$log"; then fail "no test matched ${HOTLINE_PBX_TEST_FILTER:-the target}"; fi
if [ -z "${HOTLINE_PBX_TEST_FILTER:-}" ]; then
    grep -q 'Suite "Asterisk live" passed' "$log" || fail "the live Asterisk suite did not pass in this run"
    grep -q 'Suite "FreeSWITCH live" passed' "$log" || fail "the live FreeSWITCH suite did not pass in this run"
fi
# The suites run side by side; their own durations are the split of the time.
grep -E 'Suite "(Asterisk|FreeSWITCH) live" passed after' "$log" || true
if grep -qE '(Test|Suite) "[^"]*" skipped' "$log"; then fail "tests were skipped"; fi
echo "pbx-test: PASSED in $(( $(date +%s) - started )) s"
