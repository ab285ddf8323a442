"""Build the course website: every lesson as a learner first sees it, run, as static HTML.

``python3 course.py site`` (or ``python -m nnlessons.website [--out site] [--jobs N]``)
writes ``site/index.html`` (the lesson table) and ``site/lessons/NN_topic.html``. Each
lesson is the learner's notebook, made from ``solutions/`` exactly as ``nnlessons release``
makes it (exercise cells hold ``raise NotImplementedError``, question cells
``answer = None``, hidden tests removed) and then executed, so every other cell shows its
output. Explorers appear as their first picture (no widget state is stored, so the page
shows the PNG each explorer carries for front ends without widgets), and every picture gets
alt text describing its axes. Math is typeset by the MathJax 3 copy shipped in the
``django-static-mathjax`` package (SVG output, no web fonts), copied into
``site/mathjax/``: the pages make no request outside the site (no CDN, no require.js).
Open ``site/index.html`` in a browser, or
serve the folder (``python -m http.server -d site``).

Used by ``course.py site``; needs the ``site`` extra (nbconvert, nbclient,
django-static-mathjax). Left out: a search box, and widgets that still move on the page.
"""

import argparse
import concurrent.futures
import html
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
SITE_NOTE = (
    "**You are reading lesson {number} on the course website**: the learner's notebook, run "
    "from top to bottom. Exercise cells hold `raise NotImplementedError` where your code "
    "goes, and each explorer shows its first picture. To write the answers and move the "
    "sliders, open `notebooks/{name}.ipynb` in JupyterLab with `python3 course.py lab`."
)

# Run in the kernel before the lesson (and removed from the page): pictures get alt text
# describing their axes, from the figure itself.
_ALT_SETUP = r'''
def _nnl_site_setup():
    import matplotlib.figure
    from IPython import get_ipython

    import re

    def plain(text):    # alt text is read aloud: no TeX markup
        text = re.sub(r"\\([a-zA-Z]+)", r"\1", text)
        return re.sub(r"[$}{]", "", text).replace("^", "").strip()

    def describe(fig, prefix="Figure"):
        parts = []
        if fig._suptitle is not None and fig._suptitle.get_text():
            parts.append(fig._suptitle.get_text())
        for ax in fig.get_axes():
            if not ax.get_visible() or not ax.axison and not ax.get_title():
                continue
            bits = [ax.get_title()] if ax.get_title() else []
            if ax.get_xlabel():
                bits.append("x: " + ax.get_xlabel())
            if ax.get_ylabel():
                bits.append("y: " + ax.get_ylabel())
            handles, labels = ax.get_legend_handles_labels()
            labels = [t for t in labels if t and not t.startswith("_")]
            if labels:
                bits.append("curves: " + ", ".join(labels[:8]))
            if bits:
                parts.append("; ".join(bits))
        texts = [t.get_text() for ax in fig.get_axes() for t in ax.texts if t.get_text()]
        if not parts and texts:
            parts.append("labels " + ", ".join(texts[:12]))
        what = " | ".join(parts) if parts else "a picture drawn by the code above"
        return plain(prefix + ": " + what)

    ip = get_ipython()
    png = ip.display_formatter.formatters["image/png"]

    def wrap_figures():
        try:
            current = png.lookup_by_type(matplotlib.figure.Figure)
        except KeyError:    # no inline backend yet
            return
        if getattr(current, "_nnl_alt", False):
            return
        def with_alt(fig, _draw=current):
            data = _draw(fig)
            return (data, {"alt": describe(fig)}) if data is not None else None
        with_alt._nnl_alt = True
        png.for_type(matplotlib.figure.Figure, with_alt)

    def wrap_explorers():
        import sys
        wiring = sys.modules.get("nnlessons.explorers._wiring")
        cls = getattr(wiring, "Explorer", None)
        if cls is None or getattr(cls._repr_mimebundle_, "_nnl_alt", False):
            return
        original = cls._repr_mimebundle_
        def bundle(self, **kwargs):
            data = original(self, **kwargs)
            if not data or "image/png" not in data:
                return data
            controls = ", ".join(getattr(c, "description", "") or k
                                 for k, c in getattr(self, "controls", {}).items())
            alt = describe(self.figure, "Explorer at its starting settings"
                           + (f" (controls: {controls})" if controls else ""))
            return data, {"image/png": {"alt": alt}}
        bundle._nnl_alt = True
        cls._repr_mimebundle_ = bundle

    try:
        import nnlessons.explorers._wiring  # noqa: F401  (so the first explorer gets alt text)
    except ImportError:
        pass

    def before_cell(*args):
        wrap_figures()
        wrap_explorers()

    ip.events.register("pre_run_cell", before_cell)
    before_cell()

_nnl_site_setup()
del _nnl_site_setup
'''

