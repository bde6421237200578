"""Notebook 01 · The loss: check_mse_prediction, check_low_loss, check_mse."""

import numpy as np

import linreg_core as lc
import linreg_validation as lv

from .engine import (
    TINY_X,
    TINY_Y,
    Feedback,
    Mistake,
    as_number,
    average,
    compare_prediction,
    exercise,
    function_exercise,
    minus,
    read_number,
    refuse_shortcuts,
    show,
)


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
        "`return 0.0` by the mean of the squared residuals."
        " (Already changed it? Run the cell with your function first, then this one.)",
        starter=True,
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
        "You averaged |y − y_pred|: that is the mean absolute error (MAE), a "
        "different loss. Square the residuals instead of taking their size.",
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


def _where(y, y_pred):
    return "the tiny data with the line y = x + 1" if y is TINY_Y else f"a random data set ({y.size} points)"


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
    return f"Your function should return one number ({what}), but it returned {show(value)}."


def _mse_solution(y, y_pred):  # the notebook's solution
    return np.mean((y - y_pred) ** 2)


def _mse_loop(y, y_pred):  # the same, one point at a time
    total = 0.0
    for yi, pi in zip(y, y_pred):
        total += (yi - pi) ** 2
    return total / len(y)


@function_exercise(
    "01",
    cases=_mse_cases,
    reference=lc.mse,
    mistakes=MSE_MISTAKES,
    solutions=[_mse_solution, _mse_loop],
    slips=[(lc.mse, "uses `lc.mse`"), (lambda y, y_pred: float(lc.mse(y, y_pred)), "uses `lc.mse`")],
    read=as_number,
    shape_text=lambda value, y, y_pred: _not_a_number(value, y.size, "the MSE"),
    right_text=lambda got: (
        f"Your function gives {got[0]:.1f} on the tiny data (as in the table above) and "
        f"agrees with lc.mse on {len(got) - 1} random data sets."
    ),
    wrong_text=lambda case, got, expected: (
        f"On {_where(*case)} the MSE is {expected:.6g}, but your function gives {got:.6g}. Compute "
        f"(1/n)·Σ(y − y_pred)²: the residuals, their squares, then the mean."
    ),
    after=refuse_shortcuts(lc.mse),
)
def check_mse(function):
    """Check that ``function(y, y_pred)`` computes the mean squared error.

    Tested on the tiny data (the line y = x + 1 has MSE 2.0) and on two
    seeded random data sets, against :func:`linreg_core.mse`. The order
    ``y - y_pred`` or ``y_pred - y`` does not matter (it is squared).
    """


