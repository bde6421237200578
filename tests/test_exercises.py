"""The exercise checkers: a right answer passes, typical wrong answers get the right hint."""

import itertools

import numpy as np
import pytest

import linreg_core as lc
import linreg_exercises as ex

# --------------------------------------------------------------------------
# Notebook 03 · The update rule: check_step, check_learning_rate
# --------------------------------------------------------------------------


def _grad(x, y, m, b):
    """The MSE gradient in plain numpy, written here independently of the core."""
    r = np.asarray(y, float) - (m * np.asarray(x, float) + b)
    return -2 * np.mean(x * r), -2 * np.mean(r)


def step_right(x, y, m, b, lr):
    dm, db = _grad(x, y, m, b)
    return m - lr * dm, b - lr * db


def step_uphill(x, y, m, b, lr):
    dm, db = _grad(x, y, m, b)
    return m + lr * dm, b + lr * db


def step_no_lr(x, y, m, b, lr):
    dm, db = _grad(x, y, m, b)
    return m - dm, b - db


def step_half(x, y, m, b, lr):  # gradient without its factor 2
    dm, db = _grad(x, y, m, b)
    return m - lr * dm / 2, b - lr * db / 2


def step_sum(x, y, m, b, lr):  # sum instead of mean
    dm, db = _grad(x, y, m, b)
    return m - lr * len(x) * dm, b - lr * len(x) * db


def step_only_m(x, y, m, b, lr):
    dm, _ = _grad(x, y, m, b)
    return m - lr * dm, b


def step_swapped(x, y, m, b, lr):
    new_m, new_b = step_right(x, y, m, b, lr)
    return new_b, new_m


def step_dm_for_b(x, y, m, b, lr):
    dm, _ = _grad(x, y, m, b)
    return m - lr * dm, b - lr * dm


def step_starter(x, y, m, b, lr):  # as shipped in notebook 03
    return m, b


@pytest.mark.parametrize(
    "fn, hint",
    [
        (step_starter, "unchanged"),
        (step_uphill, "uphill"),
        (step_no_lr, "multiply it by the learning rate"),
        (step_half, "factor 2"),
        (step_sum, "divides by n"),
        (step_only_m, "b is unchanged"),
        (step_swapped, "swapped"),
        (step_dm_for_b, "db = -(2/n)"),
    ],
)
def test_check_step_recognises_typical_mistakes(fn, hint):
    feedback = ex.check_step(fn)
    assert not feedback.ok
    assert hint in feedback.message


def test_check_step_accepts_the_update_rule():
    feedback = ex.check_step(step_right)
    assert feedback.ok, feedback.message
    assert repr(feedback).startswith("✅")


def test_check_step_accepts_numpy_pairs_and_lists():
    assert ex.check_step(lambda *args: np.array(step_right(*args))).ok
    assert ex.check_step(lambda *args: list(step_right(*args))).ok


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda x, y, m, b, lr: 1 / 0, "ZeroDivisionError"),
        (lambda x, y, m, b, lr: None, "Return two numbers"),
        (lambda x, y, m, b, lr: (m, b, 0), "Return two numbers"),
        (lambda x, y, m, b, lr: ("a", b), "Return two numbers"),
        (lambda x, y, m, b, lr: (m + 1, b), "should be m=0.344, b=0.084"),
    ],
)
def test_check_step_never_raises(fn, hint):
    feedback = ex.check_step(fn)
    assert not feedback.ok
    assert hint in feedback.message


@pytest.fixture(scope="module")
def classic():
    return lc.load_xy(lc.DATA_DIR / "classic.csv")


def _curvatures(x):
    """The two curvatures of the loss, largest first, from numpy's eigenvalues of the
    second-derivative matrix written out here (not the core's formula)."""
    x = np.asarray(x, float)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    low, high = np.linalg.eigvalsh(hessian)
    return high, low


def _steps_to_shrink(factor, fraction):
    """Plain count: steps until |factor|**k <= fraction."""
    k, size = 0, 1.0
    while size > fraction:
        size *= abs(factor)
        k += 1
    return k


def _minus(text):
    return text.replace("-", "−")


@pytest.mark.parametrize("share", [0.26, 0.4, 0.5, 0.6, 0.74])
def test_check_learning_rate_accepts_rates_that_at_least_halve_the_steep_distance(classic, share):
    c, _ = _curvatures(classic[0])
    lr = share * 2 / c
    feedback = ex.check_learning_rate(*classic, lr)
    assert feedback.ok, feedback.message
    assert _minus(f"{1 - lr * c:.3f}") in feedback.message
    assert f"1000-fold in {_steps_to_shrink(1 - lr * c, 1e-3)} steps" in feedback.message


@pytest.mark.parametrize("lr", [1e-4, 2e-4, np.float32(1e-4), np.float64(2e-4)])
def test_check_learning_rate_accepts_the_usual_rates_and_numpy_numbers(classic, lr):
    assert ex.check_learning_rate(*classic, lr).ok


def test_check_learning_rate_says_honestly_that_the_floor_barely_moves_even_when_right(classic):
    _, c_floor = _curvatures(classic[0])
    feedback = ex.check_learning_rate(*classic, 1e-4)
    assert feedback.ok
    assert "floor of the valley" in feedback.message and "A low loss does not mean" in feedback.message
    assert f"{1 - 1e-4 * c_floor:.7f}" in feedback.message  # 0.9999537
    moved = 100 * (1 - (1 - 1e-4 * c_floor) ** 50)
    assert f"moves only {moved:.2g} % of the way" in feedback.message  # in 50 epochs


@pytest.mark.parametrize(
    "lr, hint",
    [
        (1e-6, "too small"),  # starter value of the exercise
        (2e-5, "too small"),
        (7.0e-5, "too small"),  # just below a quarter of the bound, 7.44e-5
        (2.3e-4, "so close to the bound"),  # just above three quarters, 2.23e-4
        (2.9e-4, "zigzags die out slowly"),
        (3.0e-4, "this diverges"),  # just above the bound 2.975e-4
        (1e-2, "this diverges"),
        (1, "this diverges"),  # an int is a number too
    ],
)
def test_check_learning_rate_explains_failures(classic, lr, hint):
    feedback = ex.check_learning_rate(*classic, lr)
    assert not feedback.ok
    assert hint in feedback.message, feedback.message


def test_check_learning_rate_too_small_says_how_many_steps_the_fast_direction_needs(classic):
    c, _ = _curvatures(classic[0])
    feedback = ex.check_learning_rate(*classic, 1e-6)
    assert f"1000-fold takes {_steps_to_shrink(1 - 1e-6 * c, 1e-3)} steps" in feedback.message  # 1025


