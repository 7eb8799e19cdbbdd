import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Conv3D, Conv1DTranspose, Conv3DTranspose, SeparableConv1D; the noise layers (GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D),
// ActivityRegularization, UnitNormalization, GroupNormalization and the 3-D pooling layers:
// values recorded from tf.keras 2.21 (inputs `attentionFill(shape, k)`), identity at inference,
// the training-time noise's structure, configs, gradients.

/// tf.keras 2.21's outputs (flattened) for the cases below.
private enum Reference {
    static let separableCausal: [Double] = [-0.15326017141342163, 0.056750692427158356, 0.2590806186199188, -0.18896540999412537, 0.0246136412024498, 0.2348613440990448, -0.165086567401886, -0.011899098753929138, 0.14289887249469757, -0.21942993998527527, -0.10162410140037537, 0.02993607148528099, -0.39602553844451904, -0.3327324390411377, -0.22440558671951294, -0.41963618993759155, -0.33662188053131104, -0.20804738998413086, -0.3640814423561096, -0.21546457707881927, -0.03768560290336609, -0.20899486541748047, -0.03888164833188057, 0.1364940106868744, -0.15780124068260193, 0.04235512763261795, 0.23677891492843628, -0.18555720150470734, 0.03017950803041458, 0.24183154106140137, -0.1574069708585739, 0.017983265221118927, 0.1909395456314087, -0.25038233399391174, -0.11698950827121735, 0.03223726525902748, -0.35765254497528076, -0.2829377055168152, -0.16992858052253723, -0.41817864775657654, -0.3519192934036255, -0.2380293309688568]
    static let separableSame: [Double] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    static let conv3d: [Double] = [-0.6688631176948547, -0.6271957755088806, -0.48071128129959106, -0.4156269431114197, -0.5250492095947266, -0.42484763264656067, -0.6096699237823486, -0.6115766763687134, -0.7207755446434021, -0.7081434726715088, -0.6439271569252014, -0.6753138899803162, -0.07900875061750412, -0.06145424023270607, -0.25042983889579773, -0.25743842124938965, -0.26752230525016785, -0.27850762009620667, -0.4761734902858734, -0.41079506278038025, -0.21850703656673431, -0.15470275282859802, -0.34224456548690796, -0.20384620130062103, -0.45649802684783936, -0.260049045085907, -0.858521580696106, -0.7823414206504822, -0.7943620085716248, -0.8250117897987366, 0.558548629283905, 0.48401597142219543, 0.5027326941490173, 0.5334556102752686, -0.13453741371631622, 0.023848392069339752]
    static let conv1dTranspose: [Double] = [-0.7649723887443542, -0.858478844165802, -0.6833747029304504, -0.5730499029159546, -0.25762009620666504, 0.012133359909057617, -0.20625072717666626, -0.4258091449737549, -0.6030704379081726, -0.5329835414886475, -0.42241761088371277, -0.27132856845855713, -0.2235395610332489, -0.17299416661262512, -0.2123897820711136, -0.47566211223602295, -0.6096761226654053, -0.6052190065383911, -0.38543200492858887, -0.07310432195663452, 0.09703370928764343, -0.43106842041015625, -0.7214476466178894, -0.8148921728134155, -0.9043241739273071, -0.6153739094734192, -0.18497221171855927, -0.4999951124191284, -0.4653589129447937, -0.3677385747432709, -0.2029190957546234, -0.028373271226882935, -0.019414305686950684, -0.4225276708602905, -0.6992686986923218, -0.7906759977340698, -0.7729642987251282, -0.43377596139907837, -0.04812338948249817, -0.4545072913169861, -0.5547401905059814, -0.5452368855476379, -0.795900285243988, -0.7056834697723389, -0.4267776906490326, -0.5102798938751221, -0.36345967650413513, -0.20695501565933228, -0.6640592813491821, -0.8518861532211304, -0.7745507955551147, -0.5606729388237, -0.2254788726568222, 0.04722696542739868, -0.12699714303016663, -0.3294299244880676, -0.5399779677391052, -0.4999951124191284, -0.4653589129447937, -0.3677385747432709]
    static let conv3dTranspose: [Double] = [-0.3370439410209656, -0.35783711075782776, -0.5673246383666992, -0.6327584385871887, 0.048873186111450195, 0.11718964576721191, -0.5307895541191101, -1.075293779373169, -0.2563677430152893, 0.04007488489151001, -0.29412853717803955, -0.7877109050750732, -1.2713167667388916, -0.5278677940368652, 0.2157360315322876, 0.23366612195968628, -0.6190708875656128, -0.6239333748817444, -0.521943211555481, -0.3263034224510193, -0.7735701203346252, -1.1312681436538696, -0.8186285495758057, -0.08281773328781128, -0.4786025285720825, -0.9085510969161987, -0.9155287146568298, -0.3917103409767151, 0.32194358110427856, 0.018286556005477905, -0.8918167352676392, -1.2974604368209839, -1.0561108589172363, -1.0692811012268066, -0.48096126317977905, 0.15549051761627197, -0.7348746061325073, -0.7850056886672974, -0.5493848323822021, -0.18963557481765747, 0.38033872842788696, -0.29245561361312866, -1.2265621423721313, -1.2844150066375732, 0.3382827043533325, 0.12483108043670654, -0.8134033679962158, -1.3342701196670532, -0.23072344064712524, 0.21752434968948364, -0.16196298599243164, -0.8476223945617676, -0.42362821102142334, -0.13832366466522217, -0.2855220139026642, -0.601658284664154, -1.3793398141860962, -1.0780888795852661, -0.16556531190872192, 0.4447872042655945, -1.0911206007003784, -1.3032822608947754, -0.6540542840957642, 0.2355562448501587]
    static let unit: [Double] = [0.5178959369659424, 0.6030991077423096, 0.6066756844520569, 0.7845069766044617, 0.5616721510887146, 0.2628176212310791]
    static let unit12: [Double] = [0.6429166793823242, 0.49300864338874817, 0.2763742208480835, 0.022333800792694092, -0.23472937941551208, -0.46002301573753357, -0.4572390913963318, -0.5149974226951599, -0.5030533075332642, -0.4230232834815979, -0.2857390344142914, -0.10978133976459503]
    static let group: [Double] = [0.24522092938423157, -0.20850816369056702, -0.471718430519104, -0.5416824817657471, -1.2848111391067505, -1.101500391960144, -0.7212645411491394, -0.3815089464187622, -0.38466086983680725, 0.11079642921686172, 0.3061943054199219, 0.7848523259162903, 0.15246284008026123, 0.19865652918815613, 0.46788978576660156, 0.5691093802452087, -0.19135066866874695, -0.3871266841888428, -0.3078201413154602, -0.3772425353527069, -1.235288381576538, -1.1384656429290771, -0.8049868941307068, -0.5908465385437012]
    static let inst: [Double] = [-0.5001704692840576, 0.05256589502096176, 0.5645453333854675, 0.9851955771446228, 1.2701902389526367, 1.3472782373428345, 1.2411383390426636, 0.992447555065155, 0.5641851425170898, 0.06380841135978699, -0.4144320487976074, -0.820786714553833, -1.334204912185669, -1.4636523723602295, -1.391251564025879, -1.1568565368652344, -0.9917589426040649, -0.4901236891746521, 0.06258327513933182, 0.573216438293457, 0.9979340434074402, 1.2734558582305908, 1.3468596935272217, 1.2377264499664307, 0.9922723174095154, 0.5552449226379395, 0.054588958621025085, -0.42266595363616943, -0.9984474182128906, -1.338577151298523, -1.4640319347381592, -1.3882769346237183]
    static let mp3: [Double] = [0.49675557017326355, 0.48370295763015747, 0.4974844753742218, 0.4819324016571045, 0.44414979219436646, 0.4971315562725067, 0.48282888531684875, 0.49781426787376404, 0.4986649453639984, 0.4781230390071869, 0.4981209635734558, 0.4800723195075989, 0.4791088104248047, 0.49890217185020447, 0.4502435326576233, 0.49840453267097473]
    static let ap3: [Double] = [0.03185964748263359, 0.02125343307852745, -0.020382840186357498, -0.031243164092302322, 0.03808295354247093, 0.03169967234134674, -0.007028933614492416, -0.020613033324480057, 0.0338849239051342, 0.028205277398228645, -0.006254101637750864, -0.01834077388048172, 0.03500157967209816, 0.033820319920778275, 0.006443669553846121, -0.006489703897386789, 0.031551945954561234, 0.03502314165234566, 0.018300801515579224, 0.00620800256729126, 0.023986024782061577, 0.031656861305236816, 0.027770407497882843, 0.018095826730132103, 0.026957686990499496, 0.03557886183261871, 0.031210903078317642, 0.020337730646133423, 0.014937516301870346, 0.027153894305229187, 0.03778194263577461, 0.031045082956552505]
    static let gap3: [Double] = [0.019177354872226715, 0.01440156064927578]
    static let gmp3: [Double] = [0.4986649453639984, 0.49890217185020447]
}

