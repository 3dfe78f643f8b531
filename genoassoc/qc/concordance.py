"""Agreement between two call sets of the same samples (RFLP vs sequencing, replicate runs)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _kappa(first: pd.Series, second: pd.Series) -> float:
    """Cohen's kappa over genotype categories (statsmodels), NaN when undefined."""
    from statsmodels.stats.inter_rater import cohens_kappa

    if len(first) == 0:
        return float("nan")
    table = pd.crosstab(first, second)
    categories = sorted(set(table.index) | set(table.columns))
    table = table.reindex(index=categories, columns=categories, fill_value=0).to_numpy()
    if len(categories) == 1:
        return float("nan")  # every pair the same genotype: chance agreement is 1, kappa undefined
    return float(cohens_kappa(table, return_results=False))


def concordance(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-locus and overall agreement of two validated calls tables.

    Returns (summary, discordant). Pairs where both sets called the sample are compared; no-calls in
    either set and samples present in one set only are counted separately, never as disagreement.
    """
    keys = ["sample", "locus"]
    merged = first[keys + ["genotype", "status"]].merge(
        second[keys + ["genotype", "status"]], on=keys, how="outer", suffixes=("_a", "_b"), indicator=True
    )
    both_called = (merged["status_a"] == "called") & (merged["status_b"] == "called")
    merged["agree"] = both_called & (merged["genotype_a"] == merged["genotype_b"])

    def summarise(rows: pd.DataFrame, locus: str) -> dict:
        called = rows[(rows["status_a"] == "called") & (rows["status_b"] == "called")]
        in_both = rows["_merge"] == "both"
        agree = int(called["agree"].sum())
        return {
            "locus": locus,
            "n_both_called": len(called),
            "n_agree": agree,
            "n_discordant": len(called) - agree,
            "concordance": agree / len(called) if len(called) else np.nan,
            "kappa": _kappa(called["genotype_a"], called["genotype_b"]),
            "n_no_call_a_only": int((in_both & (rows["status_a"] == "no_call") & (rows["status_b"] == "called")).sum()),
            "n_no_call_b_only": int((in_both & (rows["status_a"] == "called") & (rows["status_b"] == "no_call")).sum()),
            "n_no_call_both": int((in_both & (rows["status_a"] == "no_call") & (rows["status_b"] == "no_call")).sum()),
            "n_only_in_a": int((rows["_merge"] == "left_only").sum()),
            "n_only_in_b": int((rows["_merge"] == "right_only").sum()),
        }

    summary = [summarise(rows, locus) for locus, rows in merged.groupby("locus", sort=False, observed=True)]
    summary.append(summarise(merged, "ALL"))
    discordant = merged[both_called & ~merged["agree"]][keys + ["genotype_a", "genotype_b"]]
    return pd.DataFrame(summary), discordant.reset_index(drop=True)
