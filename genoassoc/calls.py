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
from collections.abc import Iterable

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import DEFAULT_READ, ReadOptions
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


def arrow_codes(values: pd.Series, texts_too: bool = True) -> tuple[np.ndarray, list]:
    """Codes (-1 for missing) and distinct values, in order of first appearance, of a pandas column
    backed by pyarrow strings: dictionary-encoded by pyarrow, with no Python object per row and twice
    as fast as `pandas.factorize` (a biobank's sample ids)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values.array.__arrow_array__(), memory_pool=pa.system_memory_pool())
    if not encoded.num_chunks:
        return np.zeros(0, dtype=np.int32), []
    codes = np.concatenate([(chunk.indices.fill_null(-1) if chunk.null_count else chunk.indices).to_numpy()
                            for chunk in encoded.chunks])
    return codes, encoded.chunk(0).dictionary.to_pylist() if texts_too else []


def _factorized(values: pd.Series, texts_too: bool = True) -> tuple[np.ndarray, list[str]]:
    """Codes of a column's values and, with `texts_too`, the distinct values as text (missing is
    ""): work per distinct value, not per row. Categoricals give their codes, pyarrow-backed strings
    are dictionary-encoded by pyarrow (no Python object per row), other columns go through pandas."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        uniques: list = list(values.cat.categories) if texts_too else []
    elif hasattr(values.array, "__arrow_array__"):
        codes, uniques = arrow_codes(values, texts_too)
    else:
        codes, found = pd.factorize(values, use_na_sentinel=True)
        uniques = found.tolist() if texts_too else []
    if not texts_too:
        # a missing value is a value of its own
        return (np.where(codes < 0, codes.max(initial=-1) + 1, codes) if (codes < 0).any() else codes), []
    texts = ["" if value is None or value != value else str(value) for value in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(texts), codes)
        texts.append("")
    return codes, texts


