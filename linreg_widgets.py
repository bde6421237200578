"""Interactive plots for the notebooks: sliders that move the line and the loss.

Every explorer here is an ``ipywidgets.VBox`` holding its controls, a text
readout and an ``ipywidgets.Image`` with the plot. The plot is a matplotlib
figure rendered off-screen (Agg) to PNG, so it works the same in JupyterLab,
on Colab (ipywidgets 7.7) and with the plain inline backend — no ipympl.

Speed: the loss surface and everything else that does not move is drawn once
and kept as a background bitmap; a slider change only redraws the artists
that move (the line, a marker, a path) on top of it, then encodes the PNG.

Projector style: importing this module applies :data:`PROJECTOR_STYLE` to
matplotlib's ``rcParams`` (every text at least 12 pt, white backgrounds), so
the static figures a notebook draws with ``plt`` afterwards read from the back
of a room and in JupyterLab's dark theme too. The explorers build their
figures under the same style whatever ``rcParams`` say, at :data:`DPI` = 96,
where 12 pt is 16 pixels, and at most :data:`MAX_WIDTH_PX` wide, so the PNG
is shown at its native size on a 1366×768 projector. :func:`use_projector_style`
applies the style again (e.g. after ``plt.style.use``). The style pins every colour
of text, ticks, edges and faces to matplotlib's defaults on white, so a dark style in
the user's ``matplotlibrc`` (e.g. ``dark_background``) cannot give white on white.

Whatever the user's matplotlib settings: inside a Jupyter kernel, importing this
module makes ``plt.show()`` draw into the notebook (the inline backend) whatever
``MPLBACKEND`` says (``agg``, ``TkAgg``, a name matplotlib does not know), and, when
matplotlib cannot write to its folders in the home directory (a read-only home), it
points matplotlib at a folder in the temporary directory instead of letting it print
warnings. Both need this module imported before matplotlib itself, as the notebooks'
setup cell does; imported later, it still switches an ``agg`` or ``TkAgg`` backend.

Explorers free themselves: re-running the cell that made one closes the explorer the
cell made before (its widgets, observers and figure), and :meth:`Explorer.close` does it
by hand. A cell is known by its id (JupyterLab, Notebook 7, VS Code) or, where the
frontend sends none (Colab, the classic Notebook), by its text. Each explorer keeps a
read-only copy of its data, so changing ``x`` afterwards (``x /= 10``) does not change an
explorer already shown.
"""

import base64
import functools
import math
import os
import struct
import sys
import tempfile
import weakref
import zlib
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


def _kernel_shell():
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
    if _kernel_shell() is not None and os.environ.get("MPLBACKEND", "").lower() not in NOTEBOOK_BACKENDS:
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    if os.environ.get("MPLCONFIGDIR") or all(_writable_folder(f) for f in _matplotlib_folders()):
        return
    user = os.getuid() if hasattr(os, "getuid") else "user"
    folder = Path(tempfile.gettempdir()) / f"matplotlib-linreg-{user}"
    if not _writable_folder(folder):
        folder = Path(tempfile.mkdtemp(prefix="matplotlib-linreg-"))
    os.environ["MPLCONFIGDIR"] = str(folder)


_prepare_matplotlib()

import ipywidgets as widgets  # noqa: E402  (after _prepare_matplotlib, which must run first)
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

import linreg_core as lc  # noqa: E402
import linreg_minibatch as lm  # noqa: E402
import linreg_validation as lv  # noqa: E402


def _use_inline_backend():
    """In a kernel, make ``plt.show()`` draw into the notebook whatever backend was chosen before.

    Needed when matplotlib was imported before this module with a backend such as ``agg``
    (figures would silently vanish) or ``TkAgg`` (windows, or nothing, on a server).
    """
    shell = _kernel_shell()
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


def _styled(function, style=PROJECTOR_STYLE):
    """Run ``function`` under ``style``, whatever the global rcParams say."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(style):
            return function(*args, **kwargs)

    return wrapper


def _style_axes(ax):
    """Fix the tick-label size on ``ax`` (ticks are made at draw time, from the rcParams then)."""
    size = matplotlib.rcParams["xtick.labelsize"]  # 13 in an explorer, 12 elsewhere
    ax.tick_params(labelsize=size if isinstance(size, (int, float)) and size > MIN_FONT_PT else MIN_FONT_PT)


# --------------------------------------------------------------------------
# Static plotting helpers (also used directly by the notebooks)
# --------------------------------------------------------------------------


def parameter_grid(x, y, include=(), n=150):
    """Slopes and intercepts around the best fit, sized from the data.

    The box is centred on the least-squares ``(m, b)`` and spans a few
    "natural units" (``std(y) / std(x)`` for the slope, ``std(y)`` plus the
    intercept itself for ``b``), then grows to contain every ``(m, b)`` in
    ``include`` (e.g. a starting point) with a margin.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``m_values`` and ``b_values``, ``n`` points each.
    """
    m_hat, b_hat = lc.closed_form(x, y)
    # Constant y gives zero spread: fall back to one unit so the box never collapses.
    m_span = 2.0 * (max(abs(m_hat), np.std(y) / np.std(x)) or 1.0)
    b_span = 2.0 * (max(abs(b_hat), np.std(y)) or 1.0)
    m_lo, m_hi, b_lo, b_hi = m_hat - m_span, m_hat + m_span, b_hat - b_span, b_hat + b_span
    for m, b in include:
        m_lo, m_hi = min(m_lo, m - 0.1 * m_span), max(m_hi, m + 0.1 * m_span)
        b_lo, b_hi = min(b_lo, b - 0.1 * b_span), max(b_hi, b + 0.1 * b_span)
    return np.linspace(m_lo, m_hi, n), np.linspace(b_lo, b_hi, n)


def draw_data(ax, x, y, xlabel="x", ylabel="y"):
    """Scatter the data on ``ax`` with fixed limits that leave room for lines."""
    ax.scatter(x, y, s=16, color=DATA_COLOR, alpha=0.7, label="data")
    pad_x, pad_y = 0.05 * (np.ptp(x) or 1.0), 0.15 * (np.ptp(y) or 1.0)
    ax.set_xlim(x.min() - pad_x, x.max() + pad_x)
    ax.set_ylim(y.min() - pad_y, y.max() + pad_y)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _style_axes(ax)


def nice_log_levels(lo, hi, max_levels=16):
    """Round contour levels (e.g. 1, 2, 5 × 10^k) from at or below ``lo`` to at or above ``hi``.

    The finest set of round mantissas that gives at most ``max_levels`` is used.

    Falls back to powers of ten (or every few decades) when the range is wide,
    so there are never more than about ``max_levels`` of them, and to 12
    evenly spaced (in log) levels when the range is too narrow for round ones.
    """
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    for mantissas in ((1, 1.5, 2, 3, 5, 7), (1, 2, 5), (1, 3), (1,)):
        candidates = [mantissa * 10.0**k for k in range(first, last + 1) for mantissa in mantissas]
        start = max(i for i, v in enumerate(candidates) if v <= lo)
        stop = min(i for i, v in enumerate(candidates) if v >= hi)
        levels = candidates[start : stop + 1]
        if len(levels) < 6:  # a narrow range: round numbers would give too few bands
            return np.geomspace(lo, hi, 12)
        if len(levels) <= max_levels:
            return np.array(levels)
    every = levels[:: math.ceil(len(levels) / max_levels)]
    return np.array(every if every[-1] == levels[-1] else every + [levels[-1]])


def _loss_levels(surface):
    """Contour levels and colour norm of a loss surface (log scale, round numbers)."""
    lo, hi = max(surface.min(), 1e-12 * surface.max()), surface.max()
    if hi <= 0:  # a loss of 0 everywhere (a degenerate grid): one band, still a valid log scale
        lo, hi = 1e-12, 1.0
    levels = nice_log_levels(lo, hi)
    return levels, LogNorm(levels[0], levels[-1])


def draw_loss_contour(ax, x, y, m_values, b_values):
    """Filled contour of the MSE over the grid, with the minimum starred.

    Levels are round numbers spaced logarithmically, so the bottom of the
    bowl and its steep walls are both visible and the colour bar reads easily.
    """
    surface = loss_grid(x, y, m_values, b_values)
    levels, norm = _loss_levels(surface)
    filled = ax.contourf(m_values, b_values, surface, levels=levels, norm=norm, cmap="viridis")
    ax.contour(m_values, b_values, surface, levels=filled.levels, colors="k", linewidths=0.3, alpha=0.5)
    m_hat, b_hat = lc.closed_form(x, y)
    ax.plot(
        m_hat, b_hat, marker="*", ms=15, color=BEST_COLOR, mec="k", ls="none", label="best line (lowest MSE)"
    )
    ax.set_xlabel("slope m")
    ax.set_ylabel("intercept b")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    _style_axes(ax)
    return filled


def add_colorbar(ax, filled, label="MSE (log scale)"):
    """The colour bar of a loss contour, in round numbers."""
    colorbar = ax.figure.colorbar(filled, ax=ax, label=label, format="%g")
    _style_axes(colorbar.ax)
    return colorbar


@_styled
def plot_fit(x, y, m, b, ax=None, xlabel="x", ylabel="y", residuals=True):
    """Data, the line ``y = m x + b`` and (optionally) each residual.

    Parameters
    ----------
    x, y : array_like
        The data.
    m, b : float
        Slope and intercept of the line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 6 × 4.5 in figure by default.
    xlabel, ylabel : str
        Axis labels.
    residuals : bool
        Draw the vertical residual of every point.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)  # every check before a figure is made: no empty axes above an error
    m, b = lv.valid_number(m, "m"), lv.valid_number(b, "b")
    ax = ax or plt.subplots(figsize=(6, 4.5), layout="constrained")[1]
    draw_data(ax, x, y, xlabel, ylabel)
    xs = np.array(ax.get_xlim())
    ax.plot(xs, lc.predict(xs, m, b), color=LINE_COLOR, lw=2, label=line_label(m, b))
    if residuals:
        ax.add_collection(
            LineCollection(_residual_segments(x, y, m, b), colors="0.4", linewidths=0.8, label="residuals")
        )
    ax.legend(loc="best", framealpha=0.9)
    return ax


@_styled
def plot_loss_surface(x, y, path=None, ax=None):
    """Contour of the loss; ``path`` = (ms, bs) draws a training path on it.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)  # every check before a figure is made: no empty axes above an error
    include = [] if path is None else list(zip(path[0][:1], path[1][:1]))
    m_values, b_values = parameter_grid(x, y, include)  # refuses a constant x, with its reason
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    filled = draw_loss_contour(ax, x, y, m_values, b_values)
    add_colorbar(ax, filled)
    if path is not None:
        ax.plot(path[0], path[1], ".-", color=PATH_COLOR, ms=4, lw=1, label="gradient descent")
    _contour_legend(ax)
    return ax


#: Legend of a contour panel: on a grey box, so white paths stay visible in it.
CONTOUR_LEGEND = dict(loc="best", facecolor="0.7", framealpha=0.9)


def _contour_legend(ax):
    ax.legend(**CONTOUR_LEGEND)


# --------------------------------------------------------------------------
# The loss surface in 3-D: a bowl
# --------------------------------------------------------------------------

#: Camera of the 3-D bowl (degrees): looking along the long valley of classic.csv, from above.
BOWL_VIEW = dict(elev=32, azim=-115)


def _round_cap(value):
    """``value`` rounded up to one significant digit (4 213 → 5 000), for a readable label."""
    scale = 10.0 ** math.floor(math.log10(value))
    return math.ceil(value / scale) * scale


def draw_loss_bowl(ax, x, y, m_values, b_values):
    """The MSE over the grid as a 3-D surface on ``ax`` (an mplot3d ``Axes3D``).

    The heights are the MSE itself (a true bowl, a parabola in every
    direction), cut off at a round number near the median over the grid, so
    the steep corners do not dwarf the bottom; a note in the corner says where. The
    colours are those of :func:`draw_loss_contour` (log scale), so the
    contour map is this bowl seen from above.

    Returns
    -------
    float
        The clipping height: a point ``(m, b)`` sits at ``min(L(m, b), cap)``.
    """
    surface = loss_grid(x, y, m_values, b_values)
    levels, norm = _loss_levels(surface)
    cap = _round_cap(max(float(np.median(surface)), 2 * float(surface.min()), 1e-12))
    ms, bs = np.meshgrid(m_values, b_values)
    colors = matplotlib.colormaps["viridis"](norm(surface))
    ax.computed_zorder = False  # markers drawn after the surface stay in front of it
    ax.plot_surface(
        ms, bs, np.minimum(surface, cap), facecolors=colors, rcount=60, ccount=60, linewidth=0, shade=False
    )
    m_hat, b_hat = lc.closed_form(x, y)
    ax.plot(
        [m_hat],
        [b_hat],
        [surface.min()],
        marker="*",
        ms=15,
        color=BEST_COLOR,
        mec="k",
        ls="none",
        label="best line (lowest MSE)",
    )
    ax.set_xlim(m_values[0], m_values[-1])
    ax.set_ylim(b_values[0], b_values[-1])
    ax.set_zlim(0, cap)
    ax.set_xlabel("slope m", labelpad=8)
    ax.set_ylabel("intercept b", labelpad=14)
    ax.set_zlabel("MSE", labelpad=14)
    # Where the top is cut off, in the box's corner (a long z label would overlap its ticks).
    ax.text2D(0.0, 1.0, f"cut off above MSE = {readable(cap)}", transform=ax.transAxes, va="top")
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    ax.view_init(**BOWL_VIEW)
    # A smaller box inside the axes leaves room for the tick labels and axis labels, which
    # the figure layout does not count for a 3-D axes.
    ax.set_box_aspect(None, zoom=0.85)
    _style_axes(ax)
    return cap


def _valid_point(point):
    """A line ``(m, b)``: two finite numbers."""
    try:
        m, b = point
    except (TypeError, ValueError):
        raise TypeError(f"point must be a pair (m, b) of numbers, got {point!r:.80}.") from None
    return lv.valid_number(m, "m"), lv.valid_number(b, "b")


@_styled
def plot_loss_bowl(x, y, ax=None, point=None):
    """The loss surface ``L(m, b)`` as a 3-D bowl (a static figure, no kernel needed).

    Parameters
    ----------
    x, y : array_like
        The data.
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D, optional
        A 3-D axes (``fig.add_subplot(projection="3d")``); a new figure by default.
    point : (float, float), optional
        A line ``(m, b)`` to mark on the surface (a red dot).

    Returns
    -------
    mpl_toolkits.mplot3d.axes3d.Axes3D
        The axes: x "slope m", y "intercept b", z "MSE" (cut off above the value it notes).
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)  # every check before a figure is made: no empty axes above an error
    if ax is not None and getattr(ax, "name", None) != "3d":
        raise TypeError("plot_loss_bowl needs a 3-D axes: pass ax=fig.add_subplot(..., projection='3d').")
    include = [] if point is None else [_valid_point(point)]
    m_values, b_values = parameter_grid(x, y, include)  # refuses a constant x, with its reason
    if ax is None:
        ax = plt.figure(figsize=(6, 5), layout="constrained").add_subplot(projection="3d")
    cap = draw_loss_bowl(ax, x, y, m_values, b_values)
    if point is not None:
        m, b = include[0]
        loss = min(lc.mse(y, lc.predict(x, m, b)), cap)
        ax.plot([m], [b], [loss], "o", ms=10, color=LINE_COLOR, mec="w", label=f"(m, b) = ({m:.3g}, {b:.3g})")
    ax.legend(loc="upper left", facecolor="0.85", framealpha=0.9)
    return ax


# --------------------------------------------------------------------------
# The mean absolute error and its best line (outliers)
# --------------------------------------------------------------------------


def mean_absolute_error(x, y, m, b):
    """The MAE ``(1/n) * sum(|y - (m x + b)|)`` of the line ``(m, b)``."""
    x, y = lv.valid_xy(x, y)
    return float(np.mean(np.abs(y - (m * x + b))))


