"""Numbers that compare variants in a summary table: the train-validation gap and the
change of a metric from a baseline row.

Both return numbers only; the words a page prints about them ("gained", "hurt")
come from :func:`course_utils.book.narrative.verdict`.

Example
-------
>>> frame = pd.DataFrame({"train_accuracy": [0.9], "val_accuracy": [0.8]})
>>> round(float(train_val_gap(frame)["gap"][0]), 2)
0.1
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .._checks import fail, require_columns

__all__ = ["train_val_gap", "change_from"]


def train_val_gap(
    summary: pd.DataFrame,
    *,
    train_col: str = "train_accuracy",
    val_col: str = "val_accuracy",
    name: str = "gap",
) -> pd.DataFrame:
    """Return a copy of ``summary`` with a ``gap`` column: train minus validation.

    A large positive gap is the overfitting the regularization notebook looks for.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per variant with the columns ``train_col`` and ``val_col``.
    train_col, val_col : str, default "train_accuracy", "val_accuracy"
    name : str, default "gap"
        Name of the new column.

    Example
    -------
    >>> frame = pd.DataFrame({"train_accuracy": [0.9, 0.7], "val_accuracy": [0.8, 0.7]})
    >>> train_val_gap(frame)["gap"].round(2).tolist()
    [0.1, 0.0]
    """
    require_columns(summary, [train_col, val_col], "summary", "train_val_gap")
    out = summary.copy()
    out[name] = out[train_col] - out[val_col]
    return out


def change_from(
    summary: pd.DataFrame,
    baseline: str | Mapping[str, str],
    *,
    metric: str = "test_accuracy",
) -> pd.DataFrame:
    """Return a copy of ``summary`` with ``compared_to`` and ``change`` columns.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per variant, indexed by variant name, with a ``metric`` column.
    baseline : str or dict of str to str
        The variant every row is compared with, or ``{variant: its baseline}``
        (rows left out compare with themselves).
    metric : str, default "test_accuracy"

    Returns
    -------
    pandas.DataFrame
        ``change`` is the row's ``metric`` minus its baseline's (a number; turn
        it into words with ``verdict``).

    Example
    -------
    >>> frame = pd.DataFrame({"test_accuracy": [0.5, 0.75]}, index=["base", "wide"])
    >>> change_from(frame, "base")["change"].tolist()
    [0.0, 0.25]
    """
    require_columns(summary, [metric], "summary", "change_from")
    if not isinstance(baseline, str | Mapping):
        raise fail("baseline", "change_from", "a row name or a dict of row name to row name",
                   baseline)
    names = list(summary.index)
    reference = ({name: baseline for name in names} if isinstance(baseline, str)
                 else {name: baseline.get(name, name) for name in names})
    missing = sorted({str(r) for r in reference.values()} - {str(n) for n in names})
    if missing:
        raise fail("baseline", "change_from", f"row names of 'summary' (any of {names})", missing)
    out = summary.copy()
    out["compared_to"] = [reference[name] for name in names]
    out["change"] = out[metric] - out.loc[out["compared_to"], metric].to_numpy()
    return out
