"""Notebook 03 · The update rule: check_training_loop, check_step_prediction, and (homework)
check_learning_rate, check_step, check_intercept_prediction.

Feedback on a prediction or a learning rate starts with one short paragraph (your answer, the
right one, why in one sentence, what to try); the details follow after a blank line.

Also the learning-rate arithmetic notebook 04's checker shares: :func:`curvatures`,
:func:`best_line`, :func:`steps_to`, :func:`about`, :func:`read_epochs`, :func:`data_and_rate`.
"""

import inspect
import math
import re

import numpy as np

import linreg_core as lc
import linreg_validation as lv

from .engine import (
    TINY_X,
    TINY_Y,
    Feedback,
    Mistake,
    Student,
    all_of,
    as_number,
    average,
    compare_prediction,
    exercise,
    function_exercise,
    minus,
    read_number,
    read_word,
    refuse_shortcuts,
    show,
)

# --------------------------------------------------------------------------
# The training loop (in class): train(x, y, lr, epochs) from m = b = 0
# --------------------------------------------------------------------------


def descent(
    x,
    y,
    lr,
    epochs,
    m=0.0,
    b=0.0,
    along_m=1.0,
    along_b=1.0,
    order="both",
    frozen=False,
    no_x=False,
    means=False,
):
    """``(m, b)`` after ``epochs`` plain updates, by plain sums, with the switches of the typical slips.

    ``order``: "both" (both derivatives at the old point: right), "m first" (db taken at the
    moved m), "b first" (dm at the moved b), "b with dm" (b moved with dm) or "swapped" (m moved
    with db and b with dm: ``db, dm = lc.gradients(...)``). ``frozen``: the
    derivatives are taken once, at the start, and reused every epoch. ``along_m`` and
    ``along_b`` scale each parameter's step (0: not moved). ``no_x``: dm without its factor x_i.
    ``means``: dm as the product of the means, -2·mean(x)·mean(residuals).
    """
    n, first = len(x), None
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            residuals = [yi - (m * xi + b) for xi, yi in zip(x, y)]
            dm = -2 * sum((1.0 if no_x else xi) * ri for xi, ri in zip(x, residuals)) / n
            if means:
                dm = -2 * (sum(x) / n) * (sum(residuals) / n)
            db = -2 * sum(residuals) / n
            if frozen:
                first = first or (dm, db)
                dm, db = first
            if order == "m first":
                m = m - lr * along_m * dm
                b = b - lr * along_b * (-2 * sum(yi - (m * xi + b) for xi, yi in zip(x, y)) / n)
            elif order == "b first":
                b = b - lr * along_b * db
                m = m - lr * along_m * (-2 * sum(xi * (yi - (m * xi + b)) for xi, yi in zip(x, y)) / n)
            elif order == "b with dm":
                m, b = m - lr * along_m * dm, b - lr * along_b * dm
            elif order == "swapped":
                m, b = m - lr * along_m * db, b - lr * along_b * dm
            else:
                m, b = m - lr * along_m * dm, b - lr * along_b * db
    return float(m), float(b)


def _no_brackets(x, y, lr, epochs):
    """The loop with the slip ``residuals = y - m * x + b`` (brackets left out), by plain sums."""
    n, m, b = len(x), 0.0, 0.0
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            residuals = [yi - m * xi + b for xi, yi in zip(x, y)]
            dm = -2 * sum(xi * ri for xi, ri in zip(x, residuals)) / n
            db = -2 * sum(residuals) / n
            m, b = m - lr * dm, b - lr * db
    return float(m), float(b)


def _loop_cases():
    """``(x, y, lr, epochs)``: two data sets of different n, 2 to 5 epochs, three learning rates,
    so that every typical slip gives another answer (tests/test_exercises.py checks it)."""
    other_x, other_y = np.array([1.0, 4, 7, 10]), np.array([3.0, 2, 9, 12])
    return [(TINY_X, TINY_Y, 0.01, 3), (other_x, other_y, 0.004, 5), (TINY_X, TINY_Y, 0.02, 2)]


#: The dm and db that 03's one-step cell leaves in the notebook: tiny.csv at m = b = 0, worked by
#: hand in its worksheet as -2·86/5 = -34.4 and -2·21/5 = -8.4.
ONE_STEP_GRADIENT = (-34.4, -8.4)

_ONE_STEP = (
    "Your result does not depend on epochs: it is always one step. Are the lines of the step "
    "indented under `for epoch in range(epochs):`, and is `return m, b` after the loop, at the "
    "level of `for`?"
)

#: The hint when the start ``m, b = 0.0, 0.0`` sits inside the loop (the same one step as above).
_RESET_IN_LOOP = (
    "Your result is always one step: m and b are set back to 0 at every epoch. Keep "
    "`m, b = 0.0, 0.0` above the loop, at the level of `for`, so each epoch starts where the last ended."
)


def _starts_inside_loop(function):
    """True if the source of ``function`` sets ``m, b = 0…`` on a line indented under its ``for``."""
    try:
        lines = inspect.getsource(function).splitlines()
    except (OSError, TypeError):
        return False
    loop = None
    for line in lines:
        depth = len(line) - len(line.lstrip())
        if re.match(r"\s*for\b", line):
            loop = depth
        elif loop is not None and line.strip() and depth <= loop:
            loop = None
        elif loop is not None and re.match(r"\s*m\s*,\s*b\s*(,\s*lr\s*)?=\s*[-+]?0", line):
            return True
    return False


_LOADS_DATA = (
    "Your function loads a data file itself (`{name}`): inside `train` the data are its arguments "
    "`x` and `y`, given by whoever calls it. Leave the load line out."
)


