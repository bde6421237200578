"""Checkers for the notebooks' exercises: specific, friendly feedback.

Each ``check_…`` function takes the student's answer (a number, a prediction,
a model or a function), compares it with an independent computation and
returns a :class:`Feedback`, shown as one line in the notebook. A checker never
raises: an answer that crashes, hangs or has the wrong shape gets feedback too,
so "Run All" never breaks.

Checkers of a student's *function* share one mechanism, :func:`check_function`:
run the function on a few cases (with a time limit, its printed output
captured), compare with the reference answers, and if they differ, look the
answers up in a table of typical :class:`Mistake` s, each a wrong formula and
its hint. Predict-then-check exercises share another, :func:`compare_prediction`.
The checkers follow the notebooks' order.
"""

import contextlib
import dis
import functools
import inspect
import io
import math
import re
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np

import linreg_core as lc
import linreg_features as lf
import linreg_validation as lv

#: The five points of data/tiny.csv, the data students compute by hand.
TINY_X = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
TINY_Y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])

#: Seconds one call of a student's function may take before the checker stops it.
TIME_LIMIT = 3.0

#: Characters of a student's printed output quoted in the feedback.
PRINT_LIMIT = 200


class Feedback(NamedTuple):
    """The verdict on one answer: ``ok`` and a message for the student.

    It is true only when the answer is right, so ``assert check_mse(f)``
    works in grading tools.
    """

    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("✅ Correct! " if self.ok else "❌ Not yet. ") + self.message


class Mistake(NamedTuple):
    """A typical wrong answer: the wrong formula (same arguments as the student's function) and its hint."""

    formula: Callable
    hint: str


def _never_raises(checker):
    """Decorate a checker: whatever goes wrong inside, the student gets a Feedback, not a traceback."""

    @functools.wraps(checker)
    def guarded(*args, **kwargs):
        try:
            return checker(*args, **kwargs)
        except Exception as error:  # an input nobody foresaw, or a bug of ours: still feedback
            return Feedback(
                False,
                f"The checker could not use what you passed ({_error(error)}). Compare your call "
                f"with the one in the exercise; if it looks the same, tell your teacher.",
            )

    return guarded


# --------------------------------------------------------------------------
# Reading answers safely
# --------------------------------------------------------------------------


def as_number(value):
    """``float(value)``, or None if it is not one finite real number.

    Text, True/False and complex numbers are refused; an array holding exactly
    one number counts as that number.
    """
    if isinstance(value, (str, bytes, bool, np.bool_, complex, np.complexfloating)):
        return None
    try:
        if not isinstance(value, (int, float, np.number)) and np.ndim(value) != 0:
            array = np.asarray(value)
            if array.size != 1 or array.dtype.kind not in "iuf":
                return None
            value = array.reshape(()).item()
        number = float(value)
    except Exception:  # an int too large for a float, an object whose float() fails
        return None
    return number if math.isfinite(number) else None


def as_pair(value):
    """Two finite numbers from a returned pair (e.g. ``(m, b)``), or None."""
    if isinstance(value, (str, bytes, dict)):
        return None
    try:
        items = list(value)
    except Exception:  # an object that cannot iterate, or raises while doing it
        return None
    if len(items) != 2:
        return None
    pair = as_number(items[0]), as_number(items[1])
    return None if None in pair else pair


def close(a, e, rtol=1e-6):
    """True if the answer ``a`` (a number or numbers) is within ``rtol`` of ``e``."""
    try:
        return bool(np.allclose(np.asarray(a, float), np.asarray(e, float), rtol=rtol, atol=1e-9))
    except (TypeError, ValueError):  # different shapes
        return False


def _show(value, width=60):
    """``repr(value)`` cut to ``width`` characters; never raises (huge ints, broken ``__repr__``)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1023:
        try:
            float(value)
        except OverflowError:
            return f"an integer too large for a float ({len(format(value, 'x')) * 1.204:.0f} digits or so)"
    if type(value) in (list, tuple) and len(value) <= 10:
        items = ", ".join(_show(item, width) for item in value)
        text = f"[{items}]" if type(value) is list else f"({items}{',' if len(value) == 1 else ''})"
        return text if len(text) <= width else text[: width - 1] + "…"
    try:
        text = repr(value)
    except Exception:
        text = f"<a {type(value).__name__} that cannot be shown>"
    return text if len(text) <= width else text[: width - 1] + "…"


def _error(error):
    """``'ZeroDivisionError: division by zero'``, never raising."""
    try:
        text = str(error)
    except Exception:
        text = "(no message)"
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --------------------------------------------------------------------------
# Running a student's code: a time limit, printed output captured
# --------------------------------------------------------------------------


class _TooSlow(BaseException):
    """Raised inside a student's code that runs past the time limit. A BaseException, so that
    an ``except Exception`` in the student's loop does not swallow it."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the code inside the ``with`` by raising :class:`_TooSlow` after ``seconds``.

    On POSIX's main thread (Jupyter runs cells there) a timer signal does it, so
    that even ``while True: pass`` stops; the timer repeats every 0.1 s in case
    the student's code catches the first one. Elsewhere (Windows, a thread) a
    trace function checks the clock at every line of Python, which also stops
    loops written in Python, and only those.
    """
    seconds = max(float(seconds), 1e-3)  # a timer of 0 would mean no timer at all
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    armed = [True]

    def interrupt(signum, frame):
        if armed[0]:
            raise _TooSlow

    try:
        previous = signal.signal(signal.SIGALRM, interrupt) if usable else None
    except (ValueError, OSError, TypeError):  # signals refused here: use the fallback
        usable = False
    if usable:
        start = time.monotonic()
        old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
        try:
            yield
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
            if old_delay:  # somebody else's timer was running: give back what is left of it
                left = max(old_delay - (time.monotonic() - start), 1e-3)
                signal.setitimer(signal.ITIMER_REAL, left, old_interval)
        return
    deadline = time.monotonic() + seconds

    def tracer(frame, event, arg):
        if armed[0] and time.monotonic() > deadline:
            raise _TooSlow
        return tracer

    outer = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        armed[0] = False
        sys.settrace(outer)


class _Capped(io.TextIOBase):
    """A stand-in for ``sys.stdout`` that keeps the first few thousand characters only."""

    def __init__(self, limit=4000):
        super().__init__()
        self.parts, self.kept, self.limit, self.dropped = [], 0, limit, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = max(self.limit - self.kept, 0)
        self.parts.append(text[:room])
        self.kept += min(len(text), room)
        self.dropped += len(text) - min(len(text), room)
        return len(text)

    def getvalue(self):
        return "".join(self.parts) + ("…" if self.dropped else "")


_TOO_SLOW = (
    "Your function did not finish within {limit:g} s: look for a loop that never ends (a `while` "
    "whose condition stays true, or a counter that is never increased)."
)


class _Student:
    """Runs a student's function or method and remembers what it printed."""

    def __init__(self):
        self.printed = []

    def call(self, function, args):
        """``(value, None)``, or ``(None, Feedback)`` if the call raised or did not finish in time.

        A returned generator or iterator is read here, under the same time limit,
        because reading it runs the student's code.
        """
        out = _Capped()
        try:
            with _time_limit(TIME_LIMIT), contextlib.redirect_stdout(out):
                try:
                    value = function(*args)
                except (Exception, SystemExit) as error:  # any failure in student code becomes feedback
                    return None, Feedback(False, f"Your function raised {_error(error)}")
                if isinstance(value, Iterator):
                    try:
                        value = tuple(value)
                    except (Exception, SystemExit) as error:
                        return None, Feedback(
                            False,
                            f"Your function returned a generator, and reading it raised {_error(error)}. "
                            f"Return the values themselves, e.g. `return dm, db`, not a generator.",
                        )
                return value, None
        except _TooSlow:
            return None, Feedback(False, _TOO_SLOW.format(limit=TIME_LIMIT))
        finally:
            self.printed.append(out.getvalue())

    def note(self):
        """What the student's code printed, once and cut short, or ''."""
        outputs = [text.strip() for text in self.printed if text.strip()]
        if not outputs:
            return ""
        text = outputs[0] if len(outputs[0]) <= PRINT_LIMIT else outputs[0][: PRINT_LIMIT - 1] + "…"
        text = " ⏎ ".join(line.rstrip() for line in text.splitlines())
        calls = len(self.printed)
        which = "" if calls == 1 else f" (first of {calls} test calls; the others are not shown)"
        return f" Your function printed{which}: “{text}”."


def _copies(case):
    """The case's arguments, arrays copied, so a student's in-place edit cannot leak."""
    return [arg.copy() if isinstance(arg, np.ndarray) else arg for arg in case]


def _run(function, case):
    """``(value, None)``, or ``(None, Feedback)`` if the student's function raised or hung."""
    return _Student().call(function, _copies(case))


def _all(count, noun):
    """'both test cases' or 'all 5 test cases'."""
    return f"both {noun}s" if count == 2 else f"all {count} {noun}s"


# --------------------------------------------------------------------------
# A slip no formula explains: reading the notebook's data instead of the arguments
# --------------------------------------------------------------------------

_GLOBAL_LOADS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS"}
_OUTER_LOADS = {"LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF"}


def _is_data(value):
    """True for an array of several numbers (numpy, or a pandas Series / DataFrame)."""
    try:
        if isinstance(value, np.ndarray):
            return value.ndim >= 1 and value.size >= 2
        return type(value).__module__.split(".")[0] == "pandas" and getattr(value, "ndim", 0) >= 1
    except Exception:
        return False


def outside_data(function):
    """The data arrays ``function`` reads from outside itself: ``[(name, size), ...]``.

    These are the names its code (and the code of any lambda or function
    inside it) loads as globals, or from an enclosing function, that hold an
    array of numbers right now, e.g. the notebook's ``x`` in
    ``def my_mse(y, y_pred): return np.mean((y - (m * x + b)) ** 2)``.
    """
    try:
        code, namespace = function.__code__, function.__globals__
        cells = dict(zip(code.co_freevars, function.__closure__ or ()))
    except AttributeError:  # a builtin, a numpy ufunc, functools.partial: no code of its own
        return []
    found, seen, codes = [], set(), [code]
    while codes:
        current = codes.pop(0)
        for instruction in dis.get_instructions(current):
            name = instruction.argval
            if not isinstance(name, str) or name in seen:
                continue
            if instruction.opname in _GLOBAL_LOADS and name in namespace:
                value = namespace[name]
            elif instruction.opname in _OUTER_LOADS and name in cells:
                try:
                    value = cells[name].cell_contents
                except ValueError:  # an empty cell
                    continue
            else:
                continue
            seen.add(name)
            if _is_data(value):
                found.append((name, int(np.size(value))))
        codes += [const for const in current.co_consts if isinstance(const, types.CodeType)]
    return found


