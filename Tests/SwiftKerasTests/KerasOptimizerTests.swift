import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Optimizers, learning-rate schedules and LossScaleOptimizer. The oracles are Keras 3's update
// rules (keras/src/optimizers/*.py) written out step by step in plain doubles below.

// MARK: Reference update rules (Keras 3, in doubles)

/// One reference optimizer: the state of one variable and its per-step update.
private protocol RefOptimizer {
    /// The variable after one step with gradient `g`; `t` is the step number starting at 1.
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double]
}

private func zerosLike(_ x: [Double]) -> [Double] { [Double](repeating: 0, count: x.count) }

private struct RefSGD: RefOptimizer {
    var momentum = 0.0, nesterov = false
    var m: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if m.isEmpty { m = zerosLike(x) }
        var out = x
        for i in x.indices {
            if momentum != 0 {
                m[i] = momentum * m[i] - lr * g[i]
                out[i] += nesterov ? momentum * m[i] - lr * g[i] : m[i]
            } else {
                out[i] -= lr * g[i]
            }
        }
        return out
    }
}

private struct RefAdam: RefOptimizer {
    var b1 = 0.9, b2 = 0.999, eps = 1e-7, amsgrad = false, weightDecay: Double? = nil
    var m: [Double] = [], v: [Double] = [], vhat: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if m.isEmpty { m = zerosLike(x); v = zerosLike(x); vhat = zerosLike(x) }
        var out = x
        if let wd = weightDecay { for i in out.indices { out[i] -= out[i] * wd * lr } }
        let alpha = lr * (1 - pow(b2, Double(t))).squareRoot() / (1 - pow(b1, Double(t)))
        for i in x.indices {
            m[i] += (g[i] - m[i]) * (1 - b1)
            v[i] += (g[i] * g[i] - v[i]) * (1 - b2)
            var vv = v[i]
            if amsgrad { vhat[i] = Swift.max(vhat[i], v[i]); vv = vhat[i] }
            out[i] -= m[i] * alpha / (vv.squareRoot() + eps)
        }
        return out
    }
}

private struct RefRMSprop: RefOptimizer {
    var rho = 0.9, momentum = 0.0, eps = 1e-7, centered = false
    var v: [Double] = [], mom: [Double] = [], avg: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if v.isEmpty { v = zerosLike(x); mom = zerosLike(x); avg = zerosLike(x) }
        var out = x
        for i in x.indices {
            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
            var denom = v[i] + eps
            if centered {
                avg[i] = rho * avg[i] + (1 - rho) * g[i]
                denom = v[i] - avg[i] * avg[i] + eps
            }
            let inc = lr * g[i] / denom.squareRoot()
            if momentum > 0 {
                mom[i] = momentum * mom[i] + inc
                out[i] -= mom[i]
            } else {
                out[i] -= inc
            }
        }
        return out
    }
}

private struct RefAdagrad: RefOptimizer {
    var initial = 0.1, eps = 1e-7
    var acc: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if acc.isEmpty { acc = [Double](repeating: initial, count: x.count) }
        var out = x
        for i in x.indices {
            acc[i] += g[i] * g[i]
            out[i] -= lr * g[i] / (acc[i] + eps).squareRoot()
        }
        return out
    }
}

private struct RefAdadelta: RefOptimizer {
    var rho = 0.95, eps = 1e-7
    var ag: [Double] = [], ad: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if ag.isEmpty { ag = zerosLike(x); ad = zerosLike(x) }
        var out = x
        for i in x.indices {
            ag[i] = rho * ag[i] + (1 - rho) * g[i] * g[i]
            let delta = -(ad[i] + eps).squareRoot() * g[i] / (ag[i] + eps).squareRoot()
            ad[i] = rho * ad[i] + (1 - rho) * delta * delta
            out[i] += lr * delta
        }
        return out
    }
}

private struct RefAdamax: RefOptimizer {
    var b1 = 0.9, b2 = 0.999, eps = 1e-7
    var m: [Double] = [], u: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if m.isEmpty { m = zerosLike(x); u = zerosLike(x) }
        var out = x
        let b1p = pow(b1, Double(t))
        for i in x.indices {
            m[i] += (g[i] - m[i]) * (1 - b1)
            u[i] = Swift.max(b2 * u[i], Swift.abs(g[i]))
            out[i] -= lr * m[i] / ((1 - b1p) * (u[i] + eps))
        }
        return out
    }
}

private struct RefNadam: RefOptimizer {
    var b1 = 0.9, b2 = 0.999, eps = 1e-7
    var m: [Double] = [], v: [Double] = [], uProduct = 1.0
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if m.isEmpty { m = zerosLike(x); v = zerosLike(x) }
        let uT = b1 * (1 - 0.5 * pow(0.96, Double(t)))
        let uT1 = b1 * (1 - 0.5 * pow(0.96, Double(t + 1)))
        uProduct *= uT                       // Keras updates _u_product before the variables
        let uProductT1 = uProduct * uT1
        let b2p = pow(b2, Double(t))
        var out = x
        for i in x.indices {
            m[i] += (g[i] - m[i]) * (1 - b1)
            v[i] += (g[i] * g[i] - v[i]) * (1 - b2)
            let mHat = uT1 * m[i] / (1 - uProductT1) + (1 - uT) * g[i] / (1 - uProduct)
            let vHat = v[i] / (1 - b2p)
            out[i] -= mHat * lr / (vHat.squareRoot() + eps)
        }
        return out
    }
}

