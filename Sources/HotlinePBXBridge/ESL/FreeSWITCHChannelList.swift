/// The output of `api show channels`, read for reconciliation after a reconnect.
///
/// FreeSWITCH 1.10 writes a header line (`uuid,direction,created,created_epoch,name,state,cid_name,…`), one line
/// per channel, an empty line and `N total.`; with no channel only the empty line and `0 total.`. Values are
/// not quoted, and caller names and application data may contain commas, so only the columns before the first
/// free-text one (`cid_name`) are read. The closing count must match the rows: a cut-short listing would make
/// the bridge end calls that are still up, so it is refused rather than half-read.
public struct FreeSWITCHChannelList: Sendable, Equatable {
    /// One channel that is up.
    public struct Channel: Sendable, Equatable {
        public var uuid: String
        /// `inbound` or `outbound`.
        public var direction: String
        /// `loopback/12345-b`, `sofia/internal/8001@…`.
        public var name: String
        /// `CS_EXECUTE`, …
        public var state: String

        public init(uuid: String, direction: String, name: String, state: String) {
            self.uuid = uuid
            self.direction = direction
            self.name = name
            self.state = state
        }
    }

    public var channels: [Channel]

    public init(channels: [Channel]) {
        self.channels = channels
    }

    /// The channel ids, for ``FreeSWITCHCallModel/reconcile(upChannels:at:)``.
    public var uuids: Set<String> { Set(channels.map(\.uuid)) }

    /// Why a `show channels` reply was not used.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// FreeSWITCH answered `-ERR …`.
        case refused(String)
        /// No `N total.` line: the output is not a channel listing, or was cut short.
        case missingTotal
        /// The rows do not start with the expected header.
        case unexpectedHeader(String)
        /// `N total.` disagrees with the rows read.
        case countMismatch(total: Int, rows: Int)
        /// A row without the leading columns.
        case malformedRow(String)

        public var description: String {
            switch self {
            case .refused(let reply): return "show channels refused: \(ESLFrameError.shown(reply))"
            case .missingTotal: return "show channels output has no 'N total.' line"
            case .unexpectedHeader(let line):
                return "show channels header is not uuid,direction,…: \(ESLFrameError.shown(line))"
            case .countMismatch(let total, let rows): return "show channels says \(total) total but lists \(rows)"
            case .malformedRow(let line):
                return "show channels row without uuid,direction,created,…: \(ESLFrameError.shown(line))"
            }
        }
    }

    /// The leading columns, in FreeSWITCH's order.
    private static let leadingColumns = ["uuid", "direction", "created", "created_epoch", "name", "state"]

    /// Reads the body of the `api/response` to `api show channels`.
    public static func parse(_ output: String) throws(ParseError) -> FreeSWITCHChannelList {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        if let first = lines.first(where: { !$0.isEmpty }), first.hasPrefix("-ERR") { throw .refused(String(first)) }
        guard let totalIndex = lines.lastIndex(where: { $0.hasSuffix(" total.") }),
            let total = Int(lines[totalIndex].dropLast(" total.".count)), total >= 0
        else { throw .missingTotal }
        let rows = lines[..<totalIndex].filter { !$0.isEmpty }
        guard let header = rows.first else {
            guard total == 0 else { throw .countMismatch(total: total, rows: 0) }
            return FreeSWITCHChannelList(channels: [])
        }
        let headerColumns = header.split(separator: ",", omittingEmptySubsequences: false).prefix(leadingColumns.count)
        guard headerColumns.map(String.init) == leadingColumns else { throw .unexpectedHeader(String(header)) }
        var channels: [Channel] = []
        for row in rows.dropFirst() {
            let columns = row.split(separator: ",", maxSplits: leadingColumns.count, omittingEmptySubsequences: false)
            guard columns.count > leadingColumns.count - 1, !columns[0].isEmpty else {
                throw .malformedRow(String(row))
            }
            channels.append(
                Channel(
                    uuid: String(columns[0]),
                    direction: String(columns[1]),
                    name: String(columns[4]),
                    state: String(columns[5])
                )
            )
        }
        guard channels.count == total else { throw .countMismatch(total: total, rows: channels.count) }
        return FreeSWITCHChannelList(channels: channels)
    }

    /// Reads the body of the `api/response` to `api uuid_exists <uuid>`: `true` or `false`, or `nil` for anything
    /// else (`-ERR …`, a cut-short reply), which says nothing about the channel.
    public static func exists(reply: String) -> Bool? {
        switch String(reply.filter { !$0.isWhitespace }) {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}
