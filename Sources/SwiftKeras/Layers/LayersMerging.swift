// Merge layers (Keras 3 keras/src/layers/merging): elementwise combinations of several inputs.

/// An elementwise merge of one or more inputs that broadcast together (shared by Add, Multiply, ...).
public class BaseMerge: Layer {
    let combine: (Tensor, Tensor) throws -> Tensor
    let minimumInputs: Int
    let maximumInputs: Int

    init(minimumInputs: Int = 1, maximumInputs: Int = Int.max, name: String?, dtype: DTypePolicy?,
         _ combine: @escaping (Tensor, Tensor) throws -> Tensor) {
        self.combine = combine
        self.minimumInputs = minimumInputs
        self.maximumInputs = maximumInputs
        super.init(name: name, dtype: dtype)
    }

    func checkCount(_ n: Int) throws {
        if n < minimumInputs || n > maximumInputs {
            let expected = minimumInputs == maximumInputs ? "exactly \(minimumInputs)" : "at least \(minimumInputs)"
            throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': a merge layer should be called on a list of \(expected) inputs, got \(n)")
        }
    }

    public override func build(inputShapes: [[Int]]) throws { try checkCount(inputShapes.count) }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try checkCount(inputs.count)
        var out = inputs[0]
        for x in inputs.dropFirst() {
            do { out = try combine(out, x) } catch let e as SwiftKerasError where e.kind == .invalidArgument {
                throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': inputs of shapes \(inputs.map { formatShape($0.shape) }.joined(separator: ", ")) cannot be merged: \(e.message)")
            }
        }
        return try finish(out, count: inputs.count)
    }

    func finish(_ out: Tensor, count: Int) throws -> Tensor { out }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try checkCount(inputShapes.count)
        var out = inputShapes[0]
        for s in inputShapes.dropFirst() {
            if s.count != out.count || zip(out, s).contains(where: { $0 != $1 && $0 != 1 && $1 != 1 && $0 != -1 && $1 != -1 }) {
                throw SwiftKerasError.invalid("\(String(describing: type(of: self))) '\(name)': inputs of shapes \(inputShapes.map(formatShape).joined(separator: ", ")) cannot be merged")
            }
            out = zip(out, s).map { a, b in a == 1 ? b : (b == 1 ? a : (a == -1 ? b : a)) }
        }
        return out
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        .object(try baseConfig())
    }
}

/// The elementwise sum of the inputs (Keras `Add`).
public final class Add: BaseMerge {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil) { super.init(name: name, dtype: dtype) { try $0 + $1 } }
}

extension Add: MergeLayerConfigurable {
    /// "Add".
    public static var className: String { "Add" }
}
/// The first input minus the second (Keras `Subtract`; exactly two inputs).
public final class Subtract: BaseMerge {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil) {
        super.init(minimumInputs: 2, maximumInputs: 2, name: name, dtype: dtype) { try $0 - $1 }
    }
}

extension Subtract: MergeLayerConfigurable {
    /// "Subtract".
    public static var className: String { "Subtract" }
}
/// The elementwise product of the inputs (Keras `Multiply`).
public final class Multiply: BaseMerge {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil) { super.init(name: name, dtype: dtype) { try $0 * $1 } }
}

extension Multiply: MergeLayerConfigurable {
    /// "Multiply".
    public static var className: String { "Multiply" }
}
/// The elementwise mean of the inputs (Keras `Average`).
public final class Average: BaseMerge {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil) { super.init(name: name, dtype: dtype) { try $0 + $1 } }
    override func finish(_ out: Tensor, count: Int) throws -> Tensor { try out / Double(count) }
}

extension Average: MergeLayerConfigurable {
    /// "Average".
    public static var className: String { "Average" }
}
/// The elementwise maximum of the inputs (Keras `Maximum`).
public final class Maximum: BaseMerge {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil) { super.init(name: name, dtype: dtype) { try maximum($0, $1) } }
}

extension Maximum: MergeLayerConfigurable {
    /// "Maximum".
    public static var className: String { "Maximum" }
}
/// The elementwise minimum of the inputs (Keras `Minimum`).
public final class Minimum: BaseMerge {
    /// Creates the layer.
    public init(name: String? = nil, dtype: DTypePolicy? = nil) { super.init(name: name, dtype: dtype) { try minimum($0, $1) } }
}

extension Minimum: MergeLayerConfigurable {
    /// "Minimum".
    public static var className: String { "Minimum" }
}

/// Concatenates the inputs along `axis` (Keras `Concatenate`, axis −1); the other
/// dimensions must match.
public final class Concatenate: Layer {
    public let axis: Int
    /// Creates the layer.
    public init(axis: Int = -1, name: String? = nil, dtype: DTypePolicy? = nil) {
        self.axis = axis
        super.init(name: name, dtype: dtype)
    }

    public override func build(inputShapes: [[Int]]) throws {
        _ = try computeOutputShape(inputShapes)
    }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        _ = try computeOutputShape(inputs.map { $0.shape })
        return try concatenate(inputs, axis: axis)
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard let first = inputShapes.first else {
            throw SwiftKerasError.invalid("Concatenate '\(name)': called with no inputs")
        }
        let r = first.count
        let a = axis < 0 ? axis + r : axis
        if a < 0 || a >= r {
            throw SwiftKerasError.invalid("Concatenate '\(name)': axis \(axis) is out of range for inputs of rank \(r)")
        }
        var out = first
        for s in inputShapes.dropFirst() {
            let ok = s.count == r && (0..<r).allSatisfy { $0 == a || s[$0] == first[$0] || s[$0] == -1 || first[$0] == -1 }
            if !ok {
                throw SwiftKerasError.invalid("Concatenate '\(name)': a `Concatenate` layer requires inputs with matching shapes except for the concatenation axis \(axis); received input shapes \(inputShapes.map(formatShape).joined(separator: ", "))")
            }
            out[a] = (out[a] < 0 || s[a] < 0) ? -1 : out[a] + s[a]
        }
        return out
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["axis": .int(axis)])
    }
}

