"""Face datasets with demographic labels: ``"utkface"`` and ``"fairface"``.

- ``"utkface"``: labels in file names ``[age]_[gender]_[race]_[datetime].jpg``
  (and the ``...jpg.chip.jpg`` variant); gender 0 male / 1 female; race 0-4
  White, Black, Asian, Indian, Others.
- ``"fairface"``: ``train_labels.csv`` / ``val_labels.csv`` with columns file,
  age, gender, race (service_test optional); ``file`` is relative to the CSV.

Examples
--------
>>> age_group(25), age_group(2), age_group(85)
('20-29', '0-2', '70+')
>>> from course_utils.data import load_dataset
>>> faces = load_dataset("utkface", "data/UTKFace", target="gender")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .._checks import check_choice
from ..errors import DatasetError
from ._dataset import Dataset
from ._decode import BadFiles, cap_table, finish, image_files, relative, split_table
from ._splits import Request

__all__ = [
    "AGE_GROUPS", "FAIRFACE_AGES", "FAIRFACE_RACES", "GENDERS", "UTKFACE_RACES", "age_group",
    "load_fairface", "load_utkface",
]

UTKFACE_RACES = ("White", "Black", "Asian", "Indian", "Others")
GENDERS = ("Male", "Female")
#: UTKFace age groups: FairFace's bands, with its "more than 70" written "70+".
AGE_GROUPS = ("0-2", "3-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
_AGE_EDGES = (3, 10, 20, 30, 40, 50, 60, 70)
FAIRFACE_AGES = ("0-2", "3-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69",
                 "more than 70")
FAIRFACE_RACES = ("White", "Black", "Latino_Hispanic", "East Asian", "Southeast Asian",
                  "Indian", "Middle Eastern")
_UTK_NAME = re.compile(r"^(\d{1,3})_([01])_([0-4])_(\d+)\.jpg(\.chip\.jpg)?$", re.IGNORECASE)
_UTK_TARGETS = ("race", "gender", "age_group", "age")
_FAIRFACE_TARGETS = {"gender": GENDERS, "race": FAIRFACE_RACES, "age": FAIRFACE_AGES}


def age_group(age: int) -> str:
    """Return the age band of ``age`` in years, one of :data:`AGE_GROUPS`.

    >>> age_group(25), age_group(2), age_group(85)
    ('20-29', '0-2', '70+')
    """
    return AGE_GROUPS[int(np.searchsorted(_AGE_EDGES, age, side="right"))]


# --------------------------------------------------------------------------- UTKFace


def _parse_utkface(path: Path) -> tuple[int, int, int] | str:
    match = _UTK_NAME.match(path.name)
    if match:
        return int(match[1]), int(match[2]), int(match[3])
    stem = path.name.split(".jpg")[0]
    fields = stem.split("_")
    return (
        f"file name has {len(fields)} field(s) {fields}; expected "
        "[age]_[gender]_[race]_[datetime].jpg with gender 0/1 and race 0-4"
    )


def _utkface_table(root: Path, bad: BadFiles) -> pd.DataFrame:
    rows = []
    for path in image_files(root):
        parsed = _parse_utkface(path)
        if isinstance(parsed, str):
            bad.add(path, parsed)
            continue
        age, gender, race = parsed
        rows.append((path, age, GENDERS[gender], UTKFACE_RACES[race], age_group(age),
                     relative(path, root)))
    if not rows:
        raise DatasetError(
            f"No UTKFace images in {root}; expected files named "
            "[age]_[gender]_[race]_[datetime].jpg (or .jpg.chip.jpg)."
        )
    return pd.DataFrame(rows, columns=["path", "age", "gender", "race", "age_group", "file"])


def load_utkface(request: Request, *, target: str = "race") -> Dataset:
    """UTKFace faces labelled by their file names; see :func:`course_utils.data.load_dataset`.

    ``target``: ``"race"`` (5 classes, UTKFace's order White, Black, Asian,
    Indian, Others), ``"gender"`` (Male, Female), ``"age_group"`` (the 9 bands
    of :data:`AGE_GROUPS`) or ``"age"`` (regression, years). Attributes per
    split: age, gender, race, age_group, file. A name that does not parse,
    including real files lacking the race field, is a bad file.
    """
    check_choice(target, "target", "load_dataset('utkface')", _UTK_TARGETS, error=DatasetError)
    root = request.data_dir
    bad = BadFiles(request)
    table = _utkface_table(root, bad)
    names = {"race": UTKFACE_RACES, "gender": GENDERS, "age_group": AGE_GROUPS, "age": ()}
    if target == "age":
        table["label"] = table["age"].astype(np.float32)
        table["_strata"] = table["age_group"]
    else:
        table["label"] = table[target].map(names[target].index)
        table["_strata"] = table["label"]
    parts = {s: t.drop(columns="_strata")
             for s, t in split_table(table, request, "_strata").items()}
    return finish(
        request, parts, bad, class_names=names[target],
        task="regression" if target == "age" else "classification",
        description=f"utkface: UTKFace face images from {root}, target {target}, "
        "labels read from file names",
    )


# --------------------------------------------------------------------------- FairFace


def _read_fairface_csv(csv: Path, target: str) -> pd.DataFrame:
    if not csv.is_file():
        raise DatasetError(
            f"FairFace label file {csv} does not exist; expected a CSV with columns "
            "file, age, gender, race."
        )
    frame = pd.read_csv(csv, dtype=str)
    missing = [c for c in ("file", "age", "gender", "race") if c not in frame.columns]
    if missing:
        raise DatasetError(
            f"FairFace label file {csv} lacks column(s) {missing}; it has "
            f"{list(frame.columns)}, expected file, age, gender, race."
        )
    for column, allowed in _FAIRFACE_TARGETS.items():
        odd = sorted(set(frame[column].dropna()) - set(allowed))
        if odd or frame[column].isna().any():
            raise DatasetError(
                f"Column {column!r} of {csv} has value(s) {odd or ['<empty>']}; expected one "
                f"of {list(allowed)}."
            )
    table = frame[["file", "age", "gender", "race"]].copy()
    table.insert(0, "path", [csv.parent / f for f in table["file"]])
    table.insert(1, "label", frame[target].map(_FAIRFACE_TARGETS[target].index))
    return table


def load_fairface(
    request: Request,
    *,
    target: str = "gender",
    train_csv: str = "train_labels.csv",
    val_csv: str = "val_labels.csv",
) -> Dataset:
    """FairFace faces from its label CSVs; see :func:`course_utils.data.load_dataset`.

    ``val_csv`` becomes the test split; the validation split is a seeded,
    stratified ``val_fraction`` of ``train_csv`` (``test_fraction`` is unused).
    ``target``: ``"gender"``, ``"race"`` (7 groups) or ``"age"`` (9 bands).
    """
    check_choice(target, "target", "load_dataset('fairface')", tuple(_FAIRFACE_TARGETS),
                 error=DatasetError)
    root = request.data_dir
    train = _read_fairface_csv(root / train_csv, target)
    test = _read_fairface_csv(root / val_csv, target)
    parts = split_table(train, replace(request, test_fraction=0.0))
    parts["test"] = cap_table(test, request)
    return finish(
        request, parts, BadFiles(request), class_names=_FAIRFACE_TARGETS[target],
        description=f"fairface: FairFace face images from {root}, target {target}; test = "
        f"{val_csv}, val split off {train_csv}",
    )