private struct RefLion: RefOptimizer {
    var b1 = 0.9, b2 = 0.99
    var m: [Double] = []
    mutating func step(_ x: [Double], _ g: [Double], lr: Double, t: Int) -> [Double] {
        if m.isEmpty { m = zerosLike(x) }
        var out = x
        for i in x.indices {
            let c = m[i] * b1 + g[i] * (1 - b1)
            let s: Double = c > 0 ? 1 : (c < 0 ? -1 : 0)
            out[i] -= lr * s
            m[i] = m[i] * b2 + g[i] * (1 - b2)
        }
        return out
    }
}

// MARK: Tests

final class KerasOptimizerTests: XCTestCase {
    let x0: [Double] = [0.5, -1.25, 2.0, 0.0, 3.5, -0.75]
    let shape = [2, 3]

    /// Six steps of gradients with signs changing, an exact zero and a larger spike.
    var gradients: [[Double]] {
        (0..<6).map { k in
            (0..<6).map { i in
                if k == 2 && i == 1 { return 0 }
                if k == 4 && i == 0 { return 7.5 }
                return Glibc.sin(1.3 * Double(k) + 0.7 * Double(i)) * Double(i + 1) * 0.8
            }
        }
    }

    /// Runs `opt` over `gradients` on a fresh variable; returns the values after each step.
    func run(_ opt: Optimizer, dtype: DType, grads: [[Double]]? = nil) throws -> [[Double]] {
        let w = Variable(try tensor(x0, shape, dtype), name: "dense/kernel")
        var out: [[Double]] = []
        for g in grads ?? gradients {
            try opt.applyGradients([(tensor(g, shape, dtype), w)])
            XCTAssertEqual(w.dtype, dtype)
            XCTAssertEqual(w.shape, shape)
            out.append(w.value.doubles)
        }
        return out
    }

    private func reference<R: RefOptimizer>(_ r: R, lr: (Int) -> Double, grads: [[Double]]? = nil) -> [[Double]] {
        var r = r
        var x = x0
        var out: [[Double]] = []
        for (k, g) in (grads ?? gradients).enumerated() {
            x = r.step(x, g, lr: lr(k), t: k + 1)
            out.append(x)
        }
        return out
    }

    /// float64 must match the formula to rounding; float32 to float32 rounding.
    private func check<R: RefOptimizer>(_ make: () throws -> Optimizer, _ ref: R, lr: Double,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let want = reference(ref, lr: { _ in lr })
        for (dtype, rel, abs) in [(DType.float64, 1e-12, 1e-13), (.float32, 2e-5, 2e-6)] {
            let opt = try make()
            let got = try run(opt, dtype: dtype)
            for k in want.indices {
                assertClose(got[k], want[k], .absRel(abs: abs, rel: rel), "\(opt.name) \(dtype) step \(k + 1)", file: file, line: line)
            }
            XCTAssertEqual(opt.iterations, want.count, file: file, line: line)
        }
    }

    // MARK: Update rules step by step

    func testSGDPlain() throws {
        try check({ try SGD(learningRate: 0.1) }, RefSGD(), lr: 0.1)
    }

    func testSGDMomentum() throws {
        try check({ try SGD(learningRate: 0.05, momentum: 0.9) }, RefSGD(momentum: 0.9), lr: 0.05)
    }

    func testSGDNesterov() throws {
        try check({ try SGD(learningRate: 0.05, momentum: 0.8, nesterov: true) },
                  RefSGD(momentum: 0.8, nesterov: true), lr: 0.05)
    }

    func testAdam() throws {
        try check({ try Adam(learningRate: 0.01) }, RefAdam(), lr: 0.01)
    }

    func testAdamCustomBetasAndAMSGrad() throws {
        try check({ try Adam(learningRate: 0.02, beta1: 0.8, beta2: 0.95, epsilon: 1e-4, amsgrad: true) },
                  RefAdam(b1: 0.8, b2: 0.95, eps: 1e-4, amsgrad: true), lr: 0.02)
    }

    func testAdamW() throws {
        try check({ try AdamW(learningRate: 0.01) }, RefAdam(weightDecay: 0.004), lr: 0.01)
        try check({ try AdamW(learningRate: 0.03, weightDecay: 0.1, amsgrad: true) },
                  RefAdam(amsgrad: true, weightDecay: 0.1), lr: 0.03)
    }

    func testRMSprop() throws {
        try check({ try RMSprop(learningRate: 0.01) }, RefRMSprop(), lr: 0.01)
    }

    func testRMSpropMomentumCentered() throws {
        try check({ try RMSprop(learningRate: 0.01, momentum: 0.5) }, RefRMSprop(momentum: 0.5), lr: 0.01)
        try check({ try RMSprop(learningRate: 0.01, centered: true) }, RefRMSprop(centered: true), lr: 0.01)
        try check({ try RMSprop(learningRate: 0.01, rho: 0.8, momentum: 0.7, epsilon: 1e-3, centered: true) },
                  RefRMSprop(rho: 0.8, momentum: 0.7, eps: 1e-3, centered: true), lr: 0.01)
    }

    func testAdagrad() throws {
        try check({ try Adagrad(learningRate: 0.1) }, RefAdagrad(), lr: 0.1)
        try check({ try Adagrad(learningRate: 0.1, initialAccumulatorValue: 0, epsilon: 1e-3) },
                  RefAdagrad(initial: 0, eps: 1e-3), lr: 0.1)
    }

    func testAdadelta() throws {
        try check({ try Adadelta(learningRate: 1.0) }, RefAdadelta(), lr: 1.0)
        try check({ try Adadelta(learningRate: 0.5, rho: 0.9, epsilon: 1e-4) }, RefAdadelta(rho: 0.9, eps: 1e-4), lr: 0.5)
    }

