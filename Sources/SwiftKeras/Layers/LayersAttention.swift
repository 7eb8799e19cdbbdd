// Attention layers (tf.keras 2 keras/layers/attention): MultiHeadAttention, Attention and
// AdditiveAttention, with tf.keras 2's weights (names, shapes, order), configs and numerics.
//
// Their calls take several tensors with roles (query, value, key, masks) and keyword
// arguments: the tensors are the layer's inputs, their roles and the other arguments travel as
// call arguments (`Layer.callOutputs(_:arguments:training:)`): `"inputs"` lists the role of
// each input tensor (default: query, value[, key]), `"return_attention_scores"` and
// `"use_causal_mask"` are booleans. A functional node keeps its call arguments.

/// The call arguments of an attention layer: each role's tensor and the two flags.
struct AttentionCall {
    /// The tensor of each role ("query", "value", "key", mask roles).
    var tensors: [String: Tensor] = [:]
    /// The shape of each role (for build and output shapes).
    var shapes: [String: [Int]] = [:]
    var returnScores = false
    var causal = false

    /// Reads `arguments` for `count` inputs: "inputs" (the roles, each one of `roles`, none
    /// twice; default the first `count` of `roles`), "return_attention_scores",
    /// "use_causal_mask". Query and value are required.
    static func roles(_ arguments: [String: ConfigValue], count: Int, roles: [String],
                      layer: String) throws -> (names: [String], returnScores: Bool, causal: Bool) {
        var r = try ConfigReader(.object(arguments), owner: "\(layer).call")
        var names: [String]
        if let v = r.raw("inputs") {
            guard case .array(let a) = v else { throw r.fail("inputs", "a list of role names", v) }
            names = try a.map { e in
                guard case .string(let s) = e, roles.contains(s) else {
                    throw SwiftKerasError.invalid("\(layer).call: an input role must be one of \(roles), got \(e.json)")
                }
                return s
            }
        } else {
            names = Array(roles.prefix(Swift.min(count, 3)))
        }
        if names.count != count {
            throw SwiftKerasError.invalid("\(layer).call: \(count) input tensor(s) for the \(names.count) role(s) \(names)")
        }
        if Set(names).count != names.count {
            throw SwiftKerasError.invalid("\(layer).call: an input role appears twice in \(names)")
        }
        if !names.contains("query") || !names.contains("value") {
            throw SwiftKerasError.invalid("\(layer).call: the inputs must include a query and a value, got the roles \(names)")
        }
        let returnScores = try r.bool("return_attention_scores", false)
        let causal = try r.bool("use_causal_mask", false)
        if r.unreadKeys.first != nil {
            throw SwiftKerasError(.unimplemented, "\(layer).call: the arguments \(r.unreadKeys) are not supported")
        }
        return (names, returnScores, causal)
    }

    /// The roles' shapes for inputs of `shapes`.
    init(shapes: [[Int]], arguments: [String: ConfigValue], roles: [String], layer: String) throws {
        let (names, returnScores, causal) = try Self.roles(arguments, count: shapes.count, roles: roles, layer: layer)
        for (n, s) in zip(names, shapes) { self.shapes[n] = s }
        self.returnScores = returnScores
        self.causal = causal
    }

    /// The roles' tensors for `inputs`.
    init(tensors inputs: [Tensor], arguments: [String: ConfigValue], roles: [String], layer: String) throws {
        try self.init(shapes: inputs.map(\.shape), arguments: arguments, roles: roles, layer: layer)
        let (names, _, _) = try Self.roles(arguments, count: inputs.count, roles: roles, layer: layer)
        for (n, t) in zip(names, inputs) { tensors[n] = t }
    }

    /// The value of a role that must be present (query, value).
    func tensor(_ role: String) throws -> Tensor {
        guard let t = tensors[role] else { throw SwiftKerasError.invalid("attention: no \(role) tensor") }
        return t
    }
}

/// The large negative Keras adds to masked-out attention scores: -1e9, or float16's lowest
/// value in float16 (tf.keras 2 `_large_compatible_negative`, `BaseDenseAttention._apply_scores`).
func attentionMaskPenalty(_ dtype: DType) -> Double { dtype == .float16 ? 65504 : 1e9 }

