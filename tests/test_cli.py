"""The course-book command line: help, entry points, light imports."""

import subprocess
import sys

from course_utils import cli


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


def test_unknown_preset_exits_2_with_the_valid_ones(capsys):
    assert cli.main(["run", "01_optimizers", "--preset", "huge"]) == 2
    assert "Valid presets: smoke, quick, full" in capsys.readouterr().err
