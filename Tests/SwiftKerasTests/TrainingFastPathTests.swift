import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// The shortcuts training takes: transposed-operand products in matmul's pullback, pullbacks
/// that skip cotangents nobody needs, Adam updating variables in place. Each must give exactly
/// what the plain path gives, and must not be taken when it would be observable.
final class TrainingFastPathTests: XCTestCase {
    /// op(a)·op(b) from `product2D` equals matmul of explicitly transposed operands.
    func testProduct2DMatchesExplicitTransposes() throws {
        for dtype in [DType.float32, .float64] {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let (m, k, n) = (5, 7, 3)
                let a = try Random.normal(ta ? [k, m] : [m, k], dtype: dtype, seed: 11)
                let b = try Random.normal(tb ? [n, k] : [k, n], dtype: dtype, seed: 12)
                let got = try Tensor.product2D(a, b, transA: ta, transB: tb)
                let want = try (ta ? a.transposed([1, 0]) : a).matmul(tb ? b.transposed([1, 0]) : b)
                XCTAssertEqual(got.shape, [m, n])
                XCTAssertEqual(got.dtype, dtype)
                for (x, y) in zip(got.doubles, want.doubles) {
                    XCTAssertEqual(x, y, accuracy: 1e-5 * (1 + abs(y)), "\(dtype) transA \(ta) transB \(tb)")
                }
            }
        }
    }

    /// The tape tells each pullback which inputs need a cotangent: only those connected to a
    /// watched source.
    func testPullbackSeesWhichInputsAreNeeded() throws {
        var seen: [(Bool, Bool)] = []
        func probe(_ a: Tensor, _ b: Tensor) throws -> Tensor {
            let out = try a.adding(b)
            record("add", [a, b], out, { g in
                seen.append((PullbackNeeds.input(0), PullbackNeeds.input(1)))
                return [g, g]
            })
            return out
        }
        let a = try Tensor([1.0, 2.0], shape: [2]), b = try Tensor([3.0, 4.0], shape: [2])
        for (watchA, watchB) in [(false, true), (true, false), (true, true)] {
            let tape = GradientTape()
            if watchA { tape.watch(a) }
            if watchB { tape.watch(b) }
            let y = try tape.record { try probe(a, b).sum(alongAxes: nil, keepingDimensions: false) }
            let g = try tape.gradient(y, [.tensor(a), .tensor(b)])
            XCTAssertEqual(g[0] != nil, watchA)
            XCTAssertEqual(g[1] != nil, watchB)
            XCTAssertEqual(seen.last?.0, watchA, "a needed")
            XCTAssertEqual(seen.last?.1, watchB, "b needed")
        }
        // Outside a tape's walk every input counts as needed.
        XCTAssertTrue(PullbackNeeds.input(0) && PullbackNeeds.input(1) && PullbackNeeds.input(70))
    }

    /// A Dense-like product whose input is a constant: the weight gradient is unchanged by
    /// skipping the input's cotangent, and the input's cotangent is still there when watched.
    func testMatmulGradientsWithAndWithoutInputGradient() throws {
        let x = try Random.normal([4, 6], seed: 3), w = try Random.normal([6, 5], seed: 4)
        let t1 = GradientTape(persistent: true)
        t1.watch(w)
        let l1 = try t1.record { try square(x.matmul(w)).sum(alongAxes: nil, keepingDimensions: false) }
        let gw1 = try XCTUnwrap(t1.gradient(l1, w))
        let t2 = GradientTape()
        t2.watch(w); t2.watch(x)
        let l2 = try t2.record { try square(x.matmul(w)).sum(alongAxes: nil, keepingDimensions: false) }
        let g2 = try t2.gradient(l2, [.tensor(w), .tensor(x)])
        XCTAssertEqual(gw1.doubles, try XCTUnwrap(g2[0]).doubles)
        // d/dx sum((xw)²) = 2 (xw) wᵀ
        let want = try (x.matmul(w) * 2).matmul(w.transposed([1, 0]))
        for (a, b) in zip(try XCTUnwrap(g2[1]).doubles, want.doubles) { XCTAssertEqual(a, b, accuracy: 1e-4 * (1 + abs(b))) }
    }

    /// Adam updates a variable in place only when nothing else holds its value: a value read
    /// before the step keeps its contents, and both paths give identical numbers.
    func testAdamInPlaceOnlyWhenUnobservable() throws {
        let start = try Random.normal([300], seed: 5)
        let grads = try (0..<3).map { try Random.normal([300], seed: 20 + UInt64($0)) }
        let free = Variable(try start.cast(to: .float32)), held = Variable(try start.cast(to: .float32))
        let optFree = try Adam(learningRate: 0.01), optHeld = try Adam(learningRate: 0.01)
        var snapshots: [Tensor] = []
        for g in grads {
            let before = held.value
            let copy = before.doubles
            snapshots.append(before)
            try optFree.applyGradients([(g, free)])
            try optHeld.applyGradients([(g, held)])
            XCTAssertEqual(before.doubles, copy, "a value read before the step must not change")
            XCTAssertEqual(free.value.doubles, held.value.doubles, "in-place and copying paths agree")
            XCTAssertNotEqual(held.value.doubles, copy)
        }
        // The in-place path was really taken for the unobserved variable: its value object stays.
        let v0 = free.value
        let id0 = ObjectIdentifier(v0)
        _ = consume v0
        try optFree.applyGradients([(grads[0], free)])
        XCTAssertEqual(ObjectIdentifier(free.value), id0)
    }

    /// select with one scalar branch (relu's pullback) takes a contiguous loop: same values.
    func testSelectWithScalarBranch() throws {
        for dtype in [DType.float32, .float16, .float64, .int32] {
            let x = try Random.normal([37], seed: 9).cast(to: dtype)
            let c = try x.isGreater(than: .float(0))
            let zero = try Tensor.scalar(0, dtype: dtype)
            let a = try select(c, x, zero).doubles, b = try select(c, zero, x).doubles
            let xs = x.doubles
            XCTAssertEqual(a, xs.map { $0 > 0 ? $0 : 0 }, "\(dtype)")
            XCTAssertEqual(b, xs.map { $0 > 0 ? 0 : $0 }, "\(dtype)")
        }
    }

    /// The C square-root kernels are IEEE square roots: bit-identical to Swift's squareRoot()
    /// on ordinary, subnormal and special values, in float32 and float64.
    func testSqrtKernelIsIEEE() throws {
        var vals: [Double] = [0, -0.0, 1, 2, 0.25, 1e-40, Double.leastNormalMagnitude / 4, 3e38, .infinity, -1, -.infinity, .nan]
        var state: UInt64 = 12345
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            vals.append(Double(state >> 11) / Double(1 << 53) * 1e6)
        }
        let x64 = try Tensor(vals, shape: [vals.count])
        let r64 = try sqrt(x64).doubles
        for (v, r) in zip(vals, r64) {
            let want = v.squareRoot()
            XCTAssertTrue(r.bitPattern == want.bitPattern || (r.isNaN && want.isNaN), "float64 sqrt(\(v))")
        }
        let x32 = try x64.cast(to: .float32)
        let r32 = try sqrt(x32)
        XCTAssertEqual(r32.dtype, .float32)
        for (v, r) in zip(x32.doubles, r32.doubles) {
            let want = Float(v).squareRoot()
            XCTAssertTrue(Float(r).bitPattern == want.bitPattern || (r.isNaN && want.isNaN), "float32 sqrt(\(v))")
        }
    }
}

