/* SPDX-License-Identifier: MIT */
/* python.i -- the Python module mailslot_swig: the glue of bindings/mailslot.i
 * for Python (how the error slot is raised, how bytes travel), the interface,
 * and the module's Error class. */

%module(threads="1") mailslot_swig

/* ---- Python: mailslot_swig.Error(code, message) ------------------------- */
%feature("kwargs");
%feature("autodoc", "0"); /* help() shows the argument names and defaults */
%feature("autodoc", "read(self, timeout_ms=USE_DEFAULT) -> bytes") Reader::read;
%feature("autodoc",
         "info(self) -> (max_message_size, next_size, message_count, read_timeout_ms)") Reader::info;
%feature("autodoc", "name(self) -> str") Reader::name;
%feature("autodoc", "name_canonical(name) -> str") shim_name_canonical;
%feature("autodoc", "query_int(name, key, timeout_ms) -> int") shim_query_int;
%feature("autodoc", "version_string() -> str") ms_version_string;
%feature("autodoc", "strerror(code) -> str") ms_strerror;
%feature("autodoc",
         "Reader(name, max_message_size=0, read_timeout_ms=WAIT_FOREVER, queue_limit=0, "
         "allow_any_user=0, network=None, port=None, domain=None, interface=None, keys=None, "
         "key_file=None, replay_window=None, time_window_ms=None, auth_migration=None, "
         "auth_log=None, legacy=None, netbios_name=None)") Reader::Reader;
%feature("autodoc",
         "Writer(name, network=None, port=None, ttl=None, domain=None, interface=None, keys=None, "
         "key_file=None, suite=None, legacy=None, netbios_name=None)") Writer::Writer;
%feature("autodoc", "get_int(self, key) -> int") Reader::get_int;
%{
static PyObject *ms_py_error_class = NULL;

static void ms_raise(void)
{
    const char *text = shim_error_text();
    PyObject *msg = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    PyObject *cls = ms_py_error_class != NULL ? ms_py_error_class : PyExc_RuntimeError;
    PyObject *args = msg != NULL ? Py_BuildValue("(iN)", shim_error_code(), msg) : NULL;
    if (args != NULL) {
        PyErr_SetObject(cls, args);
        Py_DECREF(args);
    }
}
%}
#define MS_RAISE_ERROR                                                                         \
    ms_raise();                                                                                \
    SWIG_fail

/* Bytes in: anything with the buffer protocol (bytes, bytearray, memoryview).
 * The view stays held while the GIL is released around the call. */
%typemap(in) (const unsigned char *data, size_t len) (Py_buffer view) {
    if (PyUnicode_Check($input)) {
        PyErr_SetString(PyExc_TypeError, "a message is bytes, not str (encode it first)");
        SWIG_fail;
    }
    if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0)
        SWIG_fail;
    $1 = (unsigned char *)view.buf;
    $2 = (size_t)view.len;
}
%typemap(freearg) (const unsigned char *data, size_t len) {
    if (view$argnum.obj != NULL)
        PyBuffer_Release(&view$argnum);
}
%typemap(arginit) (const unsigned char *data, size_t len) "view$argnum.obj = NULL;"
/* Bytes out: read() reads a message that fits into this thread's block
 * (MS_READ, no malloc and no mailslot_info per message), and the bytes object
 * is made from it; a larger one comes in a block of its own, freed here. */
%{
#define MS_PY_READ_CAP 4096 /* every network message, most local ones */
static shim_thread_local unsigned char ms_py_block[SHIM_BYTES_HEADER + MS_PY_READ_CAP];
#define MS_READ(self, timeout_ms) shim_reader_read_buf((self), (timeout_ms), ms_py_block, MS_PY_READ_CAP)
%}
%typemap(out) shim_bytes {
    $result = PyBytes_FromStringAndSize((const char *)shim_bytes_data($1), (Py_ssize_t)$1.len);
    if ($1.block != ms_py_block)
        shim_bytes_free($1.block);
}
%typemap(out) bool "$result = PyBool_FromLong($1);"
/* The optional integers (shim_opt_int): None (the default) leaves one to the
 * environment; any other int goes to the library, which checks its range. */
%typemap(in) shim_opt_int {
    if ($input == Py_None) {
        $1 = SHIM_UNSET;
    } else {
        long long v = PyLong_AsLongLong($input); /* TypeError, OverflowError */
        if (v == -1 && PyErr_Occurred())
            SWIG_fail;
        $1 = v == SHIM_UNSET ? SHIM_UNSET + 1 : v; /* still out of range: E_INVALID */
    }
}


%include "typemaps.i"
%apply unsigned int *OUTPUT { unsigned int *max_message_size, unsigned int *next_size,
                              unsigned int *message_count };
%apply int *OUTPUT { int *read_timeout_ms };
%feature("pythonappend") Reader::info "val = tuple(val)"
%nothread ms_set_error_class;
%exception ms_set_error_class "$action"
%inline %{
/* Internal: the Python module hands its Error class to the C side. */
static void ms_set_error_class(PyObject *cls)
{
    Py_XINCREF(cls);
    Py_XDECREF(ms_py_error_class);
    ms_py_error_class = cls;
}
%}

/* The library's log messages (mailslot_set_log_handler) to a Python callable
 * fn(level, message): set_log_callback(fn), or None for stderr again. The
 * library may call from its own I/O thread, so the trampoline takes the GIL;
 * the callable is read and swapped only under the GIL. */
%{
static PyObject *ms_py_log_callable = NULL;

static void MAILSLOT_CALL ms_py_log(void *ctx, int level, const char *message)
{
    PyGILState_STATE gil;
    PyObject *fn, *text, *result = NULL;
    (void)ctx;
    if (!Py_IsInitialized())
        return; /* the interpreter is gone: nobody to tell */
    gil = PyGILState_Ensure();
    fn = ms_py_log_callable;
    if (fn != NULL) {
        Py_INCREF(fn); /* a swap in the call must not free it under us */
        text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
        if (text != NULL)
            result = PyObject_CallFunction(fn, "iO", level, text);
        if (result == NULL)
            PyErr_WriteUnraisable(fn); /* no caller to raise to */
        Py_XDECREF(result);
        Py_XDECREF(text);
        Py_DECREF(fn);
    }
    PyGILState_Release(gil);
}
%}
%nothread ms_set_log_callback;
%exception ms_set_log_callback "$action"
%rename(set_log_callback) ms_set_log_callback;
%feature("autodoc", "set_log_callback(fn) -- fn(level, message), or None for stderr") ms_set_log_callback;
%inline %{
static void ms_set_log_callback(PyObject *fn)
{
    PyObject *old = ms_py_log_callable;
    if (fn == Py_None)
        fn = NULL;
    Py_XINCREF(fn);
    ms_py_log_callable = fn;
    mailslot_set_log_handler(fn != NULL ? ms_py_log : NULL, NULL);
    Py_XDECREF(old);
}
%}

%include "mailslot.i"

%pythoncode %{
class Error(Exception):
    """A libmailslot failure: ``code`` is a negative E_* number, ``message``
    the library's sentence about it."""

    def __init__(self, code, message=""):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self):
        return "%s (code %d)" % (self.message, self.code)


_mailslot_swig.ms_set_error_class(Error)
del ms_set_error_class
%}
