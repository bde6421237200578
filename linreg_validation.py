"""Guard rails: check every input, and watch training for divergence.

Each ``check_*`` function returns its input in the form the maths needs (a
float, an int, a finite 1-D float array, ...) or raises an error that says
what was wrong and how to fix it. The core (``linreg_core``), the other
maths modules, the explorers and the exercise checkers all use these, so a
bad input gets the same clear message wherever it is given.

:class:`DivergenceWatch` is the one rule every training loop uses to decide
that a run is blowing up.
"""

import warnings

import numpy as np


class DivergenceWarning(RuntimeWarning):
    """Gradient descent stopped because the loss was blowing up."""


class DivergenceError(RuntimeError):
    """Training failed because the learning rate is too large for the data."""


class NotFittedError(RuntimeError):
    """A model was used before ``fit`` was called."""


class DataError(ValueError):
    """A data file cannot be read as the numeric columns asked for; the message says where and why."""


# --------------------------------------------------------------------------
# Numbers and vectors
# --------------------------------------------------------------------------


#: Inputs must stay below this size (and a nonzero array must not lie wholly below its
#: inverse), so that products, squares and sums of up to 10**7 squared residuals stay
#: finite floating-point numbers: (1e75 * 1e75)**2 * 1e7 = 1e307 < 1.8e308.
LARGEST = 1e75


#: What a helper or a check says when a trained line's m, b or predictions are nan or infinite.
DIVERGED = (
    "m and b are not numbers (nan or inf): training diverged (an lr too large for this x, x not "
    "centred, or a slip in the loop). Fix that, then run the cells from there again."
)


def has_nan_or_inf(*values):
    """True when ``values`` are numbers (or arrays of them) and one of them is nan or infinite:
    the sign of a run that diverged. False for finite numbers and for anything not a number (the
    validation that follows names that)."""
    try:
        return not all(np.all(np.isfinite(np.asarray(value, dtype=float))) for value in values)
    except (TypeError, ValueError):
        return False


def valid_size(arr, name):
    """Refuse numbers too large (or an array wholly too small) to square in floating point."""
    largest = float(np.max(np.abs(arr))) if arr.size else 0.0
    if largest > LARGEST:
        k = int(np.floor(np.log10(largest)))
        raise ValueError(
            f"{name} holds numbers as large as {largest:.3g}: too large to compute with, since "
            f"their squares overflow floating point (above about 1.8e308 numbers become inf). "
            f"Rescale first, e.g. divide by 1e{k} (measure in larger units), and scale the "
            f"answer back."
        )
    if 0 < largest < 1 / LARGEST:
        k = -int(np.floor(np.log10(largest)))
        raise ValueError(
            f"{name} holds only tiny numbers (at most {largest:.3g} in size): their squares "
            f"round to 0 in floating point. Rescale first, e.g. multiply by 1e{k} (measure in "
            f"smaller units), and scale the answer back."
        )
    return arr


def first_non_number(values):
    """The first element of ``values`` that ``float()`` refuses (for error messages)."""
    for value in np.ravel(np.asarray(values, dtype=object)):
        try:
            float(value)
        except (TypeError, ValueError):
            return value
    return values


def as_floats(values, name):
    """``np.asarray(values, dtype=float)`` after :func:`valid_kind`, or None if numpy cannot
    convert it (the caller explains why); an int too large for a float is our ValueError."""
    valid_kind(values, name)
    try:
        return np.asarray(values, dtype=float)
    except OverflowError:
        raise ValueError(f"{name} holds a whole number too large for a float (above 1.8e308).") from None
    except (TypeError, ValueError):
        return None


def valid_vector(values, name, allow_scalar=False):
    """``values`` as a finite 1-D float array (or a 0-D one if ``allow_scalar``)."""
    arr = as_floats(values, name)
    if arr is None:
        if isinstance(values, (list, tuple)) and any(isinstance(v, (list, tuple)) for v in values):
            raise ValueError(
                f"{name} must be a flat sequence of numbers (one per data point), but it holds "
                f"lists of different lengths: {values!r:.80}."
            ) from None
        raise TypeError(
            f"{name} must contain only numbers, but it holds {first_non_number(values)!r}. "
            f"Convert it first, e.g. pd.to_numeric(column) or float(value)."
        ) from None
    if arr.ndim == 0 and allow_scalar:
        pass
    elif arr.ndim == 0:
        raise ValueError(
            f"{name} is one number ({arr.item()!r}), but it must hold one value per data point: "
            f"pass the data array here (check the order of the arguments)."
        )
    elif arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per data point), "
            f"but it has shape {arr.shape}. Pass a single column, e.g. {name}.ravel()."
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
    return valid_size(arr, name)


