import XCTest
import DesmTestSupport

final class DesmWord2VecSmokeTests: XCTestCase {
    func testPackageRootHasManifest() {
        XCTAssertTrue(FileManager.default.fileExists(atPath: packageRoot + "/Package.swift"))
    }
}
