"""``tf.config``: ``tf.config.threading`` (``threading.py``, the core's thread count) and the
device functions (``devices.py``: one CPU, no GPU). Each area lives in its own module of this
package."""
from . import threading
from .devices import (LogicalDevice, PhysicalDevice, experimental, functions_run_eagerly,
                      get_logical_device_configuration, get_visible_devices, list_logical_devices,
                      list_physical_devices, run_functions_eagerly, set_logical_device_configuration,
                      set_soft_device_placement, set_visible_devices, soft_device_placement)

__all__ = ["threading", "PhysicalDevice", "LogicalDevice", "list_physical_devices", "list_logical_devices",
           "get_visible_devices", "set_visible_devices", "get_logical_device_configuration",
           "set_logical_device_configuration", "experimental", "run_functions_eagerly",
           "functions_run_eagerly", "soft_device_placement", "set_soft_device_placement"]
