import Foundation
import HotlineCore
import HotlineSystem
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why an anchor file could not be read or written.
public struct AnchorLogError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "anchor file \(path): \(reason)" }
}

/// The daemon's anchor log (issue 17): one line per hop, appended and fsync'd after the transaction that wrote the
/// hop commits and before the command answers, in `STATE_DIR/audit/anchors-<host>-<instance>-YYYY-MM.log`. The
/// lines are chained (``AnchorLine``) across the months, and a restarted daemon continues from its last line, so
/// each daemon keeps one chain. The same facts go to the journal (`HOTLINE_HOP_HASH`, `COMPLAINT_ID`, `HOP_SEQ`),
/// which Forward Secure Sealing can make a second, independent anchor.
public final class AnchorLog: Sendable {
    public let directory: String
    /// `anchors-<host>-<instance>`: the files of this daemon are this, `-YYYY-MM.log`.
    public let series: String
    /// `[audit] anchor`: false writes no anchors at all (files or journal), for measuring what anchoring costs;
    /// the hops written meanwhile have no tamper evidence outside the database.
    public let enabled: Bool
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var file: AppendOnlyFile?
        var month: String?
        var previous: [UInt8]
    }

    /// Opens the log in `stateDirectory`; the instance is `HOTLINE_INSTANCE` when set, else derived from the state
    /// directory, which no two daemons on a host share.
    public init(stateDirectory: String, logger: Logger, enabled: Bool = true) throws(AnchorLogError) {
        directory = stateDirectory + "/audit"
        self.enabled = enabled
        let environment = ProcessInfo.processInfo.environment["HOTLINE_INSTANCE"].flatMap { $0.isEmpty ? nil : $0 }
        let absolute = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        let instance = environment ?? String(Hex.encode(SHA256.hash(utf8: absolute)).prefix(8))
        series = "anchors-\(Self.safe(Self.hostName()))-\(Self.safe(instance))"
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AnchorLogError(path: directory, reason: "\(error)")
        }
        // A restart continues the chain from the last line of the newest file of this daemon.
        var initial = State(file: nil, month: nil, previous: AnchorLine.origin)
        let own = try Self.files(in: directory, series: series)
        if let newest = own.last {
            let lines = newest.text.split(separator: "\n")
            if let last = lines.last { initial.previous = SHA256.hash(last.utf8) }
            initial.month = Self.month(ofFile: newest.name)
        }
        state = Mutex(initial)
    }

    /// Writes `hops` durably, one line each, and logs them to the journal. Call it after the transaction that
    /// wrote them committed: an anchor must never name a hop the database rolled back.
    public func anchor(_ hops: [AnchoredHop]) throws(AnchorLogError) {
        guard enabled, !hops.isEmpty else { return }
        for hop in hops {
            logger.info(
                "hop anchored",
                metadata: [
                    "hotline_hop_hash": "\(Hex.encode(hop.hash))", "complaint_id": "\(hop.complaintID)",
                    "hop_seq": "\(hop.sequence)",
                ]
            )
        }
        try state.withLock { state throws(AnchorLogError) in
            var index = 0
            while index < hops.count {
                // Months never go back, even if the clock does: the files stay in chain order by name.
                let hopMonth = UTCTimestamp.month(microseconds: hops[index].atMicroseconds)
                let month = max(hopMonth, state.month ?? hopMonth)
                let path = directory + "/\(series)-\(month).log"
                if state.month != month || state.file == nil {
                    state.file?.close()
                    do {
                        state.file = try AppendOnlyFile(path: path)
                    } catch {
                        state.file = nil
                        throw AnchorLogError(path: path, reason: "\(error)")
                    }
                    state.month = month
                }
                var previous = state.previous
                var text = ""
                while index < hops.count,
                    max(UTCTimestamp.month(microseconds: hops[index].atMicroseconds), month) == month
                {
                    let line = AnchorLine(hop: hops[index], previous: previous)
                    let rendered = line.text
                    text += rendered + "\n"
                    previous = SHA256.hash(utf8: rendered)
                    index += 1
                }
                do {
                    try state.file?.appendDurably(Array(text.utf8))
                } catch {
                    throw AnchorLogError(path: path, reason: "\(error)")
                }
                state.previous = previous
            }
        }
    }

    /// This daemon's files, oldest month first, named by their path.
    public func ownFiles() throws(AnchorLogError) -> [AnchorChain.File] {
        try Self.files(in: directory, series: series)
    }

    /// Files in chains: grouped by series (the name without `-YYYY-MM.log`), each series oldest month first. A
    /// file with another name is a series of its own.
    public static func series(of files: [AnchorChain.File]) -> [[AnchorChain.File]] {
        var groups: [String: [AnchorChain.File]] = [:]
        var order: [String] = []
        for file in files {
            let base = (file.name as NSString).lastPathComponent
            let key = month(ofFile: base) != nil ? String(base.dropLast("-YYYY-MM.log".count)) : file.name
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(file)
        }
        return order.map { key in
            (groups[key] ?? []).sorted {
                ($0.name as NSString).lastPathComponent < ($1.name as NSString).lastPathComponent
            }
        }
    }

    /// `YYYY-MM` of an anchor file's name, nil for another name.
    static func month(ofFile name: String) -> String? {
        let base = (name as NSString).lastPathComponent
        guard base.hasPrefix("anchors-"), base.hasSuffix(".log"), base.count > "anchors--YYYY-MM.log".count else {
            return nil
        }
        let month = String(base.dropLast(4).suffix(7))
        let characters = Array(month)
        guard characters[4] == "-", characters.enumerated().allSatisfy({ $0.offset == 4 || $0.element.isNumber })
        else { return nil }
        return month
    }

    private static func files(in directory: String, series: String) throws(AnchorLogError) -> [AnchorChain.File] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw AnchorLogError(path: directory, reason: "\(error)")
        }
        return try names.filter {
            $0.hasPrefix(series + "-") && month(ofFile: $0) != nil && $0.count == series.count + 12
        }.sorted().map { name throws(AnchorLogError) in
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AnchorLogError(path: path, reason: "cannot read")
            }
            return AnchorChain.File(name: path, text: String(decoding: data, as: UTF8.self))
        }
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// Letters, digits, dots and hyphens only, so that a file name never needs quoting.
    private static func safe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" })
    }
}

extension AnchorLog {
    /// Anchors hops whose transaction has committed. The change stands whatever happens here, so a failure is not
    /// the command's: it is logged as critical with the hops' facts (which puts them in the journal, the second
    /// anchor), and `audit verify` will report those hops as not anchored.
    func anchorCommitted(_ hops: [AnchoredHop], logger: Logger) {
        do {
            try anchor(hops)
        } catch {
            logger.critical(
                "hops committed but not anchored",
                metadata: [
                    "error": "\(error)",
                    "hops": "\(hops.map { "\($0.complaintID)#\($0.sequence)=\(Hex.encode($0.hash))" })",
                ]
            )
        }
    }
}
