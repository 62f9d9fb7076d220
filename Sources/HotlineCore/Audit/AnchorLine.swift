/// One hop as written to the database, anchored outside it (issue 17): enough to notice later that the stored hop
/// was removed or rewritten, without repeating its content.
public struct AnchoredHop: Sendable, Equatable, Hashable {
    public var complaintID: String
    public var sequence: Int
    /// The hop's chained hash (``HopChain/hash(previous:content:)``), 32 bytes.
    public var hash: [UInt8]
    /// When the hop happened, in microseconds since 1970 (as in ``HopContent/atMicroseconds``).
    public var atMicroseconds: Int64

    public init(complaintID: String, sequence: Int, hash: [UInt8], atMicroseconds: Int64) {
        self.complaintID = complaintID
        self.sequence = sequence
        self.hash = hash
        self.atMicroseconds = atMicroseconds
    }
}

/// A line of an anchor file: one hop, and the SHA-256 of the line before it, so that the file is a chain too.
///
/// ```
/// hotline.anchor.v1 complaint=42 seq=3 hash=<64 hex> at=2026-11-30T01:02:03.456789Z prev=<64 hex>
/// ```
///
/// `prev` is the SHA-256 of the previous line's UTF-8 text (without its newline), or 64 zeros for the first line a
/// daemon ever wrote. Times are UTC with microseconds, so that the line never depends on a time zone. The format
/// is strict: a line is read only if writing it again gives the same text, so no two texts mean the same line.
public struct AnchorLine: Sendable, Equatable {
    public static let tag = "hotline.anchor.v1"
    /// What the first line of a daemon's chain follows.
    public static let origin = [UInt8](repeating: 0, count: SHA256.digestCount)

    public var hop: AnchoredHop
    public var previous: [UInt8]

    public init(hop: AnchoredHop, previous: [UInt8]) {
        self.hop = hop
        self.previous = previous
    }

    /// The line as written, without its newline.
    public var text: String {
        "\(Self.tag) complaint=\(hop.complaintID) seq=\(hop.sequence) hash=\(Hex.encode(hop.hash)) "
            + "at=\(UTCTimestamp.format(microseconds: hop.atMicroseconds)) prev=\(Hex.encode(previous))"
    }

    /// What the next line carries as `prev`.
    public var digest: [UInt8] { SHA256.hash(utf8: text) }

    /// The line in `text`, or nil when it is not exactly a line this version writes.
    public static func parse(_ text: some StringProtocol) -> AnchorLine? {
        let fields = String(text).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == tag else { return nil }
        func value(_ index: Int, _ key: String) -> String? {
            let field = fields[index]
            guard field.hasPrefix(key + "=") else { return nil }
            return String(field.dropFirst(key.count + 1))
        }
        guard
            let complaint = value(1, "complaint"), !complaint.isEmpty,
            let sequence = value(2, "seq").flatMap({ Int($0) }),
            let hash = value(3, "hash").flatMap({ Hex.decode($0) }), hash.count == SHA256.digestCount,
            let at = value(4, "at").flatMap({ UTCTimestamp.parse($0) }),
            let previous = value(5, "prev").flatMap({ Hex.decode($0) }),
            previous.count == SHA256.digestCount
        else { return nil }
        let line = AnchorLine(
            hop: AnchoredHop(complaintID: complaint, sequence: sequence, hash: hash, atMicroseconds: at),
            previous: previous
        )
        // Upper-case hex or a leading zero would read back the same: only the canonical text is a line.
        return line.text == String(text) ? line : nil
    }
}

/// Reading a daemon's anchor files back: each file's lines chained in order, the first line of a file chained
/// from the last line of the file before it, the first of all from ``AnchorLine/origin``.
public enum AnchorChain {
    /// A named file's text, as read from the state directory or sent by `hotlinectl audit verify --anchors`.
    public struct File: Sendable, Equatable {
        public var name: String
        public var text: String

        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    /// A hop with the place it was anchored.
    public struct Located: Sendable, Equatable {
        public var hop: AnchoredHop
        public var file: String
        /// 1-based.
        public var line: Int

