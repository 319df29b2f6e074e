"""Glued values are plain Python; verdict is the one place numbers become words."""

import numpy as np
import pandas as pd
import pytest

from course_utils.book.narrative import glue, glue_all, plain, verdict
from course_utils.errors import ParameterError


@pytest.mark.parametrize(("value", "expected"), [
    (np.float64(0.25), 0.25), (np.float32(0.5), 0.5), (np.int64(3), 3),
    (np.array([1, 2]), [1, 2]), ("adam", "adam")])
def test_plain_turns_numpy_into_python(value, expected):
    result = plain(value)
    assert result == expected and type(result) is type(expected)


def test_glue_stores_a_formattable_repr(monkeypatch):
    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display: seen.update({name: value}))
    glue("accuracy", np.float64(0.125))
    assert repr(seen["accuracy"]) == "0.125"
    assert f"{float(repr(seen['accuracy'])):.2f}" == "0.12"


def test_glue_all_prefixes_and_converts(monkeypatch):
    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display: seen.update({name: value}))
    glue_all({"gap": np.float32(0.5), "winner": "adam"}, prefix="mlp_")
    assert seen == {"mlp_gap": 0.5, "mlp_winner": "adam"}
    assert type(seen["mlp_gap"]) is float


@pytest.mark.parametrize(("change", "kwargs", "word"), [
    (0.1, {}, "helped"), (-0.1, {}, "hurt"), (0.0, {}, "made no difference"),
    (0.001, {"tolerance": 0.01}, "made no difference"), (float("nan"), {}, "could not be compared"),
    (-2, {"better": "narrowed", "worse": "widened"}, "widened")])
def test_verdict_words(change, kwargs, word):
    assert verdict(change, **kwargs) == word


@pytest.mark.parametrize("zero", [0, 0.0, -0.0, np.float64(0.0), np.float32(-0.0), np.int64(0),
                                  np.array(0.0)])
@pytest.mark.parametrize("tolerance", [0.0, 0.01])
def test_an_exact_zero_never_reads_as_a_gain(zero, tolerance):
    assert verdict(zero, tolerance=tolerance) == "made no difference"
    assert verdict(zero, better="gained", worse="lost", same="no change",
                   tolerance=tolerance) == "no change"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, np.float32("nan"), pd.NA,
                                     np.array(np.nan)])
def test_a_missing_change_could_not_be_compared(missing):
    assert verdict(missing) == "could not be compared"
    assert verdict(missing, unknown="was not measured") == "was not measured"


@pytest.mark.parametrize(("change", "word"), [
    (np.float32(0.02), "helped"), (np.float64(-0.02), "hurt"), (np.int64(3), "helped"),
    (np.array(-1.5), "hurt"), (float("inf"), "helped")])
def test_numpy_scalars_get_their_word(change, word):
    assert verdict(change) == word


def test_the_tolerance_bounds_are_inclusive_and_symmetric():
    assert verdict(0.005, tolerance=0.005) == "made no difference"
    assert verdict(-0.005, tolerance=0.005) == "made no difference"
    assert verdict(0.0051, tolerance=0.005) == "helped"
    assert verdict(-0.0051, tolerance=0.005) == "hurt"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"change": True}, r"The 'change' parameter of verdict must be a number\. Got True instead\."),
    ({"change": "0.1"}, r"The 'change' parameter of verdict must be a number\. Got '0.1'"),
    ({"change": 0.1, "tolerance": -1},
     r"The 'tolerance' parameter of verdict must be a number >= 0\. Got -1 instead\."),
])
def test_verdict_refuses_what_is_not_a_change(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        verdict(**kwargs)


def test_verdict_says_noise_when_the_interval_holds_zero():
    from course_utils.book import verdict

    assert verdict(0.03, interval=(-0.001, 0.06)) == "made no difference beyond noise"
    assert verdict(-0.03, interval=(-0.06, 0.0)) == "made no difference beyond noise"
    assert verdict(-0.03, interval=(-0.06, -0.01)) == "hurt"
    assert verdict(0.03, interval=(0.01, 0.05), better="beat") == "beat"
    assert verdict(0.0, interval=(0.01, 0.05)) == "made no difference"
