"""Results records: JSON and predictions CSV, written atomically."""

import json

import numpy as np
import pandas as pd
import pytest

from course_utils.book.records import Record, load_record
from course_utils.errors import ParameterError


def test_record_writes_json_with_parameters_and_metrics(results_tmp):
    rec = Record("01_optimizers", params={"seed": 3, "epochs": 2, "preset": "smoke"},
                 dataset="digits")
    rec.add("adam", {"test_accuracy": np.float32(0.5)}, wall_seconds=1.23456)
    rec.save()
    data = json.loads((results_tmp / "01_optimizers.json").read_text())
    assert data["seed"] == 3
    assert data["preset"] == "smoke"
    assert data["parameters"]["epochs"] == 2
    assert data["experiments"] == [
        {"experiment": "adam", "metrics": {"test_accuracy": 0.5}, "wall_seconds": 1.235}]
    assert "keras" in data["versions"] and data["device"].startswith(("CPU", "GPU"))
    assert load_record("01_optimizers")["dataset"] == "digits"


def test_predictions_csv_lets_a_reader_recompute_accuracy(results_tmp):
    rng = np.random.default_rng(0)
    prob = rng.dirichlet(np.ones(3), size=20)
    y_true = rng.integers(0, 3, size=20)
    rec = Record("05_evaluation", params={}, dataset="digits")
    rec.add("baseline", {"test_accuracy": float((prob.argmax(1) == y_true).mean())})
    rec.add_predictions("baseline", y_true, y_prob=prob, class_names=["a", "b", "c"],
                        groups={"group": ["g"] * 20})
    rec.save()
    frame = pd.read_csv(results_tmp / "05_evaluation-predictions.csv")
    assert list(frame.columns) == ["experiment", "y_true", "y_pred", "prob_a", "prob_b",
                                   "prob_c", "group"]
    recomputed = (frame.y_true == frame.y_pred).mean()
    assert recomputed == pytest.approx(load_record("05_evaluation")["experiments"][0]
                                       ["metrics"]["test_accuracy"])


def test_regression_predictions_keep_x(results_tmp):
    rec = Record("08_rnn_sine", params={}, dataset="sine")
    x = np.linspace(-1, 1, 5)
    rec.add_predictions("mlp", np.sin(x), np.sin(x) + 0.1, x=x)
    rec.save()
    frame = pd.read_csv(results_tmp / "08_rnn_sine-predictions.csv")
    assert np.allclose(frame.x, x) and np.allclose(frame.y_pred - frame.y_true, 0.1)


def test_duplicate_experiment_is_refused():
    rec = Record("01_optimizers", params={}, dataset="digits")
    rec.add("sgd", {})
    with pytest.raises(ParameterError, match=r"The 'experiment' parameter of Record.add must be a "
                                             r"name not already in the record of 01_optimizers\. "
                                             r"Got 'sgd' instead"):
        rec.add("sgd", {})


def test_mismatched_lengths_are_refused():
    rec = Record("01_optimizers", params={}, dataset="digits")
    with pytest.raises(ParameterError, match=r"'y_pred' parameter of Record.add_predictions must "
                                             r"be of the same length as y_true \(2 values\)"):
        rec.add_predictions("sgd", [0, 1], [0])


def test_save_leaves_no_temporary_files(results_tmp):
    rec = Record("01_optimizers", params={}, dataset="digits")
    rec.save()
    assert sorted(p.name for p in results_tmp.iterdir()) == ["01_optimizers.json"]


def test_missing_record_names_the_command(results_tmp):
    with pytest.raises(FileNotFoundError, match="course-book run 02_training_callbacks"):
        load_record("02_training_callbacks")


class _FakeRun:
    """Stands in for train.RunResult: a name, metrics and fixed test predictions."""

    def __init__(self, prob, data):
        self.name, self.data, self._prob = "sgd", data, prob
        self.metrics = {"train_accuracy": 0.9, "test_accuracy": -1.0}
        self.wall_seconds, self.params = 2.0, 10

    def probabilities(self, split):
        assert split == "test"
        return self._prob

    def accuracy(self, split):
        return float(np.mean(self.probabilities(split).argmax(axis=1) == self.data.y_test))


