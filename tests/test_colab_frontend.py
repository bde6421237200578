"""The explorers in ipywidgets 7's own frontend: Colab runs ipywidgets 7.7 (constraints-colab.txt).

Run on the Colab-like stack only (``make test-colab``; ``make test-main`` leaves it out). Each
explorer is saved with ``ipywidgets.embed`` (its widget state, as a kernel would send it) and
opened in Chromium with ipywidgets 7's HTML frontend, ``@jupyter-widgets/html-manager`` 0.20
(``@jupyter-widgets/controls`` 1.5), installed from npm into ``.venv-node/`` (package.json).
Every explorer is drawn in the browser (an anywidget), loaded as the classic Notebook loads it:
require.js (from npm) and anywidget's own notebook extension, from the installed package; each
must draw matplotlib's frame, read out numbers equal to an independent reference and follow its
controls.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
import test_browser as tb  # the browser test's Chromium and its skip-locally-fail-in-CI rule
from ipywidgets.embed import dependency_state, embed_minimal_html
from PIL import Image

import linreg_core as lc
import linreg_widgets as lw

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
EMBED_JS = REPO / ".venv-node" / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist" / "embed.js"
EMBED_AMD_JS = EMBED_JS.with_name("embed-amd.js")
REQUIRE_JS = REPO / ".venv-node" / "node_modules" / "requirejs" / "require.js"


def _require(ok: bool, reason: str):
    if not ok:
        tb._unavailable(reason)


def _need_frontend(script):
    """Skip (locally; fail in CI) without ipywidgets 7, the npm ``script``, Chromium or Playwright."""
    _require(ipywidgets.__version__.startswith("7."), f"ipywidgets {ipywidgets.__version__}, not 7")
    _require(script.is_file(), f"{script} missing: make .venv-node/.stamp (npm ci)")
    _require(os.access(tb.CHROMIUM, os.X_OK), f"{tb.CHROMIUM} missing: .ci/install-browser")
    _require(importlib.util.find_spec("playwright") is not None, "the Python package playwright is missing")


def _offline_page(tmp_path, explorer, manager, head="", **embed):
    """The explorer saved as a page that needs no internet: the CDN's require.js is replaced by
    ``head`` and the widget manager by the local file ``manager`` (from npm)."""
    page_path = tmp_path / "explorer.html"
    # Only the explorer's own widgets: by default the page would hold every widget this test
    # process made (the other test files' too), and one the page cannot load stalls the rest.
    embed.setdefault("state", dependency_state([explorer], drop_defaults=embed.get("drop_defaults", True)))
    embed_minimal_html(page_path, views=[explorer], title="explorer", **embed)
    html = page_path.read_text(encoding="utf-8")
    start = html.index('<script src="https://cdnjs')
    html = html[:start] + head + html[html.index("</script>", start) + len("</script>") :]
    cdn = html[html.index("https://unpkg.com/@jupyter-widgets/html-manager") :].split('"')[0]
    page_path.write_text(html.replace(cdn, manager.as_uri()), encoding="utf-8")
    return page_path


@contextlib.contextmanager
def _chromium_page(page_path):
    """Chromium showing ``page_path`` (local scripts allowed), and the list its errors go to."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=tb.CHROMIUM,
            headless=True,
            args=[*tb.CHROMIUM_ARGS, "--allow-file-access-from-files"],  # the scripts are local files
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            yield page, errors
        finally:
            browser.close()


@contextlib.contextmanager
def _drawn_page(tmp_path, explorer):
    """A browser-drawn ``explorer`` in ipywidgets 7's frontend, loaded as the classic Notebook
    loads it: require.js (from npm) and anywidget's own notebook extension, from the installed
    package (no internet); yields the page, once the readout is there, and its errors."""
    import anywidget

    _need_frontend(REQUIRE_JS)
    nbextension = Path(anywidget.__file__).parent / "nbextension" / "index"
    config = f"requirejs.config({{paths: {{anywidget: {nbextension.as_uri()!r}}}}});"
    head = f'<script src="{REQUIRE_JS.as_uri()}"></script><script>{config}</script>'
    # every trait, as a kernel sends it (the default drops those at their default: the widget's code)
    page_path = _offline_page(tmp_path, explorer, EMBED_AMD_JS, head, drop_defaults=False)
    with _chromium_page(page_path) as (page, errors):
        page.wait_for_function(
            "() => { const r = document.querySelector('.lw-readout'); return r && r.childElementCount > 0; }",
            timeout=30_000,
        )
        page.wait_for_function("() => document.querySelector('.lw-still').complete", timeout=30_000)
        yield page, errors


