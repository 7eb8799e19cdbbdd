"""TensorFlow's top-level array functions that TF itself composes from several ops (``tf.one_hot``
with on/off values, ``tf.split`` with sizes, ``tf.sort`` from argsort + take_along_axis, ...), under
TF's signatures. Each step is a core op reached through ``_native``; the one-op functions are
generated (``_tf_generated.py``)."""
import builtins as _builtins
import math as _math
import operator as _operator

from . import _native, errors as _errors
from ._tf_generated import _b, _run

_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _t(x):
    return _native.convert(x)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """tf.one_hot: rows of `depth` with on_value (1) at each index and off_value (0) elsewhere,
    dtype float32 unless given or implied by on/off values; out-of-range indices give off rows."""
    ix = _t(indices)
    if ix.dtype.name not in ("int32", "int64", "uint8"):
        raise _errors.InvalidArgumentError(None, None, f"one_hot: indices must be integers, got {ix.dtype.name}")
    if dtype is None:
        for v in (on_value, off_value):
            if v is not None and _b()._is_tensor(v):
                dtype = v.dtype
                break
        else:
            dtype = _native.int32 if any(isinstance(v, int) and not isinstance(v, bool)
                                         for v in (on_value, off_value)) else _native.float32
    dtype = _native.as_dtype(dtype)
    hot = _run(_native.one_hot, ix, _operator.index(depth))
    if on_value is not None or off_value is not None:
        on = _native.convert(1 if on_value is None else on_value, dtype)
        off = _native.convert(0 if off_value is None else off_value, dtype)
        out = _native.where(hot, on, off)
    else:
        out = _native.cast(hot, dtype)
    if axis is not None and axis != -1:
        out = _native.transpose(out, _move_last_to(out.ndim, axis))
    return out


def _move_last_to(ndim, axis):
    axis = axis % ndim
    perm = list(_builtins.range(ndim - 1))
    perm.insert(axis, ndim - 1)
    return perm


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """tf.gather: slices of params at integer `indices` along `axis` (default 0)."""
    if batch_dims != 0:
        raise NotImplementedError("gather: batch_dims != 0 is not supported")
    return _run(_native.gather, params, indices, 0 if axis is None else _operator.index(axis))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """tf.pad: constant padding; `paddings` is [[before, after], ...] per axis."""
    if str(mode).upper() != "CONSTANT":
        raise NotImplementedError(f"pad: mode {mode!r} is not supported (CONSTANT is)")
    x = _t(tensor)
    flat = [int(v) for pair in (_b()._ints(p, "paddings") for p in paddings) for v in pair] \
        if not _b()._is_tensor(paddings) else [int(v) for v in _native.reshape(_t(paddings), [-1])]
    if len(flat) != 2 * x.ndim:
        raise _errors.InvalidArgumentError(None, None, f"pad: paddings must be of shape ({x.ndim}, 2), got {len(flat)} entries")
    return _run(_native.pad, x, flat, float(constant_values))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """tf.clip_by_value: t clipped to [clip_value_min, clip_value_max] (scalars or tensors), in t's dtype."""
    return _run(_b().clip, t, clip_value_min, clip_value_max)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """tf.clip_by_norm: t · clip_norm / max(||t||, clip_norm) (norm over `axes`, None = all)."""
    t = _t(t)
    l2 = _native.sqrt(_native.sum(_native.square(t), _b()._axes(axes), True))
    cn = _native.convert(clip_norm, t.dtype)
    return _native.divide(_native.multiply(t, cn), _native.maximum(l2, cn))


