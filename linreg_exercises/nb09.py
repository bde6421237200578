"""Notebook 09 · Exit ticket: check_exit_mse, check_exit_step, check_exit_loop, check_exit_large_lr,
check_exit_verdict.

Five short questions on the goals of notebooks 01–04, about ten minutes. The feedback on a
wrong answer gives a hint, not the answer: the teacher can collect the ticket as it is.
"""

import re

import linreg_validation as lv

from .engine import (
    EXERCISES,
    Feedback,
    Mistake,
    NotStarted,
    all_of,
    average,
    exercise,
    function_exercise,
    plain_mse,
    read_number,
    read_word,
    show,
)
from .nb03 import _loop_solution


def _open(value):
    """True for an answer not written yet: None, ``...``, "" or "TODO"."""
    return (
        value is None
        or value is Ellipsis
        or (isinstance(value, str) and value.strip().upper() in ("", "TODO"))
    )


def _write_first(what):
    return NotStarted(False, f"Write {what} first, replacing None; run that cell, then this one.")


def _read_choice(value, letters):
    """``(letter, None)`` for an answer such as "c", "C" or "(c)"; ``(None, what is wrong)`` otherwise."""
    again = f"write one letter, {', '.join(repr(letter) for letter in letters[:-1])} or {letters[-1]!r}"
    if not isinstance(value, str):
        return None, f"I did not understand {show(value)}: {again} (as text, in quotes)."
    letter = re.sub(r"[\s().:]", "", value.lower())
    if letter in letters:
        return letter, None
    return None, f"I did not understand {show(value)}: {again}."


def _choice_exercise(answer, right, hints, what):
    """The verdict on a multiple-choice answer: ``right`` is the letter, ``hints`` a dict of
    letter → hint for each wrong letter."""
    if _open(answer):
        return _write_first(what)
    letter, problem = _read_choice(answer, sorted([right, *hints]))
    if letter is None:
        return Feedback(False, problem)
    if letter == right:
        return Feedback(True, f"({letter}) is right.")
    return Feedback(False, f"({letter}): {hints[letter]}")


# --------------------------------------------------------------------------
# 1. What the MSE measures
# --------------------------------------------------------------------------

#: The hints of question 1's wrong choices (the right one is "a").
MSE_HINTS = {
    "b": "the MSE is a mean. Some misses of line B can be larger than 1 and others smaller; the "
    "MSE does not fix any single miss.",
    "c": "the MSE squares each miss before it averages, so it is not a miss in the units of y. "
    "Which number, computed from the MSE, is a typical miss?",
    "d": "the MSE measures how far the predictions are from the data, not how steep the line is: "
    "a steep line can fit well and a flat one badly.",
}


@exercise(
    "09",
    solutions=lambda: [("a",), ("A",), ("(a)",), (" a ",)],
    slips=lambda: [
        (("b",), "Some misses of line B"),
        (("c",), "squares each miss"),
        (("d",), "not how steep the line is"),
        ((None,), "Write your answer first"),
        (("e",), "I did not understand 'e'"),
        ((1,), "as text, in quotes"),
    ],
    junk=("", "ab", "a b"),
)
def check_exit_mse(answer):
    """Question 1: line A has an MSE of 9 on some data, line B an MSE of 1 on the same data.
    Which sentence is right? (a) On average, B's squared misses are smaller than A's. (b) Every
    one of B's predictions misses by exactly 1. (c) A's predictions miss by 9 on average, B's by 1.
    (d) B is the flatter of the two lines."""
    return _choice_exercise(answer, "a", MSE_HINTS, "your answer")


# --------------------------------------------------------------------------
# 2. Which way to step, from the sign of a derivative
# --------------------------------------------------------------------------

#: Question 2: the slope now, its derivative there and the learning rate.
STEP_M, STEP_DM, STEP_LR = 0.5, -3.2, 0.1


