/// Extensions from the names a PBX gives agents: a queue member's interface, a channel, a contact.
public enum AgentExtension {
    /// The extension in an interface or channel name: `Local/8001@agents` → `8001`,
    /// `Local/8001@agents-00000001;1` → `8001`, `PJSIP/8001` → `8001`, `PJSIP/8001-0000002a` → `8001`,
    /// `SIP/8001` → `8001`, `user/8001` → `8001`, `loopback/8001/agents` → `8001`, `8001` → `8001`.
    /// `nil` when nothing is left (`Local/@agents`).
    public static func from(interface: String) -> String? {
        var rest = Substring(interface)
        // The technology: everything up to the first slash.
        if let slash = rest.firstIndex(of: "/") { rest = rest[rest.index(after: slash)...] }
        // loopback/8001/agents: the extension is the first path part.
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        // Local/8001@agents: the context after '@' is not part of it.
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        // A channel (not an interface) ends in -<hex sequence>, possibly ;1/;2 for Local halves.
        if let semicolon = rest.lastIndex(of: ";") { rest = rest[..<semicolon] }
        if let dash = rest.lastIndex(of: "-") {
            let suffix = rest[rest.index(after: dash)...]
            if !suffix.isEmpty && suffix.allSatisfy(\.isHexDigit) { rest = rest[..<dash] }
        }
        return rest.isEmpty ? nil : String(rest)
    }
}
