"""The exercise checkers: every registered exercise is tried the same way, then what is special.

The registry (``ex.EXERCISES``) holds each exercise's answers that must pass and its wrong
answers, each with a piece of the hint it must get; the first tests loop over it, so a new
exercise is tested by declaring it. The tests after them check what no loop can: the engine
(time limit, printed output, outside data) and claims that need an independent computation.
"""

import random
import signal
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import linreg_core as lc
import linreg_exercises as ex
from linreg_exercises import engine

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = list(ex.EXERCISES.values())
FUNCTION_EXERCISES = [record for record in EXERCISES if record.task is not None]


def _ids(record):
    return record.name


def _slips():
    return [
        pytest.param(record, i, id=f"{record.name}-{i}")
        for record in EXERCISES
        for i in range(len(record.slips()))
    ]


# --------------------------------------------------------------------------
# Every exercise: right answers pass, each wrong answer gets its own hint
# --------------------------------------------------------------------------


@pytest.mark.parametrize("record", EXERCISES, ids=_ids)
def test_the_right_answers_pass(record):
    solutions = record.solutions()
    assert solutions, f"{record.name} declares no answer that passes"
    for args in solutions:
        feedback = record.checker(*args)
        assert isinstance(feedback, ex.Feedback) and feedback.ok is True, feedback.message
        right = "✅ Right! " if isinstance(feedback, ex.Prediction) else "✅ Correct! "
        assert bool(feedback) and repr(feedback).startswith(right)


@pytest.mark.parametrize("record, i", _slips())
def test_each_wrong_answer_gets_its_own_hint(record, i):
    args, hint = record.slips()[i]
    feedback = record.checker(*args)
    assert isinstance(feedback, ex.Feedback) and feedback.ok is False
    # a wrong prediction is what predict-first exercises are for: no red cross for it
    marks = {ex.Prediction: "🔎 ", ex.NotStarted: "📝 Not started yet. "}  # no red cross for either
    wrong = marks.get(type(feedback), "❌ Not yet. ")
    assert not feedback and repr(feedback).startswith(wrong)
    assert hint in feedback.message, feedback.message


@pytest.mark.parametrize("record", EXERCISES, ids=_ids)
def test_different_mistakes_get_different_messages(record):
    """Two wrong answers declared with different hints must not get the same message: one hint
    would hide the other. (Hints of which one contains the other are one mistake written two
    ways, e.g. mean(y − ŷ) and mean(ŷ − y), or a notebook's starter that makes a listed mistake.)"""
    slips = record.slips()
    assert len(slips) >= 3, f"{record.name}: declare its typical wrong answers"
    messages = {}
    for args, hint in slips:
        messages.setdefault(record.checker(*args).message, set()).add(hint)
    for hints in messages.values():
        for a in hints:
            for b in hints:
                assert a in b or b in a, (a, b)


def test_every_checker_the_notebooks_call_is_registered_for_its_notebook():
    """Each ``ex.check_…(`` of a notebook twin is a registered exercise of that notebook (or, for
    check_gradients, reused by notebook 05), and every registered exercise is called somewhere."""
    import re

    called = set()
    for source in sorted((ROOT / "notebooks" / "sources").glob("[0-9][0-9]_*.md")):
        for name in re.findall(r"\bex\.(check_\w+)\(", source.read_text(encoding="utf-8")):
            assert name in ex.EXERCISES, f"{source.name} calls ex.{name}, which is not registered"
            called.add(name)
            number = source.name[:2]
            assert ex.EXERCISES[name].notebook == number or name == "check_gradients", (source.name, name)
    assert called == set(ex.EXERCISES)


def test_one_declaration_per_exercise():
    """A second declaration with the same name would silently replace the first one."""
    import re

    package = Path(ex.__file__).parent
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(package.glob("nb*.py")))
    assert len(re.findall(r"^@(?:function_)?exercise\(", text, re.M)) == len(ex.EXERCISES)
    assert all(getattr(ex, name) is record.checker for name, record in ex.EXERCISES.items())


# --------------------------------------------------------------------------
# Every exercise: junk never raises, and a checker leaves no trace
# --------------------------------------------------------------------------


class _NoRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise ZeroDivisionError("no float either")

    def __iter__(self):
        raise KeyError("no items")


def _junk():
    def gen():
        yield 1.0
        raise ValueError("late")

    return [
        None,
        ...,
        True,
        np.False_,
        0,
        -1,
        10**400,
        10**5000,
        float("nan"),
        float("inf"),
        1e308,
        2 + 3j,
        "",
        "0.0001",
        "x",
        b"1",
        [],
        [1.0, 2.0],
        (1.0, "a"),
        {},
        {"S1": object()},
        np.array([]),
        np.array(["a", "b"]),
        np.zeros((2, 2)),
        np.arange(200.0),
        object(),
        _NoRepr(),
        gen(),
        lambda *args: 1 / 0,
        lambda *args: None,
        lambda *args: _NoRepr(),
        print,
        np.mean,
    ]


def _junk_calls(record):
    """Each argument of a right call in turn replaced by every junk value, then random mixes."""
    base = list(record.solutions()[0])
    junk = _junk() + list(record.junk)
    calls = [base[:i] + [value] + base[i + 1 :] for i in range(len(base)) for value in junk]
    rng = random.Random(10)
    calls += [[rng.choice(junk) for _ in base] for _ in range(60)]
    return calls + [[], base + ["one too many"]]