@pytest.mark.parametrize(
    "lr, hint",
    [
        ("0.0001", "without quotes"),
        ("fast", "the text 'fast'"),
        (True, "yes/no"),
        (np.True_, "yes/no"),
        (None, "None"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (0, "must be positive"),
        (-1e-4, "must be positive"),
        ([1e-4], "one number"),
        (10**400, "too large for a float"),
        (1e-4 + 0j, "one number"),
    ],
)
def test_check_learning_rate_refuses_what_is_not_one_positive_number(classic, lr, hint):
    feedback = ex.check_learning_rate(*classic, lr)
    assert not feedback.ok
    assert hint in feedback.message, feedback.message


@pytest.mark.parametrize(
    "extra", [{"epochs": 50.0}, {"epochs": "fifty"}, {"epochs": None}, {"epochs": 10**400}, {"target": 60}]
)
def test_check_learning_rate_tolerates_leftover_keywords(classic, extra):
    feedback = ex.check_learning_rate(*classic, 1e-4, **extra)
    assert feedback.ok, feedback.message


# --------------------------------------------------------------------------
# Notebook 04 · Full training: check_trained_model
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bill():
    return lc.load_xy(lc.DATA_DIR / "penguins.csv", x="bill_length_mm", y="body_mass_g")


def test_check_trained_model_accepts_a_converged_model_on_standardised_x(bill):
    x, y = bill
    x_s = (x - x.mean()) / x.std()
    model = lc.LinearRegression(lr=0.1, epochs=300).fit(x_s, y)
    feedback = ex.check_trained_model(model, x_s, y)
    assert feedback.ok, feedback.message
    # the least-squares line from np.polyfit, independently of the core
    slope, intercept = np.polyfit(x_s, y, 1)
    assert model.m == pytest.approx(slope) and model.b == pytest.approx(intercept)


def test_check_trained_model_accepts_raw_x_when_converged():
    x, y = np.array([0.0, 1, 2, 3]), np.array([1.0, 3, 4, 7])
    model = lc.LinearRegression(lr=0.1, epochs=2000).fit(x, y)
    assert ex.check_trained_model(model, x, y).ok


def test_check_trained_model_starter_is_not_converged_and_suggests_scaling(bill):
    x, y = bill
    model = lc.LinearRegression(lr=1e-5, epochs=100).fit(x, y)  # the exercise's starter
    feedback = ex.check_trained_model(model, x, y)
    assert not feedback.ok
    assert "not converged" in feedback.message and "Standardise x" in feedback.message


def test_check_trained_model_on_centred_x_suggests_more_epochs(bill):
    x, y = bill
    x_s = (x - x.mean()) / x.std()
    model = lc.LinearRegression(lr=0.01, epochs=100).fit(x_s, y)
    feedback = ex.check_trained_model(model, x_s, y)
    assert not feedback.ok
    assert "more epochs" in feedback.message and "Standardise" not in feedback.message


def test_check_trained_model_unfitted(bill):
    x, y = bill
    feedback = ex.check_trained_model(lc.LinearRegression(lr=1e-5), x, y)
    assert not feedback.ok and "call model.fit(x, y)" in feedback.message
    feedback = ex.check_trained_model(lc.LinearRegression(lr=1e-2), x, y)
    bound = 2 / (np.mean(x * x) + 1 + np.hypot(np.mean(x * x) - 1, 2 * np.mean(x)))  # 2/λmax, by hand
    assert not feedback.ok and "fit diverges" in feedback.message and f"{bound:.4g}" in feedback.message


def test_check_trained_model_other_data(bill):
    x, y = bill
    x_s = (x - x.mean()) / x.std()
    model = lc.LinearRegression(lr=0.1, epochs=300).fit(x_s, y)
    feedback = ex.check_trained_model(model, x, y)  # raw x, but trained on x_s
    assert not feedback.ok and "trained on other data" in feedback.message


class _History:
    losses = np.array([10.0, 5.0])


class _Broken:
    lr, history, m, b = 0.1, _History(), 1.0, 0.0

    def predict(self, x):
        raise RuntimeError("no prediction today")


class _NoLosses(_Broken):
    history = object()


class _Hangs(_Broken):
    def predict(self, x):
        while True:
            pass


class _WrongLength(_Broken):
    def predict(self, x):
        return np.zeros(3)


class _Explodes:
    """Every attribute read raises something other than AttributeError."""

    def __getattr__(self, name):
        if name.startswith("__"):  # pytest and copy look for these
            raise AttributeError(name)
        raise RuntimeError(f"no {name} here")


class _TextSlope:
    """A model whose m and b are text, but whose predictions are the least-squares line."""

    lr, m, b = 0.1, "about 40", "?"

    def __init__(self, x, y):
        self.history = type("H", (), {"losses": [lc.mse(y, lc.predict(x, *lc.closed_form(x, y)))]})()
        self._line = lc.closed_form(x, y)

    def predict(self, x):
        return lc.predict(x, *self._line)


@pytest.mark.parametrize(
    "model, hint",
    [
        (None, "Expected a LinearRegression"),
        ("model", "Expected a LinearRegression"),
        (_Broken(), "model.predict(x) raised RuntimeError: no prediction today"),
        (_NoLosses(), "holds no training losses"),
        (_WrongLength(), "did not give one number per point"),
        (_Explodes(), "Expected a LinearRegression"),
        (object(), "Expected a LinearRegression"),
    ],
)
def test_check_trained_model_never_raises(bill, model, hint):
    feedback = ex.check_trained_model(model, *bill)
    assert not feedback.ok
    assert hint in feedback.message


def test_check_trained_model_stops_a_predict_that_hangs(bill, monkeypatch):
    monkeypatch.setattr(ex, "TIME_LIMIT", 0.2)
    feedback = ex.check_trained_model(_Hangs(), *bill)
    assert not feedback.ok and "did not finish within 0.2 s" in feedback.message


def test_check_trained_model_shows_a_model_with_text_parameters(bill):
    x, y = bill
    feedback = ex.check_trained_model(_TextSlope(x, y), x, y)
    assert feedback.ok and "m = 'about 40'" in feedback.message, feedback.message


# --------------------------------------------------------------------------
# Notebooks 01_loss_function and 02_derivatives: check_mse, check_low_loss,
# check_gradients
# --------------------------------------------------------------------------


def _mse_right(y, y_pred):
    return np.mean((y - y_pred) ** 2)


def _mse_loop(y, y_pred):
    total = 0.0
    for yi, pi in zip(y, y_pred):
        total += (pi - yi) ** 2  # the order inside the square does not matter
    return total / len(y)


@pytest.mark.parametrize("function", [_mse_right, _mse_loop, lc.mse])
def test_check_mse_accepts_right_answers(function):
    feedback = ex.check_mse(function)
    assert feedback.ok, feedback.message
    assert "gives 2.0 on the tiny data" in feedback.message
    assert repr(feedback).startswith("✅")


@pytest.mark.parametrize(
    "function, hint",
    [
        (lambda y, p: np.mean(y - p), "mean residual"),
        (lambda y, p: np.mean(p - y), "mean residual"),
        (lambda y, p: np.sum(y - p), "sum of the residuals"),
        (lambda y, p: np.sum((y - p) ** 2), "n times too large"),
        (lambda y, p: np.sum((y - p) ** 2) / (len(y) - 1), "n − 1"),
        (lambda y, p: np.mean(np.abs(y - p)), "MAE"),
        (lambda y, p: np.sqrt(np.mean((y - p) ** 2)), "you took the square root"),
        (lambda y, p: np.mean(y - p) ** 2, "squared the mean residual"),
        (lambda y, p: np.mean((y - p) ** 2) / 2, "half the MSE"),
        (lambda y, p: 0.0, "placeholder"),  # the starter code as shipped
        (lambda y, p: (y - p) ** 2, "one per point"),
        (lambda y, p: None, "`return`"),
        (lambda y, p: "2.0 or so", "one number"),
        (lambda y, p: np.mean((y - p) ** 2) + 1, "On the tiny data with the line y = x + 1 the MSE is 2,"),
    ],
)
def test_check_mse_hints_for_typical_mistakes(function, hint):
    feedback = ex.check_mse(function)
    assert not feedback.ok
    assert hint in feedback.message
    assert repr(feedback).startswith("❌ Not yet.")


def test_check_mse_crashing_function_gets_feedback():
    def broken(y, y_pred):
        return undefined_name  # noqa: F821

    feedback = ex.check_mse(broken)
    assert not feedback.ok
    assert "NameError" in feedback.message


def test_check_mse_does_not_let_the_student_modify_its_data():
    def in_place(y, y_pred):
        y -= y_pred
        y **= 2
        return y.mean()

    assert ex.check_mse(in_place).ok
    assert ex.check_mse(_mse_right).ok


@pytest.fixture(scope="module")
def classic_for_low_loss():
    return lc.load_xy(lc.DATA_DIR / "classic.csv")


def test_check_low_loss_accepts_a_good_line(classic_for_low_loss):
    x, y = classic_for_low_loss
    m_hat, b_hat = lc.closed_form(x, y)
    feedback = ex.check_low_loss(x, y, round(m_hat, 2), round(b_hat, 1), 60)
    assert feedback.ok, feedback.message
    assert "below the target 60" in feedback.message


@pytest.mark.parametrize(
    "m, b, hint",
    [
        (0.0, 0.0, "increase m"),  # the starter values: far too flat
        (1.5, 4.85, "decrease m"),
        (0.989, 40.0, "decrease b"),
        (0.989, -30.0, "increase b"),
    ],
)
def test_check_low_loss_names_the_slider_to_move(classic_for_low_loss, m, b, hint):
    feedback = ex.check_low_loss(*classic_for_low_loss, m, b, 60)
    assert not feedback.ok
    assert hint in feedback.message
    assert "above the target 60" in feedback.message


@pytest.mark.parametrize("m, b", [("about 1", 5.0), (None, 5.0), (1.0, float("nan")), (True, 5.0)])
def test_check_low_loss_rejects_non_numbers(classic_for_low_loss, m, b):
    feedback = ex.check_low_loss(*classic_for_low_loss, m, b, 60)
    assert not feedback.ok
    assert "must be numbers" in feedback.message


def test_check_low_loss_flags_an_impossible_target(classic_for_low_loss):
    feedback = ex.check_low_loss(*classic_for_low_loss, 1.0, 5.0, 10)
    assert not feedback.ok
    x, y = classic_for_low_loss
    slope, intercept = np.polyfit(x, y, 1)
    assert f"lowest possible is {np.mean((y - slope * x - intercept) ** 2):.2f}" in feedback.message  # 51.66


def _gradients_right(x, y, m, b):
    residuals = y - (m * x + b)
    return -2 * np.mean(x * residuals), -2 * np.mean(residuals)


def _gradients_loop(x, y, m, b):
    n, dm, db = len(x), 0.0, 0.0
    for xi, yi in zip(x, y):
        dm += -2 / n * xi * (yi - (m * xi + b))
        db += -2 / n * (yi - (m * xi + b))
    return [dm, db]  # a list is fine too


@pytest.mark.parametrize(
    "function",
    [_gradients_right, _gradients_loop, lc.gradients, lambda x, y, m, b: np.array(lc.gradients(x, y, m, b))],
)
def test_check_gradients_accepts_right_answers(function):
    feedback = ex.check_gradients(function)
    assert feedback.ok, feedback.message
    assert "∂L/∂m = 1.6 and ∂L/∂b = 0." in feedback.message  # no "-0"


def _gradient_rule(dm_rule, db_rule):
    """A student-style gradient function built from rules in x and the residuals r."""

    def function(x, y, m, b):
        r = y - (m * x + b)
        return dm_rule(x, r), db_rule(x, r)

    return function


def _dm_right(x, r):
    return -2 * np.mean(x * r)


def _db_right(x, r):
    return -2 * np.mean(r)


@pytest.mark.parametrize(
    "function, hints",
    [
        # the factor-2 slip in db: -1/n instead of -2/n
        (
            _gradient_rule(_dm_right, lambda x, r: -np.mean(r)),
            ["∂L/∂m is right", "∂L/∂b is half the expected value", "factor 2"],
        ),
        (
            _gradient_rule(lambda x, r: -np.mean(x * r), lambda x, r: -np.mean(r)),
            ["Both ∂L/∂m and ∂L/∂b are half the expected value"],
        ),
        (
            _gradient_rule(lambda x, r: -_dm_right(x, r), lambda x, r: -_db_right(x, r)),
            ["Both ∂L/∂m and ∂L/∂b have the wrong sign"],
        ),
        (
            _gradient_rule(_dm_right, lambda x, r: -_db_right(x, r)),
            ["∂L/∂m is right", "∂L/∂b has the wrong sign"],
        ),
        (
            _gradient_rule(_db_right, _db_right),
            ["∂L/∂b is right", "∂L/∂m equals ∂L/∂b", "forgot the factor x_i"],
        ),
        (_gradient_rule(_dm_right, _dm_right), ["∂L/∂m is right", "∂L/∂b equals ∂L/∂m", "no x_i"]),
        (
            _gradient_rule(lambda x, r: -2 * np.sum(x * r), lambda x, r: -2 * np.sum(r)),
            ["Both ∂L/∂m and ∂L/∂b are n times too large", "divide by n"],
        ),
        (
            _gradient_rule(_dm_right, lambda x, r: -2 * np.sum(r)),
            ["∂L/∂m is right", "∂L/∂b is n times too large"],
        ),
        (
            _gradient_rule(lambda x, r: -np.sum(x * r), lambda x, r: -np.sum(r)),
            ["n/2 times too large", "−2/n"],
        ),
        (_gradient_rule(_db_right, _dm_right), ["swapped"]),
        (_gradient_rule(_dm_right, lambda x, r: 0.0), ["∂L/∂b is always 0"]),
        (
            _gradient_rule(lambda x, r: _dm_right(x, r) + 1, _db_right),
            ["∂L/∂b is right", "at m = 1, b = 1 your ∂L/∂m is 2.6, but it should be 1.6"],
        ),
        (lambda x, y, m, b: (0.0, 0.0), ["placeholder"]),  # the starter code as shipped
        (lambda x, y, m, b: None, ["returned None"]),
        (lambda x, y, m, b: 1.6, ["two numbers"]),
        (lambda x, y, m, b: (1.0, 2.0, 3.0), ["two numbers"]),
        (lambda x, y, m, b: "dm, db", ["two numbers"]),
    ],
)
def test_check_gradients_hints_for_typical_mistakes(function, hints):
    feedback = ex.check_gradients(function)
    assert not feedback.ok
    for hint in hints:
        assert hint in feedback.message
    assert repr(feedback).startswith("❌ Not yet.")


def test_check_gradients_crashing_function_gets_feedback():
    def broken(x, y, m, b):
        return 1 / 0

    feedback = ex.check_gradients(broken)
    assert not feedback.ok
    assert "ZeroDivisionError" in feedback.message


def test_check_gradients_test_points_separate_the_mistakes():
    """dm and db differ in size at every test point, and only one db is 0,
    so the factor, swap and missing-x checks cannot be confused."""
    grads = [_gradients_right(*case) for case in ex._gradient_cases()]
    assert sum(abs(db) < 1e-12 for _, db in grads) == 1
    for dm, db in grads:
        assert abs(abs(dm) - abs(db)) > 0.1


BUG_KEY = {"S1": "c", "S2": "b", "S3": "e", "S4": "d", "S5": "a"}  # from the notebook's table


def test_check_bug_match_accepts_the_right_answers():
    assert ex.check_bug_match(dict(BUG_KEY)).ok
    loose = {" s1": "C ", "S2": "b", "S3": "E", "s4": "d", "S5": " a"}  # case and spaces
    assert ex.check_bug_match(loose).ok


def test_check_bug_match_starter_gets_a_not_yet():
    feedback = ex.check_bug_match({key: "?" for key in BUG_KEY})  # as shipped
    assert not feedback.ok and "still open: S1, S2, S3, S4, S5" in feedback.message
    feedback = ex.check_bug_match({"S1": "c"})  # missing keys count as open
    assert not feedback.ok and "still open: S2, S3, S4, S5" in feedback.message


@pytest.mark.parametrize(
    "symptom, wrong, hint",
    [
        ("S1", "a", "writes the intercept update to a different attribute"),
        ("S2", "d", "drops x from the prediction"),
        ("S3", "c", "missing import"),
        ("S4", "b", "factor of exactly 2"),
        ("S5", "e", "forgets to store something in the constructor"),
    ],
)
def test_check_bug_match_gives_the_hint_of_each_wrong_symptom(symptom, wrong, hint):
    answers = dict(BUG_KEY, **{symptom: wrong})
    feedback = ex.check_bug_match(answers)
    assert not feedback.ok
    assert "4 of 5 right" in feedback.message and hint in feedback.message
    assert all(f"{key}:" not in feedback.message for key in BUG_KEY if key != symptom)


def test_check_bug_match_gives_every_hint_when_all_are_wrong():
    shifted = {"S1": "a", "S2": "c", "S3": "d", "S4": "e", "S5": "b"}
    feedback = ex.check_bug_match(shifted)
    assert not feedback.ok and "0 of 5 right" in feedback.message
    assert all(f"{key}:" in feedback.message for key in BUG_KEY)


@pytest.mark.parametrize(
    "answers, text",
    [
        (["c", "b", "e", "d", "a"], "Give a dict"),
        ("cbeda", "Give a dict"),
        (dict(BUG_KEY, S2="f"), "S2 = 'f'"),
        (dict(BUG_KEY, S3="e or c"), "one letter from a to e"),
    ],
)
def test_check_bug_match_rejects_malformed_answers(answers, text):
    feedback = ex.check_bug_match(answers)
    assert not feedback.ok and text in feedback.message


def _nb05_grads(x, y, m, b, y_pred=None, factor_m=2.0, factor_b=2.0):
    """Gradient from the raw sums of this file (not the core): Σ x r and Σ r over n."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    r = y - (m * x + b if y_pred is None else y_pred)
    return -factor_m * float(x @ r) / len(x), -factor_b * float(r.sum()) / len(x)


def _nb05_starter(x, y, m, b):  # bug (b) of notebook 05: the prediction lost its x
    n = len(x)
    y_pred = m * +b
    dm = -2 / n * np.sum(x * (y - y_pred))
    db = -2 / n * np.sum(y - y_pred)
    return dm, db


def _nb05_loop(x, y, m, b):  # right, written as a plain loop
    dm = db = 0.0
    for xi, yi in zip(x, y):
        dm += -2 * xi * (yi - (m * xi + b)) / len(x)
        db += -2 * (yi - (m * xi + b)) / len(x)
    return dm, db


@pytest.mark.parametrize("function", [_nb05_grads, _nb05_loop, lc.gradients, lc.numerical_gradients])
def test_check_gradients_nb05_accepts_right_answers(function):
    feedback = ex.check_gradients(function)
    assert feedback.ok, feedback.message
    assert "matches lc.gradients at all 5 test points" in feedback.message


@pytest.mark.parametrize(
    "function, hint",
    [
        (_nb05_starter, "m * + b means m * (+b)"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b, y_pred=m + b + 0 * x), "Your prediction is m + b"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b, y_pred=m * x), "leaves out the intercept"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b, factor_b=1), "∂L/∂b is half the expected value"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b, factor_m=1), "∂L/∂m is half the expected value"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b, factor_m=1, factor_b=1), "Both ∂L/∂m and ∂L/∂b are half"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b, factor_m=-2, factor_b=-2), "wrong sign"),
        (lambda x, y, m, b: tuple(len(x) * g for g in _nb05_grads(x, y, m, b)), "n times too large"),
        (lambda x, y, m, b: _nb05_grads(x, y, m, b)[::-1], "swapped"),
    ],
)
def test_check_gradients_nb05_hints_for_typical_mistakes(function, hint):
    feedback = ex.check_gradients(function)
    assert not feedback.ok and hint in feedback.message, feedback.message


def test_check_gradients_nb05_other_mistakes_get_numbers_to_compare():
    feedback = ex.check_gradients(lambda x, y, m, b: (_nb05_grads(x, y, m, b)[0], m))
    assert not feedback.ok and "∂L/∂m is right, but on the tiny data at m = 1, b = 1" in feedback.message
    assert "but it should be" in feedback.message


@pytest.mark.parametrize(
    "function, text",
    [
        (lambda x, y, m, b: 1 / 0, "ZeroDivisionError"),
        (lambda x, y, m, b: None, "returned None"),
        (lambda x, y, m, b: (1.0, "two"), "should return two numbers"),
        (lambda x: x, "TypeError"),
    ],
)
def test_check_gradients_nb05_broken_functions_get_feedback(function, text):
    feedback = ex.check_gradients(function)  # must not raise
    assert not feedback.ok and text in feedback.message


# --------------------------------------------------------------------------
# Notebook 06 · Learning rate and feature scaling: check_unstandardize
# --------------------------------------------------------------------------


def _nb06_right(m_scaled, b_scaled, mean, std):
    return m_scaled / std, b_scaled - m_scaled * mean / std


def _nb06_by_points(m_scaled, b_scaled, mean, std):
    """Right, another way: the scaled line through two points, read in raw units."""
    x0, x1 = mean, mean + std  # x_scaled = 0 and 1
    y0, y1 = b_scaled, m_scaled + b_scaled
    m = (y1 - y0) / (x1 - x0)
    return m, y0 - m * x0


def _nb06_starter(m_scaled, b_scaled, mean, std):  # as shipped in notebook 06
    return m_scaled, b_scaled


@pytest.mark.parametrize("function", [_nb06_right, _nb06_by_points, lc.unstandardize])
def test_check_unstandardize_accepts_right_answers(function):
    feedback = ex.check_unstandardize(function)
    assert feedback.ok, feedback.message


@pytest.mark.parametrize(
    "function, hint",
    [
        (_nb06_starter, "returned the scaled parameters unchanged"),
        (lambda m, b, mean, std: (m, b - m * mean), "forgot to divide by std"),
        (lambda m, b, mean, std: (m * std, b - m * std * mean), "multiplied by std"),
        (lambda m, b, mean, std: (m / std, b), "forgot the mean shift"),
        (lambda m, b, mean, std: (m / std, b + m * mean / std), "wrong sign"),
        (lambda m, b, mean, std: (m / std, b - m * mean), "missing the division by std"),
        (lambda m, b, mean, std: _nb06_right(m, b, mean, std)[::-1], "swapped"),
    ],
)
def test_check_unstandardize_hints_for_typical_mistakes(function, hint):
    feedback = ex.check_unstandardize(function)
    assert not feedback.ok and hint in feedback.message, feedback.message


def test_check_unstandardize_other_mistakes_get_numbers_to_compare():
    feedback = ex.check_unstandardize(lambda m, b, mean, std: (m / std, b - m * mean / std + 1))
    assert not feedback.ok and "check b" in feedback.message


@pytest.mark.parametrize(
    "function, text",
    [
        (lambda m, b, mean, std: 1 / 0, "ZeroDivisionError"),
        (lambda m, b, mean, std: m / std, "Return two numbers"),
        (lambda m, b: (m, b), "TypeError"),
    ],
)
def test_check_unstandardize_broken_functions_get_feedback(function, text):
    feedback = ex.check_unstandardize(function)  # must not raise
    assert not feedback.ok and text in feedback.message


def test_check_unstandardize_cases_are_far_from_the_trivial_ones():
    for m_s, _b_s, mean, std in ex._unstandardize_cases():
        assert mean != 0 and std != 1 and m_s != 0


# --------------------------------------------------------------------------
# Notebook 07 · Closed form and multiple features: check_normal_equation
# --------------------------------------------------------------------------


def _ones(X):
    return np.column_stack([np.ones(len(X)), X])


def normal_solve(X, y):
    A = _ones(X)
    return np.linalg.solve(A.T @ A, A.T @ y)


def normal_inv(X, y):
    A = _ones(X)
    return np.linalg.inv(A.T @ A) @ A.T @ y


def normal_lstsq(X, y):
    return np.linalg.lstsq(_ones(X), y, rcond=None)[0]


def normal_list(X, y):  # a plain list is fine too
    return normal_solve(X, y).tolist()


def normal_no_ones(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)


def normal_zero_intercept(X, y):  # a 0 put in front of the fit through the origin
    return np.r_[0.0, normal_no_ones(X, y)]


def normal_ones_last(X, y):
    A = np.column_stack([X, np.ones(len(X))])
    return np.linalg.solve(A.T @ A, A.T @ y)


def normal_wrong_transpose(X, y):
    A = _ones(X)
    return np.linalg.solve(A @ A.T, A @ y)


def normal_no_transpose_on_y(X, y):
    A = _ones(X)
    return np.linalg.solve(A.T @ A, y)


def normal_predictions(X, y):  # returned A @ w instead of w
    A = _ones(X)
    return A @ np.linalg.solve(A.T @ A, A.T @ y)


def normal_starter(X, y):  # as shipped in notebook 07
    return np.zeros(X.shape[1] + 1)


def normal_crash(X, y):
    raise RuntimeError("boom")


@pytest.mark.parametrize("function", [normal_solve, normal_lstsq, normal_list])
def test_check_normal_equation_accepts_right_answers(function):
    feedback = ex.check_normal_equation(function)
    assert feedback.ok, feedback.message
    assert "inv" not in feedback.message


def test_check_normal_equation_accepts_inv_with_a_note():
    feedback = ex.check_normal_equation(normal_inv)
    assert feedback.ok
    assert "np.linalg.inv" in feedback.message and "np.linalg.solve" in feedback.message


@pytest.mark.parametrize(
    "function, hint",
    [
        (normal_no_ones, "forget the column of ones"),
        (normal_zero_intercept, "column of ones is missing"),
        (normal_ones_last, "intercept is last"),
        (normal_wrong_transpose, "Check the transposes"),
        (normal_no_transpose_on_y, "Check the transposes"),
        (normal_predictions, "one per data point"),
        (normal_starter, "give MSE"),
        (normal_crash, "RuntimeError: boom"),
        (lambda X, y: "weights", "one array of numbers"),
        (lambda X, y: [1.0, 2.0, 3.0, 4.0, 5.0], "Expected 3 weights"),
        (lambda X, y: np.full(X.shape[1] + 1, np.nan), "NaN"),
    ],
)
def test_check_normal_equation_hints_for_typical_mistakes(function, hint):
    feedback = ex.check_normal_equation(function)
    assert not feedback.ok
    assert hint in feedback.message, feedback.message


def test_check_normal_equation_starter_says_not_yet():
    assert repr(ex.check_normal_equation(normal_starter)).startswith("❌ Not yet.")


def test_check_normal_equation_does_not_let_the_student_modify_its_data():
    def vandal(X, y):
        X[:] = 0.0
        y[:] = 0.0
        return np.zeros(X.shape[1] + 1)

    ex.check_normal_equation(vandal)
    assert ex.check_normal_equation(normal_solve).ok


# --------------------------------------------------------------------------
# Notebook 08 · Stochastic and mini-batch gradient descent: check_minibatch_epoch
# --------------------------------------------------------------------------


def _batch_grad(xb, yb, m, b):
    r = yb - (m * xb + b)
    return -2 * np.mean(xb * r), -2 * np.mean(r)


def epoch_right(x, y, m, b, lr, batch_size, order):
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        dm, db = _batch_grad(x[batch], y[batch], m, b)
        m, b = m - lr * dm, b - lr * db
    return m, b


def epoch_ignores_order(x, y, m, b, lr, batch_size, order):
    return epoch_right(x, y, m, b, lr, batch_size, np.arange(len(x)))


def epoch_full_data(x, y, m, b, lr, batch_size, order):
    for _ in range(0, len(x), batch_size):
        dm, db = _batch_grad(x, y, m, b)
        m, b = m - lr * dm, b - lr * db
    return m, b


def epoch_one_batch(x, y, m, b, lr, batch_size, order):
    return epoch_right(
        x[order[:batch_size]], y[order[:batch_size]], m, b, lr, batch_size, np.arange(batch_size)
    )


def epoch_drops_last(x, y, m, b, lr, batch_size, order):
    for start in range(0, len(x) - batch_size + 1, batch_size):
        batch = order[start : start + batch_size]
        dm, db = _batch_grad(x[batch], y[batch], m, b)
        m, b = m - lr * dm, b - lr * db
    return m, b


def epoch_divides_by_n(x, y, m, b, lr, batch_size, order):
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        r = y[batch] - (m * x[batch] + b)
        m, b = m + lr * 2 * np.sum(x[batch] * r) / len(x), b + lr * 2 * np.sum(r) / len(x)
    return m, b


def epoch_sum(x, y, m, b, lr, batch_size, order):
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        r = y[batch] - (m * x[batch] + b)
        m, b = m + lr * 2 * np.sum(x[batch] * r), b + lr * 2 * np.sum(r)
    return m, b


def epoch_uphill(x, y, m, b, lr, batch_size, order):
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        dm, db = _batch_grad(x[batch], y[batch], m, b)
        m, b = m + lr * dm, b + lr * db
    return m, b


def epoch_stale(x, y, m, b, lr, batch_size, order):
    new_m, new_b = m, b
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        dm, db = _batch_grad(x[batch], y[batch], m, b)  # always at the start point
        new_m, new_b = new_m - lr * dm, new_b - lr * db
    return new_m, new_b


def epoch_starter(x, y, m, b, lr, batch_size, order):  # as shipped in notebook 08
    return m, b


def test_check_minibatch_epoch_accepts_the_loop():
    feedback = ex.check_minibatch_epoch(epoch_right)
    assert feedback.ok, feedback.message


def test_check_minibatch_epoch_accepts_core_step_per_batch():
    def with_core(x, y, m, b, lr, batch_size, order):
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            m, b = lc.step(x[batch], y[batch], m, b, lr)
        return np.float64(m), np.float64(b)

    assert ex.check_minibatch_epoch(with_core).ok


@pytest.mark.parametrize(
    "function, hint",
    [
        (epoch_starter, "unchanged"),
        (epoch_ignores_order, "shuffled order given by `order`"),
        (epoch_full_data, "on the batch only"),
        (epoch_one_batch, "only one update"),
        (epoch_drops_last, "last, smaller batch was skipped"),
        (epoch_divides_by_n, "not by n"),
        (epoch_sum, "too large"),
        (epoch_uphill, "uphill"),
        (epoch_stale, "at the starting (m, b)"),
        (lambda x, y, m, b, lr, batch_size, order: (m + 1, b), "the epoch should end at"),
        (lambda x, y, m, b, lr, batch_size, order: 1 / 0, "ZeroDivisionError"),
        (lambda x, y, m, b, lr, batch_size, order: m, "Return two numbers"),
    ],
)
def test_check_minibatch_epoch_hints_for_typical_mistakes(function, hint):
    feedback = ex.check_minibatch_epoch(function)
    assert not feedback.ok
    assert hint in feedback.message, feedback.message


def _independent_unstandardize(m_s, b_s, mean, std):
    return _nb06_right(m_s, b_s, mean, std)


def _independent_normal_equation(X, y):
    A = np.column_stack([np.ones(len(X)), X])
    return np.linalg.lstsq(A, y, rcond=None)[0]


#: Each checker's cases, its table of mistakes and a reference written in this file.
TABLES = {
    "mse": (ex._mse_cases, ex.MSE_MISTAKES, _mse_right),
    "gradients": (ex._gradient_cases, ex.GRADIENT_MISTAKES, _gradients_right),
    "step": (ex._step_cases, ex.STEP_MISTAKES, step_right),
    "unstandardize": (ex._unstandardize_cases, ex.UNSTANDARDIZE_MISTAKES, _independent_unstandardize),
    "normal_equation": (ex._normal_equation_cases, ex.NORMAL_EQUATION_MISTAKES, _independent_normal_equation),
    "minibatch": (ex._minibatch_cases, ex.MINIBATCH_MISTAKES, epoch_right),
}


@pytest.mark.parametrize("name", TABLES)
def test_every_mistake_is_told_apart_from_the_right_answer_and_the_others(name):
    """On the checker's cases each typical mistake gives a wrong answer somewhere, and no two
    mistakes with different hints give the same answers everywhere (one would hide the other)."""
    cases_of, mistakes, reference = TABLES[name]
    cases = cases_of()
    right = [reference(*case) for case in cases]
    answers = [[mistake.formula(*case) for case in cases] for mistake in mistakes]
    for mistake, got in zip(mistakes, answers):
        assert not all(ex.close(g, r) for g, r in zip(got, right)), mistake.hint
    for i, j in itertools.combinations(range(len(mistakes)), 2):
        if mistakes[i].hint != mistakes[j].hint:
            same = all(ex.close(a, b) for a, b in zip(answers[i], answers[j]))
            assert not same, (mistakes[i].hint, mistakes[j].hint)


@pytest.mark.parametrize("name", TABLES)
def test_the_checkers_references_agree_with_independent_ones(name):
    cases_of, _, reference = TABLES[name]
    check = {
        "mse": ex.check_mse,
        "gradients": ex.check_gradients,
        "step": ex.check_step,
        "unstandardize": ex.check_unstandardize,
        "normal_equation": ex.check_normal_equation,
        "minibatch": ex.check_minibatch_epoch,
    }[name]
    assert check(reference).ok


def test_feedback_is_true_only_when_right():
    """Grading tools write `assert check(...)`: a wrong answer must fail that assert."""
    assert ex.check_mse(_mse_right)
    assert not ex.check_mse(lambda y, p: 0.0)


def _nb05_shipped(x, y, m, b):  # the starter of notebook 05's exercise 2, as shipped (bug d)
    y_pred = m * x + b
    dm = -2 * np.mean(x * (y - y_pred))
    db = -np.mean(y - y_pred)
    return dm, db


def test_check_gradients_nb05_shipped_starter_gets_the_factor_hint():
    feedback = ex.check_gradients(_nb05_shipped)
    assert not feedback.ok and "∂L/∂m is right, but your ∂L/∂b is half" in feedback.message


def test_no_top_level_name_is_defined_twice():
    """Checkers for several notebooks share one module: a later helper with the same
    name would silently replace an earlier one (this happened once)."""
    import ast
    from collections import Counter
    from pathlib import Path

    tree = ast.parse(Path(ex.__file__).read_text(encoding="utf-8"))
    names = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    names += [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
    assert [name for name, count in Counter(names).items() if count > 1] == []


# --------------------------------------------------------------------------
# New hints: the step with one parameter already moved, the product of the means
# --------------------------------------------------------------------------


def step_m_first(x, y, m, b, lr):  # the student moves m, then computes db with the new m
    dm, _ = _grad(x, y, m, b)
    m = m - lr * dm
    _, db = _grad(x, y, m, b)
    return m, b - lr * db


def step_b_first(x, y, m, b, lr):
    _, db = _grad(x, y, m, b)
    b = b - lr * db
    dm, _ = _grad(x, y, m, b)
    return m - lr * dm, b


@pytest.mark.parametrize(
    "fn, hint",
    [(step_m_first, "db was computed with the new m"), (step_b_first, "dm was computed with the new b")],
)
def test_check_step_recognises_an_update_in_turn(fn, hint):
    feedback = ex.check_step(fn)
    assert not feedback.ok
    assert hint in feedback.message and "both at the old (m, b)" in feedback.message


def _product_of_means(x, y, m, b):  # bug of notebook 05, exercise 2
    y_pred = m * x + b
    return -2 * np.mean(x) * np.mean(y - y_pred), -2 * np.mean(y - y_pred)


def test_check_gradients_recognises_the_product_of_the_means():
    feedback = ex.check_gradients(_product_of_means)
    assert not feedback.ok
    for text in ("the product of two means", "mean of a product is not the product of the means"):
        assert text in feedback.message
    assert "(mean(x), mean(y)) looks like a minimum" in feedback.message
    assert "stops at a wrong slope" in feedback.message


def test_the_product_of_the_means_really_stops_on_every_line_through_the_centre():
    """What the hint claims, checked: with that dm, a line through (mean x, mean y) has zero gradient."""
    x = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
    y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])
    for m in (-1.0, 0.3, 2.0):
        b = y.mean() - m * x.mean()
        assert np.allclose(_product_of_means(x, y, m, b), 0.0, atol=1e-12)


# --------------------------------------------------------------------------
# A function that reads the notebook's global data instead of its arguments
# --------------------------------------------------------------------------


def _notebook_function(source, **names):
    """Define a function as a notebook cell would: its globals are the notebook's variables."""
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    namespace = {"np": np, "x": x, "y": y, "y_pred": 1.5 * x, "lc": lc, **names}
    exec(source, namespace)
    return namespace["f"]


@pytest.mark.parametrize(
    "check, source, name",
    [
        (ex.check_mse, "def f(y_true, y_hat):\n    return np.mean((y_true - y_pred) ** 2)", "y_pred"),
        (ex.check_mse, "def f(y, p):\n    return float(np.mean((y[0] - p[0]) ** 2 + 0 * x[:1]))", "x"),
        (
            ex.check_gradients,
            "def f(x_data, y_data, m, b):\n    r = y_data - (m * x + b)\n"
            "    return -2 * np.mean(x * r), -2 * np.mean(r)",
            "x",
        ),
        (
            ex.check_gradients,
            "def f(xs, ys, m, b):\n    r = lambda: y - (m * x + b)\n    return -2 * np.mean(x * r()), 0.0",
            "x` and `y",  # y only inside a lambda of the function
        ),
        (ex.check_step, "def f(a, c, m, b, lr):\n    return m - lr * np.mean(x), b", "x"),
        (ex.check_unstandardize, "def f(m_s, b_s, mean, std):\n    return m_s / x.std(), b_s", "x"),
        (ex.check_normal_equation, "def f(X, t):\n    return np.zeros(3) + y[:3]", "y"),
        (ex.check_minibatch_epoch, "def f(a, c, m, b, lr, size, order):\n    return m + x[0], b", "x"),
    ],
)
def test_every_function_checker_says_when_the_global_data_is_read(check, source, name):
    feedback = check(_notebook_function(source))
    assert not feedback.ok
    assert f"Your function reads the global `{name}` of the notebook" in feedback.message, feedback.message
    assert "What the checker saw:" in feedback.message


def test_reading_a_global_array_is_fine_when_the_answer_is_right():
    f = _notebook_function(
        "def f(y, y_pred):\n    n = len(x)  # harmless\n    return np.mean((y - y_pred) ** 2)"
    )
    assert ex.check_mse(f).ok


def test_global_numbers_and_modules_are_not_data():
    f = _notebook_function("def f(y, p):\n    return np.mean((y - p) ** 2) + k", k=1.0)
    feedback = ex.check_mse(f)
    assert not feedback.ok and "global" not in feedback.message


def test_outside_data_lists_the_arrays_a_function_reads():
    f = _notebook_function("def f(a, b):\n    return x + y_pred + a + k", k=np.array([1.0]))
    assert ex.outside_data(f) == [("x", 200), ("y_pred", 200)]  # k has one number only
    assert ex.outside_data(np.mean) == [] and ex.outside_data(len) == []


# --------------------------------------------------------------------------
# Student code that hangs, prints, or hides its failure in a generator
# --------------------------------------------------------------------------


def _forever(x, y, m, b):
    while True:
        pass


def _forever_and_deaf(x, y, m, b):
    while True:
        try:
            while True:
                pass
        except Exception:  # a student who catches everything
            pass


@pytest.mark.parametrize("function", [_forever, _forever_and_deaf])
def test_a_function_that_never_ends_is_stopped(monkeypatch, function):
    import signal
    import time

    monkeypatch.setattr(ex, "TIME_LIMIT", 0.2)
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    feedback = ex.check_gradients(function)
    assert time.monotonic() - start < 3
    assert not feedback.ok
    assert "did not finish within 0.2 s: look for a loop that never ends" in feedback.message
    assert signal.getsignal(signal.SIGALRM) is before  # the handler is given back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # and no timer is left running


def test_a_function_that_never_ends_is_stopped_outside_the_main_thread_too(monkeypatch):
    import sys
    import threading

    monkeypatch.setattr(ex, "TIME_LIMIT", 0.2)
    result, main_trace = {}, sys.gettrace()

    def in_thread():
        result["feedback"] = ex.check_step(lambda *a: _forever(*a[:4]))
        result["trace"] = sys.gettrace()

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert "did not finish within 0.2 s" in result["feedback"].message
    assert result["trace"] is None  # the thread's trace function was removed afterwards
    assert sys.gettrace() is main_trace  # and the main thread's was never touched


def test_a_fast_function_is_not_disturbed_by_the_time_limit():
    import signal

    assert ex.check_gradients(_gradients_right).ok
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_another_timer_is_given_back_what_is_left():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *args: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        assert ex.check_gradients(_gradients_right).ok
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < left <= 30
        assert not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_printed_output_is_shown_once_and_cut_short(capsys):
    def chatty(x, y, m, b):
        print("dm and db are", m, b)
        return _gradients_right(x, y, m, b)

    feedback = ex.check_gradients(chatty)
    assert feedback.ok
    assert feedback.message.count("dm and db are") == 1
    assert "Your function printed (first of 5 test calls" in feedback.message
    assert capsys.readouterr().out == ""  # nothing reached the real output, not once per call


def test_a_flood_of_printing_is_cut_short(capsys, monkeypatch):
    def flood(y, y_pred):
        for i in range(20_000):
            print("residual", i)
        return np.mean((y - y_pred) ** 2)

    feedback = ex.check_mse(flood)
    assert feedback.ok
    printed = feedback.message.split("printed")[1]
    assert len(printed) < ex.PRINT_LIMIT + 100 and "…" in printed
    assert capsys.readouterr().out == ""


def test_printing_in_a_loop_that_never_ends_is_stopped(monkeypatch, capsys):
    monkeypatch.setattr(ex, "TIME_LIMIT", 0.2)

    def shouting(y, y_pred):
        while True:
            print("still going")

    feedback = ex.check_mse(shouting)
    assert not feedback.ok and "did not finish" in feedback.message and "still going" in feedback.message
    assert capsys.readouterr().out == ""


def _generator_that_fails(x, y, m, b):
    yield 1.0
    raise ValueError("no db today")


def _generator_right(x, y, m, b):
    yield from _gradients_right(x, y, m, b)


def test_a_generator_is_read_under_the_checker_and_its_failure_explained():
    feedback = ex.check_gradients(_generator_that_fails)
    assert not feedback.ok
    assert "returned a generator, and reading it raised ValueError: no db today" in feedback.message
    assert ex.check_gradients(_generator_right).ok


def test_a_function_calling_exit_gets_feedback():
    import sys

    feedback = ex.check_mse(lambda y, p: sys.exit(3))
    assert not feedback.ok and "SystemExit" in feedback.message


@pytest.mark.parametrize(
    "check, function",
    [
        (ex.check_mse, lambda y, p: 10**400),
        (ex.check_mse, lambda y, p: 10**5000),  # too long even to print as digits
        (ex.check_gradients, lambda x, y, m, b: (10**400, 0)),
        (ex.check_step, lambda x, y, m, b, lr: [10**5000, b]),
        (ex.check_normal_equation, lambda X, y: [10**400, 1, 2]),
    ],
)
def test_ints_too_large_for_a_float_get_feedback(check, function):
    feedback = check(function)
    assert not feedback.ok and "too large for a float" in feedback.message, feedback.message


def test_check_low_loss_without_a_target_number(classic_for_low_loss):
    for target in (None, "60", float("nan")):
        feedback = ex.check_low_loss(*classic_for_low_loss, 1.0, 5.0, target)
        assert not feedback.ok and "target must be a number, e.g. target=60" in feedback.message
    assert ex.check_low_loss(*classic_for_low_loss, 10**400, 5.0, 60).message.startswith("m and b must be")


# --------------------------------------------------------------------------
# Predict, then check: notebooks 01–04
# --------------------------------------------------------------------------

STARTERS = [None, ..., "?", "", "  ", "TODO", "???"]


def _mse_of_line(intercept):
    """The MSE of y_pred = x + intercept on the tiny data, by hand in numpy."""
    x = np.array([0.0, 2.0, 3.0, 5.0, 6.0])
    y = np.array([2.0, 2.0, 4.0, 8.0, 5.0])
    return float(np.mean((y - x - intercept) ** 2))


def test_the_mse_prediction_exercise_is_about_a_line_with_mse_2():
    assert _mse_of_line(1.0) == 2.0 and _mse_of_line(2.0) == 3.0


@pytest.mark.parametrize("prediction", [3, 3.0, np.float64(3.0), np.int64(3), 15 / 5, 3.004])
def test_check_mse_prediction_accepts_the_truth(prediction):
    feedback = ex.check_mse_prediction(prediction)
    assert feedback.ok, feedback.message
    assert repr(feedback).startswith("✅ Correct! Your prediction")
    assert f"is {_mse_of_line(2.0):.1f}" in feedback.message
    assert "average exactly 0" in feedback.message and "grows by exactly 1" in feedback.message


@pytest.mark.parametrize(
    "prediction, hint",
    [
        (2.0, "It does not stay at 2.0"),
        (4.0, "It does not double"),
        (1.0, "does not lower the MSE by 1"),
        (7.0, "the MSE is a mean"),
        (-1.0, "never negative"),
        (2.5, "You predicted 2.5, but the MSE of y_pred = x + 2 is 3.0."),
    ],
)
def test_check_mse_prediction_explains_wrong_predictions(prediction, hint):
    feedback = ex.check_mse_prediction(prediction)
    assert not feedback and not feedback.ok
    assert hint in feedback.message
    assert "(r − 1)² = r² − 2r + 1" in feedback.message  # the why, for everyone


@pytest.mark.parametrize("prediction", STARTERS)
def test_check_mse_prediction_starter_asks_for_a_prediction(prediction):
    feedback = ex.check_mse_prediction(prediction)
    assert not feedback.ok and "Write your prediction first" in feedback.message


@pytest.mark.parametrize(
    "prediction, hint",
    [
        ("3", "without quotes"),
        ("three", "must be a number"),
        (True, "yes/no"),
        (float("nan"), "finite"),
        ([3.0], "one number"),
        (object(), "one number"),
    ],
)
def test_check_mse_prediction_refuses_what_is_not_a_number(prediction, hint):
    feedback = ex.check_mse_prediction(prediction)
    assert not feedback.ok and hint in feedback.message


SIGNS = {1: ["+", "positive", " Positive ", "+1", 1, 1.0, np.int64(1), "pos", "plus"]}
SIGNS[-1] = ["-", "−", "negative", "NEGATIVE", "-1", -1, np.float64(-1.0), "minus"]


@pytest.mark.parametrize("m, b", [(1.5, 0.0), (0.5, 0.0), (1.0, 40.0), (1.2, -20.0)])
def test_check_sign_prediction_knows_the_signs(classic, m, b):
    dm, db = _grad(*classic, m, b)
    truth = int(np.sign(dm)), int(np.sign(db))
    assert ex.check_sign_prediction(*classic, m, b, *truth).ok
    for wrong in [(-truth[0], truth[1]), (truth[0], -truth[1]), (-truth[0], -truth[1])]:
        assert not ex.check_sign_prediction(*classic, m, b, *wrong)


def test_the_notebook_point_has_both_derivatives_positive(classic):
    dm, db = _grad(*classic, 1.5, 0.0)
    assert dm > 0 and db > 0


@pytest.mark.parametrize("dm_sign", SIGNS[1])
@pytest.mark.parametrize("db_sign", SIGNS[1][:3])
def test_check_sign_prediction_accepts_the_ways_of_writing_plus(classic, dm_sign, db_sign):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, dm_sign, db_sign)
    assert feedback.ok, feedback.message


