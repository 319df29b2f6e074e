"""``"fashion_mnist"``: Zalando's Fashion-MNIST from its four original idx files, offline.

The loader looks, in order, in ``data_dir`` (when given, there only), in the
Keras cache (``$KERAS_HOME/datasets/fashion-mnist/``) and in
:data:`SYSTEM_DIR`, where Debian's package ``dataset-fashion-mnist`` installs
the files ``{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``. Nothing is
downloaded. A missing file, a truncated or corrupt ``.gz`` or an idx header with
the wrong magic number or shape is an error naming the file, what was expected
and the fix.

Examples
--------
>>> from course_utils.data import load_dataset
>>> if fashion_mnist_available():  # doctest: +SKIP
...     data = load_dataset("fashion_mnist", val_fraction=1 / 6, val_split="course")
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from .._checks import check_choice
from ..errors import DatasetError
from ..paths import keras_home, resolve_path
from ._dataset import Dataset
from ._splits import VAL_SPLITS, Request
from .keras_files import FASHION_MNIST_FILES, official_split
from .transforms import check_channels

__all__ = ["FASHION_MNIST_CLASSES", "SYSTEM_DIR", "fashion_mnist_available",
           "fashion_mnist_folders", "load_fashion_mnist"]

#: Where Debian's ``dataset-fashion-mnist`` puts the files (looked at last).
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
DEBIAN_PACKAGE = "dataset-fashion-mnist"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_INSTALL = f"sudo apt-get install {DEBIAN_PACKAGE}"
#: idx magic numbers: 0x0000 08 <ndim>, 08 = unsigned bytes.
_MAGIC = {"images": 2051, "labels": 2049}
_SHAPE = {"images": (None, 28, 28), "labels": (None,)}


def _cache_dir() -> Path:
    return keras_home() / "datasets" / "fashion-mnist"


def fashion_mnist_folders(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The folders :func:`~course_utils.data.load_dataset` searches, in order.

    ``[data_dir]`` when it is given, else the Keras cache folder and then
    :data:`SYSTEM_DIR`.

    >>> fashion_mnist_folders("/data/fashion")
    [PosixPath('/data/fashion')]
    """
    if data_dir is not None:
        return [resolve_path(data_dir)]
    return [_cache_dir(), SYSTEM_DIR]


def _origin(folder: Path) -> str:
    if folder == SYSTEM_DIR:
        return f"Debian's package {DEBIAN_PACKAGE}"
    if folder == _cache_dir():
        return "the Keras cache"
    return "data_dir"


def _missing(folder: Path) -> list[str]:
    return [f for f in FASHION_MNIST_FILES if not (folder / f).is_file()]


def _not_found(folders: list[Path], given: bool) -> DatasetError:
    looked = []
    for folder in folders:
        missing = _missing(folder)
        what = "no such folder" if not folder.is_dir() else f"missing {', '.join(missing)}"
        looked.append(f"{folder} ({_origin(folder)}: {what})")
    fix = (f"install them with `{_INSTALL}` (into {SYSTEM_DIR}), or put the four files "
           f"into the Keras cache folder {_cache_dir()} (from {_URL})")
    if given:
        fix = f"put the four files into data_dir, or pass data_dir=None and {fix}"
    return DatasetError(
        "Fashion-MNIST's files were not found, and course_utils never downloads. Expected "
        f"{', '.join(FASHION_MNIST_FILES)} in: {'; '.join(looked)}. Fix: {fix}."
    )


def find_fashion_mnist(data_dir: str | os.PathLike | None = None) -> Path:
    """The first folder of :func:`fashion_mnist_folders` holding all four files.

    A given ``data_dir`` must hold them itself; otherwise the raised
    :class:`~course_utils.errors.DatasetError` names every folder looked at,
    the files each lacks and the fix.
    """
    folders = fashion_mnist_folders(data_dir)
    for folder in folders:
        if not _missing(folder):
            return folder
    raise _not_found(folders, given=data_dir is not None)


def _fix(path: Path) -> str:
    if path.parent == SYSTEM_DIR:
        return f"reinstall the package: sudo apt-get install --reinstall {DEBIAN_PACKAGE}"
    return f"replace it with the original file {_URL}{path.name}"


