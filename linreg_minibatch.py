"""Stochastic and mini-batch gradient descent (notebook 08).

The same straight line, the same loss and the same gradient formula as
``linreg_core``, but each update uses the gradient of a small shuffled batch
of the data instead of all of it.
"""

from typing import NamedTuple

import numpy as np

import linreg_core as lc
from linreg_validation import (
    MAX_EPOCHS,
    DivergenceWatch,
    valid_batch_size,
    valid_epochs,
    valid_learning_rate,
    valid_number,
    valid_seed,
    valid_tau,
    valid_xy,
)


class MinibatchResult(NamedTuple):
    """What :func:`minibatch_gradient_descent` returns.

    ``ms`` and ``bs`` hold one entry per *update*, the start included:
    ``ms[t]`` is the slope after ``t`` updates. ``losses`` holds one entry
    per *epoch*, the start included: ``losses[e]`` is the MSE on the full
    data after ``e`` epochs, that is at update ``e * updates_per_epoch``.
    When training diverged, the histories stop at the last update before
    the loss blew up (``losses`` at the last complete epoch).
    """

    m: float
    b: float
    ms: np.ndarray
    bs: np.ndarray
    losses: np.ndarray
    diverged: bool
    updates_per_epoch: int


def _divergence_advice(x, lr, batch_size):
    if batch_size == x.size:
        return lc.divergence_advice(x, lr)
    return (
        f"the learning rate lr={lr:g} is too large for batches of {batch_size} point(s). "
        f"The loss of a small batch can be much steeper than the loss of all the data, so "
        f"small batches need an lr well below full-batch gradient descent's bound "
        f"{lc.stable_learning_rate(x):.3g}. Use a smaller lr or a larger batch, or scale x, "
        f"e.g. x_scaled = (x - x.mean()) / x.std()."
    )


def _full_loss(x, y, m, b):
    """The MSE on all the data, computed as :func:`linreg_core.gradient_descent` does."""
    return float(np.mean((y - (m * x + b)) ** 2))


def _full_loss_cheaply(x, y):
    """A function ``(m, b) -> MSE on all the data`` in O(1), from five averages.

    ``L = var(y) - 2 m cov(x, y) + m² var(x) + (ȳ - m x̄ - b)²`` (the MSE is the
    variance of the residuals plus their mean squared); between epoch ends it lets
    the loop watch for a blow-up after every update without a pass over the data.
    """
    x_mean, y_mean = x.mean(), y.mean()
    dx, dy = x - x_mean, y - y_mean
    var_x, var_y, cov_xy = np.mean(dx * dx), np.mean(dy * dy), np.mean(dx * dy)
    return lambda m, b: var_y - 2 * m * cov_xy + m * m * var_x + (y_mean - m * x_mean - b) ** 2