@pytest.mark.parametrize("sign", SIGNS[-1])
def test_check_sign_prediction_accepts_the_ways_of_writing_minus(classic, sign):
    assert ex.check_sign_prediction(*classic, 0.5, 0.0, sign, sign).ok  # below the points: both negative


def test_check_sign_prediction_explains_in_words(classic):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, "+", "+")
    assert feedback.ok
    x, y = classic
    below = int(np.sum(y < 1.5 * x))
    assert f"lies above {below} of the 200 points" in feedback.message  # 176
    assert "raising b makes it worse" in feedback.message and "a steeper line is worse" in feedback.message
    assert "it lowers m and lowers b" in feedback.message


def test_check_sign_prediction_says_which_sign_is_wrong(classic):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, "+", "-")
    assert not feedback.ok
    assert "∂L/∂m is positive" in feedback.message and ": right" in feedback.message
    assert "∂L/∂b: you predicted negative, but it is positive" in feedback.message
    assert "raising b makes it worse" in feedback.message


@pytest.mark.parametrize(
    "dm_sign, db_sign, text",
    [
        (None, "+", "Write the sign of ∂L/∂m first ('+' or '-' each)"),
        ("+", "?", "Write the sign of ∂L/∂b first"),
        ("?", None, "Write the sign of ∂L/∂m and the sign of ∂L/∂b first"),
        ("up", "+", "I did not understand 'up' as the sign of ∂L/∂m"),
        ("+", 2, "Only the sign counts"),
        (True, "+", "yes/no"),
        ("+", ["+"], "as the sign of ∂L/∂b"),
    ],
)
def test_check_sign_prediction_starters_and_words_it_does_not_know(classic, dm_sign, db_sign, text):
    feedback = ex.check_sign_prediction(*classic, 1.5, 0.0, dm_sign, db_sign)
    assert not feedback.ok and text in feedback.message, feedback.message


