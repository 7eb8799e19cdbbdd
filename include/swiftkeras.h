/*
 * swiftkeras.h — the C API of SwiftKeras, a Keras-backend-style tensor engine.
 *
 * This header is the whole contract: every function declared here is exported by
 * libswiftkeras.so and nothing else is. C99, C++-safe.
 *
 * Conventions
 *  - Fallible calls return an int32_t status (SK_OK = 0) and write results through
 *    out-parameters, which are set to NULL on failure.
 *  - The message of the last error is thread-local: sk_last_error_message() returns it
 *    (valid until the next failing call on the same thread). The library never prints,
 *    exits or aborts on user error.
 *  - Status and dtype codes are explicit and append-only.
 *  - Ownership: every handle (sk_tensor*, sk_variable*, sk_tape*, sk_function*, and the Keras
 *    handles sk_layer*, sk_model*, sk_optimizer*, sk_loss*, sk_history*...) written to an
 *    out-parameter is owned by the caller (+1) and released with the matching sk_*_release
 *    (NULL is a no-op). Handles passed as inputs are borrowed: never consumed, never kept
 *    beyond the call unless documented (sk_custom_gradient keeps its functions).
 *  - Shapes are `const int64_t *shape` + `int32_t ndim`; booleans cross as uint8_t (0 = false).
 *  - Errors common to every fallible call: SK_ERR_INVALID_HANDLE for a NULL handle argument
 *    that is not documented as optional; SK_ERR_INVALID_ARG for a NULL out-parameter, a NULL
 *    array with a positive count, or a negative count. The message always names the function
 *    or op and the offending shapes / values, e.g. "matmul: shapes (2, 3) and (4, 5) ...".
 *
 * Threads
 *  - Any function may be called from any thread at any time. Tensors are immutable and may be
 *    shared freely between threads. The last error is per thread.
 *  - sk_variable: each call (read, assign, assign_add, assign_sub) is atomic on its own; a reader
 *    sees the old or the new value. A read-modify-write *sequence* made of several calls (read,
 *    compute, assign) needs external locking if other threads assign the same variable.
 *    sk_variable_set_trainable must not race with other calls on the same variable.
 *  - sk_tape: a tape records the ops run on the thread that started it, and belongs to that
 *    thread: start/stop/pause/resume/watch/gradient/reset/release must come from one thread at a
 *    time (calls from another thread while it records fail with SK_ERR_RUNTIME where detectable).
 *    Different threads use different tapes concurrently without locking.
 *  - sk_function: the callback may run on whatever thread invokes it (sk_function_call, an op,
 *    or the thread computing a gradient through sk_custom_gradient); it must be reentrant if
 *    shared by several threads.
 */
#ifndef SWIFTKERAS_H
#define SWIFTKERAS_H

/* The API by area; each part is self-contained and includes what it needs. */
#include "swiftkeras/base.h"
#include "swiftkeras/settings.h"
#include "swiftkeras/tensor.h"
#include "swiftkeras/ops_generated.h"
#include "swiftkeras/autodiff.h"
#include "swiftkeras/ops.h"
#include "swiftkeras/keras.h"
#include "swiftkeras/layers.h"
#include "swiftkeras/models.h"
#include "swiftkeras/losses.h"
#include "swiftkeras/optimizers.h"
#include "swiftkeras/metrics.h"
#include "swiftkeras/training.h"
#include "swiftkeras/callbacks.h"
#include "swiftkeras/saving.h"

#endif /* SWIFTKERAS_H */
