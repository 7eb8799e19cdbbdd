"""swiftkeras.keras.losses: the Swift core's losses (``sk_loss_*``), classes and functions."""
import json as _json

from .. import _native
from . import backend as _K

__all__ = ["Loss", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "Huber", "LogCosh", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence", "Poisson",
           "Hinge", "SquaredHinge", "CategoricalHinge", "BinaryFocalCrossentropy",
           "CategoricalFocalCrossentropy", "CosineSimilarity", "get",
           "mean_squared_error", "mse", "mean_absolute_error", "mae", "sparse_categorical_crossentropy",
           "categorical_crossentropy", "binary_crossentropy", "binary_focal_crossentropy",
           "categorical_focal_crossentropy", "cosine_similarity", "huber", "log_cosh", "logcosh",
           "kl_divergence", "kld", "kullback_leibler_divergence", "poisson", "hinge", "squared_hinge",
           "categorical_hinge", "mean_absolute_percentage_error", "mape", "mean_squared_logarithmic_error",
           "msle"]


class Loss:
    """A loss object: ``loss(y_true, y_pred, sample_weight=None)`` -> the reduced loss.

    Subclasses set ``_key`` (a core loss name); a subclass defining ``call(y_true, y_pred)``
    becomes a custom loss whose per-sample values Python computes, weighted and reduced by the
    core as every loss is (``sk_loss_create_custom_ex``): ``reduction`` is honoured
    ("sum_over_batch_size" (default; also "auto"), "sum", "none" or None) in ``__call__``,
    ``fit`` and ``evaluate``.
    """

    _key = None

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        self.reduction = reduction
        self.name = name or (self._key or type(self).__name__.lower())
        self.dtype = dtype
        self._handle = None

    def _reduction_name(self):
        return "none" if self.reduction is None else str(self.reduction)

    def _config(self):
        """Keras constructor arguments passed to the core (``sk_loss_create_config``)."""
        return {"reduction": self._reduction_name()}

    def _get_handle(self):
        if self._handle is None:
            if self._key is not None:
                self._handle = _native.loss_create(self._key, _json.dumps(self._config()))
            else:
                cfg = {"reduction": self._reduction_name(), "name": self.name, "match_ranks": False}
                if self.dtype is not None:
                    cfg["dtype"] = _K.standardize_dtype(self.dtype)
                self._handle = _native.loss_create_custom(self.call, _json.dumps(cfg))
        return self._handle

    def call(self, y_true, y_pred):
        raise NotImplementedError("Loss.call: override it in a subclass")

    def __call__(self, y_true, y_pred, sample_weight=None):
        return _native.loss_call(self._get_handle(), y_true, y_pred, sample_weight)


def _loss(cls_name, key, doc=""):
    return type(cls_name, (Loss,), {"_key": key, "__doc__": f"keras.losses.{cls_name}. {doc}"})


MeanSquaredError = _loss("MeanSquaredError", "mean_squared_error")
MeanAbsoluteError = _loss("MeanAbsoluteError", "mean_absolute_error")
MeanAbsolutePercentageError = _loss("MeanAbsolutePercentageError", "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _loss("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error")
LogCosh = _loss("LogCosh", "log_cosh")
KLDivergence = _loss("KLDivergence", "kl_divergence")
Poisson = _loss("Poisson", "poisson")
Hinge = _loss("Hinge", "hinge")
SquaredHinge = _loss("SquaredHinge", "squared_hinge")
CategoricalHinge = _loss("CategoricalHinge", "categorical_hinge")


class Huber(Loss):
    """keras.losses.Huber(delta=1.0)."""
    _key = "huber"

    def __init__(self, delta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.delta = float(delta)

    def _config(self):
        return dict(super()._config(), delta=self.delta)


class CosineSimilarity(Loss):
    """keras.losses.CosineSimilarity(axis=-1): -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)."""
    _key = "cosine_similarity"

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _config(self):
        return dict(super()._config(), axis=self.axis)


class _Focal(Loss):
    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.gamma = float(gamma)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = int(axis)

    def _config(self):
        return dict(super()._config(), alpha=self.alpha, gamma=self.gamma, from_logits=self.from_logits,
                    label_smoothing=self.label_smoothing, axis=self.axis)


class BinaryFocalCrossentropy(_Focal):
    """keras.losses.BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1)."""
    _key = "binary_focal_crossentropy"

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, **kwargs):
        super().__init__(alpha=alpha, gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis, **kwargs)
        self.apply_class_balancing = bool(apply_class_balancing)

    def _config(self):
        return dict(super()._config(), apply_class_balancing=self.apply_class_balancing)


class CategoricalFocalCrossentropy(_Focal):
    """keras.losses.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=False,
    label_smoothing=0.0, axis=-1)."""
    _key = "categorical_focal_crossentropy"


class _CE(Loss):
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = int(axis)

    def _config(self):
        return dict(super()._config(), from_logits=self.from_logits,
                    label_smoothing=self.label_smoothing, axis=self.axis)


class SparseCategoricalCrossentropy(_CE):
    """keras.losses.SparseCategoricalCrossentropy(from_logits=False, ignore_class=None)."""
    _key = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, ignore_class=None, axis=-1, **kwargs):
        super().__init__(from_logits=from_logits, axis=axis, **kwargs)
        self.ignore_class = ignore_class

    def _config(self):
        c = dict(super()._config())
        del c["label_smoothing"]   # Keras 3's sparse loss has no label smoothing
        if self.ignore_class is not None:
            c["ignore_class"] = int(self.ignore_class)
        return c


