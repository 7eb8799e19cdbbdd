@testable import SwiftKerasCore
@testable import SwiftKeras

/// Integer labels for the sparse crossentropy checks (constants inside the checked function).
private func nnLabels(_ values: [Int64], _ shape: [Int]) throws -> Tensor { try Tensor(values, shape: shape) }

/// Resize checks pass through float32 (bilinear computes in float32): the resized output is
/// cast back to float64 before the (quadratic) loss, and a larger step is used.
private func f64(_ t: Tensor) throws -> Tensor { try t.cast(to: .float64) }

/// Gradient checks of the neuralNet family, keyed by the op name in OpRegistry.neuralNetOps.
let neuralNetGradChecks: [String: [GradCheck]] = [
    "softmax": [0, 1, -1].map { a in
        GradCheck(label: "softmax axis \(a) of 3-D", shapes: [[2, 3, 4]]) { x in try x[0].softmax(alongAxis: a) }
    },
    "log_softmax": [0, 1, -1].map { a in
        GradCheck(label: "log_softmax axis \(a) of 3-D", shapes: [[2, 3, 4]]) { x in try x[0].logSoftmax(alongAxis: a) }
    },
    "l2_normalize": [nil, [1], [0, 2], [-1]].map { (axes: [Int]?) in
        GradCheck(label: "l2_normalize axes \(axes.map { "\($0)" } ?? "all")", shapes: [[2, 3, 2]]) { x in
            try x[0].l2Normalized(alongAxes: axes)
        }
    },
    "bias_add": [
        GradCheck(label: "bias_add channels last", shapes: [[2, 3, 4], [4]]) { x in try square(x[0].biasAdded(x[1])) },
        GradCheck(label: "bias_add channels first", shapes: [[2, 3, 2, 2], [3]]) { x in
            try square(x[0].biasAdded(x[1], channelsFirst: true))
        },
        GradCheck(label: "bias_add rank-(n-1) bias, channels last", shapes: [[2, 3, 4], [3, 4]]) { x in
            try square(x[0].biasAdded(x[1]))
        },
        GradCheck(label: "bias_add rank-(n-1) bias, channels first", shapes: [[2, 3, 2, 2], [2, 2, 3]]) { x in
            try square(x[0].biasAdded(x[1], channelsFirst: true))
        },
    ],
    "bias_relu": [
        GradCheck(label: "bias_relu (N,H,W,C) with bias", shapes: [[2, 3, 2, 5], [5]]) { x in
            try x[0].biasAddedRelu(x[1]).multiplying(x[0])
        },
        GradCheck(label: "bias_relu rank 2 without bias", shapes: [[4, 6]]) { x in
            try x[0].biasAddedRelu(nil).multiplying(x[0])
        },
    ],
    "conv_bias": [
        GradCheck(label: "conv_bias 2-D same", shapes: [[2, 4, 4, 2], [3, 3, 2, 3], [3]]) { x in
            try square(try convolutionBiasAdded(x[0], x[1], x[2], strides: [1, 1], padding: .same, dilationRate: [1, 1]) ?? x[0])
        },
        GradCheck(label: "conv_bias 1-D causal, stride 2", shapes: [[2, 7, 2], [3, 2, 2], [2]]) { x in
            try square(try convolutionBiasAdded(x[0], x[1], x[2], strides: [2], padding: .causal, dilationRate: [1]) ?? x[0])
        },
    ],
    "batch_norm_training": [
        GradCheck(label: "batch_norm_training (N,H,W,C) with gamma and beta", shapes: [[3, 2, 2, 3], [3], [3]]) { x in
            try square(x[0].batchNormalizedWithBatchStatistics(gamma: x[1], beta: x[2], epsilon: 1e-3)?.output ?? x[0])
        },
        GradCheck(label: "batch_norm_training rank 2, no gamma or beta", shapes: [[5, 4]]) { x in
            try square(x[0].batchNormalizedWithBatchStatistics(gamma: nil, beta: nil, epsilon: 0.01)?.output ?? x[0])
        },
    ],
    "batch_normalization": [
        GradCheck(label: "batch_normalization (N,H,W,C) with (C,) parameters", shapes: [[2, 2, 2, 3], [3], [3], [3], [3]],
                  domain: 0.5...2) { x in
            try x[0].batchNormalized(mean: x[1], variance: x[2], beta: x[3], gamma: x[4])
        },
        GradCheck(label: "batch_normalization broadcast parameters, no beta", shapes: [[2, 3, 2], [1, 3, 1], [3, 1], [2]],
                  domain: 0.5...2) { x in
            try x[0].batchNormalized(mean: x[1], variance: x[2], gamma: x[3], epsilon: 0.01)
        },
        GradCheck(label: "batch_normalization no beta/gamma", shapes: [[2, 3], [3], [3]], domain: 0.5...2) { x in
            try x[0].batchNormalized(mean: x[1], variance: x[2])
        },
    ],
    "dropout": [
        GradCheck(label: "dropout rate 0.4", shapes: [[3, 4]]) { x in try square(x[0].dropout(rate: 0.4, seed: 7)) },
        GradCheck(label: "dropout noise shape (1, 4)", shapes: [[3, 4]]) { x in
            try square(x[0].dropout(rate: 0.5, noiseShape: [1, 4], seed: 3))
        },
    ],
    "resize_images": [
        GradCheck(label: "resize_images nearest x2", shapes: [[1, 2, 3, 2]]) { x in
            try square(x[0].resizedImages(heightFactor: 2, widthFactor: 2))
        },
        GradCheck(label: "resize_images bilinear x2 channels first", shapes: [[2, 2, 2, 3]], step: 1e-2, tolerance: 1e-3) { x in
            try square(f64(x[0].resizedImages(heightFactor: 2, widthFactor: 2, channelsFirst: true, interpolation: .bilinear)))
        },
    ],
    "resize": [
        GradCheck(label: "resize nearest (3,4)→(5,3)", shapes: [[2, 3, 4, 2]]) { x in
            try square(x[0].resized(height: 5, width: 3, method: .nearest))
        },
        GradCheck(label: "resize nearest channels first rank 3 (2,3)→(5,4)", shapes: [[2, 2, 3]]) { x in
            try square(x[0].resized(height: 5, width: 4, method: .nearest, channelsFirst: true))
        },
        GradCheck(label: "resize bilinear (3,4)→(5,7)", shapes: [[1, 3, 4, 2]], step: 1e-2, tolerance: 1e-3) { x in
            try square(f64(x[0].resized(height: 5, width: 7, method: .bilinear)))
        },
        GradCheck(label: "resize bilinear x2 (2,3)→(4,6)", shapes: [[1, 2, 3, 1]], step: 1e-2, tolerance: 1e-3) { x in
            try square(f64(x[0].resized(height: 4, width: 6, method: .bilinear)))
        },
        GradCheck(label: "resize bilinear channels first rank 3 shrink (4,5)→(3,2)", shapes: [[2, 4, 5]],
                  step: 1e-2, tolerance: 1e-3) { x in
            try square(f64(x[0].resized(height: 3, width: 2, method: .bilinear, channelsFirst: true)))
        },
    ],
    "resize_nearest_backward": [
        GradCheck(label: "resize_nearest_backward (5,3)→(3,4)", shapes: [[2, 5, 3, 2]]) { x in
            try square(x[0].resizeNearestBackward(height: 3, width: 4))
        },
    ],
    "resize_bilinear_backward": [
        // Second order goes through the float32 bilinear forward.
        GradCheck(label: "resize_bilinear_backward (5,7)→(3,4) channels first", shapes: [[1, 2, 5, 7]],
                  step: 1e-2, tolerance: 1e-3) { x in
            try square(x[0].resizeBilinearBackward(height: 3, width: 4, channelsFirst: true))
        },
    ],
    "resize_volumes": [
        GradCheck(label: "resize_volumes (2,1,3)", shapes: [[1, 2, 2, 1, 2]]) { x in
            try square(x[0].resizedVolumes(depthFactor: 2, heightFactor: 1, widthFactor: 3))
        },
        GradCheck(label: "resize_volumes channels first (1,2,2)", shapes: [[2, 2, 1, 2, 2]]) { x in
            try square(x[0].resizedVolumes(depthFactor: 1, heightFactor: 2, widthFactor: 2, channelsFirst: true))
        },
    ],
    "binary_crossentropy": [
        GradCheck(label: "binary_crossentropy from logits", shapes: [[3, 4], [3, 4]]) { x in
            try binaryCrossentropy(target: x[0], output: x[1], fromLogits: true)
        },
        GradCheck(label: "binary_crossentropy from probabilities, broadcast", shapes: [[3, 4], [4]], domain: 0.05...0.95) { x in
            try binaryCrossentropy(target: x[0], output: x[1])
        },
    ],
    "categorical_crossentropy": [
        GradCheck(label: "categorical_crossentropy from logits", shapes: [[3, 4], [3, 4]]) { x in
            try categoricalCrossentropy(target: x[0], output: x[1], fromLogits: true)
        },
        GradCheck(label: "categorical_crossentropy from logits axis 1 of 3-D", shapes: [[2, 3, 2], [2, 3, 2]]) { x in
            try categoricalCrossentropy(target: x[0], output: x[1], fromLogits: true, axis: 1)
        },
        GradCheck(label: "categorical_crossentropy from probabilities", shapes: [[3, 4], [3, 4]], domain: 0.05...0.95) { x in
            try categoricalCrossentropy(target: x[0], output: x[1])
        },
        GradCheck(label: "categorical_crossentropy from probabilities axis 0", shapes: [[3, 2], [3, 2]], domain: 0.05...0.95) { x in
            try categoricalCrossentropy(target: x[0], output: x[1], axis: 0)
        },
    ],
    "sparse_categorical_crossentropy": [
        GradCheck(label: "sparse_categorical_crossentropy from logits", shapes: [[3, 4]]) { x in
            try sparseCategoricalCrossentropy(target: nnLabels([2, 0, 3], [3]), output: x[0], fromLogits: true)
        },
        GradCheck(label: "sparse_categorical_crossentropy from logits axis 1, labels (2, 2)", shapes: [[2, 3, 2]]) { x in
            try sparseCategoricalCrossentropy(target: nnLabels([2, 0, 1, 1], [2, 2]), output: x[0], fromLogits: true, axis: 1)
        },
        GradCheck(label: "sparse_categorical_crossentropy from probabilities, labels (3, 1)", shapes: [[3, 4]],
                  domain: 0.05...0.95) { x in
            try sparseCategoricalCrossentropy(target: nnLabels([1, 3, 0], [3, 1]), output: x[0])
        },
    ],
]
