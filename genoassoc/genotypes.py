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
    seen: dict[str, list[str]] = {}
    for key in np.asarray(keys):
        locus, genotype = loci[key // len(genotypes)], genotypes[key % len(genotypes)]
        if genotype:
            seen.setdefault(locus, [])
            seen[locus] += [allele for allele in genotype.split("/") if allele not in seen[locus]]
    alleles: dict[str, tuple[str, str]] = {}
    for locus in loci:
        if locus in catalog:
            alleles[locus] = catalog.resolve(locus).alleles
        else:
            found = seen.get(locus, [])
            if len(found) > 2:
                raise InputError(f"locus '{locus}' has more than two alleles ({', '.join(found)})")
            alleles[locus] = tuple((found + ["."] * 2)[:2])  # type: ignore[assignment]
    copies = np.full(len(keys), NO_CALL, dtype=np.int8)
    for position, key in enumerate(np.asarray(keys)):
        locus, genotype = loci[key // len(genotypes)], genotypes[key % len(genotypes)]
        if genotype:
            copies[position] = genotype.split("/").count(alleles[locus][1])
    dosage = np.full((len(samples), len(loci)), NO_CALL, dtype=np.int8)
    dosage[sample_codes, locus_codes] = copies[pairs]
    pairs_of_alleles = tuple(alleles[locus] for locus in loci)
    return GenotypeMatrix(tuple(samples), tuple(loci.tolist()), pairs_of_alleles, dosage)


def _in_order(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes and distinct values in order of first appearance; pyarrow-backed strings (a biobank's
    sample ids) are dictionary-encoded by pyarrow, twice as fast as through pandas."""
    if hasattr(values.array, "__arrow_array__") and not values.hasnans:
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(values.array.__arrow_array__(), memory_pool=pa.system_memory_pool())
        if encoded.num_chunks:
            codes = np.concatenate([chunk.indices.to_numpy() for chunk in encoded.chunks])
            return codes, encoded.chunk(0).dictionary.to_pylist()
    codes, uniques = pd.factorize(values)
    return codes, uniques.tolist()
