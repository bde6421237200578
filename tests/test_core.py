"""Unit tests of linreg_core, checked against independent references.

Every expected value here comes from somewhere other than the code under
test: a hand computation (written out in a comment), exact rational
arithmetic with ``fractions.Fraction``, finite differences written in this
file, ``np.polyfit`` / ``np.linalg.lstsq`` / ``np.corrcoef``, or a plain
Python reference loop. Random data always comes from a seeded generator, so
every run checks the same cases.

Some tests pin defects found while writing them (zero-byte CSV, line numbers
after blank lines, constant y whose mean is not exact); they are fixed.
"""

import math
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import linreg_core as lc
import linreg_minibatch as lm
import linreg_validation as lv

# --------------------------------------------------------------------------
# Independent helpers (plain Python / Fraction; none of them calls the core)
# --------------------------------------------------------------------------


def py_mse(x, y, m, b):
    """MSE in plain Python floats."""
    return sum((yi - (m * xi + b)) ** 2 for xi, yi in zip(x, y)) / len(x)


def fd_gradients(x, y, m, b, h=1e-3):
    """Central finite differences of ``py_mse``, written independently of the core.

    The loss is a quadratic, so central differences have no truncation error;
    a largish ``h`` keeps the rounding error (about eps * L / h) small.
    """
    dm = (py_mse(x, y, m + h, b) - py_mse(x, y, m - h, b)) / (2 * h)
    db = (py_mse(x, y, m, b + h) - py_mse(x, y, m, b - h)) / (2 * h)
    return dm, db


def exact_gradients(x, y, m, b):
    """The gradient in exact rational arithmetic on the float inputs."""
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    m, b, n = Fraction(m), Fraction(b), len(xs)
    res = [yi - (m * xi + b) for xi, yi in zip(xs, ys)]
    dm = -2 * sum(xi * r for xi, r in zip(xs, res)) / n
    db = -2 * sum(res) / n
    return dm, db


def exact_least_squares(x, y):
    """Least-squares slope and intercept of the float data, computed exactly."""
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    n = len(xs)
    x_bar, y_bar = sum(xs) / n, sum(ys) / n
    sxy = sum((xi - x_bar) * (yi - y_bar) for xi, yi in zip(xs, ys))
    sxx = sum((xi - x_bar) ** 2 for xi in xs)
    m = sxy / sxx
    return m, y_bar - m * x_bar


def fd_hessian(x, h=1.0):
    """Hessian of the MSE by second finite differences of ``py_mse`` at (0, 0).

    Exact up to rounding for a quadratic; y is irrelevant, so use y = 0.
    """
    y = [0.0] * len(x)
    L = lambda m, b: py_mse(x, y, m, b)  # noqa: E731
    hmm = (L(h, 0) - 2 * L(0, 0) + L(-h, 0)) / h**2
    hbb = (L(0, h) - 2 * L(0, 0) + L(0, -h)) / h**2
    hmb = (L(h, h) - L(h, -h) - L(-h, h) + L(-h, -h)) / (4 * h**2)
    return hmm, hmb, hbb


def max_eigenvalue_2x2(a, c, d):
    """Largest eigenvalue of the symmetric matrix [[a, c], [c, d]], by formula."""
    return (a + d) / 2 + math.sqrt(((a - d) / 2) ** 2 + c * c)


def independent_stable_lr(x):
    """2 / lambda_max of a Hessian built from plain sums (no core, no numpy.linalg)."""
    n = len(x)
    sxx = sum(v * v for v in x) / n
    sx = sum(x) / n
    return 2 / max_eigenvalue_2x2(2 * sxx, 2 * sx, 2.0)


def reference_gd(x, y, lr, epochs, m, b):
    """Straightforward gradient descent in plain Python, histories included."""
    n = len(x)
    ms, bs, losses = [m], [b], [py_mse(x, y, m, b)]
    for _ in range(epochs):
        res = [yi - (m * xi + b) for xi, yi in zip(x, y)]
        dm = -2 / n * sum(xi * r for xi, r in zip(x, res))
        db = -2 / n * sum(res)
        m, b = m - lr * dm, b - lr * db
        ms.append(m)
        bs.append(b)
        losses.append(py_mse(x, y, m, b))
    return ms, bs, losses


def random_dataset(rng, low=-3.0, high=3.0, n_min=5, n_max=60, noise=1.0):
    """A noisy straight line with x uniform on [low, high]."""
    n = int(rng.integers(n_min, n_max + 1))
    x = rng.uniform(low, high, n)
    y = rng.uniform(-5, 5) * x + rng.uniform(-10, 10) + rng.normal(0, noise, n)
    return x, y


def record_warnings(func, *args, **kwargs):
    """Call ``func`` and return (result, list of every warning it emitted)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    return result, caught


# Tiny data used for hand computations throughout.
X3 = [1.0, 2.0, 3.0]
Y3 = [2.0, 3.0, 5.0]


# --------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------


def test_predict_hand_computed():
    """predict([1,2,3], m=1, b=0.5) = [1.5, 2.5, 3.5] (by hand: 1*x + 0.5)."""
    y_pred = lc.predict(X3, 1.0, 0.5)
    assert isinstance(y_pred, np.ndarray) and y_pred.shape == (3,)
    assert y_pred.tolist() == [1.5, 2.5, 3.5]


@pytest.mark.parametrize("x", [2, 2.0, np.float64(2.0), np.array(2.0)])
def test_predict_scalar_returns_float(x):
    """A scalar x gives a plain Python float: 3 * 2 - 1 = 5."""
    y_pred = lc.predict(x, 3, -1)
    assert type(y_pred) is float
    assert y_pred == 5.0


def test_predict_keeps_shape_of_vector_input():
    """One prediction per input value, in order."""
    x = np.arange(10.0)
    assert lc.predict(x, -2.0, 7.0).tolist() == [-2.0 * v + 7.0 for v in x]


# --------------------------------------------------------------------------
# mse
# --------------------------------------------------------------------------


def test_mse_hand_computed():
    """Residuals y - y_pred = [0.5, 0.5, 1.5]; (0.25 + 0.25 + 2.25) / 3 = 11/12."""
    assert lc.mse(Y3, [1.5, 2.5, 3.5]) == pytest.approx(11 / 12, rel=1e-15)


def test_mse_zero_for_perfect_prediction():
    """No error, no loss."""
    assert lc.mse([1.0, -2.0, 3.5], [1.0, -2.0, 3.5]) == 0.0


def test_mse_matches_exact_fraction_on_random_data():
    """mse equals the exact rational mean of squares (to rounding)."""
    rng = np.random.default_rng(1)
    for _ in range(20):
        a, p = rng.normal(0, 10, 30), rng.normal(0, 10, 30)
        exact = sum((Fraction(u) - Fraction(v)) ** 2 for u, v in zip(a, p)) / len(a)
        assert lc.mse(a, p) == pytest.approx(float(exact), rel=1e-13)


def test_mse_returns_python_float():
    """The loss is a plain float, easy to print and compare."""
    assert type(lc.mse([1, 2], [1, 3])) is float


# --------------------------------------------------------------------------
# r_squared
# --------------------------------------------------------------------------


def test_r_squared_hand_computed():
    """y = [2,3,5]: ybar = 10/3, SStot = 16/9 + 1/9 + 25/9 = 14/3; SSres = 11/4 → R² = 1 - 33/56 = 23/56."""
    assert lc.r_squared(Y3, [1.5, 2.5, 3.5]) == pytest.approx(23 / 56, rel=1e-14)


def test_r_squared_special_values():
    """Perfect fit gives 1; predicting the mean gives 0; a worse fit is negative."""
    y = [1.0, 2.0, 3.0, 6.0]  # mean 3
    assert lc.r_squared(y, y) == 1.0
    assert lc.r_squared(y, [3.0] * 4) == 0.0
    # SStot = 4 + 1 + 0 + 9 = 14; predicting y reversed: SSres = 25 + 1 + 1 + 25 = 52.
    assert lc.r_squared(y, y[::-1]) == pytest.approx(1 - 52 / 14, rel=1e-14)


def test_r_squared_equals_plain_python_definition():
    """1 - SSres/SStot computed on Python lists, for random predictions."""
    rng = np.random.default_rng(2)
    for _ in range(20):
        y = rng.normal(0, 3, 25).tolist()
        p = rng.normal(0, 3, 25).tolist()
        y_bar = sum(y) / len(y)
        ss_res = sum((a - b) ** 2 for a, b in zip(y, p))
        ss_tot = sum((a - y_bar) ** 2 for a in y)
        assert lc.r_squared(y, p) == pytest.approx(1 - ss_res / ss_tot, rel=1e-12, abs=1e-12)


def test_r_squared_at_least_squares_line_is_squared_correlation():
    """For the least-squares line (np.polyfit), R² = corrcoef(x, y)²."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        x, y = random_dataset(rng, noise=3.0)
        m, b = np.polyfit(x, y, 1)
        expected = np.corrcoef(x, y)[0, 1] ** 2
        assert lc.r_squared(y, m * x + b) == pytest.approx(expected, rel=1e-10)


