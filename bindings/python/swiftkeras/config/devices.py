"""``tf.config``'s device functions: SwiftKeras runs on the CPU only, so the physical and logical
device lists hold one CPU and no GPU, and asking to place work on a GPU raises RuntimeError
saying there is none (``tf.device``). ``tf.config.threading`` bounds the CPU's threads."""
import os
import re

__all__ = ["PhysicalDevice", "LogicalDevice", "list_physical_devices", "list_logical_devices",
           "get_visible_devices", "set_visible_devices", "get_logical_device_configuration",
           "set_logical_device_configuration", "experimental", "run_functions_eagerly",
           "functions_run_eagerly", "device", "soft_device_placement", "set_soft_device_placement"]

class _Device:
    """A (name, device_type) record that compares and prints as TF's namedtuples do."""

    __slots__ = ("name", "device_type")

    def __init__(self, name, device_type):
        self.name, self.device_type = name, device_type

    def __eq__(self, other):
        return type(other) is type(self) and (self.name, self.device_type) == (other.name, other.device_type)

    def __hash__(self):
        return hash((type(self).__name__, self.name, self.device_type))

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r}, device_type={self.device_type!r})"


class PhysicalDevice(_Device):
    """A device SwiftKeras runs on (``tf.config.PhysicalDevice``)."""


class LogicalDevice(_Device):
    """A device as ops see it (``tf.config.LogicalDevice``)."""

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_CPU_LOGICAL = LogicalDevice("/device:CPU:0", "CPU")
_KNOWN_TYPES = ("CPU", "GPU", "TPU", "XLA_CPU", "XLA_GPU")


def _check_type(device_type):
    if device_type is not None and device_type.upper() not in _KNOWN_TYPES:
        raise ValueError(f"device_type {device_type!r} is not one of {', '.join(_KNOWN_TYPES)}")


def list_physical_devices(device_type=None):
    """One CPU; an empty list for "GPU" and every other accelerator type."""
    _check_type(device_type)
    return [_CPU] if device_type is None or device_type.upper() == "CPU" else []


def list_logical_devices(device_type=None):
    _check_type(device_type)
    return [_CPU_LOGICAL] if device_type is None or device_type.upper() == "CPU" else []


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepts the CPU (or an empty list of GPUs); hiding the CPU is not possible."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for d in devices:
        if d != _CPU:
            raise ValueError(f"Unrecognized device: {d!r} (SwiftKeras has only {_CPU!r})")
    if device_type in (None, "CPU") and _CPU not in devices:
        raise ValueError("The CPU cannot be hidden: SwiftKeras runs every op on it")


def get_logical_device_configuration(device):
    if device != _CPU:
        raise ValueError(f"Unrecognized device: {device!r}")
    return None


def set_logical_device_configuration(device, logical_devices):
    raise NotImplementedError("set_logical_device_configuration: splitting the CPU into logical devices is not supported")


_eager = [False]


def run_functions_eagerly(run_eagerly):
    """Recorded; SwiftKeras's tf.function runs its Python eagerly in either case."""
    _eager[0] = bool(run_eagerly)


def functions_run_eagerly():
    return _eager[0]


_soft = [True]


def soft_device_placement():
    return _soft[0]


def set_soft_device_placement(enabled):
    _soft[0] = bool(enabled)


_DEVICE = re.compile(r"^(/job:[^/]+)?(/replica:\d+)?(/task:\d+)?(/device:|/)?(?P<type>[A-Za-z_]+):(?P<index>\d+|\*)$")


class device:  # noqa: N801  (tf.device is a lower-case context manager)
    """``with tf.device("/CPU:0"):``: CPU names are accepted (every op runs there anyway); a GPU
    or TPU name raises RuntimeError saying this machine has none for SwiftKeras."""

    def __init__(self, device_name):
        self.name = device_name
        if device_name is None or device_name == "":
            return
        if not isinstance(device_name, str):
            raise TypeError(f"tf.device: expected a device name string, got {type(device_name).__name__}")
        m = _DEVICE.match(device_name.strip())
        if not m:
            raise ValueError(f"tf.device: cannot parse device name {device_name!r}")
        kind = m.group("type").upper()
        if kind not in ("CPU", "XLA_CPU"):
            raise RuntimeError(f"tf.device({device_name!r}): SwiftKeras has no {kind} device; every op runs on "
                               f"the CPU (tf.config.list_physical_devices('GPU') is empty)")
        if m.group("index") not in ("0", "*"):
            raise ValueError(f"tf.device({device_name!r}): there is one CPU device, /CPU:0")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Experimental:
    """``tf.config.experimental``: memory growth and device details (CPU only)."""

    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)

    @staticmethod
    def set_memory_growth(device, enable):
        raise ValueError(f"Cannot set memory growth on non-GPU devices ({device!r})")

    @staticmethod
    def get_memory_growth(device):
        raise ValueError(f"Cannot get memory growth on non-GPU devices ({device!r})")

    @staticmethod
    def get_device_details(device):
        if device != _CPU:
            raise ValueError(f"Unrecognized device: {device!r}")
        return {"cpu_count": os.cpu_count()}

    @staticmethod
    def enable_op_determinism():
        """SwiftKeras's ops are deterministic already."""


experimental = _Experimental()
