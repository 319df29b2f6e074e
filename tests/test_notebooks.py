"""Every topic notebook: its parameters cell, its markdown, and a smoke run."""

from __future__ import annotations

import json
import math
import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from course_utils.book.layout import Layout
from course_utils.book.notebooks import load_presets, notebook_names, notebook_parameters
from course_utils.book.runner import RESOURCE_KEYS
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
    # the confidence level of an interval is a convention we choose, not a result
    text = re.sub(r"95%(?=\s+(?:\S+\s+){0,2}interval)", " ", text)
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
        assert set(presets[preset] or {}) <= set(params) | set(RESOURCE_KEYS)
    assert (presets["full"] or {}).get("num_gpus") == 1, "full asks Ray for a GPU"


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
    assert not HARD_CODED.search(_prose("a paired-bootstrap 95% interval [a, b]"))
    assert HARD_CODED.search(_prose("accuracy 95% on test"))


# --- every recorded number recomputed from the predictions saved beside it -------------------
FAIRNESS_METRICS = ("disparate_impact", "statistical_parity_difference",
                    "equal_opportunity_difference", "average_odds_difference")


def _close(recorded, recomputed, rel=1e-6, abs_=1e-9) -> bool:
    if recorded is None or (isinstance(recorded, float) and math.isnan(recorded)):
        return recomputed is None or math.isnan(recomputed)
    return math.isclose(float(recorded), float(recomputed), rel_tol=rel, abs_tol=abs_)


