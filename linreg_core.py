"""Linear regression from scratch: the maths of the lesson, in the order we teach it.

The model is a straight line, ``y_pred = m * x + b``. We measure how wrong it
is with the mean squared error (MSE)

    L(m, b) = (1/n) * sum_i (y_i - (m * x_i + b))**2

and improve ``m`` and ``b`` by gradient descent, stepping against the partial
derivatives

    dL/dm = -(2/n) * sum_i x_i * (y_i - y_pred_i)
    dL/db = -(2/n) * sum_i       (y_i - y_pred_i)

The code is written the way the notebooks write the maths: each public
function first checks its input, one line per argument (the checks live in
``linreg_validation``), and then is the formula, e.g.
``np.mean((y - y_pred) ** 2)``. It optimises for being read, not for speed.
Loading the CSV files lives in ``linreg_data``; several features (notebook 07)
in ``linreg_features``; mini-batches (notebook 08) in ``linreg_minibatch``.
The loaders and the errors are also available here (end of file), so
``import linreg_core as lc`` is all a notebook needs.
"""

import math
from typing import NamedTuple

import numpy as np

import linreg_data
import linreg_validation
from linreg_validation import (
    DivergenceError,
    DivergenceWatch,
    NotFittedError,
    valid_epochs,
    valid_learning_rate,
    valid_number,
    valid_positive,
    valid_seed,
    valid_vector,
    valid_xy,
)

# ==========================================================================
# Notebook 01 · The model and the loss
# ==========================================================================


def predict(x, m, b):
    """Predict ``y`` for each ``x`` with the line ``y_pred = m * x + b``.

    ``x`` is one number or a 1-D sequence; the result has the same shape.
    """
    x = valid_vector(x, "x", allow_scalar=True)
    m = valid_number(m, "m", trained=True)
    b = valid_number(b, "b", trained=True)
    y_pred = m * x + b
    return float(y_pred) if y_pred.ndim == 0 else y_pred


def mse(y_true, y_pred):
    """Mean squared error ``(1/n) * sum((y_true - y_pred)**2)``.

    ``y_pred`` is a 1-D array as long as ``y_true``, or one number predicted for every point
    (e.g. a baseline, the training mean).
    """
    if np.ndim(np.asarray(y_pred, dtype=object)) == 0:  # one prediction for every point, e.g. a baseline
        y_true = valid_vector(y_true, "y_true")
        y_pred = valid_number(y_pred, "y_pred")
    else:
        y_true, y_pred = valid_xy(y_true, y_pred, ("y_true", "y_pred"))
    return float(np.mean((y_true - y_pred) ** 2))


def r_squared(y_true, y_pred):
    """Coefficient of determination ``R² = 1 - SS_res / SS_tot``.

    ``SS_res`` sums the squared residuals of the model and ``SS_tot`` those of
    the flat line ``y = mean(y_true)``. So 1 is a perfect fit, 0 is no better
    than predicting the mean for every point, and below 0 is worse than that.
    """
    y_true, y_pred = valid_xy(y_true, y_pred, ("y_true", "y_pred"))
    if np.ptp(y_true) == 0:
        raise ValueError(
            "R² is undefined when all y values are equal (there is no "
            "variation to explain). Use data with at least two different y values."
        )
    ss_res = np.sum((y_true - y_pred) ** 2)
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    return float(1 - ss_res / ss_tot)


def loss_surface(x, y, m_values, b_values):
    """The MSE at every point of a grid of slopes and intercepts.

    ``surface[i, j]`` is ``mean((y - (m * x + b))**2)`` with ``m = m_values[j]``
    and ``b = b_values[i]``: the loss of notebook 01, once per grid point. One
    line at a time, so the memory stays that of one prediction, whatever the
    size of the data. (The explorers draw their contours with
    ``linreg_widgets.loss_grid``, the same numbers from five averages.)

    Returns an array of shape ``(len(b_values), len(m_values))``: row ``i``
    holds ``b_values[i]``, ready for ``plt.contour(m_values, b_values, surface)``.
    """
    x, y = valid_xy(x, y)
    m_values = valid_vector(m_values, "m_values")
    b_values = valid_vector(b_values, "b_values")
    surface = np.empty((len(b_values), len(m_values)))
    for i, b in enumerate(b_values):
        for j, m in enumerate(m_values):
            y_pred = m * x + b
            surface[i, j] = np.mean((y - y_pred) ** 2)
    return surface


