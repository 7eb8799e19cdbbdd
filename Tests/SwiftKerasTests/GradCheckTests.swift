import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// Records the names of the ops a tape sees, to prove a check exercises the op it is filed under.
final class OpNameCollector: OpObserver {
    var names: Set<String> = []
    func opDidRun(_ op: StaticString, inputs: [Tensor], output: Tensor, pullback: () -> Pullback) {
        names.insert(op.description)
    }
}

/// Every family's checks, keyed by the op name they check.
let allGradChecks: [String: [GradCheck]] = {
    var all = coreGradChecks
    for family in [elementwiseGradChecks, reductionGradChecks, shapeGradChecks, linalgGradChecks,
                   convolutionGradChecks, neuralNetGradChecks, additionsGradChecks, recurrentGradChecks,
                   sortingAndMatrixGradChecks, decompositionGradChecks, gatherScatterGradChecks] {
        all.merge(family) { $0 + $1 }
    }
    return all
}()

let coreGradChecks: [String: [GradCheck]] = [
    "cast": [GradCheck(label: "cast f64→f32→f64", shapes: [[3]], step: 1e-2, tolerance: 1e-3) { x in
        try x[0].cast(to: .float32).cast(to: .float64).multiplying(x[0])
    }],
    "reshape": [GradCheck(label: "reshape", shapes: [[2, 3]]) { x in
        try x[0].reshaped(to: [3, 2]).multiplying(x[0].reshaped(to: [3, 2]))
    }],
    "transpose": [GradCheck(label: "transpose (1,2,0)", shapes: [[2, 3, 2]]) { x in
        try x[0].transposed([1, 2, 0]).multiplying(x[0].transposed([1, 2, 0]))
    }],
    "broadcast_to": [GradCheck(label: "broadcast_to (3,1)→(2,3,4)", shapes: [[3, 1]]) { x in
        try square(x[0].broadcasted(to: [2, 3, 4]))
    }],
    "custom_gradient": [GradCheck(label: "custom gradient of x²", shapes: [[3]], secondOrder: false) { x in
        try customGradient([x[0]], forward: { try $0[0].multiplying($0[0]) },
                           backward: { g in [try g.multiplying(x[0]).multiplying(Tensor.scalar(2, dtype: .float64))] })
    }],
]

final class GradCheckTests: XCTestCase {
    /// The registry and the checks agree: every differentiable op has a check, and every check
    /// is filed under a registered op.
    func testEveryDifferentiableOpHasACheck() {
        let registry = OpRegistry.all
        let missing = registry.filter { $0.value != .none && (allGradChecks[$0.key]?.isEmpty ?? true) }.keys.sorted()
        XCTAssertEqual(missing, [], "registered as differentiable but no gradient check")
        let unknown = allGradChecks.keys.filter { registry[$0] == nil }.sorted()
        XCTAssertEqual(unknown, [], "checks filed under ops missing from OpRegistry")
    }

    /// Runs every check (first order, and second order unless the op is first-order-only), and
    /// proves each one really runs the op it is filed under.
    func testAllGradientChecks() throws {
        try runGradChecks(allGradChecks)
    }

    func testUnregisteredOpCannotBeDifferentiated() throws {
        let x = Tensor([1.0, 2.0])
        let tape = GradientTape()
        tape.watch(x)
        let y = try tape.record { () -> Tensor in
            let out = try x.multiplying(x)
            // An op reporting under a name no family registered:
            record("not_a_registered_op", [x], out, { g in [g] })
            return out
        }
        XCTAssertThrowsError(try tape.gradient(y, x)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.message,
                           "not_a_registered_op: the op is not in OpRegistry, so it has no checked gradient")
        }
    }
}
