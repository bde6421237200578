"""The checkers of the notebooks' exercises: ``import linreg_exercises as ex``, then ``ex.check_…``.

Each checker takes the student's answer (a number, a prediction, a model or a function),
compares it with an independent computation and returns a :class:`Feedback`: true only when
the answer is right, with a specific, friendly message either way. A checker never raises.

- :mod:`.engine`: Feedback, the time limit, the two judging mechanisms and the registry.
- ``nb01`` … ``nb09``: each notebook's exercises, in the notebook's order. Each is declared
  once, with ``@function_exercise(...)`` or ``@exercise(...)``, and that one declaration makes
  the checker, registers it in :data:`EXERCISES` (which the tests loop over) and, through the
  loop at the end of this file, makes it ``ex.check_…``.
"""

from . import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09  # noqa: F401  (each registers its exercises)
from .engine import (
    EXERCISES,
    Exercise,
    Feedback,
    Mistake,
    NotStarted,
    Prediction,
    check_function,
    compare_prediction,
    explain_errors,
    outside_data,
)

globals().update({name: record.checker for name, record in EXERCISES.items()})
explain_errors()

__all__ = [
    "EXERCISES",
    "Exercise",
    "Feedback",
    "Prediction",
    "Mistake",
    "NotStarted",
    "check_function",
    "compare_prediction",
    "outside_data",
    *EXERCISES,
]
