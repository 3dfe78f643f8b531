"""Genotypes at one locus joined to phenotypes: the one place that matches samples, leaves out
no-calls and encodes a genetic model, for association, Cox tables, plots, Table 1 and the report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from genoassoc.errors import InputError
from genoassoc.genotypes import locus_alleles
from genoassoc.loci import Catalog
from genoassoc.models import Encoding, encode, minor_allele


@dataclass(frozen=True)
class JoinReport:
    """How calls and phenotypes met: who was only on one side, who had no call."""

    locus: str
    only_in_calls: tuple[str, ...]
    only_in_phenotypes: tuple[str, ...]
    no_call: tuple[str, ...]
    n_joined: int

    def messages(self) -> list[str]:
        lines = []
        for label, samples in (("in the calls but not the phenotypes", self.only_in_calls),
                               ("in the phenotypes but not the calls", self.only_in_phenotypes),
                               (f"with a no-call at {self.locus}, left out", self.no_call)):
            if samples:
                shown = ", ".join(samples[:10]) + (f" and {len(samples) - 10} more" if len(samples) > 10 else "")
                lines.append(f"{len(samples)} sample{'s' if len(samples) != 1 else ''} {label}: {shown}")
        return lines


@dataclass(frozen=True)
class Genotyped:
    """Phenotypes of the samples called at `locus` (index: sample id) with their ``genotype``."""

    locus: str
    alleles: tuple[str, str]
    phenotypes: pd.DataFrame
    report: JoinReport

    def encode(self, model: str, effect_allele: str | None = None, keep: pd.Series | None = None) -> Encoding:
        """The genetic model over the samples where `keep` is true (all by default); the effect
        allele defaults to the minor allele among them."""
        genotypes = self.phenotypes["_genotype"] if keep is None else self.phenotypes.loc[keep, "_genotype"]
        return encode(genotypes, self.alleles, model, effect_allele or minor_allele(genotypes, self.alleles))

    def group_column(self, model: str, effect_allele: str | None = None, keep: pd.Series | None = None
                     ) -> tuple[pd.Series, Encoding, str]:
        """(each sample's group label, the encoding, a column title such as
        ``rs1800796, dominant (effect allele G)``) for plots and Table 1."""
        encoding = self.encode(model, effect_allele, keep)
        index = self.phenotypes.index if keep is None else self.phenotypes.index[keep.to_numpy()]
        labels = pd.Series([encoding.groups[k] for k in encoding.group], index=index, dtype=object)
        return labels, encoding, f"{self.locus}, {model} (effect allele {encoding.effect_allele})"


def join_genotypes(calls: pd.DataFrame, phenotypes: pd.DataFrame, locus: str,
                   catalog: Catalog | None = None) -> Genotyped:
    """Phenotypes of the samples called at `locus` (an rsID or alias) with a ``genotype`` column;
    the report lists samples on one side only and the no-calls (left out)."""
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    locus_id = catalog.resolve(locus).id if locus in catalog else locus
    at_locus = calls[calls["locus"] == locus_id]
    if at_locus.empty:
        shown = ", ".join(pd.unique(calls["locus"])[:10])
        raise InputError(f"locus {locus_id} is not in the calls table (loci: {shown})")
    # hash lookups both ways (Series.isin of a long list is slow on Arrow strings)
    unique_index = phenotypes.index.is_unique
    positions = (phenotypes.index if unique_index else phenotypes.index.unique()).get_indexer(at_locus["sample"])
    in_phenotypes = positions >= 0
    in_calls = pd.Index(at_locus["sample"]).get_indexer(phenotypes.index) >= 0
    only_calls = tuple(at_locus.loc[~in_phenotypes, "sample"])
    only_pheno = tuple(dict.fromkeys(phenotypes.index[~in_calls]))  # visits tables repeat a sample
    shared = at_locus[in_phenotypes]
    no_call = tuple(shared.loc[shared["status"] != "called", "sample"])
    is_called = (shared["status"] == "called").to_numpy()
    called = shared[is_called]
    # one row per sample: take the rows by position (a label lookup of half a million ids is slow)
    joined = (phenotypes.iloc[positions[in_phenotypes][is_called]] if unique_index
              else phenotypes.loc[called["sample"]]).copy()
    if len(joined) == len(called):
        joined["_genotype"] = called["genotype"].to_numpy()
    else:
        joined["_genotype"] = pd.Series(called["genotype"].to_numpy(), index=called["sample"].to_numpy()).reindex(
            joined.index).to_numpy()
    joined.attrs["source"] = phenotypes.attrs.get("source")
    alleles = locus_alleles(locus_id, joined["_genotype"], catalog)
    return Genotyped(locus_id, alleles, joined, JoinReport(locus_id, only_calls, only_pheno, no_call, len(joined)))
