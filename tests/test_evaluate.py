"""Tests for the course_utils.evaluate room: its exports and what importing it costs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import course_utils.evaluate as evaluate

#: Every name the flat ``evaluate`` module exported before the room was split.
OLD_NAMES = ["metrics_table", "scores", "per_class_accuracy", "confusion", "roc_curves",
             "roc_auc_from_labels", "top_confused_pairs", "regression_table", "train_val_gap",
             "change_from", "tsne_embed", "SCORE_NAMES"]


def test_all_is_a_literal_list_that_keeps_every_old_name():
    source = Path(evaluate.__file__).read_text(encoding="utf-8")
    (declared,) = [node.value for node in ast.parse(source).body
                   if isinstance(node, ast.Assign) and node.targets[0].id == "__all__"]
    names = ast.literal_eval(declared)
    assert isinstance(names, list) and sorted(names) == sorted(evaluate.__all__)
    assert set(OLD_NAMES) <= set(names)
    assert all(hasattr(evaluate, name) for name in names)


def test_importing_evaluate_does_not_import_tensorflow_or_keras():
    code = ("import sys, course_utils.evaluate; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
