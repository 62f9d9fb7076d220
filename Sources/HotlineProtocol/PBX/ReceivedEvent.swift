/// A PBX event together with the line it arrived as, which is what the register keeps (exactly as received,
/// unknown fields included) and what the spool writes.
public struct ReceivedEvent: Sendable, Equatable {
    public let event: PBXEvent
    /// The JSON line without its newline; valid UTF-8, since it parsed.
    public let line: String

    public init(event: PBXEvent, line: String) {
        self.event = event
        self.line = line
    }

    /// An event that did not arrive as a line (tests, tools): its canonical encoding stands in.
    public init(_ event: PBXEvent) {
        self.event = event
        self.line = String(decoding: event.encodedLine().dropLast(), as: UTF8.self)
    }
}
