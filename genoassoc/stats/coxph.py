"""Cox proportional hazards regression with the algorithm of R ``survival``'s ``coxph``.

Why genoassoc has its own fitter: statsmodels' ``PHReg`` runs Newton–Raphson without step-halving,
so on skewed covariates (bilirubin in R's pbc, IL-6 in pg/mL) its iterates oscillate and diverge
where R converges; lifelines has Efron ties only and its own convergence rule. R's algorithm
(``coxfit6``/``agfit4``, Therneau) is published and small, and equality with R is the goal:

- Newton–Raphson from zero; when the log partial likelihood falls (or is not finite) the step is
  shrunk towards the last good estimate, ``(new + h·old) / (h + 1)`` for the h-th failure in a row;
  convergence when ``|1 − loglik_best / loglik_new| ≤ eps`` (``eps = 1e-9``, at most 20 iterations).
- Efron (default) or Breslow ties, strata, case weights, offsets, counting-process (start, stop]
  data for time-varying covariates and late entry; times equal within √machine-epsilon are tied
  (R's ``timefix``).
- Score, information and log-likelihood from cumulative sums over the sorted times: O(n·p²) numpy
  work per iteration, no Python loop over risk sets.
- A coefficient is reported infinite as R warns: the next Newton step still exceeds ``eps`` and
  √eps·|β| at convergence (monotone likelihood); a column the information cannot separate from the
  others (Cholesky pivot below ``eps^0.75`` of the largest, as R's ``cholesky2``) is not estimable.
- Firth's penalised partial likelihood (Heinze & Schemper 2001) on the same sums, with third
  moments for the penalty's score, and profile penalised-likelihood CIs.

Times in the unit of the input; events 1 = event, 0 = censored.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from genoassoc.errors import InputError
from genoassoc.stats import HypothesisTest

EPS = 1e-9
MAX_ITER = 20
TOLER_CHOL = np.finfo(float).eps ** 0.75
TOLER_INF = math.sqrt(EPS)


class CoxNotEstimable(ValueError):
    """The Cox model cannot be estimated on these data (no events, an infinite or aliased coefficient)."""


class CoxDidNotConverge(CoxNotEstimable):
    """Newton–Raphson ran out of iterations (R warns "Ran out of iterations and did not converge")."""


@dataclass(frozen=True)
class CoxTerm:
    term: str
    coef: float
    se: float
    hazard_ratio: float
    ci_lo: float
    ci_hi: float
    p: float


@dataclass(frozen=True)
class CoxFit:
    """A fitted model reported as R's ``summary(coxph())``: Wald z tests and CIs per term, the
    global Wald, likelihood-ratio and score tests."""

    terms: dict[str, CoxTerm]
    n: int
    events: int
    ties: str
    wald: HypothesisTest
    likelihood_ratio: HypothesisTest
    score: HypothesisTest
    coefficients: NDArray[Any]
    covariance: NDArray[Any]
    loglik: tuple[float, float]
    iterations: int
    time: NDArray[Any]
    event: NDArray[Any]
    design: NDArray[Any]
    strata: NDArray[Any] | None = None
    start: NDArray[Any] | None = None
    weights: NDArray[Any] | None = None
    names: tuple[str, ...] = field(default=())
    aliased: tuple[str, ...] = ()  # terms left out as R's coxph leaves them (coefficient NA)

    @property
    def linear_predictor(self) -> NDArray[Any]:
        """x·β per row, summed column by column so that equal rows give equal values (a BLAS product
        may round equal rows differently, and the C-index counts ties)."""
        predictor = np.zeros(len(self.design))
        for column, coefficient in zip(self.design.T, self.coefficients, strict=True):
            predictor += column * coefficient
        return predictor


def fix_times(*columns: NDArray[Any]) -> list[NDArray[Any]]:
    """Times that differ by less than √machine-epsilon (absolutely, or relative to the mean time)
    made equal, as R's ``aeqSurv`` (``timefix = TRUE``) does before every fit."""
    arrays = [np.asarray(values, dtype=float) for values in columns]
    pooled = np.unique(np.concatenate(arrays))
    pooled = pooled[np.isfinite(pooled)]
    if len(pooled) < 2:
        return arrays
    tolerance = math.sqrt(np.finfo(float).eps)
    gaps = np.diff(pooled)
    tied = (gaps <= tolerance) | (gaps / np.mean(np.abs(pooled)) <= tolerance)
    if not tied.any():
        return arrays
    cuts = pooled[np.r_[True, ~tied]]
    return [np.where(np.isfinite(values), cuts[np.clip(np.searchsorted(cuts, values, side="right") - 1, 0, None)],
                     values) for values in arrays]