@exercise(
    "09",
    # By hand: m - lr * dm = 0.5 - 0.1 * (-3.2) = 0.5 + 0.32 = 0.82.
    solutions=lambda: [(0.82,), (0.8200000001,)],
    slips=lambda: [
        ((0.18,), "you stepped along the slope"),
        ((3.7,), "the learning rate"),
        ((-2.7,), "the learning rate"),
        ((0.32,), "the change of m, not its new value"),
        ((-0.32,), "the change of m, not its new value"),
        ((None,), "Write the new m first"),
        (("0.82",), "without quotes"),
        ((1.0,), "Start from m ="),
    ],
)
def check_exit_step(new_m):
    """Question 2: m = 0.5, ∂L/∂m = −3.2 there, η = 0.1. What is m after one gradient-descent step?

    The right answer, m − η·∂L/∂m = 0.82, is computed here; a wrong one is matched against the
    usual slips (a step along the slope, η forgotten, only the change of m) and gets its hint.
    """
    if _open(new_m):
        return _write_first("the new m")
    value, problem = read_number(new_m, "Your new m")
    if value is None:
        return Feedback(False, problem)
    right = STEP_M - STEP_LR * STEP_DM
    if abs(value - right) <= 1e-6:
        return Feedback(True, f"m = {value:g}: ∂L/∂m is negative, so downhill is towards a larger m.")
    slips = [
        (
            STEP_M + STEP_LR * STEP_DM,
            "you stepped along the slope. A negative ∂L/∂m means the loss falls as m grows; the "
            "update m − η·∂L/∂m subtracts the derivative.",
        ),
        (STEP_M - STEP_DM, "the learning rate η is missing: the step is η times the derivative."),
        (STEP_M + STEP_DM, "the learning rate η is missing, and the sign: m − η·∂L/∂m."),
        (-STEP_LR * STEP_DM, "that is the change of m, not its new value: add it to m = 0.5."),
        (STEP_LR * STEP_DM, "that is the change of m, not its new value, and its sign: m − η·∂L/∂m."),
    ]
    for wrong, hint in slips:
        if abs(value - wrong) <= 1e-6:
            return Feedback(False, f"m = {value:g}: {hint}")
    return Feedback(
        False,
        f"m = {value:g} is not it. Start from m = {STEP_M:g} and apply m ← m − η·∂L/∂m with "
        f"η = {STEP_LR:g} and ∂L/∂m = {STEP_DM:g}, one step.",
    )


# --------------------------------------------------------------------------
# 3. The training loop (notebook 03's exercise, with its cases and typical slips)
# --------------------------------------------------------------------------

_LOOP = EXERCISES["check_training_loop"]


def _for_the_ticket(hint):
    """Notebook 03's hint, worded for the ticket, which has no one-step cell above the loop."""
    return hint.replace("of the one-step cell", "of one step").replace("the one-step cell above", "one step")


#: Notebook 03's typical slips, their hints worded for the ticket (which has no one-step cell).
EXIT_LOOP_MISTAKES = [
    Mistake(mistake.formula, _for_the_ticket(mistake.hint))
    for mistake in _LOOP.task.mistakes
    if not mistake.starter  # the ticket's starter has a loop already: its own hint follows
]


@function_exercise(
    "09",
    cases=_LOOP.task.cases,
    reference=_LOOP.task.reference,
    mistakes=EXIT_LOOP_MISTAKES,
    solutions=[_loop_solution],  # notebook 03's solution, word for word
    read=_LOOP.task.read,
    wrong_text=lambda case, got, right: (
        f"On x = {case[0].tolist()}, y = {case[1].tolist()} with lr = {case[2]:g} and {case[3]} epochs "
        f"your function returns m = {got[0]:.6g}, b = {got[1]:.6g}, which is not gradient descent from "
        f"m = b = 0. Check each line against the formula sheet: residuals, dm, db, then the two updates."
    ),
    shape_text=_LOOP.task.shape_text,
    right_text=lambda got: (
        f"Your loop is gradient descent from m = b = 0 on {all_of(len(got), 'test case')}."
    ),
    after=_LOOP.task.after,
)
def check_exit_loop(function):
    """Question 3: ``function(x, y, lr, epochs)``, gradient descent from m = b = 0, returning
    ``(m, b)``: notebook 03's training loop, judged with that exercise's cases, reference and
    typical slips (:data:`linreg_exercises.nb03.LOOP_MISTAKES`)."""