# --------------------------------------------------------------------------
# gradients and numerical_gradients
# --------------------------------------------------------------------------


def test_gradients_hand_computed():
    """x=[1,2,3], y=[2,3,5], m=1, b=0.5: residuals [0.5,0.5,1.5];
    dm = -(2/3)(1*0.5 + 2*0.5 + 3*1.5) = -(2/3)*6 = -4; db = -(2/3)*2.5 = -5/3."""
    dm, db = lc.gradients(X3, Y3, 1.0, 0.5)
    assert dm == pytest.approx(-4.0, rel=1e-15)
    assert db == pytest.approx(-5 / 3, rel=1e-15)


def test_gradients_zero_at_hand_computed_minimum():
    """x=[1,2,3], y=[2,3,5]: Sxy = 3, Sxx = 2 → m = 1.5, b = 10/3 - 3 = 1/3, where the gradient vanishes."""
    dm, db = lc.gradients(X3, Y3, 1.5, 1 / 3)
    assert abs(dm) < 1e-14 and abs(db) < 1e-14


def test_gradients_match_exact_fractions():
    """The analytic gradient equals the exact rational gradient on random data."""
    rng = np.random.default_rng(4)
    for _ in range(20):
        x, y = random_dataset(rng, low=-50, high=50)
        m, b = rng.normal(0, 3, 2)
        dm, db = lc.gradients(x, y, m, b)
        edm, edb = exact_gradients(x, y, m, b)
        scale = float(2 * sum(abs(Fraction(v)) for v in x) / len(x)) * (abs(m) * 50 + abs(b) + 200)
        assert abs(Fraction(dm) - edm) <= 1e-13 * scale
        assert abs(Fraction(db) - edb) <= 1e-13 * scale


def test_gradients_match_own_finite_differences():
    """gradients agrees with central differences of a loss written in this file."""
    rng = np.random.default_rng(5)
    for _ in range(30):
        x, y = random_dataset(rng)
        m, b = rng.normal(0, 5, 2)
        dm, db = lc.gradients(x, y, m, b)
        fdm, fdb = fd_gradients(x.tolist(), y.tolist(), m, b)
        assert dm == pytest.approx(fdm, rel=1e-7, abs=1e-8)
        assert db == pytest.approx(fdb, rel=1e-7, abs=1e-8)


def test_gradients_match_core_numerical_gradients():
    """gradients agrees with the core's own finite-difference helper."""
    rng = np.random.default_rng(6)
    for _ in range(30):
        x, y = random_dataset(rng, low=0, high=100)
        m, b = rng.normal(0, 2, 2)
        dm, db = lc.gradients(x, y, m, b)
        ndm, ndb = lc.numerical_gradients(x, y, m, b)
        assert dm == pytest.approx(ndm, rel=1e-6, abs=1e-6)
        assert db == pytest.approx(ndb, rel=1e-6, abs=1e-6)


def test_numerical_gradients_match_own_finite_differences():
    """The core's finite differences agree with the ones written here (hand example too)."""
    ndm, ndb = lc.numerical_gradients(X3, Y3, 1.0, 0.5)
    assert ndm == pytest.approx(-4.0, rel=1e-8)
    assert ndb == pytest.approx(-5 / 3, rel=1e-8)


def test_finite_difference_check_detects_a_wrong_factor():
    """The check has power: db with -1/n instead of -2/n is caught by finite differences."""
    rng = np.random.default_rng(7)
    x, y = random_dataset(rng)
    m, b = 0.3, -1.2
    res = y - (m * x + b)
    wrong_db = -1 * np.mean(res)  # the classic slip: forgot the 2 of the square's derivative
    _, fdb = fd_gradients(x.tolist(), y.tolist(), m, b)
    _, db = lc.gradients(x, y, m, b)
    assert abs(fdb) > 1.0  # far from the minimum, so a factor 2 is visible
    assert db == pytest.approx(fdb, rel=1e-7)
    assert wrong_db != pytest.approx(fdb, rel=1e-7)
    assert wrong_db == pytest.approx(fdb / 2, rel=1e-7)


# --------------------------------------------------------------------------
# step
# --------------------------------------------------------------------------


def test_step_hand_computed():
    """From (1, 0.5) with lr = 0.1 and gradient (-4, -5/3): (1.4, 0.5 + 1/6)."""
    m, b = lc.step(X3, Y3, 1.0, 0.5, 0.1)
    assert m == pytest.approx(1.4, rel=1e-15)
    assert b == pytest.approx(0.5 + 1 / 6, rel=1e-15)


def test_step_is_m_minus_lr_times_gradient():
    """step(...) == (m - lr*dm, b - lr*db) with dm, db from finite differences."""
    rng = np.random.default_rng(8)
    for _ in range(20):
        x, y = random_dataset(rng)
        m, b = rng.normal(0, 3, 2)
        lr = 10 ** rng.uniform(-4, 0)
        fdm, fdb = fd_gradients(x.tolist(), y.tolist(), m, b)
        new_m, new_b = lc.step(x, y, m, b, lr)
        assert type(new_m) is float and type(new_b) is float
        assert new_m == pytest.approx(m - lr * fdm, rel=1e-9, abs=1e-9)
        assert new_b == pytest.approx(b - lr * fdb, rel=1e-9, abs=1e-9)
        dm, db = lc.gradients(x, y, m, b)
        assert (new_m, new_b) == (m - lr * dm, b - lr * db)


# --------------------------------------------------------------------------
# gradient_descent
# --------------------------------------------------------------------------


def test_gradient_descent_history_bookkeeping():
    """Histories have epochs+1 entries, start at (m0, b0), end at (m, b), losses match mse."""
    rng = np.random.default_rng(9)
    x, y = random_dataset(rng)
    epochs = 37
    r = lc.gradient_descent(x, y, lr=0.05, epochs=epochs, m0=0.7, b0=-2.0)
    assert not r.diverged
    assert len(r.ms) == len(r.bs) == len(r.losses) == epochs + 1
    assert r.ms[0] == 0.7 and r.bs[0] == -2.0
    assert r.m == r.ms[-1] and r.b == r.bs[-1]
    assert type(r.m) is float and type(r.b) is float
    for k in range(epochs + 1):
        assert r.losses[k] == pytest.approx(lc.mse(y, lc.predict(x, r.ms[k], r.bs[k])), rel=1e-12)
        assert r.losses[k] == pytest.approx(py_mse(x, y, r.ms[k], r.bs[k]), rel=1e-12)


def test_gradient_descent_does_not_modify_inputs():
    """Training leaves the caller's arrays untouched."""
    x, y = np.linspace(-1, 1, 9), np.linspace(3, 5, 9) ** 2
    x0, y0 = x.copy(), y.copy()
    lc.gradient_descent(x, y, 0.1, 20)
    assert np.array_equal(x, x0) and np.array_equal(y, y0)


