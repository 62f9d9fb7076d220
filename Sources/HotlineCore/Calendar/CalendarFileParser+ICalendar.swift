extension CalendarFileParser {
    /// Parses an iCalendar (RFC 5545) holiday feed.
    ///
    /// Folded lines are unfolded. Each VEVENT needs an all-day DTSTART (`DTSTART;VALUE=DATE:20261001`); an
    /// exclusive DTEND or a DURATION of days makes it cover several days, one override per day. The SUMMARY,
    /// unescaped, is the name. An event whose SUMMARY or CATEGORIES says it is a make-up working day (it contains
    /// 补班 or 上班 — as in 国庆节调休上班 — or "workday" / "working day") becomes a `workday`; every other event a
    /// `holiday`. Cancelled events are ignored; recurring ones (RRULE, RDATE) are refused rather than guessed.
    public static func parseICalendar(
        _ text: String,
        fileName: String
    ) throws(CalendarImportError) -> [CalendarOverride] {
        var collector = Collector(fileName: fileName)
        var open: [(name: String, line: Int)] = []
        var event = EventDraft(line: 0)
        for contentLine in try unfold(text, fileName: fileName) {
            func fail(_ problem: CalendarImportError.Problem) -> CalendarImportError {
                CalendarImportError(fileName: fileName, line: contentLine.line, problem: problem)
            }
            switch contentLine.name {
            case "BEGIN":
                let component = contentLine.value.uppercased()
                open.append((component, contentLine.line))
                if component == "VEVENT" {
                    event = EventDraft(line: contentLine.line)
                }
                continue
            case "END":
                let component = contentLine.value.uppercased()
                guard let innermost = open.popLast(), innermost.name == component else {
                    throw fail(.unexpectedEnd(component))
                }
                if component == "VEVENT" {
                    for override in try event.overrides(fileName: fileName) {
                        try collector.add(override, line: event.startLine ?? event.line)
                    }
                }
                continue
            default:
                break
            }
            guard open.last?.name == "VEVENT" else { continue }
            switch contentLine.name {
            case "DTSTART":
                event.start = try allDayDate(contentLine, fail: fail)
                event.startLine = contentLine.line
            case "DTEND":
                event.end = try allDayDate(contentLine, fail: fail)
                event.endLine = contentLine.line
            case "DURATION":
                guard let days = durationDays(contentLine.value) else { throw fail(.badDuration(contentLine.value)) }
                event.durationDays = days
            case "SUMMARY":
                event.summary = unescape(contentLine.value)
            case "CATEGORIES":
                event.categories.append(unescape(contentLine.value))
            case "STATUS":
                event.cancelled = contentLine.value.uppercased() == "CANCELLED"
            case "RRULE", "RDATE":
                throw fail(.recurrenceNotSupported(contentLine.name))
            default:
                break
            }
        }
        if let unclosed = open.last {
            throw CalendarImportError(fileName: fileName, line: unclosed.line, problem: .unterminated(unclosed.name))
        }
        return collector.overrides
    }

    /// One unfolded content line: `NAME;PARAM=VALUE:VALUE`, with the line number of its first physical line.
    struct ContentLine {
        var name: String
        var parameters: [String: String]
        var value: String
        var line: Int
    }

    /// The fields of a VEVENT gathered until its END.
    private struct EventDraft {
        let line: Int
        var start: LocalDate?
        var startLine: Int?
        var end: LocalDate?
        var endLine: Int?
        var durationDays: Int?
        var summary = ""
        var categories: [String] = []
        var cancelled = false

        init(line: Int) {
            self.line = line
        }

        /// The longest event accepted; holidays run a week or so, a year is surely a mistake.
        static let maximumDays = 366

        func overrides(fileName: String) throws(CalendarImportError) -> [CalendarOverride] {
            guard let start else {
                throw CalendarImportError(fileName: fileName, line: line, problem: .missingStart)
            }
            guard !cancelled else { return [] }
            var days = 1
            if let end {
                days = end.daysSinceEpoch - start.daysSinceEpoch
            } else if let durationDays {
                days = durationDays
            }
            guard days >= 1 else {
                throw CalendarImportError(fileName: fileName, line: endLine ?? line, problem: .endNotAfterStart)
            }
            guard days <= EventDraft.maximumDays else {
                throw CalendarImportError(fileName: fileName, line: line, problem: .eventTooLong(days: days))
            }
            let kind = isMakeUpWorkday ? CalendarOverride.Kind.workday : .holiday
            return (0..<days).map { CalendarOverride(date: start.adding(days: $0), kind: kind, name: summary) }
        }

        /// 补班 / 上班 (as in 调休上班) or "workday" / "working day" in SUMMARY or CATEGORIES.
        private var isMakeUpWorkday: Bool {
            let text = ([summary] + categories).joined(separator: " ").lowercased()
            return ["补班", "上班", "workday", "working day", "work day"].contains { text.contains($0) }
        }
    }

    /// Unfolds RFC 5545 lines (a line end followed by a space or tab continues the line) and splits each into
    /// name, parameters and value.
    static func unfold(_ text: String, fileName: String) throws(CalendarImportError) -> [ContentLine] {
        var logical: [(text: String, line: Int)] = []
        for (index, physical) in physicalLines(text).enumerated() {
            if let first = physical.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1].text += physical.dropFirst()
            } else if !physical.allSatisfy(\.isWhitespace) {
                logical.append((String(physical), index + 1))
            }
        }
        var result: [ContentLine] = []
        for (text, line) in logical {
            guard let contentLine = splitContentLine(text, line: line) else {
                throw CalendarImportError(fileName: fileName, line: line, problem: .malformedLine(text))
            }
            result.append(contentLine)
        }
        return result
    }

    /// Splits `NAME;P1=V1;P2="a:b":VALUE`; colons inside quoted parameter values do not end the parameters.
    private static func splitContentLine(_ text: String, line: Int) -> ContentLine? {
        var inQuotes = false
        var separators: [String.Index] = []
        var colon: String.Index?
        for index in text.indices {
            let character = text[index]
            if character == "\"" {
                inQuotes.toggle()
            } else if !inQuotes, character == ";" {
                separators.append(index)
            } else if !inQuotes, character == ":" {
                colon = index
                break
            }
        }
        guard let colon else { return nil }
        let nameEnd = separators.first ?? colon
        let name = text[..<nameEnd].trimmingWhitespace().uppercased()
        guard !name.isEmpty else { return nil }
        var parameters: [String: String] = [:]
        let bounds = separators + [colon]
        for (from, to) in zip(bounds, bounds.dropFirst()) {
            let parameter = text[text.index(after: from)..<to]
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2 {
                parameters[pair[0].uppercased()] = String(pair[1]).replacingQuotes()
            }
        }
        return ContentLine(
            name: name,
            parameters: parameters,
            value: String(text[text.index(after: colon)...]),
            line: line
        )
    }

    /// The date of an all-day DTSTART or DTEND (`VALUE=DATE:20261001`, or a bare `20261001`).
    private static func allDayDate(
        _ contentLine: ContentLine,
        fail: (CalendarImportError.Problem) -> CalendarImportError
    ) throws(CalendarImportError) -> LocalDate {
        let value = contentLine.value.trimmingWhitespace()
        let valueType = contentLine.parameters["VALUE"]?.uppercased()
        if value.contains("T") || valueType == "DATE-TIME" {
            throw fail(.notAllDay(value))
        }
        guard value.count == 8, value.allSatisfy(\.isASCIIDigit) else { throw fail(.badDate(value)) }
        let isoText = "\(value.prefix(4))-\(value.dropFirst(4).prefix(2))-\(value.suffix(2))"
        guard let date = LocalDate(string: isoText) else { throw fail(.badDate(value)) }
        return date
    }

    /// Days of a DURATION made of weeks and days only (`P1D`, `P2W`, `P1W3D`); nil otherwise.
    private static func durationDays(_ value: String) -> Int? {
        var text = Substring(value.trimmingWhitespace().uppercased())
        guard text.hasPrefix("P") else { return nil }
        text = text.dropFirst()
        var days = 0
        var number = ""
        for character in text {
            if character.isASCIIDigit {
                number.append(character)
            } else if let amount = Int(number), number.count <= 4, character == "W" || character == "D" {
                days += character == "W" ? amount * 7 : amount
                number = ""
            } else {
                return nil
            }
        }
        return number.isEmpty && !text.isEmpty ? days : nil
    }

    /// Undoes RFC 5545 TEXT escaping: `\\`, `\;`, `\,`, `\n` / `\N`.
    static func unescape(_ value: String) -> String {
        var result = ""
        var escaping = false
        for character in value {
            if escaping {
                switch character {
                case "n", "N": result.append("\n")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        if escaping {
            result.append("\\")
        }
        return result.trimmingWhitespace()
    }
}

extension String {
    /// A parameter value without the double quotes RFC 5545 allows around it.
    fileprivate func replacingQuotes() -> String {
        count >= 2 && hasPrefix("\"") && hasSuffix("\"") ? String(dropFirst().dropLast()) : self
    }
}
