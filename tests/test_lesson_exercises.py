"""Checks of the live lesson's exercise helpers and feedback, beyond the registry's generic tests
(tests/test_exercises.py): one section per notebook pair. Expected values come from hand
computations or numpy, never from the code under test."""

import numpy as np
import pytest

import linreg_core as lc
import linreg_exercises as ex
import linreg_widgets as lw

TINY = lc.load_xy(lc.DATA_DIR / "tiny.csv")
CLASSIC = lc.load_xy(lc.DATA_DIR / "classic.csv")


# --------------------------------------------------------------------------
# Notebooks 01–02 (D1): the gradient check of notebook 02, and the predict-first feedback
# --------------------------------------------------------------------------


def _gradient_rows(capsys, gradient_function, x, y, points):
    """The verdict column of lw.show_gradient_check, one entry per point."""
    lw.show_gradient_check(gradient_function, x, y, points)
    lines = capsys.readouterr().out.splitlines()
    return [line.rsplit("|", 1)[1].strip() for line in lines[1:]]


def _hand_gradients(x, y, m, b):
    """∂L/∂m and ∂L/∂b by a plain loop, written out independently of the project's code."""
    n, dm, db = len(x), 0.0, 0.0
    for xi, yi in zip(x, y):
        r = yi - (m * xi + b)
        dm += -2.0 * xi * r / n
        db += -2.0 * r / n
    return dm, db


def test_gradient_check_at_an_exact_zero_derivative(capsys):
    """tiny.csv at m = b = 1: the residuals 1, −1, 0, 2, −2 sum to exactly 0, so ∂L/∂b = 0 (by hand)."""
    x, y = TINY
    assert _hand_gradients(x.tolist(), y.tolist(), 1.0, 1.0)[1] == 0.0
    assert _gradient_rows(capsys, _hand_gradients, x, y, [(1.0, 1.0)]) == ["agree"]
    # A function returning an exact 0 for both: dm (1.6 by hand) is flagged, db is not; no ZeroDivisionError.
    rows = _gradient_rows(capsys, lambda x, y, m, b: (0.0, 0.0), x, y, [(1.0, 1.0)])
    assert rows == ["dm is 0.00 × the estimate"]


def test_gradient_check_does_not_flag_the_minimum(capsys):
    """At the least-squares line (np.polyfit) both derivatives are 0 up to rounding: no mismatch."""
    x, y = CLASSIC
    m_best, b_best = np.polyfit(x, y, 1)
    points = [(float(m_best), float(b_best))]
    assert _gradient_rows(capsys, lc.gradients, x, y, points) == ["agree"]
    assert _gradient_rows(capsys, _hand_gradients, x, y, points) == ["agree"]


def test_gradient_check_finds_a_lost_two_and_a_flipped_sign(capsys):
    x, y = CLASSIC

    def half_db(x, y, m, b):
        dm, db = _hand_gradients(x, y, m, b)
        return dm, db / 2

    def flipped_dm(x, y, m, b):
        dm, db = _hand_gradients(x, y, m, b)
        return -dm, db

    points = [(0.0, 0.0), (1.5, -10.0)]
    assert _gradient_rows(capsys, half_db, x, y, points) == ["db is 0.50 × the estimate"] * 2
    assert _gradient_rows(capsys, flipped_dm, x, y, points) == ["dm is -1.00 × the estimate"] * 2


def test_gradient_check_uses_its_arguments_not_globals(capsys):
    """Other data give other numbers: the helper passes its own x, y on (no notebook globals)."""
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])  # y = 2x + 1 exactly
    lw.show_gradient_check(_hand_gradients, x, y, [(0.0, 0.0)])
    row = capsys.readouterr().out.splitlines()[1]
    # by hand: r = 1, 3, 5; dm = −(2/3)(0 + 3 + 10) = −8.67, db = −(2/3)(9) = −6.00
    assert "-8.7" in row and "-6.00" in row and row.endswith("agree")


def test_gradient_check_explains_a_function_that_returns_one_number():
    x, y = TINY
    with pytest.raises(TypeError, match=r"must return two numbers, \(dm, db\)"):
        lw.show_gradient_check(lambda x, y, m, b: 1.0, x, y, [(1.0, 1.0)])


def _first_paragraph(feedback):
    return feedback.message.split("\n\n")[0]


@pytest.mark.parametrize(
    "prediction, hint",
    [
        (15.0, "15 is the sum of the squared residuals (0 + 4 + 1 + 1 + 9): you forgot to divide by n = 5"),
        (10.0, "sum of the squares, not their mean"),
        (2.0, "It does not stay at 2.0"),
        (4.0, "It does not double"),
        (-1.0, "the mean of the residuals themselves"),
        (2.5, "Try: square the new residuals 0, −2, −1, 1, −3 and take their mean."),
    ],
)
def test_mse_prediction_says_answer_truth_why_and_what_to_try_first(prediction, hint):
    """By hand: y = x + 2 on tiny.csv leaves residuals 0, −2, −1, 1, −3, squares summing to 15, MSE 3."""
    first = _first_paragraph(ex.check_mse_prediction(prediction))
    assert first.startswith(f"You predicted {prediction:g}, but the MSE of y_pred = x + 2 is 3.0.")
    assert hint in first
    assert len(first.split()) <= 50, first


def test_mse_prediction_keeps_the_full_why_for_a_second_paragraph():
    feedback = ex.check_mse_prediction(3.0)
    first, details = feedback.message.split("\n\n")
    assert feedback.ok and "3.0" in first and len(first.split()) <= 50
    assert "(r − 1)² = r² − 2r + 1" in details and "(r − 1)²" not in first


def _signs_by_hand(x, y, m, b):
    residuals = y - (m * x + b)
    return -2 * np.mean(x * residuals), -2 * np.mean(residuals)


def test_sign_prediction_numbers_match_the_notebook():
    """02's exercise point m = 1.5, b = 0: ∂L/∂m ≈ +2941 and ∂L/∂b ≈ +42.22 (numpy), the line above
    176 of the 200 points, and with b = 0 held the best slope Σxy/Σx² ≈ 1.06."""
    x, y = CLASSIC
    dm, db = _signs_by_hand(x, y, 1.5, 0.0)
    best = np.sum(x * y) / np.sum(x * x)
    first = _first_paragraph(ex.check_sign_prediction(x, y, 1.5, 0.0, "+", "+"))
    assert f"+{dm:.0f}" in first and f"+{db:.2f}" in first, first
    assert f"best slope for b = 0 ({best:.3g})" in first
    assert f"above {int(np.sum(y < 1.5 * x))} of the 200 points" in first


@pytest.mark.parametrize(
    "dm_sign, db_sign, hint",
    [
        ("+", "-", "You predicted negative for ∂L/∂b, but it is positive"),
        ("-", "+", "You predicted negative for ∂L/∂m, but it is positive"),
        ("-", "-", "not which way to move"),
        ("+", "0", "You predicted zero for ∂L/∂b"),
    ],
)
def test_sign_prediction_first_paragraph_is_short_and_specific(dm_sign, db_sign, hint):
    x, y = CLASSIC
    feedback = ex.check_sign_prediction(x, y, 1.5, 0.0, dm_sign, db_sign)
    first = _first_paragraph(feedback)
    assert not feedback.ok and hint in first and "Try:" in first
    assert len(first.split()) <= 50, first
