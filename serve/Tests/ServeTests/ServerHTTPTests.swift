import DesmServe
import DesmTestSupport
import Foundation
import XCTest

/// `desm-serve` as a user runs it, over real sockets: the API, errors as JSON, the page,
/// concurrent clients, hostile requests (which get 4xx answers while the server keeps
/// serving) and a graceful stop on SIGTERM.
final class ServerHTTPTests: XCTestCase {
    nonisolated(unsafe) static var server: ServerProcess?

    /// One server for the class: the built-in sample (no INDEX), its model and index reused
    /// from the fixture's directory (--cache), a short idle timeout for the slow-client test.
    func served() throws -> ServerProcess {
        if let s = Self.server, s.process.isRunning { return s }
        let fixture = try SampleFixture.get()
        let s = try ServerProcess(["--cache", fixture.directory, "--idle-timeout", "2"])
        Self.server = s
        return s
    }

    override class func tearDown() {
        if let s = server { s.stop() }
        server = nil
        super.tearDown()
    }

    func testHealthSearchDocumentAndNeighboursOverHTTP() throws {
        let s = try served()
        let health = try s.get("/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.headers["content-type"], "application/json; charset=utf-8")
        let h = try health.json()
        XCTAssertEqual(h["documents"] as? Int, 323)
        XCTAssertEqual(h["index"] as? String, "sample.idx")
        XCTAssertEqual(h["dim"] as? Int, 100)
        XCTAssertEqual((h["modelChecksum"] as? String)?.count, 8)

        let fixture = try SampleFixture.get()
        let search = try s.get("/api/search?q=heart%20disease&scorer=mixture&norm=zscore&alpha=0.5&k=5&explain=1")
        XCTAssertEqual(search.status, 200, search.text)
        let expected = try fixture.service.search("q=heart%20disease&scorer=mixture&norm=zscore&alpha=0.5&k=5&explain=1")
        XCTAssertEqual(try JSONSerialization.jsonObject(with: search.body) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: try JSONEncoder().encode(expected)) as? NSDictionary)
        let results = try XCTUnwrap(try search.json()["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 5)
        XCTAssertNotNil(results[0]["mixture"])

        let docno = try XCTUnwrap(results[0]["docno"] as? String)
        let document = try s.get("/api/document/\(docno)?q=heart+disease")
        XCTAssertEqual(document.status, 200, document.text)
        let segments = try XCTUnwrap(try document.json()["segments"] as? [[String: Any]])
        XCTAssertTrue(segments.contains { ($0["queryWord"] as? Bool) == true })

        let neighbours = try s.get("/api/neighbors?word=heart&space=in-out&k=4")
        XCTAssertEqual(neighbours.status, 200)
        XCTAssertEqual((try neighbours.json()["neighbors"] as? [Any])?.count, 4)
    }

    func testErrorsAreJSONWithTheirStatus() throws {
        let s = try served()
        let cases: [(String, Int, String)] = [
            ("/api/search?q=x&scorer=nope", 400, "unknown scorer"),
            ("/api/search?q=x&k=-1", 400, "k must be an integer"),
            ("/api/search?q=", 400, "q is empty"),
            ("/api/search?q=x&scorer=mixture&alpha=2", 400, "alpha must be a number in [0, 1]"),
            ("/api/document/NOPE", 404, "no document \"NOPE\""),
            ("/api/document/", 404, "no such path: /api/document/"),
            ("/nothing/here", 404, "no such path: /nothing/here"),
            ("/api/neighbors?word=xyzzy", 404, "not in the model's vocabulary"),
            ("/health?verbose=1", 400, "unknown parameter \"verbose\""),
        ]
        for (target, status, message) in cases {
            let r = try s.get(target)
            XCTAssertEqual(r.status, status, target + ": " + r.text)
            XCTAssertEqual(r.headers["content-type"], "application/json; charset=utf-8", target)
            let error = try XCTUnwrap(try r.json()["error"] as? String, target)
            XCTAssertTrue(error.contains(message), "\(target): \(error)")
        }
    }

    /// Requests no browser sends: each gets a 4xx and the server goes on answering.
    func testHostileRequestsGet4xxAndTheServerKeepsServing() throws {
        let s = try served()
        var raw: [(String, [UInt8])] = []
        func request(_ target: [UInt8]) -> [UInt8] { Array("GET ".utf8) + target + Array(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8) }
        raw.append(("bad UTF-8 escaped", request(Array("/api/search?q=%C3%28%FF".utf8))))
        raw.append(("bad UTF-8 raw bytes", request(Array("/api/search?q=".utf8) + [0xFF, 0xFE, 0xC3])))
        raw.append(("1 MB query string", request(Array(("/api/search?q=" + String(repeating: "a", count: 1 << 20)).utf8))))
        raw.append(("100 kB query (under the header limit)", request(Array(("/api/search?q=" + String(repeating: "ab+", count: 11_000)).utf8))))
        raw.append(("5,000 parameters", request(Array(("/api/search?q=x&" + (0..<5000).map { "p\($0)=1" }.joined(separator: "&")).utf8))))
        raw.append(("path traversal", request(Array("/api/document/../../../../etc/passwd".utf8))))
        raw.append(("path traversal, escaped", request(Array("/api/document/..%2F..%2F..%2Fetc%2Fpasswd".utf8))))
        raw.append(("bad escape in the path", request(Array("/api/document/%ZZ".utf8))))
        raw.append(("NUL in the docno", request(Array("/api/document/S0001%00".utf8))))
        raw.append(("garbage request line", Array("\u{1}\u{2} / HTTP/9\r\n\r\n".utf8)))
        raw.append(("10,000 headers", Array(("GET /health HTTP/1.1\r\nHost: x\r\n" + (0..<10_000).map { "X-\($0): y\r\n" }.joined()
                                             + "Connection: close\r\n\r\n").utf8)))
        raw.append(("POST", Array("POST /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".utf8)))
        for (what, bytes) in raw {
            let reply = try? HTTPTestClient.exchange(port: s.port, raw: bytes)
            if let reply {
                XCTAssertTrue((400..<500).contains(reply.status), "\(what): \(reply.status) \(reply.text.prefix(200))")
                if what == "POST" { XCTAssertEqual(reply.status, 405, reply.text) }
                XCTAssertFalse(reply.text.contains("Fatal") || reply.text.contains(".swift"), what)
            } else if what != "garbage request line" {
                XCTFail("\(what): no HTTP reply")
            }
            XCTAssertEqual(try s.get("/health").status, 200, "after \(what)")
        }
    }

    /// A client that sends half a request and stalls holds no one else up, and is
    /// disconnected after the idle timeout (2 s here).
    func testSlowClientNeitherBlocksOthersNorStaysForever() throws {
        let s = try served()
        let slow = try HTTPConnection(port: s.port, receiveTimeout: 60)
        XCTAssertTrue(slow.send(Array("GET /api/search?q=heart HTTP/1.1\r\nHo".utf8)))
        for _ in 0..<20 { XCTAssertEqual(try s.get("/api/search?q=heart&scorer=bm25&k=3").status, 200) }
        // The server closes the stalled connection (an answer, if any, then end of file),
        // well before this socket's 60 s receive timeout.
        XCTAssertTrue(slow.readToEnd().closed, "the stalled connection is still open")
        XCTAssertEqual(try s.get("/health").status, 200)
    }

    /// Clients in parallel get the answers one client gets alone.
    func testConcurrentRequestsGetTheSequentialAnswers() throws {
        let s = try served()
        let targets = ["/api/search?q=heart+disease&scorer=in-out&k=10", "/api/search?q=vaccine&scorer=bm25&k=10",
                       "/api/search?q=insulin+glucose&scorer=mixture&norm=minmax&k=10", "/api/neighbors?word=blood&space=in-in",
                       "/api/document/S0035?q=heart", "/api/search?q=x&scorer=nope"]
        let expected = try targets.map { try s.get($0) }
        let lock = NSLock()
        var mismatches: [String] = []
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for i in 0..<12 {
                let t = (worker + i) % targets.count
                let r = try? s.get(targets[t])
                if r?.status != expected[t].status || r?.body != expected[t].body {
                    lock.lock(); mismatches.append("\(targets[t]): \(r?.status ?? -1)"); lock.unlock()
                }
            }
        }
        XCTAssertEqual(mismatches, [])
    }

    /// The page and its two files, with nothing fetched from elsewhere.
    func testPageIsServedWithNothingFromOutside() throws {
        let s = try served()
        for (path, type) in [("/", "text/html"), ("/static/desm.js", "text/javascript"), ("/static/desm.css", "text/css")] {
            let r = try s.get(path)
            XCTAssertEqual(r.status, 200, path)
            XCTAssertTrue(r.headers["content-type"]?.hasPrefix(type) == true, path)
            XCTAssertFalse(r.text.contains("http://") || r.text.contains("https://") || r.text.contains("//cdn"),
                           "\(path) refers to another site")
        }
        XCTAssertTrue(try s.get("/").text.contains("<script src=\"/static/desm.js\">"))
        // HEAD answers as GET, without the body; another method is a 405 saying what is allowed.
        let head = try HTTPTestClient.exchange(port: s.port, raw: Array("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body.count, 0)
        let delete = try HTTPTestClient.exchange(port: s.port, raw: Array("DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        XCTAssertEqual(delete.status, 405)
        XCTAssertEqual(delete.headers["allow"], "GET, HEAD")
    }

    /// SIGTERM stops the server gracefully: exit status 0.
    func testSigtermStopsGracefully() throws {
        let fixture = try SampleFixture.get()
        let s = try ServerProcess([fixture.indexPath])
        XCTAssertEqual(try s.get("/health").status, 200)
        XCTAssertEqual(s.stop(), 0, s.stderr)
    }

    /// `desm serve` runs desm-serve with its arguments; its errors are one line.
    func testDesmServeRunsDesmServe() throws {
        try requireDesm()
        guard FileManager.default.isExecutableFile(atPath: desmServeExecutable) else {
            throw XCTSkip("desm-serve is not built: skipped")
        }
        let help = try runDesm(["serve", "--help"])
        XCTAssertEqual(help.status, 0, help.stderr)
        XCTAssertTrue(help.stdout.contains("GET /api/search"), help.stdout)
        let missing = try runDesm(["serve", "/nonexistent/x.idx", "--port", "0"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "desm serve: /nonexistent/x.idx: no such index directory\n")
        let bad = try runDesm(["serve", "--port", "70000"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--port must be from 0 to 65535"), bad.stderr)
    }
}

/// The OpenAPI description is true: every path answers its example, and each endpoint's
/// parameters are exactly those the service accepts.
final class OpenAPIDescriptionTests: XCTestCase {
    func testEveryDescribedEndpointAnswersAndTakesExactlyTheDescribedParameters() throws {
        let s = try SampleFixture.get()
        let server = try ServerProcess(["--cache", s.directory])
        defer { server.stop() }
        let reply = try server.get("/api/openapi.json")
        XCTAssertEqual(reply.status, 200)
        let paths = try XCTUnwrap(try reply.json()["paths"] as? [String: [String: Any]])
        let accepted: [String: Set<String>] = ["/health": [], "/api/search": SearchService.searchParameters,
                                               "/api/document/{docno}": SearchService.documentParameters,
                                               "/api/neighbors": SearchService.neighbourParameters]
        XCTAssertEqual(Set(paths.keys), Set(accepted.keys))
        for (path, item) in paths {
            let parameters = ((item["get"] as? [String: Any])?["parameters"] as? [[String: Any]]) ?? []
            let query = parameters.filter { $0["in"] as? String == "query" }
            XCTAssertEqual(Set(query.compactMap { $0["name"] as? String }), accepted[path], path)
            var target = path
            var items: [String] = []
            for p in parameters where p["required"] as? Bool == true {
                let example = try XCTUnwrap(p["example"] as? String, "\(path) \(p["name"] ?? "")")
                if p["in"] as? String == "path" { target = target.replacingOccurrences(of: "{docno}", with: example) }
                else { items.append("\(p["name"]!)=\(example.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)") }
            }
            if !items.isEmpty { target += "?" + items.joined(separator: "&") }
            XCTAssertEqual(try server.get(target).status, 200, target)
        }
    }
}
