"""The course-book command line: help, entry points, light imports, defaults."""

import inspect
import subprocess
import sys

from course_utils.book import cli
from course_utils.book.runner import plan_runs


def test_help_lists_the_commands(capsys):
    try:
        cli.main(["--help"])
    except SystemExit as exit:
        assert exit.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("list", "run", "build"))


def test_module_entry_point_answers_without_importing_tensorflow():
    code = ("import sys, runpy; sys.argv = ['course-book', 'run', '--help']\n"
            "try:\n    runpy.run_module('course_utils', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('tensorflow' in sys.modules, 'papermill' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert "--preset" in done.stdout and "--jobs" in done.stdout
    assert done.stdout.strip().endswith("False False")


def test_importing_the_book_names_stays_light():
    heavy = ["tensorflow", "keras", "papermill", "jupyter_book", "sphinx", "matplotlib",
             "pandas", "course_utils.book.runner", "course_utils.book.build"]
    code = ("import sys\nfrom course_utils.book import Record, glue, verdict\n"
            f"print([m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_the_default_preset_is_quick(capsys):
    args = cli.build_parser().parse_args(["run"])
    assert args.preset == cli.DEFAULT_PRESET == "quick"
    assert inspect.signature(plan_runs).parameters["preset"].default == "quick"
    try:
        cli.main(["run", "--help"])
    except SystemExit:
        pass
    assert "(default: quick)" in capsys.readouterr().out


def test_unknown_preset_exits_2_with_the_valid_ones(capsys):
    assert cli.main(["run", "01_optimizers", "--preset", "huge"]) == 2
    err = capsys.readouterr().err
    assert "The 'preset' parameter of plan_runs must be one of ['smoke', 'quick', 'full']" in err
