import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct MatterCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "matter",
            abstract: "The knowledge base for one-time notification (一次性告知): what to tell a caller at once.",
            discussion: """
                A matter holds everything an operator must tell a caller in one go: conditions, materials, fees, \
                time limit, procedure, and why it would be refused. Admins and supervisors add and edit matters; \
                every edit is a new version and old versions stay (`matter show CODE --version N`), so what was \
                told can be shown later. `complaint resolve ID --answer … --told CODE…` records the matters told.
                """,
            subcommands: [Add.self, Edit.self, Show.self, List.self, Search.self, Import.self]
        )

        /// The fields of `matter add` and `matter edit`.
        struct Fields: ParsableArguments {
            @Option(help: "Title (事项名称), at most 100 characters.") var title: String?
            @Option(help: "The department that owns the matter (a department code).") var department: String?
            @Option(help: "Conditions (办理条件).") var conditions: String?
            @Option(help: "Every document needed (所需材料).") var materials: String?
            @Option(help: "Fees (收费标准), e.g. 免费.") var fees: String?
            @Option(name: .customLong("time-limit"), help: "How long it takes (办理时限).") var timeLimit: String?
            @Option(help: "The steps (办理流程).") var procedure: String?
            @Option(help: "Why it would be refused (不予受理情形); empty to clear on edit.") var refusal: String?
            @Option(
                parsing: .upToNextOption,
                help: "Words callers use (关键词), separated by spaces or commas; replaces the list on edit."
            )
            var keywords: [String] = []

            var changes: MatterChanges {
                MatterChanges(
                    title: title,
                    department: department,
                    conditions: conditions,
                    materials: materials,
                    fees: fees,
                    timeLimit: timeLimit,
                    procedure: procedure,
                    refusal: refusal,
                    keywords: keywords.isEmpty ? nil : keywords.flatMap(MatterField.splitKeywords)
                )
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a matter (version 1; admin or supervisor).",
                discussion: """
                    Example: hotlinectl matter add HUKOU-01 --title "新生儿落户" --department POLICE \
                    --conditions "父母一方为本市户籍" --materials "出生医学证明、父母户口簿、结婚证" --fees 免费 \
                    --time-limit "当场办结" --procedure "携材料到户籍窗口办理" --keywords 上户口 出生登记
                    """
            )
            @Argument(help: "The matter's code: letters, digits, - _ . (at most 32).") var code: String
            @OptionGroup var fields: Fields
            @OptionGroup var global: GlobalOptions

            func validate() throws { _ = try matter() }

            private func matter() throws -> Matter {
                let changes = fields.changes
                let matter = Matter(
                    code: code,
                    title: changes.title ?? "",
                    department: changes.department ?? "",
                    conditions: changes.conditions ?? "",
                    materials: changes.materials ?? "",
                    fees: changes.fees ?? "",
                    timeLimit: changes.timeLimit ?? "",
                    procedure: changes.procedure ?? "",
                    refusal: changes.refusal,
                    keywords: changes.keywords ?? []
                )
                return try global.checked { try ControlArgument.matter(matter, language: $0) }
            }

            func run() throws {
                let result = try global.send(.matterAdd(try matter()))
                try global.emit(result, as: MatterView.self) { MatterText.render($0, global.language) }
            }
        }

        struct Edit: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change a matter: a new version with the fields given (admin or supervisor).",
                discussion: "Example: hotlinectl matter edit HUKOU-01 --fees \"免费（工本费 20 元已取消）\""
            )
            @Argument(help: "The matter's code.") var code: String
            @OptionGroup var fields: Fields
            @OptionGroup var global: GlobalOptions

            func validate() throws { _ = try changes() }

            private func changes() throws -> MatterChanges {
                try global.checked { try ControlArgument.matterChanges(fields.changes, language: $0) }
            }

            func run() throws {
                let result = try global.send(.matterEdit(code: code, try changes()))
                try global.emit(result, as: MatterView.self) { MatterText.render($0, global.language) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a matter: its current version, or an older one.",
                discussion: "Example: hotlinectl matter show HUKOU-01 --version 1"
            )
            @Argument(help: "The matter's code.") var code: String
            @Option(help: "A version number (default: the current one).") var version: Int?
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                if let version, version < 1 {
                    throw global.usageError(zh: "--version 须为正整数", en: "--version must be a positive integer")
                }
            }

            func run() throws {
                let result = try global.send(.matterShow(code: code, version: version))
                try global.emit(result, as: MatterView.self) { MatterText.render($0, global.language) }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List matters (current versions), by code.",
                discussion: "Example: hotlinectl matter list --department POLICE"
            )
            @Option(help: "Only matters of this department.") var department: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.matterList(department: department))
                try global.emit(result, as: [MatterSummary].self) { MatterText.table($0, global.language) }
            }
        }

        struct Search: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Find matters for what a caller says; Chinese needs no spaces. Title and keyword hits first.",
                discussion: "Example: hotlinectl matter search 孩子刚出生怎么上户口"
            )
            @Argument(help: "What the caller asks, in their words.") var text: [String]
            @Option(help: "At most this many (1–100, default 20).") var limit: Int = 20
            @OptionGroup var global: GlobalOptions

            func validate() throws { _ = try query() }

            private func query() throws -> (String, Int) {
                try global.checked { language in
                    (
                        try ControlArgument.searchText(text.joined(separator: " "), language: language),
                        try ControlArgument.limit(limit, language: language)
                    )
                }
            }

            func run() throws {
                let (query, limit) = try query()
                let result = try global.send(.matterSearch(text: query, limit: limit))
                try global.emit(result, as: [MatterSummary].self) { hits in
                    if hits.isEmpty { return global.language == .zh ? "没有找到相关事项" : "no matter found" }
                    return MatterText.table(hits, global.language)
                }
            }
        }

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import matters from a CSV file, all or nothing (admin or supervisor).",
                discussion: """
                    FILE is UTF-8 CSV (RFC 4180, with or without a byte-order mark) whose header row names the \
                    columns: code, title, department, conditions, materials, fees, time_limit, procedure, and \
                    optionally refusal and keywords (separated by commas or 、 inside the field). A new code becomes \
                    version 1, a changed one a new version. Any bad row imports nothing and names its line and field.

                    Example: hotlinectl matter import matters-2027.csv
                    """
            )
            @Argument(help: "The CSV file.") var file: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                guard let data = FileManager.default.contents(atPath: file),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw global.failure(
                        status: 2,
                        zh: "无法以 UTF-8 文本读取 \(file)",
                        en: "cannot read \(file) as UTF-8 text"
                    )
                }
                let result = try global.send(.matterImport(file: file, content: text))
                try global.emit(result, as: MatterImportReport.self) { report in
                    global.language == .zh
                        ? "已导入 \(file)：新增 \(report.added) 项，更新 \(report.updated) 项，未变 \(report.unchanged) 项"
                        : "imported \(file): \(report.added) added, \(report.updated) updated, "
                            + "\(report.unchanged) unchanged"
                }
            }
        }
    }
}