/// tf.keras 2's lower-triangular causal mask over the last two dimensions of a `shape` (true
/// where column <= row), as a bool tensor of `shape` with ones before those dimensions.
func causalAttentionMask(rows: Int, columns: Int, leading: Int) throws -> Tensor {
    var values = [Bool](repeating: false, count: rows * columns)
    for i in 0..<rows { for j in 0...Swift.min(i, columns - 1) where columns > 0 { values[i * columns + j] = true } }
    return try Tensor(values, shape: [Int](repeating: 1, count: leading) + [rows, columns])
}

// MARK: - MultiHeadAttention

/// Multi-head attention (tf.keras 2 `MultiHeadAttention`, Vaswani et al.): query, key and value
/// are projected to `numHeads` heads (`keyDim`, `keyDim`, `valueDim` wide), the query scaled by
/// 1/sqrt(keyDim), scores softmaxed over the attention axes (masked positions get -1e9 added),
/// dropped out in training, applied to the values, and the heads projected to `outputShape`
/// (default: the query's last dimension).
///
/// Weights, in tf.keras 2's order and names: `query/kernel (dq, heads, keyDim)`, `query/bias
/// (heads, keyDim)`, `key/kernel`, `key/bias`, `value/kernel (dv, heads, valueDim)`,
/// `value/bias`, `attention_output/kernel (heads, valueDim, outputShape...)`,
/// `attention_output/bias (outputShape...)` (no biases when `useBias` is false).
///
/// Inputs (see the file's comment): roles "query", "value", "key" (default: the value),
/// "attention_mask" (shape `(B, T, S)`, broadcast over the heads; nonzero = attend) and the
/// masks tf.keras 2 reads from its inputs' `_keras_mask`: "query_mask" `(B, T)`, "value_mask"
/// and "key_mask" `(B, S)`; outputs the attention output and, with `return_attention_scores`,
/// the scores `(B, heads, T, S)`.
public final class MultiHeadAttention: Layer {
    public let numHeads: Int
    public let keyDim: Int
    public let valueDim: Int
    public let dropout: Double
    public let useBias: Bool
    /// The output's trailing shape, or nil for the query's last dimension.
    public let outputShape: [Int]?
    /// The axes attention is applied over (nil: every axis but batch, heads and features).
    public private(set) var attentionAxes: [Int]?
    let outputShapeWasInt: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer
    public let kernelRegularizer: Regularizer?
    public let biasRegularizer: Regularizer?
    /// The input shapes the layer was built for (tf.keras 2 keeps them in its config).
    public private(set) var queryShape: [Int]?
    public private(set) var keyShape: [Int]?
    public private(set) var valueShape: [Int]?
    var projections: [(kernel: Variable, bias: Variable?)] = []

    static let roles = ["query", "value", "key", "attention_mask", "query_mask", "value_mask", "key_mask"]

    /// Creates the layer (tf.keras 2 defaults: `valueDim` = `keyDim`, no dropout, biases,
    /// glorot_uniform kernels, zero biases).
    public init(numHeads: Int, keyDim: Int, valueDim: Int? = nil, dropout: Double = 0, useBias: Bool = true,
                outputShape: [Int]? = nil, attentionAxes: [Int]? = nil,
                kernelInitializer: Initializer = GlorotUniform(), biasInitializer: Initializer = Zeros(),
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                name: String? = nil, dtype: DTypePolicy? = nil, outputShapeWasInt: Bool = false) throws {
        let l = "MultiHeadAttention"
        self.numHeads = try positiveArgument(numHeads, "num_heads", layer: l)
        self.keyDim = try positiveArgument(keyDim, "key_dim", layer: l)
        self.valueDim = try positiveArgument(valueDim ?? keyDim, "value_dim", layer: l)
        if !(dropout >= 0 && dropout <= 1) {
            throw SwiftKerasError.invalid("\(l): `dropout` must be between 0 and 1, got \(dropout)")
        }
        if let o = outputShape, o.isEmpty || o.contains(where: { $0 <= 0 }) {
            throw SwiftKerasError.invalid("\(l): `output_shape` must be positive integers, got \(o)")
        }
        (self.dropout, self.useBias, self.outputShape, self.outputShapeWasInt) = (dropout, useBias, outputShape, outputShapeWasInt)
        self.attentionAxes = attentionAxes
        (self.kernelInitializer, self.biasInitializer) = (kernelInitializer, biasInitializer)
        (self.kernelRegularizer, self.biasRegularizer) = (kernelRegularizer, biasRegularizer)
        super.init(name: name, dtype: dtype)
    }

