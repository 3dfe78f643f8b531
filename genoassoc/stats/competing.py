"""Competing risks as R ``cmprsk`` computes them (Gray 1988; Fine & Gray 1999): progression, say,
competing with death.

- `cumulative_incidence`: the Aalen–Johansen estimate of a cause's cumulative incidence with Gray's
  variance, per group, as ``cuminc``; `at` reads it at given times as ``timepoints`` does (the value
  of the step function; missing beyond a group's last follow-up).
- `gray_test`: Gray's k-sample test of the cumulative incidence functions (``cuminc``'s ``Tests``,
  rho = 0), optionally stratified.
- `fine_gray`: the proportional subdistribution hazards model (``crr``): censoring weights from the
  Kaplan–Meier estimate of the censoring distribution just before each time, Newton–Raphson with
  backtracking, and the sandwich variance with the censoring-estimation term.

Causes are coded as in the data: `failcode` the cause of interest, `cencode` censoring, any other
value a competing event. Times in the unit of the input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from genoassoc.errors import InputError
from genoassoc.stats import HypothesisTest
from genoassoc.stats.coxph import CoxTerm


def _coded(cause: ArrayLike, failcode: object, cencode: object) -> NDArray[Any]:
    """0 censored, 1 the cause of interest, 2 a competing event."""
    values = np.asarray(cause)
    return np.where(values == cencode, 0, np.where(values == failcode, 1, 2))


@dataclass(frozen=True)
class CumulativeIncidence:
    """A step function: `est` from each `time` on, with its variance."""

    time: NDArray[Any]
    est: NDArray[Any]
    var: NDArray[Any]

    def at(self, times: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
        """(estimate, variance) at `times`; NaN beyond the last follow-up (as ``timepoints``)."""
        points = np.asarray(times, float)
        index = np.searchsorted(self.time, points, side="right") - 1
        inside = (index >= 0) & (points <= self.time[-1])
        est = np.where(inside, self.est[np.clip(index, 0, None)], np.nan)
        var = np.where(inside, self.var[np.clip(index, 0, None)], np.nan)
        return est, var


def cumulative_incidence(time: ArrayLike, cause: ArrayLike, failcode: object = 1, cencode: object = 0
                         ) -> CumulativeIncidence:
    """Cumulative incidence of `failcode` with Gray's variance estimate (``cmprsk::cuminc``)."""
    order = np.argsort(np.asarray(time, float), kind="stable")
    times = np.asarray(time, float)[order]
    coded = _coded(cause, failcode, cencode)[order]
    n = len(times)
    points, estimates, variances = [0.0], [0.0], [0.0]
    survival, v1, v2, v3 = 1.0, 0.0, 0.0, 0.0
    at_risk = float(n)
    distinct, starts = np.unique(times, return_index=True)
    ends = np.r_[starts[1:], n]
    for value, first, last in zip(distinct, starts, ends, strict=True):
        block = coded[first:last]
        cause_deaths, other_deaths = int((block == 1).sum()), int((block == 2).sum())
        deaths = cause_deaths + other_deaths
        if deaths:
            after = survival * (at_risk - deaths) / at_risk
            current = estimates[-1] + (survival * cause_deaths / at_risk if cause_deaths else 0.0)
            if other_deaths and after > 0:
                tie = 1 - (other_deaths - 1) / (at_risk - 1) if other_deaths > 1 else 1.0
                weight = survival * survival * tie * other_deaths / (at_risk * at_risk)
                inverse, ratio = 1 / after, current / after
                v1 += ratio * ratio * weight
                v2 += inverse * ratio * weight
                v3 += inverse * inverse * weight
            if cause_deaths:
                tie = 1 - (cause_deaths - 1) / (at_risk - 1) if cause_deaths > 1 else 1.0
                weight = survival * survival * tie * cause_deaths / (at_risk * at_risk)
                inverse = 1 / after if after > 0 else 0.0
                factor = 1 + inverse * current
                v1 += factor * factor * weight
                v2 += inverse * factor * weight
                v3 += inverse * inverse * weight
                points.append(float(value))
                estimates.append(current)
                variances.append(v1 + current * current * v3 - 2 * current * v2)
            survival = after
        at_risk = n - last
    # the curve runs on, flat, to the largest follow-up time
    points.append(float(times[-1]) if n else 0.0)
    estimates.append(estimates[-1])
    variances.append(variances[-1])
    return CumulativeIncidence(np.array(points), np.array(estimates), np.array(variances))