def global_norm(t_list, name=None):
    """tf.linalg.global_norm: sqrt(sum of every tensor's squared L2 norm); None entries are skipped."""
    terms = [_native.sum(_native.square(_t(v)), None, False) for v in t_list if v is not None]
    if not terms:
        return _native.convert(0.0)
    return _native.sqrt(_native.sum(_native.stack(terms, 0), None, False))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """tf.clip_by_global_norm: (each t · clip_norm / max(global_norm, clip_norm), global_norm)."""
    if isinstance(t_list, (str, bytes)) or not hasattr(t_list, "__iter__"):
        raise TypeError("clip_by_global_norm: t_list should be a sequence of tensors")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else _t(use_norm)
    cn = _native.convert(clip_norm, norm.dtype)
    scale = _native.divide(cn, _native.maximum(norm, cn))
    out = [None if v is None else _native.multiply(_t(v), _native.cast(scale, _t(v).dtype)) for v in t_list]
    return out, norm


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """tf.split: `num_or_size_splits` equal pieces, or pieces of the listed sizes (one may be -1)."""
    x = _t(value)
    axis = _operator.index(axis)
    if isinstance(num_or_size_splits, int) or (_b()._is_tensor(num_or_size_splits) and _t(num_or_size_splits).ndim == 0):
        n = int(num_or_size_splits)
        if n <= 0 or x.shape[axis] % n:
            raise _errors.InvalidArgumentError(
                None, None, f"split: dimension {axis} of size {x.shape[axis]} cannot be split into {n} equal pieces")
        return _run(_native.split, x, n, axis)
    sizes = _b()._ints(num_or_size_splits, "num_or_size_splits")
    total = x.shape[axis]
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = total - (_builtins.sum(sizes) + 1)
    if _builtins.sum(sizes) != total or _builtins.any(s < 0 for s in sizes):
        raise _errors.InvalidArgumentError(None, None, f"split: sizes {sizes} do not add up to {total} along axis {axis}")
    out, start = [], 0
    ax = axis % x.ndim
    for s in sizes:
        begin = [0] * x.ndim
        size = list(x.shape)
        begin[ax], size[ax] = start, s
        out.append(_native.slice(x, begin, size))
        start += s
    return out


def unstack(value, num=None, axis=0, name="unstack"):
    """tf.unstack: the slices along `axis`, that axis removed."""
    x = _t(value)
    axis = _operator.index(axis)
    n = x.shape[axis]
    if num is not None and num != n:
        raise ValueError(f"unstack: num={num} but axis {axis} has size {n}")
    if n == 0:
        return []
    return [_native.squeeze(p, [axis]) for p in _run(_native.split, x, n, axis)]


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """tf.argsort: int32 indices that sort `values` along `axis` (stable, which TF's
    stable=True guarantees and stable=False allows)."""
    return _run(_native.argsort, values, _operator.index(axis), _direction(direction))


def _direction(direction):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")
    return direction == "DESCENDING"


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """tf.sort: `values` sorted along `axis` (differentiable through take_along_axis)."""
    x = _t(values)
    order = _run(_native.argsort, x, _operator.index(axis), _direction(direction))
    return _native.take_along_axis(x, order, _operator.index(axis))


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002
    """tf.math.top_k / tf.nn.top_k: (values, indices) of the k largest entries of the last axis,
    the lower index first among equal values."""
    x = _t(input)
    k = _operator.index(k)
    if x.ndim == 0 or k < 0 or k > x.shape[-1]:
        raise _errors.InvalidArgumentError(None, None, f"top_k: input must have last dimension >= k = {k}, got shape {tuple(x.shape)}")
    order = _run(_native.argsort, x, -1, True)
    order = _native.slice(order, [0] * x.ndim, [-1] * (x.ndim - 1) + [k])
    values = _native.take_along_axis(x, order, -1)
    return TopKV2(values, _native.cast(order, _native.as_dtype(index_type)))


class TopKV2(tuple):
    """The (values, indices) result of top_k, also readable as .values and .indices."""

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """tf.boolean_mask: the entries of `tensor` where `mask` (its leading axes) is true."""
    x, m = _t(tensor), _t(mask)
    if axis not in (None, 0):
        raise NotImplementedError("boolean_mask: axis other than 0 is not supported")
    if m.ndim == 0 or tuple(x.shape[:m.ndim]) != tuple(m.shape):
        raise ValueError(f"boolean_mask: mask of shape {tuple(m.shape)} does not match the leading axes of {tuple(x.shape)}")
    if m.dtype.name != "bool":
        m = _native.cast(m, _native.bool)
    return x[m]


