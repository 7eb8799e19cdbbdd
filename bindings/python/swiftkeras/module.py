"""``tf.Module``: a named container whose variables (found through its attributes, lists,
tuples and dicts, and its sub-modules) ``tf.train.Checkpoint`` saves."""
from ._native import Variable

__all__ = ["Module"]


def _walk(obj, path, seen, out_vars, out_mods):
    """Appends (path, Variable) and (path, Module) found under obj, each object once."""
    if id(obj) in seen:
        return
    if isinstance(obj, Variable):
        seen.add(id(obj))
        out_vars.append((path, obj))
    elif isinstance(obj, Module):
        seen.add(id(obj))
        if path:
            out_mods.append((path, obj))
        for k in sorted(vars(obj)):
            if not k.startswith("_module_"):
                _walk(vars(obj)[k], f"{path}/{k}" if path else k, seen, out_vars, out_mods)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _walk(v, f"{path}/{i}", seen, out_vars, out_mods)
    elif isinstance(obj, dict):
        for k in sorted(obj, key=str):
            _walk(obj[k], f"{path}/{k}", seen, out_vars, out_mods)


class Module:
    """``tf.Module(name=None)``: ``variables``, ``trainable_variables`` and ``submodules`` are
    found by walking the attributes (sorted by name, as TF does)."""

    def __init__(self, name=None):
        if name is None:
            name = _snake(type(self).__name__)
        if not isinstance(name, str) or not name.replace("_", "a").isalnum():
            raise ValueError(f"{name!r} is not a valid module name: use letters, digits and underscores")
        self._module_name = name

    def _collect(self):
        vs, ms = [], []
        _walk(self, "", set(), vs, ms)
        return vs, ms

    name = property(lambda self: self._module_name, doc="The module's name (its class in snake_case by default).")
    name_scope = name
    variables = property(lambda self: tuple(v for _, v in self._collect()[0]),
                         doc="Every variable found under the module, in attribute-name order.")
    trainable_variables = property(lambda self: tuple(v for v in self.variables if v.trainable))
    non_trainable_variables = property(lambda self: tuple(v for v in self.variables if not v.trainable))
    submodules = property(lambda self: tuple(m for _, m in self._collect()[1]))

    @classmethod
    def with_name_scope(cls, method):
        return method


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
