#!/usr/bin/env python3
"""Generates the mechanical part of the C API from one op table.

Writes Sources/SwiftKerasC/GeneratedOps.swift (the @_cdecl shims) and the region of
include/swiftkeras/ops_generated.h between the BEGIN/END GENERATED OPS markers (declarations + docs).
Also writes bindings/python/src/ops_generated.inc: one CPython wrapper per op (the Python
extension `swiftkeras._native` includes it), so the C and Python layers cannot drift.
Run from the repository root: python3 tools/capi_ops.py   (the outputs are committed);
python3 tools/capi_ops.py --python-only rewrites only the Python wrappers.

Each op is (c_name, params, swift_expression, doc). A param is "kind:name"; kinds:
  t        const sk_tensor *name            borrowed tensor (NULL -> SK_ERR_INVALID_HANDLE)
  t?       const sk_tensor *name            optional tensor (NULL = absent)
  tlist    const sk_tensor *const *name, int32_t n_name
  f64      double            i64  int64_t        bool  uint8_t (0 = false)
  axes     const int64_t *name, int32_t n_name   (name == NULL: all axes / None)
  ints     const int64_t *name, int32_t n_name   (required list)
  shape    const int64_t *shape, int32_t ndim
  fixedK   const int64_t *name                   K entries; NULL = all ones
  pairsK   const int64_t *name                   2*K entries (before, after) per axis
  padding / data_format / pool_mode / interpolation / dtype   int32_t codes
  seed     uint64_t seed, uint8_t has_seed      (has_seed == 0: a fresh random seed)
  scalar   double name                           a Python-style scalar (see header)
"""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

UNARY = [
    ("negative", "try x.negated()", "-x (Keras `negative`). Bool is rejected."),
    ("abs", "try SwiftKeras.abs(x)", "|x| (Keras `abs`)."),
    ("sign", "try SwiftKeras.sign(x)", "-1, 0 or 1 per element (Keras `sign`)."),
    ("square", "try SwiftKeras.square(x)", "x*x (Keras `square`)."),
    ("sqrt", "try SwiftKeras.sqrt(x)", "Square root (Keras `sqrt`); integers compute in float32."),
    ("exp", "try SwiftKeras.exp(x)", "e^x (Keras `exp`)."),
    ("log", "try SwiftKeras.log(x)", "Natural logarithm (Keras `log`)."),
    ("log1p", "try SwiftKeras.log1p(x)", "log(1 + x) (Keras `log1p`)."),
    ("expm1", "try SwiftKeras.expm1(x)", "e^x - 1 (Keras `expm1`)."),
    ("sin", "try SwiftKeras.sin(x)", "Sine (Keras `sin`)."),
    ("cos", "try SwiftKeras.cos(x)", "Cosine (Keras `cos`)."),
    ("tanh", "try SwiftKeras.tanh(x)", "Hyperbolic tangent (Keras `tanh`)."),
    ("sigmoid", "try SwiftKeras.sigmoid(x)", "1 / (1 + e^-x) (Keras `sigmoid`)."),
    ("hard_sigmoid", "try SwiftKeras.hardSigmoid(x)", "clip(0.2x + 0.5, 0, 1) (Keras `hard_sigmoid`)."),
    ("softplus", "try SwiftKeras.softplus(x)", "log(1 + e^x) (Keras `softplus`)."),
    ("softsign", "try SwiftKeras.softsign(x)", "x / (1 + |x|) (Keras `softsign`)."),
    ("round", "try SwiftKeras.round(x)", "Round half to even (Keras `round`)."),
    ("floor", "try SwiftKeras.floor(x)", "Floor (Keras `floor`)."),
    ("ceil", "try SwiftKeras.ceil(x)", "Ceiling (Keras `ceil`)."),
    ("logical_not", "try x.logicalNot()", "Logical not; the input is cast to bool (Keras `logical_not`)."),
    ("stop_gradient", "x.stoppingGradient()", "The same values with no gradient flowing back (Keras `stop_gradient`). Never fails on a valid handle."),
    ("flatten", "try x.flattened()", "The elements as a 1-D tensor (Keras `flatten`)."),
    ("batch_flatten", "try x.batchFlattened()", "(B, ...) -> (B, -1) (Keras `batch_flatten`). Errors: rank 0."),
]