def where(condition, x=None, y=None, name=None):
    """tf.where: x where condition else y (broadcast); with condition only, the int64
    coordinates (n, rank) of its true entries."""
    if x is None and y is None:
        c = _t(condition)
        if c.dtype.name != "bool":
            c = _native.not_equal(c, _native.zeros_like(c))
        flat = _native.arange(0, c.size, 1, _native.int64)[_native.reshape(c, [-1])]
        cols, rest = [], flat
        for d in reversed(list(c.shape)):
            cols.append(_native.mod(rest, _native.convert(d, _native.int64)))
            rest = _native.floor_divide(rest, _native.convert(d, _native.int64))
        return _native.stack(list(reversed(cols)), 1) if cols else _native.reshape(flat, [-1, 0])
    if x is None or y is None:
        raise ValueError("where: x and y must both be given, or neither")
    return _run(_native.where, condition, x, y)


def einsum(equation, *inputs, **kwargs):
    """tf.einsum for one or two operands with explicit or implicit output (no ellipsis, no
    repeated index within one operand): transposes, broadcast products and sums of core ops."""
    for k in kwargs:
        if k not in ("name", "optimize"):
            raise TypeError(f"einsum: unexpected keyword argument {k!r}")
    eq = equation.replace(" ", "")
    if "..." in eq:
        raise NotImplementedError("einsum: ellipsis is not supported")
    lhs, _, out = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(inputs) or len(terms) not in (1, 2):
        raise NotImplementedError(f"einsum: {len(inputs)} operands for {len(terms)} terms (1 or 2 are supported)")
    if "->" not in eq:
        counts = {}
        for ch in "".join(terms):
            counts[ch] = counts.get(ch, 0) + 1
        out = "".join(sorted(ch for ch, n in counts.items() if n == 1))
    letters = []
    for ch in "".join(terms) + out:
        if ch not in letters:
            letters.append(ch)
    aligned = []
    for term, x in zip(terms, inputs):
        x = _t(x)
        if len(set(term)) != len(term) or len(term) != x.ndim:
            raise NotImplementedError(f"einsum: term {term!r} for shape {tuple(x.shape)} (repeated or missing indices)")
        present = [ch for ch in letters if ch in term]
        x = _native.transpose(x, [term.index(ch) for ch in present])
        shape = [x.shape[present.index(ch)] if ch in present else 1 for ch in letters]
        aligned.append(_native.reshape(x, shape))
    prod = aligned[0] if len(aligned) == 1 else _run(_native.multiply, aligned[0], aligned[1])
    summed = [i for i, ch in enumerate(letters) if ch not in out]
    if summed:
        prod = _native.sum(prod, summed, False)
    kept = [ch for ch in letters if ch in out]
    return _native.transpose(prod, [kept.index(ch) for ch in out]) if kept != list(out) else prod


def linspace(start, stop, num, name=None, axis=0):
    """tf.linspace (TF2's linspace_nd): `num` evenly spaced values from start to stop (both
    included) along a new `axis`; start and stop are float scalars or tensors that broadcast."""
    s = _t(start)
    if s.dtype.name not in _FLOATS:
        raise _errors.InvalidArgumentError(None, None, f"linspace: start must be a float, got {s.dtype.name}")
    e = _native.cast(_t(stop), s.dtype)
    n = _operator.index(num)
    if n < 0:
        raise _errors.InvalidArgumentError(None, None, f"linspace: num must be non-negative, got {n}")
    s, e = _native.expand_dims(s, axis), _native.expand_dims(e, axis)
    shape = list(_native.add(s, e).shape)
    s, e = _native.broadcast_to(s, shape), _native.broadcast_to(e, shape)
    delta = _native.divide(_native.subtract(e, s), _native.convert(float(max(n - 1, 1)), s.dtype))
    ax = axis % s.ndim
    steps = _native.reshape(_native.arange(1, max(n - 1, 1), 1, s.dtype),
                            [-1 if i == ax else 1 for i in _builtins.range(s.ndim)])
    middle = _native.add(s, _native.multiply(delta, steps))
    out = _native.concatenate([s, middle, e] if n > 2 else [s, e], ax)
    size = [-1] * s.ndim
    size[ax] = n
    return _native.slice(out, [0] * s.ndim, size)


