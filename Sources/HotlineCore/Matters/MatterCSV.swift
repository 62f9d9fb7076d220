import Foundation

/// `matter import FILE.csv`: RFC 4180 CSV in UTF-8 (a byte-order mark is skipped, as spreadsheet programs write
/// one), a header row naming the fields (``MatterField`` raw values, in any order; `code`, `title`, … ), one matter
/// a row. All or nothing: the first bad row stops the import with its line and field.
public enum MatterCSV {
    /// A matter of the file and the line its row starts on (for errors the daemon finds, such as a department).
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var matter: Matter

        public init(line: Int, matter: Matter) {
            self.line = line
            self.matter = matter
        }
    }

    /// The matters of a file, each checked like `matter add`.
    public static func parse(_ text: String) throws(MatterImportError) -> [Row] {
        var content = Substring(text)
        if content.unicodeScalars.first == "\u{FEFF}" { content = content.dropFirst() }
        let records = try records(of: content)
        guard let header = records.first else { throw MatterImportError(line: 1, field: nil, reason: .empty) }
        var columns: [MatterField?] = []
        for name in header.fields {
            let key = name.trimmingWhitespace.lowercased().replacingOccurrences(of: "-", with: "_")
            guard let field = MatterField(rawValue: key) else {
                throw MatterImportError(line: header.line, field: name, reason: .unknownColumn)
            }
            guard !columns.contains(field) else {
                throw MatterImportError(line: header.line, field: name, reason: .repeatedColumn)
            }
            columns.append(field)
        }
        for field in MatterField.allCases where field.isRequired && !columns.contains(field) {
            throw MatterImportError(line: header.line, field: field.rawValue, reason: .missingColumn)
        }
        var matters: [Row] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            // A blank line (an empty record) is not a matter.
            if record.fields.allSatisfy({ $0.trimmingWhitespace.isEmpty }) { continue }
            guard record.fields.count == columns.count else {
                throw MatterImportError(
                    line: record.line,
                    field: nil,
                    reason: .fieldCount(expected: columns.count, found: record.fields.count)
                )
            }
            var values: [MatterField: String] = [:]
            for (field, value) in zip(columns, record.fields) { values[field!] = value }
            let matter = Matter(
                code: values[.code] ?? "",
                title: values[.title] ?? "",
                department: values[.department] ?? "",
                conditions: values[.conditions] ?? "",
                materials: values[.materials] ?? "",
                fees: values[.fees] ?? "",
                timeLimit: values[.timeLimit] ?? "",
                procedure: values[.procedure] ?? "",
                refusal: values[.refusal],
                keywords: MatterField.splitKeywords(values[.keywords] ?? "")
            )
            let checked: Matter
            do {
                checked = try matter.validated()
            } catch {
                throw MatterImportError(line: record.line, field: error.field.rawValue, reason: .invalid(error))
            }
            if let first = seen[checked.code] {
                throw MatterImportError(line: record.line, field: "code", reason: .repeatedCode(firstLine: first))
            }
            seen[checked.code] = record.line
            matters.append(Row(line: record.line, matter: checked))
        }
        return matters
    }

    /// One CSV record and the line it starts on (a quoted field may span lines).
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// Splits the text into records: fields separated by commas, records by CRLF or LF, quotes doubled inside
    /// quoted fields.
    static func records(of text: Substring) throws(MatterImportError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedField = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func endRecord() {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
            fields = []
            field = ""
            quotedField = false
        }
        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                // A quote opens a field only at its start; elsewhere the file is not CSV.
                guard field.isEmpty, !quotedField else {
                    throw MatterImportError(line: line, field: nil, reason: .strayQuote)
                }
                inQuotes = true
                quotedField = true
            case ",":
                fields.append(field)
                field = ""
                quotedField = false
            case "\r" where pending == "\n":
                continue
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                if quotedField { throw MatterImportError(line: line, field: nil, reason: .strayQuote) }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw MatterImportError(line: recordLine, field: nil, reason: .unterminatedQuote) }
        // The last record needs no line break after it.
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return records
    }
}

/// Why `matter import` imported nothing: the line of the file and, when one is at fault, the field.
public struct MatterImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case empty
        case unknownColumn
        case repeatedColumn
        case missingColumn
        case fieldCount(expected: Int, found: Int)
        case strayQuote
        case unterminatedQuote
        case invalid(MatterError)
        case repeatedCode(firstLine: Int)
        /// The department named is not on the department list (checked by the daemon).
        case unknownDepartment(String)
    }

    public var line: Int
    public var field: String?
    public var reason: Reason

    public init(line: Int, field: String?, reason: Reason) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { text(in: .en) }

    public func text(in language: Language) -> String {
        let zh = language == .zh
        let place =
            zh
            ? "第 \(line) 行" + (field.map { "，字段 \($0)" } ?? "")
            : "line \(line)" + (field.map { ", field \($0)" } ?? "")
        let what: LocalizedText
        switch reason {
        case .empty: what = LocalizedText(zh: "文件为空，须有表头行", en: "the file is empty; it needs a header row")
        case .unknownColumn:
            let known = MatterField.allCases.map(\.rawValue).joined(separator: ", ")
            what = LocalizedText(zh: "未知的列名；列名为 \(known)", en: "unknown column; columns are \(known)")
        case .repeatedColumn: what = LocalizedText(zh: "列名重复", en: "the column appears twice")
        case .missingColumn: what = LocalizedText(zh: "表头缺少此必填列", en: "the header lacks this required column")
        case .fieldCount(let expected, let found):
            what = LocalizedText(
                zh: "应有 \(expected) 个字段，实有 \(found) 个",
                en: "expected \(expected) fields, found \(found)"
            )
        case .strayQuote:
            what = LocalizedText(zh: "引号位置不对（字段内的引号须写成两个）", en: "a stray quote (write a quote inside a field as two)")
        case .unterminatedQuote: what = LocalizedText(zh: "引号未闭合", en: "a quoted field is not closed")
        case .invalid(let error): what = LocalizedText(zh: error.text(in: .zh), en: error.text(in: .en))
        case .repeatedCode(let first):
            what = LocalizedText(zh: "事项编码与第 \(first) 行重复", en: "the code repeats the one of line \(first)")
        case .unknownDepartment(let code):
            what = LocalizedText(zh: "没有部门“\(code)”", en: "no department '\(code)'")
        }
        return place + (zh ? "：" : ": ") + what.text(in: language)
    }
}
