"""Table 1: baseline characteristics by group, with the test that fits each variable.

Numeric variables: mean ± SD with Welch's t-test (2 groups, R ``t.test``) or one-way ANOVA (3+) when
the Shapiro–Wilk test does not reject normality (p ≥ 0.05) in any group, otherwise median (IQR)
with Mann–Whitney (R ``wilcox.test``) or Kruskal–Wallis. Categorical variables: n (%) per level with
Fisher's exact test when an expected count is below 5 (2×2 and 2×k tables), otherwise the chi-square
test (Yates-corrected for 2×2, as R ``chisq.test``). Missing values are counted per variable and left
out of percentages and tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from genoassoc.errors import InputError
from genoassoc.io.phenotypes import MISSING_VALUES
from genoassoc.stats import binary, continuous


def _numeric(values: pd.Series) -> pd.Series | None:
    present = values[~values.astype(str).str.strip().isin(MISSING_VALUES)]
    numeric = pd.to_numeric(present, errors="coerce")
    if len(present) and numeric.notna().all() and present.nunique() > 2:
        return pd.to_numeric(values.where(~values.astype(str).str.strip().isin(MISSING_VALUES)), errors="coerce")
    return None


def _continuous_rows(name, values, groups, levels, normal_rule):
    samples = [values[groups == level].dropna().to_numpy(float) for level in levels]
    normal = normal_rule == "normal" or (normal_rule == "auto" and all(
        len(sample) >= 3 and stats.shapiro(sample).pvalue >= 0.05 for sample in samples))
    row = {"variable": name, "level": "mean ± SD" if normal else "median (IQR)",
           "missing": int(values.isna().sum())}
    every = values.dropna().to_numpy(float)
    for label, sample in [("overall", every)] + list(zip(levels, samples, strict=True)):
        summary = continuous.describe(sample)
        row[label] = (f"{summary['mean']:.3g} ± {summary['sd']:.3g}" if normal else
                      f"{summary['median']:.3g} ({summary['q1']:.3g}-{summary['q3']:.3g})") if len(sample) else ""
    testable = [sample for sample in samples if len(sample)]
    if len(testable) < 2:
        return [row]
    if normal:
        if len(testable) == 2:
            row["test"], row["p"] = "Welch t-test", stats.ttest_ind(*testable, equal_var=False).pvalue
        else:
            row["test"], row["p"] = "ANOVA", stats.f_oneway(*testable).pvalue
    elif len(testable) == 2:
        result = continuous.mann_whitney(testable[0], testable[1])
        row["test"], row["p"] = result.test, result.p
    else:
        result = continuous.kruskal_wallis(testable)
        row["test"], row["p"] = result.test, result.p
    return [row]


def _categorical_rows(name, values, groups, levels):
    text = values.astype(str).str.strip()
    present = ~text.isin(MISSING_VALUES)
    categories = sorted(text[present].unique(), key=str)
    rows = [{"variable": name, "level": "", "missing": int((~present).sum())}]
    counts = np.array([[int(((text == category) & (groups == level) & present).sum()) for level in levels]
                       for category in categories])
    totals = counts.sum(axis=0)
    for index, category in enumerate(categories):
        row = {"variable": "", "level": category}
        all_count = int(counts[index].sum())
        row["overall"] = f"{all_count} ({100 * all_count / max(counts.sum(), 1):.1f}%)"
        for column, level in enumerate(levels):
            row[level] = f"{counts[index, column]} ({100 * counts[index, column] / max(totals[column], 1):.1f}%)"
        rows.append(row)
    table = counts[:, totals > 0]
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] >= 2 and table.shape[1] >= 2:
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
        if (expected < 5).any() and 2 in table.shape:
            oriented = table if table.shape[0] == 2 else table.T
            rows[0]["test"], rows[0]["p"] = "Fisher's exact", binary.fisher_exact(oriented).p
        else:
            statistic, p, _ = binary.chi_square(table, yates=table.shape == (2, 2))
            rows[0]["test"], rows[0]["p"] = "chi-square", p
    return rows


def table1(phenotypes: pd.DataFrame, by: str, variables: list[str] | None = None, normal: str = "auto") -> pd.DataFrame:
    """Baseline characteristics of `variables` (default: every column but `by`) by the levels of `by`.

    `normal` is ``auto`` (Shapiro–Wilk per group), ``normal`` or ``nonnormal`` for every numeric
    variable. Columns: variable, level, overall, one per group (with its n in the header row), test,
    p, missing.
    """
    if by not in phenotypes.columns:
        raise InputError(f"no column '{by}' to group by", phenotypes.attrs.get("source"))
    groups = phenotypes[by].astype(str).str.strip()
    keep = ~groups.isin(MISSING_VALUES)
    data, groups = phenotypes[keep], groups[keep]
    levels = sorted(groups.unique(), key=str)
    if len(levels) < 2:
        raise InputError(f"'{by}' has {len(levels)} level; Table 1 compares at least two groups")
    variables = variables or [name for name in data.columns if name not in (by, "_row")]
    header = {"variable": "n", "level": "", "overall": str(len(data)),
              **{level: str(int((groups == level).sum())) for level in levels}}
    rows = [header]
    for name in variables:
        if name not in data.columns:
            raise InputError(f"no column '{name}'", phenotypes.attrs.get("source"))
        numeric = _numeric(data[name])
        if numeric is not None:
            rows += _continuous_rows(name, numeric, groups, levels, normal)
        else:
            rows += _categorical_rows(name, data[name], groups, levels)
    columns = ["variable", "level", "overall", *levels, "test", "p", "missing"]
    table = pd.DataFrame(rows).reindex(columns=columns)
    table["missing"] = table["missing"].astype("Int64")
    return table


def to_markdown(table: pd.DataFrame) -> str:
    """A Markdown table (p to 3 decimals, < 0.001 below that)."""
    shown = table.copy()
    shown["p"] = [("" if p != p else ("< 0.001" if p < 0.001 else f"{p:.3f}")) for p in shown["p"]]
    shown = shown.astype(object).where(shown.notna(), "").astype(str)
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in shown.itertuples(index=False)]
    return "\n".join(lines) + "\n"
