"""How smooth a slider drag is in a real browser: JupyterLab 4 + Debian's Chromium.

Run from anywhere (needs ``/usr/bin/chromium`` and the Python package ``playwright``,
as ``tests/test_browser.py`` does)::

    python benchmarks/bench_browser.py            # unthrottled and at 25 % of a CPU
    python benchmarks/bench_browser.py --cpu 1 --cpu 0.25 --cpu 0.1 --repeats 5
    python benchmarks/bench_browser.py --root /tmp/old-checkout --server plain
    python benchmarks/bench_browser.py --rtt 0 --rtt 50 --rtt 100 --rtt 200   # make bench-browser RTT=...
    python benchmarks/bench_browser.py --rtt 0 --rtt 100 --explorer OutlierExplorer --server project
    python benchmarks/bench_browser.py --rtt 0 --rtt 100 --explorer MinibatchExplorer --slider epoch

It measures two servers one after the other: ``project``, JupyterLab with the project's
``.jupyter/jupyter_server_config.py`` (TCP_NODELAY on the kernel websocket), as ``make lab``
and Binder run it, and ``plain``, JupyterLab's defaults, as a student's own install runs it.
For each it starts JupyterLab on 127.0.0.1 (throwaway config, settings and workspaces), opens
notebook 01, runs all cells, and drags the "slope m" slider of its ``LossExplorer`` with
the mouse: steadily, one pixel every ``--step-ms`` milliseconds, right across the
slider and back (a fast drag: about a hundred slider values a second). ``--explorer NAME``
drags the first slider of another slider-driven explorer of ``lw.EXPLORERS`` instead, made
by its registry entry on the classic data in a notebook of its own (under
``test-artifacts/bench/``, gitignored); ``--slider LABEL`` drags its slider of that name
(e.g. the MinibatchExplorer's ``epoch``: its first slider, the learning rate, trains again at
the release and is not dragged through pictures). In the page it
records every pointer move and every new picture: one the ``Image`` widget loads (an explorer
drawn in the kernel) or one the browser draws in the SVG over the still picture (an explorer
drawn in the browser, ``linreg_widgets/browser.js``: its range input gets the drag's values
as a real drag gives them, an ``input`` event per pixel and a ``change`` at the release). It
reports per drag:

* **pictures/s**: new pictures loaded during the drag, per second of drag;
* **settle**: from the last pointer move to the last picture loaded after it (the time
  a student waits for the plot to catch up with the mouse);
* **sent after release**: how many slider values the page sent to the kernel after the
  last move (at most 1 means no backlog is replayed: ipywidgets keeps one message in
  flight and, when it returns, sends only the newest value);
* **final ok**: whether the last picture's readout shows the slider's final value;
* **kernel ms/frame**: the median time the kernel spent in the explorer's update and
  render per slider value it received (timed inside the kernel), so the rest of a frame's
  round trip is messaging and the browser; **kernel ms/move**: the kernel's time over the
  whole drag per pointer move (near zero when the browser draws);
* **kB/s down / up**: bytes from the server to the browser and back per second of the drag
  (the traffic of one dragging student), counted by the proxy below.

Chromium reaches JupyterLab through ``delay_proxy.DelayProxy``, a TCP proxy on 127.0.0.1 that
forwards every chunk, HTTP and websocket alike, half a round trip late each way (no bandwidth
limit, no loss). ``--rtt MS`` (repeatable) sets the round trip: a student on Colab, Binder or a
hub is 20–200 ms away. The notebook is opened at 0 ms, then each RTT is measured in turn on the
same page. The default is 0 ms: loopback, still through the proxy, so that bytes are counted the
same way at every RTT. Only the browser's side is delayed: the kernel's messages reach the proxy
over loopback, so the server's own TCP waits (Nagle's algorithm, with ``--server plain``) are
those of loopback, not of a real network.

``--cpu F`` holds the kernel process to a share ``F`` of one CPU for the drag (a
crowded classroom server) with a SIGSTOP/SIGCONT duty cycle of ``--period-ms``
(``cpulimit`` works the same way); it defaults to 1 and 0.25, or to 1 alone when ``--rtt``
is given. Medians over ``--repeats`` drags are printed as a table, a row per server, RTT and
CPU share. This is a benchmark, not a test: it prints the targets beside the figures and
exits 0 unless the measurement itself failed. The targets: issue 11's on loopback (at least
25 pictures/s and a settle within 100 ms unthrottled; within 400 ms at 25 % CPU, with no
backlog) and issue 19's at a 100 ms round trip (at least 30 pictures/s, a settle within 50 ms,
at most 10 kB/s down and up together).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
# The browser test's server and page helpers: one copy of how to start and drive JupyterLab.
import test_browser as tb  # noqa: E402
from delay_proxy import DelayProxy  # noqa: E402  (beside this file)

NOTEBOOK = "notebooks/01_loss_function.ipynb"
# --explorer NAME (not the LossExplorer): a notebook of its own, made by its EXPLORERS entry
BENCH_DIR = Path("test-artifacts", "bench")
PANEL = tb.PANEL
# The LossExplorer's output: the widget with both an "intercept b" and a "slope m" slider.
EXPLORER_TEXT = "intercept b"

# In the page: every pointer move, every picture loaded, and every kernel message JupyterLab
# sends or receives (its anyMessage signal, after decoding), for the per-frame breakdown.
_INSTRUMENT_JS = """(root) => {
  const rec = {moves: [], loads: [], sizes: [], msgs: []};
  window.__bench = rec;
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  kernel.anyMessage.connect((_, {msg, direction}) => {
    const data = (msg.content && msg.content.data) || {};
    rec.msgs.push({t: performance.now(), dir: direction, type: msg.header.msg_type,
                   id: msg.header.msg_id, parent: (msg.parent_header || {}).msg_id,
                   state: msg.content.execution_state, method: data.method,
                   value: data.state && 'value' in data.state, buffers: (msg.buffers || []).length});
  });
  document.addEventListener('mousemove', () => rec.moves.push(performance.now()), true);
  // drawn in the browser: each redraw of the SVG over the still picture is a new picture
  const drawn = root.querySelector('svg.lw-moving');
  if (drawn) {
    root.addEventListener('input', () => rec.moves.push(performance.now()), true);
    new MutationObserver(() => rec.loads.push(performance.now()))
      .observe(drawn, {subtree: true, attributes: true, childList: true});
  }
  root.addEventListener('load', (e) => {
    if (e.target.tagName === 'IMG') {
      rec.loads.push(performance.now());
      if (rec.sizes.length < 5) {
        fetch(e.target.src).then(r => r.blob()).then(b => rec.sizes.push(b.size)).catch(() => {});
      }
    }
  }, true);
  return true;
}"""

_RESET_JS = "() => { const r = window.__bench; r.moves = []; r.loads = []; r.msgs = []; return true; }"
_READ_JS = "() => window.__bench"
_COUNT_JS = "() => window.__bench.loads.length"

_EXECUTE_JS = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""

# Kernel side: time every update + render of the notebook's explorers of the class dragged
# (patched on each instance, so the observers already registered call the timed versions).
# Notebook 01 has two LossExplorers; the one dragged is the one whose times grow, and its first
# slider and readout are reported.
_KERNEL_PROBE = """
import gc as _gc, json as _json, os as _os, time as _time
import linreg_widgets as _lw
_bench_explorers = [o for o in _gc.get_objects() if type(o).__name__ == {name!r} and hasattr(o, "refresh")]
_bench_times = {{id(e): [] for e in _bench_explorers}}
def _bench_controls(_e):
    view = getattr(_e, "view", None)  # drawn in the browser: the controls it draws (not buttons)
    if view is None:
        return [_e.m_slider, _e.b_slider]
    return [c for c in view.controls if c.has_trait("value")]