        public init(hop: AnchoredHop, file: String, line: Int) {
            self.hop = hop
            self.file = file
            self.line = line
        }
    }

    /// A place where an anchor file is not what the daemon wrote.
    public struct Break: Sendable, Equatable {
        public enum Reason: Sendable, Equatable {
            /// Not a line in the anchor format.
            case malformed
            /// `prev` is not the hash of the line before it: that line was changed, or lines were removed between.
            case link(expected: String, found: String)
        }

        public var file: String
        public var line: Int
        public var reason: Reason

        public init(file: String, line: Int, reason: Reason) {
            self.file = file
            self.line = line
            self.reason = reason
        }

        public var message: LocalizedText {
            switch reason {
            case .malformed where file == AnchorAudit.journalSource || file.hasPrefix(AnchorAudit.journalSource + ":"):
                return LocalizedText(
                    zh: "\(file) 第 \(line) 条锚定记录的字段不成一步（hop）",
                    en: "\(file) entry \(line) carries HOTLINE_HOP_HASH but its fields do not make a hop"
                )
            case .malformed:
                return LocalizedText(
                    zh: "锚定文件 \(file) 第 \(line) 行格式不符，已被改动",
                    en: "anchor file \(file) line \(line) is not an anchor line; it was altered"
                )
            case .link(let expected, let found):
                return LocalizedText(
                    zh: "锚定文件 \(file) 第 \(line) 行的 prev 为 \(found)，应为 \(expected)：前一行被改动或其间有行被删除",
                    en: "anchor file \(file) line \(line) chains from \(found) instead of \(expected): the line "
                        + "before it was altered or lines were removed"
                )
            }
        }
    }

    /// The hops of one daemon's files (in the order given: oldest month first) and every break in their chain.
    /// After a break the check goes on from the line as it is, so one altered line is reported once, not for
    /// every line after it.
    public static func read(_ files: [File]) -> (hops: [Located], breaks: [Break]) {
        var hops: [Located] = []
        var breaks: [Break] = []
        var previous = AnchorLine.origin
        for file in files {
            var lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
            // The newline ends every line, so the text after the last one is empty.
            if lines.last?.isEmpty == true { lines.removeLast() }
            for (index, text) in lines.enumerated() {
                let number = index + 1
                if let line = AnchorLine.parse(text) {
                    if line.previous != previous {
                        breaks.append(
                            Break(
                                file: file.name,
                                line: number,
                                reason: .link(expected: Hex.encode(previous), found: Hex.encode(line.previous))
                            )
                        )
                    }
                    hops.append(Located(hop: line.hop, file: file.name, line: number))
                } else {
                    breaks.append(Break(file: file.name, line: number, reason: .malformed))
                }
                previous = SHA256.hash(text.utf8)
            }
        }
        return (hops, breaks)
    }
}

/// UTC timestamps with microseconds (`2026-11-30T01:02:03.456789Z`), computed here so that HotlineCore formats them
/// identically on every platform (days from the civil date after H. Hinnant's public-domain algorithms).
public enum UTCTimestamp {
    public static func format(microseconds: Int64) -> String {
        let seconds = microseconds.floorDivided(by: 1_000_000)
        let fraction = microseconds - seconds * 1_000_000
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }

    /// The microseconds of a timestamp in exactly the form ``format(microseconds:)`` writes, else nil.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        let characters = Array(text.utf8)
        guard characters.count == 27 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for unit in characters[from..<(from + count)] {
                guard unit >= UInt8(ascii: "0"), unit <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(unit - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Character)] = [
            (4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (26, "Z"),
        ]
        for (index, separator) in separators where characters[index] != separator.asciiValue {
            return nil
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let fraction = number(20, 6),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        let micros = seconds * 1_000_000 + fraction
        // 31 February and the like do not come back the same.
        return format(microseconds: micros) == String(text) ? micros : nil
    }

    /// `YYYY-MM` of the instant, in UTC: the month an anchor file is named after.
    public static func month(microseconds: Int64) -> String {
        String(format(microseconds: microseconds).prefix(7))
    }

    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Int64 {
    /// Division rounding towards minus infinity, so that instants before 1970 land on the right day.
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
