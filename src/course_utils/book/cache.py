"""The execution cache: a fingerprint of everything a run depends on.

A run's fingerprint hashes

- the notebook's source (``notebooks/<name>.ipynb``),
- the preset's name, every parameter value in force and the Keras backend,
- the library's source (every ``.py`` and ``.yml`` file of ``course_utils``),
- the data folder (``data_dir``): every file's path, size and modification time.

A good run stamps it into the executed copy's metadata and into the results
record; the next run of the same plan is skipped only when both stamps equal
its fingerprint, so any change to any of these inputs (or a tampered stamp)
makes the notebook execute again.

Example
-------
>>> data_digest(None, Path("."))
'embedded'
>>> len(package_digest())
64
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .layout import Layout

__all__ = ["LIBRARY", "META_KEY", "package_digest", "data_digest", "fingerprint", "is_cached"]

#: The library whose source the fingerprint covers: the ``course_utils`` package.
LIBRARY = Path(__file__).resolve().parents[1]
#: The key of the runner's stamp in an executed copy's notebook metadata.
META_KEY = "lab_book"


def package_digest(folder: Path | None = None) -> str:
    """Hash of the library's sources (``.py`` and ``.yml``, by relative path and content).

    ``folder`` defaults to :data:`LIBRARY`.
    """
    folder = Path(folder) if folder is not None else LIBRARY
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.suffix in {".py", ".yml"} and path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def data_digest(data_dir: Any, root: Path) -> str:
    """Names, sizes and modification times of every file under ``data_dir``.

    ``"embedded"`` when ``data_dir`` is empty (the notebook uses embedded
    data); a relative ``data_dir`` that does not exist here is taken relative
    to ``root``.
    """
    if not data_dir:
        return "embedded"
    folder = Path(str(data_dir)).expanduser()
    folder = folder if folder.is_absolute() or folder.exists() else root / folder
    if not folder.exists():
        return f"missing:{folder}"
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for filename in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, filename))
            digest.update(f"{dirpath}/{filename}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def fingerprint(name: str, preset: str, parameters: Mapping[str, Any], layout: Layout, *,
                library: str | None = None, backend: str = "tensorflow") -> str:
    """Return the fingerprint of running notebook ``name`` with these values.

    Parameters
    ----------
    name, preset : str
        The notebook's stem and the preset's name.
    parameters : mapping
        Every parameter value in force (defaults, preset, overrides).
    layout : Layout
        Where the notebook's source is.
    library : str, optional
        A precomputed :func:`package_digest` (computed when absent).
    backend : str, default "tensorflow"
        The Keras backend the run uses.
    """
    digest = hashlib.sha256()
    digest.update(layout.source(name).read_bytes())
    digest.update(json.dumps({"preset": preset, "parameters": parameters, "backend": backend},
                             sort_keys=True, default=str).encode())
    digest.update((library or package_digest()).encode())
    digest.update(data_digest(parameters.get("data_dir"), layout.root).encode())
    return digest.hexdigest()


def is_cached(name: str, stamp: str, layout: Layout) -> bool:
    """True when the executed copy and the record of ``name`` both carry ``stamp``.

    Checking both matters: a run with other parameters (a smoke test, say) may
    have replaced the record while the executed copy stayed.
    """
    executed = layout.executed(name)
    record = layout.results_dir / f"{name}.json"
    try:
        meta = json.loads(executed.read_text(encoding="utf-8"))["metadata"].get(META_KEY, {})
        recorded = json.loads(record.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, KeyError, AttributeError):
        return False
    return bool(stamp) and meta.get("fingerprint") == recorded == stamp
