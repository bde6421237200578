"""The lesson plan's numbers, counted from the notebooks themselves.

    python tools/lesson_plan.py           # print the table
    python tools/lesson_plan.py --write   # put it into docs/classroom.md
    python tools/lesson_plan.py --check   # fail if docs/classroom.md is out of date (a test)
    python tools/lesson_plan.py --ref HEAD~5   # the table of an older commit (for a changelog)

Every notebook has a *core path* (what is taught in class) and optional material: a section
whose heading contains "(optional)" (it ends at the next heading of the same or a higher
level) and every collapsed ``<details>`` block (solutions, asides). For the core path this
counts the words of prose, the code cells done in class (not the setup cell, not homework),
the explorers (a cell that builds an ``lw.…Explorer``) and the exercises (a heading that
starts with "Exercise"), and turns them into minutes at a classroom pace:

- prose: 130 words a minute, a teacher's speaking pace, pauses included;
- a code cell: half a minute to run it and read its output together;
- an explorer: 3 minutes of dragging, asking and answering;
- a predict-then-check exercise (its heading starts with "Exercise" and contains "predict"):
  2 minutes in class, to write a guess, run the cell and discuss the difference;
- an exercise whose heading says "(homework)" costs no class time: its words count as core
  prose, but neither they nor its code cells count as minutes.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "classroom.md"
START, END = "<!-- lesson-plan:start -->", "<!-- lesson-plan:end -->"

WORDS_PER_MINUTE = 130
MINUTES_PER_CODE_CELL = 0.5
MINUTES_PER_EXPLORER = 3
MINUTES_PER_PREDICTION = 2
LIVE = ("01", "02", "03", "04")  # the notebooks taught live (docs/classroom.md)
FIRST_MINUTE = 5  # the lesson opens with five minutes for the index's setup check

HEADING = re.compile(r"^(#{1,6})\s+(.*)")
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
EXPLORER = re.compile(r"\blw\.\w*Explorer\(")


def prose_words(markdown):
    """Words of prose in a piece of Markdown: math and code count as one word each."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$|`[^`\n]+`", " w ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"<[^>]+>", " ", text)
    return len(WORD.findall(text))


def without_details(markdown):
    return re.sub(r"<details>.*?</details>", " ", markdown, flags=re.S)


def count(cells):
    """Core-path counts of one notebook's cells (dicts with cell_type, source, metadata).

    A heading with "(optional)" starts optional material and one with "(homework)" an exercise
    for home; either ends at the next heading of the same or a higher level. Homework is part
    of the core path (its words count) but not of the class time (its code cells do not).
    ``"core prose"`` is the core path's Markdown, for tests that read it.
    """
    totals = dict.fromkeys(
        ["words", "class words", "optional words", "code cells", "explorers", "exercises", "predict"], 0
    )
    core_prose = []
    region, region_level = "class", None  # "class", "homework" or "optional", and its heading level

    for cell in cells:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            if {"badges", "nav"} & set(tags):
                continue
            kept = without_details(source)
            totals["optional words"] += prose_words(source) - prose_words(kept)
            block = []
            for line in kept.splitlines() + ["# end"]:
                match = HEADING.match(line)
                if match:
                    words = prose_words("\n".join(block))
                    if region == "optional":
                        totals["optional words"] += words
                    else:
                        totals["words"] += words
                        totals["class words"] += words if region == "class" else 0
                        core_prose.append("\n".join(block))
                    block = []
                    if line == "# end":
                        break
                    level, title = len(match.group(1)), match.group(2).lower()
                    if region_level is not None and level <= region_level:
                        region, region_level = "class", None
                    if region == "class" and ("(optional)" in title or "(homework)" in title):
                        region, region_level = ("optional" if "(optional)" in title else "homework"), level
                    if region != "optional" and title.startswith("exercise"):
                        totals["exercises"] += 1
                        totals["predict"] += "predict" in title
                block.append(line)
        elif cell["cell_type"] == "code" and "setup" not in tags and region == "class":
            totals["code cells"] += 1
            totals["explorers"] += bool(EXPLORER.search(source))
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
        texts = [
            (
                Path(n).name,
                subprocess.run(
                    ["git", "show", f"{ref}:{n}"], cwd=ROOT, capture_output=True, text=True
                ).stdout,
            )
            for n in names
        ]
    for name, text in texts:
        cells = json.loads(text)["cells"]
        first = next((c for c in cells if c["cell_type"] == "markdown"), {"source": name})
        source = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
        title = next((line[2:].strip() for line in source.splitlines() if line.startswith("# ")), name)
        yield name[:2], title, cells


def minutes(row):
    """Class time of a notebook's core path, at the pace in the module docstring."""
    return (
        row["class words"] / WORDS_PER_MINUTE
        + row["code cells"] * MINUTES_PER_CODE_CELL
        + row["explorers"] * MINUTES_PER_EXPLORER
        + row["predict"] * MINUTES_PER_PREDICTION
    )


def table(ref=None):
    """The lesson plan as a Markdown table."""
    lines = [
        "| notebook | in class (minute) | core words | optional words | code cells in class | explorers "
        "| exercises (predict first) | minutes |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    live = {"words": 0, "minutes": 0.0}
    clock = FIRST_MINUTE
    for number, title, cells in notebooks(ref):
        row = count(cells)
        planned = minutes(row)
        slot = "homework"
        if number == "00":  # in class only its setup check; the rest is for reading at home
            planned, slot = FIRST_MINUTE, f"0–{FIRST_MINUTE} (setup check)"
        if number in LIVE:
            live["words"] += row["words"]
            live["minutes"] += planned
            slot = f"{round(clock)}–{round(clock + planned)}"
            clock += planned
        lines.append(
            f"| {title} | {slot} | {row['words']:,} | {row['optional words']:,} "
            f"| {row['code cells']} | {row['explorers']} | {row['exercises']} ({row['predict']}) "
            f"| {round(planned)} |"
        )
    lines.append(
        f"| **01–04, taught live** | **{FIRST_MINUTE}–{round(clock)}** | **{live['words']:,}** | | | | "
        f"| **{round(live['minutes'])}** |"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/classroom.md")
    parser.add_argument("--check", action="store_true", help="fail if docs/classroom.md is out of date")
    parser.add_argument("--ref", help="count the notebooks of this git commit instead")
    args = parser.parse_args()
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
