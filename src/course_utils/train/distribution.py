"""Training on several devices: :func:`use_distribution` sets one for the whole process.

``"data_parallel"`` copies the model to every device and splits each batch
between them: with TensorFlow a global ``tf.distribute.MirroredStrategy``
(``tf.distribute.experimental_set_strategy``, so every later model build and
``compile`` happens inside its scope), with JAX a global
``keras.distribution.DataParallel`` (``keras.distribution.set_distribution``).
``"none"`` undoes either. :func:`~course_utils.train.fit` reads
:func:`replica_count` and trains on a global batch of ``batch_size`` per device
times the number of replicas.

JAX splits every batch evenly between the devices, so a batch must hold a
multiple of the replica count: under a JAX distribution ``fit`` trains on the
largest such part of the training split (:func:`whole_batches`; it leaves out
fewer examples than there are replicas) and validates, scores and predicts on
every example with the distribution lifted for the call (:func:`undistributed`:
the replicated weights are used on one device).

Simulated devices (tests, a laptop): set ``COURSE_UTILS_CPU_DEVICES=N`` in the
environment and, where there is no GPU, ``use_distribution("data_parallel")``
splits the host CPU into N devices: N logical CPU devices with TensorFlow
(``tf.config.set_logical_device_configuration``), N XLA host devices with JAX
(``--xla_force_host_platform_device_count=N`` added to ``XLA_FLAGS``). Both
only take effect before the backend's runtime starts (TensorFlow's at its first
op or device listing, which loading data with ``tf.data`` may be; JAX's at its
first array), so call :func:`use_distribution` before loading data; under JAX,
setting ``XLA_FLAGS`` in the environment before the process starts always
works. Too late, it raises and says so.

Examples
--------
>>> use_distribution("none")
1
>>> use_distribution("model_parallel")
Traceback (most recent call last):
...
course_utils.errors.ParameterError: The 'distribution' parameter of use_distribution must be \
one of ['none', 'data_parallel']. Got 'model_parallel' instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import keras

from .._checks import check_choice, check_int, fail
from .._devices import replica_count
from ..errors import CourseUtilsError

__all__ = ["DISTRIBUTIONS", "CPU_DEVICES_VARIABLE", "use_distribution", "replica_count"]

#: The choices of the notebooks' ``distribution`` parameter.
DISTRIBUTIONS = ("none", "data_parallel")
#: The environment variable asking for that many simulated CPU devices.
CPU_DEVICES_VARIABLE = "COURSE_UTILS_CPU_DEVICES"
_XLA_FLAG = "--xla_force_host_platform_device_count"


def _simulated_devices() -> int | None:
    """``$COURSE_UTILS_CPU_DEVICES`` as an int >= 1, or None when unset or empty."""
    value = os.environ.get(CPU_DEVICES_VARIABLE, "").strip()
    if not value:
        return None
    number = int(value) if value.isdigit() else value
    return check_int(number, CPU_DEVICES_VARIABLE, "use_distribution (environment)", minimum=1)


def _too_late(found: int, wanted: int, fix: str) -> CourseUtilsError:
    return CourseUtilsError(
        f"{CPU_DEVICES_VARIABLE}={wanted} asks for {wanted} simulated CPU devices, but the "
        f"{keras.backend.backend()} runtime had already started with {found}. {fix}")


def _tensorflow_devices(simulated: int | None) -> list[str]:
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return [d.name for d in tf.config.list_logical_devices("GPU")]
    if simulated:
        (cpu,) = tf.config.list_physical_devices("CPU")[:1]
        try:
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * simulated)
        except RuntimeError:  # the runtime has started; fine if it already has them
            found = len(tf.config.list_logical_devices("CPU"))
            if found != simulated:
                raise _too_late(found, simulated, "Call use_distribution before loading "
                                "data or building a model.") from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def _jax_devices(simulated: int | None) -> list[str]:
    if simulated:
        flags = os.environ.get("XLA_FLAGS", "")
        if _XLA_FLAG not in flags:  # read when JAX starts its CPU backend
            os.environ["XLA_FLAGS"] = f"{flags} {_XLA_FLAG}={simulated}".strip()
    devices = keras.distribution.list_devices()
    if simulated and devices[0].startswith("cpu") and len(devices) != simulated:
        raise _too_late(len(devices), simulated, f"Set XLA_FLAGS={_XLA_FLAG}={simulated} "
                        "in the environment before Python starts.")
    return devices


def use_distribution(distribution: str = "none") -> int:
    """Train every model built from now on with ``distribution``; return the replica count.

    Parameters
    ----------
    distribution : {"none", "data_parallel"}, default "none"
        ``"data_parallel"``: one replica of the model per device (every GPU,
        else the CPU, split into ``$COURSE_UTILS_CPU_DEVICES`` devices when
        that is set), each batch split between them, gradients summed.
        ``"none"``: one device, and any distribution set before is removed.

    Returns
    -------
    int
        The number of replicas (devices) each training step runs on.

    Raises
    ------
    ParameterError
        For an unknown ``distribution`` or a bad ``$COURSE_UTILS_CPU_DEVICES``.
    CourseUtilsError
        When the simulated devices are asked for after the backend's runtime
        started with another number of them.

    Examples
    --------
    >>> use_distribution("none")
    1
    """
    check_choice(distribution, "distribution", "use_distribution", DISTRIBUTIONS)
    tensorflow = keras.backend.backend() == "tensorflow"
    if distribution == "none":
        if tensorflow:
            import tensorflow as tf

            if tf.distribute.has_strategy():
                tf.distribute.experimental_set_strategy(None)
        elif keras.backend.backend() == "jax":
            keras.distribution.set_distribution(None)
        return replica_count()
    if not tensorflow and keras.backend.backend() != "jax":
        raise fail("distribution", "use_distribution", "'none' on the "
                   f"{keras.backend.backend()} backend ('data_parallel' needs tensorflow or jax)",
                   distribution)
    simulated = _simulated_devices()
    if tensorflow:
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy(devices=_tensorflow_devices(simulated))
        tf.distribute.experimental_set_strategy(strategy)
    else:
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=_jax_devices(simulated)))
    return replica_count()


def whole_batches() -> int:
    """The number the training examples must be a multiple of for every batch to split evenly.

    The replica count under a JAX distribution, else 1 (TensorFlow splits a
    ragged last batch itself).

    >>> whole_batches()
    1
    """
    return replica_count() if keras.backend.backend() == "jax" else 1


@contextlib.contextmanager
def undistributed() -> Iterator[None]:
    """Lift a JAX distribution for the block (evaluate or predict any number of examples).

    Under TensorFlow, or without a distribution, it changes nothing.

    >>> with undistributed():
    ...     replica_count()
    1
    """
    if keras.backend.backend() != "jax" or keras.distribution.distribution() is None:
        yield
        return
    current = keras.distribution.distribution()
    keras.distribution.set_distribution(None)
    try:
        yield
    finally:
        keras.distribution.set_distribution(current)
