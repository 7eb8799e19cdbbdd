/*
 * swiftkeras._native — the CPython extension over the SwiftKeras C API: the private header
 * shared by its .c files (one file per area; module.c assembles the module).
 *
 * Includes only swiftkeras.h and links libswiftkeras.so. Every op lives in the Swift core; the
 * extension converts arguments, wraps handles in Python objects and turns status codes into
 * exceptions. The per-op wrappers are generated (ops_generated.inc, from tools/capi_ops.py).
 * Symbols shared between files carry the skpy_ prefix; everything else is static.
 */
#ifndef SWIFTKERAS_NATIVE_H
#define SWIFTKERAS_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>
#include <stdlib.h>
#include "swiftkeras.h"

/* The skpy_ symbols stay inside the extension (only PyInit__native is exported). */
#pragma GCC visibility push(hidden)

/* ---- the stable ABI ----
 * setup.py and the Makefile build the extension against the limited API of CPython 3.11
 * (Py_LIMITED_API=0x030B0000: an abi3 module, one wheel for every CPython >= 3.11; older versions
 * build it from the sdist against their full API). Where the full API has a macro the code uses,
 * the stable ABI has the checked function of the same meaning: */
#ifdef Py_LIMITED_API
#define PyList_GET_ITEM(o, i) PyList_GetItem((o), (i))
#define PyList_GET_SIZE(o) PyList_Size(o)
#define PyList_SET_ITEM(o, i, v) ((void)PyList_SetItem((o), (i), (v)))
#define PyTuple_GET_ITEM(o, i) PyTuple_GetItem((o), (i))
#define PyTuple_GET_SIZE(o) PyTuple_Size(o)
#define PyTuple_SET_ITEM(o, i, v) ((void)PyTuple_SetItem((o), (i), (v)))
#define PyFloat_AS_DOUBLE(o) PyFloat_AsDouble(o)
#define PyBytes_AS_STRING(o) PyBytes_AsString(o)
#define PyUnicode_GET_LENGTH(o) PyUnicode_GetLength(o)
#define PyUnicode_AsUTF8(o) PyUnicode_AsUTF8AndSize((o), NULL)
#endif

/* Every type is a heap type made from a PyType_Spec: skpy_add_type readies spec (with the bases,
 * NULL or a type or tuple) and adds it to module m under its short name; a new reference, NULL
 * with an exception. */
PyTypeObject *skpy_add_type(PyObject *m, PyType_Spec *spec, PyObject *bases);
/* A new instance of tp with n items (its tp_alloc); the end of every tp_dealloc (its tp_free, then the
 * reference each instance of a heap type holds on its type). */
PyObject *skpy_alloc(PyTypeObject *tp, Py_ssize_t n);
void skpy_free(PyObject *o);
/* The name of o's type for a message (a per-thread copy, valid until the next call). */
const char *skpy_tname(PyObject *o);
/* True once the interpreter runs its atexit handlers: callbacks destroyed later (by the core's
 * objects at exit) no longer take the GIL. */
extern int skpy_finalizing;
int skpy_watch_exit(void);

/* Work on more input elements than this runs with the GIL released. */
#define HEAVY_ELEMENTS 65536

/* ---- objects (tensor.c, dtype.c, autodiff.c) ---- */
typedef struct {
    PyObject_HEAD
    sk_tensor *h;
    int64_t size;          /* -1 until asked */
    PyObject *weakrefs;
    PyObject *keras_mask;  /* tf.keras 2's `_keras_mask` of a layer output (NULL: none) */
} TensorObject;

typedef struct {
    PyObject_HEAD
    sk_variable *v;
    PyObject *weakrefs;
} VariableObject;

typedef struct {
    PyObject_HEAD
    int32_t code;
    PyObject *name;
} DTypeObject;

typedef struct {
    PyObject_HEAD
    sk_function *f;
    PyObject *callable;
} FunctionObject;

extern PyTypeObject *skpy_TensorType, *skpy_VariableType, *skpy_DTypeType, *skpy_FunctionType;

#define Tensor_Check(o) (Py_IS_TYPE((o), skpy_TensorType) || PyType_IsSubtype(Py_TYPE(o), skpy_TensorType))
#define Variable_Check(o) (Py_IS_TYPE((o), skpy_VariableType) || PyType_IsSubtype(Py_TYPE(o), skpy_VariableType))

static inline int64_t tensor_size(TensorObject *t) {
    if (t->size < 0) t->size = sk_tensor_size(t->h);
    return t->size;
}

