// keras.applications: the architectures of tf.keras 2 (tf_keras/applications/vgg16.py, vgg19.py,
// resnet.py, mobilenet_v2.py) as functional models with random weights (`weights=None`). Each
// layer is made from its Keras config (`layerFromConfig`), so names, arguments and parameter
// counts are Keras' own: VGG16 138,357,544, VGG19 143,667,240, ResNet50 25,636,712,
// MobileNetV2 3,538,984 with the default top.

/// The arguments of a `keras.applications` builder (tf.keras 2's, `weights=None`).
public struct ApplicationOptions: Sendable {
    /// Whether the classifier on top is included (`include_top`).
    public var includeTop = true
    /// The input shape without the batch dimension (`input_shape`; -1 for an unknown size); nil
    /// gives Keras' default: (224, 224, 3) with the top, (-1, -1, 3) without.
    public var inputShape: [Int]?
    /// "avg", "max" or nil: the pooling after the last block when `includeTop` is false.
    public var pooling: String?
    /// The number of classes of the top's classifier (`classes`).
    public var classes = 1000
    /// The activation of the top's classifier (`classifier_activation`); nil is linear.
    public var classifierActivation: String? = "softmax"
    /// MobileNetV2's width multiplier (`alpha`).
    public var alpha = 1.0

    /// The defaults of tf.keras 2.
    public init() {}

    /// Reads tf.keras 2's argument names: "include_top", "input_shape", "pooling", "classes",
    /// "classifier_activation", "alpha" (MobileNetV2 only) and "weights" (only null: pretrained
    /// weights are never downloaded). Unknown keys are an error.
    public init(config: ConfigValue, application: String) throws {
        var r = try ConfigReader(config, owner: application)
        if let w = r.raw("weights") {
            throw SwiftKerasError(.unimplemented, "\(application): weights=\(w.json) is not supported: pretrained weights are not downloaded; pass weights=None (random initialization) and load weights from a file with load_weights")
        }
        includeTop = try r.bool("include_top", true)
        inputShape = try r.ints("input_shape")
        if let p = try r.string("pooling") {
            if p != "avg" && p != "max" {
                throw SwiftKerasError(.invalidArgument, "\(application): pooling must be None, 'avg' or 'max', got '\(p)'")
            }
            pooling = p
        }
        classes = try r.int("classes", 1000)
        if r.has("classifier_activation") {
            classifierActivation = try r.string("classifier_activation")
        }
        if application == "MobileNetV2" {
            alpha = try r.double("alpha", 1.0)
        }
        try r.finish()
        if classes < 1 {
            throw SwiftKerasError(.invalidArgument, "\(application): classes must be positive, got \(classes)")
        }
    }
}

/// The `keras.applications` architectures the core builds, by Keras name.
public enum Applications {
    /// The names `model(named:options:)` knows.
    public static let names = ["VGG16", "VGG19", "ResNet50", "MobileNetV2"]

    /// The functional model of the architecture `name` with fresh random weights.
    ///
    /// - Throws: `.invalidArgument` for an unknown name or invalid options (an input shape that
    ///   is not three dimensions of at least 32, or not static with the top included, as
    ///   Keras' `obtain_input_shape`).
    public static func model(named name: String, options: ApplicationOptions) throws -> Model {
        switch name {
        case "VGG16": return try vgg(blocks: [2, 2, 3, 3, 3], name: "vgg16", options)
        case "VGG19": return try vgg(blocks: [2, 2, 4, 4, 4], name: "vgg19", options)
        case "ResNet50": return try resNet50(options)
        case "MobileNetV2": return try mobileNetV2(options)
        default:
            throw SwiftKerasError(.invalidArgument, "applications: unknown application '\(name)' (known: \(names.joined(separator: ", ")))")
        }
    }

    /// The model of `name` from a JSON config of tf.keras 2's arguments (the C API's
    /// `sk_application_create`).
    public static func model(named name: String, configJSON: String) throws -> Model {
        guard names.contains(name) else { return try model(named: name, options: ApplicationOptions()) }
        let config = try ConfigValue.parse(json: configJSON.isEmpty ? "{}" : configJSON)
        return try model(named: name, options: try ApplicationOptions(config: config, application: name))
    }

    // MARK: Shared pieces

