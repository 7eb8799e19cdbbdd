"""THE declaration of every SwiftKeras op: one row per op.

A row gives the op's C name (`sk_<c>`, or none for an op that only the tape sees), its C
parameters, the name it records on the tape with its gradient status, the Swift expression the C
shim evaluates, its doc, and optionally the Keras backend signature of a one-line Python wrapper.
tools/capi_ops.py generates from these rows: the gradient registry
(Sources/SwiftKerasCore/Autodiff/GeneratedOpRegistry.swift), the C shims
(Sources/SwiftKerasC/GeneratedOps.swift), the declarations in include/swiftkeras/ops_generated.h,
the CPython wrappers (bindings/python/src/ops_generated.inc) and the one-line Keras backend
wrappers (bindings/python/swiftkeras/keras/_backend_generated.py). `python3 tools/capi_ops.py
--check` fails when a name the Swift core passes to `record(...)` is missing here or a tape name
here is never recorded, so adding an op is: its Swift forward + pullback, and one row.

Row makers (each appends one Op to OPS, in the family set by the last `family(...)`):
  unary(c, tape, swift, doc)          params t:x           swift is an expression over `x`
  binary(c, tape, swift, doc)         params t:a t:b       keras="weak": Python scalars as weak scalars
  scalar(c, tape, swift, doc)         params t:x scalar:value; swift sees the weak scalar as `s`
  reduce(c, tape, method, doc)        params t:x axes:axes bool:keepdims; calls x.<method>(alongAxes:keepingDimensions:)
  op(c, params, tape, swift, doc)     any parameters (kinds listed in tools/capi_ops.py)
  tape_only(name, grad, doc)          recorded on the tape, no C export from this table
`tf=TF(...)` (or a list of them) names the op's TensorFlow spellings with TF's signature: see TF.
`tape` is the gradient status of the tape name equal to c (D, D1, NG), rec(name, status) for an op
recording under another name it declares, same(name) for an op recording under a name another row
declares, or NOTAPE. `keras=True` (unary/binary) or keras="name(params with defaults)" asks for a
one-line backend wrapper `def name(...): return _native.<c>(...)`; keras_doc replaces doc there.
"""

D, D1, NG = "differentiable", "firstOrderOnly", "none"
NOTAPE = None


class Op:
    """One op: see the module doc for the fields."""

    def __init__(self, c, params, tape, grad, family, swift, doc, keras=None, keras_doc=None, tf=None):
        self.c, self.params, self.tape, self.grad, self.family = c, params, tape, grad, family
        self.swift, self.doc, self.keras, self.keras_doc = swift, doc, keras, keras_doc
        self.tf = [] if tf is None else (list(tf) if isinstance(tf, (list, tuple)) else [tf])
        self.shim = None   # (helper kind, Swift body) for the compact C shims; None = general form
        self.weak = False  # the Keras wrapper passes Python int/float operands as weak scalars


class TF:
    """The TensorFlow spellings of an op (tools/capi_ops.py generates swiftkeras/_tf_generated.py
    and the namespace modules' `_generated.py` from them).

    spellings   space-separated dotted names under `tf`, e.g. "math.reduce_sum reduce_sum"
                (no dot = top level); the function is defined under the first one's last
                component, and a spelling ending in another name is an alias of it
    signature   TF's Python parameters with their defaults, e.g. "input_tensor, axis=None,
                keepdims=False, name=None"; `name` is TF's graph name of the op (nothing to do
                eagerly) and is accepted as TF accepts it
    args        None: the signature's parameters other than `name`, in order, are the C
                parameters (converted by kind as the Keras wrappers are); else one Python
                expression per C parameter over the signature's names
    float_only  the op has float kernels only in TF: an integer or bool input raises
                InvalidArgumentError naming the op and dtype, as TF does
    result      None, or an expression over `{out}` (the native result) and the signature's names
    """

    def __init__(self, spellings, signature, args=None, float_only=False, result=None, doc=None):
        self.spellings = spellings.split()
        self.name = self.spellings[0].split(".")[-1]
        self.signature, self.args, self.float_only, self.result, self.doc = signature, args, float_only, result, doc

    def namespaces(self):
        """The namespace ("" = top level, "math", "nn", ...) of each spelling."""
        return [sp.rpartition(".")[0] for sp in self.spellings]


class _Same(str):
    pass


def rec(name, grad):
    """Records under `name` (declared by this row) with gradient status `grad`."""
    return (name, grad)


def same(name):
    """Records under `name`, whose gradient status another row declares."""
    return _Same(name)


OPS = []
_family = ["core"]


def family(name):
    """The registry family of the rows that follow."""
    _family[0] = name


def op(c, params, tape, swift, doc, keras=None, keras_doc=None, tf=None):
    """An op with any parameters; `params` is a space-separated list of kind:name."""
    if isinstance(tape, _Same):
        name, grad = str(tape), None
    elif isinstance(tape, tuple):
        name, grad = tape
    elif tape is None:
        name, grad = None, None
    else:
        name, grad = c, tape
    o = Op(c, params.split(), name, grad, _family[0], swift, doc, keras, keras_doc, tf)
    OPS.append(o)
    return o


def unary(c, tape, swift, doc, keras=False, tf=None, float_only=False):
    """tf="math.abs abs": those TF spellings with TF's `(x, name=None)`."""
    spec = TF(tf, "x, name=None", float_only=float_only) if isinstance(tf, str) else tf
    o = op(c, "t:x", tape, swift, doc, keras=f"{c}(x)" if keras else None, tf=spec)
    o.shim = ("unary", swift)
    return o


def binary(c, tape, swift, doc, keras=False, keras_args="x, y", tf=None):
    """keras=True: `def c(x, y): return _native.c(x, y)`; keras="weak": the same through
    backend._binary, which passes a Python int/float operand to the core as a weak scalar.
    tf="math.add add": those TF spellings with TF's `(x, y, name=None)`."""
    spec = TF(tf, "x, y, name=None") if isinstance(tf, str) else tf
    o = op(c, "t:a t:b", tape, swift, doc, keras=f"{c}({keras_args})" if keras else None, tf=spec)
    o.weak = keras == "weak"
    o.shim = ("binary", swift)
    return o


def scalar(c, tape, swift, doc):
    o = op(c, "t:x scalar:value", tape, swift, doc + ' with a Python-style scalar (see "Scalars" above).')
    o.shim = ("scalar", swift)
    return o


def reduce(c, tape, method, doc, keras=True, tf=None, float_only=False):
    """tf="math.reduce_sum reduce_sum": those TF spellings with TF's `(input_tensor, axis=None,
    keepdims=False, name=None)`."""
    swift = f"try x.{method}(alongAxes: axes, keepingDimensions: keepdims)"
    spec = TF(tf, "input_tensor, axis=None, keepdims=False, name=None", float_only=float_only) \
        if isinstance(tf, str) else tf
    o = op(c, "t:x axes:axes bool:keepdims", tape, swift,
           doc + " Over `axes` (NULL = all axes; negative axes count from the end). Errors: axis out of range or repeated.",
           keras=f"{c}(x, axis=None, keepdims=False)" if keras else None,
           keras_doc=doc + " Over `axis` (None = all axes).", tf=spec)
    o.shim = ("reduce", method)
    return o