def _parameters(function):
    try:
        return ", ".join(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return "its arguments"


def _outside_hint(function, reads):
    """The hint for a wrong answer from a function that reads the notebook's data."""
    names = " and ".join(f"`{name}`" for name, _ in reads[:3])
    sizes = ", ".join(f"`{name}` holds {size} numbers" for name, size in reads[:3])
    return (
        f"Your function reads the global {names} of the notebook, not its own arguments ({sizes} "
        f"there). The checker calls it with other data, so inside the function use only its "
        f"parameters ({_parameters(function)}) and compute everything else, such as y_pred, from them."
    )


# --------------------------------------------------------------------------
# The one mechanism for functions: run, compare, pick the hint
# --------------------------------------------------------------------------


@_never_raises
def check_function(function, cases, expected, mistakes, *, wrong_shape, right, wrong, parse=as_pair):
    """Run ``function(*case)`` for every case and judge the answers.

    Parameters
    ----------
    function : callable
        The student's function.
    cases : list of tuple
        The arguments of each call.
    expected : list
        The right answer for each case, computed independently.
    mistakes : list of Mistake
        Typical wrong formulas, tried in order; the first that explains every
        answer gives the hint.
    wrong_shape : callable
        ``wrong_shape(value, *case)``: the message when ``parse`` rejects a value.
    right : callable
        ``right(answers)``: the message for a right answer.
    wrong : callable
        ``wrong(i, answer, expected)``: the message for a wrong answer that no
        mistake explains, about the first wrong case ``i``.
    parse : callable, optional
        Turns a returned value into an answer, or None if it has the wrong shape.

    Returns
    -------
    Feedback
        Each call runs for at most :data:`TIME_LIMIT` seconds; what the function
        prints is quoted once, at the end. A wrong answer from a function that
        reads the notebook's data arrays (:func:`outside_data`) says so first.
    """
    if not callable(function):
        return Feedback(False, f"Pass your function itself, without calling it; got {_show(function)}.")
    student, answers, failure = _Student(), [], None
    for case in cases:
        value, failure = student.call(function, _copies(case))
        answer = None if failure is not None else parse(value)
        if failure is None and answer is None:
            failure = Feedback(False, wrong_shape(value, *case))
        if failure is not None:
            break
        answers.append(answer)
    if failure is None:
        first_wrong = next((i for i, (a, e) in enumerate(zip(answers, expected)) if not close(a, e)), None)
        if first_wrong is None:
            return Feedback(True, right(answers) + student.note())
        seen = wrong(first_wrong, answers[first_wrong], expected[first_wrong])
    else:
        seen = failure.message
    reads = outside_data(function)
    if reads:  # more basic than any formula: the function does not use the data it is given
        message = f"{_outside_hint(function, reads)} What the checker saw: {seen}"
    elif failure is None:
        explained = (
            mistake.hint
            for mistake in mistakes
            if all(close(a, mistake.formula(*case)) for a, case in zip(answers, cases))
        )
        message = next(explained, seen)
    else:
        message = seen
    return Feedback(False, message + student.note())


# --------------------------------------------------------------------------
# The one mechanism for predictions: read, compare with the truth, explain
# --------------------------------------------------------------------------


def _is_starter(value):
    """True for what an exercise ships before the student predicts: None, ..., '?', '' or 'TODO'."""
    if value is None or value is Ellipsis:
        return True
    return isinstance(value, str) and value.strip().strip("?.… ").upper() in ("", "TODO")


def compare_prediction(predictions, truth, *, read, matches, explain, example):
    """Judge a prediction made before computing, and always explain why.

    Parameters
    ----------
    predictions : dict
        What the student wrote, by what it is, e.g. ``{"prediction": 3.0}`` or
        ``{"the sign of ∂L/∂m": "+", "the sign of ∂L/∂b": "-"}`` (with several, the
        "write it first" message names those still open).
    truth
        The right answer, computed independently by the checker.
    read : callable
        ``read(name, value) -> (answer, problem)``: the prediction in the form
        ``truth`` has, or ``(None, "what was not understood")``.
    matches : callable
        ``matches(answers, truth) -> bool``, with ``answers`` a dict by name.
    explain : callable
        ``explain(answers, truth, ok) -> str``: the whole message, right or wrong.
    example : str
        A sample prediction, for the "write it first" message.

    A prediction still at its starter value (None, ``...``, ``"?"``) is not
    wrong: the student is asked to write one first, then run the cell again.
    """
    open_ = [name for name, value in predictions.items() if _is_starter(value)]
    if open_:
        which = "your prediction" if len(predictions) == 1 else " and ".join(open_)
        return Feedback(
            False,
            f"Write {which} first ({example}), then run this cell. Guess before you compute: the "
            f"point is to find out whether your picture of the loss is right.",
        )
    answers = {}
    for name, value in predictions.items():
        answer, problem = read(name, value)
        if answer is None:
            return Feedback(False, problem)
        answers[name] = answer
    ok = bool(matches(answers, truth))
    return Feedback(ok, explain(answers, truth, ok))


def _read_number(value, name):
    """``(number, None)`` or ``(None, what is wrong with it)``, for a number the student typed."""
    if isinstance(value, (bool, np.bool_)):
        return None, f"{name} is {value}, a yes/no value: write a number instead."
    if isinstance(value, (str, bytes)):
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        if as_number(_float_or_none(text)) is not None:
            return None, (
                f"{name} is the text {_show(value)}: write the number without quotes, "
                f"{text.strip()} rather than {_show(value)}."
            )
        return None, f"{name} must be a number, but it is the text {_show(value)}."
    try:
        several = not isinstance(value, (int, float, np.number)) and np.ndim(value) != 0
    except Exception:
        several = True
    if several:
        return None, f"{name} must be one number, but it is {_show(value)}."
    number = as_number(value)
    if number is None:
        if _float_or_none(value) is not None:  # NaN or infinity
            return None, f"{name} must be a finite number, but it is {_show(value)}."
        return None, f"{name} must be one number, but it is {_show(value)}."
    return number, None


def _float_or_none(value):
    try:
        return float(value)
    except Exception:
        return None


# --------------------------------------------------------------------------
# Notebook 01 · The loss: check_mse, check_low_loss
# --------------------------------------------------------------------------


def _mse_cases():
    """``(y, y_pred)``: the tiny data with the line y = x + 1 (MSE 2.0; its residuals
    add up to 0), then two seeded random sets whose residuals have a non-zero mean."""
    rng = np.random.default_rng(101)
    cases = [(TINY_Y, TINY_X + 1)]
    for n in (8, 30):
        y = rng.normal(10.0, 4.0, n)
        cases.append((y, y - rng.normal(1.5, 2.0, n)))
    return cases


_CANCEL = (
    "positive and negative residuals cancel (on the tiny data they add up to "
    "exactly 0). Square each residual, then take the mean."
)

MSE_MISTAKES = [
    Mistake(
        lambda y, p: 0.0,
        "Your function returns 0.0 for every input: replace the placeholder "
        "`return 0.0` by the mean of the squared residuals.",
    ),
    Mistake(lambda y, p: np.mean(y - p), "Close, but you returned the mean residual: " + _CANCEL),
    Mistake(lambda y, p: np.mean(p - y), "Close, but you returned the mean residual: " + _CANCEL),
    Mistake(lambda y, p: np.sum(y - p), "Close, but you returned the sum of the residuals: " + _CANCEL),
    Mistake(lambda y, p: np.sum(p - y), "Close, but you returned the sum of the residuals: " + _CANCEL),
    Mistake(
        lambda y, p: np.sum((y - p) ** 2),
        "Close, but your value is n times too large: you added "
        "up the squared residuals but forgot to divide by n. Take the mean, e.g. np.mean(...).",
    ),
    Mistake(
        lambda y, p: np.sum((y - p) ** 2) / (y.size - 1),
        "Close, but you divided by n − 1; the "
        "MSE divides by n (it is the plain mean of the squared residuals).",
    ),
    Mistake(
        lambda y, p: np.mean(np.abs(y - p)),
        "Close, but you averaged |y − y_pred|: that is the "
        "mean absolute error (MAE), a different loss. Square the residuals instead.",
    ),
    Mistake(
        lambda y, p: np.sqrt(np.mean((y - p) ** 2)),
        "Close, but you took the square root: that "
        "is the RMSE (root mean squared error). The MSE is the mean of the squares, with no root.",
    ),
    Mistake(
        lambda y, p: np.mean(y - p) ** 2,
        "Close, but you squared the mean residual. Square each "
        "residual first, then take the mean of those squares.",
    ),
    Mistake(
        lambda y, p: np.mean((y - p) ** 2) / 2,
        "Close, but your value is half the MSE. Some books "
        "put a ½ in front to tidy the derivative, but here L is the plain mean of the squared residuals.",
    ),
]


def _not_a_number(value, n, what):
    if value is None:
        return "Your function returned None: did you forget the `return` line?"
    try:
        per_point = np.ndim(value) == 1 and np.size(value) == n
    except Exception:  # an object numpy cannot even look at
        per_point = False
    if per_point:
        return (
            f"Your function returned {n} values, one per point, but {what} is a single "
            f"number: average them, e.g. with np.mean(...)."
        )
    return f"Your function should return one number ({what}), but it returned {_show(value)}."


@_never_raises
def check_mse(function):
    """Check that ``function(y, y_pred)`` computes the mean squared error.

    Tested on the tiny data (the line y = x + 1 has MSE 2.0) and on two
    seeded random data sets, against :func:`linreg_core.mse`. The order
    ``y - y_pred`` or ``y_pred - y`` does not matter (it is squared).
    """
    cases = _mse_cases()
    where = ["the tiny data with the line y = x + 1"] + [
        f"a random data set ({y.size} points)" for y, _ in cases[1:]
    ]
    return check_function(
        function,
        cases,
        [lc.mse(y, y_pred) for y, y_pred in cases],
        MSE_MISTAKES,
        parse=as_number,
        wrong_shape=lambda value, y, y_pred: _not_a_number(value, y.size, "the MSE"),
        right=lambda got: (
            f"Your function gives {got[0]:.1f} on the tiny data (as in the table above) and "
            f"agrees with lc.mse on {len(cases) - 1} random data sets."
        ),
        wrong=lambda i, got, expected: (
            f"On {where[i]} the MSE is {expected:.6g}, but your function gives {got:.6g}. Compute "
            f"(1/n)·Σ(y − y_pred)²: the residuals, their squares, then the mean."
        ),
    )


@_never_raises
def check_low_loss(x, y, m, b, target):
    """Check that the line ``y = m x + b`` has an MSE of at most ``target``.

    When it does not, the hint names the one change (m or b, with the other
    held) that lowers the loss the most, and its direction.
    """
    m_num, b_num = as_number(m), as_number(b)
    if m_num is None or b_num is None or isinstance(m, bool) or isinstance(b, bool):
        return Feedback(
            False, "m and b must be numbers, e.g. m = 0.5 and b = 20 (read them off the sliders)."
        )
    goal = as_number(target)
    if goal is None:
        return Feedback(False, f"target must be a number, e.g. target=60; got {_show(target)}.")
    try:
        x, y = lv.valid_xy(x, y)
        m_hat, b_hat = lc.closed_form(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"The data cannot be used: {error}")

    def loss(m_, b_):
        return float(np.mean((y - (m_ * x + b_)) ** 2))

    current, best = loss(m_num, b_num), loss(m_hat, b_hat)
    line = f"Your line y = {m_num:.4g}·x + {b_num:.4g} has MSE = {current:.2f}"
    if goal < best:
        return Feedback(
            False,
            f"No line can reach MSE {goal:g} on this data: the lowest "
            f"possible is {best:.2f}. Choose a target above that.",
        )
    if current <= goal:
        return Feedback(
            True,
            f"{line}, below the target {goal:g}. The lowest possible MSE "
            f"on this data is {best:.2f} (the star on the contour).",
        )
    m_only = float(x @ (y - b_num) / (x @ x))  # the best slope with b held
    b_only = float(np.mean(y - m_num * x))  # the best intercept with m held
    if loss(m_only, b_num) <= loss(m_num, b_only):
        move = "increase m (a steeper line)" if m_only > m_num else "decrease m (a flatter line)"
    else:
        move = "increase b (lift the line)" if b_only > b_num else "decrease b (lower the line)"
    return Feedback(
        False,
        f"{line}, above the target {goal:g}. The biggest single "
        f"improvement: {move}, then adjust the other slider. On the contour, "
        f"steer the red dot towards the star.",
    )


def _mean(values):
    return sum(values) / len(values)


def _tiny_residuals(intercept):
    """The residuals y - (x + intercept) on the tiny data, by a plain loop."""
    return [float(yi) - (float(xi) + intercept) for xi, yi in zip(TINY_X, TINY_Y)]


def _listed(values):
    return ", ".join(f"{v:g}".replace("-", "−") for v in values)


@_never_raises
def check_mse_prediction(prediction):
    """Notebook 01: predict the MSE of the line y_pred = x + 2 on the tiny data.

    The student has just computed MSE = 2.0 for y_pred = x + 1 and predicts the
    MSE of the line one higher before computing it. The truth (3.0) comes from a
    plain loop here; a prediction counts as right within 0.01 of it. The
    feedback explains why, right or wrong: every residual drops by 1,
    (r − 1)² = r² − 2r + 1, and the residuals of x + 1 average 0, so the MSE
    grows by exactly 1. A prediction of None means "not written yet".
    """
    before, after = _tiny_residuals(1.0), _tiny_residuals(2.0)
    mse_before, mse_after = _mean([r * r for r in before]), _mean([r * r for r in after])
    mean_before = _mean(before) + 0.0

    def explain(answers, truth, ok):
        guess = answers["prediction"]
        why = (
            f"Moving the line up by 1 lowers every residual y − y_pred by 1 ({_listed(before)} become "
            f"{_listed(after)}), and (r − 1)² = r² − 2r + 1, so the new MSE is mean(r²) − 2·mean(r) + 1 "
            f"= {mse_before:.1f} − 2·{mean_before:g} + 1 = {truth:.1f}. The residuals of y_pred = x + 1 "
            f"average exactly {mean_before:g}, so the middle term vanishes and the MSE grows by exactly 1."
        )
        if ok:
            return f"Your prediction {guess:g} is right: the MSE of y_pred = x + 2 is {truth:.1f}. {why}"
        if guess < 0:
            specific = "An MSE is a mean of squares, so it is never negative. "
        elif abs(guess - mse_before) <= 0.01:
            specific = (
                f"It does not stay at {mse_before:.1f}: the squared residuals change from "
                f"{_listed([r * r for r in before])} to {_listed([r * r for r in after])}. Some points "
                f"get closer to the line, but the others get further away by more. "
            )
        elif abs(guess - 2 * mse_before) <= 0.01:
            specific = (
                "It does not double: adding 1 to the intercept adds 1 to every prediction, it does not "
                "scale the errors. "
            )
        elif abs(guess - (mse_before - 1)) <= 0.01:
            specific = (
                "Lowering every residual by 1 does not lower the MSE by 1: the residuals that were "
                "negative grow in size, and their squares grow most. "
            )
        elif abs(guess - (mse_before + len(before))) <= 0.01:
            specific = (
                f"Each squared residual changes by 1 − 2r; added up over the {len(before)} points that "
                f"is {len(before)}, but the MSE is a mean, so the change is {len(before)}/{len(before)} = 1. "
            )
        else:
            specific = ""
        return f"You predicted {guess:g}, but the MSE of y_pred = x + 2 is {truth:.1f}. {specific}{why}"

    return compare_prediction(
        {"prediction": prediction},
        mse_after,
        read=lambda name, value: _read_number(value, "Your prediction"),
        matches=lambda answers, truth: abs(answers["prediction"] - truth) <= 0.01,
        explain=explain,
        example="a number, e.g. 7",
    )


# --------------------------------------------------------------------------
# Notebooks 02 and 05 · The derivatives: check_gradients
# --------------------------------------------------------------------------


def _gradient_cases():
    """``(x, y, m, b)``: the tiny data at three points, then two uneven sets.

    dm and db differ in size everywhere and db is 0 only at the first point
    (tiny data, m = b = 1); m·b, m + b and m differ, so that every typical
    mistake changes at least one answer.
    """
    rng = np.random.default_rng(202)
    cases = [(TINY_X, TINY_Y, 1.0, 1.0), (TINY_X, TINY_Y, 0.5, 3.0), (TINY_X, TINY_Y, 1.5, -1.0)]
    for n, m, b in ((12, 0.3, -1.0), (40, 2.5, 4.0)):
        x = rng.uniform(-2.0, 10.0, n)
        cases.append((x, 1.5 * x + 2.0 + rng.normal(0.0, 1.0, n), m, b))
    return cases


def _describe_point(x, y, m, b):
    data = "the tiny data" if x is TINY_X else f"a random data set of {x.size} points"
    return f"{data} at m = {m:g}, b = {b:g}"


def _gradient(x, y, y_pred, factor_m=1.0, factor_b=1.0):
    """``(dm, db)`` for a given prediction, each multiplied by a factor (1: right)."""
    residuals = y - y_pred
    return -2 * factor_m * np.mean(x * residuals), -2 * factor_b * np.mean(residuals)


#: Factors one derivative can be off by, and what that says ("{is}" / "{has}" agree with the subject).
_FACTORS = [
    (
        lambda n: 0.5,
        "{is} half the expected value: check the factor 2 in −2/n. It comes from the "
        "derivative of the square, (u²)′ = 2u·u′.",
    ),
    (
        lambda n: -1.0,
        "{has} the wrong sign: the inner derivative of y − (m·x + b) is −x (for m) or −1 "
        "(for b), which puts the minus in front of 2/n.",
    ),
    (
        lambda n: -0.5,
        "{is} half the expected value and {has} the wrong sign: the factor in front should be −2/n.",
    ),
    (lambda n: 2.0, "{is} twice the expected value: the factor in front is −2/n."),
    (
        lambda n: n,
        "{is} n times too large: you forgot to divide by n (the loss is a mean, so its "
        "derivative is one too).",
    ),
    (lambda n: -n, "{is} n times too large and {has} the wrong sign: use −2/n in front of the sum."),
    (lambda n: n / 2, "{is} n/2 times too large: the factor −2/n in front of the sum is missing."),
]
_ONE, _BOTH = {"is": "is", "has": "has"}, {"is": "are", "has": "have"}


def _scaled(factor_m, factor_b):
    return lambda x, y, m, b: _gradient(x, y, m * x + b, factor_m(x.size), factor_b(x.size))


def _right(n):
    return 1.0


GRADIENT_MISTAKES = [
    Mistake(
        lambda x, y, m, b: (0.0, 0.0),
        "Your function returns (0.0, 0.0) for every input: replace "
        "the placeholder by the two formulas derived above.",
    ),
    Mistake(
        lambda x, y, m, b: _gradient(x, y, m * x + b)[::-1],
        "You swapped the two: return ∂L/∂m first, then ∂L/∂b (`return dm, db`).",
    ),
    Mistake(
        lambda x, y, m, b: _gradient(x, y, m * b + 0 * x),
        "Your gradients are what a prediction "
        "without x gives: m * + b means m * (+b), the same number m·b for every point. Write the "
        "prediction as m * x + b.",
    ),
    Mistake(
        lambda x, y, m, b: _gradient(x, y, m + b + 0 * x),
        "Your prediction is m + b: it still ignores x. The line is y_pred = m * x + b.",
    ),
    Mistake(
        lambda x, y, m, b: _gradient(x, y, m * x),
        "Your prediction leaves out the intercept: y_pred = m * x + b.",
    ),
    *[Mistake(_scaled(f, f), "Both ∂L/∂m and ∂L/∂b " + hint.format(**_BOTH)) for f, hint in _FACTORS],
    *[
        Mistake(_scaled(f, _right), "∂L/∂b is right, but your ∂L/∂m " + hint.format(**_ONE))
        for f, hint in _FACTORS
    ],
    *[
        Mistake(_scaled(_right, f), "∂L/∂m is right, but your ∂L/∂b " + hint.format(**_ONE))
        for f, hint in _FACTORS
    ],
    Mistake(
        lambda x, y, m, b: (
            -2 * np.mean(x) * np.mean(y - (m * x + b)),
            _gradient(x, y, m * x + b)[1],
        ),
        "∂L/∂b is right, but your ∂L/∂m is −2·mean(x)·mean(y − y_pred), the product of two means. The mean "
        "of a product is not the product of the means: for x = (0, 2) and residuals (2, 0), mean(x·r) = 0 "
        "but mean(x)·mean(r) = 1·1 = 1. Multiply point by point first, then average: "
        "dm = −2·np.mean(x * (y − y_pred)). With your formula ∂L/∂m is 0 whenever ∂L/∂b is, so "
        "every line through the point (mean(x), mean(y)) looks like a minimum, and training stops at "
        "a wrong slope.",
    ),
    Mistake(
        _scaled(lambda n: 0.0, _right),
        "∂L/∂b is right, but your ∂L/∂m is always 0: replace the placeholder by the formula.",
    ),
    Mistake(
        _scaled(_right, lambda n: 0.0),
        "∂L/∂m is right, but your ∂L/∂b is always 0: replace the placeholder by the formula.",
    ),
    Mistake(
        lambda x, y, m, b: (_gradient(x, y, m * x + b)[1],) * 2,
        "∂L/∂b is right, but your ∂L/∂m "
        "equals ∂L/∂b: you forgot the factor x_i inside the sum, Σ x_i·(y_i − ŷ_i).",
    ),
    Mistake(
        lambda x, y, m, b: (_gradient(x, y, m * x + b)[0],) * 2,
        "∂L/∂m is right, but your ∂L/∂b equals ∂L/∂m: ∂L/∂b has no x_i inside the sum, just Σ (y_i − ŷ_i).",
    ),
]


@_never_raises
def check_gradients(function):
    """Check that ``function(x, y, m, b)`` returns ``(dm, db)``, the gradient of the MSE.

    Compared with :func:`linreg_core.gradients` (itself tested against finite
    differences) on the tiny data and two uneven data sets. Typical slips get a
    specific hint: a factor 2, a flipped sign, no division by n, x_i forgotten
    in dm, a prediction without x (``m * + b``), dm and db swapped.
    """
    cases = _gradient_cases()
    expected = [lc.gradients(*case) for case in cases]

    def wrong_shape(value, *case):
        if value is None:
            return "Your function returned None: end it with `return dm, db`."
        return f"Your function should return two numbers, `return dm, db`, but it returned {_show(value)}."

    def wrong(i, got, right):
        parts = [
            f"your {name} is {g + 0.0:.6g}, but it should be {r + 0.0:.6g}"
            for name, g, r in zip(("∂L/∂m", "∂L/∂b"), got, right)
            if not close(g, r)
        ]
        ok = [name for name, g, r in zip(("∂L/∂m", "∂L/∂b"), got, right) if close(g, r)]
        start = f"{ok[0]} is right, but on " if ok else "On "
        return (
            f"{start}{_describe_point(*cases[i])} " + " and ".join(parts) + ". Compare each line "
            "with dm = −(2/n)·Σ x(y − ŷ), db = −(2/n)·Σ (y − ŷ)."
        )

    return check_function(
        function,
        cases,
        expected,
        GRADIENT_MISTAKES,
        wrong_shape=wrong_shape,
        wrong=wrong,
        right=lambda got: (
            f"Your gradient matches lc.gradients at {_all(len(cases), 'test point')}; on the tiny data "
            f"at m = 1, b = 1 it gives ∂L/∂m = {got[0][0] + 0.0:g} and ∂L/∂b = {got[0][1] + 0.0:g}."
        ),
    )


#: What a student may write for a sign, after lower-casing and removing spaces.
_SIGN_WORDS = {
    1: {"+", "+1", "1", "positive", "pos", "plus", ">0"},
    -1: {"-", "-1", "negative", "neg", "minus", "<0"},
    0: {"0", "zero"},
}
_SIGN_NAMES = {1: "positive", -1: "negative", 0: "zero"}


def _read_sign(value, name):
    """``(+1 | -1 | 0, None)`` or ``(None, what was not understood)``."""
    again = "write '+' or '-' (also 'positive' / 'negative', or +1 / −1)"
    if isinstance(value, (bool, np.bool_)):
        return None, f"For {name} you wrote {value}, a yes/no value: {again}."
    if isinstance(value, str):
        word = re.sub(r"\s+", "", value).lower().replace("−", "-")
        sign = next((sign for sign, words in _SIGN_WORDS.items() if word in words), None)
        if sign is None:
            return None, f"I did not understand {_show(value)} as {name}: {again}."
        return sign, None
    number = as_number(value)
    if number in (1.0, -1.0, 0.0) and np.ndim(value) == 0:
        return int(number), None
    return (
        None,
        f"I did not understand {_show(value)} as {name}: {again}. Only the sign counts, not the size.",
    )


def _plain_gradients(x, y, m, b):
    """``(dm, db)`` and the sizes of their terms, by a plain loop over the points."""
    n, dm, db, size_m, size_b = len(x), 0.0, 0.0, 0.0, 0.0
    for xi, yi in zip(x.tolist(), y.tolist()):
        r = yi - (m * xi + b)
        dm, db = dm - 2 * xi * r / n, db - 2 * r / n
        size_m, size_b = size_m + abs(2 * xi * r) / n, size_b + abs(2 * r) / n
    return dm, db, size_m, size_b


def _minus(text):
    """Text with true minus signs, as in the notebooks' labels."""
    return text.replace("-", "−")


def _signed(value):
    return "0" if value == 0 else _minus(f"{value:+.4g}")


def _sign(value, size):
    return 0 if abs(value) <= 1e-12 * size else (1 if value > 0 else -1)


def _why_db(x, y, m, b, db):
    residuals = [yi - (m * xi + b) for xi, yi in zip(x.tolist(), y.tolist())]
    n, mean_r = len(residuals), _mean(residuals)
    below, above = sum(r < 0 for r in residuals), sum(r > 0 for r in residuals)
    line = f"The line y_pred = {m:g}·x + {b:g}".replace("+ -", "− ")
    if db > 0:
        most = (
            f"above {below} of the {n} points"
            if below > n / 2
            else f"above only {below} of the {n} points, but by more"
        )
        return (
            f"{line} lies {most}: on average y − y_pred = {_minus(f'{mean_r:.4g}')} < 0, so raising b makes "
            f"it worse, ∂L/∂b = −2·mean(y − y_pred) = {_signed(db)} > 0."
        )
    if db < 0:
        most = (
            f"below {above} of the {n} points"
            if above > n / 2
            else f"below only {above} of the {n} points, but by more"
        )
        return (
            f"{line} lies {most}: on average y − y_pred = {_signed(mean_r)} > 0, so raising b helps, "
            f"∂L/∂b = −2·mean(y − y_pred) = {_signed(db)} < 0."
        )
    return f"{line} has residuals that average 0: lifting it a little does not change the loss, ∂L/∂b = 0."


def _why_dm(x, y, m, b, dm):
    weighted = _mean([xi * (yi - (m * xi + b)) for xi, yi in zip(x.tolist(), y.tolist())])
    shown = _minus(f"{weighted:.4g}")
    if dm == 0:
        return (
            "Weighted by x, the residuals average 0: tilting the line a little does not change "
            "the loss, ∂L/∂m = 0."
        )
    if min(x.tolist()) >= 0:
        where = "above the points" if weighted < 0 else "below the points"
        effect = "worse" if dm > 0 else "better"
        return (
            f"Making the line steeper lifts it more the larger x is, so the points with large x decide: "
            f"weighted by x, the residuals average mean(x·(y − y_pred)) = {shown}, so where x is "
            f"large the line is {where}, and a steeper line is {effect}: ∂L/∂m = −2·mean(x·(y − y_pred)) "
            f"= {_signed(dm)} {'>' if dm > 0 else '<'} 0."
        )
    return (
        f"∂L/∂m = −2·mean(x·(y − y_pred)) = {_signed(dm)}: weighted by x, the residuals average {shown}, "
        f"so a steeper line makes the loss {'larger' if dm > 0 else 'smaller'}."
    )


@_never_raises
def check_sign_prediction(x, y, m, b, dm_sign, db_sign):
    """Notebook 02: predict the signs of ∂L/∂m and ∂L/∂b at ``(m, b)`` before computing them.

    ``dm_sign`` and ``db_sign`` may be ``"+"``, ``"-"``, ``"positive"``,
    ``"negative"``, ``+1`` or ``-1`` (``0`` / ``"zero"`` too); anything else is
    answered with what was not understood. The truth comes from a plain loop
    here; the feedback explains both signs in words: where the line lies
    relative to the points, and what lifting or tilting it does.
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y: {error}")
    m_num, b_num = as_number(m), as_number(b)
    if m_num is None or b_num is None:
        return Feedback(
            False, f"m and b must be numbers, such as m = 1.5 and b = 0; got m = {_show(m)}, b = {_show(b)}."
        )
    dm, db, size_m, size_b = _plain_gradients(x, y, m_num, b_num)
    on_m, on_b = "the sign of ∂L/∂m", "the sign of ∂L/∂b"
    truth = {on_m: _sign(dm, size_m), on_b: _sign(db, size_b)}
    dm, db = (dm if truth[on_m] else 0.0), (db if truth[on_b] else 0.0)
    labels = {on_m: ("∂L/∂m", dm), on_b: ("∂L/∂b", db)}

    def explain(answers, truth, ok):
        verdicts = []
        for name, (label, value) in labels.items():
            said, sign = answers[name], truth[name]
            if said == sign:
                verdicts.append(f"{label} is {_SIGN_NAMES[sign]} ({_signed(value)}): right")
            else:
                verdicts.append(
                    f"{label}: you predicted {_SIGN_NAMES[said]}, but it is {_SIGN_NAMES[sign]} "
                    f"({_signed(value)})"
                )
        head = ("Both signs right: " if ok else "") + "; ".join(verdicts) + "."
        moves = [
            f"{'lowers' if s > 0 else 'raises'} {p}" for p, s in (("m", truth[on_m]), ("b", truth[on_b])) if s
        ]
        step = f" Gradient descent moves against the signs: it {' and '.join(moves)}." if moves else ""
        return f"{head} {_why_db(x, y, m_num, b_num, db)} {_why_dm(x, y, m_num, b_num, dm)}{step}"

    return compare_prediction(
        {on_m: dm_sign, on_b: db_sign},
        truth,
        read=lambda name, value: _read_sign(value, name),
        matches=lambda answers, truth: answers == truth,
        explain=explain,
        example="'+' or '-' each",
    )


# --------------------------------------------------------------------------
# Notebook 03 · The update rule: check_step, check_learning_rate
# --------------------------------------------------------------------------


def _step_cases():
    """``(x, y, m, b, lr)``: the tiny data and a small uneven set. Every case has
    dm != 0, db != 0 and lr != 1, so each typical mistake gives another answer."""
    other_x, other_y = np.array([1.0, 4, 7, 10]), np.array([3.0, 2, 9, 12])
    return [
        (TINY_X, TINY_Y, 0.0, 0.0, 0.01),
        (TINY_X, TINY_Y, 1.5, -1.0, 0.02),
        (other_x, other_y, 0.5, 2.0, 0.005),
        (other_x, other_y, -1.0, 4.0, 0.001),
    ]


def _moved(x, y, m, b, lr, along_m=1.0, along_b=1.0):
    """``(m - lr * along_m * dm, b - lr * along_b * db)``: the update, scaled per parameter."""
    dm, db = lc.gradients(x, y, m, b)
    return m - lr * along_m * dm, b - lr * along_b * db


def _in_turn(x, y, m, b, lr, m_first):
    """The update done one parameter at a time, the second gradient taken at the moved first one."""
    if m_first:
        new_m = m - lr * lc.gradients(x, y, m, b)[0]
        return new_m, b - lr * lc.gradients(x, y, new_m, b)[1]
    new_b = b - lr * lc.gradients(x, y, m, b)[1]
    return m - lr * lc.gradients(x, y, m, new_b)[0], new_b


STEP_MISTAKES = [
    Mistake(
        lambda x, y, m, b, lr: (m, b),
        "Your function returns m and b unchanged. Compute the gradient "
        "(dm, db) at (m, b) and return (m - lr * dm, b - lr * db).",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, -lr),
        "Your step goes uphill: the loss gets larger. "
        "The gradient points uphill, so subtract it: m - lr * dm, not m + lr * dm (check the sign of "
        "your dm and db too).",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, 1.0),
        "You subtracted the whole gradient: multiply "
        "it by the learning rate first, m - lr * dm and b - lr * db.",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, lr / 2),
        "Your step is half the expected size: check "
        "the factor 2 in the gradient, dm = -(2/n) * sum(x * (y - y_pred)).",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, 2 * lr),
        "Your step is twice the expected size: the "
        "gradient has one factor 2, dm = -(2/n) * sum(x * (y - y_pred)); did you multiply by 2 twice?",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, lr * x.size),
        "Your step is n times too large: the "
        "gradient divides by n (it is a mean), dm = -(2/n) * sum(x * (y - y_pred)). Use np.mean or "
        "divide the sum by len(x).",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, lr, along_b=0),
        "Your m is updated correctly, but b is unchanged: apply the rule to both, b - lr * db as well.",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, lr, along_m=0),
        "Your b is updated correctly, but m is unchanged: apply the rule to both, m - lr * dm as well.",
    ),
    Mistake(
        lambda x, y, m, b, lr: _moved(x, y, m, b, lr)[::-1],
        "The values are right but swapped: return (new_m, new_b), slope first.",
    ),
    Mistake(
        lambda x, y, m, b, lr: np.subtract(_moved(x, y, m, b, lr), (m, b)),
        "You returned the change "
        "-lr * gradient; add it to the current values: return (m - lr * dm, b - lr * db).",
    ),
    Mistake(
        lambda x, y, m, b, lr: _in_turn(x, y, m, b, lr, m_first=True),
        "Your m is right, but db was computed with the new m: you updated m first, then computed "
        "y_pred (and db) from the moved m. Compute dm and db both at the old (m, b), then update both: "
        "the gradient is taken once, at the current point.",
    ),
    Mistake(
        lambda x, y, m, b, lr: _in_turn(x, y, m, b, lr, m_first=False),
        "Your b is right, but dm was computed with the new b: you updated b first, then computed "
        "y_pred (and dm) from the moved b. Compute dm and db both at the old (m, b), then update both: "
        "the gradient is taken once, at the current point.",
    ),
    Mistake(
        lambda x, y, m, b, lr: (_moved(x, y, m, b, lr)[0], b - lr * lc.gradients(x, y, m, b)[0]),
        "Your m is right, but b was moved with dm: b needs its own derivative, "
        "db = -(2/n) * sum(y - y_pred).",
    ),
]


@_never_raises
def check_step(function):
    """Check ``function(x, y, m, b, lr)``: one gradient-descent update, returning ``(m, b)``.

    Compares with :func:`linreg_core.step` on several data sets and points, and
    recognises typical mistakes (sign, missing ``lr``, gradient factor, only one
    parameter updated, swapped or partial results).
    """
    cases = _step_cases()

    def wrong(i, got, right):
        x, y, m, b, lr = cases[i]
        return (
            f"From m={m:g}, b={b:g} with lr={lr:g} on x={x.tolist()}, y={y.tolist()} the new values "
            f"should be m={right[0]:.6g}, b={right[1]:.6g}, but yours are m={got[0]:.6g}, b={got[1]:.6g}. "
            f"Compute dm, db with the formulas of notebook 2, then return (m - lr * dm, b - lr * db)."
        )

    return check_function(
        function,
        cases,
        [lc.step(*case) for case in cases],
        STEP_MISTAKES,
        wrong=wrong,
        wrong_shape=lambda value, x, y, m, b, lr: (
            f"Return two numbers, (new_m, new_b); for m={m:g}, b={b:g}, lr={lr:g} your function "
            f"returned {_show(value)}."
        ),
        right=lambda got: f"Your update matches m - lr·dm, b - lr·db on {_all(len(cases), 'test case')}.",
    )


def _read_rate(lr, name="lr"):
    """``(rate, None)`` or ``(None, what is wrong)``: a learning rate must be one positive number."""
    if lr is None:
        return None, f"{name} is None: replace it by a number, such as 1e-4."
    rate, problem = _read_number(lr, name)
    if problem is not None:
        return None, problem
    if rate <= 0:
        return None, (
            f"{name} = {rate:g}: the learning rate must be positive. At 0 nothing moves, and a negative "
            f"lr walks uphill. Try a small value such as 1e-4."
        )
    return rate, None


def _read_epochs(epochs, default):
    """A whole number of epochs from 1 to 100 000 (300 and 300.0 both count), else ``default``."""
    number = None if isinstance(epochs, (bool, np.bool_)) else as_number(epochs)
    if number is None or number != int(number) or not 1 <= number <= 100_000:
        return default
    return int(number)


def _curvatures(x):
    """``(c, c_floor)``: the loss's curvature in its steep direction (across the valley, almost
    pure m when x is far from 0) and along the valley floor. ``c = 2 / lc.stable_learning_rate(x)``;
    the two multiply to 4·var(x), so ``c_floor = 4·var(x) / c``."""
    c = 2 / lc.stable_learning_rate(x)
    mean = _mean(x.tolist())
    variance = _mean([(xi - mean) ** 2 for xi in x.tolist()])
    return c, 4 * variance / c


def _factor(q):
    return _minus(f"{q:.3f}" if abs(q) < 10 else f"{q:.4g}")


def _steep_factor(rate, c, name=""):
    """'one step multiplies the distance … by 1 − lr·c, where c = …: 1 − 0.0001·6722 = 0.328'."""
    return (
        f"one step multiplies the distance to the valley along its steep direction (almost pure m) "
        f"by {name}1 − lr·c, where c = {c:.4g} is the curvature of the loss across the valley (a hair "
        f"more than 2·mean(x²), since the steepest way down also changes b): "
        f"{name}1 − {rate:.4g}·{c:.4g} = {_factor(1 - rate * c)}"
    )


def _steps_to(fraction, factor):
    """How many steps multiply a distance by ``fraction`` (< 1) at ``|factor|`` per step."""
    size = abs(factor)
    if size == 0:
        return 1
    if size >= 1:
        return math.inf
    return max(1, math.ceil(math.log(fraction) / math.log(size)))


def _about(count):
    """'99 000': a count rounded to two significant digits, digits grouped by thin spaces."""
    if math.isinf(count):
        return "never"
    return f"{int(float(f'{count:.2g}')):,}".replace(",", " ")


def _floor_note(rate, c_floor, epochs):
    """The slow direction, said honestly: it barely moves at any stable lr."""
    factor = 1 - rate * c_floor
    moved = 1 - factor**epochs
    digits = max(6, 2 - math.floor(math.log10(rate * c_floor))) if 0 < rate * c_floor < 1 else 6
    return (
        f" But along the floor of the valley (mostly b) the curvature is only {c_floor:.3g}, so "
        f"there one step multiplies the distance by 1 − lr·{c_floor:.3g} = "
        f"{_minus(f'{factor:.{digits}f}')}: in {epochs} "
        f"epochs that direction moves only {100 * moved:.2g} % of the way. A low loss does not mean "
        f"training is done (notebook 6 fixes this by scaling x)."
    )


@_never_raises
def check_learning_rate(x, y, lr, epochs=50, **ignored):
    """Check a learning rate by how fast the steep direction settles (notebook 03, Exercise 2).

    One step multiplies the distance to the valley along the loss's steep
    direction (almost pure m for x in 0…100) by ``q = 1 - lr·c``, with
    ``c = 2 / lc.stable_learning_rate(x)``. The answer is right when
    ``|q| <= 0.5``: the distance at least halves every step, i.e. lr between
    0.25 and 0.75 of the bound. The feedback states q and what it means
    (diverging, zigzags that die out slowly, smooth but slow), and, even when
    right, that the valley floor barely moves at any stable lr.

    ``lr`` must be one positive number (an int or a numpy number is fine; text,
    True/False, None and NaN are refused with a hint). ``epochs`` (default 50)
    is only used to say how far the slow direction gets; a value that is not a
    whole number, and any other keyword, are ignored.
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y: {error}")
    rate, problem = _read_rate(lr)
    if problem is not None:
        return Feedback(False, problem)
    epochs = _read_epochs(epochs, 50)
    bound = lc.stable_learning_rate(x)
    c, c_floor = _curvatures(x)
    q = 1 - rate * c
    low, high = 0.25 * bound, 0.75 * bound
    where = f"At lr = {rate:.4g} " + _steep_factor(rate, c)
    advice = f"pick lr between {low:.3g} and {high:.3g} (a quarter and three quarters of the bound)"
    if rate >= bound:
        return Feedback(
            False,
            f"{where}. That is −1 or less, so this diverges: "
            f"every step jumps past the valley and lands further away, and the swings grow. The stable "
            f"bound is 2/c = {bound:.4g}; {advice}.",
        )
    steps = _steps_to(1e-3, q)
    if abs(q) <= 0.5 + 1e-12:
        kind = (
            "m creeps to the valley from one side"
            if q >= 0
            else "m overshoots a little, and the swings die fast"
        )
        return Feedback(
            True,
            f"{where}: |{_factor(q)}| ≤ 0.5, so the distance at least halves every step ({kind}) "
            f"and shrinks 1000-fold in {steps} steps: the steep direction settles within a few steps."
            + _floor_note(rate, c_floor, epochs),
        )
    if q > 0:
        return Feedback(
            False,
            f"{where}: too small. Smooth but slow: each step keeps {100 * q:.0f} % of the distance, so "
            f"shrinking it 1000-fold takes {steps} steps. Take bigger steps: {advice}."
            + _floor_note(rate, c_floor, epochs),
        )
    return Feedback(
        False,
        f"{where}: so close to the bound ({bound:.4g}) that each step overshoots the valley, and the "
        f"zigzags die out slowly: each swing is {100 * abs(q):.0f} % of the one before, so shrinking them "
        f"1000-fold takes {steps} steps. Try a somewhat smaller lr: {advice}."
        + _floor_note(rate, c_floor, epochs),
    )


