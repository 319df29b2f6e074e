"""The results page: records beside the original figures, datasets matched by one canonical
name, our Wilson interval from the saved predictions, and "reproduced?" with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from course_utils._stats import wilson_interval
from course_utils.book.originals import canonical_dataset, dataset_label, same_dataset
from course_utils.book.records import Record
from course_utils.book.results_page import (
    comparison_tables,
    datasets_sentence,
    load_originals,
    load_predictions,
    load_records,
    results_tables,
    write_results_page,
)

FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle boot")
REFERENCE = Path(__file__).resolve().parents[1] / "src/course_utils/book/reference/originals.yml"


def _record(folder, notebook, dataset, experiments, **fields):
    """A bare record file (no predictions), as older records and other tools write them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.json").write_text(json.dumps({
        "notebook": notebook, "dataset": dataset, **fields,
        "experiments": [{"experiment": name, "metrics": metrics}
                        for name, metrics in experiments.items()]}))


def _predictions(n, right, *, true_class=None, num_classes=10, seed=0):
    """Labels and one-hot-ish probabilities that are right on exactly ``right`` of ``n`` rows."""
    rng = np.random.default_rng(seed)
    y_true = (np.full(n, true_class) if true_class is not None
              else rng.integers(0, num_classes, n))
    y_pred = y_true.copy()
    y_pred[right:] = (y_true[right:] + 1) % num_classes
    return y_true, np.eye(num_classes)[y_pred] * 0.9 + 0.01


def _table(folder, notebook):
    records = load_records(folder)
    title = next(iter(results_tables(records, load_originals())))
    assert title[:2] == notebook[:2]
    return results_tables(records, load_originals(), load_predictions(folder, records))[title]


def _rows(table, experiment):
    return table[table.experiment == experiment].set_index("metric")


# --- the reference file --------------------------------------------------------------------
def test_originals_cite_the_course_notebooks_and_this_file_never_the_shared_notes():
    originals = load_originals()
    assert "courses A-E" in originals["source"]
    assert sorted(originals["courses"]) == list("ABCDE")
    assert "UTKFace" in originals["courses"]["A"] and "Fashion-MNIST" in originals["courses"]["D"]
    assert originals["reference_file"] == "src/course_utils/book/reference/originals.yml"
    assert REFERENCE.is_file()
    assert "experiments.md" not in REFERENCE.read_text() and "shared/" not in REFERENCE.read_text()


@pytest.mark.parametrize(("experiment", "train", "val", "test"), [
    ("d_baseline", 0.9101, 0.8882, 0.8852),
    ("d_mlp", 0.8773, 0.8668, 0.859),
    ("d_cnn", 0.9238, 0.9168, 0.9096),
    ("d_batch_norm", 0.9247, 0.9223, 0.9133),
    ("d_dropout", 0.9076, 0.9051, 0.8992),
    ("d_l2", 0.9043, 0.9161, 0.9097),
    ("d_l1", 0.8868, 0.9026, 0.8993),
])
def test_the_fashion_mnist_course_maps_one_to_one_onto_notebook_06(experiment, train, val, test):
    original = load_originals()["notebooks"]["06_cnn_trials"]["experiments"][experiment]
    assert original["values"] == {"train_accuracy": train, "val_accuracy": val,
                                  "test_accuracy": test}
    assert original["course"] == "D" and canonical_dataset(original["dataset"]) == "fashion_mnist"
    assert original["settings"] == {"epochs": 10, "batch_size": 32}
    assert original["train_examples"] == 50000


def test_notebooks_05_and_07_carry_the_courses_per_class_regrouping_and_augmentation_figures():
    notebooks = load_originals()["notebooks"]
    evaluation = notebooks["05_evaluation"]["experiments"]
    assert evaluation["baseline"]["values"] == {
        "val_accuracy": 0.888, "test_accuracy": 0.885, "class_accuracy_shirt": 0.645,
        "class_accuracy_trouser": 0.976}
    assert evaluation["regrouped"]["values"] == {
        "test_accuracy": 0.990, "group_accuracy_top": 0.992, "group_accuracy_bottom": 0.991,
        "group_accuracy_accessories": 0.978}
    augmentation = notebooks["07_augmentation"]["experiments"]
    assert augmentation["baseline"]["values"] == {"test_accuracy": 0.885}
    assert augmentation["baseline_augmented"]["values"] == {"test_accuracy": 0.859}


