"""course_utils.train.distribution: use_distribution, replica counts, the global batch in fit."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import keras
import pytest

from course_utils import CourseUtilsError, ParameterError
from course_utils.data import load_dataset
from course_utils.models import mlp
from course_utils.train import fit, fitting, replica_count, use_distribution
from course_utils.train.distribution import CPU_DEVICES_VARIABLE, undistributed, whole_batches


def test_an_unknown_distribution_is_refused_naming_the_choices():
    with pytest.raises(ParameterError, match=r"'distribution' parameter of use_distribution "
                       r"must be one of \['none', 'data_parallel'\]\. Got 'mirrored'"):
        use_distribution("mirrored")


def test_none_gives_one_replica_and_changes_nothing():
    assert use_distribution("none") == 1
    assert replica_count() == 1 and whole_batches() == 1
    with undistributed():
        assert replica_count() == 1


def test_a_bad_simulated_device_count_is_refused(monkeypatch):
    monkeypatch.setenv(CPU_DEVICES_VARIABLE, "two")
    with pytest.raises(ParameterError, match=CPU_DEVICES_VARIABLE):
        use_distribution("data_parallel")
    use_distribution("none")


class _Batches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1


def test_fit_trains_on_the_per_device_batch_times_the_replicas(monkeypatch):
    data = load_dataset("digits", limit=64)
    n = len(data.y_train)
    counted = {}
    for replicas in (1, 2):
        monkeypatch.setattr(fitting, "replica_count", lambda r=replicas: r)
        batches = _Batches()
        fit(lambda: mlp(data.input_shape, 10, hidden=(4,)), data, epochs=1, batch_size=8,
            progress=False, callbacks=[batches])
        counted[replicas] = batches.steps
    # one replica: steps_per_execution batches per callback call; two: one batch per call
    assert counted[2] == math.ceil(n / 16)
    assert counted[1] == math.ceil(math.ceil(n / 8) / fitting.STEPS_PER_EXECUTION)


_SCRIPT = """
import json
from course_utils.book.environment import device_count
from course_utils.data import load_dataset
from course_utils.models import mlp
from course_utils.train import fit, replica_count, use_distribution
replicas = use_distribution("data_parallel")
data = load_dataset("digits", limit=101)  # ragged: 101 examples in no split of even size
run = fit(lambda: mlp(data.input_shape, 10, hidden=(8,)), data, epochs=2, batch_size=8,
          progress=False)
out = {"replicas": replicas, "recorded": device_count(), "history": list(run.history),
       "predictions": len(run.probabilities("test")), "test": len(data.y_test),
       "none": use_distribution("none"), "after": replica_count()}
print(json.dumps(out))
"""

_TOO_LATE = """
import keras
from course_utils.train import use_distribution
keras.ops.ones(1)  # starts the backend's runtime on one CPU device
use_distribution("data_parallel")
"""


def _python(code: str, backend: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": backend, CPU_DEVICES_VARIABLE: "2",
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("XLA_FLAGS", None)  # use_distribution adds the flag itself
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_data_parallel_on_two_simulated_devices(backend):
    import json

    done = _python(_SCRIPT, backend)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["replicas"] == 2 and out["recorded"] == 2
    assert {"val_loss", "val_accuracy"} <= set(out["history"])
    assert out["predictions"] == out["test"]
    assert out["none"] == 1 and out["after"] == 1


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_simulated_devices_asked_for_too_late_say_so(backend):
    done = _python(_TOO_LATE, backend)
    assert done.returncode != 0
    assert CourseUtilsError.__name__ in done.stderr
    assert "asks for 2 simulated CPU devices" in done.stderr