#: The three behaviours of the slope under repeated steps, and the words a student may use for each.
_BEHAVIOURS = {
    "smooth": {"smooth", "smoothly", "creep", "creeps", "creeping", "monotone", "monotonic"},
    "zigzag": {"zigzag", "zigzags", "zigzagging", "oscillate", "oscillates", "oscillating", "overshoot"},
    "diverge": {"diverge", "diverges", "diverging", "divergence", "explode", "explodes", "blowup", "blowsup"},
}


def _read_behaviour(value):
    again = "write 'smooth', 'zigzag' or 'diverge'"
    if not isinstance(value, str):
        return None, f"I did not understand {_show(value)}: {again} (as text, in quotes)."
    word = re.sub(r"[^a-z]", "", value.lower())
    for behaviour, words in _BEHAVIOURS.items():
        if word in words:
            return behaviour, None
    if word.startswith("converg"):
        return None, (
            "Both 'smooth' and 'zigzag' converge: which of the two? Does m creep in from one side, "
            "or overshoot and swing back?"
        )
    return None, f"I did not understand {_show(value)}: {again}."


def _behaviour(q):
    return "smooth" if q >= 0 else ("zigzag" if q > -1 else "diverge")


def _best_line(x, y):
    """The least-squares ``(m, b)`` from sums: m = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², b = ȳ − m·x̄."""
    mean_x, mean_y = _mean(x.tolist()), _mean(y.tolist())
    top = sum((xi - mean_x) * (yi - mean_y) for xi, yi in zip(x.tolist(), y.tolist()))
    m = top / sum((xi - mean_x) ** 2 for xi in x.tolist())
    return m, mean_y - m * mean_x


