"""Proportional-odds (cumulative logit) regression of an ordered outcome, as R ``MASS::polr``
(``method = "logistic"``): logit P(Y <= k) = zeta_k - x'beta, so exp(beta) is the odds ratio of a
higher category, the same for every cut of the scale.

The fit is statsmodels' `OrderedModel` (maximum likelihood by BFGS, standard errors from the
numerical Hessian, as polr's ``Hess = TRUE``); checked against polr on MASS's housing survey, R's
warpbreaks and the association test cohort (tests/golden/ordinal). Confidence intervals are Wald
intervals (polr's ``confint.default``) and p the Wald z test; the likelihood-ratio test against the
model without the tested terms is `likelihood_ratio`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from genoassoc.errors import InputError
from genoassoc.stats.regression import Coefficient

METHOD = "proportional-odds regression"


@dataclass(frozen=True)
class OrdinalFit:
    """Coefficients on the log-odds scale (Wald 95% CI and p) and their standard errors, the
    thresholds zeta_k between consecutive categories, the log-likelihood and the number of samples."""

    n: int
    coefficients: dict[str, Coefficient]
    standard_errors: dict[str, float]
    thresholds: tuple[float, ...]
    loglik: float


def _null_loglik(codes: NDArray[Any]) -> float:
    """Log-likelihood of the thresholds-only model: the categories' observed proportions."""
    counts = np.bincount(codes)
    counts = counts[counts > 0]
    return float(np.sum(counts * np.log(counts / counts.sum())))


def proportional_odds(codes: ArrayLike, design: pd.DataFrame) -> OrdinalFit:
    """Fit the cumulative logit model of `codes` (0 = the lowest category, consecutive integers) on
    the columns of `design` (no intercept: the thresholds take its place)."""
    y = np.asarray(codes, dtype=int)
    found = np.unique(y)
    if len(found) < 3:
        raise InputError(f"an ordinal outcome needs at least three observed categories ({len(found)} here): "
                         "analyse two as a binary outcome")
    y = np.searchsorted(found, y)  # categories nobody is in are not estimable: closed up, as polr drops them
    if design.shape[1] == 0:
        counts = np.bincount(y)
        cumulative = np.cumsum(counts)[:-1] / len(y)
        return OrdinalFit(len(y), {}, {}, tuple(float(value) for value in special.logit(cumulative)),
                          _null_loglik(y))
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    exog = design.astype(float)
    constant = [name for name in exog.columns if exog[name].nunique() < 2]
    if constant:
        raise InputError(f"'{constant[0]}' is the same for every analysed sample: it cannot be estimated")
    model = OrderedModel(pd.Series(y, index=exog.index), exog, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is checked below, with the fix named
        fit = model.fit(method="bfgs", disp=False, maxiter=1000, gtol=1e-8)
        if not fit.mle_retvals.get("converged", False):
            fit = model.fit(start_params=fit.params, method="newton", disp=False, maxiter=200)
        errors = np.asarray(fit.bse, dtype=float)
    params = np.asarray(fit.params, dtype=float)
    if not np.all(np.isfinite(errors[: exog.shape[1]])) or not np.all(np.isfinite(params)):
        raise InputError("the proportional-odds model has no finite estimate (a genotype group has every "
                         "sample in one end category): merge categories or use another model")
    z = stats.norm.ppf(0.975)
    coefficients = {}
    for index, name in enumerate(exog.columns):
        estimate, error = params[index], errors[index]
        p = float(2 * stats.norm.sf(abs(estimate / error)))
        coefficients[name] = Coefficient(name, float(estimate), float(estimate - z * error),
                                         float(estimate + z * error), p)
    thresholds = model.transform_threshold_params(params)[1:-1]
    return OrdinalFit(len(y), coefficients, dict(zip(exog.columns, map(float, errors), strict=False)),
                      tuple(float(value) for value in thresholds), float(fit.llf))


def likelihood_ratio(full: OrdinalFit, reduced: OrdinalFit, df: int) -> tuple[float, float]:
    """Likelihood-ratio chi-square and p of the terms in `full` but not in `reduced` (R's anova of
    two polr fits)."""
    statistic = max(2 * (full.loglik - reduced.loglik), 0.0)
    return statistic, float(special.chdtrc(df, statistic)) if df > 0 else math.nan
