"""The book's claims hold: every "best" is chosen on validation and reported on test.

Two checks, each tested on planted mistakes first:

- on the records of a smoke run of every notebook: each choice that ``Record.choose``
  recorded (winner, metric, among, higher_is_better) is the argmax (argmin) of that
  validation metric over its candidates, and every glued ``best``/``winner`` that names
  an experiment is one of those recorded winners;
- on the notebooks' source (fast, static): no winner is picked from a test metric
  column (``idxmax``/``idxmin``/``argmax``/``nlargest``... on ``["test_..."]``,
  ``sort_values("test_...")``, ``max(..., key=...["test_..."])``, or ``.max()``/``.min()``
  of a test column glued or stored as a "best").
"""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import pytest

from course_utils.book.results_page import load_records

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: Notebooks that name a best model, knob or variant (issue 13, item 1): each must record
#: at least one choice.
MUST_CHOOSE = ("01_optimizers", "04_regularization", "06_cnn_trials", "07_augmentation")
_RANKERS = {"idxmax", "idxmin", "argmax", "argmin", "nanargmax", "nanargmin", "nlargest",
            "nsmallest"}
_NAMES_A_WINNER = re.compile(r"best|winner", re.I)
_SHOWS_THE_MISTAKE = re.compile(r"orig|on_test", re.I)


# ------------------------------------------------------------------ recorded choices
def choice_problems(record: dict) -> list[str]:
    """Every recorded choice of ``record`` that is not the best of its candidates on its
    validation metric (ties go to the first candidate, as ``Record.choose`` does)."""
    by_name = {entry["experiment"]: entry for entry in record.get("experiments", [])}
    problems = []
    for choice, made in (record.get("choices") or {}).items():
        where = f"{record.get('notebook')}: choice {choice!r}"
        metric, among = made.get("metric", ""), list(made.get("among") or [])
        if not str(metric).startswith("val_"):
            problems.append(f"{where} is made on {metric!r}, not a validation metric")
            continue
        values = [by_name.get(name, {}).get("metrics", {}).get(metric) for name in among]
        if not among or any(not isinstance(v, int | float) or math.isnan(v) for v in values):
            problems.append(f"{where}: candidates {among} lack {metric!r} in the record")
            continue
        best = max(values) if made.get("higher_is_better", True) else min(values)
        if made.get("winner") != among[values.index(best)]:
            problems.append(f"{where} names {made.get('winner')!r}, but the best {metric} "
                            f"among {among} is {among[values.index(best)]!r} ({best})")
    return problems


def glued_values(executed: Path) -> dict[str, object]:
    """The values an executed notebook glued (myst-nb's scrapbook outputs), by name."""
    found = {}
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = next((v for k, v in output.get("data", {}).items()
                         if k.endswith("text/plain")), None)
            if name and text is not None:
                try:
                    found[name] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    found[name] = text
    return found


def unchosen_winners(glued: dict[str, object], record: dict) -> list[str]:
    """Glued ``best``/``winner`` values that name an experiment no recorded choice chose.

    Glue names about the original course's pick (``orig...``) or about what picking on
    test would have chosen (``..._on_test``) are exempt: they show the mistake beside the
    right way, and are not this notebook's choice.
    """
    experiments = {entry["experiment"] for entry in record.get("experiments", [])}
    winners = {made.get("winner") for made in (record.get("choices") or {}).values()}
    return [f"{record.get('notebook')}: glued {name!r} = {value!r} was not chosen with "
            "record.choose" for name, value in glued.items()
            if _NAMES_A_WINNER.search(name) and not _SHOWS_THE_MISTAKE.search(name)
            and isinstance(value, str) and value in experiments and value not in winners]