    /// The attention axes for projected tensors of rank `rank` (query rank + 1), validated.
    func resolvedAxes(rank: Int) throws -> [Int] {
        guard let axes = attentionAxes else { return Array(1..<Swift.max(1, rank - 2)) }
        let resolved = axes.map { $0 < 0 ? $0 + rank - 1 : $0 }
        if resolved.isEmpty || resolved.contains(where: { $0 < 1 || $0 >= rank - 2 }) || Set(resolved).count != resolved.count {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': attention_axes \(axes) must be distinct axes between 1 and \(rank - 3) for inputs of rank \(rank - 1)")
        }
        return resolved
    }

    public override func build(inputShapes: [[Int]], arguments: [String: ConfigValue]) throws {
        let call = try AttentionCall(shapes: inputShapes, arguments: arguments, roles: Self.roles, layer: "MultiHeadAttention")
        guard let q = call.shapes["query"], let v = call.shapes["value"] else { return }
        try buildFromShapes(query: q, value: v, key: call.shapes["key"])
    }

    /// Creates the weights for inputs of these shapes (tf.keras 2 `_build_from_signature`).
    public func buildFromShapes(query q: [Int], value v: [Int], key: [Int]?) throws {
        let k = key ?? v
        for (role, s) in [("query", q), ("value", v), ("key", k)] where s.count < 3 || s[s.count - 1] <= 0 {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': the \(role) must have rank >= 3 and a known last dimension, got shape \(formatShape(s))")
        }
        if q.count != k.count || k.count != v.count {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': query, key and value must have the same rank, got \(formatShape(q)), \(formatShape(k)), \(formatShape(v))")
        }
        let axes = try resolvedAxes(rank: q.count + 1)
        let out = outputShape ?? [q[q.count - 1]]
        projections = []
        for (wname, dim, width) in [("query", q.last ?? 0, keyDim), ("key", k.last ?? 0, keyDim), ("value", v.last ?? 0, valueDim)] {
            let kernel = try addWeight(name: "\(wname)/kernel", shape: [dim, numHeads, width], initializer: kernelInitializer,
                                       regularizer: kernelRegularizer)
            let bias = useBias ? try addWeight(name: "\(wname)/bias", shape: [numHeads, width], initializer: biasInitializer,
                                               regularizer: biasRegularizer) : nil
            projections.append((kernel, bias))
        }
        let kernel = try addWeight(name: "attention_output/kernel", shape: [numHeads, valueDim] + out,
                                   initializer: kernelInitializer, regularizer: kernelRegularizer)
        let bias = useBias ? try addWeight(name: "attention_output/bias", shape: out, initializer: biasInitializer,
                                           regularizer: biasRegularizer) : nil
        projections.append((kernel, bias))
        (queryShape, keyShape, valueShape) = (q, k, v)
        attentionAxes = axes
    }

    /// `x` (…, d) contracted with the kernel's first `bound` axes, plus the bias.
    private func project(_ x: Tensor, _ p: (kernel: Variable, bias: Variable?), bound: Int) throws -> Tensor {
        let kernel = try read(p.kernel)
        let inner = kernel.shape.prefix(bound).reduce(1, *)
        let trailing = Array(kernel.shape.dropFirst(bound))
        let lead = Array(x.shape.dropLast(bound))
        if Array(x.shape.suffix(bound)) != Array(kernel.shape.prefix(bound)) {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': an input of shape \(formatShape(x.shape)) does not match the kernel \(p.kernel.name) of shape \(formatShape(kernel.shape))")
        }
        let y = try matmul(try x.reshaped(to: lead + [inner]),
                           try kernel.reshaped(to: [inner, trailing.reduce(1, *)])).reshaped(to: lead + trailing)
        guard let b = p.bias else { return y }
        return try y + read(b)
    }

