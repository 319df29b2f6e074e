"""Decoding image files for the on-disk loaders, and the table-to-Dataset steps they share.

Private to :mod:`course_utils.data`. Images are decoded with Pillow in a thread
pool into float32 arrays in [0, 1]; an unusable file either raises naming it or,
with ``on_bad_file="skip"``, is counted and reported in one warning.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DatasetError
from ._dataset import Dataset
from ._splits import Request, assemble, cap_indices, split_indices

log = logging.getLogger("course_utils.data")

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".ppm", ".tif", ".tiff", ".webp")
_PROGRESS_MIN = 200


class BadFiles:
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


def _decode_all(paths: list[Path], request: Request) -> list[np.ndarray | str]:
    from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

    size, gray = request.image_size, request.grayscale
    workers = min(32, (os.cpu_count() or 1) + 4)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(
            tqdm(
                pool.map(lambda p: _try_read(p, size, gray), paths),
                total=len(paths), desc=f"{request.name}: decoding images",
                disable=len(paths) < _PROGRESS_MIN, unit="img",
            )
        )


def decode_images(
    paths: list[Path], request: Request, bad: BadFiles
) -> tuple[np.ndarray, np.ndarray]:
    """Decode ``paths`` into ``(images, kept)``: float32 ``(n, h, w, c)`` and a bool mask."""
    results = _decode_all(paths, request)
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
    channels = 1 if request.grayscale else 3
    if not images:
        h, w = request.image_size or (0, 0)
        return np.zeros((0, h, w, channels), dtype=np.float32), kept
    out = np.empty((len(images), *images[0].shape), dtype=np.float32)
    for i, image in enumerate(images):
        np.multiply(image, 1.0 / 255.0, out=out[i], casting="unsafe")
    return out, kept


def finish(
    request: Request,
    parts: dict[str, pd.DataFrame],
    bad: BadFiles,
    *,
    class_names: tuple[str, ...],
    description: str,
    task: str = "classification",
) -> Dataset:
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
                    description=description, task=task, source=str(request.data_dir))


def split_table(table: pd.DataFrame, request: Request, strata: str = "label"):
    """Seeded stratified train/val/test DataFrames of ``table`` (limit applied)."""
    parts = split_indices(table[strata].to_numpy(), request)
    return {s: table.iloc[rows] for s, rows in parts.items()}


def cap_table(table: pd.DataFrame, request: Request, strata: str = "label") -> pd.DataFrame:
    """At most ``request.limit`` rows of ``table``, class-balanced and seeded."""
    rows = cap_indices(np.arange(len(table)), table[strata].to_numpy(), request.limit,
                       request.seed)
    return table.iloc[rows]


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` as a POSIX string (``path`` itself when outside)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def image_files(folder: Path) -> list[Path]:
    """The image files under ``folder`` (recursively, hidden files left out), sorted."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith(".")
    )