extension Concatenate: ConfigurableLayer {
    /// "Concatenate".
    public static var className: String { "Concatenate" }

    /// Builds the layer from its config.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        self.init(axis: try r.int("axis", -1), name: base.name, dtype: base.dtype)
    }
}

/// The merge layers whose config holds only the base keys (their `init(reading:base:)` comes from here).
protocol MergeLayerConfigurable: BaseMerge, ConfigurableLayer {
    init(name: String?, dtype: DTypePolicy?)
}

extension MergeLayerConfigurable {
    /// Builds the layer from the base keys (it has no keys of its own).
    init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        self.init(name: base.name, dtype: base.dtype)
    }
}

/// The batchwise dot product of two inputs along `axes` (tf.keras 2 `Dot`, through
/// `batchDot`); with `normalize` each input is first L2-normalized along its axis, giving the
/// cosine proximity. The output is `(batch,)` + the first input's other axes + the second's, or
/// `(batch, 1)` when nothing else remains.
public final class Dot: Layer {
    /// The contracted axis of each input (negative axes count from the end).
    public let axes: (Int, Int)
    /// Whether the inputs are L2-normalized along their axes first.
    public let normalize: Bool
    /// Whether `axes` was given as one integer (kept for the config).
    let sameAxis: Bool

    /// Creates the layer contracting `axes.0` of the first input with `axes.1` of the second.
    public init(axes: (Int, Int), normalize: Bool = false, name: String? = nil, dtype: DTypePolicy? = nil) {
        self.axes = axes
        self.normalize = normalize
        self.sameAxis = false
        super.init(name: name, dtype: dtype)
    }

    /// Creates the layer contracting the same axis of both inputs.
    public init(axis: Int, normalize: Bool = false, name: String? = nil, dtype: DTypePolicy? = nil) {
        self.axes = (axis, axis)
        self.normalize = normalize
        self.sameAxis = true
        super.init(name: name, dtype: dtype)
    }

    /// The non-negative axes for inputs of ranks `r0`, `r1` (Keras takes a negative axis modulo the rank).
    func resolvedAxes(_ shapes: [[Int]]) throws -> (Int, Int) {
        guard shapes.count == 2 else {
            throw SwiftKerasError.invalid("Dot '\(name)': a `Dot` layer should be called on a list of 2 inputs, got \(shapes.count)")
        }
        let (s0, s1) = (shapes[0], shapes[1])
        func resolve(_ a: Int, _ r: Int) throws -> Int {
            guard r >= 2, a >= -r, a < r else {
                throw SwiftKerasError.invalid("Dot '\(name)': axes (\(axes.0), \(axes.1)) are out of range for inputs of shapes \(formatShape(s0)), \(formatShape(s1))")
            }
            return a < 0 ? a + r : a
        }
        let a = (try resolve(axes.0, s0.count), try resolve(axes.1, s1.count))
        if s0[a.0] != s1[a.1] && s0[a.0] >= 0 && s1[a.1] >= 0 {
            throw SwiftKerasError.invalid("Dot '\(name)': incompatible input shapes \(formatShape(s0)), \(formatShape(s1)): dimension \(s0[a.0]) of axis \(a.0) differs from dimension \(s1[a.1]) of axis \(a.1)")
        }
        return a
    }

    public override func build(inputShapes: [[Int]]) throws { _ = try resolvedAxes(inputShapes) }

    public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        let a = try resolvedAxes(inputs.map(\.shape))
        var (x0, x1) = (inputs[0], inputs[1])
        if normalize {
            x0 = try x0.l2Normalized(alongAxis: a.0)
            x1 = try x1.l2Normalized(alongAxis: a.1)
        }
        return try batchDot(x0, x1, axes: a)
    }

    public override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        let a = try resolvedAxes(inputShapes)
        let (s0, s1) = (inputShapes[0], inputShapes[1])
        let rest = s0.indices.dropFirst().filter { $0 != a.0 }.map { s0[$0] }
            + s1.indices.dropFirst().filter { $0 != a.1 }.map { s1[$0] }
        return [s0[0]] + (rest.isEmpty ? [1] : rest)
    }
    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { try computeOutputShape([inputShape]) }

    /// The layer's config (see `Layer.getConfig()`): "axes" an integer or a pair.
    public override func getConfig() throws -> ConfigValue {
        try layerConfig(["axes": sameAxis ? .int(axes.0) : .ints([axes.0, axes.1]), "normalize": .bool(normalize)])
    }
}

extension Dot: ConfigurableLayer {
    /// "Dot".
    public static var className: String { "Dot" }

    /// Builds the layer from its config ("axes" required: an integer or a list of two).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        guard r.has("axes") else { throw r.missing("axes") }
        let isInt: Bool = { if case .int? = r.values["axes"] { return true } else { return false } }()
        let a = try r.requiredInts("axes")
        let normalize = try r.bool("normalize", false)
        if isInt {
            self.init(axis: a[0], normalize: normalize, name: base.name, dtype: base.dtype)
        } else if a.count == 2 {
            self.init(axes: (a[0], a[1]), normalize: normalize, name: base.name, dtype: base.dtype)
        } else {
            throw SwiftKerasError.invalid("Dot: invalid format for argument `axes`: expected an integer or a list of 2 integers, got \(a)")
        }
    }
}
