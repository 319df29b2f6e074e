"""A student's path: open a notebook in JupyterLab, run every cell from the UI.

JupyterLab starts headless on a free localhost port with a token, on a copy of
the project whose ``01_optimizers`` notebook carries the smoke values in its
parameters cell; Chromium (through Playwright) opens the notebook, runs all
cells from the Run menu and waits for the kernel to finish. The page must show a
figure and no error, the record the interactive run wrote must equal the one
``course-book run --preset smoke`` writes, and shutting the server down must
leave no server or kernel process behind.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from course_utils.book.layout import Layout
from course_utils.book.notebooks import load_presets
from course_utils.book.runner import plan_runs, run_plans
from course_utils.paths import project_root

pytestmark = pytest.mark.book

ROOT = project_root(Path(__file__).parent)
NOTEBOOK = "01_optimizers"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "lab-book-test-token"


def _needs_chromium():
    if CHROMIUM is None:
        reason = "chromium is not installed (make test installs it with apt-get as root)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _project_with_smoke_defaults(base: Path) -> Path:
    """A copy of the project files a notebook needs, its parameters cell set to smoke."""
    (base / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "_toc.yml", base / "_toc.yml")
    shutil.copy(ROOT / "notebooks" / "presets.yml", base / "notebooks" / "presets.yml")
    smoke = {**load_presets(Layout.default(ROOT))[NOTEBOOK]["smoke"], "preset": "smoke"}
    nb = nbformat.read(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\n# smoke values, as course-book run --preset smoke injects them\n" + "".join(
        f"{name} = {value!r}\n" for name, value in smoke.items())
    nbformat.write(nb, base / "notebooks" / f"{NOTEBOOK}.ipynb")
    return base


def _wait_for_server(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jupyter lab exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("jupyter lab did not answer within a minute")


def _metrics(record: dict) -> dict:
    return {e["experiment"]: {k: v for k, v in e["metrics"].items() if "seconds" not in k}
            for e in record["experiments"]}


def _run_all_cells_in_the_ui(url: str, project: Path, record: Path, shots: Path) -> dict:
    """Open the notebook, Run > Run All Cells, wait for the record, save; return the saved file.

    JupyterLab renders only the cells in view, so the outputs are checked in the
    notebook the UI saved (File > Save), not in the page.
    """
    from playwright.sync_api import sync_playwright

    saved = project / "notebooks" / f"{NOTEBOOK}.ipynb"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/notebooks/{NOTEBOOK}.ipynb?token={TOKEN}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        page.get_by_text("Python (lab book) | Idle").wait_for(timeout=90_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.get_by_text("Python (lab book) | Busy").wait_for(timeout=30_000)
        # Run All stops at the first error, so idle again means done or failed.
        page.get_by_text("Python (lab book) | Idle").wait_for(timeout=300_000)
        page.screenshot(path=str(shots / f"{NOTEBOOK}-lab.png"))
        before = saved.stat().st_mtime
        page.locator(".jp-Notebook").first.click()  # focus the notebook, then File > Save
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        deadline = time.time() + 60
        while saved.stat().st_mtime == before and time.time() < deadline:
            page.wait_for_timeout(500)
        browser.close()
    return json.loads(saved.read_text(encoding="utf-8"))


def test_a_notebook_runs_from_jupyterlab_and_writes_the_same_record(tmp_path):
    _needs_chromium()
    project = _project_with_smoke_defaults(tmp_path / "project")
    lab_results, cli_results = tmp_path / "results-lab", tmp_path / "results-cli"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COURSE_BOOK_RESULTS": str(lab_results),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "MPLBACKEND": "module://"
           "matplotlib_inline.backend_inline"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
         f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={project}",
         "--MultiKernelManager.default_kernel_name=lab-book", "--allow-root",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "wb"))
    process = psutil.Process(server.pid)
    try:
        _wait_for_server(url, server)
        nb = _run_all_cells_in_the_ui(url, project, lab_results / f"{NOTEBOOK}.json", tmp_path)
        children = process.children(recursive=True)
        assert children, "no kernel process was started"
    finally:
        request = urllib.request.Request(f"{url}/api/shutdown?token={TOKEN}", method="POST")
        try:
            urllib.request.urlopen(request, timeout=10)
        except OSError:
            server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    gone, alive = psutil.wait_procs(children, timeout=20)
    assert alive == [], f"left behind after shutdown: {alive}"
    assert server.returncode is not None
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    errors = [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]
    assert errors == [], f"a cell shows an error: {errors}"
    assert all(c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code")
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure appeared"


    layout = Layout.default(ROOT, executed_dir=tmp_path / "executed", results_dir=cli_results)
    outcome, = run_plans(plan_runs([NOTEBOOK], preset="smoke", layout=layout),
                         progress=False, force=True)
    assert outcome.ok, outcome.error
    interactive = json.loads((lab_results / f"{NOTEBOOK}.json").read_text())
    batch = json.loads((cli_results / f"{NOTEBOOK}.json").read_text())
    assert interactive["parameters"] == batch["parameters"]
    assert _metrics(interactive) == _metrics(batch)
