"""Binary outcomes (response CR/PR vs SD/PD) by genotype group.

Fisher's exact test as R ``fisher.test`` (2×2: conditional maximum-likelihood odds ratio and exact
CI; 2×k: exact enumeration of tables with the same margins), Pearson chi-square with and without
Yates' correction (R ``chisq.test``; PLINK ``--model`` DOM/REC are the uncorrected test), the
Cochran–Armitage trend test (PLINK ``--model`` TREND), and the maximum over dominant, recessive and
additive trend statistics with its multiplicity-adjusted p (Gonzalez et al. 2008, as SNPassoc's
``maxstat``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special, stats

from genoassoc.models import exposure
from genoassoc.stats import HypothesisTest

# R's fisher.test counts tables within this relative distance of the observed probability as ties.
_RELATIVE_ERROR = 1 + 1e-7
# the trend test's scores of 0, 1 and 2 effect-allele copies under each model (genoassoc.models.exposure)
SCORES: dict[str, tuple[int, int, int]] = {
    model: (int(scores[0]), int(scores[1]), int(scores[2]))
    for model in ("dominant", "recessive", "additive") for scores in [exposure(np.arange(3), model)]}
# Exact enumeration of 2×k tables is used up to this many tables; beyond it, Monte Carlo.
MAX_EXACT_TABLES = 2_000_000
# Monte Carlo p: R fisher.test(simulate.p.value = TRUE)'s default B, with a fixed seed.
REPLICATES = 2000
SEED = 20261123


@dataclass(frozen=True)
class FisherResult:
    p: float
    odds_ratio: float = float("nan")
    ci_lo: float = float("nan")
    ci_hi: float = float("nan")
    method: str = "exact"


def fisher_exact(table: np.ndarray) -> FisherResult:
    """Two-sided Fisher's exact test of an r×c table (2×2 with the conditional MLE odds ratio and
    exact CI as R). 2×k tables are enumerated exactly while there are at most `MAX_EXACT_TABLES`;
    other tables get R's ``simulate.p.value`` Monte Carlo p (`REPLICATES` tables, fixed seed), so the
    work never grows with the number of levels."""
    table = np.asarray(table, dtype=np.int64)
    if table.shape == (2, 2):
        from scipy.stats.contingency import odds_ratio

        p = float(stats.fisher_exact(table).pvalue)
        estimate = odds_ratio(table, kind="conditional")
        ci = estimate.confidence_interval(0.95)
        return FisherResult(p, float(estimate.statistic), float(ci.low), float(ci.high))
    if table.shape[0] != 2:
        table = table.T
    if table.shape[0] == 2 and math.prod(int(c) + 1 for c in table.sum(axis=0)[:-1]) <= MAX_EXACT_TABLES:
        return FisherResult(_fisher_2xk(table))
    return FisherResult(_fisher_monte_carlo(table), method=f"Monte Carlo ({REPLICATES} tables)")


def _log_table_probability(tables: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Log probability of r×c tables given their margins (multivariate hypergeometric)."""
    n = rows.sum()
    constant = special.gammaln(rows + 1).sum() + special.gammaln(columns + 1).sum() - special.gammaln(n + 1)
    return np.asarray(constant - special.gammaln(tables + 1).sum(axis=(-2, -1)), dtype=float)


def _fisher_monte_carlo(table: np.ndarray) -> float:
    """p = (1 + #simulated tables no more probable than the observed) / (B + 1), as R."""
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    simulated = stats.random_table(rows, columns, seed=SEED).rvs(REPLICATES)
    observed = _log_table_probability(table[None], rows, columns)[0]
    log_p = _log_table_probability(simulated, rows, columns)
    return float((1 + np.sum(log_p <= observed + np.log(_RELATIVE_ERROR))) / (REPLICATES + 1))


def _fisher_2xk(table: np.ndarray) -> float:
    columns = table.sum(axis=0)
    events = int(table[1].sum())
    total = int(columns.sum())

    def log_probability(first_row: np.ndarray) -> np.ndarray:
        # Multivariate hypergeometric probability of the second row given the margins.
        terms = special.gammaln(columns + 1) - special.gammaln(first_row + 1) - special.gammaln(columns - first_row + 1)
        return np.asarray(terms.sum(axis=-1) - (special.gammaln(total + 1) - special.gammaln(events + 1)
                                                - special.gammaln(total - events + 1)), dtype=float)

    # Enumerate all but the last column's count; the last follows from the row margin.
    grids = np.meshgrid(*[np.arange(c + 1) for c in columns[:-1]], indexing="ij")
    free = np.stack([grid.reshape(-1) for grid in grids], axis=1)
    last = events - free.sum(axis=1)
    valid = (last >= 0) & (last <= columns[-1])
    rows = np.column_stack([free[valid], last[valid]])
    log_p = log_probability(rows)
    observed = log_probability(table[1][None, :])[0]
    probabilities = np.exp(log_p - observed)
    return float(min(1.0, probabilities[probabilities <= _RELATIVE_ERROR].sum() * np.exp(observed)))


def chi_square(table: np.ndarray, yates: bool) -> HypothesisTest:
    """Pearson chi-square of a contingency table; `yates` applies the 2×2 continuity correction as
    R's ``chisq.test`` does."""
    table = np.asarray(table, dtype=float)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return HypothesisTest(float("nan"), 0, float("nan"))
    result = stats.chi2_contingency(table, correction=yates)
    return HypothesisTest(float(result.statistic), int(result.dof), float(result.pvalue))


def trend_statistic(table: np.ndarray, scores: tuple[int, int, int] = (0, 1, 2)) -> float:
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


def max_statistic(table: np.ndarray) -> tuple[float, float, dict[str, float]]:
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
