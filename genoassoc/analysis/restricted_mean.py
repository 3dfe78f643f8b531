"""Restricted mean survival time by genotype: the mean survival up to a horizon tau per group, and each
group's difference from the reference group — the robust alternative to a hazard ratio when groups
are small or hazards cross (Royston & Parmar 2013).

Per group as R survival's ``print(survfit, rmean = tau)``; the difference with the normal
approximation (SE the root of the summed variances), as R ``survRM2::rmst2``. tau defaults to the
smallest group's largest follow-up time; a tau past it is refused, since the curve of that group is
unknown there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result, table_frame
from genoassoc.analysis.genotyped import JoinReport, join_genotypes
from genoassoc.errors import InputError
from genoassoc.loci import Catalog
from genoassoc.models import Encoding
from genoassoc.stats import survival


def _short(value: float) -> str:
    return f"{value:.4g}"


COLUMNS = ["locus", "model", "effect_allele", "groups", "row", "group", "contrast", "n", "events", "tau",
           "estimate_name", "estimate", "se", "ci_lo", "ci_hi", "p", "note"]


@dataclass(frozen=True, kw_only=True)
class RmstResult(Result):
    """`table`: one row per genotype group (RMST) and per non-reference group (difference)."""

    tau: float
    report: JoinReport


def horizon(time: NDArray[Any], group: NDArray[Any], labels: tuple[str, ...], tau: float | None) -> float:
    """`tau`, or the smallest group's largest follow-up; a tau past any group's follow-up is refused."""
    present = [k for k in range(len(labels)) if (group == k).any()]
    if not present:
        raise InputError("no samples to estimate restricted mean survival from")
    last = {labels[k]: float(time[group == k].max()) for k in present}
    shortest = min(last, key=last.__getitem__)
    if tau is None:
        return last[shortest]
    if not np.isfinite(tau) or tau <= 0:
        raise InputError(f"--tau must be a positive time, got {tau}")
    if tau < time.min():
        raise InputError(f"--tau {_short(tau)} is before the first follow-up time ({_short(float(time.min()))}): "
                         "nothing to average (R survival refuses it too)")
    if tau > last[shortest]:
        raise InputError(f"--tau {_short(tau)} is past the last follow-up of group {shortest} "
                         f"({_short(last[shortest])}): its survival curve is unknown there; "
                         f"use a tau of at most {_short(last[shortest])}")
    return float(tau)


def rmst_rows(encoding: Encoding, locus: str, time: NDArray[Any], event: NDArray[Any], tau: float | None
              ) -> list[dict[str, Any]]:
    """RMST per group and difference from the reference group, as rows of a result table."""
    tau = horizon(time, encoding.group, encoding.groups, tau)
    common = {"locus": locus, "model": encoding.model, "effect_allele": encoding.effect_allele,
              "groups": encoding.definition, "tau": tau}
    rows, means = [], {}
    for k, label in enumerate(encoding.groups):
        members = encoding.group == k
        row = {**common, "row": "group", "group": label, "n": int(members.sum()), "events": int(event[members].sum()),
               "estimate_name": "restricted mean survival time (95% CI)"}
        if members.any():
            mean = survival.restricted_mean(survival.kaplan_meier(time[members], event[members]), tau)
            low, high = mean.interval()
            row.update(estimate=mean.estimate, se=mean.se, ci_lo=low, ci_hi=high)
            means[k] = mean
        else:
            row.update(note="no samples in this group")
        rows.append(row)
    reference = encoding.groups[0]
    for k, label in enumerate(encoding.groups[1:], start=1):
        row = {**common, "row": "difference", "group": label, "contrast": f"{label} vs {reference}",
               "estimate_name": "RMST difference (95% CI, normal approximation)"}
        if k in means and 0 in means:
            difference = survival.rmst_difference(means[k], means[0])
            row.update(n=int(((encoding.group == k) | (encoding.group == 0)).sum()), estimate=difference.estimate,
                       se=difference.se, ci_lo=difference.ci_lo, ci_hi=difference.ci_hi, p=difference.p)
        else:
            row.update(note="a group of the contrast is empty")
        rows.append(row)
    return rows


def rmst(calls: pd.DataFrame, phenotypes: pd.DataFrame, locus: str, model: str = "codominant", *, time: str,
         event: str, tau: float | None = None, effect_allele: str | None = None, catalog: Catalog | None = None
         ) -> RmstResult:
    """Restricted mean survival time to `tau` per genotype group of `locus` under `model`, with each
    group's difference from the reference group (time in the unit of the `time` column)."""
    genotyped = join_genotypes(calls, phenotypes, locus, catalog)
    frame = genotyped.phenotypes
    times, events = coding.times(frame, time), coding.events(frame, event)
    keep, dropped = coding.complete_cases({time: times, event: events})
    encoding = genotyped.encode(model, effect_allele, keep)
    rows = rmst_rows(encoding, genotyped.locus, times[keep].to_numpy(float), events[keep].to_numpy(int), tau)
    notes = list(genotyped.report.messages()) + ([dropped.message()] if dropped.total else [])
    tau_used = float(rows[0]["tau"])
    notes.append(f"restricted mean survival to tau = {_short(tau_used)} ({time})"
                 + ("" if tau is not None else ": the smallest group's last follow-up"))
    return RmstResult(table=table_frame(rows, COLUMNS), notes=tuple(notes), tau=tau_used, report=genotyped.report)
