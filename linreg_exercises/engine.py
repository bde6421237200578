"""The exercise engine: verdicts, safe running of student code, and the registry.

Every checker returns a :class:`Feedback`, shown as one line in the notebook, and never
raises: an answer that crashes, hangs or has the wrong shape gets feedback too, so "Run All"
never breaks.

An exercise is declared once, in the module of its notebook (``nb01.py`` …), by one of two
decorators, which make the checker and put its record into :data:`EXERCISES`:

- :func:`function_exercise` for "write this function": test cases, the reference, the
  typical :class:`Mistake` s with their hints and the three messages. The engine,
  :func:`check_function`, runs the student's function on the cases (with a time limit, its
  printed output captured), compares with the reference and picks the hint.
- :func:`exercise` for every other checker (a prediction, a number, a model), whose body
  does the judging, often with :func:`compare_prediction`.

Both records also name the answers that must pass and wrong answers with a piece of the hint
each must get; the tests loop over :data:`EXERCISES` and try them all.
"""

import contextlib
import dis
import functools
import inspect
import io
import math
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import NamedTuple

import numpy as np

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
        return self.mark() + self.message

    def mark(self):
        """The verdict's first words."""
        return "✅ Correct! " if self.ok else "❌ Not yet. "

    def _repr_html_(self):
        """The first paragraph, then the rest folded away under "Why, in detail"."""
        first, _, rest = self.message.partition("\n\n")
        html = f"<p>{escape(self.mark() + first)}</p>"
        if rest.strip():
            paragraphs = "".join(f"<p>{escape(part)}</p>" for part in rest.split("\n\n") if part.strip())
            html += f"<details><summary>Why, in detail</summary>{paragraphs}</details>"
        return f'<div class="linreg-feedback">{html}</div>'


class Prediction(Feedback):
    """The verdict on a prediction made before computing: never a red cross, since a guess that
    turns out wrong is what the exercise is for. Still true only when the prediction was right."""

    __slots__ = ()

    def mark(self):
        return "✅ Right! " if self.ok else "🔎 "


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


def show(value, width=60):
    """``repr(value)`` cut to ``width`` characters; never raises (huge ints, broken ``__repr__``)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1023:
        try:
            float(value)
        except OverflowError:
            return f"an integer too large for a float ({len(format(value, 'x')) * 1.204:.0f} digits or so)"
    if isinstance(value, (np.floating, np.integer)) and not isinstance(value, np.bool_):
        value = value.item()  # 0.74 rather than np.float64(0.74)
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "if" and value.size > 3:
        return f"an array of {value.size} numbers"
    if type(value) in (list, tuple) and len(value) <= 10:
        items = ", ".join(show(item, width) for item in value)
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


#: Python errors a beginner meets in these exercises: (type, part of the message, what to do).
_ERROR_HINTS = [
    (
        TypeError,
        "object is not iterable",
        "To repeat something `epochs` times, write `for epoch in range(epochs):`.",
    ),
    (TypeError, "'bitwise_xor'", "In Python `^` is not a power: write `**`, e.g. `residuals ** 2`."),
    (TypeError, "can't multiply sequence", "Lists do not compute element by element: use numpy arrays."),
    (TypeError, "unsupported operand type(s) for -: 'list'", "Lists do not subtract: use numpy arrays."),
    (
        UnboundLocalError,
        "'epoch'",
        "Loop over `range(epochs)`, with an s: `epoch` is the loop's own counter.",
    ),
    (
        UnboundLocalError,
        "",
        "A variable is used before it has a value: give it one first (above the loop, if the loop "
        "changes it), or check its spelling.",
    ),
    (
        NameError,
        "",
        "That name does not exist inside your function: compute it there from the arguments, "
        "or check its spelling.",
    ),
    (IndexError, "", "An index is out of range: loop over `range(len(x))`, or use whole arrays."),
]


def _raised(error):
    """What to tell a student whose function raised ``error``: the error, then what to do about it."""
    text = f"Your function raised {_error(error)}."
    for kind, part, hint in _ERROR_HINTS:
        if isinstance(error, kind) and part in _error(error):
            return f"{text} {hint}"
    return text


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


@contextlib.contextmanager
def _figures_kept_back(counter):
    """Show no figure the code inside draws, close them afterwards and count them in ``counter``.

    A student who copies a plotting line into a loop would otherwise get a figure per call.
    """
    plt = sys.modules.get("matplotlib.pyplot")  # only if the notebook has imported it
    if plt is None:
        yield
        return
    before, show = set(plt.get_fignums()), plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        with plt.rc_context({"figure.max_open_warning": 0}):  # they are closed below
            yield
    finally:
        plt.show = show
        drawn = set(plt.get_fignums()) - before
        for number in drawn:
            plt.close(number)
        counter.append(len(drawn))


_DRAWS = (
    "Your function draws a figure each time it runs ({count} while being checked, not shown): "
    "take the drawing (a `lw.show_…` or `plt.…` line) out of it, and draw once after training."
)


class Student:
    """Runs a student's function or method and remembers what it printed and drew."""

    def __init__(self):
        self.printed = []
        self.figures = []

    def call(self, function, args):
        """``(value, None)``, or ``(None, Feedback)`` if the call raised or did not finish in time.

        A returned generator or iterator is read here, under the same time limit,
        because reading it runs the student's code.
        """
        out = _Capped()
        try:
            with _time_limit(TIME_LIMIT), contextlib.redirect_stdout(out), _figures_kept_back(self.figures):
                try:
                    value = function(*args)
                except (Exception, SystemExit) as error:  # any failure in student code becomes feedback
                    return None, Feedback(False, _raised(error))
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
            if self.figures and self.figures[-1]:  # drawing is what made it slow
                return None, Feedback(False, _DRAWS.format(count=self.figures[-1]))
            return None, Feedback(False, _TOO_SLOW.format(limit=TIME_LIMIT))
        finally:
            self.printed.append(out.getvalue())

    def note(self):
        """What the student's code printed (once and cut short) and how many figures it drew, or ''."""
        drew = sum(self.figures)
        drawing = f" {_DRAWS.format(count=drew)}" if drew else ""
        outputs = [text.strip() for text in self.printed if text.strip()]
        if not outputs:
            return drawing
        text = outputs[0] if len(outputs[0]) <= PRINT_LIMIT else outputs[0][: PRINT_LIMIT - 1] + "…"
        text = " ⏎ ".join(line.rstrip() for line in text.splitlines())
        calls = len(self.printed)
        which = "" if calls == 1 else f" (first of {calls} test calls; the others are not shown)"
        return f" Your function printed{which}: “{text}”.{drawing}"


