"""Tests for course_utils.models.params: parameter formulas and the per-layer table."""

from __future__ import annotations

import pytest

from course_utils.errors import ParameterError
from course_utils.models import (
    batchnorm_params,
    cnn,
    conv2d_params,
    dense_params,
    gru_params,
    lstm_params,
    param_table,
    simple_rnn_params,
)


def model_s():
    return cnn((32, 32, 3), 10, blocks=(16, 32, 64), padding="same", dense=(128,))


def test_formula_functions():
    assert dense_params(1024, 128) == 131_200
    assert conv2d_params(3, 3, 16) == 448
    assert conv2d_params((5, 5), 3, 64) == 4_864
    assert lstm_params(1, 16) == 1_152
    assert gru_params(1, 16) - gru_params(1, 16, reset_after=False) == 3 * 16
    assert simple_rnn_params(1, 16) == 288
    assert batchnorm_params(32) == 128


def test_model_s_first_conv_formula_text():
    table = param_table(model_s())
    assert table.loc[0, "formula"] == "(3*3*3+1)*16"
    assert table.loc[table["layer"] == "output", "formula"].item() == "(128+1)*10"


def test_param_table_total_row():
    model = model_s()
    table = param_table(model, total=True)
    assert table.iloc[-1]["layer"] == "total"
    assert table.iloc[-1]["params_keras"] == model.count_params()
    assert table.iloc[-1]["params_formula"] == model.count_params()


def test_param_table_rejects_a_non_boolean_total():
    with pytest.raises(ParameterError, match="'total' parameter of param_table must be True"):
        param_table(model_s(), total="yes")
