"""The book's results page: every record beside the original courses' figures.

Reads ``results/*.json`` with each record's ``<notebook>-predictions.csv`` and
the original figures (:mod:`.originals`), and writes ``results.md``: per topic,
one row per experiment and metric with our value and its 95% Wilson interval,
the original's figure, whether both ran on the same dataset (one canonical name
per dataset), whether the original figure lies inside our interval
("reproduced?") and, where it does not, why (read from the record's
parameters); then the paired comparisons and the validation choices the
notebook recorded, and, where runs beside the page differ from it only in the
seed (a seed sweep), the mean and 95% interval across seeds beside the
original's figure (:mod:`.runs`). ``results_overview.png`` shows every variant's test
accuracy with its interval, one panel per topic.

Example
-------
>>> import tempfile
>>> page = write_results_page(Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp()))
>>> page.read_text().splitlines()[0]
'# Results'
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._results_rows import comparison_rows, experiment_rows, interval_of
from .originals import canonical_dataset, course_citations, dataset_label, load_originals
from .runs import group_label, load_runs, seed_groups, spread_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_originals", "load_records", "load_predictions", "results_tables",
           "comparison_tables", "datasets_sentence", "write_results_page"]

_FIGURE = "results_overview.png"


def load_records(folder: Path) -> dict[str, dict[str, Any]]:
    """Return every ``<notebook>.json`` record in ``folder``, keyed by notebook."""
    records = {}
    for path in sorted(Path(folder).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "notebook" in record and "experiments" in record:
            records[record["notebook"]] = record
    return records


def load_predictions(folder: Path, notebooks: Any) -> dict[str, pd.DataFrame]:
    """Return the saved predictions (``<notebook>-predictions.csv``) of each notebook that has
    them, keyed by notebook."""
    import pandas as pd  # here, so that importing the book's names stays quick

    found = {}
    for notebook in notebooks:
        path = Path(folder) / f"{notebook}-predictions.csv"
        if path.is_file():
            found[notebook] = pd.read_csv(path, low_memory=False)
    return found


def _title(notebook: str, originals: Mapping[str, Any]) -> str:
    topic = originals.get("notebooks", {}).get(notebook, {}).get("topic", notebook)
    return f"{notebook[:2]}. {topic}"


def results_tables(records: Mapping[str, Mapping[str, Any]], originals: Mapping[str, Any],
                   predictions: Mapping[str, pd.DataFrame] | None = None
                   ) -> dict[str, pd.DataFrame]:
    """Return one comparison table per topic, in notebook order.

    Parameters
    ----------
    records : mapping of notebook to record
        As :func:`load_records` returns them.
    originals : mapping
        As :func:`load_originals` returns it.
    predictions : mapping of notebook to DataFrame, optional
        As :func:`load_predictions` returns them; without them only intervals
        from recorded split sizes are shown.

    Returns
    -------
    dict of str to pandas.DataFrame
        Columns ``experiment``, ``metric``, ``ours``, ``our 95% interval``,
        ``original``, ``dataset``, ``reproduced?``, ``note``.
    """
    import pandas as pd

    predictions = predictions or {}
    tables = {}
    for notebook, record in sorted(records.items()):
        reference = originals.get("notebooks", {}).get(notebook, {}).get("experiments") or {}
        rows = experiment_rows(record, reference, predictions.get(notebook))
        tables[_title(notebook, originals)] = pd.DataFrame(rows)
    return tables


def comparison_tables(records: Mapping[str, Mapping[str, Any]], originals: Mapping[str, Any]
                      ) -> dict[str, pd.DataFrame]:
    """Return, per topic that recorded any, the table of its paired comparisons.

    One row per ``record["comparisons"]`` entry (written by ``Record.add_comparison``):
    the two experiments, their test accuracies, the difference (second minus
    first), its paired-bootstrap 95% interval, McNemar's p-value and the reading.
    """
    import pandas as pd

    return {_title(notebook, originals): pd.DataFrame(comparison_rows(record))
            for notebook, record in sorted(records.items()) if record.get("comparisons")}


def _choice_lines(record: Mapping[str, Any], prediction: pd.DataFrame | None) -> list[str]:
    """One line per validation choice the record holds, with the winner's test accuracy."""
    by_name = {e["experiment"]: e for e in record.get("experiments", [])}
    lines = []
    for choice, made in (record.get("choices") or {}).items():
        winner = by_name.get(made.get("winner"), {"experiment": made.get("winner"),
                                                   "metrics": {}})
        test = winner["metrics"].get("test_accuracy")
        interval = interval_of(record, winner, "test_accuracy", test, prediction)
        shown = "not recorded" if test is None else f"{test:.3f}"
        if interval is not None:
            shown += f" (95% interval [{interval[0]:.3f}, {interval[1]:.3f}])"
        rank = "highest" if made.get("higher_is_better", True) else "lowest"
        lines.append(f"- {choice}: `{made.get('winner')}`, the {rank} {made.get('metric')} "
                     f"among {len(made.get('among', []))} experiments; its test accuracy "
                     f"{shown}.")
    return lines


