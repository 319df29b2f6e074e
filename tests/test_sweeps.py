"""Run ids, runs beside the page, sweeps (local executor), compare, sweep pages, seed spread.

All on the tiny book (notebooks that run in seconds); the Ray executor is in
``test_ray.py``, a real notebook's sweep in the smoke book (``test_book.py``).
"""

from __future__ import annotations

import json
import re

import pytest
from tiny_book import GOOD, freeze_library, make_project

from course_utils.book import cli
from course_utils.book.results_page import write_results_page
from course_utils.book.runner import plan_runs, run_id, run_plans
from course_utils.book.runs import seed_groups, spread_rows
from course_utils.book.sweep_pages import add_to_toc, sweep_table, write_sweep_pages
from course_utils.book.sweeps import expand, load_grid, load_sweeps, parse_values, plan_sweep
from course_utils.errors import ParameterError

BAD = "raise ValueError('boom: this notebook fails on purpose')"


@pytest.fixture
def project(tmp_path, monkeypatch):
    freeze_library(monkeypatch, tmp_path / "library")
    return make_project(tmp_path / "project", {"good": GOOD, "bad": BAD})


def _sweep(project, *args):
    return cli.main(["--root", str(project.root), "sweep", *args, "--preset", "smoke",
                     "--no-progress"])


def _record(project, name, run):
    return json.loads((project.runs_dir / name / run / f"{name}.json").read_text())


def test_run_ids_are_stable_readable_and_distinct():
    assert run_id("smoke", {"seed": 1, "epochs": 2}) == run_id("smoke", {"epochs": 2, "seed": 1})
    assert run_id("smoke", {"seed": 1}) == "smoke+seed=1"
    ids = {run_id("smoke", {"seed": 1}), run_id("quick", {"seed": 1}),
           run_id("smoke", {"seed": 1}, "jax"), run_id("smoke", {"seed": "1"}),
           run_id("smoke", {"seed": [1]}), run_id("smoke", {"seed": True}), run_id("smoke", {})}
    assert len(ids) == 7, ids


def test_grid_values_parse_and_expand_in_order(tmp_path):
    assert parse_values("0, 1,2") == [0, 1, 2]
    assert parse_values("adam,'a, b'") == ["adam", "a, b"]
    assert expand({"a": [1, 2], "b": ["x"]}) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]
    grid = tmp_path / "grid.yml"
    grid.write_text("seed: [0, 1]\nepochs: 2\n")
    assert load_grid(grid) == {"seed": [0, 1], "epochs": [2]}
    grid.write_text("- 1\n")
    with pytest.raises(ParameterError, match="YAML mapping"):
        load_grid(grid)


def test_a_run_with_overrides_sits_beside_the_page_and_never_overwrites_it(project):
    (page,) = run_plans(plan_runs(["good"], preset="smoke", layout=project), progress=False)
    before = (project.results_dir / "good.json").read_bytes()
    assert cli.main(["--root", str(project.root), "run", "good", "--preset", "smoke",
                     "-p", "seed", "4", "--no-progress"]) == 0
    assert (project.results_dir / "good.json").read_bytes() == before
    beside = _record(project, "good", "smoke+seed=4")
    assert beside["run_id"] == "smoke+seed=4" and beside["overrides"] == {"seed": 4}
    assert beside["experiments"][0]["metrics"]["test_accuracy"] == pytest.approx(0.54)
    assert (project.runs_dir / "good" / "smoke+seed=4" / "good.ipynb").is_file()
    assert json.loads(before)["run_id"] == "smoke"
    # --publish makes it the page run
    assert cli.main(["--root", str(project.root), "run", "good", "--preset", "smoke",
                     "-p", "seed", "4", "--publish", "--no-progress"]) == 0
    assert json.loads((project.results_dir / "good.json").read_text())["seed"] == 4


def test_sweep_runs_the_grid_writes_its_manifest_and_caches_per_run(project, capsys):
    assert _sweep(project, "good", "-p", "seed", "0,1", "-p", "epochs", "1,2") == 0
    runs = sorted(p.name for p in (project.runs_dir / "good").iterdir())
    assert runs == ["smoke+epochs=1+seed=0", "smoke+epochs=1+seed=1", "smoke+epochs=2+seed=0",
                    "smoke+epochs=2+seed=1"]
    assert _record(project, "good", "smoke+epochs=2+seed=1")["parameters"]["epochs"] == 2
    assert not (project.results_dir / "good.json").exists(), "a sweep wrote the page run"
    (sweep,) = load_sweeps(project.results_dir)
    assert sweep["grid"] == {"seed": [0, 1], "epochs": [1, 2]} and len(sweep["runs"]) == 4
    assert all(run["record"] is not None for run in sweep["runs"])
    capsys.readouterr()
    assert _sweep(project, "good", "-p", "seed", "0,1", "-p", "epochs", "1,2") == 0
    assert capsys.readouterr().out.count("unchanged since its last good run") == 4


@pytest.mark.parametrize(("args", "message"), [
    (["nope", "-p", "seed", "0,1"], "notebooks of _toc.yml"),
    (["good", "-p", "sead", "0,1"], "Got 'sead' instead"),
    (["good"], "at least one parameter"),
    (["good", "-p", "seed", "0", "-p", "seed", "1"], "each parameter once"),
])
def test_a_bad_sweep_is_refused_before_anything_runs(project, capsys, args, message):
    assert _sweep(project, *args) == 2
    assert message in capsys.readouterr().err
    assert not project.results_dir.exists()