static inline int skpy_is_float_dtype(int32_t d) { return d >= SK_FLOAT32 && d <= SK_BFLOAT16; }

/* dtype.c: the DType singletons by code (1..8), names and element sizes */
extern PyObject *skpy_dtype_objs[10];
extern const char *const skpy_dtype_names[10];
extern const int skpy_dtype_sizes[10];

/* tensor.c */
PyObject *skpy_wrap_tensor(sk_tensor *h);               /* steals the handle */
PyObject *skpy_finish(int32_t st, sk_tensor *out);      /* st != SK_OK: raises; else wraps out */
PyObject *skpy_wrap_variable(sk_variable *v);           /* steals the handle */

/* dlpack.c: Tensor.__dlpack__ and __dlpack_device__ */
PyObject *skpy_tensor_dlpack(PyObject *self, PyObject *args, PyObject *kw);
PyObject *skpy_tensor_dlpack_device(PyObject *self, PyObject *unused);

/* autodiff.c: a new sk_function for a Python callable (caller releases) */
sk_function *skpy_make_function(PyObject *callable);

/* ---- errors.c: status codes to exceptions; Python callables as C callback user_data ---- */
PyObject *skpy_raise_status(int32_t st);     /* re-raises a parked callback exception first */
int32_t skpy_callback_fail(void);            /* parks the current exception; SK_ERR_RUNTIME */
void skpy_callback_destroy(void *ud);        /* the destroy of a PyObject * user_data */
void skpy_drop_pending(void);                /* forgets a parked exception after a success */
/* None for SK_OK, else the status's exception (a method's tail after an sk_ call). */
static inline PyObject *skpy_none_or_raise(int32_t st) {
    if (st) return skpy_raise_status(st);
    Py_RETURN_NONE;
}

/* ---- convert.c: the one argument converter ---- */
int32_t skpy_dtype_code_of(PyObject *o, int allow_none);   /* 1..8, 0 for None if allowed, -1 */
sk_tensor *skpy_convert(PyObject *o, int32_t want);        /* a new handle for a tensor-like */
/* strings.c: string tensors */
int skpy_is_string_like(PyObject *o);                      /* str/bytes, lists of them, numpy U/S/O */
sk_tensor *skpy_strings_convert(PyObject *o);              /* a new SK_STRING tensor */
PyObject *skpy_strings_to_numpy(const sk_tensor *h, int as_list);   /* object array of bytes */
sk_tensor *skpy_make_scalar(int kind, int64_t iv, double dv, int32_t want);   /* kind 0 bool, 1 int, 2 float */

/* The temporaries of one call's conversions, released by skpy_conv_free. */
#define CONV_MAX 16
typedef struct {
    sk_tensor *tmp[CONV_MAX];
    int ntmp;
    void *mem[CONV_MAX];
    int nmem;
    sk_function *fns[4];
    int nfns;
    sk_tensor **lists[4];
    Py_ssize_t nlist_items[4];
    int nlists;
    int64_t elems;
    int heavy;
} Conv;

static inline void skpy_conv_init(Conv *c) { c->ntmp = c->nmem = c->nfns = c->nlists = 0; c->elems = 0; c->heavy = 0; }
void skpy_conv_free(Conv *c);

enum { ENUM_PADDING, ENUM_DATA_FORMAT, ENUM_POOL_MODE, ENUM_INTERPOLATION };

int skpy_parse(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               const char *const *kw, int n, const char *flags, PyObject **v);
/* The arguments of a METH_FASTCALL | METH_KEYWORDS function fname (its parameters args, nargs,
 * kwnames) by the keywords listed, into a new array v[]: flags as skpy_parse's ('r' required,
 * 'o' optional); returns NULL from the function when they do not parse. */
#define SKPY_KW_ARGS(fname, flags, ...) \
    static const char *const kw[] = {__VA_ARGS__}; \
    PyObject *v[sizeof kw / sizeof kw[0]]; \
    if (skpy_parse((fname), args, nargs, kwnames, kw, (int)(sizeof kw / sizeof kw[0]), (flags), v) < 0) return NULL
