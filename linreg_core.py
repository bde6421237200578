"""Linear regression from scratch: the maths every notebook uses.

The model is a straight line, ``y_pred = m * x + b``. We measure how wrong it
is with the mean squared error (MSE)

    L(m, b) = (1/n) * sum_i (y_i - (m * x_i + b))**2

and improve ``m`` and ``b`` by gradient descent, stepping against the partial
derivatives

    dL/dm = -(2/n) * sum_i x_i * (y_i - y_pred_i)
    dL/db = -(2/n) * sum_i       (y_i - y_pred_i)

Everything here is plain numpy (pandas is imported only inside the CSV
loaders), and every public function checks its input and says clearly what
was wrong and how to fix it.
"""

import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

#: Folder holding the CSV files shipped with the collection.
DATA_DIR = Path(__file__).resolve().parent / "data"

#: Training counts as diverging once the loss exceeds this multiple of its
#: starting value, or has risen above the starting value for RISING_EPOCHS
#: epochs in a row (below the stable learning rate the loss never rises).
DIVERGENCE_FACTOR = 1e6
RISING_EPOCHS = 10


class DivergenceWarning(RuntimeWarning):
    """Gradient descent stopped because the loss was blowing up."""


class DivergenceError(RuntimeError):
    """Training failed because the learning rate is too large for the data."""


class NotFittedError(RuntimeError):
    """A model was used before ``fit`` was called."""


class DataError(ValueError):
    """A CSV file does not hold the numeric columns we asked for."""


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------

