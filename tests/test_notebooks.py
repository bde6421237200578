"""The notebooks as files: executed, clean, consistent, and renderable on GitHub.

(Running them is nbval's job: `pytest --nbval notebooks`.)
"""

import importlib.util
import json
import re
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


#: Text that would show where and by whom a notebook was run.
MACHINE = re.compile(r"/(home|root|work|tmp|Users)/|[A-Z]:\\[A-Za-z]|site-packages|\.venv")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_outputs_hold_nothing_of_the_machine(path):
    for i, cell in enumerate(c for c in load(path)["cells"] if c["cell_type"] == "code"):
        for out in cell["outputs"]:
            texts = [out.get("text", "")] + list(
                out.get("data", {}).get(k, "") for k in ("text/plain", "text/html")
            )
            text = "".join("".join(t) if isinstance(t, list) else t for t in texts)
            found = MACHINE.search(text)
            assert not found, (
                f"code cell {i + 1} saved {text[max(0, found.start() - 40) : found.end() + 40]!r}"
            )


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


def test_setup_cell_on_colab_fetches_the_collection_once(tmp_path):
    """The setup cell as Colab runs it: a fake ``google.colab`` module, a bare working
    directory (Colab's /content), and git told to fetch the repository's URL from this
    checkout instead of GitHub. The code and data must arrive and import, silently."""
    import os
    import subprocess
    import sys

    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to clone from")
    url = f"https://github.com/{REPO}.git"
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "{ROOT.as_uri()}"]\n\tinsteadOf = {url}\n', encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    cell = (
        "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
        + tool.SETUP.format(repository=REPO)
        + "\n"
    )
    check = "x, y = lc.load_xy(lc.DATA_DIR / 'classic.csv')\nprint(lc.__file__, len(x))\n"
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1", "MPLBACKEND": "Agg"}
    # Run the cell twice in one process, as a student re-running it would.
    run = subprocess.run(
        [sys.executable, "-c", cell + cell + check],
        cwd=content,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
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


@pytest.mark.slow  # runs notebook 01 twice in a kernel
def test_reexecuting_a_notebook_writes_the_same_bytes(tmp_path):
    """Two executions of the same notebook: identical files (stable widget ids, no timestamps)."""
    import shutil

    copies = []
    for run in ("first", "second"):
        folder = tmp_path / run
        (folder / "notebooks").mkdir(parents=True)
        for module in [*ROOT.glob("linreg_*"), ROOT / "data"]:  # what the setup cell finds: modules, packages
            (folder / module.name).symlink_to(module)
        copy = folder / "notebooks" / "01_loss_function.ipynb"
        shutil.copy(PATHS[1], copy)
        tool.execute([copy])
        copies.append(copy.read_bytes())
    assert copies[0] == copies[1]
    pictures = copies[0].count(b'"image/png"')  # the static figures and the explorers' pictures
    assert pictures >= 2 and pictures == PATHS[1].read_bytes().count(b'"image/png"')


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
    assert explorers or path.stem in ("05_classic_code_bugs", "07_closed_form_and_multiple_features")
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