def mae_line(x, y):
    """Slope and intercept of the line with the smallest mean absolute error.

    For a fixed slope ``m`` the best intercept is ``median(y - m x)``; the MAE
    of that line, as a function of ``m`` alone, is convex and piecewise
    linear, so a golden-section search finds its minimum (to about 1e-12 of
    the slope's natural unit ``std(y) / std(x)``). An optimum is always a
    line through two data points, so the search ends by trying the lines
    through the points closest to the line found and keeps any that does
    better: the answer is then exact up to rounding. When several lines
    share the smallest MAE, one of them is returned.

    Returns
    -------
    (float, float)
        ``(m, b)``.
    """
    x, y = lv.valid_xy(x, y)
    if np.ptp(x) == 0:
        raise ValueError(
            f"All x values are equal (x = {x[0]:g}), so the slope is undefined: "
            f"use data with at least two different x values."
        )

    def loss(m):  # the MAE of the best line with slope m
        shifted = y - m * x
        return float(np.mean(np.abs(shifted - np.median(shifted))))

    m_mid = lc.closed_form(x, y)[0]
    unit = (np.std(y) / np.std(x)) or 1.0 / np.std(x)
    # Bracket: widen each end until the loss there is no lower than at m_mid (convexity
    # then puts a minimum between the ends).
    f_mid, ends = loss(m_mid), []
    for sign in (-1.0, 1.0):
        width = unit
        while loss(m_mid + sign * width) < f_mid:
            width *= 2.0
        ends.append(m_mid + sign * width)
    lo, hi = ends
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    f_c, f_d = loss(c), loss(d)
    while hi - lo > 1e-12 * unit:
        if f_c <= f_d:
            hi, d, f_d = d, c, f_c
            c = hi - ratio * (hi - lo)
            f_c = loss(c)
        else:
            lo, c, f_c = c, d, f_d
            d = lo + ratio * (hi - lo)
            f_d = loss(d)
    m = (lo + hi) / 2.0
    b = float(np.median(y - m * x))
    # Snap to the exact optimum: a line through two of the points nearest to this one.
    near = np.argsort(np.abs(y - (m * x + b)))[:4]
    best = (mean_absolute_error(x, y, m, b), m, b)
    for i in near:
        for j in near:
            if x[i] < x[j]:
                m_ij = (y[j] - y[i]) / (x[j] - x[i])
                b_ij = y[i] - m_ij * x[i]
                best = min(best, (mean_absolute_error(x, y, m_ij, b_ij), m_ij, b_ij))
    return float(best[1]), float(best[2])


def _set_log_limits(ax, *values):
    """Loss-axis limits around every positive value (a loss of exactly 0 is skipped)."""
    values = np.concatenate([np.ravel(v) for v in values])
    positive = values[values > 0]
    low = positive.min() / 1.5 if positive.size else 1e-12
    ax.set_ylim(low, max(values.max() * 1.5, 10 * low))


def _residual_segments(x, y, m, b):
    """Vertical segments from each point to the line, shape (n, 2, 2)."""
    y_pred = m * x + b
    return np.stack([np.column_stack([x, y]), np.column_stack([x, y_pred])], axis=1)


#: Explorers draw at most this many residuals: beyond it, a seeded random sample of the
#: points (:func:`residual_sample`), so the plot stays readable and a slider move costs
#: the same for five points or a hundred thousand.
MAX_RESIDUALS = 300


def residual_sample(n, size=MAX_RESIDUALS, seed=0):
    """Indices of the points whose residuals are drawn: all ``n`` up to ``size``; else
    ``size`` of them drawn without replacement by ``numpy.random.default_rng(seed)``, in
    increasing order, so the same data always shows the same sample."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


class LineLoss:
    """The MSE and R² of any line ``(m, b)`` on fixed data, in constant time.

    Five averages are taken once: the means ``x̄``, ``ȳ`` and the centred
    ``Sxx = mean((x − x̄)²)``, ``Sxy = mean((x − x̄)(y − ȳ))``, ``Syy = mean((y − ȳ)²)``.
    With the least-squares slope ``m̂ = Sxy / Sxx`` and ``Sres``, the MSE of the
    least-squares line (computed once from the data),

        ``L(m, b) = Sres + Sxx·(m − m̂)² + (ȳ − m·x̄ − b)²``

    (expand ``mean((y − m x − b)²)`` around the centroid). All three terms are
    non-negative, so nothing cancels and the result agrees with
    ``mean((y − m*x − b)**2)`` to rounding (tested to 1e-12 relative at n = 10⁵).
    ``R² = 1 − L / Syy``.
    """

    def __init__(self, x, y):
        self.x_mean, self.y_mean = float(np.mean(x)), float(np.mean(y))
        xc, yc = x - self.x_mean, y - self.y_mean
        self.sxx, self.syy = float(np.mean(xc * xc)), float(np.mean(yc * yc))
        self.sxy = float(np.mean(xc * yc))
        self.m_hat = self.sxy / self.sxx if self.sxx > 0 else 0.0
        self.s_res = float(np.mean((yc - self.m_hat * xc) ** 2))

    def __call__(self, m, b):
        offset = self.y_mean - m * self.x_mean - b
        return self.s_res + self.sxx * (m - self.m_hat) ** 2 + offset * offset

    def r_squared(self, m, b):
        return 1.0 - self(m, b) / self.syy


def loss_grid(x, y, m_values, b_values):
    """The MSE at every grid point: equal to ``lc.loss_surface(x, y, m_values, b_values)``.

    The same numbers (to rounding, about 1e-12 relative) and shape ``(len(b_values),
    len(m_values))``, but from the five averages of :class:`LineLoss` instead of a pass
    over the data per grid point, so a contour of n = 10⁵ points takes no longer than
    one of 200. The lesson's literal version stays in the core.
    """
    x, y = lv.valid_xy(x, y)
    m_values = lv.valid_vector(m_values, "m_values")
    b_values = lv.valid_vector(b_values, "b_values")
    return LineLoss(x, y)(m_values[np.newaxis, :], b_values[:, np.newaxis])


#: Above this many points the training explorers run gradient descent on the four points
#: of :func:`equivalent_data`: the same path and losses, in a time that does not grow with n.
EQUIVALENT_ABOVE = 1000


def equivalent_data(x, y):
    """Four points on which gradient descent takes exactly the steps it takes on ``(x, y)``.

    Full-batch gradient descent on the MSE sees the data only through five
    averages: ``mean(x)``, ``mean(y)``, ``mean(x²)``, ``mean(x·y)`` (the
    gradient) and ``mean(y²)`` (the loss). With ``s = std(x)``,
    ``c = cov(x, y) / s``, ``V = var(y)`` and ``p, q = c ± √(V − c²)``, the
    four points ``(x̄ + s, ȳ + p)``, ``(x̄ + s, ȳ + q)``, ``(x̄ − s, ȳ − p)``,
    ``(x̄ − s, ȳ − q)`` have the same five averages, so
    :func:`linreg_core.gradient_descent` on them records the same ``m``, ``b``
    and losses (equal up to rounding, about 1e-13 relative) and stops at the same epoch
    if it diverges, at a cost per epoch that does not depend on ``n``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The four ``x`` and ``y`` values; ``(x, y)`` itself for at most
        :data:`EQUIVALENT_ABOVE` points or a constant ``x``.
    """
    if x.size <= EQUIVALENT_ABOVE:
        return x, y
    sums = LineLoss(x, y)
    s = math.sqrt(sums.sxx)
    if s == 0:
        return x, y
    c = sums.sxy / s
    root = math.sqrt(max(sums.syy - c * c, 0.0))  # ≥ 0 by Cauchy–Schwarz, up to rounding
    p, q = c + root, c - root
    x_mean, y_mean = sums.x_mean, sums.y_mean
    return (
        np.array([x_mean + s, x_mean + s, x_mean - s, x_mean - s]),
        np.array([y_mean + p, y_mean + q, y_mean - p, y_mean - q]),
    )


# --------------------------------------------------------------------------
# The explorer base class: a figure rendered to an Image widget
# --------------------------------------------------------------------------


#: The explorers' readout text is this much larger than the widgets' default (13 px), set by a
#: style rule in a hidden HTML widget (works with ipywidgets 7 and 8; an HTML widget's own
#: ``font_size`` style exists in ipywidgets 8 only).
READOUT_SCALE = 1.2
READOUT_CLASS = "lw-readout"
READOUT_CSS = f"<style>.{READOUT_CLASS} > * {{ font-size: {READOUT_SCALE}em; }}</style>"


def _data_copy(x, y):
    """``x`` and ``y`` checked (:func:`linreg_validation.valid_xy`), as read-only copies: an
    explorer keeps its own data, so a later ``x /= 10`` does not change what it shows."""
    x, y = lv.valid_xy(x, y)
    x, y = x.copy(), y.copy()
    x.flags.writeable = y.flags.writeable = False
    return x, y


#: The notebook cell running now: its key (the cell's id, or its text where the frontend sends
#: no id) and a count of cells run, set by IPython's ``pre_run_cell`` event (see _cell_started).
_CELL = {"key": None, "run": 0}
#: For each cell key: the run that made explorers, and weak references to them.
_EXPLORERS_BY_CELL = {}


def _cell_started(info):
    """IPython's ``pre_run_cell`` event: note which cell runs now.

    JupyterLab, Notebook 7 and VS Code send the cell's id; other frontends (Colab, the
    classic Notebook, nbclient) do not, and the cell is then known by its text.
    """
    _CELL["run"] += 1
    _CELL["key"] = getattr(info, "cell_id", None) or getattr(info, "raw_cell", None)


def _watch_cells():
    """Register :func:`_cell_started` with the kernel's IPython, once (also after a re-import)."""
    shell = _kernel_shell()
    if shell is None:
        return
    callbacks = shell.events.callbacks["pre_run_cell"]
    for callback in list(callbacks):
        if getattr(callback, "__qualname__", "") == "_cell_started" and callback.__module__ == __name__:
            shell.events.unregister("pre_run_cell", callback)
    shell.events.register("pre_run_cell", _cell_started)


_watch_cells()


def _claim_cell(explorer):
    """Record ``explorer`` as made by the cell running now, and close the explorers that an
    earlier run of the same cell made: re-running an explorer's cell frees the old one."""
    key = _CELL["key"]
    if key is None:  # not in a kernel (a script, a test): nothing is re-run
        return
    run, made = _EXPLORERS_BY_CELL.get(key, (None, []))
    if run != _CELL["run"]:
        for ref in made:
            old = ref()
            if old is not None:
                old.close()
        made = []
    made.append(weakref.ref(explorer))
    _EXPLORERS_BY_CELL[key] = (_CELL["run"], made)


def _widget_tree(widget):
    """``widget`` and every widget inside it: children at any depth, and the ``layout`` and
    ``style`` widgets of each (widgets of their own, which closing their owner leaves open)."""
    found, todo = [], [widget]
    while todo:
        w = todo.pop()
        if any(w is seen for seen in found):
            continue
        found.append(w)
        parts = [*getattr(w, "children", ()), getattr(w, "layout", None), getattr(w, "style", None)]
        todo.extend(part for part in parts if isinstance(part, widgets.Widget))
    return found


