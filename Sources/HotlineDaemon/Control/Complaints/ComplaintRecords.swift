import Foundation
import HotlineCore
import HotlineStore

/// What one complaint command reads and writes inside its transaction: the seam between the complaint commands
/// and the store (issue 14), so that what the commands do around the rules — who may act, what is looked up before
/// anything is written, what follows a commit and what a refusal leaves undone — is tested against memory.
protocol ComplaintTransaction {
    func staff(login: String) throws -> StaffMember?
    /// The department flagged as the coordination office, if any.
    func coordinationDepartment() throws -> String?
    /// The current versions of the knowledge-base matters with these codes (R16's `--told`).
    func matterReferences(_ codes: [String]) throws -> [MatterReference]
    func file(_ filing: ComplaintFiling, by actor: ActingStaff, at now: Date, context: ComplaintContext) throws
        -> (id: String, hops: [AnchoredHop])
    func act(_ action: ComplaintAction, on id: String, by actor: ActingStaff, at now: Date, context: ComplaintContext)
        throws -> [AnchoredHop]
    func merge(
        _ id: String,
        into survivor: String,
        reason: String,
        by actor: ActingStaff,
        at now: Date,
        context: ComplaintContext
    ) throws -> [AnchoredHop]
    /// The complaint as `complaint show` reads it, this transaction's writes included.
    func details(_ id: String) throws -> ComplaintDetails?
    func matterTitles(_ references: [MatterReference]) throws -> [MatterReference: String]
}

/// Where complaint commands run their transactions.
protocol ComplaintRecords: Sendable {
    /// Runs `work` as one transaction: committed when it returns, rolled back when it throws, and run again whole
    /// when PostgreSQL aborts it to break a deadlock.
    func inOneTransaction<T>(_ work: (any ComplaintTransaction) throws -> T) throws -> T
}

/// The complaints in PostgreSQL.
struct StoredComplaintRecords: ComplaintRecords {
    let database: PostgresSession

    func inOneTransaction<T>(_ work: (any ComplaintTransaction) throws -> T) throws -> T {
        try database.withConnectionBlocking { connection in
            try retryingConflicts(on: connection) {
                try connection.transaction { connection in try work(StoredComplaintTransaction(connection: connection))
                }
            }
        }
    }
}

private struct StoredComplaintTransaction: ComplaintTransaction {
    let connection: PGConnection

    func staff(login: String) throws -> StaffMember? {
        try StaffDirectory.staff(login: login, on: connection)
    }

    func coordinationDepartment() throws -> String? {
        try StaffDirectory.departments(on: connection).first(where: \.isCoordination)?.code
    }

    func matterReferences(_ codes: [String]) throws -> [MatterReference] {
        try MatterStore.references(codes, on: connection)
    }

    func file(_ filing: ComplaintFiling, by actor: ActingStaff, at now: Date, context: ComplaintContext) throws
        -> (id: String, hops: [AnchoredHop])
    {
        try ComplaintStore.file(filing, by: actor, at: now, context: context, on: connection)
    }

    func act(_ action: ComplaintAction, on id: String, by actor: ActingStaff, at now: Date, context: ComplaintContext)
        throws -> [AnchoredHop]
    {
        try ComplaintStore.act(action, on: id, by: actor, at: now, context: context, on: connection)
    }

    func merge(
        _ id: String,
        into survivor: String,
        reason: String,
        by actor: ActingStaff,
        at now: Date,
        context: ComplaintContext
    ) throws -> [AnchoredHop] {
        try ComplaintStore.merge(
            id,
            into: survivor,
            reason: reason,
            by: actor,
            at: now,
            context: context,
            on: connection
        )
    }

    func details(_ id: String) throws -> ComplaintDetails? {
        try ComplaintQueries.show(id, on: connection)
    }

    func matterTitles(_ references: [MatterReference]) throws -> [MatterReference: String] {
        try MatterStore.titles(of: references, on: connection)
    }
}
