"""The projector style, the palette, and matplotlib made ready for a notebook.

Imported first by the package (``import linreg_widgets``), before matplotlib itself:

- inside a Jupyter kernel, ``plt.show()`` draws into the notebook (the inline backend)
  whatever ``MPLBACKEND`` says (``agg``, ``TkAgg``, a name matplotlib does not know);
- when matplotlib cannot write to its folders in the home directory (a read-only home),
  it gets a folder in the temporary directory instead of printing warnings;
- :data:`PROJECTOR_STYLE` is applied to ``rcParams``: every text at least 12 pt, white
  backgrounds and matplotlib's own colours, so figures read from the back of a room and in
  a dark notebook theme. :data:`EXPLORER_STYLE` is the explorers' (larger text).

Also the colours (:data:`OKABE_ITO`, :data:`PALETTE`, :data:`SERIES`) and how numbers are
written for a first-year (:func:`readable`, :func:`line_label`).
"""

import functools
import math
import os
import sys
import tempfile
from pathlib import Path

#: Backends that draw into a notebook: any other one is replaced by the inline backend in a kernel.
NOTEBOOK_BACKENDS = (
    "inline",
    "module://matplotlib_inline.backend_inline",
    "widget",
    "ipympl",
    "module://ipympl.backend_nbagg",
    "nbagg",
    "notebook",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def kernel_shell():
    """The IPython shell of the Jupyter kernel this runs in, or None (a script, pytest, a terminal)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def _writable_folder(folder):
    """Whether ``folder`` exists (or can be made) and can be written to, as matplotlib checks it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK)


def _matplotlib_folders():
    """The configuration and cache folders matplotlib uses when ``MPLCONFIGDIR`` is not set."""
    home = Path.home()
    if not sys.platform.startswith(("linux", "freebsd")):
        return [home / ".matplotlib"]
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
    return [config / "matplotlib", cache / "matplotlib"]


def _prepare_matplotlib():
    """Settings that must be made before matplotlib is imported (see the module's docstring).

    In a kernel, an ``MPLBACKEND`` that does not draw into the notebook becomes the
    inline backend (an unknown name would make ``import matplotlib`` itself fail). An
    unwritable configuration or cache folder (a read-only home) is replaced by a
    folder in the temporary directory, the same for every kernel of this user (so the
    font cache is built once), where matplotlib would print warnings and build its
    font cache anew in each kernel.
    """
    if "matplotlib" in sys.modules:
        return
    if kernel_shell() is not None and os.environ.get("MPLBACKEND", "").lower() not in NOTEBOOK_BACKENDS:
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    if os.environ.get("MPLCONFIGDIR") or all(_writable_folder(f) for f in _matplotlib_folders()):
        return
    user = os.getuid() if hasattr(os, "getuid") else "user"
    folder = Path(tempfile.gettempdir()) / f"matplotlib-linreg-{user}"
    if not _writable_folder(folder):
        folder = Path(tempfile.mkdtemp(prefix="matplotlib-linreg-"))
    os.environ["MPLCONFIGDIR"] = str(folder)


_prepare_matplotlib()

import matplotlib  # noqa: E402  (after _prepare_matplotlib, which must run first)
from matplotlib import patheffects  # noqa: E402


def _use_inline_backend():
    """In a kernel, make ``plt.show()`` draw into the notebook whatever backend was chosen before.

    Needed when matplotlib was imported before this module with a backend such as ``agg``
    (figures would silently vanish) or ``TkAgg`` (windows, or nothing, on a server).
    """
    shell = kernel_shell()
    if shell is None:
        return
    backend = dict.__getitem__(matplotlib.rcParams, "backend")  # as set, without resolving it
    if not (isinstance(backend, str) and backend.lower() in NOTEBOOK_BACKENDS):
        shell.run_line_magic("matplotlib", "inline")


_use_inline_backend()

#: Size and resolution of the two-panel explorer figures (inches, dots per inch).
FIGSIZE = (10.4, 4.4)
DPI = 96
#: The widest explorer image, in pixels: shown at native size on a 1366×768 projector.
MAX_WIDTH_PX = 1000

#: The Okabe–Ito colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2002), by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: What each colour means, the same in every figure and explorer. Colours drawn in the same axes
#: stay apart under simulated deuteranopia, protanopia and tritanopia (tests/test_colour.py);
#: series are told apart by line style or marker as well. "path" is white: it is drawn on the
#: (viridis) loss map, never on a white background.
PALETTE = {
    "data": OKABE_ITO["blue"],  # the data points
    "line": OKABE_ITO["vermillion"],  # the line, the current (m, b), the MSE line
    "mae": OKABE_ITO["black"],  # the MAE line (drawn dashed; stands out on the blue data)
    "outlier": OKABE_ITO["yellow"],  # the outlier (a diamond with a black edge)
    "best": OKABE_ITO["yellow"],  # the minimum of the loss (a star with a black edge)
    "guide": OKABE_ITO["bluish green"],  # a reference level, e.g. the lowest loss (dashed)
    "curve": OKABE_ITO["black"],  # a loss curve
    "path": "white",  # gradient descent's path on the loss map
}