def test_unlike_experiments_are_not_mapped_onto_each_other():
    notebooks = load_originals()["notebooks"]
    # IP102's full-data CNN (0.259 on 102 classes) is not our run on a few labels per class.
    assert "scratch" not in notebooks["09_transfer_learning"]["experiments"]
    values = [v for e in notebooks["09_transfer_learning"]["experiments"].values()
              for v in e["values"].values()]
    assert 0.259 not in values
    # 04's CNN regularizers, each alone and without augmentation, are not course D's
    # cumulative models; those are notebook 06's d_* experiments.
    assert not [name for name in notebooks["04_regularization"]["experiments"]
                if name.startswith("cnn_")]


def test_the_utkface_figures_say_they_were_measured_on_the_split_used_for_training():
    for notebook in ("01_optimizers", "03_loss_functions", "04_regularization"):
        for original in load_originals()["notebooks"][notebook]["experiments"].values():
            assert original["measured_on"] == "validation split, used for training in the original"


def test_every_original_has_a_headline_metric_and_value():
    for notebook in load_originals()["notebooks"].values():
        for original in (notebook.get("experiments") or {}).values():
            assert original["value"] == original["values"][original["metric"]]
            if "test_accuracy" in original["values"]:
                assert original["metric"] == "test_accuracy"


# --- one canonical name per dataset --------------------------------------------------------
@pytest.mark.parametrize(("a", "b"), [
    ("fashion_mnist", "Fashion-MNIST"), ("fashion-mnist", "Fashion MNIST"),
    ("FashionMNIST", "fashion_mnist"), ("cifar10", "CIFAR-10"), ("CIFAR-10 folders", "cifar10"),
    ("image_folder (CIFAR-10 export)", "CIFAR-10"), ("utkface", "UTKFace race"),
    ("fairface", "FairFace gender"), ("ip102", "IP102"), ("sine", "sine (1,000 points)"),
    ("image_folder", "image folders"),
])
def test_spellings_of_one_dataset_match(a, b):
    assert canonical_dataset(a) == canonical_dataset(b) and same_dataset(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("image_folder", "CIFAR-10"), ("image_folder", "CIFAR-10 folders"),
    ("digits", "Fashion-MNIST"), ("mnist", "fashion_mnist"), ("utkface", "FairFace"),
])
def test_different_datasets_do_not_match(a, b):
    assert not same_dataset(a, b)


def test_every_dataset_of_the_reference_has_a_known_canonical_name_and_label():
    known = {"fashion_mnist", "cifar10", "utkface", "fairface", "ip102", "sine"}
    for notebook in load_originals()["notebooks"].values():
        for original in (notebook.get("experiments") or {}).values():
            assert canonical_dataset(original["dataset"]) in known, original["dataset"]
    assert [dataset_label(n) for n in ("fashion_mnist", "cifar10", "image_folder", "digits")] == [
        "Fashion-MNIST", "CIFAR-10", "image folders", "digits"]


# --- rows: ours, our interval, the original, reproduced? ------------------------------------
def _course_record(folder, *, right=885, n=1000, epochs=10, **info):
    record = Record("06_cnn_trials", params={"epochs": epochs, "seed": 0, "dataset": "auto"},
                    dataset="fashion_mnist", preset="quick")
    y_true, y_prob = _predictions(n, right)
    record.add("d_baseline", {"test_accuracy": right / n, "val_accuracy": 0.8882,
                              "train_accuracy": 0.95}, **info)
    record.add_predictions("d_baseline", y_true, y_prob=y_prob, class_names=FASHION)
    record.save(folder)


def test_a_row_on_the_same_dataset_gives_our_wilson_interval_and_reproduces(tmp_path):
    _course_record(tmp_path, right=885, n=1000)
    rows = _rows(_table(tmp_path, "06_cnn_trials"), "d_baseline")
    test = rows.loc["test_accuracy"]
    low, high = wilson_interval(885, 1000)
    assert test.ours == "0.885 (Fashion-MNIST)"
    assert test["our 95% interval"] == f"[{low:.3f}, {high:.3f}]" == "[0.864, 0.903]"
    assert test.original == "0.8852 (Fashion-MNIST, course D)"
    assert test.dataset == "same dataset" and test["reproduced?"] == "yes"
    assert "not reproduced" not in test.note