@pytest.mark.parametrize(
    "low, high, lr_factor, epochs",
    [
        (-3, 3, 0.5, 60),
        (-3, 3, 0.95, 60),
        (0, 100, 0.9, 300),  # badly conditioned, the classic setting
    ],
)
def test_gradient_descent_matches_reference_loop(low, high, lr_factor, epochs):
    """Same histories as a plain Python gradient-descent loop, to 1e-12 relative."""
    rng = np.random.default_rng(10)
    for _ in range(5):
        x, y = random_dataset(rng, low=low, high=high, noise=2.0)
        lr = lr_factor * independent_stable_lr(x.tolist())
        r = lc.gradient_descent(x, y, lr, epochs, m0=0.5, b0=-0.5)
        ms, bs, losses = reference_gd(x.tolist(), y.tolist(), lr, epochs, 0.5, -0.5)
        np.testing.assert_allclose(r.ms, ms, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(r.bs, bs, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(r.losses, losses, rtol=1e-12)
        assert (r.m, r.b) == (r.ms[-1], r.bs[-1])


@pytest.mark.parametrize("lr_factor", [0.01, 0.3, 0.9, 0.99])
def test_gradient_descent_loss_never_increases_below_bound(lr_factor):
    """For lr < 2/lambda_max every eigen-component shrinks, so the loss cannot go up."""
    rng = np.random.default_rng(11)
    for low, high in [(-3, 3), (0, 100), (1990, 2020)]:
        for _ in range(4):
            x, y = random_dataset(rng, low=low, high=high, noise=2.0)
            lr = lr_factor * independent_stable_lr(x.tolist())
            r, caught = record_warnings(lc.gradient_descent, x, y, lr, 400)
            assert not r.diverged and caught == []
            increases = np.diff(r.losses) - 1e-12 * r.losses[1:]
            assert np.all(increases <= 0), f"loss went up at epoch {np.argmax(increases) + 1}"


def test_gradient_descent_converges_to_closed_form_on_many_datasets():
    """Property test, 40 seeded random datasets, x in [-3, 3]: GD at 0.9 × bound → exact least squares.

    The number of epochs comes from the contraction rate max|1 - lr*lambda|
    of the Hessian built here, so slow (badly conditioned) cases still get
    enough steps to reach 1e-8.
    """
    rng = np.random.default_rng(12)
    for _ in range(40):
        x, y = random_dataset(rng)
        xs = x.tolist()
        n = len(xs)
        a, c, d = 2 * sum(v * v for v in xs) / n, 2 * sum(xs) / n, 2.0
        lam_max = max_eigenvalue_2x2(a, c, d)
        lam_min = (a + d) - lam_max
        lr = 0.9 * 2 / lam_max
        rate = max(abs(1 - lr * lam_min), abs(1 - lr * lam_max))
        epochs = math.ceil(math.log(1e-13) / math.log(rate))
        assert epochs < 5000  # the data really is well conditioned
        r = lc.gradient_descent(x, y, lr, epochs)
        em, eb = exact_least_squares(x, y)
        assert not r.diverged
        assert r.m == pytest.approx(float(em), rel=1e-8, abs=1e-8)
        assert r.b == pytest.approx(float(eb), rel=1e-8, abs=1e-8)


def test_gradient_descent_fixed_point_at_exact_fit():
    """Starting on a perfect line, the gradient is exactly zero and nothing moves."""
    x = [0.0, 1.0, 2.0, 3.0]
    y = [1.0, 3.0, 5.0, 7.0]  # y = 2x + 1 exactly
    r = lc.gradient_descent(x, y, 0.1, 10, m0=2.0, b0=1.0)
    assert not r.diverged
    assert set(r.ms) == {2.0} and set(r.bs) == {1.0} and set(r.losses) == {0.0}


# --------------------------------------------------------------------------
# Divergence
# --------------------------------------------------------------------------


def _check_diverged_result(r, epochs):
    """Shared checks on a diverged TrainingResult."""
    assert r.diverged is True
    assert len(r.ms) == len(r.bs) == len(r.losses) <= epochs + 1
    assert len(r.losses) >= 1
    for history in (r.ms, r.bs, r.losses):
        assert np.all(np.isfinite(history))
    assert (r.m, r.b) == (r.ms[-1], r.bs[-1])  # the last finite point is returned
    assert np.isfinite(r.m) and np.isfinite(r.b)


@pytest.mark.parametrize("low, high", [(-3, 3), (0, 100)])
@pytest.mark.parametrize(
    "lr_of_bound",
    [
        lambda bound: 1.1 * bound,
        lambda bound: 10 * bound,
        lambda bound: 1e75,
    ],
    ids=["1.1x", "10x", "1e75 (the largest number accepted)"],
)
def test_gradient_descent_divergence_warns_once_and_stops(low, high, lr_of_bound):
    """Too large lr: diverged=True, one DivergenceWarning naming lr and the bound, finite history, no
    overflow warning.
    """
    rng = np.random.default_rng(13)
    x, y = random_dataset(rng, low=low, high=high, n_min=30, n_max=30)
    bound = independent_stable_lr(x.tolist())
    lr = lr_of_bound(bound)
    epochs = 1000
    r, caught = record_warnings(lc.gradient_descent, x, y, lr, epochs)
    _check_diverged_result(r, epochs)
    assert len(r.losses) < epochs + 1  # it stopped early
    assert [w.category for w in caught] == [lc.DivergenceWarning]
    message = str(caught[0].message)
    assert f"lr={lr:g}" in message
    assert f"{bound:.3g}" in message
    assert caught[0].filename == __file__  # stacklevel points at the caller's line


def test_gradient_descent_divergence_no_numpy_floating_point_warnings_even_if_raise():
    """Even with np.errstate(all='raise') the guard contains the overflow (it sets its own errstate)."""
    x, y = np.linspace(0, 100, 50), np.linspace(0, 100, 50) + 3
    with np.errstate(all="raise"):
        r, caught = record_warnings(lc.gradient_descent, x, y, 1e75, 50)
    _check_diverged_result(r, 50)
    assert [w.category for w in caught] == [lc.DivergenceWarning]


@pytest.mark.parametrize("low, high", [(-3, 3), (0, 100), (1990, 2020)])
def test_just_below_bound_converges_just_above_diverges(low, high):
    """0.99 × bound: no divergence, no warning; 1.01 × bound (enough epochs): diverged."""
    rng = np.random.default_rng(14)
    x, y = random_dataset(rng, low=low, high=high, n_min=40, n_max=40)
    bound = independent_stable_lr(x.tolist())
    r, caught = record_warnings(lc.gradient_descent, x, y, 0.99 * bound, 3000)
    assert not r.diverged and caught == []
    assert len(r.losses) == 3001 and np.all(np.isfinite(r.losses))
    r, caught = record_warnings(lc.gradient_descent, x, y, 1.01 * bound, 3000)
    _check_diverged_result(r, 3000)
    assert [w.category for w in caught] == [lc.DivergenceWarning]


def test_fit_with_too_large_lr_raises_divergence_error_without_warning():
    """LinearRegression.fit turns divergence into a DivergenceError naming the bound; no warning."""
    rng = np.random.default_rng(15)
    x, y = random_dataset(rng, low=0, high=100)
    bound = independent_stable_lr(x.tolist())
    model = lc.LinearRegression(lr=3 * bound, epochs=500)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(lc.DivergenceError, match="diverged") as excinfo:
            model.fit(x, y)
    assert caught == []
    assert f"{bound:.3g}" in str(excinfo.value)
    assert f"lr={3 * bound:g}" in str(excinfo.value)
    # The failed fit leaves the model untrained.
    with pytest.raises(lc.NotFittedError):
        model.predict([1.0])


# --------------------------------------------------------------------------
# hessian and stable_learning_rate
# --------------------------------------------------------------------------


def test_hessian_matches_second_finite_differences():
    """hessian(x) equals second differences of a loss written here (y does not matter)."""
    rng = np.random.default_rng(16)
    for low, high in [(-3, 3), (0, 100)]:
        x = rng.uniform(low, high, 25)
        hmm, hmb, hbb = fd_hessian(x.tolist())
        np.testing.assert_allclose(lc.hessian(x), [[hmm, hmb], [hmb, hbb]], rtol=1e-9)


def test_stable_learning_rate_hand_computed():
    """x = [0,1,2]: H/2 = [[5/3, 1], [1, 1]], eigenvalues (4 ± sqrt 10)/3, so bound = 3/(4+sqrt 10) =
    (4 - sqrt 10)/2.
    """
    assert lc.stable_learning_rate([0.0, 1.0, 2.0]) == pytest.approx((4 - math.sqrt(10)) / 2, rel=1e-14)


def test_stable_learning_rate_is_two_over_max_eigenvalue_of_finite_difference_hessian():
    """2/lambda_max, with the Hessian from second differences and the eigenvalue by formula."""
    rng = np.random.default_rng(17)
    for low, high in [(-3, 3), (0, 1), (0, 100), (1990, 2020)]:
        for _ in range(5):
            x = rng.uniform(low, high, int(rng.integers(2, 50)))
            hmm, hmb, hbb = fd_hessian(x.tolist(), h=1.0 / max(1.0, high))
            expected = 2 / max_eigenvalue_2x2(hmm, hmb, hbb)
            assert lc.stable_learning_rate(x) == pytest.approx(expected, rel=1e-8)
            assert lc.stable_learning_rate(x) == pytest.approx(independent_stable_lr(x.tolist()), rel=1e-12)


def test_stable_learning_rate_classic_scale_explains_lr_1e_4():
    """x spread over 0..100: mean(x²) ≈ 3333, lambda_max ≈ 6670, bound ≈ 3e-4 — so lr = 1e-4 is safe,
    1e-3 is not.
    """
    rng = np.random.default_rng(18)
    for x in (np.linspace(0, 100, 200), rng.uniform(0, 100, 200)):
        bound = lc.stable_learning_rate(x)
        assert 1e-4 < bound < 1e-3
        assert bound == pytest.approx(independent_stable_lr(x.tolist()), rel=1e-12)


def test_stable_learning_rate_is_one_for_standardised_x():
    """Standardised x has mean 0 and mean(x²) = 1, so H = 2I, lambda_max = 2 and the bound is 2/2 = 1."""
    rng = np.random.default_rng(19)
    for _ in range(10):
        x = rng.uniform(0, 100, 50)
        z = (x - x.mean()) / x.std()
        assert lc.stable_learning_rate(z) == pytest.approx(1.0, rel=1e-12)


# --------------------------------------------------------------------------
# closed_form
# --------------------------------------------------------------------------


def test_closed_form_hand_computed():
    """x=[1,2,3], y=[2,3,5]: xbar=2, ybar=10/3, Sxy=3, Sxx=2 → m=3/2, b=10/3-3=1/3."""
    m, b = lc.closed_form(X3, Y3)
    assert m == pytest.approx(1.5, rel=1e-15)
    assert b == pytest.approx(1 / 3, rel=1e-14)


def test_closed_form_recovers_exact_line():
    """Noise-free data y = -0.5x + 4 gives exactly that line back."""
    x = np.arange(-5.0, 6.0)
    assert lc.closed_form(x, -0.5 * x + 4) == (pytest.approx(-0.5, rel=1e-15), pytest.approx(4.0, rel=1e-15))


def test_closed_form_matches_polyfit_and_lstsq():
    """Agrees with np.polyfit and with np.linalg.lstsq on the design matrix [x, 1]."""
    rng = np.random.default_rng(20)
    for low, high in [(-3, 3), (0, 100), (-1000, 50)]:
        for _ in range(10):
            x, y = random_dataset(rng, low=low, high=high, noise=5.0)
            m, b = lc.closed_form(x, y)
            pm, pb = np.polyfit(x, y, 1)
            (lm, lb), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
            scale = abs(m) * max(abs(low), abs(high))  # size of m*x, the scale b is computed at
            assert m == pytest.approx(pm, rel=1e-9) and m == pytest.approx(lm, rel=1e-9)
            assert b == pytest.approx(pb, rel=1e-9, abs=1e-12 * scale)
            assert b == pytest.approx(lb, rel=1e-9, abs=1e-12 * scale)


def test_closed_form_gradient_vanishes_there():
    """First-order optimality: the gradient at closed_form's answer is zero (to rounding)."""
    rng = np.random.default_rng(21)
    for _ in range(20):
        x, y = random_dataset(rng, low=-10, high=10, noise=3.0)
        m, b = lc.closed_form(x, y)
        edm, edb = exact_gradients(x, y, m, b)
        scale = float(np.mean(x * x)) * (abs(m) + abs(b) + float(np.max(np.abs(y))))
        assert abs(float(edm)) < 1e-12 * scale and abs(float(edb)) < 1e-12 * scale


ILL_CONDITIONED = {
    "years + 1e6": np.arange(1990.0, 2021.0) + 1e6,
    "1e8 + 0..30": 1e8 + np.arange(31.0),
    "1e8 + uniform(0, 1)": 1e8 + np.random.default_rng(22).uniform(0, 1, 30),
}


def _naive_uncentred(x, y):
    """The textbook one-pass formula (sum(xy) - n x̄ȳ) / (sum(x²) - n x̄²), without centring."""
    n, x_bar, y_bar = len(x), np.mean(x), np.mean(y)
    m = (np.sum(x * y) - n * x_bar * y_bar) / (np.sum(x * x) - n * x_bar**2)
    return m, y_bar - m * x_bar


@pytest.mark.parametrize("name", list(ILL_CONDITIONED))
def test_closed_form_exact_on_ill_conditioned_data(name):
    """Far-from-zero x (years, 1e8 + small spread): within 1e-12 of exact Fraction arithmetic on the
    same floats.
    """
    x = ILL_CONDITIONED[name]
    rng = np.random.default_rng(23)
    y = 2.5 * (x - x.mean()) + 3 + rng.normal(0, 1, x.size)
    em, eb = exact_least_squares(x, y)
    m, b = lc.closed_form(x, y)
    assert abs(Fraction(m) - em) <= 1e-12 * abs(em)
    assert abs(Fraction(b) - eb) <= 1e-12 * abs(eb)
    # A line with a small intercept: b = ybar - m x̄ cancels, so the fair yardstick
    # is eps * |m x̄| (the rounding of m x̄ itself).
    y2 = 2.0 * x + 3 + rng.normal(0, 1, x.size)
    em, eb = exact_least_squares(x, y2)
    m, b = lc.closed_form(x, y2)
    assert abs(Fraction(m) - em) <= 1e-12 * abs(em)
    assert abs(Fraction(b) - eb) <= 8 * np.finfo(float).eps * abs(float(em) * float(x.mean()))


def test_centring_matters_naive_formula_is_far_worse():
    """Documenting why closed_form centres: on x = 1e8 + small spread the uncentred formula loses most digits.

    Measured (seeded): closed_form is within ~1e-16 of the exact slope while the
    naive formula is off by ~2 % (x = 1e8 + 0..30) and, for 1e8 + uniform(0,1),
    its denominator sum(x²) - n x̄² cancels to exactly 0 (or, with other seeds,
    leaves an error of ~100 %).
    """
    rng = np.random.default_rng(23)
    for name in ["1e8 + 0..30", "1e8 + uniform(0, 1)"]:
        x = ILL_CONDITIONED[name]
        y = 2.5 * (x - x.mean()) + 3 + rng.normal(0, 1, x.size)
        em, _ = exact_least_squares(x, y)
        core_err = float(abs(Fraction(lc.closed_form(x, y)[0]) - em) / abs(em))
        with np.errstate(divide="ignore", invalid="ignore"):
            naive_m = float(_naive_uncentred(x, y)[0])
        # For 1e8 + uniform(0, 1) the naive denominator even rounds to exactly 0 (slope inf).
        naive_err = float(abs(Fraction(naive_m) - em) / abs(em)) if math.isfinite(naive_m) else math.inf
        assert core_err < 1e-14
        assert naive_err > 1e-3
        assert naive_err > 1e10 * max(core_err, 1e-17)


# --------------------------------------------------------------------------
# loss_surface
# --------------------------------------------------------------------------


def test_loss_surface_shape_rows_are_b():
    """Shape (len(b_values), len(m_values)); row i is b_values[i] (hand check of one entry)."""
    Z = lc.loss_surface(X3, Y3, [0.0, 1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 2.0])
    assert Z.shape == (3, 5)
    # Z[1, 1] is m = 1, b = 0.5: the hand-computed MSE 11/12 from test_mse_hand_computed.
    assert Z[1, 1] == pytest.approx(11 / 12, rel=1e-12)


@pytest.mark.parametrize("low, high", [(-3, 3), (0, 100), (1990, 2020)])
def test_loss_surface_equals_double_loop(low, high):
    """Every grid value equals mse(y, predict(x, m, b)) and py_mse from a plain double loop."""
    rng = np.random.default_rng(24)
    x, y = random_dataset(rng, low=low, high=high, noise=3.0)
    m_star, b_star = np.polyfit(x, y, 1)
    m_values = m_star + np.linspace(-3, 3, 13)
    b_values = b_star + np.linspace(-20, 20, 11)
    Z = lc.loss_surface(x, y, m_values, b_values)
    atol = 1e-12 * np.var(y)
    for i, b in enumerate(b_values):
        for j, m in enumerate(m_values):
            assert Z[i, j] == pytest.approx(lc.mse(y, lc.predict(x, m, b)), rel=1e-9, abs=atol)
            assert Z[i, j] == pytest.approx(py_mse(x.tolist(), y.tolist(), m, b), rel=1e-9, abs=atol)


@pytest.mark.slow
def test_loss_surface_minimum_next_to_closed_form():
    """With centred x the bowl is separable, so the grid minimum is the grid point nearest the exact
    minimum.
    """
    rng = np.random.default_rng(25)
    for _ in range(5):
        x, y = random_dataset(rng, noise=2.0)
        x = x - x.mean()
        m_values = np.linspace(-6, 6, 241)  # spacing 0.05
        b_values = np.linspace(-15, 15, 301)  # spacing 0.1
        Z = lc.loss_surface(x, y, m_values, b_values)
        i, j = np.unravel_index(np.argmin(Z), Z.shape)
        em, eb = exact_least_squares(x, y)
        assert abs(m_values[j] - float(em)) <= 0.025 + 1e-9
        assert abs(b_values[i] - float(eb)) <= 0.05 + 1e-9


def test_loss_surface_never_negative_on_perfect_fit():
    """Perfect-fit data: the surface is >= 0 everywhere and ~0 at the true line (cancellation must not
    go below 0).
    """
    for x in (np.linspace(-3, 3, 7), np.linspace(0, 100, 101) / 7, np.linspace(0.1, 0.9, 9)):
        y = 0.3 * x + 0.1
        m_values = 0.3 + np.linspace(-1e-6, 1e-6, 201)
        b_values = np.array([0.1 - 1e-9, 0.1, 0.1 + 1e-9])
        Z = lc.loss_surface(x, y, m_values, b_values)
        assert np.all(Z >= 0)
        # At the exact line the residuals are 0 or rounding errors of m x + b,
        # so their mean square is of order eps² * mean(y²), far below eps * var(y).
        assert Z[1, 100] <= 1e-14 * np.var(y)


# --------------------------------------------------------------------------
# LinearRegression
# --------------------------------------------------------------------------


def test_linear_regression_fit_returns_self_and_matches_gradient_descent():
    """fit() returns the model; m, b and history are those of gradient_descent with the same lr/epochs."""
    rng = np.random.default_rng(26)
    x, y = random_dataset(rng)
    model = lc.LinearRegression(lr=0.05, epochs=200)
    assert model.fit(x, y, m0=1.0, b0=-1.0) is model
    r = lc.gradient_descent(x, y, 0.05, 200, m0=1.0, b0=-1.0)
    assert (model.m, model.b) == (r.m, r.b)
    for name in ("ms", "bs", "losses"):
        assert np.array_equal(getattr(model.history, name), getattr(r, name))
    assert model.history.diverged is False
    # And the same as the independent reference loop.
    ms, bs, _ = reference_gd(x.tolist(), y.tolist(), 0.05, 200, 1.0, -1.0)
    assert model.m == pytest.approx(ms[-1], rel=1e-12) and model.b == pytest.approx(bs[-1], rel=1e-12)


def test_linear_regression_predict_uses_fitted_line():
    """After fitting y = 2x + 1 exactly, predict gives 2x + 1 (scalar → float)."""
    model = lc.LinearRegression(lr=0.1, epochs=2000).fit([0, 1, 2], [1, 3, 5])
    assert model.predict(10) == pytest.approx(21.0, rel=1e-10)
    assert type(model.predict(10)) is float
    np.testing.assert_allclose(model.predict([0, -1]), [1.0, -1.0], rtol=1e-10, atol=1e-10)


def test_linear_regression_predict_before_fit():
    """Predicting with an untrained model raises NotFittedError that says to call fit."""
    with pytest.raises(lc.NotFittedError, match=r"\.fit\(x, y\)"):
        lc.LinearRegression().predict([1.0, 2.0])


def test_linear_regression_repr():
    """repr shows lr and epochs, and m, b once fitted (here m=2, b=1 after 500 epochs at lr 0.1)."""
    model = lc.LinearRegression(lr=0.1, epochs=500)
    assert repr(model) == "LinearRegression(lr=0.1, epochs=500)"
    model.fit([0, 1, 2], [1, 3, 5])
    # Noise-free y = 2x + 1: the error shrinks by a factor ≤ 0.83 per epoch, so
    # after 500 epochs m and b agree with 2 and 1 far beyond 6 significant digits.
    assert repr(model) == "LinearRegression(lr=0.1, epochs=500, m=2, b=1)"


def test_linear_regression_default_hyperparameters():
    """The defaults are the classic lr = 1e-4 and 1000 epochs."""
    model = lc.LinearRegression()
    assert (model.lr, model.epochs) == (1e-4, 1000)


def test_module_docstring_examples():
    """The examples in the core's docstrings run and print what they claim."""
    import doctest

    failures, _ = doctest.testmod(lc, verbose=False)
    assert failures == 0


# --------------------------------------------------------------------------
# Bad input: every error comes from the core, says what was wrong
# --------------------------------------------------------------------------

# Each entry: the call, and the names the core uses for its two data arguments.
XY_FUNCTIONS = {
    "mse": (lambda a, c: lc.mse(a, c), ("y_true", "y_pred")),
    "r_squared": (lambda a, c: lc.r_squared(a, c), ("y_true", "y_pred")),
    "gradients": (lambda a, c: lc.gradients(a, c, 1.0, 0.0), ("x", "y")),
    "numerical_gradients": (lambda a, c: lc.numerical_gradients(a, c, 1.0, 0.0), ("x", "y")),
    "step": (lambda a, c: lc.step(a, c, 1.0, 0.0, 0.01), ("x", "y")),
    "gradient_descent": (lambda a, c: lc.gradient_descent(a, c, 0.01, 5), ("x", "y")),
    "closed_form": (lambda a, c: lc.closed_form(a, c), ("x", "y")),
    "loss_surface": (lambda a, c: lc.loss_surface(a, c, [0.0, 1.0], [0.0, 1.0]), ("x", "y")),
    "LinearRegression.fit": (lambda a, c: lc.LinearRegression(0.01, 5).fit(a, c), ("x", "y")),
}

# Each entry: first argument, second argument, exception type, message pattern
# where {0} / {1} stand for the names of the first / second argument.
BAD_XY = {
    "length mismatch": (
        [1, 2, 3],
        [1, 2],
        ValueError,
        r"{0} and {1} must have the same length.*{0} has 3 values and {1} has 2",
    ),
    "NaN in first": (
        [1, float("nan"), 3],
        [1, 2, 3],
        ValueError,
        r"^{0} contains 1 NaN or infinite.*index 1",
    ),
    "inf in second": (
        [1, 2, 3],
        [1, 2, float("inf")],
        ValueError,
        r"^{1} contains 1 NaN or infinite.*index 2",
    ),
    "-inf and NaN in second": (
        [1, 2, 3],
        [float("-inf"), 2, float("nan")],
        ValueError,
        r"^{1} contains 2 NaN.*index 0",
    ),
    "empty": ([], [], ValueError, r"^{0} is empty"),
    "2-D first": ([[1, 2], [3, 4]], [1, 2], ValueError, r"^{0} must be one-dimensional.*shape \(2, 2\)"),
    "scalar first": (3.0, [1, 2], ValueError, r"^{0} is one number \(3.0\).*one value per data point"),
    "string in first": ([1, "two", 3], [1, 2, 3], TypeError, r"^{0} must contain only numbers.*'two'"),
    "dict in second": ([1, 2, 3], [1, {}, 3], TypeError, r"^{1} must contain only numbers.*\{{\}}"),
}


@pytest.mark.parametrize("func", list(XY_FUNCTIONS))
@pytest.mark.parametrize("case", list(BAD_XY))
def test_bad_data_gives_clear_error(func, case):
    """Each core function rejects bad data with the right type and a message naming the argument and
    the problem.
    """
    first, second, exc_type, pattern = BAD_XY[case]
    call, names = XY_FUNCTIONS[func]
    with pytest.raises(exc_type, match=pattern.format(*names)) as excinfo:
        call(first, second)
    assert type(excinfo.value) is exc_type  # not some numpy subclass


@pytest.mark.parametrize(
    "call, exc_type, pattern",
    [
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], 0, 5),
            ValueError,
            r"lr \(the learning rate\) must be positive, got 0",
        ),
        (lambda: lc.gradient_descent([1, 2], [1, 2], -0.1, 5), ValueError, r"must be positive, got -0\.1"),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], float("nan"), 5),
            ValueError,
            r"lr.*must be a finite number, got nan",
        ),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], float("inf"), 5),
            ValueError,
            r"lr.*must be a finite number",
        ),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], "fast", 5),
            TypeError,
            r"lr.*must be a number, got 'fast'",
        ),
        (lambda: lc.gradient_descent([1, 2], [1, 2], [0.1], 5), TypeError, r"lr.*must be a single number"),
        (lambda: lc.gradient_descent([1, 2], [1, 2], True, 5), TypeError, r"lr.*must be a single number"),
        (lambda: lc.step([1, 2], [1, 2], 0.0, 0.0, 0), ValueError, r"lr.*must be positive"),
        (lambda: lc.LinearRegression(lr=-1).fit([1, 2], [1, 2]), ValueError, r"lr.*must be positive"),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], 0.1, 0),
            ValueError,
            r"epochs must be at least 1, got 0",
        ),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], 0.1, -3),
            ValueError,
            r"epochs must be at least 1, got -3",
        ),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], 0.1, 2.5),
            TypeError,
            r"epochs must be a whole number, got 2\.5",
        ),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], 0.1, "10"),
            TypeError,
            r"epochs must be a whole number, got '10'",
        ),
        (lambda: lc.gradient_descent([1, 2], [1, 2], 0.1, True), TypeError, r"epochs must be a whole number"),
        (
            lambda: lc.LinearRegression(epochs=1.0).fit([1, 2], [1, 2]),
            TypeError,
            r"epochs must be a whole number",
        ),
        (
            lambda: lc.gradient_descent([1, 2], [1, 2], 0.1, 5, m0=float("nan")),
            ValueError,
            r"m0 must be a finite number",
        ),
        (
            lambda: lc.closed_form([3, 3, 3], [1, 2, 3]),
            ValueError,
            r"All x values are equal \(x = 3\).*slope is undefined",
        ),
        (lambda: lc.closed_form([5.0], [1.0]), ValueError, r"All x values are equal"),
        (
            lambda: lc.r_squared([2, 2, 2], [1, 2, 3]),
            ValueError,
            r"R² is undefined when all y values are equal",
        ),
        (lambda: lc.predict([1, 2], float("nan"), 0), ValueError, r"m must be a finite number, got nan"),
        (lambda: lc.predict([1, 2], 1, "b"), TypeError, r"b must be a number, got 'b'"),
        (lambda: lc.predict([1, 2], [1, 2], 0), TypeError, r"m must be a single number"),
        (lambda: lc.predict(float("nan"), 1, 0), ValueError, r"x contains 1 NaN"),
        (lambda: lc.predict("seven", 1, 0), TypeError, r"x must contain only numbers.*'seven'"),
        (lambda: lc.numerical_gradients([1, 2], [1, 2], 0, 0, h=0), ValueError, r"h must be positive"),
        (
            lambda: lc.loss_surface([1, 2], [1, 2], [0, float("nan")], [0]),
            ValueError,
            r"m_values contains 1 NaN",
        ),
        (
            lambda: lc.loss_surface([1, 2], [1, 2], [0, 1], [[0, 1]]),
            ValueError,
            r"b_values must be one-dimensional",
        ),
        (lambda: lc.LinearRegression().predict([1]), lc.NotFittedError, r"not been trained yet.*fit"),
    ],
)
def test_bad_parameters_give_clear_error(call, exc_type, pattern):
    """Bad learning rates, epochs, starting points, degenerate data, untrained model: clear, typed errors."""
    with pytest.raises(exc_type, match=pattern):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: lc.mse(["a", "b"], [1, 2]),
        lambda: lc.gradient_descent([[1.0, 2.0]], [1.0, 2.0], 0.1, 5),
        lambda: lc.closed_form([1, 1], [1, 2]),
        lambda: lc.gradients([1, float("nan")], [1, 2], 0, 0),
        lambda: lc.LinearRegression(epochs=0).fit([1, 2], [1, 2]),
    ],
    ids=["strings", "2-D", "constant x", "NaN", "epochs 0"],
)
def test_errors_are_raised_by_the_project_not_numpy(call):
    """The innermost traceback frame is in our checks and no numpy exception is chained."""
    with pytest.raises((ValueError, TypeError)) as excinfo:
        call()
    assert Path(str(excinfo.traceback[-1].path)).name in ("linreg_core.py", "linreg_validation.py")
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__context__ is None or excinfo.value.__suppress_context__


