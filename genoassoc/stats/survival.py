"""Survival analysis with R ``survival`` conventions.

- Kaplan–Meier per group (as ``survfit``): Greenwood standard error of log S, 95% CI by
  ``conf.type`` log (default), log-log or plain; median survival and its CI as the table of
  ``summary(survfit)`` gives them (the first time the curve, or a confidence limit, falls to 0.5; where
  it sits exactly at 0.5 over an interval, the midpoint of that interval); survival and numbers at
  risk at landmark times.
- Log-rank test for k groups, optionally stratified (``survdiff``), p from the chi-square survival
  function (so p = 4.4e-29 stays 4.4e-29).
- Cox proportional hazards: `genoassoc.stats.coxph` (R ``coxph``'s algorithm), re-exported here.
- Proportional-hazards check as ``cox.zph`` (survival ≥ 3.0): score test for adding x·g(t), g the
  KM transform of time, per term and global.
- Restricted mean survival time up to tau with its standard error, as ``summary(survfit, rmean = tau)``
  (``survmean``: the area under the curve, variance from the Greenwood increments), and the difference
  between two groups with a normal-approximation CI and p (Royston & Parmar 2013; R ``survRM2``).
- Harrell's C as ``concordance``, with its infinitesimal-jackknife standard error.

Times in the unit of the input (months or days); events 1 = event, 0 = censored.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from genoassoc.errors import InputError
from genoassoc.stats import HypothesisTest
from genoassoc.stats.coxph import CoxDidNotConverge, CoxFit, CoxNotEstimable, CoxTerm, cox, firth_cox, fix_times

__all__ = ["CoxDidNotConverge", "CoxFit", "CoxNotEstimable", "CoxTerm", "concordance", "cox", "cox_zph",
           "firth_cox", "kaplan_meier", "logrank", "restricted_mean", "rmst_difference", "validate"]

CONF_TYPES = ("log", "log-log", "plain")
_TOLERANCE = math.sqrt(np.finfo(float).eps)


def validate(time: pd.Series, event: pd.Series, rows: pd.Series | None = None, source: str | None = None,
             time_col: str = "time", event_col: str = "event") -> tuple[NDArray[Any], NDArray[Any]]:
    """Times and 0/1 events as arrays; negative or missing times and events other than 0/1 are one
    error listing the rows."""
    label = rows if rows is not None else pd.Series(time.index, index=time.index)
    problems = []
    for name, bad, what in (
        (time_col, time.isna(), "missing"),
        (time_col, time < 0, "negative"),
        (event_col, event.isna(), "missing"),
        (event_col, ~event.isna() & ~event.isin([0, 1]), "not 0/1"),
    ):
        if bad.any():
            shown = ", ".join(str(value) for value in label[bad].tolist()[:10])
            more = f" and {int(bad.sum()) - 10} more" if bad.sum() > 10 else ""
            problems.append(f"column '{name}' {what} in rows {shown}{more}")
    if problems:
        raise InputError("; ".join(problems), source)
    return time.to_numpy(float), event.to_numpy(float).astype(int)


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier curve at its distinct times (events or censorings)."""

    time: NDArray[Any]
    n_risk: NDArray[Any]
    n_event: NDArray[Any]
    n_censor: NDArray[Any]
    surv: NDArray[Any]
    std_err: NDArray[Any]  # of log S (R's survfit std.err with the default error="greenwood")
    lower: NDArray[Any]
    upper: NDArray[Any]
    conf_type: str

    @property
    def n(self) -> int:
        return int(self.n_risk[0]) if len(self.n_risk) else 0

    @property
    def events(self) -> int:
        return int(self.n_event.sum())

    def median(self) -> tuple[float, float, float]:
        """Median survival with its 95% CI (NaN where a curve never reaches 0.5)."""
        # The lower confidence curve reaches 0.5 first: it gives the lower limit.
        return (_quantile_time(self.time, self.surv, 0.5), _quantile_time(self.time, self.lower, 0.5),
                _quantile_time(self.time, self.upper, 0.5))

    def at(self, times: ArrayLike) -> pd.DataFrame:
        """Survival, CI and numbers at risk at landmark times (as ``summary(fit, times =)``)."""
        rows = []
        for landmark in np.atleast_1d(times):
            if landmark > self.time[-1]:
                continue  # beyond follow-up, as summary.survfit drops it
            index = np.searchsorted(self.time, landmark, side="right") - 1
            at_risk = int(self.n_risk[np.searchsorted(self.time, landmark, side="left")])
            if index < 0:
                rows.append({"time": landmark, "n_risk": at_risk, "surv": 1.0, "lower": 1.0, "upper": 1.0})
            else:
                rows.append({"time": landmark, "n_risk": at_risk, "surv": self.surv[index],
                             "lower": self.lower[index], "upper": self.upper[index]})
        return pd.DataFrame(rows, columns=["time", "n_risk", "surv", "lower", "upper"])