def _loads_data(function):
    """The data-loading call that ``function``'s code makes (e.g. ``"lc.load_xy"``), or None."""
    codes = [getattr(function, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is None:
            continue
        codes += [const for const in code.co_consts if inspect.iscode(const)]
        for name in ("load_xy", "load_columns", "read_csv", "loadtxt", "genfromtxt"):
            if name in code.co_names:
                return name
    return None


_SAME_POINT = (
    "Compute dm and db both from the current m and b first, then update: `m = m - lr * dm` and "
    "`b = b - lr * db`."
)

LOOP_MISTAKES = [
    Mistake(
        lambda x, y, lr, epochs: (0.0, 0.0),
        "Under the comment, write `for epoch in range(epochs):` and, indented under it, the five "
        "lines of `# one step`, with the function's x and y. (Already did? Run that cell first, then "
        "this one.)",
        starter=True,
    ),
    Mistake(
        lambda x, y, lr, epochs: (0.0, 0.0),
        "Your function returns m = b = 0, where it started: the loop body does not change m and b yet "
        "(or sets them back to 0 after the updates, or steps by m itself, `m - lr * m`, where the "
        "step is by its derivative, `m - lr * dm`). "
        "Indented under `for epoch in range(epochs):`, compute dm and db at the current m and b, then "
        "update m (m = m - lr * dm), then b, with the function's x and y.",
    ),
    Mistake(
        lambda x, y, lr, epochs: _no_brackets(x, y, lr, epochs),
        "Your residuals miss their brackets: `y - m * x + b` subtracts only m·x and adds b. "
        "Write `residuals = y - (m * x + b)`.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, 1),
        _ONE_STEP,
    ),
    Mistake(  # `m, b, lr = 0.0, 0.0, 0.01` of the one-step cell copied into the loop
        lambda x, y, lr, epochs: descent(x, y, 0.01, 1),
        "Your result is always one step at lr = 0.01: m, b and lr are set back at every epoch. Keep "
        "`m, b = 0.0, 0.0` above the loop, and leave out `lr = 0.01`: lr is the function's argument.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, no_x=True),
        "Your dm has lost its factor x: dm = -2 * np.mean(x * residuals) (the chain rule of notebook 2 "
        "multiplies each residual by its x_i); db has none, -2 * np.mean(residuals).",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, means=True),
        "Your dm multiplies the mean of x by the mean of the residuals, but the mean of a product is "
        "not the product of the means: dm = -2 * np.mean(x * residuals).",
    ),
    Mistake(  # `db, dm = lc.gradients(...)`: the pair unpacked in the wrong order
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, order="swapped"),
        "Your m moves with db and your b with dm: each steps with its own derivative, "
        "`m = m - lr * dm` and `b = b - lr * db` (lc.gradients returns the pair as (dm, db)).",
    ),
    Mistake(  # no gradient line in the loop: the one-step cell's dm, db at m = b = 0 on tiny.csv
        lambda x, y, lr, epochs: (-epochs * lr * ONE_STEP_GRADIENT[0], -epochs * lr * ONE_STEP_GRADIENT[1]),
        "Your loop reuses the dm and db of the one-step cell (-34.4 and -8.4) at every epoch: it has "
        "no gradient lines of its own. Compute the residuals, dm and db inside the loop, from the "
        "current m and b, before the updates.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs - 1),
        "Your loop runs one epoch too few: `for epoch in range(epochs):` runs exactly `epochs` times.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs + 1),
        "Your loop runs one epoch too many: `for epoch in range(epochs):` runs exactly `epochs` times.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, -lr, epochs),
        "Your steps go uphill: the loss grows. The gradient points uphill, so subtract it: "
        "`m = m - lr * dm` and `b = b - lr * db` (if you wrote dm and db out yourself, check their "
        "minus signs too: dm = -2 * mean(x * residuals)).",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr * len(x), epochs),
        "Your steps are n times too large: you took a sum where the derivatives take a mean. Use "
        "np.mean(x * residuals) and np.mean(residuals) (or divide the sums by len(x)).",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr / 2, epochs),
        "Your steps are half as large as they should be: the factor 2 is lost, "
        "dm = -2 * np.mean(x * residuals) and db = -2 * np.mean(residuals).",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, 2 * lr, epochs),
        "Your steps are twice as large as they should be: each derivative has one factor 2, not two.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, order="m first"),
        "Your m is updated before db is computed, so db comes from the new m. " + _SAME_POINT,
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, order="b first"),
        "Your b is updated before dm is computed, so dm comes from the new b. " + _SAME_POINT,
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, frozen=True),
        "Every step of yours uses the derivatives of the first epoch: the residuals (or dm and db) "
        "are computed before the loop. Compute them inside the loop, from the current m and b.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, along_b=0.0),
        "Your m moves, but b stays at 0: update both, `b = b - lr * db` as well.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, along_m=0.0),
        "Your b moves, but m stays at 0: update both, `m = m - lr * dm` as well.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs, order="b with dm"),
        "Your b is moved with dm: b needs its own derivative, db = -2 * np.mean(residuals).",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, lr, epochs)[::-1],
        "The numbers are right but swapped: return the slope first, `return m, b`.",
    ),
    Mistake(
        lambda x, y, lr, epochs: descent(x, y, 1.0, epochs),
        "Your steps leave out the learning rate: multiply each derivative by lr, `m - lr * dm`.",
    ),
]
# One derivative's factor -2 half or wholly lost: along_* scales that parameter's step
# (-0.5: `np.mean(…)` without `-2 *`; -1: `2 *` without the minus; 0.5: `-np.mean(…)`).
_FORMULA = {"dm": "dm = -2 * np.mean(x * residuals)", "db": "db = -2 * np.mean(residuals)"}
_UPHILL = {"dm and db": ", so m and b step uphill", "dm": ", so m steps uphill", "db": ", so b steps uphill"}
_LOST = ((-0.5, "both the minus and the 2 of -2"), (-1.0, "the minus of -2"), (0.5, "the 2 of -2"))
for _scale, _what in _LOST:
    for _names, _scales in (("dm and db", (_scale, _scale)), ("dm", (_scale, 1.0)), ("db", (1.0, _scale))):
        if _scale == -1.0 and _names == "dm and db":
            continue  # the same as a step uphill, which has its own hint above
        if _scale == 0.5 and _names == "dm and db":
            continue  # the same as half steps, above
        _formulas = " and ".join(_FORMULA[name] for name in _names.split(" and "))
        _hint = (
            f"Your {_names} {'have' if ' and ' in _names else 'has'} lost {_what}"
            f"{_UPHILL[_names] if _scale < 0 else ''}. Write {_formulas}."
        )
        if _scale == -1.0:  # the same numbers as a + in that parameter's update (round 30's student)
            _param = _names[1]
            _hint = (
                f"Your {_param} steps uphill: its update adds where it should subtract (write "
                f"`{_param} = {_param} - lr * {_names}`), or, if you wrote {_names} out, it has lost "
                f"the minus of -2 ({_formulas})."
            )
        LOOP_MISTAKES.append(
            Mistake(
                lambda x, y, lr, epochs, scales=_scales: descent(x, y, lr, epochs, *(0.0, 0.0), *scales),
                _hint,
            )
        )