BINARY = [
    ("add", "try a.adding(b)", "a + b with broadcasting and Keras dtype promotion (Keras `add`)."),
    ("subtract", "try a.subtracting(b)", "a - b (Keras `subtract`); two bools are rejected."),
    ("multiply", "try a.multiplying(b)", "a * b (Keras `multiply`)."),
    ("divide", "try a.dividing(by: b)", "a / b, true division (Keras `divide`); integers give floats."),
    ("floor_divide", "try a.floorDividing(by: b)", "floor(a / b) (Keras `floordiv`); integer division by zero gives 0."),
    ("mod", "try a.modulo(b)", "Python-style remainder, sign of b (Keras `mod`)."),
    ("pow", "try SwiftKeras.pow(a, b)", "a ** b (Keras `pow`)."),
    ("maximum", "try SwiftKeras.maximum(a, b)", "Elementwise maximum (Keras `maximum`); NaN propagates."),
    ("minimum", "try SwiftKeras.minimum(a, b)", "Elementwise minimum (Keras `minimum`); NaN propagates."),
    ("equal", "try a.isEqual(to: b)", "a == b as a bool tensor (Keras `equal`)."),
    ("not_equal", "try a.isNotEqual(to: b)", "a != b as a bool tensor (Keras `not_equal`)."),
    ("greater", "try a.isGreater(than: b)", "a > b as a bool tensor (Keras `greater`)."),
    ("greater_equal", "try a.isGreaterOrEqual(to: b)", "a >= b as a bool tensor (Keras `greater_equal`)."),
    ("less", "try a.isLess(than: b)", "a < b as a bool tensor (Keras `less`)."),
    ("less_equal", "try a.isLessOrEqual(to: b)", "a <= b as a bool tensor (Keras `less_equal`)."),
    ("logical_and", "try a.logicalAnd(b)", "Logical and; operands cast to bool (Keras `logical_and`)."),
    ("logical_or", "try a.logicalOr(b)", "Logical or; operands cast to bool (Keras `logical_or`)."),
    ("matmul", "try SwiftKeras.matmul(a, b)", "Matrix product with numpy `matmul` batching rules (Keras `ops.matmul`). Errors: unaligned shapes."),
    ("dot", "try SwiftKeras.dot(a, b)", "Keras `dot`: contracts the last axis of a with the second-to-last of b (Theano rules for rank > 2)."),
]

SCALAR = [
    ("add_scalar", "try x.adding(s)", "x + value"),
    ("subtract_scalar", "try x.subtracting(s)", "x - value"),
    ("multiply_scalar", "try x.multiplying(s)", "x * value"),
    ("divide_scalar", "try x.dividing(by: s)", "x / value"),
    ("pow_scalar", "try SwiftKeras.pow(x, s)", "x ** value"),
    ("maximum_scalar", "try SwiftKeras.maximum(x, s)", "max(x, value)"),
    ("minimum_scalar", "try SwiftKeras.minimum(x, s)", "min(x, value)"),
    ("greater_scalar", "try x.isGreater(than: s)", "x > value (bool)"),
    ("less_scalar", "try x.isLess(than: s)", "x < value (bool)"),
    ("equal_scalar", "try x.isEqual(to: s)", "x == value (bool)"),
]

REDUCE = [
    ("sum", "sum", "Sum (Keras `sum`)."),
    ("prod", "product", "Product (Keras `prod`)."),
    ("mean", "mean", "Mean (Keras `mean`); integers give float32."),
    ("var", "variance", "Population variance (Keras `var`)."),
    ("std", "standardDeviation", "Population standard deviation (Keras `std`)."),
    ("max", "maxValue", "Maximum (Keras `max`); NaN propagates. Errors: empty reduction."),
    ("min", "minValue", "Minimum (Keras `min`). Errors: empty reduction."),
    ("any", "any", "Logical or (Keras `any`); bool result."),
    ("all", "all", "Logical and (Keras `all`); bool result."),
    ("logsumexp", "logSumExp", "log(sum(exp(x))) computed stably (Keras `logsumexp`)."),
]

OPS = []
for n, e, d in UNARY:
    OPS.append((n, ["t:x"], e, d))
for n, e, d in BINARY:
    OPS.append((n, ["t:a", "t:b"], e, d))
for n, e, d in SCALAR:
    OPS.append((n, ["t:x", "scalar:value"], e.replace("(s)", "(s)"),
                d + " with a Python-style scalar (see \"Scalars\" above)."))
for n, m, d in REDUCE:
    OPS.append((n, ["t:x", "axes:axes", "bool:keepdims"],
                f"try x.{m}(alongAxes: axes, keepingDimensions: keepdims)",
                d + " Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated."))

