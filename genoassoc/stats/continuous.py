"""Continuous outcomes (IL-6 pg/mL, C0 ng/mL, AUC) by group, and paired change.

Rank tests follow R: Mann–Whitney as ``wilcox.test`` and the paired Wilcoxon signed-rank test as
``wilcox.test(paired = TRUE)``, with R's default ``exact = NULL``: the exact p when every group (or
the pairs) has fewer than 50 values and there are no ties (nor zero differences), else the normal
approximation with continuity and tie correction; ``exact=True`` asks for the exact p whatever the
size, ``False`` for the approximation. Kruskal–Wallis as ``kruskal.test`` (tie-corrected).

Kruskal–Wallis is computed here (average ranks, tie correction, chi-squared tail from scipy.special)
rather than by ``scipy.stats.kruskal``: importing scipy.stats costs 0.7 s (scipy 1.17 builds its
docstrings at import), more than the test itself on 500 000 values; tests check it against
``scipy.stats.kruskal`` and R. The other tests import scipy.stats when they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class TestResult:
    """One test: its name as users know it, statistic (named as R names it), df and p."""

    test: str
    statistic_name: str
    statistic: float
    p: float
    df: float = float("nan")
    note: str = ""


def describe(values: NDArray[Any]) -> dict[str, float]:
    """n, median with quartiles (R's default type-7 quantiles), mean and SD."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return {"n": 0, "median": np.nan, "q1": np.nan, "q3": np.nan, "mean": np.nan, "sd": np.nan}
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return {
        "n": len(values), "median": median, "q1": q1, "q3": q3,
        "mean": values.mean(), "sd": values.std(ddof=1) if len(values) > 1 else np.nan,
    }


def _has_ties(*samples: NDArray[Any]) -> bool:
    pooled = np.concatenate(samples)
    return len(np.unique(pooled)) < len(pooled)


EXACT_BELOW = 50  # R wilcox.test: exact p by default below 50 values per group


def mann_whitney(reference: NDArray[Any], other: NDArray[Any], exact: bool | None = None) -> TestResult:
    """Two-sided Mann–Whitney U; W is the statistic of the reference group, as R reports it for
    ``wilcox.test(y ~ group)`` with the reference level first. `exact` None is R's default (see the
    module docstring); an exact p is never computed with ties (as R)."""
    reference, other = np.asarray(reference, float), np.asarray(other, float)
    note = ""
    if exact is None:
        exact = len(reference) < EXACT_BELOW and len(other) < EXACT_BELOW
    if exact and _has_ties(reference, other):
        exact, note = False, "ties: normal approximation with continuity and tie correction"
    from scipy import stats

    result = stats.mannwhitneyu(
        reference, other, alternative="two-sided", use_continuity=True,
        method="exact" if exact else "asymptotic",
    )
    name = "Mann-Whitney U (exact)" if exact else "Mann-Whitney U"
    return TestResult(name, "W", float(result.statistic), float(result.pvalue), note=note)


def kruskal_wallis(groups: list[NDArray[Any]]) -> TestResult:
    """Kruskal–Wallis rank-sum test with tie correction (R ``kruskal.test``)."""
    from scipy.special import chdtrc

    samples = [np.asarray(group, float) for group in groups]
    pooled = np.concatenate(samples)
    total = len(pooled)
    # average ranks: each distinct value takes the mean of the ranks its ties span
    distinct, inverse, counts = np.unique(pooled, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[inverse.reshape(-1)]
    ends = np.cumsum([len(sample) for sample in samples])
    sums = np.add.reduceat(ranks, np.append(0, ends[:-1])) if total else np.zeros(len(samples))
    statistic = 12 / (total * (total + 1)) * float(np.sum(sums ** 2 / [len(sample) for sample in samples])) \
        - 3 * (total + 1)
    correction = 1 - float(np.sum(counts.astype(float) ** 3 - counts)) / (float(total) ** 3 - total)
    statistic = statistic / correction if correction > 0 else float("nan")
    df = len(samples) - 1
    return TestResult("Kruskal-Wallis", "chi-squared", statistic, float(chdtrc(df, statistic)), df=df)


def paired_wilcoxon(before: NDArray[Any], after: NDArray[Any], exact: bool | None = None) -> TestResult:
    """Wilcoxon signed-rank test of after − before (R ``wilcox.test(after, before, paired = TRUE)``):
    zero differences dropped, V the rank sum of positive differences; the exact p by R's default rule
    (fewer than 50 pairs, no ties, no zero differences) or as `exact` asks, else the normal
    approximation with continuity and tie correction."""
    difference = np.asarray(after, float) - np.asarray(before, float)
    zeros = bool((difference == 0).any())
    difference = difference[difference != 0]
    from scipy import stats

    ranks = stats.rankdata(np.abs(difference))
    statistic = float(ranks[difference > 0].sum())
    note = ""
    if exact is None:
        exact = len(difference) < EXACT_BELOW
    if exact and (zeros or len(np.unique(np.abs(difference))) < len(difference)):
        exact, note = False, "ties or zero differences: normal approximation with continuity and tie correction"
    result = stats.wilcoxon(difference, zero_method="wilcox", correction=not exact,
                            method="exact" if exact else "approx")
    name = "Wilcoxon signed-rank (exact)" if exact else "Wilcoxon signed-rank"
    return TestResult(name, "V", statistic, float(result.pvalue), note=note)


def paired_change(before: ArrayLike, after: ArrayLike, exact: bool | None = None) -> dict[str, Any]:
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
