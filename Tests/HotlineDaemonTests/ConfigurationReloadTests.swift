import Foundation
import HotlineDaemon
import Testing

@Suite("Configuration reload")
struct ConfigurationReloadTests {
    @Test("policy, business hours and calendar files change on reload; restart-only keys keep running values")
    func reloadedKeepsRestartOnlyKeys() throws {
        let running = Configuration.defaults
        var fresh = running
        try fresh.apply(
            try ConfigFile.parse(
                """
                [database]
                conninfo = "dbname=elsewhere"
                [sockets]
                pbx = "/tmp/other-pbx.sock"
                [calendar]
                time_zone = "Asia/Urumqi"
                business_hours = "mon-sat 08:30-17:30"
                files = ["/etc/hotline/extra.txt"]
                [policy]
                transfer_allowance = "30m"
                """,
                file: "new.toml"
            ),
            file: "new.toml"
        )
        #expect(
            running.restartOnlyChanges(in: fresh) == ["database.conninfo", "sockets.pbx", "calendar.time_zone"]
        )
        let next = running.reloaded(with: fresh)
        #expect(next.database == running.database)
        #expect(next.pbxSocket == running.pbxSocket)
        #expect(next.timeZone == "Asia/Shanghai")
        #expect(next.businessHours == "mon-sat 08:30-17:30")
        #expect(next.calendarFiles == ["/etc/hotline/extra.txt"])
        #expect(next.policy["transfer_allowance"] == .string("30m"))
        #expect(next.configFile == "new.toml")
        #expect(running.restartOnlyChanges(in: running).isEmpty)
    }
}
