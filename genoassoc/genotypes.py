"""Genotypes as an array: samples × loci of allele2 dosages (0, 1, 2; -1 for a no-call).

Built once from a calls table with vectorised pandas/numpy operations, so counting stays fast for
hundreds of thousands of samples or loci.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.loci import Catalog

NO_CALL = -1


@dataclass(frozen=True)
class GenotypeMatrix:
    """`dosage[i, j]` is the number of copies of `alleles[j][1]` sample `samples[i]` carries at
    `loci[j]`, or -1 for a no-call (or a sample absent from that locus)."""

    samples: tuple[str, ...]
    loci: tuple[str, ...]
    alleles: tuple[tuple[str, str], ...]
    dosage: np.ndarray

    def counts(self) -> np.ndarray:
        """Per locus: hom allele1, het, hom allele2, no-call (shape loci × 4)."""
        return np.stack(
            [(self.dosage == value).sum(axis=0) for value in (0, 1, 2, NO_CALL)], axis=1
        ).astype(np.int64)

    def subset(self, sample_mask: np.ndarray) -> GenotypeMatrix:
        """The same loci for the samples where `sample_mask` is true."""
        return GenotypeMatrix(
            tuple(np.asarray(self.samples, dtype=object)[sample_mask]),
            self.loci,
            self.alleles,
            self.dosage[sample_mask],
        )


def locus_alleles(locus_id: str, genotypes: Iterable[str], catalog: Catalog) -> tuple[str, str]:
    """The catalog's allele pair, or for another locus the alleles of its called genotypes in order
    of appearance ("." for an allele never seen)."""
    if locus_id in catalog:
        return catalog.resolve(locus_id).alleles
    seen = tuple(dict.fromkeys(allele for genotype in dict.fromkeys(genotypes) for allele in genotype.split("/")))
    if len(seen) > 2:
        raise InputError(f"locus '{locus_id}' has more than two alleles ({', '.join(seen)})")
    return (seen + (".", "."))[0], (seen + (".", "."))[1]


def genotype_matrix(calls: pd.DataFrame, catalog: Catalog) -> GenotypeMatrix:
    """The matrix of a validated calls table (see `genoassoc.calls.read_calls`); loci outside the
    catalog take their alleles in order of first appearance. Work is per distinct (locus, genotype)
    pair, so a million rows cost a few factorisations."""
    sample_codes, samples = _in_order(calls["sample"])
    locus_codes, loci = pd.factorize(calls["locus"])
    called = (calls["status"] == "called").to_numpy()
    genotype_codes, found = pd.factorize(calls["genotype"])
    genotypes = [*found.tolist(), ""]
    genotype_codes = np.where(called & (genotype_codes >= 0), genotype_codes, len(genotypes) - 1)
    pairs, keys = pd.factorize(locus_codes.astype(np.int64) * len(genotypes) + genotype_codes)
    decoded = [(loci[key // len(genotypes)], genotypes[key % len(genotypes)]) for key in np.asarray(keys)]
    written: dict[str, list[str]] = {}
    for locus, genotype in decoded:
        if genotype:
            written.setdefault(locus, []).append(genotype)
    alleles = {locus: locus_alleles(locus, written.get(locus, []), catalog) for locus in loci}
    copies = np.asarray([genotype.split("/").count(alleles[locus][1]) if genotype else NO_CALL
                         for locus, genotype in decoded], dtype=np.int8)
    dosage = np.full((len(samples), len(loci)), NO_CALL, dtype=np.int8)
    dosage[sample_codes, locus_codes] = copies[pairs]
    pairs_of_alleles = tuple(alleles[locus] for locus in loci)
    return GenotypeMatrix(tuple(samples), tuple(loci.tolist()), pairs_of_alleles, dosage)


def _in_order(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes and distinct values in order of first appearance (pyarrow-backed strings through
    `genoassoc.calls.arrow_codes`)."""
    if hasattr(values.array, "__arrow_array__") and not values.hasnans:
        from genoassoc.calls import arrow_codes

        return arrow_codes(values)
    codes, uniques = pd.factorize(values)
    return codes, uniques.tolist()
