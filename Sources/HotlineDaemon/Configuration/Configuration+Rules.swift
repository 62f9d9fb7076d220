import Foundation
import HotlineCore
import HotlineStore

extension Configuration {
    /// The complaint rules in force: `[policy]` allowances and the work calendar of `[calendar]` (the shipped China
    /// schedule plus the configured files, and provisional statutory holidays for the years none of them covers). Checked at start, so a bad value stops the daemon with its key named.
    public func complaintRules() throws -> ComplaintContext {
        let file = configFile ?? "built-in defaults"
        func fail(_ key: String, _ reason: String) -> ConfigFileError {
            ConfigFileError(file: file, line: 0, key: key, reason: reason)
        }
        func allowance(_ key: String, default value: Allowance) throws -> Allowance {
            guard let entry = policy[key] else { return value }
            guard case .string(let text) = entry else { throw fail("policy.\(key)", "must be a duration in quotes") }
            do {
                return try Allowance(parsing: text)
            } catch {
                throw fail("policy.\(key)", "\(error)")
            }
        }
        func fraction(_ key: String, default value: Double) throws -> Double {
            switch policy[key] {
            case nil: return value
            case .float(let number)? where number > 0 && number <= 1: return number
            case .integer(1)?: return 1
            default: throw fail("policy.\(key)", "must be a number above 0 and at most 1")
            }
        }
        var workflow = WorkflowPolicy()
        if case .string(let code)? = policy["coordination_department"] { workflow.coordinationDepartment = code }
        switch policy["redo_threshold"] {
        case nil: break
        case .integer(let value)? where (1...5).contains(value): workflow.redoThreshold = value
        default: throw fail("policy.redo_threshold", "must be a satisfaction score from 1 to 5")
        }
        let deadlines = DeadlinePolicy(
            transfer: try allowance("transfer_allowance", default: .wallClock(minutes: 60)),
            accept: try allowance("accept_allowance", default: .businessMinutes(30)),
            reply: try allowance("reply_allowance", default: .workingDays(1)),
            warningShare: try fraction("warning_share", default: 0.8),
            urgentScale: try fraction("urgent_scale", default: 0.25),
            ladderVP: try allowance("ladder_vp_after", default: .workingDays(1)),
            ladderGM: try allowance("ladder_gm_after", default: .workingDays(2)),
            quietPeriod: try allowance("quiet_period", default: .workingDays(3)),
            urgentReadWithin: try allowance("urgent_read_within", default: .wallClock(minutes: 10))
        )
        // The GMs are told when a leader has not read an urgent case for so long on the clock, nights included.
        guard case .wallClock = deadlines.urgentReadWithin else {
            throw fail("policy.urgent_read_within", "must be a wall-clock duration such as \"10m\" or \"1h\"")
        }
        let hours: BusinessHours
        do {
            hours = try BusinessHours(parsing: businessHours)
        } catch {
            throw fail("calendar.business_hours", "\(error)")
        }
        var calendar = WorkCalendar(
            timeZone: zone,
            hours: hours,
            overrides: WorkCalendar.chinaDefault.overrides.map(\.value),
            provisionalHolidays: provisionalHolidays
        )
        for path in calendarFiles {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { throw fail("calendar.files", "cannot read \(path)") }
            do {
                calendar.apply(try CalendarFileParser.parse(text, fileName: path))
            } catch {
                throw fail("calendar.files", "\(error)")
            }
        }
        return ComplaintContext(workflow: workflow, deadlines: deadlines, calendar: calendar)
    }

    /// `[policy] notification_command` (nil when empty) and `notification_timeout` in seconds (default 10).
    public var notification: NotificationSettings {
        var settings = NotificationSettings()
        if case .string(let command)? = policy["notification_command"], !command.isEmpty { settings.command = command }
        switch policy["notification_timeout"] {
        case .integer(let seconds)? where seconds > 0: settings.timeout = TimeInterval(seconds)
        case .float(let seconds)? where seconds > 0: settings.timeout = seconds
        default: break
        }
        return settings
    }
}