@exercise(
    "01",
    # On the tiny data the best line is y = 0.8246·x + 1.5614 with MSE 1.86 (by hand).
    solutions=lambda: [(TINY_X, TINY_Y, 0.8, 1.6, 2.5), (TINY_X, TINY_Y, 1, 1, 60)],
    slips=lambda: [
        ((TINY_X, TINY_Y, 0.0, 0.0, 5), "increase m (a steeper line)"),
        ((TINY_X, TINY_Y, 0.8, 10.0, 5), "decrease b (lower the line)"),
        ((TINY_X, TINY_Y, 1.6, 0.8, 2.5), "Did you swap them? With m = 0.8 and b = 1.6"),
        (
            (TINY_X, TINY_Y, 0.8, 1.6, 1.0),
            "No line can reach MSE 1 on this data: the lowest possible is 1.86",
        ),
        ((TINY_X, TINY_Y, "0.8", 1.6, 5), "write the number without quotes"),
        ((TINY_X, TINY_Y, (0, 8), 1.6, 5), "Python writes decimals with a point"),
        ((TINY_X, TINY_Y, [0.8, 1.6], 1.6, 5), "m and b must be numbers"),
        ((TINY_X, TINY_Y, 0.8, 1.6, "low"), "target must be a number"),
    ],
)
def check_low_loss(x, y, m, b, target):
    """Check that the line ``y = m x + b`` has an MSE of at most ``target``.

    When it does not, the hint names the one change (m or b, with the other
    held) that lowers the loss the most, and its direction.
    """
    m_num, b_num = as_number(m), as_number(b)
    for name, value in (("my_m", m), ("my_b", b)):
        _, problem = read_number(value, name)
        if problem is not None and ("decimals with a point" in problem or "without quotes" in problem):
            return Feedback(False, problem)  # 0,99 is the tuple (0, 99); "0.99" is text
    if m_num is None or b_num is None or isinstance(m, bool) or isinstance(b, bool):
        return Feedback(
            False, "m and b must be numbers, e.g. m = 0.5 and b = 20 (read them off the sliders)."
        )
    goal = as_number(target)
    if goal is None:
        return Feedback(False, f"target must be a number, e.g. target=60; got {show(target)}.")
    try:
        x, y = lv.valid_xy(x, y)
        m_hat, b_hat = lc.closed_form(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"The data cannot be used: {error}")

    def loss(m_, b_):
        return float(np.mean((y - (m_ * x + b_)) ** 2))

    current, best = loss(m_num, b_num), loss(m_hat, b_hat)
    sign = "−" if b_num < 0 else "+"
    line = f"Your line y = {minus(f'{m_num:.4g}')}·x {sign} {abs(b_num):.4g} has MSE = {current:.2f}"
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
            f"on this data is {best:.2f} (the star on the map).",
        )
    if loss(b_num, m_num) <= goal:  # the two read off the sliders into the wrong names
        return Feedback(
            False,
            f"{line}, above the target {goal:g}. Did you swap them? With m = {b_num:.4g} and "
            f"b = {m_num:.4g} the MSE is {loss(b_num, m_num):.2f}: my_m is the slope, my_b the intercept.",
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
        f"improvement: {move}, then adjust the other slider. On the map, "
        f"steer the dot towards the star.",
    )


def _tiny_residuals(intercept):
    """The residuals y - (x + intercept) on the tiny data, by a plain loop."""
    return [float(yi) - (float(xi) + intercept) for xi, yi in zip(TINY_X, TINY_Y)]


def _listed(values):
    return ", ".join(f"{v:g}".replace("-", "−") for v in values)


