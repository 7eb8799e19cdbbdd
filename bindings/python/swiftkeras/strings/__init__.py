"""swiftkeras.strings: tf.strings over string tensors (the core's Ops/StringOps.swift through
include/swiftkeras/strings.h)."""

from .. import _native

__all__ = ["lower", "upper", "strip", "length", "substr", "to_number", "regex_replace", "join", "split",
           "unicode_split", "ngrams", "reduce_join"]


def _no_encoding(fn, encoding):
    if encoding not in ("", None):
        raise NotImplementedError(f"tf.strings.{fn}: encoding={encoding!r} is not supported (only '': ASCII)")


def lower(input, encoding="", name=None):
    """tf.strings.lower: ASCII lowercase of each element."""
    _no_encoding("lower", encoding)
    return _native.strings_lower(input)


def upper(input, encoding="", name=None):
    """tf.strings.upper: ASCII uppercase of each element."""
    _no_encoding("upper", encoding)
    return _native.strings_upper(input)


def strip(input, name=None):
    """tf.strings.strip: leading and trailing whitespace removed."""
    return _native.strings_strip(input)


def length(input, unit="BYTE", name=None):
    """tf.strings.length: the byte length of each element (int32)."""
    if unit != "BYTE":
        raise NotImplementedError(f"tf.strings.length: unit={unit!r} is not supported (only 'BYTE')")
    return _native.strings_length(input)


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 (TF's parameter name)
    """tf.strings.substr with scalar pos and len (bytes)."""
    if unit != "BYTE":
        raise NotImplementedError(f"tf.strings.substr: unit={unit!r} is not supported (only 'BYTE')")
    return _native.strings_substr(input, int(pos), int(len))


def to_number(string_tensor, out_type=None, name=None):
    """tf.strings.to_number: each element parsed as out_type (float32 by default)."""
    return _native.strings_to_number(string_tensor, "float32" if out_type is None else out_type)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """tf.strings.regex_replace for a literal pattern or one bracket class (optionally +)."""
    return _native.strings_regex_replace(input, str(pattern), str(rewrite), bool(replace_global))


def join(inputs, separator="", name=None):
    """tf.strings.join: the string tensors joined elementwise with separator."""
    return _native.strings_join(list(inputs), str(separator))


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002 (TF's parameter name)
    """tf.strings.split: a scalar gives its tokens as a 1-D string tensor, a 1-D tensor a
    ``tf.RaggedTensor`` (values + row_splits) of the tokens of each element; ``sep`` None splits
    on whitespace runs. Inputs of rank 2 or more raise NotImplementedError."""
    from ..ragged import RaggedTensor
    x = input if isinstance(input, _native.Tensor) else _constant(input)
    values, row_splits = _native.strings_split(x, None if sep is None else str(sep), int(maxsplit))
    return values if len(x.shape) == 0 else RaggedTensor(values, row_splits)


_UNICODE_ERRORS = {"strict": 0, "replace": 1, "ignore": 2}


def unicode_split(input, input_encoding, errors="replace", replacement_char=0xFFFD, name=None):  # noqa: A002
    """tf.strings.unicode_split: the characters (code points, as UTF-8 strings) of a scalar (a
    1-D tensor) or of each element of a 1-D tensor (a ``tf.RaggedTensor``). ``errors``: "replace"
    (each ill-formed subsequence becomes U+FFFD), "ignore" or "strict" (InvalidArgumentError)."""
    from ..ragged import RaggedTensor
    if str(input_encoding).upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise NotImplementedError(f"tf.strings.unicode_split: input_encoding={input_encoding!r} is not supported "
                                  "(only 'UTF-8')")
    if errors not in _UNICODE_ERRORS:
        raise ValueError(f"tf.strings.unicode_split: errors must be one of {sorted(_UNICODE_ERRORS)}, got {errors!r}")
    if replacement_char != 0xFFFD:
        raise NotImplementedError("tf.strings.unicode_split: only the default replacement_char (U+FFFD) is supported")
    if isinstance(input, RaggedTensor):
        raise NotImplementedError("tf.strings.unicode_split: ragged inputs are not supported (rank 0 or 1 tensors)")
    x = input if isinstance(input, _native.Tensor) else _constant(input)
    values, row_splits = _run(_native.strings_unicode_split, x, _UNICODE_ERRORS[errors])
    return values if len(x.shape) == 0 else RaggedTensor(values, row_splits)


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None, preserve_short_sequences=False,
           name=None):
    """tf.strings.ngrams: the ngrams of the last axis of ``data`` (a 1-D or 2-D string tensor — the
    result is dense like it — or a ``tf.RaggedTensor`` of rows — the result is ragged), of width
    ``ngram_width`` (an int or a list: all those widths, in turn), joined by ``separator``, padded
    with ``pad_values`` (a string or a (left, right) pair) on ``padding_width`` positions
    (default width - 1)."""
    from ..ragged import RaggedTensor
    if pad_values is None:
        left = right = ""
    elif isinstance(pad_values, (list, tuple)):
        if len(pad_values) != 2 or not all(isinstance(p, (str, bytes)) for p in pad_values):
            raise TypeError("pad_values must be a string, tuple of strings, or None.")
        left, right = pad_values
    elif isinstance(pad_values, (str, bytes)):
        left = right = pad_values
    else:
        raise TypeError("pad_values must be a string, tuple of strings, or None.")
    if padding_width is not None and padding_width < 1:
        raise ValueError("padding_width must be greater than 0.")
    if padding_width is not None and pad_values is None:
        raise ValueError("pad_values must be provided if padding_width is set.")
    widths = list(ngram_width) if isinstance(ngram_width, (list, tuple)) else [ngram_width]
    if any(int(w) < 1 for w in widths):
        raise ValueError(f"All ngram_widths must be greater than 0. Got {ngram_width}")
    pad = 0 if pad_values is None else (-1 if padding_width is None else int(padding_width))
    text = [v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v) for v in (separator, left, right)]

    def run(values, splits):
        return _run(_native.strings_ngrams, values, splits, [int(w) for w in widths], *text, pad,
                    bool(preserve_short_sequences))

    if isinstance(data, RaggedTensor):
        return RaggedTensor(*run(data.values, data.row_splits))
    x = data if isinstance(data, _native.Tensor) else _constant(data)
    rank = len(x.shape)
    if rank == 0:
        raise ValueError("Data must have rank>0")
    if rank > 2:
        raise NotImplementedError(f"tf.strings.ngrams: dense data of rank {rank} is not supported (rank 1 or 2)")
    from .. import constant, int64, reshape
    rows, width = (1, int(x.shape[0])) if rank == 1 else (int(x.shape[0]), int(x.shape[1]))
    values, _ = run(reshape(x, [-1]), constant([i * width for i in range(rows + 1)], dtype=int64))
    return values if rank == 1 else reshape(values, [rows, -1])


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """tf.strings.reduce_join: the elements joined with ``separator`` along ``axis`` (an int, a
    list of ints, or None for all axes in row-major order)."""
    x = inputs if isinstance(inputs, _native.Tensor) else _constant(inputs)
    axes = None if axis is None else ([int(a) for a in axis] if isinstance(axis, (list, tuple)) else [int(axis)])
    return _run(_native.strings_reduce_join, x, axes, bool(keepdims), str(separator))


def _run(fn, *args):
    """fn(*args) with the core's value errors raised as TensorFlow raises them (InvalidArgumentError)."""
    from .._tf_generated import _run as run
    return run(fn, *args)


def _constant(v):
    from .. import constant
    return constant(v)