    func testAdamax() throws {
        try check({ try Adamax(learningRate: 0.01) }, RefAdamax(), lr: 0.01)
    }

    func testNadam() throws {
        try check({ try Nadam(learningRate: 0.01) }, RefNadam(), lr: 0.01)
        try check({ try Nadam(learningRate: 0.05, beta1: 0.7, beta2: 0.9) }, RefNadam(b1: 0.7, b2: 0.9), lr: 0.05)
    }

    func testLion() throws {
        try check({ try Lion(learningRate: 0.01) }, RefLion(), lr: 0.01)
        try check({ try Lion(learningRate: 0.01, beta1: 0.5, beta2: 0.9) }, RefLion(b1: 0.5, b2: 0.9), lr: 0.01)
    }

    func testKerasDefaults() throws {
        XCTAssertEqual(try SGD().currentLearningRate(), 0.01)
        XCTAssertEqual(try SGD().momentum, 0)
        XCTAssertEqual(try SGD().nesterov, false)
        let adam = try Adam()
        XCTAssertEqual([try adam.currentLearningRate(), adam.beta1, adam.beta2, adam.epsilon], [0.001, 0.9, 0.999, 1e-7])
        XCTAssertFalse(adam.amsgrad)
        XCTAssertNil(adam.weightDecay)
        XCTAssertEqual(try AdamW().weightDecay, 0.004)
        let rms = try RMSprop()
        XCTAssertEqual([try rms.currentLearningRate(), rms.rho, rms.momentum, rms.epsilon], [0.001, 0.9, 0, 1e-7])
        XCTAssertFalse(rms.centered)
        let ag = try Adagrad()
        XCTAssertEqual([try ag.currentLearningRate(), ag.initialAccumulatorValue, ag.epsilon], [0.001, 0.1, 1e-7])
        let ad = try Adadelta()
        XCTAssertEqual([try ad.currentLearningRate(), ad.rho, ad.epsilon], [0.001, 0.95, 1e-7])
        let am = try Adamax()
        XCTAssertEqual([try am.currentLearningRate(), am.beta1, am.beta2, am.epsilon], [0.001, 0.9, 0.999, 1e-7])
        let na = try Nadam()
        XCTAssertEqual([try na.currentLearningRate(), na.beta1, na.beta2, na.epsilon], [0.001, 0.9, 0.999, 1e-7])
        let li = try Lion()
        XCTAssertEqual([try li.currentLearningRate(), li.beta1, li.beta2], [0.001, 0.9, 0.99])
        // Default Keras runs, checked with the defaults' own formulas.
        try check({ try Adam() }, RefAdam(), lr: 0.001)
        try check({ try Adadelta() }, RefAdadelta(), lr: 0.001)
        try check({ try Adagrad() }, RefAdagrad(), lr: 0.001)
    }

    func testStateSlotsAndDTypes() throws {
        let opt = try Adam(amsgrad: true)
        let w = Variable(try tensor([1, 2], [2], .float16), name: "layer/w")
        XCTAssertFalse(opt.isBuilt(for: w))
        XCTAssertTrue(opt.stateVariables.isEmpty)
        try opt.applyGradients([(tensor([0.5, -0.5], [2], .float16), w)])
        XCTAssertTrue(opt.isBuilt(for: w))
        XCTAssertEqual(opt.stateVariables.count, 3)
        let m = try XCTUnwrap(opt.slot("momentum", for: w))
        XCTAssertEqual(m.dtype, .float16)          // Keras: optimizer variables take the variable's dtype
        XCTAssertEqual(m.shape, [2])
        XCTAssertEqual(m.name, "adam/layer_w_momentum")
        XCTAssertFalse(m.trainable)
        assertClose(m.value.doubles, [0.05, -0.05], .absRel(abs: 0, rel: 1e-3))
        XCTAssertEqual(w.dtype, .float16)
        // Adam's first step moves each element by about lr.
        assertClose(w.value.doubles, [1 - 0.001, 2 + 0.001], .absRel(abs: 0, rel: 1e-3))
        // A float32 gradient for a float16 variable is cast to the variable's dtype.
        try opt.applyGradients([(tensor([0.5, -0.5], [2], .float32), w)])
        XCTAssertEqual(w.dtype, .float16)
        XCTAssertEqual(opt.iterations, 2)
        // Eager build creates state once.
        let v = Variable(try tensor([1, 2, 3], [3]))
        try opt.build([v, v, w])
        XCTAssertEqual(opt.stateVariables.count, 6)
        XCTAssertEqual(try XCTUnwrap(opt.slot("velocity", for: v)).value.doubles, [0, 0, 0])
        XCTAssertNil(opt.slot("nonexistent", for: v))
        // bfloat16 variables keep their dtype and bfloat16 state too.
        let b = Variable(try tensor([1, -1], [2], .bfloat16))
        let sgd = try SGD(learningRate: 0.5, momentum: 0.5)
        try sgd.applyGradients([(tensor([1, 1], [2], .bfloat16), b)])
        try sgd.applyGradients([(tensor([1, 1], [2], .bfloat16), b)])
        XCTAssertEqual(b.dtype, .bfloat16)
        XCTAssertEqual(try XCTUnwrap(sgd.slot("momentum", for: b)).dtype, .bfloat16)
        XCTAssertEqual(b.value.doubles, [1 - 0.5 - 0.75, -1 - 0.5 - 0.75])   // exact in bfloat16
    }

