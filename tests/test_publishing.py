"""What may be published: no error outputs, no machine path anywhere in the site."""

from __future__ import annotations

import json
import zlib

import nbformat
import pytest
from tiny_book import GOOD, make_project

from course_utils.book.publishing import (
    BookError,
    check_executed,
    errors_in,
    machine_paths,
    refuse_machine_paths,
)


def _unix(*parts: str) -> str:
    """A planted POSIX machine path, built from its parts so that no such path is
    written out in the repository itself."""
    return "/" + "/".join(parts)


def _windows(*parts: str) -> str:
    """A planted Windows machine path (drive C:)."""
    return "C:\\" + "\\".join(parts)


def _site(tmp_path, files):
    site = tmp_path / "html"
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return site


CLEAN = {
    "index.html": '<a href="notebooks/01_optimizers.html">01</a> <a href="https://example.org/'
                  'home/x">docs</a> ratio 3/4, see ../tmp.html and C. Keras: 3',
    "searchindex.js": 'Search.setIndex({"docnames": ["book/intro", "notebooks/01"]})',
    "_static/app.js": 'var a = x ? b : "/"; var re = /^(?:\\s+)$/;',
    "notebooks/01.ipynb": json.dumps({"metadata": {"papermill": {
        "input_path": "notebooks/01.ipynb", "output_path": "book/_executed/01.ipynb"}}}),
}


def test_a_clean_site_has_no_machine_path(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\xff\xfe" + _unix("home", "").encode()
    site = _site(tmp_path, {**CLEAN, "_images/fig.png": png})
    assert machine_paths(site) == []
    refuse_machine_paths(site)  # does not raise


HOME = _unix("home", "alice", "lab", "results")
CHECKOUT = _unix("work", "main", "notebooks", "01.ipynb")
RUNNING = _unix("tmp", "pytest-of-x", ".02.running.ipynb")
KERAS = _unix("root", ".keras", "datasets")
MAC = _unix("Users", "bob", "data")
WINDOWS = _windows("Users", "bob", "lab")
DRIVE = _windows("lab", "results")
ESCAPED = _unix("home", "carol", "x").replace("/", "\\/")


@pytest.mark.parametrize(("name", "text", "found"), [
    ("notebooks/01.html", f"<pre>saved to {HOME}</pre>", HOME),
    ("notebooks/01.ipynb", json.dumps({"metadata": {"papermill": {"input_path": CHECKOUT}}}),
     CHECKOUT),
    ("_sources/02.ipynb", json.dumps({"output_path": RUNNING}), RUNNING),
    ("searchindex.js", f'Search.setIndex({{"t": "file://{KERAS}"}})', KERAS),
    ("book/results.html", f"<td>{MAC}</td>", MAC),
    ("data.json", json.dumps({"path": WINDOWS}), WINDOWS.replace("\\", "\\\\")),
    ("notes.txt", DRIVE, DRIVE),
    ("escaped.js", f'{{"p": "{ESCAPED}"}}', ESCAPED),
])
def test_a_planted_machine_path_is_caught(tmp_path, name, text, found):
    site = _site(tmp_path, {**CLEAN, name: text})
    assert machine_paths(site) == [f"{name}: {found}"]
    with pytest.raises(BookError, match="Refusing to publish: 1 machine path"):
        refuse_machine_paths(site)


def test_the_build_folder_spelled_out_is_caught_whatever_it_starts_with(tmp_path):
    site = _site(tmp_path, {**CLEAN, "genindex.html": "built in /srv/lab/out/_build/stage"})
    assert machine_paths(site) == []
    assert machine_paths(site, folders=["/srv/lab/out"]) == [
        "genindex.html: /srv/lab/out"]


def test_paths_inside_the_compressed_inventory_are_caught(tmp_path):
    header = b"# Sphinx inventory version 2\n# Project: x\n# Version:\n# zlib.\n"
    page = _unix("home", "dave", "book", "intro.html")
    body = zlib.compress(f"intro std:doc -1 {page} Intro\n".encode())
    site = _site(tmp_path, {"objects.inv": header + body})
    assert machine_paths(site) == [f"objects.inv: {page}"]


def test_errors_in_lists_error_outputs_and_papermill_exceptions(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1/0")])
    nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                                  evalue="division by zero", traceback=[])]
    nb.metadata["papermill"] = {"exception": True}
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert errors_in(tmp_path / "x.ipynb") == [
        "papermill recorded an exception",
        "cell 0 has an error output (ZeroDivisionError: division by zero)"]


def test_check_executed_names_missing_and_broken_copies(tmp_path):
    layout = make_project(tmp_path, {"good": GOOD, "other": GOOD})
    with pytest.raises(BookError, match=r"No executed copy of good, other in .*; run "
                                        r"`course-book run good other` first"):
        check_executed(layout)
    layout.executed_dir.mkdir(parents=True)
    for name in ("good", "other"):
        nb = nbformat.read(layout.source(name), as_version=4)
        nbformat.write(nb, layout.executed(name))
    assert check_executed(layout) == [layout.executed("good"), layout.executed("other")]
    nb.cells[-1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad",
                                                   traceback=[])]
    nbformat.write(nb, layout.executed("other"))
    with pytest.raises(BookError, match=r"other: cell 2 has an error output \(ValueError: bad"):
        check_executed(layout)


def test_a_json_newline_after_a_capital_is_not_a_windows_drive():
    from course_utils.book.publishing import MACHINE_PATH

    assert not MACHINE_PATH.search('"source": "... the privileged group B:\\n"')
    planted = _windows("Users", "me", "book")
    assert MACHINE_PATH.search(json.dumps({"path": planted}))
    assert MACHINE_PATH.search(planted)
