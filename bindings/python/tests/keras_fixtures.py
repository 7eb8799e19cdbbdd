"""The reference model files of Tests/Fixtures written by tf-keras (each folder's make_fixtures.py):
``<name>_expected.npz`` holds an input ``x`` and tf-keras' prediction ``y``."""
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Tests", "Fixtures")


def fixture(folder, name):
    return os.path.join(ROOT, folder, name)


def expected(folder, name):
    e = np.load(fixture(folder, name + "_expected.npz"))
    return e["x"], e["y"]
