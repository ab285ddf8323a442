"""Drive a notebook in headless Chromium: open it, run it, find explorers, move controls.

Works in JupyterLab 4 and Notebook 7 (the same building blocks). Each explorer's outer box
carries the CSS class ``nnl-explorer-<name>``; its controls are ipywidgets sliders and
dropdowns, found by the text of their label. ``probe`` watches the pictures.
"""

import re
from dataclasses import dataclass

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}
KERNEL_IDLE = "Python 3 (ipykernel) | Idle"
WIDGET_ERROR = "Error displaying widget"
WIDGET_BUNDLES = ("@jupyter-widgets", "jupyter-matplotlib")
STDERR = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'


def launch(playwright, profile_dir):
    """A fresh headless Chromium (Debian's) with its own profile; returns the context."""
    return playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport=VIEWPORT)


# -- notebook-level actions -----------------------------------------------------------------
def wait_for_kernel_idle(page, timeout_s=90):
    page.get_by_text(KERNEL_IDLE).first.wait_for(state="visible", timeout=timeout_s * 1000)


def run_all_cells(page):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def wait_for_all_cells_run(page, n_cells=None, timeout_s=120):
    """Wait until every code cell (or the first ``n_cells``) shows an execution count.

    Also returns when an error stopped the run (nothing queued any more and an error shown),
    so that the tests can report the error instead of timing out.
    """
    page.wait_for_function(
        """([n, stderr]) => {
            let prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            if (n !== null) prompts = prompts.slice(0, n);
            const text = prompts.map((p) => p.textContent.trim());
            const done = text.map((t) => /^\\[\\d+\\]:?$/.test(t));
            if (text.length > 0 && done.every(Boolean)) return true;
            return done.some(Boolean) && !text.some((t) => t.startsWith('[*]'))
                && document.querySelector(stderr) !== null;
        }""", arg=[n_cells, STDERR], timeout=timeout_s * 1000, polling=250)


def run_first_code_cells(page, n_cells):
    """Select the first code cell and press Shift+Enter ``n_cells`` times; wait for them."""
    page.locator(".jp-CodeCell .jp-InputPrompt").first.click()
    for _ in range(n_cells):
        page.keyboard.press("Shift+Enter")
    wait_for_all_cells_run(page, n_cells)


# The element that scrolls the notebook (JupyterLab 4 and Notebook 7).
_SCROLLER = """(document.querySelector('.jp-mod-current .jp-WindowedPanel-outer')
    || document.querySelector('.jp-WindowedPanel-outer'))"""


def screenshot_whole_notebook(page, path):
    """Screenshot the page tall enough to show the whole notebook, then restore the viewport."""
    # How much of the last cell lies below the panel (the panel's own padding, which lets the
    # last cell scroll to the top, grows with the window and is left out).
    hidden = f"""() => {{
        const o = {_SCROLLER}, cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
        if (!o || !cells.length) return 0;
        return cells[cells.length - 1].getBoundingClientRect().bottom + 16
            - o.getBoundingClientRect().bottom;
    }}"""
    size = page.viewport_size
    height = size["height"]
    page.evaluate(f"() => {{ const o = {_SCROLLER}; if (o) o.scrollTop = 0; }}")
    for _ in range(3):  # cells laid out lazily may grow the notebook once it is all visible
        extra = page.evaluate(hidden)
        if extra <= 0 or height >= 16000:
            break
        height = min(height + int(extra), 16000)
        page.set_viewport_size({"width": size["width"], "height": height})
        page.evaluate(f"() => {{ const o = {_SCROLLER}; if (o) o.scrollTop = 0; }}")
        page.wait_for_timeout(500)
    page.evaluate(f"() => {{ const o = {_SCROLLER}; if (o) o.scrollTop = 0; }}")
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    page.wait_for_timeout(200)


def problems(page, root=None):
    """Texts a learner should never see: widget errors, stderr outputs, tracebacks."""
    scope = root if root is not None else page
    found = [WIDGET_ERROR] * scope.get_by_text(WIDGET_ERROR).count()
    found += [f"stderr: {t.strip()[:600]}" for t in scope.locator(STDERR).all_inner_texts()]
    found += [f"explorer error: {t.strip()[:600]}"
              for t in scope.locator(".nnl-explorer-error").all_inner_texts() if t.strip()]
    found += [f"traceback: {t.strip()[:600]}"
              for t in scope.locator(".jp-OutputArea-output").all_inner_texts()
              if "Traceback" in t]
    return found


