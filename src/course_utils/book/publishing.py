"""What may be published: executed copies without errors, a site without machine paths.

:func:`check_executed` runs before the build: every notebook of ``_toc.yml``
needs an executed copy, and none may hold an error output. :func:`machine_paths`
runs after it: every file under the built site (HTML, notebooks, JSON, text,
the search index, Sphinx's compressed inventory) is read for absolute paths of
any form (``/home/...``, ``/root/...``, ``/tmp/...``, ``/work/...``,
``/Users/...``, ``C:\\...``) and for the build's own folders spelled out.

Example
-------
>>> import tempfile
>>> site = Path(tempfile.mkdtemp())
>>> _ = (site / "index.html").write_text("<p>saved in /home/alice/results</p>")
>>> machine_paths(site)
['index.html: /home/alice/results']
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import CourseUtilsError
from .layout import Layout
from .notebooks import notebook_names

__all__ = ["BookError", "errors_in", "check_executed", "machine_paths", "refuse_machine_paths"]

#: Absolute paths of the kinds that name a machine: Unix homes and scratch folders
#: (also JSON-escaped, ``\/home\/``) and Windows drives (``C:\`` or ``C:/``).
MACHINE_PATH = re.compile(
    r"(?<![\w.])\\?/(?:home|root|tmp|work|Users)\\?/[\w.@~+-]*(?:\\?/[\w.@~+-]+)*"
    # one backslash then a JSON escape letter ("group B:\n" in a notebook) is not a drive
    r"|(?<![\w\\])[A-Za-z]:(?:\\\\|\\(?![nrtbfu]))[\w.$~-][\w.$~\\-]*"
    r"|(?<![\w/])[A-Z]:/\w[\w.$~/-]*")


class BookError(CourseUtilsError, RuntimeError):
    """The book cannot be published as it stands."""


def errors_in(path: Path) -> list[str]:
    """Return a line per error an executed notebook holds (papermill's or a cell's)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = []
    if nb.get("metadata", {}).get("papermill", {}).get("exception"):
        problems.append("papermill recorded an exception")
    for index, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index} has an error output "
                                f"({output.get('ename')}: {output.get('evalue')})")
    return problems


def check_executed(layout: Layout) -> list[Path]:
    """Return every notebook's executed copy, or raise naming what is missing or broken.

    Raises
    ------
    BookError
        When a notebook of ``_toc.yml`` has no executed copy, or one holds an error.
    """
    missing, broken, paths = [], [], []
    for name in notebook_names(layout):
        path = layout.executed(name)
        if not path.is_file():
            missing.append(name)
            continue
        problems = errors_in(path)
        if problems:
            broken.append(f"{name}: {'; '.join(problems)}")
        paths.append(path)
    if missing:
        raise BookError(
            f"No executed copy of {', '.join(missing)} in {layout.executed_dir}; run "
            f"`course-book run {' '.join(missing)}` first.")
    if broken:
        raise BookError("Refusing to publish notebooks with errors:\n  " + "\n  ".join(broken))
    return paths


def _text_of(path: Path) -> str | None:
    """A site file's text: UTF-8 files as they are, ``objects.inv`` decompressed."""
    data = path.read_bytes()
    if path.name == "objects.inv":  # four header lines, then a zlib stream
        header, _, body = data.partition(b"zlib.\n")
        try:
            data = header + zlib.decompress(body)
        except zlib.error:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # images, fonts: no text to read
        return None


def _spelled_out(folders: Iterable[str | os.PathLike]) -> re.Pattern | None:
    """A pattern for the given absolute folders (two or more levels deep) spelled out."""
    spelled = set()
    for folder in folders:
        path = Path(folder).resolve()
        if len(path.parts) >= 3:
            spelled.update({str(path), path.as_posix().replace("/", "\\/")})
    if not spelled:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(spelled, key=len, reverse=True)))


def machine_paths(site: Path, *, folders: Iterable[str | os.PathLike] = ()) -> list[str]:
    """Return ``"<file>: <path>"`` for every machine path found under ``site``.

    Parameters
    ----------
    site : Path
        The built site (``_build/html``).
    folders : iterable of path-like
        Absolute folders that must not appear either (the build folder, the
        project), whatever they start with.

    Returns
    -------
    list of str
        Each file (relative to ``site``) with the distinct paths found in it,
        in file order; empty when the site is clean.
    """
    site = Path(site)
    own = _spelled_out(folders)
    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        text = _text_of(path)
        if text is None:
            continue
        hits = [m.group(0) for m in MACHINE_PATH.finditer(text)]
        if own is not None:
            hits += [m.group(0) for m in own.finditer(text)]
        for hit in dict.fromkeys(hits):
            found.append(f"{path.relative_to(site).as_posix()}: {hit}")
    return found


def refuse_machine_paths(site: Path, *, folders: Iterable[str | os.PathLike] = ()) -> None:
    """Raise :class:`BookError` listing the machine paths under ``site``, if any."""
    found = machine_paths(site, folders=folders)
    if found:
        shown = "\n  ".join(found[:20]) + ("\n  ..." if len(found) > 20 else "")
        raise BookError(
            f"Refusing to publish: {len(found)} machine path(s) in the built site:\n  {shown}\n"
            "Executed copies and pages may only name paths relative to the project.")