    /// The input layer's name: tf.keras 2's first automatic Input name (names are unique
    /// within one model; tf.keras numbers the inputs of later models input_2, input_3, ...).
    static let inputName = "input_1"

    /// Keras' `imagenet_utils.obtain_input_shape` for `weights=None`, channels last.
    static func inputShape(_ o: ApplicationOptions, defaultSize: Int, minSize: Int, _ app: String) throws -> [Int] {
        guard let shape = o.inputShape else {
            return o.includeTop ? [defaultSize, defaultSize, 3] : [-1, -1, 3]
        }
        if shape.count != 3 {
            throw SwiftKerasError(.invalidArgument, "\(app): `input_shape` must be a tuple of three integers, got \(formatSymbolicShape(shape))")
        }
        if (shape[0] >= 0 && shape[0] < minSize) || (shape[1] >= 0 && shape[1] < minSize) {
            throw SwiftKerasError(.invalidArgument, "\(app): Input size must be at least \(minSize)x\(minSize); Received: input_shape=\(formatSymbolicShape(shape))")
        }
        if o.includeTop && shape.contains(-1) {
            throw SwiftKerasError(.invalidArgument, "\(app): If `include_top` is True, you should specify a static `input_shape`. Received: input_shape=\(formatSymbolicShape(shape))")
        }
        return shape
    }

    /// The layer of class `cls` made from `config` called on `inputs`.
    static func apply(_ cls: String, _ config: [String: ConfigValue], _ inputs: KerasTensor...) throws -> KerasTensor {
        let layer = try layerFromConfig(className: cls, config: .object(config))
        return inputs.count == 1 ? try layer(inputs[0]) : try layer(inputs)
    }

    /// The classifier on top (`Dense(classes, classifier_activation, name="predictions")`) after
    /// `pool`, or the optional pooling of a headless model.
    static func head(_ x: KerasTensor, _ o: ApplicationOptions, topPool: (String, [String: ConfigValue])?,
                     poolNames: (avg: String?, max: String?)) throws -> KerasTensor {
        var x = x
        if o.includeTop {
            if let pool = topPool { x = try apply(pool.0, pool.1, x) }
            return try apply("Dense", ["units": .int(o.classes), "name": .string("predictions"),
                                       "activation": o.classifierActivation.map { ConfigValue.string($0) } ?? .string("linear")], x)
        }
        func named(_ n: String?) -> [String: ConfigValue] { n.map { ["name": .string($0)] } ?? [:] }
        switch o.pooling {
        case "avg": return try apply("GlobalAveragePooling2D", named(poolNames.avg), x)
        case "max": return try apply("GlobalMaxPooling2D", named(poolNames.max), x)
        default: return x
        }
    }

    // MARK: VGG16 / VGG19

    /// tf.keras 2's VGG: blocks of 3x3 "same" ReLU convolutions (64, 128, 256, 512, 512 filters)
    /// each ending in a 2x2 max pooling; the top is Flatten, fc1 and fc2 (4096 ReLU units) and
    /// the classifier.
    static func vgg(blocks: [Int], name: String, _ o: ApplicationOptions) throws -> Model {
        let app = name == "vgg16" ? "VGG16" : "VGG19"
        let input = try Input(shape: try inputShape(o, defaultSize: 224, minSize: 32, app), name: inputName)
        var x = input
        for (b, (convs, filters)) in zip(blocks, [64, 128, 256, 512, 512]).enumerated() {
            for c in 1...convs {
                x = try apply("Conv2D", ["filters": .int(filters), "kernel_size": .ints([3, 3]), "activation": .string("relu"),
                                         "padding": .string("same"), "name": .string("block\(b + 1)_conv\(c)")], x)
            }
            x = try apply("MaxPooling2D", ["pool_size": .ints([2, 2]), "strides": .ints([2, 2]),
                                           "name": .string("block\(b + 1)_pool")], x)
        }
        if o.includeTop {
            x = try apply("Flatten", ["name": .string("flatten")], x)
            x = try apply("Dense", ["units": .int(4096), "activation": .string("relu"), "name": .string("fc1")], x)
            x = try apply("Dense", ["units": .int(4096), "activation": .string("relu"), "name": .string("fc2")], x)
        }
        x = try head(x, o, topPool: nil, poolNames: (nil, nil))
        return try Model(inputs: [input], outputs: [x], name: name)
    }

