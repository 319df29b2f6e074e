"""What the runner adds to an executed copy: run box, stamp, relative paths."""

from __future__ import annotations

import nbformat

from course_utils.book.executed import (
    environment_box,
    hide_default_injection,
    relative_metadata,
    stamp_copy,
)
from course_utils.book.layout import Layout


def _notebook(injected="preset = 'smoke'\n"):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell(injected, metadata={"tags": ["injected-parameters"]}),
        nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["papermill"] = {"input_path": "/home/alice/lab/notebooks/nb.ipynb",
                                "output_path": "/home/alice/lab/book/_executed/.nb.running.ipynb"}
    return nb


def test_environment_box_shows_run_facts():
    box = environment_box({"preset": "quick", "dataset": "digits", "seed": 0, "device": "CPU",
                           "wall_seconds": 75, "parameters": {"epochs": 3},
                           "versions": {"keras": "3.15.1", "pandas": "3.1"}})
    assert "| quick | digits | 0 | CPU | tensorflow | 1 min 15 s | not measured |" in box
    assert "`epochs=3`" in box and "keras 3.15.1" in box and "pandas" not in box
    box = environment_box({"device": "CPU", "backend": "jax", "devices": 2})
    assert "| CPU x 2 | jax |" in box
    box = environment_box({"preset": "quick", "peak_memory_mb": 3174.4})
    assert "| 3.1 GiB |" in box


def test_an_injected_cell_restating_the_preset_is_hidden_but_overrides_stay():
    nb = _notebook("# Parameters\npreset = 'smoke'\n")
    hide_default_injection(nb)
    assert "remove-cell" in nb.cells[1].metadata["tags"]
    nb = _notebook("preset = 'smoke'\nseed = 3\n")
    hide_default_injection(nb)
    assert "remove-cell" not in nb.cells[1].metadata["tags"]


def test_papermill_paths_become_relative_to_the_project(tmp_path):
    layout = Layout.default(tmp_path / "lab")
    nb = _notebook()
    relative_metadata(nb, layout, "nb")
    assert nb.metadata["papermill"] == {"input_path": "notebooks/nb.ipynb",
                                        "output_path": "book/_executed/nb.ipynb"}


def test_an_executed_copy_outside_the_project_keeps_no_output_path(tmp_path):
    layout = Layout(tmp_path / "lab", tmp_path / "elsewhere", tmp_path / "results")
    nb = _notebook()
    relative_metadata(nb, layout, "nb")
    assert nb.metadata["papermill"]["output_path"] is None


def test_stamp_copy_adds_the_box_after_the_title_and_the_fingerprint(tmp_path):
    nb = _notebook()
    stamp_copy(nb, {"preset": "smoke", "wall_seconds": 1}, layout=Layout.default(tmp_path),
               name="nb", preset="smoke", stamp="abc")
    assert nb.cells[1].metadata["tags"] == ["run-environment"]
    assert nb.metadata["lab_book"] == {"fingerprint": "abc", "preset": "smoke"}
    assert nb.metadata["papermill"]["input_path"] == "notebooks/nb.ipynb"
