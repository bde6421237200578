"""Keep the notebooks consistent, and execute them.

    python tools/notebooks.py sync       # setup cell, badges and links from pyproject.toml
    python tools/notebooks.py execute    # run every notebook on a fresh kernel, save outputs
    python tools/notebooks.py            # both: what `make notebooks` does
    python tools/notebooks.py all notebooks/03_update_rule.ipynb       # just one, both steps

Every notebook has a text twin, ``notebooks/sources/NN_*.md`` (MyST Markdown, written by
jupytext, no outputs): the file to review in a diff, and to edit if you prefer text. ``sync``
first takes the cells of whichever of the pair was saved last (the ``.md`` only if it is
newer and differs), then rewrites three tagged cells in every ``notebooks/NN_*.ipynb``:

- ``setup`` (code): the setup cell, identical in every notebook (SETUP below), its code folded;
- ``badges`` (markdown): "Open in Colab" and "Binder" badges for that notebook;
- ``nav`` (markdown, may appear twice): links to the previous, index and next notebook.

``execute`` saves no output for cells tagged ``clock`` (wall-clock timings) or ``machine`` (this
machine's paths and versions), and saves each
explorer as the picture of its first frame (``static_outputs``), so that re-executing an
unchanged notebook writes the same bytes and a reader without a kernel sees the picture.

The repository's owner/name is read from ``[project.urls] Repository`` in
pyproject.toml, the one place where it is written. Finally it writes the ``.md`` twin anew.
"""

import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

SETUP = """\
# @title Setup: run this cell first (click to show its code)
# The same in every notebook: on Colab, fetch the collection's code and data; everywhere,
# make linreg_core importable whatever the working directory.
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

# linreg_widgets first: it readies matplotlib for a notebook whatever the user's settings.
import linreg_widgets as lw
import matplotlib.pyplot as plt
import numpy as np

import linreg_core as lc
import linreg_exercises as ex"""

#: The setup cell's code starts folded (JupyterLab, Notebook 7, VS Code: ``source_hidden``; Colab:
#: a form titled by its ``# @title`` line): on a projector the lesson starts with the lesson.
SETUP_HIDDEN = {"jupyter": {"source_hidden": True}, "cellView": "form"}


def repository():
    """``owner/name`` from pyproject.toml's ``Repository`` URL."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^Repository\s*=\s*"https://github\.com/([\w.-]+/[\w.-]+)"', text, re.M)
    if not match:
        raise SystemExit("pyproject.toml: no 'Repository = \"https://github.com/OWNER/NAME\"'")
    return match.group(1)


def notebook_paths():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def colab_url(repo, name, branch="main"):
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{name}"


def binder_url(repo, name, ref="HEAD"):
    """Binder's link; ``ref`` is a branch, tag or commit (``HEAD``: the default branch)."""
    return f"https://mybinder.org/v2/gh/{repo}/{ref}?urlpath=lab/tree/notebooks/{name}"


def badges(repo, name):
    return (
        f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(repo, name)}) "
        f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({binder_url(repo, name)})"
    )


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
    if index.exists() and index not in paths[max(i - 1, 0) : i + 1]:  # not itself, nor "previous"
        parts.append("[Index](00_index.ipynb)")
    if i + 1 < len(paths):
        parts.append(f"[{title(paths[i + 1])}]({paths[i + 1].name}) →")
    return " · ".join(parts)


def shown(path):
    """A path as printed: relative to the repository when it is inside."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def source_path(path):
    """The text twin of a notebook: ``notebooks/sources/<name>.md``."""
    return path.parent / "sources" / f"{path.stem}.md"


def text_source(nb):
    """The notebook's cells as MyST Markdown (no outputs, no jupytext version stamp)."""
    import jupytext

    text = jupytext.writes(nb, fmt="md:myst")
    return re.sub(r"^    jupytext_version: .*\n", "", text, flags=re.MULTILINE)


