"""``tf.print``: prints tensors as TensorFlow does (``[1 2 3]``, nested brackets, at most
`summarize` entries at each end of an axis with ``...`` between)."""
import sys as _sys

from . import _native

__all__ = ["print"]


def _scalar(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return f"{v:g}" if abs(v) >= 1e-4 or v == 0 else repr(v)
    return str(v)


def _format(values, depth, summarize):
    if not isinstance(values, list):
        return _scalar(values)
    n = len(values)
    if summarize is not None and summarize >= 0 and n > 2 * summarize:
        parts = [_format(v, depth + 1, summarize) for v in values[:summarize]] + ["..."] + \
                [_format(v, depth + 1, summarize) for v in values[n - summarize:]]
    else:
        parts = [_format(v, depth + 1, summarize) for v in values]
    nested = bool(values) and isinstance(values[0], list)
    sep = "\n" + " " * (depth + 1) if nested else " "
    return "[" + sep.join(parts) + "]"


def _to_text(x, summarize):
    if isinstance(x, (_native.Tensor, _native.Variable)):
        return _format(_native.convert(x).tolist(), 0, summarize)
    if isinstance(x, (list, tuple)):
        inner = ", ".join(_to_text(v, summarize) for v in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_to_text(v, summarize)}" for k, v in x.items()) + "}"
    return str(x)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """``tf.print``: writes to sys.stderr by default (``sys.stdout`` or a file object, or TF's
    "file://path" spelling, elsewhere)."""
    text = sep.join(_to_text(x, summarize) for x in inputs) + end
    stream = _sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"tf.print: output_stream {stream!r} is not a stream or a file:// path")
        with open(stream[len("file://"):], "a") as f:
            f.write(text)
        return None
    stream.write(text)
    return None
