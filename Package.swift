// swift-tools-version:6.2
import PackageDescription

// Upcoming-feature flags shared by every Swift target (STYLE.md §15).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "hotline",
    products: [
        .executable(name: "hotlined", targets: ["hotlined"]),
        .executable(name: "hotlinectl", targets: ["hotlinectl"]),
        .executable(name: "hotline-pbx-sim", targets: ["hotline-pbx-sim"]),
        .executable(name: "hotline-pbx-bridge", targets: ["hotline-pbx-bridge"]),
        .executable(name: "hotline-notifier", targets: ["hotline-notifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // hotline-notifier: HTTP(S) to webhooks and chat robots, and HMAC-SHA256 signatures (docs/DECISIONS.md).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // C surfaces: only headers and link flags, found through pkg-config.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // Build-time tool that turns sql/ migrations and calendars/ into Swift source, so that the
        // installed binaries carry their schema and default calendar with them.
        .executableTarget(name: "EmbedFilesTool", path: "Sources/EmbedFilesTool"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),

        // Pure domain: rules, states, calendar arithmetic. No I/O, no C.
        .target(
            name: "HotlineCore",
            // swift-crypto for the hop chain's SHA-256: pure computation, no I/O.
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings,
            plugins: ["EmbedFiles"]
        ),
        // Wire formats shared by the daemon, the CLI and PBX adapters.
        .target(
            name: "HotlineProtocol",
            dependencies: ["HotlineCore"],
            swiftSettings: strictSettings
        ),
        // PostgreSQL: the only importer of CLibPQ.
        .target(
            name: "HotlineStore",
            dependencies: [
                "CLibPQ",
                "HotlineCore",
                "HotlineProtocol",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            plugins: ["EmbedFiles"]
        ),
        // System calls: Unix stream sockets, peer credentials, child processes. Nothing else calls them.
        .target(
            name: "HotlineSystem",
            swiftSettings: strictSettings
        ),
        // The daemon's services: sockets, systemd, configuration.
        .target(
            name: "HotlineDaemon",
            dependencies: [
                "CSystemd",
                "HotlineCore",
                "HotlineSystem",
                "HotlineProtocol",
                "HotlineStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        // hotlinectl's commands, as a library so tests can parse them in-process.
        .target(
            name: "HotlineCLI",
            dependencies: [
                "CSystemd",
                "HotlineCore",
                "HotlineSystem",
                "HotlineProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hotlined",
            dependencies: [
                "HotlineCore", "HotlineDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The reference PBX adapter: pipelining, ack matching and resend after reconnect; and its simulator.
        .target(
            name: "HotlineAdapter",
            dependencies: ["HotlineProtocol", "HotlineSystem"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hotline-pbx-sim",
            dependencies: [
                "HotlineAdapter",
                "HotlineProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // PBX bridges (SPEC section 11): the pure part — AMI and ESL framing, the Asterisk and FreeSWITCH call models,
        // derived event ids, the bridge's settings — with no sockets, so that transcripts drive it in unit tests.
        .target(
            name: "HotlinePBXBridge",
            dependencies: ["HotlineCore", "HotlineProtocol"],
            path: "Sources/HotlinePBXBridge",
            swiftSettings: strictSettings
        ),
        // The bridge program: sockets to the PBX and to hotlined around the pure library; the TOML reader and the
        // systemd notifier come from the daemon's library rather than being written twice.
        .executableTarget(
            name: "hotline-pbx-bridge",
            dependencies: [
                "HotlineDaemon",
                "HotlinePBXBridge",
                "HotlineProtocol",
                "HotlineSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/hotline-pbx-bridge",
            swiftSettings: strictSettings
        ),
        // `make bench`: ingest throughput and latency against PostgreSQL's own COPY, measured in one run.
        .executableTarget(
            name: "hotline-bench",
            dependencies: [
                "HotlineAdapter",
                "HotlineCore",
                "HotlineProtocol",
                "HotlineStore",
                "HotlineSystem",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HotlineBench",
            swiftSettings: strictSettings
        ),
        // `make bench`, the PBX bridge's part: frame parsers on the transcripts, events/s through the bridge.
        .executableTarget(
            name: "hotline-bridge-bench",
            dependencies: [
                "HotlineAdapter",
                "HotlineCore",
                "HotlinePBXBridge",
                "HotlineProtocol",
                "HotlineStore",
                "HotlineSystem",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HotlineBridgeBench",
            swiftSettings: strictSettings
        ),
        // The PBX line fuzzer: scripts/fuzz.sh builds it with libFuzzer; this normal build replays corpus files.
        .executableTarget(
            name: "hotline-fuzz-pbx",
            dependencies: ["HotlineProtocol"],
            path: "Fuzz/PBXLineFuzzer",
            swiftSettings: strictSettings
        ),
        // The ESL frame fuzzer: scripts/fuzz.sh esl builds it with libFuzzer; this normal build replays corpus files.
        .executableTarget(
            name: "hotline-fuzz-esl",
            dependencies: ["HotlineCore", "HotlinePBXBridge", "HotlineProtocol"],
            path: "Fuzz/ESLFrameFuzzer",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hotlinectl",
            dependencies: ["HotlineCLI"],
            swiftSettings: strictSettings
        ),

        // hotline-notifier: carries notices beyond the terminal (webhooks, chat robots, a command), with its own
        // database role; reuses hotlined's config reader and systemd calls, and the libpq layer of HotlineStore.
        .target(
            name: "HotlineNotifier",
            dependencies: [
                "HotlineCore",
                "HotlineDaemon",
                "HotlineStore",
                "HotlineSystem",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hotline-notifier",
            dependencies: [
                "HotlineNotifier",
                "HotlineDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `make bench`: the notifier's latency from a notice's commit to a webhook's POST (it runs the release
        // hotline-notifier next to it).
        .executableTarget(
            name: "hotline-notifier-bench",
            dependencies: [
                "HotlineStore",
                "HotlineSystem",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/NotifierBench",
            swiftSettings: strictSettings
        ),

        // Fast tests: no server, no sockets.
        .testTarget(
            name: "HotlineCoreTests",
            dependencies: ["HotlineCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HotlineProtocolTests",
            dependencies: ["HotlineCore", "HotlineProtocol"],
            swiftSettings: strictSettings
        ),
        // hotlinectl's argument parsing and output, without a daemon.
        .testTarget(
            name: "HotlineCLITests",
            dependencies: [
                "HotlineCore", "HotlineProtocol", "HotlineCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The store: its pure codings, and libpq against a real throwaway PostgreSQL (`make test` starts one).
        .testTarget(
            name: "HotlineStoreTests",
            dependencies: ["HotlineCore", "HotlineProtocol", "HotlineStore", "HotlineTestSupport"],
            swiftSettings: strictSettings
        ),
        // What the process-level test targets share: the throwaway database, private clusters, running programs.
        .target(
            name: "HotlineTestSupport",
            dependencies: ["HotlineStore", "HotlineSystem", .product(name: "Logging", package: "swift-log")],
            path: "Tests/HotlineTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HotlineDaemonTests",
            dependencies: [
                "HotlineCore", "HotlineDaemon", "HotlineProtocol", "HotlineStore", "HotlineSystem",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The bridges' call models on recorded AMI and ESL transcripts (Fixtures/, read through #filePath, not
        // resources), the settings and outbox; the programs are for the live tests, which run the real bridge against
        // a real Asterisk and a real hotlined.
        .testTarget(
            name: "HotlinePBXBridgeTests",
            dependencies: [
                "HotlineAdapter", "HotlineCore", "HotlinePBXBridge", "HotlineProtocol", "HotlineStore",
                "HotlineSystem", "hotline-pbx-bridge", "hotlined", "hotlinectl",
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        // Real PostgreSQL, real daemon processes, real sockets.
        .testTarget(
            name: "HotlineIntegrationTests",
            dependencies: [
                "HotlineCore", "HotlineStore", "HotlineDaemon", "HotlineProtocol", "HotlineSystem", "HotlineCLI",
                "HotlineTestSupport", "hotlined", "hotlinectl", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // hotline-notifier: message bodies and config (no server), and real notifier processes against a real
        // PostgreSQL and an HTTP receiver on 127.0.0.1.
        .testTarget(
            name: "HotlineNotifierTests",
            dependencies: [
                "HotlineNotifier", "HotlineStore", "HotlineSystem", "HotlineDaemon", "hotline-notifier", "hotlined",
                "hotlinectl", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
