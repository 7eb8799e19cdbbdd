"""``tf.errors``: TensorFlow's exception classes.

The TensorFlow namespace functions (``swiftkeras.math``, ``.nn``, ``.linalg``, top-level ``tf.*``)
raise ``InvalidArgumentError`` where TF does (a bad shape, axis, index or value reported by the
core). Each class also derives from the Python exception the C API's status maps to
(``ValueError``, ``IndexError``, ...), so code catching either keeps working.
"""

__all__ = ["OpError", "CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
           "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "ResourceExhaustedError",
           "FailedPreconditionError", "AbortedError", "OutOfRangeError", "UnimplementedError",
           "InternalError", "UnavailableError", "DataLossError", "UnauthenticatedError"]

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS = 0, 1, 2, 3, 4, 5, 6
PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE = 7, 8, 9, 10, 11
UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED = 12, 13, 14, 15, 16


class OpError(Exception):
    """``tf.errors.OpError(node_def, op, message, *args)``: the base of TensorFlow's op errors."""

    error_code = UNKNOWN

    def __init__(self, node_def, op, message, *args):
        super().__init__(message)
        self.node_def, self.op, self.message = node_def, op, message

    def __str__(self):
        return self.message


# (class name, error code, the Python exception it also derives from, doc)
_CLASSES = [
    ("CancelledError", CANCELLED, Exception, "An operation was cancelled."),
    ("UnknownError", UNKNOWN, Exception, "An unknown error."),
    ("InvalidArgumentError", INVALID_ARGUMENT, ValueError, "An op received an invalid argument (also a ValueError)."),
    ("DeadlineExceededError", DEADLINE_EXCEEDED, Exception, "A deadline expired."),
    ("NotFoundError", NOT_FOUND, LookupError, "A requested entity (a file, a checkpoint value) was not found."),
    ("AlreadyExistsError", ALREADY_EXISTS, Exception, "An entity already exists."),
    ("PermissionDeniedError", PERMISSION_DENIED, PermissionError, "Permission denied."),
    ("ResourceExhaustedError", RESOURCE_EXHAUSTED, MemoryError, "A resource (e.g. memory) is exhausted."),
    ("FailedPreconditionError", FAILED_PRECONDITION, RuntimeError, "The system is not in a state the operation needs."),
    ("AbortedError", ABORTED, Exception, "An operation was aborted."),
    ("OutOfRangeError", OUT_OF_RANGE, IndexError, "An operation iterated past the valid range (e.g. a dataset's end)."),
    ("UnimplementedError", UNIMPLEMENTED, NotImplementedError, "The operation is not implemented."),
    ("InternalError", INTERNAL, RuntimeError, "An internal invariant was broken."),
    ("UnavailableError", UNAVAILABLE, Exception, "The service is unavailable."),
    ("DataLossError", DATA_LOSS, Exception, "Unrecoverable data loss or corruption."),
    ("UnauthenticatedError", UNAUTHENTICATED, Exception, "Not authenticated."),
]

for _name, _code, _base, _doc in _CLASSES:
    globals()[_name] = type(_name, (OpError, _base), {"error_code": _code, "__doc__": _doc, "__module__": __name__})
del _name, _code, _base, _doc
