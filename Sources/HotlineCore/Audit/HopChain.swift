/// The tamper-evident hash chain over a complaint's hops (R9: hops cannot be edited or deleted later).
///
/// Each hop's hash covers the previous hop's hash and the hop's own ``HopContent/canonicalBytes``, so changing,
/// deleting or reordering any stored hop breaks every hash from there on.
public enum HopChain {
    /// The outcome of ``verify(_:head:)``.
    public enum VerificationResult: Sendable, Equatable {
        /// Every hop checked out; `count` hops were verified.
        case ok(count: Int)
        /// The first hop that does not fit, by the sequence number it carries (or the one expected).
        case brokenAt(sequence: Int, reason: BreakReason)

        public var isOK: Bool {
            if case .ok = self { return true }
            return false
        }
    }

    /// Why a chain is broken.
    public enum BreakReason: Sendable, Equatable {
        /// The stored hash differs from the recomputed one: the hop, or one before it, was changed.
        case hashMismatch(expected: String, stored: String)
        /// The hop's sequence is not the next one: a hop was deleted or the hops were reordered.
        case sequenceGap(expected: Int, found: Int)
        /// The hop belongs to another complaint than the first hop.
        case foreignComplaint(String)
        /// The stored hash is not 32 bytes long.
        case malformedHash(byteCount: Int)
        /// The last hop's hash differs from the separately kept head: hops were removed from the end.
        case headMismatch(expected: String, found: String)

        /// A sentence for `hotlinectl audit verify`.
        public var message: LocalizedText {
            switch self {
            case .hashMismatch(let expected, let stored):
                return LocalizedText(
                    zh: "R9：哈希不符（应为 \(expected)，存储为 \(stored)），该环节或之前的环节已被修改",
                    en: "R9: hash mismatch (expected \(expected), stored \(stored)); this hop or an earlier one "
                        + "was altered"
                )
            case .sequenceGap(let expected, let found):
                return LocalizedText(
                    zh: "R9：环节序号应为 \(expected)，实为 \(found)，有环节被删除或顺序被调换",
                    en: "R9: expected hop \(expected) but found \(found); a hop was deleted or the hops were reordered"
                )
            case .foreignComplaint(let id):
                return LocalizedText(
                    zh: "R9：该环节属于另一投诉 \(id)",
                    en: "R9: this hop belongs to another complaint, \(id)"
                )
            case .malformedHash(let count):
                return LocalizedText(
                    zh: "R9：存储的哈希长度为 \(count) 字节，应为 32 字节",
                    en: "R9: the stored hash is \(count) bytes long instead of 32"
                )
            case .headMismatch(let expected, let found):
                return LocalizedText(
                    zh: "R9：末环节哈希 \(found) 与记录的链头 \(expected) 不符，末尾有环节被删除",
                    en: "R9: the last hop's hash \(found) differs from the recorded head \(expected); hops were removed"
                )
            }
        }
    }

    /// The hash of `content` chained to `previous`, the 32-byte hash of the hop before it (nil for the first
    /// hop). The input is a marker byte (0 first, 1 chained), the previous hash if any, then the content bytes.
    public static func hash(previous: [UInt8]?, content: HopContent) -> [UInt8] {
        var hasher = SHA256()
        if let previous {
            hasher.update(CollectionOfOne(1))
            hasher.update(previous)
        } else {
            hasher.update(CollectionOfOne(0))
        }
        hasher.update(content.canonicalBytes)
        return hasher.finalize()
    }

    /// The hashes for a run of hops in order, starting after `previous`.
    public static func hashes(for contents: [HopContent], after previous: [UInt8]? = nil) -> [[UInt8]] {
        var last = previous
        return contents.map { content in
            let next = hash(previous: last, content: content)
            last = next
            return next
        }
    }

    /// Checks a complaint's hops in stored order: sequences 1, 2, 3…, one complaint, and every stored hash equal
    /// to the recomputed one. When `head` (the last hash, kept apart from the hops) is given, hops removed from
    /// the end are detected too; without it only the hops that remain can be checked.
    public static func verify(
        _ hops: [(content: HopContent, storedHash: [UInt8])],
        head: [UInt8]? = nil
    ) -> VerificationResult {
        var previous: [UInt8]?
        let complaintID = hops.first?.content.complaintID
        for (offset, hop) in hops.enumerated() {
            let expectedSequence = offset + 1
            if hop.content.complaintID != complaintID {
                return .brokenAt(sequence: hop.content.sequence, reason: .foreignComplaint(hop.content.complaintID))
            }
            if hop.content.sequence != expectedSequence {
                return .brokenAt(
                    sequence: expectedSequence,
                    reason: .sequenceGap(expected: expectedSequence, found: hop.content.sequence)
                )
            }
            if hop.storedHash.count != SHA256.digestCount {
                return .brokenAt(sequence: expectedSequence, reason: .malformedHash(byteCount: hop.storedHash.count))
            }
            let expected = hash(previous: previous, content: hop.content)
            if expected != hop.storedHash {
                return .brokenAt(
                    sequence: expectedSequence,
                    reason: .hashMismatch(expected: Hex.encode(expected), stored: Hex.encode(hop.storedHash))
                )
            }
            previous = expected
        }
        if let head, head != (previous ?? []) {
            return .brokenAt(
                sequence: hops.count + 1,
                reason: .headMismatch(expected: Hex.encode(head), found: Hex.encode(previous ?? []))
            )
        }
        return .ok(count: hops.count)
    }
}