@pytest.mark.parametrize("record", EXERCISES, ids=_ids)
def test_junk_never_raises(record):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning escapes either
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        for args in _junk_calls(record):
            feedback = record.checker(*args)
            assert isinstance(feedback, ex.Feedback) and isinstance(feedback.message, str)
            assert isinstance(feedback.ok, bool) and bool(feedback) == feedback.ok
            repr(feedback)


def _state():
    """What a checker must leave as it found it."""
    modules = [engine] + [sys.modules[f"linreg_exercises.nb0{i}"] for i in range(1, 10)]
    return {
        "stdout": sys.stdout,
        "stderr": sys.stderr,
        "handler": signal.getsignal(signal.SIGALRM),
        "timer": signal.getitimer(signal.ITIMER_REAL),
        "trace": sys.gettrace(),
        "numpy errors": np.geterr(),
        "numpy random": repr(np.random.get_state()),
        "warning filters": list(warnings.filters),
        "tiny data": (engine.TINY_X.tolist(), engine.TINY_Y.tolist()),
        "globals": [{key: id(value) for key, value in vars(module).items()} for module in modules],
        "registry": dict(ex.EXERCISES),
    }


def _vandal(*args):
    """A student function that prints and writes into its arguments."""
    print("changing everything")
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
            arg[...] = 0.0
    return (0.0, 0.0)


@pytest.mark.parametrize("record", EXERCISES, ids=_ids)
def test_a_checker_leaves_no_trace(record, capsys):
    before = _state()
    calls = record.solutions() + [args for args, _ in record.slips()]
    if record.task is not None:
        calls.append((_vandal,))
    snapshots = [[arg.copy() if isinstance(arg, np.ndarray) else None for arg in args] for args in calls]
    for args in calls:
        record.checker(*args)
    assert _state() == before
    for args, copies in zip(calls, snapshots):  # the caller's arrays are untouched
        for arg, copy in zip(args, copies):
            if copy is not None:
                np.testing.assert_array_equal(arg, copy)
    assert capsys.readouterr() == ("", "")  # nothing printed reached the notebook
    if record.task is not None:  # and the cases a vandal saw are still the right ones
        assert record.checker(record.solutions()[0][0]).ok


@pytest.mark.parametrize("record", FUNCTION_EXERCISES, ids=_ids)
def test_a_crash_in_a_function_is_named(record):
    def broken(*args):
        return undefined_name  # noqa: F821

    feedback = record.checker(broken)
    assert not feedback.ok and "Your function raised NameError: name 'undefined_name'" in feedback.message


@pytest.mark.parametrize("record", FUNCTION_EXERCISES, ids=_ids)
def test_a_function_exercise_wants_the_function_itself(record):
    feedback = record.checker(3.0)
    assert not feedback.ok and "Pass your function itself, without calling it; got 3.0." == feedback.message


def test_the_safety_net_names_the_problem():
    feedback = ex.check_mse()  # called without the function
    assert not feedback.ok and "could not use what you passed (TypeError" in feedback.message


def test_a_name_is_registered_once():
    record = ex.EXERCISES["check_mse"]

    def check_mse(answer):
        return ex.Feedback(True, "")

    check_mse.__module__ = "a_new_notebook_module"
    with pytest.raises(ValueError, match="Two exercises are called check_mse"):
        engine.exercise("09", solutions=list, slips=list)(check_mse)
    assert ex.EXERCISES["check_mse"] is record


# --------------------------------------------------------------------------
# What no loop can check: the engine, and claims against independent computations
# --------------------------------------------------------------------------


def _grad(x, y, m, b):
    """The MSE gradient in plain numpy, written here independently of the core."""
    r = np.asarray(y, float) - (m * np.asarray(x, float) + b)
    return -2 * np.mean(x * r), -2 * np.mean(r)


def _curvatures(x):
    """The two curvatures of the loss, largest first, from numpy's eigenvalues of the
    second-derivative matrix written out here (not the core's formula)."""
    x = np.asarray(x, float)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    low, high = np.linalg.eigvalsh(hessian)
    return high, low


def _steps_to_shrink(factor, fraction):
    """Plain count: steps until |factor|**k <= fraction."""
    k, size = 0, 1.0
    while size > fraction:
        size *= abs(factor)
        k += 1
    return k


def _minus(text):
    return text.replace("-", "−")


@pytest.mark.parametrize("share", [0.26, 0.4, 0.5, 0.6, 0.74])
def test_check_learning_rate_accepts_rates_that_at_least_halve_the_steep_distance(classic, share):
    c, _ = _curvatures(classic[0])
    lr = share * 2 / c
    feedback = ex.check_learning_rate(*classic, lr)
    assert feedback.ok, feedback.message
    assert "works" in feedback.message.split("\n")[0]


@pytest.mark.parametrize("lr", [1e-4, 2e-4, np.float32(1e-4), np.float64(2e-4)])
def test_check_learning_rate_accepts_the_usual_rates_and_numpy_numbers(classic, lr):
    assert ex.check_learning_rate(*classic, lr).ok


