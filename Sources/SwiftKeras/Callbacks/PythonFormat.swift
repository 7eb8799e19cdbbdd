import Glibc

// The Python text forms Keras callbacks write: `repr(float)` (CSVLogger rows, messages) and the
// `str.format` subset used by ModelCheckpoint file paths ("w.{epoch:02d}-{val_loss:.2f}.h5").
// No Foundation: numbers go through the C library's correctly rounded printf.

/// Python's formatting of numbers, as the callbacks need it.
public enum PythonFormat {
    /// A value for a `str.format` field.
    public enum Argument: Equatable {
        /// A Python int (the epoch and batch numbers).
        case int(Int)
        /// A Python float (the logs).
        case double(Double)
    }

    /// Python `repr(v)` of a float: the shortest text that reads back as `v`, in fixed notation
    /// for decimal exponents -4..<16 ("0.0001", "123.0", "1000000000000000.0") and as
    /// "1e-05" / "1.5e+16" otherwise; "nan", "inf", "-inf".
    public static func repr(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        // Swift's description gives the shortest round-trip digits; re-render them Python's way.
        var text = Substring(v.description)
        var sign = ""
        if text.hasPrefix("-") { sign = "-"; text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = parts.first.map(String.init) ?? "0"
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exponent          // digits before the decimal point
        while digits.count > 1, digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        if digits == "0" { return sign + "0.0" }
        let exp10 = point - 1                           // scientific exponent
        if exp10 >= -4 && exp10 < 16 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
            if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
            let i = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<i] + "." + digits[i...]
        }
        let mant = digits.count == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
        let ae = Swift.abs(exp10)
        return sign + mant + "e" + (exp10 < 0 ? "-" : "+") + (ae < 10 ? "0" : "") + String(ae)
    }

    /// `template.format(**args)` for Python's format mini-language on ints and floats: fields
    /// "{name}", "{name!r}", "{name:spec}" with spec `[[fill]align][sign][0][width][.precision]
    /// [type]` (types d, f, F, e, E, g, G, %, n, s), and "{{" / "}}" for braces.
    /// - Throws: `.invalidArgument` for unbalanced braces, a name with no value (`missing` gives
    ///   the message) or a spec Python rejects for the value.
    public static func format(_ template: String, _ args: [String: Argument],
                              missing: (String) -> String) throws -> String {
        var out = ""
        var chars = Substring(template)
        func fail(_ why: String) -> SwiftKerasError {
            SwiftKerasError.invalid("cannot format '\(template)': \(why)")
        }
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "}" {
                guard chars.first == "}" else { throw fail("single '}' encountered in format string") }
                chars = chars.dropFirst()
                out.append("}")
                continue
            }
            guard c == "{" else { out.append(c); continue }
            if chars.first == "{" { chars = chars.dropFirst(); out.append("{"); continue }
            guard let close = chars.firstIndex(of: "}") else { throw fail("expected '}' before end of string") }
            let field = chars[..<close]
            chars = chars[chars.index(after: close)...]
            var name = field
            var spec: Substring = ""
            if let colon = field.firstIndex(of: ":") {
                name = field[..<colon]
                spec = field[field.index(after: colon)...]
            }
            if let bang = name.firstIndex(of: "!") {
                let conv = name[name.index(after: bang)...]
                if conv != "r" && conv != "s" && conv != "a" { throw fail("unknown conversion specifier \(conv)") }
                name = name[..<bang]
            }
            guard let arg = args[String(name)] else { throw SwiftKerasError.invalid(missing(String(name))) }
            out += try formatValue(arg, spec: String(spec), fail)
        }
        return out
    }

    /// One value under a format spec.
    static func formatValue(_ arg: Argument, spec: String, _ fail: (String) -> SwiftKerasError) throws -> String {
        var s = Array(spec)
        var fill: Character = " "
        var align: Character? = nil
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if s.count >= 2, aligns.contains(s[1]) { fill = s[0]; align = s[1]; s.removeFirst(2) }
        else if let f = s.first, aligns.contains(f) { align = f; s.removeFirst() }
        var sign: Character = "-"
        if let f = s.first, f == "+" || f == "-" || f == " " { sign = f; s.removeFirst() }
        if s.first == "0" {
            if align == nil { fill = "0"; align = "=" }
            s.removeFirst()
        }
        var width = 0
        while let f = s.first, let d = f.wholeNumberValue, f.isASCII {
            width = Swift.min(width * 10 + d, 4096)
            s.removeFirst()
        }
        var precision: Int? = nil
        if s.first == "." {
            s.removeFirst()
            var p = 0, any = false
            while let f = s.first, let d = f.wholeNumberValue, f.isASCII {
                p = Swift.min(p * 10 + d, 100)
                any = true
                s.removeFirst()
            }
            if !any { throw fail("format specifier missing precision") }
            precision = p
        }
        if s.count > 1 { throw fail("invalid format specifier '\(spec)'") }
        let type = s.first

        var body: String
        var negative = false
        switch (arg, type) {
        case (.int(let i), nil), (.int(let i), "d"?), (.int(let i), "n"?):
            if precision != nil { throw fail("precision not allowed in integer format specifier '\(spec)'") }
            negative = i < 0
            body = String(i.magnitude)
        case (.int(let i), let t?) where "fFeEgG%".contains(t):
            return try formatValue(.double(Double(i)), spec: spec, fail)
        case (.double, "d"?):
            throw fail("unknown format code 'd' for object of type 'float'")
        case (.double(let v), let t):
            negative = v.sign == .minus && !v.isNaN
            let m = Swift.abs(v)
            switch t {
            case nil:
                if let p = precision {
                    body = cFormat(m, "g", Swift.max(p, 1))
                    if !body.contains(".") && !body.contains("e") && m.isFinite { body += ".0" }
                } else {
                    body = repr(m)
                }
            case "f"?, "F"?, "e"?, "E"?, "g"?, "G"?:
                body = cFormat(m, String(t ?? "g"), precision ?? 6)
            case "n"?:
                body = cFormat(m, "g", precision ?? 6)
            case "%"?:
                body = cFormat(m * 100, "f", precision ?? 6) + "%"
            case "s"?:
                if precision != nil { throw fail("precision not allowed with 's' for a number") }
                body = repr(m)
            default:
                throw fail("unknown format code '\(t.map(String.init) ?? "")' for object of type 'float'")
            }
        case (.int, let t?):
            if t == "s" { throw fail("unknown format code 's' for object of type 'int'") }
            throw fail("unknown format code '\(t)' for object of type 'int'")
        }
        let signText = negative ? "-" : (sign == "+" ? "+" : (sign == " " ? " " : ""))
        let len = signText.count + body.count
        if len >= width { return signText + body }
        let pad = width - len
        let padding = String(repeating: fill, count: pad)
        switch align ?? ">" {       // numbers align right by default
        case "<": return signText + body + padding
        case "^":
            let left = pad / 2
            return String(repeating: fill, count: left) + signText + body + String(repeating: fill, count: pad - left)
        case "=": return signText + padding + body
        default: return padding + signText + body
        }
    }

    /// Python `f"{v:.<digits>f}"` ("inf", "-0.50000").
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        (v.sign == .minus && !v.isNaN ? "-" : "") + cFormat(Swift.abs(v), "f", digits)
    }

    /// `printf("%.<precision><conv>", v)` for a non-negative v (correctly rounded, as Python).
    static func cFormat(_ v: Double, _ conv: String, _ precision: Int) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([Int32(precision), v]) { vsnprintf(&buf, buf.count, "%.*" + conv, $0) }
        if n >= buf.count {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([Int32(precision), v]) { vsnprintf(&buf, buf.count, "%.*" + conv, $0) }
        }
        return String(cString: buf)
    }
}
