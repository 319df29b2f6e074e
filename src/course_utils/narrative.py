"""Numbers for the prose: glue computed values into a notebook's markdown.

myst-nb's ``glue`` stores a value's ``repr``; a numpy scalar's repr
(``np.float64(0.97)``) cannot be formatted by ``{glue:text}`name:.3f```, so
values are converted to plain Python first.

Example
-------
>>> glue("best_accuracy", np.float32(0.97))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["glue", "plain"]


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
