/// A request's query string, decoded strictly: `name=value` pairs split on `&`, `+` read as
/// a space, `%XX` escapes decoded to bytes, and every name and value valid UTF-8 (a request
/// with bad escapes or bytes is refused, not repaired). Limits keep a hostile request cheap:
/// at most `maxParameters` pairs and `maxBytes` of query string; a parameter given twice or
/// not known to the endpoint is an error rather than silently ignored.
public struct QueryParameters: Sendable {
    public static let maxParameters = 32
    public static let maxBytes = 16 * 1024

    private var values: [String: String] = [:]

    /// Decodes `query` (the part of the target after `?`, still percent-encoded), allowing
    /// only the names in `known`.
    public init(_ query: Substring, known: Set<String>) throws {
        guard query.utf8.count <= Self.maxBytes else {
            throw ServiceError.badRequest("the query string is \(query.utf8.count) bytes; at most \(Self.maxBytes) are accepted")
        }
        let pairs = query.utf8.split(separator: UInt8(ascii: "&"), maxSplits: Self.maxParameters, omittingEmptySubsequences: true)
        guard pairs.count <= Self.maxParameters else {
            throw ServiceError.badRequest("more than \(Self.maxParameters) query parameters")
        }
        for pair in pairs {
            let eq = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = eq.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let rawValue = eq.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            let name = try Self.decode(rawName, what: "a parameter name")
            guard known.contains(name) else {
                let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
                throw ServiceError.badRequest("unknown parameter \"\(shown)\" (this endpoint takes \(known.sorted().joined(separator: ", ")))")
            }
            guard values[name] == nil else { throw ServiceError.badRequest("parameter \(name) is given more than once") }
            values[name] = try Self.decode(rawValue, what: "parameter \(name)")
        }
    }

    public subscript(_ name: String) -> String? { values[name] }

    /// An integer parameter in `range`, or `defaultValue` when absent.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let v = Int(text), range.contains(v) else {
            throw ServiceError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \"\(text.prefix(40))\"")
        }
        return v
    }

    /// A flag: absent, 0/false (off) or 1/true (on).
    public func flag(_ name: String) throws -> Bool {
        switch values[name] {
        case nil, "0", "false": return false
        case "1", "true", "": return true
        case let v?: throw ServiceError.badRequest("\(name) must be 0, 1, true or false, not \"\(v.prefix(40))\"")
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Percent-decodes `raw` (`+` is a space) and checks that the bytes are UTF-8.
    static func decode(_ raw: Substring.UTF8View.SubSequence, what: String, plusIsSpace: Bool = true) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            if b == UInt8(ascii: "%") {
                let h = raw.index(after: i)
                guard h < raw.endIndex, raw.index(after: h) < raw.endIndex,
                      let hi = hexValue(raw[h]), let lo = hexValue(raw[raw.index(after: h)]) else {
                    throw ServiceError.badRequest("\(what) has a bad %-escape")
                }
                bytes.append(hi << 4 | lo)
                i = raw.index(h, offsetBy: 2)
                continue
            }
            bytes.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
            i = raw.index(after: i)
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ServiceError.badRequest("\(what) is not valid UTF-8")
        }
        return s
    }

    /// A path segment's text (`%XX` decoded, `+` kept), checked as UTF-8.
    public static func decodePathSegment(_ raw: Substring) throws -> String {
        try decode(raw.utf8[...], what: "the path", plusIsSpace: false)
    }
}
