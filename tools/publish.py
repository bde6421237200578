"""Build the slides and the course site from the notebooks, offline.

    python tools/publish.py slides [--out build/slides]   # reveal.js slides of notebooks 01-04
                                                          # (and live/: 01-04 without exercises)
    python tools/publish.py site [--out build/site]       # the Jupyter Book 1 course site

Nothing here edits a notebook: each build copies the notebooks, decides from their headings,
cell kinds and tags what to show, and writes only under ``--out`` (``make slides`` and
``make site`` use ``build/``, which git ignores), so the builds follow the lesson as it changes.

- Cells tagged ``badges`` or ``nav`` and the ``setup`` cell are left out (the site has its own
  previous/next links; a reader of a page or a slide has nothing to set up).
- Every picture gets alt text, derived from its cell (see :func:`picture_alt`).
- The JavaScript (reveal.js, MathJax 3) comes from npm into ``.venv-node`` (``package.json``)
  and is copied beside the pages: nothing is fetched when building or viewing.

Slides: a ``#`` or ``##`` heading starts a slide; a cell with a picture (a plot or an
explorer's saved first frame) gets a sub-slide of its own; any other cell joins the current
slide while it fits (:data:`SLIDE_LINES`) and starts a sub-slide when it does not. Solutions,
check cells (their saved output is the "not yet" feedback) and the "Going further" sections
are left out. ``live/`` beside the slides holds 01-04 without their exercise cells, to
present the explorers live (``voila build/slides/live/01_loss_function.ipynb``).

The site: Jupyter Book 1 (``book/_config.yml`` and ``book/_toc.yml``), run from
``.venv-site`` (``requirements-site.txt``), without executing anything: each explorer shows
its saved picture.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import linreg_widgets as lw  # noqa: E402  (the docstrings of its plot functions become alt text)

NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
BOOK = ROOT / "book"
NODE_MODULES = ROOT / ".venv-node" / "node_modules"
TEMPLATES = ROOT / "tools" / "templates"
JUPYTER_BOOK = ROOT / ".venv-site" / "bin" / "jupyter-book"

#: Cells never shown on a slide or a page (their tags).
LEFT_OUT = {"badges", "nav", "setup"}
#: Slides are 1280 x 720 (16:9); this many lines of text (or code) fit under a heading.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
SLIDE_LINES = 20
#: About this many characters make one line of slide text.
LINE_CHARS = 110
#: What a picture costs of a slide, in lines.
PICTURE_LINES = 16
#: A picture's cell shows its code on the slide only if it is this short.
SHORT_CODE = 3
#: The MathJax 3 build: one file, no fonts to fetch (SVG output).
MATHJAX = "mathjax/es5/tex-svg-full.js"
PICTURE = "image/png"
EXPLORER_REPR_TAIL = " (run the notebook to use it)"


# --------------------------------------------------------------------------- shared


def source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def has_picture(cell) -> bool:
    return any(PICTURE in output.get("data", {}) for output in cell.get("outputs", []))


def shown_cells(nb):
    """The cells a slide or a page shows: without badges, navigation and setup."""
    return [cell for cell in nb.cells if not LEFT_OUT & set(cell.metadata.get("tags", []))]


def _first_paragraph(text: str) -> str:
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    return re.sub(r":\w+:`([^`]*)`|``([^`]*)``", lambda m: m.group(1) or m.group(2), paragraph)


def _text(node) -> str | None:
    """A string literal's text; an f-string's with each ``{…}`` shown as "…"; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) or "…" for part in node.values)
    return None


def _plot_texts(tree) -> tuple[list[str], list[str]]:
    """The titles and the axis labels a cell's code writes on its figure, in order."""
    titles, labels = [], []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        texts = [_text(arg) for arg in node.args[:1]]
        if name in ("set_title", "suptitle", "title"):
            titles += [t for t in texts if t]
        elif name in ("set_xlabel", "set_ylabel", "xlabel", "ylabel"):
            labels += [t for t in texts if t]
        elif name == "set":
            for keyword in node.keywords:
                text = _text(keyword.value)
                if text and keyword.arg == "title":
                    titles.append(text)
                elif text and keyword.arg in ("xlabel", "ylabel"):
                    labels.append(text)
    return titles, labels


def _plain(text: str) -> str:
    """Alt text is read aloud: no line breaks, no TeX dollars."""
    return " ".join(text.replace("$", "").replace("\\", "").split())


