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
        let broken = results.filter { !$0.1.isOK }
        let json = JSONValue.object([
            ("complaints", .int(Int64(results.count))),
            ("ok", .bool(broken.isEmpty)),
            (
                "broken",
                .array(
                    broken.map { complaint, result in
                        guard case .brokenAt(let sequence, let reason) = result else { return .null }
                        return .object([
                            ("complaint", .string(complaint)),
                            ("hop", .int(Int64(sequence))),
                            ("reason", .string(reason.message.en)),
                        ])
                    }
                )
            ),
        ])
        if !broken.isEmpty {
            let first = broken[0]
            guard case .brokenAt(let sequence, let reason) = first.1 else { return json }
            let more = broken.count > 1 ? broken.count : 0
            throw ControlError(
                code: .refused,
                rule: "R9",
                zh: "R9：投诉 \(first.0) 的签名记录在第 \(sequence) 步（hop \(sequence)）核验不符：\(reason.message.zh)"
                    + (more > 0 ? "（共 \(more) 件投诉不符）" : ""),
                en: "R9: the signed trail of complaint \(first.0) does not verify at hop \(sequence): "
                    + reason.message.en + (more > 0 ? " (\(more) complaints broken)" : ""),
                language: language
            )
        }
        return json
    }
}
