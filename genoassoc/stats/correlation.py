"""Correlation of two continuous variables (IL-6 and trough C0, AUC) as R's ``cor.test``.

Pearson: t test and Fisher-z 95% CI. Spearman: exact p (algorithm AS 89, Best & Roberts 1975, as R
uses for n < 1290 without ties) or the t approximation; R gives no CI for rank correlations and
neither does genoassoc. Kendall: tau-b, exact p for n < 50 without ties, else the tie-corrected normal
approximation.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from genoassoc.errors import InputError

METHODS = ("spearman", "pearson", "kendall")
_AS89 = (0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4)
_AS89_EXACT_MAX_N = 9


@dataclass(frozen=True)
class Correlation:
    method: str
    n: int
    estimate: float
    ci_lo: float
    ci_hi: float
    statistic_name: str
    statistic: float
    p: float
    exact: bool


def _tied(x: NDArray[Any], y: NDArray[Any]) -> bool:
    """Whether either variable has tied values (R then drops the exact p)."""
    return len(np.unique(x)) < len(x) or len(np.unique(y)) < len(y)


def _prho(n: int, statistic: float, lower_tail: bool) -> float:
    """P[S >= s] (upper) or P[S < s] (lower) for Spearman's S = Σ d², AS 89 as in R's prho.c."""
    upper = 1.0
    if statistic <= 0:
        return 0.0 if lower_tail else 1.0
    maximum = n * (n * n - 1) / 3
    if statistic > maximum:
        return 1.0 if lower_tail else 0.0
    if n <= _AS89_EXACT_MAX_N:
        ranks = np.arange(1, n + 1)
        count = total = 0
        for permutation in itertools.permutations(range(1, n + 1)):
            total += 1
            count += ((ranks - np.array(permutation)) ** 2).sum() >= statistic
        upper = count / total
        return 1 - upper if lower_tail else upper
    c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12 = _AS89
    b = 1 / n
    x = (6 * (statistic - 1) * b / (n * n - 1) - 1) * math.sqrt(1 / b - 1)
    y = x * x
    u = x * b * (c1 + b * (c2 + c3 * b) + y * (-c4 + b * (c5 + c6 * b) - y * b * (
        c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))))
    correction = u / math.exp(y / 2)
    if lower_tail:
        p = -correction + float(stats.norm.cdf(x))
    else:
        p = correction + float(stats.norm.sf(x))
    return min(max(p, 0.0), 1.0)


def _spearman(x: NDArray[Any], y: NDArray[Any]) -> Correlation:
    n = len(x)
    rho = float(stats.spearmanr(x, y).statistic)
    ties = _tied(x, y)
    q = (n**3 - n) * (1 - rho) / 6
    exact = n < 1290 and not ties
    if exact:
        lower = q <= (n**3 - n) / 6
        p = min(2 * _prho(n, round(q) + (2 if lower else 0), lower_tail=lower), 1.0)
    else:
        t = rho / math.sqrt((1 - rho**2) / (n - 2)) if abs(rho) < 1 else math.copysign(math.inf, rho)
        p = float(2 * stats.t.sf(abs(t), n - 2))
    return Correlation("spearman", n, rho, math.nan, math.nan, "S", q, p, exact)


def correlate(first: ArrayLike, second: ArrayLike, method: str = "spearman") -> Correlation:
    """Correlation of paired observations (pairs with a missing value dropped before the call)."""
    if method not in METHODS:
        raise InputError(f"unknown method '{method}' (use {', '.join(METHODS)})")
    x, y = np.asarray(first, float), np.asarray(second, float)
    n = len(x)
    if n < 3:
        raise InputError(f"{n} complete pairs: a correlation test needs at least 3")
    if method == "spearman":
        return _spearman(x, y)
    if method == "pearson":
        result = stats.pearsonr(x, y)
        r = float(result.statistic)
        ci = result.confidence_interval(0.95) if n > 3 else (math.nan, math.nan)
        t = r * math.sqrt((n - 2) / (1 - r * r)) if abs(r) < 1 else math.copysign(math.inf, r)
        return Correlation("pearson", n, r, float(ci[0]), float(ci[1]), "t", t, float(result.pvalue), False)
    ties = _tied(x, y)
    exact = n < 50 and not ties
    result = stats.kendalltau(x, y, method="exact" if exact else "asymptotic")
    tau = float(result.statistic)
    statistic: float
    if exact:
        # R reports T, the number of concordant pairs.
        statistic_name, statistic = "T", float(round((tau + 1) * n * (n - 1) / 4))
    else:
        # R's z from S and its tie-corrected variance, so that z stays finite where p underflows
        statistic_name, statistic = "z", _kendall_z(x, y, tau)
    return Correlation("kendall", n, tau, math.nan, math.nan, statistic_name, statistic, float(result.pvalue), exact)


def _kendall_z(x: NDArray[Any], y: NDArray[Any], tau: float) -> float:
    """Kendall's z as R's ``cor.test(method = "kendall", exact = FALSE)`` computes it: S recovered from
    tau-b, over the square root of its variance with the tie terms."""
    n = len(x)

    def tie_sizes(values: NDArray[Any]) -> NDArray[Any]:
        counts: NDArray[Any] = np.unique(values, return_counts=True)[1]
        tied: NDArray[Any] = counts[counts > 1].astype(float)
        return tied

    tx, ty = tie_sizes(x), tie_sizes(y)
    pairs = n * (n - 1) / 2
    s = tau * math.sqrt((pairs - (tx * (tx - 1)).sum() / 2) * (pairs - (ty * (ty - 1)).sum() / 2))
    variance = ((n * (n - 1) * (2 * n + 5) - (tx * (tx - 1) * (2 * tx + 5)).sum()
                 - (ty * (ty - 1) * (2 * ty + 5)).sum()) / 18
                + (tx * (tx - 1)).sum() * (ty * (ty - 1)).sum() / (2 * n * (n - 1))
                + (tx * (tx - 1) * (tx - 2)).sum() * (ty * (ty - 1) * (ty - 2)).sum() / (9 * n * (n - 1) * (n - 2)))
    return float(s / math.sqrt(variance))
