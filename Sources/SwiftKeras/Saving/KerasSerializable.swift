// The one serialization protocol of Keras objects and the one registry of their classes (Keras
// `get_config` / `from_config` and `keras.saving.register_keras_serializable`). Each class
// adopts the protocol beside its definition; the registry lists the built-in classes once and
// holds the custom classes that C and Python register.

import Synchronization

/// A Keras class whose objects turn into a config and back (Keras `get_config()` /
/// `cls.from_config(config)`): `try T(config: object.getConfig())` builds an equal object.
///
/// The built-in layers, losses, metrics, optimizers, learning-rate schedules, initializers,
/// regularizers and callbacks adopt it beside their definitions and are listed in `KerasRegistry`.
public protocol KerasSerializable: AnyObject {
    /// The Keras class name ("Dense", "Adam", "AUC", ...), the `class_name` of serialized configs.
    static var className: String { get }
    /// Other names that stand for the class when deserializing ("acc" for `Accuracy`, "mse" for
    /// `MeanSquaredError`); none by default.
    static var aliases: [String] { get }
    /// The object's config: its constructor arguments with Keras' keys.
    func getConfig() throws -> ConfigValue
    /// Builds an object from a config as `getConfig` writes it (missing keys take the Keras
    /// defaults; unknown keys and wrongly typed values throw `.invalidArgument` or
    /// `.invalidDType` naming the class and the key).
    init(config: ConfigValue) throws
}

extension KerasSerializable {
    /// No aliases.
    public static var aliases: [String] { [] }
}

/// The kinds of Keras objects; each is a separate namespace of class names in `KerasRegistry`.
public enum KerasObjectKind: String, CaseIterable, Sendable {
    /// Layers (`keras.layers`).
    case layer
    /// Loss classes (`keras.losses`).
    case loss
    /// Metric classes (`keras.metrics`).
    case metric
    /// Optimizers (`keras.optimizers`); their names match case-insensitively, as Keras' `get`.
    case optimizer
    /// Learning-rate schedules (`keras.optimizers.schedules`).
    case learningRateSchedule = "learning_rate_schedule"
    /// Initializers (`keras.initializers`).
    case initializer
    /// Regularizers (`keras.regularizers`).
    case regularizer
    /// Weight constraints (`keras.constraints`).
    case constraint
    /// Callbacks (`keras.callbacks`) that a config describes completely.
    case callback
    /// Models (`keras.Sequential`, functional `keras.Model`): open classes that users subclass,
    /// so the built-ins are listed as factories (`builtinFactories`) rather than as types.
    case model

    /// The kind in words ("learning rate schedule").
    var displayName: String { rawValue.replacingUnderscores }

    /// "an" or "a", for messages.
    var article: String { displayName.first.map { "aeiou".contains($0) } == true ? "an" : "a" }

    /// Whether class names of this kind match regardless of case.
    var matchesCaseInsensitively: Bool { self == .optimizer }
}

/// A factory building an object from its config (a custom class registered in `KerasRegistry`).
public typealias KerasObjectFactory = (ConfigValue) throws -> AnyObject

