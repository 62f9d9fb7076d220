import Foundation
import HotlineCore
import HotlineProtocol

/// The assessment report (R14, issue 16) as one self-contained HTML file: no scripts, fonts or images from
/// elsewhere; readable on screen and printed on A4 landscape, in Chinese or English, in the reader's words
/// throughout (never a JSON field name).
///
/// Charts are SVG laid out here, without a script: each label's room is computed from an estimate of its width
/// (``QAReport/textWidth(_:size:)``, on the generous side) and written on the label as `data-box="x0 x1"`, the band
/// it must stay in; the rendering test measures the real widths in Chromium against those bands. Legends are
/// HTML, so they wrap instead of being cut.
enum QAReport {
    /// Series colours, distinguishable in print by their dash patterns too (the trend chart).
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948"]
    static let dashes = ["", "6 3", "2 3", "8 3 2 3", "1 2"]

    static func render(_ view: QAAssessmentView, language: Language, generatedAt: String) -> String {
        let zh = language == .zh
        func t(_ zhText: String, _ enText: String) -> String { zh ? zhText : enText }
        let title = t("首问责任制考核报表", "First-inquiry responsibility assessment")
        var html = """
            <!DOCTYPE html>
            <html lang="\(zh ? "zh-CN" : "en")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · \(escape(view.period))</title>
            <style>
            \(styleSheet)
            </style>
            </head>
            <body>
            <header>
            <h1>\(escape(title))</h1>
            <p class="meta">\(escape(t("考核期间", "Period"))) <strong>\(escape(view.period))</strong>\
            \(escape(t("（\(view.from) 至 \(view.to)）", " (\(view.from) to \(view.to))"))) · \
            \(escape(t("生成时间", "Generated"))) \(escape(readableTime(generatedAt)))</p>
            </header>

            """
        html += summarySection(view, language: language)
        html += assessmentSection(view, language: language)
        html += figuresSection(view, language: language)
        html += callsSection(view, language: language)
        html += deskSection(view, language: language)
        html += trendSection(view, language: language)
        html += chartsSection(view, language: language)
        html += """
            <section class="signature" id="signature">
            <p>\(escape(t("本报表由质检部根据热线系统数据生成，经质检部负责人审核签字后存档。",
                "Produced by the QA department from the hotline's records; filed once reviewed and signed by the head of QA.")))</p>
            \(sealParagraph(view, language: language))
            <div class="sign-lines">
            <div><span>\(escape(t("质检部负责人（签字）", "Head of QA (signature)")))</span><span class="line"></span></div>
            <div><span>\(escape(t("日期", "Date")))</span><span class="line short"></span></div>
            </div>
            </section>
            </body>
            </html>

            """
        return html
    }

    /// The period's seal (issue 17) by the signature line, so that the signed paper names the trail it was
    /// computed from; in groups of eight digits, which `audit verify --seal` reads back with or without spaces.
    static func sealParagraph(_ view: QAAssessmentView, language: Language) -> String {
        guard !view.seal.isEmpty else { return "" }
        let grouped = stride(from: 0, to: view.seal.count, by: 8).map { offset in
            String(view.seal.dropFirst(offset).prefix(8))
        }.joined(separator: " ")
        let check = "hotlinectl audit verify --period \(view.period) --seal \(view.seal)"
        let text =
            language == .zh
            ? "本期签名记录封存值（\(view.sealHops) 步的 SHA-256 Merkle 根）："
            : "Seal of the period's signed trail (SHA-256 Merkle root of \(view.sealHops) hops): "
        let hint = language == .zh ? "核验：" : "To check: "
        return """
            <p class="seal" id="seal">\(escape(text))<code>\(escape(grouped))</code><br>\
            <span class="seal-check">\(escape(hint))<code>\(escape(check))</code></span></p>
            """
    }

