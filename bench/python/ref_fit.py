"""Reference figures for the training workloads of workloads.py (issue 13's table), run by bench.py
side by side with ours:

    python3 ref_fit.py [workload ...]   # one JSON object: {workload: {"torch": samples/s or null,
                                        #                              "tensorflow": ...}, ...}

PyTorch runs the usual eager loop (zero_grad / forward / backward / step over shuffled batches);
TensorFlow runs `model.fit` on the same tf.keras 2 model we train (TF_USE_LEGACY_KERAS=1). A
library that is not importable gives null."""
import json
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads  # noqa: E402


def torch_rate(name):
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    return workloads.torch_rate(name)


def tensorflow_rate(name):
    try:
        import tensorflow as tf
    except ImportError:
        return None
    return workloads.keras_rate(tf.keras, name)


if __name__ == "__main__":
    names = sys.argv[1:] or list(workloads.WORKLOADS)
    print(json.dumps({n: {"torch": torch_rate(n), "tensorflow": tensorflow_rate(n)} for n in names}))
