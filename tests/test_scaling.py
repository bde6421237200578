"""Feature scaling: linreg_core.standardize / unstandardize / epochs_to_converge,
and the ScalingExplorer widget (headless).

Expected values come from elsewhere than the code under test: hand
computations (written out in comments), exact fractions, the least-squares
fit of the raw data (``closed_form`` / ``np.polyfit``), and plain loops
written in this file.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

import linreg_core as lc
import linreg_widgets as lw

TINY_X = [0.0, 2.0, 3.0, 5.0, 6.0]
TINY_Y = [2.0, 2.0, 4.0, 8.0, 5.0]


def loop_descent(x, y, lr, epochs, m=0.0, b=0.0):
    """Gradient descent as a plain Python loop over the points (no numpy, no core)."""
    ms, bs, n = [m], [b], len(x)
    for _ in range(epochs):
        dm = sum(-2 * xi * (yi - (m * xi + b)) for xi, yi in zip(x, y)) / n
        db = sum(-2 * (yi - (m * xi + b)) for xi, yi in zip(x, y)) / n
        m, b = m - lr * dm, b - lr * db
        ms.append(m)
        bs.append(b)
    return ms, bs


def first_settled_epoch(ms, bs, m_ref, b_ref, rtol):
    """Scan backwards for the last epoch outside the tolerance (a loop, not numpy)."""
    k = len(ms)
    while (
        k > 0 and abs(ms[k - 1] - m_ref) <= rtol * abs(m_ref) and abs(bs[k - 1] - b_ref) <= rtol * abs(b_ref)
    ):
        k -= 1
    return None if k == len(ms) else k


# --------------------------------------------------------------------------
# standardize
# --------------------------------------------------------------------------


def test_standardize_by_hand():
    # x = 1, 3: mean 2, deviations -1, +1, population std sqrt((1 + 1) / 2) = 1.
    x_scaled, mean, std = lc.standardize([1, 3])
    assert x_scaled.tolist() == [-1.0, 1.0] and mean == 2.0 and std == 1.0
    assert type(mean) is float and type(std) is float


def test_standardize_tiny_by_hand():
    # tiny.csv: mean 16/5 = 3.2; squared deviations 10.24, 1.44, 0.04, 3.24, 7.84,
    # sum 22.8, variance 22.8 / 5 = 4.56, std = sqrt(4.56) (population, ddof = 0).
    x_scaled, mean, std = lc.standardize(TINY_X)
    assert mean == pytest.approx(3.2, abs=1e-15)
    assert std == pytest.approx(math.sqrt(4.56), rel=1e-15)
    expected = [(xi - 3.2) / math.sqrt(4.56) for xi in TINY_X]
    assert x_scaled == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_standardized_x_has_a_round_bowl(classic):
    x, _ = classic
    x_scaled, mean, std = lc.standardize(x)
    assert abs(x_scaled.mean()) < 1e-12 and np.mean(x_scaled**2) == pytest.approx(1, rel=1e-12)
    assert lc.hessian(x_scaled) == pytest.approx(2 * np.eye(2), abs=1e-12)
    assert lc.stable_learning_rate(x_scaled) == pytest.approx(1.0, rel=1e-12)
    # the same shape whatever the units of x
    assert lc.standardize(1000 * x - 7)[0] == pytest.approx(x_scaled, abs=1e-12)


def test_standardize_does_not_modify_its_input():
    x = np.array(TINY_X)
    lc.standardize(x)
    assert x.tolist() == TINY_X


@pytest.mark.parametrize("x", [[4.0, 4.0, 4.0], [0.1] * 7, [2.5]])
def test_standardize_constant_x_says_why(x):
    with pytest.raises(ValueError, match="all its values are equal"):
        lc.standardize(x)


@pytest.mark.parametrize(
    "x, error, text",
    [
        ([1.0, float("nan"), 3.0], ValueError, "NaN"),
        ([[1.0, 2.0], [3.0, 4.0]], ValueError, "one-dimensional"),
        ([], ValueError, "empty"),
        (["1", "two"], TypeError, "only numbers"),
    ],
)
def test_standardize_validates_input(x, error, text):
    with pytest.raises(error, match=text):
        lc.standardize(x)


# --------------------------------------------------------------------------
# unstandardize
# --------------------------------------------------------------------------


def test_unstandardize_by_hand():
    # y = 2 (x - 3) / 2 + 1 = x - 3 + 1 = x - 2: slope 1, intercept -2.
    m, b = lc.unstandardize(2.0, 1.0, mean=3.0, std=2.0)
    assert (m, b) == (1.0, -2.0) and type(m) is float and type(b) is float


def test_unstandardize_gives_the_least_squares_line_of_the_raw_data():
    # tiny.csv: the least-squares line is m = 47/57, b = 89/57 (data/README.md).
    x_scaled, mean, std = lc.standardize(TINY_X)
    m, b = lc.unstandardize(*lc.closed_form(x_scaled, TINY_Y), mean, std)
    assert m == pytest.approx(float(Fraction(47, 57)), rel=1e-13)
    assert b == pytest.approx(float(Fraction(89, 57)), rel=1e-13)


def test_unstandardize_after_gradient_descent_on_classic(classic):
    x, y = classic
    x_scaled, mean, std = lc.standardize(x)
    result = lc.gradient_descent(x_scaled, y, lr=0.1, epochs=300)
    m, b = lc.unstandardize(result.m, result.b, mean, std)
    m_ref, b_ref = np.polyfit(x, y, 1)
    assert m == pytest.approx(m_ref, rel=1e-9) and b == pytest.approx(b_ref, rel=1e-9)


def test_unstandardize_keeps_the_same_line():
    # The two lines agree at every x: m_s (x - mean) / std + b_s = m x + b.
    m_s, b_s, mean, std = 3.5, -2.0, 41.0, 12.5
    m, b = lc.unstandardize(m_s, b_s, mean, std)
    for x in (-10.0, 0.0, 41.0, 99.0):
        assert m * x + b == pytest.approx(m_s * (x - mean) / std + b_s, rel=1e-12, abs=1e-12)


def test_unstandardize_converts_histories_element_by_element():
    ms, bs = lc.unstandardize([0.0, 2.0, 4.0], [0.0, 1.0, 5.0], 3.0, 2.0)
    assert ms.tolist() == [0.0, 1.0, 2.0]
    assert bs.tolist() == [0.0, -2.0, -1.0]  # b_s - m_s * 3 / 2


@pytest.mark.parametrize(
    "args, error, text",
    [
        ((1.0, 2.0, 0.0, 0.0), ValueError, "std must be positive"),
        ((1.0, 2.0, 0.0, -1.0), ValueError, "std must be positive"),
        (([1.0, 2.0], [1.0], 0.0, 1.0), ValueError, "same shape"),
        ((1.0, float("inf"), 0.0, 1.0), ValueError, "infinite"),
        ((1.0, 2.0, "mean", 1.0), TypeError, "mean must be a number"),
    ],
)
def test_unstandardize_validates_input(args, error, text):
    with pytest.raises(error, match=text):
        lc.unstandardize(*args)


# --------------------------------------------------------------------------
# epochs_to_converge
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ms, bs, expected",
    [
        ([0.0, 0.9, 0.9995, 1.0], [0.0, 1.9, 2.0, 2.0], 2),  # close from epoch 2 on
        ([1.0, 1.0], [2.0, 2.0], 0),  # close from the start
        ([0.0, 0.5, 0.9], [0.0, 2.0, 2.0], None),  # not there yet
        ([1.0, 0.5, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0], 2),  # left and came back: counts the return
        ([1.0, 1.0, 1.0], [2.0, 2.1, 2.0], 2),  # b alone out at epoch 1
    ],
)
def test_epochs_to_converge_by_hand(ms, bs, expected):
    assert lc.epochs_to_converge(ms, bs, 1.0, 2.0, rtol=1e-3) == expected


def test_epochs_to_converge_matches_a_loop_on_the_classic_run(classic):
    x, y = classic
    x_scaled, mean, std = lc.standardize(x)
    result = lc.gradient_descent(x_scaled, y, lr=0.1, epochs=200)
    ms, bs = lc.unstandardize(result.ms, result.bs, mean, std)
    m_ref, b_ref = np.polyfit(x, y, 1)
    expected = first_settled_epoch(list(ms), list(bs), m_ref, b_ref, 1e-3)
    assert expected is not None and 10 < expected < 100  # "tens of epochs"
    assert lc.epochs_to_converge(ms, bs, m_ref, b_ref) == expected


@pytest.mark.parametrize(
    "args, error, text",
    [
        (([1.0, 2.0], [1.0], 1.0, 1.0), ValueError, "same length"),
        (([1.0], [1.0], 1.0, 1.0, 0.0), ValueError, "rtol must be positive"),
        (([1.0], [1.0], "one", 1.0), TypeError, "m_ref must be a number"),
    ],
)
def test_epochs_to_converge_validates_input(args, error, text):
    with pytest.raises(error, match=text):
        lc.epochs_to_converge(*args)


# --------------------------------------------------------------------------
# ScalingExplorer (headless: setting a control fires its observer at once)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer(classic):
    return lw.ScalingExplorer(*classic)


def plain_readout(explorer):
    import re

    return re.sub(r"<[^>]+>", "", explorer.readout.value).replace("&nbsp;", " ")


def test_explorer_starts_on_raw_x_with_the_classic_run(explorer, classic):
    x, y = classic
    explorer.scale_box.value = False
    explorer.lr_slider.value = 1e-4
    ms, bs = loop_descent(x.tolist(), y.tolist(), 1e-4, 1000)
    reference = lc.gradient_descent(x, y, 1e-4, 1000)
    raw_path, scaled_path = explorer.paths[False], explorer.paths[True]
    assert np.array_equal(raw_path.get_xdata(), reference.ms)
    assert np.array_equal(raw_path.get_ydata(), reference.bs)
    assert np.allclose(raw_path.get_xdata(), ms, rtol=1e-9) and np.allclose(
        raw_path.get_ydata(), bs, rtol=1e-9
    )
    assert len(scaled_path.get_xdata()) == 0
    assert explorer.markers[False].get_xdata()[0] == reference.ms[-1]
    assert explorer.status == "not converged" and explorer.converged_at is None
    text = plain_readout(explorer)
    assert "raw x" in text and "Did not converge in 1000 epochs" in text
    # the readout shows 4 significant digits (lw.readable)
    assert f"m = {ms[-1]:.4g}, b = {bs[-1]:.4g}" in text
    m_ref, b_ref = np.polyfit(x, y, 1)
    assert f"least squares: m = {m_ref:.4g}, b = {b_ref:.4g}" in text
    bound = 2 / np.linalg.eigvalsh(2 * np.array([[np.mean(x * x), x.mean()], [x.mean(), 1]]))[-1]
    assert f"stable bound {bound:.3g}" in text


def test_explorer_standardised_path_and_epochs_to_converge(explorer, classic):
    x, y = classic
    explorer.lr_slider.value = 0.1
    explorer.scale_box.value = True
    x_scaled = (x - x.mean()) / x.std()
    reference = lc.gradient_descent(x_scaled, y, 0.1, 1000)
    scaled_path = explorer.paths[True]
    assert np.allclose(scaled_path.get_xdata(), reference.ms, rtol=1e-12, atol=1e-12)
    assert np.allclose(scaled_path.get_ydata(), reference.bs, rtol=1e-12, atol=1e-12)
    assert len(explorer.paths[False].get_xdata()) == 0
    # converted back with the formula written out here
    ms = [m / x.std() for m in reference.ms]
    bs = [b - m * x.mean() / x.std() for m, b in zip(reference.ms, reference.bs)]
    m_ref, b_ref = np.polyfit(x, y, 1)
    expected = first_settled_epoch(ms, bs, m_ref, b_ref, 1e-3)
    assert explorer.status == "converged" and explorer.converged_at == expected
    text = plain_readout(explorer)
    assert f"Converged: m and b within 0.1% of least squares from epoch {expected} on" in text
    assert f"m = {m_ref:.4g}, b = {b_ref:.4g} (least squares" in text
    assert "standardised x" in text and "× the stable bound 1" in text


@pytest.mark.parametrize("scaled, lr", [(True, 2.0), (False, 5e-4)])
def test_explorer_reports_divergence(explorer, scaled, lr):
    explorer.scale_box.value = scaled
    explorer.lr_slider.value = lr
    assert explorer.status == "diverged" and explorer.result.diverged
    assert "Diverged: training stopped after" in plain_readout(explorer)


def test_explorer_highlights_the_active_panel(explorer):
    for scaled in (True, False, True):
        explorer.scale_box.value = scaled
        assert explorer.axes[scaled].get_title().startswith("▶")
        assert not explorer.axes[not scaled].get_title().startswith("▶")


def test_explorer_never_redraws_the_surfaces(explorer):
    counts = [len(ax.collections) for ax in explorer.axes.values()]
    for scaled, lr in [(False, 2e-4), (True, 0.3), (False, 1e-5), (True, 1.0)]:
        explorer.scale_box.value = scaled
        explorer.lr_slider.value = lr
    assert [len(ax.collections) for ax in explorer.axes.values()] == counts


def test_explorer_slider_spans_both_bounds(explorer, classic):
    x, _ = classic
    low, high = 10**explorer.lr_slider.min, 10**explorer.lr_slider.max
    assert low < lc.stable_learning_rate(x) / 5 and high > 2.0  # raw bound ≈ 3e-4, scaled 1


def test_explorer_starts_both_problems_from_the_same_line(classic):
    x, y = classic
    explorer = lw.ScalingExplorer(x, y, lr=0.1, epochs=5, standardize=True, m0=0.5, b0=2.0)
    m_s0, b_s0 = explorer.paths[True].get_xdata()[0], explorer.paths[True].get_ydata()[0]
    # the line 0.5 x + 2 in scaled units: slope 0.5 std, intercept 2 + 0.5 mean
    assert m_s0 == pytest.approx(0.5 * x.std()) and b_s0 == pytest.approx(2 + 0.5 * x.mean())
    assert bytes(explorer.image.value).startswith(b"\x89PNG\r\n\x1a\n")
    assert repr(explorer).startswith("ScalingExplorer: ")


def test_explorer_builds_and_switches_without_warnings(classic):
    """No warning may reach the notebook (strict nbval compares stderr)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        explorer = lw.ScalingExplorer(*classic)
        for scaled, lr in [(True, 0.1), (False, 2.9e-4), (True, 3.0), (False, 1e-5)]:
            explorer.scale_box.value = scaled
            explorer.lr_slider.value = lr


