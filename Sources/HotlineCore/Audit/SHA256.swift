import Crypto

/// SHA-256 for the audit trail (R9), backed by swift-crypto: a maintained, constant-time, hardware-accelerated
/// implementation instead of one of our own. The API is the one the hop chain was written against, so that the
/// hashes it stores stay the same (the pinned hashes in the hop-chain tests prove it).
///
/// Feed bytes with ``update(_:)`` and take the 32-byte digest with ``finalize()``, or use ``hash(_:)`` for a
/// one-shot digest.
public struct SHA256 {
    /// The digest length in bytes.
    public static let digestCount = Crypto.SHA256.byteCount

    private var hasher = Crypto.SHA256()

    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 encoding of `text`.
    public static func hash(utf8 text: String) -> [UInt8] {
        hash(text.utf8)
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Bool? = bytes.withContiguousStorageIfAvailable {
            hasher.update(bufferPointer: UnsafeRawBufferPointer($0))
            return true
        }
        if done == nil {
            Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
    }

    /// Returns the 32-byte digest; the hasher is spent afterwards.
    public consuming func finalize() -> [UInt8] {
        Array(hasher.finalize())
    }
}
