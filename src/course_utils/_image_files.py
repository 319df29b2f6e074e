"""Loaders for the image datasets kept on disk in their original formats.

Used through :func:`course_utils.data.load_dataset`:

- ``"image_folder"``: ``data_dir/<class>/<image>`` (tf_flowers, CIFAR-10 as folders),
  or several folders combined with ``train_dirs=[...], val_dir=..., test_dir=...``.
- ``"utkface"``: labels in file names ``[age]_[gender]_[race]_[datetime].jpg``
  (and the ``...jpg.chip.jpg`` variant); gender 0 male / 1 female; race 0-4 White,
  Black, Asian, Indian, Others.
- ``"fairface"``: ``train_labels.csv`` / ``val_labels.csv`` with columns file, age,
  gender, race (service_test optional); ``file`` is relative to the CSV.
- ``"ip102"``: ``train.txt`` / ``val.txt`` / ``test.txt`` lines ``<file> <class>``,
  images under ``classification/<split>/<class>/<file>`` (or ``images/<file>``).

Images are decoded with Pillow in a thread pool into float32 arrays in [0, 1].

Example
-------
>>> faces = load_dataset("utkface", "data/UTKFace", target="gender")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ._splits import Request, assemble, cap_indices, split_indices
from .errors import DatasetError

__all__ = [
    "AGE_GROUPS", "FAIRFACE_AGES", "FAIRFACE_RACES", "GENDERS", "IMAGE_EXTENSIONS",
    "UTKFACE_RACES", "age_group", "load_fairface", "load_image_folder", "load_ip102",
    "load_utkface",
]

log = logging.getLogger("course_utils.data")

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".ppm", ".tif", ".tiff", ".webp")
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
_PROGRESS_MIN = 200


def age_group(age: int) -> str:
    """Return the age band of ``age`` in years, one of :data:`AGE_GROUPS`.

    >>> age_group(25), age_group(2), age_group(85)
    ('20-29', '0-2', '70+')
    """
    return AGE_GROUPS[int(np.searchsorted(_AGE_EDGES, age, side="right"))]


class _BadFiles:
    """Collects unusable files: raises at the first one, or counts them and warns."""

    def __init__(self, request: Request):
        self.request = request
        self.items: list[tuple[Path, str]] = []

    def add(self, path: Path, reason: str) -> None:
        if self.request.on_bad_file == "raise":
            raise DatasetError(
                f"Bad file for {self.request.name!r}: {path}: {reason}. "
                "Fix or remove it, or pass on_bad_file='skip' to leave such files out."
            )
        self.items.append((path, reason))

    def report(self) -> None:
        if self.items:
            shown = "; ".join(f"{p.name}: {r}" for p, r in self.items[:3])
            log.warning("%s: skipped %d bad file(s) (on_bad_file='skip'), e.g. %s",
                        self.request.name, len(self.items), shown)


# --------------------------------------------------------------------------- decoding


def _read(path: Path, size: tuple[int, int] | None, gray: bool) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("L" if gray else "RGB")
        if size is not None and image.size != (size[1], size[0]):
            image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.uint8)
    return pixels[..., None] if gray else pixels


def _try_read(path: Path, size, gray) -> np.ndarray | str:
    try:
        return _read(path, size, gray)
    except FileNotFoundError:
        return "listed but the file does not exist"
    except Exception as error:  # Pillow raises several types for corrupt files
        return f"not a readable image ({type(error).__name__}: {error})"


def decode_images(
    paths: list[Path], request: Request, bad: _BadFiles
) -> tuple[np.ndarray, np.ndarray]:
    """Decode ``paths`` into ``(images, kept)``: float32 ``(n, h, w, c)`` and a bool mask."""
    from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

    size, gray = request.image_size, request.grayscale
    workers = min(32, (os.cpu_count() or 1) + 4)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(
            tqdm(
                pool.map(lambda p: _try_read(p, size, gray), paths),
                total=len(paths), desc=f"{request.name}: decoding images",
                disable=len(paths) < _PROGRESS_MIN, unit="img",
            )
        )
    kept = np.ones(len(paths), dtype=bool)
    for i, (path, result) in enumerate(zip(paths, results, strict=True)):
        if isinstance(result, str):
            bad.add(path, result)
            kept[i] = False
    images = [r for r in results if not isinstance(r, str)]
    shapes = {im.shape for im in images}
    if len(shapes) > 1:
        sizes = sorted(f"{h}x{w}" for h, w, _ in shapes)
        raise DatasetError(
            f"The images of {request.name!r} have different sizes ({', '.join(sizes[:5])}); "
            "pass image_size=(height, width) to resize them to one size."
        )
    channels = 1 if gray else 3
    if not images:
        h, w = size or (0, 0)
        return np.zeros((0, h, w, channels), dtype=np.float32), kept
    out = np.empty((len(images), *images[0].shape), dtype=np.float32)
    for i, image in enumerate(images):
        np.multiply(image, 1.0 / 255.0, out=out[i], casting="unsafe")
    return out, kept


def _finish(
    request: Request,
    parts: dict[str, pd.DataFrame],
    bad: _BadFiles,
    *,
    class_names: tuple[str, ...],
    description: str,
    task: str = "classification",
):
    """Decode the chosen rows of each split (columns path, label, attributes) and assemble."""
    order = list(parts)
    table = pd.concat([parts[s].assign(_split=s) for s in order], ignore_index=True)
    images, kept = decode_images(list(table["path"]), request, bad)
    bad.report()
    table = table[kept].reset_index(drop=True)
    arrays, attributes = {}, {}
    for split in order:
        rows = np.flatnonzero(table["_split"].to_numpy() == split)
        arrays[split] = (images[rows], table["label"].to_numpy()[rows])
        attributes[split] = table.iloc[rows].drop(columns=["path", "label", "_split"])
    if all(len(arrays[s][0]) == 0 for s in order):
        raise DatasetError(f"No usable images left for {request.name!r} in {request.data_dir}.")
    return assemble(request.name, arrays, class_names=class_names, attributes=attributes,
                    description=description, task=task)


def _split_table(table: pd.DataFrame, request: Request, strata: str = "label"):
    """Seeded stratified train/val/test DataFrames of ``table`` (limit applied)."""
    parts = split_indices(table[strata].to_numpy(), request)
    return {s: table.iloc[rows] for s, rows in parts.items()}


def _cap_table(table: pd.DataFrame, request: Request, strata: str = "label") -> pd.DataFrame:
    rows = cap_indices(np.arange(len(table)), table[strata].to_numpy(), request.limit,
                       request.seed)
    return table.iloc[rows]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _image_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith(".")
    )


# --------------------------------------------------------------------------- image_folder


def _scan_class_folders(folder: Path) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise DatasetError(
            f"Image folder {folder} does not exist; expected a folder with one sub-folder "
            "per class."
        )
    classes = sorted(d for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not classes:
        raise DatasetError(
            f"Image folder {folder} has no class sub-folders; expected {folder}/<class>/<image>."
        )
    found = {}
    for d in classes:
        found[d.name] = _image_files(d)
        if not found[d.name]:
            raise DatasetError(
                f"Class folder {d} holds no image files; expected files ending in "
                f"{', '.join(IMAGE_EXTENSIONS)}."
            )
    return found


def _folders(root: Path, names: list[str | os.PathLike] | str) -> list[Path]:
    names = [names] if isinstance(names, str | os.PathLike) else list(names)
    out: list[Path] = []
    for name in names:
        text = str(name)
        if any(ch in text for ch in "*?["):
            matches = sorted(p for p in root.glob(text) if p.is_dir())
            if not matches:
                raise DatasetError(f"No folder under {root} matches train_dirs pattern {text!r}.")
            out.extend(matches)
        else:
            out.append(Path(name) if Path(name).is_absolute() else root / name)
    return out


def load_image_folder(
    request: Request,
    *,
    train_dirs: list[str | os.PathLike] | str | None = None,
    val_dir: str | os.PathLike | None = None,
    test_dir: str | os.PathLike | None = None,
):
    """Images in class sub-folders; see :func:`course_utils.data.load_dataset`.

    Without options, ``data_dir/<class>/*`` is split (seeded, stratified) into
    train/val/test. With ``train_dirs`` (names or glob patterns relative to
    ``data_dir``), their images are pooled for training; ``val_dir`` and
    ``test_dir`` give fixed validation and test folders, and a missing one is
    split off the pooled training images instead.
    """
    root = request.data_dir
    sources = _folders(root, train_dirs) if train_dirs is not None else [root]
    scans = [_scan_class_folders(folder) for folder in sources]
    class_names = tuple(sorted({c for scan in scans for c in scan}))

    def table(scan: dict[str, list[Path]], folder: Path) -> pd.DataFrame:
        unknown = sorted(set(scan) - set(class_names))
        if unknown:
            raise DatasetError(
                f"Folder {folder} has classes {unknown} that the training folders lack; "
                f"expected only {list(class_names)}."
            )
        rows = [(p, class_names.index(c), c, _relative(p, root))
                for c, paths in scan.items() for p in paths]
        return pd.DataFrame(rows, columns=["path", "label", "class_name", "file"])

    train = pd.concat([table(s, f) for s, f in zip(scans, sources, strict=True)],
                      ignore_index=True)
    fixed = {}
    for split, folder in (("val", val_dir), ("test", test_dir)):
        if folder is not None:
            path = Path(folder) if Path(folder).is_absolute() else root / folder
            fixed[split] = _cap_table(table(_scan_class_folders(path), path), request)
    sub = replace(request, val_fraction=0.0 if "val" in fixed else request.val_fraction,
                  test_fraction=0.0 if "test" in fixed else request.test_fraction)
    parts = _split_table(train, sub)
    parts.update(fixed)
    folders = ", ".join(_relative(f, root) or "." for f in sources)
    return _finish(
        request, parts, _BadFiles(request), class_names=class_names,
        description=(
            f"image_folder: {len(class_names)} class folders under {root} (train from "
            f"{folders}; val {val_dir or 'split off train'}; test {test_dir or 'split off train'})"
        ),
    )


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


_UTK_TARGETS = ("race", "gender", "age_group", "age")


def load_utkface(request: Request, *, target: str = "race"):
    """UTKFace faces labelled by their file names; see :func:`course_utils.data.load_dataset`.

    ``target``: ``"race"`` (5 classes, UTKFace's order White, Black, Asian,
    Indian, Others), ``"gender"`` (Male, Female), ``"age_group"`` (the 9 bands
    of :data:`AGE_GROUPS`) or ``"age"`` (regression, years). Attributes per
    split: age, gender, race, age_group, file. A name that does not parse,
    including real files lacking the race field, is a bad file.
    """
    if target not in _UTK_TARGETS:
        raise DatasetError(
            f"The 'target' option of 'utkface' must be one of {_UTK_TARGETS}. Got {target!r}."
        )
    root = request.data_dir
    bad = _BadFiles(request)
    rows = []
    for path in _image_files(root):
        parsed = _parse_utkface(path)
        if isinstance(parsed, str):
            bad.add(path, parsed)
            continue
        age, gender, race = parsed
        rows.append((path, age, GENDERS[gender], UTKFACE_RACES[race], age_group(age),
                     _relative(path, root)))
    if not rows:
        raise DatasetError(
            f"No UTKFace images in {root}; expected files named "
            "[age]_[gender]_[race]_[datetime].jpg (or .jpg.chip.jpg)."
        )
    table = pd.DataFrame(rows, columns=["path", "age", "gender", "race", "age_group", "file"])
    names = {"race": UTKFACE_RACES, "gender": GENDERS, "age_group": AGE_GROUPS, "age": ()}
    if target == "age":
        table["label"] = table["age"].astype(np.float32)
        table["_strata"] = table["age_group"]
    else:
        table["label"] = table[target].map(names[target].index)
        table["_strata"] = table["label"]
    parts = {s: t.drop(columns="_strata") for s, t in _split_table(table, request,
                                                                    "_strata").items()}
    return _finish(
        request, parts, bad, class_names=names[target],
        task="regression" if target == "age" else "classification",
        description=f"utkface: UTKFace face images from {root}, target {target}, "
        "labels read from file names",
    )


# --------------------------------------------------------------------------- FairFace

_FAIRFACE_TARGETS = {"gender": GENDERS, "race": FAIRFACE_RACES, "age": FAIRFACE_AGES}


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
):
    """FairFace faces from its label CSVs; see :func:`course_utils.data.load_dataset`.

    ``val_csv`` becomes the test split; the validation split is a seeded,
    stratified ``val_fraction`` of ``train_csv`` (``test_fraction`` is unused).
    ``target``: ``"gender"``, ``"race"`` (7 groups) or ``"age"`` (9 bands).
    """
    if target not in _FAIRFACE_TARGETS:
        raise DatasetError(
            f"The 'target' option of 'fairface' must be one of {tuple(_FAIRFACE_TARGETS)}. "
            f"Got {target!r}."
        )
    root = request.data_dir
    train = _read_fairface_csv(root / train_csv, target)
    test = _read_fairface_csv(root / val_csv, target)
    parts = _split_table(train, replace(request, test_fraction=0.0))
    parts["test"] = _cap_table(test, request)
    return _finish(
        request, parts, _BadFiles(request), class_names=_FAIRFACE_TARGETS[target],
        description=f"fairface: FairFace face images from {root}, target {target}; test = "
        f"{val_csv}, val split off {train_csv}",
    )


# --------------------------------------------------------------------------- IP102


def _read_split_file(root: Path, split: str, bad: _BadFiles) -> pd.DataFrame:
    listing = root / f"{split}.txt"
    if not listing.is_file():
        raise DatasetError(
            f"IP102 split file {listing} does not exist; expected train.txt, val.txt and "
            "test.txt with lines '<file> <class>'."
        )
    rows = []
    for number, line in enumerate(listing.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        pieces = line.rsplit(None, 1)
        if len(pieces) != 2 or not pieces[1].isdigit():
            raise DatasetError(
                f"Line {number} of {listing} reads {line!r}; expected '<file> <class index>'."
            )
        name, label = pieces[0].strip(), int(pieces[1])
        path = root / "classification" / split / str(label) / name
        if not path.is_file() and (root / "images" / name).is_file():
            path = root / "images" / name
        if not path.is_file():
            bad.add(path, f"listed on line {number} of {listing.name} with class {label} "
                    "but there is no such image")
            continue
        rows.append((path, label, _relative(path, root)))
    return pd.DataFrame(rows, columns=["path", "label", "file"])


def _ip102_names(root: Path, count: int, class_names_file: str | None) -> tuple[str, ...]:
    path = root / (class_names_file or "classes.txt")
    if not path.is_file():
        if class_names_file is not None:
            raise DatasetError(f"IP102 class names file {path} does not exist.")
        return tuple(str(i) for i in range(count))
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    names = tuple(re.sub(r"^\d+\s+", "", ln) for ln in lines)
    if len(names) < count:
        raise DatasetError(f"IP102 class names file {path} names {len(names)} classes; the "
                           f"split files use {count}.")
    return names


def load_ip102(request: Request, *, class_names_file: str | None = None):
    """IP102 insect pests from its split files; see :func:`course_utils.data.load_dataset`.

    Uses the dataset's own train/val/test lists (the fractions are unused);
    class names come from ``classes.txt`` (lines ``<number> <name>``) when
    present, else the class indices.
    """
    root = request.data_dir
    bad = _BadFiles(request)
    parts = {s: _read_split_file(root, s, bad) for s in ("train", "val", "test")}
    count = max((int(t["label"].max()) + 1 for t in parts.values() if len(t)), default=0)
    parts = {s: _cap_table(t, request) for s, t in parts.items()}
    return _finish(
        request, parts, bad, class_names=_ip102_names(root, count, class_names_file),
        description=f"ip102: IP102 insect pest images from {root}, official split files",
    )
