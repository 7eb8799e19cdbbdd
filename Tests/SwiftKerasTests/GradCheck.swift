import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// One gradient check: a function of float64 inputs built around one op, and the input shapes
/// (broadcasting cases and non-default axes are separate checks of the same op).
struct GradCheck {
    let label: String
    let shapes: [[Int]]
    /// Optional generator for inputs that must stay in a domain (e.g. log needs x > 0).
    var domain: ClosedRange<Double> = -2...2
    /// Whether to check second order too (ops that are piecewise linear have zero second derivative
    /// almost everywhere; the check is still valid there).
    var secondOrder = true
    /// Central-difference step (larger for checks that pass through float32).
    var step = 1e-6
    /// Relative tolerance of the comparison.
    var tolerance = 1e-4
    let f: ([Tensor]) throws -> Tensor
}

/// Deterministic inputs in `domain` (float64).
func gradInputs(_ shapes: [[Int]], domain: ClosedRange<Double>, seed: UInt64) throws -> [Tensor] {
    try shapes.enumerated().map { i, s in
        try Random.uniform(s, minval: domain.lowerBound, maxval: domain.upperBound, dtype: .float64,
                           seed: seed &+ UInt64(i) &* 7919)
    }
}

/// L(x) = sum(f(x) * w) for fixed random weights w, so every output element gets a distinct cotangent.
func weightedLoss(_ y: Tensor, seed: UInt64) throws -> Tensor {
    let w = try Random.uniform(y.shape, minval: 0.5, maxval: 1.5, dtype: y.dtype, seed: seed)
    return try y.multiplying(w).sum(alongAxes: nil, keepingDimensions: false)
}

/// Compares the tape's gradient of `check` with central differences, first and (optionally)
/// second order (a Hessian-vector product through nested tapes against differences of the
/// first-order gradient).
func runGradCheck(_ check: GradCheck, file: StaticString = #filePath, line: UInt = #line) throws {
    let seed: UInt64 = 1234
    let xs = try gradInputs(check.shapes, domain: check.domain, seed: seed)

    func loss(_ inputs: [Tensor]) throws -> Tensor { try weightedLoss(try check.f(inputs), seed: seed + 1) }

    func analyticGrad(_ inputs: [Tensor]) throws -> [Tensor] {
        let tape = GradientTape()
        inputs.forEach(tape.watch)
        let l = try tape.record { try loss(inputs) }
        let g = try tape.gradient(l, inputs.map { .tensor($0) }, unconnectedGradients: .zero)
        return g.map { $0! }
    }

    // First order.
    let g = try analyticGrad(xs)
    let h = check.step
    for (k, x) in xs.enumerated() {
        var base = x.doubles
        let ga = g[k].doubles
        XCTAssertEqual(g[k].shape, x.shape, "\(check.label): gradient shape for input \(k)", file: file, line: line)
        for i in 0..<base.count {
            let orig = base[i]
            base[i] = orig + h
            var plus = xs; plus[k] = try Tensor(base, shape: x.shape)
            base[i] = orig - h
            var minus = xs; minus[k] = try Tensor(base, shape: x.shape)
            base[i] = orig
            let num = (try loss(plus).doubles[0] - loss(minus).doubles[0]) / (2 * h)
            XCTAssertEqual(ga[i], num, accuracy: check.tolerance * (0.1 + abs(num)),
                           "\(check.label): d/dx\(k)[\(i)]", file: file, line: line)
        }
    }
    guard check.secondOrder else { return }

    // Second order: v · ∇(v' · ∇L) vs central differences of the first-order gradient along v'.
    let vs = try gradInputs(check.shapes, domain: -1...1, seed: seed + 99)
    let outer = GradientTape()
    xs.forEach(outer.watch)
    let hvp: [Tensor?] = try outer.record {
        let inner = try analyticGrad(xs)
        var s = try Tensor.scalar(0, dtype: .float64)
        for (gi, vi) in zip(inner, vs) { s = try s.adding(try gi.multiplying(vi).sum(alongAxes: nil, keepingDimensions: false)) }
        return try outer.gradient(s, xs.map { .tensor($0) }, unconnectedGradients: .zero)
    }
    // Numeric: d/dε ∇L(x + ε v) = H v.
    let eps = max(1e-5, check.step)
    let plus = try zip(xs, vs).map { try $0.adding(try $1.multiplying(Tensor.scalar(eps, dtype: .float64))) }
    let minus = try zip(xs, vs).map { try $0.adding(try $1.multiplying(Tensor.scalar(-eps, dtype: .float64))) }
    let gp = try analyticGrad(plus), gm = try analyticGrad(minus)
    for k in 0..<xs.count {
        let a = hvp[k]!.doubles, p = gp[k].doubles, m = gm[k].doubles
        for i in 0..<a.count {
            let num = (p[i] - m[i]) / (2 * eps)
            XCTAssertEqual(a[i], num, accuracy: 10 * check.tolerance * (0.1 + abs(num)),
                           "\(check.label): second order, input \(k)[\(i)]", file: file, line: line)
        }
    }
}

/// Runs every check of `table`, op by op in name order (first order, and second order unless
/// OpRegistry marks the op first-order-only), and proves each one really runs the op it is filed
/// under; with `requireRegistered`, also that every op of the table is registered.
func runGradChecks(_ table: [String: [GradCheck]], requireRegistered: Bool = false,
                   file: StaticString = #filePath, line: UInt = #line) throws {
    let registry = OpRegistry.all
    for (op, checks) in table.sorted(by: { $0.key < $1.key }) {
        if requireRegistered { XCTAssertNotNil(registry[op], "\(op) is not registered", file: file, line: line) }
        for var check in checks {
            if registry[op] == .firstOrderOnly { check.secondOrder = false }
            let collector = OpNameCollector()
            OpObservers.push(collector)
            defer { OpObservers.remove(collector) }
            try runGradCheck(check, file: file, line: line)
            XCTAssertTrue(collector.names.contains(op), "\(check.label) does not run \(op)", file: file, line: line)
        }
    }
}