/// The registry of Keras classes by kind and class name (Keras
/// `keras.saving.register_keras_serializable`): the built-in classes, listed once, and the
/// custom classes C and Python register so that configs naming them can be deserialized.
/// Deserializing is a lookup here plus `init(config:)`; serializing is `getConfig()` plus the
/// class's `className`.
public enum KerasRegistry {
    /// The built-in classes of each kind, in the order error messages list them.
    static let builtins: [KerasObjectKind: [any KerasSerializable.Type]] = [
        .layer: [
            InputLayer.self, Dense.self, Activation.self, Dropout.self, Flatten.self, Reshape.self,
            Permute.self, RepeatVector.self, BatchNormalization.self, LayerNormalization.self, Conv1D.self,
            Conv2D.self, Conv2DTranspose.self, DepthwiseConv2D.self, SeparableConv2D.self, MaxPooling1D.self,
            MaxPooling2D.self, AveragePooling1D.self, AveragePooling2D.self, GlobalAveragePooling1D.self,
            GlobalAveragePooling2D.self, GlobalMaxPooling1D.self, GlobalMaxPooling2D.self, ZeroPadding2D.self,
            UpSampling2D.self, Embedding.self, SimpleRNN.self, LSTM.self, GRU.self, Add.self, Subtract.self,
            Multiply.self, Average.self, Maximum.self, Minimum.self, Concatenate.self, Dot.self, LeakyReLU.self,
            ReLU.self, PReLU.self, ELU.self, Softmax.self, ThresholdedReLU.self, ZeroPadding1D.self, Cropping1D.self,
            Cropping2D.self, UpSampling1D.self, MultiHeadAttention.self, Attention.self, AdditiveAttention.self,
            GaussianNoise.self, GaussianDropout.self, AlphaDropout.self, SpatialDropout1D.self, SpatialDropout2D.self,
            SpatialDropout3D.self, ActivityRegularization.self, UnitNormalization.self, GroupNormalization.self,
            MaxPooling3D.self, AveragePooling3D.self, GlobalAveragePooling3D.self, GlobalMaxPooling3D.self,
            Conv3D.self, Conv1DTranspose.self, Conv3DTranspose.self, SeparableConv1D.self,
            Masking.self, TimeDistributed.self, Bidirectional.self,
            RNN.self, SimpleRNNCell.self, LSTMCell.self, GRUCell.self, StackedRNNCells.self,
            Normalization.self, Rescaling.self, CategoryEncoding.self, StringLookup.self, IntegerLookup.self,
            TextVectorization.self, Resizing.self, CenterCrop.self, Hashing.self, Discretization.self, RandomFlip.self,
            RandomRotation.self, RandomZoom.self, RandomTranslation.self, RandomContrast.self, RandomCrop.self,
            RandomHeight.self, RandomWidth.self, RandomBrightness.self,
        ],
        .loss: [
            Losses.MeanSquaredError.self, Losses.MeanAbsoluteError.self, Losses.MeanAbsolutePercentageError.self,
            Losses.MeanSquaredLogarithmicError.self, Losses.Huber.self, Losses.LogCosh.self,
            Losses.BinaryCrossentropy.self, Losses.CategoricalCrossentropy.self,
            Losses.SparseCategoricalCrossentropy.self, Losses.BinaryFocalCrossentropy.self,
            Losses.CategoricalFocalCrossentropy.self, Losses.KLDivergence.self, Losses.Poisson.self,
            Losses.Hinge.self, Losses.SquaredHinge.self, Losses.CategoricalHinge.self, Losses.CosineSimilarity.self,
        ],
        .metric: [
            Metrics.Mean.self, Metrics.Accuracy.self, Metrics.BinaryAccuracy.self, Metrics.CategoricalAccuracy.self,
            Metrics.SparseCategoricalAccuracy.self, Metrics.TopKCategoricalAccuracy.self,
            Metrics.SparseTopKCategoricalAccuracy.self, Metrics.MeanAbsoluteError.self,
            Metrics.MeanSquaredError.self, Metrics.RootMeanSquaredError.self, Metrics.Precision.self,
            Metrics.Recall.self, Metrics.AUC.self, Metrics.Sum.self, Metrics.BinaryCrossentropy.self,
            Metrics.CategoricalCrossentropy.self, Metrics.SparseCategoricalCrossentropy.self,
            Metrics.MeanAbsolutePercentageError.self, Metrics.MeanSquaredLogarithmicError.self,
            Metrics.LogCoshError.self, Metrics.Hinge.self, Metrics.SquaredHinge.self, Metrics.CategoricalHinge.self,
            Metrics.KLDivergence.self, Metrics.Poisson.self, Metrics.CosineSimilarity.self, Metrics.R2Score.self,
            Metrics.TruePositives.self, Metrics.FalsePositives.self, Metrics.TrueNegatives.self,
            Metrics.FalseNegatives.self, Metrics.SensitivityAtSpecificity.self, Metrics.SpecificityAtSensitivity.self,
            Metrics.PrecisionAtRecall.self, Metrics.RecallAtPrecision.self, Metrics.IoU.self, Metrics.MeanIoU.self,
            Metrics.BinaryIoU.self, Metrics.FBetaScore.self, Metrics.F1Score.self,
        ],
        .optimizer: [
            Adadelta.self, Adafactor.self, Adagrad.self, Adam.self, AdamW.self, Adamax.self, Ftrl.self, Lion.self,
            LossScaleOptimizer.self, Nadam.self, RMSprop.self, SGD.self,
        ],
        .learningRateSchedule: [
            CosineDecay.self, ExponentialDecay.self, InverseTimeDecay.self, PiecewiseConstantDecay.self,
            PolynomialDecay.self,
        ],
        .initializer: [
            Zeros.self, Ones.self, Constant.self, RandomNormal.self, RandomUniform.self, TruncatedNormal.self,
            GlorotUniform.self, GlorotNormal.self, HeNormal.self, HeUniform.self, LecunNormal.self,
            LecunUniform.self, VarianceScaling.self, Orthogonal.self, IdentityInitializer.self,
        ],
        .regularizer: [L1.self, L2.self, L1L2.self],
        .constraint: [MaxNorm.self, NonNeg.self, UnitNorm.self, MinMaxNorm.self, RadialConstraint.self],
        .callback: [
            EarlyStopping.self, ReduceLROnPlateau.self, ModelCheckpoint.self, TerminateOnNaN.self, CSVLogger.self,
            ProgbarLogger.self, History.self, TensorBoard.self, BackupAndRestore.self,
        ],
    ]

