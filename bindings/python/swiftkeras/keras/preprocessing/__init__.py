"""swiftkeras.keras.preprocessing: ``sequence.pad_sequences`` and
``timeseries_dataset_from_array`` (the functions of keras.utils)."""
from . import sequence  # noqa: F401
from ..utils import timeseries_dataset_from_array  # noqa: F401

__all__ = ["sequence", "timeseries_dataset_from_array"]
