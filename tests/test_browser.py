"""End-to-end: every explorer in JupyterLab (and one in Notebook 7), in a real headless browser.

A fresh JupyterLab serves a temporary copy of ``tests/notebooks/``; Debian's Chromium, driven
by Playwright, opens ``explorers.ipynb`` (one explorer per cell), runs all cells, then moves
one control of each explorer and checks that the control moved, that the picture changed, and
that no "Error displaying widget", stderr output or traceback appears. The time from the key
press to the changed picture is measured in the browser for each explorer and written to
``test-artifacts/browser/latency.txt`` (reported, never asserted: the target is a median under
200 ms). Screenshots of the whole notebook and of each explorer before and after the move are
kept in the same folder, to be looked at.

Needs Playwright and ``/usr/bin/chromium`` (never ``playwright install``): without them the
tests skip, except in CI where they fail.
"""

import importlib.metadata
import shutil
import statistics
from pathlib import Path

import pytest
from browser import page as ui
from browser.lab import JupyterServer
from conftest import require, require_program

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE / "notebooks"
NOTEBOOK = "explorers.ipynb"
ARTIFACTS = HERE.parent / "test-artifacts" / "browser"
TARGET_MS = 200

# The control moved in each explorer of tests/notebooks/explorers.ipynb, in notebook order.
EXPLORERS = {
    "standin_canvas": ui.Control("slider", "k"),
    "standin_image": ui.Control("slider", "k"),
}