def picture_alt(cell, output) -> str:
    """Alt text for a saved picture, derived from its cell.

    In this order: the cell's own ``metadata.mystnb.image.alt``, if an author wrote one; an
    explorer's saved picture: its ``repr`` (the explorer's name and what its controls do); a
    plot drawn in the cell: the titles and axis labels its code sets; a plot drawn by the
    collection: the summary line of the last ``lw.show_…``/``lw.plot_…`` function the cell
    calls, with the axis labels it passes. A picture none of these describes stops the build.
    """
    written = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    if written:
        return written
    text = output.get("data", {}).get("text/plain", "")
    text = text if isinstance(text, str) else "".join(text)
    if text.endswith(EXPLORER_REPR_TAIL):
        name, _, what = text[: -len(EXPLORER_REPR_TAIL)].partition(": ")
        return f"First frame of the {name} (an interactive explorer: {what})"
    tree = ast.parse(source(cell))
    titles, labels = _plot_texts(tree)
    if titles:
        alt = "Plot: " + "; ".join(titles) + "."
        if labels:
            alt += " Axes: " + ", ".join(labels) + "."
        return _plain(alt)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "lw"
        and re.match(r"(show|plot)_", node.func.attr)
    ]
    if not calls:
        raise SystemExit(
            f"a picture in the cell starting {source(cell)[:60]!r} has no alt text: its code sets "
            "no title and calls no lw.show_… or lw.plot_… function; give the cell metadata "
            "mystnb.image.alt"
        )
    call = max(calls, key=lambda node: (node.lineno, node.col_offset))
    alt = _first_paragraph(getattr(lw, call.func.attr).__doc__ or "")
    if not alt:
        raise SystemExit(f"lw.{call.func.attr} has no docstring to describe its picture")
    strings = [_text(arg) for arg in call.args if _text(arg)]
    if len(strings) == 2:
        alt += f" Horizontal axis: {strings[0]}; vertical axis: {strings[1]}."
    return _plain(alt)