def widget_errors(page_errors):
    """The uncaught page errors raised in the widget or ipympl front-end code.

    Other uncaught errors come from the Jupyter front end itself (Notebook 7.6 throws one
    while loading its shortcut settings, with or without widgets) and are only reported.
    """
    return [e for e in page_errors if any(b in e for b in WIDGET_BUNDLES)]


# -- explorers ------------------------------------------------------------------------------
def explorer_selector(name):
    return f".nnl-explorer-{name}"


def screenshot_explorer(page, selector, path):
    """Screenshot the explorer's whole box, growing the viewport for the time it takes."""
    root = page.locator(selector).first
    size = page.viewport_size
    root.evaluate("e => e.scrollIntoView({block: 'start'})")
    box = root.bounding_box()
    # The notebook's scrolling panel ends above the status bar: grow until the box fits.
    bottom = page.evaluate(f"() => {{ const o = {_SCROLLER}; "
                           f"return o ? o.getBoundingClientRect().bottom : {size['height']}; }}")
    if box["y"] + box["height"] > bottom:
        page.set_viewport_size({"width": size["width"], "height": int(
            size["height"] + box["y"] + box["height"] - bottom) + 20})
        page.wait_for_timeout(300)
        root.evaluate("e => e.scrollIntoView({block: 'start'})")
        box = root.bounding_box()
    try:
        page.screenshot(path=str(path), clip=box)
    finally:
        page.set_viewport_size(size)


@dataclass(frozen=True)
class Control:
    """One control of an explorer and how to move it.

    kind : "slider" (click the handle, then ArrowRight, or ArrowLeft at the maximum) or
        "dropdown" (pick ``option``, or the next option).
    label : the text of the widget's label, matched case-insensitively as a substring;
        None takes the explorer's first widget of that kind.
    """

    kind: str
    label: str | None = None
    option: str | None = None

    def __post_init__(self):
        if self.kind not in _KIND_SELECTORS:
            raise ValueError(f"kind must be one of {sorted(_KIND_SELECTORS)}; got {self.kind!r}")

    def describe(self):
        what = f"{self.kind} {self.label!r}" if self.label else f"first {self.kind}"
        return what + (f" -> {self.option!r}" if self.option else "")


_KIND_SELECTORS = {"slider": ".widget-slider", "dropdown": ".widget-dropdown"}


def _find(page, selector, control):
    widgets = page.locator(selector).first.locator(_KIND_SELECTORS[control.kind])
    if control.label is not None:
        widgets = widgets.filter(has=page.locator(".widget-label", has_text=control.label))
    return widgets.first


def read_value(page, selector, control):
    """The control's current value as shown: the slider's readout or the selected option."""
    widget = _find(page, selector, control)
    if control.kind == "slider":
        return widget.locator(".widget-readout").inner_text().strip()
    return widget.locator("select").evaluate("s => s.options[s.selectedIndex]?.text ?? ''")


def prepare(page, selector, control, mouse=False):
    """Get the control ready; return a function that moves it (called once the probe is armed).

    Call ``read_value`` after this: getting a slider ready clicks its handle (which does not
    move it, but makes its cell active). With ``mouse=True`` a slider's handle is dragged a
    little to the right (to the left at the maximum) instead of moved by the arrow keys
    (Notebook 7 processes its keyboard shortcuts before widgets see the keys).
    """
    widget = _find(page, selector, control)
    widget.wait_for(state="visible", timeout=10_000)
    widget.scroll_into_view_if_needed()
    if control.kind == "slider":
        handle = widget.locator(".noUi-handle").first
        now, top = (handle.get_attribute(a) for a in ("aria-valuenow", "aria-valuemax"))
        key = "ArrowLeft" if now is not None and top is not None and float(now) >= float(
            top) else "ArrowRight"
        # Click the handle first, as a learner does: it also makes its cell the active one.
        handle.click()
        if mouse:
            def drag():  # positions are read now: screenshots in between may scroll the page
                handle.scroll_into_view_if_needed()
                track = widget.locator(".noUi-base").first.bounding_box()
                spot = handle.bounding_box()
                x0, y = spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2
                step = max(20.0, 0.15 * track["width"])
                x1 = x0 - step if key == "ArrowLeft" else x0 + step
                x1 = min(max(x1, track["x"] + 1), track["x"] + track["width"] - 1)
                page.mouse.move(x0, y)
                page.mouse.down()
                page.mouse.move(x1, y, steps=5)
                page.mouse.up()
            return drag
        handle.focus()
        return lambda: page.keyboard.press(key)
    select = widget.locator("select")
    labels = select.locator("option").all_inner_texts()
    current = select.evaluate("s => s.selectedIndex")
    index = (labels.index(control.option) if control.option is not None
             else (current + 1) % len(labels))
    return lambda: select.select_option(index=index)
