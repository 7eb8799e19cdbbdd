@testable import SwiftKerasCore
@testable import SwiftKeras

/// The outputs of a decomposition as one flat tensor, so one check sees every output's gradient.
private func flat(_ parts: [Tensor]) throws -> Tensor {
    try concatenate(try parts.map { try $0.reshaped(to: [-1]) }, axis: 0)
}

/// Gradient checks of tf.linalg.qr / svd / eigh (Ops/LinearAlgebraDecompositions.swift).
/// Singular vectors and eigenvectors enter squared (their signs are not unique, and u∘u keeps
/// every element's cotangent distinct); Q and R are unique under LAPACK's sign convention.
let decompositionGradChecks: [String: [GradCheck]] = [
    "qr": [
        GradCheck(label: "qr 4x3 (deep): Q and R", shapes: [[4, 3]]) { x in
            let f = try qr(x[0]); return try flat([f.q, f.r])
        },
        GradCheck(label: "qr 3x3 batch of 2, full_matrices", shapes: [[2, 3, 3]]) { x in
            let f = try qr(x[0], fullMatrices: true); return try flat([f.q, f.r])
        },
        GradCheck(label: "qr 2x4 (wide): Q and R", shapes: [[2, 4]]) { x in
            let f = try qr(x[0]); return try flat([f.q, f.r])
        },
        GradCheck(label: "qr 2x3 (wide) R only", shapes: [[2, 3]]) { x in try qr(x[0]).r },
    ],
    "svd": [
        GradCheck(label: "svd 4x3 (tall): s, u∘u, v∘v", shapes: [[4, 3]]) { x in
            let f = try svd(x[0])
            guard let u = f.u, let v = f.v else { throw SwiftKerasError.invalid("svd: no u, v") }
            return try flat([f.s, square(u), square(v)])
        },
        GradCheck(label: "svd 3x5 (wide) batch of 2: s, u∘u, v∘v", shapes: [[2, 3, 5]]) { x in
            let f = try svd(x[0])
            guard let u = f.u, let v = f.v else { throw SwiftKerasError.invalid("svd: no u, v") }
            return try flat([f.s, square(u), square(v)])
        },
        GradCheck(label: "svd 4x3 full_matrices: s, u∘u, v∘v", shapes: [[4, 3]]) { x in
            let f = try svd(x[0], fullMatrices: true)
            guard let u = f.u, let v = f.v else { throw SwiftKerasError.invalid("svd: no u, v") }
            return try flat([f.s, square(u), square(v)])
        },
        GradCheck(label: "svd 3x3 u·diag(s)·vᵀ", shapes: [[3, 3]]) { x in
            let f = try svd(x[0])
            guard let u = f.u, let v = f.v else { throw SwiftKerasError.invalid("svd: no u, v") }
            return try u.multiplying(f.s.expandingDims(at: -2)).matmul(v.transposed([1, 0]))
        },
        GradCheck(label: "svd 3x4 without compute_uv", shapes: [[3, 4]]) { x in
            try svd(x[0], computeUV: false).s
        },
    ],
    "eigh": [
        GradCheck(label: "eigh 4x4 (lower triangle read): e and v∘v", shapes: [[4, 4]]) { x in
            let f = try eigh(x[0]); return try flat([f.e, square(f.v)])
        },
        GradCheck(label: "eigh batch of 2 3x3: eigenvalues", shapes: [[2, 3, 3]]) { x in try eigh(x[0]).e },
    ],
]
