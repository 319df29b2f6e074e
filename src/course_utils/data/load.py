"""The one entry point: :func:`load_dataset` by name, and :func:`dataset_names`.

Examples
--------
>>> data = load_dataset("digits", image_size=(16, 16), seed=0, limit=30)
>>> data.x_train.shape[1:], data.num_classes
((16, 16, 1), 10)
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

from ..errors import DatasetError
from ._dataset import Dataset
from ._names import canonical
from ._splits import Request
from .embedded import load_digits, load_sine
from .faces import load_fairface, load_utkface
from .fashion_mnist import fashion_mnist_available, load_fashion_mnist
from .image_folders import load_image_folder
from .ip102 import load_ip102
from .keras_files import load_cifar10

__all__ = ["load_dataset", "dataset_names", "image_dataset", "AUTO"]

_LOADERS: dict[str, Callable[..., Dataset]] = {
    "digits": load_digits,
    "sine": load_sine,
    "image_folder": load_image_folder,
    "utkface": load_utkface,
    "fairface": load_fairface,
    "ip102": load_ip102,
    "cifar10": load_cifar10,
    "fashion_mnist": load_fashion_mnist,
}
#: Read from ``data_dir`` only, so it must be given.
_NEEDS_DIR = {"image_folder", "utkface", "fairface", "ip102"}
#: ``data_dir`` optional: looked at first when given.
_USES_DIR = {"fashion_mnist"}


AUTO = "auto"


def image_dataset(data_dir: str | os.PathLike | None = None) -> str:
    """The image dataset ``"auto"`` stands for: ``"fashion_mnist"`` or ``"digits"``.

    Real Fashion-MNIST where its four files are found (``data_dir``, the Keras
    cache, Debian's ``dataset-fashion-mnist``), else scikit-learn's embedded 8x8
    digits, so that the default book runs on any machine.

    >>> image_dataset() in ("fashion_mnist", "digits")
    True
    """
    return "fashion_mnist" if fashion_mnist_available(data_dir) else "digits"


def dataset_names() -> tuple[str, ...]:
    """Return the names :func:`load_dataset` accepts.

    >>> dataset_names()[:2]
    ('digits', 'sine')
    """
    return tuple(_LOADERS)


def _check_options(key: str, loader: Callable[..., Dataset], options: dict[str, Any]) -> None:
    accepted = [p for p in inspect.signature(loader).parameters if p != "request"]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise DatasetError(
            f"Unknown option(s) {unknown} for dataset {key!r}; it accepts "
            f"{accepted or 'no options'}."
        )


def load_dataset(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    image_size: tuple[int, int] | None = None,
    grayscale: bool = False,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    seed: int = 0,
    limit: int | None = None,
    on_bad_file: str = "raise",
    **options: Any,
) -> Dataset:
    """Load a dataset by name into seeded train/val/test splits.

    Parameters
    ----------
    name : str
        ``"auto"`` (real Fashion-MNIST where its files are installed, else the
        embedded digits: see :func:`image_dataset`) or one of
        :func:`dataset_names`: ``"digits"``, ``"sine"``, ``"image_folder"``,
        ``"utkface"``, ``"fairface"``, ``"ip102"``, ``"cifar10"``, ``"fashion_mnist"``
        (case, dashes and a few aliases such as ``"Fashion-MNIST"`` are accepted).
    data_dir : path, optional
        Folder of an on-disk dataset (needed by image_folder, utkface, fairface,
        ip102; for fashion_mnist it replaces the search of the Keras cache and
        the Debian folder); a relative path is also tried from the project root.
    image_size : (height, width), optional
        Resize images (bilinear). Default: the files' own size when they all
        share one (an error otherwise); digits stay 8x8.
    grayscale : bool, default False
        One luminance channel instead of RGB.
    val_fraction, test_fraction : float, default 0.2
        The test split takes ``test_fraction`` of all examples, the validation
        split ``val_fraction`` of the rest (stratified by class). Datasets that
        ship a test set (fairface, ip102, cifar10, fashion_mnist) ignore
        ``test_fraction``; ip102 also ships its validation set.
    seed : int, default 0
        Same seed, same splits.
    limit : int, optional
        At most this many examples per split (a seeded, class-balanced choice,
        made before any image is decoded).
    on_bad_file : {"raise", "skip"}, default "raise"
        What to do with an unreadable image, a missing listed image or a
        UTKFace file name that does not parse; "skip" logs a warning with the count.
    **options
        Per dataset: digits ``channels=1|3``; sine ``n_points=1000, noise=0.0,
        timesteps=None, x_range=(-pi, pi)``; image_folder ``train_dirs, val_dir,
        test_dir``; utkface ``target="race"|"gender"|"age_group"|"age"``;
        fairface ``target="gender"|"race"|"age", train_csv, val_csv``; ip102
        ``class_names_file``; cifar10 ``channels``; fashion_mnist ``channels``,
        ``val_split="stratified"|"course"`` (``"course"``: the original course's
        unstratified ``train_test_split(test_size=val_fraction, random_state=42)``).

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Unknown name or option, missing folder, empty class folder, bad file, ...

    Examples
    --------
    >>> data = load_dataset("sine", timesteps=10, noise=0.05)
    >>> data.input_shape, data.task
    ((10, 1), 'regression')
    >>> faces = load_dataset("utkface", "data/UTKFace", image_size=(64, 64))  # doctest: +SKIP
    """
    if name == AUTO:
        name = image_dataset(data_dir)
        data_dir = data_dir if name == "fashion_mnist" else None
    key = canonical(name, dataset_names())
    loader = _LOADERS[key]
    _check_options(key, loader, options)
    request = Request.make(
        key, data_dir, needs_dir=key in _NEEDS_DIR, uses_dir=key in _USES_DIR,
        image_size=image_size, grayscale=grayscale, val_fraction=val_fraction,
        test_fraction=test_fraction, seed=seed, limit=limit, on_bad_file=on_bad_file,
    )
    return loader(request, **options)
