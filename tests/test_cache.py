"""The execution cache: every input it claims to watch makes the next run execute.

Each test runs a tiny notebook once for real, changes one input (or nothing),
and runs again: the second run must execute ("ran") after any change and be
skipped ("cached") when nothing changed.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from tiny_book import freeze_library, make_project, write_notebook

from course_utils.book.cache import data_digest, fingerprint, is_cached, package_digest
from course_utils.book.runner import plan_runs, run_plans

PARAMS = "seed = 0\ndata_dir = None\npreset = 'quick'"
READER = """from pathlib import Path
from course_utils import Record
rec = Record("reader", params=dict(seed=seed, data_dir=data_dir, preset=preset), dataset="toy")
rec.add("files", {"count": len(list(Path(data_dir).iterdir())) if data_dir else 0})
rec.save()"""


@pytest.fixture
def book(tmp_path, monkeypatch):
    library = freeze_library(monkeypatch, tmp_path / "library")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("first\n")
    layout = make_project(tmp_path / "project", {"reader": (READER, PARAMS)}, presets={
        "reader": "  smoke: {seed: 1}\n  quick: {}\n  full: {seed: 2}\n"})
    return layout, library, data


def _run(layout, data, preset="smoke"):
    (outcome,) = run_plans(plan_runs(["reader"], preset=preset,
                                     overrides={"data_dir": str(data)}, layout=layout),
                           progress=False, echo=lambda line: None)
    assert outcome.ok, outcome.error
    return outcome.status


def test_nothing_changed_skips(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    assert _run(layout, data) == "cached"


def test_a_changed_notebook_source_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    write_notebook(layout.source("reader"), READER + "\nprint('one more line')", PARAMS)
    assert _run(layout, data) == "ran"
    assert _run(layout, data) == "cached"


def test_a_changed_library_source_runs_again(book):
    layout, library, data = book
    assert _run(layout, data) == "ran"
    (library / "module.py").write_text("VALUE = 2\n")
    assert _run(layout, data) == "ran"


def test_a_new_library_file_runs_again(book):
    layout, library, data = book
    assert _run(layout, data) == "ran"
    (library / "room").mkdir()
    (library / "room" / "settings.yml").write_text("a: 1\n")
    assert _run(layout, data) == "ran"


def test_a_changed_file_of_the_data_folder_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    (data / "a.txt").write_text("second, longer\n")
    assert _run(layout, data) == "ran"


def test_a_new_file_in_the_data_folder_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    (data / "b.txt").write_text("another\n")
    assert _run(layout, data) == "ran"


def test_a_changed_preset_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    layout.presets_file.write_text("reader:\n  smoke: {seed: 5}\n  quick: {}\n  full: {}\n")
    assert _run(layout, data) == "ran"
    record = json.loads((layout.results_dir / "reader.json").read_text())
    assert record["parameters"]["seed"] == 5


def test_another_preset_runs_again(book):
    layout, _, data = book
    assert _run(layout, data, preset="smoke") == "ran"
    assert _run(layout, data, preset="quick") == "ran"


def test_a_tampered_record_fingerprint_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    path = layout.results_dir / "reader.json"
    record = json.loads(path.read_text())
    record["fingerprint"] = "0" * 64
    path.write_text(json.dumps(record))
    assert _run(layout, data) == "ran"


def test_a_tampered_executed_copy_stamp_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    nb = nbformat.read(layout.executed("reader"), as_version=4)
    nb.metadata["lab_book"]["fingerprint"] = "0" * 64
    nbformat.write(nb, layout.executed("reader"))
    assert _run(layout, data) == "ran"


def test_a_missing_record_runs_again(book):
    layout, _, data = book
    assert _run(layout, data) == "ran"
    (layout.results_dir / "reader.json").unlink()
    assert _run(layout, data) == "ran"


def test_digests_see_what_they_watch(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("x = 1\n")
    before = package_digest(tmp_path / "lib")
    (tmp_path / "lib" / "notes.txt").write_text("not source")
    assert package_digest(tmp_path / "lib") == before
    (tmp_path / "lib" / "a.py").write_text("x = 2\n")
    assert package_digest(tmp_path / "lib") != before
    assert data_digest(None, tmp_path) == data_digest("", tmp_path) == "embedded"
    assert data_digest("absent", tmp_path).startswith("missing:")


def test_an_empty_stamp_is_never_cached(book):
    layout, _, data = book
    (plan,) = plan_runs(["reader"], preset="smoke", overrides={"data_dir": str(data)},
                        layout=layout)
    assert plan.fingerprint == fingerprint("reader", "smoke", {
        "seed": 1, "data_dir": str(data), "preset": "smoke"}, layout)
    assert not is_cached("reader", "", layout)