int skpy_conv_tensor(Conv *c, PyObject *o, const char *fn, const char *name, int optional, const sk_tensor **out);
int skpy_conv_tlist(Conv *c, PyObject *o, const char *fn, const char *name, const sk_tensor *const **out, int32_t *n);
int skpy_conv_f64(PyObject *o, const char *fn, const char *name, double *out);
int skpy_conv_i64(PyObject *o, const char *fn, const char *name, int64_t *out);
int skpy_conv_scalar(PyObject *o, const char *fn, const char *name, sk_scalar_value *out);   /* a tagged int/float/bool */
int skpy_conv_bool(PyObject *o, const char *fn, const char *name, uint8_t *out);
int skpy_conv_ints(Conv *c, PyObject *o, const char *fn, const char *name, int allow_none, const int64_t **out, int32_t *n);
int skpy_conv_fixed(Conv *c, PyObject *o, const char *fn, const char *name, int k, int per, const int64_t **out);
int skpy_conv_pairs_n(Conv *c, PyObject *o, const char *fn, const char *name, const sk_tensor *x, const int64_t **out);
int skpy_conv_enum(PyObject *o, const char *fn, const char *name, int which, int32_t *out);
int skpy_conv_dtype_arg(PyObject *o, const char *fn, const char *name, int optional, int32_t *out);
int skpy_conv_seed(PyObject *o, const char *fn, const char *name, uint64_t *seed, uint8_t *has);
int skpy_conv_function(Conv *c, PyObject *o, const char *fn, const char *name, int optional, const sk_function **out);

/* a and b as lists or tuples (PySequence_Fast with the messages ma, mb): 0 with new references
 * *fa, *fb and *n the length of a, or -1 with an exception and none kept. */
int skpy_fast_pair(PyObject *a, PyObject *b, const char *ma, const char *mb, PyObject **fa, PyObject **fb, Py_ssize_t *n);

/* A tuple of dims, -1 as None (a shape as Keras prints it). */
PyObject *skpy_shape_tuple(const int64_t *s, int32_t nd);

/* A list of new tensor handles from a tensor-like or a list/tuple of them (skpy_tlist_free). */
typedef struct { sk_tensor **h; int32_t n; } TList;
/* entries of a logs dict a model call may return (every output's loss and metrics) */
#define SKPY_MAX_LOGS 1024   /* also the outputs of a multi-output predict */
int skpy_tlist_from(PyObject *o, TList *l);
void skpy_tlist_free(TList *l);

/* NULL for None, (const char *)-1 (BADSTR) with a TypeError for a non-string */
const char *skpy_opt_str(PyObject *o, const char *what);
#define BADSTR(s) ((s) == (const char *)-1)

/* ---- handles.c: Keras handles travel as PyCapsules named after their C type ---- */
void *skpy_handle_get(PyObject *o, const char *name);      /* borrowed; NULL with a TypeError */
#define HGET(T, o) ((T *)skpy_handle_get((o), #T))
/* PyArg_ParseTuple(args, fmt, ...) whose first unit is "O" for a capsule of the C type name: that
 * capsule's borrowed handle, or NULL with an exception (the arguments' or the handle's). */
void *skpy_parse_handle(PyObject *args, const char *name, const char *fmt, ...);
void **skpy_hlist_from(PyObject *seq, const char *name, int32_t *n);   /* borrowed pointers, PyMem */
PyObject *skpy_wrap_sk_layer(sk_layer *h);                  /* the skpy_wrap_* steal the handle */
PyObject *skpy_wrap_sk_model(sk_model *h);
PyObject *skpy_wrap_sk_optimizer(sk_optimizer *h);
PyObject *skpy_wrap_sk_loss(sk_loss *h);
PyObject *skpy_wrap_sk_keras_tensor(sk_keras_tensor *h);
PyObject *skpy_wrap_sk_metric(sk_metric *h);
PyObject *skpy_wrap_sk_summary_writer(sk_summary_writer *h);
PyObject *skpy_wrap_sk_progbar(sk_progbar *h);
#define KH_FINISH(T, st, h) ((st) != SK_OK ? skpy_raise_status(st) : skpy_wrap_##T(h))
/* KH_FINISH where the getter may give no handle: None then. */
#define KH_FINISH_OR_NONE(T, st, h) ((st) == SK_OK && !(h) ? (Py_INCREF(Py_None), Py_None) : KH_FINISH(T, st, h))
/* The METH_O module function fname(T handle) -> the U handle get(T handle, &U handle) gives, made
 * by finish (KH_FINISH, or KH_FINISH_OR_NONE where there may be none): sk_model_as_layer, ... */
