"""Headless tests of linreg_widgets: set the controls, check the numbers on the artists.

With the Agg backend and no kernel, ipywidgets uses a dummy comm: setting
``slider.value`` fires the observers synchronously and ``button.click()`` runs
the ``on_click`` handlers, so every explorer can be driven like a student would
and its artists (line, residuals, markers, path, arrow) and readout checked.

Expected values are computed here independently of the code under test: the
MSE with ``np.mean``, the gradient from the raw sums (a different formula from
the core's residual form) or by central finite differences, and gradient
descent with a loop written in this file. Timing is measured in
``benchmarks/bench.py``, not here.

Two defects found while writing these tests (constant y, an exact fit on a
log axis) are pinned by tests and fixed.
"""

import io
import json
import math
import re
import warnings

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver
from PIL import Image as PILImage

import linreg_core as lc
import linreg_validation as lv
import linreg_widgets as lw

# Every explorer is built and drawn, many several times: about a minute in all.
pytestmark = pytest.mark.slow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------
# Independent references (none calls the function the widget uses)
# --------------------------------------------------------------------------


def ref_mse(x, y, m, b):
    return float(np.mean((y - m * x - b) ** 2))


def ref_gradients(x, y, m, b):
    """The gradient from the raw sums: dL/dm = 2(m Σx² + b Σx − Σxy)/n, dL/db = 2(m Σx + b n − Σy)/n."""
    n = len(x)
    sx, sy, sxx, sxy = x.sum(), y.sum(), x @ x, x @ y
    return 2 * (m * sxx + b * sx - sxy) / n, 2 * (m * sx + b * n - sy) / n


def fd_gradients(x, y, m, b, h_m, h_b):
    """Central finite differences of ``ref_mse`` (exact for a quadratic up to rounding)."""
    dm = (ref_mse(x, y, m + h_m, b) - ref_mse(x, y, m - h_m, b)) / (2 * h_m)
    db = (ref_mse(x, y, m, b + h_b) - ref_mse(x, y, m, b - h_b)) / (2 * h_b)
    return dm, db


def ref_descent(x, y, lr, epochs, m=0.0, b=0.0):
    """Plain gradient-descent loop, no divergence guard: histories of length epochs + 1."""
    ms, bs = [m], [b]
    for _ in range(epochs):
        dm, db = ref_gradients(x, y, m, b)
        m, b = m - lr * dm, b - lr * db
        ms.append(m)
        bs.append(b)
    ms, bs = np.array(ms), np.array(bs)
    return ms, bs, np.array([ref_mse(x, y, mk, bk) for mk, bk in zip(ms, bs)])


#: Readouts show 4 significant digits (whole numbers in full): the relative error that allows.
READOUT_REL = 5e-4


def readout_number(explorer, label):
    """The number shown after ``label = `` in the readout HTML ("200,352,041", "−12.04")."""
    match = re.search(re.escape(label) + r" = ([-−+0-9.,einf]+)", explorer.readout.value)
    assert match, f"{label!r} not in readout {explorer.readout.value!r}"
    return float(match.group(1).replace(",", "").replace("−", "-"))


def png_size(data):
    assert data[:8] == PNG_SIGNATURE
    return PILImage.open(io.BytesIO(data)).size


def at_fraction(slider, frac):
    """A value inside a FloatSlider's range."""
    return slider.min + frac * (slider.max - slider.min)


def lr_option(slider, value):
    """The learning rate on a selection slider closest to ``value`` (by ratio)."""
    rates = [rate for _, rate in slider.options]
    return min(rates, key=lambda rate: abs(math.log(rate / value)))


def set_value(widget, value):
    """Set a control (observers fire synchronously) and return the value it holds."""
    widget.value = value
    return widget.value


def contour_axes(explorer):
    """The axes showing the loss contour (x label "slope m", y label "intercept b"; not 3-D)."""
    (ax,) = [a for a in explorer.fig.axes if a.get_ylabel() == "intercept b" and a.name != "3d"]
    return ax


def fit_axes(explorer):
    return explorer.fig.axes[0]


def inside(value, lo, hi):
    return min(lo, hi) < value < max(lo, hi)