_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
        processEscapes: true, processEnvironments: true, tags: 'ams'},
  svg: {fontCache: 'global'}
};
</script>
<script defer src="../mathjax/tex-svg.js"></script>
<style>
.nnl-nav { display: flex; justify-content: space-between; gap: 1em; flex-wrap: wrap;
  max-width: 1100px; margin: 0 auto; padding: 0.8em 1em; font-family: system-ui, sans-serif;
  font-size: 15px; border-bottom: 1px solid #ddd; }
.nnl-nav.bottom { border-top: 1px solid #ddd; border-bottom: none; margin-top: 2em; }
.nnl-nav a { color: #0b57d0; text-decoration: none; }
.nnl-nav a:hover { text-decoration: underline; }
main { max-width: 1100px; margin: 0 auto; }
</style>
{%- endblock html_head_js_mathjax -%}
{%- block body_header -%}
{{ super() }}
{{ resources.nnl_nav_top }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.nnl_nav_bottom }}
{{ super() }}
{%- endblock body_footer -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ (output | get_metadata('alt', 'image/png')) or 'Figure drawn by the code above' }}">
</div>
{%- endblock data_png %}
"""

_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>nnlessons: a neural-networks course</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 900px;
  margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #1f1f1f; }}
h1 {{ margin-bottom: 0.2em; }}
table {{ border-collapse: collapse; width: 100%; margin: 1.5em 0; }}
th, td {{ text-align: left; padding: 0.5em 0.7em; border-bottom: 1px solid #ddd;
  vertical-align: top; }}
th {{ background: #f4f4f4; }}
a {{ color: #0b57d0; text-decoration: none; }}
a:hover {{ text-decoration: underline; }}
code {{ background: #f4f4f4; padding: 0.1em 0.3em; border-radius: 3px; }}
footer {{ color: #666; font-size: 0.9em; margin-top: 2em; }}
</style>
</head>
<body>
<h1>nnlessons</h1>
<p>A neural-networks course, from a single neuron to a digit recogniser, built on a small
numpy package written from scratch. Each page below is a lesson notebook as a learner first
sees it, run from top to bottom: the exercises are left for you, and each interactive
explorer appears as its first picture.</p>
<p>To do the exercises and move the explorers' sliders, get the course and run
<code>python3 course.py lab</code>: it sets everything up and opens the lessons in
JupyterLab.</p>
<table>
<thead><tr><th>lesson</th><th>what you learn</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<footer>Built {when} with nbconvert; math typeset by MathJax, served from this site.</footer>
</body>
</html>
"""


class SiteError(Exception):
    """The site cannot be built (missing lessons, solution text in a page, a failed run)."""


def _lesson_sources(root):
    """(stem, learner notebook) for every lesson, made from solutions/ as release makes it."""
    from . import authoring

    nbformat = authoring._nbformat()
    root = Path(root)
    solutions = sorted((root / "solutions").glob(authoring.PATTERN))
    if solutions:
        return [(p.stem, authoring.student_notebook(nbformat.read(p, as_version=4),
                                                    f"solutions/{p.name}"))
                for p in solutions]
    notebooks = sorted((root / "notebooks").glob(authoring.PATTERN))
    if not notebooks:
        raise SiteError(f"no lesson notebooks in {root / 'solutions'} or {root / 'notebooks'}")
    return [(p.stem, nbformat.read(p, as_version=4)) for p in notebooks]


def check_no_solutions(nb, where):
    """Raise SiteError when any cell of ``nb`` still holds a solution or hidden-test marker."""
    for index, cell in enumerate(nb.cells):
        for marker in SOLUTION_MARKERS:
            if marker in cell.source:
                raise SiteError(f"{where}, cell {index}: {marker!r} in a page of the site")


def lesson_title(nb, stem):
    """The first markdown heading of a lesson ("01 · The neuron"), else its file name."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return stem


def _prepare(nb, stem):
    """The learner's notebook as the site shows it: the site's note, the alt-text setup cell."""
    import nbformat

    number = stem.split("_", 1)[0]
    check_no_solutions(nb, stem)
    cells = []
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nnlessons", {}).get("generated_note"):
            cell = nbformat.v4.new_markdown_cell(SITE_NOTE.format(number=number, name=stem),
                                                 id=cell.get("id", "note"))
        cells.append(cell)
    setup = nbformat.v4.new_code_cell(_ALT_SETUP, id="nnl-site-setup")
    nb.cells = [setup] + cells
    return nb


def execute_lesson(stem, nb, timeout=600):
    """Run one prepared lesson in a fresh kernel in a temporary folder; return it run."""
    import nbclient

    with tempfile.TemporaryDirectory(prefix="nnl-site-") as work:
        client = nbclient.NotebookClient(
            nb, timeout=timeout, kernel_name="python3", allow_errors=True,
            store_widget_state=False, resources={"metadata": {"path": work}})
        client.execute()
    setup = nb.cells.pop(0)
    for cell in nb.cells:   # number the lesson's cells from 1, as a learner's run would
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1
            for output in cell.outputs:
                if output.get("execution_count"):
                    output.execution_count -= 1
    errors = [o for o in setup.outputs if o.output_type == "error"]
    if errors:
        raise SiteError(f"{stem}: the site's setup cell failed: {errors[0].evalue}")
    return nb


def _run(args):
    stem, nb, timeout = args
    start = time.perf_counter()
    nb = execute_lesson(stem, nb, timeout)
    return stem, nb, time.perf_counter() - start


def cell_errors(nb):
    """(cell number, "Name: message") for every cell of a run notebook that raised."""
    return [(index, f"{output.ename}: {output.evalue}"[:200])
            for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for output in cell.get("outputs", []) if output.output_type == "error"]


def _nav(lessons, index, where):
    def link(i, arrow):
        stem, title = lessons[i]
        label = f"{arrow} {html.escape(title)}" if arrow == "←" else f"{html.escape(title)} {arrow}"
        rel = "prev" if arrow == "←" else "next"
        return f'<a rel="{rel}" class="nnl-{rel}" href="{stem}.html">{label}</a>'
    prev = link(index - 1, "←") if index > 0 else "<span></span>"
    nxt = link(index + 1, "→") if index + 1 < len(lessons) else "<span></span>"
    home = '<a class="nnl-index" href="../index.html">all lessons</a>'
    return f'<nav class="nnl-nav {where}" aria-label="lessons">{prev}{home}{nxt}</nav>'


def _template_dir(folder):
    """Write the site's nbconvert template (the lab template without CDN scripts)."""
    template = Path(folder) / "nnlessons_site"
    template.mkdir(parents=True, exist_ok=True)
    (template / "conf.json").write_text('{"base_template": "lab", "mimetypes": '
                                        '{"text/html": true}}\n')
    (template / "index.html.j2").write_text(_TEMPLATE)
    return Path(folder)


def copy_mathjax(out):
    """Copy MathJax 3 (SVG output: no web fonts) from its PyPI package into ``out/mathjax``.

    The package ``django-static-mathjax`` (Apache-2.0, no dependencies despite its name)
    carries MathJax's release files; the site needs ``tex-svg.js`` and the TeX extensions it
    loads on demand.
    """
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None:
        raise SiteError("the site needs MathJax from the package django-static-mathjax: "
                        "pip install -e '.[site]' (python3 course.py site installs it)")
    # A plain package in recent releases, a namespace package (no __file__) in older ones.
    folders = [Path(p) / "static" / "mathjax" for p in spec.submodule_search_locations or ()]
    source = next((f for f in folders if (f / "es5" / "tex-svg.js").exists()), None)
    if source is None:
        raise SiteError(f"no MathJax 3 (es5/tex-svg.js) in {folders}: "
                        "reinstall django-static-mathjax")
    target = Path(out) / "mathjax"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / "LICENSE", target / "LICENSE")
    shutil.copy2(source / "es5" / "tex-svg.js", target / "tex-svg.js")
    for folder in ("input", "ui", "a11y", "sre"):
        shutil.copytree(source / "es5" / folder, target / folder)
    shutil.copytree(source / "es5" / "output" / "svg", target / "output" / "svg")
    return target


