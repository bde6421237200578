"""Every public function against a sweep of hostile inputs.

For each function a good call is varied one argument at a time over about forty hostile
values (text, None, booleans, NaN, huge and tiny numbers, complex, dates, masked arrays,
ragged and nested lists, generators, pandas Series with mismatched indexes, ...). Each call
must either return finite numbers, or raise an error *raised by the project's own code* (the
innermost frame of the traceback is in a ``linreg_*`` module, so the message is ours, not
numpy's) — with no warning other than a DivergenceWarning, and within a time limit.
"""

import math
import signal
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linreg_core as lc
import linreg_features as lf
import linreg_minibatch as lm
import linreg_widgets as lw

X = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
Y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])
M2 = np.column_stack([X, X**2])

HOSTILE = {
    "None": None,
    "text": "1.5",
    "bytes": b"1",
    "True": True,
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "zero": 0,
    "minus one": -1,
    "huge": 1e80,
    "-huge": -1e80,
    "tiny": 1e-80,
    "max float": 1.7e308,
    "huge int": 10**400,
    "complex": 3 + 4j,
    "empty list": [],
    "one-item list": [1.0],
    "nested list": [[1.0, 2.0], [3.0, 4.0]],
    "ragged list": [[1.0], [2.0, 3.0]],
    "list with text": [1.0, "a", 3.0, 4.0, 5.0],
    "list with None": [1.0, None, 3.0, 4.0, 5.0],
    "array with nan": np.array([1.0, 2.0, np.nan, 4.0, 5.0]),
    "array with inf": np.array([1.0, 2.0, np.inf, 4.0, 5.0]),
    "huge array": X * 1e80 + 1,
    "tiny array": (X + 1) * 1e-80,
    "constant array": np.full(5, 3.0),
    "wrong length": np.arange(4.0),
    "3-D array": np.zeros((2, 2, 2)),
    "complex array": X + 1j,
    "dates": np.array(["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-06", "2020-01-09"], "M8[D]"),
    "masked": np.ma.masked_array(X, mask=[0, 1, 0, 0, 0]),
    "text array": np.array(["0", "2", "3", "5", "6"]),
    "object array": np.array([0.0, 2.0, 3.0, 5.0, object()], dtype=object),
    "bool array": np.array([True, False, True, True, False]),
    "series, shuffled index": pd.Series(X, index=[4, 3, 2, 1, 0]),
    "dict": {"x": 1.0},
    "object": object(),
    "generator": (v for v in X),
    "function": len,
    "path to nowhere": Path("/nonexistent/data.csv"),
}

# name: (function, good arguments); every argument position gets every hostile value.
CALLS = {
    "predict": (lc.predict, (X, 1.0, 1.0)),
    "mse": (lc.mse, (Y, X)),
    "r_squared": (lc.r_squared, (Y, X)),
    "loss_surface": (lc.loss_surface, (X, Y, [0.0, 1.0], [0.0, 1.0])),
    "gradients": (lc.gradients, (X, Y, 1.0, 1.0)),
    "numerical_gradients": (lc.numerical_gradients, (X, Y, 1.0, 1.0, 1e-5)),
    "step": (lc.step, (X, Y, 0.0, 0.0, 0.01)),
    "stable_learning_rate": (lc.stable_learning_rate, (X,)),
    "hessian": (lc.hessian, (X,)),
    "divergence_advice": (lc.divergence_advice, (X, 0.1)),
    "gradient_descent": (lc.gradient_descent, (X, Y, 0.01, 20, 0.0, 0.0)),
    "LinearRegression": (
        lambda lr, epochs, x, y: lc.LinearRegression(lr, epochs).fit(x, y).predict(x),
        (0.01, 20, X, Y),
    ),
    "closed_form": (lc.closed_form, (X, Y)),
    "standardize": (lc.standardize, (X,)),
    "unstandardize": (lc.unstandardize, (2.0, 4.0, 3.2, 2.2)),
    "epochs_to_converge": (lc.epochs_to_converge, ([0.0, 0.9, 1.0], [0.0, 0.9, 1.0], 1.0, 1.0, 1e-3)),
    "load_xy": (lc.load_xy, (lc.DATA_DIR / "tiny.csv", "x", "y")),
    "load_columns": (lc.load_columns, (lc.DATA_DIR / "tiny.csv", ["x", "y"])),
    "design_matrix": (lf.design_matrix, (M2,)),
    "predict_multi": (lf.predict_multi, (M2, [1.0, 0.5, 0.1])),
    "gradients_multi": (lf.gradients_multi, (M2, Y, [1.0, 0.5, 0.1])),
    "normal_equation": (lf.normal_equation, (M2, Y)),
    "stable_learning_rate_multi": (lf.stable_learning_rate_multi, (M2,)),
    "gradient_descent_multi": (lf.gradient_descent_multi, (M2, Y, 0.001, 20)),
    "minibatch_gradient_descent": (lm.minibatch_gradient_descent, (X, Y, 0.01, 5, 2, 0, 0.0, 0.0, None)),
}
CASES = [
    (name, position, label)
    for name, (_, good) in CALLS.items()
    for position in range(len(good))
    for label in HOSTILE
]
OURS = tuple(f"linreg_{name}.py" for name in ("core", "validation", "data", "features", "minibatch"))