@dataclass(frozen=True)
class _Stratum:
    """What does not change between iterations: the stratum's block of rows (sorted by stop time),
    entry order, death groups and Efron slots."""

    rows: slice                         # the stratum's rows, sorted by stop time
    stop_position: NDArray[Any]         # per death time: first row of the block with stop >= t
    start_order: NDArray[Any] | None    # block rows sorted by start time
    start_position: NDArray[Any] | None
    death_rows: NDArray[Any]            # rows of the deaths, in time order
    group_starts: NDArray[Any]          # first death of each death time within death_rows
    slot_group: NDArray[Any]            # death time index of each Efron slot
    slot_fraction: NDArray[Any]         # k / d of each slot (0 for Breslow)
    slot_weight: NDArray[Any]           # mean case weight of the deaths at the slot's time (their sum for Breslow)


def _prepare(stop: NDArray[Any], event: NDArray[Any], weights: NDArray[Any], strata: NDArray[Any],
             start: NDArray[Any] | None, efron: bool) -> list[_Stratum]:
    """Strata as blocks of rows already sorted by (stratum, stop)."""
    prepared = []
    bounds = np.flatnonzero(np.diff(strata)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(strata)], strict=True):
        block_stop = stop[lo:hi]
        deaths = lo + np.flatnonzero(event[lo:hi] == 1)
        if len(deaths) == 0:
            continue
        death_times, group_starts, counts = np.unique(stop[deaths], return_index=True, return_counts=True)
        # np.asarray: numpy 2.0's stubs type an array search as a scalar
        stop_position = np.asarray(np.searchsorted(block_stop, death_times, side="left"))
        start_order: NDArray[Any] | None = None
        start_position: NDArray[Any] | None = None
        if start is not None:
            start_order = np.argsort(start[lo:hi], kind="stable")
            start_position = np.asarray(np.searchsorted(start[lo:hi][start_order], death_times, side="left"))
        dead_weight = np.add.reduceat(weights[deaths], group_starts)
        if efron:
            slot_group = np.repeat(np.arange(len(death_times)), counts)
            slot_fraction = np.concatenate([np.arange(count) / count for count in counts])
            slot_weight = np.asarray((dead_weight / counts)[slot_group], dtype=float)
        else:
            slot_group = np.arange(len(death_times))
            slot_fraction = np.zeros(len(death_times))
            slot_weight = np.asarray(dead_weight, dtype=float)
        prepared.append(_Stratum(slice(int(lo), int(hi)), stop_position, start_order, start_position, deaths,
                                 group_starts, slot_group, slot_fraction, slot_weight))
    return prepared


def _tail_sums(block: NDArray[Any], positions: NDArray[Any]) -> NDArray[Any]:
    """Sums of the block's rows from each position to the end (a position past the end sums to 0)."""
    running = np.cumsum(block[::-1], axis=0)
    # the tail from position k is the running sum at reversed position n - 1 - k
    index = len(block) - 1 - positions
    sums = np.zeros((len(positions),) + block.shape[1:])
    inside = index >= 0
    sums[inside] = running[index[inside]]
    return sums


@dataclass(frozen=True)
class _Evaluation:
    loglik: float
    score: NDArray[Any]
    information: NDArray[Any]
    penalty_score: NDArray[Any] | None = None


