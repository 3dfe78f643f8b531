"""Linkage disequilibrium and haplotypes from unphased genotypes.

Haplotype frequencies are estimated by expectation–maximisation over the haplotype pairs each
sample's genotypes allow (Excoffier & Slatkin 1995, as R ``haplo.stats::haplo.em`` for biallelic
loci); pairwise D, D' and r² follow from the two-locus frequencies (Lewontin 1964), as R
``genetics::LD``. Samples with a no-call at any analysed locus are left out, and counted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.genotypes import NO_CALL, GenotypeMatrix

MAX_HAPLOTYPE_LOCI = 12


@dataclass(frozen=True)
class HaplotypeFit:
    """EM haplotype frequencies and each sample's most likely haplotype pair."""

    loci: tuple[str, ...]
    haplotypes: pd.DataFrame
    samples: pd.DataFrame
    n_samples: int
    n_excluded: int
    iterations: int
    log_likelihood: float


def _compatible_pairs(dosages: np.ndarray) -> list[tuple[int, int]]:
    """Haplotype index pairs (bit j = allele2 at locus j) that give these dosages."""
    het = [j for j, d in enumerate(dosages) if d == 1]
    base = sum(1 << j for j, d in enumerate(dosages) if d == 2)
    if not het:
        return [(base, base)]
    pairs = []
    # Fix the first heterozygous locus's allele2 on the second haplotype to avoid counting mirror pairs.
    for bits in itertools.product((0, 1), repeat=len(het) - 1):
        first = base + sum(1 << j for j, bit in zip(het[1:], bits, strict=True) if bit)
        second = base + (1 << het[0]) + sum(1 << j for j, bit in zip(het[1:], bits, strict=True) if not bit)
        pairs.append((first, second))
    return pairs


def estimate_haplotypes(
    matrix: GenotypeMatrix, tolerance: float = 1e-10, max_iterations: int = 10_000
) -> HaplotypeFit:
    """EM estimate of haplotype frequencies across all loci of `matrix` (at most 12)."""
    n_loci = len(matrix.loci)
    if not 2 <= n_loci <= MAX_HAPLOTYPE_LOCI:
        raise InputError(f"haplotypes need 2 to {MAX_HAPLOTYPE_LOCI} loci, got {n_loci}")
    complete = (matrix.dosage != NO_CALL).all(axis=1)
    dosage = matrix.dosage[complete]
    if len(dosage) == 0:
        raise InputError("no sample is called at every locus")
    patterns, pattern_of_sample, pattern_counts = np.unique(
        dosage, axis=0, return_inverse=True, return_counts=True
    )
    pattern_of_sample = pattern_of_sample.reshape(-1)
    pairs = [_compatible_pairs(pattern) for pattern in patterns]
    n_haplotypes = 1 << n_loci
    # Start from linkage equilibrium.
    allele2 = dosage.mean(axis=0) / 2
    frequencies = np.ones(n_haplotypes)
    for j in range(n_loci):
        bit = (np.arange(n_haplotypes) >> j) & 1
        frequencies *= np.where(bit == 1, allele2[j], 1 - allele2[j])
    frequencies = np.maximum(frequencies, 1e-12)
    frequencies /= frequencies.sum()
    previous = -np.inf
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        expected = np.zeros(n_haplotypes)
        log_likelihood = 0.0
        for pattern_pairs, count in zip(pairs, pattern_counts, strict=True):
            weights = np.array([
                frequencies[a] * frequencies[b] * (1 if a == b else 2) for a, b in pattern_pairs
            ])
            total = weights.sum()
            log_likelihood += count * np.log(total)
            for (a, b), weight in zip(pattern_pairs, weights, strict=True):
                expected[a] += count * weight / total
                expected[b] += count * weight / total
        frequencies = expected / expected.sum()
        if log_likelihood - previous < tolerance:
            break
        previous = log_likelihood
    labels = [
        "".join(matrix.alleles[j][(index >> j) & 1] for j in range(n_loci)) for index in range(n_haplotypes)
    ]
    haplotypes = pd.DataFrame({"haplotype": labels, "frequency": frequencies})
    haplotypes = haplotypes.sort_values("frequency", ascending=False, kind="stable").reset_index(drop=True)
    rows = []
    for sample, pattern in zip(np.asarray(matrix.samples, dtype=object)[complete], pattern_of_sample, strict=True):
        pattern_pairs = pairs[pattern]
        weights = np.array([frequencies[a] * frequencies[b] * (1 if a == b else 2) for a, b in pattern_pairs])
        best = int(np.argmax(weights))
        a, b = sorted(pattern_pairs[best], key=lambda index: -frequencies[index])
        rows.append({"sample": sample, "haplotype1": labels[a], "haplotype2": labels[b],
                     "posterior": weights[best] / weights.sum()})
    return HaplotypeFit(
        loci=matrix.loci,
        haplotypes=haplotypes,
        samples=pd.DataFrame(rows, columns=["sample", "haplotype1", "haplotype2", "posterior"]),
        n_samples=int(complete.sum()),
        n_excluded=int((~complete).sum()),
        iterations=iterations,
        log_likelihood=float(log_likelihood),
    )


def pairwise_ld(matrix: GenotypeMatrix) -> pd.DataFrame:
    """D, D', r and r² for every pair of loci, from two-locus EM haplotype frequencies.

    D is for the two allele2s (p(allele2, allele2) − p2·q2); D' = D / Dmax with Dmax for its sign.
    """
    rows = []
    for first, second in itertools.combinations(range(len(matrix.loci)), 2):
        pair = GenotypeMatrix(
            matrix.samples,
            (matrix.loci[first], matrix.loci[second]),
            (matrix.alleles[first], matrix.alleles[second]),
            matrix.dosage[:, [first, second]],
        )
        fit = estimate_haplotypes(pair)
        frequency = dict(zip(fit.haplotypes["haplotype"], fit.haplotypes["frequency"], strict=True))
        label = pair.alleles[0][1] + pair.alleles[1][1]
        p_22 = frequency[label]
        p2 = sum(f for h, f in frequency.items() if h[0] == pair.alleles[0][1])
        q2 = sum(f for h, f in frequency.items() if h[1] == pair.alleles[1][1])
        d = p_22 - p2 * q2
        d_max = min(p2 * (1 - q2), (1 - p2) * q2) if d > 0 else min(p2 * q2, (1 - p2) * (1 - q2))
        denominator = p2 * (1 - p2) * q2 * (1 - q2)
        r = d / np.sqrt(denominator) if denominator > 0 else np.nan
        rows.append({
            "locus1": pair.loci[0], "locus2": pair.loci[1], "n": fit.n_samples,
            "D": d, "D_prime": d / d_max if d_max > 0 else np.nan, "r": r, "r2": r * r,
        })
    return pd.DataFrame(rows, columns=["locus1", "locus2", "n", "D", "D_prime", "r", "r2"])