    /// The built-in classes listed by factory instead of by type (open classes whose subclasses
    /// must not inherit a required `init(config:)`): class name (and aliases) → builder.
    static let builtinFactories: [KerasObjectKind: [(names: [String], make: KerasObjectFactory)]] = [
        .model: [
            (["Sequential"], { try sequentialFromConfig($0) }),
            (["Functional", "Model"], { try functionalFromConfig($0) }),
        ],
    ]

    /// The builder of a built-in class listed by factory, by its name or an alias.
    static func builtinFactory(_ kind: KerasObjectKind, named name: String) -> KerasObjectFactory? {
        builtinFactories[kind]?.first { $0.names.contains(name) }?.make
    }

    private struct Key: Hashable {
        var kind: KerasObjectKind
        var className: String
    }

    private static let custom = Mutex<[Key: KerasObjectFactory]>([:])

    /// The built-in classes of `kind`.
    public static func builtinClasses(_ kind: KerasObjectKind) -> [any KerasSerializable.Type] {
        builtins[kind] ?? []
    }

    /// The class names of the built-in classes of `kind`.
    public static func builtinClassNames(_ kind: KerasObjectKind) -> [String] {
        builtinClasses(kind).map { $0.className } + (builtinFactories[kind] ?? []).map { $0.names[0] }
    }

    /// The built-in class of `kind` that `name` (its class name or an alias) stands for.
    public static func builtinClass(_ kind: KerasObjectKind, named name: String) -> (any KerasSerializable.Type)? {
        let folded = kind.matchesCaseInsensitively ? name.lowercased() : name
        return builtinClasses(kind).first { t in
            ([t.className] + t.aliases).contains { kind.matchesCaseInsensitively ? $0.lowercased() == folded : $0 == folded }
        }
    }

    /// Registers (or replaces) the custom class `className` of `kind`, built by `factory`.
    ///
    /// - Throws: `.invalidArgument` when `className` names a built-in class of that kind.
    public static func register(_ kind: KerasObjectKind, className: String, factory: @escaping KerasObjectFactory) throws {
        if builtinClass(kind, named: className) != nil || builtinFactory(kind, named: className) != nil {
            throw SwiftKerasError(.invalidArgument, "KerasRegistry: '\(className)' is a built-in \(kind.displayName) class and cannot be re-registered")
        }
        custom.withLock { $0[Key(kind: kind, className: className)] = factory }
    }

