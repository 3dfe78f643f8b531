"""A biomarker cut-off found in one cohort and tested unchanged in another (IL-6 in HCC: discovery
and validation), for survival or for response.

Survival: median split, the optimal cut (maximally selected log-rank statistic with Lau92, Lau94
and permutation p-values, as R ``maxstat``), the hazard ratio of high vs low at each cut, the hazard
ratio per unit of the marker and Harrell's C. Response: ROC AUC with DeLong CI, the Youden cut-off
and the response rates by group (Fisher's exact). Cuts found in discovery are applied unchanged to the
validation cohort. High = marker above the cut (the Youden cut-off is a midpoint between two observed
values, as R pROC gives it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result, table_frame
from genoassoc.errors import InputError
from genoassoc.phenotypes import Coding
from genoassoc.stats import cutpoint, survival

MAX_PERMUTATIONS = 1_000_000
COLUMNS = ["cohort", "analysis", "cut", "n", "n_low", "n_high", "events", "statistic_name", "statistic", "p",
           "p_unadjusted", "p_lau92", "p_lau94", "p_permutation", "permutations", "estimate_name", "estimate",
           "ci_lo", "ci_hi", "note"]


@dataclass(frozen=True, kw_only=True)
class CutpointResult(Result):
    """`table`: the splits, per-unit and concordance rows per cohort; `cuts`: every candidate cut of
    the discovery search with its standardised statistic and hazard ratio (survival only); `data`:
    per cohort, the patients analysed (``marker, time, event``: complete cases), for the figures."""

    cut: float
    cuts: pd.DataFrame | None = None
    marker: str = ""
    data: dict[str, pd.DataFrame] | None = None


def _hazard_ratio(time: NDArray[Any], event: NDArray[Any], high: NDArray[Any], ties: str) -> tuple[dict[str, Any], str]:
    try:
        fit = survival.cox(time, event, pd.DataFrame({"high": high.astype(float)}), ties=ties)
    except survival.CoxNotEstimable as err:
        return {}, str(err)
    term = fit.terms["high"]
    return {"estimate_name": "hazard ratio, high vs low", "estimate": term.hazard_ratio, "ci_lo": term.ci_lo,
            "ci_hi": term.ci_hi}, ""


def _split_row(cohort: str, analysis: str, marker: NDArray[Any], time: NDArray[Any], event: NDArray[Any], cut: float,
               ties: str) -> dict[str, Any]:
    high = (marker > cut).astype(int)
    row: dict[str, Any] = {"cohort": cohort, "analysis": analysis, "cut": cut, "n": len(marker),
                           "n_low": int((high == 0).sum()), "n_high": int(high.sum()), "events": int(event.sum())}
    if high.min() == high.max():
        return {**row, "note": "every patient on one side of the cut"}
    test = survival.logrank(time, event, high)
    row.update(statistic_name="log-rank chisq", statistic=test.statistic, p=test.p)
    estimate, reason = _hazard_ratio(time, event, high, ties)
    row.update(estimate)
    if reason:
        row["note"] = f"hazard ratio not estimable: {reason}"
    return row


def _continuous_marker_rows(cohort: str, marker: str, values: NDArray[Any], times: NDArray[Any], events: NDArray[Any],
                            ties: str) -> list[dict[str, Any]]:
    """Hazard ratio per unit of the marker and Harrell's C of the marker itself."""
    base = {"cohort": cohort, "n": len(values), "events": int(events.sum())}
    per_unit: dict[str, Any] = {**base, "analysis": f"per unit of {marker}", "estimate_name": "hazard ratio per unit"}
    try:
        term = survival.cox(times, events, pd.DataFrame({marker: values}), ties=ties).terms[marker]
        per_unit.update(estimate=term.hazard_ratio, ci_lo=term.ci_lo, ci_hi=term.ci_hi, p=term.p)
    except survival.CoxNotEstimable as err:
        per_unit["note"] = f"hazard ratio not estimable: {err}"
    c = survival.concordance(times, events, values)
    return [per_unit, {**base, "analysis": f"Harrell's C of {marker}", "estimate_name": "C-index",
                       "estimate": c.c_index, "ci_lo": c.ci_lo, "ci_hi": c.ci_hi}]


def _survival_data(phenotypes: pd.DataFrame, marker: str, time: str, event: str, options: Coding
                   ) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], coding.Dropped, pd.Series]:
    """The complete cases' marker, times and events, who was left out, and the marker as coded (its
    ``attrs`` say what was put in place of ``<x`` values)."""
    values = coding.numeric(phenotypes, marker, options)
    keep, dropped = coding.complete_cases({marker: values, time: coding.times(phenotypes, time),
                                           event: coding.events(phenotypes, event)})
    return (values[keep].to_numpy(float), coding.times(phenotypes, time)[keep].to_numpy(float),
            coding.events(phenotypes, event)[keep].to_numpy(int), dropped, values[keep])