final class KerasNoiseAndNormalizationLayersTests: XCTestCase {
    func testNoiseLayersAreIdentityAtInference() throws {
        let x = try attentionFill([2, 3, 4, 5], 1)
        let layers: [Layer] = [try GaussianNoise(stddev: 0.5), try GaussianDropout(rate: 0.3), try AlphaDropout(rate: 0.2),
                               try SpatialDropout2D(rate: 0.5), try ActivityRegularization(l1: 0.1)]
        for l in layers {
            XCTAssertEqual(try l(x, training: false).doubles, x.doubles, l.className)
            XCTAssertEqual(try l.computeOutputShape([-1, 3, 4, 5]), [-1, 3, 4, 5], l.className)
        }
        XCTAssertNotEqual(try GaussianNoise(stddev: 0.5)(x, training: true).doubles, x.doubles)
        // Rate 0 (and 1 for the Gaussian and alpha dropouts) leave the input unchanged, as tf.keras 2.
        XCTAssertEqual(try AlphaDropout(rate: 0)(x, training: true).doubles, x.doubles)
        XCTAssertEqual(try GaussianDropout(rate: 1)(x, training: true).doubles, x.doubles)
    }

    func testTrainingNoiseHasTFKerasStatistics() throws {
        let x = try Tensor.ones([200, 100])
        let n = try GaussianNoise(stddev: 0.5, seed: 3)(x, training: true).doubles.map { $0 - 1 }
        let mean = n.reduce(0, +) / Double(n.count)
        let std = (n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(std, 0.5, accuracy: 0.02)
        let g = try GaussianDropout(rate: 0.2, seed: 4)(x, training: true).doubles
        let gm = g.reduce(0, +) / Double(g.count)
        XCTAssertEqual(gm, 1, accuracy: 0.02)
        XCTAssertEqual((g.map { ($0 - gm) * ($0 - gm) }.reduce(0, +) / Double(g.count)).squareRoot(), 0.5, accuracy: 0.02)
        // AlphaDropout: kept values a·x + b, dropped ones a·alpha_p + b; mean 0 and variance 1 kept for standard normal inputs.
        let rate = 0.25, alphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
        let a = 1 / ((1 - rate) * (1 + rate * alphaP * alphaP)).squareRoot(), b = -a * alphaP * rate
        let z = try Random.normal([200, 100], seed: 9)
        let y = try AlphaDropout(rate: rate, seed: 5)(z, training: true).doubles
        var dropped = 0
        for (yi, zi) in zip(y, z.doubles) {
            if abs(yi - (a * alphaP + b)) < 1e-5 { dropped += 1 } else { XCTAssertEqual(yi, a * zi + b, accuracy: 1e-5) }
        }
        XCTAssertEqual(Double(dropped) / Double(y.count), rate, accuracy: 0.02)
        let ym = y.reduce(0, +) / Double(y.count)
        XCTAssertEqual(ym, 0, accuracy: 0.03)
        XCTAssertEqual(y.map { ($0 - ym) * ($0 - ym) }.reduce(0, +) / Double(y.count), 1, accuracy: 0.05)
        // The same seed gives the same noise.
        XCTAssertEqual(try GaussianNoise(stddev: 0.5, seed: 3)(x, training: true).doubles.map { $0 - 1 }, n)
    }

    func testSpatialDropoutDropsWholeChannels() throws {
        let cases: [(Layer, [Int])] = [(try SpatialDropout1D(rate: 0.5, seed: 1), [4, 6, 8]),
                                       (try SpatialDropout2D(rate: 0.5, seed: 2), [4, 3, 2, 8]),
                                       (try SpatialDropout3D(rate: 0.5, seed: 3), [4, 2, 2, 2, 8])]
        for (l, shape) in cases {
            let x = try Tensor.ones(shape)
            let y = try l(x, training: true).doubles
            let c = shape[shape.count - 1], per = shape.dropFirst().dropLast().reduce(1, *)
            var zeros = 0
            for bi in 0..<shape[0] {
                for ci in 0..<c {
                    let vals = (0..<per).map { y[(bi * per + $0) * c + ci] }
                    XCTAssertTrue(vals.allSatisfy { $0 == 0 } || vals.allSatisfy { $0 == 2 }, "\(l.className): \(vals)")
                    if vals[0] == 0 { zeros += 1 }
                }
            }
            XCTAssertGreaterThan(zeros, 0, l.className)
            XCTAssertLessThan(zeros, shape[0] * c, l.className)
            assertError(.invalidArgument, containing: ["rank"]) { try l(try Tensor.ones([2, 3]), training: true) }
        }
    }

    func testActivityRegularizationAddsTheBatchMeanPenaltyAsTFKeras() throws {
        let x = try attentionFill([2, 3], 1)
        let l = try ActivityRegularization(l1: 0.1, l2: 0.2)
        XCTAssertEqual(try l(x).doubles, x.doubles)
        // tf.keras 2: layer.losses == [0.21008673310279846] (the penalty over the batch size 2).
        check(try XCTUnwrap(try l.losses.first), [], .float32, [0.21008673310279846], tol: 1e-6, "activity loss")
        let copy = try layerFromConfig(className: "ActivityRegularization", config: try l.getConfig())
        _ = try copy(x)
        XCTAssertEqual(try copy.losses.map(\.doubles), try l.losses.map(\.doubles))
        XCTAssertEqual(try l.getConfig()["activity_regularizer"], nil)
    }

    func testUnitAndGroupNormalizationMatchTFKeras() throws {
        check(try UnitNormalization()(try attentionFill([2, 3], 1)), [2, 3], .float32, Reference.unit, tol: 1e-6, "unit")
        check(try UnitNormalization(axes: [1, 2])(try attentionFill([2, 2, 3], 2)), [2, 2, 3], .float32, Reference.unit12,
              tol: 1e-6, "unit over 2 axes")
        let g = try GroupNormalization(groups: 2, name: "group_normalization")
        let x = try attentionFill([2, 3, 4], 3)
        _ = try g(x)
        XCTAssertEqual(g.weights.map(\.name), ["group_normalization/gamma", "group_normalization/beta"])
        try g.setWeights([try attentionFill([4], 4) + 1.0, try attentionFill([4], 5)])
        check(try g(x), [2, 3, 4], .float32, Reference.group, tol: 1e-5, "group")
        let inst = try GroupNormalization(groups: -1, epsilon: 0.01, center: false)
        check(try inst(try attentionFill([2, 2, 2, 4], 6) * 3.0), [2, 2, 2, 4], .float32, Reference.inst, tol: 1e-5, "instance")
        XCTAssertEqual(try inst.getConfig()["groups"], .int(4))
        assertError(.invalidArgument, containing: ["multiple"]) { try GroupNormalization(groups: 3)(try Tensor.ones([1, 2, 4])) }
        // gamma_constraint is supported (KerasConstraintsTests); an unknown one is refused naming the key.
        XCTAssertTrue(try layerFromConfig(className: "GroupNormalization", configJSON: #"{"gamma_constraint": "non_neg"}"#).constraint(forKey: "gamma_constraint") is NonNeg)
        assertError(.invalidArgument, containing: ["GroupNormalization", "gamma_constraint", "bogus"]) {
            try layerFromConfig(className: "GroupNormalization", configJSON: #"{"gamma_constraint": "bogus"}"#)
        }
    }

    func testPooling3DMatchesTFKeras() throws {
        let x = try attentionFill([1, 4, 4, 4, 2], 7)
        check(try MaxPooling3D()(x), [1, 2, 2, 2, 2], .float32, Reference.mp3, tol: 1e-6, "max 3d")
        let ap = try AveragePooling3D(poolSize: [3, 2, 2], strides: [1, 2, 2], padding: .same)
        check(try ap(x), [1, 4, 2, 2, 2], .float32, Reference.ap3, tol: 1e-6, "avg 3d same")
        XCTAssertEqual(try ap.computeOutputShape([-1, 4, 4, 4, 2]), [-1, 4, 2, 2, 2])
        check(try GlobalAveragePooling3D()(x), [1, 2], .float32, Reference.gap3, tol: 1e-6, "global avg 3d")
        check(try GlobalMaxPooling3D(keepDims: true)(x), [1, 1, 1, 1, 2], .float32, Reference.gmp3, tol: 1e-6, "global max 3d")
        XCTAssertEqual(try MaxPooling3D().getConfig()["pool_size"], .ints([2, 2, 2]))
    }

    func testGradientsMatchCentralDifferences() throws {
        let policy = try DTypePolicy("float64")
        let group = try GroupNormalization(groups: 2, dtype: policy)
        let unit = try UnitNormalization(axes: [1, 2], dtype: policy)
        try runGradCheck(GradCheck(label: "GroupNormalization", shapes: [[2, 3, 4]], secondOrder: false) { try group($0[0]) })
        try runGradCheck(GradCheck(label: "UnitNormalization", shapes: [[2, 2, 3]], secondOrder: false) { try unit($0[0]) })
        try runGradCheck(GradCheck(label: "AveragePooling3D", shapes: [[1, 2, 4, 4, 2]], secondOrder: false) {
            try AveragePooling3D(poolSize: [2, 2, 2], dtype: policy)($0[0])
        })
        // The trained scale and offset.
        let x = try attentionFill([2, 3, 4], 1, dtype: .float64)
        let tape = GradientTape()
        let y = try tape.record { try weightedLoss(try group(x), seed: 3) }
        let grads = try tape.gradient(y, group.trainableWeights.map { .variable($0) })
        XCTAssertEqual(grads.compactMap { $0?.shape }, [[4], [4]])
        // d/dbeta of sum(out · w) is the sum of w over each channel: nonzero.
        XCTAssertTrue(try XCTUnwrap(grads[1]).doubles.allSatisfy { $0 != 0 })
    }

    func testConv3DAndTransposedConvolutionsMatchTFKeras() throws {
        func run(_ l: Layer, _ x: Tensor) throws -> Tensor {
            _ = try l(x)
            try fillAttentionWeights(l)
            return try l(x)
        }
        let c3 = try Conv3D(filters: 2, kernelSize: [2, 2, 2], strides: [1, 2, 1], padding: .same, activation: .tanh)
        check(try run(c3, try attentionFill([1, 3, 4, 3, 2], 1)), [1, 3, 2, 3, 2], .float32, Reference.conv3d, tol: 1e-5, "conv3d")
        XCTAssertEqual(c3.weights.map(\.shape), [[2, 2, 2, 2, 2], [2]])
        let t1 = try Conv1DTranspose(filters: 3, kernelSize: [3], strides: [2])
        try t1.setOutputPadding([1])
        check(try run(t1, try attentionFill([2, 4, 2], 2)), [2, 10, 3], .float32, Reference.conv1dTranspose, tol: 1e-5, "conv1d transpose")
        XCTAssertEqual(t1.weights.map(\.shape), [[3, 3, 2], [3]])
        XCTAssertEqual(try t1.getConfig()["output_padding"], .ints([1]))
        let t3 = try Conv3DTranspose(filters: 2, kernelSize: [2], strides: [2, 1, 2], padding: .same)
        check(try run(t3, try attentionFill([1, 2, 2, 2, 3], 3)), [1, 4, 2, 4, 2], .float32, Reference.conv3dTranspose, tol: 1e-5, "conv3d transpose")
        XCTAssertEqual(t3.weights.map(\.shape), [[2, 2, 2, 2, 3], [2]])
        assertError(.invalidArgument, containing: ["Conv1DTranspose", "output padding"]) { try t1.setOutputPadding([2]) }
        let sc = try SeparableConv1D(filters: 3, kernelSize: 3, padding: .causal, depthMultiplier: 2, dilationRate: 2)
        check(try run(sc, try attentionFill([2, 7, 2], 1)), [2, 7, 3], .float32, Reference.separableCausal, tol: 1e-5, "separable causal")
        XCTAssertEqual(sc.weights.map(\.shape), [[3, 2, 2], [1, 4, 3], [3]])
        XCTAssertEqual(sc.weights.map(\.name).map { $0.split(separator: "/").last.map(String.init) ?? "" },
                       ["depthwise_kernel", "pointwise_kernel", "bias"])
        let ss = try SeparableConv1D(filters: 2, kernelSize: 2, strides: 2, padding: .same, activation: .relu)
        check(try run(ss, try attentionFill([1, 5, 3], 2)), [1, 3, 2], .float32, Reference.separableSame, tol: 1e-5, "separable same")
        XCTAssertEqual(try ss.computeOutputShape([-1, 5, 3]), [-1, 3, 2])
        let policy = try DTypePolicy("float64")
        let gs = try SeparableConv1D(filters: 2, kernelSize: 2, padding: .causal, dtype: policy)
        try runGradCheck(GradCheck(label: "SeparableConv1D", shapes: [[1, 4, 2]], secondOrder: false) { try gs($0[0]) })
        let g1 = try Conv1DTranspose(filters: 2, kernelSize: [3], strides: [2], dtype: policy)
        try runGradCheck(GradCheck(label: "Conv1DTranspose", shapes: [[1, 3, 2]], secondOrder: false) { try g1($0[0]) })
        let g3 = try Conv3D(filters: 2, kernelSize: [2, 2, 2], dtype: policy)
        try runGradCheck(GradCheck(label: "Conv3D", shapes: [[1, 3, 3, 3, 2]], secondOrder: false) { try g3($0[0]) })
    }
}
