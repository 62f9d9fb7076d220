#!/usr/bin/env bash
# libFuzzer on the AMI frame parser, the AMI login conversation and the Asterisk call model of hotline-pbx-bridge,
# for FUZZ_SECONDS (default 60) from the seed corpus in Fuzz/corpus/ami (the recorded transcripts). Any crash or
# broken invariant fails, leaving the input in .build-fuzz-ami/crash-*.
#
# Built with swiftc as scripts/fuzz.sh does (SwiftPM's --sanitize=fuzzer would also instrument the build-tool plugin).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
out=.build-fuzz-ami
mkdir -p "$out/corpus"

swift build --target HotlineCore >/dev/null
generated=$(find .build -path '*HotlineCore*' -name EmbeddedCalendars.swift | head -1)
[ -n "$generated" ] || { echo "fuzz-ami: EmbeddedCalendars.swift not generated" >&2; exit 1; }

common=(-O -sanitize=fuzzer -parse-as-library -package-name hotline -enable-upcoming-feature ExistentialAny
        -enable-upcoming-feature MemberImportVisibility -I "$out")
swiftc "${common[@]}" -module-name HotlineCore -wmo -emit-module -emit-module-path "$out/HotlineCore.swiftmodule" \
    -c $(find Sources/HotlineCore -name '*.swift' -not -name SHA256.swift) Fuzz/Support/SHA256Unavailable.swift "$generated" \
    -o "$out/HotlineCore.o"
swiftc "${common[@]}" -module-name HotlineProtocol -wmo -emit-module \
    -emit-module-path "$out/HotlineProtocol.swiftmodule" \
    -c $(find Sources/HotlineProtocol -name '*.swift') -o "$out/HotlineProtocol.o"
swiftc "${common[@]}" -module-name HotlinePBXBridge -wmo -emit-module \
    -emit-module-path "$out/HotlinePBXBridge.swiftmodule" \
    -c $(find Sources/HotlinePBXBridge -name '*.swift') -o "$out/HotlinePBXBridge.o"
swiftc "${common[@]}" -module-name AMIFrameFuzzer Fuzz/AMIFrameFuzzer/AMIFrameFuzzer.swift \
    "$out/HotlineCore.o" "$out/HotlineProtocol.o" "$out/HotlinePBXBridge.o" -o "$out/hotline-fuzz-ami"

cp Fuzz/corpus/ami/* "$out/corpus/"
"$out/hotline-fuzz-ami" -max_total_time="$seconds" -max_len=16384 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" 2>&1 | tail -15
echo "fuzz-ami: ${seconds} s on the AMI frame parser and the Asterisk call model found nothing"