def tape_only(name, grad, doc):
    """An op the tape records that this table does not export to C (a gradient op, or one whose
    C function is written by hand)."""
    OPS.append(Op(None, [], name, grad, _family[0], None, doc))


# ---------------------------------------------------------------------------------------------
# The table, in the order of the C header; family(...) sets the registry family of the rows after it.

family("elementwise")
unary("negative", D, "try x.negated()", "-x (Keras `negative`). Bool is rejected.", keras=True, tf="math.negative negative")
unary("abs", D, "try SwiftKeras.abs(x)", "|x| (Keras `abs`).", keras=True, tf="math.abs abs")
unary("sign", NG, "try SwiftKeras.sign(x)", "-1, 0 or 1 per element (Keras `sign`).", keras=True, tf="math.sign sign")
unary("square", D, "try SwiftKeras.square(x)", "x*x (Keras `square`).", keras=True, tf="math.square square")
unary("sqrt", D, "try SwiftKeras.sqrt(x)", "Square root (Keras `sqrt`); integers compute in float32.", tf="math.sqrt sqrt", float_only=True)
unary("exp", D, "try SwiftKeras.exp(x)", "e^x (Keras `exp`).", keras=True, tf="math.exp exp", float_only=True)
unary("log", D, "try SwiftKeras.log(x)", "Natural logarithm (Keras `log`).", keras=True, tf="math.log", float_only=True)
unary("log1p", D, "try SwiftKeras.log1p(x)", "log(1 + x) (Keras `log1p`).", keras=True, tf="math.log1p", float_only=True)
unary("expm1", D, "try SwiftKeras.expm1(x)", "e^x - 1 (Keras `expm1`).", keras=True, tf="math.expm1", float_only=True)
unary("sin", D, "try SwiftKeras.sin(x)", "Sine (Keras `sin`).", keras=True, tf="math.sin", float_only=True)
unary("cos", D, "try SwiftKeras.cos(x)", "Cosine (Keras `cos`).", keras=True, tf="math.cos", float_only=True)
unary("tanh", D, "try SwiftKeras.tanh(x)", "Hyperbolic tangent (Keras `tanh`).", keras=True, tf="math.tanh nn.tanh tanh", float_only=True)
unary("sigmoid", D, "try SwiftKeras.sigmoid(x)", "1 / (1 + e^-x) (Keras `sigmoid`).", keras=True, tf="math.sigmoid nn.sigmoid sigmoid", float_only=True)
unary("hard_sigmoid", D, "try SwiftKeras.hardSigmoid(x)",
      "clip(0.2x + 0.5, 0, 1) (Keras `hard_sigmoid`).", keras=True)
unary("softplus", D, "try SwiftKeras.softplus(x)", "log(1 + e^x) (Keras `softplus`).", keras=True, tf="math.softplus nn.softplus", float_only=True)
unary("softsign", D, "try SwiftKeras.softsign(x)", "x / (1 + |x|) (Keras `softsign`).", keras=True, tf="math.softsign nn.softsign", float_only=True)
unary("round", NG, "try SwiftKeras.round(x)", "Round half to even (Keras `round`).", keras=True, tf="math.round round")
unary("floor", NG, "try SwiftKeras.floor(x)", "Floor (Keras `floor`).", keras=True, tf="math.floor floor")
unary("ceil", NG, "try SwiftKeras.ceil(x)", "Ceiling (Keras `ceil`).", keras=True, tf="math.ceil")
unary("logical_not", NG, "try x.logicalNot()",
      "Logical not; the input is cast to bool (Keras `logical_not`).", keras=True, tf="math.logical_not logical_not")
unary("stop_gradient", NOTAPE, "x.stoppingGradient()",
      "The same values with no gradient flowing back (Keras `stop_gradient`). Never fails on a valid handle.")

family("shape")
unary("flatten", D, "try x.flattened()", "The elements as a 1-D tensor (Keras `flatten`).", keras=True)
unary("batch_flatten", D, "try x.batchFlattened()",
      "(B, ...) -> (B, -1) (Keras `batch_flatten`). Errors: rank 0.", keras=True)

family("elementwise")
binary("add", D, "try a.adding(b)",
       "a + b with broadcasting and Keras dtype promotion (Keras `add`).", keras="weak", tf="math.add add")
binary("subtract", D, "try a.subtracting(b)",
       "a - b (Keras `subtract`); two bools are rejected.", keras="weak", tf="math.subtract subtract")
binary("multiply", D, "try a.multiplying(b)", "a * b (Keras `multiply`).", keras="weak", tf="math.multiply multiply")
binary("divide", D, "try a.dividing(by: b)",
       "a / b, true division (Keras `divide`); integers give floats.", keras="weak")
binary("floor_divide", NG, "try a.floorDividing(by: b)",
       "floor(a / b) (Keras `floordiv`); integer division by zero gives 0.", keras="weak", tf="math.floordiv floordiv")
binary("mod", D, "try a.modulo(b)", "Python-style remainder, sign of b (Keras `mod`).", keras="weak", tf="math.floormod math.mod")
binary("pow", rec("power", D), "try SwiftKeras.pow(a, b)",
       "a ** b (Keras `pow`).", keras="weak", keras_args="x, a", tf="math.pow pow")
binary("maximum", D, "try SwiftKeras.maximum(a, b)",
       "Elementwise maximum (Keras `maximum`); NaN propagates.", keras="weak", tf="math.maximum maximum")
binary("minimum", D, "try SwiftKeras.minimum(a, b)",
       "Elementwise minimum (Keras `minimum`); NaN propagates.", keras="weak", tf="math.minimum minimum")
binary("equal", NG, "try a.isEqual(to: b)", "a == b as a bool tensor (Keras `equal`).", keras="weak", tf="math.equal equal")
binary("not_equal", NG, "try a.isNotEqual(to: b)",
       "a != b as a bool tensor (Keras `not_equal`).", keras="weak", tf="math.not_equal not_equal")
binary("greater", NG, "try a.isGreater(than: b)", "a > b as a bool tensor (Keras `greater`).", keras="weak", tf="math.greater greater")
binary("greater_equal", NG, "try a.isGreaterOrEqual(to: b)",
       "a >= b as a bool tensor (Keras `greater_equal`).", keras="weak", tf="math.greater_equal greater_equal")
binary("less", NG, "try a.isLess(than: b)", "a < b as a bool tensor (Keras `less`).", keras="weak", tf="math.less less")
binary("less_equal", NG, "try a.isLessOrEqual(to: b)",
       "a <= b as a bool tensor (Keras `less_equal`).", keras="weak", tf="math.less_equal less_equal")
binary("logical_and", NG, "try a.logicalAnd(b)",
       "Logical and; operands cast to bool (Keras `logical_and`).", keras=True, tf="math.logical_and logical_and")
binary("logical_or", NG, "try a.logicalOr(b)",
       "Logical or; operands cast to bool (Keras `logical_or`).", keras=True, tf="math.logical_or logical_or")