def _same_picture(page, explorer):
    """Whether the page's picture is the frame matplotlib draws in one piece (SVG's antialiasing
    is not Agg's along thin lines and text: equal almost everywhere)."""
    shown = Image.open(io.BytesIO(page.locator(".lw-picture").screenshot())).convert("RGB")
    frame = Image.open(io.BytesIO(explorer.picture())).convert("RGB")
    diff = np.abs(np.asarray(shown, dtype=int) - np.asarray(frame, dtype=int)).max(axis=2)
    return np.mean(diff > 96) < 0.002 and diff.mean() < 2.0, (np.mean(diff > 96), diff.mean())


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "bowl"])
def test_ipywidgets_7_frontend_draws_the_loss_explorer(compact, tmp_path):
    """The browser-drawn LossExplorer in ipywidgets 7's frontend: it draws matplotlib's frame,
    its readout is linreg_core's MSE, and a slider moved by the keyboard moves it."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.LossExplorer(x, y, m=2.0, b=-10.0, compact=compact)
    with _drawn_page(tmp_path, explorer) as (page, errors):
        readout = page.locator(".lw-readout")
        ok, why = _same_picture(page, explorer)
        first = {k: float(readout.get_attribute(f"data-{k}")) for k in ("m", "b", "mse")}
        drawing = page.locator("svg.lw-moving").inner_html()
        slider = page.get_by_role("slider", name="slope m")
        slider.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        target = 2.0 + 5 * explorer.m_slider.step  # five steps of the slider, to its precision
        page.wait_for_function(
            "(m) => Math.abs(Number(document.querySelector('.lw-readout').dataset.m) - m) < 1e-9",
            arg=target,
        )
        moved = {k: float(readout.get_attribute(f"data-{k}")) for k in ("m", "b", "mse")}
        assert page.locator("svg.lw-moving").inner_html() != drawing

    assert not errors, errors
    assert (first["m"], first["b"]) == (2.0, -10.0)
    for numbers in (first, moved):
        expected = lc.mse(y, lc.predict(x, numbers["m"], numbers["b"]))
        assert numbers["mse"] == pytest.approx(expected, rel=1e-9), numbers
    assert moved["m"] == pytest.approx(2.0 + 5 * explorer.m_slider.step) and moved["b"] == -10.0
    assert ok, why


def _readout_numbers(page):
    data = page.locator(".lw-readout").evaluate("e => ({...e.dataset})")
    words = {"true": True, "false": False, "null": None}
    return {k: words[v] if v in words else float(v) for k, v in data.items()}


def test_ipywidgets_7_frontend_draws_the_outlier_explorer(tmp_path):
    """The browser-drawn OutlierExplorer in ipywidgets 7's frontend: it draws matplotlib's frame;
    its MSE line is np.polyfit's and its MAE line has the least MAE (mae_line's); the slider,
    moved by the keyboard, and the checkbox move it."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.OutlierExplorer(x, y, outlier_x=100, outlier_y=0)

    def check(numbers):
        h, xs = numbers["outlier"], np.append(x, 100.0)
        ys = np.append(y, h)
        assert [numbers["mse_m"], numbers["mse_b"]] == pytest.approx(list(np.polyfit(xs, ys, 1)), rel=1e-9)
        m, b = lw.mae_line(xs, ys)
        least = np.mean(np.abs(ys - (m * xs + b)))
        assert np.mean(np.abs(ys - (numbers["mae_m"] * xs + numbers["mae_b"]))) == pytest.approx(
            least, rel=1e-9
        )

    with _drawn_page(tmp_path, explorer) as (page, errors):
        ok, why = _same_picture(page, explorer)
        first = _readout_numbers(page)
        drawing = page.locator("svg.lw-moving").inner_html()
        slider = page.get_by_role("slider", name="outlier y")
        slider.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        target = 5 * explorer.outlier_slider.step
        page.wait_for_function(
            "(h) => Math.abs(Number(document.querySelector('.lw-readout').dataset.outlier) - h) < 1e-9",
            arg=target,
        )
        moved = _readout_numbers(page)
        assert page.locator("svg.lw-moving").inner_html() != drawing
        page.get_by_role("checkbox", name="add the outlier").click()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.present === 'false'")
        without = _readout_numbers(page)
        text = page.locator(".lw-readout").inner_text()

    assert not errors, errors
    assert ok, why
    assert first["outlier"] == 0.0 and first["present"]
    for numbers in (first, moved):
        check(numbers)
    assert [without["mse_m"], without["mse_b"]] == pytest.approx(list(np.polyfit(x, y, 1)), rel=1e-9)
    assert "No outlier" in text


