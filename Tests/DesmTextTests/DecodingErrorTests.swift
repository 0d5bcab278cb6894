import Foundation
import XCTest
import DesmText

/// The one formatter for `Decodable` failures (index manifests, experiment configs).
final class DecodingErrorTests: XCTestCase {
    struct Inner: Decodable { var n: Int }
    struct Outer: Decodable { var name: String; var inner: Inner; var kind: Kind }
    enum Kind: String, Decodable { case a, b }

    func message(_ json: String) -> String {
        do {
            _ = try JSONDecoder().decode(Outer.self, from: Data(json.utf8))
            return "decoded"
        } catch {
            return describeDecodingError(error)
        }
    }

    func testEveryCaseIsOneLineNamingWhere() {
        let cases: [(String, String)] = [
            ("{ not json", "not valid JSON"),
            ("{\"inner\": {\"n\": 1}, \"kind\": \"a\"}", "missing required key \"name\""),
            ("{\"name\": \"x\", \"inner\": {\"n\": \"one\"}, \"kind\": \"a\"}", "wrong type for \"inner.n\""),
            ("{\"name\": \"x\", \"inner\": {\"n\": null}, \"kind\": \"a\"}", "missing value for \"inner.n\""),
            ("{\"name\": \"x\", \"inner\": {\"n\": 1}, \"kind\": \"c\"}", "bad value for \"kind\""),
        ]
        for (json, expected) in cases {
            let m = message(json)
            XCTAssertTrue(m.hasPrefix(expected), "\(json): \(m)")
            XCTAssertFalse(m.contains("\n"), m)
        }
        XCTAssertEqual(message("{\"name\": \"x\", \"inner\": {\"n\": 1}, \"kind\": \"b\"}"), "decoded")
    }
}