def test_a_failing_run_is_reported_by_run_id_cell_and_error_and_the_others_go_on(
        project, capsys):
    assert _sweep(project, "good", "bad", "-p", "seed", "0,1", "--jobs", "2") == 1
    err = capsys.readouterr().err
    for seed in (0, 1):
        assert f"FAILED bad/smoke+seed={seed}: cell [3]" in err
        assert "ValueError: boom" in err
        assert _record(project, "good", f"smoke+seed={seed}")["seed"] == seed
        assert not (project.runs_dir / "bad" / f"smoke+seed={seed}" / "bad.json").exists()
    assert "2 of 4 runs failed" in err


def test_compare_prints_both_runs_side_by_side_and_names_known_runs(project, capsys):
    _sweep(project, "good", "-p", "seed", "0,3")
    capsys.readouterr()
    assert cli.main(["--root", str(project.root), "compare", "good/smoke+seed=0",
                     "good/smoke+seed=3"]) == 0
    out = capsys.readouterr().out
    assert "seed*" in out and "0.5000" in out and "0.5300" in out and "0.0300" in out
    assert cli.main(["--root", str(project.root), "compare", "good/smoke+seed=9",
                     "good/smoke+seed=3"]) == 2
    assert "good/smoke+seed=0, good/smoke+seed=3" in capsys.readouterr().err


def test_seed_groups_split_on_any_other_parameter_and_spread_is_a_t_interval():
    def record(seed, epochs, accuracy):
        return {"preset": "smoke", "parameters": {"seed": seed, "epochs": epochs},
                "experiments": [{"experiment": "e", "metrics": {"test_accuracy": accuracy}}]}

    records = [record(0, 1, 0.70), record(1, 1, 0.74), record(2, 1, 0.72), record(0, 2, 0.9),
               record(0, 1, 0.70)]
    (group,) = seed_groups(records)  # epochs=2 has one seed; seed 0 twice counts once
    assert len(group) == 3
    (row,) = spread_rows(group, {"e": {"values": {"test_accuracy": 0.71},
                                       "dataset": "UTKFace"}})
    # mean 0.72, sd 0.02, t(0.975, 2) = 4.303: half-width 0.0497
    assert (row["mean"], row["sd"]) == ("0.720", "0.020")
    assert row["95% interval across seeds"] == "[0.670, 0.770]"
    assert row["original"] == "0.71 (UTKFace)"
    wide = [record(0, 1, 0.02), record(1, 1, 0.30), record(2, 1, 0.05)]
    (row,) = spread_rows(seed_groups(wide)[0], {})
    assert row["95% interval across seeds"] == "[0.000, 0.505]", "an accuracy below zero"


def test_results_page_and_sweep_page_show_the_spread(project, tmp_path, pyplot):
    run_plans(plan_runs(["good"], preset="smoke", layout=project), progress=False)
    _sweep(project, "good", "-p", "seed", "1,2")
    book = tmp_path / "book"
    book.mkdir()
    page = write_results_page(project.results_dir, book).read_text()
    assert "Across seeds (preset smoke, seeds 0, 1, 2)" in page
    assert re.search(r"\| only +\| test_accuracy +\| 3 \(0, 1, 2\) +\| 0\.510 +\| "
                     r"\[0\.485, 0\.535\]", page)
    (entry,) = write_sweep_pages(project.results_dir, book)
    sweep_id = entry.rsplit("/", 1)[1]
    text = (book / "sweeps" / f"{sweep_id}.md").read_text()
    assert text.startswith("# Sweep: good (smoke)") and f"]({sweep_id}.png)" in text
    assert (book / "sweeps" / f"{sweep_id}.png").stat().st_size > 5000
    table = sweep_table(load_sweeps(project.results_dir)[0])
    assert list(table["only test_accuracy"]) == ["0.510", "0.520"]
    toc = project.root / "_toc.yml"
    toc.write_text("format: jb-book\nroot: intro\nparts:\n- caption: R\n  chapters:\n"
                   "  - file: book/results\n  - file: book/running\n")
    add_to_toc(toc, [entry])
    assert "book/results\n  - file: " + entry + "\n  - file: book/running" in toc.read_text()


def test_plan_sweep_puts_every_run_beside_the_page(project):
    (sweep,) = plan_sweep(["good"], {"seed": [0, 1]}, preset="smoke", layout=project)
    assert [p.layout.run for p in sweep.plans] == [("good", "smoke+seed=0"),
                                                   ("good", "smoke+seed=1")]
    assert all(p.layout.results_dir.parent.parent == project.runs_dir for p in sweep.plans)


def test_a_presets_num_gpus_is_a_request_not_a_parameter(tmp_path, monkeypatch):
    freeze_library(monkeypatch, tmp_path / "library")
    layout = make_project(tmp_path / "p", {"good": GOOD}, presets={
        "good": "  smoke: {}\n  quick: {}\n  full: {num_gpus: 0.5, epochs: 3}\n"})
    (plan,) = plan_runs(["good"], preset="full", layout=layout)
    assert plan.num_gpus == 0.5 and "num_gpus" not in plan.parameters
    assert plan.parameters["epochs"] == 3
    (plan,) = plan_runs(["good"], preset="smoke", layout=layout)
    assert plan.num_gpus == 0