def _gray_stratum(times: NDArray[Any], coded: NDArray[Any], groups: NDArray[Any], k: int
                  ) -> tuple[NDArray[Any], NDArray[Any]]:
    """Gray's score for groups 1..k-1 and its variance within one stratum (rho = 0)."""
    at_risk = np.bincount(groups, minlength=k).astype(float)
    cif_before, survival_before = np.zeros(k), np.ones(k)
    score, variance = np.zeros(k - 1), np.zeros((k - 1, k - 1))
    c, v2, v3 = np.zeros((k, k)), np.zeros((k - 1, k)), np.zeros(k)
    pooled_before = 0.0
    distinct, starts = np.unique(times, return_index=True)
    ends = np.r_[starts[1:], len(times)]
    for first, last in zip(starts, ends, strict=True):
        counts = np.zeros((3, k))
        np.add.at(counts, (coded[first:last], groups[first:last]), 1)
        cause_total, other_total = counts[1].sum(), counts[2].sum()
        if cause_total or other_total:
            present = at_risk > 0
            survival_after, cif_after = survival_before.copy(), cif_before.copy()
            survival_after[present] = survival_before[present] * (at_risk[present] - counts[1, present]
                                                                  - counts[2, present]) / at_risk[present]
            cif_after[present] = cif_before[present] + survival_before[present] * counts[1, present] / at_risk[present]
            weighted = np.where(present, at_risk / np.where(present, survival_before, 1), 0.0)
            hazard_total = weighted.sum()
            safe_survival = np.where(present, survival_before, 1)
            risk_total = (np.where(present, at_risk * (1 - cif_before), 0.0) / safe_survival).sum()
            pooled = pooled_before + cause_total / hazard_total
            a: NDArray[Any] = np.zeros((k, k))
            for i in range(k):
                if not present[i]:
                    continue
                t1 = weighted[i]
                a[i, i] = t1 * (1 - t1 / hazard_total)
                for j in range(i + 1, k):
                    if present[j]:
                        a[i, j] = -t1 * weighted[j] / hazard_total
            a = np.triu(a) + np.triu(a, 1).T
            c += a * cause_total / (hazard_total * (1 - pooled_before))
            for i in range(k - 1):
                if present[i]:
                    score[i] += counts[1, i] - cause_total * at_risk[i] * (1 - cif_before[i]) / (
                        survival_before[i] * risk_total)
            if cause_total:
                for g in range(k):
                    if not present[g]:
                        continue
                    t4 = 1 - (1 - pooled) / survival_after[g] if survival_after[g] > 0 else 1.0
                    t5 = 1 - (cause_total - 1) / (hazard_total * survival_before[g] - 1) if cause_total > 1 else 1.0
                    t3 = t5 * survival_before[g] * cause_total / (hazard_total * at_risk[g])
                    v3[g] += t4 * t4 * t3
                    t1 = a[:k - 1, g] - t4 * c[:k - 1, g]
                    v2[:, g] += t1 * t4 * t3
                    variance += np.outer(t1, t1) * t3
            if other_total:
                for g in range(k):
                    if survival_after[g] <= 0 or counts[2, g] <= 0:
                        continue
                    t4 = (1 - pooled) / survival_after[g]
                    t5 = 1 - (counts[2, g] - 1) / (at_risk[g] - 1) if counts[2, g] > 1 else 1.0
                    t3 = t5 * survival_before[g] ** 2 * counts[2, g] / at_risk[g] ** 2
                    v3[g] += t4 * t4 * t3
                    t1 = t4 * c[:k - 1, g]
                    v2[:, g] -= t1 * t4 * t3
                    variance += np.outer(t1, t1) * t3
            pooled_before, cif_before, survival_before = pooled, cif_after, survival_after
        np.subtract.at(at_risk, groups[first:last], 1)
    variance += (c[:k - 1] * v3) @ c[:k - 1].T + c[:k - 1] @ v2.T + v2 @ c[:k - 1].T
    return score, variance


