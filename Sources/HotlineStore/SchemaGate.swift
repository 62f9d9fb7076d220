import Logging
import Synchronization

/// Makes sure the schema is migrated before a connection is used, once per process, even when the database was
/// unreachable at start-up (the daemon then starts degraded, spooling PBX events, and migrates when it can).
public final class SchemaGate: Sendable {
    private let ready = Atomic<Bool>(false)
    private let migrator: Migrator

    public init(logger: Logger) {
        migrator = Migrator(logger: logger)
    }

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// Migrates through `connection` unless that was already done; cheap afterwards.
    @discardableResult
    public func ensure(_ connection: PGConnection) throws -> [Int] {
        if isReady { return [] }
        let applied = try migrator.migrate(connection)
        ready.store(true, ordering: .releasing)
        return applied
    }
}