family("linalg")
binary("matmul", D, "try SwiftKeras.matmul(a, b)",
       "Matrix product with numpy `matmul` batching rules (Keras `ops.matmul`). Errors: unaligned shapes.", keras=True)
binary("dot", D, "try SwiftKeras.dot(a, b)",
       "Keras `dot`: contracts the last axis of a with the second-to-last of b (Theano rules for rank > 2).", keras=True)
scalar("add_scalar", same("add"), "try x.adding(s)", "x + value")
scalar("subtract_scalar", same("subtract"), "try x.subtracting(s)", "x - value")
scalar("multiply_scalar", same("multiply"), "try x.multiplying(s)", "x * value")
scalar("divide_scalar", same("divide"), "try x.dividing(by: s)", "x / value")
scalar("pow_scalar", same("power"), "try SwiftKeras.pow(x, s)", "x ** value")
scalar("maximum_scalar", same("maximum"), "try SwiftKeras.maximum(x, s)", "max(x, value)")
scalar("minimum_scalar", same("minimum"), "try SwiftKeras.minimum(x, s)", "min(x, value)")
scalar("greater_scalar", same("greater"), "try x.isGreater(than: s)", "x > value (bool)")
scalar("less_scalar", same("less"), "try x.isLess(than: s)", "x < value (bool)")
scalar("equal_scalar", same("equal"), "try x.isEqual(to: s)", "x == value (bool)")
op("weak_scalar", "t:like scalar:value", NOTAPE,
   "try like.weakScalar(s)",
   "The rank-0 tensor `value` becomes next to `like` under the weak-type rule (see \"Scalars\" above): "
   "what a binary op meeting `like` and a Python scalar computes with, e.g. for `2 - x` or `x % 3`. "
   "Errors: SK_ERR_INVALID_ARG for an unknown kind or an int that does not fit like's integer dtype.")

family("reduction")
reduce("sum", D, "sum", "Sum (Keras `sum`).", tf="math.reduce_sum reduce_sum")
reduce("prod", D, "product", "Product (Keras `prod`).", tf="math.reduce_prod reduce_prod")
reduce("mean", D, "mean", "Mean (Keras `mean`); integers give float32.",
       keras=False)  # backend.py: bool and integer inputs as Keras
reduce("var", D, "variance", "Population variance (Keras `var`).", keras=False, tf="math.reduce_variance", float_only=True)
reduce("std", D, "standardDeviation", "Population standard deviation (Keras `std`).", keras=False, tf="math.reduce_std", float_only=True)
reduce("max", D, "maxValue", "Maximum (Keras `max`); NaN propagates. The max of nothing (an empty axis) is -inf for floats, the lowest value for integers, false for bool, as TensorFlow.",
       tf="math.reduce_max reduce_max")
reduce("min", D, "minValue", "Minimum (Keras `min`). The min of nothing (an empty axis) is +inf for floats, the highest value for integers, true for bool, as TensorFlow.",
       tf="math.reduce_min reduce_min")
reduce("any", NG, "any", "Logical or (Keras `any`); bool result.", tf="math.reduce_any reduce_any")
reduce("all", NG, "all", "Logical and (Keras `all`); bool result.", tf="math.reduce_all reduce_all")
reduce("logsumexp", D, "logSumExp", "log(sum(exp(x))) computed stably (Keras `logsumexp`).", tf="math.reduce_logsumexp reduce_logsumexp", float_only=True)

family("elementwise")
op("relu", "t:x f64:alpha f64:max_value bool:has_max_value f64:threshold", D,
   "try SwiftKeras.relu(x, alpha: alpha, maxValue: has_max_value ? max_value : nil, threshold: threshold)",
   "Keras `relu(x, alpha, max_value, threshold)`: x > threshold gives x (clipped to max_value when has_max_value), else alpha*(x - threshold). Plain relu: (x, 0, 0, 0, 0). Errors: NaN max_value.",
   tf=[TF("nn.relu", "features, name=None", args=["features", "0.0", "0.0", "False", "0.0"]),
       TF("nn.relu6", "features, name=None", args=["features", "0.0", "6.0", "True", "0.0"]),
       TF("nn.leaky_relu", "features, alpha=0.2, name=None", args=["features", "float(alpha)", "0.0", "False", "0.0"])])
op("elu", "t:x f64:alpha", D,
   "try SwiftKeras.elu(x, alpha: alpha)",
   "Keras `elu`: x > 0 ? x : alpha*(e^x - 1).",
   keras="elu(x, alpha=1.0)",
   tf=TF("nn.elu", "features, name=None", args=["features", "1.0"], float_only=True))
op("where", "t:condition t:a t:b", D,
   "try SwiftKeras.select(condition, a, b)",
   "a where condition else b (`tf.where`); the three broadcast; condition is cast to bool; result has the promoted dtype of a and b.")
op("switch", "t:condition t:then_value t:else_value", same("where"),
   "try SwiftKeras.select(condition, then_value, else_value)",
   "Keras `switch(condition, then_expression, else_expression)` on tensors: the same as sk_where.")
op("clip", "t:x f64:min_value f64:max_value", D,
   "try x.clipped(min: cScalar(min_value), max: cScalar(max_value))",
   "Keras `clip`: minimum(maximum(x, min_value), max_value) in x's dtype (bool clips as int32).")
op("clip_tensor", "t:x t:min_value t:max_value", same("clip"),
   "try x.clipped(min: min_value, max: max_value)",
   "`clip` with tensor bounds that broadcast against x.")

family("reduction")
op("argmax", "t:x i64:axis", NG,
   "try x.argmax(alongAxis: Int(axis))",
   "Index of the maximum along `axis` as int64 (Keras `argmax`). Errors: axis out of range, empty axis.",
   keras="argmax(x, axis=-1)",
   tf=TF("math.argmax argmax", "input, axis=None, output_type=int64, name=None",
          args=["input", "0 if axis is None else _operator.index(axis)"], result="_as_type({out}, output_type)"))
op("argmin", "t:x i64:axis", NG,
   "try x.argmin(alongAxis: Int(axis))",
   "Index of the minimum along `axis` as int64 (Keras `argmin`).",
   keras="argmin(x, axis=-1)",
   tf=TF("math.argmin argmin", "input, axis=None, output_type=int64, name=None",
          args=["input", "0 if axis is None else _operator.index(axis)"], result="_as_type({out}, output_type)"))
op("cumsum", "t:x i64:axis", D,
   "try x.cumulativeSum(alongAxis: Int(axis))",
   "Cumulative sum along `axis` (Keras `cumsum`).",
   keras="cumsum(x, axis=0)")
op("cumprod", "t:x i64:axis", D,
   "try x.cumulativeProduct(alongAxis: Int(axis))",
   "Cumulative product along `axis` (Keras `cumprod`).",
   keras="cumprod(x, axis=0)")

op("argsort", "t:x i64:axis bool:descending", NG,
   "try x.argsort(alongAxis: Int(axis), descending: descending)",
   "int32 indices that sort x along `axis` (stable; NaN last), descending when `descending` (`tf.argsort`). Errors: SK_ERR_DTYPE for bool, SK_ERR_INVALID_ARG for a bad axis or a rank-0 x.")
