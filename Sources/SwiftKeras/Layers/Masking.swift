// Masks (tf.keras 2 masking): which built-in layers pass masks on, how several input masks
// combine, how a mask becomes loss and metric weights, and the `Masking` layer. A mask is a
// bool tensor `(batch, steps)` (the input's leading dimensions): false marks a padded step.
//
// How a layer takes part: a layer that passes its input mask on sets `supportsMasking` (built-in
// classes: `MaskRules.passingClasses`); a layer that makes a mask overrides `computeMasks`
// (`Embedding(maskZero:)`, `Masking`); a layer that consumes masks overrides
// `callOutputs(_:masks:training:)` (RNNs, `GlobalAveragePooling1D`, the RNN wrappers).
// `Layer.outputsAndMasks` runs both; Sequential and functional models carry each output's mask
// to the layers that read it (Keras' `_keras_mask`).

/// The masking rules of the built-in layers (defined once; see `Layer.computeMasks`).
public enum MaskRules {
    /// The built-in classes that pass their input mask on unchanged (tf.keras 2 sets
    /// `supports_masking = True` in their constructors; merge layers combine several masks).
    static let passingClasses: [Layer.Type] = [
        InputLayer.self, Dense.self, Activation.self, Dropout.self, BatchNormalization.self, LayerNormalization.self,
        LeakyReLU.self, ReLU.self, PReLU.self, ELU.self, ThresholdedReLU.self, Softmax.self, Masking.self,
        Add.self, Subtract.self, Multiply.self, Average.self, Maximum.self, Minimum.self, Concatenate.self,
    ]

    /// Whether layers of `type` pass masks on by default (`Layer.supportsMasking`).
    static func passesMasks(_ type: Layer.Type) -> Bool {
        passingClasses.contains { $0 == type }
    }

    /// The masks of a call, one per input: `masks` empty means none; otherwise one entry per input,
    /// each nil or a tensor whose shape is the leading dimensions of its input, made bool.
    static func checkedMasks(_ masks: [Tensor?], for inputs: [Tensor], layer: String) throws -> [Tensor?] {
        if masks.isEmpty { return [Tensor?](repeating: nil, count: inputs.count) }
        if masks.count != inputs.count {
            throw SwiftKerasError.invalid("Layer '\(layer)': got \(masks.count) masks for \(inputs.count) inputs")
        }
        return try zip(masks, inputs).map { m, x in
            guard let m else { return nil }
            if m.rank > x.rank || Array(x.shape.prefix(m.rank)) != m.shape {
                throw SwiftKerasError.invalid("Layer '\(layer)': a mask of shape \(formatShape(m.shape)) does not match its input of shape \(formatShape(x.shape)) (expected the input's leading dimensions)")
            }
            return m.dtype == .bool ? m : try m.cast(to: .bool)
        }
    }

    /// The default output mask (`Layer.computeMasks`): none without `supportsMasking`; the input's
    /// mask for one input; for several, the logical and of the given masks (Keras `_Merge`), and
    /// for `Concatenate` along a non-feature axis the masks concatenated (missing ones all true).
    static func passedMasks(_ layer: Layer, _ inputs: [Tensor], _ masks: [Tensor?]) throws -> Tensor? {
        if !layer.supportsMasking { return nil }
        if masks.count <= 1 { return masks.first ?? nil }
        let given = masks.compactMap { $0 }
        if given.isEmpty { return nil }
        if let c = layer as? Concatenate, let x = inputs.first, given.allSatisfy({ $0.rank == x.rank - 1 }) {
            let axis = c.axis < 0 ? c.axis + x.rank : c.axis
            if axis >= 0 && axis < x.rank - 1 {
                let full = try zip(masks, inputs).map { m, x in
                    try m ?? Tensor.ones(Array(x.shape.prefix(x.rank - 1)), dtype: .bool)
                }
                return try concatenate(full, axis: axis)
            }
        }
        var out = given[0]
        for m in given.dropFirst() {
            if m.shape != out.shape {
                throw SwiftKerasError.invalid("Layer '\(layer.name)': cannot combine masks of shapes \(formatShape(out.shape)) and \(formatShape(m.shape))")
            }
            out = try out.logicalAnd(m)
        }
        return out
    }

