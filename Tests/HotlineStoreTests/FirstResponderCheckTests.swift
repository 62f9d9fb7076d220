import HotlineTestSupport
import Testing

@testable import HotlineStore

/// The call register's first responder is always a staff member (sql/014): checked per statement instead of by a
/// foreign key per row, with both halves of the foreign key kept.
@Suite("First responder check")
struct FirstResponderCheckTests {
    private func register() throws -> PGConnection {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        try connection.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('SVC', '客服部');
            INSERT INTO hotline.staff (login, name, department, roles)
                VALUES ('zhangsan', '张三', 'SVC', '{operator}'), ('lisi', '李四', 'SVC', '{operator}'),
                       ('wangwu', '王五', 'SVC', '{operator}');
            """
        )
        return connection
    }

    private func insertCalls(_ responders: [String?], on connection: PGConnection) throws {
        try connection.command(
            """
            INSERT INTO hotline.calls (call_id, answered_at, first_responder, outcome)
            SELECT 'c' || n, now(), r, 'answered' FROM unnest($1::text[]) WITH ORDINALITY AS u(r, n)
            """,
            [PostgresTextArray(responders)]
        )
    }

    @Test("a call naming a staff member is stored; one naming nobody known is refused with the foreign key's code")
    func insertAndUpdate() throws {
        let connection = try register()
        defer { connection.close() }
        try insertCalls(["zhangsan", "lisi", "zhangsan", nil], on: connection)
        #expect(try connection.query("SELECT count(*) AS n FROM hotline.calls").first?.decode("n", as: Int.self) == 4)

        // One unknown login among known ones refuses the whole statement.
        let unknown = #expect(throws: PostgresError.self) {
            try connection.command(
                """
                INSERT INTO hotline.calls (call_id, answered_at, first_responder, outcome)
                VALUES ('d1', now(), 'zhangsan', 'answered'), ('d2', now(), 'nobody', 'answered')
                """
            )
        }
        #expect(unknown?.code == .foreignKeyViolation)
        #expect(unknown?.message.contains("nobody") == true)
        #expect(try connection.query("SELECT count(*) AS n FROM hotline.calls").first?.decode("n", as: Int.self) == 4)

        let update = #expect(throws: PostgresError.self) {
            try connection.command("UPDATE hotline.calls SET first_responder = 'ghost' WHERE call_id = 'c4'")
        }
        #expect(update?.code == .foreignKeyViolation)
        try connection.command("UPDATE hotline.calls SET first_responder = 'wangwu' WHERE call_id = 'c4'")
    }

    @Test("a staff member a call names can be neither deleted nor renamed; one no call names can")
    func staffSide() throws {
        let connection = try register()
        defer { connection.close() }
        try insertCalls(["zhangsan"], on: connection)
        let delete = #expect(throws: PostgresError.self) {
            try connection.command("DELETE FROM hotline.staff WHERE login = 'zhangsan'")
        }
        #expect(delete?.code == .foreignKeyViolation)
        let rename = #expect(throws: PostgresError.self) {
            try connection.command("UPDATE hotline.staff SET login = 'zhangsan2' WHERE login = 'zhangsan'")
        }
        #expect(rename?.code == .foreignKeyViolation)
        try connection.command("UPDATE hotline.staff SET name = '张三丰' WHERE login = 'zhangsan'")
        try connection.command("DELETE FROM hotline.staff WHERE login = 'wangwu'")
        let left = try connection.query("SELECT login FROM hotline.staff WHERE login IN ('zhangsan', 'wangwu')")
        #expect(try left.map { try $0.decode("login", as: String.self) } == ["zhangsan"])
    }
}
