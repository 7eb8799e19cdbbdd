"""swiftkeras.keras.metrics: tf.keras.metrics over the Swift core's stateful metrics (``sk_metric_*``).

Metric objects keep their state in the core: ``update_state`` accumulates, ``result`` reads,
``reset_state`` zeroes. Given to ``Model.compile(metrics=[...])`` the very object is used by
``fit``/``evaluate`` (its result afterwards is the model's), with its configuration (an
``AUC(num_thresholds=50, curve="PR")`` stays one). Plain functions given to ``compile`` are
averaged like Keras' ``MeanMetricWrapper``.
"""
import functools as _functools
import inspect as _inspect
import json as _json
import weakref as _weakref

from .. import _native
from . import backend as _K
from . import losses as _losses
from ._unsupported import refuse_unsupported

__all__ = ["Metric", "Mean", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
           "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
           "MeanAbsoluteError", "MeanSquaredError", "RootMeanSquaredError", "Precision", "Recall", "AUC",
           "Sum", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "LogCoshError", "Hinge", "SquaredHinge",
           "CategoricalHinge", "KLDivergence", "Poisson", "CosineSimilarity", "R2Score", "TruePositives",
           "FalsePositives", "TrueNegatives", "FalseNegatives", "SensitivityAtSpecificity", "SpecificityAtSensitivity",
           "PrecisionAtRecall", "RecallAtPrecision", "IoU", "MeanIoU", "BinaryIoU", "FBetaScore", "F1Score",
           "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mean_absolute_error",
           "mean_squared_error", "mae", "mse", "get", "serialize", "deserialize"]


def _value(t):
    try:
        return t.numpy()
    except (ImportError, AttributeError):
        return t


