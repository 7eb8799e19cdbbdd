/* keras.preprocessing.text (swiftkeras/text.h), tf.summary writers and keras.utils.Progbar
 * (swiftkeras/summary.h): texts cross as string tensors, sequences as (values, lengths), the
 * tokenizer as its config JSON (a str), writers and progress bars as capsules. */
#include "native.h"

/* A list of str from a string tensor (its elements in row-major order). */
static PyObject *str_list(const sk_tensor *t) {
    int64_t n = sk_tensor_size(t);
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (int64_t i = 0; l && i < n; i++) {
        const char *p; size_t len;
        int32_t st = sk_tensor_string_at(t, i, &p, &len);
        PyObject *s = st ? skpy_raise_status(st) : PyUnicode_DecodeUTF8(p, (Py_ssize_t)len, "surrogateescape");
        if (!s) { Py_CLEAR(l); break; }
        PyList_SET_ITEM(l, (Py_ssize_t)i, s);
    }
    return l;
}

/* The str of a 0-d string tensor, released. */
static PyObject *take_str(int32_t st, sk_tensor *t) {
    if (st) return skpy_raise_status(st);
    PyObject *l = str_list(t);
    sk_tensor_release(t);
    if (!l) return NULL;
    PyObject *s = PyList_GET_SIZE(l) ? PyList_GET_ITEM(l, 0) : Py_None;
    Py_INCREF(s);
    Py_DECREF(l);
    return s;
}

/* Lists of (int64 values | str tokens) from values + lengths, both released. */
static PyObject *take_lists(int32_t st, sk_tensor *values, sk_tensor *lengths, int strings) {
    if (st) return skpy_raise_status(st);
    PyObject *out = NULL, *flat = strings ? str_list(values) : NULL;
    const int64_t *v = strings ? NULL : (const int64_t *)sk_tensor_data(values);
    const int64_t *len = (const int64_t *)sk_tensor_data(lengths);
    int64_t n = sk_tensor_size(lengths), off = 0;
    if (strings && !flat) goto done;
    if (!(out = PyList_New((Py_ssize_t)n))) goto done;
    for (int64_t i = 0; i < n; i++) {
        PyObject *seq = PyList_New((Py_ssize_t)len[i]);
        if (!seq) { Py_CLEAR(out); goto done; }
        for (int64_t j = 0; j < len[i]; j++, off++) {
            PyObject *e = strings ? PyList_GET_ITEM(flat, (Py_ssize_t)off) : PyLong_FromLongLong(v[off]);
            if (!e) { Py_DECREF(seq); Py_CLEAR(out); goto done; }
            if (strings) Py_INCREF(e);
            PyList_SET_ITEM(seq, (Py_ssize_t)j, e);
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, seq);
    }
done:
    Py_XDECREF(flat);
    sk_tensor_release(values);
    sk_tensor_release(lengths);
    return out;
}

/* Optional tensor-like (None: NULL, no error); *err set on a failed conversion. */
static sk_tensor *opt_convert(PyObject *o, int32_t want, int *err) {
    if (o == Py_None) return NULL;
    sk_tensor *t = want == SK_STRING ? skpy_strings_convert(o) : skpy_convert(o, want);
    if (!t) *err = 1;
    return t;
}

static PyObject *t_text_to_word_sequence(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *texts; const char *opts;
    if (!PyArg_ParseTuple(args, "Os", &texts, &opts)) return NULL;
    sk_tensor *t = skpy_strings_convert(texts), *tok = NULL, *len = NULL;
    if (!t) return NULL;
    int32_t st = sk_text_to_word_sequence(t, opts, &tok, &len);
    sk_tensor_release(t);
    return take_lists(st, tok, len, 1);
}
SKPY_EXPORT(module, t_, text_to_word_sequence, METH_VARARGS,
    "text_to_word_sequence(texts, options_json) -> list of lists of words (sk_text_to_word_sequence).");

