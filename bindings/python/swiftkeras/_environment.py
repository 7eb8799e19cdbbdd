"""The TensorFlow calls scripts make about their environment rather than their math — logging
verbosity, eager mode, GPU checks, distribution strategies, Python functions in pipelines — as
they hold for SwiftKeras: everything runs eagerly on the CPU, with one replica.

``tf.get_logger``, ``tf.executing_eagerly``, ``tf.autograph``, ``tf.compat.v1`` (logging and the
eager switches), ``tf.test`` (GPU queries), ``tf.distribute`` (MirroredStrategy / OneDeviceStrategy /
get_strategy with one CPU replica; multi-device and TPU strategies refused), ``tf.py_function`` and
``tf.numpy_function`` (the function called eagerly)."""
import contextlib
import sys
import types


def get_logger():
    """TensorFlow's logger (the standard library's ``logging.getLogger("tensorflow")``)."""
    import logging
    return logging.getLogger("tensorflow")


def executing_eagerly():
    """True: SwiftKeras always runs eagerly (``tf.function`` bodies included)."""
    return True


def make_module(full_name, doc, members):
    """A module made at import time (``full_name`` importable: it is put in sys.modules) holding
    ``members``; its ``__all__`` lists them."""
    m = types.ModuleType(full_name, doc)
    for k, v in members.items():
        setattr(m, k, v)
    m.__all__ = sorted(k for k in members if not k.startswith("_"))
    sys.modules[full_name] = m
    return m


def _module(name, doc, **members):
    return make_module(f"swiftkeras.{name}", doc, members)


# -- tf.autograph ------------------------------------------------------------------------------------
def _set_verbosity(level, alsologtostdout=False):
    """Accepted: there is no AutoGraph conversion to log about."""


def _do_not_convert(func=None):
    return func if func is not None else (lambda f: f)


autograph = _module("autograph", "tf.autograph: functions run as written (no conversion).",
                    set_verbosity=_set_verbosity,
                    experimental=types.SimpleNamespace(do_not_convert=_do_not_convert))


# -- tf.compat.v1 ------------------------------------------------------------------------------------
def _logging_set_verbosity(level):
    get_logger().setLevel(level)


def _logging_get_verbosity():
    return get_logger().getEffectiveLevel()


def _enable_eager_execution(*args, **kwargs):
    """Accepted: SwiftKeras always runs eagerly."""


def _v1_refused(name):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"tf.compat.v1.{name}: graph mode (TF1 sessions and placeholders) is not "
                                  "supported; SwiftKeras runs eagerly, as TF2 does")
    refuse.__name__ = name
    return refuse


def _v1_set_random_seed(seed):
    from . import random
    random.set_seed(seed)


_v1_logging = types.SimpleNamespace(   # the standard library's levels (logging is imported on use)
    DEBUG=10, INFO=20, WARN=30, WARNING=30, ERROR=40, FATAL=50, set_verbosity=_logging_set_verbosity,
    get_verbosity=_logging_get_verbosity)
_v1 = _module("compat.v1", "tf.compat.v1: logging, the eager switches and set_random_seed; graph mode is refused.",
              logging=_v1_logging, enable_eager_execution=_enable_eager_execution,
              enable_v2_behavior=_enable_eager_execution, executing_eagerly=executing_eagerly,
              disable_eager_execution=_v1_refused("disable_eager_execution"),
              disable_v2_behavior=_v1_refused("disable_v2_behavior"),
              Session=_v1_refused("Session"), placeholder=_v1_refused("placeholder"),
              ConfigProto=_v1_refused("ConfigProto"), set_random_seed=_v1_set_random_seed)
compat = _module("compat", "tf.compat", v1=_v1)


# -- tf.test -----------------------------------------------------------------------------------------
def _is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """False: SwiftKeras runs on the CPU."""
    return False


def _gpu_device_name():
    return ""


def _is_built_with_cuda():
    return False


test = _module("test", "tf.test: GPU queries (SwiftKeras runs on the CPU).",
               is_gpu_available=_is_gpu_available, gpu_device_name=_gpu_device_name,
               is_built_with_cuda=_is_built_with_cuda, is_built_with_gpu_support=_is_built_with_cuda)


# -- tf.distribute -----------------------------------------------------------------------------------
class ReduceOp:
    """tf.distribute.ReduceOp names."""
    SUM = "SUM"
    MEAN = "MEAN"