# --------------------------------------------------------------------------
# Data and fixtures
# --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_pyplot_figures_left():
    """Explorers build ``Figure()`` directly: no test may leave a pyplot figure open."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


@pytest.fixture(scope="module")
def penguins():
    return lc.load_xy(lc.DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")


def _rescaled(xy):
    x, y = xy
    return x * 100, y * 1000 + 5000


@pytest.fixture(scope="module")
def datasets(classic):
    return {"classic": classic, "rescaled": _rescaled(classic)}


def build(kind, x, y):
    """One explorer of each kind, with a learning rate derived from the data."""
    lr = 0.3 * lc.stable_learning_rate(x)
    if kind == "loss":
        return lw.LossExplorer(x, y)
    if kind == "slope":
        return lw.SlopeExplorer(x, y)
    if kind == "tangent":
        return lw.SlopeExplorer(x, y, tangent=True)
    if kind == "step":
        return lw.StepExplorer(x, y, lr=lr)
    if kind == "training":
        return lw.TrainingExplorer(x, y, lr=lr, epochs=200)
    raise ValueError(kind)


KINDS = ["loss", "slope", "tangent", "step", "training"]


@pytest.fixture(scope="module")
def fresh(datasets):
    """Explorers as constructed (never touched by a test), built once per (kind, dataset)."""
    cache = {}

    def get(kind, dataset):
        if (kind, dataset) not in cache:
            cache[kind, dataset] = build(kind, *datasets[dataset])
        return cache[kind, dataset]

    return get


# --------------------------------------------------------------------------
# Static helpers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["classic", "rescaled"])
def test_parameter_grid_is_centred_on_the_data(datasets, dataset):
    x, y = datasets[dataset]
    m_hat, b_hat = np.polyfit(x, y, 1)
    m_values, b_values = lw.parameter_grid(x, y, n=37)
    assert len(m_values) == len(b_values) == 37
    assert np.all(np.diff(m_values) > 0) and np.all(np.diff(b_values) > 0)
    assert inside(m_hat, m_values[0], m_values[-1]) and inside(b_hat, b_values[0], b_values[-1])
    # Spans scale with the data: at least std(y)/std(x) for m, std(y) for b.
    assert np.ptp(m_values) >= np.std(y) / np.std(x)
    assert np.ptp(b_values) >= np.std(y)
    # A far-away point passed in `include` is inside the grid, with a margin.
    far = (m_hat + 10 * np.ptp(m_values), b_hat - 10 * np.ptp(b_values))
    m_inc, b_inc = lw.parameter_grid(x, y, include=[far])
    assert inside(far[0], m_inc[0], m_inc[-1]) and inside(far[1], b_inc[0], b_inc[-1])
    assert far[0] < m_inc[-1] and far[1] > b_inc[0]


@pytest.mark.parametrize("scale", ["classic", "x*1000", "penguins"])
def test_parameter_grid_is_sized_by_the_data(classic, penguins, scale):
    x, y = {"classic": classic, "x*1000": (classic[0] * 1000, classic[1]), "penguins": penguins}[scale]
    m_hat, b_hat = np.polyfit(x, y, 1)
    m_values, b_values = lw.parameter_grid(x, y)
    m_unit, b_unit = max(abs(m_hat), np.std(y) / np.std(x)), max(abs(b_hat), np.std(y))
    assert m_unit <= np.ptp(m_values) <= 20 * m_unit  # neither a sliver nor a fixed huge box
    assert b_unit <= np.ptp(b_values) <= 20 * b_unit


def test_parameter_grid_scales_with_the_units(classic):
    """Measuring x in other units (×100) and y in others (×1000) rescales the box exactly."""
    x, y = classic
    m_values, b_values = lw.parameter_grid(x, y)
    m_scaled, b_scaled = lw.parameter_grid(x * 100, y * 1000)
    np.testing.assert_allclose(m_scaled, m_values * 10, rtol=1e-9, atol=1e-9 * np.ptp(m_scaled))
    np.testing.assert_allclose(b_scaled, b_values * 1000, rtol=1e-9, atol=1e-9 * np.ptp(b_scaled))


@pytest.mark.parametrize("cls", [lw.LossExplorer, lw.SlopeExplorer])
def test_constant_y_builds(cls):
    x, y = np.arange(10.0), np.full(10, 3.0)  # "what if every y is the same?"
    explorer = cls(x, y)  # must build: a flat line is a fine thing to explore
    assert explorer.m_slider.min < explorer.m_slider.max


def test_plot_fit_draws_line_and_residuals(classic):
    x, y = classic
    m, b = 0.7, 12.5
    ax = Figure().subplots()
    assert lw.plot_fit(x, y, m, b, ax=ax) is ax
    (line,) = ax.get_lines()
    xs = np.asarray(line.get_xdata())
    np.testing.assert_allclose(xs, ax.get_xlim())
    np.testing.assert_allclose(line.get_ydata(), m * xs + b, rtol=1e-12)
    (residuals,) = ax.collections[1:]  # collections[0] is the scatter of the data
    expected = [[[xi, yi], [xi, m * xi + b]] for xi, yi in zip(x, y)]
    np.testing.assert_allclose(np.array(residuals.get_segments()), expected, rtol=1e-12)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([x, y]))
    # Every point fits inside the axes.
    assert ax.get_xlim()[0] < x.min() and x.max() < ax.get_xlim()[1]
    assert ax.get_ylim()[0] < y.min() and y.max() < ax.get_ylim()[1]


def test_plot_fit_without_residuals_and_without_ax(classic):
    x, y = classic
    ax = lw.plot_fit(list(x), list(y), 1.0, 0.0, residuals=False)  # lists are fine too
    try:
        assert len(ax.collections) == 1  # only the scatter
        assert len(ax.get_lines()) == 1
    finally:
        plt.close(ax.figure)


def test_plot_loss_surface_with_path(classic):
    x, y = classic
    ms, bs, _ = ref_descent(x, y, 1e-4, 50, m=-3.0, b=150.0)
    ax = Figure().subplots()
    assert lw.plot_loss_surface(x, y, path=(ms, bs), ax=ax) is ax
    path_lines = [ln for ln in ax.get_lines() if ln.get_label() == "gradient descent"]
    assert len(path_lines) == 1
    np.testing.assert_allclose(path_lines[0].get_xdata(), ms)
    np.testing.assert_allclose(path_lines[0].get_ydata(), bs)
    # The starting point (outside the default box) and the minimum are both visible.
    m_hat, b_hat = np.polyfit(x, y, 1)
    for m, b in [(ms[0], bs[0]), (m_hat, b_hat)]:
        assert inside(m, *ax.get_xlim()) and inside(b, *ax.get_ylim())
    assert len(ax.figure.axes) == 2  # the plot and its colorbar


def test_plot_loss_surface_without_ax(classic):
    ax = lw.plot_loss_surface(*classic)
    try:
        assert ax.get_xlabel() == "slope m" and ax.get_ylabel() == "intercept b"
    finally:
        plt.close(ax.figure)


def test_png_bytes_is_a_lossless_png_of_the_canvas():
    fig = Figure(figsize=(2, 1), dpi=50)
    ax = fig.subplots()
    ax.plot([0, 1], [1, 0], color="red")
    canvas = lw.FigureCanvasAgg(fig)
    canvas.draw()
    data = lw.png_bytes(canvas)
    assert data[:8] == PNG_SIGNATURE
    decoded = np.asarray(PILImage.open(io.BytesIO(data)).convert("RGBA"))
    assert decoded.shape == (50, 100, 4)
    np.testing.assert_array_equal(decoded, np.asarray(canvas.buffer_rgba()))


# --------------------------------------------------------------------------
# Every explorer: construction, ranges from the data, repr
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["classic", "rescaled"])
@pytest.mark.parametrize("kind", KINDS)
def test_explorer_renders_and_ranges_come_from_the_data(fresh, datasets, kind, dataset):
    explorer = fresh(kind, dataset)
    x, y = datasets[dataset]
    m_hat, b_hat = np.polyfit(x, y, 1)

    # Rendered once on construction, at the figure's size.
    assert png_size(explorer.image.value) == explorer.fig.canvas.get_width_height()
    assert explorer.readout.value

    # The (m, b) sliders and the contour axes contain the least-squares solution.
    if hasattr(explorer, "m_slider"):
        assert inside(m_hat, explorer.m_slider.min, explorer.m_slider.max)
    if hasattr(explorer, "b_slider"):
        assert inside(b_hat, explorer.b_slider.min, explorer.b_slider.max)
    ax = contour_axes(explorer)
    assert inside(m_hat, *ax.get_xlim()) and inside(b_hat, *ax.get_ylim())
    if hasattr(explorer, "start"):
        assert inside(explorer.start[0], *ax.get_xlim())
        assert inside(explorer.start[1], *ax.get_ylim())

    # The data panel (loss, step, training) shows every point.
    if kind in ("loss", "step", "training"):
        ax_fit = fit_axes(explorer)
        assert inside(x.min(), *ax_fit.get_xlim()) and inside(x.max(), *ax_fit.get_xlim())
        assert inside(y.min(), *ax_fit.get_ylim()) and inside(y.max(), *ax_fit.get_ylim())

    # Learning-rate sliders (log scale: min/max are exponents; or a list of rates) span the bound.
    if hasattr(explorer, "lr_slider"):
        s = explorer.lr_slider
        if isinstance(s, lw.widgets.SelectionSlider):
            low, high = s.options[0][1], s.options[-1][1]
        else:
            low, high = s.base**s.min, s.base**s.max
        assert low < lc.stable_learning_rate(x) < high
        assert s.value == pytest.approx(0.3 * lc.stable_learning_rate(x))


@pytest.mark.parametrize("kind", KINDS)
def test_explorer_repr_is_stable_one_line_text(fresh, kind):
    explorer = fresh(kind, "classic")
    text = repr(explorer)
    assert text == f"{type(explorer).__name__}: {explorer.description} (run the notebook to use it)"
    assert "\n" not in text and "0x" not in text and explorer.model_id not in text
    assert repr(fresh(kind, "rescaled")) == text  # same for any instance of that kind


def test_slope_descriptions_differ_with_tangent(fresh):
    assert "tangent" in fresh("tangent", "classic").description
    assert "tangent" not in fresh("slope", "classic").description


# --------------------------------------------------------------------------
# LossExplorer
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loss_explorer(classic):
    return lw.LossExplorer(*classic)


@pytest.mark.parametrize("fm, fb", [(0.5, 0.5), (0.1, 0.9), (0.93, 0.07)])
def test_loss_explorer_sliders_move_line_residuals_marker_and_mse(loss_explorer, classic, fm, fb):
    e, (x, y) = loss_explorer, classic
    m = set_value(e.m_slider, at_fraction(e.m_slider, fm))
    b = set_value(e.b_slider, at_fraction(e.b_slider, fb))

    xs = np.asarray(e.line.get_xdata())
    np.testing.assert_allclose(xs, fit_axes(e).get_xlim())
    np.testing.assert_allclose(e.line.get_ydata(), m * xs + b, rtol=1e-12, atol=1e-12)

    segments = np.array(e.residuals.get_segments())
    assert segments.shape == (len(x), 2, 2)
    np.testing.assert_allclose(segments[:, 0], np.column_stack([x, y]))
    np.testing.assert_allclose(segments[:, 1], np.column_stack([x, m * x + b]), rtol=1e-12, atol=1e-12)

    np.testing.assert_allclose(np.ravel(e.marker.get_data()), [m, b])

    expected = ref_mse(x, y, m, b)
    assert e.loss == pytest.approx(expected, rel=1e-12)
    assert "e+" not in e.readout.value and "e-" not in e.readout.value  # no scientific notation
    assert readout_number(e, "MSE") == pytest.approx(expected, rel=READOUT_REL)
    sign = "−" if b < 0 else "+"  # a proper minus, not "+ -"
    slope = f"{m:.4g}".replace("-", "−")
    assert f"y = {slope}·x {sign} {abs(b):.4g}" in e.readout.value


def test_loss_explorer_minimum_has_the_smallest_mse(loss_explorer, classic):
    e, (x, y) = loss_explorer, classic
    m_hat, b_hat = np.polyfit(x, y, 1)
    e.m_slider.value, e.b_slider.value = m_hat, b_hat
    best = e.loss
    assert best == pytest.approx(ref_mse(x, y, m_hat, b_hat), rel=1e-12)
    e.m_slider.value = m_hat + 0.05
    assert e.loss > best


def test_loss_explorer_image_follows_the_sliders(loss_explorer):
    e = loss_explorer
    m_a, m_c = at_fraction(e.m_slider, 0.3), at_fraction(e.m_slider, 0.7)
    e.m_slider.value = m_a
    first = e.image.value
    assert first[:8] == PNG_SIGNATURE
    e.m_slider.value = m_c
    assert e.image.value != first
    # Back to the same value: the same picture, so no trace of the previous frame is left.
    e.m_slider.value = m_a
    assert e.image.value == first
    e.b_slider.value = at_fraction(e.b_slider, 0.2)
    assert e.image.value != first


# --------------------------------------------------------------------------
# SlopeExplorer
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slope_explorers(classic):
    return {False: lw.SlopeExplorer(*classic), True: lw.SlopeExplorer(*classic, tangent=True)}


@pytest.mark.parametrize("tangent", [False, True])
@pytest.mark.parametrize("frac", [0.1, 0.5, 0.85])
def test_slope_explorer_point_on_the_loss_curve(slope_explorers, classic, tangent, frac):
    e, (x, y) = slope_explorers[tangent], classic
    b_hat = np.polyfit(x, y, 1)[1]
    assert e.b == pytest.approx(b_hat, rel=1e-9)
    m = set_value(e.m_slider, at_fraction(e.m_slider, frac))
    loss = ref_mse(x, y, m, e.b)
    np.testing.assert_allclose(np.ravel(e.point.get_data()), [m, loss], rtol=1e-12)
    np.testing.assert_allclose(np.ravel(e.marker.get_data()), [m, e.b], rtol=1e-12)
    assert readout_number(e, "L") == pytest.approx(loss, rel=READOUT_REL)
    # The point stays inside the curve's axes.
    ax_curve = e.point.axes
    assert inside(m, *ax_curve.get_xlim()) and inside(loss, *ax_curve.get_ylim())
    assert ("∂L/∂m" in e.readout.value) == tangent
    assert hasattr(e, "tangent_line") == tangent and hasattr(e, "arrow") == tangent


def test_slope_explorer_point_stays_visible_at_the_slider_ends(slope_explorers, classic):
    e, (x, y) = slope_explorers[False], classic
    for value in (e.m_slider.min, e.m_slider.max):
        m = set_value(e.m_slider, value)
        assert inside(ref_mse(x, y, m, e.b), *e.point.axes.get_ylim())


@pytest.mark.parametrize("frac", [0.1, 0.45, 0.9])
def test_slope_explorer_tangent_and_gradient_arrow(slope_explorers, classic, frac):
    e, (x, y) = slope_explorers[True], classic
    m_values, b_values = lw.parameter_grid(x, y)
    span_m, span_b = np.ptp(m_values), np.ptp(b_values)
    m = set_value(e.m_slider, at_fraction(e.m_slider, frac))
    b = e.b
    loss = ref_mse(x, y, m, b)
    dm, db = fd_gradients(x, y, m, b, 1e-3 * span_m, 1e-3 * span_b)

    # Tangent: passes through (m, L) with slope dL/dm.
    tx, ty = np.asarray(e.tangent_line.get_xdata()), np.asarray(e.tangent_line.get_ydata())
    assert len(tx) == 2 and tx[0] < m < tx[1]
    slope = (ty[1] - ty[0]) / (tx[1] - tx[0])
    assert slope == pytest.approx(dm, rel=1e-6)
    assert np.interp(m, tx, ty) == pytest.approx(loss, rel=1e-9, abs=1e-9 * abs(dm) * span_m)

    # Readout: dL/dm (the tangent's slope) and dL/db.
    assert readout_number(e, "∂L/∂m") == pytest.approx(dm, rel=READOUT_REL)
    assert readout_number(e, "∂L/∂b") == pytest.approx(db, rel=READOUT_REL)

    # Arrow at (m, b), pointing along −∇L measured in axis fractions, 0.12 of the box long.
    np.testing.assert_allclose(e.arrow.get_offsets(), [[m, b]], rtol=1e-12)
    u, v = float(e.arrow.U[0]) / span_m, float(e.arrow.V[0]) / span_b
    want = np.array([-dm / span_m, -db / span_b])
    assert np.sign(u) == np.sign(want[0]) and np.sign(v) == np.sign(want[1])
    # Full length (0.12) where the gradient is typical (the median over the background arrow
    # field, recomputed here by finite differences) or steeper, shorter near the minimum.
    (field,) = [c for c in contour_axes(e).collections if isinstance(c, Quiver) and c is not e.arrow]
    typical = np.median(
        [
            np.hypot(*fd_gradients(x, y, fm, fb, 1e-3 * span_m, 1e-3 * span_b) / np.array([span_m, span_b]))
            for fm, fb in zip(np.ravel(field.X), np.ravel(field.Y))
        ]
    )
    length = 0.12 * min(1.0, np.hypot(*want) / typical)
    np.testing.assert_allclose([u, v], length * want / np.hypot(*want), rtol=1e-5, atol=1e-12)


def test_slope_explorer_gradient_field_points_downhill(slope_explorers, classic):
    e, (x, y) = slope_explorers[True], classic
    m_values, b_values = lw.parameter_grid(x, y)
    span_m, span_b = np.ptp(m_values), np.ptp(b_values)
    (field,) = [c for c in contour_axes(e).collections if isinstance(c, Quiver) and c is not e.arrow]
    X, Y = np.ravel(field.X), np.ravel(field.Y)
    assert len(X) > 50
    for xm, yb, u, v in zip(X, Y, np.ravel(field.U), np.ravel(field.V)):
        dm, db = fd_gradients(x, y, xm, yb, 1e-3 * span_m, 1e-3 * span_b)
        want = np.array([-dm / span_m, -db / span_b])
        np.testing.assert_allclose(
            [u / span_m, v / span_b], 0.05 * want / np.hypot(*want), rtol=1e-6, atol=1e-9
        )


def test_slope_explorer_with_given_b(classic):
    x, y = classic
    e = lw.SlopeExplorer(x, y, b=10.0, tangent=True, m=0.25)
    assert e.m_slider.value == 0.25
    np.testing.assert_allclose(np.ravel(e.point.get_data()), [0.25, ref_mse(x, y, 0.25, 10.0)])
    np.testing.assert_allclose(e.arrow.get_offsets(), [[0.25, 10.0]])
    before = e.image.value
    e.m_slider.value = 1.5
    assert e.image.value != before
    assert readout_number(e, "∂L/∂m") == pytest.approx(ref_gradients(x, y, 1.5, 10.0)[0], rel=READOUT_REL)


# --------------------------------------------------------------------------
# StepExplorer
# --------------------------------------------------------------------------

LR = 1e-4  # below the stable bound of classic.csv (about 3e-4)


@pytest.fixture(scope="module")
def step_explorer(classic):
    return lw.StepExplorer(*classic, lr=LR, m0=0.5, b0=-20.0)


@pytest.fixture()
def stepper(step_explorer):
    """The module's StepExplorer, back at its start with the default lr."""
    step_explorer.lr_slider.value = LR
    step_explorer.reset_button.click()
    return step_explorer


def path_of(e):
    return np.asarray(e.path.get_xdata(), float), np.asarray(e.path.get_ydata(), float)


def test_step_explorer_one_step(stepper, classic):
    e, (x, y) = stepper, classic
    lr = e.lr_slider.value
    assert lr == pytest.approx(LR)
    m0, b0 = 0.5, -20.0
    dm, db = ref_gradients(x, y, m0, b0)
    e.step_button.click()
    assert (e.ms[-1], e.bs[-1]) == (
        pytest.approx(m0 - lr * dm, rel=1e-12),
        pytest.approx(b0 - lr * db, rel=1e-12),
    )
    ms, bs = path_of(e)
    np.testing.assert_allclose(ms, [m0, m0 - lr * dm], rtol=1e-12)
    np.testing.assert_allclose(bs, [b0, b0 - lr * db], rtol=1e-12)
    np.testing.assert_allclose(np.ravel(e.marker.get_data()), [ms[-1], bs[-1]])
    xs = np.asarray(e.line.get_xdata())
    np.testing.assert_allclose(e.line.get_ydata(), ms[-1] * xs + bs[-1], rtol=1e-12)
    assert e.readout.value.startswith("step 1:")
    assert readout_number(e, "MSE") == pytest.approx(ref_mse(x, y, ms[-1], bs[-1]), rel=READOUT_REL)


