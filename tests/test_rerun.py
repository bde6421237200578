"""Notebooks that survive what students do: re-running cells, re-running explorers.

- After Run All, every code cell runs again, in order, in the same kernel (a student scrolls
  back and re-runs a cell): no cell may fail because a later one rebound a name.
- Under ``np.seterr(all="raise")`` (a student's own setting, or a checker's) every notebook
  still runs: no computation may rely on a silent underflow or overflow.
- Re-running an explorer's cell 50 times grows the kernel's memory by a few MB at most (each
  re-run frees the explorer the cell made before).

One kernel per notebook; every code cell is run, none is skipped.
"""

import importlib.util
from pathlib import Path

import pytest

import linreg_widgets as lw

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
PATHS = tool.notebook_paths()


def _client(nb, path):
    from nbclient import NotebookClient

    return NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )


def _fresh(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def _errors(cell):
    return [f"{o['ename']}: {o['evalue']}" for o in cell.outputs if o["output_type"] == "error"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_cell_runs_again_after_run_all(path):
    nb = _fresh(path)
    code = [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    client = _client(nb, path)
    again = 0
    with client.setup_kernel():
        for i, cell in code:  # Run All
            client.execute_cell(cell, i)
        for i, cell in code:  # then each cell once more, top to bottom
            expected = "raises-exception" in cell.metadata.get("tags", [])
            client.execute_cell(cell, i)  # raises CellExecutionError, naming the cell, if it fails
            assert expected or not _errors(cell), f"cell {i} failed when run again: {_errors(cell)}"
            again += 1
    assert again == len(code) > 0


SETERR = 'import numpy as np\n_ = np.seterr(all="raise")  # every float problem is an error'


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_runs_with_numpy_errors_raised(path):
    import nbformat

    nb = _fresh(path)
    setup = next(i for i, c in enumerate(nb.cells) if "setup" in c.metadata.get("tags", []))
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(SETERR))
    _client(nb, path).execute()  # raises CellExecutionError, naming the cell, if one fails


MEMORY_RUNS = 50
#: The most the kernel may grow over MEMORY_RUNS re-runs (MiB): before the fix it grew ~540.
MEMORY_LIMIT_MIB = 5

#: One cell per registered explorer (lw.EXPLORERS): its typical call on classic.csv.
EXPLORER_CELLS = {name: f"explorer = lw.EXPLORERS[{name!r}].make(x, y); explorer" for name in lw.EXPLORERS}


MEMORY_SETUP = f"""\
import ctypes, gc, sys
sys.path.insert(0, {str(ROOT)!r})
import linreg_widgets as lw
import linreg_core as lc
x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")

def rss_mib():
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # memory freed by Python, given back (glibc)
    except OSError:
        pass
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the kernel's RSS from /proc")
@pytest.mark.parametrize("name", sorted(EXPLORER_CELLS))
def test_rerunning_an_explorer_cell_does_not_grow_the_kernel(name):
    """Run the cell 20 times (caches warm up), then 50 more: RSS grows by a few MB at most."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in (MEMORY_SETUP, EXPLORER_CELLS[name], "rss_mib()")]
    client = _client(nb, ROOT / "notebooks" / "x.ipynb")
    sizes = []
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        for runs in (20, MEMORY_RUNS):
            for _ in range(runs):
                client.execute_cell(nb.cells[1], 1)
            assert "image/png" in nb.cells[1].outputs[0]["data"]  # the explorer was shown
            client.execute_cell(nb.cells[2], 2)
            sizes.append(float(nb.cells[2].outputs[0]["data"]["text/plain"]))
    growth = sizes[1] - sizes[0]
    assert growth < MEMORY_LIMIT_MIB, f"{MEMORY_RUNS} re-runs grew the kernel by {growth:.1f} MiB"
