import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl.Audit {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Recompute the hop chains of one complaint, or of all, and compare them with the anchors; or check a seal.",
            discussion: """
                The daemon reads its own anchor files (STATE_DIR/audit/anchors-HOST-INSTANCE-YYYY-MM.log); \
                --anchors adds others, such as a second daemon's (give every month of a daemon, oldest first \
                or not: they are put in order by name). Reports hops missing from the database, hashes that \
                differ from the anchored ones and anchor files whose own chain is broken; hops written before \
                anchoring existed are counted as not anchored. Exit status 3 names the first discrepancy; \
                --json lists them all. Example: hotlinectl audit verify --anchors /srv/b/anchors-*.log

                --journal also compares the database with the hop entries hotlined wrote to the systemd journal \
                (HOTLINE_HOP_HASH, COMPLAINT_ID, HOP_SEQ, from SYSLOG_IDENTIFIER=hotlined): hotlinectl reads the \
                journal itself, with your rights. Reading the system journal needs root or membership of the \
                systemd-journal or adm group; finding no journal file at all is an error (exit 2), never a pass. \
                --journal-directory DIR and --journal-file FILE read copied or archived journals instead (as \
                journalctl -D and --file do); --journal-unit and --journal-match narrow the entries to one daemon, \
                for example --journal-unit hotlined.service or --journal-match _HOSTNAME=pbx1. Example: \
                sudo hotlinectl audit verify --journal --journal-unit hotlined.service

                --seal HEX --period P checks a seal printed in a QA report (hotlinectl audit seal): exit 3 when \
                the hops of the period no longer give it. Only the seal is checked then. Example: \
                hotlinectl audit verify --period 2026-Q4 --seal 3f0a…
                """
        )
        @Argument(help: "Complaint id (default: all).") var id: String?
        @Option(parsing: .upToNextOption, help: "More anchor files to check against.") var anchors: [String] = []
        @Flag(help: "Also check against the hop entries in the systemd journal.") var journal = false
        @Option(help: "Read the journal files in this directory (implies --journal).") var journalDirectory: String?
        @Option(parsing: .upToNextOption, help: "Read these journal files (implies --journal).") var journalFile:
            [String] = []
        @Option(help: "Only journal entries of this systemd unit (_SYSTEMD_UNIT).") var journalUnit: String?
        @Option(help: "Only journal entries with FIELD=VALUE (repeatable; as journalctl's matches).")
        var journalMatch: [String] = []
        @Option(help: "A seal to check (64 hexadecimal digits, spaces allowed), with --period.") var seal: String?
        @Option(help: "The month (2026-11) or quarter (2026-Q4) of --seal.") var period: String?
        @OptionGroup var global: GlobalOptions

        var journalSource: JournalReader.Source? {
            if let journalDirectory { return .directory(journalDirectory) }
            if !journalFile.isEmpty { return .files(journalFile) }
            return journal || journalUnit != nil || !journalMatch.isEmpty ? .local : nil
        }

        func validate() throws {
            if seal != nil || period != nil {
                guard seal != nil, period != nil else {
                    throw global.usageError(
                        zh: "--seal 与 --period 须同时给出",
                        en: "--seal and --period go together"
                    )
                }
                guard id == nil, anchors.isEmpty, journalSource == nil else {
                    throw global.usageError(
                        zh: "--seal 只核验封存值，不能与投诉编号、--anchors 或 --journal 同用",
                        en: "--seal checks the seal only; it does not take a complaint id, --anchors or --journal"
                    )
                }
            }
            for match in journalMatch where !match.contains("=") || match.hasPrefix("=") {
                throw global.usageError(
                    zh: "--journal-match 应为 FIELD=VALUE，而不是 \(match)",
                    en: "--journal-match must be FIELD=VALUE, not \(match)"
                )
            }
        }

        func run() throws {
            if let seal, let period { return try checkSeal(seal, period: period) }
            var files: [AnchorChain.File] = []
            for path in anchors {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw global.failure(status: 2, zh: "无法读取 \(path)", en: "cannot read \(path)")
                }
                files.append(AnchorChain.File(name: path, text: String(decoding: data, as: UTF8.self)))
            }
            // The journal first: every hop it names had committed before the database is read below.
            let journalAnchors = try journalSource.map(readJournal)
            let result: JSONValue
            var refusal: CLIFailure?
            do {
                result = try global.send(.auditVerify(id: id, anchors: files))
            } catch let failure as CLIFailure {
                // The refusal carries the whole report: --json prints it, the message names the first.
                guard let details = failure.error?.details else { throw failure }
                guard journalAnchors != nil else {
                    if global.json { print(details.serialized(pretty: true)) }
                    throw failure
                }
                result = details
                refusal = failure
            }
            guard let journalAnchors else {
                return try global.emit(result, as: AuditReport.self) { summary($0) }
            }
            var report = try AuditReport(json: result)
            let stored = try storedHops()
            let compared = AnchorAudit.compare(
                anchors: journalAnchors.hops.filter { id == nil || $0.hop.complaintID == id },
                breaks: journalAnchors.breaks,
                stored: stored
            )
            report.journal = AuditReport.JournalCheck(
                source: journalAnchors.source,
                entries: journalAnchors.hops.count + journalAnchors.breaks.count,
                anchoredHops: compared.anchored,
                notAnchoredHops: compared.notAnchored
            )
            report.discrepancies += compared.discrepancies.map { discrepancy in
                AuditReport.Discrepancy(
                    kind: discrepancy.kind,
                    complaint: discrepancy.complaint,
                    hop: discrepancy.sequence,
                    file: discrepancy.file,
                    line: discrepancy.line,
                    message: discrepancy.message.text(in: global.language)
                )
            }
            report.ok = report.ok && compared.discrepancies.isEmpty
            if let refusal {
                if global.json { print(report.json.serialized(pretty: true)) }
                throw refusal
            }
            if let first = compared.discrepancies.first {
                if global.json { print(report.json.serialized(pretty: true)) }
                let extra = compared.discrepancies.count - 1
                throw CLIFailure(
                    error: ControlError(
                        code: .refused,
                        rule: "R9",
                        message: LocalizedText(
                            zh: first.message.zh + (extra > 0 ? "（另有 \(extra) 处不符）" : ""),
                            en: first.message.en + (extra > 0 ? " (\(extra) more discrepancies)" : "")
                        ).text(in: global.language)
                    )
                )
            }
            try global.emit(report.json, as: AuditReport.self) { summary($0) }
        }

        private func summary(_ report: AuditReport) -> String {
            let zh = global.language == .zh
            var text =
                zh
                ? "已核验 \(report.complaints) 件投诉的签名记录，全部一致"
                : "verified the signed trail of \(report.complaints) complaint(s): all intact"
            if report.notAnchoredHops > 0 {
                text +=
                    zh
                    ? "（\(report.notAnchoredHops) 步未锚定）" : " (\(report.notAnchoredHops) hop(s) not anchored)"
            }
            if let journal = report.journal {
                text +=
                    zh
                    ? "；日志 \(journal.source)：\(journal.entries) 条锚定记录，\(journal.anchoredHops) 步一致，"
                        + "\(journal.notAnchoredHops) 步日志中没有"
                    : "; \(journal.source): \(journal.entries) anchor entries, \(journal.anchoredHops) hop(s) "
                        + "agree, \(journal.notAnchoredHops) hop(s) not in the journal"
            }
            return text
        }

        /// The hop entries of the journal, with the rights of the user running hotlinectl.
        private func readJournal(_ source: JournalReader.Source) throws -> (
            source: String, hops: [AnchorChain.Located], breaks: [AnchorChain.Break]
        ) {
            let entries: [[String: String]]
            do {
                let reader = try JournalReader(source)
                guard try reader.usage() > 0 else {
                    throw global.failure(
                        status: 2,
                        zh: "没有可读的日志文件（\(source.name)）：系统日志须以 root 或 systemd-journal、adm 组成员身份读取",
                        en: "no journal file could be read (\(source.name)): the system journal needs root or "
                            + "membership of the systemd-journal or adm group"
                    )
                }
                try reader.match("SYSLOG_IDENTIFIER=hotlined")
                if let journalUnit { try reader.match("_SYSTEMD_UNIT=\(journalUnit)") }
                for match in journalMatch { try reader.match(match) }
                entries = try reader.entries(
                    fields: [JournalAnchors.hashField, JournalAnchors.complaintField, JournalAnchors.sequenceField]
                )
            } catch let error as JournalReadError {
                throw global.failure(
                    status: 2,
                    zh: "无法读取日志（\(source.name)）：\(error)",
                    en: "cannot read the journal (\(source.name)): \(error)"
                )
            }
            let read = JournalAnchors.read(entries, source: source.name)
            return (source.name, read.hops, read.breaks)
        }

        /// Every stored hop's hash, from the daemon, a page of complaints at a time.
        private func storedHops() throws -> [String: [Int: [UInt8]]] {
            var stored: [String: [Int: [UInt8]]] = [:]
            var after: String?
            repeat {
                let answer = try StoredHopHashes(
                    json: try global.send(.auditHops(id: id, after: after, complaints: Self.hopsPage))
                )
                for hop in answer.hops {
                    // A hash that is not hex stays in as no bytes: it then differs from the journal's, as it should.
                    stored[hop.complaint, default: [:]][hop.hop] = Hex.decode(hop.hash) ?? []
                }
                after = answer.next
            } while after != nil
            return stored
        }

        /// Complaints per `audit.hops` page: a few megabytes of answer at a centre's four hops a complaint.
        static let hopsPage = 10_000

        private func checkSeal(_ text: String, period: String) throws {
            guard let expected = PeriodSeal.parse(text) else {
                throw global.usageError(
                    zh: "--seal 应为 64 位十六进制数字（可含空格）",
                    en: "--seal must be 64 hexadecimal digits (spaces allowed)"
                )
            }
            let result = try global.send(.auditSeal(period: try global.period(period)))
            let seal = try AuditSeal(json: result)
            let wanted = Hex.encode(expected)
            let report = JSONValue.object([
                ("period", .string(seal.period)), ("ok", .bool(seal.seal == wanted)), ("expected", .string(wanted)),
                ("seal", .string(seal.seal)), ("hops", .int(Int64(seal.hops))),
            ])
            guard seal.seal == wanted else {
                if global.json { print(report.serialized(pretty: true)) }
                throw CLIFailure(
                    error: ControlError(
                        code: .refused,
                        rule: "R9",
                        message: LocalizedText(
                            zh: "R9：\(seal.period) 的封存值现为 \(seal.seal)（\(seal.hops) 步），不是 \(wanted)："
                                + "该期间的签名记录此后有步被改动、增加或删除",
                            en: "R9: the seal of \(seal.period) is now \(seal.seal) (\(seal.hops) hops), not "
                                + "\(wanted): a hop of the period was changed, added or removed since"
                        ).text(in: global.language)
                    )
                )
            }
            global.emit(report) { _ in
                global.language == .zh
                    ? "\(seal.period) 的封存值一致：\(seal.seal)（\(seal.hops) 步）"
                    : "the seal of \(seal.period) matches: \(seal.seal) (\(seal.hops) hops)"
            }
        }
    }

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the seal of a month or a quarter: the Merkle root of the period's hops.",
            discussion: """
                The seal is the SHA-256 Merkle root (RFC 6962's tree) of the hashes of every hop whose time falls \
                in the period — taken in the centre's time zone, as qa stats takes it — in the order of complaint \
                id, then hop. qa report prints it by the signature line and qa stats --format json gives it as \
                `seal`; changing, adding or removing any hop of the period changes it. A period without hops has \
                the seal of the empty tree, e3b0c442…b855. Check a printed one with audit verify --seal.

                Example: hotlinectl audit seal --period 2026-Q4
                """
        )
        @Option(help: "A month (2026-11) or a quarter (2026-Q4).") var period: String
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard ReportingPeriod(parsing: period) != nil else {
                throw global.usageError(
                    zh: "--period 应为月份（2026-11）或季度（2026-Q4）",
                    en: "--period must be a month (2026-11) or a quarter (2026-Q4)"
                )
            }
        }

        func run() throws {
            let result = try global.send(.auditSeal(period: try global.period(period)))
            try global.emit(result, as: AuditSeal.self) { seal in
                global.language == .zh
                    ? "\(seal.period)（\(seal.from) 至 \(seal.to)）封存值 \(seal.seal)（\(seal.hops) 步）"
                    : "\(seal.period) (\(seal.from) to \(seal.to)) seal \(seal.seal) (\(seal.hops) hops)"
            }
        }
    }
}
