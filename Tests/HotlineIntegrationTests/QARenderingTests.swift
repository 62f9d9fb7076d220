import Foundation
import HotlineProtocol
import HotlineTestSupport
import Testing

/// The report as a head of QA sees it (issue 16): rendered by headless Chromium (Debian's `chromium`, installed by
/// scripts/install-deps.sh; without it this test fails, it never skips), its text read for the labels and for raw
/// field names, every SVG label measured against its box, the page printed to PDF, and a screenshot kept.
///
/// How it measures without a script in the report: the report itself stays script-free; the test writes a copy
/// with one inline measuring script appended before `</body>` and opens that copy with `--dump-dom`. An inline
/// script runs once the document above it is parsed, and asking for a box (getBBox, getBoundingClientRect) makes
/// Chromium lay the page out with the fonts it has, so the widths are the real ones; `--virtual-time-budget` lets
/// the load finish before the DOM is dumped. The script's findings go into a `<pre>` as base64 JSON, which
/// survives the dump's HTML escaping. This needs neither a wrapper page nor frames (which file:// origins would
/// keep apart) nor a DevTools connection.
extension QAReportTests {
    /// Where the screenshots, PDFs and HTML files are kept for people to look at after the run.
    static let renderingArtifacts = "/tmp/hotline-qa-report-artifacts"