def valid_kind(values, name):
    """Refuse values that numpy would silently turn into wrong numbers."""
    dtype = getattr(values, "dtype", None)
    if dtype is None:  # a list or a number: the dtype numpy would give it
        try:
            dtype = np.asarray(values).dtype
        except (TypeError, ValueError):  # ragged or odd: the float conversion explains it
            return
    kind = getattr(dtype, "kind", "O")
    if kind in "mM":
        raise TypeError(
            f"{name} holds dates or times, which numpy would turn into nanoseconds. Convert "
            f"them to a number with a unit first, e.g. years: dates.dt.year, or days since "
            f"the first date: (dates - dates.min()).dt.days."
        )
    if kind == "c":
        raise TypeError(
            f"{name} holds complex numbers; a regression line needs real ones. If the "
            f"imaginary parts are all 0, pass {name}.real."
        )
    if np.ma.isMaskedArray(values) and np.ma.getmaskarray(values).any():
        raise ValueError(
            f"{name} is a masked array with {int(np.ma.getmaskarray(values).sum())} masked "
            f"value(s), and numpy would use the hidden values. Drop those points from both "
            f"arrays first, e.g. keep = ~(np.ma.getmaskarray(x) | np.ma.getmaskarray(y))."
        )


def valid_xy(x, y, names=("x", "y")):
    """A pair of data vectors of equal length, as ``(x, y)`` float arrays.

    pandas Series are paired by position, as numpy does, so their indexes must
    agree; otherwise the error says how to align them by label.
    """
    x_index, y_index = getattr(x, "index", None), getattr(y, "index", None)
    if x_index is not None and y_index is not None and hasattr(x_index, "equals"):
        if not x_index.equals(y_index):
            raise ValueError(
                f"{names[0]} and {names[1]} are pandas Series with different indexes, so their "
                f"values do not belong to the same rows by position. Align them by label first: "
                f"{names[0]}, {names[1]} = {names[0]}.align({names[1]}, join='inner'); or, if the "
                f"positions do match, pass {names[0]}.to_numpy() and {names[1]}.to_numpy()."
            )
    x = valid_vector(x, names[0])
    y = valid_vector(y, names[1])
    if x.shape != y.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, but {names[0]} has "
            f"{x.size} values and {names[1]} has {y.size}. Each point needs both."
        )
    return x, y


#: Said when a trained m or b is not finite or too large: the usual cause is not the number itself.
FROM_TRAINING = (
    " If it came from your training loop, training diverged: use a smaller learning rate (and "
    "centre x if it is far from 0), then train again from m = b = 0."
)


def valid_number(value, name, trained=False):
    """One finite real number (a parameter such as m, b or lr), as a float.

    ``trained=True`` marks a line's m or b, which usually comes from a training loop: a value
    that is not finite, or too large, then also names divergence and its fix.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number, got {value!r} (text): write the number without quotes.")
    try:
        single = not isinstance(value, (bool, np.bool_)) and np.ndim(value) == 0
    except ValueError:  # a ragged list
        single = False
    if not single:
        raise TypeError(f"{name} must be a single number, got {value!r:.80}.")
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError(f"{name} must be a real number, got the complex number {value!r}.")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} is a whole number too large for a float (above 1.8e308).") from None
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r:.80}.") from None
    if not np.isfinite(number):
        raise ValueError(
            f"{name} must be a finite number, got {number}." + (FROM_TRAINING if trained else "")
        )
    if abs(number) > LARGEST:
        raise ValueError(
            f"{name} = {number:.3g} is too large to compute with: its square overflows floating point."
            + (FROM_TRAINING if trained else f" Use a number below {LARGEST:g} in size (rescale the data).")
        )
    return number


def valid_positive(value, name, example):
    """A finite number > 0; ``example`` completes the hint "e.g. ..."."""
    number = valid_number(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be positive, got {number}, e.g. {example}.")
    return number


def valid_learning_rate(lr):
    """The learning rate: a finite number > 0."""
    lr = valid_number(lr, "lr (the learning rate)")
    if lr <= 0:
        raise ValueError(
            f"lr (the learning rate) must be positive, got {lr}. "
            f"Try a small value such as 1e-4 and increase it step by step."
        )
    return lr


def valid_whole_number(value, name, low=1):
    """An int (not a bool, not a float such as 2.0) of at least ``low``."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        raise TypeError(
            f"{name} must be a whole number (an int), got the decimal number {value!r}. "
            f"Write {int(value):_} or int({value!r}): in Python 1e4 is a float, not an int."
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}.")
    return int(value)


#: More epochs than this would take minutes and fill memory with the history.
MAX_EPOCHS = 10_000_000


def valid_epochs(epochs):
    """The number of updates: a whole number from 1 to :data:`MAX_EPOCHS`."""
    epochs = valid_whole_number(epochs, "epochs")
    if epochs > MAX_EPOCHS:
        shown = f"{epochs:,}" if epochs < 10**15 else f"about 10^{len(str(epochs)) - 1}"
        raise ValueError(
            f"epochs={shown} is more than {MAX_EPOCHS:,}: that would run for many minutes and "
            f"keep a history of {24 * min(epochs, 10**15) / 1e9:,.1f}{'+' * (epochs > 10**15)} GB. "
            f"If training needs that long, scale x (x - x.mean()) / x.std(), which allows a far larger lr."
        )
    return epochs