@pytest.mark.parametrize(
    "attribute, value, exc_type, pattern",
    [
        ("lr", -0.1, ValueError, r"lr \(the learning rate\) must be positive, got -0\.1"),
        ("lr", "0.1", TypeError, r"lr \(the learning rate\) must be a number"),
        ("epochs", 2.5, TypeError, r"epochs must be a whole number, got 2\.5"),
        ("epochs", 0, ValueError, r"epochs must be at least 1"),
    ],
)
def test_fit_checks_attributes_changed_after_construction(attribute, value, exc_type, pattern):
    """scikit-learn style: settings are stored by __init__ and checked by fit, every time."""
    model = lc.LinearRegression(lr=0.1, epochs=50)
    setattr(model, attribute, value)
    with pytest.raises(exc_type, match=pattern):
        model.fit([0, 1, 2], [1, 3, 5])
    assert model.history is None


def test_core_errors_are_standard_exception_types():
    """Custom exceptions can be caught as the built-in kinds students already know."""
    assert issubclass(lc.DataError, ValueError)
    assert issubclass(lc.DivergenceError, RuntimeError)
    assert issubclass(lc.NotFittedError, RuntimeError)
    assert issubclass(lc.DivergenceWarning, RuntimeWarning)


# --------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------


def write_csv(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_xy_good_file(tmp_path):
    """A clean CSV gives float arrays in file order (spaces after commas allowed)."""
    path = write_csv(tmp_path, "x,y,z\n1,2,a\n3.5, -4,b\n1e2,0.25,c\n")
    x, y = lc.load_xy(path)
    assert x.dtype == float and y.dtype == float
    assert x.tolist() == [1.0, 3.5, 100.0]
    assert y.tolist() == [2.0, -4.0, 0.25]


def test_load_xy_other_column_names_and_str_path(tmp_path):
    """Named columns in any order; the path may be a str."""
    path = write_csv(tmp_path, "height,age\n170,30\n180,40\n")
    x, y = lc.load_xy(str(path), x="age", y="height")
    assert x.tolist() == [30.0, 40.0] and y.tolist() == [170.0, 180.0]


def test_load_columns_shape(tmp_path):
    """load_columns returns (n_rows, n_columns) floats, columns in the order asked."""
    path = write_csv(tmp_path, "a,b,c\n1,2,3\n4,5,6\n")
    values = lc.load_columns(path, ["c", "a"])
    assert values.shape == (2, 2)
    assert values.tolist() == [[3.0, 1.0], [6.0, 4.0]]


def test_load_xy_missing_file_names_the_path(tmp_path):
    """FileNotFoundError with the path the user gave."""
    path = tmp_path / "no_such_file.csv"
    with pytest.raises(FileNotFoundError) as excinfo:
        lc.load_xy(path)
    assert str(path) in str(excinfo.value)


def test_load_xy_finds_a_shipped_file_by_its_name(tmp_path, monkeypatch):
    """A bare name of a file in data/ is read from there, whatever the working directory; a file
    of that name in the working directory comes first; a path with a folder is never redirected."""
    monkeypatch.chdir(tmp_path)
    x, y = lc.load_xy("tiny.csv")
    assert x.tolist() == [0, 2, 3, 5, 6] and y.tolist() == [2, 2, 4, 8, 5]  # data/tiny.csv, by eye
    (tmp_path / "tiny.csv").write_text("x,y\n1,7\n", encoding="utf-8")
    assert [a.tolist() for a in lc.load_xy("tiny.csv")] == [[1.0], [7.0]]
    with pytest.raises(FileNotFoundError, match="load_xy finds them by name"):
        lc.load_xy(Path("sub") / "classic.csv")


def test_load_xy_missing_column_lists_columns_present(tmp_path):
    """DataError naming the missing column and listing the ones that are there."""
    path = write_csv(tmp_path, "flipper,mass\n1,2\n")
    with pytest.raises(lc.DataError, match=r"no column 'x'.*Columns present: 'flipper', 'mass'"):
        lc.load_xy(path)


def test_load_xy_non_numeric_value_names_column_and_line(tmp_path):
    """'abc' in column y on line 3 (header is line 1)."""
    path = write_csv(tmp_path, "x,y\n1,2\n3,abc\n5,6\n")
    with pytest.raises(lc.DataError, match=r"Column 'y'.*'abc'.*line 3"):
        lc.load_xy(path)


@pytest.mark.parametrize("cell", ["", "NA"], ids=["empty cell", "NA"])
def test_load_xy_missing_value_names_column_and_line(tmp_path, cell):
    """A missing x on line 4 is reported as missing, with column and line."""
    path = write_csv(tmp_path, f"x,y\n1,2\n3,4\n{cell},6\n")
    with pytest.raises(lc.DataError, match=r"Column 'x'.*missing value.*line 4"):
        lc.load_xy(path)


def test_load_xy_infinite_value_rejected(tmp_path):
    """'inf' parses as a number but is not a usable data value."""
    path = write_csv(tmp_path, "x,y\n1,inf\n")
    with pytest.raises(lc.DataError, match=r"Column 'y'.*not a finite number.*'inf'.*line 2"):
        lc.load_xy(path)


def test_load_xy_header_only(tmp_path):
    """A header and no rows is a DataError, not an empty array."""
    path = write_csv(tmp_path, "x,y\n")
    with pytest.raises(lc.DataError, match=r"no data rows"):
        lc.load_xy(path)


def test_load_xy_zero_byte_file(tmp_path):
    """A completely empty file should be a DataError that names the file."""
    path = write_csv(tmp_path, "", name="empty.csv")
    with pytest.raises(lc.DataError, match="empty.csv"):
        lc.load_xy(path)


def test_load_xy_line_number_counts_blank_lines(tmp_path):
    """Line numbers should be lines of the file, even after a blank line."""
    path = write_csv(tmp_path, "x,y\n1,2\n\n3,abc\n")  # 'abc' is on line 4
    with pytest.raises(lc.DataError, match=r"line 4"):
        lc.load_xy(path)


# --------------------------------------------------------------------------
# The shipped data files
# --------------------------------------------------------------------------


def test_shipped_classic_csv(classic):
    """classic.csv: 200 rows, x within [0, 100], and the classic lr = 1e-4 is below its stability bound."""
    x, y = classic
    assert len(x) == len(y) == 200
    assert x.min() >= 0 and x.max() <= 100
    assert 1e-4 < lc.stable_learning_rate(x) < 1e-3
    assert lc.r_squared(y, np.polyval(np.polyfit(x, y, 1), x)) > 0.5  # a visible trend


def test_shipped_penguins_csv():
    """penguins.csv: flipper length → body mass, more than 300 complete rows, plausible ranges."""
    x, y = lc.load_xy(lc.DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
    assert len(x) == len(y) > 300
    assert 150 < x.min() and x.max() < 250  # flippers, mm
    assert 2000 < y.min() and y.max() < 7000  # body mass, g
    assert np.polyfit(x, y, 1)[0] > 0  # longer flippers, heavier birds
    values = lc.load_columns(
        lc.DATA_DIR / "penguins.csv", ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    )
    assert values.shape == (len(x), 4)


def test_shipped_tiny_csv(tiny):
    """tiny.csv: 4 to 6 points, few enough to compute by hand, with at least two different x and y."""
    x, y = tiny
    assert 4 <= len(x) == len(y) <= 6
    assert np.ptp(x) > 0 and np.ptp(y) > 0


# --------------------------------------------------------------------------
# Defects found while writing these tests (fixed)
# --------------------------------------------------------------------------


def test_r_squared_constant_y_not_exactly_representable():
    """Constant y must be rejected even when its mean is not exactly representable."""
    with pytest.raises(ValueError, match="all y values are equal"):
        lc.r_squared([0.1, 0.1, 0.1], [0.1, 0.1, 0.2])


def test_slow_divergence_is_flagged_before_the_loss_explodes():
    """Just above the bound the loss grows slowly; the guard stops it after a run of rising epochs.

    x = linspace(-3, 3, 20), y = 2x + 1, lr = 1.1 × bound: the loss first falls, then rises
    every epoch (|1 - lr·λmax| = 1.2 > 1); it must be flagged well before it is 1e6 × larger.
    """
    x = np.linspace(-3, 3, 20)
    y = 2 * x + 1
    lr = 1.1 * independent_stable_lr(x.tolist())
    r, caught = record_warnings(lc.gradient_descent, x, y, lr, 1000)
    _check_diverged_result(r, 1000)
    assert [w.category for w in caught] == [lc.DivergenceWarning]
    assert r.losses[-1] < 1e6 * r.losses[0]  # stopped by the rising rule
    assert np.all(np.diff(r.losses[-lv.DivergenceWatch.RISING_EPOCHS :]) > 0)
    assert len(r.losses) < 40


def test_divergence_warning_points_at_the_callers_line():
    """stacklevel: the warning names the student's line, not a line inside linreg_core."""
    import inspect

    x = np.linspace(0, 100, 50)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        lc.gradient_descent(x, x + 3, 1.0, 50)
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]


# --------------------------------------------------------------------------
# Hostile CSV files: nothing shifts, every problem is named with its fix
# --------------------------------------------------------------------------


def _write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content, pattern",
    [
        ("x,y\n1,2,9\n3,4,8\n", r"Line 2 of data\.csv has 3 fields but the header has 2"),
        ("x,y\n1,2\n3\n", r"Line 3 of data\.csv has 1 fields but the header has 2"),
        ("x,x\n1,2\n", r"two columns named 'x'"),
        ("x;y\n1;2\n", r"separated by semicolons.*sep=';'"),
        ("x;y\n1,5;2,5\n", r"separated by semicolons.*decimal=','"),
        ("x\ty\n1\t2\n", r"separated by tabs"),
    ],
    ids=["extra field", "missing field", "duplicate header", "semicolons", "decimal commas", "tabs"],
)
def test_malformed_csv_is_an_error_that_names_the_fix(tmp_path, content, pattern):
    with pytest.raises(lc.DataError, match=pattern):
        lc.load_xy(_write(tmp_path, content))