def add_alt_text(nb) -> int:
    """Write the alt text of every picture into its output's and cell's metadata; count them."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if PICTURE in output.get("data", {}):
                alt = picture_alt(cell, output)
                output.setdefault("metadata", {})["alt"] = alt
                cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
                count += 1
    return count


def node_asset(relative: str) -> Path:
    path = NODE_MODULES / relative
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `make .venv-node/.stamp` (npm ci from package-lock.json)")
    return path


# --------------------------------------------------------------------------- slides


def _lines(cell) -> int:
    """About how many slide lines a (pictureless) cell takes."""
    text = source(cell)
    lines = sum(max(1, math.ceil(len(line) / LINE_CHARS)) for line in text.splitlines())
    lines += 2 * text.count("$$") // 2  # a display equation (a fraction, a sum) is about three lines tall
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            lines += len(output.get("text", "").splitlines()) + 1
    return lines + 1


def _heading(cell) -> int:
    """The level of the heading a markdown cell starts with (1 for ``#``), or 0."""
    match = re.match(r"(#+) ", source(cell)) if cell.cell_type == "markdown" else None
    return len(match.group(1)) if match else 0


def slide_deck(nb):
    """A copy of ``nb`` holding the talk's cells, each with its ``slideshow.slide_type``."""
    deck = copy.deepcopy(nb)
    deck.metadata.pop("widgets", None)  # pictures only: no widget manager to load
    cells, used, going_further = [], SLIDE_LINES, False
    for cell in shown_cells(deck):
        text = source(cell)
        level = _heading(cell)
        if level == 2:
            going_further = text.startswith("## Going further")
        if text.startswith("<details>") or (cell.cell_type == "code" and text.startswith("ex.check_")):
            continue  # a solution, or a check whose saved output is the "not yet" feedback
        if going_further:
            continue
        if level in (1, 2):
            kind, used = "slide", _lines(cell)
        elif has_picture(cell):
            code_lines = len(text.splitlines())
            if code_lines > SHORT_CODE:
                cell.metadata.setdefault("tags", []).append("slide-hide-input")
                code_lines = 0
            kind, used = "subslide", PICTURE_LINES + code_lines
            cell.outputs = [o for o in cell.outputs if PICTURE in o.get("data", {})]
        else:
            size = _lines(cell)
            kind = "-" if used + size <= SLIDE_LINES else "subslide"
            used = used + size if kind == "-" else size
        cell.metadata["slideshow"] = {"slide_type": kind}
        cells.append(cell)
    deck.cells = cells
    return deck


def live_notebook(nb):
    """A copy of a lesson notebook to present live (Voilà, JupyterLab): no exercise cells.

    Left out: badges and navigation, every section whose heading starts with "Exercise" (up to
    the next heading), starter cells (``# TODO``), check cells, solutions, and "Going further"
    (as on the slides; its cells may use an exercise's answer). The setup cell stays: the copy
    runs, and its explorers move.
    """
    live = copy.deepcopy(nb)
    cells, in_exercise = [], False
    for cell in live.cells:
        text = source(cell)
        if _heading(cell) == 2 and text.startswith("## Going further"):
            break
        if _heading(cell):
            in_exercise = bool(re.match(r"#+ Exercise", text))
        tags = set(cell.metadata.get("tags", []))
        if (
            in_exercise
            or tags & {"badges", "nav"}
            or text.startswith("<details>")
            or cell.cell_type == "code"
            and (text.startswith("ex.check_") or "# TODO" in text)
        ):
            continue
        cells.append(cell)
    live.cells = cells
    return live


def build_slides(out: Path, notebooks: list[Path]) -> dict[str, int]:
    """Write one ``NN_name.slides.html`` per notebook, with reveal.js and MathJax beside them."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {"slide-hide-input"}
    exporter = SlidesExporter(
        config=config,
        template_name="reveal_offline",
        extra_template_basedirs=[str(TEMPLATES)],
        reveal_url_prefix="reveal.js",
        reveal_theme="white",
        reveal_width=str(SLIDE_WIDTH),
        reveal_height=str(SLIDE_HEIGHT),
        reveal_number="c/t",
        reveal_transition="none",
        mathjax_url=MATHJAX,
    )
    out.mkdir(parents=True, exist_ok=True)
    for name in [
        "dist/reveal.css",
        "dist/reveal.js",
        "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro",
    ]:
        _copy(node_asset(f"reveal.js/{name}"), out / "reveal.js" / name)
    _copy(node_asset(f"mathjax/es5/{Path(MATHJAX).name}"), out / MATHJAX)
    counts, links = {}, []
    for path in notebooks:
        deck = slide_deck(nbformat.read(path, as_version=4))
        add_alt_text(deck)
        body, _ = exporter.from_notebook_node(deck)
        target = out / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        (out / "live").mkdir(exist_ok=True)
        nbformat.write(live_notebook(nbformat.read(path, as_version=4)), out / "live" / path.name)
        counts[target.name] = sum(
            c.metadata["slideshow"]["slide_type"] in ("slide", "subslide") for c in deck.cells
        )
        title = source(deck.cells[0]).splitlines()[0].lstrip("# ")
        links.append(
            f'<li><a href="{target.name}">{html.escape(title)}</a> ({counts[target.name]} slides)</li>'
        )
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Slides</title></head>\n'
        "<body><h1>Linear regression from scratch: slides</h1>\n<ul>\n"
        + "\n".join(links)
        + "\n</ul>\n<p>Arrow keys move; Esc shows every slide; F is full screen.</p></body></html>\n",
        encoding="utf-8",
    )
    return counts


def _copy(source_path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source_path.is_dir():
        shutil.copytree(source_path, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source_path, target)


# --------------------------------------------------------------------------- site


def repository() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^Repository\s*=\s*"(https://github\.com/[\w.-]+/[\w.-]+)"', text, re.M)
    if not match:
        raise SystemExit("pyproject.toml: no 'Repository = \"https://github.com/OWNER/NAME\"'")
    return match.group(1)


def outside_links(text: str, folder: Path, in_book: set[Path]) -> str:
    """Point relative links to repository files that are not pages (README, code) at GitHub."""

    def replace(match):
        target = match.group(2)
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = (folder / path).resolve()
        if resolved in in_book or not resolved.is_relative_to(ROOT) or not resolved.exists():
            return match.group(0)
        url = f"{repository()}/blob/main/{resolved.relative_to(ROOT).as_posix()}"
        return f"{match.group(1)}({url}{'#' + anchor if anchor else ''})"

    return re.sub(r"(\]\s*)\(([^)\s]+)\)", replace, text)


def site_notebook(path: Path, in_book: set[Path]):
    """A copy of a notebook for the site: left-out cells removed, alt text, outside links."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    nb.cells = shown_cells(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = outside_links(source(cell), path.parent, in_book)
    add_alt_text(nb)
    return nb


def build_site(out: Path) -> Path:
    """Stage the book's sources in ``out/src``, then build it with Jupyter Book 1 into ``out``."""
    if not JUPYTER_BOOK.exists():
        raise SystemExit(f"{JUPYTER_BOOK} is missing: run `make .venv-site/.stamp` (requirements-site.txt)")
    src = out / "src"
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    (src / "docs").mkdir()
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    docs = sorted(DOCS.glob("*.md"))
    in_book = {p.resolve() for p in notebooks + docs}
    for path in notebooks:
        nbformat.write(site_notebook(path, in_book), src / "notebooks" / path.name)
    for path in docs:
        text = outside_links(path.read_text(encoding="utf-8"), path.parent, in_book)
        (src / "docs" / path.name).write_text(text, encoding="utf-8")
    for name in ["_config.yml", "_toc.yml"]:
        shutil.copy2(BOOK / name, src / name)
    _copy(node_asset(f"mathjax/es5/{Path(MATHJAX).name}"), src / "_static" / "mathjax" / Path(MATHJAX).name)
    shutil.rmtree(out / "_build", ignore_errors=True)
    command = [str(JUPYTER_BOOK), "build", str(src), "--path-output", str(out)]
    command += ["--warningiserror", "--keep-going"]
    subprocess.run(command, check=True)
    return out / "_build" / "html"


# --------------------------------------------------------------------------- main


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["slides", "site"])
    parser.add_argument("--out", type=Path, help="output folder (default build/slides or build/site)")
    args = parser.parse_args(argv)
    out = (args.out or ROOT / "build" / args.what).resolve()
    if args.what == "slides":
        counts = build_slides(out, sorted(NOTEBOOKS.glob("0[1-4]_*.ipynb")))
        for name, count in counts.items():
            print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/{name}: {count} slides")
    else:
        html_dir = build_site(out)
        print(f"site: {html_dir}/index.html")


if __name__ == "__main__":
    main()