def _as_vector(values, name, allow_scalar=False):
    """Return ``values`` as a finite 1-D float array, or raise a clear error."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        bad = _first_non_number(values)
        raise TypeError(
            f"{name} must contain only numbers, but it holds {bad!r}. "
            f"Convert it first, e.g. pd.to_numeric(column) or float(value)."
        ) from None
    if arr.ndim == 0 and allow_scalar:
        pass
    elif arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per data point), "
            f"but it has shape {arr.shape}. Pass a single column, "
            f"e.g. df['{name}'] or {name}.ravel()."
        )
    elif arr.size == 0:
        raise ValueError(f"{name} is empty: give at least one data point.")
    bad = ~np.isfinite(arr)
    if bad.any():
        where = "" if arr.ndim == 0 else f" (first at index {np.argmax(bad)})"
        raise ValueError(
            f"{name} contains {int(bad.sum())} NaN or infinite value(s){where}. "
            f"Drop or fill the missing values first, e.g. df.dropna()."
        )
    return arr


def _first_non_number(values):
    """Find the first element that ``float()`` refuses, for error messages."""
    for value in np.ravel(np.asarray(values, dtype=object)):
        try:
            float(value)
        except (TypeError, ValueError):
            return value
    return values


def _as_xy(x, y, names=("x", "y")):
    """Validate a pair of data vectors of equal length."""
    x = _as_vector(x, names[0])
    y = _as_vector(y, names[1])
    if x.shape != y.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, but {names[0]} has "
            f"{x.size} values and {names[1]} has {y.size}. Each point needs both."
        )
    return x, y


def _as_number(value, name):
    """Validate one finite real number (a parameter such as m, b or lr)."""
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single number, got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}.") from None
    if not np.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {number}.")
    return number


def _as_learning_rate(lr):
    lr = _as_number(lr, "lr (the learning rate)")
    if lr <= 0:
        raise ValueError(
            f"lr (the learning rate) must be positive, got {lr}. "
            f"Try a small value such as 1e-4 and increase it step by step."
        )
    return lr


def _as_epochs(epochs):
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)):
        raise TypeError(f"epochs must be a whole number, got {epochs!r}.")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}.")
    return int(epochs)


# --------------------------------------------------------------------------
# The model, the loss and its gradient
# --------------------------------------------------------------------------

def predict(x, m, b):
    """Predict ``y`` for each ``x`` with the line ``y_pred = m * x + b``.

    Parameters
    ----------
    x : float or array_like
        One input value or a 1-D sequence of them.
    m, b : float
        Slope and intercept of the line.

    Returns
    -------
    float or numpy.ndarray
        The prediction(s), with the same shape as ``x``.
    """
    x = _as_vector(x, "x", allow_scalar=True)
    y_pred = _as_number(m, "m") * x + _as_number(b, "b")
    return float(y_pred) if y_pred.ndim == 0 else y_pred


def mse(y_true, y_pred):
    """Mean squared error ``(1/n) * sum((y_true - y_pred)**2)``.

    Parameters
    ----------
    y_true, y_pred : array_like
        Observed and predicted values, 1-D and of equal length.

    Returns
    -------
    float
    """
    y_true, y_pred = _as_xy(y_true, y_pred, ("y_true", "y_pred"))
    residuals = y_true - y_pred
    return float(np.mean(residuals**2))


def r_squared(y_true, y_pred):
    """Coefficient of determination ``1 - SS_res / SS_tot``.

    1 means a perfect fit, 0 means no better than predicting the mean of
    ``y_true`` for every point; it is negative for a worse fit.

    Parameters
    ----------
    y_true, y_pred : array_like
        Observed and predicted values, 1-D and of equal length.

    Returns
    -------
    float
    """
    y_true, y_pred = _as_xy(y_true, y_pred, ("y_true", "y_pred"))
    if np.ptp(y_true) == 0:
        raise ValueError(
            "R² is undefined when all y values are equal (there is no "
            "variation to explain). Use data with at least two different y values."
        )
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    return float(1 - np.sum((y_true - y_pred) ** 2) / ss_tot)


def gradients(x, y, m, b):
    """Partial derivatives of the MSE with respect to ``m`` and ``b``.

    ``dm = -(2/n) * sum(x * (y - y_pred))`` and
    ``db = -(2/n) * sum(y - y_pred)``, with ``y_pred = m * x + b``.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length.
    m, b : float
        The point (slope, intercept) where the gradient is taken.

    Returns
    -------
    (float, float)
        ``(dm, db)``.
    """
    x, y = _as_xy(x, y)
    residuals = y - (_as_number(m, "m") * x + _as_number(b, "b"))
    dm = -2 * np.mean(x * residuals)
    db = -2 * np.mean(residuals)
    return float(dm) + 0.0, float(db) + 0.0  # + 0.0 turns -0.0 into 0.0


def numerical_gradients(x, y, m, b, h=1e-5):
    """Estimate the gradient of the MSE by central finite differences.

    ``dm ≈ (L(m + h, b) - L(m - h, b)) / (2h)``, and likewise for ``b``.
    An independent check of :func:`gradients`: it only evaluates the loss.

    Parameters
    ----------
    x, y : array_like
        The data.
    m, b : float
        The point where the gradient is estimated.
    h : float, optional
        Step size. The MSE is a quadratic, so central differences carry no
        truncation error and only rounding limits the accuracy.

    Returns
    -------
    (float, float)
        ``(dm, db)``.
    """
    x, y = _as_xy(x, y)
    m, b = _as_number(m, "m"), _as_number(b, "b")
    h = _as_number(h, "h")
    if h <= 0:
        raise ValueError(f"h must be positive, got {h}.")

    def loss(m_, b_):
        return np.mean((y - (m_ * x + b_)) ** 2)

    dm = (loss(m + h, b) - loss(m - h, b)) / (2 * h)
    db = (loss(m, b + h) - loss(m, b - h)) / (2 * h)
    return float(dm), float(db)


def step(x, y, m, b, lr):
    """One gradient-descent update: ``m - lr * dm``, ``b - lr * db``.

    Parameters
    ----------
    x, y : array_like
        The data.
    m, b : float
        Current slope and intercept.
    lr : float
        Learning rate (> 0).

    Returns
    -------
    (float, float)
        The new ``(m, b)``.
    """
    lr = _as_learning_rate(lr)
    dm, db = gradients(x, y, m, b)
    return float(m - lr * dm), float(b - lr * db)


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------

class TrainingResult(NamedTuple):
    """What :func:`gradient_descent` returns.

    The histories include the starting point: ``ms[0] == m0`` and
    ``ms[k]`` is the slope after ``k`` updates; ``losses[k]`` is the MSE at
    ``(ms[k], bs[k])``. Their length is ``epochs + 1``, or less when
    training diverged and stopped early.
    """

    m: float
    b: float
    ms: np.ndarray
    bs: np.ndarray
    losses: np.ndarray
    diverged: bool


def _divergence(loss, previous, first, rising):
    """One epoch of the divergence rule shared by every training loop.

    Returns ``(rising, verdict)``. ``rising`` counts the epochs in a row whose
    loss rose above both the previous epoch's and the starting loss.
    ``verdict`` is ``"blown up"`` when the loss is inf, NaN or above
    ``DIVERGENCE_FACTOR`` times the start (drop this epoch from the history),
    ``"rising"`` once ``rising`` reaches ``RISING_EPOCHS`` (keep it), else None.
    """
    rising = rising + 1 if loss > max(previous, first) else 0
    if not loss <= DIVERGENCE_FACTOR * first:
        return rising, "blown up"
    return rising, ("rising" if rising >= RISING_EPOCHS else None)


def _descend(x, y, lr, epochs, m, b):
    """The training loop on validated input; no warning, no error."""
    n = x.size
    ms, bs, losses = (np.empty(epochs + 1) for _ in range(3))
    first = previous = None  # the loss at the start and at the previous epoch
    rising, verdict = 0, None  # see _divergence
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(epochs + 1):
            residuals = y - (m * x + b)
            loss = float(residuals @ residuals) / n
            if k == 0:
                first = loss
            else:
                rising, verdict = _divergence(loss, previous, first, rising)
                if verdict == "blown up":  # keep only the history before it
                    return TrainingResult(float(ms[k - 1]), float(bs[k - 1]),
                                          ms[:k], bs[:k], losses[:k], True)
            ms[k], bs[k], losses[k] = m, b, loss
            previous = loss
            if verdict == "rising":
                return TrainingResult(float(m), float(b), ms[:k + 1], bs[:k + 1],
                                      losses[:k + 1], True)
            if k < epochs:
                dm = -2 * float(x @ residuals) / n
                db = -2 * float(residuals.sum()) / n
                m, b = m - lr * dm, b - lr * db
    return TrainingResult(float(m), float(b), ms, bs, losses, False)


def _warn_diverged(losses, epochs, advice):
    """The one DivergenceWarning, pointing at the caller's line (stacklevel 3)."""
    warnings.warn(
        f"Gradient descent diverged (stopped after epoch {len(losses) - 1} of {epochs}): " + advice,
        DivergenceWarning,
        stacklevel=3,
    )


def _divergence_advice(x, lr):
    bound = stable_learning_rate(x)
    return (
        f"the learning rate lr={lr:g} is too large for this data: gradient "
        f"descent only converges for lr < {bound:.3g} (2 / the largest "
        f"eigenvalue of the loss's Hessian). Use a smaller lr, or scale x, "
        f"e.g. x_scaled = (x - x.mean()) / x.std(), which allows lr up to about 1."
    )


