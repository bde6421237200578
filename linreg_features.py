"""Several features (notebook 07): the normal equation and vector gradient descent.

With p features the model is ``y_pred = b + w_1 x_1 + ... + w_p x_p``. The
functions take the features as a matrix ``X`` with one row per data point and
one column per feature (no column of ones: they add it), and return the
weights with the intercept first, ``w = (b, w_1, ..., w_p)``. For one feature
they agree with ``linreg_core``'s ``gradients``, ``closed_form`` and
``gradient_descent``.
"""

from typing import NamedTuple

import numpy as np

from linreg_validation import (
    DivergenceWatch,
    valid_epochs,
    valid_features_target,
    valid_learning_rate,
    valid_matrix,
    valid_weights,
)


class MultiTrainingResult(NamedTuple):
    """What :func:`gradient_descent_multi` returns.

    ``weights_history[k]`` holds the weights after ``k`` updates (row 0 is
    the start) and ``losses[k]`` the MSE there; both have ``epochs + 1``
    rows, or fewer when training diverged and stopped early. Every weight
    vector has the intercept first: ``(b, w_1, ..., w_p)``.
    """

    weights: np.ndarray
    weights_history: np.ndarray
    losses: np.ndarray
    diverged: bool


#: Smallest ratio of singular values of the centred, scaled features that we
#: accept. Below it the normal equation (which squares the ratio) keeps no
#: correct digit in double precision: the weights are not determined by the data.
COLLINEARITY_TOLERANCE = 1e-8


def _scaled_features(X):
    """Centre each feature and scale it to unit length, refusing unusable features.

    Returns ``(Z, mean, scale)`` with ``X = mean + Z * scale``. Raises a clear
    error if a column is constant (it duplicates the intercept), if there are
    too few rows, or if the columns are (nearly) linearly dependent, since then
    no unique set of weights fits best.
    """
    n, p = X.shape
    constant = np.flatnonzero(np.ptp(X, axis=0) == 0)
    if constant.size:
        j = int(constant[0])
        raise ValueError(
            f"Feature column {j} of X is constant (every value is {X[0, j]:g}). It carries no "
            f"information beyond the intercept, and next to the column of ones it makes the "
            f"weights undetermined. Drop that column."
        )
    if n < p + 1:
        raise ValueError(
            f"X has {n} rows but {p} features: fitting {p + 1} weights (the intercept and one "
            f"per feature) needs at least {p + 1} data points."
        )
    mean = X.mean(axis=0)
    centred = X - mean
    scale = np.sqrt(np.sum(centred * centred, axis=0))
    Z = centred / scale
    _, singular, vt = np.linalg.svd(Z, full_matrices=False)
    if singular[-1] < COLLINEARITY_TOLERANCE * singular[0]:
        involved = np.flatnonzero(np.abs(vt[-1]) > 1e-3)
        columns = ", ".join(str(j) for j in involved)
        raise ValueError(
            f"The features of X are (nearly) linearly dependent: columns {columns} are tied "
            f"together (one is, up to rounding, a combination of the others, e.g. the same "
            f"length in mm and in cm). Then many different weights fit equally well and the "
            f"normal equation has no unique solution. Drop one of those columns."
        )
    return Z, mean, scale


def design_matrix(X):
    """Put a column of ones in front of the features.

    With the design matrix ``[1 X]`` the predictions of all points are one
    matrix product, ``y_pred = design_matrix(X) @ w`` with ``w = (b, w_1, ...)``:
    the ones multiply the intercept ``b``.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``: one row per data point, one column per
        feature. For one feature pass ``x.reshape(-1, 1)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, p + 1)``; column 0 is all ones.

    Examples
    --------
    >>> design_matrix([[2.0, 5.0], [3.0, 7.0]])
    array([[1., 2., 5.],
           [1., 3., 7.]])
    """
    X = valid_matrix(X, "X")
    return np.column_stack([np.ones(X.shape[0]), X])


def predict_multi(X, weights):
    """Predictions ``b + w_1 x_1 + ... + w_p x_p`` for every row of ``X``.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``.
    weights : array_like
        ``(b, w_1, ..., w_p)``, intercept first, as returned by
        :func:`normal_equation` or :func:`gradient_descent_multi`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.
    """
    A = design_matrix(X)
    return A @ valid_weights(weights, A.shape[1] - 1)


def gradients_multi(X, y, weights):
    """The gradient of the MSE with respect to every weight, in vector form.

    ``grad = -(2/n) * A.T @ (y - A @ w)`` with the design matrix
    ``A = design_matrix(X)``. Entry 0 is ``dL/db``; entry ``j`` is
    ``dL/dw_j``. For one feature it equals ``(db, dm)`` of :func:`gradients`.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``.
    y : array_like
        Targets, shape ``(n,)``.
    weights : array_like
        ``(b, w_1, ..., w_p)``, the point where the gradient is taken.

    Returns
    -------
    numpy.ndarray
        Shape ``(p + 1,)``.
    """
    X, y = valid_features_target(X, y)
    A = np.column_stack([np.ones(X.shape[0]), X])
    w = valid_weights(weights, X.shape[1])
    return -2 * (A.T @ (y - A @ w)) / y.size


