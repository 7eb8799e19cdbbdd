// Keras' dtype promotion rule (keras/src/backend/common/dtypes.py, adapted from JAX's type
// lattice), defined once: `keras.backend.result_type` (through sk_result_type), the promotion of
// binary ops (`DType.promoted(with:)`) and the dtype of Python-style scalars
// (`Scalar.resultType(with:)`, `Scalar.defaultDType`) all read it.

/// Keras' type promotion over every dtype name Keras knows (also those tensors here cannot hold,
/// such as "int8" or "complex64"), with weak types: a Python `int` / `float` operand is "weak" —
/// it takes the kind of the other operands rather than widening them, and on its own it becomes
/// the int / float dtype of `floatx`'s precision.
public enum DTypePromotion {
    /// Every dtype name Keras accepts (`keras.backend.standardize_dtype`'s list).
    public static let allowedNames: Set<String> = [
        "float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
        "int32", "int64", "bfloat16", "bool", "string", "float8_e4m3fn", "float8_e5m2",
        "complex64", "complex128",
    ]

    /// Keras' `standardize_dtype` on a name: a dtype name Keras knows (`allowedNames`) is
    /// returned as is, "int" (Python's int) gives "int64"; anything else throws
    /// `.invalidArgument` "Invalid dtype: <name>".
    public static func standardize(_ name: String) throws -> String {
        if allowedNames.contains(name) { return name }
        if name == "int" { return "int64" }
        throw SwiftKerasError(.invalidArgument, "Invalid dtype: \(name)")
    }

    /// The float8 dtypes, which never promote implicitly.
    static let float8Names: Set<String> = ["float8_e4m3fn", "float8_e5m2"]

    /// The lattice's edges: each node and the nodes directly above it ("int" and "float" are
    /// the weak Python types).
    static let edges: [String: [String]] = [
        "bool": ["int"], "uint8": ["int16", "uint16"], "uint16": ["int32", "uint32"],
        "uint32": ["int64", "uint64"], "uint64": ["float"], "int": ["uint8", "int8", "complex64"],
        "int8": ["int16"], "int16": ["int32"], "int32": ["int64"], "int64": ["float"],
        "float": ["bfloat16", "float16"], "bfloat16": ["float32"], "float16": ["float32"],
        "float32": ["float64", "complex64"], "float64": ["complex128"],
        "complex64": ["complex128"], "complex128": [],
    ]

    /// Each node's upper bounds (itself included): the transitive closure of `edges`.
    static let upperBounds: [String: Set<String>] = {
        var upper: [String: Set<String>] = [:]
        for node in edges.keys {
            var bounds: Set<String> = [node]
            var frontier: [String] = [node]
            while let n = frontier.popLast() {
                for up in edges[n] ?? [] where !bounds.contains(up) {
                    bounds.insert(up)
                    frontier.append(up)
                }
            }
            upper[node] = bounds
        }
        return upper
    }()

    /// The least upper bound of `nodes` in the lattice (Keras `_least_upper_bound`).
    static func leastUpperBound(_ nodes: [String]) throws -> String {
        var unique: [String] = []
        for n in nodes where !unique.contains(n) { unique.append(n) }
        var common: Set<String>? = nil
        for n in unique {
            guard let bounds = upperBounds[n] else {
                throw SwiftKerasError(.invalidArgument, "dtype='\(n)' is not a valid dtype for Keras type promotion.")
            }
            common = common.map { $0.intersection(bounds) } ?? bounds
        }
        let cub = common ?? []
        var lub = cub.intersection(unique)
        if lub.isEmpty {
            lub = cub.filter { c in upperBounds[c].map { cub.isSubset(of: $0) } ?? false }
        }
        if lub.count == 1, let only = lub.first { return only }
        throw SwiftKerasError(.invalidArgument,
                              "Input dtypes \(pythonTuple(unique)) have no available implicit dtype promotion path. Try explicitly casting inputs to the desired output type.")
    }

    /// `("a", "b")` as Python prints a tuple of strings.
    static func pythonTuple(_ names: [String]) -> String {
        let items = names.map { "'\($0)'" }
        return items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")"
    }