def test_check_sign_prediction_at_a_zero_derivative():
    # on the tiny data the line y = x + 1 has residuals averaging 0: ∂L/∂b = 0
    assert ex.check_sign_prediction(ex.TINY_X, ex.TINY_Y, 1.0, 1.0, "+", 0).ok
    assert ex.check_sign_prediction(ex.TINY_X, ex.TINY_Y, 1.0, 1.0, "+", "zero").ok
    assert not ex.check_sign_prediction(ex.TINY_X, ex.TINY_Y, 1.0, 1.0, "+", "+").ok


def _behaviour_by_eigenvalue(x, lr):
    c, _ = _curvatures(x)
    q = 1 - lr * c
    return "smooth" if q > 0 else ("zigzag" if q > -1 else "diverge")


def _slope_from_zero(x, y, lr, steps=8):
    """What the student watches: m over a few plain steps from (0, 0)."""
    m = b = 0.0
    ms = [m]
    for _ in range(steps):
        dm, db = _grad(x, y, m, b)
        m, b = m - lr * dm, b - lr * db
        ms.append(m)
    return np.array(ms)


@pytest.mark.parametrize("share", [0.1, 0.3, 0.45, 0.55, 0.8, 0.97, 1.03, 1.5, 10.0])
def test_check_step_prediction_agrees_with_the_eigenvalues_and_with_what_m_does(classic, share):
    x, y = classic
    c, _ = _curvatures(x)
    lr = share * 2 / c
    truth = _behaviour_by_eigenvalue(x, lr)
    assert ex.check_step_prediction(x, y, lr, truth).ok
    for other in {"smooth", "zigzag", "diverge"} - {truth}:
        assert not ex.check_step_prediction(x, y, lr, other).ok
    # and what the slope does from (0, 0), as in the notebook
    # (the first three steps, while the steep direction dominates; later m drifts along the floor)
    steps = np.diff(_slope_from_zero(x, y, lr))
    if truth == "smooth":
        assert np.all(steps[:3] > 0)
    else:
        assert np.all(steps[:2] * steps[1:3] < 0)  # m turns back every step
        growing = abs(steps[-1]) > abs(steps[0])
        assert growing == (truth == "diverge")


