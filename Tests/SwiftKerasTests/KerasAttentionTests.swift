import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// MultiHeadAttention, Attention and AdditiveAttention: values against tf.keras 2.21 with the
// same weights (Tests/reference/attention.json, printed by tools/reference/attention_reference.py
// and shared with the Python tests), weights' names and order, call arguments,
// functional models (several inputs, two outputs, saved configs), configs, errors, gradients.

/// `sin(0.37 · i + k) · 0.5` over `shape` (the reference script's `fill`).
func attentionFill(_ shape: [Int], _ k: Int, dtype: DType = .float32) throws -> Tensor {
    let n = shape.reduce(1, *)
    return try Tensor.from(doubles: (0..<n).map { Glibc.sin(0.37 * Double($0) + Double(k)) * 0.5 }, shape: shape, dtype: dtype)
}

/// `(7 · i + k) % 3 != 0` over `shape` (the reference script's `mask`).
func attentionMask(_ shape: [Int], _ k: Int) throws -> Tensor {
    let n = shape.reduce(1, *)
    return try Tensor((0..<n).map { (7 * $0 + k) % 3 != 0 }, shape: shape)
}

/// Sets every weight of `layer` to `attentionFill(shape, 10 + i)` (the reference's `set_weights`).
func fillAttentionWeights(_ layer: Layer, from k: Int = 10) throws {
    try layer.setWeights(layer.weights.enumerated().map { i, w in try attentionFill(w.shape, k + i) })
}

/// The call arguments naming the roles of the inputs.
func attentionRoles(_ roles: [String], _ extra: [String: ConfigValue] = [:]) -> [String: ConfigValue] {
    extra.merging(["inputs": .array(roles.map { .string($0) })]) { a, _ in a }
}

/// The expected outputs of the attention cases: `AttentionReference.values("mha_mask", "out")`.
enum AttentionReference {
    /// The parsed Tests/reference/attention.json.
    static let cases = referenceJSON("attention.json")

    /// The flattened values of `key` ("out", "scores") of `name`.
    static func values(_ name: String, _ key: String) -> [Double] {
        guard case .array(let a)? = cases[name]?[key] else {
            XCTFail("Tests/reference/attention.json has no \(name).\(key)")
            return []
        }
        return a.compactMap { v -> Double? in
            switch v {
            case .double(let d): return d
            case .int(let i): return Double(i)
            default: return nil
            }
        }
    }
}

final class KerasAttentionTests: XCTestCase {
    func testMultiHeadAttentionWithMaskMatchesTFKeras() throws {
        let q = try attentionFill([2, 4, 5], 1), v = try attentionFill([2, 3, 6], 2)
        let l = try MultiHeadAttention(numHeads: 2, keyDim: 3, name: "multi_head_attention")
        _ = try l([q, v])
        XCTAssertEqual(l.weights.map(\.shape), [[5, 2, 3], [2, 3], [6, 2, 3], [2, 3], [6, 2, 3], [2, 3], [2, 3, 5], [5]])
        XCTAssertEqual(l.weights.map(\.name), ["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel",
                                               "value/bias", "attention_output/kernel", "attention_output/bias"]
            .map { "multi_head_attention/\($0)" })
        try fillAttentionWeights(l)
        let outs = try l.outputs([q, v, try attentionMask([2, 4, 3], 0)],
                                 arguments: attentionRoles(["query", "value", "attention_mask"], ["return_attention_scores": .bool(true)]))
        XCTAssertEqual(outs.count, 2)
        check(outs[0], [2, 4, 5], .float32, AttentionReference.values("mha_mask", "out"), tol: 1e-5, "output")
        check(outs[1], [2, 2, 4, 3], .float32, AttentionReference.values("mha_mask", "scores"), tol: 1e-5, "scores")
        // The shapes computed without running agree.
        XCTAssertEqual(try l.computeOutputShapes([[-1, 4, 5], [-1, 3, 6], [-1, 4, 3]],
                                                 arguments: attentionRoles(["query", "value", "attention_mask"], ["return_attention_scores": .bool(true)])),
                       [[-1, 4, 5], [-1, 2, 4, 3]])
    }

