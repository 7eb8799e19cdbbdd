"""swiftkeras.keras.preprocessing.text: tf.keras 2's ``Tokenizer``, ``tokenizer_from_json``,
``text_to_word_sequence``, ``one_hot`` and ``hashing_trick``.

The rules are the core's (``include/swiftkeras/text.h``): splitting, counting, the word index by
count then first appearance, the conversions and the config of ``to_json``. A tokenizer's state
is that config; the dictionaries (``word_index``, ``word_counts``, ...) are read from it when
first used and, being the caller's to edit as in tf.keras, sent back with every call. Python's
own ``hash`` (``one_hot``, ``hashing_trick`` without "md5") and an ``analyzer`` run here, being
Python functions."""
import collections as _collections
import hashlib as _hashlib
import json as _json
import warnings as _warnings

from ... import _native

__all__ = ["Tokenizer", "tokenizer_from_json", "text_to_word_sequence", "one_hot", "hashing_trick"]

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def _options(filters, lower, split):
    return _json.dumps({"filters": str(filters), "lower": bool(lower), "split": str(split)})


def text_to_word_sequence(input_text, filters=_FILTERS, lower=True, split=" "):
    """The words of ``input_text``: lower-cased (``lower``), every character of ``filters``
    replaced by ``split``, split on ``split``, empty words dropped."""
    return _native.text_to_word_sequence([str(input_text)], _options(filters, lower, split))[0]


def hashing_trick(text, n, hash_function=None, filters=_FILTERS, lower=True, split=" ", analyzer=None):
    """Each word of ``text`` as ``hash_function(word) % (n - 1) + 1``: Python's ``hash`` by
    default (which varies between processes unless PYTHONHASHSEED is set, as in tf.keras), a
    callable, or "md5" (stable: the core's MD5)."""
    if hash_function == "md5" and analyzer is None:
        return _native.text_hashing_trick_md5([str(text)], int(n), _options(filters, lower, split))[0]
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(w):
            return int(_hashlib.md5(w.encode()).hexdigest(), 16)
    seq = text_to_word_sequence(text, filters, lower, split) if analyzer is None else analyzer(text)
    return [(hash_function(w) % (n - 1) + 1) for w in seq]


