/// Event ids derived from the PBX's own identifiers, never random (SPEC section 11): a bridge that restarts and
/// sends an event again sends the same id, and hotlined answers `duplicate: true` instead of storing it twice.
public enum BridgeEventID {
    /// `<system>-<call>-<suffix>`. When the PBX already writes its system name at the start of its ids (Asterisk's
    /// `Uniqueid: pbx1-1796018840.0` with `systemname = pbx1`) it is not written twice.
    public static func call(system: String, call: String, suffix: String) -> String {
        "\(qualified(system: system, id: call))-\(suffix)"
    }

    /// `<system>-agent-<extension>-<login|logout>-<session>`.
    public static func agent(system: String, extension: String, kind: String, session: String) -> String {
        "\(system)-agent-\(`extension`)-\(kind)-\(session)"
    }

    static func qualified(system: String, id: String) -> String {
        id.hasPrefix(system + "-") ? id : "\(system)-\(id)"
    }
}