/// Human form of matters, in Chinese or English.
enum MatterText {
    static func render(_ matter: MatterView, _ language: Language) -> String {
        let zh = language == .zh
        var version = "\(matter.version)"
        if matter.version != matter.currentVersion {
            version += zh ? "（当前为第 \(matter.currentVersion) 版）" : " (current: \(matter.currentVersion))"
        }
        let fields: [(MatterField?, String, String)] = [
            (.code, "", matter.code), (nil, zh ? "版本" : "Version", version), (.title, "", matter.title),
            (.department, "", matter.department), (.conditions, "", matter.conditions),
            (.materials, "", matter.materials), (.fees, "", matter.fees), (.timeLimit, "", matter.timeLimit),
            (.procedure, "", matter.procedure), (.refusal, "", matter.refusal ?? "-"),
            (.keywords, "", matter.keywords.joined(separator: zh ? "、" : ", ")),
            (nil, zh ? "编辑" : "Edited", "\(matter.editedBy) \(matter.editedAt)"),
        ]
        return fields.map { field, caption, value in
            let name = field.map { label(of: $0, language) } ?? caption
            return "\(name)\(zh ? "：" : ": ")\(value)"
        }.joined(separator: "\n")
    }

    static func label(of field: MatterField, _ language: Language) -> String {
        let text = field.label.text(in: language)
        guard language == .en, let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static func table(_ matters: [MatterSummary], _ language: Language) -> String {
        let zh = language == .zh
        var table = TextTable(
            headers: zh ? ["编码", "版本", "事项名称", "部门", "关键词"] : ["Code", "Version", "Title", "Department", "Keywords"]
        )
        for matter in matters {
            table.append([
                matter.code, String(matter.version), matter.title, matter.department,
                matter.keywords.joined(separator: zh ? "、" : ", "),
            ])
        }
        return table.render()
    }
}
