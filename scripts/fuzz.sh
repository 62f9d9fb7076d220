#!/usr/bin/env bash
# Builds a libFuzzer target and runs it for FUZZ_SECONDS (default 60) from its seed corpus. Any crash or broken
# invariant fails, leaving the input in .build-fuzz/crash-*.
#
#   scripts/fuzz.sh [pbx|esl|all]     default pbx
#
#   pbx  the PBX line framer, parser and ack encoder (Fuzz/PBXLineFuzzer, corpus Fuzz/corpus/pbx)
#   esl  the FreeSWITCH event-socket frame parser and call model (Fuzz/ESLFrameFuzzer, corpus Fuzz/corpus/esl
#        and the recorded transcripts in Tests/HotlinePBXBridgeTests/Fixtures/freeswitch)
#   all  both, FUZZ_SECONDS each
#
# SwiftPM's --sanitize=fuzzer would also instrument and link the build-tool plugin that embeds the calendar, whose
# own main then clashes with libFuzzer's; so the modules a fuzzer needs are compiled here with swiftc.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
which=${1:-pbx}
case "$which" in
    pbx | esl | all) ;;
    *) echo "usage: scripts/fuzz.sh [pbx|esl|all]" >&2; exit 2 ;;
esac
out=.build-fuzz
mkdir -p "$out"

swift build --target HotlineCore >/dev/null
generated=$(find .build -path '*HotlineCore*' -name EmbeddedCalendars.swift | head -1)
[ -n "$generated" ] || { echo "fuzz: EmbeddedCalendars.swift not generated" >&2; exit 1; }

common=(-O -sanitize=fuzzer -parse-as-library -package-name hotline -enable-upcoming-feature ExistentialAny
        -enable-upcoming-feature MemberImportVisibility -I "$out")
# module NAME SOURCES...: one instrumented module, as an object file and a .swiftmodule in $out.
module() {
    local name=$1; shift
    swiftc "${common[@]}" -module-name "$name" -wmo -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -c "$@" -o "$out/$name.o"
}
# HotlineCore's SHA256 wraps swift-crypto, which only SwiftPM builds: Fuzz/Support has a stand-in that traps.
module HotlineCore $(find Sources/HotlineCore -name '*.swift' -not -name SHA256.swift) Fuzz/Support/SHA256Unavailable.swift \
    "$generated"
module HotlineProtocol $(find Sources/HotlineProtocol -name '*.swift')

# run NAME CORPUS MAX_LEN: fuzz the built $out/NAME from a fresh copy of its corpus.
run() {
    local name=$1 corpus=$2 max_len=$3
    "$out/$name" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/" "$corpus" 2>&1 | tail -15
    # With pipefail, a crash (libFuzzer exits non-zero) has already stopped the script here.
}

if [ "$which" = pbx ] || [ "$which" = all ]; then
    swiftc "${common[@]}" -D FUZZING -module-name PBXLineFuzzer Fuzz/PBXLineFuzzer/PBXLineFuzzer.swift \
        "$out/HotlineCore.o" "$out/HotlineProtocol.o" -o "$out/hotline-fuzz-pbx"
    mkdir -p "$out/corpus"
    cp Fuzz/corpus/pbx/* "$out/corpus/"
    run hotline-fuzz-pbx "$out/corpus" 4096
    echo "fuzz: ${seconds} s on the PBX line parser found nothing"
fi

if [ "$which" = esl ] || [ "$which" = all ]; then
    module HotlinePBXBridge $(find Sources/HotlinePBXBridge -name '*.swift')
    swiftc "${common[@]}" -D FUZZING -module-name ESLFrameFuzzer Fuzz/ESLFrameFuzzer/ESLFrameFuzzer.swift \
        "$out/HotlineCore.o" "$out/HotlineProtocol.o" "$out/HotlinePBXBridge.o" -o "$out/hotline-fuzz-esl"
    mkdir -p "$out/corpus-esl"
    cp Fuzz/corpus/esl/* Tests/HotlinePBXBridgeTests/Fixtures/freeswitch/*.esl "$out/corpus-esl/"
    # The transcripts are up to 120 KB: long enough inputs to hold a whole call.
    run hotline-fuzz-esl "$out/corpus-esl" 131072
    echo "fuzz: ${seconds} s on the ESL frame parser and FreeSWITCH call model found nothing"
fi
