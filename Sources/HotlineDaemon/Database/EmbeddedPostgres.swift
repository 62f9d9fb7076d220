import Foundation
import HotlineStore
import HotlineSystem
import Logging

/// The embedded default database (SPEC §8): a private PostgreSQL cluster in the state directory, created with initdb
/// on first start, listening on a Unix socket only, stopped with the daemon.
///
/// PostgreSQL refuses to run as root, so under root the cluster belongs to an unprivileged user (`hotline` if it
/// exists, else `postgres`) and its programs run through `runuser`. The socket directory is mode 0700 and the cluster
/// trusts local connections: only its owner and root can reach it.
public final class EmbeddedPostgres: Sendable {
    public let directory: String
    public let owner: String?
    private let binDirectory: String
    private let logger: Logger
    static let databaseName = "hotline"
    static let superuser = "hotline"

    public var dataDirectory: String { directory + "/data" }
    public var socketDirectory: String { directory + "/run" }
    public var logFile: String { directory + "/postgresql.log" }
    public var conninfo: String { "host=\(socketDirectory) dbname=\(Self.databaseName) user=\(Self.superuser)" }

    public init(stateDirectory: String, owner requestedOwner: String?, logger: Logger) throws(EmbeddedPostgresError) {
        let directory = stateDirectory + "/postgres"
        guard !directory.contains("'"), !directory.contains(" ") else {
            throw .unusablePath(directory)
        }
        guard (directory + "/run/.s.PGSQL.5432").utf8.count < 108 else {
            throw .unusablePath(directory + "/run (a Unix socket path must be shorter than 108 bytes)")
        }
        self.directory = directory
        self.logger = logger
        binDirectory = try EmbeddedPostgres.findBinaries()
        if UnixUsers.isRoot {
            let candidates = requestedOwner.map { [$0] } ?? ["hotline", "postgres"]
            guard let user = candidates.first(where: { UnixUsers.ids(of: $0) != nil }) else {
                throw .noUnprivilegedUser(candidates)
            }
            owner = user
        } else {
            owner = nil
        }
    }

    /// Finds initdb and pg_ctl: `$HOTLINE_PG_BINDIR`, then Debian's versioned directories (newest first), then PATH.
    static func findBinaries() throws(EmbeddedPostgresError) -> String {
        let fileManager = FileManager.default
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["HOTLINE_PG_BINDIR"] { candidates.append(configured) }
        let versions = (try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in candidates
        where fileManager.isExecutableFile(atPath: directory + "/initdb")
            && fileManager.isExecutableFile(atPath: directory + "/pg_ctl")
        {
            return directory
        }
        throw .serverNotInstalled
    }

    /// Creates the cluster if needed, starts it unless it already runs (after a `kill -9` of the daemon, say),
    /// and makes sure the `hotline` database exists.
    public func start() throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory)
        if let owner, let ids = UnixUsers.ids(of: owner) {
            for path in [directory, socketDirectory] {
                try fileManager.setAttributes(
                    [.ownerAccountID: Int(ids.uid), .groupOwnerAccountID: Int(ids.gid)],
                    ofItemAtPath: path
                )
            }
        }
        if !fileManager.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            logger.info("creating the embedded PostgreSQL cluster", metadata: ["directory": "\(dataDirectory)"])
            try run(
                "initdb",
                ["-D", dataDirectory, "-U", Self.superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
            )
        }
        if try run("pg_ctl", ["-D", dataDirectory, "status"], allowFailure: true) != 0 {
            logger.info("starting the embedded PostgreSQL", metadata: ["socket": "\(socketDirectory)"])
            let options =
                "-c listen_addresses='' -c unix_socket_directories='\(socketDirectory)' -c unix_socket_permissions=0700"
            try run("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "120", "-o", options, "start"])
        }
        try createDatabaseIfMissing()
    }

    /// Stops the cluster (fast shutdown: open transactions roll back, committed data is safe).
    public func stop() {
        logger.info("stopping the embedded PostgreSQL")
        _ = try? run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], allowFailure: true)
    }

    private func createDatabaseIfMissing() throws {
        let connection = try PGConnection(
            conninfo:
                "host=\(socketDirectory) dbname=postgres user=\(Self.superuser)"
        )
        defer { connection.close() }
        let rows = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [Self.databaseName])
        if rows.isEmpty {
            // An identifier cannot be a parameter; the name is this program's constant, never input.
            try connection.command("CREATE DATABASE hotline")
        }
    }

    @discardableResult
    private func run(_ program: String, _ arguments: [String], allowFailure: Bool = false) throws -> Int32 {
        // Output goes to a file: the postmaster that `pg_ctl start` leaves running would hold a pipe open forever.
        let outputPath = directory + "/\(program).out"
        let status: Int32
        if let owner {
            status = try ChildProcess.run(
                "/usr/sbin/runuser",
                ["-u", owner, "--", binDirectory + "/" + program] + arguments,
                outputPath: outputPath
            )
        } else {
            status = try ChildProcess.run(binDirectory + "/" + program, arguments, outputPath: outputPath)
        }
        if status != 0 && !allowFailure {
            let data = FileManager.default.contents(atPath: outputPath) ?? Data()
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw EmbeddedPostgresError.commandFailed(program: program, status: status, output: text)
        }
        return status
    }
}

public enum EmbeddedPostgresError: Error, CustomStringConvertible {
    case serverNotInstalled
    case noUnprivilegedUser([String])
    case unusablePath(String)
    case commandFailed(program: String, status: Int32, output: String)

    public var description: String {
        switch self {
        case .serverNotInstalled:
            return
                "the embedded database needs the PostgreSQL server programs (initdb, pg_ctl), which were not found in "
                + "/usr/lib/postgresql/*/bin or PATH; install them with `apt-get install postgresql` "
                + "(or set HOTLINE_PG_BINDIR), or configure an external database with --database"
        case .noUnprivilegedUser(let users):
            return
                "PostgreSQL refuses to run as root, and none of the users \(users.joined(separator: ", ")) exists to own "
                + "the embedded cluster; create one (`systemd-sysusers`, or `apt-get install postgresql`) or set "
                + "[database] embedded_user"
        case .unusablePath(let path):
            return "cannot place the embedded database at \(path): choose a --state-dir without spaces or quotes"
        case .commandFailed(let program, let status, let output):
            return "\(program) failed with status \(status): \(output)"
        }
    }
}