def take_text_cells(nb, md):
    """Replace the notebook's cells by those of its text twin; unchanged code keeps its outputs."""
    import jupytext

    outputs = {c.source: c for c in nb.cells if c.cell_type == "code"}
    cells = jupytext.read(md, fmt="md:myst").cells
    for cell in cells:
        old = outputs.get(cell.source) if cell.cell_type == "code" else None
        if old is not None:
            cell.outputs, cell.execution_count = old.outputs, old.execution_count
    nb.cells = cells


def sync(targets=()):
    """Sync every notebook, or only ``targets`` (paths of .ipynb files)."""
    repo, paths = repository(), notebook_paths()
    for i, path in enumerate(paths):
        if targets and path not in targets:
            continue
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        md = source_path(path)
        if md.exists() and md.stat().st_mtime > path.stat().st_mtime:
            if md.read_text(encoding="utf-8") != text_source(nb):
                take_text_cells(nb, md)
                print(f"took the cells of {shown(md)}")
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "setup" in tags:
                cell.source = SETUP.format(repository=repo)
                # in the order the .ipynb file stores keys, so that the .md twin reads the same back
                cell.metadata = nbformat.from_dict(dict(sorted({**cell.metadata, **SETUP_HIDDEN}.items())))
            elif "badges" in tags:
                cell.source = badges(repo, path.name)
            elif "nav" in tags:
                cell.source = nav(paths, i)
        if nbformat.writes(nb) != before:
            nbformat.write(nb, path)
            print(f"synced {shown(path)}")
        text = text_source(nb)
        if not md.exists() or md.read_text(encoding="utf-8") != text:
            md.parent.mkdir(exist_ok=True)
            md.write_text(text, encoding="utf-8")
            print(f"wrote {shown(md)}")


def coalesce_streams(outputs):
    """Merge consecutive stdout (or stderr) outputs into one.

    How printed text is split into messages depends on timing; merged, the
    saved outputs are the same at every run.
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_outputs(text, name):
    """Save what a reader without a kernel can see, and the same bytes at every run.

    An explorer's output carries a PNG of its first frame beside the widget view (see
    ``Explorer._repr_mimebundle_``). The saved copy keeps the picture and drops the view and
    the widget state: a widget cannot run before the notebook does, and where a saved view
    has no model JupyterLab shows "Error displaying widget" instead of the picture, while
    GitHub and nbviewer render saved widgets only through scripts, which GitHub strips.
    Running the notebook replaces the outputs with the live widgets.

    Views without a picture (a plain slider) stay; their model ids become
    ``sha256("<notebook name>/k")`` in the order the outputs show them, since the kernel
    names models at random.
    """
    nb = json.loads(text)
    nb["metadata"].pop("widgets", None)
    order = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "image/png" in data:
                del data[WIDGET_VIEW]
            elif WIDGET_VIEW in data and data[WIDGET_VIEW]["model_id"] not in order:
                order.append(data[WIDGET_VIEW]["model_id"])
    text = json.dumps(nb)
    for k, model_id in enumerate(order):
        text = text.replace(model_id, hashlib.sha256(f"{name}/{k}".encode()).hexdigest()[:32])
    return nbformat.writes(nbformat.from_dict(json.loads(text))) + "\n"


def execute(paths):
    """Run each notebook top to bottom on a fresh kernel and save it."""
    from nbclient import NotebookClient

    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
                cell.metadata.pop("execution", None)  # timestamps: noise in diffs
        NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        for cell in nb.cells:
            # wall-clock times, or this machine's paths and versions: not saved
            if {"clock", "machine"} & set(cell.metadata.get("tags", [])):
                cell.outputs = []
            if cell.cell_type == "code":
                cell.outputs = coalesce_streams(cell.outputs)
        path.write_text(static_outputs(nbformat.writes(nb), path.name), encoding="utf-8")
        print(f"executed {shown(path)}")


if __name__ == "__main__":
    command, targets = (sys.argv[1:2] or ["all"])[0], [Path(p).resolve() for p in sys.argv[2:]]
    if command in ("sync", "all"):
        sync(targets)
    if command in ("execute", "all"):
        execute(targets or notebook_paths())
    if command not in ("sync", "execute", "all"):
        raise SystemExit(__doc__)
