"""Every notebook on the JAX backend, and a two-device data-parallel run on each backend.

The JAX runs mirror ``conftest.smoke_run`` (TensorFlow): every notebook in
``_toc.yml`` executed once with the ``smoke`` preset, here with
``backend="jax"``. No notebook is exempt from the JAX runs.

The two-device runs execute ``01_optimizers`` (smoke) with ``distribution=
data_parallel`` on two simulated CPU devices (``COURSE_UTILS_CPU_DEVICES=2``
and, for JAX, ``XLA_FLAGS=--xla_force_host_platform_device_count=2``) and a
per-device ``batch_size`` of 16, so the global batch (16 x 2) equals the
one-device smoke run's 32: the same examples in the same batches, the same
updates up to the order in which the two halves' gradients are summed. The
one-device runs are those of the smoke fixtures (``smoke_run`` for TensorFlow,
``jax_smoke`` here), so ``make test`` pays only for the two-device runs.
"""

from __future__ import annotations

import json
import os

import pytest

from course_utils.book.layout import Layout
from course_utils.book.runner import plan_runs, run_plans
from course_utils.paths import project_root

ROOT = project_root(os.path.dirname(__file__))
#: Largest accepted difference in test accuracy between one and two devices. The
#: updates differ only in floating-point summation order, which can flip a
#: borderline prediction or two: 0.02 is two of the hundred test examples.
TOLERANCE = 0.02
NOTEBOOK = "01_optimizers"


def _layout(base):
    return Layout.default(ROOT, executed_dir=base / "executed", results_dir=base / "results")


def _record(layout, name):
    return json.loads((layout.results_dir / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def jax_smoke(tmp_path_factory):
    """Every notebook executed once with the smoke preset on the JAX backend."""
    layout = _layout(tmp_path_factory.mktemp("jax_smoke"))
    plans = plan_runs(None, preset="smoke", layout=layout, backend="jax")
    outcomes = run_plans(plans, jobs=2, progress=False, force=True)
    return layout, {o.name: o for o in outcomes}


def _names():
    from course_utils.book.notebooks import notebook_names

    return notebook_names(Layout.default(ROOT))


@pytest.mark.notebooks
@pytest.mark.parametrize("name", _names())
def test_smoke_run_succeeds_on_jax(jax_smoke, name):
    layout, outcomes = jax_smoke
    outcome = outcomes[name]
    assert outcome.ok, f"{name} failed on JAX: {outcome.error} (log: {outcome.log})"
    record = _record(layout, name)
    assert record["backend"] == "jax"
    assert "jax" in record["versions"]


def _accuracies(record):
    return {e["experiment"]: e["metrics"]["test_accuracy"] for e in record["experiments"]}


@pytest.fixture
def one_device(request, backend):
    """The layout of the one-device smoke run of NOTEBOOK on ``backend``."""
    layout, outcomes = request.getfixturevalue("smoke_run" if backend == "tensorflow"
                                               else "jax_smoke")
    assert outcomes[NOTEBOOK].ok, outcomes[NOTEBOOK].error
    return layout


@pytest.mark.notebooks
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_two_devices_give_the_one_device_accuracy(backend, one_device, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_UTILS_CPU_DEVICES", "2")
    if backend == "jax":
        monkeypatch.setenv("XLA_FLAGS", "--xla_force_host_platform_device_count=2")
    layout = _layout(tmp_path)
    single = _record(one_device, NOTEBOOK)
    plans = plan_runs([NOTEBOOK], preset="smoke", layout=layout, backend=backend,
                      overrides={"distribution": "data_parallel",
                                 "batch_size": single["parameters"]["batch_size"] // 2})
    (outcome,) = run_plans(plans, progress=False, force=True)
    assert outcome.ok, f"{outcome.error} (log: {outcome.log})"
    double = _record(layout, NOTEBOOK)
    assert (single["devices"], double["devices"]) == (1, 2)
    assert double["backend"] == single["backend"] == backend
    assert double["parameters"]["distribution"] == "data_parallel"
    one, two = _accuracies(single), _accuracies(double)
    assert set(one) == set(two)
    far = {k: (one[k], two[k]) for k in one if abs(one[k] - two[k]) > TOLERANCE}
    assert not far, f"test accuracy on 1 vs 2 devices differs by more than {TOLERANCE}: {far}"