def gradient_descent(x, y, lr, epochs, m0=0.0, b0=0.0):
    """Fit ``y ≈ m * x + b`` by full-batch gradient descent on the MSE.

    If the loss blows up (the learning rate is too large), training stops at
    once and returns the history so far with ``diverged=True``, after one
    :class:`DivergenceWarning` that names the stable learning-rate bound.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length.
    lr : float
        Learning rate (> 0).
    epochs : int
        Number of updates (>= 1).
    m0, b0 : float, optional
        Starting slope and intercept.

    Returns
    -------
    TrainingResult
        Final ``m`` and ``b``, the histories ``ms``, ``bs``, ``losses``
        (starting point included) and the ``diverged`` flag.
    """
    x, y = _as_xy(x, y)
    lr, epochs = _as_learning_rate(lr), _as_epochs(epochs)
    result = _descend(x, y, lr, epochs, _as_number(m0, "m0"), _as_number(b0, "b0"))
    if result.diverged:
        _warn_diverged(result.losses, epochs, _divergence_advice(x, lr))
    return result


def hessian(x):
    """The 2x2 matrix of second derivatives of the MSE in ``(m, b)``.

    ``H = 2 * [[mean(x**2), mean(x)], [mean(x), 1]]``. It does not depend on
    ``y``, ``m`` or ``b``: the loss is a quadratic bowl whose shape is set
    by ``x`` alone.

    Parameters
    ----------
    x : array_like
        The inputs, 1-D.

    Returns
    -------
    numpy.ndarray
        Shape ``(2, 2)``, symmetric: rows and columns are ``(m, b)``.
    """
    x = _as_vector(x, "x")
    return 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def stable_learning_rate(x):
    """The largest learning rate for which gradient descent converges.

    Gradient descent on a quadratic converges for every ``lr`` below
    ``2 / lambda_max``, where ``lambda_max`` is the largest eigenvalue of
    the :func:`hessian`; at or above it the steepest direction overshoots
    further at every step. For ``x`` spread over 0…100, ``mean(x**2)`` is in
    the thousands and the bound is a few times 1e-4, which is why the
    classic lesson used ``lr = 0.0001``.

    Parameters
    ----------
    x : array_like
        The inputs.

    Returns
    -------
    float
    """
    return float(2 / np.linalg.eigvalsh(hessian(x))[-1])


def closed_form(x, y):
    """Exact least-squares slope and intercept.

    ``m = sum((x - x̄)(y - ȳ)) / sum((x - x̄)**2)`` and ``b = ȳ - m x̄``.
    Centring the data first keeps the sums small, so the result stays
    accurate even when x is far from 0 (years, say).

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length, with at least two different x.

    Returns
    -------
    (float, float)
        ``(m, b)``.
    """
    x, y = _as_xy(x, y)
    if np.ptp(x) == 0:
        raise ValueError(
            f"All x values are equal (x = {x[0]:g}), so the slope is undefined: "
            f"any line through the mean of y fits equally well. Use data with "
            f"at least two different x values."
        )
    x_mean, y_mean = x.mean(), y.mean()
    dx = x - x_mean
    m = (dx @ (y - y_mean)) / (dx @ dx)
    return float(m), float(y_mean - m * x_mean)


def loss_surface(x, y, m_values, b_values):
    """The MSE at every point of a grid of slopes and intercepts.

    Gives the same numbers as ``mse(y, predict(x, m, b))`` for every
    ``(m, b)`` (up to rounding, about 1e-16 times ``var(y)``), but from five averages instead of a pass over the data per
    grid point, using ``MSE = variance of the residuals + (their mean)**2``::

        L(m, b) = var(y - m x) + (mean(y) - m mean(x) - b)**2
        var(y - m x) = var(y) - 2 m cov(x, y) + m**2 var(x)

    Parameters
    ----------
    x, y : array_like
        The data.
    m_values, b_values : array_like
        1-D grids of slopes and intercepts.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(b_values), len(m_values))``: row ``i`` holds
        ``b_values[i]``, ready for ``plt.contour(m_values, b_values, Z)``.
    """
    x, y = _as_xy(x, y)
    m = _as_vector(m_values, "m_values")[np.newaxis, :]
    b = _as_vector(b_values, "b_values")[:, np.newaxis]
    dx, dy = x - x.mean(), y - y.mean()
    var_x, var_y, cov_xy = np.mean(dx * dx), np.mean(dy * dy), np.mean(dx * dy)
    residual_var = np.maximum(var_y - 2 * m * cov_xy + m**2 * var_x, 0.0)
    return residual_var + (y.mean() - m * x.mean() - b) ** 2


class LinearRegression:
    """A straight-line model trained by gradient descent.

    Parameters
    ----------
    lr : float, optional
        Learning rate (> 0).
    epochs : int, optional
        Number of gradient-descent updates (>= 1).

    Attributes
    ----------
    m, b : float
        Fitted slope and intercept (after :meth:`fit`).
    history : TrainingResult
        Everything :func:`gradient_descent` returned: ``history.losses`` etc.

    Examples
    --------
    >>> model = LinearRegression(lr=0.1, epochs=500).fit([0, 1, 2], [1, 3, 5])
    >>> round(model.m, 6), round(model.b, 6)
    (2.0, 1.0)
    """

    def __init__(self, lr=1e-4, epochs=1000):
        self.lr = _as_learning_rate(lr)
        self.epochs = _as_epochs(epochs)
        self.m = self.b = self.history = None

    def fit(self, x, y, m0=0.0, b0=0.0):
        """Train on ``(x, y)`` from ``(m0, b0)``; returns ``self``.

        Raises
        ------
        DivergenceError
            If the loss blows up because the learning rate is too large.
        """
        x, y = _as_xy(x, y)
        result = _descend(x, y, self.lr, self.epochs, _as_number(m0, "m0"), _as_number(b0, "b0"))
        if result.diverged:
            raise DivergenceError("Training diverged: " + _divergence_advice(x, self.lr))
        self.m, self.b, self.history = result.m, result.b, result
        return self

    def predict(self, x):
        """Predict ``y`` for ``x`` with the fitted line.

        Parameters
        ----------
        x : float or array_like
            One input value or a 1-D sequence of them.

        Returns
        -------
        float or numpy.ndarray

        Raises
        ------
        NotFittedError
            If :meth:`fit` has not been called yet.
        """
        if self.history is None:
            raise NotFittedError(
                "This LinearRegression has not been trained yet: call .fit(x, y) first."
            )
        return predict(x, self.m, self.b)

    def __repr__(self):
        fitted = "" if self.history is None else f", m={self.m:.6g}, b={self.b:.6g}"
        return f"LinearRegression(lr={self.lr:g}, epochs={self.epochs}{fitted})"