@exercise(
    "01",
    # y = x + 1 has residuals 1, −1, 0, 2, −2 (MSE 2); x + 2 has 0, −2, −1, 1, −3 (MSE 15/5 = 3).
    solutions=lambda: [(3.0,), (3,), (np.float64(3.004),)],
    slips=lambda: [
        ((15.0,), "you forgot to divide by n = 5"),
        ((10.0,), "the sum of the squares of the old line, y = x + 1"),
        ((2.0,), "It does not stay at 2.0"),
        ((4.0,), "It does not double"),
        ((1.0,), "does not lower the MSE by 1"),
        ((7.0,), "the MSE is a mean"),
        ((-1.0,), "the mean of the residuals themselves"),
        ((-3.0,), "never negative"),
        ((1.73,), "square root"),
        ((0.0,), "through every point"),
        ((None,), "Write your prediction first"),
        (("3",), "write the number without quotes"),
    ],
)
def check_mse_prediction(prediction):
    """Notebook 01: predict the MSE of the line y_pred = x + 2 on the tiny data.

    The student has just computed MSE = 2.0 for y_pred = x + 1 and predicts the
    MSE of the line one higher before computing it. The truth (3.0) comes from a
    plain loop here; a prediction counts as right within 0.01 of it.

    The first paragraph of the feedback is short: the prediction, the right
    answer, one sentence of why for the usual wrong answers (the sum of the
    squares instead of their mean, "nothing changes", "it doubles", …) and what
    to try. A short second paragraph (folded away) lists the new residuals.
    A prediction of None means "not written yet".
    """
    before, after = _tiny_residuals(1.0), _tiny_residuals(2.0)
    squares_before, squares_after = [r * r for r in before], [r * r for r in after]
    mse_before, mse_after = average(squares_before), average(squares_after)
    sum_before, sum_after, n = sum(squares_before), sum(squares_after), len(before)
    mean_before, mean_after = average(before) + 0.0, average(after) + 0.0
    try_it = f"Try: square the new residuals {_listed(after)} and take their mean."

    def near(guess, value):
        return abs(guess - value) <= 0.01

    def specific(guess):
        """One sentence of why for a usual wrong answer, and what to try (or the general try)."""
        if near(guess, sum_after):
            squares = " + ".join(f"{q:g}" for q in squares_after)
            return (
                f"{sum_after:g} is the sum of the squared residuals ({squares}): you forgot to "
                f"divide by n = {n}. Try: {sum_after:g} / {n}."
            )
        if near(guess, sum_before):
            return (
                f"{guess:g} is the sum of the squares of the old line, y = x + 1, and not their mean. "
                f"{try_it}"
            )
        if near(guess, sum_before + 1) or near(guess, sum_before + n):
            return (
                f"{guess:g} looks like a sum of squares, not their mean: the MSE divides by n = {n}. {try_it}"
            )
        if near(guess, mean_after):
            return (
                f"{mean_after:g} is the mean of the residuals themselves; the MSE squares them first, "
                f"so it is never negative. {try_it}"
            )
        if guess < 0:
            return f"An MSE is a mean of squares, so it is never negative. {try_it}"
        if near(guess, 0.0):
            return (
                f"An MSE of 0 means a line through every point, but the new residuals are not all 0. {try_it}"
            )
        if near(guess, mse_before):
            return (
                f"It does not stay at {mse_before:.1f}: some points get closer to the line, but the "
                f"others get further away by more. {try_it}"
            )
        if near(guess, 2 * mse_before):
            return (
                f"It does not double: moving the line up shifts every residual by 1, it does not "
                f"scale them. {try_it}"
            )
        if near(guess, mse_before - 1):
            return (
                f"Lowering every residual by 1 does not lower the MSE by 1: the negative ones grow, "
                f"and their squares most. {try_it}"
            )
        if near(guess, mse_before + n):
            return (
                f"The squares change by 1 − 2r each, {n} in total, but the MSE is a mean: "
                f"{n} / {n} = 1 more. {try_it}"
            )
        if near(guess, mse_after**0.5):
            return f"{guess:g} is the square root of {mse_after:.1f}; the MSE does not take a root. {try_it}"
        return try_it

    def explain(answers, truth, ok):
        guess = answers["prediction"]
        why = (
            f"Every residual drops by 1: {_listed(before)} become {_listed(after)}. Since "
            f"(r − 1)² = r² − 2r + 1 and the old residuals average {mean_before:g}, the mean of "
            f"the squares grows by exactly 1."
        )
        if ok:
            first = (
                f"You predicted {guess:g}, and the MSE of y_pred = x + 2 is {truth:.1f}. Every "
                f"residual drops by 1, and the old ones averaged 0, so the MSE grows by exactly 1."
            )
            # The details add the numbers and the algebra, without saying the reason again.
            squares = " + ".join(f"{q:g}" for q in squares_after)
            why = (
                f"The residuals {_listed(before)} become {_listed(after)}, and "
                f"({squares}) / {n} = {mse_after:.1f}. In algebra, (r − 1)² = r² − 2r + 1: each "
                f"square grows by 1 − 2r."
            )
        else:
            first = (
                f"You predicted {guess:g}, but the MSE of y_pred = x + 2 is {truth:.1f}. {specific(guess)}"
            )
        return f"{first}\n\n{why}"

    return compare_prediction(
        {"prediction": prediction},
        mse_after,
        read=lambda name, value: read_number(value, "Your prediction"),
        matches=lambda answers, truth: abs(answers["prediction"] - truth) <= 0.01,
        explain=explain,
        example="a number, e.g. 7",
    )
