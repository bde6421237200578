"""The exercise engine: verdicts, safe running of student code, and the registry.

Every checker returns a :class:`Feedback`, shown as one line in the notebook, and never
raises: an answer that crashes, hangs or has the wrong shape gets feedback too, so "Run All"
never breaks. Code the checker does not control (the student's function, or a value whose
reading runs the student's code) runs in a forked copy of the kernel on Linux, or in the kernel
under a timer elsewhere, and leaves the kernel as it found it (see "Running code the checker
does not control" below).

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

import ast
import builtins
import contextlib
import difflib
import dis
import faulthandler
import functools
import gc
import inspect
import io
import math
import os
import pickle
import re
import select
import signal
import sys
import threading
import time
import types
import warnings
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

    def _ipython_display_(self):
        """How a notebook shows the feedback: once. A checker shows its answer at once
        (:func:`shown_at_once`); the cell's display of the same value, when the cell ends with the
        check, is then skipped."""
        if not any(shown is self for shown in _SHOWN_IN_CELL):
            _publish(self)

    def _repr_html_(self):
        """The first paragraph, then the rest folded away under "Why, in detail"; `code` as code."""
        first, _, rest = self.message.partition("\n\n")
        html = f"<p>{_html(self.mark() + first)}</p>"
        if rest.strip():
            paragraphs = "".join(f"<p>{_html(part)}</p>" for part in rest.split("\n\n") if part.strip())
            html += f"<details><summary>Why, in detail</summary>{paragraphs}</details>"
        return f'<div class="linreg-feedback">{html}</div>'


def _html(text):
    """``text`` escaped for HTML, with each `name` in backticks shown as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escape(text))


class NotStarted(Feedback):
    """The verdict on an exercise still as it shipped (a placeholder, None): no red cross after
    *Run All* for an exercise the student has not reached yet. Never true."""

    __slots__ = ()

    def mark(self):
        return "📝 Not started yet. "


class Prediction(Feedback):
    """The verdict on a prediction made before computing: never a red cross, since a guess that
    turns out wrong is what the exercise is for. Still true only when the prediction was right."""

    __slots__ = ()

    def mark(self):
        return "✅ Right! " if self.ok else "🔎 "


#: Feedback a checker has displayed in the running cell (emptied after each cell).
_SHOWN_IN_CELL = []
_HOOKED = []  # the IPython shells told to empty it after each cell


def _publish(feedback):
    from IPython.display import display

    display({"text/plain": repr(feedback), "text/html": feedback._repr_html_()}, raw=True)


def _forget_shown(*_result):
    _SHOWN_IN_CELL.clear()


def shown_at_once(feedback):
    """Display ``feedback`` at once when a notebook runs the check, and return it.

    A check cell that does not end with the check (a ``print`` below it, or a trailing ``;``)
    would otherwise show nothing: round 6's student lost feedback that way. Outside IPython (a
    script, pytest) nothing is displayed.
    """
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if get_ipython else None
    if shell is None or not hasattr(shell, "events"):
        return feedback
    if not any(hooked is shell for hooked in _HOOKED):
        shell.events.register("post_run_cell", _forget_shown)
        _HOOKED.append(shell)
    _publish(feedback)
    _SHOWN_IN_CELL.append(feedback)
    return feedback


#: What every notebook's setup cell imports.
SETUP_NAMES = ("ex", "lc", "lw", "np", "plt")


def _close_name(name, names):
    """The name among ``names`` that ``name`` is most likely a slip of: the same in other capitals
    (`X` for `x`: one letter is too short for difflib's cutoff), else a close spelling, but never a
    longer name that merely ends with it (`y_train` for `train`: another name, round 31), or None."""
    names = [k for k in names if not k.startswith("_")]
    same = [k for k in names if k.lower() == name.lower()]
    close = [k for k in difflib.get_close_matches(name, names, n=3, cutoff=0.8) if not k.endswith(name)]
    return (same or close or [None])[0]


def name_error_hint(error, known=(), cell=""):
    """One line for a NameError in a notebook: which name, and the usual causes. A bare word given
    as an answer in ``cell`` (``my_prediction = line``) is told to go in quotes; a close name among
    ``known`` (the notebook's names), or the same name in other capitals, is offered as the likely
    spelling."""
    name = getattr(error, "name", None) or "a name"
    if re.search(rf"\bmy_\w+\s*=\s*{re.escape(name)}\b", cell):
        return f'💡 `{name}` is not a name Python knows: a text answer goes in quotes, "{name}".'
    if name in SETUP_NAMES and name not in known:  # a restart, then a cell below the setup cell
        return (
            f"💡 `{name}` comes from the setup cell at the top of the notebook: after a restart, run "
            f"all cells from the top (Run → Run All Cells), or that cell first."
        )
    close = _close_name(name, known)
    if close and close.lower() == name.lower():
        return (
            f"💡 `{name}` has no value in this kernel: did you mean `{close}`? Python tells capitals apart."
        )
    if close:  # a typo, or a cell skipped (`xc_train` is close to `x_train`): say both, run first
        return (
            f"💡 `{name}` has no value in this kernel yet: run the cell that defines it first (after "
            f"a restart: Run → Run All Cells). Only if you typed the name yourself: did you mean "
            f"`{close}`?"
        )
    return (
        f"💡 `{name}` has no value in this kernel yet: run the cell that defines it first (if that "
        f"cell stopped with an error, fix it and run it again; is the name spelt the same?). After "
        f"a restart, run all cells from the top: Run → Run All Cells."
    )


def broadcast_hint(message):
    """What numpy's "operands could not be broadcast together with shapes (86,) (256,)" means here,
    or "" for any other message."""
    sizes = re.search(r"could not be broadcast together with shapes \((\d+),\) \((\d+),\)", message)
    if not sizes:
        return ""
    penguins = {sizes[1], sizes[2]} <= {"86", "256", "342"}  # 04's test, training, all penguins
    example = (" (e.g. both of the test set)", ", such as np.mean(y_train),") if penguins else ("", ",")
    return (
        f"It combined an array of {sizes[1]} values with one of {sizes[2]}: use two arrays of the "
        f"same points{example[0]}, or one number{example[1]} which numpy pairs with every value."
    )