op("take_along_axis", "t:x t:indices i64:axis", D,
   "try x.takingAlongAxis(indices, axis: Int(axis))",
   "x's elements at `indices` along `axis` (numpy `take_along_axis`; `tf.sort` and `tf.math.top_k` with argsort): indices (int32/int64) has x's shape except along `axis`; the result has indices' shape. Errors: SK_ERR_OUT_OF_RANGE for an index outside [0, n), SK_ERR_INVALID_ARG for mismatched shapes, SK_ERR_DTYPE for float indices.")
tape_only("add_along_axis", D,
          "The adjoint of take_along_axis (its pullback; a scatter-add whose own pullback is take_along_axis).")

family("elementwise")
unary("erf", D, "try SwiftKeras.erf(x)", "The Gauss error function (`tf.math.erf`); float dtypes only.",
      tf="math.erf", float_only=True)

family("linalg")
unary("matrix_inverse", D, "try SwiftKeras.matrixInverse(x)",
      "The inverse of each square matrix in the last two axes (`tf.linalg.inv`), computed in float64 by LU with partial pivoting. Errors: SK_ERR_DTYPE for a non-float x, SK_ERR_INVALID_ARG for non-square or singular matrices.")
unary("cholesky", D, "try SwiftKeras.cholesky(x)",
      "The lower-triangular Cholesky factor of each symmetric positive-definite matrix in the last two axes (`tf.linalg.cholesky`; only the lower triangle is read), computed in float64. Errors: SK_ERR_DTYPE for a non-float x, SK_ERR_INVALID_ARG for non-square or non-positive-definite matrices.",
      tf=TF("linalg.cholesky", "input, name=None"))
unary("matrix_determinant", D, "try SwiftKeras.matrixDeterminant(x)",
      "The determinant of each square matrix in the last two axes (`tf.linalg.det`); shape x's minus the last two axes. Errors: SK_ERR_DTYPE for a non-float x, SK_ERR_INVALID_ARG for non-square matrices.",
      tf=TF("linalg.det", "input, name=None"))
tape_only("qr", D,
          "QR decomposition (sk_linalg_qr, written by hand: two outputs, each recorded under this name with TF's gradient for its cotangent).")
tape_only("svd", D,
          "Singular value decomposition (sk_linalg_svd, written by hand: s, U, V each recorded under this name with TF's gradient for its cotangent).")
tape_only("eigh", D,
          "Symmetric eigendecomposition (sk_linalg_eigh, written by hand: eigenvalues and eigenvectors each recorded under this name with TF's gradient).")
op("lstsq_minimum_norm", "t:matrix t:rhs f64:l2_regularizer", rec("lstsq", NG),
   "try SwiftKeras.lstsqMinimumNorm(matrix, rhs, l2Regularizer: l2_regularizer)",
   "The minimum-norm least-squares solution X (..., n, k) of matrix (..., m, n) times X = rhs (..., m, k) (`tf.linalg.lstsq(fast=False)`, TF's complete orthogonal decomposition: rank-deficient matrices too), computed in float64 from the SVD with the rank threshold of matrix's dtype; l2_regularizer must be >= 0 and is not used, as TF. No gradient, as TF (differentiating through it is SK_ERR_INVALID_ARG). Errors: SK_ERR_DTYPE unless both are float32 or both float64, SK_ERR_INVALID_ARG for ranks < 2 or different, other batch shapes or row counts.")

family("core")
op("reshape", "t:x shape:shape", D,
   "try x.reshaped(to: shape)",
   "The elements under a new shape (Keras `reshape`); one entry may be -1. Errors: element count mismatch.",
   keras="reshape(x, shape)", keras_doc="x with a new shape (one entry may be -1).",
   tf=TF("reshape", "tensor, shape, name=None"))
op("transpose", "t:x axes:perm", D,
   "try x.transposed(perm)",
   "Axes permuted by `perm` (NULL = reversed) (Keras `permute_dimensions` / `transpose`). Errors: not a permutation.")

family("shape")
op("expand_dims", "t:x i64:axis", D,
   "try x.expandingDims(at: Int(axis))",
   "A size-1 axis inserted at `axis` (Keras `expand_dims`).",
   keras="expand_dims(x, axis=-1)",
   tf=TF("expand_dims", "input, axis, name=None"))
op("squeeze", "t:x axes:axes", D,
   "try x.squeezed(axes: axes)",
   "Size-1 axes removed: the listed ones (which must have size 1), or all when axes == NULL (Keras `squeeze`).",
   tf=TF("squeeze", "input, axis=None, name=None"))
op("concatenate", "tlist:xs i64:axis", D,
   "try SwiftKeras.concatenate(xs, axis: Int(axis))",
   "Joins n_xs >= 1 tensors along an existing axis (Keras `concatenate`). Errors: rank/size mismatch.",
   keras="concatenate(tensors, axis=-1)", keras_doc="The tensors joined along `axis` (Keras `concatenate`).",
   tf=TF("concat", "values, axis, name='concat'"))
op("stack", "tlist:xs i64:axis", D,
   "try SwiftKeras.stack(xs, axis: Int(axis))",
   "Stacks n_xs >= 1 equal-shaped tensors along a new axis (Keras `stack`).",
   keras="stack(x, axis=0)", keras_doc="The tensors stacked along a new `axis` (Keras `stack`).",
   tf=TF("stack", "values, axis=0, name='stack'"))
op("tile", "t:x ints:multiples", D,
   "try x.tiled(multiples: multiples)",
   "Repeats the whole tensor per axis (Keras `tile`); one multiple per axis.",
   tf=TF("tile", "input, multiples, name=None"))
op("repeat_elements", "t:x i64:rep i64:axis", D,
   "try x.repeatingElements(count: Int(rep), axis: Int(axis))",
   "Each element repeated `rep` times along `axis` (Keras `repeat_elements`).",
   keras="repeat_elements(x, rep, axis)")
op("repeat", "t:x i64:n", D,
   "try x.repeatedVector(count: Int(n))",
   "(B, F) -> (B, n, F) (Keras `repeat`).")
op("reverse", "t:x ints:axes", D,
   "try x.reversed(alongAxes: axes)",
   "Elements reversed along `axes` (Keras `reverse`).",
   tf=[TF("reverse", "tensor, axis, name=None"),
       TF("image.flip_left_right", "image, name=None", args=["image", "[-2]"],
          doc="The image (H, W, C) or batch (N, H, W, C) mirrored along the width axis."),
       TF("image.flip_up_down", "image, name=None", args=["image", "[-3]"],
          doc="The image (H, W, C) or batch (N, H, W, C) mirrored along the height axis.")])
op("slice", "t:x ints:begin ints:size", D,
   "try x.slice(begin: begin, size: size)",
   "The block at `begin` with `size` (-1 = to the end) (Keras `slice`). Errors: SK_ERR_OUT_OF_RANGE for a block outside x.",
   tf=TF("slice", "input_, begin, size, name=None"))
