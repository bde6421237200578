"""Tests of the core's several-features section (notebook 07).

Covers ``design_matrix``, ``predict_multi``, ``gradients_multi``,
``normal_equation``, ``stable_learning_rate_multi`` and
``gradient_descent_multi``. Every expected value comes from somewhere other
than the code under test: hand computations (written out in comments), exact
rational arithmetic with ``fractions.Fraction``, ``np.linalg.lstsq``,
``np.polyfit``, finite differences and a plain loop written in this file.
Random data always comes from a seeded generator.
"""

import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import linreg_core as lc
import linreg_features as lf
import linreg_validation as lv

PENGUIN_FEATURES = ["flipper_length_mm", "bill_length_mm", "bill_depth_mm"]


# --------------------------------------------------------------------------
# Independent helpers (none calls the functions under test)
# --------------------------------------------------------------------------


def with_ones(X):
    return np.hstack([np.ones((len(X), 1)), np.asarray(X, float)])


def lstsq_weights(X, y):
    return np.linalg.lstsq(with_ones(X), np.asarray(y, float), rcond=None)[0]


def ref_mse(X, y, w):
    """The MSE with a Python loop over the rows."""
    total = 0.0
    for row, target in zip(np.asarray(X, float), np.asarray(y, float)):
        total += (target - (w[0] + sum(wj * xj for wj, xj in zip(w[1:], row)))) ** 2
    return total / len(y)


def fd_gradient(X, y, w, h=1e-3):
    """Central finite differences of ``ref_mse``, one weight at a time.

    The loss is a quadratic, so central differences carry no truncation
    error: only rounding (about eps * L / h) limits them.
    """
    w = np.asarray(w, float)
    grad = np.empty_like(w)
    for j in range(w.size):
        up, down = w.copy(), w.copy()
        up[j] += h
        down[j] -= h
        grad[j] = (ref_mse(X, y, up) - ref_mse(X, y, down)) / (2 * h)
    return grad


def exact_least_squares(X, y):
    """Solve the normal equation in exact rational arithmetic (Gauss-Jordan)."""
    rows = [[Fraction(1)] + [Fraction(float(v)) for v in row] for row in np.asarray(X)]
    ys = [Fraction(float(v)) for v in y]
    k = len(rows[0])
    # Augmented matrix [A^T A | A^T y].
    M = [
        [sum(r[i] * r[j] for r in rows) for j in range(k)] + [sum(r[i] * t for r, t in zip(rows, ys))]
        for i in range(k)
    ]
    for col in range(k):
        pivot = next(i for i in range(col, k) if M[i][col] != 0)
        M[col], M[pivot] = M[pivot], M[col]
        M[col] = [v / M[col][col] for v in M[col]]
        for i in range(k):
            if i != col and M[i][col] != 0:
                factor = M[i][col]
                M[i] = [a - factor * c for a, c in zip(M[i], M[col])]
    return [M[i][k] for i in range(k)]


def ref_gradient_descent(X, y, lr, epochs, w):
    """Plain loop, no divergence guard: the history of the weights."""
    A, y, w = with_ones(X), np.asarray(y, float), np.asarray(w, float).copy()
    history = [w.copy()]
    for _ in range(epochs):
        residuals = y - A @ w
        w = w + lr * 2 * (A.T @ residuals) / len(y)
        history.append(w.copy())
    return np.array(history)


def random_problem(rng, n, p, offset=0.0, scale=1.0, noise=1.0):
    X = offset + scale * rng.normal(size=(n, p))
    w = rng.normal(size=p + 1) * 3
    y = w[0] + X @ w[1:] + noise * rng.normal(size=n)
    return X, y


def penguins():
    X = lc.load_columns(lc.DATA_DIR / "penguins.csv", PENGUIN_FEATURES)
    y = lc.load_columns(lc.DATA_DIR / "penguins.csv", ["body_mass_g"])[:, 0]
    return X, y


