"""make slides and make site: built offline, opened offline in Chromium.

Builds both with ``tools/publish.py`` (into test-artifacts/ and a temp folder, never
``build/``), then checks the files, runs the live notebooks, and opens the pages in Debian's
Chromium with every request outside ``file:``/``data:`` refused: MathJax typesets (no raw
``$`` left), every picture loads with meaningful alt text and fits its 16:9 slide, no slide
overflows, the site's build leaves no warning and its table of contents is the notebooks and
docs. Screenshots (PNG) go to ``test-artifacts/publish/``.

Needs ``.venv-node`` (``make .venv-node/.stamp``: reveal.js, MathJax), ``.venv-site``
(``make .venv-site/.stamp``: Jupyter Book 1), ``/usr/bin/chromium`` and playwright. Without
them the tests are skipped locally and FAIL when ``CI`` is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[1]
LESSON = sorted((REPO / "notebooks").glob("0[1-4]_*.ipynb"))
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DOCS = sorted((REPO / "docs").glob("*.md"))
ARTIFACTS = REPO / "test-artifacts" / "publish"
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# Text a reader of a slide or a page never sees: the setup cell, the badges, the solutions.
LEFT_OUT = ["# @title Setup", "colab-badge.svg", "mybinder.org/badge"]
GENERIC_ALT = re.compile(r"^\s*$|No description|<Figure|^image$|\.png$", re.I)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _need(ok: bool, reason: str) -> None:
    if not ok:
        if _in_ci():
            pytest.fail(f"{reason} -- CI is set, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)


def _publish(what: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "tools" / "publish.py"), what, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    _need((REPO / ".venv-node" / "node_modules" / "reveal.js").is_dir(), "run make .venv-node/.stamp")
    # Inside the repository (test-artifacts/ is gitignored): the live notebooks' setup cell finds
    # linreg_core.py in a parent folder, as it does in build/slides/live.
    out = ARTIFACTS / "slides"
    shutil.rmtree(out, ignore_errors=True)
    done = _publish("slides", out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _need((REPO / ".venv-node" / "node_modules" / "mathjax").is_dir(), "run make .venv-node/.stamp")
    _need((REPO / ".venv-site" / "bin" / "jupyter-book").exists(), "run make .venv-site/.stamp")
    out = tmp_path_factory.mktemp("site")
    done = _publish("site", out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / "_build" / "html", done.stdout + done.stderr


@pytest.fixture(scope="module")
def browser():
    _need(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (bash .ci/install-browser)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _offline_page(browser, width, height):
    """A page that refuses every request but file: and data:, and lists what it refused."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.refused = []

    def route(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            page.refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return page


def _saved_pictures(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def _explorer_names(path: Path) -> list[str]:
    """The explorers a notebook builds (from its code), in order: an independent reference for alt text."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    names = []
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and any("image/png" in o.get("data", {}) for o in cell["outputs"]):
            names += re.findall(r"\blw\.(\w+Explorer)\(", text)
    return names


# --------------------------------------------------------------------------- slides


def test_slides_load_nothing_from_the_network(slides):
    for path in LESSON:
        page = (slides / f"{path.stem}.slides.html").read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', page)
        assert not remote, f"{path.stem}: {remote}"
        for text in LEFT_OUT + ["<summary>Solution"]:
            assert text not in page, f"{path.stem} slides show {text!r}"


def test_slides_in_chromium_offline(slides, browser):
    """10-15 slides a notebook, maths typeset, every picture loaded and inside its slide."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in LESSON:
        page = _offline_page(browser, 1280, 720)
        page.goto((slides / f"{path.stem}.slides.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady() && window.MathJax && MathJax.startup")
        page.evaluate("MathJax.startup.promise")
        total = page.evaluate("Reveal.getTotalSlides()")
        assert 10 <= total <= 15, f"{path.stem}: {total} slides, not 10-15"
        assert page.locator("mjx-container").count() > 0, f"{path.stem}: no typeset maths"
        markdown = page.evaluate(
            "[...document.querySelectorAll('.jp-MarkdownCell')].map((c) => c.innerText).join('\\n')"
        )
        assert "$" not in markdown, f"{path.stem}: raw TeX left: {markdown[markdown.find('$') - 40 :][:80]!r}"
        pictures = 0
        for index in range(total):
            page.evaluate(f"Reveal.slide(...Object.values(Reveal.getIndices(Reveal.getSlides()[{index}])))")
            page.wait_for_timeout(100)
            slide = page.evaluate(
                """() => {
                const s = Reveal.getCurrentSlide(), box = s.getBoundingClientRect();
                const scale = Reveal.getScale();
                return {height: s.scrollHeight, box: [box.top, box.bottom, box.left, box.right],
                        images: [...s.querySelectorAll('img')].map((i) => {
                            const r = i.getBoundingClientRect();
                            return {ok: i.complete && i.naturalWidth > 0, alt: i.alt, scale: scale,
                                    box: [r.top, r.bottom, r.left, r.right]};
                        })};
            }"""
            )
            assert slide["height"] <= 720, f"{path.stem} slide {index + 1} overflows: {slide['height']} px"
            for image in slide["images"]:
                pictures += 1
                assert image["ok"], f"{path.stem} slide {index + 1}: a picture did not load"
                assert not GENERIC_ALT.search(image["alt"]), f"{path.stem}: alt text {image['alt']!r}"
                top, bottom, left, right = image["box"]
                assert top >= 0 and bottom <= 720 and left >= 0 and right <= 1280, (
                    f"{path.stem} slide {index + 1}: picture outside the 16:9 slide: {image['box']}"
                )
            if (path.stem, index) in [("01_loss_function", 4), ("03_update_rule", 5)]:
                page.screenshot(path=str(ARTIFACTS / f"slides-{path.stem}-{index + 1:02d}.png"))
        assert pictures > 0, f"{path.stem}: no picture on any slide"
        assert page.refused == [], f"{path.stem} asked the network for {page.refused}"
        page.close()


# --------------------------------------------------------------------------- site


def test_site_builds_without_warnings_and_lists_only_notebooks_and_docs(site):
    html, log = site
    assert "WARNING" not in log and "ERROR" not in log, log[-3000:]
    pages = sorted(p.relative_to(html).as_posix() for p in html.glob("[!_]*/*.html"))
    expected = sorted([f"notebooks/{p.stem}.html" for p in NOTEBOOKS] + [f"docs/{p.stem}.html" for p in DOCS])
    assert pages == expected  # no page for a MyST twin (notebooks/sources/)


def test_site_pages_show_the_saved_pictures_with_alt_text(site):
    html, _ = site
    for path in NOTEBOOKS:
        page = (html / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        images = re.findall(r"<img\b[^>]*>", page)
        # No re-execution: exactly the saved pictures, and no live widget needing a CDN.
        assert len(images) == _saved_pictures(path), path.stem
        assert "application/vnd.jupyter.widget-view+json" not in page
        alts = [re.search(r'alt="([^"]*)"', tag) for tag in images]
        assert all(alts), f"{path.stem}: an <img> without alt"
        for alt in (m.group(1) for m in alts):
            assert not GENERIC_ALT.search(alt), f"{path.stem}: alt text {alt!r}"
        explorer_alts = [re.search(r"the (\w+Explorer)", m.group(1)) for m in alts]
        assert [m.group(1) for m in explorer_alts if m] == _explorer_names(path), path.stem
        for text in LEFT_OUT:
            assert text not in page, f"{path.stem} page shows {text!r}"
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', page)
        assert not remote, f"{path.stem}: {remote}"


def test_site_in_chromium_offline(site, browser):
    """Every page: maths typeset by the local MathJax, every picture loaded, nothing fetched."""
    html, _ = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in [html / "notebooks" / f"{p.stem}.html" for p in NOTEBOOKS] + [
        html / "docs" / f"{p.stem}.html" for p in DOCS
    ]:
        page = _offline_page(browser, 1280, 900)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        maths = page.locator("article .math").count()
        if maths:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.document")
            page.evaluate("MathJax.startup.promise")
            untypeset = page.evaluate(
                "[...document.querySelectorAll('article .math')]"
                ".filter((m) => !m.querySelector('mjx-container')).length"
            )
            assert untypeset == 0, f"{path.name}: {untypeset} of {maths} formulas not typeset"
        # The prose, without code (a plot's title in code may hold TeX for matplotlib).
        text = page.evaluate(
            "(() => { const a = document.querySelector('article').cloneNode(true);"
            " a.querySelectorAll('pre, .highlight').forEach((e) => e.remove()); return a.innerText; })()"
        )
        assert not re.search(r"\\\(|\$[^$\s][^$]*\$", text), f"{path.name}: raw TeX left"
        broken = page.evaluate(
            "[...document.querySelectorAll('article img')]"
            ".filter((i) => !(i.complete && i.naturalWidth > 0)).length"
        )
        assert broken == 0, f"{path.name}: {broken} pictures did not load"
        if path.stem in ("01_loss_function", "04_full_training"):
            page.locator("article img").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"site-{path.stem}.png"))
        assert page.refused == [], f"{path.name} asked the network for {page.refused}"
        page.close()


def test_site_toc_lists_every_notebook_and_doc():
    toc = (REPO / "book" / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"(?:root|file): (\S+)", toc)
    assert sorted(files) == sorted(
        [f"notebooks/{p.stem}" for p in NOTEBOOKS] + [f"docs/{p.stem}" for p in DOCS]
    )


# --------------------------------------------------------------------------- live


def _talk_sources(path: Path) -> list[str]:
    """The code of a notebook before its "Going further" section, outside its exercise sections."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts, in_exercise = [], False
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and text.startswith("## Going further"):
            break
        if cell["cell_type"] == "markdown" and text.startswith("#"):
            in_exercise = text.lstrip("#").strip().startswith("Exercise")
        elif cell["cell_type"] == "code" and not in_exercise:
            texts.append(text)
    return texts


def test_live_notebooks_run_without_exercise_cells(slides):
    """build/slides/live: 01-04 to present in Voilà or JupyterLab; no exercise, and Run All works."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    for path in LESSON:
        nb = nbformat.read(slides / "live" / path.name, as_version=4)
        texts = ["".join(c.source) for c in nb.cells]
        assert not any(t.startswith(("ex.check_", "<details>")) or "# TODO" in t for t in texts), path.stem
        assert not any(re.match(r"#+ Exercise", t) for t in texts), path.stem
        # Every explorer of the talk (before "Going further") is there, to drag live.
        talk = "".join(_talk_sources(path))
        assert re.findall(r"\blw\.(\w+Explorer)\(", "".join(texts)) == re.findall(
            r"\blw\.(\w+Explorer)\(", talk
        )
        nbclient.NotebookClient(
            nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(slides / "live")}}
        ).execute()
        bad = [
            o
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.output_type == "error" or o.get("name") == "stderr"
        ]
        assert not bad, f"{path.stem}: {bad}"