op("gather", "t:x t:indices i64:axis", D,
   "try x.gathered(indices: indices, axis: Int(axis))",
   "Slices of x at integer `indices` along `axis` (Keras `gather`). Errors: SK_ERR_OUT_OF_RANGE for a bad index, SK_ERR_DTYPE for float indices.")
op("one_hot", "t:indices i64:depth", NG,
   "try SwiftKeras.oneHot(indices, depth: Int(depth))",
   "float32 one-hot rows of length `depth` (Keras `one_hot`); out-of-range indices give zero rows.",
   keras="one_hot(indices, num_classes)", keras_doc="float32 one-hot rows of length `num_classes` (Keras `one_hot`); out-of-range indices give zero rows.")
op("pad", "t:x pairsN:paddings f64:value", D,
   "try x.padded(paddings, value: value)",
   "Constant padding: `paddings` holds (before, after) per axis, 2*ndim(x) entries (`tf.pad`).")
op("temporal_padding", "t:x i64:left i64:right", D,
   "try x.temporalPadded(left: Int(left), right: Int(right))",
   "Zero-pads axis 1 of a rank-3 tensor (Keras `temporal_padding`).")
op("spatial_2d_padding", "t:x pairs2:padding data_format:data_format", D,
   "try x.spatial2DPadded((padding[0], padding[1]), dataFormat: data_format)",
   "Zero-pads the 2 spatial axes of a rank-4 tensor; `padding` = {top, bottom, left, right} (Keras `spatial_2d_padding`; NULL = all 1).")
op("spatial_3d_padding", "t:x pairs3:padding data_format:data_format", D,
   "try x.spatial3DPadded((padding[0], padding[1], padding[2]), dataFormat: data_format)",
   "Zero-pads the 3 spatial axes of a rank-5 tensor; 6 entries (Keras `spatial_3d_padding`; NULL = all 1).")

family("core")
op("broadcast_to", "t:x shape:shape", D,
   "try x.broadcasted(to: shape)",
   "x broadcast to `shape` (`tf.broadcast_to`).",
   tf=TF("broadcast_to", "input, shape, name=None"))

family("linalg")
op("batch_dot", "t:x t:y fixed2?:axes", D,
   "try SwiftKeras.batchDot(x, y, axes: axes.map { ($0[0], $0[1]) })",
   "Keras `batch_dot(x, y, axes)`: `axes` = {axis of x, axis of y}, NULL = Keras' default.")

family("neural_net")
op("softmax", "t:x i64:axis", D,
   "try x.softmax(alongAxis: Int(axis))",
   "Softmax along `axis` (Keras `softmax`).",
   tf=TF("nn.softmax math.softmax", "logits, axis=None, name=None",
          args=["logits", "-1 if axis is None else _operator.index(axis)"], float_only=True))
op("log_softmax", "t:x i64:axis", D,
   "try x.logSoftmax(alongAxis: Int(axis))",
   "Log-softmax along `axis` (`tf.nn.log_softmax`).",
   keras="log_softmax(x, axis=-1)",
   tf=TF("nn.log_softmax math.log_softmax", "logits, axis=None, name=None",
          args=["logits", "-1 if axis is None else _operator.index(axis)"], float_only=True))
op("l2_normalize", "t:x axes:axes", D,
   "try x.l2Normalized(alongAxes: axes)",
   "x / sqrt(max(sum(x^2, axes), 1e-12)) (Keras `l2_normalize`; axes NULL = all).",
   keras="l2_normalize(x, axis=None)", keras_doc="x / sqrt(max(sum(x^2, axis), 1e-12)) (Keras `l2_normalize`; axis None = all).")
op("bias_add", "t:x t:bias data_format:data_format", D,
   "try x.biasAdded(bias, channelsFirst: data_format == .channelsFirst)",
   "Adds a per-channel bias (Keras `bias_add`).")

family("convolution")
op("conv1d", "t:x t:kernel i64:stride padding:padding data_format:data_format i64:dilation", D,
   "try SwiftKeras.conv1d(x, kernel, stride: Int(stride), padding: padding, dataFormat: data_format, dilationRate: Int(dilation))",
   "1-D convolution (Keras `conv1d`); kernel (width, in, out); SK_PADDING_CAUSAL allowed.")
op("conv2d", "t:x t:kernel fixed2:strides padding:padding data_format:data_format fixed2:dilation", D,
   "try SwiftKeras.conv2d(x, kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
   "2-D convolution (Keras `conv2d`); kernel (kh, kw, in, out); strides/dilation: 2 entries each, NULL = 1.")
op("conv3d", "t:x t:kernel fixed3:strides padding:padding data_format:data_format fixed3:dilation", D,
   "try SwiftKeras.conv3d(x, kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
   "3-D convolution (Keras `conv3d`); kernel (kd, kh, kw, in, out); strides/dilation: 3 entries each, NULL = 1.")
op("conv2d_transpose", "t:x t:kernel ints:output_shape fixed2:strides padding:padding data_format:data_format fixed2:dilation", D,
   "try SwiftKeras.conv2dTranspose(x, kernel, outputShape: output_shape, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
   "Transposed 2-D convolution (Keras `conv2d_transpose`); kernel (kh, kw, out, in); output_shape has 4 entries (batch -1 = x's).")
op("conv3d_transpose", "t:x t:kernel ints:output_shape fixed3:strides padding:padding data_format:data_format fixed3:dilation", D,
   "try SwiftKeras.conv3dTranspose(x, kernel, outputShape: output_shape, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
   "Transposed 3-D convolution (Keras `conv3d_transpose`); output_shape has 5 entries.")
op("depthwise_conv2d", "t:x t:kernel fixed2:strides padding:padding data_format:data_format fixed2:dilation", D,
   "try SwiftKeras.depthwiseConv2d(x, kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
   "Depthwise 2-D convolution (Keras `depthwise_conv2d`); kernel (kh, kw, in, multiplier).")
op("separable_conv2d", "t:x t:depthwise_kernel t:pointwise_kernel fixed2:strides padding:padding data_format:data_format fixed2:dilation", D,
   "try SwiftKeras.separableConv2d(x, depthwiseKernel: depthwise_kernel, pointwiseKernel: pointwise_kernel, strides: strides, padding: padding, dataFormat: data_format, dilationRate: dilation)",
   "Depthwise then pointwise 2-D convolution (Keras `separable_conv2d`).")
op("pool2d", "t:x ints:pool_size fixed2:strides padding:padding data_format:data_format pool_mode:pool_mode", D,
   "try SwiftKeras.pool2d(x, poolSize: pool_size, strides: strides, padding: padding, dataFormat: data_format, mode: pool_mode)",
   "2-D max/average pooling (Keras `pool2d`); pool_size 1 or 2 entries.")
op("pool3d", "t:x ints:pool_size fixed3:strides padding:padding data_format:data_format pool_mode:pool_mode", D,
   "try SwiftKeras.pool3d(x, poolSize: pool_size, strides: strides, padding: padding, dataFormat: data_format, mode: pool_mode)",
   "3-D max/average pooling (Keras `pool3d`).")

