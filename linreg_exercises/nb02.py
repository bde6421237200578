"""Notebook 02 · The derivatives: check_sign_prediction, check_gradients (also used by notebook 05)."""

import re

import numpy as np

import linreg_core as lc
import linreg_validation as lv

from .engine import (
    TINY_X,
    TINY_Y,
    Feedback,
    Mistake,
    all_of,
    as_number,
    close,
    compare_prediction,
    exercise,
    function_exercise,
    minus,
    refuse_shortcuts,
    show,
)


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
        "the placeholder by the two formulas derived above."
        " (Already changed it? Run the cell with your function first, then this one.)",
        starter=True,
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
    Mistake(
        lambda x, y, m, b: _gradient(x, y, m * x - b),
        "Brackets missing: y - m * x + b subtracts only m·x and then adds b. "
        "Write the residuals as y - (m * x + b).",
    ),
    Mistake(
        lambda x, y, m, b: (-2 * np.mean(x * y - (m * x + b)), _gradient(x, y, m * x + b)[1]),
        "∂L/∂b is right, but brackets are missing in ∂L/∂m: x * y - y_pred multiplies only y by x. "
        "Write x * (y - y_pred).",
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


def _gradients_solution(x, y, m, b):  # the notebook's solution
    y_pred = m * x + b
    dm = -2 * np.mean(x * (y - y_pred))
    db = -2 * np.mean(y - y_pred)
    return dm, db


def _gradients_loop(x, y, m, b):  # the same, one point at a time
    n, dm, db = len(x), 0.0, 0.0
    for xi, yi in zip(x, y):
        dm += -2 / n * xi * (yi - (m * xi + b))
        db += -2 / n * (yi - (m * xi + b))
    return dm, db


def _gradients_nb05_starter(x, y, m, b):  # notebook 05's exercise 2 as shipped (bug d)
    y_pred = m * x + b
    return -2 * np.mean(x * (y - y_pred)), -np.mean(y - y_pred)


def _gradients_shape_text(value, *case):
    if value is None:
        return "Your function returned None: end it with `return dm, db`."
    return f"Your function should return two numbers, `return dm, db`, but it returned {show(value)}."


def _gradients_wrong_text(case, got, right):
    parts = [
        f"your {name} is {minus(f'{g + 0.0:.6g}')} (it should be {minus(f'{r + 0.0:.6g}')})"
        for name, g, r in zip(("∂L/∂m", "∂L/∂b"), got, right)
        if not close(g, r)
    ]
    ok = [name for name, g, r in zip(("∂L/∂m", "∂L/∂b"), got, right) if close(g, r)]
    start = f"{ok[0]} is right, but on " if ok else "On "
    return (
        f"{start}{_describe_point(*case)}, " + " and ".join(parts) + ". Compare each line "
        "with dm = −(2/n)·Σ x(y − ŷ), db = −(2/n)·Σ (y − ŷ)."
    )


@function_exercise(
    "02",  # and notebook 05, exercise 2
    cases=_gradient_cases,
    reference=lc.gradients,
    mistakes=GRADIENT_MISTAKES,
    solutions=[_gradients_solution, _gradients_loop],
    slips=[
        (_gradients_nb05_starter, "∂L/∂m is right, but your ∂L/∂b is half"),
        (lc.gradients, "uses `lc.gradients`"),
        (lambda x, y, m, b: lc.numerical_gradients(x, y, m, b), "uses `lc.numerical_gradients`"),
    ],
    after=refuse_shortcuts(lc.gradients, lc.numerical_gradients),
    shape_text=_gradients_shape_text,
    wrong_text=_gradients_wrong_text,
    right_text=lambda got: (
        f"Your gradient matches lc.gradients at {all_of(len(got), 'test point')}; on the tiny data "
        f"at m = 1, b = 1 it gives ∂L/∂m = {got[0][0] + 0.0:g} and ∂L/∂b = {got[0][1] + 0.0:g}."
    ),
)
def check_gradients(function):
    """Check that ``function(x, y, m, b)`` returns ``(dm, db)``, the gradient of the MSE.

    Compared with :func:`linreg_core.gradients` (itself tested against finite
    differences) on the tiny data and two uneven data sets. Typical slips get a
    specific hint: a factor 2, a flipped sign, no division by n, x_i forgotten
    in dm, a prediction without x (``m * + b``), dm and db swapped.
    """


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
            return None, f"I did not understand {show(value)} as {name}: {again}."
        return sign, None
    number = as_number(value)
    if number in (1.0, -1.0, 0.0) and np.ndim(value) == 0:
        return int(number), None
    return (
        None,
        f"I did not understand {show(value)} as {name}: {again}. Only the sign counts, not the size.",
    )


def _plain_gradients(x, y, m, b):
    """``(dm, db)`` and the sizes of their terms, by a plain loop over the points."""
    n, dm, db, size_m, size_b = len(x), 0.0, 0.0, 0.0, 0.0
    for xi, yi in zip(x.tolist(), y.tolist()):
        r = yi - (m * xi + b)
        dm, db = dm - 2 * xi * r / n, db - 2 * r / n
        size_m, size_b = size_m + abs(2 * xi * r) / n, size_b + abs(2 * r) / n
    return dm, db, size_m, size_b


def _signed(value):
    return "0" if value == 0 else minus(f"{value:+.4g}")


def _sign(value, size):
    return 0 if abs(value) <= 1e-12 * size else (1 if value > 0 else -1)


def _short_why_m(x, y, m, b, sign):
    """One clause: why ∂L/∂m has this sign, from the best slope with b held (the bottom of L(m))."""
    xs, ys = x.tolist(), y.tolist()
    sxx = sum(xi * xi for xi in xs)
    if sign == 0 or sxx == 0:
        return f"with b = {b:g} held, m = {m:g} is already the best slope, where the tangent is flat"
    best = sum(xi * (yi - b) for xi, yi in zip(xs, ys)) / sxx
    side = "steeper" if m > best else "flatter"
    effect = "larger" if sign > 0 else "smaller"
    return (
        f"with b = {b:g} held, m = {m:g} is {side} than the best slope "
        f"for that b, so increasing m makes the loss {effect}"
    )


def _short_why_b(x, y, m, b, sign):
    """One clause: why ∂L/∂b has this sign, from where the points lie compared with the line."""
    residuals = [yi - (m * xi + b) for xi, yi in zip(x.tolist(), y.tolist())]
    n = len(residuals)
    below, above = sum(r < 0 for r in residuals), sum(r > 0 for r in residuals)
    if sign == 0:
        return "the residuals average 0, so lifting the line a little changes nothing"
    if sign > 0:
        where = (
            f"above {below} of the {n} points"
            if below > n / 2
            else f"above only {below} of the {n} points, but by more"
        )
        return f"the line lies {where}, so raising b makes it worse"
    where = (
        f"below {above} of the {n} points"
        if above > n / 2
        else f"below only {above} of the {n} points, but by more"
    )
    return f"the line lies {where}, so raising b makes it better"


@exercise(
    "02",
    # On the tiny data at m = 1.5, b = 0 the residuals are 2, −1, −0.5, 0.5, −4: mean −0.6, so
    # ∂L/∂b = +1.2; Σ x·r = −25, so ∂L/∂m = −2·(−25)/5 = +10 (by hand). With b = 0 held the best
    # slope is Σ x·y / Σ x² = 86/74 = 1.16 (by hand), below 1.5.
    solutions=lambda: [
        (TINY_X, TINY_Y, 1.5, 0.0, "+", "+"),
        (TINY_X, TINY_Y, 1.5, 0.0, " Positive ", 1),
        (TINY_X, TINY_Y, 0.0, 0.0, "negative", -1),  # the line y = 0 lies below every point
    ],
    slips=lambda: [
        (
            (TINY_X, TINY_Y, 1.5, 0.0, "-", "+"),
            "negative for ∂L/∂m, but it is positive (+10): with b = 0 held, m = 1.5 is steeper than the "
            "best slope for that b",
        ),
        (
            (TINY_X, TINY_Y, 1.5, 0.0, "+", "-"),
            "negative for ∂L/∂b, but it is positive (+1.2): the line lies above 3 of the 5 points",
        ),
        ((TINY_X, TINY_Y, 1.5, 0.0, "-", "-"), "not which way to move"),
        ((TINY_X, TINY_Y, 1.5, 0.0, "?", "+"), "Write the sign of ∂L/∂m first"),
        ((TINY_X, TINY_Y, 1.5, 0.0, "+", "up"), "I did not understand 'up' as the sign of ∂L/∂b"),
        ((TINY_X, TINY_Y, "steep", 0.0, "+", "+"), "m and b must be numbers"),
    ],
)
def check_sign_prediction(x, y, m, b, dm_sign, db_sign):
    """Notebook 02: predict the signs of ∂L/∂m and ∂L/∂b at ``(m, b)`` before computing them.

    ``dm_sign`` and ``db_sign`` may be ``"+"``, ``"-"``, ``"positive"``,
    ``"negative"``, ``+1`` or ``-1`` (``0`` / ``"zero"`` too); anything else is
    answered with what was not understood. The truth comes from a plain loop here.

    The first paragraph of the feedback is short: what was predicted, the right
    signs with their values, one reason per wrong sign (for ∂L/∂m the best slope
    with b held, for ∂L/∂b where the points lie) and what to try; both signs
    flipped gets its own hint (the sign says which way is uphill, not which way
    to move). A short second paragraph gives the values and the step they imply.
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y: {error}")
    m_num, b_num = as_number(m), as_number(b)
    if m_num is None or b_num is None:
        return Feedback(
            False, f"m and b must be numbers, such as m = 1.5 and b = 0; got m = {show(m)}, b = {show(b)}."
        )
    dm, db, size_m, size_b = _plain_gradients(x, y, m_num, b_num)
    on_m, on_b = "the sign of ∂L/∂m", "the sign of ∂L/∂b"
    truth = {on_m: _sign(dm, size_m), on_b: _sign(db, size_b)}
    dm, db = (dm if truth[on_m] else 0.0), (db if truth[on_b] else 0.0)
    labels = {on_m: ("∂L/∂m", dm), on_b: ("∂L/∂b", db)}

    def short_why(name, sign):
        if name == on_m:
            return _short_why_m(x, y, m_num, b_num, sign)
        return _short_why_b(x, y, m_num, b_num, sign)

    def first_paragraph(answers, ok):
        if ok:
            reasons = "; ".join(short_why(name, truth[name]) for name in labels)
            values = " and ".join(f"{label} = {_signed(value)}" for label, value in labels.values())
            return f"Both right: {values}: {reasons}."
        wrong = [name for name in labels if answers[name] != truth[name]]
        flipped = len(wrong) == 2 and all(answers[name] == -truth[name] != 0 for name in wrong)
        if flipped:
            said = " and ".join(_SIGN_NAMES[answers[name]] for name in labels)
            values = ", ".join(f"{label} = {_signed(value)}" for label, value in labels.values())
            return (
                f"You predicted {said}, but both are the other way ({values}). A derivative's sign says "
                f"which change makes the loss larger, not which way to move. Try: ask 'if I increase m, "
                f"does the loss grow?'"
            )
        parts = []
        for name in wrong:
            label, value = labels[name]
            parts.append(
                f"You predicted {_SIGN_NAMES[answers[name]]} for {label}, but it is "
                f"{_SIGN_NAMES[truth[name]]} ({_signed(value)}): {short_why(name, truth[name])}."
            )
        if wrong == [on_b]:
            tip = "Try: look at where most points lie compared with the line, over all x."
        elif wrong == [on_m]:
            tip = f"Try: with b held at {b_num:g}, would a flatter line fit better?"
        else:
            tip = "Try: for each parameter, ask whether increasing it makes the loss larger."
        right = [name for name in labels if name not in wrong]
        kept = f" (Your {labels[right[0]][0]} was correct.)" if right else ""
        return " ".join(parts) + f" {tip}{kept}"

    def explain(answers, truth, ok):
        moves = [
            f"{'lowers' if s > 0 else 'raises'} {p}" for p, s in (("m", truth[on_m]), ("b", truth[on_b])) if s
        ]
        step = f" A step against the signs {' and '.join(moves)}." if moves else ""
        steeper = f" (a steeper line is {'worse' if dm > 0 else 'better'})" if dm else ""
        details = f"In numbers: ∂L/∂m = {_signed(dm)}{steeper}, ∂L/∂b = {_signed(db)}.{step}"
        return f"{first_paragraph(answers, ok)}\n\n{details}"

    return compare_prediction(
        {on_m: dm_sign, on_b: db_sign},
        truth,
        read=lambda name, value: _read_sign(value, name),
        matches=lambda answers, truth: answers == truth,
        explain=explain,
        example="'+' or '-' each",
    )
