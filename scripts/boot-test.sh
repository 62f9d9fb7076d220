#!/usr/bin/env bash
# The booted-systemd test: Debian 12 with systemd as PID 1 in a container, the hotline package installed the way
# an administrator installs it, and the units exercised for real from outside through nsenter.
#
#   scripts/with-temp-postgres.sh scripts/boot-test.sh        (run as root; `make boot-test` builds the .deb first)
#
# The Debian root is built once with debootstrap from the machine's apt source and cached under
# .build/boot-test (rebuilt when the package's dependencies change); each run boots a throwaway copy of it
# (systemd-nspawn -x), so the cache stays clean. PostgreSQL is the throwaway cluster of with-temp-postgres.sh,
# reached through its socket directory bind-mounted at /run/postgresql. Every check prints what it saw when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "boot-test: FAILED: $*" >&2; exit 1; }
step() { echo "boot-test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, systemd-nspawn, nsenter)"
: "${HOTLINE_TEST_DATABASE:?run under scripts/with-temp-postgres.sh}"
deb=$(ls .build/deb/hotline_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no package in .build/deb; run make deb"
pg_socket_dir=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$HOTLINE_TEST_DATABASE")
pg_user=$(sed -n 's/.*user=\([^ ]*\).*/\1/p' <<<"$HOTLINE_TEST_DATABASE")
[ -d "$pg_socket_dir" ] || fail "cannot find the PostgreSQL socket directory in HOTLINE_TEST_DATABASE"

# --- the cached Debian root ---------------------------------------------------------------------------------
# The package's own dependencies are preinstalled, so that dpkg -i inside the container needs no network.
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -e 's/([^)]*)//g' -e 's/|.*//' -e 's/ //g' | grep -v '^$' \
    | sort -u | tr '\n' ',')
include="systemd,systemd-sysv,dbus,${depends%,}"
cache=.build/boot-test
root=$cache/bookworm
if [ ! -f "$root/.hotline-complete" ] || [ "$(cat "$root/.hotline-complete")" != "$include" ]; then
    mirror=$(grep -h -m1 -oE 'https?://[^ ]*/debian/?$' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
        2>/dev/null | head -1 || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    step "building the Debian 12 root ($include) from $mirror"
    rm -rf "$root" "$root.partial"
    mkdir -p "$cache"
    debootstrap --variant=minbase --include="$include" bookworm "$root.partial" "$mirror" \
        >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; fail "debootstrap"; }
    # Nothing in the container should wait for a terminal or a network it does not have.
    rm -f "$root.partial/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
    echo "$include" >"$root.partial/.hotline-complete"
    mv "$root.partial" "$root"
else
    step "using the cached Debian 12 root $root"
fi

# --- boot ------------------------------------------------------------------------------------------------------
work=$(mktemp -d /tmp/hotline-boot.XXXXXX)
cp "$deb" "$work/hotline.deb"
log=$work/console.log
nspawn_pid=""
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
step "booting the container"
systemd-nspawn -D "$root" -x --boot --register=no --keep-unit --console=read-only --machine=hotline-boot \
    --bind="$pg_socket_dir:/run/postgresql" --bind-ro="$work:/mnt/hotline" >"$log" 2>&1 &
nspawn_pid=$!
pid1=""
for _ in $(seq 1 100); do
    for child in $(pgrep -P "$nspawn_pid" 2>/dev/null); do
        [ "$(cat /proc/"$child"/comm 2>/dev/null)" = systemd ] && pid1=$child
    done
    [ -n "$pid1" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || { cat "$log"; fail "systemd-nspawn exited"; }
    sleep 0.2
done
[ -n "$pid1" ] || { cat "$log"; fail "no systemd in the container"; }
in_container() { nsenter -t "$pid1" -a "$@"; }
# PID 1 exists before its bus does: ask until it answers, then until start-up is over.
state=""
for _ in $(seq 1 180); do
    state=$(in_container systemctl is-system-running 2>&1 || true)
    case $state in running | degraded) break ;; esac
    sleep 0.5
done
[ "$state" = running ] || { in_container systemctl --failed --no-pager || true; fail "system state: $state"; }
step "systemd is PID 1 in the container (host pid $pid1), state $state"

# --- install ---------------------------------------------------------------------------------------------------
# A short watchdog for the test, the way an administrator changes a unit: a drop-in, never the packaged file.
in_container mkdir -p /etc/systemd/system/hotlined.service.d
in_container sh -c 'printf "[Service]\nWatchdogSec=4\nTimeoutAbortSec=3\n" >/etc/systemd/system/hotlined.service.d/test-watchdog.conf'
in_container dpkg -i /mnt/hotline/hotline.deb >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
step "package installed"
in_container id hotline >/dev/null || fail "postinst did not create the hotline user"
[ "$(in_container stat -c '%U:%G %a' /etc/hotline/hotlined.toml)" = "root:hotline 640" ] \
    || fail "config permissions: $(in_container stat -c '%U:%G %a' /etc/hotline/hotlined.toml)"
# Point the daemon at the database (the conffile, edited as an administrator would).
in_container sed -i "s|^conninfo = \"\"|conninfo = \"host=/run/postgresql dbname=postgres user=$pg_user\"|" \
    /etc/hotline/hotlined.toml
in_container grep -q "^conninfo = \"host=/run/postgresql" /etc/hotline/hotlined.toml || fail "config edit"
# The PBX bridge ships with both configs and stays off until the administrator has written the PBX's secret.
for pbx in asterisk freeswitch; do
    in_container test -f "/etc/hotline/pbx-bridge-$pbx.toml" || fail "no /etc/hotline/pbx-bridge-$pbx.toml"
    [ "$(in_container systemctl is-enabled "hotline-pbx-bridge@$pbx.service" || true)" != enabled ] \
        || fail "hotline-pbx-bridge@$pbx.service is enabled by the package"
done

# --- socket activation ---------------------------------------------------------------------------------------
for unit in hotlined.socket hotlined-control.socket; do
    [ "$(in_container systemctl is-enabled "$unit")" = enabled ] || fail "$unit is not enabled"
    [ "$(in_container systemctl is-active "$unit")" = active ] || fail "$unit is not listening"
done
in_container test -S /run/hotline/pbx.sock || fail "/run/hotline/pbx.sock is not a socket"
[ "$(in_container stat -c '%U:%G %a' /run/hotline/pbx.sock)" = "root:hotline 660" ] || fail "pbx.sock permissions"
[ "$(in_container systemctl is-active hotlined.service || true)" = inactive ] || fail "hotlined ran before any connection"
step "sockets listen; hotlined.service inactive until the first connection"

cat >"$work/events.ndjson" <<'EVENTS'
{"v":1,"id":"boot-1","type":"call.offered","at":"2026-11-30T09:00:00+08:00","call":"boot-call","from":"13800138000","caller_name":"李雷","to":"12345","queue":"complaints"}
{"v":1,"id":"boot-2","type":"call.answered","at":"2026-11-30T09:00:05+08:00","call":"boot-call","agents":["8001"]}
{"v":1,"id":"boot-3","type":"call.ended","at":"2026-11-30T09:03:00+08:00","call":"boot-call","cause":"normal"}
EVENTS
in_container hotline-pbx-sim replay /mnt/hotline/events.ndjson >"$work/acks" 2>&1 || { cat "$work/acks"; fail "events not acked"; }
for id in boot-1 boot-2 boot-3; do
    grep -q "\"ok\":true,\"id\":\"$id\"" "$work/acks" || { cat "$work/acks"; fail "no ack for $id"; }
done
step "3 events acknowledged; the PBX connection started the daemon"

show() { in_container systemctl show hotlined -p "$1" --value; }
[ "$(show ActiveState)" = active ] || fail "ActiveState=$(show ActiveState)"
[ "$(show Type)" = notify ] || fail "Type=$(show Type)"
status_text=$(show StatusText)
[ -n "$status_text" ] || fail "no StatusText"
step "systemctl show: ActiveState=active Type=notify StatusText='$status_text'"

in_container hotlinectl calls --json >"$work/calls.json" || fail "hotlinectl calls"
grep -q 'boot-call' "$work/calls.json" || { cat "$work/calls.json"; fail "the call is not in hotlinectl calls"; }
step "the call is visible with hotlinectl"

# A refused event leaves structured fields in the journal (EVENT_ID, the logger, the code location).
echo '{"v":1,"id":"boot-bad","type":"call.teleported","at":"2026-11-30T09:04:00+08:00","call":"boot-call"}' \
    >"$work/bad.ndjson"
in_container hotline-pbx-sim replay /mnt/hotline/bad.ndjson >/dev/null 2>&1 && fail "a bad event was acked"
in_container journalctl --sync || true
in_container journalctl -u hotlined -o verbose --no-pager >"$work/journal" 2>&1 || true
for field in SYSLOG_IDENTIFIER=hotlined HOTLINE_LOGGER= CODE_FILE= EVENT_ID=boot-bad; do
    grep -q "$field" "$work/journal" || { tail -40 "$work/journal"; fail "journal has no $field"; }
done
step "journalctl -o verbose shows the structured fields"

# --- reload ----------------------------------------------------------------------------------------------------
main_pid=$(show MainPID)
in_container sed -i 's/^warning_share = 0.8/warning_share = 0.75/' /etc/hotline/hotlined.toml
in_container systemctl reload hotlined || fail "systemctl reload"
for _ in $(seq 1 50); do
    in_container journalctl -u hotlined --no-pager | grep -q "configuration reloaded" && break
    sleep 0.2
done
in_container journalctl -u hotlined --no-pager | grep -q "configuration reloaded" || fail "no reload in the journal"
[ "$(show MainPID)" = "$main_pid" ] || fail "reload restarted the daemon"
[ "$(show ActiveState)" = active ] || fail "not active after reload"
step "systemctl reload: configuration reloaded, same PID $main_pid"

# --- watchdog ----------------------------------------------------------------------------------------------------
restarts=$(show NRestarts)
in_container kill -STOP "$main_pid"
step "daemon $main_pid stopped with SIGSTOP; waiting for the watchdog"
new_pid=""
for _ in $(seq 1 120); do
    pid=$(show MainPID)
    if [ "$pid" != 0 ] && [ "$pid" != "$main_pid" ] && [ "$(show ActiveState)" = active ]; then new_pid=$pid; break; fi
    sleep 0.5
done
[ -n "$new_pid" ] || { in_container systemctl status hotlined --no-pager || true; fail "no watchdog restart"; }
[ "$(show NRestarts)" -gt "$restarts" ] || fail "NRestarts did not grow"
# journald stores systemd's own line asynchronously: it may land a moment after the restart is visible.
logged=""
for _ in $(seq 1 20); do
    if in_container journalctl -u hotlined --no-pager | grep -qi "watchdog timeout"; then logged=yes; break; fi
    sleep 0.5
done
[ -n "$logged" ] || fail "no watchdog timeout in the journal"
in_container hotlinectl calls --json >"$work/calls-after.json" || fail "hotlinectl calls after the restart"
grep -q 'boot-call' "$work/calls-after.json" || fail "acknowledged events lost across the watchdog restart"
in_container hotlinectl call show boot-call --json >"$work/call.json" || fail "hotlinectl call show"
grep -q '13800138000\|138\*\*\*\*8000' "$work/call.json" || { cat "$work/call.json"; fail "call details"; }
step "watchdog restart (pid $main_pid -> $new_pid); acknowledged events are still there"

# --- hotline-notifier ---------------------------------------------------------------------------------------------
# Installed disabled; an administrator gives it a login and a route, enables it, and a transfer reaches the webhook
# (a receiver on the host: the container shares the host's network).
[ "$(in_container systemctl is-enabled hotline-notifier.service || true)" = disabled ] \
    || fail "hotline-notifier is enabled before it is configured"
in_container id hotline-notifier >/dev/null || fail "postinst did not create the hotline-notifier user"
psql "$HOTLINE_TEST_DATABASE" -qc 'CREATE ROLE "hotline-notifier" LOGIN IN ROLE hotline_notifier' \
    || fail "creating the notifier's login"
python3 scripts/webhook-receiver.py --log "$work/webhook.log" --port-file "$work/webhook.port" &
receiver_pid=$!
trap 'kill "$receiver_pid" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do [ -s "$work/webhook.port" ] && break; sleep 0.1; done
port=$(cat "$work/webhook.port")
in_container sh -c "cat >/etc/hotline/notifier.toml" <<TOML
[database]
conninfo = "host=/run/postgresql dbname=postgres user=hotline-notifier"
[channel.ops]
type = "webhook"
url = "http://127.0.0.1:$port/hotline"
[route.all]
channels = ["ops"]
TOML
in_container systemctl enable --now hotline-notifier.service >/dev/null 2>&1 \
    || { in_container journalctl -u hotline-notifier --no-pager | tail -20; fail "hotline-notifier did not start"; }
[ "$(in_container systemctl show hotline-notifier -p Type --value)" = notify ] || fail "hotline-notifier Type"
in_container hotlinectl dept add SVC --name 客服部 >/dev/null || fail "dept add SVC"
in_container hotlinectl dept add INST --name 安装部 >/dev/null || fail "dept add INST"
in_container hotlinectl staff add zhangsan --name 张三 --dept SVC >/dev/null || fail "staff add"
in_container hotlinectl complaint file --matter 热水器漏水 --as zhangsan --json >"$work/filed.json" || fail "complaint file"
complaint=$(sed -n 's/^  "id" : "\([0-9]*\)".*/\1/p;s/^  "id": "\([0-9]*\)".*/\1/p' "$work/filed.json" | head -1)
[ -n "$complaint" ] || { cat "$work/filed.json"; fail "no complaint id"; }
in_container hotlinectl complaint transfer "$complaint" --to INST --reason 安装问题 --as zhangsan >/dev/null \
    || fail "complaint transfer"
for _ in $(seq 1 100); do grep -qi 'hotline-topic": "transferred' "$work/webhook.log" 2>/dev/null && break; sleep 0.2; done
grep -qi 'hotline-topic": "transferred' "$work/webhook.log" \
    || { cat "$work/webhook.log" 2>/dev/null; in_container journalctl -u hotline-notifier --no-pager | tail -20; \
        fail "the transfer's notice did not reach the webhook"; }
step "hotline-notifier: enabled by the administrator, a transfer delivered to the webhook"

in_container systemctl stop hotline-notifier.service hotlined.service
step "PASSED"
