@testable import SwiftKerasCore
@testable import SwiftKeras

/// 3·I (3×3, float64): added to random inputs so the matrices are well conditioned.
private func threeI() throws -> Tensor {
    try Tensor([3.0, 0, 0, 0, 3, 0, 0, 0, 3], shape: [3, 3])
}

/// Gradient checks of the ops behind tf.sort / tf.math.top_k, tf.math.erf and tf.linalg.inv / det.
let sortingAndMatrixGradChecks: [String: [GradCheck]] = [
    "take_along_axis": [
        GradCheck(label: "take_along_axis: rows sorted descending", shapes: [[2, 4]]) { x in
            try square(x[0].takingAlongAxis(try x[0].argsort(alongAxis: 1, descending: true), axis: 1))
        },
        GradCheck(label: "take_along_axis: top 2 along axis 0", shapes: [[4, 3]]) { x in
            let order = try x[0].argsort(alongAxis: 0, descending: true).slice(begin: [0, 0], size: [2, -1])
            return try square(x[0].takingAlongAxis(order, axis: 0))
        },
    ],
    "add_along_axis": [
        GradCheck(label: "add_along_axis: repeated indices add", shapes: [[2, 3]]) { x in
            let ix = try Tensor([Int32(0), 3, 0, 1, 2, 2], shape: [2, 3])
            return try square(x[0].addingAlongAxis(ix, axis: 1, into: [2, 4]))
        },
    ],
    "erf": [GradCheck(label: "erf", shapes: [[5]]) { x in try erf(x[0]) }],
    "matrix_inverse": [
        GradCheck(label: "matrix_inverse of a batch of 3x3", shapes: [[2, 3, 3]]) { x in
            try matrixInverse(x[0].adding(threeI()))
        },
    ],
    "cholesky": [
        // X·Xᵀ + 3I is symmetric positive definite, and symmetric inputs are where TF's pullback
        // (which splits the gradient between A[i,j] and A[j,i]) is the derivative.
        GradCheck(label: "cholesky of X·Xᵀ + 3I, batch of 2", shapes: [[2, 3, 3]]) { x in
            let spd = try x[0].matmul(x[0].transposed([0, 2, 1])).adding(threeI())
            return try cholesky(spd)
        },
    ],
    "matrix_determinant": [
        GradCheck(label: "matrix_determinant of a batch of 3x3", shapes: [[2, 3, 3]]) { x in
            try matrixDeterminant(x[0].adding(threeI()))
        },
    ],
]
