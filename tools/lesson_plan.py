"""The lesson plan's numbers, counted from the notebooks themselves.

    python tools/lesson_plan.py             # print the table
    python tools/lesson_plan.py --write     # put it into docs/classroom.md
    python tools/lesson_plan.py --check     # fail if docs/classroom.md is out of date (a test)
    python tools/lesson_plan.py --report    # the table, the size figures, and a warning near a limit
    python tools/lesson_plan.py --ref d337563   # the table of an older commit (to compare)

Every notebook has a *core path* (what is taught in class) and optional material: a section
whose heading contains "(optional)" (it ends at the next heading of the same or a higher
level) and every collapsed ``<details>`` block (solutions, asides). An exercise is a section
whose heading starts with "Exercise"; "(homework)" in its heading makes it homework (no class
time, but a student's time), "predict" a predict-first question, and "(continued)" marks a later
part of the same exercise (e.g. the check of a prediction, after the numbers).

Two clocks. The teacher's is calibrated on two fresh reviews: of the lesson at commit d337563
(``REVIEWED``: a lecturer planned 100–118 minutes for 01–04) and of the rewritten lesson at
commit f6590d2 (``REVIEWED_AGAIN``: a teacher's realistic plan of 28, 27, 37 and 25 minutes for
01–04, 117 in all, where the clock then said 77). The second review showed that time goes into
what the class *does* (a notebook opened and introduced, a guess written, code typed, a slider
dragged), not into the words read aloud: with the paces below f6590d2 comes out at 27, 25, 36
and 22 minutes (110, 6 % under the review) and d337563 at 123 (``--ref …``), both within 10 %.

Teacher (live, a class of about 30):

- a notebook: 8 minutes of its own (opening it, the goals, switching, the questions it raises);
- prose: 250 words a minute (read aloud in part, mostly pointed at on the screen);
- a display equation: 1 minute (written out, each symbol named);
- a code cell run in class: half a minute (run it, read its output together), plus 2 seconds
  per line of code in it;
- an explorer: 4.5 minutes of dragging, asking and answering;
- a predict-first exercise: 4 minutes (everyone writes a guess, runs the check, discusses);
- another in-class exercise: 3.5 minutes (e.g. sliders to a target);
- an in-class exercise where students type code: 5 minutes plus 1.8 minutes per line they type
  (a solution line that is not in the starter): typing, the first error, the checker's hint, a
  second try (the f6590d2 review: 14 minutes for the 5-line loop);
- homework: none.

Student (alone, working through the core path): 100 words a minute of core prose, 1 minute per
display equation, 0.3 minute per line of code shown in class (reading it, running it, reading its
output), 3 minutes per explorer, 2.5 per predict-first exercise, 4 per other exercise, and an
exercise where code is typed: 3 minutes plus 1 per line typed (lines a starter leaves open,
functions or not, count since round 1). The table's student minutes count the in-class
exercises; the calibration (and --report) also the homework ones, as the reviewing students did
every exercise: d337563 comes out at 44, 42, 52 and 42 minutes, f6590d2 at 121 in all (the
round-1 student: about 115). Optional sections are not counted for either clock.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "classroom.md"
CORE = ROOT / "linreg_core.py"
START, END = "<!-- lesson-plan:start -->", "<!-- lesson-plan:end -->"

LIVE = ("01", "02", "03", "04")  # the lesson's notebooks (docs/classroom.md)
#: The plan: one 90-minute session. Notebook 01 is done before class (PRE_CLASS: about 20
#: minutes alone, with its checkers; the round-6 teacher's "best option") and recapped in class
#: for RECAP_MINUTES; 02–04 are taught live. For a slower class the guide also shows two sessions,
#: 01 and 02 live in the first, 03 and 04 in the second, each with its own buffer.
SESSIONS = (("02", "03", "04"),)
PRE_CLASS = ("01",)
RECAP_MINUTES = 3
TWO_SESSIONS = (("01", "02"), ("03", "04"))
#: The exit ticket on 01–04 (about ten minutes): at the end of the class, in its buffer, or after it.
AFTER_CLASS = ("09",)
#: Setup is checked before class (the index notebook), not in the 90 minutes. A session starts
#: with 3 minutes of logistics: the plan and who to ask (in a second session: a recap of the first).
LOGISTICS_MINUTES = 3
LESSON_MINUTES = 90
BUFFER_MINUTES = 10  # at least this much of each session is left free
REVIEWED = "d337563"  # the commit the first fresh reviewers timed
REVIEWED_AGAIN = "f6590d2"  # the commit the round-1 reviewers timed (teacher: 28, 27, 37, 25)

#: Minutes of class time per unit, and of a student's time (see the module docstring).
TEACHER = {
    "notebooks": 8.0,
    "words": 1 / 250,
    "maths": 1.0,
    "code cells": 0.5,
    "code lines": 0.03,
    "explorers": 4.5,
    "predict": 4.0,
    "other exercises": 3.5,
    "typing exercises": 5.0,
    "typed lines": 1.8,
}
#: The guide's time box for an exercise where students type code: when it is up, the teacher
#: shows the solution and everyone copies it, so it takes at most this long in class.
TYPING_BOX_MINUTES = 10.0
STUDENT = {
    "words": 1 / 100,
    "maths": 1.0,
    "code lines": 0.3,
    "explorers": 3.0,
    "predict": 2.5,
    "other exercises": 4.0,
    "typing exercises": 3.0,
    "typed lines": 1.0,
}

#: Size budgets that --report watches (a warning within 10 %, no test): the lines of the lesson's
#: core, linreg_core.py, which students read in one sitting (about 10 screens of 60 lines), and
#: the core prose of 01–04, homework included (the guide's 4,500).
LIMITS = {
    "lines of linreg_core.py": 600,
    "core words of 01–04": 4500,
}

HEADING = re.compile(r"^(#{1,6})\s+(.*)")
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
EXPLORER = re.compile(r"\blw\.\w*Explorer\(")
DISPLAY_MATHS = re.compile(r"\$\$.*?\$\$", re.S)
SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.S)


def prose_words(markdown):
    """Words of prose in a piece of Markdown: inline math and code count as one word each."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = DISPLAY_MATHS.sub(" ", text)
    text = re.sub(r"\$[^$\n]+\$|`[^`\n]+`", " w ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"<[^>]+>", " ", text)
    return len(WORD.findall(text))


def without_details(markdown):
    return re.sub(r"<details>.*?</details>", " ", markdown, flags=re.S)


def _source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def sections(cells):
    """The notebook as a list of sections: heading level, title, Markdown and code cells.

    A section runs from one heading to the next; the text before the first heading is a
    section of level 0. Badge and navigation cells are left out, the setup cell too.
    """
    found = [{"level": 0, "title": "", "markdown": [], "code": []}]
    for cell in cells:
        source, tags = _source(cell), cell.get("metadata", {}).get("tags", [])
        if {"badges", "nav", "setup"} & set(tags):
            continue
        if cell["cell_type"] == "code":
            found[-1]["code"].append(source)
            continue
        if cell["cell_type"] != "markdown":
            continue
        block = []
        for line in source.splitlines():
            match = HEADING.match(line)
            if match and not _inside_fence(block):
                found[-1]["markdown"].append("\n".join(block))
                block = []
                found.append(
                    {"level": len(match.group(1)), "title": match.group(2), "markdown": [], "code": []}
                )
            block.append(line)
        found[-1]["markdown"].append("\n".join(block))
    return found


def exercise_cells(cells):
    """Positions of the code cells that belong to an exercise: under a heading that starts with
    "Exercise", up to the next heading of the same or a higher level. A notebook must run top to
    bottom with all of them skipped (tests/test_lesson.py)."""
    found, level = [], None
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            if level is not None:
                found.append(i)
            continue
        lines = []
        for line in _source(cell).splitlines():
            match = HEADING.match(line)
            if match and not _inside_fence(lines):
                depth, title = len(match.group(1)), match.group(2).lower()
                if level is not None and depth <= level:
                    level = None
                if title.startswith("exercise"):
                    level = depth
            lines.append(line)
    return found


def _inside_fence(lines):
    return sum(line.startswith("```") for line in lines) % 2 == 1


def count(cells):
    """Core-path counts of one notebook's cells (dicts with cell_type, source, metadata).

    Returns a dict: ``words`` (core prose, homework included), ``class words`` (homework
    excluded), ``optional words``, ``maths`` (display equations taught in class), ``code
    cells`` and ``explorers`` in class, ``exercises`` (in the core path), ``predict``,
    ``other exercises`` and ``typing exercises`` in class with their ``typed lines``, the same
    for homework under ``homework …`` keys, and ``core prose`` (the core Markdown, for tests).
    """
    keys = [
        "words",
        "class words",
        "optional words",
        "maths",
        "code cells",
        "code lines",
        "explorers",
        "exercises",
    ]
    kinds = ["predict", "other exercises", "typing exercises", "typed lines"]
    totals = dict.fromkeys(keys + kinds + [f"homework {k}" for k in kinds], 0)
    totals["notebooks"] = 1
    core_prose = []
    region, region_level = "class", None  # "class", "homework" or "optional", and its heading level
    exercise_level = None
    for section in sections(cells):
        level, title = section["level"], section["title"].lower()
        if region_level is not None and 0 < level <= region_level:
            region, region_level = "class", None
        if region == "class" and ("(optional)" in title or "(homework)" in title):
            region, region_level = ("optional" if "(optional)" in title else "homework"), level
        markdown = "\n".join(section["markdown"])
        kept = without_details(markdown)
        if region == "optional":
            totals["optional words"] += prose_words(markdown)
            continue
        totals["optional words"] += prose_words(markdown) - prose_words(kept)
        words = prose_words(kept)
        totals["words"] += words
        core_prose.append(kept)
        if exercise_level is not None and 0 < level <= exercise_level:
            exercise_level = None
        if title.startswith("exercise") and "(continued)" in title:  # the same exercise, later on
            exercise_level = level
        elif title.startswith("exercise"):
            exercise_level = level
            totals["exercises"] += 1
            prefix = "homework " if region == "homework" else ""
            solution = SOLUTION.search(markdown)
            starters = [code for code in section["code"] if "TODO" in code]
            given = {line.strip() for code in starters for line in code.splitlines()}
            typed = [] if solution is None else solution.group(1).splitlines()
            typed = [line for line in typed if line.strip() not in given | {""}]
            if "predict" in title:
                totals[prefix + "predict"] += 1
            elif starters and typed:  # a function to complete, or lines to write
                totals[prefix + "typing exercises"] += 1
                totals[prefix + "typed lines"] += len(typed)
            else:
                totals[prefix + "other exercises"] += 1
        if region != "class":
            continue
        totals["class words"] += words
        totals["maths"] += len(DISPLAY_MATHS.findall(kept))
        in_exercise = exercise_level is not None
        for code in section["code"]:
            totals["code cells"] += not in_exercise  # an exercise's cells are in its own minutes
            totals["code lines"] += sum(
                1 for line in code.splitlines() if line.strip() and not line.strip().startswith("#")
            )
            totals["explorers"] += bool(EXPLORER.search(code))
    totals["core prose"] = "\n".join(core_prose)
    return totals


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def notebooks(ref=None):
    """(number, title, cells) of every notebook, from the work tree or from a git commit."""
    if ref is None:
        paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        texts = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    else:
        names = git("ls-tree", "--name-only", ref, "notebooks/").split()
        names = sorted(n for n in names if re.fullmatch(r"notebooks/\d\d_.*\.ipynb", n))
        texts = [(Path(n).name, git("show", f"{ref}:{n}")) for n in names]
    for name, text in texts:
        cells = json.loads(text)["cells"]
        first = next((c for c in cells if c["cell_type"] == "markdown"), {"source": name})
        title = next(
            (line[2:].strip() for line in _source(first).splitlines() if line.startswith("# ")), name
        )
        yield name[:2], title, cells


def _clock(row, pace, homework):
    minutes = sum(row[key] * per for key, per in pace.items())
    if homework:
        minutes += sum(row["homework " + key] * per for key, per in pace.items() if "homework " + key in row)
    return minutes


def minutes(row):
    """Class time of a notebook's core path, at the teacher's pace in the module docstring, with
    each typing exercise capped at its time box."""
    typing = {key: TEACHER[key] for key in ("typing exercises", "typed lines")}
    boxed = min(_clock(row, typing, homework=False), row["typing exercises"] * TYPING_BOX_MINUTES)
    others = {key: per for key, per in TEACHER.items() if key not in typing}
    return _clock({**row, "words": row["class words"]}, others, homework=False) + boxed


def student_minutes(row, homework=False):
    """A student's time alone for a notebook's core path and its in-class exercises (and, with
    ``homework``, its homework exercises too: how the reviewing student worked)."""
    return _clock(row, STUDENT, homework=homework)


def _span(start, end):
    return f"{round(start)}–{round(end)}"


def schedule(rows, sessions, recap=0.0):
    """The live notebooks' rows laid out in ``sessions`` (tuples of notebook numbers): one dict per
    session with its ``notebooks``, ``slots`` (number → (start, end) minute), ``end``, ``buffer``
    and ``student`` minutes. Each session starts with LOGISTICS_MINUTES, the first also with
    ``recap`` minutes (of the notebooks done before class)."""
    laid_out = []
    for i, notebooks_ in enumerate(sessions):
        clock, slots, student = LOGISTICS_MINUTES + (recap if i == 0 else 0), {}, 0
        for row in rows:
            if row["number"] in notebooks_:
                slots[row["number"]] = (clock, clock + row["minutes"])
                clock += row["minutes"]
                student += row["student"]
        laid_out.append(
            {
                "notebooks": notebooks_,
                "slots": slots,
                "end": clock,
                "buffer": LESSON_MINUTES - clock,
                "student": student,
            }
        )
    return laid_out


def plan(ref=None):
    """``(rows, live)``: one dict per notebook, and the totals of the live notebooks.

    ``live["sessions"]`` is the plan (:data:`SESSIONS` after the recap of :data:`PRE_CLASS`, laid
    out by :func:`schedule`), ``live["two sessions"]`` the version for a slower class
    (:data:`TWO_SESSIONS`).
    """
    rows = []
    live = dict.fromkeys(["words", "class words", "minutes", "student", "student with homework"], 0)
    for number, title, cells in notebooks(ref):
        row = count(cells)
        row.update(number=number, title=title, minutes=minutes(row), student=student_minutes(row))
        row["student with homework"] = student_minutes(row, homework=True)
        if number == "00":  # in class only its setup check (done before class since issue 18)
            row["minutes"] = 0.0
        if number in LIVE:
            for key in live:
                live[key] += row[key]
        rows.append(row)
    live["sessions"] = schedule(rows, SESSIONS, recap=RECAP_MINUTES)
    live["two sessions"] = schedule(rows, TWO_SESSIONS)
    return rows, live


def _span(start, end):
    return f"{round(start)}–{round(end)}"


def _slot(row, sessions, pre_class=()):
    if row["number"] == "00":
        return "before class"
    if row["number"] in AFTER_CLASS:
        return "after class (exit ticket)"
    if row["number"] in pre_class:
        return f"before class (recap {_span(LOGISTICS_MINUTES, LOGISTICS_MINUTES + RECAP_MINUTES)})"
    for number, session in enumerate(sessions, 1):
        if row["number"] in session["slots"]:
            span = _span(*session["slots"][row["number"]])
            return span if len(sessions) == 1 else f"{number} · {span}"
    return "homework"


def _notebook_line(row, live):
    in_class = row["predict"] + row["other exercises"] + row["typing exercises"]
    taught = row["number"] in LIVE
    return (
        f"| {row['title']} | {_slot(row, live['sessions'], PRE_CLASS)} | {_slot(row, live['two sessions'])} "
        f"| {row['class words']:,} | {row['maths']} | {row['code cells']} | {row['explorers']} "
        f"| {in_class} ({row['predict']}, {row['typing exercises']}) "
        f"| {round(row['minutes']) if taught else ''} | {round(row['student']) if taught else ''} |"
    )


def _end_lines(name, sessions, slot):
    lines = []
    for number, session in enumerate(sessions, 1):
        label = name if len(sessions) == 1 else f"{name}, session {number}"
        prefix = "" if len(sessions) == 1 else f"{number} · "
        cells = ["", ""]
        cells[slot] = f"**{prefix}0–{round(session['end'])}**"
        first, last = session["notebooks"][0], session["notebooks"][-1]
        recap = f", the recap of {', '.join(PRE_CLASS)}" if slot == 0 else ""  # slot 0: the plan
        lines.append(
            f"| **{label}: logistics{recap} and {first}–{last}** | {cells[0]} | {cells[1]} | | | | | "
            f"| **{round(session['end'])}** | **{round(session['student'])}** |"
        )
        if session["buffer"] >= 0:
            cells[slot] = f"**{prefix}{_span(session['end'], LESSON_MINUTES)}**"
            lines.append(
                f"| **{label}: buffer** (questions, a slower class, the spare-time list) | {cells[0]} "
                f"| {cells[1]} | | | | | | **{round(session['buffer'])}** | |"
            )
        else:  # said plainly, not as a negative buffer
            lines.append(
                f"| **{label}: over the {LESSON_MINUTES} minutes** (no buffer) | | | | | | | "
                f"| **{round(-session['buffer'])}** | |"
            )
    return lines


def table(ref=None):
    """The lesson plan as a Markdown table: the one session, and two sessions for a slower class."""
    rows, live = plan(ref)
    lines = [
        "| notebook | one session (the plan): minute | two sessions (a slower class): session · minute "
        "| class words | display equations | code cells | explorers | in-class exercises (predict first, "
        "typed) | teacher minutes | student minutes |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| logistics (the plan, who to ask; in session 2 a recap) | 0–{LOGISTICS_MINUTES} "
        f"| 1 · 0–{LOGISTICS_MINUTES}, 2 · 0–{LOGISTICS_MINUTES} | | | | | | {LOGISTICS_MINUTES} | |",
    ]
    lines += [_notebook_line(row, live) for row in rows]
    lines += _end_lines("one session", live["sessions"], 0)
    lines += _end_lines("two sessions", live["two sessions"], 1)
    return "\n".join(lines)


def core_lines():
    """Lines of linreg_core.py that are code or comments: no blank lines, no docstrings."""
    import ast

    text = CORE.read_text(encoding="utf-8")
    docstring_lines = set()
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(1 for i, line in enumerate(text.splitlines(), 1) if line.strip() and i not in docstring_lines)


def report(ref=None):
    """The plan, the size figures, and a warning for each figure within 10 % of its limit."""
    rows, live = plan(ref)
    lines = [table(ref), ""]
    figures = {
        "lines of linreg_core.py": len(CORE.read_text(encoding="utf-8").splitlines()),
        "core words of 01–04": live["words"],
    }
    for name, value in figures.items():
        limit = LIMITS[name]
        note = ""
        if value > limit:
            note = "  ✗ over the limit"
        elif value >= 0.9 * limit:
            note = "  ⚠ within 10 % of the limit"
        lines.append(f"{name}: {value:,} (limit {limit:,}){note}")
    lines.insert(-1, f"  linreg_core.py without docstrings and blank lines: {core_lines()}")
    lines.append(
        "class words per live notebook: "
        + ", ".join(f"{r['number']}: {r['class words']:,}" for r in rows if r["number"] in LIVE)
    )
    for name, sessions in (("one session", live["sessions"]), ("two sessions", live["two sessions"])):
        for number, session in enumerate(sessions, 1):
            buffer = session["buffer"]
            note = (
                "  ✗ less than the buffer"
                if buffer < BUFFER_MINUTES
                else ("  ⚠ within 10 % of the limit" if buffer < 1.1 * BUFFER_MINUTES else "")
            )
            label = name if len(sessions) == 1 else f"{name}, session {number}"
            lines.append(
                f"{label} buffer: {buffer:.0f} minutes of {LESSON_MINUTES} (at least {BUFFER_MINUTES}){note}"
            )
    lines.append(
        f"a student alone, 01–04: {live['student']:.0f} minutes with the in-class exercises, "
        f"{live['student with homework']:.0f} with every exercise (homework too)"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/classroom.md")
    parser.add_argument("--check", action="store_true", help="fail if docs/classroom.md is out of date")
    parser.add_argument("--report", action="store_true", help="the table, size figures and warnings")
    parser.add_argument("--ref", help="count the notebooks of this git commit instead")
    args = parser.parse_args()
    if args.report:
        print(report(args.ref))
        return
    text = table(args.ref)
    if not (args.write or args.check):
        print(text)
        return
    guide = GUIDE.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(guide):
        sys.exit(f"{GUIDE.relative_to(ROOT)}: no {START} … {END} block to fill")
    updated = pattern.sub(lambda _: f"{START}\n{text}\n{END}", guide)
    if args.check:
        if updated != guide:
            sys.exit(
                "docs/classroom.md: the lesson-plan table is out of date: run tools/lesson_plan.py --write"
            )
        return
    GUIDE.write_text(updated, encoding="utf-8")
    print(f"updated {GUIDE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
