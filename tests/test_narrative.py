"""Glued values are plain Python, so myst-nb can format them."""

import numpy as np
import pytest

from course_utils.narrative import glue, plain


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
    from course_utils.narrative import glue_all

    glue_all({"gap": np.float32(0.5), "winner": "adam"}, prefix="mlp_")
    assert seen == {"mlp_gap": 0.5, "mlp_winner": "adam"}
    assert type(seen["mlp_gap"]) is float


@pytest.mark.parametrize(("change", "kwargs", "word"), [
    (0.1, {}, "helped"), (-0.1, {}, "hurt"), (0.0, {}, "made no difference"),
    (0.001, {"tolerance": 0.01}, "made no difference"), (float("nan"), {}, "could not be compared"),
    (-2, {"better": "narrowed", "worse": "widened"}, "widened")])
def test_verdict_words(change, kwargs, word):
    from course_utils.narrative import verdict

    assert verdict(change, **kwargs) == word
