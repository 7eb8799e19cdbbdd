// The process-wide Keras settings (keras/src/backend/config.py): the default float dtype
// (`floatx`), the fuzz factor (`epsilon`) and the default image data format. They live here once;
// the C API reads and sets them (sk_floatx, sk_set_floatx, ...), and Python's
// `keras.backend.floatx()` & co. call the C API.

import Synchronization

/// Keras' global configuration: `floatx`, `epsilon` and `image_data_format`, shared by every
/// thread (each read or write is atomic on its own).
///
/// Readers in the core: `floatx` is the default dtype of tensors created without one
/// (`Tensor.zeros`, `Tensor.ones`, `Tensor.full`, `Tensor.scalar`, `Tensor.eye`, the random
/// tensors, loss and metric objects) and decides what Python scalars become (see
/// `DTypePromotion`); `epsilon` is the fuzz factor of the crossentropies, of
/// `mean_absolute_percentage_error`, `mean_squared_logarithmic_error`, `kl_divergence`,
/// `poisson` and of AUC's end thresholds; `imageDataFormat` is the data format used where
/// Keras reads `image_data_format()` (a data format argument left unspecified).
public enum KerasSettings {
    private static let floatxCode = Atomic<Int32>(DType.float32.rawValue)
    private static let epsilonBits = Atomic<UInt64>((1e-7 as Double).bitPattern)
    private static let channelsFirst = Atomic<Bool>(false)

    /// The dtypes `floatx` accepts, in the order error messages list them.
    public static let floatxChoices: [DType] = [.bfloat16, .float16, .float32, .float64]

    /// The default float dtype (Keras `floatx()`, initially float32).
    public static var floatx: DType {
        DType(rawValue: floatxCode.load(ordering: .relaxed)) ?? .float32
    }

    /// Sets the default float dtype (Keras `set_floatx`); only the floating dtypes are accepted.
    public static func setFloatx(_ dtype: DType) throws {
        guard dtype.isFloatingPoint else {
            throw unknownFloatx(dtype.name)
        }
        floatxCode.store(dtype.rawValue, ordering: .relaxed)
    }

    /// Sets the default float dtype by name ("bfloat16", "float16", "float32" or "float64"), as
    /// Keras' `set_floatx`; anything else throws `.invalidArgument` naming the accepted values.
    public static func setFloatx(name: String) throws {
        guard let d = floatxChoices.first(where: { $0.name == name }) else { throw unknownFloatx(name) }
        try setFloatx(d)
    }

    private static func unknownFloatx(_ value: String) -> SwiftKerasError {
        let accepted = floatxChoices.map { "'\($0.name)'" }.joined(separator: ", ")
        return SwiftKerasError(.invalidArgument, "Unknown `floatx` value: \(value). Expected one of {\(accepted)}")
    }

    /// The fuzz factor used in numeric expressions (Keras `epsilon()`, initially 1e-7).
    public static var epsilon: Double {
        Double(bitPattern: epsilonBits.load(ordering: .relaxed))
    }

    /// Sets the fuzz factor (Keras `set_epsilon`; any value is accepted, as in Keras).
    public static func setEpsilon(_ value: Double) {
        epsilonBits.store(value.bitPattern, ordering: .relaxed)
    }

    /// The default image data format (Keras `image_data_format()`, initially channels_last).
    public static var imageDataFormat: DataFormat {
        channelsFirst.load(ordering: .relaxed) ? .channelsFirst : .channelsLast
    }

    /// Sets the default image data format.
    public static func setImageDataFormat(_ format: DataFormat) {
        channelsFirst.store(format == .channelsFirst, ordering: .relaxed)
    }

    /// Sets the default image data format by name, as Keras' `set_image_data_format` (the name is
    /// lowercased first); anything but "channels_last" / "channels_first" throws
    /// `.invalidArgument`.
    public static func setImageDataFormat(name: String) throws {
        let lowered = name.lowercased()
        guard let f = DataFormat(rawValue: lowered) else {
            throw SwiftKerasError(.invalidArgument,
                                  "The `data_format` argument must be one of {'channels_last', 'channels_first'}. Received: data_format=\(lowered)")
        }
        setImageDataFormat(f)
    }
}

extension DType {
    /// The default float dtype, `KerasSettings.floatx` (Keras `floatx()`).
    public static var floatx: DType { KerasSettings.floatx }
}
