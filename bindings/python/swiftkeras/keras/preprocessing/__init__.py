"""swiftkeras.keras.preprocessing: ``text`` (Tokenizer and the word functions),
``sequence.pad_sequences`` and ``timeseries_dataset_from_array`` (the functions of keras.utils)."""
from . import sequence  # noqa: F401
from . import text  # noqa: F401
from ..utils import timeseries_dataset_from_array  # noqa: F401

__all__ = ["sequence", "text", "timeseries_dataset_from_array"]