def meshgrid(*args, **kwargs):
    """tf.meshgrid: coordinate grids of 1-D tensors; indexing 'xy' (Cartesian, default) or 'ij'."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected keyword argument {next(iter(kwargs))!r}")
    if indexing not in ("xy", "ij"):
        raise ValueError("Argument `indexing` parameter must be either 'xy' or 'ij'")
    xs = [_native.reshape(_t(x), [-1]) for x in args]
    ndim = len(xs)
    out = [_native.reshape(x, [1] * i + [-1] + [1] * (ndim - i - 1)) for i, x in enumerate(xs)]
    shapes = [x.shape[0] for x in xs]
    if indexing == "xy" and ndim > 1:
        out[0] = _native.reshape(out[0], [1, -1] + [1] * (ndim - 2))
        out[1] = _native.reshape(out[1], [-1, 1] + [1] * (ndim - 2))
        shapes[0], shapes[1] = shapes[1], shapes[0]
    return [_native.multiply(x, _native.ones(shapes, x.dtype)) for x in out]


class Unique(tuple):
    """tf.unique's (y, idx), also readable as .y and .idx."""

    def __new__(cls, *parts):
        return tuple.__new__(cls, parts)

    y = property(lambda self: self[0])
    idx = property(lambda self: self[1])


class UniqueWithCounts(Unique):
    """tf.unique_with_counts' (y, idx, count)."""

    count = property(lambda self: self[2])


def unique(x, out_idx=_native.int32, name=None):
    """tf.unique: the distinct values of the vector x in order of first appearance, and the
    position of each element's value among them (out_idx)."""
    x = _t(x)
    return Unique(_run(_native.unique, x), _run(_native.unique_indices, x, _native.as_dtype(out_idx)))


def unique_with_counts(x, out_idx=_native.int32, name=None):
    """tf.unique_with_counts: tf.unique's (y, idx) and how often each value occurs."""
    x = _t(x)
    dt = _native.as_dtype(out_idx)
    return UniqueWithCounts(_run(_native.unique, x), _run(_native.unique_indices, x, dt),
                            _run(_native.unique_counts, x, dt))


def searchsorted(sorted_sequence, values, side="left", out_type=_native.int32, name=None):
    """tf.searchsorted: where each of `values` would be inserted into the sorted innermost rows
    of `sorted_sequence` (side 'left': before equal values, 'right': after them)."""
    if side not in ("left", "right"):
        raise ValueError(f"Argument `side` must be either 'right' or 'left'. Received: `side` = {side!r}.")
    return _run(_native.searchsorted, sorted_sequence, values, side == "right", _native.as_dtype(out_type))