def _limit_warning(cut: float, coded: pd.Series, what: str) -> str:
    """A warning when a cut sits on a value put in place of '<x' results, or on such a limit: the split
    then separates the results below the limit from the rest, not two ranges of measured values."""
    record = coded.attrs.get("below_lloq")
    if not record:
        return ""
    _, rule, texts = record
    substituted = set(coded.reindex(texts.index).dropna().round(12))
    limits = {round(float(text.lstrip("<≤= ").replace(",", ".")), 12) for text in texts}
    if round(cut, 12) in substituted:
        return (f"{what} {cut:g} is the value put in place of {len(texts)} results below the limit of "
                f"quantification (--below-lloq {rule}): it separates those results from the measured ones")
    if round(cut, 12) in limits:
        return f"{what} {cut:g} is the limit of quantification itself: measured values tie with the '<{cut:g}' results"
    return ""


def _cohort_note(name: str, n: int, dropped: coding.Dropped) -> str:
    return f"{name}: {n} patients" + (f" ({dropped.message()})" if dropped.total else "")


def survival_cutpoint(
    discovery: pd.DataFrame, marker: str, time: str, event: str, *, validation: pd.DataFrame | None = None,
    min_prop: float = 0.1, permutations: int = 0, ties: str = "efron", coding_options: Coding = Coding(),
    progress: Callable[[int, int], None] | None = None, cut_hazard_ratios: bool = True,
) -> CutpointResult:
    """Median split and optimal cut of `marker` for survival (time in the unit of the column), the
    per-unit hazard ratio and Harrell's C, in discovery and (cuts unchanged) in validation.
    `cut_hazard_ratios` adds the hazard ratio at every candidate cut to `cuts` (one Cox fit per
    cut: for the HR-by-cut plot)."""
    if not 0 < min_prop < 0.5:
        raise InputError("the least group fraction must be between 0 and 0.5")
    if not 0 <= permutations <= MAX_PERMUTATIONS:
        raise InputError(f"--permutations {permutations}: give 0 (none) to {MAX_PERMUTATIONS:,}; a "
                         f"permutation p from {MAX_PERMUTATIONS:,} permutations is within ±0.0005 of its limit at p = "
                         "0.05 (95%), and more would take hours on a cohort of a few hundred patients")
    values, times, events, dropped, coded = _survival_data(discovery, marker, time, event, coding_options)
    data = {"discovery": pd.DataFrame({"marker": values, "time": times, "event": events})}
    notes = [_cohort_note("discovery", len(values), dropped)]
    notes += [f"discovery: {note}" for note in coding.substitution_notes([coded])]
    median = float(np.median(values))
    rows = [_split_row("discovery", "median split", values, times, events, median, ties)]
    try:
        found = cutpoint.maxstat(values, times, events, min_prop, 1 - min_prop, permutations, progress=progress)
    except ValueError as err:
        raise InputError(f"{marker}: {err}") from None
    optimal = _split_row("discovery", "optimal cut (maximally selected log-rank)", values, times, events, found.cut,
                         ties)
    search = (f"p adjusted for the search (Lau94); cuts searched with {min_prop:g}-{1 - min_prop:g} of patients "
              f"in the low group; p_unadjusted: the log-rank p at this cut as if it had been fixed in advance")
    warnings = [_limit_warning(found.cut, coded, "the optimal cut"), _limit_warning(median, coded, "the median")]
    optimal.update(statistic_name="max standardised log-rank", statistic=found.statistic, p=found.p_lau94,
                   p_unadjusted=optimal.get("p", float("nan")), p_lau92=found.p_lau92, p_lau94=found.p_lau94,
                   p_permutation=found.p_permutation, permutations=permutations or None,
                   note="; ".join(filter(None, (search, optimal.get("note", ""), warnings[0]))))
    if warnings[1]:
        rows[0]["note"] = "; ".join(filter(None, (rows[0].get("note", ""), warnings[1])))
    notes += [warning for warning in warnings if warning]
    rows.append(optimal)
    rows += _continuous_marker_rows("discovery", marker, values, times, events, ties)
    if validation is not None:
        v_values, v_times, v_events, v_dropped, v_coded = _survival_data(validation, marker, time, event,
                                                                         coding_options)
        data["validation"] = pd.DataFrame({"marker": v_values, "time": v_times, "event": v_events})
        notes.append(_cohort_note("validation", len(v_values), v_dropped))
        notes += [f"validation: {note}" for note in coding.substitution_notes([v_coded])]
        rows.append(_split_row("validation", "discovery median applied", v_values, v_times, v_events, median, ties))
        rows.append(_split_row("validation", "discovery optimal cut applied", v_values, v_times, v_events,
                               found.cut, ties))
        rows += _continuous_marker_rows("validation", marker, v_values, v_times, v_events, ties)
    cuts = pd.DataFrame({"cut": found.cuts, "n_low": found.n_low, "n_high": len(values) - found.n_low,
                         "statistic": found.statistics})
    ratios = [_hazard_ratio(times, events, (values > cut).astype(int), ties)[0] if cut_hazard_ratios else {}
              for cut in found.cuts]
    cuts["hazard_ratio"] = [ratio.get("estimate", np.nan) for ratio in ratios]
    cuts["ci_lo"] = [ratio.get("ci_lo", np.nan) for ratio in ratios]
    cuts["ci_hi"] = [ratio.get("ci_hi", np.nan) for ratio in ratios]
    return CutpointResult(table=table_frame(rows, COLUMNS), notes=tuple(notes), cut=float(found.cut), cuts=cuts,
                          marker=marker, data=data)