class Explorer(widgets.VBox):
    """Controls, a readout and a figure that redraws only what moves.

    Subclasses build ``self.fig`` (a plain ``matplotlib.figure.Figure``),
    mark the artists that change with :meth:`moving`, and implement
    :meth:`update`, which sets their data and the readout text. Their
    ``__init__`` runs under :data:`EXPLORER_STYLE` (see ``__init_subclass__``).

    One legend, below the panels, lists the labelled artists of every panel in
    :attr:`legend_axes` (in that order): it never covers a point or a curve.

    The picture is two images of the same size, one on top of the other:
    :attr:`background`, everything that stays put (sent again only when it
    changes), and :attr:`image`, the moving artists on a transparent canvas
    (sent at every change: about 20 KB instead of 160 KB, drawn and encoded in
    less than half the time).
    """

    description = "interactive plot"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _styled(cls.__init__, EXPLORER_STYLE)

    def __init__(self, controls, figsize=FIGSIZE):
        if figsize[0] * DPI > MAX_WIDTH_PX:
            raise ValueError(f"an explorer figure may be at most {MAX_WIDTH_PX} px wide, got {figsize}")
        self.fig = Figure(figsize=figsize, dpi=DPI, layout="constrained", facecolor="white")
        FigureCanvasAgg(self.fig)
        self.readout = widgets.HTML()
        self.readout.add_class(READOUT_CLASS)  # larger text, to read from the back of a room
        self.background, self.image = (
            widgets.Image(format="png", layout=widgets.Layout(max_width="100%", grid_area="picture"))
            for _ in range(2)
        )
        # one grid cell holding both images: the moving layer lies exactly over the still one
        picture = widgets.GridBox(
            [self.background, self.image], layout=widgets.Layout(grid_template_areas='"picture"')
        )
        self._moving, self._background, self.legend_axes = [], None, []
        self._shown_pictures = []  # base64 PNGs given to IPython with the widget (see close)
        self._edge_notes = {}  # marker -> its note, shown when the point has left the panel
        #: Axes that change on retraining (e.g. a loss curve's limits): see invalidate_background.
        self.redrawn_axes = ()
        self._under = None  # the background without the redrawn axes
        super().__init__(
            [
                widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HTML(READOUT_CSS, layout=widgets.Layout(display="none")),  # takes no room
                self.readout,
                picture,
            ]
        )

        _claim_cell(self)

    def close(self):
        """Free the explorer: close its widgets, unhook their observers, drop its figure.

        Re-running the cell that made an explorer calls this for the old one. A closed
        explorer shows nothing and cannot be used again: make a new one.
        """
        if not getattr(self, "_closed", False):  # ipywidgets also calls close() when it is deleted
            self._closed = True
            self._forget_pictures()
            self._free()
            layout = self.layout
            super().close()
            layout.close()
            self.children = ()  # after close: nothing is sent to the page
        else:
            super().close()

    def _free(self):
        own = [value for value in vars(self).values() if isinstance(value, widgets.Widget)]
        for widget in _widget_tree(self) + own:
            if widget is self:
                continue
            widget.unobserve_all()
            if isinstance(widget, widgets.Button):
                widget._click_handlers.callbacks.clear()
            widget.close()
            if isinstance(widget, widgets.Image):  # closed first: nothing is sent to the page
                widget.value = b""
        # The figure is not pyplot's (no window, no registry): dropping it frees it.
        self._moving, self._edge_notes, self.legend_axes = [], {}, []
        self._background = self._under = None
        # The figure, its artists and arrays: dropped, so that a closed explorer still held by
        # the notebook's Out history (it was a cell's result) keeps next to nothing alive.
        heavy = (Figure, Artist, np.ndarray, LineLoss)
        for name, value in list(vars(self).items()):
            parts = (
                value.values()
                if isinstance(value, dict)
                else value
                if isinstance(value, (list, tuple))
                else ()
            )
            if isinstance(value, heavy) or any(isinstance(part, heavy) for part in parts):
                delattr(self, name)
        self.redrawn_axes = ()
        self.fig = None
        self.unobserve_all()
        for name, value in list(vars(self).items()):
            if isinstance(value, widgets.Widget):
                delattr(self, name)

    def __repr__(self):
        # Shown where widgets cannot render (GitHub, a closed kernel): keep it useful and stable.
        return f"{type(self).__name__}: {self.description} (run the notebook to use it)"

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of its first frame for places without a kernel.

        A frontend shows one format per output: JupyterLab and VS Code the live widget
        when the notebook runs; GitHub, nbviewer and a just-opened (untrusted) notebook
        the picture. ipywidgets 7 (Colab) displays widgets through ``_ipython_display_``
        and never calls this, so Colab gets the widget alone.
        """
        parent = getattr(super(), "_repr_mimebundle_", None)  # absent in ipywidgets 7
        bundle = parent(**kwargs) if parent else None
        if bundle is not None and self.image.value:
            self._shown_pictures.append(base64.b64encode(self.picture()).decode("ascii"))
            bundle["image/png"] = self._shown_pictures[-1]
        return bundle

    def _forget_pictures(self):
        """Drop this explorer's pictures from IPython's record of outputs (IPython 9 keeps every
        output's data for ever: about 0.2 MB per run of an explorer cell)."""
        shell, shown = _kernel_shell(), getattr(self, "_shown_pictures", [])
        outputs = getattr(getattr(shell, "history_manager", None), "outputs", None)
        if not shown or not isinstance(outputs, dict):
            return
        for records in outputs.values():
            for record in records:
                bundle = getattr(record, "bundle", None)
                if isinstance(bundle, dict) and any(bundle.get("image/png") is png for png in shown):
                    del bundle["image/png"]
        shown.clear()

    # -- panels: each builder draws what stays put and returns what moves ----------

    def fit_panel(self, ax, title, xlabel="x", ylabel="y", label="current line"):
        """The data with an (empty) moving line; :meth:`set_line` moves it."""
        draw_data(ax, self.x, self.y, xlabel, ylabel)
        ax.set_title(title)
        self._x_ends = np.array(ax.get_xlim())
        self.legend_axes.append(ax)
        self.line = self.moving(ax.plot([], [], color=LINE_COLOR, lw=2, label=label)[0])
        return self.line

    def set_line(self, m, b):
        self.line.set_data(self._x_ends, m * self._x_ends + b)

    def contour_panel(self, ax, m_values, b_values, title, colorbar=True):
        """The loss contour of the data over the grid, with its colour bar."""
        filled = draw_loss_contour(ax, self.x, self.y, m_values, b_values)
        if colorbar:
            add_colorbar(ax, filled)
        ax.set_title(title)
        self.legend_axes.append(ax)
        return filled

    def add_path(self, ax, style, lw, ms=4, label="path"):
        """A moving path of ``(m, b)`` on a contour panel."""
        return self.moving(ax.plot([], [], style, color=PATH_COLOR, lw=lw, ms=ms, label=label)[0])

    def add_marker(self, ax, label, ms=11):
        """A moving dot (the current ``(m, b)`` or loss); :meth:`place_marker` moves it."""
        marker = self.moving(ax.plot([], [], "o", ms=ms, label=label, **CURRENT_MARKER)[0])
        box = dict(facecolor="white", edgecolor=LINE_COLOR, alpha=0.9, boxstyle="round,pad=0.2")
        self._edge_notes[marker] = self.moving(ax.text(0, 0, "", fontsize=MIN_FONT_PT, bbox=box))
        return marker

    def place_marker(self, marker, x, y, note="off the map"):
        """Put ``marker`` (from :meth:`add_marker`) at ``(x, y)``; True if that is inside its panel.

        A point outside the panel is drawn at the edge it left by, as an arrowhead
        pointing the way it went, with ``note`` (e.g. "diverged") written beside it.
        """
        ax, text = marker.axes, self._edge_notes[marker]
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        if not (math.isfinite(x) and math.isfinite(y)):
            marker.set_data([], [])
            text.set_text("")
            return False
        if x0 <= x <= x1 and y0 <= y <= y1:
            marker.set_marker("o")
            marker.set_data([x], [y])
            text.set_text("")
            return True
        pad_x, pad_y = 0.035 * (x1 - x0), 0.05 * (y1 - y0)
        ex, ey = min(max(x, x0 + pad_x), x1 - pad_x), min(max(y, y0 + pad_y), y1 - pad_y)
        ha = "left" if ex < (x0 + x1) / 2 else "right"
        if x > x1 or x < x0:  # out through a side: the note above or below the arrowhead,
            shape = ">" if x > x1 else "<"  # away from the middle, where the star usually is
            below = ey < (y0 + y1) / 2 if y0 + 3 * pad_y < ey < y1 - 3 * pad_y else ey > (y0 + y1) / 2
            tx, ty, va = ex, ey - 1.5 * pad_y if below else ey + 1.5 * pad_y, "top" if below else "bottom"
        else:  # out through the top or bottom: the note below or above it
            shape = "^" if y > y1 else "v"
            tx, ty, va = ex, ey - pad_y if y > y1 else ey + pad_y, "top" if y > y1 else "bottom"
        marker.set_marker(shape)
        marker.set_data([ex], [ey])
        text.set_text(f"{note} {dict(zip('><^v', '→←↑↓'))[shape]}")
        text.set_position((tx, ty))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        return False

    def loss_curve_panel(self, ax, title, xlabel, ylabel, floor_label):
        """A log-scaled loss axis with the least-squares floor; returns that floor."""
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_yscale("log")
        _style_axes(ax)
        self.legend_axes.append(ax)
        best = lc.mse(self.y, lc.predict(self.x, *lc.closed_form(self.x, self.y)))
        if best > 0:  # an exact fit has MSE 0, which a log axis cannot show
            ax.axhline(best, color=GUIDE_COLOR, ls="--", lw=1.5, label=floor_label)
        return best

    def moving(self, *artists):
        """Register artists that change on every update; returns the first."""
        for artist in artists:
            artist.set_animated(True)
            artist.set_in_layout(False)  # the layout is fixed once, whatever moves
        self._moving.extend(artists)
        return artists[0]

    def refresh(self, change=None):
        """Recompute the moving artists and the readout, then re-render.

        A control set to a number that is not finite (``slider.value = nan``: a slider
        accepts it) is put back to its previous value, and nothing else happens.
        """
        if self._refused(change):
            return
        self.update()
        self.render()

    def _refused(self, change):
        """True (and nothing to do) for a closed explorer or a control set to nan: see :meth:`refresh`."""
        if getattr(self, "_closed", False):
            return True
        if _not_finite(change):
            change["owner"].value = change["old"]  # this change calls the observer again
            return True
        return False

    def invalidate_background(self, *axes):
        """Call after changing anything that is not a moving artist.

        Name the changed ``axes`` when all of them are in :attr:`redrawn_axes`:
        the next render then draws only them over a cached picture of the rest
        of the figure (its layout fixed at the first draw), so a retraining that
        moves a loss curve's limits does not draw the data's scatter again and
        costs the same for any n.
        """
        if not axes or not set(axes) <= set(self.redrawn_axes):
            self._under = None
        self._background = None

    def add_legend(self):
        """The shared legend below the panels, in as few rows as fit the figure's width."""
        handles, labels = [], []
        for ax in self.legend_axes:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                if label not in labels:
                    handles.append(handle)
                    labels.append(label)
        if not handles:
            return None
        renderer = self.fig.canvas.get_renderer()
        for ncols in range(len(handles), 0, -1):
            legend = self.fig.legend(
                handles, labels, loc="outside lower center", ncols=ncols, facecolor="0.72", framealpha=1
            )
            if legend.get_window_extent(renderer).width <= 0.98 * self.fig.bbox.width or ncols == 1:
                return legend
            legend.remove()

    def render(self):
        """Draw the moving artists, on a transparent canvas, into :attr:`image`
        (and the background into :attr:`background` when it has changed)."""
        canvas = self.fig.canvas
        if self._background is None:
            with matplotlib.rc_context(EXPLORER_STYLE):  # ticks are made now, from the rcParams
                if self._under is None:
                    if not self.fig.legends:
                        self.add_legend()
                    canvas.draw()  # animated artists are skipped by a full draw
                    if self.redrawn_axes:  # keep the layout; a picture of everything else
                        self.fig.set_layout_engine("none")
                        for ax in self.redrawn_axes:
                            ax.set_visible(False)
                        canvas.draw()
                        for ax in self.redrawn_axes:
                            ax.set_visible(True)
                        self._under = canvas.copy_from_bbox(self.fig.bbox)
                if self._under is not None:
                    canvas.restore_region(self._under)
                    for ax in self.redrawn_axes:
                        self.fig.draw_artist(ax)  # skips its animated (moving) artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self.background.value = png_bytes(canvas)
        canvas.get_renderer().clear()  # transparent
        for artist in self._moving:
            self.fig.draw_artist(artist)
        self.image.value = png_bytes(canvas)

    def picture(self):
        """The whole current frame as one PNG: what the two images show together."""
        if self._background is None:
            self.render()
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for artist in self._moving:
            self.fig.draw_artist(artist)
        return png_bytes(canvas)

    def update(self):
        raise NotImplementedError


def _not_finite(change):
    """Whether a traitlets ``change`` set a number that is not finite (nan, ±inf)."""
    new = change.get("new") if isinstance(change, dict) else None
    return isinstance(new, (float, np.floating)) and not math.isfinite(new)


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(canvas):
    """Encode an Agg canvas as PNG, losslessly and fast (speed beats size here).

    Written with numpy and zlib rather than Pillow: an opaque canvas (every
    explorer figure has a white background) is stored as RGB, a quarter less
    data than RGBA; the rows are not filtered and zlib runs at level 1. On an
    explorer figure this takes about half the time of Pillow's
    ``compress_level=1`` (which tries a PNG filter per row) and gives a
    slightly smaller file (about 160 KB instead of 185 KB for notebook 01's
    figure): encoding was most of the time of a slider move.
    """
    rgba = np.asarray(canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    opaque = bool(rgba[..., 3].min() == 255)
    pixels = rgba[..., :3] if opaque else rgba
    rows = np.zeros((height, 1 + width * pixels.shape[2]), np.uint8)  # filter byte 0: none
    rows[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows, 1)),
            _png_chunk(b"IEND", b""),
        ]
    )


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


def _slider(description, lo, hi, value, n_steps=200, fmt=".3g"):
    lo, hi = min(lo, value), max(hi, value)  # a start outside the box widens it
    step = 10 ** math.floor(math.log10((hi - lo) / n_steps))
    # Round ends and start to the step, so the slider lands on round numbers.
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    value = round(value / step) * step
    return widgets.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=True,
        layout=widgets.Layout(width="360px"),
    )


def _inner(values, margin=0.03):
    """The range of ``values`` less a margin: slider ends stay inside the plot."""
    pad = margin * (values[-1] - values[0])
    return values[0] + pad, values[-1] - pad


def _lr_slider(bounds, value=None):
    """Learning-rate slider on a log scale, spanning every stable bound in ``bounds``.

    The range runs from a tenth of the smallest bound (at least four decades)
    to three times the largest, and always contains ``value``; the default
    value is half the smallest bound.
    """
    value = 0.5 * min(bounds) if value is None else lv.valid_learning_rate(value)
    top = math.ceil(math.log10(max(3 * max(bounds), value)) * 4) / 4
    bottom = min(top - 4, math.floor(math.log10(min(min(bounds) / 10, value)) * 4) / 4)
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=bottom,
        max=top,
        step=0.05,
        description="lr η",
        readout_format=".2r",  # 0.00010 (plain decimals), not 1.00e-4
        layout=widgets.Layout(width="400px"),
    )


#: The learning rates a rate slider offers in each power of ten: round numbers that include every
#: rate the lessons name (0.0001, 0.00025, 0.00035, 0.1, 0.5, 1.2 …), so each is reached exactly.
LR_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8)


def learning_rate_choices(bound, value=None):
    """Round learning rates around the largest safe one, ``bound``, for a selection slider.

    Every ``LR_MANTISSAS × 10^k`` from ``bound / 50`` (rounded down to one of them)
    up to ``4 × bound`` (rounded up), about 2.3 powers of ten: creeping, smooth,
    zigzag and diverging runs are all a few clicks apart. ``value`` (the default:
    the largest choice at most half the bound) is always one of them, exactly.

    Returns
    -------
    (list of (str, float), float)
        The ``(label, rate)`` options, increasing, and the start value.
    """
    if not (math.isfinite(bound) and bound > 0):
        raise ValueError(f"the largest safe learning rate must be a positive number, got {bound!r}")
    value = None if value is None else lv.valid_learning_rate(value)
    lo, hi = bound / 50, 4 * bound
    if value is not None:
        lo, hi = min(lo, value), max(hi, value)
    ladder = [
        float(f"{mantissa}e{k}")  # exact decimals: 2.5e-4, not 2.5 * 10**-4
        for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
        for mantissa in LR_MANTISSAS
    ]
    first = max(i for i, rate in enumerate(ladder) if rate <= lo * (1 + 1e-12))
    last = min(i for i, rate in enumerate(ladder) if rate >= hi * (1 - 1e-12))
    rates = {readable(rate, 3): rate for rate in ladder[first : last + 1]}
    if value is None:
        value = max(rate for rate in rates.values() if rate <= 0.5 * bound)
    rates[readable(value, 3)] = value  # a given rate as it is (it replaces a look-alike)
    return sorted(rates.items(), key=lambda item: item[1]), value


def _lr_choice_slider(bound, value=None):
    """A slider over :func:`learning_rate_choices`: the arrow keys step from one rate to the next."""
    options, value = learning_rate_choices(bound, value)
    return widgets.SelectionSlider(
        options=options,
        value=value,
        description="lr η",
        continuous_update=True,
        layout=widgets.Layout(width="400px"),
    )


def divergence_note(when, advice="Choose a smaller lr."):
    """The readout line of every explorer whose run blew up."""
    return f"✖ <b>Diverged</b>: training stopped {when} because the loss kept growing. {advice}"


# --------------------------------------------------------------------------
# Notebook 01: the line, its residuals and the loss surface
# --------------------------------------------------------------------------


class LossExplorer(Explorer):
    """Sliders for ``m`` and ``b``: the fit line with its residuals (left),
    the current ``(m, b)`` on the loss contour (middle) and on the loss
    surface in 3-D, a bowl (right); the readout gives the MSE and R².

    The contour map is the bowl seen from above (the same colours); the bowl
    is cut off at the top (a note says where), the readout always shows the true MSE.

    Any n: the scatter is part of the cached background; beyond
    :data:`MAX_RESIDUALS` points the residuals of a seeded random sample
    (:func:`residual_sample`) are drawn, as the legend says; the MSE and R²
    always use all the points, in constant time (:class:`LineLoss`).

    ``compact=True`` (notebook 01's live lesson) shows only the fit and the contour
    map (its colour bar says "darker = lower MSE") and reads out the MSE alone:
    no 3-D bowl, no R².
    """

    description = "drag m and b: the line and its point on the loss surface move"

    def __init__(self, x, y, xlabel="x", ylabel="y", m=None, b=None, compact=False):
        self.x, self.y = _data_copy(x, y)
        m_values, b_values = parameter_grid(self.x, self.y)
        # Default start: a too-flat line through the middle of the data. A given start (e.g. the
        # student's guess) is always on the map: the grid grows to hold it.
        m = m_values[len(m_values) // 4] if m is None else lv.valid_number(m, "m")
        b = self.y.mean() - m * self.x.mean() if b is None else lv.valid_number(b, "b")
        m_values, b_values = parameter_grid(self.x, self.y, include=[(m, b)])
        self.m_slider = _slider("slope m", *_inner(m_values), m)
        self.b_slider = _slider("intercept b", *_inner(b_values), b)
        self.compact = bool(compact)
        super().__init__([self.m_slider, self.b_slider], figsize=(9.6, 4.6) if self.compact else (10.4, 4.6))

        if self.compact:
            grid = self.fig.add_gridspec(1, 2)
        else:  # space before the bowl: its MSE label stands out to the left of the 3-D box
            self.fig.get_layout_engine().set(wspace=0.06)
            grid = self.fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.35])
        ax_fit, ax_loss = self.fig.add_subplot(grid[0]), self.fig.add_subplot(grid[1])
        self.fit_panel(ax_fit, "the line, its residuals", xlabel, ylabel, label="y = m·x + b")
        # Every residual up to MAX_RESIDUALS points, else a seeded sample (said in the legend).
        self.residual_index = residual_sample(self.x.size)
        shown = self.residual_index.size
        label = "residuals" if shown == self.x.size else f"residuals of {shown} random points"
        self.residuals = self.moving(
            ax_fit.add_collection(LineCollection([], colors="0.35", linewidths=0.8, label=label))
        )
        self._residual_xy = self.x[self.residual_index], self.y[self.residual_index]
        self.line_loss = LineLoss(self.x, self.y)  # the readout in constant time, exact
        if self.compact:
            filled = self.contour_panel(ax_loss, m_values, b_values, "the MSE of each (m, b)", colorbar=False)
            add_colorbar(ax_loss, filled, label="MSE: darker = lower")
        else:
            self.contour_panel(ax_loss, m_values, b_values, "the loss, from above", colorbar=False)
        self.marker = self.add_marker(ax_loss, "current (m, b)", ms=12)
        self.ax_bowl = self.bowl_stem = self.bowl_marker = None
        if not self.compact:
            self.ax_bowl = self.fig.add_subplot(grid[2], projection="3d")
            self.bowl_cap = draw_loss_bowl(self.ax_bowl, self.x, self.y, m_values, b_values)
            self.ax_bowl.set_title("the loss surface: a bowl")
            # The point on the bowl, and a drop line to its floor so its place reads in 3-D.
            self.bowl_stem = self.moving(self.ax_bowl.plot([], [], [], color="w", lw=1.5)[0])
            self.bowl_marker = self.moving(
                self.ax_bowl.plot([], [], [], "o", ms=11, ls="none", **CURRENT_MARKER)[0]
            )
        # R² needs some spread in y; for constant y the readout says it is undefined.
        self._r2_defined = np.ptp(self.y) > 0

        self.m_slider.observe(self.refresh, names="value")
        self.b_slider.observe(self.refresh, names="value")
        self.refresh()

    def update(self):
        m, b = self.m_slider.value, self.b_slider.value
        self.set_line(m, b)
        self.residuals.set_segments(_residual_segments(*self._residual_xy, m, b))
        self.marker.set_data([m], [b])
        self.loss = self.line_loss(m, b)
        line = f"line: {line_label(m, b)} &nbsp;→&nbsp; <b>MSE = {readable(self.loss)}</b>"
        if self.compact:
            self.r2 = None
            self.readout.value = line
            return
        height = min(self.loss, self.bowl_cap)
        self.bowl_marker.set_data_3d([m], [b], [height])
        self.bowl_stem.set_data_3d([m, m], [b, b], [0.0, height])
        self.r2 = self.line_loss.r_squared(m, b) if self._r2_defined else None
        r2 = f"R² = {self.r2:.4f}".replace("-", "−") if self._r2_defined else "R² undefined (all y are equal)"
        self.readout.value = f"{line}, &nbsp;<b>{r2}</b>"