    public override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        try callOutputsAndMasks(inputs, masks: masks, arguments: [:], training: training)
    }

    /// Masks carried by the inputs join them in their mask roles (`AttentionCall.outputsAndMasks`).
    public override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue],
                                             training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        try AttentionCall.outputsAndMasks(self, inputs, masks: masks, arguments: arguments, roles: Self.roles,
                                          kerasName: "MultiHeadAttention", training: training)
    }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        try callOutputs(inputs, arguments: [:], training: training)
    }

    public override func callOutputs(_ inputs: [Tensor], arguments: [String: ConfigValue], training: Bool) throws -> [Tensor] {
        let call = try AttentionCall(tensors: inputs, arguments: arguments, roles: Self.roles, layer: "MultiHeadAttention")
        guard projections.count == 4, let axes = attentionAxes else {
            throw SwiftKerasError(.runtime, "Layer '\(name)': called before build")
        }
        let query = try call.tensor("query"), value = try call.tensor("value")
        let key = call.tensors["key"] ?? value
        if query.rank != queryShape?.count || key.rank != query.rank || value.rank != query.rank {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': inputs of shapes \(formatShape(query.shape)), \(formatShape(value.shape)), \(formatShape(key.shape)) do not match the ranks the layer was built for")
        }
        // The mask (tf.keras 2 `_compute_attention_mask`): the query mask (B, T, 1), value and key
        // masks (B, 1, S) and the causal mask and-ed together, then with the attention mask.
        var auto: Tensor? = try call.tensors["query_mask"].map { try $0.cast(to: .bool).expandingDims(at: 2) }
        func and(_ m: Tensor) throws { auto = try auto.map { try $0.logicalAnd(m) } ?? m }
        for role in ["value_mask", "key_mask"] {
            if let m = call.tensors[role] { try and(try m.cast(to: .bool).expandingDims(at: 1)) }
        }
        if call.causal { try and(try causalAttentionMask(rows: query.shape[1], columns: value.shape[1], leading: 1)) }
        var mask = call.tensors["attention_mask"]
        if let auto { mask = try mask.map { try $0.cast(to: .bool).logicalAnd(auto) } ?? auto }
        let q = try project(query, projections[0], bound: 1) * (1.0 / Double(keyDim).squareRoot())
        let k = try project(key, projections[1], bound: 1)
        let v = try project(value, projections[2], bound: 1)
        let (o, scores) = try attend(q, k, v, mask: mask, axes: axes, training: training)
        let out = try project(o, projections[3], bound: 2)
        return call.returnScores ? [out, scores] : [out]
    }

    /// Scaled dot-product attention of projected `q` (B, T…, heads, keyDim), `k`, `v` over
    /// `axes` (tf.keras 2 `_compute_attention` with its einsum equations): returns the output
    /// (B, T…, heads, valueDim) and the softmaxed scores (batch axes, T axes, S axes).
    func attend(_ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor?, axes: [Int], training: Bool) throws -> (Tensor, Tensor) {
        let rank = q.rank
        let batchAxes = (0..<rank).filter { !axes.contains($0) && $0 != rank - 1 }
        let perm = batchAxes + axes + [rank - 1]
        let batchDims = batchAxes.map { q.shape[$0] }
        if batchAxes.contains(where: { q.shape[$0] != k.shape[$0] || k.shape[$0] != v.shape[$0] }) {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': query, key and value shapes \(formatShape(q.shape)), \(formatShape(k.shape)), \(formatShape(v.shape)) differ outside the attention axes \(axes)")
        }
        if axes.contains(where: { k.shape[$0] != v.shape[$0] }) {
            throw SwiftKerasError.invalid("MultiHeadAttention '\(name)': key and value shapes \(formatShape(k.shape)), \(formatShape(v.shape)) differ on the attention axes \(axes)")
        }
        let tDims = axes.map { q.shape[$0] }, sDims = axes.map { k.shape[$0] }
        let nb = batchDims.reduce(1, *), nt = tDims.reduce(1, *), ns = sDims.reduce(1, *)
        let q3 = try q.transposed(perm).reshaped(to: [nb, nt, q.shape[rank - 1]])
        let k3 = try k.transposed(perm).reshaped(to: [nb, ns, k.shape[rank - 1]])
        let v3 = try v.transposed(perm).reshaped(to: [nb, ns, v.shape[rank - 1]])
        let scoresShape = batchDims + tDims + sDims
        var scores = try matmul(q3, k3.transposed([0, 2, 1])).reshaped(to: scoresShape)
        if var m = mask {
            // tf.keras 2 `_masked_softmax`: expand the mask before the T axes until the ranks match.
            while m.rank < scoresShape.count {
                m = try m.expandingDims(at: Swift.max(0, m.rank - 2 * axes.count))
            }
            let mf = try m.cast(to: scores.dtype).broadcasted(to: scoresShape)
            scores = try scores + (1.0 - mf) * -attentionMaskPenalty(scores.dtype)
        }
        let weights = try scores.reshaped(to: [nb * nt, ns]).softmax(alongAxis: -1)
        let scoresOut = try weights.reshaped(to: scoresShape)
        var w3 = try weights.reshaped(to: [nb, nt, ns])
        if training && dropout > 0 {
            w3 = try w3.dropout(rate: dropout, seed: Random.freshSeed())
        }
        let o = try matmul(w3, v3).reshaped(to: batchDims + tDims + [v.shape[rank - 1]])
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return (try o.transposed(inverse), scoresOut)
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        try computeOutputShapes(inputShapes, arguments: [:])
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]], arguments: [String: ConfigValue]) throws -> [[Int]] {
        let call = try AttentionCall(shapes: inputShapes, arguments: arguments, roles: Self.roles, layer: "MultiHeadAttention")
        guard let q = call.shapes["query"], let v = call.shapes["value"] else { return [] }
        let out = Array(q.dropLast()) + (outputShape ?? [q.last ?? -1])
        if !call.returnScores { return [out] }
        let axes = try resolvedAxes(rank: q.count + 1)
        let rank = q.count + 1
        let qp = Array(q.dropLast()) + [numHeads]
        let vp = Array(v.dropLast()) + [numHeads]
        let batchAxes = (0..<rank - 1).filter { !axes.contains($0) }
        return [out, batchAxes.map { qp[$0] } + axes.map { qp[$0] } + axes.map { vp[$0] }]
    }

    /// The layer's config (tf.keras 2 `MultiHeadAttention.get_config`).
    public override func getConfig() throws -> ConfigValue {
        func shape(_ s: [Int]?) -> ConfigValue { s.map { .ints($0) } ?? .null }
        let out: ConfigValue = outputShape.map { outputShapeWasInt && $0.count == 1 ? .int($0[0]) : .ints($0) } ?? .null
        return try layerConfig([
            "num_heads": .int(numHeads), "key_dim": .int(keyDim), "value_dim": .int(valueDim),
            "dropout": .double(dropout), "use_bias": .bool(useBias), "output_shape": out,
            "attention_axes": attentionAxes.map { .ints($0) } ?? .null,
            "kernel_initializer": try .initializer(kernelInitializer), "bias_initializer": try .initializer(biasInitializer),
            "kernel_regularizer": try .regularizer(kernelRegularizer), "bias_regularizer": try .regularizer(biasRegularizer),
            "activity_regularizer": .null,
            "query_shape": shape(queryShape), "key_shape": shape(keyShape), "value_shape": shape(valueShape),
            "softmax_robust_masking": .bool(false),
        ])
    }
}