for _param in ("m", "b"):  # lr left out of one update: `m = m - dm` (round 30's student)
    LOOP_MISTAKES.append(
        Mistake(
            lambda x, y, lr, epochs, param=_param: descent(
                x, y, lr, epochs, 0.0, 0.0, *((1 / lr, 1.0) if param == "m" else (1.0, 1 / lr))
            ),
            f"Your {_param} steps leave out the learning rate: multiply its derivative by lr, "
            f"`{_param} = {_param} - lr * d{_param}`.",
        )
    )
for _rate in (0.01, 0.001, 0.0001):  # a number typed where the argument lr belongs
    LOOP_MISTAKES.append(
        Mistake(
            lambda x, y, lr, epochs, rate=_rate: descent(x, y, rate, epochs),
            f"Your result does not depend on lr: every run steps with {_rate:g}. Use the argument, "
            f"`m = m - lr * dm` and `b = b - lr * db`.",
        )
    )
for _count in (10, 100, 1000, 2000):  # a number typed where the argument epochs belongs
    LOOP_MISTAKES.append(
        Mistake(
            lambda x, y, lr, epochs, count=_count: descent(x, y, lr, count),
            f"Your result does not depend on epochs: every run takes {_count} steps. Use the argument, "
            f"`for epoch in range(epochs):`.",
        )
    )
for _start in ((1.0, 1.0), (1.0, 0.0), (0.0, 1.0)):  # a start other than the flat line m = b = 0
    LOOP_MISTAKES.append(
        Mistake(
            lambda x, y, lr, epochs, start=_start: descent(x, y, lr, epochs, *start),
            f"Your loop starts from m = {_start[0]:g}, b = {_start[1]:g}: start from the flat line, "
            f"`m, b = 0.0, 0.0`, before the loop.",
        )
    )

#: Errors a student's loop typically raises, and what they mean here.
_LOOP_ERRORS = {
    "cannot be interpreted as an integer": (
        "Is the order of the parameters `def train(x, y, lr, epochs)`? `range` needs the whole "
        "number `epochs`, not the learning rate."
    ),
}
for name in ("m", "b"):  # m or b used before it has a value (Python 3.10 and 3.11+ wordings)
    for wording in (f"local variable '{name}' referenced", f"local variable '{name}' where"):
        _LOOP_ERRORS[wording] = (
            "Give m and b their first values inside the function, `m, b = 0.0, 0.0`, before the loop."
        )


def _loop_after(feedback, function):
    """A right loop: its result on tiny.csv, next to the best line. A wrong one: a sharper hint
    for the errors a training loop typically raises."""
    if feedback.ok and "draws a figure" in feedback.message:  # right, but 2000 epochs would draw 2000
        return feedback
    if feedback.ok:  # right on every case, so 2000 epochs on the tiny data end quickly and finite
        # Run like the test calls: under the time limit, and a print inside the loop kept out.
        value, problem = Student().call(function, (TINY_X.copy(), TINY_Y.copy(), 0.01, 2000))
        if problem is not None:
            return problem
        m, b = (float(v) for v in value)
        m_best, b_best = best_line(TINY_X, TINY_Y)
        return Feedback(
            True,
            f"Your loop, 2000 epochs at lr = 0.01 on tiny.csv: m = {m:.3f}, b = {b:.3f}; the best line: "
            f"m = {m_best:.3f}, b = {b_best:.3f}. {feedback.message}",
        )
    loads = _loads_data(function)
    if loads is not None:
        also = (
            " Keep `m, b = 0.0, 0.0` above the loop too; lr is an argument."
            if _starts_inside_loop(function)
            else ""
        )
        return Feedback(False, _LOADS_DATA.format(name=loads) + also)
    if feedback.message.startswith(_ONE_STEP) and _starts_inside_loop(function):
        return Feedback(False, _RESET_IN_LOOP + feedback.message[len(_ONE_STEP) :])
    hint = next((text for error, text in _LOOP_ERRORS.items() if error in feedback.message), None)
    return feedback if hint is None else Feedback(False, f"{feedback.message.rstrip('.')}. {hint}")


