import Glibc

/// The Porter (1980) stemming algorithm, exactly as Martin Porter's reference C
/// implementation and Lucene's `PorterStemmer` (used by `PorterStemFilter` and Anserini) do it.
///
/// That version departs from the 1980 paper in three documented ways, all kept here:
/// words of one or two letters are left alone; step 2 maps "bli" → "ble" (the paper has
/// "abli" → "able"); and step 2 adds "logi" → "log". It matches NLTK's
/// `PorterStemmer(mode=MARTIN_EXTENSIONS)`; Snowball's "porter" follows the paper instead
/// (see `eval/make_porter_fixture.py`, which builds the test fixture).
///
/// Input is expected lowercased. Bytes other than ASCII a–z count as consonants (as in
/// Lucene, which treats any other character so); only ASCII letters are ever added or
/// removed, so valid UTF-8 stays valid. One known difference from Lucene on non-ASCII words:
/// the stemmer works on UTF-8 bytes, so a multi-byte letter counts as two or more consonants,
/// which can change the cvc test right after it (e.g. a word ending "aïe"); ASCII words are
/// stemmed exactly as Lucene does.
public enum PorterStemmer {
    /// The stem of a lowercased word.
    public static func stem(_ word: String) -> String {
        var w = word
        return w.withUTF8 { src -> String in
            if src.count <= 2 { return word }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: src.count + 1) { buf in
                _ = buf.initialize(fromContentsOf: src)
                let n = stem(buf.baseAddress!, count: src.count)
                if n == src.count && memcmp(buf.baseAddress!, src.baseAddress!, n) == 0 { return word }
                return String(decoding: UnsafeBufferPointer(start: buf.baseAddress!, count: n), as: UTF8.self)
            }
        }
    }

    /// Stems the `count` bytes at `word` in place and returns the stem's length. The buffer
    /// must have room for `count + 1` bytes (step 1b may add an "e" after removing "ed"/"ing",
    /// which never makes the word longer than it was, but the rule writes before it trims).
    @inlinable
    public static func stem(_ word: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        if count <= 2 { return count }
        var s = Stemmer(b: word, k: count - 1)
        s.run()
        return s.k + 1
    }

    @usableFromInline
    struct Stemmer {
        @usableFromInline let b: UnsafeMutablePointer<UInt8>
        /// Index of the last byte of the current word.
        @usableFromInline var k: Int
        /// End of the stem before a matched suffix (index of its last byte; -1 if empty).
        @usableFromInline var j = 0

        @usableFromInline init(b: UnsafeMutablePointer<UInt8>, k: Int) { self.b = b; self.k = k }

        @usableFromInline mutating func run() {
            step1(); step2(); step3(); step4(); step5(); step6()
        }

        /// True when b[i] is a consonant: not a, e, i, o, u, and y only when it follows a vowel
        /// or starts the word.
        @inline(__always) func cons(_ i: Int) -> Bool {
            switch b[i] {
            case 0x61, 0x65, 0x69, 0x6F, 0x75: return false // a e i o u
            case 0x79: return i == 0 ? true : !cons(i - 1)  // y
            default: return true
            }
        }

        /// The number of VC sequences in b[0...j].
        func m() -> Int {
            var n = 0
            var i = 0
            while true {
                if i > j { return n }
                if !cons(i) { break }
                i += 1
            }
            i += 1
            while true {
                while true {
                    if i > j { return n }
                    if cons(i) { break }
                    i += 1
                }
                i += 1
                n += 1
                while true {
                    if i > j { return n }
                    if !cons(i) { break }
                    i += 1
                }
                i += 1
            }
        }

        /// True when b[0...j] contains a vowel.
        func vowelInStem() -> Bool {
            var i = 0
            while i <= j { if !cons(i) { return true }; i += 1 }
            return false
        }

        /// True when b[i-1], b[i] are the same consonant.
        func doubleC(_ i: Int) -> Bool {
            if i < 1 { return false }
            if b[i] != b[i - 1] { return false }
            return cons(i)
        }

        /// True when b[i-2], b[i-1], b[i] is consonant-vowel-consonant and the last is not
        /// w, x or y (so "hop" → "hope" is undone correctly, "snow", "box", "tray" are not).
        func cvc(_ i: Int) -> Bool {
            if i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2) { return false }
            let ch = b[i]
            return !(ch == 0x77 || ch == 0x78 || ch == 0x79)
        }

        /// True when b[0...k] ends with `suffix` (ASCII); sets j to the stem end.
        mutating func ends(_ suffix: StaticString) -> Bool {
            let n = suffix.utf8CodeUnitCount
            if n > k + 1 { return false }
            let p = suffix.utf8Start
            if b[k] != p[n - 1] { return false }
            var t = 0
            while t < n { if b[k - n + 1 + t] != p[t] { return false }; t += 1 }
            j = k - n
            return true
        }

        /// Replaces b[j+1...k] with `s` and adjusts k.
        mutating func setTo(_ s: StaticString) {
            let n = s.utf8CodeUnitCount
            let p = s.utf8Start
            var t = 0
            while t < n { b[j + 1 + t] = p[t]; t += 1 }
            k = j + n
        }

        mutating func r(_ s: StaticString) { if m() > 0 { setTo(s) } }

        /// Plurals and -ed or -ing (the paper's steps 1a and 1b).
        mutating func step1() {
            if b[k] == 0x73 { // s
                if ends("sses") { k -= 2 }
                else if ends("ies") { setTo("i") }
                else if b[k - 1] != 0x73 { k -= 1 }
            }
            if ends("eed") {
                if m() > 0 { k -= 1 }
            } else if (ends("ed") || ends("ing")) && vowelInStem() {
                k = j
                if ends("at") { setTo("ate") }
                else if ends("bl") { setTo("ble") }
                else if ends("iz") { setTo("ize") }
                else if doubleC(k) {
                    k -= 1
                    let ch = b[k]
                    if ch == 0x6C || ch == 0x73 || ch == 0x7A { k += 1 } // l s z
                } else if m() == 1 && cvc(k) { setTo("e") }
            }
        }

        /// Terminal y → i when there is another vowel in the stem (the paper's step 1c).
        mutating func step2() {
            if ends("y") && vowelInStem() { b[k] = 0x69 }
        }

        /// Double suffixes to single ones (the paper's step 2), when m > 0.
        mutating func step3() {
            if k == 0 { return }
            switch b[k - 1] {
            case 0x61: // a
                if ends("ational") { r("ate"); break }
                if ends("tional") { r("tion"); break }
            case 0x63: // c
                if ends("enci") { r("ence"); break }
                if ends("anci") { r("ance"); break }
            case 0x65: // e
                if ends("izer") { r("ize"); break }
            case 0x6C: // l
                if ends("bli") { r("ble"); break }
                if ends("alli") { r("al"); break }
                if ends("entli") { r("ent"); break }
                if ends("eli") { r("e"); break }
                if ends("ousli") { r("ous"); break }
            case 0x6F: // o
                if ends("ization") { r("ize"); break }
                if ends("ation") { r("ate"); break }
                if ends("ator") { r("ate"); break }
            case 0x73: // s
                if ends("alism") { r("al"); break }
                if ends("iveness") { r("ive"); break }
                if ends("fulness") { r("ful"); break }
                if ends("ousness") { r("ous"); break }
            case 0x74: // t
                if ends("aliti") { r("al"); break }
                if ends("iviti") { r("ive"); break }
                if ends("biliti") { r("ble"); break }
            case 0x67: // g
                if ends("logi") { r("log"); break }
            default:
                break
            }
        }

        /// -ic-, -full, -ness etc. (the paper's step 3), when m > 0.
        mutating func step4() {
            switch b[k] {
            case 0x65: // e
                if ends("icate") { r("ic"); break }
                if ends("ative") { r(""); break }
                if ends("alize") { r("al"); break }
            case 0x69: // i
                if ends("iciti") { r("ic"); break }
            case 0x6C: // l
                if ends("ical") { r("ic"); break }
                if ends("ful") { r(""); break }
            case 0x73: // s
                if ends("ness") { r(""); break }
            default:
                break
            }
        }

        /// Takes off -ant, -ence etc. when m > 1 (the paper's step 4).
        mutating func step5() {
            if k == 0 { return }
            var matched = false
            switch b[k - 1] {
            case 0x61: matched = ends("al")
            case 0x63: matched = ends("ance") || ends("ence")
            case 0x65: matched = ends("er")
            case 0x69: matched = ends("ic")
            case 0x6C: matched = ends("able") || ends("ible")
            case 0x6E: matched = ends("ant") || ends("ement") || ends("ment") || ends("ent")
            case 0x6F:
                if ends("ion") && j >= 0 && (b[j] == 0x73 || b[j] == 0x74) { matched = true }
                else { matched = ends("ou") }
            case 0x73: matched = ends("ism")
            case 0x74: matched = ends("ate") || ends("iti")
            case 0x75: matched = ends("ous")
            case 0x76: matched = ends("ive")
            case 0x7A: matched = ends("ize")
            default: matched = false
            }
            if matched && m() > 1 { k = j }
        }

        /// Removes a final -e if m > 1 (or m = 1 and not cvc), and -ll → -l if m > 1
        /// (the paper's step 5).
        mutating func step6() {
            j = k
            if b[k] == 0x65 {
                let a = m()
                if a > 1 || (a == 1 && !cvc(k - 1)) { k -= 1 }
            }
            if b[k] == 0x6C && doubleC(k) && m() > 1 { k -= 1 }
        }
    }
}
