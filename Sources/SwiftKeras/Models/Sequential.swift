// A linear stack of layers (Keras 3 keras/src/models/sequential.py).

/// A model whose layers run one after the other (Keras `keras.Sequential`).
///
/// The input shape comes from an `InputLayer` added first or from the first layer's
/// `inputShape:`; once it is known, the layers are built as they are added (so `summary()` shows
/// shapes and parameter counts before any data is seen). Otherwise they are built on the first call.
open class Sequential: Model {
    private var stack: [Layer] = []
    private var inputLayer: InputLayer?
    /// The symbolic graph `symbolicInputsAndOutputs()` built, and the layers it was built for.
    var symbolicGraphCache: (layers: [ObjectIdentifier], inputs: [KerasTensor], outputs: [KerasTensor])?

    /// Creates a model from `layers` (Keras `Sequential([...])`), adding them in order.
    public init(_ layers: [Layer] = [], name: String? = nil) throws {
        super.init(name: name, dtype: nil, trainable: true, inputShape: nil)
        for l in layers { try add(l) }
    }

    /// The layers, input layer excluded (Keras `model.layers`).
    open override var layers: [Layer] { stack }

    /// The input shape with the batch dimension (-1 unknown), once known.
    public var inputShape: [Int]? { batchInputShape }

    /// Appends a layer (Keras `add`). An `InputLayer` is only accepted first and sets the input
    /// shape. With a known input shape the new layer is built now; if that fails, the layer
    /// is not added and the error is thrown.
    public func add(_ layer: Layer) throws {
        if layer === self { throw SwiftKerasError.invalid("Sequential '\(name)': cannot add a model to itself") }
        if stack.contains(where: { $0 === layer }) {
            throw SwiftKerasError.invalid("Sequential '\(name)': layer '\(layer.name)' is already in the model; layers must be unique within a Sequential model")
        }
        if let il = layer as? InputLayer {
            if !stack.isEmpty || inputLayer != nil {
                throw SwiftKerasError.invalid("Sequential '\(name)': an InputLayer can only be the first layer")
            }
            inputLayer = il
            batchInputShape = il.batchInputShape
            return
        }
        if stack.isEmpty, batchInputShape == nil, let s = layer.batchInputShape {
            batchInputShape = s
        }
        if let s = batchInputShape {
            var shape = s
            for l in stack { shape = try l.computeOutputShape([shape]) }
            try layer.buildIfNeeded([shape])
            _ = try layer.computeOutputShape([shape])
        }
        stack.append(layer)
        track(layer)
    }

    /// Removes the last layer and returns it (Keras `Sequential.pop`); the input shape stays.
    ///
    /// - Throws: `.invalidArgument` when the model has no layers (Keras: "There are no layers
    ///   in the model.").
    @discardableResult
    public func pop() throws -> Layer {
        guard let last = stack.popLast() else {
            throw SwiftKerasError.invalid("Sequential.pop: There are no layers in the model.")
        }
        untrack(last)
        return last
    }

    /// The output shape of each layer for the known input shape (nil where unknown).
    func layerOutputShapes() -> [[Int]?] {
        guard var shape = batchInputShape else { return stack.map { _ in nil } }
        var out: [[Int]?] = []
        var ok = true
        for l in stack {
            if ok, let s = try? l.computeOutputShape([shape]) {
                shape = s
                out.append(s)
            } else {
                ok = false
                out.append(nil)
            }
        }
        return out
    }

    open override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try run(inputs, masks: [], training: training).output
    }

    /// Runs the layers, each given the previous layer's output mask (Keras' `_keras_mask`);
    /// returns the last output and its mask.
    open override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        let (y, m) = try run(inputs, masks: masks, training: training)
        return ([y], [m])
    }

    private func run(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (output: Tensor, mask: Tensor?) {
        if inputs.count != 1 {
            throw SwiftKerasError.invalid("Sequential '\(name)' expects 1 input, but it received \(inputs.count) input tensors")
        }
        var x = inputs[0]
        if let expected = batchInputShape {
            try checkInputShape(x.shape, expected, model: name, index: nil)
        }
        if stack.isEmpty {
            throw SwiftKerasError.invalid("Sequential '\(name)' has no layers")
        }
        var mask = masks.first ?? nil
        for l in stack {
            let r = try l.outputsAndMasks([x], masks: [mask], training: training)
            (x, mask) = (r.outputs[0], r.masks[0])
        }
        return (x, mask)
    }

    open override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard var s = inputShapes.first else { return [] }
        for l in stack { s = try l.computeOutputShape([s]) }
        return s
    }
}

/// Throws unless `shape` matches `expected` (same rank; -1 in either matches anything).
func checkInputShape(_ shape: [Int], _ expected: [Int], model: String, index: Int?) throws {
    let ok = shape.count == expected.count && zip(shape, expected).allSatisfy { $0 == -1 || $1 == -1 || $0 == $1 }
    if !ok {
        let which = index.map { "input \($0) of " } ?? "the input of "
        throw SwiftKerasError.invalid("Model '\(model)': \(which)shape \(formatShape(shape)) is incompatible with the expected shape \(formatSymbolicShape(expected))")
    }
}
