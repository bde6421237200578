"""Notebook 06 · Learning rate and feature scaling: check_unstandardize."""

import numpy as np

import linreg_core as lc

from .engine import TINY_X, TINY_Y, Mistake, all_of, close, function_exercise, refuse_shortcuts, show


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


def _raw_line(m_scaled, b_scaled, mean, std):
    """The reference: the least-squares line fitted to the raw data of this case (found by its x's
    mean and std), independent of :func:`linreg_core.unstandardize`."""
    for x, y in _unstandardize_data():
        if (float(x.mean()), float(x.std())) == (mean, std):
            return lc.closed_form(x, y)
    raise ValueError(f"no test data set has mean {mean} and std {std}")


def _unstandardize_solution(m_scaled, b_scaled, mean, std):  # the notebook's solution
    m = m_scaled / std
    return m, b_scaled - m * mean


def _unstandardize_wrong_text(case, got, right):
    m_s, b_s, mean, std = case
    part = "m" if not close(got[0], right[0]) else "b"
    return (
        f"For m_scaled={m_s:.6g}, b_scaled={b_s:.6g}, mean={mean:.6g}, std={std:.6g} the line in raw "
        f"units is m={right[0]:.6g}, b={right[1]:.6g}, but yours is m={got[0]:.6g}, b={got[1]:.6g}: "
        f"check {part}. Substitute x_scaled = (x - mean) / std into m_scaled · x_scaled + b_scaled "
        f"and collect the terms."
    )


@function_exercise(
    "06",
    cases=_unstandardize_cases,
    reference=_raw_line,
    mistakes=UNSTANDARDIZE_MISTAKES,
    solutions=[_unstandardize_solution],
    slips=[(lc.unstandardize, "uses `lc.unstandardize`")],
    after=refuse_shortcuts(lc.unstandardize),
    wrong_text=_unstandardize_wrong_text,
    shape_text=lambda value, m_s, b_s, mean, std: (
        f"Return two numbers, (m, b); for m_scaled={m_s:.4g}, b_scaled={b_s:.4g}, mean={mean:.4g}, "
        f"std={std:.4g} your function returned {show(value)}."
    ),
    right_text=lambda got: (
        f"On {all_of(len(got), 'data set')} your (m, b) is the least-squares line fitted to the raw "
        f"x: m = m_scaled / std, b = b_scaled - m_scaled · mean / std."
    ),
)
def check_unstandardize(function):
    """Check ``function(m_scaled, b_scaled, mean, std) -> (m, b)``.

    The reference is the least-squares line fitted to the raw data
    (:func:`linreg_core.closed_form`), independent of
    :func:`linreg_core.unstandardize`, on three data sets; typical mistakes
    (no division by std, no mean shift, sign, swapped) get a specific hint.
    """