extension MultiHeadAttention: ConfigurableLayer {
    /// "MultiHeadAttention".
    public static var className: String { "MultiHeadAttention" }

    /// Builds the layer from its config ("num_heads" and "key_dim" required); with
    /// "query_shape", "key_shape" and "value_shape" the layer is built (its weights exist), as
    /// tf.keras 2's `from_config`. An activity regularizer and
    /// `softmax_robust_masking` are not supported.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        let outputIsInt: Bool = { if case .int? = r.values["output_shape"] { return true } else { return false } }()
        try self.init(numHeads: try r.requiredInt("num_heads"), keyDim: try r.requiredInt("key_dim"),
                      valueDim: try r.int("value_dim"), dropout: try r.double("dropout", 0),
                      useBias: try r.bool("use_bias", true), outputShape: try r.ints("output_shape"),
                      attentionAxes: try r.ints("attention_axes"),
                      kernelInitializer: try r.initializer("kernel_initializer", GlorotUniform()),
                      biasInitializer: try r.initializer("bias_initializer", Zeros()),
                      kernelRegularizer: try r.regularizer("kernel_regularizer"),
                      biasRegularizer: try r.regularizer("bias_regularizer"),
                      name: base.name, dtype: base.dtype, outputShapeWasInt: outputIsInt)
        try r.onlyDefault("softmax_robust_masking", .bool(false))
        if base.activityRegularizer != nil {
            throw SwiftKerasError(.unimplemented, "MultiHeadAttention: activity_regularizer is not supported (tf.keras 2 applies it to each projection)")
        }
        let q = try r.ints("query_shape"), k = try r.ints("key_shape"), v = try r.ints("value_shape")
        if let q, let v {
            try buildIfNeeded([q, v] + (k.map { [$0] } ?? []),
                              arguments: ["inputs": .array((k == nil ? ["query", "value"] : ["query", "value", "key"]).map { .string($0) })])
        }
    }
}

