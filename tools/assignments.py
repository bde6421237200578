"""Student versions and an answer key of the notebooks, with nbgrader's markings.

    python tools/assignments.py student OUTDIR    # no solutions; starters, pictures and outputs kept
    python tools/assignments.py key OUTDIR        # solutions kept, starters filled in, executed
    python tools/assignments.py nbgrader OUTDIR   # an nbgrader course: source/ and nbgrader_config.py
    python tools/assignments.py all OUTDIR        # the three, in OUTDIR/student, key and nbgrader
                                                  # (what `make assignments` does, into build/assignments)
    python tools/assignments.py branch [--name student]   # the student versions as a git branch
                                                          # (what `make student-branch` does)

Everything comes from notebooks/01_…08_ as they are, through the two markings the lesson already
has (tools/lesson_plan.py counts with the same ones):

- an exercise is a section whose heading starts with "Exercise" (up to the next heading of the
  same or a higher level); its *answer cells* are its code cells with a ``TODO``, its *check
  cells* the ones that call ``ex.check_…(…)``;
- its solution is a Markdown ``<details><summary>Solution</summary> … </details>`` block, with the
  code in ```` ```python ```` fences (or, for an answer picked with the sliders, in inline code
  such as ```my_m = 0.99```).

An exercise is *graded* when it has an answer cell and a check cell and its heading says neither
"predict" nor "(in class)": a predict-first checker states the right answer in its feedback, and
an in-class exercise is typed along with the teacher (docs/classroom.md), so those exercises are
formative only. Each graded exercise gets nbgrader's metadata: its answer cells become
"autograded answer" cells, and after each check cell comes an autograder test cell (1 point)

    ### BEGIN HIDDEN TESTS
    feedback = ex.check_mse(my_mse)
    assert feedback, feedback.message
    ### END HIDDEN TESTS

whose failure shows the checker's own hint. In the student version only the comment line above
the markers is left, as nbgrader's release has it; nbgrader puts the test back when it grades.

- **student**: every Solution block removed; starter code, outputs and explorer pictures kept, so
  Run All runs through every exercise as in the lesson. Its Colab and Binder badges open the
  student branch (``--name``, default ``student``), and on Colab its setup cell clones that branch.
- **key**: the Solution blocks kept (opened), each starter statement replaced by the solution's
  statement that defines the same names (a ``def``, an assignment), the test cells visible; then
  executed on a fresh kernel, so its checks show the right answers and the tests pass.
- **nbgrader**: a course directory for ``nbgrader generate_assignment`` and ``autograde``, one
  assignment per notebook: ``source/<notebook>/<notebook>.ipynb`` is the student version with
  the hidden tests in; ``nbgrader_config.py`` turns off ClearSolutions (the source holds no
  solution: the starter is what students get) and ClearOutput (it would drop the explorers'
  pictures). The key is what a perfect student submits.

The **branch** is how students receive the student versions (docs/classroom.md, "Run sheet"): a git
branch whose tree is HEAD's with every notebook replaced by its student version (00, which has no
exercise, only has its links moved), each text twin ``notebooks/sources/NN.md`` rewritten from it
(kept, not deleted: the twins held the solutions too, and a twin that disagrees with its notebook
would be taken back by ``tools/notebooks.py sync``), and the README's badges on the branch under a
note that the branch is not for development. Every other file is HEAD's, byte for byte. It is
written with git plumbing through a temporary index, so the work tree, the index and the current
branch are never touched; each run adds one commit on the branch's tip (none if nothing changed),
or on ``origin/<branch>`` in a clone that has only that, so that ``git push`` is a fast-forward.
Its history is its own: main is not a parent, so merging it into main by mistake is refused by git
("unrelated histories") instead of deleting the solutions.

otter-grader is not supported: see docs/classroom.md, "Grading".
"""

import argparse
import ast
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lesson_plan  # noqa: E402  (tools/ is not a package)

import notebooks as notebook_tools  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_NOTEBOOKS = "0[1-9]_*.ipynb"  # 00, the index, has no exercise
NOTEBOOKS = sorted((ROOT / "notebooks").glob(EXERCISE_NOTEBOOKS))
STUDENT_BRANCH = "student"

