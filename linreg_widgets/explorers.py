"""The explorers, by notebook, and :data:`EXPLORERS`, the registry the tests and benchmarks use.

Each explorer is a subclass of :class:`~linreg_widgets.explorer.Explorer`: it draws what stays
put once, registers what moves, and its ``update`` sets the moving artists and the readout. The
maths comes from ``linreg_core``, ``linreg_minibatch`` and :mod:`linreg_widgets.maths`. To add
one, see "Add an explorer" in CONTRIBUTING.md: the class here, one entry in :data:`EXPLORERS`.
"""

import math
from collections.abc import Callable
from typing import NamedTuple

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.ticker import MaxNLocator

import linreg_core as lc
import linreg_minibatch as lm
import linreg_validation as lv

from .browser import (
    BrowserExplorer,
    affine,
    box,
    data_url,
    finite_numbers,
    line_style,
    marker_style,
    panel_limits,
    semilog_affine,
)
from .explorer import (
    Explorer,
    data_copy,
    divergence_note,
    inner_range,
    log_lr_slider,
    lr_choice_slider,
    number_slider,
    png_bytes,
)
from .figures import (
    add_colorbar,
    draw_data,
    draw_loss_bowl,
    draw_scaling_contours,
    is_standardized,
    parameter_grid,
    residual_segments,
    square_parameter_grid,
)
from .maths import (
    EQUIVALENT_ABOVE,
    MAX_RESIDUALS,
    LineLoss,
    equivalent_data,
    loss_grid,
    mae_line,
    play_epochs,
    residual_sample,
)
from .style import (
    CURRENT_MARKER,
    EXPLORER_STYLE,
    GUIDE_COLOR,
    LINE_COLOR,
    MAE_COLOR,
    MIN_FONT_PT,
    OUTLIER_COLOR,
    PALETTE,
    line_label,
    readable,
    style_axes,
)


def _set_log_limits(ax, *values):
    """Loss-axis limits around every positive value (a loss of exactly 0 is skipped)."""
    values = np.concatenate([np.ravel(v) for v in values])
    positive = values[values > 0]
    low = positive.min() / 1.5 if positive.size else 1e-12
    ax.set_ylim(low, max(values.max() * 1.5, 10 * low))


# --------------------------------------------------------------------------
# Notebook 01: the line, its residuals and the loss surface
# --------------------------------------------------------------------------


