"""Genotype QC as analyses: Hardy–Weinberg per locus (optionally per phenotype group), call rates and
population frequencies, LD and haplotypes, and the agreement of two call sets."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result
from genoassoc.errors import InputError
from genoassoc.loci import Catalog


def hwe(calls: pd.DataFrame, catalog: Catalog | None = None, loci: list[str] | None = None,
        phenotypes: pd.DataFrame | None = None, by: str | None = None, p_adjust: str = "BH") -> Result:
    """Hardy–Weinberg per locus: counts, allele frequency with its CI, exact p and mid-p (as PLINK
    ``--hardy``) and chi-square, the exact p adjusted over the loci (`p_adjust`, as R ``p.adjust``);
    with `by` (a column of `phenotypes`) one table per group, missing values forming no group."""
    from genoassoc.qc.hwe import hwe as hwe_by_group

    notes: list[str] = []
    groups = None
    if by is not None:
        if phenotypes is None:
            raise InputError("--by needs --pheno, the table holding the column")
        values = coding.column(phenotypes, by)
        groups = values[~coding.is_missing(values)]
        outside = set(calls["sample"]) - set(groups.index)
        if outside:
            notes.append(f"{len(outside)} samples have no '{by}' and are left out of the strata")
    table = adjust_column(hwe_by_group(calls, catalog, loci, groups), "p_exact", p_adjust, "loci",
                          by="group" if by is not None else None)
    return Result(table=table, notes=tuple(notes))


def adjust_column(table: pd.DataFrame, column: str, method: str, what: str, by: str | None = None,
                  rows: pd.Series | None = None) -> pd.DataFrame:
    """`table` with ``p_adj`` (R ``p.adjust`` of `column` over the rows, within each `by` group; only
    the `rows` given) and ``p_adj_method`` (``BH over 3 loci``) after `column`."""
    from genoassoc.stats.multiple import describe
    from genoassoc.stats.multiple import p_adjust as adjust

    chosen = pd.Series(True, index=table.index) if rows is None else rows
    adjusted = pd.Series(float("nan"), index=table.index)
    method_text = pd.Series("", index=table.index, dtype=object)
    families = [table.index[chosen]] if by is None else [
        index for _, index in table[chosen].groupby(by, sort=False, observed=True).groups.items()]
    for family in families:
        values = pd.to_numeric(table.loc[family, column], errors="coerce")
        adjusted[family] = adjust(values.to_numpy(float), method)
        method_text[family] = describe(method, int(values.notna().sum()), what)
    position = table.columns.get_loc(column) + 1
    table = table.copy()
    table.insert(position, "p_adj", adjusted)
    table.insert(position + 1, "p_adj_method", method_text)
    return table


@dataclass(frozen=True, kw_only=True)
class QcResult(Result):
    """`table`: one row per locus; `samples`: call rate per sample; `ld`, `haplotypes`,
    `haplotype_pairs` when asked for."""

    samples: pd.DataFrame
    ld: pd.DataFrame | None = None
    haplotypes: pd.DataFrame | None = None
    haplotype_pairs: pd.DataFrame | None = None


def genotype_qc(calls: pd.DataFrame, catalog: Catalog | None = None, population: str | None = None,
                reference: pd.DataFrame | None = None, min_locus_call_rate: float = 0.95,
                min_sample_call_rate: float = 0.90, ld: bool = False, haplotypes: bool = False,
                p_adjust: str = "BH") -> QcResult:
    """Call rates per locus and sample, HWE, monomorphic loci, allele frequencies against a
    population reference with the strand-flip warning for G/C and A/T loci; LD (D, D', r²) and EM
    haplotypes (as R ``haplo.stats::haplo.em``) on request. The HWE exact p is adjusted over the loci
    (`p_adjust`)."""
    from genoassoc.loci import load_catalog
    from genoassoc.qc.frequencies import qc

    catalog = catalog or load_catalog()
    loci, samples = qc(calls, catalog, population, reference, min_locus_call_rate, min_sample_call_rate)
    loci = adjust_column(loci, "p_exact", p_adjust, "loci")
    notes = []
    for _, row in loci.iterrows():
        if row["low_call_rate"]:
            notes.append(f"{row['locus']}: call rate {row['call_rate']:.3f} below {min_locus_call_rate}")
        if row["monomorphic"]:
            notes.append(f"{row['locus']}: monomorphic in these samples")
        if row.get("strand_warning"):
            notes.append(f"{row['locus']}: {row['strand_warning']}")
        if population is not None and pd.isna(row.get("ref_freq_allele2")):
            where = ("the shipped reference (--population list shows what it holds; --population-file takes "
                     "your own)" if reference is None else "the population file")
            notes.append(f"{row['locus']}: not compared with {population}: no {population} frequency of its alleles "
                         f"in {where}")
    low = samples[samples["low_call_rate"]]
    if len(low):
        names = ", ".join(low["sample"].iloc[:10])
        more = f" and {len(low) - 10} more (see --samples-output)" if len(low) > 10 else ""
        notes.append(f"{len(low)} sample{'s' if len(low) != 1 else ''} below call rate {min_sample_call_rate}: "
                     f"{names}{more}")
    ld_table = haplotype_table = pairs = None
    if ld or haplotypes:
        from genoassoc.genotypes import genotype_matrix
        from genoassoc.qc.ld import estimate_haplotypes, pairwise_ld

        matrix = genotype_matrix(calls, catalog)
        if ld:
            ld_table = pairwise_ld(matrix)
        if haplotypes:
            fit = estimate_haplotypes(matrix)
            haplotype_table, pairs = fit.haplotypes, fit.samples
            notes.append(f"haplotypes: {fit.n_samples} samples called at every locus, {fit.n_excluded} left out")
    return QcResult(table=loci, notes=tuple(notes), samples=samples, ld=ld_table, haplotypes=haplotype_table,
                    haplotype_pairs=pairs)


@dataclass(frozen=True, kw_only=True)
class ConcordanceResult(Result):
    """`table`: agreement per locus and overall; `discordant`: the sample × locus pairs that differ."""

    discordant: pd.DataFrame


def concordance(first: pd.DataFrame, second: pd.DataFrame) -> ConcordanceResult:
    """Agreement of two call sets (e.g. RFLP against sequencing) per locus and overall, with Cohen's
    kappa; no-calls and samples in one set only are counted apart, never as disagreement."""
    from genoassoc.qc.concordance import concordance as compare

    summary, discordant = compare(first, second)
    overall = summary.iloc[-1]
    note = f"{overall['n_agree']} of {overall['n_both_called']} pairs agree; {overall['n_discordant']} discordant"
    return ConcordanceResult(table=summary, notes=(note,), discordant=discordant)
