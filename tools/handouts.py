"""Printable handouts, built offline: PDFs a teacher prints.

    python tools/handouts.py                       # everything, into build/handouts/
    python tools/handouts.py --png                 # also every page as a PNG (build/handouts/png/)
    python tools/handouts.py --student DIR --key DIR --out DIR

What it writes (``make handouts``):

- ``run_sheet.pdf``: one landscape page for the lectern, the guide's run sheet (its minute
  table, checkpoints and cuts), taken from ``docs/classroom.md`` so the two never differ;
- ``formula_sheet.pdf``: one page, the lesson's formulas (model, MSE, both derivatives, the
  update rule, the loop as code, train/test and the baseline);
- ``worksheet.pdf`` and ``worksheet_worked.pdf``: the ``tiny.csv`` worksheet, blank and worked
  (the MSE table of ŷ = x + 1, the gradient at (0, 0), one step at η = 0.01). Every number is
  computed here, from ``data/tiny.csv`` with :mod:`linreg_core` (:func:`tiny_numbers`);
- ``exit_ticket.pdf`` and ``exit_ticket_key.pdf``: notebook 09's five questions, without and
  with their solutions;
- ``NN_name_student.pdf`` and ``NN_name_key.pdf`` for notebooks 01–04.

The student and key versions of 01–04 come from two folders of notebooks, ``--student`` and
``--key`` (by default both are ``notebooks/``). Whatever the folder, the student version drops
every ``<details>`` block whose summary says "Solution" (or "Answer") and the key opens it; other
``<details>`` blocks (asides) print open in both. Every version drops the badge, navigation and
setup cells, and wraps code to at most :data:`CODE_WIDTH` characters: a trailing comment that
makes a line too long moves above it, a cell with a line still longer is reformatted by ``ruff
format`` at that width, and a line still too long (a long string or comment) is broken by hand,
a comment into comment lines, code with a ``↩`` at the break.

The pages are HTML (nbconvert's lab template for notebooks) printed to PDF by Debian's Chromium
through Playwright, with every network request refused: maths is MathML made here by
``latex2mathml`` (Chromium typesets MathML itself), text uses the DejaVu fonts (∂, η, σ, ≈, −)
and Noto Color Emoji (✅, ❌), both from Debian (``.ci/install-browser``).
"""

import argparse
import html
import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import linreg_core as lc  # noqa: E402  (after the path is set)

NOTEBOOKS = ROOT / "notebooks"
GUIDE = ROOT / "docs" / "classroom.md"
OUT = ROOT / "build" / "handouts"
#: The lesson's notebooks, printed in a student and a key version.
LESSON = ("01", "02", "03", "04")
EXIT_TICKET = "09"
#: The longest code line a printed page shows in full (A4 portrait, 9 pt monospace).
CODE_WIDTH = 80
#: Debian's Chromium, as tests/test_browser.py finds it (CHROMIUM=/path for another one).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]

#: The worksheet's line, step and learning rate (notebooks 01 and 03).
WORKSHEET_LINE = (1.0, 1.0)  # ŷ = 1·x + 1
WORKSHEET_START = (0.0, 0.0)
WORKSHEET_LR = 0.01


# --------------------------------------------------------------------------
# The numbers of the worksheet
# --------------------------------------------------------------------------


