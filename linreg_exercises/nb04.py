"""Notebook 04 · Full training: check_memorise_prediction, check_test_scores, check_trained_model."""

import math
import re

import numpy as np

import linreg_core as lc
import linreg_validation as lv

from .engine import (
    TINY_X,
    TINY_Y,
    Feedback,
    NotStarted,
    Student,
    as_number,
    average,
    compare_prediction,
    exercise,
    plain_mse,
    read_number,
    read_word,
    show,
)

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


class _Fitted:
    """A run of ``lc.gradient_descent`` seen as a fitted model: lr, predict, history, m, b."""

    def __init__(self, result):
        self.lr, self.history, self.m, self.b = None, result, result.m, result.b

    def predict(self, x):
        return lc.predict(x, self.m, self.b)


def _fitted(lr, epochs, x=TINY_X, y=TINY_Y):
    return lc.LinearRegression(lr=lr, epochs=epochs).fit(x, y)


def _standardised(x):
    return (x - x.mean()) / x.std()


def _not_centred(x, centred):
    """What is wrong with ``x`` as a centred training set, or ''. ``centred`` is True, or the raw
    training values ``x`` should be centred from (then ``x`` must be exactly those, minus their mean)."""
    if centred is True:
        if abs(float(np.mean(x))) > 1e-9 * (1 + float(np.max(np.abs(x)))):
            return (
                f"Your x is not centred on the training set: its mean is {float(np.mean(x)):.4g}, not 0. "
                f"Subtract the TRAINING mean, the mean of the training values themselves (later the same "
                f"number from the test values too)."
            )
        return ""
    try:
        raw = lv.valid_vector(centred, "the training values")
    except (TypeError, ValueError) as error:
        return f"Pass the raw training values as centred=: {error}"
    expected = raw - np.mean(raw)
    if raw.shape != x.shape or not np.allclose(x, expected, rtol=0, atol=1e-9 * (1 + np.max(np.abs(raw)))):
        if raw.shape == x.shape and np.allclose(np.diff(x), np.diff(raw)):
            shift = float(np.mean(x - expected))
            return (
                f"Your x holds the right values, but they are not centred: their mean is {shift:.4g}, not "
                f"0. Subtract the TRAINING mean, the mean of these training values, not another mean."
            )
        return (
            "Your x is not these training values minus their mean: centre the values this exercise "
            "is about (the training part of them), with their own mean."
        )
    return ""


