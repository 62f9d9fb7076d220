import Foundation
import HotlineCore
import HotlineProtocol

/// Everything `hotlined` is told: built-in defaults, overridden by the config file, overridden by the command line.
///
/// Every key is documented in `deploy/hotlined.toml`.
public struct Configuration: Sendable, Equatable {
    /// A libpq conninfo or `postgresql://` URI; nil runs the embedded cluster in the state directory.
    public var database: String?
    /// The Unix user that owns the embedded cluster when the daemon runs as root (PostgreSQL refuses root).
    public var embeddedUser: String?
    public var pbxSocket: String
    public var controlSocket: String
    /// The group that may connect to both sockets; empty keeps the daemon's own group.
    public var socketGroup: String?
    /// Socket permissions, 0660 by default: the daemon's user and group only.
    public var socketMode: Int
    public var stateDirectory: String
    /// The most the PBX spool may hold while the database is unreachable; past it events are refused, not acked.
    public var spoolLimitBytes: Int
    public var timeZone: String
    public var businessHours: String
    public var calendarFiles: [String]
    /// `[calendar] provisional_holidays`: statutory holidays computed for years without an official schedule.
    public var provisionalHolidays: Bool
    /// `[calendar] warn_from`: from this day of the year, warn that next year's official schedule is missing.
    public var warnFrom: MonthDay
    /// `[metrics] textfile`: where to write the metrics every 15 s for node_exporter; nil: nowhere.
    public var metricsTextfile: String?
    public var policy: [String: ConfigValue]
    public var clock: ClockMode
    public var clockStart: Date?
    /// The file this came from, for reload and for messages.
    public var configFile: String?
    /// `[qa]`: the grades of the assessment (Configuration+QA.swift).
    public var qaGrading: QAGradingPolicy = .standard
    /// `[audit] anchor`: anchor every hop outside the database (issue 17); false only to measure its cost, which
    /// gives up the tamper evidence against a database superuser.
    public var anchorHops = true

    public enum ClockMode: String, Sendable, Equatable {
        case system
        case manual
    }

    /// The policy keys of `[policy]` (SPEC §8); their values are checked by the deadline code that uses them.
    public static let policyKeys: Set<String> = [
        "transfer_allowance", "accept_allowance", "reply_allowance", "warning_share", "ladder_vp_after",
        "ladder_gm_after", "urgent_scale", "coordination_department", "notification_command",
        "notification_timeout", "redo_threshold", "quiet_period", "urgent_read_within",
    ]

    public static let defaultConfigFile = "/etc/hotline/hotlined.toml"

    /// Defaults that work: under root the paths of the packaged service, otherwise per-user runtime paths.
    public static var defaults: Configuration {
        Configuration(
            database: nil,
            embeddedUser: nil,
            pbxSocket: DefaultPaths.runtimeDirectory + "/pbx.sock",
            controlSocket: DefaultPaths.runtimeDirectory + "/control.sock",
            socketGroup: nil,
            socketMode: 0o660,
            stateDirectory: DefaultPaths.stateDirectory,
            spoolLimitBytes: 1 << 30,
            timeZone: "Asia/Shanghai",
            businessHours: "mon-fri 09:00-12:00,13:00-18:00",
            calendarFiles: [],
            provisionalHolidays: true,
            warnFrom: .defaultWarnFrom,
            metricsTextfile: nil,
            policy: [:],
            clock: .system,
            clockStart: nil,
            configFile: nil
        )
    }

    /// Applies a config file's entries on top of this configuration.
    public mutating func apply(_ entries: [ConfigEntry], file: String) throws(ConfigFileError) {
        configFile = file
        for entry in entries {
            let qualified = "\(entry.section).\(entry.key)"
            func fail(_ reason: String) -> ConfigFileError {
                ConfigFileError(file: file, line: entry.line, key: qualified, reason: reason)
            }
            func string() throws(ConfigFileError) -> String {
                guard case .string(let value) = entry.value else { throw fail("must be a string in quotes") }
                return value
            }
            switch qualified {
            case _ where entry.section == "qa": try applyQA(entry, file: file)
            case "database.conninfo":
                let value = try string()
                database = value.isEmpty ? nil : value
            case "database.embedded_user":
                let value = try string()
                embeddedUser = value.isEmpty ? nil : value
            case "sockets.pbx": pbxSocket = try string()
            case "sockets.control": controlSocket = try string()
            case "sockets.group":
                let value = try string()
                socketGroup = value.isEmpty ? nil : value
            case "sockets.mode":
                let value = try string()
                guard let mode = Int(value, radix: 8), (0...0o777).contains(mode) else {
                    throw fail("must be an octal mode such as \"0660\"")
                }
                socketMode = mode
            case "state.dir": stateDirectory = try string()
            case "state.spool_limit_bytes":
                guard case .integer(let value) = entry.value, value > 0 else {
                    throw fail("must be a positive number of bytes")
                }
                spoolLimitBytes = value
            case "calendar.time_zone":
                let value = try string()
                guard TimeZone(identifier: value) != nil else { throw fail("unknown time zone '\(value)'") }
                timeZone = value
            case "calendar.business_hours": businessHours = try string()
            case "calendar.files":
                guard case .strings(let files) = entry.value else { throw fail("must be an array of paths") }
                calendarFiles = files
            case "metrics.textfile":
                let value = try string()
                guard value.isEmpty || value.hasPrefix("/") else { throw fail("must be an absolute path (or empty)") }
                metricsTextfile = value.isEmpty ? nil : value
            case "audit.anchor":
                guard case .boolean(let value) = entry.value else { throw fail("must be true or false") }
                anchorHops = value
            case "calendar.provisional_holidays":
                guard case .boolean(let value) = entry.value else { throw fail("must be true or false") }
                provisionalHolidays = value
            case "calendar.warn_from":
                let value = try string()
                guard let day = MonthDay(string: value) else {
                    throw fail("must be a day of the year as \"MM-DD\", such as \"12-01\"")
                }
                warnFrom = day
            default:
                guard entry.section == "policy", Configuration.policyKeys.contains(entry.key) else {
                    throw fail("unknown key (see deploy/hotlined.toml for the documented keys)")
                }
                policy[entry.key] = entry.value
            }
        }
        try validateQA(entries, file: file)
    }

    /// Reads a config file; a missing default file is not an error, a missing named file is.
    public mutating func load(file: String, required: Bool) throws(ConfigFileError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            if required || FileManager.default.fileExists(atPath: file) {
                throw ConfigFileError(file: file, line: 0, key: nil, reason: "cannot read the configuration file")
            }
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(file: file, line: 0, key: nil, reason: "the configuration file is not UTF-8")
        }
        try apply(try ConfigFile.parse(text, file: file), file: file)
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Asia/Shanghai")! }
}