def _walk_steep(x, y, lr, c, steps=30):
    """Distances to the bottom after 0…steps plain steps, from 1 unit away along the steep direction.

    That direction is (c − 2, 2·mean(x)) in (m, b) (for x in 0…100 almost pure m); the distance is
    measured along it, so it should be multiplied by q = 1 − lr·c at every step.
    """
    m_best, b_best = _best_line(x, y)
    um, ub = c - 2, 2 * _mean(x.tolist())
    length = math.hypot(um, ub)
    um, ub = (um / length, ub / length) if length else (0.0, 1.0)
    m, b, distances = m_best + um, b_best + ub, [1.0]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            r = y - (m * x + b)
            m, b = m + lr * 2 * float(np.mean(x * r)), b + lr * 2 * float(np.mean(r))
            distances.append(um * (m - m_best) + ub * (b - b_best))
            if not math.isfinite(distances[-1]):
                break
    return distances


def _seen(distances):
    """The behaviour the distances show: growing, changing side, or neither."""
    last = distances[-1]
    if not math.isfinite(last) or abs(last) >= abs(distances[0]):
        return "diverge"
    return "zigzag" if distances[1] < 0 else "smooth"


def _data_and_rate(x, y, lr):
    """``(x, y, rate, None)`` when the data and the learning rate are usable, else a problem text."""
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return x, y, None, f"Pass the data arrays x and y: {error}"
    if len(set(x.tolist())) < 2:
        return x, y, None, "x needs at least two different values for a line to be fitted."
    rate, problem = _read_rate(lr)
    return x, y, rate, problem


