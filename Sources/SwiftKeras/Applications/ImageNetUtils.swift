// keras.applications.imagenet_utils (tf_keras/applications/imagenet_utils.py): `preprocess_input`
// in its three modes and `decode_predictions` over Keras' class index file.

/// tf.keras 2's `keras.applications.imagenet_utils`.
public enum ImageNetUtils {
    /// Where Keras downloads the class index from (`CLASS_INDEX_PATH`).
    public static let classIndexURL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"

    /// `preprocess_input(x, data_format, mode)`: "tf" scales to [-1, 1] (x / 127.5 - 1); "torch"
    /// scales to [0, 1] and normalizes each channel by ImageNet's mean and standard deviation;
    /// "caffe" turns RGB into BGR and subtracts ImageNet's BGR mean per channel (no scaling). The
    /// channel axis is the last with "channels_last", else the first of a 3-D image or the second
    /// of a batch; `dataFormat` nil is `image_data_format()`. Integer input becomes `floatx` first
    /// (as tf.keras 2 does for numpy arrays); float input keeps its dtype.
    ///
    /// - Throws: `.invalidArgument` for an unknown mode or data format, or an input whose channel
    ///   axis does not have 3 entries (caffe and torch modes).
    public static func preprocessInput(_ x: Tensor, mode: String, dataFormat: String?) throws -> Tensor {
        let format: DataFormat
        if let dataFormat {
            guard let f = DataFormat(rawValue: dataFormat) else {
                throw SwiftKerasError(.invalidArgument, "preprocess_input: Unknown data_format \(dataFormat)")
            }
            format = f
        } else {
            format = KerasSettings.imageDataFormat
        }
        guard ["caffe", "tf", "torch"].contains(mode) else {
            throw SwiftKerasError(.invalidArgument, "preprocess_input: Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode=\(mode)")
        }
        guard x.dtype != .string else { throw SwiftKerasError(.invalidArgument, "preprocess_input: a string tensor is not an image") }
        var t = x.dtype.isFloatingPoint ? x : try x.cast(to: DType.floatx)
        if mode == "tf" { return try t / Scalar.float(127.5) - Scalar.float(1) }
        let axis = format == .channelsLast ? x.rank - 1 : (x.rank == 3 ? 0 : 1)
        guard x.rank >= 1, axis >= 0, axis < x.rank, x.shape[axis] == 3 else {
            throw SwiftKerasError(.invalidArgument, "preprocess_input: mode '\(mode)' needs 3 channels on axis \(axis) (\(format.rawValue)) of the input, got shape \(formatShape(x.shape))")
        }
        let shape = [3] + [Int](repeating: 1, count: x.rank - 1 - axis)
        func perChannel(_ v: [Double]) throws -> Tensor { try Tensor.from(doubles: v, shape: shape, dtype: t.dtype) }
        if mode == "torch" {
            t = try t / Scalar.float(255)
            return try (t - perChannel([0.485, 0.456, 0.406])) / perChannel([0.229, 0.224, 0.225])
        }
        t = try t.reversed(alongAxes: [axis])
        return try t - perChannel([103.939, 116.779, 123.68])
    }

    /// `decode_predictions(preds, top)`: for each row of `preds` (samples, 1000), the `top`
    /// classes by score (numpy's `argsort()[-top:][::-1]`, then sorted by score) as (class id,
    /// name, score), names from Keras' class index JSON at `classIndexPath`
    /// (`~/.keras/models/imagenet_class_index.json`, which the caller resolves).
    ///
    /// - Throws: `.invalidArgument` for predictions that are not (samples, 1000); `.io` naming
    ///   the URL and the path when the class index file is missing or is not Keras' index.
    public static func decodePredictions(_ preds: Tensor, top: Int, classIndexPath: String) throws -> [[(id: String, name: String, score: Double)]] {
        guard preds.rank == 2, preds.shape[1] == 1000 else {
            throw SwiftKerasError(.invalidArgument, "decode_predictions expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). Received array with shape: \(formatShape(preds.shape))")
        }
        guard preds.dtype != .string else { throw SwiftKerasError(.invalidArgument, "decode_predictions: predictions must be numbers") }
        let reader: FileIO.Reader
        do {
            reader = try FileIO.Reader(path: classIndexPath, op: "decode_predictions")
        } catch let e as SwiftKerasError {
            throw SwiftKerasError(.io, "decode_predictions needs Keras' ImageNet class index: download \(classIndexURL) and put it at '\(classIndexPath)' (\(e.message))")
        }
        guard reader.size < 1 << 24 else { throw SwiftKerasError(.io, "decode_predictions: '\(classIndexPath)' is too large for Keras' class index") }
        let index = try ConfigValue.parse(json: String(decoding: try reader.bytes(count: reader.size, at: 0), as: UTF8.self))
        var names: [(String, String)] = []
        for i in 0..<1000 {
            guard case .array(let pair)? = index[String(i)], pair.count == 2, case .string(let id) = pair[0], case .string(let name) = pair[1] else {
                throw SwiftKerasError(.io, "decode_predictions: '\(classIndexPath)' is not Keras' ImageNet class index (entry \"\(i)\" is not [id, name]; download \(classIndexURL))")
            }
            names.append((id, name))
        }
        let n = 1000
        let k = top > 0 ? min(top, n) : (top == 0 ? n : max(n + top, 0))
        let values = preds.doubles
        func below(_ a: Double, _ b: Double) -> Bool { b.isNaN ? !a.isNaN : a < b }   // NaN sorts last, as numpy
        // numpy's stable argsort()[-k:][::-1] then Python's stable sort by score, reversed: by
        // score, best first, equal scores by decreasing index
        return (0..<preds.shape[0]).map { r in
            let row = Array(values[(r * n)..<((r + 1) * n)])
            let order = (0..<n).sorted { a, b in below(row[b], row[a]) || (!below(row[a], row[b]) && a > b) }
            return order.prefix(k).map { (id: names[$0].0, name: names[$0].1, score: row[$0]) }
        }
    }

    /// `decodePredictions` as JSON: a list per sample of [id, name, score] lists.
    public static func decodePredictionsJSON(_ preds: Tensor, top: Int, classIndexPath: String) throws -> String {
        let rows = try decodePredictions(preds, top: top, classIndexPath: classIndexPath)
        return ConfigValue.array(rows.map { .array($0.map { .array([.string($0.id), .string($0.name), .double($0.score)]) }) }).json
    }
}
