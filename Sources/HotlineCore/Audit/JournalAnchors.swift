/// The journal as a second anchor (issue 17): hotlined logs every hop it anchors as a journal entry with the
/// fields `HOTLINE_HOP_HASH`, `COMPLAINT_ID` and `HOP_SEQ`. This reads such entries, as field maps, back into
/// anchored hops for ``AnchorAudit/compare(anchors:breaks:stored:)``.
public enum JournalAnchors {
    public static let hashField = "HOTLINE_HOP_HASH"
    public static let complaintField = "COMPLAINT_ID"
    public static let sequenceField = "HOP_SEQ"
    /// The journal's own receive time of the entry, microseconds since 1970.
    public static let timeField = "__REALTIME_TIMESTAMP"

    /// The hops of the entries that carry `HOTLINE_HOP_HASH`, located as `source` entry N (N counts those entries
    /// from 1, in the order given); an entry whose fields do not make a hop is a break (`malformed`). Entries
    /// without the field are not anchors and are skipped.
    public static func read(_ entries: [[String: String]], source: String) -> (
        hops: [AnchorChain.Located], breaks: [AnchorChain.Break]
    ) {
        var hops: [AnchorChain.Located] = []
        var breaks: [AnchorChain.Break] = []
        var number = 0
        for entry in entries {
            guard let hashText = entry[hashField] else { continue }
            number += 1
            guard let hash = Hex.decode(hashText), hash.count == SHA256.digestCount,
                let complaint = entry[complaintField], !complaint.isEmpty,
                let sequence = entry[sequenceField].flatMap({ Int($0) }), sequence > 0
            else {
                breaks.append(AnchorChain.Break(file: source, line: number, reason: .malformed))
                continue
            }
            let at = entry[timeField].flatMap { Int64($0) } ?? 0
            hops.append(
                AnchorChain.Located(
                    hop: AnchoredHop(complaintID: complaint, sequence: sequence, hash: hash, atMicroseconds: at),
                    file: source,
                    line: number
                )
            )
        }
        return (hops, breaks)
    }
}