family("neural_net")
op("resize_images", "t:x i64:height_factor i64:width_factor data_format:data_format interpolation:interpolation", D,
   "try x.resizedImages(heightFactor: Int(height_factor), widthFactor: Int(width_factor), channelsFirst: data_format == .channelsFirst, interpolation: interpolation)",
   "Upsamples a rank-4 batch by integer factors (Keras `resize_images`).")
op("resize_volumes", "t:x i64:depth_factor i64:height_factor i64:width_factor data_format:data_format", D,
   "try x.resizedVolumes(depthFactor: Int(depth_factor), heightFactor: Int(height_factor), widthFactor: Int(width_factor), channelsFirst: data_format == .channelsFirst)",
   "Upsamples a rank-5 batch by repeating elements (Keras `resize_volumes`).")
op("resize", "t:x i64:height i64:width interpolation:interpolation data_format:data_format", D,
   "try x.resized(height: Int(height), width: Int(width), method: interpolation, channelsFirst: data_format == .channelsFirst)",
   "Images resized to height x width (`tf.image.resize`, half-pixel centres); bilinear returns float32.",
   tf=TF("image.resize", "images, size, method='bilinear', preserve_aspect_ratio=False, antialias=False, name=None",
         args=["images", "_operator.index(size[0])", "_operator.index(size[1])",
               "_resize_method(method, preserve_aspect_ratio, antialias)", "0"],
         doc="Images (H, W, C) or (N, H, W, C) resized to `size` (half-pixel centres, TF2); methods "
             "'bilinear' (float32 result) and 'nearest' (the input's dtype)."))
op("batch_normalization", "t:x t:mean t:variance t?:beta t?:gamma f64:epsilon", D,
   "try x.batchNormalized(mean: mean, variance: variance, beta: beta, gamma: gamma, epsilon: epsilon)",
   "(x - mean) / sqrt(variance + epsilon) * gamma + beta (Keras `batch_normalization`); beta/gamma may be NULL.",
   tf=TF("nn.batch_normalization", "x, mean, variance, offset, scale, variance_epsilon, name=None"))
op("dropout", "t:x f64:rate axes:noise_shape seed:seed", D,
   "try x.dropout(rate: rate, noiseShape: noise_shape, seed: seed)",
   "Keras `dropout(x, level, noise_shape, seed)`: zeroes elements with probability `rate`, scales the rest by 1/(1-rate). noise_shape NULL = x's shape.",
   tf=TF("nn.dropout", "x, rate, noise_shape=None, seed=None, name=None",
          args=["x", "float(rate)", "_b()._ints(noise_shape, 'noise_shape')", "_b()._seed(seed)"], float_only=True))
op("in_top_k", "t:predictions t:targets i64:k", NG,
   "try SwiftKeras.inTopK(predictions: predictions, targets: targets, k: Int(k))",
   "Whether each target is among the top k predictions (Keras `in_top_k`); bool (B,).",
   keras="in_top_k(predictions, targets, k)",
   tf=TF("math.in_top_k nn.in_top_k", "targets, predictions, k, name=None",
          args=["predictions", "targets", "_operator.index(k)"]))
op("binary_crossentropy", "t:target t:output bool:from_logits", D,
   "try SwiftKeras.binaryCrossentropy(target: target, output: output, fromLogits: from_logits)",
   "Elementwise binary crossentropy (Keras `binary_crossentropy`).")
op("categorical_crossentropy", "t:target t:output bool:from_logits i64:axis", D,
   "try SwiftKeras.categoricalCrossentropy(target: target, output: output, fromLogits: from_logits, axis: Int(axis))",
   "Categorical crossentropy along `axis` (Keras `categorical_crossentropy`).")
op("sparse_categorical_crossentropy", "t:target t:output bool:from_logits i64:axis", D,
   "try SwiftKeras.sparseCategoricalCrossentropy(target: target, output: output, fromLogits: from_logits, axis: Int(axis))",
   "Crossentropy with integer labels (Keras `sparse_categorical_crossentropy`). Errors: SK_ERR_OUT_OF_RANGE for a label outside [0, classes).")

family("loss")
op("binary_focal_crossentropy", "t:target t:output bool:apply_class_balancing f64:alpha f64:gamma bool:from_logits", D,
   "try SwiftKeras.binaryFocalCrossentropy(target: target, output: output, applyClassBalancing: apply_class_balancing, alpha: alpha, gamma: gamma, fromLogits: from_logits)",
   "Elementwise binary focal crossentropy (Keras `binary_focal_crossentropy`; defaults 0, 0.25, 2.0, 0): (1 - p_t)^gamma * binary_crossentropy, times t*alpha + (1-t)*(1-alpha) when apply_class_balancing. Errors: SK_ERR_DTYPE for a non-float output.")
op("categorical_focal_crossentropy", "t:target t:output f64:alpha f64:gamma bool:from_logits i64:axis", D,
   "try SwiftKeras.categoricalFocalCrossentropy(target: target, output: output, alpha: alpha, gamma: gamma, fromLogits: from_logits, axis: Int(axis))",
   "Categorical focal crossentropy along `axis` (Keras `categorical_focal_crossentropy`; defaults 0.25, 2.0, 0, -1): sum(alpha * (1 - o)^gamma * -t*log(o)) with o renormalised and clipped to [1e-7, 1 - 1e-7]. target and output have the same shape.")
op("ctc_batch_cost", "t:y_true t:y_pred t:input_length t:label_length", D1,
   "try SwiftKeras.ctcBatchCost(yTrue: y_true, yPred: y_pred, inputLength: input_length, labelLength: label_length)",
   "CTC loss per batch element (Keras `ctc_batch_cost`): y_true (B, L) integer labels, y_pred (B, T, C) softmax probabilities (float) whose LAST class is the blank, input_length and label_length (B, 1) or (B,). Result (B, 1) in y_pred's dtype; differentiable w.r.t. y_pred (first order). Errors: SK_ERR_OUT_OF_RANGE for a label outside [0, C-1); SK_ERR_INVALID_ARG for an input_length outside [0, T], a label_length outside [0, L] or a label sequence needing more steps than input_length.")
op("confusion_matrix", "t:labels t:predictions i64:num_classes t?:weights dtype?:dtype", NOTAPE,
   "try confusionMatrix(labels: labels, predictions: predictions, numClasses: Int(num_classes), weights: weights, dtype: dtype)",
   "The num_classes x num_classes matrix counting label i predicted as j (weights: summing them) (TF `confusion_matrix`); num_classes < 0 = max value + 1; dtype 0 = int32. Errors: negative values or values >= num_classes, mismatched lengths.",
   tf=TF("math.confusion_matrix", "labels, predictions, num_classes=None, weights=None, dtype=int32, name=None",
         args=["labels", "predictions", "-1 if num_classes is None else _operator.index(num_classes)", "weights", "dtype"]))
op("zeros_like", "t:x dtype?:dtype", NOTAPE,
   "try Tensor.zeros(like: x, dtype: dtype)",
   "Zeros shaped like x (dtype 0 = x's dtype) (Keras `zeros_like`).")
op("ones_like", "t:x dtype?:dtype", NOTAPE,
   "try Tensor.ones(like: x, dtype: dtype)",
   "Ones shaped like x (dtype 0 = x's dtype) (Keras `ones_like`).")
