import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// `matter add|edit|show|list|search|import`: the knowledge base for one-time notification (一次性告知, SPEC §12).
/// Admins and supervisors write it; everyone with a staff record reads it.
extension ControlHandler {
    func addMatter(_ matter: Matter, caller: Caller, language: Language) throws -> JSONValue {
        try requireAdminOrSupervisor(caller, for: "matter add", language: language)
        let (login, actingRoot) = Self.signer(caller)
        let now = clock.now()
        let record = try matterStore(language) { connection in
            try MatterStore.add(matter, by: login, actingRoot: actingRoot, at: now, on: connection)
        }
        logger.info("matter added", metadata: ["matter": "\(matter.code)", "by": "\(caller.name)"])
        return matterView(record).json
    }

    func editMatter(_ code: String, _ changes: MatterChanges, caller: Caller, language: Language) throws -> JSONValue {
        try requireAdminOrSupervisor(caller, for: "matter edit", language: language)
        let (login, actingRoot) = Self.signer(caller)
        let now = clock.now()
        let record = try matterStore(language) { connection in
            try MatterStore.edit(code, changes, by: login, actingRoot: actingRoot, at: now, on: connection)
        }
        logger.info(
            "matter edited",
            metadata: ["matter": "\(code)", "version": "\(record.version)", "by": "\(caller.name)"]
        )
        return matterView(record).json
    }

    func showMatter(_ code: String, version: Int?, language: Language) throws -> JSONValue {
        let record = try matterStore(language) { connection in
            try MatterStore.show(code, version: version, on: connection)
        }
        return matterView(record).json
    }

    func listMatters(department: String?, language: Language) throws -> JSONValue {
        let records = try matterStore(language) { connection in
            try MatterStore.list(department: department, on: connection)
        }
        return records.map { record in
            MatterSummary(
                code: record.matter.code,
                version: record.version,
                title: record.matter.title,
                department: record.matter.department,
                keywords: record.matter.keywords,
                score: nil
            )
        }.json
    }

    func searchMatters(_ text: String, limit: Int, language: Language) throws -> JSONValue {
        let hits = try matterStore(language) { connection in
            try MatterStore.search(text, limit: limit, on: connection)
        }
        return hits.map { hit in
            MatterSummary(
                code: hit.code,
                version: hit.version,
                title: hit.title,
                department: hit.department,
                keywords: hit.keywords,
                score: hit.score
            )
        }.json
    }

    func importMatters(file: String, content: String, caller: Caller, language: Language) throws -> JSONValue {
        try requireAdminOrSupervisor(caller, for: "matter import", language: language)
        let rows: [MatterCSV.Row]
        do {
            rows = try MatterCSV.parse(content)
        } catch {
            throw ControlError(code: .invalid, message: MatterStoreError.importFailed(error).text(in: language))
        }
        let (login, actingRoot) = Self.signer(caller)
        let now = clock.now()
        let counts = try matterStore(language) { connection in
            try MatterStore.importRows(rows, by: login, actingRoot: actingRoot, at: now, on: connection)
        }
        logger.info(
            "matters imported",
            metadata: ["file": "\(file)", "added": "\(counts.added)", "updated": "\(counts.updated)"]
        )
        return MatterImportReport(file: file, added: counts.added, updated: counts.updated, unchanged: counts.unchanged)
            .json
    }

    /// The current versions of the matters a `--told` names; an unknown code is "not found" (exit 4), before
    /// anything is written.
    /// Who signs a version: a staff login, or an administrator with no staff record (root, the daemon's user).
    private static func signer(_ caller: Caller) -> (String, Bool) {
        switch caller {
        case .administrator(let name): return (name, false)
        case .staff(let member, let actingFor, _): return (member.login, actingFor != nil)
        }
    }

    /// Runs a knowledge-base operation, turning its errors into the control protocol's.
    private func matterStore<T>(_ language: Language, _ body: (PGConnection) throws -> T) throws -> T {
        try translatingMatterErrors(language) { try database.withConnectionBlocking(body) }
    }

    /// The knowledge base's errors as the control protocol's.
    func translatingMatterErrors<T>(_ language: Language, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MatterStoreError {
            let message = error.text(in: language)
            switch error {
            case .notFound, .versionNotFound, .unknownDepartment, .unknownMatters:
                throw ControlError(code: .notFound, message: message)
            case .alreadyExists: throw ControlError(code: .refused, message: message)
            case .unchanged, .importFailed: throw ControlError(code: .invalid, message: message)
            }
        }
    }

    private func matterView(_ record: MatterRecord) -> MatterView {
        MatterView(
            code: record.matter.code,
            version: record.version,
            currentVersion: record.currentVersion,
            title: record.matter.title,
            department: record.matter.department,
            conditions: record.matter.conditions,
            materials: record.matter.materials,
            fees: record.matter.fees,
            timeLimit: record.matter.timeLimit,
            procedure: record.matter.procedure,
            refusal: record.matter.refusal,
            keywords: record.matter.keywords,
            editedBy: record.editedBy + (record.actingRoot ? " (root)" : ""),
            editedAt: TimeFormatting.rfc3339(record.editedAt, timeZone: timeZone)
        )
    }
}