OPS += [
    ("relu", ["t:x", "f64:alpha", "f64:max_value", "bool:has_max_value", "f64:threshold"],
     "try SwiftKeras.relu(x, alpha: alpha, maxValue: has_max_value ? max_value : nil, threshold: threshold)",
     "Keras `relu(x, alpha, max_value, threshold)`: x > threshold gives x (clipped to max_value when has_max_value), else alpha*(x - threshold). Plain relu: (x, 0, 0, 0, 0). Errors: NaN max_value."),
    ("elu", ["t:x", "f64:alpha"], "try SwiftKeras.elu(x, alpha: alpha)", "Keras `elu`: x > 0 ? x : alpha*(e^x - 1)."),
    ("where", ["t:condition", "t:a", "t:b"], "try SwiftKeras.select(condition, a, b)",
     "a where condition else b (`tf.where`); the three broadcast; condition is cast to bool; result has the promoted dtype of a and b."),
    ("switch", ["t:condition", "t:then_value", "t:else_value"], "try SwiftKeras.select(condition, then_value, else_value)",
     "Keras `switch(condition, then_expression, else_expression)` on tensors: the same as sk_where."),
    ("clip", ["t:x", "f64:min_value", "f64:max_value"], "try x.clipped(min: cScalar(min_value), max: cScalar(max_value))",
     "Keras `clip`: minimum(maximum(x, min_value), max_value) in x's dtype (bool clips as int32)."),
    ("clip_tensor", ["t:x", "t:min_value", "t:max_value"], "try x.clipped(min: min_value, max: max_value)",
     "`clip` with tensor bounds that broadcast against x."),
    ("argmax", ["t:x", "i64:axis"], "try x.argmax(alongAxis: Int(axis))",
     "Index of the maximum along `axis` as int64 (Keras `argmax`). Errors: axis out of range, empty axis."),
    ("argmin", ["t:x", "i64:axis"], "try x.argmin(alongAxis: Int(axis))",
     "Index of the minimum along `axis` as int64 (Keras `argmin`)."),
    ("cumsum", ["t:x", "i64:axis"], "try x.cumulativeSum(alongAxis: Int(axis))", "Cumulative sum along `axis` (Keras `cumsum`)."),
    ("cumprod", ["t:x", "i64:axis"], "try x.cumulativeProduct(alongAxis: Int(axis))", "Cumulative product along `axis` (Keras `cumprod`)."),
    # shape
    ("reshape", ["t:x", "shape:shape"], "try x.reshaped(to: shape)",
     "The elements under a new shape (Keras `reshape`); one entry may be -1. Errors: element count mismatch."),
    ("transpose", ["t:x", "axes:perm"], "try x.transposed(perm)",
     "Axes permuted by `perm` (NULL = reversed) (Keras `permute_dimensions` / `transpose`). Errors: not a permutation."),
    ("expand_dims", ["t:x", "i64:axis"], "try x.expandingDims(at: Int(axis))", "A size-1 axis inserted at `axis` (Keras `expand_dims`)."),
    ("squeeze", ["t:x", "axes:axes"], "try x.squeezed(axes: axes)",
     "Size-1 axes removed: the listed ones (which must have size 1), or all when axes == NULL (Keras `squeeze`)."),
    ("concatenate", ["tlist:xs", "i64:axis"], "try SwiftKeras.concatenate(xs, axis: Int(axis))",
     "Joins n_xs >= 1 tensors along an existing axis (Keras `concatenate`). Errors: rank/size mismatch."),
    ("stack", ["tlist:xs", "i64:axis"], "try SwiftKeras.stack(xs, axis: Int(axis))",
     "Stacks n_xs >= 1 equal-shaped tensors along a new axis (Keras `stack`)."),
    ("tile", ["t:x", "ints:multiples"], "try x.tiled(multiples: multiples)", "Repeats the whole tensor per axis (Keras `tile`); one multiple per axis."),
    ("repeat_elements", ["t:x", "i64:rep", "i64:axis"], "try x.repeatingElements(count: Int(rep), axis: Int(axis))",
     "Each element repeated `rep` times along `axis` (Keras `repeat_elements`)."),
    ("repeat", ["t:x", "i64:n"], "try x.repeatedVector(count: Int(n))", "(B, F) -> (B, n, F) (Keras `repeat`)."),
    ("reverse", ["t:x", "ints:axes"], "try x.reversed(alongAxes: axes)", "Elements reversed along `axes` (Keras `reverse`)."),
    ("slice", ["t:x", "ints:begin", "ints:size"], "try x.slice(begin: begin, size: size)",
     "The block at `begin` with `size` (-1 = to the end) (Keras `slice`). Errors: SK_ERR_OUT_OF_RANGE for a block outside x."),
    ("gather", ["t:x", "t:indices", "i64:axis"], "try x.gathered(indices: indices, axis: Int(axis))",
     "Slices of x at integer `indices` along `axis` (Keras `gather`). Errors: SK_ERR_OUT_OF_RANGE for a bad index, SK_ERR_DTYPE for float indices."),
    ("one_hot", ["t:indices", "i64:depth"], "try SwiftKeras.oneHot(indices, depth: Int(depth))",
     "float32 one-hot rows of length `depth` (Keras `one_hot`); out-of-range indices give zero rows."),
    ("pad", ["t:x", "pairsN:paddings", "f64:value"], "try x.padded(paddings, value: value)",
     "Constant padding: `paddings` holds (before, after) per axis, 2*ndim(x) entries (`tf.pad`)."),
    ("temporal_padding", ["t:x", "i64:left", "i64:right"], "try x.temporalPadded(left: Int(left), right: Int(right))",
     "Zero-pads axis 1 of a rank-3 tensor (Keras `temporal_padding`)."),
    ("spatial_2d_padding", ["t:x", "pairs2:padding", "data_format:data_format"],
     "try x.spatial2DPadded((padding[0], padding[1]), dataFormat: data_format)",
     "Zero-pads the 2 spatial axes of a rank-4 tensor; `padding` = {top, bottom, left, right} (Keras `spatial_2d_padding`; NULL = all 1)."),
    ("spatial_3d_padding", ["t:x", "pairs3:padding", "data_format:data_format"],
     "try x.spatial3DPadded((padding[0], padding[1], padding[2]), dataFormat: data_format)",
     "Zero-pads the 3 spatial axes of a rank-5 tensor; 6 entries (Keras `spatial_3d_padding`; NULL = all 1)."),
    ("broadcast_to", ["t:x", "shape:shape"], "try x.broadcasted(to: shape)", "x broadcast to `shape` (`tf.broadcast_to`)."),
    ("batch_dot", ["t:x", "t:y", "fixed2?:axes"],
     "try SwiftKeras.batchDot(x, y, axes: axes.map { ($0[0], $0[1]) })",
     "Keras `batch_dot(x, y, axes)`: `axes` = {axis of x, axis of y}, NULL = Keras' default."),
    # nn
    ("softmax", ["t:x", "i64:axis"], "try x.softmax(alongAxis: Int(axis))", "Softmax along `axis` (Keras `softmax`)."),
    ("log_softmax", ["t:x", "i64:axis"], "try x.logSoftmax(alongAxis: Int(axis))", "Log-softmax along `axis` (`tf.nn.log_softmax`)."),
    ("l2_normalize", ["t:x", "axes:axes"], "try x.l2Normalized(alongAxes: axes)",
     "x / sqrt(max(sum(x^2, axes), 1e-12)) (Keras `l2_normalize`; axes NULL = all)."),
    ("bias_add", ["t:x", "t:bias", "data_format:data_format"], "try x.biasAdded(bias, channelsFirst: data_format == .channelsFirst)",
     "Adds a per-channel bias (Keras `bias_add`)."),
    ("conv1d", ["t:x", "t:kernel", "i64:stride", "padding:padding", "data_format:data_format", "i64:dilation"],
     "try SwiftKeras.conv1d(x, kernel, stride: Int(stride), padding: padding, dataFormat: data_format, dilationRate: Int(dilation))",
     "1-D convolution (Keras `conv1d`); kernel (width, in, out); SK_PADDING_CAUSAL allowed."),
    ("conv2d", ["t:x", "t:kernel", "fixed2:strides", "padding:padding", "data_format:data_format", "fixed2:dilation"],
     "try SwiftKeras.conv2d(x, kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
     "2-D convolution (Keras `conv2d`); kernel (kh, kw, in, out); strides/dilation: 2 entries each, NULL = 1."),
    ("conv3d", ["t:x", "t:kernel", "fixed3:strides", "padding:padding", "data_format:data_format", "fixed3:dilation"],
     "try SwiftKeras.conv3d(x, kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
     "3-D convolution (Keras `conv3d`); kernel (kd, kh, kw, in, out); strides/dilation: 3 entries each, NULL = 1."),
    ("conv2d_transpose", ["t:x", "t:kernel", "ints:output_shape", "fixed2:strides", "padding:padding", "data_format:data_format", "fixed2:dilation"],
     "try SwiftKeras.conv2dTranspose(x, kernel, outputShape: output_shape, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
     "Transposed 2-D convolution (Keras `conv2d_transpose`); kernel (kh, kw, out, in); output_shape has 4 entries (batch -1 = x's)."),
    ("conv3d_transpose", ["t:x", "t:kernel", "ints:output_shape", "fixed3:strides", "padding:padding", "data_format:data_format", "fixed3:dilation"],
     "try SwiftKeras.conv3dTranspose(x, kernel, outputShape: output_shape, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
     "Transposed 3-D convolution (Keras `conv3d_transpose`); output_shape has 5 entries."),
    ("depthwise_conv2d", ["t:x", "t:kernel", "fixed2:strides", "padding:padding", "data_format:data_format", "fixed2:dilation"],
     "try SwiftKeras.depthwiseConv2d(x, kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
     "Depthwise 2-D convolution (Keras `depthwise_conv2d`); kernel (kh, kw, in, multiplier)."),
    ("separable_conv2d", ["t:x", "t:depthwise_kernel", "t:pointwise_kernel", "fixed2:strides", "padding:padding", "data_format:data_format", "fixed2:dilation"],
     "try SwiftKeras.separableConv2d(x, depthwiseKernel: depthwise_kernel, pointwiseKernel: pointwise_kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
     "Depthwise then pointwise 2-D convolution (Keras `separable_conv2d`)."),
    ("pool2d", ["t:x", "ints:pool_size", "fixed2:strides", "padding:padding", "data_format:data_format", "pool_mode:pool_mode"],
     "try SwiftKeras.pool2d(x, poolSize: pool_size, strides: strides, padding: padding, dataFormat: data_format, mode: pool_mode)",
     "2-D max/average pooling (Keras `pool2d`); pool_size 1 or 2 entries."),
    ("pool3d", ["t:x", "ints:pool_size", "fixed3:strides", "padding:padding", "data_format:data_format", "pool_mode:pool_mode"],
     "try SwiftKeras.pool3d(x, poolSize: pool_size, strides: strides, padding: padding, dataFormat: data_format, mode: pool_mode)",
     "3-D max/average pooling (Keras `pool3d`)."),
    ("resize_images", ["t:x", "i64:height_factor", "i64:width_factor", "data_format:data_format", "interpolation:interpolation"],
     "try x.resizedImages(heightFactor: Int(height_factor), widthFactor: Int(width_factor), channelsFirst: data_format == .channelsFirst, interpolation: interpolation)",
     "Upsamples a rank-4 batch by integer factors (Keras `resize_images`)."),
    ("resize_volumes", ["t:x", "i64:depth_factor", "i64:height_factor", "i64:width_factor", "data_format:data_format"],
     "try x.resizedVolumes(depthFactor: Int(depth_factor), heightFactor: Int(height_factor), widthFactor: Int(width_factor), channelsFirst: data_format == .channelsFirst)",
     "Upsamples a rank-5 batch by repeating elements (Keras `resize_volumes`)."),
    ("resize", ["t:x", "i64:height", "i64:width", "interpolation:interpolation", "data_format:data_format"],
     "try x.resized(height: Int(height), width: Int(width), method: interpolation, channelsFirst: data_format == .channelsFirst)",
     "Images resized to height x width (`tf.image.resize`, half-pixel centres); bilinear returns float32."),
    ("batch_normalization", ["t:x", "t:mean", "t:variance", "t?:beta", "t?:gamma", "f64:epsilon"],
     "try x.batchNormalized(mean: mean, variance: variance, beta: beta, gamma: gamma, epsilon: epsilon)",
     "(x - mean) / sqrt(variance + epsilon) * gamma + beta (Keras `batch_normalization`); beta/gamma may be NULL."),
    ("dropout", ["t:x", "f64:rate", "axes:noise_shape", "seed:seed"],
     "try x.dropout(rate: rate, noiseShape: noise_shape, seed: seed)",
     "Keras `dropout(x, level, noise_shape, seed)`: zeroes elements with probability `rate`, scales the rest by 1/(1-rate). noise_shape NULL = x's shape."),
    ("in_top_k", ["t:predictions", "t:targets", "i64:k"], "try SwiftKeras.inTopK(predictions: predictions, targets: targets, k: Int(k))",
     "Whether each target is among the top k predictions (Keras `in_top_k`); bool (B,)."),
    ("binary_crossentropy", ["t:target", "t:output", "bool:from_logits"],
     "try SwiftKeras.binaryCrossentropy(target: target, output: output, fromLogits: from_logits)",
     "Elementwise binary crossentropy (Keras `binary_crossentropy`)."),
    ("categorical_crossentropy", ["t:target", "t:output", "bool:from_logits", "i64:axis"],
     "try SwiftKeras.categoricalCrossentropy(target: target, output: output, fromLogits: from_logits, axis: Int(axis))",
     "Categorical crossentropy along `axis` (Keras `categorical_crossentropy`)."),
    ("sparse_categorical_crossentropy", ["t:target", "t:output", "bool:from_logits", "i64:axis"],
     "try SwiftKeras.sparseCategoricalCrossentropy(target: target, output: output, fromLogits: from_logits, axis: Int(axis))",
     "Crossentropy with integer labels (Keras `sparse_categorical_crossentropy`). Errors: SK_ERR_OUT_OF_RANGE for a label outside [0, classes)."),
    ("binary_focal_crossentropy", ["t:target", "t:output", "bool:apply_class_balancing", "f64:alpha", "f64:gamma", "bool:from_logits"],
     "try SwiftKeras.binaryFocalCrossentropy(target: target, output: output, applyClassBalancing: apply_class_balancing, alpha: alpha, gamma: gamma, fromLogits: from_logits)",
     "Elementwise binary focal crossentropy (Keras `binary_focal_crossentropy`; defaults 0, 0.25, 2.0, 0): (1 - p_t)^gamma * binary_crossentropy, times t*alpha + (1-t)*(1-alpha) when apply_class_balancing. Errors: SK_ERR_DTYPE for a non-float output."),
    ("categorical_focal_crossentropy", ["t:target", "t:output", "f64:alpha", "f64:gamma", "bool:from_logits", "i64:axis"],
     "try SwiftKeras.categoricalFocalCrossentropy(target: target, output: output, alpha: alpha, gamma: gamma, fromLogits: from_logits, axis: Int(axis))",
     "Categorical focal crossentropy along `axis` (Keras `categorical_focal_crossentropy`; defaults 0.25, 2.0, 0, -1): sum(alpha * (1 - o)^gamma * -t*log(o)) with o renormalised and clipped to [1e-7, 1 - 1e-7]. target and output have the same shape."),
    ("ctc_batch_cost", ["t:y_true", "t:y_pred", "t:input_length", "t:label_length"],
     "try SwiftKeras.ctcBatchCost(yTrue: y_true, yPred: y_pred, inputLength: input_length, labelLength: label_length)",
     "CTC loss per batch element (Keras `ctc_batch_cost`): y_true (B, L) integer labels, y_pred (B, T, C) softmax probabilities (float) whose LAST class is the blank, input_length and label_length (B, 1) or (B,). Result (B, 1) in y_pred's dtype; differentiable w.r.t. y_pred (first order). Errors: SK_ERR_OUT_OF_RANGE for a label outside [0, C-1); SK_ERR_INVALID_ARG for an input_length outside [0, T] or a label sequence needing more steps than input_length."),
    # creation / random
    ("zeros_like", ["t:x", "dtype?:dtype"], "try Tensor.zeros(like: x, dtype: dtype)", "Zeros shaped like x (dtype 0 = x's dtype) (Keras `zeros_like`)."),
    ("ones_like", ["t:x", "dtype?:dtype"], "try Tensor.ones(like: x, dtype: dtype)", "Ones shaped like x (dtype 0 = x's dtype) (Keras `ones_like`)."),
    ("random_uniform", ["shape:shape", "f64:minval", "f64:maxval", "dtype:dtype", "seed:seed"],
     "try Random.uniform(shape, minval: minval, maxval: maxval, dtype: dtype, seed: seed)",
     "Uniform values in [minval, maxval) (Keras `random_uniform`); integer dtypes give integers. Same seed, same values."),
    ("random_normal", ["shape:shape", "f64:mean", "f64:stddev", "dtype:dtype", "seed:seed"],
     "try Random.normal(shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)",
     "Normal values (Keras `random_normal`); float dtypes only."),
    ("truncated_normal", ["shape:shape", "f64:mean", "f64:stddev", "dtype:dtype", "seed:seed"],
     "try Random.truncatedNormal(shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)",
     "Normal values within 2 stddev of the mean (Keras `truncated_normal`)."),
    ("random_bernoulli", ["shape:shape", "f64:p", "dtype:dtype", "seed:seed"],
     "try Random.bernoulli(shape, p: p, dtype: dtype, seed: seed)",
     "1 with probability p, else 0 (Keras `random_bernoulli`)."),
]