def test_check_step_prediction_feedback_gives_q_and_explains(classic):
    x, y = classic
    c, _ = _curvatures(x)
    right = ex.check_step_prediction(x, y, 1e-4, "smooth")
    assert right.ok and f"{1 - 1e-4 * c:.3g}" in right.message  # 0.328
    assert "creeps in from one side" in right.message and "Checked by running plain steps" in right.message
    wrong = ex.check_step_prediction(x, y, 2.5e-4, "diverge")
    assert not wrong.ok and "You predicted 'diverge', but the answer is 'zigzag'" in wrong.message
    assert _minus(f"{1 - 2.5e-4 * c:.3g}") in wrong.message and "the swings shrink" in wrong.message
    assert f"{2 / c:.3g}" in wrong.message  # the bound


@pytest.mark.parametrize("word", ["Smooth", "zig-zag", "ZIGZAG", "zig zag", "diverges", "oscillates"])
def test_check_step_prediction_understands_variants(classic, word):
    feedback = ex.check_step_prediction(*classic, 1e-4, word)
    assert "I did not understand" not in feedback.message


def test_check_step_prediction_on_the_edge_accepts_both_neighbours(classic):
    x, y = classic
    c, _ = _curvatures(x)
    assert (
        ex.check_step_prediction(x, y, 1 / c, "smooth").ok
        and ex.check_step_prediction(x, y, 1 / c, "zigzag").ok
    )
    assert "on the edge" in ex.check_step_prediction(x, y, 1 / c, "smooth").message


