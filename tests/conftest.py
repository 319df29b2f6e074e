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


#: The seed sweep the smoke book holds beside its pages (the command a reader runs).
SMOKE_SWEEP = ["sweep", "01_optimizers", "--preset", "smoke", "-p", "seed", "0,1,2"]


@pytest.fixture(scope="session")
def smoke_book(smoke_run, tmp_path_factory):
    """The HTML book built from the smoke run and a seed sweep of 01 beside it
    (:data:`SMOKE_SWEEP`); returns (layout, index.html path)."""
    from course_utils.book import cli
    from course_utils.book.build import build_book

    layout, outcomes = smoke_run
    failed = {name: o.error for name, o in outcomes.items() if not o.ok}
    if failed:
        pytest.fail(f"smoke runs failed, no book to build: {failed}")
    code = cli.main(["--root", str(layout.root), *SMOKE_SWEEP, "--jobs", "2", "--no-progress",
                     "--results-dir", str(layout.results_dir),
                     "--executed-dir", str(layout.executed_dir)])
    if code != 0:
        pytest.fail(f"the smoke book's seed sweep failed (exit {code})")
    out = tmp_path_factory.mktemp("book")
    return layout, build_book(layout, output_dir=out)
