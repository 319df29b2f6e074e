"""Shared fixtures: a headless pyplot, results in a temporary folder."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def pyplot():
    """Matplotlib's pyplot on the Agg backend; closes every figure afterwards."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def results_tmp(tmp_path, monkeypatch):
    """Send results records to a temporary folder."""
    folder = tmp_path / "results"
    monkeypatch.setenv("COURSE_BOOK_RESULTS", str(folder))
    return folder


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """Every notebook in _toc.yml executed once with the smoke preset (shared by the
    notebook and book tests). Returns the layout and the outcomes by notebook."""
    from course_utils.book.layout import Layout
    from course_utils.book.runner import plan_runs, run_plans
    from course_utils.paths import project_root

    base = tmp_path_factory.mktemp("smoke")
    layout = Layout.default(project_root(os.path.dirname(__file__)),
                            executed_dir=base / "executed", results_dir=base / "results")
    outcomes = run_plans(plan_runs(None, preset="smoke", layout=layout), jobs=2,
                         progress=False, force=True)
    return layout, {o.name: o for o in outcomes}


@pytest.fixture(scope="session")
def smoke_book(smoke_run, tmp_path_factory):
    """The HTML book built from the smoke run; returns (layout, index.html path)."""
    from course_utils.book.build import build_book

    layout, outcomes = smoke_run
    failed = {name: o.error for name, o in outcomes.items() if not o.ok}
    if failed:
        pytest.fail(f"smoke runs failed, no book to build: {failed}")
    out = tmp_path_factory.mktemp("book")
    return layout, build_book(layout, output_dir=out)
