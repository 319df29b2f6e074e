"""Small fake datasets written in each real on-disk format, for tests.

Every function writes real image files (Pillow) into ``root`` in exactly the
layout :func:`course_utils.data.load_dataset` reads for that dataset, and
returns the folder to pass as ``data_dir``. Pixel values are seeded noise plus
a per-class brightness, so a class is learnable but nothing is meaningful.

Example
-------
>>> from fakes import make_utkface  # doctest: +SKIP
>>> data = load_dataset("utkface", make_utkface(tmp_path))  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import gzip
import struct
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = [
    "FAIRFACE_AGES", "FAIRFACE_RACES", "make_cifar_folders", "make_fairface",
    "make_fashion_mnist", "make_image_folder", "make_ip102", "make_utkface", "write_idx",
    "write_image",
]

FAIRFACE_AGES = ("0-2", "3-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69",
                 "more than 70")
FAIRFACE_RACES = ("White", "Black", "Latino_Hispanic", "East Asian", "Southeast Asian",
                  "Indian", "Middle Eastern")


def write_image(
    path: str | Path,
    *,
    size: tuple[int, int] = (12, 12),
    mode: str = "RGB",
    level: float = 0.5,
    seed: int = 0,
) -> Path:
    """Write one image of ``size=(height, width)``; format from the suffix.

    ``level`` (0..1) sets the mean brightness, ``seed`` the noise.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
    noise = rng.normal(level * 255, 30, size=(*size, channels))
    pixels = np.clip(noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels[..., 0] if channels == 1 else pixels, mode=None)
    image.save(path)
    return path


def make_image_folder(
    root: str | Path,
    classes: tuple[str, ...] = ("cat", "dog", "frog"),
    per_class: int = 6,
    size: tuple[int, int] = (12, 12),
    mode: str = "RGB",
    fmt: str = "png",
    *,
    seed: int = 0,
) -> Path:
    """Write ``root/<class>/<i>.<fmt>``: ``per_class`` images for each class.

    Returns ``root`` (the ``data_dir`` for ``load_dataset("image_folder", ...)``).
    """
    root = Path(root)
    for c, name in enumerate(classes):
        for i in range(per_class):
            write_image(root / name / f"{name}_{i:04d}.{fmt}", size=size, mode=mode,
                        level=(c + 1) / (len(classes) + 1), seed=seed * 100_003 + c * 1000 + i)
    return root


def make_cifar_folders(
    root: str | Path,
    classes: tuple[str, ...] = ("airplane", "cat", "ship"),
    train_folders: int = 4,
    per_class: int = 3,
    size: tuple[int, int] = (8, 8),
) -> Path:
    """Write experiment E's layout: ``train_1 .. train_<k>``, ``val`` and ``test``.

    Each holds one sub-folder per class with ``per_class`` PNG images. Load it with
    ``load_dataset("image_folder", root, train_dirs=["train_1", ...], val_dir="val",
    test_dir="test")`` (or ``train_dirs="train_*"``).
    """
    root = Path(root)
    names = [f"train_{k}" for k in range(1, train_folders + 1)] + ["val", "test"]
    for n, folder in enumerate(names):
        make_image_folder(root / folder, classes, per_class, size, seed=n + 1)
    return root


