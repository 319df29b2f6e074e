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
