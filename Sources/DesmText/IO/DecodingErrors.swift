import Foundation

/// One line for a `Decodable` failure (a JSON index manifest, an experiment config), for a
/// `DesmError`: which key is missing, or where a value has the wrong type, is null, or is
/// not valid. Other errors are described as they are.
public func describeDecodingError(_ error: Error) -> String {
    func at(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
    func detail(_ c: DecodingError.Context) -> String { c.debugDescription.isEmpty ? "" : ": \(c.debugDescription)" }
    switch error {
    case DecodingError.keyNotFound(let key, _):
        return "missing required key \"\(key.stringValue)\""
    case DecodingError.typeMismatch(_, let c):
        return "wrong type for \"\(at(c))\"\(detail(c))"
    case DecodingError.valueNotFound(_, let c):
        return "missing value for \"\(at(c))\"\(detail(c))"
    case DecodingError.dataCorrupted(let c):
        return c.codingPath.isEmpty ? "not valid JSON\(detail(c))" : "bad value for \"\(at(c))\"\(detail(c))"
    default:
        return "\(error)"
    }
}
