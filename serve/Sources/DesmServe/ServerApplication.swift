import DesmIndex
import DesmText
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// How `desm serve` listens and ranks.
public struct ServeConfiguration: Sendable {
    /// The address to bind: 127.0.0.1 unless told otherwise (the service has no
    /// authentication: exposing it is a choice to make explicitly).
    public var host: String
    /// 0: any free port (the one bound is passed to `onRunning`).
    public var port: Int
    /// Threads that rank requests; each request ranks on one of them.
    public var workers: Int
    /// Seconds a connection may stay idle (or a slow client take to send its request)
    /// before it is closed.
    public var idleTimeout: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                idleTimeout: Int = 30) {
        self.host = host
        self.port = port
        self.workers = max(1, workers)
        self.idleTimeout = max(1, idleTimeout)
    }
}

/// The HTTP side of `desm serve` (Hummingbird 2): routes, JSON encoding, errors as
/// `{"error": …}`, the page's files; ranking runs on a pool of `workers` threads so the
/// event loops stay free to accept and answer while documents are scored.
public enum ServerApplication {
    /// Compact, key-sorted JSON (an encoder per answer: nothing shared between threads).
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(value)
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func errorResponse(_ status: Int, _ message: String) -> Response {
        let data = (try? encode(["error": message])) ?? Data("{\"error\":\"error\"}".utf8)
        return jsonResponse(HTTPResponse.Status(code: status), data)
    }

    static func fileResponse(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Every error becomes `{"error": message}` with its status; an unexpected one is a 500
    /// with its one-line message (a `DesmError` names what failed, never a stack).
    struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            do {
                return try await next(request, context)
            } catch let e as ServiceError {
                return errorResponse(e.status, e.message)
            } catch let e as HTTPError {
                if e.status == .notFound {
                    let path = request.uri.path
                    if request.method != .get && request.method != .head, routes.contains(path) || path.hasPrefix("/api/document/") {
                        var r = errorResponse(405, "\(request.method) is not answered here: the service answers GET")
                        r.headers[.allow] = "GET, HEAD"
                        return r
                    }
                    return errorResponse(404, "no such path: \(path.prefix(100))")
                }
                return errorResponse(Int(e.status.code), e.body ?? e.status.reasonPhrase)
            } catch let e as DesmError {
                return errorResponse(500, "internal error: \(e.message)")
            } catch {
                return errorResponse(500, "internal error")
            }
        }
    }

    /// The paths the router answers (GET only), besides /api/document/{docno}.
    static let routes: Set<String> = ["/", "/static/desm.css", "/static/desm.js", "/health", "/api/search", "/api/neighbors", "/api/openapi.json"]

    /// The router: the page, `/health` and the JSON API over `service`, ranking on `pool`.
    public static func router(service: SearchService, pool: NIOThreadPool, batcher: DesmBatcher) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        // Every path answers GET, and HEAD as GET without the body.
        func get(_ path: RouterPath, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            router.get(path, use: handler)
            router.head(path) { request, context in
                let r = try await handler(request, context)
                return Response(status: r.status, headers: r.headers)
            }
        }
        get("/") { _, _ in fileResponse(Page.html, type: "text/html; charset=utf-8") }
        get("/static/desm.css") { _, _ in fileResponse(Page.css, type: "text/css; charset=utf-8") }
        get("/static/desm.js") { _, _ in fileResponse(Page.script, type: "text/javascript; charset=utf-8") }
        get("/api/openapi.json") { _, _ in fileResponse(OpenAPI.json, type: "application/json; charset=utf-8") }
        get("/health") { request, _ in
            _ = try QueryParameters(query(request), known: [])
            var health = service.health()
            health.desmBatches = batcher.statistics
            return jsonResponse(.ok, try encode(health))
        }
        get("/api/search") { request, _ in
            let p = try QueryParameters(query(request), known: SearchService.searchParameters)
            let r = try service.searchRequest(p)
            let ranking = r.batchable ? try await batcher.rank(r) : try await pool.runIfActive { try service.rank(r) }
            let report = try await pool.runIfActive { try service.report(r, ranking) }
            return jsonResponse(.ok, try encode(report))
        }
        get("/api/neighbors") { request, _ in
            let p = try QueryParameters(query(request), known: SearchService.neighbourParameters)
            let report = try await pool.runIfActive { try service.neighbours(p) }
            return jsonResponse(.ok, try encode(report))
        }
        get("/api/document/**") { request, _ in
            let docno = try documentNumber(request.uri.path)
            let p = try QueryParameters(query(request), known: SearchService.documentParameters)
            let report = try await pool.runIfActive { try service.document(docno, p) }
            return jsonResponse(.ok, try encode(report))
        }
        return router
    }

    static func query(_ request: Request) -> Substring { request.uri.query.map { Substring($0) } ?? "" }

    /// The docno of `/api/document/{docno}`: everything after the prefix, %-decoded (so a
    /// docno with "/" is asked for as %2F). It is only ever a key into the index's docnos.
    static func documentNumber(_ path: String) throws -> String {
        let prefix = "/api/document/"
        guard path.hasPrefix(prefix) else { throw ServiceError.notFound("no such path") }
        let raw = path.dropFirst(prefix.count)
        guard !raw.isEmpty else { throw ServiceError.notFound("give a docno: /api/document/{docno}") }
        return try QueryParameters.decodePathSegment(raw)
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully (requests in flight finish).
    /// `onRunning` gets the port bound.
    public static func run(service: SearchService, configuration: ServeConfiguration,
                           onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let pool = NIOThreadPool(numberOfThreads: configuration.workers)
        pool.start()
        var logger = Logger(label: "desm-serve")
        logger.logLevel = .warning
        // Pure DESM requests are ranked in batches, each split between all the workers' cores.
        let batchRanker = try Ranker(index: service.ranker.index, model: service.ranker.model)
        batchRanker.threads = configuration.workers
        let app = Application(
            router: router(service: service, pool: pool, batcher: DesmBatcher(ranker: batchRanker)),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeout)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "desm"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
    }
}
