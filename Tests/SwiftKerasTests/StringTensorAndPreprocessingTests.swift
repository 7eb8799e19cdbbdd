import XCTest
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
}