class LossExplorer(BrowserExplorer):
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

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): a slider move
    redraws the line, the residuals, the dots and the readout there, with no round trip;
    ``explorer.m`` and ``explorer.b`` follow the drag.
    """

    description = "drag m and b: the line and its point on the loss surface move"
    kind = "loss"

    @property
    def m(self):
        """The slope the slider shows (it follows a drag in the browser); set it to move the line."""
        return self.m_slider.value

    @m.setter
    def m(self, value):
        self.m_slider.value = value

    @property
    def b(self):
        """The intercept the slider shows (it follows a drag in the browser); set it to move the line."""
        return self.b_slider.value

    @b.setter
    def b(self, value):
        self.b_slider.value = value

    def __init__(self, x, y, xlabel="x", ylabel="y", m=None, b=None, compact=False):
        self.x, self.y = data_copy(x, y)
        m_values, b_values = parameter_grid(self.x, self.y)
        # Default start: a too-flat line through the middle of the data. A given start (e.g. the
        # student's guess) is always on the map: the grid grows to hold it.
        m = m_values[len(m_values) // 4] if m is None else lv.valid_number(m, "m")
        b = self.y.mean() - m * self.x.mean() if b is None else lv.valid_number(b, "b")
        m_values, b_values = parameter_grid(self.x, self.y, include=[(m, b)])
        self.m_slider = number_slider("slope m", *inner_range(m_values), m)
        self.b_slider = number_slider("intercept b", *inner_range(b_values), b)
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
        self.residuals.set_segments(residual_segments(*self._residual_xy, m, b))
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

    def browser_spec(self):
        """The data (or the residuals' sample and the exact sums), each panel's mapping, the star."""
        ax_fit, ax_loss = self.line.axes, self.marker.axes
        x_shown, y_shown = self._residual_xy
        spec = {
            "compact": self.compact,
            "n": int(self.x.size),
            "fit": {"map": affine(ax_fit), "box": box(ax_fit), "x_ends": finite_numbers(self._x_ends)},
            "loss": {"map": affine(ax_loss), "box": box(ax_loss)},
            "residuals": [finite_numbers(x_shown), finite_numbers(y_shown)],
            "star": finite_numbers(lc.closed_form(self.x, self.y)),
            "r2": bool(not self.compact and self._r2_defined),
            "colors": {"line": to_hex(LINE_COLOR), "residual": to_hex(self.residuals.get_edgecolor()[0])},
        }
        if self.x.size <= MAX_RESIDUALS:  # every point: the browser computes the MSE point by point
            spec["data"] = [finite_numbers(self.x), finite_numbers(self.y)]
        else:  # a sample for the residuals, and the exact averages for the readout (LineLoss)
            sums = self.line_loss
            names = ("x_mean", "y_mean", "sxx", "sxy", "syy", "m_hat", "s_res")
            spec["sums"] = dict(zip(names, finite_numbers(getattr(sums, name) for name in names)))
        if self.ax_bowl is not None:
            spec["bowl"] = {
                "M": [finite_numbers(row) for row in self.ax_bowl.M],
                "map": affine(self.ax_bowl),
                "box": box(self.ax_bowl),
                "cap": float(self.bowl_cap),
            }
        return spec


class OutlierExplorer(BrowserExplorer):
    """One outlier, moved by a slider: the least-squares (MSE) line follows it,
    the least-absolute-error (MAE) line hardly moves.

    The outlier sits at ``x = outlier_x`` (the largest x by default, where a
    point pulls hardest on a slope); the slider sets its y, the checkbox adds or
    removes it. Left: the data, the outlier, both lines (thin dashed: the same
    lines without the outlier). Right: the slope of each line for every
    position of the outlier, with the current one marked. The readout gives
    both slopes and how far each moved from its value without the outlier.
    An outlier beyond the left panel is drawn at its edge as a triangle.

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): the MSE line
    from the data's sums (closed form, any height); the MAE line, which has no formula, from
    a table the kernel makes once (:meth:`mae_table`): exact at every stop of the slider.
    """

    description = "drag the outlier: the MSE line follows it, the MAE line stays"
    kind = "outlier"

    def __init__(self, x, y, outlier_x=None, outlier_y=None, xlabel="x", ylabel="y"):
        self.x, self.y = data_copy(x, y)
        self.base = {"MSE": lc.closed_form(self.x, self.y), "MAE": mae_line(self.x, self.y)}
        self.outlier_x = self.x.max() if outlier_x is None else lv.valid_number(outlier_x, "outlier_x")
        spread = np.ptp(self.y) or 1.0
        if outlier_y is None:  # well below the data: an obvious outlier
            outlier_y = self.y.min() - spread
        self.outlier_slider = number_slider(
            "outlier y",
            self.y.min() - 3 * spread,
            self.y.max() + 3 * spread,
            lv.valid_number(outlier_y, "outlier_y"),
        )
        self.outlier_box = widgets.Checkbox(value=True, description="add the outlier", indent=False)
        self._sums = LineLoss(self.x, self.y)  # the data's means and centred averages
        self._mae_solved = {}  # MAE lines solved by mae_line, by the outlier's height
        self._mae_sides = self._mae_side_lines()
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
        style_axes(ax)
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
        """The MSE or MAE line of the data plus the outlier at ``height``."""
        if name == "MAE":
            return self._mae_fit(height)
        if self.x.size <= EQUIVALENT_ABOVE:
            return lc.closed_form(np.append(self.x, self.outlier_x), np.append(self.y, height))
        # large n: from the data's means and centred sums updated with the one point (Welford),
        # exact, without a pass over the data (browser.js does the same for any n)
        n, sums = self.x.size, self._sums
        dx, dy = self.outlier_x - sums.x_mean, height - sums.y_mean
        sxx = n * sums.sxx + n / (n + 1) * dx * dx  # centred sums (n times the averages)
        sxy = n * sums.sxy + n / (n + 1) * dx * dy
        m = sxy / sxx
        return m, (sums.y_mean + dy / (n + 1)) - m * (sums.x_mean + dx / (n + 1))

    def _mae_side_lines(self):
        """The MAE lines with the outlier far below and far above the data, as ``(side, m, b)``.

        While the outlier lies below the first line, that line stays a best line (the outlier's
        term in the MAE is then the same linear function of ``(m, b)`` whatever its height); the
        same above the second. These two fits, made once, serve every height outside the narrow
        band between the two lines; a height inside it is solved by :func:`mae_line`.
        """
        sides = []
        spread = (np.ptp(self.y) or 1.0) + abs(self.base["MSE"][0]) * (np.ptp(self.x) + 1.0)
        for sign, far in ((-1, self.y.min() - 100 * spread), (1, self.y.max() + 100 * spread)):
            m, b = mae_line(np.append(self.x, self.outlier_x), np.append(self.y, far))
            if sign * (far - (m * self.outlier_x + b)) > 0:  # the far outlier is on that side
                sides.append((sign, float(m), float(b)))
        return sides

    def _in_band(self, height):
        """Whether ``height`` lies between the two side lines (its MAE line must be solved)."""
        return not any(sign * (height - (m * self.outlier_x + b)) > 0 for sign, m, b in self._mae_sides)

    def _mae_fit(self, height):
        for sign, m, b in self._mae_sides:
            if sign * (height - (m * self.outlier_x + b)) > 0:
                return m, b
        if height not in self._mae_solved:
            fit = mae_line(np.append(self.x, self.outlier_x), np.append(self.y, height))
            self._mae_solved[height] = tuple(float(v) for v in fit)
        return self._mae_solved[height]

    def mae_table(self):
        """What the browser needs for the MAE line at every stop of the slider: the two side
        lines (see :meth:`_mae_side_lines`) and each line solved between them, as
        ``[height, m, b]``: the few stops there (a stop as the browser computes it: lo + k·step,
        rounded to the step's decimals) and any height set from code."""
        slider = self.outlier_slider
        digits = max(0, math.ceil(-math.log10(slider.step) - 1e-9))
        for k in range(round((slider.max - slider.min) / slider.step) + 1):
            height = float(f"{slider.min + k * slider.step:.{digits}f}")
            if self._in_band(height):
                self._mae_fit(height)
        solved = [[height, *fit] for height, fit in sorted(self._mae_solved.items())]
        self._mae_sent = len(self._mae_solved)
        return {
            "sides": [finite_numbers(side) for side in self._mae_sides],
            "solved": [finite_numbers(row) for row in solved],
        }

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
        if self._background is not None and len(self._mae_solved) != self._mae_sent:
            self.view.spec = {**self.view.spec, "mae": self.mae_table()}  # a height set from code

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

    def browser_spec(self):
        """The data's sums (the MSE line), the MAE table, each panel's mapping and the styles."""
        ax_fit, ax_slope = self.outlier.axes, self.ax_slope
        sums = self._sums
        return {
            "n": int(self.x.size),
            "outlier_x": float(self.outlier_x),
            "fit": {
                "map": affine(ax_fit),
                "box": box(ax_fit),
                "x_ends": finite_numbers(self._x_ends),
                "y_limits": finite_numbers(ax_fit.get_ylim()),
            },
            "slope": {"map": affine(ax_slope), "box": box(ax_slope)},
            "sums": dict(
                zip(
                    ("x_mean", "y_mean", "sxx", "sxy"),
                    finite_numbers([sums.x_mean, sums.y_mean, sums.sxx, sums.sxy]),
                )
            ),
            "base": {name: finite_numbers(fit) for name, fit in self.base.items()},
            "mae": self.mae_table(),
            "lines": {name: line_style(line) for name, line in self.lines.items()},
            "now": line_style(self.now_line),
            "outlier": marker_style(self.outlier),
            "points": {name: marker_style(point) for name, point in self.slope_points.items()},
            "note": {
                "size": float(self.outlier_note.get_fontsize()),
                "dx": float(0.03 * np.ptp(self._x_ends)),
            },
        }


# --------------------------------------------------------------------------
# Notebooks 01 and 02: the loss along the slope, its tangent and gradient
# --------------------------------------------------------------------------


class SlopeExplorer(BrowserExplorer):
    """A slider for ``m`` with ``b`` held fixed: the loss curve ``L(m)``
    with the current point (left) and the point on the contour (right).

    With ``tangent=True`` the left panel also draws the tangent line, whose
    slope is ``dL/dm``, and the right panel the gradient as arrows: a field
    over the grid and the arrow at the current point (scaled to fit).

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): the loss and the
    gradient with the lesson's formulas (point by point, or from the data's averages beyond
    :data:`MAX_RESIDUALS` points), the dots, the tangent and the arrow, with no round trip.
    """

    kind = "slope"

    def __init__(self, x, y, b=None, tangent=False, m=None):
        self.x, self.y = data_copy(x, y)
        m_values, b_values = parameter_grid(self.x, self.y)
        m_hat, b_hat = lc.closed_form(self.x, self.y)
        self.b = b_hat if b is None else lv.valid_number(b, "b")
        try:  # anything with a truth value, as before; an array or Series gets our message
            self.tangent = bool(tangent)
        except (TypeError, ValueError):
            raise TypeError(f"tangent must be True or False, got {tangent!r:.60}.") from None
        self.description = (
            "drag m: the tangent to the loss curve and the gradient"
            if tangent
            else "drag m: a point moves along the loss curve L(m)"
        )
        m = m_values[len(m_values) // 5] if m is None else lv.valid_number(m, "m")
        self.m_slider = number_slider("slope m", *inner_range(m_values), m)
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

    def browser_spec(self):
        """The data (or its exact averages), b, each panel's mapping, and the arrow's geometry."""
        ax_curve, ax_loss = self.point.axes, self.marker.axes
        spec = {
            "n": int(self.x.size),
            "b": float(self.b),
            "tangent": self.tangent,
            "curve": {"map": affine(ax_curve), "box": box(ax_curve)},
            "loss": {"map": affine(ax_loss), "box": box(ax_loss)},
            "colors": {"line": to_hex(LINE_COLOR)},
        }
        if self.x.size <= MAX_RESIDUALS:  # every point: the loss and gradient point by point
            spec["data"] = [finite_numbers(self.x), finite_numbers(self.y)]
        else:  # the exact averages (LineLoss): the loss and gradient in constant time
            sums = LineLoss(self.x, self.y)
            names = ("x_mean", "y_mean", "sxx", "sxy", "syy", "m_hat", "s_res")
            spec["sums"] = dict(zip(names, finite_numbers(getattr(sums, name) for name in names)))
        if self.tangent:
            arrow = self.arrow
            spec["tangent_line"] = {**line_style(self.tangent_line), "half": float(0.15 * self._m_span)}
            spec["arrow"] = {
                "spans": finite_numbers(self._axis_spans),
                "typical": float(self._typical_gradient),
                "width": float(arrow.width),  # of the shaft, a fraction of the axes' width
                "head": finite_numbers([arrow.headwidth, arrow.headlength, arrow.headaxislength]),
                "minshaft": float(arrow.minshaft),
                "minlength": float(arrow.minlength),
                "color": to_hex(arrow.get_facecolor()[0]),
            }
        return spec


# --------------------------------------------------------------------------
# Notebook 03: one update at a time
# --------------------------------------------------------------------------


def _stability_note(bound, lr):
    note = f"lr = {readable(lr, 3)} (the largest safe lr for these data: {readable(bound, 3)})"
    if lr >= bound:
        note += " &nbsp;⚠ <b>lr is above the largest safe one: each step overshoots more</b>"
    return note


class StepExplorer(BrowserExplorer):
    """Step through gradient descent by hand: a learning-rate choice (round
    rates, :func:`learning_rate_choices`, or the lesson's own ``rates``) and Step / 10 steps /
    Reset buttons.
    Each step adds a point to the path on the contour (middle) and moves the
    line (left). A new learning rate starts again from the start, like Reset.

    The readout names the learning rate but not the largest safe one: the
    lesson asks students to predict what a rate does before they step.

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): the learning
    rates are radio buttons, and each press of a button is a step computed there with the
    lesson's formulas, drawn at once. The browser and the kernel share how many steps were
    asked for at which rate (the view's ``state``): the kernel takes the same steps, so
    ``explorer.ms``, ``bs`` and ``losses`` follow, and steps taken from code are drawn. The step
    axis widens (10, 20, 40 … steps) in the browser too: it gets the axis at each width once
    (:meth:`step_axes`).
    """

    description = "press Step: one update, one more dot on the path"
    kind = "step"
    resend_still = False  # the browser widens the step axis itself (see step_axes)
    #: The widths of the step axis, in steps: it doubles when the steps outgrow it.
    STEP_AXIS_WIDTHS = tuple(10 * 2**k for k in range(12))  # 10 … 20,480

    def __init__(self, x, y, lr=None, m0=0.0, b0=0.0, xlabel="x", ylabel="y", rates=None):
        self.x, self.y = data_copy(x, y)
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        self.star = lc.closed_form(self.x, self.y)  # the readout's target, once
        self.bound = lc.stable_learning_rate(self.x)
        self.lr_slider = lr_choice_slider(self.bound, lr, rates)
        self.step_button = widgets.Button(description="Step", button_style="primary")
        self.step10_button = widgets.Button(description="10 steps")
        self.reset_button = widgets.Button(description="Reset", button_style="warning")
        super().__init__([self.lr_slider, self.step_button, self.step10_button, self.reset_button])

        ax_fit, ax_loss, self.ax_steps = self.fig.subplots(1, 3)
        self.fit_panel(ax_fit, "the line after each step", xlabel, ylabel)
        m_values, b_values = parameter_grid(self.x, self.y, include=[self.start])
        # At a rate safe for m, b crawls along the valley floor: a map only a little taller than
        # the way from the start to the star shows how far it still has to go (on the full map
        # the two look close).
        b_low, b_high = sorted((self.start[1], self.star[1]))
        margin = 0.6 * (b_high - b_low) or 0.1 * (b_values[-1] - b_values[0])
        b_values = np.linspace(b_low - margin, b_high + margin, b_values.size)
        title = "(m, b), b axis stretched"
        self.contour_panel(ax_loss, m_values, b_values, title, colorbar=False)
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
            ax.axhline(0.0, color=GUIDE_COLOR, ls="--", lw=1.5, label="where m would stop if b never moved")
        )
        style_axes(ax)
        self.legend_axes.append(ax)
        self.m_curve = self.moving(ax.plot([], [], ".-", color=PALETTE["curve"], lw=1.2, ms=8)[0])
        self.m_marker = self.add_marker(ax, "current (m, b)")
        self.redrawn_axes = (ax,)  # its step axis grows as steps are taken
        self._steps_shown = None

        self.step_button.on_click(lambda _: self.take_steps(1))
        self.step10_button.on_click(lambda _: self.take_steps(10))
        self.reset_button.on_click(lambda _: self._reset_pressed())
        self._rate_changed = False  # the readout says once that a new rate starts again
        self.lr_slider.observe(self._new_rate, names="value")
        self.view.observe(self._stepped_in_browser, names="state")
        self.reset()

    def _new_rate(self, change):
        """A new learning rate starts again from the start (the readout says so, at step 0)."""
        self._rate_changed = True
        self.reset()

    def _reset_pressed(self):
        """Reset at the same rate: back to step 0, with no word of a new rate (round 35)."""
        self._rate_changed = False
        self.reset()

    def _share_steps(self):
        """Tell the browser how many steps were asked for since the start, at which rate."""
        self.view.state = {"steps": self.asked, "index": self.lr_slider.index}

    def _stepped_in_browser(self, change):
        """The browser took steps (or went back to the start): take the same ones here."""
        state = change["new"]
        if getattr(self, "_closed", False) or state.get("index") != self.lr_slider.index:
            return  # asked for at another rate: that rate's reset comes with it
        steps = state.get("steps", 0)
        if steps == self.asked:
            return
        if steps < self.asked:
            self.reset()
        if steps > self.asked:
            self.take_steps(steps - self.asked)

    def reset(self):
        """Back to the starting point, with an empty path."""
        m, b = self.start
        self.ms, self.bs = [m], [b]
        self.losses = [lc.mse(self.y, lc.predict(self.x, m, b))]
        self.diverged = False
        self.asked = 0  # steps asked for since the start (a diverged run stops taking them)
        self._share_steps()
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
        self.asked += count
        self._share_steps()
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
            self.ax_steps.set_xlim(self._step_limits(shown))
            self.invalidate_background(self.ax_steps)
        self.m_curve.set_data(np.arange(steps + 1), self.ms)
        self.best_m_line.set_ydata([self.best_m_for(b)] * 2)
        self.place_marker(self.m_marker, steps, m, note)
        m_star, b_star = self.star
        text = (
            f"step {len(self.ms) - 1}: m = {readable(m)}, b = {readable(b)}, "
            f"<b>MSE = {readable(self.losses[-1])}</b> (the star: m = {readable(m_star, 3)}, "
            f"b = {readable(b_star, 3)})"
            f"<br>lr = {readable(self.lr_slider.value, 3)}"
        )
        if self._rate_changed and steps == 0:  # said once, when the rate has just changed
            text += " (a new lr starts again from step 0)"
        if self.diverged:
            text += "<br>" + divergence_note(
                "at this step (the next one would make the loss over a million times its first value)",
                "Press Reset and choose a smaller lr.",
            )
        elif steps >= 1 and self.losses[-1] > max(self.losses[0], self.losses[-2]):
            text += "<br>⚠ <b>diverging</b>: the MSE is above its start and still growing."
        self.readout.value = text

    @staticmethod
    def _step_limits(shown):
        return (-0.5, 1.05 * shown + 0.5)  # room for the last tick's label

    def step_axes(self):
        """The step axis at each of its widths, for the browser: its mapping and limits, and a
        picture of its ticks and labels (under the axes, as the kernel draws them there), so the
        browser widens the axis itself, with or without a kernel."""
        ax, canvas = self.ax_steps, self.fig.canvas
        shown_now = ax.get_xlim()
        height, width = canvas.get_width_height()[::-1]
        widths = []
        with matplotlib.rc_context(EXPLORER_STYLE):  # ticks are made from the rcParams
            renderer = canvas.get_renderer()
            boxes = []
            for shown in self.STEP_AXIS_WIDTHS:
                ax.set_xlim(self._step_limits(shown))
                boxes.append(ax.xaxis.get_tightbbox(renderer))
            # the region that every width's ticks and labels lie in: from just above the bottom
            # spine to below the labels, across the widest labels
            left = max(0, math.floor(min(b.x0 for b in boxes + [ax.bbox]) - 1))
            right = min(width, math.ceil(max(b.x1 for b in boxes + [ax.bbox]) + 1))
            top = max(0, math.floor(height - ax.bbox.y0 - 2))
            bottom = min(height, math.ceil(height - min(b.y0 for b in boxes) + 1))
            for shown in self.STEP_AXIS_WIDTHS:
                ax.set_xlim(self._step_limits(shown))
                canvas.restore_region(self._under)
                self.fig.draw_artist(ax)  # as _draw_background draws it (its moving artists skipped)
                rgba = np.asarray(canvas.buffer_rgba())[top:bottom, left:right]
                widths.append(
                    {
                        "steps": shown,
                        "map": affine(ax),
                        "xlim": finite_numbers(ax.get_xlim()),
                        "png": data_url(png_bytes(rgba.copy(), level=9)),
                    }
                )
        ax.set_xlim(shown_now)
        canvas.restore_region(self._background)
        return {"box": [left, top, right - left, bottom - top], "widths": widths}

    def browser_spec(self):
        """The data (or its exact averages), the start, the rates, each panel's mapping and limits,
        the step axis at each width, and the looks of what moves."""
        ax_fit, ax_loss, ax_steps = self.line.axes, self.marker.axes, self.ax_steps
        x_mean, xy_mean, xx_mean = (float(np.mean(v)) for v in (self.x, self.x * self.y, self.x**2))
        spec = {
            "n": int(self.x.size),
            "start": finite_numbers(self.start),
            "star": finite_numbers(self.star),
            "rates": finite_numbers(rate for _, rate in self.lr_slider.options),
            "presses": [None, 1, 10, 0],  # the steps each control adds (0: back to the start)
            "slice": [xy_mean, x_mean, xx_mean],  # where m settles for a b (best_m_for)
            "limit": lv.DivergenceWatch.FACTOR,  # a loss over this times the first one: diverged
            "fit": {"map": affine(ax_fit), "box": box(ax_fit), "x_ends": finite_numbers(self._x_ends)},
            "loss": panel_limits(ax_loss),
            "steps": panel_limits(ax_steps),
            "step_axes": self.step_axes(),
            "line": line_style(self.line),
            "path": {**line_style(self.path), **marker_style(self.path)},
            "curve": {**line_style(self.m_curve), **marker_style(self.m_curve)},
            "best": line_style(self.best_m_line),
            "colors": {"line": to_hex(LINE_COLOR)},
            "note_size": float(MIN_FONT_PT),
        }
        if self.x.size <= MAX_RESIDUALS:  # every point: the gradient point by point
            spec["data"] = [finite_numbers(self.x), finite_numbers(self.y)]
        else:  # the exact averages (LineLoss): the loss and gradient in constant time
            sums = LineLoss(self.x, self.y)
            names = ("x_mean", "y_mean", "sxx", "sxy", "syy", "m_hat", "s_res")
            spec["sums"] = dict(zip(names, finite_numbers(getattr(sums, name) for name in names)))
        return spec


# --------------------------------------------------------------------------
# Notebook 04: the whole training run, epoch by epoch
# --------------------------------------------------------------------------


def _last_consecutive(schedule):
    """The last epoch up to which a Play schedule shows every epoch."""
    gaps = np.flatnonzero(np.diff(schedule) > 1)
    return int(schedule[gaps[0]] if gaps.size else schedule[-1])


class TrainingExplorer(BrowserExplorer):
    """Replay a gradient-descent run: Play (or the epoch slider) moves the
    line, the path on the contour and the loss curve together. Changing the
    learning rate or the number of epochs trains again.

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): the kernel trains
    once per learning rate and number of epochs and sends the run (every epoch's ``m``, ``b`` and
    MSE) with the still picture, whose loss axes fit that run. Play animates in the browser,
    frame by frame with no message to the kernel, and the epoch slider drags there; the kernel's
    ``epoch_slider`` follows (after a drag, and when Play stops). Play and Pause are buttons
    with words; whether Play runs is the view's shared ``state`` (``set_playing`` from code).
    """

    description = "press Play: line, path and loss curve, epoch by epoch"
    kind = "training"

    def __init__(self, x, y, lr=None, epochs=300, m0=0.0, b0=0.0, xlabel="x", ylabel="y"):
        self.x, self.y = data_copy(x, y)
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        self.bound = lc.stable_learning_rate(self.x)
        self.lr_slider = lr_choice_slider(self.bound, lr)
        epochs = lv.valid_epochs(epochs)
        self.epochs_slider = widgets.IntSlider(
            value=epochs,
            min=min(10, epochs),
            max=max(2000, epochs),
            step=10,
            description="epochs",
            continuous_update=False,  # a new run when the slider is let go, not during the drag
        )
        self.epoch_slider = widgets.IntSlider(
            value=0, min=0, max=epochs, description="epoch", layout=widgets.Layout(width="360px")
        )
        # Play counts frames; frame k shows the epoch play_epochs(...)[k]. The browser runs its
        # own Play (spec["play"]); this widget is the kernel's handle on it (code, the tests):
        # not shown, linked to the epoch slider in the kernel.
        self.schedule = play_epochs(epochs)
        self.play = widgets.Play(value=0, min=0, max=len(self.schedule) - 1, interval=60, description="Play")
        widgets.dlink((self.play, "value"), (self.epoch_slider, "value"), transform=self._frame_epoch)
        # Buttons with words (Play's own buttons are icons, unnamed and not shown without an
        # icon font on Colab, colabtools #60 and #1302).
        self.play_button = widgets.Button(description="▶ Play", layout=widgets.Layout(width="90px"))
        self.pause_button = widgets.Button(description="❚❚ Pause", layout=widgets.Layout(width="90px"))
        self.play_button.on_click(lambda _: self.set_playing(True))
        self.pause_button.on_click(lambda _: self.set_playing(False))
        super().__init__(
            [self.play_button, self.pause_button, self.epoch_slider, self.lr_slider, self.epochs_slider]
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
        self.view.observe(self._played_in_browser, names="state")
        self.train()

    def set_playing(self, playing):
        """Start (from the first frame, if at the end) or pause Play's animation (in the browser)."""
        if playing and self.play.value >= self.play.max and self.epoch_slider.value >= self.epoch_slider.max:
            self.play.value = 0
            self.epoch_slider.value = 0
        self.play.playing = self.play._playing = bool(playing)  # ipywidgets 8 and 7 names
        self.view.state = {**self.view.state, "playing": bool(playing)}

    def _played_in_browser(self, change):
        """The browser's Play started or stopped: the kernel's Play says the same."""
        if not getattr(self, "_closed", False):
            self.play.playing = self.play._playing = bool(change["new"].get("playing"))

    def train(self, change=None):
        """Run gradient descent with the current controls and show epoch 0."""
        if self._refused(change):
            return
        self.result = lc.gradient_descent(
            *self._descent_data, self.lr_slider.value, self.epochs_slider.value, *self.start, warn=False
        )
        last = len(self.result.losses) - 1
        self.set_playing(False)
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
            text += "<br>" + _divergence_at(k, last, losses[k] / losses[0] if losses[0] else math.inf)
        self.readout.value = text

    def browser_spec(self):
        """The run (every epoch's m, b and MSE), Play's frames, the data (or its exact averages) for
        the readout, each panel's mapping and limits (the loss axis is logarithmic), the looks."""
        ax_fit, ax_loss = self.line.axes, self.marker.axes
        result = self.result
        spec = {
            "n": int(self.x.size),
            "start": finite_numbers(self.start),
            "star": finite_numbers(lc.closed_form(self.x, self.y)),
            "run": {
                "ms": finite_numbers(result.ms),
                "bs": finite_numbers(result.bs),
                "losses": finite_numbers(result.losses),
                "diverged": bool(result.diverged),
                "lr": float(self.lr_slider.value),
                "epochs": int(self.epochs_slider.value),
            },
            "rates": finite_numbers(rate for _, rate in self.lr_slider.options),
            "bound": float(self.bound),
            "best": float(self.best_loss),
            # Play: the epoch slider (the third control) goes through these epochs, one a frame
            "play": {
                "control": 2,
                "frames": [int(e) for e in self.schedule],
                "interval": int(self.play.interval),  # ms per frame
            },
            "every": _last_consecutive(self.schedule),
            "presses": [True, False],  # Play, Pause: whether Play runs after the press
            "fit": {"map": affine(ax_fit), "box": box(ax_fit), "x_ends": finite_numbers(self._x_ends)},
            "loss": panel_limits(ax_loss),
            "curve": {"map": semilog_affine(self.ax_curve), "box": box(self.ax_curve)},
            "line": line_style(self.line),
            "path": line_style(self.path),
            "loss_line": line_style(self.curve),
            "point_size": float(self.curve_point.get_markersize()),
            "colors": {"line": to_hex(LINE_COLOR)},
            "note_size": float(MIN_FONT_PT),
        }
        spec.update(readout_data(self.x, self.y))  # every point, or the exact averages
        return spec


def _divergence_at(k, last, ratio):
    """The readout line of a diverged run at the epoch shown, ``k``: what happens there (the MSE
    ``ratio`` times its start), and, at the last epoch, that training stopped."""
    if k == last:
        return divergence_note(f"after epoch {last}")
    return (
        f"⚠ <b>This run diverges</b>: at epoch {k} the MSE is {readable(ratio, 3)} times its start; "
        f"training stops after epoch {last}, where the next step would blow the loss up."
    )


# --------------------------------------------------------------------------
# Notebooks 05 and 06: feature scaling, a long valley against a round bowl
# --------------------------------------------------------------------------


class ScalingExplorer(BrowserExplorer):
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

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): the browser trains
    itself, with the lesson's loop, on every move of the learning-rate slider (``epochs`` epochs
    on at most ``EQUIVALENT_ABOVE`` points, or on the four points of :func:`equivalent_data`:
    well under a millisecond), so the slider drags with no round trip. The browser gets both
    still pictures at once (either panel highlighted) and swaps them at the checkbox: with or
    without a kernel, no picture is sent again.
    """

    description = "learning rate and 'standardise x': long valley or round bowl"
    kind = "scaling"
    resend_still = False  # the browser has the still picture of both checkbox states

    def __init__(self, x, y, lr=1e-4, epochs=1000, standardize=False, m0=0.0, b0=0.0, rtol=1e-3):
        self.x, self.y = data_copy(x, y)
        self.epochs = lv.valid_epochs(epochs)
        self.rtol = lv.valid_number(rtol, "rtol")
        self.start = (lv.valid_number(m0, "m0"), lv.valid_number(b0, "b0"))
        self.target = lc.closed_form(self.x, self.y)
        x_scaled = lc.standardize(self.x)[0]
        self.bounds = {False: lc.stable_learning_rate(self.x), True: lc.stable_learning_rate(x_scaled)}
        self.lr_slider = log_lr_slider(list(self.bounds.values()), lr)
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
        self._highlight(self.scale_box.value)
        self.invalidate_background()
        self.refresh()

    def _highlight(self, active_scaled):
        """Title and frame of the active panel (``active_scaled``: the standardised one) in bold."""
        names = {False: "raw x: a long valley", True: "standardised x: a round bowl"}
        for scaled, ax in self.axes.items():
            active = scaled == active_scaled
            with matplotlib.rc_context(EXPLORER_STYLE):  # the projector's title size, after __init__ too
                ax.set_title(
                    ("▶ " if active else "") + names[scaled],
                    color="k" if active else "0.55",
                    fontweight="bold" if active else "normal",
                )
            for spine in ax.spines.values():
                spine.set_linewidth(2.5 if active else 0.8)
                spine.set_edgecolor(LINE_COLOR if active else "0.55")

    def _draw_still(self):
        """Draw the still picture now (the moving artists are skipped) and return it as PNG."""
        with matplotlib.rc_context(EXPLORER_STYLE):
            self.fig.canvas.draw()
        return png_bytes(self.fig.canvas)

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

    def browser_spec(self):
        """What the browser trains on (each problem's data, start, stable bound), the target, the
        units' conversion, the divergence rule, each panel's mapping and limits, the looks; and
        the still picture of the other checkbox state, with its active panel's mapping."""
        # The other state's picture, then this one's again (kept by the kernel). The layout of
        # the first draw is kept: constrained layout would move the panels by a fraction of a
        # pixel when the bold title changes sides, and the browser's mappings would be off.
        self.fig.set_layout_engine("none")
        scaled = self.scale_box.value
        self._highlight(not scaled)
        other = {"still": data_url(self._draw_still()), "panel": panel_limits(self.axes[not scaled])}
        self._highlight(scaled)
        self._still = self._draw_still()
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        problems = {}
        for problem, ax in self.axes.items():
            x, y = self._descent_data[problem]
            problems["scaled" if problem else "raw"] = {
                "data": [finite_numbers(x), finite_numbers(y)],
                "start": finite_numbers(self.starts[problem]),
                "bound": float(self.bounds[problem]),
                "panel": panel_limits(ax),
            }
        return {
            "n": int(self.x.size),
            "epochs": int(self.epochs),
            "rtol": float(self.rtol),
            "target": finite_numbers(self.target),
            "units": finite_numbers([self.x_mean, self.x_std]),  # to convert a scaled run back
            "limit": lv.DivergenceWatch.FACTOR,  # a loss over this times the first one: diverged
            "rising": lv.DivergenceWatch.RISING_EPOCHS,  # or rising this many epochs in a row
            "problems": problems,
            "scaled": bool(scaled),  # the panel highlighted on this still picture
            "other": other,
            "path": {**line_style(self.paths[scaled]), **marker_style(self.paths[scaled])},
            "marker": marker_style(self.markers[scaled]),
        }


# --------------------------------------------------------------------------
# Notebook 08: stochastic and mini-batch gradient descent
# --------------------------------------------------------------------------


class MinibatchExplorer(BrowserExplorer):
    """Mini-batch gradient descent, live: pick the batch size, the learning
    rate (log scale) and the shuffling seed. Left: the path of ``(m, b)``
    after every update on the loss contour. Right: the loss on all the data
    after every epoch, next to full-batch gradient descent with the same lr.
    The same settings always give the same path (the seed fixes the shuffles).
    Play (or the epoch slider) walks along the path, epoch by epoch; a new run
    shows all of it.

    Any n: one run makes at most :attr:`MAX_UPDATES` updates, so a change of
    a control answers within a fraction of a second. A run whose epochs
    would need more shows its first epochs only, and the readout says so;
    batch sizes whose single epoch needs more (e.g. batch size 1 with 10⁵
    points: 10⁵ updates an epoch) are not offered; asked for one, the explorer
    starts at the smallest that fits and its readout says why.

    Drawn in the browser (:class:`~linreg_widgets.browser.BrowserExplorer`): the kernel trains
    once per settled batch size, learning rate and seed (the shuffles are numpy's) and sends the
    run, every update's ``m`` and ``b`` and every epoch's MSE, with a still picture whose loss
    axis fits it. The batch sizes are radio buttons; Play and the epoch slider move along the
    path in the browser with no message to the kernel, whose ``epoch_slider`` follows.
    """

    description = "batch size, learning rate, seed: the path and the loss curve"
    kind = "minibatch"

    #: Batch sizes offered: the first six of these below n whose epoch takes at most
    #: MAX_UPDATES updates, plus n itself (full batch).
    BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
    #: The most updates one run makes (about a tenth of a second of Python loop here).
    MAX_UPDATES = 5000
    #: Play's pace: milliseconds per epoch shown.
    PLAY_INTERVAL = 150

    def __init__(self, x, y, lr=0.05, epochs=20, batch_size=None, seed=0, m0=0.0, b0=0.0, tau=None):
        self.x, self.y = data_copy(x, y)
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
                f"batch size {fits} is shown instead (try smaller batches on a sample of the data)."
            )
            batch_size = fits
        sizes = sorted(set(fitting) | {n, batch_size})
        # Radio buttons in the browser, each named by what it is (a point count, or all of them).
        self.batch_buttons = widgets.ToggleButtons(
            options=[(f"n = {s}" if s == n else f"{s} point{'s' if s > 1 else ''}", s) for s in sizes],
            value=batch_size,
            description="batch size",
        )
        self.bound = lc.stable_learning_rate(self.x)
        self.lr_slider = log_lr_slider([self.bound], lr)
        self.lr_slider.continuous_update = False  # a new run when the slider is let go
        self.seed_slider = widgets.IntSlider(
            value=lv.valid_seed(seed), min=0, max=max(20, seed), description="seed", continuous_update=False
        )
        self.epoch_slider = widgets.IntSlider(
            value=0, min=0, max=1, description="epoch", layout=widgets.Layout(width="360px")
        )
        # Buttons with words: Play runs in the browser, a frame per epoch (see browser_spec).
        self.play_button = widgets.Button(description="▶ Play", layout=widgets.Layout(width="90px"))
        self.pause_button = widgets.Button(description="❚❚ Pause", layout=widgets.Layout(width="90px"))
        self.play_button.on_click(lambda _: self.set_playing(True))
        self.pause_button.on_click(lambda _: self.set_playing(False))
        super().__init__(
            [
                self.play_button,
                self.pause_button,
                self.epoch_slider,
                self.batch_buttons,
                self.lr_slider,
                self.seed_slider,
            ]
        )

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
        self.epoch_slider.observe(self.refresh, names="value")
        self.train()

    def set_playing(self, playing):
        """Start (from epoch 0, if at the end) or pause Play's animation (in the browser)."""
        self.view.state = {**self.view.state, "playing": bool(playing)}

    def train(self, change=None):
        """Run mini-batch and full-batch gradient descent with the current controls; show it all."""
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
        self.set_playing(False)
        last = len(self.result.losses) - 1
        self.epoch_slider.unobserve(self.refresh, names="value")  # one refresh below, not three
        self.epoch_slider.max = max(last, 1)  # a slider needs a range; past the last epoch shows all
        self.epoch_slider.value = last
        self.epoch_slider.observe(self.refresh, names="value")
        _set_log_limits(self.ax_curve, self.result.losses, self.full.losses, self.best_loss)
        self.invalidate_background(self.ax_curve)
        self.refresh()

    def _shown(self):
        """The epoch shown, and how many updates the path shows up to it (all of them at the last)."""
        r = self.result
        last = len(r.losses) - 1
        k = min(self.epoch_slider.value, last)
        return k, len(r.ms) - 1 if k == last else k * r.updates_per_epoch

    def update(self):
        r, n = self.result, self.x.size
        k, t = self._shown()
        last = len(r.losses) - 1
        self.path.set_data(r.ms[: t + 1], r.bs[: t + 1])
        self.marker.set_data([r.ms[t]], [r.bs[t]])
        self.curve.set_data(np.arange(k + 1), r.losses[: k + 1])
        full = self.full.losses[: k + 1]
        self.full_curve.set_data(np.arange(full.size), full)
        size = self.batch_buttons.value
        kind = (
            "full-batch gradient descent"
            if size == n
            else "SGD (stochastic gradient descent)"
            if size == 1
            else "mini-batch gradient descent"
        )
        text = (self.batch_note + "<br>" if self.batch_note else "") + (
            f"batch size {size} = {kind}: {r.updates_per_epoch} update(s) per epoch, "
            f"each from {size} point(s); every epoch uses all {n} points once.<br>"
        )
        if r.diverged and k == last:
            text += divergence_note(
                f"after {len(r.ms) - 1} updates ({last} full epochs)",
                "Choose a smaller lr (small batches need smaller steps).",
            )
        else:
            full_now = readable(full[k]) if k < full.size else "diverged"
            text += (
                f"after {k} epochs ({t} updates): "
                f"m = {readable(r.ms[t])}, b = {readable(r.bs[t])}, <b>MSE = {readable(r.losses[k])}</b> "
                f"(full batch, same lr: {full_now}; minimum: {readable(self.best_loss)})"
            )
            if r.diverged:
                text += f"<br>⚠ <b>This run diverges</b>: training stops after {len(r.ms) - 1} updates."
        if self.epochs_run < self.epochs:
            text += (
                f"<br>⏱ Showing the first {self.epochs_run} of {self.epochs} epochs: with "
                f"{r.updates_per_epoch:,} updates per epoch, this explorer stops at "
                f"{self.MAX_UPDATES:,} updates so that it answers at once (a larger batch shows more epochs)."
            )
        self.readout.value = text

    def browser_spec(self):
        """The run (every update's m and b, every epoch's MSE, full batch's MSE), Play's frames, the
        data (or its exact averages) for the readout's MSE, each panel's mapping, the looks."""
        r, ax_loss = self.result, self.marker.axes
        last = len(r.losses) - 1
        spec = {
            "n": int(self.x.size),
            "start": finite_numbers(self.start),
            "sizes": [int(value) for _, value in self.batch_buttons.options],
            "run": {
                "ms": finite_numbers(r.ms),
                "bs": finite_numbers(r.bs),
                "losses": finite_numbers(r.losses),
                "full": finite_numbers(self.full.losses),
                "per_epoch": int(r.updates_per_epoch),
                "diverged": bool(r.diverged),
                "batch": int(self.batch_buttons.value),
                "lr": float(self.lr_slider.value),
                "seed": int(self.seed_slider.value),
                "epochs_run": int(self.epochs_run),
            },
            "epochs": int(self.epochs),
            "max_updates": int(self.MAX_UPDATES),
            "batch_note": self.batch_note,
            "best": float(self.best_loss),
            # Play: the epoch slider (the third control) goes through the run's epochs
            "play": {
                "control": 2,
                "frames": [int(e) for e in play_epochs(last)],
                "interval": self.PLAY_INTERVAL,  # ms per frame
            },
            "presses": [True, False],  # Play, Pause: whether Play runs after the press
            "loss": panel_limits(ax_loss),
            "curve": {"map": semilog_affine(self.ax_curve), "box": box(self.ax_curve)},
            "path": line_style(self.path),
            "marker": marker_style(self.marker),
            "loss_line": {**line_style(self.curve), **marker_style(self.curve)},
            "full_line": line_style(self.full_curve),
            "note_size": float(MIN_FONT_PT),
        }
        spec.update(readout_data(self.x, self.y))
        return spec