static PyObject *t_text_hashing_trick_md5(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *texts; long long n; const char *opts;
    if (!PyArg_ParseTuple(args, "OLs", &texts, &n, &opts)) return NULL;
    sk_tensor *t = skpy_strings_convert(texts), *v = NULL, *len = NULL;
    if (!t) return NULL;
    int32_t st = sk_text_hashing_trick_md5(t, n, opts, &v, &len);
    sk_tensor_release(t);
    return take_lists(st, v, len, 0);
}
SKPY_EXPORT(module, t_, text_hashing_trick_md5, METH_VARARGS,
    "text_hashing_trick_md5(texts, n, options_json) -> list of lists of indices.");

static PyObject *t_tokenizer_config(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *config, *over = NULL;
    if (!PyArg_ParseTuple(args, "sz", &config, &over)) return NULL;
    sk_tensor *out = NULL;
    int32_t st = sk_tokenizer_config(config, over, &out);
    return take_str(st, out);
}
SKPY_EXPORT(module, t_, tokenizer_config, METH_VARARGS, "tokenizer_config(config, overrides) -> config JSON.");

/* (config, overrides, texts or tokens, lengths or None, lower_tokens) for the text calls. */
#define DOC_ARGS \
    const char *config, *over = NULL; PyObject *docs, *lens; int lower_tokens; int err = 0; \
    if (!PyArg_ParseTuple(args, "szOOi", &config, &over, &docs, &lens, &lower_tokens)) return NULL; \
    sk_tensor *d = skpy_strings_convert(docs), *l = d ? opt_convert(lens, SK_INT64, &err) : NULL; \
    if (!d || err) { sk_tensor_release(d); return NULL; }

static PyObject *t_tokenizer_fit_on_texts(PyObject *self SKPY_UNUSED, PyObject *args) {
    DOC_ARGS
    sk_tensor *out = NULL;
    int32_t st = sk_tokenizer_fit_on_texts(config, over, d, l, lower_tokens, &out);
    sk_tensor_release(d);
    sk_tensor_release(l);
    return take_str(st, out);
}
SKPY_EXPORT(module, t_, tokenizer_fit_on_texts, METH_VARARGS,
    "tokenizer_fit_on_texts(config, overrides, texts, lengths, lower_tokens) -> new config JSON.");

static PyObject *t_tokenizer_texts_to_sequences(PyObject *self SKPY_UNUSED, PyObject *args) {
    DOC_ARGS
    sk_tensor *v = NULL, *ol = NULL;
    int32_t st = sk_tokenizer_texts_to_sequences(config, over, d, l, lower_tokens, &v, &ol);
    sk_tensor_release(d);
    sk_tensor_release(l);
    return take_lists(st, v, ol, 0);
}
SKPY_EXPORT(module, t_, tokenizer_texts_to_sequences, METH_VARARGS,
    "tokenizer_texts_to_sequences(config, overrides, texts, lengths, lower_tokens) -> list of lists.");

/* (config, overrides, values, lengths[, mode]) for the sequence calls. */
#define SEQ_ARGS(fmt, ...) \
    const char *config, *over = NULL; PyObject *vals, *lens; \
    if (!PyArg_ParseTuple(args, fmt, &config, &over, &vals, &lens __VA_ARGS__)) return NULL; \
    sk_tensor *v = skpy_convert(vals, SK_INT64), *l = v ? skpy_convert(lens, SK_INT64) : NULL; \
    if (!l) { sk_tensor_release(v); return NULL; } \
    sk_tensor *out = NULL;

static PyObject *t_tokenizer_fit_on_sequences(PyObject *self SKPY_UNUSED, PyObject *args) {
    SEQ_ARGS("szOO")
    int32_t st = sk_tokenizer_fit_on_sequences(config, over, v, l, &out);
    sk_tensor_release(v);
    sk_tensor_release(l);
    return take_str(st, out);
}
SKPY_EXPORT(module, t_, tokenizer_fit_on_sequences, METH_VARARGS,
    "tokenizer_fit_on_sequences(config, overrides, values, lengths) -> new config JSON.");

static PyObject *t_tokenizer_sequences_to_texts(PyObject *self SKPY_UNUSED, PyObject *args) {
    SEQ_ARGS("szOO")
    int32_t st = sk_tokenizer_sequences_to_texts(config, over, v, l, &out);
    sk_tensor_release(v);
    sk_tensor_release(l);
    if (st) return skpy_raise_status(st);
    PyObject *r = str_list(out);
    sk_tensor_release(out);
    return r;
}
SKPY_EXPORT(module, t_, tokenizer_sequences_to_texts, METH_VARARGS,
    "tokenizer_sequences_to_texts(config, overrides, values, lengths) -> list of str.");

