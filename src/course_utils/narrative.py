"""Numbers and words for the prose: glue computed values into a notebook's markdown.

myst-nb's ``glue`` stores a value's ``repr``; a numpy scalar's repr
(``np.float64(0.97)``) cannot be formatted by ``{glue:text}`name:.3f```, so
values are converted to plain Python first. :func:`verdict` turns a computed
difference into the word the sentence needs, so a conclusion stays true
whatever the run gives.

Example
-------
>>> glue_all({"best": "adam", "best_accuracy": np.float32(0.97)})  # doctest: +SKIP
>>> verdict(0.02)
'helped'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["glue", "glue_all", "plain", "verdict"]


def plain(value: Any) -> Any:
    """Return ``value`` with numpy scalars and arrays turned into Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def glue(name: str, value: Any, *, display: bool = False) -> Any:
    """Glue ``value`` under ``name`` for ``{glue:text}`name``` in markdown; return it."""
    from myst_nb import glue as myst_glue

    value = plain(value)
    myst_glue(name, value, display=display)
    return value


def glue_all(values: Mapping[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """Glue every ``name: value`` of ``values`` (names prefixed with ``prefix``)."""
    return {f"{prefix}{name}": glue(f"{prefix}{name}", value) for name, value in values.items()}


def verdict(change: float, *, better: str = "helped", worse: str = "hurt",
            same: str = "made no difference", tolerance: float = 0.0) -> str:
    """Return the word for a signed ``change`` (positive is better).

    >>> verdict(-0.01), verdict(0.0), verdict(0.004, tolerance=0.005)
    ('hurt', 'made no difference', 'made no difference')
    """
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "could not be compared"
    if abs(change) <= tolerance:
        return same
    return better if change > 0 else worse
