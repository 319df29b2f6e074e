"""The rows of the results page: our value and its interval beside the original's, and why
they differ where they do.

Private to :mod:`course_utils.book` (the page is :mod:`.results_page`).

Example
-------
>>> record = {"dataset": "fashion_mnist", "parameters": {"epochs": 5}, "preset": "quick",
...           "split_sizes": {"val": 10000}}
>>> entry = {"experiment": "d_cnn", "metrics": {"val_accuracy": 0.90}}
>>> original = {"course": "D", "dataset": "Fashion-MNIST", "values": {"val_accuracy": 0.9168},
...             "settings": {"epochs": 10}}
>>> row = experiment_rows({**record, "experiments": [entry]}, {"d_cnn": original}, None)[0]
>>> row["dataset"], row["our 95% interval"], row["reproduced?"]
('same dataset', '[0.894, 0.906]', 'no')
>>> row["note"].split("; ")[-2:]
['not reproduced: ours is 0.017 lower', 'this quick run used 5 epochs (original 10 epochs)']
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._stats import wilson_interval
from .narrative import verdict
from .originals import canonical_dataset, dataset_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["experiment_rows", "comparison_rows", "interval_of", "split_examples", "slug"]

NONE = "—"
SAME, DIFFERENT = "same dataset", "different dataset"
_SPLIT_ACCURACY = re.compile(r"^(train|val|test)_accuracy$")
_SUBSET_ACCURACY = re.compile(r"^(?:class|group)_accuracy_([a-z0-9_]+)$")
_HEADLINE = ("test_accuracy", "accuracy", "test_mse", "mse")
#: How a training setting reads in a sentence.
_SETTING_WORDS = {"epochs": "{} epochs", "batch_size": "batch size {}",
                  "learning_rate": "learning rate {}"}
#: (how a parameter's name ends, the words): parameters that say a run trained on a subset,
#: read when the record gives no split sizes.
_SUBSET_PARAMETERS = (("limit", "at most {value:,} examples per split (`{name}`)"),
                      ("per_class", "{value:,} training examples per class (`{name}`)"),
                      ("train_size", "{value:,} training examples (`{name}`)"),
                      ("train_examples", "{value:,} training examples (`{name}`)"))


def slug(name: Any) -> str:
    """A class or group name as it appears in a metric name: ``"T-shirt/top"`` -> ``"t_shirt_top"``.

    >>> slug("T-shirt/top"), slug("Accessories")
    ('t_shirt_top', 'accessories')
    """
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _format(value: Any) -> str:
    if not _is_number(value):
        return NONE if value is None or isinstance(value, float) else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.0f}"


def _format_original(value: Any) -> str:
    return f"{value:,}" if _is_count(value) else str(value)


def _class_names(rows: pd.DataFrame) -> list[str]:
    """The experiment's classes, in index order, from its ``prob_<class>`` columns."""
    return [column[len("prob_"):] for column in rows.columns
            if column.startswith("prob_") and rows[column].notna().any()]


def _examples(rows: pd.DataFrame) -> int:
    """Test examples behind ``rows``: one test set per repeat when the run was repeated."""
    if "repeat" in rows.columns and rows["repeat"].notna().any():
        return len(rows) // max(1, rows["repeat"].nunique())
    return len(rows)


def _scored_rows(prediction: pd.DataFrame | None, experiment: str, metric: str
                 ) -> pd.DataFrame | None:
    """The saved prediction rows that ``metric`` of ``experiment`` was computed on, if any."""
    if prediction is None or "experiment" not in prediction.columns:
        return None
    rows = prediction[prediction["experiment"] == experiment]
    if rows.empty or not {"y_true", "y_pred"} <= set(rows.columns):
        return None
    if metric == "test_accuracy":
        return rows
    match = _SUBSET_ACCURACY.match(metric)
    names = [slug(name) for name in _class_names(rows)]
    if match is None or match.group(1) not in names:
        return None
    return rows[rows["y_true"] == names.index(match.group(1))]


def split_examples(record: Mapping[str, Any], entry: Mapping[str, Any], split: str
                   ) -> int | None:
    """The size of ``split`` as the record states it, or None when it does not.

    Looked up in order: the entry's ``<split>_examples`` (``Record.add_run(...,
    train_examples=n, val_examples=n)``), the entry's ``split_sizes`` mapping
    (``{"train": n, "val": n, "test": n}``), the record's ``split_sizes``.

    >>> split_examples({"split_sizes": {"val": 500}}, {}, "val"), split_examples({}, {}, "val")
    (500, None)
    >>> split_examples({}, {"train_examples": 12000}, "train")
    12000
    """
    found = [entry.get(f"{split}_examples")]
    for sizes in (entry.get("split_sizes"), record.get("split_sizes")):
        if isinstance(sizes, Mapping):
            found.append(sizes.get(split))
    return next((int(n) for n in found if _is_count(n) and n > 0), None)