def _fake_data(y_test, attributes=None, task="classification"):
    from types import SimpleNamespace

    return SimpleNamespace(y_test=y_test, x_test=np.zeros((len(y_test), 1)),
                           class_names=("a", "b", "c"), task=task,
                           attributes=attributes or {})


def test_add_run_recomputes_test_accuracy_from_the_recorded_probabilities(results_tmp):
    prob = np.eye(3)[[0, 1, 2, 0]]
    y_test = np.array([0, 1, 0, 0])
    rec = Record("02_training_callbacks", params={}, dataset="digits")
    returned = rec.add_run(_FakeRun(prob, _fake_data(y_test)), metrics={"best_epoch": 4})
    rec.save()
    entry = load_record("02_training_callbacks")["experiments"][0]
    assert entry["experiment"] == "sgd" and entry["params"] == 10
    assert entry["metrics"] == {"train_accuracy": 0.9, "test_accuracy": 0.75, "best_epoch": 4}
    frame = pd.read_csv(results_tmp / "02_training_callbacks-predictions.csv")
    assert (frame.y_true == frame.y_pred).mean() == pytest.approx(0.75)
    assert returned is prob


def test_add_run_records_the_test_attributes_as_groups_but_not_paths(results_tmp):
    table = pd.DataFrame({"gender": ["f", "m"], "path": ["/x/1.jpg", "/x/2.jpg"]})
    rec = Record("03_loss_functions", params={}, dataset="utkface")
    rec.add_run(_FakeRun(np.eye(3)[[0, 1]], _fake_data(np.array([0, 1]), {"test": table})),
                experiment="mse")
    rec.save()
    frame = pd.read_csv(results_tmp / "03_loss_functions-predictions.csv")
    assert list(frame.experiment) == ["mse", "mse"]
    assert "gender" in frame.columns and "path" not in frame.columns


def test_add_runs_averages_repeats_and_recomputes_accuracy_from_every_row(results_tmp):
    y_test = np.array([0, 1, 0, 0])
    first, second = _FakeRun(np.eye(3)[[0, 1, 2, 0]], _fake_data(y_test)), _FakeRun(
        np.eye(3)[[1, 1, 1, 1]], _fake_data(y_test))
    second.metrics = {"train_accuracy": 0.7, "test_accuracy": -1.0}
    rec = Record("09_transfer_learning", params={}, dataset="digits")
    returned = rec.add_runs([first, second], experiment="scratch_n1",
                            metrics={"labels_per_class": 1})
    rec.save()
    entry = load_record("09_transfer_learning")["experiments"][0]
    assert entry["experiment"] == "scratch_n1" and entry["repeats"] == 2
    assert entry["wall_seconds"] == 4.0 and entry["params"] == 10
    assert entry["metrics"] == {"train_accuracy": pytest.approx(0.8), "test_accuracy": 0.5,
                                "labels_per_class": 1}
    frame = pd.read_csv(results_tmp / "09_transfer_learning-predictions.csv")
    assert frame.repeat.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert (frame.y_true == frame.y_pred).mean() == pytest.approx(0.5)
    assert len(returned) == 2


def test_add_runs_needs_a_run():
    rec = Record("09_transfer_learning", params={}, dataset="digits")
    with pytest.raises(ParameterError, match=r"The 'results' parameter of Record.add_runs must be "
                                             r"a sequence of at least one run\. Got \[\] instead"):
        rec.add_runs([], experiment="scratch")


