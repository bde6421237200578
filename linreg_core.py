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
    return float(dm), float(db)


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


def _descend(x, y, lr, epochs, m, b):
    """The training loop on validated input; no warning, no error."""
    n = x.size
    ms, bs, losses = (np.empty(epochs + 1) for _ in range(3))
    rising = 0  # epochs in a row with a loss above the previous one and the start
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(epochs + 1):
            residuals = y - (m * x + b)
            loss = residuals @ residuals / n
            if k > 0:
                rising = rising + 1 if loss > max(losses[k - 1], losses[0]) else 0
                if not loss <= DIVERGENCE_FACTOR * losses[0]:
                    # Blown up (or already inf/NaN): keep only the history before it.
                    return TrainingResult(float(ms[k - 1]), float(bs[k - 1]),
                                          ms[:k], bs[:k], losses[:k], True)
            ms[k], bs[k], losses[k] = m, b, loss
            if rising >= RISING_EPOCHS:
                return TrainingResult(float(m), float(b), ms[:k + 1], bs[:k + 1],
                                      losses[:k + 1], True)
            if k < epochs:
                dm = -2 * (x @ residuals) / n
                db = -2 * residuals.sum() / n
                m, b = m - lr * dm, b - lr * db
    return TrainingResult(float(m), float(b), ms, bs, losses, False)


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
        warnings.warn(
            f"Gradient descent diverged (stopped at epoch {len(result.losses)} of {epochs}): "
            + _divergence_advice(x, lr),
            DivergenceWarning,
            stacklevel=2,
        )
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
