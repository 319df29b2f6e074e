"""course_utils: the library behind the lab book's notebooks.

Three layers, imports pointing one way (``tests/test_layers.py`` enforces it):

- the base: :mod:`~course_utils.errors`, :mod:`~course_utils.paths`, ``_checks``;
- the core rooms every lesson shares: :mod:`~course_utils.data`,
  :mod:`~course_utils.models`, :mod:`~course_utils.train`,
  :mod:`~course_utils.evaluate`, :mod:`~course_utils.augment`,
  :mod:`~course_utils.plots`, :mod:`~course_utils.fairness`;
- :mod:`~course_utils.lessons`, one module per notebook that needs code of its
  own, and :mod:`~course_utils.book`, which runs and publishes the book.

The top-level names are the public names of the rooms (each room's
``__all__``) plus the notebook-facing part of ``book`` (records, glue,
verdicts). They are read from the rooms' source without importing them and load
on first use, so that ``course-book --help`` and the records API do not pay for
importing TensorFlow.

Example
-------
>>> from course_utils import load_dataset, Record, verdict
>>> load_dataset("digits", limit=50).num_classes
10
>>> verdict(0.0)
'made no difference'
"""

import ast
from importlib import import_module
from pathlib import Path

from .errors import CourseUtilsError as CourseUtilsError
from .errors import DatasetError as DatasetError
from .errors import ParameterError as ParameterError

__version__ = "0.1.0"

#: Where the top-level names come from, in order: the base's public module, the
#: core rooms, then ``book`` (whose ``__all__`` holds only what notebooks use).
ROOMS = ("paths", "data", "models", "train", "evaluate", "augment", "plots", "fairness", "book")


def _declared_all(room: str) -> list[str]:
    """The string literals of ``room``'s ``__all__``, read with ``ast`` (no import)."""
    here = Path(__file__).parent
    source = here / room / "__init__.py"
    if not source.exists():
        source = here / f"{room}.py"
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            try:
                return list(ast.literal_eval(node.value))
            except ValueError:
                raise ImportError(
                    f"course_utils.{room}.__all__ must be a literal list of names"
                ) from None
    raise ImportError(f"course_utils.{room} declares no __all__ list")


def _export_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for room in ROOMS:
        for name in _declared_all(room):
            if name in table:
                raise ImportError(
                    f"course_utils: {name!r} is exported by both {table[name]!r} and {room!r}"
                )
            table[name] = room
    return table


_BASE_NAMES = ["CourseUtilsError", "DatasetError", "ParameterError", "__version__"]
_lazy: dict[str, str] = {}


def _table() -> dict[str, str]:
    # Built on first use, so that importing one submodule (course_utils.errors,
    # course_utils.book.cli) reads no other room's source.
    if not _lazy:
        _lazy.update(_export_table())
    return _lazy


def __getattr__(name):
    if name == "__all__":
        return [*_BASE_NAMES, *_table()]
    if name in _table():
        value = getattr(import_module(f".{_table()[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")


def __dir__():
    return sorted([*_BASE_NAMES, *_table()])