def _bench_slider(_e, label={label!r}):  # the one named label, else the first (a range input)
    sliders = [c for c in _bench_controls(_e) if c.has_trait("step")]
    return ([c for c in sliders if c.description == label] or sliders)[0]
def _bench_timed(_self):
    _refresh, _times = type(_self).refresh, _bench_times[id(_self)]
    def refresh(*args):
        start = _time.perf_counter()
        _refresh(_self, *args)
        _times.append(_time.perf_counter() - start)
    return refresh
# the controls observe the bound method saved at construction: re-register the timed one
for _e in _bench_explorers:
    _redrawing = []  # the controls that redraw (others, such as a retraining lr, are left alone)
    for _s in _bench_controls(_e):
        try:
            _s.unobserve(_e.refresh, names="value")
            _redrawing.append(_s)
        except ValueError:
            pass
    _e.refresh = _bench_timed(_e)
    for _s in _redrawing:
        _s.observe(_e.refresh, names="value")
print(_json.dumps({{"pid": _os.getpid(), "explorers": len(_bench_explorers)}}))
"""
_KERNEL_READ = """_e = max(_bench_explorers, key=lambda e: len(_bench_times[id(e)]))
_s = _bench_slider(_e)
# a FloatLogSlider's range input moves its exponent: compared there
_v = __import__("math").log(_s.value, _s.base) if hasattr(_s, "base") else _s.value
print(_json.dumps({"times": _bench_times[id(_e)], "m": _v, "step": _s.step,
                   "readout": _e.readout.value}))
