"""Input checks at the boundary of ``course_utils``: one message form everywhere.

Every check raises :class:`~course_utils.errors.ParameterError` (or the error
class passed as ``error``) with the message

    The 'x' parameter of f must be <what>. Got <value> instead.

NumPy integers count as ints and NumPy floats as numbers; booleans never count
as numbers, since ``True`` passed as ``epochs`` is a mistake, not one epoch.

Examples
--------
>>> check_int(np.int64(3), "epochs", "fit", minimum=1)
3
>>> check_int(True, "epochs", "fit", minimum=1)
Traceback (most recent call last):
...
course_utils.errors.ParameterError: The 'epochs' parameter of fit must be an int >= 1. \
Got True instead.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = [
    "message",
    "fail",
    "is_int",
    "is_number",
    "check_int",
    "check_number",
    "check_fraction",
    "check_bool",
    "check_choice",
    "Shown",
    "require_columns",
]


def message(parameter: str, function: str | None, expected: str, value: Any) -> str:
    """The one message form: ``The 'x' parameter of f must be ... Got ... instead.``"""
    where = f" of {function}" if function else ""
    return f"The {parameter!r} parameter{where} must be {expected}. Got {value!r} instead."


def fail(
    parameter: str,
    function: str | None,
    expected: str,
    value: Any,
    *,
    hint: str = "",
    error: type[Exception] = ParameterError,
) -> Exception:
    """Build (not raise) the error for a bad value; ``raise fail(...)`` at the call site."""
    text = message(parameter, function, expected, value)
    return error(f"{text} {hint}".rstrip())


def is_int(value: Any) -> bool:
    """True for Python and NumPy integers, False for booleans."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def is_number(value: Any) -> bool:
    """True for real numbers (ints, floats, NumPy scalars), False for booleans and NaN."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return False
    return not np.isnan(float(value))


def _bounds(kind: str, minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{kind} in [{minimum}, {maximum}]"
    if minimum is not None:
        return f"{kind} >= {minimum}"
    if maximum is not None:
        return f"{kind} <= {maximum}"
    return kind


def check_int(
    value: Any,
    parameter: str,
    function: str | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    allow_none: bool = False,
    error: type[Exception] = ParameterError,
) -> int | None:
    """Return ``value`` as a Python int, or raise naming the parameter.

    >>> check_int(None, "limit", "load_dataset", minimum=1, allow_none=True) is None
    True
    """
    if value is None and allow_none:
        return None
    expected = _bounds("an int", minimum, maximum)
    if allow_none:
        expected = f"None or {expected}"
    if not is_int(value):
        raise fail(parameter, function, expected, value, error=error)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise fail(parameter, function, expected, value, error=error)
    return int(value)


def check_number(
    value: Any,
    parameter: str,
    function: str | None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    allow_none: bool = False,
    error: type[Exception] = ParameterError,
) -> float | None:
    """Return ``value`` as a Python float, or raise naming the parameter.

    >>> check_number(1e-3, "learning_rate", "fit", minimum=0)
    0.001
    """
    if value is None and allow_none:
        return None
    expected = _bounds("a number", minimum, maximum)
    if allow_none:
        expected = f"None or {expected}"
    if not is_number(value):
        raise fail(parameter, function, expected, value, error=error)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise fail(parameter, function, expected, value, error=error)
    return float(value)


def check_fraction(
    value: Any,
    parameter: str,
    function: str | None = None,
    *,
    closed: bool = False,
    error: type[Exception] = ParameterError,
) -> float:
    """A number in [0, 1) (``closed=True``: [0, 1]), returned as float.

    >>> check_fraction(0.2, "val_fraction", "load_dataset")
    0.2
    """
    expected = "a number in [0, 1]" if closed else "a number in [0, 1)"
    if not is_number(value) or value < 0 or (value > 1 if closed else value >= 1):
        raise fail(parameter, function, expected, value, error=error)
    return float(value)


def check_bool(
    value: Any,
    parameter: str,
    function: str | None = None,
    *,
    error: type[Exception] = ParameterError,
) -> bool:
    """``True`` or ``False`` (NumPy booleans too); anything else raises."""
    if not isinstance(value, bool | np.bool_):
        raise fail(parameter, function, "True or False", value, error=error)
    return bool(value)


def check_choice(
    value: Any,
    parameter: str,
    function: str | None,
    choices: Collection[Any],
    *,
    error: type[Exception] = ParameterError,
) -> Any:
    """``value`` if it is one of ``choices``; else raise listing them.

    >>> check_choice("max", "pooling", "cnn", ("max", "average"))
    'max'
    """
    try:
        known = value in choices
    except TypeError:  # unhashable value against a set or dict
        known = False
    if not known:
        raise fail(parameter, function, f"one of {list(choices)}", value, error=error)
    return value


class Shown(str):
    """Text that an error message shows as it is, without quotes (its ``repr``).

    >>> repr(Shown("shape (2, 2)"))
    'shape (2, 2)'
    """

    def __repr__(self) -> str:
        return str(self)


def require_columns(frame: Any, needed: Collection[str], parameter: str, function: str) -> Any:
    """``frame`` if it is a pandas DataFrame holding every column in ``needed``; else raise.

    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["b"], "table", "f")
    Traceback (most recent call last):
    ...
    course_utils.errors.ParameterError: The 'table' parameter of f must be a DataFrame with \
columns ['b']. Got columns ['a'] (missing ['b']) instead.
    """
    import pandas as pd  # only here: the base stays importable without pandas

    if not isinstance(frame, pd.DataFrame):
        raise fail(parameter, function, "a pandas DataFrame", Shown(type(frame).__name__))
    missing = [col for col in needed if col not in frame.columns]
    if missing:
        raise fail(parameter, function, f"a DataFrame with columns {list(needed)}",
                   Shown(f"columns {list(frame.columns)} (missing {missing})"))
    return frame
