"""The real-data paths: notebooks run on generated folders in each dataset's on-disk format.

The folders are small (tens of images) but in exactly the layout of the
original datasets, so these runs exercise every loader a `full` preset uses.
"""

from __future__ import annotations

import json

import pytest
from fakes import make_cifar_folders, make_fairface, make_image_folder, make_utkface

from course_utils.book.layout import Layout
from course_utils.book.runner import plan_runs, run_plans
from course_utils.paths import project_root

pytestmark = pytest.mark.notebooks

MAKERS = {
    "utkface": lambda root: make_utkface(root, n=80, size=(24, 24)),
    "image_folder": lambda root: make_image_folder(root, per_class=14, size=(24, 24)),
    "fairface": lambda root: make_fairface(root, n_train=84, n_val=28, size=(24, 24)),
    "cifar_folders": lambda root: make_cifar_folders(root, per_class=4, size=(16, 16)),
}
# The loader each generated folder is read with, and extra parameters it needs.
LOADS = {
    "utkface": ("utkface", {}),
    "image_folder": ("image_folder", {}),
    "fairface": ("fairface", {}),
    "cifar_folders": ("image_folder", {"load_options": {
        "train_dirs": ["train_1", "train_2", "train_3", "train_4"], "val_dir": "val",
        "test_dir": "test"}}),
}
CASES = [
    *[(nb, ds) for nb in ("01_optimizers", "02_training_callbacks", "03_loss_functions",
                          "04_regularization", "05_evaluation")
      for ds in ("utkface", "image_folder")],
    ("06_cnn_trials", "image_folder"),
    ("07_augmentation", "image_folder"),
    ("02_training_callbacks", "cifar_folders"),
    ("10_fairness", "fairface"),
]


@pytest.fixture(scope="module")
def real_data_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("real")
    folders = {name: make(base / "data" / name) for name, make in MAKERS.items()}
    root = project_root(__file__)
    outcomes = {}
    for dataset, folder in folders.items():
        names = [nb for nb, ds in CASES if ds == dataset]
        layout = Layout.default(root, executed_dir=base / dataset / "executed",
                                results_dir=base / dataset / "results")
        loader, extra = LOADS[dataset]
        plans = plan_runs(names, preset="smoke", layout=layout,
                          overrides={"dataset": loader, "data_dir": str(folder), **extra})
        for outcome in run_plans(plans, jobs=2, progress=False, force=True):
            outcomes[(outcome.name, dataset)] = (outcome, layout)
    return outcomes


@pytest.mark.parametrize(("notebook", "dataset"), CASES)
def test_notebook_runs_on_real_format_data(real_data_runs, notebook, dataset):
    outcome, layout = real_data_runs[(notebook, dataset)]
    assert outcome.ok, f"{notebook} on {dataset}: {outcome.error} ({outcome.failed_copy})"
    record = json.loads((layout.results_dir / f"{notebook}.json").read_text())
    assert record["parameters"]["dataset"] == LOADS[dataset][0]
    assert record["experiments"], f"{notebook} on {dataset} recorded no experiment"
