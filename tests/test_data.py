"""Tests of course_utils.data: every loader on files in its real on-disk format."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest
from fakes import (
    make_cifar_folders,
    make_fairface,
    make_image_folder,
    make_ip102,
    make_utkface,
    write_image,
)

from course_utils.data import (
    Dataset,
    class_groups,
    dataset_names,
    keras_cache_path,
    load_dataset,
)
from course_utils.errors import DatasetError


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_dataset("digits")


def _files(data: Dataset, split: str) -> list[str]:
    return list(data.attributes[split]["file"])


# --------------------------------------------------------------------------- digits


def test_digits_default_shapes_dtypes_and_range(digits):
    assert digits.input_shape == (8, 8, 1)
    assert digits.x_train.dtype == np.float32 and digits.y_train.dtype == np.int64
    assert digits.x_train.min() >= 0.0 and digits.x_train.max() == 1.0
    assert digits.num_classes == 10 and digits.task == "classification"
    assert len(digits.x_train) + len(digits.x_val) + len(digits.x_test) == 1797
    assert len(digits.x_test) == pytest.approx(0.2 * 1797, abs=1)
    assert len(digits.x_val) == pytest.approx(0.2 * (1797 - len(digits.x_test)), abs=1)
    assert "scikit-learn" in digits.description


def test_digits_splits_are_stratified(digits):
    for split in ("train", "val", "test"):
        counts = np.bincount(digits.split(split)[1], minlength=10)
        assert counts.max() - counts.min() <= 0.05 * counts.sum() + 2


def test_digits_image_size_upsamples_and_channels_option_repeats_gray():
    data = load_dataset("digits", image_size=(32, 32), limit=20)
    assert data.x_train.shape == (20, 32, 32, 1)
    rgb = load_dataset("digits", image_size=(16, 16), channels=3, limit=20)
    assert rgb.input_shape == (16, 16, 3)
    np.testing.assert_array_equal(rgb.x_train[..., 0], rgb.x_train[..., 2])
    assert 0.0 <= rgb.x_train.min() and rgb.x_train.max() <= 1.0


def test_digits_grayscale_without_channels_stays_one_channel():
    assert load_dataset("digits", image_size=(12, 12), limit=5).input_shape == (12, 12, 1)


def test_same_seed_same_split_and_different_seed_different(digits):
    again = load_dataset("digits", seed=0)
    other = load_dataset("digits", seed=1)
    np.testing.assert_array_equal(digits.x_test, again.x_test)
    np.testing.assert_array_equal(digits.y_val, again.y_val)
    assert not np.array_equal(digits.x_test, other.x_test)


def test_limit_caps_each_split_with_balanced_classes():
    data = load_dataset("digits", limit=30)
    assert [len(data.split(s)[0]) for s in ("train", "val", "test")] == [30, 30, 30]
    assert np.bincount(data.y_train, minlength=10).tolist() == [3] * 10


def test_fractions_of_zero_give_empty_splits_with_the_right_shape():
    data = load_dataset("digits", val_fraction=0.0, test_fraction=0.0)
    assert len(data.x_train) == 1797
    assert data.x_val.shape == (0, 8, 8, 1) and data.y_test.shape == (0,)


# --------------------------------------------------------------------------- sine


def test_sine_default_is_x_to_sin_x_regression():
    data = load_dataset("sine")
    assert data.task == "regression" and data.class_names == () and data.num_classes == 0
    assert data.x_train.shape[1:] == (1,) and data.y_train.dtype == np.float32
    assert sum(len(data.split(s)[1]) for s in ("train", "val", "test")) == 1000
    np.testing.assert_allclose(data.y_train, np.sin(data.x_train[:, 0]), atol=1e-6)
    assert data.x_train[:, 0].min() >= -np.pi - 1e-6 and data.x_train[:, 0].max() <= np.pi
    assert np.all(np.diff(data.attributes["train"]["x"]) > 0)
    assert "synthetic" in data.description


def test_sine_windows_hold_previous_values_and_target_is_the_next_one():
    k = 7
    data = load_dataset("sine", n_points=200, timesteps=k, noise=0.1, seed=3)
    assert data.input_shape == (k, 1)
    grid = np.linspace(-np.pi, np.pi, 200)
    examples = {}
    for split in ("train", "val", "test"):
        x, y = data.split(split)
        index = np.searchsorted(grid, data.attributes[split]["x"].to_numpy() - 1e-9)
        examples.update({int(j): (x[i, :, 0], y[i]) for i, j in enumerate(index)})
    assert sorted(examples) == list(range(k, 200))
    for j in range(k, 199):
        window_next, _ = examples[j + 1]
        window, target = examples[j]
        assert window_next[-1] == target
        np.testing.assert_array_equal(window_next[:-1], window[1:])


def test_sine_noise_free_windows_match_sin_of_the_preceding_points():
    data = load_dataset("sine", n_points=50, timesteps=3)
    step = 2 * np.pi / 49
    x_target = data.attributes["test"]["x"].to_numpy()
    expected = np.sin(x_target[:, None] + step * np.array([-3, -2, -1]))
    np.testing.assert_allclose(data.x_test[..., 0], expected, atol=1e-5)
    np.testing.assert_allclose(data.y_test, np.sin(x_target), atol=1e-6)


def test_sine_bad_timesteps_is_rejected():
    with pytest.raises(DatasetError, match=r"'timesteps' option must be None or an int"):
        load_dataset("sine", n_points=10, timesteps=10)


# --------------------------------------------------------------------------- Dataset methods


def test_tf_dataset_batches_and_one_hot(digits):
    batches = list(digits.tf_dataset("val", batch_size=100, one_hot=True))
    assert batches[0][0].shape == (100, 8, 8, 1)
    assert batches[0][1].shape == (100, 10)
    assert sum(len(b[0]) for b in batches) == len(digits.x_val)
    assert batches[-1][0].shape[0] == len(digits.x_val) % 100 or len(digits.x_val) % 100 == 0
    np.testing.assert_array_equal(np.argmax(batches[0][1], axis=1), digits.y_val[:100])


def test_tf_dataset_shuffles_train_only_seeded_and_reshuffles_each_epoch(digits):
    val = next(iter(digits.tf_dataset("val", batch_size=50)))[1].numpy()
    np.testing.assert_array_equal(val, digits.y_val[:50])
    first = digits.tf_dataset("train", batch_size=50, seed=5)
    second = digits.tf_dataset("train", batch_size=50, seed=5)
    epoch_a = next(iter(first))[1].numpy()
    epoch_b = next(iter(first))[1].numpy()
    np.testing.assert_array_equal(epoch_a, next(iter(second))[1].numpy())
    assert not np.array_equal(epoch_a, epoch_b)
    assert not np.array_equal(epoch_a, digits.y_train[:50])


def test_tf_dataset_applies_a_batch_level_augment(digits):
    batch = next(iter(digits.tf_dataset("test", batch_size=8, augment=lambda x: x * 0.0 + 0.5)))
    np.testing.assert_allclose(batch[0].numpy(), 0.5)


def test_tf_dataset_one_hot_on_regression_is_rejected():
    with pytest.raises(DatasetError, match="one_hot=True needs a classification dataset"):
        load_dataset("sine", n_points=20).tf_dataset("train", one_hot=True)


def test_split_with_unknown_name_is_rejected(digits):
    with pytest.raises(DatasetError, match=r"'split' parameter must be one of .* Got 'valid'"):
        digits.split("valid")


def test_subset_relabels_kept_classes_and_caps_train_per_class(digits):
    upper = digits.subset(classes=[5, 6, 7, 8, 9], per_class=4, seed=1)
    assert upper.class_names == ("5", "6", "7", "8", "9") and upper.num_classes == 5
    assert np.bincount(upper.y_train).tolist() == [4] * 5
    assert set(upper.y_test) == set(range(5))
    assert len(upper.x_test) == int(np.isin(digits.y_test, [5, 6, 7, 8, 9]).sum())
    by_name = digits.subset(classes=["3", "1"])
    assert by_name.class_names == ("3", "1")
    np.testing.assert_array_equal(by_name.x_val[by_name.y_val == 0],
                                  digits.x_val[digits.y_val == 3])


def test_subset_with_unknown_class_is_rejected(digits):
    with pytest.raises(DatasetError, match=r"Unknown class 12 for 'digits'"):
        digits.subset(classes=[1, 12])
    with pytest.raises(DatasetError, match=r"Unknown class 'seven'"):
        digits.subset(classes=["seven"])


def test_relabel_regroups_classes(digits):
    parity = digits.relabel({i: i % 2 for i in range(10)}, ["even", "odd"])
    assert parity.class_names == ("even", "odd")
    np.testing.assert_array_equal(parity.y_test, digits.y_test % 2)
    assert digits.num_classes == 10  # the original is unchanged (frozen)


def test_relabel_needs_every_class_and_valid_targets(digits):
    with pytest.raises(DatasetError, match=r"classes \[9\] .* are missing"):
        digits.relabel({i: 0 for i in range(9)}, ["all"])
    with pytest.raises(DatasetError, match=r"map to indices 0..1"):
        digits.relabel({i: i for i in range(10)}, ["a", "b"])


def test_class_groups_default_for_digits_is_by_shape(digits):
    mapping, names = class_groups(digits)
    assert names == ("round", "straight", "curvy")
    assert [mapping[i] for i in range(10)] == [0, 1, 2, 2, 1, 2, 0, 1, 0, 0]
    grouped = digits.relabel(mapping, names)
    assert set(np.unique(grouped.y_train)) == {0, 1, 2}


def test_class_groups_accepts_names_and_falls_back_to_halves(tmp_path):
    folder = load_dataset("image_folder", make_image_folder(tmp_path, per_class=5))
    assert class_groups(folder) == ({0: 0, 1: 0, 2: 1}, ("cat+dog", "frog"))
    mapping, names = class_groups(folder, {"pet": ["cat", "dog"], "wild": ["frog"]})
    assert mapping == {0: 0, 1: 0, 2: 1} and names == ("pet", "wild")


def test_class_groups_rejects_unknown_repeated_and_missing_classes(digits):
    with pytest.raises(DatasetError, match=r"Unknown class 'seven'"):
        class_groups(digits, {"a": ["seven"]})
    with pytest.raises(DatasetError, match=r"puts class '1' in two super-classes"):
        class_groups(digits, {"a": [0, 1, 2, 3, 4], "b": [1, 5, 6, 7, 8, 9]})
    with pytest.raises(DatasetError, match=r"leaves classes \['9'\] of 'digits' in no"):
        class_groups(digits, {"a": list(range(9))})
    with pytest.raises(DatasetError, match=r"non-empty list of classes. Got \[\] for 'b'"):
        class_groups(digits, {"a": list(range(10)), "b": []})


# --------------------------------------------------------------------------- load_dataset checks


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(DatasetError, match=r"Unknown dataset 'mnist'; expected one of digits, "):
        load_dataset("mnist")
    assert "utkface" in dataset_names()


def test_names_are_normalised(tmp_path, monkeypatch):
    assert load_dataset(" DIGITS", limit=3).name == "digits"
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(DatasetError, match=r"'fashion_mnist' is not in the Keras cache"):
        load_dataset("Fashion-MNIST")


def test_unknown_option_lists_the_accepted_ones():
    with pytest.raises(DatasetError, match=r"Unknown option\(s\) \['timestep'\] for dataset 'sine"):
        load_dataset("sine", timestep=5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image_size": 32}, r"'image_size' parameter must be \(height, width\).*Got 32"),
        ({"val_fraction": 1.5}, r"'val_fraction' parameter must be in \[0, 1\). Got 1.5"),
        ({"limit": 0}, r"'limit' parameter must be None or a positive int. Got 0"),
        ({"on_bad_file": "ignore"}, r"'on_bad_file' parameter must be one of .* Got 'ignore'"),
        ({"channels": 2}, r"'channels' option must be 1 or 3. Got 2"),
    ],
)
def test_bad_common_parameters_are_rejected(kwargs, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset("digits", **kwargs)


def test_disk_dataset_needs_data_dir_and_an_existing_folder(tmp_path):
    with pytest.raises(DatasetError, match=r"'utkface' is read from disk: pass data_dir"):
        load_dataset("utkface")
    with pytest.raises(DatasetError, match=r"does not exist: .*nowhere"):
        load_dataset("image_folder", tmp_path / "nowhere")


def test_keras_dataset_not_in_cache_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    expected = tmp_path / "datasets" / "cifar-10-batches-py-target_archive"
    assert keras_cache_path("cifar10") == [expected]
    with pytest.raises(DatasetError, match=re.escape(str(expected))):
        load_dataset("cifar10")
    with pytest.raises(DatasetError, match=r"fashion-mnist/train-labels-idx1-ubyte.gz"):
        load_dataset("fashion_mnist")
    assert not (tmp_path / "datasets").exists() or not any((tmp_path / "datasets").iterdir())


def test_fashion_mnist_from_a_cached_archive(tmp_path, monkeypatch):
    import gzip

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    rng = np.random.default_rng(0)
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for prefix, n in (("train", 60), ("t10k", 20)):
        labels = np.arange(n, dtype=np.uint8) % 10
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + labels.tobytes())
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + images.tobytes())
    data = load_dataset("fashion_mnist", val_fraction=0.25, image_size=(32, 32), channels=3)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (45, 15, 20)
    assert data.input_shape == (32, 32, 3) and data.class_names[9] == "Ankle boot"


# --------------------------------------------------------------------------- image_folder


def test_image_folder_loads_classes_shapes_and_attributes(tmp_path):
    root = make_image_folder(tmp_path, per_class=10)
    data = load_dataset("image_folder", root)
    assert data.class_names == ("cat", "dog", "frog")
    assert data.input_shape == (12, 12, 3)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 30
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    for split in ("train", "val", "test"):
        frame = data.attributes[split]
        assert frame["class_name"].tolist() == [data.class_names[y] for y in data.split(split)[1]]
        assert all(f.startswith(f"{c}/") for f, c in zip(frame["file"], frame["class_name"],
                                                          strict=True))


def test_image_folder_grayscale_image_size_and_jpeg(tmp_path):
    root = make_image_folder(tmp_path, size=(20, 10), fmt="jpg", mode="L")
    assert load_dataset("image_folder", root).input_shape == (20, 10, 3)
    data = load_dataset("image_folder", root, image_size=(8, 6), grayscale=True)
    assert data.input_shape == (8, 6, 1)


def test_image_folder_seeded_split_reproducible(tmp_path):
    root = make_image_folder(tmp_path, per_class=10)
    first, again = (load_dataset("image_folder", root, seed=4) for _ in range(2))
    other = load_dataset("image_folder", root, seed=5)
    assert _files(first, "test") == _files(again, "test")
    assert sorted(_files(first, "test")) != sorted(_files(other, "test"))


def test_image_folder_limit_caps_before_decoding(tmp_path):
    root = make_image_folder(tmp_path, per_class=10)
    write_image(root / "cat" / "broken.png")
    (root / "cat" / "broken.png").write_bytes(b"not an image")
    data = load_dataset("image_folder", root, limit=2, val_fraction=0.5, test_fraction=0.5,
                        on_bad_file="skip")
    assert all(len(data.split(s)[0]) <= 2 for s in ("train", "val", "test"))


def test_image_folder_mixed_sizes_ask_for_image_size(tmp_path):
    root = make_image_folder(tmp_path)
    write_image(root / "dog" / "big.png", size=(30, 30))
    with pytest.raises(DatasetError, match=r"different sizes .*pass image_size"):
        load_dataset("image_folder", root)
    assert load_dataset("image_folder", root, image_size=(12, 12)).input_shape == (12, 12, 3)


def test_image_folder_ignores_non_image_files(tmp_path):
    root = make_image_folder(tmp_path)
    (root / "cat" / "notes.txt").write_text("hello")
    (root / "cat" / ".DS_Store").write_text("x")
    data = load_dataset("image_folder", root)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 18


def test_image_folder_empty_class_folder_is_rejected(tmp_path):
    root = make_image_folder(tmp_path)
    (root / "zebra").mkdir()
    with pytest.raises(DatasetError, match=r"Class folder .*zebra holds no image files"):
        load_dataset("image_folder", root)


def test_image_folder_without_class_folders_is_rejected(tmp_path):
    write_image(tmp_path / "loose.png")
    with pytest.raises(DatasetError, match=r"has no class sub-folders"):
        load_dataset("image_folder", tmp_path)


def test_corrupt_image_raises_naming_the_file(tmp_path):
    root = make_image_folder(tmp_path)
    (root / "dog" / "dog_0002.png").write_bytes(b"\x89PNG garbage")
    with pytest.raises(DatasetError, match=r"dog_0002.png: not a readable image"):
        load_dataset("image_folder", root)


def test_truncated_jpeg_raises(tmp_path):
    root = make_image_folder(tmp_path, fmt="jpg", size=(32, 32))
    path = root / "frog" / "frog_0001.jpg"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DatasetError, match=r"frog_0001.jpg: not a readable image"):
        load_dataset("image_folder", root)


def test_corrupt_images_skipped_with_a_counted_warning(tmp_path, caplog):
    root = make_image_folder(tmp_path)
    for name in ("dog/dog_0001.png", "cat/cat_0003.png"):
        (root / name).write_bytes(b"junk")
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("image_folder", root, on_bad_file="skip")
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 16
    assert "skipped 2 bad file(s)" in caplog.text


def test_image_folder_combines_train_folders_with_fixed_val_and_test(tmp_path):
    root = make_cifar_folders(tmp_path, train_folders=4, per_class=3)
    data = load_dataset("image_folder", root, train_dirs=[f"train_{k}" for k in range(1, 5)],
                        val_dir="val", test_dir="test")
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (36, 9, 9)
    assert data.class_names == ("airplane", "cat", "ship")
    assert all(f.startswith("test/") for f in _files(data, "test"))
    assert {f.split("/")[0] for f in _files(data, "train")} == {f"train_{k}" for k in range(1, 5)}


def test_image_folder_train_glob_with_val_split_off(tmp_path):
    root = make_cifar_folders(tmp_path, train_folders=2, per_class=5)
    data = load_dataset("image_folder", root, train_dirs="train_*", test_dir="test",
                        val_fraction=0.2)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (24, 6, 15)


def test_image_folder_val_class_unknown_to_train_is_rejected(tmp_path):
    root = make_cifar_folders(tmp_path, train_folders=1)
    make_image_folder(root / "val", classes=("dragon",))
    with pytest.raises(DatasetError, match=r"classes \['dragon'\] that the training folders lack"):
        load_dataset("image_folder", root, train_dirs=["train_1"], val_dir="val")


# --------------------------------------------------------------------------- UTKFace


@pytest.mark.parametrize("chip", [False, True])
def test_utkface_labels_come_from_file_names(tmp_path, chip):
    data = load_dataset("utkface", make_utkface(tmp_path, n=40, chip=chip))
    assert data.class_names == ("White", "Black", "Asian", "Indian", "Others")
    assert data.input_shape == (16, 16, 3)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 40
    races = ("White", "Black", "Asian", "Indian", "Others")
    for split in ("train", "val", "test"):
        frame = data.attributes[split]
        assert list(frame.columns) == ["age", "gender", "race", "age_group", "file"]
        for (_, row), y in zip(frame.iterrows(), data.split(split)[1], strict=True):
            age, gender, race = (int(v) for v in row["file"].split("_")[:3])
            assert (row["age"], row["gender"], row["race"]) == (
                age, ("Male", "Female")[gender], races[race])
            assert y == race
    assert set(data.attributes["train"]["race"]) == set(races)


def test_utkface_gender_age_group_and_age_targets(tmp_path):
    root = make_utkface(tmp_path, n=40)
    gender = load_dataset("utkface", root, target="gender")
    assert gender.class_names == ("Male", "Female")
    frame = gender.attributes["train"]
    assert (gender.y_train == (frame["gender"] == "Female")).all()
    groups = load_dataset("utkface", root, target="age_group", test_fraction=0.0)
    names = [groups.class_names[y] for y in groups.y_train]
    assert names == groups.attributes["train"]["age_group"].tolist()
    age = load_dataset("utkface", root, target="age", grayscale=True, image_size=(8, 8))
    assert age.task == "regression" and age.input_shape == (8, 8, 1)
    np.testing.assert_array_equal(age.y_test, age.attributes["test"]["age"].to_numpy())


def test_utkface_age_groups_are_the_documented_bands():
    from course_utils._image_files import AGE_GROUPS, age_group

    assert [age_group(a) for a in (0, 2, 3, 9, 10, 19, 69, 70, 116)] == [
        "0-2", "0-2", "3-9", "3-9", "10-19", "10-19", "60-69", "70+", "70+"]
    assert len(AGE_GROUPS) == 9


def test_utkface_name_missing_the_race_field_is_a_bad_file(tmp_path):
    root = make_utkface(tmp_path, n=20)
    write_image(root / "39_1_20170116174525125.jpg.chip.jpg")
    with pytest.raises(DatasetError, match=r"39_1_20170116174525125.jpg.chip.jpg: file name has "
                       r"3 field\(s\).*expected \[age\]_\[gender\]_\[race\]_\[datetime\].jpg"):
        load_dataset("utkface", root)


def test_utkface_bad_names_skipped_with_count(tmp_path, caplog):
    root = make_utkface(tmp_path, n=20)
    write_image(root / "39_1_20170116174525125.jpg.chip.jpg")
    write_image(root / "holiday.jpg")
    write_image(root / "30_2_0_20170116174525125.jpg")  # gender 2 does not exist
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("utkface", root, on_bad_file="skip")
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 20
    assert "skipped 3 bad file(s)" in caplog.text


def test_utkface_bad_target_and_empty_folder(tmp_path):
    with pytest.raises(DatasetError, match=r"'target' option of 'utkface' must be one of"):
        load_dataset("utkface", tmp_path, target="ethnicity")
    with pytest.raises(DatasetError, match=r"No UTKFace images in"):
        load_dataset("utkface", tmp_path)


def test_utkface_limit_and_seed(tmp_path):
    root = make_utkface(tmp_path, n=60)
    data = load_dataset("utkface", root, limit=5)
    assert [len(data.split(s)[0]) for s in ("train", "val", "test")] == [5, 5, 5]
    assert sorted(data.y_train.tolist()) == [0, 1, 2, 3, 4]
    assert _files(load_dataset("utkface", root, seed=2), "val") == _files(
        load_dataset("utkface", root, seed=2), "val")


# --------------------------------------------------------------------------- FairFace


def test_fairface_val_csv_is_test_and_val_is_split_off_train(tmp_path):
    data = load_dataset("fairface", make_fairface(tmp_path, n_train=40, n_val=12))
    assert data.class_names == ("Male", "Female")
    assert len(data.x_test) == 12 and len(data.x_train) + len(data.x_val) == 40
    assert len(data.x_val) == 8
    assert all(f.startswith("val/") for f in _files(data, "test"))
    assert all(f.startswith("train/") for f in _files(data, "val"))
    frame = data.attributes["test"]
    assert list(frame.columns) == ["file", "age", "gender", "race"]
    assert [data.class_names[y] for y in data.y_test] == frame["gender"].tolist()


def test_fairface_race_and_age_targets(tmp_path):
    root = make_fairface(tmp_path, n_train=63, n_val=14)
    race = load_dataset("fairface", root, target="race")
    assert race.num_classes == 7 and race.class_names[2] == "Latino_Hispanic"
    assert [race.class_names[y] for y in race.y_train] == race.attributes["train"]["race"].tolist()
    age = load_dataset("fairface", root, target="age", limit=9)
    assert age.class_names[-1] == "more than 70" and len(age.x_train) == 9


def test_fairface_csv_missing_a_column_is_rejected(tmp_path):
    root = make_fairface(tmp_path)
    csv = root / "train_labels.csv"
    lines = csv.read_text().splitlines()
    csv.write_text("\n".join(",".join(x.split(",")[:3] + x.split(",")[4:]) for x in lines))
    with pytest.raises(DatasetError, match=r"train_labels.csv lacks column\(s\) \['race'\]"):
        load_dataset("fairface", root)


def test_fairface_unknown_label_value_is_rejected(tmp_path):
    root = make_fairface(tmp_path)
    csv = root / "val_labels.csv"
    csv.write_text(csv.read_text().replace("Female", "F", 1))
    with pytest.raises(DatasetError, match=r"Column 'gender' of .*val_labels.csv has value\(s\) "
                       r"\['F'\]"):
        load_dataset("fairface", root)


def test_fairface_listed_image_missing_raises_or_skips(tmp_path, caplog):
    root = make_fairface(tmp_path)
    (root / "val" / "3.jpg").unlink()
    with pytest.raises(DatasetError, match=r"val/3.jpg: listed but the file does not exist"):
        load_dataset("fairface", root)
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("fairface", root, on_bad_file="skip")
    assert len(data.x_test) == 11 and "skipped 1 bad file(s)" in caplog.text


def test_fairface_missing_csv_is_rejected(tmp_path):
    with pytest.raises(DatasetError, match=r"train_labels.csv does not exist"):
        load_dataset("fairface", tmp_path)


# --------------------------------------------------------------------------- IP102


def test_ip102_uses_its_split_files(tmp_path):
    root = make_ip102(tmp_path, classes=3, per_split={"train": 4, "val": 2, "test": 3})
    data = load_dataset("ip102", root)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (12, 6, 9)
    assert data.class_names == ("0", "1", "2")
    for split in ("train", "val", "test"):
        folders = [int(f.split("/")[2]) for f in _files(data, split)]
        assert folders == data.split(split)[1].tolist()
        assert all(f.startswith(f"classification/{split}/") for f in _files(data, split))


def test_ip102_class_names_file_and_limit(tmp_path):
    root = make_ip102(tmp_path, classes=3)
    names = "1 rice leaf roller\n2 rice leaf caterpillar\n3 paddy stem maggot\n"
    (root / "classes.txt").write_text(names)
    data = load_dataset("ip102", root, limit=3, image_size=(6, 6), grayscale=True)
    assert data.class_names == ("rice leaf roller", "rice leaf caterpillar", "paddy stem maggot")
    assert len(data.x_train) == 3 and data.input_shape == (6, 6, 1)
    assert sorted(data.y_train.tolist()) == [0, 1, 2]


def test_ip102_label_without_image_raises_or_skips(tmp_path, caplog):
    root = make_ip102(tmp_path)
    with open(root / "val.txt", "a") as handle:
        handle.write("IP999999999.jpg 1\n")
    with pytest.raises(DatasetError, match=r"IP999999999.jpg: listed on line 7 of val.txt "
                       r"with class 1 but there is no such image"):
        load_dataset("ip102", root)
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("ip102", root, on_bad_file="skip")
    assert len(data.x_val) == 6 and "skipped 1 bad file(s)" in caplog.text


def test_ip102_malformed_line_and_missing_split_file(tmp_path):
    root = make_ip102(tmp_path)
    (root / "test.txt").write_text("IP000000001.jpg first\n")
    with pytest.raises(DatasetError, match=r"Line 1 of .*test.txt reads .*expected '<file> <class"):
        load_dataset("ip102", root)
    (root / "test.txt").unlink()
    with pytest.raises(DatasetError, match=r"IP102 split file .*test.txt does not exist"):
        load_dataset("ip102", root)


def test_cifar10_from_a_cached_archive(tmp_path, monkeypatch):
    import io
    import pickle
    import tarfile

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    rng = np.random.default_rng(0)
    archive = tmp_path / "datasets" / "cifar-10-batches-py-target_archive"
    archive.parent.mkdir(parents=True)
    with tarfile.open(archive, "w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            batch = {b"data": rng.integers(0, 256, size=(10, 3072), dtype=np.uint8),
                     b"labels": list(range(10))}
            raw = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    data = load_dataset("cifar10", grayscale=True, val_fraction=0.2)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (40, 10, 10)
    assert data.input_shape == (32, 32, 1) and data.class_names[0] == "airplane"
    archive.write_bytes(b"broken")
    with pytest.raises(DatasetError, match=r"Could not read 'cifar10' from the Keras cache"):
        load_dataset("cifar10")
