"""A biomarker cut-off found in one cohort and tested unchanged in another (IL-6 in HCC:
discovery and validation), for survival or for response.

Survival: median split, the optimal cut (maximally selected log-rank statistic with Lau92, Lau94
and permutation p-values, as R ``maxstat``), the hazard ratio of high vs low at each cut, the hazard
ratio per unit of the marker and Harrell's C. Response: ROC AUC with DeLong CI, the Youden cut-off
and the response rates by group (Fisher's exact). Cuts found in discovery are applied unchanged to the
validation cohort. High = marker above the cut (at or above, for the Youden cut-off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.phenotypes import numeric_phenotype
from genoassoc.stats import binary, cutpoint, survival

COLUMNS = ["cohort", "analysis", "cut", "n", "n_low", "n_high", "events", "statistic_name", "statistic", "p",
           "p_lau92", "p_lau94", "p_permutation", "estimate_name", "estimate", "ci_lo", "ci_hi", "note"]


def _split_row(cohort, analysis, marker, time, event, cut, ties, note=""):
    high = (marker > cut).astype(int)
    row = {"cohort": cohort, "analysis": analysis, "cut": cut, "n": len(marker), "n_low": int((high == 0).sum()),
           "n_high": int(high.sum()), "events": int(event.sum()), "note": note}
    if high.min() == high.max():
        return {**row, "note": "every patient on one side of the cut"}
    test = survival.logrank(time, event, high)
    row.update(statistic_name="log-rank chisq", statistic=test.chisq, p=test.p)
    try:
        fit = survival.cox(time, event, pd.DataFrame({"high": high.astype(float)}), ties=ties)
        term = fit.terms["high"]
        row.update(estimate_name="hazard ratio, high vs low", estimate=term.hazard_ratio, ci_lo=term.ci_lo,
                   ci_hi=term.ci_hi)
    except survival.CoxNotEstimable as err:
        row["note"] = f"{note}; {err}".strip("; ")
    return row


def _continuous_marker_rows(cohort, marker, values, times, events, ties) -> list[dict]:
    """Hazard ratio per unit of the marker and Harrell's C of the marker itself."""
    base = {"cohort": cohort, "n": len(values), "events": int(events.sum())}
    per_unit = survival.cox(times, events, pd.DataFrame({marker: values}), ties=ties).terms[marker]
    c = survival.concordance(times, events, values)
    return [
        {**base, "analysis": f"per unit of {marker}", "estimate_name": "hazard ratio per unit",
         "estimate": per_unit.hazard_ratio, "ci_lo": per_unit.ci_lo, "ci_hi": per_unit.ci_hi, "p": per_unit.p},
        {**base, "analysis": f"Harrell's C of {marker}", "estimate_name": "C-index", "estimate": c.c_index,
         "ci_lo": c.ci_lo, "ci_hi": c.ci_hi},
    ]


def _survival_data(phenotypes, marker, time, event):
    values = numeric_phenotype(phenotypes, marker)
    times, events = numeric_phenotype(phenotypes, time), numeric_phenotype(phenotypes, event)
    complete = values.notna() & times.notna() & events.notna()
    survival.validate(times[complete], events[complete], phenotypes["_row"][complete] if "_row" in phenotypes
                      else None, phenotypes.attrs.get("source"), time, event)
    return values[complete].to_numpy(float), times[complete].to_numpy(float), events[complete].to_numpy(int), \
        int((~complete).sum())


