/// A PBX event together with the line it arrived as, which is what the register keeps (exactly as received,
/// unknown fields included) and what the spool writes.
///
/// Immutable, and a class so that handing it along (reader → ingest worker → batch → results) retains one
/// reference instead of each of the event's strings: those copies were a twentieth of the ingest's time.
public final class ReceivedEvent: Sendable, Equatable {
    public let event: PBXEvent
    /// The JSON line without its newline; valid UTF-8, since it parsed.
    public let line: String

    public init(event: PBXEvent, line: String) {
        self.event = event
        self.line = line
    }

    /// An event that did not arrive as a line (tests, tools): its canonical encoding stands in.
    public convenience init(_ event: PBXEvent) {
        self.init(event: event, line: String(decoding: event.encodedLine().dropLast(), as: UTF8.self))
    }

    public static func == (lhs: ReceivedEvent, rhs: ReceivedEvent) -> Bool {
        lhs.event == rhs.event && lhs.line == rhs.line
    }
}