def _loop_shape_text(value, x, y, lr, epochs):
    try:
        pair = [float(v) for v in value]
    except Exception:
        pair = None
    if pair is not None and len(pair) == 2 and not all(math.isfinite(v) for v in pair):
        return (
            f"Your m and b blew up to {show(value)} after {epochs} epochs at lr = {lr:g}: the steps are "
            f"far too large. Check that each step is multiplied by lr and that dm and db use np.mean, "
            f"not a sum."
        )
    if as_number(value) is not None:
        return (
            f"Your function returns one number, {show(value)}: return both, the slope first, `return m, b`."
        )
    try:
        two = len(value) == 2
        sizes = [np.size(part) for part in value] if two else []
    except Exception:
        sizes = []
    if sizes and max(sizes) > 1:  # (m, b) came back, but one of them is an array
        which = " and ".join(name for name, size in zip(("m", "b"), sizes) if size > 1)
        derivative = " and ".join(f"d{name}" for name, size in zip(("m", "b"), sizes) if size > 1)
        return (
            f"Your {which} came out as an array of {max(sizes)} numbers, not one number: {derivative} "
            f"must be one number, the mean of the whole product: dm = -2 * np.mean(x * residuals) and "
            f"db = -2 * np.mean(residuals)."
        )
    return (
        f"Return the two numbers m and b, `return m, b`; for lr = {lr:g} and {epochs} epochs your "
        f"function returned {show(value)}."
    )


def _loop_solution(x, y, lr, epochs):  # the notebook's solution
    m, b = 0.0, 0.0
    for epoch in range(epochs):  # noqa: B007 (the notebook's solution, word for word)
        residuals = y - (m * x + b)
        dm = -2 * np.mean(x * residuals)
        db = -2 * np.mean(residuals)
        m = m - lr * dm
        b = b - lr * db
    return m, b


def _loop_with_step(x, y, lr, epochs):  # a shortcut: the library's own step, as a list
    m = b = 0
    for _ in range(epochs):
        m, b = lc.step(x, y, m, b, lr)
    return [m, b]


def _loop_reads_globals(x, y, lr, epochs):  # a slip: the notebook's data instead of x, y
    return _loop_solution(_NOTEBOOK_X, _NOTEBOOK_Y, lr, epochs)


_NOTEBOOK_X, _NOTEBOOK_Y = np.arange(10.0), np.arange(10.0) * 2 + 1


def _loop_wrong_order(x, y, epochs, lr):  # a slip: the parameters in another order
    return _loop_solution(x, y, lr, epochs)


def _loop_no_start(x, y, lr, epochs):  # a slip: no first values for m and b
    for _ in range(epochs):
        m = m - lr  # noqa: F821 (the slip itself)
    return m, b  # noqa: F821


@function_exercise(
    "03",
    cases=_loop_cases,
    reference=descent,
    mistakes=LOOP_MISTAKES,
    solutions=[_loop_solution, lambda x, y, lr, epochs: list(_loop_solution(x, y, lr, epochs))],
    slips=[
        (_loop_with_step, "uses `lc.step`"),
        (_loop_reads_globals, "not its own arguments"),
        (_loop_wrong_order, "Is the order of the parameters"),
        (_loop_no_start, "`m, b = 0.0, 0.0`, before the loop"),
        (lambda x, y, lr, epochs: (float("nan"), 1.0), "blew up"),
    ],
    wrong_text=lambda case, got, right: (
        f"On x = {case[0].tolist()}, y = {case[1].tolist()} with lr = {case[2]:g} and {case[3]} epochs "
        f"your function returns m = {got[0]:.6g}, b = {got[1]:.6g}; it should be m = {right[0]:.6g}, "
        f"b = {right[1]:.6g}. Compare each line of your loop with the one-step cell above."
    ),
    shape_text=_loop_shape_text,
    right_text=lambda got: (
        f"Your loop matches gradient descent from m = b = 0 on {all_of(len(got), 'test case')} "
        f"(2 to 5 epochs each)."
    ),
    after=refuse_shortcuts(lc.gradient_descent, lc.step, lc.LinearRegression, after=_loop_after),
)
def check_training_loop(function):
    """Check ``function(x, y, lr, epochs)``: gradient descent from m = b = 0, returning ``(m, b)``.

    The reference is a plain loop of sums here (:func:`descent`), on two small data
    sets with 2 to 5 epochs. A wrong answer is matched against the typical slips
    (:data:`LOOP_MISTAKES`): m updated before db is computed, a sum for a mean, a lost or
    doubled 2, a flipped sign, the return inside the loop, one epoch too few or too many,
    the derivatives computed once before the loop, one parameter left alone, another
    start than 0. A function that reads the notebook's data instead of its arguments is
    told so first; parameters in the wrong order, or m used before it has a value, get
    their own hint. Each call has the engine's time limit.
    """


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
        "(dm, db) at (m, b) and return (m - lr * dm, b - lr * db)."
        " (Already changed it? Run the cell with your function first, then this one.)",
        starter=True,
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


def _step_solution(x, y, m, b, lr):  # the notebook's solution
    y_pred = m * x + b
    dm = -2 * np.mean(x * (y - y_pred))
    db = -2 * np.mean(y - y_pred)
    return m - lr * dm, b - lr * db


def _step_wrong_text(case, got, right):
    x, y, m, b, lr = case
    return (
        f"From m={m:g}, b={b:g} with lr={lr:g} on x={x.tolist()}, y={y.tolist()} the new values "
        f"should be m={right[0]:.6g}, b={right[1]:.6g}, but yours are m={got[0]:.6g}, b={got[1]:.6g}. "
        f"Compute dm, db with the formulas of notebook 2, then return (m - lr * dm, b - lr * db)."
    )


