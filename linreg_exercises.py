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
import linreg_features as lf
import linreg_validation as lv


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


def _pair(value):
    """Two floats from a returned pair (e.g. ``(m, b)``), or ``None`` if it is not one."""
    if isinstance(value, (str, bytes, dict)):
        return None
    try:
        items = list(value)
    except TypeError:
        return None
    if len(items) != 2:
        return None
    pair = _number(items[0]), _number(items[1])
    return None if None in pair else pair


def _all(count, noun):
    """'both test cases' or 'all 5 test cases'."""
    return f"both {noun}s" if count == 2 else f"all {count} {noun}s"


def _close(a, b, rtol=1e-6):
    return a is not None and math.isclose(a, b, rel_tol=rtol, abs_tol=1e-9)


def _same_pair(a, e):
    """True if both numbers of the pair ``a`` are close to those of ``e``."""
    return _close(a[0], e[0]) and _close(a[1], e[1])


def _answers(fn, calls, wrong_shape, parse=_pair):
    """Run ``fn(*arguments)`` for each tuple in ``calls``; return ``(answers, None)``.

    Returns ``(None, Feedback)`` at the first call that raises, or whose result
    ``parse`` rejects (message: ``wrong_shape(value, *arguments)``).
    """
    answers = []
    for arguments in calls:
        value, failure = _call(fn, *arguments)
        if failure:
            return None, failure
        answer = parse(value)
        if answer is None:
            return None, Feedback(False, wrong_shape(value, *arguments))
        answers.append(answer)
    return answers, None


def _first_wrong(answers, expected, matches=_same_pair):
    """The index of the first answer that does not match its expected value, or ``None``."""
    return next((i for i, (a, e) in enumerate(zip(answers, expected)) if not matches(a, e)), None)


def _matching_hint(answers, mistakes, hints, matches=_same_pair):
    """The first hint whose mistake explains every answer, or ``None``.

    ``mistakes`` holds one dict per case, ``{name: the answer that mistake gives}``.
    """
    for name, hint in hints.items():
        if all(matches(a, wrong[name]) for a, wrong in zip(answers, mistakes)):
            return hint
    return None


# --------------------------------------------------------------------------
# Notebook 03 · The update rule: check_step, check_learning_rate
# --------------------------------------------------------------------------


def _step_cases():
    """(x, y, m, b, lr) cases for check_step: tiny.csv and a small uneven set.

    Every case has dm != 0, db != 0 and lr != 1, so each typical mistake
    gives a different answer from the right one in at least one case.
    """
    tiny_x, tiny_y = np.array([0.0, 2, 3, 5, 6]), np.array([2.0, 2, 4, 8, 5])
    other_x, other_y = np.array([1.0, 4, 7, 10]), np.array([3.0, 2, 9, 12])
    return [
        (tiny_x, tiny_y, 0.0, 0.0, 0.01),
        (tiny_x, tiny_y, 1.5, -1.0, 0.02),
        (other_x, other_y, 0.5, 2.0, 0.005),
        (other_x, other_y, -1.0, 4.0, 0.001),
    ]


def _step_mistakes(x, y, m, b, lr):
    """The new (m, b) that each typical mistake in the update rule gives."""
    dm, db = lc.gradients(x, y, m, b)
    n = len(x)
    return {
        "unchanged": (m, b),
        "uphill": (m + lr * dm, b + lr * db),
        "no_lr": (m - dm, b - db),
        "half": (m - lr * dm / 2, b - lr * db / 2),
        "double": (m - 2 * lr * dm, b - 2 * lr * db),
        "no_mean": (m - lr * n * dm, b - lr * n * db),
        "only_m": (m - lr * dm, b),
        "only_b": (m, b - lr * db),
        "swapped": (b - lr * db, m - lr * dm),
        "change_only": (-lr * dm, -lr * db),
        "dm_for_b": (m - lr * dm, b - lr * dm),
    }


_STEP_HINTS = {
    "unchanged": "Your function returns m and b unchanged. Compute the gradient (dm, db) at (m, b) "
    "and return (m - lr * dm, b - lr * db).",
    "uphill": "Your step goes uphill: the loss gets larger. The gradient points uphill, so "
    "subtract it: m - lr * dm, not m + lr * dm (check the sign of your dm and db too).",
    "no_lr": "You subtracted the whole gradient: multiply it by the learning rate first, "
    "m - lr * dm and b - lr * db.",
    "half": "Your step is half the expected size: check the factor 2 in the gradient, "
    "dm = -(2/n) * sum(x * (y - y_pred)).",
    "double": "Your step is twice the expected size: the gradient has one factor 2, "
    "dm = -(2/n) * sum(x * (y - y_pred)); did you multiply by 2 twice?",
    "no_mean": "Your step is n times too large: the gradient divides by n (it is a mean), "
    "dm = -(2/n) * sum(x * (y - y_pred)). Use np.mean or divide the sum by len(x).",
    "only_m": "Your m is updated correctly, but b is unchanged: apply the rule to both, b - lr * db as well.",
    "only_b": "Your b is updated correctly, but m is unchanged: apply the rule to both, m - lr * dm as well.",
    "swapped": "The values are right but swapped: return (new_m, new_b), slope first.",
    "change_only": "You returned the change -lr * gradient; add it to the current values: "
    "return (m - lr * dm, b - lr * db).",
    "dm_for_b": "Your m is right, but b was moved with dm: b needs its own derivative, "
    "db = -(2/n) * sum(y - y_pred).",
}


