"""Static figures: what a notebook cell draws with one call (``lw.plot_…``, ``lw.show_…``).

First the building blocks, which the explorers use too (the data, the loss map and its colour
bar, the 3-D bowl, the two maps of feature scaling), then the figures and printed tables of each
notebook, in the notebooks' order. Every figure is drawn under the projector style
(:data:`~linreg_widgets.style.PROJECTOR_STYLE`) and checks its input before making a figure.
"""

import contextlib
import io
import math

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

import linreg_core as lc
import linreg_validation as lv

from .maths import floor_curvature, lookup_table, loss_grid, mae_line
from .style import (
    BEST_COLOR,
    DATA_COLOR,
    DPI,
    LINE_COLOR,
    PALETTE,
    PATH_COLOR,
    PROJECTOR_STYLE,
    SERIES,
    line_label,
    readable,
    style_axes,
    styled,
)

# --------------------------------------------------------------------------
# Building blocks: the data and the loss map (the explorers draw with them too)
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
    style_axes(ax)


def residual_segments(x, y, m, b):
    """Vertical segments from each point to the line, shape (n, 2, 2)."""
    y_pred = m * x + b
    return np.stack([np.column_stack([x, y]), np.column_stack([x, y_pred])], axis=1)


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
    style_axes(ax)
    return filled


def add_colorbar(ax, filled, label="MSE (log scale)"):
    """The colour bar of a loss contour, in round numbers."""
    colorbar = ax.figure.colorbar(filled, ax=ax, label=label, format="%g")
    style_axes(colorbar.ax)
    return colorbar


@styled
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
            LineCollection(residual_segments(x, y, m, b), colors="0.4", linewidths=0.8, label="residuals")
        )
    ax.legend(loc="best", framealpha=0.9)
    return ax


@styled
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
    style_axes(ax)
    return cap


def _valid_point(point):
    """A line ``(m, b)``: two finite numbers."""
    try:
        m, b = point
    except (TypeError, ValueError):
        raise TypeError(f"point must be a pair (m, b) of numbers, got {point!r:.80}.") from None
    return lv.valid_number(m, "m"), lv.valid_number(b, "b")


@styled
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
# Notebooks 05 and 06: feature scaling, a long valley against a round bowl (explorers too)
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


@styled
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
    style_axes(ax2)

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
        style_axes(ax)
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
        ax_map.set_title("the loss map (darker = lower MSE):\nwalk along the white line")
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
        style_axes(ax)
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


def show_derivatives(x, y, m, b):
    """Print a trained line's ``m`` and ``b`` and the MSE's two derivatives there: training is done
    when both are near 0 (a flat loss alone is not enough)."""
    x, y = lv.valid_xy(x, y)
    dm, db = (_num(value, 3).rstrip("0").rstrip(".") for value in lc.gradients(x, y, m, b))
    print(f"m = {readable(m)}   b = {readable(b)}   derivatives there: dm = {dm}, db = {db}")


def _finishes(train, args):
    """False if a student's ``train(*args)`` runs past the checkers' time limit (a loop that never
    ends), tried in their sandbox so that the kernel is left as it was; True otherwise."""
    from linreg_exercises import engine  # the checkers' time limit (a forked copy where it can)

    student = engine.Student()
    student.call(train, args)
    return not student.too_slow