#define SKPY_HANDLE_GETTER(fname, T, get, U, finish) \
    static PyObject *fname(PyObject *self, PyObject *o) { \
        (void)self; \
        T *h = HGET(T, o); \
        if (!h) return NULL; \
        U *r = NULL; \
        int32_t st = get(h, &r); \
        return finish(U, st, r); \
    }
/* The module function fname(class_name, config_json=None) -> a T handle from create(class_name,
 * config_json, &handle) (sk_layer_create, sk_metric_create, ...). */
#define SKPY_CREATE_BY_CONFIG(fname, T, create) \
    static PyObject *fname(PyObject *self, PyObject *args) { \
        (void)self; \
        const char *cls, *cfg = NULL; \
        if (!PyArg_ParseTuple(args, "s|z", &cls, &cfg)) return NULL; \
        T *h = NULL; \
        int32_t st = create(cls, cfg, &h); \
        return KH_FINISH(T, st, h); \
    }
/* A str from a sk_*_name-style getter (query the length, then copy). */
PyObject *skpy_copied_string(const void *h, int32_t (*get)(const void *, char *, size_t, size_t *));
/* The METH_O module function fname(handle) -> str: the text get(T handle, buf, capacity, &length)
 * copies out (sk_layer_name, sk_metric_name, ...), through skpy_copied_string. */
