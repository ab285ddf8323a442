"""The course website (``python3 course.py site``) in headless Chromium, offline.

The site is built once per session into a temporary folder (``NNL_SITE_DIR`` names an
already built site to reuse instead) and served on 127.0.0.1; every request that leaves
that server is aborted and counted. Each page must: typeset its math (no raw ``$$`` left),
load every image with alt text, log no console error, link to pages that exist, and show
no solution text. ``NNL_SITE_SCREENSHOTS=DIR`` saves a screenshot of each page there.
"""

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest
from conftest import require, require_program

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@functools.lru_cache(maxsize=None)
def solution_only_lines():
    """Lines inside ``### BEGIN SOLUTION`` blocks that appear nowhere in the learner's copy."""
    from nnlessons import authoring

    nbformat = require("nbformat")
    found = {}
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        learner = authoring.student_notebook(nb, f"solutions/{path.name}")
        public = "\n".join(cell.source for cell in learner.cells)
        lines = set()
        for cell in nb.cells:
            inside = False
            for line in cell.source.split("\n"):
                text = line.strip()
                if text.startswith("### BEGIN SOLUTION"):
                    inside = True
                elif text.startswith("### END SOLUTION"):
                    inside = False
                elif inside and len(text) >= 12 and text not in public:
                    lines.add(text)
        found[path.stem] = sorted(lines)
    return found


def test_solution_lines_found():
    """The leak check below has something to look for in the lessons with exercises."""
    lines = solution_only_lines()
    assert sum(len(v) for v in lines.values()) >= 20, lines
    assert lines["01_neuron"], "lesson 01 has exercises with worked answers"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory):
    reuse = os.environ.get("NNL_SITE_DIR")
    if reuse and (Path(reuse) / "index.html").exists():
        return Path(reuse)
    require("nbconvert")
    require("mathjax")
    from nnlessons import website

    out = Path(reuse) if reuse else tmp_path_factory.mktemp("site") / "site"
    website.build(ROOT, out, jobs=2)
    return out