def test_step_explorer_ten_steps_are_ten_updates(stepper, classic):
    e, (x, y) = stepper, classic
    ref_ms, ref_bs, ref_losses = ref_descent(x, y, LR, 13, m=0.5, b=-20.0)
    e.step10_button.click()
    ms, bs = path_of(e)
    assert len(ms) == len(bs) == 11
    np.testing.assert_allclose(ms, ref_ms[:11], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bs, ref_bs[:11], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(e.losses, ref_losses[:11], rtol=1e-10)
    assert e.readout.value.startswith("step 10:")
    for _ in range(3):
        e.step_button.click()
    ms, bs = path_of(e)
    assert len(ms) == 14
    np.testing.assert_allclose(ms, ref_ms, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bs, ref_bs, rtol=1e-10, atol=1e-12)
    assert not e.diverged and "Diverged" not in e.readout.value
    assert np.all(np.diff(e.losses) < 0)  # a stable lr lowers the loss at every step


def test_step_explorer_reset(stepper):
    e = stepper
    e.step10_button.click()
    before = e.image.value
    e.reset_button.click()
    ms, bs = path_of(e)
    np.testing.assert_array_equal(ms, [0.5])  # only the starting point is left
    np.testing.assert_array_equal(bs, [-20.0])
    assert e.readout.value.startswith("step 0:")
    assert e.image.value != before


def test_step_explorer_lr_slider_changes_the_next_steps(stepper, classic):
    e, (x, y) = stepper, classic
    e.step10_button.click()
    lr = set_value(e.lr_slider, 2e-4)  # a new rate starts again from the start
    assert e.readout.value.startswith("step 0:") and np.ravel(path_of(e)).tolist() == [0.5, -20.0]
    assert "lr = 0.0002 " in e.readout.value and "overshoots" not in e.readout.value
    e.step10_button.click()
    ref_ms, ref_bs, _ = ref_descent(x, y, lr, 10, m=0.5, b=-20.0)
    np.testing.assert_allclose(path_of(e)[0], ref_ms, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(path_of(e)[1], ref_bs, rtol=1e-10, atol=1e-12)


def test_step_explorer_diverges_cleanly(stepper, classic):
    e, (x, y) = stepper, classic
    bound = lc.stable_learning_rate(x)
    lr = set_value(e.lr_slider, lr_option(e.lr_slider, 2.5 * bound))
    assert 2 * bound < lr < 3 * bound
    # No spoiler: the readout does not say whether this rate is safe before a step is taken.
    assert "safe" not in e.readout.value and "stable" not in e.readout.value
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        for _ in range(20):
            e.step10_button.click()
            if e.diverged:
                break
        n_before = len(e.ms)
        e.step_button.click()  # once diverged, further clicks do nothing
        e.step10_button.click()
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]
    assert e.diverged
    assert "Diverged" in e.readout.value
    ms, bs = path_of(e)
    assert len(ms) == n_before == len(e.losses)
    assert np.all(np.isfinite(ms)) and np.all(np.isfinite(bs)) and np.all(np.isfinite(e.losses))
    # The path is exactly the update rule, stopped when the next loss would exceed 1e6 × L0.
    k = len(ms) - 1
    ref_ms, ref_bs, ref_losses = ref_descent(x, y, lr, k + 1, m=0.5, b=-20.0)
    np.testing.assert_allclose(ms, ref_ms[:-1], rtol=1e-9)
    np.testing.assert_allclose(bs, ref_bs[:-1], rtol=1e-9)
    assert ref_losses[k] <= lv.DivergenceWatch.FACTOR * ref_losses[0] < ref_losses[k + 1]
    # Reset recovers.
    e.lr_slider.value = LR
    e.reset_button.click()
    assert not e.diverged and "Diverged" not in e.readout.value
    e.step_button.click()
    assert len(path_of(e)[0]) == 2


def test_step_explorer_best_m_line_follows_b(stepper, classic):
    """The dashed line sits at the best m for the b reached so far, not at the least-squares m."""
    e, (x, y) = stepper, classic
    assert e.best_m_line.get_label() == "where m would stop if b never moved"

    def best_m_by_hand(b):  # least squares of y − b on x, through the origin
        return np.linalg.lstsq(x[:, None], y - b, rcond=None)[0][0]

    level = np.asarray(e.best_m_line.get_ydata(), float)
    np.testing.assert_allclose(level, best_m_by_hand(-20.0), rtol=1e-10)
    e.step10_button.click()
    level = np.asarray(e.best_m_line.get_ydata(), float)
    np.testing.assert_allclose(level, best_m_by_hand(e.bs[-1]), rtol=1e-10)
    # For this b the MSE along m is lowest there: a little either side is worse.
    b = e.bs[-1]
    here = ref_mse(x, y, level[0], b)
    assert here < ref_mse(x, y, level[0] + 1e-3, b) and here < ref_mse(x, y, level[0] - 1e-3, b)
    assert abs(level[0] - np.polyfit(x, y, 1)[0]) > 0.01  # not the least-squares slope (b lags)


def test_explorer_readout_is_larger_than_the_widgets_text():
    """The browser draws the readout in an element of class lw-readout, which the explorers' own
    style sheet enlarges by READOUT_SCALE (to read from the back of a room)."""
    css = (lw.browser.ASSETS / "browser.css").read_text(encoding="utf-8")
    rule = re.search(r"\.lw-readout \{[^}]*font-size: ([\d.]+)em", css)
    assert rule and float(rule.group(1)) == lw.READOUT_SCALE > 1
    script = (lw.browser.ASSETS / "browser.js").read_text(encoding="utf-8")
    assert 'html("div", "lw-readout", root)' in script


def test_course_map_panel_4_is_the_penguin_split():
    """Panel 4 shows notebook 4's data: the penguin split, the fitted line and its typical test miss."""
    fig = lw.plot_course_map()
    try:
        ax4 = fig.axes[3]  # after ax1–ax3; the colour bar comes last
        assert ax4.get_xlabel() == "flipper length (mm)" and ax4.get_ylabel() == "body mass (g)"
        x, y = lc.load_xy(lc.DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
        x_train, y_train, x_test, y_test = lc.train_test_split(x, y, test_share=0.25, seed=1)
        m, b = np.polyfit(x_train, y_train, 1)
        pred = m * x_test + b
        miss = np.sqrt(np.mean((y_test - pred) ** 2))
        baseline = np.sqrt(np.mean((y_test - np.mean(y_train)) ** 2))
        assert f"{miss:.0f} g" in ax4.get_title() and f"{baseline:.0f} g" in ax4.get_title()
        line = [ln for ln in ax4.get_lines() if ln.get_label() == "line fitted on training"][0]
        xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        np.testing.assert_allclose(ys, m * xs + b, rtol=1e-9)
        sizes = sorted(len(c.get_offsets()) for c in ax4.collections)
        assert sizes == sorted([x_train.size, x_test.size]) and sum(sizes) == x.size
    finally:
        plt.close(fig)


@pytest.mark.parametrize("scale", ["classic", "x*1000", "penguins"])
def test_lr_slider_spans_the_stable_bound_of_the_data(classic, penguins, scale):
    x, y = {"classic": classic, "x*1000": (classic[0] * 1000, classic[1]), "penguins": penguins}[scale]
    bound = lc.stable_learning_rate(x)
    for explorer in (lw.StepExplorer(x, y, lr=bound / 2), lw.TrainingExplorer(x, y, lr=bound / 2, epochs=20)):
        rates = [rate for _, rate in explorer.lr_slider.options]
        assert rates == sorted(rates) and len(set(rates)) == len(rates)
        assert rates[0] <= bound / 50 and 4 * bound <= rates[-1] < 100 * bound  # about the bound
        assert rates[0] > bound / 1000  # not a fixed range either
        assert explorer.lr_slider.value == bound / 2  # the given rate, exactly


# --------------------------------------------------------------------------
# TrainingExplorer
# --------------------------------------------------------------------------

EPOCHS = 300
#: Play's frames for a long run (the default of play_epochs); Play counts frames, not epochs
#: (changed in issue 9: it used to count epochs, in steps of epochs // 100).
PLAY_FRAMES = 100


def play_frames(e):
    """How many frames Play runs through (its value goes from min to max)."""
    return e.play.max - e.play.min + 1


@pytest.fixture(scope="module")
def training_explorer(classic):
    return lw.TrainingExplorer(*classic, lr=LR, epochs=EPOCHS)


@pytest.fixture()
def trainer(training_explorer):
    """The module's TrainingExplorer with the default lr and epochs."""
    training_explorer.lr_slider.value = LR
    training_explorer.epochs_slider.value = EPOCHS
    return training_explorer


def test_training_explorer_history_is_gradient_descent(trainer, classic):
    e, (x, y) = trainer, classic
    ref_ms, ref_bs, ref_losses = ref_descent(x, y, LR, EPOCHS)
    np.testing.assert_allclose(e.result.ms, ref_ms, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(e.result.bs, ref_bs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(e.result.losses, ref_losses, rtol=1e-9)
    assert e.epoch_slider.max == EPOCHS and play_frames(e) == PLAY_FRAMES
    assert not e.result.diverged


@pytest.mark.parametrize("k", [0, 1, 37, EPOCHS])
def test_training_explorer_epoch_slider_moves_everything(trainer, classic, k):
    e, (x, y) = trainer, classic
    ref_ms, ref_bs, ref_losses = ref_descent(x, y, LR, EPOCHS)
    e.epoch_slider.value = (k + 1) % (EPOCHS + 1)  # make sure the next line fires an event
    e.epoch_slider.value = k
    m, b = ref_ms[k], ref_bs[k]
    xs = np.asarray(e.line.get_xdata())
    np.testing.assert_allclose(xs, fit_axes(e).get_xlim())
    np.testing.assert_allclose(e.line.get_ydata(), m * xs + b, rtol=1e-9)
    px, py = np.asarray(e.path.get_xdata()), np.asarray(e.path.get_ydata())
    assert len(px) == len(py) == k + 1
    np.testing.assert_allclose(px, ref_ms[: k + 1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(py, ref_bs[: k + 1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.ravel(e.marker.get_data()), [m, b], rtol=1e-9)
    np.testing.assert_allclose(np.ravel(e.curve_point.get_data()), [k, ref_losses[k]], rtol=1e-9)
    np.testing.assert_array_equal(e.curve.get_xdata(), np.arange(k + 1))
    np.testing.assert_allclose(e.curve.get_ydata(), ref_losses[: k + 1], rtol=1e-9)
    assert e.readout.value.startswith(f"epoch {k}:")
    assert readout_number(e, "MSE") == pytest.approx(ref_losses[k], rel=READOUT_REL)
    # The loss curve's axes show the whole run.
    assert inside(ref_losses.min(), *e.ax_curve.get_ylim()) and inside(
        ref_losses.max(), *e.ax_curve.get_ylim()
    )
    assert e.ax_curve.get_xlim() == (0, EPOCHS)


def test_training_explorer_image_follows_the_epoch(trainer):
    e = trainer
    e.epoch_slider.value = 5
    first = e.image.value
    assert first[:8] == PNG_SIGNATURE
    e.epoch_slider.value = 120
    assert e.image.value != first
    e.epoch_slider.value = 5
    assert e.image.value == first


def test_training_explorer_lr_slider_retrains(trainer, classic):
    e, (x, y) = trainer, classic
    e.epoch_slider.value = 50
    old_ms = e.result.ms.copy()
    old_image = e.image.value
    lr = set_value(e.lr_slider, 2e-4)
    assert e.epoch_slider.value == 0  # back to the start of the new run
    assert e.epoch_slider.max == EPOCHS and play_frames(e) == PLAY_FRAMES
    assert not np.allclose(e.result.ms, old_ms)
    ref_ms, ref_bs, _ = ref_descent(x, y, lr, EPOCHS)
    np.testing.assert_allclose(e.result.ms, ref_ms, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(e.result.bs, ref_bs, rtol=1e-9, atol=1e-12)
    assert e.image.value != old_image
    e.epoch_slider.value = 10
    np.testing.assert_allclose(np.ravel(e.marker.get_data()), [ref_ms[10], ref_bs[10]], rtol=1e-9)


def test_training_explorer_epochs_slider_retrains(trainer, classic):
    e, (x, y) = trainer, classic
    e.epochs_slider.value = 500
    assert len(e.result.losses) == 501
    assert e.epoch_slider.max == 500 and play_frames(e) == PLAY_FRAMES
    assert e.ax_curve.get_xlim() == (0, 500)
    e.epoch_slider.value = 500
    ref_ms, ref_bs, _ = ref_descent(x, y, LR, 500)
    np.testing.assert_allclose(np.ravel(e.marker.get_data()), [ref_ms[-1], ref_bs[-1]], rtol=1e-9)
    assert len(e.path.get_xdata()) == 501


def test_training_explorer_diverges_cleanly(trainer, classic):
    e, (x, y) = trainer, classic
    bound = lc.stable_learning_rate(x)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        lr = set_value(e.lr_slider, lr_option(e.lr_slider, 2.5 * bound))
        e.epoch_slider.value = e.epoch_slider.max
    assert not [w for w in caught if issubclass(w.category, (RuntimeWarning, UserWarning))], [
        str(w.message) for w in caught
    ]
    assert e.result.diverged
    assert "Diverged" in e.readout.value and "above the largest safe one" in e.readout.value
    last = e.epoch_slider.max
    assert 0 < last < EPOCHS
    assert play_frames(e) == min(last + 1, PLAY_FRAMES)  # every epoch of a short run
    assert np.all(np.isfinite(e.result.ms)) and np.all(np.isfinite(e.result.losses))
    ref_ms, _, ref_losses = ref_descent(x, y, lr, last + 1)
    np.testing.assert_allclose(e.result.ms, ref_ms[:-1], rtol=1e-9)
    assert ref_losses[last] <= lv.DivergenceWatch.FACTOR * ref_losses[0] < ref_losses[last + 1]
    np.testing.assert_allclose(np.ravel(e.curve_point.get_data()), [last, ref_losses[last]], rtol=1e-9)
    assert inside(ref_losses[last], *e.ax_curve.get_ylim())
    # Back to a stable lr: the full run again.
    e.lr_slider.value = LR
    assert not e.result.diverged and e.epoch_slider.max == EPOCHS and play_frames(e) == PLAY_FRAMES
    assert "Diverged" not in e.readout.value


@pytest.mark.parametrize("case", ["starts at the optimum", "reaches the optimum"])
def test_training_explorer_exact_fit_keeps_a_valid_log_axis(case):
    x, y = np.array([-1.0, 1.0]), np.array([-1.0, 3.0])  # y = 2x + 1 exactly
    bound = lc.stable_learning_rate(x)
    kwargs = (
        {"lr": 0.5 * bound, "epochs": 50, "m0": 2.0, "b0": 1.0}
        if case == "starts at the optimum"
        else {"lr": 0.5 * bound, "epochs": 2000}  # reaches the loss 0.0 exactly
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        e = lw.TrainingExplorer(x, y, **kwargs)
    assert e.result.losses.min() == 0.0  # the situation under test
    assert not caught, [str(w.message) for w in caught]
    lo, hi = e.ax_curve.get_ylim()
    positive = e.result.losses[e.result.losses > 0]
    assert 0 < lo and (positive.size == 0 or lo <= positive.min() and positive.max() <= hi)


def test_slope_explorer_arrow_shrinks_to_nothing_at_the_minimum(classic):
    """At the least-squares point the gradient is ~0, so the arrow must not keep full length."""
    x, y = classic
    m_hat, b_hat = np.polyfit(x, y, 1)
    e = lw.SlopeExplorer(x, y, b=b_hat, tangent=True, m=m_hat)
    span_m, span_b = np.ptp(e.fig.axes[1].get_xlim()), np.ptp(e.fig.axes[1].get_ylim())
    length = np.hypot(float(e.arrow.U[0]) / span_m, float(e.arrow.V[0]) / span_b)
    assert length < 0.01


def test_every_explorer_repr_fits_the_110_characters_ipywidgets_shows(every_figure):
    """ipywidgets cuts a widget's text/plain at 110 characters; ours must fit (GitHub shows it)."""
    _, explorers = every_figure
    for explorer in explorers.values():
        assert len(repr(explorer)) <= 110, repr(explorer)


@pytest.mark.parametrize(
    "lo, hi", [(51.9, 2.5e4), (1.8, 30.0), (1e-12, 1e4), (2e-3, 258.0), (1e5, 3e7), (3.0, 3.5)]
)
def test_contour_levels_cover_the_range_with_few_round_numbers(lo, hi):
    levels = lw.nice_log_levels(lo, hi)
    assert levels[0] <= lo and levels[-1] >= hi
    assert np.all(np.diff(levels) > 0) and 6 <= len(levels) <= 17
    if hi / lo > 3:  # wide enough for round numbers: each is m × 10^k with m in 1, 1.5, 2, 3, 5, 7
        mantissas = levels / 10.0 ** np.floor(np.log10(levels) + 1e-9)
        assert np.all(np.isin(np.round(mantissas, 6), [1, 1.5, 2, 3, 5, 7]))


def test_explorers_refuse_a_nan_start_with_their_own_message():
    x, y = lc.load_xy(lc.DATA_DIR / "tiny.csv")
    with pytest.raises(ValueError, match="m must be a finite number"):
        lw.LossExplorer(x, y, m=float("nan"))
    with pytest.raises(ValueError, match="b must be a finite number"):
        lw.LossExplorer(x, y, b=float("inf"))
    with pytest.raises(TypeError, match="m must be a number"):
        lw.SlopeExplorer(x, y, m="steep")


def test_minibatch_explorer_default_batch_fits_the_tiny_data():
    x, y = lc.load_xy(lc.DATA_DIR / "tiny.csv")  # 5 points: the default batch of 10 would not fit
    e = lw.MinibatchExplorer(x, y, lr=0.01)
    assert e.batch_buttons.value == 5 and e.result.updates_per_epoch == 1


def test_scaling_explorer_starts_at_the_learning_rate_it_was_given():
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    e = lw.ScalingExplorer(x, y, lr=1e-4)
    assert math.isclose(e.lr_slider.value, 1e-4, rel_tol=1e-9)


# --------------------------------------------------------------------------
# Issue 9: the 3-D bowl and R² (LossExplorer), static bowl
# --------------------------------------------------------------------------


def ref_r_squared(x, y, m, b):
    """R² = 1 − SS_res / SS_tot, written out."""
    ss_res = sum((yi - (m * xi + b)) ** 2 for xi, yi in zip(x, y))
    ss_tot = sum((yi - sum(y) / len(y)) ** 2 for yi in y)
    return 1 - ss_res / ss_tot


@pytest.mark.parametrize("fm, fb", [(0.5, 0.5), (0.2, 0.8), (0.9, 0.1)])
def test_loss_explorer_bowl_marker_and_r_squared_follow_the_sliders(loss_explorer, classic, fm, fb):
    e, (x, y) = loss_explorer, classic
    m = set_value(e.m_slider, at_fraction(e.m_slider, fm))
    b = set_value(e.b_slider, at_fraction(e.b_slider, fb))
    bx, by, bz = (np.asarray(v, float) for v in e.bowl_marker.get_data_3d())
    top = e.ax_bowl.get_zlim()[1]  # the bowl is clipped at the top of its axis
    np.testing.assert_allclose([bx[0], by[0]], [m, b], rtol=1e-12)
    assert bz[0] == pytest.approx(min(ref_mse(x, y, m, b), top), rel=1e-12)
    # The drop line stands under the point, from the floor.
    sx, sy, sz = (np.asarray(v, float) for v in e.bowl_stem.get_data_3d())
    np.testing.assert_allclose(sx, [m, m]) and np.testing.assert_allclose(sy, [b, b])
    np.testing.assert_allclose(sz, [0.0, bz[0]])
    assert readout_number(e, "R²") == pytest.approx(ref_r_squared(x.tolist(), y.tolist(), m, b), abs=6e-5)
    assert e.r2 == pytest.approx(ref_r_squared(x.tolist(), y.tolist(), m, b), rel=1e-9)


def test_loss_explorer_bowl_is_labelled_and_clipped(loss_explorer, classic):
    ax, (x, y) = loss_explorer.ax_bowl, classic
    assert ax.name == "3d"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("slope m", "intercept b")
    top = ax.get_zlim()[1]
    assert ax.get_zlabel() == "MSE"  # short: a long z label overlaps its tick labels
    assert f"cut off above MSE = {lw.readable(top)}" in [t.get_text() for t in ax.texts]
    # The clip leaves the bottom of the bowl visible: the lowest MSE is far below it.
    m_hat, b_hat = np.polyfit(x, y, 1)
    assert ref_mse(x, y, m_hat, b_hat) < 0.1 * top


def test_loss_explorer_constant_y_says_r_squared_is_undefined():
    e = lw.LossExplorer(np.arange(10.0), np.full(10, 3.0))
    assert "R² undefined" in e.readout.value


def test_plot_loss_bowl(classic):
    x, y = classic
    fig = Figure()
    ax = fig.add_subplot(projection="3d")
    m, b = 0.5, 20.0
    assert lw.plot_loss_bowl(x, y, ax=ax, point=(m, b)) is ax
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("slope m", "intercept b") and "MSE" in ax.get_zlabel()
    (dot,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("(m, b)")]
    px, py, pz = (np.asarray(v, float) for v in dot.get_data_3d())
    assert (px[0], py[0]) == (m, b)
    assert pz[0] == pytest.approx(min(ref_mse(x, y, m, b), ax.get_zlim()[1]), rel=1e-12)
    with pytest.raises(TypeError, match="3-D axes"):
        lw.plot_loss_bowl(x, y, ax=Figure().subplots())
    ax = lw.plot_loss_bowl(list(x), list(y))  # its own figure
    plt.close(ax.figure)


# --------------------------------------------------------------------------
# Issue 9: the MAE line and the outlier
# --------------------------------------------------------------------------


def brute_force_lad(x, y):
    """The smallest MAE over every line through two data points (an LAD optimum is one)."""
    best = (math.inf, None, None)
    for i in range(len(x)):
        for j in range(len(x)):
            if x[i] < x[j]:
                m = (y[j] - y[i]) / (x[j] - x[i])
                b = y[i] - m * x[i]
                best = min(best, (sum(abs(yk - m * xk - b) for xk, yk in zip(x, y)) / len(x), m, b))
    return best


def test_mae_line_by_hand():
    # Four points on y = x and one far above: the MAE line ignores the outlier exactly.
    x, y = [0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 40.0]
    m, b = lw.mae_line(x, y)
    assert m == pytest.approx(1.0, abs=1e-12) and b == pytest.approx(0.0, abs=1e-12)
    # Two points: the line through both (MAE 0).
    assert lw.mae_line([1.0, 3.0], [2.0, 8.0]) == (pytest.approx(3.0), pytest.approx(-1.0))


@pytest.mark.parametrize("seed", range(8))
def test_mae_line_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 14))
    x = rng.uniform(-5, 5, n).round(2)  # rounded: ties in x and y happen too
    y = (1.5 * x + rng.standard_t(2, n) * 3).round(1)
    best_mae, best_m, best_b = brute_force_lad(x.tolist(), y.tolist())
    m, b = lw.mae_line(x, y)
    mae = float(np.mean(np.abs(y - m * x - b)))
    assert mae == pytest.approx(best_mae, rel=1e-9, abs=1e-12)
    if n % 2 and len(set(x.tolist())) == n:  # odd n, distinct x: the optimum is generically unique
        assert m == pytest.approx(best_m, rel=1e-7, abs=1e-9)
        assert b == pytest.approx(best_b, rel=1e-7, abs=1e-9)


def test_mae_line_refuses_bad_input():
    with pytest.raises(ValueError, match="x values are equal"):
        lw.mae_line([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same length"):
        lw.mae_line([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        lw.mae_line([1.0, float("nan")], [1.0, 2.0])


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(42)
    x = np.arange(1.0, 16.0)
    return x, (2.0 * x + 1.0 + rng.normal(0, 1.5, x.size)).round(2)


def test_outlier_pulls_the_mse_line_more_than_the_mae_line(small_data):
    x, y = small_data
    e = lw.OutlierExplorer(x, y)
    assert e.outlier_x == 15.0  # at the largest x by default
    height = set_value(e.outlier_slider, at_fraction(e.outlier_slider, 0.02))  # far below the data
    x_out, y_out = np.append(x, 15.0), np.append(y, height)
    mse_before, mse_after = np.polyfit(x, y, 1)[0], np.polyfit(x_out, y_out, 1)[0]
    mae_before = brute_force_lad(x.tolist(), y.tolist())[1]
    mae_after = brute_force_lad(x_out.tolist(), y_out.tolist())[1]
    assert e.fits["MSE"][0] == pytest.approx(mse_after, rel=1e-9)
    assert e.fits["MAE"][0] == pytest.approx(mae_after, rel=1e-7)
    assert abs(mse_after - mse_before) > 5 * abs(mae_after - mae_before)  # the point of the lesson
    assert e.moved["MSE"] == pytest.approx(mse_after - mse_before, rel=1e-7)
    text = e.readout.value.replace("−", "-")
    moved = mse_after - mse_before
    assert f"m = {mse_after:.4f}</b> (without the outlier {mse_before:.4f}, moved by {moved:+.4f})" in text
    # The lines drawn are those fits.
    for name, (m, b) in e.fits.items():
        xs = np.asarray(e.lines[name].get_xdata())
        np.testing.assert_allclose(e.lines[name].get_ydata(), m * xs + b)
    # Removing the outlier brings both lines back.
    e.outlier_box.value = False
    assert e.fits["MSE"][0] == pytest.approx(mse_before, rel=1e-9)
    assert e.fits["MAE"][0] == pytest.approx(mae_before, rel=1e-7)
    assert len(e.outlier.get_xdata()) == 0


def test_outlier_beyond_the_panel_is_drawn_at_its_edge(small_data):
    e = lw.OutlierExplorer(*small_data)
    e.outlier_slider.value = e.outlier_slider.max
    low, high = e.outlier.axes.get_ylim()
    assert e.outlier_slider.value > high
    assert low < e.outlier.get_ydata()[0] < high and e.outlier.get_marker() == "^"
    assert e.outlier_note.get_text().startswith("y = ")


def test_outlier_explorer_at_a_chosen_x(small_data):
    x, y = small_data
    e = lw.OutlierExplorer(x, y, outlier_x=8.0, outlier_y=100.0)
    assert e.outlier_slider.value == pytest.approx(100.0)
    assert e.fits["MSE"][0] == pytest.approx(np.polyfit(np.append(x, 8.0), np.append(y, 100.0), 1)[0])
    with pytest.raises(ValueError, match="outlier_x must be a finite number"):
        lw.OutlierExplorer(x, y, outlier_x=float("nan"))


# --------------------------------------------------------------------------
# Issue 9: Play tells the story
# --------------------------------------------------------------------------


@pytest.mark.parametrize("epochs", [300, 1000, 2000, 10**6])
def test_play_schedule_starts_epoch_by_epoch_and_ends_at_the_last(epochs):
    schedule = lw.play_epochs(epochs)
    assert schedule[:20].tolist() == list(range(20))  # every epoch on the first 20 frames
    assert schedule[-1] == epochs and len(schedule) <= 100
    steps = np.diff(schedule)
    assert np.all(steps >= 1)  # always forward
    assert steps[-1] > steps[20]  # and faster at the end


@pytest.mark.parametrize("epochs", [0, 1, 10, 99, 100, 124])
def test_play_schedule_of_a_short_run_shows_every_epoch(epochs):
    assert lw.play_epochs(epochs).tolist() == list(range(epochs + 1))


def test_play_schedule_refuses_bad_input():
    with pytest.raises(TypeError, match="epochs must be a whole number"):
        lw.play_epochs(2.5)
    with pytest.raises(ValueError, match="epochs must be at least 0"):
        lw.play_epochs(-1)


def test_training_explorer_play_frames_show_the_schedule(trainer):
    e = trainer
    for frame in range(21):
        e.play.value = frame  # what the browser's Play does, one frame after the other
        assert e.epoch_slider.value == frame
        assert e.readout.value.startswith(f"epoch {frame}:")
    e.play.value = e.play.max
    assert e.epoch_slider.value == EPOCHS and f"showing epoch {EPOCHS} of {EPOCHS}" in e.readout.value
    e.play.value = 0


# --------------------------------------------------------------------------
# Issue 9: projector-ready (fonts, legends, labels, round bowls, white backgrounds)
# --------------------------------------------------------------------------


def _explorers(classic):
    """A typical instance of every registered explorer on classic.csv (lw.EXPLORERS), moved once so
    the moving artists are somewhere else than at the start; and the slope explorer without its
    tangent, a figure of its own."""
    x, y = classic
    made = {}
    for name, entry in lw.EXPLORERS.items():
        made[name] = entry.make(x, y)
        entry.move(made[name])
    slope = made["SlopeExplorer (no tangent)"] = lw.SlopeExplorer(x, y)
    slope.m_slider.value = at_fraction(slope.m_slider, 0.7)
    return made


def _static_figures(classic):
    x, y = classic
    run = lc.gradient_descent(x, y, 1e-4, 100)
    figures = {
        "plot_fit": lw.plot_fit(x, y, 1.0, 5.0).figure,
        "plot_loss_surface": lw.plot_loss_surface(x, y, path=(run.ms, run.bs)).figure,
        "plot_loss_bowl": lw.plot_loss_bowl(x, y, point=(0.5, 20.0)).figure,
    }
    fig, (ax_raw, ax_scaled) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    x_s = (x - x.mean()) / x.std()
    scaled = lc.gradient_descent(x_s, y, 0.3, 30)
    lw.draw_scaling_contours(ax_raw, ax_scaled, x, y, paths=[(run.ms, run.bs), (scaled.ms, scaled.bs)])
    figures["draw_scaling_contours"] = fig
    fig, (ax_data, ax_loss) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    lw.draw_data(ax_data, x, y)
    lw.add_colorbar(ax_loss, lw.draw_loss_contour(ax_loss, x, y, *lw.parameter_grid(x, y)))
    figures["draw_data + draw_loss_contour"] = fig
    for fig in figures.values():
        fig.canvas.draw()
    return figures


@pytest.fixture(scope="module")
def every_figure(classic):
    """Every explorer's figure (after one move) and every static figure function's, drawn."""
    explorers = _explorers(classic)
    figures = {f"{name} explorer": e.fig for name, e in explorers.items()}
    static = _static_figures(classic)
    figures.update(static)
    yield figures, explorers
    for fig in static.values():
        plt.close(fig)


def _texts(artist):
    from matplotlib.text import Text

    return [t for t in artist.findobj(Text, include_self=False) if t.get_visible() and t.get_text().strip()]


def test_every_text_is_at_least_12_pt(every_figure):
    figures, _ = every_figure
    for name, fig in figures.items():
        small = {(t.get_text(), t.get_fontsize()) for t in _texts(fig) if t.get_fontsize() < 12}
        assert not small, f"{name}: texts below 12 pt: {sorted(small)[:5]}"


def test_explorer_images_show_at_native_size_with_16_px_text(every_figure):
    """≤ 1000 px wide (no scaling down in a 1366-px-wide notebook) and 12 pt = 16 px."""
    _, explorers = every_figure
    for name, e in explorers.items():
        width, height = png_size(e.image.value)
        assert width <= 1000 and height <= 480, (name, width, height)
        assert 12 * e.fig.dpi / 72 >= 16


def test_the_registry_covers_every_explorer(explorer_classes):
    """Every test that must cover each explorer loops over lw.EXPLORERS: it must list them all."""
    assert sorted(lw.EXPLORERS) == sorted(explorer_classes), "add the new explorer to lw.EXPLORERS"
    for name, entry in lw.EXPLORERS.items():
        assert entry.cls is explorer_classes[name]
        assert getattr(lw, name, None) is entry.cls, f"import {name} in linreg_widgets/__init__.py"


def test_every_registered_move_changes_the_picture(classic):
    """A registered move is a real change (the benchmarks repeat it): the moving layer changes
    each time, and back at the start after enough moves it goes on changing."""
    x, y = classic
    for name, entry in lw.EXPLORERS.items():
        e = entry.make(x, y)
        pictures = [bytes(e.image.value)]
        for _ in range(3):
            entry.move(e)
            pictures.append(bytes(e.image.value))
        assert all(a != b for a, b in zip(pictures, pictures[1:])), name
        e.close()


def test_every_figure_has_an_opaque_white_background(every_figure):
    figures, explorers = every_figure
    for name, fig in figures.items():
        assert matplotlib.colors.to_rgba(fig.get_facecolor()) == (1, 1, 1, 1), name
    for name, e in explorers.items():  # the still layer is opaque, and so is the whole frame
        for png in (e.background.value, e.picture()):
            corner = np.asarray(PILImage.open(io.BytesIO(png)).convert("RGBA"))[0, 0]
            assert corner.tolist() == [255, 255, 255, 255], name


def _assert_same_picture(shown, drawn, name):
    """Equal to 8-bit rounding. Rounding adds up where many translucent edges overlap on the
    transparent layer (the residuals; a path of 1,000 markers; the ringed current dot): a few
    edge pixels there differ by more, at most one in 10,000 by more than 8 levels (of 255)."""
    diff = np.abs(shown - drawn).max(axis=2)
    assert np.mean(diff > 2) < 0.01 and np.mean(diff > 8) < 1e-4 and diff.mean() < 0.1, (
        name,
        np.mean(diff > 2),
        np.mean(diff > 8),
        diff.mean(),
    )


def _layers_composited(e):
    """What a browser shows: the moving layer over the still one (Pillow's "over")."""
    layers = (e.background.value, e.image.value)
    still, moving = (PILImage.open(io.BytesIO(v)).convert("RGBA") for v in layers)
    return np.asarray(PILImage.alpha_composite(still, moving), dtype=int)


def test_the_two_layers_show_the_frame_drawn_in_one_piece(every_figure):
    """The browser's stack of two images equals the frame drawn on one canvas (picture()),
    to rounding, for every explorer and after a change; the moving layer is mostly
    transparent, so it is a fraction of the whole frame's size."""
    _, explorers = every_figure

    def check(name, e):
        whole = np.asarray(PILImage.open(io.BytesIO(e.picture())).convert("RGBA"), dtype=int)
        _assert_same_picture(_layers_composited(e), whole, name)
        assert len(e.image.value) < len(e.picture()) / 2, (name, len(e.image.value))

    for name, e in explorers.items():
        check(name, e)
        kinds = (
            lw.widgets.FloatSlider,
            lw.widgets.IntSlider,
            lw.widgets.FloatLogSlider,
            lw.widgets.SelectionSlider,
        )
        first = e.children[0]  # the controls' box, or the browser-drawn picture that holds them
        controls = first.controls if isinstance(first, lw.BrowserPicture) else first.children
        slider = next(c for c in controls if isinstance(c, kinds))
        start = slider.value
        if isinstance(slider, lw.widgets.SelectionSlider):
            slider.value = slider.options[len(slider.options) // 2][1]
        else:
            slider.value = type(start)((slider.min + slider.max) / 2)
        check(f"{name} after a slider move", e)
        slider.value = start  # the fixture is shared


def _data_points_on_screen(ax):
    """Display coordinates of what ``ax`` plots: scatter points, line vertices (and points
    every few pixels along each segment), line-collection segments; only what is inside ``ax``."""
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.lines import Line2D

    pieces = []

    def along(xy, step_px=3.0):  # points along a polyline, in display coordinates
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) < 2:
            return xy
        out = [xy[:1]]
        for a, b in zip(xy[:-1], xy[1:]):
            k = max(2, int(np.hypot(*(b - a)) / step_px))
            out.append(a + np.linspace(0, 1, k)[:, None] * (b - a))
        return np.concatenate(out)

    for artist in ax.get_children():
        if not artist.get_visible():
            continue
        if isinstance(artist, Line2D) and artist.get_label() != "_nolegend_":
            xs, ys = np.asarray(artist.get_xdata(), float), np.asarray(artist.get_ydata(), float)
            xy = np.column_stack([xs, ys])
            if len(xy):
                pieces.append(along(artist.get_transform().transform(xy)))
        elif isinstance(artist, PathCollection):
            offsets = np.asarray(artist.get_offsets(), float)
            if len(offsets):
                pieces.append(artist.get_offset_transform().transform(offsets))
        elif isinstance(artist, LineCollection):
            for segment in artist.get_segments():
                pieces.append(along(artist.get_transform().transform(np.asarray(segment, float))))
    if not pieces:
        return np.empty((0, 2))
    points = np.concatenate(pieces)
    return points[_within(points, ax.bbox, closed=True)]


def _within(points, box, closed=False):
    """Which display points lie in ``box`` (on its edge too if ``closed``)."""
    (x0, y0), (x1, y1) = box.get_points()
    if closed:
        return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    return (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1)


def test_legends_cover_no_data_and_no_curve(every_figure):
    figures, _ = every_figure
    for name, fig in figures.items():
        legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
        assert legends or name == "draw_data + draw_loss_contour", f"{name}: no legend"
        for legend in legends:
            box = legend.get_window_extent()
            for ax in fig.axes:
                if ax.name == "3d":
                    continue
                points = _data_points_on_screen(ax)
                inside_box = _within(points, box)
                assert not inside_box.any(), f"{name}: the legend covers {inside_box.sum()} plotted points"


GAP = 2  # pixels


def _drawn_labels(ax):
    """Titles, axis labels, texts and the tick labels drawn (ticks in view only)."""
    texts = [ax.title, ax._left_title, ax._right_title, *ax.texts]
    for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):
        if axis is None:
            continue
        texts.append(axis.label)
        for tick in axis._update_ticks():  # the ticks matplotlib draws (inside the view)
            texts.extend([tick.label1, tick.label2])
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def test_labels_of_different_panels_never_touch(every_figure):
    """No title, axis label or tick label of one panel (or colour bar) overlaps another's."""
    figures, _ = every_figure
    for name, fig in figures.items():
        boxes = [
            (i, t.get_text(), t.get_window_extent())
            for i, ax in enumerate(fig.axes)
            for t in _drawn_labels(ax)
        ]
        assert len(boxes) > 10, name  # titles, labels and tick labels were found
        for i, text_a, a in boxes:
            for j, text_b, b in boxes:
                # At least GAP pixels apart: touching letters read as one word from afar.
                apart = a.x0 >= b.x1 + GAP or b.x0 >= a.x1 + GAP or a.y0 >= b.y1 + GAP or b.y0 >= a.y1 + GAP
                if i < j and not apart:
                    pytest.fail(f"{name}: {text_a!r} (axes {i}) touches {text_b!r} (axes {j})")


def _pixels_per_unit(ax):
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
    return abs(x1 - x0), abs(y1 - y0)


def test_standardised_contours_have_equal_axes(every_figure, classic):
    figures, explorers = every_figure
    scaled = explorers["ScalingExplorer"].axes[True]
    (mini,) = [a for a in explorers["MinibatchExplorer"].fig.axes if a.get_ylabel() == "intercept b"]
    (static,) = [a for a in figures["draw_scaling_contours"].axes if a.get_ylabel() == "intercept b_s"]
    for ax in (scaled, mini, static):
        px, py = _pixels_per_unit(ax)
        assert px == pytest.approx(py, rel=1e-6)  # a circle is drawn as a circle
    # Raw x keeps its long valley in a box that fills the panel.
    x, y = classic
    raw = lw.MinibatchExplorer(x, y, lr=1e-4, batch_size=10)
    assert raw.fig.axes[0].get_aspect() == "auto"


def test_an_explorer_output_carries_the_picture_of_its_first_frame():
    """Where no kernel runs (GitHub, a just-opened notebook) the output's PNG is shown instead."""
    import base64

    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.LossExplorer(x, y)
    bundle = explorer._repr_mimebundle_()
    if bundle is None:  # ipywidgets 7 (Colab) displays widgets another way: no fallback there
        import ipywidgets

        assert ipywidgets.__version__.startswith("7.")
        return
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG")
    shown = np.asarray(PILImage.open(io.BytesIO(png)).convert("RGBA"), dtype=int)
    _assert_same_picture(shown, _layers_composited(explorer), "the live widget's first frame")


def test_training_explorer_has_worded_play_and_pause_buttons():
    """Play's own buttons are icons, which do not show without an icon font (Colab)."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorer = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
    playing = "playing" if "playing" in explorer.play.trait_names() else "_playing"  # ipywidgets 8 / 7
    assert (explorer.play_button.description, explorer.pause_button.description) == ("▶ Play", "❚❚ Pause")
    explorer.play.value = explorer.play.max  # at the end, Play starts over
    explorer.play_button.click()
    assert getattr(explorer.play, playing) is True and explorer.play.value == 0
    explorer.pause_button.click()
    assert getattr(explorer.play, playing) is False


# --------------------------------------------------------------------------
# Large data (issue 11): the same numbers at n = 10^5, a documented sample of residuals
# --------------------------------------------------------------------------

BIG_N = 10**5


@pytest.fixture(scope="module")
def big():
    """Data like classic.csv, 10^5 points (as benchmarks/bench.py times them)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 100.0, BIG_N)
    return x, 0.99 * x + 4.85 + rng.normal(0.0, 9.0, BIG_N)


@pytest.fixture(scope="module")
def big_loss_explorer(big):
    return lw.LossExplorer(*big)


def test_residual_sample_is_all_points_up_to_the_limit_then_a_fixed_random_sample():
    np.testing.assert_array_equal(lw.residual_sample(5), np.arange(5))
    np.testing.assert_array_equal(lw.residual_sample(lw.MAX_RESIDUALS), np.arange(lw.MAX_RESIDUALS))
    sample = lw.residual_sample(BIG_N)
    assert sample.size == lw.MAX_RESIDUALS == len(set(sample.tolist()))
    assert np.all(np.diff(sample) > 0) and 0 <= sample[0] and sample[-1] < BIG_N
    np.testing.assert_array_equal(sample, lw.residual_sample(BIG_N))  # seeded: always the same
    # the sample spreads over the data, it is not the first points
    assert sample[0] < BIG_N / 10 and sample[-1] > 0.9 * BIG_N


def test_large_loss_explorer_draws_a_labelled_sample_of_residuals(big_loss_explorer, big):
    e, (x, y) = big_loss_explorer, big
    e.m_slider.value = at_fraction(e.m_slider, 0.3)
    m, b = e.m_slider.value, e.b_slider.value
    index = lw.residual_sample(x.size)
    segments = np.array(e.residuals.get_segments())
    assert segments.shape == (lw.MAX_RESIDUALS, 2, 2)
    np.testing.assert_allclose(segments[:, 0], np.column_stack([x[index], y[index]]))
    np.testing.assert_allclose(segments[:, 1], np.column_stack([x[index], m * x[index] + b]), rtol=1e-12)
    assert e.residuals.get_label() == f"residuals of {lw.MAX_RESIDUALS} random points"
    assert f"residuals of {lw.MAX_RESIDUALS} random points" in [t.get_text() for t in e.fig.legends[0].texts]
    # the scatter of every point is in the background, drawn once, not a moving artist
    (scatter,) = [c for c in fit_axes(e).collections if c not in e._moving]
    assert len(scatter.get_offsets()) == x.size


@pytest.mark.parametrize("fm", [0.0, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("fb", [0.0, 0.5, 1.0])
def test_large_loss_explorer_mse_and_r_squared_are_exact(big_loss_explorer, big, fm, fb):
    e, (x, y) = big_loss_explorer, big
    m = set_value(e.m_slider, at_fraction(e.m_slider, fm))
    b = set_value(e.b_slider, at_fraction(e.b_slider, fb))
    mse = ref_mse(x, y, m, b)
    r2 = 1 - np.sum((y - m * x - b) ** 2) / np.sum((y - y.mean()) ** 2)
    assert e.loss == pytest.approx(mse, rel=1e-12)
    assert e.r2 == pytest.approx(r2, rel=1e-12, abs=1e-12)
    assert readout_number(e, "MSE") == pytest.approx(mse, rel=READOUT_REL)
    assert readout_number(e, "R²") == float(f"{r2:.4f}")


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_line_loss_has_no_cancellation_even_at_the_least_squares_line(big, scale):
    """The worst case of a sum formula: the minimum, with data far from 0 (y ≈ 5000 ± 9)."""
    x, y = big[0] * scale, big[1] + 5000.0
    loss = lw.LineLoss(x, y)
    m_hat, b_hat = np.polyfit(x, y, 1)
    for m, b in [(m_hat, b_hat), (m_hat * 1.001, b_hat), (0.0, 0.0), (m_hat, b_hat + 1.0)]:
        assert loss(m, b) == pytest.approx(ref_mse(x, y, m, b), rel=1e-11)


def test_equivalent_data_has_the_five_averages_of_the_data(big, classic):
    x, y = big
    x4, y4 = lw.equivalent_data(x, y)
    assert x4.size == y4.size == 4
    for f in (lambda a, b: a, lambda a, b: b, lambda a, b: a * a, lambda a, b: a * b, lambda a, b: b * b):
        assert np.mean(f(x4, y4)) == pytest.approx(np.mean(f(x, y)), rel=1e-13)
    small = lw.equivalent_data(*classic)  # small data is used as it is
    assert small[0] is classic[0] and small[1] is classic[1]


@pytest.fixture(scope="module")
def big_trainer(big):
    return lw.TrainingExplorer(*big, lr=1e-4, epochs=300)


def test_large_training_explorer_is_gradient_descent_on_all_the_points(big_trainer, big):
    e, (x, y) = big_trainer, big
    for lr in (2e-4, 1e-4):
        e.lr_slider.value = lr
        ms, bs, losses = ref_descent(x, y, e.lr_slider.value, 300)
        np.testing.assert_allclose(e.result.ms, ms, rtol=1e-11)
        np.testing.assert_allclose(e.result.bs, bs, rtol=1e-11)
        np.testing.assert_allclose(e.result.losses, losses, rtol=1e-11)
    e.epoch_slider.value = 40
    assert readout_number(e, "MSE") == pytest.approx(losses[40], rel=READOUT_REL)


def test_large_training_explorer_diverges_at_the_same_epoch_as_on_all_the_points(big_trainer, big):
    e, (x, y) = big_trainer, big
    e.lr_slider.value = lr_option(e.lr_slider, 3 * lc.stable_learning_rate(x))
    full = lc.gradient_descent(x, y, e.lr_slider.value, 300, warn=False)
    assert e.result.diverged and full.diverged and len(e.result.losses) == len(full.losses)
    np.testing.assert_allclose(e.result.losses, full.losses, rtol=1e-10)
    e.lr_slider.value = 1e-4


def test_retraining_redraws_the_loss_axes_exactly_as_a_full_redraw(classic):
    """The loss-curve axes are drawn again over a cached picture of the rest: same pixels."""
    x, y = classic
    e = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
    first = e.image.value
    e.lr_slider.value = 2e-4
    fresh = lw.TrainingExplorer(x, y, lr=2e-4, epochs=300)
    assert e.image.value == fresh.image.value
    e.lr_slider.value = 1e-4
    assert e.image.value == first


@pytest.fixture(scope="module")
def big_outliers(big):
    x, y = big
    return lw.OutlierExplorer(x, y)


@pytest.mark.parametrize("frac", [0.0, 0.3, 0.45, 0.5, 0.55, 0.7, 1.0])
def test_large_outlier_explorer_lines_are_exact(big_outliers, big, frac):
    e, (x, y) = big_outliers, big
    height = set_value(e.outlier_slider, at_fraction(e.outlier_slider, frac))
    xs, ys = np.append(x, e.outlier_x), np.append(y, height)
    m_ls, b_ls = np.polyfit(xs, ys, 1)
    assert e.fits["MSE"] == pytest.approx((m_ls, b_ls), rel=1e-11)
    # the MAE line: as good as the one mae_line finds on all the points (ties may pick another)
    best = lw.mean_absolute_error(xs, ys, *lw.mae_line(xs, ys))
    assert lw.mean_absolute_error(xs, ys, *e.fits["MAE"]) == pytest.approx(best, rel=1e-13)


# --------------------------------------------------------------------------
# Review round 1 (F3): readable numbers, one set of play controls, a round bowl drawn round,
# a current-(m, b) dot that stands out, a plain epoch axis, a start line for LossExplorer
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (200_352_041.3, 4, "200,352,041"),  # whole numbers from 1,000 up in full
        (18_574_700.0, 4, "18,574,700"),
        (1_234.4, 4, "1,234"),
        (57.0712, 4, "57.07"),
        (-12.0371, 4, "−12.04"),  # a true minus sign
        (0.0001, 3, "0.0001"),  # a learning rate: no 1.00e-04
        (0.000298, 3, "0.000298"),
        (0.5, 4, "0.5"),  # no trailing zeros
        (0.0, 4, "0"),
        (3.2e15, 4, "3.2 × 10¹⁵"),  # a run that blew up
    ],
)
def test_readable_numbers_have_no_scientific_notation(value, digits, text):
    assert lw.readable(value, digits) == text


def test_explorer_readouts_have_no_scientific_notation(classic):
    x, y = classic
    for e in (
        lw.LossExplorer(x, y),
        lw.SlopeExplorer(x, y, tangent=True),
        lw.StepExplorer(x, y, lr=1e-4),
        lw.TrainingExplorer(x, y, lr=1e-4, epochs=300),
    ):
        assert not re.search(r"\de[+-]\d", e.readout.value), e.readout.value
    assert lw.TrainingExplorer(x, y, lr=1e-4).lr_slider.label == "0.0001"  # on the slider


def test_training_explorer_shows_one_set_of_play_controls(classic):
    """The browser draws the worded buttons and runs Play itself: the kernel's Play is not shown."""
    x, y = classic
    e = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
    controls = e.view.controls
    assert e.play not in controls and e.children == (e.view,)
    assert [w for w in controls if isinstance(w, (widgets.Play, widgets.Button))] == [
        e.play_button,
        e.pause_button,
    ]
    for w in controls:  # every control keeps an accessible name
        assert w.description.strip()


def test_training_explorer_sends_the_run_and_plays_it_in_the_browser(classic):
    """What the browser gets: the run (gradient descent written out here), Play's frames through
    the epoch slider, and the loss axis's log mapping (checked against matplotlib's own)."""
    x, y = classic
    e = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
    spec = e.view.spec
    m, b, ms, bs = 0.0, 0.0, [0.0], [0.0]
    for _ in range(300):
        r = y - (m * x + b)
        m, b = m + 1e-4 * 2 * np.mean(x * r), b + 1e-4 * 2 * np.mean(r)
        ms.append(m)
        bs.append(b)
    np.testing.assert_allclose(spec["run"]["ms"], ms, rtol=1e-9)
    np.testing.assert_allclose(spec["run"]["bs"], bs, rtol=1e-9)
    assert spec["play"]["frames"] == lw.play_epochs(300).tolist()
    assert e.view.controls[spec["play"]["control"]] is e.epoch_slider
    sx, sy, tx, ty = spec["curve"]["map"]
    height = e.fig.bbox.height
    for k in (0, 150, 300):
        loss = spec["run"]["losses"][k]
        X, Y = e.ax_curve.transData.transform((k, loss))
        assert (sx * k + tx, sy * np.log10(loss) + ty) == pytest.approx((X, height - Y), abs=1e-6)
    # the buttons share whether Play runs with the browser, both ways
    e.play_button.click()
    assert e.view.state["playing"] is True
    e.view.state = {**e.view.state, "playing": False}  # the browser stopped at the end
    assert not (e.play.playing if "playing" in e.play.trait_names() else e.play._playing)
    e.lr_slider.value = 2e-4  # a new run: sent once, Play stopped
    assert e.view.spec["run"]["lr"] == 2e-4 and e.view.state["playing"] is False


def test_training_explorer_says_what_happens_at_the_epoch_shown_of_a_diverging_run():
    """At lr 1.2 on standardised x the run blows up after a few epochs: the readout says
    "Diverged" at the last epoch only; before, it says the run diverges and the MSE at that epoch."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    xs = (x - x.mean()) / x.std()
    e = lw.TrainingExplorer(xs, y, lr=1.2, epochs=100)
    last = e.epoch_slider.max
    assert e.result.diverged and 1 < last < 100
    e.epoch_slider.value = 1
    m, b = 1.2 * 2 * np.mean(xs * y), 1.2 * 2 * np.mean(y)  # one step from (0, 0)
    ratio = np.mean((y - (m * xs + b)) ** 2) / np.mean(y**2)
    assert "Diverged" not in e.readout.value and f"epoch {last}" in e.readout.value
    assert f"at epoch 1 the MSE is {lw.readable(ratio, 3)} times its start" in e.readout.value
    e.epoch_slider.value = last
    assert f"Diverged</b>: training stopped after epoch {last}" in e.readout.value


def test_training_explorer_draws_a_standardised_bowl_round(penguins):
    x, y = penguins
    xs = (x - x.mean()) / x.std()
    round_bowl = lw.TrainingExplorer(xs, y, lr=0.1, epochs=100).fig.axes[1]
    assert round_bowl.get_aspect() == 1.0
    (m0, m1), (b0, b1) = round_bowl.get_xlim(), round_bowl.get_ylim()
    assert m1 - m0 == pytest.approx(b1 - b0, rel=1e-9)  # the same span for m and b
    assert lw.TrainingExplorer(x, y, lr=1e-6, epochs=100).fig.axes[1].get_aspect() == "auto"


def test_training_explorer_epoch_axis_is_plain(classic):
    x, y = classic
    ax = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300).ax_curve
    assert ax.get_xscale() == "linear" and ax.get_xlabel() == "epoch" and ax.get_yscale() == "log"


def test_current_dot_has_a_white_ring_and_a_black_edge(classic):
    x, y = classic
    e = lw.LossExplorer(x, y)
    for marker in (e.marker, e.bowl_marker):
        assert marker.get_markersize() >= 11
        assert matplotlib.colors.to_hex(marker.get_markeredgecolor()) == "#ffffff"
        strokes = [p for p in marker.get_path_effects() if hasattr(p, "_gc")]
        assert any(matplotlib.colors.to_hex(p._gc["foreground"]) == "#000000" for p in strokes)


def test_loss_explorer_starts_at_a_given_line_even_off_the_default_map(classic):
    x, y = classic
    e = lw.LossExplorer(x, y, m=0.5, b=30.0)
    assert (e.m_slider.value, e.b_slider.value) == (0.5, 30.0)
    far = lw.LossExplorer(x, y, m=9.0, b=-500.0)
    (m0, m1), (b0, b1) = far.marker.axes.get_xlim(), far.marker.axes.get_ylim()
    assert m0 < 9.0 < m1 and b0 < -500.0 < b1
    assert "y = 9·x − 500" in far.readout.value


# --------------------------------------------------------------------------
# LossExplorer(compact=True): notebook 01's live lesson (fit + contour, MSE only)
# --------------------------------------------------------------------------


def test_compact_loss_explorer_has_two_panels_and_reads_out_the_mse_alone(classic):
    x, y = classic
    e = lw.LossExplorer(x, y, m=0.5, b=30.0, compact=True)
    assert e.ax_bowl is None and not any(ax.name == "3d" for ax in e.fig.axes)
    # the data panel, the contour map and the map's colour bar, nothing else
    assert len(e.fig.axes) == 3
    colorbar_labels = [ax.get_ylabel() for ax in e.fig.axes if ax not in (fit_axes(e), e.marker.axes)]
    assert colorbar_labels == ["MSE: darker = lower"]
    m_hat, b_hat = np.polyfit(x, y, 1)
    e.m_slider.value, e.b_slider.value = m_hat, b_hat
    assert readout_number(e, "MSE") == pytest.approx(ref_mse(x, y, m_hat, b_hat), rel=READOUT_REL)
    assert "R²" not in e.readout.value and e.r2 is None
    assert np.ravel(e.marker.get_data()) == pytest.approx([m_hat, b_hat])
    labels = [t.get_text() for t in e.fig.legends[0].get_texts()]
    assert "best line (lowest MSE)" in labels
    assert e.picture()[:8] == PNG_SIGNATURE


# --------------------------------------------------------------------------
# Round 2: the rates the lessons name, a restart on a new lr, readouts that say it right
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, named",
    [
        ("classic", ["0.00001", "0.0001", "0.00025", "0.00035"]),  # notebook 03
        ("standardised", ["0.1", "0.5", "1.2"]),  # notebook 04
    ],
)
def test_lr_slider_reaches_every_rate_the_lesson_names_exactly(classic, data, named):
    x, y = classic
    if data == "standardised":
        x = (x - x.mean()) / x.std()
    for e in (lw.StepExplorer(x, y), lw.TrainingExplorer(x, y, epochs=20)):
        s = e.lr_slider
        assert s.description == "lr η"  # a name for screen readers and the eye
        rates = dict(s.options)
        for text in named:
            assert rates[text] == float(text)  # exactly, not 0.000251 or 1.26
            s.value = float(text)
            assert s.label == text and e.lr_slider.value == float(text)
        # the keyboard (arrow keys) moves one option at a time: neighbours are near
        values = list(rates.values())
        assert max(b / a for a, b in zip(values, values[1:])) <= 4 / 3 + 1e-9  # 1.5 → 2 at most


def test_learning_rate_choices_default_and_refusals():
    options, value = lw.learning_rate_choices(3e-4)
    assert value == 0.00015  # the largest round rate at most half the bound
    labels = [label for label, _ in options]
    assert labels[:2] == ["0.000006", "0.000007"] and labels[-1] == "0.0012"  # bound / 50 to 4 × bound
    options, value = lw.learning_rate_choices(3e-4, 0.000123)
    assert ("0.000123", 0.000123) in options and value == 0.000123
    with pytest.raises(ValueError, match="largest safe learning rate must be a positive number"):
        lw.learning_rate_choices(0.0)
    with pytest.raises(ValueError, match="lr"):
        lw.learning_rate_choices(3e-4, -1.0)


def test_step_explorer_restarts_when_the_lr_changes(classic):
    x, y = classic
    e = lw.StepExplorer(x, y, lr=0.0001)
    assert "safe" not in e.readout.value and "stable" not in e.readout.value  # no spoiler
    e.step10_button.click()
    e.lr_slider.value = 0.00025
    assert e.readout.value.startswith("step 0:") and e.ms == [0.0] and e.bs == [0.0]
    e.step10_button.click()
    # ten steps at 0.00025 from (0, 0), written out: m overshoots and swings back (zigzag)
    m, b, ms = 0.0, 0.0, [0.0]
    for _ in range(10):
        residual = y - (m * x + b)
        m, b = m + 0.00025 * 2 * np.mean(residual * x), b + 0.00025 * 2 * np.mean(residual)
        ms.append(m)
    np.testing.assert_allclose(e.ms, ms, rtol=1e-10)
    m_best = np.polyfit(x, y, 1)[0]
    assert any(mi > m_best for mi in ms) and any(np.diff(np.sign(np.array(ms[1:]) - m_best)) != 0)
    assert "lr = 0.00025" in e.readout.value


@pytest.mark.parametrize("epochs", [100, 300])
def test_training_explorer_readout_says_which_epochs_play_shows(classic, epochs):
    x, y = classic
    e = lw.TrainingExplorer((x - x.mean()) / x.std(), y, lr=0.1, epochs=epochs)
    frames = [e._frame_epoch(k) for k in range(e.play.min, e.play.max + 1)]
    if epochs == 100:  # a short run: every epoch, 0 to 100
        assert frames == list(range(101)) and "Play shows every epoch)" in e.readout.value
    else:
        said = int(re.search(r"every epoch up to (\d+), then skips more and more", e.readout.value)[1])
        assert frames[: said + 1] == list(range(said + 1)) and said + 1 not in frames


# --------------------------------------------------------------------------
# Issue 21: explorers that clean up, copy their data and check their input first
# --------------------------------------------------------------------------


def _small_explorers():
    """One of each registered explorer on five points (quick to build)."""
    x, y = np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([2.0, 4.0, 5.0, 4.0, 6.0])
    return {name: (lambda entry=entry: entry.make(x, y)) for name, entry in lw.EXPLORERS.items()}


@pytest.mark.parametrize("name", sorted(_small_explorers()))
def test_close_closes_every_widget_and_drops_the_figure(name):
    e = _small_explorers()[name]()
    tree = lw.explorer._widget_tree(e)
    assert len(tree) > 5 and all(w.comm is not None for w in tree)
    e.close()
    assert all(w.comm is None for w in tree), "a widget (or its layout or style) is left open"
    assert e.fig is None and e.children == ()
    assert not any(isinstance(v, (Figure, np.ndarray)) for v in vars(e).values())
    e.close()  # twice is harmless


@pytest.mark.parametrize("name", sorted(_small_explorers()))
def test_a_closed_explorer_keeps_no_figure_alive(name):
    """Still referenced (as the notebook's Out history does), a closed explorer lets its figure go."""
    import gc
    import weakref

    e = _small_explorers()[name]()
    figure = weakref.ref(e.fig)
    e.close()
    gc.collect()
    assert figure() is None, "something still holds the closed explorer's figure"


def test_rerunning_a_cell_closes_the_explorer_it_made_before():
    """The kernel's pre_run_cell event, simulated: same cell again closes; another cell does not."""

    class Info:
        def __init__(self, cell_id, raw_cell="lw.LossExplorer(x, y)"):
            self.cell_id, self.raw_cell = cell_id, raw_cell

    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])
    saved = dict(lw.explorer._CELL)
    try:
        lw.explorer._cell_started(Info("cell-A"))
        first, second = lw.LossExplorer(x, y), lw.LossExplorer(x, y)  # two in one run: both live
        lw.explorer._cell_started(Info("cell-B"))
        other = lw.LossExplorer(x, y)  # the same text in another cell: its own
        assert first.comm is not None and second.comm is not None
        lw.explorer._cell_started(Info("cell-A"))
        again = lw.LossExplorer(x, y)
        assert first.comm is None and second.comm is None, "the re-run cell's old explorers stay open"
        assert other.comm is not None and again.comm is not None
        lw.explorer._cell_started(Info(None, raw_cell="e = lw.LossExplorer(x, y)"))  # no cell id: by its text
        by_text = lw.LossExplorer(x, y)
        lw.explorer._cell_started(Info(None, raw_cell="e = lw.LossExplorer(x, y)"))
        lw.LossExplorer(x, y)
        assert by_text.comm is None
    finally:
        lw.explorer._CELL.update(saved)


@pytest.mark.parametrize("name", sorted(_small_explorers()))
def test_explorers_keep_their_own_copy_of_the_data(name):
    x, y = np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([2.0, 4.0, 5.0, 4.0, 6.0])
    e = getattr(lw, name)(x, y)
    x /= 10
    y[0] = 100.0
    assert e.x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0] and e.y[0] == 2.0
    with pytest.raises(ValueError):  # read-only: the explorer cannot change them either
        e.x[0] = 0.0


def test_training_explorer_retrains_on_its_own_copy(classic):
    x, y = classic[0].copy(), classic[1].copy()
    e = lw.TrainingExplorer(x, y, lr=1e-4)
    bound = e.bound
    x /= 10
    e.epochs_slider.value = 100  # retrains
    assert e.bound == bound == lc.stable_learning_rate(classic[0])
    assert np.allclose(e.result.ms[:3], ref_descent(classic[0], classic[1], 1e-4, 2)[0][:3])


NAN_SLIDERS = [
    ("LossExplorer", "m_slider"),
    ("LossExplorer", "b_slider"),
    ("OutlierExplorer", "outlier_slider"),
    ("SlopeExplorer", "m_slider"),
    ("ScalingExplorer", "lr_slider"),
    ("MinibatchExplorer", "lr_slider"),
]


@pytest.mark.parametrize("name, slider", NAN_SLIDERS)
def test_a_slider_set_to_nan_goes_back_to_its_value(name, slider):
    e = _small_explorers()[name]()
    before, readout = getattr(e, slider).value, e.readout.value
    getattr(e, slider).value = math.nan  # a slider accepts it; the explorer must not
    assert getattr(e, slider).value == before and e.readout.value == readout


@pytest.mark.parametrize(
    "call",
    [
        lambda: lw.plot_fit([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], 1.0, 0.0),
        lambda: lw.plot_fit([1.0, 2.0], [1.0, 2.0], math.nan, 0.0),
        lambda: lw.plot_loss_surface([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]),
        lambda: lw.plot_loss_bowl([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]),
        lambda: lw.plot_loss_bowl([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], point=(1.0, math.nan)),
    ],
)
def test_plotting_helpers_check_their_input_before_making_a_figure(call):
    before = plt.get_fignums()
    with pytest.raises(ValueError) as raised:
        call()
    assert plt.get_fignums() == before, "an empty figure was left above the error"
    assert re.search(r"NaN|finite|All x values are equal", str(raised.value))


@pytest.mark.parametrize("name", ["ScalingExplorer", "MinibatchExplorer", "TrainingExplorer", "LossExplorer"])
def test_explorers_accept_y_all_zero(name):
    e = getattr(lw, name)(np.arange(1.0, 6.0), np.zeros(5))  # was "math domain error" (ScalingExplorer)
    assert bytes(e.image.value).startswith(PNG_SIGNATURE)


def test_projector_style_pins_colours_against_a_dark_style(classic):
    x, y = classic
    with matplotlib.style.context("dark_background"):
        lw.use_projector_style()
        assert matplotlib.rcParams["text.color"] == "black"
        assert matplotlib.rcParams["axes.facecolor"] == "white"
        assert matplotlib.rcParams["xtick.color"] == matplotlib.rcParamsDefault["xtick.color"]
        ax = lw.plot_fit(x, y, 1.0, 0.0)
        assert matplotlib.colors.to_hex(ax.title.get_color()) == "#000000"
        assert matplotlib.colors.to_hex(ax.xaxis.label.get_color()) == "#000000"
        plt.close(ax.figure)
    lw.use_projector_style()


def test_the_step_explorer_says_diverging_before_the_loss_blows_up(classic):
    """Round 13's student: at lr 0.00035 the readout showed only a huge MSE. A plain loop shows the
    MSE above its start and growing from step 1 on (so the warning starts there, not at step 2); at
    0.00025 (zigzag) it falls at every step and no warning is given."""
    x, y = classic
    for lr, warned in ((0.00035, True), (0.00025, False)):
        m = b = 0.0
        losses = [np.mean(y**2)]
        for _ in range(10):
            r = y - (m * x + b)
            m, b = m + lr * 2 * np.mean(x * r), b + lr * 2 * np.mean(r)
            losses.append(np.mean((y - (m * x + b)) ** 2))
        growing = [k for k in range(1, 11) if losses[k] > max(losses[0], losses[k - 1])]
        assert growing == (list(range(1, 11)) if warned else [])
        explorer = lw.StepExplorer(x, y, lr=lr)
        assert "diverging" not in explorer.readout.value  # step 0: nothing has happened yet
        for _ in range(10):
            explorer.step_button.click()
            if explorer.diverged:
                break
            assert ("diverging" in explorer.readout.value) == warned, len(explorer.ms) - 1
        explorer.close()


def test_the_step_explorer_says_a_new_rate_starts_again_once(classic):
    """ "(a new lr starts again from step 0)" is said when the rate has just changed, at step 0,
    not at every step (nor before any change)."""
    x, y = classic
    e = lw.StepExplorer(x, y, lr=1e-4)
    note = "a new lr starts again from step 0"
    assert note not in e.readout.value
    e.step_button.click()
    assert note not in e.readout.value
    e.lr_slider.value = 0.00012
    assert e.readout.value.startswith("step 0:") and note in e.readout.value
    e.step_button.click()
    assert note not in e.readout.value and "lr = 0.00012" in e.readout.value
    e.reset_button.click()  # round 35's student: Reset at the same rate is not a new rate
    assert e.readout.value.startswith("step 0:") and note not in e.readout.value


def test_the_step_explorer_step_axis_widens_past_640_steps(classic):
    """Round 30: the step axis stopped at 640 steps. It keeps doubling, in the kernel and in the
    widths the browser gets."""
    x, y = classic
    e = lw.StepExplorer(x, y, lr=1e-4)
    e.take_steps(700)
    assert e.ax_steps.get_xlim() == (-0.5, 1.05 * 1280 + 0.5)
    widths = {w["steps"]: w for w in e.view.spec["step_axes"]["widths"]}
    assert widths[1280]["xlim"] == list(e.ax_steps.get_xlim()) and max(widths) >= 10_000


# --------------------------------------------------------------------------
# Issue 19: the LossExplorer drawn in the browser (linreg_widgets/browser.py, browser.js)
# --------------------------------------------------------------------------


def _dot_centre(png, box, color=lw.LINE_COLOR):
    """The centre (pixels, y down) of the current-(m, b) dot's fill in ``box`` of a moving layer:
    the mean position of its opaque pixels of the line colour, as Agg drew them."""
    rgba = np.asarray(PILImage.open(io.BytesIO(png)).convert("RGBA"), dtype=int)
    target = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    near = (np.abs(rgba[..., :3] - target).max(axis=2) < 40) & (rgba[..., 3] == 255)
    left, top, width, height = (round(v) for v in box)
    mask = np.zeros_like(near)
    mask[top : top + height, left : left + width] = True
    rows, cols = np.nonzero(near & mask)
    assert rows.size > 50, "no dot found"
    return cols.mean() + 0.5, rows.mean() + 0.5  # pixel centres


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "bowl"])
def test_the_browser_is_told_where_matplotlib_draws(classic, compact):
    """The mappings sent to the browser put the dot where Agg draws it, on the map and (through
    the 3-D projection) on the bowl, at several (m, b): found in the rendered pixels, to a pixel
    (Agg puts a marker on whole pixels; a wrong mapping is off by many)."""
    x, y = classic
    e = lw.LossExplorer(x, y, compact=compact)
    spec = e.view.spec
    assert spec["kind"] == "loss" and spec["size"] == list(e.fig.canvas.get_width_height())
    for fm, fb in [(0.2, 0.3), (0.5, 0.5), (0.8, 0.9)]:
        m = set_value(e.m_slider, at_fraction(e.m_slider, fm))
        b = set_value(e.b_slider, at_fraction(e.b_slider, fb))
        moving = e.image.value
        sx, sy, tx, ty = spec["loss"]["map"]
        assert _dot_centre(moving, spec["loss"]["box"]) == pytest.approx((sx * m + tx, sy * b + ty), abs=1.0)
        if not compact:  # projected as browser.js does: M·(m, b, z, 1), divided by w, then the 2-D map
            z = min(ref_mse(x, y, m, b), spec["bowl"]["cap"])
            px, py, _, w = np.array(spec["bowl"]["M"]) @ [m, b, z, 1.0]
            sx, sy, tx, ty = spec["bowl"]["map"]
            where = (sx * px / w + tx, sy * py / w + ty)
            assert _dot_centre(moving, spec["bowl"]["box"]) == pytest.approx(where, abs=1.0)
    # the fit panel's mapping: the data's corners land on the axes' corners
    (x0, x1), (y0, y1) = fit_axes(e).get_xlim(), fit_axes(e).get_ylim()
    sx, sy, tx, ty = spec["fit"]["map"]
    left, top, width, height = spec["fit"]["box"]
    assert (sx * x0 + tx, sy * y1 + ty) == pytest.approx((left, top), abs=1e-6)
    assert (sx * x1 + tx, sy * y0 + ty) == pytest.approx((left + width, top + height), abs=1e-6)


def test_the_browser_gets_the_data_or_a_sample_and_exact_sums(classic, big):
    """Up to MAX_RESIDUALS points the browser gets them all (the MSE point by point); beyond, the
    seeded sample for the residuals and the averages that give the exact MSE (checked here with
    the lesson's formula on all the points)."""
    x, y = classic
    spec = lw.LossExplorer(x, y).view.spec
    assert spec["data"] == [x.tolist(), y.tolist()] and "sums" not in spec
    assert spec["star"] == pytest.approx(list(np.polyfit(x, y, 1)), rel=1e-9)
    xb, yb = big
    spec = lw.LossExplorer(xb, yb, compact=True).view.spec
    assert "data" not in spec and len(spec["residuals"][0]) == lw.MAX_RESIDUALS
    s, m, b = spec["sums"], 0.7, 12.0
    offset = s["y_mean"] - m * s["x_mean"] - b  # browser.js's mseFromSums, written out
    assert s["s_res"] + s["sxx"] * (m - s["m_hat"]) ** 2 + offset**2 == pytest.approx(
        ref_mse(xb, yb, m, b), rel=1e-12
    )
    assert len(json.dumps(spec)) < 20_000  # sent once; a sample, not 10^5 points


def test_a_browser_drawn_move_sends_nothing_but_the_python_values_follow(classic):
    """A slider move costs the kernel the artists' update only: no picture is drawn or sent
    (the view's traits do not change), and explorer.m / explorer.b are the sliders' values."""
    x, y = classic
    e = lw.LossExplorer(x, y, compact=True)
    sent = []
    e.view.observe(sent.append)
    e.m_slider.value = at_fraction(e.m_slider, 0.7)
    e.b = 3.0
    assert sent == [] and (e.m, e.b) == (e.m_slider.value, 3.0)
    assert e.loss == pytest.approx(ref_mse(x, y, e.m, 3.0), rel=1e-12)
    assert e.view.controls == [e.m_slider, e.b_slider]


# --------------------------------------------------------------------------
# Issue 19: the OutlierExplorer drawn in the browser
# --------------------------------------------------------------------------


def _slider_stops(slider):
    """Every value the slider's range input can take, as the browser computes it (lo + k·step)."""
    digits = max(0, math.ceil(-math.log10(slider.step) - 1e-9))
    count = round((slider.max - slider.min) / slider.step)
    return [float(f"{slider.min + k * slider.step:.{digits}f}") for k in range(count + 1)]


def _mae_from_table(table, ox, h):
    """browser.js's maeLineWith, written out: a side line while the outlier is beyond it, else the
    row solved for that height."""
    for side, m, b in table["sides"]:
        if side * (h - (m * ox + b)) > 0:
            return m, b
    rows = [(m, b) for height, m, b in table["solved"] if height == h]
    return rows[0] if rows else None


def test_the_browser_gets_an_mae_line_for_every_stop_of_the_outlier_slider(small_data):
    """The MAE table sent once gives, at every stop of the slider, a line whose MAE is the least
    (checked against a brute force over every line through two points at a spread of stops, and
    at every stop inside the band between the two side lines, where the kernel solved it)."""
    x, y = small_data
    e = lw.OutlierExplorer(x, y)
    table, ox = e.view.spec["mae"], e.outlier_x
    stops = _slider_stops(e.outlier_slider)
    assert len(table["sides"]) == 2 and 0 < len(table["solved"]) < len(stops) / 4  # a narrow band
    fits = {h: _mae_from_table(table, ox, h) for h in stops}
    assert all(fit is not None for fit in fits.values())
    band = [h for h, *_ in table["solved"]]
    checked = stops[:: max(1, len(stops) // 12)] + band
    for h in checked:
        xs, ys = np.append(x, ox), np.append(y, h)
        least = brute_force_lad(xs.tolist(), ys.tolist())[0]
        m, b = fits[h]
        assert np.mean(np.abs(ys - (m * xs + b))) == pytest.approx(least, rel=1e-9, abs=1e-12), h
    # the kernel's own line is the browser's
    h = set_value(e.outlier_slider, stops[len(stops) // 3])
    assert e.fits["MAE"] == pytest.approx(fits[h], rel=1e-12)
    assert len(json.dumps(e.view.spec)) < 20_000


def test_an_outlier_height_set_from_code_is_solved_and_sent(small_data):
    """A height between two stops, inside the band, set from code: the kernel solves it and sends
    it with the table (the browser has a line for every height it can show); a move to a stop
    sends nothing."""
    x, y = small_data
    e = lw.OutlierExplorer(x, y)
    sent = []
    e.view.observe(sent.append, names="spec")
    e.outlier_slider.value = _slider_stops(e.outlier_slider)[5]
    assert sent == []
    (_, m_low, b_low), (_, m_high, b_high) = e.view.spec["mae"]["sides"]
    inside = (m_low * e.outlier_x + b_low + m_high * e.outlier_x + b_high) / 2 + 1e-7  # between the lines
    e.outlier_slider.value = inside
    assert len(sent) == 1
    fit = _mae_from_table(e.view.spec["mae"], e.outlier_x, inside)
    assert fit == pytest.approx(e.fits["MAE"], rel=1e-12)
    xs, ys = np.append(x, e.outlier_x), np.append(y, inside)
    least = brute_force_lad(xs.tolist(), ys.tolist())[0]
    assert np.mean(np.abs(ys - (fit[0] * xs + fit[1]))) == pytest.approx(least, rel=1e-9)


def test_the_browser_draws_the_outlier_where_matplotlib_does(small_data):
    """The fit panel's mapping puts the outlier where Agg draws it (found in the rendered pixels,
    to a pixel), and the MSE line from the sums sent is np.polyfit's (browser.js's mseLineWith,
    written out)."""
    x, y = small_data
    e = lw.OutlierExplorer(x, y)
    spec = e.view.spec
    low, high = spec["fit"]["y_limits"]
    for frac in (0.2, 0.5, 0.8):  # inside the panel
        h = set_value(e.outlier_slider, low + frac * (high - low))
        sx, sy, tx, ty = spec["fit"]["map"]
        centre = _dot_centre(e.image.value, spec["fit"]["box"], color=lw.OUTLIER_COLOR)
        assert centre == pytest.approx((sx * e.outlier_x + tx, sy * h + ty), abs=1.0)
        s, n, ox = spec["sums"], spec["n"], spec["outlier_x"]
        dx, dy = ox - s["x_mean"], h - s["y_mean"]
        m = (n * s["sxy"] + n / (n + 1) * dx * dy) / (n * s["sxx"] + n / (n + 1) * dx * dx)
        b = s["y_mean"] + dy / (n + 1) - m * (s["x_mean"] + dx / (n + 1))
        assert [m, b] == pytest.approx(list(np.polyfit(np.append(x, ox), np.append(y, h), 1)), rel=1e-9)


# --------------------------------------------------------------------------
# Issue 19: the SlopeExplorer drawn in the browser
# --------------------------------------------------------------------------


def test_the_browser_is_told_where_the_slope_explorer_draws(classic):
    """The mappings sent put both dots where Agg draws them (on the loss curve at (m, L) and on
    the map at (m, b)), found in the rendered pixels at several m; a move sends nothing. (No
    tangent: the tangent and the arrow have the dots' colour.)"""
    x, y = classic
    e = lw.SlopeExplorer(x, y)
    spec = e.view.spec
    assert spec["kind"] == "slope" and spec["data"] == [x.tolist(), y.tolist()] and spec["b"] == e.b
    sent = []
    e.view.observe(sent.append)
    for frac in (0.2, 0.5, 0.8):
        m = set_value(e.m_slider, at_fraction(e.m_slider, frac))
        moving = e.image.value
        sx, sy, tx, ty = spec["loss"]["map"]
        assert _dot_centre(moving, spec["loss"]["box"]) == pytest.approx(
            (sx * m + tx, sy * e.b + ty), abs=1.0
        )
        sx, sy, tx, ty = spec["curve"]["map"]
        where = (sx * m + tx, sy * ref_mse(x, y, m, e.b) + ty)
        assert _dot_centre(moving, spec["curve"]["box"]) == pytest.approx(where, abs=1.0)
    assert sent == []


def test_the_slope_explorer_sends_the_exact_averages_for_many_points(big):
    """Beyond MAX_RESIDUALS points the browser gets the averages, not the points: the loss and
    gradient from them (browser.js's mseFromSums and gradientsFromSums, written out) are the
    lesson's, point by point."""
    x, y = big
    spec = lw.SlopeExplorer(x, y, tangent=True).view.spec
    assert "data" not in spec and len(json.dumps(spec)) < 5_000
    s = spec["sums"]
    for m, b in [(0.5, 3.0), (0.99, 4.85), (2.0, -40.0)]:
        offset = s["y_mean"] - m * s["x_mean"] - b
        loss = s["s_res"] + s["sxx"] * (m - s["m_hat"]) ** 2 + offset**2
        dm, db = 2 * (s["sxx"] * (m - s["m_hat"]) - s["x_mean"] * offset), -2 * offset
        assert loss == pytest.approx(ref_mse(x, y, m, b), rel=1e-9)
        assert [dm, db] == pytest.approx(list(ref_gradients(x, y, m, b)), rel=1e-9)


# --------------------------------------------------------------------------
# Issue 19: the StepExplorer drawn in the browser
# --------------------------------------------------------------------------


def test_the_step_explorer_takes_the_steps_the_browser_took(classic):
    """The browser shares how many steps it was asked for at which rate (the view's state): the
    kernel takes the same ones (explorer.ms follows, equal to gradient_descent's), goes back to
    the start for fewer, ignores a count for another rate, and shares the steps taken from code."""
    x, y = classic
    e = lw.StepExplorer(x, y, lr=1e-4)
    index = e.lr_slider.index
    assert e.view.state == {"steps": 0, "index": index}
    e.view.state = {"steps": 13, "index": index}  # as the browser sends it
    run = lc.gradient_descent(x, y, 1e-4, 13, 0.0, 0.0, warn=False)
    assert len(e.ms) == 14
    np.testing.assert_allclose([e.ms, e.bs], [run.ms, run.bs], rtol=1e-12)
    e.view.state = {"steps": 2, "index": index}
    np.testing.assert_allclose([e.ms, e.bs], [run.ms[:3], run.bs[:3]], rtol=1e-12)
    e.view.state = {"steps": 40, "index": index + 1}  # another rate's: its own change resets
    assert len(e.ms) == 3
    e.step_button.click()
    assert e.view.state == {"steps": 3, "index": index} and len(e.ms) == 4
    e.lr_slider.value = e.lr_slider.options[index + 1][1]
    assert e.view.state == {"steps": 0, "index": index + 1} and e.ms == [0.0]


def test_the_step_explorer_gives_the_browser_its_step_axis_at_every_width(classic):
    """The step axis widens (10, 20, 40 ... steps) as the steps outgrow it. The browser gets it at
    every width once: each picture of its ticks is the kernel's still picture there at that width
    (to the pixel), each mapping puts the axis's limits on its frame; no new picture is sent."""
    import base64

    x, y = classic
    e = lw.StepExplorer(x, y, lr=1e-4)
    axes = e.view.spec["step_axes"]
    assert [w["steps"] for w in axes["widths"]] == [10 * 2**k for k in range(len(axes["widths"]))]
    left, top, width, height = axes["box"]
    _, box_top, box_width, box_height = e.view.spec["steps"]["box"]
    sent = []
    e.view.observe(sent.append, names=["still", "spec"])
    for entry in axes["widths"][:4]:
        e.view.state = {"steps": entry["steps"], "index": e.lr_slider.index}  # the kernel widens it
        assert entry["xlim"] == list(e.ax_steps.get_xlim())
        sx, sy, tx, ty = entry["map"]
        (x0, x1), (y0, y1) = e.ax_steps.get_xlim(), e.ax_steps.get_ylim()
        box_left = e.view.spec["steps"]["box"][0]
        assert (sx * x0 + tx, sy * y1 + ty) == pytest.approx((box_left, box_top), abs=1e-6)
        assert (sx * x1 + tx, sy * y0 + ty) == pytest.approx(
            (box_left + box_width, box_top + box_height), abs=1e-6
        )
        still = np.asarray(PILImage.open(io.BytesIO(e.background.value)).convert("RGB"))
        png = base64.b64decode(entry["png"].split(",", 1)[1])
        ticks = np.asarray(PILImage.open(io.BytesIO(png)).convert("RGB"))
        np.testing.assert_array_equal(ticks, still[top : top + height, left : left + width])
    assert sent == []
    assert e.view.spec["rates"] == [rate for _, rate in e.lr_slider.options]