# --------------------------------------------------------------------------
# Data loading
# --------------------------------------------------------------------------

def load_columns(path, columns):
    """Read numeric columns from a CSV file, checking every value.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (with a header row). Shipped files live in ``DATA_DIR``.
    columns : sequence of str
        Column names to read.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_rows, len(columns))``, dtype float.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataError
        If a column is missing, or a value is missing or not a number.
    """
    import pandas as pd  # only the loaders need pandas

    path = Path(path)
    if not path.is_file():
        shipped = ", ".join(sorted(p.name for p in DATA_DIR.glob("*.csv")))
        raise FileNotFoundError(
            f"No data file at '{path}' (absolute: {path.resolve()}). "
            f"Check the path; the collection ships {shipped} in "
            f"linreg_core.DATA_DIR, e.g. load_xy(DATA_DIR / 'classic.csv')."
        )
    try:
        # Blank lines are kept (and dropped below) so row i is line i + 2 of the file.
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                            skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name} is empty: it needs a header row and data rows.") from None
    except pd.errors.ParserError as error:
        raise DataError(f"{path.name} is not a well-formed CSV file: {error}") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        present = ", ".join(repr(c) for c in table.columns)
        raise DataError(
            f"{path.name} has no column {missing[0]!r}. Columns present: {present}."
        )
    blank = (table.fillna("").apply(lambda column: column.str.strip()) == "").all(axis=1).to_numpy()
    lines = np.flatnonzero(~blank) + 2  # the header is line 1
    table = table[~blank]
    values = np.empty((len(table), len(columns)))
    for j, column in enumerate(columns):
        text = table[column].str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        for row in np.flatnonzero(numbers.isna().to_numpy() | ~np.isfinite(numbers.to_numpy())):
            line = lines[row]
            if text.iloc[row] in ("", "NA", "NaN", "nan", "N/A", "null"):
                problem = f"a missing value ({text.iloc[row]!r})"
                fix = "Remove that row or fill in the value."
            else:
                problem = f"a value that is not a finite number: {text.iloc[row]!r}"
                fix = "Correct the value or remove that row."
            raise DataError(
                f"Column {column!r} of {path.name} has {problem} on line {line} "
                f"of the file. {fix}"
            )
        values[:, j] = numbers.to_numpy(dtype=float)
    if len(table) == 0:
        raise DataError(f"{path.name} has a header but no data rows.")
    return values


def load_xy(path, x="x", y="y"):
    """Read two numeric columns of a CSV file as ``(x, y)`` arrays.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, e.g. ``DATA_DIR / "classic.csv"``.
    x, y : str, optional
        Names of the input and target columns.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> x, y = load_xy(DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
    """
    values = load_columns(path, [x, y])
    return values[:, 0], values[:, 1]


# --------------------------------------------------------------------------
# Feature scaling
# --------------------------------------------------------------------------

