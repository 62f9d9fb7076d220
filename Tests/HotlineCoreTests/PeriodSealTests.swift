import Testing

@testable import HotlineCore

/// Issue 17: the Merkle tree of RFC 6962 behind a period's seal, on its published test vectors, and the seal's
/// leaves and their order.
@Suite("Period seal (Merkle root of a period's hops)")
struct PeriodSealTests {
    /// The leaves of the RFC 6962 reference tests (certificate-transparency's merkle_tree_test) and the root of
    /// the first n of them, n = 0…8.
    static let leaves = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test("the RFC 6962 test vectors, 0 to 8 leaves (odd counts included)", arguments: 0...8)
    func vectors(count: Int) throws {
        let leaves = try Self.leaves.prefix(count).map { try #require(Hex.decode($0)) }
        #expect(Hex.encode(MerkleTree.root(leaves)) == Self.roots[count])
    }

    static func hop(_ complaint: String, _ sequence: Int) -> PeriodSeal.Hop {
        PeriodSeal.Hop(complaintID: complaint, sequence: sequence, hash: SHA256.hash(utf8: "\(complaint)#\(sequence)"))
    }

    @Test("leaves are the hop hashes by complaint number, then sequence; the order hops arrive in does not matter")
    func order() {
        let hops = [Self.hop("10", 1), Self.hop("9", 2), Self.hop("9", 1), Self.hop("10", 2), Self.hop("100", 1)]
        let expected = MerkleTree.root(
            [Self.hop("9", 1), Self.hop("9", 2), Self.hop("10", 1), Self.hop("10", 2), Self.hop("100", 1)].map(\.hash)
        )
        #expect(PeriodSeal.root(hops) == expected)
        #expect(PeriodSeal.root(hops.reversed()) == expected)
        #expect(
            PeriodSeal.ordered(hops).map { "\($0.complaintID)#\($0.sequence)" } == [
                "9#1", "9#2", "10#1", "10#2", "100#1",
            ]
        )
    }

    @Test("a known seal: five hops whose hashes are SHA-256 of the bytes 0…4")
    func knownSeal() {
        let hops = (0..<5).map {
            PeriodSeal.Hop(complaintID: "1", sequence: $0 + 1, hash: SHA256.hash([UInt8($0)]))
        }
        #expect(
            Hex.encode(PeriodSeal.root(hops)) == "6b313b611b40676b9e1dfd70c4503f2379f88f0f1c2740fb7e1cacc32c113465"
        )
    }

    @Test("any change to the hops changes the seal: a hash, a hop removed, a hop added, two hops swapped")
    func changes() {
        let hops = (1...7).map { Self.hop("42", $0) }
        let seal = PeriodSeal.root(hops)
        var changed = hops
        changed[3].hash[0] ^= 1
        #expect(PeriodSeal.root(changed) != seal)
        #expect(PeriodSeal.root(Array(hops.dropLast())) != seal)
        #expect(PeriodSeal.root(hops + [Self.hop("43", 1)]) != seal)
        var swapped = hops
        swapped.swapAt(1, 2)
        swapped[1].sequence = 2
        swapped[2].sequence = 3
        #expect(PeriodSeal.root(swapped) != seal)
        // The last leaf of an odd tree is not copied: seven leaves and the same seven plus a copy of the last differ.
        #expect(PeriodSeal.root(hops + [PeriodSeal.Hop(complaintID: "42", sequence: 8, hash: hops[6].hash)]) != seal)
    }

    @Test("an empty period has the seal of the empty tree")
    func empty() {
        #expect(Hex.encode(PeriodSeal.root([])) == Self.roots[0])
    }

    @Test("a seal is read in either case and with spaces, and only as 64 hex digits")
    func parse() {
        let seal = Self.roots[8]
        #expect(PeriodSeal.parse(seal).map(Hex.encode) == seal)
        #expect(PeriodSeal.parse(seal.uppercased()).map(Hex.encode) == seal)
        let grouped = stride(from: 0, to: 64, by: 8).map { String(Array(seal)[$0..<($0 + 8)]) }.joined(separator: " ")
        #expect(PeriodSeal.parse(grouped).map(Hex.encode) == seal)
        #expect(PeriodSeal.parse(String(seal.dropLast())) == nil)
        #expect(PeriodSeal.parse(String(seal.dropLast()) + "g") == nil)
    }
}
