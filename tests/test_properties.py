"""Property-based tests (Hypothesis) over the public API.

- Random finite data at random scales: the least-squares line matches np.linalg.lstsq, the loss
  and the gradients are finite and match plain numpy formulas, or a clear error of ours says why.
- Random CSV text: the right numbers, or a DataError (never shifted columns, never numpy's error).
- Random student answers: every registered checker returns a Feedback and never raises.

Example counts stay small so that CI runs them in seconds, and the examples are derandomized
(the same in every run, so CI cannot turn red by chance; run with ``--hypothesis-seed=N`` to
explore others) with no example database left in the repository.
"""

import functools
import io
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import linreg_core as lc
import linreg_exercises as ex
import linreg_features as lf

settings.register_profile("lesson", database=None, derandomize=True, deadline=None)
settings.load_profile("lesson")
QUICK = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
OURS = tuple(f"linreg_{name}.py" for name in ("core", "validation", "data", "features", "minibatch"))


def raised_by_us(error):
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return Path(tb.tb_frame.f_code.co_filename).name in OURS


@st.composite
def datasets(draw, min_size=2, max_size=40):
    """x and y of the same length, each a moderate array times a random power of ten."""
    n = draw(st.integers(min_size, max_size))
    moderate = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    x = np.array(draw(st.lists(moderate, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(moderate, min_size=n, max_size=n)))
    return x * 10.0 ** draw(st.integers(-60, 60)), y * 10.0 ** draw(st.integers(-60, 60))


@QUICK
@given(datasets())
def test_least_squares_line_matches_lstsq_or_says_why(data):
    x, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            m, b = lc.closed_form(x, y)
        except ValueError as error:
            assert raised_by_us(error)
            spread = np.ptp(x) / max(np.max(np.abs(x)), 1e-300)
            assert spread < 1e-6 or np.max(np.abs(x)) < 1e-75 or np.max(np.abs(y)) < 1e-75
            return
    # An independent answer on rescaled data (lstsq on [x, 1]), scaled back.
    sx, sy = np.max(np.abs(x)), max(np.max(np.abs(y)), 1e-300)
    (m_ref, b_ref), *_ = np.linalg.lstsq(np.column_stack([x / sx, np.ones_like(x)]), y / sy, rcond=None)
    m_ref, b_ref = m_ref * sy / sx, b_ref * sy
    assume(np.ptp(x) / sx > 1e-3)  # well-conditioned enough for either method to be exact
    assert m == pytest.approx(m_ref, rel=1e-6, abs=1e-9 * sy / sx)
    assert b == pytest.approx(b_ref, rel=1e-6, abs=1e-6 * sy)


@QUICK
@given(datasets(), st.floats(-10, 10), st.floats(-10, 10))
def test_loss_and_gradients_are_finite_and_match_numpy(data, m_unit, b_unit):
    x, y = data
    sx, sy = max(np.max(np.abs(x)), 1e-300), max(np.max(np.abs(y)), 1e-300)
    m, b = m_unit * sy / sx, b_unit * sy  # a line on the scale of the data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            loss = lc.mse(y, lc.predict(x, m, b))
            dm, db = lc.gradients(x, y, m, b)
        except ValueError as error:
            assert raised_by_us(error) and ("tiny" in str(error) or "large" in str(error))
            return
    r = y - (m * x + b)
    assert np.isfinite([loss, dm, db]).all()
    assert loss == pytest.approx(np.mean(r**2), rel=1e-9)
    assert dm == pytest.approx(-2 * np.mean(x * r), rel=1e-6, abs=1e-9 * sx * sy)
    assert db == pytest.approx(-2 * np.mean(r), rel=1e-6, abs=1e-9 * sy)


@QUICK
@given(st.integers(3, 30), st.integers(1, 3), st.integers(-30, 30), st.randoms(use_true_random=False))
def test_normal_equation_matches_lstsq(n, p, power, rng):
    X = np.array([[rng.uniform(-100, 100) for _ in range(p)] for _ in range(n)]) * 10.0**power
    y = np.array([rng.uniform(-100, 100) for _ in range(n)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            w = lf.normal_equation(X, y)
        except ValueError as error:  # fewer points than weights, or collinear columns
            assert raised_by_us(error)
            return
    # The fitted values do not depend on the units of X: lstsq on the unscaled features
    # (its rank cut-off would drop a column of size 1e-15 next to the column of ones).
    design = np.column_stack([np.ones(n), X / 10.0**power])
    ref, *_ = np.linalg.lstsq(design, y, rcond=None)
    assert np.allclose(lf.predict_multi(X, w), design @ ref, rtol=1e-6, atol=1e-6)


NUMBER = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda v: float(f"{v:.6g}"))


@settings(max_examples=40)
@given(st.lists(st.tuples(NUMBER, NUMBER), min_size=1, max_size=20), st.sampled_from([",", ";", "\t"]))
def test_csv_with_numbers_reads_back_exactly(tmp_path_factory, rows, sep):
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text("x" + sep + "y\n" + "".join(f"{a!r}{sep}{b!r}\n" for a, b in rows), encoding="utf-8")
    x, y = lc.load_xy(path, sep=sep, decimal=".")  # decimal points, as stated
    assert x.tolist() == [a for a, _ in rows] and y.tolist() == [b for _, b in rows]


@settings(max_examples=80)
@given(st.text(alphabet=st.sampled_from(list("xy0123456789.,;-e \n\tNaN\"'é")), max_size=80))
def test_random_csv_text_gives_numbers_or_a_data_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("csv") / "junk.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            x, y = lc.load_xy(path)
        except (lc.DataError, ValueError) as error:
            assert raised_by_us(error), f"{type(error).__name__} from outside the project: {error}"
            return
    assert np.isfinite(x).all() and np.isfinite(y).all() and x.shape == y.shape
    assert all(line.count(",") >= 1 for line in io.StringIO(text).read().splitlines()[1:] if line.strip())


ANSWERS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), max_size=6),
    st.tuples(st.floats(), st.floats()),
    st.functions(returns=st.one_of(st.none(), st.floats(), st.text(max_size=3))),
)


@functools.cache
def right_call(name):
    """The first right call of a registered exercise (made once: some train a model)."""
    return tuple(ex.EXERCISES[name].solutions()[0])


@pytest.mark.parametrize("record", ex.EXERCISES.values(), ids=lambda record: record.name)
@settings(max_examples=25)
@given(answer=ANSWERS, where=st.integers(0, 5))
def test_checkers_answer_any_answer_with_feedback(record, answer, where):
    """A random answer in place of one argument of a right call (every registered exercise)."""
    args = list(right_call(record.name))
    args[where % len(args)] = answer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # matplotlib 3.10.0 with pyparsing 3.3 (Colab) warns about its own dependency: not ours
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing|matplotlib")
        feedback = record.checker(*args)
    assert isinstance(feedback, ex.Feedback)
    assert bool(feedback) is bool(feedback.ok)