ENUM_CONV = {
    "padding": "paddingCode", "data_format": "dataFormatCode", "pool_mode": "poolModeCode",
    "interpolation": "resizeMethodCode",
}


def c_params(params):
    out = []
    for p in params:
        kind, name = p.split(":")
        if kind == "t" or kind == "t?":
            out.append(f"const sk_tensor *{name}")
        elif kind == "tlist":
            out.append(f"const sk_tensor *const *{name}, int32_t n_{name}")
        elif kind in ("f64", "scalar"):
            out.append(f"double {name}")
        elif kind == "i64":
            out.append(f"int64_t {name}")
        elif kind == "bool":
            out.append(f"uint8_t {name}")
        elif kind in ("axes", "ints"):
            out.append(f"const int64_t *{name}, int32_t n_{name}")
        elif kind == "shape":
            out.append("const int64_t *shape, int32_t ndim")
        elif kind.startswith("fixed") or kind.startswith("pairs"):
            out.append(f"const int64_t *{name}")
        elif kind in ENUM_CONV or kind in ("dtype", "dtype?"):
            out.append(f"int32_t {name}")
        elif kind == "seed":
            out.append("uint64_t seed, uint8_t has_seed")
        else:
            raise SystemExit(f"unknown kind {kind}")
    return out + ["sk_tensor **out"]