def _quantile_time(time: NDArray[Any], curve: NDArray[Any], p: float) -> float:
    """First time a step curve reaches p; where it sits exactly at p and falls later, the midpoint
    of the flat interval; where it stays at p to the end of follow-up, the time it got there (the
    ``minmin`` rule of R ``survmean``, which fills ``summary(survfit)$table``)."""
    valid = ~np.isnan(curve)
    time, curve = time[valid], curve[valid]
    below = np.flatnonzero(curve < p + _TOLERANCE)
    if len(below) == 0:
        return math.nan
    first = below[0]
    if abs(curve[first] - p) < _TOLERANCE:
        later = np.flatnonzero(curve < curve[first])
        if len(later):
            return float((time[first] + time[later[0]]) / 2)
    return float(time[first])


def kaplan_meier(time: ArrayLike, event: ArrayLike, conf_type: str = "log", conf_level: float = 0.95
                 ) -> KaplanMeier:
    """Kaplan–Meier estimate with R ``survfit`` confidence limits (times equal within √eps tied,
    as R's ``timefix``)."""
    if conf_type not in CONF_TYPES:
        raise InputError(f"unknown conf.type '{conf_type}' (use {', '.join(CONF_TYPES)})")
    follow_up, events = fix_times(np.asarray(time, float))[0], np.asarray(event, int)
    times, inverse = np.unique(follow_up, return_inverse=True)
    n_event = np.bincount(inverse, weights=events, minlength=len(times))
    n_total = np.bincount(inverse, minlength=len(times))
    n_risk = n_total[::-1].cumsum()[::-1].astype(float)
    surv = np.cumprod(1 - n_event / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        increments = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
    std_err = np.sqrt(np.cumsum(increments))
    z = special.ndtri(1 - (1 - conf_level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            lower, upper = surv * np.exp(-z * std_err), np.minimum(surv * np.exp(z * std_err), 1.0)
        elif conf_type == "log-log":
            log_surv = np.log(surv)
            lower = np.exp(-np.exp(np.log(-log_surv) - z * std_err / log_surv))
            upper = np.exp(-np.exp(np.log(-log_surv) + z * std_err / log_surv))
            undefined = (surv == 0) | (surv == 1)
            lower, upper = np.where(undefined, np.nan, lower), np.where(undefined, np.nan, upper)
        else:
            lower = np.maximum(surv - z * std_err * surv, 0.0)
            upper = np.minimum(surv + z * std_err * surv, 1.0)
    zero = surv == 0
    lower, upper = np.where(zero, np.nan, lower), np.where(zero, np.nan, upper)
    return KaplanMeier(times, n_risk, n_event, n_total - n_event, surv, std_err, lower, upper, conf_type)


@dataclass(frozen=True)
class RestrictedMean:
    """Restricted mean survival time up to `tau` with its standard error."""

    tau: float
    estimate: float
    se: float

    def interval(self, conf_level: float = 0.95) -> tuple[float, float]:
        z = special.ndtri(1 - (1 - conf_level) / 2)
        return self.estimate - z * self.se, self.estimate + z * self.se


def restricted_mean(curve: KaplanMeier, tau: float) -> RestrictedMean:
    """The area under a Kaplan–Meier curve from 0 to `tau` and its standard error, as R survival's
    ``survmean`` (``print(survfit, rmean = tau)``): rectangles under the step function; the variance
    sums, over event times, the squared area after each time times d / (n (n − d))."""
    keep = curve.time <= tau
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(curve.n_risk - curve.n_event == 0, 0.0,
                          curve.n_event / (curve.n_risk * (curve.n_risk - curve.n_event)))
    times = np.r_[curve.time[keep], tau]
    surv = np.r_[curve.surv[keep], curve.surv[keep][-1] if keep.any() else 1.0]
    hazard = np.r_[hazard[keep], 0.0]
    start = min(0.0, float(curve.time[0])) if len(curve.time) else 0.0
    rectangles = np.diff(np.r_[start, times]) * np.r_[1.0, surv[:-1]]
    variance = float(np.sum(np.cumsum(rectangles[1:][::-1]) ** 2 * hazard[::-1][1:]))
    return RestrictedMean(float(tau), float(rectangles.sum() + start), math.sqrt(variance))


@dataclass(frozen=True)
class RmstDifference:
    estimate: float
    se: float
    ci_lo: float
    ci_hi: float
    p: float


def rmst_difference(first: RestrictedMean, reference: RestrictedMean, conf_level: float = 0.95) -> RmstDifference:
    """`first` minus `reference` (independent groups): SE the root of the summed variances, normal CI and
    two-sided p."""
    estimate = first.estimate - reference.estimate
    se = math.hypot(first.se, reference.se)
    z = special.ndtri(1 - (1 - conf_level) / 2)
    p = float(2 * special.ndtr(-abs(estimate / se))) if se > 0 else math.nan
    return RmstDifference(estimate, se, estimate - z * se, estimate + z * se, p)


def logrank(time: ArrayLike, event: ArrayLike, group: ArrayLike, strata: ArrayLike | None = None) -> HypothesisTest:
    """Log-rank test across the levels of `group` (R ``survdiff``, rho = 0), stratified when
    `strata` is given: observed minus expected events and their hypergeometric variance summed over
    the distinct event times of each stratum; groups with no expected events are left out and the
    first remaining group is the reference, as R does."""
    follow_up, events = fix_times(np.asarray(time, float))[0], np.asarray(event, int)
    codes, levels = pd.factorize(np.asarray(group), sort=True)
    if len(levels) < 2:
        return HypothesisTest(math.nan, 0, math.nan)
    stratum_codes = np.zeros(len(follow_up), int) if strata is None else pd.factorize(np.asarray(strata))[0]
    k = len(levels)
    observed, expected, variance = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for stratum in np.unique(stratum_codes):
        members = stratum_codes == stratum
        t, d, g = follow_up[members], events[members], codes[members]
        times = np.unique(t[d == 1])
        if len(times) == 0:
            continue
        # numbers at risk per group at each event time: members with t >= that time
        order = np.argsort(t, kind="stable")
        positions = np.searchsorted(t[order], times, side="left")
        counts = np.zeros((len(t) + 1, k))
        counts[np.arange(len(t)), g[order]] = 1
        at_risk = np.cumsum(counts[::-1], axis=0)[::-1][positions]
        deaths = np.zeros((len(times), k))
        np.add.at(deaths, (np.searchsorted(times, t[d == 1]), g[d == 1]), 1)
        n = at_risk.sum(axis=1)
        dead = deaths.sum(axis=1)
        share = at_risk / n[:, None]
        observed += deaths.sum(axis=0)
        expected += (dead[:, None] * share).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n > 1, dead * (n - dead) / (n - 1), 0.0)
        variance += np.diag(factor @ share) - np.einsum("t,ti,tj->ij", factor, share, share)
    used = expected > 0
    df = int(used.sum()) - 1
    if df < 1:
        return HypothesisTest(0.0, 0, math.nan)
    difference = (observed - expected)[used][1:]
    block = variance[np.ix_(used, used)][1:, 1:]
    statistic = float(difference @ np.linalg.solve(block, difference))
    return HypothesisTest(statistic, df, float(special.chdtrc(df, statistic)))


def _risk_moments(time: NDArray[Any], event: NDArray[Any], X: NDArray[Any], weights: NDArray[Any],
                  strata: NDArray[Any] | None,
                  efron: bool) -> Iterator[tuple[float, NDArray[Any], NDArray[Any], NDArray[Any]]]:
    """Per event time and Efron sub-step: weighted mean and covariance of X over the risk set."""
    codes = np.zeros(len(time), int) if strata is None else pd.factorize(strata)[0]
    for stratum in np.unique(codes):
        members = codes == stratum
        t, d, x, w = time[members], event[members], X[members], weights[members]
        order = np.argsort(-t, kind="stable")
        t, d, x, w = t[order], d[order], x[order], w[order]
        s0 = np.cumsum(w)
        s1 = np.cumsum(w[:, None] * x, axis=0)
        s2 = np.cumsum(w[:, None, None] * x[:, :, None] * x[:, None, :], axis=0)
        event_times = np.unique(t[d == 1])
        for event_time in event_times:
            last = np.searchsorted(-t, -event_time, side="right") - 1  # all with t >= event_time
            tied = (t == event_time) & (d == 1)
            count = int(tied.sum())
            e0, e1 = w[tied].sum(), (w[tied, None] * x[tied]).sum(axis=0)
            e2 = (w[tied, None, None] * x[tied, :, None] * x[tied, None, :]).sum(axis=0)
            for step in range(count):
                fraction = step / count if efron else 0.0
                r0 = s0[last] - fraction * e0
                r1 = s1[last] - fraction * e1
                r2 = s2[last] - fraction * e2
                mean = r1 / r0
                yield event_time, x[tied].sum(axis=0) / count, mean, r2 / r0 - np.outer(mean, mean)


def cox_zph(fit: CoxFit, names: list[str]) -> pd.DataFrame:
    """Test of proportional hazards as R ``cox.zph(fit)`` (transform "km", one term per column):
    chi-square, df and p per term and GLOBAL."""
    time, event, X = fit.time, fit.event, fit.design
    km = kaplan_meier(time, event)
    index = np.searchsorted(km.time, time, side="left") - 1
    transformed = 1 - np.where(index >= 0, km.surv[np.maximum(index, 0)], 1.0)
    g = transformed - transformed[event == 1].mean()
    g_at = dict(zip(time[event == 1], g[event == 1], strict=False))
    weights = np.exp(fit.linear_predictor - fit.linear_predictor.mean())
    p = X.shape[1]
    score = np.zeros(p)
    information = np.zeros((2 * p, 2 * p))
    for event_time, event_mean, mean, covariance in _risk_moments(time, event, X, weights, fit.strata,
                                                                  fit.ties == "efron"):
        gk = g_at[event_time]
        score += gk * (event_mean - mean)
        information[:p, :p] += covariance
        information[:p, p:] += gk * covariance
        information[p:, :p] += gk * covariance
        information[p:, p:] += gk * gk * covariance
    rows = []
    full_u = np.concatenate([np.zeros(p), score])
    for j, name in enumerate(names):
        keep = list(range(p)) + [p + j]
        u = np.concatenate([np.zeros(p), [score[j]]])
        value = float(u @ np.linalg.solve(information[np.ix_(keep, keep)], u))
        rows.append({"term": name, "chisq": value, "df": 1, "p": float(special.chdtrc(1, value))})
    value = float(full_u @ np.linalg.solve(information, full_u))
    rows.append({"term": "GLOBAL", "chisq": value, "df": p, "p": float(special.chdtrc(p, value))})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Concordance:
    c_index: float
    std_err: float
    ci_lo: float
    ci_hi: float
    comparable_pairs: int


def concordance(time: ArrayLike, event: ArrayLike, risk: ArrayLike, conf_level: float = 0.95, chunk: int = 2000
                ) -> Concordance:
    """Harrell's C of a risk score (higher = shorter survival), as R ``concordance(coxph_fit)``: a
    pair is comparable when the shorter time is an event (an event and a censoring at the same time
    count, the censored one as longer); tied scores count one half; the standard error is the
    infinitesimal jackknife."""
    follow_up, events, scores = np.asarray(time, float), np.asarray(event, int), np.asarray(risk, float)
    n = len(follow_up)
    numerator_i = np.zeros(n)
    comparable_i = np.zeros(n)
    for start in range(0, n, chunk):
        rows = slice(start, min(start + chunk, n))
        ti, ei, ri = follow_up[rows, None], events[rows, None], scores[rows, None]
        # i is the earlier subject, with an event; j lives longer (or is censored at the same time).
        comparable = (ei == 1) & ((follow_up[None, :] > ti) | ((follow_up[None, :] == ti) & (events[None, :] == 0)))
        score = np.where(ri > scores[None, :], 1.0, np.where(ri == scores[None, :], 0.5, 0.0))
        numerator_i[rows] += (comparable * score).sum(axis=1)
        comparable_i[rows] += comparable.sum(axis=1)
        np.add.at(numerator_i, np.nonzero(comparable)[1], (comparable * score)[comparable])
        np.add.at(comparable_i, np.nonzero(comparable)[1], 1)
    total = comparable_i.sum() / 2
    c_index = numerator_i.sum() / 2 / total if total else math.nan
    influence = (numerator_i - c_index * comparable_i) / total
    std_err = float(np.sqrt((influence**2).sum())) if total else math.nan
    z = special.ndtri(1 - (1 - conf_level) / 2)
    return Concordance(float(c_index), std_err, c_index - z * std_err, c_index + z * std_err, int(total))
