"""The results page: records beside the original figures."""

import json

from course_utils.book.results_page import load_originals, results_tables, write_results_page


def _record(folder, notebook, dataset, experiments):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.json").write_text(json.dumps({
        "notebook": notebook, "dataset": dataset,
        "experiments": [{"experiment": name, "metrics": metrics}
                        for name, metrics in experiments.items()]}))


def test_originals_name_their_source_and_datasets():
    originals = load_originals()
    assert "experiments A-E" in originals["source"]
    sgd = originals["notebooks"]["01_optimizers"]["experiments"]["sgd"]
    assert sgd["value"] == 0.692 and sgd["dataset"] == "UTKFace race"


def test_rows_pair_our_metric_with_the_original_and_flag_other_datasets(tmp_path):
    _record(tmp_path, "01_optimizers", "digits",
            {"sgd": {"test_accuracy": 0.8361}, "extra": {"test_accuracy": 0.5}})
    _record(tmp_path / "b", "01_optimizers", "utkface", {"sgd": {"test_accuracy": 0.7}})
    from course_utils.book.results_page import load_records

    table = results_tables(load_records(tmp_path), load_originals())["01. Optimizers"]
    sgd = table.set_index("experiment").loc["sgd"]
    assert sgd.ours == "0.836 (digits)" and sgd.original == "0.692 (UTKFace race)"
    assert "different dataset" in sgd.note
    assert table.set_index("experiment").loc["extra"].original == "—"
    same = results_tables(load_records(tmp_path / "b"), load_originals())["01. Optimizers"]
    assert "different dataset" not in same.note.iloc[0]


def test_an_original_figure_can_compare_another_metric_of_an_experiment(tmp_path):
    _record(tmp_path, "02_training_callbacks", "digits",
            {"callbacks": {"test_accuracy": 0.9, "best_epoch": 7}})
    from course_utils.book.results_page import load_records

    table = results_tables(load_records(tmp_path), load_originals())["02. Epochs and callbacks"]
    assert sorted(table.metric) == ["best_epoch", "test_accuracy"]
    assert "7 (digits)" in set(table.ours)


def test_page_has_a_table_per_topic_and_the_overview_figure(tmp_path):
    _record(tmp_path / "results", "01_optimizers", "digits", {"sgd": {"test_accuracy": 0.8}})
    _record(tmp_path / "results", "08_rnn_sine", "sine", {"lstm": {"params": 7457}})
    page = write_results_page(tmp_path / "results", tmp_path)
    text = page.read_text()
    assert "## 01. Optimizers" in text and "## 08. RNN sine fitting" in text
    assert "7,457 (sine)" in text
    assert (tmp_path / "results_overview.png").stat().st_size > 1000
