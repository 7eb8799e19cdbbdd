/* What the stable ABI asks of the extension: heap types made from specs (allocation, release,
 * the names of types for messages, their method tables from the linker sections SKPY_EXPORT
 * fills) and a flag for the interpreter's exit, which the limited API cannot query. */
#include "native.h"
#include <stdio.h>

PyTypeObject *skpy_add_type(PyObject *m, PyType_Spec *spec, PyObject *bases) {
    /* a tuple of bases (3.9 takes no single type) */
    PyObject *tuple = bases && !PyTuple_Check(bases) ? PyTuple_Pack(1, bases) : (Py_XINCREF(bases), bases);
    if (bases && !tuple) return NULL;
    PyObject *tp = PyType_FromSpecWithBases(spec, tuple);
    Py_XDECREF(tuple);
    if (!tp) return NULL;
    const char *dot = strrchr(spec->name, '.');
    Py_INCREF(tp);
    if (PyModule_AddObject(m, dot ? dot + 1 : spec->name, tp) < 0) { Py_DECREF(tp); Py_DECREF(tp); return NULL; }
    return (PyTypeObject *)tp;
}

PyObject *skpy_alloc(PyTypeObject *tp, Py_ssize_t n) {
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    return alloc(tp, n);
}

void skpy_free(PyObject *o) {
    PyTypeObject *tp = Py_TYPE(o);
    freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    f(o);
    Py_DECREF(tp);
}

const char *skpy_tname(PyObject *o) {
    static _Thread_local char buf[104];
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *n = PyType_GetName(Py_TYPE(o));
#else   /* the full API of 3.9 and 3.10 (a build from the sdist) */
    PyObject *n = PyObject_GetAttrString((PyObject *)Py_TYPE(o), "__name__");
#endif
    const char *s = n ? PyUnicode_AsUTF8(n) : NULL;
    if (!s) { PyErr_Clear(); s = "?"; }
    snprintf(buf, sizeof buf, "%s", s);
    Py_XDECREF(n);
    return buf;
}

int skpy_set_methods(PyType_Slot *slots, PyMethodDef **start, PyMethodDef **stop) {
    size_t n = (size_t)(stop - start);
    PyMethodDef *table = PyMem_Calloc(n + 1, sizeof(PyMethodDef));   /* the type keeps it */
    if (!table) { PyErr_NoMemory(); return -1; }
    for (size_t i = 0; i < n; i++) table[i] = *start[i];
    for (; slots->slot; slots++)
        if (slots->slot == Py_tp_methods) slots->pfunc = table;
    return 0;
}

int skpy_finalizing;

static PyObject *mark_exit(PyObject *self, PyObject *u) {
    (void)self; (void)u;
    skpy_finalizing = 1;
    Py_RETURN_NONE;
}

static PyMethodDef mark_exit_def = {"_mark_exit", mark_exit, METH_NOARGS, "Run by atexit: the interpreter is exiting."};

int skpy_watch_exit(void) {
    PyObject *atexit = PyImport_ImportModule("atexit");
    PyObject *f = atexit ? PyCFunction_New(&mark_exit_def, NULL) : NULL;
    PyObject *r = f ? PyObject_CallMethod(atexit, "register", "O", f) : NULL;
    Py_XDECREF(atexit);
    Py_XDECREF(f);
    Py_XDECREF(r);
    return r ? 0 : -1;
}