@pytest.fixture(scope="session")
def server(site_dir):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    require("playwright")
    executable = require_program("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, server, path):
    """Open ``path`` with every non-local request blocked; return (page, problems)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = {"blocked": [], "console": [], "failed": []}

    def route(r):
        if r.request.url.startswith(server + "/") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            problems["blocked"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems["console"].append(m.text))
    page.on("pageerror", lambda e: problems["console"].append(str(e)))
    page.on("requestfailed", lambda r: problems["failed"].append(r.url))
    page.on("response", lambda r: r.status >= 400 and problems["failed"].append(
        f"{r.status} {r.url}"))
    page.goto(f"{server}/{path}", wait_until="load")
    return context, page, problems


def screenshot(page, name):
    folder = os.environ.get("NNL_SITE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def check_images(page):
    images = page.evaluate("""() => Array.from(document.images).map(i => ({
        src: i.src.slice(0, 60), width: i.naturalWidth, complete: i.complete,
        alt: (i.getAttribute('alt') || '').trim()}))""")
    for image in images:
        assert image["complete"] and image["width"] > 0, f"image not loaded: {image}"
        assert len(image["alt"]) >= 10, f"image without a useful alt text: {image}"
    return images


def check_links(page, server):
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]'))"
                          ".map(a => a.href)")
    local = sorted({h.split("#")[0] for h in hrefs if h.startswith(server + "/")})
    for href in local:
        response = page.request.get(href)
        assert response.status == 200, f"broken link {href}: {response.status}"
    return local


@pytest.mark.slow
def test_index(browser, server, site_dir):
    context, page, problems = open_page(browser, server, "index.html")
    try:
        screenshot(page, "index")
        rows = page.locator("tbody tr")
        assert rows.count() == len(LESSONS)
        links = check_links(page, server)
        for stem in LESSONS:
            assert f"{server}/lessons/{stem}.html" in links
        assert page.locator("tbody tr").first.locator("td").nth(1).inner_text().strip()
        page.click(f"a[href='lessons/{LESSONS[0]}.html']")
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/lessons/{LESSONS[0]}.html")
        assert not problems["blocked"] and not problems["console"] and not problems["failed"], \
            problems
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("stem", LESSONS)
def test_lesson_page(browser, server, site_dir, stem):
    html_text = (site_dir / "lessons" / f"{stem}.html").read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in html_text and "BEGIN HIDDEN TESTS" not in html_text
    context, page, problems = open_page(browser, server, f"lessons/{stem}.html")
    try:
        # MathJax 3: the first typeset is done when its startup promise resolves.
        page.wait_for_function("() => window.MathJax && MathJax.startup && "
                               "MathJax.startup.promise", timeout=60_000)
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
        text = page.evaluate("() => document.body.innerText")
        assert "$$" not in text, f"raw $$ left: {text[text.index('$$') - 80:][:200]!r}"
        if "$" in "".join(_markdown_sources(stem)):
            assert page.locator("mjx-container").count() > 0, "no typeset math"
        assert page.locator("mjx-merror, [data-mjx-error]").count() == 0, "TeX errors"
        check_images(page)
        links = check_links(page, server)
        assert f"{server}/index.html" in links
        index = LESSONS.index(stem)
        if index + 1 < len(LESSONS):
            page.click("nav.top a.nnl-next")
            page.wait_for_load_state("load")
            assert page.url.endswith(f"/lessons/{LESSONS[index + 1]}.html")
            page.go_back()
        if index > 0:
            assert f"{server}/lessons/{LESSONS[index - 1]}.html" in links
        for line in solution_only_lines()[stem]:
            assert line not in text, f"solution text in the page: {line!r}"
        assert "raise NotImplementedError" in text or not solution_only_lines()[stem]
        screenshot(page, stem)
        assert not problems["blocked"], f"requests outside the site: {problems['blocked']}"
        assert not problems["console"], f"console errors: {problems['console']}"
        assert not problems["failed"], f"failed requests: {problems['failed']}"
    finally:
        context.close()


@functools.lru_cache(maxsize=None)
def _markdown_sources(stem):
    nbformat = require("nbformat")
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    return tuple(re.sub(r"`[^`]*`", "", c.source) for c in nb.cells
                 if c.cell_type == "markdown")


def test_solution_markers_stop_the_build():
    nbformat = require("nbformat")
    from nnlessons import website

    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    with pytest.raises(website.SiteError, match="BEGIN SOLUTION"):
        website.check_no_solutions(nb, "01_x")
    nb.cells[0].source = "def f():\n    raise NotImplementedError"
    website.check_no_solutions(nb, "01_x")


def test_lesson_pages_are_learner_notebooks_with_the_site_note():
    """Every page starts from the learner's stubs; the note says where to do the exercises."""
    require("nbformat")
    from nnlessons import website

    sources = dict(website._lesson_sources(ROOT))
    assert sorted(sources) == LESSONS
    nb = website._prepare(sources["01_neuron"], "01_neuron")
    text = "\n".join(cell.source for cell in nb.cells)
    assert "raise NotImplementedError" in text and "BEGIN SOLUTION" not in text
    assert "course website" in nb.cells[1].source and "notebooks/01_neuron.ipynb" in text
    assert website.lesson_title(nb, "01_neuron").startswith("01")


def test_navigation_links_and_readme_summaries():
    from nnlessons import website

    lessons = [("00_a", "00 · A"), ("01_b", "01 · B"), ("02_c", "02 · C")]
    first, middle, last = (website._nav(lessons, i, "top") for i in range(3))
    assert 'href="01_b.html"' in first and "nnl-prev" not in first
    assert 'href="00_a.html"' in middle and 'href="02_c.html"' in middle
    assert "nnl-next" not in last and 'href="../index.html"' in last
    summaries = website.readme_summaries(ROOT)
    assert set(LESSONS) <= set(summaries)


def test_bad_jobs_is_refused_with_its_value(tmp_path):
    from nnlessons import website

    with pytest.raises(ValueError, match="jobs must be an integer >= 1, got 0"):
        website.build(ROOT, tmp_path / "site", jobs=0)


def test_cells_that_raised_are_named():
    nbformat = require("nbformat")
    from nnlessons import website

    ok = nbformat.v4.new_code_cell("1")
    bad = nbformat.v4.new_code_cell("1 / 0")
    bad.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                          evalue="division by zero", traceback=[])]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x"), ok, bad])
    assert website.cell_errors(nb) == [(2, "ZeroDivisionError: division by zero")]