# ==========================================================================
# Notebook 02 · The derivatives
# ==========================================================================


def gradients(x, y, m, b):
    """Partial derivatives of the MSE with respect to ``m`` and ``b``.

    ``dm = -(2/n) * sum(x * (y - y_pred))`` and
    ``db = -(2/n) * sum(y - y_pred)``, with ``y_pred = m * x + b``; the
    mean is the sum divided by n.

    Returns ``(dm, db)`` at the point ``(m, b)``.
    """
    x, y = valid_xy(x, y)
    m = valid_number(m, "m", trained=True)
    b = valid_number(b, "b", trained=True)
    y_pred = m * x + b
    dm = -2 * np.mean(x * (y - y_pred))
    db = -2 * np.mean(y - y_pred)
    return float(dm), float(db)


def numerical_gradients(x, y, m, b, h=1e-5):
    """Estimate the gradient of the MSE by central finite differences.

    ``dm ≈ (L(m + h, b) - L(m - h, b)) / (2h)``, and likewise for ``b``: an
    independent check of :func:`gradients`, since it only evaluates the loss.
    For ``|m| > 1`` the step is ``h * |m|`` (likewise for ``b``), so it is not lost
    in rounding.
    The MSE is a quadratic, so central differences carry no truncation error
    and only rounding limits the accuracy.

    Returns
    -------
    (float, float)
        ``(dm, db)``.
    """
    x, y = valid_xy(x, y)
    m = valid_number(m, "m", trained=True)
    b = valid_number(b, "b", trained=True)
    h = valid_positive(h, "h", "1e-5")

    def loss(m_, b_):
        return np.mean((y - (m_ * x + b_)) ** 2)

    hm, hb = h * max(1.0, abs(m)), h * max(1.0, abs(b))  # relative steps for large m, b
    dm = (loss(m + hm, b) - loss(m - hm, b)) / (2 * hm)
    db = (loss(m, b + hb) - loss(m, b - hb)) / (2 * hb)
    return float(dm), float(db)


# ==========================================================================
# Notebook 03 · The update, and how large a step may be
# ==========================================================================


def step(x, y, m, b, lr):
    """One gradient-descent update: ``m - lr * dm``, ``b - lr * db``.

    Returns
    -------
    (float, float)
        The new ``(m, b)``.
    """
    lr = valid_learning_rate(lr)
    dm, db = gradients(x, y, m, b)
    return float(m - lr * dm), float(b - lr * db)


def stable_learning_rate(x):
    """The largest learning rate for which gradient descent converges.

    Along any straight line through the ``(m, b)`` plane the loss is a
    parabola, and a step along it lands closer to the bottom only if
    ``lr < 2 / curvature``. The steepest of these parabolas has curvature

        c = mean(x**2) + 1 + sqrt((mean(x**2) - 1)**2 + 4 * mean(x)**2),

    about ``2 * mean(x**2)`` when x is in the tens or more, where that
    direction is almost pure ``m``. So the bound is ``2 / c``: a few times
    1e-4 for x in 0…100, which is why the classic lesson used lr = 0.0001.
    (Optional: ``c`` is the largest eigenvalue of :func:`hessian`.)
    """
    x = valid_vector(x, "x")
    mean_x2, mean_x = float(np.mean(x * x)), float(np.mean(x))
    curvature = mean_x2 + 1 + math.hypot(mean_x2 - 1, 2 * mean_x)
    return 2 / curvature


