"""The maths behind the pictures: what the lessons compute that is not in the core.

The core (``linreg_core``) is what students read, in teaching order; this module holds the rest
of the maths the notebooks and explorers show: the line of least absolute error (outliers), the
loss of any line in constant time and the four points that train like the whole data (so an
explorer answers as fast for 10⁵ points as for 200), Play's schedule of epochs, the valley's
curvature and a lookup-table model. Numbers only: nothing here draws.
"""

import math

import numpy as np

import linreg_core as lc
import linreg_validation as lv

# --------------------------------------------------------------------------
# Notebook 01: the mean absolute error and its best line (outliers)
# --------------------------------------------------------------------------


def mean_absolute_error(x, y, m, b):
    """The MAE ``(1/n) * sum(|y - (m x + b)|)`` of the line ``(m, b)``."""
    x, y = lv.valid_xy(x, y)
    return float(np.mean(np.abs(y - (m * x + b))))


def mae_line(x, y):
    """Slope and intercept of the line with the smallest mean absolute error.

    For a fixed slope ``m`` the best intercept is ``median(y - m x)``; the MAE
    of that line, as a function of ``m`` alone, is convex and piecewise
    linear, so a golden-section search finds its minimum (to about 1e-12 of
    the slope's natural unit ``std(y) / std(x)``). An optimum is always a
    line through two data points, so the search ends by trying the lines
    through the points closest to the line found and keeps any that does
    better: the answer is then exact up to rounding. When several lines
    share the smallest MAE, one of them is returned.

    Returns
    -------
    (float, float)
        ``(m, b)``.
    """
    x, y = lv.valid_xy(x, y)
    if np.ptp(x) == 0:
        raise ValueError(
            f"All x values are equal (x = {x[0]:g}), so the slope is undefined: "
            f"use data with at least two different x values."
        )

    def loss(m):  # the MAE of the best line with slope m
        shifted = y - m * x
        return float(np.mean(np.abs(shifted - np.median(shifted))))

    m_mid = lc.closed_form(x, y)[0]
    unit = (np.std(y) / np.std(x)) or 1.0 / np.std(x)
    # Bracket: widen each end until the loss there is no lower than at m_mid (convexity
    # then puts a minimum between the ends).
    f_mid, ends = loss(m_mid), []
    for sign in (-1.0, 1.0):
        width = unit
        while loss(m_mid + sign * width) < f_mid:
            width *= 2.0
        ends.append(m_mid + sign * width)
    lo, hi = ends
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    f_c, f_d = loss(c), loss(d)
    while hi - lo > 1e-12 * unit:
        if f_c <= f_d:
            hi, d, f_d = d, c, f_c
            c = hi - ratio * (hi - lo)
            f_c = loss(c)
        else:
            lo, c, f_c = c, d, f_d
            d = lo + ratio * (hi - lo)
            f_d = loss(d)
    m = (lo + hi) / 2.0
    b = float(np.median(y - m * x))
    # Snap to the exact optimum: a line through two of the points nearest to this one.
    near = np.argsort(np.abs(y - (m * x + b)))[:4]
    best = (mean_absolute_error(x, y, m, b), m, b)
    for i in near:
        for j in near:
            if x[i] < x[j]:
                m_ij = (y[j] - y[i]) / (x[j] - x[i])
                b_ij = y[i] - m_ij * x[i]
                best = min(best, (mean_absolute_error(x, y, m_ij, b_ij), m_ij, b_ij))
    return float(best[1]), float(best[2])


# --------------------------------------------------------------------------
# Large data in constant time: what the explorers compute once per data set
# --------------------------------------------------------------------------


#: Explorers draw at most this many residuals: beyond it, a seeded random sample of the
#: points (:func:`residual_sample`), so the plot stays readable and a slider move costs
#: the same for five points or a hundred thousand.
MAX_RESIDUALS = 300