def one_hot(input_text, n, filters=_FILTERS, lower=True, split=" ", analyzer=None):
    """``hashing_trick`` with Python's ``hash``: word indices in ``1 .. n-1``."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower, split=split,
                         analyzer=analyzer)


_DICTS = {"word_counts": _collections.OrderedDict, "word_docs": None, "index_docs": None,
          "word_index": dict, "index_word": dict}
_SCALARS = ("num_words", "filters", "lower", "split", "char_level", "oov_token", "document_count")


def _load_dict(name, text):
    d = _json.loads(text, object_pairs_hook=_collections.OrderedDict if name == "word_counts" else dict)
    if name in ("index_docs", "index_word"):
        d = {int(k): v for k, v in d.items()}
    if name in ("word_docs", "index_docs"):
        d = _collections.defaultdict(int, d)
    return d


def _coerce(name, value):
    """An option as its JSON type (Python's truthiness for the flags, as tf.keras tests them)."""
    if name in ("lower", "char_level"):
        return bool(value)
    if name in ("filters", "split"):
        return str(value)
    if name in ("num_words", "oov_token"):
        return None if value is None else (int(value) if name == "num_words" else str(value))
    return int(value)


def _chunks(items, size=1024):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _flatten(sequences):
    values, lengths = [], []
    for s in sequences:
        if hasattr(s, "tolist"):
            s = s.tolist()
        s = list(s)
        values.extend(int(v) for v in s)
        lengths.append(len(s))
    return values, lengths


class Tokenizer:
    """tf.keras 2's text tokenization utility: ``fit_on_texts`` then ``texts_to_sequences`` /
    ``texts_to_matrix`` (modes "binary", "count", "tfidf", "freq"). ``num_words`` keeps the
    words of index below it; ``oov_token`` gets index 1 and replaces unknown words."""

    def __init__(self, num_words=None, filters=_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:
            _warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed `num_words`.")
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.document_count = document_count
        self.analyzer = analyzer
        self._synced, self._dicts, self._pristine = {}, {}, {}
        self._update(_native.tokenizer_config("{}", self._overrides()))

    # --- the state: the core's config; what was changed here since is sent with each call ---

    def _overrides(self):
        """The options changed since the config was made and the dictionaries read from it and
        edited (or assigned) since, as JSON; None when nothing changed (the core then reuses the
        tokenizer it last read or wrote with this config)."""
        o = {k: _coerce(k, getattr(self, k)) for k in _SCALARS if getattr(self, k) != self._synced.get(k, object())}
        o.update((k, d) for k, d in self._dicts.items() if k not in self._pristine or d != self._pristine[k])
        return _json.dumps(o) if o else None

    def _update(self, config):
        self._config = config
        self._dicts, self._pristine = {}, {}
        inner = _json.loads(config)["config"]
        self._synced = {k: inner[k] for k in _SCALARS}
        for k in _SCALARS:
            setattr(self, k, inner[k])

    def _get(self, name):
        if name not in self._dicts:
            d = _load_dict(name, _json.loads(self._config)["config"][name])
            self._dicts[name] = d
            self._pristine[name] = d.copy()
        return self._dicts[name]

    def _set(self, name, value):
        self._dicts[name] = value
        self._pristine.pop(name, None)

    def _documents(self, texts):
        """Runs of documents of one kind: (texts, None, 1) for plain texts, (tokens, lengths,
        lower) for lists of tokens (lower-cased with ``lower``) and an analyzer's tokens (as
        given)."""
        runs = []
        for text in texts:
            if isinstance(text, list):
                kind = "list"
            elif self.analyzer is not None and not self.char_level:
                kind, text = "analyzer", list(self.analyzer(text))
            else:
                kind = "text"
            if not runs or runs[-1][0] != kind:
                runs.append((kind, []))
            runs[-1][1].append(text)
        for kind, docs in runs:
            if kind == "text":
                yield [str(t) for t in docs], None, 1
            else:
                yield [str(w) for d in docs for w in d], [len(d) for d in docs], int(kind == "list")

    def fit_on_texts(self, texts):
        """Counts the words of ``texts`` (strings, or lists of tokens) and indexes them by count."""
        for docs, lengths, lower in self._documents(texts):
            self._update(_native.tokenizer_fit_on_texts(self._config, self._overrides(), docs, lengths, lower))

    def fit_on_sequences(self, sequences):
        """Counts the documents holding each index (what tfidf reads) from sequences of indices."""
        values, lengths = _flatten(sequences)
        self._update(_native.tokenizer_fit_on_sequences(self._config, self._overrides(), values, lengths))

    def texts_to_sequences(self, texts):
        """Each text as the list of its words' indices."""
        out = []
        for docs, lengths, lower in self._documents(texts):
            out.extend(_native.tokenizer_texts_to_sequences(self._config, self._overrides(), docs, lengths, lower))
        return out

    def texts_to_sequences_generator(self, texts):
        """``texts_to_sequences``, one text at a time (converted in chunks of 1024)."""
        for chunk in _chunks(texts):
            yield from self.texts_to_sequences(chunk)

    def sequences_to_texts(self, sequences):
        """Each sequence of indices as its words joined by spaces."""
        values, lengths = _flatten(sequences)
        return _native.tokenizer_sequences_to_texts(self._config, self._overrides(), values, lengths)

    def sequences_to_texts_generator(self, sequences):
        """``sequences_to_texts``, one sequence at a time (converted in chunks of 1024)."""
        for chunk in _chunks(sequences):
            yield from self.sequences_to_texts(chunk)

    def texts_to_matrix(self, texts, mode="binary"):
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 numpy array ``(len(sequences), num_words)``: per index 1 ("binary"), its
        count ("count"), count / length ("freq") or tf-idf ("tfidf")."""
        values, lengths = _flatten(sequences)
        return _native.tokenizer_sequences_to_matrix(self._config, self._overrides(), values, lengths,
                                                     str(mode)).numpy()

    def get_config(self):
        """tf.keras 2's config: the options, ``document_count`` and each dictionary as a JSON string."""
        return _json.loads(self.to_json())["config"]

    def to_json(self, **kwargs):
        """``{"class_name": "Tokenizer", "config": ...}`` as JSON (``kwargs`` go to ``json.dumps``)."""
        text = _native.tokenizer_config(self._config, self._overrides())
        return _json.dumps(_json.loads(text), **kwargs) if kwargs else text


def _dict_property(name):
    def get(self):
        return self._get(name)

    def set(self, value):
        self._set(name, value)
    return property(get, set, doc=f"tf.keras' ``{name}`` (read from the core's config when first used).")


for _name in _DICTS:
    setattr(Tokenizer, _name, _dict_property(_name))


def tokenizer_from_json(json_string):
    """A ``Tokenizer`` from the JSON of ``to_json``."""
    config = _native.tokenizer_config(str(json_string), None)
    t = Tokenizer.__new__(Tokenizer)
    t.analyzer = None
    t._update(config)
    return t
