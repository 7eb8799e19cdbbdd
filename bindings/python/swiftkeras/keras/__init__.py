"""swiftkeras.keras: mirrors tensorflow.keras (backend, layers, models, optimizers, losses,
callbacks, mixed_precision) over the Swift core through the C API."""
from . import backend  # noqa: F401
from . import mixed_precision  # noqa: F401
from . import layers  # noqa: F401
from . import optimizers  # noqa: F401
from . import losses  # noqa: F401
from . import metrics  # noqa: F401
from . import callbacks  # noqa: F401
from . import activations  # noqa: F401
from . import initializers  # noqa: F401
from . import regularizers  # noqa: F401
from . import models  # noqa: F401
from . import utils  # noqa: F401
from . import preprocessing  # noqa: F401
from . import saving  # noqa: F401
from . import applications  # noqa: F401
from . import datasets  # noqa: F401
from .layers import Input, Layer  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from .. import __version__  # noqa: F401  (the package's version)
from .. import _symbolic_ops as _symbolic_ops
_symbolic_ops.install(backend, "keras.backend.", skip=("is_keras_tensor", "int_shape", "placeholder", "eval",
                                                       "get_value", "batch_get_value", "print_tensor"))

__all__ = ["backend", "layers", "models", "optimizers", "losses", "metrics", "callbacks", "mixed_precision", "activations", "initializers", "regularizers", "utils", "preprocessing", "saving", "applications", "datasets",
           "Input", "Layer", "Model", "Sequential"]
