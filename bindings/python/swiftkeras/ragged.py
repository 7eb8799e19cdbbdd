"""A minimal ``tf.RaggedTensor`` (ragged rank 1): a flat ``values`` tensor and int64
``row_splits``, as ``tf.strings.split`` returns them (row ``i`` is
``values[row_splits[i]:row_splits[i + 1]]``). It holds what the core computed and converts it:
rows, Python lists, and a padded dense tensor (``to_tensor``); it has no ops of its own. numpy is imported only by the methods that need it
(the package works without numpy)."""

from . import _native

__all__ = ["RaggedTensor"]


class RaggedTensor:
    """Rows of different lengths: ``values`` (1-D tensor) split by ``row_splits`` (1-D int64)."""

    def __init__(self, values, row_splits):
        self._values = values
        self._row_splits = row_splits
        self._splits = [int(s) for s in row_splits.tolist()]

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """The ragged tensor whose row ``i`` is ``values[row_splits[i]:row_splits[i + 1]]``."""
        from . import constant, int64
        v = values if isinstance(values, _native.Tensor) else constant(values)
        s = row_splits if isinstance(row_splits, _native.Tensor) else constant(row_splits, dtype=int64)
        splits = [int(e) for e in s.tolist()]
        if validate and (not splits or splits[0] != 0 or splits[-1] != int(v.shape[0])
                         or any(b < a for a, b in zip(splits, splits[1:]))):
            raise ValueError(f"RaggedTensor.from_row_splits: row_splits {splits} must start at 0, not decrease and "
                             f"end at the number of values {int(v.shape[0])}")
        return cls(v, s)

    values = property(lambda self: self._values, doc="The values of every row, one after another (1-D).")
    flat_values = values
    row_splits = property(lambda self: self._row_splits, doc="int64 offsets: row i is values[row_splits[i]:row_splits[i + 1]].")
    dtype = property(lambda self: self._values.dtype, doc="The dtype of the values.")
    ragged_rank = 1

    @property
    def shape(self):
        return _native.TensorShape([len(self._splits) - 1, None])

    def nrows(self):
        return len(self._splits) - 1

    def row_lengths(self):
        """The length of each row (int64 tensor)."""
        from . import constant, int64
        return constant([b - a for a, b in zip(self._splits, self._splits[1:])], dtype=int64)

    def __len__(self):
        return len(self._splits) - 1

    def __getitem__(self, i):
        n = len(self)
        if not hasattr(i, "__index__") or isinstance(i, bool) or not -n <= int(i) < n:
            raise IndexError(f"RaggedTensor index {i!r} out of range for {n} rows (integer row indices only)")
        i = int(i) % n
        return self._values[self._splits[i]:self._splits[i + 1]]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def to_list(self):
        """The rows as Python lists (bytes for strings, as TensorFlow gives them)."""
        flat = self._values.tolist()
        return [flat[a:b] for a, b in zip(self._splits, self._splits[1:])]

    def numpy(self):
        """An object array of one numpy array per row (TensorFlow's ``RaggedTensor.numpy()``)."""
        import numpy as np
        flat = self._values.numpy()
        out = np.empty(len(self), dtype=object)
        for i, (a, b) in enumerate(zip(self._splits, self._splits[1:])):
            out[i] = flat[a:b]
        return out

    def to_tensor(self, default_value=None, shape=None):
        """The rows padded with ``default_value`` (b"" for strings, 0 otherwise) to the longest
        row, or to ``shape`` = (rows, width) (rows cut to width)."""
        import numpy as np
        from . import constant
        rows = self.to_list()
        width = max((len(r) for r in rows), default=0)
        if shape is not None:
            if len(shape) != 2 or (shape[0] is not None and shape[0] != len(rows)):
                raise ValueError(f"RaggedTensor.to_tensor: shape {shape} must be ({len(rows)}, width)")
            width = width if shape[1] is None else int(shape[1])
        string = self._values.dtype.name == "string"
        pad = (b"" if string else 0) if default_value is None else default_value
        padded = [list(r[:width]) + [pad] * (width - len(r[:width])) for r in rows]
        if string:
            return constant(np.array(padded, dtype=object).reshape(len(rows), width))
        return constant(np.array(padded, dtype=self._values.numpy().dtype).reshape(len(rows), width))

    def __repr__(self):
        return f"<tf.RaggedTensor {self.to_list()}>"
