@testable import SwiftKerasCore
@testable import SwiftKeras

/// 3·I (3×3, float64) keeps the triangular systems well conditioned.
private func eye3() throws -> Tensor { try Tensor.eye(3, dtype: .float64).multiplying(.float(3)) }

/// Gradient checks of the session-7 TensorFlow ops with pullbacks of their own (div_no_nan,
/// triangular_solve, tensor_scatter_nd max/min); the compositions (gather_nd, scatter_nd, roll,
/// set_diag, cross, ...) are checked through them below under the ops they record.
let gatherScatterGradChecks: [String: [GradCheck]] = [
    "div_no_nan": [
        GradCheck(label: "div_no_nan (2,3) / (3,)", shapes: [[2, 3], [3]]) { x in try x[0].dividingNoNaN(by: x[1]) },
        GradCheck(label: "div_no_nan with a zero divisor", shapes: [[3], [3]]) { x in
            let y = try x[1].multiplying(Tensor([1.0, 0, 1], shape: [3]))
            return try x[0].dividingNoNaN(by: y)
        },
    ],
    "triangular_solve": [
        GradCheck(label: "triangular_solve lower", shapes: [[3, 3], [3, 2]]) { x in
            try triangularSolve(x[0].adding(eye3()), x[1])
        },
        GradCheck(label: "triangular_solve upper adjoint, batch broadcast", shapes: [[2, 3, 3], [3, 2]]) { x in
            try triangularSolve(x[0].adding(eye3()), x[1], lower: false, adjoint: true)
        },
    ],
    "tensor_scatter_nd_max": [
        GradCheck(label: "tensor_scatter_nd_max rows 1, 3, 1", shapes: [[4, 3], [3, 3]]) { x in
            try tensorScatterND(x[0], indices: Tensor([Int32(1), 3, 1], shape: [3, 1]), updates: x[1], mode: .max)
        },
    ],
    "tensor_scatter_nd_min": [
        GradCheck(label: "tensor_scatter_nd_min elements", shapes: [[2, 3], [2]]) { x in
            try tensorScatterND(x[0], indices: Tensor([Int64(0), 2, 1, 1], shape: [2, 2]), updates: x[1], mode: .min)
        },
    ],
    // compositions, filed under the core ops they are made of
    "gather": [
        GradCheck(label: "gather_nd (reshape + gather), repeated tuples", shapes: [[3, 2, 2]]) { x in
            try square(gatherND(x[0], indices: Tensor([Int32(0), 1, 2, 0, 0, 1], shape: [3, 2])))
        },
        GradCheck(label: "gather_nd with batch_dims 1", shapes: [[2, 3]]) { x in
            try square(gatherND(x[0], indices: Tensor([Int32(2), 0], shape: [2, 1]), batchDims: 1))
        },
    ],
    "unsorted_segment_sum": [
        GradCheck(label: "scatter_nd and tensor_scatter_nd_update", shapes: [[3, 2], [2, 2]]) { x in
            let ix = try Tensor([Int32(2), 0], shape: [2, 1])
            return try square(scatterND(indices: ix, updates: x[1], shape: [3, 2])
                .adding(tensorScatterND(x[0], indices: ix, updates: x[1], mode: .update)))
        },
    ],
    "concatenate": [
        GradCheck(label: "roll by (1, -1) on axes (0, 1)", shapes: [[3, 4]]) { x in
            try square(x[0].rolled(shifts: [1, -1], axes: [0, 1]))
        },
    ],
    "where": [
        GradCheck(label: "set_diag of a 3x4 batch", shapes: [[2, 3, 4], [2, 3]]) { x in
            try square(x[0].settingDiagonal(x[1]))
        },
    ],
    "multiply": [
        GradCheck(label: "cross of (2,3) vectors", shapes: [[2, 3], [2, 3]]) { x in try cross(x[0], x[1]) },
    ],
]