def _copies(case):
    """The case's arguments, arrays copied, so a student's in-place edit cannot leak."""
    return [arg.copy() if isinstance(arg, np.ndarray) else arg for arg in case]


def all_of(count, noun):
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
        f"parameters ({_parameters(function)}) and compute everything else from them."
    )


# --------------------------------------------------------------------------
# The one mechanism for functions: run, compare, pick the hint
# --------------------------------------------------------------------------


class Task(NamedTuple):
    """A "write this function" exercise, as :func:`function_exercise` declares it."""

    #: ``cases()``: the arguments of each call, a list of tuples.
    cases: Callable
    #: ``reference(*case)``: the right answer for a case, computed independently.
    reference: Callable
    #: Typical wrong formulas, tried in order; the first that explains every answer gives the hint.
    mistakes: list
    #: ``read(value)``: a returned value as an answer, or None if it has the wrong shape.
    read: Callable
    #: ``right_text(answers)``: the message for a right answer.
    right_text: Callable
    #: ``wrong_text(case, answer, expected)``: the message for a wrong answer that no mistake
    #: explains, about the first wrong case.
    wrong_text: Callable
    #: ``shape_text(value, *case)``: the message when ``read`` rejects a value.
    shape_text: Callable
    #: ``after(feedback, function)``: a last look at the verdict (a note, a sharper hint), or None.
    after: Callable | None = None


@_never_raises
def check_function(function, task):
    """Run ``function(*case)`` for every case of ``task`` and judge the answers.

    Each call runs for at most :data:`TIME_LIMIT` seconds; what the function prints is quoted
    once, at the end. A wrong answer from a function that reads the notebook's data arrays
    (:func:`outside_data`) says so first; otherwise the first of ``task.mistakes`` that
    explains every answer gives the hint, and failing that ``task.wrong_text``.

    Returns
    -------
    Feedback
    """
    if not callable(function):
        return Feedback(False, f"Pass your function itself, without calling it; got {show(function)}.")
    cases = task.cases()
    expected = [task.reference(*case) for case in cases]
    student, answers, failure = Student(), [], None
    for case in cases:
        value, failure = student.call(function, _copies(case))
        answer = None if failure is not None else task.read(value)
        if failure is None and answer is None:
            failure = Feedback(False, task.shape_text(value, *case))
        if failure is not None:
            break
        answers.append(answer)
    if failure is None:
        first_wrong = next((i for i, (a, e) in enumerate(zip(answers, expected)) if not close(a, e)), None)
        if first_wrong is None:
            feedback = Feedback(True, task.right_text(answers) + student.note())
            return feedback if task.after is None else task.after(feedback, function)
        seen = task.wrong_text(cases[first_wrong], answers[first_wrong], expected[first_wrong])
    else:
        seen = failure.message
    reads = outside_data(function)
    if reads:  # more basic than any formula: the function does not use the data it is given
        message = f"{_outside_hint(function, reads)} What the checker saw: {seen}"
    elif failure is None:
        explained = (
            mistake.hint
            for mistake in task.mistakes
            if all(close(a, mistake.formula(*case)) for a, case in zip(answers, cases))
        )
        message = next(explained, seen)
    else:
        message = seen
    feedback = Feedback(False, message + student.note())
    return feedback if task.after is None else task.after(feedback, function)


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
        return Prediction(
            False,
            f"Write {which} first ({example}) and run the cell where you wrote it, then this one. "
            f"Guess before you compute: the point is to find out whether your picture is right.",
        )
    answers = {}
    for name, value in predictions.items():
        answer, problem = read(name, value)
        if answer is None:
            return Prediction(False, problem)
        answers[name] = answer
    ok = bool(matches(answers, truth))
    return Prediction(ok, explain(answers, truth, ok))


