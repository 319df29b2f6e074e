"""Both locks resolve: pip's resolver on the CPU lock and on the GPU lock, no conflict.

`pip install --dry-run --ignore-installed` resolves every pin against the index
without installing anything (it needs the package index, as any install does,
but no GPU). A conflict -- such as tensorflow-cpu beside tensorflow[and-cuda],
two distributions of one package -- makes pip exit non-zero.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements"


def _resolve(lock: Path, tmp_path: Path) -> dict[str, str]:
    report = tmp_path / f"{lock.stem}.json"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--disable-pip-version-check", "--report", str(report), "-r", str(lock)],
        capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{lock.name} does not resolve:\n{done.stderr[-3000:]}"
    installs = json.loads(report.read_text())["install"]
    return {i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"]
            for i in installs}


def _pins(lock: Path) -> dict[str, str]:
    lines = [ln.split("#")[0].strip() for ln in lock.read_text().splitlines()]
    return {n.lower().replace("_", "-"): v for n, v in
            (ln.split("==") for ln in lines if "==" in ln)}


@pytest.mark.parametrize("name", ["lock.txt", "lock-gpu.txt"])
def test_lock_resolves_to_exactly_its_pins(name, tmp_path):
    lock = REQUIREMENTS / name
    assert _resolve(lock, tmp_path) == _pins(lock), "the lock is not closed under its deps"


def test_the_gpu_lock_has_cuda_builds_and_no_cpu_only_tensorflow():
    pins = _pins(REQUIREMENTS / "lock-gpu.txt")
    assert "tensorflow-cpu" not in pins and "tensorflow" in pins
    assert {"jax-cuda12-plugin", "nvidia-cudnn-cu12"} <= set(pins)
    cpu = _pins(REQUIREMENTS / "lock.txt")
    shared = set(cpu) & set(pins)
    assert {k for k in shared if cpu[k] != pins[k]} == set(), "the locks disagree on a pin"