op("random_uniform", "shape:shape f64:minval f64:maxval dtype:dtype seed:seed", NOTAPE,
   "try Random.uniform(shape, minval: minval, maxval: maxval, dtype: dtype, seed: seed)",
   "Uniform values in [minval, maxval) (Keras `random_uniform`); integer dtypes give integers. Same seed, same values.")
op("random_normal", "shape:shape f64:mean f64:stddev dtype:dtype seed:seed", NOTAPE,
   "try Random.normal(shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)",
   "Normal values (Keras `random_normal`); float dtypes only.")
op("truncated_normal", "shape:shape f64:mean f64:stddev dtype:dtype seed:seed", NOTAPE,
   "try Random.truncatedNormal(shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)",
   "Normal values within 2 stddev of the mean (Keras `truncated_normal`).")
op("random_bernoulli", "shape:shape f64:p dtype:dtype seed:seed", NOTAPE,
   "try Random.bernoulli(shape, p: p, dtype: dtype, seed: seed)",
   "1 with probability p, else 0 (Keras `random_bernoulli`).")

family("convolution")
tape_only("avg_pool_backward", D,
          "The gradient of average pooling; its pullback is the average pool of the cotangent.")
tape_only("conv_backprop_filter", D,
          "The gradient of a convolution with respect to its kernel; its pullback is made of the forward op and conv_backprop_input.")
tape_only("conv_backprop_input", D,
          "The gradient of a convolution with respect to its input; its pullback is made of the forward op and conv_backprop_filter.")
tape_only("depthwise_conv2d_backprop_filter", D,
          "The gradient of depthwise_conv2d with respect to its kernel.")
tape_only("depthwise_conv2d_backprop_input", D,
          "The gradient of depthwise_conv2d with respect to its input.")
tape_only("max_pool_backward", D,
          "The gradient of max pooling: piecewise constant in x, linear in the cotangent.")
tape_only("max_pool_gather", D,
          "The values at the max-pooling argmax positions (the pullback of max_pool_backward).")

family("core")
tape_only("cast", D,
          "A dtype conversion (sk_tensor_cast, written by hand: it is a tensor method).")
tape_only("custom_gradient", D1,
          "An op whose pullback the user supplies (tf.custom_gradient; sk_custom_gradient takes a callback, written by hand); checked to first order.")

family("loss")
tape_only("ctc_decode", NG,
          "Greedy/beam CTC decoding (sk_ctc_decode returns several tensors, written by hand): integer outputs, no gradient.")
tape_only("ctc_label_dense_to_sparse", NG,
          "Dense labels to sparse (sk_ctc_label_dense_to_sparse returns two tensors, written by hand): integer outputs, no gradient.")

family("neural_net")
tape_only("bias_relu", D,
          "relu(x + bias) with the bias along the last axis as one op (what Dense and Conv layers with activation relu compute; Tensor.biasAddedRelu): one pass forward, one backward for both cotangents; composed of select when a tape records the backward pass.")
tape_only("conv_bias", D,
          "A convolution (1 to 3 spatial dimensions, channels-last) plus a bias as one op (what Conv layers with a bias and no activation compute; convolutionBiasAdded): with oneDNN the bias is added by the convolution primitive and its gradient made by the kernel-gradient one; the composed ops' gradients otherwise.")
tape_only("batch_norm_training", D,
          "Batch normalization with the batch's statistics over the last axis as one op (BatchNormalization while training; Tensor.batchNormalizedWithBatchStatistics): two passes forward, two backward; the composed ops' gradient when a tape records the backward pass.")
tape_only("resize_bilinear_backward", D,
          "The adjoint of bilinear resizing; its pullback is the forward resize.")
tape_only("resize_nearest_backward", D,
          "The adjoint of nearest resizing; its pullback is the forward resize.")
tape_only("gru_sequence", D1,
          "A GRU (reset_after either way) over a whole sequence as one fused op (recurrentSequence; the layers call it): its pullback is a fused kernel, checked to first order.")
tape_only("lstm_sequence", D1,
          "An LSTM over a whole sequence as one fused op (recurrentSequence; the layers call it): its pullback is a fused kernel, checked to first order.")
tape_only("simple_rnn_sequence", D1,
          "A tanh SimpleRNN over a whole sequence as one fused op (recurrentSequence; the layers call it): its pullback is a fused kernel, checked to first order.")

family("shape")
tape_only("split", D,
          "Pieces of a tensor along an axis (sk_split / sk_split_sizes return several tensors, written by hand).")
tape_only("strided_slice", D,
          "Python-style slicing x[begin:end:step] (sk_strided_slice, written by hand).")
op("unsorted_segment_sum", "t:data t:segment_ids i64:num_segments", D,
   "try SwiftKeras.unsortedSegmentSum(data, segmentIDs: segment_ids, segmentCount: Int(num_segments))",
   "Sums of the rows of `data` per segment id (`tf.math.unsorted_segment_sum`): out[i] = sum of data[j] with segment_ids[j] == i; segment_ids (int32/int64) has the leading shape of data. Errors: SK_ERR_INVALID_ARG for an id outside [0, num_segments) or a negative num_segments, SK_ERR_DTYPE for float ids or bool data.")

# TensorFlow's array and math functions of published TF2 programs (session 7).
family("shape")
op("gather_nd", "t:params t:indices i64:batch_dims", NOTAPE,
   "try SwiftKeras.gatherND(params, indices: indices, batchDims: Int(batch_dims))",
   "params at the index tuples in the last axis of `indices` (`tf.gather_nd`): shape indices.shape[:-1] + params.shape[batch_dims + k:] for tuples of length k after batch_dims shared leading axes; differentiable in params (reshape + gather). Errors: SK_ERR_INVALID_ARG for an index outside params or mismatched batch axes, SK_ERR_DTYPE for non-integer indices.",
   tf=TF("gather_nd", "params, indices, batch_dims=0, name=None"))
op("scatter_nd", "t:indices t:updates shape:shape", NOTAPE,
   "try SwiftKeras.scatterND(indices: indices, updates: updates, shape: shape)",
   "Zeros of `shape` with `updates` (shape indices.shape[:-1] + shape[k:]) summed at the index tuples of `indices` (`tf.scatter_nd`; repeated indices add); differentiable in updates. Errors: SK_ERR_INVALID_ARG for an index outside shape or a wrong updates shape.",
   tf=TF("scatter_nd", "indices, updates, shape, name=None"))
