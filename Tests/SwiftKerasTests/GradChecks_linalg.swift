@testable import SwiftKerasCore
@testable import SwiftKeras

/// Gradient checks of the linear-algebra family, keyed by the op name in OpRegistry.linalgOps.
let linalgGradChecks: [String: [GradCheck]] = [
    "matmul": [
        GradCheck(label: "matmul 2-D", shapes: [[2, 3], [3, 4]]) { x in try x[0].matmul(x[1]) },
        // The transposed-operand products matmul's pullback runs (recorded as "matmul").
        GradCheck(label: "matmul A·Bᵀ (product2D)", shapes: [[2, 3], [4, 3]]) { x in
            try Tensor.product2D(x[0], x[1], transA: false, transB: true) },
        GradCheck(label: "matmul Aᵀ·B (product2D)", shapes: [[3, 2], [3, 4]]) { x in
            try Tensor.product2D(x[0], x[1], transA: true, transB: false) },
        GradCheck(label: "matmul Aᵀ·Bᵀ (product2D)", shapes: [[3, 2], [4, 3]]) { x in
            try Tensor.product2D(x[0], x[1], transA: true, transB: true) },
        GradCheck(label: "matmul batched broadcast", shapes: [[2, 2, 3], [3, 2]]) { x in try x[0].matmul(x[1]) },
        GradCheck(label: "matmul vector", shapes: [[3], [3, 2]]) { x in try square(x[0].matmul(x[1])) },
    ],
    "dot": [
        GradCheck(label: "dot 3-D x 3-D", shapes: [[2, 2, 3], [2, 3, 2]]) { x in try square(dot(x[0], x[1])) },
        GradCheck(label: "dot 2-D x 2-D", shapes: [[2, 3], [3, 4]]) { x in try square(dot(x[0], x[1])) },
        GradCheck(label: "dot 3-D x vector", shapes: [[2, 2, 3], [3]]) { x in try square(dot(x[0], x[1])) },
        GradCheck(label: "dot vector x 3-D", shapes: [[3], [2, 3, 2]]) { x in try square(dot(x[0], x[1])) },
    ],
    "batch_dot": [
        GradCheck(label: "batch_dot default axes (2, 1)", shapes: [[2, 3, 4], [2, 4, 3]]) { x in
            try square(batchDot(x[0], x[1]))
        },
        GradCheck(label: "batch_dot axes (1, 2)", shapes: [[2, 3, 2], [2, 2, 3]]) { x in
            try square(batchDot(x[0], x[1], axes: (1, 2)))
        },
        GradCheck(label: "batch_dot axes (2, 2) rank 4 x 3", shapes: [[2, 2, 3, 2], [2, 2, 3]]) { x in
            try square(batchDot(x[0], x[1], axes: (2, 2)))
        },
        GradCheck(label: "batch_dot axes (-1, -1) rank 2 x 2", shapes: [[3, 4], [3, 4]]) { x in
            try square(batchDot(x[0], x[1], axes: (-1, -1)))
        },
        GradCheck(label: "batch_dot rank 2 x 3 axes (1, 2)", shapes: [[2, 3], [2, 4, 3]]) { x in
            try square(batchDot(x[0], x[1], axes: (1, 2)))
        },
        GradCheck(label: "batch_dot rank 3 x 2 default", shapes: [[2, 3, 4], [2, 4]]) { x in
            try square(batchDot(x[0], x[1]))
        },
    ],
]
