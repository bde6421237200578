"""The printable handouts (tools/handouts.py, `make handouts`) and the exit ticket's key.

Quick: the worksheet's numbers against a hand computation, the student and key versions
(no solution in one, every solution in the other, code at most 80 characters wide), and the
exit ticket's solutions against its checkers. Slow (Chromium): the PDFs themselves, their page
counts, and every symbol drawn from a font that has it.
"""

import ast
import csv
import ctypes
import importlib.util
import json
import re
import subprocess
import unicodedata
from pathlib import Path

import nbformat
import numpy as np
import pytest

import linreg_core as lc
import linreg_exercises as ex

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("handouts", ROOT / "tools" / "handouts.py")
handouts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(handouts)

LESSON = [next((ROOT / "notebooks").glob(f"{n}_*.ipynb")) for n in handouts.LESSON]
TICKET = next((ROOT / "notebooks").glob("09_*.ipynb"))


# --------------------------------------------------------------------------
# The worksheet's numbers
# --------------------------------------------------------------------------


def test_tiny_csv_holds_the_worksheet_points():
    with open(ROOT / "data" / "tiny.csv", newline="") as f:
        rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]
    assert rows == [(0, 2), (2, 2), (3, 4), (5, 8), (6, 5)]


def test_the_worksheet_numbers_match_the_hand_computation():
    t = handouts.tiny_numbers()
    # ŷ = x + 1 on x = 0, 2, 3, 5, 6: 1, 3, 4, 6, 7; misses 1, −1, 0, 2, −2; squares 1, 1, 0, 4, 4.
    assert t["y_pred"] == [1, 3, 4, 6, 7]
    assert t["residuals"] == [1, -1, 0, 2, -2]
    assert t["squares"] == [1, 1, 0, 4, 4]
    assert t["sum_squares"] == 10 and t["mse"] == pytest.approx(2.0)
    # At (0, 0) the misses are the y values: sum 21; x·y = 0, 4, 12, 40, 30: sum 86.
    assert t["residuals_0"] == [2, 2, 4, 8, 5] and t["x_residuals_0"] == [0, 4, 12, 40, 30]
    assert (t["sum_residuals_0"], t["sum_x_residuals_0"]) == (21, 86)
    assert t["dm"] == pytest.approx(-2 / 5 * 86) == pytest.approx(-34.4)
    assert t["db"] == pytest.approx(-2 / 5 * 21) == pytest.approx(-8.4)
    # One step at η = 0.01: m = 0.344, b = 0.084; the MSE falls from (4+4+16+64+25)/5 = 22.6.
    assert (t["m_1"], t["b_1"]) == (pytest.approx(0.344), pytest.approx(0.084))
    assert t["mse_0"] == pytest.approx(22.6)
    misses = [yi - (0.344 * xi + 0.084) for xi, yi in zip([0, 2, 3, 5, 6], [2, 2, 4, 8, 5])]
    assert t["mse_1"] == pytest.approx(sum(d * d for d in misses) / 5)


def test_numbers_print_with_a_true_minus_and_no_trailing_zeros():
    assert [handouts.number(v) for v in (-34.4, 0.344, 2.0, -0.0, 12.00416)] == [
        "−34.4",
        "0.344",
        "2",
        "0",
        "12.0042",
    ]


def test_the_worked_sheet_shows_every_answer_and_the_blank_one_none():
    worked, blank = handouts.worksheet_html(worked=True), handouts.worksheet_html(worked=False)
    answers = ["−34.4", "−8.4", "0.344", "0.084", "22.6", "12.0042", ">86<", ">21<", ">10<"]
    for answer in answers:
        assert answer in worked, answer
        assert answer not in blank, answer
    for data in ("<td>8</td>", "<td>6</td>"):  # the data points are on both
        assert data in blank and data in worked


