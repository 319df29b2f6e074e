"""The one place for input checks: message form, NumPy ints accepted, booleans refused."""

import numpy as np
import pytest

from course_utils._checks import (
    check_bool,
    check_choice,
    check_fraction,
    check_int,
    check_number,
    message,
)
from course_utils.errors import DatasetError, ParameterError


def test_message_form():
    assert message("epochs", "fit", "an int >= 1", 0) == (
        "The 'epochs' parameter of fit must be an int >= 1. Got 0 instead."
    )
    assert message("seed", None, "an int", "a") == (
        "The 'seed' parameter must be an int. Got 'a' instead."
    )


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_numpy_integers_count_as_ints(value):
    out = check_int(value, "epochs", "fit", minimum=1)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 3.0, "3", None])
def test_booleans_floats_and_strings_are_not_ints(value):
    expected = r"The 'epochs' parameter of fit must be an int >= 1\. Got .* instead\."
    with pytest.raises(ParameterError, match=expected):
        check_int(value, "epochs", "fit", minimum=1)


def test_int_bounds_and_none():
    assert check_int(None, "limit", "load", minimum=1, allow_none=True) is None
    with pytest.raises(ParameterError, match="must be None or an int >= 1. Got 0 instead"):
        check_int(0, "limit", "load", minimum=1, allow_none=True)
    with pytest.raises(ParameterError, match=r"an int in \[1, 3\]. Got 4"):
        check_int(4, "k", "f", minimum=1, maximum=3)
    assert check_int(3, "k", "f", minimum=1, maximum=3) == 3


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.int64(1)])
def test_numbers(value):
    assert check_number(value, "rate", "f", minimum=0) == float(value)


@pytest.mark.parametrize("value", [True, float("nan"), "0.1", None, -0.1])
def test_not_numbers(value):
    with pytest.raises(ParameterError, match="The 'rate' parameter of f must be a number >= 0"):
        check_number(value, "rate", "f", minimum=0)


def test_fraction_open_and_closed():
    assert check_fraction(0.0, "val_fraction", "load") == 0.0
    with pytest.raises(ParameterError, match=r"a number in \[0, 1\)\. Got 1 instead"):
        check_fraction(1, "val_fraction", "load")
    assert check_fraction(1, "p", "f", closed=True) == 1.0
    with pytest.raises(ParameterError, match="Got True instead"):
        check_fraction(True, "p", "f", closed=True)


def test_bool_and_choice():
    assert check_bool(np.bool_(False), "flip", "f") is False
    with pytest.raises(ParameterError, match="must be True or False. Got 1 instead"):
        check_bool(1, "flip", "f")
    assert check_choice("max", "pooling", "cnn", ("max", "average")) == "max"
    with pytest.raises(ParameterError, match=r"one of \['max', 'average'\]\. Got \['x'\] instead"):
        check_choice(["x"], "pooling", "cnn", {"max": 1, "average": 2})


def test_error_class_can_be_chosen():
    with pytest.raises(DatasetError, match="The 'limit' parameter of load_dataset"):
        check_int(-1, "limit", "load_dataset", minimum=1, error=DatasetError)
