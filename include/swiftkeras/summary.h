/* swiftkeras/summary.h — TF2's tf.summary file writers and keras.utils.Progbar.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_SUMMARY_H
#define SWIFTKERAS_SUMMARY_H

#include <stddef.h>
#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * tf.summary: event files TensorBoard reads. A writer owns one file
 * events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2<filename_suffix> in `logdir` (created with
 * its parents on the first write or sk_summary_writer_init). Summaries are TF2's tensor
 * summaries: "scalars" (float32 scalar), "histograms" (float64 (buckets, 3): left edge, right
 * edge, count), "text" (the string tensor). Each record is flushed when written. Writers may be
 * used from several threads.
 * ------------------------------------------------------------------------------------- */
typedef struct sk_summary_writer sk_summary_writer;

/* tf.summary.create_file_writer(logdir, filename_suffix) (suffix NULL: "").
 * Errors: SK_ERR_INVALID_ARG (NULL or empty logdir). */
int32_t sk_summary_writer_create(const char *logdir, const char *filename_suffix, sk_summary_writer **out);

/* Creates the event file now. Errors: SK_ERR_IO (directory or file), SK_ERR_RUNTIME (closed). */
int32_t sk_summary_writer_init(sk_summary_writer *writer);

/* tf.summary.scalar(tag, value, step, description) (description NULL: none). */
int32_t sk_summary_scalar(sk_summary_writer *writer, const char *tag, double value, int64_t step,
                          const char *description);

/* tf.summary.histogram(tag, data, step, buckets, description): `buckets` equal-width buckets
 * from min to max of `data` (any numeric tensor); a single distinct value puts every count in
 * the last of the zero-width buckets; no data: zero rows. buckets < 0 counts as 0.
 * Errors: SK_ERR_DTYPE (a string tensor), SK_ERR_INVALID_ARG (buckets > 2^20), SK_ERR_IO. */
int32_t sk_summary_histogram(sk_summary_writer *writer, const char *tag, const sk_tensor *data, int64_t step,
                             int32_t buckets, const char *description);

/* tf.summary.text(tag, data, step, description): a string tensor of any shape. */
int32_t sk_summary_text(sk_summary_writer *writer, const char *tag, const sk_tensor *data, int64_t step,
                        const char *description);

/* writer.close(): later writes fail with SK_ERR_RUNTIME. Closing twice is fine. */
int32_t sk_summary_writer_close(sk_summary_writer *writer);

/* The event file's path into buf (sk_layer_name's conventions); "" before the first write. */
int32_t sk_summary_writer_path(const sk_summary_writer *writer, char *buf, size_t capacity, size_t *length);

void sk_summary_writer_release(sk_summary_writer *writer);

/* ---------------------------------------------------------------------------------------
 * keras.utils.Progbar: tf.keras 2's averaging (a value not in stateful_metrics is averaged over
 * the steps, each update weighing it by the steps it advanced, at least 1; a stateful one shows
 * its last value) drawn as fit's progress lines.
 * ------------------------------------------------------------------------------------- */
typedef struct sk_progbar sk_progbar;

/* Progbar(target (-1: unknown), width, verbose 0/1/2, interval seconds, stateful_metrics,
 * unit_name (NULL: "step")); `dynamic` non-zero when the output is a terminal (each text then
 * replaces the line: "\r"..."\x1b[K"; otherwise only final lines are written).
 * Errors: SK_ERR_INVALID_ARG (target < -1, width outside [1, 10000], verbose, interval < 0). */
int32_t sk_progbar_create(int64_t target, int32_t width, int32_t verbose, double interval,
                          const char *const *stateful_metrics, int32_t n_stateful, const char *unit_name,
                          int32_t dynamic, sk_progbar **out);

/* update(current, values, finalize): `finalize` -1 means current >= target. *text receives what
 * to write ("" when nothing is due), owned by the progbar until its next update or release. */
int32_t sk_progbar_update(sk_progbar *progbar, int64_t current, const char *const *names, const double *values,
                          int32_t n_values, int32_t finalize, const char **text);

/* The `current` of the last update (add(n) is update(seen + n)). */
int32_t sk_progbar_seen(const sk_progbar *progbar, int64_t *out);

void sk_progbar_release(sk_progbar *progbar);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_SUMMARY_H */