def test_choose_picks_on_validation_and_records_the_choice(results_tmp):
    from course_utils.book import Record, load_record

    record = Record("99_choice", params={"seed": 0}, dataset="digits")
    record.add("a", {"val_accuracy": 0.70, "test_accuracy": 0.99})
    record.add("b", {"val_accuracy": 0.90, "test_accuracy": 0.50})
    record.add("c", {"val_accuracy": 0.90, "test_accuracy": 0.60})
    assert record.choose("best", ["a", "b", "c"]) == "b"  # not the test winner; ties: first
    assert record.choose("lowest_loss", ["a", "b"], metric="val_accuracy",
                         higher_is_better=False) == "a"
    with pytest.raises(ParameterError, match="must be a validation metric"):
        record.choose("cheat", ["a", "b"], metric="test_accuracy")
    with pytest.raises(ParameterError, match="experiments already added"):
        record.choose("typo", ["a", "z"])
    record.save()
    saved = load_record("99_choice")
    assert saved["choices"]["best"] == {"winner": "b", "metric": "val_accuracy",
                                        "among": ["a", "b", "c"], "higher_is_better": True}


# --- the details a saved record depends on (found by mutation testing) ---------------------


class _Attributes(dict):
    """``data.attributes``: ``{split: DataFrame}``."""


def _data(y_test, *, task="classification", attributes=None, x_test=None):
    from types import SimpleNamespace

    return SimpleNamespace(y_test=np.asarray(y_test),
                           x_test=np.zeros((len(y_test), 1)) if x_test is None else x_test,
                           class_names=("a", "b", "c"), task=task,
                           attributes=attributes if attributes is not None else {})


class _Run:
    def __init__(self, values, data, name="run", wall_seconds=1.5, params=3, metrics=None):
        self.name, self.data, self._values = name, data, np.asarray(values)
        self.wall_seconds, self.params = wall_seconds, params
        self.metrics = metrics if metrics is not None else {"train_loss": 0.5}

    def probabilities(self, split):
        assert split == "test"
        return self._values

    def accuracy(self, split):
        return float(np.mean(self.probabilities(split).argmax(axis=1) == self.data.y_test))


def _saved(record, tmp_path):
    record.save(tmp_path)
    frame_path = tmp_path / f"{record.notebook}-predictions.csv"
    frame = pd.read_csv(frame_path) if frame_path.is_file() else None
    return load_record(record.notebook, tmp_path), frame


def test_a_record_refuses_a_notebook_that_is_not_a_stem():
    for bad in ("", "notebooks/01_optimizers", 1, "a/"):
        with pytest.raises(ParameterError) as caught:
            Record(bad, params={}, dataset="digits")
        assert str(caught.value) == (
            "The 'notebook' parameter of Record must be a notebook stem such as "
            f"'01_optimizers'. Got {bad!r} instead.")
    assert Record("01_optimizers", params={"preset": "smoke"}, dataset="d").preset == "smoke"
    assert Record("01_optimizers", params={"preset": "smoke"}, dataset="d",
                  preset="quick").preset == "quick"


def test_a_duplicate_experiment_names_the_fix():
    record = Record("demo", params={}, dataset="d")
    record.add("a", {"x": 1})
    with pytest.raises(ParameterError) as caught:
        record.add("a", {"x": 2})
    assert str(caught.value) == ("The 'experiment' parameter of Record.add must be a name not "
                                 "already in the record of demo. Got 'a' instead. Give each "
                                 "variant a distinct name.")


def test_add_keeps_info_rounds_seconds_and_plain_values(tmp_path):
    record = Record("demo", params={"seed": np.int64(3), "sizes": (8, 16),
                                    "where": tmp_path / "x", "grid": np.array([1.5, 2.5])},
                    dataset="d")
    record.add("a", {"acc": np.float32(0.5), "nan": float("nan"), "list": [np.int64(1)]},
               wall_seconds=1.23456, params=np.int64(7), note=("x", np.float64(2.0)))
    record.add("b", {})
    saved, _ = _saved(record, tmp_path)
    first, second = saved["experiments"]
    assert first == {"experiment": "a", "metrics": {"acc": 0.5, "nan": None, "list": [1]},
                     "wall_seconds": 1.235, "params": 7, "note": ["x", 2.0]}
    assert second == {"experiment": "b", "metrics": {}}
    assert saved["seed"] == 3 and saved["parameters"] == {
        "seed": 3, "sizes": [8, 16], "where": str(tmp_path / "x"), "grid": [1.5, 2.5]}
    assert saved["notebook"] == "demo" and saved["dataset"] == "d" and saved["preset"] is None
    assert saved["choices"] == {} and saved["comparisons"] == {}
    assert set(saved) >= {"wall_seconds", "device", "versions", "created"}