def tiny_numbers(path=lc.DATA_DIR / "tiny.csv"):
    """Every number of the worksheet, computed from ``tiny.csv`` with :mod:`linreg_core`.

    Returns a dict: ``x``, ``y`` (lists), ``n``; for the line ŷ = x + 1: ``y_pred``,
    ``residuals``, ``squares``, ``sum_squares`` and ``mse``; at (m, b) = (0, 0): ``y_pred_0``,
    ``residuals_0``, ``x_residuals_0``, their sums ``sum_residuals_0``, ``sum_x_residuals_0``,
    ``dm``, ``db`` and ``mse_0``; after one step at ``lr``: ``m_1``, ``b_1`` and ``mse_1``.
    """
    x, y = lc.load_xy(path, x="x", y="y")
    m, b = WORKSHEET_LINE
    y_pred = lc.predict(x, m, b)
    m0, b0 = WORKSHEET_START
    y_pred_0 = lc.predict(x, m0, b0)
    dm, db = lc.gradients(x, y, m0, b0)
    m_1, b_1 = lc.step(x, y, m0, b0, WORKSHEET_LR)
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "n": len(x),
        "y_pred": y_pred.tolist(),
        "residuals": (y - y_pred).tolist(),
        "squares": ((y - y_pred) ** 2).tolist(),
        "sum_squares": float(((y - y_pred) ** 2).sum()),
        "mse": float(lc.mse(y, y_pred)),
        "y_pred_0": y_pred_0.tolist(),
        "residuals_0": (y - y_pred_0).tolist(),
        "x_residuals_0": (x * (y - y_pred_0)).tolist(),
        "sum_residuals_0": float((y - y_pred_0).sum()),
        "sum_x_residuals_0": float((x * (y - y_pred_0)).sum()),
        "dm": float(dm),
        "db": float(db),
        "lr": WORKSHEET_LR,
        "m_1": float(m_1),
        "b_1": float(b_1),
        "mse_0": float(lc.mse(y, y_pred_0)),
        "mse_1": float(lc.mse(y, lc.predict(x, m_1, b_1))),
    }


