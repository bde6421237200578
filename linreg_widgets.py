"""Interactive plots for the notebooks: sliders that move the line and the loss.

Every explorer here is an ``ipywidgets.VBox`` holding its controls, a text
readout and an ``ipywidgets.Image`` with the plot. The plot is a matplotlib
figure rendered off-screen (Agg) to PNG, so it works the same in JupyterLab,
on Colab (ipywidgets 7.7) and with the plain inline backend — no ipympl.

Speed: the loss surface and everything else that does not move is drawn once
and kept as a background bitmap; a slider change only redraws the artists
that move (the line, a marker, a path) on top of it, then encodes the PNG.
"""

import io
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from PIL import Image as PILImage

import linreg_core as lc

#: Size and resolution of every explorer figure (inches, dots per inch).
FIGSIZE = (10, 4)
DPI = 96
DATA_COLOR, LINE_COLOR, PATH_COLOR = "tab:blue", "tab:red", "white"


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
    m_span = 2.0 * max(abs(m_hat), np.std(y) / np.std(x))
    b_span = 2.0 * max(abs(b_hat), np.std(y))
    m_lo, m_hi, b_lo, b_hi = m_hat - m_span, m_hat + m_span, b_hat - b_span, b_hat + b_span
    for m, b in include:
        m_lo, m_hi = min(m_lo, m - 0.1 * m_span), max(m_hi, m + 0.1 * m_span)
        b_lo, b_hi = min(b_lo, b - 0.1 * b_span), max(b_hi, b + 0.1 * b_span)
    return np.linspace(m_lo, m_hi, n), np.linspace(b_lo, b_hi, n)


def draw_data(ax, x, y, xlabel="x", ylabel="y"):
    """Scatter the data on ``ax`` with fixed limits that leave room for lines."""
    ax.scatter(x, y, s=14, color=DATA_COLOR, alpha=0.7, label="data")
    pad_x, pad_y = 0.05 * np.ptp(x), 0.15 * np.ptp(y)
    ax.set_xlim(x.min() - pad_x, x.max() + pad_x)
    ax.set_ylim(y.min() - pad_y, y.max() + pad_y)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def draw_loss_contour(ax, x, y, m_values, b_values, levels=14):
    """Filled contour of the MSE over the grid, with the minimum starred.

    Levels are spaced logarithmically so the bottom of the bowl and its
    steep walls are both visible.
    """
    surface = lc.loss_surface(x, y, m_values, b_values)
    lo, hi = max(surface.min(), 1e-12 * surface.max()), surface.max()
    filled = ax.contourf(m_values, b_values, surface, levels=np.geomspace(lo, hi, levels),
                         norm=LogNorm(lo, hi), cmap="viridis")
    ax.contour(m_values, b_values, surface, levels=filled.levels, colors="k",
               linewidths=0.3, alpha=0.5)
    m_hat, b_hat = lc.closed_form(x, y)
    ax.plot(m_hat, b_hat, marker="*", ms=14, color="gold", mec="k", ls="none",
            label="minimum (least squares)")
    ax.set_xlabel("slope m")
    ax.set_ylabel("intercept b")
    return filled