def read_number(value, name):
    """``(number, None)`` or ``(None, what is wrong with it)``, for a number the student typed."""
    if isinstance(value, (bool, np.bool_)):
        return None, f"{name} is {value}, a yes/no value: write a number instead."
    if isinstance(value, (str, bytes)):
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        if as_number(_float_or_none(text)) is not None:
            return None, (
                f"{name} is the text {show(value)}: write the number without quotes, "
                f"{text.strip()} rather than {show(value)}."
            )
        return None, f"{name} must be a number, but it is the text {show(value)}."
    try:
        several = not isinstance(value, (int, float, np.number)) and np.ndim(value) != 0
    except Exception:
        several = True
    if several:
        if type(value) is tuple and len(value) == 2 and all(type(part) is int for part in value):
            whole, decimals = value  # 3,5 is the tuple (3, 5) in Python
            return None, (
                f"{name} must be one number, but it is {show(value)}: Python writes decimals with a "
                f"point, so write {whole}.{decimals}, not {whole},{decimals}."
            )
        return None, f"{name} must be one number, but it is {show(value)}."
    number = as_number(value)
    if number is None:
        if _float_or_none(value) is not None:  # NaN or infinity
            return None, f"{name} must be a finite number, but it is {show(value)}."
        return None, f"{name} must be one number, but it is {show(value)}."
    return number, None


def _float_or_none(value):
    try:
        return float(value)
    except Exception:
        return None


def average(values):
    """The mean of a list of plain numbers, as a hand computation does it."""
    return sum(values) / len(values)


def minus(text):
    """Text with true minus signs, as in the notebooks' labels."""
    return text.replace("-", "−")


# --------------------------------------------------------------------------
# The registry: every exercise, declared once, next to its checker
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    """One exercise of the collection, as the tests see it.

    ``solutions()`` gives argument tuples the checker must accept, ``slips()`` pairs of a
    wrong argument tuple and a piece of the hint it must get, and ``junk`` extra odd answers
    for the never-raises test. For a "write this function" exercise, ``task`` holds the
    cases, the reference and the mistakes (each mistake's formula is one of the slips).
    """

    name: str
    notebook: str
    checker: Callable
    solutions: Callable
    slips: Callable
    junk: tuple = ()
    task: Task | None = field(default=None, repr=False)


#: Every exercise by the name of its checker, in the order the notebook modules declare them.
EXERCISES: dict[str, Exercise] = {}


def _register(record):
    old = EXERCISES.get(record.name)
    if old is not None and old.checker.__module__ != record.checker.__module__:
        raise ValueError(
            f"Two exercises are called {record.name} (in {old.checker.__module__} and "
            f"{record.checker.__module__}): give the new one another name."
        )
    EXERCISES[record.name] = record


def exercise(notebook, *, solutions, slips, junk=()):
    """Register a hand-written checker (a prediction, a number, a model) and make it never raise.

    Parameters
    ----------
    notebook : str
        The notebook that calls it, e.g. ``"03"``.
    solutions : callable
        ``solutions()``: a list of argument tuples the checker must accept.
    slips : callable
        ``slips()``: a list of ``(argument tuple, piece of the hint it must get)``.
    junk : tuple, optional
        Odd answers of this exercise's own kind, for the never-raises test.
    """

    def register(checker):
        guarded = _never_raises(checker)
        _register(Exercise(checker.__name__, notebook, guarded, solutions, slips, tuple(junk)))
        return guarded

    return register