@pytest.mark.parametrize(
    "lr, hint",
    [
        (1e-6, "too small"),  # starter value of the exercise
        (2e-5, "too small"),
        (7.0e-5, "too small"),  # just below a quarter of the bound, 7.44e-5
        (2.3e-4, "is close to the bound"),  # just above three quarters, 2.23e-4
        (2.9e-4, "is close to the bound"),
        (3.0e-4, "training diverges"),  # just above the bound 2.975e-4
        (1e-2, "training diverges"),
        (1, "training diverges"),  # an int is a number too
    ],
)
def test_check_learning_rate_explains_failures(classic, lr, hint):
    feedback = ex.check_learning_rate(*classic, lr)
    assert not feedback.ok
    assert hint in feedback.message, feedback.message


def test_check_learning_rate_too_small_says_how_much_distance_a_step_keeps(classic):
    c, _ = _curvatures(classic[0])
    feedback = ex.check_learning_rate(*classic, 7e-5)
    assert f"keeps {100 * (1 - 7e-5 * c):.0f} % of the distance" in feedback.message  # 1 - 0.47 = 53 %


@pytest.mark.parametrize(
    "lr, hint",
    [
        ("0.0001", "without quotes"),
        ("fast", "the text 'fast'"),
        (True, "yes/no"),
        (np.True_, "yes/no"),
        (None, "None"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (0, "must be positive"),
        (-1e-4, "must be positive"),
        ([1e-4], "one number"),
        (10**400, "too large for a float"),
        (1e-4 + 0j, "one number"),
    ],
)
def test_check_learning_rate_refuses_what_is_not_one_positive_number(classic, lr, hint):
    feedback = ex.check_learning_rate(*classic, lr)
    assert not feedback.ok
    assert hint in feedback.message, feedback.message


@pytest.mark.parametrize(
    "extra", [{"epochs": 50.0}, {"epochs": "fifty"}, {"epochs": None}, {"epochs": 10**400}, {"target": 60}]
)
def test_check_learning_rate_tolerates_leftover_keywords(classic, extra):
    feedback = ex.check_learning_rate(*classic, 1e-4, **extra)
    assert feedback.ok, feedback.message


def test_check_trained_model_accepts_a_converged_model_on_standardised_x(bill):
    x, y = bill
    x_s = (x - x.mean()) / x.std()
    model = lc.LinearRegression(lr=0.1, epochs=300).fit(x_s, y)
    feedback = ex.check_trained_model(model, x_s, y)
    assert feedback.ok, feedback.message
    # the least-squares line from np.polyfit, independently of the core
    slope, intercept = np.polyfit(x_s, y, 1)
    assert model.m == pytest.approx(slope) and model.b == pytest.approx(intercept)


def test_check_trained_model_starter_is_not_converged_and_suggests_scaling(bill):
    x, y = bill
    model = lc.LinearRegression(lr=1e-5, epochs=100).fit(x, y)  # the exercise's starter
    feedback = ex.check_trained_model(model, x, y)
    assert not feedback.ok
    assert "not converged" in feedback.message and "Centre x first" in feedback.message


def test_check_trained_model_on_centred_x_suggests_more_epochs(bill):
    x, y = bill
    x_s = (x - x.mean()) / x.std()
    model = lc.LinearRegression(lr=0.01, epochs=100).fit(x_s, y)
    feedback = ex.check_trained_model(model, x_s, y)
    assert not feedback.ok
    assert "more epochs" in feedback.message and "Centre" not in feedback.message


def test_check_trained_model_unfitted(bill):
    x, y = bill
    feedback = ex.check_trained_model(lc.LinearRegression(lr=1e-5), x, y)
    assert not feedback.ok and "call model.fit(x, y)" in feedback.message
    feedback = ex.check_trained_model(lc.LinearRegression(lr=1e-2), x, y)
    bound = 2 / (np.mean(x * x) + 1 + np.hypot(np.mean(x * x) - 1, 2 * np.mean(x)))  # 2/λmax, by hand
    assert not feedback.ok and "fit diverges" in feedback.message and f"{bound:.4g}" in feedback.message


class _History:
    losses = np.array([10.0, 5.0])


class _Broken:
    lr, history, m, b = 0.1, _History(), 1.0, 0.0

    def predict(self, x):
        raise RuntimeError("no prediction today")


class _NoLosses(_Broken):
    history = object()


class _Hangs(_Broken):
    def predict(self, x):
        while True:
            pass


class _WrongLength(_Broken):
    def predict(self, x):
        return np.zeros(3)


class _Explodes:
    """Every attribute read raises something other than AttributeError."""

    def __getattr__(self, name):
        if name.startswith("__"):  # pytest and copy look for these
            raise AttributeError(name)
        raise RuntimeError(f"no {name} here")


class _TextSlope:
    """A model whose m and b are text, but whose predictions are the least-squares line."""

    lr, m, b = 0.1, "about 40", "?"

    def __init__(self, x, y):
        self.history = type("H", (), {"losses": [lc.mse(y, lc.predict(x, *lc.closed_form(x, y)))]})()
        self._line = lc.closed_form(x, y)

    def predict(self, x):
        return lc.predict(x, *self._line)


@pytest.mark.parametrize(
    "model, hint",
    [
        (None, "Expected a LinearRegression"),
        ("model", "Expected a LinearRegression"),
        (_Broken(), "model.predict(x) raised RuntimeError: no prediction today"),
        (_NoLosses(), "holds no training losses"),
        (_WrongLength(), "did not give one number per point"),
        (_Explodes(), "Expected a LinearRegression"),
        (object(), "Expected a LinearRegression"),
    ],
)
def test_check_trained_model_never_raises(bill, model, hint):
    feedback = ex.check_trained_model(model, *bill)
    assert not feedback.ok
    assert hint in feedback.message


def test_check_trained_model_stops_a_predict_that_hangs(bill, monkeypatch):
    monkeypatch.setattr(engine, "TIME_LIMIT", 0.2)
    feedback = ex.check_trained_model(_Hangs(), *bill)
    assert not feedback.ok and "did not finish within 0.2 s" in feedback.message


def test_check_trained_model_shows_a_model_with_text_parameters(bill):
    x, y = bill
    feedback = ex.check_trained_model(_TextSlope(x, y), x, y)
    assert feedback.ok and "m = 'about 40'" in feedback.message, feedback.message


def _gradients_right(x, y, m, b):
    residuals = y - (m * x + b)
    return -2 * np.mean(x * residuals), -2 * np.mean(residuals)


BUG_KEY = {"S1": "c", "S2": "b", "S3": "e", "S4": "d", "S5": "a"}  # from the notebook's table


def test_check_bug_match_starter_gets_a_not_yet():
    feedback = ex.check_bug_match({key: "?" for key in BUG_KEY})  # as shipped
    assert not feedback.ok and "still open: S1, S2, S3, S4, S5" in feedback.message
    feedback = ex.check_bug_match({"S1": "c"})  # missing keys count as open
    assert not feedback.ok and "still open: S2, S3, S4, S5" in feedback.message


def test_check_bug_match_gives_every_hint_when_all_are_wrong():
    shifted = {"S1": "a", "S2": "c", "S3": "d", "S4": "e", "S5": "b"}
    feedback = ex.check_bug_match(shifted)
    assert not feedback.ok and "0 of 5 right" in feedback.message
    assert all(f"{key}:" in feedback.message for key in BUG_KEY)


def test_check_unstandardize_cases_are_far_from_the_trivial_ones():
    for m_s, _b_s, mean, std in ex.EXERCISES["check_unstandardize"].task.cases():
        assert mean != 0 and std != 1 and m_s != 0


def _ones(X):
    return np.column_stack([np.ones(len(X)), X])


def normal_inv(X, y):
    A = _ones(X)
    return np.linalg.inv(A.T @ A) @ A.T @ y


def test_check_normal_equation_accepts_inv_with_a_note():
    feedback = ex.check_normal_equation(normal_inv)
    assert feedback.ok
    assert "np.linalg.inv" in feedback.message and "np.linalg.solve" in feedback.message


def test_check_minibatch_epoch_accepts_core_step_per_batch():
    def with_core(x, y, m, b, lr, batch_size, order):
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            m, b = lc.step(x[batch], y[batch], m, b, lr)
        return np.float64(m), np.float64(b)

    assert ex.check_minibatch_epoch(with_core).ok


def _product_of_means(x, y, m, b):  # bug of notebook 05, exercise 2
    y_pred = m * x + b
    return -2 * np.mean(x) * np.mean(y - y_pred), -2 * np.mean(y - y_pred)


def test_the_product_of_the_means_really_stops_on_every_line_through_the_centre():
    """What the hint claims, checked: with that dm, a line through (mean x, mean y) has zero gradient."""
    x = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
    y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])
    for m in (-1.0, 0.3, 2.0):
        b = y.mean() - m * x.mean()
        assert np.allclose(_product_of_means(x, y, m, b), 0.0, atol=1e-12)