SOLUTION_BLOCK = re.compile(r"<details>\s*<summary>\s*Solution\s*</summary>.*?</details>\n?", re.S)
PYTHON_FENCE = re.compile(r"```python\n(.*?)```", re.S)
INLINE_CODE = re.compile(r"`([^`\n]+)`")

TEST_COMMENT = "# For your teacher's grading tool (nbgrader): it does nothing when you run it."
BEGIN_TESTS, END_TESTS = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
POINTS = 1

NBGRADER_CONFIG = """\
# nbgrader settings for the collection (written by tools/assignments.py; docs/classroom.md).
c = get_config()  # noqa: F821
# source/ holds the student version with its hidden tests, no solutions: keep its starter code.
c.ClearSolutions.enabled = False
# Keep the saved outputs: the explorers' pictures and the lesson's results.
c.ClearOutput.enabled = False
# A whole notebook runs in well under a minute; a student's endless loop is stopped by the checker.
c.Execute.timeout = 300
"""


@dataclass
class Exercise:
    """One exercise of a notebook: its title and the positions of its cells."""

    title: str
    answers: list = field(default_factory=list)  # code cells with a TODO
    checks: list = field(default_factory=list)  # code cells calling ex.check_…
    solutions: list = field(default_factory=list)  # the text of its Solution blocks

    @property
    def graded(self):
        title = self.title.lower()
        return bool(self.answers and self.checks) and "predict" not in title and "(in class)" not in title


def source(cell):
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def check_call(code):
    """The ``ex.check_…(…)`` call of a check cell, as written, or None."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "ex"
            and call.func.attr.startswith("check_")
        ):
            return ast.get_source_segment(code, call)
    return None


def exercises(cells):
    """The exercises of a notebook, in order (see the module docstring)."""
    found, current, level = [], None, None
    for i, cell in enumerate(cells):
        text = source(cell)
        if cell.cell_type == "code":
            if current is not None:
                if check_call(text):
                    current.checks.append(i)
                elif "TODO" in text:
                    current.answers.append(i)
            continue
        if current is not None:
            current.solutions += SOLUTION_BLOCK.findall(text)
        lines = []
        for line in text.splitlines():
            match = lesson_plan.HEADING.match(line)
            inside_fence = sum(seen.startswith("```") for seen in lines) % 2 == 1
            if match and not inside_fence:
                depth, title = len(match.group(1)), match.group(2)
                if level is not None and depth <= level:
                    current, level = None, None
                if title.lower().startswith("exercise"):
                    current, level = Exercise(title), depth
                    found.append(current)
            lines.append(line)
    return found


def grade_ids(nb):
    """``{check cell position: grade id}`` for the graded exercises, e.g. ``check_mse``, ``check_mse_2``."""
    ids, taken = {}, set()
    for exercise in exercises(nb.cells):
        if not exercise.graded:
            continue
        for i in exercise.checks:
            name = check_call(source(nb.cells[i])).split("(")[0].removeprefix("ex.")
            grade_id, n = name, 1
            while grade_id in taken:
                n += 1
                grade_id = f"{name}_{n}"
            taken.add(grade_id)
            ids[i] = grade_id
    return ids


def nbgrader_metadata(grade_id, *, test):
    """The cell metadata nbgrader (schema 3) reads: an autograded answer, or a test worth POINTS."""
    if test:
        return {"grade": True, "grade_id": grade_id, "locked": True, "points": POINTS,
                "schema_version": 3, "solution": False, "task": False}  # fmt: skip
    return {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
            "solution": True, "task": False}  # fmt: skip


def test_source(call, *, hidden):
    """The autograder test of a check call: the comment alone, or with the test in its markers."""
    if hidden:
        return TEST_COMMENT
    return f"{TEST_COMMENT}\n{BEGIN_TESTS}\nfeedback = {call}\nassert feedback, feedback.message\n{END_TESTS}"


def marked(nb, *, tests_hidden):
    """A copy of ``nb`` with nbgrader's metadata and an autograder test cell after each check."""
    nb = copy.deepcopy(nb)
    ids = grade_ids(nb)
    answer_ids = {}
    for exercise in exercises(nb.cells):
        if exercise.graded:
            first = ids[exercise.checks[0]]
            for k, i in enumerate(exercise.answers):
                answer_ids[i] = f"{first}_answer" + (f"_{k + 1}" if k else "")
    cells = []
    for i, cell in enumerate(nb.cells):
        if i in answer_ids:
            cell.metadata["nbgrader"] = nbgrader_metadata(answer_ids[i], test=False)
        cells.append(cell)
        if i in ids:
            test = nbformat.v4.new_code_cell(test_source(check_call(source(cell)), hidden=tests_hidden))
            test.id = f"{ids[i]}-test".replace("_", "-")
            test.metadata["nbgrader"] = nbgrader_metadata(ids[i], test=True)
            cells.append(test)
    nb.cells = cells
    return nb


