import FuzzSupport
import VerifyAPI
import VerifyCassette

// The input is a HAR file. It goes through everything vsh does with one: `vsh cassette
// lint` (JSON, then CassetteLint), the loader of `--cassette` and `vsh cassette show`
// (HARFormat.decode, Transcript.render), a replay transport made from it, and writing it
// back (HARFormat.encode), which must load again and then write the same bytes (writing
// normalizes once: `_vsh` is always written, times are rounded to the microsecond).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let document = try? JSONValue(parsing: bytes) {
        _ = CassetteLint.findings(in: document)
    }
    guard let cassette = try? HARFormat.decode(bytes) else { return 0 }
    _ = Transcript.render(cassette, name: "fuzz.har")
    _ = ReplayTransport(cassette: cassette, cassetteName: "fuzz.har")
    // Known defect har-base-url-without-scheme: `_vsh.base_url` is read without a check, and
    // written back in front of every path (`l` + `/…`), which then does not load ("has no path").
    if skipping("har-base-url-without-scheme"), let baseURL = cassette.baseURL, !baseURL.contains("://") { return 0 }
    let written = HARFormat.encode(cassette)
    do {
        let again = try HARFormat.decode(written)
        fuzzCheck(again.exchanges.count == cassette.exchanges.count, "a cassette written back has other exchanges")
        fuzzCheck(HARFormat.encode(again) == written, "a cassette written back and loaded writes other bytes")
    } catch {
        fuzzCheck(false, "a cassette written back does not load: \(error)")
    }
    return 0
}
