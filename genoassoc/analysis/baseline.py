"""Table 1: baseline characteristics by group (a phenotype column, or genotype groups under a genetic
model), with the test that fits each variable.

Numeric variables: mean ± SD with Welch's t-test (2 groups, R ``t.test``) or one-way ANOVA (3+) when
the Shapiro–Wilk test does not reject normality (p ≥ 0.05) in any group, otherwise median (IQR)
with Mann–Whitney (R ``wilcox.test``) or Kruskal–Wallis. Categorical variables: n (%) per level with
Fisher's exact test when an expected count is below 5 (exact where the tables can be enumerated,
otherwise R's Monte Carlo p with a fixed seed), otherwise the chi-square test (Yates-corrected for
2×2, as R ``chisq.test``). Missing values are counted per variable and left out of percentages and
tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result, table_frame
from genoassoc.errors import InputError
from genoassoc.phenotypes import Coding
from genoassoc.stats import binary, continuous


@dataclass(frozen=True, kw_only=True)
class Table1Result(Result):
    """`table`: one row per variable (and level, for categories) and group (``overall`` first),
    holding numbers: n, count and percent for levels; mean, sd, median, q1, q3 for measurements;
    the variable's summary kind, test, p and missing count. `groups` in column order."""

    by: str
    groups: tuple[str, ...]


COLUMNS = ["variable", "level", "summary", "group", "n", "count", "percent", "mean", "sd", "median", "q1", "q3",
           "test", "p", "missing", "note"]


def _is_numeric(phenotypes: pd.DataFrame, name: str) -> bool:
    values = coding.column(phenotypes, name)
    return coding.looks_numeric(phenotypes, name) and values[~coding.is_missing(values)].nunique() > 2


def _continuous_rows(name: str, values: pd.Series, groups: pd.Series, levels: list[str],
                     normal_rule: str) -> list[dict[str, Any]]:
    samples = [values[groups == level].dropna().to_numpy(float) for level in levels]
    normal = normal_rule == "normal" or (normal_rule == "auto" and all(
        len(sample) >= 3 and stats.shapiro(sample).pvalue >= 0.05 for sample in samples))
    base: dict[str, Any] = {"variable": name, "level": "", "summary": "mean (SD)" if normal else "median (IQR)",
                            "missing": int(values.isna().sum())}
    testable = [sample for sample in samples if len(sample)]
    if len(testable) >= 2:
        if normal and len(testable) == 2:
            base["test"], base["p"] = "Welch t-test", float(stats.ttest_ind(*testable, equal_var=False).pvalue)
        elif normal:
            base["test"], base["p"] = "ANOVA", float(stats.f_oneway(*testable).pvalue)
        else:
            result = (continuous.mann_whitney(testable[0], testable[1]) if len(testable) == 2
                      else continuous.kruskal_wallis(testable))
            base["test"], base["p"] = result.test, result.p
    every = values.dropna().to_numpy(float)
    return [{**base, "group": label, **continuous.describe(sample)}
            for label, sample in [("overall", every)] + list(zip(levels, samples, strict=True))]


def _categorical_rows(name: str, values: pd.Series, groups: pd.Series, levels: list[str]) -> list[dict[str, Any]]:
    present = values.notna()
    categories = coding.levels(values[present].astype(str))
    counts = np.array([[int(((values == category) & (groups == level)).sum()) for level in levels]
                       for category in categories]).reshape(len(categories), len(levels))
    base: dict[str, Any] = {"variable": name, "summary": "n (%)", "missing": int((~present).sum())}
    table = counts[:, counts.sum(axis=0) > 0]
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] >= 2 and table.shape[1] >= 2:
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
        if (expected < 5).any():
            result = binary.fisher_exact(table)
            base["test"] = result.test
            if result.method != "exact":
                base["note"] = result.describe()
            base["p"] = result.p
        else:
            base["test"], base["p"] = "chi-square", binary.chi_square(table, yates=table.shape == (2, 2)).p
    rows = []
    totals = {"overall": counts.sum(), **dict(zip(levels, counts.sum(axis=0), strict=True))}
    for index, category in enumerate(categories):
        for label, number in [("overall", counts[index].sum())] + list(zip(levels, counts[index], strict=True)):
            rows.append({**base, "level": category, "group": label, "n": int(totals[label]), "count": int(number),
                         "percent": 100 * number / totals[label] if totals[label] else np.nan})
    return rows


def table1(phenotypes: pd.DataFrame, by: str | None = None, variables: list[str] | None = None,
           normal: str = "auto", coding_options: Coding = Coding(), *, calls: pd.DataFrame | None = None,
           locus: str | None = None, model: str = "codominant", effect_allele: str | None = None,
           catalog: object = None) -> Table1Result:
    """Baseline characteristics of `variables` (default: every column) by the levels of `by`, or by
    genotype group (`calls`, `locus`, `model`, `effect_allele`).

    `normal` is ``auto`` (Shapiro–Wilk per group), ``normal`` or ``nonnormal`` for every numeric
    variable. See `Table1Result` for the columns; `genoassoc.report.publication` lays it out.
    """
    notes: list[str] = []
    if calls is not None:
        from genoassoc.analysis.genotyped import join_genotypes

        if locus is None:
            raise InputError("grouping by genotype needs --locus")
        genotyped = join_genotypes(calls, phenotypes, locus, catalog)  # type: ignore[arg-type]
        labels, encoding, title = genotyped.group_column(model, effect_allele)
        data = genotyped.phenotypes.drop(columns="_genotype")
        data.attrs["source"] = phenotypes.attrs.get("source")
        groups, by_name, levels = labels, title, list(encoding.groups)
        notes += genotyped.report.messages()
    else:
        if by is None:
            raise InputError("give --by COLUMN, or --calls with --locus and --model to group by genotype")
        grouping, found = coding.categorical(phenotypes, by)
        keep = grouping.notna()
        if (~keep).any():
            notes.append(f"{int((~keep).sum())} samples without a '{by}' value left out")
        data, groups, by_name, levels = phenotypes[keep], grouping[keep], by, found
        data.attrs["source"] = phenotypes.attrs.get("source")
    levels = [level for level in levels if (groups == level).any()]
    if len(levels) < 2:
        raise InputError(f"'{by_name}' has {len(levels)} group with samples; Table 1 compares at least two")
    chosen = variables or [name for name in coding.columns_of(data) if name != by]
    sizes = [("overall", len(data))] + [(level, int((groups == level).sum())) for level in levels]
    rows: list[dict[str, Any]] = [{"variable": "N", "group": label, "n": count} for label, count in sizes]
    for name in chosen:
        if _is_numeric(data, name):
            values = coding.numeric(data, name, coding_options)
            notes += coding.substitution_notes([values])
            rows += _continuous_rows(name, values, groups, levels, normal)
        else:
            values, _ = coding.categorical(data, name, coding_options)
            notes += values.attrs.get("notes", [])
            rows += _categorical_rows(name, values, groups, levels)
    table = table_frame(rows, COLUMNS)
    for name in ("count", "missing"):
        table[name] = pd.to_numeric(table[name]).round().astype("Int64")
    return Table1Result(table=table, notes=tuple(notes), by=by_name, groups=tuple(levels))