    func testUpdatesHappenOutsideTheTape() throws {
        // Applying gradients while a tape records: the update step runs with the tape paused.
        final class Probe: Optimizer {
            var pausedDuringUpdate: [Int] = []
            let tape: GradientTape
            init(_ tape: GradientTape) throws {
                self.tape = tape
                try super.init(learningRate: 0.5, name: "probe")
            }
            override func updateStep(gradient: Tensor, variable: Variable, learningRate: Double) throws {
                pausedDuringUpdate.append(tape.paused)
                try variable.assign(try variable.value(recording: false) - gradient * learningRate)
            }
        }
        let w = Variable(try tensor([1, 2], [2]))
        let tape = GradientTape()
        let probe = try Probe(tape)
        let loss = try tape.record { () throws -> Tensor in
            let l = try square(w.value).sum()
            try probe.applyGradients([(tensor([2, 4], [2]), w)])
            XCTAssertEqual(tape.paused, 0)
            return l
        }
        XCTAssertEqual(probe.pausedDuringUpdate, [1])
        let g = try XCTUnwrap(try tape.gradient(loss, w))
        XCTAssertEqual(g.doubles, [2, 4])          // d(sum w²)/dw at the value read before the update
        XCTAssertEqual(w.value.doubles, [0, 0])
    }

    func testMinimize() throws {
        let w = Variable(try tensor([3, -1], [2]))
        let opt = try SGD(learningRate: 0.25)
        let l = try opt.minimize({ try square(w.value).sum() }, variables: [w])
        XCTAssertEqual(l.doubles, [10])
        XCTAssertEqual(w.value.doubles, [3 - 0.25 * 6, -1 + 0.25 * 2])
    }

    // MARK: Nil gradients

    func testNilGradientsAreSkipped() throws {
        let a = Variable(try tensor([1, 1], [2]), name: "a")
        let b = Variable(try tensor([2, 2], [2]), name: "b")
        let opt = try SGD(learningRate: 0.5, momentum: 0.9)
        XCTAssertEqual(try opt.applyGradients([(nil, a), (tensor([1, -1], [2]), b)]), 1)
        XCTAssertEqual(a.value.doubles, [1, 1])
        XCTAssertEqual(b.value.doubles, [1.5, 2.5])
        XCTAssertFalse(opt.isBuilt(for: a))      // no state for a variable that never had a gradient
        XCTAssertTrue(opt.isBuilt(for: b))
        XCTAssertEqual(opt.iterations, 1)
        // All nil: an error, nothing changes.
        assertError(.invalidArgument, "apply_gradients: no gradients provided for any variable (variables 'a', 'b')") {
            try opt.applyGradients([(nil, a), (nil, b)] as [(Tensor?, Variable)])
        }
        XCTAssertEqual(opt.iterations, 1)
        // An empty list is a no-op.
        XCTAssertEqual(try opt.applyGradients([] as [(Tensor?, Variable)]), 1)
        // The tape's output fits `apply` directly.
        let tape = GradientTape()
        let y = try tape.record { try square(b.value).sum() }
        let grads = try tape.gradient(y, [.variable(a), .variable(b)])
        XCTAssertNil(grads[0])
        try opt.apply(grads, to: [a, b])
        XCTAssertEqual(opt.iterations, 2)
        XCTAssertEqual(a.value.doubles, [1, 1])
    }

    // MARK: Learning rates and schedules

    func testConstantLearningRateIsSettable() throws {
        let w = Variable(try tensor([1], [1]))
        let opt = try SGD(learningRate: 0.5)
        try opt.applyGradients([(tensor([1], [1]), w)])
        try opt.setLearningRate(0.25)
        XCTAssertEqual(try opt.currentLearningRate(), 0.25)
        try opt.applyGradients([(tensor([1], [1]), w)])
        XCTAssertEqual(w.value.doubles, [1 - 0.5 - 0.25])
        // A negative learning rate is accepted, as Keras (gradient ascent).
        let up = try SGD(learningRate: -0.5)
        let u = Variable(try tensor([1], [1]))
        try up.applyGradients([(tensor([1], [1]), u)])
        XCTAssertEqual(u.value.doubles, [1.5])
    }

    func testScheduleIsEvaluatedAtIterations() throws {
        // Steps 0 and 1 use 0.1 (step <= 1), later steps 0.01; the first step sees step 0.
        let sched = try PiecewiseConstantDecay(boundaries: [1], values: [0.1, 0.01])
        let opt = try SGD(learningRate: .schedule(sched))
        let w = Variable(try tensor([0], [1], .float64))
        var want = 0.0
        for k in 0..<4 {
            XCTAssertEqual(try opt.currentLearningRate(), k <= 1 ? 0.1 : 0.01)
            try opt.applyGradients([(tensor([1], [1], .float64), w)])
            want -= k <= 1 ? 0.1 : 0.01
            XCTAssertEqual(w.value.doubles[0], want, accuracy: 1e-15)
        }
        assertError(.invalidDType, "SGD: this optimizer was created with a LearningRateSchedule as its learning rate, hence its learning rate is not settable; create the optimizer with a float learning rate instead") {
            try opt.setLearningRate(0.5)
        }
        // A new schedule may replace it; a closure schedule works the same way.
        try opt.setLearningRate(.schedule(LambdaSchedule { step in 1.0 / Double(step + 1) }))
        XCTAssertEqual(try opt.currentLearningRate(), 0.2)
        // Adam's bias correction uses the same step count: check against the reference with a
        // per-step learning rate.
        let decay = try ExponentialDecay(initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.5)
        let adam = try Adam(learningRate: .schedule(decay))
        let got = try run(adam, dtype: .float64)
        let want2 = reference(RefAdam(), lr: { 0.05 * pow(0.5, Double($0) / 2) })
        for k in want2.indices { assertClose(got[k], want2[k], .absRel(abs: 1e-13, rel: 1e-12), "step \(k + 1)") }
    }

