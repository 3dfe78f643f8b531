"""Phenotype tables and how their columns are coded: the one place that decides what is missing, what
is a number, what is a category and its reference level, what is an event, and who is left out.

- Missing: empty, ``NA``, ``N/A``, ``#N/A``, ``NaN``, ``NULL``, ``None``, ``.`` and ``-`` (any case).
- Numbers: a text value in a numeric column is an error naming file, row and column. Values below an
  assay's limit of quantification (``<1.5``) are refused unless a `below_lloq` rule is given:
  ``half`` (half the limit, the usual convention for cytokines), ``lloq`` (the limit) or ``missing``.
- Categories: levels sorted as R's ``factor()`` in the C locale (by code point: upper case before
  lower case), the first level the reference unless another is named; the reference is reported.
- Binary outcomes: 0/1, or two text levels with the event the level that sorts last (R's factor
  order) unless named.
- Complete cases: rows missing any analysed column are left out and counted per column.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import DEFAULT_READ, ReadOptions

MISSING_VALUES = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", ".", "-"})
# every upper/lower-case spelling, so that a column is checked with one set lookup per cell
_MISSING_SPELLINGS = frozenset("".join(letters) for value in MISSING_VALUES
                               for letters in itertools.product(*({c.lower(), c.upper()} for c in value)))
BELOW_LLOQ_RULES = ("half", "lloq", "missing")
_CENSORED = re.compile(r"^\s*([<>]=?|≤|≥)\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*$")
# A categorical column with more levels than this and than half its values looks like an identifier.
_MAX_LEVELS = 20


@dataclass(frozen=True)
class Coding:
    """How phenotype values are coded: the `below_lloq` rule for ``<x`` values, the reference level
    of categorical columns (`ref_levels`: column → level), and whether levels that differ only in
    case, spaces or punctuation (``Del19``/``del19``) are merged (`merge_case_variants`) or refused."""

    below_lloq: str | None = None
    ref_levels: Mapping[str, str] = field(default_factory=dict)
    merge_case_variants: bool = False

    def __post_init__(self) -> None:
        if self.below_lloq is not None and self.below_lloq not in BELOW_LLOQ_RULES:
            raise InputError(f"unknown --below-lloq rule '{self.below_lloq}' (use {', '.join(BELOW_LLOQ_RULES)})")


def parse_ref_levels(items: Iterable[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``["sex=M", "egfr=del19,ecog=0"]`` (as --ref-level and the study's ``ref_level`` give them) as
    {column: level}."""
    if items is None:
        return {}
    if isinstance(items, Mapping):
        return {str(name): str(level) for name, level in items.items()}
    pairs = {}
    for item in (part.strip() for value in items for part in str(value).split(",") if part.strip()):
        name, sep, level = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--ref-level takes COLUMN=LEVEL, got '{item}'")
        pairs[name.strip()] = level.strip()
    return pairs


