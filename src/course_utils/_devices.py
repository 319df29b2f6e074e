"""How many devices a training step runs on: one reading for the trainer and the records.

Part of the base layer, so that both :mod:`course_utils.train` (the global
batch is the per-device batch times this) and :mod:`course_utils.book` (the
record's ``devices``) count replicas the same way. Keras is imported only
when it already was: a process that never imported it set no distribution.

Example
-------
>>> replica_count()
1
"""

from __future__ import annotations

import sys

__all__ = ["replica_count"]


def replica_count() -> int:
    """The replicas of the distribution in force: 1 without one.

    Under TensorFlow, the ``num_replicas_in_sync`` of ``tf.distribute.get_strategy()``
    (a MirroredStrategy set with ``experimental_set_strategy``); under JAX, the
    devices of the mesh of ``keras.distribution.distribution()``.
    """
    if "keras" not in sys.modules:
        return 1  # nothing set a distribution without importing Keras
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return int(tf.distribute.get_strategy().num_replicas_in_sync)
    mesh = getattr(keras.distribution.distribution(), "device_mesh", None)
    return int(mesh.devices.size) if mesh is not None else 1
