import Foundation
import Testing

@testable import HotlineDaemon

/// The ingest's decisions (issue 14): database or spool, replay, and the pause after a failed attempt.
@Suite("Ingest route: database, spool and replay")
struct IngestRouteTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        "where a batch goes",
        arguments: [
            // spool empty, another worker reached the database, seconds since this worker's failure (nil: none)
            (true, false, nil, IngestRoute.Destination.database),
            (true, true, nil, .database),
            (false, true, nil, .spool),  // the spool holds events: keep arrival order
            (false, false, nil, .spool),
            (true, false, 0.5, .spool),  // pausing after its own failure
            (true, true, 0.5, .database),  // unless another worker got through since
            (true, false, 1.0, .database),  // the pause is over
            (false, true, 5.0, .spool),
        ] as [(Bool, Bool, Double?, IngestRoute.Destination)]
    )
    func destination(spoolIsEmpty: Bool, others: Bool, sinceFailure: Double?, expected: IngestRoute.Destination) {
        var route = IngestRoute(retryInterval: 1)
        var now = start
        if let sinceFailure {
            route.attemptFailed(at: start)
            now = start.addingTimeInterval(sinceFailure)
        }
        #expect(route.destination(spoolIsEmpty: spoolIsEmpty, othersReachedDatabase: others, now: now) == expected)
    }

    @Test("the spool is replayed when it holds events and the pause is over, and always once more at stop")
    func replay() {
        var route = IngestRoute(retryInterval: 1)
        #expect(route.replaysSpool(spoolIsEmpty: false, now: start, stopping: false))
        #expect(!route.replaysSpool(spoolIsEmpty: true, now: start, stopping: false))
        #expect(!route.replaysSpool(spoolIsEmpty: true, now: start, stopping: true))
        route.attemptFailed(at: start)
        #expect(!route.replaysSpool(spoolIsEmpty: false, now: start.addingTimeInterval(0.9), stopping: false))
        #expect(route.replaysSpool(spoolIsEmpty: false, now: start.addingTimeInterval(0.9), stopping: true))
        #expect(route.replaysSpool(spoolIsEmpty: false, now: start.addingTimeInterval(1), stopping: false))
    }

    @Test("a success ends the pause at once")
    func successEndsPause() {
        var route = IngestRoute(retryInterval: 1)
        route.attemptFailed(at: start)
        #expect(route.destination(spoolIsEmpty: true, othersReachedDatabase: false, now: start) == .spool)
        route.attemptSucceeded()
        #expect(route.destination(spoolIsEmpty: true, othersReachedDatabase: false, now: start) == .database)
    }

    @Test("only a lost connection that had worked is retried at once")
    func immediateRetry() {
        #expect(IngestRoute.retriesAtOnce(hadConnection: true, connectionLost: true))
        #expect(!IngestRoute.retriesAtOnce(hadConnection: false, connectionLost: true))
        #expect(!IngestRoute.retriesAtOnce(hadConnection: true, connectionLost: false))
    }
}