@pytest.mark.parametrize("tangent", [True, False], ids=["tangent", "plain"])
def test_ipywidgets_7_frontend_draws_the_slope_explorer(tangent, tmp_path):
    """The browser-drawn SlopeExplorer in ipywidgets 7's frontend: it draws matplotlib's frame
    (the tangent and the downhill arrow too); its loss and gradient are the lesson's, written out
    here; its slider, moved by the keyboard, moves it."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.SlopeExplorer(x, y, tangent=tangent, m=0.5)

    def check(numbers):
        m, b = numbers["m"], numbers["b"]
        residual = y - (m * x + b)
        assert numbers["loss"] == pytest.approx(np.sum(residual**2) / x.size, rel=1e-9)
        assert numbers["dm"] == pytest.approx(-2 * np.sum(x * residual) / x.size, rel=1e-9)
        assert numbers["db"] == pytest.approx(-2 * np.sum(residual) / x.size, rel=1e-9)

    with _drawn_page(tmp_path, explorer) as (page, errors):
        ok, why = _same_picture(page, explorer)
        first = _readout_numbers(page)
        drawing = page.locator("svg.lw-moving").inner_html()
        page.get_by_role("slider", name="slope m").focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        target = 0.5 + 5 * explorer.m_slider.step
        page.wait_for_function(
            "(m) => Math.abs(Number(document.querySelector('.lw-readout').dataset.m) - m) < 1e-9", arg=target
        )
        moved = _readout_numbers(page)
        assert page.locator("svg.lw-moving").inner_html() != drawing
        text = page.locator(".lw-readout").inner_text()

    assert not errors, errors
    assert ok, why
    assert first["m"] == 0.5 and first["b"] == explorer.b
    for numbers in (first, moved):
        check(numbers)
    assert ("∂L/∂m" in text) == tangent


def test_ipywidgets_7_frontend_steps_the_step_explorer(tmp_path):
    """The browser-drawn StepExplorer in ipywidgets 7's frontend (no kernel): the rates are radio
    buttons, the one chosen checked; Step and 10 steps take gradient-descent steps in the browser,
    equal to linreg_core.gradient_descent's; the drawing is matplotlib's frame after the same steps;
    a new rate starts again from step 0 (said then, once); a rate above the bound says "diverging"
    from step 1; a rate far too large diverges and says so."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.StepExplorer(x, y, lr=1e-4)
    after = lw.StepExplorer(x, y, lr=1e-4)
    after.take_steps(13)  # the step axis twice as wide: the browser widens it with no kernel

    with _drawn_page(tmp_path, explorer) as (page, errors):
        chosen = page.get_by_role("radio", name="0.0001", exact=True)
        assert chosen.is_checked() and page.get_by_role("radiogroup", name="lr η").count() == 1
        for _ in range(3):
            page.get_by_role("button", name="Step", exact=True).click()
        page.get_by_role("button", name="10 steps").click()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.step === '13'")
        stepped = _readout_numbers(page)
        page.mouse.move(0, 0)  # no hover on the picture
        ok, why = _same_picture(page, after)
        first_text = page.locator(".lw-readout").inner_text()
        page.get_by_role("radio", name="0.00012", exact=True).check()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.step === '0'")
        restarted = _readout_numbers(page)
        restarted_text = page.locator(".lw-readout").inner_text()
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.step === '1'")
        page.get_by_role("button", name="Reset", exact=True).click()  # the same rate: no new one
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.step === '0'")
        reset_text = page.locator(".lw-readout").inner_text()
        page.get_by_role("radio", name="0.00035", exact=True).check()  # above the bound, 0.000298
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.step === '1'")
        one_step = page.locator(".lw-readout").inner_text()
        page.get_by_role("radio", name="0.0012", exact=True).check()  # about 2.4 times the stable bound
        for _ in range(4):
            page.get_by_role("button", name="10 steps").click()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.diverged === 'true'")
        text = page.locator(".lw-readout").inner_text()

    assert not errors, errors
    run = lc.gradient_descent(x, y, 1e-4, 13, 0.0, 0.0, warn=False)
    assert [stepped["m"], stepped["b"]] == pytest.approx([run.ms[-1], run.bs[-1]], rel=1e-9)
    assert stepped["mse"] == pytest.approx(lc.mse(y, lc.predict(x, run.ms[-1], run.bs[-1])), rel=1e-9)
    assert ok, why
    assert (restarted["m"], restarted["b"], restarted["lr"]) == (0.0, 0.0, 0.00012)
    note = "a new lr starts again from step 0"  # said once, when the rate changes
    assert note in restarted_text and note not in first_text and note not in one_step
    assert note not in reset_text  # round 35's student saw it after Reset at the same rate
    assert "diverging" in one_step  # above its start after one step: said at step 1
    assert "Diverged" in text


