// Substring search for the library's own string rules. `String.contains(_: String)` lives in the
// _StringProcessing module; the library links the Swift runtime statically, and that one call
// would pull _StringProcessing and its regex parser (~1 MB) into libswiftkeras.so. The size is
// checked by `make test` (packaging/test_install.sh: the installed library <= 10 MB).

extension StringProtocol {
    /// Whether `other` occurs in this string, comparing Unicode scalars (as Python's `in` on
    /// strings); the empty string occurs in every string.
    package func containsText<T: StringProtocol>(_ other: T) -> Bool {
        let needle = Array(other.unicodeScalars)
        guard !needle.isEmpty else { return true }
        let hay = Array(unicodeScalars)
        guard hay.count >= needle.count else { return false }
        for start in 0...(hay.count - needle.count) where hay[start] == needle[0] {
            var i = 1
            while i < needle.count && hay[start + i] == needle[i] { i += 1 }
            if i == needle.count { return true }
        }
        return false
    }
}
