"""make student-branch (tools/assignments.py branch): the student versions as a git branch.

Each test works in a fresh `git clone` of this repository in a temporary folder, with the
working copy of tools/ copied in (uncommitted there, as a user's own edits would be), and
compares the branch with the clone's HEAD through git itself. Quick: one run of the tool
(about 3 s); slow: re-running it, and what it refuses.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as tool  # noqa: E402

REPO = tool.repository()
SOLUTION = re.compile(r"<summary>\s*Solution\s*</summary>")
IDENTITY = {
    "GIT_AUTHOR_NAME": "Teacher",
    "GIT_AUTHOR_EMAIL": "teacher@example.edu",
    "GIT_COMMITTER_NAME": "Teacher",
    "GIT_COMMITTER_EMAIL": "teacher@example.edu",
}

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout to clone")


def git(clone, *args):
    done = subprocess.run(["git", "-C", str(clone), *args], capture_output=True, text=True, check=True)
    return done.stdout


def make_clone(tmp):
    """A clone of this repository whose tools/ are this checkout's (uncommitted in the clone),
    with a staged change and an unstaged notebook edit, as a teacher's work in progress."""
    clone = tmp / "collection"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    for name in ("assignments.py", "notebooks.py", "lesson_plan.py"):
        shutil.copy(ROOT / "tools" / name, clone / "tools" / name)
    (clone / "CONTRIBUTING.md").write_text("staged, not committed\n", encoding="utf-8")
    git(clone, "add", "CONTRIBUTING.md")
    index = clone / "notebooks" / "00_index.ipynb"
    text = index.read_text(encoding="utf-8")
    assert "Check your setup" in text
    index.write_text(text.replace("Check your setup", "Unsaved work"), encoding="utf-8")
    return clone


def user_state(clone):
    """What the user sees: the current branch and commit, the index, the work tree."""
    return {
        "branch": git(clone, "symbolic-ref", "HEAD"),
        "head": git(clone, "rev-parse", "HEAD"),
        "index": git(clone, "ls-files", "--stage"),
        "status": git(clone, "status", "--porcelain"),
        "files": {  # but Python's own byte-code caches
            p: p.read_bytes()
            for p in sorted(clone.rglob("*"))
            if p.is_file() and not {".git", "__pycache__"} & set(p.parts)
        },
    }


def run_tool(clone, *args):
    return subprocess.run(
        [sys.executable, str(clone / "tools" / "assignments.py"), "branch", *args],
        cwd=clone,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        timeout=300,
    )


def tree(clone, ref):
    """``{path: (mode, blob)}`` of the files of ``ref``."""
    entries = {}
    for line in git(clone, "ls-tree", "-r", ref).splitlines():
        meta, path = line.split("\t", 1)
        mode, _, blob = meta.split()
        entries[path] = (mode, blob)
    return entries


def show(clone, ref, path):
    return git(clone, "show", f"{ref}:{path}")


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    clone = make_clone(tmp_path_factory.mktemp("branch"))
    before = user_state(clone)
    run = run_tool(clone)
    assert run.returncode == 0, run.stderr
    return clone, before, run.stdout


def test_prints_the_next_steps(branch):
    _, _, out = branch
    assert "git push origin student" in out
    assert "make classroom-link HUB=" in out and "BRANCH=student" in out
    assert "uncommitted changes" in out  # the unsaved edit of 00 is not in the branch, and it says so


def test_users_branch_index_and_work_tree_are_untouched(branch):
    clone, before, _ = branch
    assert user_state(clone) == before
    assert git(clone, "rev-parse", "--verify", "refs/heads/student")  # the branch exists beside them
    assert {"M  CONTRIBUTING.md", " M notebooks/00_index.ipynb"} <= set(before["status"].splitlines())