def tensordot(a, b, axes, name=None):
    """tf.tensordot / tf.linalg.tensordot: sums the products of a's and b's elements over the
    axes given (an int N: a's last N with b's first N; or a pair of axis lists), as TF composes
    it: transpose, reshape, matmul, reshape."""
    a, b = _t(a), _t(b)
    if isinstance(axes, int) or (_b()._is_tensor(axes) and _t(axes).ndim == 0):
        n = int(axes)
        if n < 0 or n > a.ndim or n > b.ndim:
            raise ValueError(f"tensordot: axes = {n} must be in [0, min(rank(a), rank(b))] for shapes {tuple(a.shape)} and {tuple(b.shape)}")
        a_axes, b_axes = list(_builtins.range(a.ndim - n, a.ndim)), list(_builtins.range(n))
    else:
        pair = list(axes)
        if len(pair) != 2:
            raise ValueError(f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}")
        a_axes, b_axes = (_b()._ints(p, "axes") for p in pair)
    a_axes = [i % a.ndim for i in a_axes] if a.ndim else a_axes
    b_axes = [i % b.ndim for i in b_axes] if b.ndim else b_axes
    if len(a_axes) != len(b_axes) or any(a.shape[i] != b.shape[j] for i, j in zip(a_axes, b_axes)):
        raise ValueError(f"tensordot: axes {a_axes} of {tuple(a.shape)} and {b_axes} of {tuple(b.shape)} do not match")
    a_free = [i for i in _builtins.range(a.ndim) if i not in a_axes]
    b_free = [i for i in _builtins.range(b.ndim) if i not in b_axes]
    prod = _math.prod
    a2 = _native.reshape(_native.transpose(a, a_free + a_axes),
                         [prod(a.shape[i] for i in a_free), prod(a.shape[i] for i in a_axes)])
    b2 = _native.reshape(_native.transpose(b, b_axes + b_free),
                         [prod(b.shape[i] for i in b_axes), prod(b.shape[i] for i in b_free)])
    from .linalg import matmul
    out = matmul(a2, b2)
    return _native.reshape(out, [a.shape[i] for i in a_free] + [b.shape[i] for i in b_free])


def sequence_mask(lengths, maxlen=None, dtype=_native.bool, name=None):
    """tf.sequence_mask: mask[..., j] = j < lengths[...], j in range(maxlen) (default max(lengths))."""
    lengths = _t(lengths)
    if maxlen is None:
        maxlen = _native.maximum_scalar(_native.max(lengths, None, False), 0) if lengths.size else _native.convert(0, lengths.dtype)
    maxlen = _t(maxlen)
    if maxlen.ndim != 0:
        raise ValueError(f"Argument `maxlen` must be scalar for sequence_mask, received shape {tuple(maxlen.shape)}")
    row = _native.arange(0, int(maxlen), 1, maxlen.dtype)
    result = _native.less(row, _native.cast(_native.expand_dims(lengths, -1), maxlen.dtype))
    dtype = _native.as_dtype(dtype)
    return result if dtype == _native.bool else _native.cast(result, dtype)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """tf.repeat: each slice along `axis` (None: of the flattened input) repeated `repeats` times
    (a scalar, or one count per slice), as TF composes it: tile for one count, else
    sequence_mask + tile + boolean_mask."""
    x = _t(input)
    if axis is None:
        x, axis = _native.reshape(x, [-1]), 0
    if not isinstance(axis, int):
        raise TypeError(f"Argument `axis` must be an int. Received `axis` = {axis} of type {type(axis).__name__}")
    r = _native.cast(_t(repeats), _native.int32)
    if r.ndim > 1:
        raise ValueError(f"repeat: repeats must have rank 0 or 1, got shape {tuple(r.shape)}")
    if x.ndim == 0:
        x = _native.reshape(x, [1])
    axis = axis % x.ndim
    if r.size == 1:
        n = int(_native.reshape(r, []))
        tiled = _native.tile(_native.expand_dims(x, axis + 1), [1] * (axis + 1) + [n] + [1] * (x.ndim - axis - 1))
        return _native.reshape(tiled, list(x.shape[:axis]) + [n * x.shape[axis]] + list(x.shape[axis + 1:]))
    if r.shape[0] != x.shape[axis]:
        raise _errors.InvalidArgumentError(None, None, f"repeat: {r.shape[0]} repeats for axis {axis} of size {x.shape[axis]}")
    counts = [int(v) for v in r]
    if any(c < 0 for c in counts):
        raise _errors.InvalidArgumentError(None, None, f"repeat: repeats must be non-negative, got {counts}")
    reps = _native.broadcast_to(r, list(x.shape[:axis + 1]))
    top = max(counts)
    mask = sequence_mask(reps, top)
    tiled = _native.tile(_native.expand_dims(x, axis + 1), [1] * (axis + 1) + [top] + [1] * (x.ndim - axis - 1))
    masked = tiled[mask]
    return masked if axis == 0 else _native.reshape(masked, list(x.shape[:axis]) + [sum(counts)] + list(x.shape[axis + 1:]))