@function_exercise(
    "03",
    cases=_step_cases,
    reference=lc.step,
    mistakes=STEP_MISTAKES,
    solutions=[
        _step_solution,
        lambda *case: list(_step_solution(*case)),
        lambda *case: np.array(_step_solution(*case)),
    ],
    slips=[
        (lambda x, y, m, b, lr: (0.0, 0.0), "should be m="),  # no mistake explains it
        (lc.step, "uses `lc.step`"),
        (
            lambda x, y, m, b, lr: tuple(np.array([m, b]) - lr * np.array(lc.gradients(x, y, m, b))),
            "uses `lc.gradients`",
        ),
    ],
    after=refuse_shortcuts(lc.step, lc.gradients, lc.gradient_descent),
    wrong_text=_step_wrong_text,
    shape_text=lambda value, x, y, m, b, lr: (
        f"Return two numbers, (new_m, new_b); for m={m:g}, b={b:g}, lr={lr:g} your function "
        f"returned {show(value)}."
    ),
    right_text=lambda got: f"Your update matches m - lr·dm, b - lr·db on {all_of(len(got), 'test case')}.",
)
def check_step(function):
    """Check ``function(x, y, m, b, lr)``: one gradient-descent update, returning ``(m, b)``.

    Compares with :func:`linreg_core.step` on several data sets and points, and
    recognises typical mistakes (sign, missing ``lr``, gradient factor, only one
    parameter updated, swapped or partial results).
    """


def _read_rate(lr, name="lr"):
    """``(rate, None)`` or ``(None, what is wrong)``: a learning rate must be one positive number."""
    if lr is None:
        return None, f"{name} is None: replace it by a number, such as 1e-4."
    rate, problem = read_number(lr, name)
    if problem is not None:
        return None, problem
    if rate <= 0:
        return None, (
            f"{name} = {rate:g}: the learning rate must be positive. At 0 nothing moves, and a negative "
            f"lr walks uphill. Try a small value such as 1e-4."
        )
    return rate, None


def read_epochs(epochs, default):
    """A whole number of epochs from 1 to 100 000 (300 and 300.0 both count), else ``default``."""
    number = None if isinstance(epochs, (bool, np.bool_)) else as_number(epochs)
    if number is None or number != int(number) or not 1 <= number <= 100_000:
        return default
    return int(number)


def curvatures(x):
    """``(c, c_floor)``: the loss's curvature in its steep direction (across the valley, almost
    pure m when x is far from 0) and along the valley floor. ``c = 2 / lc.stable_learning_rate(x)``;
    the two multiply to 4·var(x), so ``c_floor = 4·var(x) / c``."""
    c = 2 / lc.stable_learning_rate(x)
    mean = average(x.tolist())
    variance = average([(xi - mean) ** 2 for xi in x.tolist()])
    return c, 4 * variance / c


def rate_text(rate):
    """A learning rate as plain digits, up to 3 significant: '0.00025', '0.1', '3'."""
    text = np.format_float_positional(rate, precision=3, unique=True, fractional=False, trim="-")
    return minus(text)


def c_along_m(x):
    """The curvature along m, 2·mean(x²), by a plain sum: the number notebook 03 prints."""
    return 2 * average([v * v for v in x.tolist()])


def factor_text(rate, x):
    """'1 − lr·c = 1 − 0.00025·6720 = −0.68', with c = 2·mean(x²), the curvature along m that
    notebook 03 prints (the steep direction's own curvature, 2 / lc.stable_learning_rate(x),
    differs from it in the fourth digit for x in 0…100)."""
    c_m = c_along_m(x)
    factor = round(1 - rate * c_m, 2) + 0.0  # + 0.0: never "−0.00"
    return f"1 − lr·c = 1 − {rate_text(rate)}·{c_m:.4g} = {minus(f'{factor:.2f}')}"


def apart(rate, bound):
    """``(rate, bound)`` as texts with enough significant digits (3 to 8) to tell them apart."""
    for digits in range(3, 9):
        texts = tuple(
            np.format_float_positional(v, precision=digits, unique=True, fractional=False, trim="-")
            for v in (rate, bound)
        )
        if texts[0] != texts[1]:
            break
    return minus(texts[0]), minus(texts[1])


def steps_to(fraction, factor):
    """How many steps multiply a distance by ``fraction`` (< 1) at ``|factor|`` per step."""
    size = abs(factor)
    if size == 0:
        return 1
    if size >= 1:
        return math.inf
    return max(1, math.ceil(math.log(fraction) / math.log(size)))


def about(count):
    """'99,000': a count rounded to two significant digits, digits grouped as in the notebooks."""
    if math.isinf(count):
        return "never"
    return f"{int(float(f'{count:.2g}')):,}"


# On the tiny data the loss's curvature across the valley is c = 31.01 (twice the larger
# eigenvalue of 2·[[mean x², mean x], [mean x, 1]] = 2·[[14.8, 3.2], [3.2, 1]], by hand), so the
# stable bound is 2/c = 0.0645 and a step multiplies the steep distance by q = 1 − lr·c.