def _error_handler(shell, etype, evalue, tb, tb_offset=None):
    shell.showtraceback((etype, evalue, tb), tb_offset=tb_offset)
    if isinstance(evalue, NameError):
        cells = shell.user_ns.get("In") or [""]
        print(name_error_hint(evalue, list(shell.user_ns), str(cells[-1])))
    elif broadcast_hint(str(evalue)):
        print(f"💡 {broadcast_hint(str(evalue))}")


def syntax_hint(error, cell=""):
    """One line for the syntax errors beginners meet here, or "": an unindented loop body, a stray
    indent, a sign typed without quotes (``my_dm_sign = +``, which ``cell`` holds)."""
    said = getattr(error, "msg", "")
    bare = re.search(r"\bmy_\w+\s*=\s*([-+−])\s*$", cell, re.M)
    if bare:
        return f'💡 A text answer goes in quotes: "{bare[1]}".'
    if isinstance(error, IndentationError) and "expected an indented block" in said:
        return (
            "💡 The lines under a line that ends with `:` (a `for` or a `def`) go indented, 4 spaces "
            "further right: select them and press Tab."
        )
    if isinstance(error, IndentationError) and "unexpected indent" in said:
        return (
            "💡 This line is indented, but the line above it does not end with `:`: move it back "
            "to the left (Shift+Tab), in line with the lines above it."
        )
    return ""


def explain_errors():
    """In a notebook, follow each NameError's traceback by :func:`name_error_hint`, numpy's
    broadcast error by :func:`broadcast_hint`, and a beginner's syntax error by :func:`syntax_hint`.

    A check cell run before its answer cell, or a cell run after a restart, stops with a bare
    ``NameError`` that beginners cannot act on (round 24's student); arrays of two lengths stop
    with numpy's shapes (round 30's student). The error still stops the cell (and *Run All*); only
    the hint is added. Outside IPython nothing changes, and a shell that already has its own
    handler keeps it.
    """
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if get_ipython else None
    if shell is None or not hasattr(shell, "set_custom_exc") or shell.custom_exceptions:
        return
    shell.set_custom_exc((NameError, ValueError), _error_handler)
    # A SyntaxError is found before the cell runs, so no handler above sees it: IPython shows it
    # with showsyntaxerror (inside its except block), and the hint follows (round 35's student).
    show = shell.showsyntaxerror

    def showsyntaxerror(*args, **kwargs):
        error = sys.exc_info()[1]
        show(*args, **kwargs)
        hint = syntax_hint(error, str((shell.user_ns.get("In") or [""])[-1]))
        if hint:
            print(hint)

    shell.showsyntaxerror = showsyntaxerror


class Mistake(NamedTuple):
    """A typical wrong answer: the wrong formula (same arguments as the student's function) and its
    hint. ``starter`` marks what the exercise's starter code computes: for a function still as it
    shipped (:func:`_computes_nothing`) the verdict is :class:`NotStarted`, not a red cross; for a
    written one that answers the same, a later mistake's hint comes first, if one matches."""

    formula: Callable
    hint: str
    starter: bool = False


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


def as_number(value, finite=True):
    """``float(value)``, or None if it is not one finite real number.

    Text, True/False and complex numbers are refused; an array holding exactly
    one number counts as that number. With ``finite=False``, nan and the infinities
    count as numbers too (e.g. the m and b of a run that diverged).
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
    return number if math.isfinite(number) or not finite else None


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
    (
        MemoryError,
        "",
        "It asked for more memory than it may use here: look for a list or array far larger than "
        "the data (e.g. `[0] * 10**10`), or one that grows in a loop that never ends.",
    ),
]


def _raised(error):
    """What to tell a student whose function raised ``error``: the error, then what to do about it."""
    if isinstance(error, SystemExit):
        return (
            "Your function called exit() or sys.exit() (SystemExit). They end the whole program (in a "
            "notebook, the kernel): `return` the answer instead."
        )
    said = _error(error)
    text = f"Your function raised {said}{'' if said.endswith(('.', '?', '!')) else '.'}"  # no ".."
    slip = re.fullmatch(r"module '([\w.]+)' has no attribute '(\w+)'", str(error))
    module = sys.modules.get(slip[1]) if slip else None
    close = difflib.get_close_matches(slip[2], dir(module), n=1, cutoff=0.75) if module else []
    if close:  # np.maen: a spelling slip
        return f"{text} A spelling slip? {slip[1]} has `{close[0]}`."
    if isinstance(error, NameError) and getattr(error, "name", None):  # `Lr` for `lr` (round 33)
        frame = error.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next  # the innermost frame: where the name was missing
        close = _close_name(error.name, frame.tb_frame.f_code.co_varnames if frame else ())
        if close:
            return f"{text} A spelling slip? Your function has `{close}`."
    for kind, part, hint in _ERROR_HINTS:
        if isinstance(error, kind) and part in _error(error):
            return f"{text} {hint}"
    return text


# --------------------------------------------------------------------------
# Running code the checker does not control: a time limit, output captured, the kernel kept as it was
# --------------------------------------------------------------------------
#
# A checker runs two kinds of code it does not control: the student's function, and whatever a
# value the student passes does when the checker reads it (``float``, ``len``, an attribute).
# Both run inside :func:`_contained`:
#
# - On Linux (Colab, JupyterHub, nbgrader, most servers) in a forked copy of the kernel. The
#   copy is ended by force once its time is up, whatever the code does (an ``except
#   BaseException`` around the loop, one endless C call like ``sum(range(10**12))``), and
#   nothing it changes (``os.chdir``, ``np.seterr``, ``sys.stdout``, threads, ``exit()``) can
#   reach the kernel. Its memory is limited too.
# - Elsewhere (Windows has no fork; on macOS Apple's libraries are not safe in a forked copy) in
#   the kernel itself, under a timer; everything the code may change is put back afterwards
#   (:class:`_Saved`). One endless C call cannot be stopped there (nor by the Interrupt button).
#
# In both, the time limit is :func:`_guarded`: a timer signal on the main thread (Linux, macOS),
# which also stops a loop that catches every exception; a trace function elsewhere (Windows, a
# thread), which stops Python loops, but once only: a loop that catches that too goes on.
# The student's Interrupt button (KeyboardInterrupt) always goes through.
#
# Code the project wrote (its functions, a model of lc.LinearRegression) and plain data run in
# the kernel under the same timer: forking costs about 5 ms, and the tests call checkers often.

#: Run checks in a forked copy of the kernel (see above); tests switch it off to try the other way.
SANDBOX = sys.platform.startswith("linux") and hasattr(os, "fork")

#: Seconds the checker's own work on an answer may take (reading it, judging it), not counting
#: the calls of the student's function, which get :data:`TIME_LIMIT` each.
CHECK_LIMIT = 3.0

#: Seconds a forked copy that ignores its time limit is given before it is ended by force.
GRACE = 1.0

#: Bytes of memory a forked copy may take on top of what the kernel already has.
MEMORY_LIMIT = 2**30


class _TooSlow(BaseException):
    """Raised inside code that runs past its time limit. A BaseException, so that an
    ``except Exception`` in the student's loop does not swallow it."""