def _pair_codes(first: np.ndarray, second: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct (first, second) pairs of two small-range code arrays, and the pairs'
    keys (first * width + second)."""
    if not len(first):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    small = (int(first.max()) + 1) * width < 2**31
    key = first.astype(np.int32 if small else np.int64) * width + second
    present = np.bincount(key) > 0
    keys = np.flatnonzero(present)
    lookup = np.cumsum(present) - 1
    return lookup.astype(np.int32 if len(keys) < 2**31 else np.int64)[key], keys


def _first_repeat(samples: np.ndarray, loci: np.ndarray) -> int | None:
    """Position of the first row whose (sample, locus) codes an earlier row already had, or None.
    Rows are grouped by locus (a radix sort of small codes), then samples counted within each."""
    if not len(samples):
        return None
    order = np.argsort(loci, kind="stable")
    ends = np.cumsum(np.bincount(loci))
    starts = ends - np.bincount(loci)
    size = int(samples.max()) + 1
    repeats = []
    for start, end in zip(starts, ends, strict=True):
        rows = order[start:end]
        if (np.bincount(samples[rows], minlength=size) > 1).any():
            first = np.zeros(len(rows), dtype=bool)
            first[np.unique(samples[rows], return_index=True)[1]] = True
            repeats.append(int(rows[~first].min()))
    return min(repeats) if repeats else None


def _ascending_within_loci(samples: pd.Series, loci: np.ndarray) -> bool:
    """Whether the sample ids rise strictly within each run of one locus (as `call` writes them from
    a VCF whose samples are sorted): then no sample repeats at a locus, known without hashing ids."""
    if not hasattr(samples.array, "__arrow_array__") or samples.hasnans or len(samples) < 2:
        return False
    import pyarrow.compute as pc

    text = samples.array.__arrow_array__()
    rising = pc.greater(text[1:], text[:-1]).to_numpy(zero_copy_only=False)
    new_run = loci[1:] != loci[:-1]
    starts = np.flatnonzero(np.concatenate([[True], new_run]))
    # each locus in one run (a locus met again later could repeat a sample) with rising ids inside it
    return len(np.unique(loci[starts])) == len(starts) and bool((rising | new_run).all())


def first_repeat(values: pd.Series) -> int | None:
    """Position of the first value an earlier row already had, or None (counted on codes: fast for
    half a million sample ids)."""
    codes, _ = _factorized(values, texts_too=False)
    return _first_repeat(codes, np.zeros(len(codes), dtype=np.int8))


def normalise_genotypes(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """``genotype`` in catalog order and ``status``/``reason`` filled in (see the module docstring).
    Each distinct (locus, spelling) pair is parsed once: a biobank's million rows cost a few parses."""
    source = table.attrs.get("source")
    locus_codes, locus_names = _factorized(table["locus"])
    spelling_codes, spellings = _factorized(table["genotype"])
    codes, keys = _pair_codes(locus_codes, spelling_codes, len(spellings))
    genotypes, reasons = [], []
    for position, key in enumerate(keys):
        locus_name, spelling = locus_names[key // len(spellings)], spellings[key % len(spellings)].strip()
        try:
            genotype, reason = _normalised(locus_name, spelling, catalog)
        except ValueError as err:
            row = int(table.index[(codes == position).argmax()])
            raise InputError(str(err), source, row, "genotype") from None
        genotypes.append(genotype)
        reasons.append(reason)
    # few distinct values per column: categoricals, a byte per row instead of a pointer
    genotype = _coded(codes, genotypes, table.index)
    present = np.asarray([bool(value) for value in genotypes], dtype=bool)[codes] if len(codes) else np.zeros(0, bool)
    if "status" in table.columns and (table["status"] != "").any():
        status_codes, written = _factorized(table["status"])
        spelled = [text.strip().lower().replace(" ", "_") for text in written]
        status = _coded(status_codes, ["no_call" if text == "nocall" else text for text in spelled], table.index)
        for bad, problem, column in (
            (~status.isin(STATUSES), "status '{}' is neither called nor no_call", "status"),
            ((status == "called") & ~present, "a called row has no genotype", "genotype"),
            ((status == "no_call") & present, "a no_call row has a genotype", "genotype"),
        ):
            if bad.any():
                row = int(bad.idxmax())
                raise InputError(problem.format(table.at[row, "status"]), source, row, column)
    if "reason" in table.columns:
        given_codes, given = _factorized(table["reason"])
    else:
        given_codes, given = np.zeros(len(table), dtype=np.intp), [""]
    # a reason the table gives is kept; a no-call without one gets the reason its code implies
    keep = np.asarray([bool(text) for text in given], dtype=bool)[given_codes] | present
    table = table.copy(deep=False)
    table["genotype"] = genotype
    table["status"] = _coded(present.astype(np.intp), ["no_call", "called"], table.index)
    table["reason"] = _coded(np.where(keep, given_codes, len(given) + codes), given + reasons, table.index)
    return table


def _coded(codes: np.ndarray, values: list[str], index: pd.Index) -> pd.Series:
    """The column values[codes] as a categorical (values may repeat)."""
    if not values:
        return pd.Series(pd.Categorical([], categories=pd.Index([], dtype=object)), index=index)
    categories, inverse = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    coded = pd.Categorical.from_codes(inverse.reshape(-1)[codes], categories=pd.Index(categories, dtype=object))
    return pd.Series(coded, index=index)


def validate_calls(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Check a calls table read with `read_table` and normalise it; see `read_calls`."""
    source = table.attrs.get("source")
    table = table.copy(deep=False)
    if "source" not in table.columns:
        table["source"] = ""
    empty = table["sample"] == ""
    if empty.any():
        raise InputError("the sample id is empty", source, int(empty.idxmax()), "sample")
    locus_codes, written = _factorized(table["locus"])
    names = [catalog.resolve(name).id if name in catalog else name for name in written]
    table["locus"] = _coded(locus_codes, names, table.index)
    # the same locus under two names (rsID and alias) counts once
    locus_codes, _ = _factorized(table["locus"], texts_too=False)
    repeat = None if _ascending_within_loci(table["sample"], locus_codes) else \
        _first_repeat(_factorized(table["sample"], texts_too=False)[0], locus_codes)
    if repeat is not None:
        row = int(table.index[repeat])
        raise InputError(
            f"sample '{table.at[row, 'sample']}' is listed twice for locus '{table.at[row, 'locus']}'", source, row)
    table = normalise_genotypes(table, catalog)
    table.attrs["source"] = source
    return table


# what the statistics read of a calls table (the per-source evidence columns are for people and VCF output)
ANALYSIS_COLUMNS = (*REQUIRED, "status", "reason", "source")


def read_calls(path: str | os.PathLike, catalog: Catalog | None = None,
               only: Iterable[str] | None = None, options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """Read and validate a calls table (``sample, locus, genotype`` at least; TSV, CSV or XLSX).

    Loci named by an alias (``-174G>C``) become their rsIDs; genotypes of catalog loci are checked
    against the locus's alleles and written in catalog order (``C/G`` → ``G/C``); a sample listed
    twice for a locus is an error. The index is the file row. `only` names the columns to read
    (`ANALYSIS_COLUMNS` for the statistics; a biobank table is then parsed faster).
    """
    from genoassoc.io.tables import read_table
    from genoassoc.loci import load_catalog

    table = read_table(path, REQUIRED, optional=("status", "reason", "source"), only=only, options=options)
    return validate_calls(table, catalog or load_catalog())


def write_calls(calls: pd.DataFrame, output: str | os.PathLike | None = None, fmt: str = "tsv") -> None:
    """Write a calls table (the required columns, status, reason and source first) to stdout or
    atomically to a file."""
    from genoassoc.io.tables import write_table

    first = [column for column in (*REQUIRED, "status", "reason", "source") if column in calls.columns]
    rest = [column for column in calls.columns if column not in first]
    write_table(calls[first + rest], output, fmt)