def record_warnings(func, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    return result, caught


# --------------------------------------------------------------------------
# design_matrix and predict_multi
# --------------------------------------------------------------------------


def test_design_matrix_prepends_ones():
    A = lf.design_matrix([[2, 5], [3, 7], [4, 1]])
    assert A.shape == (3, 3) and A.dtype == float
    np.testing.assert_array_equal(A, [[1, 2, 5], [1, 3, 7], [1, 4, 1]])


def test_design_matrix_does_not_modify_its_input():
    X = np.array([[2.0, 5.0], [3.0, 7.0]])
    before = X.copy()
    lf.design_matrix(X)
    np.testing.assert_array_equal(X, before)


def test_predict_multi_hand_computed():
    # w = (b, w1, w2) = (1, 2, 3): rows (0, 0) → 1, (1, 0) → 3, (2, -1) → 1 + 4 - 3 = 2
    np.testing.assert_allclose(lf.predict_multi([[0, 0], [1, 0], [2, -1]], [1, 2, 3]), [1, 3, 2])


def test_predict_multi_one_feature_matches_predict():
    x = np.linspace(-2, 5, 9)
    np.testing.assert_allclose(
        lf.predict_multi(x.reshape(-1, 1), [0.5, -1.25]), lc.predict(x, -1.25, 0.5), rtol=1e-15
    )


# --------------------------------------------------------------------------
# The vector gradient
# --------------------------------------------------------------------------


def test_gradients_multi_hand_computed():
    # X = [[0, 0], [1, 0], [0, 1], [1, 1]], y = [1, 2, 2, 4], w = 0:
    # residuals = y, A^T y = (9, 6, 6), gradient = -(2/4) (9, 6, 6) = (-4.5, -3, -3).
    g = lf.gradients_multi([[0, 0], [1, 0], [0, 1], [1, 1]], [1, 2, 2, 4], [0, 0, 0])
    np.testing.assert_allclose(g, [-4.5, -3.0, -3.0], rtol=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_gradients_multi_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X, y = random_problem(rng, n=20, p=3)
    w = rng.normal(size=4)
    np.testing.assert_allclose(lf.gradients_multi(X, y, w), fd_gradient(X, y, w), rtol=1e-7, atol=1e-9)


def test_gradients_multi_one_feature_is_db_dm():
    rng = np.random.default_rng(11)
    x, y = rng.uniform(0, 10, 30), rng.normal(size=30)
    dm, db = lc.gradients(x, y, 0.7, -1.3)
    np.testing.assert_allclose(lf.gradients_multi(x.reshape(-1, 1), y, [-1.3, 0.7]), [db, dm], rtol=1e-12)


def test_gradients_multi_vanishes_at_the_normal_equation_solution():
    X, y = penguins()
    g = lf.gradients_multi(X, y, lf.normal_equation(X, y))
    # Compare with the size of the gradient at the origin.
    assert np.max(np.abs(g)) < 1e-9 * np.max(np.abs(lf.gradients_multi(X, y, np.zeros(4))))


# --------------------------------------------------------------------------
# The normal equation
# --------------------------------------------------------------------------


def test_normal_equation_exact_fit_hand_example():
    # y = 1 + 2 x1 + 3 x2 holds exactly at the four corners of the unit square.
    w = lf.normal_equation([[0, 0], [1, 0], [0, 1], [1, 1]], [1, 3, 4, 6])
    np.testing.assert_allclose(w, [1, 2, 3], atol=1e-13)


def test_normal_equation_least_squares_hand_example():
    # X = corners of the unit square, y = (1, 2, 2, 4). A^T A = [[4, 2, 2], [2, 2, 1], [2, 1, 2]],
    # A^T y = (9, 6, 6). By symmetry w1 = w2 = w: 4b + 4w = 9 and 2b + 3w = 6, so w = 1.5 and
    # b = 0.75. Residuals (0.25, -0.25, -0.25, 0.25) are orthogonal to every column.
    w = lf.normal_equation([[0, 0], [1, 0], [0, 1], [1, 1]], [1, 2, 2, 4])
    np.testing.assert_allclose(w, [0.75, 1.5, 1.5], atol=1e-13)


def test_normal_equation_returns_intercept_first_float_array():
    w = lf.normal_equation([[0, 0], [1, 0], [0, 1], [1, 1]], [1, 3, 4, 6])
    assert isinstance(w, np.ndarray) and w.shape == (3,) and w.dtype == float


@pytest.mark.parametrize("seed", range(8))
def test_normal_equation_matches_lstsq_on_random_problems(seed):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(5, 80)), int(rng.integers(1, 5))
    n = max(n, p + 2)
    X, y = random_problem(rng, n, p, offset=rng.uniform(-50, 50), scale=rng.uniform(0.1, 20))
    np.testing.assert_allclose(lf.normal_equation(X, y), lstsq_weights(X, y), rtol=1e-9, atol=1e-9)


def test_normal_equation_one_feature_matches_polyfit_and_closed_form():
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    b, m = lf.normal_equation(x.reshape(-1, 1), y)
    slope, intercept = np.polyfit(x, y, 1)
    assert m == pytest.approx(slope, rel=1e-12) and b == pytest.approx(intercept, rel=1e-12)
    m_cf, b_cf = lc.closed_form(x, y)
    assert m == pytest.approx(m_cf, rel=1e-13) and b == pytest.approx(b_cf, rel=1e-13)


def test_normal_equation_on_penguins_matches_lstsq_to_many_digits():
    X, y = penguins()
    np.testing.assert_allclose(lf.normal_equation(X, y), lstsq_weights(X, y), rtol=1e-10)


def test_normal_equation_residuals_are_orthogonal_to_every_column():
    X, y = penguins()
    A = with_ones(X)
    residuals = y - A @ lf.normal_equation(X, y)
    # Relative to the size of the terms being cancelled.
    assert np.all(np.abs(A.T @ residuals) < 1e-10 * (np.abs(A).T @ np.abs(y)))


def test_normal_equation_matches_exact_fractions_on_badly_scaled_features():
    # Features near 1e5 with a spread of a few units: the raw design matrix is very
    # ill-conditioned (the textbook np.linalg.solve(A.T @ A, A.T @ y) is off by about
    # 1e-5 here), but centring and scaling keep the answer accurate.
    rng = np.random.default_rng(3)
    X = 1e5 + np.round(rng.uniform(0, 5, size=(12, 2)), 2)
    y = np.round(7 + X @ [0.5, -2.0] - (7 + 1e5 * -1.5) + rng.normal(0, 0.1, 12), 3)
    exact = np.array([float(v) for v in exact_least_squares(X, y)])
    np.testing.assert_allclose(lf.normal_equation(X, y), exact, rtol=1e-10)


def test_normal_equation_does_not_modify_its_inputs():
    X, y = penguins()
    X_before, y_before = X.copy(), y.copy()
    lf.normal_equation(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


# --------------------------------------------------------------------------
# Gradient descent in vector form
# --------------------------------------------------------------------------


def test_gradient_descent_multi_history_bookkeeping():
    rng = np.random.default_rng(5)
    X, y = random_problem(rng, 30, 2)
    w0 = [0.5, -1.0, 2.0]
    r = lf.gradient_descent_multi(X, y, 0.05, 40, w0=w0)
    assert isinstance(r, lf.MultiTrainingResult) and not r.diverged
    assert r.weights_history.shape == (41, 3) and r.losses.shape == (41,)
    np.testing.assert_array_equal(r.weights_history[0], w0)
    np.testing.assert_array_equal(r.weights, r.weights_history[-1])
    for k in (0, 1, 17, 40):
        assert r.losses[k] == pytest.approx(ref_mse(X, y, r.weights_history[k]), rel=1e-12)


def test_gradient_descent_multi_starts_at_zero_by_default():
    X, y = penguins()
    r = lf.gradient_descent_multi(X[:, :1], y, 1e-6, 1)
    np.testing.assert_array_equal(r.weights_history[0], [0.0, 0.0])


@pytest.mark.parametrize("seed", range(4))
def test_gradient_descent_multi_matches_reference_loop(seed):
    rng = np.random.default_rng(seed)
    X, y = random_problem(rng, 25, 3, offset=2.0)
    lr = 0.5 * lf.stable_learning_rate_multi(X)
    w0 = rng.normal(size=4)
    r = lf.gradient_descent_multi(X, y, lr, 60, w0=w0)
    np.testing.assert_allclose(
        r.weights_history, ref_gradient_descent(X, y, lr, 60, w0), rtol=1e-11, atol=1e-12
    )


def test_gradient_descent_multi_one_feature_matches_gradient_descent():
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    single = lc.gradient_descent(x, y, 1e-4, 300)
    multi = lf.gradient_descent_multi(x.reshape(-1, 1), y, 1e-4, 300)
    np.testing.assert_allclose(multi.weights_history[:, 1], single.ms, rtol=1e-12)
    np.testing.assert_allclose(multi.weights_history[:, 0], single.bs, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(multi.losses, single.losses, rtol=1e-12)


def test_gradient_descent_multi_on_standardised_penguins_reaches_lstsq():
    X, y = penguins()
    mean, std = X.mean(axis=0), X.std(axis=0)
    r = lf.gradient_descent_multi((X - mean) / std, y, 0.3, 300)
    w_scaled = r.weights
    w = w_scaled[1:] / std
    b = w_scaled[0] - mean @ w
    np.testing.assert_allclose(np.r_[b, w], lstsq_weights(X, y), rtol=1e-10)


def test_gradient_descent_multi_loss_never_increases_below_the_bound():
    X, y = penguins()
    r = lf.gradient_descent_multi(X, y, 0.99 * lf.stable_learning_rate_multi(X), 300)
    assert not r.diverged and np.all(np.diff(r.losses) <= 1e-12 * r.losses[0])


def test_gradient_descent_multi_does_not_modify_its_inputs():
    X, y = penguins()
    w0 = np.array([1.0, 2.0, 3.0, 4.0])
    copies = X.copy(), y.copy(), w0.copy()
    lf.gradient_descent_multi(X, y, 1e-6, 5, w0=w0)
    for original, copy in zip((X, y, w0), copies):
        np.testing.assert_array_equal(original, copy)


def test_stable_learning_rate_multi_one_feature_equals_stable_learning_rate():
    x, _ = lc.load_xy(lc.DATA_DIR / "classic.csv")
    assert lf.stable_learning_rate_multi(x.reshape(-1, 1)) == pytest.approx(
        lc.stable_learning_rate(x), rel=1e-12
    )


def test_stable_learning_rate_multi_is_two_over_the_hessian_eigenvalue():
    # Hessian of the MSE by finite differences of the (exact) gradient formula's loss.
    X, y = penguins()
    X = X[:40]
    y = y[:40]
    k, h = 4, 1.0
    H = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        H[:, j] = (fd_gradient(X, y, e, h=0.5) - fd_gradient(X, y, -e, h=0.5)) / (2 * h)
    expected = 2 / np.max(np.linalg.eigvalsh((H + H.T) / 2))
    assert lf.stable_learning_rate_multi(X) == pytest.approx(expected, rel=1e-6)


def test_stable_learning_rate_multi_at_least_one_over_p_for_standardised_features():
    X, _ = penguins()
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    assert lf.stable_learning_rate_multi(Z) >= 1 / 3


@pytest.mark.parametrize("factor, diverges", [(0.98, False), (1.05, True)])
def test_gradient_descent_multi_just_below_and_above_the_bound(factor, diverges):
    X, y = penguins()
    lr = factor * lf.stable_learning_rate_multi(X)
    r, caught = record_warnings(lf.gradient_descent_multi, X, y, lr, 2000)
    assert r.diverged == diverges
    assert len(caught) == int(diverges)


@pytest.mark.parametrize("lr", [0.6, 5.0, 1e6])
def test_gradient_descent_multi_divergence_warns_once_and_stops_finite(lr):
    X, y = penguins()
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="raise"):  # no numpy floating-point warning may escape
            r = lf.gradient_descent_multi(Z, y, lr, 500)
    assert r.diverged
    assert [w.category for w in caught] == [lc.DivergenceWarning]
    message = str(caught[0].message)
    assert f"lr={lr:g}" in message and "0.499" in message and "standardise" in message
    assert len(r.losses) < 501 and len(r.weights_history) == len(r.losses)
    assert np.all(np.isfinite(r.weights_history)) and np.all(np.isfinite(r.losses))
    assert np.all(r.losses <= lv.DivergenceWatch.FACTOR * r.losses[0])
    np.testing.assert_array_equal(r.weights, r.weights_history[-1])


def test_gradient_descent_multi_warning_points_at_the_caller():
    X, y = penguins()
    _, caught = record_warnings(lf.gradient_descent_multi, X, y, 1.0, 50)
    assert caught and Path(caught[0].filename).name != "linreg_core.py"


# --------------------------------------------------------------------------
# Bad input: clear errors from the core
# --------------------------------------------------------------------------

FUNCTIONS = {
    "design_matrix": lambda X, y: lf.design_matrix(X),
    "normal_equation": lambda X, y: lf.normal_equation(X, y),
    "gradient_descent_multi": lambda X, y: lf.gradient_descent_multi(X, y, 0.01, 5),
    "gradients_multi": lambda X, y: lf.gradients_multi(X, y, [0.0, 0.0, 0.0]),
    "stable_learning_rate_multi": lambda X, y: lf.stable_learning_rate_multi(X),
}
GOOD_X = [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0]]
GOOD_Y = [1.0, 2.0, 3.0, 5.0]

# (X, y, exception, message pattern): problems every function must report.
BAD_X = {
    "1-D X": ([1.0, 2.0, 3.0, 4.0], GOOD_Y, ValueError, r"two-dimensional.*shape \(4,\).*reshape\(-1, 1\)"),
    "3-D X": (np.ones((4, 2, 1)), GOOD_Y, ValueError, r"two-dimensional.*shape \(4, 2, 1\)"),
    "no rows": (np.empty((0, 2)), [], ValueError, r"X has no rows"),
    "no columns": (np.empty((4, 0)), GOOD_Y, ValueError, r"X has no columns"),
    "NaN": (
        [[1, 2], [2, float("nan")], [3, 5], [4, 3]],
        GOOD_Y,
        ValueError,
        r"X contains 1 NaN or infinite.*row 1, column 1",
    ),
    "inf": (
        [[1, 2], [2, 1], [float("inf"), 5], [4, 3]],
        GOOD_Y,
        ValueError,
        r"X contains 1 NaN or infinite.*row 2, column 0",
    ),
    "string": (
        [[1, 2], [2, "one"], [3, 5], [4, 3]],
        GOOD_Y,
        TypeError,
        r"X must contain only numbers.*'one'",
    ),
    "ragged": ([[1, 2], [2], [3, 5], [4, 3]], GOOD_Y, ValueError, r"X must be a rectangular table.*\[1, 2\]"),
}

# Problems of the data as a whole (functions that take y, and the fitting ones).
BAD_XY = {
    "rows vs y": (GOOD_X, [1.0, 2.0, 3.0], ValueError, r"X has 4 rows and y has 3 values"),
    "NaN in y": (GOOD_X, [1.0, float("nan"), 3.0, 4.0], ValueError, r"^y contains 1 NaN"),
    "2-D y": (GOOD_X, [[1.0], [2.0], [3.0], [4.0]], ValueError, r"^y must be one-dimensional"),
}
NOT_IDENTIFIABLE = {
    "constant column": (
        [[1, 7], [2, 7], [3, 7], [4, 7]],
        GOOD_Y,
        r"Feature column 1 of X is constant \(every value is 7\).*Drop that column",
    ),
    "duplicate column": (
        [[1, 1], [2, 2], [3, 3], [4, 4]],
        GOOD_Y,
        r"linearly dependent: columns 0, 1 are tied",
    ),
    "mm and cm": (
        np.column_stack(
            [[181, 186, 195, 193], np.array([181, 186, 195, 193]) / 10, [39.1, 39.5, 40.3, 36.7]]
        ),
        GOOD_Y,
        r"linearly dependent: columns 0, 1 are tied",
    ),
    "sum of others": (
        [[1, 2, 3], [2, 1, 3], [3, 5, 8], [4, 3, 7], [0, 1, 1]],
        GOOD_Y + [0.0],
        r"linearly dependent: columns 0, 1, 2 are tied",
    ),
    "too few rows": (
        [[1, 2], [2, 1]],
        [1.0, 2.0],
        r"X has 2 rows but 2 features: fitting 3 weights.*at least 3 data points",
    ),
}


@pytest.mark.parametrize("func", list(FUNCTIONS))
@pytest.mark.parametrize("case", list(BAD_X))
def test_bad_feature_matrix_gives_clear_error(func, case):
    X, y, exc, pattern = BAD_X[case]
    with pytest.raises(exc, match=pattern):
        FUNCTIONS[func](X, y)


@pytest.mark.parametrize("func", ["normal_equation", "gradient_descent_multi", "gradients_multi"])
@pytest.mark.parametrize("case", list(BAD_XY))
def test_bad_target_gives_clear_error(func, case):
    X, y, exc, pattern = BAD_XY[case]
    with pytest.raises(exc, match=pattern):
        FUNCTIONS[func](X, y)


@pytest.mark.parametrize("func", ["normal_equation", "gradient_descent_multi"])
@pytest.mark.parametrize("case", list(NOT_IDENTIFIABLE))
def test_features_without_unique_best_weights_give_clear_error(func, case):
    X, y, pattern = NOT_IDENTIFIABLE[case]
    with pytest.raises(ValueError, match=pattern):
        FUNCTIONS[func](X, y)


def test_nearly_dependent_but_fine_features_are_accepted():
    # Two strongly correlated, but genuinely different, penguin measurements.
    X, y = penguins()
    assert np.corrcoef(X[:, 0], X[:, 1])[0, 1] > 0.6
    lf.normal_equation(X[:, :2], y)


@pytest.mark.parametrize(
    "weights, pattern",
    [
        ([0.0, 1.0], r"weights must hold 3 numbers.*X has 2 columns.*has 2"),
        ([0.0, 1.0, 2.0, 3.0], r"weights must hold 3 numbers.*has 4"),
        ([0.0, float("nan"), 1.0], r"weights contains 1 NaN"),
    ],
)
def test_bad_weights_give_clear_error(weights, pattern):
    with pytest.raises(ValueError, match=pattern):
        lf.gradients_multi(GOOD_X, GOOD_Y, weights)
    with pytest.raises(ValueError, match=pattern):
        lf.predict_multi(GOOD_X, weights)


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"lr": 0.0}, ValueError, r"lr \(the learning rate\) must be positive"),
        ({"lr": "fast"}, TypeError, r"lr \(the learning rate\) must be a number"),
        ({"epochs": 0}, ValueError, r"epochs must be at least 1"),
        ({"epochs": 2.5}, TypeError, r"epochs must be a whole number"),
        ({"w0": [1.0, 2.0]}, ValueError, r"w0 must hold 3 numbers"),
    ],
)
def test_gradient_descent_multi_bad_parameters(kwargs, exc, pattern):
    arguments = {"lr": 0.01, "epochs": 5, **kwargs}
    with pytest.raises(exc, match=pattern):
        lf.gradient_descent_multi(GOOD_X, GOOD_Y, **arguments)


def test_divergence_warning_points_at_the_callers_line():
    """stacklevel: the warning names the student's line, not a line inside linreg_core."""
    import inspect
    import warnings

    X = np.column_stack([np.linspace(0, 100, 50), np.linspace(0, 10, 50) ** 2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        lf.gradient_descent_multi(X, X[:, 0] + 3, 1.0, 50)
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]
