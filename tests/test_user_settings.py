"""The "user settings" family: pictures whatever the student's matplotlib settings.

Each case starts a real kernel with one setting a student's machine or hub may have (a dark
``matplotlibrc``, ``MPLBACKEND`` set to ``agg``, ``TkAgg`` or a name matplotlib does not know,
a home directory that cannot be written, another locale), runs the notebooks' setup cell, a
``plt.show()`` figure and an explorer, and checks that both pictures are shown, in dark ink
on white, and that no cell printed a warning or an error.
"""

import base64
import importlib.util
import io
import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

#: matplotlib's own dark_background style, written as a user's matplotlibrc would hold it.
DARK_RC = """\
axes.edgecolor: white
axes.facecolor: black
axes.labelcolor: white
axes.prop_cycle: cycler('color', ['8dd3c7', 'feffb3', 'bfbbd9', 'fa8174', '81b1d2'])
figure.edgecolor: black
figure.facecolor: black
grid.color: white
lines.color: white
patch.edgecolor: white
text.color: white
xtick.color: white
ytick.color: white
savefig.facecolor: black
"""

FIGURE = """\
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([0, 1, 2], [1, 3, 2], label="data")
ax.set_title("TITLE")
ax.legend()
plt.show()"""

EXPLORER = """\
x, y = lc.load_xy(lc.DATA_DIR / "tiny.csv")
lw.LossExplorer(x, y)"""


def _home(tmp_path, rc=None):
    home = tmp_path / "home"
    (home / ".config" / "matplotlib").mkdir(parents=True)
    if rc:
        (home / ".config" / "matplotlib" / "matplotlibrc").write_text(rc, encoding="utf-8")
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }


def _case(name, tmp_path):
    """The environment changes of one case."""
    if name == "dark matplotlibrc":
        return _home(tmp_path, DARK_RC)
    if name.startswith("MPLBACKEND="):
        return {**_home(tmp_path), "MPLBACKEND": name.split("=", 1)[1]}
    if name == "read-only home":
        # Below a file, no folder can be made, whoever runs the tests (root ignores chmod).
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("")
        return {"HOME": str(blocked / "home"), "XDG_CONFIG_HOME": None, "XDG_CACHE_HOME": None}
    if name == "LC_ALL=C":
        return {**_home(tmp_path), "LC_ALL": "C", "LANG": "C"}
    if name == "LANG=de_DE.UTF-8 (not installed)":
        return {**_home(tmp_path), "LANG": "de_DE.UTF-8", "LC_ALL": None}
    raise ValueError(name)


CASES = [
    "dark matplotlibrc",
    "MPLBACKEND=agg",
    "MPLBACKEND=TkAgg",
    "MPLBACKEND=invalid",
    "read-only home",
    "LC_ALL=C",
    "LANG=de_DE.UTF-8 (not installed)",
]


def _run(changes):
    import nbformat
    from nbclient import NotebookClient

    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "MPLCONFIGDIR")}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PYTHONWARNINGS"] = "default"  # every warning printed where a student would see it
    nb = nbformat.v4.new_notebook()
    setup = tool.SETUP.format(repository=tool.repository())
    nb.cells = [nbformat.v4.new_code_cell(code) for code in (setup, FIGURE, EXPLORER)]
    client = NotebookClient(nb, timeout=120, kernel_name="python3")
    with client.setup_kernel(env=env, cwd=str(ROOT / "notebooks")):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    return nb.cells


def _picture(outputs):
    """The one PNG among a cell's outputs, as an RGB float array."""
    import matplotlib.image

    pngs = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 1, f"expected one picture, got {len(pngs)}: {outputs}"
    return matplotlib.image.imread(io.BytesIO(base64.b64decode(pngs[0])), format="png")[..., :3]


def _dark_on_white(rgb, what):
    corner = rgb[:5, :5].reshape(-1, 3)
    assert np.all(corner > 0.95), f"{what}: the background is not white ({corner[0]})"
    dark = np.all(rgb < 0.3, axis=-1).mean()
    assert dark > 0.002, f"{what}: almost no dark ink ({dark:.4%} of the pixels): text white on white?"


@pytest.mark.parametrize("case", CASES)
def test_pictures_whatever_the_users_settings(case, tmp_path):
    setup, figure, explorer = _run(_case(case, tmp_path))
    for name, cell in (("setup", setup), ("figure", figure), ("explorer", explorer)):
        for out in cell.outputs:
            assert out["output_type"] != "error", f"{name} cell: {out.get('ename')}: {out.get('evalue')}"
            assert out.get("name") != "stderr", f"{name} cell printed to stderr: {out['text'][:300]}"
    assert setup.outputs == [], f"the setup cell printed something: {setup.outputs}"
    _dark_on_white(_picture(figure.outputs), "plt.show() figure")
    _dark_on_white(_picture(explorer.outputs), "explorer")


def test_the_family_covers_every_setting_of_the_issue():
    """Issue 21, item 9: matplotlibrc, backend (agg, TkAgg, invalid), read-only home, locale."""
    assert {c.split("=")[0].split(" ")[0] for c in CASES} >= {
        "dark",
        "MPLBACKEND",
        "read-only",
        "LC_ALL",
        "LANG",
    }
    assert {"MPLBACKEND=agg", "MPLBACKEND=TkAgg", "MPLBACKEND=invalid"} <= set(CASES)


OLD_SETUP_ORDER = """\
import sys
sys.path.insert(0, {root!r})
import matplotlib.pyplot as plt
import linreg_core as lc
import linreg_widgets as lw"""


@pytest.mark.parametrize("backend", ["agg", "TkAgg"])
def test_a_backend_chosen_before_linreg_widgets_is_replaced_by_inline(backend, tmp_path):
    """matplotlib imported first (a student's own notebook): importing linreg_widgets afterwards
    still switches an agg or TkAgg backend to inline, so plt.show() shows the figure."""
    import nbformat
    from nbclient import NotebookClient

    env = {k: v for k, v in os.environ.items() if k != "MPLCONFIGDIR"}
    env.update(_home(tmp_path), MPLBACKEND=backend)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (OLD_SETUP_ORDER.format(root=str(ROOT)), FIGURE)]
    client = NotebookClient(nb, timeout=120, kernel_name="python3")
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    assert nb.cells[0].outputs == []
    _dark_on_white(_picture(nb.cells[1].outputs), f"plt.show() with MPLBACKEND={backend}")