def gray_test(time: ArrayLike, cause: ArrayLike, group: ArrayLike, failcode: object = 1, cencode: object = 0,
              strata: ArrayLike | None = None) -> HypothesisTest:
    """Gray's test that the cumulative incidence of `failcode` is the same in every group
    (``cmprsk::cuminc``, rho = 0): chi-square on groups − 1 df."""
    order = np.argsort(np.asarray(time, float), kind="stable")
    times = np.asarray(time, float)[order]
    coded = _coded(cause, failcode, cencode)[order]
    codes, levels = pd.factorize(np.asarray(group)[order], sort=True)
    k = len(levels)
    if k < 2:
        return HypothesisTest(math.nan, 0, math.nan)
    layers = np.zeros(len(times), int) if strata is None else pd.factorize(np.asarray(strata)[order])[0]
    score, variance = np.zeros(k - 1), np.zeros((k - 1, k - 1))
    for layer in np.unique(layers):
        members = layers == layer
        part_score, part_variance = _gray_stratum(times[members], coded[members], codes[members], k)
        score += part_score
        variance += part_variance
    statistic = float(score @ np.linalg.solve(variance, score))
    return HypothesisTest(statistic, k - 1, float(special.chdtrc(k - 1, statistic)))


@dataclass(frozen=True)
class FineGrayFit:
    terms: dict[str, CoxTerm]  # subdistribution hazard ratios
    n: int
    events: int
    competing: int
    converged: bool
    loglik: float


class _Weights:
    """The Fine–Gray risk-set weights: 1 while still followed, Ĝ(s−)/Ĝ(tᵢ−) after a competing event
    (Ĝ the Kaplan–Meier estimate of the censoring distribution, read just before each time)."""

    def __init__(self, times: NDArray[Any], coded: NDArray[Any]) -> None:
        from genoassoc.stats.survival import kaplan_meier

        censoring = kaplan_meier(times, (coded == 0).astype(int))
        left = times * (1 - 100 * np.finfo(float).eps)
        index = np.searchsorted(censoring.time, left, side="right") - 1
        self.before = np.where(index >= 0, censoring.surv[np.clip(index, 0, None)], 1.0)
        self.times, self.coded = times, coded

    def at(self, row: int) -> NDArray[Any]:
        """Every subject's weight in the risk set of the failure in `row` (sorted data)."""
        moment = self.times[row]
        first = int(np.searchsorted(self.times, moment, side="left"))
        weights = (self.times >= moment).astype(float)
        earlier = (self.times < moment) & (self.coded == 2)
        weights[earlier] = self.before[first] / self.before[earlier]
        return np.asarray(weights)


def _objective(beta: NDArray[Any], X: NDArray[Any], failures: NDArray[Any], weights: list[NDArray[Any]]
               ) -> tuple[float, NDArray[Any], NDArray[Any]]:
    """Negative log pseudo-likelihood, its gradient and Hessian (as ``crrfsv``)."""
    risk = np.exp(X @ beta)
    value, gradient, hessian = 0.0, np.zeros(len(beta)), np.zeros((len(beta), len(beta)))
    for row, weight in zip(failures, weights, strict=True):
        w = weight * risk
        total = w.sum()
        mean = w @ X / total
        value -= X[row] @ beta - math.log(total)
        gradient -= X[row] - mean
        centred = X - mean
        hessian += (centred * w[:, None]).T @ centred / total
    return value, gradient, hessian