def test_the_formula_sheet_states_the_lesson_in_its_notation():
    sheet = handouts.formula_sheet_html()
    assert "$" not in sheet  # every formula became MathML
    assert sheet.count("<math") >= 10
    for code in ("y_pred = m * x + b", "np.mean((y - y_pred) ** 2)", "np.mean(y_train)", "lr"):
        assert code in sheet
    assert "&#x02202;" in sheet.lower() or "∂" in sheet  # ∂L/∂m
    assert "&#x003b7;" in sheet.lower() or "η" in sheet  # η


def test_the_sheets_loop_trains_as_the_core_does():
    namespace = {"np": np}
    exec(handouts.LOOP, namespace)
    assert ex.check_exit_loop(namespace["train"]).ok


# --------------------------------------------------------------------------
# Student and key versions, code at most 80 characters
# --------------------------------------------------------------------------


def test_fit_code_keeps_short_code_and_reflows_long_code():
    short = "x = 1\ny = 2"
    assert handouts.fit_code(short) == short
    long_call = "result = some_function(" + ", ".join(f"argument_{i}" for i in range(12)) + ")"
    fitted = handouts.fit_code(long_call)
    assert max(map(len, fitted.splitlines())) <= 80
    assert ast.dump(ast.parse(fitted)) == ast.dump(ast.parse(long_call))  # the same program


def test_fit_code_lifts_a_long_trailing_comment_above_its_line():
    code = "def f(x):\n    total = x + 1  # " + "a long reason " * 5 + "\n    return total"
    assert handouts.fit_code(code).splitlines() == [
        "def f(x):",
        "    # " + ("a long reason " * 5).strip(),
        "    total = x + 1",
        "    return total",
    ]


def test_fit_code_breaks_what_ruff_cannot():
    function = "def f():\n    # " + "word " * 30 + "\n    return 1"
    lines = handouts.fit_code(function).splitlines()
    comments = lines[1:-1]
    assert len(comments) > 1 and all(len(line) <= 80 and line.startswith("    # ") for line in comments)
    assert lines[-1] == "    return 1"
    text = 'print("' + "a long message " * 10 + '")'
    lines = handouts.fit_code(text).splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any(line.endswith(" ↩") for line in lines)  # the break is marked
    joined = "".join(line.removesuffix(" ↩").strip() for line in lines)
    assert joined.replace(" ", "") == text.replace(" ", "")  # and nothing is lost


def _solutions(nb):
    return sum(
        len(re.findall(r"<summary>\s*(?:Solution|Answer)", c.source))
        for c in nb.cells
        if c.cell_type == "markdown"
    )


@pytest.mark.parametrize("path", [*LESSON, TICKET], ids=lambda p: p.stem)
def test_student_version_drops_solutions_and_the_key_keeps_them(path):
    nb = nbformat.read(path, as_version=4)
    assert _solutions(nb) >= 1
    student, key = handouts.printable(nb, key=False), handouts.printable(nb, key=True)
    assert _solutions(student) == 0
    assert _solutions(key) == _solutions(nb)
    for version in (student, key):
        tags = {tag for cell in version.cells for tag in cell.metadata.get("tags", [])}
        assert not tags & {"badges", "nav", "setup"}
        text = json.dumps([cell.source for cell in version.cells])
        assert "colab-badge.svg" not in text and "<details>" not in text  # every aside prints open


@pytest.mark.parametrize("path", [*LESSON, TICKET], ids=lambda p: p.stem)
def test_printed_code_lines_are_at_most_80_characters(path):
    nb = nbformat.read(path, as_version=4)
    for key in (False, True):
        for cell in handouts.printable(nb, key=key).cells:
            if cell.cell_type == "markdown":  # the solutions' code blocks
                blocks = re.findall(r"```python\n(.*?)```", cell.source, re.S)
                lines = [line for block in blocks for line in block.splitlines()]
            else:
                lines = cell.source.splitlines()
            too_long = [line for line in lines if len(line) > handouts.CODE_WIDTH]
            assert not too_long, too_long


