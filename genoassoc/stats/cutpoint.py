"""Biomarker cut-points (IL-6 pg/mL) for survival and response.

Optimal cut-point as R ``maxstat.test(smethod = "LogRank")``: log-rank scores (``exactRankTests::
cscores``), the standardised linear rank statistic for every split between the ``minprop`` and
``maxprop`` fractions of the sorted marker, the maximum, and selection-adjusted p-values by the
approximations of Lausen & Schumacher (1992) and Lausen, Sauerbrei & Schumacher (1994), and by
permutation. Every candidate cut is evaluated at once from cumulative sums (no refit per cut).

For a binary response: ROC AUC with its DeLong 95% CI and the cut-off maximising Youden's J.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special


def logrank_scores(time: ArrayLike, event: ArrayLike) -> NDArray[Any]:
    """Log-rank scores with tied times sharing the largest rank, as ``exactRankTests::cscores``."""
    times, events = np.asarray(time, float), np.asarray(event, float)
    n = len(times)
    order = np.argsort(times, kind="stable")
    # rank with ties given the largest rank (rankdata's "max"): how many times are <= each time
    rank_max = np.searchsorted(np.sort(times), times, side="right")
    cumulative = np.cumsum((events / (n - rank_max + 1))[order])
    return np.asarray(events - cumulative[rank_max - 1], dtype=float)


@dataclass(frozen=True)
class MaxStat:
    cut: float
    statistic: float
    p_lau92: float
    p_lau94: float
    cuts: NDArray[Any]
    statistics: NDArray[Any]
    n_low: NDArray[Any]
    p_permutation: float = math.nan
    permutations: int = 0


def _split_points(marker_sorted: NDArray[Any], minprop: float, maxprop: float) -> NDArray[Any]:
    n = len(marker_sorted)
    first_of_value = np.flatnonzero(np.r_[True, marker_sorted[1:] != marker_sorted[:-1]])
    m = first_of_value  # observations strictly below each distinct value
    if minprop == 0 and maxprop == 1:
        return m[1:-1]
    return m[(m >= max(1, math.floor(n * minprop))) & (m <= math.floor(n * maxprop))]


def _standardised(scores_sorted: NDArray[Any], m: NDArray[Any]) -> NDArray[Any]:
    """|S - E| / sqrt(V) at every split; `scores_sorted` may hold one permutation per row."""
    n = scores_sorted.shape[-1]
    total = scores_sorted.sum(axis=-1, keepdims=True)
    expected = m / n * total
    variance = m * (n - m) / (n**2 * (n - 1)) * (n * (scores_sorted**2).sum(axis=-1, keepdims=True) - total**2)
    return np.asarray(np.abs(np.cumsum(scores_sorted, axis=-1)[..., m - 1] - expected) / np.sqrt(variance))


def p_lausen92(b: float, minprop: float = 0.1, maxprop: float = 0.9) -> float:
    """Lausen & Schumacher (1992) approximation, as maxstat's ``pLausen92``."""
    if b < 1:
        return 1.0
    density = math.exp(-b * b / 2) / math.sqrt(2 * math.pi)
    p = 4 * density / b + density * (b - 1 / b) * math.log(maxprop * (1 - minprop) / ((1 - maxprop) * minprop))
    return max(p, 0.0)


def p_lausen94(b: float, n: int, m: NDArray[Any]) -> float:
    """Lausen, Sauerbrei & Schumacher (1994) improved Bonferroni bound, as maxstat's ``pLausen94``."""
    if len(m) <= 1:
        correction = 0.0
    else:
        m1, m2 = m[:-1].astype(float), m[1:].astype(float)
        t = np.sqrt(1 - m1 * (n - m2) / ((n - m1) * m2))
        correction = float(np.sum(1 / math.pi * math.exp(-b * b / 2) * (t - (b * b / 4 - 1) * t**3 / 6)))
    return float(2 * special.ndtr(-b) + correction)


