import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Replaces a small file as a whole: a reader (or the next start after a crash) sees the old content or the new,
/// never half of either. Used for state that is rewritten after each change, such as a PBX bridge's calls in
/// progress.
public enum AtomicFile {
    /// Writes `bytes` to `path + ".tmp"`, optionally flushes it to disk (`durable`), and renames it over `path`.
    ///
    /// Without `durable` the new content survives a crash of the process but maybe not a power cut.
    public static func replace(_ path: String, with bytes: [UInt8], durable: Bool) throws {
        let temporary = path + ".tmp"
        let descriptor = try systemCall("open", path: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        defer { _ = Glibc.close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = try bytes.withUnsafeBytes { raw in
                try systemCall("write", path: temporary) {
                    Glibc.write(descriptor, raw.baseAddress! + offset, bytes.count - offset)
                }
            }
            offset += written
        }
        if durable { try systemCall("fsync", path: temporary) { fsync(descriptor) } }
        try systemCall("rename", path: path) { rename(temporary, path) }
    }
}
