import Testing

@testable import HotlineCore

/// The R9 hash chain: fixed encoding, and detection of changed, deleted and reordered hops.
@Suite("Hop hash chain (R9)")
struct HopChainTests {
    /// Five hops of one complaint, one minute apart.
    static let contents: [HopContent] = [
        HopContent(
            complaintID: "C-1",
            sequence: 1,
            action: "filed",
            by: "alice",
            actingRoot: false,
            atMicroseconds: 1_764_403_200_000_000,
            department: "CS",
            text: "路灯不亮",
            subject: "alice"
        ),
        HopContent(
            complaintID: "C-1",
            sequence: 2,
            action: "transferred",
            by: "alice",
            actingRoot: true,
            atMicroseconds: 1_764_403_260_000_000,
            department: "CS",
            text: "not ours",
            subject: "ENG"
        ),
        HopContent(
            complaintID: "C-1",
            sequence: 3,
            action: "accepted",
            by: "bob",
            actingRoot: false,
            atMicroseconds: 1_764_403_320_000_000,
            department: "ENG",
            text: "Bob",
            subject: "bob"
        ),
        HopContent(
            complaintID: "C-1",
            sequence: 4,
            action: "extended",
            by: "bob",
            actingRoot: false,
            atMicroseconds: 1_764_403_380_000_000,
            department: "ENG",
            text: "parts on order",
            subject: "2 working days",
            approvedBy: "vic"
        ),
        HopContent(
            complaintID: "C-1",
            sequence: 5,
            action: "replied",
            by: "bob",
            actingRoot: false,
            atMicroseconds: 1_764_403_440_000_000,
            department: "ENG",
            text: "lamp fixed",
            subject: "ENG"
        ),
    ]

    static func stored(_ contents: [HopContent] = contents) -> [(content: HopContent, storedHash: [UInt8])] {
        Array(zip(contents, HopChain.hashes(for: contents))).map { (content: $0.0, storedHash: $0.1) }
    }

    @Test("hashes match an independent implementation of the documented encoding")
    func goldenHashes() {
        let hashes = HopChain.hashes(for: Array(Self.contents.prefix(2)))
        #expect(Hex.encode(hashes[0]) == "8768d5396a3afe1db18a0fb5d924568bebd3920860ac7611987d5be1cd0d5e38")
        #expect(Hex.encode(hashes[1]) == "417349a6064e75ba8b4445a077730043121ae7b081afb036f4ab6b70a2079227")
        #expect(HopChain.hash(previous: hashes[0], content: Self.contents[1]) == hashes[1])
    }

    @Test("an intact chain verifies, with and without its head")
    func intact() {
        let hops = Self.stored()
        #expect(HopChain.verify(hops) == .ok(count: 5))
        #expect(HopChain.verify(hops, head: hops[4].storedHash) == .ok(count: 5))
        #expect(HopChain.verify([]) == .ok(count: 0))
        #expect(HopChain.verify(hops).isOK)
    }

    @Test("a changed text breaks the chain at that hop")
    func changedText() {
        var hops = Self.stored()
        hops[2].content.text = "Carol"
        let result = HopChain.verify(hops)
        guard case .brokenAt(let sequence, .hashMismatch) = result else {
            Issue.record("expected a hash mismatch, got \(result)")
            return
        }
        #expect(sequence == 3)
        #expect(!result.isOK)
    }

    @Test("a changed signer, time, root flag or approver is detected")
    func changedFields() {
        let edits: [(inout HopContent) -> Void] = [
            { $0.by = "mallory" },
            { $0.atMicroseconds += 1 },
            { $0.actingRoot.toggle() },
            { $0.approvedBy = "sam" },
            { $0.subject = nil },
            { $0.department = "QA" },
            { $0.action = "resolved" },
        ]
        for edit in edits {
            var hops = Self.stored()
            edit(&hops[3].content)
            #expect(HopChain.verify(hops) != .ok(count: 5))
        }
    }

    @Test("a rehashed edit still breaks the next hop")
    func rehashedEdit() {
        var hops = Self.stored()
        hops[1].content.text = "forged"
        hops[1].storedHash = HopChain.hash(previous: hops[0].storedHash, content: hops[1].content)
        guard case .brokenAt(3, .hashMismatch) = HopChain.verify(hops) else {
            Issue.record("expected hop 3 to break, got \(HopChain.verify(hops))")
            return
        }
    }

