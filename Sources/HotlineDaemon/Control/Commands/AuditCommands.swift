import HotlineCore
import HotlineProtocol
import HotlineStore

/// `audit verify`: recomputes the signed hop chains (R9) and names the first hop that does not match.
extension ControlHandler {
    func verifyAudit(_ id: String?, language: Language) throws -> JSONValue {
        let results = try database.withConnectionBlocking { connection in
            try ComplaintQueries.verify(id, on: connection)
        }
        if let id, results.isEmpty {
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
        // A broken chain is a refusal under R9 (exit 3), naming the first complaint and hop that do not match.
        if let first = broken.first {
            let more = broken.count > 1 ? broken.count : 0
            throw ControlError(
                code: .refused,
                rule: "R9",
                zh: "R9：投诉 \(first.complaint) 的签名记录在第 \(first.hop) 步（hop \(first.hop)）核验不符：\(first.reason.message.zh)"
                    + (more > 0 ? "（共 \(more) 件投诉不符）" : ""),
                en: "R9: the signed trail of complaint \(first.complaint) does not verify at hop \(first.hop): "
                    + first.reason.message.en + (more > 0 ? " (\(more) complaints broken)" : ""),
                language: language
            )
        }
        return AuditReport(complaints: results.count, ok: true, broken: []).json
    }
}
