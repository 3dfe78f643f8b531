"""Inverse-variance meta-analysis of per-cohort estimates (log hazard or odds ratios) as R
``metafor::rma`` computes it (intercept-only model, ``test = "z"``):

- ``FE``: fixed (common) effect, weights 1/vᵢ.
- ``DL``: DerSimonian–Laird moment estimate of tau².
- ``REML``: restricted maximum likelihood tau² by Fisher scoring with step halving, started at the
  DerSimonian–Laird value and truncated at 0, as ``rma(method = "REML")``; iterated to a change
  below 1e-10 (metafor stops at 1e-5, so the two agree to that).

Heterogeneity: Cochran's Q on k − 1 df with its p; I² and H² from tau² and the "typical"
within-study variance s² = (k − 1) Σw / ((Σw)² − Σw²) for random-effects models, from Q for the
fixed-effect model (Higgins & Thompson 2002), as metafor reports them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from genoassoc.errors import InputError

METHODS = ("DL", "REML", "FE")


@dataclass(frozen=True)
class MetaAnalysis:
    method: str
    k: int
    estimate: float  # pooled log estimate
    se: float
    ci_lo: float
    ci_hi: float
    z: float
    p: float
    tau2: float
    q: float
    q_df: int
    q_p: float
    i2: float  # percent
    h2: float
    weights: NDArray[Any]  # percent, summing to 100
    converged: bool = True


def _reml(y: NDArray[Any], v: NDArray[Any], start: float, max_iter: int = 1000, tolerance: float = 1e-10
          ) -> tuple[float, bool]:
    tau2 = start
    for _ in range(max_iter):
        w = 1 / (v + tau2)
        # P = W − w wᵀ / Σw for the intercept-only model
        mean = (w @ y) / w.sum()
        residual = w * (y - mean)  # P y
        trace_p = w.sum() - (w @ w) / w.sum()
        trace_pp = (w @ w) - 2 * (w ** 3).sum() / w.sum() + (w @ w) ** 2 / w.sum() ** 2
        step = (residual @ residual - trace_p) / trace_pp
        proposal = tau2 + step
        while proposal < 0:
            step /= 2
            proposal = tau2 + step
            if abs(step) < tolerance:
                proposal = 0.0
                break
        if abs(proposal - tau2) < tolerance:
            return proposal, True
        tau2 = proposal
    return tau2, False


def meta_analysis(log_estimate: ArrayLike, se: ArrayLike, method: str = "REML", conf_level: float = 0.95
                  ) -> MetaAnalysis:
    """Pool log estimates with their standard errors."""
    if method not in METHODS:
        raise InputError(f"unknown meta-analysis method '{method}' (use {', '.join(METHODS)})")
    y, sei = np.asarray(log_estimate, float), np.asarray(se, float)
    if len(y) < 2:
        raise InputError("a meta-analysis needs at least two cohorts")
    if not (np.isfinite(y).all() and np.isfinite(sei).all() and (sei > 0).all()):
        raise InputError("every cohort needs a finite estimate and a positive standard error")
    v = sei ** 2
    k = len(y)
    w = 1 / v
    fixed = (w @ y) / w.sum()
    q = float(w @ (y - fixed) ** 2)
    s2 = (k - 1) * w.sum() / (w.sum() ** 2 - (w @ w))
    dl = max(0.0, (q - (k - 1)) / (w.sum() - (w @ w) / w.sum()))
    converged = True
    if method == "FE":
        tau2 = 0.0
        i2 = max(0.0, 100 * (q - (k - 1)) / q) if q > 0 else 0.0
        h2 = q / (k - 1)
    else:
        tau2 = dl if method == "DL" else 0.0
        if method == "REML":
            tau2, converged = _reml(y, v, dl)
        i2 = 100 * tau2 / (tau2 + s2)
        h2 = tau2 / s2 + 1
    weights = 1 / (v + tau2)
    estimate = float(weights @ y / weights.sum())
    se_pooled = math.sqrt(1 / weights.sum())
    z = estimate / se_pooled
    crit = float(special.ndtri(1 - (1 - conf_level) / 2))
    return MetaAnalysis(method, k, estimate, se_pooled, estimate - crit * se_pooled, estimate + crit * se_pooled, z,
                        float(2 * special.ndtr(-abs(z))), float(tau2), q, k - 1, float(special.chdtrc(k - 1, q)),
                        float(i2), float(h2), 100 * weights / weights.sum(), converged)