op("tensor_scatter_nd", "t:x t:indices t:updates i64:mode", rec("tensor_scatter_nd_max", D),
   "try SwiftKeras.tensorScatterND(x, indices: indices, updates: updates, mode: ScatterMode(code: mode))",
   "`x` with `updates` combined at the index tuples of `indices` by mode 0 update (the last of repeated indices wins), 1 add, 2 subtract, 3 max, 4 min (`tf.tensor_scatter_nd_update/add/sub/max/min`); updates has x's dtype and shape indices.shape[:-1] + x.shape[k:]; differentiable in x and updates (max/min: TF's gradient, split between ties). Errors: SK_ERR_INVALID_ARG for a bad index, shape or mode, SK_ERR_DTYPE for another dtype.",
   tf=[TF("tensor_scatter_nd_update", "tensor, indices, updates, name=None", args=["tensor", "indices", "updates", "0"]),
       TF("tensor_scatter_nd_add", "tensor, indices, updates, name=None", args=["tensor", "indices", "updates", "1"]),
       TF("tensor_scatter_nd_sub", "tensor, indices, updates, name=None", args=["tensor", "indices", "updates", "2"]),
       TF("tensor_scatter_nd_max", "tensor, indices, updates, name=None", args=["tensor", "indices", "updates", "3"]),
       TF("tensor_scatter_nd_min", "tensor, indices, updates, name=None", args=["tensor", "indices", "updates", "4"])])
tape_only("tensor_scatter_nd_min", D,
          "The min mode of sk_tensor_scatter_nd (recorded under its own name, with TF's gradient).")
op("roll", "t:input ints:shift ints:axis", NOTAPE,
   "try input.rolled(shifts: shift, axes: axis)",
   "The elements shifted cyclically by shift[i] along axis[i] (`tf.roll`; shifts on one axis add up, negative shifts roll backwards); n_shift == n_axis; differentiable (slice + concatenate). Errors: SK_ERR_INVALID_ARG for a bad axis or lengths that differ.",
   tf=TF("roll", "input, shift, axis, name=None"))
op("unique", "t:x", NOTAPE,
   "try UniqueDecomposition(x).values",
   "The distinct values of the vector x in order of first appearance (`tf.unique`'s y); no gradient. Errors: SK_ERR_INVALID_ARG unless x is a vector.")
op("unique_indices", "t:x dtype:out_idx", NOTAPE,
   "try uniqueParts(x, outType: out_idx).1",
   "For each element of the vector x, the position of its value in sk_unique's result (`tf.unique`'s idx), as out_idx (int32 or int64).")
op("unique_counts", "t:x dtype:out_idx", NOTAPE,
   "try uniqueParts(x, outType: out_idx).2",
   "How often each value of sk_unique's result occurs in x (`tf.unique_with_counts`' count), as out_idx (int32 or int64).")
op("searchsorted", "t:sorted_sequence t:values bool:right dtype:out_type", NOTAPE,
   "try searchSorted(sorted_sequence, values: values, right: right, outType: out_type)",
   "Insertion points of each row of values (..., M) into the sorted rows of sorted_sequence (..., N) with the same leading shape: the first (right = 0, side 'left') or last (side 'right') that keeps the row sorted (`tf.searchsorted`), as out_type (int32 or int64).")
op("bincount", "t:arr t?:weights i64:minlength i64:maxlength dtype:dtype bool:binary_output bool:per_row", NOTAPE,
   "try SwiftKeras.bincount(arr, weights: weights, minLength: minlength < 0 ? nil : Int(minlength), maxLength: maxlength < 0 ? nil : Int(maxlength), dtype: dtype, binaryOutput: binary_output, perRow: per_row)",
   "Counts of each value of the non-negative int32/int64 arr (`tf.math.bincount`): max(max(arr) + 1, minlength) bins (negative = none), capped at maxlength (negative = none; larger values dropped), summing weights (arr's shape, NULL = ones; the result then has weights' dtype, else dtype) or 1 per non-empty bin with binary_output; per_row counts each row of a matrix (TF's axis=-1). Errors: SK_ERR_INVALID_ARG for a negative value.")

family("elementwise")
op("divide_no_nan", "t:x t:y", rec("div_no_nan", D),
   "try x.dividingNoNaN(by: y)",
   "x / y, and 0 where y is 0 (`tf.math.divide_no_nan`), broadcasting; float operands of one dtype; TF's gradient. Errors: SK_ERR_DTYPE for other dtypes.",
   tf=TF("math.divide_no_nan", "x, y, name=None", float_only=True))
op("add_n", "tlist:inputs", NOTAPE,
   "try addN(inputs)",
   "The sum of n_inputs >= 1 tensors of one shape and dtype (`tf.math.add_n`; no broadcasting); differentiable. Errors: SK_ERR_INVALID_ARG for an empty list or different shapes or dtypes.",
   tf=TF("math.add_n add_n", "inputs, name=None"))

family("linalg")
op("triangular_solve", "t:matrix t:rhs bool:lower bool:adjoint", D,
   "try triangularSolve(matrix, rhs, lower: lower, adjoint: adjoint)",
   "X with A X = B (or A^T X = B with adjoint) for the lower (or upper) triangular A of matrix (..., M, M) and rhs (..., M, K), batch axes broadcast (`tf.linalg.triangular_solve`; only A's triangle is read); TF's gradient. Errors: SK_ERR_DTYPE unless both have one float dtype, SK_ERR_INVALID_ARG for other shapes.",
   tf=TF("linalg.triangular_solve", "matrix, rhs, lower=True, adjoint=False, name=None"))
op("set_diag", "t:input t:diagonal", NOTAPE,
   "try input.settingDiagonal(diagonal)",
   "The matrices (..., M, N) of input with their main diagonal replaced by diagonal (..., min(M, N)) (`tf.linalg.set_diag`, k = 0); differentiable. Errors: SK_ERR_INVALID_ARG for other shapes.")
op("cross", "t:a t:b", NOTAPE,
   "try SwiftKeras.cross(a, b)",
   "Pairwise cross products of the 3-vectors in the last axis of a and b, of one shape (`tf.linalg.cross`); differentiable.",
   tf=TF("linalg.cross", "a, b, name=None"))

family("neural_net")
op("adjust_contrast", "t:images t:contrast_factor", NOTAPE,
   "try adjustContrast(images, factor: contrast_factor)",
   "Each channel of float images (..., H, W, C) moved contrast_factor (a scalar tensor) times its distance from the channel's mean over the image (`tf.image.adjust_contrast` on float images); differentiable.")
op("extract_patches", "t:images fixed2:sizes fixed2:strides fixed2:rates bool:same_padding", NOTAPE,
   "try extractPatches(images, sizes: sizes, strides: strides, rates: rates, samePadding: same_padding)",
   "The kh x kw patches (sizes, 2 entries) of images (N, H, W, C), strides apart with rates spacing (2 entries each; NULL = 1), flattened (kh, kw, C) into the last axis: (N, out_h, out_w, kh*kw*C) (`tf.image.extract_patches`; same_padding: TF's 'SAME', else 'VALID'); differentiable (pad + gather). Errors: SK_ERR_INVALID_ARG for another rank or sizes outside [1, 2^30].")
op("adjust_hsv", "t:images f64:hue_delta f64:saturation_factor", NOTAPE,
   "try adjustHSV(images, hueDelta: hue_delta, saturationFactor: saturation_factor)",
   "Float images (..., 3) with each pixel's hue shifted by hue_delta (in [-1, 1]) and saturation scaled by saturation_factor (clipped to [0, 1]) in HSV space (`tf.image.adjust_hue` with factor 1, `tf.image.adjust_saturation` with delta 0); no gradient, as TF. Errors: SK_ERR_INVALID_ARG for another channel count, a non-float dtype or a delta outside [-1, 1].")