def test_add_predictions_needs_predictions_or_probabilities_of_matching_length():
    record = Record("demo", params={}, dataset="d")
    with pytest.raises(ParameterError) as caught:
        record.add_predictions("a", [0, 1])
    assert str(caught.value) == ("The 'y_pred' parameter of Record.add_predictions must be "
                                 "given when y_prob is not. Got None instead.")
    with pytest.raises(ParameterError) as caught:
        record.add_predictions("a", [0, 1], [0])
    assert str(caught.value) == ("The 'y_pred' parameter of Record.add_predictions must be of "
                                 "the same length as y_true (2 values). Got '1 values' instead.")
    with pytest.raises(ParameterError) as caught:
        record.add_predictions("a", [0, 1], y_prob=np.eye(3)[[0, 1]], class_names=["a", "b"])
    assert str(caught.value) == ("The 'class_names' parameter of Record.add_predictions must "
                                 "be 3 names, one per column of y_prob. Got ['a', 'b'] "
                                 "instead.")


def test_add_predictions_writes_probability_columns_and_inputs(tmp_path):
    record = Record("demo", params={}, dataset="d")
    record.add_predictions("p", [0, 1, 1], y_prob=[[0.9, 0.1, 0.0], [0.2, 0.3, 0.5],
                                                  [0.1, 0.8, 0.1]])
    record.add_predictions("binary", [0, 1], y_prob=np.array([0.25, 0.75]),
                           class_names=["no", "yes"], groups={"g": ["u", "v"]})
    record.add_predictions("reg", [0.5, 1.5], [0.25, 1.0], x=np.array([[1.0, 2.0], [3.0, 4.0]]))
    _, frame = _saved(record, tmp_path)
    p = frame[frame.experiment == "p"]
    assert p.y_pred.tolist() == [0, 2, 1]
    assert p[["prob_0", "prob_1", "prob_2"]].to_numpy().tolist() == [
        [0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.1, 0.8, 0.1]]
    binary = frame[frame.experiment == "binary"]
    assert binary[["prob_no", "prob_yes"]].to_numpy().tolist() == [[0.75, 0.25], [0.25, 0.75]]
    assert binary.y_pred.tolist() == [0, 1] and binary.g.tolist() == ["u", "v"]
    reg = frame[frame.experiment == "reg"]
    assert reg.x.tolist() == [2.0, 4.0] and reg.y_pred.tolist() == [0.25, 1.0]
    assert list(frame.columns[:4]) == ["experiment", "y_true", "y_pred", "prob_0"]


def test_add_run_of_a_regression_records_values_inputs_and_groups(tmp_path):
    table = pd.DataFrame({"region": ["in", "out"], "path": ["/a", "/b"]})
    data = _data([0.5, 1.0], task="regression", attributes={"test": table},
                 x_test=np.array([[0.1], [0.2]]))
    record = Record("demo", params={}, dataset="sine")
    returned = record.add_run(_Run([0.25, 1.5], data, name="lstm"), metrics={"mse": 0.1},
                              kind="rnn")
    saved, frame = _saved(record, tmp_path)
    assert returned.tolist() == [0.25, 1.5]
    assert frame.to_dict("list") == {"experiment": ["lstm", "lstm"], "x": [0.1, 0.2],
                                     "y_true": [0.5, 1.0], "y_pred": [0.25, 1.5],
                                     "region": ["in", "out"]}
    assert saved["experiments"] == [{"experiment": "lstm",
                                     "metrics": {"train_loss": 0.5, "mse": 0.1},
                                     "wall_seconds": 1.5, "params": 3, "kind": "rnn"}]