def test_inline_maths_may_span_a_line_break_but_not_a_paragraph():
    store = []
    text = handouts.math_to_tokens("a $x +\ny$ b\n\ncost $5 and\n\n$6 more", store)
    assert len(store) == 1 and "$5 and" in text and "$6 more" in text


def test_maths_in_a_heading_leaves_its_anchor_whole():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Where is $b$ after 300 epochs?")])
    page = handouts.notebook_html(nb, "test")
    assert 'id="Where-is-math-after-300-epochs?"' in page and "MATHTOKEN" not in page
    assert re.search(r"<h2[^>]*>Where is <math", page)


@pytest.mark.parametrize("path", [*LESSON, TICKET], ids=lambda p: p.stem)
def test_no_raw_latex_is_left_on_the_page(path):
    """Every formula of the notebook became MathML: no $ and no LaTeX command is left in the page."""
    page = handouts.notebook_html(handouts.printable(nbformat.read(path, as_version=4), key=True), "test")
    body = re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
    left = re.findall(r".{0,30}(?:\\frac|\\partial|\\sum|\\eta|\\hat|\\text|\$).{0,30}", body)
    assert left == []
    assert body.count("<math") >= 5


def test_a_table_in_a_block_quote_is_printed_as_a_table():
    source = "Before.\n\n> **Notation**\n>\n> | a | b |\n> |---|---|\n> | $x_i$ | `x[i]` |\n\nAfter."
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)])
    page = handouts.notebook_html(handouts.printable(nb, key=False), "test")
    assert re.search(r"<blockquote>.*<table>.*<code>x\[i\]</code>.*</table>.*</blockquote>", page, re.S)
    assert "| a |" not in page and "<p>After.</p>" in page


def test_maths_in_code_is_left_alone():
    store = []
    text = handouts.math_to_tokens("cost `$5` and $x_i$ and\n```\n$not maths$\n```\n$$L = 1$$", store)
    assert "`$5`" in text and "$not maths$" in text and len(store) == 2
    assert 'display="block"' in store[1]


# --------------------------------------------------------------------------
# The exit ticket: its key passes its checkers
# --------------------------------------------------------------------------


def test_the_exit_tickets_solutions_pass_its_checks():
    """Run the ticket's code with every Solution of the key in place of the starters: each check
    is then right (and with the starters, none is)."""
    nb = nbformat.read(TICKET, as_version=4)
    namespace = {"np": np, "ex": ex, "lc": lc}
    checks, solutions = [], []
    for cell in nb.cells:
        if "setup" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "code" and cell.source.startswith("ex.check_"):
            checks.append(cell.source)
        elif cell.cell_type == "code":
            exec(cell.source, namespace)
        elif "<summary>Solution" in cell.source:
            blocks = re.findall(r"```python\n(.*?)```", cell.source, re.S)
            inline = re.findall(r"^`(\w+ = [^`]+)`", cell.source, re.M)
            solutions += blocks + inline
    assert len(checks) == 5
    starters = [eval(check, namespace) for check in checks]
    assert not any(starters)
    for code in solutions:
        exec(code, namespace)
    verdicts = [eval(check, namespace) for check in checks]
    assert all(verdicts), [v.message for v in verdicts if not v]


def test_the_verdict_question_is_what_the_hand_computation_says():
    # Notebook 09: the model misses by −2, 3, −2 (MSE 17/3), the training mean 5 by −1, 2, 1 (MSE 2).
    y_train, y_test, pred = [3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0]
    assert ex.check_exit_verdict(y_train, y_test, pred, 17 / 3, 2.0, "the baseline").ok
    wrong = ex.check_exit_verdict(y_train, y_test, pred, 17 / 3, 2.0, "the model")
    assert not wrong and "5.67" not in wrong.message and "17" not in wrong.message


# --------------------------------------------------------------------------
# The PDFs (Chromium): page counts, and every symbol visible
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("pypdfium2", reason="pypdfium2 (requirements-dev.txt) reads the PDFs")
    if not Path(handouts.chromium_path()).exists():
        pytest.fail(f"{handouts.chromium_path()} not found: install Debian's chromium (.ci/install-browser)")
    out = tmp_path_factory.mktemp("handouts")
    counts = handouts.build(out)
    return out, counts


