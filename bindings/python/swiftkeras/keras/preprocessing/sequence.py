"""swiftkeras.keras.preprocessing.sequence: ``pad_sequences`` (keras.utils.pad_sequences)."""
from ..utils import pad_sequences, timeseries_dataset_from_array  # noqa: F401

__all__ = ["pad_sequences", "timeseries_dataset_from_array"]
