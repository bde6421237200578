"""Notebook 04 · Full training: check_intercept_prediction, check_trained_model."""

import math

import numpy as np

import linreg_core as lc
import linreg_validation as lv

from .engine import (
    TINY_X,
    TINY_Y,
    Feedback,
    Student,
    as_number,
    compare_prediction,
    exercise,
    minus,
    read_number,
    show,
)
from .nb03 import about, best_line, curvatures, data_and_rate, read_epochs, steps_to

_MISSING = object()


def _attribute(thing, name):
    """``thing.name``, or ``_MISSING`` if it is absent or reading it fails (a property that raises)."""
    try:
        return getattr(thing, name)
    except Exception:
        return _MISSING


def _number_text(value):
    number = as_number(value)
    return f"{number:.6g}" if number is not None else show(value, 30)


def _fitted(lr, epochs, x=TINY_X, y=TINY_Y):
    return lc.LinearRegression(lr=lr, epochs=epochs).fit(x, y)


def _standardised(x):
    return (x - x.mean()) / x.std()


@exercise(
    "04",
    # Tiny data: the stable bound is 0.0645 and the valley floor's factor at lr = 0.03 is 0.982
    # per epoch, so 2000 epochs converge and 10 do not (see notebook 03's checkers).
    solutions=lambda: [
        (_fitted(0.03, 2000), TINY_X, TINY_Y),
        (_fitted(0.1, 500, _standardised(TINY_X)), _standardised(TINY_X), TINY_Y),
    ],
    slips=lambda: [
        ((_fitted(0.03, 10), TINY_X, TINY_Y), "Training has not converged yet"),
        ((lc.LinearRegression(lr=0.03), TINY_X, TINY_Y), "The model is not trained yet"),
        ((lc.LinearRegression(lr=1.0), TINY_X, TINY_Y), "fit diverges"),
        ((_fitted(0.03, 2000), TINY_X + 1, TINY_Y), "The model was trained on other data"),
        ((3, TINY_X, TINY_Y), "Expected a LinearRegression"),
    ],
)
def check_trained_model(model, x, y, tolerance=1e-3):
    """Check a trained ``LinearRegression`` against the least-squares line.

    Pass the same ``x`` (raw or scaled) and ``y`` that ``model.fit`` was given.
    The model passes when, at every data point, its prediction is within
    ``tolerance * std(y)`` of the prediction of the least-squares line
    (:func:`linreg_core.closed_form`). Otherwise the feedback says why: not
    fitted (and whether ``fit`` would diverge), trained on other data, or not
    converged (more epochs, or scale ``x``). A model object of another shape
    (no ``predict``, a ``history`` without losses, a ``predict`` that raises
    or hangs) gets feedback too.
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y you trained on: {error}")
    parts = {name: _attribute(model, name) for name in ("lr", "predict", "history", "m", "b")}
    if any(parts[name] is _MISSING for name in ("lr", "predict", "history")) or not callable(
        parts["predict"]
    ):
        return Feedback(
            False,
            f"Expected a LinearRegression, e.g. model = lc.LinearRegression("
            f"lr=..., epochs=...).fit(x, y); got {type(model).__name__}.",
        )
    bound = lc.stable_learning_rate(x)
    history = parts["history"]
    if history is None:
        lr = as_number(parts["lr"])
        if lr is not None and lr >= bound:
            return Feedback(
                False,
                f"The model is not trained: with lr = {lr:.4g}, fit diverges "
                f"(DivergenceError) because the stable bound for this x is "
                f"{bound:.4g}. Choose a smaller lr, or standardise x.",
            )
        return Feedback(False, "The model is not trained yet: call model.fit(x, y) first.")
    losses = _attribute(history, "losses")
    try:
        trained_loss = as_number(losses[-1])
    except Exception:  # no losses, an empty history, something else
        trained_loss = None
    if trained_loss is None:
        return Feedback(
            False,
            f"model.history holds no training losses (it is {show(history, 40)}): train the model "
            f"with model.fit(x, y) of an lc.LinearRegression.",
        )
    student = Student()
    y_pred, failure = student.call(parts["predict"], (x.copy(),))
    if failure is not None:
        return Feedback(False, failure.message.replace("Your function", "model.predict(x)") + student.note())
    try:
        loss = lc.mse(y, y_pred)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"model.predict(x) did not give one number per point: {error}")
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
        f"m = {_number_text(parts['m'])}, b = {_number_text(parts['b'])}, MSE = {loss:.6g} (least squares: "
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


def _plain_descent(x, y, lr, epochs):
    """``(m, b)`` after ``epochs`` plain gradient-descent steps from (0, 0), or None if it blew up."""
    m = b = 0.0
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            r = y - (m * x + b)
            m, b = m + lr * 2 * float(np.mean(x * r)), b + lr * 2 * float(np.mean(r))
            if not (math.isfinite(m) and math.isfinite(b)):
                return None
    return m, b


def _classic():
    return lc.load_xy(lc.DATA_DIR / "classic.csv")


@exercise(
    "04",
    # The notebook's numbers: on classic.csv, b is 0.08 after 300 epochs at 1e-4 from (0, 0),
    # the best intercept is 4.85, so a prediction counts within ±0.49.
    solutions=lambda: [(*_classic(), 0.08), (*_classic(), 0.3), (*_classic(), 0.08, 1e-4, 300.0)],
    slips=lambda: [
        ((*_classic(), 4.85), "4.85 is where b ends up eventually, not after 300 epochs"),
        ((*_classic(), -1.0), "so here it stays above 0"),
        ((*_classic(), 3.0), "b moves much less than you expected"),
        ((*_classic(), 0.08, 1.0), "gradient descent diverges on this data"),
        ((*_classic(), 0.08, 1e-4, 2.5), "epochs must be a whole number"),
        ((*_classic(), "?"), "Write your prediction first"),
    ],
)
def check_intercept_prediction(x, y, prediction, lr=1e-4, epochs=300):
    """Notebook 04: predict b after ``epochs`` epochs of gradient descent from (0, 0) at ``lr``.

    The truth comes from a plain loop here (on classic.csv, b ≈ 0.08 after 300
    epochs at 1e-4, although the best intercept is 4.85). A prediction counts
    as right within a tenth of the way from the start to the best intercept,
    ``±0.1·|b_best|`` (±0.49 on classic.csv; at least ``0.001·std(y)``). The
    feedback explains the crawl: along the valley floor the curvature is tiny,
    so each epoch removes only a tiny fraction of the remaining distance; it
    gives that per-epoch factor and how many epochs reach 1 % of the best b.
    ``epochs`` is a whole number from 1 to 100 000.
    """
    x, y, rate, problem = data_and_rate(x, y, lr)
    if problem is not None:
        return Feedback(False, problem)
    count = read_epochs(epochs, None)
    if count is None:
        return Feedback(False, f"epochs must be a whole number from 1 to 100 000; got {show(epochs)}.")
    bound = lc.stable_learning_rate(x)
    run = _plain_descent(x, y, rate, count) if rate < bound else None
    if run is None:
        return Feedback(
            False,
            f"At lr = {rate:.4g} gradient descent diverges on this data (the stable bound is {bound:.4g}), "
            f"so b never settles: use an lr below the bound.",
        )
    b_after = run[1]
    _, b_best = best_line(x, y)
    tolerance = 0.1 * max(abs(b_best), 0.01 * float(np.std(y)))
    c, c_floor = curvatures(x)
    removed = rate * c_floor
    factor = 1 - removed
    share = b_after / b_best if b_best else 1.0
    crawl = (
        f"Along the floor of the valley the loss is almost flat: its curvature there is only "
        f"{c_floor:.3g}, against {c:.4g} across the valley. So each epoch removes only "
        f"lr·{c_floor:.3g} = {100 * removed:.2g} % of the remaining distance to the best b (a factor "
        f"{factor:.{max(4, 2 - math.floor(math.log10(removed)))}f} per epoch), and getting within 1 % "
        f"of the best b = {b_best:.3g} takes about {about(steps_to(0.01, factor))} epochs. The loss "
        f"looks low long before that: the steep direction settled in the first few epochs."
    )
    if abs(factor) ** count < 0.01:
        crawl = (
            f"Here the valley floor has curvature {c_floor:.3g}, so each epoch multiplies the distance "
            f"to the best b by {minus(f'{factor:.4g}')}, and {count} epochs are enough to get there."
        )
    result = (
        f"after {count} epochs at lr = {rate:.4g}, b is {b_after:.4g}, {100 * share:.3g} % of the way "
        f"from 0 to the best b = {b_best:.3g}"
    )
    rule = f"(a prediction counts as right within ±{tolerance:.2g}, a tenth of the way)"

    def explain(answers, truth, ok):
        guess = answers["prediction"]
        if ok:
            return f"Your prediction {guess:.4g} is right: {result} {rule}. {crawl}"
        if abs(guess - b_best) <= tolerance and abs(b_after - b_best) > tolerance:
            specific = f"{b_best:.3g} is where b ends up eventually, not after {count} epochs. "
        elif guess * b_best < 0 < b_after * b_best:
            side = "above" if b_best > 0 else "below"
            specific = (
                f"b starts at 0 and heads towards the best b = {b_best:.3g}, so here it stays {side} 0. "
            )
        elif abs(guess) > abs(b_after):
            specific = "b moves much less than you expected. "
        else:
            specific = ""
        return f"You predicted {guess:.4g}, but {result} {rule}. {specific}{crawl}"

    return compare_prediction(
        {"prediction": prediction},
        b_after,
        read=lambda name, value: read_number(value, "Your prediction"),
        matches=lambda answers, truth: abs(answers["prediction"] - truth) <= tolerance,
        explain=explain,
        example="a number, e.g. 2.0",
    )
