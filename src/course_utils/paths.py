"""Where the project, its results and its data live.

Notebooks run from ``notebooks/`` in Jupyter and from the project root under
the runner; both find the same folders through these functions.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "results_dir", "resolve_path", "keras_home"]

_MARKER = "_toc.yml"


def project_root(start: str | os.PathLike | None = None) -> Path:
    """Return the folder holding ``_toc.yml``, searching upward from ``start``.

    Falls back to ``start`` (default: the working directory) when no such
    folder exists, so the package also works outside a checkout.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / _MARKER).is_file():
            return folder
    return here


def results_dir() -> Path:
    """Return the folder results records go to.

    ``$COURSE_BOOK_RESULTS`` when set (the runner sets it), else
    ``<project root>/results``.
    """
    env = os.environ.get("COURSE_BOOK_RESULTS")
    return Path(env) if env else project_root() / "results"


def resolve_path(path: str | os.PathLike) -> Path:
    """Return ``path`` as given if it exists, else relative to the project root.

    This lets ``data_dir="data/UTKFace"`` work from the project root and from
    ``notebooks/`` alike.
    """
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return given
    return project_root() / given

def keras_home() -> Path:
    """The Keras home folder, as ``keras.utils.get_file`` finds it.

    ``$KERAS_HOME`` when set, else ``~/.keras``, else ``/tmp/.keras`` when home
    is not writable.
    """
    if "KERAS_HOME" in os.environ:
        home = Path(os.environ["KERAS_HOME"]).expanduser()
    else:
        base = Path("~").expanduser()
        home = (base if os.access(base, os.W_OK) else Path("/tmp")) / ".keras"
    if home.exists() and not os.access(home, os.W_OK):
        home = Path("/tmp") / ".keras"
    return home
