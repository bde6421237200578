"""Real-browser test: the widget notebooks work in JupyterLab 4, in Debian's Chromium.

For every notebook in ``notebooks/`` that uses ipywidgets, the test starts JupyterLab
(one server per test module, throwaway config/settings/workspaces), opens the notebook,
clears its stored outputs, runs all cells through the Run menu and then checks what a
student would see:

* every code cell ran, no error or stderr output, no "Error displaying widget";
* every displayed widget with a plot reacts: its sliders (keyboard on the noUi handle),
  then its buttons, are tried in order until the plot image changes;
* where a widget has a ``Play`` button, pressing it animates the plot;
* an explorer (``.lw-explorer``: every explorer is drawn in the browser) follows each of its
  sliders (and its first button) at once.
  ``test_loss_explorer_is_drawn_in_the_browser``, ``test_explorer_is_drawn_in_the_browser``,
  ``test_step_explorer_is_drawn_in_the_browser``, ``test_training_explorer_plays_in_the_browser``,
  ``test_scaling_explorer_trains_in_the_browser`` and ``test_minibatch_explorer_plays_in_the_browser``
  check them closely: readouts against an
  independent reference, its drawing against matplotlib's frame, the keyboard, a mouse drag or
  presses, the kernel's copy of the values, the live region and axe-core (from npm).

Screenshots (PNG), the browser console and the server log go to
``test-artifacts/browser/`` (gitignored).

Needs ``/usr/bin/chromium`` (Debian package ``chromium``; ``.ci/install-browser``) and the
Python package ``playwright`` -- never ``playwright install``. Without them the test is
skipped locally and FAILS when the environment variable ``CI`` is set.

``BROWSER_TEST_NOTEBOOKS=/some/dir`` points the test at another notebook directory; the
JupyterLab root is that directory's parent.

The notebooks on disk are never modified: autosave is switched off in the throwaway
settings, the checkpoint JupyterLab writes on opening goes to the temp dir, and the
test asserts the file is byte-identical afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = Path(os.environ.get("BROWSER_TEST_NOTEBOOKS") or REPO / "notebooks").resolve()
SERVER_ROOT = NOTEBOOK_DIR.parent
# The project's Jupyter server settings (TCP_NODELAY on kernel websockets), as `make lab` uses them.
SERVER_CONFIG = REPO / ".jupyter"
NODELAY_LOG = "Kernel websocket: TCP_NODELAY on"
ARTIFACTS = REPO / "test-artifacts" / "browser"
# Debian's chromium by default; CHROMIUM=/path selects another Chromium-based browser
# (GitHub's Ubuntu runners have /usr/bin/google-chrome).
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Bounded but generous: the machine has 2 cores and nbval may run beside this test.
SERVER_START_TIMEOUT = 90
PAGE_TIMEOUT = 90  # notebook panel visible
KERNEL_TIMEOUT = 120  # kernel idle and connected
RUN_ALL_TIMEOUT = 300  # Run All finished
CHANGE_TIMEOUT = 45  # plot image changed after slider / Play

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Selectors (JupyterLab 4.x, ipywidgets 8.1).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# a widget displayed by a cell (not an output nested in an Output widget) that has a plot
TOP_OUTPUT = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"
SLIDER = ".widget-slider"
SLIDER_HANDLE = ".noUi-handle"  # role=slider, aria-valuetext has the full value
PLOT_IMAGES = ".widget-image, .widget-output img"
PLAY = ".widget-play"
BUTTON = ".widget-button"  # a Button widget (Play's buttons are plain .jupyter-button)
DRAWN = ".lw-explorer"  # an explorer drawn in the browser (linreg_widgets/browser.js)
BAD_OUTPUT = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    '.jp-OutputArea-output[data-mime-type*="error"], '
    '.jp-RenderedText[data-mime-type*="error"]'
)


# --------------------------------------------------------------------------- collection


EXPLORER_CELL = re.compile(r"\blw\.\w+Explorer\(")


def _code_sources(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c.get("cell_type") == "code"
    ]


def _uses_widgets(path: Path) -> bool:
    """True if a cell builds an explorer, or a committed output is a widget view.

    Explorers are committed as the picture of their first frame (tools/notebooks.py), so
    their cells are found by their source.
    """
    try:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
    except (OSError, ValueError):
        return True  # let the test report the broken notebook
    if any(EXPLORER_CELL.search(src) for src in _code_sources(path)):
        return True
    outputs = [out for cell in nb.get("cells", []) for out in cell.get("outputs", [])]
    if not outputs:
        return "ipywidgets" in text
    return any(WIDGET_MIME in out.get("data", {}) for out in outputs)


def _explorer_cells(page, path: Path) -> list:
    """The code cells on screen that build an explorer, in order."""
    cells = page.locator(f"{PANEL} .jp-CodeCell")
    return [cells.nth(i) for i, src in enumerate(_code_sources(path)) if EXPLORER_CELL.search(src)]


def _widget_notebooks() -> list[Path]:
    if not NOTEBOOK_DIR.is_dir():
        return []
    return [p for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")) if _uses_widgets(p)]


WIDGET_NOTEBOOKS = _widget_notebooks()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    """Skip locally; fail in CI, where this test must always run."""
    if _in_ci():
        pytest.fail(f"{reason} -- CI is set, so this is a failure, not a skip", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", timeout: float = 5):
    req = urllib.request.Request(f"{base}{path}", method=method)
    req.add_header("Authorization", f"token {token}")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def _write_settings(settings_dir: Path) -> None:
    """Throwaway user settings: never autosave the notebooks, no news prompt."""
    files = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, value in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


def lab_env(tmp: Path, server_config: Path | None) -> dict[str, str]:
    """The environment of a throwaway JupyterLab: config, data, settings and workspaces under
    ``tmp``, plus ``server_config`` (the project's ``.jupyter`` folder, as ``make lab`` uses;
    None for JupyterLab's defaults) on ``JUPYTER_CONFIG_PATH``."""
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        IPYTHONDIR=str(tmp / "ipython"),
    )
    # no backend override (a student's kernel draws inline), no config from this shell
    for name in ("MPLBACKEND", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
        env.pop(name, None)
    if server_config is not None:
        env["JUPYTER_CONFIG_PATH"] = str(server_config)
    _write_settings(tmp / "settings")
    return env


def lab_command(port: int, token: str, root: Path, checkpoints: Path) -> list[str]:
    """JupyterLab on 127.0.0.1 serving ``root``: no browser, a fixed port and token,
    ``window.jupyterapp`` exposed, checkpoints kept out of the repository, no news."""
    return [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--allow-root",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: kernel status
        f"--FileCheckpoints.checkpoint_dir={checkpoints}",  # Lab writes one on opening a notebook
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]


def start_lab(root: Path, tmp: Path, env: dict[str, str], log_path: Path):
    """Start :func:`lab_command` serving ``root`` (its output to ``log_path``) and wait until
    it answers; returns (process, base URL, token). Raises RuntimeError with the log's end
    if it does not come up; the caller stops the process (:func:`_stop`)."""
    token = secrets.token_hex(16)
    for _attempt in range(3):  # the free port may be taken between bind and listen
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                lab_command(port, token, root, tmp / "checkpoints"),
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                _api(base, token, f"/api/status?token={token}", timeout=2)
                return proc, base, token
            except (urllib.error.URLError, OSError, ValueError):
                time.sleep(0.5)
        if proc.poll() is None:  # running but not answering
            _stop(proc)
            break
    log_tail = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"JupyterLab did not come up in {SERVER_START_TIMEOUT}s:\n{log_tail}")


def _kill_strays(marker: str) -> None:
    """SIGKILL leftover processes (kernels) whose command line names our temp dir.

    Kernels run in their own session, so killing the server's process group misses them
    if the server dies before shutting them down.
    """
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            with contextlib.suppress(OSError):
                os.kill(int(proc.name), signal.SIGKILL)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def lab_server():
    """JupyterLab on 127.0.0.1:<free port>; always stopped, even when a test fails."""
    if not WIDGET_NOTEBOOKS:
        _unavailable(f"no notebook using ipywidgets in {NOTEBOOK_DIR}")
    if importlib.util.find_spec("jupyterlab") is None:
        _unavailable(f"jupyterlab is not installed for {sys.executable}")

    tmp = Path(tempfile.mkdtemp(prefix="linreg-browser-"))
    env = lab_env(tmp, SERVER_CONFIG)
    if ARTIFACTS.is_dir():  # no stale screenshots from an earlier run
        for old in ARTIFACTS.iterdir():
            if old.is_file() and old.suffix in (".png", ".log", ".json"):
                old.unlink()
    log_path = tmp / "jupyter-server.log"
    proc = None
    try:
        try:
            proc, base, token = start_lab(SERVER_ROOT, tmp, env, log_path)
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield {"base": base, "token": token, "pid": proc.pid, "log": log_path}
    finally:
        if proc is not None:
            _stop(proc)
        _kill_strays(str(tmp))
        if log_path.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(log_path, ARTIFACTS / "jupyter-server.log")
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not WIDGET_NOTEBOOKS:
        _unavailable(f"no notebook using ipywidgets in {NOTEBOOK_DIR}")
    if importlib.util.find_spec("playwright") is None:
        _unavailable(f"Python package 'playwright' is not installed for {sys.executable}")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found: install Debian's chromium (.ci/install-browser)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


# --------------------------------------------------------------------------- page helpers