def _fake_record(winner="a", metric="val_accuracy", higher=True):
    return {"notebook": "demo", "experiments": [
        {"experiment": "a", "metrics": {"val_accuracy": 0.9, "test_accuracy": 0.80,
                                        "val_loss": 0.3}},
        {"experiment": "b", "metrics": {"val_accuracy": 0.8, "test_accuracy": 0.95,
                                        "val_loss": 0.2}},
        {"experiment": "c", "metrics": {"val_accuracy": 0.9, "test_accuracy": 0.90,
                                        "val_loss": 0.4}}],
        "choices": {"best": {"winner": winner, "metric": metric, "among": ["a", "b", "c"],
                             "higher_is_better": higher}}}


def test_a_choice_that_is_the_best_on_validation_passes():
    assert choice_problems(_fake_record("a")) == []
    assert choice_problems(_fake_record("b", "val_loss", higher=False)) == []


@pytest.mark.parametrize(("record", "found"), [
    (_fake_record("b"), "names 'b', but the best val_accuracy among ['a', 'b', 'c'] is 'a'"),
    (_fake_record("c"), "is 'a'"),  # a tie goes to the first candidate
    (_fake_record("b", "test_accuracy"), "is made on 'test_accuracy', not a validation"),
    (_fake_record("a", "val_loss", higher=False), "the best val_loss among"),
    (_fake_record("a", "val_f1"), "lack 'val_f1'"),
])
def test_a_planted_wrong_choice_is_caught(record, found):
    problems = choice_problems(record)
    assert len(problems) == 1 and found in problems[0]


def test_a_glued_winner_must_be_a_recorded_choice():
    record = _fake_record("a")
    assert unchosen_winners({"winner": "a", "best_val": 0.9, "best_class": "Shirt"}, record) == []
    assert unchosen_winners({"best_single": "b"}, record) == [
        "demo: glued 'best_single' = 'b' was not chosen with record.choose"]
    assert unchosen_winners({"original_best": "b", "d_best_on_test": "b"}, record) == []


def test_glued_values_are_read_from_an_executed_notebook(tmp_path):
    output = {"output_type": "display_data", "metadata": {"scrapbook": {
        "name": "winner", "mime_prefix": "application/papermill.record/"}},
        "data": {"application/papermill.record/text/plain": "'adam'"}}
    value = dict(output, metadata={"scrapbook": {"name": "winner_test"}},
                 data={"application/papermill.record/text/plain": "0.91"})
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [output, value]}]}))
    assert glued_values(path) == {"winner": "adam", "winner_test": 0.91}


@pytest.mark.notebooks
def test_every_choice_in_the_smoke_records_is_the_validation_best(smoke_run):
    layout, outcomes = smoke_run
    records = load_records(layout.results_dir)
    problems = []
    for name, outcome in sorted(outcomes.items()):
        if not outcome.ok or name not in records:
            continue  # a failing notebook is reported by the notebook tests
        record = records[name]
        problems += choice_problems(record)
        problems += unchosen_winners(glued_values(layout.executed(name)), record)
        if name in MUST_CHOOSE and not record.get("choices"):
            problems.append(f"{name} names a best but recorded no choice (record.choose)")
    assert problems == []


