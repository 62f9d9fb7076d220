#!/usr/bin/env bash
# Builds .build/deb/hotline_VERSION_ARCH.deb from release binaries (`make deb` builds them first) and checks it
# with lintian: any lintian error fails. Warnings and notes are printed for the reader.
#
#   scripts/build-deb.sh BUILT_BINARIES_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
built=$1
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/HotlineDaemon/HotlineVersion.swift)
arch=$(dpkg --print-architecture)
out=.build/deb
stage=$out/hotline_${version}_${arch}
deb=$out/hotline_${version}_${arch}.deb
rm -rf "$stage" "$deb"
mkdir -p "$stage/DEBIAN"

scripts/install-tree.sh "$stage" /usr/bin /lib/systemd/system /usr/lib /etc /usr/share/doc/hotline /usr/share/man "$built"
# Debian's documentation layout: the copyright file and a compressed changelog beside the docs.
install -m 0644 packaging/debian/copyright "$stage/usr/share/doc/hotline/copyright"
sed "s/@VERSION@/$version/" packaging/debian/changelog | gzip -9n >"$stage/usr/share/doc/hotline/changelog.gz"
chmod 0644 "$stage/usr/share/doc/hotline/changelog.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/hotline"

# Library dependencies as Debian computes them (versioned from the shlibs files of libc6, libpq5, libsystemd0).
shlibs_dir=$(mktemp -d)
trap 'rm -rf "$shlibs_dir"' EXIT
mkdir -p "$shlibs_dir/debian"
printf 'Source: hotline\n\nPackage: hotline\nArchitecture: any\n' >"$shlibs_dir/debian/control"
binaries=("$PWD/$stage/usr/bin/hotlined" "$PWD/$stage/usr/bin/hotlinectl" "$PWD/$stage/usr/bin/hotline-pbx-sim"
    "$PWD/$stage/usr/bin/hotline-notifier" "$PWD/$stage/usr/bin/hotline-pbx-bridge")
depends=$(cd "$shlibs_dir" && dpkg-shlibdeps -O "${binaries[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    packaging/debian/control.in >"$stage/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
(cd "$stage" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
    >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

# xz at level 1: a fifth of the default's time (20 s, not 100 s, for 180 MB of binaries) for a 15 % larger file.
dpkg-deb --root-owner-group -Zxz -z1 --build "$stage" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1)), Depends: $depends"

# lintian: errors fail; --fail-on error leaves warnings to the printed report.
lintian --fail-on error --tag-display-limit 0 --suppress-tags-from-file packaging/lintian-overrides.txt "$deb" \
    || { echo "build-deb: lintian found errors" >&2; exit 1; }
echo "build-deb: lintian reports no errors"
