/// How far up a complaint form has gone (R8, 矛盾升级): QA, the deputy general manager, the general manager.
///
/// The order is the declaration order; a complaint's level only ever rises.
public enum EscalationLevel: String, Sendable, Equatable, Hashable, CaseIterable, Codable, Comparable {
    case none
    case qa
    case vp
    case gm

    private var order: Int {
        switch self {
        case .none: return 0
        case .qa: return 1
        case .vp: return 2
        case .gm: return 3
        }
    }

    public static func < (lhs: EscalationLevel, rhs: EscalationLevel) -> Bool {
        lhs.order < rhs.order
    }

    /// Who the form has reached, in both languages.
    public var label: LocalizedText {
        switch self {
        case .none: return LocalizedText(zh: "未升级", en: "not escalated")
        case .qa: return LocalizedText(zh: "质检部", en: "QA")
        case .vp: return LocalizedText(zh: "分管副总经理", en: "the deputy general manager")
        case .gm: return LocalizedText(zh: "总经理", en: "the general manager")
        }
    }
}