# ------------------------------------------------------------------ static source check
def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def _is_test_key(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.startswith("test_")
    if isinstance(node, ast.Tuple | ast.List):
        return any(_is_test_key(element) for element in node.elts)
    return False


def _is_test_column(node: ast.AST, tainted: set[str]) -> bool:
    """Whether ``node`` is a test metric column: ``x["test_..."]``, ``x.loc[r, "test_..."]``,
    ``x.test_...``, a method call on one (``.abs()``), or a name assigned from one."""
    if isinstance(node, ast.Subscript):
        return _is_test_key(node.slice) or _is_test_column(node.value, tainted)
    if isinstance(node, ast.Attribute):
        return node.attr.startswith("test_") or _is_test_column(node.value, tainted)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _is_test_column(node.func.value, tainted)
    return isinstance(node, ast.Name) and node.id in tainted


def _ranks_on_test(call: ast.Call, tainted: set[str]) -> bool:
    """idxmax/argmax/nlargest/sort_values/max(key=...) that rank by a test metric."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in _RANKERS:
        if isinstance(func, ast.Attribute) and _is_test_column(func.value, tainted):
            return True
        return bool(call.args) and _is_test_column(call.args[0], tainted)
    if name == "sort_values":
        keys = list(call.args[:1]) + [k.value for k in call.keywords if k.arg == "by"]
        return any(_is_test_key(key) for key in keys)
    if name in ("max", "min", "sorted") and isinstance(func, ast.Name):
        return any(k.arg == "key" and any(_is_test_key(n) for n in ast.walk(k.value))
                   for k in call.keywords)
    return False


def _extrema_of_test(node: ast.AST, tainted: set[str]) -> list[ast.Call]:
    """``.max()``/``.min()`` calls on a test column anywhere inside ``node``."""
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and n.func.attr in ("max", "min")
            and _is_test_column(n.func.value, tainted)]


def _named_as_winner(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """(name, value) pairs that store something as a best/winner: assignments, dict entries
    and ``glue("...best...", value)`` calls."""
    pairs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            pairs += [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.Dict):
            pairs += [(k.value, v) for k, v in zip(node.keys, node.values, strict=True)
                      if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "glue" and len(
                node.args) >= 2 and isinstance(node.args[0], ast.Constant):
            pairs.append((str(node.args[0].value), node.args[1]))
    return [(name, value) for name, value in pairs if _NAMES_A_WINNER.search(name)]


def test_metric_picks(source: str) -> list[str]:
    """Every place in notebook code ``source`` that picks a winner by a test metric."""
    tree = ast.parse(_strip_magics(source))
    tainted = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
               and _is_test_column(node.value, set()) for t in node.targets
               if isinstance(t, ast.Name)}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _ranks_on_test(n, tainted)]
    for _, value in _named_as_winner(tree):
        found += _extrema_of_test(value, tainted)
    lines = source.splitlines()
    return sorted({f"line {n.lineno}: {lines[n.lineno - 1].strip()}" for n in found})


test_metric_picks.__test__ = False  # a helper named for what it finds, not a pytest test


@pytest.mark.parametrize("source", [
    'best = table["test_accuracy"].idxmax()',
    'best = table.test_accuracy.idxmin()',
    'winner = table.sort_values("test_accuracy").index[-1]',
    'winner = table.sort_values(by=["test_loss", "params"]).index[0]',
    'top = table["test_accuracy"].nlargest(1)',
    'i = np.argmax(table["test_accuracy"])',
    'knob = table.loc[knobs, "test_accuracy"].abs().idxmax()',
    'acc = summary.loc[six, "test_accuracy"]\nglue("d_best", acc.idxmax())',
    'glue_all({"best_test_value": table["test_accuracy"].max()})',
    'glue("best_acc", table["test_accuracy"].max())',
    'best_value = runs["test_accuracy"].max()',
    'best = max(runs, key=lambda r: r.metrics["test_accuracy"])',
    '%matplotlib inline\nbest = t["test_mse"].idxmin()',
])
def test_a_planted_test_split_pick_is_caught(source):
    assert test_metric_picks(source), source


@pytest.mark.parametrize("source", [
    'winner = record.choose("best", names)',
    'best = table["val_accuracy"].idxmax()',
    'table.sort_values("val_accuracy")',
    'fits = errors["test_mse"].max() < 0.01 * variance',
    'glue("window_test_mse", errors["test_mse"].max())',
    'worst = per_class.loc[per_class["accuracy"].idxmin()]',
    'glue("winner_test", table.loc[winner, "test_accuracy"])',
])
def test_reporting_a_test_score_is_not_a_pick(source):
    assert test_metric_picks(source) == []


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_no_notebook_picks_a_winner_on_the_test_split(path):
    found = [f"cell {i}, {hit}" for i, source in enumerate(_code_cells(path))
             for hit in test_metric_picks(source)]
    assert found == [], f"{path.name} picks on test; use record.choose on validation: {found}"
