"""Phenotype tables: one row per sample, a sample id column and any other columns."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from genoassoc.errors import InputError


def read_phenotypes(path: str | os.PathLike, sample_col: str = "sample") -> pd.DataFrame:
    """A phenotype table indexed by sample id (strings as read; columns are converted by the analyses
    that use them). An empty or duplicated sample id is an error naming its row."""
    from genoassoc.io.tables import read_table

    table = read_table(path, [sample_col])
    source = table.attrs["source"]
    ids = table[sample_col]
    if (ids == "").any():
        raise InputError("the sample id is empty", source, int((ids == "").idxmax()), sample_col)
    duplicated = ids.duplicated()
    if duplicated.any():
        row = int(duplicated.idxmax())
        first = int(ids[ids == ids[row]].index[0])
        raise InputError(f"sample '{ids[row]}' is listed twice (rows {first} and {row})", source, row, sample_col)
    table = table.assign(_row=table.index).set_index(sample_col)
    table.attrs["source"] = source
    return table


MISSING_VALUES = frozenset({"", "NA", "na", "NaN", "nan", "."})


def numeric_phenotype(phenotypes: pd.DataFrame, column: str) -> pd.Series:
    """A phenotype column as floats (empty, NA or . = missing); text elsewhere is an error naming the
    file, row and column."""
    if column not in phenotypes.columns:
        shown = ", ".join(name for name in phenotypes.columns if name != "_row")
        raise InputError(f"no column '{column}' (columns: {shown})", phenotypes.attrs.get("source"))
    raw = phenotypes[column].astype(str).str.strip()
    missing = raw.isin(MISSING_VALUES)
    values = pd.to_numeric(raw.where(~missing), errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        sample = bad.idxmax()
        row = int(phenotypes.at[sample, "_row"]) if "_row" in phenotypes.columns else None
        raise InputError(f"'{raw[sample]}' is not a number", phenotypes.attrs.get("source"), row, column)
    return values.astype(float)


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
                lines.append(f"{len(samples)} samples {label}: {shown}")
        return lines


def join_calls(calls: pd.DataFrame, phenotypes: pd.DataFrame, locus: str) -> tuple[pd.DataFrame, JoinReport]:
    """Phenotypes of the samples called at `locus`, with a ``genotype`` column; the report lists
    samples on one side only and the no-calls (excluded)."""
    at_locus = calls[calls["locus"] == locus]
    if at_locus.empty:
        raise InputError(f"locus {locus} is not in the calls table")
    in_calls = pd.Index(at_locus["sample"])
    only_calls = tuple(sample for sample in in_calls if sample not in phenotypes.index)
    only_pheno = tuple(sample for sample in phenotypes.index if sample not in set(in_calls))
    shared = at_locus[at_locus["sample"].isin(phenotypes.index)]
    no_call = tuple(shared.loc[shared["status"] != "called", "sample"])
    called = shared[shared["status"] == "called"]
    joined = phenotypes.loc[called["sample"]].copy()
    joined["genotype"] = called["genotype"].to_numpy()
    joined.attrs["source"] = phenotypes.attrs.get("source")
    return joined, JoinReport(locus, only_calls, only_pheno, no_call, len(joined))
