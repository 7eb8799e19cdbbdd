"""swiftkeras.summary: TF2's ``tf.summary`` — file writers whose event files TensorBoard reads,
``scalar``, ``histogram`` and ``text`` summaries, the default writer and step.

The files and the summaries (TF2's tensor summaries, histogram buckets) are the core's
(``include/swiftkeras/summary.h``); this module keeps what TF keeps per thread: the default
writer (``writer.as_default()``), the default step (``experimental.set_step``) and the
recording condition (``record_if``)."""
import contextlib as _contextlib
import threading as _threading
import types as _types

from . import _native

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "scalar", "histogram", "text", "image",
           "audio", "write", "flush", "record_if", "should_record_summaries", "experimental", "trace_on",
           "trace_off", "trace_export"]

_state = _threading.local()


def _stack():
    if not hasattr(_state, "writers"):
        _state.writers, _state.step, _state.record = [], None, []
    return _state


class SummaryWriter:
    """A summary writer (``tf.summary.create_file_writer``): summaries written while it is the
    default go to its event file."""

    def __init__(self, handle=None):
        self._h = handle
        self._closed = False

    @_contextlib.contextmanager
    def as_default(self, step=None):
        """Makes this the default writer inside the ``with`` block (and ``step`` the default step)."""
        s = _stack()
        saved = s.step
        s.writers.append(self)
        if step is not None:
            s.step = step
        try:
            yield self
        finally:
            s.writers.pop()
            if step is not None:
                s.step = saved
            self.flush()

    def set_as_default(self, step=None):
        """Makes this the default writer from now on (and ``step`` the default step)."""
        s = _stack()
        s.writers[:] = [self]
        if step is not None:
            s.step = step

    def init(self):
        """Creates the event file now."""
        if self._h is not None:
            _native.summary_writer_init(self._h)

    def flush(self):
        """Records are written through as they come: nothing is pending."""

    def close(self):
        """Flushes and closes the event file; later writes raise."""
        if self._h is not None:
            _native.summary_writer_close(self._h)
        self._closed = True

    def _write(self, fn, name, *args):
        if self._h is not None:
            fn(self._h, name, *args)


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    """A writer of one event file in ``logdir`` (made with its parents on the first write)."""
    if experimental_mesh is not None:
        raise NotImplementedError("create_file_writer: experimental_mesh is not supported (one CPU device)")
    if max_queue is not None and int(max_queue) < 0:
        raise ValueError(f"create_file_writer: max_queue must be >= 0, got {max_queue}")
    if flush_millis is not None and int(flush_millis) < 0:
        raise ValueError(f"create_file_writer: flush_millis must be >= 0, got {flush_millis}")
    # max_queue / flush_millis bound how long records wait; here every record is written at once
    return SummaryWriter(_native.summary_writer_create(str(logdir), None if filename_suffix is None
                                                       else str(filename_suffix)))


def create_noop_writer():
    """A writer that writes nothing."""
    return SummaryWriter(None)


def _writer():
    s = _stack()
    return s.writers[-1] if s.writers else None


def should_record_summaries():
    """Whether a summary written now would be recorded: a default writer, and every
    ``record_if`` condition true."""
    if _writer() is None:
        return False
    for cond in _stack().record:
        if not bool(cond() if callable(cond) else cond):
            return False
    return True


@_contextlib.contextmanager
def record_if(condition):
    """Records summaries inside the block only when ``condition`` (a bool or a callable) is true."""
    s = _stack()
    s.record.append(condition)
    try:
        yield
    finally:
        s.record.pop()


def _step(step):
    if step is None:
        step = _stack().step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument or through "
                         "tf.summary.experimental.set_step()")
    try:
        return int(step.numpy()) if hasattr(step, "numpy") else int(step)
    except (TypeError, ValueError):
        raise ValueError(f"step must be an integer, got {step!r}") from None


def _description(d):
    return None if d is None else str(d)


def _value(data):
    if hasattr(data, "numpy"):
        data = data.numpy()
    try:
        return float(data)
    except TypeError:
        raise ValueError(f"tf.summary.scalar: data must be a scalar, got {data!r}") from None


def scalar(name, data, step=None, description=None):
    """Writes a scalar; True when written, False without a default writer."""
    if not should_record_summaries():
        return False
    _writer()._write(_native.summary_scalar, str(name), _value(data), _step(step), _description(description))
    return True


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes a histogram of ``data`` in ``buckets`` (30) equal-width buckets."""
    if not should_record_summaries():
        return False
    _writer()._write(_native.summary_histogram, str(name), data, _step(step), 30 if buckets is None else int(buckets),
                     _description(description))
    return True


def text(name, data, step=None, description=None):
    """Writes a string tensor (TensorBoard renders it as Markdown)."""
    if not should_record_summaries():
        return False
    if hasattr(data, "numpy"):
        data = data.numpy()
    _writer()._write(_native.summary_text, str(name), data, _step(step), _description(description))
    return True


def image(name, data, step=None, max_outputs=3, description=None):
    """Not supported: image summaries need PNG encoding, which SwiftKeras does not have."""
    raise NotImplementedError("tf.summary.image is not supported (scalar, histogram and text are)")


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Not supported."""
    raise NotImplementedError("tf.summary.audio is not supported (scalar, histogram and text are)")


def write(tag, tensor, step=None, metadata=None, name=None):
    """Not supported: generic tensor summaries with custom metadata."""
    raise NotImplementedError("tf.summary.write is not supported (scalar, histogram and text are)")


def flush(writer=None, name=None):
    """Flushes ``writer`` (or the default one): records are written through already."""
    w = writer if writer is not None else _writer()
    if w is not None:
        w.flush()


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Not supported: there is no graph to trace."""
    raise NotImplementedError("tf.summary.trace_on is not supported (eager execution only, no graphs)")


def trace_off():
    """Not supported (see ``trace_on``)."""
    raise NotImplementedError("tf.summary.trace_off is not supported (eager execution only, no graphs)")


def trace_export(name, step=None, profiler_outdir=None):
    """Not supported (see ``trace_on``)."""
    raise NotImplementedError("tf.summary.trace_export is not supported (eager execution only, no graphs)")


def _get_step():
    """The default step (None when unset)."""
    return _stack().step


def _set_step(step):
    """Sets the default step of the summary functions (None unsets it)."""
    _stack().step = step


@_contextlib.contextmanager
def _summary_scope(name, default_name=None, values=None):
    yield (name or default_name or ""), (name or default_name or "")


experimental = _types.SimpleNamespace(get_step=_get_step, set_step=_set_step, summary_scope=_summary_scope,
                                      write_raw_pb=None)


def _write_raw_pb(data, step=None, name=None):
    raise NotImplementedError("tf.summary.experimental.write_raw_pb is not supported")


experimental.write_raw_pb = _write_raw_pb
