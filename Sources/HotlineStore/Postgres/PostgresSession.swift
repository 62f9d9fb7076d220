import Dispatch
import Logging

/// An async front for one ``PGConnection``: every libpq call runs on this session's own serial dispatch queue,
/// never on Swift's cooperative thread pool, and a connection lost to a server restart is re-established.
///
/// `@unchecked Sendable` is sound because the connection is touched only from `queue`: ``withConnection(_:)``
/// is the single door to it, and the queue is serial.
public final class PostgresSession: @unchecked Sendable {
    private let conninfo: String
    private let queue: DispatchQueue
    private var connection: PGConnection?
    private let logger: Logger

    /// Creates a session; the connection is made lazily on first use, so a daemon can start while PostgreSQL is
    /// still coming up.
    public init(conninfo: String, label: String, logger: Logger) throws {
        try PGConnection.validate(conninfo: conninfo)
        self.conninfo = conninfo
        self.queue = DispatchQueue(label: "hotline.postgres.\(label)")
        self.logger = logger
    }

    /// Connects now, so that start-up can report an unreachable database at once.
    public func connect() async throws {
        try await withConnection { _ in }
    }

    /// Runs `body` with the connection on the session's queue.
    ///
    /// When the connection turns out to be lost (the server restarted), the session reconnects and runs `body`
    /// once more — unless the loss happened during COMMIT, whose outcome nobody knows.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.runWithReconnect(body) })
            }
        }
    }

    /// Closes the connection; later calls reconnect.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection?.close()
                self.connection = nil
                continuation.resume()
            }
        }
    }

    /// Runs `body` on the session's queue and waits for it: for callers on their own threads (socket
    /// connections), never for tasks on the cooperative pool.
    @discardableResult
    public func withConnectionBlocking<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try queue.sync { try runWithReconnect(body) }
    }

    private func runWithReconnect<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try currentConnection()
        do {
            return try body(connection)
        } catch let error as PostgresError where error.isConnectionLoss && error.code != .commitOutcomeUnknown {
            logger.warning("PostgreSQL connection lost; reconnecting", metadata: ["error": "\(error)"])
            try reconnect(connection)
            return try body(connection)
        }
    }

    private func currentConnection() throws -> PGConnection {
        if let connection { return connection }
        let made = try PGConnection(conninfo: conninfo)
        connection = made
        return made
    }

    private func reconnect(_ connection: PGConnection) throws {
        do {
            try connection.reset()
        } catch {
            // Drop it so that the next call starts from a fresh PQconnectdb.
            connection.close()
            self.connection = nil
            throw error
        }
    }
}