def interval_of(record: Mapping[str, Any], entry: Mapping[str, Any], metric: str, value: Any,
                prediction: pd.DataFrame | None, *, confidence: float = 0.95
                ) -> tuple[float, float] | None:
    """Our Wilson interval of an accuracy ``value`` (a share of examples right), or None.

    The number of examples comes from the saved predictions that the metric was
    computed on (test accuracy; per-class or per-group accuracy
    ``class_accuracy_<name>``/``group_accuracy_<name>`` on the rows of that true
    class), used only when they give back the recorded value; else, for
    ``train_``/``val_``/``test_accuracy``, from the split size the record states.
    """
    if not _is_number(value) or not 0 <= value <= 1 or "accuracy" not in metric:
        return None
    n = None
    rows = _scored_rows(prediction, entry["experiment"], metric)
    if rows is not None and len(rows):
        share = float((rows["y_true"] == rows["y_pred"]).mean())
        n = _examples(rows) if abs(share - value) <= 1e-6 else None
    if n is None and (match := _SPLIT_ACCURACY.match(metric)):
        n = split_examples(record, entry, match.group(1))
    if not n:
        return None
    return wilson_interval(min(value * n, n), n, confidence=confidence, func="interval_of")


def _reproduced(same: bool, ours: Any, theirs: Any, interval: tuple[float, float] | None) -> str:
    if not same or not _is_number(ours) or not _is_number(theirs):
        return NONE
    if interval is not None:
        return "yes" if interval[0] <= theirs <= interval[1] else "no"
    if _is_count(ours) and _is_count(theirs):
        return "yes" if ours == theirs else "no"
    return NONE


def _setting_of(record: Mapping[str, Any], entry: Mapping[str, Any], key: str) -> Any:
    """The value of a training setting for this entry: its own, else the notebook's."""
    names = ("epochs_run", "epochs") if key == "epochs" else (key,)
    for name in names:
        if _is_number(entry.get(name)) or isinstance(entry.get(name), str):
            return entry[name]
    value = (record.get("parameters") or {}).get(key)
    return value if _is_number(value) or isinstance(value, str) else None


def _words(key: str, value: Any) -> str:
    """A setting in words: ``_words("epochs", 1)`` is ``"1 epoch"``, ``("batch_size", 32)``
    ``"batch size 32"``."""
    if key == "epochs" and value == 1:
        return "1 epoch"
    return _SETTING_WORDS.get(key, key.replace("_", " ") + " {}").format(value)


def _differences(record: Mapping[str, Any], entry: Mapping[str, Any],
                 original: Mapping[str, Any]) -> list[str]:
    """How this run's recorded settings and training data differ from the original's."""
    found = []
    for key, theirs in (original.get("settings") or {}).items():
        ours = _setting_of(record, entry, key)
        if ours is None or (str(ours).lower() == str(theirs).lower()) or (
                _is_number(ours) and _is_number(theirs) and math.isclose(ours, theirs)):
            continue
        found.append(f"{_words(key, ours)} (original {_words(key, theirs)})")
    train, expected = split_examples(record, entry, "train"), original.get("train_examples")
    if train is not None and _is_count(expected) and train != expected:
        found.append(f"{train:,} training examples (original {expected:,})")
    elif train is None:
        found += _subset_parameters(record.get("parameters") or {})
    return found


def _subset_parameters(parameters: Mapping[str, Any]) -> list[str]:
    """The notebook's parameters that name a training subset, in words.

    >>> _subset_parameters({"limit": None, "course_train_per_class": 1200, "epochs": 5})
    ['1,200 training examples per class (`course_train_per_class`)']
    """
    found = []
    for name, value in parameters.items():
        words = next((text for end, text in _SUBSET_PARAMETERS if name.endswith(end)), None)
        if words is not None and _is_count(value):
            found.append(words.format(value=value, name=name))
    return found


