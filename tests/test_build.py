"""Building the book: staging, refusals, and the site check (jupyter-book stood in for).

The real jupyter-book build runs in ``test_book.py`` (marked ``book``); here a
stand-in writes the site, so the wiring around it is tested in milliseconds.
"""

from __future__ import annotations

import subprocess

import nbformat
import pytest
from tiny_book import GOOD, make_project

from course_utils.book import build
from course_utils.book.build import BookError, build_book, stage_book


@pytest.fixture
def project(tmp_path):
    layout = make_project(tmp_path / "project", {"good": GOOD})
    root = layout.root
    (root / "_config.yml").write_text("title: tiny\n")
    (root / "book" / "_static" / "mathjax").mkdir(parents=True)
    (root / "book" / "_static" / "mathjax" / "tex-chtml.js").write_text("// mathjax\n")
    (root / "book" / "intro.md").write_text("# Intro\n")
    (root / "book" / "results.md").write_text("# stale results page\n")
    layout.executed_dir.mkdir(parents=True)
    nbformat.write(nbformat.read(layout.source("good"), as_version=4), layout.executed("good"))
    return layout


def _fake_jupyter_book(monkeypatch, page="<p>The lab book</p>", returncode=0):
    calls = []

    def fake(stage, output_dir):
        calls.append((stage, output_dir))
        html = output_dir / "_build" / "html"
        html.mkdir(parents=True)
        if returncode == 0:
            (html / "index.html").write_text(page)
        return subprocess.CompletedProcess([], returncode, "", "WARNING: broken toctree")

    monkeypatch.setattr(build, "_jupyter_book", fake)
    return calls


def test_stage_holds_config_pages_executed_copies_and_a_fresh_results_page(project, tmp_path):
    stage = stage_book(project, tmp_path / "stage")
    assert (stage / "_toc.yml").is_file() and (stage / "_config.yml").is_file()
    assert (stage / "notebooks" / "good.ipynb").is_file()
    assert not (stage / "book" / "_executed").exists()
    assert (stage / "book" / "results.md").read_text().startswith("# Results")


def test_a_clean_build_returns_its_index(project, tmp_path, monkeypatch):
    calls = _fake_jupyter_book(monkeypatch)
    index = build_book(project, output_dir=tmp_path / "out")
    assert index == tmp_path / "out" / "_build" / "html" / "index.html" and index.is_file()
    assert calls == [(tmp_path / "out" / "_build" / "stage", tmp_path / "out")]


def test_a_site_naming_a_machine_path_is_refused_and_moved_aside(project, tmp_path,
                                                                 monkeypatch):
    _fake_jupyter_book(monkeypatch, page="<pre>/home/alice/lab/notebooks/good.ipynb</pre>")
    with pytest.raises(BookError, match=r"machine path\(s\) in the built site:\n  index.html: "
                                        r"/home/alice/lab/notebooks/good.ipynb"):
        build_book(project, output_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "_build" / "html").exists()
    assert (tmp_path / "out" / "_build" / "html.refused" / "index.html").is_file()


def test_a_site_naming_its_own_build_folder_is_refused(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _fake_jupyter_book(monkeypatch, page=f"<p>{out.resolve()}/_build/stage/book/intro</p>")
    with pytest.raises(BookError, match="Refusing to publish"):
        build_book(project, output_dir=out)


def test_a_failing_jupyter_book_is_reported_with_its_log(project, tmp_path, monkeypatch):
    _fake_jupyter_book(monkeypatch, returncode=1)
    with pytest.raises(BookError, match="jupyter-book failed:\nWARNING: broken toctree"):
        build_book(project, output_dir=tmp_path / "out")


def test_missing_mathjax_names_the_command_that_fixes_it(project, tmp_path):
    (project.root / "book" / "_static" / "mathjax" / "tex-chtml.js").unlink()
    with pytest.raises(BookError, match=r"MathJax is not vendored .*run `make setup` first"):
        build_book(project, output_dir=tmp_path / "out")


def test_a_broken_executed_copy_is_refused_before_building(project, tmp_path, monkeypatch):
    calls = _fake_jupyter_book(monkeypatch)
    nb = nbformat.read(project.executed("good"), as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad",
                                                   traceback=[])]
    nbformat.write(nb, project.executed("good"))
    with pytest.raises(BookError, match=r"good: cell 2 has an error output"):
        build_book(project, output_dir=tmp_path / "out")
    assert calls == []