def survival_cutpoint(
    discovery: pd.DataFrame, marker: str, time: str, event: str, *, validation: pd.DataFrame | None = None,
    min_prop: float = 0.1, permutations: int = 0, ties: str = "efron", progress=None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(summary, per-cut table, messages) for a survival outcome."""
    values, times, events, dropped = _survival_data(discovery, marker, time, event)
    messages = [f"discovery: {len(values)} patients ({dropped} with a missing value left out)"]
    median = float(np.median(values))
    rows = [_split_row("discovery", "median split", values, times, events, median, ties)]
    try:
        found = cutpoint.maxstat(values, times, events, min_prop, 1 - min_prop, permutations, progress=progress)
    except ValueError as err:
        raise InputError(f"{marker}: {err}") from None
    optimal = _split_row("discovery", "optimal cut (maximally selected log-rank)", values, times, events, found.cut,
                         ties)
    optimal.update(
        statistic_name="max standardised log-rank", statistic=found.statistic, p=found.p_lau94,
        p_lau92=found.p_lau92, p_lau94=found.p_lau94, p_permutation=found.p_permutation,
        note=f"p adjusted for the search (Lau94); cuts searched with {min_prop:g}-{1 - min_prop:g} of patients "
             f"in the low group; log-rank p at this cut without adjustment: {optimal.get('p', float('nan')):.4g}",
    )
    rows.append(optimal)
    rows += _continuous_marker_rows("discovery", marker, values, times, events, ties)
    if validation is not None:
        v_values, v_times, v_events, v_dropped = _survival_data(validation, marker, time, event)
        messages.append(f"validation: {len(v_values)} patients ({v_dropped} with a missing value left out)")
        rows.append(_split_row("validation", "discovery median applied", v_values, v_times, v_events, median, ties))
        rows.append(_split_row("validation", "discovery optimal cut applied", v_values, v_times, v_events,
                               found.cut, ties))
        rows += _continuous_marker_rows("validation", marker, v_values, v_times, v_events, ties)
    cuts = pd.DataFrame({"cut": found.cuts, "n_low": found.n_low, "n_high": len(values) - found.n_low,
                         "statistic": found.statistics})
    hazard_ratios = []
    for cut in found.cuts:
        try:
            fit = survival.cox(times, events, pd.DataFrame({"high": (values > cut).astype(float)}), ties=ties)
            hazard_ratios.append((fit.terms["high"].hazard_ratio, fit.terms["high"].ci_lo, fit.terms["high"].ci_hi))
        except survival.CoxNotEstimable:
            hazard_ratios.append((np.nan, np.nan, np.nan))
    cuts[["hazard_ratio", "ci_lo", "ci_hi"]] = np.array(hazard_ratios)
    return pd.DataFrame(rows).reindex(columns=COLUMNS), cuts, messages


def _response_data(phenotypes, marker, response):
    from genoassoc.association import binary_outcome

    values = numeric_phenotype(phenotypes, marker)
    outcome, case = binary_outcome(phenotypes[response], None)
    complete = values.notna() & outcome.notna()
    return values[complete].to_numpy(float), outcome[complete].to_numpy(int), case


def _response_split(cohort, analysis, values, outcome, cut, inclusive=False):
    high = (values >= cut if inclusive else values > cut).astype(int)
    table = np.array([[((high == g) & (outcome == y)).sum() for g in (0, 1)] for y in (0, 1)])
    result = binary.fisher_exact(table) if high.min() != high.max() else None
    row = {"cohort": cohort, "analysis": analysis, "cut": cut, "n": len(values), "n_low": int((high == 0).sum()),
           "n_high": int(high.sum()), "events": int(outcome.sum())}
    if result is None:
        return {**row, "note": "every patient on one side of the cut"}
    rate_low = table[1, 0] / max(table[:, 0].sum(), 1)
    rate_high = table[1, 1] / max(table[:, 1].sum(), 1)
    return {**row, "statistic_name": "Fisher's exact", "p": result.p, "estimate_name": "odds ratio, high vs low",
            "estimate": result.odds_ratio, "ci_lo": result.ci_lo, "ci_hi": result.ci_hi,
            "note": f"response {100 * rate_low:.1f}% (low) vs {100 * rate_high:.1f}% (high)"}


def response_cutpoint(discovery: pd.DataFrame, marker: str, response: str, *,
                      validation: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """(summary, messages) for a binary response: ROC, Youden cut-off, splits, validation."""
    values, outcome, case = _response_data(discovery, marker, response)
    messages = [f"response '{response}': event = '{case}'", f"discovery: {len(values)} patients"]
    rows = [_response_split("discovery", "median split", values, outcome, float(np.median(values)))]
    curve = cutpoint.roc(values, outcome)
    rows.append({"cohort": "discovery", "analysis": "ROC", "n": len(values), "events": int(outcome.sum()),
                 "estimate_name": "AUC (DeLong CI)", "estimate": curve.auc, "ci_lo": curve.ci_lo, "ci_hi": curve.ci_hi,
                 "cut": curve.youden_cut,
                 "note": f"Youden cut: {marker} >= {curve.youden_cut:g}, sensitivity {curve.sensitivity:.3f}, "
                         f"specificity {curve.specificity:.3f}"})
    rows.append(_response_split("discovery", "Youden cut (high: at or above)", values, outcome, curve.youden_cut,
                                inclusive=True))
    if validation is not None:
        v_values, v_outcome, _ = _response_data(validation, marker, response)
        messages.append(f"validation: {len(v_values)} patients")
        rows.append(_response_split("validation", "discovery Youden cut applied (high: at or above)", v_values,
                                    v_outcome, curve.youden_cut, inclusive=True))
        v_curve = cutpoint.roc(v_values, v_outcome)
        rows.append({"cohort": "validation", "analysis": "ROC", "n": len(v_values), "events": int(v_outcome.sum()),
                     "estimate_name": "AUC (DeLong CI)", "estimate": v_curve.auc, "ci_lo": v_curve.ci_lo,
                     "ci_hi": v_curve.ci_hi})
    return pd.DataFrame(rows).reindex(columns=COLUMNS), messages
