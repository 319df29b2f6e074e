"""Staged results: a run writes into its own folder; only a good run is promoted.

The runner points ``$COURSE_BOOK_RESULTS`` at ``results/.staging/<notebook>/``
while the notebook runs, so the record, the predictions and anything else the
notebook saves land there. When the run succeeded and wrote its record,
:func:`promote` moves every staged file into ``results/`` (each by a rename),
removes what the notebook's last run left and this one did not write (an old
predictions file, say), and finally renames the executed copy into place. A
failed run promotes nothing, so the last good run's executed copy, record and
predictions stay byte for byte as they were; its staged files are kept for
inspection until the notebook's next run.

Example
-------
>>> import tempfile
>>> layout = Layout.default(Path(tempfile.mkdtemp()))
>>> staged = fresh_staging(layout, "nb")
>>> _ = (staged / "nb.json").write_text("{}")
>>> copy = layout.executed_dir / ".nb.running.ipynb"
>>> copy.parent.mkdir(parents=True)
>>> _ = copy.write_text("{}")
>>> promote(layout, "nb", copy)
>>> sorted(p.name for p in layout.results_dir.iterdir()), layout.executed("nb").is_file()
(['nb.json'], True)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .layout import Layout

__all__ = ["fresh_staging", "owned_results", "promote"]


def fresh_staging(layout: Layout, name: str) -> Path:
    """Return an empty staging folder for a run of ``name`` (leftovers removed)."""
    staged = layout.staging(name)
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    return staged


def owned_results(results_dir: Path, name: str) -> list[Path]:
    """The entries of ``results_dir`` that belong to notebook ``name``.

    Its record ``<name>.json``, its predictions ``<name>-predictions.*`` and
    its folder ``<name>/`` (checkpoints, histories).
    """
    candidates = [results_dir / f"{name}.json", results_dir / name,
                  *results_dir.glob(f"{name}-predictions.*")]
    return [path for path in candidates if path.exists()]


def _replace(source: Path, target: Path, spare: Path) -> None:
    """Rename ``source`` over ``target``; a folder target is moved to ``spare`` first."""
    if target.is_dir() and not target.is_symlink():
        if spare.exists():
            shutil.rmtree(spare)
        os.replace(target, spare)
        os.replace(source, target)
        shutil.rmtree(spare)
    else:
        os.replace(source, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def promote(layout: Layout, name: str, copy: Path) -> None:
    """Move the staged results of ``name`` into place, then its executed ``copy``.

    Each file moves by one rename, and the executed copy goes last; should the
    promotion stop half-way, the executed copy's stamp and the record's no
    longer agree and the next run executes the notebook again.
    """
    staged = layout.staging(name)
    results = layout.results_dir
    results.mkdir(parents=True, exist_ok=True)
    written = sorted(staged.iterdir())
    spare = staged.parent / f".{name}.replaced"
    for entry in written:
        _replace(entry, results / entry.name, spare)
    names = {entry.name for entry in written}
    for stale in owned_results(results, name):
        if stale.name not in names:
            _remove(stale)
    layout.executed_dir.mkdir(parents=True, exist_ok=True)
    os.replace(copy, layout.executed(name))
    shutil.rmtree(staged)
    try:
        staged.parent.rmdir()  # the last run to finish removes the empty .staging folder
    except OSError:
        pass
