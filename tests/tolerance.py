"""The one rule by which golden tests compare an optimised fit with its peer (R, PLINK).

A peer stops its optimiser at its own convergence criterion (R's nls: a relative offset of 1e-5; lme4 and
coxph: a change in the objective), so its estimates are only as precise as that criterion. Comparing them
to a fixed number of digits fails when genoassoc converges further. So:

- the objective (residual sum of squares, deviance, log-likelihood): genoassoc's may not be worse than the
  peer's by more than a relative 1e-9 (it may be better);
- each estimate: its difference from the peer's, divided by the peer's standard error, below 1e-3 (a
  thousandth of the estimate's own uncertainty, far below what any reader of the table can see);
- each standard error: relative 1e-3 (a standard error is evaluated where the peer stopped, and a nearly
  unidentified parameter's moves fastest there); a mixed model's standard deviations of random effects
  and residual are scales of the same kind and follow the same rule, their correlation absolute 1e-3.

Two cases the rule does not need:

- where genoassoc runs the peer's own algorithm to the peer's own stopping rule (Cox: coxph's Newton–Raphson
  from zero with its step-halving and convergence test, the same number of iterations; glm's IRLS; logistf's
  Firth iterations), both stop at the same iterate, and the goldens ask for agreement to relative 1e-6–1e-8,
  tighter than the rule;
- statistics without an optimiser (Kaplan–Meier, log-rank, Fisher, HWE, Wilcoxon, Gray's test) are compared
  at relative 1e-6 or tighter (R computes them in closed form or by exact enumeration), a p of 0 in R as
  below 1e-300 here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OBJECTIVE_RTOL = 1e-9
ESTIMATE_SE_FRACTION = 1e-3
SE_RTOL = 1e-3


def assert_fit_matches(*, objective: float, r_objective: float, estimates: Sequence[float],
                       r_estimates: Sequence[float], r_se: Sequence[float], standard_errors: Sequence[float],
                       minimised: bool = True) -> None:
    """Assert a fit equals the peer's by the rule above (`minimised`: lower objective is better)."""
    slack = OBJECTIVE_RTOL * max(abs(r_objective), 1e-300)
    worse = objective - r_objective if minimised else r_objective - objective
    assert worse <= slack, f"objective {objective!r} is worse than the peer's {r_objective!r}"
    scaled = np.abs(np.asarray(estimates, float) - np.asarray(r_estimates, float)) / np.asarray(r_se, float)
    assert np.all(scaled < ESTIMATE_SE_FRACTION), f"estimates differ by {scaled} standard errors"
    np.testing.assert_allclose(standard_errors, r_se, rtol=SE_RTOL)