def minibatch_gradient_descent(x, y, lr, epochs, batch_size, seed=0, m0=0.0, b0=0.0, tau=None, warn=True):
    """Fit ``y ≈ m * x + b`` by mini-batch (or stochastic) gradient descent.

    Every epoch shuffles the points (with ``numpy.random.default_rng(seed)``,
    so the same seed gives the same run), splits them into batches of
    ``batch_size`` (the last one smaller if ``batch_size`` does not divide
    ``n``) and makes one update per batch, with the gradient of the MSE on
    that batch only. So each epoch visits every point exactly once.
    ``batch_size=1`` is stochastic gradient descent; ``batch_size=n`` is
    full-batch gradient descent and gives exactly :func:`linreg_core.gradient_descent`.

    The learning rate of update ``t`` (counting from 0) is
    ``lr / (1 + t / tau)``: constant when ``tau`` is None, otherwise it
    halves after ``tau`` updates and keeps shrinking, which lets the noisy
    steps settle at the minimum.

    Divergence is handled as in :func:`linreg_core.gradient_descent`: a
    :class:`DivergenceWatch` looks at the loss on all the data after every
    epoch (and, for a blow-up, after every update). When it says stop, the
    histories end at the last update before, ``diverged`` is True and one
    :class:`DivergenceWarning` (if ``warn``) gives advice.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D and of equal length.
    lr : float
        Learning rate (> 0); the starting one if ``tau`` is given.
    epochs : int
        Number of passes over the data (>= 1); all passes together may make at most
        10**7 updates (``MAX_EPOCHS``, which bounds the history's memory).
    batch_size : int
        Points per update, from 1 to ``n``.
    seed : int, optional
        Seed of the shuffles (>= 0).
    m0, b0 : float, optional
        Starting slope and intercept.
    tau : float or None, optional
        Decay time of the learning rate, in updates; None keeps it constant.
    warn : bool, optional
        Emit the warning on divergence (the explorer reports it itself).

    Returns
    -------
    MinibatchResult
        Final ``m`` and ``b``; per-update histories ``ms``, ``bs``; per-epoch
        ``losses`` on the full data; ``diverged``; ``updates_per_epoch``.
    """
    (x, y), lr, epochs = valid_xy(x, y), valid_learning_rate(lr), valid_epochs(epochs)
    batch_size, seed, tau = valid_batch_size(batch_size, x.size), valid_seed(seed), valid_tau(tau)
    m, b = valid_number(m0, "m0"), valid_number(b0, "b0")
    n = x.size
    per_epoch = -(-n // batch_size)  # ceil(n / batch_size)
    if epochs * per_epoch > MAX_EPOCHS:
        raise ValueError(
            f"{epochs:,} epochs of {per_epoch:,} updates each is more than {MAX_EPOCHS:,} updates: that "
            f"would run for many minutes and keep a history of {16 * epochs * per_epoch / 1e9:.1f} GB. "
            f"Use fewer epochs or a larger batch_size."
        )
    ms, bs = np.empty(epochs * per_epoch + 1), np.empty(epochs * per_epoch + 1)
    losses = np.empty(epochs + 1)
    rng = np.random.default_rng(seed)
    quick_loss = _full_loss_cheaply(x, y)
    ms[0], bs[0], losses[0] = m, b, _full_loss(x, y, m, b)
    watch = DivergenceWatch(losses[0])
    t = epoch = 0  # updates and whole epochs done so far
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is the watch's to report
        while epoch < epochs and not watch.stopped:
            # One batch of everything needs no shuffle: then it is exactly gradient_descent.
            order = None if batch_size == n else rng.permutation(n)
            for start in range(0, n, batch_size):
                batch = slice(None) if order is None else order[start : start + batch_size]
                xb, yb = x[batch], y[batch]
                y_pred = m * xb + b  # the gradient of notebook 2, on this batch only
                dm = -2 * np.mean(xb * (yb - y_pred))
                db = -2 * np.mean(yb - y_pred)
                eta = lr if tau is None else lr / (1 + t / tau)
                m_new, b_new = m - eta * dm, b - eta * db
                if start + batch_size >= n:  # the epoch's end: its exact loss decides
                    loss = _full_loss(x, y, m_new, b_new)
                    if watch.diverging(loss):
                        break
                    epoch += 1
                    losses[epoch] = loss
                elif watch.blown_up(quick_loss(m_new, b_new)) and watch.blown_up(
                    _full_loss(x, y, m_new, b_new)
                ):
                    watch.stopped = True  # confirmed with the exact loss
                    break
                m, b, t = m_new, b_new, t + 1
                ms[t], bs[t] = m, b
    diverged = watch.diverged
    if diverged and warn:
        stopped = (
            f"Mini-batch gradient descent diverged (stopped after {t} update(s), "
            f"{epoch} full epoch(s) of {epochs})"
        )
        watch.warn(stopped, _divergence_advice(x, lr, batch_size))
    return MinibatchResult(
        float(m), float(b), ms[: t + 1], bs[: t + 1], losses[: epoch + 1], diverged, per_epoch
    )
