"""``course-book compare``: two runs' parameters and metrics, side by side.

A run is named by its notebook (the page run, ``results/<notebook>.json``),
``<notebook>/<run id>`` (a run beside the page, ``results/runs/...``) or the
path of a record file.

Example
-------
>>> a = {"parameters": {"seed": 0, "epochs": 1}, "experiments": [
...     {"experiment": "adam", "metrics": {"test_accuracy": 0.80}}]}
>>> b = {"parameters": {"seed": 1, "epochs": 1}, "experiments": [
...     {"experiment": "adam", "metrics": {"test_accuracy": 0.85}}]}
>>> print(compare_table(a, b, labels=("A", "B")))
parameter  A  B
    seed*  0  1
   epochs  1  1
<BLANKLINE>
experiment        metric      A      B  B - A
      adam test_accuracy 0.8000 0.8500 0.0500
<BLANKLINE>
* differs between the two runs
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .layout import Layout

__all__ = ["find_record", "compare_table"]


def find_record(ref: str, layout: Layout) -> dict[str, Any]:
    """Load the record a run reference names (see the module's docstring).

    Raises
    ------
    ParameterError
        When no record is there, listing the runs that the notebook has.
    """
    path = Path(ref)
    if path.suffix == ".json":
        candidates = [path]
    elif "/" in ref:
        name, run = ref.split("/", 1)
        candidates = [layout.runs_dir / name / run / f"{name}.json"]
    else:
        candidates = [layout.results_dir / f"{ref}.json"]
    for candidate in candidates:
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    name = ref.split("/", 1)[0]
    runs = sorted(p.parent.name for p in (layout.runs_dir / name).glob(f"*/{name}.json"))
    known = ", ".join(f"{name}/{r}" for r in runs) or "none"
    raise ParameterError(f"No record for run {ref!r} (looked for {candidates[0]}). "
                         f"Runs of {name} beside its page: {known}.")


def _value(value: Any) -> str:
    return json.dumps(value) if isinstance(value, (list, dict, bool)) or value is None \
        else str(value)


def compare_table(first: Mapping[str, Any], second: Mapping[str, Any], *,
                  labels: Sequence[str] = ("A", "B")) -> str:
    """Text tables of both runs: every parameter (``*`` where they differ), then every
    metric of every experiment, with the difference ``B - A`` for numbers."""
    import pandas as pd

    a, b = labels
    pa, pb = first.get("parameters", {}), second.get("parameters", {})
    names = list(dict.fromkeys([*pa, *pb]))
    params = pd.DataFrame([{"parameter": n + ("*" if pa.get(n) != pb.get(n) else ""),
                            a: _value(pa.get(n, "-")), b: _value(pb.get(n, "-"))}
                           for n in names])
    metrics = {}
    for side, record in ((a, first), (b, second)):
        for entry in record.get("experiments", []):
            for metric, value in entry.get("metrics", {}).items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    metrics.setdefault((entry["experiment"], metric), {})[side] = value
    rows = [{"experiment": e, "metric": m, a: v.get(a), b: v.get(b),
             "B - A": (v[b] - v[a]) if a in v and b in v else None}
            for (e, m), v in metrics.items()]
    table = pd.DataFrame(rows).rename(columns={"B - A": f"{b} - {a}"})
    shown = table.to_string(index=False, float_format=lambda x: f"{x:.4f}", na_rep="-") \
        if rows else "(no numeric metrics)"
    return "\n".join([params.to_string(index=False), "", shown, "",
                      "* differs between the two runs"])
