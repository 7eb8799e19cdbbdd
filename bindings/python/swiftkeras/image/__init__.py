"""tf.image: the image functions that are one core op (generated from the op table: resize,
flip_left_right, flip_up_down), ``ResizeMethod``, and the functions TensorFlow writes in Python
(``image_ops_impl.py``) as compositions of ops — brightness, contrast, standardization, crops
and pads, rotations, colour conversions, dtype conversion and their random variants — composed
here the same way from the core's ops (``adjust_contrast`` is the core's op, AdjustContrastv2)."""
from .. import _native, errors as _errors
from .._tf_generated import _b, _run
from ._generated import *  # noqa: F401,F403
from ._generated import __all__ as _generated_all


class ResizeMethod:
    """tf.image.ResizeMethod: the names ``tf.image.resize`` takes, as TF's string constants
    (bilinear and nearest run here)."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_FLOATS = ("float16", "bfloat16", "float32", "float64")
_INT_MAX = {"uint8": 255, "int32": 2 ** 31 - 1, "int64": 2 ** 63 - 1}
_INT_MIN = {"uint8": 0, "int32": -2 ** 31, "int64": -2 ** 63}


def _t(x):
    return _native.convert(x)


def _image(image, op, ranks=(3, 4)):
    x = _t(image)
    if x.ndim not in ranks:
        raise ValueError(f"{op}: 'image' (shape {tuple(x.shape)}) must have either 3 or 4 dimensions.")
    return x


def _saturate_cast(x, dtype):
    """tf.dtypes.saturate_cast: x clipped to dtype's range, then cast."""
    if dtype.name in _INT_MAX and x.dtype.name in _FLOATS:
        x = _native.minimum_scalar(_native.maximum_scalar(x, float(_INT_MIN[dtype.name])), float(_INT_MAX[dtype.name]))
    elif dtype.name in _INT_MAX and x.dtype.name in _INT_MAX:
        lo, hi = max(_INT_MIN[dtype.name], _INT_MIN[x.dtype.name]), min(_INT_MAX[dtype.name], _INT_MAX[x.dtype.name])
        x = _native.clip_tensor(x, _native.convert(lo, x.dtype), _native.convert(hi, x.dtype))
    return _native.cast(x, dtype)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """tf.image.convert_image_dtype: integers are scaled to [0, MAX] of their dtype and floats
    to [0, 1]: integer to float divides by the input's MAX, float to integer multiplies by
    MAX + 0.5 and truncates, integer to integer rescales by the ratio of the ranges."""
    x = _t(image)
    dtype = _native.as_dtype(dtype)
    src, dst = x.dtype.name, dtype.name
    if dst not in _FLOATS and dst not in _INT_MAX:
        raise AttributeError("dtype must be either floating point or integer")
    if src not in _FLOATS and src not in _INT_MAX:
        raise AttributeError("image dtype must be either floating point or integer")
    if src == dst:
        return x
    cast = _saturate_cast if saturate else _native.cast
    if src in _INT_MAX and dst in _INT_MAX:
        if _INT_MAX[src] > _INT_MAX[dst]:
            scaled = _native.floor_divide(x, _native.convert((_INT_MAX[src] + 1) // (_INT_MAX[dst] + 1), x.dtype))
            return cast(scaled, dtype)
        return _native.multiply(cast(x, dtype), _native.convert((_INT_MAX[dst] + 1) // (_INT_MAX[src] + 1), dtype))
    if src in _FLOATS and dst in _FLOATS:
        return _native.cast(x, dtype)
    if src in _INT_MAX:
        return _native.multiply(_native.cast(x, dtype), _native.convert(1.0 / _INT_MAX[src], dtype))
    return cast(_native.multiply(x, _native.convert(_INT_MAX[dst] + 0.5, x.dtype)), dtype)


def _as_float(image):
    """TF's pattern: float16/float32 images as they are, others through convert_image_dtype."""
    x = _t(image)
    return x if x.dtype.name in ("float16", "float32") else convert_image_dtype(x, _native.float32)


def adjust_brightness(image, delta):
    """tf.image.adjust_brightness: image + delta on the float image, converted back (saturating)."""
    x = _t(image)
    f = _as_float(x)
    return convert_image_dtype(_native.add(f, _native.cast(_t(delta), f.dtype)), x.dtype, saturate=True)


def adjust_contrast(images, contrast_factor):
    """tf.image.adjust_contrast: each channel moved contrast_factor times its distance from its
    mean over the image (the core's adjust_contrast), on the float image, converted back."""
    x = _t(images)
    f = _as_float(x)
    out = _run(_native.adjust_contrast, f, _native.cast(_t(contrast_factor), f.dtype))
    return convert_image_dtype(out, x.dtype, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """tf.image.adjust_gamma: gain · image^gamma on the float image, converted back."""
    x = _t(image)
    f = _as_float(x)
    if float(gamma) < 0:
        raise ValueError("Gamma should be a non-negative real number.")
    out = _native.multiply(_native.convert(float(gain), f.dtype), _native.pow(f, _native.convert(float(gamma), f.dtype)))
    return convert_image_dtype(out, x.dtype, saturate=True)


def _hsv(image, delta, factor, op):
    x = _t(image)
    f = _as_float(x)
    if f.ndim < 1 or f.shape[-1] != 3:
        raise _errors.InvalidArgumentError(None, None, f"{op}: input must have 3 channels (RGB), got shape {tuple(f.shape)}")
    out = _run(_native.adjust_hsv, f, float(delta), float(factor))
    return convert_image_dtype(out, x.dtype, saturate=True)


def adjust_saturation(image, saturation_factor, name=None):
    """tf.image.adjust_saturation: each pixel's HSV saturation times saturation_factor (clipped
    to [0, 1]), on the float image, converted back (the core's adjust_hsv)."""
    return _hsv(image, 0.0, saturation_factor, "adjust_saturation")


def adjust_hue(image, delta, name=None):
    """tf.image.adjust_hue: each pixel's hue rotated by delta (a fraction of the colour wheel,
    in [-1, 1]), on the float image, converted back (the core's adjust_hsv)."""
    if not -1.0 <= float(delta) <= 1.0:
        raise _errors.InvalidArgumentError(None, None, f"adjust_hue: delta must be in the interval [-1, 1], got {float(delta)}")
    return _hsv(image, delta, 1.0, "adjust_hue")


def _random_factor(lower, upper, seed):
    """TF's checks of a random factor's range, then one draw from [lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return _uniform([], float(lower), float(upper), seed)


def random_saturation(image, lower, upper, seed=None):
    """tf.image.random_saturation: adjust_saturation by a factor drawn from [lower, upper)."""
    return adjust_saturation(image, _random_factor(lower, upper, seed))


def random_hue(image, max_delta, seed=None):
    """tf.image.random_hue: adjust_hue by a delta drawn from [-max_delta, max_delta)."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_hue(image, _uniform([], -float(max_delta), float(max_delta), seed))


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """tf.image.extract_patches: the patches of a batch (N, H, W, C) flattened (kh, kw, C) into
    the last axis; sizes, strides and rates are [1, h, w, 1], padding 'VALID' or 'SAME' (the
    core's op: pad + gather, differentiable)."""
    args = []
    for what, v in (("ksizes", sizes), ("strides", strides), ("rates", rates)):
        v = _b()._ints(v, what)
        if len(v) != 4 or v[0] != 1 or v[3] != 1:
            raise _errors.InvalidArgumentError(None, None, f"extract_patches: {what} must be [1, rows, cols, 1], got {v}")
        args.append(v[1:3])
    if padding not in ("VALID", "SAME"):
        raise ValueError(f"extract_patches: padding must be 'VALID' or 'SAME', got {padding!r}")
    return _run(_native.extract_patches, images, args[0], args[1], args[2], padding == "SAME")


def per_image_standardization(image):
    """tf.image.per_image_standardization: (x - mean) / max(stddev, 1/sqrt(pixels)) over each
    image's last three axes, in float32."""
    x = _image(image, "per_image_standardization", ranks=tuple(range(3, 33)))
    x = _native.cast(x, _native.float32)
    pixels = x.shape[-1] * x.shape[-2] * x.shape[-3]
    mean = _native.mean(x, [-1, -2, -3], True)
    std = _native.std(x, [-1, -2, -3], True)
    adjusted = _native.maximum_scalar(std, float(_native.convert(pixels ** -0.5, _native.float32)))
    return _native.divide(_native.subtract(x, mean), adjusted)


def rot90(image, k=1, name=None):
    """tf.image.rot90: the image (H, W, C) or batch rotated counter-clockwise k times by 90°."""
    x = _image(image, "rot90")
    k = int(k) % 4
    h = x.ndim - 3
    swap = list(range(x.ndim))
    swap[h], swap[h + 1] = h + 1, h
    if k == 1:
        return _native.transpose(_native.reverse(x, [h + 1]), swap)
    if k == 2:
        return _native.reverse(x, [h, h + 1])
    if k == 3:
        return _native.reverse(_native.transpose(x, swap), [h + 1])
    return x


def transpose(image, name=None):
    """tf.image.transpose: height and width swapped."""
    x = _image(image, "transpose")
    perm = list(range(x.ndim))
    perm[-3], perm[-2] = perm[-2], perm[-3]
    return _native.transpose(x, perm)


def _uniform(shape, minval, maxval, seed):
    from .. import random
    return random.uniform(shape, minval, maxval, _native.float32, seed)


def _random_flip(image, axis, seed, op):
    x = _image(image, op)
    if x.ndim == 3:
        return _native.reverse(x, [axis]) if float(_uniform([], 0.0, 1.0, seed)) < 0.5 else x
    flips = _native.cast(_native.round(_native.reshape(_uniform([x.shape[0]], 0.0, 1.0, seed), [-1, 1, 1, 1])), x.dtype)
    flipped = _native.reverse(x, [axis + 1])
    return _native.add(_native.multiply(flips, flipped),
                       _native.multiply(_native.subtract(_native.ones_like(flips), flips), x))


def random_flip_left_right(image, seed=None):
    """tf.image.random_flip_left_right: mirrored along the width with probability 1/2 (each
    image of a batch on its own), from tf.random's seeded generator."""
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """tf.image.random_flip_up_down: mirrored along the height with probability 1/2."""
    return _random_flip(image, 0, seed, "random_flip_up_down")


def random_brightness(image, max_delta, seed=None):
    """tf.image.random_brightness: adjust_brightness by a delta drawn from [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, _uniform([], -float(max_delta), float(max_delta), seed))


def random_contrast(image, lower, upper, seed=None):
    """tf.image.random_contrast: adjust_contrast by a factor drawn from [lower, upper)."""
    return adjust_contrast(image, _random_factor(lower, upper, seed))


def _hw(x):
    return x.shape[-3], x.shape[-2]


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """tf.image.crop_to_bounding_box: the target_height x target_width window at the offsets."""
    x = _image(image, "crop_to_bounding_box")
    oh, ow, th, tw = (int(v) for v in (offset_height, offset_width, target_height, target_width))
    h, w = _hw(x)
    if oh < 0 or ow < 0:
        raise ValueError("offset_height and offset_width must be >= 0.")
    if th <= 0 or tw <= 0:
        raise ValueError("target_width and target_height must be > 0.")
    if w < tw + ow or h < th + oh:
        raise ValueError(f"width must be >= target + offset and height must be >= target + offset (image {h}x{w}, "
                         f"target {th}x{tw} at {oh},{ow}).")
    lead = [0] * (x.ndim - 3)
    return _native.slice(x, lead + [oh, ow, 0], [-1] * (x.ndim - 3) + [th, tw, -1])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """tf.image.pad_to_bounding_box: the image placed at the offsets in zeros of the target size."""
    x = _image(image, "pad_to_bounding_box")
    oh, ow, th, tw = (int(v) for v in (offset_height, offset_width, target_height, target_width))
    h, w = _hw(x)
    after_h, after_w = th - oh - h, tw - ow - w
    if oh < 0 or ow < 0:
        raise ValueError("offset_height and offset_width must be >= 0")
    if after_w < 0:
        raise ValueError("width must be <= target - offset")
    if after_h < 0:
        raise ValueError("height must be <= target - offset")
    return _native.pad(x, [0, 0] * (x.ndim - 3) + [oh, after_h, ow, after_w, 0, 0], 0.0)


def resize_with_crop_or_pad(image, target_height, target_width):
    """tf.image.resize_with_crop_or_pad: centrally cropped and/or zero-padded to the target size."""
    x = _image(image, "resize_with_crop_or_pad")
    th, tw = int(target_height), int(target_width)
    if th <= 0 or tw <= 0:
        raise ValueError("target_width and target_height must be > 0.")
    h, w = _hw(x)
    cropped = crop_to_bounding_box(x, max(-(th - h) // 2, 0), max(-(tw - w) // 2, 0), min(th, h), min(tw, w))
    return pad_to_bounding_box(cropped, max((th - h) // 2, 0), max((tw - w) // 2, 0), th, tw)


def central_crop(image, central_fraction):
    """tf.image.central_crop: the central `central_fraction` of the height and width."""
    x = _image(image, "central_crop")
    f = float(central_fraction)
    if f <= 0.0 or f > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    if f == 1.0:
        return x
    h, w = _hw(x)
    hs, ws = int((h - h * f) / 2), int((w - w * f) / 2)
    lead = [0] * (x.ndim - 3)
    return _native.slice(x, lead + [hs, ws, 0], [-1] * (x.ndim - 3) + [h - 2 * hs, w - 2 * ws, -1])


def rgb_to_grayscale(images, name=None):
    """tf.image.rgb_to_grayscale: 0.2989 R + 0.5870 G + 0.1140 B on the float image, in the
    input's dtype, the last axis of size 1."""
    x = _t(images)
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"rgb_to_grayscale: the last dimension must be 3 (RGB), got shape {tuple(x.shape)}")
    f = convert_image_dtype(x, _native.float32)
    gray = _native.sum(_native.multiply(f, _native.convert([0.2989, 0.5870, 0.1140], _native.float32)), [-1], True)
    return convert_image_dtype(gray, x.dtype)


def grayscale_to_rgb(images, name=None):
    """tf.image.grayscale_to_rgb: the single channel repeated three times."""
    x = _t(images)
    if x.ndim < 2 or x.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb: the last dimension must be 1, got shape {tuple(x.shape)}")
    return _native.tile(x, [1] * (x.ndim - 1) + [3])


def random_crop(value, size, seed=None, name=None):
    """tf.image.random_crop (= tf.random_crop): a window of `size` at offsets drawn uniformly,
    independently per axis, from tf.random's seeded generator."""
    x = _t(value)
    size = _b()._ints(size, "size")
    if len(size) != x.ndim or any(s < 0 or s > d for s, d in zip(size, x.shape)):
        raise _errors.InvalidArgumentError(None, None, f"Need value.shape >= size, got {list(x.shape)} and {size}")
    from .. import random
    draws = random.uniform([x.ndim], 0, 2 ** 31 - 1, _native.int32, seed)
    offsets = [int(d) % (n - s + 1) for d, n, s in zip(draws, x.shape, size)]
    return _native.slice(x, offsets, size)


def psnr(a, b, max_val, name=None):
    """tf.image.psnr: 20·log10(max_val) - 10·log10(mse) over each image's last three axes, on
    the images converted to float32."""
    a, b = _t(a), _t(b)
    mv = convert_image_dtype(_native.cast(_t(max_val), a.dtype), _native.float32)
    a, b = convert_image_dtype(a, _native.float32), convert_image_dtype(b, _native.float32)
    if tuple(a.shape[-3:]) != tuple(b.shape[-3:]):
        raise ValueError(f"psnr: images of shapes {tuple(a.shape)} and {tuple(b.shape)} are not compatible")
    mse = _native.mean(_native.square(_native.subtract(a, b)), [-3, -2, -1], False)
    ln10 = _native.log(_native.convert(10.0, _native.float32))
    return _native.subtract(_native.divide(_native.multiply(_native.convert(20.0, _native.float32), _native.log(mv)), ln10),
                            _native.multiply(_native.convert(10 / 2.302585092994046, _native.float32), _native.log(mse)))


def total_variation(images, name=None):
    """tf.image.total_variation: the sum of absolute differences of neighbouring pixels, per
    image of a batch (rank 4) or over the whole image (rank 3)."""
    x = _t(images)
    if x.ndim not in (3, 4):
        raise ValueError("'images' must be either 3 or 4-dimensional.")
    o = x.ndim - 3
    h, w = x.shape[o], x.shape[o + 1]

    def diff(axis, n):
        hi = [0] * x.ndim
        hi[axis] = 1
        size = [-1] * x.ndim
        size[axis] = max(n - 1, 0)
        return _native.abs(_native.subtract(_native.slice(x, hi, size), _native.slice(x, [0] * x.ndim, size)))
    axes = None if x.ndim == 3 else [1, 2, 3]
    return _native.add(_native.sum(diff(o, h), axes, False), _native.sum(diff(o + 1, w), axes, False))


def image_gradients(image):
    """tf.image.image_gradients: (dy, dx), the forward differences of a batch (N, H, W, C), zero in
    the last row (dy) and column (dx)."""
    x = _t(image)
    if x.ndim != 4:
        raise ValueError(f"image_gradients expects a 4D tensor [batch_size, h, w, d], not {tuple(x.shape)}.")
    n, h, w, d = x.shape
    dy = _native.subtract(_native.slice(x, [0, 1, 0, 0], [-1, h - 1, -1, -1]), _native.slice(x, [0] * 4, [-1, h - 1, -1, -1]))
    dx = _native.subtract(_native.slice(x, [0, 0, 1, 0], [-1, -1, w - 1, -1]), _native.slice(x, [0] * 4, [-1, -1, w - 1, -1]))
    dy = _native.concatenate([dy, _native.zeros([n, 1, w, d], x.dtype)], 1)
    dx = _native.concatenate([dx, _native.zeros([n, h, 1, d], x.dtype)], 2)
    return dy, dx


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False):
    """tf.image.resize_with_pad: resized keeping the aspect ratio to fit the target, then
    zero-padded (centred) to target_height x target_width, as TF composes it."""
    x = _t(image)
    batch = x.ndim == 4
    if x.ndim == 3:
        x = _native.expand_dims(x, 0)
    elif x.ndim != 4:
        raise ValueError(f"'image' (shape {tuple(x.shape)}) must have either 3 or 4 dimensions.")
    th, tw = int(target_height), int(target_width)
    if th <= 0 or tw <= 0:
        raise ValueError("target_width and target_height must be > 0.")
    import math
    import struct

    def f32(v):   # TF computes the sizes in float32
        return struct.unpack("f", struct.pack("f", v))[0]
    h, w = float(x.shape[1]), float(x.shape[2])
    ratio = max(f32(w / tw), f32(h / th))
    rh, rw = f32(h / ratio), f32(w / ratio)
    ph, pw = max(0, math.floor(f32(f32(th - rh) / 2))), max(0, math.floor(f32(f32(tw - rw) / 2)))
    from .._tf_generated import resize
    out = pad_to_bounding_box(resize(x, [math.floor(rh), math.floor(rw)], method, False, antialias), ph, pw, th, tw)
    return out if batch else _native.squeeze(out, [0])


__all__ = sorted(set(_generated_all) | {"adjust_saturation", "adjust_hue", "random_saturation", "random_hue",
                                        "extract_patches", "psnr", "total_variation", "image_gradients", "resize_with_pad",
    "ResizeMethod", "convert_image_dtype", "adjust_brightness", "adjust_contrast", "adjust_gamma",
    "per_image_standardization", "rot90", "transpose", "random_flip_left_right", "random_flip_up_down",
    "random_brightness", "random_contrast", "crop_to_bounding_box", "pad_to_bounding_box",
    "resize_with_crop_or_pad", "central_crop", "rgb_to_grayscale", "grayscale_to_rgb", "random_crop"})
