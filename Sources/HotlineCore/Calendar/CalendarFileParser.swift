/// Reads holiday and make-up working-day files: the project's text format and iCalendar (RFC 5545) feeds.
///
/// Used for the embedded default calendar and by `hotlinectl calendar import FILE`. Every parser is
/// all-or-nothing: the first bad line throws a ``CalendarImportError`` naming file and line, and nothing is
/// returned, so a half-imported calendar can never move deadlines.
public enum CalendarFileParser: Sendable {
    /// Parses either format: iCalendar when the text contains `BEGIN:VCALENDAR`, the text format otherwise.
    public static func parse(_ text: String, fileName: String) throws(CalendarImportError) -> [CalendarOverride] {
        if text.uppercased().contains("BEGIN:VCALENDAR") {
            return try parseICalendar(text, fileName: fileName)
        }
        return try parseText(text, fileName: fileName)
    }

    /// Parses the text format, one override per line: `YYYY-MM-DD holiday|workday [name…]`.
    ///
    /// Blank lines and lines starting with `#` are skipped; `#` after white space starts a comment too. The kind
    /// is case-insensitive; the name is the rest of the line. A date given twice with the same kind keeps the
    /// first line; with the other kind it is an error.
    public static func parseText(_ text: String, fileName: String) throws(CalendarImportError) -> [CalendarOverride] {
        var collector = Collector(fileName: fileName)
        for (index, rawLine) in physicalLines(text).enumerated() {
            let lineNumber = index + 1
            let line = stripComment(rawLine).trimmingWhitespace()
            guard !line.isEmpty else { continue }
            let (dateText, afterDate) = firstWord(Substring(line))
            guard let date = LocalDate(string: String(dateText)) else {
                throw CalendarImportError(fileName: fileName, line: lineNumber, problem: .badDate(String(dateText)))
            }
            let (kindText, name) = firstWord(afterDate)
            guard !kindText.isEmpty else {
                throw CalendarImportError(fileName: fileName, line: lineNumber, problem: .missingKind)
            }
            guard let kind = CalendarOverride.Kind(rawValue: kindText.lowercased()) else {
                throw CalendarImportError(
                    fileName: fileName,
                    line: lineNumber,
                    problem: .unknownKind(String(kindText))
                )
            }
            try collector.add(
                CalendarOverride(date: date, kind: kind, name: name.trimmingWhitespace()),
                line: lineNumber
            )
        }
        return collector.overrides
    }

    /// The lines of a text, without their line ends (CR LF, LF or CR) and without a leading byte-order mark.
    static func physicalLines(_ text: String) -> [Substring] {
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        return body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// The line up to a `#` that starts it or follows white space.
    private static func stripComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        for index in line.indices {
            if line[index] == "#", previous.isWhitespace {
                return line[..<index]
            }
            previous = line[index]
        }
        return line
    }

    /// The first white-space separated word and the text after it (leading white space removed).
    private static func firstWord(_ text: Substring) -> (Substring, Substring) {
        let trimmed = text.drop(while: \.isWhitespace)
        let word = trimmed.prefix { !$0.isWhitespace }
        return (word, trimmed.dropFirst(word.count).drop(while: \.isWhitespace))
    }

    /// Gathers overrides in order, refusing a date that two lines give different kinds.
    struct Collector {
        let fileName: String
        private(set) var overrides: [CalendarOverride] = []
        private var seen: [LocalDate: (kind: CalendarOverride.Kind, line: Int)] = [:]

        init(fileName: String) {
            self.fileName = fileName
        }

        mutating func add(_ override: CalendarOverride, line: Int) throws(CalendarImportError) {
            if let earlier = seen[override.date] {
                guard earlier.kind == override.kind else {
                    throw CalendarImportError(
                        fileName: fileName,
                        line: line,
                        problem: .conflictingDate(override.date, firstLine: earlier.line)
                    )
                }
                return
            }
            seen[override.date] = (override.kind, line)
            overrides.append(override)
        }
    }
}
