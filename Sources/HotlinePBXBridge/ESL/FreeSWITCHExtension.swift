/// Extensions read from FreeSWITCH dial strings and channel names (SPEC section 11).
public enum FreeSWITCHExtension {
    /// The extension in an agent's contact or a channel's name, or `nil` when there is none to be found.
    ///
    /// - `user/8001`, `user/8001@default` → `8001`
    /// - `loopback/8001/agents`, `loopback/8001-a`, `loopback/8001-b` → `8001`
    /// - `sofia/internal/8001@192.0.2.10:5060`, `sofia/internal/sip:8001@host;transport=tcp` → `8001`
    /// - `sofia/gateway/carrier/13800138000` → `13800138000`
    /// - `[call_timeout=10]loopback/8001/agents`, `{ignore_early_media=true}user/8001` → `8001`
    /// - `PJSIP/8001`, `Local/8001@agents` → `8001`
    /// - `${sofia_contact(8001@default)}`, `${sofia_contact(internal/8001@default)}` → `8001`
    ///
    /// The result is an extension as the PBX socket takes it: 1 to 32 characters, no whitespace or control
    /// characters. Several comma-separated dial strings (`user/8001,user/8002`) name no single extension.
    public static func from(dialString: String) -> String? {
        var text = Substring(dialString).trimmingWhitespace()
        // Leading channel-variable blocks: `{…}`, `[…]`, `<…>`, possibly several.
        while let first = text.first, let closing = closingBracket(for: first) {
            guard let end = text.firstIndex(of: closing) else { return nil }
            text = text[text.index(after: end)...].trimmingWhitespace()
        }
        guard !text.isEmpty, !text.contains(",") else { return nil }
        // `${sofia_contact(8001@default)}`, a common mod_callcenter contact: the user inside.
        if text.hasPrefix("${sofia_contact("), text.hasSuffix(")}") {
            var user = text.dropFirst("${sofia_contact(".count).dropLast(2)
            if let slash = user.lastIndex(of: "/") { user = user[user.index(after: slash)...] }
            if let at = user.firstIndex(of: "@") { user = user[..<at] }
            return isValid(String(user)) ? String(user) : nil
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        let technology = parts[0].lowercased()
        var candidate: Substring
        switch technology {
        case "loopback":
            // `loopback/EXT/context` as a dial string; `loopback/EXT-a` / `-b` as a channel name.
            candidate = parts[1]
            if parts.count == 2, candidate.hasSuffix("-a") || candidate.hasSuffix("-b") {
                candidate = candidate.dropLast(2)
            }
        case "sofia":
            // `sofia/PROFILE/USER@HOST` or `sofia/gateway/NAME/NUMBER`.
            guard parts.count >= 3 else { return nil }
            candidate = parts[parts.count - 1]
        default:
            candidate = parts[1]
        }
        if candidate.hasPrefix("sip:") || candidate.hasPrefix("sips:") {
            candidate = candidate[candidate.index(after: candidate.firstIndex(of: ":")!)...]
        }
        if let at = candidate.firstIndex(of: "@") { candidate = candidate[..<at] }
        if let semicolon = candidate.firstIndex(of: ";") { candidate = candidate[..<semicolon] }
        let result = String(candidate)
        return isValid(result) ? result : nil
    }

    /// True for a string the PBX socket takes as an extension: 1 to 32 scalars, no whitespace, no control
    /// characters (SPEC section 5; `PBXEventParser.maximumExtensionLength`).
    public static func isValid(_ text: String) -> Bool {
        FreeSWITCHText.isIdentifier(text, maximumLength: 32)
    }

    private static func closingBracket(for character: Character) -> Character? {
        switch character {
        case "{": return "}"
        case "[": return "]"
        case "<": return ">"
        default: return nil
        }
    }
}

/// Checks and clean-ups of text taken from FreeSWITCH before it goes into a PBX socket event.
enum FreeSWITCHText {
    /// Non-empty, at most `maximumLength` Unicode scalars, no whitespace, no control characters: what the PBX
    /// socket accepts as an id, an extension, a dialled number or a staff login.
    static func isIdentifier(_ text: String, maximumLength: Int) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.count <= maximumLength else { return false }
        return text.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && !isControl($0) }
    }

    /// A display name with control characters removed and surrounding space trimmed, cut to `maximumLength`
    /// scalars; `nil` when nothing is left.
    static func cleanName(_ text: String, maximumLength: Int = 200) -> String? {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isControl(scalar) {
            scalars.append(scalar)
        }
        let trimmed = Substring(String(scalars)).trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.prefix(maximumLength)))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .format: return true
        default: return false
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.unicodeScalars.first, first.properties.isWhitespace { result = result.dropFirst() }
        while let last = result.unicodeScalars.last, last.properties.isWhitespace { result = result.dropLast() }
        return result
    }
}
