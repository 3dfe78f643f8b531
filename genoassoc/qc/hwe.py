"""Hardy–Weinberg equilibrium per locus.

Exact test of Wigginton, Cutler & Abecasis (2005), as PLINK ``--hardy``; mid-p of Graffelman &
Moreno (2013), as PLINK 2 ``--hardy midp``; Pearson chi-square with 1 df, with and without Yates'
continuity correction. Vectorised: loci sharing genotype counts are computed once, and each
distinct configuration sums its whole heterozygote distribution in one numpy expression.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from genoassoc.genotypes import GenotypeMatrix

if TYPE_CHECKING:
    from genoassoc.loci import Catalog

# Configurations within this relative distance of the observed probability count as equally likely
# (floating-point ties), as PLINK does.
_TIE_TOLERANCE = 1e-7
SMALL_EXPECTED = 5.0


def _exact(het: int, hom1: int, hom2: int) -> tuple[float, float]:
    n = het + hom1 + hom2
    if n == 0:
        return float("nan"), float("nan")
    rare = 2 * min(hom1, hom2) + het
    hets = np.arange(rare % 2, rare + 1, 2)
    rare_hom = (rare - hets) // 2
    common_hom = n - hets - rare_hom
    log_p = (
        hets * np.log(2.0)
        - special.gammaln(rare_hom + 1)
        - special.gammaln(hets + 1)
        - special.gammaln(common_hom + 1)
    )
    probabilities = np.exp(log_p - log_p.max())
    probabilities /= probabilities.sum()
    observed = probabilities[hets == het][0]
    as_likely = probabilities <= observed * (1 + _TIE_TOLERANCE)
    tied = as_likely & (probabilities >= observed * (1 - _TIE_TOLERANCE))
    p_value = min(1.0, probabilities[as_likely].sum())
    # Mid-p halves the weight of every configuration as likely as the observed one (PLINK 2).
    return p_value, p_value - 0.5 * probabilities[tied].sum()


def hwe_exact(het: ArrayLike, hom1: ArrayLike, hom2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Exact HWE p-values and mid-p values for arrays of genotype counts (any allele labelling)."""
    het, hom1, hom2 = (np.atleast_1d(np.asarray(value, dtype=np.int64)) for value in (het, hom1, hom2))
    # The test is symmetric in the two homozygote classes: sort them so equal configurations share work.
    low, high = np.minimum(hom1, hom2), np.maximum(hom1, hom2)
    keys, inverse = np.unique(np.stack([het, low, high], axis=1), axis=0, return_inverse=True)
    results = np.array([_exact(*map(int, key)) for key in keys]).reshape(-1, 2)
    inverse = inverse.reshape(-1)
    return results[inverse, 0], results[inverse, 1]


def hwe_chisq(het: ArrayLike, hom1: ArrayLike, hom2: ArrayLike, correction: float = 0.0
              ) -> tuple[np.ndarray, np.ndarray]:
    """Pearson chi-square (1 df) against HWE expectations, as R ``genetics::HWE.chisq``: the test of
    the symmetrised 2×2 table of the two alleles each sample carries, equal to n·F² uncorrected.
    `correction` = 0.5 applies Yates' correction to that table as R's ``chisq.test`` does (capped at
    |O - E|). A monomorphic locus has statistic 0 and p = 1."""
    het, hom1, hom2 = (np.asarray(value, dtype=float) for value in (het, hom1, hom2))
    n = het + hom1 + hom2
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (2 * hom1 + het) / (2 * n)
        deviation = np.abs(hom1 * hom2 - het**2 / 4) / n  # |O - E| of every cell of the 2×2 table
        deviation = np.maximum(deviation - correction, 0.0)
        statistic = np.where(p * (1 - p) > 0, deviation**2 / (n * p**2 * (1 - p) ** 2), 0.0)
    statistic = np.where(n > 0, statistic, np.nan)
    return statistic, special.chdtrc(1, statistic)


