import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// MARK: Helpers

/// Deterministic values in [lo, hi) (SplitMix64), for inputs and weights.
private func values(_ n: Int, seed: UInt64, _ lo: Double = -1, _ hi: Double = 1) -> [Double] {
    var g = SplitMix64(seed)
    return g.values(n, lo, hi)
}

private func tensor(_ shape: [Int], seed: UInt64, _ lo: Double = -1, _ hi: Double = 1,
                    dtype: DType = .float32) throws -> Tensor {
    try Tensor.from(doubles: values(shape.reduce(1, *), seed: seed, lo, hi), shape: shape, dtype: dtype)
}

/// Row-major (m, k) · (k, n) in doubles.
private func matmulRef(_ a: [Double], _ b: [Double], _ m: Int, _ k: Int, _ n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { for p in 0..<k { out[i * n + j] += a[i * k + p] * b[p * n + j] } } }
    return out
}

/// The values of time step `step` of a row-major (b, t, f) array: (b, f).
private func timeStep(_ v: [Double], _ b: Int, _ t: Int, _ f: Int, _ step: Int) -> [Double] {
    var out: [Double] = []
    for bi in 0..<b {
        let start: Int = (bi * t + step) * f
        out += v[start..<start + f]
    }
    return out
}

/// z1[k] + z2[k] + bias[g·u + j] with k = bi·4u + g·u + j (LSTM gate pre-activations).
private func gateSum(_ z1: [Double], _ z2: [Double], _ bias: [Double], _ bi: Int, _ g: Int, _ j: Int, _ u: Int) -> Double {
    let k: Int = bi * 4 * u + g * u + j
    let kb: Int = g * u + j
    return z1[k] + z2[k] + bias[kb]
}

private func sigmoidRef(_ x: Double) -> Double { 1 / (1 + Glibc.exp(-x)) }

/// A custom layer as in the Keras guide: y = x · scale, with one weight per feature.
private final class ScalingLayer: Layer {
    var scale: Variable?
    override func build(inputShape: [Int]) throws {
        scale = try addWeight(name: "scale", shape: [inputShape[inputShape.count - 1]], initializer: Constant(2))
    }
    override func call(_ x: Tensor, training: Bool) throws -> Tensor {
        try x * read(scale!)
    }
}

final class KerasLayerTests: XCTestCase {

    // MARK: Layer base

    func testAutoNamesFollowKeras() throws {
        Layer.resetAutoNames()
        XCTAssertEqual(try Dense(units: 2).name, "dense")
        XCTAssertEqual(try Dense(units: 2).name, "dense_1")
        XCTAssertEqual(try Dense(units: 2, name: "head").name, "head")
        XCTAssertEqual(try Dense(units: 2).name, "dense_2")
        XCTAssertEqual(try Conv2DTranspose(filters: 1, kernelSize: [2]).name, "conv2d_transpose")
        XCTAssertEqual(try SimpleRNN(units: 1).name, "simple_rnn")
        XCTAssertEqual(try LSTM(units: 1).name, "lstm")
        XCTAssertEqual(try BatchNormalization().name, "batch_normalization")
        XCTAssertEqual(try MaxPooling2D().name, "max_pooling2d")
        XCTAssertEqual(GlobalAveragePooling1D().name, "global_average_pooling1d")
        XCTAssertEqual(ScalingLayer().name, "scaling_layer")
        XCTAssertEqual(ScalingLayer().name, "scaling_layer_1")
        XCTAssertEqual(Layer.snakeCase("UpSampling2D"), "up_sampling2d")
        XCTAssertEqual(Layer.snakeCase("GRU"), "gru")
        XCTAssertEqual(Layer.autoName("MyCLayer"), "my_c_layer")
        Layer.resetAutoNames()
        XCTAssertEqual(try Dense(units: 2).name, "dense")
    }

    func testDenseIsXWPlusBAndBuildsOnFirstCall() throws {
        let d = try Dense(units: 3, activation: .relu)
        XCTAssertFalse(d.built)
        XCTAssertTrue(d.weights.isEmpty)
        let x = try tensor([4, 5], seed: 1)
        _ = try d(x)
        XCTAssertTrue(d.built)
        XCTAssertEqual(d.weights.map { $0.shape }, [[5, 3], [3]])
        XCTAssertEqual(d.weights.map { $0.name }, ["\(d.name)/kernel", "\(d.name)/bias"])
        let w = values(15, seed: 2), b = values(3, seed: 3)
        try d.setWeights([try Tensor.from(doubles: w, shape: [5, 3], dtype: .float32),
                          try Tensor.from(doubles: b, shape: [3], dtype: .float32)])
        let y = try d(x)
        XCTAssertEqual(y.shape, [4, 3])
        XCTAssertEqual(y.dtype, .float32)
        let ref = matmulRef(x.doubles, w, 4, 5, 3).enumerated().map { Swift.max(0, $1 + b[$0 % 3]) }
        assertClose(y.doubles, ref, .relOrAbs(1e-5))
        // Rank-3 inputs multiply along the last axis.
        let x3 = try tensor([2, 2, 5], seed: 4)
        let y3 = try d(x3)
        XCTAssertEqual(y3.shape, [2, 2, 3])
        let ref3 = matmulRef(x3.doubles, w, 4, 5, 3).enumerated().map { Swift.max(0, $1 + b[$0 % 3]) }
        assertClose(y3.doubles, ref3, .relOrAbs(1e-5))
        XCTAssertEqual(try d.computeOutputShape([-1, 7, 5]), [-1, 7, 3])
        XCTAssertEqual(d.countParams(), 18)
        // Wrong feature count after build.
        assertError(.invalidArgument, containing: ["expected last dimension 5"]) { _ = try d(try tensor([2, 4], seed: 5)) }
        assertError(.invalidArgument, containing: ["units"]) { _ = try Dense(units: 0) }
    }

    func testGetSetWeightsRoundTripAndShapeErrors() throws {
        let a = try Dense(units: 2), b = try Dense(units: 2)
        let x = try tensor([1, 3], seed: 6)
        _ = try a(x); _ = try b(x)
        try b.setWeights(a.getWeights())
        assertClose(try b(x).doubles, try a(x).doubles, .relOrAbs(0))
        let before = b.getWeights().map { $0.doubles }
        assertError(.invalidArgument, containing: ["with a weight list of length 1, but the layer was expecting 2 weights"]) {
            try b.setWeights([try Tensor.zeros([3, 2])])
        }
        assertError(.invalidArgument, containing: ["weight shape (2,) is not compatible with provided weight shape (3,)"]) {
            try b.setWeights([try Tensor.zeros([3, 2]), try Tensor.zeros([3])])
        }
        // Nothing was assigned by the failed calls.
        XCTAssertEqual(b.getWeights().map { $0.doubles }, before)
        // float64 values are converted to the variable dtype.
        try b.setWeights([try Tensor.ones([3, 2], dtype: .float64), try Tensor.zeros([2], dtype: .float64)])
        XCTAssertEqual(b.weights[0].dtype, .float32)
        XCTAssertEqual(try b(try Tensor.ones([1, 3])).doubles, [3, 3])
    }

