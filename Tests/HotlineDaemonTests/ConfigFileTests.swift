import Foundation
import HotlineCore
import HotlineStore
import Testing

@testable import HotlineDaemon

@Suite("Configuration file")
struct ConfigFileTests {
    @Test("the documented example parses, and every key lands where it belongs")
    func example() throws {
        let text = """
            # comment
            [database]
            conninfo = "host=/var/run/postgresql dbname=hotline"   # trailing comment with "quotes"

            [sockets]
            pbx = '/run/hotline/pbx.sock'
            control = "/run/hotline/control.sock"
            group = "hotline"
            mode = "0660"

            [state]
            dir = "/var/lib/hotline"

            [calendar]
            time_zone = "Asia/Shanghai"
            business_hours = "mon-fri 09:00-12:00,13:00-18:00"
            files = ["/etc/hotline/calendars/cn-2027.txt", "/etc/hotline/extra.ics",]

            [policy]
            transfer_allowance = "1h"
            warning_share = 0.8
            redo_threshold = 2
            notification_command = "/usr/local/bin/sms \\"#1\\""
            """
        var configuration = Configuration.defaults
        try configuration.apply(try ConfigFile.parse(text, file: "h.toml"), file: "h.toml")
        #expect(configuration.database == "host=/var/run/postgresql dbname=hotline")
        #expect(configuration.pbxSocket == "/run/hotline/pbx.sock")
        #expect(configuration.socketGroup == "hotline")
        #expect(configuration.socketMode == 0o660)
        #expect(configuration.calendarFiles == ["/etc/hotline/calendars/cn-2027.txt", "/etc/hotline/extra.ics"])
        #expect(configuration.policy["warning_share"] == .float(0.8))
        #expect(configuration.policy["redo_threshold"] == .integer(2))
        #expect(configuration.policy["notification_command"] == .string("/usr/local/bin/sms \"#1\""))
    }

    @Test(
        "errors name the file, the line and the key",
        arguments: [
            ("[policy]\nreply_deadline = \"1d\"\n", "h.toml:2: [policy.reply_deadline] unknown key"),
            ("[sockets]\nmode = \"999\"\n", "h.toml:2: [sockets.mode] must be an octal mode"),
            ("[calendar]\ntime_zone = \"Mars/Olympus\"\n", "h.toml:2: [calendar.time_zone] unknown time zone"),
            ("[state]\ndir = /var/lib\n", "h.toml:2: [state.dir] cannot read value"),
            ("[state\n", "h.toml:1: malformed section header"),
            ("\n\njust words\n", "h.toml:3: expected `key = value`"),
            ("[state]\ndir = \"a\"\ndir = \"b\"\n", "h.toml:3: [state.dir] key given twice"),
            ("[database]\nconninfo = 5\n", "h.toml:2: [database.conninfo] must be a string"),
        ]
    )
    func errors(text: String, expected: String) throws {
        var configuration = Configuration.defaults
        let error = #expect(throws: ConfigFileError.self) {
            try configuration.apply(try ConfigFile.parse(text, file: "h.toml"), file: "h.toml")
        }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(String(describing: error))")
    }

    @Test("a missing default file is fine, a missing named file is an error")
    func missingFiles() throws {
        var configuration = Configuration.defaults
        try configuration.load(file: "/nonexistent/hotlined.toml", required: false)
        #expect(configuration == Configuration.defaults)
        #expect(throws: ConfigFileError.self) {
            try configuration.load(file: "/nonexistent/hotlined.toml", required: true)
        }
    }

    @Test("the shipped example config documents only keys the daemon accepts")
    func shippedExample() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/hotlined.toml").path
        var configuration = Configuration.defaults
        try configuration.load(file: path, required: true)
        #expect(configuration.timeZone == "Asia/Shanghai")
        // The documented values are the defaults.
        #expect(configuration.provisionalHolidays == Configuration.defaults.provisionalHolidays)
        #expect(configuration.warnFrom == Configuration.defaults.warnFrom)
        #expect(configuration.warnFrom.description == "12-01")
    }

    @Test("[calendar] provisional_holidays and warn_from: read, checked, and in the calendar in force")
    func calendarKeys() throws {
        var configuration = Configuration.defaults
        try configuration.apply(
            try ConfigFile.parse("[calendar]\nprovisional_holidays = false\nwarn_from = \"11-20\"\n", file: "t.toml"),
            file: "t.toml"
        )
        #expect(configuration.warnFrom == MonthDay(month: 11, day: 20))
        let calendar = try configuration.complaintRules().calendar
        #expect(calendar.usesProvisionalHolidays == false)
        #expect(calendar.dayInfo(on: LocalDate(year: 2027, month: 1, day: 1)!).isWorkingDay)
        #expect(try Configuration.defaults.complaintRules().calendar.usesProvisionalHolidays)
        for bad in ["warn_from = \"12-32\"", "warn_from = 1201", "provisional_holidays = \"yes\""] {
            var other = Configuration.defaults
            #expect(throws: ConfigFileError.self, "\(bad)") {
                try other.apply(try ConfigFile.parse("[calendar]\n\(bad)\n", file: "t.toml"), file: "t.toml")
            }
        }
    }
}