    func testMultiHeadAttentionWithInputMasksMatchesTFKeras() throws {
        // tf.keras 2 with query._keras_mask and value._keras_mask set, an attention mask and causal.
        let q = try attentionFill([2, 4, 5], 1), v = try attentionFill([2, 3, 6], 2)
        let l = try MultiHeadAttention(numHeads: 2, keyDim: 3)
        _ = try l([q, v])
        try fillAttentionWeights(l)
        let outs = try l.outputs([q, v, try attentionMask([2, 4, 3], 0), try attentionMask([2, 4], 1), try attentionMask([2, 3], 2)],
                                 arguments: attentionRoles(["query", "value", "attention_mask", "query_mask", "value_mask"],
                                                           ["return_attention_scores": .bool(true), "use_causal_mask": .bool(true)]))
        check(outs[0], [2, 4, 5], .float32, AttentionReference.values("mha_keras_masks", "out"), tol: 1e-5, "output")
        check(outs[1], [2, 2, 4, 3], .float32, AttentionReference.values("mha_keras_masks", "scores"), tol: 1e-5, "scores")
    }

    func testPropagatedMasksReachTheAttentionLayersAsTheirMaskRoles() throws {
        // tf.keras 2 reads query._keras_mask / value._keras_mask: a mask carried by the inputs must
        // give what the explicit query_mask / value_mask roles give, and the output carries the
        // query's mask. Before the merge of masking and attention the carried masks were dropped.
        let q = try attentionFill([2, 4, 5], 1), v = try attentionFill([2, 3, 6], 2)
        let qm = try attentionMask([2, 4], 1), vm = try attentionMask([2, 3], 2)
        let mha = try MultiHeadAttention(numHeads: 2, keyDim: 3)
        _ = try mha([q, v])
        try fillAttentionWeights(mha)
        let explicit = try mha.outputs([q, v, qm, vm], arguments: attentionRoles(["query", "value", "query_mask", "value_mask"], [:]))
        let carried = try mha.outputsAndMasks([q, v], masks: [qm, vm])
        assertClose(carried.outputs[0], explicit[0].doubles, .relOrAbs(1e-6), "MultiHeadAttention output")
        XCTAssertEqual(try XCTUnwrap(carried.masks[0]).cast(to: .float32).doubles, try qm.cast(to: .float32).doubles)
        let unmasked = try mha.outputs([q, v])
        XCTAssertGreaterThan(zip(unmasked[0].doubles, explicit[0].doubles).map { abs($0 - $1) }.max() ?? 0, 1e-4,
                             "the masks must change the output of this case")
        let att = try Attention(useScale: false)
        let qa = try attentionFill([2, 4, 6], 3)
        let explicitA = try att.outputs([qa, v, qm, vm], arguments: attentionRoles(["query", "value", "query_mask", "value_mask"], [:]))
        let carriedA = try att.outputsAndMasks([qa, v], masks: [qm, vm])
        assertClose(carriedA.outputs[0], explicitA[0].doubles, .relOrAbs(1e-6), "Attention output")
        XCTAssertNotNil(carriedA.masks[0])
    }

    func testMultiHeadAttentionKeyCausalValueDimOutputShapeMatchTFKeras() throws {
        let q = try attentionFill([2, 4, 5], 3), v = try attentionFill([2, 3, 6], 4), k = try attentionFill([2, 3, 2], 5)
        let l = try MultiHeadAttention(numHeads: 2, keyDim: 3, valueDim: 4, outputShape: [7])
        _ = try l([q, v, k])
        XCTAssertEqual(l.weights.map(\.shape), [[5, 2, 3], [2, 3], [2, 2, 3], [2, 3], [6, 2, 4], [2, 4], [2, 4, 7], [7]])
        try fillAttentionWeights(l)
        let out = try l.outputs([q, v, k], arguments: ["use_causal_mask": .bool(true)])
        check(out[0], [2, 4, 7], .float32, AttentionReference.values("mha_causal_key", "out"), tol: 1e-5, "causal")
    }

