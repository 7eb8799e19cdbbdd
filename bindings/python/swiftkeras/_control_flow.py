"""``tf.cond`` and ``tf.while_loop`` as TensorFlow 2 runs them eagerly (everything here runs
eagerly): the chosen branch is called, the body is called while the condition holds. A tensor
condition must have one element (its truth value comes from the core, as ``bool(tensor)``)."""

__all__ = ["cond", "while_loop"]


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` when ``pred`` is true, else ``false_fn()`` (TF2 ``tf.cond``)."""
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    return true_fn() if bool(pred) else false_fn()


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Calls ``body(*loop_vars)`` while ``cond(*loop_vars)`` holds, at most ``maximum_iterations``
    times, and returns the last loop variables in the structure they were given (TF2
    ``tf.while_loop``; a body of one loop variable may return it bare). ``shape_invariants``,
    ``parallel_iterations``, ``back_prop`` and ``swap_memory`` concern graph building and change
    nothing when running eagerly, as in TensorFlow."""
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    as_list = isinstance(loop_vars, list)
    single = not isinstance(loop_vars, (list, tuple))
    current = (loop_vars,) if single else tuple(loop_vars)
    limit = None if maximum_iterations is None else int(maximum_iterations)
    steps = 0
    while (limit is None or steps < limit) and bool(cond(*current)):
        out = body(*current)
        if not isinstance(out, (list, tuple)):
            out = (out,)
        if len(out) != len(current):
            raise ValueError(f"while_loop: body returned {len(out)} loop variables, the loop has {len(current)}")
        current = tuple(out)
        steps += 1
    if single:
        return current[0]
    return list(current) if as_list else current