@pytest.mark.parametrize("sizes", [
    {"split_sizes": {"train": 12000, "val": 10000, "test": 1000}},
    {"train_examples": 12000, "val_examples": 10000},
])
def test_a_figure_outside_our_interval_is_not_reproduced_and_the_row_says_why(tmp_path, sizes):
    _course_record(tmp_path / "a", right=800, n=1000, epochs=5, **sizes)
    rows = _rows(_table(tmp_path / "a", "06_cnn_trials"), "d_baseline")
    test = rows.loc["test_accuracy"]
    assert test["reproduced?"] == "no"
    assert ("not reproduced: ours is 0.085 lower; this quick run used 5 epochs (original 10 "
            "epochs), 12,000 training examples (original 50,000)") in test.note
    # The validation figure gets its interval from the recorded split size.
    low, high = wilson_interval(0.8882 * 10000, 10000)
    assert rows.loc["val_accuracy", "our 95% interval"] == f"[{low:.3f}, {high:.3f}]"
    assert rows.loc["val_accuracy", "reproduced?"] == "yes"
    # Without split sizes a subset is read from the notebook's parameters.
    _course_record(tmp_path / "b", right=800, n=1000)
    path = tmp_path / "b" / "06_cnn_trials.json"
    record = json.loads(path.read_text())
    record["parameters"]["course_train_per_class"] = 1200
    path.write_text(json.dumps(record))
    note = _rows(_table(tmp_path / "b", "06_cnn_trials"), "d_baseline").loc["test_accuracy"].note
    assert "used 1,200 training examples per class (`course_train_per_class`)" in note


def test_same_settings_and_still_outside_says_it_is_more_than_noise(tmp_path):
    _course_record(tmp_path, right=700, n=1000)
    note = _rows(_table(tmp_path, "06_cnn_trials"), "d_baseline").loc["test_accuracy"].note
    assert "ours is 0.185 lower; no recorded setting of this quick run differs" in note
    _course_record(tmp_path / "one", right=700, n=1000, epochs=1)
    note = _rows(_table(tmp_path / "one", "06_cnn_trials"), "d_baseline").loc["test_accuracy"].note
    assert "used 1 epoch (original 10 epochs)" in note


def test_without_predictions_or_split_sizes_there_is_no_interval_and_no_verdict(tmp_path):
    _record(tmp_path, "06_cnn_trials", "fashion_mnist",
            {"d_baseline": {"train_accuracy": 0.95, "val_accuracy": 0.8, "test_accuracy": 0.7}})
    rows = _rows(_table(tmp_path, "06_cnn_trials"), "d_baseline")
    assert set(rows["our 95% interval"]) == {"—"} and set(rows["reproduced?"]) == {"—"}
    assert "no interval" in rows.loc["val_accuracy", "note"]


def test_predictions_that_do_not_give_back_the_metric_are_not_used_for_its_interval(tmp_path):
    record = Record("06_cnn_trials", params={}, dataset="fashion_mnist")
    y_true, y_prob = _predictions(100, 90)
    record.add("d_baseline", {"test_accuracy": 0.5})
    record.add_predictions("d_baseline", y_true, y_prob=y_prob, class_names=FASHION)
    record.save(tmp_path)
    row = _rows(_table(tmp_path, "06_cnn_trials"), "d_baseline").loc["test_accuracy"]
    assert row["our 95% interval"] == "—"