def standardize(x):
    """Shift and rescale ``x`` to mean 0 and standard deviation 1.

    ``x_scaled = (x - mean) / std`` with the population standard deviation
    (``np.std``, ``ddof=0``), so ``mean(x_scaled) = 0`` and
    ``mean(x_scaled**2) = 1``: the :func:`hessian` of the MSE in the scaled
    problem is ``2 * I`` and gradient descent is stable for every
    ``lr < 1``, whatever the units of ``x``.

    Parameters
    ----------
    x : array_like
        The inputs, 1-D, with at least two different values.

    Returns
    -------
    (numpy.ndarray, float, float)
        ``(x_scaled, mean, std)``; keep ``mean`` and ``std`` to convert the
        fitted parameters back with :func:`unstandardize` (and to scale new
        inputs the same way).

    Raises
    ------
    ValueError
        If all values of ``x`` are equal (the standard deviation is 0).

    Examples
    --------
    >>> x_scaled, mean, std = standardize([1.0, 3.0])
    >>> x_scaled.tolist(), mean, std
    ([-1.0, 1.0], 2.0, 1.0)
    """
    x = _as_vector(x, "x")
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

    The line ``y = m_scaled * (x - mean) / std + b_scaled`` is the same line
    as ``y = m * x + b`` with::

        m = m_scaled / std
        b = b_scaled - m_scaled * mean / std

    Parameters
    ----------
    m_scaled, b_scaled : float or array_like
        Slope and intercept in the scaled problem; 1-D arrays of equal length
        (e.g. a whole training history) are converted element by element.
    mean, std : float
        What :func:`standardize` returned (``std > 0``).

    Returns
    -------
    (float, float) or (numpy.ndarray, numpy.ndarray)
        ``(m, b)`` in the units of the original ``x``.

    Examples
    --------
    >>> unstandardize(2.0, 1.0, mean=3.0, std=2.0)
    (1.0, -2.0)
    """
    m_scaled = _as_vector(m_scaled, "m_scaled", allow_scalar=True)
    b_scaled = _as_vector(b_scaled, "b_scaled", allow_scalar=True)
    if m_scaled.shape != b_scaled.shape:
        raise ValueError(
            f"m_scaled and b_scaled must have the same shape, but they have "
            f"{m_scaled.shape} and {b_scaled.shape}: pass one slope per intercept."
        )
    mean, std = _as_number(mean, "mean"), _as_number(std, "std")
    if std <= 0:
        raise ValueError(
            f"std must be positive, got {std}. Pass the mean and std that "
            f"standardize(x) returned: x_scaled, mean, std = standardize(x)."
        )
    m = m_scaled / std
    b = b_scaled - m_scaled * mean / std
    if m.ndim == 0:
        return float(m), float(b)
    return m, b


def epochs_to_converge(ms, bs, m_ref, b_ref, rtol=1e-3):
    """The first epoch from which ``(m, b)`` stays close to ``(m_ref, b_ref)``.

    "Close" means ``|m - m_ref| <= rtol * |m_ref|`` and
    ``|b - b_ref| <= rtol * |b_ref|``, both at once, at that epoch and at
    every later one in the history.

    Parameters
    ----------
    ms, bs : array_like
        Training histories, e.g. ``result.ms`` and ``result.bs`` of
        :func:`gradient_descent` (converted back with :func:`unstandardize`
        if ``x`` was scaled): ``ms[k]`` is the slope after ``k`` epochs.
    m_ref, b_ref : float
        The target, usually :func:`closed_form` of the same data.
    rtol : float, optional
        Relative tolerance (> 0); the default is 0.1 %.

    Returns
    -------
    int or None
        The epoch ``k``, or ``None`` if the last entry of the history is
        not close yet (training did not converge in the epochs it ran).

    Examples
    --------
    >>> epochs_to_converge([0.0, 0.9, 0.9995, 1.0], [0.0, 1.9, 2.0, 2.0], 1.0, 2.0)
    2
    """
    ms, bs = _as_xy(ms, bs, ("ms", "bs"))
    m_ref, b_ref = _as_number(m_ref, "m_ref"), _as_number(b_ref, "b_ref")
    rtol = _as_number(rtol, "rtol")
    if rtol <= 0:
        raise ValueError(f"rtol must be positive, got {rtol}, e.g. 1e-3 for 0.1 %.")
    close = (np.abs(ms - m_ref) <= rtol * abs(m_ref)) & (np.abs(bs - b_ref) <= rtol * abs(b_ref))
    if not close[-1]:
        return None
    far = np.flatnonzero(~close)
    return 0 if far.size == 0 else int(far[-1] + 1)


# --------------------------------------------------------------------------
# Several features
# --------------------------------------------------------------------------
#
# With p features the model is y_pred = b + w_1 x_1 + ... + w_p x_p. The
# functions below take the features as a matrix X with one row per data
# point and one column per feature (no column of ones: they add it), and
# return the weights with the intercept first, w = (b, w_1, ..., w_p).

class MultiTrainingResult(NamedTuple):
    """What :func:`gradient_descent_multi` returns.

    ``weights_history[k]`` holds the weights after ``k`` updates (row 0 is
    the start) and ``losses[k]`` the MSE there; both have ``epochs + 1``
    rows, or fewer when training diverged and stopped early. Every weight
    vector has the intercept first: ``(b, w_1, ..., w_p)``.
    """

    weights: np.ndarray
    weights_history: np.ndarray
    losses: np.ndarray
    diverged: bool


def _as_matrix(values, name="X"):
    """Return ``values`` as a finite 2-D float array with rows and columns, or raise."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        rows = values if isinstance(values, (list, tuple)) else []
        if any(isinstance(row, (list, tuple, np.ndarray)) for row in rows) and \
                len({np.size(row) for row in rows}) > 1:
            raise ValueError(
                f"{name} must be a rectangular table: every row needs the same number of "
                f"features, but the rows have {sorted({np.size(row) for row in rows})} values."
            ) from None
        bad = _first_non_number(values)
        raise TypeError(
            f"{name} must contain only numbers, but it holds {bad!r}. Convert it "
            f"first, e.g. df[columns].to_numpy(dtype=float), or use load_columns."
        ) from None
    if arr.ndim != 2:
        hint = (" For a single feature use x.reshape(-1, 1);" if arr.ndim == 1 else "")
        raise ValueError(
            f"{name} must be two-dimensional, one row per data point and one column per "
            f"feature, but it has shape {arr.shape}.{hint} several features: "
            f"np.column_stack([x1, x2])."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows: give at least one data point.")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns: give at least one feature.")
    bad = ~np.isfinite(arr)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} contains {int(bad.sum())} NaN or infinite value(s) (first in row "
            f"{row}, column {column}). Drop or fill the missing values first, e.g. df.dropna()."
        )
    return arr


def _as_features_target(X, y):
    """Validate a feature matrix and a target vector with one value per row."""
    X = _as_matrix(X, "X")
    y = _as_vector(y, "y")
    if X.shape[0] != y.size:
        raise ValueError(
            f"X and y must describe the same data points, but X has {X.shape[0]} rows and "
            f"y has {y.size} values. Each point needs one row of X and one y."
        )
    return X, y


#: Smallest ratio of singular values of the centred, scaled features that we
#: accept. Below it the normal equation (which squares the ratio) keeps no
#: correct digit in double precision: the weights are not determined by the data.
COLLINEARITY_TOLERANCE = 1e-8


