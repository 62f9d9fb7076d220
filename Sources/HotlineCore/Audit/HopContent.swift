/// The signed facts of one recorded hop (R9, 签名签时): what the hash chain protects.
///
/// The store builds one from each stored row. ``canonicalBytes`` fixes the byte encoding, so that the same row
/// always hashes the same way whatever language or database driver reads it back.
public struct HopContent: Sendable, Equatable, Codable {
    public var complaintID: String
    /// 1 for the first hop of a complaint, then one more for each hop.
    public var sequence: Int
    /// The ``HopAction`` raw value, kept as text so that old rows stay verifiable if actions are added.
    public var action: String
    /// Login of the staff member who signed the hop.
    public var by: String
    /// Whether root did it while acting as `by` (`hotlinectl --as`).
    public var actingRoot: Bool
    /// When it happened, in microseconds since 1970-01-01T00:00:00Z (PostgreSQL `timestamptz` precision), so
    /// that the hash does not depend on how a time zone offset is rendered.
    public var atMicroseconds: Int64
    public var department: String
    public var text: String
    /// The department, person or level the hop points to (transfer target, new handler, escalation level…).
    public var subject: String?
    /// Login of the leader who approved it (handover R11, extension R15).
    public var approvedBy: String?
    /// The matters told to the caller (`CODE@VERSION`, SPEC §12); empty for every other hop.
    public var told: [String]

    public init(
        complaintID: String,
        sequence: Int,
        action: String,
        by: String,
        actingRoot: Bool,
        atMicroseconds: Int64,
        department: String,
        text: String,
        subject: String? = nil,
        approvedBy: String? = nil,
        told: [String] = []
    ) {
        self.complaintID = complaintID
        self.sequence = sequence
        self.action = action
        self.by = by
        self.actingRoot = actingRoot
        self.atMicroseconds = atMicroseconds
        self.department = department
        self.text = text
        self.subject = subject
        self.approvedBy = approvedBy
        self.told = told
    }

    /// A record built from a workflow ``HopDraft`` once the store has given it its place and time.
    public init(complaintID: String, sequence: Int, atMicroseconds: Int64, draft: HopDraft) {
        self.init(
            complaintID: complaintID,
            sequence: sequence,
            action: draft.action.rawValue,
            by: draft.by,
            actingRoot: draft.actingRoot,
            atMicroseconds: atMicroseconds,
            department: draft.department,
            text: draft.text,
            subject: draft.subject,
            approvedBy: draft.approvedBy,
            told: draft.told.map(\.description)
        )
    }

    /// The version tag that starts every encoding; a new layout gets a new tag instead of changing old hashes.
    public static let encodingTag = "hotline.hop.v1"

    /// The canonical encoding: the tag, then every field in declaration order. Strings are UTF-8 behind a
    /// 4-byte big-endian length, integers are 8 bytes big-endian, a Bool is one byte, and an optional is a 0
    /// byte when absent or a 1 byte and its value. Length prefixes keep `("ab", "c")` apart from `("a", "bc")`.
    public var canonicalBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96 + complaintID.utf8.count + text.utf8.count)
        Self.append(Self.encodingTag, to: &bytes)
        Self.append(complaintID, to: &bytes)
        Self.append(UInt64(bitPattern: Int64(sequence)), to: &bytes)
        Self.append(action, to: &bytes)
        Self.append(by, to: &bytes)
        bytes.append(actingRoot ? 1 : 0)
        Self.append(UInt64(bitPattern: atMicroseconds), to: &bytes)
        Self.append(department, to: &bytes)
        Self.append(text, to: &bytes)
        Self.append(optional: subject, to: &bytes)
        Self.append(optional: approvedBy, to: &bytes)
        // Added with the operator's desk: appended only when present, so every hop written before (and every hop
        // that tells nothing) keeps its bytes and its hash. The optional above ends the earlier layout
        // unambiguously, so bytes after it can only be this list: a count, then each entry.
        if !told.isEmpty {
            Self.append(UInt64(told.count), to: &bytes)
            for entry in told { Self.append(entry, to: &bytes) }
        }
        return bytes
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = Array(text.utf8)
        let count = UInt32(truncatingIfNeeded: utf8.count)
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: count >> UInt32(shift)))
        }
        bytes.append(contentsOf: utf8)
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func append(optional text: String?, to bytes: inout [UInt8]) {
        if let text {
            bytes.append(1)
            append(text, to: &bytes)
        } else {
            bytes.append(0)
        }
    }
}