class _AskedForInput(BaseException):
    """Raised by ``input()`` inside a student's function while it is checked."""


class _Stopped(Exception):
    """The forked copy running the code had to be ended (``how`` says why), or ended itself."""

    def __init__(self, how, forced, student=False):
        super().__init__(how)
        self.how, self.forced, self.student = how, forced, student


def _no_input(*args, **kwargs):
    raise _AskedForInput


def _no_exit(*args, **kwargs):
    raise SystemExit("exit() was called")


class _Capped(io.TextIOBase):
    """A stand-in for ``sys.stdout`` and ``sys.stderr`` that keeps the first few thousand characters only."""

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


#: Builtins a checker's own code relies on (the rest are the notebook's business).
_BUILTINS = (
    "abs all any bool dict enumerate float format getattr hasattr int isinstance iter len list map max min "
    "next pow range repr round sorted str sum tuple type zip"
).split()

#: The library modules whose functions the checkers' references use, as they were at import.
_ORIGINALS: dict[str, dict] = {}
_GONE = object()


def _remember(*names):
    """Keep the public functions of these modules as they are now, before any student code ran."""
    for name in names:
        module = sys.modules.get(name)
        if module is not None and name not in _ORIGINALS:
            keep = (
                _BUILTINS if name == "builtins" else [key for key in vars(module) if not key.startswith("_")]
            )
            _ORIGINALS[name] = {key: vars(module)[key] for key in keep if key in vars(module)}


_remember("builtins", "math", "numpy", "numpy.linalg")


def _replaced():
    """``[(module, name, value now)]`` for every remembered function the notebook replaced or deleted
    (e.g. ``np.mean = lambda a: 0``)."""
    found = []
    for module, originals in _ORIGINALS.items():
        namespace = vars(sys.modules[module]) if module in sys.modules else {}
        for name, value in originals.items():
            now = namespace.get(name, _GONE)
            if now is not value:
                found.append((module, name, now))
    return found


def _put_back(changes, students):
    """Give the remembered modules the originals (``students=False``) or the notebook's versions."""
    for module, name, now in changes:
        if module not in sys.modules:  # the notebook removed the module itself: nothing to give back
            continue
        namespace = vars(sys.modules[module])
        value = now if students else _ORIGINALS[module][name]
        if value is _GONE:
            namespace.pop(name, None)
        else:
            namespace[name] = value


#: How the notebooks import the modules, to name a function as the student wrote it (``lc.mse``).
_ALIASES = {
    "numpy": "np",
    "numpy.linalg": "np.linalg",
    "linreg_core": "lc",
    "linreg_validation": "lv",
    "linreg_features": "lf",
    "linreg_minibatch": "lm",
}


def _replaced_note(changes):
    """A sentence naming the replaced functions the checker did not use, or ''."""
    if not changes:
        return ""
    names = [
        f"`{name}`" if module == "builtins" else f"`{_ALIASES.get(module, module)}.{name}`"
        for module, name, _ in changes[:3]
    ]
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    return (
        f" (Your notebook has replaced {', '.join(names)}{more}; the checker used the originals. "
        f"Restart the kernel to get them back.)"
    )


#: The world the student's code sees during a check: the notebook's replacements (see _run_checker).
_STUDENTS_WORLD: list = []


def _shell():
    """The IPython shell running this kernel, or None."""
    ipython = sys.modules.get("IPython")
    try:
        return ipython.get_ipython() if ipython is not None else None
    except Exception:
        return None