def plot_fit(x, y, m, b, ax=None, xlabel="x", ylabel="y", residuals=True):
    """Data, the line ``y = m x + b`` and (optionally) each residual."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5, 4))[1]
    x, y = np.asarray(x, float), np.asarray(y, float)
    draw_data(ax, x, y, xlabel, ylabel)
    xs = np.array(ax.get_xlim())
    ax.plot(xs, lc.predict(xs, m, b), color=LINE_COLOR, lw=2, label=f"y = {m:.3g}·x + {b:.3g}")
    if residuals:
        ax.add_collection(LineCollection(_residual_segments(x, y, m, b), colors="0.4",
                                         linewidths=0.8, label="residuals"))
    ax.legend(loc="upper left")
    return ax


def plot_loss_surface(x, y, path=None, ax=None):
    """Contour of the loss; ``path`` = (ms, bs) draws a training path on it."""
    import matplotlib.pyplot as plt

    x, y = np.asarray(x, float), np.asarray(y, float)
    include = [] if path is None else list(zip(path[0][:1], path[1][:1]))
    m_values, b_values = parameter_grid(x, y, include)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4))
    filled = draw_loss_contour(ax, x, y, m_values, b_values)
    ax.figure.colorbar(filled, ax=ax, label="MSE (log scale)", format="%.3g")
    if path is not None:
        ax.plot(path[0], path[1], ".-", color=PATH_COLOR, ms=4, lw=1, label="gradient descent")
    _contour_legend(ax)
    return ax


def _contour_legend(ax):
    """Legend on a grey box, so white paths stay visible in it."""
    ax.legend(loc="upper right", fontsize=8, facecolor="0.7", framealpha=0.9)


def _residual_segments(x, y, m, b):
    """Vertical segments from each point to the line, shape (n, 2, 2)."""
    y_pred = m * x + b
    return np.stack([np.column_stack([x, y]), np.column_stack([x, y_pred])], axis=1)


# --------------------------------------------------------------------------
# The explorer base class: a figure rendered to an Image widget
# --------------------------------------------------------------------------

class Explorer(widgets.VBox):
    """Controls, a readout and a figure that redraws only what moves.

    Subclasses build ``self.fig`` (a plain ``matplotlib.figure.Figure``),
    mark the artists that change with :meth:`moving`, and implement
    :meth:`update`, which sets their data and the readout text.
    """

    description = "interactive plot"

    def __init__(self, controls, figsize=FIGSIZE):
        self.fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
        FigureCanvasAgg(self.fig)
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self._moving, self._background = [], None
        super().__init__([widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")),
                          self.readout, self.image])

    def __repr__(self):
        # Shown where widgets cannot render (GitHub, a closed kernel): keep it useful and stable.
        return f"{type(self).__name__}: {self.description} (run the notebook to use it)"

    def moving(self, *artists):
        """Register artists that change on every update; returns the first."""
        for artist in artists:
            artist.set_animated(True)
        self._moving.extend(artists)
        return artists[0]

    def refresh(self, *_):
        """Recompute the moving artists and the readout, then re-render."""
        self.update()
        self.render()

    def invalidate_background(self):
        """Call after changing anything that is not a moving artist."""
        self._background = None

    def render(self):
        """Draw the moving artists over the cached background into the Image."""
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()  # animated artists are skipped by a full draw
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for artist in self._moving:
            self.fig.draw_artist(artist)
        self.image.value = png_bytes(canvas)

    def update(self):
        raise NotImplementedError


def png_bytes(canvas):
    """Encode an Agg canvas as PNG (fast compression: speed beats size here)."""
    width, height = canvas.get_width_height()
    frame = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    frame.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _slider(description, lo, hi, value, n_steps=200, fmt=".3g"):
    step = 10 ** math.floor(math.log10((hi - lo) / n_steps))
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=fmt, continuous_update=True,
                               layout=widgets.Layout(width="360px"))


def _log_lr_slider(x, value):
    """Learning-rate slider on a log scale, spanning the data's stable bound."""
    bound = lc.stable_learning_rate(x)
    top = math.ceil(math.log10(bound * 3) * 4) / 4
    return widgets.FloatLogSlider(value=value, base=10, min=top - 4, max=top, step=0.05,
                                  description="lr η", readout_format=".2e",
                                  layout=widgets.Layout(width="360px"))


def _as_data(x, y):
    return lc._as_xy(x, y)


# --------------------------------------------------------------------------
# Notebook 01: the line, its residuals and the loss surface
# --------------------------------------------------------------------------

