#!/usr/bin/env bash
# Installs the Debian packages Hotline needs to build, run and test, skipping those already present.
#   postgresql      the server (initdb/pg_ctl, for the embedded database and the tests)
#   libpq-dev       libpq headers (the CLibPQ module)
#   libsystemd-dev  libsystemd headers (the CSystemd module)
#   pkg-config      finds both
#   systemd         systemd-socket-activate and systemd-analyze, used by tests and deploy checks
#   python3         its csv module reads back the CSV that `hotlinectl qa … --format csv` writes (a test)
#   chromium        renders `hotlinectl qa report` headless in a test: page text, label overflow, a screenshot
#   fonts-wqy-microhei  a CJK font (1.6 MB), so that test measures and shows Chinese labels instead of tofu boxes
# With --packaging, also what `make deb`, `make check-units` and `make boot-test` need:
#   dpkg-dev lintian          dpkg-shlibdeps for the package's Depends; lintian checks the package
#   debootstrap systemd-container   the Debian 12 root and systemd-nspawn for the booted-systemd test
#   procps man-db             /bin/kill (ExecReload) and man, which systemd-analyze verify runs for Documentation=
set -euo pipefail
packages=(postgresql libpq-dev libsystemd-dev pkg-config systemd python3 chromium fonts-wqy-microhei)
if [ "${1:-}" = "--packaging" ]; then
    packages+=(dpkg-dev lintian debootstrap systemd-container procps man-db)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