class _Saved:
    """What code run by a checker may change in the kernel, saved when it starts and put back by
    :meth:`restore`: streams, ``input``, ``exit``, the working directory, numpy's error state and
    random state, trace and profile functions, the recursion limit, warning filters, signal
    handlers and mask, pyplot's ``show`` and the figures the code drew (closed and counted)."""

    SIGNALS = tuple(
        getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGALRM") if hasattr(signal, name)
    )

    def __init__(self):
        self.streams = sys.stdout, sys.stderr, sys.stdin
        self.input = builtins.__dict__.get("input", _GONE)
        self.shell = _shell()
        self.exit = getattr(self.shell, "__dict__", {}).get("ask_exit", _GONE)
        try:
            self.cwd = os.getcwd()
        except OSError:  # the folder was deleted
            self.cwd = None
        self.numpy = np.geterr(), np.geterrcall(), np.random.get_state()
        self.trace, self.profile, self.recursion = sys.gettrace(), sys.getprofile(), sys.getrecursionlimit()
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        self.handlers = {number: signal.getsignal(number) for number in self.SIGNALS}
        self.mask = (
            signal.pthread_sigmask(signal.SIG_BLOCK, []) if hasattr(signal, "pthread_sigmask") else None
        )
        self.plt = sys.modules.get("matplotlib.pyplot")  # only if the notebook has imported it
        if self.plt is not None:
            self.figures, self.show = set(self.plt.get_fignums()), self.plt.show
            self.max_open = self.plt.rcParams["figure.max_open_warning"]
        self.drawn = 0

    def enter(self, out):
        """Capture output in ``out``, refuse ``input()`` and ``exit()``, keep figures back."""
        sys.stdout = sys.stderr = out
        sys.stdin = io.StringIO()
        builtins.input = _no_input
        if self.shell is not None:
            self.shell.ask_exit = _no_exit  # IPython's exit() would shut the kernel down after the cell
        if self.plt is not None:
            self.plt.show = lambda *args, **kwargs: None
            self.plt.rcParams["figure.max_open_warning"] = 0  # they are closed in restore

    def restore(self):
        """Put everything back; each step on its own, so that one failing cannot skip the others."""
        steps = [self._streams, self._numpy, self._tracing, self._folder, self._signals, self._figures]
        for step in steps:
            try:
                step()
            except Exception:  # e.g. the working directory was deleted meanwhile: keep what is there
                pass

    def _streams(self):
        sys.stdout, sys.stderr, sys.stdin = self.streams
        if self.input is _GONE:
            builtins.__dict__.pop("input", None)
        else:
            builtins.input = self.input
        if self.shell is not None:
            if self.exit is _GONE:
                self.shell.__dict__.pop("ask_exit", None)
            else:
                self.shell.ask_exit = self.exit

    def _numpy(self):
        errors, call, random = self.numpy
        np.seterr(**errors)
        np.seterrcall(call)
        np.random.set_state(random)

    def _tracing(self):
        sys.settrace(self.trace)
        sys.setprofile(self.profile)
        sys.setrecursionlimit(self.recursion)
        self.warnings.__exit__(None, None, None)

    def _folder(self):
        if self.cwd is not None and os.getcwd() != self.cwd:
            os.chdir(self.cwd)

    def _signals(self):
        if self.mask is not None:  # first: a timer signal the code left blocked meets our disarmed handler
            signal.pthread_sigmask(signal.SIG_SETMASK, self.mask)
        if threading.current_thread() is threading.main_thread():
            for number, handler in self.handlers.items():
                if signal.getsignal(number) is not handler and handler is not None:
                    signal.signal(number, handler)

    def _figures(self):
        if self.plt is not None:
            self.plt.show = self.show
            drawn = set(self.plt.get_fignums()) - self.figures
            for number in drawn:
                self.plt.close(number)
            self.plt.rcParams["figure.max_open_warning"] = self.max_open
            self.drawn = len(drawn)


def _guarded(work, limit, out):
    """``(True, work(), saved)``, or ``(False, None, saved)`` if it ran past ``limit`` seconds; output
    captured in ``out``; the kernel as it was afterwards (``saved.drawn``: the figures it drew).

    On POSIX's main thread (Jupyter runs cells there) a timer signal raises :class:`_TooSlow`, so
    that even ``while True: pass`` stops; it repeats every 0.1 s, and from the second time on it
    raises at every line too, so that an ``except BaseException: pass`` cannot swallow it. Elsewhere
    (Windows, a thread) a trace function checks the clock at every line of Python. Either way the
    timer is off before anything is put back, and never raises in this function's own frame, so a
    late signal cannot interrupt the restoring (it once left ``sys.stdout`` captured for good).
    A KeyboardInterrupt (the Interrupt button) is not caught.
    """
    limit = max(float(limit), 1e-3)  # a timer of 0 would mean no timer at all
    armed, fired, here = [False], [0], _guarded.__code__
    start, deadline = time.monotonic(), [time.monotonic() + limit]  # (moved on by _pause)

    def stop_everywhere(frame, event, arg):  # a trace function: raise at the next line while armed
        if event == "line" and armed[0] and frame.f_code is not here:  # (at a line, even an `except`'s,
            raise _TooSlow  # not inside the `try`; raising also removes this function: re-set each time)
        return stop_everywhere

    def interrupt(signum, frame):
        if not armed[0] or frame is None or frame.f_code is here:
            return  # the work is over (or not begun): this signal came late
        if not fired[0] and time.monotonic() < deadline[0] - 0.02:
            return  # too early to be ours: a nested limit's signal, arriving after its handler left
        fired[0] += 1
        if fired[0] > 1:  # the first was swallowed: stop at every line from now on
            sys.settrace(stop_everywhere)
            while frame is not None and frame.f_code is not here:
                frame.f_trace = stop_everywhere
                frame = frame.f_back
        raise _TooSlow

    interrupt.deadline = deadline

    def clock(frame, event, arg):
        if (
            event in ("call", "line")
            and armed[0]
            and frame.f_code is not here
            and time.monotonic() > deadline[0]
        ):
            raise _TooSlow
        return clock

    saved = _Saved()
    timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    old_timer = (0.0, 0.0)
    try:
        saved.enter(out)
        if timer:
            try:
                signal.signal(signal.SIGALRM, interrupt)
                old_timer = signal.setitimer(signal.ITIMER_REAL, limit, 0.1)
            except (ValueError, OSError, TypeError):  # signals refused here: use the trace function
                timer = False
        if not timer:
            sys.settrace(clock)
        armed[0] = True
        try:
            return True, work(), saved
        except _TooSlow:
            return False, None, saved
    finally:
        armed[0] = False  # from here on, a late signal or trace call does nothing
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
        saved.restore()  # the signal handler, the trace function, the streams, ...
        if timer and old_timer[0]:  # somebody else's timer was running: give back what is left of it
            left = max(old_timer[0] - (time.monotonic() - start), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, old_timer[1])


# ---- the forked copy ---------------------------------------------------------------------------

#: In a forked copy: the pipe to the process that made it (for "pause" and the result), else None.
_PIPE = None


@contextlib.contextmanager
def _pause():
    """Stop the clock of the check around this one while a student's call runs with a limit of its
    own; in a copy, also tell the kernel waiting for it ("P" now, "R" when the call is over)."""
    pipe, ours, start = _PIPE, None, time.monotonic()
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        handler = signal.getsignal(signal.SIGALRM)
        if hasattr(handler, "deadline"):  # the interrupt of a _guarded around this call
            ours = signal.setitimer(signal.ITIMER_REAL, 0)
    if pipe is not None:
        os.write(pipe, b"P")
    try:
        yield
    finally:
        if pipe is not None:
            os.write(pipe, b"R")
        if ours is not None:
            handler.deadline[0] += time.monotonic() - start
            if ours[0]:
                signal.setitimer(signal.ITIMER_REAL, *ours)