    static let styleSheet = """
        :root { color-scheme: light; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
          "WenQuanYi Micro Hei", sans-serif; color: #222; margin: 0 auto; padding: 24px; max-width: 1120px;
          line-height: 1.45; }
        h1 { font-size: 1.6em; margin: 0 0 0.2em; }
        h2 { font-size: 1.2em; margin: 1.6em 0 0.6em; border-bottom: 2px solid #4e79a7; padding-bottom: 0.2em; }
        h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
        .meta, .note { color: #555; font-size: 0.9em; }
        table { border-collapse: collapse; font-size: 0.88em; width: 100%; table-layout: auto; }
        th, td { border: 1px solid #bbb; padding: 0.3em 0.45em; text-align: right; vertical-align: top; }
        th { background: #eef2f7; font-weight: 600; text-align: center; }
        th.dept, td.dept { text-align: left; white-space: nowrap; }
        .code { color: #777; font-size: 0.78em; margin-left: 0.35em; }
        .frac { display: block; color: #666; font-size: 0.8em; }
        .nodata { color: #888; }
        .grade { display: inline-block; min-width: 1.6em; padding: 0 0.3em; border-radius: 3px; font-weight: 700;
          text-align: center; }
        .grade-A { background: #d8ecd3; } .grade-B { background: #dde8f4; } .grade-C { background: #f7ecd0; }
        .grade-D { background: #f6d6d6; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { border: 1px solid #ccd; border-radius: 6px; padding: 8px 14px; min-width: 150px; flex: 1 1 150px; }
        .card .label { font-size: 0.9em; color: #444; }
        .card .value { font-size: 1.6em; font-weight: 700; }
        .rules { font-size: 0.88em; background: #f8f8f8; border: 1px solid #ddd; padding: 0.5em 1em; margin-top: 0.8em; }
        .rules ul { margin: 0.3em 0; padding-left: 1.4em; }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 0.88em; margin: 0.3em 0 0.5em; }
        .legend span { display: inline-flex; align-items: center; gap: 6px; }
        .swatch { display: inline-block; width: 14px; height: 10px; }
        .chart { margin-bottom: 1.2em; }
        svg { display: block; max-width: 100%; height: auto; }
        svg[role=img] { width: 100%; }
        svg text { font-size: 13px; fill: #222; }
        svg text .code { font-size: 10px; fill: #777; }
        svg .axis { font-size: 11px; fill: #555; }
        .signature { margin-top: 2.5em; }
        .seal code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; }
        .seal .seal-check { color: #555; font-size: 0.85em; word-break: break-all; }
        .sign-lines { display: flex; gap: 48px; margin-top: 2.2em; }
        .sign-lines div { display: flex; align-items: flex-end; gap: 8px; }
        .sign-lines .line { display: inline-block; width: 240px; border-bottom: 1px solid #222; height: 1.4em; }
        .sign-lines .line.short { width: 140px; }
        @page { size: A4 landscape; margin: 12mm 12mm 14mm; }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          section.page { break-before: page; }
          h2 { break-after: avoid; }
          table, .chart, .rules, .cards, .signature { break-inside: avoid; }
          .signature { break-before: avoid; }
        }
        """

    // MARK: - Sections

