import Foundation
import HotlineCore
import HotlineProtocol
import HotlineTestSupport
import Testing

@testable import HotlineStore

/// The one-round-trip ingest (issue 14): a worker folds into the records it remembers, and PostgreSQL checks the
/// memory inside the batch's transaction. Each test makes the memory wrong in one way and expects the long way's
/// result.
@Suite("Remembered ingest", .serialized)
struct RememberedIngestTests {
    /// A call from offer to end, one event per batch, as at a quiet hour.
    static let call = [
        #"{"v":1,"id":"a1","type":"call.offered","at":"2026-11-30T09:00:00+08:00","call":"c1","from":"13800138000","to":"12345"}"#,
        #"{"v":1,"id":"a2","type":"call.answered","at":"2026-11-30T09:00:05+08:00","call":"c1","agents":["8001"]}"#,
        #"{"v":1,"id":"a3","type":"call.ended","at":"2026-11-30T09:03:00+08:00","call":"c1","cause":"normal"}"#,
        #"{"v":1,"id":"b1","type":"call.offered","at":"2026-11-30T09:05:00+08:00","call":"c2","from":"13900139000","to":"12345"}"#,
        #"{"v":1,"id":"b2","type":"call.answered","at":"2026-11-30T09:05:04+08:00","call":"c2","agents":["8001"]}"#,
        #"{"v":1,"id":"b3","type":"call.ended","at":"2026-11-30T09:09:00+08:00","call":"c2","cause":"normal"}"#,
    ]

    @Test("remembered calls take one round trip, and the register is what the long way writes")
    func sameRegisterEitherWay() throws {
        let quick = try Register()
        let long = try Register()
        var memory = IngestMemory()
        for line in Self.call {
            #expect(try CallRegisterStore.ingest([event(line)], on: quick.connection, memory: &memory) == [.stored])
            #expect(try CallRegisterStore.ingest([event(line)], on: long.connection) == [.stored])
        }
        // Only the first answer on 8001 goes the long way: no one on the extension is remembered yet. A call the
        // memory does not hold is taken for new, and its offer's INSERT is the check.
        #expect(memory.quick == 5)
        #expect(memory.missed == 0)
        #expect(try quick.calls() == long.calls())
        #expect(try quick.calls().map(\.firstResponder) == ["s1", "s1"])
        #expect(try quick.events() == long.events())
    }

    @Test("a call another writer changed since is folded into its record, not overwritten")
    func callChangedByAnotherWriter() throws {
        let register = try Register()
        var memory = IngestMemory()
        _ = try CallRegisterStore.ingest([event(Self.call[0])], on: register.connection, memory: &memory)
        _ = try CallRegisterStore.ingest([event(Self.call[1])], on: register.connection, memory: &memory)
        // Another daemon stores the call's end; this worker's memory still holds the call as answered.
        let other = try PGConnection(conninfo: register.conninfo)
        defer { other.close() }
        #expect(try CallRegisterStore.ingest([event(Self.call[2])], on: other) == [.stored])
        let transfer =
            #"{"v":1,"id":"a4","type":"call.transferred","at":"2026-11-30T09:01:00+08:00","call":"c1","agent":"8001","to_agent":"8002"}"#
        let missed = memory.missed
        #expect(try CallRegisterStore.ingest([event(transfer)], on: register.connection, memory: &memory) == [.stored])
        #expect(memory.missed == missed + 1)

        let long = try Register()
        for line in Self.call.prefix(3) + [transfer] {
            _ = try CallRegisterStore.ingest([event(line)], on: long.connection)
        }
        #expect(try register.calls() == long.calls())
        #expect(try register.calls().first?.endCause == "normal")
    }

    @Test("a resent event is a duplicate, found by the check, and nothing of it is folded twice")
    func resentEvent() throws {
        let register = try Register()
        var memory = IngestMemory()
        for line in Self.call.prefix(2) {
            _ = try CallRegisterStore.ingest([event(line)], on: register.connection, memory: &memory)
        }
        let before = try register.calls()
        let missed = memory.missed
        let outcomes = try CallRegisterStore.ingest([event(Self.call[1])], on: register.connection, memory: &memory)
        #expect(outcomes == [.duplicate])
        #expect(memory.missed == missed + 1)
        #expect(try register.calls() == before)
    }

