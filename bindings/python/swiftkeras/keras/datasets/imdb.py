"""keras.datasets.imdb (``~/.keras/datasets/imdb.npz``, ``imdb_word_index.json``), with tf.keras 2's
``num_words`` / ``skip_top`` / ``maxlen`` / ``start_char`` / ``oov_char`` / ``index_from``."""
import json

from ._files import _BASE, cached, load_npz


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)): lists of word indices (object arrays) and 0/1 labels."""
    import numpy as np
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    x_train, labels_train, x_test, labels_test = load_npz("imdb.npz", path, ("x_train", "y_train", "x_test", "y_test"))
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x_train))
    rng.shuffle(idx)
    x_train, labels_train = x_train[idx], labels_train[idx]
    idx = np.arange(len(x_test))
    rng.shuffle(idx)
    x_test, labels_test = x_test[idx], labels_test[idx]
    xs = list(x_train) + list(x_test)
    labels = np.concatenate([labels_train, labels_test])
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
        if not kept:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                             "Increase maxlen.")
        xs, labels = [x for x, _ in kept], np.array([y for _, y in kept])
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    n = len(x_train)
    out = np.empty(len(xs), dtype=object)
    out[:] = xs
    return (out[:n], labels[:n]), (out[n:], labels[n:])


def get_word_index(path="imdb_word_index.json"):
    """The word → index dict (tf.keras 2's file)."""
    with open(cached(path, _BASE + "imdb_word_index.json")) as f:
        return json.load(f)
