/// The Merkle tree hash of RFC 6962 (Certificate Transparency, section 2.1) over SHA-256, which the period seal
/// is built on: known test vectors exist for it, and it never duplicates a node, so no two lists of leaves share a
/// root.
///
/// ```
/// MTH([])        = SHA-256()                                   (the hash of nothing)
/// MTH([d0])      = SHA-256(0x00 ‖ d0)                          (a leaf)
/// MTH(D[0..<n])  = SHA-256(0x01 ‖ MTH(D[0..<k]) ‖ MTH(D[k..<n]))   k: the largest power of two below n
/// ```
///
/// The 0x00 and 0x01 prefixes keep a leaf from ever hashing like an inner node. With an odd number of nodes the
/// tree is simply lopsided on the right (the last leaf is not copied).
public enum MerkleTree {
    public static func root(_ leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return SHA256.hash([UInt8]()) }
        return root(leaves[...])
    }

    private static func root(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1 {
            var hasher = SHA256()
            hasher.update([0x00])
            hasher.update(leaves[leaves.startIndex])
            return hasher.finalize()
        }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        var hasher = SHA256()
        hasher.update([0x01])
        hasher.update(root(leaves[leaves.startIndex..<middle]))
        hasher.update(root(leaves[middle..<leaves.endIndex]))
        return hasher.finalize()
    }
}

/// A period's seal (issue 17): the Merkle root of every hop whose time falls in a QA period (a month or a quarter,
/// `[first day, day after)` in the centre's time zone, as `qa stats` counts it). Printed in the QA report, it pins
/// the trail the figures were computed from: changing, adding or removing any hop of the period changes it.
///
/// The leaves are the hops' chained hashes (32 bytes each, ``HopChain``), in the order of complaint id (by number)
/// and then hop sequence; each hash already covers its complaint, its sequence, its content and every hop before it.
/// A period without hops has the seal of the empty tree, SHA-256 of nothing (`e3b0c442…b855`).
public enum PeriodSeal {
    /// A hop as the seal needs it.
    public struct Hop: Sendable, Equatable {
        public var complaintID: String
        public var sequence: Int
        public var hash: [UInt8]

        public init(complaintID: String, sequence: Int, hash: [UInt8]) {
            self.complaintID = complaintID
            self.sequence = sequence
            self.hash = hash
        }
    }

    /// The seal of `hops`, in whatever order they come.
    public static func root(_ hops: [Hop]) -> [UInt8] {
        MerkleTree.root(ordered(hops).map(\.hash))
    }

    /// Complaint ids by number (a non-number after every number, by text), then sequence.
    public static func ordered(_ hops: [Hop]) -> [Hop] {
        // The number of each id is parsed once, not at every comparison (a busy quarter has a million hops).
        let keyed = hops.enumerated().map { (number: Int64($0.element.complaintID) ?? Int64.max, index: $0.offset) }
        return keyed.sorted { lhs, rhs in
            if lhs.number != rhs.number { return lhs.number < rhs.number }
            let left = hops[lhs.index]
            let right = hops[rhs.index]
            return (left.complaintID, left.sequence) < (right.complaintID, right.sequence)
        }.map { hops[$0.index] }
    }

    /// A seal as typed by someone checking a printed report: 64 hexadecimal digits in either case, spaces allowed
    /// (a printed seal may be grouped). Nil for anything else.
    public static func parse(_ text: String) -> [UInt8]? {
        let digits = String(text.filter { $0 != " " }).lowercased()
        guard digits.count == SHA256.digestCount * 2, let bytes = Hex.decode(digits) else { return nil }
        return bytes
    }
}
