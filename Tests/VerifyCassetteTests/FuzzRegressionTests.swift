import Foundation
import Testing
import VshTestSupport
import VerifyAPI
import VerifyCassette

/// Every input FuzzHAR found (Tests/Fuzz/regressions/FuzzHAR) keeps the fuzz target's
/// property in the ordinary test run: a cassette vsh loads is written back, loads again,
/// and writes the same bytes; a file vsh refuses is refused with a message.
@Suite struct FuzzHARRegressionTests {
    static var inputs: [String] { FuzzRegressions.inputs("FuzzHAR") }

    @Test func thereAreInputs() {
        #expect(Self.inputs.count >= 2)
    }

    @Test(arguments: FuzzHARRegressionTests.inputs)
    func theRoundTripIsAFixedPoint(name: String) throws {
        let bytes = try FuzzRegressions.bytes("FuzzHAR", name)
        guard let cassette = try? HARFormat.decode(bytes) else { return }  // refused: fine, with a message
        let written = HARFormat.encode(cassette)
        let again = try HARFormat.decode(written)
        #expect(again.exchanges.count == cassette.exchanges.count)
        #expect(HARFormat.encode(again) == written)
    }
}