@_never_raises
def check_step_prediction(x, y, lr, prediction):
    """Notebook 03: predict what the slope m does under repeated steps at this ``lr``.

    ``prediction`` is ``"smooth"`` (m creeps to the valley from one side),
    ``"zigzag"`` (m overshoots and the swings shrink) or ``"diverge"`` (the
    swings grow). The truth comes from the factor ``q = 1 - lr·c`` of the steep
    direction, ``c = 2 / lc.stable_learning_rate(x)``: q in (0, 1) smooth,
    (−1, 0) zigzag, ≤ −1 diverge; and it is checked by 30 plain steps from one
    unit away along that direction. Within 0.02 of q = 0 or 0.005 of q = −1 the
    behaviour is on the edge, and either neighbour counts as right.
    Words such as "zig-zag", "diverges" or "Smooth" are understood.
    """
    x, y, rate, problem = _data_and_rate(x, y, lr)
    if problem is not None:
        return Feedback(False, problem)
    c = 2 / lc.stable_learning_rate(x)
    q = 1 - rate * c
    distances = _walk_steep(x, y, rate, c)
    truth = {_behaviour(q), _seen(distances)}
    if abs(q) < 0.02:
        truth |= {"smooth", "zigzag"}
    if abs(q + 1) < 0.005:
        truth |= {"zigzag", "diverge"}
    shown = " → ".join(_minus(f"{d:.3g}") for d in distances[:4]) + (
        f" → … → {_minus(f'{distances[-1]:.2g}')} after {len(distances) - 1} steps"
    )
    q_text = _factor(q)
    meaning = {
        "smooth": (
            f"q = {q_text} is between 0 and 1: each step goes only part of the way to the valley, never "
            f"past it, so m creeps in from one side, keeping {100 * q:.0f} % of the distance each step."
        ),
        "zigzag": (
            f"q = {q_text} is between −1 and 0: each step jumps past the valley to the other side but "
            f"lands closer ({100 * abs(q):.0f} % of the distance), so m zigzags and the swings shrink."
        ),
        "diverge": (
            f"q = {q_text} is −1 or less: each step jumps past the valley and lands {abs(q):.3g} times as "
            f"far away, so the swings grow and m diverges."
        ),
    }[_behaviour(q)]
    edge = ""
    if len(truth) > 1:
        edge = " This lr is on the edge between two behaviours, so both count as right."
    story = (
        f"At lr = {rate:.4g} {_steep_factor(rate, c, 'q = ')}. {meaning}{edge} Checked by "
        f"running plain steps from 1 unit away along that direction: {shown}. On this data: smooth for "
        f"lr < 1/c = {1 / c:.3g}, zigzag between that and 2/c = {2 / c:.3g}, diverge above."
    )
    return compare_prediction(
        {"prediction": prediction},
        truth,
        read=lambda name, value: _read_behaviour(value),
        matches=lambda answers, truth: answers["prediction"] in truth,
        explain=lambda answers, truth, ok: (
            (
                f"Your prediction '{answers['prediction']}' is right. "
                if ok
                else f"You predicted '{answers['prediction']}', but the answer is '{_behaviour(q)}'. "
            )
            + story
        ),
        example="'smooth', 'zigzag' or 'diverge'",
    )


