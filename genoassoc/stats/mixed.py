"""Linear mixed models for repeated measurements (IL-6 at baseline, day 15, week 3, progression):
outcome ~ fixed effects + (1 | sample), or + (time | sample) with a correlated random slope, fitted
by REML as R ``lme4::lmer`` does.

statsmodels' ``MixedLM`` gives the starting values. Its optimiser cannot reach an optimum on the
boundary (a random-effect variance of zero or a correlation of ±1, lme4's "singular fit"): on the
example study's random-slope model it stops at a REML deviance of 126.171 where lme4 reaches 126.144,
with a correlation of −0.92 instead of −1. So the REML criterion is then minimised as lme4 does it:
profiled over the fixed effects and the residual variance, in the relative Cholesky factor theta
with its diagonal bounded at zero (Bates et al. 2015, J Stat Softw 67(1), eq. 41), by L-BFGS-B
from both statsmodels' estimate and lme4's start (theta = identity), keeping the better. Fixed
effects and their covariance sigma² (X'V⁻¹X)⁻¹ follow from theta, as ``fixef`` and ``vcov``.

A singular fit is flagged (lme4's ``isSingular``: a diagonal element of theta below 1e-4): its
variance components sit on the boundary, and the fixed effects stay interpretable. Fixed-effect
p-values are Wald z-tests; lme4 prints none, and the Satterthwaite tests of ``lmerTest`` are a
little larger in small samples.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from genoassoc.errors import InputError

SINGULAR = 1e-4


@dataclass(frozen=True)
class FixedEffect:
    term: str
    estimate: float
    se: float
    ci_lo: float
    ci_hi: float
    z: float
    p: float


@dataclass(frozen=True)
class MixedFit:
    fixed: dict[str, FixedEffect]
    sd_intercept: float
    sd_slope: float  # NaN without a random slope
    correlation: float  # of random intercept and slope; NaN without
    sd_residual: float
    n_observations: int
    n_groups: int
    reml_loglik: float  # as R logLik(fit) of a REML fit
    converged: bool
    singular: bool


def _singular(theta_factor: NDArray[Any]) -> bool:
    """lme4's ``isSingular``: a diagonal element of the relative Cholesky factor below 1e-4."""
    return bool((np.abs(np.diag(theta_factor)) < SINGULAR).any())


class _Criterion:
    """lme4's profiled REML deviance as a function of theta, from per-group cross-products (so one
    evaluation costs O(groups · q³), vectorised)."""

    def __init__(self, y: NDArray[Any], X: NDArray[Any], Z: NDArray[Any], labels: NDArray[Any]) -> None:
        codes, _ = pd.factorize(labels)
        groups = codes.max() + 1
        q, p = Z.shape[1], X.shape[1]
        self.ZtZ = np.zeros((groups, q, q))
        self.ZtX = np.zeros((groups, q, p))
        self.Zty = np.zeros((groups, q))
        np.add.at(self.ZtZ, codes, Z[:, :, None] * Z[:, None, :])
        np.add.at(self.ZtX, codes, Z[:, :, None] * X[:, None, :])
        np.add.at(self.Zty, codes, Z * y[:, None])
        self.XtX, self.Xty, self.yty = X.T @ X, X.T @ y, float(y @ y)
        self.n, self.p, self.q = len(y), p, q

    def factor(self, theta: NDArray[Any]) -> NDArray[Any]:
        factor = np.zeros((self.q, self.q))
        factor[np.tril_indices(self.q)] = theta
        return factor

    def solve(self, theta: NDArray[Any]) -> tuple[float, NDArray[Any], NDArray[Any], float]:
        """(deviance, beta, A = X'V⁻¹X relative to sigma², sigma²)."""
        factor = self.factor(theta)
        # M = I + Λ'Z'ZΛ per group; V⁻¹ = I − ZΛ M⁻¹ Λ'Z' (Woodbury)
        M = np.eye(self.q) + factor.T @ self.ZtZ @ factor
        LtZtX, LtZty = factor.T @ self.ZtX, np.einsum("ji,gj->gi", factor, self.Zty)
        solved_X, solved_y = np.linalg.solve(M, LtZtX), np.linalg.solve(M, LtZty[..., None])[..., 0]
        A = self.XtX - np.einsum("gqi,gqj->ij", LtZtX, solved_X)
        b = self.Xty - np.einsum("gqi,gq->i", LtZtX, solved_y)
        yy = self.yty - float(np.einsum("gq,gq->", LtZty, solved_y))
        beta = np.linalg.solve(A, b)
        residual = max(yy - float(beta @ b), 1e-300)
        log_det_v = float(np.linalg.slogdet(M)[1].sum())
        dof = self.n - self.p
        deviance = log_det_v + float(np.linalg.slogdet(A)[1]) + dof * (1 + math.log(2 * math.pi * residual / dof))
        return deviance, beta, A, residual / dof

    def __call__(self, theta: NDArray[Any]) -> float:
        return self.solve(theta)[0]