@pytest.mark.parametrize(
    "lr, prediction, text",
    [
        (1e-4, None, "Write your prediction first"),
        (1e-4, "?", "Write your prediction first"),
        (1e-4, "converges", "Both 'smooth' and 'zigzag' converge"),
        (1e-4, "wobbly", "I did not understand 'wobbly'"),
        (1e-4, 1, "as text, in quotes"),
        ("1e-4", "smooth", "without quotes"),
        (-1e-4, "smooth", "must be positive"),
        (None, "smooth", "lr is None"),
    ],
)
def test_check_step_prediction_starters_and_bad_input(classic, lr, prediction, text):
    feedback = ex.check_step_prediction(*classic, lr, prediction)
    assert not feedback.ok and text in feedback.message, feedback.message


def _b_after(x, y, lr, epochs):
    m = b = 0.0
    for _ in range(epochs):
        dm, db = _grad(x, y, m, b)
        m, b = m - lr * dm, b - lr * db
    return b


def test_check_intercept_prediction_truth_is_the_plain_loop(classic):
    x, y = classic
    truth = _b_after(x, y, 1e-4, 300)
    assert 0.07 < truth < 0.09
    feedback = ex.check_intercept_prediction(x, y, round(truth, 2))
    assert feedback.ok, feedback.message
    assert f"b is {truth:.4g}" in feedback.message