    @Test("an extension handed to another staff member meanwhile answers for the new one")
    func extensionHandedOver() throws {
        let register = try Register()
        var memory = IngestMemory()
        for line in Self.call.prefix(4) {
            _ = try CallRegisterStore.ingest([event(line)], on: register.connection, memory: &memory)
        }
        // s2 logs in on 8001 through another daemon; this worker still remembers 8001 as s1's.
        let other = try PGConnection(conninfo: register.conninfo)
        defer { other.close() }
        let login =
            #"{"v":1,"id":"l1","type":"agent.login","at":"2026-11-30T09:04:00+08:00","agent":"8001","staff":"s2"}"#
        #expect(try CallRegisterStore.ingest([event(login)], on: other) == [.stored])
        let missed = memory.missed
        #expect(
            try CallRegisterStore.ingest([event(Self.call[4])], on: register.connection, memory: &memory) == [.stored]
        )
        #expect(memory.missed == missed + 1)
        #expect(try register.calls().map(\.firstResponder) == ["s1", "s2"])
    }

    @Test("a call another daemon created that this worker never saw is folded into, not inserted twice")
    func callCreatedElsewhere() throws {
        let register = try Register()
        let other = try PGConnection(conninfo: register.conninfo)
        defer { other.close() }
        #expect(try CallRegisterStore.ingest([event(Self.call[0])], on: other) == [.stored])
        var memory = IngestMemory()
        // 8001's staff member is remembered from another call, so only the unknown call can be wrong.
        memory.remember(extension: "8001", answeredBy: StaffCandidate(login: "s1", rank: 0))
        #expect(
            try CallRegisterStore.ingest([event(Self.call[1])], on: register.connection, memory: &memory) == [.stored]
        )
        #expect(memory.missed == 1)
        #expect(memory.quick == 0)
        let call = try #require(register.calls().first)
        #expect(call.callerNumber == "13800138000")
        #expect(call.firstResponder == "s1")
        // Now remembered: the end takes one round trip.
        #expect(
            try CallRegisterStore.ingest([event(Self.call[2])], on: register.connection, memory: &memory) == [.stored]
        )
        #expect(memory.quick == 1)
    }

    private func event(_ line: String) throws -> ReceivedEvent {
        ReceivedEvent(event: try PBXEventParser.parse(line: Array(line.utf8)).get(), line: line)
    }
}

/// A migrated database with two operators, s1 on extension 8001.
private struct Register {
    struct Call: Equatable {
        var id: String
        var callerNumber: String?
        var answeredAt: Date?
        var endCause: String?
        var firstResponder: String?
        var outcome: String
        var record: String?
    }

    let conninfo: String
    let connection: PGConnection

    init() throws {
        conninfo = try TestEnvironment.makeDatabase()
        connection = try PGConnection(conninfo: conninfo)
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        try CallRegisterStore.prepareSession(on: connection)
        try connection.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('D0', 'd0');
            INSERT INTO hotline.staff (login, name, department, roles, extension) VALUES
                ('s1', 's1', 'D0', '{operator}', '8001'), ('s2', 's2', 'D0', '{operator}', NULL);
            """
        )
    }

    func calls() throws -> [Call] {
        try connection.query(
            """
            SELECT call_id, caller_number, answered_at, end_cause, first_responder, outcome, record
            FROM hotline.calls ORDER BY call_id
            """
        ).map { row in
            Call(
                id: try row.decode("call_id"),
                callerNumber: try row.decodeIfPresent("caller_number"),
                answeredAt: try row.decodeIfPresent("answered_at"),
                endCause: try row.decodeIfPresent("end_cause"),
                firstResponder: try row.decodeIfPresent("first_responder"),
                outcome: try row.decode("outcome"),
                record: try row.decodeIfPresent("record")
            )
        }
    }

    func events() throws -> [String] {
        try connection.query(
            "SELECT event_id || ' ' || type || ' ' || payload AS e FROM hotline.pbx_events ORDER BY seq"
        )
        .map { try $0.decode("e") }
    }
}
