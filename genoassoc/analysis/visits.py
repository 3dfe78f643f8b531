"""Counting-process rows from repeated measurements: a visits table (sample, visit time, value: IL-6
at baseline, day 15, week 3, progression) and a survival table become (start, stop] rows, one per
interval between visits, carrying the last value forward — the data set of a Cox model with a
time-varying covariate (``genoassoc cox --start start --time stop``), as R survival's
``tmerge(..., tdc(visit, value))`` builds it.

A value measured at time t applies from t on (intervals starting at t); visits at or after the end
of follow-up do not split; the interval before a patient's first visit has no value (missing, so a
model leaves it out). The event is on the last interval only. Visit times and survival times may be
in different units (days and months, read from the column names or given): a month is 30.4375 days,
a year 365.25 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result
from genoassoc.errors import InputError

DAYS = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}


@dataclass(frozen=True, kw_only=True)
class VisitRows(Result):
    """`table`: sample, start, stop, the event column, the value column and the phenotype columns."""

    n_patients: int
    n_intervals: int


def _unit(given: str | None, column: str) -> str | None:
    from genoassoc.report.figures import time_unit

    unit = given or time_unit(column) or None
    if unit is not None and unit not in DAYS:
        raise InputError(f"unknown time unit '{unit}' (use {', '.join(DAYS)})")
    return unit


def split_visits(visits: pd.DataFrame, phenotypes: pd.DataFrame, *, visit_time: str, value: str, time: str,
                 event: str, visit_unit: str | None = None, time_unit: str | None = None,
                 coding_options: coding.Coding = coding.Coding()) -> VisitRows:
    """(start, stop] rows per patient of `phenotypes` with the last `value` of `visits` carried
    forward (both indexed by sample; `visits` may repeat a sample)."""
    notes = []
    visit_in, time_in = _unit(visit_unit, visit_time), _unit(time_unit, time)
    scale = 1.0
    if visit_in and time_in and visit_in != time_in:
        scale = DAYS[visit_in] / DAYS[time_in]
        notes.append(f"visit times in {visit_in} converted to {time_in} (1 month = 30.4375 days)")
    elif not (visit_in and time_in):
        notes.append(f"visit times ('{visit_time}') taken to be in the unit of '{time}' "
                     "(give --visit-unit and --time-unit to convert)")
    when = coding.numeric(visits, visit_time) * scale  # a screening visit may come before time 0
    measured = coding.numeric(visits, value, coding_options)
    keep = when.notna() & measured.notna()
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} visits without a time or a value left out")
    table = pd.DataFrame({"sample": visits.index[keep.to_numpy()], "when": when[keep].to_numpy(),
                          "value": measured[keep].to_numpy()})
    repeated = table.duplicated(["sample", "when"], keep=False)
    if repeated.any():
        first = table[repeated].iloc[0]
        raise InputError(f"sample '{first['sample']}' has two {value} values at {visit_time} "
                         f"{first['when'] / scale:g}", visits.attrs.get("source"))
    unknown = sorted(set(table["sample"]) - set(phenotypes.index))
    if unknown:
        notes.append(f"{len(unknown)} samples with visits but not in the survival table: "
                     + ", ".join(map(str, unknown[:10])))
    stops, events = coding.times(phenotypes, time), coding.events(phenotypes, event)
    visits_by_sample = {sample: group.sort_values("when")
                        for sample, group in table.groupby("sample", sort=False, observed=True)}
    rows = []
    base = phenotypes.drop(columns=[c for c in (time, event, value, "_row") if c in phenotypes.columns])
    for sample in phenotypes.index:
        stop, status = stops[sample], events[sample]
        own = visits_by_sample.get(sample)
        if not np.isfinite(stop) or own is None:
            rows.append((sample, 0.0 if np.isfinite(stop) else np.nan, stop, status, np.nan))
            continue
        cuts = own[(own["when"] > 0) & (own["when"] < stop)]
        starts = np.r_[0.0, cuts["when"].to_numpy()]
        ends = np.r_[cuts["when"].to_numpy(), stop]
        # the value in force at each interval's start: the last visit at or before it
        position = np.searchsorted(own["when"].to_numpy(), starts, side="right") - 1
        values = np.where(position >= 0, own["value"].to_numpy()[np.clip(position, 0, None)], np.nan)
        for index, (begin, end, current) in enumerate(zip(starts, ends, values, strict=True)):
            rows.append((sample, begin, end, status if index == len(starts) - 1 else 0.0, current))
    frame = pd.DataFrame(rows, columns=["sample", "start", "stop", event, value])
    frame = frame.join(base, on="sample")
    missing_value = frame[value].isna()
    if missing_value.any():
        notes.append(f"{int(missing_value.sum())} intervals before a patient's first {value} have no value "
                     "(left out by models)")
    no_time = frame["stop"].isna()
    if no_time.any():
        notes.append(f"{int(no_time.sum())} patients without a follow-up time kept as one row without times")
    return VisitRows(table=frame, notes=tuple(notes), n_patients=len(phenotypes), n_intervals=len(frame))
