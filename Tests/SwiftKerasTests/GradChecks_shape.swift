@testable import SwiftKerasCore
@testable import SwiftKeras

private let idx0 = try! Tensor([Int32(2), 0, 2, 1, 2], shape: [5])          // repeated, along axis 0 of size 3
private let idx2D = try! Tensor([Int64(1), 1, 0, 3, 1, 1], shape: [2, 3])   // repeated, 2-D, int64

/// Gradient checks of the shape family, keyed by the op name in OpRegistry.shapeOps.
let shapeGradChecks: [String: [GradCheck]] = [
    "expand_dims": [
        GradCheck(label: "expand_dims 0", shapes: [[2, 3]]) { x in try square(x[0].expandingDims(at: 0)) },
        GradCheck(label: "expand_dims -1", shapes: [[2, 3]]) { x in try x[0].expandingDims(at: -1).multiplying(x[0].expandingDims(at: -1)) },
    ],
    "squeeze": [
        GradCheck(label: "squeeze all", shapes: [[1, 3, 1]]) { x in try square(x[0].squeezed()) },
        GradCheck(label: "squeeze axis -1", shapes: [[2, 1, 1]]) { x in try square(x[0].squeezed(axes: [-1])) },
    ],
    "flatten": [GradCheck(label: "flatten", shapes: [[2, 3, 2]]) { x in try square(x[0].flattened()) }],
    "batch_flatten": [GradCheck(label: "batch_flatten", shapes: [[2, 3, 2]]) { x in try square(x[0].batchFlattened()) }],
    "reverse": [
        GradCheck(label: "reverse axis 0", shapes: [[3, 2]]) { x in try x[0].reversed(alongAxes: [0]).multiplying(x[0]) },
        GradCheck(label: "reverse axes (0,-1)", shapes: [[2, 3, 2]]) { x in try x[0].reversed(alongAxes: [0, -1]).multiplying(x[0]) },
    ],
    "concatenate": [
        GradCheck(label: "concatenate axis 0", shapes: [[1, 3], [2, 3], [3, 3]]) { x in try square(concatenate(x, axis: 0)) },
        GradCheck(label: "concatenate axis -1", shapes: [[2, 1], [2, 3]]) { x in
            try concatenate(x, axis: -1).multiplying(concatenate([x[1], x[0]], axis: -1))
        },
    ],
    "stack": [
        GradCheck(label: "stack axis 0", shapes: [[2, 3], [2, 3]]) { x in try square(stack(x, axis: 0)) },
        GradCheck(label: "stack axis -1", shapes: [[3], [3], [3]]) { x in try stack(x, axis: -1).multiplying(stack([x[2], x[0], x[1]], axis: -1)) },
    ],
    "split": [
        GradCheck(label: "split sizes (1,-1,1) axis 1", shapes: [[2, 4]]) { x in
            let p = try x[0].split(sizes: [1, -1, 1], axis: 1)
            return try p[0].multiplying(p[2]).adding(square(p[1]).sum(alongAxes: [1], keepingDimensions: true))
        },
        GradCheck(label: "split into 3 axis 0", shapes: [[3, 2]]) { x in
            let p = try x[0].split(into: 3, axis: 0)
            return try p[0].multiplying(p[1]).multiplying(p[2])
        },
        GradCheck(label: "split one piece unused", shapes: [[4, 2]]) { x in
            try square(x[0].split(into: 2, axis: -2)[1])
        },
    ],
    "tile": [
        GradCheck(label: "tile (2,1) by (2,3)", shapes: [[2, 1]]) { x in try square(x[0].tiled(multiples: [2, 3])) },
        GradCheck(label: "tile (2,2) by (2,1,3): multiples longer than the rank", shapes: [[2, 2]]) { x in
            try square(x[0].tiled(multiples: [2, 1, 3]))
        },
        GradCheck(label: "tile (2,3) by (2,): multiples shorter", shapes: [[2, 3]]) { x in
            try x[0].tiled(multiples: [2]).multiplying(x[0].tiled(multiples: [1, 2]))
        },
    ],
    "repeat_elements": [
        GradCheck(label: "repeat_elements axis 0", shapes: [[2, 3]]) { x in try square(x[0].repeatingElements(count: 3, axis: 0)) },
        GradCheck(label: "repeat_elements axis -1", shapes: [[2, 3]]) { x in try square(x[0].repeatingElements(count: 2, axis: -1)) },
        GradCheck(label: "repeat_elements middle axis", shapes: [[2, 2, 2]]) { x in try square(x[0].repeatingElements(count: 2, axis: 1)) },
    ],
    "repeat": [GradCheck(label: "repeat (2,3) x3", shapes: [[2, 3]]) { x in try square(x[0].repeatedVector(count: 3)) }],
    "pad": [
        GradCheck(label: "pad ((1,0),(2,1))", shapes: [[2, 3]]) { x in try square(x[0].padded([(1, 0), (2, 1)])) },
        GradCheck(label: "pad value 1.5", shapes: [[2, 2]]) { x in try square(x[0].padded([(0, 2), (1, 1)], value: 1.5)) },
    ],
    "temporal_padding": [GradCheck(label: "temporal_padding (1,2)", shapes: [[2, 3, 2]]) { x in
        try square(x[0].temporalPadded(left: 1, right: 2))
    }],
    "spatial_2d_padding": [
        GradCheck(label: "spatial_2d_padding channels_last", shapes: [[1, 2, 2, 2]]) { x in
            try square(x[0].spatial2DPadded(((1, 0), (0, 2))))
        },
        GradCheck(label: "spatial_2d_padding channels_first", shapes: [[1, 2, 2, 2]]) { x in
            try square(x[0].spatial2DPadded(((0, 1), (1, 1)), dataFormat: .channelsFirst))
        },
    ],
    "spatial_3d_padding": [GradCheck(label: "spatial_3d_padding", shapes: [[1, 2, 1, 2, 1]]) { x in
        try square(x[0].spatial3DPadded(((1, 0), (0, 1), (1, 1))))
    }],
    "slice": [
        GradCheck(label: "slice", shapes: [[3, 4]]) { x in try square(x[0].slice(begin: [1, 1], size: [2, -1])) },
        GradCheck(label: "slice rank 3", shapes: [[2, 3, 2]]) { x in try square(x[0].slice(begin: [0, 1, 1], size: [2, 1, 1])) },
    ],
    "strided_slice": [
        GradCheck(label: "strided_slice step 1", shapes: [[4, 3]]) { x in try square(x[0].sliced(start: [1, nil], stop: [3, -1])) },
        GradCheck(label: "strided_slice step 2", shapes: [[5, 3]]) { x in try square(x[0].sliced(start: [nil, 1], step: [2])) },
        GradCheck(label: "strided_slice step -1", shapes: [[4]]) { x in try x[0].sliced(step: [-1]).multiplying(x[0]) },
        GradCheck(label: "strided_slice steps (-2, 3)", shapes: [[6, 7]]) { x in
            try square(x[0].sliced(start: [5, 1], stop: [0, nil], step: [-2, 3]))
        },
        GradCheck(label: "strided_slice steps (3, -2, 1) from -1", shapes: [[5, 5, 2]]) { x in
            try square(x[0].sliced(start: [1, -1, nil], stop: [nil, nil, 1], step: [3, -2]))
        },
        GradCheck(label: "strided_slice one element, big step", shapes: [[3, 3]]) { x in
            try square(x[0].sliced(start: [1, 2], step: [10, -7]))
        },
    ],
    "gather": [
        GradCheck(label: "gather axis 0, repeated indices", shapes: [[3, 2]]) { x in try square(x[0].gathered(indices: idx0, axis: 0)) },
        GradCheck(label: "gather middle axis, 2-D repeated int64 indices", shapes: [[2, 4, 2]]) { x in
            try square(x[0].gathered(indices: idx2D, axis: 1))
        },
        GradCheck(label: "gather axis -1, repeated indices", shapes: [[2, 3]]) { x in
            try x[0].gathered(indices: idx0, axis: -1).multiplying(x[0].gathered(indices: idx0, axis: -1))
        },
    ],
    "unsorted_segment_sum": [
        GradCheck(label: "unsorted_segment_sum axis 0, unused segment", shapes: [[5, 2]]) { x in
            try square(unsortedSegmentSum(x[0], segmentIDs: idx0, segmentCount: 4))
        },
        GradCheck(label: "unsorted_segment_sum axis 1, 2-D ids", shapes: [[2, 2, 3, 2]]) { x in
            try square(unsortedSegmentSum(x[0], segmentIDs: idx2D, segmentCount: 4, axis: 1))
        },
    ],
]
