import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file that is only appended to and made durable with fdatasync before anyone is told it was written.
///
/// - Important: the owner calls ``close()``; one owner at a time.
public final class AppendOnlyFile {
    public let path: String
    private var descriptor: Int32

    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        descriptor = try systemCall("open", path: path) { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600) }
        // The directory entry must be durable too, or a crash could lose the file itself.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            _ = Glibc.close(directoryDescriptor)
        }
    }

    deinit {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    public func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    /// The current size in bytes.
    public var size: Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return 0 }
        return Int(status.st_size)
    }

    /// Appends `bytes` and returns only once they are on disk. On a failure (a full disk, say) the file is cut
    /// back to its previous size, so a torn write never remains.
    public func appendDurably(_ bytes: [UInt8]) throws {
        let before = size
        do {
            var offset = 0
            while offset < bytes.count {
                let written = try bytes.withUnsafeBytes { raw in
                    try systemCall("write", path: path) {
                        Glibc.write(descriptor, raw.baseAddress! + offset, bytes.count - offset)
                    }
                }
                offset += written
            }
            try systemCall("fdatasync", path: path) { fdatasync(descriptor) }
        } catch {
            _ = ftruncate(descriptor, off_t(before))
            throw error
        }
    }

    /// Empties the file durably (after its contents are safe elsewhere).
    public func truncate() throws {
        try systemCall("ftruncate", path: path) { ftruncate(descriptor, 0) }
        try systemCall("fdatasync", path: path) { fdatasync(descriptor) }
    }

    /// Everything in the file.
    public func readAll() throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SystemCallError(call: "read", errno: EIO, path: path)
        }
        return Array(data)
    }
}