def test_add_run_names_classes_and_works_without_attributes(tmp_path):
    from types import SimpleNamespace

    data = SimpleNamespace(y_test=np.array([0, 2]), x_test=np.zeros((2, 1)),
                           class_names=("a", "b", "c"), task="classification")
    record = Record("demo", params={}, dataset="d")
    record.add_run(_Run(np.eye(3)[[0, 1]], data), groups=None)
    saved, frame = _saved(record, tmp_path)
    assert list(frame.columns) == ["experiment", "y_true", "y_pred", "prob_a", "prob_b",
                                   "prob_c"]
    assert saved["experiments"][0]["metrics"]["test_accuracy"] == 0.5


def test_add_runs_of_regressions_and_with_attributes(tmp_path):
    table = pd.DataFrame({"group": ["x", "y"], "path": ["/a", "/b"]})
    data = _data([1.0, 2.0], task="regression", attributes={"test": table},
                 x_test=np.array([[3.0], [4.0]]))
    runs = [_Run([1.0, 2.5], data, metrics={"loss": 1.0, "only_first": 1.0}),
            _Run([1.5, 2.0], data, metrics={"loss": 3.0})]
    record = Record("demo", params={}, dataset="d")
    record.add_runs(runs, experiment="rep", metrics={"k": 2}, note="x")
    saved, frame = _saved(record, tmp_path)
    assert frame.to_dict("list") == {
        "experiment": ["rep"] * 4, "x": [3.0, 4.0, 3.0, 4.0], "y_true": [1.0, 2.0, 1.0, 2.0],
        "y_pred": [1.0, 2.5, 1.5, 2.0], "group": ["x", "y", "x", "y"], "repeat": [0, 0, 1, 1]}
    assert saved["experiments"] == [{"experiment": "rep", "metrics": {"loss": 2.0, "k": 2},
                                     "wall_seconds": 3.0, "params": 3, "repeats": 2,
                                     "note": "x"}]
    classified = Record("demo2", params={}, dataset="d")
    classified.add_runs([_Run(np.eye(3)[[0, 1]], _data([0, 1]))], experiment="c")
    _, frame = _saved(classified, tmp_path)
    assert list(frame.columns) == ["experiment", "y_true", "y_pred", "prob_a", "prob_b",
                                   "prob_c", "repeat"]
    with pytest.raises(ParameterError) as caught:
        classified.add_runs([], experiment="none")
    assert str(caught.value).endswith("Got [] instead. (experiment 'none')")


def test_choose_refusals_name_the_method_and_the_fix():
    record = Record("demo", params={}, dataset="d")
    record.add("a", {"val_accuracy": 0.5, "val_loss": 0.7})
    record.add("b", {"val_accuracy": 0.5, "val_loss": 0.2})
    with pytest.raises(ParameterError) as caught:
        record.choose("best", ["a"], metric="test_accuracy")
    assert str(caught.value) == (
        "The 'metric' parameter of Record.choose must be a validation metric ('val_...'). Got "
        "'test_accuracy' instead. Choose on validation; report the test score of the choice.")
    for among in ([], ["a", "z"]):
        with pytest.raises(ParameterError) as caught:
            record.choose("best", among)
        assert str(caught.value) == ("The 'among' parameter of Record.choose must be "
                                     f"experiments already added to the record. Got {among} "
                                     "instead.")
    assert record.choose("best", ("b", "a")) == "b"  # a tie goes to the first candidate
    assert record.choose("low", ["a", "b"], metric="val_loss", higher_is_better=False) == "b"
    assert record.choices["low"] == {"winner": "b", "metric": "val_loss", "among": ["a", "b"],
                                     "higher_is_better": False}
    assert record.choices["best"]["among"] == ["b", "a"]


def test_add_comparison_keeps_plain_numbers_beside_the_two_names(tmp_path):
    record = Record("demo", params={}, dataset="d")
    record.add_comparison("c", {"diff": np.float64(0.25), "n01": np.int64(3),
                                "within_noise": np.bool_(True)}, first="a", second="b")
    saved, frame = _saved(record, tmp_path)
    assert saved["comparisons"] == {"c": {"first": "a", "second": "b", "diff": 0.25, "n01": 3,
                                          "within_noise": True}}
    assert frame is None


