"""Genotypes as an array: samples × loci of allele2 dosages (0, 1, 2; -1 for a no-call).

Built once from a calls table with vectorised pandas/numpy operations, so counting stays fast for
hundreds of thousands of samples or loci.
"""

from __future__ import annotations

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


def _infer_alleles(locus: str, genotypes: pd.Series) -> tuple[str, str]:
    alleles = list(dict.fromkeys(genotypes.str.split("/").explode().tolist()))
    if len(alleles) > 2:
        raise InputError(f"locus '{locus}' has more than two alleles ({', '.join(alleles)})")
    return (alleles + ["."] * 2)[:2] if alleles else (".", ".")


def genotype_matrix(calls: pd.DataFrame, catalog: Catalog) -> GenotypeMatrix:
    """The matrix of a validated calls table (see `genoassoc.calls.read_calls`); loci outside the
    catalog take their alleles in order of first appearance."""
    samples = pd.Index(pd.unique(calls["sample"]))
    loci = pd.Index(pd.unique(calls["locus"]))
    called = calls[calls["status"] == "called"]
    alleles: dict[str, tuple[str, str]] = {}
    for locus in loci:
        if locus in catalog:
            alleles[locus] = catalog.resolve(locus).alleles
    unknown = called[~called["locus"].isin(list(alleles))]
    for locus, rows in unknown.groupby("locus", sort=False):
        alleles[locus] = _infer_alleles(locus, rows["genotype"])
    for locus in loci:
        alleles.setdefault(locus, (".", "."))
    dosage = np.full((len(samples), len(loci)), NO_CALL, dtype=np.int8)
    if len(called):
        parts = called["genotype"].str.split("/", n=1, expand=True)
        second = called["locus"].map({locus: pair[1] for locus, pair in alleles.items()})
        copies = (parts[0] == second).astype(np.int8) + (parts[1] == second).astype(np.int8)
        dosage[samples.get_indexer(called["sample"]), loci.get_indexer(called["locus"])] = copies.to_numpy()
    return GenotypeMatrix(tuple(samples), tuple(loci), tuple(alleles[locus] for locus in loci), dosage)
