// Subclassed models whose build and call are closures: what `class MyModel(keras.Model)` in
// Python and a C model made of callbacks map to (Keras 3 keras/src/models/model.py, the
// subclassing path).

/// A model defined by closures instead of a Swift subclass (Keras `class M(keras.Model)` with
/// `__init__` creating layers and `call(inputs, training)` using them).
///
/// Sublayers are registered with `track(_:)` (usually right after creating the model), so
/// their weights are the model's (`weights`, `trainableWeights`, `fit`, `saveWeights`), in
/// registration order. `build` (optional) runs once before the first call with the input
/// shapes and may add weights or sublayers; `call` computes the first output. Weights created
/// by the first call (in `fit`, inside the first training step) are trained from that step on:
/// `Model.trainStep` lists the trainable variables after the forward pass.
open class ClosureModel: Model {
    /// Creates weights or sublayers for inputs of these shapes (batch included).
    public let buildFunction: ((ClosureModel, [[Int]]) throws -> Void)?
    /// The forward computation: the model, its inputs and whether it runs in training mode.
    public let callFunction: (ClosureModel, [Tensor], Bool) throws -> Tensor
    /// The subclass's name as the user wrote it (e.g. the Python class name; the automatic
    /// name derives from it).
    public let subclassName: String

    /// Creates the model.
    /// - Parameters:
    ///   - name: its name; nil gives a unique name from `className` ("my_model", "my_model_1").
    ///   - className: the user's class name ("MyModel"), kept in `subclassName`.
    ///   - build: optional build closure.
    ///   - call: the forward closure.
    public init(name: String? = nil, className: String = "Model",
                build: ((ClosureModel, [[Int]]) throws -> Void)? = nil,
                call: @escaping (ClosureModel, [Tensor], Bool) throws -> Tensor) {
        buildFunction = build
        callFunction = call
        subclassName = className
        super.init(name: name ?? Layer.autoName(className), dtype: nil, trainable: true, inputShape: nil)
    }

    open override func build(inputShapes: [[Int]]) throws {
        try buildFunction?(self, inputShapes)
    }

    open override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try callFunction(self, inputs, training)
    }

    open override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        [try call(inputs, training: training)]
    }

    open override func computeOutputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        let batchUnknown = inputShapes.first?.first == -1
        let zeros = try inputShapes.map { s in try Tensor.zeros(s.map { $0 < 0 ? 1 : $0 }, dtype: computeDType) }
        var out = try withoutRecording { try self(zeros, training: false).shape }
        if batchUnknown && !out.isEmpty { out[0] = -1 }
        return out
    }
}