def maxstat(marker: ArrayLike, time: ArrayLike, event: ArrayLike, minprop: float = 0.1, maxprop: float = 0.9,
            permutations: int = 0, seed: int = 1, progress: Callable[[int, int], None] | None = None) -> MaxStat:
    """Maximally selected log-rank statistic over cut-points of `marker` (lower group: marker ≤ cut)."""
    values = np.asarray(marker, float)
    order = np.argsort(values, kind="stable")
    marker_sorted = values[order]
    scores = logrank_scores(time, event)[order]
    m = _split_points(marker_sorted, minprop, maxprop)
    if len(m) == 0:
        raise ValueError("no cut-point leaves both groups within minprop and maxprop")
    statistics = _standardised(scores, m)
    best = int(np.argmax(statistics))
    statistic = float(statistics[best])
    p_permutation = math.nan
    if permutations:
        rng = np.random.default_rng(seed)
        exceed, done, chunk = 0, 0, max(1, min(permutations, 2_000_000 // max(len(scores), 1)))
        while done < permutations:
            size = min(chunk, permutations - done)
            shuffled = rng.permuted(np.broadcast_to(scores, (size, len(scores))), axis=1)
            exceed += int((_standardised(shuffled, m).max(axis=1) >= statistic - 1e-12).sum())
            done += size
            if progress:
                progress(done, permutations)
        p_permutation = (exceed + 1) / (permutations + 1)
    return MaxStat(
        cut=float(marker_sorted[m[best] - 1]), statistic=statistic,
        p_lau92=p_lausen92(statistic, minprop, maxprop), p_lau94=p_lausen94(statistic, len(values), m),
        cuts=marker_sorted[m - 1], statistics=statistics, n_low=m, p_permutation=p_permutation,
        permutations=permutations,
    )


@dataclass(frozen=True)
class Roc:
    auc: float
    ci_lo: float
    ci_hi: float
    youden_cut: float
    sensitivity: float
    specificity: float
    n_cases: int
    n_controls: int
    direction: str = "<"  # pROC: "<" cases have higher values (called above the cut), ">" lower (below it)


def roc(marker: ArrayLike, response: ArrayLike, conf_level: float = 0.95, direction: str = "auto") -> Roc:
    """ROC AUC with the DeLong (1988) CI, and the cut maximising Youden's J, as R pROC
    (``roc(..., direction = "auto")``, ``coords(best, best.method = "youden")``): the direction is
    chosen as pROC does by default, cases higher (``<``) unless the controls' median is above the
    cases' (``>``); give ``<`` or ``>`` to fix it (a validation cohort takes the discovery's). Candidate
    cuts are the midpoints between adjacent distinct values, and of equally good cuts the lowest is
    taken (pROC's first row)."""
    values, outcome = np.asarray(marker, float), np.asarray(response, int)
    cases, controls = values[outcome == 1], values[outcome == 0]
    if len(cases) == 0 or len(controls) == 0:
        raise ValueError("ROC needs both cases and controls")
    if direction == "auto":
        direction = ">" if np.median(controls) > np.median(cases) else "<"
    if direction == ">":
        mirrored = roc(-values, outcome, conf_level, "<")
        return Roc(mirrored.auc, mirrored.ci_lo, mirrored.ci_hi, -mirrored.youden_cut, mirrored.sensitivity,
                   mirrored.specificity, mirrored.n_cases, mirrored.n_controls, ">")
    kernel = (cases[:, None] > controls[None, :]) + 0.5 * (cases[:, None] == controls[None, :])
    auc = float(kernel.mean())
    v10, v01 = kernel.mean(axis=1), kernel.mean(axis=0)
    variance = v10.var(ddof=1) / len(cases) + v01.var(ddof=1) / len(controls) if min(len(cases), len(controls)) > 1 \
        else math.nan
    z = float(special.ndtri(1 - (1 - conf_level) / 2))
    spread = z * math.sqrt(variance) if variance == variance else math.nan
    distinct = np.unique(values)
    thresholds = np.r_[-np.inf, (distinct[:-1] + distinct[1:]) / 2, np.inf]
    sensitivity = (np.sort(cases)[None, :] > thresholds[:, None]).mean(axis=1)
    specificity = (np.sort(controls)[None, :] < thresholds[:, None]).mean(axis=1)
    best = int(np.argmax(np.round(sensitivity + specificity - 1, 12)))
    return Roc(auc, max(0.0, auc - spread), min(1.0, auc + spread), float(thresholds[best]),
               float(sensitivity[best]), float(specificity[best]), len(cases), len(controls))
