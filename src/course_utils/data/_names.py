"""How a dataset name given by a user is read: case, dashes and aliases.

Private to :mod:`course_utils.data`.

>>> normalise(" Fashion-MNIST"), normalise("utk")
('fashion_mnist', 'utkface')
"""

from __future__ import annotations

from typing import Any

from .._checks import fail
from ..errors import DatasetError

ALIASES = {"folder": "image_folder", "cifar_10": "cifar10", "fashionmnist": "fashion_mnist",
           "utk_face": "utkface", "utk": "utkface"}


def normalise(name: Any) -> str:
    """``name`` lower-cased, stripped, dashes as underscores, aliases resolved."""
    key = str(name).strip().lower().replace("-", "_")
    return ALIASES.get(key, key)


def canonical(name: Any, known: tuple[str, ...], function: str = "load_dataset") -> str:
    """The known dataset name that ``name`` stands for; raise naming the known ones."""
    key = normalise(name)
    if key not in known:
        raise fail("name", function, f"one of {list(known)}", name, error=DatasetError)
    return key
