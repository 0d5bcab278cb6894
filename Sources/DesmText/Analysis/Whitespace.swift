// Whitespace collapsing: the one home for the collection readers, the topic readers and the
// index's snippets.

/// `s` with every run of whitespace (spaces, tabs, line breaks, any Unicode White_Space)
/// turned into one space, and the ends trimmed.
///
/// It works on Characters: a grapheme cluster that starts with whitespace (a space carrying
/// a combining mark, "\r\n") is whitespace as a whole.
public func collapseWhitespace(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    var pendingSpace = false
    for ch in s {
        if ch.isWhitespace {
            pendingSpace = !out.isEmpty
        } else {
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(ch)
        }
    }
    return out
}

/// `collapseWhitespace(s)` cut to at most `maxBytes` UTF-8 bytes at a Unicode scalar
/// boundary (the index's document snippets).
///
/// It works on Unicode scalars, not Characters, so that the cut can fall inside a grapheme
/// cluster and a long text is never walked past the limit: a combining mark after a space
/// is therefore kept (where `collapseWhitespace(_:)` drops it with the space). Index files
/// hold its output, so it must not change.
public func collapseWhitespace(_ s: String, maxBytes: Int) -> String {
    guard maxBytes > 0 else { return "" }
    var out = String.UnicodeScalarView()
    var bytes = 0
    var pendingSpace = false
    for u in s.unicodeScalars {
        let white = u.value < 0x80 ? (u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0D)) : u.properties.isWhitespace
        if white { pendingSpace = bytes > 0; continue }
        let add = (pendingSpace ? 1 : 0) + UTF8.width(u)
        if bytes + add > maxBytes { break }
        if pendingSpace { out.append(" ") }
        out.append(u)
        bytes += add
        pendingSpace = false
    }
    return String(out)
}
