#!/usr/bin/env bash
# Checks the systemd units as installed, in ways that cannot pass silently:
#  - `systemd-analyze verify` prints problems but exits 0 for many of them, so any output at all fails;
#  - `systemd-analyze security --offline=true` must rate hotlined.service at an exposure of at most 2.0.
# The units are installed into a temporary PREFIX with real binaries, so ExecStart= and the man pages named in
# Documentation= resolve as they do on an installed system.
#
#   scripts/check-units.sh BUILT_BINARIES_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
built=$1
max_exposure=2.0
tree=$(mktemp -d /tmp/hotline-units.XXXXXX)
trap 'rm -rf "$tree"' EXIT
prefix=$tree/usr
scripts/install-tree.sh "" "$prefix/bin" "$prefix/lib/systemd/system" "$prefix/lib" "$tree/etc" \
    "$prefix/share/doc/hotline" "$prefix/share/man" "$built"
# The bridge's template is verified as its two instances (a path to an instance loads the template beside it).
units=("$prefix/lib/systemd/system/hotlined.service" "$prefix/lib/systemd/system/hotlined.socket"
    "$prefix/lib/systemd/system/hotlined-control.socket" "$prefix/lib/systemd/system/hotline-notifier.service"
    "$prefix/lib/systemd/system/hotline-pbx-bridge@asterisk.service"
    "$prefix/lib/systemd/system/hotline-pbx-bridge@freeswitch.service")

# The trailing ':' keeps the system's own units (sysinit.target, postgresql.service …) on the search path.
output=$(SYSTEMD_UNIT_PATH="$prefix/lib/systemd/system:" MANPATH="$prefix/share/man:" \
    systemd-analyze verify "${units[@]}" 2>&1) || { echo "$output"; echo "check-units: verify failed" >&2; exit 1; }
if [ -n "$output" ]; then
    echo "$output"
    echo "check-units: systemd-analyze verify printed the lines above; the units must verify silently" >&2
    exit 1
fi
echo "check-units: systemd-analyze verify: no output"

report=$(systemd-analyze security --offline=true --no-pager "${units[0]}" 2>&1) || true
exposure=$(sed -n 's/.*Overall exposure level for hotlined.service: \([0-9.]*\).*/\1/p' <<<"$report")
if [ -z "$exposure" ]; then
    echo "$report"
    echo "check-units: no exposure level in systemd-analyze security's report" >&2
    exit 1
fi
if ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
    grep '✗' <<<"$report" || true
    echo "check-units: exposure $exposure is above $max_exposure" >&2
    exit 1
fi
echo "check-units: systemd-analyze security: exposure $exposure (at most $max_exposure); not covered:"
grep '✗' <<<"$report" | sed 's/^/  /'