def normal_equation(X, y):
    """Exact least-squares weights for several features.

    Setting the gradient to zero gives the normal equation
    ``A.T @ A @ w = A.T @ y`` with ``A = design_matrix(X)``. We solve it
    with :func:`numpy.linalg.solve` and never invert a matrix: an inverse
    costs more and loses more digits, and we only need its product with one
    vector. Like :func:`closed_form`, we first centre each feature, which
    splits off the intercept (``b = mean(y) - mean(X) @ w``), and scale it
    to unit length. That is the same equation, but the matrix we solve with
    is far better conditioned, so the result keeps many more correct digits
    when features are large (years, grams) or far from zero.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``, one row per data point. No column of
        ones (it is added here) and no constant or linearly dependent columns.
    y : array_like
        Targets, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``(b, w_1, ..., w_p)``, intercept first, shape ``(p + 1,)``.

    Raises
    ------
    ValueError
        If a column is constant, the columns are (nearly) linearly
        dependent, or there are fewer than ``p + 1`` rows: then no unique
        best weights exist.

    Examples
    --------
    >>> normal_equation([[0, 0], [1, 0], [0, 1], [1, 1]], [1, 3, 4, 6])
    array([1., 2., 3.])
    """
    X, y = valid_features_target(X, y)
    Z, mean, scale = _scaled_features(X)
    y_mean = y.mean()
    w = np.linalg.solve(Z.T @ Z, Z.T @ (y - y_mean)) / scale
    return np.concatenate([[y_mean - mean @ w], w])


def stable_learning_rate_multi(X):
    """The largest learning rate for which :func:`gradient_descent_multi` converges.

    ``2 / lambda_max`` of the loss's Hessian ``(2/n) A.T @ A`` with
    ``A = design_matrix(X)``, as :func:`stable_learning_rate` for one feature.
    Standardised features (mean 0, standard deviation 1) allow ``lr`` of at
    least ``1 / p`` for ``p`` features.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)``.

    Returns
    -------
    float
    """
    A = design_matrix(X)
    return float(2 / np.linalg.eigvalsh(2 * (A.T @ A) / A.shape[0])[-1])


def _divergence_advice(X, lr):
    bound = stable_learning_rate_multi(X)
    return (
        f"the learning rate lr={lr:g} is too large for these features: gradient descent "
        f"only converges for lr < {bound:.3g} (2 / the curvature of the loss in its steepest "
        f"direction). Use a smaller lr, or standardise every feature column, e.g. "
        f"Z = (X - X.mean(axis=0)) / X.std(axis=0), which allows lr of at least "
        f"1 / (number of features)."
    )


def gradient_descent_multi(X, y, lr, epochs, w0=None, warn=True):
    """Fit ``y ≈ b + w_1 x_1 + ... + w_p x_p`` by full-batch gradient descent.

    Each epoch applies ``w <- w - lr * grad`` with the vector gradient
    ``grad = -(2/n) * A.T @ (y - A @ w)`` (:func:`gradients_multi`). As in
    :func:`gradient_descent`, if the loss blows up (more than
    ``DivergenceWatch.FACTOR`` = 10**6 times the starting loss, or not finite)
    training stops at once and returns the history so far with ``diverged=True``
    (likewise if it keeps rising for ``DivergenceWatch.RISING_EPOCHS`` epochs in a row),
    after one :class:`DivergenceWarning` that names the stable bound.
    Gradient descent on raw features of very different sizes converges
    very slowly: standardise them first and convert the weights back.

    Parameters
    ----------
    X : array_like
        Features, shape ``(n, p)`` (no column of ones).
    y : array_like
        Targets, shape ``(n,)``.
    lr : float
        Learning rate (> 0).
    epochs : int
        Number of updates, 1 to 10**7 (``MAX_EPOCHS``, which bounds the history's memory).
    w0 : array_like, optional
        Starting weights ``(b, w_1, ..., w_p)``; zeros by default.
    warn : bool, optional
        Emit the warning on divergence.

    Returns
    -------
    MultiTrainingResult
        Final ``weights``, ``weights_history`` of shape ``(epochs + 1, p + 1)``,
        ``losses`` and the ``diverged`` flag. Memory grows as epochs × features.
    """
    (X, y), lr, epochs = valid_features_target(X, y), valid_learning_rate(lr), valid_epochs(epochs)
    _scaled_features(X)  # refuse constant or dependent columns, with a clear message
    n, p = X.shape
    w = np.zeros(p + 1) if w0 is None else valid_weights(w0, p, "w0").copy()
    A = design_matrix(X)
    history, losses = [], []
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is the watch's to report
        for epoch in range(epochs + 1):
            residuals = y - A @ w
            loss = float(residuals @ residuals) / n
            if epoch == 0:
                watch = DivergenceWatch(loss)
            elif watch.diverging(loss):
                break
            history.append(w), losses.append(loss)
            w = w - lr * (-2 * (A.T @ residuals) / n)  # w <- w - lr * grad
    diverged = watch.diverged
    if diverged and warn:
        how = (
            f"stopped after epoch {len(losses) - 1} of {epochs}" if watch.stopped else "ended above its start"
        )
        stopped = f"Gradient descent diverged ({how})"
        watch.warn(stopped, _divergence_advice(X, lr))
    return MultiTrainingResult(history[-1].copy(), np.array(history), np.array(losses), diverged)