def hessian(x):
    """Optional: the 2x2 matrix of second derivatives of the MSE in ``(m, b)``.

    ``H = 2 * [[mean(x**2), mean(x)], [mean(x), 1]]``. It depends on ``x``
    alone: the bowl's shape is set by the inputs, not by ``y``, ``m`` or ``b``.
    """
    x = valid_vector(x, "x")
    return 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def divergence_advice(x, lr):
    """What to tell a student whose run with this ``lr`` blew up."""
    lr = valid_learning_rate(lr)
    return (
        f"the learning rate lr={lr:g} is too large for this data: gradient descent only "
        f"converges for lr < {stable_learning_rate(x):.3g} (2 / the curvature of the loss "
        f"in its steepest direction). Use a smaller lr, or scale x, e.g. "
        f"x_scaled = (x - x.mean()) / x.std(), which allows lr up to about 1."
    )


# ==========================================================================
# Notebook 04 · Training
# ==========================================================================


def train_test_split(x, y, test_share=0.25, seed=0):
    """Shuffle the points and split them into a training set and a test set.

    The same ``seed`` gives the same split every run. The test set is the
    last ``round(test_share * n)`` points of the shuffled order.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length (at least 2 points).
    test_share : float, optional
        The share of the points kept for the test set, between 0 and 1
        (0.25: a quarter). Both sets must get at least one point.
    seed : int, optional
        The seed of the shuffle (a whole number >= 0).

    Returns
    -------
    x_train, y_train, x_test, y_test : numpy.ndarray
    """
    x, y = valid_xy(x, y)
    share = valid_number(test_share, "test_share")
    seed = valid_seed(seed)
    n = len(x)
    n_test = round(share * n)
    if not 0 < share < 1 or n_test < 1 or n_test > n - 1:
        raise ValueError(
            f"test_share = {share:g} puts {n_test} of the {n} points into the test set: choose a share "
            f"between 0 and 1 that leaves at least one point in each set, e.g. 0.25."
        )
    order = np.random.default_rng(seed).permutation(n)  # the positions 0 … n-1, shuffled
    train_rows = order[: n - n_test]
    test_rows = order[n - n_test :]
    return x[train_rows], y[train_rows], x[test_rows], y[test_rows]


class TrainingResult(NamedTuple):
    """What :func:`gradient_descent` returns.

    The histories include the start: ``ms[k]`` is the slope after ``k``
    updates and ``losses[k]`` the MSE there. Their length is ``epochs + 1``,
    or less when training diverged and stopped early.
    """

    m: float
    b: float
    ms: np.ndarray
    bs: np.ndarray
    losses: np.ndarray
    diverged: bool


def gradient_descent(x, y, lr, epochs, m0=0.0, b0=0.0, warn=True):
    """Fit ``y ≈ m * x + b`` by full-batch gradient descent on the MSE.

    Every epoch is the loop of notebook 3: predict, the gradient (the
    formulas of :func:`gradients`), one step downhill; then it records the
    new ``(m, b)`` and its MSE. A :class:`DivergenceWatch` stops a run that
    is blowing up; then ``diverged`` is True and, if ``warn``, one
    :class:`DivergenceWarning` names the stable learning rate.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length.
    lr : float
        Learning rate (> 0).
    epochs : int
        Number of updates, 1 to 10**7 (``MAX_EPOCHS``: the history then takes 240 MB).
    m0, b0 : float, optional
        Starting slope and intercept.
    warn : bool, optional
        Emit the warning on divergence (explorers report it themselves).

    Returns
    -------
    TrainingResult
    """
    x, y = valid_xy(x, y)
    lr = valid_learning_rate(lr)
    epochs = valid_epochs(epochs)
    m = valid_number(m0, "m0")
    b = valid_number(b0, "b0")
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is the watch's to report
        loss = float(np.mean((y - (m * x + b)) ** 2))
        watch = DivergenceWatch(loss)
        ms, bs, losses = [m], [b], [loss]
        for _ in range(epochs):
            y_pred = m * x + b
            dm = -2 * np.mean(x * (y - y_pred))
            db = -2 * np.mean(y - y_pred)
            m = m - lr * dm
            b = b - lr * db
            loss = float(np.mean((y - (m * x + b)) ** 2))
            if watch.diverging(loss):
                break  # the history ends with the last point before the blow-up
            ms.append(m)
            bs.append(b)
            losses.append(loss)
    if watch.diverged and warn:
        how = f"stopped after epoch {len(losses) - 1}" if watch.stopped else "the loss ended above its start"
        watch.warn(f"Gradient descent diverged ({how}, {epochs} epochs)", divergence_advice(x, lr))
    return TrainingResult(
        float(ms[-1]), float(bs[-1]), np.array(ms), np.array(bs), np.array(losses), watch.diverged
    )