def check_step(fn):
    """Check ``fn(x, y, m, b, lr)``: one gradient-descent update, returning ``(m, b)``.

    Compares with :func:`linreg_core.step` on several data sets and points,
    and recognises typical mistakes (sign, missing ``lr``, gradient factor,
    only one parameter updated, swapped or partial results).
    """
    cases = _step_cases()
    answers, failure = _answers(
        fn,
        [(x.copy(), y.copy(), m, b, lr) for x, y, m, b, lr in cases],
        lambda value, x, y, m, b, lr: (
            f"Return two numbers, (new_m, new_b); for m={m:g}, "
            f"b={b:g}, lr={lr:g} your function returned {value!r}."
        ),
    )
    if failure:
        return failure
    expected = [lc.step(x, y, m, b, lr) for x, y, m, b, lr in cases]
    i = _first_wrong(answers, expected)
    if i is None:
        return Feedback(True, f"Your update matches m - lr·dm, b - lr·db on {_all(len(cases), 'test case')}.")
    hint = _matching_hint(answers, [_step_mistakes(*case) for case in cases], _STEP_HINTS)
    if hint:
        return Feedback(False, hint)
    (x, y, m, b, lr), a, e = cases[i], answers[i], expected[i]
    return Feedback(
        False,
        f"From m={m:g}, b={b:g} with lr={lr:g} on x={x.tolist()}, "
        f"y={y.tolist()} the new values should be m={e[0]:.6g}, "
        f"b={e[1]:.6g}, but yours are m={a[0]:.6g}, b={a[1]:.6g}. "
        f"Compute dm, db with the formulas of notebook 2, then "
        f"return (m - lr * dm, b - lr * db).",
    )