@pytest.fixture(scope="module")
def artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    print(f"\nbrowser test artifacts: {ARTIFACTS}")
    return ARTIFACTS


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium with a fresh profile, closed at the end even on failure."""
    require_program(ui.CHROMIUM)
    sync_api = require("playwright.sync_api")
    playwright = sync_api.sync_playwright().start()
    try:
        context = ui.launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
    except BaseException:
        playwright.stop()
        raise
    yield context
    try:
        context.close()
    finally:
        playwright.stop()


def start_server(request, app, log_path):
    server = JupyterServer(NOTEBOOKS, app=app, save_log_to=log_path)
    request.addfinalizer(server.stop)  # registered first: runs even if start() fails
    server.start()
    return server


def open_page(context, url, page_errors):
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.goto(url)
    return page


class Session:
    """The JupyterLab page after Run All, and what the tests measured on it."""

    def __init__(self, page, page_errors):
        self.page = page
        self.page_errors = page_errors
        self.timings = {}


@pytest.fixture(scope="module")
def lab(request, artifacts, browser):
    server = start_server(request, "lab", artifacts / "jupyterlab.log")
    page_errors = []
    page = open_page(browser, server.url(f"lab/tree/{NOTEBOOK}"), page_errors)
    session = Session(page, page_errors)
    request.addfinalizer(lambda: finish(session, artifacts))
    page.locator(".jp-Notebook").first.wait_for(state="visible", timeout=60_000)
    ui.wait_for_kernel_idle(page)
    server.wait_for_connected_kernel()
    ui.install_probe(page)
    ui.run_all_cells(page)
    ui.wait_for_all_cells_run(page)
    ui.screenshot_whole_notebook(page, artifacts / "notebook-after-run-all.png")
    return session


def finish(session, artifacts):
    """Write and print the latency table; screenshot the notebook; close the page."""
    try:
        table = latency_table(session.timings)
        (artifacts / "latency.txt").write_text(table)
        print("\n" + table)
        print(f"screenshots and logs: {artifacts}")
        ui.screenshot_whole_notebook(session.page, artifacts / "notebook-after-moves.png")
    finally:
        session.page.close()


def latency_table(timings):
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}"
                         for p in ("jupyterlab", "ipywidgets", "ipympl", "matplotlib"))
    lines = [
        "Time from the input event to the changed picture, per explorer (JupyterLab, headless",
        f"Chromium; {versions}). 'first' = first visible change, 'settled' = last change",
        "before the picture stayed still for 500 ms. Reported, not asserted.",
        "",
        f"{'explorer':<18} {'control':<34} {'first ms':>9} {'settled ms':>11} {'changes':>8}",
    ]
    settled = []
    for name, (control, timing) in timings.items():
        def fmt(ms):
            return "-" if ms is None else f"{ms:.0f}"
        lines.append(f"{name:<18} {control.describe():<34} {fmt(timing.first_ms):>9} "
                     f"{fmt(timing.settled_ms):>11} {timing.n_changes:>8}")
        if timing.settled_ms is not None:
            settled.append(timing.settled_ms)
    lines.append("")
    if settled:
        median = statistics.median(settled)
        verdict = "met" if median < TARGET_MS else "NOT met"
        lines.append(f"median settled latency: {median:.0f} ms over {len(settled)} explorers "
                     f"(target < {TARGET_MS} ms: {verdict})")
    else:
        lines.append("no explorer picture changed: no latency to report")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_explorer_responds_in_jupyterlab(lab, artifacts, name):
    page, selector, control = lab.page, ui.explorer_selector(name), EXPLORERS[name]
    root = page.locator(selector)
    assert root.count() == 1, f"expected one {selector} box in {NOTEBOOK}, found {root.count()}"
    ui.wait_rendered(page, selector, timeout_s=30)
    act = ui.prepare(page, selector, control)
    ui.wait_still(page, selector)
    root.first.screenshot(path=str(artifacts / f"{name}-before.png"))
    pictures_before = ui.picture_pngs(page, selector)
    value_before = ui.read_value(page, selector, control)

    timing = ui.move_and_time(page, selector, act)
    lab.timings[name] = (control, timing)

    ui.wait_still(page, selector)
    root.first.screenshot(path=str(artifacts / f"{name}-after.png"))
    value_after = ui.read_value(page, selector, control)
    assert value_after != value_before, (
        f"{name}: moving the {control.describe()} left its value at {value_before!r}")
    assert timing.n_changes > 0, (
        f"{name}: the picture did not change within 20 s of moving the {control.describe()} "
        f"({value_before!r} -> {value_after!r}; input event {timing.event!r}, "
        f"{timing.frames} frames watched)")
    assert ui.picture_pngs(page, selector) != pictures_before, (
        f"{name}: the figure's screenshot is the same before and after the move")
    assert ui.problems(page, root.first) == []


def test_jupyterlab_shows_no_errors(lab):
    """After Run All and every move: no widget error, stderr output or traceback anywhere."""
    page = lab.page
    for name in EXPLORERS:
        assert page.locator(ui.explorer_selector(name)).count() == 1, f"{name} is not shown"
    assert ui.problems(page) == []
    assert lab.page_errors == [], "uncaught errors in the page's JavaScript"


def test_explorer_works_in_notebook7(request, artifacts, browser):
    """Notebook 7 (the classic-looking UI): run all, the first explorer renders and responds."""
    require("notebook")
    name = next(iter(EXPLORERS))
    selector, control = ui.explorer_selector(name), EXPLORERS[name]
    server = start_server(request, "notebook", artifacts / "notebook7.log")
    page_errors = []
    page = open_page(browser, server.url(f"notebooks/{NOTEBOOK}"), page_errors)
    request.addfinalizer(page.close)
    page.locator(".jp-Notebook").first.wait_for(state="visible", timeout=60_000)
    server.wait_for_connected_kernel()
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first.wait_for(
        timeout=30_000)
    ui.install_probe(page)
    ui.run_all_cells(page)
    ui.wait_for_all_cells_run(page)
    ui.wait_rendered(page, selector, timeout_s=30)
    # Notebook 7 handles its keyboard shortcuts before the page's widgets (JupyterLab lets
    # widgets go first), so a focused slider does not get ArrowRight: use the mouse there.
    act = ui.prepare(page, selector, control, mouse=True)
    ui.wait_still(page, selector)
    root = page.locator(selector).first
    root.screenshot(path=str(artifacts / f"notebook7-{name}-before.png"))
    pictures_before = ui.picture_pngs(page, selector)
    value_before = ui.read_value(page, selector, control)
    timing = ui.move_and_time(page, selector, act)
    ui.wait_still(page, selector)
    root.screenshot(path=str(artifacts / f"notebook7-{name}-after.png"))
    ui.screenshot_whole_notebook(page, artifacts / "notebook7.png")
    assert ui.read_value(page, selector, control) != value_before, (
        f"{name}: moving the {control.describe()} in Notebook 7 left it at {value_before!r}")
    assert timing.n_changes > 0, f"{name}: the picture did not change in Notebook 7"
    assert ui.picture_pngs(page, selector) != pictures_before
    assert ui.problems(page) == []
    assert page_errors == [], "uncaught errors in the page's JavaScript"
