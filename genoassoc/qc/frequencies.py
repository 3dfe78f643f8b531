"""Call rates, allele frequencies and their comparison with population reference frequencies.

For strand-ambiguous loci (G/C, A/T) a frequency that fits the reference's other allele better than
the named one is flagged: the alleles alone cannot reveal a strand flip.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.genotypes import NO_CALL, GenotypeMatrix
from genoassoc.io.records import DEFAULT_READ, ReadOptions
from genoassoc.loci import Catalog

# A reference frequency this close to 0.5 cannot tell a flipped strand from the right one.
FLIP_MIN_DISTANCE_FROM_HALF = 0.1


def read_population_frequencies(path: str | os.PathLike | None = None,
                                options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """Reference allele frequencies (``locus, population, allele, frequency`` and optional
    ``allele_number``, ``studied`` (who was genotyped), ``source``); the shipped
    ``reference/population_frequencies.tsv`` by default: published control groups, each population
    named by the people studied (``han-chinese-jiangsu``), never a guessed super-population."""
    from genoassoc.io.tables import numeric_column, read_table
    from genoassoc.resources import reference_file

    table = read_table(path or reference_file("population_frequencies.tsv"),
                       ["locus", "population", "allele", "frequency"], allow_no_rows=path is None, options=options)
    frequency = numeric_column(table, "frequency", allow_empty=False)
    bad = (frequency < 0) | (frequency > 1)
    if bad.any():
        row = int(bad.idxmax())
        raise InputError("frequency must be between 0 and 1", table.attrs["source"], row, "frequency")
    table = table.assign(frequency=frequency)
    repeated = table.duplicated(subset=["locus", "population", "allele"], keep=False)
    if repeated.any():
        rows = [int(row) for row in table.index[repeated.to_numpy()]]
        first = table.loc[rows[0]]
        raise InputError(f"{first['locus']} {first['allele']} in '{first['population']}' has two frequencies "
                         f"(rows {rows[0]} and {rows[1]}): give one per locus, population and allele",
                         table.attrs["source"], rows[1])
    if "allele_number" in table.columns:
        table["allele_number"] = numeric_column(table, "allele_number")
    else:
        table["allele_number"] = np.nan
    for column in ("studied", "source"):
        if column not in table.columns:
            table[column] = ""
    return table


def populations(reference: pd.DataFrame) -> pd.DataFrame:
    """The populations of a reference table: name, who was studied, the loci with a frequency, the
    largest allele number, and the sources."""
    rows = []
    for name, group in reference.groupby("population", sort=True, observed=True):
        rows.append({"population": name, "studied": "; ".join(dict.fromkeys(filter(None, group["studied"]))),
                     "loci": ",".join(dict.fromkeys(group["locus"])),
                     "allele_number": group["allele_number"].max(),
                     "source": " | ".join(dict.fromkeys(filter(None, group["source"])))})
    table = pd.DataFrame(rows, columns=["population", "studied", "loci", "allele_number", "source"])
    table["allele_number"] = table["allele_number"].round().astype("Int64")
    return table


def sample_call_rates(matrix: GenotypeMatrix) -> pd.DataFrame:
    """Per sample: loci called, loci typed, call rate."""
    called = (matrix.dosage != NO_CALL).sum(axis=1)
    return pd.DataFrame(
        {"sample": matrix.samples, "n_called": called, "n_loci": len(matrix.loci),
         "call_rate": called / max(len(matrix.loci), 1)}
    )


def _reference_row(reference: pd.DataFrame, locus: str, population: str, alleles: tuple[str, str]):
    rows = reference[(reference["locus"] == locus) & (reference["population"] == population)]
    for allele_index in (1, 0):
        match = rows[rows["allele"] == alleles[allele_index]]
        if len(match):
            record = match.iloc[0]
            frequency = record["frequency"] if allele_index == 1 else 1 - record["frequency"]
            return frequency, record["allele_number"], record["source"]
    return None


def _difference_p(count: int, total: int, reference_frequency: float, reference_number: float) -> float:
    if total == 0:
        return float("nan")
    if reference_number == reference_number and reference_number > 0:
        reference_count = round(reference_frequency * reference_number)
        table = [[count, total - count], [reference_count, int(reference_number) - reference_count]]
        from scipy import stats

        return float(stats.fisher_exact(table).pvalue)
    from scipy import stats

    return float(stats.binomtest(count, total, reference_frequency).pvalue)


def population_check(
    hwe_rows: pd.DataFrame, catalog: Catalog, population: str, reference: pd.DataFrame
) -> pd.DataFrame:
    """Observed allele2 frequency against the reference population's, per locus: the reference
    frequency, a test of difference (Fisher's exact against the reference allele counts when their
    number is known, else an exact binomial test) and, for strand-ambiguous loci, a flip warning."""
    records = []
    for _, row in hwe_rows.iterrows():
        alleles = (row["allele1"], row["allele2"])
        found = _reference_row(reference, row["locus"], population, alleles)
        record = {"locus": row["locus"], "population": population, "ref_freq_allele2": np.nan,
                  "p_vs_ref": np.nan, "strand_warning": "", "ref_source": ""}
        if found is not None:
            reference_frequency, reference_number, source = found
            count = int(row["n_het"] + 2 * row["n_hom2"])
            total = int(2 * row["n"])
            record.update(ref_freq_allele2=reference_frequency, ref_source=source,
                          p_vs_ref=_difference_p(count, total, reference_frequency, reference_number))
            palindromic = row["locus"] in catalog and catalog.resolve(row["locus"]).palindromic
            palindromic = palindromic or {alleles[0], alleles[1]} in ({"G", "C"}, {"A", "T"})
            observed = row["freq_allele2"]
            if (
                palindromic
                and total > 0
                and abs(reference_frequency - 0.5) > FLIP_MIN_DISTANCE_FROM_HALF
                and abs(observed - (1 - reference_frequency)) < abs(observed - reference_frequency)
            ):
                record["strand_warning"] = (
                    f"{alleles[1]} frequency {observed:.3f} fits the reference {alleles[0]} frequency "
                    f"{1 - reference_frequency:.3f} better than its {alleles[1]} frequency "
                    f"{reference_frequency:.3f}: possible strand flip (G/C and A/T SNPs)"
                )
        records.append(record)
    return pd.DataFrame(records)


def qc(
    calls: pd.DataFrame,
    catalog: Catalog | None = None,
    population: str | None = None,
    reference: pd.DataFrame | None = None,
    min_locus_call_rate: float = 0.95,
    min_sample_call_rate: float = 0.90,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Locus and sample QC of a calls table.

    Returns (loci, samples). The loci table has the HWE columns (see `genoassoc.qc.hwe.hwe_table`),
    ``low_call_rate`` and, with a `population`, the reference comparison; the samples table has each
    sample's call rate and ``low_call_rate``.
    """
    from genoassoc.genotypes import genotype_matrix
    from genoassoc.loci import load_catalog
    from genoassoc.qc.hwe import hwe_table

    catalog = catalog or load_catalog()
    matrix = genotype_matrix(calls, catalog)
    loci = hwe_table(matrix)
    loci["low_call_rate"] = loci["call_rate"] < min_locus_call_rate
    if population is not None:
        reference = read_population_frequencies() if reference is None else reference
        known = sorted(set(reference["population"]))
        if population not in known:
            raise InputError(f"no population '{population}' in the reference (it has: {', '.join(known) or 'none'}); "
                             "--population list shows who each is")
        check = population_check(loci, catalog, population, reference)
        loci = loci.merge(check, on="locus", how="left")
    samples = sample_call_rates(matrix)
    samples["low_call_rate"] = samples["call_rate"] < min_sample_call_rate
    return loci, samples
