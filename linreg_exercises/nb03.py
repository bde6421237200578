"""Notebook 03 · The update rule: check_step_prediction, check_learning_rate, check_step.

Also the learning-rate arithmetic notebook 04's checker shares: :func:`curvatures`,
:func:`best_line`, :func:`steps_to`, :func:`about`, :func:`read_epochs`, :func:`data_and_rate`.
"""

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
    all_of,
    as_number,
    average,
    compare_prediction,
    exercise,
    function_exercise,
    minus,
    read_number,
    show,
)


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
    solutions=[_step_solution, lambda *case: list(lc.step(*case)), lambda *case: np.array(lc.step(*case))],
    slips=[(lambda x, y, m, b, lr: (0.0, 0.0), "should be m=")],  # no mistake explains it
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


def _factor(q):
    return minus(f"{q:.3f}" if abs(q) < 10 else f"{q:.4g}")


def _steep_factor(rate, c, name=""):
    """'one step multiplies the distance … by 1 − lr·c, where c = …: 1 − 0.0001·6722 = 0.328'."""
    return (
        f"one step multiplies the distance to the valley along its steep direction (almost pure m) "
        f"by {name}1 − lr·c, where c = {c:.4g} is the curvature of the loss across the valley (a hair "
        f"more than 2·mean(x²), since the steepest way down also changes b): "
        f"{name}1 − {rate:.4g}·{c:.4g} = {_factor(1 - rate * c)}"
    )


def steps_to(fraction, factor):
    """How many steps multiply a distance by ``fraction`` (< 1) at ``|factor|`` per step."""
    size = abs(factor)
    if size == 0:
        return 1
    if size >= 1:
        return math.inf
    return max(1, math.ceil(math.log(fraction) / math.log(size)))


def about(count):
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
        f"{minus(f'{factor:.{digits}f}')}: in {epochs} "
        f"epochs that direction moves only {100 * moved:.2g} % of the way. A low loss does not mean "
        f"training is done (notebook 6 fixes this by scaling x)."
    )


# On the tiny data the loss's curvature across the valley is c = 31.01 (twice the larger
# eigenvalue of 2·[[mean x², mean x], [mean x, 1]] = 2·[[14.8, 3.2], [3.2, 1]], by hand), so the
# stable bound is 2/c = 0.0645 and a step multiplies the steep distance by q = 1 − lr·c.


@exercise(
    "03",
    solutions=lambda: [(TINY_X, TINY_Y, 0.03), (TINY_X, TINY_Y, 0.02, 300)],  # q = 0.07, 0.38
    slips=lambda: [
        ((TINY_X, TINY_Y, 0.001), "too small. Smooth but slow"),  # q = 0.97
        ((TINY_X, TINY_Y, 0.063), "the zigzags die out slowly"),  # q = −0.95
        ((TINY_X, TINY_Y, 0.1), "so this diverges"),  # q = −2.1
        ((TINY_X, TINY_Y, -0.01), "the learning rate must be positive"),
        ((TINY_X, TINY_Y, "0.03"), "write the number without quotes"),
        ((TINY_X, TINY_Y, None), "lr is None"),
    ],
)
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
    epochs = read_epochs(epochs, 50)
    bound = lc.stable_learning_rate(x)
    c, c_floor = curvatures(x)
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
    steps = steps_to(1e-3, q)
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
        return None, f"I did not understand {show(value)}: {again} (as text, in quotes)."
    word = re.sub(r"[^a-z]", "", value.lower())
    for behaviour, words in _BEHAVIOURS.items():
        if word in words:
            return behaviour, None
    if word.startswith("converg"):
        return None, (
            "Both 'smooth' and 'zigzag' converge: which of the two? Does m creep in from one side, "
            "or overshoot and swing back?"
        )
    return None, f"I did not understand {show(value)}: {again}."


def _behaviour(q):
    return "smooth" if q >= 0 else ("zigzag" if q > -1 else "diverge")


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
        ((TINY_X, TINY_Y, 0.01, "zigzag"), "You predicted 'zigzag', but the answer is 'smooth'"),
        ((TINY_X, TINY_Y, 0.05, "diverge"), "You predicted 'diverge', but the answer is 'zigzag'"),
        ((TINY_X, TINY_Y, 0.05, "converges"), "Both 'smooth' and 'zigzag' converge"),
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
    Words such as "zig-zag", "diverges" or "Smooth" are understood.
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
    shown = " → ".join(minus(f"{d:.3g}") for d in distances[:4]) + (
        f" → … → {minus(f'{distances[-1]:.2g}')} after {len(distances) - 1} steps"
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