// MARK: - Attention and AdditiveAttention

/// What Attention and AdditiveAttention share (tf.keras 2 `BaseDenseAttention`): scores of a
/// query `(B, Tq, dim)` against a key `(B, Tv, dim)` (default: the value), masked (value mask,
/// causal mask: -1e9 where false), softmaxed over Tv, dropped out in training and applied to
/// the value `(B, Tv, dim)`; the output is zeroed where the query mask is false.
///
/// Inputs (see the file's comment): roles "query", "value", "key", "query_mask", "value_mask"
/// (bool or numeric, nonzero = keep); outputs the result and, with `return_attention_scores`,
/// the softmaxed scores `(B, Tq, Tv)`.
public class BaseDenseAttention: Layer {
    /// The dropout rate of the attention scores.
    public let dropout: Double

    static let roles = ["query", "value", "key", "query_mask", "value_mask"]

    init(dropout: Double, name: String?, dtype: DTypePolicy?) throws {
        if !(dropout >= 0 && dropout <= 1) {
            throw SwiftKerasError.invalid("\(String(describing: Self.self)): `dropout` must be between 0 and 1, got \(dropout)")
        }
        self.dropout = dropout
        super.init(name: name, dtype: dtype)
    }

    /// The Keras class name (errors name it).
    var kerasName: String { String(describing: type(of: self)) }

    /// The raw scores `(B, Tq, Tv)` (each subclass computes its own).
    func scores(query: Tensor, key: Tensor) throws -> Tensor {
        throw SwiftKerasError(.unimplemented, "BaseDenseAttention: scores are computed by Attention and AdditiveAttention")
    }

    /// Creates the weights for a value of `valueShape` (subclasses override).
    func build(valueShape: [Int]) throws {}

    public override func build(inputShapes: [[Int]], arguments: [String: ConfigValue]) throws {
        let call = try AttentionCall(shapes: inputShapes, arguments: arguments, roles: Self.roles, layer: kerasName)
        guard let v = call.shapes["value"] else { return }
        try build(valueShape: v)
    }

