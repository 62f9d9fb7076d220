/// `audit verify` against the anchors (issue 17): what the database holds now, compared with what the daemons wrote
/// outside it as each hop committed. The hash chain in the database proves only that the hops left are
/// consistent with each other; the anchors prove which hops there were.
public enum AnchorAudit {
    /// Something the database or an anchor file says that the anchors contradict.
    public enum Discrepancy: Sendable, Equatable {
        /// An anchored hop is no longer in the database (the chain was cut back, for instance).
        case hopMissing(complaint: String, sequence: Int, file: String, line: Int)
        /// None of an anchored complaint's hops is in the database: the complaint was deleted.
        case complaintMissing(complaint: String, anchoredHops: Int, file: String, line: Int)
        /// The stored hash is not the anchored one: the hop (or one before it) was rewritten, hashes and all.
        case hashDiffers(complaint: String, sequence: Int, anchored: String, stored: String, file: String, line: Int)
        /// An anchor file's own chain is broken.
        case anchorBroken(AnchorChain.Break)

        /// A stable word for `--json`.
        public var kind: String {
            switch self {
            case .hopMissing: return "hop_missing"
            case .complaintMissing: return "complaint_missing"
            case .hashDiffers: return "hash_differs"
            case .anchorBroken: return "anchor_broken"
            }
        }

        public var complaint: String? {
            switch self {
            case .hopMissing(let complaint, _, _, _), .complaintMissing(let complaint, _, _, _),
                .hashDiffers(let complaint, _, _, _, _, _):
                return complaint
            case .anchorBroken: return nil
            }
        }

        public var sequence: Int? {
            switch self {
            case .hopMissing(_, let sequence, _, _), .hashDiffers(_, let sequence, _, _, _, _): return sequence
            case .complaintMissing, .anchorBroken: return nil
            }
        }

        public var file: String {
            switch self {
            case .hopMissing(_, _, let file, _), .complaintMissing(_, _, let file, _),
                .hashDiffers(_, _, _, _, let file, _):
                return file
            case .anchorBroken(let broken): return broken.file
            }
        }

        public var line: Int {
            switch self {
            case .hopMissing(_, _, _, let line), .complaintMissing(_, _, _, let line),
                .hashDiffers(_, _, _, _, _, let line):
                return line
            case .anchorBroken(let broken): return broken.line
            }
        }

        public var message: LocalizedText {
            switch self {
            case .hopMissing(let complaint, let sequence, let file, let line):
                let place = AnchorAudit.place(file: file, line: line)
                return LocalizedText(
                    zh: "R9：投诉 \(complaint) 的第 \(sequence) 步（hop \(sequence)）已锚定（\(place.zh)），数据库中却没有：该环节被删除",
                    en: "R9: complaint \(complaint) hop \(sequence) was anchored (\(place.en)) but is not in "
                        + "the database: it was deleted"
                )
            case .complaintMissing(let complaint, let count, let file, let line):
                let place = AnchorAudit.place(file: file, line: line)
                return LocalizedText(
                    zh: "R9：投诉 \(complaint) 有 \(count) 步已锚定（首见于 \(place.zh)），数据库中一步也没有：该投诉被删除",
                    en: "R9: complaint \(complaint) has \(count) anchored hop(s) (first in \(place.en)) "
                        + "and none in the database: the complaint was deleted"
                )
            case .hashDiffers(let complaint, let sequence, let anchored, let stored, let file, let line):
                let place = AnchorAudit.place(file: file, line: line)
                return LocalizedText(
                    zh:
                        "R9：投诉 \(complaint) 第 \(sequence) 步（hop \(sequence)）的哈希 \(stored) 与锚定的 \(anchored)（\(place.zh)）不符：该环节或之前的环节被改写",
                    en: "R9: complaint \(complaint) hop \(sequence) has hash \(stored) but \(anchored) was anchored "
                        + "(\(place.en)): this hop or an earlier one was rewritten"
                )
            case .anchorBroken(let broken):
                return LocalizedText(zh: "R9：" + broken.message.zh, en: "R9: " + broken.message.en)
            }
        }
    }