def finite(value):
    """Whether every number in a (nested) result is finite."""
    if isinstance(value, (str, bytes, type(None), bool)):
        return True
    if isinstance(value, (tuple, list)):
        return all(finite(v) for v in value)
    if hasattr(value, "_asdict"):
        return all(finite(v) for v in value._asdict().values())
    arr = np.asarray(value)
    if arr.dtype.kind in "fc":
        return bool(np.all(np.isfinite(arr)))
    return True


def raised_by_us(error):
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return Path(tb.tb_frame.f_code.co_filename).name in OURS


class TookTooLong(Exception):
    pass


def call_with_limit(function, args, seconds=10):
    def alarm(*_):
        raise TookTooLong

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fresh(value):
    """A generator can be consumed only once: give every call its own."""
    return (v for v in X) if isinstance(value, type(v for v in ())) else value


@pytest.mark.parametrize("name", CALLS)
def test_the_good_call_works(name):
    function, good = CALLS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert finite(function(*good))


def test_the_sweep_is_large():
    assert len(CASES) > 1000


@pytest.mark.parametrize("name, position, label", CASES, ids=lambda v: str(v))
def test_hostile_input(name, position, label):
    function, good = CALLS[name]
    args = list(good)
    args[position] = fresh(HOSTILE[label])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call_with_limit(function, args)
        except TookTooLong:
            pytest.fail(f"{name} with {label} as argument {position} did not finish within 10 s")
        except (TypeError, ValueError, RuntimeError, OSError) as error:
            assert raised_by_us(error), f"{name}({label}): {type(error).__name__} from numpy/pandas: {error}"
            assert len(str(error)) > 20, f"{name}({label}): the message is too short to help: {error}"
            result = None
    others = [w for w in caught if not issubclass(w.category, lc.DivergenceWarning)]
    assert not others, f"{name}({label}) leaked {others[0].category.__name__}: {others[0].message}"
    if result is not None:
        assert finite(result), f"{name}({label}) returned non-finite numbers: {result!r}"


# The explorers: each keyword (and the data) gets every hostile value. Building one draws a
# figure, so this sweep takes a while (about 1200 cases, 20-30 s): marked slow, not in make check.

# Each registered explorer's typical call on X, Y (lw.EXPLORERS): every keyword in it is swept.
EXPLORERS = {name: (entry.cls, entry.example(X, Y)) for name, entry in lw.EXPLORERS.items()}
EXPLORER_CASES = [(name, k, label) for name, (_, kw) in EXPLORERS.items() for k in kw for label in HOSTILE]
#: The explorers' own files: an error raised there is ours too.
WIDGETS = Path(lw.__file__).resolve().parent


@pytest.mark.parametrize("name", EXPLORERS)
def test_the_good_explorer_call_works(name):
    """The call the sweep varies is a good one: it builds the explorer without any warning."""
    cls, good = EXPLORERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cls(**good).image.value


@pytest.mark.slow
@pytest.mark.parametrize("name, key, label", EXPLORER_CASES, ids=lambda v: str(v))
def test_hostile_explorer_argument(name, key, label):
    cls, good = EXPLORERS[name]
    kwargs = dict(good, **{key: fresh(HOSTILE[label])})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call_with_limit(lambda: cls(**kwargs), ())
        except TookTooLong:
            pytest.fail(f"{name}({key}={label}) did not finish within 10 s")
        except (TypeError, ValueError, RuntimeError) as error:
            tb = error.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            where = Path(tb.tb_frame.f_code.co_filename).resolve()
            ours = where.name in OURS or where.parent == WIDGETS
            assert ours, f"{name}({key}={label}): {type(error).__name__} from {where.name}: {error}"
    others = [w for w in caught if not issubclass(w.category, lc.DivergenceWarning)]
    assert not others, f"{name}({key}={label}) leaked {others[0].category.__name__}: {others[0].message}"


@pytest.mark.parametrize("m, b", [(1e6, -3e5), (1e12, 1e11), (1e75, -1e75)])
def test_finite_differences_keep_their_accuracy_for_large_parameters(m, b):
    """A fixed step h = 1e-5 would vanish next to m = 1e12 (m + h == m): the step is relative."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    n = len(x)
    residuals = [yi - (m * xi + b) for xi, yi in zip(x.tolist(), y.tolist())]  # by hand
    dm = -2 / n * sum(xi * r for xi, r in zip(x.tolist(), residuals))
    db = -2 / n * sum(residuals)
    assert lc.numerical_gradients(x, y, m, b) == pytest.approx((dm, db), rel=1e-6)


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: lc.gradients(X * 1e80, Y, 0.0, 0.0), r"as large as 6e\+80.*divide by 1e80"),
        (lambda: lc.closed_form(X * 1e-80, Y), r"only tiny numbers.*multiply by 1e80"),
        (lambda: lc.predict(X, 1e80, 0.0), r"m = 1e\+80 is too large"),
        (lambda: lc.mse(Y, lc.predict(X, 1e75, 0.0)), r"y_pred holds numbers as large as 6e\+75"),
    ],
)
def test_numbers_too_large_or_too_small_to_square_say_how_to_rescale(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
