import Crypto

/// `X-Hotline-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes under the shared secret (SPEC §10), so
/// a receiver recomputes it over what it read and compares in constant time.
public enum WebhookSignature {
    public static let header = "X-Hotline-Signature"

    public static func value(body: [UInt8], secret: [UInt8]) -> String {
        let code = HMAC<Crypto.SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256="
            + code.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
    }

    /// The receiver's side, for tests and for receivers written in Swift.
    public static func verify(_ header: String, body: [UInt8], secret: [UInt8]) -> Bool {
        let expected = Array(value(body: body, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(expected, given) { difference |= left ^ right }
        return difference == 0
    }
}