class CategoricalCrossentropy(_CE):
    """keras.losses.CategoricalCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1)."""
    _key = "categorical_crossentropy"


class BinaryCrossentropy(_CE):
    """keras.losses.BinaryCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1)."""
    _key = "binary_crossentropy"


# function forms (per-sample values, as keras.losses.<name>): the core's (``sk_metric_function``)
def _function(name, y_true, y_pred, **kwargs):
    return _native.metric_function(name, _json.dumps(kwargs) if kwargs else None, y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    return _function("mean_squared_error", y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    return _function("mean_absolute_error", y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1, ignore_class=None):
    kwargs = {"from_logits": bool(from_logits), "axis": int(axis)}
    if ignore_class is not None:
        kwargs["ignore_class"] = int(ignore_class)
    return _function("sparse_categorical_crossentropy", y_true, y_pred, **kwargs)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    return _function("categorical_crossentropy", y_true, y_pred, from_logits=bool(from_logits),
                     label_smoothing=float(label_smoothing), axis=int(axis))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    return _function("binary_crossentropy", y_true, y_pred, from_logits=bool(from_logits),
                     label_smoothing=float(label_smoothing), axis=int(axis))


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    return _function("binary_focal_crossentropy", y_true, y_pred, apply_class_balancing=bool(apply_class_balancing),
                     alpha=float(alpha), gamma=float(gamma), from_logits=bool(from_logits),
                     label_smoothing=float(label_smoothing), axis=int(axis))


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    return _function("categorical_focal_crossentropy", y_true, y_pred, alpha=float(alpha), gamma=float(gamma),
                     from_logits=bool(from_logits), label_smoothing=float(label_smoothing), axis=int(axis))


def cosine_similarity(y_true, y_pred, axis=-1):
    return _function("cosine_similarity", y_true, y_pred, axis=int(axis))


def huber(y_true, y_pred, delta=1.0):
    return _function("huber", y_true, y_pred, delta=float(delta))


def _plain(name):
    def fn(y_true, y_pred):
        return _function(name, y_true, y_pred)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"keras.losses.{name}(y_true, y_pred): per-sample values (the core's)."
    return fn


log_cosh = logcosh = _plain("log_cosh")
kl_divergence = kld = KLD = kullback_leibler_divergence = _plain("kl_divergence")
poisson = _plain("poisson")
hinge = _plain("hinge")
squared_hinge = _plain("squared_hinge")
categorical_hinge = _plain("categorical_hinge")
mean_absolute_percentage_error = mape = MAPE = _plain("mean_absolute_percentage_error")
mean_squared_logarithmic_error = msle = MSLE = _plain("mean_squared_logarithmic_error")
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


def get(identifier):
    """A Loss object from a name, a Loss, or a callable (wrapped as a custom loss)."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        l = Loss()
        l._handle = _native.loss_create(identifier)
        l.name = identifier
        return l
    if callable(identifier):
        l = Loss(name=getattr(identifier, "__name__", "custom_loss"))
        l._handle = _native.loss_create_custom(identifier)
        return l
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


class Reduction:
    """tf.keras 2's ``keras.losses.Reduction`` names (the strings every loss takes)."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


__all__ += ["Reduction"]