class _Model:
    """The data of one fit, sorted by (stratum, stop time) once, and the log partial likelihood with
    its derivatives at any β."""

    def __init__(self, stop: NDArray[Any], event: NDArray[Any], design: NDArray[Any], *, start: NDArray[Any] | None,
                 strata: NDArray[Any] | None, weights: NDArray[Any] | None, offset: NDArray[Any] | None,
                 ties: str) -> None:
        n = len(stop)
        codes = np.zeros(n, dtype=int) if strata is None else pd.factorize(strata)[0]
        order = np.lexsort((stop, codes))
        self.design = design[order]
        self.event = event[order]
        self.weights = np.ones(n) if weights is None else weights[order]
        self.offset = np.zeros(n) if offset is None else offset[order]
        self.parts = _prepare(stop[order], self.event, self.weights, codes[order],
                              None if start is None else start[order], ties == "efron")
        p = design.shape[1]
        self.pairs = np.triu_indices(p)
        self.products = self.design[:, self.pairs[0]] * self.design[:, self.pairs[1]]
        self.cubes = None

    def _symmetric(self, packed: NDArray[Any]) -> NDArray[Any]:
        p = self.design.shape[1]
        full = np.zeros(packed.shape[:-1] + (p, p))
        full[..., self.pairs[0], self.pairs[1]] = packed
        full[..., self.pairs[1], self.pairs[0]] = packed
        return full

    def evaluate(self, beta: NDArray[Any], penalty: bool = False) -> _Evaluation:
        X, p = self.design, self.design.shape[1]
        eta = X @ beta + self.offset
        finite = np.isfinite(eta)
        shift = float(eta[finite].max()) if finite.any() else 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            risk = self.weights * np.exp(eta - shift)
        columns = [risk[:, None], risk[:, None] * X, risk[:, None] * self.products]
        if penalty:
            if self.cubes is None:
                self.cubes = np.einsum("ij,ik->ijk", self.products, X).reshape(len(X), -1)
            columns.append(risk[:, None] * self.cubes)
        values = np.concatenate(columns, axis=1)
        loglik = 0.0
        score = np.zeros(p)
        information = np.zeros((p, p))
        third_terms = []
        for part in self.parts:
            block = values[part.rows]
            at_risk = _tail_sums(block, part.stop_position)
            if part.start_order is not None and part.start_position is not None:
                at_risk -= _tail_sums(block[part.start_order], part.start_position)
            dead = np.add.reduceat(values[part.death_rows], part.group_starts, axis=0)
            sums = at_risk[part.slot_group] - part.slot_fraction[:, None] * dead[part.slot_group]
            denominator = sums[:, 0]
            first = sums[:, 1:p + 1] / denominator[:, None]
            second = self._symmetric(sums[:, p + 1:p + 1 + len(self.pairs[0])]) / denominator[:, None, None]
            w = part.slot_weight
            deaths = part.death_rows
            loglik += float(np.sum(self.weights[deaths] * (eta[deaths] - shift)) - np.sum(w * np.log(denominator)))
            score += self.weights[deaths] @ X[deaths] - w @ first
            information += np.einsum("s,sij->ij", w, second) - np.einsum("s,si,sj->ij", w, first, first)
            if penalty:
                third = sums[:, p + 1 + len(self.pairs[0]):] / denominator[:, None]
                third_terms.append((w, first, second, self._symmetric_third(third)))
        penalty_score = None
        if penalty:
            penalty_score = self._penalty_score(information, third_terms)
        return _Evaluation(loglik, score, information, penalty_score)

    def _symmetric_third(self, packed: NDArray[Any]) -> NDArray[Any]:
        """E[x_i x_j x_k] per slot from the packed (pair, k) products."""
        p = self.design.shape[1]
        pairs = len(self.pairs[0])
        blocks = packed.reshape(len(packed), pairs, p)
        full = np.zeros((len(packed), p, p, p))
        full[:, self.pairs[0], self.pairs[1], :] = blocks
        full[:, self.pairs[1], self.pairs[0], :] = blocks
        return full

    @staticmethod
    def _penalty_score(information: NDArray[Any], terms: Sequence[tuple[NDArray[Any], ...]]) -> NDArray[Any]:
        """½ tr(I⁻¹ ∂I/∂β_r) for each r: the score of Firth's penalty ½ log|I|."""
        p = information.shape[0]
        inverse = np.linalg.pinv(information)
        derivative = np.zeros((p, p, p))
        for w, m1, m2, m3 in terms:
            # ∂(E[xxᵀ] − E[x]E[x]ᵀ)/∂β_r with E the risk-weighted mean over the slot's risk set.
            d_m2 = m3 - m2[:, :, :, None] * m1[:, None, None, :]
            d_m1 = m2 - m1[:, :, None] * m1[:, None, :]
            d_cov = d_m2 - d_m1[:, :, None, :] * m1[:, None, :, None] - m1[:, :, None, None] * d_m1[:, None, :, :]
            derivative += np.einsum("s,sijr->ijr", w, d_cov)
        return np.asarray(0.5 * np.einsum("ij,jir->r", inverse, derivative))