def fine_gray(time: ArrayLike, cause: ArrayLike, design: pd.DataFrame, failcode: object = 1, cencode: object = 0,
              max_iter: int = 10, gtol: float = 1e-6, conf_level: float = 0.95) -> FineGrayFit:
    """Fine–Gray subdistribution hazard ratios (``cmprsk::crr``), sandwich standard errors."""
    order = np.argsort(np.asarray(time, float), kind="stable")
    times = np.asarray(time, float)[order]
    coded = _coded(cause, failcode, cencode)[order]
    X = design.to_numpy(float)[order]
    if not np.isfinite(X).all():
        raise InputError("a covariate value is missing (complete cases are chosen before fitting)")
    if not (coded == 1).any():
        raise InputError("no events of the cause of interest")
    failures = np.flatnonzero(coded == 1)
    model = _Weights(times, coded)
    weights = [model.at(int(row)) for row in failures]
    beta = np.zeros(X.shape[1])
    converged = False
    value, gradient, hessian = _objective(beta, X, failures, weights)
    for iteration in range(max_iter + 1):
        if np.max(np.abs(gradient) * np.maximum(np.abs(beta), 1)) < max(abs(value), 1) * gtol:
            converged = True
            break
        if iteration == max_iter:
            break
        step = -np.linalg.solve(hessian, gradient)
        for _ in range(21):
            trial = _objective(beta + step, X, failures, weights)
            if np.isfinite(trial[0]) and trial[0] <= value + 1e-4 * float(step @ gradient):
                break
            step = step * 0.5
        else:
            break
        beta = beta + step
        value, gradient, hessian = trial
    covariance = _sandwich(beta, X, times, coded, failures, weights, model)
    se = np.sqrt(np.diag(covariance))
    z = float(special.ndtri(1 - (1 - conf_level) / 2))
    terms = {str(name): CoxTerm(str(name), float(beta[j]), float(se[j]), math.exp(beta[j]),
                                math.exp(beta[j] - z * se[j]), math.exp(beta[j] + z * se[j]),
                                float(2 * special.ndtr(-abs(beta[j] / se[j]))))
             for j, name in enumerate(design.columns)}
    return FineGrayFit(terms, len(times), int((coded == 1).sum()), int((coded == 2).sum()), converged, -value)


def _sandwich(beta: NDArray[Any], X: NDArray[Any], times: NDArray[Any], coded: NDArray[Any], failures: NDArray[Any],
              weights: list[NDArray[Any]], model: _Weights) -> NDArray[Any]:
    """H⁻¹ (Σ (ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ) H⁻¹ as ``crrvv``: η the score residuals, ψ the part that comes from
    estimating the censoring distribution."""
    n, p = X.shape
    risk = np.exp(X @ beta)
    s0 = np.array([weight @ risk for weight in weights])
    s1 = np.array([(weight * risk) @ X for weight in weights])
    means = s1 / s0[:, None]
    information = np.zeros((p, p))
    eta = np.zeros((n, p))
    for index, (row, weight) in enumerate(zip(failures, weights, strict=True)):
        w = weight * risk
        centred = X - means[index]
        information += (centred * w[:, None]).T @ centred / s0[index]
        eta -= (w / s0[index])[:, None] * centred  # the dΛ̂ part, every subject at risk
        eta[row] += X[row] - means[index]  # the dN part
    # ψ: censoring times u contribute q(u) = Σ_{failures j after u} Σ_{competing l before u} w_l(t_j) e^{x_l β}
    # (x_l − x̄(t_j)) / S0(t_j)
    psi_running = np.zeros(p)
    psi = np.zeros((n, p))
    distinct, starts = np.unique(times, return_index=True)
    ends = np.r_[starts[1:], n]
    q = np.zeros(p)
    for first, last in zip(starts, ends, strict=True):
        at_risk = n - first
        censored = np.flatnonzero(coded[first:last] == 0) + first
        if len(censored):
            moment = times[first]
            q = np.zeros(p)
            earlier = (times < moment) & (coded == 2)
            for index, row in enumerate(failures):
                if times[row] < moment:
                    continue
                w = model.before[int(np.searchsorted(times, times[row], side="left"))] / model.before[earlier] \
                    * risk[earlier]
                q += (w @ X[earlier] - means[index] * w.sum()) / s0[index]
            psi_running -= q * len(censored) / at_risk**2
        psi[first:last] = psi_running
        psi[censored] += q / at_risk
    scores = eta + psi
    inverse = np.linalg.inv(information)
    return np.asarray(inverse @ (scores.T @ scores) @ inverse.T)
