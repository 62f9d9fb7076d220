import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore

/// `audit verify`: recomputes the signed hop chains (R9) and compares the database with the anchor files written
/// outside it (issue 17): this daemon's own, and those sent with `--anchors`. Anything wrong is an R9 refusal
/// naming the first discrepancy, with the whole report attached for `--json`.
extension ControlHandler {
    func verifyAudit(_ id: String?, anchorFiles sent: [AnchorChain.File], language: Language) throws -> JSONValue {
        let own: [AnchorChain.File]
        do {
            own = try anchors.ownFiles()
        } catch {
            throw ControlError(
                code: .unavailable,
                zh: "无法读取锚定文件：\(error)",
                en: "cannot read the anchor files: \(error)",
                language: language
            )
        }
        // A file sent that is one of our own (same name) is read once, from our directory.
        let ownNames = Set(own.map { ($0.name as NSString).lastPathComponent })
        let files = own + sent.filter { !ownNames.contains(($0.name as NSString).lastPathComponent) }
        var located: [AnchorChain.Located] = []
        var breaks: [AnchorChain.Break] = []
        for series in AnchorLog.series(of: files) {
            let read = AnchorChain.read(series)
            located += read.hops
            breaks += read.breaks
        }
        if let id { located = located.filter { $0.hop.complaintID == id } }
        let (results, stored) = try database.withConnectionBlocking { connection in
            (try ComplaintQueries.verify(id, on: connection), try ComplaintQueries.hopHashes(id, on: connection))
        }
        if let id, results.isEmpty, located.isEmpty {
            throw ControlError(
                code: .notFound,
                zh: "没有投诉 \(id)",
                en: "no complaint \(id)",
                language: language
            )
        }
        let broken: [(complaint: String, hop: Int, reason: HopChain.BreakReason)] = results.compactMap {
            complaint,
            result in
            guard case .brokenAt(let sequence, let reason) = result else { return nil }
            return (complaint, sequence, reason)
        }
        let compared = AnchorAudit.compare(anchors: located, breaks: breaks, stored: stored)
        let report = AuditReport(
            complaints: results.count,
            ok: broken.isEmpty && compared.discrepancies.isEmpty,
            broken: broken.map {
                AuditReport.BrokenChain(
                    complaint: $0.complaint,
                    hop: $0.hop,
                    reason: $0.reason.message.text(in: language)
                )
            },
            anchorFiles: files.map(\.name),
            anchoredHops: compared.anchored,
            notAnchoredHops: compared.notAnchored,
            discrepancies: compared.discrepancies.map {
                AuditReport.Discrepancy(
                    kind: $0.kind,
                    complaint: $0.complaint,
                    hop: $0.sequence,
                    file: $0.file,
                    line: $0.line,
                    message: $0.message.text(in: language)
                )
            }
        )
        // A broken chain is a refusal under R9 (exit 3), naming the first complaint and hop that do not match.
        if let first = broken.first {
            let more = broken.count > 1 ? broken.count : 0
            let extra = compared.discrepancies.count
            throw ControlError(
                code: .refused,
                rule: "R9",
                message: LocalizedText(
                    zh:
                        "R9：投诉 \(first.complaint) 的签名记录在第 \(first.hop) 步（hop \(first.hop)）核验不符：\(first.reason.message.zh)"
                        + (more > 0 ? "（共 \(more) 件投诉不符）" : "") + (extra > 0 ? "（另有 \(extra) 处与锚定不符）" : ""),
                    en: "R9: the signed trail of complaint \(first.complaint) does not verify at hop \(first.hop): "
                        + first.reason.message.en + (more > 0 ? " (\(more) complaints broken)" : "")
                        + (extra > 0 ? " (\(extra) discrepancies with the anchors)" : "")
                ).text(in: language),
                details: report.json
            )
        }
        if let first = compared.discrepancies.first {
            let extra = compared.discrepancies.count - 1
            throw ControlError(
                code: .refused,
                rule: "R9",
                message: LocalizedText(
                    zh: first.message.zh + (extra > 0 ? "（另有 \(extra) 处不符）" : ""),
                    en: first.message.en + (extra > 0 ? " (\(extra) more discrepancies)" : "")
                ).text(in: language),
                details: report.json
            )
        }
        return report.json
    }
}

/// `audit seal` and `audit hops` (issue 17).
extension ControlHandler {
    /// The seal of a QA period: the Merkle root of its hops, the period taken in the centre's time zone exactly as
    /// `qa stats` takes it.
    func periodSeal(_ period: ReportingPeriod) throws -> AuditSeal {
        let calendar = complaintRules.calendar
        let from = calendar.instant(on: period.first, minuteOfDay: 0)
        let to = calendar.instant(on: period.end, minuteOfDay: 0)
        let hops = try database.withConnectionBlocking { connection in
            try ComplaintQueries.periodHops(from: from, to: to, on: connection)
        }
        return AuditSeal.of(period: period, hops: hops)
    }

    /// Every stored hop's hash, `{"hops": [{"complaint": "42", "hop": 1, "hash": "…"}, …]}`, for `hotlinectl audit
    /// verify --journal`, which reads the journal with its own user's rights and compares it itself.
    func storedHops(_ id: String?, after: String?, complaints: Int?) throws -> JSONValue {
        let stored = try database.withConnectionBlocking { connection in
            try ComplaintQueries.hopHashes(id, after: after, complaints: complaints, on: connection)
        }
        var hops: [StoredHopHashes.Hop] = []
        for complaint in stored.keys.sorted(by: { (Int64($0) ?? .max, $0) < (Int64($1) ?? .max, $1) }) {
            for (sequence, hash) in (stored[complaint] ?? [:]).sorted(by: { $0.key < $1.key }) {
                hops.append(StoredHopHashes.Hop(complaint: complaint, hop: sequence, hash: Hex.encode(hash)))
            }
        }
        // A full page may have more behind it; a short one is the last.
        let next = complaints.flatMap { limit in stored.count >= limit ? hops.last?.complaint : nil }
        return StoredHopHashes(hops: hops, next: next).json
    }
}

extension AuditSeal {
    /// The seal of `hops`, the hops of `period`.
    static func of(period: ReportingPeriod, hops: [PeriodSeal.Hop]) -> AuditSeal {
        AuditSeal(
            period: period.description,
            from: period.first.description,
            to: period.end.adding(days: -1).description,
            seal: Hex.encode(PeriodSeal.root(hops)),
            hops: hops.count
        )
    }
}