def test_extra_fields_never_shift_the_columns(tmp_path):
    """pandas' read_csv would take the first column as the index and shift x to y's values."""
    with pytest.raises(lc.DataError, match="3 fields"):
        lc.load_xy(_write(tmp_path, "x,y\n1,2,9\n3,4,8\n5,6,7\n"))


def test_decimal_comma_value_gets_its_own_hint(tmp_path):
    path = _write(tmp_path, 'x,y\n1,"2,5"\n')
    with pytest.raises(lc.DataError, match=r"'2,5'.*line 2.*decimal comma: pass decimal=','"):
        lc.load_xy(path)


def test_semicolon_and_decimal_comma_files_load_when_told(tmp_path):
    x, y = lc.load_xy(_write(tmp_path, "x;y\n1,5;2\n3;4,25\n"), sep=";", decimal=",")
    assert x.tolist() == [1.5, 3.0] and y.tolist() == [2.0, 4.25]


def test_spaces_around_header_names_are_ignored(tmp_path):
    x, y = lc.load_xy(_write(tmp_path, " x , y \n1, 2\n3 ,4\n"))
    assert x.tolist() == [1.0, 3.0] and y.tolist() == [2.0, 4.0]


@pytest.mark.parametrize(
    "encoding, header",
    [("utf-8-sig", "größe,y"), ("cp1252", "größe,y"), ("utf-16", "größe,y"), ("latin-1", "°C,y")],
)
def test_files_saved_by_excel_in_other_encodings_load(tmp_path, encoding, header):
    """UTF-8 with a byte-order mark, Windows-1252 ("ANSI"), UTF-16 ("Unicode text")."""
    path = _write(tmp_path, f"{header}\n1,2\n3,4\n".encode(encoding))
    x, y = lc.load_xy(path, x=header.split(",")[0])
    assert x.tolist() == [1.0, 3.0] and y.tolist() == [2.0, 4.0]