_KERNEL_JS = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? [k.status, k.connectionStatus] : null;
}"""

_PROMPTS_JS = """(panel) => [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
  .map(e => e.textContent.trim())"""

# src of each plot image in `root`, or null while an image is still loading
_IMAGES_JS = (
    f"(root) => [...root.querySelectorAll('{PLOT_IMAGES}')]"
    "\n  .map(img => (img.complete && img.naturalWidth > 0) ? img.src : null)"
)


def _poll(check, timeout: float, what: str, page=None, interval: float = 0.25):
    """Call check() until it returns something truthy; fail with `what` on timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        if page is not None:
            dialog = page.locator(".jp-Dialog")
            if dialog.count():
                pytest.fail(
                    f"{what}: JupyterLab shows a dialog: {dialog.first.inner_text()!r}", pytrace=False
                )
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})", pytrace=False)


def _menu(page, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^\s*{menu}\s*$")).first.click()
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
    item.wait_for(state="visible", timeout=10_000)
    item.click()


def _kernel_ready(page):
    return page.evaluate(_KERNEL_JS) == ["idle", "connected"]


def _images(locator) -> list:
    return locator.evaluate(_IMAGES_JS)


def _loaded_images(locator):
    """The srcs of the plot images in `locator` once all are loaded, else None."""
    srcs = _images(locator)
    return srcs if srcs and all(srcs) else None


def _wait_image_change(page, cell, before: list, what: str) -> list:
    def changed():
        now = _loaded_images(cell)
        return now if now and now != before else None

    return _poll(changed, CHANGE_TIMEOUT, what, page)


def _shot(locator, name: str) -> bytes:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return locator.screenshot(path=str(ARTIFACTS / name), timeout=30_000)


def _image_pixels(page, cell) -> list[bytes]:
    """Screenshots (PNG bytes) of the plot images of `cell`, once all are loaded."""
    for _ in range(3):  # an Output widget replaces its <img> on every redraw: retry
        _poll(lambda: _loaded_images(cell), CHANGE_TIMEOUT, "the plot images to load", page)
        try:
            return [img.screenshot(timeout=5_000) for img in cell.locator(PLOT_IMAGES).all()]
        except Exception:  # noqa: BLE001 - detached while redrawing
            time.sleep(0.5)
    pytest.fail("the plot images keep changing; could not take a screenshot", pytrace=False)


def _assert_clean(panel, when: str) -> None:
    bad = panel.locator(BAD_OUTPUT)
    if bad.count():
        texts = "\n---\n".join(t[:1500] for t in bad.all_text_contents())
        pytest.fail(f"{when}: error/stderr output in the notebook:\n{texts}", pytrace=False)
    # Only the code cells' outputs: a Markdown cell may quote the message (00_index does).
    # textContent, not innerText: cells scrolled out of view may not be laid out.
    text = "\n".join(panel.locator(".jp-CodeCell .jp-OutputArea").all_text_contents())
    if "Error displaying widget" in text:
        line = next(ln for ln in text.splitlines() if "Error displaying widget" in ln)
        pytest.fail(f"{when}: {line.strip()}", pytrace=False)


def _nonempty_code_cells(path: Path) -> list[bool]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            # A folded input (the setup cell) shows no prompt; the cells after it use what it imports.
            folded = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
            out.append(bool(("".join(src) if isinstance(src, list) else src).strip()) and not folded)
    return out


def _slider_value(slider) -> str:
    handle = slider.locator(SLIDER_HANDLE).first  # a range slider has two handles
    # aria-valuenow is rounded to one decimal by noUiSlider: -0.035 and -0.04 both read "-0.0"
    return handle.get_attribute("aria-valuetext") or handle.get_attribute("aria-valuenow") or ""


def _move_slider(page, slider) -> tuple[str, str]:
    """Three keyboard steps right (left if the slider is at its max); (old, new) values."""
    handle = slider.locator(SLIDER_HANDLE).first
    old = _slider_value(slider)
    for key in ("ArrowRight", "ArrowLeft"):
        handle.focus()
        for _ in range(3):
            handle.press(key)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and _slider_value(slider) == old:
            time.sleep(0.1)
        if _slider_value(slider) != old:
            break
    return old, _slider_value(slider)


def _label(control) -> str:
    return " ".join(control.text_content().split())[:40] or "(no label)"


def _wait_reaction(page, widget, before: list, acted_at: float):
    """New image srcs once the plot changed; None once the kernel has been idle a while
    after the action without a change (this control does not redraw the plot)."""

    def check():
        now = _loaded_images(widget)
        if now and now != before:
            return ("changed", now)
        if time.monotonic() - acted_at > 3 and _kernel_ready(page):
            return ("idle", None)
        return None

    return _poll(check, CHANGE_TIMEOUT, "the kernel to react to a widget", page)[1]


def _check_controls(page, widget, tag: str) -> str:
    """Try the widget's sliders, then its buttons, until the plot changes."""
    widget.scroll_into_view_if_needed()
    before = _poll(
        lambda: _loaded_images(widget), CHANGE_TIMEOUT, f"{tag}: the plot image ({PLOT_IMAGES}) to load", page
    )
    before_pixels = _image_pixels(page, widget)
    _shot(widget, f"{tag}-1-before.png")
    tried = []
    controls = [("slider", c) for c in widget.locator(SLIDER).all()]
    controls += [("button", c) for c in widget.locator(BUTTON).all()]
    for kind, control in controls:
        acted_at = time.monotonic()
        if kind == "slider":
            old, new = _move_slider(page, control)
            what = f"slider {_label(control.locator('.widget-label').first)!r} {old} -> {new}"
            if old == new:
                tried.append(f"{what} (did not move)")
                continue
        else:
            if control.is_disabled():
                continue
            control.click()
            what = f"button {_label(control)!r}"
        if _wait_reaction(page, widget, before, acted_at) is not None:
            after_pixels = _image_pixels(page, widget)
            _shot(widget, f"{tag}-2-after.png")
            assert after_pixels != before_pixels, f"{tag}: {what}: new src, same pixels"
            return what
        tried.append(what)
    _shot(widget, f"{tag}-2-after.png")
    now = _loaded_images(widget)
    if now and now != before and _image_pixels(page, widget) != before_pixels:
        return f"a late redraw after: {tried}"  # a busy machine; still a reaction
    pytest.fail(f"{tag}: the plot did not change; tried: {tried or 'no slider or button'}", pytrace=False)


def _drawing(widget) -> str:
    """What the browser draws over a browser-drawn explorer's still picture now (its SVG)."""
    return widget.locator("svg.lw-moving").evaluate("e => e.innerHTML")


def _check_drawn(page, widget, tag: str) -> None:
    """A browser-drawn explorer: each slider, moved by the keyboard, moves the drawing and the
    readout at once (no kernel needed for that), and its shown value is its announced one; a
    first button, pressed, moves the drawing."""
    widget.scroll_into_view_if_needed()
    _shot(widget, f"{tag}-1-before.png")
    for control in widget.locator("input.lw-range").all():
        before, readout = _drawing(widget), widget.locator(".lw-readout").inner_text()
        control.focus()
        for _ in range(3):
            control.press("ArrowLeft" if control.evaluate("e => e.value === e.max") else "ArrowRight")
        _poll(
            lambda before=before: _drawing(widget) != before,
            CHANGE_TIMEOUT,
            f"{tag}: the drawing to follow",
            page,
        )
        assert widget.locator(".lw-readout").inner_text() != readout, f"{tag}: the readout did not change"
        shown = control.evaluate("e => e.parentElement.querySelector('output').textContent")
        assert control.get_attribute("aria-valuetext") == shown, (
            f"{tag}: announced value is not the shown one"
        )
    buttons = widget.locator("button.lw-button")
    if buttons.count():  # a button-driven explorer (the StepExplorer): its first button moves it
        before = _drawing(widget)
        buttons.first.click()
        _poll(
            lambda: _drawing(widget) != before, CHANGE_TIMEOUT, f"{tag}: the drawing to follow a press", page
        )
    _shot(widget, f"{tag}-2-after.png")


def _check_play(page, widget, tag: str) -> int:
    """Press Play: the plot must change; returns the number of frames seen in ~2 s."""
    widget.scroll_into_view_if_needed()

    def settled():  # the controls tried before may still be redrawing: wait for a still plot
        first = _loaded_images(widget)
        time.sleep(0.5)
        return first if first and first == _loaded_images(widget) and _kernel_ready(page) else None

    before = _poll(settled, CHANGE_TIMEOUT, f"{tag}: plot to load and stay", page)
    before_pixels = _image_pixels(page, widget)
    buttons = widget.locator(f"{PLAY} button")
    play = buttons.filter(has=page.locator(".fa-play"))
    worded = widget.locator(BUTTON).filter(has_text="▶ Play")  # works without an icon font
    (worded if worded.count() else play if play.count() else buttons).first.click()
    started = time.monotonic()
    # Play starts from its first frame, so one of its frames may be the picture shown before
    # (e.g. epoch 3 after the slider was moved to 3): wait for a frame that looks different.
    frames, seen = set(), before
    while True:
        seen = _wait_image_change(page, widget, seen, f"{tag}: the plot to change after pressing Play")
        frames.add(tuple(seen))
        if _image_pixels(page, widget) != before_pixels:
            break
        assert time.monotonic() - started < CHANGE_TIMEOUT, f"{tag}: Play: new srcs, never new pixels"
    while time.monotonic() - started < 2.0:  # watch it animate for a couple of seconds
        now = _loaded_images(widget)
        if now:
            frames.add(tuple(now))
        time.sleep(0.2)
    _image_pixels(page, widget)  # loaded, for the screenshot
    _shot(widget, f"{tag}-3-play.png")
    pause = widget.locator(BUTTON).filter(has_text="Pause")
    stop = buttons.filter(has=page.locator(".fa-stop"))
    if pause.count():
        pause.first.click()
    elif stop.count():  # ipywidgets 8: Stop also rewinds the value to `min`
        stop.first.click()
    return len(frames)


# --------------------------------------------------------------------------- the test


@pytest.fixture
def lab_page(browser, lab_server, request):
    """A fresh page; on failure a screenshot; afterwards the kernels are shut down."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    log: list[str] = []
    page.on("console", lambda m: log.append(f"console.{m.type}: {m.text}"))
    page.on("pageerror", lambda e: log.append(f"pageerror: {e}"))
    page.browser_log = log
    failed_before = request.session.testsfailed
    try:
        yield page
    finally:
        name = request.node.callspec.id if hasattr(request.node, "callspec") else "page"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            if request.session.testsfailed > failed_before:
                page.screenshot(path=str(ARTIFACTS / f"{name}-zz-final.png"), full_page=True)
        (ARTIFACTS / f"{name}-console.log").write_text("\n".join(log) + "\n", encoding="utf-8")
        with contextlib.suppress(Exception):
            context.close()
        with contextlib.suppress(Exception):  # free the CPU for the next notebook
            for s in _api(lab_server["base"], lab_server["token"], "/api/sessions"):
                _api(
                    lab_server["base"],
                    lab_server["token"],
                    f"/api/sessions/{s['id']}",
                    method="DELETE",
                    timeout=20,
                )


@pytest.mark.parametrize(
    "notebook",
    WIDGET_NOTEBOOKS or [None],
    ids=[p.stem for p in WIDGET_NOTEBOOKS] or ["no-widget-notebooks"],
)
def test_widgets_in_jupyterlab(notebook, browser, lab_server, lab_page):
    page, name = lab_page, notebook.stem
    digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    times = {}
    t0 = time.monotonic()

    rel = notebook.relative_to(SERVER_ROOT).as_posix()
    page.goto(
        f"{lab_server['base']}/lab/tree/{urllib.parse.quote(rel)}?reset&token={lab_server['token']}",
        timeout=PAGE_TIMEOUT * 1000,
    )
    panel = page.locator(PANEL)
    panel.wait_for(state="visible", timeout=PAGE_TIMEOUT * 1000)
    page.wait_for_function("() => !!window.jupyterapp", timeout=PAGE_TIMEOUT * 1000)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle and connected", page)
    times["open"] = time.monotonic() - t0
    # The project's server settings are in force: the kernel websocket sends at once.
    assert NODELAY_LOG in lab_server["log"].read_text(errors="replace"), (
        f"the server log lacks {NODELAY_LOG!r}: {SERVER_CONFIG}/jupyter_server_config.py not loaded"
    )

    # Just opened, before anything runs: every explorer shows the picture of its first frame.
    explorers = _explorer_cells(page, notebook)
    for k, cell in enumerate(explorers):
        cell.scroll_into_view_if_needed()
        _poll(
            lambda cell=cell: cell.locator(".jp-OutputArea-output img").count() == 1,
            30,
            f"explorer {k + 1}'s saved picture to show in the just-opened notebook",
            page,
        )
    if explorers:
        _shot(explorers[0], f"{name}-00-just-opened.png")
    _assert_clean(panel, "in the just-opened notebook")

    # Clear stored outputs so that everything checked below comes from this kernel.
    _menu(page, "Edit", "editmenu:clear-all")
    _poll(lambda: panel.locator(".jp-OutputArea-output").count() == 0, 30, "outputs cleared", page)
    t1 = time.monotonic()
    _menu(page, "Run", "runmenu:run-all")  # marks every code cell [*] synchronously

    def finished():
        prompts = panel.evaluate(_PROMPTS_JS)
        return "[*]:" not in prompts and _kernel_ready(page) and prompts

    _poll(finished, RUN_ALL_TIMEOUT, "Run All to finish (no [*] prompt, kernel idle)", page, 0.5)
    time.sleep(1.0)  # let the widget views render from the last comm messages
    prompts = _poll(finished, 30, "the kernel to stay idle after Run All", page)
    times["run_all"] = time.monotonic() - t1
    _shot(page, f"{name}-01-after-run-all.png")

    _assert_clean(panel, "after Run All")
    expected = _nonempty_code_cells(notebook)
    not_run = [
        i for i, (p, full) in enumerate(zip(prompts, expected)) if full and not re.fullmatch(r"\[\d+\]:", p)
    ]
    assert len(prompts) == len(expected), f"{len(prompts)} code cells on screen, {len(expected)} in the file"
    assert not not_run, f"code cells {not_run} did not run (prompts {prompts})"

    # After Run All each explorer is live, shown once, no saved picture: its two layers (the still
    # one and the moving one, in one grid cell), or, drawn in the browser, the still picture
    # with the moving parts in SVG exactly over it.
    for k, cell in enumerate(explorers):
        static = cell.locator(".jp-OutputArea-output > img").count()
        if cell.locator(DRAWN).count():
            drawn = cell.locator(f"{DRAWN} .lw-picture")
            assert (drawn.count(), static) == (1, 0), (
                f"explorer {k + 1}: {drawn.count()} pictures, {static} static"
            )
            boxes = [drawn.locator(part).bounding_box() for part in (".lw-still", "svg.lw-moving")]
            assert boxes[0] == boxes[1], f"explorer {k + 1}: the moving parts are not over the still picture"
            continue
        live = cell.locator(".jp-OutputArea-output .widget-gridbox .widget-image").count()
        assert (live, static) == (2, 0), f"explorer {k + 1}: {live} live layers, {static} static pictures"
        layers = [img.bounding_box() for img in cell.locator(".widget-image").all()]
        assert layers[0] == layers[1], f"explorer {k + 1}: the moving layer is not over the still one"
    for k in range(panel.locator(DRAWN).count()):  # the browser draws these: every slider moves them
        _check_drawn(page, panel.locator(DRAWN).nth(k), f"{name}-drawn{k + 1}")

    # Every widget with a plot must react to its controls; Play must animate.
    widgets = panel.locator(TOP_OUTPUT).filter(has=page.locator(PLOT_IMAGES))
    count = widgets.count()
    if not count and not panel.locator(DRAWN).count():
        pytest.fail(f"{name}: no widget with a plot ({PLOT_IMAGES}, {DRAWN}) after Run All", pytrace=False)
    t2 = time.monotonic()
    for k in range(count):
        widget, tag = widgets.nth(k), f"{name}-w{k + 1}"
        times[f"w{k + 1} reacted to"] = _check_controls(page, widget, tag)
        if widget.locator(PLAY).count():
            times[f"w{k + 1} play frames"] = _check_play(page, widget, tag)
    times["widgets"] = time.monotonic() - t2

    _assert_clean(panel, "after moving the widgets")
    _shot(page, f"{name}-06-final.png")
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == digest, (
        f"{notebook} was modified on disk by the browser session"
    )
    times["total"] = time.monotonic() - t0
    times = {k: round(v, 2) if isinstance(v, float) else v for k, v in times.items()}
    (ARTIFACTS / f"{name}-timings.json").write_text(json.dumps(times, indent=1) + "\n", encoding="utf-8")
    print(f"{name}: {times}")


_CONTRAST_JS = """(root) => {
    // WCAG contrast of every widget text against the first opaque background behind it.
    const lum = (rgb) => {
        const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        const [r, g, b] = rgb.map(linear);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const parse = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
    const background = (el) => {
        for (; el; el = el.parentElement) {
            const c = parse(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const texts = ['.widget-label, .widget-readout, .widget-html-content, .widget-button',
                   '.lw-label, .lw-value, .lw-readout, .lw-choice, .lw-check-label, .lw-button'].join(', ');
    return [...root.querySelectorAll(texts)]
        .filter((el) => el.textContent.trim())
        .map((el) => {
            const fg = lum(parse(getComputedStyle(el).color).slice(0, 3)), bg = lum(background(el));
            const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
            return [el.textContent.trim().slice(0, 40), ratio];
        });
}"""


@pytest.mark.parametrize("stem", ["01_loss_function", "03_update_rule"])
def test_dark_theme_keeps_pictures_and_labels_readable(stem, browser, lab_server, lab_page):
    """JupyterLab's dark theme: each browser-drawn explorer's picture keeps its white background,
    and every widget label, readout, choice and button keeps a contrast of at least 4.5 (WCAG AA)."""
    from io import BytesIO

    from PIL import Image

    page, notebook = lab_page, NOTEBOOK_DIR / f"{stem}.ipynb"
    rel = notebook.relative_to(SERVER_ROOT).as_posix()
    page.goto(f"{lab_server['base']}/lab/tree/{urllib.parse.quote(rel)}?reset&token={lab_server['token']}")
    panel = page.locator(PANEL)
    panel.wait_for(state="visible", timeout=PAGE_TIMEOUT * 1000)
    page.wait_for_function("() => !!window.jupyterapp", timeout=PAGE_TIMEOUT * 1000)
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    _poll(
        lambda: page.evaluate("() => document.body.dataset.jpThemeLight") == "false",
        30,
        "the dark theme to apply",
        page,
    )
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle and connected", page)
    cells = _explorer_cells(page, notebook)
    cells[0].locator(".jp-InputArea-editor").click()
    _menu(page, "Run", "runmenu:run-all")
    assert cells, f"{stem}: no explorer"
    for cell in cells:  # each drawn in the browser
        readout = cell.locator(f"{DRAWN} .lw-readout b")
        _poll(lambda r=readout: r.count(), RUN_ALL_TIMEOUT, "the explorers to draw in the dark theme", page)
    time.sleep(1.0)
    for k, cell in enumerate(cells):
        cell.scroll_into_view_if_needed()
        _shot(cell, f"dark-theme-{stem}-{k + 1}.png")
        picture = Image.open(BytesIO(cell.locator(".lw-picture").screenshot())).convert("RGB")
        assert min(picture.getpixel((2, 2))) >= 240, f"explorer {k + 1}: the figure background is not white"
        contrasts = cell.evaluate(_CONTRAST_JS)
        assert contrasts, "no widget text found"
        low = [(text, round(ratio, 2)) for text, ratio in contrasts if ratio < 4.5]
        assert not low, f"explorer {k + 1}: widget texts too faint on the dark theme: {low}"


# --------------------------------------------------------------------------- drawn in the browser

#: A notebook of the LossExplorer in both forms, written under test-artifacts/ (in the server's
#: root, gitignored) by the test; the last cell prints what the kernel's sliders hold.
DRAWN_CELLS = [
    f"import sys\nsys.path.insert(0, {str(REPO)!r})\nimport linreg_widgets as lw\nimport linreg_core as lc\n"
    'x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")',
    "compact = lw.LossExplorer(x, y, m=0.5, b=30.0, compact=True)\ncompact",
    "bowl = lw.LossExplorer(x, y, m=0.5, b=30.0)\nbowl",
    "print(repr([compact.m, compact.b, bowl.m, bowl.b]))",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_JS = REPO / ".venv-node" / "node_modules" / "axe-core" / "axe.min.js"

_SET_JS = """(input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    return input.value;
}"""

_LIVE_JS = """(root) => {
    const live = root.querySelector('[role=status]');
    window.__lwSpoken = [];
    new MutationObserver(() => window.__lwSpoken.push(live.textContent))
        .observe(live, {childList: true, characterData: true, subtree: true});
}"""


def _focus_then_drag(page, widget, slider, key: str, name: str) -> None:
    """The slider just moved by the keyboard shows a focus one can see; then a fast mouse drag:
    the readout's ``key`` follows at once and never goes back, the drawing changes, and the live
    region speaks rarely, ending with the readout."""
    focus = slider.evaluate(
        "e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
        " getComputedStyle(e).outlineWidth]"
    )
    assert focus[0] and focus[1] != "none" and float(focus[2].rstrip("px")) >= 2, focus
    widget.evaluate(_LIVE_JS)
    drawn = _drawing(widget)
    box = slider.bounding_box()
    mid = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 0.2 * box["width"], mid)
    page.mouse.down()
    started, seen = time.monotonic(), []
    for k in range(40):
        page.mouse.move(box["x"] + (0.2 + 0.6 * k / 39) * box["width"], mid)
        seen.append(_numbers(widget)[key])
    page.mouse.up()
    dragged = time.monotonic() - started
    assert len(set(seen)) >= 20, f"{name}: the readout followed only {len(set(seen))} of 40 moves"
    # rightwards only: the kernel's copy (and its echo) never pulls the slider back
    assert seen == sorted(seen), f"{name}: the value went back during a drag: {seen}"
    assert _drawing(widget) != drawn
    time.sleep(2.0)  # the live region's last word, then the kernel's copy
    spoken = page.evaluate("() => window.__lwSpoken")
    assert 1 <= len(spoken) <= dragged / 1.5 + 2, f"{name}: the live region spoke {len(spoken)} times"
    assert spoken[-1].split() == widget.locator(".lw-readout").inner_text().split()


def _numbers(widget) -> dict:
    """The browser's own numbers behind the readout (full precision), e.g. m, b, mse, r2."""
    data = widget.locator(".lw-readout").evaluate("e => ({...e.dataset})")
    words = {"null": None, "true": True, "false": False}
    return {k: words[v] if v in words else float(v) for k, v in data.items()}


def _run_cell(page, cell):
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    out = cell.locator(".jp-OutputArea-output")
    _poll(lambda: out.count() and out.first.inner_text().strip(), 60, "the cell's output", page)
    return out.first.inner_text().strip()


def _watch_frames(page) -> list:
    """Every websocket frame of ``page`` from now on, both ways: a list of ``(time, event,
    payload)`` (event ``framesent`` or ``framereceived``) that grows as the frames come."""
    frames = []

    def watch(ws):
        for event in ("framesent", "framereceived"):
            ws.on(event, lambda payload, event=event: frames.append((time.monotonic(), event, payload)))

    page.on("websocket", watch)
    return frames


def _kernel_messages(frames, event=None, since=0.0, until=math.inf) -> list:
    """The widget messages (comm_msg) among ``frames`` between ``since`` and ``until``: those of
    one ``event`` (``framesent``: to the kernel), or both ways."""
    return [
        (t, kind, p)
        for t, kind, p in frames
        if since <= t <= until and "comm_msg" in str(p) and event in (None, kind)
    ]


def test_loss_explorer_is_drawn_in_the_browser(browser, lab_server, lab_page):
    """Both forms of the LossExplorer: readouts equal linreg_core's MSE (and R²) at many slider
    positions, to 1e-9; the drawing equals matplotlib's frame; a mouse drag moves it at once and the
    kernel's values follow; named sliders announcing their shown value, keyboard with a visible
    focus, a polite live region that a drag does not flood; axe-core finds nothing."""
    import io

    import numpy as np
    from PIL import Image

    import linreg_core as lc
    import linreg_widgets as lw

    if not AXE_JS.is_file():
        _unavailable(f"{AXE_JS} missing: make .venv-node/.stamp (npm ci)")
    page = lab_page
    page.set_viewport_size({"width": 1700, "height": 1000})  # the bowl's 998 px at native size
    panel, cells = _open_cells(page, lab_server, "loss_explorer", DRAWN_CELLS)
    cells.nth(0).locator(".jp-InputArea-editor").click()
    for _ in range(3):  # the setup and both explorers
        page.keyboard.press("Shift+Enter")
    readouts = panel.locator(f"{DRAWN} .lw-readout b")
    _poll(lambda: readouts.count() >= 3, RUN_ALL_TIMEOUT, "both explorers to draw", page)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    explorers = {"compact": panel.locator(DRAWN).nth(0), "bowl": panel.locator(DRAWN).nth(1)}
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")

    # axe-core, WCAG 2.1 A and AA rules, on each explorer's output
    page.add_script_tag(path=str(AXE_JS))
    for name, widget in explorers.items():
        result = widget.evaluate(
            "(root, tags) => axe.run(root, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        found = [(v["id"], v["help"], len(v["nodes"])) for v in result["violations"]]
        assert not found, f"{name}: axe-core found {found}"
        assert result["passes"], f"{name}: axe-core checked nothing"

    for name, widget in explorers.items():
        widget.scroll_into_view_if_needed()
        # named controls (by their accessible name), announcing the value they show
        for label in ("slope m", "intercept b"):
            slider = widget.get_by_role("slider", name=label)
            assert slider.count() == 1, f"{name}: no slider named {label!r}"
            shown = slider.evaluate("e => e.parentElement.querySelector('output').textContent")
            assert slider.get_attribute("aria-valuetext") == shown
        picture = widget.get_by_role("img")
        assert "MSE" in (picture.get_attribute("aria-label") or ""), f"{name}: no text alternative"

        # the readouts, computed in the browser, against the core at many slider positions
        m_input, b_input = widget.locator("input.lw-range").all()
        lows = [float(i.get_attribute("min")) for i in (m_input, b_input)]
        highs = [float(i.get_attribute("max")) for i in (m_input, b_input)]
        rng = np.random.default_rng(1)
        for fm, fb in rng.uniform(0, 1, (25, 2)):
            m_set = m_input.evaluate(_SET_JS, lows[0] + fm * (highs[0] - lows[0]))
            b_set = b_input.evaluate(_SET_JS, lows[1] + fb * (highs[1] - lows[1]))
            steps = [float(i.get_attribute("step")) / 2 for i in (m_input, b_input)]

            def shows(w=widget, m=float(m_set), b=float(b_set), steps=steps):  # to the slider's step
                now = _numbers(w)
                return abs(now["m"] - m) <= steps[0] and abs(now["b"] - b) <= steps[1]

            _poll(shows, 10, f"{name}: the readout at m={m_set}, b={b_set}", page)
            got = _numbers(widget)
            m, b = got["m"], got["b"]
            expected = lc.mse(y, lc.predict(x, m, b))
            assert got["mse"] == pytest.approx(expected, rel=1e-9), (name, m, b)
            if name == "bowl":  # R² = 1 − SS_res / SS_tot, written out
                r2 = 1 - np.sum((y - (m * x + b)) ** 2) / np.sum((y - y.mean()) ** 2)
                assert got["r2"] == pytest.approx(r2, rel=1e-9), (name, m, b)
            else:
                assert got["r2"] is None and "R²" not in widget.locator(".lw-readout").inner_text()
            text = widget.locator(".lw-readout").inner_text()
            assert f"MSE = {lw.readable(expected)}" in text, (text, expected)
            assert lw.line_label(m, b) in text, text

        # the keyboard, with a focus one can see
        before = _numbers(widget)["m"]
        m_input.focus()
        for _ in range(4):
            page.keyboard.press("ArrowLeft")
        step = float(m_input.get_attribute("step"))
        goal = before - 4 * step  # four steps left

        def moved(w=widget, goal=goal, step=step):
            return abs(_numbers(w)["m"] - goal) < step / 10

        _poll(moved, 10, f"{name}: the keyboard to move m four steps, to {goal}", page)
        _focus_then_drag(page, widget, m_input, "m", name)

        # the drawing is matplotlib's frame at the same (m, b), drawn in one piece
        got = _numbers(widget)
        kwargs = dict(m=got["m"], b=got["b"], compact=name == "compact")
        frame = lw.LossExplorer(x, y, **kwargs).picture()
        whole = np.asarray(Image.open(io.BytesIO(frame)).convert("RGB"), dtype=int)
        # the picture's own pixels (the browser puts an image on whole pixels; its box may not be)
        box = widget.locator(".lw-picture").bounding_box()
        clip = dict(x=round(box["x"]), y=round(box["y"]), width=whole.shape[1], height=whole.shape[0])
        drawn_png = page.screenshot(clip=clip)
        shown = np.asarray(Image.open(io.BytesIO(drawn_png)).convert("RGB"), dtype=int)
        assert shown.shape == whole.shape, (shown.shape, whole.shape)
        diff = np.abs(shown - whole).max(axis=2)
        (ARTIFACTS / f"drawn-{name}.png").write_bytes(drawn_png)
        # antialiasing differs (SVG against Agg) along the thin residuals; a line, a residual or a dot
        # one or two pixels off would differ over a few hundred pixels by far more
        assert np.mean(diff > 96) < 0.002 and diff.mean() < 2.0, (name, np.mean(diff > 96), diff.mean())

    # the kernel's sliders followed the drags: the values the browser shows
    values = _run_cell(page, cells.nth(3))
    shown = [_numbers(explorers[n])[k] for n in ("compact", "bowl") for k in ("m", "b")]
    assert [float(v) for v in values.strip("[]").split(",")] == shown, (values, shown)
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


# The other explorers drawn in the browser: how to make one in a notebook, the matplotlib frame at
# the values the browser shows, and the browser's numbers checked against an independent reference.


def _outlier_numbers(got, x, y):
    """The MSE line is np.polyfit's with the outlier (x = 100); the MAE line has the least MAE
    (that of mae_line's line: an LAD line need not be unique, its MAE is)."""
    import numpy as np

    import linreg_widgets as lw

    xs, ys = np.append(x, 100.0), np.append(y, got["outlier"])
    if not got["present"]:
        xs, ys = x, y
    assert [got["mse_m"], got["mse_b"]] == pytest.approx(list(np.polyfit(xs, ys, 1)), rel=1e-9), got
    m, b = lw.mae_line(xs, ys)
    least = np.mean(np.abs(ys - (m * xs + b)))
    assert np.mean(np.abs(ys - (got["mae_m"] * xs + got["mae_b"]))) == pytest.approx(least, rel=1e-9), got
    return f"m = {got['mse_m']:.4f}".replace("-", "−")


def _slope_numbers(got, x, y):
    """The loss and gradient at (m, b), written out: L = Σr²/n, ∂L/∂m = −2Σxr/n, ∂L/∂b = −2Σr/n."""
    import numpy as np

    import linreg_widgets as lw

    residual = y - (got["m"] * x + got["b"])
    loss, dm, db = (
        np.sum(residual**2) / x.size,
        -2 * np.sum(x * residual) / x.size,
        -2 * np.sum(residual) / x.size,
    )
    assert got["loss"] == pytest.approx(loss, rel=1e-9), got
    assert [got["dm"], got["db"]] == pytest.approx([dm, db], rel=1e-9, abs=1e-9 * abs(db) + 1e-12), got
    return f"L = {lw.readable(loss)}"


DRAWN_EXPLORERS = {
    "outlier": {
        "make": "lw.OutlierExplorer(x, y, outlier_x=100, outlier_y=0)",
        "value": "outlier",  # the readout's number that the first slider sets
        "frame": lambda lw, x, y, v: lw.OutlierExplorer(x, y, outlier_x=100, outlier_y=v),
        "check": _outlier_numbers,
        "alt": "outlier",
    },
    "slope": {
        "make": "lw.SlopeExplorer(x, y, tangent=True)",
        "value": "m",
        "frame": lambda lw, x, y, v: lw.SlopeExplorer(x, y, tangent=True, m=v),
        "check": _slope_numbers,
        "alt": "tangent",
    },
}


def _open_cells(page, lab_server, name, cells):
    """A notebook of ``cells`` written under test-artifacts/ (in the server's root) and opened;
    returns its panel and code cells once the kernel is ready."""
    import nbformat

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    rel = path.relative_to(SERVER_ROOT).as_posix()
    page.goto(f"{lab_server['base']}/lab/tree/{urllib.parse.quote(rel)}?reset&token={lab_server['token']}")
    panel = page.locator(PANEL)
    panel.wait_for(state="visible", timeout=PAGE_TIMEOUT * 1000)
    page.wait_for_function("() => !!window.jupyterapp", timeout=PAGE_TIMEOUT * 1000)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle and connected", page)
    return panel, page.locator(f"{PANEL} .jp-CodeCell")


def _open_drawn(page, lab_server, name, cells):
    """A notebook of ``cells`` (the first loads the data, the second shows an explorer) opened, with
    its first two cells run; returns its code cells and the drawn explorer, which axe-core has
    checked (WCAG 2.1 A and AA) and scrolled into view."""
    if not AXE_JS.is_file():
        _unavailable(f"{AXE_JS} missing: make .venv-node/.stamp (npm ci)")
    page.set_viewport_size({"width": 1700, "height": 1000})  # the picture at native size
    panel, code_cells = _open_cells(page, lab_server, f"drawn_{name}", cells)
    code_cells.nth(0).locator(".jp-InputArea-editor").click()
    for _ in range(2):
        page.keyboard.press("Shift+Enter")
    widget = panel.locator(DRAWN).first
    _poll(lambda: widget.locator(".lw-readout b").count(), RUN_ALL_TIMEOUT, f"{name}: the drawing", page)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    _axe(page, widget, name)
    widget.scroll_into_view_if_needed()
    return code_cells, widget


def _axe(page, widget, name):
    """axe-core, WCAG 2.1 A and AA rules, on one explorer's output: no violation."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = widget.evaluate(
        "(root, tags) => axe.run(root, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    found = [(v["id"], v["help"], len(v["nodes"])) for v in result["violations"]]
    assert not found, f"{name}: axe-core found {found}"
    assert result["passes"], f"{name}: axe-core checked nothing"


@pytest.mark.parametrize("name", list(DRAWN_EXPLORERS))
def test_explorer_is_drawn_in_the_browser(name, browser, lab_server, lab_page):
    """Each other browser-drawn explorer: axe-core finds nothing; its controls are named and
    announce the value they show; its readouts, computed in the browser, equal an independent
    reference at many slider positions; the keyboard moves it, with a visible focus; a fast drag
    moves the drawing at once and the live region speaks rarely; the drawing is matplotlib's
    frame; the kernel's copy of the slider follows."""
    import io

    import numpy as np
    from PIL import Image

    import linreg_core as lc
    import linreg_widgets as lw

    case, page = DRAWN_EXPLORERS[name], lab_page
    cells = [DRAWN_CELLS[0], f"e = {case['make']}\ne", "print(repr(e.view.controls[0].value))"]
    code_cells, widget = _open_drawn(page, lab_server, name, cells)
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")

    # named controls announcing the value they show; a text alternative that says what is shown
    inputs = widget.locator("input.lw-range")
    for k in range(inputs.count()):
        label = inputs.nth(k).evaluate("e => e.labels[0].textContent")
        assert widget.get_by_role("slider", name=label).count() == 1, f"{name}: no slider named {label!r}"
        shown = inputs.nth(k).evaluate("e => e.parentElement.querySelector('output').textContent")
        assert inputs.nth(k).get_attribute("aria-valuetext") == shown
    for box in widget.locator("input[type=checkbox]").all():
        assert box.evaluate("e => e.labels[0].textContent.trim()"), f"{name}: an unnamed checkbox"
    alt = widget.get_by_role("img").get_attribute("aria-label") or ""
    assert case["alt"] in alt, f"{name}: the text alternative {alt!r}"

    # the readouts, computed in the browser, against the reference at many slider positions
    slider = inputs.first
    low, high, step = (float(slider.get_attribute(k)) for k in ("min", "max", "step"))
    rng = np.random.default_rng(1)
    for fraction in [0.0, 1.0, *rng.uniform(0, 1, 25)]:
        value = float(slider.evaluate(_SET_JS, low + fraction * (high - low)))
        _poll(
            lambda v=value: abs(_numbers(widget)[case["value"]] - v) <= step / 2,
            10,
            f"{name}: the readout at {value}",
            page,
        )
        words = case["check"](_numbers(widget), x, y)
        assert words in widget.locator(".lw-readout").inner_text(), words
        assert widget.get_by_role("img").get_attribute("aria-label") != alt  # the alternative follows
    # the checkboxes: each changes the drawing and back
    for box in widget.locator("input[type=checkbox]").all():
        for _ in range(2):
            before = _drawing(widget)
            box.click()
            _poll(lambda b=before: _drawing(widget) != b, 10, f"{name}: the checkbox to redraw", page)
            case["check"](_numbers(widget), x, y)

    # the keyboard, with a focus one can see
    middle = float(slider.evaluate(_SET_JS, (low + high) / 2))
    _poll(lambda: abs(_numbers(widget)[case["value"]] - middle) <= step / 2, 10, f"{name}: the middle", page)
    before = _numbers(widget)[case["value"]]
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    _poll(
        lambda: abs(_numbers(widget)[case["value"]] - (before - 4 * step)) < step / 10,
        10,
        f"{name}: the keyboard to move the slider four steps",
        page,
    )
    _focus_then_drag(page, widget, slider, case["value"], name)

    # the drawing is matplotlib's frame at the same value, drawn in one piece
    value = _numbers(widget)[case["value"]]
    whole = np.asarray(Image.open(io.BytesIO(case["frame"](lw, x, y, value).picture())).convert("RGB"), int)
    box = widget.locator(".lw-picture").bounding_box()
    clip = dict(x=round(box["x"]), y=round(box["y"]), width=whole.shape[1], height=whole.shape[0])
    drawn_png = page.screenshot(clip=clip)
    (ARTIFACTS / f"drawn-{name}.png").write_bytes(drawn_png)
    shown = np.asarray(Image.open(io.BytesIO(drawn_png)).convert("RGB"), dtype=int)
    assert shown.shape == whole.shape, (shown.shape, whole.shape)
    diff = np.abs(shown - whole).max(axis=2)
    # SVG's antialiasing is not Agg's along thin lines and text; a line or marker a few pixels off
    # would differ over a few hundred pixels by far more
    assert np.mean(diff > 96) < 0.002 and diff.mean() < 2.0, (name, np.mean(diff > 96), diff.mean())

    # the kernel's slider followed the drag: the value the browser shows
    assert float(_run_cell(page, code_cells.nth(2))) == value
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


def test_step_explorer_is_drawn_in_the_browser(browser, lab_server, lab_page):
    """The StepExplorer: axe-core finds nothing; the rates are a named group of radio buttons, the
    chosen one checked, and the buttons are named; the keyboard presses a button and picks a rate,
    with a visible focus; each press is a step drawn at once, equal to linreg_core's gradient
    descent; the browser widens the step axis itself; the drawing is then matplotlib's frame; the
    kernel takes the same steps; the live region says the last readout."""
    import io

    import numpy as np
    from PIL import Image

    import linreg_core as lc
    import linreg_widgets as lw

    page = lab_page
    cells = [
        DRAWN_CELLS[0],
        "e = lw.StepExplorer(x, y, lr=1e-4)\ne",
        "print(repr([len(e.ms) - 1, e.ms[-1], e.bs[-1]]))",
    ]
    code_cells, widget = _open_drawn(page, lab_server, "step", cells)
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")

    group = widget.get_by_role("radiogroup", name="lr η")
    assert group.count() == 1
    assert group.get_by_role("radio", name="0.0001", exact=True).is_checked()
    for name in ("Step", "10 steps", "Reset"):
        assert widget.get_by_role("button", name=name, exact=True).count() == 1, name
    widget.evaluate(_LIVE_JS)

    # the keyboard: a rate by the arrow keys (a new rate starts again), a button by Enter
    chosen = group.get_by_role("radio", name="0.0001", exact=True)
    chosen.focus()
    page.keyboard.press("ArrowRight")
    _poll(lambda: _numbers(widget)["lr"] == 0.00012, 10, "the next rate", page)
    page.keyboard.press("ArrowLeft")
    _poll(lambda: _numbers(widget)["lr"] == 0.0001 and chosen.is_checked(), 10, "the rate back", page)
    step = widget.get_by_role("button", name="Step", exact=True)
    step.focus()
    page.keyboard.press("Enter")
    _poll(lambda: _numbers(widget)["step"] == 1, 10, "a step by the keyboard", page)
    for control in (chosen, step):
        control.focus()
        page.keyboard.press("Shift+Tab")  # focus by the keyboard: :focus-visible
        page.keyboard.press("Tab")
        focus = control.evaluate(
            "e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
            " getComputedStyle(e).outlineWidth]"
        )
        assert focus[0] and focus[1] != "none" and float(focus[2].rstrip("px")) >= 2, focus

    # each press is a step, drawn at once; equal to gradient descent's
    still = widget.locator(".lw-still").get_attribute("src")
    for _ in range(2):
        step.click()
    widget.get_by_role("button", name="10 steps").click()
    _poll(lambda: _numbers(widget)["step"] == 13, 10, "13 steps", page)
    got = _numbers(widget)
    run = lc.gradient_descent(x, y, 1e-4, 13, 0.0, 0.0, warn=False)
    assert [got["m"], got["b"]] == pytest.approx([run.ms[-1], run.bs[-1]], rel=1e-9)
    mse = lc.mse(y, lc.predict(x, run.ms[-1], run.bs[-1]))
    assert got["mse"] == pytest.approx(mse, rel=1e-9)
    assert f"MSE = {lw.readable(mse)}" in widget.locator(".lw-readout").inner_text()
    assert "13 steps" in (widget.get_by_role("img").get_attribute("aria-label") or "")

    # the browser drew the step axis wider itself (no new picture from the kernel): matplotlib's frame
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    time.sleep(0.5)
    assert widget.locator(".lw-still").get_attribute("src") == still
    frame = lw.StepExplorer(x, y, lr=1e-4)
    frame.take_steps(13)
    whole = np.asarray(Image.open(io.BytesIO(frame.picture())).convert("RGB"), dtype=int)
    page.mouse.move(0, 0)
    box = widget.locator(".lw-picture").bounding_box()
    clip = dict(x=round(box["x"]), y=round(box["y"]), width=whole.shape[1], height=whole.shape[0])
    drawn_png = page.screenshot(clip=clip)
    (ARTIFACTS / "drawn-step.png").write_bytes(drawn_png)
    shown = np.asarray(Image.open(io.BytesIO(drawn_png)).convert("RGB"), dtype=int)
    diff = np.abs(shown - whole).max(axis=2)
    assert np.mean(diff > 96) < 0.002 and diff.mean() < 2.0, (np.mean(diff > 96), diff.mean())
    steps, m, b = json.loads(_run_cell(page, code_cells.nth(2)))
    assert steps == 13 and [m, b] == pytest.approx([got["m"], got["b"]], rel=1e-12)
    # the live region's last word is the readout: it speaks at most every 1.5 s, so wait for it
    readout = widget.locator(".lw-readout").inner_text().split()
    _poll(
        lambda: (spoken := page.evaluate("() => window.__lwSpoken")) and spoken[-1].split() == readout,
        5,
        "the live region to say the last readout",
        page,
    )
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


def test_training_explorer_plays_in_the_browser(browser, lab_server, lab_page):
    """The TrainingExplorer: axe-core finds nothing; Play and Pause are buttons named by their words,
    with a visible focus; Play animates epoch after epoch with no message to or from the kernel, and
    the kernel's epoch slider gets the epoch Play stopped at; the readouts equal
    linreg_core.gradient_descent's at many epochs; the epoch slider follows the keyboard; a new lr
    asks the kernel once for the new run, which the browser then draws."""
    import numpy as np

    import linreg_core as lc

    page = lab_page
    frames = _watch_frames(page)
    cells = [
        DRAWN_CELLS[0],
        "e = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)\ne",
        *["print(repr([e.epoch_slider.value, e.lr_slider.value, e.epoch_slider.max]))"] * 2,
    ]
    code_cells, widget = _open_drawn(page, lab_server, "training", cells)
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    run = lc.gradient_descent(x, y, 1e-4, 300, warn=False)

    def check(numbers, run=run):
        k = int(numbers["epoch"])
        assert [numbers["m"], numbers["b"]] == pytest.approx([run.ms[k], run.bs[k]], rel=1e-9), numbers
        assert numbers["mse"] == pytest.approx(lc.mse(y, lc.predict(x, run.ms[k], run.bs[k])), rel=1e-9)
        return k

    # named controls: the buttons by their words (the symbols are not read), the sliders, the rates
    play = widget.get_by_role("button", name="Play", exact=True)
    pause = widget.get_by_role("button", name="Pause", exact=True)
    assert play.count() == 1 and pause.count() == 1
    epoch = widget.get_by_role("slider", name="epoch", exact=True)
    assert epoch.count() == 1 and widget.get_by_role("slider", name="epochs", exact=True).count() == 1
    rates = widget.get_by_role("radiogroup", name="lr η")
    assert rates.get_by_role("radio", name="0.0001", exact=True).is_checked()
    alt = widget.get_by_role("img").get_attribute("aria-label") or ""
    assert "epoch 0" in alt and "log scale" in alt, alt

    # the readouts at many epochs, set on the slider
    for k in [300, 0, *np.random.default_rng(2).integers(1, 300, 12).tolist()]:
        epoch.evaluate(_SET_JS, k)
        _poll(lambda k=k: _numbers(widget)["epoch"] == k, 10, f"the readout at epoch {k}", page)
        check(_numbers(widget))
        assert f"epoch {k}:" in widget.locator(".lw-readout").inner_text()
    epoch.evaluate(_SET_JS, 0)
    _poll(lambda: _numbers(widget)["epoch"] == 0, 10, "epoch 0", page)

    # Play by the keyboard, with a visible focus; it animates with no kernel message
    play.focus()
    page.keyboard.press("Tab")  # to Pause and back: focus by the keyboard (:focus-visible)
    page.keyboard.press("Shift+Tab")
    focus = play.evaluate(
        "e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
        " getComputedStyle(e).outlineWidth]"
    )
    assert focus[0] and focus[1] != "none" and float(focus[2].rstrip("px")) >= 2, focus
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    page.keyboard.press("Enter")
    _poll(lambda: _numbers(widget)["epoch"] >= 3, 10, "Play to start", page)
    time.sleep(0.5)  # the press's own message (Play runs) and the kernel's answer are past
    quiet_from = time.monotonic()
    seen = set()
    while time.monotonic() - quiet_from < 2.0:
        seen.add(check(_numbers(widget)))
        time.sleep(0.1)
    quiet_to = time.monotonic()
    pause.click()
    messages = _kernel_messages(frames, since=quiet_from, until=quiet_to)
    assert len(seen) >= 10, f"Play showed only epochs {sorted(seen)} in 2 s"
    assert sorted(seen) == sorted(seen, key=lambda k: k), seen
    assert not messages, f"Play sent or got {len(messages)} kernel messages: {messages[:3]}"
    time.sleep(0.5)
    stopped = int(_numbers(widget)["epoch"])
    time.sleep(0.5)
    assert _numbers(widget)["epoch"] == stopped  # paused
    assert json.loads(_run_cell(page, code_cells.nth(2)))[0] == stopped

    # the keyboard moves the epoch slider, at once
    epoch.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    _poll(lambda: _numbers(widget)["epoch"] == stopped + 3, 10, "three epochs by the keyboard", page)

    # a new lr during Play: one message to the kernel, which stops Play and sends the new run,
    # shown from epoch 0 in the browser and the kernel alike
    play.click()
    _poll(lambda: _numbers(widget)["epoch"] >= stopped + 6, 10, "Play to run again", page)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    sent_before = len(_kernel_messages(frames, "framesent"))
    widget.get_by_role("radio", name="0.0002", exact=True).check()
    _poll(lambda: _numbers(widget)["lr"] == 0.0002, 60, "the new run from the kernel", page)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    time.sleep(0.5)
    sent = len(_kernel_messages(frames, "framesent")) - sent_before
    assert sent == 1, f"a new lr sent {sent} messages to the kernel"
    new = lc.gradient_descent(x, y, 2e-4, 300, warn=False)
    assert check(_numbers(widget), new) == 0
    assert json.loads(_run_cell(page, code_cells.nth(3))) == [0, 0.0002, 300]
    epoch.evaluate(_SET_JS, 120)
    _poll(lambda: _numbers(widget)["epoch"] == 120, 10, "epoch 120 of the new run", page)
    check(_numbers(widget), new)
    assert "training again" not in widget.locator(".lw-readout").inner_text()
    _axe(page, widget, "training after a new run")
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


def test_scaling_explorer_trains_in_the_browser(browser, lab_server, lab_page):
    """The ScalingExplorer: axe-core finds nothing; the log-scale lr slider is named and announces
    the value it shows (1.00e-4), the checkbox is named; the browser trains at every lr itself:
    its readouts equal linreg_core's gradient descent, epochs_to_converge and unstandardize at
    many rates, raw and standardised; the keyboard moves the slider, with a visible focus; a fast
    drag redraws at once and tells the kernel at most every SYNC_MS; the checkbox is one message to
    the kernel, which sends the new still picture; the drawing is matplotlib's frame; the kernel's
    copy follows."""
    import io

    import numpy as np
    from PIL import Image

    import linreg_core as lc
    import linreg_widgets as lw

    page = lab_page
    frames = _watch_frames(page)

    def sent(since=0.0):
        return len(_kernel_messages(frames, "framesent", since))

    cells = [
        DRAWN_CELLS[0],
        "e = lw.ScalingExplorer(x, y, lr=1e-4, epochs=1000)\ne",
        "print(repr([e.lr_slider.value, e.scale_box.value, e.m, e.b]))",
    ]
    code_cells, widget = _open_drawn(page, lab_server, "scaling", cells)
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    x_scaled, mean, std = lc.standardize(x)
    target = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]

    def check(numbers):
        """The browser's numbers against linreg_core's run at the same lr; returns the outcome."""
        lr, scaled = numbers["lr"], numbers["scaled"]
        run = lc.gradient_descent(x_scaled if scaled else x, y, lr, 1000, warn=False)
        ms, bs = lc.unstandardize(run.ms, run.bs, mean, std) if scaled else (run.ms, run.bs)
        assert numbers["epochs"] == len(ms) - 1 and numbers["diverged"] == run.diverged, (numbers, lr)
        assert [numbers["m"], numbers["b"]] == pytest.approx([ms[-1], bs[-1]], rel=1e-9), numbers
        converged = None if run.diverged else lc.epochs_to_converge(ms, bs, *target, rtol=1e-3)
        assert numbers["converged"] == converged, (numbers, converged)
        text = widget.locator(".lw-readout").inner_text()
        assert f"m = {lw.readable(ms[-1])}, b = {lw.readable(bs[-1])}" in text, text
        if run.diverged:
            assert "Diverged" in text
            return "diverged"
        if converged is None:
            assert "Did not converge" in text
            return "not converged"
        assert f"from epoch {converged} on" in text
        return "converged"

    # named controls, announcing what they show; a text alternative that says what is shown
    slider = widget.get_by_role("slider", name="lr η", exact=True)
    assert slider.count() == 1
    assert slider.get_attribute("aria-valuetext") == "1.00e-4"
    assert slider.evaluate("e => e.parentElement.querySelector('output').textContent") == "1.00e-4"
    box = widget.get_by_role("checkbox", name="standardise x", exact=True)
    assert box.count() == 1 and not box.is_checked()
    alt = widget.get_by_role("img").get_attribute("aria-label") or ""
    assert "long valley" in alt and "1000 epochs" in alt, alt
    assert check(_numbers(widget)) == "not converged"

    # the readouts at many rates (the slider's exponent), raw x, then standardised
    low, high, step = (float(slider.get_attribute(k)) for k in ("min", "max", "step"))
    seen = set()
    for standardised in (False, True):
        if standardised:
            time.sleep(1.0)  # the slider's last value is sent (at most every SYNC_MS, 750 ms)
            _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
            before, still = sent(), widget.locator(".lw-still").get_attribute("src")
            received = len(_kernel_messages(frames, "framereceived"))
            box.click()
            _poll(lambda: _numbers(widget)["scaled"] is True, 10, "the standardised run", page)
            _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
            time.sleep(0.5)
            assert sent() - before == 1, f"the checkbox sent {sent() - before} messages to the kernel"
            # the browser had the other still picture: none is sent again (only the value's echo)
            got = [p for _, _, p in _kernel_messages(frames, "framereceived")][received:]
            assert all(len(p) < 2000 for p in got), [len(p) for p in got]
            assert widget.locator(".lw-still").get_attribute("src") == still
            assert "right one is active" in widget.get_by_role("img").get_attribute("aria-label")
        for fraction in [0.0, 1.0, *np.random.default_rng(3).uniform(0, 1, 14)]:
            exponent = float(slider.evaluate(_SET_JS, low + fraction * (high - low)))
            _poll(
                lambda v=exponent: abs(math.log10(_numbers(widget)["lr"]) - v) < 1e-9,
                10,
                f"the readout at lr = 1e{exponent}",
                page,
            )
            mantissa, power = f"{_numbers(widget)['lr']:.2e}".split("e")
            assert slider.get_attribute("aria-valuetext") == f"{mantissa}e{int(power)}"
            seen.add(check(_numbers(widget)))
    assert seen == {"converged", "not converged", "diverged"}, seen

    # the keyboard, with a focus one can see; then a fast drag, the kernel told rarely
    exponent = float(slider.evaluate(_SET_JS, -2.0))
    _poll(lambda: abs(_numbers(widget)["lr"] - 0.01) < 1e-15, 10, "lr = 0.01", page)
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    three_steps = lambda: abs(math.log10(_numbers(widget)["lr"]) + 2.15) < 1e-9  # noqa: E731
    _poll(three_steps, 10, "three steps by the keyboard", page)
    check(_numbers(widget))
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    dragged_from = time.monotonic()
    _focus_then_drag(page, widget, slider, "lr", "scaling")
    dragged = time.monotonic() - dragged_from
    count = sent(dragged_from)
    assert count <= dragged / 0.75 + 2, f"a drag sent {count} messages to the kernel in {dragged:.1f} s"
    numbers = _numbers(widget)
    check(numbers)

    # the drawing is matplotlib's frame at the same lr, drawn in one piece
    frame = lw.ScalingExplorer(x, y, lr=numbers["lr"], epochs=1000, standardize=True)
    whole = np.asarray(Image.open(io.BytesIO(frame.picture())).convert("RGB"), int)
    page.mouse.move(0, 0)
    picture = widget.locator(".lw-picture").bounding_box()
    clip = dict(x=round(picture["x"]), y=round(picture["y"]), width=whole.shape[1], height=whole.shape[0])
    drawn_png = page.screenshot(clip=clip)
    (ARTIFACTS / "drawn-scaling.png").write_bytes(drawn_png)
    shown = np.asarray(Image.open(io.BytesIO(drawn_png)).convert("RGB"), dtype=int)
    assert shown.shape == whole.shape, (shown.shape, whole.shape)
    diff = np.abs(shown - whole).max(axis=2)
    assert np.mean(diff > 96) < 0.002 and diff.mean() < 2.0, (np.mean(diff > 96), diff.mean())

    # the kernel's copy: the lr the browser shows, and the same run
    lr, scaled, m, b = json.loads(_run_cell(page, code_cells.nth(2)).replace("True", "true"))
    assert lr == numbers["lr"] and scaled is True
    assert [m, b] == pytest.approx([numbers["m"], numbers["b"]], rel=1e-9)
    _axe(page, widget, "scaling, standardised")
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


def test_minibatch_explorer_plays_in_the_browser(browser, lab_server, lab_page):
    """The MinibatchExplorer (notebook 08): axe-core finds nothing; the batch sizes are a named group
    of radio buttons named by what they are, the chosen one checked; the sliders and Play and Pause
    are named; the readouts equal linreg_minibatch's run (m, b) and the MSE written out at many
    epochs; Play walks the path with no message to or from the kernel, whose epoch slider gets the
    epoch Play stopped at; a new batch size (by the keyboard, with a visible focus), a drag of the
    lr slider and a new seed each ask the kernel once for the new run, which the browser then
    draws: matplotlib's frame; the kernel's copy follows."""
    import io

    import numpy as np
    from PIL import Image

    import linreg_core as lc
    import linreg_minibatch as lm
    import linreg_widgets as lw

    page = lab_page
    frames = _watch_frames(page)
    cells = [
        DRAWN_CELLS[0],
        "xs = lc.standardize(x)[0]\n"
        "e = lw.MinibatchExplorer(xs, y, lr=0.05, epochs=20, batch_size=10, seed=0)\ne",
        "print(repr([e.epoch_slider.value, e.batch_buttons.value, e.lr_slider.value, e.seed_slider.value]))",
    ]
    code_cells, widget = _open_drawn(page, lab_server, "minibatch", cells)
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    xs = (x - x.mean()) / x.std()

    def check(numbers, words=True):
        """The browser's numbers (and its ``words``, when it stays still) against the core's run with
        the settings it shows; returns the epoch."""
        batch, lr, seed = int(numbers["batch"]), numbers["lr"], int(numbers["seed"])
        run = lm.minibatch_gradient_descent(xs, y, lr, 20, batch, seed, warn=False)
        k, t = int(numbers["epoch"]), int(numbers["updates"])
        assert t == (len(run.ms) - 1 if k == len(run.losses) - 1 else k * -(-200 // batch)), numbers
        assert [numbers["m"], numbers["b"]] == pytest.approx([run.ms[t], run.bs[t]], rel=1e-9), numbers
        expected = np.sum((y - (numbers["m"] * xs + numbers["b"])) ** 2) / y.size
        assert numbers["mse"] == pytest.approx(expected, rel=1e-9), numbers
        text = widget.locator(".lw-readout").inner_text() if words else ""
        assert not words or f"after {k} epochs ({t} updates)" in text, text
        assert not words or f"MSE = {lw.readable(expected)}" in text, text
        return k

    # named controls: radio buttons by what they are, the sliders, the buttons by their words
    sizes = widget.get_by_role("radiogroup", name="batch size")
    names = [r.evaluate("e => e.labels[0].textContent") for r in sizes.get_by_role("radio").all()]
    assert names == ["1 point", "2 points", "5 points", "10 points", "20 points", "50 points", "n = 200"]
    assert sizes.get_by_role("radio", name="10 points", exact=True).is_checked()
    lr = widget.get_by_role("slider", name="lr η", exact=True)
    assert lr.get_attribute("aria-valuetext") == "5.00e-2"
    epoch = widget.get_by_role("slider", name="epoch", exact=True)
    assert epoch.count() == 1 and widget.get_by_role("slider", name="seed", exact=True).count() == 1
    play = widget.get_by_role("button", name="Play", exact=True)
    pause = widget.get_by_role("button", name="Pause", exact=True)
    assert play.count() == 1 and pause.count() == 1
    alt = widget.get_by_role("img").get_attribute("aria-label") or ""
    assert "400 updates" in alt and "log scale" in alt, alt
    assert check(_numbers(widget)) == 20  # the whole path first

    # the readouts at many epochs, set on the slider
    for k in [0, 20, *np.random.default_rng(4).integers(1, 20, 8).tolist()]:
        epoch.evaluate(_SET_JS, k)
        _poll(lambda k=k: _numbers(widget)["epoch"] == k, 10, f"the readout at epoch {k}", page)
        assert check(_numbers(widget)) == k
    assert widget.get_by_role("img").get_attribute("aria-label") != alt  # the alternative follows

    # Play from the start (it was at the end): epoch after epoch, with no kernel message
    epoch.evaluate(_SET_JS, 20)
    _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
    time.sleep(1.0)  # the slider's value is sent (at most every SYNC_MS, 750 ms)
    play.click()
    _poll(lambda: 1 <= _numbers(widget)["epoch"] < 20, 10, "Play to start from epoch 0", page)
    time.sleep(0.3)  # the press's own message (Play runs) and the kernel's answer are past
    quiet_from = time.monotonic()
    seen = []
    while time.monotonic() - quiet_from < 1.5:
        seen.append(check(_numbers(widget), words=False))  # Play moves on meanwhile
        time.sleep(0.1)
    quiet_to = time.monotonic()
    pause.click()
    messages = _kernel_messages(frames, since=quiet_from, until=quiet_to)
    assert len(set(seen)) >= 5 and seen == sorted(seen), f"Play showed epochs {seen} in 1.5 s"
    assert not messages, f"Play sent or got {len(messages)} kernel messages: {messages[:3]}"
    time.sleep(0.5)
    stopped = int(_numbers(widget)["epoch"])
    time.sleep(0.4)
    assert _numbers(widget)["epoch"] == stopped  # paused
    assert json.loads(_run_cell(page, code_cells.nth(2)))[0] == stopped

    def one_message(act, what, arrived):
        """``act`` sends the kernel one message; the kernel's new run then arrives."""
        _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
        time.sleep(0.5)
        before = len(_kernel_messages(frames, "framesent"))
        act()
        _poll(lambda: arrived(_numbers(widget)), 60, f"{what}: the new run from the kernel", page)
        _poll(lambda: _kernel_ready(page), KERNEL_TIMEOUT, "the kernel to be idle", page)
        time.sleep(0.5)
        sent = len(_kernel_messages(frames, "framesent")) - before
        assert sent == 1, f"{what} sent {sent} messages to the kernel"
        assert "again" not in widget.locator(".lw-readout").inner_text()
        assert check(_numbers(widget)) == 20  # a new run shows all of its path

    # a batch size by the keyboard, with a focus one can see
    ten = sizes.get_by_role("radio", name="10 points", exact=True)
    ten.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    focus = ten.evaluate(
        "e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
        " getComputedStyle(e).outlineWidth]"
    )
    assert focus[0] and focus[1] != "none" and float(focus[2].rstrip("px")) >= 2, focus
    one_message(lambda: page.keyboard.press("ArrowLeft"), "batch size 5", lambda n: n["batch"] == 5)
    assert sizes.get_by_role("radio", name="5 points", exact=True).is_checked()

    # a fast drag of the lr slider: one message, at the release
    box = lr.bounding_box()
    mid = box["y"] + box["height"] / 2

    def drag():
        page.mouse.move(box["x"] + 0.5 * box["width"], mid)
        page.mouse.down()
        for k in range(20):
            page.mouse.move(box["x"] + (0.5 - 0.2 * k / 19) * box["width"], mid)
        page.mouse.up()

    one_message(drag, "a drag of lr", lambda n: n["lr"] < 0.05)
    one_message(
        lambda: widget.get_by_role("slider", name="seed", exact=True).press("ArrowRight"),
        "seed 1",
        lambda n: n["seed"] == 1,
    )
    numbers = _numbers(widget)

    # the drawing is matplotlib's frame after the same changes (the layout is the first run's: a
    # new run redraws the loss curve's axes only), drawn in one piece
    frame = lw.MinibatchExplorer(xs, y, lr=0.05, epochs=20, batch_size=10, seed=0)
    frame.batch_buttons.value, frame.lr_slider.value, frame.seed_slider.value = 5, numbers["lr"], 1
    whole = np.asarray(Image.open(io.BytesIO(frame.picture())).convert("RGB"), int)
    page.mouse.move(0, 0)
    picture = widget.locator(".lw-picture").bounding_box()
    # the picture's own pixels: the browser puts an image on whole pixels, halves rounded up
    at = {k: math.floor(picture[k] + 0.5) for k in ("x", "y")}
    clip = dict(**at, width=whole.shape[1], height=whole.shape[0])
    drawn_png = page.screenshot(clip=clip)
    (ARTIFACTS / "drawn-minibatch.png").write_bytes(drawn_png)
    shown = np.asarray(Image.open(io.BytesIO(drawn_png)).convert("RGB"), dtype=int)
    assert shown.shape == whole.shape, (shown.shape, whole.shape)
    diff = np.abs(shown - whole).max(axis=2)
    assert np.mean(diff > 96) < 0.002 and diff.mean() < 2.0, (np.mean(diff > 96), diff.mean())

    # the kernel's copy: the settings the browser shows
    assert json.loads(_run_cell(page, code_cells.nth(2))) == [20, 5, numbers["lr"], 1]
    _axe(page, widget, "minibatch after new runs")
    errors = [line for line in page.browser_log if line.startswith("pageerror")]
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)