def _contained(job, args, limit, given):
    """``job(*args)``, where ``job`` runs code the checker does not control under ``limit`` seconds
    (with :func:`_guarded`) and returns plain values (numbers, text, arrays, tuples).

    In a forked copy of the kernel when :data:`SANDBOX` is on and what the student ``given`` is
    not plain data (:func:`_is_plain`): the copy is ended by force :data:`GRACE` seconds after
    ``limit`` (raising :class:`_Stopped`), and nothing it does reaches the kernel. Otherwise, and
    if forking fails, in the kernel itself.
    """
    with _pause():
        # (in a copy already, a student's call runs in it: see _pause)
        if SANDBOX and _PIPE is None and not _is_plain(given):
            try:
                return _in_fork(job, args, limit)
            except _Forkless:
                pass
        return job(*args)


class _Forkless(Exception):
    """Forking failed (no memory for another process, a limit on processes): run in the kernel."""


def _in_fork(job, args, limit):
    read_end, write_end = os.pipe()
    try:
        with warnings.catch_warnings():  # 3.12+: "multi-threaded, use of fork() may lead to deadlocks":
            warnings.simplefilter("ignore", DeprecationWarning)  # the copy only runs job, then ends
            pid = os.fork()
    except OSError as error:
        os.close(read_end)
        os.close(write_end)
        raise _Forkless from error
    if pid == 0:  # the copy: run the job, send the result, end; never return into the caller
        try:
            gc.freeze()  # the kernel's objects are never collected here: their pages stay shared, not copied
            os.close(read_end)
            _become_copy(write_end)
            try:
                data = b"D" + pickle.dumps(job(*args), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # a bug of ours, or an unpicklable result
                data = b"E" + _error(error).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
            os.close(write_end)  # the kernel reads the end now, not after this process is torn down
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    try:
        data, student = _read_result(read_end, limit + GRACE)
    finally:
        os.close(read_end)
        _end(pid)  # (a copy that has ended keeps the exit status it ended with)
        if data:  # it has answered: its exit takes a few ms more, so collect it later
            _reap(pid)
        else:
            _, status = os.waitpid(pid, 0)
    if data[:1] == b"D":
        return pickle.loads(data[1:])
    if data[:1] == b"E":
        raise _Stopped(f"the checker failed there: {data[1:].decode(errors='replace')}", forced=False)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        how = "the system ended it, most likely because it took too much memory"
    elif os.WIFSIGNALED(status):
        how = f"it was ended by {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        how = f"exit code {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else "it ended"
    raise _Stopped(how, forced=False, student=student)


#: Copies that have answered but may not have ended yet (see _reap).
_ENDING: list = []


def _reap(pid):
    """Collect ``pid`` and the copies before it, once each has ended; never waits."""
    _ENDING.append(pid)
    for waiting in list(_ENDING):
        try:
            if os.waitpid(waiting, os.WNOHANG)[0]:
                _ENDING.remove(waiting)
        except ChildProcessError:  # collected by someone else
            _ENDING.remove(waiting)


def _end(pid):
    """End the copy ``pid`` and every process it started (its process group)."""
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):  # not (yet) leading a group of its own
        os.kill(pid, signal.SIGKILL)


def _become_copy(pipe):
    """Set up a forked copy: its own process group, a memory limit, no way out to the notebook."""
    global _PIPE
    _PIPE = pipe
    with contextlib.suppress(OSError):  # a group of its own, so that ending it ends what it started
        os.setpgid(0, 0)
    try:
        import resource

        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_LIMIT, hard))
    except (OSError, ValueError, ImportError):  # no limit here: an allocation may still fail on its own
        pass
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as score:
        score.write("1000")  # if memory runs out, the system ends this copy, not the kernel
    with contextlib.suppress(Exception):  # end with the process that made it (a kernel restart)
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    faulthandler.disable()  # a crash here is reported as feedback, not as a traceback on the terminal
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # output written below Python goes nowhere, not to the kernel's terminal
        os.dup2(null, fd)
    sys.stdout = sys.stderr = _Capped()


def _read_result(pipe, limit):
    """``(what a copy sent through pipe, whether it ended in a student's call)``, within ``limit``
    seconds (paused while the copy says a student's call runs, which has a limit of its own);
    :class:`_Stopped` after that."""
    data, deadline, left = b"", time.monotonic() + limit, None
    poll = select.poll()
    poll.register(pipe, select.POLLIN | select.POLLHUP)
    while True:
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise _Stopped("it ran past its time limit", forced=True, student=left is not None)
        if not poll.poll(wait * 1000):
            continue
        chunk = os.read(pipe, 1 << 16)
        if not chunk:
            return data, left is not None
        data += chunk
        while data[:1] in (b"P", b"R"):  # a nested call starts or ends
            if data[:1] == b"P":
                left, deadline = deadline - time.monotonic(), time.monotonic() + TIME_LIMIT + GRACE
            else:
                left, deadline = None, time.monotonic() + left
            data = data[1:]


# ---- the student's function ---------------------------------------------------------------------


