"""Keras arguments swiftkeras does not implement: each is accepted at the value we implement
(Keras' default, or the one whose behaviour is ours) and refused otherwise with
NotImplementedError naming it — never silently ignored."""


def refuse_unsupported(owner, **given_and_accepted):
    """``refuse_unsupported("Model.summary", expand_nested=(value, False), ...)``: raises
    NotImplementedError for the first argument whose value differs from its accepted one."""
    for name, (value, accepted) in given_and_accepted.items():
        if value != accepted:
            raise NotImplementedError(f"{owner}: argument `{name}`={value!r} is not supported (only {accepted!r})")