@pytest.mark.parametrize(
    "prediction, ok", [(0.0, True), (0.5, True), (0.6, False), (-0.5, False), (4.85, False)]
)
def test_check_intercept_prediction_rule_is_a_tenth_of_the_way(classic, prediction, ok):
    x, y = classic
    _, b_best = np.polyfit(x, y, 1)
    truth = _b_after(x, y, 1e-4, 300)
    assert (abs(prediction - truth) <= 0.1 * abs(b_best)) == ok  # the rule, stated independently
    feedback = ex.check_intercept_prediction(x, y, prediction)
    assert feedback.ok == ok
    assert f"±{0.1 * abs(b_best):.2g}" in feedback.message


def test_check_intercept_prediction_explains_the_crawl(classic):
    x, y = classic
    _, c_floor = _curvatures(x)
    factor = 1 - 1e-4 * c_floor
    epochs = _steps_to_shrink(factor, 0.01)  # about 99 000
    feedback = ex.check_intercept_prediction(x, y, 4.85)
    assert not feedback.ok
    assert "where b ends up eventually, not after 300 epochs" in feedback.message
    assert f"{factor:.7f} per epoch" in feedback.message
    assert f"about {int(float(f'{epochs:.2g}')):,} epochs".replace(",", " ") in feedback.message
    assert "floor of the valley" in feedback.message


