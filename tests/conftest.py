"""Fixtures shared by the test files, and the test tiers.

Tiers (see CONTRIBUTING.md): ``make check`` runs the tests not marked ``slow``, ``browser``
or ``hub``; ``make test-main`` runs them all on your Python; ``make test`` adds the Colab and
Binder stacks. Markers are set in each test file (``pytestmark``), except for the notebooks
run by nbval: every cell of an ``.ipynb`` file is marked ``slow`` here.
"""

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
