"""Tests of mini-batch / stochastic gradient descent (core) and MinibatchExplorer.

Expected values come from outside the code under test: ``gradient_descent``
(for ``batch_size = n``), ``closed_form``, a plain loop written here, and the
points used by each update *recovered from the history itself* (each update
reveals which points it saw), which checks the epoch structure without
looking inside the implementation.
"""

import itertools
import warnings
from pathlib import Path

import numpy as np
import pytest

import linreg_core as lc
import linreg_minibatch as lm
import linreg_validation as lv
import linreg_widgets as lw

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def classic_data(standardised=True):
    """The classic data set, x standardised by default (the explorers' and lessons' choice)."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    return ((x - x.mean()) / x.std() if standardised else x), y


def ref_mse(x, y, m, b):
    return float(np.mean((y - m * x - b) ** 2))


def ref_minibatch(x, y, lr, epochs, batch_size, seed, m=0.0, b=0.0, tau=None):
    """Plain loop with the documented shuffling: one permutation of
    ``np.random.default_rng(seed)`` per epoch (none when one batch holds all)."""
    rng, n, t = np.random.default_rng(seed), len(x), 0
    ms, bs = [m], [b]
    for _ in range(epochs):
        order = np.arange(n) if batch_size == n else rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            xb, yb = x[batch], y[batch]
            dm = 2 * np.mean((m * xb + b - yb) * xb)
            db = 2 * np.mean(m * xb + b - yb)
            eta = lr if tau is None else lr / (1 + t / tau)
            m, b, t = m - eta * dm, b - eta * db, t + 1
            ms.append(m)
            bs.append(b)
    return np.array(ms), np.array(bs)


def record_warnings(func, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        result = func(*args, **kwargs)
    return result, caught


# --------------------------------------------------------------------------
# batch_size = n is full-batch gradient descent, bit for bit
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "standardised, lr, epochs",
    [
        (True, 0.1, 200),
        (True, 0.9, 50),
        (False, 1e-4, 1000),
        (False, 2.9e-4, 500),
        (False, 3.1e-4, 500),  # diverges slowly: stopped by the "rising" rule
        (False, 1e-2, 100),  # blows up at once
        (True, 1.5, 100),
    ],
)
def test_full_batch_equals_gradient_descent_exactly(standardised, lr, epochs):
    x, y = classic_data(standardised)
    expected, warned_gd = record_warnings(lc.gradient_descent, x, y, lr, epochs, 1.0, -2.0)
    result, warned = record_warnings(
        lm.minibatch_gradient_descent, x, y, lr, epochs, len(x), seed=123, m0=1.0, b0=-2.0
    )
    np.testing.assert_array_equal(result.ms, expected.ms)
    np.testing.assert_array_equal(result.bs, expected.bs)
    np.testing.assert_array_equal(result.losses, expected.losses)
    assert (result.m, result.b, result.diverged) == (expected.m, expected.b, expected.diverged)
    assert result.updates_per_epoch == 1
    assert len(warned) == len(warned_gd) == int(expected.diverged)


def test_full_batch_ignores_the_seed():
    x, y = classic_data()
    a = lm.minibatch_gradient_descent(x, y, 0.1, 20, len(x), seed=0)
    b = lm.minibatch_gradient_descent(x, y, 0.1, 20, len(x), seed=99)
    np.testing.assert_array_equal(a.ms, b.ms)


# --------------------------------------------------------------------------
# Bookkeeping and reproducibility
# --------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 3, 7, 50, 199])
def test_history_lengths_and_per_epoch_losses(batch_size):
    x, y = classic_data()
    epochs = 4
    r = lm.minibatch_gradient_descent(x, y, 0.02, epochs, batch_size, seed=1, m0=3.0, b0=4.0)
    per_epoch = -(-len(x) // batch_size)
    assert r.updates_per_epoch == per_epoch
    assert len(r.ms) == len(r.bs) == epochs * per_epoch + 1 and len(r.losses) == epochs + 1
    assert (r.ms[0], r.bs[0]) == (3.0, 4.0) and (r.m, r.b) == (r.ms[-1], r.bs[-1])
    for e in range(epochs + 1):
        t = e * per_epoch
        assert r.losses[e] == pytest.approx(ref_mse(x, y, r.ms[t], r.bs[t]), rel=1e-12)


@pytest.mark.parametrize("batch_size, tau", [(1, None), (4, None), (16, 30.0), (1, 5.0)])
def test_matches_reference_loop_with_documented_shuffling(batch_size, tau):
    rng = np.random.default_rng(8)
    x, y = rng.uniform(-2, 2, 37), rng.normal(size=37)
    r = lm.minibatch_gradient_descent(x, y, 0.05, 6, batch_size, seed=5, m0=0.5, b0=1.0, tau=tau)
    ms, bs = ref_minibatch(x, y, 0.05, 6, batch_size, 5, 0.5, 1.0, tau)
    np.testing.assert_allclose(r.ms, ms, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.bs, bs, rtol=1e-12, atol=1e-14)


def test_same_seed_same_run_other_seed_other_run():
    x, y = classic_data()
    a = lm.minibatch_gradient_descent(x, y, 0.05, 5, 10, seed=3)
    b = lm.minibatch_gradient_descent(x, y, 0.05, 5, 10, seed=3)
    c = lm.minibatch_gradient_descent(x, y, 0.05, 5, 10, seed=4)
    np.testing.assert_array_equal(a.ms, b.ms)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.ms, c.ms)


def test_does_not_modify_inputs_or_global_random_state():
    x, y = classic_data()
    x_before, y_before = x.copy(), y.copy()
    np.random.seed(0)
    expected_next = np.random.random()
    np.random.seed(0)
    lm.minibatch_gradient_descent(x, y, 0.05, 3, 1, seed=2)
    assert np.random.random() == expected_next
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(y, y_before)


# --------------------------------------------------------------------------
# Each epoch visits every point exactly once (recovered from the history)
# --------------------------------------------------------------------------

# Distinct x and residuals that never vanish, so every update identifies its batch.
TINY_X = np.array([0.0, 1.0, 3.0, 4.5, 7.0])
TINY_Y = np.array([10.0, -3.0, 8.0, 2.0, 15.0])


def batch_used(m, b, m_next, b_next, lr, size):
    """The set of indices whose mini-batch gradient moves (m, b) to (m_next, b_next)."""
    found = []
    for batch in itertools.combinations(range(len(TINY_X)), size):
        xb, yb = TINY_X[list(batch)], TINY_Y[list(batch)]
        r = yb - (m * xb + b)
        if np.isclose(m + lr * 2 * np.mean(xb * r), m_next, rtol=1e-10, atol=1e-12) and np.isclose(
            b + lr * 2 * np.mean(r), b_next, rtol=1e-10, atol=1e-12
        ):
            found.append(set(batch))
    assert len(found) == 1, f"update not identified uniquely: {found}"
    return found[0]


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_each_epoch_visits_every_point_exactly_once(batch_size):
    lr, epochs, n = 0.001, 6, len(TINY_X)
    r = lm.minibatch_gradient_descent(TINY_X, TINY_Y, lr, epochs, batch_size, seed=11)
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    orders = []
    for e in range(epochs):
        seen = []
        for i, size in enumerate(sizes):
            t = e * len(sizes) + i
            seen.append(batch_used(r.ms[t], r.bs[t], r.ms[t + 1], r.bs[t + 1], lr, size))
        assert sorted(itertools.chain.from_iterable(seen)) == list(range(n)), f"epoch {e} used {seen}"
        orders.append([sorted(s) for s in seen])
    assert len({str(o) for o in orders}) > 1, "the points must be reshuffled every epoch"


# --------------------------------------------------------------------------
# Learning-rate schedule and convergence
# --------------------------------------------------------------------------


def test_decaying_learning_rate_settles_near_the_closed_form():
    x, y = classic_data()
    m_hat, b_hat = lc.closed_form(x, y)
    best = ref_mse(x, y, m_hat, b_hat)
    decay = lm.minibatch_gradient_descent(x, y, 0.05, 100, 1, seed=0, tau=200)
    constant = lm.minibatch_gradient_descent(x, y, 0.05, 100, 1, seed=0)
    # Measured: about 4e-4 relative error in m and 1e-4 in b.
    assert abs(decay.m - m_hat) < 2e-3 * abs(m_hat) and abs(decay.b - b_hat) < 2e-3 * abs(b_hat)
    # Over the last 20 epochs the decaying run stays much closer to the minimum.
    excess_decay = decay.losses[-20:] - best
    excess_constant = constant.losses[-20:] - best
    assert np.all(excess_decay >= -1e-9 * best)
    assert excess_decay.mean() < excess_constant.mean() / 10


def test_constant_learning_rate_keeps_bouncing():
    x, y = classic_data()
    m_hat, b_hat = lc.closed_form(x, y)
    best = ref_mse(x, y, m_hat, b_hat)
    r = lm.minibatch_gradient_descent(x, y, 0.05, 60, 1, seed=0)
    late = r.losses[20:] - best
    assert late.min() > 0 and late.max() > 3 * late.min()  # not settling: it keeps moving


@pytest.mark.parametrize("batch_size", [1, 10, 200])
def test_small_steps_converge_for_every_batch_size(batch_size):
    x, y = classic_data()
    m_hat, b_hat = lc.closed_form(x, y)
    r = lm.minibatch_gradient_descent(x, y, 0.02, 400, batch_size, seed=0, tau=2000)
    # Noisy batches stop within ~2e-4 of the minimum; the full batch (200) within ~4e-7.
    rel = 1e-6 if batch_size == 200 else 2e-3
    assert r.m == pytest.approx(m_hat, rel=rel) and r.b == pytest.approx(b_hat, rel=rel)


# --------------------------------------------------------------------------
# Divergence: stop, warn once with advice, never NaN or inf
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "standardised, lr, batch_size",
    [
        (True, 0.6, 1),
        (True, 50.0, 5),
        (False, 1e-3, 1),
        (False, 1e75, 2),
        (True, 3.0, 200),
    ],
)
def test_divergence_stops_warns_once_and_stays_finite(standardised, lr, batch_size):
    x, y = classic_data(standardised)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        with np.errstate(all="raise"):  # no numpy floating-point warning may escape
            r = lm.minibatch_gradient_descent(x, y, lr, 30, batch_size)
    assert r.diverged
    assert [w.category for w in caught] == [lc.DivergenceWarning]
    message = str(caught[0].message)
    assert f"lr={lr:g}" in message and "smaller lr" in message
    if batch_size < len(x):
        assert f"batches of {batch_size} point(s)" in message
    for values in (r.ms, r.bs, r.losses):
        assert np.all(np.isfinite(values))
    for m, b in zip(r.ms, r.bs):
        assert ref_mse(x, y, m, b) <= lv.DivergenceWatch.FACTOR * r.losses[0]
    assert (r.m, r.b) == (r.ms[-1], r.bs[-1])
    assert len(r.ms) <= (len(r.losses)) * r.updates_per_epoch + 1


def test_divergence_warning_points_at_the_caller():
    x, y = classic_data()
    _, caught = record_warnings(lm.minibatch_gradient_descent, x, y, 5.0, 3, 1)
    assert caught and Path(caught[0].filename).name != "linreg_core.py"


def test_no_warning_when_converging():
    x, y = classic_data()
    _, caught = record_warnings(lm.minibatch_gradient_descent, x, y, 0.05, 10, 1)
    assert caught == []


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "batch_size, exc, pattern",
    [
        (0, ValueError, r"batch_size must be between 1 and n = 5 .*got 0.*batch_size=1.*batch_size=5"),
        (-3, ValueError, r"batch_size must be between 1 and n = 5"),
        (6, ValueError, r"batch_size must be between 1 and n = 5 .*got 6"),
        (2.5, TypeError, r"batch_size must be a whole number of data points, got 2.5"),
        (2.0, TypeError, r"batch_size must be a whole number"),
        ("10", TypeError, r"batch_size must be a whole number.*'10'"),
        (None, TypeError, r"batch_size must be a whole number.*None"),
        (True, TypeError, r"batch_size must be a whole number.*True"),
    ],
)
def test_bad_batch_size_gives_clear_error(batch_size, exc, pattern):
    with pytest.raises(exc, match=pattern):
        lm.minibatch_gradient_descent(TINY_X, TINY_Y, 0.01, 3, batch_size)


def test_numpy_integer_batch_size_is_fine():
    r = lm.minibatch_gradient_descent(TINY_X, TINY_Y, 0.001, 2, np.int64(2))
    assert r.updates_per_epoch == 3


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"seed": -1}, TypeError, r"seed must be a whole number >= 0"),
        ({"seed": 1.5}, TypeError, r"seed must be a whole number"),
        ({"seed": None}, TypeError, r"seed must be a whole number"),
        ({"tau": 0}, ValueError, r"tau must be positive.*tau=None"),
        ({"tau": -5.0}, ValueError, r"tau must be positive"),
        ({"tau": float("nan")}, ValueError, r"tau \(the decay time"),
        ({"lr": -0.1}, ValueError, r"lr \(the learning rate\) must be positive"),
        ({"epochs": 0}, ValueError, r"epochs must be at least 1"),
        ({"m0": "zero"}, TypeError, r"m0 must be a number"),
    ],
)
def test_bad_parameters_give_clear_error(kwargs, exc, pattern):
    arguments = {"lr": 0.01, "epochs": 3, "batch_size": 2, **kwargs}
    with pytest.raises(exc, match=pattern):
        lm.minibatch_gradient_descent(TINY_X, TINY_Y, **arguments)


def test_bad_data_gives_the_core_errors():
    with pytest.raises(ValueError, match=r"x and y must have the same length"):
        lm.minibatch_gradient_descent([1, 2, 3], [1, 2], 0.01, 3, 1)
    with pytest.raises(ValueError, match=r"^y contains 1 NaN"):
        lm.minibatch_gradient_descent([1, 2, 3], [1, float("nan"), 2], 0.01, 3, 1)


# --------------------------------------------------------------------------
# MinibatchExplorer (headless)
# --------------------------------------------------------------------------


@pytest.fixture
def explorer():
    x, y = classic_data()
    return lw.MinibatchExplorer(x, y, lr=0.05, epochs=8, batch_size=10, seed=0)


def core_run(explorer, batch_size=None, lr=None, seed=None):
    return lm.minibatch_gradient_descent(
        explorer.x,
        explorer.y,
        explorer.lr_slider.value if lr is None else lr,
        8,
        explorer.batch_buttons.value if batch_size is None else batch_size,
        explorer.seed_slider.value if seed is None else seed,
    )


def test_explorer_path_is_the_core_history(explorer):
    r = core_run(explorer)
    np.testing.assert_array_equal(explorer.path.get_xdata(), r.ms)
    np.testing.assert_array_equal(explorer.path.get_ydata(), r.bs)
    np.testing.assert_array_equal(explorer.curve.get_ydata(), r.losses)
    np.testing.assert_array_equal(explorer.marker.get_xdata(), [r.m])
    full = lc.gradient_descent(explorer.x, explorer.y, explorer.lr_slider.value, 8)
    np.testing.assert_array_equal(explorer.full_curve.get_ydata(), full.losses)


def test_explorer_offers_batch_sizes_up_to_n(explorer):
    values = [value for _, value in explorer.batch_buttons.options]
    assert values == [1, 2, 5, 10, 20, 50, 200]
    assert explorer.batch_buttons.options[-1][0] == "n = 200"


@pytest.mark.parametrize("batch_size", [1, 50, 200])
def test_explorer_changing_batch_size_changes_the_path(explorer, batch_size):
    before = explorer.path.get_xdata().copy()
    explorer.batch_buttons.value = batch_size
    after = explorer.path.get_xdata()
    assert len(after) != len(before) or not np.array_equal(after, before)
    np.testing.assert_array_equal(after, core_run(explorer, batch_size=batch_size).ms)
    per_epoch = -(-200 // batch_size)
    assert f"{per_epoch} update(s) per epoch" in explorer.readout.value


def test_explorer_same_seed_same_path_other_seed_other_path(explorer):
    first = explorer.path.get_xdata().copy()
    explorer.seed_slider.value = 7
    other = explorer.path.get_xdata().copy()
    explorer.seed_slider.value = 0
    again = explorer.path.get_xdata().copy()
    assert not np.array_equal(first, other)
    np.testing.assert_array_equal(first, again)
    x, y = classic_data()
    fresh = lw.MinibatchExplorer(x, y, lr=0.05, epochs=8, batch_size=10, seed=0)
    np.testing.assert_array_equal(fresh.path.get_xdata(), first)


def test_explorer_learning_rate_retrains(explorer):
    explorer.lr_slider.value = 0.01
    np.testing.assert_array_equal(explorer.path.get_xdata(), core_run(explorer, lr=0.01).ms)


def test_explorer_reports_divergence_without_warning(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        explorer.batch_buttons.value = 1
        explorer.lr_slider.value = 2.0
    assert "Diverged" in explorer.readout.value
    assert np.all(np.isfinite(explorer.path.get_xdata()))


def test_explorer_renders_png_and_has_stable_repr(explorer):
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    text = repr(explorer)
    assert text == (
        "MinibatchExplorer: batch size, learning rate, seed: the path and the loss "
        "curve (run the notebook to use it)"
    )
    assert len(text) <= 110  # ipywidgets cuts text/plain at 110 characters


def test_explorer_draws_the_contour_once(explorer, monkeypatch):
    calls = []
    monkeypatch.setattr(lw, "draw_loss_contour", lambda *a, **k: calls.append(a))
    explorer.batch_buttons.value = 1
    explorer.lr_slider.value = 0.02
    explorer.seed_slider.value = 3
    assert calls == []


def test_explorer_rejects_bad_settings():
    x, y = classic_data()
    with pytest.raises(ValueError, match=r"batch_size must be between 1 and n = 200"):
        lw.MinibatchExplorer(x, y, batch_size=500)


def test_divergence_warning_points_at_the_callers_line():
    """stacklevel: the warning names the student's line, not a line inside linreg_core."""
    import inspect
    import warnings

    x = np.linspace(0, 100, 50)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        line = inspect.currentframe().f_lineno + 1
        lm.minibatch_gradient_descent(x, x + 3, 1.0, 50, 10)
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]


