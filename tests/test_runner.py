"""The runner: parameter handling, refusals, failures, staged results, safe writes."""

from __future__ import annotations

import json

import nbformat
import pytest
from tiny_book import GOOD, SAVES_THEN_FAILS, freeze_library, make_project, write_notebook

from course_utils.book import cli
from course_utils.book.notebooks import parse_value
from course_utils.book.publishing import machine_paths
from course_utils.book.runner import plan_runs, run_plans
from course_utils.errors import ParameterError

BAD = "x = 1\nraise ValueError('boom: this notebook fails on purpose')"


@pytest.fixture
def project(tmp_path, monkeypatch):
    freeze_library(monkeypatch, tmp_path / "library")
    return make_project(tmp_path / "project", {"good": GOOD, "bad": BAD}, presets={
        "good": "  smoke: {epochs: 0}\n  quick: {}\n  full: {epochs: 9}\n"})


def test_values_parse_like_papermill():
    assert parse_value("3") == 3
    assert parse_value("0.5") == 0.5
    assert parse_value("true") is True
    assert parse_value("[sgd, adam]") == ["sgd", "adam"]
    assert parse_value("None") == "None" and parse_value("null") is None


def test_plan_merges_preset_then_overrides(project):
    (plan,) = plan_runs(["good"], preset="smoke", overrides={"seed": 3}, layout=project)
    assert plan.parameters == {"epochs": 0, "seed": 3, "preset": "smoke"}


def test_plan_accepts_a_unique_prefix_and_defaults_to_quick(project):
    (plan,) = plan_runs(["go"], layout=project)
    assert plan.name == "good" and plan.preset == "quick"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"names": ["nope"]},
     r"The 'names' parameter of plan_runs must be notebooks of _toc.yml, each one of "
     r"\['good', 'bad'\]\. Got 'nope' instead\."),
    ({"preset": "huge"},
     r"The 'preset' parameter of plan_runs must be one of \['smoke', 'quick', 'full'\]\. "
     r"Got 'huge' instead\."),
    ({"overrides": {"learning_rat": 1}},
     r"The 'overrides' parameter of plan_runs must be parameters of notebook 'good', each one "
     r"of \['seed', 'epochs', 'preset'\]\. Got 'learning_rat' instead\. \(given with -p\)"),
])
def test_unknown_names_are_refused_before_anything_runs(project, kwargs, message):
    names = kwargs.pop("names", ["good"])
    with pytest.raises(ParameterError, match=message):
        plan_runs(names, layout=project, **kwargs)
    assert not project.executed_dir.exists()


def test_a_preset_naming_an_unknown_parameter_is_refused(project):
    project.presets_file.write_text(
        "good:\n  smoke: {colour: red}\n  quick: {}\n  full: {}\n"
        "bad:\n  smoke: {}\n  quick: {}\n  full: {}\n")
    with pytest.raises(ParameterError, match=r"gives notebook 'good' the parameter\(s\) "
                                             r"'colour' in its 'smoke' preset"):
        plan_runs(["good"], preset="smoke", layout=project)


def test_cli_refuses_unknown_parameter_with_exit_2(project, capsys):
    code = cli.main(["--root", str(project.root), "run", "good", "-p", "colour", "red"])
    assert code == 2
    err = capsys.readouterr().err
    assert "course-book run: error: The 'overrides' parameter" in err and "'colour'" in err


def test_run_writes_copy_record_and_environment_box(project):
    (outcome,) = run_plans(plan_runs(["good"], preset="smoke", overrides={"seed": 3},
                                     layout=project), progress=False)
    assert outcome.status == "ran", outcome.error
    record = json.loads((project.results_dir / "good.json").read_text())
    assert record["parameters"]["seed"] == 3 and record["preset"] == "smoke"
    assert 20 < record["peak_memory_mb"] < 8192  # the kernel's own peak, in MiB
    assert record["fingerprint"] == nbformat.read(
        project.executed("good"), as_version=4).metadata["lab_book"]["fingerprint"]
    nb = nbformat.read(project.executed("good"), as_version=4)
    assert "run-environment" in nb.cells[1].metadata["tags"]
    assert "smoke" in nb.cells[1].source
    assert not (project.results_dir / ".staging").exists()


def test_executed_copy_names_no_machine_path_and_no_temporary_file(project, tmp_path):
    (outcome,) = run_plans(plan_runs(["good"], layout=project), progress=False)
    assert outcome.status == "ran", outcome.error
    copy = project.executed("good")
    meta = nbformat.read(copy, as_version=4).metadata["papermill"]
    assert meta["input_path"] == "notebooks/good.ipynb"
    assert meta["output_path"] == "book/_executed/good.ipynb"
    text = copy.read_text()
    assert ".running" not in text and str(tmp_path) not in text
    assert machine_paths(project.executed_dir, folders=[tmp_path]) == []


def test_a_copy_outside_the_project_keeps_no_output_path(project, tmp_path):
    from course_utils.book.layout import Layout

    outside = Layout(project.root, tmp_path / "elsewhere" / "executed", project.results_dir)
    (outcome,) = run_plans(plan_runs(["good"], layout=outside), progress=False)
    assert outcome.status == "ran", outcome.error
    meta = nbformat.read(outside.executed("good"), as_version=4).metadata["papermill"]
    assert meta["input_path"] == "notebooks/good.ipynb" and meta["output_path"] is None


