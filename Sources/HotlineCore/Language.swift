/// The languages people read Hotline's text in: Chinese for the service centre's staff, English for everyone else.
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh
    case en

    /// Picks the language from a POSIX locale name such as `zh_CN.UTF-8` or `en_US`; English when unknown.
    public init(localeIdentifier: String?) {
        guard let identifier = localeIdentifier?.lowercased(), !identifier.isEmpty else {
            self = .en
            return
        }
        self = identifier.hasPrefix("zh") ? .zh : .en
    }
}

/// A text in both languages; the reader's language picks one.
public struct LocalizedText: Sendable, Equatable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func text(in language: Language) -> String {
        switch language {
        case .zh: return zh
        case .en: return en
        }
    }
}