def test_ipywidgets_7_frontend_plays_the_training_explorer(tmp_path):
    """The browser-drawn TrainingExplorer in ipywidgets 7's frontend (no kernel): it draws
    matplotlib's frame; Play, a button named by its word, animates epoch after epoch in the browser
    and Pause stops it; the epoch slider follows the keyboard; each epoch's m, b and MSE equal
    linreg_core.gradient_descent's; a diverging run says so at its last epoch only."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
    run = lc.gradient_descent(x, y, 1e-4, 300, warn=False)

    def check(numbers):
        k = int(numbers["epoch"])
        assert [numbers["m"], numbers["b"]] == pytest.approx([run.ms[k], run.bs[k]], rel=1e-9)
        assert numbers["mse"] == pytest.approx(lc.mse(y, lc.predict(x, run.ms[k], run.bs[k])), rel=1e-9)
        return k

    epoch = "() => Number(document.querySelector('.lw-readout').dataset.epoch)"
    with _drawn_page(tmp_path, explorer) as (page, errors):
        page.mouse.move(0, 0)
        ok, why = _same_picture(page, explorer)
        first = _readout_numbers(page)
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function(f"() => ({epoch})() >= 5")
        seen = {check(_readout_numbers(page))}
        for _ in range(8):
            page.wait_for_timeout(150)
            seen.add(check(_readout_numbers(page)))
        page.get_by_role("button", name="Pause", exact=True).click()
        page.wait_for_timeout(300)
        paused = _readout_numbers(page)["epoch"]
        page.wait_for_timeout(500)
        still_paused = _readout_numbers(page)["epoch"]
        slider = page.get_by_role("slider", name="epoch", exact=True)
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"(k) => ({epoch})() === k", arg=paused + 3)
        keyed = _readout_numbers(page)
        text = page.locator(".lw-readout").inner_text()
        frame = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)  # matplotlib's frame at that epoch
        frame.epoch_slider.value = int(keyed["epoch"])
        page.mouse.move(0, 0)
        page.locator(".lw-picture").screenshot(path=str(tmp_path / "played.png"))
        later_ok, later_why = _same_picture(page, frame)

    assert not errors, errors
    assert ok, why
    assert later_ok, later_why
    assert check(first) == 0
    assert len(seen) >= 4, f"Play showed only epochs {sorted(seen)}"
    assert paused == still_paused
    check(keyed)
    assert "Diverged" not in text and f"epoch {int(keyed['epoch'])} of 300" in text


def test_ipywidgets_7_frontend_training_explorer_diverging_run(tmp_path):
    """At lr 1.2 on standardised x (notebook 04) the run blows up after a few epochs: the browser
    says "This run diverges" before the last epoch and "Diverged" at it, never the other way."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    xs = (x - x.mean()) / x.std()
    explorer = lw.TrainingExplorer(xs, y, lr=1.2, epochs=100)
    last = explorer.epoch_slider.max
    with _drawn_page(tmp_path, explorer) as (page, errors):
        slider = page.get_by_role("slider", name="epoch", exact=True)
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.epoch === '1'")
        early = page.locator(".lw-readout").inner_text()
        page.keyboard.press("End")
        page.wait_for_function(f"() => document.querySelector('.lw-readout').dataset.epoch === '{last}'")
        late = page.locator(".lw-readout").inner_text()
    assert not errors, errors
    assert "Diverged" not in early and "This run diverges" in early and f"stops after epoch {last}" in early
    assert f"Diverged: training stopped after epoch {last}" in late


