"""Binary outcomes (response CR/PR vs SD/PD) by genotype group.

Fisher's exact test as R ``fisher.test`` (2×2: conditional maximum-likelihood odds ratio and exact
CI; 2×k: exact enumeration of tables with the same margins), Pearson chi-square with and without
Yates' correction (R ``chisq.test``; PLINK ``--model`` DOM/REC are the uncorrected test), the
Cochran–Armitage trend test (PLINK ``--model`` TREND), and the maximum over dominant, recessive and
additive trend statistics with its multiplicity-adjusted p (Gonzalez et al. 2008, as SNPassoc's
``maxstat``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import integrate, special, stats

from genoassoc.models import exposure
from genoassoc.stats import HypothesisTest

# R's fisher.test counts tables within this relative distance of the observed probability as ties.
_RELATIVE_ERROR = 1 + 1e-7
# the trend test's scores of 0, 1 and 2 effect-allele copies under each model (genoassoc.models.exposure)
SCORES: dict[str, tuple[int, int, int]] = {
    model: (int(scores[0]), int(scores[1]), int(scores[2]))
    for model in ("dominant", "recessive", "additive") for scores in [exposure(np.arange(3), model)]}
# Exact enumeration of 2×k tables up to this many tables (a 2×3 table of 8 000 patients has about 7 million,
# enumerated in about a second); beyond it, and for r×c tables, a labelled Monte Carlo p.
MAX_EXACT_TABLES = 50_000_000
# Monte Carlo p: R fisher.test(simulate.p.value = TRUE) with B tables and a fixed seed; B large enough that
# the smallest p it can give (1 / (B + 1)) is far below any threshold a table is read against.
REPLICATES = 100_000
SEED = 20261123


@dataclass(frozen=True)
class FisherResult:
    """Fisher's test of a table: p, the conditional MLE odds ratio and exact CI of a 2×2 table, and
    how p was computed (`method` ``exact`` or ``Monte Carlo``; `replicates` and `seed` of the latter)."""

    p: float
    odds_ratio: float = float("nan")
    ci_lo: float = float("nan")
    ci_hi: float = float("nan")
    method: str = "exact"
    replicates: int = 0
    seed: int = 0

    @property
    def floor(self) -> float:
        """The smallest p a Monte Carlo run can give, 1 / (B + 1); 0 for an exact p."""
        return 1 / (self.replicates + 1) if self.replicates else 0.0

    @property
    def test(self) -> str:
        """The test's name as tables print it."""
        return "Fisher's exact" if self.method == "exact" else "Fisher's test, Monte Carlo p"

    def describe(self) -> str:
        """How p was computed, for a footnote; says when p sits at the Monte Carlo floor."""
        if self.method == "exact":
            return "exact p (R fisher.test)"
        text = (f"Monte Carlo p from {self.replicates:,} random tables (seed {self.seed}), as R fisher.test("
                f"simulate.p.value = TRUE); the smallest p it can give is {self.floor:.1e}")
        if self.p <= 2 * self.floor:
            text += "; p is at that floor: the exact p is smaller"
        return text


def fisher_exact(table: NDArray[Any]) -> FisherResult:
    """Two-sided Fisher's test of an r×c table as R's ``fisher.test``: 2×2 with the conditional MLE
    odds ratio and exact CI; 2×k tables (genotype groups) by exact enumeration of every table with
    the same margins while there are at most `MAX_EXACT_TABLES`; larger and r×c tables by a labelled
    Monte Carlo p (`REPLICATES` tables, fixed seed; `FisherResult.describe` says so)."""
    table = np.asarray(table, dtype=np.int64)
    if table.shape == (2, 2):
        from scipy.stats.contingency import odds_ratio

        p = float(stats.fisher_exact(table).pvalue)
        estimate = odds_ratio(table, kind="conditional")
        ci = estimate.confidence_interval(0.95)
        return FisherResult(p, float(estimate.statistic), float(ci.low), float(ci.high))
    if table.shape[0] != 2:
        table = table.T
    if table.shape[0] == 2 and _count_2xk(table) <= MAX_EXACT_TABLES:
        return FisherResult(_fisher_2xk(table))
    return FisherResult(_fisher_monte_carlo(table), method="Monte Carlo", replicates=REPLICATES, seed=SEED)


def _count_2xk(table: NDArray[Any]) -> float:
    """How many 2×k tables share these margins (first rows x with 0 <= x_j <= column total and the
    row total as their sum): the coefficient of a product of polynomials."""
    target = int(table[0].sum())
    counts: NDArray[np.floating[Any]] = np.zeros(target + 1)
    counts[0] = 1.0
    for column in table.sum(axis=0):
        window = np.ones(int(min(column, target)) + 1)
        counts = np.convolve(counts, window)[: target + 1]
    return float(counts[target])


def _log_table_probability(tables: NDArray[Any], rows: NDArray[Any], columns: NDArray[Any]) -> NDArray[Any]:
    """Log probability of r×c tables given their margins (multivariate hypergeometric)."""
    n = rows.sum()
    constant = special.gammaln(rows + 1).sum() + special.gammaln(columns + 1).sum() - special.gammaln(n + 1)
    return np.asarray(constant - special.gammaln(tables + 1).sum(axis=(-2, -1)), dtype=float)


def _fisher_monte_carlo(table: NDArray[Any]) -> float:
    """p = (1 + #simulated tables no more probable than the observed) / (B + 1), as R."""
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    observed = _log_table_probability(table[None], rows, columns)[0]
    generator = stats.random_table(rows, columns, seed=SEED)
    as_extreme, left = 0, REPLICATES
    while left:
        batch = min(left, 10_000)
        log_p = _log_table_probability(generator.rvs(batch), rows, columns)
        as_extreme += int(np.sum(log_p <= observed + np.log(_RELATIVE_ERROR)))
        left -= batch
    return float((1 + as_extreme) / (REPLICATES + 1))