def test_no_solution_in_any_notebook_or_twin_of_the_branch(branch):
    clone, _, _ = branch
    notebooks = [
        p for p in tree(clone, "HEAD") if re.fullmatch(r"notebooks/(sources/)?\d\d_\w+\.(ipynb|md)", p)
    ]
    assert len(notebooks) == 20
    with_solutions = [p for p in notebooks if SOLUTION.search(show(clone, "HEAD", p))]
    assert len(with_solutions) >= 16, (
        "HEAD's notebooks and twins have Solution blocks: else this proves nothing"
    )
    for path in notebooks:
        text = show(clone, "student", path)
        assert not SOLUTION.search(text), path
    # a line only a solution has: 01's mean squared error written out (the starter has a TODO there)
    head_01 = show(clone, "HEAD", "notebooks/sources/01_loss_function.md")
    assert "np.mean(residuals ** 2)" in head_01
    assert "np.mean(residuals ** 2)" not in show(clone, "student", "notebooks/sources/01_loss_function.md")


def test_every_other_file_is_heads_byte_for_byte(branch):
    clone, _, _ = branch
    head, student = tree(clone, "HEAD"), tree(clone, "student")
    assert set(student) == set(head)  # nothing added or removed
    changed = {path for path in head if head[path] != student[path]}
    notebooks = {p for p in head if re.fullmatch(r"notebooks/\d\d_\w+\.ipynb", p)}
    twins = {f"notebooks/sources/{Path(p).stem}.md" for p in notebooks}
    assert changed == notebooks | twins | {"README.md"}
    assert all(student[p][0] == head[p][0] for p in changed)  # same file modes


def test_badges_links_and_colab_clone_open_the_branch(branch):
    clone, _, _ = branch
    for path in tree(clone, "student"):
        if not re.fullmatch(r"notebooks/\d\d_\w+\.ipynb", path):
            continue
        name = Path(path).name
        nb = nbformat.reads(show(clone, "student", path), as_version=4)
        nbformat.validate(nb)
        badges = [c.source for c in nb.cells if "badges" in c.metadata.get("tags", [])]
        assert len(badges) == 1
        assert f"(https://colab.research.google.com/github/{REPO}/blob/student/notebooks/{name})" in badges[0]
        assert f"(https://mybinder.org/v2/gh/{REPO}/student?urlpath=lab/tree/notebooks/{name})" in badges[0]
        text = "\n".join(c.source for c in nb.cells)
        assert not re.search(rf"{REPO}/(blob/main|HEAD\?)", text), name
        setup = [c.source for c in nb.cells if "setup" in c.metadata.get("tags", [])]
        assert len(setup) == 1 and '"--depth", "1", "--branch", "student",' in setup[0]
        # the twin is the notebook's text, as tools/notebooks.py sync would write it
        assert show(clone, "student", f"notebooks/sources/{Path(path).stem}.md") == tool.text_source(nb)
    readme = show(clone, "student", "README.md")
    assert "This is the `student` branch" in readme and "not for\n> development" in readme
    assert f"https://mybinder.org/v2/gh/{REPO}/student?urlpath=lab/tree/notebooks/00_index.ipynb" in readme
    assert f"https://colab.research.google.com/github/{REPO}/blob/student/notebooks/00_index.ipynb" in readme
    # the rest of the README is HEAD's, the two badges moved to the branch
    expected = show(clone, "HEAD", "README.md")
    expected = expected.replace(f"{REPO}/HEAD?", f"{REPO}/student?").replace("/blob/main/", "/blob/student/")
    assert re.sub(r"\n(> .*\n)+\n", "\n", readme, count=1) == expected