class OutlierExplorer(Explorer):
    """One outlier, moved by a slider: the least-squares (MSE) line follows it,
    the least-absolute-error (MAE) line hardly moves.

    The outlier sits at ``x = outlier_x`` (the largest x by default, where a
    point pulls hardest on a slope); the slider sets its y, the checkbox adds or
    removes it. Left: the data, the outlier, both lines (thin dashed: the same
    lines without the outlier). Right: the slope of each line for every
    position of the outlier, with the current one marked. The readout gives
    both slopes and how far each moved from its value without the outlier.
    An outlier beyond the left panel is drawn at its edge as a triangle.
    """

    description = "drag the outlier: the MSE line follows it, the MAE line stays"

    def __init__(self, x, y, outlier_x=None, outlier_y=None, xlabel="x", ylabel="y"):
        self.x, self.y = _data_copy(x, y)
        self.base = {"MSE": lc.closed_form(self.x, self.y), "MAE": mae_line(self.x, self.y)}
        self.outlier_x = self.x.max() if outlier_x is None else lv.valid_number(outlier_x, "outlier_x")
        spread = np.ptp(self.y) or 1.0
        if outlier_y is None:  # well below the data: an obvious outlier
            outlier_y = self.y.min() - spread
        self.outlier_slider = _slider(
            "outlier y",
            self.y.min() - 3 * spread,
            self.y.max() + 3 * spread,
            lv.valid_number(outlier_y, "outlier_y"),
        )
        self.outlier_box = widgets.Checkbox(value=True, description="add the outlier", indent=False)
        super().__init__([self.outlier_slider, self.outlier_box])

        ax_fit, self.ax_slope = self.fig.subplots(1, 2)
        xs_all = np.append(self.x, self.outlier_x)
        draw_data(ax_fit, xs_all, np.append(self.y, self.y.mean()), xlabel, ylabel)
        # Room for the outlier to stray (beyond, it is drawn at the edge).
        ax_fit.set_ylim(self.y.min() - 1.2 * spread, self.y.max() + 1.2 * spread)
        ax_fit.set_title("one outlier against two lines")
        self._x_ends = np.array(ax_fit.get_xlim())
        # Told apart by colour and by style: the MSE line solid, the MAE line dashed.
        styles = {"MSE": dict(color=LINE_COLOR, ls="-"), "MAE": dict(color=MAE_COLOR, ls="--")}
        for name, style in styles.items():
            m, b = self.base[name]
            ax_fit.plot(self._x_ends, m * self._x_ends + b, ":", color=style["color"], lw=1.5, alpha=0.9)
        ax_fit.plot([], [], ":", color="0.3", lw=1.5, label="the lines without the outlier")
        self.lines = {
            name: self.moving(ax_fit.plot([], [], **styles[name], lw=2.5, label=label)[0])
            for name, label in (("MSE", "MSE line (least squares)"), ("MAE", "MAE line"))
        }
        self.outlier = self.moving(
            ax_fit.plot([], [], "D", ms=11, color=OUTLIER_COLOR, mec="k", label="the outlier")[0]
        )
        self.outlier_note = self.moving(ax_fit.text(0, 0, "", ha="right", va="center", fontsize=MIN_FONT_PT))

        # Right: each slope as a function of the outlier's height, over the slider's range.
        ax = self.ax_slope
        heights = np.linspace(self.outlier_slider.min, self.outlier_slider.max, 61)
        self.curves = {name: np.array([self._slope(name, h) for h in heights]) for name in self.base}
        for name, style in styles.items():
            label = "MSE line (least squares)" if name == "MSE" else "MAE line"
            ax.plot(heights, self.curves[name], **style, lw=2.5, label=label)
            ax.axhline(self.base[name][0], color=style["color"], ls=":", lw=1.5)
        ax.set_xlim(heights[0], heights[-1])
        ax.set_xlabel("the outlier's y")
        ax.set_ylabel("slope m of the line")
        ax.set_title("slopes as the outlier moves\n(dotted: without the outlier)")
        _style_axes(ax)
        self.legend_axes = [ax_fit]
        self.now_line = self.moving(ax.axvline(heights[0], color="0.45", lw=1.5))  # the outlier's y now
        self.slope_points = {
            name: self.moving(ax.plot([], [], marker, ms=9, color=styles[name]["color"], mec="k")[0])
            for name, marker in (("MSE", "o"), ("MAE", "s"))
        }

        self.outlier_slider.observe(self.refresh, names="value")
        self.outlier_box.observe(self.refresh, names="value")
        self.refresh()

    def _fit(self, name, height):
        if self.x.size > EQUIVALENT_ABOVE:
            return self._large_fit(name, height)
        x, y = np.append(self.x, self.outlier_x), np.append(self.y, height)
        return lc.closed_form(x, y) if name == "MSE" else mae_line(x, y)

    def _large_fit(self, name, height):
        """The same lines as :meth:`_fit` for large n, exact, without a pass over the data per height.

        MSE: the least-squares line of the data plus the outlier, from the data's
        means and centred sums updated with that one point (Welford's formulas).
        MAE: while the outlier lies below the MAE line fitted with an outlier far
        below, that line stays a best line (the outlier's term in the MAE is then
        the same linear function of ``(m, b)`` whatever its height); the same
        above. These two fits, made once, serve every height outside the narrow
        band between the two lines; a height inside it is solved by
        :func:`mae_line` (and remembered).
        """
        if not hasattr(self, "_sums"):
            self._sums = LineLoss(self.x, self.y)  # the data's means and centred averages
            self._mae_solved, self._mae_sides = {}, []
            spread = (np.ptp(self.y) or 1.0) + abs(self.base["MSE"][0]) * (np.ptp(self.x) + 1.0)
            for sign, far in ((-1, self.y.min() - 100 * spread), (1, self.y.max() + 100 * spread)):
                m, b = mae_line(np.append(self.x, self.outlier_x), np.append(self.y, far))
                if sign * (far - (m * self.outlier_x + b)) > 0:  # the far outlier is on that side
                    self._mae_sides.append((sign, m, b))
        if name == "MSE":
            n, sums = self.x.size, self._sums
            dx, dy = self.outlier_x - sums.x_mean, height - sums.y_mean
            # centred sums (n times the averages) with the outlier added
            sxx = n * sums.sxx + n / (n + 1) * dx * dx
            sxy = n * sums.sxy + n / (n + 1) * dx * dy
            m = sxy / sxx
            return m, (sums.y_mean + dy / (n + 1)) - m * (sums.x_mean + dx / (n + 1))
        for sign, m, b in self._mae_sides:
            if sign * (height - (m * self.outlier_x + b)) > 0:
                return m, b
        if height not in self._mae_solved:
            self._mae_solved[height] = mae_line(np.append(self.x, self.outlier_x), np.append(self.y, height))
        return self._mae_solved[height]

    def _slope(self, name, height):
        return self._fit(name, height)[0]

    def update(self):
        present, height = self.outlier_box.value, self.outlier_slider.value
        self.fits = {name: self._fit(name, height) if present else self.base[name] for name in self.base}
        for name, (m, b) in self.fits.items():
            self.lines[name].set_data(self._x_ends, m * self._x_ends + b)
            self.slope_points[name].set_data([height] if present else [], [m] if present else [])
        low, high = self.outlier.axes.get_ylim()
        shown = min(max(height, low + 0.03 * (high - low)), high - 0.03 * (high - low))
        marker = "D" if shown == height else ("^" if height > high else "v")
        self.outlier.set_marker(marker)
        self.outlier.set_data([self.outlier_x] if present else [], [shown] if present else [])
        note = f"y = {height:.4g} " if present and shown != height else ""
        self.outlier_note.set_text(note.replace("-", "−"))
        self.outlier_note.set_position((self.outlier_x - 0.03 * np.ptp(self._x_ends), shown))
        self.now_line.set_xdata([height, height])
        self.now_line.set_visible(present)

        self.moved = {name: self.fits[name][0] - self.base[name][0] for name in self.base}
        parts = []
        for name, title in (("MSE", "MSE line (least squares)"), ("MAE", "MAE line")):
            m, m0 = self.fits[name][0], self.base[name][0]
            parts.append(
                f"<b>{title}: m = {m:.4f}</b> (without the outlier {m0:.4f}, moved by {m - m0:+.4f})"
            )
        text = " &nbsp;·&nbsp; ".join(parts)
        if present and abs(self.moved["MAE"]) > 0:
            ratio = abs(self.moved["MSE"]) / abs(self.moved["MAE"])
            text += f"<br>The outlier moved the MSE slope {ratio:.3g} times as far as the MAE slope."
        elif present:
            text += "<br>The MAE slope did not move at all."
        else:
            text += "<br>No outlier: tick 'add the outlier'."
        self.readout.value = text.replace("-", "−")  # true minus signs


# --------------------------------------------------------------------------
# Notebooks 01 and 02: the loss along the slope, its tangent and gradient
# --------------------------------------------------------------------------