def test_explorer_repr_fits_what_ipywidgets_shows(explorer):
    assert len(repr(explorer)) <= 110 and "run the notebook" in repr(explorer)


@pytest.mark.slow  # gradient descent on 10^5 points: several seconds
def test_large_scaling_explorer_runs_gradient_descent_on_all_the_points():
    """At n = 10^5 the explorer trains on four points with the data's averages: same path."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 100.0, 10**5)
    y = 0.99 * x + 4.85 + rng.normal(0.0, 9.0, x.size)
    explorer = lw.ScalingExplorer(x, y, lr=1e-4, epochs=300)
    x_scaled = (x - x.mean()) / x.std()
    for scaled, lr, data in ((False, 2e-4, x), (True, 0.3, x_scaled)):
        explorer.scale_box.value = scaled
        explorer.lr_slider.value = lr
        full = lc.gradient_descent(data, y, explorer.lr_slider.value, 300, warn=False)
        np.testing.assert_allclose(explorer.result.ms, full.ms, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(explorer.result.bs, full.bs, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(explorer.result.losses, full.losses, rtol=1e-11)
    ms, bs = lc.unstandardize(full.ms, full.bs, x.mean(), x.std())
    assert explorer.converged_at == lc.epochs_to_converge(ms, bs, *np.polyfit(x, y, 1), rtol=1e-3)
