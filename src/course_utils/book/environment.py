"""The environment a result came from: library versions and the compute device.

Both go into every results record, so a number can be traced to the software
and hardware that produced it.

Example
-------
>>> "python" in library_versions()
True
>>> device_name().startswith(("CPU", "GPU"))  # doctest: +SKIP
True
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

from .._devices import replica_count

__all__ = ["library_versions", "device_name", "backend_name", "device_count", "peak_memory_mb"]

_LIBRARIES = ("course-utils", "keras", "tensorflow-cpu", "tensorflow", "jax", "jaxlib", "numpy",
              "pandas", "scikit-learn", "aif360", "matplotlib")


def library_versions() -> dict[str, str]:
    """Return the installed versions of the libraries a result depends on.

    Returns
    -------
    dict of str to str
        ``"python"`` and every installed library of the list above.
    """
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def peak_memory_mb() -> float | None:
    """The largest resident memory this process has had so far, in MiB.

    In a notebook that is the kernel's peak, which is what a machine must have
    to run it. ``None`` where the platform has no ``resource`` module (Windows).

    >>> peak_memory_mb() > 1
    True
    """
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)  # bytes vs KiB


def device_name() -> str:
    """Return ``"GPU (<name>)"`` when Keras' backend sees a GPU, else ``"CPU"``.

    Imports Keras and its backend (TensorFlow or JAX) on first call; a missing
    or broken backend still reports ``"CPU"``.
    """
    try:
        import keras

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_logical_devices("GPU")
            if gpus:
                return f"GPU ({gpus[0].name})"
        elif keras.backend.backend() == "jax":
            import jax

            devices = [d for d in jax.devices() if d.platform == "gpu"]
            if devices:
                return f"GPU ({devices[0].device_kind})"
    except Exception:  # a missing or broken backend still leaves a CPU to report
        pass
    return "CPU"


def backend_name() -> str:
    """The Keras backend this process runs on: ``"tensorflow"``, ``"jax"`` or ``"torch"``.

    Set by ``KERAS_BACKEND`` before Keras is first imported (``course-book run
    --backend jax`` sets it for the kernel). Without Keras imported yet (a
    notebook that trained nothing) that variable is the answer, and Keras is
    not imported to ask.
    """
    if "keras" not in sys.modules:
        return os.environ.get("KERAS_BACKEND") or "tensorflow"
    import keras

    return keras.backend.backend()


def device_count() -> int:
    """How many devices a training step runs on: the replicas of the global distribution
    (:func:`course_utils._devices.replica_count`, the count training uses too).

    >>> device_count()
    1
    """
    return replica_count()