for _t in _bench_times.values():
    _t.clear()"""


# The duty cycle runs in its own small process (not a thread of this one, where the GIL and
# Playwright's event loop would delay it), on absolute deadlines so that late wake-ups do
# not add up; it always leaves the kernel running when it ends.
_THROTTLE_CODE = """
import os, signal, sys, time
pid, share, period = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
running = True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
start = time.monotonic()
try:
    while running:
        os.kill(pid, signal.SIGCONT)
        time.sleep(max(0.0, start + share * period - time.monotonic()))
        if not running:
            break
        os.kill(pid, signal.SIGSTOP)
        start += period
        time.sleep(max(0.0, start - time.monotonic()))
except ProcessLookupError:  # the process has ended
    pass
finally:
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:
        pass
"""


class Throttle:
    """Hold a process to a share of one CPU: SIGCONT for ``share * period``, SIGSTOP for the rest."""

    def __init__(self, pid: int, share: float, period: float):
        self.pid, self.share, self.period = pid, share, period
        self._proc = None

    def __enter__(self):
        if self.share < 1:
            args = [sys.executable, "-c", _THROTTLE_CODE, str(self.pid), str(self.share), str(self.period)]
            self._proc = subprocess.Popen(args)
        return self

    def __exit__(self, *exc):
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGCONT)


def start_lab(root: Path, tmp: Path, echo: bool, server_config: Path | None):
    """JupyterLab serving ``root`` as the browser test starts it, with ``server_config`` on
    ``JUPYTER_CONFIG_PATH`` (None: JupyterLab's defaults); returns (process, base URL, token)."""
    env = tb.lab_env(tmp, server_config)
    if not echo:
        env["JUPYTER_WIDGETS_ECHO"] = "0"
    return tb.start_lab(root, tmp, env, tmp / "server.log")


def wait(check, timeout, what, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def explorer_notebook(name: str, root: Path) -> str:
    """The notebook to open for the explorer ``name``: notebook 01 for the LossExplorer, else one
    written under ``root``'s test-artifacts/bench/ that makes it with its EXPLORERS entry (the
    path, relative to ``root``)."""
    if name == "LossExplorer":
        return NOTEBOOK
    import nbformat

    folder = root / BENCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    cells = [
        f"import sys\nsys.path.insert(0, {str(root)!r})\n"
        "import linreg_widgets as lw\nimport linreg_core as lc\n"
        'x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")',
        f"explorer = lw.EXPLORERS[{name!r}].make(x, y)\nexplorer",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path.relative_to(root).as_posix()


def open_and_run(page, base, token, notebook):
    """Open the notebook, Run All, and return the explorer's output element (notebook 01's
    LossExplorer, or the explorer drawn in the browser)."""
    page.goto(f"{base}/lab/tree/{urllib.parse.quote(notebook)}?reset&token={token}", timeout=90_000)
    panel = page.locator(PANEL)
    panel.wait_for(state="visible", timeout=90_000)
    page.wait_for_function("() => !!window.jupyterapp", timeout=90_000)
    wait(lambda: tb._kernel_ready(page), tb.KERNEL_TIMEOUT, "the kernel")
    tb._menu(page, "Run", "runmenu:run-all")

    def finished():
        prompts = panel.evaluate(tb._PROMPTS_JS)
        return "[*]:" not in prompts and tb._kernel_ready(page) and prompts

    wait(finished, tb.RUN_ALL_TIMEOUT, "Run All", 0.5)
    time.sleep(1.0)
    wait(finished, 30, "the kernel to stay idle")
    drawn = panel.locator(tb.DRAWN)
    if drawn.count():  # drawn in the browser: the first is the live lesson's (compact)
        widget = drawn.first
        widget.scroll_into_view_if_needed()
        wait(lambda: widget.locator(".lw-readout b").count(), 30, "the explorer's drawing")
        return widget
    widget = (
        panel.locator(tb.TOP_OUTPUT).filter(has=page.locator(tb.PLOT_IMAGES)).filter(has_text=EXPLORER_TEXT)
    )
    widget = widget.first
    widget.scroll_into_view_if_needed()
    wait(lambda: tb._loaded_images(widget), 30, "the explorer's picture")
    return widget


# A steady drag dispatched inside the page (Playwright's mouse.move is a CDP round trip of
# about 30 ms here, too slow and too uneven for a fast drag): mouse events on the handle's
# touch area, then on the document, one pixel every `stepMs` (noUiSlider listens to mouse
# events in Chromium, which has no navigator.pointerEnabled).
_DRAG_JS = """async ([handle, xs, y, stepMs]) => {
  const opts = (x) => ({bubbles: true, cancelable: true, composed: true, clientX: x, clientY: y,
                        view: window, button: 0, buttons: 1});
  const area = handle.querySelector('.noUi-touch-area') || handle;
  area.dispatchEvent(new MouseEvent('mousedown', opts(xs[0])));
  const start = performance.now();
  for (let i = 1; i < xs.length; i++) {
    const wait = start + i * stepMs - performance.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    document.documentElement.dispatchEvent(new MouseEvent('mousemove', opts(xs[i])));
  }
  const up = opts(xs[xs.length - 1]);
  up.buttons = 0;
  document.documentElement.dispatchEvent(new MouseEvent('mouseup', up));
  return performance.now() - start;
}"""


# The same drag on a native range input (an explorer drawn in the browser): synthetic mouse
# events do not move it, so each pixel's value is set as the browser sets it during a drag
# (the value under the pointer, an `input` event), then `change` at the release.
_DRAG_RANGE_JS = """async ([input, xs, stepMs]) => {
  const box = input.getBoundingClientRect();
  const lo = Number(input.min), hi = Number(input.max);
  const at = (x) => lo + (hi - lo) * Math.min(1, Math.max(0, (x - box.left) / box.width));
  const start = performance.now();
  for (let i = 0; i < xs.length; i++) {
    const wait = start + i * stepMs - performance.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    const before = input.value;
    input.value = String(at(xs[i]));
    if (input.value !== before) input.dispatchEvent(new Event('input', {bubbles: true}));
  }
  input.dispatchEvent(new Event('change', {bubbles: true}));
  return performance.now() - start;
}"""


def drag(page, widget, proxy, step_ms: float, quiet_s: float, label: str | None = None):
    """Drag the slope slider (or the slider named ``label``) to its left end, right across and back
    to the middle; return what the page recorded, with the bytes ``proxy`` forwarded during the drag."""
    if widget.locator("input.lw-range").count():  # the LossExplorer's slope, or the first slider
        slope = widget.get_by_role("slider", name=label or "slope m", exact=True)
        slider = slope if slope.count() else widget.locator("input.lw-range").first
        track = slider.bounding_box()
        x0, x1 = int(track["x"] + 2), int(track["x"] + track["width"] - 2)
        lo, hi, value = (float(slider.evaluate(f"e => e.{k}")) for k in ("min", "max", "value"))
        start = int(track["x"] + (value - lo) / (hi - lo) * track["width"])
        xs = [*range(start, x0, -1), *range(x0, x1), *range(x1, (x0 + x1) // 2, -1)]
        args = [slider.element_handle(), xs, step_ms]
        record = _recorded(page, proxy, lambda: page.evaluate(_DRAG_RANGE_JS, args), quiet_s)
        record["shown_m"] = float(slider.evaluate("e => e.value"))  # the value the browser shows
        return record
    slider = widget.locator(tb.SLIDER).filter(has_text="slope m").first
    track = slider.locator(".noUi-target").first.bounding_box()
    handle = slider.locator(tb.SLIDER_HANDLE).first
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    x0, x1 = int(track["x"] + 2), int(track["x"] + track["width"] - 2)
    start = int(box["x"] + box["width"] / 2)
    xs = [*range(start, x0, -1), *range(x0, x1), *range(x1, (x0 + x1) // 2, -1)]
    return _recorded(
        page, proxy, lambda: page.evaluate(_DRAG_JS, [handle.element_handle(), xs, y, step_ms]), quiet_s
    )


def _recorded(page, proxy, run_drag, quiet_s: float):
    """Run the drag; what the page recorded, with the bytes ``proxy`` forwarded during it."""
    page.evaluate(_RESET_JS)
    bytes_before, start_s = proxy.bytes_moved(), time.monotonic()
    run_drag()
    traffic = {"seconds": time.monotonic() - start_s}
    for name, before, after in zip(("down", "up"), bytes_before, proxy.bytes_moved()):
        traffic[name] = after - before
    # wait until no new picture has arrived for quiet_s seconds
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() - last_change < quiet_s:
        count = page.evaluate(_COUNT_JS)
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        time.sleep(0.05)
    return {**page.evaluate(_READ_JS), "traffic": traffic}


# The stages of one frame, from the page's message record (milliseconds, medians over frames).
STAGES = {
    "to kernel": "slider value sent → kernel's 'busy' received",
    "kernel": "'busy' → the new picture's message received (echo, update, render, PNG)",
    "to idle": "picture message → kernel's 'idle' received",
    "to next send": "'idle' → the next slider value sent (ipywidgets' throttle)",
    "to loaded": "picture message → the <img> loaded it",
    "frame": "slider value sent → next slider value sent",
}


def breakdown(record):
    """Per-frame stage durations (ms) during a drag: each slider-value message the page sent,
    matched with the kernel's replies to it (their parent) and the next picture loaded."""
    msgs, loads = record["msgs"], sorted(record["loads"])
    sends = [m for m in msgs if m["dir"] == "send" and m["type"] == "comm_msg" and m["value"]]
    replies = {}
    for m in msgs:
        if m["dir"] == "recv" and m["parent"]:
            replies.setdefault(m["parent"], []).append(m)
    stages = {name: [] for name in STAGES}
    for send, following in zip(sends, [*sends[1:], None]):
        got = replies.get(send["id"], [])
        busy = next((m["t"] for m in got if m["state"] == "busy"), None)
        idle = next((m["t"] for m in got if m["state"] == "idle"), None)
        picture = next((m["t"] for m in got if m["method"] == "update" and m["buffers"]), None)
        if None in (busy, idle, picture):
            continue
        loaded = next((t for t in loads if t >= picture), None)
        stages["to kernel"].append(busy - send["t"])
        stages["kernel"].append(picture - busy)
        stages["to idle"].append(idle - picture)
        if loaded is not None:
            stages["to loaded"].append(loaded - picture)
        if following is not None:
            stages["to next send"].append(following["t"] - idle)
            stages["frame"].append(following["t"] - send["t"])
    return {name: statistics.median(v) if v else float("nan") for name, v in stages.items()}


def summarize(record, kernel):
    moves, loads = record["moves"], record["loads"]
    first, last = moves[0], moves[-1]
    during = [t for t in loads if first <= t <= last]
    after = [t for t in loads if t > last]
    readout_m = kernel["readout"]
    traffic = record["traffic"]
    return {
        "fps": len(during) / ((last - first) / 1000),
        "settle_ms": (after[-1] - last) if after else 0.0,
        "sent_after_release": sum(
            1 for m in record["msgs"] if m["dir"] == "send" and m["value"] and m["t"] > last
        ),
        "drag_s": (last - first) / 1000,
        "pictures": len(during) + len(after),
        "kernel_ms": 1000 * statistics.median(kernel["times"]) if kernel["times"] else float("nan"),
        "kernel_ms_move": 1000 * sum(kernel["times"]) / len(moves),
        # drawn in the browser: the kernel's slider holds the value the browser shows (to its step);
        # drawn in the kernel (the LossExplorer of an older checkout): its readout shows that value
        "final_ok": abs(record["shown_m"] - kernel["m"]) <= kernel["step"] / 2
        if "shown_m" in record
        else f"{kernel['m']:.4g}·x".replace("-", "−") in readout_m,
        "kb_down": traffic["down"] / traffic["seconds"] / 1000,
        "kb_up": traffic["up"] / traffic["seconds"] / 1000,
        "stages_ms": breakdown(record),
    }


SERVERS = {
    "project": "the project's .jupyter server config (TCP_NODELAY), as make lab and Binder run",
    "plain": "JupyterLab's defaults (Nagle's algorithm on the kernel websocket)",
}


def measure(root, server_config, rtts, shares, args):
    """Start JupyterLab behind a delaying proxy, open and run notebook 01, then drag at each
    round trip and CPU share; return ({(rtt, share): [per-drag figures]}, median PNG bytes)."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="linreg-bench-browser-"))
    proc = None
    results = {}
    try:
        proc, base, token = start_lab(root, tmp, echo=not args.no_echo, server_config=server_config)
        with DelayProxy(urllib.parse.urlsplit(base).port) as proxy, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=tb.CHROMIUM, headless=True, args=tb.CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(30_000)
            widget = open_and_run(
                page, f"http://127.0.0.1:{proxy.port}", token, explorer_notebook(args.explorer, root)
            )
            code = _KERNEL_PROBE.format(name=args.explorer, label=args.slider)
            probe = json.loads(page.evaluate(_EXECUTE_JS, code).strip().splitlines()[-1])
            if not probe["explorers"]:
                raise RuntimeError(f"no {args.explorer} found in the kernel")
            page.evaluate(_INSTRUMENT_JS, widget.element_handle())
            drag(page, widget, proxy, args.step_ms, 1.0, args.slider)  # warm-up
            page.evaluate(_EXECUTE_JS, _KERNEL_READ)
            for rtt in rtts:
                proxy.rtt_ms = rtt
                for share in shares:
                    runs = []
                    for _ in range(args.repeats):
                        with Throttle(probe["pid"], share, args.period_ms / 1000):
                            record = drag(page, widget, proxy, args.step_ms, 2.0, args.slider)
                        kernel = json.loads(page.evaluate(_EXECUTE_JS, _KERNEL_READ).strip().splitlines()[-1])
                        runs.append(summarize(record, kernel))
                    results[rtt, share] = runs
            sizes = page.evaluate(_READ_JS)["sizes"]
            browser.close()
        if server_config is not None and tb.NODELAY_LOG not in (tmp / "server.log").read_text(
            errors="replace"
        ):
            raise RuntimeError(f"{server_config} was not loaded: no {tb.NODELAY_LOG!r} in the server log")
    finally:
        if proc is not None:
            tb._stop(proc)
        tb._kill_strays(str(tmp))
        shutil.rmtree(tmp, ignore_errors=True)
    return results, statistics.median(sizes) if sizes else float("nan")


def target(rtt: float, share: float) -> str:
    """The issue's target for a row: issue 11 on loopback, issue 19 at a 100 ms round trip."""
    if rtt == 0:
        return "≥ 25/s, ≤ 100 ms" if share >= 1 else ("≤ 400 ms, no backlog" if share == 0.25 else "—")
    if rtt == 100 and share >= 1:
        return "≥ 30/s, ≤ 50 ms, ≤ 10 kB/s"
    return "—"


def milliseconds(text: str) -> float:
    """An --rtt value: a round trip in milliseconds, from 0 to 10 s."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a round trip in milliseconds from 0 to 10000")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=REPO, help="the repository copy to serve (default: this one)"
    )
    parser.add_argument(
        "--cpu",
        type=float,
        action="append",
        help="kernel CPU share(s) (default: 1 and 0.25; 1 alone with --rtt)",
    )
    parser.add_argument(
        "--rtt",
        type=milliseconds,
        action="append",
        metavar="MS",
        help="round trip(s) between Chromium and the server, through the delaying proxy (default: 0)",
    )
    parser.add_argument(
        "--server",
        choices=list(SERVERS),
        action="append",
        help="server settings to measure, one after the other (default: project, then plain)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="drags per RTT and CPU share (median reported)"
    )
    parser.add_argument("--step-ms", type=float, default=8.0, help="milliseconds between pointer moves")
    parser.add_argument("--period-ms", type=float, default=20.0, help="throttle duty-cycle period")
    parser.add_argument("--no-echo", action="store_true", help="kernel with JUPYTER_WIDGETS_ECHO=0")
    parser.add_argument("--json", type=Path, help="also write every drag's figures here")
    parser.add_argument(
        "--explorer",
        default="LossExplorer",
        metavar="NAME",
        help="the explorer whose first slider is dragged (lw.EXPLORERS; default: notebook 01's LossExplorer)",
    )
    parser.add_argument(
        "--slider",
        metavar="LABEL",
        help="the slider dragged, by its label (default: 'slope m', else the explorer's first slider)",
    )
    args = parser.parse_args(argv)
    rtts = list(dict.fromkeys(args.rtt or [0.0]))  # in the order given, once each
    shares = args.cpu or ([1.0] if args.rtt else [1.0, 0.25])
    servers = args.server or list(SERVERS)
    if not os.access(tb.CHROMIUM, os.X_OK):
        print(f"{tb.CHROMIUM} not found: install Debian's chromium (.ci/install-browser)")
        return 2
    root = args.root.resolve()
    if "project" in servers and not (root / ".jupyter" / "jupyter_server_config.py").is_file():
        print(f"{root} has no .jupyter/jupyter_server_config.py: measure it with --server plain")
        return 2
    sys.path.insert(0, str(root))
    import linreg_widgets as lw

    if args.explorer not in lw.EXPLORERS:
        print(f"--explorer: no explorer {args.explorer!r}; choose from {', '.join(lw.EXPLORERS)}")
        return 2
    results, sizes = {}, []
    for server in servers:
        config = root / ".jupyter" if server == "project" else None
        results[server], size = measure(root, config, rtts, shares, args)
        sizes.append(size)

    print(f"Machine: {os.cpu_count()} CPUs; served: {root}; echo {'off' if args.no_echo else 'on'}")
    print(f"Explorer: {args.explorer}" + (f", slider {args.slider!r}" if args.slider else ""))
    print(f"Drag: one pixel every {args.step_ms:g} ms; medians of {args.repeats} drags each")
    print(f"Picture: {statistics.median(sizes) / 1000:.0f} KB PNG per frame")
    for server in servers:
        print(f"Server '{server}': {SERVERS[server]}")
    print(
        "Network: Chromium reaches the server through a delaying TCP proxy on 127.0.0.1 (at 0 ms too,"
        " so bytes are counted the same way); no bandwidth limit"
    )
    columns = ["server", "RTT", "kernel CPU", "pictures/s", "settle", "kB/s down", "kB/s up"]
    columns += ["sent after release", "final ok", "kernel ms/frame", "kernel ms/move", "target"]
    print("\n| " + " | ".join(columns) + " |")
    print("|---" * len(columns) + "|")
    for server in servers:
        for (rtt, share), runs in results[server].items():

            def med(key, runs=runs):
                return statistics.median(r[key] for r in runs)

            print(
                f"| {server} | {rtt:g} ms | {share:.0%} | {med('fps'):.1f} | {med('settle_ms'):.0f} ms "
                f"| {med('kb_down'):.1f} | {med('kb_up'):.1f} "
                f"| {max(r['sent_after_release'] for r in runs)} | {all(r['final_ok'] for r in runs)} "
                f"| {med('kernel_ms'):.1f} | {med('kernel_ms_move'):.2f} | {target(rtt, share)} |"
            )
    print("\nWhere a frame's time goes (ms, median over the frames of each drag, then over drags):\n")
    print("| server | RTT | kernel CPU | " + " | ".join(STAGES) + " |")
    print("|---|---|---" + "|---" * len(STAGES) + "|")
    for server in servers:
        for (rtt, share), runs in results[server].items():
            cells = [f"{statistics.median(r['stages_ms'][name] for r in runs):.1f}" for name in STAGES]
            print(f"| {server} | {rtt:g} ms | {share:.0%} | " + " | ".join(cells) + " |")
    for name, meaning in STAGES.items():
        print(f"- {name}: {meaning}")
    if args.json:
        data = {
            server: {f"rtt {rtt:g} ms, cpu {share:g}": runs for (rtt, share), runs in res.items()}
            for server, res in results.items()
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
