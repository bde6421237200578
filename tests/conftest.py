"""Fixtures shared by the test files, and the test tiers.

Tiers (see CONTRIBUTING.md): ``make check`` runs the tests not marked ``slow``, ``browser``
or ``hub``; ``make test-main`` runs them all on your Python; ``make test`` adds the Colab and
Binder stacks. Markers are set in each test file (``pytestmark``), except for the notebooks
run by nbval: every cell of an ``.ipynb`` file is marked ``slow`` here.
"""

import os
import subprocess
import sys

import matplotlib
import pytest

import linreg_core as lc

matplotlib.use("Agg")  # headless, for every test file: set before any test module is imported


def pytest_collection_modifyitems(config, items):
    """nbval's items (a notebook's cells) start a kernel and run the whole notebook: slow."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def explorer_classes():
    """Every explorer class in linreg_widgets (subclasses of ``Explorer``, at any depth, that
    draw something: a base such as ``BrowserExplorer`` has no ``update`` of its own), by name.

    The tests that must cover every explorer loop over the registry ``lw.EXPLORERS``;
    test_widgets.py checks it against this list, found by another way, so a new explorer is
    not forgotten (CONTRIBUTING.md, "Add an explorer")."""
    import linreg_widgets as lw

    found, todo = {}, [lw.Explorer]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls.update is not lw.Explorer.update:
                found[cls.__name__] = cls
            todo.append(cls)
    return dict(sorted(found.items()))


@pytest.fixture(scope="session")
def classic():
    """The popular tutorial's data set (data/classic.csv): x and y as float arrays."""
    return lc.load_xy(lc.DATA_DIR / "classic.csv")


@pytest.fixture(scope="session")
def tiny():
    """The five-point hand-computation data set (data/tiny.csv)."""
    return lc.load_xy(lc.DATA_DIR / "tiny.csv")


@pytest.fixture(scope="session")
def bill():
    """Penguins: bill length (mm) as x, body mass (g) as y."""
    return lc.load_xy(lc.DATA_DIR / "penguins.csv", x="bill_length_mm", y="body_mass_g")


@pytest.fixture
def run_as_colab(tmp_path):
    """``run(repo_url, clone_from, code)``: ``code`` run as Colab runs a cell, in a fresh Python with
    a fake ``google.colab`` module and a bare working directory (Colab's /content), git fetching
    ``repo_url`` from the local repository ``clone_from``. Returns the finished process and that
    working directory."""

    def run(repo_url, clone_from, code):
        gitconfig = tmp_path / "gitconfig"
        gitconfig.write_text(f'[url "{clone_from.as_uri()}"]\n\tinsteadOf = {repo_url}\n', encoding="utf-8")
        content = tmp_path / "content"
        content.mkdir(exist_ok=True)
        fake_colab = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
        git_here = {"GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}
        env = {**os.environ, **git_here, "MPLBACKEND": "Agg"}
        process = subprocess.run(
            [sys.executable, "-c", fake_colab + code],
            cwd=content,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return process, content

    return run