def show_loss_curve(train, x, y, lr, epochs=tuple(range(0, 2001, 100))):
    """Plot the MSE and the intercept b after each number of ``epochs`` of a student's
    ``train(x, y, lr, epochs)``, next to the best line's.

    The curves come from the student's own function, called once per number of epochs; dashed
    lines mark the lowest MSE and the best b (the best line), so "flat" can be told from "done":
    an MSE that looks flat while b is still far from its best (b crawls) is not done. Under the
    picture, the two derivatives at the last (m, b): done means both are near 0.
    """
    import matplotlib.pyplot as plt

    x, y = lv.valid_xy(x, y)
    if not _finishes(train, (x, y, lr, max(epochs))):
        print("Your train did not finish within a few seconds: does its loop end? Does it draw or")
        print("print at every epoch (slow)? Check it with ex.check_training_loop(train), then run")
        print("this cell again.")
        return
    losses, bs, printed = [], [], io.StringIO()
    for count in epochs:
        try:
            # a print in the loop: once per epoch, per call; numpy's overflow warnings: said below
            with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
                m, b = (float(value) for value in train(x, y, lr, count))
            with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported below
                losses.append(float(np.mean((y - (m * x + b)) ** 2)))
            bs.append(b)
        except Exception as error:  # the student's code: say so, do not stop Run All
            what = f"raised {type(error).__name__}"
            if isinstance(error, TypeError) and "NoneType" in str(error):  # `return` inside the loop
                what = "returned None (is `return m, b` below the loop, at the level of `for`?)"
            if isinstance(error, ValueError) and "diverged" in str(error):  # lc.gradients' overflow
                what = "diverged (m and b overflowed: a + where a − belongs, or too large an lr?)"
            print(f"Your train {what} after {count} epochs: check it with ex.check_training_loop(train).")
            return
    if not np.isfinite(losses[-1]) or losses[-1] > losses[0]:
        start, end = readable(losses[0]), readable(losses[-1])
        print(f"The MSE of your train grows (from {start} to {end}): it diverges.")
        bound, rate = readable(lc.stable_learning_rate(x)), readable(lr)
        if lr < lc.stable_learning_rate(x):  # a safe rate: the loop itself goes uphill (round 36)
            print(f"The lr {rate} is below the largest safe one, {bound}: look at the loop, a + where")
            print("a − belongs? Check it with ex.check_training_loop(train).")
        else:
            print(f"The lr {rate} is not below the largest safe one, {bound}: choose a smaller lr (or")
            print("centre x first).")
        return
    if np.ptp(losses) == 0:
        print(
            f"Your train gives the same MSE ({readable(losses[0])}) after any number of epochs: it does not"
        )
        print("change m and b yet. Write the loop (Exercise 1), then run this cell again.")
        return
    if printed.getvalue():
        lines = printed.getvalue().count("\n")
        print(f"(Your train printed {lines:,} lines while it ran here; they are left out.)")
    m_best, b_best = lc.closed_form(x, y)
    lowest = float(np.mean((y - (m_best * x + b_best)) ** 2))
    fig, (ax, ax_b) = plt.subplots(1, 2, figsize=(9.8, 4), layout="constrained")
    ax.plot(epochs, losses, "o-", color=PALETTE["line"], lw=2, label="the loop (train)")
    ax.axhline(lowest, color=PALETTE["guide"], ls="--", lw=2, label=f"the best line: {readable(lowest)}")
    ax.set_xlim(0, max(epochs) * 1.03)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.set_xlabel("epochs")
    if lowest > 0 and min(losses) > 0:  # a log axis: the last few % above the best line still show
        ax.set_yscale("log")
        ax.set_ylim(bottom=10 ** math.floor(math.log10(lowest)))  # a labelled tick below the floor
        ax.set_ylabel("MSE after that many epochs\n(log scale: each tick ×10)")
    else:  # an exact fit has MSE 0, which a log axis cannot show
        ax.set_ylabel("MSE after that many epochs")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: readable(value, 2)))  # no "1e7" corner
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title(f"the MSE after each number of epochs, lr = {readable(lr)}")
    ax.legend(loc="best")
    ax_b.plot(epochs, bs, "o-", color=PALETTE["line"], lw=2, label="the loop (train)")
    ax_b.axhline(b_best, color=PALETTE["guide"], ls="--", lw=2, label=f"the best b: {readable(b_best)}")
    ax_b.set_xlim(0, max(epochs) * 1.03)
    ax_b.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax_b.set_xlabel("epochs")
    ax_b.set_ylabel("intercept b after that many epochs")
    ax_b.set_title("b after each number of epochs")
    ax_b.legend(loc="best")
    for panel in (ax, ax_b):
        style_axes(panel)
    plt.show()
    print(f"after {epochs[-1]:,} epochs:", end="   ")
    show_derivatives(x, y, m, b)


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


def _diverged(*values):
    """Print ``lv.DIVERGED`` and return True when a trained line's numbers are not all finite."""
    if lv.has_nan_or_inf(*values):
        print(lv.DIVERGED)
        return True
    return False


