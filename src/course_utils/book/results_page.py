"""The book's results page: every record beside the original courses' figures.

Reads ``results/*.json`` and the package's ``reference/originals.yml`` and
writes ``results.md`` (one table per topic) and ``results_overview.png`` (test
accuracy of every variant, one panel per topic).

Example
-------
>>> load_originals()["notebooks"]["01_optimizers"]["topic"]
'Optimizers'
>>> import tempfile
>>> page = write_results_page(Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp()))
>>> page.read_text().splitlines()[0]
'# Results'
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_originals", "load_records", "results_tables", "write_results_page"]

_FIGURE = "results_overview.png"


def load_originals() -> dict[str, Any]:
    """Return the original courses' figures (``reference/originals.yml``)."""
    text = resources.files(__package__).joinpath("reference/originals.yml").read_text(
        encoding="utf-8")
    return yaml.safe_load(text)


def load_records(folder: Path) -> dict[str, dict[str, Any]]:
    """Return every ``<notebook>.json`` record in ``folder``, keyed by notebook."""
    records = {}
    for path in sorted(Path(folder).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "notebook" in record and "experiments" in record:
            records[record["notebook"]] = record
    return records


def _format(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _metric_of(entry: dict[str, Any], preferred: str | None) -> tuple[str, Any]:
    metrics = entry.get("metrics", {})
    for name in (preferred, "test_accuracy", "accuracy", "test_mse", "mse"):
        if name and name in metrics:
            return name, metrics[name]
    if metrics:
        name = next(iter(metrics))
        return name, metrics[name]
    return "—", None


def results_tables(records: dict[str, dict[str, Any]],
                   originals: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Return one comparison table per topic, in notebook order."""
    import pandas as pd  # here, so that importing the book's names stays quick

    tables = {}
    for notebook, record in sorted(records.items()):
        reference = originals.get("notebooks", {}).get(notebook, {})
        by_experiment: dict[str, list[dict[str, Any]]] = {}
        for key, original in (reference.get("experiments") or {}).items():
            by_experiment.setdefault(original.get("experiment", key), []).append(original)
        rows = []
        for entry in record["experiments"]:
            matches = by_experiment.get(entry["experiment"]) or [{}]
            for original in matches:
                metric, ours = _metric_of(entry, original.get("metric"))
                original_dataset = original.get("dataset")
                same = original_dataset and str(record.get("dataset", "")).lower().startswith(
                    str(original_dataset).split()[0].lower())
                our_dataset = record.get("dataset", "—")
                rows.append({
                    "experiment": entry["experiment"],
                    "metric": metric,
                    "ours": f"{_format(ours)} ({our_dataset})",
                    "original": (f"{_format(original.get('value'))} ({original_dataset})"
                                 if original_dataset else "—"),
                    "note": "; ".join(part for part in (
                        original.get("note", ""),
                        "" if same or not original_dataset else "different dataset")
                        if part),
                })
        title = reference.get("topic", notebook)
        tables[f"{notebook[:2]}. {title}"] = pd.DataFrame(rows)
    return tables


def _overview_figure(records: dict[str, dict[str, Any]], path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    for notebook, record in sorted(records.items()):
        values = [(e["experiment"], e["metrics"].get("test_accuracy"))
                  for e in record["experiments"]]
        values = [(name, v) for name, v in values if isinstance(v, int | float)]
        if values:
            panels.append((notebook, values))
    if not panels:
        return False
    ncols = 2
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.2 + 2.4 * nrows), squeeze=False)
    for ax, (notebook, values) in zip(axes.flat, panels, strict=False):
        names, accuracies = zip(*values, strict=True)
        ax.barh(range(len(names)), accuracies, color="#4c72b0")
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(notebook, fontsize=9)
        ax.set_xlabel("test accuracy", fontsize=8)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_results_page(results_folder: Path, book_folder: Path) -> Path:
    """Write ``results.md`` (and its figure) into ``book_folder``; return its path."""
    records = load_records(results_folder)
    originals = load_originals()
    lines = [
        "# Results",
        "",
        "Every experiment of this build, as recorded by the run that made the book, beside the "
        "figure the original course reported for the same experiment. The originals ran on "
        "their own datasets (named in each row); where ours differ, the row says so, and the "
        "numbers are not expected to agree.",
        "",
        f"Original figures: {originals.get('source', 'the original course notebooks')}.",
        "",
    ]
    if _overview_figure(records, book_folder / _FIGURE):
        lines += [f"![Test accuracy of every variant, one panel per topic]({_FIGURE})", ""]
    if not records:
        lines += ["No results records were found for this build.", ""]
    for title, table in results_tables(records, originals).items():
        lines += [f"## {title}", "", table.to_markdown(index=False), ""]
    path = book_folder / "results.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
