"""The notebooks as files: executed, clean, consistent, and renderable on GitHub.

(Running them is nbval's job: `pytest --nbval notebooks`.)
"""

import getpass
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

PATHS = tool.notebook_paths()
REPO = tool.repository()
EXPECTED = [
    "00_index",
    "01_loss_function",
    "02_derivatives",
    "03_update_rule",
    "04_full_training",
    "05_classic_code_bugs",
    "06_learning_rate_and_scaling",
    "07_closed_form_and_multiple_features",
    "08_sgd_and_minibatch",
    "09_exit_ticket",
]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def cells_tagged(nb, tag):
    return [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_collection_is_complete():
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_executed_top_to_bottom_without_errors(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        "run `make notebooks` to execute it on a fresh kernel"
    )
    for i, cell in enumerate(code, 1):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i} saved an error"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"cell {i} saved stderr: {''.join(out['text'])[:200]}"
            )


#: The login name, if it is long enough and rare enough ("root" is also an ordinary word) to
#: tell apart from a lesson's text.
USER = getpass.getuser() if len(getpass.getuser()) >= 4 and getpass.getuser() != "root" else None
#: Text that would show where, when or by whom a notebook was run: absolute paths, an
#: environment's folders, wall-clock timings ("0.42 s", "12 ms"), the login name.
MACHINE = re.compile(
    r"/(home|root|work|tmp|Users|opt|srv|usr)/|[A-Z]:\\[A-Za-z]|site-packages|\.venv[/\\]|"
    r"\b\d+(\.\d+)? ?(s|ms|µs|us|ns|sec|seconds)\b" + (rf"|\b{re.escape(USER)}\b" if USER else "")
)


def output_texts(nb):
    """(code cell number, text) for every text an output shows."""
    for i, cell in enumerate((c for c in nb["cells"] if c["cell_type"] == "code"), 1):
        for out in cell["outputs"]:
            texts = [out.get("text", ""), out.get("traceback", [])] + list(
                out.get("data", {}).get(k, "") for k in ("text/plain", "text/html")
            )
            yield i, "".join("".join(t) if isinstance(t, list) else t for t in texts)


def machine_traces(nb):
    """Each place where an output shows the machine, with some context."""
    return [
        f"code cell {i}: {text[max(0, found.start() - 40) : found.end() + 40]!r}"
        for i, text in output_texts(nb)
        for found in MACHINE.finditer(text)
    ]


