"""Tests for course_utils.fairness._groups: the protected attribute and its checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import fairness
from course_utils.errors import ParameterError

Y = np.array([1, 1, 0, 0, 1, 0, 1, 0, 1, 1])
PRED = np.array([1, 0, 0, 1, 1, 0, 0, 0, 1, 1])
GROUPS = np.array(["a"] * 5 + ["b"] * 5)


class _TwoSplits:
    """The ten examples above as the train, val and test split of a dataset."""

    name = "ten"
    num_classes = 2
    y_train = y_val = y_test = Y

    def __init__(self, attributes=None):
        self.attributes = attributes or {}

    def split(self, name):
        return np.zeros((len(Y), 1)), Y


def test_check_protected_refuses_the_target_as_protected_attribute():
    fairness.check_protected("gender", "race")
    with pytest.raises(ParameterError, match="'Gender' is the target itself"):
        fairness.check_protected("gender", "Gender")
    with pytest.raises(ParameterError, match="Got ' gender ' instead"):
        fairness.check_protected("Gender", " gender ")
    with pytest.raises(ParameterError, match="parameter of check_protected must be an attribute"):
        fairness.check_protected("race", "race")


def test_audit_refuses_groups_identical_to_the_label():
    with pytest.raises(ParameterError, match="'groups' parameter of audit must be an attribute "
                                             "other than the label"):
        fairness.audit(Y, PRED, np.where(Y == 1, "female", "male"), privileged="male")


def test_privileged_value_that_does_not_occur_names_it_and_lists_groups():
    with pytest.raises(
        ParameterError,
        match=r"'privileged' parameter of audit must be a group value that occurs in 'groups'\. "
        r"Got 'c' instead\. The groups present are \['a', 'b'\]",
    ):
        fairness.audit(Y, PRED, GROUPS, privileged="c")
    with pytest.raises(ParameterError, match="of reweighing_weights .* Got 1 instead"):
        fairness.reweighing_weights(Y, GROUPS, privileged=1)


def test_expected_group_with_no_examples_warns_and_keeps_a_nan_row():
    with pytest.warns(UserWarning, match="Group 'c' has no examples"):
        table = fairness.group_metrics(Y, PRED, GROUPS, categories=["a", "b", "c"])
    row = table.set_index("group").loc["c"]
    assert row.n == 0 and np.isnan(row.tpr)
    categorical = pd.Categorical(GROUPS, categories=["a", "b", "c"])
    with pytest.warns(UserWarning, match="Group 'c' has no examples"):
        audit = fairness.audit(Y, PRED, categorical, privileged="a")
    rows = audit[(audit.comparison == "vs privileged") & (audit.group == "c")]
    assert len(rows) == 1 and np.isnan(rows.iloc[0].disparate_impact)


def test_a_privileged_group_without_examples_is_refused_even_when_expected():
    with pytest.warns(UserWarning), pytest.raises(ParameterError, match="Got 'c' instead"):
        fairness.audit(Y, PRED, GROUPS, privileged="c", categories=["a", "b", "c"])


def test_missing_group_values_are_refused():
    groups = GROUPS.astype(object)
    groups[0] = None
    with pytest.raises(ParameterError, match="Got None instead. 1 of 10 values are missing"):
        fairness.audit(Y, PRED, groups, privileged="a")


def test_group_values_reads_the_attribute_of_a_split():
    data = _TwoSplits({"test": pd.DataFrame({"race": GROUPS})})
    values = fairness.group_values(data, "race")
    assert values.dtype == object and values.tolist() == GROUPS.tolist()
    with pytest.raises(ParameterError, match=r"Got 'race' instead. It has no attributes"):
        fairness.group_values(data, "race", split="train")


def test_group_values_refuses_an_attribute_of_the_wrong_length():
    data = _TwoSplits({"test": pd.DataFrame({"race": GROUPS[:7]})})
    with pytest.raises(ParameterError, match="has 7 'race' values for 10 examples"):
        fairness.group_values(data, "race")


def test_group_values_finds_fairface_age_bands_and_names_missing_attributes(tmp_path):
    from fakes import make_fairface

    from course_utils.data import load_dataset

    faces = load_dataset("fairface", make_fairface(tmp_path, n_train=28, n_val=14))
    bands = fairness.group_values(faces, "age_group", split="test")
    np.testing.assert_array_equal(bands, faces.attributes["test"]["age"].to_numpy())
    assert len(fairness.group_values(faces, "race", split="train")) == len(faces.y_train)
    with pytest.raises(ParameterError, match="Got 'skin' instead. It has \\['file', 'age'"):
        fairness.group_values(faces, "skin")


def test_group_sizes_counts_and_base_rates_per_group():
    table = fairness.group_sizes(_TwoSplits(), {"train": GROUPS, "test": GROUPS[::-1]})
    assert table["n_train"].tolist() == [5, 5]
    # train: group a holds labels 1 1 0 0 1; test (reversed groups): group b holds them
    assert table.loc["a", "train_base_rate"] == pytest.approx(3 / 5)
    assert table.loc["b", "test_base_rate"] == pytest.approx(3 / 5)
    assert list(table.columns) == ["n_train", "n_test", "train_base_rate", "test_base_rate"]


def test_group_sizes_refuses_groups_of_the_wrong_length():
    with pytest.raises(ParameterError, match="'groups' parameter of group_sizes"):
        fairness.group_sizes(_TwoSplits(), {"train": GROUPS[:4]})