class LinearRegression:
    """A straight-line model trained by gradient descent (scikit-learn style).

    ``lr`` (> 0) and ``epochs`` (>= 1) are stored as given and checked by
    :meth:`fit`, which sets ``m``, ``b`` and ``history`` (the whole
    :class:`TrainingResult` of :func:`gradient_descent`).

    Examples
    --------
    >>> model = LinearRegression(lr=0.1, epochs=500).fit([0, 1, 2], [1, 3, 5])
    >>> round(model.m, 6), round(model.b, 6)
    (2.0, 1.0)
    """

    def __init__(self, lr=1e-4, epochs=1000):
        self.lr, self.epochs = lr, epochs  # checked by fit, which uses them
        self.m = self.b = self.history = None

    def fit(self, x, y, m0=0.0, b0=0.0):
        """Train on ``(x, y)`` from ``(m0, b0)`` and return the model itself.

        Raises
        ------
        DivergenceError
            If the loss blows up because the learning rate is too large.
        """
        lr, epochs = valid_learning_rate(self.lr), valid_epochs(self.epochs)
        result = gradient_descent(x, y, lr, epochs, m0, b0, warn=False)
        if result.diverged:
            raise DivergenceError("Training diverged: " + divergence_advice(x, lr))
        self.m, self.b, self.history = result.m, result.b, result
        return self

    def predict(self, x):
        """Predict ``y`` for ``x`` with the fitted line (after :meth:`fit`)."""
        if self.history is None:
            raise NotFittedError("This LinearRegression has not been trained yet: call .fit(x, y) first.")
        return predict(x, self.m, self.b)

    def __repr__(self):
        fitted = "" if self.history is None else f", m={self.m:.6g}, b={self.b:.6g}"
        return f"LinearRegression(lr={self.lr!r}, epochs={self.epochs!r}{fitted})"


# ==========================================================================
# The closed form: the exact answer gradient descent is heading for
# ==========================================================================


def closed_form(x, y):
    """Exact least-squares slope and intercept.

    ``m = sum((x - x̄)(y - ȳ)) / sum((x - x̄)**2)`` and ``b = ȳ - m x̄``.
    Centring the data first keeps the sums small, so the result stays
    accurate even when x is far from 0 (years, say).

    Returns
    -------
    (float, float)
        ``(m, b)``.
    """
    x, y = valid_xy(x, y)
    if np.ptp(x) == 0:
        raise ValueError(
            f"All x values are equal (x = {x[0]:g}), so the slope is undefined: "
            f"any line through the mean of y fits equally well. Use data with "
            f"at least two different x values."
        )
    dx, dy = x - x.mean(), y - y.mean()
    m = (dx @ dy) / (dx @ dx)
    return float(m), float(y.mean() - m * x.mean())


# ==========================================================================
# Notebooks 05 and 06 · Scaling x lifts the learning-rate bound
# ==========================================================================