def make_utkface(
    root: str | Path,
    n: int = 40,
    size: tuple[int, int] = (16, 16),
    chip: bool = False,
    *,
    seed: int = 0,
) -> Path:
    """Write ``n`` JPEG faces named ``[age]_[gender]_[race]_[datetime].jpg``.

    Race cycles through 0-4 and gender through 0-1, so all 5 races and both
    genders appear (n >= 10 gives every race with each gender); ages spread over
    1-90. ``chip=True`` uses the aligned-and-cropped ``.jpg.chip.jpg`` names.
    """
    root = Path(root)
    rng = np.random.default_rng(seed)
    suffix = ".jpg.chip.jpg" if chip else ".jpg"
    for i in range(n):
        race, gender = i % 5, (i // 5) % 2
        age = int(rng.integers(1, 91))
        stamp = 20170116174525125 + i
        write_image(root / f"{age}_{gender}_{race}_{stamp}{suffix}", size=size,
                    level=(race + 1) / 6, seed=seed * 7919 + i)
    return root


def make_fairface(
    root: str | Path,
    n_train: int = 40,
    n_val: int = 12,
    size: tuple[int, int] = (16, 16),
    *,
    seed: int = 0,
) -> Path:
    """Write FairFace's layout: ``train_labels.csv``, ``val_labels.csv``, ``train/``, ``val/``.

    CSV columns file, age, gender, race, service_test; ``file`` is ``train/1.jpg``
    etc., relative to the CSV. Races, genders and ages cycle so every value
    appears when n is large enough (7 races, 2 genders, 9 age bands).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for split, count in (("train", n_train), ("val", n_val)):
        with open(root / f"{split}_labels.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "age", "gender", "race", "service_test"])
            for i in range(count):
                gender = ("Male", "Female")[i % 2]
                race = FAIRFACE_RACES[i % 7]
                age = FAIRFACE_AGES[i % 9]
                file = f"{split}/{i + 1}.jpg"
                write_image(root / file, size=size, level=0.3 + 0.4 * (i % 2),
                            seed=seed * 7919 + i + (0 if split == "train" else 50_000))
                writer.writerow([file, age, gender, race, str(i % 3 == 0)])
    return root


def make_ip102(
    root: str | Path,
    classes: int = 3,
    per_split: dict[str, int] | None = None,
    size: tuple[int, int] = (12, 12),
    *,
    seed: int = 0,
) -> Path:
    """Write IP102's layout: ``train.txt``/``val.txt``/``test.txt`` and the images.

    Lines are ``<file> <class>``; images live at
    ``classification/<split>/<class>/<file>``. ``per_split`` gives images per
    class in each split (default train 6, val 2, test 3).
    """
    root = Path(root)
    counts = per_split or {"train": 6, "val": 2, "test": 3}
    root.mkdir(parents=True, exist_ok=True)
    number = 0
    for split, per_class in counts.items():
        lines = []
        for c in range(classes):
            for _ in range(per_class):
                name = f"IP{number:09d}.jpg"
                write_image(root / "classification" / split / str(c) / name, size=size,
                            level=(c + 1) / (classes + 1), seed=seed * 7919 + number)
                lines.append(f"{name} {c}")
                number += 1
        (root / f"{split}.txt").write_text("\n".join(lines) + "\n")
    return root


def write_idx(path: str | Path, array, *, magic: int | None = None) -> Path:
    """Write ``array`` as a gzip-compressed idx file, the format of MNIST and Fashion-MNIST.

    The header is the big-endian magic number (default ``0x0800 + ndim``: unsigned
    bytes; 2051 for images ``(n, 28, 28)``, 2049 for labels ``(n,)``) and one
    big-endian uint32 per dimension, followed by the values as bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    values = np.asarray(array, dtype=np.uint8)
    magic = 0x0800 + values.ndim if magic is None else magic
    header = struct.pack(">I", magic) + struct.pack(f">{values.ndim}I", *values.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + values.tobytes())
    return path


def make_fashion_mnist(
    root: str | Path, n_train: int = 60, n_test: int = 20, *, seed: int = 0
) -> Path:
    """Write Fashion-MNIST's four files ``{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``.

    Labels cycle through 0-9; each 28x28 image is seeded noise around a
    per-class brightness, and test images are darker than train ones, so a test
    can tell where an image came from. Returns ``root`` (the ``data_dir``).
    """
    root = Path(root)
    rng = np.random.default_rng(seed)
    for prefix, n, shift in (("train", n_train, 60), ("t10k", n_test, 0)):
        labels = np.arange(n) % 10
        level = shift + 15 * labels[:, None, None]
        images = np.clip(level + rng.integers(0, 40, size=(n, 28, 28)), 0, 255)
        write_idx(root / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(root / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return root