def readout_data(x, y):
    """What the browser computes the readout's MSE from: every point (up to MAX_RESIDUALS), or
    the data's exact averages (:class:`LineLoss`, constant time)."""
    if x.size <= MAX_RESIDUALS:
        return {"data": [finite_numbers(x), finite_numbers(y)]}
    sums = LineLoss(x, y)
    names = ("x_mean", "y_mean", "sxx", "sxy", "syy", "m_hat", "s_res")
    return {"sums": dict(zip(names, finite_numbers(getattr(sums, name) for name in names)))}


# --------------------------------------------------------------------------
# The registry: every explorer, how to make a typical one and how to move it
# --------------------------------------------------------------------------


class Registered(NamedTuple):
    """What the tests and benchmarks need to know of one explorer class (see :data:`EXPLORERS`)."""

    #: The explorer class.
    cls: type
    #: ``example(x, y)``: the keyword arguments of a typical call on data ``x, y``, with every
    #: keyword a student may pass that needs checking (the hostile sweep varies each in turn).
    example: Callable[[np.ndarray, np.ndarray], dict]
    #: ``move(explorer)``: one change of its main control, as a student makes it; each call
    #: changes the picture again (the benchmarks call it over and over).
    move: Callable[[Explorer], None]

    def make(self, x, y):
        """A typical explorer on ``x, y``: ``cls(**example(x, y))``."""
        return self.cls(**self.example(x, y))