static PyObject *t_tokenizer_sequences_to_matrix(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *mode;
    SEQ_ARGS("szOOs", , &mode)
    int32_t st = sk_tokenizer_sequences_to_matrix(config, over, v, l, mode, &out);
    sk_tensor_release(v);
    sk_tensor_release(l);
    return skpy_finish(st, out);
}
SKPY_EXPORT(module, t_, tokenizer_sequences_to_matrix, METH_VARARGS,
    "tokenizer_sequences_to_matrix(config, overrides, values, lengths, mode) -> float64 tensor.");

/* ---- tf.summary ---- */

static PyObject *t_summary_writer_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    const char *logdir, *suffix = NULL;
    if (!PyArg_ParseTuple(args, "sz", &logdir, &suffix)) return NULL;
    sk_summary_writer *w = NULL;
    int32_t st = sk_summary_writer_create(logdir, suffix, &w);
    return st ? skpy_raise_status(st) : skpy_wrap_sk_summary_writer(w);
}
SKPY_EXPORT(module, t_, summary_writer_create, METH_VARARGS, "summary_writer_create(logdir, suffix) -> writer capsule.");

static PyObject *t_summary_writer_init(PyObject *self SKPY_UNUSED, PyObject *cap) {
    sk_summary_writer *w = HGET(sk_summary_writer, cap);
    return w ? skpy_none_or_raise(sk_summary_writer_init(w)) : NULL;
}
SKPY_EXPORT(module, t_, summary_writer_init, METH_O, "summary_writer_init(writer): creates the event file.");

static PyObject *t_summary_writer_close(PyObject *self SKPY_UNUSED, PyObject *cap) {
    sk_summary_writer *w = HGET(sk_summary_writer, cap);
    return w ? skpy_none_or_raise(sk_summary_writer_close(w)) : NULL;
}
SKPY_EXPORT(module, t_, summary_writer_close, METH_O, "summary_writer_close(writer).");

static int32_t writer_path(const void *h, char *buf, size_t cap, size_t *len) {
    return sk_summary_writer_path((const sk_summary_writer *)h, buf, cap, len);
}

static PyObject *t_summary_writer_path(PyObject *self SKPY_UNUSED, PyObject *cap) {
    sk_summary_writer *w = HGET(sk_summary_writer, cap);
    return w ? skpy_copied_string(w, writer_path) : NULL;
}
SKPY_EXPORT(module, t_, summary_writer_path, METH_O, "summary_writer_path(writer) -> the event file's path ('' before a write).");

static PyObject *t_summary_scalar(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap; const char *tag, *desc = NULL; double value; long long step;
    sk_summary_writer *w = skpy_parse_handle(args, "sk_summary_writer", "OsdLz", &cap, &tag, &value, &step, &desc);
    return w ? skpy_none_or_raise(sk_summary_scalar(w, tag, value, step, desc)) : NULL;
}
SKPY_EXPORT(module, t_, summary_scalar, METH_VARARGS, "summary_scalar(writer, tag, value, step, description).");

static PyObject *t_summary_histogram(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap, *data; const char *tag, *desc = NULL; long long step; int buckets;
    sk_summary_writer *w = skpy_parse_handle(args, "sk_summary_writer", "OsOLiz", &cap, &tag, &data, &step, &buckets, &desc);
    sk_tensor *t = w ? skpy_convert(data, 0) : NULL;
    if (!t) return NULL;
    int32_t st = sk_summary_histogram(w, tag, t, step, buckets, desc);
    sk_tensor_release(t);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, t_, summary_histogram, METH_VARARGS, "summary_histogram(writer, tag, data, step, buckets, description).");