@exercise(
    "04",
    # Tiny data: the stable bound is 0.0645 and the valley floor's factor at lr = 0.03 is 0.982
    # per epoch, so 2000 epochs converge and 10 do not (see notebook 03's checkers).
    solutions=lambda: [
        (_fitted(0.03, 2000), TINY_X, TINY_Y),
        (_fitted(0.1, 500, _standardised(TINY_X)), _standardised(TINY_X), TINY_Y),
        (lc.gradient_descent(_standardised(TINY_X), TINY_Y, 0.1, 500), _standardised(TINY_X), TINY_Y),
    ],
    slips=lambda: [
        ((_fitted(0.03, 10), TINY_X, TINY_Y), "Training has not converged yet"),
        ((lc.LinearRegression(lr=0.03), TINY_X, TINY_Y), "The model is not trained yet"),
        ((lc.LinearRegression(lr=1.0), TINY_X, TINY_Y), "fit diverges"),
        ((_fitted(0.03, 2000), TINY_X + 1, TINY_Y), "The model was trained on other data"),
        ((3, TINY_X, TINY_Y), "Expected a LinearRegression"),
        ((lc.gradient_descent(TINY_X, TINY_Y, 0.03, 10), TINY_X, TINY_Y), "Training has not converged yet"),
        ((lc.gradient_descent(TINY_X, TINY_Y, 0.1, 50, warn=False), TINY_X, TINY_Y), "This run diverged"),
        (((0.8, 4.2), TINY_X - 1, TINY_Y, 1e-3, True), "Your x is not centred"),
    ],
)
def check_trained_model(model, x, y, tolerance=1e-3, centred=False):
    """Check a trained ``LinearRegression``, a run of ``lc.gradient_descent`` or the ``(m, b)``
    of your own ``train``, against the least-squares line.

    Pass the same ``x`` (raw or scaled) and ``y`` that ``model.fit`` (or the run) was given.
    The model passes when, at every data point, its prediction is within
    ``tolerance * std(y)`` of the prediction of the least-squares line
    (:func:`linreg_core.closed_form`). Otherwise the feedback says why: not
    fitted (and whether ``fit`` would diverge), trained on other data, or not
    converged (more epochs, or scale ``x``). A model object of another shape
    (no ``predict``, a ``history`` without losses, a ``predict`` that raises
    or hangs) gets feedback too. With ``centred=True`` (notebook 04), ``x`` must be centred with its
    own mean, the training mean: a mean of 0 (up to rounding); with ``centred=`` the raw training
    values, ``x`` must be exactly those minus their mean.
    """
    try:
        x, y = lv.valid_xy(x, y)
    except (TypeError, ValueError) as error:
        return Feedback(False, f"Pass the data arrays x and y you trained on: {error}")
    if centred is not False and centred is not None:
        problem = _not_centred(x, centred)
        if problem:
            return Feedback(False, problem)
    pair = type(model) in (tuple, list) and len(model) == 2
    # (m, b), what your train returns; nan or inf when it diverged
    if pair and all(as_number(value, finite=False) is not None for value in model):
        m, b = (float(value) for value in model)
        with np.errstate(all="ignore"):  # a run that blew up is said in words below
            loss = float(np.mean((y - (m * x + b)) ** 2))
        if not math.isfinite(loss) or loss > np.mean(y**2):  # worse than m = b = 0, where train starts
            said = "grew from" if math.isfinite(loss) else "is no number (nan or inf), up from"
            return Feedback(
                False,
                f"Your m and b are {m:.3g} and {b:.3g}: the MSE {said} the start, m = b = 0, so training "
                f"diverged. Your lr is above the largest safe one for this x, about "
                f"{lc.stable_learning_rate(x):.3g}: choose a smaller lr.",
            )
        model = lc.TrainingResult(m, b, np.array([m]), np.array([b]), np.array([loss]), False)
    if isinstance(model, lc.TrainingResult):  # what lc.gradient_descent returns
        if model.diverged:
            return Feedback(
                False,
                f"This run diverged (it stopped at epoch {len(model.losses) - 1}): choose an lr below the "
                f"bound {lc.stable_learning_rate(x):.3g} for this x, or centre x first.",
            )
        model = _Fitted(model)
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
                f"{bound:.4g}. Choose a smaller lr, or centre x.",
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
            f"centred one).",
        )
    m_ls, b_ls = lc.closed_form(x, y)
    gap = float(np.max(np.abs(np.asarray(y_pred, float) - lc.predict(x, m_ls, b_ls))))
    allowed = tolerance * float(np.std(y))
    best = lc.mse(y, lc.predict(x, m_ls, b_ls))
    found = (
        f"\n\nWhat the checker saw: m = {_number_text(parts['m'])}, b = {_number_text(parts['b'])} "
        f"(least squares: m = {m_ls:.6g}, b = {b_ls:.6g}); the largest gap between your predictions and "
        f"the least-squares line is {gap:.3g} (allowed: {allowed:.3g})."
    )
    mse_text = f"your model's MSE is {_readable(loss)}, the best line's {_readable(best)}"
    if gap <= allowed:
        return Feedback(True, f"Trained to the bottom: {mse_text}.{found}")
    advice = f"Training has not converged yet: {mse_text}. "
    if abs(x.mean()) > x.std():
        advice += (
            f"x is far from 0 (mean {x.mean():.4g}, std {x.std():.4g}), so b crawls: more epochs help "
            f"only slowly. Centre x first, x - np.mean(x) (with the training mean); then a few hundred "
            f"epochs at an lr just below the new bound are plenty."
        )
    elif (as_number(parts["m"]) or 0.0) * m_ls < 0:  # m on the far side of 0: it swings
        advice = (
            f"Your m swings past the best one (m = {_number_text(parts['m'])} against {m_ls:.3g}): "
            f"the lr is too large. Keep it below the largest safe one, {bound:.4g}."
        )
    else:
        advice += f"Train for more epochs, or use a larger lr (it must stay below the bound {bound:.4g})."
    return Feedback(False, advice + found)