def _estimable(information: NDArray[Any]) -> NDArray[Any]:
    """Columns kept by a Cholesky decomposition with R's ``cholesky2`` pivot tolerance."""
    matrix = np.array(information, dtype=float)
    p = len(matrix)
    keep = np.zeros(p, dtype=bool)
    if p == 0:
        return keep
    largest = np.nanmax(np.abs(np.diag(matrix))) if np.isfinite(np.diag(matrix)).any() else 0.0
    tolerance = TOLER_CHOL * largest
    for i in range(p):
        pivot = matrix[i, i]
        if not np.isfinite(pivot) or pivot < tolerance or pivot <= 0:
            continue
        keep[i] = True
        column = matrix[i + 1:, i] / pivot
        matrix[i + 1:, i + 1:] -= np.outer(column, column) * pivot
    return keep


def _solve(information: NDArray[Any], vector: NDArray[Any], keep: NDArray[Any]) -> NDArray[Any]:
    step = np.zeros_like(vector)
    if keep.any():
        step[keep] = np.linalg.solve(information[np.ix_(keep, keep)], vector[keep])
    return step


def _inverse(information: NDArray[Any], keep: NDArray[Any]) -> NDArray[Any]:
    inverse = np.zeros_like(information)
    if keep.any():
        inverse[np.ix_(keep, keep)] = np.linalg.inv(information[np.ix_(keep, keep)])
    return inverse


@dataclass(frozen=True)
class _Newton:
    beta: NDArray[Any]
    loglik: float
    evaluation: _Evaluation
    keep: NDArray[Any]
    iterations: int
    converged: bool
    initial: _Evaluation


def _newton(model: _Model, init: NDArray[Any], max_iter: int = MAX_ITER, eps: float = EPS) -> _Newton:
    """Newton–Raphson with R coxfit6's step-halving and convergence rule."""
    beta = init.copy()
    initial = model.evaluate(beta)
    keep = _estimable(initial.information)
    best = initial.loglik
    current = initial
    new_beta = beta + _solve(initial.information, initial.score, keep)
    halving = 0
    for iteration in range(1, max_iter + 1):
        trial = model.evaluate(new_beta)
        keep = _estimable(trial.information)
        finite = np.isfinite(trial.loglik) and np.isfinite(trial.score).all() and np.isfinite(trial.information).all()
        if finite and abs(1 - best / trial.loglik) <= eps:
            return _Newton(new_beta, trial.loglik, trial, keep, iteration, True, initial)
        if not finite or trial.loglik < best:
            halving += 1
            new_beta = (new_beta + halving * beta) / (halving + 1)
        else:
            halving = 0
            best, current = trial.loglik, trial
            beta = new_beta
            new_beta = new_beta + _solve(trial.information, trial.score, keep)
    current = model.evaluate(beta)
    return _Newton(beta, current.loglik, current, _estimable(current.information), max_iter, False, initial)


def _prepared(time: ArrayLike, event: ArrayLike, design: pd.DataFrame, start: ArrayLike | None
              ) -> tuple[NDArray[Any], NDArray[Any] | None, NDArray[Any], NDArray[Any]]:
    """(design matrix, start or None, stop, events) checked, with times made exact as R does
    (`fix_times`)."""
    X = design.to_numpy(float)
    stop_raw = np.asarray(time, float)
    event_values = np.asarray(event, float).astype(int)
    start_raw = None if start is None else np.asarray(start, float)
    _check_inputs(stop_raw, event_values, X, start_raw)
    if start_raw is None:
        (stop,) = fix_times(stop_raw)
        return X, None, stop, event_values
    start_fixed, stop = fix_times(start_raw, stop_raw)
    return X, start_fixed, stop, event_values