def test_per_class_and_per_group_intervals_count_only_that_classs_test_images(tmp_path):
    record = Record("05_evaluation", params={}, dataset="fashion_mnist")
    shirts = _predictions(200, 130, true_class=6)
    trousers = _predictions(50, 49, true_class=1, seed=1)
    y_true = np.r_[shirts[0], trousers[0]]
    y_prob = np.r_[shirts[1], trousers[1]]
    record.add("baseline", {"test_accuracy": 179 / 250, "class_accuracy_shirt": 0.65,
                            "class_accuracy_trouser": 0.98})
    record.add_predictions("baseline", y_true, y_prob=y_prob, class_names=FASHION)
    top = _predictions(40, 39, true_class=0, num_classes=3)
    record.add("regrouped", {"test_accuracy": 39 / 40, "group_accuracy_top": 39 / 40})
    record.add_predictions("regrouped", top[0], y_prob=top[1],
                           class_names=["Top", "Bottom", "Accessories"])
    record.save(tmp_path)
    table = _table(tmp_path, "05_evaluation")
    baseline, regrouped = _rows(table, "baseline"), _rows(table, "regrouped")
    for rows, metric, (k, n) in ((baseline, "class_accuracy_shirt", (130, 200)),
                                 (baseline, "class_accuracy_trouser", (49, 50)),
                                 (regrouped, "group_accuracy_top", (39, 40))):
        low, high = wilson_interval(k, n)
        assert rows.loc[metric, "our 95% interval"] == f"[{low:.3f}, {high:.3f}]", metric
    assert baseline.loc["class_accuracy_shirt", "reproduced?"] == "yes"  # 0.645 in [0.58, 0.71]
    assert regrouped.loc["group_accuracy_bottom", "ours"] == "not recorded"


def test_repeats_count_one_test_set_per_repeat(tmp_path):
    record = Record("06_cnn_trials", params={}, dataset="fashion_mnist")
    for repeat, right in enumerate((80, 90)):
        y_true, y_prob = _predictions(100, right, seed=repeat)
        record.add_predictions("d_cnn", y_true, y_prob=y_prob, class_names=FASHION,
                               groups={"repeat": np.full(100, repeat)})
    record.add("d_cnn", {"test_accuracy": 0.85}, repeats=2)
    record.save(tmp_path)
    row = _rows(_table(tmp_path, "06_cnn_trials"), "d_cnn").loc["test_accuracy"]
    low, high = wilson_interval(85, 100)
    assert row["our 95% interval"] == f"[{low:.3f}, {high:.3f}]"


def test_rows_on_another_dataset_are_marked_and_not_asked_to_reproduce(tmp_path):
    _record(tmp_path, "01_optimizers", "fashion_mnist",
            {"sgd": {"test_accuracy": 0.8361}, "extra": {"test_accuracy": 0.5}})
    table = _table(tmp_path, "01_optimizers")
    sgd = _rows(table, "sgd").loc["test_accuracy"]
    assert sgd.ours == "0.836 (Fashion-MNIST)" and sgd.original == "0.692 (UTKFace race, course A)"
    assert sgd.dataset == "different dataset" and sgd["reproduced?"] == "—"
    assert "validation split, used for training in the original" in sgd.note
    extra = _rows(table, "extra").loc["test_accuracy"]
    assert extra.original == "—" and extra.dataset == "—"
    _record(tmp_path / "b", "01_optimizers", "utkface", {"sgd": {"test_accuracy": 0.7}})
    assert _rows(_table(tmp_path / "b", "01_optimizers"), "sgd").dataset.iloc[0] == "same dataset"


def test_an_original_can_compare_other_metrics_and_counts_must_be_equal(tmp_path):
    _record(tmp_path, "02_training_callbacks", "fashion_mnist",
            {"callbacks": {"test_accuracy": 0.9, "best_epoch": 7}})
    rows = _rows(_table(tmp_path, "02_training_callbacks"), "callbacks")
    assert rows.loc["best_epoch", "ours"] == "7 (Fashion-MNIST)"
    assert rows.loc["f1_macro", "ours"] == "not recorded"
    _record(tmp_path / "s", "08_rnn_sine", "sine", {"lstm": {"params": 7457},
                                                    "gru": {"params": 5000}})
    table = _table(tmp_path / "s", "08_rnn_sine")
    assert _rows(table, "lstm").loc["params", "reproduced?"] == "yes"
    assert _rows(table, "gru").loc["params", "reproduced?"] == "no"


def test_an_original_experiment_this_run_lacks_is_still_listed(tmp_path):
    _record(tmp_path, "07_augmentation", "fashion_mnist", {"none": {"test_accuracy": 0.9}})
    rows = _rows(_table(tmp_path, "07_augmentation"), "baseline_augmented")
    assert rows.loc["test_accuracy", "ours"] == "not in this run"
    assert rows.loc["test_accuracy", "original"] == "0.859 (Fashion-MNIST, course D)"
    assert rows.loc["test_accuracy", "dataset"] == "—"


