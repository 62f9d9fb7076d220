/// A call-back task as `callback list|done --json` give it (漏接回拨, SPEC §12): the missed or abandoned call, whether
/// the task is still open, and every attempt with who and when.
public struct CallbackTaskView: ControlReply, Equatable {
    public var call: CallView
    /// `open` until an attempt reached the caller or found the number wrong, then `done`.
    public var state: String
    public var attempts: [Attempt]

    public struct Attempt: Codable, Sendable, Equatable {
        /// `reached`, `no_answer`, `wrong_number`.
        public var outcome: String
        public var note: String?
        public var by: String
        public var actingRoot: Bool
        public var at: String

        public init(outcome: String, note: String?, by: String, actingRoot: Bool, at: String) {
            self.outcome = outcome
            self.note = note
            self.by = by
            self.actingRoot = actingRoot
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case outcome, note, by, actingRoot = "acting_root", at
        }
    }

    public init(call: CallView, state: String, attempts: [Attempt]) {
        self.call = call
        self.state = state
        self.attempts = attempts
    }
}