def _readable(value):
    """A loss as a student reads it: 18,057,162 or 0.5833, never 1.80572e+07."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


# --------------------------------------------------------------------------
# Predict first: a lookup table that memorises, against the line, on the test penguins
# --------------------------------------------------------------------------

#: The split of notebook 04: lc.train_test_split with this seed (a quarter of the penguins to test).
SPLIT_SEED = 1

_MODEL_WORDS = {
    "the line": {"line", "theline", "aline", "straightline", "astraightline", "thestraightline", "linear"},
    "the lookup table": {"lookuptable", "thelookuptable", "table", "thetable", "lookup", "alookuptable"},
}


def penguin_split():
    """``(x_train, y_train, x_test, y_test)``: flipper length and body mass, split as in notebook 04.

    The same shuffle as ``lc.train_test_split(x, y, seed=1)``, written out here so the checker
    does not rest on the function it helps to teach.
    """
    x, y = lc.load_xy(lc.DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
    order = np.random.default_rng(SPLIT_SEED).permutation(len(x))
    n_test = round(0.25 * len(x))
    train, test = order[: len(x) - n_test], order[len(x) - n_test :]
    return x[train], y[train], x[test], y[test]


def _looked_up(x_train, y_train, value):
    """The lookup table's prediction at ``value``, by plain Python: the mean mass of the training
    penguins whose flipper length is closest to it."""
    nearest = min(abs(a - value) for a in x_train)
    masses = [b for a, b in zip(x_train, y_train) if abs(a - value) == nearest]
    return sum(masses) / len(masses)


def memorising_scores():
    """``{model: (training MSE, test MSE)}`` of the line (least squares on the training penguins,
    which 04's loop reaches) and of the lookup table, by plain sums on :func:`penguin_split`."""
    x_train, y_train, x_test, y_test = (v.tolist() for v in penguin_split())
    m, b = np.polyfit(x_train, y_train, 1)
    scores = {}
    for model, predict in (
        ("the line", lambda value: m * value + b),
        ("the lookup table", lambda value: _looked_up(x_train, y_train, value)),
    ):
        scores[model] = tuple(
            plain_mse(ys, [predict(value) for value in xs])
            for xs, ys in ((x_train, y_train), (x_test, y_test))
        )
    return scores


def _read_model(value):
    return read_word(value, _MODEL_WORDS, "write 'the line' or 'the lookup table'")


@exercise(
    "04",
    # On the notebook's split the lookup table wins on the training penguins (MSE 114,633 against
    # 153,028) and loses on the test penguins (169,957 against 160,547).
    solutions=lambda: [("the line",), ("line",), ("The Line",), ("a straight line",)],
    slips=lambda: [
        (("the lookup table",), "Your answer: 'the lookup table'; the right one: 'the line'"),
        (("table",), "Your answer: 'table' (read as 'the lookup table')"),
        ((None,), "Write your prediction first"),
        (("no idea",), "I did not understand 'no idea'"),
        ((1,), "as text, in quotes"),
    ],
    junk=("", "line?", "the  LINE"),
)
def check_memorise_prediction(prediction):
    """Notebook 04: which has the lower MSE on the test penguins, the line or a lookup table that
    memorised the training penguins?

    ``prediction`` is ``"the line"`` or ``"the lookup table"`` ("line", "table" and the like are
    understood). The truth comes from :func:`memorising_scores` (plain sums here, the line by
    ``np.polyfit``); the feedback quotes both models' MSE on both sets.
    """
    scores = memorising_scores()
    truth = {min(scores, key=lambda model: scores[model][1])}
    (line_train, line_test), (table_train, table_test) = scores["the line"], scores["the lookup table"]
    test = f"on the test penguins the line's MSE is {line_test:,.0f}, the lookup table's {table_test:,.0f}"
    details = (
        f"\n\nOn the training penguins the lookup table looked better: {table_train:,.0f} against the "
        f"line's {line_train:,.0f}. It repeats the masses it has seen, noise and all, so it fits them "
        "well; for a new penguin it can only copy its closest neighbours, noise included. The line's two "
        "numbers cannot memorise 256 penguins, so what it learnt is the trend, and the trend holds "
        "for new penguins (over 300 shuffles the line wins on the test penguins 250 times). That is "
        "why the test set stays hidden until the end."
    )

    def explain(answers, truth, ok):
        guess, said = answers["prediction"], show(prediction.strip(), 40)  # the student's own words
        if re.sub(r"[^a-z]", "", said.lower()) != re.sub(r"[^a-z]", "", guess):
            said += f" (read as '{guess}')"
        if ok:
            return (
                f"Your answer {said} is right: {test}. The lookup table memorised; the line learnt." + details
            )
        return (
            f"Your answer: {said}; the right one: 'the line'. {test[0].upper() + test[1:]}: the table "
            "wins only on the penguins it memorised." + details
        )

    return compare_prediction(
        {"prediction": prediction},
        truth,
        read=lambda name, value: _read_model(value),
        matches=lambda answers, truth: answers["prediction"] in truth,
        explain=explain,
        example="'the line' or 'the lookup table'",
    )


# --------------------------------------------------------------------------
# In class: the test MSE of the line and of the baseline, typed by the student
# --------------------------------------------------------------------------


def _plain_mae(y, y_pred):
    return average([abs(a - p) for a, p in zip(y, y_pred)])


def _notebook_line_slips(y_train, y_test, pred_test):
    """``(on training, uncentred)``: two slips' MSEs on notebook 04's penguins, else ``(None, None)``.

    The checker is not given x, so on the notebook's split it takes the flipper lengths from
    :func:`penguin_split` and reads the line off ``pred_test`` (a straight-line fit against the
    test flippers, which centring or standardising does not bend). *On training*: that line scored
    on the training rows. *Uncentred*: the centred line's m and b put on raw flipper lengths
    (m·x + b with x in mm, not mm from the mean), scored on the test rows.
    """
    x_train, y_train_0, x_test, y_test_0 = penguin_split()
    if not (np.array_equal(y_train, y_train_0) and np.array_equal(y_test, y_test_0)):
        return None, None
    slope, intercept = np.polyfit(x_test, pred_test, 1)
    if np.max(np.abs(slope * x_test + intercept - pred_test)) > 1e-6 * (1 + np.max(np.abs(pred_test))):
        return None, None  # pred_test is not a straight line in the flipper length
    b_centred = intercept + slope * average(x_train.tolist())  # the line's height at the mean
    return (
        plain_mse(y_train.tolist(), (slope * x_train + intercept).tolist()),
        plain_mse(y_test.tolist(), (slope * x_test + b_centred).tolist()),
    )


def _test_score_truth(y_train, y_test, pred_test):
    """The right test MSEs, and the wrong ones a typical slip gives: ``(right, {slip: hint})``."""
    on_training, uncentred = _notebook_line_slips(y_train, y_test, pred_test)
    y_train, y_test, pred_test = (list(map(float, v)) for v in (y_train, y_test, pred_test))
    train_mean, test_mean = average(y_train), average(y_test)
    line, base = plain_mse(y_test, pred_test), plain_mse(y_test, [train_mean] * len(y_test))
    n = len(y_test)
    spread = plain_mse(y_test, [test_mean] * n)  # the MSE of the test set's own mean
    line_slips = {
        "swapped": (base, "that is the baseline's MSE: the test MSE is the line's, with its predictions"),
        "on training": (
            on_training,
            "that is the MSE on the training penguins: use y_test and the line's test predictions, "
            "the penguins the line has not seen",
        ),
        "mae": (
            _plain_mae(y_test, pred_test),
            "that is the mean absolute error (MAE), the mean of |miss|: the MSE squares each miss, ** 2",
        ),
        "sum": (line * n, "a sum where the MSE takes a mean: use np.mean"),
        "no square": (
            average([a - p for a, p in zip(y_test, pred_test)]),
            "the residuals are not squared: ** 2 inside np.mean",
        ),
        "root": (math.sqrt(line), "that is √MSE, the typical miss: leave out the square root"),
        "mean squared": (
            average([a - p for a, p in zip(y_test, pred_test)]) ** 2,
            "that is the square of the mean miss: square each miss first, then take the mean",
        ),
        "r2": (1 - line / spread, "that is R², not the MSE: the mean of the squared test misses"),
        "test mean": (
            spread,
            "that is the MSE of predicting the test penguins' own mean mass: use the line's "
            "predictions, pred_test",
        ),
        "uncentred": (
            uncentred,
            "those predictions put the raw flipper lengths (about 200 mm) into the centred line: use "
            "pred_test, made from xc_test",
        ),
    }
    base_slips = {
        "swapped": (line, "that is the line's MSE: the baseline predicts np.mean(y_train) instead"),
        "mean alone": (
            train_mean,
            "that is the baseline's prediction, not its MSE: it predicts np.mean(y_train) for every test "
            "penguin; its MSE is the mean of the squared misses of that prediction on y_test",
        ),
        "test mean alone": (
            test_mean,
            "that is the mean mass of the test penguins, not an MSE: the baseline predicts np.mean(y_train) "
            "for every test penguin; its MSE is the mean of the squared misses of that prediction on y_test",
        ),
        "on training": (
            plain_mse(y_train, [train_mean] * len(y_train)),
            "that is measured on the training penguins: measure the misses on the test penguins, y_test",
        ),
        "mean squared": (
            average([a - train_mean for a in y_test]) ** 2,
            "that is the square of the mean miss: square each miss first, then take the mean",
        ),
        "test mean": (
            spread,
            "the baseline predicts the TRAINING mean, np.mean(y_train): the test set stays hidden",
        ),
        "sum": (base * n, "a sum where the MSE takes a mean: use np.mean"),
        "root": (math.sqrt(base), "that is √MSE, the typical miss: leave out the square root"),
        "no square": (average([a - train_mean for a in y_test]), "the misses are not squared"),
        "mae": (
            _plain_mae(y_test, [train_mean] * n),
            "that is the mean absolute error (MAE), the mean of |miss|: the MSE squares each miss, ** 2",
        ),
    }
    return (line, base), (line_slips, base_slips)


def _close(a, b):
    """``a`` equals ``b`` as a computed number does (to 1e-9): a number typed from a printed table,
    rounded, is not the student's computation and gets the "do not type a number" hint."""
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _how_far(number, right):
    """What is wrong with ``number``, and how far it is from ``right``, in words that do not give
    ``right`` away (a student could copy it and pass without writing the code)."""
    compare = "compare your line with notebook 1's formula, the mean of the squared misses"
    if number < 0:
        return f"it is below 0, but an MSE is a mean of squares, never negative: {compare}"
    if number == 0 or right == 0:
        return f"it is {'0, but not every prediction is exact' if number == 0 else 'above 0'}: {compare}"
    ratio = number / right
    way = "large" if ratio > 1 else "small"
    if ratio >= 1.5 or ratio <= 1 / 1.5:
        times = max(ratio, 1 / ratio)
        return (
            f"it is about {times:.2g} times too {way}: {compare}"
            if times < 10
            else (f"it is about {times:,.0f} times too {way}: {compare}")
        )
    if abs(ratio - 1) >= 0.01:
        return f"it is too {way} by about {abs(ratio - 1):.0%}: {compare}"
    if number == round(number) or abs(ratio - 1) < 1e-4:  # a whole number, or right to 4 digits: typed
        return (
            "a number typed or rounded: do not type a number; let np.mean of the squared misses "
            "give it, unrounded"
        )
    return f"it is a little too {way} (less than 1% off): check which arrays you compared"


@exercise(
    "04",
    # The same numbers from a small hand example: y_train mean 2, y_test [1, 5], predictions [2, 4]:
    # the line's test MSE (1 + 1)/2 = 1, the baseline's (1 + 9)/2 = 5.
    solutions=lambda: [([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.0, 5.0)],
    slips=lambda: [
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 2.0, 5.0), "a sum where the MSE takes a mean"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.0, 4.0), "predicts the TRAINING mean"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.0, math.sqrt(5.0)), "leave out the square root"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], None, 5.0), "Your test MSE is still None"),
        (
            ([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 7.0, 5.0),
            "Your test MSE = 7.00: it is about 7 times too large",
        ),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.0, 5.02), "it is a little too large"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.3, 5.0), "it is too large by about 30%"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], -1.0, 5.0), "never negative"),
        (([1.0, 3.0], [1.0, 8.0], [2.0, 4.0], 2.5, 18.5), "the mean absolute error (MAE)"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.0, 2.0), "not its MSE"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], 1.0, 1.0), "that is the line's MSE"),
        (([1.0, 3.0], [1.0, 5.0], [2.0, 4.0], [1.0, 1.0], 5.0), "one number per penguin"),
        (([1.0, 3.0], [1.0, 8.0], [2.0, 4.0], 2.25, 18.5), "the square of the mean miss"),
        (([1.0, 3.0], [1.0, 8.0], [2.0, 4.0], 8.5, 6.25), "the square of the mean miss"),
    ],
)
def check_test_scores(y_train, y_test, pred_test, test_mse, baseline_mse):
    """Notebook 04: the line's MSE on the test penguins, and the baseline's (the training mean).

    The truth comes from plain sums here. Each number is judged on its own; a wrong one is
    matched against the typical slips (a sum for a mean, residuals not squared, √MSE, R², the
    two swapped, the baseline built from the test mean, measured on the training set, or the
    training mean itself given as its MSE) and gets that slip's hint. A number typed from a
    table, rounded, is told to let the code compute it.
    """
    try:
        y_train = lv.valid_vector(y_train, "y_train")
        y_test, pred_test = lv.valid_xy(y_test, pred_test, ("y_test", "pred_test"))
    except (TypeError, ValueError) as error:
        if lv.has_nan_or_inf(pred_test):
            return Feedback(False, "The predictions hold nan: " + lv.DIVERGED)
        return Feedback(False, f"Pass y_train, y_test and pred_test as the notebook does: {error}")
    (line, base), (line_slips, base_slips) = _test_score_truth(y_train, y_test, pred_test)
    lines, right_ones = [], []
    for name, value, right, slips in (
        ("test MSE", test_mse, line, line_slips),
        ("baseline MSE", baseline_mse, base, base_slips),
    ):
        if isinstance(value, str):  # "160547": a number typed, and typed as text
            return Feedback(
                False,
                f"Your {name} is the text {show(value, 40)}: let your code compute it, with np.mean as in "
                f"notebook 1, rather than typing a number.",
            )
        if (value is None or value is ...) and right_ones + lines:  # the test MSE judged: say so
            lines.append(f"Your {name} is still None: write it next, then run this check again.")
            continue
        if value is None or value is ...:
            untouched = all(answer is None or answer is ... for answer in (test_mse, baseline_mse))
            return (NotStarted if untouched else Feedback)(
                False,
                f"Your {name} is still None: replace None by your code and run that cell. If the cell "
                "stopped with an error (such as 'operands could not be broadcast'), nothing was stored: "
                "fix the error first, then run this check again.",
            )
        number = as_number(value)
        if number is None and np.ndim(value) == 1 and np.size(value) == len(y_test):
            return Feedback(
                False,
                f"Your {name} holds one number per penguin ({len(y_test)} of them): average the squares "
                f"with np.mean, as in notebook 1.",
            )
        if number is None:
            _, problem = read_number(value, f"Your {name}")
            parts = value if type(value) is tuple else ()
            if len(parts) > 1 and all(type(part) is int for part in parts):  # 160,547 is a tuple in Python
                typed = ",".join(str(part) for part in parts)
                return Feedback(
                    False,
                    f"Your {name} is the pair {show(value, 40)}: Python reads a comma as a separator. Write "
                    f"numbers without commas ({typed.replace(',', '')}, not {typed}), or better, let your "
                    f"code compute it.",
                )
            if problem is not None:
                return Feedback(False, problem)
            return Feedback(False, f"Your {name} should be one number; got {show(value, 40)}.")
        if _close(number, right):
            right_ones.append(name)
            continue
        hint = next((text for wrong, text in slips.values() if _close(number, wrong)), None)
        if hint is None:  # a slip's number typed from a printed table, rounded (√MSE as 401)
            hint = next(
                (
                    f"{text} (and let your code compute it, do not type a number)"
                    for wrong, text in slips.values()
                    if wrong and number == round(number) and math.isclose(number, wrong, rel_tol=1e-3)
                ),
                None,
            )
        if hint is None:  # how far off, never the right value itself (it could be copied)
            hint = _how_far(number, right)
        lines.append(f"Your {name} = {number:,.2f}: {hint}.")
    if lines:
        return Feedback(False, " ".join(lines + [f"(Your {name} is right.)" for name in right_ones]))
    worse = (
        " But your line misses by more than the baseline, which ignores x: its training went wrong. "
        "Check your train with ex.check_training_loop(train), run the training cell again, then this."
        if line > base
        else ""
    )
    return Feedback(
        True,
        f"On the test set the line's MSE is {line:,.0f} and the baseline's {base:,.0f}; as a "
        f"typical miss (√MSE), about {math.sqrt(line):,.0f} against {math.sqrt(base):,.0f}.{worse}",
    )