def _quiet_descent(x, y, lr, epochs):
    """gradient_descent without its DivergenceWarning (the checker reports it)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lc.DivergenceWarning)
        return lc.gradient_descent(x, y, lr, epochs)


def learning_rate_target(x, y, epochs=50, tolerance=0.01):
    """The MSE that ``check_learning_rate`` asks for after ``epochs`` epochs.

    The lowest MSE that any stable learning rate reaches in ``epochs``
    epochs from ``m = b = 0`` (searched on a fine grid below the bound),
    plus ``tolerance`` (1 %) of it.
    """
    x, y = lv.check_xy(x, y)
    bound = lc.stable_learning_rate(x)
    best = min(_quiet_descent(x, y, lr, epochs).losses[-1] for lr in bound * np.geomspace(1e-4, 0.999, 81))
    return float(best * (1 + tolerance))


def check_learning_rate(x, y, lr, epochs=50):
    """Check that ``lr`` brings the MSE close to its best within ``epochs`` epochs.

    "Close to its best" means within 1 % of the lowest MSE any stable
    learning rate reaches in that many epochs from ``m = b = 0``
    (:func:`learning_rate_target`). Explains a failure: diverging (above the
    bound ``2 / lambda_max``), oscillating (just below it) or crawling (too small).
    """
    try:
        x, y = lv.check_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y: {error}")
    rate = _number(lr)
    if rate is None or rate <= 0:
        return Feedback(False, f"The learning rate must be one positive number, such as 1e-4; got {lr!r}.")
    bound = lc.stable_learning_rate(x)
    result = _quiet_descent(x, y, rate, epochs)
    target = learning_rate_target(x, y, epochs)
    start, final = result.losses[0], result.losses[-1]
    where = f"lr = {rate:.4g} (the stable bound 2/λmax is {bound:.4g})"
    if result.diverged or rate >= bound:
        return Feedback(
            False,
            f"{where}: this diverges — lr is above the bound, so every step "
            f"overshoots the valley further (the loss went from {start:.4g} "
            f"to {final:.4g} in {len(result.losses) - 1} epochs). "
            f"Pick an lr below {bound:.4g}.",
        )
    if final <= target:
        return Feedback(
            True,
            f"{where}: after {epochs} epochs the MSE is {final:.4f} "
            f"(target: below {target:.4f}; it started at {start:.4g}).",
        )
    if rate > bound / 2:
        return Feedback(
            False,
            f"{where}: after {epochs} epochs the MSE is still {final:.4g} "
            f"(target: below {target:.4f}). So close to the bound, each step "
            f"overshoots the valley and the swings die out slowly. "
            f"Try a somewhat smaller lr.",
        )
    return Feedback(
        False,
        f"{where}: too small — after {epochs} epochs the loss is still "
        f"{final:.4g} (target: below {target:.4f}; it started at {start:.4g}). "
        f"Take bigger steps: try a larger lr, still below the bound.",
    )


# --------------------------------------------------------------------------
# Notebook 04 · Full training: check_trained_model
# --------------------------------------------------------------------------


def check_trained_model(model, x, y, tolerance=1e-3):
    """Check a trained ``LinearRegression`` against the least-squares line.

    Pass the same ``x`` (raw or scaled) and ``y`` that ``model.fit`` was given.
    The model passes when, at every data point, its prediction is within
    ``tolerance * std(y)`` of the prediction of the least-squares line
    (:func:`linreg_core.closed_form`). Otherwise the feedback says why: not
    fitted (and whether ``fit`` would diverge), trained on other data, or not
    converged (more epochs, or scale ``x``).
    """
    try:
        x, y = lv.check_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y you trained on: {error}")
    if not all(hasattr(model, name) for name in ("lr", "predict", "history")):
        return Feedback(
            False,
            f"Expected a LinearRegression, e.g. model = lc.LinearRegression("
            f"lr=..., epochs=...).fit(x, y); got {type(model).__name__}.",
        )
    bound = lc.stable_learning_rate(x)
    if model.history is None:
        lr = _number(model.lr)
        if lr is not None and lr >= bound:
            return Feedback(
                False,
                f"The model is not trained: with lr = {lr:.4g}, fit diverges "
                f"(DivergenceError) because the stable bound for this x is "
                f"{bound:.4g}. Choose a smaller lr, or standardise x.",
            )
        return Feedback(False, "The model is not trained yet: call model.fit(x, y) first.")
    y_pred, failure = _call(model.predict, x)
    if failure:
        return failure
    try:
        loss = lc.mse(y, y_pred)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"model.predict(x) did not give one number per point: {error}")
    trained_loss = float(model.history.losses[-1])
    if not math.isclose(loss, trained_loss, rel_tol=1e-6, abs_tol=1e-9):
        return Feedback(
            False,
            f"The model was trained on other data: its MSE on the x, y you "
            f"passed is {loss:.6g}, but {trained_loss:.6g} at the end of "
            f"training. Pass the same x you gave to fit (e.g. the "
            f"standardised one).",
        )
    m_ls, b_ls = lc.closed_form(x, y)
    gap = float(np.max(np.abs(np.asarray(y_pred, float) - lc.predict(x, m_ls, b_ls))))
    allowed = tolerance * float(np.std(y))
    found = (
        f"m = {model.m:.6g}, b = {model.b:.6g}, MSE = {loss:.6g} (least squares: "
        f"m = {m_ls:.6g}, b = {b_ls:.6g}, MSE = {lc.mse(y, lc.predict(x, m_ls, b_ls)):.6g}); "
        f"largest gap between your predictions and the least-squares line: {gap:.3g} "
        f"(allowed: {allowed:.3g})"
    )
    if gap <= allowed:
        return Feedback(True, f"{found}.")
    advice = "Training has not converged yet. "
    if abs(x.mean()) > x.std():
        advice += (
            f"x is far from 0 (mean {x.mean():.4g}, std {x.std():.4g}), so the bowl is a "
            f"long narrow valley and b crawls along it: more epochs help only slowly. "
            f"Standardise x, x_s = (x - x.mean()) / x.std(); then lr up to 1 is stable "
            f"and a few hundred epochs are plenty."
        )
    else:
        advice += f"Train for more epochs, or use a larger lr (it must stay below the bound {bound:.4g})."
    return Feedback(False, f"{found}. {advice}")


# --------------------------------------------------------------------------
# Notebooks 01_loss_function and 02_derivatives:
# check_mse, check_low_loss (01) and check_gradients (02)
# --------------------------------------------------------------------------

#: tiny.csv, written out so that the checkers need no file.
_TINY_X = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
_TINY_Y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])


def _all_close(got, expected, rtol=1e-6):
    return all(_close(g, e, rtol) for g, e in zip(got, expected))


def _not_a_number_hint(value, n, what):
    if value is None:
        return "Your function returned None: did you forget the `return` line?"
    if np.ndim(value) == 1 and np.size(value) == n:
        return (
            f"Your function returned {n} values, one per point, but {what} is a single "
            f"number: average them, e.g. with np.mean(...)."
        )
    return f"Your function should return one number ({what}), but it returned {value!r:.60}."


def _mse_cases():
    """``(y, y_pred)`` test cases: the tiny data with the line y = x + 1
    (MSE 2.0; its residuals add up to 0), then two seeded random sets whose
    residuals have a non-zero mean, so that every typical mistake differs."""
    rng = np.random.default_rng(101)
    cases = [(_TINY_Y, _TINY_X + 1)]
    for n in (8, 30):
        y = rng.normal(10.0, 4.0, n)
        cases.append((y, y - rng.normal(1.5, 2.0, n)))
    return cases


_CANCEL_HINT = (
    "positive and negative residuals cancel (on the tiny data they add up to "
    "exactly 0). Square each residual, then take the mean."
)

#: Typical wrong versions of the MSE, as functions of the residuals, with their hint.
_MSE_MISTAKES = [
    (lambda r: np.mean(r), "you returned the mean residual: " + _CANCEL_HINT),
    (lambda r: -np.mean(r), "you returned the mean residual: " + _CANCEL_HINT),
    (lambda r: np.sum(r), "you returned the sum of the residuals: " + _CANCEL_HINT),
    (lambda r: -np.sum(r), "you returned the sum of the residuals: " + _CANCEL_HINT),
    (
        lambda r: np.sum(r**2),
        "your value is n times too large: you added up the squared "
        "residuals but forgot to divide by n. Take the mean, e.g. np.mean(...).",
    ),
    (
        lambda r: np.sum(r**2) / (r.size - 1),
        "you divided by n − 1; the MSE divides by n (it is the plain mean of the squared residuals).",
    ),
    (
        lambda r: np.mean(np.abs(r)),
        "you averaged |y − y_pred|: that is the mean absolute "
        "error (MAE), a different loss. Square the residuals instead.",
    ),
    (
        lambda r: np.sqrt(np.mean(r**2)),
        "you took the square root: that is the RMSE (root "
        "mean squared error). The MSE is the mean of the squares, with no root.",
    ),
    (
        lambda r: np.mean(r) ** 2,
        "you squared the mean residual. Square each residual first, then take the mean of those squares.",
    ),
    (
        lambda r: np.mean(r**2) / 2,
        "your value is half the MSE. Some books put a ½ in front "
        "to tidy the derivative, but here L is the plain mean of the squared residuals.",
    ),
]


def check_mse(function):
    """Check that ``function(y, y_pred)`` computes the mean squared error.

    Tested on the tiny data (the line y = x + 1 has MSE 2.0) and on two
    seeded random data sets, against :func:`linreg_core.mse`. The order
    ``y - y_pred`` or ``y_pred - y`` does not matter (it is squared).
    """
    cases = _mse_cases()
    got, problem = _answers(
        function,
        [(y.copy(), y_pred.copy()) for y, y_pred in cases],
        lambda value, y, y_pred: _not_a_number_hint(value, y.size, "the MSE"),
        parse=_number,
    )
    if problem:
        return problem
    expected = [lc.mse(y, y_pred) for y, y_pred in cases]
    if _all_close(got, expected):
        return Feedback(
            True,
            f"Your function gives {got[0]:.1f} on the tiny data (as in the "
            f"table above) and agrees with lc.mse on {len(cases) - 1} "
            f"random data sets.",
        )
    for mistake, hint in _MSE_MISTAKES:
        if _all_close(got, [float(mistake(y - y_pred)) for y, y_pred in cases]):
            return Feedback(False, f"Close, but {hint}")
    if all(g == 0 for g in got):
        return Feedback(
            False,
            "Your function returns 0.0 for every input: replace the "
            "placeholder `return 0.0` by the mean of the squared residuals.",
        )
    i = next(k for k in range(len(cases)) if not _close(got[k], expected[k]))
    where = (
        "the tiny data with the line y = x + 1"
        if i == 0
        else f"a random data set ({cases[i][0].size} points)"
    )
    return Feedback(
        False,
        f"On {where} the MSE is {expected[i]:.6g}, but your function gives "
        f"{got[i]:.6g}. Compute (1/n)·Σ(y − y_pred)²: the residuals, "
        f"their squares, then the mean.",
    )


def check_low_loss(x, y, m, b, target):
    """Check that the line ``y = m x + b`` has an MSE of at most ``target``.

    When it does not, the hint names the one change (m or b, with the other
    held) that lowers the loss the most, and its direction.
    """
    m_num, b_num = _number(m), _number(b)
    if m_num is None or b_num is None or isinstance(m, bool) or isinstance(b, bool):
        return Feedback(
            False, "m and b must be numbers, e.g. m = 0.5 and b = 20 (read them off the sliders)."
        )
    try:
        x, y = lv.check_xy(x, y)
        m_hat, b_hat = lc.closed_form(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"The data cannot be used: {error}")

    def loss(m_, b_):
        return float(np.mean((y - (m_ * x + b_)) ** 2))

    current, best = loss(m_num, b_num), loss(m_hat, b_hat)
    line = f"Your line y = {m_num:.4g}·x + {b_num:.4g} has MSE = {current:.2f}"
    if target < best:
        return Feedback(
            False,
            f"No line can reach MSE {target:g} on this data: the lowest "
            f"possible is {best:.2f}. Choose a target above that.",
        )
    if current <= target:
        return Feedback(
            True,
            f"{line}, below the target {target:g}. The lowest possible MSE "
            f"on this data is {best:.2f} (the star on the contour).",
        )
    m_only = float(x @ (y - b_num) / (x @ x))  # the best slope with b held
    b_only = float(np.mean(y - m_num * x))  # the best intercept with m held
    if loss(m_only, b_num) <= loss(m_num, b_only):
        move = "increase m (a steeper line)" if m_only > m_num else "decrease m (a flatter line)"
    else:
        move = "increase b (lift the line)" if b_only > b_num else "decrease b (lower the line)"
    return Feedback(
        False,
        f"{line}, above the target {target:g}. The biggest single "
        f"improvement: {move}, then adjust the other slider. On the contour, "
        f"steer the red dot towards the star.",
    )


def _derivative_cases():
    """``(description, x, y, m, b)``: the tiny data at two points, then two
    seeded random data sets. dm and db differ in size everywhere; db is 0
    only at the first point (tiny data, m = b = 1)."""
    rng = np.random.default_rng(202)
    cases = [
        ("the tiny data at m = 1, b = 1", _TINY_X, _TINY_Y, 1.0, 1.0),
        ("the tiny data at m = 0.5, b = 3", _TINY_X, _TINY_Y, 0.5, 3.0),
    ]
    for n, m, b in ((12, 0.3, -1.0), (40, 2.5, 4.0)):
        x = rng.uniform(-2.0, 10.0, n)
        y = 1.5 * x + 2.0 + rng.normal(0.0, 1.0, n)
        cases.append((f"a random data set of {n} points at m = {m:g}, b = {b:g}", x, y, m, b))
    return cases


#: (factor as a function of n, key, hint): one component equals factor × the right value.
#: "{is}" / "{has}" become "are" / "have" when both components share the mistake.
_GRADIENT_FACTORS = [
    (
        lambda n: 0.5,
        "half",
        "{is} half the expected value: check the factor 2 in −2/n. "
        "It comes from the derivative of the square, (u²)′ = 2u·u′.",
    ),
    (
        lambda n: -1.0,
        "sign",
        "{has} the wrong sign: the inner derivative of y − (m·x + b) is "
        "−x (for m) or −1 (for b), which puts the minus in front of 2/n.",
    ),
    (
        lambda n: -0.5,
        "half-sign",
        "{is} half the expected value and {has} the wrong sign: the factor in front should be −2/n.",
    ),
    (lambda n: 2.0, "double", "{is} twice the expected value: the factor in front is −2/n."),
    (
        lambda n: float(n),
        "sum",
        "{is} n times too large: you forgot to divide by n "
        "(the loss is a mean, so its derivative is one too).",
    ),
    (
        lambda n: -float(n),
        "sum-sign",
        "{is} n times too large and {has} the wrong sign: use −2/n in front of the sum.",
    ),
    (lambda n: n / 2, "no-2/n", "{is} n/2 times too large: the factor −2/n in front of the sum is missing."),
]
_SINGULAR, _PLURAL = {"is": "is", "has": "has"}, {"is": "are", "has": "have"}


def _diagnose_component(name, got, expected, ns, other_expected):
    """``(key, hint)`` for one wrong component of the gradient (hint None: no pattern)."""
    if all(g == 0 for g in got):
        return "zero", "{is} always 0: replace the placeholder by the formula."
    for factor, key, hint in _GRADIENT_FACTORS:
        if _all_close(got, [factor(n) * e for n, e in zip(ns, expected)]):
            return key, hint
    if _all_close(got, other_expected):
        if name == "∂L/∂m":
            return "no-x", ("equals ∂L/∂b: you forgot the factor x_i inside the sum, Σ x_i·(y_i − ŷ_i).")
        return "extra-x", ("equals ∂L/∂m: ∂L/∂b has no x_i inside the sum, just Σ (y_i − ŷ_i).")
    return "other", None


def check_gradients(function):
    """Check that ``function(x, y, m, b)`` returns ``(dm, db)``, the MSE's gradient.

    Compared with :func:`linreg_core.gradients` on the tiny data and on two
    random data sets. Typical slips get a specific hint: a factor 2 (e.g.
    −1/n instead of −2/n), a flipped sign, x_i forgotten in dm, no division
    by n, dm and db swapped.
    """
    cases = _derivative_cases()

    def wrong_shape(value, *arguments):
        if value is None:
            return "Your function returned None: end it with `return dm, db`."
        return f"Your function should return two numbers, `return dm, db`, but it returned {value!r:.60}."

    got, problem = _answers(function, [(x.copy(), y.copy(), m, b) for _, x, y, m, b in cases], wrong_shape)
    if problem:
        return problem
    expected = [lc.gradients(x, y, m, b) for _, x, y, m, b in cases]
    got_dm, got_db = [g[0] for g in got], [g[1] for g in got]
    exp_dm, exp_db = [e[0] for e in expected], [e[1] for e in expected]
    dm_ok, db_ok = _all_close(got_dm, exp_dm), _all_close(got_db, exp_db)
    if dm_ok and db_ok:
        return Feedback(
            True,
            f"Your gradient matches lc.gradients at {_all(len(cases), 'test point')}; "
            f"on the tiny data at m = 1, b = 1 it gives "
            f"∂L/∂m = {got_dm[0] + 0.0:g} and "
            f"∂L/∂b = {got_db[0] + 0.0:g}.",
        )
    if all(g == (0, 0) for g in got):
        return Feedback(
            False,
            "Your function returns (0.0, 0.0) for every input: replace the "
            "placeholder by the two formulas derived above.",
        )
    if _all_close(got_dm, exp_db) and _all_close(got_db, exp_dm):
        return Feedback(False, "You swapped the two: return ∂L/∂m first, then ∂L/∂b (`return dm, db`).")
    ns = [x.size for _, x, _, _, _ in cases]
    dm_diag = None if dm_ok else _diagnose_component("∂L/∂m", got_dm, exp_dm, ns, exp_db)
    db_diag = None if db_ok else _diagnose_component("∂L/∂b", got_db, exp_db, ns, exp_dm)
    if dm_diag and db_diag and dm_diag[0] == db_diag[0] and dm_diag[1]:
        return Feedback(False, "Both ∂L/∂m and ∂L/∂b " + dm_diag[1].format(**_PLURAL))
    parts = []
    for diag, name, got_c, exp_c in ((dm_diag, "∂L/∂m", got_dm, exp_dm), (db_diag, "∂L/∂b", got_db, exp_db)):
        if diag is None:
            continue
        if diag[1]:
            parts.append(f"your {name} " + diag[1].format(**_SINGULAR))
        else:
            i = next(k for k in range(len(cases)) if not _close(got_c[k], exp_c[k]))
            parts.append(
                f"on {cases[i][0]} your {name} is {got_c[i] + 0.0:.6g}, but it should be {exp_c[i] + 0.0:.6g}"
            )
    message = "; ".join(parts)
    if dm_ok:
        message = "∂L/∂m is right, but " + message
    elif db_ok:
        message = "∂L/∂b is right, but " + message
    else:
        message = message[0].upper() + message[1:]
    return Feedback(False, message.rstrip(".") + ".")


# --------------------------------------------------------------------------
# Notebook 05 · What went wrong in the classic code:
# check_bug_match, check_fixed_gradients
# --------------------------------------------------------------------------

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


def _gradient_cases():
    """(x, y, m, b) cases for check_fixed_gradients: tiny.csv and an uneven set.

    In every case m, b, m·b, dm and db are non-zero and m·b differs from
    m + b, so each typical mistake changes at least one answer.
    """
    tiny_x, tiny_y = np.array([0.0, 2, 3, 5, 6]), np.array([2.0, 2, 4, 8, 5])
    other_x, other_y = np.array([1.0, 4, 7, 10, 12]), np.array([3.0, 2, 9, 12, 11])
    return [
        (tiny_x, tiny_y, 0.5, 3.0),
        (tiny_x, tiny_y, 1.5, -1.0),
        (other_x, other_y, -0.5, 2.0),
        (other_x, other_y, 2.0, 4.0),
    ]


def _gradient_mistakes(x, y, m, b):
    """``(dm, db)`` that each typical mistake in the gradient gives."""
    n = len(x)

    def grads(y_pred, factor_m=2, factor_b=2):
        residuals = y - y_pred
        return -factor_m / n * np.sum(x * residuals), -factor_b / n * np.sum(residuals)

    dm, db = lc.gradients(x, y, m, b)
    return {
        "constant": grads(m * b),
        "m_plus_b": grads(m + b + 0 * x),
        "no_b": grads(m * x),
        "half_db": grads(m * x + b, factor_b=1),
        "half_dm": grads(m * x + b, factor_m=1),
        "half_both": (dm / 2, db / 2),
        "sign": (-dm, -db),
        "no_mean": (n * dm, n * db),
        "swapped": (db, dm),
    }


_GRADIENT_HINTS = {
    "constant": "Your gradients are what a prediction without x gives: m * + b means m * (+b), "
    "the same number m·b for every point. Write the prediction as m * x + b.",
    "m_plus_b": "Your prediction is m + b: it still ignores x. The line is y_pred = m * x + b.",
    "no_b": "Your prediction leaves out the intercept: y_pred = m * x + b.",
    "half_db": "∂L/∂m is right, but your ∂L/∂b is half the expected value — check the factor 2: "
    "db = -(2/n) * sum(y - y_pred).",
    "half_dm": "∂L/∂b is right, but your ∂L/∂m is half the expected value — check the factor 2: "
    "dm = -(2/n) * sum(x * (y - y_pred)).",
    "half_both": "Both derivatives are half the expected value: the square in the loss gives a "
    "factor 2 in each, -(2/n).",
    "sign": "Both derivatives have the wrong sign: the residual is y - y_pred, and the derivative "
    "of -y_pred brings a minus, dm = -(2/n) * sum(x * (y - y_pred)).",
    "no_mean": "Your derivatives are n times too large: the loss is a mean, so divide the sums "
    "by n = len(x).",
    "swapped": "The values are right but swapped: return (dm, db), the slope's derivative first.",
}


def check_fixed_gradients(fn):
    """Check ``fn(x, y, m, b) -> (dm, db)``, the gradient of the MSE.

    Compares with :func:`linreg_core.numerical_gradients` (finite
    differences of the loss) on several data sets and points, and recognises
    the classic mistakes: a prediction without ``x`` (``m * + b``), a wrong
    factor, a flipped sign, a sum instead of a mean, swapped results.
    """
    cases = _gradient_cases()
    answers, failure = _answers(
        fn,
        [(x.copy(), y.copy(), m, b) for x, y, m, b in cases],
        lambda value, x, y, m, b: (
            f"Return two numbers, (dm, db); for m={m:g}, b={b:g} your function returned {value!r}."
        ),
    )
    if failure:
        return failure

    def matches(a, e):
        return math.isclose(a[0], e[0], rel_tol=1e-5) and math.isclose(a[1], e[1], rel_tol=1e-5)

    expected = [lc.numerical_gradients(*case) for case in cases]
    i = _first_wrong(answers, expected, matches)
    if i is None:
        return Feedback(
            True,
            f"Your ∂L/∂m and ∂L/∂b agree with the finite-difference check on "
            f"{_all(len(cases), 'test case')}: the bug is fixed.",
        )
    hint = _matching_hint(answers, [_gradient_mistakes(*case) for case in cases], _GRADIENT_HINTS, matches)
    if hint:
        return Feedback(False, hint)
    (x, y, m, b), a, e = cases[i], answers[i], expected[i]
    return Feedback(
        False,
        f"At m={m:g}, b={b:g} on x={x.tolist()}, y={y.tolist()} the "
        f"finite-difference check gives dm={e[0]:.6g}, db={e[1]:.6g}, "
        f"but yours are dm={a[0]:.6g}, db={a[1]:.6g}. Compare each "
        f"line with dm = -(2/n)·Σ x(y - ŷ), db = -(2/n)·Σ (y - ŷ).",
    )


# --------------------------------------------------------------------------
# Notebook 06 · Learning rate and feature scaling: check_unstandardize
# --------------------------------------------------------------------------


def _unstandardize_cases():
    """``(m_scaled, b_scaled, mean, std, m, b)`` from least-squares fits.

    The reference ``(m, b)`` is :func:`linreg_core.closed_form` on the raw
    data, independent of :func:`linreg_core.unstandardize`. Each data set has
    ``mean != 0`` and ``std != 1``, one of them a negative mean.
    """
    data = [
        (np.array([0.0, 2, 3, 5, 6]), np.array([2.0, 2, 4, 8, 5])),
        (np.array([10.0, 20, 30, 45, 60, 80]), np.array([4.0, 9, 11, 19, 24, 35])),
        (np.array([-8.0, -6, -5, -3, -2.5]), np.array([1.0, -2, -2, -6, -7])),
    ]
    cases = []
    for x, y in data:
        mean, std = float(x.mean()), float(x.std())
        m_scaled, b_scaled = lc.closed_form((x - mean) / std, y)
        cases.append((m_scaled, b_scaled, mean, std, *lc.closed_form(x, y)))
    return cases


def _unstandardize_mistakes(m_s, b_s, mean, std):
    return {
        "unchanged": (m_s, b_s),
        "no_std": (m_s, b_s - m_s * mean),
        "times_std": (m_s * std, b_s - m_s * std * mean),
        "no_shift": (m_s / std, b_s),
        "sign": (m_s / std, b_s + m_s * mean / std),
        "shift_no_std": (m_s / std, b_s - m_s * mean),
        "swapped": (b_s - m_s * mean / std, m_s / std),
    }


_UNSTANDARDIZE_HINTS = {
    "unchanged": "You returned the scaled parameters unchanged. m_scaled is the change in y per "
    "standard deviation of x, not per unit of x: convert both m and b.",
    "no_std": "You forgot to divide by std: x_scaled = (x - mean) / std, so m = m_scaled / std, "
    "and the intercept shift is m_scaled * mean / std.",
    "times_std": "You multiplied by std where you should divide: one unit of x_scaled is std "
    "units of x, so m = m_scaled / std.",
    "no_shift": "Your slope is right, but you forgot the mean shift in the intercept: "
    "b = b_scaled - m_scaled * mean / std.",
    "sign": "Your slope is right, but the mean shift has the wrong sign: the scaled line uses "
    "x - mean, so b = b_scaled - m_scaled * mean / std (minus).",
    "shift_no_std": "Your slope is right, but the intercept's mean shift is missing the division "
    "by std: b = b_scaled - m_scaled * mean / std.",
    "swapped": "The values are right but swapped: return (m, b), slope first.",
}


def check_unstandardize(fn):
    """Check ``fn(m_scaled, b_scaled, mean, std) -> (m, b)``.

    The reference is the least-squares line fitted to the raw data
    (:func:`linreg_core.closed_form`), on three data sets; typical mistakes
    (no division by std, no mean shift, sign, swapped) get a specific hint.
    """
    cases = _unstandardize_cases()
    answers, failure = _answers(
        fn,
        [case[:4] for case in cases],
        lambda value, m_s, b_s, mean, std: (
            f"Return two numbers, (m, b); for m_scaled={m_s:.4g}, "
            f"b_scaled={b_s:.4g}, mean={mean:.4g}, std={std:.4g} "
            f"your function returned {value!r}."
        ),
    )
    if failure:
        return failure
    i = _first_wrong(answers, [case[4:] for case in cases])
    if i is None:
        return Feedback(
            True,
            f"On {_all(len(cases), 'data set')} your (m, b) is the least-squares "
            f"line fitted to the raw x: m = m_scaled / std, "
            f"b = b_scaled - m_scaled · mean / std.",
        )
    hint = _matching_hint(
        answers, [_unstandardize_mistakes(*case[:4]) for case in cases], _UNSTANDARDIZE_HINTS
    )
    if hint:
        return Feedback(False, hint)
    (m_s, b_s, mean, std, m, b), a = cases[i], answers[i]
    part = "m" if not _close(a[0], m) else "b"
    return Feedback(
        False,
        f"For m_scaled={m_s:.6g}, b_scaled={b_s:.6g}, mean={mean:.6g}, "
        f"std={std:.6g} the line in raw units is m={m:.6g}, b={b:.6g}, "
        f"but yours is m={a[0]:.6g}, b={a[1]:.6g}: check {part}. "
        f"Substitute x_scaled = (x - mean) / std into "
        f"m_scaled · x_scaled + b_scaled and collect the terms.",
    )


# --------------------------------------------------------------------------
# Notebook 07 · Closed form and multiple features: check_normal_equation
# --------------------------------------------------------------------------


def _normal_equation_cases():
    """(X, y) cases: features far from 0 and a clear intercept, so that a
    missing column of ones or a misplaced intercept changes the answer."""
    rng = np.random.default_rng(7)
    cases = []
    for n, p in ((12, 2), (15, 3)):
        X = rng.uniform(10, 30, size=(n, p)) + np.arange(p) * 5
        y = 40.0 + X @ np.linspace(2.0, -1.5, p) + rng.normal(0, 2.0, n)
        cases.append((X, y))
    return cases


def _uses_inverse(fn):
    """True if the source of ``fn`` calls ``inv(`` (but not ``pinv(``)."""
    import inspect
    import re

    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        return False
    return re.search(r"(?<![p\w])inv\s*\(", text) is not None


_TRANSPOSE_HINT = (
    "Check the transposes: with the design matrix X (n rows, p + 1 columns) the "
    "normal equation is (X.T @ X) w = X.T @ y, a (p + 1) × (p + 1) system; "
    "X @ X.T is n × n, and X @ y or solve(X.T @ X, y) do not fit together."
)


def check_normal_equation(fn):
    """Check ``fn(features, y)``: least-squares weights ``(b, w_1, ..., w_p)``.

    ``features`` has n rows and p columns (no column of ones): the function
    must build the design matrix ``X`` with a column of ones in front, solve
    the normal equation ``(X.T @ X) w = X.T @ y`` and return ``w``, intercept
    first (notebook 07's notation). Compared with
    :func:`linreg_core.normal_equation` on two data sets (2 and 3 features).
    Recognises a missing column of ones, the intercept last, wrong transposes
    (a crash or a result of the wrong length), and notes the use of ``inv``.
    """
    cases = _normal_equation_cases()
    for X, y in cases:
        n, p = X.shape
        value, failure = _call(fn, X.copy(), y.copy())
        if failure:
            if "raised ValueError" in failure.message or "raised LinAlgError" in failure.message:
                # In this exercise numpy's ValueError / LinAlgError almost always means shapes.
                return Feedback(False, failure.message.rstrip(".") + ". " + _TRANSPOSE_HINT)
            return failure
        try:
            w = np.asarray(value, dtype=float).ravel()
        except (TypeError, ValueError):
            return Feedback(
                False,
                f"Return the weights as one array of numbers, intercept "
                f"first; your function returned {value!r}.",
            )
        if w.size == p:
            return Feedback(
                False,
                f"With {p} features there are {p + 1} weights, but you "
                f"returned {p}: the intercept is missing. Did you forget "
                f"the column of ones? X = np.column_stack([np.ones(len(features)), "
                f"features]).",
            )
        if w.size == n:
            return Feedback(
                False,
                f"You returned {n} numbers, one per data point, instead of "
                f"{p + 1} weights. " + _TRANSPOSE_HINT,
            )
        if w.size != p + 1:
            return Feedback(
                False,
                f"Expected {p + 1} weights (intercept first, then one per "
                f"feature) for X with {p} columns, but got {w.size}.",
            )
        if not np.all(np.isfinite(w)):
            return Feedback(False, f"Your weights contain NaN or infinity: {w.tolist()}.")
        expected = lf.normal_equation(X, y)
        if np.allclose(w, expected, rtol=1e-6, atol=1e-9):
            continue
        if np.allclose(w, np.r_[expected[1:], expected[0]], rtol=1e-6, atol=1e-9):
            return Feedback(
                False,
                "The numbers are right but the intercept is last: put the "
                "column of ones first, so w = (b, w_1, ..., w_p).",
            )
        no_ones = np.linalg.lstsq(X, y, rcond=None)[0]
        if np.allclose(w[1:], no_ones, rtol=1e-6, atol=1e-9) or np.allclose(
            w[:p], no_ones, rtol=1e-6, atol=1e-9
        ):
            return Feedback(
                False,
                "Your feature weights are the fit of a line forced through "
                "the origin: the column of ones is missing from the design "
                "matrix, so there is no intercept to fit. Prepend it: "
                "X = np.column_stack([np.ones(len(features)), features]).",
            )
        loss = float(np.mean((y - np.column_stack([np.ones(n), X]) @ w) ** 2))
        best = float(np.mean((y - np.column_stack([np.ones(n), X]) @ expected) ** 2))
        return Feedback(
            False,
            f"On a test set with {n} points and {p} features your weights "
            f"{np.round(w, 4).tolist()} give MSE {loss:.4g}, but the best "
            f"weights {np.round(expected, 4).tolist()} give {best:.4g}. Build "
            f"X with a column of ones first, then solve (X.T @ X) w = X.T @ y "
            f"with np.linalg.solve.",
        )
    message = f"Your weights match the least-squares solution on {_all(len(cases), 'test set')}."
    if _uses_inverse(fn):
        message += (
            " You used np.linalg.inv: that works here, but np.linalg.solve(X.T @ X, "
            "X.T @ y) does less work and loses fewer digits. Never invert a matrix "
            "just to multiply the inverse by one vector."
        )
    return Feedback(True, message)


# --------------------------------------------------------------------------
# Notebook 08 · Stochastic and mini-batch gradient descent: check_minibatch_epoch
# --------------------------------------------------------------------------


def _minibatch_cases():
    """(x, y, m, b, lr, batch_size, order) cases. n = 7 is not a multiple of
    the batch sizes, so the last batch is smaller, and the orders are shuffled."""
    x = np.array([0.0, 2, 3, 5, 6, 1, 4])
    y = np.array([2.0, 2, 4, 8, 5, 1, 3])
    return [
        (x, y, 0.5, -1.0, 0.02, 3, np.array([4, 0, 6, 2, 5, 1, 3])),
        (x, y, 1.5, 2.0, 0.01, 2, np.array([3, 6, 1, 0, 5, 2, 4])),
    ]


def _batches(order, batch_size):
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _minibatch_mistakes(x, y, m, b, lr, batch_size, order):
    """The (m, b) after one epoch for the right loop and for each typical mistake."""
    n = len(x)

    def run(batches, scale=lambda size: 1.0, sign=1.0):
        mm, bb = m, b
        for batch in batches:
            dm, db = lc.gradients(x[batch], y[batch], mm, bb)
            step = lr * scale(len(batch))
            mm, bb = mm - sign * step * dm, bb - sign * step * db
        return mm, bb

    batches = _batches(order, batch_size)
    stale = [lc.gradients(x[batch], y[batch], m, b) for batch in batches]
    return {
        "right": run(batches),
        "unchanged": (m, b),
        "ignored_order": run(_batches(np.arange(n), batch_size)),
        "full_data": run([np.arange(n)] * len(batches)),
        "one_batch": run(batches[:1]),
        "dropped_last": run(batches[:-1] if n % batch_size else batches),
        "divide_by_n": run(batches, scale=lambda size: size / n),
        "no_mean": run(batches, scale=lambda size: size),
        "uphill": run(batches, sign=-1.0),
        "stale": (m - lr * sum(g[0] for g in stale), b - lr * sum(g[1] for g in stale)),
    }


_MINIBATCH_HINTS = {
    "unchanged": "Your function returns m and b unchanged: loop over the batches and make one "
    "update per batch.",
    "ignored_order": "You took the points in their original order 0, 1, 2, …: visit them in the "
    "shuffled order given by `order`, e.g. batch = order[start:start + batch_size].",
    "full_data": "Every update used all the data: compute dm and db on the batch only, "
    "x[batch] and y[batch].",
    "one_batch": "You made only one update, for the first batch: loop over all the batches, "
    "for start in range(0, len(x), batch_size).",
    "dropped_last": "The last, smaller batch was skipped: when batch_size does not divide n, the "
    "leftover points form one more batch (range(0, len(x), batch_size) includes it).",
    "divide_by_n": "Your steps are too small: the gradient of a batch is a mean over that batch, so "
    "divide by the batch's size, len(batch), not by n.",
    "no_mean": "Your steps are too large: the gradient of a batch is a mean over that batch, so "
    "divide the sums by len(batch) (or use np.mean).",
    "uphill": "Your steps go uphill: subtract the gradient, m - lr * dm and b - lr * db.",
    "stale": "You computed every batch's gradient at the starting (m, b): update m and b after "
    "each batch, and compute the next batch's gradient at the new values.",
}


def check_minibatch_epoch(fn):
    """Check ``fn(x, y, m, b, lr, batch_size, order)``: one epoch of mini-batch descent.

    The function visits the points in ``order``, ``batch_size`` at a time
    (the last batch may be smaller), and after each batch updates ``(m, b)``
    with the gradient on that batch; it returns the final ``(m, b)``. The
    reference applies :func:`linreg_core.step` batch by batch. Recognises the
    typical mistakes (order ignored, all data used, last batch dropped,
    dividing by ``n``, a stale gradient, a single update, the wrong sign).
    """
    cases = _minibatch_cases()
    answers, failure = _answers(
        fn,
        [
            (x.copy(), y.copy(), m, b, lr, batch_size, order.copy())
            for x, y, m, b, lr, batch_size, order in cases
        ],
        lambda value, *arguments: (
            f"Return two numbers, (m, b) after the epoch; your function returned {value!r}."
        ),
    )
    if failure:
        return failure
    mistakes = [_minibatch_mistakes(*case) for case in cases]
    expected = [wrong["right"] for wrong in mistakes]
    i = _first_wrong(answers, expected)
    if i is None:
        return Feedback(
            True,
            f"Your epoch matches the reference on {_all(len(cases), 'test case')}, "
            f"including a last batch smaller than batch_size.",
        )
    hint = _matching_hint(answers, mistakes, _MINIBATCH_HINTS)
    if hint:
        return Feedback(False, hint)
    (x, y, m, b, lr, batch_size, order), a, e = cases[i], answers[i], expected[i]
    return Feedback(
        False,
        f"With x={x.tolist()}, y={y.tolist()}, m={m:g}, b={b:g}, "
        f"lr={lr:g}, batch_size={batch_size}, order={order.tolist()} "
        f"the epoch should end at m={e[0]:.6g}, b={e[1]:.6g}, but "
        f"yours ends at m={a[0]:.6g}, b={a[1]:.6g}. For each batch "
        f"of indices, compute dm and db on that batch with the "
        f"formulas of notebook 2, then update m and b.",
    )