def number(value):
    """A number as the sheets print it: up to 4 decimals, no trailing zeros, a true minus sign."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace("-", "−")


# --------------------------------------------------------------------------
# Maths: LaTeX to MathML, which Chromium typesets without MathJax
# --------------------------------------------------------------------------


def mathml(latex, display=False):
    """MathML for ``latex`` (the subset the notebooks use; ``aligned`` becomes ``align*``)."""
    from latex2mathml.converter import convert

    latex = latex.replace(r"\begin{aligned}", r"\begin{align*}").replace(r"\end{aligned}", r"\end{align*}")
    latex = re.sub(r"\\\\\[[^\]]*\]", r"\\\\", latex)  # "\\[4pt]": the extra space is not supported
    return convert(latex.strip(), display="block" if display else "inline")


#: Markdown's code (kept as it is) or maths ($$…$$, $…$), in the order they start.
_CODE_OR_MATH = re.compile(
    r"(?P<fence>^```.*?^```)|(?P<code>(`+)[^`].*?\3)|\$\$(?P<block>.+?)\$\$|(?<![\\$])\$(?P<inline>(?:[^$\n]|\n(?!\s*\n))+?)\$",
    re.S | re.M,
)


def math_to_tokens(markdown, store):
    """Replace each formula of ``markdown`` by a token that Markdown leaves alone; ``store``
    (a list) receives the MathML, to put back with :func:`tokens_to_math`."""

    def replace(match):
        if match.group("fence") or match.group("code"):
            return match.group(0)
        block = match.group("block")
        store.append(mathml(block if block is not None else match.group("inline"), display=block is not None))
        return f"MATHTOKEN{len(store) - 1}X"

    return _CODE_OR_MATH.sub(replace, markdown)


def tokens_to_math(text, store):
    """Put the MathML of :func:`math_to_tokens` back; in an attribute (a heading's anchor), a
    formula becomes the word "math"."""
    text = re.sub(
        r'(\s(?:id|href)="[^"]*")', lambda attr: re.sub(r"MATHTOKEN\d+X", "math", attr.group(1)), text
    )
    return re.sub(r"MATHTOKEN(\d+)X", lambda m: store[int(m.group(1))], text)


# --------------------------------------------------------------------------
# Code at most CODE_WIDTH characters wide
# --------------------------------------------------------------------------


def _ruff_format(code, width):
    """``code`` formatted by ruff at ``width``, or None (not Python ruff can parse, or no ruff)."""
    ruff = Path(sys.executable).parent / "ruff"
    try:
        done = subprocess.run(
            [str(ruff), "format", f"--line-length={width}", "--stdin-filename=cell.py", "-"],
            input=code,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.rstrip("\n") if done.returncode == 0 else None


def _break_line(line, width):
    """One line too long: a comment becomes several comment lines; code is broken at a space
    (or at ``width``) with a ``↩`` at the end of each piece, its rest indented by 4 more."""
    indent = line[: len(line) - len(line.lstrip())]
    if line.lstrip().startswith("#"):
        words = line.lstrip()[1:].strip()
        return textwrap.wrap(words, width, initial_indent=indent + "# ", subsequent_indent=indent + "# ")
    pieces, rest, lead = [], line, ""
    while len(lead) + len(rest) > width:
        room = width - len(lead) - 2  # room for " ↩"
        cut = rest.rfind(" ", len(indent) + 8 if not lead else 1, room)
        cut = cut + 1 if cut > 0 else room
        pieces.append(lead + rest[:cut].rstrip() + " ↩")
        rest, lead = rest[cut:].lstrip(), indent + "    "
    return pieces + [lead + rest]


def _lift_comments(code, width):
    """A trailing comment that makes its line too long moves onto its own line above the code
    (``x = 1  # why`` becomes ``# why`` then ``x = 1``): ruff would wrap the code instead."""
    import io
    import tokenize

    lines = code.splitlines()
    try:
        comments = [
            t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return code
    for token in reversed(comments):
        row, col = token.start
        line = lines[row - 1]
        before = line[:col].rstrip()
        if len(line) <= width or not before.strip():
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines[row - 1 : row] = [indent + token.string.rstrip(), before]
    return "\n".join(lines)


def fit_code(code, width=CODE_WIDTH):
    """``code`` with no line longer than ``width``: trailing comments lifted above their line,
    then ruff's reformatting, then breaks by hand."""
    if all(len(line) <= width for line in code.splitlines()):
        return code
    code = _lift_comments(code, width)
    if all(len(line) <= width for line in code.splitlines()):
        return code
    formatted = _ruff_format(code, width)
    if formatted is not None:
        code = formatted
    lines = []
    for line in code.splitlines():
        lines += _break_line(line, width) if len(line) > width else [line]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Notebooks: student and key versions, ready to print
# --------------------------------------------------------------------------

#: A block quote (lines starting with ">") that holds a table: nbconvert's Markdown leaves the
#: table as text there (JupyterLab draws it).
_QUOTED_TABLE = re.compile(r"(?:^>.*\n?)*^> *\|.*\|[ \t]*\n(?:^>.*\n?)*", re.M)


def _unquote_table(match):
    """The quote as an HTML block around plain Markdown, which nbconvert renders, table included."""
    inner = "\n".join(re.sub(r"^> ?", "", line) for line in match.group(0).rstrip("\n").splitlines())
    return f"<blockquote>\n\n{inner}\n\n</blockquote>\n"


_DETAILS = re.compile(r"<details\b[^>]*>(?P<body>.*?)</details>", re.S | re.I)
#: A block whose summary says "Solution" or "Answer": the student version leaves it out.
_SOLUTION = re.compile(r"<summary>[^<]*(?:solution|answer)", re.I)
#: Cells a printed page leaves out: badges, links, the setup and machine cells, and what only a
#: screen needs (a cell tagged ``screen-only``).
DROPPED_TAGS = {"badges", "nav", "setup", "machine", "clock", "screen-only"}


def printable(nb, key, outputs=True):
    """A copy of notebook ``nb`` for paper: the student version (``key=False``: no Solution
    blocks) or the key (Solution blocks open); asides open in both; badge, navigation and setup
    cells dropped; code at most :data:`CODE_WIDTH` wide. With ``outputs=False`` (a ticket to fill
    in on paper): no outputs, no check cells, and room to write under each starter (a TODO)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))

    def details(match):
        if _SOLUTION.search(match.group(0)) and not key:
            return ""
        return re.sub(r"^<details\b[^>]*>", "<details open>", match.group(0), flags=re.I)

    cells = []
    for cell in nb.cells:
        if DROPPED_TAGS & set(cell.metadata.get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            cell.source = _QUOTED_TABLE.sub(_unquote_table, _DETAILS.sub(details, cell.source))
            if not cell.source.strip():
                continue
        if cell.cell_type == "code":
            if not outputs and re.fullmatch(r"ex\.check_\w+\((.|\n)*\)", cell.source.strip()):
                continue  # on paper a check cannot run: the teacher checks with the key
            cell.source = fit_code(cell.source)
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            if not outputs:
                cell.outputs = []
                todo = cell.source.count("TODO")
                if todo and not key:  # room to write the answers by hand
                    space = "space-loop" if "def " in cell.source else f"space-{min(todo, 3)}"
                    cell.metadata["tags"] = [*cell.metadata.get("tags", []), space]
        cells.append(cell)
    if not outputs and not key and cells:  # a ticket to hand in: a line for the name under the title
        cells.insert(1, nbformat.v4.new_markdown_cell("Name: ______________________________"))
    nb.cells = cells
    return nb


PRINT_CSS = """
:root {
  --jp-content-font-family: "DejaVu Sans", "Liberation Sans", "Noto Color Emoji", sans-serif;
  --jp-ui-font-family: "DejaVu Sans", "Liberation Sans", "Noto Color Emoji", sans-serif;
  --jp-code-font-family: "DejaVu Sans Mono", "Liberation Mono", "Noto Color Emoji", monospace;
  --jp-code-font-size: 8.6pt;
  --jp-content-font-size1: 10pt;
}
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
body { font-family: var(--jp-content-font-family); }
math { font-family: "DejaVu Math TeX Gyre", "DejaVu Serif", math; font-size: 1.08em; }
pre, code { font-family: var(--jp-code-font-family); }
.jp-OutputArea-output pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.jp-InputArea-editor, .highlight pre { overflow: visible; }
img { max-width: 100%; break-inside: avoid; }
.jp-Cell { padding: 2px 0; }
details > summary { font-weight: bold; list-style: none; }
details { border-left: 3px solid #999; padding-left: 8px; margin: 6px 0; }
.celltag_space-1 { margin-bottom: 9mm; } .celltag_space-2 { margin-bottom: 15mm; }
.celltag_space-3 { margin-bottom: 21mm; } .celltag_space-loop { margin-bottom: 42mm; }
h1, h2, h3 { break-after: avoid; }
.jp-InputArea { break-inside: avoid; }
"""


def notebook_html(nb, title):
    """HTML of a printable notebook (nbconvert's lab template), with MathML and nothing online."""
    from nbconvert import HTMLExporter

    store = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = math_to_tokens(cell.source, store)
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.log.setLevel("ERROR")  # its alt-text notice: the pictures' alt text is the site's concern
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = re.sub(r"<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", body)
    body = re.sub(
        r"<script[^>]*>\s*(?:MathJax|window\.MathJax|init_mathjax).*?</script>", "", body, flags=re.S
    )
    body = body.replace("</head>", f"<style>{PRINT_CSS}</style></head>", 1)
    return tokens_to_math(body, store)


# --------------------------------------------------------------------------
# The formula sheet and the worksheet
# --------------------------------------------------------------------------

SHEET_CSS = """
@page { size: A4; margin: 14mm 15mm 14mm 15mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", "Noto Color Emoji", sans-serif; font-size: 10.5pt;
       line-height: 1.35; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 10pt 0 3pt; }
p { margin: 3pt 0; }
math { font-family: "DejaVu Math TeX Gyre", "DejaVu Serif", math; font-size: 1.12em; }
math[display="block"] { margin: 4pt 0; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 9.5pt; }
pre { background: #f4f4f4; padding: 5pt 8pt; margin: 4pt 0; border-radius: 3pt; }
table { border-collapse: collapse; margin: 4pt 0; }
td, th { border: 1px solid #555; padding: 3pt 9pt; text-align: center; min-width: 13mm; height: 7mm; }
th { background: #eee; font-weight: normal; }
.blank { display: inline-block; min-width: 24mm; border-bottom: 1px solid #111; }
.small { font-size: 9pt; color: #333; }
.grid { display: grid; grid-template-columns: 1fr 1fr; column-gap: 10mm; }
"""


def page(template, title, **values):
    """A sheet's HTML from ``template``: ``[[name]]`` becomes ``values[name]``, ``$…$`` and
    ``$$…$$`` become MathML (as in the notebooks' Markdown)."""
    text = re.sub(r"\[\[(\w+)\]\]", lambda match: str(values[match.group(1)]), template)
    store = []
    text = tokens_to_math(math_to_tokens(text, store), store)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{SHEET_CSS}</style></head><body>{text}</body></html>"
    )


#: The training loop of notebooks 03 and 04, with notebook 02's gradient written out where they call
#: ``lc.gradients``: the sheet shows every formula.
LOOP = """\
def train(x, y, lr, epochs):
    m, b = 0.0, 0.0                       # start: the flat line y = 0
    for epoch in range(epochs):
        residuals = y - (m * x + b)       # y_i − ŷ_i for every point
        dm = -2 * np.mean(x * residuals)  # ∂L/∂m
        db = -2 * np.mean(residuals)      # ∂L/∂b
        m = m - lr * dm                   # step against the slope
        b = b - lr * db
    return m, b"""

FORMULA_SHEET = r"""
<h1>Linear regression from scratch: formula sheet</h1>
<p class="small">Data: $n$ points $(x_i, y_i)$, $i = 1, \ldots, n$. In code: arrays <code>x</code>,
<code>y</code>, and <code>n = len(x)</code>.</p>
<h2>1 · The model: a line</h2>
$$\hat y_i = m\,x_i + b$$
<p>$m$: slope (how much $\hat y$ grows when $x$ grows by 1); $b$: intercept (the prediction at
$x = 0$). In code: <code>y_pred = m * x + b</code>.</p>
<h2>2 · The loss: mean squared error (MSE)</h2>
$$L(m, b) = \frac{1}{n}\sum_{i=1}^{n} \left(y_i - \hat y_i\right)^2$$
<p>The mean of the squared misses: 0 for a perfect line, larger for a worse one. Its units are
those of $y$ squared; $\sqrt{L}$ is a typical miss. In code:
<code>np.mean((y - y_pred) ** 2)</code>.</p>
<h2>3 · The gradient: which way is downhill</h2>
$$\frac{\partial L}{\partial m} = -\frac{2}{n}\sum_{i=1}^{n} x_i\,(y_i - \hat y_i), \qquad
\frac{\partial L}{\partial b} = -\frac{2}{n}\sum_{i=1}^{n} (y_i - \hat y_i)$$
<p>A positive $\partial L/\partial m$ means the loss grows when $m$ grows: make $m$ smaller; a
negative one: make $m$ larger. In code: <code>dm = -2 * np.mean(x * residuals)</code>,
<code>db = -2 * np.mean(residuals)</code>.</p>
<h2>4 · The update rule: one step of gradient descent</h2>
$$m \leftarrow m - \eta\,\frac{\partial L}{\partial m}, \qquad
b \leftarrow b - \eta\,\frac{\partial L}{\partial b}$$
<p>$\eta$ (<code>lr</code>): the learning rate. Too small: the loss falls slowly. Too large: each
step overshoots, the loss grows, and $m$ and $b$ blow up (divergence).</p>
<h2>5 · The loop</h2>
<pre>[[loop]]</pre>
<h2>6 · Train, then test, against a baseline</h2>
<p><b>Split first:</b> shuffle the data and hide a part of it, the <b>test set</b>; train on the
rest, the <b>training set</b> (<code>lc.train_test_split(x, y, test_share=0.25, seed=1)</code>).
Centre or scale $x$ with numbers from the training set only.</p>
<p><b>Judge on the test set:</b> the MSE of the trained line on points it never saw. A low
training MSE alone proves nothing: a model can memorise.</p>
<p><b>Baseline:</b> ignore $x$ and predict the training mean, <code>np.mean(y_train)</code>, for
every test point. A model is useful only if its test MSE is below the baseline's.</p>
"""


def formula_sheet_html():
    """The one-page formula sheet."""
    return page(FORMULA_SHEET, "Formula sheet", loop=html.escape(LOOP))


RUN_SHEET_CSS = """
@page { size: A4 landscape; margin: 9mm 11mm 12mm 11mm; }
body { font-size: 10pt; line-height: 1.25; }
h1 { font-size: 13pt; } p { margin: 2pt 0; }
table { width: 100%; } td, th { padding: 2pt 4pt; text-align: left; height: auto; min-width: 0; }
td:first-child { white-space: nowrap; font-weight: bold; }
"""


def run_sheet_html(guide=GUIDE):
    """The guide's run sheet (from its "## Run sheet" heading to "**Before the lesson**") as one
    landscape page: the teacher's copy for the lectern."""
    import mistune  # nbconvert's Markdown parser

    text = guide.read_text(encoding="utf-8")
    section = text[text.index("## Run sheet") : text.index("**Before the lesson**")]
    section = "# Run sheet: one 90-minute session" + section[len("## Run sheet") :]
    store = []
    body = mistune.create_markdown(plugins=["table"])(math_to_tokens(section, store))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Run sheet</title>'
        f"<style>{SHEET_CSS}{RUN_SHEET_CSS}</style></head><body>{tokens_to_math(body, store)}</body></html>"
    )


WORKSHEET = r"""
<h1>Worksheet: gradient descent by hand on <code>tiny.csv</code>[[worked]]</h1>
<p>Name: <span class="blank" style="min-width:70mm">&nbsp;</span></p>
<p class="small">The five points of <code>data/tiny.csv</code> ($n = 5$), as in notebooks 1–3.
A calculator helps; write each number in its box.</p>
<h2>1 · How wrong is the line $\hat y = x + 1$?</h2>
<p>Fill in the table, then the MSE, $L = \frac{1}{n}\sum_i (y_i - \hat y_i)^2$.</p>
<table><tr><th>$i$</th><th>$x_i$</th><th>$y_i$</th><th>$\hat y_i = x_i + 1$</th>
<th>$y_i - \hat y_i$</th><th>$(y_i - \hat y_i)^2$</th></tr>
[[mse_rows]]
<tr><td></td><td></td><td></td><td></td><td>sum</td><td>[[sum_squares]]</td></tr></table>
<p>$L$ = sum / $n$ = [[mse]]</p>
<h2>2 · The gradient at $(m, b) = (0, 0)$</h2>
<p>Now the line is $\hat y = 0$: every prediction is 0.</p>
<table><tr><th>$i$</th><th>$x_i$</th><th>$y_i$</th><th>$\hat y_i$</th><th>$y_i - \hat y_i$</th>
<th>$x_i\,(y_i - \hat y_i)$</th></tr>
[[gradient_rows]]
<tr><td></td><td></td><td></td><td>sum</td><td>[[sum_residuals]]</td><td>[[sum_x_residuals]]</td></tr>
</table>
<p>$\frac{\partial L}{\partial m} = -\frac{2}{n}\sum_i x_i\,(y_i - \hat y_i)$ = [[dm]]</p>
<p>$\frac{\partial L}{\partial b} = -\frac{2}{n}\sum_i (y_i - \hat y_i)$ = [[db]]</p>
<p>[[direction]]</p>
<h2>3 · One step with $\eta$ = [[lr]]</h2>
<p>$m \leftarrow m - \eta\,\frac{\partial L}{\partial m}$: &nbsp; $m$ = 0 − [[lr]] · ([[dm_again]])
= [[m_1]]</p>
<p>$b \leftarrow b - \eta\,\frac{\partial L}{\partial b}$: &nbsp; $b$ = 0 − [[lr]] · ([[db_again]])
= [[b_1]]</p>
<p>At $(0, 0)$ the MSE was [[mse_0]]; after the step it is [[mse_1]] (smaller: the step went
downhill).</p>
<p class="small">Check in notebook 3: <code>lc.step(x, y, 0.0, 0.0, [[lr]])</code> gives the new
$(m, b)$.</p>
"""


def _row(cells):
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def worksheet_html(worked):
    """The tiny.csv worksheet, blank (``worked=False``: the data filled in, the rest to compute)
    or worked (every number, from :func:`tiny_numbers`)."""
    t = tiny_numbers()

    def show(value):
        return number(value) if worked else ""

    def answer(value):
        return f"<b>{number(value)}</b>" if worked else '<span class="blank">&nbsp;</span>'

    mse_rows = [
        _row([i + 1, number(x), number(y), show(p), show(r), show(s)])
        for i, (x, y, p, r, s) in enumerate(zip(t["x"], t["y"], t["y_pred"], t["residuals"], t["squares"]))
    ]
    gradient_rows = [
        _row([i + 1, number(x), number(y), show(p), show(r), show(xr)])
        for i, (x, y, p, r, xr) in enumerate(
            zip(t["x"], t["y"], t["y_pred_0"], t["residuals_0"], t["x_residuals_0"])
        )
    ]
    return page(
        WORKSHEET,
        "Worksheet" + (" (worked)" if worked else ""),
        worked=" (worked)" if worked else "",
        mse_rows="".join(mse_rows),
        gradient_rows="".join(gradient_rows),
        sum_squares=show(t["sum_squares"]),
        mse=answer(t["mse"]),
        sum_residuals=show(t["sum_residuals_0"]),
        sum_x_residuals=show(t["sum_x_residuals_0"]),
        dm=answer(t["dm"]),
        db=answer(t["db"]),
        direction=(
            "Both are negative: the loss falls when $m$ and $b$ grow, so the step makes them <b>larger</b>."
            if worked
            else "Their signs say which way is downhill: the step makes $m$ and $b$ "
            '<span class="blank">&nbsp;</span> (larger or smaller?).'
        ),
        lr=number(t["lr"]),
        dm_again=number(t["dm"]) if worked else "&nbsp;" * 12,
        db_again=number(t["db"]) if worked else "&nbsp;" * 12,
        m_1=answer(t["m_1"]),
        b_1=answer(t["b_1"]),
        mse_0=answer(t["mse_0"]),
        mse_1=answer(t["mse_1"]),
    )


# --------------------------------------------------------------------------
# Printing: Chromium, offline
# --------------------------------------------------------------------------


def chromium_path():
    import os

    return os.environ.get("CHROMIUM") or "/usr/bin/chromium"


class Printer:
    """Debian's Chromium through Playwright, with every request to the network refused."""

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        path = chromium_path()
        if not Path(path).exists():
            raise SystemExit(f"{path} not found: install Debian's chromium (.ci/install-browser)")
        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        self.blocked = []
        return self

    def __exit__(self, *exc):
        self._browser.close()
        self._pw.stop()

    def pdf(self, page_html, path, footer):
        """Print ``page_html`` to ``path`` (A4) with ``footer`` and page numbers at the bottom."""
        page = self._browser.new_page()

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("data:", "about:", "file:")):
                request_route.continue_()
            else:
                self.blocked.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.set_content(page_html, wait_until="load")
        page.evaluate("document.fonts.ready")
        footer_html = (
            '<div style="font: 8pt DejaVu Sans, sans-serif; width: 100%; padding: 0 12mm; display: flex;'
            f' justify-content: space-between;"><span>{html.escape(footer)}</span>'
            '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
        )
        page.pdf(
            path=str(path),
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=footer_html,
        )
        page.close()


def page_count(path):
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(str(path)) as pdf:
        return len(pdf)


def pdf_text(path):
    """The text of every page of a PDF, one string per page."""
    import pypdfium2 as pdfium

    pages = []
    with pdfium.PdfDocument(str(path)) as pdf:
        for page in pdf:
            text = page.get_textpage()
            pages.append(text.get_text_range())
            text.close()
            page.close()
    return pages


def to_png(path, folder, dpi=60):
    """Every page of a PDF as ``folder/<name>-pNN.png``; returns the paths."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with pdfium.PdfDocument(str(path)) as pdf:
        for i, page in enumerate(pdf, 1):
            image = page.render(scale=dpi / 72).to_pil()
            target = folder / f"{path.stem}-p{i:02d}.png"
            image.save(target)
            written.append(target)
            page.close()
    return written


def _notebook(folder, number):
    found = sorted(Path(folder).glob(f"{number}_*.ipynb"))
    if not found:
        raise SystemExit(
            f"{folder}: no notebook {number}_*.ipynb (pass a folder of the collection's notebooks)"
        )
    return found[0]


def documents(student=NOTEBOOKS, key=NOTEBOOKS):
    """``(file name, footer, html)`` of every handout, in print order (HTML made on demand)."""
    yield "run_sheet.pdf", "Run sheet (docs/classroom.md)", run_sheet_html
    yield "formula_sheet.pdf", "Formula sheet", formula_sheet_html
    yield "worksheet.pdf", "Worksheet: tiny.csv", lambda: worksheet_html(worked=False)
    yield "worksheet_worked.pdf", "Worksheet: tiny.csv (worked)", lambda: worksheet_html(worked=True)
    ticket = _notebook(NOTEBOOKS, EXIT_TICKET)
    for is_key, suffix in ((False, ""), (True, "_key")):
        nb = nbformat.read(ticket, as_version=4)
        label = "Exit ticket" + (" (answer key)" if is_key else "")
        yield (
            f"exit_ticket{suffix}.pdf",
            label,
            lambda nb=nb, k=is_key, t=label: notebook_html(printable(nb, key=k, outputs=False), t),
        )
    for number_ in LESSON:
        for is_key, folder in ((False, student), (True, key)):
            path = _notebook(folder, number_)
            nb = nbformat.read(path, as_version=4)
            label = f"{path.stem} ({'answer key' if is_key else 'student'})"
            name = f"{path.stem}_{'key' if is_key else 'student'}.pdf"
            yield name, label, lambda nb=nb, k=is_key, t=label: notebook_html(printable(nb, key=k), t)


def build(out=OUT, student=NOTEBOOKS, key=NOTEBOOKS, png=False):
    """Write every handout into ``out``; returns ``{file name: page count}`` (also in pages.json)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts, start = {}, time.perf_counter()
    with Printer() as printer:
        for name, footer, make in documents(student, key):
            printer.pdf(make(), out / name, footer)
            counts[name] = page_count(out / name)
            if png:
                to_png(out / name, out / "png")
            print(f"{name}: {counts[name]} page{'s' if counts[name] != 1 else ''}")
    if printer.blocked:  # nothing may come from the network: a handout must look the same offline
        raise SystemExit(f"the pages asked the network for {sorted(set(printer.blocked))[:5]}")
    (out / "pages.json").write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")
    print(f"{sum(counts.values())} pages in {len(counts)} PDFs, {time.perf_counter() - start:.0f} s: {out}")
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--student", type=Path, default=NOTEBOOKS, help="folder of the student notebooks")
    parser.add_argument("--key", type=Path, default=NOTEBOOKS, help="folder of the answer-key notebooks")
    parser.add_argument("--out", type=Path, default=OUT, help="where the PDFs go (build/handouts)")
    parser.add_argument("--png", action="store_true", help="also every page as a PNG, in OUT/png")
    args = parser.parse_args(argv)
    build(args.out, args.student, args.key, png=args.png)


if __name__ == "__main__":
    main()