def _notebook_function(source, **names):
    """Define a function as a notebook cell would: its globals are the notebook's variables."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    namespace = {"np": np, "x": x, "y": y, "y_pred": 1.5 * x, "lc": lc, **names}
    exec(source, namespace)
    return namespace["f"]


@pytest.mark.parametrize(
    "check, source, name",
    [
        (ex.check_mse, "def f(y_true, y_hat):\n    return np.mean((y_true - y_pred) ** 2)", "y_pred"),
        (ex.check_mse, "def f(y, p):\n    return float(np.mean((y[0] - p[0]) ** 2 + 0 * x[:1]))", "x"),
        (
            ex.check_gradients,
            "def f(x_data, y_data, m, b):\n    r = y_data - (m * x + b)\n"
            "    return -2 * np.mean(x * r), -2 * np.mean(r)",
            "x",
        ),
        (
            ex.check_gradients,
            "def f(xs, ys, m, b):\n    r = lambda: y - (m * x + b)\n    return -2 * np.mean(x * r()), 0.0",
            "x` and `y",  # y only inside a lambda of the function
        ),
        (ex.check_step, "def f(a, c, m, b, lr):\n    return m - lr * np.mean(x), b", "x"),
        (ex.check_unstandardize, "def f(m_s, b_s, mean, std):\n    return m_s / x.std(), b_s", "x"),
        (ex.check_normal_equation, "def f(X, t):\n    return np.zeros(3) + y[:3]", "y"),
        (ex.check_minibatch_epoch, "def f(a, c, m, b, lr, size, order):\n    return m + x[0], b", "x"),
    ],
)
def test_every_function_checker_says_when_the_global_data_is_read(check, source, name):
    feedback = check(_notebook_function(source))
    assert not feedback.ok
    assert f"Your function reads the global `{name}` of the notebook" in feedback.message, feedback.message
    assert "What the checker saw:" in feedback.message


def test_reading_a_global_array_is_fine_when_the_answer_is_right():
    f = _notebook_function(
        "def f(y, y_pred):\n    n = len(x)  # harmless\n    return np.mean((y - y_pred) ** 2)"
    )
    assert ex.check_mse(f).ok


def test_global_numbers_and_modules_are_not_data():
    f = _notebook_function("def f(y, p):\n    return np.mean((y - p) ** 2) + k", k=1.0)
    feedback = ex.check_mse(f)
    assert not feedback.ok and "global" not in feedback.message


def test_outside_data_lists_the_arrays_a_function_reads():
    f = _notebook_function("def f(a, b):\n    return x + y_pred + a + k", k=np.array([1.0]))
    assert ex.outside_data(f) == [("x", 200), ("y_pred", 200)]  # k has one number only
    assert ex.outside_data(np.mean) == [] and ex.outside_data(len) == []


def _forever(x, y, m, b):
    while True:
        pass


def _forever_and_deaf(x, y, m, b):
    while True:
        try:
            while True:
                pass
        except Exception:  # a student who catches everything
            pass


@pytest.mark.parametrize("function", [_forever, _forever_and_deaf])
def test_a_function_that_never_ends_is_stopped(monkeypatch, function):
    import signal
    import time

    monkeypatch.setattr(engine, "TIME_LIMIT", 0.2)
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    feedback = ex.check_gradients(function)
    assert time.monotonic() - start < 3
    assert not feedback.ok
    assert "did not finish within 0.2 s: look for a loop that never ends" in feedback.message
    assert signal.getsignal(signal.SIGALRM) is before  # the handler is given back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # and no timer is left running


def test_a_function_that_never_ends_is_stopped_outside_the_main_thread_too(monkeypatch):
    import sys
    import threading

    monkeypatch.setattr(engine, "TIME_LIMIT", 0.2)
    result, main_trace = {}, sys.gettrace()

    def in_thread():
        result["feedback"] = ex.check_step(lambda *a: _forever(*a[:4]))
        result["trace"] = sys.gettrace()

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert "did not finish within 0.2 s" in result["feedback"].message
    assert result["trace"] is None  # the thread's trace function was removed afterwards
    assert sys.gettrace() is main_trace  # and the main thread's was never touched


def test_a_fast_function_is_not_disturbed_by_the_time_limit():
    import signal

    assert ex.check_gradients(_gradients_right).ok
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_another_timer_is_given_back_what_is_left():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *args: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        assert ex.check_gradients(_gradients_right).ok
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < left <= 30
        assert not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_printed_output_is_shown_once_and_cut_short(capsys):
    def chatty(x, y, m, b):
        print("dm and db are", m, b)
        return _gradients_right(x, y, m, b)

    feedback = ex.check_gradients(chatty)
    assert feedback.ok
    assert feedback.message.count("dm and db are") == 1
    assert "Your function printed (first of 5 test calls" in feedback.message
    assert capsys.readouterr().out == ""  # nothing reached the real output, not once per call


def test_a_flood_of_printing_is_cut_short(capsys, monkeypatch):
    def flood(y, y_pred):
        for i in range(20_000):
            print("residual", i)
        return np.mean((y - y_pred) ** 2)

    feedback = ex.check_mse(flood)
    assert feedback.ok
    printed = feedback.message.split("printed")[1]
    assert len(printed) < engine.PRINT_LIMIT + 100 and "…" in printed
    assert capsys.readouterr().out == ""


def test_printing_in_a_loop_that_never_ends_is_stopped(monkeypatch, capsys):
    monkeypatch.setattr(engine, "TIME_LIMIT", 0.2)

    def shouting(y, y_pred):
        while True:
            print("still going")

    feedback = ex.check_mse(shouting)
    assert not feedback.ok and "did not finish" in feedback.message and "still going" in feedback.message
    assert capsys.readouterr().out == ""


def _generator_that_fails(x, y, m, b):
    yield 1.0
    raise ValueError("no db today")


def _generator_right(x, y, m, b):
    yield from _gradients_right(x, y, m, b)


def test_a_generator_is_read_under_the_checker_and_its_failure_explained():
    feedback = ex.check_gradients(_generator_that_fails)
    assert not feedback.ok
    assert "returned a generator, and reading it raised ValueError: no db today" in feedback.message
    assert ex.check_gradients(_generator_right).ok


def test_a_function_calling_exit_gets_feedback():
    import sys

    feedback = ex.check_mse(lambda y, p: sys.exit(3))
    assert not feedback.ok and "SystemExit" in feedback.message


@pytest.mark.parametrize(
    "check, function",
    [
        (ex.check_mse, lambda y, p: 10**400),
        (ex.check_mse, lambda y, p: 10**5000),  # too long even to print as digits
        (ex.check_gradients, lambda x, y, m, b: (10**400, 0)),
        (ex.check_step, lambda x, y, m, b, lr: [10**5000, b]),
        (ex.check_normal_equation, lambda X, y: [10**400, 1, 2]),
    ],
)
def test_ints_too_large_for_a_float_get_feedback(check, function):
    feedback = check(function)
    assert not feedback.ok and "too large for a float" in feedback.message, feedback.message


STARTERS = [None, ..., "?", "", "  ", "TODO", "???"]


def _mse_of_line(intercept):
    """The MSE of y_pred = x + intercept on the tiny data, by hand in numpy."""
    x = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
    y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])
    return float(np.mean((y - x - intercept) ** 2))


def test_the_mse_prediction_exercise_is_about_a_line_with_mse_2():
    assert _mse_of_line(1.0) == 2.0 and _mse_of_line(2.0) == 3.0


@pytest.mark.parametrize(
    "prediction, hint",
    [
        (2.0, "It does not stay at 2.0"),
        (4.0, "It does not double"),
        (1.0, "does not lower the MSE by 1"),
        (7.0, "the MSE is a mean"),
        (-1.0, "never negative"),
        (2.5, "You predicted 2.5, but the MSE of y_pred = x + 2 is 3.0."),
    ],
)
def test_check_mse_prediction_explains_wrong_predictions(prediction, hint):
    feedback = ex.check_mse_prediction(prediction)
    assert not feedback and not feedback.ok
    assert hint in feedback.message
    assert "(r − 1)² = r² − 2r + 1" in feedback.message  # the why, for everyone


@pytest.mark.parametrize("prediction", STARTERS)
def test_check_mse_prediction_starter_asks_for_a_prediction(prediction):
    feedback = ex.check_mse_prediction(prediction)
    assert not feedback.ok and "Write your prediction first" in feedback.message


@pytest.mark.parametrize(
    "prediction, hint",
    [
        ("3", "without quotes"),
        ("three", "must be a number"),
        (True, "yes/no"),
        (float("nan"), "finite"),
        ([3.0], "one number"),
        (object(), "one number"),
    ],
)
def test_check_mse_prediction_refuses_what_is_not_a_number(prediction, hint):
    feedback = ex.check_mse_prediction(prediction)
    assert not feedback.ok and hint in feedback.message


SIGNS = {1: ["+", "positive", " Positive ", "+1", 1, 1.0, np.int64(1), "pos", "plus"]}


SIGNS[-1] = ["-", "−", "negative", "NEGATIVE", "-1", -1, np.float64(-1.0), "minus"]


@pytest.mark.parametrize("m, b", [(1.5, 0.0), (0.5, 0.0), (1.0, 40.0), (1.2, -20.0)])
def test_check_sign_prediction_knows_the_signs(classic, m, b):
    dm, db = _grad(*classic, m, b)
    truth = int(np.sign(dm)), int(np.sign(db))
    assert ex.check_sign_prediction(*classic, m, b, *truth).ok
    for wrong in [(-truth[0], truth[1]), (truth[0], -truth[1]), (-truth[0], -truth[1])]:
        assert not ex.check_sign_prediction(*classic, m, b, *wrong)


def test_the_notebook_point_has_both_derivatives_positive(classic):
    dm, db = _grad(*classic, 1.5, 0.0)
    assert dm > 0 and db > 0


@pytest.mark.parametrize("dm_sign", SIGNS[1])
@pytest.mark.parametrize("db_sign", SIGNS[1][:3])
def test_check_sign_prediction_accepts_the_ways_of_writing_plus(classic, dm_sign, db_sign):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, dm_sign, db_sign)
    assert feedback.ok, feedback.message


@pytest.mark.parametrize("sign", SIGNS[-1])
def test_check_sign_prediction_accepts_the_ways_of_writing_minus(classic, sign):
    assert ex.check_sign_prediction(*classic, 0.5, 0.0, sign, sign).ok  # below the points: both negative


def test_check_sign_prediction_explains_in_words(classic):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, "+", "+")
    assert feedback.ok
    x, y = classic
    below = int(np.sum(y < 1.5 * x))
    assert f"lies above {below} of the 200 points" in feedback.message  # 176
    assert "raising b makes it worse" in feedback.message and "a steeper line is worse" in feedback.message
    assert "A step against the signs lowers m and lowers b" in feedback.message


@pytest.mark.parametrize(
    "dm_sign, db_sign, text",
    [
        (None, "+", "Write the sign of ∂L/∂m first ('+' or '-' each)"),
        ("+", "?", "Write the sign of ∂L/∂b first"),
        ("?", None, "Write the sign of ∂L/∂m and the sign of ∂L/∂b first"),
        ("up", "+", "I did not understand 'up' as the sign of ∂L/∂m"),
        ("+", 2, "Only the sign counts"),
        (True, "+", "yes/no"),
        ("+", ["+"], "as the sign of ∂L/∂b"),
    ],
)
def test_check_sign_prediction_starters_and_words_it_does_not_know(classic, dm_sign, db_sign, text):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, dm_sign, db_sign)
    assert not feedback.ok and text in feedback.message, feedback.message


def test_check_sign_prediction_at_a_zero_derivative():
    # on the tiny data the line y = x + 1 has residuals averaging 0: ∂L/∂b = 0
    assert ex.check_sign_prediction(engine.TINY_X, engine.TINY_Y, 1.0, 1.0, "+", 0).ok
    assert ex.check_sign_prediction(engine.TINY_X, engine.TINY_Y, 1.0, 1.0, "+", "zero").ok
    assert not ex.check_sign_prediction(engine.TINY_X, engine.TINY_Y, 1.0, 1.0, "+", "+").ok


def _behaviour_by_eigenvalue(x, lr):
    c, _ = _curvatures(x)
    q = 1 - lr * c
    return "smooth" if q > 0 else ("zigzag" if q > -1 else "diverge")


def _slope_from_zero(x, y, lr, steps=8):
    """What the student watches: m over a few plain steps from (0, 0)."""
    m = b = 0.0
    ms = [m]
    for _ in range(steps):
        dm, db = _grad(x, y, m, b)
        m, b = m - lr * dm, b - lr * db
        ms.append(m)
    return np.array(ms)


@pytest.mark.parametrize("share", [0.1, 0.3, 0.45, 0.55, 0.8, 0.97, 1.03, 1.5, 10.0])
def test_check_step_prediction_agrees_with_the_eigenvalues_and_with_what_m_does(classic, share):
    x, y = classic
    c, _ = _curvatures(x)
    lr = share * 2 / c
    truth = _behaviour_by_eigenvalue(x, lr)
    assert ex.check_step_prediction(x, y, lr, truth).ok
    for other in {"smooth", "zigzag", "diverge"} - {truth}:
        assert not ex.check_step_prediction(x, y, lr, other).ok
    # and what the slope does from (0, 0), as in the notebook
    # (the first three steps, while the steep direction dominates; later m drifts along the floor)
    steps = np.diff(_slope_from_zero(x, y, lr))
    if truth == "smooth":
        assert np.all(steps[:3] > 0)
    else:
        assert np.all(steps[:2] * steps[1:3] < 0)  # m turns back every step
        growing = abs(steps[-1]) > abs(steps[0])
        assert growing == (truth == "diverge")


def test_check_step_prediction_feedback_says_what_the_explorer_shows(classic):
    x, y = classic
    c, _ = _curvatures(x)
    assert 1e-4 < 1 / c < 2.5e-4 < 2 / c < 3e-4  # smooth, then zigzag, then safe limit (eigenvalues)
    right = ex.check_step_prediction(x, y, 1e-4, "smooth")
    assert right.ok and "creeps" in right.message
    wrong = ex.check_step_prediction(x, y, 2.5e-4, "diverge")
    assert not wrong.ok and "Your answer: 'diverge'; the right one: 'zigzag'" in wrong.message
    assert "below the largest safe learning rate (about 0.0003)" in wrong.message


@pytest.mark.parametrize("word", ["Smooth", "zig-zag", "ZIGZAG", "zig zag", "diverges", "Explodes"])
def test_check_step_prediction_understands_variants(classic, word):
    feedback = ex.check_step_prediction(*classic, 1e-4, word)
    assert "I did not understand" not in feedback.message


def test_check_step_prediction_on_the_edge_accepts_both_neighbours(classic):
    x, y = classic
    c, _ = _curvatures(x)
    assert (
        ex.check_step_prediction(x, y, 1 / c, "smooth").ok
        and ex.check_step_prediction(x, y, 1 / c, "zigzag").ok
    )
    assert "on the edge" in ex.check_step_prediction(x, y, 1 / c, "smooth").message


@pytest.mark.parametrize(
    "lr, prediction, text",
    [
        (1e-4, None, "Write your prediction first"),
        (1e-4, "?", "Write your prediction first"),
        (1e-4, "converges", "Both 'smooth' and 'zigzag' converge"),
        (1e-4, "wobbly", "I did not understand 'wobbly'"),
        (1e-4, 1, "as text, in quotes"),
        ("1e-4", "smooth", "without quotes"),
        (-1e-4, "smooth", "must be positive"),
        (None, "smooth", "lr is None"),
    ],
)
def test_check_step_prediction_starters_and_bad_input(classic, lr, prediction, text):
    feedback = ex.check_step_prediction(*classic, lr, prediction)
    assert not feedback.ok and text in feedback.message, feedback.message


def _b_after(x, y, lr, epochs):
    m = b = 0.0
    for _ in range(epochs):
        dm, db = _grad(x, y, m, b)
        m, b = m - lr * dm, b - lr * db
    return b


def test_check_intercept_prediction_truth_is_the_plain_loop(classic):
    x, y = classic
    truth = _b_after(x, y, 1e-4, 300)
    assert 0.07 < truth < 0.09
    feedback = ex.check_intercept_prediction(x, y, round(truth, 2))
    assert feedback.ok, feedback.message
    assert f"{truth:.2g}" in feedback.message  # 0.083


@pytest.mark.parametrize(
    "prediction, ok",
    [(0.0, False), (0.03, False), (0.06, True), (0.1, True), (0.5, False), (-0.5, False), (4.85, False)],
)
def test_check_intercept_prediction_rule_is_half_the_true_value(classic, prediction, ok):
    """Right within ±50 % of the true b (0.083): never 0, as b has moved."""
    x, y = classic
    truth = _b_after(x, y, 1e-4, 300)
    assert (abs(prediction - truth) <= 0.5 * abs(truth)) == ok  # the rule, stated independently
    feedback = ex.check_intercept_prediction(x, y, prediction)
    assert feedback.ok == ok
    assert f"±{0.5 * abs(truth):.2g}" in feedback.message


def test_check_intercept_prediction_explains_the_crawl(classic):
    x, y = classic
    _, c_floor = _curvatures(x)
    factor = 1 - 1e-4 * c_floor
    epochs = _steps_to_shrink(factor, 0.01)  # about 99,000
    feedback = ex.check_intercept_prediction(x, y, 4.85)
    assert not feedback.ok
    assert "where b ends up eventually, not after 300 epochs" in feedback.message
    assert f"{100 * (1 - factor):.2g} % of its distance" in feedback.message  # 0.0046 %
    assert f"about {int(float(f'{epochs:.2g}')):,} epochs" in feedback.message


def test_check_intercept_prediction_with_other_settings(classic):
    x, y = classic
    x_s = (x - x.mean()) / x.std()
    truth = _b_after(x_s, y, 0.1, 200)
    assert ex.check_intercept_prediction(x_s, y, truth, lr=0.1, epochs=200.0).ok
    feedback = ex.check_intercept_prediction(x, y, 1.0, lr=1e-2)
    assert not feedback.ok and "diverges" in feedback.message


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"prediction": None}, "Write your prediction first"),
        ({"prediction": "0.1"}, "without quotes"),
        ({"prediction": 0.1, "epochs": "many"}, "epochs must be a whole number"),
        ({"prediction": 0.1, "epochs": 2.5}, "epochs must be a whole number"),
        ({"prediction": 0.1, "epochs": 10**9}, "epochs must be a whole number"),
        ({"prediction": 0.1, "lr": "0.0001"}, "without quotes"),
        ({"prediction": 0.1, "lr": 0}, "must be positive"),
    ],
)
def test_check_intercept_prediction_starters_and_bad_input(classic, kwargs, text):
    feedback = ex.check_intercept_prediction(*classic, **kwargs)
    assert not feedback.ok and text in feedback.message, feedback.message


def test_compare_prediction_is_the_one_mechanism():
    def read(name, value):
        return (value, None) if isinstance(value, int) else (None, f"{name}: whole numbers only")

    def judge(prediction):
        return ex.compare_prediction(
            {"guess": prediction},
            7,
            read=read,
            matches=lambda answers, truth: answers["guess"] == truth,
            explain=lambda answers, truth, ok: f"{answers['guess']} vs {truth}",
            example="e.g. guess = 3",
        )

    assert judge(7).ok and judge(7).message == "7 vs 7"
    assert not judge(8).ok and judge(8).message == "8 vs 7"
    assert judge(None).message.startswith("Write your prediction first (e.g. guess = 3)")
    assert judge(1.5).message == "guess: whole numbers only"


def test_feedback_shows_its_first_paragraph_and_folds_the_rest_in_html():
    feedback = ex.Feedback(False, "Short <hint>.\n\nDetails: a & b.\n\nMore.")
    html = feedback._repr_html_()
    assert html.index("Short &lt;hint&gt;.") < html.index("<details>") < html.index("Details: a &amp; b.")
    assert "<p>More.</p>" in html and repr(feedback).startswith("❌ Not yet. Short <hint>.")
    assert "<details>" not in ex.Feedback(True, "All right.")._repr_html_()


@pytest.mark.parametrize(
    "body, hint",
    [
        ("for epoch in epochs:\n        pass\n    return 0.0, 0.0", "range(epochs)"),
        ("return y_pred, 0.0", "does not exist inside your function"),
        ("return float(np.mean((y - x) ^ 2)), 0.0", "write `**`"),
        ("return float(np.mean([1, 2] * 0.5)), 0.0", "numpy arrays"),
    ],
)
def test_a_python_error_in_student_code_comes_with_what_to_do(body, hint):
    namespace = {"np": np}
    exec(f"def student(x, y, lr, epochs):\n    {body}", namespace)
    feedback = ex.check_training_loop(namespace["student"])
    assert not feedback and "Your function raised" in feedback.message and hint in feedback.message, feedback


def test_a_decimal_comma_gets_a_hint_about_the_point():
    feedback = ex.check_mse_prediction((3, 0))  # what `my_prediction = 3,0` makes
    assert not feedback and "write 3.0, not 3,0" in feedback.message, feedback.message


def test_figures_a_student_function_draws_are_closed_and_named():
    import matplotlib.pyplot as plt

    show = plt.show
    before = plt.get_fignums()

    def train(x, y, lr, epochs):
        m, b = 0.0, 0.0
        for _ in range(epochs):
            residuals = y - (m * x + b)
            dm, db = -2 * np.mean(x * residuals), -2 * np.mean(residuals)
            m, b = m - lr * dm, b - lr * db
            plt.figure()  # what copying a plotting line into the loop does
            plt.show()
        return m, b

    feedback = ex.check_training_loop(train)
    assert "draws a figure" in feedback.message, feedback.message
    assert plt.get_fignums() == before and plt.show is show  # nothing left behind


@pytest.mark.parametrize(
    "value, shown",
    [
        (np.float64(0.743647744), "0.743647744"),
        (np.int64(3), "3"),
        (np.arange(86.0), "an array of 86 numbers"),
    ],
)
def test_numpy_values_are_shown_as_a_student_reads_them(value, shown):
    assert ex.engine.show(value) == shown


def test_range_epoch_without_s_is_named():
    namespace = {"np": np}
    exec(
        "def train(x, y, lr, epochs):\n    m, b = 0.0, 0.0\n    for epoch in range(epoch):\n"
        "        m = m + 1\n    return m, b",
        namespace,
    )
    feedback = ex.check_training_loop(namespace["train"])
    assert not feedback and "range(epochs)`, with an s" in feedback.message, feedback.message


def test_a_number_with_a_decimal_comma_in_quotes_gets_the_decimal_point_hint():
    """Round 18's student typed '3,0' (with quotes): it got only "must be a number"."""
    feedback = ex.check_mse_prediction("3,0")
    assert not feedback.ok and "decimal point, 3.0 rather than '3,0'" in feedback.message
    assert "decimal point, -1.5" in ex.check_mse_prediction("-1,5").message
