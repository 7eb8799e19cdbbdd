import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// keras.constraints against tf.keras 2.21 (values printed by the reference venv with
// TF_USE_LEGACY_KERAS=1): each constraint's projection, names and configs, the layer keys
// that hold them (configs round-trip), and their application after each optimizer update
// (fit, apply_gradients on a variable with a constraint).

final class KerasConstraintsTests: XCTestCase {
    private let w = [[1.0, -2.0, 3.0], [-4.0, 5.0, 0.5]]

    private func project(_ c: Constraint) throws -> [Double] {
        try c.callAsFunction(t32(w.flatMap { $0 }, [2, 3])).doubles
    }

    private func assertClose(_ got: [Double], _ want: [Double], tol: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, file: file, line: line)
        for (g, e) in zip(got, want) { XCTAssertEqual(g, e, accuracy: tol, "\(got) vs \(want)", file: file, line: line) }
    }

    func testProjectionsMatchKeras() throws {
        assertClose(try project(MaxNorm(maxValue: 2)), [0.4850712716579437, -0.7427813410758972, 1.972787857055664,
                                                       -1.940285086631775, 1.8569533824920654, 0.32879796624183655])
        assertClose(try project(MaxNorm(maxValue: 1.5, axis: ConstraintAxis(1))), [0.40089184045791626, -0.8017836809158325, 1.2026755809783936,
                                                                                  -0.9341986775398254, 1.1677483320236206, 0.11677483469247818])
        assertClose(try project(UnitNorm()), [0.24253563582897186, -0.3713906705379486, 0.9863938689231873,
                                             -0.9701425433158875, 0.9284766912460327, 0.16439898312091827])
        assertClose(try project(UnitNorm(axis: ConstraintAxis([0, 1]))), [0.134534552693367, -0.269069105386734, 0.4036036729812622,
                                                                          -0.538138210773468, 0.6726728081703186, 0.0672672763466835])
        assertClose(try project(NonNeg()), [1, 0, 3, 0, 5, 0.5])
        assertClose(try project(MinMaxNorm(minValue: 1, maxValue: 3, rate: 0.5)), [0.8638034462928772, -1.5570859909057617, 2.979590892791748,
                                                                                  -3.455213785171509, 3.8927149772644043, 0.496598482131958])
        assertClose(try project(MinMaxNorm(axis: ConstraintAxis(1))), [0.26726123690605164, -0.5345224738121033, 0.8017836809158325,
                                                                       -0.6227991580963135, 0.7784989476203918, 0.07784989476203918])
    }

    func testRadialConstraintRingsMatchKeras() throws {
        // tf.keras 2 on arange(h·h·2).reshape(h, h, 2, 1): channel 0 of the result.
        for (h, want) in [(2, [[0.0, 0], [0, 0]]), (3, [[8.0, 8, 8], [8, 0, 8], [8, 8, 8]]),
                          (4, [[30.0, 30, 30, 30], [30, 10, 10, 30], [30, 10, 10, 30], [30, 30, 30, 30]]),
                          (5, [[36.0, 36, 36, 36, 36], [36, 24, 24, 24, 36], [36, 24, 12, 24, 36], [36, 24, 24, 24, 36], [36, 36, 36, 36, 36]])] {
            let k = t32((0..<(h * h * 2)).map(Double.init), [h, h, 2, 1])
            let out = try RadialConstraint().callAsFunction(k)
            XCTAssertEqual(out.shape, [h, h, 2, 1])
            let d = out.doubles
            XCTAssertEqual(stride(from: 0, to: d.count, by: 2).map { d[$0] }, want.flatMap { $0 }, "h=\(h)")
            XCTAssertEqual(stride(from: 1, to: d.count, by: 2).map { d[$0] }, want.flatMap { $0 }.map { $0 + 1 }, "h=\(h)")
        }
        assertError(.invalidArgument, containing: ["RadialConstraint", "rank 4"]) { try RadialConstraint().callAsFunction(t32([1, 2], [2])) }
        assertError(.invalidArgument, containing: ["RadialConstraint", "square"]) { try RadialConstraint().callAsFunction(t32([Double](repeating: 0, count: 6), [2, 3, 1, 1])) }
    }

    func testNamesAndConfigs() throws {
        XCTAssertEqual(try constraintConfigJSON(identifierJSON: #""max_norm""#), #"{"class_name":"MaxNorm","config":{"axis":0,"max_value":2.0}}"#)
        for (name, cls) in [("non_neg", "NonNeg"), ("nonneg", "NonNeg"), ("unit_norm", "UnitNorm"), ("min_max_norm", "MinMaxNorm"),
                            ("radial_constraint", "RadialConstraint"), ("MaxNorm", "MaxNorm"), ("maxnorm", "MaxNorm")] {
            XCTAssertEqual(try constraintConfig(try Constraints.named(name))["class_name"], .string(cls))
        }
        let c = try constraintFromConfig(try ConfigValue.parse(json: #"{"class_name": "MinMaxNorm", "config": {"min_value": 0.5, "max_value": 2, "rate": 0.25, "axis": [0, 2]}}"#))
        XCTAssertEqual(try constraintConfig(c), try ConfigValue.parse(json: #"{"class_name": "MinMaxNorm", "config": {"min_value": 0.5, "max_value": 2.0, "rate": 0.25, "axis": [0, 2]}}"#))
        assertError(.invalidArgument, containing: ["constraints.get", "foo"]) { try Constraints.named("foo") }
        assertError(.invalidArgument, containing: ["MaxNorm", "bogus"]) {
            try constraintFromConfig(try ConfigValue.parse(json: #"{"class_name": "MaxNorm", "config": {"bogus": 1}}"#))
        }
        assertError(.invalidArgument, containing: ["custom constraint"]) { try constraintConfig(ClosureConstraint { $0 }) }
        XCTAssertEqual(try constraintConfig(ClosureConstraint(serialized: .object(["class_name": .string("Clip")])) { $0 }),
                       .object(["class_name": .string("Clip")]))
    }

    func testLayerConfigsHoldConstraintKeys() throws {
        let d = try layerFromConfig(className: "Dense", configJSON: #"{"units": 3, "kernel_constraint": "max_norm", "bias_constraint": null}"#)
        let c = try d.getConfig()
        XCTAssertEqual(c["kernel_constraint"], try ConfigValue.parse(json: #"{"class_name": "MaxNorm", "config": {"max_value": 2.0, "axis": 0}}"#))
        XCTAssertEqual(c["bias_constraint"], .null)
        let again = try layerFromConfig(className: "Dense", config: c)
        XCTAssertEqual(try again.getConfig(), c)
        // Every class with Keras constraint arguments writes them (null when unset) and reads them.
        for (cls, json) in [("LSTM", #"{"units": 2}"#), ("Embedding", #"{"input_dim": 4, "output_dim": 2}"#),
                            ("SeparableConv2D", #"{"filters": 2, "kernel_size": 3}"#), ("BatchNormalization", "{}"),
                            ("PReLU", "{}"), ("MultiHeadAttention", #"{"num_heads": 1, "key_dim": 2}"#),
                            ("GroupNormalization", #"{"groups": 1}"#), ("DepthwiseConv2D", #"{"kernel_size": 3}"#)] {
            let l = try layerFromConfig(className: cls, configJSON: json)
            let config = try l.getConfig()
            XCTAssertFalse(l.constraintKeys.isEmpty, cls)
            for key in l.constraintKeys { XCTAssertEqual(config[key], .null, "\(cls) \(key)") }
            var withConstraints = config.objectValue
            for key in l.constraintKeys { withConstraints[key] = .string("non_neg") }
            let built = try layerFromConfig(className: cls, config: .object(withConstraints))
            for key in l.constraintKeys { XCTAssertTrue(built.constraint(forKey: key) is NonNeg, "\(cls) \(key)") }
        }
        assertError(.invalidArgument, containing: ["Flatten", "kernel_constraint"]) {
            try layerFromConfig(className: "Flatten", configJSON: #"{"kernel_constraint": "non_neg"}"#)
        }
        assertError(.invalidArgument, containing: ["Dense", "recurrent_constraint"]) {
            try Dense(units: 2).setConstraint(NonNeg(), forKey: "recurrent_constraint")
        }
    }

    func testWeightsGetTheirLayersConstraints() throws {
        let lstm = try layerFromConfig(className: "LSTM", configJSON: #"{"units": 2, "recurrent_constraint": "unit_norm", "bias_constraint": "non_neg"}"#)
        _ = try lstm(try Tensor.zeros([1, 3, 4]), training: false)
        let byName = Dictionary(uniqueKeysWithValues: lstm.weights.map { ($0.name.split(separator: "/").last.map(String.init) ?? "", $0) })
        XCTAssertNil(byName["kernel"]?.constraint)
        XCTAssertTrue(byName["recurrent_kernel"]?.constraint is UnitNorm)
        XCTAssertTrue(byName["bias"]?.constraint is NonNeg)
        // Set after build: the existing weights get it.
        try lstm.setConstraint(MaxNorm(), forKey: "kernel_constraint")
        XCTAssertTrue(byName["kernel"]?.constraint is MaxNorm)
        let mha = try layerFromConfig(className: "MultiHeadAttention", configJSON: #"{"num_heads": 1, "key_dim": 2, "kernel_constraint": "non_neg", "query_shape": [1, 2, 3], "value_shape": [1, 2, 3]}"#)
        XCTAssertEqual(mha.weights.filter { $0.name.hasSuffix("/kernel") }.count, 4)
        for v in mha.weights { XCTAssertEqual(v.constraint is NonNeg, v.name.hasSuffix("/kernel"), v.name) }
    }

    /// tf.keras 2: Dense(3, kernel_constraint=MaxNorm(0.7), bias_constraint="non_neg"), SGD(0.1),
    /// mse, 2 epochs of one batch: the constraints applied after each update.
    func testFitAppliesConstraintsAfterEachUpdate() throws {
        let x = t32([1, 2, -1, 0.5, 0.3, -2, 2, 1], [4, 2])
        let y = t32([1, 0, 2, 0, 1, -1, 3, 0, 0, 1, 1, 1], [4, 3])
        let dense = try layerFromConfig(className: "Dense", configJSON: #"{"units": 3, "input_shape": [2], "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 0.7}}, "bias_constraint": "non_neg"}"#)
        let m = try Sequential([dense])
        try m.compile(optimizer: SGD(learningRate: .constant(0.1)), loss: Losses.MeanSquaredError())
        try m.setWeights([t32([0.5, -0.3, 0.8, 0.2, 0.9, -0.4], [2, 3]), t32([0.1, -0.2, 0.3], [3])])
        try m.fit(x: x, y: y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false)
        let ws = m.getWeights()
        assertClose(ws[0].doubles, [0.5046069622039795, -0.22734063863754272, 0.6717094779014587,
                                    0.00022415065905079246, 0.5937939286231995, -0.1752612590789795], tol: 1e-5)
        assertClose(ws[1].doubles, [0.204158753156662, 0.025910407304763794, 0.28766968846321106], tol: 1e-5)
    }

    /// tf.keras 2: tf.Variable(..., constraint=UnitNorm(axis=1)) after SGD(0.5).apply_gradients.
    func testApplyGradientsAppliesAVariablesConstraint() throws {
        let v = Variable(t32([1, -2, 3, 0.5], [2, 2]))
        v.constraint = UnitNorm(axis: ConstraintAxis(1))
        let opt = try SGD(learningRate: .constant(0.5))
        try opt.applyGradients([(t32([0.2, 0.4, -1, 1], [2, 2]), v)])
        assertClose(v.value.doubles, [0.3786328136920929, -0.9255469441413879, 1.0, 0.0])
        // A variable without a gradient is not constrained; a failing constraint fails the step.
        let untouched = Variable(t32([-1], [1]))
        untouched.constraint = NonNeg()
        try opt.apply([t32([0, 0, 0, 0], [2, 2]), nil], to: [v, untouched])
        XCTAssertEqual(untouched.value.doubles, [-1])
        v.constraint = ClosureConstraint { _ in t32([1], [1]) }
        assertError(.invalidArgument, containing: ["assign", "shape"]) {
            try opt.applyGradients([(t32([0, 0, 0, 0], [2, 2]), v)])
        }
    }
}
