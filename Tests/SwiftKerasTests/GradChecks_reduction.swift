@testable import SwiftKerasCore
@testable import SwiftKeras

/// Gradient checks of the reduction family, keyed by the op name in OpRegistry.reductionOps.
let reductionGradChecks: [String: [GradCheck]] = [
    "sum": [
        GradCheck(label: "sum all", shapes: [[2, 3]]) { x in try square(x[0].sum()) },
        GradCheck(label: "sum axis -1 keepdims", shapes: [[2, 3]]) { x in try x[0].sum(alongAxes: [-1], keepingDimensions: true).multiplying(x[0]) },
        GradCheck(label: "sum axes (0,2)", shapes: [[2, 3, 2]]) { x in try square(x[0].sum(alongAxes: [0, 2])) },
    ],
    "mean": [
        GradCheck(label: "mean axis 0", shapes: [[3, 2]]) { x in try square(x[0].mean(alongAxes: [0])) },
        GradCheck(label: "mean all keepdims", shapes: [[2, 2]]) { x in try x[0].mean(alongAxes: nil, keepingDimensions: true).multiplying(x[0]) },
    ],
    "prod": [
        GradCheck(label: "prod all", shapes: [[2, 3]], domain: 0.5...1.5) { x in try x[0].product() },
        GradCheck(label: "prod axis -1 (mixed signs)", shapes: [[3, 4]]) { x in try x[0].product(alongAxes: [-1]) },
        GradCheck(label: "prod axis 0 keepdims", shapes: [[3, 2]], domain: 0.5...2) { x in
            try x[0].product(alongAxes: [0], keepingDimensions: true).multiplying(x[0])
        },
        GradCheck(label: "prod axes (0,2)", shapes: [[2, 3, 2]], domain: 0.5...1.5) { x in try square(x[0].product(alongAxes: [0, 2])) },
        GradCheck(label: "prod axes (-1,1) keepdims", shapes: [[2, 2, 3]], domain: 0.5...1.5) { x in
            try x[0].product(alongAxes: [-1, 1], keepingDimensions: true)
        },
    ],
    "var": [
        GradCheck(label: "var all", shapes: [[2, 3]]) { x in try x[0].variance() },
        GradCheck(label: "var axis -1", shapes: [[3, 4]]) { x in try square(x[0].variance(alongAxes: [-1])) },
        GradCheck(label: "var axes (0,2) keepdims", shapes: [[2, 3, 2]]) { x in
            try x[0].variance(alongAxes: [0, 2], keepingDimensions: true).multiplying(x[0])
        },
    ],
    "std": [
        GradCheck(label: "std all", shapes: [[2, 3]]) { x in try x[0].standardDeviation() },
        GradCheck(label: "std axis 0 keepdims", shapes: [[4, 3]]) { x in
            try x[0].standardDeviation(alongAxes: [0], keepingDimensions: true).multiplying(x[0])
        },
        GradCheck(label: "std axes (-1,-3)", shapes: [[3, 2, 3]]) { x in try square(x[0].standardDeviation(alongAxes: [-1, -3])) },
    ],
    "max": [
        GradCheck(label: "max all", shapes: [[2, 3]]) { x in try square(x[0].maxValue()) },
        GradCheck(label: "max axis -1", shapes: [[3, 4]]) { x in try square(x[0].maxValue(alongAxes: [-1])) },
        GradCheck(label: "max axes (0,2) keepdims", shapes: [[2, 3, 2]]) { x in
            try x[0].maxValue(alongAxes: [0, 2], keepingDimensions: true).multiplying(x[0])
        },
    ],
    "min": [
        GradCheck(label: "min all keepdims", shapes: [[2, 3]]) { x in try x[0].minValue(alongAxes: nil, keepingDimensions: true).multiplying(x[0]) },
        GradCheck(label: "min axis 1", shapes: [[3, 4, 2]]) { x in try square(x[0].minValue(alongAxes: [1])) },
        GradCheck(label: "min axes (-1,0)", shapes: [[3, 2, 3]]) { x in try square(x[0].minValue(alongAxes: [-1, 0])) },
    ],
    "logsumexp": [
        GradCheck(label: "logsumexp all", shapes: [[2, 3]]) { x in try x[0].logSumExp() },
        GradCheck(label: "logsumexp axis -1 keepdims", shapes: [[3, 4]]) { x in
            try x[0].logSumExp(alongAxes: [-1], keepingDimensions: true).multiplying(x[0])
        },
        GradCheck(label: "logsumexp axes (0,2)", shapes: [[2, 3, 2]]) { x in try square(x[0].logSumExp(alongAxes: [0, 2])) },
    ],
    "cumsum": [
        GradCheck(label: "cumsum axis 0", shapes: [[4, 3]]) { x in try square(x[0].cumulativeSum(alongAxis: 0)) },
        GradCheck(label: "cumsum axis -1", shapes: [[2, 5]]) { x in try x[0].cumulativeSum(alongAxis: -1).multiplying(x[0]) },
        GradCheck(label: "cumsum middle axis", shapes: [[2, 3, 2]]) { x in try square(x[0].cumulativeSum(alongAxis: 1)) },
    ],
    "cumprod": [
        GradCheck(label: "cumprod axis 0", shapes: [[4, 3]], domain: 0.5...1.5) { x in try x[0].cumulativeProduct(alongAxis: 0) },
        GradCheck(label: "cumprod axis -1 (negative)", shapes: [[2, 5]], domain: -1.5...(-0.5)) { x in
            try x[0].cumulativeProduct(alongAxis: -1).multiplying(x[0])
        },
        GradCheck(label: "cumprod middle axis", shapes: [[2, 3, 2]], domain: 0.5...1.5) { x in try square(x[0].cumulativeProduct(alongAxis: 1)) },
    ],
]