def swift_params_and_conv(cname, params):
    fn = f"sk_{cname}"
    decl, conv = [], []
    for p in params:
        kind, name = p.split(":")
        if kind == "t":
            decl.append(f"_ {name}: OpaquePointer?")
            conv.append(f"let {name} = try tensor({name}, \"{fn}\", \"{name}\")")
        elif kind == "t?":
            decl.append(f"_ {name}: OpaquePointer?")
            conv.append(f"let {name} = optionalTensor({name})")
        elif kind == "tlist":
            decl.append(f"_ {name}: UnsafePointer<OpaquePointer?>?, _ n_{name}: Int32")
            conv.append(f"let {name} = try tensorList({name}, n_{name}, \"{fn}\", \"{name}\")")
        elif kind == "f64":
            decl.append(f"_ {name}: Double")
        elif kind == "scalar":
            decl.append(f"_ {name}: Double")
            conv.append(f"let s = cScalar({name})")
        elif kind == "i64":
            decl.append(f"_ {name}: Int64")
        elif kind == "bool":
            decl.append(f"_ {name}u: UInt8")
            conv.append(f"let {name} = {name}u != 0")
        elif kind == "axes":
            decl.append(f"_ {name}: UnsafePointer<Int64>?, _ n_{name}: Int32")
            conv.append(f"let {name} = try optionalInts({name}, n_{name}, \"{fn}\", \"{name}\")")
        elif kind == "ints":
            decl.append(f"_ {name}: UnsafePointer<Int64>?, _ n_{name}: Int32")
            conv.append(f"let {name} = try intList({name}, n_{name}, \"{fn}\", \"{name}\")")
        elif kind == "shape":
            decl.append("_ shape: UnsafePointer<Int64>?, _ ndim: Int32")
            conv.append(f"let shape = try shapeArray(shape, ndim, \"{fn}\")")
        elif kind.startswith("fixed"):
            k = int(kind[5])
            decl.append(f"_ {name}: UnsafePointer<Int64>?")
            if kind.endswith("?"):
                conv.append(f"let {name} = fixedIntsOrNil({name}, {k})")
            else:
                conv.append(f"let {name} = fixedInts({name}, {k})")
        elif kind == "pairsN":
            decl.append(f"_ {name}: UnsafePointer<Int64>?")
            conv.append(f"let {name} = try pairList({name}, x.rank, \"{fn}\", \"{name}\")")
        elif kind.startswith("pairs"):
            k = int(kind[5])
            decl.append(f"_ {name}: UnsafePointer<Int64>?")
            conv.append(f"let {name} = fixedPairs({name}, {k})")
        elif kind in ENUM_CONV:
            decl.append(f"_ {name}c: Int32")
            conv.append(f"let {name} = try {ENUM_CONV[kind]}({name}c, \"{fn}\")")
        elif kind == "dtype":
            decl.append(f"_ {name}c: Int32")
            conv.append(f"let {name} = try dtypeCode({name}c, \"{fn}\")")
        elif kind == "dtype?":
            decl.append(f"_ {name}c: Int32")
            conv.append(f"let {name}: DType? = {name}c == 0 ? nil : try dtypeCode({name}c, \"{fn}\")")
        elif kind == "seed":
            decl.append("_ seed0: UInt64, _ has_seed: UInt8")
            conv.append("let seed: UInt64? = has_seed != 0 ? seed0 : nil")
    decl.append("_ out: UnsafeMutablePointer<OpaquePointer?>?")
    return decl, conv


