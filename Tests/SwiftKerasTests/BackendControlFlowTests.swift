import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Backend control flow and variable helpers: map_fn, foldl, foldr, rnn (masks, lengths,
// unrolling, gradients) and moving_average_update.

final class BackendControlFlowTests: XCTestCase {
    // MARK: map_fn, foldl, foldr

    func testMapFn() throws {
        let x = try f32([1, 2, 3, 4, 5, 6], [3, 2])
        let r = try mapFn(x) { try $0.multiplying($0).sum() }
        XCTAssertEqual(r.shape, [3])
        XCTAssertEqual(r.dtype, .float32)
        XCTAssertEqual(r.doubles, [5, 25, 61])
        // Several elems and results.
        let y = try i32([10, 20, 30], [3])
        let rs = try mapFn([x, y]) { s in [try s[0].adding(s[1].cast(to: .float32)), try s[1].multiplying(Scalar.int(2))] }
        XCTAssertEqual(rs[0].doubles, [11, 12, 23, 24, 35, 36])
        XCTAssertEqual(rs[1].doubles, [20, 40, 60])
        XCTAssertEqual(rs[1].dtype, .int32)
        // No slices: fn is not called.
        let e = try mapFn(f32([], [0, 4])) { _ in XCTFail("called"); return try f32([], [0]) }
        XCTAssertEqual(e.shape, [0, 4])
        assertError(.invalidArgument, "map_fn: all elems must have the same size along axis 0, got shapes (3, 2) and (2,)") {
            try mapFn([x, f32([1, 2], [2])]) { $0 }
        }
        assertError(.invalidArgument, "map_fn: elems must have rank at least 1, got a tensor of shape ()") {
            try mapFn(Tensor(scalar: Float(1))) { $0 }
        }
        assertError(.invalidArgument, "map_fn: result 0 has shape (2,) for slice 1 but (1,) for slice 0") {
            var i = 0
            return try mapFn(x) { s in i += 1; return i == 1 ? try s.slice(begin: [0], size: [1]) : s }
        }
        // A failing function's error passes through unchanged.
        assertError(.runtime, "user failure") {
            try mapFn(x) { _ in throw SwiftKerasError(.runtime, "user failure") }
        }
    }

    func testFolds() throws {
        let x = try f64([1, 2, 3], [3])
        XCTAssertEqual(try foldl(x) { try $0 - $1 }.doubles, [-4])
        XCTAssertEqual(try foldr(x) { try $0 - $1 }.doubles, [0])
        XCTAssertEqual(try foldl(x, initializer: f64([10], [])) { try $0 - $1 }.doubles, [4])
        XCTAssertEqual(try foldr(x, initializer: f64([10], [])) { try $0 - $1 }.doubles, [4])
        // foldr order: acc = fn(acc, x) with x from last to first: 2·(2·(2·0 + 3) + 2) + 1 = 17.
        XCTAssertEqual(try foldr(x, initializer: f64([0], [])) { try $0 * 2.0 + $1 }.doubles, [17])
        XCTAssertEqual(try foldl(x, initializer: f64([0], [])) { try $0 * 2.0 + $1 }.doubles, [11])
        // Rows of a matrix, two accumulators.
        let m = try f64([1, 2, 3, 4, 5, 6], [3, 2])
        let r = try foldl([m], initializer: [f64([0, 0], [2]), f64([1, 1], [2])]) { acc, s in
            [try acc[0] + s[0], try acc[1] * s[0]]
        }
        XCTAssertEqual(r[0].doubles, [9, 12])
        XCTAssertEqual(r[1].doubles, [15, 48])
        // Empty elems: the initializer comes back; without one it is an error.
        XCTAssertEqual(try foldl(f64([], [0]), initializer: f64([7], [])) { try $0 + $1 }.doubles, [7])
        assertError(.invalidArgument, "foldr: elems have no elements along axis 0 and no initializer was given") {
            try foldr(f64([], [0])) { try $0 + $1 }
        }
        assertError(.invalidArgument, "foldl: the function returned 2 tensors for an accumulator of 1") {
            try foldl([x]) { a, _ in a + a }
        }
    }

    func testGradientThroughMapFnAndFold() throws {
        try runGradCheck(GradCheck(label: "map_fn of x·sin(x) rows", shapes: [[3, 2]]) { x in
            try mapFn(x[0]) { try $0 * sin($0) }
        })
        try runGradCheck(GradCheck(label: "foldl product", shapes: [[4, 2]]) { x in
            try foldl(x[0]) { try $0 * $1 }
        })
        try runGradCheck(GradCheck(label: "foldr with initializer", shapes: [[3], []]) { x in
            try foldr(x[0], initializer: x[1]) { try tanh($0 * $1 + $1) }
        })
    }

    // MARK: rnn

    /// out = 2x + s; s' = out.
    private func cumulativeStep(_ x: Tensor, _ s: [Tensor]) throws -> (Tensor, [Tensor]) {
        let out = try x * 2.0 + s[0]
        return (out, [out])
    }

    func testRNNBasicAndBackwards() throws {
        let x = try f32([1, 2, 3, 4, 5, 6], [2, 3, 1])
        let s0 = try f32([0, 0], [2, 1])
        let r = try rnn(cumulativeStep, inputs: x, initialStates: [s0])
        XCTAssertEqual(r.outputs.shape, [2, 3, 1])
        XCTAssertEqual(r.outputs.doubles, [2, 6, 12, 8, 18, 30])
        XCTAssertEqual(r.lastOutput.shape, [2, 1])
        XCTAssertEqual(r.lastOutput.doubles, [12, 30])
        XCTAssertEqual(r.states.count, 1)
        XCTAssertEqual(r.states[0].doubles, [12, 30])
        let bw = try rnn(cumulativeStep, inputs: x, initialStates: [s0], goBackwards: true)
        XCTAssertEqual(bw.outputs.doubles, [6, 10, 12, 12, 22, 30])
        let un = try rnn(cumulativeStep, inputs: x, initialStates: [s0], unroll: true)
        XCTAssertEqual(un.outputs.doubles, r.outputs.doubles)
        // Constants follow the states; several states.
        let c = try f32([100], [1])
        let r2 = try rnn({ x, s in
            XCTAssertEqual(s.count, 3)
            let o = try x + s[0] + s[2]
            return (o, [o, try s[1] + 1.0])
        }, inputs: x, initialStates: [s0, s0], constants: [c])
        XCTAssertEqual(r2.outputs.doubles, [101, 203, 306, 104, 209, 315])
        XCTAssertEqual(r2.states[1].doubles, [3, 3])
    }

    func testRNNMasking() throws {
        let x = try f32([1, 2, 3, 4, 5, 6], [2, 3, 1])
        let s0 = try f32([0, 0], [2, 1])
        let mask = try Tensor([true, false, true, true, true, false], shape: [2, 3])
        for unroll in [false, true] {
            let r = try rnn(cumulativeStep, inputs: x, initialStates: [s0], mask: mask, unroll: unroll)
            XCTAssertEqual(r.outputs.doubles, [2, 2, 8, 8, 18, 18])
            XCTAssertEqual(r.lastOutput.doubles, [8, 18])
            XCTAssertEqual(r.states[0].doubles, [8, 18])
        }
        // A masked first step outputs zeros; a (B, T, 1) float mask works too.
        let m2 = try f32([0, 1, 1, 1, 1, 1], [2, 3, 1])
        let r2 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], mask: m2)
        XCTAssertEqual(r2.outputs.doubles, [0, 4, 10, 8, 18, 30])
        // Backwards with a mask: the mask is reversed with the inputs.
        let r3 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], goBackwards: true, mask: mask)
        // b0 processes x = 3 (m 1), 2 (m 0), 1 (m 1): 6, 6, 8; b1: 6 (m 0), 5, 4: 0, 10, 18.
        XCTAssertEqual(r3.outputs.doubles, [6, 6, 8, 0, 10, 18])
        // input_length as a (B,) vector masks; as a scalar it only limits the steps.
        let r4 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], inputLength: i32([2, 3], [2]))
        XCTAssertEqual(r4.outputs.doubles, [2, 6, 6, 8, 18, 30])
        XCTAssertEqual(r4.states[0].doubles, [6, 30])
        let r5 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], inputLength: Tensor(scalar: Int32(2)))
        XCTAssertEqual(r5.outputs.doubles, [2, 6, 0, 8, 18, 0])
        XCTAssertEqual(r5.lastOutput.doubles, [0, 0])
        XCTAssertEqual(r5.states[0].doubles, [6, 18])
        let r6 = try rnn(cumulativeStep, inputs: x, initialStates: [s0], unroll: true, inputLength: Tensor(scalar: Int32(2)))
        XCTAssertEqual(r6.outputs.doubles, [2, 6, 12, 8, 18, 30])
    }

    func testRNNErrors() throws {
        let x = try f32([1, 2, 3, 4, 5, 6], [2, 3, 1])
        let s0 = try f32([0, 0], [2, 1])
        assertError(.invalidArgument, "rnn: inputs must have rank at least 3 (batch, time, ...), got shape (2, 3)") {
            try rnn(cumulativeStep, inputs: x.reshaped(to: [2, 3]), initialStates: [s0])
        }
        assertError(.invalidArgument, "rnn: inputs have no time steps (shape (2, 0, 1))") {
            try rnn(cumulativeStep, inputs: f32([], [2, 0, 1]), initialStates: [s0])
        }
        assertError(.invalidArgument, "rnn: the step function returned 1 states for 2 initial states") {
            try rnn(cumulativeStep, inputs: x, initialStates: [s0, s0])
        }
        assertError(.invalidArgument, "rnn: the step function returned state 0 of shape (2, 2) for a state of shape (2, 1)") {
            try rnn({ x, s in (x, [try concatenate([s[0], s[0]], axis: 1)]) }, inputs: x, initialStates: [s0])
        }
        assertError(.invalidArgument, "rnn: mask must have shape (2, 3) or (2, 3, 1) for inputs of shape (2, 3, 1), got (2, 2)") {
            try rnn(cumulativeStep, inputs: x, initialStates: [s0], mask: f32([1, 1, 1, 1], [2, 2]))
        }
        assertError(.invalidDType, "rnn: input_length must be an integer tensor, got float32") {
            try rnn(cumulativeStep, inputs: x, initialStates: [s0], inputLength: f32([1, 2], [2]))
        }
    }

    func testGradientThroughRNN() throws {
        // A small tanh RNN: h' = tanh(x_t · W + h · U), gradients w.r.t. inputs, W, U and h0.
        try runGradCheck(GradCheck(label: "rnn tanh cell", shapes: [[2, 3, 2], [2, 2], [2, 2], [2, 2]]) { v in
            let (x, w, u, h0) = (v[0], v[1], v[2], v[3])
            let r = try rnn({ xt, s in
                let h = try tanh(matmul(xt, w) + matmul(s[0], u))
                return (h, [h])
            }, inputs: x, initialStates: [h0])
            return try r.outputs.sum(alongAxes: [2]) + r.states[0].sum()
        })
        // With a mask and backwards.
        let mask = try Tensor([true, false, true, true, true, false], shape: [2, 3])
        try runGradCheck(GradCheck(label: "rnn masked backwards", shapes: [[2, 3, 2], [2, 2]]) { v in
            let r = try rnn({ xt, s in
                let h = try tanh(xt * s[0] + 0.5)
                return (h, [h])
            }, inputs: v[0], initialStates: [v[1]], goBackwards: true, mask: mask)
            return r.outputs
        })
    }

    // MARK: Variables and other backend helpers

    func testMovingAverageUpdate() throws {
        let v = Variable(try f32([1, 2], [2]))
        let r = try v.movingAverageUpdate(f32([3, 4], [2]), momentum: 0.9)
        assertClose(r, [1.2, 2.2], .onePlus(1e-6))
        assertClose(v.value, [1.2, 2.2], .onePlus(1e-6))
        XCTAssertEqual(v.value.dtype, .float32)
        // A scalar target broadcasts; an int variable casts the momentum (0.9 -> 0), as TensorFlow.
        try v.movingAverageUpdate(Tensor(scalar: 0.0), momentum: 0.5)
        assertClose(v.value, [0.6, 1.1], .onePlus(1e-6))
        let iv = Variable(try i32([10], [1]))
        try iv.movingAverageUpdate(f32([20.7], [1]), momentum: 0.9)
        XCTAssertEqual(iv.value.doubles, [20])
        XCTAssertEqual(iv.value.dtype, .int32)
        assertError(.invalidArgument, "moving_average_update: value of shape (2, 2) does not broadcast to the variable's shape (2,)") {
            try v.movingAverageUpdate(f32([1, 2, 3, 4], [2, 2]), momentum: 0.5)
        }
    }

    func testExistingBackendHelpers() throws {
        // in_top_k (ties at the boundary count as in), round half to even, reverse.
        let p = try f32([0.1, 0.8, 0.1, 0.3, 0.3, 0.4], [2, 3])
        XCTAssertEqual(try inTopK(predictions: p, targets: i32([1, 0], [2]), k: 1).doubles, [1, 0])
        XCTAssertEqual(try inTopK(predictions: p, targets: i32([1, 0], [2]), k: 2).doubles, [1, 1])
        XCTAssertEqual(try round(f32([0.5, 1.5, 2.5, -0.5, -1.5], [5])).doubles, [0, 2, 2, -0, -2])
        XCTAssertEqual(try f32([1, 2, 3, 4], [2, 2]).reversed(alongAxes: [0]).doubles, [3, 4, 1, 2])
    }
}