class Metric:
    """Base class of metrics: ``update_state(y_true, y_pred, sample_weight=None)``,
    ``result()``, ``reset_state()``; calling the metric updates it and returns the result.

    Built-in metrics set ``_key`` (the core's class name) and pass their Keras arguments through
    ``_config``; their state lives in the core. A subclass written in Python keeps its state in
    variables made by ``add_weight`` and implements ``update_state`` and ``result`` (and
    ``reset_state`` when zeroing its variables is not enough), as in tf.keras::

        class CountCorrect(keras.metrics.Metric):
            def __init__(self, name="count_correct", **kwargs):
                super().__init__(name=name, **kwargs)
                self.correct = self.add_weight(name="correct", initializer="zeros")

            def update_state(self, y_true, y_pred, sample_weight=None):
                hits = K.equal(K.argmax(y_pred, -1), K.cast(y_true, "int64"))
                self.correct.assign_add(K.sum(K.cast(hits, "float32")))

            def result(self):
                return self.correct

    Such a metric works standalone and in ``model.compile(metrics=[...])``: ``fit`` and
    ``evaluate`` call its methods through the core (reset at the start of each epoch and
    evaluation, updated after each batch, read for the logs under its ``name``); an exception
    raised by them comes out of ``fit``/``evaluate`` unchanged.
    """

    _key = None
    _keep_none = ()   # keys of _config() whose None is passed to the core (others mean "the default")
    _native_backed = False
    _handle = None
    _name = None
    _dtype = None

    def __init__(self, name=None, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self._name = name
        self._dtype = dtype
        self._handle = None
        self._native_backed = self._key is not None
        if self._key is not None:
            self._get_handle()

    @classmethod
    def _of_core(cls, handle):
        """A Metric over a core metric handle (a model's compiled metrics, ``add_metric``'s Means)."""
        m = cls.__new__(cls)
        m._handle, m._native_backed, m._key = handle, True, "core"
        return m

    def _config(self):
        """Keras constructor arguments of this metric, passed to ``sk_metric_create``."""
        return {}

    def _get_handle(self):
        if self._handle is None:
            if self._key is None:
                self._handle = self._callback_handle()
                return self._handle
            cfg = {k: v for k, v in self._config().items() if v is not None or k in self._keep_none}
            if self._name is not None:
                cfg["name"] = self._name
            if self._dtype is not None:
                cfg["dtype"] = self._dtype if isinstance(self._dtype, str) else str(getattr(self._dtype, "name", self._dtype))
            self._handle = _native.metric_create(self._key, _json.dumps(cfg))
        return self._handle

    def _callback_handle(self):
        """A core metric calling this Python metric's methods (``sk_metric_create_callbacks``).
        The callbacks hold the metric weakly (the compiled model keeps it alive), so no
        reference cycle runs through the core."""
        ref = _weakref.ref(self)
        label = self.name

        def live():
            m = ref()
            if m is None:
                raise RuntimeError(f"metric '{label}': the Python metric object no longer exists")
            return m

        def update(y_true, y_pred, sample_weight):
            if sample_weight is None:
                live().update_state(y_true, y_pred)
            else:
                live().update_state(y_true, y_pred, sample_weight=sample_weight)

        return _native.metric_create_callbacks(label, update, lambda: live().result(), lambda: live().reset_state())

    @property
    def name(self):
        if self._handle is not None:
            return _native.metric_name(self._handle)
        return self._name or _snake(type(self).__name__)

    @property
    def dtype(self):
        return self._dtype or _K.floatx()

    # -- state of Python subclasses ------------------------------------------------------
    @property
    def _py_variables(self):
        vs = self.__dict__.get("_sk_variables")
        if vs is None:
            vs = self.__dict__["_sk_variables"] = []
        return vs

    def add_weight(self, name=None, shape=(), initializer=None, dtype=None, aggregation="sum",
                   synchronization="on_write", **kwargs):
        """A non-trainable state Variable (tf.keras ``Metric.add_weight``; Keras 3 also takes
        ``shape`` first): ``initializer`` "zeros" (default), "ones", a number, or a callable
        ``(shape, dtype)``; ``dtype`` defaults to the metric's. ``reset_state`` zeroes it."""
        import swiftkeras as _sk
        if kwargs:
            raise TypeError(f"add_weight: unexpected arguments {sorted(kwargs)}")
        if name is not None and not isinstance(name, str):   # Keras 3 order: add_weight(shape, ...)
            name, shape = (shape if isinstance(shape, str) else None), name
        if shape is None:
            shape = ()
        if isinstance(shape, int):
            shape = (shape,)
        shape = tuple(int(d) for d in shape)
        dtype = dtype or self.dtype
        dtype = dtype if isinstance(dtype, str) else str(getattr(dtype, "name", dtype))
        if initializer is None or initializer == "zeros":
            value = _native.zeros(list(shape), _K._code(dtype))
        elif initializer == "ones":
            value = _K.cast(_native.ones(list(shape), _K._code(dtype)), dtype)
        elif isinstance(initializer, (int, float)) and not isinstance(initializer, bool):
            value = _K.cast(_native.zeros(list(shape), _K._code(dtype)), dtype) + float(initializer)
            value = _K.cast(value, dtype)
        elif callable(initializer):
            value = _K.cast(initializer(shape, dtype=dtype), dtype)
        else:
            raise ValueError(f"add_weight: unsupported initializer {initializer!r} "
                             "(use 'zeros', 'ones', a number or a callable (shape, dtype))")
        label = name or f"variable_{len(self._py_variables)}"
        v = _sk.Variable(value, trainable=False, name=f"{self.name}/{label}", dtype=dtype)
        self._py_variables.append(v)
        return v

    add_variable = add_weight

    @property
    def variables(self):
        """The state variables: those made by ``add_weight`` (Python subclasses)."""
        return list(self._py_variables)

    weights = variables

    # -- the metric API ------------------------------------------------------------------
    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self._native_backed:
            raise NotImplementedError(f"{type(self).__name__}: Metric subclasses must implement update_state")
        _native.metric_update_state(self._get_handle(), y_true, y_pred, sample_weight)

    def result(self):
        if not self._native_backed:
            raise NotImplementedError(f"{type(self).__name__}: Metric subclasses must implement result")
        return _native.metric_result(self._get_handle())

    def reset_state(self):
        if not self._native_backed:
            for v in self._py_variables:
                v.assign(_native.zeros(list(v.shape), _K._code(v.dtype)))
            return
        _native.metric_reset_state(self._get_handle())

    def reset_states(self):
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        cfg = {"name": self.name, "dtype": str(self.dtype)}
        cfg.update({k: v for k, v in self._config().items()})
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _snake(name):
    """Keras' to_snake_case, the core's rule of default names (``sk_snake_case``)."""
    return _native.snake_case(name)


class Mean(Metric):
    """keras.metrics.Mean: the (weighted) mean of the values given to ``update_state(values,
    sample_weight=None)``."""
    _key = "Mean"

    def update_state(self, values, sample_weight=None):
        _native.metric_update_state(self._get_handle(), values, values, sample_weight)


class Sum(Mean):
    """keras.metrics.Sum: the (weighted) sum of the values given to ``update_state(values,
    sample_weight=None)``."""
    _key = "Sum"


class MeanMetricWrapper(Metric):
    """keras.metrics.MeanMetricWrapper(fn, name=None, dtype=None, **kwargs): the mean of
    ``fn(y_true, y_pred, **kwargs)`` per sample, computed by Python through a core callback."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn = _functools.partial(fn, **kwargs) if kwargs else fn
        self._name = name or getattr(fn, "__name__", None) or "mean_metric_wrapper"
        self._dtype = dtype
        self._native_backed = True
        self._handle = _native.metric_create_custom(self._fn, self._name)


def _metric(cls_name, key, doc, base=None):
    return type(cls_name, (base or Metric,), {"_key": key, "__doc__": f"keras.metrics.{cls_name}: {doc}"})


Accuracy = _metric("Accuracy", "Accuracy", "how often y_pred equals y_true exactly.")
CategoricalAccuracy = _metric("CategoricalAccuracy", "CategoricalAccuracy",
                              "how often argmax(y_pred) equals argmax of the one-hot y_true.")
SparseCategoricalAccuracy = _metric("SparseCategoricalAccuracy", "SparseCategoricalAccuracy",
                                    "how often argmax(y_pred) equals the integer label.")
MeanAbsoluteError = _metric("MeanAbsoluteError", "MeanAbsoluteError", "mean of mean(|y_true - y_pred|, axis=-1).")
MeanSquaredError = _metric("MeanSquaredError", "MeanSquaredError", "mean of mean((y_true - y_pred)^2, axis=-1).")
RootMeanSquaredError = _metric("RootMeanSquaredError", "RootMeanSquaredError", "sqrt of the mean squared error.")


class BinaryAccuracy(Metric):
    """keras.metrics.BinaryAccuracy(name='binary_accuracy', dtype=None, threshold=0.5)."""
    _key = "BinaryAccuracy"

    def __init__(self, name=None, dtype=None, threshold=0.5):
        self.threshold = float(threshold)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"threshold": self.threshold}


class _TopK(Metric):
    def __init__(self, k=5, name=None, dtype=None):
        self.k = int(k)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"k": self.k}


class TopKCategoricalAccuracy(_TopK):
    """keras.metrics.TopKCategoricalAccuracy(k=5): how often the one-hot target is in the top k."""
    _key = "TopKCategoricalAccuracy"


class SparseTopKCategoricalAccuracy(_TopK):
    """keras.metrics.SparseTopKCategoricalAccuracy(k=5): how often the integer target is in the top k."""
    _key = "SparseTopKCategoricalAccuracy"

    def __init__(self, k=5, name=None, dtype=None, from_sorted_ids=False):
        if from_sorted_ids:
            raise NotImplementedError("SparseTopKCategoricalAccuracy: from_sorted_ids=True is not supported")
        super().__init__(k=k, name=name, dtype=dtype)


class _Confusion(Metric):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.top_k = None if top_k is None else int(top_k)
        if isinstance(thresholds, (list, tuple)):
            thresholds = [float(t) for t in thresholds]
        elif thresholds is not None:
            thresholds = float(thresholds)
        self.thresholds = thresholds
        self.class_id = class_id
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"thresholds": self.thresholds, "top_k": self.top_k,
                "class_id": None if self.class_id is None else int(self.class_id)}


class Precision(_Confusion):
    """keras.metrics.Precision(thresholds=None, top_k=None, class_id=None): tp / (tp + fp)."""
    _key = "Precision"


class Recall(_Confusion):
    """keras.metrics.Recall(thresholds=None, top_k=None, class_id=None): tp / (tp + fn)."""
    _key = "Recall"


class AUC(Metric):
    """keras.metrics.AUC(num_thresholds=200, curve='ROC', summation_method='interpolation',
    thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
    the area under the ROC or PR curve (Riemann sum over the thresholds, as Keras), per label
    and averaged with ``multi_label``."""
    _key = "AUC"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        self.multi_label = bool(multi_label)
        self.num_labels = None if num_labels is None else int(num_labels)
        self.label_weights = None if label_weights is None else [float(w) for w in label_weights]
        self.num_thresholds = int(num_thresholds)
        self.curve = str(curve)
        self.summation_method = str(summation_method)
        self.thresholds = None if thresholds is None else [float(t) for t in thresholds]
        self.from_logits = bool(from_logits)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"num_thresholds": self.num_thresholds, "curve": self.curve.upper(),
                "summation_method": self.summation_method, "thresholds": self.thresholds,
                "multi_label": self.multi_label, "num_labels": self.num_labels, "label_weights": self.label_weights,
                "from_logits": self.from_logits}


class BinaryCrossentropy(Metric):
    """keras.metrics.BinaryCrossentropy(name='binary_crossentropy', dtype=None, from_logits=False,
    label_smoothing=0)."""
    _key = "BinaryCrossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, label_smoothing=0):
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"from_logits": self.from_logits, "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(BinaryCrossentropy):
    """keras.metrics.CategoricalCrossentropy(name='categorical_crossentropy', dtype=None,
    from_logits=False, label_smoothing=0, axis=-1)."""
    _key = "CategoricalCrossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        self.axis = int(axis)
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)

    def _config(self):
        return dict(super()._config(), axis=self.axis)


class SparseCategoricalCrossentropy(Metric):
    """keras.metrics.SparseCategoricalCrossentropy(name='sparse_categorical_crossentropy',
    dtype=None, from_logits=False, ignore_class=None, axis=-1)."""
    _key = "SparseCategoricalCrossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, ignore_class=None, axis=-1):
        self.from_logits = bool(from_logits)
        self.ignore_class = None if ignore_class is None else int(ignore_class)
        self.axis = int(axis)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"from_logits": self.from_logits, "ignore_class": self.ignore_class, "axis": self.axis}


# The means of one loss function each (the core's classes of the same names).
for _cls, _doc in (("MeanAbsolutePercentageError", "mean of 100 * mean(|(y_true - y_pred) / y_true|, axis=-1)."),
                   ("MeanSquaredLogarithmicError", "mean of mean((log(1 + y_pred) - log(1 + y_true))^2, axis=-1)."),
                   ("LogCoshError", "mean of mean(log(cosh(y_pred - y_true)), axis=-1)."),
                   ("Hinge", "mean of the hinge loss (0/1 labels become -1/1)."),
                   ("SquaredHinge", "mean of the squared hinge loss."),
                   ("CategoricalHinge", "mean of the categorical hinge loss."),
                   ("KLDivergence", "mean of the Kullback-Leibler divergence."),
                   ("Poisson", "mean of mean(y_pred - y_true * log(y_pred), axis=-1).")):
    globals()[_cls] = _metric(_cls, _cls, _doc)
del _cls, _doc


class CosineSimilarity(Metric):
    """keras.metrics.CosineSimilarity(name='cosine_similarity', dtype=None, axis=-1): the mean
    cosine similarity of y_true and y_pred along ``axis``."""
    _key = "CosineSimilarity"

    def __init__(self, name=None, dtype=None, axis=-1):
        self.axis = int(axis)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"axis": self.axis}


class R2Score(Metric):
    """keras.metrics.R2Score(class_aggregation='uniform_average', num_regressors=0): the
    coefficient of determination of (samples, outputs) targets."""
    _key = "R2Score"
    _keep_none = ("class_aggregation",)   # None is a value here, not "the default"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name=None, dtype=None):
        self.class_aggregation = class_aggregation
        self.num_regressors = int(num_regressors)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}


def _thresholds(thresholds):
    if isinstance(thresholds, (list, tuple)):
        return [float(t) for t in thresholds]
    return None if thresholds is None else float(thresholds)


class _ConditionCount(Metric):
    """(thresholds=None, name=None, dtype=None): a weighted confusion count per threshold."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.thresholds = _thresholds(thresholds)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"thresholds": self.thresholds}


TruePositives = _metric("TruePositives", "TruePositives", "the weighted count of true positives at `thresholds`.",
                        _ConditionCount)
FalsePositives = _metric("FalsePositives", "FalsePositives", "the weighted count of false positives at `thresholds`.",
                         _ConditionCount)
TrueNegatives = _metric("TrueNegatives", "TrueNegatives", "the weighted count of true negatives at `thresholds`.",
                        _ConditionCount)
FalseNegatives = _metric("FalseNegatives", "FalseNegatives", "the weighted count of false negatives at `thresholds`.",
                         _ConditionCount)


class _ConstrainedRatio(Metric):
    """What the four "X at Y" metrics share: ``(value, num_thresholds=200, class_id=None,
    name=None, dtype=None)``, the value under the subclass's keyword (``_value_key``)."""
    _value_key = None

    def __init__(self, *args, **kwargs):
        b = self.__init__.__signature__.bind(self, *args, **kwargs)
        b.apply_defaults()
        a = b.arguments
        setattr(self, self._value_key, float(a[self._value_key]))
        self.num_thresholds = int(a["num_thresholds"])
        self.class_id = None if a["class_id"] is None else int(a["class_id"])
        Metric.__init__(self, name=a["name"], dtype=a["dtype"])

    def _config(self):
        return {self._value_key: getattr(self, self._value_key), "num_thresholds": self.num_thresholds,
                "class_id": self.class_id}


def _constrained(cls_name, value_key, doc):
    """The class ``keras.metrics.<cls_name>(<value_key>, num_thresholds=200, class_id=None)``."""
    P = _inspect.Parameter
    sig = _inspect.Signature([P("self", P.POSITIONAL_OR_KEYWORD), P(value_key, P.POSITIONAL_OR_KEYWORD)]
                             + [P(n, P.POSITIONAL_OR_KEYWORD, default=d)
                                for n, d in (("num_thresholds", 200), ("class_id", None), ("name", None), ("dtype", None))])

    def __init__(self, *args, **kwargs):
        _ConstrainedRatio.__init__(self, *args, **kwargs)

    __init__.__signature__ = sig
    return type(cls_name, (_ConstrainedRatio,), {
        "_key": cls_name, "_value_key": value_key, "__init__": __init__,
        "__doc__": f"keras.metrics.{cls_name}({value_key}, num_thresholds=200, class_id=None): {doc}"})


for _cls, _key, _doc in (("SensitivityAtSpecificity", "specificity", "the best recall where the specificity is at least it."),
                         ("SpecificityAtSensitivity", "sensitivity", "the best specificity where the recall is at least it."),
                         ("PrecisionAtRecall", "recall", "the best precision where the recall is at least it."),
                         ("RecallAtPrecision", "precision", "the best recall where the precision is at least it.")):
    globals()[_cls] = _constrained(_cls, _key, _doc)
del _cls, _key, _doc


class IoU(Metric):
    """keras.metrics.IoU(num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
    sparse_y_true=True, sparse_y_pred=True, axis=-1): the mean intersection-over-union of the
    target classes."""
    _key = "IoU"

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        self.num_classes = int(num_classes)
        self.target_class_ids = [int(c) for c in target_class_ids]
        self.ignore_class = None if ignore_class is None else int(ignore_class)
        self.sparse_y_true, self.sparse_y_pred, self.axis = bool(sparse_y_true), bool(sparse_y_pred), int(axis)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class MeanIoU(IoU):
    """keras.metrics.MeanIoU(num_classes, name=None, dtype=None, ignore_class=None,
    sparse_y_true=True, sparse_y_pred=True, axis=-1): the IoU averaged over every class."""
    _key = "MeanIoU"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(int(num_classes))), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def _config(self):
        cfg = super()._config()
        del cfg["target_class_ids"]
        return cfg


class BinaryIoU(Metric):
    """keras.metrics.BinaryIoU(target_class_ids=(0, 1), threshold=0.5): the IoU of two classes,
    a prediction being class 1 when at least ``threshold``."""
    _key = "BinaryIoU"

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        self.target_class_ids = [int(c) for c in target_class_ids]
        self.threshold = float(threshold)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold}