#: Styles for several series in one axes (e.g. three learning rates), in order: colour, line
#: style and marker all differ, so the series stay apart without colour too.
SERIES = (
    {"color": OKABE_ITO["blue"], "ls": "-", "marker": "o"},
    {"color": OKABE_ITO["vermillion"], "ls": "--", "marker": "s"},
    {"color": OKABE_ITO["black"], "ls": ":", "marker": "^"},
    {"color": OKABE_ITO["reddish purple"], "ls": "-.", "marker": "D"},
    {"color": OKABE_ITO["sky blue"], "ls": (0, (5, 1, 1, 1, 1, 1)), "marker": "v"},
)

#: The current (m, b) dot of every explorer: vermillion with a white ring and a black edge, so it
#: stands out on every band of the loss map, also under deuteranopia and protanopia (where
#: vermillion on the map's olive and yellow bands would all but vanish).
CURRENT_MARKER = dict(
    color=PALETTE["line"],
    mec="white",
    mew=2,
    path_effects=[patheffects.Stroke(linewidth=4.5, foreground="black"), patheffects.Normal()],
)

# Short names used throughout this module (and by older notebook cells).
DATA_COLOR, LINE_COLOR, PATH_COLOR = PALETTE["data"], PALETTE["line"], PALETTE["path"]
MAE_COLOR, OUTLIER_COLOR = PALETTE["mae"], PALETTE["outlier"]
BEST_COLOR, GUIDE_COLOR = PALETTE["best"], PALETTE["guide"]

#: The smallest font size (points) of any text in a figure from this module.
MIN_FONT_PT = 12

#: matplotlib settings for a projector: every text at least 12 pt (16 px at 96 dpi), white
#: (not transparent) backgrounds so figures read in a dark notebook theme as well.
PROJECTOR_STYLE = {
    "font.size": MIN_FONT_PT,
    "axes.titlesize": 13,
    "axes.labelsize": MIN_FONT_PT,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT,
    "figure.titlesize": 14,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
}


def _default_colours():
    """matplotlib's own default for every colour setting (text, ticks, edges, faces, the colour
    cycle), whatever the user's ``matplotlibrc`` or style says: dark text on white."""
    defaults = matplotlib.rcParamsDefault
    return {
        key: defaults[key]
        for key in defaults
        if key == "axes.prop_cycle" or ("color" in key.rsplit(".", 1)[-1] and not key.startswith("pdf."))
    }


#: Colours pinned (matplotlib's defaults), then the white faces above.
PROJECTOR_STYLE = {**_default_colours(), **PROJECTOR_STYLE}


#: The explorers' style: larger text (14 pt titles and labels, 13 pt ticks and legend) where
#: the three panels still fit 1000 px, to read from the back of a room.
EXPLORER_STYLE = {
    **PROJECTOR_STYLE,
    "font.size": 14,
    "axes.titlesize": 14,
    "axes.labelsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
}


def use_projector_style():
    """Apply :data:`PROJECTOR_STYLE` to ``matplotlib.rcParams`` (done once on import)."""
    matplotlib.rcParams.update(PROJECTOR_STYLE)


use_projector_style()


def styled(function, style=PROJECTOR_STYLE):
    """Run ``function`` under ``style``, whatever the global rcParams say."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(style):
            return function(*args, **kwargs)

    return wrapper


def style_axes(ax):
    """Fix the tick-label size on ``ax`` (ticks are made at draw time, from the rcParams then)."""
    size = matplotlib.rcParams["xtick.labelsize"]  # 13 in an explorer, 12 elsewhere
    ax.tick_params(labelsize=size if isinstance(size, (int, float)) and size > MIN_FONT_PT else MIN_FONT_PT)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def readable(value, digits=4):
    """A number as a first-year reads it: no ``e+08``, thousands separated.

    At least ``digits`` significant digits; whole numbers from 1,000 up are shown in
    full. Only beyond a trillion (a run that blew up) is a power of ten written out.

    Examples
    --------
    >>> readable(200352041.3), readable(0.0001), readable(-12.0371), readable(3.2e15)
    ('200,352,041', '0.0001', '−12.04', '3.2 × 10¹⁵')
    """
    value = float(value)
    if not math.isfinite(value) or value == 0:
        return f"{value:g}".replace("-", "−")
    size = math.floor(math.log10(abs(value)))
    if size >= 12:
        text = f"{value / 10**size:.{digits - 1}f}".rstrip("0").rstrip(".")
        return f"{text} × 10{str(size).translate(_SUPERSCRIPT)}".replace("-", "−")
    text = f"{value:,.{max(0, digits - 1 - size)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def line_label(m, b):
    """'y = −1.5·x − 2' rather than 'y = -1.5·x + -2' (true minus signs)."""
    sign = "−" if b < 0 else "+"
    return f"y = {m:.4g}·x {sign} {abs(b):.4g}".replace("-", "−")