def read_phenotypes(path: str | os.PathLike, sample_col: str | None = None, *, repeated: bool = False,
                    options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """A phenotype table indexed by sample id, values as text (columns are coded by the functions
    below when an analysis uses them); ``_row`` holds each sample's file row. An empty sample id is
    an error naming its row, and so is a duplicated one unless `repeated` (several (start, stop]
    rows per patient). `options`: encoding, sheet, decimal comma, and the column names: the sample
    id column is `sample_col` (default: ``options.sample_col``), found as every table's sample
    column is (``Sample``, ``Patient ID``...: `genoassoc.io.columns`); ``--columns`` renames others."""
    from genoassoc.io.tables import read_table

    if sample_col is not None:
        options = dataclasses.replace(options, sample_col=sample_col)
    column = "sample"  # read_table names the id column so, whatever the file calls it
    table = read_table(path, [column], options=options)
    source = table.attrs["source"]
    ids = table[column]
    if (ids == "").any():
        raise InputError("the sample id is empty", source, int((ids == "").idxmax()), column)
    from genoassoc.calls import first_repeat

    repeat = None if repeated else first_repeat(ids)
    if repeat is not None:
        row = int(ids.index[repeat])
        first = int(ids[ids == ids[row]].index[0])
        raise InputError(f"sample '{ids[row]}' is listed twice (rows {first} and {row})", source, row, column)
    table = table.assign(_row=table.index).set_index(column)
    table.attrs["source"] = source
    table.attrs["decimal_comma"] = options.decimal_comma
    return table


BOOKKEEPING = ("_row", "_genotype")


def columns_of(phenotypes: pd.DataFrame) -> list[str]:
    """The phenotype columns (without genoassoc's bookkeeping: ``_row``, ``_genotype``)."""
    return [name for name in phenotypes.columns if name not in BOOKKEEPING]


def _row_at(phenotypes: pd.DataFrame, position: int) -> int | None:
    """The file row of the table's `position`-th row (sample ids repeat in a visits table)."""
    return int(phenotypes["_row"].iloc[position]) if "_row" in phenotypes.columns else None


def column(phenotypes: pd.DataFrame, name: str) -> pd.Series:
    """A column's text, stripped; a missing column is an error listing those there are."""
    if name not in phenotypes.columns or name in BOOKKEEPING:
        shown = ", ".join(columns_of(phenotypes))
        raise InputError(f"no column '{name}' (columns: {shown})", phenotypes.attrs.get("source"))
    return phenotypes[name].astype(str).str.strip()


def _comma(phenotypes: pd.DataFrame) -> bool:
    """Whether the table was read with a decimal comma (``12,5``)."""
    return bool(phenotypes.attrs.get("decimal_comma", False))


def is_missing(values: pd.Series) -> pd.Series:
    """True where a value is a missing-value spelling (cells as read: stripped)."""
    return values.astype(str).isin(_MISSING_SPELLINGS)


def _censored_values(text: pd.Series, rule: str | None) -> pd.Series:
    """``<x`` values under the rule (NaN where the rule says missing); other cells NaN."""
    from genoassoc.io.tables import parse_numbers

    match = text.str.extract(_CENSORED)
    limit = parse_numbers(match[1].fillna("").str.replace(",", ".", regex=False))
    below = match[0].isin(["<", "<=", "≤"])
    if rule == "half":
        return (limit / 2).where(below)
    if rule == "lloq":
        return limit.where(below)
    return limit.where(pd.Series(False, index=text.index))


def numeric(phenotypes: pd.DataFrame, name: str, coding: Coding = Coding(), *, measured: bool = True) -> pd.Series:
    """A column as floats, NaN where missing (see the module docstring for ``<x`` values; they are
    refused outright where the column is not a measurement, `measured` False: times, events)."""
    from genoassoc.io.tables import matches, not_a_number, parse_numbers

    text = column(phenotypes, name)
    missing = is_missing(text)
    values = parse_numbers(text.where(~missing, ""), _comma(phenotypes))
    unread = values.isna() & ~missing
    flags = np.zeros(len(text), dtype=bool)
    if unread.any():
        flags[unread.to_numpy(dtype=bool)] = matches(text[unread], _CENSORED.pattern).to_numpy(dtype=bool)
    censored = pd.Series(flags, index=text.index)
    if censored.any() and not measured:
        position = int(np.flatnonzero(censored.to_numpy(dtype=bool))[0])
        raise InputError(f"'{text.iloc[position]}' is not a number (a time or an event is written as one)",
                         phenotypes.attrs.get("source"), _row_at(phenotypes, position), name)
    if censored.any():
        below = text[censored].str.lstrip().str[0].isin(["<", "≤"])
        if not below.all() or coding.below_lloq is None:
            above = censored.to_numpy(dtype=bool).copy()
            above[above] = ~below.to_numpy(dtype=bool)
            position = int(np.flatnonzero(censored.to_numpy(dtype=bool) if below.all() else above)[0])
            value = text.iloc[position]
            problem = (f"'{value}' is above the assay's range: give the measured value or leave it empty"
                       if not below.all() else
                       f"'{value}' is below the limit of quantification: choose --below-lloq half, lloq or missing")
            raise InputError(problem, phenotypes.attrs.get("source"), _row_at(phenotypes, position), name)
        values = values.where(~censored, _censored_values(text, coding.below_lloq))
    bad = values.isna() & ~missing & ~censored
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
        raise InputError(not_a_number(text.iloc[position], _comma(phenotypes)), phenotypes.attrs.get("source"),
                         _row_at(phenotypes, position), name)
    result = values.astype(float)
    if censored.any():
        result.attrs["below_lloq"] = (name, coding.below_lloq, text[censored])
    return result


_RULES = {"half": "half the limit", "lloq": "the limit", "missing": "missing: left out"}


def substitution_notes(columns: Iterable[pd.Series], keep: pd.Series | None = None) -> list[str]:
    """What was put in place of ``<x`` values in the analysed samples (`keep`), one line per column:
    how many, which texts, by what value and under which rule (what every table of a result must say)."""
    notes = []
    for values in columns:
        record = values.attrs.get("below_lloq")
        if not record:
            continue
        name, rule, texts = record
        if keep is not None:
            texts = texts[texts.index.isin(keep.index[keep.to_numpy()]) | (rule == "missing")]
        if texts.empty:
            continue
        counts = texts.value_counts()
        shown = ", ".join(f"'{text}' ×{count}" if count > 1 else f"'{text}'" for text, count in counts.items())
        substituted = values.reindex(texts.index).dropna().unique()
        by = ("" if rule == "missing" else
              " (" + ", ".join(f"{value:g}" for value in sorted(substituted)) + ")")
        notes.append(f"{name}: {len(texts)} value{'s' if len(texts) != 1 else ''} below the limit of "
                     f"quantification ({shown}) set to {_RULES[rule]}{by} (--below-lloq {rule})")
    return notes


def _variant_key(level: str) -> str:
    """A level without case, spaces and separating punctuation (keeps + and -: ER+ is not ER-)."""
    return re.sub(r"[\s_.,;:'\"/()]+", "", level.lower())


def merge_variants(text: pd.Series, name: str, coding: Coding, source: str | None) -> tuple[pd.Series, list[str]]:
    """Levels that differ only in case, spaces or punctuation: refused with both spellings named, or
    (with `merge_case_variants`) merged into the most frequent spelling, with a note."""
    present = text[~is_missing(text)]
    counts = present.value_counts()
    groups: dict[str, list[str]] = {}
    for level in counts.index:
        groups.setdefault(_variant_key(str(level)), []).append(str(level))
    clashes = [spellings for spellings in groups.values() if len(spellings) > 1]
    if not clashes:
        return text, []
    if not coding.merge_case_variants:
        shown = "; ".join(" and ".join(f"'{level}' ({counts[level]} row{'s' if counts[level] != 1 else ''})"
                                       for level in spellings) for spellings in clashes)
        raise InputError(f"'{name}' has levels that differ only in case, spaces or punctuation: {shown}; correct "
                         "the data, or merge them with --merge-case-variants", source)
    notes, mapping = [], {}
    for spellings in clashes:
        kept = spellings[0]  # the most frequent (value_counts order)
        for level in spellings[1:]:
            mapping[level] = kept
            notes.append(f"{name}: '{level}' ({counts[level]}) merged into '{kept}' ({counts[kept]}) "
                         "(--merge-case-variants)")
    return text.replace(mapping), notes


def numeric_or_none(phenotypes: pd.DataFrame, name: str, coding: Coding = Coding()) -> pd.Series | None:
    """The column as floats when it is numeric (see `looks_numeric`; a stray text value is then an
    error), None when it is categorical. Parses the column once."""
    from genoassoc.io.tables import matches, parse_numbers

    text = column(phenotypes, name)
    missing = is_missing(text)
    present = int((~missing).sum())
    if present == 0:
        return None
    values = parse_numbers(text.where(~missing, ""), _comma(phenotypes))
    readable = int(values.notna().sum())
    if readable < present:
        readable += int(matches(text[values.isna() & ~missing], _CENSORED.pattern).sum())
    if readable <= present / 2:
        return None
    return numeric(phenotypes, name, coding) if readable < present or values.isna().sum() > missing.sum() else values


def looks_numeric(phenotypes: pd.DataFrame, name: str) -> bool:
    """Whether a column is numeric: every present value a number or a ``<x``/``>x`` value. A column
    of mostly numbers with some other text is numeric too (its text is then reported by `numeric`),
    since a typo must not turn a measurement into categories."""
    from genoassoc.io.tables import matches, parse_numbers

    text = column(phenotypes, name)
    present = text[~is_missing(text)]
    if present.empty:
        return False
    readable = np.array(parse_numbers(present, _comma(phenotypes)).notna(), dtype=bool)  # writable
    if not readable.all():
        readable[~readable] = matches(present[~readable], _CENSORED.pattern).to_numpy(dtype=bool)
    return bool(readable.mean() > 0.5)


def levels(values: pd.Series) -> list[str]:
    """Distinct present values in R's C-locale factor order."""
    return sorted(str(value) for value in pd.unique(values[~is_missing(values)].astype(str)))


def categorical(phenotypes: pd.DataFrame, name: str, coding: Coding = Coding()) -> tuple[pd.Series, list[str]]:
    """(text with NaN where missing, levels with the reference first) of a categorical column; levels
    that differ only in case or punctuation are refused or merged (`merge_variants`), the merge noted
    in the result's ``attrs["notes"]``."""
    text, merged = merge_variants(column(phenotypes, name), name, coding, phenotypes.attrs.get("source"))
    present = ~is_missing(text)
    found = levels(text)
    reference = coding.ref_levels.get(name)
    if reference is not None:
        if reference not in found:
            raise InputError(f"reference level '{reference}' is not a level of '{name}' ({', '.join(found)})",
                             phenotypes.attrs.get("source"))
        found = [reference] + [level for level in found if level != reference]
    if len(found) > _MAX_LEVELS and len(found) > present.sum() / 2:
        raise InputError(f"'{name}' has {len(found)} different values among {int(present.sum())} samples: "
                         "an identifier or free text, not a category", phenotypes.attrs.get("source"))
    result = text.where(present)
    result.attrs["notes"] = merged
    return result, found


def ordinal(values: pd.Series, order: Iterable[str] | None = None, coding: Coding = Coding()
            ) -> tuple[pd.Series, list[str]]:
    """An ordered outcome as category codes 0, 1, ... (lowest first; NaN where missing) and its
    levels in order. `order` names the levels lowest first (``["PD", "SD", "PR", "CR"]``); without it a
    numeric column (ECOG 0-4) is ordered by value, and a text column is refused: its sort order is not
    its clinical order."""
    from genoassoc.io.tables import parse_numbers

    name = str(values.name)
    text, _ = merge_variants(values.astype(str).str.strip(), name, coding, None)
    present = ~is_missing(text)
    wanted = [str(level).strip() for level in (order or []) if str(level).strip()]
    if not wanted:
        numbers = parse_numbers(text.where(present, ""))
        if present.any() and numbers[present].notna().all():
            found = sorted(numbers[present].unique())
            codes = numbers.map({value: float(index) for index, value in enumerate(found)})
            return codes.where(present), [f"{value:g}" for value in found]
        raise InputError(f"'{name}' is text ({', '.join(levels(text)[:6])}): give its levels in order, lowest first "
                         "(--levels PD,SD,PR,CR; study file: levels = [...])")
    if len(set(wanted)) != len(wanted):
        raise InputError(f"a level is named twice in the order of '{name}' ({', '.join(wanted)})")
    unknown = present & ~text.isin(wanted)
    if unknown.any():
        shown = levels(text[unknown])
        raise InputError(f"'{name}' has level{'s' if len(shown) > 1 else ''} {', '.join(shown)} not in the order "
                         f"given ({', '.join(wanted)}): add {'them' if len(shown) > 1 else 'it'} to --levels")
    codes = text.map({level: float(index) for index, level in enumerate(wanted)})
    return codes.where(present), wanted


def binary(values: pd.Series, case_level: str | Iterable[str] | None = None, coding: Coding = Coding()
           ) -> tuple[pd.Series, str]:
    """1.0 for the event, 0.0 otherwise, NaN when missing, and the event's description. A 0/1
    column's event is 1; for two text levels it is `case_level`, by default the level that sorts last
    (R's factor order). Several case levels (``["CR", "PR"]``: responders) make the event of a column
    of more levels (PR/SD/PD): every other level is a non-event."""
    from genoassoc.io.tables import parse_numbers

    wanted = [case_level] if isinstance(case_level, str) else list(case_level or [])
    text, merged = merge_variants(values.astype(str).str.strip(), str(values.name), coding, None)
    present = ~is_missing(text)
    numbers = parse_numbers(text.where(present, ""))
    if present.any() and numbers[present].notna().all():
        if not set(numbers[present].unique()) <= {0.0, 1.0}:
            raise InputError(f"'{values.name}' is numeric but not 0/1; a binary outcome needs two levels")
        if wanted not in ([], ["1"]):
            raise InputError(f"case level '{', '.join(wanted)}' is not a value of '{values.name}' (0, 1)")
        return (numbers == 1).astype(float).where(present), "1"
    found = levels(text)
    unknown = [level for level in wanted if level not in found]
    if unknown:
        raise InputError(f"case level '{unknown[0]}' is not a value of '{values.name}' ({', '.join(found)})")
    if len(wanted) > 1 or (wanted and len(found) > 2):
        if len(wanted) >= len(found):
            raise InputError(f"every level of '{values.name}' is a case level: nothing is left as the non-event")
        others = [level for level in found if level not in wanted]
        result = (text.isin(wanted)).astype(float).where(present)
        result.attrs["notes"] = merged
        return result, f"{' or '.join(wanted)} (vs {', '.join(others)})"
    if len(found) != 2:
        raise InputError(f"'{values.name}' has {len(found)} levels ({', '.join(found[:6])}); a binary outcome "
                         "needs two, or name the event's levels (--case-level CR,PR)")
    chosen = found[-1] if not wanted else wanted[0]
    result = (text == chosen).astype(float).where(present)
    result.attrs["notes"] = merged
    return result, chosen


def events(phenotypes: pd.DataFrame, name: str) -> pd.Series:
    """An event indicator column (1 = event, 0 = censored) as floats, NaN where missing."""
    values = numeric(phenotypes, name, measured=False)
    bad = values.notna() & ~values.isin([0.0, 1.0])
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
        raise InputError(f"'{phenotypes[name].iloc[position]}' is not 0 or 1 (1 = event, 0 = censored)",
                         phenotypes.attrs.get("source"), _row_at(phenotypes, position), name)
    return values


def times(phenotypes: pd.DataFrame, name: str) -> pd.Series:
    """A follow-up time column as floats (NaN where missing); negative times are an error."""
    values = numeric(phenotypes, name, measured=False)
    negative = values < 0
    if negative.any():
        position = int(np.flatnonzero(negative.to_numpy(dtype=bool))[0])
        raise InputError(f"'{phenotypes[name].iloc[position]}' is a negative time", phenotypes.attrs.get("source"),
                         _row_at(phenotypes, position), name)
    return values


def causes(phenotypes: pd.DataFrame, name: str, failcode: str = "1", cencode: str = "0") -> pd.Series:
    """A competing-risks cause column coded 1 (the cause of interest, `failcode`), 0 (censored,
    `cencode`) or 2 (any other value: a competing event), NaN where missing. Codes match as numbers
    when both sides are numbers (``1`` and ``1.0``), else as text."""
    text = column(phenotypes, name)
    present = ~is_missing(text)
    values = text.where(present).astype("string").str.strip()

    def matches(code: str) -> pd.Series:
        from genoassoc.io.tables import parse_numbers

        try:
            number = float(code)
        except ValueError:
            return values == code.strip()
        return (parse_numbers(values) == number) | (values == code.strip())

    failing, censored = matches(str(failcode)).fillna(False), matches(str(cencode)).fillna(False)
    if not failing.any():
        found = ", ".join(levels(values.dropna().astype(str))[:10])
        raise InputError(f"cause '{failcode}' is not a value of column '{name}' (values: {found}); "
                         "choose it with --failcode", phenotypes.attrs.get("source"))
    coded = pd.Series(np.where(failing, 1.0, np.where(censored, 0.0, 2.0)), index=phenotypes.index)
    return coded.where(present.to_numpy())


@dataclass(frozen=True)
class Dropped:
    """Samples left out of an analysis because a value was missing, counted per column (a sample
    missing several values is counted under the first)."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def message(self) -> str:
        if not self.total:
            return ""
        detail = ", ".join(f"{name} missing ({count})" for name, count in self.counts.items() if count)
        return f"{self.total} sample{'s' if self.total != 1 else ''} left out: {detail}"


def complete_cases(columns: Mapping[str, pd.Series]) -> tuple[pd.Series, Dropped]:
    """The rows where every column has a value, and who was dropped for which column."""
    if not columns:
        raise ValueError("complete_cases needs at least one column")
    keep = pd.Series(True, index=next(iter(columns.values())).index)
    counts = {}
    for name, values in columns.items():
        present = values.notna() if values.ndim == 1 else values.notna().all(axis=1)
        counts[name] = int((keep & ~present).sum())
        keep &= present
    return keep, Dropped(counts)


def by_covariate(design: pd.DataFrame, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Each covariate's columns of a `covariate_design` (its own, or its ``name=level`` indicators),
    so that `complete_cases` counts the samples it drops by covariate."""
    return {name: design[[column for column in design.columns if column == name or column.startswith(f"{name}=")]]
            for name in names}


def covariate_design(phenotypes: pd.DataFrame, names: Iterable[str], coding: Coding = Coding()
                     ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Design columns of covariates: numeric columns as they are, categorical ones as indicators of
    each level but the reference (named ``column=level``), NaN where missing; and each categorical
    covariate's reference level."""
    design, references, notes, counts = {}, {}, [], {}
    for name in names:
        values = numeric_or_none(phenotypes, name, coding)
        if values is not None:
            design[name] = values
            notes += substitution_notes([values])
            continue
        text, found = categorical(phenotypes, name, coding)
        notes += text.attrs.get("notes", [])
        if len(found) < 2:
            raise InputError(f"covariate '{name}' has {len(found)} level: it cannot enter a model",
                             phenotypes.attrs.get("source"))
        if len(found) > MAX_COVARIATE_LEVELS:
            raise InputError(f"covariate '{name}' has {len(found)} levels, which would enter the model as "
                             f"{len(found) - 1} terms (limit {MAX_COVARIATE_LEVELS}): group its levels, or "
                             "analyse within its levels with --by", phenotypes.attrs.get("source"))
        references[name] = found[0]
        counts[name] = {level: int((text == level).sum()) for level in found}
        for level in found[1:]:
            design[f"{name}={level}"] = (text == level).astype(float).where(text.notna())
    frame = pd.DataFrame(design, index=phenotypes.index)
    frame.attrs["notes"] = notes
    frame.attrs["level_counts"] = counts
    return frame, references


SMALL_GROUP = 5
MAX_COVARIATE_LEVELS = 50


def reference_notes(design: pd.DataFrame, references: Mapping[str, str], keep: pd.Series | None = None
                    ) -> list[str]:
    """Each categorical covariate's reference level with its n among the analysed samples, and a
    warning for a reference level or any level with fewer than `SMALL_GROUP` patients."""
    notes = []
    for name, level in references.items():
        columns = [column for column in design.columns if column.startswith(f"{name}=")]
        rows = design[columns] if keep is None else design.loc[keep.to_numpy(), columns]
        rows = rows.dropna()
        sizes = {column.split("=", 1)[1]: int(rows[column].sum()) for column in columns}
        sizes = {level: len(rows) - sum(sizes.values()), **sizes}
        text = f"covariate '{name}': reference level '{level}' (n = {sizes[level]})"
        small = [f"'{found}' (n = {n})" for found, n in sizes.items() if n < SMALL_GROUP]
        if small:
            text += (f"; fewer than {SMALL_GROUP} patients in {', '.join(small)}: estimates against such a level "
                     "are unstable (check the spelling, merge levels, or choose --ref-level)")
        notes.append(text)
    return notes