    // MARK: ResNet50

    /// A convolution + batch normalization (+ ReLU) step of a ResNet block.
    private static func convBN(_ x: KerasTensor, _ filters: Int, _ kernel: Int, stride: Int = 1, padding: String = "valid",
                               name: String, relu: String?) throws -> KerasTensor {
        var y = try apply("Conv2D", ["filters": .int(filters), "kernel_size": .ints([kernel, kernel]),
                                     "strides": .ints([stride, stride]), "padding": .string(padding),
                                     "name": .string(name + "_conv")], x)
        y = try apply("BatchNormalization", ["axis": .int(3), "epsilon": .double(1.001e-5), "name": .string(name + "_bn")], y)
        if let relu { y = try apply("Activation", ["activation": .string("relu"), "name": .string(relu)], y) }
        return y
    }

    /// tf.keras 2's `block1`: a bottleneck residual block (1x1, 3x3, 1x1 convolutions), with a
    /// 1x1 convolution shortcut in the first block of a stack.
    private static func block1(_ x: KerasTensor, _ filters: Int, stride: Int, convShortcut: Bool, name: String) throws -> KerasTensor {
        let shortcut = convShortcut ? try convBN(x, 4 * filters, 1, stride: stride, name: name + "_0", relu: nil) : x
        var y = try convBN(x, filters, 1, stride: stride, name: name + "_1", relu: name + "_1_relu")
        y = try convBN(y, filters, 3, padding: "same", name: name + "_2", relu: name + "_2_relu")
        y = try convBN(y, 4 * filters, 1, name: name + "_3", relu: nil)
        y = try apply("Add", ["name": .string(name + "_add")], shortcut, y)
        return try apply("Activation", ["activation": .string("relu"), "name": .string(name + "_out")], y)
    }

