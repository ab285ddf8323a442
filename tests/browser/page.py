"""Drive a notebook in headless Chromium: run it, find explorers, move controls, time pictures.

The picture of an explorer is every ``canvas`` (an ipympl figure) and ``img`` (an ipywidgets
``Image`` or an inline PNG in an ``Output``) inside its outer box, which carries the CSS class
``nnl-explorer-<name>``. A small script installed in the page fingerprints that picture (a
hash of the canvas pixels, the image sources and whether they have loaded) on every animation
frame after a control is moved, so the time from the key press (the event's own time stamp)
to the last change of the picture is measured inside the browser, not across the
Playwright connection.
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

PROBE_JS = r"""
() => {
  if (window.__nnl) return;
  const hashString = (s, h) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  };
  const hashCanvas = (c) => {
    if (!c.width || !c.height) return 'empty';
    const ctx = c.getContext('2d');
    if (!ctx) return 'no2d';
    const words = new Uint32Array(ctx.getImageData(0, 0, c.width, c.height).data.buffer);
    let h = 2166136261, varied = false;
    for (let i = 0; i < words.length; i++) {
      h = Math.imul(h ^ words[i], 16777619);
      if (words[i] !== words[0]) varied = true;
    }
    return `${c.width}x${c.height}:${h >>> 0}:${varied ? 'v' : 'u'}`;
  };
  const pictures = (root) => root ? [...root.querySelectorAll('canvas, img')] : [];
  window.__nnl = {
    pictures,
    fingerprint(root) {
      return pictures(root).map((e) => e.tagName === 'CANVAS'
        ? hashCanvas(e)
        : `${hashString(e.src || '', 2166136261)}:${e.complete ? e.naturalWidth : 'loading'}`
      ).join('|');
    },
    rendered(root) {
      // Something a learner can look at: a canvas with more than one colour, or a loaded image.
      return pictures(root).some((e) => e.tagName === 'CANVAS'
        ? hashCanvas(e).endsWith(':v')
        : e.complete && e.naturalWidth > 0);
    },
    still(selector, quietMs, timeoutMs) {
      // Resolve once the picture has not changed for quietMs (or after timeoutMs).
      const root = document.querySelector(selector);
      return new Promise((resolve) => {
        const start = performance.now();
        let last = this.fingerprint(root), since = start;
        const tick = () => {
          const now = performance.now(), fp = this.fingerprint(root);
          if (fp !== last) { last = fp; since = now; }
          if (now - since >= quietMs || now - start >= timeoutMs) resolve(now - since >= quietMs);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    },
    watch(selector, durationMs) {
      // Resolve after durationMs with the times at which the picture changed.
      const root = document.querySelector(selector);
      return new Promise((resolve) => {
        const start = performance.now(), changes = [];
        let last = this.fingerprint(root);
        const tick = () => {
          const now = performance.now(), fp = this.fingerprint(root);
          if (fp !== last) { last = fp; changes.push(now - start); }
          if (now - start >= durationMs) resolve(changes);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    },
    arm(selector, settleMs, timeoutMs) {
      const root = document.querySelector(selector);
      const probe = {t0: null, event: null, changes: [], frames: 0, done: false,
                     armed: performance.now()};
      let last = this.fingerprint(root);
      const types = ['keydown', 'pointerdown', 'mousedown', 'input', 'change', 'click'];
      const onEvent = (e) => {
        if (probe.t0 === null) { probe.t0 = e.timeStamp; probe.event = e.type; }
      };
      types.forEach((t) => document.addEventListener(t, onEvent, true));
      const tick = () => {
        const now = performance.now();
        probe.frames++;
        const fp = this.fingerprint(root);
        if (fp !== last) { last = fp; probe.changes.push(now); }
        const quiet = probe.changes.length ? now - probe.changes[probe.changes.length - 1] : 0;
        if ((probe.t0 !== null && quiet >= settleMs) || now - probe.armed >= timeoutMs) {
          probe.done = true;
          types.forEach((t) => document.removeEventListener(t, onEvent, true));
          return;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      window.__nnlProbe = probe;
    },
  };
}
"""


def launch(playwright, profile_dir):
    """A fresh headless Chromium (Debian's) with its own profile; returns the context."""
    return playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport=VIEWPORT)


def install_probe(page):
    page.evaluate(PROBE_JS)


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


def wait_rendered(page, selector, timeout_s=60):
    """Wait until the explorer's box exists and shows a non-blank picture."""
    page.wait_for_function(
        "(s) => window.__nnl.rendered(document.querySelector(s))", arg=selector,
        timeout=timeout_s * 1000, polling=200)


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


def wait_still(page, selector, quiet_ms=400, timeout_ms=10_000):
    """Wait until the explorer's picture has not changed for ``quiet_ms``; True if it did."""
    return page.evaluate("([s, q, t]) => window.__nnl.still(s, q, t)",
                         [selector, quiet_ms, timeout_ms])


def watch(page, selector, duration_ms):
    """Milliseconds (from now) at which the explorer's picture changed during ``duration_ms``."""
    return page.evaluate("([s, d]) => window.__nnl.watch(s, d)", [selector, duration_ms])


def wait_all_rendered(page, selectors, timeout_s=60):
    """Wait until every explorer shows a picture; return the selectors that still do not."""
    try:
        page.wait_for_function(
            "(ss) => ss.every((s) => window.__nnl.rendered(document.querySelector(s)))",
            arg=list(selectors), timeout=timeout_s * 1000, polling=250)
    except Exception:  # a Playwright TimeoutError: say which ones are missing instead
        pass
    return page.evaluate(
        "(ss) => ss.filter((s) => !window.__nnl.rendered(document.querySelector(s)))",
        list(selectors))


def picture_pngs(page, selector):
    """Screenshots (PNG bytes) of every canvas and image of the explorer, in DOM order."""
    shots = []
    for element in page.locator(selector).first.locator("canvas, img").all():
        box = element.bounding_box()
        if box is None or box["width"] < 2 or box["height"] < 2:
            continue
        shots.append(element.screenshot())
    return shots


@dataclass(frozen=True)
class Control:
    """One control of an explorer: which widget to move and how.

    kind : "slider" (focus the handle, press ArrowRight, or ArrowLeft at the maximum),
        "dropdown" (pick ``option``, or the next option), "toggle" (click the
        ``option`` button of a ToggleButtons), "checkbox" or "button" (click it).
    label : text of the widget's label (or the button's text), matched case-insensitively
        as a substring; None takes the first widget of that kind.
    """

    kind: str
    label: str | None = None
    option: str | None = None

    def describe(self):
        what = f"{self.kind} {self.label!r}" if self.label else f"first {self.kind}"
        return what + (f" -> {self.option!r}" if self.option else "")


_KIND_SELECTORS = {
    "slider": ".widget-slider",
    "dropdown": ".widget-dropdown",
    "toggle": ".widget-toggle-buttons",
    "checkbox": ".widget-checkbox",
    "button": "button.widget-button, button.jupyter-button",
}


def _find(page, selector, control):
    root = page.locator(selector).first
    widgets = root.locator(_KIND_SELECTORS[control.kind])
    if control.label is not None:
        if control.kind == "button":
            widgets = widgets.filter(has_text=control.label)
        else:
            widgets = widgets.filter(has=page.locator(".widget-label", has_text=control.label))
    return widgets.first


def read_value(page, selector, control):
    """The control's current value as text (readout, selected option, pressed button)."""
    widget = _find(page, selector, control)
    if control.kind == "slider":
        return widget.locator(".widget-readout").inner_text().strip()
    if control.kind == "dropdown":
        return widget.locator("select").evaluate("s => s.options[s.selectedIndex]?.text ?? ''")
    if control.kind == "toggle":
        return " ".join(widget.locator("button.mod-active").all_inner_texts())
    if control.kind == "checkbox":
        return str(widget.locator("input").is_checked())
    return ""


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
        # Click the handle first, as a learner does: that makes its cell the active one.
        # Focus alone leaves another cell active, and when that is a markdown heading the
        # notebook's ArrowRight shortcut (expand heading) swallows the key press.
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
    if control.kind == "dropdown":
        select = widget.locator("select")
        labels = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.selectedIndex")
        index = (labels.index(control.option) if control.option is not None
                 else (current + 1) % len(labels))
        return lambda: select.select_option(index=index)
    if control.kind == "toggle":
        button = widget.locator("button", has_text=control.option)
        return lambda: button.first.click()
    if control.kind == "checkbox":
        return lambda: widget.locator("input").click()
    return lambda: widget.click()


@dataclass
class Timing:
    """Milliseconds from the input event to the first and the last change of the picture."""

    event: str | None
    first_ms: float | None
    settled_ms: float | None
    n_changes: int
    frames: int


def move_and_time(page, selector, act, settle_ms=500, timeout_ms=20_000):
    """Arm the picture probe, run ``act`` (the key press), wait until the picture is still."""
    page.evaluate("([s, q, t]) => window.__nnl.arm(s, q, t)", [selector, settle_ms, timeout_ms])
    act()
    page.wait_for_function("() => window.__nnlProbe.done", timeout=timeout_ms + 10_000,
                           polling=100)
    probe = page.evaluate(
        "() => { const p = window.__nnlProbe;"
        " return {t0: p.t0, event: p.event, changes: p.changes, frames: p.frames}; }")
    t0 = probe["t0"]
    changes = [t - t0 for t in probe["changes"] if t0 is not None and t >= t0]
    return Timing(event=probe["event"], first_ms=changes[0] if changes else None,
                  settled_ms=changes[-1] if changes else None, n_changes=len(changes),
                  frames=probe["frames"])
