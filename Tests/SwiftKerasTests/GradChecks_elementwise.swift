@testable import SwiftKerasCore
@testable import SwiftKeras

/// Gradient checks of the elementwise family, keyed by the op name in OpRegistry.elementwiseOps.
/// Inputs are random (seeded) in each check's domain; piecewise ops are checked where the
/// random inputs sit away from their kinks (the chance of landing within the step of a kink is
/// negligible). Most checks multiply by an input or square the result so the second-order
/// check exercises the pullback itself, not only its linear part.
let elementwiseGradChecks: [String: [GradCheck]] = [
    "add": [
        GradCheck(label: "add same shape", shapes: [[2, 3], [2, 3]]) { x in try x[0].adding(x[1]).multiplying(x[0]) },
        GradCheck(label: "add broadcast (2,3)+(3,)", shapes: [[2, 3], [3]]) { x in try x[0].adding(x[1]).multiplying(x[0]) },
        GradCheck(label: "add broadcast (2,1)+(1,3)", shapes: [[2, 1], [1, 3]]) { x in try square(x[0].adding(x[1])) },
        GradCheck(label: "add rank-0 + (2,2)", shapes: [[], [2, 2]]) { x in try square(x[0].adding(x[1])) },
        GradCheck(label: "add weak scalar x + 1.5 and 2 + x", shapes: [[3]]) { x in
            try square(x[0] + 1.5).multiplying(try 2 + x[0])
        },
    ],
    "subtract": [
        GradCheck(label: "subtract broadcast", shapes: [[2, 3], [2, 1]]) { x in try square(x[0].subtracting(x[1])) },
        GradCheck(label: "subtract weak scalar x - 0.5 and 1 - x", shapes: [[3]]) { x in
            try square(x[0] - 0.5).multiplying(try Scalar.int(1) - x[0])
        },
    ],
    "multiply": [
        GradCheck(label: "multiply broadcast", shapes: [[3, 1, 2], [4, 1]]) { x in try x[0].multiplying(x[1]).multiplying(x[1]) },
        GradCheck(label: "multiply weak scalar x * .float(2)", shapes: [[2, 2]]) { x in
            try (x[0] * Scalar.float(2)).multiplying(x[0])
        },
        GradCheck(label: "multiply weak scalars 3 * x, x * 0.5, .int(2) * x", shapes: [[3]]) { x in
            try (3 * x[0]).multiplying(x[0] * 0.5).multiplying(Scalar.int(2) * x[0])
        },
    ],
    "divide": [
        GradCheck(label: "divide broadcast", shapes: [[2, 3], [3]], domain: 0.5...2) { x in try x[0].dividing(by: x[1]) },
        GradCheck(label: "divide broadcast (2,1)/(1,3)", shapes: [[2, 1], [1, 3]], domain: 0.5...2) { x in
            try x[0].dividing(by: x[1]).multiplying(x[0])
        },
        GradCheck(label: "divide weak scalar x / 4 and 1.5 / x", shapes: [[3]], domain: 0.5...2) { x in
            try (x[0] / 4).multiplying(try 1.5 / x[0])
        },
    ],
    "mod": [
        GradCheck(label: "mod broadcast (2,3)%(3,)", shapes: [[2, 3], [3]], domain: 0.5...2) { x in
            try square(x[0].modulo(x[1]))
        },
        GradCheck(label: "mod negative divisor broadcast (2,1)%(1,3)", shapes: [[2, 1], [1, 3]], domain: 0.5...2) { x in
            try square(x[0].multiplying(3).modulo(x[1].negated()))
        },
        GradCheck(label: "mod weak scalar x % 0.7", shapes: [[4]]) { x in try square(x[0] % 0.7) },
    ],
    "power": [
        GradCheck(label: "power both, broadcast (2,3)^(3,)", shapes: [[2, 3], [3]], domain: 0.5...2) { x in
            try x[0].raised(toPower: x[1])
        },
        GradCheck(label: "power both, broadcast (2,1)^(1,3)", shapes: [[2, 1], [1, 3]], domain: 0.5...2) { x in
            try pow(x[0], x[1].multiplying(2)).multiplying(x[1])
        },
        GradCheck(label: "power scalar exponent x ** 3 (any sign)", shapes: [[4]]) { x in try x[0].raised(toPower: .int(3)) },
        GradCheck(label: "power scalar exponent x ** -1.5", shapes: [[4]], domain: 0.5...2) { x in try pow(x[0], .float(-1.5)) },
    ],
    "maximum": [
        GradCheck(label: "maximum same shape", shapes: [[2, 3], [2, 3]]) { x in try maximum(x[0], x[1]).multiplying(x[0]) },
        GradCheck(label: "maximum broadcast (2,3),(2,1)", shapes: [[2, 3], [2, 1]]) { x in
            try square(maximum(x[0], x[1]))
        },
        GradCheck(label: "maximum weak scalar", shapes: [[5]]) { x in try maximum(x[0], .float(0.25)).multiplying(x[0]) },
    ],
    "minimum": [
        GradCheck(label: "minimum broadcast (3,),(2,3)", shapes: [[3], [2, 3]]) { x in
            try square(minimum(x[0], x[1]))
        },
        GradCheck(label: "minimum weak scalar", shapes: [[5]]) { x in try minimum(x[0], .int(0)).multiplying(x[0]) },
    ],
    "where": [
        GradCheck(label: "where same shape", shapes: [[2, 3], [2, 3]]) { x in
            try select(x[0].isGreater(than: .int(0)), square(x[0]), x[1].multiplying(x[0]))
        },
        GradCheck(label: "where broadcast cond (2,1), a (1,3), b ()", shapes: [[2, 1], [1, 3], []]) { x in
            try square(select(x[0].isLess(than: .float(0.1)), x[1], x[2]))
        },
    ],
    "clip": [
        GradCheck(label: "clip scalar bounds", shapes: [[4, 6]]) { x in
            try x[0].clipped(min: .float(-1), max: .float(1.2)).multiplying(x[0])
        },
        GradCheck(label: "clip tensor bounds, broadcast lo (3,), hi (2,1)", shapes: [[2, 3], [3], [2, 1]]) { x in
            // x in [-4, 4], lo in [-4, 0], hi in [0, 4]: lo < hi everywhere, some elements clipped.
            try square(x[0].multiplying(2).clipped(min: x[1] - 2, max: x[2] + 2))
        },
        GradCheck(label: "clip tensor bounds, same shape", shapes: [[12], [12], [12]]) { x in
            try x[0].multiplying(2).clipped(min: x[1] - 2, max: x[2] + 2).multiplying(x[1])
        },
    ],
    "negative": [GradCheck(label: "negative", shapes: [[4]]) { x in try x[0].negated().multiplying(x[0]) }],
    "exp": [GradCheck(label: "exp", shapes: [[2, 2]]) { x in try exp(x[0]) }],
    "abs": [GradCheck(label: "abs", shapes: [[5]]) { x in try abs(x[0]).multiplying(x[0]) }],
    "square": [GradCheck(label: "square", shapes: [[3]]) { x in try square(x[0]) }],
    "sqrt": [GradCheck(label: "sqrt", shapes: [[3]], domain: 0.5...3) { x in try sqrt(x[0]) }],
    "log": [GradCheck(label: "log", shapes: [[3]], domain: 0.5...3) { x in try log(x[0]) }],
    "log1p": [GradCheck(label: "log1p", shapes: [[3]], domain: 0...3) { x in try log1p(x[0]) }],
    "expm1": [GradCheck(label: "expm1", shapes: [[3]]) { x in try expm1(x[0]) }],
    "sin": [GradCheck(label: "sin", shapes: [[3]]) { x in try sin(x[0]) }],
    "cos": [GradCheck(label: "cos", shapes: [[3]]) { x in try cos(x[0]) }],
    "tanh": [GradCheck(label: "tanh", shapes: [[3]]) { x in try tanh(x[0]) }],
    "sigmoid": [GradCheck(label: "sigmoid", shapes: [[3]]) { x in try sigmoid(x[0]) }],
    "softplus": [GradCheck(label: "softplus", shapes: [[3]]) { x in try softplus(x[0]) }],
    "softsign": [GradCheck(label: "softsign", shapes: [[3]]) { x in try softsign(x[0]) }],
    "relu": [
        GradCheck(label: "relu", shapes: [[24]]) { x in try relu(x[0]).multiplying(x[0]) },
        GradCheck(label: "relu alpha (leaky)", shapes: [[24]]) { x in try relu(x[0], alpha: 0.3).multiplying(x[0]) },
        GradCheck(label: "relu max_value 1.5", shapes: [[24]]) { x in try relu(x[0], maxValue: 1.5).multiplying(x[0]) },
        GradCheck(label: "relu max_value 6 (relu6)", shapes: [[24]], domain: -8...8) { x in
            try relu(x[0], maxValue: 6).multiplying(x[0])
        },
        GradCheck(label: "relu threshold 0.5", shapes: [[24]]) { x in try relu(x[0], threshold: 0.5).multiplying(x[0]) },
        GradCheck(label: "relu alpha, max_value, threshold", shapes: [[24]]) { x in
            try relu(x[0], alpha: 0.2, maxValue: 1.0, threshold: 0.3).multiplying(x[0])
        },
        GradCheck(label: "relu alpha, negative threshold", shapes: [[24]]) { x in
            try relu(x[0], alpha: 0.1, threshold: -0.5).multiplying(x[0])
        },
        GradCheck(label: "relu alpha, max_value, negative threshold", shapes: [[24]]) { x in
            try relu(x[0], alpha: 0.25, maxValue: 1.0, threshold: -0.5).multiplying(x[0])
        },
    ],
    "elu": [
        GradCheck(label: "elu", shapes: [[6]]) { x in try elu(x[0]) },
        GradCheck(label: "elu alpha 0.5", shapes: [[6]]) { x in try elu(x[0], alpha: 0.5).multiplying(x[0]) },
    ],
    "hard_sigmoid": [
        GradCheck(label: "hard_sigmoid", shapes: [[16]], domain: -4...4) { x in try hardSigmoid(x[0]).multiplying(x[0]) },
    ],
]