class SlopeExplorer(Explorer):
    """A slider for ``m`` with ``b`` held fixed: the loss curve ``L(m)``
    with the current point (left) and the point on the contour (right).

    With ``tangent=True`` the left panel also draws the tangent line, whose
    slope is ``dL/dm``, and the right panel the gradient as arrows: a field
    over the grid and the arrow at the current point (scaled to fit).
    """

    def __init__(self, x, y, b=None, tangent=False, m=None):
        self.x, self.y = _data_copy(x, y)
        m_values, b_values = parameter_grid(self.x, self.y)
        m_hat, b_hat = lc.closed_form(self.x, self.y)
        self.b = b_hat if b is None else lv.valid_number(b, "b")
        self.tangent = tangent
        self.description = (
            "drag m: the tangent to the loss curve and the gradient"
            if tangent
            else "drag m: a point moves along the loss curve L(m)"
        )
        m = m_values[len(m_values) // 5] if m is None else lv.valid_number(m, "m")
        self.m_slider = _slider("slope m", *_inner(m_values), m)
        super().__init__([self.m_slider])

        ax_curve, ax_loss = self.fig.subplots(1, 2)
        curve = loss_grid(self.x, self.y, m_values, [self.b])[0]
        ax_curve.plot(m_values, curve, color="k", lw=1.5, label=f"L(m) with b = {self.b:.3g}")
        ax_curve.set_ylim(-0.05 * curve.max(), 1.05 * curve.max())
        ax_curve.set_xlabel("slope m")
        ax_curve.set_ylabel("MSE  L(m, b)")
        ax_curve.set_title("the loss along the slope")
        self.point = self.add_marker(ax_curve, "current m")
        self._m_span = np.ptp(m_values)
        if tangent:
            self.tangent_line = self.moving(
                ax_curve.plot([], [], "--", color=LINE_COLOR, lw=1.5, label="tangent: slope = ∂L/∂m")[0]
            )
        self.legend_axes.append(ax_curve)

        self.contour_panel(ax_loss, m_values, b_values, "the slice b = const through the surface")
        ax_loss.axhline(self.b, color="w", lw=1, ls=":", label=f"b = {self.b:.3g} (held)")
        self.marker = self.add_marker(ax_loss, "current (m, b)")
        if tangent:
            self._draw_gradient_field(ax_loss, m_values, b_values)
            self.arrow = self.moving(
                ax_loss.quiver(
                    [m],
                    [self.b],
                    [0],
                    [0],
                    color=LINE_COLOR,
                    angles="xy",
                    scale_units="xy",
                    scale=1,
                    width=0.012,
                    label="downhill from here",
                )
            )
            ax_loss.set_title("arrows: the downhill direction")
        self.m_slider.observe(self.refresh, names="value")
        self.refresh()

    def _draw_gradient_field(self, ax, m_values, b_values):
        """Arrows of −∇L on a coarse grid, each scaled to the same length.

        The raw gradient mixes units (dm is thousands of times larger than
        db on typical data), so only directions are drawn: the arrows show
        where "downhill" points, not how steep it is.
        """
        ms, bs = np.meshgrid(m_values[::15], b_values[::15])
        grads = np.array([lc.gradients(self.x, self.y, m, b) for m, b in zip(ms.ravel(), bs.ravel())])
        dm, db = grads[:, 0].reshape(ms.shape), grads[:, 1].reshape(ms.shape)
        u, v = -dm / np.ptp(m_values), -db / np.ptp(b_values)  # in axis fractions
        norm = np.hypot(u, v) + 1e-300
        ax.quiver(
            ms,
            bs,
            u / norm * np.ptp(m_values) * 0.05,
            v / norm * np.ptp(b_values) * 0.05,
            angles="xy",
            scale_units="xy",
            scale=1,
            color="w",
            alpha=0.95,
            width=0.005,
            edgecolor="0.1",
            linewidth=0.8,
        )
        self._axis_spans = np.ptp(m_values), np.ptp(b_values)
        self._typical_gradient = np.median(norm)  # arrows shorter than this shrink

    def update(self):
        m, b = self.m_slider.value, self.b
        self.loss = lc.mse(self.y, lc.predict(self.x, m, b))
        self.dm, self.db = lc.gradients(self.x, self.y, m, b)
        self.point.set_data([m], [self.loss])
        self.marker.set_data([m], [b])
        text = f"m = {readable(m)}, b = {readable(b)} &nbsp;→&nbsp; <b>L = {readable(self.loss)}</b>"
        if self.tangent:
            half = 0.15 * self._m_span
            ms = np.array([m - half, m + half])
            self.tangent_line.set_data(ms, self.loss + self.dm * (ms - m))
            # The arrow at the current point: direction of −∇L, fixed length on screen.
            m_span, b_span = self._axis_spans
            u, v = -self.dm / m_span, -self.db / b_span
            norm = math.hypot(u, v) or 1.0
            # Full length where the slope is typical; shrinks to nothing at the minimum.
            length = 0.12 * min(1.0, norm / self._typical_gradient)
            self.arrow.set_offsets([[m, b]])
            self.arrow.set_UVC([u / norm * m_span * length], [v / norm * b_span * length])
            text += (
                f", &nbsp;<b>∂L/∂m = {readable(self.dm)}</b> (slope of the tangent),"
                f" ∂L/∂b = {readable(self.db)}"
            )
        self.readout.value = text


# --------------------------------------------------------------------------
# Notebook 03: one update at a time
# --------------------------------------------------------------------------


def _stability_note(bound, lr):
    note = f"lr = {readable(lr, 3)} (the largest safe lr for these data: {readable(bound, 3)})"
    if lr >= bound:
        note += " &nbsp;⚠ <b>lr is above the largest safe one: each step overshoots more</b>"
    return note


class StepExplorer(Explorer):
    """Step through gradient descent by hand: a learning-rate slider (round
    rates, :func:`learning_rate_choices`) and Step / 10 steps / Reset buttons.
    Each step adds a point to the path on the contour (middle) and moves the
    line (left). A new learning rate starts again from the start, like Reset.

    The readout names the learning rate but not the largest safe one: the
    lesson asks students to predict what a rate does before they step."""

    description = "press Step: one update, one more dot on the path"

    def __init__(self, x, y, lr=None, m0=0.0, b0=0.0, xlabel="x", ylabel="y"):
        self.x, self.y = _data_copy(x, y)
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        self.bound = lc.stable_learning_rate(self.x)
        self.lr_slider = _lr_choice_slider(self.bound, lr)
        self.step_button = widgets.Button(description="Step", button_style="primary")
        self.step10_button = widgets.Button(description="10 steps")
        self.reset_button = widgets.Button(description="Reset", button_style="warning")
        super().__init__([self.lr_slider, self.step_button, self.step10_button, self.reset_button])

        ax_fit, ax_loss, self.ax_steps = self.fig.subplots(1, 3)
        self.fit_panel(ax_fit, "the line after each step", xlabel, ylabel)
        m_values, b_values = parameter_grid(self.x, self.y, include=[self.start])
        self.contour_panel(ax_loss, m_values, b_values, "(m, b), one dot per step", colorbar=False)
        self.path = self.add_path(ax_loss, ".-", lw=1, ms=5)
        self.marker = self.add_marker(ax_loss, "current (m, b)")
        # Right: m after each step. On the map a zigzag of m folds onto one flat segment
        # (b hardly moves); here each swing is one step up or down.
        ax = self.ax_steps
        ax.set_title("m after each step")
        ax.set_xlabel("step")
        ax.set_ylabel("slope m")
        ax.set_ylim(m_values[0], m_values[-1])  # the map's range of m
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        # The best m for the b reached so far (not the least-squares m: b moves slowly, so m
        # settles where the loss is lowest for the current b, and this line moves with b).
        self.best_m_line = self.moving(
            ax.axhline(0.0, color=GUIDE_COLOR, ls="--", lw=1.5, label="best m for the current b")
        )
        _style_axes(ax)
        self.legend_axes.append(ax)
        self.m_curve = self.moving(ax.plot([], [], ".-", color=PALETTE["curve"], lw=1.2, ms=8)[0])
        self.m_marker = self.add_marker(ax, "current (m, b)")
        self.redrawn_axes = (ax,)  # its step axis grows as steps are taken
        self._steps_shown = None

        self.step_button.on_click(lambda _: self.take_steps(1))
        self.step10_button.on_click(lambda _: self.take_steps(10))
        self.reset_button.on_click(lambda _: self.reset())
        self.lr_slider.observe(lambda _: self.reset(), names="value")  # a new rate starts again
        self.reset()

    def reset(self):
        """Back to the starting point, with an empty path."""
        m, b = self.start
        self.ms, self.bs = [m], [b]
        self.losses = [lc.mse(self.y, lc.predict(self.x, m, b))]
        self.diverged = False
        self.refresh()

    def best_m_for(self, b):
        """The slope with the lowest MSE when the intercept is held at ``b``:
        (mean(x·y) − b·mean(x)) / mean(x²), where ∂L/∂m = 0."""
        spread = float(np.mean(self.x**2))
        if spread == 0:  # every x is 0: m changes nothing
            return math.nan
        return (float(np.mean(self.x * self.y)) - b * float(np.mean(self.x))) / spread

    def take_steps(self, count):
        """Apply the update rule ``count`` times, stopping if the loss blows up."""
        for _ in range(count):
            if self.diverged:
                break
            m, b = lc.step(self.x, self.y, self.ms[-1], self.bs[-1], self.lr_slider.value)
            loss = lc.mse(self.y, lc.predict(self.x, m, b))
            if lv.DivergenceWatch(self.losses[0]).blown_up(loss):
                self.diverged = True
                break
            self.ms.append(m)
            self.bs.append(b)
            self.losses.append(loss)
        self.refresh()

    def update(self):
        m, b = self.ms[-1], self.bs[-1]
        self.set_line(m, b)
        self.path.set_data(self.ms, self.bs)
        note = "diverged" if self.diverged else "off the map"
        self.place_marker(self.marker, m, b, note)
        steps = len(self.ms) - 1
        shown = 10
        while shown < steps:
            shown *= 2
        if shown != self._steps_shown:  # 10, 20, 40, … steps wide
            self._steps_shown = shown
            self.ax_steps.set_xlim(-0.5, 1.05 * shown + 0.5)  # room for the last tick's label
            self.invalidate_background(self.ax_steps)
        self.m_curve.set_data(np.arange(steps + 1), self.ms)
        self.best_m_line.set_ydata([self.best_m_for(b)] * 2)
        self.place_marker(self.m_marker, steps, m, note)
        m_star, b_star = lc.closed_form(self.x, self.y)
        text = (
            f"step {len(self.ms) - 1}: m = {readable(m)}, b = {readable(b)}, "
            f"<b>MSE = {readable(self.losses[-1])}</b> (the star: m = {readable(m_star, 3)}, "
            f"b = {readable(b_star, 3)})"
            f"<br>lr = {readable(self.lr_slider.value, 3)} (a new lr starts again from step 0)"
        )
        if self.diverged:
            text += "<br>" + divergence_note(
                "at this step (the next one would make the loss over a million times its first value)",
                "Press Reset and choose a smaller lr.",
            )
        elif len(self.losses) >= 3 and self.losses[0] < self.losses[-2] < self.losses[-1]:
            text += "<br>⚠ <b>diverging</b>: the MSE is above its start and grows at every step."
        self.readout.value = text


# --------------------------------------------------------------------------
# Notebook 04: the whole training run, epoch by epoch
# --------------------------------------------------------------------------


#: Play shows every epoch on this many first frames, then speeds up.
PLAY_SLOW_FRAMES = 20


def _last_consecutive(schedule):
    """The last epoch up to which a Play schedule shows every epoch."""
    gaps = np.flatnonzero(np.diff(schedule) > 1)
    return int(schedule[gaps[0]] if gaps.size else schedule[-1])


def play_epochs(epochs, frames=100, slow=PLAY_SLOW_FRAMES):
    """The epoch that Play shows at each frame: every epoch at first, then faster.

    The first ``slow`` frames show epochs 0, 1, …, ``slow - 1`` (where the
    loss falls fastest); after that the epochs grow geometrically (the same
    ratio from frame to frame) to end exactly at ``epochs``. Repeated epochs
    are dropped, so there are at most ``frames`` frames. A shorter run, of
    fewer than ``1.25 × frames`` epochs, shows every epoch instead (skipping a
    handful of a hundred would not be faster, only confusing).

    Parameters
    ----------
    epochs : int
        The last epoch of the run (0 or more).
    frames : int
        The most frames to show (more than ``slow``).
    slow : int
        How many first frames show consecutive epochs.

    Returns
    -------
    numpy.ndarray
        Increasing whole numbers, from 0 to ``epochs``: the epoch of each frame.

    Examples
    --------
    >>> play_epochs(5).tolist()
    [0, 1, 2, 3, 4, 5]
    >>> schedule = play_epochs(300)
    >>> schedule[:21].tolist() == list(range(21)), int(schedule[-1]), len(schedule)
    (True, 300, 100)
    """
    epochs = lv.valid_whole_number(epochs, "epochs", low=0)
    slow = lv.valid_whole_number(slow, "slow")
    frames = lv.valid_whole_number(frames, "frames", low=slow + 1)
    if epochs < frames * 5 // 4:
        return np.arange(epochs + 1)
    head = np.arange(slow)
    best = None
    # More geometric points than frames are needed, as rounding makes repeats at the start.
    for count in range(frames - slow, 2 * frames):
        tail = np.rint(np.geomspace(slow, epochs, count)).astype(int)
        schedule = np.unique(np.concatenate([head, tail]))
        if len(schedule) > frames:
            break
        best = schedule
    return best


class TrainingExplorer(Explorer):
    """Replay a gradient-descent run: Play (or the epoch slider) moves the
    line, the path on the contour and the loss curve together. Changing the
    learning rate or the number of epochs trains again."""

    description = "press Play: line, path and loss curve, epoch by epoch"

    def __init__(self, x, y, lr=None, epochs=300, m0=0.0, b0=0.0, xlabel="x", ylabel="y"):
        self.x, self.y = _data_copy(x, y)
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        self.bound = lc.stable_learning_rate(self.x)
        self.lr_slider = _lr_choice_slider(self.bound, lr)
        epochs = lv.valid_epochs(epochs)
        self.epochs_slider = widgets.IntSlider(
            value=epochs,
            min=min(10, epochs),
            max=max(2000, epochs),
            step=10,
            description="epochs",
            continuous_update=False,
        )
        self.epoch_slider = widgets.IntSlider(
            value=0, min=0, max=epochs, description="epoch", layout=widgets.Layout(width="360px")
        )
        # Play counts frames; the kernel maps frame k to the epoch play_epochs(...)[k] (a
        # kernel-side link: jslink between Play and a slider misbehaves on Colab, colabtools #1612).
        self.schedule = play_epochs(epochs)
        self.play = widgets.Play(value=0, min=0, max=len(self.schedule) - 1, interval=60, description="Play")
        widgets.dlink((self.play, "value"), (self.epoch_slider, "value"), transform=self._frame_epoch)
        # Buttons with words: Play's own buttons are icons, which do not show everywhere
        # (no icon font on Colab, colabtools #60 and #1302). So Play itself is hidden: it stays
        # in the page only to run the animation in the browser (its timer), the words drive it.
        self.play.layout.display = "none"
        self.play_button = widgets.Button(description="▶ Play", layout=widgets.Layout(width="90px"))
        self.pause_button = widgets.Button(description="❚❚ Pause", layout=widgets.Layout(width="90px"))
        self.play_button.on_click(lambda _: self.set_playing(True))
        self.pause_button.on_click(lambda _: self.set_playing(False))
        super().__init__(
            [
                self.play_button,
                self.pause_button,
                self.play,
                self.epoch_slider,
                self.lr_slider,
                self.epochs_slider,
            ]
        )

        ax_fit, ax_loss, self.ax_curve = self.fig.subplots(1, 3)
        self.fit_panel(ax_fit, "the line", xlabel, ylabel)
        if is_standardized(self.x):  # a round bowl: the same span for m and b, drawn round
            m_values, b_values = square_parameter_grid(self.x, self.y, include=[self.start])
        else:
            m_values, b_values = parameter_grid(self.x, self.y, include=[self.start])
        self.contour_panel(ax_loss, m_values, b_values, "the path on the loss", colorbar=False)
        if is_standardized(self.x):
            ax_loss.set_aspect("equal")
        self.path = self.add_path(ax_loss, "-", lw=1.5)
        self.marker = self.add_marker(ax_loss, "epoch shown")
        self.best_loss = self.loss_curve_panel(
            self.ax_curve, "the loss, epoch by epoch", "epoch", "MSE (log scale)", "lowest possible MSE"
        )
        # A plain epoch axis (whole numbers); the loss axis is logarithmic.
        self.ax_curve.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        self.curve = self.moving(self.ax_curve.plot([], [], color="k", lw=1.5, label="gradient descent")[0])
        self.curve_point = self.moving(self.ax_curve.plot([], [], "o", ms=10, **CURRENT_MARKER)[0])
        self.curve_point.set_clip_on(False)  # whole, even on the panel's right edge
        self.redrawn_axes = (self.ax_curve,)  # retraining redraws the loss curve's axes only

        # The same run on four points with the data's averages, for large n (equivalent_data).
        self._descent_data = equivalent_data(self.x, self.y)
        self.epoch_slider.observe(self.refresh, names="value")
        self.lr_slider.observe(self.train, names="value")
        self.epochs_slider.observe(self.train, names="value")
        self.train()

    def set_playing(self, playing):
        """Start (from the first frame, if at the end) or pause Play's animation."""
        if playing and self.play.value >= self.play.max:
            self.play.value = 0
        self.play.playing = self.play._playing = playing  # ipywidgets 8 and 7 names

    def train(self, change=None):
        """Run gradient descent with the current controls and show epoch 0."""
        if self._refused(change):
            return
        self.result = lc.gradient_descent(
            *self._descent_data, self.lr_slider.value, self.epochs_slider.value, *self.start, warn=False
        )
        last = len(self.result.losses) - 1
        self.play.playing = self.play._playing = False  # ipywidgets 8 and 7 names
        self.schedule = play_epochs(last)
        self.play.value = 0  # frame 0 is epoch 0 (the link sets the epoch slider)
        self.epoch_slider.value = 0
        self.epoch_slider.max = last
        self.play.max = len(self.schedule) - 1
        self.ax_curve.set_xlim(0, max(last, 1))
        _set_log_limits(self.ax_curve, self.result.losses, self.best_loss)
        self.invalidate_background(self.ax_curve)
        self.refresh()

    def _frame_epoch(self, frame):
        """The epoch shown at Play's frame ``frame``."""
        return int(self.schedule[min(max(frame, 0), len(self.schedule) - 1)])

    def update(self):
        k = min(self.epoch_slider.value, len(self.result.losses) - 1)
        ms, bs, losses = self.result.ms, self.result.bs, self.result.losses
        self.set_line(ms[k], bs[k])
        self.path.set_data(ms[: k + 1], bs[: k + 1])
        self.place_marker(self.marker, ms[k], bs[k], "diverged" if self.result.diverged else "off the map")
        self.curve.set_data(np.arange(k + 1), losses[: k + 1])
        self.curve_point.set_data([k], [losses[k]])
        last, every = len(losses) - 1, _last_consecutive(self.schedule)
        play = "every epoch" if every == last else f"every epoch up to {every}, then skips more and more"
        text = (
            f"epoch {k}: m = {readable(ms[k])}, b = {readable(bs[k])}, <b>MSE = {readable(losses[k])}</b> "
            f"(showing epoch {k} of {last}; Play shows {play})"
            f"<br>{_stability_note(self.bound, self.lr_slider.value)}"
        )
        if self.result.diverged:
            text += "<br>" + divergence_note(f"after epoch {len(losses) - 1}")
        self.readout.value = text


# --------------------------------------------------------------------------
# Notebooks 05 and 06: feature scaling, a long valley against a round bowl
# --------------------------------------------------------------------------


def square_parameter_grid(x, y, include=(), n=150):
    """Slopes and intercepts on a square box (the same span for ``m`` and ``b``).

    Meant for standardised ``x``, where the loss is a round bowl: drawn with
    ``ax.set_aspect("equal")`` its contours are circles. The box is centred
    on the least-squares ``(m, b)`` and grows to contain every ``(m, b)`` in
    ``include`` (e.g. a starting point) with a margin.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``m_values`` and ``b_values``, ``n`` points each.
    """
    m_hat, b_hat = lc.closed_form(x, y)
    # All y equal to 0 gives a zero box: fall back to one unit, as parameter_grid does.
    half = 1.3 * (max(abs(m_hat), abs(b_hat), float(np.std(y))) or 1.0)
    for m, b in include:
        half = max(half, 1.1 * max(abs(m - m_hat), abs(b - b_hat)))
    return np.linspace(m_hat - half, m_hat + half, n), np.linspace(b_hat - half, b_hat + half, n)


def is_standardized(x):
    """Whether ``x`` has mean 0 and standard deviation 1 (up to rounding), as
    :func:`linreg_core.standardize` returns it."""
    x = np.asarray(x, float)
    return x.size > 1 and abs(x.mean()) <= 1e-9 * (1 + np.abs(x).max()) and abs(x.std() - 1) <= 1e-9


def draw_scaling_contours(ax_raw, ax_scaled, x, y, start=(0.0, 0.0), paths=None):
    """The loss surface for raw ``x`` and for standardised ``x``, side by side.

    ``start`` is a line ``(m, b)`` in the units of the raw ``x``; both grids
    include it (in the scaled problem the same line has slope ``m * std``
    and intercept ``b + m * mean``). The scaled panel has equal axes, so its
    round bowl looks round. Adds a colorbar to each panel. ``paths``, two
    ``(ms, bs)`` pairs (raw, then scaled), draws a training path on each
    panel and a legend; without it, no legend is drawn (add paths first).

    Returns
    -------
    (numpy.ndarray, float, float)
        What :func:`linreg_core.standardize` returned: ``(x_scaled, mean, std)``.
    """
    x, y = lv.valid_xy(x, y)
    x_scaled, mean, std = lc.standardize(x)
    m0, b0 = start
    for ax, data, grid, first in (
        (ax_raw, x, parameter_grid, (m0, b0)),
        (ax_scaled, x_scaled, square_parameter_grid, (m0 * std, b0 + m0 * mean)),
    ):
        m_values, b_values = grid(data, y, include=[first])
        filled = draw_loss_contour(ax, data, y, m_values, b_values)
        add_colorbar(ax, filled)
    ax_scaled.set_aspect("equal")
    ax_scaled.set_xlabel("slope m_s")
    ax_scaled.set_ylabel("intercept b_s")
    if paths is not None:
        for ax, (ms, bs) in zip((ax_raw, ax_scaled), paths):
            ax.plot(ms, bs, ".-", color=PATH_COLOR, lw=1, ms=3, label="gradient descent")
            ax.plot(ms[-1:], bs[-1:], "o", ms=8, color=LINE_COLOR, mec="w", label="after the last epoch")
            _contour_legend(ax)
    return x_scaled, mean, std


class ScalingExplorer(Explorer):
    """Gradient descent on raw or standardised ``x``: a learning-rate slider
    (log scale, spanning both stable bounds) and a "standardise x" checkbox.

    Both loss surfaces are drawn once, side by side: the long valley of the
    raw problem (left) and the round bowl of the standardised one (right).
    The active panel is highlighted and shows the path of ``epochs`` epochs
    of :func:`linreg_core.gradient_descent`; the readout converts the result
    back to the units of ``x`` and says after how many epochs ``m`` and ``b``
    are within ``rtol`` (relative) of the least-squares line, or that
    training did not converge or diverged.

    The starting line ``(m0, b0)`` is given in the units of ``x``; the scaled
    problem starts from the same line.
    """

    description = "learning rate and 'standardise x': long valley or round bowl"

    def __init__(self, x, y, lr=1e-4, epochs=1000, standardize=False, m0=0.0, b0=0.0, rtol=1e-3):
        self.x, self.y = _data_copy(x, y)
        self.epochs = lv.valid_epochs(epochs)
        self.rtol = lv.valid_number(rtol, "rtol")
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        self.target = lc.closed_form(self.x, self.y)
        x_scaled = lc.standardize(self.x)[0]
        self.bounds = {False: lc.stable_learning_rate(self.x), True: lc.stable_learning_rate(x_scaled)}
        self.lr_slider = _lr_slider(list(self.bounds.values()), lr)
        self.scale_box = widgets.Checkbox(value=bool(standardize), description="standardise x", indent=False)
        super().__init__([self.lr_slider, self.scale_box])

        ax_raw, ax_scaled = self.fig.subplots(1, 2)
        # Space between the panels: the left colour bar's label and the right panel's
        # y label would touch (constrained layout does not see the equal-axes shrink).
        self.fig.get_layout_engine().set(wspace=0.08)
        self.x_scaled, self.x_mean, self.x_std = draw_scaling_contours(
            ax_raw, ax_scaled, self.x, self.y, self.start
        )
        m0, b0 = self.start
        self.starts = {False: self.start, True: (m0 * self.x_std, b0 + m0 * self.x_mean)}
        # The same runs on four points with the data's averages, for large n (equivalent_data).
        self._descent_data = {
            False: equivalent_data(self.x, self.y),
            True: equivalent_data(self.x_scaled, self.y),
        }
        self.axes = {False: ax_raw, True: ax_scaled}
        self.legend_axes = [ax_raw, ax_scaled]
        self.paths, self.markers = {}, {}
        for scaled, ax in self.axes.items():
            self.paths[scaled] = self.add_path(ax, ".-", lw=1, ms=3, label="gradient descent")
            self.markers[scaled] = self.add_marker(ax, "after the last epoch", ms=8)

        self.lr_slider.observe(self.refresh, names="value")
        self.scale_box.observe(self._switch, names="value")
        self._switch()

    def _switch(self, *_):
        """Highlight the panel of the active problem, then train and redraw."""
        names = {False: "raw x: a long valley", True: "standardised x: a round bowl"}
        for scaled, ax in self.axes.items():
            active = scaled == self.scale_box.value
            ax.set_title(
                ("▶ " if active else "") + names[scaled],
                color="k" if active else "0.55",
                fontweight="bold" if active else "normal",
            )
            for spine in ax.spines.values():
                spine.set_linewidth(2.5 if active else 0.8)
                spine.set_edgecolor(LINE_COLOR if active else "0.55")
        self.invalidate_background()
        self.refresh()

    def update(self):
        scaled, lr = self.scale_box.value, self.lr_slider.value
        self.result = lc.gradient_descent(
            *self._descent_data[scaled], lr, self.epochs, *self.starts[scaled], warn=False
        )
        ms, bs = self.result.ms, self.result.bs
        self.paths[scaled].set_data(ms, bs)
        self.markers[scaled].set_data(ms[-1:], bs[-1:])
        self.paths[not scaled].set_data([], [])
        self.markers[not scaled].set_data([], [])

        if scaled:
            ms, bs = lc.unstandardize(ms, bs, self.x_mean, self.x_std)
        self.m, self.b = float(ms[-1]), float(bs[-1])
        ran = len(ms) - 1
        if self.result.diverged:
            self.status, self.converged_at = "diverged", None
        else:
            self.converged_at = lc.epochs_to_converge(ms, bs, *self.target, rtol=self.rtol)
            self.status = "not converged" if self.converged_at is None else "converged"

        bound = self.bounds[scaled]
        m_ls, b_ls = self.target
        text = (
            f"<b>{'standardised' if scaled else 'raw'} x</b>: lr = {readable(lr, 3)} = "
            f"{readable(lr / bound, 3)} × the stable bound {readable(bound, 3)}"
            f"<br>after {ran} epochs, in the units of x: m = {readable(self.m)}, b = {readable(self.b)} "
            f"(least squares: m = {readable(m_ls)}, b = {readable(b_ls)})<br>"
        )
        close = f"m and b within {self.rtol:.1%} of least squares"
        if self.status == "converged":
            text += f"✔ <b>Converged</b>: {close} from epoch {self.converged_at} on."
        elif self.status == "diverged":
            text += divergence_note(
                f"after {ran} epochs",
                f"lr is above the stable bound {readable(bound, 3)}, so every step overshoots further.",
            )
        else:
            text += f"⏳ <b>Did not converge</b> in {ran} epochs ({close} is the target)."
        self.readout.value = text


# --------------------------------------------------------------------------
# Notebook 08: stochastic and mini-batch gradient descent
# --------------------------------------------------------------------------


class MinibatchExplorer(Explorer):
    """Mini-batch gradient descent, live: pick the batch size, the learning
    rate (log scale) and the shuffling seed. Left: the path of ``(m, b)``
    after every update on the loss contour. Right: the loss on all the data
    after every epoch, next to full-batch gradient descent with the same lr.
    The same settings always give the same path (the seed fixes the shuffles).

    Any n: one run makes at most :attr:`MAX_UPDATES` updates, so a change of
    a control answers within a fraction of a second. A run whose epochs
    would need more shows its first epochs only, and the readout says so;
    batch sizes whose single epoch needs more (e.g. batch size 1 with 10⁵
    points: 10⁵ updates an epoch) are not offered; asked for one, the explorer
    starts at the smallest that fits and its readout says why.
    """

    description = "batch size, learning rate, seed: the path and the loss curve"

    #: Batch sizes offered: the first six of these below n whose epoch takes at most
    #: MAX_UPDATES updates, plus n itself (full batch).
    BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
    #: The most updates one run makes (about a tenth of a second of Python loop here).
    MAX_UPDATES = 5000

    def __init__(self, x, y, lr=0.05, epochs=20, batch_size=None, seed=0, m0=0.0, b0=0.0, tau=None):
        self.x, self.y = _data_copy(x, y)
        n = self.x.size
        self.epochs = lv.valid_epochs(epochs)
        self.tau = lv.valid_tau(tau)
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        fitting = [s for s in self.BATCH_SIZES if s < n and -(-n // s) <= self.MAX_UPDATES][:6]
        batch_size = lv.valid_batch_size(min(10, n) if batch_size is None else batch_size, n)
        self.batch_note = ""
        if -(-n // batch_size) > self.MAX_UPDATES:  # e.g. batch size 1 with 10**5 points
            fits = (fitting or [n])[0]
            self.batch_note = (
                f"Batch size {batch_size} would make {-(-n // batch_size):,} updates per epoch with "
                f"{n:,} points, more than the {self.MAX_UPDATES:,} this explorer runs for one answer: "
                f"batch size {fits} is shown instead (try smaller batches on a sample of the data).<br>"
            )
            batch_size = fits
        sizes = sorted(set(fitting) | {n, batch_size})
        self.batch_buttons = widgets.ToggleButtons(
            options=[(f"n = {s}" if s == n else str(s), s) for s in sizes],
            value=batch_size,
            description="batch size",
            style={"button_width": "56px"},
        )
        self.bound = lc.stable_learning_rate(self.x)
        self.lr_slider = _lr_slider([self.bound], lr)
        self.seed_slider = widgets.IntSlider(
            value=lv.valid_seed(seed), min=0, max=max(20, seed), description="seed", continuous_update=False
        )
        super().__init__([self.batch_buttons, self.lr_slider, self.seed_slider])

        ax_loss, self.ax_curve = self.fig.subplots(1, 2)
        # A gap between the colour bar's label and the loss curve's y label: two "MSE" labels
        # side by side read as one panel's.
        self.fig.get_layout_engine().set(wspace=0.1)
        # Standardised x has a round bowl: a square box and equal axes show it round.
        round_bowl = is_standardized(self.x)
        grid = square_parameter_grid if round_bowl else parameter_grid
        m_values, b_values = grid(self.x, self.y, include=[self.start])
        self.contour_panel(ax_loss, m_values, b_values, "the path of (m, b), one vertex per update")
        ax_loss.set_xlim(m_values[0], m_values[-1])
        ax_loss.set_ylim(b_values[0], b_values[-1])
        if round_bowl:
            ax_loss.set_aspect("equal")
        ax_loss.plot(*self.start, "s", ms=7, color="w", mec="k", label="start")
        self.path = self.add_path(ax_loss, "-", lw=0.8)
        self.marker = self.add_marker(ax_loss, "end", ms=8)

        self.best_loss = self.loss_curve_panel(
            self.ax_curve,
            "the loss after each epoch",
            "epoch (one pass over all the data)",
            "MSE, all the data (log scale)",
            "best line (lowest MSE)",
        )
        self.full_curve = self.moving(
            self.ax_curve.plot([], [], "-", color=LINE_COLOR, lw=1.5, label="full batch, same lr")[0]
        )
        self.curve = self.moving(
            self.ax_curve.plot([], [], ".-", color="k", lw=1.5, ms=5, label="this batch size")[0]
        )
        self.ax_curve.set_xlim(0, self.epochs)
        self.ax_curve.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs: "20", not "20.0"
        self.redrawn_axes = (self.ax_curve,)  # retraining redraws the loss curve's axes only
        self._descent_data = equivalent_data(self.x, self.y)  # full batch, for any n

        for control in (self.batch_buttons, self.lr_slider, self.seed_slider):
            control.observe(self.train, names="value")
        self.train()

    def train(self, change=None):
        """Run mini-batch and full-batch gradient descent with the current controls."""
        if self._refused(change):
            return
        per_epoch = -(-self.x.size // self.batch_buttons.value)
        #: Epochs this run makes: all of them, or as many as fit in MAX_UPDATES updates.
        self.epochs_run = min(self.epochs, max(1, self.MAX_UPDATES // per_epoch))
        settings = (self.lr_slider.value, self.epochs_run)
        self.result = lm.minibatch_gradient_descent(
            self.x,
            self.y,
            *settings,
            self.batch_buttons.value,
            self.seed_slider.value,
            *self.start,
            tau=self.tau,
            warn=False,
        )
        self.full = lc.gradient_descent(*self._descent_data, *settings, *self.start, warn=False)
        _set_log_limits(self.ax_curve, self.result.losses, self.full.losses, self.best_loss)
        self.invalidate_background(self.ax_curve)
        self.refresh()

    def update(self):
        r, n = self.result, self.x.size
        self.path.set_data(r.ms, r.bs)
        self.marker.set_data([r.m], [r.b])
        self.curve.set_data(np.arange(len(r.losses)), r.losses)
        self.full_curve.set_data(np.arange(len(self.full.losses)), self.full.losses)
        size = self.batch_buttons.value
        kind = (
            "full-batch gradient descent"
            if size == n
            else "SGD (stochastic gradient descent)"
            if size == 1
            else "mini-batch gradient descent"
        )
        text = self.batch_note + (
            f"batch size {size} = {kind}: {r.updates_per_epoch} update(s) per epoch, "
            f"each from {size} point(s); every epoch uses all {n} points once.<br>"
        )
        if r.diverged:
            text += divergence_note(
                f"after {len(r.ms) - 1} updates ({len(r.losses) - 1} full epochs)",
                "Choose a smaller lr (small batches need smaller steps).",
            )
        else:
            text += (
                f"after {len(r.losses) - 1} epochs ({len(r.ms) - 1} updates): "
                f"m = {readable(r.m)}, b = {readable(r.b)}, <b>MSE = {readable(r.losses[-1])}</b> "
                f"(full batch, same lr: {readable(self.full.losses[-1])}; "
                f"minimum: {readable(self.best_loss)})"
            )
        if self.epochs_run < self.epochs:
            text += (
                f"<br>⏱ Showing the first {self.epochs_run} of {self.epochs} epochs: with "
                f"{r.updates_per_epoch:,} updates per epoch, this explorer stops at "
                f"{self.MAX_UPDATES:,} updates so that it answers at once (a larger batch shows more epochs)."
            )
        self.readout.value = text


# --------------------------------------------------------------------------
# The index (00): the four lesson notebooks in one picture
# --------------------------------------------------------------------------


def plot_split(ax, x_train, y_train, x_test, y_test, test_label="unseen"):
    """Training points as dots and test points as open diamonds, in ``ax``."""
    ax.scatter(x_train, y_train, s=18, color=DATA_COLOR, alpha=0.7, label=f"training set ({x_train.size})")
    ax.scatter(
        x_test,
        y_test,
        s=46,
        marker="D",
        facecolors="none",
        edgecolors=LINE_COLOR,
        lw=1.5,
        label=f"test set ({x_test.size}), {test_label}",
    )


@_styled
def plot_course_map():
    """Notebooks 1–4 in one picture, drawn with the collection's own code and data.

    1 · the line ``y = x + 1`` on ``tiny.csv`` and its residuals; 2 · the loss
    along ``m`` and a tangent, whose slope says which way is downhill; 3 · twelve
    gradient-descent steps on the loss map; 4 · notebook 4's penguin split: a line
    fitted on the training set and its typical miss (√MSE) on the unseen test set, against the
    training mean's.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    x_tiny, y_tiny = lc.load_xy(lc.DATA_DIR / "tiny.csv")
    fig, ((ax1, ax2), (ax3, ax4)) = plt.subplots(2, 2, figsize=(10.2, 8.6), dpi=DPI, layout="constrained")

    # 1 · The loss: how far the line misses each point
    plot_fit(x_tiny, y_tiny, 1.0, 1.0, ax=ax1)
    ax1.set_ylim(0, 9.5)
    ax1.get_legend().remove()
    ax1.legend(loc="upper left", framealpha=0.9)
    loss = lc.mse(y_tiny, lc.predict(x_tiny, 1.0, 1.0))
    ax1.set_title(f"1 · The loss\nthe misses of y = x + 1, squared: MSE = {loss:g}")

    # 2 · Which way is downhill: the loss along m (b at its best) and a tangent
    m_best, b_best = lc.closed_form(x_tiny, y_tiny)
    m_values = np.linspace(m_best - 1.5, m_best + 1.5, 121)
    curve = lc.loss_surface(x_tiny, y_tiny, m_values, [b_best])[0]
    m_at = m_best - 1.0
    loss_at = lc.mse(y_tiny, lc.predict(x_tiny, m_at, b_best))
    dm_at = lc.gradients(x_tiny, y_tiny, m_at, b_best)[0]
    ends = np.array([m_at - 0.45, m_at + 0.45])
    ax2.plot(m_values, curve, color=PALETTE["curve"], lw=2, label=f"the loss, b held at {b_best:.2f}")
    ax2.plot(ends, loss_at + dm_at * (ends - m_at), "--", color=LINE_COLOR, lw=2, label="tangent")
    ax2.plot(m_at, loss_at, "o", color=LINE_COLOR, ms=9, mec="k")
    m_to = m_at + 0.6  # an arrow down the curve, the way the tangent falls
    ax2.annotate(
        "",
        (m_to, lc.mse(y_tiny, lc.predict(x_tiny, m_to, b_best))),
        (m_at, loss_at),
        arrowprops=dict(arrowstyle="-|>", color="k", lw=2, mutation_scale=20, shrinkA=6),
    )
    ax2.text(m_at + 0.35, (loss_at + lc.mse(y_tiny, lc.predict(x_tiny, m_to, b_best))) / 2, "downhill")
    ax2.set(xlabel="slope m", ylabel="MSE", ylim=(0, 1.1 * curve.max()))
    ax2.legend(loc="upper center", framealpha=0.9)
    ax2.set_title("2 · Which way is downhill\nthe slope of the tangent says")
    _style_axes(ax2)

    # 3 · One step, then the loop: steps downhill on the loss map (one big, then small ones)
    run = lc.gradient_descent(x_tiny, y_tiny, lr=0.5 * lc.stable_learning_rate(x_tiny), epochs=50)
    m_values, b_values = parameter_grid(x_tiny, y_tiny, include=[(0.0, 0.0)])
    add_colorbar(ax3, draw_loss_contour(ax3, x_tiny, y_tiny, m_values, b_values))
    ax3.plot(run.ms, run.bs, ".-", color=PATH_COLOR, lw=1.5, ms=7, label="50 steps from (0, 0)")
    _contour_legend(ax3)
    ax3.set_title("3 · One step, then the loop\nsteps downhill on the map of the loss")

    # 4 · Train, then judge it: notebook 4's penguin split, the line fitted on the training set
    x_p, y_p = lc.load_xy(lc.DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
    x_train, y_train, x_test, y_test = lc.train_test_split(x_p, y_p, test_share=0.25, seed=1)
    m, b = lc.closed_form(x_train, y_train)
    plot_split(ax4, x_train, y_train, x_test, y_test, test_label="unseen")
    ends = np.array([x_p.min(), x_p.max()])
    ax4.plot(ends, lc.predict(ends, m, b), color=PALETTE["curve"], lw=2, label="line fitted on training")
    ax4.set(xlabel="flipper length (mm)", ylabel="body mass (g)")
    ax4.legend(loc="upper left", framealpha=0.9)
    miss = float(np.sqrt(lc.mse(y_test, lc.predict(x_test, m, b))))
    baseline = float(np.sqrt(lc.mse(y_test, np.mean(y_train))))
    title = f"4 · Train, then judge it\ntest miss {miss:.0f} g (the mean's {baseline:.0f} g)"
    ax4.set_title(title)
    for ax in (ax1, ax3, ax4):
        _style_axes(ax)
    return fig


# --------------------------------------------------------------------------
# Lesson helpers · notebook 01/02
# (printing and plotting behind one call, so a notebook cell holds only the idea)
# --------------------------------------------------------------------------


def _plain(value, digits):
    """``value`` rounded to ``digits`` decimals, as a Python float without a minus zero."""
    return round(float(value), digits) + 0.0


def _minus(text):
    """``text`` with true minus signs (−) for hyphens: the same width, as printed maths."""
    return text.replace("-", "\u2212")


def show_fit(x, y, m, b, title=None):
    """Draw the data, the line ``y = m x + b`` and every residual, and show the figure.

    Parameters
    ----------
    x, y : array_like
        The data.
    m, b : float
        Slope and intercept of the line.
    title : str, optional
        The title; by default the line's equation.
    """
    import matplotlib.pyplot as plt

    ax = plot_fit(x, y, m, b)
    # Keep the whole line in view, however far it runs from the data.
    ends = [m * float(np.min(x)) + b, m * float(np.max(x)) + b]
    low, high = ax.get_ylim()
    pad = 0.05 * (max(high, *ends) - min(low, *ends))
    ax.set_ylim(min(low, min(ends) - pad), max(high, max(ends) + pad))
    ax.set_title(title or f"the line {line_label(m, b)} and its residuals")
    plt.show()


def show_mse_table(x, y, m, b):
    """Print the MSE of the line ``y = m x + b`` step by step: one row per point.

    The columns are x, y, the prediction, the residual ``y - y_pred`` and its
    square; below them the sum of the squares, and the sum divided by n.
    Meant for a few points (a worksheet); see :func:`linreg_core.mse`.
    """
    x, y = lv.valid_xy(x, y)
    m, b = lv.valid_number(m, "m"), lv.valid_number(b, "b")
    print(f"{'x':>6} {'y':>6} {'y_pred':>8} {'residual':>9} {'residual²':>10}")
    total = 0.0
    for xi, yi in zip(x.tolist(), y.tolist()):
        y_pred = m * xi + b
        r = yi - y_pred
        total += r * r
        print(_minus(f"{xi:6g} {yi:6g} {y_pred + 0.0:8g} {r + 0.0:9g} {r * r:10g}"))
    print(f"sum of the squares: {total:g}")
    print(_minus(f"MSE = {total:g} / {x.size} = {_plain(total / x.size, 6)}"))


def show_outlier_lines(x, y, outlier_x, outlier_y):
    """Print the best MSE line and the best MAE line, without and with one extra point.

    The MSE line is :func:`linreg_core.closed_form`, the MAE line :func:`mae_line`;
    the extra point ``(outlier_x, outlier_y)`` is the outlier.
    """
    x, y = lv.valid_xy(x, y)
    outlier_x, outlier_y = lv.valid_number(outlier_x, "outlier_x"), lv.valid_number(outlier_y, "outlier_y")
    x_out, y_out = np.append(x, outlier_x), np.append(y, outlier_y)
    where = f"with ({outlier_x:g}, {outlier_y:g})"
    print(f"{'':24} {'MSE line':>18} {'MAE line':>18}")
    for label, (xs, ys) in (("without the outlier", (x, y)), (where, (x_out, y_out))):
        (m_sq, b_sq), (m_abs, b_abs) = lc.closed_form(xs, ys), mae_line(xs, ys)
        print(f"{label:24} m = {m_sq:.3f}, b = {b_sq:5.2f}  m = {m_abs:.3f}, b = {b_abs:5.2f}")


def show_tangents(x, y, b, at):
    """Two panels: the loss map of notebook 1 with the line where ``b`` is held, and the loss along
    that line, ``L(m)``, with its tangent at each ``m`` in ``at``.

    The slope of each tangent is ∂L/∂m there (:func:`linreg_core.gradients`), given in the
    legend. Each tangent has its own colour, line style and marker, drawn at the same ``m`` on
    the map, so the map and the curve can be matched point by point.
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    b = lv.valid_number(b, "b")
    at = [lv.valid_number(m, "each m in at") for m in np.atleast_1d(np.asarray(at, dtype=float))]
    m_values, b_values = parameter_grid(x, y, include=[(m, b) for m in at])
    curve = lc.loss_surface(x, y, m_values, [b])[0]
    styles = [s for s in SERIES if s["color"] != PALETTE["curve"] and s["ls"] != "-"]  # unlike the curve
    with matplotlib.rc_context(PROJECTOR_STYLE):
        fig, (ax_map, ax) = plt.subplots(
            1, 2, figsize=(9.8, 4.4), width_ratios=(1, 1.3), layout="constrained"
        )
        draw_loss_contour(ax_map, x, y, m_values, b_values)
        ax_map.axhline(b, color="white", lw=2.5, ls="-", label=f"b held at {b:.3g}")
        for m, style in zip(at, styles):
            # under the star (zorder 2): at the best m the star stays visible
            marker = {"marker": style["marker"], "color": style["color"], "mec": "k", "ms": 10}
            ax_map.plot(m, b, **marker, ls="none", zorder=1.8)
        ax_map.set_title("the loss map: walk along the white line")
        ax_map.legend(loc="upper right", framealpha=0.9)
        ax.plot(m_values, curve, color=PALETTE["curve"], lw=1.5, label=f"L(m) with b = {b:.3g}")
        half = 0.15 * np.ptp(m_values)
        for m, style in zip(at, styles):
            dm, _ = lc.gradients(x, y, m, b)
            loss = lc.mse(y, lc.predict(x, m, b))
            ends = np.array([m - half, m, m + half])  # the marker sits on the middle point
            label = f"tangent at m = {m:.2f}: slope {int(round(dm))}".replace("-", "−")
            ax.plot(ends, loss + dm * (ends - m), **style, markevery=[1], ms=10, mec="k", lw=2.2, label=label)
        ax.set_ylim(-0.05 * curve.max(), 1.05 * curve.max())
        ax.set_xlabel("slope m")
        ax.set_ylabel("MSE  L(m, b)")
        ax.set_title("the loss along the white line, and its tangents")
        ax.legend(loc="upper center", framealpha=0.9)
        _style_axes(ax)
        plt.show()


def show_gradient_table(x, y, m, b):
    """Print ∂L/∂m and ∂L/∂b of the MSE at ``(m, b)`` step by step: one row per point.

    The columns are x, y, the prediction, the residual ``r = y - y_pred`` and
    ``x·r``; below them their sums and the two derivatives, −(2/n)·Σ x·r and
    −(2/n)·Σ r. Meant for a few points (a worksheet).
    """
    x, y = lv.valid_xy(x, y)
    m, b = lv.valid_number(m, "m"), lv.valid_number(b, "b")
    print(f"{'x':>6} {'y':>6} {'y_pred':>8} {'r':>6} {'x·r':>7}")
    sum_r = sum_xr = 0.0
    for xi, yi in zip(x.tolist(), y.tolist()):
        r = yi - (m * xi + b)
        sum_r, sum_xr = sum_r + r, sum_xr + xi * r
        print(_minus(f"{xi:6g} {yi:6g} {m * xi + b + 0.0:8g} {r + 0.0:6g} {xi * r + 0.0:7g}"))
    print(_minus(f"{'sums:':>22} {sum_r + 0.0:6g} {sum_xr + 0.0:7g}"))
    n = x.size
    dm, db = _plain(-2 / n * sum_xr, 6), _plain(-2 / n * sum_r, 6)
    print(_minus(f"∂L/∂m = -(2/{n})·({sum_xr + 0.0:g}) = {dm}"))
    print(_minus(f"∂L/∂b = -(2/{n})·({sum_r + 0.0:g}) = {db}"))


def _two_numbers(result, name):
    """``(dm, db)`` as floats from what a gradient function returned, or a clear error."""
    try:
        dm, db = result
        return float(dm), float(db)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} returned {result!r}: it must return two numbers, (dm, db), "
            f"e.g. 'return dm, db' as its last line."
        ) from None


def show_gradient_check(gradient_function, x, y, points, tolerance=1e-6):
    """Compare ``gradient_function(x, y, m, b)`` with finite differences at each ``(m, b)``.

    Prints one row per point: the function's ``dm`` and ``db`` next to the
    estimates of :func:`linreg_core.numerical_gradients`, then a verdict:
    "agree", or for each derivative that differs, its ratio to the estimate
    (0.50 is the fingerprint of a lost factor 2, −1.00 of a flipped sign).

    Two values agree when they differ by at most ``tolerance`` times the size
    of the derivative's terms (the mean of |2·x·r| for dm, of |2·r| for db):
    at the minimum both derivatives are 0 up to rounding, which is no mismatch,
    and an exact 0 never divides.

    Parameters
    ----------
    gradient_function : callable
        ``gradient_function(x, y, m, b) -> (dm, db)``, e.g. ``lc.gradients``.
    x, y : array_like
        The data, passed on to ``gradient_function``.
    points : sequence of (m, b)
        Where to compare.
    tolerance : float
        The relative difference still counted as rounding.
    """
    if not callable(gradient_function):
        raise TypeError(
            f"gradient_function must be a function such as lc.gradients, got {gradient_function!r}."
        )
    x, y = lv.valid_xy(x, y)
    tolerance = lv.valid_positive(tolerance, "tolerance", "1e-6")
    try:
        points = [(lv.valid_number(m, "m"), lv.valid_number(b, "b")) for m, b in points]
    except (TypeError, ValueError):
        raise TypeError(
            f"points must be a list of (m, b) pairs, e.g. [(0.0, 0.0), (1.5, -10.0)]; got {points!r}."
        ) from None
    name = getattr(gradient_function, "__name__", "the gradient function")
    print(f"{'m':>7} {'b':>7} | {'dm':>10} {'estimate':>10} | {'db':>8} {'estimate':>8} | check")
    for m, b in points:
        dm, db = _two_numbers(gradient_function(x, y, m, b), name)
        dm_num, db_num = lc.numerical_gradients(x, y, m, b)
        r = y - (m * x + b)
        sizes = float(np.mean(np.abs(2 * x * r))), float(np.mean(np.abs(2 * r)))
        problems = []
        for label, value, estimate, size in (("dm", dm, dm_num, sizes[0]), ("db", db, db_num, sizes[1])):
            scale = tolerance * (abs(estimate) + size) or tolerance
            if abs(value - estimate) <= scale:
                continue
            if abs(estimate) > scale:
                problems.append(f"{label} is {_plain(value / estimate, 2):.2f} × the estimate")
            else:
                problems.append(f"{label} should be 0")
        verdict = "; ".join(problems) or "agree"
        print(
            f"{m:7.3g} {b:7.3g} | {_plain(dm, 1):10.1f} {_plain(dm_num, 1):10.1f} | "
            f"{_plain(db, 2):8.2f} {_plain(db_num, 2):8.2f} | {verdict}"
        )


# --------------------------------------------------------------------------
# Lesson helpers · notebook 03/04
# (printing and plotting behind one call, so a notebook cell holds only the idea)
# --------------------------------------------------------------------------


def _num(value, digits=3):
    """``value`` as text with ``digits`` decimals, a true minus sign and no minus zero."""
    return f"{round(float(value), digits) + 0.0:.{digits}f}".replace("-", "−")


def show_step(x, y, before, after):
    """Print one update of ``(m, b)`` with the MSE before and after, and draw both lines.

    Parameters
    ----------
    x, y : array_like
        The data.
    before, after : (float, float)
        ``(m, b)`` before and after the step.
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    (m0, b0), (m1, b1) = before, after
    loss0, loss1 = lc.mse(y, lc.predict(x, m0, b0)), lc.mse(y, lc.predict(x, m1, b1))
    print(
        f"m: {_num(m0)} → {_num(m1)}    b: {_num(b0)} → {_num(b1)}    "
        f"MSE: {_num(loss0, 2)} → {_num(loss1, 2)}"
    )
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    draw_data(ax, x, y)
    xs = np.array(ax.get_xlim())
    ax.plot(
        xs,
        lc.predict(xs, m0, b0),
        color=PALETTE["curve"],
        ls="--",
        lw=2,
        label=f"before: {line_label(m0, b0)}",
    )
    ax.plot(
        xs, lc.predict(xs, m1, b1), color=LINE_COLOR, ls="-", lw=2.5, label=f"after: {line_label(m1, b1)}"
    )
    ends = np.concatenate([y, lc.predict(xs, m0, b0), lc.predict(xs, m1, b1)])  # both lines in view
    pad = 0.08 * (ends.max() - ends.min() or 1.0)
    ax.set_xlim(*xs)
    ax.set_ylim(ends.min() - pad, ends.max() + pad)
    ax.set_title(f"the MSE falls from {loss0:.2f} to {loss1:.2f}")
    ax.legend(loc="upper left", framealpha=0.9)
    plt.show()


def show_trained(x, y, m, b, xlabel="x", ylabel="y"):
    """Print a trained line's ``m``, ``b`` and MSE next to the best line (least squares), and
    draw it over the data it was trained on.

    A ``nan`` or infinite ``m`` or ``b`` is a diverged run, and is said so, with the fix.
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    for name, value in (("m", m), ("b", b)):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            continue  # not a number at all: valid_number below says so
        if not np.isfinite(number):
            raise ValueError(
                f"{name} is {number}: training diverged (each step overshot further until the numbers "
                f"overflowed). Use a smaller learning rate, or train on centred x: with x far from "
                f"0 only a tiny rate is safe (notebook 3)."
            )
    m, b = lv.valid_number(m, "m"), lv.valid_number(b, "b")
    m_best, b_best = lc.closed_form(x, y)
    for label, (m_k, b_k) in (("trained", (m, b)), ("best line", (m_best, b_best))):
        loss = lc.mse(y, lc.predict(x, m_k, b_k))
        print(f"{label:10}  m = {_num(m_k)}   b = {_num(b_k)}   MSE = {float(loss):,.2f}")
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    draw_data(ax, x, y, xlabel, ylabel)
    ends = np.array([x.min(), x.max()])
    ax.plot(ends, m * ends + b, color=PALETTE["curve"], lw=2.5, label=f"trained line: {line_label(m, b)}")
    ax.set_title("the line trained on the training set")
    ax.legend(loc="upper left", framealpha=0.9)
    plt.show()


def show_loss_curve(train, x, y, lr, epochs=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)):
    """Plot the MSE after each number of ``epochs`` of a student's ``train(x, y, lr, epochs)``.

    The curve comes from the student's own function, called once per number of epochs; a dashed
    line marks the lowest MSE (the best line), so "flat" can be told from "done".
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    losses = []
    for count in epochs:
        try:
            m, b = (float(value) for value in train(x, y, lr, count))
            with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported below
                losses.append(float(np.mean((y - (m * x + b)) ** 2)))
        except Exception as error:  # the student's code: say so, do not stop Run All
            print(
                f"Your train raised {type(error).__name__} after {count} epochs: fix it with the check above."
            )
            return
    if not np.isfinite(losses[-1]) or losses[-1] > losses[0]:
        print(f"The MSE of your train grows (from {readable(losses[0])} to {readable(losses[-1])}): it")
        print("diverges. Check the minus signs and lr with the check above.")
        return
    if np.ptp(losses) == 0:
        print(
            f"Your train gives the same MSE ({readable(losses[0])}) after any number of epochs: it does not"
        )
        print("change m and b yet. Write the loop (Exercise 1), then run this cell again.")
        return
    m_best, b_best = lc.closed_form(x, y)
    lowest = float(np.mean((y - (m_best * x + b_best)) ** 2))
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    ax.plot(epochs, losses, "o-", color=PALETTE["line"], lw=2, label="your loop")
    ax.axhline(lowest, color=PALETTE["guide"], ls="--", lw=2, label=f"the best line: {readable(lowest)}")
    ax.set_xscale("symlog", linthresh=1)
    ticks = [count for count in (0, 1, 10, 100, 1000, 10000) if count <= max(epochs)]
    ax.set_xticks(ticks, [f"{count:,}" for count in ticks])
    ax.set_xlim(0, 1.3 * max(epochs))  # symlog's automatic margin would start at about −100
    ax.set_xlabel("epochs (stretched: 1, 10, 100, 1,000 equally spaced)")
    ax.set_ylabel("MSE after that many epochs")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: readable(value, 2)))  # no "1e7" corner
    ax.set_title(f"the MSE after each number of epochs, lr = {readable(lr)}")
    ax.legend(loc="upper right")
    _style_axes(ax)
    plt.show()


def show_three_runs(x, y, epochs=50):
    """Plot ``m`` epoch by epoch for three learning rates: too small, close to the bound, too large."""
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    bound = lc.stable_learning_rate(x)
    runs = (
        ("too small: bound/100", bound / 100),
        ("0.9 × bound", 0.9 * bound),
        ("too large: 1.1 × bound", 1.1 * bound),
    )
    fig, ax = plt.subplots(figsize=(9.5, 4.5), layout="constrained")
    for (label, rate), style in zip(runs, SERIES):
        run = lc.gradient_descent(x, y, lr=rate, epochs=epochs, warn=False)
        note = f" (diverged: stopped at epoch {len(run.ms) - 1})" if run.diverged else ""
        print(f"{label:24} lr = {rate:.2e}: m after {len(run.ms) - 1} epochs = {_num(run.m)}{note}")
        ax.plot(run.ms, ms=5, label=f"{label}, lr = {rate:.1e}", **style)
    ax.axhline(np.mean(x * y) / np.mean(x**2), color="0.45", lw=1.5, label="best m while b = 0")
    ax.set_ylim(-1.5, 3.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel("slope m")
    ax.set_title("the slope m, epoch by epoch, at three learning rates")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    plt.show()


def floor_curvature(x):
    """The loss's curvature along the floor of its valley, ``4·var(x) / c`` with ``c = 2 / stable lr``.

    Along the floor the best ``m`` for each ``b`` moves with ``b``; the two curvatures of the
    bowl (across and along the valley) multiply to ``4·var(x)``.
    """
    x = lv.valid_vector(x, "x")
    return 4 * float(np.var(x)) * lc.stable_learning_rate(x) / 2


def show_valley_cuts(x, y):
    """Plot two cuts through the loss bowl at the best line: change ``m`` alone (a steep
    parabola), and walk along the valley floor, changing ``b`` with the best ``m`` for it
    (an almost flat one); print both curvatures."""
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    m_best, b_best = lc.closed_form(x, y)
    loss_best = lc.mse(y, lc.predict(x, m_best, b_best))
    c_m, c_floor = 2 * float(np.mean(x**2)), floor_curvature(x)
    print(
        f"curvature along m: {c_m:.0f};  along the valley floor: {c_floor:.2f}  "
        f"({c_m / c_floor:,.0f} times less)"
    )
    steps = np.linspace(-1, 1, 201)
    along_m = np.array([lc.mse(y, lc.predict(x, m_best + d, b_best)) for d in steps]) - loss_best
    floor_m = (np.mean(x * y) - (b_best + steps) * np.mean(x)) / np.mean(x**2)  # the best m for each b
    along_floor = (
        np.array([lc.mse(y, lc.predict(x, mk, b_best + d)) for mk, d in zip(floor_m, steps)]) - loss_best
    )
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    ax.plot(steps, along_m, color=LINE_COLOR, lw=2.5, ls="-", label="steep wall: change m")
    ax.plot(
        steps,
        along_floor,
        color=PALETTE["data"],
        lw=4,
        ls="--",
        label="valley floor: change b (and m with it)",
    )
    ax.set_xlabel("distance moved from the best line (in m, or in b)")
    ax.set_ylabel("MSE above its minimum")
    ax.set_title("two cuts through the bowl: a steep parabola and an almost flat one")
    ax.legend(loc="upper center")
    plt.show()


def show_long_run(x, y, lr=1e-4, epochs=(10, 1_000, 10_000, 100_000)):
    """Print ``m``, ``b`` and the MSE after each number of ``epochs`` of one long run, and the best line."""
    x, y = lv.valid_xy(x, y)
    run = lc.gradient_descent(x, y, lr=lr, epochs=max(epochs))
    m_best, b_best = lc.closed_form(x, y)
    print(f"{'epochs':>9}  {'m':>6}  {'b':>6}  {'MSE':>6}")
    for k in epochs:
        print(f"{k:9,d}  {run.ms[k]:6.3f}  {run.bs[k]:6.3f}  {run.losses[k]:6.2f}")
    print(f"{'best line':>9}  {m_best:6.3f}  {b_best:6.3f}  {lc.mse(y, lc.predict(x, m_best, b_best)):6.2f}")


def show_split(x_train, y_train, x_test, y_test, xlabel="x", ylabel="y", line=None):
    """Scatter a training set (dots) and a test set (open diamonds) in one picture.

    With ``line=(m, b)``, also draw that line and its misses on the test points: how a model
    trained on the dots does on the diamonds.
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    x_train, y_train = lv.valid_xy(x_train, y_train, ("x_train", "y_train"))
    x_test, y_test = lv.valid_xy(x_test, y_test, ("x_test", "y_test"))
    if line is not None:
        m, b = lv.valid_number(line[0], "m"), lv.valid_number(line[1], "b")
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    hidden = "hidden until the end" if line is None else "not used in training"
    plot_split(ax, x_train, y_train, x_test, y_test, test_label=hidden)
    ax.set_title("split first: train on the dots, test on the diamonds")
    if line is not None:
        misses = LineCollection(_residual_segments(x_test, y_test, m, b), colors="0.4", linewidths=0.9)
        misses.set_label("misses on the test set")
        ax.add_collection(misses)
        ends = np.array([min(x_train.min(), x_test.min()), max(x_train.max(), x_test.max())])
        ax.plot(ends, m * ends + b, color=PALETTE["curve"], lw=2.5, label=f"trained line: {line_label(m, b)}")
        ax.set_title("the line trained on the dots, and its misses on the diamonds")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", framealpha=0.9)
    plt.show()


def show_test_scores(y_train, pred_train, y_test, pred_test, yours=""):
    """Print the MSE of a model on the training and the test set, and of the baseline (the training
    mean of y for every point) on the test set, each with its typical miss (√MSE).

    ``yours`` is the student's own test MSE: while it is still None, or not yet right, the scores
    stay hidden, so that *Run All* does not print the answer of the exercise above.
    """
    if yours is None:
        print("Type the line's test MSE first (Exercise 1), then run this cell: it shows the scores.")
        return
    y_train, pred_train = lv.valid_xy(y_train, pred_train, ("y_train", "pred_train"))
    y_test, pred_test = lv.valid_xy(y_test, pred_test, ("y_test", "pred_test"))
    try:  # the scores stay hidden until the student's own value is right
        right = isinstance(yours, str) or math.isclose(float(yours), lc.mse(y_test, pred_test), rel_tol=1e-6)
    except (TypeError, ValueError):
        right = False
    if not right:
        print("Your test_mse is not the line's test MSE yet: fix it with Exercise 1's check, then run this.")
        return
    print(f"{'':22} {'MSE':>9} {'typical miss (√MSE)':>20}")
    for name, ys, guess in (
        ("line, training set", y_train, pred_train),
        ("line, test set", y_test, pred_test),
        ("baseline, test set", y_test, np.mean(y_train)),
    ):
        loss = lc.mse(ys, guess)
        print(f"{name:22} {loss:9,.0f} {loss**0.5:20.0f}")


def show_scores(y_train, pred_train, y_test, pred_test, baseline):
    """Print MSE, typical miss (√MSE) and R² of a model and of a constant baseline, on training and test data.

    ``baseline`` is one number predicted for every point (e.g. the training mean of y).
    """
    y_train, pred_train = lv.valid_xy(y_train, pred_train, ("y_train", "pred_train"))
    y_test, pred_test = lv.valid_xy(y_test, pred_test, ("y_test", "pred_test"))
    baseline = lv.valid_number(baseline, "baseline")
    print(f"{'':15} {'MSE':>9} {'√MSE':>6} {'R²':>6}")
    for name, ys, preds in (("train", y_train, pred_train), ("test", y_test, pred_test)):
        for model, guess in (("line", preds), ("baseline", baseline)):
            loss = lc.mse(ys, guess)
            r2 = _num(lc.r_squared(ys, guess)) if model == "line" else "—"  # R² is the line's score
            print(f"{name + ', ' + model:15} {loss:9,.0f} {loss**0.5:6.0f} {r2:>6}")


def lookup_table(x_train, y_train, x_new):
    """Predict like a lookup table that memorised the training set.

    Each new ``x`` gets the mean ``y`` of the training points whose ``x`` is closest to it (all of
    them when several lie at the same distance). It fits the training points better than any line,
    because it repeats them, and says nothing about points between them.

    Examples
    --------
    >>> lookup_table([1, 1, 2, 5], [10, 20, 30, 50], [1, 2, 4, 9]).tolist()
    [15.0, 30.0, 50.0, 50.0]
    """
    x_train, y_train = lv.valid_xy(x_train, y_train, ("x_train", "y_train"))
    x_new = lv.valid_vector(x_new, "x_new")
    predictions = np.empty(len(x_new))
    for i, value in enumerate(x_new):
        distance = np.abs(x_train - value)
        closest = distance == distance.min()
        predictions[i] = np.mean(y_train[closest])
    return predictions


def show_lookup_table(x_train, y_train, x_test, y_test, pred_train, pred_test, prediction=""):
    """Print the MSE of a line and of a :func:`lookup_table` model, on the training and the test set.

    ``prediction`` is the student's guess of which wins on the test set: while it is still None
    the numbers stay hidden, so that *Run All* does not print the answer above the guess.
    """
    if prediction is None:
        print("Write your prediction first (Exercise 2), then run this cell: it shows who wins.")
        return
    y_train, pred_train = lv.valid_xy(y_train, pred_train, ("y_train", "pred_train"))
    y_test, pred_test = lv.valid_xy(y_test, pred_test, ("y_test", "pred_test"))
    table_train = lookup_table(x_train, y_train, x_train)
    table_test = lookup_table(x_train, y_train, x_test)
    print(f"{'':14} {'train MSE':>10} {'test MSE':>10}")
    print(f"{'line':14} {lc.mse(y_train, pred_train):10,.0f} {lc.mse(y_test, pred_test):10,.0f}")
    print(f"{'lookup table':14} {lc.mse(y_train, table_train):10,.0f} {lc.mse(y_test, table_test):10,.0f}")


def show_line_in_units(m_s, b_s, mean, std, x, unit_x="mm", unit_y="g"):
    """Print the line fitted on standardised ``x`` in the original units, and the range of ``x``.

    ``x_s = (x - mean) / std``, so ``m_s·x_s + b_s = (m_s/std)·x + (b_s - m_s·mean/std)``.
    """
    x = lv.valid_vector(x, "x")
    m = lv.valid_number(m_s, "m_s") / lv.valid_positive(std, "std", "x_train.std()")
    b = lv.valid_number(b_s, "b_s") - m * lv.valid_number(mean, "mean")
    sign = "−" if b < 0 else "+"
    print(f"the line: y = {m:.1f} {unit_y} per {unit_x} · x {sign} {abs(b):,.0f} {unit_y}")
    print(f"x in the data: {x.min():g} to {x.max():g} {unit_x}")