@pytest.mark.slow
@pytest.mark.browser
def test_every_handout_is_built_with_its_page_count(built):
    out, counts = built
    assert json.loads((out / "pages.json").read_text()) == counts
    names = {
        "run_sheet.pdf",
        "formula_sheet.pdf",
        "worksheet.pdf",
        "worksheet_worked.pdf",
        "exit_ticket.pdf",
        "exit_ticket_key.pdf",
    }
    names |= {f"{p.stem}_{v}.pdf" for p in LESSON for v in ("student", "key")}
    assert set(counts) == names
    for name in names:
        assert counts[name] == handouts.page_count(out / name)
    assert counts["formula_sheet.pdf"] == counts["worksheet.pdf"] == counts["worksheet_worked.pdf"] == 1
    assert counts["run_sheet.pdf"] == 1  # one page for the lectern
    assert counts["exit_ticket.pdf"] == 2 and counts["exit_ticket_key.pdf"] <= 3
    for path in LESSON:
        student, key = counts[f"{path.stem}_student.pdf"], counts[f"{path.stem}_key.pdf"]
        assert 3 <= student <= key <= 14, (path.stem, student, key)


@pytest.mark.slow
@pytest.mark.browser
def test_the_pdfs_say_what_the_sheets_say(built):
    out, _ = built
    worked = "".join(handouts.pdf_text(out / "worksheet_worked.pdf"))
    blank = "".join(handouts.pdf_text(out / "worksheet.pdf"))
    for answer in ("−34.4", "−8.4", "0.344", "0.084", "12.0042"):
        assert answer in worked and answer not in blank
    # MathML letters print in math italic (𝜂, U+1D702): NFKC reads them as the plain letter
    sheet = unicodedata.normalize("NFKC", "".join(handouts.pdf_text(out / "formula_sheet.pdf")))
    assert "∂" in sheet and "η" in sheet and "np.mean(y_train)" in sheet
    # the run sheet is the guide's: every minute span of its table, and the checkpoints
    run = " ".join("".join(handouts.pdf_text(out / "run_sheet.pdf")).split())
    guide = handouts.GUIDE.read_text(encoding="utf-8")
    table = guide[guide.index("## Run sheet") : guide.index("**Checkpoints.**")]
    spans = re.findall(r"^\| (before|\d+–\d+) \|", table, re.M)
    assert len(spans) >= 6 and all(f" {span} " in f" {run} " for span in spans), spans
    assert "Checkpoints." in run and "For a class slower than the plan" in run
    student = "".join(handouts.pdf_text(out / "exit_ticket.pdf"))
    key = "".join(handouts.pdf_text(out / "exit_ticket_key.pdf"))
    assert "Solution" not in student and key.count("Solution") == 5
    for answer in ('better = "the baseline"', "new_m = 0.82", 'answer_4 = "c"', "5.67"):
        assert answer in key and answer not in student, answer


