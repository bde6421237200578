"""Links that hand the collection to a whole class, through JupyterHub or Binder.

    python tools/classroom.py link --hub https://hub.example.edu             # nbgitpuller link
    python tools/classroom.py link --hub https://hub.example.edu --branch spring-2027

A student who clicks the JupyterHub link gets the repository cloned into their home on the
first click (``~/<repo-dir>``) and JupyterLab opened at ``notebooks/00_index.ipynb``; later
clicks merge the teacher's updates without overwriting the student's edits (nbgitpuller).

The Binder form follows nbgitpuller's pattern of an *environment* repository (built once by
repo2docker) and a *content* repository (pulled by nbgitpuller at every launch), so that a
change to a notebook does not rebuild the image. This repository serves as both by default
(``--env-repo`` names another one); the environment repository must list ``nbgitpuller`` in
its ``requirements.txt``.

The repository is read from ``[project.urls] Repository`` in pyproject.toml (the same
function as ``tools/notebooks.py``). See docs/jupyterhub.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INDEX = "notebooks/00_index.ipynb"


def _notebook_tool():
    spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def repository() -> str:
    """``owner/name`` from pyproject.toml, by ``tools/notebooks.py``'s ``repository()``."""
    return _notebook_tool().repository()


def repo_dir(repo_url: str) -> str:
    """The folder nbgitpuller clones ``repo_url`` into, inside the student's home.

    nbgitpuller's server (1.3) takes the last path segment of the URL as it is, trailing
    slashes removed (a ``.git`` suffix stays).
    """
    name = repo_url.rstrip("/").split("/")[-1]
    if not name or name in (".", ".."):
        raise ValueError(f"cannot derive a folder name from the repository URL {repo_url!r}")
    return name


def _query(params: dict) -> str:
    # Encode everything, "/" and ":" included, as nbgitpuller's link generator does.
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe="")


def hub_link(hub: str, repo_url: str, branch: str = "main", path: str = INDEX) -> str:
    """The nbgitpuller link that clones ``repo_url`` and opens ``path`` in JupyterLab.

    Parameters
    ----------
    hub : str
        The hub's address, e.g. ``https://hub.example.edu`` (a path prefix such as
        ``https://example.edu/jupyter`` is kept).
    repo_url : str
        The git URL students pull from (https, or ``file://`` on a test machine).
    branch : str
        The branch to pull.
    path : str
        The file to open, relative to the repository's root.

    Returns
    -------
    str
        ``<hub>/hub/user-redirect/git-pull?repo=…&branch=…&urlpath=lab/tree/<repo-dir>/<path>``.
    """
    parts = urllib.parse.urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--hub must be an http(s) address such as https://hub.example.edu, not {hub!r}")
    if not branch or re.search(r"\s", branch):
        raise ValueError(f"not a branch name: {branch!r}")
    urlpath = f"lab/tree/{repo_dir(repo_url)}/{path.lstrip('/')}"
    query = _query({"repo": repo_url, "branch": branch, "urlpath": urlpath})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def binder_link(
    env_repo: str,
    content_url: str,
    env_ref: str = "HEAD",
    branch: str = "main",
    path: str = INDEX,
    binderhub: str = "https://mybinder.org",
) -> str:
    """nbgitpuller's Binder form: the image of ``env_repo``, the content pulled from ``content_url``.

    Parameters
    ----------
    env_repo : str
        ``owner/name`` of the GitHub repository whose requirements.txt repo2docker builds.
    content_url : str
        The git URL of the notebooks, pulled at every launch.
    env_ref : str
        The environment's git ref (a branch, tag or commit; ``HEAD`` is the default branch).
    branch : str
        The content branch.
    path : str
        The file to open, relative to the content repository's root.
    binderhub : str
        The BinderHub's address.

    Returns
    -------
    str
        ``<binderhub>/v2/gh/<env_repo>/<env_ref>?urlpath=git-pull%3Frepo%3D…`` (the inner
        query is encoded twice, as nbgitpuller's link generator does).
    """
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", env_repo):
        raise ValueError(f"--env-repo must be OWNER/NAME, not {env_repo!r}")
    inner = _query(
        {"repo": content_url, "branch": branch, "urlpath": f"lab/tree/{repo_dir(content_url)}/{path}"}
    )
    return f"{binderhub.rstrip('/')}/v2/gh/{env_repo}/{env_ref}?" + _query({"urlpath": f"git-pull?{inner}"})


def _lists_nbgitpuller(requirements: Path) -> bool:
    if not requirements.is_file():
        return False
    lines = requirements.read_text(encoding="utf-8").splitlines()
    return any(re.match(r"\s*nbgitpuller\b", line, re.I) for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    link = sub.add_parser("link", help="print the nbgitpuller link for a hub, and the Binder form")
    link.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    link.add_argument("--branch", default="main", help="the branch students pull (default: main)")
    link.add_argument("--repo", help="git URL to pull (default: the Repository in pyproject.toml)")
    link.add_argument("--path", default=INDEX, help=f"file to open (default: {INDEX})")
    link.add_argument("--env-repo", help="OWNER/NAME of the Binder environment (default: this repository)")
    args = parser.parse_args(argv)

    own = repository()
    repo_url = args.repo or f"https://github.com/{own}"
    env_repo = args.env_repo or own
    try:
        hub = hub_link(args.hub, repo_url, args.branch, args.path)
        binder = binder_link(env_repo, repo_url, branch=args.branch, path=args.path)
    except ValueError as exc:
        parser.error(str(exc))
    print("JupyterHub (nbgitpuller): clones into ~/" + repo_dir(repo_url) + ", then merges updates")
    print(hub)
    print()
    print(f"Binder: the environment built from {env_repo}, the content pulled at each launch")
    print(binder)
    if env_repo == own and not _lists_nbgitpuller(ROOT / "requirements.txt"):
        print(
            "note: requirements.txt does not list nbgitpuller, so this Binder link fails at the pull "
            "step until it does (or until --env-repo names an environment that has it).",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
