import Dispatch
import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

final class AutodiffTests: XCTestCase {
    func scalar(_ v: Double, _ d: DType = .float32) throws -> Tensor { try Tensor.scalar(v, dtype: d) }

    func testSeedGradient() throws {
        let x = Variable(try scalar(3))
        let tape = GradientTape()
        let y = try tape.record { try square(x.value) }
        let g = try XCTUnwrap(try tape.gradient(y, x))
        XCTAssertEqual(g.dtype, .float32)
        XCTAssertEqual(g.shape, [])
        XCTAssertEqual(g.doubles, [6])
    }

    func testSecondDerivativeOfCube() throws {
        // d²(x³)/dx² at 2 = 12, d(x³)/dx = 12 too.
        let x = try scalar(2, .float64)
        let outer = GradientTape()
        outer.watch(x)
        let (dy, d2y): (Tensor?, Tensor?) = try outer.record {
            let inner = GradientTape()
            inner.watch(x)
            let y = try inner.record { try x.multiplying(x).multiplying(x) }
            let dy = try inner.gradient(y, x)
            return (dy, try outer.gradient(try XCTUnwrap(dy), x))
        }
        XCTAssertEqual(dy?.doubles, [12])
        XCTAssertEqual(d2y?.doubles, [12])
    }

    func testThirdOrder() throws {
        // d³(x⁴)/dx³ = 24x → 48 at 2.
        let x = try scalar(2, .float64)
        let t1 = GradientTape(), t2 = GradientTape(), t3 = GradientTape()
        [t1, t2, t3].forEach { $0.watch(x) }
        let d3: Tensor? = try t1.record {
            let d2: Tensor? = try t2.record {
                let d1: Tensor? = try t3.record {
                    let y = try square(square(x))
                    return try t3.gradient(y, x)
                }
                return try t2.gradient(try XCTUnwrap(d1), x)
            }
            return try t1.gradient(try XCTUnwrap(d2), x)
        }
        XCTAssertEqual(d3?.doubles, [48])
    }

    func testHessianVectorProduct() throws {
        // f(x) = sum(x_i² x_j) over i, j = sum(x²) * sum(x); H v checked against the closed form.
        let x = Tensor([1.0, 2.0, 3.0])
        let v = Tensor([0.5, -1.0, 2.0])
        let outer = GradientTape()
        outer.watch(x)
        let hv: Tensor? = try outer.record {
            let inner = GradientTape()
            inner.watch(x)
            let f = try inner.record { try square(x).sum().multiplying(x.sum()) }
            let g = try XCTUnwrap(try inner.gradient(f, x))
            return try outer.gradient(try g.multiplying(v).sum(), x)
        }
        // ∇f = 2x·S + Q (S = sum x, Q = sum x²); H = 2S·I + 2x·1ᵀ + 2·1·xᵀ.
        let xs = [1.0, 2.0, 3.0], vs = [0.5, -1.0, 2.0]
        let s = xs.reduce(0, +), xv = zip(xs, vs).map(*).reduce(0, +), sv = vs.reduce(0, +)
        let expected = (0..<3).map { i in 2 * s * vs[i] + 2 * xs[i] * sv + 2 * xv }
        XCTAssertEqual(try XCTUnwrap(hv).doubles, expected)
    }

