import HotlineCore
import HotlineProtocol
import HotlineStore

/// `calls`, `call show`: the call register (R1, R2).
extension ControlHandler {
    func calls(_ query: CallListQuery) throws -> JSONValue {
        let filter: CallQueries.Filter
        switch query.filter {
        case .all: filter = .all
        case .active: filter = .active
        case .missed: filter = .missed
        }
        let calls = try database.withConnectionBlocking { connection in
            try CallQueries.list(filter: filter, since: query.since, limit: query.limit, on: connection)
        }
        return calls.map { $0.view(timeZone: timeZone) }.json
    }

    func callDetails(_ callID: String, language: Language) throws -> JSONValue {
        guard
            let (call, events) = try database.withConnectionBlocking({ connection in
                try CallQueries.show(call: callID, on: connection)
            })
        else {
            throw ControlError(
                code: .notFound,
                zh: "登记册中没有呼叫 \(callID)",
                en: "no call '\(callID)' in the register",
                language: language
            )
        }
        return CallDetailsView(call: call.view(timeZone: timeZone), events: events.map { $0.view(timeZone: timeZone) })
            .json
    }
}