static PyObject *t_summary_text(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap, *data; const char *tag, *desc = NULL; long long step;
    sk_summary_writer *w = skpy_parse_handle(args, "sk_summary_writer", "OsOLz", &cap, &tag, &data, &step, &desc);
    sk_tensor *t = w ? skpy_strings_convert(data) : NULL;
    if (!t) return NULL;
    int32_t st = sk_summary_text(w, tag, t, step, desc);
    sk_tensor_release(t);
    return skpy_none_or_raise(st);
}
SKPY_EXPORT(module, t_, summary_text, METH_VARARGS, "summary_text(writer, tag, data, step, description).");

/* ---- keras.utils.Progbar ---- */

/* UTF-8 pointers of a sequence of str (borrowed from the items, alive while `fast` is). */
static const char **utf8_list(PyObject *fast, Py_ssize_t n) {
    const char **p = PyMem_Malloc(sizeof(char *) * (size_t)(n ? n : 1));
    if (!p) { PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!(p[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i)))) { PyMem_Free(p); return NULL; }
    }
    return p;
}

static PyObject *t_progbar_create(PyObject *self SKPY_UNUSED, PyObject *args) {
    long long target; int width, verbose, dynamic; double interval; PyObject *stateful; const char *unit;
    if (!PyArg_ParseTuple(args, "LiidOsp", &target, &width, &verbose, &interval, &stateful, &unit, &dynamic)) return NULL;
    PyObject *f = PySequence_Fast(stateful, "stateful_metrics must be a sequence of str");
    if (!f) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(f);
    const char **names = utf8_list(f, n);
    sk_progbar *p = NULL;
    int32_t st = names ? sk_progbar_create(target, width, verbose, interval, names, (int32_t)n, unit, dynamic, &p) : -1;
    PyMem_Free(names);
    Py_DECREF(f);
    return st < 0 ? NULL : st ? skpy_raise_status(st) : skpy_wrap_sk_progbar(p);
}
SKPY_EXPORT(module, t_, progbar_create, METH_VARARGS,
    "progbar_create(target (-1 unknown), width, verbose, interval, stateful_metrics, unit_name, dynamic) -> capsule.");

static PyObject *t_progbar_update(PyObject *self SKPY_UNUSED, PyObject *args) {
    PyObject *cap, *keys, *vals; long long current; int finalize;
    sk_progbar *p = skpy_parse_handle(args, "sk_progbar", "OLOOi", &cap, &current, &keys, &vals, &finalize);
    if (!p) return NULL;
    PyObject *fk = PySequence_Fast(keys, "names must be a sequence"), *fv = fk ? PySequence_Fast(vals, "values must be a sequence") : NULL;
    PyObject *r = NULL;
    Py_ssize_t n = fv ? PySequence_Fast_GET_SIZE(fk) : 0;
    const char **names = fv ? utf8_list(fk, n) : NULL;
    double *v = names ? PyMem_Malloc(sizeof(double) * (size_t)(n ? n : 1)) : NULL;
    if (names && !v) PyErr_NoMemory();
    if (v && PySequence_Fast_GET_SIZE(fv) != n) { PyErr_SetString(PyExc_ValueError, "names and values differ in length"); goto out; }
    for (Py_ssize_t i = 0; v && i < n; i++) {
        v[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fv, i));
        if (v[i] == -1.0 && PyErr_Occurred()) goto out;
    }
    if (v) {
        const char *text = NULL;
        int32_t st = sk_progbar_update(p, current, names, v, (int32_t)n, finalize, &text);
        r = st ? skpy_raise_status(st) : PyUnicode_FromString(text);
    }
out:
    PyMem_Free(v);
    PyMem_Free(names);
    Py_XDECREF(fv);
    Py_XDECREF(fk);
    return r;
}
SKPY_EXPORT(module, t_, progbar_update, METH_VARARGS,
    "progbar_update(progbar, current, names, values, finalize (-1 auto)) -> the text to write.");

static PyObject *t_progbar_seen(PyObject *self SKPY_UNUSED, PyObject *cap) {
    sk_progbar *p = HGET(sk_progbar, cap);
    int64_t n = 0;
    int32_t st = p ? sk_progbar_seen(p, &n) : -1;
    return st < 0 ? NULL : st ? skpy_raise_status(st) : PyLong_FromLongLong(n);
}
SKPY_EXPORT(module, t_, progbar_seen, METH_O, "progbar_seen(progbar) -> the current of the last update.");