# --------------------------------------------------------------------------
# Mini-batches (notebook 08)
# --------------------------------------------------------------------------


def valid_batch_size(batch_size, n):
    """Points per update: a whole number from 1 to ``n``."""
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be a whole number of data points, got {batch_size!r}.")
    if not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must be between 1 and n = {n} (the number of data points), got "
            f"{batch_size}. Use batch_size=1 for stochastic gradient descent and "
            f"batch_size={n} for full-batch gradient descent."
        )
    return int(batch_size)


def valid_seed(seed):
    """The seed of the shuffles: a whole number >= 0."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(
            f"seed must be a whole number >= 0 (the same seed gives the same shuffles), got {seed!r}."
        )
    return int(seed)


def valid_tau(tau):
    """The decay time of the learning rate, in updates: None or a number > 0."""
    if tau is None:
        return None
    tau = valid_number(tau, "tau (the decay time of the learning rate)")
    if tau <= 0:
        raise ValueError(
            f"tau must be positive (the learning rate halves after tau updates), got {tau}. "
            f"Use tau=None for a constant learning rate."
        )
    return tau


# --------------------------------------------------------------------------
# Feature matrices (notebook 07)
# --------------------------------------------------------------------------


def valid_matrix(values, name="X"):
    """``values`` as a finite 2-D float array with at least one row and column."""
    arr = as_floats(values, name)
    if arr is None:
        rows = values if isinstance(values, (list, tuple)) else []
        lengths = {np.size(row) for row in rows}
        if any(isinstance(row, (list, tuple, np.ndarray)) for row in rows) and len(lengths) > 1:
            raise ValueError(
                f"{name} must be a rectangular table: every row needs the same number of "
                f"features, but the rows have {sorted(lengths)} values."
            ) from None
        raise TypeError(
            f"{name} must contain only numbers, but it holds {first_non_number(values)!r}. "
            f"Convert it first, e.g. df[columns].to_numpy(dtype=float), or use load_columns."
        ) from None
    if arr.ndim != 2:
        hint = " For a single feature use x.reshape(-1, 1);" if arr.ndim == 1 else ""
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
    return valid_size(arr, name)


def valid_features_target(X, y):
    """A feature matrix and a target vector with one value per row."""
    X, y = valid_matrix(X, "X"), valid_vector(y, "y")
    if X.shape[0] != y.size:
        raise ValueError(
            f"X and y must describe the same data points, but X has {X.shape[0]} rows and "
            f"y has {y.size} values. Each point needs one row of X and one y."
        )
    return X, y


def valid_weights(weights, p, name="weights"):
    """``p + 1`` weights, the intercept first."""
    w = valid_vector(weights, name)
    if w.size != p + 1:
        raise ValueError(
            f"{name} must hold {p + 1} numbers, the intercept first and then one per feature "
            f"(X has {p} columns), but it has {w.size}."
        )
    return w


# --------------------------------------------------------------------------
# Divergence
# --------------------------------------------------------------------------


class DivergenceWatch:
    """Decide, epoch by epoch, whether a training run is blowing up.

    Below the stable learning rate, full-batch gradient descent lowers the
    loss at every epoch. So a run is diverging when its loss

    - is inf or NaN, or more than ``FACTOR`` times the starting loss, or
    - has risen above the previous epoch's and the starting loss for
      ``RISING_EPOCHS`` epochs in a row (a slow divergence).

    Parameters
    ----------
    first_loss : float
        The loss at the start of training.

    Examples
    --------
    >>> watch = DivergenceWatch(first_loss=10.0)
    >>> watch.diverging(5.0), watch.diverging(float("inf"))
    (False, True)
    """

    FACTOR = 1e6
    RISING_EPOCHS = 10

    def __init__(self, first_loss):
        if not np.isfinite(first_loss):
            raise ValueError(
                f"The loss at the starting point is {first_loss}: the data (or the starting m and "
                f"b) are too large to square in floating point. Rescale them first, e.g. divide x "
                f"and y by their standard deviations."
            )
        self.first = self.previous = first_loss
        self.limit = self.FACTOR * first_loss
        self.rising = 0  # epochs in a row above the previous and the starting loss
        self.stopped = False  # True once training should stop

    def blown_up(self, loss):
        """True if ``loss`` is not finite or over ``FACTOR`` times the start."""
        return not loss <= self.limit  # NaN compares False, so it counts as blown up

    def diverging(self, loss):
        """Record the loss of the next epoch; True if training should stop."""
        self.rising = self.rising + 1 if loss > self.previous and loss > self.first else 0
        self.previous = loss
        self.stopped = not loss <= self.limit or self.rising >= self.RISING_EPOCHS
        return self.stopped

    @property
    def diverged(self):
        """True if training stopped, or ended with a loss above its start (at any length)."""
        return self.stopped or self.previous > self.first

    def warn(self, stopped, advice):
        """The one DivergenceWarning of a run that blew up, pointing at the caller's line."""
        warnings.warn(f"{stopped}: {advice}", DivergenceWarning, stacklevel=3)