def gen():
    swift = ["// GENERATED by tools/capi_ops.py from its op table. Do not edit; edit the table and rerun.",
             "import SwiftKeras", ""]
    header = []
    for cname, params, expr, doc in OPS:
        fn = f"sk_{cname}"
        decl, conv = swift_params_and_conv(cname, params)
        swift.append(f"@_cdecl(\"{fn}\")")
        swift.append(f"public func {fn}({', '.join(decl)}) -> Int32 {{")
        swift.append(f"    produce(out, \"{fn}\") {{")
        for c in conv:
            swift.append(f"        {c}")
        swift.append(f"        return {expr}")
        swift.append("    }")
        swift.append("}")
        swift.append("")
        header.append(f"/* {doc} */")
        sig = f"int32_t {fn}(" + ", ".join(c_params(params)) + ");"
        # wrap long lines at commas
        if len(sig) > 100:
            parts = sig.split(", ")
            lines, cur = [], ""
            for part in parts:
                piece = part if not cur else cur + ", " + part
                if len(piece) > 96 and cur:
                    lines.append(cur + ",")
                    cur = "    " + part
                else:
                    cur = piece
            lines.append(cur)
            header.extend(lines)
        else:
            header.append(sig)
    with open(os.path.join(ROOT, "Sources/SwiftKerasC/GeneratedOps.swift"), "w") as f:
        f.write("\n".join(swift))
    hpath = os.path.join(ROOT, "include/swiftkeras/ops_generated.h")
    h = open(hpath).read()
    begin, end = "/* BEGIN GENERATED OPS (tools/capi_ops.py) */", "/* END GENERATED OPS */"
    i, j = h.index(begin), h.index(end)
    h = h[:i + len(begin)] + "\n" + "\n".join(header) + "\n" + h[j:]
    open(hpath, "w").write(h)
    print(f"{len(OPS)} ops generated")


