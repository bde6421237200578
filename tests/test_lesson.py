"""The lesson as a teacher plans it: a core path that fits, beginner's maths on it, and a guide
whose numbers come from the notebooks (tools/lesson_plan.py)."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("lesson_plan", ROOT / "tools" / "lesson_plan.py")
plan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plan)

NOTEBOOKS = {number: (title, cells) for number, title, cells in plan.notebooks()}
LIVE = plan.LIVE
# Words a first-year student has not met; they belong in "Going further (optional)" sections.
MATRIX_WORDS = re.compile(
    r"hessian|eigen|λ|\\lambda|condition number|\\kappa|κ|\bSVD\b|\bLU\b|cond\(", re.IGNORECASE
)


def core(number):
    return plan.count(NOTEBOOKS[number][1])


def test_prose_words_counts_math_and_code_as_one_word():
    assert plan.prose_words("The MSE $L(m, b) = 0$ of `lc.mse` is [small](http://a.b/c).") == 7
    assert plan.prose_words("$$\\frac{1}{n}\\sum_i r_i^2$$\n```python\nx = 1\n```") == 0


def test_optional_sections_and_details_are_not_core():
    cells = [
        {"cell_type": "markdown", "source": "## Core\none two three"},
        {"cell_type": "code", "source": "x = 1"},
        {"cell_type": "markdown", "source": "## Going further (optional)\nfour five\n### Deeper\nsix"},
        {"cell_type": "code", "source": "y = 2"},
        {"cell_type": "markdown", "source": "## Exercise 1 (predict first)\nseven <details>eight</details>"},
        {"cell_type": "code", "source": "e = lw.LossExplorer(x, y)"},
    ]
    row = plan.count(cells)
    # Core: "Core one two three", "Exercise 1 predict first seven"; optional: the rest.
    assert row["words"] == 4 + 5
    assert row["optional words"] == 5 + 2 + 1
    assert (row["code cells"], row["explorers"], row["exercises"], row["predict"]) == (2, 1, 1, 1)


def test_the_guide_shows_the_current_lesson_plan():
    guide = plan.GUIDE.read_text(encoding="utf-8")
    block = guide.split(plan.START)[1].split(plan.END)[0].strip()
    assert block == plan.table(), "run: python tools/lesson_plan.py --write"


def test_the_live_core_path_fits_the_plan():
    words = sum(core(n)["words"] for n in LIVE)
    minutes = sum(plan.minutes(core(n)) for n in LIVE)
    assert words <= 4500, f"the core path of 01–04 has {words} words of prose (at most 4,500)"
    assert minutes <= 70, f"01–04 take {minutes:.0f} minutes at the guide's pace (the plan gives 70)"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_matrix_language_only_in_optional_sections(number):
    prose = core(number)["core prose"]
    found = sorted({m.group(0) for m in MATRIX_WORDS.finditer(prose)})
    assert not found, f"notebook {number}: {found} on the core path; move it under 'Going further (optional)'"


@pytest.mark.parametrize("number", LIVE)
def test_each_live_notebook_asks_for_a_prediction_first(number):
    _, cells = NOTEBOOKS[number]
    assert core(number)["predict"] >= 1
    # The starter of a prediction is None, so Run All works and the checker asks for a guess.
    assert any(re.search(r"^my_\w+ = None\s+# TODO", "".join(c["source"]), re.M) for c in cells)


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_each_notebook_states_its_core_path(number):
    assert "core path" in core(number)["core prose"].lower()


def test_the_classic_lesson_is_named():
    text = json.dumps([NOTEBOOKS["05"][1], NOTEBOOKS["00"][1]])
    assert "Linear Regression from Scratch in Python" in text


def png_size(data):
    """(width, height) of a base64 PNG, from its header."""
    import base64
    import struct

    head = base64.b64decode(data[:64])
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_saved_pictures_fit_a_projected_notebook(number):
    """A picture wider than the notebook is shrunk, and its 12-pt fonts with it."""
    _, cells = NOTEBOOKS[number]
    widths = [
        png_size(out["data"]["image/png"])[0]
        for c in cells
        if c["cell_type"] == "code"
        for out in c.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    assert widths, f"notebook {number} saved no picture"
    assert max(widths) <= 1000, f"notebook {number}: pictures {widths} px wide (at most 1000)"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_no_small_fonts_in_the_notebooks_code(number):
    """The projector style of linreg_widgets sets 12 pt; a cell must not ask for less."""
    _, cells = NOTEBOOKS[number]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    small = [size for size in re.findall(r"fontsize=(\d+(?:\.\d+)?)", code) if float(size) < 12]
    assert not small, f"notebook {number} asks for fonts of {small} pt"