def test_failing_notebook_exits_nonzero_names_itself_and_keeps_good_copy(project, capsys):
    root = str(project.root)
    assert cli.main(["--root", root, "run", "good", "--no-progress"]) == 0
    good_copy = project.executed("good")
    # Make the good notebook fail, keep its earlier executed copy.
    before = good_copy.read_bytes()
    write_notebook(project.source("good"), "raise RuntimeError('broken on purpose')")
    code = cli.main(["--root", root, "run", "good", "bad", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert "FAILED good: cell [3] (numbered as in the failed copy): RuntimeError: broken" in err
    assert "FAILED bad: cell [3] (numbered as in the failed copy): ValueError: boom" in err
    assert good_copy.read_bytes() == before
    assert project.failed("bad").is_file() and project.failed("good").is_file()
    assert not project.executed("bad").exists()


@pytest.fixture
def saver(tmp_path, monkeypatch):
    freeze_library(monkeypatch, tmp_path / "library")
    return make_project(tmp_path / "project", {
        "saver": (SAVES_THEN_FAILS, "seed = 0\nfail = False\npreset = 'quick'")})


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_notebook_failing_after_saving_leaves_the_last_good_run_byte_identical(saver):
    (good,) = run_plans(plan_runs(["saver"], layout=saver), progress=False)
    assert good.status == "ran", good.error
    results_before = _files(saver.results_dir)
    copy_before = saver.executed("saver").read_bytes()
    assert set(results_before) == {"saver.json", "saver-predictions.csv"}

    (failed,) = run_plans(plan_runs(["saver"], overrides={"seed": 1, "fail": True},
                                    layout=saver), progress=False)
    assert failed.status == "failed" and "failed after saving" in failed.error
    assert saver.executed("saver").read_bytes() == copy_before
    after = {name: data for name, data in _files(saver.results_dir).items()
             if not name.startswith(".staging/")}
    assert after == results_before
    # The failed run did save: its files wait in staging, never promoted.
    staged = json.loads((saver.staging("saver") / "saver.json").read_text())
    assert staged["parameters"]["seed"] == 1


def test_a_good_run_removes_the_predictions_its_predecessor_left(saver):
    (first,) = run_plans(plan_runs(["saver"], layout=saver), progress=False)
    assert first.status == "ran", first.error
    write_notebook(saver.source("saver"), SAVES_THEN_FAILS.replace(
        'rec.add_predictions("only", [0, 1, 1], [0, 1, seed % 2])\n', ""),
        "seed = 0\nfail = False\npreset = 'quick'")
    (second,) = run_plans(plan_runs(["saver"], layout=saver), progress=False)
    assert second.status == "ran", second.error
    assert sorted(p.name for p in saver.results_dir.iterdir()) == ["saver.json"]


def test_a_notebook_that_writes_no_record_fails_and_promotes_nothing(project):
    write_notebook(project.source("good"), "x = 1")
    (outcome,) = run_plans(plan_runs(["good"], layout=project), progress=False)
    assert outcome.status == "failed" and "wrote no results record (good.json)" in outcome.error
    assert not project.executed("good").exists() and project.failed("good").is_file()
    assert not (project.results_dir / "good.json").exists()


def test_unchanged_notebook_is_skipped_and_force_reruns(project, capsys):
    root = str(project.root)
    assert cli.main(["--root", root, "run", "good", "--no-progress"]) == 0
    assert "ran in" in capsys.readouterr().out
    assert cli.main(["--root", root, "run", "good", "--no-progress"]) == 0
    assert "unchanged since its last good run, skipped" in capsys.readouterr().out
    assert cli.main(["--root", root, "run", "good", "-p", "seed", "1", "--no-progress"]) == 0
    assert "ran in" in capsys.readouterr().out
    assert cli.main(["--root", root, "run", "good", "-p", "seed", "1", "--force",
                     "--no-progress"]) == 0
    assert "ran in" in capsys.readouterr().out


def test_parallel_jobs_run_every_notebook(project):
    plans = plan_runs(None, layout=project)
    outcomes = run_plans(plans, jobs=2, progress=False)
    assert [(o.name, o.status) for o in outcomes] == [("good", "ran"), ("bad", "failed")]
    assert json.loads((project.results_dir / "good.json").read_text())["preset"] == "quick"


def test_list_shows_notebooks_parameters_and_presets(project, capsys):
    assert cli.main(["--root", str(project.root), "list"]) == 0
    out = capsys.readouterr().out
    assert "good\n  parameters: seed=0, epochs=1, preset='quick'" in out
    assert "smoke: epochs=0" in out and "quick: (defaults)" in out


def test_kernel_stderr_goes_to_the_notebooks_log_not_the_terminal(tmp_path, capfd):
    noisy = ("import os\nos.write(2, b'C++ start-up chatter from the kernel\\n')\n" + GOOD)
    layout = make_project(tmp_path, {"good": noisy})
    outcome, = run_plans(plan_runs(["good"], preset="quick", layout=layout),
                         progress=False, force=True)
    assert outcome.ok, outcome.error
    printed = capfd.readouterr()
    assert "C++ start-up chatter" not in printed.err + printed.out
    assert outcome.log == layout.log("good")
    assert "C++ start-up chatter from the kernel" in layout.log("good").read_text()