# --------------------------------------------------------------------------
# Notebook 04 · Full training: check_trained_model
# --------------------------------------------------------------------------


_MISSING = object()


def _attribute(thing, name):
    """``thing.name``, or ``_MISSING`` if it is absent or reading it fails (a property that raises)."""
    try:
        return getattr(thing, name)
    except Exception:
        return _MISSING


def _number_text(value):
    number = as_number(value)
    return f"{number:.6g}" if number is not None else _show(value, 30)


@_never_raises
def check_trained_model(model, x, y, tolerance=1e-3):
    """Check a trained ``LinearRegression`` against the least-squares line.

    Pass the same ``x`` (raw or scaled) and ``y`` that ``model.fit`` was given.
    The model passes when, at every data point, its prediction is within
    ``tolerance * std(y)`` of the prediction of the least-squares line
    (:func:`linreg_core.closed_form`). Otherwise the feedback says why: not
    fitted (and whether ``fit`` would diverge), trained on other data, or not
    converged (more epochs, or scale ``x``). A model object of another shape
    (no ``predict``, a ``history`` without losses, a ``predict`` that raises
    or hangs) gets feedback too.
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y you trained on: {error}")
    parts = {name: _attribute(model, name) for name in ("lr", "predict", "history", "m", "b")}
    if any(parts[name] is _MISSING for name in ("lr", "predict", "history")) or not callable(
        parts["predict"]
    ):
        return Feedback(
            False,
            f"Expected a LinearRegression, e.g. model = lc.LinearRegression("
            f"lr=..., epochs=...).fit(x, y); got {type(model).__name__}.",
        )
    bound = lc.stable_learning_rate(x)
    history = parts["history"]
    if history is None:
        lr = as_number(parts["lr"])
        if lr is not None and lr >= bound:
            return Feedback(
                False,
                f"The model is not trained: with lr = {lr:.4g}, fit diverges "
                f"(DivergenceError) because the stable bound for this x is "
                f"{bound:.4g}. Choose a smaller lr, or standardise x.",
            )
        return Feedback(False, "The model is not trained yet: call model.fit(x, y) first.")
    losses = _attribute(history, "losses")
    try:
        trained_loss = as_number(losses[-1])
    except Exception:  # no losses, an empty history, something else
        trained_loss = None
    if trained_loss is None:
        return Feedback(
            False,
            f"model.history holds no training losses (it is {_show(history, 40)}): train the model "
            f"with model.fit(x, y) of an lc.LinearRegression.",
        )
    student = _Student()
    y_pred, failure = student.call(parts["predict"], (x.copy(),))
    if failure is not None:
        return Feedback(False, failure.message.replace("Your function", "model.predict(x)") + student.note())
    try:
        loss = lc.mse(y, y_pred)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"model.predict(x) did not give one number per point: {error}")
    if not math.isclose(loss, trained_loss, rel_tol=1e-6, abs_tol=1e-9):
        return Feedback(
            False,
            f"The model was trained on other data: its MSE on the x, y you "
            f"passed is {loss:.6g}, but {trained_loss:.6g} at the end of "
            f"training. Pass the same x you gave to fit (e.g. the "
            f"standardised one).",
        )
    m_ls, b_ls = lc.closed_form(x, y)
    gap = float(np.max(np.abs(np.asarray(y_pred, float) - lc.predict(x, m_ls, b_ls))))
    allowed = tolerance * float(np.std(y))
    found = (
        f"m = {_number_text(parts['m'])}, b = {_number_text(parts['b'])}, MSE = {loss:.6g} (least squares: "
        f"m = {m_ls:.6g}, b = {b_ls:.6g}, MSE = {lc.mse(y, lc.predict(x, m_ls, b_ls)):.6g}); "
        f"largest gap between your predictions and the least-squares line: {gap:.3g} "
        f"(allowed: {allowed:.3g})"
    )
    if gap <= allowed:
        return Feedback(True, f"{found}.")
    advice = "Training has not converged yet. "
    if abs(x.mean()) > x.std():
        advice += (
            f"x is far from 0 (mean {x.mean():.4g}, std {x.std():.4g}), so the bowl is a "
            f"long narrow valley and b crawls along it: more epochs help only slowly. "
            f"Standardise x, x_s = (x - x.mean()) / x.std(); then lr up to 1 is stable "
            f"and a few hundred epochs are plenty."
        )
    else:
        advice += f"Train for more epochs, or use a larger lr (it must stay below the bound {bound:.4g})."
    return Feedback(False, f"{found}. {advice}")


def _plain_descent(x, y, lr, epochs):
    """``(m, b)`` after ``epochs`` plain gradient-descent steps from (0, 0), or None if it blew up."""
    m = b = 0.0
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            r = y - (m * x + b)
            m, b = m + lr * 2 * float(np.mean(x * r)), b + lr * 2 * float(np.mean(r))
            if not (math.isfinite(m) and math.isfinite(b)):
                return None
    return m, b


@_never_raises
def check_intercept_prediction(x, y, prediction, lr=1e-4, epochs=300):
    """Notebook 04: predict b after ``epochs`` epochs of gradient descent from (0, 0) at ``lr``.

    The truth comes from a plain loop here (on classic.csv, b ≈ 0.08 after 300
    epochs at 1e-4, although the best intercept is 4.85). A prediction counts
    as right within a tenth of the way from the start to the best intercept,
    ``±0.1·|b_best|`` (±0.49 on classic.csv; at least ``0.001·std(y)``). The
    feedback explains the crawl: along the valley floor the curvature is tiny,
    so each epoch removes only a tiny fraction of the remaining distance; it
    gives that per-epoch factor and how many epochs reach 1 % of the best b.
    ``epochs`` is a whole number from 1 to 100 000.
    """
    x, y, rate, problem = _data_and_rate(x, y, lr)
    if problem is not None:
        return Feedback(False, problem)
    count = _read_epochs(epochs, None)
    if count is None:
        return Feedback(False, f"epochs must be a whole number from 1 to 100 000; got {_show(epochs)}.")
    bound = lc.stable_learning_rate(x)
    run = _plain_descent(x, y, rate, count) if rate < bound else None
    if run is None:
        return Feedback(
            False,
            f"At lr = {rate:.4g} gradient descent diverges on this data (the stable bound is {bound:.4g}), "
            f"so b never settles: use an lr below the bound.",
        )
    b_after = run[1]
    _, b_best = _best_line(x, y)
    tolerance = 0.1 * max(abs(b_best), 0.01 * float(np.std(y)))
    c, c_floor = _curvatures(x)
    removed = rate * c_floor
    factor = 1 - removed
    share = b_after / b_best if b_best else 1.0
    crawl = (
        f"Along the floor of the valley the loss is almost flat: its curvature there is only "
        f"{c_floor:.3g}, against {c:.4g} across the valley. So each epoch removes only "
        f"lr·{c_floor:.3g} = {100 * removed:.2g} % of the remaining distance to the best b (a factor "
        f"{factor:.{max(4, 2 - math.floor(math.log10(removed)))}f} per epoch), and getting within 1 % "
        f"of the best b = {b_best:.3g} takes about {_about(_steps_to(0.01, factor))} epochs. The loss "
        f"looks low long before that: the steep direction settled in the first few epochs."
    )
    if abs(factor) ** count < 0.01:
        crawl = (
            f"Here the valley floor has curvature {c_floor:.3g}, so each epoch multiplies the distance "
            f"to the best b by {_minus(f'{factor:.4g}')}, and {count} epochs are enough to get there."
        )
    result = (
        f"after {count} epochs at lr = {rate:.4g}, b is {b_after:.4g}, {100 * share:.3g} % of the way "
        f"from 0 to the best b = {b_best:.3g}"
    )
    rule = f"(a prediction counts as right within ±{tolerance:.2g}, a tenth of the way)"

    def explain(answers, truth, ok):
        guess = answers["prediction"]
        if ok:
            return f"Your prediction {guess:.4g} is right: {result} {rule}. {crawl}"
        if abs(guess - b_best) <= tolerance and abs(b_after - b_best) > tolerance:
            specific = f"{b_best:.3g} is where b ends up eventually, not after {count} epochs. "
        elif guess * b_best < 0 < b_after * b_best:
            side = "above" if b_best > 0 else "below"
            specific = (
                f"b starts at 0 and heads towards the best b = {b_best:.3g}, so here it stays {side} 0. "
            )
        elif abs(guess) > abs(b_after):
            specific = "b moves much less than you expected. "
        else:
            specific = ""
        return f"You predicted {guess:.4g}, but {result} {rule}. {specific}{crawl}"

    return compare_prediction(
        {"prediction": prediction},
        b_after,
        read=lambda name, value: _read_number(value, "Your prediction"),
        matches=lambda answers, truth: abs(answers["prediction"] - truth) <= tolerance,
        explain=explain,
        example="a number, e.g. 2.0",
    )


# --------------------------------------------------------------------------
# Notebook 05 · What went wrong in the classic code: check_bug_match (and check_gradients)
# --------------------------------------------------------------------------

#: Symptom -> (the bug that causes it, a hint that leads there without naming it).
BUG_SYMPTOMS = {
    "S1": (
        "c",
        "S1: b never leaves its starting value although no error is raised, so the "
        "new intercept must be stored somewhere else. Which bug writes the intercept "
        "update to a different attribute?",
    ),
    "S2": (
        "b",
        "S2: a prediction that is the same for every x means x is missing from the "
        "formula. Which bug drops x from the prediction?",
    ),
    "S3": (
        "e",
        "S3: the same line works in a notebook that ran one extra line first. 'pd' is "
        "the usual short name of a library: which bug is about a missing import?",
    ),
    "S4": (
        "d",
        "S4: a factor of exactly 2 in one derivative points at a wrong constant in that "
        "formula, not at a missing variable or name.",
    ),
    "S5": (
        "a",
        "S5: an AttributeError says that self.something was never set. Which bug "
        "forgets to store something in the constructor?",
    ),
}


@_never_raises
def check_bug_match(answers):
    """Check a dict mapping each symptom ``"S1"``…``"S5"`` to a bug letter ``"a"``…``"e"``.

    Every wrong or missing answer gets its own hint (see :data:`BUG_SYMPTOMS`).
    """
    if not isinstance(answers, dict):
        return Feedback(
            False, f"Give a dict such as {{'S1': 'a', 'S2': 'b', ...}}; got {type(answers).__name__}."
        )
    letters = "abcde"
    given = {str(key).strip().upper(): str(value).strip().lower() for key, value in answers.items()}
    missing = [key for key in BUG_SYMPTOMS if given.get(key, "?") in ("", "?")]
    if missing:
        return Feedback(
            False, f"Replace each '?' with one letter from a to e; still open: {', '.join(missing)}."
        )
    invalid = [f"{key} = {given[key]!r}" for key in BUG_SYMPTOMS if given[key] not in letters]
    if invalid:
        return Feedback(False, f"Each answer must be one letter from a to e; got {', '.join(invalid)}.")
    wrong = [key for key, (bug, _) in BUG_SYMPTOMS.items() if given[key] != bug]
    if not wrong:
        return Feedback(True, "All five symptoms matched: S1 → c, S2 → b, S3 → e, S4 → d, S5 → a.")
    right = len(BUG_SYMPTOMS) - len(wrong)
    hints = " ".join(BUG_SYMPTOMS[key][1] for key in wrong)
    return Feedback(False, f"{right} of {len(BUG_SYMPTOMS)} right. {hints}")


# --------------------------------------------------------------------------
# Notebook 06 · Learning rate and feature scaling: check_unstandardize
# --------------------------------------------------------------------------


def _unstandardize_data():
    """Three data sets with mean != 0 and std != 1 (one with a negative mean)."""
    return [
        (TINY_X, TINY_Y),
        (np.array([10.0, 20, 30, 45, 60, 80]), np.array([4.0, 9, 11, 19, 24, 35])),
        (np.array([-8.0, -6, -5, -3, -2.5]), np.array([1.0, -2, -2, -6, -7])),
    ]


def _unstandardize_cases():
    """``(m_scaled, b_scaled, mean, std)`` of least-squares fits on standardised x."""
    cases = []
    for x, y in _unstandardize_data():
        mean, std = float(x.mean()), float(x.std())
        cases.append((*lc.closed_form((x - mean) / std, y), mean, std))
    return cases


UNSTANDARDIZE_MISTAKES = [
    Mistake(
        lambda m_s, b_s, mean, std: (m_s, b_s),
        "You returned the scaled parameters unchanged. m_scaled "
        "is the change in y per standard deviation of x, not per unit of x: convert both m and b.",
    ),
    Mistake(
        lambda m_s, b_s, mean, std: (m_s, b_s - m_s * mean),
        "You forgot to divide by std: x_scaled = "
        "(x - mean) / std, so m = m_scaled / std, and the intercept shift is m_scaled * mean / std.",
    ),
    Mistake(
        lambda m_s, b_s, mean, std: (m_s * std, b_s - m_s * std * mean),
        "You multiplied by std where "
        "you should divide: one unit of x_scaled is std units of x, so m = m_scaled / std.",
    ),
    Mistake(
        lambda m_s, b_s, mean, std: (m_s / std, b_s),
        "Your slope is right, but you forgot the mean "
        "shift in the intercept: b = b_scaled - m_scaled * mean / std.",
    ),
    Mistake(
        lambda m_s, b_s, mean, std: (m_s / std, b_s + m_s * mean / std),
        "Your slope is right, but the "
        "mean shift has the wrong sign: the scaled line uses x - mean, so b = b_scaled - m_scaled * "
        "mean / std (minus).",
    ),
    Mistake(
        lambda m_s, b_s, mean, std: (m_s / std, b_s - m_s * mean),
        "Your slope is right, but the "
        "intercept's mean shift is missing the division by std: b = b_scaled - m_scaled * mean / std.",
    ),
    Mistake(
        lambda m_s, b_s, mean, std: (b_s - m_s * mean / std, m_s / std),
        "The values are right but swapped: return (m, b), slope first.",
    ),
]


@_never_raises
def check_unstandardize(function):
    """Check ``function(m_scaled, b_scaled, mean, std) -> (m, b)``.

    The reference is the least-squares line fitted to the raw data
    (:func:`linreg_core.closed_form`), independent of
    :func:`linreg_core.unstandardize`, on three data sets; typical mistakes
    (no division by std, no mean shift, sign, swapped) get a specific hint.
    """
    cases = _unstandardize_cases()

    def wrong(i, got, right):
        m_s, b_s, mean, std = cases[i]
        part = "m" if not close(got[0], right[0]) else "b"
        return (
            f"For m_scaled={m_s:.6g}, b_scaled={b_s:.6g}, mean={mean:.6g}, std={std:.6g} the line in raw "
            f"units is m={right[0]:.6g}, b={right[1]:.6g}, but yours is m={got[0]:.6g}, b={got[1]:.6g}: "
            f"check {part}. Substitute x_scaled = (x - mean) / std into m_scaled · x_scaled + b_scaled "
            f"and collect the terms."
        )

    return check_function(
        function,
        cases,
        [lc.closed_form(x, y) for x, y in _unstandardize_data()],
        UNSTANDARDIZE_MISTAKES,
        wrong=wrong,
        wrong_shape=lambda value, m_s, b_s, mean, std: (
            f"Return two numbers, (m, b); for m_scaled={m_s:.4g}, b_scaled={b_s:.4g}, mean={mean:.4g}, "
            f"std={std:.4g} your function returned {_show(value)}."
        ),
        right=lambda got: (
            f"On {_all(len(cases), 'data set')} your (m, b) is the least-squares line fitted to the raw "
            f"x: m = m_scaled / std, b = b_scaled - m_scaled · mean / std."
        ),
    )


# --------------------------------------------------------------------------
# Notebook 07 · Closed form and several features: check_normal_equation
# --------------------------------------------------------------------------


def _normal_equation_cases():
    """``(features, y)``: features far from 0 and a clear intercept, so that a
    missing column of ones or a misplaced intercept changes the answer."""
    rng = np.random.default_rng(7)
    cases = []
    for n, p in ((12, 2), (15, 3)):
        X = rng.uniform(10, 30, size=(n, p)) + np.arange(p) * 5
        cases.append((X, 40.0 + X @ np.linspace(2.0, -1.5, p) + rng.normal(0, 2.0, n)))
    return cases


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


@_never_raises
def check_normal_equation(function):
    """Check ``function(features, y)``: least-squares weights ``(b, w_1, ..., w_p)``.

    ``features`` has n rows and p columns (no column of ones): the function must
    build the design matrix with a column of ones in front, solve the normal
    equation ``(X.T @ X) w = X.T @ y`` and return ``w``, intercept first.
    Compared with :func:`linreg_features.normal_equation` on two data sets (2 and
    3 features). Recognises a missing column of ones, the intercept last, wrong
    transposes (a crash or a result of the wrong length), and notes ``inv``.
    """
    cases = _normal_equation_cases()
    sizes = {X.shape[1] + 1 for X, _ in cases}

    def parse(value):
        w = _weights(value)
        return w if w is not None and w.size in sizes else None

    def wrong_shape(value, X, y):
        (n, p), w = X.shape, _weights(value)
        if w is None and _weights(value, finite=False) is not None:
            return f"Your weights contain NaN or infinity: {_weights(value, finite=False).tolist()}."
        if w is None:
            return (
                f"Return the weights as one array of numbers, intercept first; your function "
                f"returned {_show(value)}."
            )
        if w.size == p:
            return (
                f"With {p} features there are {p + 1} weights, but you returned {p}: the intercept is "
                f"missing. Did you forget the column of ones? X = np.column_stack([np.ones(len("
                f"features)), features])."
            )
        if w.size == n:
            return (
                f"You returned {n} numbers, one per data point, instead of {p + 1} weights. {_TRANSPOSE_HINT}"
            )
        return f"Expected {p + 1} weights (intercept first, then one per feature), but got {w.size}."

    def wrong(i, got, right):
        X, y = cases[i]
        A = lf.design_matrix(X)
        return (
            f"On a test set with {X.shape[0]} points and {X.shape[1]} features your weights "
            f"{np.round(got, 4).tolist()} give MSE {lc.mse(y, A @ got):.4g}, but the best weights "
            f"{np.round(right, 4).tolist()} give {lc.mse(y, A @ right):.4g}. Build X with a column of ones "
            f"first, then solve (X.T @ X) w = X.T @ y with np.linalg.solve."
        )

    feedback = check_function(
        function,
        cases,
        [lf.normal_equation(*case) for case in cases],
        NORMAL_EQUATION_MISTAKES,
        parse=parse,
        wrong_shape=wrong_shape,
        wrong=wrong,
        right=lambda got: f"Your weights match the least-squares solution on {_all(len(cases), 'test set')}.",
    )
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


def _uses_inverse(function):
    """True if the source of ``function`` calls ``inv(`` (but not ``pinv(``)."""
    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return re.search(r"(?<![p\w])inv\s*\(", text) is not None


# --------------------------------------------------------------------------
# Notebook 08 · Stochastic and mini-batch gradient descent: check_minibatch_epoch
# --------------------------------------------------------------------------


def _minibatch_cases():
    """``(x, y, m, b, lr, batch_size, order)``: n = 7 is not a multiple of the
    batch sizes, so the last batch is smaller, and the orders are shuffled."""
    x, y = np.r_[TINY_X, 1.0, 4.0], np.r_[TINY_Y, 1.0, 3.0]
    return [
        (x, y, 0.5, -1.0, 0.02, 3, np.array([4, 0, 6, 2, 5, 1, 3])),
        (x, y, 1.5, 2.0, 0.01, 2, np.array([3, 6, 1, 0, 5, 2, 4])),
    ]


def _batches_of(order, batch_size):
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _epoch(x, y, m, b, lr, batch_size, order, batches=None, scale=lambda size, n: 1.0, stale=False):
    """(m, b) after one epoch of ``lc.step`` per batch, or after a typical mistake in it."""
    batches = _batches_of(order, batch_size) if batches is None else batches
    start = m, b
    for batch in batches:
        at = start if stale else (m, b)
        dm, db = lc.gradients(x[batch], y[batch], *at)
        step = lr * scale(len(batch), len(x))
        m, b = m - step * dm, b - step * db
    return m, b


MINIBATCH_MISTAKES = [
    Mistake(
        lambda x, y, m, b, *rest: (m, b),
        "Your function returns m and b unchanged: loop over the batches and make one update per batch.",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(
            x, y, m, b, lr, size, order, _batches_of(np.arange(len(x)), size)
        ),
        "You took the points in their original order 0, 1, 2, …: visit them in the shuffled order "
        "given by `order`, e.g. batch = order[start:start + batch_size].",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(
            x, y, m, b, lr, size, order, [np.arange(len(x))] * len(_batches_of(order, size))
        ),
        "Every update used all the data: compute dm and db on the batch only, x[batch] and y[batch].",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(x, y, m, b, lr, size, order, _batches_of(order, size)[:1]),
        "You made only one update, for the first batch: loop over all the batches, for start in "
        "range(0, len(x), batch_size).",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(
            x, y, m, b, lr, size, order, _batches_of(order[: len(x) - len(x) % size], size)
        ),
        "The last, smaller batch was skipped: when batch_size does not divide n, the leftover points "
        "form one more batch (range(0, len(x), batch_size) includes it).",
    ),
    Mistake(
        lambda *case: _epoch(*case, scale=lambda size, n: size / n),
        "Your steps are too small: the "
        "gradient of a batch is a mean over that batch, so divide by the batch's size, len(batch), not by n.",
    ),
    Mistake(
        lambda *case: _epoch(*case, scale=lambda size, n: size),
        "Your steps are too large: the "
        "gradient of a batch is a mean over that batch, so divide the sums by len(batch) (or use np.mean).",
    ),
    Mistake(
        lambda *case: _epoch(*case, scale=lambda size, n: -1.0),
        "Your steps go uphill: subtract the gradient, m - lr * dm and b - lr * db.",
    ),
    Mistake(
        lambda *case: _epoch(*case, stale=True),
        "You computed every batch's gradient at the starting "
        "(m, b): update m and b after each batch, and compute the next batch's gradient at the new values.",
    ),
]


@_never_raises
def check_minibatch_epoch(function):
    """Check ``function(x, y, m, b, lr, batch_size, order)``: one epoch of mini-batch descent.

    The function visits the points in ``order``, ``batch_size`` at a time (the
    last batch may be smaller), and after each batch updates ``(m, b)`` with the
    gradient on that batch; it returns the final ``(m, b)``. The reference
    applies :func:`linreg_core.gradients` batch by batch. Recognises order
    ignored, all data used, last batch dropped, dividing by ``n``, a stale
    gradient, a single update and the wrong sign.
    """
    cases = _minibatch_cases()

    def wrong(i, got, right):
        x, y, m, b, lr, batch_size, order = cases[i]
        return (
            f"With x={x.tolist()}, y={y.tolist()}, m={m:g}, b={b:g}, lr={lr:g}, batch_size={batch_size}, "
            f"order={order.tolist()} the epoch should end at m={right[0]:.6g}, b={right[1]:.6g}, but yours "
            f"ends at m={got[0]:.6g}, b={got[1]:.6g}. For each batch of indices, compute dm and db on that "
            f"batch with the formulas of notebook 2, then update m and b."
        )

    return check_function(
        function,
        cases,
        [_epoch(*case) for case in cases],
        MINIBATCH_MISTAKES,
        wrong=wrong,
        wrong_shape=lambda value, *case: (
            f"Return two numbers, (m, b) after the epoch; your function returned {_show(value)}."
        ),
        right=lambda got: (
            f"Your epoch matches the reference on {_all(len(cases), 'test case')}, including a last batch "
            f"smaller than batch_size."
        ),
    )
