import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

/// The libpq layer against a real PostgreSQL (issue 2): migrations, parameters, errors, reconnect, NOTIFY, COPY.
@Suite("PostgreSQL store", .serialized)
struct PostgresStoreTests {
    @Test("migrations applied twice are a no-op")
    func migrationsTwice() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        let migrator = Migrator(logger: TestEnvironment.logger)
        let first = try migrator.migrate(connection)
        #expect(first == Migration.embedded.map(\.version))
        #expect(!first.isEmpty)
        let second = try migrator.migrate(connection)
        #expect(second.isEmpty)
        let rows = try connection.query("SELECT count(*) AS n FROM hotline.schema_migrations")
        #expect(try rows.first?.decode("n", as: Int.self) == Migration.embedded.count)
        #expect(try Migrator.appliedVersions(connection) == Migration.embedded.map(\.version))
    }

    @Test("a transaction inside another joins it: one commit, and an inner error rolls back the whole (#14)")
    func nestedTransactions() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        try connection.command("CREATE TABLE nested (n int)")
        try connection.transaction { outer in
            try outer.command("INSERT INTO nested VALUES (1)")
            #expect(outer.isInTransaction)
            try outer.transaction { inner in try inner.command("INSERT INTO nested VALUES (2)") }
            #expect(outer.isInTransaction)  // the inner call did not commit
        }
        #expect(!connection.isInTransaction)
        #expect(try connection.query("SELECT count(*) AS n FROM nested").first?.decode("n", as: Int.self) == 2)

        struct Refused: Error {}
        var attempts = 0
        #expect(throws: Refused.self) {
            try connection.transaction { outer in
                try outer.command("INSERT INTO nested VALUES (3)")
                // Inside an outer transaction nothing is retried here: only the outer one could run again.
                try retryingConflicts(on: outer) {
                    attempts += 1
                    try outer.transaction { inner in
                        try inner.command("INSERT INTO nested VALUES (4)")
                        throw Refused()
                    }
                }
            }
        }
        #expect(attempts == 1)
        #expect(!connection.isInTransaction)
        #expect(try connection.query("SELECT count(*) AS n FROM nested").first?.decode("n", as: Int.self) == 2)
    }

    @Test("two daemons migrating at once apply each migration once")
    func concurrentMigrations() async throws {
        let conninfo = try TestEnvironment.makeDatabase()
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let session = try PostgresSession(conninfo: conninfo, label: "m", logger: TestEnvironment.logger)
                    let migrator = Migrator(logger: TestEnvironment.logger)
                    let applied = try await session.withConnection { try migrator.migrate($0) }
                    await session.close()
                    return applied
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { !$0.isEmpty }.count == 1)
        #expect(results.flatMap { $0 }.sorted() == Migration.embedded.map(\.version))
    }

    @Test("databases of one cluster migrating at once race to create a shared role; the loser retries and succeeds")
    func concurrentRoleCreationAcrossDatabases() async throws {
        let role = "hl_race_\(UUID().uuidString.prefix(8).lowercased())"
        // The pause between looking for the role and creating it makes every migrator see it missing.
        let migration = Migration(
            version: 1,
            name: "001_role.sql",
            sql: """
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(role)') THEN
                        PERFORM pg_sleep(0.3);
                        CREATE ROLE \(role) NOLOGIN;
                    END IF;
                END
                $$;
                """
        )
        let databases = try (0..<4).map { _ in try TestEnvironment.makeDatabase() }
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for conninfo in databases {
                group.addTask {
                    let connection = try PGConnection(conninfo: conninfo)
                    defer { connection.close() }
                    return try Migrator(migrations: [migration], logger: TestEnvironment.logger).migrate(connection)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: [1], count: 4))
        let admin = try PGConnection(conninfo: try TestEnvironment.conninfo)
        defer { admin.close() }
        try admin.command("DROP ROLE \(role)")
    }

    @Test(
        "parameters round-trip byte-exact",
        arguments: [
            "O'Brien said \"hi\"", #"C:\path\to\file \\ \n not a newline"#, "张三投诉：热水器坏了，已三天！",
            "'; DROP TABLE hotline.staff; --", "emoji 📞 and tab\tand newline\nend", "", "   spaces   ",
            "\u{0001}control\u{001F}",
        ]
    )
    func parameterRoundTrip(text: String) throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.conninfo)
        defer { connection.close() }
        let echoed = try connection.query("SELECT $1::text AS value, octet_length($1::text) AS bytes", [text])
        #expect(try echoed.first?.decode("value", as: String.self) == text)
        #expect(try echoed.first?.decode("bytes", as: Int.self) == text.utf8.count)
        try connection.command("CREATE TEMP TABLE IF NOT EXISTS echo (value text)")
        try connection.command("DELETE FROM echo")
        try connection.command("INSERT INTO echo (value) VALUES ($1)", [text])
        let stored = try connection.query("SELECT value FROM echo")
        #expect(stored.count == 1)
        #expect(Array(try stored[0].decode("value", as: String.self).utf8) == Array(text.utf8))
    }

    @Test("NULL, integers, booleans, arrays and timestamps decode")
    func typedDecoding() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.conninfo)
        defer { connection.close() }
        let moment = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let rows = try connection.query(
            "SELECT $1::text AS missing, $2::int AS number, $3::bool AS flag, $4::text[] AS list, $5::timestamptz AS at",
            [nil, 42, true, ["a,b", "引号\"", "back\\slash", ""], moment]
        )
        let row = try #require(rows.first)
        #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
        #expect(try row.decode("number", as: Int.self) == 42)
        #expect(try row.decode("flag", as: Bool.self))
        #expect(try row.decode("list", as: [String].self) == ["a,b", "引号\"", "back\\slash", ""])
        let at = try row.decode("at", as: Date.self)
        #expect(abs(at.timeIntervalSince1970 - moment.timeIntervalSince1970) < 0.000_001)
        #expect(throws: PostgresDecodingError.self) { try row.decode("missing", as: String.self) }
        #expect(throws: PostgresDecodingError.self) { try row.decode("nonexistent", as: String.self) }
    }

    @Test("server errors carry SQLSTATE, message and constraint")
    func serverErrors() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        try connection.command("INSERT INTO hotline.departments (code, name) VALUES ($1, $2)", ["SVC", "客服部"])
        let duplicate = #expect(throws: PostgresError.self) {
            try connection.command("INSERT INTO hotline.departments (code, name) VALUES ($1, $2)", ["SVC", "x"])
        }
        #expect(duplicate?.code == .uniqueViolation)
        #expect(duplicate?.sqlState == "23505")
        #expect(duplicate?.constraint == "departments_pkey")
        #expect(duplicate?.message.contains("duplicate key") == true)
        let syntax = #expect(throws: PostgresError.self) { try connection.query("SELEC 1") }
        #expect(syntax?.sqlState == "42601")
        // The connection stays usable after an error.
        #expect(try connection.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
    }

    @Test("the schema refuses bad states")
    func schemaConstraints() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        let badCode = #expect(throws: PostgresError.self) {
            try connection.command("INSERT INTO hotline.departments (code, name) VALUES ($1, $2)", ["a b", "x"])
        }
        #expect(badCode?.code == .checkViolation)
        let noDepartment = #expect(throws: PostgresError.self) {
            try connection.command(
                "INSERT INTO hotline.staff (login, name, department, roles) VALUES ($1, $2, $3, $4)",
                ["zhangsan", "张三", "NOPE", ["operator"]]
            )
        }
        #expect(noDepartment?.code == .foreignKeyViolation)
        try connection.command("INSERT INTO hotline.departments (code, name) VALUES ($1, $2)", ["SVC", "客服部"])
        let badRole = #expect(throws: PostgresError.self) {
            try connection.command(
                "INSERT INTO hotline.staff (login, name, department, roles) VALUES ($1, $2, $3, $4)",
                ["zhangsan", "张三", "SVC", ["boss"]]
            )
        }
        #expect(badRole?.code == .checkViolation)
        try connection.command(
            "INSERT INTO hotline.departments (code, name, is_coordination) VALUES ('QA', '质检部', true)"
        )
        let secondOffice = #expect(throws: PostgresError.self) {
            try connection.command(
                "INSERT INTO hotline.departments (code, name, is_coordination) VALUES ('CO', 'x', true)"
            )
        }
        #expect(secondOffice?.code == .uniqueViolation)
    }

    @Test("hops are append-only (R9): UPDATE and DELETE are refused by a trigger")
    func hopsAppendOnly() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.makeDatabase())
        defer { connection.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        try connection.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('SVC', '客服部');
            INSERT INTO hotline.staff (login, name, department, roles) VALUES ('zhangsan', '张三', 'SVC', '{operator}');
            INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept, responsible, received_at)
                VALUES ('热水器坏了', 'zhangsan', 'SVC', 'zhangsan', now());
            """
        )
        try connection.command(
            """
            INSERT INTO hotline.hops (complaint_id, seq, action, by_login, at, hash)
            SELECT id, 1, 'filed', 'zhangsan', now(), sha256('x') FROM hotline.complaints
            """
        )
        let update = #expect(throws: PostgresError.self) {
            try connection.command("UPDATE hotline.hops SET text = 'x'")
        }
        #expect(update?.code == .insufficientPrivilege)
        #expect(update?.message.hasPrefix("R9") == true)
        let delete = #expect(throws: PostgresError.self) { try connection.command("DELETE FROM hotline.hops") }
        #expect(delete?.code == .insufficientPrivilege)
        #expect(try connection.query("SELECT count(*) AS n FROM hotline.hops").first?.decode("n", as: Int.self) == 1)
    }

    @Test("transactions commit, and roll back when the body throws")
    func transactions() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.conninfo)
        defer { connection.close() }
        try connection.command("CREATE TEMP TABLE t (v int)")
        try connection.transaction { try $0.command("INSERT INTO t VALUES (1)") }
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.transaction { connection in
                try connection.command("INSERT INTO t VALUES (2)")
                throw Abort()
            }
        }
        #expect(
            try connection.query("SELECT array_agg(v)::text[] AS v FROM t").first?.decode("v", as: [String].self) == [
                "1"
            ]
        )
    }

    @Test("a bad conninfo is a clear error, not a crash")
    func badConninfo() throws {
        let malformed = #expect(throws: PostgresError.self) {
            try PGConnection(conninfo: "host=/tmp dbname='unterminated")
        }
        #expect(malformed?.code == .badConnectionString)
        #expect(malformed?.message.isEmpty == false)
        let unknownOption = #expect(throws: PostgresError.self) { try PGConnection(conninfo: "nosuchoption=1") }
        #expect(unknownOption?.code == .badConnectionString)
        #expect(unknownOption?.message.contains("nosuchoption") == true)
        let badURI = #expect(throws: PostgresError.self) { try PGConnection(conninfo: "postgresql://[::1") }
        #expect(badURI?.code == .badConnectionString)
        let nowhere = #expect(throws: PostgresError.self) {
            try PGConnection(conninfo: "host=/nonexistent/hotline dbname=x connect_timeout=2")
        }
        #expect(nowhere?.code == .connectionFailure)
        #expect(nowhere?.message.contains("could not connect") == true)
        #expect(throws: PostgresError.self) {
            try PostgresSession(conninfo: "host=x dbname='open", label: "bad", logger: TestEnvironment.logger)
        }
    }

    @Test("a postgresql:// URI connects like a conninfo string")
    func uriConnects() throws {
        let conninfo = try TestEnvironment.conninfo
        // host=/tmp/x dbname=postgres user=hotline_test  →  postgresql://hotline_test@/postgres?host=/tmp/x
        var parts: [String: String] = [:]
        for pair in conninfo.split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            parts[String(kv[0])] = String(kv[1])
        }
        let uri = "postgresql://\(parts["user"]!)@/\(parts["dbname"]!)?host=\(parts["host"]!)"
        let connection = try PGConnection(conninfo: uri)
        defer { connection.close() }
        #expect(try connection.query("SELECT current_user AS u").first?.decode("u", as: String.self) == parts["user"])
        #expect(connection.serverVersion >= 120_000)
    }

    @Test("LISTEN/NOTIFY delivers payloads")
    func notifications() throws {
        let listener = try PGConnection(conninfo: try TestEnvironment.conninfo)
        let sender = try PGConnection(conninfo: try TestEnvironment.conninfo)
        defer {
            listener.close()
            sender.close()
        }
        try listener.listen("hotline_events")
        try sender.command(
            "SELECT pg_notify($1, $2)",
            ["hotline_events", #"{"kind":"breach","complaint":7,"备注":"超时"}"#]
        )
        var received: [PostgresNotification] = []
        let deadline = Date().addingTimeInterval(5)
        while received.isEmpty && Date() < deadline {
            received += try listener.waitForNotifications(timeout: .milliseconds(500))
        }
        #expect(received.count == 1)
        #expect(received.first?.channel == "hotline_events")
        #expect(received.first?.payload == #"{"kind":"breach","complaint":7,"备注":"超时"}"#)
    }

    @Test("COPY FROM STDIN loads rows")
    func copyIn() throws {
        let connection = try PGConnection(conninfo: try TestEnvironment.conninfo)
        defer { connection.close() }
        try connection.command("CREATE TEMP TABLE c (id int, name text)")
        var text = ""
        for index in 0..<1000 { text += "\(index)\t名字\(index)\n" }
        let copied = try connection.copyIn("COPY c (id, name) FROM STDIN", data: Array(text.utf8))
        #expect(copied == 1000)
        let row = try connection.query("SELECT count(*) AS n, max(name) AS m FROM c").first
        #expect(try row?.decode("n", as: Int.self) == 1000)
        let bad = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY c (id, name) FROM STDIN", data: Array("x\ty\n".utf8))
        }
        #expect(bad?.sqlState == "22P02")
        #expect(try connection.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
    }

    @Test("a query after the server restarts succeeds through reconnect")
    func reconnectAfterRestart() async throws {
        let cluster = try PrivateCluster()
        let session = try PostgresSession(
            conninfo: cluster.conninfo,
            label: "reconnect",
            logger: TestEnvironment.logger
        )
        let before = try await session.withConnection {
            try $0.query("SELECT pg_backend_pid() AS pid").first!.decode("pid", as: Int.self)
        }
        try cluster.restart()
        let after = try await session.withConnection {
            try $0.query("SELECT pg_backend_pid() AS pid").first!.decode("pid", as: Int.self)
        }
        #expect(before != after)
        let echoed = try await session.withConnection {
            try $0.query("SELECT $1::text AS v", ["再次连接"]).first!.decode("v", as: String.self)
        }
        #expect(echoed == "再次连接")
        // While the server is down the error says so; once it is back the same session works again.
        try cluster.stop()
        await #expect(throws: PostgresError.self) { try await session.withConnection { try $0.query("SELECT 1") } }
        try cluster.start()
        let back = try await session.withConnection {
            try $0.query("SELECT 2 AS two").first!.decode("two", as: Int.self)
        }
        #expect(back == 2)
        await session.close()
    }
}