def test_check_intercept_prediction_with_other_settings(classic):
    x, y = classic
    x_s = (x - x.mean()) / x.std()
    truth = _b_after(x_s, y, 0.1, 200)
    assert ex.check_intercept_prediction(x_s, y, truth, lr=0.1, epochs=200.0).ok
    feedback = ex.check_intercept_prediction(x, y, 1.0, lr=1e-2)
    assert not feedback.ok and "diverges" in feedback.message


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"prediction": None}, "Write your prediction first"),
        ({"prediction": "0.1"}, "without quotes"),
        ({"prediction": 0.1, "epochs": "many"}, "epochs must be a whole number"),
        ({"prediction": 0.1, "epochs": 2.5}, "epochs must be a whole number"),
        ({"prediction": 0.1, "epochs": 10**9}, "epochs must be a whole number"),
        ({"prediction": 0.1, "lr": "0.0001"}, "without quotes"),
        ({"prediction": 0.1, "lr": 0}, "must be positive"),
    ],
)
def test_check_intercept_prediction_starters_and_bad_input(classic, kwargs, text):
    feedback = ex.check_intercept_prediction(*classic, **kwargs)
    assert not feedback.ok and text in feedback.message, feedback.message


def test_compare_prediction_is_the_one_mechanism():
    def read(name, value):
        return (value, None) if isinstance(value, int) else (None, f"{name}: whole numbers only")

    def judge(prediction):
        return ex.compare_prediction(
            {"guess": prediction},
            7,
            read=read,
            matches=lambda answers, truth: answers["guess"] == truth,
            explain=lambda answers, truth, ok: f"{answers['guess']} vs {truth}",
            example="e.g. guess = 3",
        )

    assert judge(7).ok and judge(7).message == "7 vs 7"
    assert not judge(8).ok and judge(8).message == "8 vs 7"
    assert judge(None).message.startswith("Write your prediction first (e.g. guess = 3)")
    assert judge(1.5).message == "guess: whole numbers only"


# --------------------------------------------------------------------------
# Never raise: junk of every kind in every argument
# --------------------------------------------------------------------------


class _NoRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise ZeroDivisionError("no float either")

    def __iter__(self):
        raise KeyError("no items")


def _junk():
    def gen():
        yield 1.0
        raise ValueError("late")

    return [
        None,
        ...,
        True,
        np.False_,
        0,
        -1,
        10**400,
        10**5000,
        float("nan"),
        float("inf"),
        1e308,
        2 + 3j,
        "",
        "0.0001",
        "x",
        b"1",
        [],
        [1.0, 2.0],
        (1.0, "a"),
        {},
        {"S1": object()},
        np.array([]),
        np.array(["a", "b"]),
        np.zeros((2, 2)),
        np.arange(200.0),
        object(),
        _NoRepr(),
        gen(),
        lambda *args: 1 / 0,
        lambda *args: None,
        lambda *args: _NoRepr(),
        print,
        np.mean,
    ]


CHECKERS = {
    ex.check_mse: 1,
    ex.check_low_loss: 5,
    ex.check_gradients: 1,
    ex.check_step: 1,
    ex.check_learning_rate: 3,
    ex.check_trained_model: 3,
    ex.check_bug_match: 1,
    ex.check_unstandardize: 1,
    ex.check_normal_equation: 1,
    ex.check_minibatch_epoch: 1,
    ex.check_mse_prediction: 1,
    ex.check_sign_prediction: 6,
    ex.check_step_prediction: 4,
    ex.check_intercept_prediction: 3,
}


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda checker: checker.__name__)
def test_no_checker_raises_on_junk(checker, classic):
    """Each argument in turn gets every junk value (the others sensible), then random mixes."""
    import random
    import warnings

    x, y = classic
    sensible = {1: [lambda *args: (0.0, 0.0)], 3: [x, y, 1e-4], 4: [x, y, 1e-4, "smooth"]}
    sensible.update({5: [x, y, 1.0, 5.0, 60], 6: [x, y, 1.5, 0.0, "+", "+"]})
    base = sensible[CHECKERS[checker]]
    calls = []
    for i in range(len(base)):
        for junk in _junk():
            calls.append(base[:i] + [junk] + base[i + 1 :])
    rng = random.Random(10)
    for _ in range(60):
        calls.append([rng.choice(_junk()) for _ in base])
    calls.append([])  # no arguments at all
    calls.append(base + ["one too many"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning escapes either
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        for args in calls:
            feedback = checker(*args)
            assert isinstance(feedback, ex.Feedback) and isinstance(feedback.message, str)
            assert isinstance(feedback.ok, bool) and bool(feedback) == feedback.ok
            repr(feedback)


def test_the_safety_net_names_the_problem():
    feedback = ex.check_mse()  # called without the function
    assert not feedback.ok and "could not use what you passed (TypeError" in feedback.message
