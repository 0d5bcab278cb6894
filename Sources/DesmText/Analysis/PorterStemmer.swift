/// The Porter (1980) stemming algorithm. Placeholder-free minimal version: to be completed.
public enum PorterStemmer {
    public static func stem(_ word: String) -> String { word }
}
