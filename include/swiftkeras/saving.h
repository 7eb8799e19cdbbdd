/* swiftkeras/saving.h — Saving and loading weights and whole models.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here. */
#ifndef SWIFTKERAS_SAVING_H
#define SWIFTKERAS_SAVING_H

#include "base.h"
#include "keras.h"
#include "layers.h"
#include "training.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Saving and loading. A path ending in ".h5" or ".hdf5" is tf.keras 2's HDF5 format (model files
 * with model_config / training_config / model_weights and, for a compiled model, the optimizer's
 * state in optimizer_weights — restored by sk_model_load, so training continues exactly —,
 * weights files with layer_names and weight_names, as tf.keras 2 writes and reads them; weights
 * load by layer order; float16 weights stay float16; libhdf5 (libhdf5_serial.so.103) is loaded at
 * run time, and without it these paths fail with SK_ERR_IO naming the package to install). A
 * path ending in ".keras" is the zip of tf-keras 2.13+'s saving_lib (metadata.json, config.json,
 * model.weights.h5 with each layer's variables under "layers/<class name>/vars" and the
 * optimizer's under "optimizer/vars"; stored entries, as tf-keras writes them: a compressed,
 * encrypted or ZIP64 entry is SK_ERR_UNIMPLEMENTED, a truncated or damaged archive SK_ERR_IO);
 * ".weights.h5" is that model.weights.h5 on its own (sk_model_save_weights / load_weights;
 * sk_model_load_weights also reads a ".keras" file's weights). sk_model_save_weights to a
 * ".keras" path is SK_ERR_UNIMPLEMENTED (nothing is written). A path without
 * an extension is a model directory (sk_model_save). Any other name is a single safetensors
 * file (readable by any safetensors reader, e.g. Python's `safetensors.numpy.load_file`): the
 * weights keyed by layer path ("dense/kernel", ...) plus, for sk_model_save, the model and
 * compile configs in the file's metadata. Loading recognises HDF5 files by their signature.
 * Writes are atomic: the data goes to the one temporary file ".<name>.swiftkeras-tmp"
 * next to the target, which is synced and renamed over it, so a failed (or killed) write leaves
 * an existing file as it was; a killed write's temporary file is reused and removed by the next
 * save to the same path. A symbolic link is followed (its target file is replaced, the link
 * stays); only a regular file is replaced, keeping its permission bits: a FIFO, device, socket
 * or directory at path, or an existing file without write permission, is an SK_ERR_IO error.
 * A new file gets 0666 minus the umask. Saves to the same path from several threads or
 * processes are serialized (the temporary file is locked). Loads are all or
 * nothing: every weight name, shape and dtype is checked before any weight is assigned, so on
 * failure the model's weights are unchanged. path is a NUL-terminated file name, only read
 * during the call.
 *
 * sk_model_save_weights writes every weight of the model (`model.save_weights`).
 * sk_model_load_weights loads weights written by sk_model_save_weights or sk_model_save
 * (`model.load_weights`); the file must hold exactly the model's weights. An unbuilt
 * Sequential model whose first layer is Dense is built from the file's kernel shape.
 * sk_model_save writes the weights, the model config and the compile config (`model.save`);
 * only Sequential and functional models of built-in layers with a built-in loss can be saved.
 * sk_model_load rebuilds a model written by sk_model_save (`keras.models.load_model`), loads
 * its weights and compiles it again when it was compiled (the optimizer state is restored from
 * ".h5" and ".keras" files, and starts afresh from the others);
 * *out receives a new caller-owned model (NULL on failure), released with sk_model_release.
 * Errors: SK_ERR_INVALID_HANDLE (model NULL); SK_ERR_INVALID_ARG (path or out NULL; a weight
 * missing from the file, an extra weight, or a shape/dtype mismatch — naming the weight and
 * the path; a model that cannot be serialized; an invalid config); SK_ERR_IO (the file cannot
 * be written, or is missing, truncated, damaged, not a SwiftKeras file, or a weights-only file
 * given to sk_model_load — the message names the path). */
int32_t sk_model_save_weights(const sk_model *model, const char *path);
int32_t sk_model_load_weights(sk_model *model, const char *path);
int32_t sk_model_save(const sk_model *model, const char *path);
int32_t sk_model_load(const char *path, sk_model **out);

/* Named tensors in a file (`tf.train.Checkpoint`): sk_tensors_save writes the `n` tensors with
 * their `names` (distinct, non-empty) atomically to `path`, in the safetensors format of
 * sk_model_save_weights; sk_tensors_load reads the tensor called `name` from such a file into a
 * new caller-owned *out (NULL on failure). Errors: SK_ERR_INVALID_ARG (path, names, name or out
 * NULL; n < 0; an empty or repeated name; no tensor of that name in the file — the message names
 * it and the path), SK_ERR_INVALID_HANDLE (a NULL tensor), SK_ERR_IO (the file cannot be written,
 * or is missing or damaged). */
int32_t sk_tensors_save(const char *path, const char *const *names, const sk_tensor *const *tensors, int32_t n);
int32_t sk_tensors_load(const char *path, const char *name, sk_tensor **out);

/* The names of the tensors in a file written by sk_tensors_save (`tf.train.list_variables`), as
 * a compact JSON array of strings, sorted, NUL-terminated, copied as sk_layer_name does (buf NULL
 * with capacity 0 only queries *length). Errors: SK_ERR_INVALID_ARG (path NULL, buffer too
 * small), SK_ERR_IO (the file is missing or damaged). */
int32_t sk_tensors_names(const char *path, char *buf, size_t capacity, size_t *length);

/* The checkpoint state file of `tf.train.Checkpoint.save` / `tf.train.latest_checkpoint` (named
 * "checkpoint" beside the checkpoints). sk_checkpoint_state_write writes `path` recording `name`
 * (a file name relative to its directory) as the latest checkpoint, in the line
 * `model_checkpoint_path: "<name>"`, atomically and with the rules of sk_model_save: only a
 * regular file is replaced (symbolic links followed); a FIFO, device, socket or directory at
 * path is SK_ERR_IO at once, never waited on. sk_checkpoint_state_read copies the name the file
 * at `path` records, as sk_layer_name copies (buf NULL with capacity 0 only queries *length);
 * *found (may be NULL) receives 1, or 0 with an empty name when nothing is at path or the file
 * records no checkpoint. Only a regular file is read: anything else at path (a FIFO — never
 * waited on for a writer —, a directory) is SK_ERR_IO.
 * Errors: SK_ERR_INVALID_ARG (path or name NULL; an empty name or one holding a newline, a quote
 * or a NUL; buffer too small; a file over 1 MiB), SK_ERR_IO (naming the path). */
int32_t sk_checkpoint_state_write(const char *path, const char *name);
int32_t sk_checkpoint_state_read(const char *path, char *buf, size_t capacity, size_t *length, uint8_t *found);

/* Called by sk_model_load_weights_ex once per skipped layer, after the load, with the layer's
 * path in the weights file ("dense_1", "sequential/dense") and the reason (naming the missing,
 * extra or mismatched weights and the file); both strings are valid during the call only. */
typedef void (*sk_skipped_fn)(void *user_data, const char *layer, const char *reason);

/* `model.load_weights(path, skip_mismatch=...)`. skip_mismatch == 0 is sk_model_load_weights
 * (all or nothing, same errors). skip_mismatch != 0 skips each layer whose own weights do not
 * match the file — a weight missing from the file, a different shape or dtype, or a weight in
 * the file under the layer's path that the layer does not have — leaving its weights as they
 * were, and loads every other layer; file weights of layers the model does not have are
 * ignored. Everything is checked before anything is assigned. After a successful load,
 * on_skipped (may be NULL; user_data is passed through) is called once per skipped layer, in
 * weight order, and *num_skipped (may be NULL) receives their number (0 on failure).
 * Errors: SK_ERR_INVALID_HANDLE (model NULL); SK_ERR_INVALID_ARG (path NULL; with
 * skip_mismatch == 0, a missing, extra or mismatched weight, as sk_model_load_weights; an
 * unbuilt model that cannot be built from the file); SK_ERR_IO (missing, truncated, damaged or
 * foreign file, naming the path) — on any error no weight changes. */
int32_t sk_model_load_weights_ex(sk_model *model, const char *path, uint8_t skip_mismatch,
                                 sk_skipped_fn on_skipped, void *user_data, int32_t *num_skipped);

/* `model.load_weights(path, by_name=True, skip_mismatch=...)` for a tf.keras 2 HDF5 file (any
 * name; a file written by real tf.keras 2 or by sk_model_save_weights / sk_model_save to an
 * ".h5" path): each layer saved in the file loads into the model's layers of the same name, in
 * the file's weight order; saved layers the model lacks are ignored. skip_mismatch != 0 skips a
 * layer whose weight count differs and each weight whose shape differs, reporting them through
 * on_skipped / *num_skipped as sk_model_load_weights_ex; skip_mismatch == 0 fails on them. All
 * or nothing: on any error no weight changes. Errors: SK_ERR_INVALID_HANDLE (model NULL);
 * SK_ERR_INVALID_ARG (path NULL; a count or shape mismatch, naming the layer); SK_ERR_UNIMPLEMENTED
 * (the file is not HDF5: only tf.keras 2's HDF5 format loads by name); SK_ERR_IO (missing or
 * damaged file, libhdf5 missing — the message names the path and the package to install). */
int32_t sk_model_load_weights_by_name(sk_model *model, const char *path, uint8_t skip_mismatch,
                                      sk_skipped_fn on_skipped, void *user_data, int32_t *num_skipped);

/* sk_model_load with a choice: compile == 0 ignores the saved compile config (Keras
 * `load_model(compile=False)`) — the way to load a model compiled with custom metrics, which
 * are saved by name only; compile it again with sk_model_compile_ex. compile != 0 is
 * sk_model_load, whose error for a compile config that cannot be rebuilt says so. Errors: as
 * sk_model_load. */
int32_t sk_model_load_ex(const char *path, uint8_t compile, sk_model **out);

/* sk_model_save records each built-in metric object given to sk_model_compile_ex (AUC,
 * Precision, Recall, BinaryAccuracy, top-k, ...; see sk_metric_create) in the compile config
 * with its Keras config ({"class_name": "AUC", "config": {"num_thresholds": 50, "curve": "PR",
 * ...}}), and sk_model_load rebuilds it with those arguments; metrics given by name stay names,
 * custom metrics (sk_metric_create_custom) are recorded by name. Files that list metric names
 * only still load. */

/* The compile config saved in the model file at path (written by sk_model_save): the JSON of
 * sk_model_compile_config at save time, or "" when the model was saved uncompiled; copied as
 * sk_layer_name does (buf NULL with capacity 0 only reports *length). Lets a client recompile a
 * model loaded with sk_model_load_ex(path, 0, ...) with its own metric objects without reading
 * the file format itself. Errors: SK_ERR_INVALID_ARG (path NULL, capacity too small), SK_ERR_IO
 * (as sk_model_load for a missing, damaged, foreign or weights-only file). */
int32_t sk_model_file_compile_config(const char *path, char *buf, size_t capacity, size_t *length);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_SAVING_H */
