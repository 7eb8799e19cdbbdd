import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// keras.preprocessing.text, tf.summary's histogram buckets and keras.utils.Progbar against
// tf.keras 2 / TensorBoard (values printed by the reference venv with TF_USE_LEGACY_KERAS=1) and
// RFC 1321's MD5 test vectors.

final class TextTokenizerSummaryTests: XCTestCase {
    func testMD5Vectors() {
        func hex(_ s: String) -> String {
            MD5.digest(Array(s.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
        XCTAssertEqual(hex(""), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(hex("abc"), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
                       "57edf4a22be3c955ac49da2e2107b67a")
        XCTAssertEqual(try TextPreprocessing.hashingTrickMD5("The quick brown fox", n: 10), [6, 4, 1, 2])
    }

    func testWordSequence() throws {
        XCTAssertEqual(try TextPreprocessing.textToWordSequence("Hello,  World!\tFoo--bar"), ["hello", "world", "foo", "bar"])
        XCTAssertEqual(try TextPreprocessing.textToWordSequence("a..b", filters: ".", split: ".."), ["a", "b"])
        XCTAssertThrowsError(try TextPreprocessing.textToWordSequence("a", split: ""))
    }

    func testTokenizerOrderAndOOV() throws {
        var t = try TextTokenizer(configJSON: #"{"num_words": 6, "oov_token": "<OOV>"}"#)
        try t.fit(.texts(["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog: the end"]))
        XCTAssertEqual(Array(t.wordIndex.keys.prefix(5)), ["<OOV>", "the", "cat", "dog", "sat"])
        XCTAssertEqual(try t.textsToSequences(.texts(["the cat ate the unknown thing"])), [[2, 3, 1, 2, 1, 1]])
        XCTAssertEqual(try t.sequencesToTexts([[2, 3, 1, 9, 5]]), ["the cat <OOV> <OOV> sat"])
        // the oov_token also among the words: dict(zip(...)) keeps its first place, the later index
        var dup = try TextTokenizer(configJSON: #"{"oov_token": "x"}"#)
        try dup.fit(.texts(["y x x"]))
        XCTAssertEqual(dup.wordIndex.items.map { $0.0 }, ["x", "y"])
        XCTAssertEqual(dup.wordIndex["x"], 2)
        let back = try TextTokenizer(configJSON: t.configJSON)
        XCTAssertEqual(back.configJSON, t.configJSON)
    }

    func testHistogramBuckets() throws {
        let rows = try SummaryProto.histogramBuckets(Tensor([0.0, 1, 2, 3, 4]), buckets: 4)
        XCTAssertEqual(rows.map { [$0.0, $0.1, $0.2] }, [[0, 1, 1], [1, 2, 1], [2, 3, 1], [3, 4, 2]])
        XCTAssertEqual(try SummaryProto.histogramBuckets(Tensor([Double]()), buckets: 2).count, 2)
        let nan = try SummaryProto.histogramBuckets(Tensor([0.0, .nan, 1]), buckets: 2)
        XCTAssertEqual(nan.count, 2)
    }

    func testProgbarAveraging() throws {
        let p = try Progbar(target: 4, verbose: 2, statefulMetrics: ["acc"])
        XCTAssertEqual(p.update(1, values: [("loss", 1), ("acc", 0.25)]), "")
        let line = p.update(4, values: [("loss", 4), ("acc", 0.75)])
        // tf.keras 2's verbose-2 line: "4/4 - 0s - loss: 3.2500 - acc: 0.7500 - 0s/epoch - 0s/step"
        XCTAssertTrue(line.hasPrefix("4/4 - ") && line.contains(" - loss: 3.2500 - acc: 0.7500 - ") && line.hasSuffix("/step\n"), line)
        XCTAssertThrowsError(try Progbar(target: 3, width: 0))
    }
}
