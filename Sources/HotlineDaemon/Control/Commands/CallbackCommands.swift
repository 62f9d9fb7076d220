import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// `callback list|done`: ringing back the callers nobody answered (漏接回拨, SPEC §12).
extension ControlHandler {
    func callbacks(openOnly: Bool, limit: Int) throws -> JSONValue {
        let tasks = try database.withConnectionBlocking { connection in
            try CallbackStore.tasks(openOnly: openOnly, limit: limit, on: connection)
        }
        return tasks.map(callbackView).json
    }

    /// One attempt, by a staff member (root names one with --as): who rang back is on the record.
    func recordCallback(
        call: String,
        outcome: CallbackOutcome,
        note: String?,
        caller: Caller,
        language: Language
    ) throws -> JSONValue {
        let actor = try acting(caller, for: "callback done", language: language)
        let now = clock.now()
        let task = try database.withConnectionBlocking { connection in
            try CallbackStore.record(call: call, outcome: outcome, note: note, by: actor, at: now, on: connection)
        }
        logger.info(
            "call-back recorded",
            metadata: ["call": "\(call)", "outcome": "\(outcome.rawValue)", "by": "\(caller.name)"]
        )
        return callbackView(task).json
    }

    private func callbackView(_ task: CallbackTask) -> CallbackTaskView {
        CallbackTaskView(
            call: task.call.view(timeZone: timeZone),
            state: task.isOpen ? "open" : "done",
            attempts: task.attempts.map { attempt in
                CallbackTaskView.Attempt(
                    outcome: attempt.outcome.rawValue,
                    note: attempt.note,
                    by: attempt.by,
                    actingRoot: attempt.actingRoot,
                    at: TimeFormatting.rfc3339(attempt.at, timeZone: timeZone)
                )
            }
        )
    }
}