/// A model whose layers are built by its first batch trains on that batch too.
final class FirstBatchBuildTests: XCTestCase {
    func testUnbuiltSequentialTrainsOnItsFirstBatch() throws {
        let x = try Random.normal([4, 3], seed: 1), y = try Random.normal([4, 2], seed: 2)
        let built = try Sequential([try InputLayer(shape: [3]), Dense(units: 2, kernelInitializer: GlorotUniform(seed: 5))])
        let unbuilt = try Sequential([Dense(units: 2, kernelInitializer: GlorotUniform(seed: 5))])
        for m in [built, unbuilt] { try m.compile(optimizer: try SGD(learningRate: 0.1), loss: lossNamed("mse")) }
        _ = try built.trainOnBatch(x: x, y: y)
        _ = try unbuilt.trainOnBatch(x: x, y: y)
        XCTAssertEqual(built.trainableVariables.count, 2)
        XCTAssertEqual(unbuilt.trainableVariables.count, 2)
        for (a, b) in zip(built.trainableVariables, unbuilt.trainableVariables) {
            XCTAssertEqual(a.value.doubles, b.value.doubles, "one SGD step on the first batch in both")
        }
        XCTAssertNotEqual(try Tensor.zeros([2]).doubles, unbuilt.trainableVariables[1].value.doubles, "the bias moved")
    }
}