class _Shown:
    """A returned value that is not plain data, as the checker shows it (its ``repr``, cut short)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _plain(value, depth=0):
    """``value`` as plain data the checker can read without running student code: numbers, text,
    numeric arrays, tuples and lists of them; anything else as an array of numbers if it is one,
    else as its :class:`_Shown` text."""
    if type(value) in (type(None), bool, int, float, complex, str, bytes) or value is Ellipsis:
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return value
    if type(value) is np.ndarray and value.dtype.kind in "biufcUSmM":
        return value
    if type(value) in (tuple, list) and len(value) <= 10_000 and depth < 3:
        return type(value)(_plain(item, depth + 1) for item in value)
    try:
        array = np.asarray(value)
        if type(array) is np.ndarray and array.dtype.kind in "biufc" and array.ndim >= 1:
            return array.copy()
    except Exception:  # not an array of numbers
        pass
    return _Shown(show(value))


_TOO_SLOW = (
    "Your function did not finish within {limit:g} s: look for a loop that never ends (a `while` "
    "whose condition stays true, or a counter that is never increased)."
)

_FORCED = (
    " It did not even stop when asked to, so the checker ended it: is there an `except` that catches "
    "everything around the loop (catch one error, e.g. `except ValueError:`), or one enormous "
    "computation, like `sum(range(10**12))`?"
)

_ENDED = (
    "Your function ended the copy of the kernel the checker ran it in ({how}), e.g. with os._exit() "
    "or a crash inside a library; your own kernel is fine. Return the answer."
)

_INPUT = (
    "Your function waits for input() from the keyboard. The checker calls it with the data itself: "
    "take the `input()` out and use the function's arguments."
)

_DRAWS = (
    "Your function draws a figure each time it runs ({count} while being checked, not shown): "
    "take the drawing (a `lw.show_…` or `plt.…` line) out of it, and draw once after training."
)


def _run_student(function, args, read):
    """Run ``function(*args)`` under the time limit (the job of :meth:`Student.call`).

    Returns ``(kind, payload, printed, drawn)``: kind "value" (payload the plain value or, with
    ``read``, the answer), "failure" (payload the message), "slow"; then what it printed and how
    many figures it drew.
    """

    def work():
        try:
            value = function(*args)
            if isinstance(value, Iterator):  # reading a generator runs the student's code
                generator = value
                try:
                    value = tuple(generator)
                except (_TooSlow, KeyboardInterrupt):
                    raise
                except _AskedForInput:
                    return "failure", _INPUT
                except MemoryError:
                    return "failure", (
                        "Your function returned a generator that does not end: reading it filled the memory "
                        "the checker allows. Return the values themselves, e.g. `return dm, db`, not `yield`."
                    )
                except BaseException as error:
                    return "failure", (
                        f"Your function returned a generator, and reading it raised {_error(error)}. "
                        f"Return the values themselves, e.g. `return dm, db`, not a generator."
                    )
                finally:
                    with contextlib.suppress(Exception):
                        generator.close()
            if read is None:
                return "value", _plain(value)
            answer, problem = read(value)
            return ("value", _plain(answer)) if problem is None else ("failure", problem)
        except (_TooSlow, KeyboardInterrupt):
            raise
        except _AskedForInput:
            return "failure", _INPUT
        except BaseException as error:  # any failure in student code becomes feedback (SystemExit too)
            return "failure", _raised(error)

    _put_back(_STUDENTS_WORLD, students=True)  # the student's code sees the notebook's np.mean & co
    try:
        out = _Capped()
        finished, result, saved = _guarded(work, TIME_LIMIT, out)
    finally:
        _put_back(_STUDENTS_WORLD, students=False)
    kind, payload = result if finished else ("slow", None)
    return kind, payload, out.getvalue(), saved.drawn


class Student:
    """Runs a student's function or method and remembers what it printed and drew."""

    def __init__(self):
        self.printed = []
        self.figures = []
        self.too_slow = False  # the last call ran past the time limit (a loop that never ends)

    def call(self, function, args, read=None):
        """``(value, None)``, or ``(None, Feedback)`` if the call raised or did not finish in time.

        The call runs with :func:`_contained`: under :data:`TIME_LIMIT`, with ``input()`` and
        ``exit()`` refused, its output captured and the kernel left as it was. A returned
        generator is read there too, under the same limit. The value comes back as plain data
        (:func:`_plain`); with ``read``, ``read(value)`` runs there as well and must return
        ``(answer, None)`` or ``(None, message)``.
        """
        try:
            job = (function, args, read)
            kind, payload, printed, drawn = _contained(_run_student, job, TIME_LIMIT, given=(function, args))
        except _Stopped as stopped:
            kind, payload, printed, drawn = ("forced" if stopped.forced else "ended"), stopped.how, "", 0
        self.printed.append(printed)
        self.figures.append(drawn)
        self.too_slow = kind in ("slow", "forced")
        if kind == "value":
            return payload, None
        if kind == "failure":
            return None, Feedback(False, payload)
        if kind == "ended":
            return None, Feedback(False, _ENDED.format(how=payload))
        if drawn:  # drawing is what made it slow
            return None, Feedback(False, _DRAWS.format(count=drawn))
        return None, Feedback(
            False, _TOO_SLOW.format(limit=TIME_LIMIT) + (_FORCED if kind == "forced" else "")
        )

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


# ---- a whole checker -----------------------------------------------------------------------------

#: True while a checker runs (in the kernel or a copy): a checker it calls runs directly.
_INSIDE = False

_READING_SLOW = (
    "The checker could not read what you passed within {limit:g} s: something in it (its number, "
    "its length, an attribute) runs code that does not finish. Pass plain numbers, arrays, or the "
    "model lc.LinearRegression made."
)


def _run_checker(checker, args, kwargs):
    """Run a whole checker (the job of :func:`_answering`): under :data:`CHECK_LIMIT`, with the
    library functions as they were at import, the student's own versions only inside the student's
    calls. Returns ``("done", feedback)``, ``("slow", None)`` or ``("raised", text)``."""
    global _INSIDE, _STUDENTS_WORLD
    changes, outer = _replaced(), (_INSIDE, _STUDENTS_WORLD)
    _put_back(changes, students=False)
    _INSIDE, _STUDENTS_WORLD = True, changes

    def work():
        try:
            return "done", checker(*args, **kwargs)
        except (_TooSlow, KeyboardInterrupt):
            raise
        except BaseException as error:  # what _never_raises lets through (SystemExit, GeneratorExit, ...)
            return "raised", _error(error)

    try:
        finished, result, _ = _guarded(work, CHECK_LIMIT, _Capped())
    finally:
        _INSIDE, _STUDENTS_WORLD = outer
        _put_back(changes, students=True)
    if not finished:
        return "slow", None
    kind, value = result
    if kind == "done":
        if not isinstance(value, Feedback):
            return "raised", f"a checker returned {show(value)}"
        value = type(value)(bool(value.ok), str(value.message) + _replaced_note(changes))
    return kind, value


#: The project's modules: a function defined in one of them is not a student's code.
_OURS = ("linreg_core", "linreg_validation", "linreg_features", "linreg_minibatch", "linreg_exercises")


