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
