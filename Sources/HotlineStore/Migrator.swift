import Logging

/// One numbered schema change from `sql/`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations built into this binary, in order (from `sql/NNN_name.sql`).
    public static var embedded: [Migration] {
        EmbeddedMigrations.files.compactMap { file in
            let digits = file.name.prefix { $0.isNumber }
            guard let version = Int(digits) else { return nil }
            return Migration(version: version, name: file.name, sql: file.contents)
        }
        .sorted { $0.version < $1.version }
    }
}

/// Applies pending migrations in order, each once, each in its own transaction, recorded in
/// `hotline.schema_migrations`.
///
/// A session-level advisory lock serialises daemons that start together against one database: the second waits,
/// then finds nothing left to do.
public struct Migrator: Sendable {
    /// The advisory lock key: "hotline" in ASCII, so it is recognisable in `pg_locks`.
    static let lockKey: Int64 = 0x686F_746C_696E_65
    /// The oldest PostgreSQL the schema and the ingest's statements run on, as `PQserverVersion` gives it.
    static let oldestServer = 140_000
    public let migrations: [Migration]
    private let logger: Logger

    public init(migrations: [Migration] = Migration.embedded, logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is pending and returns the versions applied now (empty when the schema was up to date).
    public func migrate(_ connection: PGConnection) throws -> [Int] {
        // The ingest splits its lines with string_to_table (14); an older server would fail every batch instead.
        let version = connection.serverVersion
        guard version >= Migrator.oldestServer else {
            throw PostgresError(
                code: .unexpectedResult,
                message: "PostgreSQL \(version / 10000).\(version % 10000) is too old: hotlined needs 14 or later"
            )
        }
        try connection.command("SELECT pg_advisory_lock($1)", [Migrator.lockKey])
        defer { _ = try? connection.command("SELECT pg_advisory_unlock($1)", [Migrator.lockKey]) }
        try connection.runScript(
            """
            CREATE SCHEMA IF NOT EXISTS hotline;
            CREATE TABLE IF NOT EXISTS hotline.schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """
        )
        let rows = try connection.query("SELECT version FROM hotline.schema_migrations")
        let applied = Set(try rows.map { row in try row.decode("version", as: Int.self) })
        var appliedNow: [Int] = []
        for migration in migrations where !applied.contains(migration.version) {
            logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
            try apply(migration, on: connection)
            appliedNow.append(migration.version)
        }
        return appliedNow
    }

    /// One migration in one transaction. Roles are shared by every database of a cluster while the advisory lock is
    /// per database, so two databases migrating at once can both try to create `hotline_qa`; the one that loses
    /// the race runs the migration again, and then finds the role.
    private func apply(_ migration: Migration, on connection: PGConnection) throws {
        var attempt = 1
        while true {
            do {
                try connection.transaction { connection in
                    try connection.runScript(migration.sql)
                    try connection.command(
                        "INSERT INTO hotline.schema_migrations (version, name) VALUES ($1, $2)",
                        [migration.version, migration.name]
                    )
                }
                return
            } catch let error as PostgresError {
                // Which error the loser gets depends on timing: the catalog's unique index, or "already exists"
                // (42710) once the winner has committed. A migration that fails so for another reason fails
                // again on the retry (its transaction was rolled back), and that error is reported.
                let lostRoleRace = error.constraint == "pg_authid_rolname_index" || error.sqlState == "42710"
                if lostRoleRace, attempt < 3 {
                    logger.info("a role was created concurrently by another database; retrying the migration")
                    attempt += 1
                    continue
                }
                throw MigrationError(migration: migration.name, underlying: error)
            }
        }
    }

    /// The versions recorded as applied.
    public static func appliedVersions(_ connection: PGConnection) throws -> [Int] {
        let exists = try connection.query("SELECT to_regclass('hotline.schema_migrations') IS NOT NULL AS present")
        guard let row = exists.first, try row.decode("present", as: Bool.self) else { return [] }
        return try connection.query("SELECT version FROM hotline.schema_migrations ORDER BY version").map {
            row in try row.decode("version", as: Int.self)
        }
    }
}

/// A migration that PostgreSQL refused; nothing of it was applied.
public struct MigrationError: Error, CustomStringConvertible {
    public var migration: String
    public var underlying: PostgresError
    public var description: String { "migration \(migration) failed and was rolled back: \(underlying)" }
}
