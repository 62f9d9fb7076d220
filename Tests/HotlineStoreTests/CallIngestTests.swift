import Foundation
import HotlineCore
import HotlineProtocol
import HotlineTestSupport
import Synchronization
import Testing

@testable import HotlineStore

/// The ingest transaction of issue 14: statements pipelined in two round trips, and what happens when another
/// writer creates a call between this batch's lock and its insert.
@Suite("Call ingest", .serialized)
struct CallIngestTests {
    @Test("a pipeline returns each statement's rows in order; a failing one throws and the connection goes on")
    func pipelineResults() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        try connection.command("CREATE TABLE piped (n int PRIMARY KEY)")
        let results = try connection.pipeline([
            PipelineStatement("BEGIN"),
            PipelineStatement("INSERT INTO piped SELECT unnest($1::int[]) RETURNING n", ["{1,2,3}"]),
            PipelineStatement("SELECT sum(n) AS total FROM piped"),
            PipelineStatement("COMMIT"),
        ])
        #expect(results.count == 4)
        #expect(try results[1].map { try $0.decode("n", as: Int.self) } == [1, 2, 3])
        #expect(try results[2].first?.decode("total", as: Int.self) == 6)

        // The duplicate key stops the pipeline: the row after it is never inserted, and COMMIT never runs.
        let failure = #expect(throws: PostgresError.self) {
            try connection.pipeline([
                PipelineStatement("BEGIN"),
                PipelineStatement("INSERT INTO piped VALUES (4)"),
                PipelineStatement("INSERT INTO piped VALUES (1)"),
                PipelineStatement("INSERT INTO piped VALUES (5)"),
                PipelineStatement("COMMIT"),
            ])
        }
        #expect(failure?.code == .uniqueViolation)
        try connection.command("ROLLBACK")
        let rows = try connection.query("SELECT array_agg(n ORDER BY n)::text AS ns FROM piped")
        #expect(try rows.first?.decode("ns", as: String.self) == "{1,2,3}")

        // A prepared statement is prepared once, in the pipeline that first runs it, and runs again by name.
        let count = PipelineStatement("SELECT count(*) AS n FROM piped WHERE n >= $1", [2], prepared: true)
        let twice = try connection.pipeline([count, count])
        #expect(try twice.map { try $0.first?.decode("n", as: Int.self) } == [2, 2])
        #expect(try connection.pipeline([count]).first?.first?.decode("n", as: Int.self) == 2)
        let prepared = try connection.query("SELECT count(*) AS n FROM pg_prepared_statements")
        #expect(try prepared.first?.decode("n", as: Int.self) == 1)
    }

    @Test("a pipeline whose first result is larger than the socket's buffers, and whose later statements are too")
    func pipelineLargeBothWays() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        // About 4 MB each way: blocking writes would wait on a server blocked writing the first result.
        let big = Array(repeating: String(repeating: "x", count: 1000), count: 4000)
        let results = try connection.pipeline([
            PipelineStatement("SELECT repeat('y', 1000) AS y FROM generate_series(1, 4000)"),
            PipelineStatement("SELECT cardinality($1::text[]) AS n", [big]),
            PipelineStatement("SELECT cardinality($1::text[]) AS n", [big]),
        ])
        #expect(results[0].count == 4000)
        #expect(try results[1].first?.decode("n", as: Int.self) == 4000)
        #expect(try results[2].first?.decode("n", as: Int.self) == 4000)
    }

    @Test("a call another writer creates while the batch waits to insert it is locked and folded into, not lost")
    func callCreatedMeanwhile() throws {
        let conninfo = try TestEnvironment.makeDatabase()
        let setup = try PGConnection(conninfo: conninfo)
        defer { setup.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(setup)

        // The other writer: a row for the call, not yet committed, holding an offer the batch does not have.
        let other = try PGConnection(conninfo: conninfo)
        defer { other.close() }
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let offer = try event(
            #"{"v":1,"id":"o1","type":"call.offered","at":"2026-09-21T14:13:20Z","call":"c1","from":"13800138000","to":"12345"}"#
        )
        var theirs = CallRecord(callID: "c1")
        theirs.apply(try #require(offer.event.callEventFact { _ in nil }))
        try other.command("BEGIN")
        try other.command(
            "INSERT INTO hotline.calls (call_id, record) VALUES ('c1', $1)",
            [CallRecordCoding.encode(theirs)]
        )

        // The batch holds the call's end only; its insert of c1 waits for the other writer.
        let end = try event(
            #"{"v":1,"id":"e1","type":"call.ended","at":"2026-09-21T14:14:20Z","call":"c1","cause":"abandoned"}"#
        )
        let outcome = Mutex<Result<[IngestOutcome], any Error>?>(nil)
        let thread = Thread {
            let result = Result {
                let ingesting = try PGConnection(conninfo: conninfo)
                defer { ingesting.close() }
                return try CallRegisterStore.ingest([end], on: ingesting)
            }
            outcome.withLock { $0 = result }
        }
        thread.start()
        try TestEnvironment.waitUntil(timeout: 10) {
            let waiting = try setup.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return try waiting.first?.decode("n", as: Int.self) == 1
        }
        try other.command("COMMIT")
        TestEnvironment.waitUntil(timeout: 10) { outcome.withLock { $0 != nil } }
        #expect(try outcome.withLock { try $0?.get() } == [.stored])

        let rows = try setup.query(
            "SELECT caller_number, offered_at, ended_at, end_cause, outcome FROM hotline.calls WHERE call_id = 'c1'"
        )
        let row = try #require(rows.first)
        // Both folds are there: the other writer's offer and the batch's end.
        #expect(try row.decode("caller_number", as: String.self) == "13800138000")
        #expect(try row.decode("offered_at", as: Date.self) == at)
        #expect(try row.decode("end_cause", as: String.self) == "abandoned")
        #expect(try row.decode("outcome", as: String.self) == "abandoned")
    }

    @Test("an event another daemon stores while the batch waits to insert it is a duplicate, and the batch goes on")
    func eventStoredMeanwhile() throws {
        let conninfo = try TestEnvironment.makeDatabase()
        let setup = try PGConnection(conninfo: conninfo)
        defer { setup.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(setup)

        let line = #"{"v":1,"id":"r1","type":"call.ended","at":"2026-09-21T14:14:20Z","call":"c2","cause":"normal"}"#
        let other = try PGConnection(conninfo: conninfo)
        defer { other.close() }
        try other.command("BEGIN")
        try other.command(
            """
            INSERT INTO hotline.pbx_events (event_id, type, call_id, occurred_at, payload)
            VALUES ('r1', 'call.ended', 'c2', '2026-09-21T14:14:20Z', $1)
            """,
            [line]
        )

        let batch = [
            try event(line),
            try event(
                #"{"v":1,"id":"r2","type":"call.ended","at":"2026-09-21T14:15:20Z","call":"c3","cause":"normal"}"#
            ),
            // The same id twice in one batch: the second copy is a duplicate without asking the table.
            try event(
                #"{"v":1,"id":"r2","type":"call.ended","at":"2026-09-21T14:15:20Z","call":"c3","cause":"normal"}"#
            ),
        ]
        let outcome = Mutex<Result<[IngestOutcome], any Error>?>(nil)
        let thread = Thread {
            let result = Result {
                let ingesting = try PGConnection(conninfo: conninfo)
                defer { ingesting.close() }
                return try CallRegisterStore.ingest(batch, on: ingesting)
            }
            outcome.withLock { $0 = result }
        }
        thread.start()
        try TestEnvironment.waitUntil(timeout: 10) {
            let waiting = try setup.query(
                """
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND datname = current_database()
                """
            )
            return try waiting.first?.decode("n", as: Int.self) == 1
        }
        try other.command("COMMIT")
        TestEnvironment.waitUntil(timeout: 10) { outcome.withLock { $0 != nil } }
        #expect(try outcome.withLock { try $0?.get() } == [.duplicate, .stored, .duplicate])
        let rows = try setup.query("SELECT event_id, count(*) AS n FROM hotline.pbx_events GROUP BY 1 ORDER BY 1")
        #expect(try rows.map { try $0.decode("event_id", as: String.self) } == ["r1", "r2"])
        #expect(try rows.map { try $0.decode("n", as: Int.self) } == [1, 1])
        // The event the other daemon stored was not folded here: its call was not created by this batch.
        let calls = try setup.query("SELECT call_id FROM hotline.calls ORDER BY 1")
        #expect(try calls.map { try $0.decode("call_id", as: String.self) } == ["c3"])
    }

    private func event(_ line: String) throws -> ReceivedEvent {
        ReceivedEvent(event: try PBXEventParser.parse(line: Array(line.utf8)).get(), line: line)
    }
}