def _is_plain(value, depth=0):
    """True for what runs no code of the student's when the checker reads or calls it: numbers,
    text, numeric arrays, short tuples, lists and dicts of them (exact types, so that no subclass
    can hide a method), builtin functions, and the project's own functions and objects (a model
    of ``lc.LinearRegression`` whose methods are the project's). Anything else goes to a copy."""
    if (
        type(value) in (type(None), bool, int, float, complex, str, bytes, object, range, slice)
        or value is Ellipsis
    ):
        return True
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return value.dtype.kind in "biufcUSmM"
    if type(value) is np.ndarray:
        return value.dtype.kind in "biufcUSmM"
    if type(value) in (tuple, list, set, frozenset) and len(value) <= 100 and depth < 5:
        return all(_is_plain(item, depth + 1) for item in value)
    if type(value) is dict and len(value) <= 100 and depth < 5:
        return all(_is_plain(key, depth + 1) and _is_plain(item, depth + 1) for key, item in value.items())
    if type(value) is types.FunctionType:  # the project's own functions (references, typical mistakes)
        return str(value.__module__).split(".")[0] in _OURS
    if type(value) in (types.BuiltinFunctionType, np.ufunc):  # print, len, np.add: no Python code
        return True
    kind = type(value)
    if str(kind.__module__).split(".")[0] in _OURS and depth < 5:  # e.g. an lc.LinearRegression
        methods = [
            item for name, item in vars(kind).items() if type(item) is types.FunctionType and name[0] != "_"
        ]
        fields = value if isinstance(value, tuple) else getattr(value, "__dict__", None)
        fields = fields.values() if isinstance(fields, dict) else fields
        return fields is not None and all(_is_plain(item, depth + 1) for item in [*methods, *fields])
    return False


def _answering(checker):
    """Decorate a checker so that it always answers, within seconds, and leaves no trace: the whole
    check runs with :func:`_contained` (and never raises, :func:`_never_raises`)."""
    guarded = _never_raises(checker)

    @functools.wraps(checker)
    def answering(*args, **kwargs):
        if _INSIDE:
            return guarded(*args, **kwargs)
        feedback = _answer(*args, **kwargs)
        failed = _previous_cell_error(checked=args)
        if failed:  # the stored answer is an older one: judging it would confuse (round 30)
            feedback = type(feedback)(False, f"{failed} Then run this check again.")
        return shown_at_once(feedback)

    def _answer(*args, **kwargs):
        try:
            job = (guarded, args, kwargs)
            kind, value = _contained(_run_checker, job, CHECK_LIMIT, given=(args, kwargs))
        except _Stopped as stopped:  # a copy that ran past its time, or ended itself
            if stopped.student and stopped.forced:  # in a call of the student's function
                return Feedback(False, _TOO_SLOW.format(limit=TIME_LIMIT) + _FORCED)
            if stopped.student:
                return Feedback(False, _ENDED.format(how=stopped.how))
            kind, value = ("slow", None) if stopped.forced else ("raised", stopped.how)
        if kind == "done":
            return value
        if kind == "slow":
            return Feedback(False, _READING_SLOW.format(limit=CHECK_LIMIT))
        return Feedback(
            False,
            f"The checker could not use what you passed ({value}). Compare your call with the one in "
            f"the exercise; if it looks the same, tell your teacher.",
        )

    return answering


#: Statements that store something: a cell with one of them may set the answer it checks.
_SETS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.FunctionDef, ast.Lambda, ast.For, ast.Import)


def _previous_cell_error(checked=()):
    """A sentence if the cell run just before this one stopped with an error, else "".

    Then nothing that cell assigned from the failing line on was stored, and the checker sees the
    student's earlier answer (e.g. ``test_mse`` after numpy's "operands could not be broadcast").
    A function among ``checked`` that the failed cell defined above the failing line is the new
    one (a right ``my_mse``, then a test of it on lists that raised: round 35): say nothing.
    """
    shell = getattr(builtins, "get_ipython", lambda: None)()
    result = getattr(shell, "last_execution_result", None)
    cells = getattr(shell, "user_ns", {}).get("In") or [""]
    error = None
    for kind in ("error_before_exec", "error_in_exec"):  # a SyntaxError is found before running
        error = error or getattr(result, kind, None)
    try:  # a cell that sets or defines something may hold the new answer itself: say nothing
        if any(isinstance(node, _SETS) for node in ast.walk(ast.parse(str(cells[-1])))):
            return ""
        failed_cell = ast.parse(str(cells[-2])) if len(cells) > 2 else None
        # the failed cell stored nothing the check could read (e.g. another check): say nothing
        if failed_cell and not any(isinstance(node, _SETS) for node in ast.walk(failed_cell)):
            return ""
        if failed_cell and error is not None and _defined_above(failed_cell, error, checked):
            return ""
    except (SyntaxError, ValueError):
        pass  # the failed cell itself may not parse: a SyntaxError is worth saying
    if error is None:
        return ""
    said = error.msg if isinstance(error, SyntaxError) else (str(error).splitlines() or [""])[0]
    why = broadcast_hint(said)
    if isinstance(error, SyntaxError):  # `my_dm_sign = +` (round 31), an unindented loop body
        why = syntax_hint(error, str(cells[-2] if len(cells) > 2 else "")).removeprefix("💡 ") or why
    said = said.strip() if len(said) <= 100 else said[:100].rsplit(" ", 1)[0] + " …"
    return (
        f"The cell you ran before this one stopped with {type(error).__name__}"
        f"{' (' + said + ')' if said else ''}, so its lines from there on did not run: fix it and "
        f"run it again.{' ' + why if why else ''}"
    )


def _defined_above(cell, error, checked):
    """True if ``cell`` (parsed) defines one of the functions in ``checked`` in full above the line
    where ``error`` was raised: that definition ran, and the function checked is the new one."""
    frame, line = error.__traceback__, None
    while frame is not None:  # the cell's own frame is the first one whose code is a module
        if frame.tb_frame.f_code.co_name == "<module>":
            line = frame.tb_lineno
            break
        frame = frame.tb_next
    names = {getattr(value, "__name__", None) for value in checked if callable(value)}
    return line is not None and any(
        isinstance(node, ast.FunctionDef) and node.name in names and node.end_lineno < line
        for node in cell.body
    )


def _copies(case):
    """The case's arguments, arrays copied, so a student's in-place edit cannot leak."""
    return [arg.copy() if isinstance(arg, np.ndarray) else arg for arg in case]


