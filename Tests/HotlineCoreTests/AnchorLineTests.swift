import Foundation
import Testing

@testable import HotlineCore

/// Issue 17: the anchor line format, the chain of an anchor file, and the comparison with the database.
@Suite("Anchor lines and their chain")
struct AnchorLineTests {
    static func hop(_ complaint: String, _ sequence: Int, fill: UInt8) -> AnchoredHop {
        AnchoredHop(
            complaintID: complaint,
            sequence: sequence,
            hash: [UInt8](repeating: fill, count: 32),
            atMicroseconds: 1_796_000_523_456_789 + Int64(sequence)
        )
    }

    /// Lines chained as the daemon writes them.
    static func file(_ hops: [AnchoredHop], after previous: [UInt8] = AnchorLine.origin) -> (String, [UInt8]) {
        var previous = previous
        var text = ""
        for hop in hops {
            let line = AnchorLine(hop: hop, previous: previous)
            text += line.text + "\n"
            previous = line.digest
        }
        return (text, previous)
    }

    @Test("a line has one fixed text and reads back as itself")
    func format() throws {
        let line = AnchorLine(hop: Self.hop("42", 3, fill: 0xab), previous: AnchorLine.origin)
        #expect(
            line.text
                == "hotline.anchor.v1 complaint=42 seq=3 hash=" + String(repeating: "ab", count: 32)
                + " at=2026-11-30T01:02:03.456792Z prev=" + String(repeating: "0", count: 64)
        )
        #expect(AnchorLine.parse(line.text) == line)
        #expect(AnchorLine.parse(line.text.uppercased()) == nil)
        #expect(AnchorLine.parse(line.text.replacingOccurrences(of: "seq=3", with: "seq=03")) == nil)
        #expect(AnchorLine.parse(line.text + " ") == nil)
        #expect(UTCTimestamp.parse("2026-02-31T00:00:00.000000Z") == nil)
        #expect(UTCTimestamp.format(microseconds: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(UTCTimestamp.month(microseconds: 1_796_000_523_456_789) == "2026-11")
    }

    @Test("files chain across months; an altered, malformed or removed line is reported where the chain breaks")
    func chain() throws {
        let (november, last) = Self.file([Self.hop("1", 1, fill: 1), Self.hop("1", 2, fill: 2)])
        let (december, _) = Self.file([Self.hop("2", 1, fill: 3), Self.hop("2", 2, fill: 4)], after: last)
        let intact = AnchorChain.read([
            AnchorChain.File(name: "a-2026-11.log", text: november),
            AnchorChain.File(name: "a-2026-12.log", text: december),
        ])
        #expect(intact.breaks.isEmpty)
        #expect(intact.hops.map(\.hop.sequence) == [1, 2, 1, 2])
        // December alone does not start from the origin.
        #expect(AnchorChain.read([AnchorChain.File(name: "d", text: december)]).breaks.map(\.line) == [1])

        var lines = november.split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: "seq=1", with: "seq=7")
        let altered = AnchorChain.read([AnchorChain.File(name: "n", text: lines.joined(separator: "\n") + "\n")])
        #expect(altered.breaks.map(\.line) == [2])
        #expect(altered.breaks.first?.message.en.contains("line 2") == true)

        let garbled = AnchorChain.read([AnchorChain.File(name: "n", text: "x\n" + november)])
        #expect(garbled.breaks.map(\.line) == [1, 2])
        #expect(garbled.breaks.first?.reason == .malformed)

        let (three, _) = Self.file([Self.hop("1", 1, fill: 1), Self.hop("1", 2, fill: 2), Self.hop("1", 3, fill: 5)])
        let threeLines = three.split(separator: "\n")
        let removed = AnchorChain.read([
            AnchorChain.File(name: "n", text: threeLines[0] + "\n" + threeLines[2] + "\n")
        ])
        #expect(removed.breaks.map(\.line) == [2])
    }

    @Test("the database against the anchors: missing hop, rewritten hash, deleted complaint, unanchored hops")
    func compare() throws {
        let (text, _) = Self.file([
            Self.hop("1", 1, fill: 1), Self.hop("1", 2, fill: 2), Self.hop("2", 1, fill: 3), Self.hop("3", 1, fill: 4),
        ])
        let read = AnchorChain.read([AnchorChain.File(name: "f", text: text)])
        let stored: [String: [Int: [UInt8]]] = [
            "1": [1: [UInt8](repeating: 1, count: 32)],
            "2": [1: [UInt8](repeating: 9, count: 32)],
            "4": [1: [UInt8](repeating: 7, count: 32), 2: [UInt8](repeating: 8, count: 32)],
        ]
        let result = AnchorAudit.compare(anchors: read.hops, breaks: read.breaks, stored: stored)
        #expect(result.discrepancies.map(\.kind) == ["hop_missing", "hash_differs", "complaint_missing"])
        #expect(result.discrepancies.map(\.complaint) == ["1", "2", "3"])
        #expect(result.discrepancies.first?.sequence == 2)
        #expect(result.discrepancies.first?.line == 2)
        #expect(result.anchored == 1)
        #expect(result.notAnchored == 2)
        let clean = AnchorAudit.compare(
            anchors: read.hops,
            breaks: [],
            stored: [
                "1": [1: [UInt8](repeating: 1, count: 32), 2: [UInt8](repeating: 2, count: 32)],
                "2": [1: [UInt8](repeating: 3, count: 32)], "3": [1: [UInt8](repeating: 4, count: 32)],
            ]
        )
        #expect(clean.discrepancies.isEmpty)
        #expect(clean.anchored == 4)
    }
}

