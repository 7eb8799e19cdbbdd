import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Activation layers (LeakyReLU, ReLU, PReLU, ELU, Softmax, ThresholdedReLU) and the Dot merge
// layer: values recorded from tf.keras 2.21 (TF_USE_LEGACY_KERAS=1), configs, errors, gradients.

final class KerasLayersBasicTests: XCTestCase {
    /// The input every activation test uses: (1, 7).
    private let xs: [Double] = [-2, -0.5, 0, 0.5, 1, 2.5, 7]
    private func input() throws -> Tensor { try Tensor.from(doubles: xs, shape: [1, 7], dtype: .float32) }

    func testActivationLayerValuesMatchTFKeras() throws {
        let x = try input()
        // tf.keras: LeakyReLU()(x), default alpha 0.3.
        check(try LeakyReLU()(x), [1, 7], .float32, [-0.6, -0.15, 0, 0.5, 1, 2.5, 7], tol: 1e-6, "leaky")
        check(try LeakyReLU(alpha: 0.2)(x), [1, 7], .float32, [-0.4, -0.1, 0, 0.5, 1, 2.5, 7], tol: 1e-6, "leaky 0.2")
        check(try ReLU(maxValue: 6, negativeSlope: 0.1, threshold: 0.5)(x), [1, 7], .float32,
              [-0.25, -0.1, -0.05, 0, 1, 2.5, 6], tol: 1e-6, "relu")
        check(try ReLU()(x), [1, 7], .float32, [0, 0, 0, 0.5, 1, 2.5, 7], "plain relu")
        check(try ELU(alpha: 0.7)(x), [1, 7], .float32,
              [-0.6052653193473816, -0.27542853355407715, 0, 0.5, 1, 2.5, 7], tol: 1e-6, "elu")
        check(try Softmax()(x), [1, 7], .float32,
              [0.00012138515739934519, 0.0005440104869194329, 0.0008969217306002975, 0.001478774007409811,
               0.002438086085021496, 0.010926743037998676, 0.9835941195487976], tol: 1e-6, "softmax")
        check(try ThresholdedReLU(theta: 0.5)(x), [1, 7], .float32, [-0.0, -0.0, 0, 0, 1, 2.5, 7], "thresholded")
        let p = PReLU(alphaInitializer: Constant(0.25))
        check(try p(x), [1, 7], .float32, [-0.5, -0.125, 0, 0.5, 1, 2.5, 7], tol: 1e-6, "prelu")
        XCTAssertEqual(p.alpha?.shape, [7])
    }

    func testSoftmaxOverSeveralAxes() throws {
        let a = try Tensor.from(doubles: (0..<24).map { Double($0) / 10 }, shape: [2, 3, 4], dtype: .float32)
        let y = try Softmax(axes: [1, 2])(a)
        XCTAssertEqual(y.shape, [2, 3, 4])
        // tf.keras: Softmax(axis=[1, 2])(a)[0, 0].
        assertClose(Array(y.doubles[0..<4]), [0.04533001035451889, 0.05009740591049194, 0.05536620318889618, 0.061189111322164536], .relOrAbs(1e-6))
        assertClose(try y.sum(alongAxes: [1, 2]).doubles, [1, 1], .relOrAbs(1e-6))
        XCTAssertEqual(try Softmax(axes: [1, 2]).getConfig()["axis"], .array([.int(1), .int(2)]))
        assertError(.invalidArgument, containing: ["Softmax", "axis 3 is out of range"]) { try Softmax(axis: 3)(a) }
    }

