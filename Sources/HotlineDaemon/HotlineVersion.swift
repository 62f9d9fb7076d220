/// The version `status` and `--version` report.
public enum HotlineVersion {
    public static let current = "0.1.0"
}