def test_the_machine_pattern_finds_what_it_must():
    """The check below can fail: paths, environments and timings are found, lessons are not."""
    for trace in (
        "/home/ana/linreg/.venv/bin/python",
        "C:\\Users\\ana",
        "took 0.42 s",
        "12 ms per epoch",
        ".venv/bin",
    ):
        assert MACHINE.search(trace), trace
    for lesson in ("MSE = 5.2, m = 2.00", "3 epochs, lr = 0.01", "x / 10 in metres", "the project's .venv"):
        assert not MACHINE.search(lesson), lesson


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_outputs_hold_nothing_of_the_machine(path):
    assert machine_traces(load(path)) == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_renders_on_github(path):
    """nbformat-valid, and widget metadata (if any) has the 'state' key GitHub requires."""
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.read(path, as_version=4))
    widgets = load(path)["metadata"].get("widgets")
    if widgets is not None:
        assert "state" in widgets["application/vnd.jupyter.widget-state+json"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_setup_badges_and_links_derive_from_one_repository(path):
    nb = load(path)
    setup = cells_tagged(nb, "setup")
    assert len(setup) == 1 and setup == [c for c in nb["cells"] if c["cell_type"] == "code"][:1]
    assert source(setup[0]) == tool.SETUP.format(repository=REPO)
    badges = cells_tagged(nb, "badges")
    assert [source(c) for c in badges] == [tool.badges(REPO, path.name)]
    assert tool.colab_url(REPO, path.name) in source(badges[0])
    assert tool.binder_url(REPO, path.name) in source(badges[0])
    navs = cells_tagged(nb, "nav")
    assert navs and all(source(c) == tool.nav(PATHS, PATHS.index(path)) for c in navs)
    # No other repository is named anywhere in the notebook.
    for cell in nb["cells"]:
        for owner_name in re.findall(r"github(?:\.com)?/([\w-]+/[\w.-]+)", source(cell)):
            owner_name = owner_name.removesuffix(".git")
            assert owner_name == REPO, f"{path.name} names {owner_name}, not {REPO}"


def test_readme_badges_use_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tool.binder_url(REPO, "00_index.ipynb") in readme
    assert tool.colab_url(REPO, "00_index.ipynb") in readme


@pytest.mark.parametrize("name", ["README.md", "docs/classroom.md"])
def test_documents_name_only_the_one_repository(name):
    """Badges and clone commands (links to other projects, e.g. nbval, are fine)."""
    text = (ROOT / name).read_text(encoding="utf-8")
    ours = re.findall(
        r"(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/([\w-]+/[\w.-]+)"
        r"|github\.com/([\w-]+/[\w.-]+)\.git",
        text,
    )
    assert ours, f"{name} has no badge or clone command to check"
    for owner_name in ("".join(match) for match in ours):
        assert owner_name == REPO, f"{name} names {owner_name}"


def test_local_links_point_to_existing_files():
    for path in PATHS:
        for cell in load(path)["cells"]:
            if cell["cell_type"] == "markdown":
                for target in re.findall(r"\]\(([^)#:]+?)(?:#[^)]*)?\)", source(cell)):
                    assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_ci_and_github_run_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test " in readme or "make test\n" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    assert "run: make test" in workflow


def test_setup_cell_on_colab_fetches_the_collection_once(run_as_colab):
    """The setup cell as Colab runs it: a fake ``google.colab`` module, a bare working
    directory (Colab's /content), and git told to fetch the repository's URL from this
    checkout instead of GitHub. The code and data must arrive and import, silently."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to clone from")
    cell = tool.SETUP.format(repository=REPO) + "\n"
    check = "x, y = lc.load_xy('classic.csv')\nprint(lc.__file__, len(x))\n"
    # Run the cell twice in one process, as a student re-running it would.
    run, content = run_as_colab(f"https://github.com/{REPO}.git", ROOT, cell + cell + check)
    assert run.returncode == 0, run.stderr
    clone = content / REPO.split("/")[1]
    assert run.stdout == f"{clone / 'linreg_core.py'} 200\n"  # nothing else printed
    assert run.stderr == ""


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_text_twin_agrees_with_the_notebook(path):
    """notebooks/sources/NN.md is exactly the notebook's cells, and reads back to the same cells."""
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    md = tool.source_path(path)
    assert md.exists(), f"{md.name} is missing: run `make notebooks`"
    nb = nbformat.read(path, as_version=4)
    assert md.read_text(encoding="utf-8") == tool.text_source(nb), "run `make notebooks` to sync"
    back = jupytext.read(md, fmt="md:myst")
    assert [(c.cell_type, c.source) for c in back.cells] == [(c.cell_type, c.source) for c in nb.cells]


def test_an_edited_text_twin_wins_and_keeps_the_other_outputs(tmp_path, monkeypatch):
    """The sync rule on a copy: a newer .md replaces the cells; unchanged code keeps its outputs."""
    import os
    import shutil

    notebooks = tmp_path / "notebooks"
    (notebooks / "sources").mkdir(parents=True)
    for path in PATHS:
        shutil.copy(path, notebooks / path.name)
        shutil.copy(tool.source_path(path), notebooks / "sources" / f"{path.stem}.md")
    monkeypatch.setattr(tool, "NOTEBOOKS", notebooks)
    md = notebooks / "sources" / "02_derivatives.md"
    text = md.read_text(encoding="utf-8")
    edited = text.replace("## Learning goals", "## Learning goals (edited as text)", 1)
    assert edited != text
    md.write_text(edited, encoding="utf-8")
    stamp = (notebooks / "02_derivatives.ipynb").stat().st_mtime
    os.utime(md, (stamp + 10, stamp + 10))
    tool.sync()
    nb = load(notebooks / "02_derivatives.ipynb")
    assert any("(edited as text)" in source(c) for c in nb["cells"])
    old = load(PATHS[2])
    assert [c.get("outputs") for c in nb["cells"]] == [c.get("outputs") for c in old["cells"]]
    assert md.read_text(encoding="utf-8") == edited


def fresh_clone(folder):
    """What a clone holds for the notebooks to run: the modules, the data, the two files that
    notebook 00's setup check reads, and the notebooks. Copied, not linked, so no path leads
    back to this checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for item in [*ROOT.glob("linreg_*"), ROOT / "data", ROOT / "requirements.txt", ROOT / "pyproject.toml"]:
        if item.is_dir():
            shutil.copytree(item, folder / item.name, ignore=ignore)
        else:
            shutil.copy(item, folder / item.name)
    (folder / "notebooks").mkdir()
    for path in PATHS:
        shutil.copy(path, folder / "notebooks" / path.name)
    return [folder / "notebooks" / path.name for path in PATHS]


def all_but_pictures(text):
    """A saved notebook with each picture's bytes left out, and the digits of outputs that nbval
    does not compare (cells marked NBVAL_IGNORE_OUTPUT say why theirs vary between machines)."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        ignored = "NBVAL_IGNORE_OUTPUT" in source(cell)
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out["data"]["image/png"] = "(picture)"
            if ignored and "text" in out:
                out["text"] = re.sub(r"\d+", "0", "".join(out.get("text", "")))
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True)