    /// Registers (or replaces) the custom class `type` of `kind` under its `className`, built by
    /// its `init(config:)`.
    ///
    /// - Throws: `.invalidArgument` when the name is a built-in class of that kind.
    public static func register(_ kind: KerasObjectKind, _ type: any KerasSerializable.Type) throws {
        try register(kind, className: type.className) { try type.init(config: $0) }
    }

    /// Removes a registered custom class (nothing happens for an unknown name).
    public static func unregister(_ kind: KerasObjectKind, className: String) {
        _ = custom.withLock { $0.removeValue(forKey: Key(kind: kind, className: className)) }
    }

    /// The factory of a registered custom class.
    public static func customFactory(_ kind: KerasObjectKind, className: String) -> KerasObjectFactory? {
        custom.withLock { $0[Key(kind: kind, className: className)] }
    }

    /// The object of kind `kind` and class `className` (a built-in class name or alias, or a
    /// registered custom class) built from `config`; nil when no such class is known.
    public static func deserialize(_ kind: KerasObjectKind, className: String, config: ConfigValue) throws -> AnyObject? {
        if let t = builtinClass(kind, named: className) { return try t.init(config: config) }
        if let f = builtinFactory(kind, named: className) ?? customFactory(kind, className: className) {
            return try f(config)
        }
        return nil
    }

    /// `{"class_name": ..., "config": object.getConfig()}` for an object whose exact class is a
    /// built-in class of `kind`.
    ///
    /// - Throws: `.invalidArgument` for other objects (closures, custom classes), which have no config.
    static func serializeBuiltin(_ object: AnyObject, _ kind: KerasObjectKind) throws -> ConfigValue {
        guard let s = object as? any KerasSerializable, let cls = builtinClassName(of: s, kind) else {
            throw SwiftKerasError(.invalidArgument, "get_config: the \(kind.displayName) \(String(describing: type(of: object))) is not a built-in \(kind.displayName) and cannot be serialized")
        }
        return serialized(cls, try s.getConfig())
    }

    /// An object of `kind` from a name (looked up by `named`) or Keras' serialized form
    /// `{"class_name": ..., "config": ...}`; errors are prefixed with `owner`.
    static func deserialize<T>(_ value: ConfigValue, _ kind: KerasObjectKind, owner: String,
                               named: (String) throws -> T) throws -> T {
        if case .string(let s) = value { return try named(s) }
        guard case .string(let cls)? = value["class_name"] else {
            throw SwiftKerasError(.invalidArgument, "\(owner): \(kind.article) \(kind.displayName) must be a name or {\"class_name\": ..., \"config\": ...}, got \(value.json)")
        }
        let object = try withErrorPrefix(owner) {
            try deserialize(kind, className: cls, config: value["config"] ?? .object([:]))
        }
        guard let result = object as? T else {
            throw SwiftKerasError(.invalidArgument, "\(owner): unknown \(kind.displayName) class '\(cls)'")
        }
        return result
    }

    /// The Keras class name of `object` when its exact class is a built-in class of `kind` (so
    /// that `getConfig` and `deserialize` round-trip), nil for other classes (custom subclasses,
    /// closure wrappers).
    public static func builtinClassName(of object: AnyObject, _ kind: KerasObjectKind) -> String? {
        let id = ObjectIdentifier(type(of: object))
        return builtinClasses(kind).first { ObjectIdentifier($0) == id }?.className
    }
}

/// `{"class_name": <name>, "config": <config>}`, the Keras serialized-object form.
func serialized(_ className: String, _ config: [String: ConfigValue]) -> ConfigValue {
    .object(["class_name": .string(className), "config": .object(config)])
}

extension String {
    /// The string with underscores as spaces ("learning_rate_schedule" → "learning rate schedule").
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

/// `{"class_name": <name>, "config": <config>}` from a config value.
func serialized(_ className: String, _ config: ConfigValue) -> ConfigValue {
    .object(["class_name": .string(className), "config": config])
}

/// Runs `body`, prefixing the message of a `SwiftKerasError` it throws with `owner` (so an
/// initializer's error inside a layer config names the layer and the key).
func withErrorPrefix<T>(_ owner: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as SwiftKerasError {
        throw SwiftKerasError(e.kind, "\(owner) \(e.message)")
    }
}