    @Test("the report rendered in Chromium, zh and en: labels, no field names, no SVG text out of its box, A4 print")
    func reportRenderedInChromium() throws {
        let chromium = try #require(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            },
            "Chromium is missing: scripts/install-deps.sh installs Debian's chromium package"
        )
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--clock", "manual", "--clock-start", "2026-11-02T09:00:00+08:00",
        ])
        defer { daemon.stop() }
        try Self.playScriptedMonth(on: daemon)
        try Self.writeCalls(database)
        // Long names: a chart row shortens what does not fit its third of the width (the tables have it whole).
        _ = try daemon.ctlJSON(["dept", "add", "ENV", "--name", "市生态环境局（环境投诉与信访处理中心）"])
        _ = try daemon.ctlJSON([
            "dept", "add", "WATER", "--name", "Municipal Water Supply and Drainage Customer Centre",
        ])
        try? FileManager.default.removeItem(atPath: Self.renderingArtifacts)
        try FileManager.default.createDirectory(atPath: Self.renderingArtifacts, withIntermediateDirectories: true)
        print("QA report rendering artifacts (screenshots, PDFs, HTML): \(Self.renderingArtifacts)")

        // A month in Chinese (weekly trend), a quarter in English (monthly trend).
        let cases: [(language: String, period: String, labels: [String])] = [
            (
                "zh", "2026-11",
                [
                    "首问责任制考核报表", "按时转出率", "按时答复率", "满意率", "回访率", "接通率", "名次", "等级", "评级规则",
                    "主要比率走势（按周）", "安装部", "客服部", "物业部", "质检部", "质检部负责人（签字）", "全部热线", "未评级",
                    "平均满意度", "当场答复", "升级总经理", "市生态环境局（环境投诉与信访处理中心）",
                    "漏接回拨与重复来电", "漏接来电", "回拨接通", "重复来电人",
                ]
            ),
            (
                "en", "2026-Q4",
                [
                    "First-inquiry responsibility assessment", "On-time transfer rate", "On-time reply rate",
                    "Satisfaction rate", "Feedback rate", "Answer rate", "Place", "Grade", "Grading rules",
                    "Main rates by month", "安装部", "Head of QA (signature)", "Whole hotline", "not graded",
                    "Mean satisfaction", "Resolved on the spot", "Escalated to GM", "2026-10", "2026-12",
                    "Municipal Water Supply and Drainage Customer Centre",
                    "Missed calls, call-backs and repeat callers", "Missed calls", "Called back", "Repeat callers",
                ]
            ),
        ]
        for (language, period, labels) in cases {
            let name = "report-\(language)-\(period)"
            let report = Self.renderingArtifacts + "/\(name).html"
            let wrote = try daemon.ctl([
                "qa", "report", "--period", period, "--output", report, "--lang", language, "--as", "zhaoliu",
            ])
            try #require(wrote.status == 0, "\(wrote.output)")
            let html = try String(contentsOfFile: report, encoding: .utf8)
            #expect(!html.contains("<script"), "the report itself needs no script")

            let measured = try Self.measure(html, name: name, chromium: chromium)
            let text = measured["text"]?.stringValue ?? ""
            for label in labels { #expect(text.contains(label), "\(language): «\(label)» missing") }
            // Not one JSON field name in what a reader sees.
            let fieldName = try Regex("[a-z]+_[a-z_]+")
            #expect(
                text.firstMatch(of: fieldName) == nil,
                "\(language): field name «\(text.firstMatch(of: fieldName).map { String(text[$0.range]) } ?? "")»"
            )
            #expect((measured["texts"]?.intValue ?? 0) > 40, "\(language): the SVG labels were measured")
            let problems = measured["problems"]?.arrayValue?.compactMap(\.stringValue) ?? ["no measurements"]
            #expect(problems.isEmpty, "\(language): \(problems.joined(separator: "; "))")
            // No satisfaction figure for QA is "—", never 0.
            let satisfaction = measured["satisfaction_labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(satisfaction.contains("—"), "\(language): \(satisfaction)")
            #expect(!satisfaction.contains { $0 == "0" || $0 == "0.00" }, "\(language): \(satisfaction)")
            if language == "zh" {
                #expect(satisfaction.contains("4.00") && satisfaction.contains("5.00") && satisfaction.contains("1.00"))
            }

            // The screenshot, at a 1200-pixel window and the page's full height.
            let height = min(max(measured["height"]?.intValue ?? 2000, 600), 16_000)
            let screenshot = Self.renderingArtifacts + "/\(name).png"
            let shot = try Self.runChromium(
                chromium,
                [
                    "--window-size=1200,\(height)", "--screenshot=\(screenshot)",
                    URL(fileURLWithPath: report).absoluteString,
                ]
            )
            #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
            let png = try #require(FileManager.default.contents(atPath: screenshot), "no screenshot at \(screenshot)")
            #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            print("QA report screenshot (\(language), \(period)): \(screenshot)")

            // Printed: A4 landscape pages (842 × 595 points), the sections on pages of their own.
            let pdf = Self.renderingArtifacts + "/\(name).pdf"
            let printed = try Self.runChromium(
                chromium,
                ["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", URL(fileURLWithPath: report).absoluteString]
            )
            #expect(printed.status == 0, "\(printed.stderr.suffix(2000))")
            let document = try #require(FileManager.default.contents(atPath: pdf), "no PDF at \(pdf)")
            let pdfText = String(decoding: document, as: UTF8.self)
            let boxes = pdfText.matches(of: try Regex("/MediaBox\\s*\\[\\s*0 0 ([0-9.]+) ([0-9.]+)\\s*\\]")).compactMap
            {
                match -> (Double, Double)? in
                guard let width = match.output[1].substring.flatMap({ Double($0) }),
                    let height = match.output[2].substring.flatMap({ Double($0) })
                else { return nil }
                return (width, height)
            }
            #expect(boxes.count >= 4, "\(language): \(boxes.count) pages; the sections break onto pages of their own")
            #expect(
                boxes.allSatisfy { abs($0.0 - 841.9) < 2 && abs($0.1 - 595.3) < 2 },
                "\(language): pages \(boxes.prefix(3)) are not A4 landscape"
            )
        }
    }

    /// Opens a copy of `html` with the measuring script in Chromium and returns the script's findings: the page's
    /// text, its height, the SVG labels counted, and every problem found.
    static func measure(_ html: String, name: String, chromium: String) throws -> JSONValue {
        let script = """
            <script>
            (function () {
              var out = { problems: [], texts: 0, satisfaction_labels: [] };
              out.text = document.body.innerText;
              out.height = Math.ceil(document.documentElement.scrollHeight);
              if (document.documentElement.scrollWidth > window.innerWidth) {
                out.problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > '
                  + window.innerWidth);
              }
              document.querySelectorAll('table').forEach(function (table) {
                if (table.scrollWidth > table.parentElement.clientWidth + 1) {
                  out.problems.push('table ' + table.id + ' is wider than its section');
                }
              });
              document.querySelectorAll('svg').forEach(function (svg, index) {
                var frame = svg.getBoundingClientRect();
                var seen = [];
                svg.querySelectorAll('text').forEach(function (text) {
                  out.texts += 1;
                  var label = (svg.id || 'svg ' + index) + ' «' + text.textContent + '»';
                  if (svg.id === 'svg-satisfaction' && !text.classList.contains('axis')
                      && text.getAttribute('data-box').indexOf('0 ') !== 0) {
                    out.satisfaction_labels.push(text.textContent);
                  }
                  var box = text.getBoundingClientRect();
                  if (box.width <= 0) { out.problems.push(label + ' is not drawn'); }
                  if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5
                      || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5) {
                    out.problems.push(label + ' overflows its SVG');
                  }
                  var band = (text.getAttribute('data-box') || '').split(' ').map(Number);
                  if (band.length !== 2) {
                    out.problems.push(label + ' has no band (data-box)');
                  } else {
                    var own = text.getBBox();
                    if (own.x < band[0] - 0.5 || own.x + own.width > band[1] + 0.5) {
                      out.problems.push(label + ' spans ' + own.x.toFixed(1) + '–' + (own.x + own.width).toFixed(1)
                        + ', outside its band ' + band[0] + '–' + band[1]);
                    }
                  }
                  seen.forEach(function (other) {
                    var o = other.box;
                    if (box.left < o.right - 1 && o.left < box.right - 1 && box.top < o.bottom - 1
                        && o.top < box.bottom - 1) {
                      out.problems.push(label + ' overlaps ' + other.label);
                    }
                  });
                  seen.push({ label: label, box: box });
                });
              });
              var pre = document.createElement('pre');
              pre.id = 'qa-measurements';
              pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(out))));
              document.body.appendChild(pre);
            })();
            </script>
            """
        let instrumented = Self.renderingArtifacts + "/\(name).measured.html"
        try html.replacingOccurrences(of: "</body>", with: script + "\n</body>").write(
            toFile: instrumented,
            atomically: true,
            encoding: .utf8
        )
        let dumped = try runChromium(
            chromium,
            ["--window-size=1200,900", "--dump-dom", URL(fileURLWithPath: instrumented).absoluteString]
        )
        try #require(dumped.status == 0, "chromium --dump-dom: \(dumped.stderr.suffix(2000))")
        let match = try #require(
            dumped.stdout.firstMatch(of: try Regex("<pre id=\"qa-measurements\">([A-Za-z0-9+/=]+)</pre>")),
            "the measuring script left nothing: \(dumped.stdout.suffix(500)) \(dumped.stderr.suffix(1000))"
        )
        let encoded = try #require(match.output[1].substring.map(String.init))
        let json = try #require(Data(base64Encoded: encoded))
        return try JSONValue.parse(Array(json))
    }

    /// Headless Chromium as root needs --no-sandbox; a private profile keeps runs from meeting each other.
    static func runChromium(_ chromium: String, _ arguments: [String]) throws -> ProcessRunner.Result {
        let profile = "/tmp/hl-chromium-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: profile) }
        return try ProcessRunner.run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--user-data-dir=\(profile)", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
            ] + arguments,
            timeout: 120
        )
    }
}
