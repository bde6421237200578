"""Notebook 07 · Closed form and several features: check_normal_equation."""

import inspect
import re

import numpy as np

import linreg_core as lc
import linreg_features as lf

from .engine import Feedback, Mistake, all_of, function_exercise, refuse_shortcuts, show


def _normal_equation_cases():
    """``(features, y)``: features far from 0 and a clear intercept, so that a
    missing column of ones or a misplaced intercept changes the answer."""
    rng = np.random.default_rng(7)
    cases = []
    for n, p in ((12, 2), (15, 3)):
        X = rng.uniform(10, 30, size=(n, p)) + np.arange(p) * 5
        cases.append((X, 40.0 + X @ np.linspace(2.0, -1.5, p) + rng.normal(0, 2.0, n)))
    return cases


#: The lengths a right answer can have: p + 1 for the cases' p features.
_SIZES = {X.shape[1] + 1 for X, _ in _normal_equation_cases()}

_TRANSPOSE_HINT = (
    "Check the transposes: with the design matrix X (n rows, p + 1 columns) the "
    "normal equation is (X.T @ X) w = X.T @ y, a (p + 1) × (p + 1) system; "
    "X @ X.T is n × n, and X @ y or solve(X.T @ X, y) do not fit together."
)


def _through_origin(X, y):
    """The weights of a fit with no column of ones (no intercept)."""
    return np.linalg.lstsq(X, y, rcond=None)[0]


_NO_ONES = (
    "Your feature weights are the fit of a line forced through the origin: the column of ones is "
    "missing from the design matrix, so there is no intercept to fit. Prepend it: "
    "X = np.column_stack([np.ones(len(features)), features])."
)

NORMAL_EQUATION_MISTAKES = [
    Mistake(
        lambda X, y: np.roll(lf.normal_equation(X, y), -1),
        "The numbers are right but the intercept "
        "is last: put the column of ones first, so w = (b, w_1, ..., w_p).",
    ),
    Mistake(lambda X, y: np.r_[0.0, _through_origin(X, y)], _NO_ONES),
    Mistake(lambda X, y: np.r_[_through_origin(X, y), 0.0], _NO_ONES),
]


def _weights(value, finite=True):
    """The returned weights as a flat float array (of finite numbers), or None."""
    try:
        w = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError, OverflowError):
        return None
    return w if w.size and (np.all(np.isfinite(w)) or not finite) else None


def _read_weights(value):
    w = _weights(value)
    return w if w is not None and w.size in _SIZES else None


def _normal_equation_shape_text(value, X, y):
    (n, p), w = X.shape, _weights(value)
    if w is None and _weights(value, finite=False) is not None:
        return f"Your weights contain NaN or infinity: {_weights(value, finite=False).tolist()}."
    if w is None:
        return (
            f"Return the weights as one array of numbers, intercept first; your function "
            f"returned {show(value)}."
        )
    if w.size == p:
        return (
            f"With {p} features there are {p + 1} weights, but you returned {p}: the intercept is "
            f"missing. Did you forget the column of ones? X = np.column_stack([np.ones(len("
            f"features)), features])."
        )
    if w.size == n:
        return f"You returned {n} numbers, one per data point, instead of {p + 1} weights. {_TRANSPOSE_HINT}"
    return f"Expected {p + 1} weights (intercept first, then one per feature), but got {w.size}."


def _normal_equation_wrong_text(case, got, right):
    X, y = case
    A = lf.design_matrix(X)
    return (
        f"On a test set with {X.shape[0]} points and {X.shape[1]} features your weights "
        f"{np.round(got, 4).tolist()} give MSE {lc.mse(y, A @ got):.4g}, but the best weights "
        f"{np.round(right, 4).tolist()} give {lc.mse(y, A @ right):.4g}. Build X with a column of ones "
        f"first, then solve (X.T @ X) w = X.T @ y with np.linalg.solve."
    )


def _normal_equation_notes(feedback, function):
    """A shape hint after numpy's ValueError / LinAlgError; a note on ``inv`` after a right answer."""
    if re.search(r"raised (ValueError|LinAlgError)", feedback.message):
        # In this exercise numpy's ValueError / LinAlgError almost always means shapes.
        return Feedback(False, feedback.message.rstrip(".") + ". " + _TRANSPOSE_HINT)
    if feedback.ok and _uses_inverse(function):
        return Feedback(
            True,
            feedback.message + " You used np.linalg.inv: that works here, but "
            "np.linalg.solve(X.T @ X, X.T @ y) does less work and loses fewer digits. Never "
            "invert a matrix just to multiply the inverse by one vector.",
        )
    return feedback


def _normal_equation_solution(features, y):  # the notebook's solution
    X = np.column_stack([np.ones(len(features)), features])
    return np.linalg.solve(X.T @ X, X.T @ y)


def _normal_equation_inv(features, y):
    X = np.column_stack([np.ones(len(features)), features])
    return np.linalg.inv(X.T @ X) @ X.T @ y


def _normal_equation_transposed(features, y):
    X = np.column_stack([np.ones(len(features)), features])
    return np.linalg.solve(X @ X.T, X.T @ y)


@function_exercise(
    "07",
    cases=_normal_equation_cases,
    reference=lf.normal_equation,
    mistakes=NORMAL_EQUATION_MISTAKES,
    solutions=[
        _normal_equation_solution,
        _normal_equation_inv,
        lambda X, y: list(_normal_equation_solution(X, y)),
    ],
    slips=[
        (lambda X, y: list(lf.normal_equation(X, y)), "uses `lf.normal_equation`"),
        (_normal_equation_transposed, "Check the transposes"),
        (lambda features, y: np.linalg.lstsq(features, y, rcond=None)[0], "the intercept is missing"),
        (lambda features, y: features[:, 0] * 0, "one per data point, instead of"),
    ],
    read=_read_weights,
    shape_text=_normal_equation_shape_text,
    wrong_text=_normal_equation_wrong_text,
    right_text=lambda got: (
        f"Your weights match the least-squares solution on {all_of(len(got), 'test set')}."
    ),
    after=refuse_shortcuts(lf.normal_equation, after=_normal_equation_notes),
)
def check_normal_equation(function):
    """Check ``function(features, y)``: least-squares weights ``(b, w_1, ..., w_p)``.

    ``features`` has n rows and p columns (no column of ones): the function must
    build the design matrix with a column of ones in front, solve the normal
    equation ``(X.T @ X) w = X.T @ y`` and return ``w``, intercept first.
    Compared with :func:`linreg_features.normal_equation` on two data sets (2 and
    3 features). Recognises a missing column of ones, the intercept last, wrong
    transposes (a crash or a result of the wrong length), and notes ``inv``.
    """


def _uses_inverse(function):
    """True if the source of ``function`` calls ``inv(`` (but not ``pinv(``)."""
    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return re.search(r"(?<![p\w])inv\s*\(", text) is not None
