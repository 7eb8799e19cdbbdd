import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// The index-gather path of `from_tensor_slices → shuffle → batch` (DatasetRowGather.swift): the
// same elements in the same order as the element-by-element path, which `range` (not a slices
// dataset) still takes — the oracle here is that path with the same seed and buffer.

private func batches(_ d: Dataset) throws -> [[[Double]]] {
    let it = try d.makeIterator()
    var out: [[[Double]]] = []
    while let e = try it.next() { out.append(try e.tensors.map { try $0.cast(to: .float64).doubles }) }
    return out
}

final class DatasetGatherTests: XCTestCase {
    /// Rows `i` of x are `[i, 10 i + 0.5]` (float32), of y `i` (int32).
    private func slices(_ n: Int) throws -> Dataset {
        let x = try Tensor((0..<n).flatMap { [Float($0), Float($0) * 10 + 0.5] }, shape: [n, 2])
        let y = try Tensor((0..<n).map { Int32($0) }, shape: [n])
        return try Dataset.tensorSlices([x, y], structure: .flat(2))
    }

    /// The order `range(n).shuffle(buffer, seed)` gives, pass after pass, batched as `batch`.
    private func expected(_ n: Int, buffer: Int, seed: UInt64, batch: Int, drop: Bool, passes: Int,
                          reshuffle: Bool = true) throws -> [[[Double]]] {
        let d = try Dataset.range(start: 0, stop: n).shuffle(bufferSize: buffer, seed: seed, reshuffleEachIteration: reshuffle)
            .batch(batch, dropRemainder: drop)
        var out: [[[Double]]] = []
        for _ in 0..<passes {
            for b in try batches(d) { out.append([b[0].flatMap { [$0, $0 * 10 + 0.5] }, b[0]]) }
        }
        return out
    }

    func testShuffledBatchesMatchTheElementPath() throws {
        for (n, buffer, batch, drop) in [(50, 7, 8, false), (50, 50, 8, true), (33, 1, 5, false), (33, 100, 32, false), (20, 4, 20, true)] {
            let d = try slices(n).shuffle(bufferSize: buffer, seed: 11).batch(batch, dropRemainder: drop)
            XCTAssertNotNil(try slices(n).shuffle(bufferSize: buffer, seed: 11).rows, "shuffle of slices keeps rows")
            XCTAssertEqual(d.cardinality, drop ? n / batch : (n + batch - 1) / batch)
            let got = try batches(d) + batches(d)   // the second pass reshuffles, as the range's does
            XCTAssertEqual(got, try expected(n, buffer: buffer, seed: 11, batch: batch, drop: drop, passes: 2), "n \(n) buffer \(buffer) batch \(batch)")
            let it = try d.makeIterator()
            let first = try XCTUnwrap(try it.next()).tensors
            XCTAssertEqual(first.map(\.dtype), [.float32, .int32])
            XCTAssertEqual(first.map(\.shape), [[batch, 2], [batch]])
        }
        let fixed = try slices(30).shuffle(bufferSize: 9, seed: 3, reshuffleEachIteration: false).batch(4)
        XCTAssertEqual(try batches(fixed) + batches(fixed),
                       try expected(30, buffer: 9, seed: 3, batch: 4, drop: false, passes: 2, reshuffle: false))
    }

    /// Element iteration of a shuffled slices dataset reads the same index stream as its batches.
    func testShuffledElementsMatchTheRangeShuffle() throws {
        let d = try slices(40).shuffle(bufferSize: 6, seed: 5)
        let ys = try batches(d).map { $0[1][0] }
        let want = try batches(try Dataset.range(start: 0, stop: 40).shuffle(bufferSize: 6, seed: 5)).map { $0[0][0] }
        XCTAssertEqual(ys, want)
        let fixed = try slices(40).shuffle(bufferSize: 6, seed: 5, reshuffleEachIteration: false)
        XCTAssertEqual(try batches(fixed).map { $0[1][0] }, want)
        XCTAssertEqual(try batches(fixed.batch(1)).map { $0[1][0] }, want)
        XCTAssertEqual(try batches(fixed).map { $0[0] }, want.map { [$0, $0 * 10 + 0.5] })
    }

    /// Unshuffled slices batch in order with the remainder; dicts, strings and empty rows keep
    /// their structure, dtype and shape.
    func testBatchesOfSlices() throws {
        let d = try slices(7).batch(3)
        XCTAssertEqual(try batches(d).map(\.[1]), [[0, 1, 2], [3, 4, 5], [6]])
        XCTAssertEqual(try batches(d)[2][0], [6, 60.5])
        XCTAssertEqual(try batches(try slices(7).batch(3, dropRemainder: true)).count, 2)
        let s = try Tensor(strings: ["a", "bb", "ccc", "dddd"])
        let k = try Tensor([1.5, 2.5, 3.5, 4.5] as [Double], shape: [4])
        let dict = try ElementStructure.dict([("word", .tensor), ("k", .tensor)])
        let ds = try Dataset.tensorSlices([k, s], structure: dict).shuffle(bufferSize: 4, seed: 2).batch(3)
        let order = try batches(try Dataset.range(start: 0, stop: 4).shuffle(bufferSize: 4, seed: 2).batch(3)).map { $0[0].map(Int.init) }
        let it = try ds.makeIterator()
        for rows in order {
            let e = try XCTUnwrap(try it.next())
            XCTAssertEqual(e.structure, dict)
            XCTAssertEqual(try e.tensors[0].doubles, rows.map { [1.5, 2.5, 3.5, 4.5][$0] })
            XCTAssertEqual(try e.tensors[1].stringScalars(), rows.map { ["a", "bb", "ccc", "dddd"][$0] })
        }
        XCTAssertNil(try it.next())
        let empty = try Tensor([Float](), shape: [3, 0])
        let e0 = try XCTUnwrap(try Dataset.tensorSlices([empty], structure: .tensor).batch(2).makeIterator().next())
        XCTAssertEqual(try e0.tensors[0].shape, [2, 0])
    }
}
