/// A request the service refuses: the HTTP status and a one-line message, answered as
/// `{"error": message}`. Nothing else (no stack, no path of the server's files) reaches
/// the client.
public struct ServiceError: Error, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> ServiceError { ServiceError(400, message) }
    public static func notFound(_ message: String) -> ServiceError { ServiceError(404, message) }

    public var description: String { "\(status): \(message)" }
}