def test_minibatch_explorer_on_an_exact_fit_keeps_a_valid_log_axis():
    """y = 2x + 1 exactly, starting at the answer: every loss is 0, which a log axis cannot
    show; the explorer must still build without a matplotlib warning (nbval would see it)."""
    import warnings

    x = np.linspace(-1, 1, 20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        e = lw.MinibatchExplorer(x, 2 * x + 1, lr=0.1, m0=2.0, b0=1.0)
    assert [str(w.message) for w in caught] == []
    low, high = e.ax_curve.get_ylim()
    assert 0 < low < high


# --------------------------------------------------------------------------
# MinibatchExplorer at n = 10^5: at most MAX_UPDATES updates a run, said in the readout
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_explorer():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 100.0, 10**5)
    y = 0.99 * x + 4.85 + rng.normal(0.0, 9.0, x.size)
    return lw.MinibatchExplorer((x - x.mean()) / x.std(), y, lr=0.05, epochs=20)


@pytest.mark.slow  # big_explorer trains on 10^5 points: several seconds
def test_large_minibatch_explorer_offers_only_batches_whose_epoch_fits(big_explorer):
    e, n = big_explorer, big_explorer.x.size
    sizes = [value for _, value in e.batch_buttons.options]
    assert sizes[-1] == n and len(sizes) == 7
    assert all(-(-n // s) <= e.MAX_UPDATES for s in sizes)
    # asked for batches of 10 (the default), it starts at the smallest that fits, and says why
    assert 1 not in sizes and 10 not in sizes and e.batch_buttons.value == 20
    assert "Batch size 10 would make 10,000 updates per epoch with 100,000 points" in e.readout.value
    one = lw.MinibatchExplorer(e.x[:20000], e.y[:20000], batch_size=1, epochs=1)
    assert one.batch_buttons.value == 5 and "Batch size 1 would make 20,000 updates" in one.readout.value


@pytest.mark.slow
def test_large_minibatch_explorer_shows_the_first_epochs_and_says_so(big_explorer):
    e = big_explorer
    e.batch_buttons.value = 100  # 1000 updates an epoch: 5 of the 20 epochs fit
    assert e.epochs_run == 5 and len(e.result.losses) == 6 and len(e.result.ms) == 5001
    assert "Showing the first 5 of 20 epochs" in e.readout.value
    ms, bs = ref_minibatch(e.x, e.y, e.lr_slider.value, 5, 100, e.seed_slider.value)
    np.testing.assert_allclose(e.result.ms, ms, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.result.bs, bs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.result.losses[-1], ref_mse(e.x, e.y, ms[-1], bs[-1]), rtol=1e-12)
    # the full-batch curve is gradient descent on all the points
    full = lc.gradient_descent(e.x, e.y, e.lr_slider.value, 5, warn=False)
    np.testing.assert_allclose(e.full.losses, full.losses, rtol=1e-11)
    e.batch_buttons.value = e.x.size  # full batch: every epoch fits, no note
    assert e.epochs_run == 20 and "Showing" not in e.readout.value
