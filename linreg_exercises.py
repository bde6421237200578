"""Checkers for the notebooks' exercises: specific, friendly feedback.

Each ``check_…`` function takes the student's answer (a number or a
function), compares it with an independent computation from ``linreg_core``
and returns a :class:`Feedback`, shown as one line in the notebook. A checker
never raises: an answer that crashes gets feedback too, so "Run All" never
breaks. Typical mistakes get a targeted hint rather than just "wrong".
"""

import math
from typing import NamedTuple

import numpy as np

import linreg_core as lc


class Feedback(NamedTuple):
    """The verdict on one answer: ``ok`` and a message for the student."""

    ok: bool
    message: str

    def __repr__(self):
        return ("✅ Correct! " if self.ok else "❌ Not yet. ") + self.message


def _call(function, *args):
    """Run the student's function; return ``(value, None)`` or ``(None, Feedback)``."""
    try:
        return function(*args), None
    except Exception as error:  # any failure in student code becomes feedback
        return None, Feedback(False, f"Your function raised {type(error).__name__}: {error}")


def _number(value):
    """``float(value)`` or ``None`` if it is not one finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _close(a, b, rtol=1e-6):
    return a is not None and math.isclose(a, b, rel_tol=rtol, abs_tol=1e-9)
