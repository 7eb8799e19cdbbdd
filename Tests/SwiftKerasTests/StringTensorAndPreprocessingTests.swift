import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// String tensors (dtype string) and the preprocessing layers; expected values recorded from
// tf.keras 2.21 (TF_USE_LEGACY_KERAS=1) by tools/golden/record_preprocessing.py.

final class StringTensorAndPreprocessingTests: XCTestCase {
    private let corpus = ["The quick brown fox.", "the lazy dog!", "A quick DOG, a quick fox?", "brown  dog\tjumps", "fox"]

    func testStringTensorsHoldBytesAndRenderAsNumpy() throws {
        let t = try Tensor(strings: ["a", "héllo", ""], shape: [3])
        XCTAssertEqual(t.dtype, .string)
        XCTAssertEqual(t.shape, [3])
        XCTAssertEqual(try t.stringScalars(), ["a", "héllo", ""])
        XCTAssertEqual(try t.stringBytes(at: 1), Array("héllo".utf8))
        XCTAssertEqual(t.description, "[b'a' b'h\\xc3\\xa9llo' b'']")
        XCTAssertThrowsError(try t.stringBytes(at: 3))
        XCTAssertThrowsError(try Tensor(strings: ["a"], shape: [2]))
        XCTAssertEqual(DType(name: "string"), .string)
        XCTAssertFalse(DType.allCases.contains(.string), "loops over dtypes stay numeric")
    }

    func testNumericOpsRefuseStringsNamingTheOp() throws {
        let t = try Tensor(strings: ["a", "b"])
        for (op, f) in [("add", { try t.adding(t) }), ("add", { try t.adding(.int(1)) }),
                        ("sum", { try t.sum() }), ("exp", { try exp(t) }), ("matmul", { try t.matmul(t) })] as [(String, () throws -> Tensor)] {
            XCTAssertThrowsError(try f()) { e in
                XCTAssertEqual((e as? SwiftKerasError)?.kind, .invalidDType, op)
                XCTAssertTrue("\(e)".contains(op), "\(e)")
            }
        }
        XCTAssertThrowsError(try t.cast(to: .float32))
        XCTAssertThrowsError(try Tensor.zeros([2], dtype: .string))
        XCTAssertThrowsError(try Tensor.copying(nil, shape: [0], dtype: .string))
    }

    func testDataMovementOpsMoveStrings() throws {
        let t = try Tensor(strings: ["a", "b", "c", "d", "e", "f"], shape: [2, 3])
        XCTAssertEqual(try t.reshaped(to: [3, 2]).stringScalars(), ["a", "b", "c", "d", "e", "f"])
        XCTAssertEqual(try t.transposed().stringScalars(), ["a", "d", "b", "e", "c", "f"])
        XCTAssertEqual(try t.gathered(indices: Tensor([Int32(1)]), axis: 0).stringScalars(), ["d", "e", "f"])
        XCTAssertEqual(try concatenate([t, t], axis: 0).shape, [4, 3])
        XCTAssertEqual(try stack([t, t], axis: 0).stringScalars().suffix(3), ["d", "e", "f"])
        XCTAssertEqual(try t.sliced(start: [nil, 1], stop: [nil, nil], step: [nil, 1]).stringScalars(), ["b", "c", "e", "f"])
        XCTAssertThrowsError(try concatenate([t, try Tensor.zeros([2, 3])], axis: 0))
        let eq = try t.isEqual(to: try Tensor(strings: ["a", "x", "c"], shape: [3]))
        XCTAssertEqual(eq.dtype, .bool)
        XCTAssertEqual(eq.doubles, [1, 0, 1, 0, 0, 0])
    }

    func testStringOps() throws {
        let s = try Tensor(strings: ["  Hello World ", "ABC def"])
        XCTAssertEqual(try s.stringsLower().stringScalars(), ["  hello world ", "abc def"])
        XCTAssertEqual(try s.stringsUpper().stringScalars(), ["  HELLO WORLD ", "ABC DEF"])
        XCTAssertEqual(try s.stringsStrip().stringScalars(), ["Hello World", "ABC def"])
        XCTAssertEqual(try s.stringsLength().scalars(as: Int32.self), [14, 7])
        XCTAssertEqual(try s.stringsSubstr(pos: -3, len: 2).stringScalars(), ["ld", "de"])
        XCTAssertEqual(try s.stringsRegexReplace(pattern: "[^a-z]+", rewrite: "_").stringScalars(), ["_ello_orld_", "_def"])
        XCTAssertEqual(try s.stringsRegexReplace(pattern: "l", rewrite: "L", replaceGlobal: false).stringScalars(), ["  HeLlo World ", "ABC def"])
        XCTAssertThrowsError(try s.stringsRegexReplace(pattern: "a.b", rewrite: ""))
        XCTAssertEqual(try stringsJoin([s, try Tensor(strings: ["!"], shape: [])], separator: "|").stringScalars(),
                       ["  Hello World |!", "ABC def|!"])
        XCTAssertEqual(try Tensor(strings: ["1.5", "-2e3"]).stringsToNumber().doubles, [1.5, -2000])
        XCTAssertEqual(try Tensor(strings: ["12"]).stringsToNumber(dtype: .int32).scalars(as: Int32.self), [12])
        XCTAssertThrowsError(try Tensor(strings: ["1x"]).stringsToNumber())
        XCTAssertThrowsError(try Tensor(strings: ["99999999999"]).stringsToNumber(dtype: .int32))
    }

