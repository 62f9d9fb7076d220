/// Runs a whole transaction again when PostgreSQL aborted it to break a deadlock (or for a serialization
/// failure): the aborted attempt changed nothing, and the next one decides afresh from what is committed.
/// Concurrent writers meet on shared rows (new event ids, a complaint, its deadlines, the QA counters).
///
/// Inside an outer transaction on `connection` nothing is retried here: the aborted transaction is the outer one,
/// and only whoever began it can run it again.
public func retryingConflicts<T>(on connection: PGConnection, attempts: Int = 5, _ body: () throws -> T) throws -> T {
    if connection.isInTransaction { return try body() }
    var attempt = 1
    while true {
        do {
            return try body()
        } catch let error as PostgresError
            where (error.code == .deadlockDetected || error.code == .serializationFailure) && attempt < attempts
        {
            attempt += 1
        }
    }
}
