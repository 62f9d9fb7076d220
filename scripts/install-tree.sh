#!/usr/bin/env bash
# Installs Hotline into a directory tree; called by `make install` (and by `make deb` with PREFIX=/usr).
#
#   scripts/install-tree.sh DESTDIR BINDIR UNITDIR LIBDIR SYSCONFDIR DOCDIR MANDIR BUILT_BINARIES_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
destdir=$1 bindir=$2 unitdir=$3 libdir=$4 sysconfdir=$5 docdir=$6 mandir=$7 built=$8

for program in hotlined hotlinectl hotline-pbx-sim hotline-pbx-bridge hotline-notifier generate-manual; do
    [ -x "$built/$program" ] || { echo "install: $built/$program is missing; run make release" >&2; exit 1; }
done

install -d "$destdir$bindir" "$destdir$unitdir" "$destdir$libdir/sysusers.d" "$destdir$libdir/tmpfiles.d" \
    "$destdir$sysconfdir/hotline" "$destdir$docdir" "$destdir$mandir/man1" "$destdir$mandir/man8" \
    "$destdir${bindir%/bin}/share/bash-completion/completions" "$destdir${bindir%/bin}/share/zsh/vendor-completions"
for program in hotlined hotlinectl hotline-pbx-sim hotline-pbx-bridge hotline-notifier; do
    # Symbols are for debugging builds; the installed programs are a third of the size without them.
    install -m 0755 --strip "$built/$program" "$destdir$bindir/$program"
done

sed "s|^ExecStart=/usr/bin/hotlined|ExecStart=$bindir/hotlined|" deploy/hotlined.service \
    >"$destdir$unitdir/hotlined.service"
chmod 0644 "$destdir$unitdir/hotlined.service"
# The bridge's template unit (one instance per PBX) ships disabled: it needs its config and secret file first.
sed "s|^ExecStart=/usr/bin/hotline-pbx-bridge|ExecStart=$bindir/hotline-pbx-bridge|" deploy/hotline-pbx-bridge@.service \
    >"$destdir$unitdir/hotline-pbx-bridge@.service"
chmod 0644 "$destdir$unitdir/hotline-pbx-bridge@.service"
install -m 0644 deploy/hotlined.socket deploy/hotlined-control.socket "$destdir$unitdir/"
install -m 0644 deploy/hotlined.sysusers "$destdir$libdir/sysusers.d/hotline.conf"
install -m 0644 deploy/hotlined.tmpfiles "$destdir$libdir/tmpfiles.d/hotline.conf"
# The administrator's config is theirs: an existing one is left alone (the example stays in the docs).
if [ ! -e "$destdir$sysconfdir/hotline/hotlined.toml" ]; then
    install -m 0644 deploy/hotlined.toml "$destdir$sysconfdir/hotline/hotlined.toml"
fi
for pbx in asterisk freeswitch; do
    if [ ! -e "$destdir$sysconfdir/hotline/pbx-bridge-$pbx.toml" ]; then
        install -m 0644 "deploy/pbx-bridge-$pbx.toml" "$destdir$sysconfdir/hotline/pbx-bridge-$pbx.toml"
    fi
    install -m 0644 "deploy/pbx-bridge-$pbx.toml" "$destdir$docdir/pbx-bridge-$pbx.toml.example"
done
install -m 0644 README.md docs/DECISIONS.md "$destdir$docdir/"
install -m 0644 deploy/hotlined.toml "$destdir$docdir/hotlined.toml.example"

# hotline-notifier: its own unit (installed disabled: it needs a route to deliver to), user and config.
sed "s|^ExecStart=/usr/bin/hotline-notifier|ExecStart=$bindir/hotline-notifier|" deploy/hotline-notifier.service \
    >"$destdir$unitdir/hotline-notifier.service"
chmod 0644 "$destdir$unitdir/hotline-notifier.service"
install -m 0644 deploy/hotline-notifier.sysusers "$destdir$libdir/sysusers.d/hotline-notifier.conf"
install -m 0644 deploy/hotline-notifier.tmpfiles "$destdir$libdir/tmpfiles.d/hotline-notifier.conf"
if [ ! -e "$destdir$sysconfdir/hotline/notifier.toml" ]; then
    install -m 0644 deploy/notifier.toml "$destdir$sysconfdir/hotline/notifier.toml"
fi
install -m 0644 deploy/notifier.toml "$destdir$docdir/notifier.toml.example"
install -m 0644 docs/notifier.md "$destdir$docdir/"

# Man pages and completions come from the programs' own argument-parser definitions, so they never disagree with
# --help. The date is the last commit's, so that the same source gives the same package.
man_date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
man_build=$(mktemp -d)
trap 'rm -rf "$man_build"' EXIT
for page in hotlined:8 hotlinectl:1 hotline-pbx-sim:1 hotline-pbx-bridge:8 hotline-notifier:8; do
    program=${page%:*} section=${page#*:}
    "$built/generate-manual" "$built/$program" --section "$section" --date "$man_date" \
        --authors "Hotline developers" --output-directory "$man_build"
    # argument-parser leaves blank lines where discussion paragraphs break; mdoc wants .Pp there.
    sed 's/^$/.Pp/' "$man_build/$program.$section" | gzip -9n >"$destdir$mandir/man$section/$program.$section.gz"
    chmod 0644 "$destdir$mandir/man$section/$program.$section.gz"
done
# Completion files are sourced, not run: no #! line.
"$built/hotlinectl" --generate-completion-script bash | sed '1{/^#!/d}' \
    >"$destdir${bindir%/bin}/share/bash-completion/completions/hotlinectl"
"$built/hotlinectl" --generate-completion-script zsh >"$destdir${bindir%/bin}/share/zsh/vendor-completions/_hotlinectl"
chmod 0644 "$destdir${bindir%/bin}/share/bash-completion/completions/hotlinectl" \
    "$destdir${bindir%/bin}/share/zsh/vendor-completions/_hotlinectl"
