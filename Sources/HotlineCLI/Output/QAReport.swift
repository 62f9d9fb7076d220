import Foundation
import HotlineCore
import HotlineProtocol

/// The assessment report (R14) as one self-contained HTML file: no scripts, fonts or images from elsewhere, a
/// per-department table and SVG bar charts, readable on screen and on paper, in Chinese or English.
enum QAReport {
    static let columns = [
        "received", "resolved_on_spot", "transferred_out", "transferred_in", "replied_in_time", "replied_late",
        "transfer_overdue", "reply_overdue", "misroutes", "escalations_qa", "escalations_vp", "escalations_gm",
        "extensions", "redos", "satisfaction_mean",
    ]

    static func render(period: String, stats: JSONValue, language: Language, generatedAt: String) -> String {
        let zh = language == .zh
        let rows = stats.arrayValue ?? []
        let departments = rows.map { $0["department"]?.stringValue ?? "" }
        func number(_ row: JSONValue, _ column: String) -> Double {
            switch row[column] {
            case .int(let value)?: return Double(value)
            case .double(let value)?: return value
            default: return 0
            }
        }
        func series(_ column: String) -> [Double] { rows.map { number($0, column) } }
        var html = """
            <!DOCTYPE html>
            <html lang="\(zh ? "zh-CN" : "en")">
            <head>
            <meta charset="utf-8">
            <title>\(escape(zh ? "首问责任制考核报表 \(period)" : "First-inquiry assessment \(period)"))</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
            table { border-collapse: collapse; font-size: 0.85em; }
            th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            thead th { background: #eee; }
            svg text { font-size: 12px; fill: #222; }
            .note { color: #555; font-size: 0.85em; }
            @media print { body { margin: 0.5cm; } h2 { page-break-after: avoid; } svg, table { page-break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>\(escape(zh ? "首问责任制考核报表" : "First-inquiry responsibility assessment")) · \(escape(period))</h1>
            <p class="note">\(escape(zh ? "生成时间" : "Generated")) \(escape(generatedAt))</p>
            <h2>\(escape(zh ? "各部门指标" : "Figures by department"))</h2>
            <table id="figures">
            <thead><tr><th>\(escape(zh ? "部门" : "Department"))</th>
            """
        for column in columns { html += "<th>\(escape(QAOutput.label(column, language)))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr><td>\(escape(row["department"]?.stringValue ?? ""))</td>"
            for column in columns { html += "<td>\(escape(QAOutput.cell(row[column])))</td>" }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
        let charts: [(String, String, [(String, [Double], String)])] = [
            (
                zh ? "升级（按级别）" : "Escalations by level", "escalations",
                [
                    (QAOutput.label("escalations_qa", language), series("escalations_qa"), "#4e79a7"),
                    (QAOutput.label("escalations_vp", language), series("escalations_vp"), "#f28e2b"),
                    (QAOutput.label("escalations_gm", language), series("escalations_gm"), "#e15759"),
                ]
            ),
            (
                zh ? "超时转交与超时答复" : "Overdue transfers and replies", "overdue",
                [
                    (QAOutput.label("transfer_overdue", language), series("transfer_overdue"), "#76b7b2"),
                    (QAOutput.label("reply_overdue", language), series("reply_overdue"), "#edc948"),
                ]
            ),
            (
                zh ? "错转" : "Misroutes", "misroutes",
                [(QAOutput.label("misroutes", language), series("misroutes"), "#b07aa1")]
            ),
            (
                zh ? "平均满意度（1–5）" : "Mean satisfaction (1–5)", "satisfaction",
                [(QAOutput.label("satisfaction_mean", language), series("satisfaction_mean"), "#59a14f")]
            ),
        ]
        for (title, id, bars) in charts {
            html += "<h2>\(escape(title))</h2>\n"
            html += barChart(id: id, departments: departments, series: bars, maximum: id == "satisfaction" ? 5 : nil)
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// Grouped horizontal bars: one group per department, one bar per series, each labelled with its value.
    static func barChart(id: String, departments: [String], series: [(String, [Double], String)], maximum: Double?)
        -> String
    {
        let barHeight = 14.0
        let groupGap = 10.0
        let left = 90.0
        let width = 420.0
        let legend = 22.0
        let top = maximum ?? max(1, series.flatMap(\.1).max() ?? 1)
        let groupHeight = Double(series.count) * barHeight + groupGap
        let height = legend + Double(departments.count) * groupHeight + 10
        var svg =
            "<svg id=\"chart-\(id)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + width + 60))\" "
            + "height=\"\(Int(height))\" role=\"img\">\n"
        var x = left
        for (name, _, color) in series {
            svg += "<rect x=\"\(fmt(x))\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(fmt(x + 14))\" y=\"13\">\(escape(name))</text>\n"
            x += 14 + Double(name.count) * 13 + 16
        }
        for (index, department) in departments.enumerated() {
            let groupTop = legend + Double(index) * groupHeight
            svg +=
                "<text x=\"0\" y=\"\(fmt(groupTop + Double(series.count) * barHeight / 2 + 4))\">\(escape(department))</text>\n"
            for (offset, (_, values, color)) in series.enumerated() {
                let value = index < values.count ? values[index] : 0
                let y = groupTop + Double(offset) * barHeight
                let length = width * value / top
                svg +=
                    "<rect x=\"\(fmt(left))\" y=\"\(fmt(y))\" width=\"\(fmt(length))\" height=\"\(fmt(barHeight - 2))\" fill=\"\(color)\"/>"
                let label = value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
                svg += "<text x=\"\(fmt(left + length + 4))\" y=\"\(fmt(y + barHeight - 4))\">\(label)</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
