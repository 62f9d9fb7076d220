import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// TCP client connections, for PBX bridges that speak to a PBX's manager port (Asterisk AMI, FreeSWITCH ESL).
///
/// A connected TCP socket is a stream socket like a Unix one, so it is handed out as a ``UnixSocket``: its
/// `read`, `write`, `setReceiveTimeout`, `shutdown` and `close` apply unchanged. Like UnixSocket.swift, this file
/// keeps the system calls (getaddrinfo, socket, connect, setsockopt) and their errno out of the callers' sight.
public enum TCPSocket {
    /// Connects to `host:port` (a name or a numeric IPv4/IPv6 address), trying each address the resolver gives,
    /// with keep-alive on so that a PBX that vanished without a FIN is noticed eventually.
    ///
    /// - Parameter timeoutSeconds: how long one connection attempt may take before the next address is tried.
    public static func connect(host: String, port: UInt16, timeoutSeconds: Int = 10) throws -> UnixSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw TCPConnectError.unresolved(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError: (any Error)?
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            do {
                return try connect(address.pointee, timeoutSeconds: timeoutSeconds, label: "\(host):\(port)")
            } catch {
                lastError = error
            }
        }
        throw lastError ?? TCPConnectError.unresolved(host: host, reason: "no address")
    }

    /// Listens on the IPv4 loopback at `port` (0: a free port the kernel picks); returns the listener and its port.
    /// For test servers that play a PBX (a fake AMI sending broken frames); ``UnixSocket/accept()`` takes the
    /// connections.
    public static func listenOnLoopback(port: UInt16 = 0, backlog: Int32 = 16) throws -> (UnixSocket, UInt16) {
        let descriptor = try systemCall("socket") {
            socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let listener = UnixSocket(descriptor: descriptor)
        do {
            var on: Int32 = 1
            try systemCall("setsockopt(SO_REUSEADDR)") {
                setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            try withUnsafeMutablePointer(to: &address) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    _ = try systemCall("bind") { bind(descriptor, raw, length) }
                    _ = try systemCall("listen") { Glibc.listen(descriptor, backlog) }
                    _ = try systemCall("getsockname") { getsockname(descriptor, raw, &length) }
                }
            }
            return (listener, UInt16(bigEndian: address.sin_port))
        } catch {
            listener.close()
            throw error
        }
    }

    private static func connect(_ address: addrinfo, timeoutSeconds: Int, label: String) throws -> UnixSocket {
        let descriptor = try systemCall("socket") {
            socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
        }
        let connection = UnixSocket(descriptor: descriptor)
        do {
            // A send timeout bounds connect() too (Linux applies SO_SNDTIMEO to a blocking connect).
            var timeout: (Int, Int) = (timeoutSeconds, 0)
            try systemCall("setsockopt(SO_SNDTIMEO)") {
                setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<(Int, Int)>.size))
            }
            var on: Int32 = 1
            try systemCall("setsockopt(SO_KEEPALIVE)") {
                setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            try systemCall("setsockopt(TCP_NODELAY)") {
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            try systemCall("connect", path: label) { Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }
}

/// Why a TCP connection could not be made before any system call failed.
public enum TCPConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    case unresolved(host: String, reason: String)

    public var description: String {
        switch self {
        case .unresolved(let host, let reason): return "cannot resolve \(host): \(reason)"
        }
    }
}

extension UnixSocket {
    /// Ends the sending side only (a FIN after everything written), keeping the receiving side open: the peer reads
    /// all that was sent before it sees the end, where closing with data unread could reset the connection.
    public func shutdownWriting() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }
}
