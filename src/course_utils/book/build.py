"""Build the HTML book from the executed notebooks.

The source tree is never built in place. A staging folder receives the book's
configuration and pages, the executed copies under the names ``_toc.yml``
uses (``notebooks/<name>.ipynb``), the generated results page and one page per
sweep (listed in the staged ``_toc.yml`` after the results page); jupyter-book
then builds it with execution off and warnings as errors. Publishing is
refused when an executed copy is missing or holds an error (before the
build), and when the built site names a machine path (after it: the site is
then moved aside to ``_build/html.refused``).

Example
-------
>>> build_book(Layout.default())  # doctest: +SKIP
PosixPath('.../_build/html/index.html')
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .layout import Layout
from .publishing import BookError, check_executed, refuse_machine_paths
from .results_page import write_results_page
from .sweep_pages import add_to_toc, write_sweep_pages

__all__ = ["BookError", "check_executed", "stage_book", "build_book"]

_COPIED = ("_config.yml", "_toc.yml")


def stage_book(layout: Layout, stage: Path) -> Path:
    """Assemble the buildable tree in ``stage`` and return it.

    Raises
    ------
    BookError
        When an executed copy is missing or holds an error.
    """
    executed = check_executed(layout)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for name in _COPIED:
        shutil.copy2(layout.root / name, stage / name)
    shutil.copytree(layout.root / "book", stage / "book",
                    ignore=shutil.ignore_patterns("_executed", "results.md", "_build", "sweeps"))
    (stage / "notebooks").mkdir()
    for path in executed:
        shutil.copy2(path, stage / "notebooks" / path.name)
    write_results_page(layout.results_dir, stage / "book")
    add_to_toc(stage / "_toc.yml", write_sweep_pages(layout.results_dir, stage / "book"))
    return stage


def _jupyter_book(stage: Path, output_dir: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(stage),
               "--path-output", str(output_dir), "-W", "-n", "--keep-going", "--quiet"]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _refuse_if_paths(layout: Layout, html: Path, stage: Path, output_dir: Path) -> None:
    """Move the site aside and raise when it names a machine path."""
    folders = [output_dir, stage, layout.root, layout.executed_dir, layout.results_dir]
    try:
        refuse_machine_paths(html, folders=folders)
    except BookError:
        refused = html.with_name("html.refused")
        if refused.exists():
            shutil.rmtree(refused)
        html.rename(refused)
        raise


def build_book(layout: Layout, *, output_dir: Path | None = None) -> Path:
    """Stage and build the book; return the path of ``index.html``.

    Parameters
    ----------
    layout : Layout
        Where the executed copies, results and book pages are.
    output_dir : Path, optional
        The folder that receives ``_build/`` (default: the project folder).

    Raises
    ------
    BookError
        When an executed copy is missing or has an error, when MathJax was not
        vendored (``make setup`` does it), when jupyter-book fails or warns,
        or when the built site names a machine path.
    """
    output_dir = Path(output_dir) if output_dir is not None else layout.root
    mathjax = layout.root / "book" / "_static" / "mathjax" / "tex-chtml.js"
    if not mathjax.is_file():
        raise BookError(f"MathJax is not vendored at {mathjax}; run `make setup` first.")
    stage = stage_book(layout, output_dir / "_build" / "stage")
    html = output_dir / "_build" / "html"
    if html.exists():
        shutil.rmtree(html)
    done = _jupyter_book(stage, output_dir)
    index = html / "index.html"
    if done.returncode != 0 or not index.is_file():
        log = (done.stdout + done.stderr).strip().splitlines()
        raise BookError("jupyter-book failed:\n" + "\n".join(log[-40:]))
    _refuse_if_paths(layout, html, stage, output_dir)
    return index
