import CSystemd
import Foundation

/// The daemon's conversation with systemd through libsystemd: readiness and status (sd_notify), sockets passed by
/// socket activation (sd_listen_fds_with_names) and the watchdog interval. Outside systemd every call is a no-op.
///
/// This file is the daemon's only user of CSystemd besides ``JournalLogHandler``; hotlinectl reads the journal in
/// JournalReader.swift.
public enum Systemd {
    /// True when started by systemd with a notification socket (Type=notify).
    public static var isNotifyEnabled: Bool {
        ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
    }

    /// Sends a state string such as `READY=1\nSTATUS=serving`; returns false when not under systemd.
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    public static func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public static func status(_ text: String) { notify("STATUS=\(text)") }
    public static func stopping() { notify("STOPPING=1\nSTATUS=stopping") }
    public static func watchdog() { notify("WATCHDOG=1") }

    /// RELOADING=1 must carry the monotonic time (systemd ≥ 253 uses it for Type=notify-reload).
    public static func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let micros = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(micros)")
    }

    /// The watchdog interval systemd expects pings within (WatchdogSec=), nil when no watchdog is set.
    public static var watchdogInterval: Duration? {
        var micros: UInt64 = 0
        guard sd_watchdog_enabled(0, &micros) > 0, micros > 0 else { return nil }
        return .microseconds(Int64(micros))
    }

    /// Listening sockets passed by socket activation with their FileDescriptorName= (`pbx`, `control`), in order.
    /// A list, not a map: one socket unit gives the same name to all its sockets.
    public static func listenedSockets() -> [(name: String, descriptor: Int32)] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        guard count > 0 else { return [] }
        var sockets: [(name: String, descriptor: Int32)] = []
        for index in 0..<Int(count) {
            let descriptor = SD_LISTEN_FDS_START + Int32(index)
            var name = "fd\(index)"
            if let names, let entry = names[index] {
                name = String(cString: entry)
                free(entry)
            }
            sockets.append((name, descriptor))
        }
        if let names { free(names) }
        return sockets
    }

    /// True when stderr is connected to the journal (JOURNAL_STREAM matches), so logs should go there directly.
    public static var isJournalStream: Bool {
        guard let stream = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// Sends one structured journal entry; `fields` are `NAME=value` pairs (MESSAGE, PRIORITY, CALL_ID …).
    static func journal(_ fields: [String]) {
        let copies = fields.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var vectors = copies.enumerated().map { _, pointer in
            iovec(iov_base: UnsafeMutableRawPointer(pointer), iov_len: strlen(pointer!))
        }
        _ = vectors.withUnsafeMutableBufferPointer { buffer in
            sd_journal_sendv(buffer.baseAddress, Int32(buffer.count))
        }
    }
}