    func testCustomLayerBuildAddWeightCall() throws {
        let s = ScalingLayer()
        let y = try s(try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]))
        XCTAssertEqual(y.doubles, [2, 4, 6, 8])
        XCTAssertEqual(s.trainableWeights.count, 1)
        XCTAssertEqual(try s.computeOutputShape([-1, 2]), [-1, 2])
        // A layer without call reports it; a failing build leaves no weights behind.
        final class Broken: Layer {
            override func build(inputShape: [Int]) throws {
                _ = try addWeight(name: "w", shape: [2])
                throw SwiftKerasError(.invalidArgument, "broken build")
            }
        }
        let br = Broken()
        assertError(.invalidArgument, containing: ["broken build"]) { _ = try br(try Tensor.ones([1, 2])) }
        XCTAssertTrue(br.weights.isEmpty)
        XCTAssertFalse(br.built)
        assertError(.unimplemented, containing: ["does not implement call"]) { _ = try Layer()(try Tensor.ones([1])) }
    }

    func testTrackedSublayersShareWeightsLossesAndTrainability() throws {
        final class Block: Layer {
            lazy var d1 = track(try! Dense(units: 3, kernelRegularizer: try! L2(0.5)))
            lazy var d2 = track(try! Dense(units: 1))
            override func call(_ x: Tensor, training: Bool) throws -> Tensor { try d2(try d1(x)) }
        }
        let blk = Block()
        _ = try blk(try tensor([2, 4], seed: 7))
        XCTAssertEqual(blk.weights.count, 4)
        XCTAssertEqual(blk.trainableWeights.count, 4)
        XCTAssertEqual(try blk.losses.count, 1)
        blk.trainable = false
        XCTAssertEqual(blk.trainableWeights.count, 0)
        XCTAssertEqual(blk.nonTrainableWeights.count, 4)
        XCTAssertFalse(blk.d1.trainable)
        XCTAssertFalse(blk.d1.kernel!.trainable)
        XCTAssertEqual(try blk.losses.count, 0)
    }

    // MARK: Regularizers

    func testRegularizationLossesAreRecomputed() throws {
        let d = try Dense(units: 2, kernelRegularizer: try L2(0.1), biasRegularizer: try L1(0.2),
                          activityRegularizer: try L1(0.01))
        let x = try Tensor([1, -2, 3, 0.5, 1, -1] as [Float], shape: [2, 3])
        try d.buildIfNeeded([[2, 3]])
        let k = values(6, seed: 8), b = [0.5, -1.5]
        try d.setWeights([try Tensor.from(doubles: k, shape: [3, 2], dtype: .float32),
                          try Tensor.from(doubles: b, shape: [2], dtype: .float32)])
        let y = try d(x)
        let ls = try d.losses
        XCTAssertEqual(ls.count, 3)
        // Order: call losses (activity) first, then kernel and bias penalties. The activity
        // penalty is divided by the batch size (2), as tf.keras 2 does.
        assertClose(ls[0].doubles, [0.01 * y.doubles.map(Swift.abs).reduce(0, +) / 2], .relOrAbs(1e-5))
        assertClose(ls[1].doubles, [0.1 * k.map { $0 * $0 }.reduce(0, +)], .relOrAbs(1e-5))
        assertClose(ls[2].doubles, [0.2 * 2.0], .relOrAbs(1e-6))
        // Recomputed from the current values.
        try d.setWeights([try Tensor.zeros([3, 2]), try Tensor.ones([2])])
        assertClose(try d.losses[1].doubles, [0], .relOrAbs(0))
        assertClose(try d.losses[2].doubles, [0.4], .relOrAbs(1e-6))
        // Activity losses are replaced on each call, not accumulated.
        _ = try d(x); _ = try d(x)
        XCTAssertEqual(try d.losses.count, 3)
        // Names with Keras' string defaults.
        let v12 = Tensor([1, -2] as [Float]), v3 = Tensor([3] as [Float]), vm3 = Tensor([-3] as [Float])
        let l1l2: Regularizer = try Regularizers.named("l1_l2")
        let l2: Regularizer = try Regularizers.named("l2")
        let l1: Regularizer = try Regularizers.named("l1")
        let p12 = try l1l2.callAsFunction(v12), p2 = try l2.callAsFunction(v3), p1 = try l1.callAsFunction(vm3)
        assertClose(p12.doubles, [0.01 * 3 + 0.01 * 5], .relOrAbs(1e-6))
        assertClose(p2.doubles, [0.09], .relOrAbs(1e-6))
        assertClose(p1.doubles, [0.03], .relOrAbs(1e-6))
        assertError(.invalidArgument, containing: ["could not interpret regularizer"]) { _ = try Regularizers.named("l3") }
        assertError(.invalidArgument, containing: ["l1"]) { _ = try L1(-1) }
    }

    // MARK: Dtype policy

    func testDTypePolicyNamesGlobalAndOverride() throws {
        let saved = DTypePolicy.global
        defer { DTypePolicy.global = saved }
        let m = try DTypePolicy("mixed_float16")
        XCTAssertEqual(m.computeDType, .float16)
        XCTAssertEqual(m.variableDType, .float32)
        XCTAssertEqual(try DTypePolicy("mixed_bfloat16").computeDType, .bfloat16)
        XCTAssertEqual(try DTypePolicy("float64").variableDType, .float64)
        XCTAssertFalse(try DTypePolicy("float32").isMixed)
        assertError(.invalidArgument, containing: ["cannot convert 'int32'"]) { _ = try DTypePolicy("int32") }
        assertError(.invalidArgument, containing: ["mixed_float16"]) { _ = try DTypePolicy("mixed_float8") }

        DTypePolicy.global = .mixedFloat16
        let d = try Dense(units: 4)
        let override = try Dense(units: 4, dtype: .float32)
        DTypePolicy.global = .float32
        XCTAssertEqual(d.computeDType, .float16)
        XCTAssertEqual(d.variableDType, .float32)
        XCTAssertEqual(override.computeDType, .float32)
        XCTAssertEqual(try Dense(units: 1).dtypePolicy, .float32)

        let x = try tensor([3, 5], seed: 9)
        let y = try d(x)
        XCTAssertEqual(y.dtype, .float16)
        XCTAssertEqual(d.weights.map { $0.dtype }, [.float32, .float32])
        // Same math as float32 with the same weights, to float16 precision.
        _ = try override(x)
        try override.setWeights(d.getWeights())
        assertClose(y.doubles, try override(x).doubles, .relOrAbs(3e-3))
        // Gradients reach the float32 variables in float32.
        let tape = GradientTape()
        let loss = try tape.record { try d(x).cast(to: .float32).sum() }
        let grads = try tape.gradient(loss, d.trainableWeights.map { .variable($0) })
        XCTAssertEqual(grads.map { $0?.dtype }, [.float32, .float32])
        // BatchNormalization and LayerNormalization keep float16 in and out, computing in float32.
        let bn = try BatchNormalization(dtype: .mixedFloat16)
        XCTAssertEqual(try bn(x, training: true).dtype, .float16)
        XCTAssertEqual(bn.weights.map { $0.dtype }, [.float32, .float32, .float32, .float32])
        XCTAssertEqual(try LayerNormalization(dtype: .mixedBFloat16)(x).dtype, .bfloat16)
        XCTAssertEqual(try Conv2D(filters: 2, kernelSize: [2], dtype: .mixedFloat16)(try tensor([1, 3, 3, 2], seed: 1)).dtype, .float16)
        // Integer inputs are not autocast.
        let e = try Embedding(inputDim: 10, outputDim: 3, dtype: .mixedFloat16)
        XCTAssertEqual(try e(try Tensor([1, 9] as [Int32], shape: [1, 2])).dtype, .float16)
    }

    // MARK: Initializers

    private func stats(_ t: Tensor) -> (mean: Double, variance: Double) {
        let v = t.doubles
        let mean = v.reduce(0, +) / Double(v.count)
        return (mean, v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count))
    }

    func testInitializerStatisticsFollowKerasFormulas() throws {
        let shape = [200, 300]
        let (fi, fo) = (200.0, 300.0)
        let cases: [(String, Initializer, Double)] = [
            ("glorot_uniform", GlorotUniform(seed: 1), 2 / (fi + fo)),
            ("glorot_normal", GlorotNormal(seed: 2), 2 / (fi + fo)),
            ("he_normal", HeNormal(seed: 3), 2 / fi),
            ("he_uniform", HeUniform(seed: 4), 2 / fi),
            ("lecun_normal", LecunNormal(seed: 5), 1 / fi),
            ("lecun_uniform", LecunUniform(seed: 5), 1 / fi),
            ("random_normal", RandomNormal(seed: 6), 0.05 * 0.05),
            ("random_uniform", RandomUniform(seed: 7), 0.1 * 0.1 / 12),
            ("truncated_normal", TruncatedNormal(seed: 8), 0.05 * 0.05 * 0.87962566103423978 * 0.87962566103423978),
        ]
        for (name, ini, variance) in cases {
            let t = try ini.callAsFunction(shape, dtype: .float32)
            XCTAssertEqual(t.shape, shape)
            XCTAssertEqual(t.dtype, .float32)
            let s = stats(t)
            XCTAssertEqual(s.mean, 0, accuracy: 4 * (variance / 60000).squareRoot(), name)
            XCTAssertEqual(s.variance, variance, accuracy: 0.03 * variance, name)
        }
        // Uniform bounds: glorot_uniform within ±sqrt(6 / (fan_in + fan_out)).
        let limit = (6 / (fi + fo)).squareRoot()
        let g = try GlorotUniform(seed: 9)(shape, dtype: .float32).doubles
        XCTAssertLessThanOrEqual(g.map(Swift.abs).max()!, limit)
        XCTAssertGreaterThan(g.map(Swift.abs).max()!, 0.99 * limit)
        // Truncated normals stay within 2 stddev: he_normal stddev = sqrt(2/fan_in)/0.8796...
        let h = try HeNormal(seed: 10)(shape, dtype: .float32).doubles
        XCTAssertLessThanOrEqual(h.map(Swift.abs).max()!, 2 * (2 / fi).squareRoot() / 0.87962566103423978 + 1e-6)
        // Convolution kernels: fans multiplied by the receptive field (3·3·8 in, 3·3·16 out).
        let c = try HeUniform(seed: 11)([3, 3, 8, 16], dtype: .float64)
        XCTAssertLessThanOrEqual(c.doubles.map(Swift.abs).max()!, (6.0 / 72).squareRoot())
        XCTAssertEqual(c.dtype, .float64)
        // Constant ones.
        XCTAssertEqual(try Zeros()([2], dtype: .float32).doubles, [0, 0])
        XCTAssertEqual(try Ones()([2], dtype: .float16).doubles, [1, 1])
        XCTAssertEqual(try Constant(2.5)([2], dtype: .float32).doubles, [2.5, 2.5])
        XCTAssertEqual(try IdentityInitializer(gain: 2)([2, 2], dtype: .float32).doubles, [2, 0, 0, 2])
    }

    func testInitializerSeedsAreReproducible() throws {
        func draw(_ ini: Initializer) throws -> [Double] { try ini.callAsFunction([6, 5], dtype: .float32).doubles }
        for name in ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                     "random_normal", "random_uniform", "orthogonal"] {
            let a = try draw(try Initializers.named(name, seed: 42))
            let b = try draw(try Initializers.named(name, seed: 42))
            let again = try Initializers.named(name, seed: 42)
            XCTAssertEqual(a, b, name)
            XCTAssertEqual(try draw(again), try draw(again), name)
            XCTAssertNotEqual(a, try draw(try Initializers.named(name, seed: 43)), name)
            let unseeded = try Initializers.named(name)
            XCTAssertNotEqual(try draw(unseeded), try draw(unseeded), name)
        }
        // Seeded layers are reproducible.
        let d1 = try Dense(units: 3, kernelInitializer: GlorotUniform(seed: 7))
        let d2 = try Dense(units: 3, kernelInitializer: GlorotUniform(seed: 7))
        let x = try tensor([1, 4], seed: 1)
        XCTAssertEqual(try d1(x).doubles, try d2(x).doubles)
        assertError(.invalidArgument, containing: ["could not interpret initializer"]) { _ = try Initializers.named("glorot") }
        assertError(.invalidArgument, containing: ["rank >= 2"]) { _ = try Orthogonal()([4], dtype: .float32) }
        assertError(.invalidDType, containing: ["floating-point"]) { _ = try HeNormal()([2, 2], dtype: .int32) }
    }

    func testOrthogonalIsOrthogonal() throws {
        for (shape, gain) in [([50, 20], 1.0), ([20, 50], 1.0), ([3, 4, 12], 2.0), ([16, 16], 1.0)] {
            let q = try Orthogonal(gain: gain, seed: 3)(shape, dtype: .float64)
            XCTAssertEqual(q.shape, shape)
            let rows = shape.dropLast().reduce(1, *), cols = shape.last!
            let m = try q.reshaped(to: [rows, cols])
            // The smaller Gram matrix is gain² · I.
            let gram = rows >= cols ? try m.transposed().matmul(m) : try m.matmul(m.transposed())
            let n = Swift.min(rows, cols)
            let eye = (0..<n * n).map { $0 / n == $0 % n ? gain * gain : 0 }
            assertClose(gram.doubles, eye, .relOrAbs(1e-10), "\(shape)")
        }
    }

    // MARK: Activations

    func testActivationsByName() throws {
        let xs: [Double] = [-2, -0.5, 0, 0.5, 2]
        let x = try Tensor.from(doubles: xs, shape: [5], dtype: .float64)
        let refs: [(String, (Double) -> Double)] = [
            ("linear", { $0 }),
            ("relu", { Swift.max($0, 0) }),
            ("relu6", { Swift.min(Swift.max($0, 0), 6) }),
            ("sigmoid", sigmoidRef),
            ("tanh", { Glibc.tanh($0) }),
            ("softplus", { Glibc.log(1 + Glibc.exp($0)) }),
            ("softsign", { $0 / (1 + Swift.abs($0)) }),
            ("elu", { $0 > 0 ? $0 : Glibc.exp($0) - 1 }),
            ("selu", { 1.05070098 * ($0 > 0 ? $0 : 1.67326324 * (Glibc.exp($0) - 1)) }),
            ("gelu", { 0.5 * $0 * (1 + Glibc.erf($0 / 2.0.squareRoot())) }),
            ("swish", { $0 * sigmoidRef($0) }),
            ("silu", { $0 * sigmoidRef($0) }),
            ("exponential", { Glibc.exp($0) }),
            // tf.keras 2's hard_sigmoid (Keras 3's relu6(x + 3) / 6 gives 0.833 at x = 2, not 0.9).
            ("hard_sigmoid", { Swift.min(Swift.max(0.2 * $0 + 0.5, 0), 1) }),
            ("hard_silu", { $0 * Swift.min(Swift.max($0 / 6 + 0.5, 0), 1) }),
            ("leaky_relu", { $0 > 0 ? $0 : 0.2 * $0 }),
            ("log_sigmoid", { Glibc.log(sigmoidRef($0)) }),
            ("mish", { $0 * Glibc.tanh(Glibc.log(1 + Glibc.exp($0))) }),
            ("hard_tanh", { Swift.min(Swift.max($0, -1), 1) }),
        ]
        for (name, f) in refs {
            let a = try ActivationFunction(named: name)
            let y = try a(x)
            XCTAssertEqual(y.dtype, .float64, name)
            assertClose(y.doubles, xs.map(f), .relOrAbs(1e-7), name)
        }
        let e = xs.map { Glibc.exp($0) }, s = e.reduce(0, +)
        assertClose(try ActivationFunction(named: "softmax")(x).doubles, e.map { $0 / s }, .relOrAbs(1e-12))
        assertClose(try ActivationFunction(named: "log_softmax")(x).doubles, e.map { Glibc.log($0 / s) }, .relOrAbs(1e-12))
        XCTAssertEqual(try ActivationFunction.gelu(Tensor([1] as [Float])).doubles[0], 0.8413447460685429, accuracy: 1e-6)
        // One definition: the activation by name is the backend op K.hard_sigmoid (0.9 at x = 2).
        XCTAssertEqual(try ActivationFunction(named: "hard_sigmoid")(x).doubles, try hardSigmoid(x).doubles)
        XCTAssertEqual(try ActivationFunction.hardSigmoid(Tensor([2] as [Float])).doubles[0], 0.9, accuracy: 1e-7)
        assertError(.invalidArgument, containing: ["could not interpret activation function identifier: 'rectifier'"]) {
            _ = try ActivationFunction(named: "rectifier")
        }
        // The exact GELU is differentiable: d/dx at 0 is 0.5.
        let x0 = Tensor([0] as [Float])
        let tape = GradientTape()
        tape.watch(x0)
        let y0 = try tape.record { try ActivationFunction.gelu(x0) }
        XCTAssertEqual(try tape.gradient(y0, x0)?.doubles[0] ?? 0, 0.5, accuracy: 1e-6)
        // The Activation layer.
        XCTAssertEqual(try Activation(named: "relu")(Tensor([-1, 2] as [Float])).doubles, [0, 2])
    }

    // MARK: Convolution

    func testConvolutionLayersMatchCoreOps() throws {
        let x = try tensor([2, 7, 6, 3], seed: 20)
        for (padding, strides) in [(Padding.valid, [1, 1]), (.same, [2, 2]), (.valid, [2, 1])] {
            let c = try Conv2D(filters: 4, kernelSize: [3, 2], strides: strides, padding: padding, activation: .tanh)
            let y = try c(x)
            let ref = try SwiftKeras.tanh(conv2d(x, c.kernel!.value, strides: strides, padding: padding) + c.bias!.value)
            XCTAssertEqual(y.shape, ref.shape)
            assertClose(y.doubles, ref.doubles, .relOrAbs(1e-6))
            XCTAssertEqual(try c.computeOutputShape(x.shape), y.shape, "\(padding) \(strides)")
            XCTAssertEqual(c.kernel!.shape, [3, 2, 3, 4])
        }
        // A non-zero bias is added per filter.
        let c = try Conv2D(filters: 2, kernelSize: [1], biasInitializer: Constant(0.5))
        let y = try c(x)
        assertClose(y.doubles, try (conv2d(x, c.kernel!.value) + 0.5).doubles, .relOrAbs(1e-6))

        let x1 = try tensor([2, 9, 3], seed: 21)
        for padding in [Padding.valid, .same, .causal] {
            let c1 = try Conv1D(filters: 5, kernelSize: 3, strides: padding == .same ? 2 : 1, padding: padding, dilationRate: padding == .causal ? 2 : 1)
            let y1 = try c1(x1)
            let ref = try conv1d(x1, c1.kernel!.value, stride: c1.strides[0], padding: padding, dilationRate: c1.dilationRate[0])
            assertClose(y1.doubles, ref.doubles, .relOrAbs(1e-6))
            XCTAssertEqual(try c1.computeOutputShape(x1.shape), y1.shape, "\(padding)")
        }

        let xs = try tensor([1, 4, 5, 3], seed: 22)
        for padding in [Padding.valid, .same] {
            let t = try Conv2DTranspose(filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: padding)
            let yt = try t(xs)
            let expected = padding == .valid ? [1, 9, 11, 2] : [1, 8, 10, 2]
            XCTAssertEqual(yt.shape, expected)
            XCTAssertEqual(t.kernel!.shape, [3, 3, 2, 3])
            let ref = try conv2dTranspose(xs, t.kernel!.value, outputShape: expected, strides: [2, 2], padding: padding)
            assertClose(yt.doubles, ref.doubles, .relOrAbs(1e-6))
            XCTAssertEqual(try t.computeOutputShape([-1, 4, 5, 3]), [-1] + expected.dropFirst())
        }
        let dw = try DepthwiseConv2D(kernelSize: [2, 2], depthMultiplier: 2, biasInitializer: Constant(1))
        let yd = try dw(xs)
        XCTAssertEqual(yd.shape, [1, 3, 4, 6])
        assertClose(yd.doubles, try (depthwiseConv2d(xs, dw.depthwiseKernel!.value) + 1.0).doubles, .relOrAbs(1e-6))
        XCTAssertEqual(try dw.computeOutputShape(xs.shape), yd.shape)
        let sep = try SeparableConv2D(filters: 4, kernelSize: [3], padding: .same, depthMultiplier: 2)
        let ys = try sep(xs)
        XCTAssertEqual(ys.shape, [1, 4, 5, 4])
        XCTAssertEqual(sep.pointwiseKernel!.shape, [1, 1, 6, 4])
        assertClose(ys.doubles, try separableConv2d(xs, depthwiseKernel: sep.depthwiseKernel!.value,
                                                    pointwiseKernel: sep.pointwiseKernel!.value, padding: .same).doubles, .relOrAbs(1e-6))
        assertError(.invalidArgument, containing: ["expected an input of rank 4"]) { _ = try Conv2D(filters: 1, kernelSize: [1])(x1) }
        assertError(.invalidArgument, containing: ["kernel_size"]) { _ = try Conv2D(filters: 1, kernelSize: [1, 2, 3]) }
    }

    // MARK: Pooling, reshaping and other weightless layers

    func testPoolingAndReshapingLayers() throws {
        let seq = try Tensor([1, 5, 2, 8, 3, 0, 4, 6] as [Float], shape: [1, 4, 2])  // (B, T=4, C=2)
        XCTAssertEqual(try MaxPooling1D()(seq).doubles, [2, 8, 4, 6])
        XCTAssertEqual(try AveragePooling1D()(seq).doubles, [1.5, 6.5, 3.5, 3])
        XCTAssertEqual(try MaxPooling1D(poolSize: 3, strides: 1)(seq).shape, [1, 2, 2])
        XCTAssertEqual(try GlobalAveragePooling1D()(seq).doubles, [2.5, 4.75])
        XCTAssertEqual(try GlobalMaxPooling1D()(seq).doubles, [4, 8])
        let img = try Tensor((0..<16).map { Float($0) }, shape: [1, 4, 4, 1])
        XCTAssertEqual(try MaxPooling2D()(img).doubles, [5, 7, 13, 15])
        XCTAssertEqual(try AveragePooling2D()(img).doubles, [2.5, 4.5, 10.5, 12.5])
        XCTAssertEqual(try MaxPooling2D(poolSize: [3], strides: [1], padding: .same)(img).shape, [1, 4, 4, 1])
        XCTAssertEqual(try MaxPooling2D(poolSize: [3], strides: [2], padding: .same).computeOutputShape([-1, 5, 5, 2]), [-1, 3, 3, 2])
        XCTAssertEqual(try GlobalAveragePooling2D()(img).doubles, [7.5])
        XCTAssertEqual(try GlobalMaxPooling2D(keepDims: true)(img).shape, [1, 1, 1, 1])
        let padded = try ZeroPadding2D(padding: ((1, 0), (0, 2)))(img)
        XCTAssertEqual(padded.shape, [1, 5, 6, 1])
        XCTAssertEqual(padded.doubles.reduce(0, +), 120)
        XCTAssertEqual(Array(padded.doubles[0..<6]), [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(padded.doubles[6..<12]), [0, 1, 2, 3, 0, 0])
        let small = try Tensor([1, 2, 3, 4] as [Float], shape: [1, 2, 2, 1])
        XCTAssertEqual(try UpSampling2D()(small).doubles, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        XCTAssertEqual(try UpSampling2D(size: [1, 3]).computeOutputShape([-1, 2, 2, 5]), [-1, 2, 6, 5])

        let x = try tensor([2, 3, 4], seed: 30)
        XCTAssertEqual(try Flatten()(x).shape, [2, 12])
        XCTAssertEqual(try Flatten()(x).doubles, x.doubles)
        XCTAssertEqual(try Flatten().computeOutputShape([-1, 3, 4]), [-1, 12])
        XCTAssertEqual(try Reshape(targetShape: [4, -1])(x).shape, [2, 4, 3])
        XCTAssertEqual(try Reshape(targetShape: [6, 2]).computeOutputShape([-1, 3, 4]), [-1, 6, 2])
        assertError(.invalidArgument, containing: ["total size of the new array must be unchanged"]) {
            _ = try Reshape(targetShape: [5])(x)
        }
        let p = try Permute(dims: [2, 1])(x)
        XCTAssertEqual(p.shape, [2, 4, 3])
        XCTAssertEqual(p.doubles, try x.transposed([0, 2, 1]).doubles)
        assertError(.invalidArgument, containing: ["must be consecutive and start from 1"]) { _ = try Permute(dims: [0, 1]) }
        let v = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let r = try RepeatVector(3)(v)
        XCTAssertEqual(r.shape, [2, 3, 2])
        XCTAssertEqual(r.doubles, [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4])
        let lam = Lambda({ try $0 * 2.0 })
        XCTAssertEqual(try lam(v).doubles, [2, 4, 6, 8])
        XCTAssertEqual(try lam.computeOutputShape([-1, 2]), [-1, 2])
        XCTAssertEqual(try Lambda({ try $0.sum(alongAxes: [1]) }).computeOutputShape([-1, 5]), [-1])
        let inp = try InputLayer(shape: [-1, 2])
        XCTAssertEqual(inp.batchInputShape, [-1, -1, 2])
        XCTAssertEqual(try inp(try Tensor.ones([3, 7, 2])).shape, [3, 7, 2])
        assertError(.invalidArgument, containing: ["incompatible with the expected shape"]) { _ = try inp(try Tensor.ones([3, 7, 3])) }
    }

    func testDropoutTrainingOnlyAndSeeded() throws {
        let x = try Tensor.ones([100, 100])
        let d = try Dropout(rate: 0.3, seed: 5)
        XCTAssertEqual(try d(x).doubles, x.doubles)  // inference: identity
        let y = try d(x, training: true).doubles
        let kept = y.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / 10000, 0.7, accuracy: 0.02)
        for k in kept { XCTAssertEqual(k, 1 / 0.7, accuracy: 1e-6) }
        // Seeded: a reproducible sequence of different masks.
        let y2 = try d(x, training: true).doubles
        XCTAssertNotEqual(y, y2)
        let e = try Dropout(rate: 0.3, seed: 5)
        XCTAssertEqual(try e(x, training: true).doubles, y)
        XCTAssertEqual(try e(x, training: true).doubles, y2)
        // noise_shape shares the mask along size-1 axes.
        let ns = try Dropout(rate: 0.5, noiseShape: [-1, 1], seed: 1)(x, training: true)
        for row in 0..<100 {
            let r = Array(ns.doubles[row * 100..<(row + 1) * 100])
            XCTAssertTrue(r.allSatisfy { $0 == r[0] })
        }
        XCTAssertEqual(try Dropout(rate: 1)(x, training: true).doubles.reduce(0, +), 0)
        assertError(.invalidArgument, containing: ["between 0 and 1"]) { _ = try Dropout(rate: 1.5) }
    }

    // MARK: Normalization

    func testBatchNormalizationTrainingInferenceAndMovingStats() throws {
        let bn = try BatchNormalization(momentum: 0.9, epsilon: 1e-3)
        let xs: [Double] = [1, 10, 2, 20, 3, 30, 6, 40]  // (4, 2)
        let x = try Tensor.from(doubles: xs, shape: [4, 2], dtype: .float32)
        let y = try bn(x, training: true)
        XCTAssertEqual(bn.weights.map { $0.name }, ["\(bn.name)/gamma", "\(bn.name)/beta", "\(bn.name)/moving_mean", "\(bn.name)/moving_variance"])
        XCTAssertEqual(bn.trainableWeights.count, 2)
        XCTAssertEqual(bn.nonTrainableWeights.count, 2)
        var mean = [0.0, 0.0], variance = [0.0, 0.0]
        for c in 0..<2 {
            let col = (0..<4).map { xs[$0 * 2 + c] }
            mean[c] = col.reduce(0, +) / 4
            variance[c] = col.map { ($0 - mean[c]) * ($0 - mean[c]) }.reduce(0, +) / 4
        }
        let ref = xs.enumerated().map { i, v in (v - mean[i % 2]) / (variance[i % 2] + 1e-3).squareRoot() }
        assertClose(y.doubles, ref, .relOrAbs(1e-5))
        // Moving stats: moving · momentum + stat · (1 − momentum), from 0 and 1.
        assertClose(bn.movingMean!.value.doubles, mean.map { 0.1 * $0 }, .relOrAbs(1e-5))
        assertClose(bn.movingVariance!.value.doubles, variance.map { 0.9 + 0.1 * $0 }, .relOrAbs(1e-5))
        // Inference uses the moving statistics and leaves them alone.
        try bn.setWeights([Tensor([2, 3] as [Float]), Tensor([0.5, -1] as [Float]),
                           Tensor([1, 2] as [Float]), Tensor([4, 9] as [Float])])
        let yi = try bn(x)
        let refi = xs.enumerated().map { i, v -> Double in
            let c = i % 2
            return ([2.0, 3][c]) * (v - [1.0, 2][c]) / ([4.0, 9][c] + 1e-3).squareRoot() + [0.5, -1][c]
        }
        assertClose(yi.doubles, refi, .relOrAbs(1e-5))
        XCTAssertEqual(bn.movingMean!.value.doubles, [1, 2])
        // A frozen layer runs in inference mode even when training.
        bn.trainable = false
        assertClose(try bn(x, training: true).doubles, refi, .relOrAbs(1e-5))
        XCTAssertEqual(bn.movingMean!.value.doubles, [1, 2])
        XCTAssertEqual(bn.trainableWeights.count, 0)
        // Other axes: channels on axis 1 of a rank-4 input.
        let bn1 = try BatchNormalization(axis: 1)
        let x4 = try tensor([2, 3, 2, 2], seed: 40)
        let y4 = try bn1(x4, training: true)
        XCTAssertEqual(bn1.gamma!.shape, [3])
        let perChannel = try y4.mean(alongAxes: [0, 2, 3]).doubles
        assertClose(perChannel, [0, 0, 0], .relOrAbs(1e-5))
    }

    /// tf.keras 2's fused path (4-D/5-D, axis 1 or last, not float64) puts the unbiased batch
    /// variance (times n/(n − 1)) into the moving variance; its plain path the biased one. The
    /// expected values were recorded with TF 2.21 + tf-keras 2.21 (momentum 0.5, from ones).
    func testBatchNormalizationMovingVarianceMatchesFusedPath() throws {
        let xs = (0..<24).map { Glibc.pow(Double($0), 1.5) / 10 }
        let cases: [(Int, DType, [Double])] = [
            (-1, .float32, [6.61376428604126, 7.245052337646484]),
            (1, .float32, [3.839226007461548, 5.8653082847595215, 7.820995330810547]),
            (2, .float32, [5.743405818939209, 6.872829914093018]),
            (-1, .float64, [6.104283310297766, 6.682964106352144]),
        ]
        for (axis, dtype, expected) in cases {
            let bn = try BatchNormalization(axis: axis, momentum: 0.5, dtype: DTypePolicy(dtype: dtype))
            let x = try Tensor.from(doubles: xs, shape: [2, 3, 2, 2], dtype: dtype)
            _ = try bn(x, training: true)
            assertClose(bn.movingVariance!.value.doubles, expected, .relOrAbs(1e-5), "axis \(axis) \(dtype)")
        }
    }

    func testLayerNormalization() throws {
        let ln = try LayerNormalization(betaInitializer: Constant(1), gammaInitializer: Constant(2))
        let xs: [Double] = [1, 2, 3, 4, 10, 0, -10, 5]
        let x = try Tensor.from(doubles: xs, shape: [2, 4], dtype: .float32)
        let y = try ln(x)
        var ref: [Double] = []
        for r in 0..<2 {
            let row = Array(xs[r * 4..<(r + 1) * 4])
            let m = row.reduce(0, +) / 4
            let v = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 4
            ref += row.map { 2 * ($0 - m) / (v + 1e-3).squareRoot() + 1 }
        }
        assertClose(y.doubles, ref, .relOrAbs(1e-5))
        XCTAssertEqual(ln.gamma!.shape, [4])
        let ln2 = try LayerNormalization(axes: [1, 2])
        let y2 = try ln2(try tensor([2, 3, 4], seed: 41))
        XCTAssertEqual(ln2.gamma!.shape, [3, 4])
        assertClose(try y2.mean(alongAxes: [1, 2]).doubles, [0, 0], .relOrAbs(1e-5))
    }

    // MARK: Embedding and merging

    func testEmbeddingAndMergeLayers() throws {
        let e = try Embedding(inputDim: 5, outputDim: 2)
        _ = try e(try Tensor([0] as [Int32], shape: [1, 1]))
        let table: [Double] = [0, 0, 1, 1, 2, 4, 3, 9, 4, 16]
        try e.setWeights([try Tensor.from(doubles: table, shape: [5, 2], dtype: .float32)])
        let y = try e(try Tensor([4, 2, 2, 0] as [Int32], shape: [2, 2]))
        XCTAssertEqual(y.shape, [2, 2, 2])
        XCTAssertEqual(y.doubles, [4, 16, 2, 4, 2, 4, 0, 0])
        XCTAssertEqual(try e(try Tensor([3] as [Float], shape: [1, 1])).doubles, [3, 9])
        XCTAssertEqual(try e.computeOutputShape([-1, 7]), [-1, 7, 2])
        assertError(.outOfRange, containing: ["is not in [0, 5)"]) { _ = try e(try Tensor([5] as [Int32], shape: [1, 1])) }

        let a = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let b = try Tensor([10, 20, 30, 40] as [Float], shape: [2, 2])
        let c = try Tensor([2, 3] as [Float], shape: [1, 2])
        XCTAssertEqual(try Add()([a, b, c]).doubles, [13, 25, 35, 47])
        XCTAssertEqual(try Multiply()([a, b]).doubles, [10, 40, 90, 160])
        XCTAssertEqual(try Subtract()([b, a]).doubles, [9, 18, 27, 36])
        XCTAssertEqual(try Average()([a, b]).doubles, [5.5, 11, 16.5, 22])
        XCTAssertEqual(try Maximum()([a, c]).doubles, [2, 3, 3, 4])
        XCTAssertEqual(try Add().computeOutputShape([[-1, 2], [1, 2]]), [-1, 2])
        let cat = try Concatenate()([a, b])
        XCTAssertEqual(cat.shape, [2, 4])
        XCTAssertEqual(cat.doubles, [1, 2, 10, 20, 3, 4, 30, 40])
        XCTAssertEqual(try Concatenate(axis: 0)([a, c]).shape, [3, 2])
        XCTAssertEqual(try Concatenate().computeOutputShape([[-1, 2, 3], [-1, 2, 5]]), [-1, 2, 8])
        assertError(.invalidArgument, containing: ["requires inputs with matching shapes"]) {
            _ = try Concatenate(axis: 0)([a, try Tensor.ones([1, 3])])
        }
        assertError(.invalidArgument, containing: ["exactly 2 inputs"]) { _ = try Subtract()([a, b, c]) }
        assertError(.invalidArgument, containing: ["cannot be merged"]) { _ = try Add()([a, try Tensor.ones([3, 3])]) }
    }

    // MARK: Recurrent layers

    func testLSTMMatchesKerasGateFormulas() throws {
        let (b, t, f, u) = (2, 3, 3, 4)
        let lstm = try LSTM(units: u, returnSequences: true, returnState: true)
        let x = try tensor([b, t, f], seed: 50)
        _ = try lstm(x)
        XCTAssertEqual(lstm.weights.map { $0.shape }, [[f, 4 * u], [u, 4 * u], [4 * u]])
        // unit_forget_bias: the forget block starts at 1.
        XCTAssertEqual(lstm.bias!.value.doubles, [Double](repeating: 0, count: u) + [Double](repeating: 1, count: u) + [Double](repeating: 0, count: 2 * u))
        let W = values(f * 4 * u, seed: 51), U = values(u * 4 * u, seed: 52), B = values(4 * u, seed: 53)
        try lstm.setWeights([try Tensor.from(doubles: W, shape: [f, 4 * u], dtype: .float32),
                             try Tensor.from(doubles: U, shape: [u, 4 * u], dtype: .float32),
                             try Tensor.from(doubles: B, shape: [4 * u], dtype: .float32)])
        let outs = try lstm.outputs([x])
        XCTAssertEqual(outs.map { $0.shape }, [[b, t, u], [b, u], [b, u]])
        // Reference: z = x W + h U + b; i, f, c, o in Keras order.
        let xv = x.doubles
        var h = [Double](repeating: 0, count: b * u), c = h
        var seqRef: [[Double]] = []
        for step in 0..<t {
            let xt = timeStep(xv, b, t, f, step)
            let z1 = matmulRef(xt, W, b, f, 4 * u), z2 = matmulRef(h, U, b, u, 4 * u)
            var nh = h, nc = c
            for bi in 0..<b {
                for j in 0..<u {
                    func z(_ g: Int) -> Double { gateSum(z1, z2, B, bi, g, j, u) }
                    let ig = sigmoidRef(z(0)), fg = sigmoidRef(z(1)), og = sigmoidRef(z(3))
                    nc[bi * u + j] = fg * c[bi * u + j] + ig * Glibc.tanh(z(2))
                    nh[bi * u + j] = og * Glibc.tanh(nc[bi * u + j])
                }
            }
            h = nh; c = nc
            seqRef.append(h)
        }
        let seq = outs[0].doubles
        for step in 0..<t {
            let got = timeStep(seq, b, t, u, step)
            assertClose(got, seqRef[step], .relOrAbs(1e-5), "step \(step)")
        }
        assertClose(outs[1].doubles, h, .relOrAbs(1e-5), "h")
        assertClose(outs[2].doubles, c, .relOrAbs(1e-5), "c")
        XCTAssertEqual(try lstm.computeOutputShape([-1, 9, f]), [-1, 9, u])

        // Initial states as extra inputs; a one-step sequence from (h0, c0).
        let single = try LSTM(units: u, returnState: true)
        _ = try single(x)
        try single.setWeights(lstm.getWeights())
        let x0 = try x.slice(begin: [0, 0, 0], size: [b, 1, f])
        let h0 = try tensor([b, u], seed: 54), c0 = try tensor([b, u], seed: 55)
        let o = try single.outputs([x0, h0, c0])
        let z1 = matmulRef(try x0.reshaped(to: [b, f]).doubles, W, b, f, 4 * u), z2 = matmulRef(h0.doubles, U, b, u, 4 * u)
        var refH: [Double] = [], refC: [Double] = []
        for bi in 0..<b {
            for j in 0..<u {
                func z(_ g: Int) -> Double { gateSum(z1, z2, B, bi, g, j, u) }
                let cc = sigmoidRef(z(1)) * c0.doubles[bi * u + j] + sigmoidRef(z(0)) * Glibc.tanh(z(2))
                refC.append(cc)
                refH.append(sigmoidRef(z(3)) * Glibc.tanh(cc))
            }
        }
        assertClose(o[0].doubles, refH, .relOrAbs(1e-5))
        assertClose(o[2].doubles, refC, .relOrAbs(1e-5))
        assertError(.invalidArgument, containing: ["initial state"]) { _ = try single([x0, h0]) }
    }

    func testGRUMatchesKerasGateFormulas() throws {
        let (b, f, u) = (2, 3, 2)
        for resetAfter in [true, false] {
            let gru = try GRU(units: u, returnState: true, resetAfter: resetAfter)
            let x = try tensor([b, 1, f], seed: 60)
            _ = try gru(x)
            let biasShape = resetAfter ? [2, 3 * u] : [3 * u]
            XCTAssertEqual(gru.weights.map { $0.shape }, [[f, 3 * u], [u, 3 * u], biasShape])
            let W = values(f * 3 * u, seed: 61), U = values(u * 3 * u, seed: 62)
            let B = values(biasShape.reduce(1, *), seed: 63)
            try gru.setWeights([try Tensor.from(doubles: W, shape: [f, 3 * u], dtype: .float32),
                                try Tensor.from(doubles: U, shape: [u, 3 * u], dtype: .float32),
                                try Tensor.from(doubles: B, shape: biasShape, dtype: .float32)])
            let h0 = try tensor([b, u], seed: 64)
            let out = try gru.outputs([x, h0])
            let hv = h0.doubles
            let xw = matmulRef(try x.reshaped(to: [b, f]).doubles, W, b, f, 3 * u)
            let hu = matmulRef(hv, U, b, u, 3 * u)
            var ref: [Double] = []
            for bi in 0..<b {
                // r for every unit first (the candidate needs r·h over all units when reset_after=False).
                let bx = { (g: Int, j: Int) -> Double in B[g * u + j] }
                let bh = { (g: Int, j: Int) -> Double in resetAfter ? B[3 * u + g * u + j] : 0 }
                let r = (0..<u).map { j in sigmoidRef(xw[bi * 3 * u + u + j] + bx(1, j) + hu[bi * 3 * u + u + j] + bh(1, j)) }
                for j in 0..<u {
                    let z = sigmoidRef(xw[bi * 3 * u + j] + bx(0, j) + hu[bi * 3 * u + j] + bh(0, j))
                    let rec: Double
                    if resetAfter {
                        rec = r[j] * (hu[bi * 3 * u + 2 * u + j] + bh(2, j))
                    } else {
                        rec = (0..<u).map { k in r[k] * hv[bi * u + k] * U[k * 3 * u + 2 * u + j] }.reduce(0, +)
                    }
                    let hh = Glibc.tanh(xw[bi * 3 * u + 2 * u + j] + bx(2, j) + rec)
                    ref.append(z * hv[bi * u + j] + (1 - z) * hh)
                }
            }
            assertClose(out[0].doubles, ref, .relOrAbs(1e-5), "reset_after \(resetAfter)")
            assertClose(out[1].doubles, ref, .relOrAbs(1e-5), "state, reset_after \(resetAfter)")
        }
    }

    func testSimpleRNNAndGoBackwards() throws {
        let rnnLayer = try SimpleRNN(units: 3, returnSequences: true)
        let x = try tensor([2, 4, 2], seed: 70)
        let y = try rnnLayer(x)
        XCTAssertEqual(y.shape, [2, 4, 3])
        let W = rnnLayer.kernel!.value.doubles, U = rnnLayer.recurrentKernel!.value.doubles
        // Orthogonal recurrent kernel by default.
        let uT = rnnLayer.recurrentKernel!.value
        assertClose(try uT.transposed().matmul(uT).doubles, [1, 0, 0, 0, 1, 0, 0, 0, 1], .relOrAbs(1e-5))
        var h = [Double](repeating: 0, count: 6)
        let xv = x.doubles
        for step in 0..<4 {
            let xt = timeStep(xv, 2, 4, 2, step)
            let a = matmulRef(xt, W, 2, 2, 3), r = matmulRef(h, U, 2, 3, 3)
            h = (0..<6).map { Glibc.tanh(a[$0] + r[$0]) }
            let got = timeStep(y.doubles, 2, 4, 3, step)
            assertClose(got, h, .relOrAbs(1e-5), "step \(step)")
        }
        // go_backwards on x equals the forward layer on x reversed in time.
        let back = try SimpleRNN(units: 3, goBackwards: true)
        let fwd = try SimpleRNN(units: 3)
        _ = try back(x); _ = try fwd(x)
        try fwd.setWeights(back.getWeights())
        assertClose(try back(x).doubles, try fwd(try x.reversed(alongAxes: [1])).doubles, .relOrAbs(1e-6))
    }

    // MARK: Gradients and training

    func testGradientsReachEveryTrainableWeight() throws {
        let d1 = try Dense(units: 4, activation: .tanh)
        let d2 = try Dense(units: 2)
        let x = try tensor([5, 3], seed: 80)
        let tape = GradientTape()
        let loss = try tape.record { try d2(try d1(x)).sum() }
        let vars = d1.trainableWeights + d2.trainableWeights
        XCTAssertEqual(vars.count, 4)
        let grads = try tape.gradient(loss, vars.map { .variable($0) })
        for (v, g) in zip(vars, grads) {
            XCTAssertNotNil(g, v.name)
            XCTAssertEqual(g?.shape, v.shape, v.name)
            XCTAssertTrue(g?.doubles.allSatisfy { $0.isFinite } ?? false, v.name)
        }
        // The last layer: d(sum(h W2 + b2))/dW2 = hᵀ·1, d/db2 = batch size.
        let h = try d1(x).doubles
        let expected = (0..<4).flatMap { i in [Double](repeating: (0..<5).map { h[$0 * 4 + i] }.reduce(0, +), count: 2) }
        assertClose(grads[2]!.doubles, expected, .relOrAbs(1e-5))
        assertClose(grads[3]!.doubles, [5, 5], .relOrAbs(1e-6))

        // Convolution, normalization, recurrent and embedding layers differentiate too.
        let conv = try Conv2D(filters: 2, kernelSize: [2], padding: .same)
        let bn = try BatchNormalization()
        let pool = GlobalAveragePooling2D()
        let lstm = try LSTM(units: 3)
        let gru = try GRU(units: 2)
        let emb = try Embedding(inputDim: 6, outputDim: 3)
        let img = try tensor([2, 4, 4, 3], seed: 81)
        let ids = try Tensor([1, 5, 2, 2] as [Int32], shape: [2, 2])
        let tape2 = GradientTape()
        let loss2 = try tape2.record {
            let a = try pool(try bn(try conv(img), training: true))
            let s = try gru(try lstm(try emb(ids)).expandingDims(at: 1))
            return try square(a).sum() + square(s).sum()
        }
        let vars2 = [conv, bn, lstm, gru, emb].flatMap { $0.trainableWeights }
        XCTAssertEqual(vars2.count, 2 + 2 + 3 + 3 + 1)
        let grads2 = try tape2.gradient(loss2, vars2.map { .variable($0) })
        for (v, g) in zip(vars2, grads2) {
            XCTAssertNotNil(g, v.name)
            XCTAssertEqual(g?.shape, v.shape, v.name)
        }
    }

    func testTinyTrainingLoopReducesLoss() throws {
        // y = 2 x0 − 3 x1 + 0.5 x2 + 1 learned by Dense(16, relu) → Dense(1) with plain SGD.
        let n = 64
        let x = try tensor([n, 3], seed: 90)
        let xv = x.doubles
        var targets: [Double] = []
        for i in 0..<n {
            let a: Double = 2 * xv[i * 3] - 3 * xv[i * 3 + 1]
            targets.append(a + 0.5 * xv[i * 3 + 2] + 1)
        }
        let y = try Tensor.from(doubles: targets, shape: [n, 1], dtype: .float32)
        let l1 = try Dense(units: 16, activation: .relu, kernelInitializer: HeNormal(seed: 1))
        let l2 = try Dense(units: 1, kernelInitializer: GlorotUniform(seed: 2), kernelRegularizer: try L2(1e-4))
        func step() throws -> Double {
            let tape = GradientTape()
            let loss = try tape.record { () -> Tensor in
                let mse = try square(l2(l1(x)) - y).mean()
                return try (l1.losses + l2.losses).reduce(mse) { try $0 + $1 }
            }
            let vars = l1.trainableWeights + l2.trainableWeights
            let grads = try tape.gradient(loss, vars.map { .variable($0) })
            for (v, g) in zip(vars, grads) { try v.assignSub(try g! * 0.1) }
            return try loss.scalarDouble()
        }
        let first = try step()
        var last = first
        for _ in 0..<150 { last = try step() }
        XCTAssertLessThan(last, first / 20, "loss \(first) → \(last)")
        XCTAssertLessThan(last, 0.1)
    }
}
