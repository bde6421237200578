"""Notebook 08 · Stochastic and mini-batch gradient descent: check_minibatch_epoch."""

import numpy as np

import linreg_core as lc

from .engine import TINY_X, TINY_Y, Mistake, all_of, function_exercise, show


def _minibatch_cases():
    """``(x, y, m, b, lr, batch_size, order)``: n = 7 is not a multiple of the
    batch sizes, so the last batch is smaller, and the orders are shuffled."""
    x, y = np.r_[TINY_X, 1.0, 4.0], np.r_[TINY_Y, 1.0, 3.0]
    return [
        (x, y, 0.5, -1.0, 0.02, 3, np.array([4, 0, 6, 2, 5, 1, 3])),
        (x, y, 1.5, 2.0, 0.01, 2, np.array([3, 6, 1, 0, 5, 2, 4])),
    ]


def _batches_of(order, batch_size):
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _epoch(x, y, m, b, lr, batch_size, order, batches=None, scale=lambda size, n: 1.0, stale=False):
    """(m, b) after one epoch of ``lc.step`` per batch, or after a typical mistake in it."""
    batches = _batches_of(order, batch_size) if batches is None else batches
    start = m, b
    for batch in batches:
        at = start if stale else (m, b)
        dm, db = lc.gradients(x[batch], y[batch], *at)
        step = lr * scale(len(batch), len(x))
        m, b = m - step * dm, b - step * db
    return m, b


MINIBATCH_MISTAKES = [
    Mistake(
        lambda x, y, m, b, *rest: (m, b),
        "Your function returns m and b unchanged: loop over the batches and make one update per batch.",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(
            x, y, m, b, lr, size, order, _batches_of(np.arange(len(x)), size)
        ),
        "You took the points in their original order 0, 1, 2, …: visit them in the shuffled order "
        "given by `order`, e.g. batch = order[start:start + batch_size].",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(
            x, y, m, b, lr, size, order, [np.arange(len(x))] * len(_batches_of(order, size))
        ),
        "Every update used all the data: compute dm and db on the batch only, x[batch] and y[batch].",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(x, y, m, b, lr, size, order, _batches_of(order, size)[:1]),
        "You made only one update, for the first batch: loop over all the batches, for start in "
        "range(0, len(x), batch_size).",
    ),
    Mistake(
        lambda x, y, m, b, lr, size, order: _epoch(
            x, y, m, b, lr, size, order, _batches_of(order[: len(x) - len(x) % size], size)
        ),
        "The last, smaller batch was skipped: when batch_size does not divide n, the leftover points "
        "form one more batch (range(0, len(x), batch_size) includes it).",
    ),
    Mistake(
        lambda *case: _epoch(*case, scale=lambda size, n: size / n),
        "Your steps are too small: the "
        "gradient of a batch is a mean over that batch, so divide by the batch's size, len(batch), not by n.",
    ),
    Mistake(
        lambda *case: _epoch(*case, scale=lambda size, n: size),
        "Your steps are too large: the "
        "gradient of a batch is a mean over that batch, so divide the sums by len(batch) (or use np.mean).",
    ),
    Mistake(
        lambda *case: _epoch(*case, scale=lambda size, n: -1.0),
        "Your steps go uphill: subtract the gradient, m - lr * dm and b - lr * db.",
    ),
    Mistake(
        lambda *case: _epoch(*case, stale=True),
        "You computed every batch's gradient at the starting "
        "(m, b): update m and b after each batch, and compute the next batch's gradient at the new values.",
    ),
]


def _minibatch_solution(x, y, m, b, lr, batch_size, order):  # the notebook's solution
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        xb, yb = x[batch], y[batch]
        residuals = yb - (m * xb + b)
        dm, db = -2 * np.mean(xb * residuals), -2 * np.mean(residuals)
        m, b = m - lr * dm, b - lr * db
    return m, b


def _minibatch_wrong_text(case, got, right):
    x, y, m, b, lr, batch_size, order = case
    return (
        f"With x={x.tolist()}, y={y.tolist()}, m={m:g}, b={b:g}, lr={lr:g}, batch_size={batch_size}, "
        f"order={order.tolist()} the epoch should end at m={right[0]:.6g}, b={right[1]:.6g}, but yours "
        f"ends at m={got[0]:.6g}, b={got[1]:.6g}. For each batch of indices, compute dm and db on that "
        f"batch with the formulas of notebook 2, then update m and b."
    )


@function_exercise(
    "08",
    cases=_minibatch_cases,
    reference=_epoch,
    mistakes=MINIBATCH_MISTAKES,
    solutions=[_minibatch_solution],
    wrong_text=_minibatch_wrong_text,
    shape_text=lambda value, *case: (
        f"Return two numbers, (m, b) after the epoch; your function returned {show(value)}."
    ),
    right_text=lambda got: (
        f"Your epoch matches the reference on {all_of(len(got), 'test case')}, including a last batch "
        f"smaller than batch_size."
    ),
)
def check_minibatch_epoch(function):
    """Check ``function(x, y, m, b, lr, batch_size, order)``: one epoch of mini-batch descent.

    The function visits the points in ``order``, ``batch_size`` at a time (the
    last batch may be smaller), and after each batch updates ``(m, b)`` with the
    gradient on that batch; it returns the final ``(m, b)``. The reference
    applies :func:`linreg_core.gradients` batch by batch. Recognises order
    ignored, all data used, last batch dropped, dividing by ``n``, a stale
    gradient, a single update and the wrong sign.
    """