def without_solutions(nb):
    """A copy of ``nb`` without its Solution blocks; a cell left empty is dropped."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and SOLUTION_BLOCK.search(source(cell)):
            cell.source = SOLUTION_BLOCK.sub("", source(cell)).strip()
            if not cell.source:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


def defined_names(statement):
    """The names a top-level statement defines: a function's, or an assignment's targets."""
    if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
        return {statement.name}
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    return {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}


def solution_code(block, starter_names):
    """The code of a Solution block: its ```python fences, or else its inline assignments to the
    starter's names (the first for each name, e.g. ``my_m = 0.99``)."""
    fenced = PYTHON_FENCE.findall(block)
    if fenced:
        return "\n".join(fenced)
    found = {}
    for code in INLINE_CODE.findall(block):
        try:
            statement = ast.parse(code).body
        except SyntaxError:
            continue
        if len(statement) == 1 and isinstance(statement[0], ast.Assign):
            for name in defined_names(statement[0]) & starter_names:
                found.setdefault(name, code)
    return "\n".join(dict.fromkeys(found.values()))


def filled(starter, solution):
    """``starter`` with each top-level statement that the solution also defines replaced by the
    solution's statement; solution statements that define nothing of the starter come last."""
    lines, replaced = starter.splitlines(), {}
    solution_tree = ast.parse(solution)
    unused = list(solution_tree.body)
    for statement in ast.parse(starter).body:
        names = defined_names(statement)
        match = next((s for s in unused if names and defined_names(s) & names), None)
        if match is not None:
            unused.remove(match)
            replaced[statement.lineno - 1] = (statement.end_lineno, ast.get_source_segment(solution, match))
    out, i = [], 0
    while i < len(lines):
        if i in replaced:
            end, text = replaced[i]
            out.append(text)
            i = end
        else:
            out.append(lines[i])
            i += 1
    out += [ast.get_source_segment(solution, statement) for statement in unused]
    return "\n".join(out)


def with_answers(nb):
    """A copy of ``nb`` whose graded answer cells hold the solution, and Solution blocks open."""
    nb = copy.deepcopy(nb)
    for exercise in exercises(nb.cells):
        if not (exercise.graded and exercise.solutions):
            continue
        starters = {i: source(nb.cells[i]) for i in exercise.answers}
        names = {
            name for code in starters.values() for s in ast.parse(code).body for name in defined_names(s)
        }
        solution = "\n".join(solution_code(block, names) for block in exercise.solutions)
        if not solution.strip():
            raise SystemExit(f"{exercise.title!r}: its Solution block has no code to fill the answer with")
        for i, starter in starters.items():
            nb.cells[i].source = filled(starter, solution)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"<details>(\s*<summary>\s*Solution)", r"<details open>\1", source(cell))
    return nb


def on_branch(text, branch, repo=None):
    """``text`` with its links to the collection on Colab, Binder and GitHub opening ``branch``."""
    repo = repo or notebook_tools.repository()
    moves = [
        (notebook_tools.colab_url(repo, ""), notebook_tools.colab_url(repo, "", branch)),
        (notebook_tools.binder_url(repo, ""), notebook_tools.binder_url(repo, "", branch)),
        (f"https://github.com/{repo}/blob/main/", f"https://github.com/{repo}/blob/{branch}/"),
        (f"https://github.com/{repo}/tree/main/", f"https://github.com/{repo}/tree/{branch}/"),
    ]
    for before, after in moves:
        text = text.replace(before, after)
    left = re.search(
        rf"(colab\.research\.google\.com/github|mybinder\.org/v2/gh|github\.com)/{re.escape(repo)}/"
        r"(blob/|tree/)?(main|HEAD)\b",
        text,
    )
    if left:
        raise SystemExit(f"a link still opens main: {left.group()}: add its form to on_branch()")
    return text


def setup_on_branch(branch, repo=None):
    """The setup cell, its Colab clone taking ``branch``: the code and data of the same commit."""
    code = notebook_tools.SETUP.format(repository=repo or notebook_tools.repository())
    clone = '"--depth", "1",'
    if code.count(clone) != 1:
        raise SystemExit(f"tools/notebooks.py SETUP: no single {clone} to add the branch to")
    return code.replace(clone, f'{clone} "--branch", "{branch}",')


def retargeted(nb, branch):
    """A copy of ``nb`` whose badges and links open ``branch``, and whose setup cell clones it."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if "setup" in cell.metadata.get("tags", []):
            cell.source = setup_on_branch(branch)
        elif cell.cell_type == "markdown":
            cell.source = on_branch(source(cell), branch)
    return nb


def student(nb, branch=STUDENT_BRANCH):
    return marked(retargeted(without_solutions(nb), branch), tests_hidden=True)


def key(nb):
    return with_answers(marked(nb, tests_hidden=False))  # marked first: the TODOs find the answers


def nbgrader_source(nb, branch=STUDENT_BRANCH):
    return marked(retargeted(without_solutions(nb), branch), tests_hidden=False)


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def execute(path):
    """Run a notebook on a fresh kernel from notebooks/ (wherever it is written) and save its
    outputs as tools/notebooks.py does: streams merged, no clock or machine output, explorers
    as pictures."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    resources = {"metadata": {"path": str(ROOT / "notebooks")}}
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False, resources=resources).execute()
    for cell in nb.cells:
        if {"clock", "machine"} & set(cell.metadata.get("tags", [])):
            cell.outputs = []
        if cell.cell_type == "code":
            cell.outputs = notebook_tools.coalesce_streams(cell.outputs)
    path.write_text(notebook_tools.static_outputs(nbformat.writes(nb), path.name), encoding="utf-8")


def build(kind, outdir, run=True, branch=STUDENT_BRANCH):
    """Write the ``kind`` version of every notebook into ``outdir``; return the paths written."""
    outdir = Path(outdir)
    written = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        if kind == "student":
            target = outdir / path.name
            write(student(nb, branch), target)
        elif kind == "key":
            target = outdir / path.name
            write(key(nb), target)
            if run:
                execute(target)
        elif kind == "nbgrader":
            target = outdir / "source" / path.stem / path.name
            write(nbgrader_source(nb, branch), target)
        else:
            raise ValueError(f"unknown version {kind!r}: student, key or nbgrader")
        written.append(target)
    if kind == "nbgrader":
        (outdir / "nbgrader_config.py").write_text(NBGRADER_CONFIG, encoding="utf-8")
    return written


# ---- The student branch ---------------------------------------------------------------------


def git(*args, data=None, env=None, check=True):
    """Run git in the repository; its output as text (stripped), or None when it fails and
    ``check`` is false. ``data`` (bytes) is its standard input."""
    done = subprocess.run(["git", "-C", str(ROOT), *args], input=data, env=env, capture_output=True)
    if done.returncode != 0:
        if not check:
            return None
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


BANNER = """\
> **This is the `{branch}` branch**: the notebooks without their Solution blocks, for students;
> every badge opens this branch. Written by `make student-branch` from commit {commit}; not for
> development (its tests expect the full notebooks): work on `main`, then run it again.
"""


def tree_entries(commit):
    """``(ls-tree line, path)`` for every file of ``commit``."""
    return [(line, line.split("\t", 1)[1]) for line in git("ls-tree", "-r", commit).splitlines()]


def branch_files(commit, branch):
    """``{path: bytes}`` of the files the student branch changes in ``commit``'s tree."""
    paths = [path for _, path in tree_entries(commit)]
    repo = notebook_tools.repository()
    files = {}
    for path in paths:
        name = Path(path)
        if name.parent.as_posix() != "notebooks" or not name.match("[0-9][0-9]_*.ipynb"):
            continue
        nb = nbformat.reads(git("cat-file", "blob", f"{commit}:{path}"), as_version=4)
        nb = student(nb, branch) if name.match(EXERCISE_NOTEBOOKS) else retargeted(nb, branch)
        nbformat.validate(nb)
        files[path] = (nbformat.writes(nb) + "\n").encode()
        twin = f"notebooks/sources/{name.stem}.md"
        if twin in paths:
            files[twin] = notebook_tools.text_source(nb).encode()
    if "README.md" in paths:
        title, _, rest = git("cat-file", "blob", f"{commit}:README.md").partition("\n")
        banner = BANNER.format(branch=branch, commit=git("rev-parse", "--short", commit))
        files["README.md"] = f"{title}\n\n{banner}{on_branch(rest, branch, repo)}\n".encode()
    return files


def write_branch(branch=STUDENT_BRANCH):
    """Commit HEAD's tree with the student versions onto ``branch``; return the new commit (or
    the branch's tip, unchanged, when it already holds them)."""
    if git("check-ref-format", "--branch", branch, check=False) is None:
        raise SystemExit(f"--name {branch!r} is not a valid branch name")
    ref = f"refs/heads/{branch}"
    for line in git("worktree", "list", "--porcelain").splitlines():
        if line == f"branch {ref}":
            raise SystemExit(
                f"{branch!r} is checked out: switch to main (git switch main), then run this again"
            )
    head = git("rev-parse", "--verify", "HEAD^{commit}")
    tip = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    # a fresh clone has only origin's copy: continue it, so that the push is a fast-forward
    pushed = git("rev-parse", "--verify", "--quiet", f"refs/remotes/origin/{branch}^{{commit}}", check=False)
    parent = tip or pushed
    if parent and git("merge-base", "--is-ancestor", head, parent, check=False) is not None:
        raise SystemExit(
            f"HEAD is a commit of {branch!r}: switch to main (git switch main), then run this again"
        )
    if git("status", "--porcelain", "--", "notebooks", "README.md"):
        print(
            f"note: built from HEAD ({head[:7]}): uncommitted changes to notebooks/ or README.md are left out"
        )

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}  # never the user's index
        git("read-tree", head, env=env)
        modes = {path: line.split()[0] for line, path in tree_entries(head)}
        for path, data in branch_files(head, branch).items():
            blob = git("hash-object", "-w", "--stdin", data=data)
            git("update-index", "--cacheinfo", f"{modes[path]},{blob},{path}", env=env)
        tree = git("write-tree", env=env)
    if parent and git("rev-parse", f"{parent}^{{tree}}") == tree:
        if not tip:
            git("update-ref", "-m", "make student-branch", ref, parent, "")
        print(f"{branch}: already the student versions of {head[:7]} ({parent[:7]})")
        return parent
    subject = git("log", "-1", "--format=%s", head)
    message = (
        f"Student versions of {head[:7]}: {subject}\n\n"
        "Written by tools/assignments.py branch (make student-branch): the notebooks without their\n"
        f"Solution blocks, their badges and Colab clone on this branch. From {head}.\n"
    )
    commit = git("commit-tree", tree, *(["-p", parent] if parent else []), data=message.encode())
    git("update-ref", "-m", "make student-branch", ref, commit, tip or "")  # fails if it moved meanwhile
    return commit


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", choices=["student", "key", "nbgrader", "all", "branch"])
    parser.add_argument("outdir", type=Path, nargs="?", help="where to write (not for branch)")
    parser.add_argument("--no-execute", action="store_true", help="write the key without running it")
    parser.add_argument(
        "--name", default=STUDENT_BRANCH, help="the student branch, written or opened by the badges (student)"
    )
    args = parser.parse_args(argv)
    if args.version == "branch":
        commit = write_branch(args.name)
        print(
            f"{args.name}: {commit[:7]}. Next:\n"
            f"  git push origin {args.name}\n"
            f"  make classroom-link HUB=https://hub.example.edu BRANCH={args.name}   # a JupyterHub\n"
            f"Students on Colab or Binder use the badges of the branch's README and notebooks."
        )
        return
    if args.outdir is None:
        parser.error(f"{args.version} needs OUTDIR, the folder to write into")
    kinds = ["student", "key", "nbgrader"] if args.version == "all" else [args.version]
    for kind in kinds:
        outdir = args.outdir / kind if args.version == "all" else args.outdir
        if args.version == "all" and outdir.exists():
            shutil.rmtree(outdir)
        written = build(kind, outdir, run=not args.no_execute, branch=args.name)
        print(f"{kind}: {len(written)} notebooks in {outdir}")


if __name__ == "__main__":
    main()