    /// The weights a loss or metric reads for an output with `mask` (tf.keras 2 `apply_mask`): the
    /// mask as `dtype`, times the sample weights (a `(batch,)` weight broadcast over the steps).
    /// Without a mask, the sample weights unchanged.
    public static func maskedSampleWeights(_ mask: Tensor?, _ sampleWeight: Tensor?, dtype: DType) throws -> Tensor? {
        guard let mask else { return sampleWeight }
        let m = try mask.cast(to: dtype)
        guard let sw = sampleWeight else { return m }
        var w = try sw.cast(to: dtype)
        while w.rank < m.rank { w = try w.reshaped(to: w.shape + [1]) }
        while w.rank > m.rank, w.shape.last == 1 { w = try w.reshaped(to: Array(w.shape.dropLast())) }
        return try w * m
    }

    /// Per processing step, whether a sample has had a kept step at or before it: `(batch, steps)`
    /// in processing order (reversed time with `goBackwards`), as `dtype`. A masked RNN outputs
    /// zeros until its first kept step (Keras: the previous output starts at zeros). With
    /// `keptOnly`, whether the step itself is kept (Keras' `zero_output_for_mask`).
    static func seenSteps(_ mask: Tensor, goBackwards: Bool, dtype: DType, keptOnly: Bool = false) throws -> Tensor {
        let keep = try mask.cast(to: .bool).scalars(as: Bool.self)
        let (b, t) = (mask.shape[0], mask.shape[1])
        var seen = [Double](repeating: 0, count: b * t)
        for bi in 0..<b {
            var any = false
            for s in 0..<t {
                let k = keep[bi * t + (goBackwards ? t - 1 - s : s)]
                any = keptOnly ? k : any || k
                seen[bi * t + s] = any ? 1 : 0
            }
        }
        return try Tensor(seen, shape: [b, t]).cast(to: dtype)
    }
}

/// Masks the steps whose features all equal `maskValue` (Keras `Masking`): the output is the input
/// with those steps zeroed, and its mask `(batch, steps)` is false there, so later layers (RNNs,
/// pooling, losses) skip them.
public final class Masking: Layer, ConfigurableLayer {
    /// "Masking".
    public static var className: String { "Masking" }
    /// The value marking a padded step.
    public let maskValue: Double

    /// Creates the layer.
    public init(maskValue: Double = 0, name: String? = nil, dtype: DTypePolicy? = nil, inputShape: [Int]? = nil) {
        self.maskValue = maskValue
        super.init(name: name, dtype: dtype, inputShape: inputShape)
    }

    /// Builds the layer from its config ("mask_value", default 0).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        self.init(maskValue: try r.double("mask_value", 0), name: base.name, dtype: base.dtype)
    }

    /// The layer's config (see `Layer.getConfig()`).
    public override func getConfig() throws -> ConfigValue { try layerConfig(["mask_value": .double(maskValue)]) }

    private func keep(_ x: Tensor) throws -> Tensor {
        try x.isNotEqual(to: Tensor.scalar(maskValue, dtype: x.dtype)).any(alongAxes: [-1])
    }

    public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if x.rank < 2 {
            throw SwiftKerasError.invalid("Masking '\(name)': expected an input of rank 2 or more, got shape \(formatShape(x.shape))")
        }
        let m = try withoutRecording { try keep(x).reshaped(to: Array(x.shape.dropLast()) + [1]).cast(to: x.dtype) }
        return try x * m
    }

    /// The mask: whether any feature of a step differs from `maskValue`.
    public override func computeMasks(_ inputs: [Tensor], masks: [Tensor?]) throws -> [Tensor?] {
        guard let x = inputs.first, x.rank >= 2 else { return [nil] }
        return [try keep(x)]
    }

    public override func computeOutputShape(_ inputShape: [Int]) throws -> [Int] { inputShape }
}