def next_value(control, count=37):
    """Set ``control`` to its next value, a real change every time: a slider to the next of
    ``count`` even stops over its range (back to its start after the end), a choice to its
    next option, a checkbox to the other state."""
    if isinstance(control, widgets.Checkbox):
        control.value = not control.value
        return
    if hasattr(control, "options"):  # ToggleButtons, SelectionSlider: (label, value) pairs
        values = [value for _, value in control.options]
        control.value = values[(values.index(control.value) + 1) % len(values)]
        return
    stops = np.linspace(control.min, control.max, count)
    if isinstance(control, widgets.FloatLogSlider):  # its ends are powers of its base
        stops = control.base**stops
    elif isinstance(control, widgets.IntSlider):
        stops = np.unique(np.rint(stops).astype(int))
    later = stops[stops > control.value]
    control.value = (later[0] if later.size else stops[0]).item()


#: Every explorer, by class name. The tests (projector checks, colours, clean-up, hostile input,
#: memory on re-run) and the benchmarks loop over it: a new explorer is its class plus one entry.
EXPLORERS = {
    entry.cls.__name__: entry
    for entry in (
        Registered(
            LossExplorer,
            lambda x, y: dict(x=x, y=y, m=None, b=None),
            lambda e: next_value(e.m_slider),
        ),
        Registered(
            OutlierExplorer,
            lambda x, y: dict(x=x, y=y, outlier_x=None, outlier_y=None),
            lambda e: next_value(e.outlier_slider),
        ),
        Registered(
            SlopeExplorer,
            lambda x, y: dict(x=x, y=y, b=None, m=None, tangent=True),
            lambda e: next_value(e.m_slider),
        ),
        Registered(
            StepExplorer,
            lambda x, y: dict(x=x, y=y, lr=None, m0=0.0, b0=0.0),
            lambda e: e.step_button.click(),
        ),
        Registered(
            TrainingExplorer,
            lambda x, y: dict(x=x, y=y, lr=None, epochs=300),
            lambda e: next_value(e.epoch_slider),
        ),
        Registered(
            ScalingExplorer,
            lambda x, y: dict(x=x, y=y, lr=1e-4, epochs=1000),
            lambda e: next_value(e.scale_box),
        ),
        Registered(
            MinibatchExplorer,  # notebook 08 trains on standardised x
            lambda x, y: dict(x=lc.standardize(x)[0], y=y, lr=0.05, epochs=20, batch_size=None, seed=0),
            lambda e: next_value(e.batch_buttons),
        ),
    )
}
