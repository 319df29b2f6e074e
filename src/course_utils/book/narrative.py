"""Numbers and words for the prose: glue computed values into a notebook's markdown.

myst-nb's ``glue`` stores a value's ``repr``; a numpy scalar's repr
(``np.float64(0.97)``) cannot be formatted by ``{glue:text}`name:.3f```, so
values are converted to plain Python first.

:func:`verdict` is the one place where a computed, signed change becomes the
word a sentence needs ("helped", "hurt", "made no difference"), so that a
conclusion stays true whatever the run gives. Science code returns the number;
only this module turns it into words.

Examples
--------
>>> plain(np.float32(0.5))
0.5
>>> verdict(0.02), verdict(0.0), verdict(np.float64(-0.01))
('helped', 'made no difference', 'hurt')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import check_number

__all__ = ["glue", "glue_all", "plain", "verdict"]

UNKNOWN = "could not be compared"


def plain(value: Any) -> Any:
    """Return ``value`` with numpy scalars and arrays turned into Python values.

    >>> plain(np.int64(3)), plain(np.array([1, 2])), plain("adam")
    (3, [1, 2], 'adam')
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def glue(name: str, value: Any, *, display: bool = False) -> Any:
    """Glue ``value`` under ``name`` for ``{glue:text}`name``` in markdown; return it.

    Parameters
    ----------
    name : str
        The key the markdown refers to.
    value : object
        Any value; numpy scalars and arrays are stored as plain Python.
    display : bool, default False
        Whether the cell also shows the value.

    Returns
    -------
    object
        The plain value that was glued.
    """
    from myst_nb import glue as myst_glue

    value = plain(value)
    myst_glue(name, value, display=display)
    return value


def glue_all(values: Mapping[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """Glue every ``name: value`` of ``values`` (names prefixed with ``prefix``).

    Returns
    -------
    dict
        The glued names (with ``prefix``) and their plain values.
    """
    return {f"{prefix}{name}": glue(f"{prefix}{name}", value) for name, value in values.items()}


def _missing(change: Any) -> bool:
    """True for None, NaN (Python or numpy) and pandas' NA-like missing values."""
    if change is None:
        return True
    if isinstance(change, numbers.Real) and not isinstance(change, bool | np.bool_):
        return math.isnan(float(change))
    try:  # pandas' NaT, without importing pandas
        return bool(change != change)
    except TypeError:  # pandas.NA: a comparison gives NA, whose truth value is undefined
        return True
    except ValueError:  # an array of several values: not a change, check_number says so
        return False


def verdict(change: float | None, *, better: str = "helped", worse: str = "hurt",
            same: str = "made no difference", tolerance: float = 0.0,
            unknown: str = UNKNOWN, interval: tuple[float, float] | None = None,
            noise: str = "made no difference beyond noise") -> str:
    """Return the word for a signed ``change``, where positive means better.

    Parameters
    ----------
    change : float or None
        The signed difference (new minus old, in the direction where larger is
        better). Python and numpy numbers, and 0-d arrays, are accepted.
    better, worse, same : str
        The words for a change above ``tolerance``, below ``-tolerance`` and
        within it. A change of exactly 0 (or -0.0) is always ``same``, never a
        gain, whatever the tolerance.
    tolerance : float, default 0.0
        Changes with ``abs(change) <= tolerance`` read as ``same``.
    unknown : str, default "could not be compared"
        The words for a missing change (None or NaN).
    interval : (low, high), optional
        A confidence interval of ``change`` (for example the paired bootstrap
        interval of ``evaluate.paired_comparison``). When it contains 0 the
        change cannot be told from chance, and the answer is ``noise``.
    noise : str, default "made no difference beyond noise"
        The words for a change whose ``interval`` contains 0.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        When ``change`` is not a number (a boolean or a string, say) or
        ``tolerance`` is negative.

    Examples
    --------
    >>> verdict(-0.01), verdict(0.0), verdict(0.004, tolerance=0.005)
    ('hurt', 'made no difference', 'made no difference')
    >>> verdict(float("nan")), verdict(None)
    ('could not be compared', 'could not be compared')
    >>> verdict(-2, better="narrowed", worse="widened")
    'widened'
    >>> verdict(0.02, interval=(-0.01, 0.05)), verdict(0.02, interval=(0.004, 0.04))
    ('made no difference beyond noise', 'helped')
    """
    tolerance = check_number(tolerance, "tolerance", "verdict", minimum=0)
    if isinstance(change, np.ndarray) and change.ndim == 0:
        change = change.item()
    if _missing(change):
        return unknown
    change = check_number(change, "change", "verdict")  # refuses booleans and strings
    if change == 0 or abs(change) <= tolerance:
        return same
    if interval is not None:
        low = check_number(interval[0], "interval", "verdict")
        high = check_number(interval[1], "interval", "verdict")
        if low <= 0 <= high:
            return noise
    return better if change > 0 else worse