def test_missing_column_error_says_how_the_file_was_read(tmp_path):
    path = _write(tmp_path, "größe,y\n1,2\n".encode("cp1252"))
    with pytest.raises(lc.DataError, match=r"Columns present: 'größe', 'y' \(read as Windows-1252\)"):
        lc.load_xy(path)


# --------------------------------------------------------------------------
# Hostile inputs: refused with a clear error, or divergence flagged, never a silent number
# --------------------------------------------------------------------------


def test_short_divergent_runs_are_flagged(classic):
    """Fewer epochs than the watch's rising count: a loss that ends above its start still counts."""
    x, y = classic
    bound = lc.stable_learning_rate(x)
    with pytest.warns(lc.DivergenceWarning, match=r"the loss ended above its start, 9 epochs.*lr < "):
        result = lc.gradient_descent(x, y, 1.5 * bound, 9)
    assert result.diverged and result.losses[-1] > result.losses[0]
    with pytest.raises(lc.DivergenceError, match="lr < "):
        lc.LinearRegression(lr=3 * bound, epochs=4).fit(x, y)


def test_a_stable_short_run_is_not_flagged(classic):
    x, y = classic
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not lc.gradient_descent(x, y, 0.99 * lc.stable_learning_rate(x), 3).diverged


def test_a_loss_too_large_for_floating_point_is_an_error_not_a_result():
    x = np.array([1e155, 2e155, 3e155])
    with pytest.raises(ValueError, match=r"too large to compute with"):
        lc.gradient_descent(x, x, 1e-4, 10)


