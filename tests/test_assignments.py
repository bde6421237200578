"""make assignments (tools/assignments.py): student versions, the answer key, nbgrader's course.

Quick: what each version holds, read from the files (no solution text for students, the
starters, outputs and pictures kept, every graded exercise with its test), the guard against the
library's own answers. Slow: the student versions run top to bottom, and a real nbgrader round
trip (generate_assignment, then autograde) gives the key full marks and typical wrong
submissions less, each with its own hint in the failing test.
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import linreg_core as lc
import linreg_exercises as ex
from linreg_exercises.engine import library_shortcuts

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb"))
SOLUTION_BLOCK = re.compile(r"<details>\s*<summary>\s*Solution\s*</summary>(.*?)</details>", re.S)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The three versions of every notebook, the key not executed (the slow tests run it)."""
    out = tmp_path_factory.mktemp("assignments")
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "assignments.py"), "all", str(out), "--no-execute"],
        check=True,
        capture_output=True,
    )
    return out


def read(path):
    return nbformat.read(path, as_version=4)


def cells_with(nb, kind):
    """Cells with nbgrader metadata: ``"answer"`` (autograded answers) or ``"test"`` (graded tests)."""
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") is (kind == "test")]


def solution_lines(nb):
    """Lines of the notebook's Solution blocks that appear nowhere else in it: the text a student
    version must not contain (code lines and inline code, at least 8 characters)."""
    text = "\n".join(c.source for c in nb.cells)
    blocks = SOLUTION_BLOCK.findall(text)
    elsewhere = SOLUTION_BLOCK.sub("", text)
    found = set()
    for block in blocks:
        for fence in re.findall(r"```python\n(.*?)```", block, re.S):
            found.update(line.strip() for line in fence.splitlines())
        found.update(re.findall(r"`([^`\n]+)`", block))
    return {line for line in found if len(line) >= 8 and line not in elsewhere}


# --------------------------------------------------------------------------
# What each version holds
# --------------------------------------------------------------------------


def test_every_notebook_has_three_versions(built):
    for path in NOTEBOOKS:
        assert (built / "student" / path.name).is_file()
        assert (built / "key" / path.name).is_file()
        assert (built / "nbgrader" / "source" / path.stem / path.name).is_file()
    config = (built / "nbgrader" / "nbgrader_config.py").read_text()
    assert "c.ClearSolutions.enabled = False" in config and "c.ClearOutput.enabled = False" in config


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_solution_text_in_student_files(built, path):
    secrets = solution_lines(read(path))
    if SOLUTION_BLOCK.search(path.read_text()):
        assert secrets, "the solution lines were not found: the test would pass for nothing"
    for student_file in (
        built / "student" / path.name,
        built / "nbgrader" / "source" / path.stem / path.name,
    ):
        raw = student_file.read_text()
        text = "\n".join(c.source for c in read(student_file).cells)
        assert "<summary>Solution" not in raw
        leaked = sorted(line for line in secrets if line in text)
        assert not leaked, f"{student_file.name} shows solution lines: {leaked}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_student_version_keeps_starters_outputs_and_pictures(built, path):
    original, student = read(path), read(built / "student" / path.name)
    code = [c for c in original.cells if c.cell_type == "code"]
    tests = cells_with(student, "test")
    kept = [c for c in student.cells if c.cell_type == "code" and c not in tests]
    # every code cell as it was, but the setup cell's Colab clone, which takes the student branch
    clone = '"--depth", "1",'
    assert [c.source for c in kept[1:]] == [c.source for c in code[1:]]
    assert kept[0].source == code[0].source.replace(clone, f'{clone} "--branch", "student",')
    assert kept[0].source != code[0].source
    badges = "".join(c.source for c in student.cells if "badges" in c.metadata.get("tags", []))
    assert f"/blob/student/notebooks/{path.name})" in badges and "/blob/main/" not in badges
    assert [c.outputs for c in kept] == [c.outputs for c in code]  # with its outputs
    pictures = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert pictures == sum("image/png" in o.get("data", {}) for c in kept for o in c.outputs)
    for test in tests:  # only the comment nbgrader's release leaves
        assert test.source == assignments.TEST_COMMENT