# ---------------------------------------------------------------------------------------------
# Python wrappers (bindings/python/src/ops_generated.inc)
#
# Each op becomes `_native.NAME(args...)`: the C arguments in order minus `out`, pointer+count
# pairs folded into one Python argument. The conversion helpers (skpy_parse, skpy_conv_*) live in
# bindings/python/src/convert.c, declared in native.h. Optional kinds (flags "o") default to NULL / 0 / False.
PY_OPTIONAL = {"t?", "axes", "bool", "seed", "dtype?", "padding", "data_format", "pool_mode",
               "interpolation"}


def py_wrapper(cname, params, doc):
    fn = f"sk_{cname}"
    names, flags, decls, convs, cargs = [], [], [], [], []
    for i, p in enumerate(params):
        kind, name = p.split(":")
        names.append(name)
        opt = kind in PY_OPTIONAL or kind.endswith("?") or (kind.startswith("fixed") and not kind.endswith("?")) \
            or (kind.startswith("pairs") and kind != "pairsN")
        flags.append("o" if opt else "r")
        v = f"v[{i}]"
        q = f'"{cname}", "{name}"'
        if kind in ("t", "t?"):
            decls.append(f"const sk_tensor *{name} = NULL;")
            convs.append(f"skpy_conv_tensor(&c, {v}, {q}, {1 if kind == 't?' else 0}, &{name})")
            cargs.append(name)
        elif kind == "tlist":
            decls.append(f"const sk_tensor *const *{name} = NULL; int32_t n_{name} = 0;")
            convs.append(f"skpy_conv_tlist(&c, {v}, {q}, &{name}, &n_{name})")
            cargs += [name, f"n_{name}"]
        elif kind in ("f64", "scalar"):
            decls.append(f"double {name} = 0;")
            convs.append(f"skpy_conv_f64({v}, {q}, &{name})")
            cargs.append(name)
        elif kind == "i64":
            decls.append(f"int64_t {name} = 0;")
            convs.append(f"skpy_conv_i64({v}, {q}, &{name})")
            cargs.append(name)
        elif kind == "bool":
            decls.append(f"uint8_t {name} = 0;")
            convs.append(f"skpy_conv_bool({v}, {q}, &{name})")
            cargs.append(name)
        elif kind in ("axes", "ints", "shape"):
            cn = "shape" if kind == "shape" else name
            nn = "ndim" if kind == "shape" else f"n_{name}"
            decls.append(f"const int64_t *{cn} = NULL; int32_t {nn} = 0;")
            convs.append(f"skpy_conv_ints(&c, {v}, {q}, {1 if kind == 'axes' else 0}, &{cn}, &{nn})")
            cargs += [cn, nn]
        elif kind.startswith("fixed") or kind.startswith("pairs"):
            k = kind[5:].rstrip("?")
            per = 2 if kind.startswith("pairs") else 1
            decls.append(f"const int64_t *{name} = NULL;")
            if k == "N":
                convs.append(f"skpy_conv_pairs_n(&c, {v}, {q}, x, &{name})")
            else:
                convs.append(f"skpy_conv_fixed(&c, {v}, {q}, {int(k) * per}, {per}, &{name})")
            cargs.append(name)
        elif kind in ENUM_CONV:
            decls.append(f"int32_t {name} = 0;")
            convs.append(f"skpy_conv_enum({v}, {q}, ENUM_{kind.upper()}, &{name})")
            cargs.append(name)
        elif kind in ("dtype", "dtype?"):
            decls.append(f"int32_t {name} = 0;")
            convs.append(f"skpy_conv_dtype_arg({v}, {q}, {1 if kind == 'dtype?' else 0}, &{name})")
            cargs.append(name)
        elif kind == "seed":
            decls.append("uint64_t seed = 0; uint8_t has_seed = 0;")
            convs.append(f"skpy_conv_seed({v}, {q}, &seed, &has_seed)")
            cargs += ["seed", "has_seed"]
        elif kind in ("fn", "fn?"):
            decls.append(f"const sk_function *{name} = NULL;")
            convs.append(f"skpy_conv_function(&c, {v}, {q}, {1 if kind == 'fn?' else 0}, &{name})")
            cargs.append(name)
        else:
            return None
    n = len(params)
    kw = ", ".join(f'"{x}"' for x in names)
    call = f"{fn}({', '.join(cargs + ['&out'])})"
    doc_py = f"{cname}({', '.join(names)}) -> Tensor\\n\\n" + doc.replace("\\", "\\\\").replace('"', '\\"')
    lines = [f"static PyObject *op_{cname}(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {{",
             f"    static const char *const kw[] = {{{kw}}};",
             f"    PyObject *v[{n}];",
             f"    (void)self;",
             f"    if (skpy_parse(\"{cname}\", args, nargs, kwnames, kw, {n}, \"{''.join(flags)}\", v) < 0) return NULL;",
             "    Conv c; skpy_conv_init(&c);",
             "    PyObject *res = NULL;"]
    lines += ["    " + d for d in decls]
    for cv in convs:
        lines.append(f"    if ({cv} < 0) goto done;")
    lines += ["    {",
              "        sk_tensor *out = NULL; int32_t st;",
              f"        if (c.heavy) {{ Py_BEGIN_ALLOW_THREADS st = {call}; Py_END_ALLOW_THREADS }}",
              f"        else st = {call};",
              "        res = skpy_finish(st, out);",
              "    }",
              "done:",
              "    skpy_conv_free(&c);",
              "    return res;",
              "}",
              ""]
    meth = f'    {{"{cname}", (PyCFunction)(void (*)(void))op_{cname}, METH_FASTCALL | METH_KEYWORDS, "{doc_py}"}}, \\'
    return "\n".join(lines), meth


def gen_python():
    out = ["/* GENERATED by tools/capi_ops.py from its op table. Do not edit; edit the table and rerun.",
           " * Included by bindings/python/src/ops.c; Conv, skpy_parse, skpy_conv_* and skpy_finish come from native.h. */", ""]
    meths, skipped = [], []
    for cname, params, expr, doc in OPS:
        r = py_wrapper(cname, params, doc)
        if r is None:
            skipped.append(cname)
            out.append(f"/* {cname}: skipped (a parameter kind the Python generator does not know) */")
            continue
        out.append(r[0])
        meths.append(r[1])
    out.append("#define GENERATED_OP_METHODS \\")
    out += meths
    out.append("")
    out.append(f"#define GENERATED_OP_COUNT {len(meths)}")
    out.append("")
    path = os.path.join(ROOT, "bindings/python/src/ops_generated.inc")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out))
    if skipped:
        print("python wrappers skipped (unknown parameter kind): " + ", ".join(skipped), file=sys.stderr)
    print(f"{len(meths)} python wrappers generated")


if __name__ == "__main__":
    if "--python-only" not in sys.argv:
        gen()
    gen_python()
