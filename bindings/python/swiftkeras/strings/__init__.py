"""swiftkeras.strings: tf.strings over string tensors (the core's Ops/StringOps.swift through
include/swiftkeras/strings.h)."""

from .. import _native

__all__ = ["lower", "upper", "strip", "length", "substr", "to_number", "regex_replace", "join", "split"]


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


def _constant(v):
    from .. import constant
    return constant(v)
