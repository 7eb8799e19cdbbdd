"""tf.image: the image functions that are one core op (generated from the op table: resize,
flip_left_right, flip_up_down) and ``ResizeMethod``."""
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


__all__ = sorted(set(_generated_all) | {"ResizeMethod"})
