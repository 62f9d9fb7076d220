import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore

/// What the QA commands read: the seam between them and the store (issue 14), so that what they do around the SQL
/// — who may ask, which instants a period and its trend steps stand for, how rows are graded — is tested against
/// memory.
protocol QASnapshot {
    func departmentStats(from: Date, to: Date) throws -> [QADepartmentRow]
    func callAnswers(from: Date, to: Date) throws -> [QACallAnswerRow]
    func deskTotals(from: Date, to: Date) throws -> QACountFigures<QADeskFigure>
    func escalations(from: Date?, to: Date?, department: String?, timeZone: TimeZone) throws -> [QAEscalationRow]
}

/// Where QA commands read.
protocol QARecords: Sendable {
    /// Runs `read` in one read-only transaction with one snapshot: an assessment's departments, totals, answer
    /// rates and trend are all of the same moment, even while calls and complaints are being written.
    func inOneSnapshot<T>(_ read: (any QASnapshot) throws -> T) throws -> T
}

/// The QA figures in PostgreSQL.
struct StoredQARecords: QARecords {
    let database: PostgresSession

    func inOneSnapshot<T>(_ read: (any QASnapshot) throws -> T) throws -> T {
        try database.withConnectionBlocking { connection in
            try connection.transaction { connection in
                try connection.command("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return try read(StoredQASnapshot(connection: connection))
            }
        }
    }
}

private struct StoredQASnapshot: QASnapshot {
    let connection: PGConnection

    func departmentStats(from: Date, to: Date) throws -> [QADepartmentRow] {
        try QAQueries.stats(from: from, to: to, on: connection)
    }

    func callAnswers(from: Date, to: Date) throws -> [QACallAnswerRow] {
        try QAQueries.callAnswers(from: from, to: to, on: connection)
    }

    func deskTotals(from: Date, to: Date) throws -> QACountFigures<QADeskFigure> {
        try QAQueries.deskTotals(from: from, to: to, on: connection)
    }

    func escalations(from: Date?, to: Date?, department: String?, timeZone: TimeZone) throws -> [QAEscalationRow] {
        try QAQueries.escalations(from: from, to: to, department: department, timeZone: timeZone, on: connection)
    }
}