    static func summarySection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        var cards = ""
        for measure in QAMeasure.allCases {
            let ratio = measure == .answer ? view.hotlineCalls : view.totals[measure] ?? QARatio(0, of: 0)
            cards += """
                <div class="card"><div class="label">\(escape(measure.label.text(in: language)))</div>\
                <div class="value">\(escape(ratio.percentText))</div>\
                <div class="frac">\(escape(fraction(ratio, language)))</div></div>

                """
        }
        return """
            <section id="summary">
            <h2>\(escape(zh ? "全热线概况" : "The hotline as a whole"))</h2>
            <div class="cards">
            \(cards)</div>
            <p class="note">\(escape(zh ? "“—”表示该期间没有可计算的件数（分母为零），不是 0%。" : "“—” means there was nothing to count in the period (a zero denominator), not 0%."))</p>
            </section>

            """
    }

    static func assessmentSection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        var rows = ""
        for department in view.departments {
            rows += "<tr><td>\(department.rank.map(String.init) ?? "—")</td>"
            rows += "<td class=\"dept\">\(departmentCell(department))</td>"
            if let grade = department.grade {
                rows +=
                    "<td class=\"dept\"><span class=\"grade grade-\(grade.rawValue)\">\(grade.rawValue)</span> "
                    + "\(escape(grade.label.text(in: language)))</td>"
            } else {
                rows += "<td class=\"dept nodata\">— \(escape(zh ? "未评级" : "not graded"))</td>"
            }
            for measure in QAMeasure.departmental { rows += ratioCell(department.ratio(measure), language) }
            rows += "</tr>\n"
        }
        rows +=
            "<tr><td></td><td class=\"dept\"><strong>\(escape(QALabels.wholeHotline(language)))</strong></td><td></td>"
        for measure in QAMeasure.departmental { rows += ratioCell(view.totals[measure] ?? QARatio(0, of: 0), language) }
        rows += "</tr>\n"
        let headers =
            [QALabels.text("rank", language), QALabels.text("department", language), QALabels.text("grade", language)]
            + QAMeasure.departmental.map { $0.label.text(in: language) }
        var rules = view.grading.rules(in: language).map { "<li>\(escape($0))</li>" }.joined(separator: "\n")
        rules += "\n"
        let colon = zh ? "：" : ": "
        let definitions = QAMeasure.allCases.map {
            "<li>\(escape($0.label.text(in: language)))\(colon)\(escape($0.definition.text(in: language)))</li>"
        }
        .joined(separator: "\n")
        return """
            <section id="assessment">
            <h2>\(escape(zh ? "部门考核：等级与排名" : "Departments: grades and ranking"))</h2>
            <table id="grades">
            <thead><tr>\(headers.enumerated().map { "<th\($0.offset == 1 ? " class=\"dept\"" : "")>\(escape($0.element))</th>" }.joined())</tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            <div class="rules">
            <strong>\(escape(zh ? "评级规则" : "Grading rules"))</strong>
            <ul>
            \(rules)</ul>
            <strong>\(escape(zh ? "比率的计算" : "How the rates are computed"))</strong>
            <ul>
            \(definitions)
            </ul>
            </div>
            </section>

            """
    }

    static func figuresSection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        let handling: [QACount] = [
            .received, .resolvedOnSpot, .transferredOut, .transferredIn, .repliedInTime, .repliedLate, .extensions,
            .redos,
        ]
        let breaches: [QACount] = [
            .transferOverdue, .replyOverdue, .misroutes, .escalationsQA, .escalationsVP, .escalationsGM,
        ]
        let departments = view.departments.sorted { $0.code < $1.code }
        /// The counts, then the mean satisfaction when `withMean`.
        func table(_ id: String, _ columns: [QACount], withMean: Bool) -> String {
            var out =
                "<table id=\"\(id)\">\n<thead><tr><th class=\"dept\">\(escape(QALabels.text("department", language)))</th>"
            for column in columns { out += "<th>\(escape(QALabels.text(column.field, language)))</th>" }
            if withMean { out += "<th>\(escape(QALabels.text("satisfaction_mean", language)))</th>" }
            out += "</tr></thead>\n<tbody>\n"
            for department in departments {
                out += "<tr><td class=\"dept\">\(departmentCell(department))</td>"
                for column in columns { out += "<td>\(department.count(column))</td>" }
                if withMean {
                    out +=
                        department.satisfactionMean.map { "<td>\(String(format: "%.2f", $0))</td>" }
                        ?? "<td class=\"nodata\">—</td>"
                }
                out += "</tr>\n"
            }
            return out + "</tbody>\n</table>\n"
        }
        return """
            <section id="figures" class="page">
            <h2>\(escape(zh ? "各部门办理情况" : "Figures by department"))</h2>
            <h3>\(escape(zh ? "受理与办理" : "Handling"))</h3>
            \(table("figures-handling", handling, withMean: true))<h3>\(escape(zh ? "超时、错转与升级" : "Breaches, misroutes and escalations"))</h3>
            \(table("figures-breaches", breaches, withMean: false))</section>

            """
    }

    static func callsSection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        var rows =
            "<tr><td class=\"dept\"><strong>\(escape(QALabels.wholeHotline(language)))</strong></td>"
            + "<td>\(view.hotlineCalls.denominator)</td><td>\(view.hotlineCalls.numerator)</td>"
            + "<td>\(escape(view.hotlineCalls.percentText))</td></tr>\n"
        for queue in view.queues {
            rows +=
                "<tr><td class=\"dept\">\(escape(QALabels.queue(queue.name, language)))</td>"
                + "<td>\(queue.answered.denominator)</td><td>\(queue.answered.numerator)</td>"
                + "<td>\(escape(queue.answered.percentText))</td></tr>\n"
        }
        let headers = ["queue", "offered", "answered", "answer_rate"].map { QALabels.text($0, language) }
        return """
            <section id="calls">
            <h2>\(escape(zh ? "来电接通率" : "Calls answered"))</h2>
            <table id="calls-table">
            <thead><tr>\(headers.enumerated().map { "<th\($0.offset == 0 ? " class=\"dept\"" : "")>\(escape($0.element))</th>" }.joined())</tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            <p class="note">\(escape(QAMeasure.answer.label.text(in: language)))\(zh ? "：" : ": ")\(escape(QAMeasure.answer.definition.text(in: language)))</p>
            </section>

            """
    }

    /// The operator's desk (SPEC §12): missed calls, those called back and repeat callers by department, and the
    /// whole hotline's (not the departments' sum: see ``QADeskFigure``).
    static func deskSection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        var rows = ""
        for department in view.departments.sorted(by: { $0.code < $1.code }) {
            rows += "<tr><td class=\"dept\">\(departmentCell(department))</td>"
            for figure in QADeskFigure.allCases { rows += "<td>\(department.count(figure))</td>" }
            rows += "</tr>\n"
        }
        rows += "<tr><td class=\"dept\"><strong>\(escape(QALabels.wholeHotline(language)))</strong></td>"
        for figure in QADeskFigure.allCases { rows += "<td>\(view.deskTotals[figure] ?? 0)</td>" }
        rows += "</tr>\n"
        let headers =
            [QALabels.text("department", language)] + QADeskFigure.allCases.map { $0.label.text(in: language) }
        let colon = zh ? "：" : ": "
        let definitions = QADeskFigure.allCases.map {
            "<li>\(escape($0.label.text(in: language)))\(colon)\(escape($0.definition.text(in: language)))</li>"
        }
        .joined(separator: "\n")
        return """
            <section id="desk">
            <h2>\(escape(zh ? "漏接回拨与重复来电" : "Missed calls, call-backs and repeat callers"))</h2>
            <table id="desk-table">
            <thead><tr>\(headers.enumerated().map { "<th\($0.offset == 0 ? " class=\"dept\"" : "")>\(escape($0.element))</th>" }.joined())</tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            <ul class="note">
            \(definitions)
            </ul>
            </section>

            """
    }

    static func trendSection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        let weekly = view.period.contains("Q") == false
        let measures = QAMeasure.allCases
        let title =
            weekly
            ? (zh ? "主要比率走势（按周）" : "Main rates by week") : (zh ? "主要比率走势（按月）" : "Main rates by month")
        var legend = ""
        for (index, measure) in measures.enumerated() {
            let dash = dashes[index % dashes.count]
            legend +=
                "<span><svg width=\"34\" height=\"16\" aria-hidden=\"true\"><line x1=\"0\" y1=\"8\" x2=\"34\" y2=\"8\" "
                + "stroke=\"\(palette[index % palette.count])\" stroke-width=\"2.5\""
                + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
                + marker(index, x: 17, y: 8, color: palette[index % palette.count], title: "") + "</svg>"
                + "\(escape(measure.label.text(in: language)))</span>"
        }
        var table = "<table id=\"trend-table\">\n<thead><tr><th class=\"dept\">\(escape(zh ? "比率" : "Rate"))</th>"
        for step in view.trend { table += "<th>\(escape(step.label))</th>" }
        table += "</tr></thead>\n<tbody>\n"
        for measure in measures {
            table += "<tr><td class=\"dept\">\(escape(measure.label.text(in: language)))</td>"
            for step in view.trend { table += ratioCell(step.ratios[measure] ?? QARatio(0, of: 0), language) }
            table += "</tr>\n"
        }
        table += "</tbody>\n</table>\n"
        return """
            <section id="trend" class="page">
            <h2>\(escape(title))</h2>
            <div class="legend">\(legend)</div>
            <div class="chart">\(trendChart(view, measures: measures, language: language))</div>
            \(table)<p class="note">\(escape(zh ? "全热线合计；没有可计算件数的期间不画点，表中为“—”。" : "The whole hotline; a step with nothing to count has no point, and \"—\" in the table."))</p>
            </section>

            """
    }

    static func chartsSection(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        let departments = view.departments.sorted { $0.code < $1.code }
        let labels = departments.map { ($0.name, $0.code) }
        func counts(_ count: QACount) -> [Double?] { departments.map { Double($0.count(count)) } }
        var html = """
            <section id="charts" class="page">
            <h2>\(escape(zh ? "图表" : "Charts"))</h2>

            """
        let rateSeries = QAMeasure.departmental.enumerated().map { index, measure in
            BarSeries(
                name: measure.label.text(in: language),
                color: palette[index],
                values: departments.map { $0.ratio(measure).value },
                texts: departments.map { department in
                    let ratio = department.ratio(measure)
                    return ratio.denominator == 0
                        ? "—" : "\(ratio.percentText) (\(ratio.numerator)/\(ratio.denominator))"
                }
            )
        }
        html += chart(
            id: "rates",
            title: zh ? "各部门比率" : "Rates by department",
            labels: labels,
            series: rateSeries,
            scale: .percent
        )
        let levels: [(QACount, String)] = [
            (.escalationsQA, "#4e79a7"), (.escalationsVP, "#f28e2b"), (.escalationsGM, "#e15759"),
        ]
        html += chart(
            id: "escalations",
            title: zh ? "升级（按级别）" : "Escalations by level",
            labels: labels,
            series: levels.map {
                BarSeries(count: QALabels.text($0.0.field, language), color: $0.1, values: counts($0.0))
            },
            scale: .count
        )
        html += chart(
            id: "overdue",
            title: zh ? "超时转交与超时答复" : "Overdue transfers and replies",
            labels: labels,
            series: [(QACount.transferOverdue, "#76b7b2"), (QACount.replyOverdue, "#edc948")].map {
                BarSeries(count: QALabels.text($0.0.field, language), color: $0.1, values: counts($0.0))
            },
            scale: .count
        )
        html += chart(
            id: "misroutes",
            title: zh ? "错转" : "Misroutes",
            labels: labels,
            series: [
                BarSeries(
                    count: QALabels.text(QACount.misroutes.field, language),
                    color: "#b07aa1",
                    values: counts(.misroutes)
                )
            ],
            scale: .count
        )
        let means = departments.map(\.satisfactionMean)
        html += chart(
            id: "satisfaction",
            title: zh ? "平均满意度（1–5 分）" : "Mean satisfaction (1–5)",
            labels: labels,
            series: [
                BarSeries(
                    name: QALabels.text("satisfaction_mean", language),
                    color: "#59a14f",
                    values: means,
                    texts: means.map { $0.map { String(format: "%.2f", $0) } ?? "—" }
                )
            ],
            scale: .fixed(5)
        )
        return html + "</section>\n"
    }

    // MARK: - Cells

    static func departmentCell(_ department: QAAssessmentView.Department) -> String {
        guard department.name != department.code else { return escape(department.code) }
        return "\(escape(department.name))<span class=\"code\">\(escape(department.code))</span>"
    }

    static func fraction(_ ratio: QARatio, _ language: Language) -> String {
        guard ratio.denominator > 0 else { return language == .zh ? "无数据" : "no data" }
        return "\(ratio.numerator) / \(ratio.denominator)"
    }

    static func ratioCell(_ ratio: QARatio, _ language: Language) -> String {
        guard ratio.denominator > 0 else {
            return "<td class=\"nodata\">—<span class=\"frac\">\(escape(fraction(ratio, language)))</span></td>"
        }
        return "<td>\(escape(ratio.percentText))<span class=\"frac\">\(escape(fraction(ratio, language)))</span></td>"
    }

    // MARK: - Charts

    struct BarSeries {
        var name: String
        var color: String
        /// Nil: no data, drawn as no bar and "—".
        var values: [Double?]
        var texts: [String]

        init(name: String, color: String, values: [Double?], texts: [String]) {
            self.name = name
            self.color = color
            self.values = values
            self.texts = texts
        }

        init(count name: String, color: String, values: [Double?]) {
            self.init(
                name: name,
                color: color,
                values: values,
                texts: values.map { $0.map { String(Int($0)) } ?? "—" }
            )
        }
    }

    enum Scale {
        /// 0…1 shown as 0 %…100 %.
        case percent
        /// 0 to the largest value (at least 1).
        case count
        case fixed(Double)
    }

    /// A titled chart: the HTML legend (when there is more than one series) and the SVG.
    static func chart(id: String, title: String, labels: [(String, String)], series: [BarSeries], scale: Scale)
        -> String
    {
        var html = "<div class=\"chart\" id=\"chart-\(id)\">\n<h3>\(escape(title))</h3>\n"
        if series.count > 1 {
            html += "<div class=\"legend\">"
            for item in series {
                html +=
                    "<span><i class=\"swatch\" style=\"background:\(item.color)\"></i>\(escape(item.name))</span>"
            }
            html += "</div>\n"
        }
        return html + barChart(id: id, labels: labels, series: series, scale: scale) + "</div>\n"
    }

    /// Horizontal grouped bars: one group per department (name, code in small type), one bar per series, each with
    /// its value after it, or "—" and no bar when there is no figure.
    static func barChart(id: String, labels: [(String, String)], series: [BarSeries], scale: Scale) -> String {
        let width = 960.0
        let barHeight = 16.0
        let barGap = 3.0
        let groupGap = 12.0
        let axisHeight = 22.0
        let labelSize = 13.0
        let codeSize = 10.0
        // The names' room: as wide as the widest name, but at most a third of the chart (longer names are
        // shortened, see fitted).
        let codeRoom = (labels.map { textWidth($0.1, size: codeSize) }.max() ?? 0) + 5
        let nameRoom = min(labels.map { textWidth($0.0, size: labelSize) }.max() ?? 40, width / 3 - codeRoom - 14)
        let labelWidth = nameRoom + codeRoom + 14
        let valueWidth = (series.flatMap(\.texts).map { textWidth($0, size: labelSize) }.max() ?? 20) + 12
        let plotLeft = labelWidth
        let plotWidth = width - labelWidth - valueWidth
        let top: Double
        switch scale {
        case .percent: top = 1
        case .fixed(let value): top = value
        case .count:
            // A whole number of whole tick steps, so the last grid line is the end of the scale.
            let largest = max(1, series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
            let step = (largest / 4).rounded(.up)
            top = step * (largest / step).rounded(.up)
        }
        let groupHeight = Double(series.count) * (barHeight + barGap) - barGap + groupGap
        let height = axisHeight + Double(labels.count) * groupHeight + 4
        var svg =
            "<svg id=\"svg-\(id)\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" "
            + "width=\"\(fmt(width))\" height=\"\(fmt(height))\" role=\"img\">\n"
        // Grid and ticks, labelled at the top: quarters of 100 %, whole scores, whole counts (at most five steps).
        let tickStep: Double
        switch scale {
        case .percent: tickStep = 0.25
        case .fixed: tickStep = 1
        case .count: tickStep = (top / 4).rounded(.up)
        }
        for value in stride(from: 0.0, through: top + 1e-9, by: tickStep) {
            let x = plotLeft + plotWidth * value / top
            let text: String
            switch scale {
            case .percent: text = "\(Int((value * 100).rounded()))%"
            case .fixed, .count: text = String(Int(value.rounded()))
            }
            let half = textWidth(text, size: 11) / 2 + 2
            svg +=
                "<line x1=\"\(fmt(x))\" y1=\"\(fmt(axisHeight - 4))\" x2=\"\(fmt(x))\" y2=\"\(fmt(height - 2))\" "
                + "stroke=\"#ddd\"/>"
            svg +=
                "<text class=\"axis\" x=\"\(fmt(x))\" y=\"13\" text-anchor=\"middle\" "
                + "data-box=\"\(fmt(x - half)) \(fmt(x + half))\">\(escape(text))</text>\n"
        }
        for (index, label) in labels.enumerated() {
            let groupTop = axisHeight + Double(index) * groupHeight
            let middle = groupTop + (groupHeight - groupGap) / 2
            svg +=
                "<text x=\"0\" y=\"\(fmt(middle + 4.5))\" data-box=\"0 \(fmt(labelWidth - 6))\">"
                + "<title>\(escape(label.0)) \(escape(label.1))</title>"
                + "\(escape(fitted(label.0, room: nameRoom, size: labelSize)))"
                + "<tspan class=\"code\" dx=\"5\">\(escape(label.1))</tspan></text>\n"
            for (offset, item) in series.enumerated() {
                let y = groupTop + Double(offset) * (barHeight + barGap)
                let value = index < item.values.count ? item.values[index] : nil
                let text = index < item.texts.count ? item.texts[index] : "—"
                var end = plotLeft
                if let value {
                    let length = plotWidth * min(max(value, 0), top) / top
                    svg +=
                        "<rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(y))\" width=\"\(fmt(length))\" "
                        + "height=\"\(fmt(barHeight))\" fill=\"\(item.color)\"><title>\(escape(item.name))</title></rect>"
                    end += length
                }
                svg +=
                    "<text x=\"\(fmt(end + 5))\" y=\"\(fmt(y + barHeight - 3.5))\" "
                    + "data-box=\"\(fmt(plotLeft)) \(fmt(width))\"\(value == nil ? " class=\"nodata\"" : "")>"
                    + "\(escape(text))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// The trend: one line per rate over the steps of the period (0 %–100 %), a gap where a step has no figure.
    static func trendChart(_ view: QAAssessmentView, measures: [QAMeasure], language: Language) -> String {
        let width = 960.0
        let height = 300.0
        let left = textWidth("100%", size: 11) + 14
        let right = 24.0
        let top = 14.0
        let bottom = 34.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let steps = view.trend
        let slot = plotWidth / Double(max(steps.count, 1))
        func x(_ index: Int) -> Double { left + slot * (Double(index) + 0.5) }
        func y(_ share: Double) -> Double { top + plotHeight * (1 - share) }
        var svg =
            "<svg id=\"svg-trend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" "
            + "width=\"\(fmt(width))\" height=\"\(fmt(height))\" role=\"img\">\n"
        for step in 0...4 {
            let share = Double(step) / 4
            svg +=
                "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(share)))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(y(share)))\" "
                + "stroke=\"#ddd\"/>"
            svg +=
                "<text class=\"axis\" x=\"\(fmt(left - 6))\" y=\"\(fmt(y(share) + 4))\" text-anchor=\"end\" "
                + "data-box=\"0 \(fmt(left - 4))\">\(Int(share * 100))%</text>\n"
        }
        for (index, step) in steps.enumerated() {
            let half = slot / 2 - 2
            svg +=
                "<text class=\"axis\" x=\"\(fmt(x(index)))\" y=\"\(fmt(height - 12))\" text-anchor=\"middle\" "
                + "data-box=\"\(fmt(x(index) - half)) \(fmt(x(index) + half))\">\(escape(step.label))</text>\n"
        }
        for (series, measure) in measures.enumerated() {
            let color = palette[series % palette.count]
            let dash = dashes[series % dashes.count]
            // Runs of consecutive steps with a figure: a step without one breaks the line.
            var runs: [[(Double, Double)]] = [[]]
            for (index, step) in steps.enumerated() {
                if let share = step.ratios[measure]?.value {
                    runs[runs.count - 1].append((x(index), y(share)))
                } else if !(runs.last?.isEmpty ?? true) {
                    runs.append([])
                }
            }
            for run in runs where !run.isEmpty {
                if run.count > 1 {
                    let points = run.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
                    svg +=
                        "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\""
                        + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>\n"
                }
                for point in run {
                    svg += marker(series, x: point.0, y: point.1, color: color, title: measure.label.text(in: language))
                }
            }
        }
        return svg + "</svg>\n"
    }

    /// A point of the trend: a different shape per series, so rates of the same value stay visible on top of
    /// each other and tell apart on a black-and-white print.
    static func marker(_ series: Int, x: Double, y: Double, color: String, title: String) -> String {
        let tip = title.isEmpty ? "" : "<title>\(escape(title))</title>"
        switch series % 5 {
        case 0:
            return "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"7\" fill=\"none\" stroke=\"\(color)\" "
                + "stroke-width=\"2\">\(tip)</circle>\n"
        case 1:
            return "<rect x=\"\(fmt(x - 4.5))\" y=\"\(fmt(y - 4.5))\" width=\"9\" height=\"9\" fill=\"\(color)\">"
                + "\(tip)</rect>\n"
        case 2:
            return
                "<path d=\"M\(fmt(x)) \(fmt(y - 5.5))L\(fmt(x + 5.5)) \(fmt(y + 4))L\(fmt(x - 5.5)) \(fmt(y + 4))Z\" "
                + "fill=\"\(color)\">\(tip)</path>\n"
        case 3:
            return
                "<path d=\"M\(fmt(x)) \(fmt(y - 4))L\(fmt(x + 4)) \(fmt(y))L\(fmt(x)) \(fmt(y + 4))L\(fmt(x - 4)) \(fmt(y))Z\" "
                + "fill=\"\(color)\">\(tip)</path>\n"
        default:
            return "<path d=\"M\(fmt(x - 4)) \(fmt(y - 4))L\(fmt(x + 4)) \(fmt(y + 4))M\(fmt(x + 4)) \(fmt(y - 4))"
                + "L\(fmt(x - 4)) \(fmt(y + 4))\" stroke=\"\(color)\" stroke-width=\"2.5\">\(tip)</path>\n"
        }
    }

    /// A generous estimate of a text's width at a font size: CJK and other wide characters a full em, Latin
    /// letters and digits 0.64 em (wider than the average of common sans-serif fonts), spaces 0.33 em.
    static func textWidth(_ text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0.0) { width, scalar in
            let value = scalar.value
            let em: Double
            if value == 0x20 {
                em = 0.33
            } else if value < 0x2000 {
                em = 0.64
            } else {
                em = 1.0
            }
            return width + em * size
        }
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// "2026-11-05T10:02:00+08:00" as "2026-11-05 10:02 (UTC+08:00)": a reader's time, its zone kept.
    static func readableTime(_ rfc3339: String) -> String {
        guard rfc3339.count >= 25, rfc3339.dropFirst(10).first == "T" else { return rfc3339 }
        return "\(rfc3339.prefix(10)) \(rfc3339.dropFirst(11).prefix(5)) (UTC\(rfc3339.suffix(6)))"
    }

    /// The label of a chart row: the name, shortened with "…" when it would take more than `room` (the tables
    /// above have it whole), and the code.
    static func fitted(_ name: String, room: Double, size: Double) -> String {
        guard textWidth(name, size: size) > room else { return name }
        var kept = ""
        for character in name {
            guard textWidth(kept + String(character) + "…", size: size) <= room else { break }
            kept.append(character)
        }
        return kept + "…"
    }

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
