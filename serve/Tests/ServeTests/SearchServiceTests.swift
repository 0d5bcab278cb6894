import DesmIndex
@testable import DesmServe
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// The service without HTTP: the same numbers as the command line, the shading's cosines
/// from their definition, and every bad parameter refused with a 400 or 404.
final class SearchServiceTests: XCTestCase {
    func object(_ data: Data) throws -> NSDictionary {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    /// /api/search?…&explain=1 answers what `desm search --explain --json` prints.
    func testSearchEqualsDesmSearchExplainJSON() throws {
        try requireDesm()
        let s = try SampleFixture.get()
        let cases: [(api: String, cli: [String])] = [
            ("scorer=bm25", ["--scorer", "bm25"]),
            ("scorer=in-out", ["--scorer", "in-out"]),
            ("scorer=in-in", ["--scorer", "in-in"]),
            ("scorer=mixture&norm=zscore&alpha=0.5", ["--scorer", "mixture", "--norm", "zscore", "--alpha", "0.5"]),
            ("scorer=mixture:in-in&norm=minmax", ["--scorer", "mixture:in-in", "--norm", "minmax"]),
            ("scorer=in-out&rerank=20", ["--scorer", "in-out", "--rerank", "20"]),
        ]
        for (api, cli) in cases {
            let report = try s.service.search("q=heart+disease+risk&k=7&explain=1&" + api)
            let served = try object(try JSONEncoder().encode(report))
            let r = try runDesm(["search", s.indexPath, "heart disease risk", "-k", "7", "--explain", "--json"] + cli)
            XCTAssertEqual(r.status, 0, r.stderr)
            let printed = try object(Data(r.stdout.utf8))
            XCTAssertEqual(served, printed, api)
            XCTAssertEqual((served["results"] as? [Any])?.count, 7, api)
        }
    }

    /// `desm serve --recipe`: scorer=recipe (the default then) answers what `desm search
    /// --recipe` prints; the recipe's options cannot be overridden; a server without a recipe
    /// refuses scorer=recipe; a recipe the index does not suit is refused at start.
    func testARecipeIsServedExactlyAsDesmSearchRunsIt() throws {
        try requireDesm()
        let s = try SampleFixture.get()
        let dir = makeTemporaryDirectory("desm-serve-recipe")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var recipe: [String: Any] = [
            "system": "mixture:in-in+rm3", "scorer": "mixture:in-in", "k1": 0.9, "b": 0.4, "alpha": 0.4, "norm": "zscore",
            "query_stopwords": ["name": "questions", "words": QueryStoplist.questionWords.sorted()],
            "rm3": ["documents": 5, "terms": 8, "original_query_weight": 0.6, "embedding_weight": 1],
            "index": ["center": false, "centroid": "mean"], "depth": 100,
        ]
        let path = dir + "/recipe.json"
        try JSONSerialization.data(withJSONObject: recipe).write(to: URL(fileURLWithPath: path))
        let service = try SearchService(ranker: s.ranker, name: "sample.idx", recipe: try RankingRecipe.load(path: path))
        XCTAssertEqual(service.health().recipe, "mixture:in-in+rm3")
        let r = try runDesm(["search", s.indexPath, "what is heart disease risk", "-k", "7", "--explain", "--json", "--recipe", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let printed = try object(Data(r.stdout.utf8))
        for query in ["q=what+is+heart+disease+risk&k=7&explain=1", "q=what+is+heart+disease+risk&k=7&explain=1&scorer=recipe"] {
            let served = try object(try JSONEncoder().encode(try service.search(query)))
            XCTAssertEqual(served, printed, query)
            XCTAssertTrue((served["tag"] as? String ?? "").contains("-rm3-fd5-ft8-ow0.6-emb1"), "\(served["tag"] ?? "")")
        }
        // Other scorers are still served as before.
        XCTAssertEqual(try service.search("q=heart&scorer=bm25").scorer, "bm25")
        func refused(_ svc: SearchService, _ query: String, _ expected: String) {
            XCTAssertThrowsError(try svc.search(query), query) { e in
                XCTAssertEqual((e as? ServiceError)?.status, 400, query)
                XCTAssertTrue((e as? ServiceError)?.message.contains(expected) == true, "\(query): \(e)")
            }
        }
        refused(service, "q=heart&alpha=0.3", "alpha: the recipe fixes every ranking option")
        refused(service, "q=heart&scorer=recipe&rerank=10", "rerank: the recipe fixes every ranking option")
        refused(s.service, "q=heart&scorer=recipe", "this server was started without --recipe")
        // A recipe chosen on a centred index is refused by this uncentred one.
        recipe["index"] = ["center": true, "centroid": "mean"]
        try JSONSerialization.data(withJSONObject: recipe).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SearchService(ranker: s.ranker, name: "x", recipe: try RankingRecipe.load(path: path))) { e in
            XCTAssertTrue("\(e)".contains("build the index with desm index --center"), "\(e)")
        }
    }

    /// Each word's shade is (1/|Q|) Σ_q cos(q_IN, w_OUT), computed here from the model's rows.
    func testDocumentCosinesAreTheMeanQueryCosine() throws {
        let s = try SampleFixture.get()
        let model = try XCTUnwrap(s.ranker.model)
        let docno = try s.ranker.index.docno(34)
        let report = try s.service.document(docno, query: "q=heart+attack+xyzzy")
        XCTAssertEqual(report.queryWords, ["heart", "attack"])
        XCTAssertEqual(report.segments.map(\.text).joined(), report.text)
        func row(_ m: FloatMatrix, _ id: Int) -> [Double] { (0..<m.cols).map { Double(m.row(id)[$0]) } }
        func cos(_ a: [Double], _ b: [Double]) -> Double {
            let d = zip(a, b).map { $0 * $1 }.reduce(0, +)
            return d / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
        }
        let q = ["heart", "attack"].map { row(model.input, model.vocabulary.id($0)!) }
        var shaded = 0
        for seg in report.segments {
            guard let word = seg.word else { XCTAssertNil(seg.cosine); continue }
            guard let id = model.vocabulary.id(word) else { XCTAssertNil(seg.cosine, word); continue }
            let w = row(model.output!, id)
            let expected = (cos(q[0], w) + cos(q[1], w)) / 2
            XCTAssertEqual(try XCTUnwrap(seg.cosine, word), expected, accuracy: 1e-6, word)
            XCTAssertEqual(seg.queryWord == true, word == "heart" || word == "attack", word)
            shaded += 1
        }
        XCTAssertGreaterThan(shaded, 20)
        // Without q: the text and its words, no cosines.
        let plain = try s.service.document(docno, query: "")
        XCTAssertNil(plain.query)
        XCTAssertTrue(plain.segments.allSatisfy { $0.cosine == nil })
        // A query with no word in the vocabulary: a note, nothing shaded.
        let none = try s.service.document(docno, query: "q=xyzzy")
        XCTAssertTrue(none.segments.allSatisfy { $0.cosine == nil })
        XCTAssertEqual(none.notes, ["no query word is in the model's vocabulary: nothing to shade"])
    }

    func testSegmentsCoverTheTextAndCarryTheAnalyzersWord() {
        let a = Analyzer(.embedding)
        let text = "Don't  say “COVID-19”: café’s 3.14 — O’Brien!"
        let segs = DocumentSegments.split(text, analyzer: a)
        XCTAssertEqual(segs.map(\.text).joined(), text)
        XCTAssertEqual(segs.compactMap(\.word), ["dont", "say", "covid", "19", "cafe\u{301}".precomposedStringWithCanonicalMapping, "3", "14", "obrien"])
        XCTAssertEqual(DocumentSegments.split("", analyzer: a), [])
        XCTAssertEqual(DocumentSegments.split(" ,", analyzer: a), [TextSegment(text: " ,")])
    }

    func testNeighboursAreTheModels() throws {
        let s = try SampleFixture.get()
        let model = try XCTUnwrap(s.ranker.model)
        for space in ["in-in", "in-out"] {
            let r = try s.service.neighbours("word=Heart&space=\(space)&k=5")
            let expected = try model.neighbors(of: "heart", space: NeighborSpace(rawValue: space)!, k: 5)
            XCTAssertEqual(r.word, "heart")
            XCTAssertEqual(r.neighbors.map(\.word), expected.map(\.word))
            XCTAssertEqual(r.neighbors.map(\.cosine), expected.map { Double($0.cosine) })
        }
    }

    /// Every bad request is a ServiceError with its status and a message naming the problem.
    func testBadParametersAreRefused() throws {
        let s = try SampleFixture.get()
        let search: [(String, String)] = [
            ("", "q is required"),
            ("q=+++", "q is empty"),
            ("q=" + String(repeating: "a", count: 1001), "queries are limited to 1000"),
            ("q=x&scorer=nope", "unknown scorer \"nope\""),
            ("q=x&k=0", "k must be an integer from 1 to 1000"),
            ("q=x&k=1001", "k must be an integer from 1 to 1000"),
            ("q=x&k=ten", "k must be an integer"),
            ("q=x&scorer=mixture&alpha=1.5", "alpha must be a number in [0, 1]"),
            ("q=x&scorer=mixture&alpha=nan", "alpha must be a number in [0, 1]"),
            ("q=x&alpha=0.5", "alpha weighs the mixture"),
            ("q=x&norm=zscore", "norm normalises the mixture"),
            ("q=x&scorer=mixture&norm=max", "norm must be none, minmax or zscore"),
            ("q=x&rerank=0", "rerank must be an integer from 1 to 10000"),
            ("q=x&explain=maybe", "explain must be 0, 1, true or false"),
            ("q=x&q=y", "parameter q is given more than once"),
            ("q=x&debug=1", "unknown parameter \"debug\""),
            ("q=%FF", "parameter q is not valid UTF-8"),
            ("q=%G0", "parameter q has a bad %-escape"),
            ("q=%4", "parameter q has a bad %-escape"),
            (Array(repeating: "a=1", count: 33).joined(separator: "&"), "more than 32 query parameters"),
        ]
        for (query, message) in search {
            XCTAssertThrowsError(try s.service.search(query), query) { e in
                XCTAssertEqual((e as? ServiceError)?.status, 400, query)
                XCTAssertTrue((e as? ServiceError)?.message.contains(message) == true, "\(query): \(e)")
            }
        }
        let document: [(String, String, Int, String)] = [
            ("nope", "", 404, "no document \"nope\""),
            ("../../etc/passwd", "", 404, "no document \"../../etc/passwd\""),
            ("S0001", "space=in-out", 400, "give q too"),
            ("S0001", "q=heart&space=up", 400, "space must be in-out"),
        ]
        for (docno, query, status, message) in document {
            XCTAssertThrowsError(try s.service.document(docno, query: query)) { e in
                XCTAssertEqual((e as? ServiceError)?.status, status, docno + query)
                XCTAssertTrue((e as? ServiceError)?.message.contains(message) == true, "\(docno) \(query): \(e)")
            }
        }
        let neighbours: [(String, Int, String)] = [
            ("", 400, "word is required"),
            ("word=xyzzy", 404, "not in the model's vocabulary"),
            ("word=two+words", 400, "is not one word"),
            ("word=heart&space=in-up", 400, "space must be in-in, in-out or out-out"),
            ("word=heart&k=101", 400, "k must be an integer from 1 to 100"),
        ]
        for (query, status, message) in neighbours {
            XCTAssertThrowsError(try s.service.neighbours(query)) { e in
                XCTAssertEqual((e as? ServiceError)?.status, status, query)
                XCTAssertTrue((e as? ServiceError)?.message.contains(message) == true, "\(query): \(e)")
            }
        }
    }

    func testQueryStringDecoding() throws {
        let p = try QueryParameters("q=stem+cells%2C%20caf%C3%A9&k=3&explain", known: ["q", "k", "explain"])
        XCTAssertEqual(p["q"], "stem cells, café")
        XCTAssertEqual(try p.integer("k", default: 10, in: 1...10), 3)
        XCTAssertTrue(try p.flag("explain"))
        XCTAssertEqual(try QueryParameters("", known: []).integer("k", default: 10, in: 1...10), 10)
        XCTAssertEqual(try QueryParameters.decodePathSegment("a%2Fb+c"), "a/b+c")
        XCTAssertThrowsError(try QueryParameters.decodePathSegment("%C3%28")) { e in
            XCTAssertEqual((e as? ServiceError)?.message, "the path is not valid UTF-8")
        }
        XCTAssertThrowsError(try QueryParameters(Substring(String(repeating: "a", count: QueryParameters.maxBytes + 1)), known: ["a"]))
    }
}