    /// tf.keras 2's ResNet50 (`ResNet(stack_fn, preact=False, use_bias=True, "resnet50")`).
    static func resNet50(_ o: ApplicationOptions) throws -> Model {
        let input = try Input(shape: try inputShape(o, defaultSize: 224, minSize: 32, "ResNet50"), name: inputName)
        var x = try apply("ZeroPadding2D", ["padding": .array([.ints([3, 3]), .ints([3, 3])]), "name": .string("conv1_pad")], input)
        x = try convBN(x, 64, 7, stride: 2, name: "conv1", relu: "conv1_relu")
        x = try apply("ZeroPadding2D", ["padding": .array([.ints([1, 1]), .ints([1, 1])]), "name": .string("pool1_pad")], x)
        x = try apply("MaxPooling2D", ["pool_size": .ints([3, 3]), "strides": .ints([2, 2]), "name": .string("pool1_pool")], x)
        for (stack, (filters, blocks, stride)) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)].enumerated() {
            for b in 1...blocks {
                x = try block1(x, filters, stride: b == 1 ? stride : 1, convShortcut: b == 1,
                               name: "conv\(stack + 2)_block\(b)")
            }
        }
        x = try head(x, o, topPool: ("GlobalAveragePooling2D", ["name": .string("avg_pool")]),
                     poolNames: ("avg_pool", "max_pool"))
        return try Model(inputs: [input], outputs: [x], name: "resnet50")
    }

    // MARK: MobileNetV2

    /// tf.keras 2's `_make_divisible`.
    static func makeDivisible(_ v: Double, _ divisor: Int) -> Int {
        var newV = Swift.max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
        if Double(newV) < 0.9 * v { newV += divisor }
        return newV
    }

    /// Batch normalization as MobileNetV2 uses it.
    private static func mobileBN(_ x: KerasTensor, _ name: String) throws -> KerasTensor {
        try apply("BatchNormalization", ["axis": .int(-1), "epsilon": .double(1e-3), "momentum": .double(0.999),
                                         "name": .string(name)], x)
    }

    /// ReLU6 as MobileNetV2 uses it.
    private static func relu6(_ x: KerasTensor, _ name: String) throws -> KerasTensor {
        try apply("ReLU", ["max_value": .double(6), "name": .string(name)], x)
    }

    /// A 1x1 convolution without bias.
    private static func pointwise(_ x: KerasTensor, _ filters: Int, _ name: String) throws -> KerasTensor {
        try apply("Conv2D", ["filters": .int(filters), "kernel_size": .ints([1, 1]), "padding": .string("same"),
                             "use_bias": .bool(false), "name": .string(name)], x)
    }

    /// tf.keras 2's `_inverted_res_block`.
    private static func invertedResBlock(_ inputs: KerasTensor, expansion: Int, stride: Int, alpha: Double, filters: Int,
                                         blockID: Int) throws -> KerasTensor {
        let inChannels = inputs.shape.last ?? -1
        let pointwiseFilters = makeDivisible(Double(Int(Double(filters) * alpha)), 8)
        var x = inputs
        var prefix = "block_\(blockID)_"
        if blockID > 0 {
            x = try pointwise(x, expansion * inChannels, prefix + "expand")
            x = try mobileBN(x, prefix + "expand_BN")
            x = try relu6(x, prefix + "expand_relu")
        } else {
            prefix = "expanded_conv_"
        }
        if stride == 2 {
            // imagenet_utils.correct_pad(x, 3): one row/column less before an even (or unknown) size
            let h = x.shape[1], w = x.shape[2]
            let top = h >= 0 && h % 2 == 1 ? 1 : 0, left = w >= 0 && w % 2 == 1 ? 1 : 0
            x = try apply("ZeroPadding2D", ["padding": .array([.ints([top, 1]), .ints([left, 1])]), "name": .string(prefix + "pad")], x)
        }
        x = try apply("DepthwiseConv2D", ["kernel_size": .ints([3, 3]), "strides": .ints([stride, stride]), "use_bias": .bool(false),
                                          "padding": .string(stride == 1 ? "same" : "valid"), "name": .string(prefix + "depthwise")], x)
        x = try mobileBN(x, prefix + "depthwise_BN")
        x = try relu6(x, prefix + "depthwise_relu")
        x = try pointwise(x, pointwiseFilters, prefix + "project")
        x = try mobileBN(x, prefix + "project_BN")
        if inChannels == pointwiseFilters && stride == 1 {
            return try apply("Add", ["name": .string(prefix + "add")], inputs, x)
        }
        return x
    }

    /// tf.keras 2's MobileNetV2 (named "mobilenetv2_<alpha>_<rows>").
    static func mobileNetV2(_ o: ApplicationOptions) throws -> Model {
        if !(o.alpha > 0 && o.alpha <= 1000) {
            throw SwiftKerasError(.invalidArgument, "MobileNetV2: alpha must be in (0, 1000], got \(o.alpha)")
        }
        var defaultSize = 224
        if let s = o.inputShape, s.count == 3, s[0] == s[1], [96, 128, 160, 192, 224].contains(s[0]) { defaultSize = s[0] }
        let shape = try inputShape(o, defaultSize: defaultSize, minSize: 32, "MobileNetV2")
        let input = try Input(shape: shape, name: inputName)
        var x = try apply("Conv2D", ["filters": .int(makeDivisible(32 * o.alpha, 8)), "kernel_size": .ints([3, 3]),
                                     "strides": .ints([2, 2]), "padding": .string("same"), "use_bias": .bool(false),
                                     "name": .string("Conv1")], input)
        x = try mobileBN(x, "bn_Conv1")
        x = try relu6(x, "Conv1_relu")
        let plan: [(filters: Int, stride: Int, expansion: Int)] = [
            (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
            (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
        ]
        for (id, p) in plan.enumerated() {
            x = try invertedResBlock(x, expansion: p.expansion, stride: p.stride, alpha: o.alpha, filters: p.filters, blockID: id)
        }
        let lastFilters = o.alpha > 1 ? makeDivisible(1280 * o.alpha, 8) : 1280
        x = try apply("Conv2D", ["filters": .int(lastFilters), "kernel_size": .ints([1, 1]), "use_bias": .bool(false),
                                 "name": .string("Conv_1")], x)
        x = try mobileBN(x, "Conv_1_bn")
        x = try relu6(x, "out_relu")
        x = try head(x, o, topPool: ("GlobalAveragePooling2D", [:]), poolNames: (nil, nil))
        let rows = shape[0] >= 0 ? String(shape[0]) : "None"
        return try Model(inputs: [input], outputs: [x], name: "mobilenetv2_\(formatFixed(o.alpha, digits: 2))_\(rows)")
    }
}
