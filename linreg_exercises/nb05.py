"""Notebook 05 · What went wrong in the classic code: check_bug_match (and nb02's check_gradients)."""

from .engine import Feedback, exercise

#: The answer key, written out as in the notebook's table.
_KEY = {"S1": "c", "S2": "b", "S3": "e", "S4": "d", "S5": "a"}

#: Symptom -> (the bug that causes it, a hint that leads there without naming it).
BUG_SYMPTOMS = {
    "S1": (
        "c",
        "S1: b never leaves its starting value although no error is raised, so the "
        "new intercept must be stored somewhere else. Which bug writes the intercept "
        "update to a different attribute?",
    ),
    "S2": (
        "b",
        "S2: a prediction that is the same for every x means x is missing from the "
        "formula. Which bug drops x from the prediction?",
    ),
    "S3": (
        "e",
        "S3: the same line works in a notebook that ran one extra line first. 'pd' is "
        "the usual short name of a library: which bug is about a missing import?",
    ),
    "S4": (
        "d",
        "S4: a factor of exactly 2 in one derivative points at a wrong constant in that "
        "formula, not at a missing variable or name.",
    ),
    "S5": (
        "a",
        "S5: an AttributeError says that self.something was never set. Which bug "
        "forgets to store something in the constructor?",
    ),
}


@exercise(
    "05",
    solutions=lambda: [
        ({"S1": "c", "S2": "b", "S3": "e", "S4": "d", "S5": "a"},),
        ({"s1": " C ", "S2": "B", "S3": "e", "S4": "d", "S5": "a"},),
    ],
    slips=lambda: [
        (({**_KEY, "S1": "a"},), "S1: b never leaves its starting value"),
        (({**_KEY, "S2": "a"},), "S2: a prediction that is the same for every x"),
        (({**_KEY, "S3": "a"},), "S3: the same line works in a notebook"),
        (({**_KEY, "S4": "a"},), "S4: a factor of exactly 2"),
        (({**_KEY, "S5": "b"},), "S5: an AttributeError says"),
        (({**_KEY, "S5": "?"},), "still open: S5"),
        (({**_KEY, "S5": "z"},), "Each answer must be one letter from a to e"),
        ((["c", "b", "e", "d", "a"],), "Give a dict such as"),
    ],
)
def check_bug_match(answers):
    """Check a dict mapping each symptom ``"S1"``…``"S5"`` to a bug letter ``"a"``…``"e"``.

    Every wrong or missing answer gets its own hint (see :data:`BUG_SYMPTOMS`).
    """
    if not isinstance(answers, dict):
        return Feedback(
            False, f"Give a dict such as {{'S1': 'a', 'S2': 'b', ...}}; got {type(answers).__name__}."
        )
    letters = "abcde"
    given = {str(key).strip().upper(): str(value).strip().lower() for key, value in answers.items()}
    missing = [key for key in BUG_SYMPTOMS if given.get(key, "?") in ("", "?")]
    if missing:
        return Feedback(
            False, f"Replace each '?' with one letter from a to e; still open: {', '.join(missing)}."
        )
    invalid = [f"{key} = {given[key]!r}" for key in BUG_SYMPTOMS if given[key] not in letters]
    if invalid:
        return Feedback(False, f"Each answer must be one letter from a to e; got {', '.join(invalid)}.")
    wrong = [key for key, (bug, _) in BUG_SYMPTOMS.items() if given[key] != bug]
    if not wrong:
        return Feedback(True, "All five symptoms matched: S1 → c, S2 → b, S3 → e, S4 → d, S5 → a.")
    right = len(BUG_SYMPTOMS) - len(wrong)
    hints = " ".join(BUG_SYMPTOMS[key][1] for key in wrong)
    return Feedback(False, f"{right} of {len(BUG_SYMPTOMS)} right. {hints}")
