import XCTest
import DesmTestSupport

final class DesmIndexSmokeTests: XCTestCase {
    func testPackageRootHasManifest() {
        XCTAssertTrue(FileManager.default.fileExists(atPath: packageRoot + "/Package.swift"))
    }
}