class FBetaScore(Metric):
    """keras.metrics.FBetaScore(average=None, beta=1.0, threshold=None): the F-beta score per
    class, or averaged ("micro", "macro", "weighted")."""
    _key = "FBetaScore"

    def __init__(self, average=None, beta=1.0, threshold=None, name=None, dtype=None):
        self.average = average
        self.beta = float(beta)
        self.threshold = None if threshold is None else float(threshold)
        super().__init__(name=name, dtype=dtype)

    def _config(self):
        return {"average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """keras.metrics.F1Score(average=None, threshold=None): the F-1 score per class, or averaged."""
    _key = "F1Score"

    def __init__(self, average=None, threshold=None, name=None, dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def _config(self):
        cfg = super()._config()
        del cfg["beta"]
        return cfg


# -- function forms (per-sample values, as keras.metrics.<name>) ---------------------------
def _named(name):
    """Marks a function form with the core metric it stands for in compile."""
    def mark(fn):
        fn._sk_metric_name = name
        return fn
    return mark


def _function(name, y_true, y_pred, **kwargs):
    """The core's per-sample values of the metric function `name` (``sk_metric_function``)."""
    cfg = _json.dumps(kwargs) if kwargs else None
    return _native.metric_function(name, cfg, y_true, y_pred)


def _form(name, doc, with_k=False):
    """The function form ``name(y_true, y_pred)`` (``name(y_true, y_pred, k=5)`` for the top-k
    ones), marked with the core metric it stands for in compile."""
    if with_k:
        def fn(y_true, y_pred, k=5):
            return _function(name, y_true, y_pred, k=int(k))
    else:
        def fn(y_true, y_pred):
            return _function(name, y_true, y_pred)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return _named(name)(fn)


accuracy = _form("accuracy", "1 where y_pred == y_true, averaged over the last axis (Keras 3's function).")
categorical_accuracy = _form("categorical_accuracy", "1 where argmax(y_true) == argmax(y_pred) (one-hot labels).")
sparse_categorical_accuracy = _form("sparse_categorical_accuracy",
                                    "1 where the integer label == argmax(y_pred); labels of shape (B,) or (B, 1).")
top_k_categorical_accuracy = _form("top_k_categorical_accuracy",
                                   "1 where the one-hot target's class is among the k highest scores.", with_k=True)
sparse_top_k_categorical_accuracy = _form("sparse_top_k_categorical_accuracy",
                                          "1 where the integer target is among the k highest scores.", with_k=True)


@_named("binary_accuracy")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where (y_pred > threshold) matches the binary label, averaged over the last axis."""
    return _function("binary_accuracy", y_true, y_pred, threshold=float(threshold))


mean_absolute_error = _named("mean_absolute_error")(_losses.mean_absolute_error)
mean_squared_error = _named("mean_squared_error")(_losses.mean_squared_error)
mae = MAE = mean_absolute_error
mse = MSE = mean_squared_error

_CLASSES = {c.__name__: c for c in (Mean, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                                    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanAbsoluteError,
                                    MeanSquaredError, RootMeanSquaredError, Precision, Recall, AUC, Sum,
                                    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
                                    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCoshError, Hinge,
                                    SquaredHinge, CategoricalHinge, KLDivergence, Poisson, CosineSimilarity, R2Score,
                                    TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
                                    SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall,
                                    RecallAtPrecision, IoU, MeanIoU, BinaryIoU, FBetaScore, F1Score)}
_FUNCTIONS = {f.__name__: f for f in (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
                                      top_k_categorical_accuracy, sparse_top_k_categorical_accuracy)}
_FUNCTIONS.update({"mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
                   "mean_squared_error": mean_squared_error, "mse": mean_squared_error})


def serialize(metric, use_legacy_format=False):
    """``{"class_name": ..., "config": ...}`` for a metric object, the name for a function."""
    refuse_unsupported("metrics.serialize", use_legacy_format=(use_legacy_format, False))
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", metric)


def deserialize(config, custom_objects=None, use_legacy_format=False):
    refuse_unsupported("metrics.deserialize", use_legacy_format=(use_legacy_format, False))
    if isinstance(config, str):
        return get(config)
    cls = (custom_objects or {}).get(config["class_name"]) or _CLASSES.get(config["class_name"])
    if cls is None:
        raise ValueError(f"Could not interpret metric identifier: {config!r}")
    return cls.from_config(dict(config.get("config", {})))


def get(identifier):
    """A metric from a class name (an object), a function name (the function), a Metric or a
    callable (returned as is), or a config dict."""
    if identifier is None:
        return None
    if isinstance(identifier, Metric) or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def _overrides_metric_api(cls):
    """Whether a built-in metric's subclass redefines update_state, result or reset_state below
    the built-in class that implements them."""
    base = next((c for c in cls.__mro__ if c.__dict__.get("_key") is not None), None)
    if base is None or base is cls:
        return False
    for c in cls.__mro__:
        if c is base:
            return False
        if any(k in c.__dict__ for k in ("update_state", "result", "reset_state")):
            return True
    return False


def _compile_entry(m):
    """What ``Model.compile`` passes to the core for one metric: a name or a metric handle."""
    if isinstance(m, str):
        return m
    if isinstance(m, Metric):
        if m._native_backed and _overrides_metric_api(type(m)):
            # A subclass of a built-in metric that overrides update_state/result/reset_state
            # (e.g. transforming the inputs, then super().update_state(...)): the core calls
            # the Python methods, which use the built-in state underneath.
            if getattr(m, "_override_handle", None) is None:
                m._override_handle = m._callback_handle()
            return m._override_handle
        return m._get_handle()
    if callable(m):
        name = getattr(m, "_sk_metric_name", None)
        if name is not None:
            return name
        return _native.metric_create_custom(m, getattr(m, "__name__", None) or type(m).__name__)
    raise ValueError(f"Could not interpret metric identifier: {m!r}")
