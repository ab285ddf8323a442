"""Watch an explorer's picture from inside the page, and time how fast it answers.

The picture of an explorer is every ``canvas`` (an ipympl figure) and ``img`` (an ipywidgets
``Image``, or an inline PNG in an ``Output``) inside its outer box. A small script installed
in the page fingerprints that picture (a hash of the canvas pixels, the image sources and
whether they have loaded) on every animation frame, so the time from an input event (its own
time stamp) to the last change of the picture is measured inside the browser, not across the
Playwright connection.
"""

from dataclasses import dataclass

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



def install_probe(page):
    """Install the picture probe in ``page`` (once; call again after a reload)."""
    page.evaluate(PROBE_JS)


def wait_rendered(page, selector, timeout_s=60):
    """Wait until the explorer's box exists and shows a non-blank picture."""
    page.wait_for_function(
        "(s) => window.__nnl.rendered(document.querySelector(s))", arg=selector,
        timeout=timeout_s * 1000, polling=200)



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



def wait_still(page, selector, quiet_ms=400, timeout_ms=10_000):
    """Wait until the explorer's picture has not changed for ``quiet_ms``; True if it did."""
    return page.evaluate("([s, q, t]) => window.__nnl.still(s, q, t)",
                         [selector, quiet_ms, timeout_ms])



def watch(page, selector, duration_ms):
    """Milliseconds (from now) at which the explorer's picture changed during ``duration_ms``."""
    return page.evaluate("([s, d]) => window.__nnl.watch(s, d)", [selector, duration_ms])



def picture_sizes(page, selector):
    """``(natural width, natural height, shown width, shown height)`` of each image, in px."""
    return [tuple(size) for size in page.evaluate(
        "(s) => [...document.querySelector(s).querySelectorAll('img')].map((i) =>"
        " [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight])", selector)]



def picture_pngs(page, selector):
    """Screenshots (PNG bytes) of every canvas and image of the explorer, in DOM order."""
    shots = []
    for element in page.locator(selector).first.locator("canvas, img").all():
        box = element.bounding_box()
        if box is None or box["width"] < 2 or box["height"] < 2:
            continue
        shots.append(element.screenshot())
    return shots



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