def _check_inputs(time: NDArray[Any], event: NDArray[Any], design: NDArray[Any], start: NDArray[Any] | None) -> None:
    if len(time) != len(event) or len(time) != len(design):
        raise InputError("time, event and covariates differ in length")
    if not np.isfinite(design).all():
        raise InputError("a covariate value is missing or not finite (complete cases are chosen before fitting)")
    if start is not None and (start >= time).any():
        raise InputError("a (start, stop] interval has start >= stop")


def _infinite_reason(name: str, column: NDArray[Any], event: NDArray[Any]) -> str:
    values = np.unique(column)
    if len(values) == 2:
        high = column == values[1]
        if event[high].sum() == 0:
            return f"the hazard ratio of {name} is zero: the {name} group has no events (monotone likelihood)"
        if event[~high].sum() == 0:
            return (f"the hazard ratio of {name} is infinite: the reference group has no events "
                    "(monotone likelihood)")
    return f"the coefficient of {name} is infinite: the events are separated by it (monotone likelihood)"


def cox(time: ArrayLike, event: ArrayLike, design: pd.DataFrame, ties: str = "efron", strata: ArrayLike | None = None,
        conf_level: float = 0.95, *, start: ArrayLike | None = None, weights: ArrayLike | None = None,
        offset: ArrayLike | None = None, max_iter: int = MAX_ITER, eps: float = EPS) -> CoxFit:
    """Cox fit as R ``coxph(Surv([start,] time, event) ~ ., ties = ties)`` reported as its summary.

    `design` holds numeric covariate columns (categorical covariates already as indicators). A column
    that is constant or a combination of the others (aliased) is left out and the rest fitted, as R
    does (its coefficient NA): its term holds NaN and `CoxFit.aliased` names it. `CoxNotEstimable`
    when there are no events or a coefficient is infinite (monotone likelihood: the message names the
    term and the group without events); `CoxDidNotConverge` (a subclass) when 20 iterations were not
    enough.
    """
    if ties not in ("efron", "breslow"):
        raise InputError(f"unknown ties method '{ties}' (use efron or breslow)")
    names = tuple(str(name) for name in design.columns)
    X, start_fixed, stop, event_values = _prepared(time, event, design, start)
    case_weights = None if weights is None else np.asarray(weights, float)
    deaths = float(event_values.sum() if case_weights is None else case_weights[event_values == 1].sum())
    if deaths == 0:
        raise CoxNotEstimable("no events")
    means = np.average(X, axis=0, weights=case_weights) if len(X) else np.zeros(X.shape[1])
    centred = X - means
    model = _Model(stop, event_values, centred, start=start_fixed,
                   strata=None if strata is None else np.asarray(strata), weights=case_weights,
                   offset=None if offset is None else np.asarray(offset, float), ties=ties)
    result = _newton(model, np.zeros(X.shape[1]), max_iter, eps)
    if not result.converged:
        raise CoxDidNotConverge(f"the Cox model did not converge in {max_iter} iterations")
    aliased = [name for name, kept in zip(names, result.keep, strict=True) if not kept]
    if aliased:
        if len(aliased) == len(names):
            raise CoxNotEstimable(f"{', '.join(aliased)} cannot be told apart from the other terms (constant or "
                                  "collinear): not estimable")
        reduced = cox(time, event, design.drop(columns=aliased), ties, strata, conf_level, start=start,
                      weights=weights, offset=offset, max_iter=max_iter, eps=eps)
        nan = float("nan")
        terms = {name: reduced.terms.get(name) or CoxTerm(name, nan, nan, nan, nan, nan, nan) for name in names}
        return dataclasses.replace(reduced, terms=terms, aliased=tuple(aliased))
    covariance = _inverse(result.evaluation.information, result.keep)
    beta = result.beta
    step = np.abs(covariance @ result.evaluation.score)
    infinite = (step > eps) & (step > TOLER_INF * np.abs(beta))
    if infinite.any():
        j = int(np.flatnonzero(infinite)[0])
        raise CoxNotEstimable(_infinite_reason(names[j], X[:, j], event_values))
    se = np.sqrt(np.diag(covariance))
    z = special.ndtri(1 - (1 - conf_level) / 2)
    terms = {
        name: CoxTerm(name, float(beta[i]), float(se[i]), math.exp(beta[i]), math.exp(beta[i] - z * se[i]),
                      math.exp(beta[i] + z * se[i]), float(2 * special.ndtr(-abs(beta[i] / se[i]))))
        for i, name in enumerate(names)
    }
    k = len(beta)
    initial = result.initial
    keep0 = _estimable(initial.information)
    score_value = float(initial.score @ _solve(initial.information, initial.score, keep0))
    wald_value = float(beta @ np.linalg.solve(covariance, beta)) if k else 0.0
    lr_value = 2 * (result.loglik - initial.loglik)
    wald, lr, score = (HypothesisTest(value, k, float(special.chdtrc(k, value)))
                       for value in (wald_value, lr_value, score_value))
    return CoxFit(terms, len(stop), int(event_values.sum()), ties, wald, lr, score, beta, covariance,
                  (initial.loglik, result.loglik), result.iterations, stop, event_values, X,
                  None if strata is None else np.asarray(strata), start_fixed, case_weights, names)


