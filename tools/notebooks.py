"""Keep the notebooks consistent, and execute them.

    python tools/notebooks.py sync       # setup cell, badges and links from pyproject.toml
    python tools/notebooks.py execute    # run every notebook on a fresh kernel, save outputs
    python tools/notebooks.py            # both: what `make notebooks` does
    python tools/notebooks.py execute notebooks/03_update_rule.ipynb   # just one

``sync`` rewrites three tagged cells in every ``notebooks/NN_*.ipynb``:

- ``setup`` (code): the setup cell, identical in every notebook (SETUP below);
- ``badges`` (markdown): "Open in Colab" and "Binder" badges for that notebook;
- ``nav`` (markdown, may appear twice): links to the previous, index and next notebook.

The repository's owner/name is read from ``[project.urls] Repository`` in
pyproject.toml, the one place where it is written.
"""

import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

SETUP = '''\
# Setup (the same in every notebook): on Colab, fetch the collection's code and data;
# everywhere, make linreg_core importable whatever the working directory.
import sys
from pathlib import Path

REPOSITORY = "{repository}"
CLONE = Path(REPOSITORY.split("/")[1])
if "google.colab" in sys.modules and not CLONE.is_dir():
    import subprocess
    subprocess.run(["git", "clone", "--quiet", "--depth", "1",
                    f"https://github.com/{{REPOSITORY}}.git"], check=True)
for folder in [Path.cwd(), *Path.cwd().parents, CLONE.resolve()]:
    if (folder / "linreg_core.py").is_file():
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
        break
else:
    raise ModuleNotFoundError("linreg_core.py not found: open this notebook from the "
                              "collection's notebooks/ folder (or on Colab, with its badge).")

import matplotlib.pyplot as plt
import numpy as np

import linreg_core as lc
import linreg_exercises as ex
import linreg_widgets as lw'''


def repository():
    """``owner/name`` from pyproject.toml's ``Repository`` URL."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^Repository\s*=\s*"https://github\.com/([\w.-]+/[\w.-]+)"', text, re.M)
    if not match:
        raise SystemExit("pyproject.toml: no 'Repository = \"https://github.com/OWNER/NAME\"'")
    return match.group(1)


def notebook_paths():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def colab_url(repo, name):
    return f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{name}"


def binder_url(repo, name):
    return f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/{name}"


def badges(repo, name):
    return (f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(repo, name)}) "
            f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({binder_url(repo, name)})")


def title(path):
    """The notebook's first heading, without the leading '#'."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def nav(paths, i):
    """'← previous · index · next →' for notebook ``i``."""
    parts = []
    if i > 0:
        parts.append(f"← [{title(paths[i - 1])}]({paths[i - 1].name})")
    index = NOTEBOOKS / "00_index.ipynb"
    if index.exists() and index not in paths[max(i - 1, 0):i + 1]:  # not itself, nor "previous"
        parts.append("[Index](00_index.ipynb)")
    if i + 1 < len(paths):
        parts.append(f"[{title(paths[i + 1])}]({paths[i + 1].name}) →")
    return " · ".join(parts)


def sync():
    repo, paths = repository(), notebook_paths()
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "setup" in tags:
                cell.source = SETUP.format(repository=repo)
            elif "badges" in tags:
                cell.source = badges(repo, path.name)
            elif "nav" in tags:
                cell.source = nav(paths, i)
        if nbformat.writes(nb) != before:
            nbformat.write(nb, path)
            print(f"synced {path.relative_to(ROOT)}")


def stable_widget_ids(text, name):
    """Replace the random widget model ids in a notebook's JSON by ones derived from its name.

    Each id becomes a hash of the notebook's name and the model's place in the saved widget
    state, so re-executing an unchanged notebook writes the same bytes.
    """
    widgets = json.loads(text)["metadata"].get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for k, model_id in enumerate(state):
        text = text.replace(model_id, hashlib.sha256(f"{name}/{k}".encode()).hexdigest()[:32])
    return text


def execute(paths):
    """Run each notebook top to bottom on a fresh kernel and save it."""
    from nbclient import NotebookClient

    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
                cell.metadata.pop("execution", None)  # timestamps: noise in diffs
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        path.write_text(stable_widget_ids(nbformat.writes(nb), path.name) + "\n", encoding="utf-8")
        print(f"executed {path.relative_to(ROOT)}")


if __name__ == "__main__":
    command, targets = (sys.argv[1:2] or ["all"])[0], [Path(p).resolve() for p in sys.argv[2:]]
    if command in ("sync", "all"):
        sync()
    if command in ("execute", "all"):
        execute(targets or notebook_paths())
    if command not in ("sync", "execute", "all"):
        raise SystemExit(__doc__)
