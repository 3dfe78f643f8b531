"""Continuous outcomes (IL-6 pg/mL, C0 ng/mL, AUC) by group, and paired change.

Rank tests follow R: Mann–Whitney as ``wilcox.test`` (normal approximation with continuity and tie
correction by default; exact on request when there are no ties), Kruskal–Wallis as
``kruskal.test`` (tie-corrected), paired Wilcoxon signed-rank as ``wilcox.test(paired = TRUE)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


@dataclass(frozen=True)
class TestResult:
    """One test: its name as users know it, statistic (named as R names it), df and p."""

    test: str
    statistic_name: str
    statistic: float
    p: float
    df: float = float("nan")
    note: str = ""


def describe(values: np.ndarray) -> dict[str, float]:
    """n, median with quartiles (R's default type-7 quantiles), mean and SD."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return {"n": 0, "median": np.nan, "q1": np.nan, "q3": np.nan, "mean": np.nan, "sd": np.nan}
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return {
        "n": len(values), "median": median, "q1": q1, "q3": q3,
        "mean": values.mean(), "sd": values.std(ddof=1) if len(values) > 1 else np.nan,
    }


def _has_ties(*samples: np.ndarray) -> bool:
    pooled = np.concatenate(samples)
    return len(np.unique(pooled)) < len(pooled)


def mann_whitney(reference: np.ndarray, other: np.ndarray, exact: bool = False) -> TestResult:
    """Two-sided Mann–Whitney U; W is the statistic of the reference group, as R reports it for
    ``wilcox.test(y ~ group)`` with the reference level first. Exact only without ties (as R)."""
    reference, other = np.asarray(reference, float), np.asarray(other, float)
    note = ""
    if exact and _has_ties(reference, other):
        exact, note = False, "ties: normal approximation used"
    result = stats.mannwhitneyu(
        reference, other, alternative="two-sided", use_continuity=True,
        method="exact" if exact else "asymptotic",
    )
    name = "Mann-Whitney U (exact)" if exact else "Mann-Whitney U"
    return TestResult(name, "W", float(result.statistic), float(result.pvalue), note=note)


def kruskal_wallis(groups: list[np.ndarray]) -> TestResult:
    """Kruskal–Wallis rank-sum test with tie correction (R ``kruskal.test``)."""
    result = stats.kruskal(*[np.asarray(group, float) for group in groups])
    return TestResult("Kruskal-Wallis", "chi-squared", float(result.statistic), float(result.pvalue),
                      df=len(groups) - 1)


def paired_wilcoxon(before: np.ndarray, after: np.ndarray, exact: bool = False) -> TestResult:
    """Wilcoxon signed-rank test of after − before (R ``wilcox.test(after, before, paired = TRUE)``):
    zero differences dropped, V the rank sum of positive differences, normal approximation with
    continuity and tie correction unless `exact` (without ties or zeros)."""
    difference = np.asarray(after, float) - np.asarray(before, float)
    difference = difference[difference != 0]
    ranks = stats.rankdata(np.abs(difference))
    statistic = float(ranks[difference > 0].sum())
    note = ""
    if exact and len(np.unique(np.abs(difference))) < len(difference):
        exact, note = False, "ties: normal approximation used"
    result = stats.wilcoxon(difference, zero_method="wilcox", correction=not exact,
                            method="exact" if exact else "approx")
    name = "Wilcoxon signed-rank (exact)" if exact else "Wilcoxon signed-rank"
    return TestResult(name, "V", statistic, float(result.pvalue), note=note)


def paired_change(before: ArrayLike, after: ArrayLike, exact: bool = False) -> dict[str, Any]:
    """Summary of a paired change (pairs with a missing value dropped before the call): n, zero
    changes, medians before and after, median change with its quartiles, and the signed-rank test."""
    first, second = np.asarray(before, float), np.asarray(after, float)
    test = paired_wilcoxon(first, second, exact=exact)
    change = describe(second - first)
    return {"n": len(first), "n_zero_change": int((second == first).sum()),
            "median_before": float(np.median(first)), "median_after": float(np.median(second)),
            "median_change": change["median"], "change_q1": change["q1"], "change_q3": change["q3"],
            "test": test.test, "statistic_name": test.statistic_name, "statistic": test.statistic, "p": test.p,
            "note": test.note}