    func testMultiHeadAttentionOverOneAxisOfARank4InputMatchesTFKeras() throws {
        let q = try attentionFill([2, 3, 4, 5], 6), v = try attentionFill([2, 3, 2, 5], 7)
        let l = try MultiHeadAttention(numHeads: 2, keyDim: 2, useBias: false, attentionAxes: [2])
        _ = try l([q, v])
        XCTAssertEqual(l.weights.map(\.shape), [[5, 2, 2], [5, 2, 2], [5, 2, 2], [2, 2, 5]])
        try fillAttentionWeights(l)
        let outs = try l.outputs([q, v], arguments: ["return_attention_scores": .bool(true)])
        check(outs[0], [2, 3, 4, 5], .float32, AttentionReference.values("mha_axes", "out"), tol: 1e-5, "output")
        check(outs[1], [2, 3, 2, 4, 2], .float32, AttentionReference.values("mha_axes", "scores"), tol: 1e-5, "scores")
    }

    func testAttentionAndAdditiveAttentionMatchTFKeras() throws {
        let q = try attentionFill([2, 4, 3], 8), v = try attentionFill([2, 5, 3], 9), k = try attentionFill([2, 5, 3], 10)
        let qm = try attentionMask([2, 4], 1), vm = try attentionMask([2, 5], 2)
        let dot = try Attention(useScale: true)
        _ = try dot([q, v, k])
        try dot.setWeights([try Tensor.scalar(0.7)])
        let outs = try dot.outputs([q, v, k, qm, vm], arguments: attentionRoles(
            ["query", "value", "key", "query_mask", "value_mask"],
            ["return_attention_scores": .bool(true), "use_causal_mask": .bool(true)]))
        check(outs[0], [2, 4, 3], .float32, AttentionReference.values("attention_dot", "out"), tol: 1e-5, "dot")
        check(outs[1], [2, 4, 5], .float32, AttentionReference.values("attention_dot", "scores"), tol: 1e-5, "dot scores")

        let concat = try Attention(useScale: true, scoreMode: "concat", name: "attention_1")
        _ = try concat([q, v])
        XCTAssertEqual(concat.weights.map(\.name), ["attention_1/scale", "attention_1/concat_score_weight"])
        try concat.setWeights([try Tensor.scalar(0.8), try Tensor.scalar(1.3)])
        let c = try concat.outputs([q, v, vm], arguments: attentionRoles(["query", "value", "value_mask"]))
        check(c[0], [2, 4, 3], .float32, AttentionReference.values("attention_concat", "out"), tol: 1e-5, "concat")

        let add = try AdditiveAttention(name: "additive_attention")
        _ = try add([q, v, k])
        XCTAssertEqual(add.weights.map(\.name), ["additive_attention/scale"])
        XCTAssertEqual(add.weights.map(\.shape), [[3]])
        try fillAttentionWeights(add)
        let a = try add.outputs([q, v, k, qm, vm], arguments: attentionRoles(
            ["query", "value", "key", "query_mask", "value_mask"], ["return_attention_scores": .bool(true)]))
        check(a[0], [2, 4, 3], .float32, AttentionReference.values("additive", "out"), tol: 1e-5, "additive")
        check(a[1], [2, 4, 5], .float32, AttentionReference.values("additive", "scores"), tol: 1e-5, "additive scores")
    }