def _scaled_features(X):
    """Centre each feature and scale it to unit length, refusing unusable features.

    Returns ``(Z, mean, scale)`` with ``X = mean + Z * scale``. Raises a clear
    error if a column is constant (it duplicates the intercept), if there are
    too few rows, or if the columns are (nearly) linearly dependent, since then
    no unique set of weights fits best.
    """
    n, p = X.shape
    constant = np.flatnonzero(np.ptp(X, axis=0) == 0)
    if constant.size:
        j = int(constant[0])
        raise ValueError(
            f"Feature column {j} of X is constant (every value is {X[0, j]:g}). It carries no "
            f"information beyond the intercept, and next to the column of ones it makes the "
            f"weights undetermined. Drop that column."
        )
    if n < p + 1:
        raise ValueError(
            f"X has {n} rows but {p} features: fitting {p + 1} weights (the intercept and one "
            f"per feature) needs at least {p + 1} data points."
        )
    mean = X.mean(axis=0)
    centred = X - mean
    scale = np.sqrt(np.sum(centred * centred, axis=0))
    Z = centred / scale
    _, singular, vt = np.linalg.svd(Z, full_matrices=False)
    if singular[-1] < COLLINEARITY_TOLERANCE * singular[0]:
        involved = np.flatnonzero(np.abs(vt[-1]) > 1e-3)
        columns = ", ".join(str(j) for j in involved)
        raise ValueError(
            f"The features of X are (nearly) linearly dependent: columns {columns} are tied "
            f"together (one is, up to rounding, a combination of the others, e.g. the same "
            f"length in mm and in cm). Then many different weights fit equally well and the "
            f"normal equation has no unique solution. Drop one of those columns."
        )
    return Z, mean, scale


def design_matrix(X):
    """Put a column of ones in front of the features.

    With the design matrix ``[1 X]`` the predictions of all points are one
    matrix product, ``y_pred = design_matrix(X) @ w`` with ``w = (b, w_1, ...)``:
    the ones multiply the intercept ``b``.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``: one row per data point, one column per
        feature. For one feature pass ``x.reshape(-1, 1)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, p + 1)``; column 0 is all ones.

    Examples
    --------
    >>> design_matrix([[2.0, 5.0], [3.0, 7.0]])
    array([[1., 2., 5.],
           [1., 3., 7.]])
    """
    X = _as_matrix(X, "X")
    return np.column_stack([np.ones(X.shape[0]), X])


def _as_weights(weights, p, name="weights"):
    w = _as_vector(weights, name)
    if w.size != p + 1:
        raise ValueError(
            f"{name} must hold {p + 1} numbers, the intercept first and then one per feature "
            f"(X has {p} columns), but it has {w.size}."
        )
    return w


def predict_multi(X, weights):
    """Predictions ``b + w_1 x_1 + ... + w_p x_p`` for every row of ``X``.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``.
    weights : array_like
        ``(b, w_1, ..., w_p)``, intercept first, as returned by
        :func:`normal_equation` or :func:`gradient_descent_multi`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.
    """
    A = design_matrix(X)
    return A @ _as_weights(weights, A.shape[1] - 1)


def gradients_multi(X, y, weights):
    """The gradient of the MSE with respect to every weight, in vector form.

    ``grad = -(2/n) * A.T @ (y - A @ w)`` with the design matrix
    ``A = design_matrix(X)``. Entry 0 is ``dL/db``; entry ``j`` is
    ``dL/dw_j``. For one feature it equals ``(db, dm)`` of :func:`gradients`.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``.
    y : array_like
        Targets, shape ``(n,)``.
    weights : array_like
        ``(b, w_1, ..., w_p)``, the point where the gradient is taken.

    Returns
    -------
    numpy.ndarray
        Shape ``(p + 1,)``.
    """
    X, y = _as_features_target(X, y)
    A = np.column_stack([np.ones(X.shape[0]), X])
    w = _as_weights(weights, X.shape[1])
    return -2 * (A.T @ (y - A @ w)) / y.size


def normal_equation(X, y):
    """Exact least-squares weights for several features.

    Setting the gradient to zero gives the normal equation
    ``A.T @ A @ w = A.T @ y`` with ``A = design_matrix(X)``. We solve it
    with :func:`numpy.linalg.solve` and never invert a matrix: an inverse
    costs more and loses more digits, and we only need its product with one
    vector. Like :func:`closed_form`, we first centre each feature, which
    splits off the intercept (``b = mean(y) - mean(X) @ w``), and scale it
    to unit length. That is the same equation, but the matrix we solve with
    is far better conditioned, so the result keeps many more correct digits
    when features are large (years, grams) or far from zero.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``, one row per data point. No column of
        ones (it is added here) and no constant or linearly dependent columns.
    y : array_like
        Targets, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``(b, w_1, ..., w_p)``, intercept first, shape ``(p + 1,)``.

    Raises
    ------
    ValueError
        If a column is constant, the columns are (nearly) linearly
        dependent, or there are fewer than ``p + 1`` rows: then no unique
        best weights exist.

    Examples
    --------
    >>> normal_equation([[0, 0], [1, 0], [0, 1], [1, 1]], [1, 3, 4, 6])
    array([1., 2., 3.])
    """
    X, y = _as_features_target(X, y)
    Z, mean, scale = _scaled_features(X)
    y_mean = y.mean()
    w = np.linalg.solve(Z.T @ Z, Z.T @ (y - y_mean)) / scale
    return np.concatenate([[y_mean - mean @ w], w])


def stable_learning_rate_multi(X):
    """The largest learning rate for which :func:`gradient_descent_multi` converges.

    ``2 / lambda_max`` of the loss's Hessian ``(2/n) A.T @ A`` with
    ``A = design_matrix(X)``, as :func:`stable_learning_rate` for one feature.
    Standardised features (mean 0, standard deviation 1) allow ``lr`` of at
    least ``1 / p`` for ``p`` features.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``.

    Returns
    -------
    float
    """
    A = design_matrix(X)
    return float(2 / np.linalg.eigvalsh(2 * (A.T @ A) / A.shape[0])[-1])