def standardize(x):
    """Shift and rescale ``x`` to mean 0 and standard deviation 1.

    ``x_scaled = (x - mean) / std`` (population std, ``ddof=0``), so
    ``mean(x_scaled**2) = 1`` and gradient descent on ``x_scaled`` is stable
    for every ``lr < 1``, whatever the units of ``x``.

    Returns
    -------
    (numpy.ndarray, float, float)
        ``(x_scaled, mean, std)``: keep ``mean`` and ``std`` to convert the
        fitted line back with :func:`unstandardize` and to scale new inputs.

    Examples
    --------
    >>> x_scaled, mean, std = standardize([1.0, 3.0])
    >>> x_scaled.tolist(), mean, std
    ([-1.0, 1.0], 2.0, 1.0)
    """
    x = valid_vector(x, "x")
    if np.ptp(x) == 0:
        raise ValueError(
            f"Cannot standardise x: all its values are equal (x = {x[0]:g}), so its "
            f"standard deviation is 0 and (x - mean) / std would divide by zero. "
            f"A constant input carries no information about the slope: use data "
            f"with at least two different x values."
        )
    mean, std = float(x.mean()), float(x.std())
    return (x - mean) / std, mean, std


def unstandardize(m_scaled, b_scaled, mean, std):
    """Convert a line fitted on standardised ``x`` back to the original units.

    ``y = m_scaled * (x - mean) / std + b_scaled`` is the line ``y = m x + b``
    with ``m = m_scaled / std`` and ``b = b_scaled - m_scaled * mean / std``.
    Arrays of equal length (a whole history) are converted element by element.

    Examples
    --------
    >>> unstandardize(2.0, 1.0, mean=3.0, std=2.0)
    (1.0, -2.0)
    """
    m_scaled = valid_vector(m_scaled, "m_scaled", allow_scalar=True)
    b_scaled = valid_vector(b_scaled, "b_scaled", allow_scalar=True)
    if m_scaled.shape != b_scaled.shape:
        raise ValueError(
            f"m_scaled and b_scaled must have the same shape, but they have "
            f"{m_scaled.shape} and {b_scaled.shape}: pass one slope per intercept."
        )
    mean, std = valid_number(mean, "mean"), valid_number(std, "std")
    if std <= 0:
        raise ValueError(
            f"std must be positive, got {std}. Pass the mean and std that "
            f"standardize(x) returned: x_scaled, mean, std = standardize(x)."
        )
    m, b = m_scaled / std, b_scaled - m_scaled * mean / std
    return (float(m), float(b)) if m.ndim == 0 else (m, b)


def epochs_to_converge(ms, bs, m_ref, b_ref, rtol=1e-3):
    """The first epoch from which ``(m, b)`` stays within ``rtol`` of ``(m_ref, b_ref)``.

    Close means ``|m - m_ref| <= rtol * |m_ref|`` and the same for ``b``, at
    that epoch and every later one. Returns None if the last entry of the
    history is not close yet.

    Examples
    --------
    >>> epochs_to_converge([0.0, 0.9, 0.9995, 1.0], [0.0, 1.9, 2.0, 2.0], 1.0, 2.0)
    2
    """
    ms, bs = valid_xy(ms, bs, ("ms", "bs"))
    m_ref = valid_number(m_ref, "m_ref")
    b_ref = valid_number(b_ref, "b_ref")
    rtol = valid_positive(rtol, "rtol", "1e-3 for 0.1 %")
    close = (np.abs(ms - m_ref) <= rtol * abs(m_ref)) & (np.abs(bs - b_ref) <= rtol * abs(b_ref))
    if not close[-1]:
        return None
    far = np.flatnonzero(~close)
    return 0 if far.size == 0 else int(far[-1] + 1)


# ==========================================================================
# Also here, so that `import linreg_core as lc` is all a notebook needs
# ==========================================================================

DATA_DIR = linreg_data.DATA_DIR
load_xy = linreg_data.load_xy
load_columns = linreg_data.load_columns
DataError = linreg_validation.DataError
DivergenceWarning = linreg_validation.DivergenceWarning