    func testFunctionalModelWithQueryValueInputsAndScoresOutputMatchesTFKeras() throws {
        let qi = try Input(shape: [4, 5]), vi = try Input(shape: [3, 6])
        let mha = try MultiHeadAttention(numHeads: 2, keyDim: 3, name: "mha")
        let outs = try mha.outputs([qi, vi], arguments: ["return_attention_scores": .bool(true)])
        XCTAssertEqual(outs.map(\.shape), [[-1, 4, 5], [-1, 2, 4, 3]])
        let head = try Dense(units: 2, name: "head")
        let model = try Model(inputs: [qi, vi], outputs: [try head(outs[0]), outs[1]])
        XCTAssertEqual(model.getWeights().map(\.shape), [[5, 2, 3], [2, 3], [6, 2, 3], [2, 3], [6, 2, 3], [2, 3], [2, 3, 5], [5], [5, 2], [2]])
        try model.setWeights(model.weights.enumerated().map { i, w in try attentionFill(w.shape, 20 + i) })
        let q = try attentionFill([2, 4, 5], 1), v = try attentionFill([2, 3, 6], 2)
        let ys = try model.outputs([q, v])
        check(ys[0], [2, 4, 2], .float32, AttentionReference.values("functional", "out"), tol: 1e-5, "model output")
        check(ys[1], [2, 2, 4, 3], .float32, AttentionReference.values("functional", "scores"), tol: 1e-5, "model scores")

        // The config keeps the call arguments; the rebuilt model computes the same.
        let config = try model.getModelConfig()
        XCTAssertTrue(config.json.contains(#""kwargs":{"return_attention_scores":true}"#), config.json)
        let rebuilt = try modelFromConfig(config)
        try rebuilt.setWeights(model.getWeights())
        let zs = try rebuilt.outputs([q, v])
        check(zs[0], [2, 4, 2], .float32, AttentionReference.values("functional", "out"), tol: 1e-5, "rebuilt output")
        check(zs[1], [2, 2, 4, 3], .float32, AttentionReference.values("functional", "scores"), tol: 1e-5, "rebuilt scores")
    }

    func testAttentionConfigsRoundTripWithTFKerasKeys() throws {
        let m = try MultiHeadAttention(numHeads: 2, keyDim: 3, name: "m")
        let c = try m.getConfig()
        // tf.keras 2's keys (its initializers carry module/registered_name keys we do not write).
        XCTAssertEqual(Set(c.objectValue.keys), ["name", "trainable", "dtype", "num_heads", "key_dim", "value_dim", "dropout",
                                                 "use_bias", "output_shape", "attention_axes", "kernel_initializer",
                                                 "bias_initializer", "kernel_regularizer", "bias_regularizer",
                                                 "activity_regularizer", "kernel_constraint", "bias_constraint",
                                                 "query_shape", "key_shape", "value_shape", "softmax_robust_masking"])
        XCTAssertEqual(c["value_dim"], .int(3))
        XCTAssertEqual(c["query_shape"], .null)
        XCTAssertEqual(try Attention(name: "a").getConfig(), .object([
            "name": .string("a"), "trainable": .bool(true), "dtype": .string("float32"), "dropout": .double(0),
            "use_scale": .bool(false), "score_mode": .string("dot")]))
        XCTAssertEqual(try AdditiveAttention(name: "aa").getConfig(), .object([
            "name": .string("aa"), "trainable": .bool(true), "dtype": .string("float32"), "dropout": .double(0),
            "use_scale": .bool(true)]))
        // A built MHA's config holds its input shapes; from_config builds it with the same weights' shapes.
        _ = try m([try attentionFill([2, 4, 5], 1), try attentionFill([2, 3, 6], 2)])
        let built = try m.getConfig()
        XCTAssertEqual(built["query_shape"], .ints([2, 4, 5]))
        XCTAssertEqual(built["attention_axes"], .ints([1]))
        let copy = try layerFromConfig(className: "MultiHeadAttention", config: built)
        XCTAssertEqual(copy.weights.map(\.shape), m.weights.map(\.shape))
        XCTAssertEqual(try copy.getConfig(), built)
        let o = try layerFromConfig(className: "MultiHeadAttention", configJSON: #"{"num_heads": 1, "key_dim": 2, "output_shape": 4}"#)
        XCTAssertEqual(try o.getConfig()["output_shape"], .int(4))
    }

    func testAttentionArgumentErrors() throws {
        // Constraints are supported (KerasConstraintsTests); an unknown one is still an error.
        assertError(.invalidArgument, containing: ["MultiHeadAttention", "kernel_constraint", "bogus"]) {
            try layerFromConfig(className: "MultiHeadAttention", configJSON: #"{"num_heads": 1, "key_dim": 2, "kernel_constraint": "bogus"}"#)
        }
        assertError(.unimplemented, containing: ["softmax_robust_masking"]) {
            try layerFromConfig(className: "MultiHeadAttention", configJSON: #"{"num_heads": 1, "key_dim": 2, "softmax_robust_masking": true}"#)
        }
        assertError(.invalidArgument, containing: ["score_mode"]) { try Attention(scoreMode: "cos") }
        assertError(.invalidArgument, containing: ["num_heads"]) { try MultiHeadAttention(numHeads: 0, keyDim: 2) }
        let l = try MultiHeadAttention(numHeads: 1, keyDim: 2)
        let q = try attentionFill([1, 2, 3], 0)
        assertError(.unimplemented, containing: ["training_mask"]) {
            try l.outputs([q, q], arguments: ["training_mask": .bool(true)])
        }
        assertError(.invalidArgument, containing: ["query", "value"]) {
            try l.outputs([q, q], arguments: attentionRoles(["query", "key"]))
        }
        assertError(.invalidArgument, containing: ["rank >= 3"]) { try l([try attentionFill([2, 3], 0), try attentionFill([2, 3], 0)]) }
        // Layers without call arguments refuse them.
        assertError(.unimplemented, containing: ["Dense", "return_attention_scores"]) {
            try Dense(units: 2).outputs([q], arguments: ["return_attention_scores": .bool(true)])
        }
    }

    func testAttentionDropoutOnlyInTraining() throws {
        let q = try attentionFill([2, 4, 3], 8), v = try attentionFill([2, 5, 3], 9)
        let l = try Attention(dropout: 0.5)
        let inference = try l([q, v], training: false)
        XCTAssertEqual(inference.doubles, try Attention()([q, v]).doubles)
        let scores = try l.outputs([q, v], arguments: ["return_attention_scores": .bool(true)], training: true)[1]
        // The scores returned are those before dropout (tf.keras 2): rows still sum to 1.
        for s in try scores.sum(alongAxes: [-1]).doubles { XCTAssertEqual(s, 1, accuracy: 1e-6) }
    }

    func testAttentionGradientsMatchCentralDifferences() throws {
        let policy = try DTypePolicy("float64")
        let mha = try MultiHeadAttention(numHeads: 2, keyDim: 2, dtype: policy)
        let dense = try Attention(useScale: true, scoreMode: "concat", dtype: policy)
        let additive = try AdditiveAttention(dtype: policy)
        let mask = try attentionMask([2, 3, 4], 1)
        try runGradCheck(GradCheck(label: "MultiHeadAttention", shapes: [[2, 3, 3], [2, 4, 2]], secondOrder: false) { x in
            try mha.outputs([x[0], x[1], mask], arguments: attentionRoles(["query", "value", "attention_mask"]))[0]
        })
        try runGradCheck(GradCheck(label: "Attention concat", shapes: [[2, 3, 2], [2, 4, 2]], secondOrder: false) { x in
            try dense.outputs([x[0], x[1]], arguments: ["use_causal_mask": .bool(true)])[0]
        })
        try runGradCheck(GradCheck(label: "AdditiveAttention", shapes: [[2, 3, 2], [2, 4, 2]], secondOrder: false) { x in
            try additive([x[0], x[1]])
        })
        // The weights' gradients: d(sum(out · w))/d(kernel) against central differences.
        let q = try attentionFill([2, 3, 3], 1, dtype: .float64), v = try attentionFill([2, 4, 2], 2, dtype: .float64)
        for layer in [mha as Layer, dense, additive] {
            let inputs = layer === mha ? [q, v] : [try attentionFill([2, 3, 2], 3, dtype: .float64), v]
            func loss() throws -> Tensor { try weightedLoss(try layer(inputs), seed: 7) }
            let tape = GradientTape()
            let y = try tape.record { try loss() }
            let grads = try tape.gradient(y, layer.trainableWeights.map { .variable($0) })
            for (w, g) in zip(layer.trainableWeights, grads) {
                let g = try XCTUnwrap(g, w.name).doubles
                let base = w.value.doubles
                for i in Set([0, base.count / 2, base.count - 1]) {
                    var plus = base, minus = base
                    plus[i] += 1e-6; minus[i] -= 1e-6
                    try w.assign(try Tensor.from(doubles: plus, shape: w.shape, dtype: .float64))
                    let lp = try loss().doubles[0]
                    try w.assign(try Tensor.from(doubles: minus, shape: w.shape, dtype: .float64))
                    let lm = try loss().doubles[0]
                    try w.assign(try Tensor.from(doubles: base, shape: w.shape, dtype: .float64))
                    XCTAssertEqual(g[i], (lp - lm) / 2e-6, accuracy: 1e-5 * Swift.max(1, abs(g[i])), "\(w.name)[\(i)]")
                }
            }
        }
    }
}