def _probabilities(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[[c for c in rows.columns if c.startswith("prob_")]].dropna(axis=1, how="all")


def _rates(rows: pd.DataFrame, mask) -> tuple[float, float, float]:
    """Selection rate, TPR and FPR of the rows in ``mask`` (class 1 favorable)."""
    part = rows[mask]
    positives, negatives = part[part.y_true == 1], part[part.y_true == 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (float((part.y_pred == 1).mean()), float((positives.y_pred == 1).mean()),
                float((negatives.y_pred == 1).mean()))


def _fairness(rows: pd.DataFrame, protected: str, privileged) -> dict[str, float]:
    """The four between-group metrics, privileged group against all others pooled."""
    side = rows[protected] == privileged
    sel_p, tpr_p, fpr_p = _rates(rows, side)
    sel_u, tpr_u, fpr_u = _rates(rows, ~side)
    return {"disparate_impact": sel_u / sel_p if sel_p else float("nan"),
            "statistical_parity_difference": sel_u - sel_p,
            "equal_opportunity_difference": tpr_u - tpr_p,
            "average_odds_difference": 0.5 * ((fpr_u - fpr_p) + (tpr_u - tpr_p))}


def _label_as_group_di(rows: pd.DataFrame) -> float:
    """Disparate impact with the true label as the group: P(pred=1 | y=0) / P(pred=1 | y=1)."""
    _, tpr, fpr = _rates(rows, np.ones(len(rows), dtype=bool))
    return fpr / tpr if tpr else float("nan")


def recompute_problems(record: dict, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Recompute every recorded number that the predictions file holds the data for.

    Returns ``(mismatches, unchecked)``: numbers that disagree with the predictions,
    and experiments (or prediction rows) that no check covered, so that nothing is
    skipped silently. Checks, per experiment ``E`` of the record:

    - ``test_accuracy``: share of ``E``'s rows with ``y_true == y_pred``, and ``y_pred``
      is the argmax of the ``prob_`` columns;
    - ``test_mse`` (regression): mean squared ``y_true - y_pred`` of ``E``'s rows;
      ``<what>_mse``: the same over the rows of ``E_<what>`` (only the points marked
      ``region == "outside"`` where the rows mark regions);
    - fairness metrics of an entry naming its ``protected`` column and ``privileged``
      group: recomputed from the rows, privileged against all other groups pooled;
    - an entry without rows of its own and with ``fpr_over_tpr`` (the label used as the
      protected attribute): its disparate impact from another experiment's rows;
    - a recorded comparison of two experiments: its ``acc_a``/``acc_b``/``diff``.
    """
    by_name = {e["experiment"]: e for e in record["experiments"]}
    groups = {name: rows for name, rows in frame.groupby("experiment", sort=False)}
    used, mismatches, checked = set(), [], set()
    accuracy = {}

    def check(name, metric, recorded, recomputed, **tol):
        checked.add(name)
        if not _close(recorded, recomputed, **tol):
            mismatches.append(f"{name}: {metric} recorded {recorded}, recomputed {recomputed}")

    for name, entry in by_name.items():
        metrics = entry["metrics"]
        rows = groups.get(name)
        if rows is not None:
            used.add(name)
            if "test_accuracy" in metrics:
                accuracy[name] = float((rows.y_true == rows.y_pred).mean())
                check(name, "test_accuracy", metrics["test_accuracy"], accuracy[name])
                probs = _probabilities(rows)
                if probs.shape[1]:
                    argmax = probs.to_numpy().argmax(axis=1)
                    check(name, "y_pred = argmax of prob_", 1.0,
                          float((argmax == rows.y_pred.to_numpy()).mean()))
            if "test_mse" in metrics:
                check(name, "test_mse", metrics["test_mse"],
                      float(((rows.y_true - rows.y_pred) ** 2).mean()), rel=1e-4)
            if {"protected", "privileged"} <= set(entry) and entry["protected"] in rows:
                for metric, value in _fairness(rows, entry["protected"],
                                               entry["privileged"]).items():
                    if metric in metrics:
                        check(name, metric, metrics[metric], value)
        for metric, recorded in metrics.items():
            what = metric.removesuffix("_mse")
            extra = groups.get(f"{name}_{what}")
            if metric.endswith("_mse") and extra is not None:
                used.add(f"{name}_{what}")
                if "region" in extra and extra["region"].notna().any():
                    extra = extra[extra["region"] == "outside"]
                check(name, metric, recorded, float(((extra.y_true - extra.y_pred) ** 2).mean()),
                      rel=1e-4)
    for name, entry in by_name.items():  # after every accuracy is known
        metrics = entry["metrics"]
        if name not in groups and "fpr_over_tpr" in metrics:
            sources = [other for other, r in groups.items() if other in accuracy
                       and _close(metrics["fpr_over_tpr"], _label_as_group_di(r))]
            check(name, "fpr_over_tpr (from any experiment's rows)", metrics["fpr_over_tpr"],
                  _label_as_group_di(groups[sources[0]]) if sources else float("inf"))
            check(name, "disparate_impact = fpr_over_tpr", metrics["fpr_over_tpr"],
                  metrics.get("disparate_impact"))
    for key, comparison in (record.get("comparisons") or {}).items():
        first, second = comparison.get("first"), comparison.get("second")
        if first in accuracy and second in accuracy:
            check(first, f"comparison {key!r} acc_a", comparison.get("acc_a"), accuracy[first])
            check(second, f"comparison {key!r} acc_b", comparison.get("acc_b"), accuracy[second])
            check(second, f"comparison {key!r} diff", comparison.get("diff"),
                  accuracy[second] - accuracy[first], abs_=1e-9)
    unchecked = [f"experiment {n!r}" for n in by_name if n not in checked]
    unchecked += [f"prediction rows {n!r}" for n in groups if n not in used]
    return mismatches, unchecked


def _tiny_record():
    frame = pd.DataFrame({
        "experiment": ["clf"] * 4 + ["reg"] * 3 + ["reg_beyond"] * 2,
        "y_true": [1, 0, 1, 0, 0.0, 1.0, 2.0, 1.0, 3.0],
        "y_pred": [1, 0, 0, 1, 0.0, 1.5, 2.0, 2.0, 3.0],
        "prob_0": [0.2, 0.9, 0.7, 0.4] + [np.nan] * 5,
        "prob_1": [0.8, 0.1, 0.3, 0.6] + [np.nan] * 5,
        "group": ["a", "a", "b", "b"] + [np.nan] * 5})
    record = {"notebook": "demo", "experiments": [
        {"experiment": "clf", "protected": "group", "privileged": "a",
         "metrics": {"test_accuracy": 0.5, "statistical_parity_difference": 0.0,
                     "equal_opportunity_difference": -1.0}},
        {"experiment": "reg", "metrics": {"test_mse": 0.25 / 3, "beyond_mse": 0.5}},
        {"experiment": "label", "metrics": {"disparate_impact": 1.0, "fpr_over_tpr": 1.0}}],
        "comparisons": {}}
    return record, frame


def test_recompute_check_passes_a_consistent_record():
    record, frame = _tiny_record()
    assert recompute_problems(record, frame) == ([], [])


@pytest.mark.parametrize(("entry", "metric", "value"), [
    (0, "test_accuracy", 0.75), (0, "equal_opportunity_difference", 0.0),
    (1, "test_mse", 0.5), (1, "beyond_mse", 0.1), (2, "fpr_over_tpr", 0.5)])
def test_recompute_check_catches_a_number_the_predictions_contradict(entry, metric, value):
    record, frame = _tiny_record()
    record["experiments"][entry]["metrics"][metric] = value
    mismatches, _ = recompute_problems(record, frame)
    assert mismatches and metric in mismatches[0]


def test_recompute_check_names_what_it_could_not_check():
    record, frame = _tiny_record()
    record["experiments"].append({"experiment": "orphan", "metrics": {"val_accuracy": 0.9}})
    extra = pd.DataFrame({"experiment": ["stray"], "y_true": [1], "y_pred": [1]})
    _, unchecked = recompute_problems(record, pd.concat([frame, extra]))
    assert unchecked == ["experiment 'orphan'", "prediction rows 'stray'"]


def test_recompute_check_reads_comparisons_and_argmax():
    record, frame = _tiny_record()
    record["experiments"].append({"experiment": "clf2", "metrics": {"test_accuracy": 1.0}})
    frame = pd.concat([frame, frame[frame.experiment == "clf"].assign(
        experiment="clf2", y_pred=[1, 0, 1, 0], prob_1=[0.8, 0.1, 0.7, 0.2],
        prob_0=[0.2, 0.9, 0.3, 0.8])])
    record["comparisons"] = {"c": {"first": "clf", "second": "clf2", "acc_a": 0.5,
                                   "acc_b": 1.0, "diff": 0.5}}
    assert recompute_problems(record, frame) == ([], [])
    record["comparisons"]["c"]["diff"] = 0.4
    assert recompute_problems(record, frame)[0] == [
        "clf2: comparison 'c' diff recorded 0.4, recomputed 0.5"]
    frame.loc[frame.experiment == "clf2", "prob_0"] = 0.95
    assert any("argmax" in m for m in recompute_problems(record, frame)[0])


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
    mismatches, unchecked = recompute_problems(record, pd.read_csv(predictions))
    assert not mismatches, f"{name}: recorded numbers disagree with its predictions: {mismatches}"
    assert not unchecked, f"{name}: nothing recomputes {unchecked}"


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