def test_branch_has_its_own_history(branch):
    """main is not a parent: a mistaken `git merge student` into main is refused by git."""
    clone, _, _ = branch
    assert git(clone, "rev-list", "--count", "student").strip() == "1"
    done = subprocess.run(
        ["git", "-C", str(clone), "merge-base", "HEAD", "student"], capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout == ""  # no common ancestor


def test_setup_cell_on_colab_clones_the_branch(branch, run_as_colab):
    """The branch's setup cell as Colab runs it (a fake google.colab, git told to fetch the
    repository's URL from the clone): it clones the student branch, whose notebooks hold no
    solution, and imports the collection from it."""
    clone, _, _ = branch
    nb = nbformat.reads(show(clone, "student", "notebooks/01_loss_function.ipynb"), as_version=4)
    setup = next(c.source for c in nb.cells if "setup" in c.metadata.get("tags", []))
    run, content = run_as_colab(f"https://github.com/{REPO}.git", clone, setup + "\nprint(lc.__file__)\n")
    assert run.returncode == 0, run.stderr
    fetched = content / REPO.split("/")[1]
    assert run.stdout == f"{fetched / 'linreg_core.py'}\n"
    assert git(fetched, "rev-parse", "--abbrev-ref", "HEAD") == "student\n"
    assert not SOLUTION.search((fetched / "notebooks" / "01_loss_function.ipynb").read_text(encoding="utf-8"))


@pytest.mark.slow  # three runs of the tool, about 7 s
def test_rerun_adds_one_commit_on_the_tip_and_none_when_nothing_changed(tmp_path):
    clone = make_clone(tmp_path)
    assert run_tool(clone).returncode == 0
    first = git(clone, "rev-parse", "student").strip()
    # the teacher fixes a typo in a notebook on their branch and commits it
    path = clone / "notebooks" / "02_derivatives.ipynb"
    git(clone, "checkout", "--", "notebooks/00_index.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nA sentence added after the first run."
    nbformat.write(nb, path)
    git(clone, "-c", "user.name=Teacher", "-c", "user.email=t@example.edu", "commit", "--quiet", "-m", "new",
        "notebooks/02_derivatives.ipynb")  # fmt: skip
    state = user_state(clone)
    run = run_tool(clone)
    assert run.returncode == 0, run.stderr
    second = git(clone, "rev-parse", "student").strip()
    assert git(clone, "rev-parse", "student^").strip() == first  # one commit, on the previous tip
    assert git(clone, "rev-list", "--count", "student").strip() == "2"
    assert "A sentence added after the first run." in show(clone, "student", "notebooks/02_derivatives.ipynb")
    assert user_state(clone) == state
    # run again with nothing new: the branch stays where it is
    run = run_tool(clone)
    assert run.returncode == 0 and "already" in run.stdout
    assert git(clone, "rev-parse", "student").strip() == second


@pytest.mark.slow  # two runs of the tool, about 4 s
def test_a_fresh_clone_continues_the_pushed_branch(tmp_path):
    """On another machine, the clone has only origin/student: the new commit goes on top of it,
    so that `git push origin student` is a fast-forward."""
    first = make_clone(tmp_path / "a")
    assert run_tool(first).returncode == 0
    pushed = git(first, "rev-parse", "student").strip()
    clone = tmp_path / "b"
    subprocess.run(["git", "clone", "--quiet", str(first), str(clone)], check=True)
    for name in ("assignments.py", "notebooks.py", "lesson_plan.py"):
        shutil.copy(ROOT / "tools" / name, clone / "tools" / name)
    path = clone / "notebooks" / "03_update_rule.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nA sentence from the other machine."
    nbformat.write(nb, path)
    git(clone, "-c", "user.name=T", "-c", "user.email=t@example.edu", "commit", "-qm", "new", str(path))
    assert subprocess.run(["git", "-C", str(clone), "rev-parse", "--verify", "-q", "refs/heads/student"],
                          capture_output=True).returncode == 1  # fmt: skip
    run = run_tool(clone)
    assert run.returncode == 0, run.stderr
    assert git(clone, "rev-parse", "student^").strip() == pushed
    assert "from the other machine" in show(clone, "student", "notebooks/03_update_rule.ipynb")


@pytest.mark.slow  # three runs of the tool, about 5 s
def test_refuses_a_checked_out_branch_and_a_bad_name(tmp_path):
    """Moving a branch that a work tree has checked out would leave that work tree out of step."""
    clone = make_clone(tmp_path)
    git(clone, "branch", "student")
    tip = git(clone, "rev-parse", "student")
    bad = run_tool(clone, "--name", "no spaces")
    assert bad.returncode != 0 and "not a valid branch name" in bad.stderr and "Traceback" not in bad.stderr
    git(clone, "worktree", "add", "--quiet", str(tmp_path / "other"), "student")
    busy = run_tool(clone)
    assert busy.returncode != 0 and "is checked out" in busy.stderr and "Traceback" not in busy.stderr
    git(clone, "worktree", "remove", str(tmp_path / "other"))
    git(clone, "checkout", "--quiet", "--force", "--detach", "student")  # HEAD on the branch itself, detached
    again = run_tool(clone)
    assert again.returncode != 0 and "HEAD is a commit of 'student'" in again.stderr
    assert git(clone, "rev-parse", "student") == tip