class LossExplorer(Explorer):
    """Sliders for ``m`` and ``b``: the fit line with its residuals (left) and
    the current ``(m, b)`` on the loss contour (right), with a live MSE."""

    description = "sliders for m and b move the line and the point on the loss surface"

    def __init__(self, x, y, xlabel="x", ylabel="y", m=None, b=None):
        self.x, self.y = _as_data(x, y)
        m_values, b_values = parameter_grid(self.x, self.y)
        m_hat, b_hat = lc.closed_form(self.x, self.y)
        m = m_values[len(m_values) // 4] if m is None else m
        b = b_values[len(b_values) // 3] if b is None else b
        self.m_slider = _slider("slope m", m_values[0], m_values[-1], m)
        self.b_slider = _slider("intercept b", b_values[0], b_values[-1], b)
        super().__init__([self.m_slider, self.b_slider])

        ax_fit, ax_loss = self.fig.subplots(1, 2)
        draw_data(ax_fit, self.x, self.y, xlabel, ylabel)
        ax_fit.set_title("the line and its residuals")
        self.line = self.moving(ax_fit.plot([], [], color=LINE_COLOR, lw=2, label="y = m·x + b")[0])
        self.residuals = self.moving(ax_fit.add_collection(
            LineCollection([], colors="0.35", linewidths=0.8, label="residuals")))
        ax_fit.legend(loc="upper left")
        self._x_ends = np.array(ax_fit.get_xlim())

        filled = draw_loss_contour(ax_loss, self.x, self.y, m_values, b_values)
        self.fig.colorbar(filled, ax=ax_loss, label="MSE (log scale)", format="%.3g")
        ax_loss.set_title("where (m, b) sits on the loss surface")
        self.marker = self.moving(ax_loss.plot([], [], "o", ms=10, color=LINE_COLOR, mec="w",
                                               label="current (m, b)")[0])
        _contour_legend(ax_loss)

        self.m_slider.observe(self.refresh, names="value")
        self.b_slider.observe(self.refresh, names="value")
        self.refresh()

    def update(self):
        m, b = self.m_slider.value, self.b_slider.value
        self.line.set_data(self._x_ends, m * self._x_ends + b)
        self.residuals.set_segments(_residual_segments(self.x, self.y, m, b))
        self.marker.set_data([m], [b])
        self.loss = lc.mse(self.y, lc.predict(self.x, m, b))
        self.readout.value = (f"line: y = {m:.4g}·x + {b:.4g} &nbsp;→&nbsp; "
                              f"<b>MSE = {self.loss:.6g}</b>")


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
        self.x, self.y = _as_data(x, y)
        m_values, b_values = parameter_grid(self.x, self.y)
        m_hat, b_hat = lc.closed_form(self.x, self.y)
        self.b = b_hat if b is None else lc._as_number(b, "b")
        self.tangent = tangent
        self.description = ("slider for m draws the tangent to the loss curve and the gradient"
                            if tangent else "slider for m moves along the loss curve L(m)")
        m = m_values[len(m_values) // 5] if m is None else m
        self.m_slider = _slider("slope m", m_values[0], m_values[-1], m)
        super().__init__([self.m_slider])

        ax_curve, ax_loss = self.fig.subplots(1, 2)
        curve = lc.loss_surface(self.x, self.y, m_values, [self.b])[0]
        ax_curve.plot(m_values, curve, color="k", lw=1.5, label=f"L(m) with b = {self.b:.3g}")
        ax_curve.set_ylim(-0.05 * curve.max(), 1.05 * curve.max())
        ax_curve.set_xlabel("slope m")
        ax_curve.set_ylabel("MSE  L(m, b)")
        ax_curve.set_title("the loss along the slope")
        self.point = self.moving(ax_curve.plot([], [], "o", ms=9, color=LINE_COLOR,
                                               label="current m")[0])
        self._m_span = np.ptp(m_values)
        if tangent:
            self.tangent_line = self.moving(ax_curve.plot([], [], "--", color=LINE_COLOR, lw=1.5,
                                                          label="tangent: slope = ∂L/∂m")[0])
        ax_curve.legend(loc="upper center", fontsize=8)

        filled = draw_loss_contour(ax_loss, self.x, self.y, m_values, b_values)
        self.fig.colorbar(filled, ax=ax_loss, label="MSE (log scale)", format="%.3g")
        ax_loss.axhline(self.b, color="w", lw=1, ls=":", label=f"b = {self.b:.3g} (held)")
        self.marker = self.moving(ax_loss.plot([], [], "o", ms=9, color=LINE_COLOR, mec="w",
                                               label="current (m, b)")[0])
        if tangent:
            self._draw_gradient_field(ax_loss, m_values, b_values)
            self.arrow = self.moving(ax_loss.quiver([m], [self.b], [0], [0], color=LINE_COLOR,
                                                    angles="xy", scale_units="xy", scale=1,
                                                    width=0.012, label="−gradient here"))
            ax_loss.set_title("arrows: downhill direction −∇L")
        else:
            ax_loss.set_title("the slice b = const through the surface")
        _contour_legend(ax_loss)
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
        ax.quiver(ms, bs, u / norm * np.ptp(m_values) * 0.05, v / norm * np.ptp(b_values) * 0.05,
                  angles="xy", scale_units="xy", scale=1, color="w", alpha=0.6, width=0.004)
        self._axis_spans = np.ptp(m_values), np.ptp(b_values)

    def update(self):
        m, b = self.m_slider.value, self.b
        self.loss = lc.mse(self.y, lc.predict(self.x, m, b))
        self.dm, self.db = lc.gradients(self.x, self.y, m, b)
        self.point.set_data([m], [self.loss])
        self.marker.set_data([m], [b])
        text = f"m = {m:.4g}, b = {b:.4g} &nbsp;→&nbsp; <b>L = {self.loss:.6g}</b>"
        if self.tangent:
            half = 0.15 * self._m_span
            ms = np.array([m - half, m + half])
            self.tangent_line.set_data(ms, self.loss + self.dm * (ms - m))
            # The arrow at the current point: direction of −∇L, fixed length on screen.
            m_span, b_span = self._axis_spans
            u, v = -self.dm / m_span, -self.db / b_span
            norm = math.hypot(u, v) or 1.0
            self.arrow.set_offsets([[m, b]])
            self.arrow.set_UVC([u / norm * m_span * 0.12], [v / norm * b_span * 0.12])
            text += f", &nbsp;<b>∂L/∂m = {self.dm:.6g}</b> (slope of the tangent), ∂L/∂b = {self.db:.6g}"
        self.readout.value = text


# --------------------------------------------------------------------------
# Notebook 03: one update at a time
# --------------------------------------------------------------------------

def _stability_note(x, lr):
    bound = lc.stable_learning_rate(x)
    note = f"lr = {lr:.2e} (gradient descent is stable below {bound:.2e})"
    if lr >= bound:
        note += " &nbsp;⚠ <b>lr is above the stable bound: each step overshoots more</b>"
    return note


class StepExplorer(Explorer):
    """Step through gradient descent by hand: a learning-rate slider (log
    scale) and Step / 10 steps / Reset buttons. Each step adds a point to the
    path on the contour (right) and moves the line (left)."""

    description = "press Step to apply the update rule once; the path grows on the contour"

    def __init__(self, x, y, lr=1e-4, m0=0.0, b0=0.0, xlabel="x", ylabel="y"):
        self.x, self.y = _as_data(x, y)
        self.start = (lc._as_number(m0, "m0"), lc._as_number(b0, "b0"))
        self.lr_slider = _log_lr_slider(self.x, lr)
        self.step_button = widgets.Button(description="Step", button_style="primary")
        self.step10_button = widgets.Button(description="10 steps")
        self.reset_button = widgets.Button(description="Reset", button_style="warning")
        super().__init__([self.lr_slider, self.step_button, self.step10_button, self.reset_button])

        ax_fit, ax_loss = self.fig.subplots(1, 2)
        draw_data(ax_fit, self.x, self.y, xlabel, ylabel)
        ax_fit.set_title("the line after each step")
        self._x_ends = np.array(ax_fit.get_xlim())
        self.line = self.moving(ax_fit.plot([], [], color=LINE_COLOR, lw=2, label="current line")[0])
        ax_fit.legend(loc="upper left")
        m_values, b_values = parameter_grid(self.x, self.y, include=[self.start])
        filled = draw_loss_contour(ax_loss, self.x, self.y, m_values, b_values)
        self.fig.colorbar(filled, ax=ax_loss, label="MSE (log scale)", format="%.3g")
        ax_loss.set_title("the path of (m, b), one dot per step")
        self.path = self.moving(ax_loss.plot([], [], ".-", color=PATH_COLOR, lw=1, ms=5,
                                             label="path")[0])
        self.marker = self.moving(ax_loss.plot([], [], "o", ms=9, color=LINE_COLOR, mec="w",
                                               label="current (m, b)")[0])
        _contour_legend(ax_loss)

        self.step_button.on_click(lambda _: self.take_steps(1))
        self.step10_button.on_click(lambda _: self.take_steps(10))
        self.reset_button.on_click(lambda _: self.reset())
        self.lr_slider.observe(self.refresh, names="value")
        self.reset()

    def reset(self):
        """Back to the starting point, with an empty path."""
        m, b = self.start
        self.ms, self.bs = [m], [b]
        self.losses = [lc.mse(self.y, lc.predict(self.x, m, b))]
        self.diverged = False
        self.refresh()

    def take_steps(self, count):
        """Apply the update rule ``count`` times, stopping if the loss blows up."""
        for _ in range(count):
            if self.diverged:
                break
            m, b = lc.step(self.x, self.y, self.ms[-1], self.bs[-1], self.lr_slider.value)
            loss = lc.mse(self.y, lc.predict(self.x, m, b))
            if not loss <= lc.DIVERGENCE_FACTOR * self.losses[0]:
                self.diverged = True
                break
            self.ms.append(m)
            self.bs.append(b)
            self.losses.append(loss)
        self.refresh()

    def update(self):
        m, b = self.ms[-1], self.bs[-1]
        self.line.set_data(self._x_ends, m * self._x_ends + b)
        self.path.set_data(self.ms, self.bs)
        self.marker.set_data([m], [b])
        text = (f"step {len(self.ms) - 1}: m = {m:.5g}, b = {b:.5g}, <b>MSE = {self.losses[-1]:.6g}</b>"
                f"<br>{_stability_note(self.x, self.lr_slider.value)}")
        if self.diverged:
            text += ("<br>✖ <b>Diverged</b>: the next step would make the loss over a million times "
                     "its starting value. Press Reset and choose a smaller lr.")
        self.readout.value = text


# --------------------------------------------------------------------------
# Notebook 04: the whole training run, epoch by epoch
# --------------------------------------------------------------------------

class TrainingExplorer(Explorer):
    """Replay a gradient-descent run: Play (or the epoch slider) moves the
    line, the path on the contour and the loss curve together. Changing the
    learning rate or the number of epochs trains again."""

    description = "press Play to watch training: line, path on the contour and loss curve in step"

    def __init__(self, x, y, lr=1e-4, epochs=300, m0=0.0, b0=0.0, xlabel="x", ylabel="y"):
        self.x, self.y = _as_data(x, y)
        self.start = (lc._as_number(m0, "m0"), lc._as_number(b0, "b0"))
        self.lr_slider = _log_lr_slider(self.x, lr)
        self.epochs_slider = widgets.IntSlider(value=epochs, min=10, max=max(2000, epochs), step=10,
                                               description="epochs", continuous_update=False)
        self.epoch_slider = widgets.IntSlider(value=0, min=0, max=epochs, description="epoch",
                                              layout=widgets.Layout(width="360px"))
        self.play = widgets.Play(value=0, min=0, max=epochs, interval=60, description="Play")
        widgets.jslink((self.play, "value"), (self.epoch_slider, "value"))
        super().__init__([self.play, self.epoch_slider, self.lr_slider, self.epochs_slider],
                         figsize=(12, 3.8))

        ax_fit, ax_loss, self.ax_curve = self.fig.subplots(1, 3)
        draw_data(ax_fit, self.x, self.y, xlabel, ylabel)
        ax_fit.set_title("the line")
        self._x_ends = np.array(ax_fit.get_xlim())
        self.line = self.moving(ax_fit.plot([], [], color=LINE_COLOR, lw=2, label="current line")[0])
        ax_fit.legend(loc="upper left")
        m_values, b_values = parameter_grid(self.x, self.y, include=[self.start])
        draw_loss_contour(ax_loss, self.x, self.y, m_values, b_values)
        ax_loss.set_title("the path on the loss surface")
        self.path = self.moving(ax_loss.plot([], [], "-", color=PATH_COLOR, lw=1.5, label="path")[0])
        self.marker = self.moving(ax_loss.plot([], [], "o", ms=8, color=LINE_COLOR, mec="w",
                                               label="epoch shown")[0])
        _contour_legend(ax_loss)
        self.ax_curve.set_title("the loss, epoch by epoch")
        self.ax_curve.set_xlabel("epoch")
        self.ax_curve.set_ylabel("MSE (log scale)")
        self.ax_curve.set_yscale("log")
        self.curve = self.moving(self.ax_curve.plot([], [], color="k", lw=1.5, label="MSE")[0])
        self.curve_point = self.moving(self.ax_curve.plot([], [], "o", ms=7, color=LINE_COLOR)[0])

        self.epoch_slider.observe(self.refresh, names="value")
        self.lr_slider.observe(self.train, names="value")
        self.epochs_slider.observe(self.train, names="value")
        self.train()

    def train(self, *_):
        """Run gradient descent with the current controls and show epoch 0."""
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", lc.DivergenceWarning)  # reported in the readout
            self.result = lc.gradient_descent(self.x, self.y, self.lr_slider.value,
                                              self.epochs_slider.value, *self.start)
        last = len(self.result.losses) - 1
        self.play.playing = False
        self.epoch_slider.value = 0
        self.epoch_slider.max = self.play.max = last
        self.play.step = max(1, last // 100)
        self.ax_curve.set_xlim(0, max(last, 1))
        losses = self.result.losses
        self.ax_curve.set_ylim(losses.min() / 1.5, losses.max() * 1.5)
        self.invalidate_background()
        self.refresh()

    def update(self):
        k = min(self.epoch_slider.value, len(self.result.losses) - 1)
        ms, bs, losses = self.result.ms, self.result.bs, self.result.losses
        self.line.set_data(self._x_ends, ms[k] * self._x_ends + bs[k])
        self.path.set_data(ms[: k + 1], bs[: k + 1])
        self.marker.set_data([ms[k]], [bs[k]])
        self.curve.set_data(np.arange(k + 1), losses[: k + 1])
        self.curve_point.set_data([k], [losses[k]])
        text = (f"epoch {k}: m = {ms[k]:.5g}, b = {bs[k]:.5g}, <b>MSE = {losses[k]:.6g}</b>"
                f"<br>{_stability_note(self.x, self.lr_slider.value)}")
        if self.result.diverged:
            text += (f"<br>✖ <b>Diverged</b> after {len(losses) - 1} epochs: training stopped "
                     f"when the loss blew up. Choose a smaller lr.")
        self.readout.value = text