def _decompress(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(
            f"Fashion-MNIST file {path} is not a readable gzip file "
            f"({type(error).__name__}: {error}); expected the original gzip-compressed idx "
            f"file. Fix: {_fix(path)}."
        ) from error


def _check_head(head: bytes, path: Path, kind: str) -> tuple[int, ...]:
    """The dimensions in the idx header at the start of ``head``, checked against ``kind``."""
    expected = _SHAPE[kind]
    magic = int.from_bytes(head[:4], "big") if len(head) >= 4 else None
    if magic != _MAGIC[kind] or len(head) < _header_size(kind):
        raise DatasetError(
            f"Fashion-MNIST file {path} has magic number {magic}; expected {_MAGIC[kind]} "
            f"(idx {kind}) followed by {len(expected)} big-endian dims. Fix: {_fix(path)}."
        )
    dims = tuple(int(d) for d in np.frombuffer(head, ">u4", count=len(expected), offset=4))
    if any(e is not None and d != e for d, e in zip(dims, expected, strict=True)):
        want = "(n, 28, 28)" if kind == "images" else "(n,)"
        raise DatasetError(
            f"Fashion-MNIST file {path} holds {kind} of shape {dims}; expected {want}. "
            f"Fix: {_fix(path)}."
        )
    return dims


def _header_size(kind: str) -> int:
    return 4 + 4 * len(_SHAPE[kind])


def _read_idx(path: Path, kind: str) -> np.ndarray:
    """One idx file (gzip, big-endian header, unsigned bytes) as a uint8 array."""
    raw = _decompress(path)
    dims, size = _check_head(raw, path, kind), _header_size(kind)
    if len(raw) != size + int(np.prod(dims)):
        raise DatasetError(
            f"Fashion-MNIST file {path} holds {len(raw) - size} bytes after its header, which "
            f"promises {kind} of shape {dims} ({int(np.prod(dims))} bytes). Fix: {_fix(path)}."
        )
    values = np.frombuffer(raw, np.uint8, offset=size).reshape(dims)
    if kind == "labels" and len(values) and values.max() >= len(FASHION_MNIST_CLASSES):
        raise DatasetError(
            f"Fashion-MNIST file {path} holds label {int(values.max())}; expected class "
            f"indices 0..{len(FASHION_MNIST_CLASSES) - 1}. Fix: {_fix(path)}."
        )
    return values


def read_fashion_mnist(folder: Path):
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays from the four files."""
    out = []
    for prefix in ("train", "t10k"):
        images = _read_idx(folder / f"{prefix}-images-idx3-ubyte.gz", "images")
        labels = _read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", "labels")
        if len(images) != len(labels):
            raise DatasetError(
                f"Fashion-MNIST's {prefix}-images-idx3-ubyte.gz holds {len(images)} images but "
                f"{prefix}-labels-idx1-ubyte.gz in {folder} holds {len(labels)} labels; expected "
                f"one label per image. Fix: {_fix(folder / f'{prefix}-images-idx3-ubyte.gz')}."
            )
        out.append((images, labels))
    return tuple(out)


def fashion_mnist_available(data_dir: str | os.PathLike | None = None) -> bool:
    """Whether :func:`~course_utils.data.load_dataset` can read the real Fashion-MNIST.

    True when a folder of :func:`fashion_mnist_folders` holds all four files and
    each starts as a Fashion-MNIST idx file should (magic number and 28x28
    shape; the pixels themselves are checked when the data is loaded).

    >>> fashion_mnist_available("/nowhere")
    False
    """
    try:
        folder = find_fashion_mnist(data_dir)
        for name in FASHION_MNIST_FILES:
            kind = "images" if "images" in name else "labels"
            with gzip.open(folder / name, "rb") as handle:
                _check_head(handle.read(_header_size(kind)), folder / name, kind)
    except (DatasetError, OSError, EOFError, zlib.error):
        return False
    return True


def load_fashion_mnist(
    request: Request, *, channels: int | None = None, val_split: str = "stratified"
) -> Dataset:
    """Fashion-MNIST: 60,000 train images (val drawn from them) and the 10,000 test images.

    ``val_split="stratified"`` (default) draws a seeded, stratified
    ``val_fraction`` of the 60,000; ``"course"`` draws it as the original course
    did, ``train_test_split(test_size=val_fraction, random_state=42)``
    (unstratified; pass ``val_fraction=1/6`` for its 50,000/10,000). ``channels=3``
    repeats the gray channel.
    """
    channels = check_channels(channels, allow_none=True)
    check_choice(val_split, "val_split", "load_dataset('fashion_mnist')", VAL_SPLITS,
                 error=DatasetError)
    folder = find_fashion_mnist(request.data_dir)
    train, test = read_fashion_mnist(folder)
    how = ("seeded and stratified" if val_split == "stratified"
           else "as the original course: train_test_split(random_state=42)")
    return official_split(
        "fashion_mnist", train, test, request, class_names=FASHION_MNIST_CLASSES,
        channels=channels, val_split=val_split, source=str(folder),
        description=(
            f"fashion_mnist: Zalando's Fashion-MNIST ({len(train[1]):,} train + "
            f"{len(test[1]):,} test 28x28 grayscale images) read from {folder} "
            f"({_origin(folder)}), pixels/255; val split {how} from the official train set, "
            "official test set"
        ),
    )