def _read_answer(task, case, value):
    """``(answer, None)``, or ``(None, the message)`` for a value of the wrong shape."""
    answer = task.read(value)
    return (answer, None) if answer is not None else (None, task.shape_text(value, *case))


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
    if not isinstance(function, types.FunctionType):  # a builtin, a ufunc, an object: no code of its own
        return []  # (and reading an object's attributes could run a student's code)
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
    own = getattr(getattr(function, "__code__", None), "co_varnames", ())
    arguments = own[: getattr(getattr(function, "__code__", None), "co_argcount", 0)]
    pasted = [(name, arg) for name, _ in reads for arg in arguments if name.startswith(arg + "_")]
    if pasted:  # the one-step cell pasted as it was: `x_tiny` where the function has `x`
        said = " and ".join(f"`{name}`" for name, _ in pasted)
        fix = ", ".join(f"`{arg}` for `{name}`" for name, arg in pasted)
        return (
            f"Your function reads the notebook's {said}, not its own arguments: inside it write {fix}, "
            f"so that it works on any data it is given."
        )
    for name, _ in reads:  # `residual = …` then `np.mean(x * residuals)`: a spelling slip
        close = difflib.get_close_matches(name, [local for local in own if local != name], n=1, cutoff=0.75)
        if close:
            return (
                f"Your function sets `{close[0]}` but then reads `{name}`, which it never sets: Python "
                f"takes the notebook's `{name}` ({sizes}). A spelling slip? Use one name for both."
            )
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


#: Bytecode that only names and returns values (Python 3.10-3.13): a function made of nothing else
#: computes nothing, as a starter (``m, b = 0.0, 0.0``; ``return m, b``) does.
_PLAIN_OPS = {
    "RESUME", "NOP", "CACHE", "EXTENDED_ARG", "LOAD_CONST", "RETURN_CONST", "RETURN_VALUE",
    "LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_LOAD_FAST", "STORE_FAST", "STORE_FAST_STORE_FAST",
    "STORE_FAST_LOAD_FAST", "BUILD_TUPLE", "UNPACK_SEQUENCE", "POP_TOP", "SWAP", "COPY", "ROT_TWO",
}  # fmt: skip


def _computes_nothing(function):
    """True when ``function`` is still a starter: it only names and returns values (no call, no
    operator, no loop). Its source is not needed: the bytecode tells."""
    code = getattr(function, "__code__", None)
    return code is not None and all(op.opname in _PLAIN_OPS for op in dis.get_instructions(code))


@_answering
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
    for case in cases:  # each answer is read where the function ran: reading may run its code too
        answer, failure = student.call(function, _copies(case), functools.partial(_read_answer, task, case))
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
        message = f"{_outside_hint(function, reads)}\n\nWhat the checker saw: {seen}"  # folded
    elif failure is None:
        explained = [
            mistake
            for mistake in task.mistakes
            if all(close(a, mistake.formula(*case)) for a, case in zip(answers, cases))
        ]
        if explained and explained[0].starter and _computes_nothing(function):
            return NotStarted(False, explained[0].hint + student.note())
        # a function that computes, yet answers as the starter does: a hint for a written one first
        written = [mistake for mistake in explained if not mistake.starter] + explained
        message = written[0].hint if written else seen
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
            f"Write {which} first ({example}) and run the cell where you wrote it, then this one "
            f"(already did? check the name is spelt as in that cell). "
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
        comma = re.fullmatch(r"\s*([-+]?\d+),(\d+)\s*", text)
        if comma:  # "3,5": a decimal comma, as many countries write it
            return None, (
                f"{name} is the text {show(value)}: write the number without quotes and with a "
                f"decimal point, {comma[1]}.{comma[2]} rather than {show(value)}."
            )
        return None, f"{name} must be a number, but it is the text {show(value)}."
    try:
        several = not isinstance(value, (int, float, np.number)) and np.ndim(value) != 0
        many = several and np.size(value) > 1
    except Exception:
        several, many = True, False
    if several:
        if type(value) is tuple and len(value) == 2 and all(type(part) is int for part in value):
            whole, decimals = value  # 3,5 is the tuple (3, 5) in Python
            return None, (
                f"{name} must be one number, but it is {show(value)}: Python writes decimals with a "
                f"point, so write {whole}.{decimals}, not {whole},{decimals}."
            )
        mean = " (to turn many numbers into one, take their mean: np.mean(...))" if many else ""
        return None, f"{name} must be one number, but it is {show(value)}: write a single number{mean}."
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


def plain_mse(y, y_pred):
    """The mean squared error by plain sums, independent of numpy and of the library it checks."""
    return average([(a - p) ** 2 for a, p in zip(y, y_pred)])


def read_word(value, answers, again):
    """A one-word answer (a prediction, a choice) read loosely: ``(answer, None)``, or
    ``(None, what was not understood)``.

    ``answers`` maps each answer to the spellings that mean it, lower case without spaces or
    punctuation ("thelookuptable"); ``again`` says what to write, e.g. "write 'the line' or 'the
    lookup table'".
    """
    if not isinstance(value, str):
        return None, f"I did not understand {show(value)}: {again} (as text, in quotes)."
    word = "".join(ch for ch in value.lower() if "a" <= ch <= "z")
    for answer, words in answers.items():
        if word in words:
            return answer, None
    return None, f"I did not understand {show(value)}: {again}."


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
    _remember(
        "linreg_core", "linreg_validation", "linreg_features", "linreg_minibatch"
    )  # before student code
    old = EXERCISES.get(record.name)
    if old is not None and old.checker.__module__ != record.checker.__module__:
        raise ValueError(
            f"Two exercises are called {record.name} (in {old.checker.__module__} and "
            f"{record.checker.__module__}): give the new one another name."
        )
    EXERCISES[record.name] = record


def _computing(formula):
    """A mistake's formula as a student's function that computes something (a call in its body),
    so that a constant answer a student wrote is told apart from an untouched starter."""

    @functools.wraps(formula)
    def slip(*args):
        return formula(*args)

    return slip


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
        guarded = _answering(checker)
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

        guarded = _answering(checker)
        _register(
            Exercise(
                stub.__name__,
                notebook,
                guarded,
                lambda: [(solution,) for solution in solution_list],
                lambda: (
                    [((m.formula if m.starter else _computing(m.formula),), m.hint) for m in task.mistakes]
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
