import DesmText

/// One part of a collection split into `count` shards by a stable hash of each document's
/// id: document d belongs to shard FNV-1a-64(UTF-8 bytes of its docno) mod count. The hash
/// is fixed (not Swift's per-process seeded `Hasher`), so every machine and every run puts a
/// document in the same shard. Shards are numbered from 0 (`--shard 0/4` … `--shard 3/4`).
public struct Shard: Equatable, Codable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    /// How documents are assigned, recorded in manifests and statistics files.
    public static let rule = "fnv1a64(docno) mod count"

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw DesmError("the shard count must be at least 1 (got \(count))") }
        guard index >= 0, index < count else {
            throw DesmError("shard \(index) of \(count) does not exist: shards are numbered 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses "i/n" (0 ≤ i < n).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw DesmError("a shard is written i/n, e.g. 0/4 (shards numbered from 0), not \"\(text)\"")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// FNV-1a, 64 bits, of the bytes.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// The shard (0-based) a document with this id belongs to.
    public static func of(docno: String, count: Int) -> Int { Int(hash(docno.utf8) % UInt64(count)) }

    public func contains(docno: String) -> Bool { Shard.of(docno: docno, count: count) == index }
}

/// Reads only one shard's documents of a collection, counting every document's position in
/// the whole collection (0-based, collection order): positions are how shards reproduce the
/// single index's tie order (equal scores: the earlier document first).
public final class ShardFilter {
    public let shard: Shard?
    /// The collection positions of the documents returned so far, increasing.
    public private(set) var positions: [UInt64] = []
    /// Documents read, in every shard.
    public private(set) var seen = 0

    public init(shard: Shard?) { self.shard = shard }

    /// The next document of the shard from `next` (every document without a shard).
    public func next(_ next: () throws -> Document?) throws -> Document? {
        while let d = try next() {
            let position = seen
            seen += 1
            if shard?.contains(docno: d.id) ?? true {
                positions.append(UInt64(position))
                return d
            }
        }
        return nil
    }
}