def test_graded_and_formative_exercises(built):
    """The exercises where students write code are graded; predict-first ones are not."""
    graded = {}
    for path in NOTEBOOKS:
        tests = cells_with(read(built / "key" / path.name), "test")
        graded[path.name[:2]] = [t.metadata["nbgrader"]["grade_id"] for t in tests]
    assert {"check_low_loss", "check_mse"} <= set(graded["01"])
    assert "check_gradients" in graded["02"] and "check_gradients" in graded["05"]
    assert {"check_step", "check_learning_rate"} <= set(graded["03"])
    assert "check_training_loop" not in graded["03"]  # "(in class)": typed along with the teacher
    assert "check_exit_loop" in graded["09"]  # the same loop, alone, is graded in the exit ticket
    assert {"check_test_scores", "check_trained_model"} <= set(graded["04"])
    assert graded["04"].count("check_test_scores") == 1  # exercise 4 (bill length); exercise 1 is in class
    for nb in ("06", "07", "08"):
        assert graded[nb], f"notebook {nb} has no graded exercise"
    everything = " ".join(name for names in graded.values() for name in names)
    assert "prediction" not in everything  # check_mse_prediction, check_sign_prediction, …


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_key_fills_every_answer_and_keeps_the_solutions(built, path):
    key = read(built / "key" / path.name)
    answers, tests = cells_with(key, "answer"), cells_with(key, "test")
    assert answers and len(tests) >= 1
    for cell in answers:
        assert "TODO" not in cell.source, cell.source
    for cell in tests:
        call = re.search(r"feedback = (ex\.check_\w+\(.*\))\nassert feedback, feedback\.message", cell.source)
        assert call and assignments.BEGIN_TESTS in cell.source, cell.source
    assert len(SOLUTION_BLOCK.findall(path.read_text())) == len(
        re.findall(r"<details open>\s*<summary>\s*Solution", "\n".join(c.source for c in key.cells))
    )


def test_fill_replaces_only_what_the_solution_defines():
    starter = (
        "def fixed(x):\n    # TODO: fix it\n    return x * 2\n\n"
        "total = 0\nfor v in [1, 2]:\n    total += fixed(v)\nlr = 1e-6  # TODO: better\n"
    )
    solution = "def fixed(x):\n    return x + 1\nlr = 0.01\n"
    namespace = {}
    exec(assignments.filled(starter, solution), namespace)
    assert namespace["fixed"](1) == 2 and namespace["total"] == 5 and namespace["lr"] == 0.01
    # an answer picked with the sliders: the first inline assignment to each starter name
    block = "Any line close to the star works, e.g. `my_m = 0.99` and `my_b = 4.9`; or `my_m = 1.05`."
    assert assignments.solution_code(block, {"my_m", "my_b"}) == "my_m = 0.99\nmy_b = 4.9"


# --------------------------------------------------------------------------
# The guard: the library's own answer is not accepted
# --------------------------------------------------------------------------


def test_library_shortcuts_are_found_however_written():
    from linreg_core import mse

    def helper(y, p):
        return lc.mse(y, p)

    def through_helper(y, p):
        return helper(y, p)

    def imported(y, p):
        return mse(y, p)

    def nested(y, p):
        return (lambda: lc.mse(y, p))()

    for function in (lc.mse, imported, through_helper, nested, lambda y, p: lc.mse(y, p)):
        assert library_shortcuts(function, [lc.mse]) == ["lc.mse"], function
    assert library_shortcuts(lambda y, p: np.mean((y - p) ** 2), [lc.mse]) == []
    assert library_shortcuts(lambda y, p: lc.predict(y, 1, 0), [lc.mse]) == []


def test_shortcut_answers_are_refused_kindly():
    for checker, shortcut, name in [
        (ex.check_mse, lambda y, y_pred: lc.mse(y, y_pred), "lc.mse"),
        (ex.check_gradients, lambda x, y, m, b: lc.gradients(x, y, m, b), "lc.gradients"),
        (ex.check_step, lc.step, "lc.step"),
        (ex.check_unstandardize, lc.unstandardize, "lc.unstandardize"),
    ]:
        feedback = checker(shortcut)
        assert not feedback and f"uses `{name}`" in feedback.message and "yourself" in feedback.message

    def loop(x, y, lr, epochs):
        m, b = 0.0, 0.0
        for _ in range(epochs):
            m, b = lc.step(x, y, m, b, lr)
        return m, b

    assert "uses `lc.step`" in ex.check_training_loop(loop).message


