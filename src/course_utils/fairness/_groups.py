"""The protected attribute: group values of a dataset, group sizes, and group coding.

aif360 needs a numeric protected attribute, so the group values (strings such
as the seven FairFace races, or integers) are coded as 0.0, 1.0, ... here; the
metrics decode them again. Two mistakes are refused at the boundary: a
protected attribute that is the target itself (:func:`check_protected`, by
name; :func:`refuse_label_as_groups`, by value), and a privileged group that
does not occur. A group that is expected but has no examples only warns.

Examples
--------
>>> check_protected("gender", "race")
>>> coded = group_coder(["b", "a", "b"], "groups", "audit")
>>> coded.values, coded.codes.tolist()
(('a', 'b'), [1.0, 0.0, 1.0])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import fail
from ._aif360 import GROUP
from ._inputs import check_lengths, column


@dataclass(frozen=True)
class Groups:
    """Group values coded as 0.0, 1.0, ... (the numeric protected attribute aif360 needs)."""

    codes: np.ndarray
    values: tuple

    def code(self, value: Any) -> float:
        """The code of one group value."""
        return float(self.values.index(value))

    def condition(self, *values: Any) -> list[dict[str, float]]:
        """aif360's group format: a list of {attribute: value} dicts, OR-ed together."""
        return [{GROUP: self.code(v)} for v in values]

    def count(self, value: Any) -> int:
        """The number of examples in group ``value``."""
        return int(np.sum(self.codes == self.code(value)))

    def present(self) -> list:
        """The group values that have examples."""
        return [v for v in self.values if self.count(v) > 0]


def group_coder(groups: Any, name: str, func: str, *, categories: Sequence | None = None):
    """Code the protected attribute; warn about expected groups with no examples.

    Groups with examples come first, in sorted order, then the expected ones
    without examples (from ``categories`` or a ``pandas.Categorical``).
    """
    if isinstance(groups, pd.Series):
        groups = groups.array
    expected = list(categories) if categories is not None else []
    if isinstance(groups, pd.Categorical) and categories is None:
        expected = list(groups.categories)
    values = column(np.asarray(groups, dtype=object), name, func)
    missing_values = pd.isna(values)
    if missing_values.any():
        raise fail(
            name,
            func,
            "a group value for every example",
            values[missing_values][0],
            hint=f"{int(missing_values.sum())} of {len(values)} values are missing; "
            "drop or label those examples first.",
        )
    present = sorted(pd.unique(values).tolist(), key=str)
    missing = [v for v in expected if v not in present]
    for value in missing:
        warnings.warn(
            f"Group {value!r} has no examples in {name!r} (groups present: {present}); "
            "its metrics are NaN.",
            UserWarning,
            stacklevel=3,
        )
    ordered = present + missing
    lookup = {v: float(i) for i, v in enumerate(ordered)}
    codes = np.array([lookup[v] for v in values], dtype=np.float64)
    return Groups(codes, tuple(ordered))


def check_privileged(privileged: Any, groups: Groups, name: str, func: str) -> None:
    """Raise unless ``privileged`` is a group value with examples in ``groups``."""
    if privileged not in groups.values or groups.count(privileged) == 0:
        raise fail(
            "privileged",
            func,
            f"a group value that occurs in {name!r}",
            privileged,
            hint=f"The groups present are {groups.present()}.",
        )


def refuse_label_as_groups(y_true01: np.ndarray, groups: Groups, func: str) -> None:
    """Raise when there are two groups, each holding a single label value (the label itself)."""
    present = groups.present()
    if len(present) != 2 or len(np.unique(y_true01)) != 2:
        return
    if all(len(np.unique(y_true01[groups.codes == groups.code(g)])) == 1 for g in present):
        raise fail(
            "groups",
            func,
            "an attribute other than the label",
            present,
            hint="Each group holds a single y_true value, so the groups are the label itself: "
            "grouping by the label measures how well the model separates the classes, not "
            "bias. Pass another attribute, e.g. race.",
        )


#: Attributes that some datasets spell otherwise: FairFace's ``age`` column holds the bands.
_ATTRIBUTE_ALIASES = {"age_group": ("age_group", "age")}