@pytest.mark.slow  # executes every notebook once in a kernel: about a minute
def test_reexecuting_the_collection_elsewhere_changes_only_picture_bytes(tmp_path):
    """`make notebooks` in a fresh clone, in a folder with a space and an accent, saves what is
    committed: same cells, outputs, ids and metadata. Only the pictures' bytes may differ (their
    last bits depend on the CPU), so this holds on any machine."""
    clone = tmp_path / "another clone, déjà vu"
    clone.mkdir()
    copies = fresh_clone(clone)
    tool.execute(copies)
    for path, copy in zip(PATHS, copies):
        saved, again = path.read_text(encoding="utf-8"), copy.read_text(encoding="utf-8")
        assert again.count('"image/png"') == saved.count('"image/png"'), path.name
        assert all_but_pictures(again) == all_but_pictures(saved), f"{path.name}: run `make notebooks`"


@pytest.mark.slow  # executes notebook 00 in a kernel
def test_index_run_by_plain_nbclient_shows_nothing_of_the_machine(tmp_path):
    """nbconvert --execute keeps every output, even those `make notebooks` drops (cells tagged
    ``machine``): the setup check must still say in words where it runs, with no path."""
    from nbclient import NotebookClient
    from nbformat import read

    clone = tmp_path / "a clone"
    clone.mkdir()
    index = fresh_clone(clone)[0]
    nb = read(index, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(index.parent)}}
    ).execute()
    assert machine_traces(nb) == []
    (check,) = cells_tagged(nb, "machine")
    shown = "".join("".join(out.get("text", "")) for out in check["outputs"])
    assert "This notebook's kernel runs in " in shown, shown


def run_setup_check(monkeypatch, capsys, **versions):
    """Run notebook 00's setup check (its cell tagged ``machine``) here, with some versions
    replaced, e.g. ``matplotlib="3.7.1"``, and return what it prints."""
    import platform
    import sys

    import ipywidgets
    import matplotlib
    import numpy as np
    import pandas as pd

    import linreg_core as lc

    modules = {"numpy": np, "pandas": pd, "matplotlib": matplotlib, "ipywidgets": ipywidgets}
    for name, fake in versions.items():
        if name == "Python":
            monkeypatch.setattr(platform, "python_version", lambda fake=fake: fake)
        else:
            monkeypatch.setattr(modules[name], "__version__", fake)
    (check,) = cells_tagged(load(PATHS[0]), "machine")
    exec(source(check), {"lc": lc, "np": np, "sys": sys, "Path": Path})
    return capsys.readouterr().out


#: The lower bounds requirements.txt promises, written out here as the promise to keep.
FLOORS = {"Python": "3.10", "numpy": "1.24", "pandas": "1.5", "matplotlib": "3.7.2", "ipywidgets": "7.7"}


def test_setup_check_states_the_floors_and_finds_this_kernel_new_enough(monkeypatch, capsys):
    shown = run_setup_check(monkeypatch, capsys)
    for name, floor in FLOORS.items():
        assert re.search(rf"^{name} +\S+ +ok \(needs {re.escape(floor)} or newer\)$", shown, re.M), shown
    assert "This notebook's kernel runs in " in shown
    assert shown.rstrip().endswith("new enough.") or "ipywidgets 7 may not draw" in shown
    assert machine_traces({"cells": [{"cell_type": "code", "outputs": [{"text": shown}]}]}) == []