def datasets_sentence(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What this build ran on, per dataset, and why digits where Fashion-MNIST was meant.

    >>> datasets_sentence({"01_x": {"dataset": "digits", "parameters": {"dataset": "auto"}}})[0]
    'This build ran on digits (01).'
    """
    by_dataset: dict[str, list[str]] = {}
    fell_back = []
    for notebook, record in sorted(records.items()):
        name = canonical_dataset(record.get("dataset", ""))
        by_dataset.setdefault(dataset_label(name), []).append(notebook[:2])
        if name == "digits" and (record.get("parameters") or {}).get("dataset") == "auto":
            fell_back.append(notebook[:2])
    if not by_dataset:
        return []
    parts = [f"{label} ({', '.join(numbers)})" for label, numbers in by_dataset.items()]
    lines = [f"This build ran on {', '.join(parts)}."]
    if fell_back and "Fashion-MNIST" not in by_dataset:
        lines += ["", (
            f"Notebooks {', '.join(fell_back)} asked for `dataset=\"auto\"`, which means real "
            "Fashion-MNIST where its four files are installed. They were not found on the "
            "machine that made this build (Debian's package `dataset-fashion-mnist` puts them "
            "in `/usr/share/datasets/fashion-mnist/`; `make setup` installs it where apt-get "
            "and root are available), so these pages ran on scikit-learn's embedded 8x8 "
            "digits instead, and their rows beside the original Fashion-MNIST figures read "
            "\"different dataset\".")]
    return lines


def _overview_values(record: Mapping[str, Any], prediction: pd.DataFrame | None
                     ) -> list[tuple[str, float, float, float]]:
    values = []
    for entry in record["experiments"]:
        accuracy = entry.get("metrics", {}).get("test_accuracy")
        if not isinstance(accuracy, int | float) or isinstance(accuracy, bool):
            continue
        interval = interval_of(record, entry, "test_accuracy", accuracy, prediction)
        low, high = interval if interval is not None else (accuracy, accuracy)
        values.append((entry["experiment"], float(accuracy), low, high))
    return values


def _overview_figure(records: Mapping[str, Mapping[str, Any]],
                     predictions: Mapping[str, pd.DataFrame], path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(notebook, values) for notebook, record in sorted(records.items())
              if (values := _overview_values(record, predictions.get(notebook)))]
    if not panels:
        return False
    ncols = 2
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.2 + 2.4 * nrows), squeeze=False)
    for ax, (notebook, values) in zip(axes.flat, panels, strict=False):
        names, accuracies, lows, highs = zip(*values, strict=True)
        errors = [[a - lo for a, lo in zip(accuracies, lows, strict=True)],
                  [hi - a for a, hi in zip(accuracies, highs, strict=True)]]
        ax.barh(range(len(names)), accuracies, xerr=errors, color="#4c72b0",
                error_kw={"ecolor": "#333333", "capsize": 2, "lw": 0.8})
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(notebook, fontsize=9)
        ax.set_xlabel("test accuracy (bars: 95% Wilson interval)", fontsize=8)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _introduction(records: Mapping[str, Mapping[str, Any]],
                  originals: Mapping[str, Any]) -> list[str]:
    lines = [
        "# Results",
        "",
        "Every experiment of this build, as recorded by the run that made the book, beside the "
        "figure the original course notebook reported for the same experiment. Each row gives "
        "our value with its 95% interval (Wilson score interval, from the run's saved test "
        "predictions or the size of the split it was measured on), the original's figure and "
        "the dataset it was measured on. Datasets are matched by name, whatever the spelling; "
        "\"reproduced?\" is asked only where both ran on the same dataset, and reads \"yes\" "
        "when the original's figure lies inside our interval. Where it does not, the row says "
        "how this run differs from the original's.",
        "",
        *datasets_sentence(records),
        "",
        "Original figures, each as its course notebook reported it on its own dataset and split:",
        "",
        *[f"- {line}" for line in course_citations(originals)],
        "",
        f"They are kept, with the settings they were trained with, in "
        f"`{originals.get('reference_file', 'reference/originals.yml')}` in this repository.",
        "",
    ]
    return lines


def _spread_lines(notebook: str, records: list[Mapping[str, Any]],
                  originals: Mapping[str, Any]) -> list[str]:
    """The across-seeds tables of a notebook's seed groups (page run and runs beside it)."""
    import pandas as pd

    reference = originals.get("notebooks", {}).get(notebook, {}).get("experiments") or {}
    lines = []
    for group in seed_groups(records):
        rows = spread_rows(group, reference)
        if rows:
            lines += [f"Across seeds ({group_label(group)}): the mean over the seeds and the "
                      "95% t interval of that mean, the noise that initial weights, batch "
                      "order and split alone make:", "",
                      pd.DataFrame(rows).to_markdown(index=False, disable_numparse=True), ""]
    return lines


def write_results_page(results_folder: Path, book_folder: Path) -> Path:
    """Write ``results.md`` (and its figure) into ``book_folder``; return its path."""
    records = load_records(results_folder)
    originals = load_originals()
    predictions = load_predictions(results_folder, records)
    lines = _introduction(records, originals)
    if _overview_figure(records, predictions, Path(book_folder) / _FIGURE):
        lines += [f"![Test accuracy of every variant with its 95% interval, one panel per "
                  f"topic]({_FIGURE})", ""]
    if not records:
        lines += ["No page run's record was found for this build.", ""]
    comparisons = comparison_tables(records, originals)
    for notebook, record in sorted(records.items()):
        title = _title(notebook, originals)
        table = results_tables({notebook: record}, originals, predictions)[title]
        lines += [f"## {title}", "", table.to_markdown(index=False, disable_numparse=True), ""]
        if title in comparisons:
            lines += ["Paired comparisons on the same test examples (difference = second "
                      "minus first; interval: paired bootstrap):", "",
                      comparisons[title].to_markdown(index=False, disable_numparse=True), ""]
        choices = _choice_lines(record, predictions.get(notebook))
        if choices:
            lines += ["Chosen on validation, reported on test:", "", *choices, ""]
        lines += _spread_lines(notebook, [record, *load_runs(results_folder, notebook)],
                               originals)
    runs_only = sorted(p.name for p in (Path(results_folder) / "runs").glob("*")
                       if p.is_dir() and p.name not in records)
    for notebook in runs_only:
        spread = _spread_lines(notebook, load_runs(results_folder, notebook), originals)
        if spread:
            lines += [f"## {_title(notebook, originals)}", "",
                      "This build has no page run of this notebook, only runs beside it.", "",
                      *spread]
    path = Path(book_folder) / "results.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