# --------------------------------------------------------------------------
# 4. A learning rate too large
# --------------------------------------------------------------------------

LARGE_LR_HINTS = {
    "a": "a larger step helps only while it stays below the largest safe one. Think of notebook 3's "
    "explorer at 0.00035: what did m and the MSE do at each step?",
    "b": "that is what a rate that is too small does.",
    "d": "the learning rate scales every step, the first and the last.",
}


@exercise(
    "09",
    solutions=lambda: [("c",), ("C",), ("(c)",)],
    slips=lambda: [
        (("a",), "stays below the largest safe one"),
        (("b",), "too small"),
        (("d",), "scales every step"),
        ((None,), "Write your answer first"),
        (("yes",), "I did not understand 'yes'"),
    ],
    junk=("", "cd"),
)
def check_exit_large_lr(answer):
    """Question 4: a learning rate far above the largest safe one. (a) The loss falls faster, so
    training ends sooner. (b) The loss falls, but very slowly, epoch by epoch. (c) Each step
    overshoots the valley: the loss grows epoch by epoch. (d) Nothing: the rate only matters for
    the first step."""
    return _choice_exercise(answer, "c", LARGE_LR_HINTS, "your answer")


# --------------------------------------------------------------------------
# 5. Judge a model on held-out data, against a baseline
# --------------------------------------------------------------------------

_MODEL_WORDS = {
    "the model": {"model", "themodel", "line", "theline", "themodelline"},
    "the baseline": {"baseline", "thebaseline", "mean", "themean"},
}


def _read_better(value):
    return read_word(value, _MODEL_WORDS, "write 'the model' or 'the baseline'")


