"""What the runner adds to (and removes from) an executed copy before it is published.

- a run box (a note under the title) with the preset, dataset, seed, device,
  wall time, parameters and library versions of the run, from its record;
- papermill's injected-parameters cell hidden when it only restates the preset;
- the runner's stamp (fingerprint and preset) in the notebook metadata;
- no machine paths in the metadata: papermill's ``input_path`` and
  ``output_path`` become paths relative to the project (or None), never the
  runner's temporary ``.running`` name.

Example
-------
>>> print(environment_box({"preset": "smoke", "dataset": "digits", "seed": 0,
...                        "device": "CPU", "wall_seconds": 61,
...                        "backend": "jax", "peak_memory_mb": 1536}).splitlines()[5])
| smoke | digits | 0 | CPU | jax | 1 min 1 s | 1.5 GiB |
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cache import META_KEY
from .layout import Layout

__all__ = ["environment_box", "hide_default_injection", "relative_metadata", "stamp_copy"]

_SHOWN_LIBRARIES = {"python", "keras", "tensorflow-cpu", "tensorflow", "jax", "numpy",
                    "scikit-learn", "aif360", "course-utils"}


def _device(record: Mapping[str, Any]) -> str:
    """``CPU``, or ``GPU (...) x 2`` when a run trained on several devices."""
    devices = record.get("devices") or 1
    return f"{record.get('device')} x {devices}" if devices > 1 else str(record.get("device"))


def environment_box(record: Mapping[str, Any]) -> str:
    """Return the MyST markdown of a page's run box, built from its results record."""
    params = record.get("parameters", {})
    shown = ", ".join(f"`{k}={v!r}`" for k, v in params.items())
    versions = record.get("versions", {})
    libraries = ", ".join(f"{k} {v}" for k, v in versions.items() if k in _SHOWN_LIBRARIES)
    minutes, seconds = divmod(float(record.get("wall_seconds") or 0.0), 60)
    memory = record.get("peak_memory_mb")
    memory = f"{memory / 1024:.1f} GiB" if memory else "not measured"
    return "\n".join([
        "```{admonition} This run",
        ":class: note",
        "",
        "| preset | dataset | seed | device | backend | wall time | peak memory |",
        "|---|---|---|---|---|---|---|",
        f"| {record.get('preset')} | {record.get('dataset')} | {record.get('seed')} | "
        f"{_device(record)} | {record.get('backend', 'tensorflow')} | "
        f"{int(minutes)} min {seconds:.0f} s | {memory} |",
        "",
        f"**Parameters:** {shown}",
        "",
        f"**Libraries:** {libraries}",
        "```",
    ])


def hide_default_injection(nb) -> None:
    """Hide papermill's injected cell when it only restates the preset's name.

    The run box at the top already lists every parameter in force; the
    injected cell stays visible when it carries real overrides.
    """
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            lines = [line for line in cell.source.splitlines()
                     if line.strip() and not line.startswith("#")]
            if all(line.startswith("preset =") for line in lines):
                cell.metadata["tags"] = [*tags, "remove-cell"]


def _relative(path: Path, root: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:  # outside the project: no path at all rather than a machine path
        return None


def relative_metadata(nb, layout: Layout, name: str) -> None:
    """Make papermill's ``input_path``/``output_path`` relative to the project (or None).

    ``output_path`` names the executed copy's final place, not the temporary
    file papermill wrote.
    """
    papermill = nb.metadata.get("papermill")
    if papermill is None:
        return
    papermill["input_path"] = _relative(layout.source(name), layout.root)
    papermill["output_path"] = _relative(layout.executed(name), layout.root)


def stamp_copy(nb, record: Mapping[str, Any], *, layout: Layout, name: str, preset: str,
               stamp: str) -> None:
    """Prepare an executed notebook for publishing (see the module docstring)."""
    import nbformat

    hide_default_injection(nb)
    box = nbformat.v4.new_markdown_cell(environment_box(record))
    box.metadata["tags"] = ["run-environment"]
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, box)
    nb.metadata[META_KEY] = {"fingerprint": stamp, "preset": preset}
    relative_metadata(nb, layout, name)

