"""Four- and five-parameter logistic standard curves for immunoassays (ELISA), in log concentration.

The 4PL is R's ``SSfpl`` in ``x = log(conc)``::

    y = A + (B - A) / (1 + exp((xmid - x) / scal))

(``A`` the response at zero concentration, ``B`` at saturation, ``xmid`` the log concentration at half
response, ``scal > 0`` the slope scale; a falling curve, as in competitive assays, has ``A > B``). The 5PL
raises the denominator to an asymmetry power ``s`` (Gottschalk & Dunn, Anal Biochem 2005;343:54-65)::

    y = A + (B - A) / (1 + exp((xmid - x) / scal)) ** s

Fits are (weighted) least squares, as R's ``nls``: the optimum is found by Levenberg-Marquardt on the
analytic Jacobian from automatic starting values (a logit regression, as ``SSfpl``'s initialiser
does), and the standard errors are ``nls``'s: ``sigma^2 (J'WJ)^-1`` with ``sigma^2`` the weighted
residual sum of squares over ``n - p``. Checked against R ``nls`` on R's ``DNase`` ELISA runs and on
simulated plates (tests/golden/elisa).

Concentrations are read back (`CurveFit.concentration`) by inverting the curve; the 95% interval is the
delta method on log concentration, combining the curve's parameter covariance with the variance of the
measured response (``sigma^2 / w / m`` for the mean of ``m`` replicate wells), with Student's t on the
fit's residual degrees of freedom. A response outside the open interval between the asymptotes has no
concentration: it is reported as such, never extrapolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

MODELS = ("4pl", "5pl")
WEIGHTS = ("none", "1/y", "1/y2")
PARAMETERS = {"4pl": ("A", "B", "xmid", "scal"), "5pl": ("A", "B", "xmid", "scal", "s")}


class CurveNotFitted(ValueError):
    """The standards do not determine a curve (too few levels, no convergence, flat response)."""


def _softplus(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.logaddexp(0.0, z)


def _expit(z: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy.special import expit

    return np.asarray(expit(z), dtype=float)


def _curve(theta: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    a, b, xmid, scal = theta[:4]
    s = theta[4] if len(theta) == 5 else 1.0
    z = (xmid - x) / scal
    return np.asarray(a + (b - a) * np.exp(-s * _softplus(z)), dtype=float)


def _jacobian(theta: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """d curve / d theta, computed in the log domain so that steep curves do not overflow."""
    a, b, xmid, scal = theta[:4]
    s = theta[4] if len(theta) == 5 else 1.0
    z = (xmid - x) / scal
    u = np.exp(-s * _softplus(z))  # (1 + e^z)^-s
    du_dz = -s * u * _expit(z)
    columns = [1.0 - u, u, (b - a) * du_dz / scal, -(b - a) * du_dz * z / scal]
    if len(theta) == 5:
        columns.append(-(b - a) * u * _softplus(z))
    return np.column_stack([np.broadcast_to(column, x.shape) for column in columns])


@dataclass(frozen=True)
class CurveFit:
    """A fitted standard curve: parameters (`names`), their covariance, the residual SE and df, as
    ``summary(nls(...))`` gives them; `rss` is the weighted residual sum of squares (the objective)."""

    model: str
    weights: str
    names: tuple[str, ...]
    estimates: tuple[float, ...]
    covariance: NDArray[np.float64]
    sigma: float
    df: int
    rss: float
    r_squared: float
    iterations: int

    @property
    def standard_errors(self) -> tuple[float, ...]:
        return tuple(float(value) for value in np.sqrt(np.diag(self.covariance)))

    def response(self, conc: ArrayLike) -> NDArray[np.float64]:
        """The curve's response at concentrations (> 0)."""
        return _curve(np.array(self.estimates), np.log(np.asarray(conc, dtype=float)))

    def asymptotes(self) -> tuple[float, float]:
        """The response at zero concentration and at saturation (``A``, ``B``)."""
        return self.estimates[0], self.estimates[1]

    def log_concentration(self, y: ArrayLike) -> NDArray[np.float64]:
        """log concentration at each response; NaN where the response is not strictly between the
        asymptotes (no concentration is read off a curve beyond its range)."""
        theta = np.array(self.estimates)
        a, b, xmid, scal = theta[:4]
        s = theta[4] if len(theta) == 5 else 1.0
        u = (np.asarray(y, dtype=float) - a) / (b - a)
        inside = (u > 0) & (u < 1)
        safe = np.where(inside, u, 0.5)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = xmid - scal * np.log(np.expm1(-np.log(safe) / s))
        return np.where(inside & np.isfinite(x), x, np.nan)

    def concentration(self, y: ArrayLike, replicates: ArrayLike = 1, level: float = 0.95
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Concentration read back from each response (the mean of `replicates` wells), with its
        `level` interval by the delta method on log concentration (see the module docstring)."""
        from scipy.stats import t as student_t

        response = np.atleast_1d(np.asarray(y, dtype=np.float64))
        m = np.broadcast_to(np.asarray(replicates, dtype=float), response.shape)
        x = self.log_concentration(response)
        theta = np.array(self.estimates)
        at = np.where(np.isnan(x), 0.0, x)
        jac = _jacobian(theta, at)
        slope = -jac[:, 2]  # d curve / dx = -d curve / d xmid
        with np.errstate(divide="ignore", invalid="ignore"):
            gradient = -jac / slope[:, None]
            weight = _weights(self.weights, response)
            variance = (np.einsum("ij,jk,ik->i", gradient, self.covariance, gradient)
                        + self.sigma ** 2 / (weight * m) / slope ** 2)
        half = float(student_t.ppf(0.5 + level / 2, self.df)) * np.sqrt(variance)
        return np.exp(x), np.exp(x - half), np.exp(x + half)


def _weights(rule: str, y: NDArray[np.float64]) -> NDArray[np.floating[Any]]:
    if rule == "none":
        return np.ones_like(y)
    with np.errstate(divide="ignore"):
        return 1.0 / y if rule == "1/y" else 1.0 / y ** 2


def _start(x: NDArray[np.float64], y: NDArray[np.float64]) -> list[NDArray[np.float64]]:
    """Starting values: asymptotes just beyond the observed responses (on the side of the lowest and
    highest concentration), then xmid and scal from the regression of x on the logit of the response,
    as R's ``SSfpl`` initialiser; several margins, the best fit wins."""
    order = np.argsort(x)
    low, high = y[order[0]], y[order[-1]]
    spread = float(np.ptp(y)) or 1.0
    starts = []
    for margin in (0.05, 0.01, 0.2, 0.5):
        a = low - margin * spread * np.sign(high - low or 1.0)
        b = high + margin * spread * np.sign(high - low or 1.0)
        u = np.clip((y - a) / (b - a), 1e-6, 1 - 1e-6)
        logit = np.log(u / (1 - u))
        if np.ptp(logit) == 0:
            continue
        scal, xmid = np.polyfit(logit, x, 1)
        if scal == 0 or not np.isfinite(scal):
            continue
        starts.append(np.array([a, b, xmid, scal]))
    return starts


def _least_squares(theta0: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64],
                   root_w: NDArray[np.float64]) -> tuple[NDArray[np.float64], int] | None:
    from scipy.optimize import least_squares

    try:
        solution = least_squares(lambda theta: root_w * (_curve(theta, x) - y), theta0,
                                 jac=lambda theta: root_w[:, None] * _jacobian(theta, x),
                                 method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
    except (ValueError, np.linalg.LinAlgError):
        return None
    if solution.status <= 0 or not np.all(np.isfinite(solution.x)):
        return None
    return solution.x, int(solution.nfev)


def fit_curve(conc: ArrayLike, y: ArrayLike, *, model: str = "4pl", weights: str = "none") -> CurveFit:
    """Fit a 4PL or 5PL standard curve to standards (`conc` > 0, responses `y`) by (weighted) least
    squares in log concentration; `weights` ``1/y`` or ``1/y2`` weight each well by its observed
    response, as ``nls(..., weights = 1/y)``. Raises `CurveNotFitted` with the reason."""
    if model not in MODELS:
        raise ValueError(f"unknown curve model '{model}' (use {', '.join(MODELS)})")
    if weights not in WEIGHTS:
        raise ValueError(f"unknown weights '{weights}' (use {', '.join(WEIGHTS)})")
    conc = np.asarray(conc, dtype=float)
    y = np.asarray(y, dtype=float)
    names = PARAMETERS[model]
    levels = np.unique(conc)
    if len(levels) < len(names) + 1:
        raise CurveNotFitted(f"{len(levels)} standard concentrations: a {model.upper()} curve needs at least "
                             f"{len(names) + 1}")
    if np.any(conc <= 0):
        raise CurveNotFitted("a standard concentration is not above 0")
    w = _weights(weights, y)
    if weights != "none" and np.any(~np.isfinite(w) | (w <= 0)):
        raise CurveNotFitted(f"weights {weights} need every standard's response above 0 (after the blank)")
    x, root_w = np.log(conc), np.sqrt(w)
    best: tuple[NDArray[np.float64], int] | None = None
    for theta0 in _start(x, y):
        fitted = _least_squares(theta0, x, y, root_w)
        if fitted is None:
            continue
        if model == "5pl":
            fitted = _least_squares(np.append(fitted[0], 1.0), x, y, root_w)
            if fitted is None:
                continue
        if best is None or _rss(fitted[0], x, y, w) < _rss(best[0], x, y, w):
            best = fitted
    if best is None:
        raise CurveNotFitted("the fit did not converge")
    theta, iterations = best
    if model == "4pl" and theta[3] < 0:
        # the 4PL is unchanged by swapping the asymptotes and negating scal: keep R's SSfpl form, where
        # A is the response at zero concentration and scal > 0
        theta = np.array([theta[1], theta[0], theta[2], -theta[3]])
    residual_df = len(y) - len(names)
    rss = _rss(theta, x, y, w)
    jac = root_w[:, None] * _jacobian(theta, x)
    try:
        unscaled = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        raise CurveNotFitted("the curve's parameters are not determined by the standards (singular fit)") from None
    if not np.all(np.isfinite(unscaled)) or np.any(np.diag(unscaled) <= 0):
        raise CurveNotFitted("the curve's parameters are not determined by the standards (singular fit)")
    sigma2 = rss / residual_df if residual_df > 0 else math.nan
    total = float(np.sum((y - y.mean()) ** 2))
    unweighted = float(np.sum((_curve(theta, x) - y) ** 2))
    return CurveFit(model=model, weights=weights, names=names, estimates=tuple(float(v) for v in theta),
                    covariance=np.asarray(sigma2 * unscaled, dtype=np.float64), sigma=math.sqrt(sigma2),
                    df=residual_df, rss=rss,
                    r_squared=1 - unweighted / total if total > 0 else math.nan, iterations=iterations)


def _rss(theta: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64],
         w: NDArray[np.floating[Any]]) -> float:
    return float(np.sum(w * (_curve(theta, x) - y) ** 2))