def show_split(x_train, y_train, x_test, y_test, xlabel="x", ylabel="y", line=None, centre=0.0):
    """Scatter a training set (dots) and a test set (open diamonds) in one picture.

    With ``line=(m, b)``, also draw that line and its misses on the test points: how a model
    trained on the dots does on the diamonds. A line trained on centred x (x minus ``centre``)
    is drawn as ``m * (x - centre) + b`` over the x given, so the axis keeps its units.
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    x_train, y_train = lv.valid_xy(x_train, y_train, ("x_train", "y_train"))
    x_test, y_test = lv.valid_xy(x_test, y_test, ("x_test", "y_test"))
    if line is not None:
        if _diverged(*line):
            return
        m, b = lv.valid_number(line[0], "m"), lv.valid_number(line[1], "b")
        b = b - m * lv.valid_number(centre, "centre")  # the same line, for x itself
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    hidden = "kept for the end" if line is None else "not used in training"
    plot_split(ax, x_train, y_train, x_test, y_test, test_label=hidden)
    ax.set_title("split first: train on the dots, test on the diamonds")
    if line is not None:
        misses = LineCollection(residual_segments(x_test, y_test, m, b), colors="0.4", linewidths=0.9)
        misses.set_label("misses on the test set")
        ax.add_collection(misses)
        ends = np.array([min(x_train.min(), x_test.min()), max(x_train.max(), x_test.max())])
        ax.plot(ends, m * ends + b, color=PALETTE["curve"], lw=2.5, label="trained line")
        ax.set_title("the line trained on the dots, and its misses on the diamonds")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", framealpha=0.9)
    plt.show()


def show_test_scores(y_train, pred_train, y_test, pred_test, yours=..., unit=""):
    """Print the MSE of a model on the training and the test set, and of the baseline (the training
    mean of y for every point) on the test set, each with its typical miss (√MSE).

    ``yours`` is the student's own test MSE: while it is still None, or not yet right (a number
    typed as text included), the scores stay hidden, so that *Run All* does not print the answer
    of the exercise above. Left out, the scores are shown. ``unit`` is y's unit, e.g. "g": the MSE
    is then in its square and the typical miss in it.
    """
    if yours is None:
        print("Type the line's test MSE first (test_mse, above), then run this cell: it shows the scores.")
        return
    if _diverged(pred_train, pred_test):
        return
    y_train, pred_train = lv.valid_xy(y_train, pred_train, ("y_train", "pred_train"))
    y_test, pred_test = lv.valid_xy(y_test, pred_test, ("y_test", "pred_test"))
    try:  # the scores stay hidden until the student's own value is right
        right = yours is ... or (
            not isinstance(yours, str) and math.isclose(float(yours), lc.mse(y_test, pred_test), rel_tol=1e-6)
        )
    except (TypeError, ValueError):
        right = False
    if not right:
        print("Your test_mse is not the line's test MSE yet: fix it with its check above, then run this.")
        return
    mse_unit, miss_unit = (f" ({unit}²)", f", {unit}") if unit else ("", "")
    print(f"{'':22} {'MSE' + mse_unit:>10} {'typical miss (√MSE' + miss_unit + ')':>23}")
    for name, ys, guess in (
        ("line, training set", y_train, pred_train),
        ("line, test set", y_test, pred_test),
        ("baseline, test set", y_test, np.mean(y_train)),
    ):
        loss = lc.mse(ys, guess)
        print(f"{name:22} {loss:10,.0f} {loss**0.5:23.0f}")


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


def show_lookup_table(
    x_train, y_train, x_test, y_test, pred_train, pred_test, prediction="", xlabel="x", ylabel="y"
):
    """Print the MSE of a line and of a :func:`lookup_table` model on the training and the test set,
    and draw both models over the penguins: the line, and the table's jagged steps.

    ``prediction`` is the student's guess of which wins on the test set: while it is still None
    the numbers stay hidden, so that *Run All* does not print the answer above the guess.
    """
    import matplotlib.pyplot as plt

    if prediction is None:
        print("Write your prediction first (my_prediction), then run this cell: it shows who wins.")
        return
    x_train, y_train = lv.valid_xy(x_train, y_train, ("x_train", "y_train"))
    x_test, y_test = lv.valid_xy(x_test, y_test, ("x_test", "y_test"))
    y_train, pred_train = lv.valid_xy(y_train, pred_train, ("y_train", "pred_train"))
    y_test, pred_test = lv.valid_xy(y_test, pred_test, ("y_test", "pred_test"))
    table_train = lookup_table(x_train, y_train, x_train)
    table_test = lookup_table(x_train, y_train, x_test)
    print(f"{'':14} {'train MSE':>10} {'test MSE':>10}   typical miss (√MSE), train → test")
    for name, on_train, on_test in (
        ("line", lc.mse(y_train, pred_train), lc.mse(y_test, pred_test)),
        ("lookup table", lc.mse(y_train, table_train), lc.mse(y_test, table_test)),
    ):
        miss = f"{np.sqrt(on_train):,.0f} → {np.sqrt(on_test):,.0f}"
        print(f"{name:14} {on_train:10,.0f} {on_test:10,.0f}   {miss:>13}")
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_split(ax, x_train, y_train, x_test, y_test, test_label="not used in training")
    order = np.argsort(x_train)
    ax.plot(x_train[order], pred_train[order], color=PALETTE["curve"], lw=2.5, label="the line")
    grid = np.linspace(min(x_train.min(), x_test.min()), max(x_train.max(), x_test.max()), 400)
    table = lookup_table(x_train, y_train, grid)
    ax.plot(grid, table, color=SERIES[3]["color"], lw=2.4, ls="--", label="the lookup table")
    ax.set_title("the line learns the trend; the lookup table copies every bump")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", framealpha=0.9)
    style_axes(ax)
    plt.show()


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
