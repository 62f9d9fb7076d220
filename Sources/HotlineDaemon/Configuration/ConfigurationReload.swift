import Foundation
import HotlineCore

extension Configuration {
    /// The keys a reload cannot change in a running daemon: the database connection and the embedded cluster, the
    /// sockets (bound or inherited once), the spool, the time zone (fixed into every printed time and period) and
    /// the clock, and whether hops are anchored. A reload keeps their running values and names them, so the administrator knows to restart.
    public func restartOnlyChanges(in fresh: Configuration) -> [String] {
        var changed: [String] = []
        if database != fresh.database { changed.append("database.conninfo") }
        if embeddedUser != fresh.embeddedUser { changed.append("database.embedded_user") }
        if pbxSocket != fresh.pbxSocket { changed.append("sockets.pbx") }
        if controlSocket != fresh.controlSocket { changed.append("sockets.control") }
        if socketGroup != fresh.socketGroup { changed.append("sockets.group") }
        if socketMode != fresh.socketMode { changed.append("sockets.mode") }
        if stateDirectory != fresh.stateDirectory { changed.append("state.dir") }
        if spoolLimitBytes != fresh.spoolLimitBytes { changed.append("state.spool_limit_bytes") }
        if timeZone != fresh.timeZone { changed.append("calendar.time_zone") }
        if anchorHops != fresh.anchorHops { changed.append("audit.anchor") }
        if clock != fresh.clock || clockStart != fresh.clockStart { changed.append("--clock") }
        return changed
    }

    /// What a reload puts in force: `fresh`'s business hours, calendar files, provisional holidays and warning
    /// day, `[policy]` and `[qa]`; and this
    /// configuration's values for everything only a restart may change.
    public func reloaded(with fresh: Configuration) -> Configuration {
        var next = self
        next.businessHours = fresh.businessHours
        next.calendarFiles = fresh.calendarFiles
        next.provisionalHolidays = fresh.provisionalHolidays
        next.warnFrom = fresh.warnFrom
        next.policy = fresh.policy
        next.qaGrading = fresh.qaGrading
        next.configFile = fresh.configFile
        return next
    }
}