def _divergence_advice_multi(X, lr):
    bound = stable_learning_rate_multi(X)
    return (
        f"the learning rate lr={lr:g} is too large for these features: gradient descent "
        f"only converges for lr < {bound:.3g} (2 / the largest eigenvalue of the loss's "
        f"Hessian). Use a smaller lr, or standardise every feature column, e.g. "
        f"Z = (X - X.mean(axis=0)) / X.std(axis=0), which allows lr of at least "
        f"1 / (number of features)."
    )


def gradient_descent_multi(X, y, lr, epochs, w0=None):
    """Fit ``y ≈ b + w_1 x_1 + ... + w_p x_p`` by full-batch gradient descent.

    Each epoch applies ``w <- w - lr * grad`` with the vector gradient
    ``grad = -(2/n) * A.T @ (y - A @ w)`` (:func:`gradients_multi`). As in
    :func:`gradient_descent`, if the loss blows up (more than
    ``DIVERGENCE_FACTOR`` times the starting loss, or not finite) training
    stops at once and returns the history so far with ``diverged=True``
    (likewise if it keeps rising for ``RISING_EPOCHS`` epochs in a row),
    after one :class:`DivergenceWarning` that names the stable bound.
    Gradient descent on raw features of very different sizes converges
    very slowly: standardise them first and convert the weights back.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)`` (no column of ones).
    y : array_like
        Targets, shape ``(n,)``.
    lr : float
        Learning rate (> 0).
    epochs : int
        Number of updates (>= 1).
    w0 : array_like, optional
        Starting weights ``(b, w_1, ..., w_p)``; zeros by default.

    Returns
    -------
    MultiTrainingResult
        Final ``weights``, ``weights_history`` of shape ``(epochs + 1, p + 1)``,
        ``losses`` and the ``diverged`` flag. Memory grows as epochs × features.
    """
    X, y = _as_features_target(X, y)
    _scaled_features(X)  # refuse constant or dependent columns, with a clear message
    lr, epochs = _as_learning_rate(lr), _as_epochs(epochs)
    n, p = X.shape
    w = np.zeros(p + 1) if w0 is None else _as_weights(w0, p, "w0").copy()
    A = np.column_stack([np.ones(n), X])
    history, losses = np.empty((epochs + 1, p + 1)), np.empty(epochs + 1)
    result, rising, verdict = None, 0, None  # see _divergence
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(epochs + 1):
            residuals = y - A @ w
            loss = residuals @ residuals / n
            if k > 0:
                rising, verdict = _divergence(loss, losses[k - 1], losses[0], rising)
                if verdict == "blown up":  # keep only the history before it
                    result = MultiTrainingResult(history[k - 1].copy(), history[:k], losses[:k], True)
                    break
            history[k], losses[k] = w, loss
            if verdict == "rising":
                result = MultiTrainingResult(w.copy(), history[:k + 1], losses[:k + 1], True)
                break
            if k < epochs:
                gradient = -2 * (A.T @ residuals) / n
                w = w - lr * gradient
    if result is None:
        return MultiTrainingResult(history[-1].copy(), history, losses, False)
    _warn_diverged(result.losses, epochs, _divergence_advice_multi(X, lr))
    return result


# --------------------------------------------------------------------------
# Stochastic and mini-batch gradient descent
# --------------------------------------------------------------------------

class MinibatchResult(NamedTuple):
    """What :func:`minibatch_gradient_descent` returns.

    ``ms`` and ``bs`` hold one entry per *update*, the start included:
    ``ms[t]`` is the slope after ``t`` updates. ``losses`` holds one entry
    per *epoch*, the start included: ``losses[e]`` is the MSE on the full
    data after ``e`` epochs, that is at update ``e * updates_per_epoch``.
    When training diverged, the histories stop at the last update before
    the loss blew up (``losses`` at the last complete epoch).
    """

    m: float
    b: float
    ms: np.ndarray
    bs: np.ndarray
    losses: np.ndarray
    diverged: bool
    updates_per_epoch: int


def _as_batch_size(batch_size, n):
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be a whole number of data points, got {batch_size!r}.")
    if not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must be between 1 and n = {n} (the number of data points), got "
            f"{batch_size}. Use batch_size=1 for stochastic gradient descent and "
            f"batch_size={n} for full-batch gradient descent."
        )
    return int(batch_size)


def _as_seed(seed):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(
            f"seed must be a whole number >= 0 (the same seed gives the same shuffles), "
            f"got {seed!r}."
        )
    return int(seed)


def _as_tau(tau):
    if tau is None:
        return None
    tau = _as_number(tau, "tau (the decay time of the learning rate)")
    if tau <= 0:
        raise ValueError(
            f"tau must be positive (the learning rate halves after tau updates), got {tau}. "
            f"Use tau=None for a constant learning rate."
        )
    return tau


def _minibatch_advice(x, lr, batch_size):
    if batch_size == x.size:
        return _divergence_advice(x, lr)
    bound = stable_learning_rate(x)
    return (
        f"the learning rate lr={lr:g} is too large for batches of {batch_size} point(s). "
        f"The loss of a small batch can be much steeper than the loss of all the data, so "
        f"small batches need an lr well below full-batch gradient descent's bound "
        f"{bound:.3g}. Use a smaller lr or a larger batch, or scale x, e.g. "
        f"x_scaled = (x - x.mean()) / x.std()."
    )


