"""Notebook 06 (CNN trials and the Fashion-MNIST course's seven models): its parameters,
presets and prose say what the code does. Static checks of the notebook source; the smoke run
lives in tests/test_notebooks.py."""

from __future__ import annotations

import re

import nbformat
import pytest

from course_utils.book.layout import Layout
from course_utils.book.notebooks import load_presets, notebook_parameters
from course_utils.lessons.cnn_trials import COURSE_MODELS, early_stopping_epochs
from course_utils.paths import project_root

LAYOUT = Layout.default(project_root(__file__))
NAME = "06_cnn_trials"
NOTEBOOK = nbformat.read(LAYOUT.source(NAME), as_version=4)
#: The markdown with every run of whitespace made one space.
MARKDOWN = " ".join(" ".join(c.source for c in NOTEBOOK.cells
                             if c.cell_type == "markdown").split())
CODE = "\n".join(c.source for c in NOTEBOOK.cells if c.cell_type == "code")
PARAMS = notebook_parameters(LAYOUT.source(NAME))
PRESETS = load_presets(LAYOUT)[NAME]


@pytest.mark.parametrize("preset", ["smoke", "quick", "full"])
def test_every_preset_restores_the_best_weights_without_a_min_delta(preset):
    options = {**PARAMS, **(PRESETS[preset] or {})}["early_stopping"]
    assert options["restore_best_weights"] is True
    assert options.get("min_delta", 0.0) == 0.0


def test_the_page_gives_that_choice_and_its_reason():
    assert "restore the best weights *without* a `min_delta`" in MARKDOWN
    assert "`min_delta=0.02` with `restore_best_weights=True`" in MARKDOWN
    for name in ("old_kept_epoch", "kept_epoch", "old_same"):
        assert f"{{glue:text}}`{name}" in MARKDOWN
    # the reason holds: min_delta 0.02 with restored weights throws later small gains away
    assert early_stopping_epochs([0.8, 0.83, 0.84, 0.845], patience=5, min_delta=0.02)[0] == 2


def test_quick_runs_on_auto_and_full_keeps_the_original_settings():
    assert PARAMS["dataset"] == PARAMS["d_dataset"] == "auto"
    assert PARAMS["d_variants"] == list(COURSE_MODELS)
    assert PARAMS["d_batch_size"] == 32
    full = {**PARAMS, **PRESETS["full"]}
    assert full["d_epochs"] == 10 and full["d_train_per_class"] is None
    assert full["d_dataset"] == "fashion_mnist" and full["batch_norm_momentum"] == 0.99
    assert "stacked_no_pool" in full["variants"] and full["train_per_class"] is None


def test_every_winner_is_chosen_on_validation():
    for choice in ("best_knob", "best_trial", "d_best"):
        assert f'record.choose("{choice}"' in CODE
    assert not re.search(r"idxmax|idxmin|sort_values\(", CODE)


@pytest.mark.parametrize("change", ["knob", "conv", "aug", "cnn"])
def test_each_stated_change_shows_its_interval(change):
    assert f"{{glue:text}}`{change}_change" in MARKDOWN
    assert f"{{glue:text}}`{change}_ci_low" in MARKDOWN
    assert f"{{glue:text}}`{change}_ci_high" in MARKDOWN


def test_the_page_says_the_original_chose_on_test():
    assert "named its best model by its *test* accuracy" in MARKDOWN
    assert "{glue:text}`orig_best_on_test`" in MARKDOWN
    assert "{glue:text}`d_best_on_test`" in MARKDOWN