    public override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        try callOutputsAndMasks(inputs, masks: masks, arguments: [:], training: training)
    }

    /// Masks carried by the inputs join them in their mask roles (`AttentionCall.outputsAndMasks`).
    public override func callOutputsAndMasks(_ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue],
                                             training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        try AttentionCall.outputsAndMasks(self, inputs, masks: masks, arguments: arguments, roles: Self.roles,
                                          kerasName: kerasName, training: training)
    }

    public override func callOutputs(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
        try callOutputs(inputs, arguments: [:], training: training)
    }

    public override func callOutputs(_ inputs: [Tensor], arguments: [String: ConfigValue], training: Bool) throws -> [Tensor] {
        let call = try AttentionCall(tensors: inputs, arguments: arguments, roles: Self.roles, layer: kerasName)
        let q = try call.tensor("query"), v = try call.tensor("value")
        let k = call.tensors["key"] ?? v
        if q.rank < 2 || k.rank != q.rank || v.rank != q.rank || q.shape.last != k.shape.last
            || k.shape[k.rank - 2] != v.shape[v.rank - 2] {
            throw SwiftKerasError.invalid("\(kerasName) '\(name)': incompatible query, value and key shapes \(formatShape(q.shape)), \(formatShape(v.shape)), \(formatShape(k.shape))")
        }
        var s = try scores(query: q, key: k)
        var mask: Tensor? = try call.tensors["value_mask"].map { try $0.cast(to: .bool).expandingDims(at: -2) }
        if call.causal {
            let causal = try causalAttentionMask(rows: s.shape[s.rank - 2], columns: s.shape[s.rank - 1], leading: s.rank - 2)
            mask = try mask.map { try $0.logicalAnd(causal) } ?? causal
        }
        if let mask {
            s = try s - (try mask.logicalNot().cast(to: s.dtype)) * attentionMaskPenalty(s.dtype)
        }
        let weights = try s.softmax(alongAxis: -1)
        var w = weights
        if training && dropout > 0 { w = try w.dropout(rate: dropout, seed: Random.freshSeed()) }
        var result = try matmul(w, v)
        if let qm = call.tensors["query_mask"] {
            result = try result * qm.cast(to: .bool).expandingDims(at: -1).cast(to: result.dtype)
        }
        return call.returnScores ? [result, weights] : [result]
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
        try computeOutputShapes(inputShapes, arguments: [:])
    }

    public override func computeOutputShapes(_ inputShapes: [[Int]], arguments: [String: ConfigValue]) throws -> [[Int]] {
        let call = try AttentionCall(shapes: inputShapes, arguments: arguments, roles: Self.roles, layer: kerasName)
        guard let q = call.shapes["query"], let v = call.shapes["value"], q.count >= 2, v.count >= 2 else {
            throw SwiftKerasError.invalid("\(kerasName) '\(name)': the query and value must have rank >= 2")
        }
        let out = Array(q.dropLast()) + [v[v.count - 1]]
        return call.returnScores ? [out, Array(q.dropLast()) + [v[v.count - 2]]] : [out]
    }

    /// The base keys plus "dropout" and the subclass's `own` keys.
    func attentionConfig(_ own: [String: ConfigValue]) throws -> ConfigValue {
        try layerConfig(own.merging(["dropout": .double(dropout)]) { a, _ in a })
    }
}

/// Dot-product attention (tf.keras 2 `Attention`, Luong-style): `score_mode` "dot" gives
/// `query · keyᵀ` (times the scalar weight `scale` with `useScale`); "concat" gives
/// `concat_score_weight · Σ tanh(scale · (query + key))` over the features. Weights: `scale`
/// `()` (ones, with `useScale`), then `concat_score_weight` `()` (ones, "concat" mode).
public final class Attention: BaseDenseAttention {
    public let useScale: Bool
    /// "dot" or "concat".
    public let scoreMode: String
    public private(set) var scale: Variable?
    public private(set) var concatScoreWeight: Variable?

    /// Creates the layer (tf.keras 2 defaults: no scale, "dot", no dropout).
    public init(useScale: Bool = false, scoreMode: String = "dot", dropout: Double = 0,
                name: String? = nil, dtype: DTypePolicy? = nil) throws {
        if scoreMode != "dot" && scoreMode != "concat" {
            throw SwiftKerasError.invalid("Attention: Received: score_mode=\(scoreMode). Acceptable values are: [\"dot\", \"concat\"]")
        }
        self.useScale = useScale
        self.scoreMode = scoreMode
        try super.init(dropout: dropout, name: name, dtype: dtype)
    }

    override func build(valueShape: [Int]) throws {
        if useScale { scale = try addWeight(name: "scale", shape: [], initializer: Ones()) }
        if scoreMode == "concat" { concatScoreWeight = try addWeight(name: "concat_score_weight", shape: [], initializer: Ones()) }
    }

    override func scores(query: Tensor, key: Tensor) throws -> Tensor {
        let r = key.rank
        if scoreMode == "dot" {
            let perm = Array(0..<(r - 2)) + [r - 1, r - 2]
            let s = try matmul(query, key.transposed(perm))
            return try scale.map { try s * read($0) } ?? s
        }
        var sum = try query.expandingDims(at: -2) + key.expandingDims(at: -3)
        if let scale { sum = try sum * read(scale) }
        let s = try tanh(sum).sum(alongAxes: [-1])
        return try concatScoreWeight.map { try s * read($0) } ?? s
    }

