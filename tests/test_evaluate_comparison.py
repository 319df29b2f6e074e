"""Tests for course_utils.evaluate.comparison: gaps and changes are numbers, inputs untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.evaluate import change_from, train_val_gap


def test_train_val_gap_adds_column_without_changing_input():
    summary = pd.DataFrame({"variant": ["a", "b"], "train_accuracy": [0.9, 0.8],
                            "val_accuracy": [0.7, 0.8]})
    out = train_val_gap(summary)
    assert out["gap"].tolist() == pytest.approx([0.2, 0.0])
    assert "gap" not in summary.columns


def test_train_val_gap_takes_other_columns_and_name():
    summary = pd.DataFrame({"train_loss": [0.2], "val_loss": [0.5]})
    out = train_val_gap(summary, train_col="train_loss", val_col="val_loss", name="loss_gap")
    assert out["loss_gap"].tolist() == pytest.approx([-0.3])


def test_train_val_gap_names_missing_columns():
    with pytest.raises(ParameterError, match=r"'summary' .* Got columns \['train_accuracy'\] "
                                             r"\(missing \['val_accuracy'\]\) instead"):
        train_val_gap(pd.DataFrame({"train_accuracy": [0.9]}))
    with pytest.raises(ParameterError, match=r"'summary' .* a pandas DataFrame\. Got dict"):
        train_val_gap({"train_accuracy": [0.9]})


def test_change_from_compares_each_row_with_its_baseline():
    frame = pd.DataFrame({"test_accuracy": [0.5, 0.75, 0.6, 0.7]},
                         index=["base", "wide", "other", "other_plus"])
    out = change_from(frame, {"base": "base", "wide": "base", "other_plus": "other"})
    assert out["compared_to"].tolist() == ["base", "base", "other", "other"]
    np.testing.assert_allclose(out["change"], [0.0, 0.25, 0.0, 0.1])
    assert out["change"].dtype.kind == "f"
    assert "change" not in frame


def test_change_from_names_a_missing_baseline_or_metric():
    frame = pd.DataFrame({"test_accuracy": [0.5]}, index=["base"])
    with pytest.raises(ParameterError, match=r"'baseline' .* row names .*Got \['gone'\] instead"):
        change_from(frame, "gone")
    with pytest.raises(ParameterError, match=r"'summary' .* columns \['val_accuracy'\]"):
        change_from(frame, "base", metric="val_accuracy")
    with pytest.raises(ParameterError, match=r"'baseline' .* Got 3 instead"):
        change_from(frame, 3)