# --- comparisons, choices and the page -----------------------------------------------------
def _comparison_record(folder):
    record = Record("07_augmentation", params={"dataset": "auto"}, dataset="fashion_mnist")
    record.add("baseline", {"val_accuracy": 0.88, "test_accuracy": 0.885})
    record.add("baseline_augmented", {"val_accuracy": 0.86, "test_accuracy": 0.859})
    record.add_comparison("augmentation", {"acc_a": 0.885, "acc_b": 0.859, "diff": -0.026,
                                           "ci_low": -0.041, "ci_high": -0.012,
                                           "mcnemar_p": 0.0004, "within_noise": False},
                          first="baseline", second="baseline_augmented")
    record.add_comparison("noise_scale", {"acc_a": 0.80, "acc_b": 0.81, "diff": 0.01,
                                          "ci_low": -0.02, "ci_high": 0.04,
                                          "mcnemar_p": 0.5, "within_noise": True},
                          first="noise_std_squared", second="noise_std")
    record.choose("best_augmentation", ["baseline", "baseline_augmented"])
    record.save(folder)


def test_every_recorded_comparison_is_shown_with_its_interval(tmp_path):
    _comparison_record(tmp_path / "results")
    records = load_records(tmp_path / "results")
    table = comparison_tables(records, load_originals())["07. Data augmentation"]
    rows = table.set_index("comparison")
    assert rows.loc["augmentation", "95% interval"] == "[-0.041, -0.012]"
    assert rows.loc["augmentation", "reading"] == "second lower"
    assert rows.loc["noise_scale", "reading"] == "within noise"
    text = write_results_page(tmp_path / "results", tmp_path).read_text()
    for name, comparison in records["07_augmentation"]["comparisons"].items():
        assert f"| {name} " in text
        assert f"[{comparison['ci_low']:+.3f}, {comparison['ci_high']:+.3f}]" in text
    assert "- best_augmentation: `baseline`, the highest val_accuracy among 2" in text
    assert "| 0.800 " in text  # as the page formats numbers, not re-parsed by tabulate (0.8)


def test_page_has_a_table_per_topic_sources_and_the_overview_figure(tmp_path):
    _record(tmp_path / "results", "01_optimizers", "digits", {"sgd": {"test_accuracy": 0.8}})
    _record(tmp_path / "results", "08_rnn_sine", "sine", {"lstm": {"params": 7457}})
    page = write_results_page(tmp_path / "results", tmp_path)
    text = page.read_text()
    assert "## 01. Optimizers" in text and "## 08. RNN sine fitting" in text
    assert "7,457 (sine)" in text and "0.800 (digits)" in text
    assert "- course D: Fashion-MNIST" in text and "- course E: CIFAR-10" in text
    assert "`src/course_utils/book/reference/originals.yml`" in text
    assert "experiments.md" not in text and "shared/" not in text
    assert (tmp_path / "results_overview.png").stat().st_size > 1000


def test_the_page_says_when_and_why_the_book_ran_on_digits(tmp_path):
    params = {"parameters": {"dataset": "auto"}}
    _record(tmp_path / "d", "01_optimizers", "digits", {"sgd": {"test_accuracy": 0.8}}, **params)
    _record(tmp_path / "d", "08_rnn_sine", "sine", {"lstm": {"params": 7457}})
    text = write_results_page(tmp_path / "d", tmp_path / "d").read_text()
    assert "This build ran on digits (01), sine (08)." in text
    assert "`dataset-fashion-mnist`" in text and "embedded 8x8 digits instead" in text
    _record(tmp_path / "f", "01_optimizers", "fashion_mnist", {"sgd": {"test_accuracy": 0.8}},
            **params)
    _record(tmp_path / "f", "10_fairness", "digits", {"x": {"test_accuracy": 0.8}}, **params)
    lines = datasets_sentence(load_records(tmp_path / "f"))
    assert lines == ["This build ran on Fashion-MNIST (01), digits (10)."]
