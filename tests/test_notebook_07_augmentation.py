"""Notebook 07 (augmentation): what its page says about the original course, and how it scores.
Static checks of the notebook source; the smoke run lives in tests/test_notebooks.py."""

from __future__ import annotations

import nbformat

from course_utils.book.layout import Layout
from course_utils.book.notebooks import load_presets, notebook_parameters
from course_utils.paths import project_root

LAYOUT = Layout.default(project_root(__file__))
NAME = "07_augmentation"
NOTEBOOK = nbformat.read(LAYOUT.source(NAME), as_version=4)
#: The markdown with every run of whitespace made one space.
MARKDOWN = " ".join(" ".join(c.source for c in NOTEBOOK.cells
                             if c.cell_type == "markdown").split())
CODE = "\n".join(c.source for c in NOTEBOOK.cells if c.cell_type == "code")
PARAMS = notebook_parameters(LAYOUT.source(NAME))


def test_the_page_says_the_original_ran_the_comparison_and_what_it_concluded():
    assert "ran no with/without" not in MARKDOWN and "no figure of theirs" not in MARKDOWN
    assert "course (course D) ran exactly this comparison" in MARKDOWN
    assert "concluded that augmentation hurt" in MARKDOWN
    for name in ("orig_baseline", "orig_augmented", "pair_agrees", "pair_ci_low", "pair_ci_high"):
        assert f"{{glue:text}}`{name}" in MARKDOWN
    assert "augmentation_pair(" in CODE


def test_the_noise_mistake_names_the_original_course_and_is_trained_both_ways():
    assert "The original Fashion-MNIST course (course D) multiplied its noise" in MARKDOWN
    assert "{glue:text}`noise_verdict`" in MARKDOWN and "{glue:text}`noise_ci_low" in MARKDOWN
    assert "SQUARED_NOISE" in CODE


def test_accuracy_comes_from_the_cached_run_not_by_hand():
    assert "argmax(axis=1) ==" not in CODE and ".predict(" not in CODE
    assert "accuracy_table(" in CODE


def test_the_best_augmentation_is_chosen_on_validation():
    assert 'record.choose("best_augmentation"' in CODE
    assert "idxmax()" not in CODE.replace('summary.loc[singles, "gap"].idxmin()', "")


def test_quick_runs_on_auto_and_smoke_exercises_the_noise_pair():
    assert PARAMS["dataset"] == "auto"
    smoke = {**PARAMS, **load_presets(LAYOUT)[NAME]["smoke"]}
    assert "noise" in smoke["augmentations"] and smoke["pair_epochs"] == 1
