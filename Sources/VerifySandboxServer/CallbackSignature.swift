import Crypto
import VerifyAPI

/// Plivo's V2 signature of a callback: base64 of HMAC-SHA256, keyed by the auth token, of
/// the URL without its query (`scheme://host[:port]/path`) followed by the nonce. What
/// Plivo's SDKs check with `validate_signature(uri, nonce, signature, auth_token)`; the
/// `X-Plivo-Signature-Ma-V2` header is the same with the main account's token, which in the
/// sandbox is the one token there is.
enum CallbackSignature {
    static let signature = "X-Plivo-Signature-V2"
    static let mainAccountSignature = "X-Plivo-Signature-Ma-V2"
    static let nonce = "X-Plivo-Signature-V2-Nonce"

    /// `https://app.test/hook?a=1#x` → `https://app.test/hook`: the query and fragment go, as
    /// the SDKs' `urlparse`/`urlunparse` drop them.
    static func baseURL(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
    }

    static func sign(url: String, nonce: String, token: String) -> String {
        let key = SymmetricKey(data: Array(token.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array((baseURL(url) + nonce).utf8), using: key)
        return Base64.encode(Array(mac))
    }

    /// 20 random digits, as Plivo's nonces.
    static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator))) })
    }
}