@exercise(
    "09",
    # The notebook's numbers by hand: y_train = [3, 5, 4, 8] has mean 5; on y_test = [4, 7, 6]
    # the model (pred_test = [6, 4, 8]) misses by -2, 3, -2: MSE (4 + 9 + 4)/3 = 17/3 ≈ 5.67;
    # the baseline (5, 5, 5) misses by -1, 2, 1: MSE (1 + 4 + 1)/3 = 2. The baseline is better.
    solutions=lambda: [
        ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 2.0, "the baseline"),
        ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 5.666666667, 2, "baseline"),
        ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 5.67, 2, "baseline"),  # by hand, rounded
        # the other way round: a model that beats the baseline, (1 + 1 + 0)/3 against 2
        ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [5.0, 6.0, 6.0], 2 / 3, 2.0, "the model"),
    ],
    slips=lambda: [
        (([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 2.0, "the model"), "larger"),
        (([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17.0, 2.0, "the baseline"), "a sum"),
        (
            ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 14 / 9, "the baseline"),
            "TRAINING",
        ),
        (
            ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 3.5, "the baseline"),
            "test points",
        ),
        (
            ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 5.0, "the baseline"),
            "its prediction",
        ),
        (
            ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], -1 / 3, 2.0, "the baseline"),
            "not squared",
        ),
        (([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], None, 2.0, "the baseline"), "replace None"),
        (([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 2.0, None), "Write your verdict"),
        (([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 2.0, "both"), "did not understand"),
        (([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 9.0, 2.0, "the baseline"), "too large"),
        (  # a wrong baseline is pointed at the baseline's formula, not the model's
            ([3.0, 5.0, 4.0, 8.0], [4.0, 7.0, 6.0], [6.0, 4.0, 8.0], 17 / 3, 2.5, "the baseline"),
            "compare with np.mean((y_test - np.mean(y_train)) ** 2)",
        ),
    ],
    junk=("the baseline", "the model"),
)
def check_exit_verdict(y_train, y_test, pred_test, test_mse, baseline_mse, better):
    """Question 5: the model's MSE on the test points, the baseline's (it predicts the training
    mean for every test point), and which of the two is ``better`` on data it has not seen.

    The truth comes from plain sums here. Each number is judged on its own, against the usual
    slips (a sum, residuals not squared, the baseline from the test mean or measured on the
    training points, the training mean itself given as its MSE); the verdict is judged against
    the right numbers. The hints never state a right number.
    """
    try:
        y_train = lv.valid_vector(y_train, "y_train").tolist()
        y_test, pred_test = (v.tolist() for v in lv.valid_xy(y_test, pred_test, ("y_test", "pred_test")))
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass y_train, y_test and pred_test as the cell above defines them: {error}")
    train_mean = average(y_train)
    line, base = plain_mse(y_test, pred_test), plain_mse(y_test, [train_mean] * len(y_test))
    slips = {
        "test MSE": [
            (base, "that is the baseline's MSE: the test MSE is the model's, with pred_test"),
            (line * len(y_test), "a sum where the MSE takes a mean"),
            (average([a - p for a, p in zip(y_test, pred_test)]), "the misses are not squared"),
        ],
        "baseline MSE": [
            (
                plain_mse(y_test, [average(y_test)] * len(y_test)),
                "the baseline predicts the TRAINING mean, np.mean(y_train): the test set stays hidden",
            ),
            (
                plain_mse(y_train, [train_mean] * len(y_train)),
                "that is measured on the training points: measure the misses on the test points",
            ),
            (train_mean, "that is its prediction, not its MSE: the mean of its squared misses on y_test"),
            (base * len(y_test), "a sum where the MSE takes a mean"),
            (line, "that is the model's MSE: the baseline predicts np.mean(y_train) for every test point"),
        ],
    }
    lines = []
    for name, value, right in (("test MSE", test_mse, line), ("baseline MSE", baseline_mse, base)):
        if _open(value):
            return NotStarted(False, f"Your {name} is None: replace None by your code, then run the cell.")
        number, problem = read_number(value, f"Your {name}")
        if number is None:
            return Feedback(False, problem)
        if abs(number - right) <= 0.005 * abs(right) + 1e-6:  # 17/3 worked by hand as 5.67 is right
            continue
        hint = next(
            (text for wrong, text in slips[name] if abs(number - wrong) <= 1e-6 * (1 + abs(wrong))), None
        )
        way = "large" if number > right else "small"
        formula = (
            "np.mean((y_test - pred_test) ** 2)"
            if name == "test MSE"
            else ("np.mean((y_test - np.mean(y_train)) ** 2)")
        )
        hint = hint or f"it is too {way}: compare with {formula}"
        lines.append(f"Your {name} = {number:.4g}: {hint}.")
    if lines:
        return Feedback(False, " ".join(lines))
    if _open(better):
        return _write_first("your verdict, 'the model' or 'the baseline',")
    verdict, problem = _read_better(better)
    if verdict is None:
        return Feedback(False, problem)
    truth = "the model" if line < base else "the baseline"
    if verdict == truth:
        return Feedback(
            True, f"Test MSE {line:.4g} against the baseline's {base:.4g}: {truth} is better on new data."
        )
    if truth == "the baseline":
        return Feedback(
            False,
            "Compare your two numbers: the model's test MSE is larger than the baseline's. On points it has "
            "not seen it does worse than always predicting the training mean, whatever its training MSE.",
        )
    return Feedback(
        False, "Compare your two numbers: which is smaller, the model's test MSE or the baseline's?"
    )
