#!/usr/bin/env bash
# Builds the libFuzzer target for the PBX line parser and runs it for FUZZ_SECONDS (default 60) from the seed
# corpus in Fuzz/corpus/pbx. Any crash or broken invariant fails, leaving the input in .build-fuzz/crash-*.
#
# SwiftPM's --sanitize=fuzzer would also instrument and link the build-tool plugin that embeds the calendar, whose
# own main then clashes with libFuzzer's; so the two modules the fuzzer needs are compiled here with swiftc.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
out=.build-fuzz
mkdir -p "$out/corpus"

swift build --target HotlineCore >/dev/null
generated=$(find .build -path '*HotlineCore*' -name EmbeddedCalendars.swift | head -1)
[ -n "$generated" ] || { echo "fuzz: EmbeddedCalendars.swift not generated" >&2; exit 1; }

common=(-O -sanitize=fuzzer -parse-as-library -package-name hotline -enable-upcoming-feature ExistentialAny
        -enable-upcoming-feature MemberImportVisibility -I "$out")
swiftc "${common[@]}" -module-name HotlineCore -wmo -emit-module -emit-module-path "$out/HotlineCore.swiftmodule" \
    -c $(find Sources/HotlineCore -name '*.swift') "$generated" -o "$out/HotlineCore.o"
swiftc "${common[@]}" -module-name HotlineProtocol -wmo -emit-module \
    -emit-module-path "$out/HotlineProtocol.swiftmodule" \
    -c $(find Sources/HotlineProtocol -name '*.swift') -o "$out/HotlineProtocol.o"
swiftc "${common[@]}" -D FUZZING -module-name PBXLineFuzzer Fuzz/PBXLineFuzzer/PBXLineFuzzer.swift \
    "$out/HotlineCore.o" "$out/HotlineProtocol.o" -o "$out/hotline-fuzz-pbx"

cp Fuzz/corpus/pbx/* "$out/corpus/"
"$out/hotline-fuzz-pbx" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" 2>&1 | tail -15
echo "fuzz: ${seconds} s on the PBX line parser found nothing"