def residual_sample(n, size=MAX_RESIDUALS, seed=0):
    """Indices of the points whose residuals are drawn: all ``n`` up to ``size``; else
    ``size`` of them drawn without replacement by ``numpy.random.default_rng(seed)``, in
    increasing order, so the same data always shows the same sample."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


class LineLoss:
    """The MSE and R² of any line ``(m, b)`` on fixed data, in constant time.

    Five averages are taken once: the means ``x̄``, ``ȳ`` and the centred
    ``Sxx = mean((x − x̄)²)``, ``Sxy = mean((x − x̄)(y − ȳ))``, ``Syy = mean((y − ȳ)²)``.
    With the least-squares slope ``m̂ = Sxy / Sxx`` and ``Sres``, the MSE of the
    least-squares line (computed once from the data),

        ``L(m, b) = Sres + Sxx·(m − m̂)² + (ȳ − m·x̄ − b)²``

    (expand ``mean((y − m x − b)²)`` around the centroid). All three terms are
    non-negative, so nothing cancels and the result agrees with
    ``mean((y − m*x − b)**2)`` to rounding (tested to 1e-12 relative at n = 10⁵).
    ``R² = 1 − L / Syy``.
    """

    def __init__(self, x, y):
        self.x_mean, self.y_mean = float(np.mean(x)), float(np.mean(y))
        xc, yc = x - self.x_mean, y - self.y_mean
        self.sxx, self.syy = float(np.mean(xc * xc)), float(np.mean(yc * yc))
        self.sxy = float(np.mean(xc * yc))
        self.m_hat = self.sxy / self.sxx if self.sxx > 0 else 0.0
        self.s_res = float(np.mean((yc - self.m_hat * xc) ** 2))

    def __call__(self, m, b):
        offset = self.y_mean - m * self.x_mean - b
        return self.s_res + self.sxx * (m - self.m_hat) ** 2 + offset * offset

    def r_squared(self, m, b):
        return 1.0 - self(m, b) / self.syy


def loss_grid(x, y, m_values, b_values):
    """The MSE at every grid point: equal to ``lc.loss_surface(x, y, m_values, b_values)``.

    The same numbers (to rounding, about 1e-12 relative) and shape ``(len(b_values),
    len(m_values))``, but from the five averages of :class:`LineLoss` instead of a pass
    over the data per grid point, so a contour of n = 10⁵ points takes no longer than
    one of 200. The lesson's literal version stays in the core.
    """
    x, y = lv.valid_xy(x, y)
    m_values = lv.valid_vector(m_values, "m_values")
    b_values = lv.valid_vector(b_values, "b_values")
    return LineLoss(x, y)(m_values[np.newaxis, :], b_values[:, np.newaxis])


#: Above this many points the training explorers run gradient descent on the four points
#: of :func:`equivalent_data`: the same path and losses, in a time that does not grow with n.
EQUIVALENT_ABOVE = 1000


def equivalent_data(x, y):
    """Four points on which gradient descent takes exactly the steps it takes on ``(x, y)``.

    Full-batch gradient descent on the MSE sees the data only through five
    averages: ``mean(x)``, ``mean(y)``, ``mean(x²)``, ``mean(x·y)`` (the
    gradient) and ``mean(y²)`` (the loss). With ``s = std(x)``,
    ``c = cov(x, y) / s``, ``V = var(y)`` and ``p, q = c ± √(V − c²)``, the
    four points ``(x̄ + s, ȳ + p)``, ``(x̄ + s, ȳ + q)``, ``(x̄ − s, ȳ − p)``,
    ``(x̄ − s, ȳ − q)`` have the same five averages, so
    :func:`linreg_core.gradient_descent` on them records the same ``m``, ``b``
    and losses (equal up to rounding, about 1e-13 relative) and stops at the same epoch
    if it diverges, at a cost per epoch that does not depend on ``n``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The four ``x`` and ``y`` values; ``(x, y)`` itself for at most
        :data:`EQUIVALENT_ABOVE` points or a constant ``x``.
    """
    if x.size <= EQUIVALENT_ABOVE:
        return x, y
    sums = LineLoss(x, y)
    s = math.sqrt(sums.sxx)
    if s == 0:
        return x, y
    c = sums.sxy / s
    root = math.sqrt(max(sums.syy - c * c, 0.0))  # ≥ 0 by Cauchy–Schwarz, up to rounding
    p, q = c + root, c - root
    x_mean, y_mean = sums.x_mean, sums.y_mean
    return (
        np.array([x_mean + s, x_mean + s, x_mean - s, x_mean - s]),
        np.array([y_mean + p, y_mean + q, y_mean - p, y_mean - q]),
    )


# --------------------------------------------------------------------------
# Notebook 04: Play's epochs; notebooks 03 and 04: the valley floor, a lookup table
# --------------------------------------------------------------------------


#: Play shows every epoch on this many first frames, then speeds up.
PLAY_SLOW_FRAMES = 20


def play_epochs(epochs, frames=100, slow=PLAY_SLOW_FRAMES):
    """The epoch that Play shows at each frame: every epoch at first, then faster.

    The first ``slow`` frames show epochs 0, 1, …, ``slow - 1`` (where the
    loss falls fastest); after that the epochs grow geometrically (the same
    ratio from frame to frame) to end exactly at ``epochs``. Repeated epochs
    are dropped, so there are at most ``frames`` frames. A shorter run, of
    fewer than ``1.25 × frames`` epochs, shows every epoch instead (skipping a
    handful of a hundred would not be faster, only confusing).

    Parameters
    ----------
    epochs : int
        The last epoch of the run (0 or more).
    frames : int
        The most frames to show (more than ``slow``).
    slow : int
        How many first frames show consecutive epochs.

    Returns
    -------
    numpy.ndarray
        Increasing whole numbers, from 0 to ``epochs``: the epoch of each frame.

    Examples
    --------
    >>> play_epochs(5).tolist()
    [0, 1, 2, 3, 4, 5]
    >>> schedule = play_epochs(300)
    >>> schedule[:21].tolist() == list(range(21)), int(schedule[-1]), len(schedule)
    (True, 300, 100)
    """
    epochs = lv.valid_whole_number(epochs, "epochs", low=0)
    slow = lv.valid_whole_number(slow, "slow")
    frames = lv.valid_whole_number(frames, "frames", low=slow + 1)
    if epochs < frames * 5 // 4:
        return np.arange(epochs + 1)
    head = np.arange(slow)
    best = None
    # More geometric points than frames are needed, as rounding makes repeats at the start.
    for count in range(frames - slow, 2 * frames):
        tail = np.rint(np.geomspace(slow, epochs, count)).astype(int)
        schedule = np.unique(np.concatenate([head, tail]))
        if len(schedule) > frames:
            break
        best = schedule
    return best


def floor_curvature(x):
    """The loss's curvature along the floor of its valley, ``4·var(x) / c`` with ``c = 2 / stable lr``.

    Along the floor the best ``m`` for each ``b`` moves with ``b``; the two curvatures of the
    bowl (across and along the valley) multiply to ``4·var(x)``.
    """
    x = lv.valid_vector(x, "x")
    return 4 * float(np.var(x)) * lc.stable_learning_rate(x) / 2


def lookup_table(x_train, y_train, x_new):
    """Predict like a lookup table that memorised the training set.

    Each new ``x`` gets the mean ``y`` of the training points whose ``x`` is closest to it (all of
    them when several lie at the same distance). It fits the training points better than any line,
    because it repeats them, and says nothing about points between them.

    Examples
    --------
    >>> lookup_table([1, 1, 2, 5], [10, 20, 30, 50], [1, 2, 4, 9]).tolist()
    [15.0, 30.0, 50.0, 50.0]
    """
    x_train, y_train = lv.valid_xy(x_train, y_train, ("x_train", "y_train"))
    x_new = lv.valid_vector(x_new, "x_new")
    predictions = np.empty(len(x_new))
    for i, value in enumerate(x_new):
        distance = np.abs(x_train - value)
        closest = distance == distance.min()
        predictions[i] = np.mean(y_train[closest])
    return predictions
