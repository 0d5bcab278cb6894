@testable import DesmEval
import DesmIndex
import DesmTestSupport
import XCTest

/// The experiment modifier `ax`: Anserini's Ax with its defaults, nothing tuned, one of the
/// alternative expansions of the BM25 query.
final class ExperimentAxSystemTests: XCTestCase {
    typealias S = ExperimentRunner.System

    func testAxSystemsUseAnserinisDefaultsAndTuneNothingOfTheirOwn() throws {
        let ax = try S("bm25+ax", path: "c.json")
        XCTAssertEqual(ax.baseOptions.scorer, .bm25)
        XCTAssertEqual(ax.baseOptions.expansion, .ax(AxParameters(topDocuments: 20, poolFactor: 30, beta: 0.4, terms: 20, seed: 42)))
        XCTAssertEqual(ax.tunedParameters, [])
        XCTAssertFalse(ax.baseOptions.usesModel)
        XCTAssertNil(ax.baseOptions.problem)

        let mixture = try S("mixture:in-in+ax+vfb", path: "c.json")
        XCTAssertEqual(mixture.canonicalName, "mixture:in-in+vfb+ax")
        XCTAssertEqual(mixture.tunedParameters, ["alpha", "beta"])
        let tuned = S.apply(["alpha": 0.4, "beta": 0.2], to: mixture.baseOptions)
        XCTAssertEqual(tuned.expansion, .ax(AxParameters()), "tuning leaves Ax's parameters alone")
        XCTAssertEqual(tuned.vectorFeedback, VectorFeedback(documents: 10, weight: 0.2))
        XCTAssertEqual(try S("rerank:in-out+ax", path: "c.json").baseOptions.expansion, .ax(AxParameters()))
    }

    func testAxIsAnAlternativeToTheOtherExpansions() {
        for name in ["bm25+rm3+ax", "bm25+ax+rm3e", "mixture:in-out+topical+ax"] {
            assertDesmError(["c.json", "system \"\(name)\"", "rm3, rm3e, topical and ax are alternative"]) { _ = try S(name, path: "c.json") }
        }
        assertDesmError(["given twice"]) { _ = try S("bm25+ax+ax", path: "c.json") }
    }
}
