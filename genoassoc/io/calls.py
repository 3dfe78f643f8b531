"""The calls table: one row per sample × locus, shared by every genoassoc command.

Required columns ``sample, locus, genotype, status``; ``status`` is ``called`` or ``no_call``;
``genotype`` is two alleles in catalog order joined by ``/`` (``G/C``), empty for a no-call;
``reason`` says why a call was not made; ``source`` is ``rflp``, ``vcf`` or ``bam``; any further
columns are per-source evidence and are kept as they are.
"""

from __future__ import annotations

import os

import pandas as pd

from genoassoc.errors import InputError
from genoassoc.loci import Catalog

REQUIRED = ("sample", "locus", "genotype", "status")
STATUSES = ("called", "no_call")


def read_calls(path: str | os.PathLike, catalog: Catalog | None = None) -> pd.DataFrame:
    """Read and validate a calls table.

    Loci named by an alias (``-174G>C``) become their rsIDs; genotypes of catalog loci are checked
    against the locus's alleles and rewritten in catalog order (``C/G`` → ``G/C``); a sample listed
    twice for a locus is an error. The index is the file row.
    """
    from genoassoc.io.tables import read_table
    from genoassoc.loci import load_catalog

    table = read_table(path, REQUIRED)
    return validate_calls(table, catalog or load_catalog())


def validate_calls(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Check a calls table read with `read_table`; see `read_calls`."""
    source = table.attrs.get("source")
    table = table.copy()
    for column in ("reason", "source"):
        if column not in table.columns:
            table[column] = ""
    empty = table["sample"] == ""
    if empty.any():
        raise InputError("the sample id is empty", source, int(empty.idxmax()), "sample")
    bad_status = ~table["status"].isin(STATUSES)
    if bad_status.any():
        row = int(bad_status.idxmax())
        raise InputError(
            f"status '{table.at[row, 'status']}' is neither called nor no_call", source, row, "status"
        )
    called = table["status"] == "called"
    with_genotype = table["genotype"] != ""
    if (called & ~with_genotype).any():
        row = int((called & ~with_genotype).idxmax())
        raise InputError("a called row has no genotype", source, row, "genotype")
    if (~called & with_genotype).any():
        row = int((~called & with_genotype).idxmax())
        raise InputError("a no_call row has a genotype", source, row, "genotype")
    names = {name: catalog.resolve(name).id for name in table["locus"].unique() if name in catalog}
    table["locus"] = table["locus"].map(lambda name: names.get(name, name))
    duplicated = table.duplicated(["sample", "locus"])
    if duplicated.any():
        row = int(duplicated.idxmax())
        raise InputError(
            f"sample '{table.at[row, 'sample']}' is listed twice for locus '{table.at[row, 'locus']}'",
            source,
            row,
        )
    for locus_name, rows in table[called].groupby("locus", sort=False):
        locus = catalog.resolve(locus_name) if locus_name in names.values() else None
        malformed = rows["genotype"].str.count("/").ne(1) | rows["genotype"].str.contains(r"^/|/$")
        if malformed.any():
            row = int(rows.index[malformed.to_numpy()][0])
            raise InputError(
                f"genotype '{table.at[row, 'genotype']}' is not two alleles joined by '/'", source, row, "genotype"
            )
        if locus is None:
            continue
        parts = rows["genotype"].str.split("/", expand=True)
        allowed = set(locus.alleles)
        outside = ~(parts[0].isin(allowed) & parts[1].isin(allowed))
        if outside.any():
            row = int(rows.index[outside.to_numpy()][0])
            raise InputError(
                f"genotype '{table.at[row, 'genotype']}' has an allele outside {locus.id}'s "
                f"{'/'.join(locus.alleles)}",
                source,
                row,
                "genotype",
            )
        order = {allele: index for index, allele in enumerate(locus.alleles)}
        first, second = parts[0].map(order), parts[1].map(order)
        swapped = first > second
        table.loc[rows.index[swapped.to_numpy()], "genotype"] = parts[1][swapped] + "/" + parts[0][swapped]
    return table


def write_calls(calls: pd.DataFrame, output: str | os.PathLike | None = None, fmt: str = "tsv") -> None:
    """Write a calls table (required columns first) to stdout or atomically to a file."""
    from genoassoc.io.tables import write_table

    first = [column for column in (*REQUIRED, "reason", "source") if column in calls.columns]
    rest = [column for column in calls.columns if column not in first]
    write_table(calls[first + rest], output, fmt)
