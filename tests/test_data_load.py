"""Tests of course_utils.data.load: names, options and the checks every loader shares."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import dataset_names, load_dataset
from course_utils.errors import DatasetError


def test_dataset_names_lists_every_loader():
    assert dataset_names() == ("digits", "sine", "image_folder", "utkface", "fairface", "ip102",
                               "cifar10", "fashion_mnist")


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(DatasetError, match=r"The 'name' parameter of load_dataset must be one "
                       r"of \['digits', 'sine', .*'fashion_mnist'\]. Got 'mnist' instead."):
        load_dataset("mnist")


def test_names_are_normalised():
    assert load_dataset(" DIGITS", limit=3).name == "digits"
    assert load_dataset("Sine", n_points=10).name == "sine"
    with pytest.raises(DatasetError, match=r"Dataset 'utkface' is read from disk"):
        load_dataset("utk")


def test_unknown_option_lists_the_accepted_ones():
    with pytest.raises(DatasetError, match=r"Unknown option\(s\) \['timestep'\] for dataset 'sine"):
        load_dataset("sine", timestep=5)
    with pytest.raises(DatasetError, match=r"for dataset 'digits'; it accepts \['channels'\]"):
        load_dataset("digits", target="x")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image_size": 32}, r"'image_size' parameter of load_dataset must be \(height, width\) "
         r"with positive ints. Got 32 instead"),
        ({"image_size": (8, 0)}, r"'image_size' parameter .* Got \(8, 0\) instead"),
        ({"val_fraction": 1.5}, r"'val_fraction' parameter of load_dataset must be a number in "
         r"\[0, 1\). Got 1.5 instead"),
        ({"test_fraction": True}, r"'test_fraction' parameter .* Got True instead"),
        ({"limit": 0}, r"'limit' parameter of load_dataset must be None or an int >= 1. Got 0"),
        ({"limit": 2.5}, r"'limit' parameter .* Got 2.5 instead"),
        ({"seed": -1}, r"'seed' parameter of load_dataset must be an int >= 0. Got -1 instead"),
        ({"grayscale": "no"}, r"'grayscale' parameter .* must be True or False. Got 'no'"),
        ({"on_bad_file": "ignore"}, r"'on_bad_file' parameter of load_dataset must be one of "
         r"\['raise', 'skip'\]. Got 'ignore' instead"),
    ],
)
def test_bad_common_parameters_are_rejected(kwargs, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset("digits", **kwargs)


def test_numpy_ints_are_accepted_where_ints_are():
    data = load_dataset("digits", limit=np.int64(5), seed=np.int32(1),
                        image_size=(np.int64(9), 9))
    assert len(data.x_train) == 5 and data.input_shape == (9, 9, 1)


def test_disk_dataset_needs_data_dir_and_an_existing_folder(tmp_path):
    with pytest.raises(DatasetError, match=r"'utkface' is read from disk: pass data_dir"):
        load_dataset("utkface")
    with pytest.raises(DatasetError, match=r"does not exist: .*nowhere"):
        load_dataset("image_folder", tmp_path / "nowhere")
    with pytest.raises(DatasetError, match=r"'data_dir' folder for 'fashion_mnist' does not "
                       r"exist: .*nowhere"):
        load_dataset("fashion_mnist", tmp_path / "nowhere")


def test_auto_is_fashion_mnist_where_installed_else_digits(tmp_path, monkeypatch):
    from course_utils.data import fashion_mnist, image_dataset, load_dataset

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIR", tmp_path / "absent")
    assert image_dataset() == "digits"
    assert load_dataset("auto", limit=20).name == "digits"
    from fakes import make_fashion_mnist

    folder = make_fashion_mnist(tmp_path / "fm", n_train=40, n_test=20)
    assert image_dataset(folder) == "fashion_mnist"
    data = load_dataset("auto", folder)
    assert data.name == "fashion_mnist" and data.input_shape == (28, 28, 1)
