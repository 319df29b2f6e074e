"""Every topic notebook: its parameters cell, its markdown, and a smoke run."""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

from course_utils.book.layout import Layout
from course_utils.book.notebooks import load_presets, notebook_names, notebook_parameters
from course_utils.paths import project_root

ROOT = project_root(__file__)
LAYOUT = Layout.default(ROOT)
NAMES = notebook_names(LAYOUT)
REQUIRED = {"dataset", "data_dir", "epochs", "batch_size", "seed", "preset"}
# A decimal like 0.97 or .5, or a percentage like 97% or 97.2 %, in prose.
HARD_CODED = re.compile(r"(?<![\w.`{])(\d*\.\d+|\d+(\.\d+)?\s?%)(?![\w`}])")


def _markdown(name):
    nb = nbformat.read(LAYOUT.source(name), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _prose(text):
    """Markdown without code spans, fenced code, math and glue roles."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$|\$[^$]+\$", " ", text, flags=re.S)
    text = re.sub(r"\{glue[^}]*\}`[^`]*`", " ", text)
    return re.sub(r"`[^`]*`", " ", text)


def test_every_notebook_in_the_folder_is_in_the_book():
    on_disk = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert on_disk == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_has_the_common_parameters(name):
    params = notebook_parameters(LAYOUT.source(name))
    assert REQUIRED <= set(params), f"{name} lacks {REQUIRED - set(params)}"
    assert params["preset"] == "quick"


@pytest.mark.parametrize("name", NAMES)
def test_presets_exist_and_name_real_parameters(name):
    presets = load_presets(LAYOUT)[name]
    params = notebook_parameters(LAYOUT.source(name))
    for preset in ("smoke", "quick", "full"):
        assert set(presets[preset] or {}) <= set(params)


@pytest.mark.parametrize("name", NAMES)
def test_source_is_committed_without_outputs(name):
    nb = nbformat.read(LAYOUT.source(name), as_version=4)
    assert not any(c.get("outputs") or c.get("execution_count")
                   for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_markdown_states_no_hard_coded_metric(name):
    for text in _markdown(name):
        found = HARD_CODED.findall(_prose(text))
        assert not found, (f"{name}: markdown states {[f[0] for f in found]}; "
                           "glue computed values instead")


def test_hard_coded_metric_check_can_fail():
    assert HARD_CODED.search(_prose("Adam reached 0.97 accuracy"))
    assert HARD_CODED.search(_prose("momentum hurt by 12%"))
    assert not HARD_CODED.search(_prose("Adam reached {glue:text}`adam_acc:.3f` with `lr=0.01`"))
    assert not HARD_CODED.search(_prose("the loss $-\\log 0.5$ over 10 classes"))


@pytest.mark.notebooks
@pytest.mark.parametrize("name", NAMES)
def test_smoke_run_succeeds_and_records_every_variant(smoke_run, name):
    layout, outcomes = smoke_run
    outcome = outcomes[name]
    assert outcome.ok, f"{name} failed: {outcome.error} (copy: {outcome.failed_copy})"
    record = json.loads((layout.results_dir / f"{name}.json").read_text())
    assert record["preset"] == "smoke" and record["experiments"]
    predictions = layout.results_dir / f"{name}-predictions.csv"
    assert predictions.is_file(), f"{name} recorded no predictions"
    frame = pd.read_csv(predictions)
    for entry in record["experiments"]:
        accuracy = entry["metrics"].get("test_accuracy")
        rows = frame[frame.experiment == entry["experiment"]]
        if accuracy is not None and len(rows):
            recomputed = (rows.y_true == rows.y_pred).mean()
            assert recomputed == pytest.approx(accuracy, abs=1e-6), entry["experiment"]


@pytest.mark.notebooks
@pytest.mark.parametrize("name", ["01_optimizers", "07_augmentation"])
def test_same_seed_gives_the_same_metrics(smoke_run, tmp_path, name):
    from course_utils.book.runner import plan_runs, run_plans

    layout, _ = smoke_run
    metrics = {}
    for seed in (0, 1):
        again = Layout(layout.root, tmp_path / f"executed{seed}", tmp_path / f"results{seed}")
        (outcome,) = run_plans(plan_runs([name], preset="smoke", overrides={"seed": seed},
                                         layout=again), progress=False)
        assert outcome.ok, outcome.error
        record = json.loads((again.results_dir / f"{name}.json").read_text())
        metrics[seed] = {e["experiment"]: e["metrics"].get("test_accuracy")
                         for e in record["experiments"]}
    first = json.loads((layout.results_dir / f"{name}.json").read_text())
    assert {e["experiment"]: e["metrics"].get("test_accuracy")
            for e in first["experiments"]} == metrics[0]
    assert metrics[1] != metrics[0]
