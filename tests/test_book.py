"""The built book: pages, figures, results table, offline rendering in a browser."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from course_utils.book.build import BookError, build_book
from course_utils.book.layout import Layout
from course_utils.book.notebooks import notebook_names
from course_utils.book.publishing import machine_paths

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|tmp|Users)/[\w.-]+")
pytestmark = pytest.mark.book


def _pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html")
                  if p.name not in {"genindex.html", "search.html"} and "_static" not in p.parts)


def test_build_refuses_a_missing_executed_copy(tmp_path):
    from course_utils.paths import project_root

    layout = Layout.default(project_root(__file__), executed_dir=tmp_path / "none",
                            results_dir=tmp_path / "results")
    with pytest.raises(BookError, match="No executed copy of 01_optimizers"):
        build_book(layout, output_dir=tmp_path)


def test_build_refuses_a_notebook_with_an_error_output(smoke_run, tmp_path):
    import nbformat

    layout, _ = smoke_run
    broken = Layout(layout.root, tmp_path / "executed", layout.results_dir)
    shutil.copytree(layout.executed_dir, broken.executed_dir)
    name = notebook_names(layout)[0]
    nb = nbformat.read(broken.executed(name), as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad",
                                                   traceback=[])]
    nbformat.write(nb, broken.executed(name))
    with pytest.raises(BookError, match=rf"{name}: cell \d+ has an error output \(ValueError"):
        build_book(broken, output_dir=tmp_path)


def test_html_has_every_notebook_page_with_its_figures(smoke_book):
    layout, index = smoke_book
    html = index.parent
    for name in notebook_names(layout):
        page = html / "notebooks" / f"{name}.html"
        assert page.is_file(), f"no page for {name}"
        text = page.read_text()
        images = re.findall(r'<img[^>]+src="([^"]+)"', text)
        figures = [src for src in images if "_images/" in src]
        assert figures, f"{name} page has no figure"
        for src in figures:
            assert (page.parent / src).resolve().is_file(), f"{name}: broken image {src}"
        assert "This run" in text, f"{name} page lacks its run box"


def test_results_page_has_a_table_per_topic(smoke_book):
    layout, index = smoke_book
    text = (index.parent / "book" / "results.html").read_text()
    assert text.count("<table") >= len(notebook_names(layout))
    assert "different dataset" in text and "(digits)" in text


def test_a_seed_sweep_shows_its_spread_on_the_results_page_and_its_own_page(smoke_book):
    layout, index = smoke_book
    html = index.parent
    results = (html / "book" / "results.html").read_text()
    before, table = results.split("Across seeds (preset smoke, seeds 0, 1, 2)", 1)
    assert "01. " in before.rsplit("<h2", 1)[1], "the spread is not in 01's section"
    assert "95% interval across seeds" in table.split("<h2", 1)[0]
    (page,) = sorted((html / "book" / "sweeps").glob("01_optimizers-smoke-seed-*.html"))
    text = page.read_text()
    assert "Sweep: 01_optimizers (smoke)" in text and text.count("smoke+seed=") >= 3
    (figure,) = re.findall(r'<img[^>]+src="([^"]+\.png)"', text)
    assert (page.parent / figure).resolve().is_file()
    records = sorted((layout.runs_dir / "01_optimizers").glob("*/01_optimizers.json"))
    assert [p.parent.name for p in records] == [f"smoke+seed={s}" for s in (0, 1, 2)]


def test_no_machine_path_in_the_html(smoke_book):
    _, index = smoke_book
    for page in _pages(index.parent):
        found = MACHINE_PATH.findall(page.read_text())
        assert not found, f"{page.name} shows machine paths {found[:3]}"


def test_no_machine_path_anywhere_in_the_site(smoke_book, tmp_path_factory):
    """Every file of the real smoke site (HTML, notebooks, JSON, search index, inventory)."""
    layout, index = smoke_book
    site = index.parent
    assert (site / "searchindex.js").is_file()
    folders = [site.parents[1], layout.root, layout.executed_dir, layout.results_dir,
               tmp_path_factory.getbasetemp()]
    assert machine_paths(site, folders=folders) == []


@pytest.fixture(scope="module")
def served(smoke_book):
    _, index = smoke_book
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(index.parent))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield index.parent, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def require_chromium() -> str:
    """Chromium's path; without it the test skips, except under CI, where it fails."""
    if CHROMIUM is None:
        reason = "chromium is not installed (make test installs it with apt-get as root)"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI is set and the browser check cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


def test_every_page_renders_offline_in_chromium(served):
    require_chromium()
    from playwright.sync_api import sync_playwright

    html, base = served
    shots = html.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})

        def only_localhost(route):
            if route.request.url.startswith(base):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", only_localhost)
        for path in _pages(html):
            rel = path.relative_to(html).as_posix()
            page.goto(f"{base}/{rel}", wait_until="load")
            page.wait_for_timeout(300)
            assert page.locator(".output.traceback, .output.error").count() == 0, rel
            broken = page.evaluate(
                "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                ".map(i => i.src)")
            assert not broken, f"{rel}: broken images {broken}"
            if rel.startswith("notebooks/"):
                assert page.locator(".cell_output img").count() >= 1, f"{rel} has no figure"
            if rel == "book/results.html":
                assert page.locator("table").count() >= 1
            if rel == "index.html":
                page.wait_for_selector("mjx-container", timeout=10_000)
            page.screenshot(path=str(shots / (rel.replace("/", "_") + ".png")), full_page=False)
        browser.close()
    assert not blocked, f"pages asked the network for {blocked[:5]}"