def readme_summaries(root):
    """The README's lesson table as {stem: what you learn} (empty when it has none)."""
    readme = Path(root) / "README.md"
    if not readme.exists():
        return {}
    found = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`(\d\d_[a-z_]+)`\s*\|\s*(.+?)\s*\|\s*$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _markdown_code(text):
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def build(root=".", out="site", jobs=2, timeout=600, names=(), echo=print,
          allow_errors=False):
    """Build the website of the course in ``root`` into ``out``; return the pages written.

    Parameters
    ----------
    root : path
        The course folder (with ``solutions/`` or ``notebooks/``).
    out : path
        The site's folder; its previous contents are replaced.
    jobs : int
        Lessons run at the same time (each in its own kernel).
    timeout : float
        Time limit in seconds for each cell.
    names : sequence of str
        Only these lessons ("01", "01_neuron"); all by default. The index lists those built.
    allow_errors : bool
        Write the pages even when a cell raised (a traceback on the page). By default a
        lesson with an error stops the build with SiteError, naming the cells.
    """
    import nbconvert
    from traitlets.config import Config

    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    root, out = Path(root).resolve(), Path(out).resolve()
    start = time.perf_counter()
    sources = _lesson_sources(root)
    if names:
        wanted = [Path(n).stem for n in names]
        unknown = [w for w in wanted if not any(s == w or s.startswith(w + "_")
                                                for s, _ in sources)]
        if unknown:
            valid = ", ".join(s for s, _ in sources)
            raise SiteError(f"no lesson {', '.join(unknown)}; there are: {valid}")
        sources = [(s, nb) for s, nb in sources
                   if any(s == w or s.startswith(w + "_") for w in wanted)]
    lessons = [(stem, lesson_title(nb, stem)) for stem, nb in sources]
    prepared = [(stem, _prepare(nb, stem), timeout) for stem, nb in sources]

    if out.exists():
        shutil.rmtree(out)
    (out / "lessons").mkdir(parents=True)
    copy_mathjax(out)

    executed = {}
    echo(f"Running {len(prepared)} lessons ({jobs} at a time) ...")
    if jobs == 1:
        results = map(_run, prepared)
        pool = None
    else:
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_run, prepared)
    failed = []
    try:
        for stem, nb, seconds in results:
            executed[stem] = nb
            errors = cell_errors(nb)
            echo(f"  {stem}: ran in {seconds:.1f} s"
                 + (f"; {len(errors)} cells raised, first cell {errors[0][0]}: {errors[0][1]}"
                    if errors else ""))
            if errors:
                failed.append(stem)
    finally:
        if pool is not None:
            pool.shutdown()
    if failed and not allow_errors:
        raise SiteError(f"cells raised errors in {', '.join(failed)} (see above); fix the "
                        "lessons, or write the pages anyway with --allow-errors")

    with tempfile.TemporaryDirectory(prefix="nnl-site-template-") as tdir:
        config = Config()
        config.HTMLExporter.extra_template_basedirs = [str(_template_dir(tdir))]
        config.HTMLExporter.template_name = "nnlessons_site"
        exporter = nbconvert.HTMLExporter(config=config)
        pages = []
        for index, (stem, title) in enumerate(lessons):
            nb = executed[stem]
            check_no_solutions(nb, stem)
            nb.metadata["title"] = f"{title} · nnlessons"
            nb.metadata.pop("widgets", None)
            resources = {"nnl_nav_top": _nav(lessons, index, "top"),
                         "nnl_nav_bottom": _nav(lessons, index, "bottom")}
            body, _ = exporter.from_notebook_node(nb, resources=resources)
            if "BEGIN SOLUTION" in body or "BEGIN HIDDEN TESTS" in body:
                raise SiteError(f"{stem}: solution text in the page")
            page = out / "lessons" / f"{stem}.html"
            page.write_text(body, encoding="utf-8")
            pages.append(page)

    summaries = readme_summaries(root)
    rows = "\n".join(
        f'<tr><td><a href="lessons/{stem}.html">{html.escape(title)}</a></td>'
        f'<td>{_markdown_code(summaries.get(stem, ""))}</td></tr>'
        for stem, title in lessons)
    index_page = out / "index.html"
    index_page.write_text(_INDEX.format(rows=rows, when=time.strftime("%Y-%m-%d")),
                          encoding="utf-8")
    echo(f"Wrote {len(pages)} lessons to {out} in {time.perf_counter() - start:.0f} s; "
         f"open {index_page}")
    return [index_page] + pages


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlessons.website",
                                     description="Build the course website (static HTML).")
    parser.add_argument("names", nargs="*", help="only these lessons (01, 01_neuron)")
    parser.add_argument("--root", default=".", help="the course folder (.)")
    parser.add_argument("--out", default="site", help="the site's folder (site)")
    parser.add_argument("--jobs", type=int, default=2, help="lessons run at once (2)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cell (600)")
    parser.add_argument("--allow-errors", action="store_true",
                        help="write the pages even when cells raise (tracebacks shown)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, got {args.jobs}")
    try:
        build(args.root, args.out, jobs=args.jobs, timeout=args.timeout, names=args.names,
              allow_errors=args.allow_errors)
    except SiteError as err:
        print(f"site: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