    func testExponentialDecay() throws {
        let s = try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5)
        assertClose(try [0, 5, 10, 15, 30].map { try s($0) }, [0.1, 0.1 * 0.5.squareRoot(), 0.05, 0.1 * pow(0.5, 1.5), 0.0125], .absRel(abs: 0, rel: 1e-14))
        let st = try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true)
        assertClose(try [0, 9, 10, 19, 20, 35].map { try st($0) }, [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], .absRel(abs: 0, rel: 1e-14))
        XCTAssertEqual(s.name, "ExponentialDecay")
    }

    func testPiecewiseConstantDecay() throws {
        let s = try PiecewiseConstantDecay(boundaries: [10, 20], values: [1, 0.5, 0.1])
        XCTAssertEqual(try [0, 10, 11, 20, 21, 1000].map { try s($0) }, [1, 1, 0.5, 0.5, 0.1, 0.1])
        let one = try PiecewiseConstantDecay(boundaries: [], values: [0.3])
        XCTAssertEqual(try one(7), 0.3)
        XCTAssertEqual(s.name, "PiecewiseConstant")
    }

    func testCosineDecay() throws {
        let s = try CosineDecay(initialLearningRate: 1.0, decaySteps: 10, alpha: 0.1)
        // 0.9 * 0.5 * (1 + cos(pi * step / 10)) + 0.1, the step capped at 10.
        let want = [0, 2.5, 5, 10, 20].map { (s: Double) -> Double in
            0.9 * 0.5 * (1 + cos(Double.pi * Swift.min(s, 10) / 10)) + 0.1
        }
        XCTAssertEqual(want[2], 0.55, accuracy: 1e-15)
        assertClose(try [0, 2, 5, 10, 20].map { try s($0) }, [1, 0.9 * 0.5 * (1 + cos(Double.pi * 0.2)) + 0.1, 0.55, 0.1, 0.1], .absRel(abs: 0, rel: 1e-14))
        // Linear warmup from 0 to 1 over 4 steps, then cosine decay from 1 over 10 steps.
        let w = try CosineDecay(initialLearningRate: 0, decaySteps: 10, warmupTarget: 1.0, warmupSteps: 4)
        assertClose(try [0, 2, 3, 4, 9, 14, 100].map { try w($0) }, [0, 0.5, 0.75, 1, 0.5, 0, 0], .absRel(abs: 1e-15, rel: 1e-14))
    }

    func testInverseTimeDecay() throws {
        let s = try InverseTimeDecay(initialLearningRate: 1, decaySteps: 2, decayRate: 0.5)
        assertClose(try [0, 3, 4, 10].map { try s($0) }, [1, 1 / 1.75, 0.5, 1 / 3.5], .absRel(abs: 0, rel: 1e-14))
        let st = try InverseTimeDecay(initialLearningRate: 1, decaySteps: 2, decayRate: 0.5, staircase: true)
        assertClose(try [0, 1, 3, 4, 5].map { try st($0) }, [1, 1, 1 / 1.5, 0.5, 0.5], .absRel(abs: 0, rel: 1e-14))
    }

    func testPolynomialDecay() throws {
        let s = try PolynomialDecay(initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, power: 2)
        assertClose(try [0, 5, 10, 20].map { try s($0) }, [1, 0.25, 0, 0], .absRel(abs: 0, rel: 1e-14))
        let lin = try PolynomialDecay(initialLearningRate: 0.1, decaySteps: 4)   // end 0.0001, power 1
        assertClose(try [0, 1, 4, 9].map { try lin($0) }, [0.1, 0.0999 * 0.75 + 0.0001, 0.0001, 0.0001], .absRel(abs: 0, rel: 1e-14))
        // cycle: the decay length becomes the first multiple of decaySteps >= step (1 at step 0).
        let c = try PolynomialDecay(initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, power: 2, cycle: true)
        assertClose(try [0, 5, 10, 15, 20, 25].map { try c($0) }, [1, 0.25, 0, 0.0625, 0, pow(5.0 / 30, 2)], .absRel(abs: 1e-16, rel: 1e-14))
    }

    // MARK: Clipping and weight decay

    func testClipnormPerGradient() throws {
        let a = Variable(try tensor([0, 0], [2])), b = Variable(try tensor([0, 0], [2])), z = Variable(try tensor([0], [1]))
        let opt = try SGD(learningRate: 1, clipnorm: 1)
        try opt.applyGradients([(tensor([3, 4], [2]), a), (tensor([0.3, 0.4], [2]), b), (tensor([0], [1]), z)])
        assertClose(a.value.doubles, [-0.6, -0.8], .absRel(abs: 0, rel: 1e-6))    // norm 5 → scaled to 1
        assertClose(b.value.doubles, [-0.3, -0.4], .absRel(abs: 0, rel: 1e-6))    // norm 0.5 < 1: unchanged
        XCTAssertEqual(z.value.doubles, [0])                     // a zero gradient stays zero (no NaN)
    }

    func testGlobalClipnorm() throws {
        let a = Variable(try tensor([0, 0], [2])), b = Variable(try tensor([0], [1], .float64))
        let opt = try SGD(learningRate: 1, globalClipnorm: 1)
        try opt.applyGradients([(tensor([3, 4], [2]), a), (tensor([12], [1], .float64), b)])
        assertClose(a.value.doubles, [-3.0 / 13, -4.0 / 13], .absRel(abs: 0, rel: 1e-6))   // global norm 13
        assertClose(b.value.doubles, [-12.0 / 13], .absRel(abs: 0, rel: 1e-12))
        // Below the threshold nothing changes.
        let c = Variable(try tensor([0, 0], [2]))
        try opt.applyGradients([(tensor([0.3, 0.4], [2]), c)])
        assertClose(c.value.doubles, [-0.3, -0.4], .absRel(abs: 0, rel: 1e-6))
        // A non-finite global norm turns every gradient into NaN (Keras).
        let d = Variable(try tensor([0, 0], [2]))
        try opt.applyGradients([(tensor([.infinity, 1], [2]), d)])
        XCTAssertTrue(d.value.doubles.allSatisfy(\.isNaN))
    }

    func testClipvalue() throws {
        let a = Variable(try tensor([0, 0, 0, 0], [4]))
        let opt = try SGD(learningRate: 1, clipvalue: 0.5)
        try opt.applyGradients([(tensor([-2, 0.3, 1, -0.5], [4]), a)])
        assertClose(a.value.doubles, [0.5, -0.3, -0.5, 0.5], .absRel(abs: 0, rel: 1e-6))
    }

    func testNonPositiveClipIsIgnoredAsKeras() throws {
        let a = Variable(try tensor([0], [1]))
        let opt = try SGD(learningRate: 1, clipnorm: 0)
        try opt.applyGradients([(tensor([3], [1]), a)])
        XCTAssertEqual(a.value.doubles, [-3])
    }

    func testWeightDecayAndExclusion() throws {
        let w = Variable(try tensor([2], [1], .float64), name: "dense/kernel")
        let bias = Variable(try tensor([2], [1], .float64), name: "dense/bias")
        let opt = try SGD(learningRate: 0.5, weightDecay: 0.1)
        opt.excludeFromWeightDecay(names: ["bias"])
        try opt.applyGradients([(tensor([1], [1], .float64), w), (tensor([1], [1], .float64), bias)])
        XCTAssertEqual(w.value.doubles[0], 2 - 2 * 0.1 * 0.5 - 0.5, accuracy: 1e-15)
        XCTAssertEqual(bias.value.doubles[0], 1.5, accuracy: 1e-15)
        opt.excludeFromWeightDecay(variables: [w])
        try opt.applyGradients([(tensor([0], [1], .float64), w), (tensor([0], [1], .float64), bias)])
        XCTAssertEqual(w.value.doubles[0], 1.4, accuracy: 1e-15)
        XCTAssertEqual(bias.value.doubles[0], 1.5 - 1.5 * 0.05, accuracy: 1e-15)
    }

    func testLossScaleFactor() throws {
        let w = Variable(try tensor([1], [1]))
        let opt = try SGD(learningRate: 0.5, lossScaleFactor: 4)
        XCTAssertEqual(try opt.scaleLoss(tensor([3], [1])).doubles, [12])
        try opt.applyGradients([(tensor([8], [1]), w)])    // unscaled to 2
        XCTAssertEqual(w.value.doubles, [0])
    }

    // MARK: LossScaleOptimizer

    func testLossScaleOptimizerDefaults() throws {
        let lso = try LossScaleOptimizer(try SGD())
        XCTAssertEqual(lso.dynamicScale, 32768)
        XCTAssertEqual(lso.initialScale, 32768)
        XCTAssertEqual(lso.dynamicGrowthSteps, 2000)
        XCTAssertEqual(try lso.currentLearningRate(), 0.01)
        XCTAssertEqual(lso.name, "loss_scale_optimizer")
    }

    func testLossScaleSkipHalveAndGrow() throws {
        let inner = try SGD(learningRate: 1, momentum: 0.5, lossScaleFactor: 3)
        let lso = try LossScaleOptimizer(inner, initialScale: 8, dynamicGrowthSteps: 3)
        XCTAssertNil(inner.lossScaleFactor)              // turned off so gradients are unscaled once
        let w = Variable(try tensor([10, 10], [2]), name: "w")
        let other = Variable(try tensor([1], [1]), name: "other")
        var ref = RefSGD(momentum: 0.5)
        var x = [10.0, 10.0]

        func finiteStep(_ g: [Double]) throws {
            let scale = lso.dynamicScale
            try lso.applyGradients([(tensor(g.map { $0 * scale }, [2]), w), (nil, other)])
            x = ref.step(x, g, lr: 1, t: 0)
            assertClose(w.value.doubles, x, .absRel(abs: 0, rel: 1e-6))
        }

        try finiteStep([1, -2])
        try finiteStep([0.5, 0.25])
        XCTAssertEqual(lso.stepCounter, 2)
        XCTAssertEqual(lso.dynamicScale, 8)
        // An inf gradient: the step is skipped, the scale halves, the counter resets.
        let before = w.value.doubles
        let momentumBefore = try XCTUnwrap(inner.slot("momentum", for: w)).value.doubles
        try lso.applyGradients([(tensor([.infinity, 1], [2]), w)])
        XCTAssertEqual(w.value.doubles, before)
        XCTAssertEqual(try XCTUnwrap(inner.slot("momentum", for: w)).value.doubles, momentumBefore)
        XCTAssertEqual(lso.dynamicScale, 4)
        XCTAssertEqual(lso.stepCounter, 0)
        XCTAssertEqual(lso.iterations, 2)
        XCTAssertEqual(inner.iterations, 2)
        // NaN too — even when only one of several gradients is bad.
        try lso.applyGradients([(tensor([1, 1], [2]), w), (tensor([.nan], [1]), other)])
        XCTAssertEqual(w.value.doubles, before)
        XCTAssertEqual(other.value.doubles, [1])
        XCTAssertEqual(lso.dynamicScale, 2)
        // Three finite steps in a row double the scale (on the third, after its update).
        try finiteStep([1, 1])
        try finiteStep([-1, 2])
        XCTAssertEqual(lso.dynamicScale, 2)
        try finiteStep([0.5, -0.5])
        XCTAssertEqual(lso.dynamicScale, 4)
        XCTAssertEqual(lso.stepCounter, 0)
        XCTAssertEqual(lso.iterations, 5)
        try finiteStep([2, 2])
        XCTAssertEqual(lso.stepCounter, 1)
        XCTAssertEqual(lso.stateVariables.count, 1)      // the inner SGD's momentum of w
        XCTAssertTrue(lso.isBuilt(for: w))
        XCTAssertFalse(lso.isBuilt(for: other))
        XCTAssertTrue(lso.slot("momentum", for: w) === inner.slot("momentum", for: w))
    }

    func testLossScaleWithTape() throws {
        // scaleLoss promotes a float16 loss to float32 (the scale is float32 in Keras), the
        // gradient of the scaled loss is unscaled before the inner step.
        let half = try LossScaleOptimizer(try SGD(learningRate: 0.1))
        let l16 = try half.scaleLoss(tensor([2], [], .float16))
        XCTAssertEqual(l16.dtype, .float32)
        XCTAssertEqual(l16.doubles, [65536])
        let w = Variable(try tensor([1, -3], [2]))
        let lso = try LossScaleOptimizer(try SGD(learningRate: 0.1), dynamicGrowthSteps: 1)
        let tape = GradientTape()
        let scaled = try tape.record { try lso.scaleLoss(try square(w.value).sum()) }
        XCTAssertEqual(scaled.doubles, [10 * 32768])
        let g = try XCTUnwrap(try tape.gradient(scaled, w))
        try lso.applyGradients([(g, w)])
        assertClose(w.value.doubles, [1 - 0.1 * 2, -3 + 0.1 * 6], .absRel(abs: 0, rel: 1e-6))
        XCTAssertEqual(lso.dynamicScale, 65536)          // growth interval 1
        // minimize goes through scaleLoss too.
        try lso.minimize({ try square(w.value).sum() }, variables: [w])
        assertClose(w.value.doubles, [0.8 * 0.8, -2.4 * 0.8], .absRel(abs: 0, rel: 1e-6))
        XCTAssertEqual(lso.dynamicScale, 131072)
    }

    func testLossScaleOptimizerForwardsLearningRate() throws {
        let inner = try Adam(learningRate: 0.01)
        let lso = try LossScaleOptimizer(inner)
        try lso.setLearningRate(0.02)
        XCTAssertEqual(try inner.currentLearningRate(), 0.02)
        lso.iterations = 7
        XCTAssertEqual(inner.iterations, 7)
    }

    // MARK: Lookup by name

    func testLookupByName() throws {
        let cases: [(String, Optimizer.Type, String)] = [
            ("adam", Adam.self, "adam"), ("Adam", Adam.self, "adam"), ("SGD", SGD.self, "SGD"),
            ("sgd", SGD.self, "SGD"), ("rmsprop", RMSprop.self, "rmsprop"), ("RMSprop", RMSprop.self, "rmsprop"),
            ("adamw", AdamW.self, "adamw"), ("AdamW", AdamW.self, "adamw"), ("adagrad", Adagrad.self, "adagrad"),
            ("Adadelta", Adadelta.self, "adadelta"), ("adamax", Adamax.self, "adamax"),
            ("Nadam", Nadam.self, "nadam"), ("lion", Lion.self, "lion"),
        ]
        for (name, type, keras) in cases {
            let o = try Optimizer.named(name)
            XCTAssertTrue(Swift.type(of: o) == type, name)
            XCTAssertEqual(o.name, keras)
        }
        XCTAssertEqual(Optimizer.knownNames.count, 9)
        assertError(.invalidArgument, "optimizers.get: could not interpret optimizer identifier 'adamm' (known: adadelta, adagrad, adam, adamax, adamw, lion, nadam, rmsprop, sgd)") {
            try Optimizer.named("adamm")
        }
    }

    // MARK: Convergence

    func testEveryOptimizerMinimizesAQuadratic() throws {
        // f(w) = sum(c * (w - target)²), minimum at target.
        let target: [Double] = [1, -2, 3]
        let c = try tensor([1, 0.5, 2], [3])
        let t = try tensor(target, [3])
        let cases: [(Optimizer, Int, Double)] = [
            (try SGD(learningRate: 0.1), 200, 1e-3),
            (try SGD(learningRate: 0.05, momentum: 0.9), 300, 1e-3),
            (try SGD(learningRate: 0.05, momentum: 0.9, nesterov: true), 300, 1e-3),
            (try Adam(learningRate: 0.1), 500, 1e-2),
            (try Adam(learningRate: 0.1, amsgrad: true), 500, 1e-2),
            (try AdamW(learningRate: 0.1), 500, 5e-2),
            (try RMSprop(learningRate: 0.01), 1000, 2e-2),
            (try RMSprop(learningRate: 0.01, momentum: 0.5, centered: true), 1000, 2e-2),
            (try Adagrad(learningRate: 0.5), 500, 1e-2),
            (try Adadelta(learningRate: 1.0), 3000, 5e-2),
            (try Adamax(learningRate: 0.1), 500, 1e-2),
            (try Nadam(learningRate: 0.1), 500, 1e-2),
            (try Lion(learningRate: .schedule(try ExponentialDecay(initialLearningRate: 0.05, decaySteps: 100, decayRate: 0.5))), 1000, 1e-2),
        ]
        for (opt, steps, tol) in cases {
            let w = Variable(try tensor([0, 0, 0], [3]))
            var last = 0.0
            for _ in 0..<steps {
                last = try opt.minimize({ try (c * square(w.value - t)).sum() }, variables: [w]).scalarDouble()
            }
            let got = w.value.doubles
            for i in 0..<3 {
                XCTAssertEqual(got[i], target[i], accuracy: tol, "\(opt.name) (\(type(of: opt))) element \(i), loss \(last)")
            }
        }
    }

    // MARK: Bad input

    func testBadInput() throws {
        let w = Variable(try tensor([1, 2, 3, 4], [2, 2]), name: "dense/kernel")
        let opt = try Adam()
        assertError(.invalidArgument, "apply_gradients: gradient of shape (4,) does not match variable 'dense/kernel' of shape (2, 2)") {
            try opt.applyGradients([(tensor([1, 2, 3, 4], [4]), w)])
        }
        assertError(.invalidArgument, "apply_gradients: gradient of shape (1,) does not match variable 'dense/kernel' of shape (2, 2)") {
            try opt.applyGradients([(tensor([1], [1]), w)])       // no broadcasting either
        }
        assertError(.invalidArgument, "apply_gradients: 1 gradients for 2 variables") {
            try opt.apply([tensor([1, 2, 3, 4], [2, 2])], to: [w, w])
        }
        let iv = Variable(try Tensor([Int32(1)], shape: [1]), name: "count")
        assertError(.invalidDType, "apply_gradients: variable 'count' has dtype int32; optimizers update floating-point variables only") {
            try opt.applyGradients([(tensor([1], [1]), iv)])
        }
        assertError(.invalidDType, "apply_gradients: the gradient for variable 'dense/kernel' has dtype int32; a floating-point gradient is required") {
            try opt.applyGradients([(try Tensor([Int32(1), 2, 3, 4], shape: [2, 2]), w)])
        }
        // A bad pair anywhere in the batch leaves every variable and the optimizer untouched.
        let ok = Variable(try tensor([5], [1]), name: "ok")
        assertError(.invalidArgument, "apply_gradients: gradient of shape (3,) does not match variable 'dense/kernel' of shape (2, 2)") {
            try opt.applyGradients([(tensor([1], [1]), ok), (tensor([1, 2, 3], [3]), w)])
        }
        XCTAssertEqual(ok.value.doubles, [5])
        XCTAssertEqual(w.value.doubles, [1, 2, 3, 4])
        XCTAssertEqual(opt.iterations, 0)
        XCTAssertTrue(opt.stateVariables.isEmpty)

        // Hyperparameters Keras rejects.
        assertError(.invalidArgument, "SGD: `momentum` must be a float between [0, 1], received momentum=1.5") {
            try SGD(momentum: 1.5)
        }
        assertError(.invalidArgument, "SGD: `momentum` must be a float between [0, 1], received momentum=-0.1") {
            try SGD(momentum: -0.1)
        }
        assertError(.invalidArgument, "Lion: argument `beta_1` must be in the [0, 1] range; otherwise the optimizer degenerates to SignSGD; received beta_1=0.0") {
            try Lion(beta1: 0)
        }
        assertError(.invalidArgument, "Adagrad: `initial_accumulator_value` must be non-negative, received -0.1") {
            try Adagrad(initialAccumulatorValue: -0.1)
        }
        assertError(.invalidArgument, "adam: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; received clipnorm=1.0, clipvalue=0.5, global_clipnorm=None") {
            try Adam(clipnorm: 1, clipvalue: 0.5)
        }
        assertError(.invalidArgument, "ExponentialDecay: argument `decay_steps` must be > 0, received decay_steps=0.0") {
            try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9)
        }
        assertError(.invalidArgument, "CosineDecay: argument `decay_steps` must be > 0, received decay_steps=-5.0") {
            try CosineDecay(initialLearningRate: 0.1, decaySteps: -5)
        }
        assertError(.invalidArgument, "InverseTimeDecay: argument `decay_steps` must be > 0, received decay_steps=nan") {
            try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .nan, decayRate: 0.5)
        }
        assertError(.invalidArgument, "PolynomialDecay: argument `decay_steps` must be > 0, received decay_steps=0.0") {
            try PolynomialDecay(initialLearningRate: 0.1, decaySteps: 0)
        }
        assertError(.invalidArgument, "PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values; received 2 boundaries and 2 values") {
            try PiecewiseConstantDecay(boundaries: [1, 2], values: [0.1, 0.2])
        }
        assertError(.invalidArgument, "LossScaleOptimizer: `dynamic_growth_steps` must be >= 1, received 0") {
            try LossScaleOptimizer(try SGD(), dynamicGrowthSteps: 0)
        }
        assertError(.invalidArgument, "LossScaleOptimizer: `initial_scale` must be a finite number > 0, received inf") {
            try LossScaleOptimizer(try SGD(), initialScale: .infinity)
        }
        // A schedule that fails reports its error through applyGradients, changing nothing.
        let failing = try SGD(learningRate: .schedule(LambdaSchedule { _ in throw SwiftKerasError(.runtime, "schedule failed") }))
        assertError(.runtime, "schedule failed") {
            try failing.applyGradients([(tensor([1], [1]), ok)])
        }
        XCTAssertEqual(ok.value.doubles, [5])
        XCTAssertEqual(failing.iterations, 0)
        // The base class has no update rule.
        let base = try Optimizer(learningRate: 0.1, name: "custom")
        assertError(.unimplemented, "custom: optimizer subclasses must override updateStep(gradient:variable:learningRate:)") {
            try base.applyGradients([(tensor([1], [1]), ok)])
        }
    }
}