    @Test("a deleted hop is a sequence gap; renumbering it away is a hash mismatch")
    func deletedHop() {
        var hops = Self.stored()
        hops.remove(at: 1)
        #expect(HopChain.verify(hops) == .brokenAt(sequence: 2, reason: .sequenceGap(expected: 2, found: 3)))

        for index in hops.indices { hops[index].content.sequence = index + 1 }
        guard case .brokenAt(2, .hashMismatch) = HopChain.verify(hops) else {
            Issue.record("expected a hash mismatch at 2, got \(HopChain.verify(hops))")
            return
        }
    }

    @Test("a deleted last hop is caught only against the recorded head")
    func deletedLastHop() {
        var hops = Self.stored()
        let head = hops[4].storedHash
        hops.removeLast()
        #expect(HopChain.verify(hops) == .ok(count: 4))
        guard case .brokenAt(5, .headMismatch) = HopChain.verify(hops, head: head) else {
            Issue.record("expected a head mismatch, got \(HopChain.verify(hops, head: head))")
            return
        }
    }

    @Test("reordered hops are detected")
    func reordered() {
        var hops = Self.stored()
        hops.swapAt(2, 3)
        #expect(HopChain.verify(hops) == .brokenAt(sequence: 3, reason: .sequenceGap(expected: 3, found: 4)))

        // Swapping the sequence numbers too does not help: the hashes no longer chain.
        hops[2].content.sequence = 3
        hops[3].content.sequence = 4
        guard case .brokenAt(3, .hashMismatch) = HopChain.verify(hops) else {
            Issue.record("expected a hash mismatch at 3, got \(HopChain.verify(hops))")
            return
        }
    }

    @Test("a hop of another complaint and a truncated hash are reported")
    func foreignAndMalformed() {
        var hops = Self.stored()
        hops[1].content.complaintID = "C-2"
        #expect(HopChain.verify(hops) == .brokenAt(sequence: 2, reason: .foreignComplaint("C-2")))

        hops = Self.stored()
        hops[0].storedHash.removeLast()
        #expect(HopChain.verify(hops) == .brokenAt(sequence: 1, reason: .malformedHash(byteCount: 31)))
    }

    @Test("the encoding keeps field boundaries and absent values apart")
    func canonicalEncoding() {
        var first = Self.contents[0]
        var second = first
        first.department = "ab"
        first.text = "c"
        second.department = "a"
        second.text = "bc"
        #expect(first.canonicalBytes != second.canonicalBytes)

        var absent = Self.contents[0]
        var empty = absent
        absent.subject = nil
        empty.subject = ""
        #expect(absent.canonicalBytes != empty.canonicalBytes)
        #expect(Array(absent.canonicalBytes.prefix(4)) == [0, 0, 0, 14])
    }

    @Test("a record built from a workflow draft carries every draft field")
    func fromDraft() {
        let draft = HopDraft(
            action: .handedOver,
            by: "alice",
            actingRoot: true,
            department: "CS",
            text: "Carol",
            subject: "carol",
            approvedBy: "sam"
        )
        let content = HopContent(complaintID: "C-9", sequence: 7, atMicroseconds: 42, draft: draft)
        #expect(content.action == "handed_over")
        #expect(content.by == "alice" && content.actingRoot && content.department == "CS")
        #expect(content.subject == "carol" && content.approvedBy == "sam" && content.text == "Carol")
    }

    @Test("break reasons explain themselves in both languages citing R9")
    func messages() {
        let reasons: [HopChain.BreakReason] = [
            .hashMismatch(expected: "aa", stored: "bb"),
            .sequenceGap(expected: 2, found: 3),
            .foreignComplaint("C-2"),
            .malformedHash(byteCount: 31),
            .headMismatch(expected: "aa", found: "bb"),
        ]
        for reason in reasons {
            #expect(reason.message.en.hasPrefix("R9: "))
            #expect(reason.message.zh.hasPrefix("R9："))
        }
    }
}
