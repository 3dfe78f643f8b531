"""Pooling per-cohort estimates (discovery and validation cohorts, published cohorts): a table of
hazard, odds or risk ratios with their 95% CI, or of log estimates with standard errors, pooled by
`genoassoc.stats.meta` (R ``metafor::rma``).

A ratio's standard error on the log scale is recovered from its printed 95% CI:
(log upper − log lower) / (2 × 1.959964), the normal quantile z(0.975) as R's ``qnorm(0.975)`` (Cochrane
Handbook 6.3.2 rounds it to 3.92).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from genoassoc.analysis import Result, table_frame
from genoassoc.errors import InputError
from genoassoc.stats.meta import MetaAnalysis, meta_analysis

RATIOS = ("hr", "or", "rr")
COLUMNS = ["row", "cohort", "estimate_name", "estimate", "ci_lo", "ci_hi", "log_estimate", "se", "weight", "z",
           "p", "method", "k", "tau2", "q", "q_df", "q_p", "i2", "h2", "note"]


@dataclass(frozen=True, kw_only=True)
class MetaResult(Result):
    """`table`: one row per cohort (weight in %) and the pooled row with the heterogeneity statistics."""

    fit: MetaAnalysis
    measure: str


def _estimates(table: pd.DataFrame) -> tuple[str, NDArray[Any], NDArray[Any]]:
    from genoassoc.io.tables import numeric_column

    source = table.attrs.get("source")
    ratio = next((name for name in RATIOS if name in table.columns), None)
    if ratio is not None:
        missing = [name for name in ("ci_lo", "ci_hi") if name not in table.columns]
        if missing:
            raise InputError(f"a '{ratio}' column needs its 95% CI in columns ci_lo and ci_hi", source)
        values = {name: numeric_column(table, name, allow_empty=False) for name in (ratio, "ci_lo", "ci_hi")}
        for name, column in values.items():
            bad = column <= 0
            if bad.any():
                raise InputError(f"a ratio or its limit must be positive, got {column[bad].iloc[0]:g}", source,
                                 int(bad.idxmax()), name)
        inside = (values["ci_lo"] <= values[ratio]) & (values[ratio] <= values["ci_hi"])
        if not inside.all():
            row = int((~inside).idxmax())
            raise InputError(f"{ratio} {values[ratio][row]:g} lies outside its CI {values['ci_lo'][row]:g}–"
                             f"{values['ci_hi'][row]:g}", source, row, ratio)
        z = float(special.ndtri(0.975))
        se = (np.log(values["ci_hi"]) - np.log(values["ci_lo"])) / (2 * z)
        return ratio, np.log(values[ratio].to_numpy()), se.to_numpy()
    if {"log_estimate", "se"} <= set(table.columns):
        return "log_estimate", numeric_column(table, "log_estimate", allow_empty=False).to_numpy(), \
            numeric_column(table, "se", allow_empty=False).to_numpy()
    raise InputError("give per-cohort estimates as hr|or|rr with ci_lo and ci_hi, or as log_estimate and se "
                     f"(columns: {', '.join(table.columns)})", source)


def _refuse_repeats(table: pd.DataFrame) -> None:
    """A cohort listed twice, or two rows with the same numbers, would be pooled twice: refused."""
    source = table.attrs.get("source")
    for columns, what in ((["cohort"], "cohort '{}' is listed twice"),
                          ([name for name in table.columns if name != "cohort"], "rows {} hold the same estimates")):
        repeated = table.duplicated(subset=columns, keep=False)
        if repeated.any():
            rows = [int(row) for row in table.index[repeated.to_numpy()]]
            first = table.loc[rows[0], "cohort"]
            label = first if what.startswith("cohort") else f"{rows[0]} and {rows[1]}"
            raise InputError(what.format(label) + f" (rows {rows[0]} and {rows[1]}): each cohort is pooled once",
                             source, rows[1])


def pool(table: pd.DataFrame, method: str = "REML") -> MetaResult:
    """Pooled estimate of per-cohort estimates (`table`: a ``cohort`` column and hr|or|rr, ci_lo,
    ci_hi, or log_estimate and se) with its 95% CI and p, Cochran's Q, I², H² and tau²."""
    if "cohort" not in table.columns:
        raise InputError("the estimates table needs a 'cohort' column", table.attrs.get("source"))
    _refuse_repeats(table)
    measure, log_estimate, se = _estimates(table)
    fit = meta_analysis(log_estimate, se, method)
    ratio = measure in RATIOS
    back = np.exp if ratio else (lambda value: value)
    name = f"{measure.upper()} (95% CI)" if ratio else "log estimate (95% CI)"
    z = float(special.ndtri(0.975))
    rows = [{"row": "cohort", "cohort": cohort, "estimate_name": name, "estimate": float(back(y)),
             "ci_lo": float(back(y - z * s)), "ci_hi": float(back(y + z * s)), "log_estimate": y, "se": s,
             "weight": weight, "z": y / s, "p": float(2 * special.ndtr(-abs(y / s)))}
            for cohort, y, s, weight in zip(table["cohort"], log_estimate, se, fit.weights, strict=True)]
    method_name = {"FE": "fixed effect", "DL": "random effects (DerSimonian-Laird)",
                   "REML": "random effects (REML)"}[method]
    rows.append({"row": "pooled", "cohort": "pooled", "estimate_name": f"pooled {name}, {method_name}",
                 "estimate": float(back(fit.estimate)), "ci_lo": float(back(fit.ci_lo)),
                 "ci_hi": float(back(fit.ci_hi)), "log_estimate": fit.estimate, "se": fit.se, "weight": 100.0,
                 "z": fit.z, "p": fit.p, "method": method, "k": fit.k, "tau2": fit.tau2, "q": fit.q,
                 "q_df": fit.q_df, "q_p": fit.q_p, "i2": fit.i2, "h2": fit.h2,
                 "note": "" if fit.converged else "REML did not converge"})
    notes = [f"{fit.k} cohorts, {method_name}: pooled {name.split(' ')[0]} "
             f"{float(back(fit.estimate)):.3g} ({float(back(fit.ci_lo)):.3g}-{float(back(fit.ci_hi)):.3g}), "
             f"I2 = {fit.i2:.1f}%, tau2 = {fit.tau2:.4g}"]
    if ratio:
        notes.append("log SE of each cohort from its 95% CI: (log upper - log lower) / (2 × 1.959964), "
                     "z(0.975) as R qnorm(0.975)")
    return MetaResult(table=table_frame(rows, COLUMNS), notes=tuple(notes), fit=fit, measure=measure)
