import Foundation

/// One ingest worker's decisions, kept apart from its I/O so that they are tested as a table: where a batch of
/// events goes, when the spool is replayed, and when an unreachable database is tried again.
///
/// Events go to PostgreSQL while it answers. While it does not, they are acked from the fsync'd spool; while the
/// spool holds anything, new events are spooled behind it, so that the database sees them in arrival order. A
/// worker whose own attempt failed pauses for `retryInterval` before trying again, unless another worker has
/// reached the database since, so that an unreachable server is not hammered by every batch.
struct IngestRoute: Sendable, Equatable {
    enum Destination: Sendable, Equatable {
        case database
        case spool
    }

    let retryInterval: TimeInterval
    /// Before this moment the worker does not try the database on its own account.
    private(set) var retryAfter: Date = .distantPast

    init(retryInterval: TimeInterval) {
        self.retryInterval = retryInterval
    }

    /// Where the next batch goes.
    func destination(spoolIsEmpty: Bool, othersReachedDatabase: Bool, now: Date) -> Destination {
        guard spoolIsEmpty else { return .spool }
        return now >= retryAfter || othersReachedDatabase ? .database : .spool
    }

    /// Whether to replay the spool into the database now. A stopping daemon tries once more whatever its pause, so
    /// that a clean stop leaves the spool empty whenever the database is back.
    func replaysSpool(spoolIsEmpty: Bool, now: Date, stopping: Bool) -> Bool {
        !spoolIsEmpty && (stopping || now >= retryAfter)
    }

    /// An attempt on the database failed at `now`: pause.
    mutating func attemptFailed(at now: Date) {
        retryAfter = now.addingTimeInterval(retryInterval)
    }

    /// An attempt succeeded: no pause.
    mutating func attemptSucceeded() {
        retryAfter = .distantPast
    }

    /// Whether a failed attempt is repeated at once: only when a connection that had worked was lost (it may have
    /// outlived a server restart). Always safe, as the ingest is idempotent on event ids even after an unknown
    /// COMMIT.
    static func retriesAtOnce(hadConnection: Bool, connectionLost: Bool) -> Bool {
        hadConnection && connectionLost
    }
}