@exercise(
    "03",
    solutions=lambda: [(TINY_X, TINY_Y, 0.03), (TINY_X, TINY_Y, 0.02, 300)],  # q = 0.07, 0.38
    slips=lambda: [
        ((TINY_X, TINY_Y, 0.001), "is too small: the factor"),  # q = 0.97
        ((TINY_X, TINY_Y, 0.063), "is close to the bound"),  # q = −0.95
        ((TINY_X, TINY_Y, 0.1), "is above the bound"),  # q = −2.1
        ((TINY_X, TINY_Y, -0.01), "the learning rate must be positive"),
        ((TINY_X, TINY_Y, "0.03"), "write the number without quotes"),
        ((TINY_X, TINY_Y, None), "lr is None"),
    ],
)
def check_learning_rate(x, y, lr, epochs=50, **ignored):
    """Check a learning rate by how fast m settles (notebook 03, homework).

    One step multiplies m's distance to its best value (exactly: the distance across the
    valley, along the loss's steep direction) by ``q = 1 - lr·c``, with
    ``c = 2 / lc.stable_learning_rate(x)``. The answer is right when ``|q| <= 0.5``: the
    distance at least halves every step, i.e. lr between 0.25 and 0.75 of the bound. The
    first paragraph says which of the four cases it is (too small: m creeps; right; close
    to the bound: slow zigzags; above it: diverges) with the factor as the notebook
    computes it, ``1 − lr·2·mean(x²)``, and the range to try.

    ``lr`` must be one positive number (an int or a numpy number is fine; text,
    True/False, None and NaN are refused with a hint). ``epochs`` and any other keyword
    are accepted and ignored (older notebooks passed them).
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y: {error}")
    rate, problem = _read_rate(lr)
    if problem is not None:
        return Feedback(False, problem)
    bound = lc.stable_learning_rate(x)
    q = 1 - rate * 2 / bound  # the steep direction's factor: it decides
    rate_shown, bound_shown = apart(rate, bound)
    factor, yours = factor_text(rate, x), f"Your lr = {rate_shown}"
    advice = f"Try an lr between {rate_text(0.25 * bound)} and {rate_text(0.75 * bound)}."
    details = (
        f"\n\nc = 2·mean(x²) is the curvature along m. With the factor between 0 and 1, m "
        f"creeps in from one side; between −1 and 0 it zigzags; below −1 it diverges: hence the bound "
        f"2/c = {bound:.3g}. Right means between a quarter and three quarters of the bound: the best is "
        f"half of it, {bound / 2:.2g}, where the factor is 0. Whatever lr you choose, b still crawls "
        f"along the valley floor (see *Why b crawls*, below)."
    )
    if rate >= bound:
        return Feedback(
            False,
            f"{yours} is above the bound 2/c = {bound_shown}: the factor {factor} is −1 or less, so every "
            f"swing of m is larger than the last and training diverges. {advice}" + details,
        )
    if abs(q) <= 0.5 + 1e-12:
        return Feedback(
            True,
            f"{yours} works: the factor {factor} lies between −0.5 and 0.5, so every step at least "
            f"halves m's distance to its best value." + details,
        )
    if q > 0:
        return Feedback(
            False,
            f"{yours} is too small: the factor {factor} keeps {100 * q:.0f} % of the distance after each "
            f"step, so m creeps. {advice}" + details,
        )
    return Feedback(
        False,
        f"{yours} is close to the bound 2/c = {bound_shown}: the factor {factor}, so m zigzags and each "
        f"swing is {100 * abs(q):.0f} % of the one before. {advice}" + details,
    )


#: The three behaviours of the slope under repeated steps, and the words a student may use for each.
_BEHAVIOURS = {
    "smooth": {"smooth", "smoothly", "creep", "creeps", "creeping", "monotone", "monotonic"},
    "zigzag": {"zigzag", "zigzags", "zigzagging"},
    "diverge": {"diverge", "diverges", "diverging", "divergence", "explode", "explodes", "blowup", "blowsup"},
}

#: Words true of a zigzag AND of a diverging run (both swing from side to side): not yet a choice.
_SWINGING = {
    "oscillate",
    "oscillates",
    "oscillating",
    "oscillation",
    "overshoot",
    "overshoots",
    "overshooting",
    "swing",
    "swings",
    "swinging",
}


def _read_behaviour(value):
    behaviour, problem = read_word(value, _BEHAVIOURS, "write 'smooth', 'zigzag' or 'diverge'")
    if behaviour is not None or not isinstance(value, str):
        return behaviour, problem
    word = re.sub(r"[^a-z]", "", value.lower())
    if word in _SWINGING:
        return None, (
            f"Your answer: {show(value.strip())}. A zigzag and a diverging run both swing from side to "
            f"side: do the swings shrink ('zigzag') or grow ('diverge')? Write one of the two."
        )
    if word.startswith("converg"):
        return None, (
            "Both 'smooth' and 'zigzag' converge: which of the two? Does m creep in from one side, "
            "or overshoot and swing back?"
        )
    return None, problem


def _behaviour(q):
    return "smooth" if q >= 0 else ("zigzag" if q > -1 else "diverge")


#: (predicted, right): the one-sentence hint for each wrong prediction, in words of the live lesson
#: (the curvature and the factor 1 − lr·c are in notebook 3's Going further only).
_BEHAVIOUR_HINTS = {
    ("smooth", "zigzag"): "A step this large jumps past the best m, so m swings back, less each time.",
    ("diverge", "zigzag"): (
        "The steps overshoot, but {rate} is below the largest safe learning rate (about {bound}): "
        "each swing is smaller than the last."
    ),
    ("zigzag", "smooth"): "Steps this small never reach the best m, so m does not swing back: it creeps in.",
    ("diverge", "smooth"): "{rate} is far below the largest safe learning rate (about {bound}): m creeps in.",
    ("smooth", "diverge"): (
        "{rate} is above the largest safe learning rate (about {bound}): every step overshoots and lands "
        "further out than it started."
    ),
    ("zigzag", "diverge"): (
        "m does swing, but {rate} is above the largest safe learning rate (about {bound}), so each "
        "swing is larger than the last."
    ),
}

#: What the StepExplorer shows for each behaviour.
_WHAT_YOU_SEE = {
    "smooth": "m creeps up to the dashed line (best m for the current b) from one side",
    "zigzag": "m swings above and below the dashed line (best m for the current b), less each time",
    "diverge": "each swing of m is wider than the last, until Diverged",
}


def best_line(x, y):
    """The least-squares ``(m, b)`` from sums: m = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², b = ȳ − m·x̄."""
    mean_x, mean_y = average(x.tolist()), average(y.tolist())
    top = sum((xi - mean_x) * (yi - mean_y) for xi, yi in zip(x.tolist(), y.tolist()))
    m = top / sum((xi - mean_x) ** 2 for xi in x.tolist())
    return m, mean_y - m * mean_x


def _walk_steep(x, y, lr, c, steps=30):
    """Distances to the bottom after 0…steps plain steps, from 1 unit away along the steep direction.

    That direction is (c − 2, 2·mean(x)) in (m, b) (for x in 0…100 almost pure m); the distance is
    measured along it, so it should be multiplied by q = 1 − lr·c at every step.
    """
    m_best, b_best = best_line(x, y)
    um, ub = c - 2, 2 * average(x.tolist())
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


def data_and_rate(x, y, lr):
    """``(x, y, rate, None)`` when the data and the learning rate are usable, else a problem text."""
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return x, y, None, f"Pass the data arrays x and y: {error}"
    if len(set(x.tolist())) < 2:
        return x, y, None, "x needs at least two different values for a line to be fitted."
    rate, problem = _read_rate(lr)
    return x, y, rate, problem


@exercise(
    "03",
    # Tiny data: smooth below 1/c = 0.0322, zigzag up to 2/c = 0.0645, diverge above (see above).
    solutions=lambda: [
        (TINY_X, TINY_Y, 0.01, "smooth"),
        (TINY_X, TINY_Y, 0.05, "zig-zag"),
        (TINY_X, TINY_Y, 0.1, "Diverges"),
    ],
    slips=lambda: [
        ((TINY_X, TINY_Y, 0.01, "zigzag"), "Your answer: 'zigzag'; the right one: 'smooth'"),
        ((TINY_X, TINY_Y, 0.05, "diverge"), "Your answer: 'diverge'; the right one: 'zigzag'"),
        ((TINY_X, TINY_Y, 0.05, "smooth"), "Your answer: 'smooth'; the right one: 'zigzag'"),
        ((TINY_X, TINY_Y, 0.1, "zigzag"), "each swing is larger than the last"),
        ((TINY_X, TINY_Y, 0.05, "converges"), "Both 'smooth' and 'zigzag' converge"),
        ((TINY_X, TINY_Y, 0.05, "oscillates"), "do the swings shrink ('zigzag') or grow ('diverge')?"),
        ((TINY_X, TINY_Y, 0.1, "Zig-Zag"), "Your answer: 'Zig-Zag'; the right one: 'diverge'"),
        ((TINY_X, TINY_Y, 0.05, "?"), "Write your prediction first"),
        ((TINY_X, TINY_Y, 0.05, 3), "I did not understand 3"),
    ],
)
def check_step_prediction(x, y, lr, prediction):
    """Notebook 03: predict what the slope m does under repeated steps at this ``lr``.

    ``prediction`` is ``"smooth"`` (m creeps to the valley from one side),
    ``"zigzag"`` (m overshoots and the swings shrink) or ``"diverge"`` (the
    swings grow). The truth comes from the factor ``q = 1 - lr·c`` of the steep
    direction, ``c = 2 / lc.stable_learning_rate(x)``: q in (0, 1) smooth,
    (−1, 0) zigzag, ≤ −1 diverge; and it is checked by 30 plain steps from one
    unit away along that direction. Within 0.02 of q = 0 or 0.005 of q = −1 the
    behaviour is on the edge, and either neighbour counts as right.
    Words such as "zig-zag", "diverges" or "Smooth" are understood, and the feedback quotes the
    student's own words. "Oscillates" (or "overshoots", "swings") is true of a zigzag and of a
    diverging run alike: it is not judged, the student is asked which of the two it is.
    """
    x, y, rate, problem = data_and_rate(x, y, lr)
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
    first = sorted(truth)[0] if len(truth) == 1 else _behaviour(q)
    values = {"rate": rate_text(rate), "bound": f"{2 / c:.2g}"}
    try_it = (
        f" Look in the explorer above: lr {rate_text(rate)}, Step a few times, watch the right panel "
        f"(m after each step)."
    )
    edge = " This lr is on the edge between two behaviours, so both count." if len(truth) > 1 else ""
    share = rate * 2 * float(np.mean(x**2))  # the part of the way to the dashed line one step covers
    details = (
        f"\n\nWhy: a step moves m by lr × ∂L/∂m, and ∂L/∂m grows in step with m's distance from the "
        f"dashed line, so every step covers the same part of that distance. Less than all of it: m "
        f"creeps in (smooth); between all of it and twice: m jumps past and back (zigzag); more than "
        f"twice: every jump is wider (diverge). At this lr one step covers {share:.2f} times the "
        f"distance. Going further (optional) derives it."
    )

    def explain(answers, truth, ok):
        guess, said = answers["prediction"], show(prediction.strip(), 40)  # the student's own words
        if ok:
            return f"Your answer {said} is right: {_WHAT_YOU_SEE[first]}.{edge}{try_it}{details}"
        right = " or ".join(f"'{t}'" for t in sorted(truth))
        hint = _BEHAVIOUR_HINTS[guess, first].format(**values)
        return f"Your answer: {said}; the right one: {right}. {hint}{try_it}{details}"

    return compare_prediction(
        {"prediction": prediction},
        truth,
        read=lambda name, value: _read_behaviour(value),
        matches=lambda answers, truth: answers["prediction"] in truth,
        explain=explain,
        example="'smooth', 'zigzag' or 'diverge'",
    )


# --------------------------------------------------------------------------
# Homework, predict first: where is b after 300 epochs? (the crawl along the valley floor)
# --------------------------------------------------------------------------


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


def _classic():
    return lc.load_xy(lc.DATA_DIR / "classic.csv")


@exercise(
    "03",
    # The notebook's numbers: on classic.csv, b is 0.08 after 300 epochs at 1e-4 from (0, 0),
    # the best intercept is 4.85; a prediction counts within half of the true b (0.083 ± 0.042).
    solutions=lambda: [(*_classic(), 0.08), (*_classic(), 0.1), (*_classic(), 0.08, 1e-4, 300.0)],
    slips=lambda: [
        ((*_classic(), 4.85), "4.85 is where b ends up eventually, not after 300 epochs"),
        ((*_classic(), -1.0), "so here it stays above 0"),
        ((*_classic(), 3.0), "b moves much less than you expected"),
        ((*_classic(), 0.3), "b moves much less than you expected"),
        ((*_classic(), 0.0), "b does move, but only a little"),
        ((*_classic(), 0.02), "b does move, but only a little"),
        ((*_classic(), 0.08, 1.0), "gradient descent diverges on this data"),
        ((*_classic(), 0.08, 1e-4, 2.5), "epochs must be a whole number"),
        ((*_classic(), "?"), "Write your prediction first"),
    ],
)
def check_intercept_prediction(x, y, prediction, lr=1e-4, epochs=300):
    """Notebook 03 (homework): predict b after ``epochs`` epochs of gradient descent from (0, 0) at ``lr``.

    The truth comes from a plain loop here (on classic.csv, b ≈ 0.08 after 300
    epochs at 1e-4, although the best intercept is 4.85). A prediction counts
    as right within half of the true value, ``±0.5·|b|`` (0.083 ± 0.042 on classic.csv; at
    least ``1e-6·std(y)``), so 0 is never right when b has moved. The
    feedback explains the crawl: along the valley floor the curvature is tiny,
    so each epoch removes only a tiny fraction of the remaining distance; it
    gives that per-epoch factor and how many epochs reach 1 % of the best b.
    ``epochs`` is a whole number from 1 to 100 000.
    """
    x, y, rate, problem = data_and_rate(x, y, lr)
    if problem is not None:
        return Feedback(False, problem)
    count = read_epochs(epochs, None)
    if count is None:
        return Feedback(False, f"epochs must be a whole number from 1 to 100 000; got {show(epochs)}.")
    bound = lc.stable_learning_rate(x)
    run = _plain_descent(x, y, rate, count) if rate < bound else None
    if run is None:
        return Feedback(
            False,
            f"At lr = {rate:.4g} gradient descent diverges on this data (the stable bound is {bound:.4g}), "
            f"so b never settles: use an lr below the bound.",
        )
    b_after = run[1]
    _, b_best = best_line(x, y)
    tolerance = max(0.5 * abs(b_after), 1e-6 * float(np.std(y)))
    c, c_floor = curvatures(x)
    removed = rate * c_floor
    factor = 1 - removed
    share = b_after / b_best if b_best else 1.0
    way = f"{100 * share:.2g} % of the way to the best b = {b_best:.3g}"
    result = f"after {count} epochs at lr = {rate_text(rate)}, b is {b_after:.2g}, {way}"
    if abs(factor) ** count < 0.01:
        why = (
            f"Here the valley floor is steep enough (curvature {c_floor:.3g}) for b to get there in "
            f"{count} epochs."
        )
    else:
        why = (
            f"b crawls: a step removes only {100 * removed:.2g} % of its distance to the best value, "
            f"so getting within 1 % takes about {about(steps_to(0.01, factor))} epochs."
        )
    details = (
        f"\n\nA prediction counts as right within ±{tolerance:.2g}, half of the true value. Along "
        f"the valley floor a step multiplies b's distance by 1 − lr·{c_floor:.2g}: the curvature there "
        f"is {c_floor:.2g}, against {c_along_m(x):.4g} along m. One lr must serve both, and the steep "
        f"walls cap it. The loss looks low long before b arrives."
    )

    def explain(answers, truth, ok):
        guess = answers["prediction"]
        if ok:
            return f"Your answer {guess:.3g} is right: {result}. {why}" + details
        if abs(guess - b_best) <= tolerance and abs(b_after - b_best) > tolerance:
            specific = f"{b_best:.3g} is where b ends up eventually, not after {count} epochs. "
        elif guess * b_best < 0 < b_after * b_best:
            side = "above" if b_best > 0 else "below"
            specific = f"b starts at 0 and heads towards {b_best:.3g}, so here it stays {side} 0. "
        elif abs(guess) > abs(b_after):
            specific = "b moves much less than you expected. "
        elif abs(guess) < abs(b_after):
            specific = "b does move, but only a little. "
        else:
            specific = ""
        wrong = f"Your answer: {guess:.3g}; the right one: {b_after:.2g} ({way}). {specific}{why}"
        return wrong + details

    return compare_prediction(
        {"prediction": prediction},
        b_after,
        read=lambda name, value: read_number(value, "Your prediction"),
        matches=lambda answers, truth: abs(answers["prediction"] - truth) <= tolerance,
        explain=explain,
        example="a number, e.g. 2.0",
    )