def _fisher_2xk(table: NDArray[Any]) -> float:
    """Exact p of a 2×k table: every first row with the margins, enumerated column by column (the
    last two columns vectorised), summing the probabilities no larger than the observed one (with R's
    relative tolerance for ties)."""
    columns = table.sum(axis=0).astype(int)
    target = int(table[0].sum())
    total = int(columns.sum())
    k = len(columns)
    # cost_j(x) = log x! + log (c_j - x)!; P(table) = exp(K - sum_j cost_j(x_j))
    costs = [special.gammaln(np.arange(c + 1) + 1) + special.gammaln(c - np.arange(c + 1) + 1) for c in columns]
    constant = float(special.gammaln(columns + 1).sum() - (special.gammaln(total + 1) - special.gammaln(target + 1)
                                                            - special.gammaln(total - target + 1)))
    observed = float(sum(costs[j][table[0, j]] for j in range(k)))
    threshold = observed - np.log(_RELATIVE_ERROR)
    # the most a prefix's remaining columns can take (to prune impossible prefixes)
    room = np.concatenate([np.cumsum(columns[::-1])[::-1], [0]])
    total_mass = 0.0

    def last_two(remaining: int, partial: float) -> float:
        a, b = columns[k - 2], columns[k - 1]
        low, high = max(0, remaining - b), min(a, remaining)
        if low > high:
            return 0.0
        x = np.arange(low, high + 1)
        cost = partial + costs[k - 2][x] + costs[k - 1][remaining - x]
        kept = cost[cost >= threshold]
        return float(np.exp(observed - kept).sum())

    def walk(column: int, remaining: int, partial: float) -> None:
        nonlocal total_mass
        if column == k - 2:
            total_mass += last_two(remaining, partial)
            return
        low = max(0, remaining - int(room[column + 1]))
        for x in range(low, min(int(columns[column]), remaining) + 1):
            walk(column + 1, remaining - x, partial + costs[column][x])

    walk(0, target, 0.0)
    return float(min(1.0, total_mass * np.exp(constant - observed)))


def chi_square(table: NDArray[Any], yates: bool) -> HypothesisTest:
    """Pearson chi-square of a contingency table; `yates` applies the 2×2 continuity correction as
    R's ``chisq.test`` does."""
    table = np.asarray(table, dtype=float)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return HypothesisTest(float("nan"), 0, float("nan"))
    result = stats.chi2_contingency(table, correction=yates)
    return HypothesisTest(float(result.statistic), int(result.dof), float(result.pvalue))


def trend_statistic(table: NDArray[Any], scores: tuple[int, int, int] = (0, 1, 2)) -> float:
    """Cochran–Armitage trend chi-square (1 df) of a 2×3 table with the given genotype scores; with
    0/1 scores it equals the uncorrected chi-square of the collapsed 2×2 table (PLINK DOM/REC)."""
    table = np.asarray(table, dtype=float)
    totals = table.sum(axis=0)
    n = totals.sum()
    cases = table[1]
    case_fraction = cases.sum() / n
    weights = np.asarray(scores, dtype=float)
    numerator = (weights * (cases - totals * case_fraction)).sum() ** 2
    variance = case_fraction * (1 - case_fraction) * ((weights**2 * totals).sum() - (weights * totals).sum() ** 2 / n)
    return float(numerator / variance) if variance > 0 else float("nan")


def max_statistic(table: NDArray[Any]) -> tuple[float, float, dict[str, float]]:
    """Maximum of the dominant, recessive and additive trend statistics of a 2×3 table and its
    asymptotic p adjusted for having looked at all three (Gonzalez et al. 2008, as SNPassoc's
    ``maxstat``).

    The three statistics are jointly normal; the additive scores are the sum of the dominant and
    recessive ones, so the joint law is two-dimensional and P(all |Z| < c) is a one-dimensional
    integral, computed to full precision rather than by Monte Carlo.
    """
    table = np.asarray(table, dtype=float)
    totals = table.sum(axis=0)
    statistics = {model: trend_statistic(table, scores) for model, scores in SCORES.items()}
    maximum = max(statistics.values())
    if not np.isfinite(maximum) or (totals == 0).any():
        return float("nan"), float("nan"), statistics
    centred = {}
    for model, model_scores in SCORES.items():
        values = np.asarray(model_scores, dtype=float)
        centred[model] = values - (values * totals).sum() / totals.sum()
    variance = {model: (totals * values**2).sum() for model, values in centred.items()}
    rho = (totals * centred["dominant"] * centred["recessive"]).sum() / np.sqrt(
        variance["dominant"] * variance["recessive"]
    )
    alpha = np.sqrt(variance["dominant"] / variance["additive"])
    beta = np.sqrt(variance["recessive"] / variance["additive"])
    bound = np.sqrt(maximum)
    spread = np.sqrt(1 - rho**2)

    def density(z: float) -> float:
        low = max(-bound, (-bound - alpha * z) / beta)
        high = min(bound, (bound - alpha * z) / beta)
        if high <= low:
            return 0.0
        mean = rho * z
        inside = float(stats.norm.cdf((high - mean) / spread) - stats.norm.cdf((low - mean) / spread))
        return float(stats.norm.pdf(z)) * inside

    inside, _ = integrate.quad(density, -bound, bound, epsabs=1e-13, epsrel=1e-12, limit=200)
    return maximum, float(min(1.0, max(0.0, 1 - inside))), statistics