def _firth_maximise(model: _Model, start: NDArray[Any], fixed: dict[int, float], max_iter: int = 100
                    ) -> tuple[NDArray[Any], float]:
    """Maximise the penalised log partial likelihood over the coefficients not in `fixed`: Newton
    steps on the Firth-modified score with the information as curvature, at most 0.5 per step (as
    R ``coxphf``'s ``maxstep``), halved while the penalised likelihood falls."""
    beta = start.copy()
    for index, value in fixed.items():
        beta[index] = value
    free = np.array([j for j in range(len(beta)) if j not in fixed], dtype=int)

    def penalised(evaluation: _Evaluation) -> float:
        sign, logdet = np.linalg.slogdet(evaluation.information)
        return evaluation.loglik + 0.5 * logdet if sign > 0 else -np.inf

    evaluation = model.evaluate(beta, penalty=True)
    current = penalised(evaluation)
    if len(free) == 0:
        return beta, current
    for _ in range(max_iter):
        assert evaluation.penalty_score is not None  # evaluated with penalty=True
        modified = evaluation.score + evaluation.penalty_score
        information = evaluation.information[np.ix_(free, free)]
        step = np.zeros_like(beta)
        step[free] = np.linalg.lstsq(information, modified[free], rcond=None)[0]
        largest = np.max(np.abs(step))
        if largest > 0.5:
            step *= 0.5 / largest
        halving = 1.0
        while True:
            candidate = beta + halving * step
            trial = model.evaluate(candidate, penalty=True)
            value = penalised(trial)
            if value >= current - 1e-12 or halving < 1e-6:
                break
            halving /= 2
        converged = abs(value - current) < 1e-12 and np.max(np.abs(candidate - beta)) < 1e-9
        beta, current, evaluation = candidate, value, trial
        if converged or np.max(np.abs(modified[free])) < 1e-10:
            break
    return beta, current


def firth_cox(time: ArrayLike, event: ArrayLike, design: pd.DataFrame, ties: str = "efron",
              conf_level: float = 0.95, *, start: ArrayLike | None = None, strata: ArrayLike | None = None
              ) -> dict[str, CoxTerm]:
    """Firth-penalised Cox regression (Heinze & Schemper 2001): maximises the partial likelihood
    plus half the log-determinant of its information, so estimates stay finite when a group has no
    events (monotone likelihood). CIs by profile penalised likelihood and p by penalised likelihood
    ratio, as R ``coxphf`` reports them."""
    from genoassoc.stats.likelihood import profile_inference

    X, start_fixed, stop, event_values = _prepared(time, event, design, start)
    if event_values.sum() == 0:
        raise CoxNotEstimable("no events")
    model = _Model(stop, event_values, X - X.mean(axis=0), start=start_fixed,
                   strata=None if strata is None else np.asarray(strata), weights=None,
                   offset=None, ties=ties)
    beta, maximum = _firth_maximise(model, np.zeros(X.shape[1]), {})
    terms = {}

    def maximised(fixed: dict[int, float]) -> float:
        return _firth_maximise(model, beta, fixed)[1]

    for j, name in enumerate(design.columns):
        p, low, high = profile_inference(maximised, float(beta[j]), maximum, j, conf_level, first_step=0.5,
                                         max_width=50, xtol=1e-10)
        terms[str(name)] = CoxTerm(str(name), float(beta[j]), math.nan, math.exp(beta[j]), math.exp(low),
                                   math.exp(high), p)
    return terms