@pytest.mark.parametrize(
    "x, exc_type, pattern",
    [
        (np.array([1 + 0j, 2, 3]), TypeError, r"complex numbers.*x\.real"),
        ([1, 2j, 3], TypeError, r"complex numbers"),
        (np.array(["2020-01-01", "2020-02-01", "2020-03-01"], dtype="datetime64[D]"), TypeError, r"dates"),
        (np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0]), ValueError, r"masked array with 1 masked"),
    ],
    ids=["complex array", "complex list", "datetime64", "masked"],
)
def test_inputs_numpy_would_silently_change_are_refused(x, exc_type, pattern):
    with pytest.raises(exc_type, match=pattern):
        lc.gradients(x, [1.0, 2.0, 3.0], 0.0, 0.0)


def test_pandas_series_with_different_indexes_are_refused():
    pd = pytest.importorskip("pandas")
    x = pd.Series([1.0, 2.0, 3.0, 4.0], index=[0, 1, 2, 3])
    y = pd.Series([2.0, 4.0, 6.0, 8.0], index=[0, 1, 2, 3]).sort_values(ascending=False)
    with pytest.raises(ValueError, match=r"different indexes.*align"):
        lc.closed_form(x, y)
    m, b = lc.closed_form(*x.align(y, join="inner"))
    assert math.isclose(m, 2.0) and abs(b) < 1e-12


