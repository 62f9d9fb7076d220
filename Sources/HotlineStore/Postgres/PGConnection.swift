import CLibPQ
import Foundation

/// One libpq connection: owns its `PGconn*`, and is the only place that calls libpq's connection functions.
///
/// Every method blocks on the network, so a `PGConnection` is used from exactly one thread at a time; the async
/// world reaches it through ``PostgresSession``, which runs every call on its own dispatch queue, never on Swift's
/// cooperative pool.
///
/// - Important: call ``close()`` when done; `deinit` closes a connection that was left open, as a last resort.
public final class PGConnection {
    private var raw: OpaquePointer?
    /// Open `transaction` calls: an inner one joins the outer transaction instead of beginning its own.
    private var transactionDepth = 0
    /// The conninfo this connection was made from, kept to describe failures (passwords are never printed).
    private let conninfo: String
    /// Names of the statements prepared on this session, by their SQL text.
    private var preparedNames: [String: String] = [:]

    /// Connects with a libpq conninfo string (`host=/tmp dbname=hotline`) or a `postgresql://` URI. As with every
    /// libpq program, PG* environment variables, `~/.pgpass` and service files fill in what the string leaves out.
    public init(conninfo: String) throws {
        try PGConnection.validate(conninfo: conninfo)
        self.conninfo = conninfo
        guard let connection = PQconnectdb(conninfo) else {
            throw PostgresError(code: .connectionFailure, message: "libpq could not allocate a connection")
        }
        raw = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PGConnection.errorText(connection)
            PQfinish(connection)
            raw = nil
            throw PostgresError(code: .connectionFailure, message: "could not connect to PostgreSQL: \(message)")
        }
        try configureSession()
    }

    deinit {
        if let raw { PQfinish(raw) }
    }

    /// Closes the connection; safe to call more than once.
    public func close() {
        if let raw { PQfinish(raw) }
        raw = nil
    }

    public var isOpen: Bool {
        guard let raw else { return false }
        return PQstatus(raw) == CONNECTION_OK
    }

    /// The server's version as an integer (150018 for 15.18).
    public var serverVersion: Int {
        guard let raw else { return 0 }
        return Int(PQserverVersion(raw))
    }

    /// Checks a conninfo string or URI without connecting, so a typo is reported as such rather than as a network
    /// failure.
    public static func validate(conninfo: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            var text = "invalid connection string"
            if let errorMessage {
                text = String(cString: errorMessage).trimmingTrailingNewlines()
                PQfreemem(errorMessage)
            }
            throw PostgresError(code: .badConnectionString, message: text)
        }
        PQconninfoFree(options)
    }

    /// Re-establishes a lost connection with the same parameters (after a server restart, say).
    public func reset() throws {
        guard let raw else {
            throw PostgresError(code: .connectionFailure, message: "connection is closed")
        }
        PQreset(raw)
        preparedNames = [:]
        guard PQstatus(raw) == CONNECTION_OK else {
            throw PostgresError(
                code: .connectionFailure,
                message: "could not reconnect to PostgreSQL: \(PGConnection.errorText(raw))"
            )
        }
        try configureSession()
    }

    /// Runs one statement with parameters sent separately from the SQL text (PQexecParams).
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws
        -> PostgresRows
    {
        let result = try execute(sql, parameters)
        return result.rows()
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    public func command(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> Int {
        try execute(sql, parameters).affectedRows
    }

    /// Runs a script of several statements with the simple query protocol.
    ///
    /// - Important: only for SQL text that ships with the program (migrations); it takes no parameters, so it must
    ///   never see a value that came from outside.
    public func runScript(_ sql: String) throws {
        let connection = try open()
        guard let result = PQexec(connection, sql) else { throw lostConnection(query: nil) }
        let owned = PGResult(result)
        switch owned.status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default: throw failure(of: owned, query: nil)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws.
    ///
    /// Called inside another `transaction`, `body` joins the outer one: a control command composes store calls
    /// that each begin a transaction, and commits them once (#14). An error still ends the whole transaction,
    /// thrown through the outer call, which rolls back.
    ///
    /// A connection lost while COMMIT is in flight is reported as ``PostgresError/Code/commitOutcomeUnknown``:
    /// the caller cannot know whether the work was applied, and must not blindly redo it.
    /// Whether a `transaction` is open on this connection.
    public var isInTransaction: Bool { transactionDepth > 0 }

    @discardableResult
    public func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body(self)
        }
        try command("BEGIN")
        transactionDepth = 1
        let value: T
        do {
            value = try body(self)
            transactionDepth = 0
        } catch {
            transactionDepth = 0
            if isOpen { _ = try? command("ROLLBACK") }
            throw error
        }
        do {
            try command("COMMIT")
        } catch let error as PostgresError where error.isConnectionLoss {
            throw PostgresError(
                code: .commitOutcomeUnknown,
                message: "connection lost during COMMIT: \(error.message)"
            )
        }
        return value
    }

    /// Sends `statements` back to back and reads their results after one synchronisation point (libpq's pipeline
    /// mode): one round trip for all of them instead of one each.
    ///
    /// The server runs them in order, each seeing what the ones before it changed. The first that fails ends the
    /// pipeline: the ones after it are not run, and its error is thrown. BEGIN and COMMIT may be among the
    /// statements; a failure inside such a transaction leaves it aborted, and the caller rolls back.
    public func pipeline(_ statements: [PipelineStatement]) throws -> [PostgresRows] {
        let connection = try open()
        guard !statements.isEmpty else { return [] }
        guard PQenterPipelineMode(connection) == 1 else {
            throw PostgresError(code: .unexpectedResult, message: PGConnection.errorText(connection))
        }
        // Sent without blocking, reading while writing: a blocked write facing a server blocked on writing the
        // results of the first statements would wait forever.
        guard PQsetnonblocking(connection, 1) == 0 else { throw lostConnection(query: nil) }
        // What each result answers, in order: a statement's preparation (its name) or the statement itself.
        var expected: [(statement: Int, preparing: String?)] = []
        var preparing: [String: String] = [:]
        for (index, statement) in statements.enumerated() {
            let texts: [String?] = statement.parameters.map { $0?.postgresText }
            var name: String?
            if statement.prepared {
                if let known = preparedNames[statement.sql] ?? preparing[statement.sql] {
                    name = known
                } else {
                    let fresh = "hotline_\(preparedNames.count + preparing.count + 1)"
                    guard PQsendPrepare(connection, fresh, statement.sql, Int32(texts.count), nil) == 1 else {
                        throw lostConnection(query: statement.sql)
                    }
                    preparing[statement.sql] = fresh
                    expected.append((index, fresh))
                    name = fresh
                }
            }
            let sent = withCStrings(texts) { pointers in
                if let name {
                    return PQsendQueryPrepared(connection, name, Int32(pointers.count), pointers, nil, nil, 0)
                }
                return PQsendQueryParams(connection, statement.sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            }
            guard sent == 1 else { throw lostConnection(query: statement.sql) }
            expected.append((index, nil))
        }
        guard PQpipelineSync(connection) == 1 else { throw lostConnection(query: nil) }
        try flushReading(connection)
        guard PQsetnonblocking(connection, 0) == 0 else { throw lostConnection(query: nil) }

        var rows: [PostgresRows] = []
        var firstError: PostgresError?
        for (index, preparation) in expected {
            let statement = statements[index]
            guard let next = PQgetResult(connection) else { throw lostConnection(query: statement.sql) }
            let result = PGResult(next)
            switch result.status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                if let preparation {
                    preparedNames[statement.sql] = preparation
                } else {
                    rows.append(result.rows())
                }
            case PGRES_PIPELINE_ABORTED:
                break
            default:
                if firstError == nil { firstError = failure(of: result, query: statement.sql) }
            }
            // Each statement's results end with a null.
            while let extra = PQgetResult(connection) { _ = PGResult(extra) }
        }
        guard let sync = PQgetResult(connection) else { throw lostConnection(query: nil) }
        let synced = PGResult(sync).status == PGRES_PIPELINE_SYNC
        guard synced, PQexitPipelineMode(connection) == 1 else {
            throw firstError ?? lostConnection(query: nil)
        }
        if let firstError { throw firstError }
        return rows
    }

    /// Writes what libpq holds for the server, taking in what the server sends meanwhile.
    private func flushReading(_ connection: OpaquePointer) throws {
        while true {
            let pending = PQflush(connection)
            if pending == 0 { return }
            guard pending == 1 else { throw lostConnection(query: nil) }
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN | POLLOUT), revents: 0)
            guard poll(&descriptor, 1, -1) >= 0 || errno == EINTR else { throw lostConnection(query: nil) }
            if descriptor.revents & Int16(POLLIN) != 0 {
                guard PQconsumeInput(connection) == 1 else { throw lostConnection(query: nil) }
            }
        }
    }

    /// Streams rows into a table with COPY … FROM STDIN, PostgreSQL's fastest way in.
    ///
    /// `data` is in COPY's text format; the statement names the table and columns and is the program's own text.
    @discardableResult
    public func copyIn(_ statement: String, data: [UInt8]) throws -> Int {
        let connection = try open()
        guard let start = PQexec(connection, statement) else { throw lostConnection(query: statement) }
        let started = PGResult(start)
        guard started.status == PGRES_COPY_IN else { throw failure(of: started, query: statement) }
        let sent = data.withUnsafeBufferPointer { buffer -> Int32 in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                PQputCopyData(connection, $0, Int32(buffer.count))
            }
        }
        guard sent == 1, PQputCopyEnd(connection, nil) == 1 else { throw lostConnection(query: statement) }
        var affected = 0
        var firstError: PostgresError?
        while let next = PQgetResult(connection) {
            let result = PGResult(next)
            if result.status == PGRES_COMMAND_OK {
                affected = result.affectedRows
            } else if firstError == nil {
                firstError = failure(of: result, query: statement)
            }
        }
        if let firstError { throw firstError }
        return affected
    }

    /// Starts listening on a notification channel; the name is quoted by libpq, never spliced raw.
    public func listen(_ channel: String) throws {
        let connection = try open()
        guard let quoted = PQescapeIdentifier(connection, channel, channel.utf8.count) else {
            throw PostgresError(code: .unexpectedResult, message: PGConnection.errorText(connection))
        }
        defer { PQfreemem(quoted) }
        try command("LISTEN \(String(cString: quoted))")
    }

    /// Waits up to `timeout` for notifications and returns those that arrived (channel, payload).
    public func waitForNotifications(timeout: Duration) throws -> [PostgresNotification] {
        let connection = try open()
        var notifications = drainNotifications(connection)
        if !notifications.isEmpty { return notifications }
        let socket = PQsocket(connection)
        guard socket >= 0 else { throw lostConnection(query: nil) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(
            clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        )
        let ready = poll(&descriptor, 1, milliseconds)
        if ready > 0 {
            guard PQconsumeInput(connection) == 1 else { throw lostConnection(query: nil) }
            notifications = drainNotifications(connection)
        }
        return notifications
    }

    // MARK: - Internals

    private func drainNotifications(_ connection: OpaquePointer) -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(connection) {
            notifications.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    senderPID: Int(notify.pointee.be_pid)
                )
            )
            PQfreemem(notify)
        }
        return notifications
    }

    /// Every session speaks UTF-8 and UTC, so text round-trips byte-exact and timestamps parse one way.
    private func configureSession() throws {
        guard let raw else { return }
        if PQsetClientEncoding(raw, "UTF8") != 0 {
            throw PostgresError(code: .connectionFailure, message: "could not set client encoding to UTF8")
        }
        try command("SET TimeZone TO 'UTC'")
    }

    private func open() throws -> OpaquePointer {
        guard let raw else { throw PostgresError(code: .connectionFailure, message: "connection is closed") }
        return raw
    }

    private func execute(_ sql: String, _ parameters: [(any PostgresBindable)?]) throws -> PGResult {
        let connection = try open()
        let texts: [String?] = parameters.map { $0?.postgresText }
        let result: OpaquePointer? = withCStrings(texts) { pointers in
            PQexecParams(connection, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        guard let result else { throw lostConnection(query: sql) }
        let owned = PGResult(result)
        switch owned.status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return owned
        default:
            throw failure(of: owned, query: sql)
        }
    }

    private func failure(of result: PGResult, query: String?) -> PostgresError {
        var error = result.error(query: query)
        if let raw, PQstatus(raw) != CONNECTION_OK {
            error.code = .connectionFailure
        }
        return error
    }

    private func lostConnection(query: String?) -> PostgresError {
        let text = raw.map(PGConnection.errorText) ?? "connection is closed"
        return PostgresError(code: .connectionFailure, message: text, query: query)
    }

    private static func errorText(_ connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
    }
}

/// One statement of ``PGConnection/pipeline(_:)``, its parameters sent apart from its text.
public struct PipelineStatement {
    public var sql: String
    public var parameters: [(any PostgresBindable)?]
    /// Parsed and planned once per session (a named prepared statement), then only executed: for the statements
    /// a hot path runs thousands of times a second, where parsing and planning cost more than running.
    public var prepared: Bool

    public init(_ sql: String, _ parameters: [(any PostgresBindable)?] = [], prepared: Bool = false) {
        self.sql = sql
        self.parameters = parameters
        self.prepared = prepared
    }
}

/// A message from `NOTIFY`.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public var senderPID: Int
}

/// Hands libpq an array of C strings (NULL for SQL NULL) that live for the duration of `body`.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
    defer { owned.forEach { free($0) } }
    return owned.withUnsafeMutableBufferPointer { buffer in
        body(buffer.map { $0.map { UnsafePointer($0) } })
    }
}