def _characters(path):
    """``{character: {font names}}`` of every character beyond ASCII that the PDF draws."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    found = {}
    with pdfium.PdfDocument(str(path)) as pdf:
        for page in pdf:
            text = page.get_textpage()
            units = [raw.FPDFText_GetUnicode(text, i) for i in range(text.count_chars())]
            for i, unit in enumerate(units):
                if unit < 128 or 0xDC00 <= unit <= 0xDFFF:
                    continue
                char = chr(unit)
                if 0xD800 <= unit <= 0xDBFF and i + 1 < len(units):  # a surrogate pair
                    char = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00))
                name = ctypes.create_string_buffer(256)
                flags = ctypes.c_int()
                raw.FPDFText_GetFontInfo(text, i, name, 256, ctypes.byref(flags))
                found.setdefault(char, set()).add(name.value.decode().split("+")[-1])
            text.close()
            page.close()
    return found


def _font_coverage():
    """``{PostScript name: set of code points}`` of every font installed (fontconfig)."""
    from fontTools.ttLib import TTCollection, TTFont

    files = subprocess.run(["fc-list", "--format=%{file}\n"], capture_output=True, text=True).stdout.split()
    coverage = {}
    for file in files:
        fonts = TTCollection(file).fonts if file.endswith(".ttc") else [TTFont(file, lazy=True)]
        for font in fonts:
            name = font["name"].getDebugName(6)
            coverage[name] = set(font.getBestCmap() or {})
        for font in fonts:  # fontTools keeps the file open: a later test would see a ResourceWarning
            font.close()
    return coverage


#: The symbols the lesson cannot lose (issue 20: LaTeX printed "∂L/∂m" as "L/ m").
#: Each with its LaTeX command, as the notebooks' maths writes it.
SYMBOLS = {"∂": r"\partial", "η": r"\eta", "σ": r"\sigma", "≈": r"\approx", "−": None, "❌": None}


def _glyph_problems(paths, symbols, coverage):
    """What is not visible in the PDFs ``paths``: a character drawn from a font whose character
    map lacks it (an empty box), or one of ``symbols`` absent from every PDF's text (Chromium
    leaves out a character that no font has). Colour emoji are drawn as pictures, from a font
    without a name: they must be in Noto Color Emoji."""
    emoji = next(cmap for name, cmap in coverage.items() if "Emoji" in (name or ""))
    problems, seen = [], set()
    for path in paths:
        for char, fonts in _characters(path).items():
            seen.add(unicodedata.normalize("NFKC", char))  # 𝜂 (math italic) is an η
            for font in fonts:
                cmap = coverage.get(font, emoji if font == "" else None)
                if cmap is None or ord(char) not in cmap:
                    problems.append(f"{Path(path).name}: {char!r} (U+{ord(char):04X}) drawn with {font!r}")
    problems += [f"{symbol!r} is in no PDF" for symbol in symbols if symbol not in seen]
    return problems


@pytest.mark.slow
@pytest.mark.browser
def test_every_symbol_is_drawn_from_a_font_that_has_it(built):
    """Every character of every handout is drawn from a font that has it, and each symbol of
    SYMBOLS that the notebooks use is in some PDF."""
    out, _ = built
    sources = "".join(p.read_text(encoding="utf-8") for p in [*LESSON, TICKET])
    used = [s for s, latex in SYMBOLS.items() if s in sources or (latex and latex in sources)]
    assert len(used) == len(SYMBOLS)
    assert _glyph_problems(sorted(out.glob("*.pdf")), used, _font_coverage()) == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_glyph_check_sees_a_missing_glyph(built, tmp_path):
    """The check above can fail: a Tamil letter, which no font here has, is reported."""
    with handouts.Printer() as printer:
        printer.pdf('<p style="font-family: DejaVu Sans">∂ \u0b95</p>', tmp_path / "missing.pdf", "test")
    problems = _glyph_problems([tmp_path / "missing.pdf"], "∂\u0b95", _font_coverage())
    assert len(problems) == 1 and "\u0b95" in problems[0]


def test_the_versions_come_from_the_folders_given(tmp_path):
    """tools/assignments.py's student and key folders can be passed in; a folder without the
    lesson's notebooks gets a clear message."""
    import shutil

    for path in LESSON:
        shutil.copy(path, tmp_path / path.name)
    nb = nbformat.read(tmp_path / LESSON[0].name, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("A line only the student folder has."))
    nbformat.write(nb, tmp_path / LESSON[0].name)
    pages = {name: make for name, _, make in handouts.documents(student=tmp_path)}
    assert "A line only the student folder has." in pages[f"{LESSON[0].stem}_student.pdf"]()
    assert "A line only the student folder has." not in pages[f"{LESSON[0].stem}_key.pdf"]()
    with pytest.raises(SystemExit, match="no notebook 01_"):
        list(handouts.documents(student=tmp_path / "empty"))