/// Issue 17: the journal's hop entries read back as anchors.
@Suite("Journal anchors")
struct JournalAnchorTests {
    @Test("entries with HOTLINE_HOP_HASH become hops located as journal entries; a bad one is a break")
    func read() {
        let hash = String(repeating: "ab", count: 32)
        let entries: [[String: String]] = [
            [
                "HOTLINE_HOP_HASH": hash, "COMPLAINT_ID": "42", "HOP_SEQ": "1",
                "__REALTIME_TIMESTAMP": "1796000000000000",
            ],
            ["MESSAGE": "not a hop"],
            ["HOTLINE_HOP_HASH": "xyz", "COMPLAINT_ID": "42", "HOP_SEQ": "2"],
            ["HOTLINE_HOP_HASH": hash, "COMPLAINT_ID": "42", "HOP_SEQ": "3"],
        ]
        let read = JournalAnchors.read(entries, source: "journal")
        #expect(read.hops.map(\.line) == [1, 3])
        #expect(
            read.hops.first?.hop
                == AnchoredHop(
                    complaintID: "42",
                    sequence: 1,
                    hash: Hex.decode(hash)!,
                    atMicroseconds: 1_796_000_000_000_000
                )
        )
        #expect(read.breaks == [AnchorChain.Break(file: "journal", line: 2, reason: .malformed)])
        #expect(read.breaks.first?.message.en.contains("journal entry 2") == true)
        // A hop the journal anchors that the database lost is named by its entry.
        let compared = AnchorAudit.compare(anchors: read.hops, breaks: [], stored: ["42": [1: Hex.decode(hash)!]])
        #expect(compared.discrepancies.map(\.kind) == ["hop_missing"])
        #expect(compared.discrepancies.first?.message.en.contains("(journal entry 3)") == true)
    }

    @Test("a deleted complaint counts each hop once, even when a file and the journal both anchor it")
    func countedOnce() {
        let hop = AnchorLineTests.hop("7", 1, fill: 1)
        let anchors = [
            AnchorChain.Located(hop: hop, file: "anchors-a-2026-11.log", line: 1),
            AnchorChain.Located(hop: hop, file: "journal", line: 1),
        ]
        let compared = AnchorAudit.compare(anchors: anchors, breaks: [], stored: [:])
        #expect(
            compared.discrepancies == [
                .complaintMissing(complaint: "7", anchoredHops: 1, file: "anchors-a-2026-11.log", line: 1)
            ]
        )
    }
}
