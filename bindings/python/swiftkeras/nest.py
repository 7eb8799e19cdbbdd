"""``tf.nest`` basics: ``flatten``, ``map_structure``, ``pack_sequence_as``, ``is_nested``,
``assert_same_structure``. Lists, tuples, namedtuples and dicts (visited in sorted key order,
as TF does) are structure; everything else (tensors included) is a leaf; None is a leaf."""
__all__ = ["flatten", "map_structure", "pack_sequence_as", "is_nested", "assert_same_structure"]


def is_nested(seq):
    """Whether `seq` is a list, tuple (namedtuple included) or dict."""
    return isinstance(seq, (list, tuple, dict))


def _children(s):
    if isinstance(s, dict):
        return [s[k] for k in _sorted_keys(s)]
    return list(s)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:
        return sorted(d, key=repr)


def flatten(structure, expand_composites=False):
    """The leaves of `structure`, depth first."""
    if not is_nested(structure):
        return [structure]
    out = []
    for c in _children(structure):
        out.extend(flatten(c))
    return out


def _rebuild(template, children):
    if isinstance(template, dict):
        keys = _sorted_keys(template)
        d = dict(zip(keys, children))
        return type(template)((k, d[k]) for k in template) if type(template) is not dict else {k: d[k] for k in template}
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """`flat_sequence` packed into the shape of `structure`."""
    flat = list(flat_sequence)

    def pack(s, i):
        if not is_nested(s):
            return flat[i], i + 1
        kids = []
        for c in _children(s):
            v, i = pack(c, i)
            kids.append(v)
        return _rebuild(s, kids), i

    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError(f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had {len(flat)} items.")
    return pack(structure, 0)[0]


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raises ValueError (TypeError for differing sequence types with check_types) when the two
    structures differ."""
    if is_nested(nest1) != is_nested(nest2):
        raise ValueError(f"The two structures don't have the same nested structure: {nest1!r} and {nest2!r}")
    if not is_nested(nest1):
        return
    if check_types and type(nest1) is not type(nest2):
        raise TypeError(f"The two structures don't have the same sequence type: {type(nest1).__name__} "
                        f"and {type(nest2).__name__}")
    if isinstance(nest1, dict) and set(nest1) != set(nest2):
        raise ValueError(f"The two dictionaries don't have the same set of keys: {sorted(map(repr, nest1))} "
                         f"and {sorted(map(repr, nest2))}")
    a, b = _children(nest1), _children(nest2)
    if len(a) != len(b):
        raise ValueError(f"The two structures don't have the same number of elements: {len(a)} and {len(b)}")
    for x, y in zip(a, b):
        assert_same_structure(x, y, check_types)


def map_structure(func, *structure, **kwargs):
    """func applied to the corresponding leaves of the structures (which must match)."""
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and `expand_composites`, got {sorted(kwargs)}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*xs) for xs in zip(*flats)])