def group_values(data, attribute: str, *, split: str = "test") -> np.ndarray:
    """The protected attribute of one split of a dataset, one value per example.

    Parameters
    ----------
    data : Dataset
        From :func:`course_utils.data.load_dataset` (or
        :func:`with_synthetic_groups`), whose ``attributes[split]`` holds the column.
    attribute : str
        Column name, e.g. ``"race"``, ``"group"`` or ``"age_group"`` (FairFace
        stores its age bands as ``"age"``; ``"age_group"`` finds them there).
    split : {"train", "val", "test"}, default "test"

    Returns
    -------
    numpy.ndarray of shape (n_split,), dtype object

    Raises
    ------
    ParameterError
        If the dataset has no such attribute (the message lists those it has).

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.fairness import with_synthetic_groups
    >>> digits = load_dataset("digits", limit=40)
    >>> binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["< 5", ">= 5"])
    >>> group_values(with_synthetic_groups(binary), "group", split="test")[:3]
    array(['group A', 'group A', 'group B'], dtype=object)
    """
    frame = getattr(data, "attributes", {}).get(split)
    columns = [] if frame is None else list(frame.columns)
    for name in _ATTRIBUTE_ALIASES.get(attribute, (attribute,)):
        if name in columns:
            values = frame[name].to_numpy(dtype=object)
            n_examples = len(data.split(split)[1])
            if len(values) != n_examples:
                raise fail(
                    "data",
                    "group_values",
                    f"a dataset with one {name!r} value per example of its {split} split",
                    data.name,
                    hint=f"Its {split} split has {len(values)} {name!r} values for "
                    f"{n_examples} examples.",
                )
            return values
    raise fail(
        "attribute",
        "group_values",
        f"an attribute of {data.name!r} ({split} split)",
        attribute,
        hint=f"It has {columns or 'no attributes'}.",
    )


def group_sizes(data, groups: dict[str, Any], *, favorable=1) -> pd.DataFrame:
    """Examples per group in each split, and each group's base rate in train and test.

    Parameters
    ----------
    data : Dataset
        Supplies the labels of each split.
    groups : dict of str to array-like
        ``{split: group value per example}`` for some of ``"train"``, ``"val"``,
        ``"test"``.
    favorable : label value, default 1

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``n_<split>`` for each split given, then
        ``<split>_base_rate`` (share of favorable labels) for train and test.

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.fairness import with_synthetic_groups
    >>> digits = load_dataset("digits", limit=40)
    >>> binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["< 5", ">= 5"])
    >>> data = with_synthetic_groups(binary, bias=1.0)
    >>> table = group_sizes(data, {s: group_values(data, "group", split=s) for s in ["train"]})
    >>> table.columns.tolist(), float(table.loc["group B", "train_base_rate"])
    (['n_train', 'train_base_rate'], 0.0)
    """
    table = {}
    for split, values in groups.items():
        y = data.split(split)[1]
        check_lengths("group_sizes", y=y, groups=np.asarray(values))
        table[f"n_{split}"] = pd.Series(values).value_counts()
    frame = pd.DataFrame(table).fillna(0).astype(int)
    for split in ("train", "test"):
        if split in groups:
            y = data.split(split)[1]
            frame[f"{split}_base_rate"] = pd.Series(y == favorable).groupby(
                np.asarray(groups[split])
            ).mean()
    return frame.sort_index()


def check_protected(target_name: str, protected_name: str) -> None:
    """Refuse to audit a model with its own label as the protected attribute.

    Parameters
    ----------
    target_name : str
        Name of the attribute the model predicts (e.g. ``"gender"``).
    protected_name : str
        Name of the attribute the audit groups by (e.g. ``"race"``).

    Raises
    ------
    ParameterError
        If the two names are the same (ignoring case and surrounding spaces).

    Examples
    --------
    >>> check_protected("gender", "race")
    >>> check_protected("gender", "Gender")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course_utils.errors.ParameterError: The 'protected_name' parameter of check_protected must \
be an attribute other than the target 'gender'. Got 'Gender' instead. 'Gender' is the target \
itself: ...
    """
    if str(target_name).strip().lower() == str(protected_name).strip().lower():
        raise fail(
            "protected_name",
            "check_protected",
            f"an attribute other than the target {target_name!r}",
            protected_name,
            hint=f"{protected_name!r} is the target itself: grouping by the label measures how "
            "well the model separates the classes, not bias. Audit another attribute, "
            "e.g. race or age.",
        )
