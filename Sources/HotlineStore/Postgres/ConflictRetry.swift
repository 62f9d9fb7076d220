/// Runs a whole transaction again when PostgreSQL aborted it to break a deadlock (or for a serialization
/// failure): the aborted attempt changed nothing, and the next one decides afresh from what is committed.
/// Concurrent writers meet on shared rows (new event ids, a complaint, its deadlines, the QA counters).
func retryingConflicts<T>(attempts: Int = 5, _ body: () throws -> T) throws -> T {
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
