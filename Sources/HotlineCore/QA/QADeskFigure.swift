/// The operator's desk in QA's figures (SPEC §12): counts per department and for the whole hotline, beside the
/// rates of ``QAMeasure``. The hotline's figure is not the departments' sum: a missed call of a queue that names no
/// department, and a number that complained to two departments, count for the hotline only.
public enum QADeskFigure: String, Sendable, CaseIterable, Codable, Hashable {
    /// Calls offered in the period that nobody answered (missed or abandoned): 漏接来电. A department's are the
    /// calls of the PBX queue named by its code.
    case missedCalls = "missed_calls"
    /// Of those, the calls a call-back reached (an attempt with outcome `reached`, at any time): 回拨接通.
    case calledBack = "called_back"
    /// Distinct caller numbers with more than one complaint received in the period: 重复来电人. A department's
    /// count the complaints it received as first responder.
    case repeatCallers = "repeat_callers"

    /// The JSON, CSV and SQL field.
    public var field: String { rawValue }

    public var label: LocalizedText {
        switch self {
        case .missedCalls: LocalizedText(zh: "漏接来电", en: "Missed calls")
        case .calledBack: LocalizedText(zh: "回拨接通", en: "Called back")
        case .repeatCallers: LocalizedText(zh: "重复来电人", en: "Repeat callers")
        }
    }

    /// What is counted, for the notes under a table.
    public var definition: LocalizedText {
        switch self {
        case .missedCalls:
            LocalizedText(
                zh: "期间内呼入而无人接听（漏接或放弃）的来电；部门的为以其代码命名的排队队列的来电",
                en: "calls offered in the period that nobody answered (missed or abandoned); a department's are "
                    + "those of the PBX queue named by its code"
            )
        case .calledBack:
            LocalizedText(
                zh: "其中回拨已联系上来电人（结果为 reached）的来电，不论回拨在何时",
                en: "of those, the calls a call-back reached (outcome reached), whenever it was made"
            )
        case .repeatCallers:
            LocalizedText(
                zh: "期间内受理两件及以上投诉的来电号码数；部门的按首问部门计",
                en: "caller numbers with two or more complaints received in the period; a department's count the "
                    + "complaints it took as first responder"
            )
        }
    }
}
