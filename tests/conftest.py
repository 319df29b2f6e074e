"""Shared fixtures: a headless pyplot, results in a temporary folder."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
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