def _response_data(phenotypes: pd.DataFrame, marker: str, response: str, options: Coding,
                   case_level: Sequence[str] | str | None = None) -> tuple[NDArray[Any], NDArray[Any], str]:
    values = coding.numeric(phenotypes, marker, options)
    outcome, case = coding.binary(coding.column(phenotypes, response).rename(response), case_level, options)
    keep, _ = coding.complete_cases({marker: values, response: outcome})
    return values[keep].to_numpy(float), outcome[keep].to_numpy(int), case


def _response_split(cohort: str, analysis: str, values: NDArray[Any], outcome: NDArray[Any], cut: float
                    ) -> dict[str, Any]:
    high = (values > cut).astype(int)
    table = np.array([[((high == g) & (outcome == y)).sum() for g in (0, 1)] for y in (0, 1)])
    row = {"cohort": cohort, "analysis": analysis, "cut": cut, "n": len(values), "n_low": int((high == 0).sum()),
           "n_high": int(high.sum()), "events": int(outcome.sum())}
    if high.min() == high.max():
        return {**row, "note": "every patient on one side of the cut"}
    from genoassoc.stats import binary

    result = binary.fisher_exact(table)
    rate_low = table[1, 0] / max(table[:, 0].sum(), 1)
    rate_high = table[1, 1] / max(table[:, 1].sum(), 1)
    return {**row, "statistic_name": result.test, "p": result.p, "estimate_name": "odds ratio, high vs low",
            "estimate": result.odds_ratio, "ci_lo": result.ci_lo, "ci_hi": result.ci_hi,
            "note": f"response {100 * rate_low:.1f}% (low) vs {100 * rate_high:.1f}% (high)"}


def response_cutpoint(discovery: pd.DataFrame, marker: str, response: str, *,
                      validation: pd.DataFrame | None = None, coding_options: Coding = Coding(),
                      case_level: Sequence[str] | str | None = None) -> CutpointResult:
    """ROC (DeLong CI), the Youden cut-off, median and Youden splits for a binary response, in
    discovery and (cut unchanged) in validation."""
    values, outcome, case = _response_data(discovery, marker, response, coding_options, case_level)
    notes = [f"response '{response}': event = '{case}'", f"discovery: {len(values)} patients"]
    rows = [_response_split("discovery", "median split", values, outcome, float(np.median(values)))]
    curve = cutpoint.roc(values, outcome)
    side = ">" if curve.direction == "<" else "<"
    direction = (f"direction: {'higher' if curve.direction == '<' else 'lower'} {marker} in '{case}' (chosen from "
                 f"the groups' medians, as R pROC direction = \"auto\": pROC direction \"{curve.direction}\")")
    notes.append(f"ROC {direction}")
    rows.append({"cohort": "discovery", "analysis": "ROC", "n": len(values), "events": int(outcome.sum()),
                 "estimate_name": "AUC (DeLong CI)", "estimate": curve.auc, "ci_lo": curve.ci_lo, "ci_hi": curve.ci_hi,
                 "cut": curve.youden_cut,
                 "note": f"{direction}; Youden cut: '{case}' called when {marker} {side} {curve.youden_cut:g}, "
                         f"sensitivity {curve.sensitivity:.3f}, specificity {curve.specificity:.3f}"})
    rows.append(_response_split("discovery", "Youden cut", values, outcome, curve.youden_cut))
    if validation is not None:
        v_values, v_outcome, _ = _response_data(validation, marker, response, coding_options, case_level)
        notes.append(f"validation: {len(v_values)} patients")
        rows.append(_response_split("validation", "discovery Youden cut applied", v_values, v_outcome,
                                    curve.youden_cut))
        v_curve = cutpoint.roc(v_values, v_outcome, direction=curve.direction)
        rows.append({"cohort": "validation", "analysis": "ROC", "n": len(v_values), "events": int(v_outcome.sum()),
                     "estimate_name": "AUC (DeLong CI)", "estimate": v_curve.auc, "ci_lo": v_curve.ci_lo,
                     "ci_hi": v_curve.ci_hi})
    return CutpointResult(table=table_frame(rows, COLUMNS), notes=tuple(notes), cut=float(curve.youden_cut))
