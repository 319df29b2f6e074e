"""Where a book's sources, presets, executed copies and results live.

Example
-------
>>> layout = Layout.default(Path("/project"), results_dir=Path("/project/results"))
>>> layout.source("01_optimizers").as_posix()
'/project/notebooks/01_optimizers.ipynb'
>>> layout.executed("01_optimizers").relative_to(layout.root).as_posix()
'book/_executed/01_optimizers.ipynb'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import project_root

__all__ = ["Layout"]


@dataclass(frozen=True)
class Layout:
    """Where sources, presets, executed copies and results live.

    Parameters
    ----------
    root : Path
        The project folder (the one holding ``_toc.yml``).
    executed_dir : Path
        Where executed copies go (``book/_executed`` by default).
    results_dir : Path
        Where results records go (``results`` by default).
    """

    root: Path
    executed_dir: Path
    results_dir: Path
    #: ``(notebook, run id)`` for the layout of one run beside the page, else None.
    run: tuple[str, str] | None = None

    @classmethod
    def default(cls, root: Path | None = None, *, executed_dir: Path | None = None,
                results_dir: Path | None = None) -> Layout:
        """The project's layout: ``root`` (default: found from here) and its usual folders.

        ``results_dir`` defaults to ``$COURSE_BOOK_RESULTS`` when set, else
        ``<root>/results``.
        """
        root = Path(root) if root is not None else project_root()
        return cls(root=root,
                   executed_dir=Path(executed_dir or root / "book" / "_executed"),
                   results_dir=Path(results_dir or os.environ.get("COURSE_BOOK_RESULTS")
                                    or root / "results"))

    def for_run(self, name: str, run_id: str) -> Layout:
        """The layout of one run of ``name`` beside its page: everything it writes
        (executed copy, record, predictions, log) goes to
        ``<results>/runs/<name>/<run id>/``.

        >>> Layout.default(Path("/p")).for_run("01_optimizers", "smoke+seed=1").executed_dir
        PosixPath('/p/results/runs/01_optimizers/smoke+seed=1')
        """
        folder = self.runs_dir / name / run_id
        return Layout(root=self.root, executed_dir=folder, results_dir=folder,
                      run=(name, run_id))

    @property
    def runs_dir(self) -> Path:
        """Where runs beside the pages live: ``<results>/runs/<notebook>/<run id>/``."""
        return self.results_dir / "runs"

    @property
    def sweeps_dir(self) -> Path:
        """Where each sweep's manifest lives: ``<results>/sweeps/<sweep id>.json``."""
        return self.results_dir / "sweeps"

    @property
    def notebooks_dir(self) -> Path:
        """The topic notebooks' sources: ``<root>/notebooks``."""
        return self.root / "notebooks"

    @property
    def presets_file(self) -> Path:
        """The presets of every notebook: ``notebooks/presets.yml``."""
        return self.notebooks_dir / "presets.yml"

    def source(self, name: str) -> Path:
        """The source notebook ``notebooks/<name>.ipynb``."""
        return self.notebooks_dir / f"{name}.ipynb"

    def executed(self, name: str) -> Path:
        """The executed copy the book publishes."""
        return self.executed_dir / f"{name}.ipynb"

    def log(self, name: str) -> Path:
        """The kernel's own output (stderr: TensorFlow's C++ start-up lines and
        warnings) of the notebook's last run: ``<executed>/logs/<name>.log``."""
        return self.executed_dir / "logs" / f"{name}.log"

    def failed(self, name: str) -> Path:
        """Where the copy of a failed run is kept for inspection."""
        return self.executed_dir / "failed" / f"{name}.ipynb"

    def staging(self, name: str) -> Path:
        """The folder a run writes its results into before they are promoted."""
        return self.results_dir / ".staging" / name