/// The vectorized float32 logsumexp rows agree with a float64 reference, and rows holding NaN or
/// ±inf keep the scalar path's answers.
final class LogSumExpFastPathTests: XCTestCase {
    func testFloat32RowsMatchFloat64Reference() throws {
        for (rows, len) in [(3, 16), (5, 1000), (2, 4099), (4, 17)] {
            let x64 = try Random.uniform([rows, len], minval: -30, maxval: 30, dtype: .float64, seed: UInt64(len))
            let x32 = try x64.cast(to: .float32)
            let got = try x32.logSumExp(alongAxes: [-1]).doubles
            let xs = try x32.cast(to: .float64).doubles
            for r in 0..<rows {
                let row = xs[(r * len)..<((r + 1) * len)]
                let m = row.max()!
                let want = m + Glibc.log(row.reduce(0) { $0 + Glibc.exp($1 - m) })
                XCTAssertEqual(got[r], want, accuracy: 2e-6 * Swift.max(1, abs(want)), "rows \(rows) len \(len) row \(r)")
            }
        }
    }

    func testNonFiniteRowsKeepScalarSemantics() throws {
        var v = [Float](repeating: 0.5, count: 64)
        v[3] = .nan
        var w = [Float](repeating: 0.5, count: 64)
        w[40] = .infinity
        var z = [Float](repeating: -.infinity, count: 64)
        z[0] = -.infinity
        let t = try Tensor(v + w + z, shape: [3, 64])
        let r = try t.logSumExp(alongAxes: [1]).doubles
        XCTAssertTrue(r[0].isNaN)
        XCTAssertEqual(r[1], .infinity)
        XCTAssertEqual(r[2], -.infinity)
    }
}

/// The vectorized float32 variance rows agree with a float64 two-pass reference, also for data
/// far from zero, and NaN propagates.
final class VarianceFastPathTests: XCTestCase {
    func testFloat32RowsMatchFloat64Reference() throws {
        for (offset, len) in [(0.0, 16), (0.0, 1000), (1e4, 4099), (-3.0, 37)] {
            let x32 = try (Random.normal([3, len], dtype: .float64, seed: UInt64(len)) + offset).cast(to: .float32)
            let got = try x32.variance(alongAxes: [-1]).doubles
            let xs = try x32.cast(to: .float64).doubles
            for r in 0..<3 {
                let row = Array(xs[(r * len)..<((r + 1) * len)])
                let mean = row.reduce(0, +) / Double(len)
                let want = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(len)
                XCTAssertEqual(got[r], want, accuracy: 1e-5 * Swift.max(1, want), "offset \(offset) len \(len) row \(r)")
            }
        }
        var v = [Float](repeating: 1, count: 32)
        v[20] = .nan
        XCTAssertTrue(try Tensor(v, shape: [1, 32]).variance(alongAxes: [1]).doubles[0].isNaN)
    }
}

/// fit(verbose: 1) redraws Keras' live bar through Model.transientOutput between batches.
final class LiveProgressTests: XCTestCase {
    func testLiveBarDrawsBetweenBatchesOnly() throws {
        let savedOut = Model.output, savedLive = Model.transientOutput
        defer { Model.output = savedOut; Model.transientOutput = savedLive }
        var lines: [String] = [], live: [String] = []
        Model.output = { lines.append($0) }
        Model.transientOutput = { live.append($0) }
        let x = try Random.normal([64, 3], seed: 1), y = try Random.normal([64, 1], seed: 2)
        let m = try Sequential([try InputLayer(shape: [3]), Dense(units: 1)])
        try m.compile(optimizer: try SGD(learningRate: 0.01), loss: lossNamed("mse"))
        _ = try m.fit(x: x, y: y, batchSize: 8, epochs: 2, verbose: 1)
        // The first batch of each epoch always draws (later ones at most every 50 ms), never the last.
        XCTAssertGreaterThanOrEqual(live.count, 2)
        XCTAssertTrue(live.allSatisfy { !$0.hasPrefix("8/8") }, "the last batch is left to the final line")
        XCTAssertEqual(live.first.map { $0.hasPrefix("1/8 ") }, true)
        XCTAssertTrue(live.allSatisfy { $0.contains(" - ETA: ") && $0.contains("s - loss: ") })
        XCTAssertEqual(lines.filter { $0.hasPrefix("8/8 ") }.count, 2)
        // verbose 2 (one line per epoch) draws no live bar.
        live.removeAll()
        _ = try m.fit(x: x, y: y, batchSize: 8, epochs: 1, verbose: 2)
        XCTAssertTrue(live.isEmpty)
        // tf.keras 2's live bar: "=" done, ">" at the head, "." to go, then the time left
        XCTAssertEqual(liveProgressLine(done: 3, steps: 12, elapsed: 0.3, logs: ["loss": 0.5, "acc": 0.25]),
                       " 3/12 [======>.......................] - ETA: 0s - loss: 0.5000 - acc: 0.2500")
        XCTAssertEqual(liveProgressLine(done: 1, steps: 100, elapsed: 2, logs: [:]),
                       "  1/100 [..............................] - ETA: 3:18")
    }
}
