/* swiftkeras/text.h — keras.preprocessing.text of tf.keras 2: text_to_word_sequence,
 * hashing_trick and the Tokenizer.
 * Part of the SwiftKeras C API; include <swiftkeras.h>, which includes every part and states
 * the conventions (status codes, ownership, threads) that hold here.
 *
 * Texts travel as 1-D string tensors (UTF-8); lists of sequences as the concatenated values
 * (a 1-D integer tensor) plus one int64 length per sequence. */
#ifndef SWIFTKERAS_TEXT_H
#define SWIFTKERAS_TEXT_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* text_to_word_sequence for each element of the string tensor `texts`: each text lower-cased
 * (option "lower", default true), every character of "filters" (default tf.keras 2's
 * punctuation, tab and newline) replaced by "split" (default " "), split on "split", empty
 * words dropped. options_json: a JSON object with those keys (NULL: "{}"). *tokens receives
 * every word of every text (1-D string tensor), *lengths the number of words per text (int64).
 * Errors: SK_ERR_INVALID_ARG (bad options, unknown key, empty split), SK_ERR_DTYPE (texts not
 * strings). */
int32_t sk_text_to_word_sequence(const sk_tensor *texts, const char *options_json, sk_tensor **tokens,
                                 sk_tensor **lengths);

/* hashing_trick(text, n, hash_function="md5") for each text: the words as
 * sk_text_to_word_sequence splits them, each as int(md5(word).hexdigest(), 16) % (n - 1) + 1
 * into *values (int64), the words per text into *lengths.
 * Errors: as sk_text_to_word_sequence; SK_ERR_INVALID_ARG for n < 2. */
int32_t sk_text_hashing_trick_md5(const sk_tensor *texts, int64_t n, const char *options_json, sk_tensor **values,
                                  sk_tensor **lengths);

/* ---------------------------------------------------------------------------------------
 * Tokenizer (keras.preprocessing.text.Tokenizer)
 *
 * A tokenizer is its tf.keras 2 config: the JSON text of `to_json()`
 * ({"class_name": "Tokenizer", "config": {...}}, word_counts / word_docs / index_docs /
 * word_index / index_word as JSON strings) or its inner object. Each call reads `config_json`,
 * then the members of `overrides_json` (a JSON object or NULL) in place of the config's — the
 * same keys, the dictionaries as JSON objects or strings — and the calls that change the
 * tokenizer return its new config as a 0-d string tensor. Missing keys take Tokenizer's
 * defaults, so "{}" is `Tokenizer()`. Unknown keys are SK_ERR_INVALID_ARG.
 *
 * Documents: a 1-D string tensor of texts with `lengths` NULL (split as
 * sk_text_to_word_sequence does with the tokenizer's filters/lower/split, or into characters at
 * char_level), or tokens with `lengths` giving the tokens per document (tf.keras' lists of
 * tokens: lower-cased when `lower_tokens` is non-zero and the tokenizer's "lower" is true).
 * ------------------------------------------------------------------------------------- */

/* The config of a tokenizer (checks it): *out receives `to_json()`'s text. */
int32_t sk_tokenizer_config(const char *config_json, const char *overrides_json, sk_tensor **out);

/* fit_on_texts: counts words and documents, then indexes the words by decreasing count (ties
 * in order of first appearance) from 1, oov_token first. *out receives the new config. */
int32_t sk_tokenizer_fit_on_texts(const char *config_json, const char *overrides_json, const sk_tensor *texts,
                                  const sk_tensor *lengths, int32_t lower_tokens, sk_tensor **out);

/* fit_on_sequences: document_count and index_docs from sequences of indices. */
int32_t sk_tokenizer_fit_on_sequences(const char *config_json, const char *overrides_json, const sk_tensor *values,
                                      const sk_tensor *lengths, sk_tensor **out);

/* texts_to_sequences: each document's word indices (int64) in *values, their counts in
 * *out_lengths. Indices >= num_words (when num_words is non-zero) and unknown words become
 * oov_token's index, or are dropped without an oov_token.
 * Errors: SK_ERR_INVALID_ARG also when an unknown word needs oov_token's index and word_index
 * has none. */
int32_t sk_tokenizer_texts_to_sequences(const char *config_json, const char *overrides_json, const sk_tensor *texts,
                                        const sk_tensor *lengths, int32_t lower_tokens, sk_tensor **values,
                                        sk_tensor **out_lengths);

/* sequences_to_texts: each sequence's words joined by spaces (1-D string tensor). */
int32_t sk_tokenizer_sequences_to_texts(const char *config_json, const char *overrides_json, const sk_tensor *values,
                                        const sk_tensor *lengths, sk_tensor **out);

/* sequences_to_matrix(mode): float64 (sequences, num_words or len(word_index) + 1); mode
 * "binary", "count", "freq" or "tfidf".
 * Errors: SK_ERR_INVALID_ARG (unknown mode, no num_words and no word_index, tfidf before
 * fitting, a negative index). */
int32_t sk_tokenizer_sequences_to_matrix(const char *config_json, const char *overrides_json, const sk_tensor *values,
                                         const sk_tensor *lengths, const char *mode, sk_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTKERAS_TEXT_H */