@pytest.mark.parametrize(
    "versions",
    [
        {"matplotlib": "3.6.3"},  # the old floor: no legend loc "outside ...", no RcParams._get
        {"matplotlib": "3.7.1"},  # symlog warnings
        {"numpy": "1.23.5", "pandas": "1.4.4"},
        {"ipywidgets": "7.6.5"},
        {"Python": "3.9.18"},
    ],
    ids=lambda versions: "-".join(f"{k} {v}" for k, v in versions.items()),
)
def test_setup_check_refuses_versions_below_the_floors(monkeypatch, capsys, versions):
    shown = run_setup_check(monkeypatch, capsys, **versions)
    assert "new enough" not in shown
    for name, fake in versions.items():
        assert re.search(
            rf"^{name} +{re.escape(fake)} +TOO OLD \(needs {re.escape(FLOORS[name])} ", shown, re.M
        )
    if set(versions) - {"Python"}:
        assert '%pip install -r "' in shown and "requirements.txt" in shown
    if "Python" in versions:
        assert "make the environment again with Python 3.10 or newer" in shown
    assert machine_traces({"cells": [{"cell_type": "code", "outputs": [{"text": shown}]}]}) == []


def tool_version(text):
    """'1.24' -> (1, 24)."""
    return tuple(int(part) for part in text.split("."))


def requirement_floors(text):
    """{'numpy': '1.24', ...}: each ``name>=version`` of a requirements file."""
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)>=([0-9.]+)", text, re.M))


def test_minimum_stack_pins_every_lower_bound_at_its_lowest_release():
    """constraints-minimum.txt (make test-minimum) installs exactly the floors requirements.txt
    promises: 'numpy>=1.24' is tested as numpy 1.24.0, never as a later 1.24.x."""
    floors = requirement_floors((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    pins = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==([0-9.]+)", (ROOT / "constraints-minimum.txt").read_text(), re.M)
    )
    assert {name: floor for name, floor in floors.items() if name in FLOORS} == {
        name: floor for name, floor in FLOORS.items() if name != "Python"
    }
    for name, floor in floors.items():
        assert name in pins, f"constraints-minimum.txt does not pin {name} (requirements.txt: >={floor})"
        lowest = tool_version(floor) + (0,) * (3 - len(tool_version(floor)))
        assert tool_version(pins[name]) == lowest, f"{name}=={pins[name]}, but the floor is {floor}"
    python = re.search(r'requires-python = ">=([0-9.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert python == FLOORS["Python"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"PYTHON_BINDER ?= $(call find_python,{python})" in makefile
    assert "-c constraints-minimum.txt" in makefile


def test_committed_outputs_are_the_static_ones():
    """Saved as `make notebooks` saves them: pictures for explorers, stable ids, no widget state."""
    for path in PATHS:
        text = path.read_text(encoding="utf-8")
        assert tool.static_outputs(text, path.name) == text, f"{path.name}: run `make notebooks`"


EXPLORER_CELL = re.compile(r"\blw\.\w+Explorer\(")


def explorer_cells(path):
    return [c for c in load(path)["cells"] if c["cell_type"] == "code" and EXPLORER_CELL.search(source(c))]


def shown_outputs(cell):
    return [o for o in cell.get("outputs", []) if o["output_type"] in ("display_data", "execute_result")]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_explorer_is_saved_as_a_picture(path):
    """Before a kernel runs, an explorer's place shows the picture of its first frame."""
    explorers = [
        c for c in load(path)["cells"] if c["cell_type"] == "code" and EXPLORER_CELL.search(source(c))
    ]
    assert explorers or path.stem in (
        "05_classic_code_bugs",
        "07_closed_form_and_multiple_features",
        "09_exit_ticket",
    )
    for cell in explorers:
        outputs = shown_outputs(cell)
        assert [set(o["data"]) for o in outputs] == [{"image/png", "text/plain"}], source(cell)[:80]
    assert "widgets" not in load(path)["metadata"]


@pytest.mark.slow  # nbconvert renders every notebook to HTML: about 3 s in all
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_github_and_nbviewer_show_every_picture(path):
    """nbconvert's HTML (what GitHub and nbviewer show), with every script stripped as GitHub does,
    has one picture per saved PNG: the static figures and one per explorer."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_filename(str(path))
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
    pictures = len(re.findall(r"<img\b[^>]*src=\"data:image/png;base64,", html))
    saved = sum("image/png" in o["data"] for c in load(path)["cells"] for o in shown_outputs(c))
    explorers = sum(
        bool(EXPLORER_CELL.search(source(c))) for c in load(path)["cells"] if c["cell_type"] == "code"
    )
    assert pictures == saved >= explorers