    func testNonPersistentTapeRejectsSecondCall() throws {
        let x = Tensor([1.0, 2.0])
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record { try square(x).sum() }
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [2, 4])
        assertError(.runtime, "GradientTape.gradient can only be called once on non-persistent tapes") {
            try tape.gradient(y, x)
        }
    }

    func testPersistentTapeAllowsManyCalls() throws {
        let x = Tensor([1.0, 2.0])
        let tape = GradientTape(persistent: true)
        tape.watch(x)
        let (y, z) = try tape.record { (try square(x).sum(), try x.multiplying(x).multiplying(x).sum()) }
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [2, 4])
        XCTAssertEqual(try tape.gradient(z, x)?.doubles, [3, 12])
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [2, 4])
    }

    func testUnconnectedAndIntegerSources() throws {
        let x = Tensor([1.0, 2.0]), u = Tensor([5.0]), i = Tensor([Int32(1)])
        let tape = GradientTape(persistent: true)
        [x, u, i].forEach(tape.watch)
        let y = try tape.record { try square(x).sum() }
        let g = try tape.gradient(y, [.tensor(x), .tensor(u), .tensor(i)])
        XCTAssertEqual(g[0]?.doubles, [2, 4])
        XCTAssertNil(g[1])
        XCTAssertNil(g[2])
        let z = try tape.gradient(y, [.tensor(u)], unconnectedGradients: .zero)
        XCTAssertEqual(z[0]?.doubles, [0])
        XCTAssertEqual(z[0]?.shape, [1])
    }

    func testOutputGradientsAndNonScalarTarget() throws {
        let x = Tensor([1.0, 2.0, 3.0])
        let tape = GradientTape(persistent: true)
        tape.watch(x)
        let y = try tape.record { try square(x) }
        // Non-scalar target: the gradient of sum(y).
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [2, 4, 6])
        let w = Tensor([1.0, 0.0, -1.0])
        XCTAssertEqual(try tape.gradient(y, [.tensor(x)], outputGradients: w)[0]?.doubles, [2, 0, -6])
        assertError(.invalidArgument, "gradient: output_gradients of shape (2,) do not match the target's shape (3,)") {
            try tape.gradient(y, [.tensor(x)], outputGradients: Tensor([1.0, 2.0]))
        }
    }

    func testVariablesWatchedAutomaticallyUnlessDisabled() throws {
        let v = Variable(Tensor([1.0, 2.0]), name: "v")
        let frozen = Variable(Tensor([3.0]), name: "frozen", trainable: false)
        let tape = GradientTape()
        let y = try tape.record { try v.value.sum().multiplying(frozen.value.sum()) }
        let g = try tape.gradient(y, [.variable(v), .variable(frozen)])
        XCTAssertEqual(g[0]?.doubles, [3, 3])
        XCTAssertNil(g[1], "non-trainable variables are not watched automatically")

        let manual = GradientTape(watchAccessedVariables: false)
        let y2 = try manual.record { try v.value.sum() }
        XCTAssertNil(try manual.gradient(y2, v))

        let explicit = GradientTape(watchAccessedVariables: false)
        explicit.watch(frozen)
        let y3 = try explicit.record { try square(frozen.value).sum() }
        XCTAssertEqual(try explicit.gradient(y3, frozen)?.doubles, [6])
    }

    func testVariableAssignKeepsIdentityAndChecks() throws {
        let v = Variable(Tensor([1.0, 2.0]), name: "w")
        let tape = GradientTape()
        let y = try tape.record { () -> Tensor in
            let a = try v.value.sum()
            try v.assign(Tensor([10.0, 20.0]))
            return try a.adding(square(v.value).sum())  // reads before and after the assignment
        }
        XCTAssertEqual(try tape.gradient(y, v)?.doubles, [21, 41])
        try v.assignAdd(Tensor([1.0, 1.0]))
        try v.assignSub(Tensor([0.5, 0.5]))
        XCTAssertEqual(v.value.doubles, [10.5, 20.5])
        assertError(.invalidArgument, "assign: cannot assign a value of shape (3,) to variable 'w' of shape (2,)") {
            try v.assign(Tensor([1.0, 2.0, 3.0]))
        }
        assertError(.invalidDType, "assign_add: cannot assign a value of dtype float32 to variable 'w' of dtype float64") {
            try v.assignAdd(Tensor([1, 2] as [Float]))
        }
    }

    func testStopGradientAndPause() throws {
        let x = Tensor([3.0])
        let tape = GradientTape(persistent: true)
        tape.watch(x)
        let y = try tape.record { try x.multiplying(x.stoppingGradient()) }
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [3])
        let z = try tape.record { () -> Tensor in
            let paused = try tape.pausingRecording { try square(x) }
            return try paused.adding(x)
        }
        XCTAssertEqual(try tape.gradient(z, x)?.doubles, [1])
    }

    func testResetForgetsTheRecord() throws {
        let x = Tensor([2.0])
        let tape = GradientTape(persistent: true)
        tape.watch(x)
        let y = try tape.record { try square(x) }
        tape.reset()
        XCTAssertNil(try tape.gradient(y, x))
    }

    func testCustomGradient() throws {
        // Forward x², backward claims 10·g: the tape must use the custom rule.
        let x = Tensor([1.0, 2.0])
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record {
            try customGradient([x], forward: { try square($0[0]) },
                               backward: { g in [try g.multiplying(.float(10))] })
        }
        XCTAssertEqual(try tape.gradient(y, x)?.doubles, [10, 10])
    }

    func testCustomGradientErrorsReachTheCaller() throws {
        let x = Tensor([1.0])
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record {
            try customGradient([x], forward: { $0[0].stoppingGradient() },
                               backward: { _ in throw SwiftKerasError(.runtime, "my backward failed") })
        }
        assertError(.runtime, "my backward failed") { try tape.gradient(y, x) }
    }

    func testJacobianAndBatchJacobian() throws {
        let x = Tensor([1.0, 2.0])
        let tape = GradientTape(persistent: true)
        tape.watch(x)
        let y = try tape.record { try x.multiplying(x).multiplying(Tensor([3.0, 4.0])) }  // y_i = c_i x_i²
        let j = try XCTUnwrap(try tape.jacobian(y, .tensor(x)))
        XCTAssertEqual(j.shape, [2, 2])
        XCTAssertEqual(j.doubles, [6, 0, 0, 16])

        let b = try Tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], shape: [2, 3])
        let t2 = GradientTape(persistent: true)
        t2.watch(b)
        let out = try t2.record { try square(b).sum(alongAxes: [1], keepingDimensions: true) }  // (2, 1)
        let bj = try XCTUnwrap(try t2.batchJacobian(out, b))
        XCTAssertEqual(bj.shape, [2, 1, 3])
        XCTAssertEqual(bj.doubles, [2, 4, 6, 8, 10, 12])
    }

    /// A tape records only ops run on the thread that started it.
    func testTapesArePerThread() throws {
        let x = Tensor([2.0])
        let tape = GradientTape()
        tape.watch(x)
        final class Box: @unchecked Sendable { var value: Tensor? }
        let other = Box()
        let y = try tape.record { () -> Tensor in
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) { other.value = try? square(x) }
            group.wait()
            // Both squares feed y, but the one computed on the other thread was not recorded.
            return try XCTUnwrap(other.value).adding(square(x))
        }
        XCTAssertEqual(y.doubles, [8])
        let g = try tape.gradient(y, [.tensor(x)])
        XCTAssertEqual(g[0]?.doubles, [4], "only the op on the recording thread contributes")
    }

    /// 10 000 training steps of a small MLP: the number of live tensors and buffers stays flat,
    /// so the tape frees what it recorded.
    func testMemoryStaysFlatOverTrainingSteps() throws {
        let x = try Random.normal([16, 8], seed: 1)
        let t = try Random.normal([16, 2], seed: 2)
        let w1 = Variable(try Random.normal([8, 16], stddev: 0.3, seed: 3), name: "w1")
        let b1 = Variable(try Tensor.zeros([16]), name: "b1")
        let w2 = Variable(try Random.normal([16, 2], stddev: 0.3, seed: 4), name: "w2")
        let lr = Tensor(scalar: Float(0.05))
        var firstLoss = 0.0, lastLoss = 0.0
        var liveAfterWarmup = (0, 0)
        for step in 0..<10_000 {
            let tape = GradientTape()
            let loss = try tape.record { () -> Tensor in
                let h = try tanh(x.matmul(w1.value).adding(b1.value))
                return try square(h.matmul(w2.value).subtracting(t)).mean()
            }
            let grads = try tape.gradient(loss, [.variable(w1), .variable(b1), .variable(w2)])
            for (v, g) in zip([w1, b1, w2], grads) { try v.assignSub(try XCTUnwrap(g).multiplying(lr)) }
            if step == 0 { firstLoss = try loss.scalarDouble() }
            if step == 9_999 { lastLoss = try loss.scalarDouble() }
            if step == 100 { liveAfterWarmup = (Tensor.live, Tensor.liveBuffers) }
        }
        XCTAssertLessThan(lastLoss, firstLoss * 0.7, "the MLP trains")
        XCTAssertLessThanOrEqual(Tensor.live, liveAfterWarmup.0 + 4, "live tensors stay flat")
        XCTAssertLessThanOrEqual(Tensor.liveBuffers, liveAfterWarmup.1 + 4, "live buffers stay flat")
    }
}
