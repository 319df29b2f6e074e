"""Staged results: promoted together with the executed copy, stale files removed."""

from __future__ import annotations

from course_utils.book.layout import Layout
from course_utils.book.staging import fresh_staging, owned_results, promote


def _layout(tmp_path):
    return Layout.default(tmp_path, results_dir=tmp_path / "results")


def _copy(layout, name, text="{}"):
    path = layout.executed_dir / f".{name}.running.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_staging_is_a_fresh_folder_per_notebook(tmp_path):
    layout = _layout(tmp_path)
    staged = fresh_staging(layout, "nb")
    (staged / "left.json").write_text("{}")
    assert fresh_staging(layout, "nb") == staged == layout.results_dir / ".staging" / "nb"
    assert list(staged.iterdir()) == []


def test_promote_moves_results_then_the_copy_and_cleans_up(tmp_path):
    layout = _layout(tmp_path)
    staged = fresh_staging(layout, "nb")
    (staged / "nb.json").write_text('{"new": 1}')
    (staged / "nb-predictions.csv").write_text("y_true,y_pred\n1,1\n")
    (staged / "nb").mkdir()
    (staged / "nb" / "history.csv").write_text("epoch\n0\n")
    layout.results_dir.joinpath("nb").mkdir()
    layout.results_dir.joinpath("nb", "old_checkpoint.keras").write_text("old")
    layout.results_dir.joinpath("other.json").write_text('{"other": 1}')
    promote(layout, "nb", _copy(layout, "nb", '{"cells": []}'))
    assert layout.executed("nb").read_text() == '{"cells": []}'
    assert (layout.results_dir / "nb.json").read_text() == '{"new": 1}'
    assert sorted(p.name for p in (layout.results_dir / "nb").iterdir()) == ["history.csv"]
    assert (layout.results_dir / "other.json").read_text() == '{"other": 1}'
    assert not (layout.results_dir / ".staging").exists()
    assert not list(layout.executed_dir.glob(".*.running.ipynb"))


def test_promote_removes_what_the_last_run_left_and_this_one_did_not_write(tmp_path):
    layout = _layout(tmp_path)
    layout.results_dir.mkdir(parents=True)
    for name in ("nb.json", "nb-predictions.csv", "nb-predictions.parquet", "nbx.json"):
        (layout.results_dir / name).write_text("old")
    staged = fresh_staging(layout, "nb")
    (staged / "nb.json").write_text("new")
    promote(layout, "nb", _copy(layout, "nb"))
    assert sorted(p.name for p in layout.results_dir.iterdir()) == ["nb.json", "nbx.json"]


def test_owned_results_are_the_record_predictions_and_folder(tmp_path):
    for name in ("nb.json", "nb-predictions.csv", "nb2.json", "nb.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "nb").mkdir()
    assert sorted(p.name for p in owned_results(tmp_path, "nb")) == [
        "nb", "nb-predictions.csv", "nb.json"]
