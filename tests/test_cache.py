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


# --- the same rules without a kernel (fast: these are the tests mutation testing runs) ---------
def _stamp_files(layout, executed_stamp, record_stamp):
    layout.executed_dir.mkdir(parents=True, exist_ok=True)
    layout.results_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    if executed_stamp is not None:
        nb.metadata["lab_book"] = {"fingerprint": executed_stamp}
    nbformat.write(nb, layout.executed("reader"))
    record = {} if record_stamp is None else {"fingerprint": record_stamp}
    (layout.results_dir / "reader.json").write_text(json.dumps(record))


@pytest.mark.parametrize(("executed_stamp", "record_stamp", "cached"), [
    ("f" * 64, "f" * 64, True), ("f" * 64, "0" * 64, False), ("0" * 64, "f" * 64, False),
    ("0" * 64, "0" * 64, False), (None, "f" * 64, False), ("f" * 64, None, False)])
def test_is_cached_needs_both_stamps_equal_to_the_fingerprint(book, executed_stamp,
                                                              record_stamp, cached):
    layout, _, _ = book
    _stamp_files(layout, executed_stamp, record_stamp)
    assert is_cached("reader", "f" * 64, layout) is cached


def test_is_cached_is_false_without_files_or_with_a_broken_record(book):
    layout, _, _ = book
    assert is_cached("reader", "f" * 64, layout) is False
    _stamp_files(layout, "f" * 64, "f" * 64)
    (layout.results_dir / "reader.json").write_text("{not json")
    assert is_cached("reader", "f" * 64, layout) is False
    _stamp_files(layout, "f" * 64, "f" * 64)
    layout.executed("reader").unlink()
    assert is_cached("reader", "f" * 64, layout) is False


def test_fingerprint_sees_each_input_and_nothing_else(book):
    layout, library, data = book
    params = {"seed": 1, "data_dir": str(data), "preset": "smoke"}

    def stamp(**changes):
        options = {"preset": "smoke", "parameters": params} | changes
        return fingerprint("reader", options["preset"], options["parameters"], layout,
                           library=options.get("library"))

    first = stamp()
    assert len(first) == 64 and stamp() == first
    assert stamp(parameters=dict(reversed(list(params.items())))) == first  # order is no input
    changed = {
        "preset": stamp(preset="quick"),
        "parameter": stamp(parameters=params | {"seed": 2}),
        "new parameter": stamp(parameters=params | {"epochs": 1}),
        "library": stamp(library="0" * 64),
        "data folder": stamp(parameters=params | {"data_dir": str(library)}),
        "embedded data": stamp(parameters=params | {"data_dir": None}),
    }
    (data / "a.txt").write_text("the same parameters, other data\n")
    changed["data file"] = stamp()
    (data / "a.txt").write_text("first\n")  # back, but with another modification time
    write_notebook(layout.source("reader"), READER + "\nprint('one more line')", PARAMS)
    changed["notebook"] = stamp()
    assert len(set(changed.values()) | {first}) == len(changed) + 1, changed


def test_fingerprint_uses_the_library_digest_when_none_is_given(book):
    layout, library, _ = book
    params = {"seed": 1, "data_dir": None, "preset": "smoke"}
    implicit = fingerprint("reader", "smoke", params, layout)
    assert implicit == fingerprint("reader", "smoke", params, layout,
                                   library=package_digest(library))
    (library / "module.py").write_text("VALUE = 3\n")
    assert fingerprint("reader", "smoke", params, layout) != implicit


def test_data_digest_sees_names_sizes_times_and_nesting(tmp_path):
    import os

    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("one\n")
    (folder / "sub" / "b.txt").write_text("two\n")
    first = data_digest(folder, tmp_path)
    assert len(first) == 64 and data_digest(folder, tmp_path) == first
    assert data_digest("data", tmp_path) == first  # relative to the root
    seen = {first}
    (folder / "sub" / "b.txt").write_text("three\n")  # size
    seen.add(data_digest(folder, tmp_path))
    stat = (folder / "a.txt").stat()
    os.utime(folder / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # time only
    seen.add(data_digest(folder, tmp_path))
    (folder / "sub" / "b.txt").rename(folder / "sub" / "c.txt")  # name
    seen.add(data_digest(folder, tmp_path))
    (folder / "sub" / "d").mkdir()
    (folder / "sub" / "d" / "e.txt").write_text("")  # a new, empty, nested file
    seen.add(data_digest(folder, tmp_path))
    assert len(seen) == 5
    assert data_digest(tmp_path / "absent", tmp_path) == f"missing:{tmp_path / 'absent'}"


def test_package_digest_covers_py_and_yml_files_by_path_and_content(tmp_path):
    (tmp_path / "lib" / "room").mkdir(parents=True)
    (tmp_path / "lib" / "a.py").write_text("x = 1\n")
    first = package_digest(tmp_path / "lib")
    assert len(first) == 64 and package_digest(tmp_path / "lib") == first
    (tmp_path / "lib" / "room" / "notes.md").write_text("not source")
    (tmp_path / "lib" / "room" / "cache.pyc").write_bytes(b"\0")
    assert package_digest(tmp_path / "lib") == first
    (tmp_path / "lib" / "room" / "settings.yml").write_text("a: 1\n")
    with_yml = package_digest(tmp_path / "lib")
    (tmp_path / "lib" / "a.py").rename(tmp_path / "lib" / "b.py")  # same content, new path
    renamed = package_digest(tmp_path / "lib")
    assert len({first, with_yml, renamed}) == 3


def test_a_relative_data_folder_is_read_from_here_first_then_from_the_root(tmp_path, monkeypatch):
    here, root = tmp_path / "here", tmp_path / "root"
    (here / "data").mkdir(parents=True)
    (root / "data").mkdir(parents=True)
    (here / "data" / "a.txt").write_text("here\n")
    (root / "data" / "a.txt").write_text("the root's, longer\n")
    monkeypatch.chdir(here)
    first = data_digest("data", root)
    (root / "data" / "a.txt").write_text("the root's, changed and longer\n")
    assert data_digest("data", root) == first  # the folder here is the one read
    (here / "data" / "a.txt").write_text("here, changed\n")
    assert data_digest("data", root) != first
    monkeypatch.chdir(tmp_path)  # no data/ here: the root's
    from_root = data_digest("data", root)
    (root / "data" / "b.txt").write_text("new\n")
    assert data_digest("data", root) != from_root


def test_fingerprint_reads_a_relative_data_folder_under_the_project_and_paths_as_text(book):
    from pathlib import Path

    layout, _, _ = book
    (layout.root / "data").mkdir()
    (layout.root / "data" / "x.txt").write_text("1\n")
    params = {"seed": 1, "data_dir": "data", "preset": "smoke", "out": Path("results")}
    first = fingerprint("reader", "smoke", params, layout, library="0" * 64)
    (layout.root / "data" / "x.txt").write_text("two\n")
    assert fingerprint("reader", "smoke", params, layout, library="0" * 64) != first
    assert fingerprint("reader", "smoke", params | {"out": "results"}, layout,
                       library="0" * 64) == fingerprint("reader", "smoke", params, layout,
                                                        library="0" * 64)
