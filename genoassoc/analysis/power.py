"""Power for the next study: Schoenfeld's events and patients for a genotype hazard ratio, and the
simulated power of the tests genoassoc runs on cohorts of the planned size (`genoassoc.stats.power`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from genoassoc.analysis import Result, table_frame
from genoassoc.errors import InputError
from genoassoc.stats import power as design

COLUMNS = ["method", "model", "maf", "hr", "event_rate", "alpha", "n", "replicates", "expected_events", "power",
           "power_se", "not_testable", "events_needed", "patients_needed", "note"]
TEST_NAMES = {"logrank": "simulation: log-rank", "cox": "simulation: Cox Wald",
              "firth": "simulation: Firth Cox likelihood ratio"}


@dataclass(frozen=True, kw_only=True)
class PowerResult(Result):
    """`table`: Schoenfeld's row per cohort size, then one row per simulated test and size."""


# Simulation sizes beyond these take hours or more memory than a workstation has; refused with the reason.
MAX_REPLICATES = 100_000
MAX_SIMULATED_PATIENTS = 50_000_000  # replicates x cohort size, held at once (about 1.2 GB)
MAX_COHORT = 1_000_000


def _check(hr: float, maf: float, event_rate: float, sizes: Sequence[int], target: float, alpha: float,
           replicates: int) -> None:
    """Refuse impossible or unbounded settings before any work (one line each)."""
    checks = [
        (math.isfinite(hr) and hr > 0 and hr != 1, f"--hr {hr}: a hazard ratio is a finite number above 0, not 1"),
        (0 < maf < 1, f"--maf {maf}: an allele frequency lies strictly between 0 and 1"),
        (0 < event_rate <= 1, f"--event-rate {event_rate}: a share of patients lies in (0, 1]"),
        (0 < alpha < 1, f"--alpha {alpha}: a significance level lies strictly between 0 and 1"),
        (0 < target < 1, f"--power {target}: a power lies strictly between 0 and 1"),
        (0 <= replicates <= MAX_REPLICATES,
         f"--simulate {replicates}: give 0 (the closed form only) to {MAX_REPLICATES:,} cohorts per size"),
        (all(1 <= n <= MAX_COHORT for n in sizes), f"--n: cohort sizes lie between 1 and {MAX_COHORT:,}"),
    ]
    for ok, problem in checks:
        if not ok:
            raise InputError(problem)
    largest = max(sizes, default=0)
    if replicates * largest > MAX_SIMULATED_PATIENTS:
        raise InputError(f"--simulate {replicates} cohorts of {largest} patients hold {replicates * largest:,} "
                         f"simulated patients at once (limit {MAX_SIMULATED_PATIENTS:,}): simulate fewer cohorts")


def power_analysis(hr: float, maf: float, event_rate: float, model: str = "dominant", *, sizes: Sequence[int] = (),
                   target: float = 0.8, alpha: float = 0.05, replicates: int = 1000,
                   tests: Sequence[str] = design.TESTS, seed: int = 1,
                   progress: Callable[[int, int], None] | None = None) -> PowerResult:
    """Events and patients for `target` power (two-sided `alpha`), the asymptotic power at each size in
    `sizes`, and each test's simulated power at those sizes (`replicates` cohorts each; 0 skips)."""
    _check(hr, maf, event_rate, sizes, target, alpha, replicates)
    common: dict[str, Any] = {"model": model, "maf": maf, "hr": hr, "event_rate": event_rate, "alpha": alpha}
    needed = design.schoenfeld(hr, maf, model, event_rate, alpha, target)
    rows = [{**common, "method": "Schoenfeld (asymptotic)", "events_needed": math.ceil(needed.events_needed),
             "patients_needed": math.ceil(needed.patients_needed), "power": target,
             "note": f"events and patients for {target:.0%} power"}]
    for n in sizes:
        at_n = design.schoenfeld(hr, maf, model, event_rate, alpha, target, n=n)
        rows.append({**common, "method": "Schoenfeld (asymptotic)", "n": n, "expected_events": at_n.expected_events,
                     "power": at_n.power})
    done, total = 0, replicates * len(sizes)
    for n in sizes if replicates else ():
        cohorts = design.simulate_cohorts(n, maf, model, hr, event_rate, replicates, seed)

        def step(index: int, _: int, offset: int = done) -> None:
            if progress is not None:
                progress(offset + index, total)

        p_values = design.p_values_by_test(cohorts, model, tests, step)
        done += replicates
        for name in tests:
            significant = (p_values[name] < alpha).mean()
            rows.append({**common, "method": TEST_NAMES[name], "n": n, "replicates": replicates,
                         "expected_events": float(cohorts.event.sum(axis=1).mean()), "power": float(significant),
                         "power_se": math.sqrt(significant * (1 - significant) / replicates),
                         "not_testable": int(p_values[name].isna().sum()),
                         "note": "log-rank over the three genotypes" if name == "logrank" and model == "additive"
                         else ""})
    notes = [f"{math.ceil(needed.events_needed)} events ({math.ceil(needed.patients_needed)} patients) for "
             f"{target:.0%} power at HR {hr:g}, {model} model, effect allele frequency {maf:g} (Schoenfeld 1983)"]
    if replicates and sizes:
        notes.append(f"simulated: {replicates} cohorts per size, seed {seed}; a replicate where a test cannot be "
                     "computed (an empty genotype group, an infinite Cox estimate) counts as not significant")
    return PowerResult(table=table_frame(rows, COLUMNS), notes=tuple(notes))