def _frequency_ci(count: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson interval (Wilson 1927), written out: statsmodels' `proportion_confint` gives the
    same numbers (tested) but loads scipy.stats, half a second on every call of `hwe`."""
    z = special.ndtri(0.975)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.maximum(np.asarray(total, dtype=float), 1)
        p = np.asarray(count, dtype=float) / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
        low, high = centre - half, centre + half
    # The Wilson bounds are exactly 0 and 1 at the extremes; keep floating-point dust out.
    low, high = np.where(count == 0, 0.0, low), np.where(count == total, 1.0, high)
    return np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)


def hwe_table(matrix: GenotypeMatrix) -> pd.DataFrame:
    """Per locus: counts, call rate, allele2 frequency with its 95% Wilson CI, minor allele and MAF,
    observed/expected heterozygosity, exact p, mid-p, chi-square with and without correction."""
    counts = matrix.counts()
    hom1, het, hom2, missing = counts.T
    n = hom1 + het + hom2
    alleles = np.array(matrix.alleles, dtype=object).reshape(-1, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        freq2 = (het + 2 * hom2) / (2 * n)
        exp_het = 2 * freq2 * (1 - freq2)
        obs_het = het / n
        call_rate = n / (n + missing)
    low, high = _frequency_ci(het + 2 * hom2, 2 * n)
    p_exact, p_midp = hwe_exact(het, hom1, hom2)
    chisq, p_chisq = hwe_chisq(het, hom1, hom2)
    chisq_cc, p_chisq_cc = hwe_chisq(het, hom1, hom2, correction=0.5)
    expected_min = n * np.minimum.reduce([(1 - freq2) ** 2, 2 * freq2 * (1 - freq2), freq2**2])
    minor_is_2 = freq2 <= 0.5
    return pd.DataFrame(
        {
            "locus": matrix.loci,
            "allele1": alleles[:, 0],
            "allele2": alleles[:, 1],
            "n": n,
            "n_no_call": missing,
            "call_rate": call_rate,
            "n_hom1": hom1,
            "n_het": het,
            "n_hom2": hom2,
            "freq_allele2": freq2,
            "freq_allele2_lo": low,
            "freq_allele2_hi": high,
            "minor_allele": np.where(minor_is_2, alleles[:, 1], alleles[:, 0]),
            "maf": np.where(minor_is_2, freq2, 1 - freq2),
            "obs_het": obs_het,
            "exp_het": exp_het,
            "p_exact": p_exact,
            "p_midp": p_midp,
            "chisq": chisq,
            "p_chisq": p_chisq,
            "chisq_cc": chisq_cc,
            "p_chisq_cc": p_chisq_cc,
            "small_expected": expected_min < SMALL_EXPECTED,
            "monomorphic": (n > 0) & ((het + 2 * hom2 == 0) | (het + 2 * hom1 == 0)),
        }
    )


def hwe(
    calls: pd.DataFrame,
    catalog: Catalog | None = None,
    loci: list[str] | None = None,
    by: pd.Series | None = None,
) -> pd.DataFrame:
    """HWE per locus of a calls table (see `hwe_table` for the columns).

    `loci` restricts the loci (rsIDs or aliases); `by` maps sample id → group (e.g. cases/controls or
    cohort, from a phenotype column) and repeats the table per group, with a ``group`` column first.
    Samples without a group are left out of the stratified rows.
    """
    from genoassoc.genotypes import genotype_matrix
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    if loci:
        wanted = {catalog.resolve(name).id if name in catalog else name for name in loci}
        absent = wanted - set(calls["locus"])
        if absent:
            from genoassoc.errors import InputError

            raise InputError(f"locus {', '.join(sorted(absent))} is not in the calls table")
        calls = calls[calls["locus"].isin(wanted)]
    matrix = genotype_matrix(calls, catalog)
    if by is None:
        return hwe_table(matrix)
    groups = pd.Series(matrix.samples).map(by)
    tables = []
    for level in sorted(groups.dropna().unique(), key=str):
        table = hwe_table(matrix.subset((groups == level).to_numpy()))
        table.insert(0, "group", level)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)