def test_saving_without_predictions_removes_an_old_predictions_file(tmp_path, capsys):
    old = tmp_path / "demo-predictions.csv"
    old.write_text("stale")
    record = Record("demo", params={}, dataset="d")
    record.add("a", {})
    record.save(tmp_path)
    assert not old.exists()
    assert capsys.readouterr().out == "Recorded 1 experiments in results/: demo.json\n"
    record.add_predictions("a", [0], [0])
    record.save(tmp_path)
    assert capsys.readouterr().out == ("Recorded 1 experiments in results/: demo.json, "
                                       "demo-predictions.csv\n")
    assert old.read_text() == "experiment,y_true,y_pred\na,0,0\n"


def test_load_record_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        load_record("demo", tmp_path)
    assert str(caught.value) == (f"No results record at {tmp_path / 'demo.json'}; run "
                                 "`course-book run demo` first.")


def test_for_notebook_takes_the_parameters_cell_names_from_the_namespace(tmp_path, monkeypatch):
    import nbformat

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "_toc.yml").write_text("root: intro\n")
    cells = [nbformat.v4.new_code_cell("seed = 0\nepochs = 2\npreset = 'quick'",
                                       metadata={"tags": ["parameters"]})]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "notebooks" / "demo.ipynb")
    monkeypatch.chdir(tmp_path)
    record = Record.for_notebook("demo", {"seed": 4, "preset": "smoke", "other": 1},
                                 dataset="digits")
    assert (record.notebook, record.dataset) == ("demo", "digits")
    assert record.params == {"seed": 4, "preset": "smoke"} and record.preset == "smoke"
    assert Record.for_notebook("missing", {"seed": 1}, dataset="d").params == {}


def test_a_record_times_itself_and_stamps_its_creation(monkeypatch):
    import re
    import time

    from course_utils.book import records

    monkeypatch.setattr(records, "device_name", lambda: "CPU")
    record = Record("demo", params={}, dataset="d")
    record._started = time.perf_counter() - 10.23456
    saved = record.to_dict()
    assert 10.234 <= saved["wall_seconds"] < 60 and saved["wall_seconds"] == round(
        saved["wall_seconds"], 3)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", saved["created"])


def test_add_runs_of_classifiers_names_rows_and_returns_each_runs_values(tmp_path):
    from types import SimpleNamespace

    plain = SimpleNamespace(y_test=np.array([0, 1]), x_test=np.zeros((2, 1)),
                            class_names=("a", "b"), task="classification")
    runs = [_Run(np.eye(2)[[0, 1]], plain), _Run(np.eye(2)[[1, 1]], plain)]
    record = Record("demo", params={}, dataset="d")
    returned = record.add_runs(runs, experiment="rep")
    _, frame = _saved(record, tmp_path)
    assert [r.tolist() for r in returned] == [[[1, 0], [0, 1]], [[0, 1], [0, 1]]]
    assert frame.experiment.tolist() == ["rep"] * 4 and frame.repeat.tolist() == [0, 0, 1, 1]
    assert record.experiments[0]["metrics"]["test_accuracy"] == 0.75


def test_integer_probabilities_are_saved_as_floats(tmp_path):
    record = Record("demo", params={}, dataset="d")
    record.add_predictions("p", [0, 1], y_prob=[[1, 0], [0, 1]])
    record.save(tmp_path)
    assert (tmp_path / "demo-predictions.csv").read_text().splitlines()[1] == "p,0,0,1.0,0.0"


def test_add_run_records_the_epochs_the_run_trained(results_tmp):
    run = _FakeRun(np.eye(3)[[0, 1]], _fake_data(np.array([0, 1])))
    rec = Record("02_training_callbacks", params={"epochs": 20}, dataset="digits")
    rec.add_run(run, experiment="no_epochs")  # a result without stopped_epoch adds none
    run.stopped_epoch = 4  # e.g. early stopping ended it before the notebook's `epochs`
    rec.add_run(run, experiment="stopped")
    rec.add_run(run, experiment="given", epochs_run=2)
    entries = {e["experiment"]: e for e in rec.experiments}
    assert "epochs_run" not in entries["no_epochs"]
    assert entries["stopped"]["epochs_run"] == 4 and entries["given"]["epochs_run"] == 2
