// Shared option enums of the windowed ops (convolution, pooling). `DataFormat` lives with the
// shape ops (ShapeOps.swift).

/// How a windowed op (convolution, pooling) pads its input (Keras' `padding`).
public enum Padding: Sendable, Equatable {
    /// No padding: windows lie entirely inside the input.
    case valid
    /// TensorFlow's "SAME": output size `ceil(input / stride)`, zeros (or nothing, for pooling)
    /// added around the input, the odd element on the end.
    case same
    /// Left padding only, so output `t` sees inputs up to `t` (conv1d only).
    case causal
}