# --------------------------------------------------------------------------
# Slow: run the student versions; grade with nbgrader
# --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_student_version_runs_top_to_bottom(built, path):
    from nbclient import NotebookClient

    nb = read(built / "student" / path.name)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def _answer(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _edited(nb, grade_id, old=None, new=None, source=None):
    """A copy of ``nb`` with one answer cell changed: ``old`` replaced by ``new``, or all of it."""
    nb = copy.deepcopy(nb)
    cell = _answer(nb, grade_id)
    if source is not None:
        cell.source = source
    else:
        assert old in cell.source, f"the key's {grade_id} has changed: update this wrong submission"
        cell.source = cell.source.replace(old, new)
    return nb


#: Typical wrong submissions: (notebook, student, answer cell, edit, the test that fails, its hint).
WRONG = [
    ("01", "mse_sum", "check_mse_answer", {"old": "np.mean(residuals ** 2)", "new": "np.sum(residuals ** 2)"},
     "check_mse", "forgot to divide by n"),
    ("01", "mse_shortcut", "check_mse_answer",
     {"source": "def my_mse(y, y_pred):\n    return lc.mse(y, y_pred)\n"},
     "check_mse", "uses `lc.mse`"),
    ("02", "gradients_shortcut", "check_gradients_answer",
     {"source": "def my_gradients(x, y, m, b):\n    return lc.gradients(x, y, m, b)\n"},
     "check_gradients", "uses `lc.gradients`"),
    ("03", "step_flipped_sign", "check_step_answer",
     {"old": "- lr * d", "new": "+ lr * d"},  # both steps uphill
     "check_step", "subtract it"),
    ("03", "step_shortcut", "check_step_answer",
     {"source": "def my_step(x, y, m, b, lr):\n    return lc.step(x, y, m, b, lr)\n"},
     "check_step", "uses `lc.step`"),
    ("09", "loop_flipped_sign", "check_exit_loop_answer",
     {"old": "- lr * d", "new": "+ lr * d"},  # the exit ticket's loop: both steps uphill
     "check_exit_loop", "subtract it"),
]  # fmt: skip


@pytest.mark.slow
def test_nbgrader_round_trip(built, tmp_path):
    """generate_assignment makes the student version; autograde gives the key full marks and each
    typical wrong submission less, its failing test showing the checker's specific hint."""
    pytest.importorskip("nbgrader", reason="nbgrader is in requirements-dev.txt: make .venv/.stamp-dev")
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(built / "nbgrader", course)
    for name in [*ROOT.glob("linreg_*"), ROOT / "data"]:  # the modules and packages, the data
        (course / name.name).symlink_to(name)  # the setup cell finds linreg_core above the notebook
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def nbgrader(*args):
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def submit(student, path, nb):
        target = course / "submitted" / student / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)

    for path in NOTEBOOKS:
        nbgrader("generate_assignment", path.stem, "--force")
        release = read(course / "release" / path.stem / path.name)
        student = read(built / "student" / path.name)
        assert [c.source for c in release.cells] == [c.source for c in student.cells]
        assert [c.get("outputs") for c in release.cells] == [c.get("outputs") for c in student.cells]
        key = read(built / "key" / path.name)
        submit("key", path, key)
        for number, name, grade_id, edit, _, _ in WRONG:
            if path.name.startswith(number):
                submit(name, path, _edited(key, grade_id, **edit))
        nbgrader("autograde", path.stem, "--create", "--force")

    def failures(student, path):
        """``{test: error message}`` of the autograded notebook's failing tests."""
        nb = read(course / "autograded" / student / path.stem / path.name)
        return {
            cell.metadata["nbgrader"]["grade_id"]: output.evalue
            for cell in cells_with(nb, "test")
            for output in cell.outputs
            if output.output_type == "error"
        }

    report = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for path in NOTEBOOKS:
            submission = gradebook.find_submission(path.stem, "key")
            report.append(f"{path.stem} key: {submission.score:g}/{submission.max_score:g}")
            assert submission.max_score >= 1 and submission.score == submission.max_score, failures(
                "key", path
            )
        for number, name, _, _, test, hint in WRONG:
            path = next(p for p in NOTEBOOKS if p.name.startswith(number))
            submission = gradebook.find_submission(path.stem, name)
            failed = failures(name, path)
            report.append(f"{path.stem} {name}: {submission.score:g}/{submission.max_score:g}: {failed}")
            assert submission.score < submission.max_score
            assert list(failed) == [test] and hint in failed[test], failed
    (tmp_path / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print("\n".join(report))
