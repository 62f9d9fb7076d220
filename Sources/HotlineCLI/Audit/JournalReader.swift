import CSystemd
import Foundation
import HotlineCore

/// Why the journal could not be read.
struct JournalReadError: Error, CustomStringConvertible {
    var call: String
    var code: Int32

    var description: String { "\(call): \(String(cString: strerror(-code)))" }
}

/// The systemd journal, read through libsystemd's sd_journal API: this type owns the `sd_journal` handle from
/// opening to closing, and is the only reader of the journal in Hotline. `hotlinectl audit verify --journal` uses
/// it with the rights of whoever runs it (root, or a member of the `systemd-journal` or `adm` group for the system
/// journal); the daemon never reads the journal.
final class JournalReader {
    /// Which journal files to open.
    enum Source {
        /// Every journal file of this machine the user may read (`journalctl` without options).
        case local
        /// The journal files in a directory and its machine-id subdirectories (`journalctl -D DIR`).
        case directory(String)
        /// These journal files (`journalctl --file FILE`).
        case files([String])

        /// The name anchors found here carry: `journal`, or `journal:PATH`.
        var name: String {
            switch self {
            case .local: return AnchorAudit.journalSource
            case .directory(let path): return AnchorAudit.journalSource + ":" + path
            case .files(let paths): return AnchorAudit.journalSource + ":" + paths.joined(separator: ",")
            }
        }
    }

    private let handle: OpaquePointer

    init(_ source: Source) throws(JournalReadError) {
        var opened: OpaquePointer?
        let result: Int32
        switch source {
        case .local:
            result = sd_journal_open(&opened, 0)
        case .directory(let path):
            result = sd_journal_open_directory(&opened, path, 0)
        case .files(let paths):
            let copies = paths.map { strdup($0) }
            defer { copies.forEach { free($0) } }
            // A NULL-terminated array of paths.
            var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
            result = sd_journal_open_files(&opened, &pointers, 0)
        }
        guard result >= 0, let opened else { throw JournalReadError(call: "sd_journal_open", code: result) }
        handle = opened
    }

    deinit { sd_journal_close(handle) }

    /// The bytes of journal files open: 0 when nothing could be opened (no journal, or no right to read it).
    func usage() throws(JournalReadError) -> UInt64 {
        var bytes: UInt64 = 0
        let result = sd_journal_get_usage(handle, &bytes)
        guard result >= 0 else { throw JournalReadError(call: "sd_journal_get_usage", code: result) }
        return bytes
    }

    /// Restricts the entries read to those with `FIELD=value`. Matches on different fields must all hold; matches
    /// on one field are alternatives (sd_journal_add_match).
    func match(_ fieldAndValue: String) throws(JournalReadError) {
        let result = Array(fieldAndValue.utf8).withUnsafeBytes { bytes in
            sd_journal_add_match(handle, bytes.baseAddress, bytes.count)
        }
        guard result >= 0 else { throw JournalReadError(call: "sd_journal_add_match \(fieldAndValue)", code: result) }
    }

    /// Every matching entry from the oldest, as a map of the `fields` it has, plus `__REALTIME_TIMESTAMP`.
    func entries(fields: [String]) throws(JournalReadError) -> [[String: String]] {
        var result = sd_journal_seek_head(handle)
        guard result >= 0 else { throw JournalReadError(call: "sd_journal_seek_head", code: result) }
        var entries: [[String: String]] = []
        while true {
            result = sd_journal_next(handle)
            guard result >= 0 else { throw JournalReadError(call: "sd_journal_next", code: result) }
            if result == 0 { break }
            var entry: [String: String] = [:]
            for field in fields {
                var data: UnsafeRawPointer?
                var length = 0
                guard sd_journal_get_data(handle, field, &data, &length) >= 0, let data else { continue }
                // The data is `FIELD=value`.
                let bytes = UnsafeRawBufferPointer(start: data, count: length)
                entry[field] = String(decoding: bytes.dropFirst(field.utf8.count + 1), as: UTF8.self)
            }
            var microseconds: UInt64 = 0
            if sd_journal_get_realtime_usec(handle, &microseconds) >= 0 {
                entry[JournalAnchors.timeField] = String(microseconds)
            }
            entries.append(entry)
        }
        return entries
    }
}
