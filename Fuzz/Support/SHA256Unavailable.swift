/// HotlineCore's `SHA256` for the libFuzzer builds only. scripts/fuzz.sh and fuzz-ami.sh compile HotlineCore with
/// swiftc, outside SwiftPM, where swift-crypto (which the real `SHA256` wraps) is not built. The fuzzed parsers
/// never hash, so this keeps the module whole with the same API and stops the run at once if that ever changes,
/// rather than carrying a second implementation of SHA-256.
public struct SHA256: Sendable {
    /// The digest length in bytes.
    public static let digestCount = 32

    public init() {}

    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        unavailable()
    }

    public static func hash(utf8 text: String) -> [UInt8] {
        unavailable()
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        Self.unavailable()
    }

    public consuming func finalize() -> [UInt8] {
        Self.unavailable()
    }

    private static func unavailable() -> Never {
        fatalError("SHA-256 is not built into the fuzzers (see Fuzz/Support/SHA256Unavailable.swift)")
    }
}
