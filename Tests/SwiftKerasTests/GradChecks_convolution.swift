import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

/// Gradient checks of the convolution family, keyed by the op name in OpRegistry.convolutionOps.
/// Tensors are tiny: central differences cost two forward passes per input element. Outputs of
/// linear ops are squared in some checks so that the second-order check goes through the
/// pullbacks of the gradient ops, not only their cross terms.
let convolutionGradChecks: [String: [GradCheck]] = [
    "conv1d": [
        GradCheck(label: "conv1d causal dilation 2", shapes: [[1, 6, 2], [3, 2, 2]]) { x in
            try conv1d(x[0], x[1], padding: .causal, dilationRate: 2)
        },
        GradCheck(label: "conv1d stride 2 same channels_first", shapes: [[2, 2, 7], [3, 2, 3]]) { x in
            try conv1d(x[0], x[1], stride: 2, padding: .same, dataFormat: .channelsFirst)
        },
    ],
    "conv2d": [
        GradCheck(label: "conv2d stride 2 same", shapes: [[1, 5, 5, 2], [3, 3, 2, 2]]) { x in
            try conv2d(x[0], x[1], strides: [2, 2], padding: .same)
        },
        GradCheck(label: "conv2d dilation 2 valid", shapes: [[1, 5, 5, 1], [2, 2, 1, 2]]) { x in
            try conv2d(x[0], x[1], dilationRate: [2, 2])
        },
        GradCheck(label: "conv2d channels_first same strides (1,2)", shapes: [[1, 2, 4, 4], [3, 3, 2, 1]]) { x in
            try conv2d(x[0], x[1], strides: [1, 2], padding: .same, dataFormat: .channelsFirst)
        },
        GradCheck(label: "conv2d squared, batch 2", shapes: [[2, 4, 4, 1], [2, 2, 1, 1]]) { x in
            try square(conv2d(x[0], x[1]))
        },
    ],
    "conv3d": [
        GradCheck(label: "conv3d valid", shapes: [[1, 3, 3, 3, 1], [2, 2, 2, 1, 2]]) { x in
            try conv3d(x[0], x[1])
        },
        GradCheck(label: "conv3d stride 2 same", shapes: [[1, 3, 4, 3, 2], [2, 2, 2, 2, 1]]) { x in
            try conv3d(x[0], x[1], strides: [2, 2, 2], padding: .same)
        },
    ],
    "conv2d_transpose": [
        GradCheck(label: "conv2d_transpose stride 2 same", shapes: [[1, 3, 3, 2], [3, 3, 1, 2]]) { x in
            try conv2dTranspose(x[0], x[1], outputShape: [1, 5, 5, 1], strides: [2, 2], padding: .same)
        },
        GradCheck(label: "conv2d_transpose stride 2 valid", shapes: [[1, 2, 2, 1], [3, 3, 2, 1]]) { x in
            try conv2dTranspose(x[0], x[1], outputShape: [1, 5, 5, 2], strides: [2, 2], padding: .valid)
        },
        GradCheck(label: "conv2d_transpose channels_first squared", shapes: [[1, 2, 3, 3], [2, 2, 1, 2]]) { x in
            try square(conv2dTranspose(x[0], x[1], outputShape: [1, 1, 4, 4], dataFormat: .channelsFirst))
        },
    ],
    "conv3d_transpose": [
        GradCheck(label: "conv3d_transpose valid", shapes: [[1, 2, 2, 2, 1], [2, 2, 2, 2, 1]]) { x in
            try conv3dTranspose(x[0], x[1], outputShape: [1, 3, 3, 3, 2])
        },
    ],
    "depthwise_conv2d": [
        GradCheck(label: "depthwise multiplier 2 same", shapes: [[1, 4, 4, 2], [3, 3, 2, 2]]) { x in
            try depthwiseConv2d(x[0], x[1], padding: .same)
        },
        GradCheck(label: "depthwise stride 2 valid", shapes: [[1, 5, 5, 2], [2, 2, 2, 1]]) { x in
            try depthwiseConv2d(x[0], x[1], strides: [2, 2])
        },
        GradCheck(label: "depthwise channels_first dilation 2 same squared", shapes: [[1, 2, 5, 5], [2, 2, 2, 2]]) { x in
            try square(depthwiseConv2d(x[0], x[1], padding: .same, dataFormat: .channelsFirst, dilationRate: [2, 2]))
        },
    ],
    "separable_conv2d": [
        GradCheck(label: "separable same", shapes: [[1, 4, 4, 2], [3, 3, 2, 2], [1, 1, 4, 3]]) { x in
            try separableConv2d(x[0], depthwiseKernel: x[1], pointwiseKernel: x[2], padding: .same)
        },
        GradCheck(label: "separable stride 2 valid channels_first", shapes: [[1, 2, 5, 5], [2, 2, 2, 1], [1, 1, 2, 2]]) { x in
            try separableConv2d(x[0], depthwiseKernel: x[1], pointwiseKernel: x[2], strides: [2, 2],
                                dataFormat: .channelsFirst)
        },
    ],
    "pool2d": [
        GradCheck(label: "max pool 3x3 same stride 1", shapes: [[1, 5, 5, 2]]) { x in
            try square(pool2d(x[0], poolSize: [3, 3], padding: .same))
        },
        GradCheck(label: "max pool 2x2 valid stride 2", shapes: [[1, 5, 5, 2]]) { x in
            try square(pool2d(x[0], poolSize: [2, 2], strides: [2, 2]))
        },
        GradCheck(label: "max pool 3x3 same stride 2 channels_first", shapes: [[1, 2, 5, 5]]) { x in
            try square(pool2d(x[0], poolSize: [3, 3], strides: [2, 2], padding: .same, dataFormat: .channelsFirst))
        },
        GradCheck(label: "avg pool 3x3 same stride 1", shapes: [[1, 5, 5, 2]]) { x in
            try square(pool2d(x[0], poolSize: [3, 3], padding: .same, mode: .average))
        },
        GradCheck(label: "avg pool 2x2 valid stride 2", shapes: [[1, 5, 5, 2]]) { x in
            try square(pool2d(x[0], poolSize: [2, 2], strides: [2, 2], mode: .average))
        },
        GradCheck(label: "avg pool 3x3 same stride 2 channels_first", shapes: [[1, 2, 5, 5]]) { x in
            try square(pool2d(x[0], poolSize: [3, 3], strides: [2, 2], padding: .same, dataFormat: .channelsFirst,
                              mode: .average))
        },
    ],
    "pool3d": [
        GradCheck(label: "max pool3d 2 valid stride 1", shapes: [[1, 3, 4, 3, 2]]) { x in
            try square(pool3d(x[0], poolSize: [2, 2, 2]))
        },
        GradCheck(label: "avg pool3d 2 same stride 2", shapes: [[1, 3, 4, 3, 2]]) { x in
            try square(pool3d(x[0], poolSize: [2, 2, 2], strides: [2, 2, 2], padding: .same, mode: .average))
        },
    ],
    "conv_backprop_input": [
        GradCheck(label: "conv_backprop_input 2-D stride 2 same", shapes: [[1, 3, 3, 2], [3, 3, 2, 2]]) { x in
            try square(convBackpropInput(x[0], x[1], inputShape: [1, 5, 5, 2], strides: [2, 2], padding: .same))
        },
        GradCheck(label: "conv_backprop_input 1-D causal dilation 2", shapes: [[1, 6, 2], [3, 2, 2]]) { x in
            try convBackpropInput(x[0], x[1], inputShape: [1, 6, 2], padding: .causal, dilationRate: [2])
        },
        GradCheck(label: "conv_backprop_input 3-D channels_first", shapes: [[1, 2, 2, 2, 2], [2, 2, 2, 1, 2]]) { x in
            try convBackpropInput(x[0], x[1], inputShape: [1, 1, 3, 3, 3], strides: [1, 1, 1],
                                  dataFormat: .channelsFirst, dilationRate: [1, 1, 1])
        },
    ],
    "conv_backprop_filter": [
        GradCheck(label: "conv_backprop_filter 2-D stride 2 same", shapes: [[1, 5, 5, 2], [1, 3, 3, 2]]) { x in
            try square(convBackpropFilter(x[0], x[1], kernelShape: [3, 3, 2, 2], strides: [2, 2], padding: .same))
        },
        GradCheck(label: "conv_backprop_filter 1-D causal dilation 2 channels_first", shapes: [[1, 2, 6], [1, 2, 6]]) { x in
            try convBackpropFilter(x[0], x[1], kernelShape: [3, 2, 2], padding: .causal, dataFormat: .channelsFirst,
                                   dilationRate: [2])
        },
    ],
    "depthwise_conv2d_backprop_input": [
        GradCheck(label: "depthwise backprop input same", shapes: [[1, 4, 4, 4], [3, 3, 2, 2]]) { x in
            try square(depthwiseConv2dBackpropInput(x[0], x[1], inputShape: [1, 4, 4, 2], padding: .same))
        },
    ],
    "depthwise_conv2d_backprop_filter": [
        GradCheck(label: "depthwise backprop filter stride 2 valid", shapes: [[1, 5, 5, 2], [1, 2, 2, 2]]) { x in
            try square(depthwiseConv2dBackpropFilter(x[0], x[1], kernelShape: [2, 2, 2, 1], strides: [2, 2]))
        },
    ],
    "max_pool_backward": [
        GradCheck(label: "max_pool_backward 3x3 same stride 2", shapes: [[1, 4, 4, 2], [1, 2, 2, 2]]) { x in
            try square(maxPoolBackward(x[0], x[1], poolSize: [3, 3], strides: [2, 2], padding: .same))
        },
    ],
    "max_pool_gather": [
        GradCheck(label: "max_pool_gather 2x2 valid stride 1", shapes: [[1, 4, 4, 2], [1, 4, 4, 2]]) { x in
            try square(maxPoolGather(x[0], x[1], poolSize: [2, 2], strides: [1, 1]))
        },
    ],
    "avg_pool_backward": [
        GradCheck(label: "avg_pool_backward 3x3 same stride 2", shapes: [[1, 3, 3, 2]]) { x in
            try square(avgPoolBackward(x[0], inputShape: [1, 5, 5, 2], poolSize: [3, 3], strides: [2, 2],
                                       padding: .same))
        },
        GradCheck(label: "avg_pool_backward 3-D valid channels_first", shapes: [[1, 1, 2, 2, 2]]) { x in
            try square(avgPoolBackward(x[0], inputShape: [1, 1, 3, 3, 3], poolSize: [2, 2, 2], strides: [1, 1, 1],
                                       dataFormat: .channelsFirst))
        },
    ],
]

/// Runs only this family's checks (the full suite runs them too, in GradCheckTests).
final class ConvolutionGradCheckTests: XCTestCase {
    func testConvolutionGradientChecks() throws {
        try runGradChecks(convolutionGradChecks, requireRegistered: true)
    }

    func testEveryConvolutionOpHasACheck() {
        let missing = OpRegistry.convolutionOps.filter { $0.value != .none && (convolutionGradChecks[$0.key]?.isEmpty ?? true) }
        XCTAssertEqual(missing.keys.sorted(), [])
    }
}
