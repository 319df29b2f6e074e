"""Build the HTML book from the executed notebooks.

The source tree is never built in place. A staging folder receives the book's
configuration and pages, the executed copies under the names ``_toc.yml``
uses (``notebooks/<name>.ipynb``) and the generated results page; jupyter-book
then builds it with execution off and warnings as errors. Publishing is
refused when an executed copy is missing or holds an error.

Example
-------
>>> from course_utils.runner import Layout
>>> build_book(Layout.default())  # doctest: +SKIP
PosixPath('.../_build/html/index.html')
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import CourseUtilsError
from .runner import Layout, notebook_names

__all__ = ["BookError", "check_executed", "stage_book", "build_book"]

_COPIED = ("_config.yml", "_toc.yml")


class BookError(CourseUtilsError, RuntimeError):
    """The book cannot be published as it stands."""


def _errors_in(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    exception = nb.get("metadata", {}).get("papermill", {}).get("exception")
    if exception:
        problems.append("papermill recorded an exception")
    for index, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index} has an error output "
                                f"({output.get('ename')}: {output.get('evalue')})")
    return problems


def check_executed(layout: Layout) -> list[Path]:
    """Return every notebook's executed copy, or raise naming what is missing or broken."""
    missing, broken, paths = [], [], []
    for name in notebook_names(layout):
        path = layout.executed(name)
        if not path.is_file():
            missing.append(name)
            continue
        problems = _errors_in(path)
        if problems:
            broken.append(f"{name}: {'; '.join(problems)}")
        paths.append(path)
    if missing:
        raise BookError(
            f"No executed copy of {', '.join(missing)} in {layout.executed_dir}; run "
            f"`course-book run {' '.join(missing)}` first.")
    if broken:
        raise BookError("Refusing to publish notebooks with errors:\n  " + "\n  ".join(broken))
    return paths


def stage_book(layout: Layout, stage: Path) -> Path:
    """Assemble the buildable tree in ``stage`` and return it."""
    from .results_page import write_results_page

    executed = check_executed(layout)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for name in _COPIED:
        shutil.copy2(layout.root / name, stage / name)
    shutil.copytree(layout.root / "book", stage / "book",
                    ignore=shutil.ignore_patterns("_executed", "results.md", "_build"))
    (stage / "notebooks").mkdir()
    for path in executed:
        shutil.copy2(path, stage / "notebooks" / path.name)
    write_results_page(layout.results_dir, stage / "book")
    return stage


def build_book(layout: Layout, *, output_dir: Path | None = None) -> Path:
    """Stage and build the book; return the path of ``index.html``.

    Raises
    ------
    BookError
        When an executed copy is missing or has an error, when MathJax was not
        vendored (``make setup`` does it), or when jupyter-book fails or warns.
    """
    output_dir = Path(output_dir) if output_dir is not None else layout.root
    mathjax = layout.root / "book" / "_static" / "mathjax" / "tex-chtml.js"
    if not mathjax.is_file():
        raise BookError(f"MathJax is not vendored at {mathjax}; run `make setup` first.")
    stage = stage_book(layout, output_dir / "_build" / "stage")
    html = output_dir / "_build" / "html"
    if html.exists():
        shutil.rmtree(html)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(stage),
               "--path-output", str(output_dir), "-W", "-n", "--keep-going", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    index = html / "index.html"
    if done.returncode != 0 or not index.is_file():
        log = (done.stdout + done.stderr).strip().splitlines()
        raise BookError("jupyter-book failed:\n" + "\n".join(log[-40:]))
    return index
