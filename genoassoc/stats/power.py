"""Power and sample size for a genotype's effect on survival.

- `schoenfeld`: the closed form (Schoenfeld 1983; as R ``powerSurvEpi::powerEpi``/``ssizeEpi``):
  events D = (z₁₋α/₂ + z₁₋β)² / (V (log HR)²), where V is the variance of the genotype covariate under
  Hardy–Weinberg — p(1 − p) for the carrier share p of a dominant (1 − (1 − q)²) or recessive (q²)
  model, 2q(1 − q) for allele copies (additive) — and patients = D / the probability of an event.
  Asymptotic: for the 30-patient cohorts of pharmacogenetic studies it misleads (a genotype group of
  two or three patients, sometimes none, sometimes without events).
- `simulate`: cohorts drawn as the study will be — genotypes under HWE, exponential event times with
  hazard ratio HR per exposure (per allele copy for the additive model), administrative censoring at
  the follow-up that gives the expected share of events — and the tests genoassoc will run on them
  (log-rank, Cox Wald, Firth-penalised Cox likelihood ratio). A replicate where a test cannot be
  computed (an empty genotype group; an infinite Cox estimate) counts as not significant, and is
  counted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, special

from genoassoc.errors import InputError
from genoassoc.models import exposure

MODELS = ("dominant", "recessive", "additive")
TESTS = ("logrank", "cox", "firth")


def covariate_variance(maf: float, model: str) -> float:
    """Variance of the genotype covariate under Hardy–Weinberg with effect-allele frequency `maf`."""
    if not 0 < maf < 1:
        raise InputError(f"the effect allele frequency must lie between 0 and 1, got {maf}")
    if model == "dominant":
        share = 1 - (1 - maf) ** 2
    elif model == "recessive":
        share = maf ** 2
    elif model == "additive":
        return 2 * maf * (1 - maf)
    else:
        raise InputError(f"unknown model '{model}' for power (use {', '.join(MODELS)})")
    return share * (1 - share)


@dataclass(frozen=True)
class Schoenfeld:
    events_needed: float
    patients_needed: float
    power: float  # at the given n (NaN without one)
    expected_events: float  # at the given n


def schoenfeld(hr: float, maf: float, model: str, event_rate: float, alpha: float = 0.05, power: float = 0.8,
               n: float | None = None) -> Schoenfeld:
    """Events and patients needed for `power` at two-sided `alpha`, and the power with `n` patients."""
    if hr <= 0 or hr == 1:
        raise InputError(f"the hazard ratio must be positive and not 1, got {hr}")
    if not 0 < event_rate <= 1:
        raise InputError(f"the probability of an event must lie in (0, 1], got {event_rate}")
    variance = covariate_variance(maf, model)
    z_alpha = float(special.ndtri(1 - alpha / 2))
    events = (z_alpha + float(special.ndtri(power))) ** 2 / (variance * math.log(hr) ** 2)
    achieved = expected = math.nan
    if n is not None:
        expected = n * event_rate
        achieved = float(special.ndtr(math.sqrt(expected * variance) * abs(math.log(hr)) - z_alpha))
    return Schoenfeld(events, events / event_rate, achieved, expected)


@dataclass(frozen=True)
class Cohorts:
    """`replicates` simulated cohorts of `n` patients: arrays of shape (replicates, n)."""

    time: NDArray[Any]
    event: NDArray[Any]
    dosage: NDArray[Any]  # effect-allele copies
    follow_up: float


def simulate_cohorts(n: int, maf: float, model: str, hr: float, event_rate: float, replicates: int,
                     seed: int = 1) -> Cohorts:
    """Cohorts under the design: HWE genotypes, exponential times (baseline hazard 1), censoring at
    the follow-up time that makes the expected share of events `event_rate`."""
    covariate_variance(maf, model)
    if n < 4:
        raise InputError("a cohort needs at least 4 patients")
    rng = np.random.default_rng(seed)
    dosage = rng.binomial(2, maf, size=(replicates, n))
    genotype_share = np.array([(1 - maf) ** 2, 2 * maf * (1 - maf), maf ** 2])
    rates = hr ** exposure(np.arange(3), model)

    def shortfall(follow_up: float) -> float:
        return float(genotype_share @ (1 - np.exp(-rates * follow_up))) - event_rate

    if event_rate >= 1:
        follow_up = math.inf
    else:
        follow_up = optimize.brentq(shortfall, 1e-9, 1e6, xtol=1e-14)
    times = rng.exponential(1.0, size=(replicates, n)) / hr ** exposure(dosage, model)
    event = (times <= follow_up).astype(int)
    return Cohorts(np.minimum(times, follow_up), event, dosage, follow_up)


def p_values_by_test(cohorts: Cohorts, model: str, tests: Sequence[str] = TESTS,
                  progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """The p of each test on each simulated cohort (NaN where the test cannot be computed)."""
    from genoassoc.stats import survival

    unknown = [name for name in tests if name not in TESTS]
    if unknown:
        raise InputError(f"unknown test '{unknown[0]}' (use {', '.join(TESTS)})")
    replicates = len(cohorts.time)
    p_values = {name: np.full(replicates, np.nan) for name in tests}
    for index in range(replicates):
        time, event = cohorts.time[index], cohorts.event[index]
        exposed = exposure(cohorts.dosage[index], model)
        groups = cohorts.dosage[index] if model == "additive" else exposed
        if len(np.unique(groups)) < 2 or event.sum() == 0:
            continue
        design = pd.DataFrame({"genotype": exposed})
        if "logrank" in tests:
            p_values["logrank"][index] = survival.logrank(time, event, groups).p
        if "cox" in tests:
            try:
                p_values["cox"][index] = survival.cox(time, event, design).terms["genotype"].p
            except (survival.CoxNotEstimable, survival.CoxDidNotConverge):
                pass
        if "firth" in tests:
            p_values["firth"][index] = survival.firth_cox(time, event, design)["genotype"].p
        if progress is not None:
            progress(index + 1, replicates)
    return pd.DataFrame(p_values)
