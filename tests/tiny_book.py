"""A tiny book project in a temporary folder, for the runner, cache and build tests.

Its notebooks run in seconds on the ``lab-book`` kernel and save a real
results record through ``course_utils.Record``; nothing of the real book is
touched.

Example
-------
>>> layout = make_project(tmp_path, {"good": GOOD})  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.book.layout import Layout

__all__ = ["GOOD", "SAVES_THEN_FAILS", "PARAMS", "QUICK_RECORDS", "write_notebook", "make_project",
           "freeze_library"]

PARAMS = "seed = 0\nepochs = 1\npreset = 'quick'"

#: First lines of every tiny notebook: the record's device is given, so that saving
#: does not import Keras and TensorFlow to ask (seconds per run otherwise).
QUICK_RECORDS = """import course_utils.book.records as _records
_records.device_name = lambda: "CPU (tiny test book)"
"""

GOOD = """from course_utils import Record
rec = Record("good", params=dict(seed=seed, epochs=epochs, preset=preset), dataset="toy")
rec.add("only", {"test_accuracy": 0.5 + seed / 100})
rec.save()"""

#: Saves a record and its predictions, then fails when ``fail`` is true.
SAVES_THEN_FAILS = """from course_utils import Record
rec = Record("saver", params=dict(seed=seed, fail=fail, preset=preset), dataset="toy")
rec.add("only", {"test_accuracy": 0.5 + seed / 100})
rec.add_predictions("only", [0, 1, 1], [0, 1, seed % 2])
rec.save()
if fail:
    raise RuntimeError("failed after saving, on purpose")"""


def write_notebook(path: Path, body: str, params: str = PARAMS) -> Path:
    """Write a notebook: a title, a ``parameters`` cell and one code cell."""
    cells = [nbformat.v4.new_markdown_cell("# A test page"),
             nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(QUICK_RECORDS + body)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "lab-book", "display_name": "lab book",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def make_project(root: Path, notebooks: dict[str, str | tuple[str, str]],
                 presets: dict[str, str] | None = None) -> Layout:
    """Write ``_toc.yml``, ``notebooks/presets.yml`` and the notebooks; return the layout.

    ``notebooks`` maps a stem to its body (or to ``(body, parameters cell)``);
    ``presets`` maps a stem to its presets' YAML (default: three empty presets).
    """
    (root / "notebooks").mkdir(parents=True)
    chapters = "".join(f"  - file: notebooks/{name}\n" for name in notebooks)
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: book/intro\nchapters:\n{chapters}")
    presets = presets or {}
    (root / "notebooks" / "presets.yml").write_text("".join(
        f"{name}:\n" + presets.get(name, "  smoke: {}\n  quick: {}\n  full: {}\n")
        for name in notebooks))
    for name, content in notebooks.items():
        body, params = content if isinstance(content, tuple) else (content, PARAMS)
        write_notebook(root / "notebooks" / f"{name}.ipynb", body, params)
    return Layout.default(root)


def freeze_library(monkeypatch, folder: Path) -> Path:
    """Point the cache's library digest at a small stand-in package in ``folder``.

    Other work on the real package then cannot change the fingerprints a test
    compares; the test can change the stand-in's source instead.
    """
    from course_utils.book import cache

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.py").write_text("VALUE = 1\n")
    monkeypatch.setattr(cache, "LIBRARY", folder)
    return folder