    func testTextVectorizationVocabularyAndIdsMatchTFKeras() throws {
        let tv = try TextVectorization(outputSequenceLength: 6)
        try tv.adapt(try Tensor(strings: corpus))
        XCTAssertEqual(tv.getVocabulary(), ["", "[UNK]", "quick", "fox", "dog", "the", "brown", "a", "lazy", "jumps"])
        let out = try tv(try Tensor(strings: ["the fox jumps over", "quick quick cat", ""]))
        XCTAssertEqual(out.dtype, .int64)
        XCTAssertEqual(out.shape, [3, 6])
        XCTAssertEqual(try out.scalars(as: Int64.self), [5, 3, 9, 1, 0, 0, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        // The config keeps the adapted vocabulary: the clone gives the same ids.
        let clone = try layerFromConfig(className: "TextVectorization", configJSON: try tv.getConfig().json)
        XCTAssertEqual(try clone(try Tensor(strings: ["the fox jumps over"])).scalars(as: Int64.self), [5, 3, 9, 1, 0, 0])
    }

    func testTextVectorizationTFIDFMatchesTFKeras() throws {
        let tv = try TextVectorization(outputMode: .tfIdf)
        try tv.adapt(try Tensor(strings: corpus), batchSize: 2)
        let out = try tv(try Tensor(strings: ["the fox jumps over"]))
        let want: [Double] = [1.0403295755386353, 0, 0.8109301924705505, 0, 0.9808292388916016, 0, 0, 0, 1.2527629137039185]
        for (a, b) in zip(out.doubles, want) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testLookupsMatchTFKeras() throws {
        let sl = try StringLookup()
        try sl.adapt(try Tensor(strings: ["a", "b", "b", "c", "b", "a"], shape: [2, 3]))
        XCTAssertEqual(sl.getVocabulary(), ["[UNK]", "b", "a", "c"])
        XCTAssertEqual(try sl(try Tensor(strings: ["a", "z", "b", "c"], shape: [2, 2])).scalars(as: Int64.self), [2, 0, 1, 3])
        let masked = try StringLookup(maskToken: "", vocabulary: ["x", "y"])
        XCTAssertEqual(try masked(try Tensor(strings: ["x", "", "q", "y"])).scalars(as: Int64.self), [2, 0, 1, 3])
        let inv = try StringLookup(vocabulary: ["x", "y"], invert: true)
        XCTAssertEqual(try inv(Tensor([Int64(0), 1, 2, 5])).stringScalars(), ["[UNK]", "x", "y", "[UNK]"])
        let il = try IntegerLookup()
        try il.adapt(Tensor([Int64(12), 36, 36, 1138, 12, 12, -5]))
        XCTAssertEqual(il.getVocabulary(), [-1, 12, 36, 1138, -5])
        XCTAssertEqual(try il(Tensor([Int64(12), 1138, 7, 36])).scalars(as: Int64.self), [1, 3, 0, 2])
        XCTAssertThrowsError(try StringLookup(vocabulary: ["x", "x"]))
        XCTAssertThrowsError(try StringLookup(numOOVIndices: 0, vocabulary: ["x"])(try Tensor(strings: ["q"])))
        XCTAssertThrowsError(try StringLookup(vocabulary: ["x"]).adapt(try Tensor(strings: ["q"])))
    }

    func testNormalizationAdaptMatchesTFKeras() throws {
        let x = try Tensor.from(doubles: [1, 2, 3, 4, 8, 0, 7, 5, 1, 2, 2, 2], shape: [4, 3], dtype: .float32)
        let nm = try Normalization()
        try nm.adapt(x, batchSize: 3)
        let w = nm.getWeights()
        for (a, b) in zip(w[0].doubles, [3.5, 4.25, 1.5]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        for (a, b) in zip(w[1].doubles, [5.25, 6.1875, 1.25]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(w[2].doubles, [4])
        let want: [Double] = [-1.0910893678665161, -0.904534101486206, 1.3416407108306885, 0.2182178795337677,
                              1.5075567960739136, -1.3416407108306885]
        let out = try nm(try x.slice(begin: [0, 0], size: [2, 3]))
        for (a, b) in zip(out.doubles, want) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let inv = try Normalization(mean: [1, 2, 3], variance: [4, 1, 0], invert: true)
        // tf.keras: [3, 4, 3.000000238418579] (3 + 3 · max(sqrt(0), epsilon) in float32).
        XCTAssertEqual(try inv(try x.slice(begin: [0, 0], size: [1, 3])).doubles, [3, 4, 3.000000238418579])
        XCTAssertThrowsError(try Normalization(mean: [1]))
    }

    func testCategoryEncodingAndRescaling() throws {
        let ce = try CategoryEncoding(numTokens: 5, outputMode: .count)
        XCTAssertEqual(try ce(Tensor([Int32(0), 1, 1, 4, 4, 4], shape: [2, 3])).doubles, [1, 2, 0, 0, 0, 0, 0, 0, 0, 3])
        XCTAssertEqual(try CategoryEncoding(numTokens: 4, outputMode: .oneHot)(Tensor([Int32(3), 0])).doubles, [0, 0, 0, 1, 1, 0, 0, 0])
        XCTAssertThrowsError(try ce(Tensor([Int32(5)])))
        let r = Rescaling(scale: 1 / 127.5, offset: -1)
        let out = try r(Tensor([UInt8(0), 255]))
        XCTAssertEqual(out.dtype, .float32)
        XCTAssertEqual(out.doubles, [-1, 1])
    }

    func testPreprocessingConfigsRoundTrip() throws {
        let layers: [Layer] = [try Normalization(axis: [1], mean: [0, 1], variance: [1, 4]), Rescaling(scale: 2, offset: 1),
                               try CategoryEncoding(numTokens: 3, outputMode: .oneHot),
                               try StringLookup(maskToken: "", vocabulary: ["a"]), try IntegerLookup(vocabulary: [7]),
                               try TextVectorization(standardize: nil, split: .character, ngrams: .int(2), vocabulary: ["a"])]
        for l in layers {
            let c = try l.getConfig()
            let back = try layerFromConfig(className: l.className, configJSON: c.json)
            XCTAssertEqual(try back.getConfig().json, c.json, l.className)
        }
    }

    func testResizingAndCenterCropMatchTFKeras() throws {
        // x = (arange(140).reshape(2, 5, 7, 2) ** 1.3) % 17, as tools/golden/record_preprocessing.py.
        let vals = (0 ..< 140).map { Double(Float(Glibc.pow(Double(Float($0)), 1.3))).truncatingRemainder(dividingBy: 17) }
        let x = try Tensor.from(doubles: vals, shape: [2, 5, 7, 2], dtype: .float32)
        let r = try Resizing(height: 3, width: 4)(x)
        XCTAssertEqual(r.shape, [2, 3, 4, 2])
        for (a, b) in zip(r.doubles.prefix(8), [3.8563151359558105, 5.681057929992676, 7.601407051086426, 9.317120552062988, 11.539026260375977, 3.643765687942505, 5.829416275024414, 8.79102611541748]) { XCTAssertEqual(a, b, accuracy: 1e-3) }
        let c = try CenterCrop(height: 6, width: 4)(try x.slice(begin: [0, 0, 0, 0], size: [1, 5, 7, 2]).reshaped(to: [5, 7, 2]))
        XCTAssertEqual(c.shape, [6, 4, 2])
        for (a, b) in zip(c.doubles, [6.0628662109375, 8.10328197479248, 8.692710876464844, 10.882185935974121, 12.017333984375, 7.99294376373291, 14.928526878356934, 0.3986358642578125, 8.146068572998047, 10.99578857421875, 11.751333236694336, 6.71530818939209, 11.39254379272461, 4.856125831604004, 7.189297676086426, 6.037969589233398, 6.897492408752441, 10.352152824401855, 11.241052627563477, 10.318387031555176, 10.13720989227295, 9.272666931152344, 3.953911781311035, 7.563564777374268, 6.994174957275391, 10.86286449432373, 7.422122001647949, 11.328780174255371, 6.918298721313477, 10.869706153869629, 5.6506452560424805, 9.638667106628418, 7.035820007324219, 11.233467102050781, 4.329919338226318, 8.558906555175781, 4.307679176330566, 8.573760986328125, 6.976512908935547, 11.273078918457031, 0.925750732421875, 5.376861572265625, 6.503362655639648, 10.981758117675781, 6.854043960571289, 11.364809036254883, 1.86090087890625, 6.3983306884765625]) { XCTAssertEqual(a, b, accuracy: 1e-3) }
        XCTAssertThrowsError(try Resizing(height: 0, width: 2))
    }
}
