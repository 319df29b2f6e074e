"""Serves notebook 07_augmentation: the augmentations, the study of each on a small training set,
and the Fashion-MNIST course's baseline MLP with and without its augmentation.

- :func:`augmentation_specs` and :func:`chosen_augmentations`: each augmentation as
  a :func:`course_utils.augment.make_augmenter` entry, and the ones the study uses;
- :func:`study_variants`: ``none``, ``all``, one variant per augmentation and
  ``noise_std_squared``, the Gaussian noise scaled as the original course scaled it;
- :func:`augmentation_pair`: ``baseline`` and ``baseline_augmented``, the course's
  ``d_baseline`` and ``d_mlp`` of notebook 06 (the same definitions) under the
  names of notebook 07's record.

Example
-------
>>> specs = augmentation_specs(cutout_size=4, noise_std=0.1)
>>> specs["cutout"], specs["noise"], specs["noise_std_squared"]["std"]
({'name': 'cutout', 'size': 4}, {'name': 'noise', 'std': 0.1}, 0.010000000000000002)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._checks import check_int, check_number, fail
from ..augment import label_preserving, make_augmenter
from ._fashion_course import course_augmentation, course_model_variants

__all__ = [
    "NAMES",
    "SQUARED_NOISE",
    "augmentation_specs",
    "chosen_augmentations",
    "study_variants",
    "augmentation_pair",
]

#: The augmentations the page shows, in its order.
NAMES = ("flip", "rotation", "zoom", "translation", "contrast", "crop", "cutout", "noise")
#: The study's variant with Gaussian noise of standard deviation ``std ** 2``: the
#: Fashion-MNIST course's mistake (it scaled the noise by the variance).
SQUARED_NOISE = "noise_std_squared"


def augmentation_specs(*, cutout_size: int, noise_std: float) -> dict[str, Any]:
    """Each of :data:`NAMES` (and :data:`SQUARED_NOISE`) as a ``make_augmenter`` entry.

    Every augmentation keeps its default strength except cutout (``cutout_size``
    pixels) and the noise (standard deviation ``noise_std``; ``noise_std ** 2``
    for :data:`SQUARED_NOISE`).

    Returns
    -------
    dict of str to str or dict
    """
    size = check_int(cutout_size, "cutout_size", "augmentation_specs", minimum=1)
    std = check_number(noise_std, "noise_std", "augmentation_specs", minimum=0, maximum=1)
    specs: dict[str, Any] = {name: name for name in NAMES}
    specs["cutout"] = {"name": "cutout", "size": size}
    specs["noise"] = {"name": "noise", "std": std}
    specs[SQUARED_NOISE] = {"name": "noise", "std": std**2}
    return specs


def _entry_name(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and "name" in entry:
        return str(entry["name"])
    raise fail("augmentations", "chosen_augmentations",
               "a list of names or dicts with a 'name' key", entry)


def chosen_augmentations(augmentations: Sequence[Any] | None, specs: Mapping[str, Any],
                         dataset_name: str) -> dict[str, Any]:
    """The study's augmentations: those of ``augmentations`` that keep the labels.

    Parameters
    ----------
    augmentations : list of str or dict, or None
        Entries as ``make_augmenter`` takes them; a dict overrides the entry of
        ``specs`` for its name. None: every name of :data:`NAMES`. Either way an
        augmentation that changes the labels of ``dataset_name`` (see
        :func:`course_utils.augment.label_preserving`) is left out.
    specs : dict
        From :func:`augmentation_specs`.
    dataset_name : str

    Returns
    -------
    dict of str to str or dict
        Name to entry, in order.

    Example
    -------
    >>> specs = augmentation_specs(cutout_size=4, noise_std=0.1)
    >>> list(chosen_augmentations(None, specs, "digits"))[:2]
    ['rotation', 'zoom']
    >>> chosen_augmentations(["flip", {"name": "cutout", "size": 2}], specs, "digits")
    {'cutout': {'name': 'cutout', 'size': 2}}
    """
    if augmentations is None:
        augmentations = list(NAMES)
    if isinstance(augmentations, str | Mapping) or not isinstance(augmentations, Sequence):
        raise fail("augmentations", "chosen_augmentations", "None or a list of augmentations",
                   augmentations)
    entries = {_entry_name(entry): (entry if not isinstance(entry, str)
                                    else specs.get(entry, entry)) for entry in augmentations}
    return {name: entry for name, entry in entries.items()
            if label_preserving(name, dataset_name)}


def study_variants(chosen: Mapping[str, Any], specs: Mapping[str, Any], *, seed: int = 0
                   ) -> dict[str, dict[str, Any]]:
    """The study's ``run_variants`` variants: ``none``, ``all``, each of ``chosen`` alone.

    ``all`` applies every chosen augmentation, one after another. When the
    noise is among ``chosen``, :data:`SQUARED_NOISE` (noise of standard
    deviation ``std ** 2``) runs as well, to set the original's noise beside ours.

    Example
    -------
    >>> specs = augmentation_specs(cutout_size=4, noise_std=0.1)
    >>> list(study_variants({"cutout": specs["cutout"], "noise": specs["noise"]}, specs))
    ['none', 'all', 'cutout', 'noise', 'noise_std_squared']
    """
    variants: dict[str, dict[str, Any]] = {
        "none": {}, "all": {"augment": make_augmenter(list(chosen.values()), seed=seed)}}
    variants.update({name: {"augment": make_augmenter([entry], seed=seed)}
                     for name, entry in chosen.items()})
    if "noise" in chosen:
        entry = chosen["noise"]
        std = float(entry.get("std", specs["noise"]["std"]) if isinstance(entry, Mapping)
                    else specs["noise"]["std"])
        variants[SQUARED_NOISE] = {
            "augment": make_augmenter([{"name": "noise", "std": std**2}], seed=seed)}
    return variants


def augmentation_pair(input_shape: Sequence[int], dataset_name: str, *, seed: int = 0,
                      cutout_size: int | None = None) -> dict[str, dict[str, Any]]:
    """The course's baseline MLP without and with its augmentation, as ``run_variants`` variants.

    ``baseline`` and ``baseline_augmented`` are notebook 06's ``d_baseline`` and
    ``d_mlp`` (Flatten-Dense128-Dense10 on logits; the second trains on batches
    with cutout, a horizontal flip where it keeps the label, and a rotation of
    up to 5 degrees): the same model and options apart from ``augment``.

    Example
    -------
    >>> pair = augmentation_pair((28, 28, 1), "fashion_mnist")
    >>> {k: v for k, v in pair["baseline_augmented"].items() if k != "augment"} == pair["baseline"]
    True
    """
    augment = make_augmenter(course_augmentation(input_shape, dataset_name,
                                                 cutout_size=cutout_size), seed=seed)
    specs = course_model_variants(["d_baseline", "d_mlp"], augment=augment)
    return {"baseline": specs["d_baseline"], "baseline_augmented": specs["d_mlp"]}