def function_exercise(
    notebook,
    *,
    cases,
    reference,
    mistakes,
    solutions,
    right_text,
    wrong_text,
    shape_text,
    read=as_pair,
    after=None,
    slips=(),
    junk=(),
):
    """Make and register the checker of a "write this function" exercise.

    Decorates a stub whose signature and docstring are the checker's (its body is the
    docstring alone): the checker runs :func:`check_function` with this :class:`Task`.
    ``cases`` … ``after`` are the fields of :class:`Task`. ``solutions`` is a list of right
    functions (e.g. the notebook's solution) that must pass; every mistake's formula must
    get its own hint, and so must each ``(function, piece of hint)`` of ``slips``.
    """
    task = Task(cases, reference, list(mistakes), read, right_text, wrong_text, shape_text, after)
    solution_list, slip_list = list(solutions), list(slips)

    def build(stub):
        @functools.wraps(stub)
        def checker(function):
            return check_function(function, task)

        guarded = _never_raises(checker)
        _register(
            Exercise(
                stub.__name__,
                notebook,
                guarded,
                lambda: [(solution,) for solution in solution_list],
                lambda: (
                    [((m.formula,), m.hint) for m in task.mistakes]
                    + [((function,), hint) for function, hint in slip_list]
                ),
                tuple(junk),
                task,
            )
        )
        return guarded

    return build


# --------------------------------------------------------------------------
# The library's own answer is not the student's: an answer that calls it is refused
# --------------------------------------------------------------------------

#: How the notebooks import the library's modules, to name a function as the student wrote it.
_ALIASES = {"linreg_core": "lc", "linreg_features": "lf", "linreg_minibatch": "lm"}

_SHORTCUT = (
    "Your function uses {names}, the collection's own answer to this exercise, so the checker "
    "cannot see your own work. Keep it for checking your result afterwards; here, write the "
    "computation yourself from the function's arguments, with numpy."
)


def library_shortcuts(function, forbidden):
    """The library functions of ``forbidden`` that ``function`` is, or calls: e.g. ``["lc.mse"]``.

    Follows what the function's code (and the code of any lambda or function inside it) loads: a
    global or enclosing name, an attribute of a module (``lc.mse``), and the student's own helper
    functions from the same notebook, so a helper around ``lc.mse`` is found too. Nothing is
    called; what cannot be inspected (a builtin, a ufunc) is left alone.

    >>> import linreg_core as lc
    >>> library_shortcuts(lambda y, y_pred: lc.mse(y, y_pred) + 0.0, [lc.mse])
    ['lc.mse']
    >>> library_shortcuts(lambda y, y_pred: np.mean((y - y_pred) ** 2), [lc.mse])
    []
    """
    wanted = {
        id(item): f"{_ALIASES.get(item.__module__, item.__module__)}.{item.__name__}" for item in forbidden
    }
    found, seen, functions = set(), set(), [function]
    while functions:
        current = functions.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if id(current) in wanted:
            found.add(wanted[id(current)])
            continue
        try:
            namespace = current.__globals__
            cells = dict(zip(current.__code__.co_freevars, current.__closure__ or ()))
            codes = [current.__code__]
        except AttributeError:  # no Python code of its own
            continue
        while codes:
            code = codes.pop()
            codes += [const for const in code.co_consts if isinstance(const, types.CodeType)]
            previous = None
            for instruction in dis.get_instructions(code):
                name, value = instruction.argval, None
                if isinstance(name, str) and instruction.opname in _GLOBAL_LOADS:
                    value = namespace.get(name)
                elif isinstance(name, str) and instruction.opname in _OUTER_LOADS and name in cells:
                    with contextlib.suppress(ValueError):  # an empty cell
                        value = cells[name].cell_contents
                elif instruction.opname in ("LOAD_ATTR", "LOAD_METHOD") and isinstance(
                    previous, types.ModuleType
                ):
                    value = getattr(previous, str(name), None)
                own_helper = isinstance(value, types.FunctionType) and value.__globals__ is namespace
                if id(value) in wanted or own_helper:
                    functions.append(value)
                previous = value
    return sorted(found)


def refuse_shortcuts(*forbidden, after=None):
    """An ``after`` for :func:`function_exercise`: an answer that is, or calls, one of the library's
    ``forbidden`` functions (e.g. ``lc.mse`` in "write the MSE yourself") is not accepted, with a
    kind hint. A wrong answer keeps the hint about its mistake, and the same advice follows it.
    Every verdict goes through ``after`` first."""

    def refuse(feedback, function):
        verdict = feedback if after is None else after(feedback, function)
        used = library_shortcuts(function, forbidden)
        if not used:
            return verdict
        advice = _SHORTCUT.format(names=" and ".join(f"`{name}`" for name in used))
        return Feedback(False, advice if feedback.ok else f"{verdict.message} {advice}")

    return refuse