class _OneReplicaStrategy:
    """A strategy with one replica on the CPU — what tf.distribute gives a CPU-only machine — so
    ``with strategy.scope():`` and ``strategy.run`` code runs unchanged."""

    def __init__(self, devices=None, cross_device_ops=None, **kwargs):
        for d in devices or ():
            if "GPU" in str(d).upper() or "TPU" in str(d).upper():
                raise ValueError(f"{type(self).__name__}: there is no device {d!r} (SwiftKeras runs on the CPU)")
        if devices is not None and len(list(devices)) > 1:
            raise NotImplementedError(f"{type(self).__name__}: more than one device is not supported")
        self.extended = types.SimpleNamespace(worker_devices=("/job:localhost/replica:0/task:0/device:CPU:0",))

    @property
    def num_replicas_in_sync(self):
        return 1

    @contextlib.contextmanager
    def scope(self):
        yield self

    def run(self, fn, args=(), kwargs=None, options=None):
        return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """With one replica the per-replica value is the value; ``axis`` reduces over it as TF does."""
        if axis is None:
            return value
        from . import math
        op = getattr(reduce_op, "value", reduce_op)
        return (math.reduce_sum if str(op).upper().endswith("SUM") else math.reduce_mean)(value, axis=axis)

    def experimental_distribute_dataset(self, dataset, options=None):
        return dataset

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        return dataset_fn(types.SimpleNamespace(num_input_pipelines=1, input_pipeline_id=0,
                                                num_replicas_in_sync=1,
                                                get_per_replica_batch_size=lambda b: b))

    def experimental_local_results(self, value):
        return (value,)


class MirroredStrategy(_OneReplicaStrategy):
    """tf.distribute.MirroredStrategy on a machine without GPUs: one CPU replica."""


class OneDeviceStrategy(_OneReplicaStrategy):
    """tf.distribute.OneDeviceStrategy("/cpu:0")."""

    def __init__(self, device="/cpu:0"):
        super().__init__(devices=[device])


def _refused_strategy(name):
    class Refused:
        def __init__(self, *args, **kwargs):
            raise NotImplementedError(f"tf.distribute.{name} is not supported (SwiftKeras runs on one CPU device)")
    Refused.__name__ = name
    return Refused


_DEFAULT_STRATEGY = _OneReplicaStrategy()
distribute = _module(
    "distribute", "tf.distribute with one CPU replica (MirroredStrategy, OneDeviceStrategy, get_strategy).",
    MirroredStrategy=MirroredStrategy, OneDeviceStrategy=OneDeviceStrategy, ReduceOp=ReduceOp,
    get_strategy=lambda: _DEFAULT_STRATEGY, has_strategy=lambda: False,
    TPUStrategy=_refused_strategy("TPUStrategy"),
    MultiWorkerMirroredStrategy=_refused_strategy("MultiWorkerMirroredStrategy"),
    ParameterServerStrategy=_refused_strategy("ParameterServerStrategy"),
    experimental=types.SimpleNamespace(TPUStrategy=_refused_strategy("experimental.TPUStrategy")))


# -- Python functions in pipelines -------------------------------------------------------------------
def _results(out, Tout, name):
    from . import cast, convert_to_tensor
    if isinstance(Tout, (list, tuple)):
        outs = out if isinstance(out, (list, tuple)) else [out]
        if len(outs) != len(Tout):
            raise ValueError(f"{name}: the function returned {len(outs)} values for {len(Tout)} Tout dtypes")
        return [cast(convert_to_tensor(o), t) for o, t in zip(outs, Tout)]
    if Tout is None:
        return None
    return cast(convert_to_tensor(out), Tout)


def py_function(func, inp, Tout, name=None):
    """Calls ``func(*inp)`` now (everything runs eagerly) and converts the results to ``Tout``."""
    return _results(func(*inp), Tout, "py_function")


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """Calls ``func`` on the inputs as numpy arrays now and converts the results to ``Tout``."""
    args = [a.numpy() if hasattr(a, "numpy") else a for a in inp]
    return _results(func(*args), Tout, "numpy_function")


__all__ = ["get_logger", "executing_eagerly", "autograph", "compat", "test", "distribute", "py_function",
           "numpy_function"]
