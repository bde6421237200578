"""The architecture: which module imports which, and what the core looks like.

The core is read by students as part of the lesson, so its shape is tested
like its maths: in teaching order, public names only across modules, and
dependencies that run one way.
"""

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import linreg_core as lc
import linreg_validation as lv

ROOT = Path(__file__).resolve().parents[1]
# Each module of ours and its files: linreg_x.py, or every file of the package linreg_x/.
MODULES = {p.stem: [p] for p in sorted(ROOT.glob("linreg_*.py"))}
MODULES |= {p.parent.name: sorted(p.parent.glob("*.py")) for p in sorted(ROOT.glob("linreg_*/__init__.py"))}


def parsed(paths):
    """The syntax trees of a module's files."""
    return [ast.parse(path.read_text(encoding="utf-8")) for path in paths]


def imports_of(paths):
    """``{module: {names taken from it}}`` for every linreg_* import in the files."""
    found = {}
    for node in (node for tree in parsed(paths) for node in ast.walk(tree)):
        if isinstance(node, ast.ImportFrom) and node.module in MODULES:
            found.setdefault(node.module, set()).update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    found.setdefault(alias.name, set())
    return found


def attribute_uses(paths, alias_of):
    """``(module, attribute)`` for every ``alias.attribute`` in the files."""
    return {
        (alias_of[node.value.id], node.attr)
        for tree in parsed(paths)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias_of
    }


def aliases(paths):
    return {
        (a.asname or a.name): a.name
        for tree in parsed(paths)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for a in node.names
        if a.name in MODULES
    }


def test_the_expected_modules_exist():
    assert set(MODULES) == {
        "linreg_core",
        "linreg_data",
        "linreg_validation",
        "linreg_features",
        "linreg_minibatch",
        "linreg_widgets",
        "linreg_exercises",
    }


def test_dependencies_run_one_way():
    """The import graph has no loops (a depth-first search finds no back edge)."""
    graph = {name: set(imports_of(path)) for name, path in MODULES.items()}
    done, active = set(), []

    def visit(name):
        assert name not in active, f"import loop: {' -> '.join([*active, name])}"
        if name in done:
            return
        active.append(name)
        for other in graph[name]:
            visit(other)
        active.pop()
        done.add(name)

    for name in graph:
        visit(name)
    assert graph["linreg_validation"] == set(), "the guard rails depend on nothing of ours"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_uses_another_modules_private_names(name):
    paths = MODULES[name]
    for module, names in imports_of(paths).items():
        assert not [n for n in names if n.startswith("_")], f"{name} imports private names of {module}"
    for module, attribute in attribute_uses(paths, aliases(paths)):
        assert not attribute.startswith("_"), f"{name} uses {module}.{attribute}"


def test_the_widgets_modules_share_public_names_only():
    """``from .other import _x`` is another module's private name too, inside the package."""
    for path, tree in zip(MODULES["linreg_widgets"], parsed(MODULES["linreg_widgets"])):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name}: from .{node.module} import {private}"


def test_the_widgets_package_readies_matplotlib_before_importing_it():
    """Its first import is the style module, which sets matplotlib up before importing it."""
    (init,) = [path for path in MODULES["linreg_widgets"] if path.name == "__init__.py"]
    first = next(n for n in ast.parse(init.read_text(encoding="utf-8")).body if isinstance(n, ast.ImportFrom))
    assert (first.level, first.module) == (1, "style")
    style = (init.parent / "style.py").read_text(encoding="utf-8")
    assert style.index("\n_prepare_matplotlib()\n") < style.index("\nimport matplotlib")


def test_the_core_follows_the_notebooks_in_order():
    lines = MODULES["linreg_core"][0].read_text(encoding="utf-8").splitlines()
    banners = [line for line in lines if line.startswith("# Notebook") or line.startswith("# The closed")]
    assert [b.split("·")[0].strip("# ").strip() for b in banners] == [
        "Notebook 01",
        "Notebook 02",
        "Notebook 03",
        "Notebook 04",
        "The closed form: the exact answer gradient descent is heading for",
        "Notebooks 05 and 06",
    ]


def test_no_module_imports_pandas():
    """CSV files are read with the csv module (row by row, so nothing can shift columns)."""
    for name, paths in MODULES.items():
        assert not any("import pandas" in path.read_text(encoding="utf-8") for path in paths), name


def test_importing_the_core_needs_neither_pandas_nor_matplotlib_nor_ipywidgets():
    code = (
        "import sys; import linreg_core, linreg_features, linreg_minibatch; "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_core_re_exports_the_loaders_and_errors():
    import linreg_data

    assert lc.load_xy is linreg_data.load_xy and lc.DATA_DIR == linreg_data.DATA_DIR
    assert lc.load_columns is linreg_data.load_columns
    assert lc.DivergenceError is lv.DivergenceError and lc.DataError is lv.DataError
    assert lc.DivergenceWarning is lv.DivergenceWarning and lc.NotFittedError is lv.NotFittedError


# --------------------------------------------------------------------------
# The divergence watch: one rule for every loop
# --------------------------------------------------------------------------


def test_watch_stops_on_a_blow_up_at_once():
    watch = lv.DivergenceWatch(first_loss=2.0)
    assert not watch.diverging(2.0 * lv.DivergenceWatch.FACTOR)  # exactly at the limit: not yet
    for bad in (2.0 * lv.DivergenceWatch.FACTOR * 1.0001, float("inf"), float("nan")):
        assert lv.DivergenceWatch(2.0).diverging(bad)


def test_watch_stops_a_slow_rise_after_rising_epochs():
    watch = lv.DivergenceWatch(first_loss=1.0)
    answers = [watch.diverging(1.0 + 0.01 * k) for k in range(1, lv.DivergenceWatch.RISING_EPOCHS + 1)]
    assert answers == [False] * (lv.DivergenceWatch.RISING_EPOCHS - 1) + [True]


def test_watch_forgives_a_rise_that_stays_below_the_start():
    watch = lv.DivergenceWatch(first_loss=10.0)
    losses = [1.0 + 0.01 * k for k in range(50)]  # rising every epoch, but far below the start
    assert not any(watch.diverging(loss) for loss in losses)


def test_gradient_descent_warn_false_reports_without_a_warning():
    x, y = np.arange(10.0), 2 * np.arange(10.0)
    lr = 3 * lc.stable_learning_rate(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lc.gradient_descent(x, y, lr, 100, warn=False)
    assert result.diverged and len(result.losses) < 101
    with pytest.warns(lc.DivergenceWarning, match="lr < "):
        lc.gradient_descent(x, y, lr, 100)


def test_the_loop_uses_the_lessons_gradient(classic):
    """One update of gradient_descent is exactly one `step` (same formula, same rounding)."""
    x, y = classic
    result = lc.gradient_descent(x, y, 1e-4, 3, m0=0.5, b0=-1.0)
    m, b = 0.5, -1.0
    for k in range(1, 4):
        m, b = lc.step(x, y, m, b, 1e-4)
        assert (result.ms[k], result.bs[k]) == (m, b)