    /// The name of the anchors read from the systemd journal (`hotlinectl audit verify --journal`); those read
    /// from a journal directory or file are `journal:PATH`. Their "line" is the entry's place among the journal's
    /// anchor entries, counted from 1 in the order read.
    public static let journalSource = "journal"

    /// Where an anchor was found: "FILE line N", or "journal entry N" for the journal.
    public static func place(file: String, line: Int) -> LocalizedText {
        if file == journalSource || file.hasPrefix(journalSource + ":") {
            return LocalizedText(zh: "\(file) 第 \(line) 条", en: "\(file) entry \(line)")
        }
        return LocalizedText(zh: "\(file) 第 \(line) 行", en: "\(file) line \(line)")
    }

    /// The outcome of ``compare(anchors:breaks:stored:)``.
    public struct Result: Sendable, Equatable {
        public var discrepancies: [Discrepancy]
        /// Stored hops whose anchored hash matches.
        public var anchored: Int
        /// Stored hops no anchor mentions: written before anchoring existed, or by a daemon whose files were not read.
        public var notAnchored: Int
    }

    /// Compares the anchors with `stored`, every stored hop's hash by complaint and sequence. Pass only the
    /// anchors of the complaints whose hops are in `stored`.
    public static func compare(
        anchors: [AnchorChain.Located],
        breaks: [AnchorChain.Break],
        stored: [String: [Int: [UInt8]]]
    ) -> Result {
        var found: [Discrepancy] = []
        var matched: Set<AnchorKey> = []
        var mentioned: Set<AnchorKey> = []
        // Distinct hops: the same hop anchored in a file and in the journal counts once.
        var missingComplaints: [String: (sequences: Set<Int>, first: AnchorChain.Located)] = [:]
        for anchor in anchors {
            let key = AnchorKey(complaint: anchor.hop.complaintID, sequence: anchor.hop.sequence)
            mentioned.insert(key)
            guard let hops = stored[key.complaint], !hops.isEmpty else {
                let seen = missingComplaints[key.complaint]
                missingComplaints[key.complaint] = (
                    (seen?.sequences ?? []).union([key.sequence]), seen?.first ?? anchor
                )
                continue
            }
            guard let hash = hops[key.sequence] else {
                found.append(
                    .hopMissing(complaint: key.complaint, sequence: key.sequence, file: anchor.file, line: anchor.line)
                )
                continue
            }
            if hash == anchor.hop.hash {
                matched.insert(key)
            } else {
                found.append(
                    .hashDiffers(
                        complaint: key.complaint,
                        sequence: key.sequence,
                        anchored: Hex.encode(anchor.hop.hash),
                        stored: Hex.encode(hash),
                        file: anchor.file,
                        line: anchor.line
                    )
                )
            }
        }
        for (complaint, missing) in missingComplaints {
            found.append(
                .complaintMissing(
                    complaint: complaint,
                    anchoredHops: missing.sequences.count,
                    file: missing.first.file,
                    line: missing.first.line
                )
            )
        }
        found.sort { order($0) < order($1) }
        var anchored = 0
        var notAnchored = 0
        for (complaint, hops) in stored {
            for sequence in hops.keys {
                let key = AnchorKey(complaint: complaint, sequence: sequence)
                if matched.contains(key) {
                    anchored += 1
                } else if !mentioned.contains(key) {
                    notAnchored += 1
                }
            }
        }
        return Result(
            discrepancies: found + breaks.map(Discrepancy.anchorBroken),
            anchored: anchored,
            notAnchored: notAnchored
        )
    }

    private struct AnchorKey: Hashable {
        var complaint: String
        var sequence: Int
    }

    /// Complaints in id order (numerically when they are numbers), then hops in order.
    private static func order(_ discrepancy: Discrepancy) -> OrderKey {
        let complaint = discrepancy.complaint ?? ""
        return OrderKey(
            number: Int64(complaint) ?? Int64.max,
            complaint: complaint,
            sequence: discrepancy.sequence ?? 0
        )
    }

    private struct OrderKey: Comparable {
        var number: Int64
        var complaint: String
        var sequence: Int

        static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
            (lhs.number, lhs.complaint, lhs.sequence) < (rhs.number, rhs.complaint, rhs.sequence)
        }
    }
}
