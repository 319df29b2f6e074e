"""Tests for course_utils.train.result: RunResult's cached predictions and accuracy."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import mlp, rnn
from course_utils.train import fit

QUIET = {"progress": False, "batch_size": 32}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", limit=96)


@pytest.fixture(scope="module")
def run(digits):
    return fit(mlp(digits.input_shape, 10, hidden=(16,)), digits, epochs=2, **QUIET)


def test_probabilities_are_computed_once_and_kept(run, monkeypatch):
    first = run.probabilities("val")
    monkeypatch.setattr(run.model, "predict", lambda *a, **k: pytest.fail("predicted again"))
    assert run.probabilities("val") is first
    assert run.predict("val") is first  # predict(split) is an alias
    assert run.accuracy("val") == pytest.approx(run.metrics["val_accuracy"])


def test_cached_probabilities_are_read_only(run):
    with pytest.raises(ValueError, match="read-only"):
        run.probabilities("test")[0, 0] = 1.0


def test_accuracy_is_the_argmax_hit_rate_of_the_probabilities(run, digits):
    for split in ("train", "val", "test"):
        y = digits.split(split)[1]
        hits = float(np.mean(run.probabilities(split).argmax(axis=1) == y))
        assert run.accuracy(split) == hits
        assert run.accuracy(split) == pytest.approx(run.metrics[f"{split}_accuracy"])


def test_predict_on_an_array_predicts_afresh(run, digits):
    fresh = run.predict(digits.x_test)
    assert fresh is not run.probabilities("test")
    np.testing.assert_allclose(fresh, run.probabilities("test"), rtol=1e-6)
    fresh[0, 0] = 2.0  # a fresh array is the caller's to change


def test_a_replaced_result_starts_with_an_empty_cache(run, digits):
    run.probabilities("test")
    other_model = mlp(digits.input_shape, 10, hidden=(4,))
    copy = replace(run, model=other_model)
    assert copy.probabilities("test").shape == (len(digits.y_test), 10)
    assert not np.allclose(copy.probabilities("test"), run.probabilities("test"))


@pytest.mark.parametrize(("method", "expected"), [
    ("predict", "one of \\['train', 'val', 'test'\\] or an array"),
    ("probabilities", "one of \\['train', 'val', 'test'\\]"),
    ("accuracy", "one of \\['train', 'val', 'test'\\]"),
])
def test_an_unknown_split_is_rejected(run, method, expected):
    with pytest.raises(ParameterError, match=f"'split' parameter of {method} must be "
                       f"{expected}. Got 'valid' instead."):
        getattr(run, method)("valid")


def test_accuracy_of_a_regression_is_refused():
    sine = load_dataset("sine", limit=64)
    result = fit(rnn(sine.input_shape, kind="mlp"), sine, epochs=1, **QUIET)
    assert result.probabilities("test").shape == (len(sine.y_test),)
    with pytest.raises(ParameterError, match="is a regression; use its metrics' 'test_mae'"):
        result.accuracy("test")