    /// The dtype Keras' promotion gives for `dtypes` (Keras `keras.backend.result_type`).
    ///
    /// - `dtypes`: Keras dtype names (`allowedNames`). `weak[i]` marks a Python scalar operand:
    ///   pass "int64" for a Python `int` and "float32" for a Python `float` (only the kind of a weak
    ///   entry's name matters). `weak` may be empty (no weak operands) or as long as `dtypes`.
    /// - No dtypes gives `floatx`. A float8 dtype throws (float8 never promotes implicitly); a
    ///   name Keras does not know throws "Invalid dtype: ..."; "string" and dtypes with no common
    ///   bound throw as Keras does. All errors are `.invalidArgument` (Python ValueError).
    /// - A weak result becomes the dtype of `floatx`'s precision: int32 / float32 under the
    ///   default floatx, int64 / float64 under float64, int16 / float16 under (b)float16. uint64
    ///   results become uint32 and complex128 complex64, as Keras does.
    /// `floatx` defaults to the current setting.
    public static func resultType(_ dtypes: [String], weak: [Bool] = [],
                                  floatx floatxDType: DType = KerasSettings.floatx) throws -> String {
        if !weak.isEmpty && weak.count != dtypes.count {
            throw SwiftKerasError(.invalidArgument,
                                  "result_type: \(weak.count) weak flags given for \(dtypes.count) dtypes")
        }
        let floatx = floatxDType.name
        if dtypes.isEmpty { return floatx }
        if dtypes.contains(where: { float8Names.contains($0) }) {
            throw SwiftKerasError(.invalidArgument,
                                  "There is no implicit conversions from float8 dtypes to others. You must cast it internally. Received: \(pythonTuple(dtypes))")
        }
        for d in dtypes where !allowedNames.contains(d) {
            throw SwiftKerasError(.invalidArgument, "Invalid dtype: \(d)")
        }
        let isWeak = weak.isEmpty ? [Bool](repeating: false, count: dtypes.count) : weak
        var out: String
        var outWeak: Bool
        if dtypes.count == 1 {
            out = dtypes[0]
            outWeak = isWeak[0]
        } else if Set(dtypes).count == 1 && !isWeak.allSatisfy({ $0 }) {
            out = dtypes[0]
            outWeak = false
        } else if isWeak.allSatisfy({ $0 }) {
            out = try leastUpperBound(dtypes)
            outWeak = true
        } else {
            // A weak operand counts only by its kind ("int" / "float"); bool is never weak.
            let respected = zip(dtypes, isWeak).map { d, w -> String in
                if !w || d == "bool" { return d }
                if d.containsText("float") { return "float" }
                if d.containsText("int") { return "int" }
                return "complex"
            }
            out = try leastUpperBound(respected)
            outWeak = out == "int" || out == "float"
        }
        if out != "bool" && outWeak {
            let precision = String(floatx.suffix(2))
            let kind = out == "bfloat16" ? "f" : String(out.prefix(1))
            switch kind {
            case "b": out = "bool"
            case "i": out = "int\(precision)"
            case "u": out = "uint\(precision)"
            default: out = "float\(precision)"
            }
        }
        switch out {
        case "uint64": return "uint32"
        case "complex128": return "complex64"
        default: return out
        }
    }

    /// `resultType` on dtypes tensors can hold: nil when the result is a dtype they cannot hold
    /// (e.g. int16 for a weak int under floatx float16).
    public static func resultType(_ dtypes: [DType], weak: [Bool] = [],
                                  floatx: DType = KerasSettings.floatx) throws -> DType? {
        DType(exactName: try resultType(dtypes.map(\.name), weak: weak, floatx: floatx))
    }

    /// `binaryTable[a][b]`: the promoted dtype of non-weak operands with codes a and b (index 0
    /// unused), computed once from `resultType`.
    static let binaryTable: [[DType]] = {
        var table = [[DType]](repeating: [DType](repeating: .float32, count: 9), count: 9)
        for a in DType.allCases {
            for b in DType.allCases {
                // Every pair of DTypes has a bound that is a DType (see the tests).
                let r = (try? resultType([a, b], floatx: .float32)) ?? nil
                table[Int(a.rawValue)][Int(b.rawValue)] = r ?? .float32
            }
        }
        return table
    }()

    /// For one floatx: what a weak int and a weak float become against each dtype (index = code;
    /// index 0 = the scalar on its own).
    struct ScalarTable: Sendable {
        let int: [DType]
        let float: [DType]
    }

    /// One `ScalarTable` per floatx choice (by dtype code), computed once from `resultType`.
    static let scalarTables: [ScalarTable] = {
        var tables = [ScalarTable](repeating: ScalarTable(int: [], float: []), count: 9)
        for fx in KerasSettings.floatxChoices {
            func row(_ weakName: String, fallback: DType) -> [DType] {
                var r = [DType](repeating: fallback, count: 9)
                r[0] = (try? resultTypeUnder(fx, [weakName], [true])).flatMap { DType(exactName: $0) } ?? fallback
                for t in DType.allCases {
                    // A weak int whose precision tensors cannot hold (int16) falls back to int32.
                    r[Int(t.rawValue)] = (try? resultTypeUnder(fx, [t.name, weakName], [false, true])).flatMap { DType(exactName: $0) } ?? fallback
                }
                return r
            }
            tables[Int(fx.rawValue)] = ScalarTable(int: row("int64", fallback: .int32), float: row("float32", fallback: fx))
        }
        return tables
    }()

    /// `resultType` as it is under floatx `fx`.
    static func resultTypeUnder(_ fx: DType, _ dtypes: [String], _ weak: [Bool]) throws -> String {
        try resultType(dtypes, weak: weak, floatx: fx)
    }

    /// The scalar promotion table for floatx `fx`.
    static func scalarTable(_ fx: DType) -> ScalarTable {
        scalarTables[Int(fx.rawValue)]
    }
}

extension DType {
    /// The dtype with exactly this Keras name ("float32", "int64", ...; no aliases).
    public init?(exactName: String) {
        if exactName == "string" { self = .string; return }
        guard let d = DType.allCases.first(where: { $0.name == exactName }) else { return nil }
        self = d
    }
}