def test_absurd_epochs_are_refused_before_any_work():
    with pytest.raises(ValueError, match=r"epochs=1,000,000,000 is more than 10,000,000"):
        lc.gradient_descent([1.0, 2.0], [1.0, 2.0], 0.1, 10**9)
    with pytest.raises(ValueError, match=r"more than 10,000,000"):
        lm.minibatch_gradient_descent([1.0, 2.0], [1.0, 2.0], 0.1, 10**9, 1)


@pytest.mark.parametrize("epochs", [1e4, np.float64(300.0)])
def test_a_whole_float_number_of_epochs_says_how_to_write_an_int(tiny, epochs):
    with pytest.raises(TypeError, match=r"Write .*int\("):
        lc.gradient_descent(*tiny, 0.01, epochs)


# --------------------------------------------------------------------------
# train_test_split (notebook 04)
# --------------------------------------------------------------------------


def test_train_test_split_keeps_every_pair_once_and_the_share():
    x = np.arange(10.0)
    y = 100 + x  # each y names its x, so a pair torn apart would show
    x_train, y_train, x_test, y_test = lc.train_test_split(x, y, test_share=0.3, seed=1)
    assert (len(x_train), len(x_test)) == (7, 3)
    assert np.array_equal(y_train, 100 + x_train) and np.array_equal(y_test, 100 + x_test)
    assert sorted(np.concatenate([x_train, x_test]).tolist()) == x.tolist()


def test_train_test_split_is_the_same_for_the_same_seed_and_shuffles():
    x = np.arange(40.0)
    first = lc.train_test_split(x, x, seed=3)
    again = lc.train_test_split(x, x, seed=3)
    other = lc.train_test_split(x, x, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[2], other[2])
    assert not np.array_equal(np.sort(first[2]), x[30:])  # not simply the last quarter


@pytest.mark.parametrize(
    ("share", "seed", "pattern"),
    [(0.0, 0, "test_share = 0"), (1.0, 0, "between 0 and 1"), (0.01, 0, "0 of the 10"), (0.25, -1, "seed")],
)
def test_train_test_split_refuses_an_empty_set_or_a_bad_seed(share, seed, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        lc.train_test_split(np.arange(10.0), np.arange(10.0), test_share=share, seed=seed)


# --------------------------------------------------------------------------
# mse with one number as the prediction (a baseline)
# --------------------------------------------------------------------------


def test_mse_accepts_one_number_as_the_prediction_for_every_point():
    # By hand: y = [1, 5], predicting 2 everywhere misses by -1 and 3: (1 + 9) / 2 = 5.
    assert lc.mse(np.array([1.0, 5.0]), 2.0) == pytest.approx(5.0)
    assert lc.mse([1.0, 5.0], np.float64(2.0)) == pytest.approx(5.0)
    with pytest.raises((TypeError, ValueError), match="y_pred"):
        lc.mse([1.0, 5.0], "two")


@pytest.mark.parametrize("baseline", [2.0, np.float64(2.0), np.array(2.0)])
def test_mse_of_one_prediction_for_every_point(baseline):
    # by hand: (1 - 2)² + (2 - 2)² + (6 - 2)² = 1 + 0 + 16 = 17, over n = 3
    assert lc.mse([1.0, 2.0, 6.0], baseline) == pytest.approx(17 / 3)


def test_a_diverging_loop_on_lc_gradients_is_told_it_diverged():
    """Round 26's student: 03's loop at lr 0.001 on the tutorial's data stopped with "rescale the
    data", not with the lesson's words. The bound 2 / (2 mean(x²)) is about 0.0003 (03), so 0.001
    diverges: |m| grows each step until it is too large to square."""
    x, y = lc.load_xy("classic.csv")
    assert 0.001 > 2 / (2 * np.mean(x**2))
    m = b = 0.0
    with pytest.raises(ValueError, match=r"training diverged: use a smaller learning rate"):
        for _ in range(1000):
            dm, db = lc.gradients(x, y, m, b)
            m, b = m - 0.001 * dm, b - 0.001 * db
    with pytest.raises(ValueError, match=r"must be a finite number, got nan\. If it came from your training"):
        lc.predict([1.0, 2.0], float("nan"), 0.0)
