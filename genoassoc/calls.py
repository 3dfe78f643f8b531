"""The calls table: one row per sample × locus, shared by every genoassoc command.

``call`` writes ``sample, locus, genotype, status, reason, source`` and per-source evidence. A table a
person writes may hold only ``sample, locus, genotype``: ``status`` is then inferred, genotypes are
read in the spellings labs and instruments use (``G/C``, ``C/G``, ``GC``, ``g/c``, ``G|C``, ``G C``)
and written in catalog order (``G/C``), and missing codes (empty, ``NA``, ``./.``, ``0``, ``-``,
``NoCall``, ``Undetermined``...) become no-calls that keep the code as their reason.
"""

from __future__ import annotations

import os
import re

import pandas as pd

from genoassoc.errors import InputError
from genoassoc.loci import Catalog, Locus

REQUIRED = ("sample", "locus", "genotype")
STATUSES = ("called", "no_call")
# Missing-genotype codes of spreadsheets, PLINK, VCF and TaqMan/QuantStudio exports (compared in lower case).
MISSING_GENOTYPES = frozenset({
    "", "na", "n/a", "nan", "none", "null", ".", "./.", ".|.", "0", "00", "-", "--", "?", "nocall", "no call",
    "no_call", "undetermined", "und", "noamp", "no amp", "inv", "invalid", "fail", "failed",
})
_SEPARATORS = re.compile(r"\s*[/|\\,;:]\s*|\s+")
_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def parse_genotype(text: str) -> tuple[str, str] | None:
    """The two alleles of a genotype as written (``G/C``, ``c|g``, ``GC``, ``G C``), upper case;
    None for a missing code; `ValueError` for anything else."""
    cleaned = text.strip()
    if cleaned.lower() in MISSING_GENOTYPES:
        return None
    parts = [part for part in _SEPARATORS.split(cleaned.upper()) if part]
    if len(parts) == 1 and len(parts[0]) == 2 and len(_SEPARATORS.split(cleaned)) == 1:
        parts = list(parts[0])
    if len(parts) != 2:
        raise ValueError(f"genotype '{text}' is not two alleles (write it as G/C)")
    return parts[0], parts[1]


def _outside_alleles(genotype: str, locus: Locus) -> str:
    first, second = genotype.split("/")
    problem = f"genotype '{genotype}' has an allele outside {locus.id}'s {'/'.join(locus.alleles)}"
    flipped = {first.translate(_COMPLEMENT), second.translate(_COMPLEMENT)}
    if flipped <= set(locus.alleles):
        problem += (f"; its complement {'/'.join(sorted(flipped, key=locus.alleles.index))} fits: the genotypes "
                    "look read off the reverse strand (give forward-strand alleles)")
    return problem


def _normalised(locus_name: str, spelling: str, catalog: Catalog) -> tuple[str, str]:
    """(genotype in catalog order or "", reason for a missing code) of one spelling at one locus;
    `ValueError` for a spelling that is no genotype of the locus."""
    pair = parse_genotype(spelling)
    if pair is None:
        return "", "no genotype in the table" if spelling == "" else f"no genotype ('{spelling}' in the table)"
    first, second = pair
    if locus_name not in catalog:
        return f"{first}/{second}", ""
    locus = catalog.resolve(locus_name)
    if first not in locus.alleles or second not in locus.alleles:
        raise ValueError(_outside_alleles(f"{first}/{second}", locus))
    return locus.genotype(first, second), ""


def normalise_genotypes(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """``genotype`` in catalog order and ``status``/``reason`` filled in (see the module docstring).
    Each distinct (locus, spelling) pair is parsed once: a biobank's million rows cost a few parses."""
    source = table.attrs.get("source")
    written = table["genotype"].astype(str).str.strip()
    codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([table["locus"], written]), sort=False)
    genotypes, reasons = [], []
    for position, (locus_name, spelling) in enumerate(pairs):
        try:
            genotype, reason = _normalised(locus_name, spelling, catalog)
        except ValueError as err:
            row = int(table.index[(codes == position).argmax()])
            raise InputError(str(err), source, row, "genotype") from None
        genotypes.append(genotype)
        reasons.append(reason)
    genotype = pd.Series(pd.Index(genotypes, dtype=object)[codes], index=table.index, dtype=object)
    present = genotype != ""
    if "status" in table.columns and (table["status"] != "").any():
        status = table["status"].str.strip().str.lower().str.replace(" ", "_").replace({"nocall": "no_call"})
        for bad, problem, column in (
            (~status.isin(STATUSES), "status '{}' is neither called nor no_call", "status"),
            ((status == "called") & ~present, "a called row has no genotype", "genotype"),
            ((status == "no_call") & present, "a no_call row has a genotype", "genotype"),
        ):
            if bad.any():
                row = int(bad.idxmax())
                raise InputError(problem.format(table.at[row, "status"]), source, row, column)
    given = table["reason"] if "reason" in table.columns else pd.Series("", index=table.index, dtype=object)
    inferred = pd.Series(pd.Index(reasons, dtype=object)[codes], index=table.index, dtype=object)
    table = table.copy()
    table["genotype"] = genotype
    table["status"] = present.map({True: "called", False: "no_call"})
    table["reason"] = given.where((given != "") | present, inferred)
    return table


def validate_calls(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Check a calls table read with `read_table` and normalise it; see `read_calls`."""
    source = table.attrs.get("source")
    table = table.copy()
    if "source" not in table.columns:
        table["source"] = ""
    empty = table["sample"] == ""
    if empty.any():
        raise InputError("the sample id is empty", source, int(empty.idxmax()), "sample")
    names = {name: catalog.resolve(name).id for name in table["locus"].unique() if name in catalog}
    table["locus"] = table["locus"].map(lambda name: names.get(name, name))
    duplicated = table.duplicated(["sample", "locus"])
    if duplicated.any():
        row = int(duplicated.idxmax())
        raise InputError(
            f"sample '{table.at[row, 'sample']}' is listed twice for locus '{table.at[row, 'locus']}'", source, row)
    table = normalise_genotypes(table, catalog)
    table.attrs["source"] = source
    return table


def read_calls(path: str | os.PathLike, catalog: Catalog | None = None) -> pd.DataFrame:
    """Read and validate a calls table (``sample, locus, genotype`` at least; TSV, CSV or XLSX).

    Loci named by an alias (``-174G>C``) become their rsIDs; genotypes of catalog loci are checked
    against the locus's alleles and written in catalog order (``C/G`` → ``G/C``); a sample listed
    twice for a locus is an error. The index is the file row.
    """
    from genoassoc.io.tables import read_table
    from genoassoc.loci import load_catalog

    table = read_table(path, REQUIRED)
    return validate_calls(table, catalog or load_catalog())


def write_calls(calls: pd.DataFrame, output: str | os.PathLike | None = None, fmt: str = "tsv") -> None:
    """Write a calls table (the required columns, status, reason and source first) to stdout or
    atomically to a file."""
    from genoassoc.io.tables import write_table

    first = [column for column in (*REQUIRED, "status", "reason", "source") if column in calls.columns]
    rest = [column for column in calls.columns if column not in first]
    write_table(calls[first + rest], output, fmt)
