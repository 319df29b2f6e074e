"""The runner: parameter handling, refusals, failures, safe writes, the cache."""

from __future__ import annotations

import json

import nbformat
import pytest

from course_utils import cli
from course_utils.errors import ParameterError
from course_utils.runner import Layout, environment_box, parse_value, plan_runs, run_plans

GOOD = """from course_utils import Record
rec = Record("good", params=dict(seed=seed, epochs=epochs, preset=preset), dataset="toy")
rec.add("only", {"test_accuracy": 0.5 + seed / 100})
rec.save()"""


def _notebook(path, body, params="seed = 0\nepochs = 1\npreset = 'quick'"):
    cells = [nbformat.v4.new_markdown_cell("# A test page"),
             nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(body)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "lab-book", "display_name": "lab book",
                                 "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n"
        "  - file: notebooks/good\n  - file: notebooks/bad\n")
    (tmp_path / "notebooks" / "presets.yml").write_text(
        "good:\n  smoke: {epochs: 0}\n  quick: {}\n  full: {epochs: 9}\n"
        "bad:\n  smoke: {}\n  quick: {}\n  full: {}\n")
    _notebook(tmp_path / "notebooks" / "good.ipynb", GOOD)
    _notebook(tmp_path / "notebooks" / "bad.ipynb",
              "x = 1\nraise ValueError('boom: this notebook fails on purpose')")
    return Layout.default(tmp_path)


def test_values_parse_like_papermill():
    assert parse_value("3") == 3
    assert parse_value("0.5") == 0.5
    assert parse_value("true") is True
    assert parse_value("[sgd, adam]") == ["sgd", "adam"]
    assert parse_value("None") == "None" and parse_value("null") is None


def test_plan_merges_preset_then_overrides(project):
    (plan,) = plan_runs(["good"], preset="smoke", overrides={"seed": 3}, layout=project)
    assert plan.parameters == {"epochs": 0, "seed": 3, "preset": "smoke"}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"names": ["nope"]}, r"Unknown notebook 'nope'\. Valid notebooks: good, bad"),
    ({"preset": "huge"}, r"Unknown preset 'huge'\. Valid presets: smoke, quick, full"),
    ({"overrides": {"learning_rat": 1}},
     r"no parameter 'learning_rat' \(from -p\)\. Its parameters: seed, epochs, preset"),
])
def test_unknown_names_are_refused_before_anything_runs(project, kwargs, message):
    names = kwargs.pop("names", ["good"])
    with pytest.raises(ParameterError, match=message):
        plan_runs(names, layout=project, **kwargs)
    assert not project.executed_dir.exists()


def test_cli_refuses_unknown_parameter_with_exit_2(project, capsys):
    code = cli.main(["--root", str(project.root), "run", "good", "-p", "colour", "red"])
    assert code == 2
    assert "no parameter 'colour'" in capsys.readouterr().err


def test_run_writes_copy_record_and_environment_box(project):
    (outcome,) = run_plans(plan_runs(["good"], preset="smoke", overrides={"seed": 3},
                                     layout=project), progress=False)
    assert outcome.status == "ran", outcome.error
    record = json.loads((project.results_dir / "good.json").read_text())
    assert record["parameters"]["seed"] == 3 and record["preset"] == "smoke"
    nb = nbformat.read(project.executed("good"), as_version=4)
    assert "run-environment" in nb.cells[1].metadata["tags"]
    assert "smoke" in nb.cells[1].source


def test_failing_notebook_exits_nonzero_names_itself_and_keeps_good_copy(project, capsys):
    root = str(project.root)
    assert cli.main(["--root", root, "run", "good", "--no-progress"]) == 0
    good_copy = project.executed("good")
    # Make the good notebook fail, keep its earlier executed copy.
    before = good_copy.read_bytes()
    _notebook(project.source("good"), "raise RuntimeError('broken on purpose')")
    code = cli.main(["--root", root, "run", "good", "bad", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert "FAILED good: cell [3] (numbered as in the failed copy): RuntimeError: broken" in err
    assert "FAILED bad: cell [3] (numbered as in the failed copy): ValueError: boom" in err
    assert good_copy.read_bytes() == before
    assert project.failed("bad").is_file() and project.failed("good").is_file()
    assert not project.executed("bad").exists()


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


def test_list_shows_notebooks_parameters_and_presets(project, capsys):
    assert cli.main(["--root", str(project.root), "list"]) == 0
    out = capsys.readouterr().out
    assert "good\n  parameters: seed=0, epochs=1, preset='quick'" in out
    assert "smoke: epochs=0" in out and "quick: (defaults)" in out


def test_environment_box_shows_run_facts():
    box = environment_box({"preset": "quick", "dataset": "digits", "seed": 0, "device": "CPU",
                           "wall_seconds": 75, "parameters": {"epochs": 3},
                           "versions": {"keras": "3.15.1"}})
    assert "| quick | digits | 0 | CPU | 1 min 15 s |" in box
    assert "`epochs=3`" in box and "keras 3.15.1" in box
