/* swiftkeras/linalg.h — Matrix decompositions with several outputs: QR, SVD, symmetric eigen.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. Each works on the matrices
 * in the last two axes of a float tensor (leading axes are a batch), computes in float64 and
 * returns a's dtype; each output is differentiable under a tape with TensorFlow's gradient.
 * Outputs are written to outs[0..): new caller-owned tensors; all `capacity` slots are set to
 * NULL first and stay NULL on failure. */
#ifndef SWIFTKERAS_LINALG_H
#define SWIFTKERAS_LINALG_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* QR (`tf.linalg.qr`): outs[0] = Q with orthonormal columns, outs[1] = upper-triangular R, Q·R = x.
 * For (m, n) matrices and k = min(m, n): Q (..., m, k) and R (..., k, n), or Q (..., m, m) and
 * R (..., m, n) when full_matrices != 0. Needs capacity >= 2. The gradient is not implemented for
 * m > n with full_matrices (as TensorFlow): SK_ERR_UNIMPLEMENTED from the tape.
 * Errors: SK_ERR_INVALID_HANDLE (x NULL), SK_ERR_DTYPE (x not float), SK_ERR_INVALID_ARG (rank < 2,
 * outs NULL, capacity too small). */
int32_t sk_linalg_qr(const sk_tensor *x, uint8_t full_matrices, sk_tensor **outs, int32_t capacity);

/* Singular value decomposition (`tf.linalg.svd`): x = U·diag(s)·Vᵀ. outs[0] = s (..., k),
 * descending, k = min(m, n); with compute_uv != 0 also outs[1] = U (..., m, k) and outs[2] = V
 * (..., n, k), or (..., m, m) and (..., n, n) when full_matrices != 0 (the signs of singular
 * vectors are not unique). Needs capacity >= 3 with compute_uv, else >= 1. The gradient is not
 * implemented for |m − n| > 1 with full_matrices (as TensorFlow). A matrix holding NaN or Inf
 * gives NaN s, U and V (as TensorFlow).
 * Errors: as sk_linalg_qr. */
int32_t sk_linalg_svd(const sk_tensor *x, uint8_t full_matrices, uint8_t compute_uv, sk_tensor **outs,
                      int32_t capacity);

/* Eigendecomposition of symmetric matrices (`tf.linalg.eigh`; only the lower triangle is read):
 * outs[0] = eigenvalues (..., n) ascending, outs[1] = eigenvectors (..., n, n) in its columns,
 * x = V·diag(e)·Vᵀ (the signs of eigenvectors are not unique). Needs capacity >= 2.
 * Errors: as sk_linalg_qr, and SK_ERR_INVALID_ARG for non-square matrices and for a NaN or Inf in
 * a matrix's lower triangle (TensorFlow: "Self-adjoint eigen decomposition was not successful"). */
int32_t sk_linalg_eigh(const sk_tensor *x, sk_tensor **outs, int32_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_LINALG_H */