def _statsmodels_start(y: NDArray[Any], X: NDArray[Any], random: NDArray[Any],
                       labels: NDArray[Any]) -> NDArray[Any] | None:
    """theta from statsmodels' REML fit (columns scaled to unit SD for its optimiser), or None."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    spread = X.std(axis=0)
    scale = np.where(spread > 0, spread, 1.0)
    random_spread = random.std(axis=0)
    random_scale = np.where(random_spread > 0, random_spread, 1.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = MixedLM(y, X / scale, groups=labels, exog_re=random / random_scale).fit(reml=True, method=["bfgs"],
                                                                                      gtol=1e-10, maxiter=2000)
        unscale = np.diag(1 / random_scale)
        relative = unscale @ np.asarray(fit.cov_re, float) @ unscale / fit.scale
        factor = np.linalg.cholesky(relative + 1e-12 * np.eye(len(relative)))
    except (np.linalg.LinAlgError, ValueError):
        return None
    return factor[np.tril_indices(len(relative))]


def linear_mixed(outcome: ArrayLike, design: pd.DataFrame, groups: ArrayLike, slope: ArrayLike | None = None,
                 conf_level: float = 0.95) -> MixedFit:
    """REML fit of `outcome` on the columns of `design` (an intercept column included by the caller)
    with a random intercept per group and, when `slope` is given, a correlated random slope on it."""
    y = np.asarray(outcome, float)
    X = design.to_numpy(float)
    labels = np.asarray(groups)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise InputError("the fixed effects are collinear (a genotype group without repeated measurements?)")
    if len(np.unique(labels)) < 3:
        raise InputError("a mixed model needs at least three samples")
    slope_values = None if slope is None else np.asarray(slope, float)
    random = np.ones((len(y), 1)) if slope_values is None else np.column_stack([np.ones(len(y)), slope_values])
    criterion = _Criterion(y, X, random, labels)
    q = random.shape[1]
    diagonal = [i == j for i in range(q) for j in range(i + 1)]
    bounds = [(0.0, None) if on_diagonal else (None, None) for on_diagonal in diagonal]
    starts = [np.array([1.0 if on_diagonal else 0.0 for on_diagonal in diagonal])]
    from_statsmodels = _statsmodels_start(y, X, random, labels)
    if from_statsmodels is not None:
        starts.append(from_statsmodels)
    best = None
    for start in starts:
        found = optimize.minimize(criterion, start, method="L-BFGS-B", bounds=bounds,
                                  options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 5000})
        if best is None or found.fun < best.fun:
            best = found
    assert best is not None
    theta = np.asarray(best.x)
    deviance, estimates, information, sigma2 = criterion.solve(theta)
    factor = criterion.factor(theta)
    covariance = sigma2 * factor @ factor.T
    errors = np.sqrt(np.diag(sigma2 * np.linalg.inv(information)))
    z = float(special.ndtri(1 - (1 - conf_level) / 2))
    fixed = {}
    for name, estimate, se in zip(design.columns, estimates, errors, strict=True):
        statistic = estimate / se if se > 0 else math.nan
        fixed[str(name)] = FixedEffect(str(name), float(estimate), float(se), float(estimate - z * se),
                                       float(estimate + z * se), float(statistic),
                                       float(2 * special.ndtr(-abs(statistic))))
    sd_intercept = math.sqrt(max(covariance[0, 0], 0.0))
    sd_slope = correlation = math.nan
    if slope is not None:
        sd_slope = math.sqrt(max(covariance[1, 1], 0.0))
        correlation = covariance[0, 1] / (sd_intercept * sd_slope) if sd_intercept * sd_slope > 0 else math.nan
    return MixedFit(fixed, sd_intercept, sd_slope, float(correlation), math.sqrt(sigma2), len(y),
                    len(np.unique(labels)), -deviance / 2, bool(best.success), _singular(factor))
