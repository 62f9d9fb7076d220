import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// Issue 17: the journal as the second anchor, for real. The machine that runs the tests has no journald of its
/// own, so the test starts a private one: in a mount namespace of its own (needs root, as `make test` runs here),
/// /run/systemd and /var/log/journal are empty and /run/log is a test directory, where the real
/// systemd-journald writes its journal files. hotlined runs in that namespace as systemd would run it — stdout and
/// stderr a journal stream (systemd-cat), JOURNAL_STREAM naming it — so its JournalLogHandler sends the hop
/// entries with sd_journal_sendv. hotlinectl, outside, reads the files journald wrote with sd_journal.
extension AuditAnchorTests {
    /// A private journald and a hotlined logging to it; the journal files appear under the returned directory.
    final class PrivateJournal {
        let directory: String
        var journalDirectory: String { directory + "/log/journal" }

        init() throws {
            directory = "/tmp/hl-journal-" + String(UUID().uuidString.prefix(8))
            try FileManager.default.createDirectory(atPath: directory + "/log", withIntermediateDirectories: true)
            let script = """
                set -e
                dir="$1"; shift
                mount -t tmpfs tmpfs /run/systemd
                mount -t tmpfs tmpfs /var/log/journal 2>/dev/null || true
                mount --bind "$dir/log" /run/log
                /lib/systemd/systemd-journald </dev/null >"$dir/journald.out" 2>&1 &
                echo $! >"$dir/journald.pid"
                for i in $(seq 200); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.05; done
                exec systemd-cat -t hotlined-output /bin/sh -c \\
                    'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2); export JOURNAL_STREAM; exec "$@"' sh "$@"
                """
            try script.write(toFile: directory + "/launch.sh", atomically: true, encoding: .utf8)
        }

        var launcher: [String] {
            [
                "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/bash", directory + "/launch.sh",
                directory,
            ]
        }

        deinit {
            if let text = try? String(contentsOfFile: directory + "/journald.pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(pid, SIGTERM)
                // Not our child (the launcher's): wait until it is gone by probing it.
                let until = Date().addingTimeInterval(5)
                while kill(pid, 0) == 0, Date() < until { usleep(20_000) }
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("the journal anchors every hop: a truncation the anchor files no longer show is caught with --journal")
    func journalAnchors() throws {
        let journal = try PrivateJournal()
        let database = try TestEnvironment.makeDatabase()
        let (daemon, _) = try makeCentre(database: database, launcher: journal.launcher)
        let id = try acceptedComplaint(daemon)
        let source = ["--journal-directory", journal.journalDirectory]
        // journald writes what it receives without the sender waiting: poll until the four entries are in.
        var report = JSONValue.null
        try TestEnvironment.waitUntil(timeout: 10) {
            let result = try daemon.ctl(["audit", "verify", "--json"] + source)
            guard result.status == 0 else { return false }
            report = try JSONValue.parse(Array(result.stdout.utf8))
            return report["journal"]?["anchored_hops"] == .int(4)
        }
        #expect(report["ok"] == .bool(true))
        #expect(report["journal"]?["entries"] == .int(4))
        #expect(report["journal"]?["not_anchored_hops"] == .int(0))
        #expect(report["journal"]?["source"] == .string("journal:" + journal.journalDirectory))
        // journalctl sees the same structured fields.
        let exported = try ProcessRunner.run([
            "/usr/bin/journalctl", "-D", journal.journalDirectory, "COMPLAINT_ID=\(id)", "-o", "export",
            "--output-fields=HOTLINE_HOP_HASH,HOP_SEQ",
        ])
        #expect(exported.stdout.components(separatedBy: "HOTLINE_HOP_HASH=").count - 1 == 4)
        #expect(exported.stdout.contains("HOP_SEQ=4"))

        // The superuser cuts the accept and resets the head; root also removes the anchor files, so that the
        // daemon's own anchors no longer know the hop.
        let admin = try superuser(database)
        defer { admin.close() }
        try admin.command("DELETE FROM hotline.hops WHERE complaint_id = $1::bigint AND seq = 4", [id])
        try admin.command(
            """
            UPDATE hotline.complaints SET hop_head = (SELECT hash FROM hotline.hops WHERE complaint_id = $1::bigint
                AND seq = 3) WHERE id = $1::bigint
            """,
            [id]
        )
        for file in try anchorFiles(daemon) { try FileManager.default.removeItem(atPath: file) }
        let blind = try daemon.ctlJSON(["audit", "verify"])
        #expect(blind["ok"] == .bool(true))
        #expect(blind["not_anchored_hops"] == .int(3))

        let caught = try daemon.ctl(["audit", "verify"] + source)
        #expect(caught.status == 3)
        #expect(caught.stderr.contains("R9"))
        #expect(caught.stderr.contains("complaint \(id) hop 4"))
        #expect(caught.stderr.contains("journal:\(journal.journalDirectory) entry 4"))
        let (status, _, listed) = try failedVerify(daemon, source)
        #expect(status == 3)
        #expect(listed["ok"] == .bool(false))
        let discrepancies = try #require(listed["discrepancies"]?.arrayValue)
        #expect(discrepancies.count == 1)
        #expect(discrepancies.first?["kind"] == .string("hop_missing"))
        #expect(discrepancies.first?["hop"] == .int(4))
        #expect(listed["journal"]?["anchored_hops"] == .int(3))

        // The same from the journal file itself, and narrowed to entries of another unit: none, so nothing to
        // contradict (but nothing anchored either).
        let file = try #require(
            FileManager.default.enumerator(atPath: journal.journalDirectory)?.compactMap { $0 as? String }
                .first { $0.hasSuffix("system.journal") }
        )
        let byFile = try daemon.ctl(["audit", "verify", "--journal-file", journal.journalDirectory + "/" + file])
        #expect(byFile.status == 3)
        #expect(byFile.stderr.contains("complaint \(id) hop 4"))
        let otherUnit = try daemon.ctlJSON(
            ["audit", "verify", "--journal-unit", "elsewhere.service"] + source
        )
        #expect(otherUnit["journal"]?["entries"] == .int(0))
        #expect(otherUnit["journal"]?["not_anchored_hops"] == .int(3))
        daemon.stop()
    }

    @Test("no journal file to read is an error (exit 2), never a pass")
    func noJournal() throws {
        let (daemon, _) = try makeCentre()
        _ = try acceptedComplaint(daemon)
        let empty = daemon.directory + "/no-journal"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let result = try daemon.ctl(["audit", "verify", "--journal-directory", empty])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no journal file could be read"))
        daemon.stop()
    }
}