def _why_not(record: Mapping[str, Any], entry: Mapping[str, Any],
             original: Mapping[str, Any], ours: float, theirs: float) -> str:
    gap = ours - theirs
    direction = verdict(gap, better="higher", worse="lower", same="equal")
    preset = record.get("preset")
    run = f"this {preset} run" if preset else "this run"
    differences = _differences(record, entry, original)
    if differences:
        return f"not reproduced: ours is {abs(gap):.3f} {direction}; {run} used " + ", ".join(
            differences)
    return (f"not reproduced: ours is {abs(gap):.3f} {direction}; no recorded setting of {run} "
            "differs from the original's, so the gap is more than our test-set noise (one "
            "seeded run on each side, other library versions)")


def _row(record: Mapping[str, Any], entry: Mapping[str, Any] | None, metric: str,
         original: Mapping[str, Any] | None, prediction: pd.DataFrame | None) -> dict[str, str]:
    """One row of a topic's table; ``entry`` None for an original experiment we did not run."""
    ours = entry["metrics"].get(metric) if entry is not None else None
    our_dataset = (entry or {}).get("dataset", record.get("dataset", ""))
    interval = interval_of(record, entry, metric, ours, prediction) if entry else None
    theirs = (original or {}).get("values", {}).get(metric)
    same = original is not None and canonical_dataset(our_dataset) == canonical_dataset(
        original.get("dataset", ""))
    reproduced = _reproduced(same, ours, theirs, interval)
    notes = [(original or {}).get("note", ""), (original or {}).get("measured_on", "")]
    if reproduced == "no":
        notes.append(_why_not(record, entry, original, ours, theirs))
    elif same and interval is None and _is_number(ours) and "accuracy" in metric:
        notes.append("no interval: the record gives neither the predictions nor the size of "
                     "the split this was measured on")
    if entry is None:
        shown = "not in this run"
    else:
        shown = f"{_format(ours)} ({dataset_label(our_dataset)})" if ours is not None else (
            "not recorded")
    return {
        "experiment": (entry or {}).get("experiment") or original.get("experiment", NONE),
        "metric": metric,
        "ours": shown,
        "our 95% interval": NONE if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]",
        "original": NONE if original is None else (
            f"{_format_original(theirs)} ({original.get('dataset')}, "
            f"course {original.get('course', '?')})"),
        "dataset": NONE if original is None or entry is None else (SAME if same else DIFFERENT),
        "reproduced?": reproduced,
        "note": "; ".join(part for part in notes if part),
    }


def _headline(entry: Mapping[str, Any]) -> str:
    metrics = entry.get("metrics", {})
    return next((name for name in _HEADLINE if name in metrics), next(iter(metrics), NONE))


def experiment_rows(record: Mapping[str, Any], reference: Mapping[str, Any],
                    prediction: pd.DataFrame | None) -> list[dict[str, str]]:
    """The rows of one topic: each experiment of the record, one row per metric the original
    reported for it (else its headline metric), then each original experiment this run lacks.

    ``reference`` is the notebook's ``experiments`` of the reference file; ``prediction``
    the notebook's saved predictions (or None).
    """
    rows = []
    for entry in record.get("experiments", []):
        original = reference.get(entry["experiment"])
        metrics = list((original or {}).get("values", {})) or [_headline(entry)]
        rows += [_row(record, entry, metric, original, prediction) for metric in metrics]
    ran = {entry["experiment"] for entry in record.get("experiments", [])}
    for name, original in reference.items():
        if name not in ran:
            rows += [_row(record, None, metric, {**original, "experiment": name}, prediction)
                     for metric in original.get("values", {})]
    return rows


def _interval_text(low: Any, high: Any) -> str:
    if _is_number(low) and _is_number(high):
        return f"[{low:+.3f}, {high:+.3f}]"
    return NONE


def comparison_rows(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per paired comparison the record holds (``Record.add_comparison``)."""
    rows = []
    for name, found in (record.get("comparisons") or {}).items():
        low, high = found.get("ci_low"), found.get("ci_high")
        interval = (low, high) if _is_number(low) and _is_number(high) else None
        diff = found.get("diff")
        p_value = found.get("mcnemar_p")
        rows.append({
            "comparison": name,
            "first": str(found.get("first", NONE)),
            "second": str(found.get("second", NONE)),
            "first accuracy": _format(found.get("acc_a")),
            "second accuracy": _format(found.get("acc_b")),
            "difference": f"{diff:+.3f}" if _is_number(diff) else NONE,
            "95% interval": _interval_text(low, high),
            "McNemar p": f"{p_value:.3g}" if _is_number(p_value) else NONE,
            "reading": verdict(diff if _is_number(diff) else None, better="second higher",
                               worse="second lower", same="no difference",
                               noise="within noise", interval=interval),
        })
    return rows
