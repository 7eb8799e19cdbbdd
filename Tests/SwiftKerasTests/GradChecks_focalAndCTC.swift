@testable import SwiftKerasCore
@testable import SwiftKeras

/// Constant CTC inputs for the gradient checks: labels, input and label lengths.
private let ctcLabels = try! Tensor([Int32(0), 1, 1, 0], shape: [2, 2])
private let ctcInputLength = try! Tensor([Int32(5), Int32(4)], shape: [2, 1])
private let ctcLabelLength = try! Tensor([Int32(2), Int32(1)], shape: [2, 1])

/// Gradient checks of the focal crossentropies and ctc_batch_cost.
let additionsGradChecks: [String: [GradCheck]] = [
    "binary_focal_crossentropy": [
        GradCheck(label: "binary_focal_crossentropy probabilities (target and output)", shapes: [[2, 3], [2, 3]],
                  domain: 0.05...0.95) { x in
            try binaryFocalCrossentropy(target: x[0], output: x[1])
        },
        GradCheck(label: "binary_focal_crossentropy broadcast, class balancing, gamma 1.5", shapes: [[3], [2, 3]],
                  domain: 0.05...0.95) { x in
            try binaryFocalCrossentropy(target: x[0], output: x[1], applyClassBalancing: true, alpha: 0.4, gamma: 1.5)
        },
        GradCheck(label: "binary_focal_crossentropy from logits", shapes: [[2, 3], [2, 3]], domain: 0.1...0.9) { x in
            try binaryFocalCrossentropy(target: x[0], output: (x[1] - 0.5) * 6.0, applyClassBalancing: true, fromLogits: true)
        },
    ],
    "categorical_focal_crossentropy": [
        GradCheck(label: "categorical_focal_crossentropy probabilities, axis -1", shapes: [[2, 4], [2, 4]],
                  domain: 0.1...0.9) { x in
            try categoricalFocalCrossentropy(target: x[0], output: x[1])
        },
        GradCheck(label: "categorical_focal_crossentropy from logits, axis 1 of 3-D", shapes: [[2, 3, 2], [2, 3, 2]]) { x in
            try categoricalFocalCrossentropy(target: x[0], output: x[1], alpha: 0.5, gamma: 3, fromLogits: true, axis: 1)
        },
    ],
    "ctc_batch_cost": [
        GradCheck(label: "ctc_batch_cost (2, 5, 3), unnormalised probabilities, shorter input", shapes: [[2, 5, 3]],
                  domain: 0.1...1.0) { x in
            try ctcBatchCost(yTrue: ctcLabels, yPred: x[0], inputLength: ctcInputLength, labelLength: ctcLabelLength)
        },
        GradCheck(label: "ctc_batch_cost after softmax", shapes: [[2, 5, 3]]) { x in
            try ctcBatchCost(yTrue: ctcLabels, yPred: x[0].softmax(alongAxis: -1), inputLength: ctcInputLength,
                             labelLength: ctcLabelLength)
        },
    ],
]