def _descend_minibatch(x, y, lr, epochs, batch_size, seed, m, b, tau):
    """The mini-batch loop on validated input; no warning, no error."""
    n = x.size
    per_epoch = -(-n // batch_size)  # ceil(n / batch_size)
    ms, bs = np.empty(epochs * per_epoch + 1), np.empty(epochs * per_epoch + 1)
    losses = np.empty(epochs + 1)
    rng = np.random.default_rng(seed)
    # Between epoch ends the full loss comes from five averages (as in
    # loss_surface): O(1) per update. It only guards against blowing up; a
    # suspicious value is confirmed with the exact loss before stopping.
    x_mean, y_mean = x.mean(), y.mean()
    dx, dy = x - x_mean, y - y_mean
    var_x, var_y, cov_xy = np.mean(dx * dx), np.mean(dy * dy), np.mean(dx * dy)

    def stopped(t, epoch):
        return MinibatchResult(float(ms[t]), float(bs[t]), ms[: t + 1], bs[: t + 1],
                               losses[:epoch], True, per_epoch)

    ms[0], bs[0] = m, b
    residuals = y - (m * x + b)
    losses[0] = residuals @ residuals / n
    limit = DIVERGENCE_FACTOR * losses[0]
    t, rising, verdict = 0, 0, None  # updates made so far; see _divergence
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            # One batch of everything needs no shuffle: then it is exactly gradient_descent.
            order = None if batch_size == n else rng.permutation(n)
            for start in range(0, n, batch_size):
                if order is None:
                    xb, yb = x, y
                else:
                    batch = order[start:start + batch_size]
                    xb, yb = x[batch], y[batch]
                rb = yb - (m * xb + b)
                dm = -2 * (xb @ rb) / xb.size
                db = -2 * rb.sum() / xb.size
                eta = lr if tau is None else lr / (1 + t / tau)
                m_new, b_new = m - eta * dm, b - eta * db
                end_of_epoch = start + batch_size >= n
                if end_of_epoch:  # the epoch's exact loss decides, as in gradient_descent
                    residuals = y - (m_new * x + b_new)
                    loss = residuals @ residuals / n
                    rising, verdict = _divergence(loss, losses[epoch - 1], losses[0], rising)
                    if verdict == "blown up":
                        return stopped(t, epoch)
                    losses[epoch] = loss
                else:
                    guess = (var_y - 2 * m_new * cov_xy + m_new * m_new * var_x
                             + (y_mean - m_new * x_mean - b_new) ** 2)
                    if not (guess <= limit):
                        residuals = y - (m_new * x + b_new)
                        if not (residuals @ residuals / n <= limit):
                            return stopped(t, epoch)
                m, b = m_new, b_new
                t += 1
                ms[t], bs[t] = m, b
                if end_of_epoch and verdict == "rising":
                    return stopped(t, epoch + 1)
    return MinibatchResult(float(m), float(b), ms, bs, losses, False, per_epoch)


def minibatch_gradient_descent(x, y, lr, epochs, batch_size, seed=0, m0=0.0, b0=0.0, tau=None):
    """Fit ``y ≈ m * x + b`` by mini-batch (or stochastic) gradient descent.

    Every epoch shuffles the points (with ``numpy.random.default_rng(seed)``,
    so the same seed gives the same run), splits them into batches of
    ``batch_size`` (the last one smaller if ``batch_size`` does not divide
    ``n``) and makes one update per batch, with the gradient of the MSE on
    that batch only. So each epoch visits every point exactly once.
    ``batch_size=1`` is stochastic gradient descent; ``batch_size=n`` is
    full-batch gradient descent and gives exactly :func:`gradient_descent`.

    The learning rate of update ``t`` (counting from 0) is
    ``lr / (1 + t / tau)``: constant when ``tau`` is None, otherwise it
    halves after ``tau`` updates and keeps shrinking, which lets the noisy
    steps settle at the minimum.

    Divergence is handled as in :func:`gradient_descent`: if the loss on the
    full data blows up (more than ``DIVERGENCE_FACTOR`` times the starting
    loss, or not finite; checked after every update) or rises above the
    previous epoch's and the starting loss for ``RISING_EPOCHS`` epochs in a
    row, training stops at once, keeps the history so far, sets
    ``diverged=True`` and emits one :class:`DivergenceWarning` with advice.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length.
    lr : float
        Learning rate (> 0); the starting one if ``tau`` is given.
    epochs : int
        Number of passes over the data (>= 1).
    batch_size : int
        Points per update, from 1 to ``n``.
    seed : int, optional
        Seed of the shuffles (>= 0).
    m0, b0 : float, optional
        Starting slope and intercept.
    tau : float or None, optional
        Decay time of the learning rate, in updates; None keeps it constant.

    Returns
    -------
    MinibatchResult
        Final ``m`` and ``b``; per-update histories ``ms``, ``bs``; per-epoch
        ``losses`` on the full data; ``diverged``; ``updates_per_epoch``.
    """
    x, y = _as_xy(x, y)
    lr, epochs = _as_learning_rate(lr), _as_epochs(epochs)
    batch_size, seed, tau = _as_batch_size(batch_size, x.size), _as_seed(seed), _as_tau(tau)
    result = _descend_minibatch(x, y, lr, epochs, batch_size, seed,
                                _as_number(m0, "m0"), _as_number(b0, "b0"), tau)
    if result.diverged:
        warnings.warn(
            f"Mini-batch gradient descent diverged (stopped after {len(result.ms) - 1} "
            f"update(s), {len(result.losses) - 1} full epoch(s) of {epochs}): "
            + _minibatch_advice(x, lr, batch_size),
            DivergenceWarning,
            stacklevel=2,
        )
    return result