    /// The layer's config (tf.keras 2 `Attention.get_config`).
    public override func getConfig() throws -> ConfigValue {
        try attentionConfig(["use_scale": .bool(useScale), "score_mode": .string(scoreMode)])
    }
}

extension Attention: ConfigurableLayer {
    /// "Attention".
    public static var className: String { "Attention" }

    /// Builds the layer from its config; the deprecated "causal" is not supported (use the
    /// call's `use_causal_mask`).
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.onlyDefault("causal", .bool(false))
        try self.init(useScale: try r.bool("use_scale", false), scoreMode: try r.string("score_mode") ?? "dot",
                      dropout: try r.double("dropout", 0), name: base.name, dtype: base.dtype)
    }
}

/// Additive attention (tf.keras 2 `AdditiveAttention`, Bahdanau-style): scores
/// `Σ scale · tanh(query + key)` over the features; weight `scale` `(dim,)` (glorot_uniform,
/// with `useScale`, dim = the value's last dimension).
public final class AdditiveAttention: BaseDenseAttention {
    public let useScale: Bool
    public private(set) var scale: Variable?

    /// Creates the layer (tf.keras 2 defaults: a scale, no dropout).
    public init(useScale: Bool = true, dropout: Double = 0, name: String? = nil, dtype: DTypePolicy? = nil) throws {
        self.useScale = useScale
        try super.init(dropout: dropout, name: name, dtype: dtype)
    }

    override func build(valueShape: [Int]) throws {
        guard let dim = valueShape.last, dim > 0 else {
            throw SwiftKerasError.invalid("AdditiveAttention '\(name)': the value needs a known last dimension, got \(formatShape(valueShape))")
        }
        if useScale { scale = try addWeight(name: "scale", shape: [dim], initializer: GlorotUniform()) }
    }

    override func scores(query: Tensor, key: Tensor) throws -> Tensor {
        var t = try tanh(query.expandingDims(at: -2) + key.expandingDims(at: -3))
        if let scale { t = try t * read(scale) }
        return try t.sum(alongAxes: [-1])
    }

    /// The layer's config (tf.keras 2 `AdditiveAttention.get_config`).
    public override func getConfig() throws -> ConfigValue {
        try attentionConfig(["use_scale": .bool(useScale)])
    }
}

extension AdditiveAttention: ConfigurableLayer {
    /// "AdditiveAttention".
    public static var className: String { "AdditiveAttention" }

    /// Builds the layer from its config; the deprecated "causal" is not supported.
    convenience init(reading r: inout ConfigReader, base: LayerBaseArguments) throws {
        try r.onlyDefault("causal", .bool(false))
        try self.init(useScale: try r.bool("use_scale", true), dropout: try r.double("dropout", 0),
                      name: base.name, dtype: base.dtype)
    }
}

// MARK: - Propagated masks

extension AttentionCall {
    /// An attention layer's call with the masks its inputs carry (tf.keras 2 reads each input's
    /// `_keras_mask`): the mask of the input in role R joins the inputs in role "R_mask" when the
    /// layer has that role and the call did not pass one explicitly. Outputs: the layer's, with
    /// the query's mask on the attention output (tf.keras 2 `compute_mask`) and none on the scores.
    static func outputsAndMasks(_ layer: Layer, _ inputs: [Tensor], masks: [Tensor?], arguments: [String: ConfigValue],
                                roles: [String], kerasName: String, training: Bool) throws -> (outputs: [Tensor], masks: [Tensor?]) {
        let (names, _, _) = try Self.roles(arguments, count: inputs.count, roles: roles, layer: kerasName)
        var tensors = inputs, roleNames = names
        var queryMask: Tensor? = nil
        for (i, m) in masks.enumerated() where i < names.count {
            guard let m else { continue }
            if names[i] == "query" { queryMask = m }
            let role = names[i] + "_mask"
            if roles.contains(role) && !roleNames.contains(role) {
                tensors.append(m)
                roleNames.append(role)
            }
        }
        var args = arguments
        if roleNames.count != names.count { args["inputs"] = .array(roleNames.map { .string($0) }) }
        let outs = try layer.callOutputs(tensors, arguments: args, training: training)
        return (outs, outs.indices.map { $0 == 0 ? queryMask : nil })
    }
}