def test_ipywidgets_7_frontend_trains_the_scaling_explorer(tmp_path):
    """The browser-drawn ScalingExplorer in ipywidgets 7's frontend (no kernel): it draws
    matplotlib's frame; the lr slider announces the value it shows (1.00e-4); moved by the
    keyboard, the browser trains again, equal to linreg_core's gradient descent; the checkbox moves
    the path to the standardised panel, highlighted (the still picture the browser was sent for
    it: matplotlib's frame), whose run converges."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    x_scaled, mean, std = lc.standardize(x)
    explorer = lw.ScalingExplorer(x, y, lr=1e-4, epochs=1000)
    m_ls, b_ls = np.polyfit(x, y, 1)

    def check(numbers):
        scaled, lr = numbers["scaled"], numbers["lr"]
        run = lc.gradient_descent(x_scaled if scaled else x, y, lr, 1000, warn=False)
        ms, bs = (run.ms / std, run.bs - run.ms * mean / std) if scaled else (run.ms, run.bs)  # unscaled
        assert [numbers["m"], numbers["b"]] == pytest.approx([ms[-1], bs[-1]], rel=1e-9), numbers
        assert numbers["epochs"] == len(ms) - 1 and numbers["diverged"] == run.diverged
        close = (np.abs(ms - m_ls) <= 1e-3 * abs(m_ls)) & (np.abs(bs - b_ls) <= 1e-3 * abs(b_ls))
        # the first epoch from which every later one is close (a loop, not epochs_to_converge)
        expected = None
        if close[-1]:
            expected = len(close)
            while expected > 0 and close[expected - 1]:
                expected -= 1
        assert numbers.get("converged") == expected, (numbers, expected)

    lr_of = "() => Number(document.querySelector('.lw-readout').dataset.lr)"
    with _drawn_page(tmp_path, explorer) as (page, errors):
        page.mouse.move(0, 0)
        ok, why = _same_picture(page, explorer)
        first = _readout_numbers(page)
        slider = page.get_by_role("slider", name="lr η", exact=True)
        valuetext = slider.get_attribute("aria-valuetext")
        drawing = page.locator("svg.lw-moving").inner_html()
        slider.focus()
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => Math.abs(Math.log10(({lr_of})()) + 3.8) < 1e-9")
        keyed = _readout_numbers(page)
        moved = page.locator("svg.lw-moving").inner_html() != drawing
        page.get_by_role("checkbox", name="standardise x", exact=True).check()
        page.wait_for_function("() => document.querySelector('.lw-readout').dataset.scaled === 'true'")
        slow = _readout_numbers(page)
        slider.focus()
        for _ in range(36):  # to lr = 1e-2
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => Math.abs(Math.log10(({lr_of})()) + 2) < 1e-9")
        scaled = _readout_numbers(page)
        text = page.locator(".lw-readout").inner_text()
        page.mouse.move(0, 0)
        frame = lw.ScalingExplorer(x, y, lr=scaled["lr"], epochs=1000, standardize=True)
        later_ok, later_why = _same_picture(page, frame)  # the other still picture, with no kernel

    assert not errors, errors
    assert ok, why
    assert valuetext == "1.00e-4" and first["lr"] == 1e-4 and not first["scaled"]
    assert moved
    assert later_ok, later_why
    for numbers in (first, keyed, slow, scaled):
        check(numbers)
    assert slow["scaled"] and slow["converged"] is None
    assert scaled["converged"] is not None and "Converged" in text


def test_ipywidgets_7_frontend_plays_the_minibatch_explorer(tmp_path):
    """The browser-drawn MinibatchExplorer (notebook 08) in ipywidgets 7's frontend (no kernel): it
    draws matplotlib's frame, the whole path; the batch sizes are a named group of named radio
    buttons, the one chosen checked; Play walks the path epoch by epoch in the browser and Pause
    stops it; the epoch slider follows the keyboard and the picture is matplotlib's frame at that
    epoch; each epoch's m and b are the core's run and the MSE the lesson's formula, written out;
    another batch size, with no kernel to train, says that the kernel sends the run."""
    import linreg_minibatch as lm

    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    xs = lc.standardize(x)[0]
    explorer = lw.MinibatchExplorer(xs, y, lr=0.05, epochs=20, batch_size=10, seed=0)
    run = lm.minibatch_gradient_descent(xs, y, 0.05, 20, 10, 0, warn=False)

    def check(numbers):
        k = int(numbers["epoch"])
        t = 20 * k  # 20 updates an epoch: 200 points in batches of 10
        assert numbers["updates"] == t, numbers
        assert [numbers["m"], numbers["b"]] == pytest.approx([run.ms[t], run.bs[t]], rel=1e-9), numbers
        expected = np.sum((y - (numbers["m"] * xs + numbers["b"])) ** 2) / y.size
        assert numbers["mse"] == pytest.approx(expected, rel=1e-9), numbers
        return k

    epoch = "() => Number(document.querySelector('.lw-readout').dataset.epoch)"
    with _drawn_page(tmp_path, explorer) as (page, errors):
        page.mouse.move(0, 0)
        ok, why = _same_picture(page, explorer)
        first = _readout_numbers(page)
        group = page.get_by_role("radiogroup", name="batch size")
        chosen = group.get_by_role("radio", name="10 points", exact=True)
        names = [r.evaluate("e => e.labels[0].textContent") for r in group.get_by_role("radio").all()]
        checked = chosen.is_checked()
        alt = page.get_by_role("img").get_attribute("aria-label")
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function(f"() => ({epoch})() >= 3")
        seen = {check(_readout_numbers(page))}
        for _ in range(6):
            page.wait_for_timeout(120)
            seen.add(check(_readout_numbers(page)))
        page.get_by_role("button", name="Pause", exact=True).click()
        page.wait_for_timeout(300)
        paused = _readout_numbers(page)["epoch"]
        page.wait_for_timeout(400)
        still_paused = _readout_numbers(page)["epoch"]
        slider = page.get_by_role("slider", name="epoch", exact=True)
        slider.focus()
        page.keyboard.press("Home")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => ({epoch})() === 3")
        keyed = _readout_numbers(page)
        keyed_alt = page.get_by_role("img").get_attribute("aria-label")
        frame = lw.MinibatchExplorer(xs, y, lr=0.05, epochs=20, batch_size=10, seed=0)
        frame.epoch_slider.value = 3  # matplotlib's frame at epoch 3
        page.mouse.move(0, 0)
        later_ok, later_why = _same_picture(page, frame)
        group.get_by_role("radio", name="1 point", exact=True).check()
        page.wait_for_function("() => document.querySelector('.lw-readout').textContent.includes('again')")
        waiting = _readout_numbers(page)

    assert not errors, errors
    assert ok, why
    assert later_ok, later_why
    assert names == ["1 point", "2 points", "5 points", "10 points", "20 points", "50 points", "n = 200"]
    assert checked
    assert check(first) == 20 and first["updates"] == 400 and "400 updates" in alt, (first, alt)
    assert len(seen) >= 3 and min(seen) < 20, f"Play showed only epochs {sorted(seen)}"
    assert paused == still_paused
    assert check(keyed) == 3 and "60 updates" in keyed_alt, keyed_alt
    assert waiting["batch"] == 10 and waiting["epoch"] == 3  # still the run it has, until the kernel's
