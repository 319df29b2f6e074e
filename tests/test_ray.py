"""The Ray executor on a local Ray started inside pytest (2 CPUs).

A real 2-notebook x 2-seed smoke sweep goes through it and must give the very
metrics of the local run; a task whose worker process is killed mid-run is
retried and its record written once; a notebook that raises is reported and
publishes nothing; a run asking for GPUs the cluster lacks is refused before
anything is submitted.
"""

from __future__ import annotations

import json
import os

import pytest
from tiny_book import GOOD, freeze_library, make_project

from course_utils.book import cli, ray_executor
from course_utils.book.ray_executor import run_on_ray
from course_utils.book.runner import plan_runs, run_plans
from course_utils.errors import ParameterError

ray = pytest.importorskip("ray", reason="Ray is in the test lock; `make test` installs it")

#: Kills its own Ray worker (the kernel's parent process) on its first attempt only;
#: every attempt appends a line to ``marker``.
KILLS_ITS_WORKER = """import os, pathlib, signal
marks = pathlib.Path(marker)
marks.write_text((marks.read_text() if marks.exists() else "") + f"{os.getppid()}\\n")
if len(marks.read_text().splitlines()) == 1:
    os.kill(os.getppid(), signal.SIGKILL)
""" + GOOD.replace('"good"', '"killer"')
PARAMS = "seed = 0\nepochs = 1\npreset = 'quick'\nmarker = ''"


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.fixture
def project(tmp_path, monkeypatch):
    freeze_library(monkeypatch, tmp_path / "library")
    return make_project(tmp_path / "project", {
        "good": GOOD, "killer": (KILLS_ITS_WORKER, PARAMS),
        "bad": "raise ValueError('boom: this notebook fails on purpose')"})


def test_a_killed_worker_is_retried_and_the_record_is_written_exactly_once(
        local_ray, project, tmp_path, monkeypatch):
    promoted = []
    real = ray_executor.promote
    monkeypatch.setattr(ray_executor, "promote",
                        lambda layout, name, copy: (promoted.append(name), real(layout, name,
                                                                                 copy)))
    marker = tmp_path / "attempts"
    plans = (plan_runs(["killer"], preset="smoke", overrides={"marker": str(marker)},
                       layout=project, beside=True)
             + plan_runs(["good"], preset="smoke", overrides={"seed": 2}, layout=project,
                         beside=True))
    outcomes = run_plans(plans, execute=lambda todo: run_on_ray(todo, progress=False))
    assert [o.status for o in outcomes] == ["ran", "ran"], [o.error for o in outcomes]
    first, second = marker.read_text().splitlines()
    assert first != second, "the retry ran in the worker that was killed"
    assert int(second) == outcomes[0].extra["pid"]
    assert sorted(promoted) == ["good", "killer"], "a record was written more than once"
    record = json.loads((plans[0].layout.results_dir / "killer.json").read_text())
    assert record["run_id"] == plans[0].run_id
    assert list(plans[0].layout.results_dir.glob("killer*.json")) == [
        plans[0].layout.results_dir / "killer.json"]


def test_a_notebook_that_raises_is_reported_and_publishes_nothing(local_ray, project):
    plans = plan_runs(["bad"], preset="smoke", overrides={"seed": 1}, layout=project,
                      beside=True)
    (outcome,) = run_plans(plans, execute=lambda todo: run_on_ray(todo, progress=False))
    assert outcome.status == "failed" and outcome.label == "bad/smoke+seed=1"
    assert "cell [3]" in outcome.error and "ValueError: boom" in outcome.error
    folder = plans[0].layout.results_dir
    assert not (folder / "bad.json").exists() and not (folder / "bad.ipynb").exists()
    assert outcome.failed_copy == folder / "failed" / "bad.ipynb" and outcome.failed_copy.is_file()
    assert "boom" in outcome.failed_copy.read_text()


def test_a_run_asking_for_gpus_the_cluster_lacks_is_refused_before_submission(
        local_ray, project):
    plans = plan_runs(["good"], preset="smoke", layout=project, beside=True)
    with pytest.raises(ParameterError, match=r"asks for 1 GPU\(s\) but the Ray cluster has 0"):
        run_on_ray(plans, gpus_per_run=1, progress=False)
    assert not plans[0].layout.results_dir.exists()


@pytest.mark.notebooks
def test_a_smoke_sweep_through_ray_matches_the_local_runs(local_ray, smoke_run, tmp_path,
                                                           capsys):
    layout, outcomes = smoke_run
    names = ["01_optimizers", "03_loss_functions"]
    results = tmp_path / "results"
    code = cli.main(["--root", str(layout.root), "sweep", *names, "--preset", "smoke",
                     "-p", "seed", "0,1", "--executor", "ray", "--results-dir", str(results),
                     "--executed-dir", str(tmp_path / "executed"), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    for name in names:
        assert outcomes[name].ok, outcomes[name].error
        local = json.loads((layout.results_dir / f"{name}.json").read_text())
        for seed in (0, 1):
            folder = results / "runs" / name / f"smoke+seed={seed}"
            record = json.loads((folder / f"{name}.json").read_text())
            assert record["seed"] == seed and (folder / f"{name}.ipynb").is_file()
            assert (folder / f"{name}-predictions.csv").is_file()
            if seed == 0:  # same notebook, preset and seed on the same CPU: same numbers
                assert ([e["metrics"] for e in record["experiments"]]
                        == [e["metrics"] for e in local["experiments"]])
    sweeps = sorted(os.listdir(results / "sweeps"))
    assert len(sweeps) == 2 and all(s.endswith(".json") for s in sweeps)