#define SKPY_HANDLE_STRING(fname, T, get) \
    static int32_t fname##_get(const void *h, char *b, size_t c, size_t *l) { return get((const T *)h, b, c, l); } \
    static PyObject *fname(PyObject *self, PyObject *o) { \
        (void)self; \
        T *h = HGET(T, o); \
        return h ? skpy_copied_string(h, fname##_get) : NULL; \
    }
/* The kinds of owned handles skpy_fetch_owned wraps. */
enum { SKPY_OWNED_TENSOR, SKPY_OWNED_VARIABLE, SKPY_OWNED_LAYER, SKPY_OWNED_KERAS_TENSOR, SKPY_OWNED_METRIC };
/* A count-then-fill getter of owned handles: get(src, NULL, 0, &n) counts, then fills up to cap. */
typedef int32_t (*skpy_fill_fn)(const void *src, void **out, int32_t cap, int32_t *n);
/* The list of the handles of one kind get gives for src (sk_layer_weights, sk_model_layers, ...);
 * the references move into the list (on failure the rest are released). */
PyObject *skpy_fetch_owned(const void *src, skpy_fill_fn get, int kind);
/* f(a, b) for the handles of two capsules (of the C types ta, tb) parsed from args: None, or the
 * exception of the TypeError or the failed status (sk_model_add, sk_layer_track). */
PyObject *skpy_pair_call(PyObject *args, const char *ta, const char *tb, int32_t (*f)(void *a, void *b));

/* ---- layers.c: a custom layer's / subclassed model's callbacks; user_data (build or None, call) ---- */
int skpy_custom_callbacks(PyObject *args, const char *fn, const char **name, PyObject **ud);
int32_t skpy_custom_build(void *ud, sk_layer *layer, const int64_t *shape, int32_t nd);
int32_t skpy_custom_call(void *ud, sk_layer *layer, const sk_tensor *const *inputs, int32_t n,
                         uint8_t training, sk_tensor **out);
/* The module function fname(name, build or None, call) -> a T handle from create(name, build, call,
 * user_data, destroy, &handle) (sk_layer_create_custom, sk_model_create_custom); label names it in errors. */
#define SKPY_CREATE_CUSTOM(fname, label, T, create) \
    static PyObject *fname(PyObject *self, PyObject *args) { \
        (void)self; \
        const char *nm; \
        PyObject *ud; \
        if (skpy_custom_callbacks(args, label, &nm, &ud) < 0) return NULL; \
        T *h = NULL; \
        int32_t st = create(nm, skpy_custom_build, skpy_custom_call, ud, skpy_callback_destroy, &h); \
        return KH_FINISH(T, st, h); \
    }

/* ---- losses.c: fn(y_true, y_pred) -> tensor as an sk_loss_fn (custom losses and metrics) ---- */
int32_t skpy_custom_loss(void *ud, const sk_tensor *yt, const sk_tensor *yp, sk_tensor **out);
/* args (fn, text) parsed by fmt ("O|z", "Os"): *fn a new reference (skpy_custom_loss's user_data,
 * released by skpy_callback_destroy) when fn is callable, else a TypeError(msg); 0, or -1. */
int skpy_parse_loss_fn(PyObject *args, const char *fmt, const char *msg, PyObject **fn, const char **text);
/* t[0..2]: new handles for y_true, y_pred and sample_weight (NULL for None); 0, or -1 with an
 * exception and none kept. skpy_targets_free releases them. */
int skpy_conv_targets(PyObject *yt, PyObject *yp, PyObject *sw, sk_tensor *t[3]);
void skpy_targets_free(sk_tensor *t[3]);
/* args (handle, y_true, y_pred, sample_weight=None): *h the borrowed handle of the C type name, t as
 * skpy_conv_targets gives it; 0, or -1 with an exception. */
int skpy_parse_targets(PyObject *args, const char *name, void **h, sk_tensor *t[3]);

/* ---- callbacks.c: (history dict, epoch numbers, params) of a fit's history (steals d); a
 * dict {name: value} from C logs (a new reference, NULL with an exception set) ---- */
PyObject *skpy_history_run(sk_history *h, PyObject *d);
PyObject *skpy_logs_dict(const char *const *names, const double *values, int32_t n);

/* ---- data.c: an element as a Python (flat list of Tensors, structure JSON) pair (a new
 * reference), and a new element from such a pair (NULL with an exception) ---- */
PyObject *skpy_element_pair(const sk_dataset_element *e);
sk_dataset_element *skpy_element_from(PyObject *pair);

/* ---- module.c adds the section skpy_module's functions and the generated ops' table ---- */
extern PyMethodDef skpy_ops_methods[];
extern const int skpy_generated_op_count;
int skpy_tensor_init(PyObject *m);      /* readies and adds Tensor, Variable, TensorShape */
int skpy_dtype_init(PyObject *m);       /* DType and its singletons */
int skpy_autodiff_init(PyObject *m);    /* Tape, Function */

/* A parameter a function must take and does not use (self of a module function, mostly). */
#define SKPY_UNUSED __attribute__((unused))
#define FASTKW (METH_FASTCALL | METH_KEYWORDS)
#define F(fn) (PyCFunction)(void (*)(void))(fn)
/* A method-table entry: the C function prefix##name under the Python name `name` (SKPY_FN), or
 * fn under pyname (SKPY_FN_AS), with its calling convention and docstring. */
#define SKPY_FN(prefix, name, flags, doc) {#name, F(prefix##name), (flags), (doc)}
#define SKPY_FN_AS(pyname, fn, flags, doc) {(pyname), F(fn), (flags), (doc)}

/* ---- functions Python sees are registered where they are defined ----
 * SKPY_EXPORT(table, prefix, name, flags, doc), right after the C function prefix##name, makes
 * its method-table entry (Python name `name`, calling convention flags, docstring doc) and puts
 * a pointer to it into the linker section skpy_<table>; SKPY_EXPORT_AS(table, "pyname", fn, flags,
 * doc) does the same under another name. The tables are the sections: "module" (the module's
 * functions, added by module.c) and one per type with methods ("tensor", "variable", "tape",
 * "shape", read by skpy_set_methods). So a function and its entry stand together and no file
 * keeps a list in step with its functions. The linker (GNU ld, gold, lld) defines
 * __start_<section> and __stop_<section> around each. */
#define SKPY_CAT2(a, b) a##b
#define SKPY_CAT(a, b) SKPY_CAT2(a, b)
#define SKPY_EXPORT_AS(table, pyname, fn, flags, doc) \
    static PyMethodDef SKPY_CAT(skpy_def_, __LINE__) = {(pyname), F(fn), (flags), (doc)}; \
    static PyMethodDef *SKPY_CAT(skpy_ref_, __LINE__) __attribute__((used, section("skpy_" #table))) = \
        &SKPY_CAT(skpy_def_, __LINE__)
#define SKPY_EXPORT(table, prefix, name, flags, doc) SKPY_EXPORT_AS(table, #name, prefix##name, flags, doc)
/* The bounds of the section skpy_<table> (declare where read). */
#define SKPY_SECTION(table) extern PyMethodDef *__start_skpy_##table[], *__stop_skpy_##table[]
/* Sets the Py_tp_methods slot of slots to a NULL-terminated table of the section's entries (kept
 * for the life of the process, as the type keeps it); 0, or -1 with MemoryError. */
int skpy_set_methods(PyType_Slot *slots, PyMethodDef **start, PyMethodDef **stop);
#define SKPY_SET_METHODS(slots, table) skpy_set_methods((slots), __start_skpy_##table, __stop_skpy_##table)

#pragma GCC visibility pop

#endif
