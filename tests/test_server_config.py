"""The project's Jupyter server setting (.jupyter/jupyter_server_config.py) is found where
students' servers look for it: in the home directory (Binder copies the repository there)
and on JUPYTER_CONFIG_PATH (make lab, a JupyterHub image). Runs on every stack that has
jupyter_server (requirements.txt installs it with JupyterLab); the browser and hub tests
check that a live server then applies it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / ".jupyter" / "jupyter_server_config.py"

# Each starts `jupyter server --show-config` (about 1.5 s): slow, except the Makefile check.
slow = pytest.mark.slow


def _show_config(home: Path, **extra: str) -> str:
    """What ``jupyter server --show-config`` loads, with ``home`` as HOME and no other
    Jupyter settings from this shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(home), **extra)
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "--show-config"],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@slow
def test_binder_home_is_the_repository(tmp_path):
    """Binder: the repository is the home directory, so .jupyter is ~/.jupyter."""
    shutil.copytree(REPO / ".jupyter", tmp_path / ".jupyter")
    shown = _show_config(tmp_path)
    assert str(tmp_path / ".jupyter" / "jupyter_server_config.py") in shown
    assert "kernel_websocket_connection_class = <class 'NoDelayKernelConnection'>" in shown


@slow
def test_config_path_as_make_lab_and_a_hub_set_it(tmp_path):
    shown = _show_config(tmp_path, JUPYTER_CONFIG_PATH=str(CONFIG.parent))
    assert str(CONFIG) in shown
    assert "kernel_websocket_connection_class = <class 'NoDelayKernelConnection'>" in shown


@slow
def test_without_it_the_server_keeps_its_default(tmp_path):
    """The check above can fail: a server that does not find the file has the default class."""
    assert "NoDelayKernelConnection" not in _show_config(tmp_path)


def test_make_lab_uses_it():
    recipe = subprocess.run(["make", "-n", "lab"], cwd=REPO, capture_output=True, text=True)
    lines = recipe.stdout.replace("\\\n", " ").splitlines()  # join continued lines
    lab_line = next(line for line in lines if "jupyter lab" in line)
    assert f'JUPYTER_CONFIG_PATH="{REPO}/.jupyter"' in lab_line, lab_line