    func testPReLUSharedAxesAndTrainedAlpha() throws {
        let p = PReLU(sharedAxes: [1])
        let x = try Tensor.from(doubles: (0..<24).map { Double($0) - 12 }, shape: [2, 3, 4], dtype: .float32)
        _ = try p(x)
        XCTAssertEqual(p.alpha?.shape, [1, 4])     // tf.keras: (1, 4)
        XCTAssertEqual(p.trainableWeights.count, 1)
        // d/dalpha of sum(PReLU(x)) = sum over shared positions of min(x, 0).
        let tape = GradientTape()
        let loss = try tape.record { try p(x).sum() }
        let g = try tape.gradient(loss, p.trainableWeights.map { .variable($0) })
        var want = [Double](repeating: 0, count: 4)
        for (i, v) in x.doubles.enumerated() { want[i % 4] += Swift.min(v, 0) }
        check(try XCTUnwrap(g[0]), [1, 4], .float32, want, "dalpha")
        assertError(.invalidArgument, containing: ["PReLU", "shared axis 3 is out of range"]) {
            try PReLU(sharedAxes: [3])(try Tensor.from(doubles: [1, 2], shape: [1, 2], dtype: .float32))
        }
        // alpha_constraint is supported (KerasConstraintsTests); an unknown one is refused naming the key.
        XCTAssertTrue(try layerFromConfig(className: "PReLU", configJSON: #"{"alpha_constraint": "non_neg"}"#).constraint(forKey: "alpha_constraint") is NonNeg)
        assertError(.invalidArgument, containing: ["PReLU", "alpha_constraint", "bogus"]) {
            try layerFromConfig(className: "PReLU", configJSON: #"{"alpha_constraint": "bogus"}"#)
        }
    }

    func testActivationLayerGradients() throws {
        let x = try input()
        // Elementwise derivatives, as TensorFlow computes them.
        let cases: [(Layer, [Double])] = [
            (LeakyReLU(alpha: 0.2), [0.2, 0.2, 0.2, 1, 1, 1, 1]),
            (try ReLU(maxValue: 6, negativeSlope: 0.1, threshold: 0.5), [0.1, 0.1, 0.1, 0, 1, 1, 0]),
            (try ThresholdedReLU(theta: 0.5), [0, 0, 0, 0, 1, 1, 1]),
            (ELU(alpha: 0.7), xs.map { $0 > 0 ? 1 : 0.7 * Glibc.exp($0) }),
        ]
        for (layer, want) in cases {
            let tape = GradientTape()
            tape.watch(x)
            let y = try tape.record { try layer(x).sum() }
            check(try XCTUnwrap(try tape.gradient(y, x)), [1, 7], .float32, want, tol: 1e-6, layer.className)
        }
    }

    func testActivationLayerArgumentErrors() {
        assertError(.invalidArgument, containing: ["ReLU", "max_value", "-1"]) { try ReLU(maxValue: -1) }
        assertError(.invalidArgument, containing: ["ReLU", "negative_slope"]) { try ReLU(negativeSlope: -0.5) }
        assertError(.invalidArgument, containing: ["ReLU", "threshold"]) { try ReLU(threshold: -0.5) }
        assertError(.invalidArgument, containing: ["ThresholdedReLU", "theta"]) { try ThresholdedReLU(theta: -1) }
        // tf.keras 2 LeakyReLU has no negative_slope (Keras 3's name).
        assertError(.invalidArgument, containing: ["LeakyReLU.from_config", "'negative_slope'"]) {
            try layerFromConfig(className: "LeakyReLU", configJSON: #"{"negative_slope": 0.2}"#)
        }
        assertError(.invalidArgument, containing: ["ELU.from_config", "'beta'"]) {
            try layerFromConfig(className: "ELU", configJSON: #"{"beta": 1}"#)
        }
    }

    func testConfigsFromTFKeras() throws {
        // Configs as tf.keras 2 writes them.
        let l = try XCTUnwrap(try layerFromConfig(className: "LeakyReLU", configJSON: #"{"name": "l", "trainable": true, "dtype": "float32", "alpha": 0.2}"#) as? LeakyReLU)
        XCTAssertEqual(l.alpha, 0.2)
        XCTAssertEqual(try (layerFromConfig(className: "ELU", configJSON: "{}") as? ELU)?.alpha, 1)
        XCTAssertEqual(try LeakyReLU().getConfig()["alpha"], .double(0.3))
        let r = try XCTUnwrap(try layerFromConfig(className: "ReLU", configJSON: #"{"max_value": null, "negative_slope": 0.0, "threshold": 0.0}"#) as? ReLU)
        XCTAssertNil(r.maxValue)
        XCTAssertEqual(try r.getConfig()["max_value"], .null)
        let p = try XCTUnwrap(try layerFromConfig(className: "PReLU", configJSON: #"{"alpha_initializer": {"module": "keras.initializers", "class_name": "Constant", "config": {"value": 0.25}, "registered_name": null}, "alpha_regularizer": null, "alpha_constraint": null, "shared_axes": [1, 2]}"#) as? PReLU)
        XCTAssertEqual(p.sharedAxes, [1, 2])
        XCTAssertEqual((p.alphaInitializer as? Constant)?.value, 0.25)
        XCTAssertEqual(try Dot(axes: (2, 1)).getConfig()["axes"], .array([.int(2), .int(1)]))
        XCTAssertEqual(try Dot(axis: 1).getConfig()["axes"], .int(1))
    }

    func testDotMatchesTFKeras() throws {
        let a = try Tensor.from(doubles: (0..<24).map { Double($0) / 10 }, shape: [2, 3, 4], dtype: .float32)
        let b = try Tensor.from(doubles: (0..<24).map { Double($0) / 7 - 1 }, shape: [2, 4, 3], dtype: .float32)
        let dot = Dot(axes: (2, 1))
        let y = try dot([a, b])
        XCTAssertEqual(y.shape, [2, 3, 3])
        XCTAssertEqual(try dot.computeOutputShape([[-1, 3, 4], [-1, 4, 3]]), [-1, 3, 3])
        // tf.keras: Dot(axes=(2, 1))([a, b]).numpy().ravel()[:5].
        assertClose(Array(y.doubles[0..<5]), [0, 0.08571430295705795, 0.17142857611179352, -0.5714285373687744, -0.2571428418159485], .relOrAbs(1e-6))
        let c = try Tensor.from(doubles: [1, 2, 3, 0, -1, 2], shape: [2, 3], dtype: .float32)
        let e = try Tensor.from(doubles: [2, 0, 1, 1, 1, 1], shape: [2, 3], dtype: .float32)
        check(try Dot(axis: 1, normalize: true)([c, e]), [2, 1], .float32, [0.5976142883300781, 0.25819888710975647], tol: 1e-6, "cosine")
        XCTAssertEqual(try Dot(axis: -1)([a, a]).shape, [2, 3, 3])
        XCTAssertEqual(try Dot(axis: 1).computeOutputShape([[-1, 3], [-1, 3]]), [-1, 1])
        // Gradients: d sum(c·e)/dc = e.
        let tape = GradientTape()
        tape.watch(c)
        let s = try tape.record { try Dot(axis: 1)([c, e]).sum() }
        check(try XCTUnwrap(try tape.gradient(s, c)), [2, 3], .float32, e.doubles, "ddot")
        assertError(.invalidArgument, containing: ["Dot", "list of 2 inputs"]) { try Dot(axis: 1)([c, e, c]) }
        assertError(.invalidArgument, containing: ["Dot", "incompatible input shapes"]) { try Dot(axis: 1)([c, b]) }
        assertError(.invalidArgument, containing: ["Dot", "out of range"]) { try Dot(axis: 3)([c, e]) }
        assertError(.invalidArgument, containing: ["Dot.from_config", "missing required argument 'axes'"]) {
            try layerFromConfig(className: "Dot", configJSON: "{}")
        }
        assertError(.invalidArgument, containing: ["Dot", "list of 2 integers"]) {
            try layerFromConfig(className: "Dot", configJSON: #"{"axes": [1, 2, 3]}"#)
        }
    }

    func testPaddingCroppingUpSamplingMatchTFKeras() throws {
        let x = try Tensor.from(doubles: (0..<12).map(Double.init), shape: [1, 4, 3], dtype: .float32)
        check(try ZeroPadding1D(padding: (1, 2))(x), [1, 7, 3], .float32, [0, 0, 0] + (0..<12).map(Double.init) + [0, 0, 0, 0, 0, 0], "zp1")
        check(try Cropping1D(cropping: (1, 2))(x), [1, 1, 3], .float32, [3, 4, 5], "crop1")
        check(try Cropping1D()(x), [1, 2, 3], .float32, [3, 4, 5, 6, 7, 8], "crop1 default")
        check(try UpSampling1D()(x), [1, 8, 3], .float32, [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11], "up1")
        let y = try Tensor.from(doubles: (0..<40).map(Double.init), shape: [2, 4, 5, 1], dtype: .float32)
        let c2 = try Cropping2D(cropping: ((1, 0), (2, 1)))(y)
        XCTAssertEqual(c2.shape, [2, 3, 2, 1])
        XCTAssertEqual(Array(c2.doubles[0..<6]), [7, 8, 12, 13, 17, 18])   // tf.keras: [0, :, :, 0]
        XCTAssertEqual(try Cropping2D(cropping: ((1, 0), (2, 1))).computeOutputShape([-1, 4, -1, 3]), [-1, 3, -1, 3])
        // Configs as tf.keras 2 writes them; an integer means every side.
        XCTAssertEqual(try Cropping2D(cropping: ((1, 0), (2, 1))).getConfig()["cropping"], .array([.array([.int(1), .int(0)]), .array([.int(2), .int(1)])]))
        XCTAssertEqual(try ZeroPadding1D(padding: (1, 2)).getConfig()["padding"], .array([.int(1), .int(2)]))
        let c = try XCTUnwrap(try layerFromConfig(className: "Cropping2D", configJSON: #"{"cropping": 1, "data_format": "channels_last"}"#) as? Cropping2D)
        XCTAssertEqual(c.edges.map { [$0.0, $0.1] }, [[1, 1], [1, 1]])
        let c3 = try XCTUnwrap(try layerFromConfig(className: "Cropping2D", configJSON: #"{"cropping": [1, 2]}"#) as? Cropping2D)
        XCTAssertEqual(c3.edges.map { [$0.0, $0.1] }, [[1, 1], [2, 2]])
        XCTAssertEqual(try (layerFromConfig(className: "ZeroPadding1D", configJSON: #"{"padding": 3}"#) as? ZeroPadding1D)?.edges.map { [$0.0, $0.1] }, [[3, 3]])
        // Gradients of padding and cropping pass the kept values through.
        let tape = GradientTape()
        tape.watch(x)
        let s = try tape.record { try Cropping1D(cropping: (1, 2))(ZeroPadding1D(padding: (0, 1))(x)).sum() }
        check(try XCTUnwrap(try tape.gradient(s, x)), [1, 4, 3], .float32, [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0], "dcrop")   // steps 1 and 2 of 5 kept
        // Errors.
        assertError(.invalidArgument, containing: ["Cropping1D", "must be smaller than the size 4"]) { try Cropping1D(cropping: (2, 2))(x) }
        assertError(.invalidArgument, containing: ["ZeroPadding1D", "non-negative"]) { try ZeroPadding1D(padding: (-1, 0)) }
        assertError(.invalidArgument, containing: ["UpSampling1D", "size"]) { try UpSampling1D(size: 0) }
        assertError(.invalidArgument, containing: ["Cropping2D.from_config", "cropping"]) {
            try layerFromConfig(className: "Cropping2D", configJSON: #"{"cropping": [1, 2, 3]}"#)
        }
        assertError(.unimplemented, containing: ["Cropping2D.from_config", "data_format"]) {
            try layerFromConfig(className: "Cropping2D", configJSON: #"{"data_format": "channels_first"}"#)
        }
        assertError(.invalidArgument, containing: ["UpSampling1D", "overflow"]) { try UpSampling1D(size: 4).computeOutputShape([1, Int.max / 2, 3]) }
        assertError(.invalidArgument, containing: ["Cropping1D"]) { try Cropping1D()(y) }
    }
}
