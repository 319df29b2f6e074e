"""The original courses' figures, and one canonical name per dataset to match them by.

The figures live in ``reference/originals.yml`` (in this package), one entry per
experiment of ours that repeats an experiment of an original course notebook
(courses A-E). A record names its dataset the way the loader does
(``"fashion_mnist"``); the reference names it the way a reader does
(``"Fashion-MNIST"``); :func:`canonical_dataset` maps both to one name, so that
"same dataset" is decided by one function.

Examples
--------
>>> canonical_dataset("Fashion-MNIST") == canonical_dataset("fashion_mnist")
True
>>> canonical_dataset("CIFAR-10 folders"), canonical_dataset("image_folder")
('cifar10', 'image_folder')
>>> load_originals()["notebooks"]["06_cnn_trials"]["experiments"]["d_cnn"]["values"]
{'train_accuracy': 0.9238, 'val_accuracy': 0.9168, 'test_accuracy': 0.9096}
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["load_originals", "canonical_dataset", "dataset_label", "same_dataset",
           "course_citations"]

#: (what the squeezed, lower-case name contains, canonical name): the first match wins.
#: A folder export names what it holds ("CIFAR-10 folders", "image_folder (CIFAR-10)"),
#: so the datasets come before the plain folder format.
_CONTAINS = (
    ("fashionmnist", "fashion_mnist"),
    ("cifar10", "cifar10"),
    ("utkface", "utkface"),
    ("fairface", "fairface"),
    ("ip102", "ip102"),
    ("digits", "digits"),
    ("sine", "sine"),
    ("flowers", "tf_flowers"),
    ("imagefolder", "image_folder"),
    ("folders", "image_folder"),
)
#: Whole names that are short aliases.
_ALIASES = {"utk": "utkface", "folder": "image_folder", "fmnist": "fashion_mnist"}
#: How the page writes each canonical name.
_LABELS = {
    "fashion_mnist": "Fashion-MNIST",
    "cifar10": "CIFAR-10",
    "utkface": "UTKFace",
    "fairface": "FairFace",
    "ip102": "IP102",
    "digits": "digits",
    "sine": "sine",
    "tf_flowers": "tf_flowers",
    "image_folder": "image folders",
}


@cache
def _originals_text() -> str:
    return resources.files(__package__).joinpath("reference/originals.yml").read_text(
        encoding="utf-8")


def load_originals() -> dict[str, Any]:
    """Return the original courses' figures (``reference/originals.yml``), as a new dict.

    Keys: ``source`` (one line naming the original notebooks), ``reference_file``
    (where the figures are kept in this repository), ``courses`` (letter to the
    course notebook it stands for) and ``notebooks`` (our notebook -> ``topic``
    and ``experiments``: our experiment name -> ``course``, ``dataset``,
    ``values`` (metric -> the original's figure), optional ``settings``,
    ``train_examples``, ``measured_on`` and ``note``). Each experiment also
    carries its headline figure as ``metric`` and ``value``: its test accuracy
    where the original reported one, else its first figure.

    >>> load_originals()["courses"]["D"].startswith("Fashion-MNIST")
    True
    >>> sgd = load_originals()["notebooks"]["01_optimizers"]["experiments"]["sgd"]
    >>> sgd["metric"], sgd["value"]
    ('test_accuracy', 0.692)
    """
    originals = yaml.safe_load(_originals_text())
    for notebook in (originals.get("notebooks") or {}).values():
        for original in (notebook.get("experiments") or {}).values():
            values = original.get("values") or {}
            if values:
                metric = "test_accuracy" if "test_accuracy" in values else next(iter(values))
                original.setdefault("metric", metric)
                original.setdefault("value", values[metric])
    return originals


def canonical_dataset(name: Any) -> str:
    """The one name a dataset goes by, however a record or a reference spells it.

    Case, spaces, dashes and underscores do not matter, and a qualifier does not
    change the dataset (``"UTKFace race"`` is ``"utkface"``). An image-folder
    export is the dataset it holds when its name says so (``"CIFAR-10 folders"``
    is ``"cifar10"``); plain ``"image_folder"`` stays ``"image_folder"``. Unknown
    names come back lower-case with runs of other characters as ``_``.

    Parameters
    ----------
    name : str
        A dataset name or description, e.g. a record's ``dataset``.

    Returns
    -------
    str

    Examples
    --------
    >>> [canonical_dataset(n) for n in ("fashion-mnist", "Fashion MNIST", "FashionMNIST")]
    ['fashion_mnist', 'fashion_mnist', 'fashion_mnist']
    >>> canonical_dataset("sine (1,000 points)"), canonical_dataset("My Pets!")
    ('sine', 'my_pets')
    """
    text = str(name).strip().lower()
    squeezed = re.sub(r"[^a-z0-9]", "", text)
    if squeezed in _ALIASES:
        return _ALIASES[squeezed]
    for part, canonical in _CONTAINS:
        if part in squeezed:
            return canonical
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def dataset_label(name: Any) -> str:
    """How the page writes a dataset: ``"Fashion-MNIST"``, ``"CIFAR-10"``, ``"digits"``.

    >>> dataset_label("fashion_mnist"), dataset_label("image_folder")
    ('Fashion-MNIST', 'image folders')
    """
    canonical = canonical_dataset(name)
    return _LABELS.get(canonical, str(name))


def same_dataset(ours: Any, theirs: Any) -> bool:
    """Whether two names stand for the same dataset (by :func:`canonical_dataset`).

    >>> same_dataset("fashion_mnist", "Fashion-MNIST"), same_dataset("image_folder", "CIFAR-10")
    (True, False)
    """
    return canonical_dataset(ours) == canonical_dataset(theirs)


def course_citations(originals: dict[str, Any]) -> list[str]:
    """One line per original course notebook cited by the reference, in letter order.

    >>> course_citations(load_originals())[0][:46]
    'course A: race classification on UTKFace with '
    """
    return [f"course {letter}: {title}" for letter, title in sorted(
        (originals.get("courses") or {}).items())]
