"""Competing risks by genotype: progression, say, with death before progression as the competing
event. Per genotype group the cumulative incidence of each cause at chosen times, Gray's test per
cause, and Fine–Gray subdistribution hazard ratios for the genotype (and covariates), as R
``cmprsk`` (``cuminc``, ``timepoints``, ``crr``) gives them.

The 95% CI of a cumulative incidence uses the log(−log) transformation of Gray's variance (the
interval stays within 0 and 1; ``cmprsk`` itself prints only the variance).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result, table_frame
from genoassoc.analysis.genotyped import JoinReport, join_genotypes
from genoassoc.errors import InputError
from genoassoc.loci import Catalog
from genoassoc.phenotypes import Coding
from genoassoc.stats import competing

COLUMNS = ["locus", "model", "effect_allele", "groups", "row", "group", "cause", "time", "n", "events",
           "adjustment", "term_kind", "estimate_name", "estimate", "se", "ci_lo", "ci_hi", "statistic_name",
           "statistic", "df", "p", "note"]
CAUSES = {1: "cause of interest", 2: "competing"}


@dataclass(frozen=True, kw_only=True)
class CompetingResult(Result):
    """`table`: cumulative incidence rows (``row == "incidence"``), Gray's tests and Fine–Gray terms;
    `curves`: each group's cumulative incidence step function per cause (1, 2), for plots."""

    report: JoinReport
    curves: dict[tuple[str, int], competing.CumulativeIncidence] = field(default_factory=dict)
    failcode: str = "1"
    cause: str = "cause"


def incidence_interval(estimate: float, variance: float, conf_level: float = 0.95) -> tuple[float, float]:
    """log(−log) CI of a cumulative incidence F: F^exp(±z·sd / (F log F))."""
    if not 0 < estimate < 1 or not variance > 0:
        return math.nan, math.nan
    z = float(special.ndtri(1 - (1 - conf_level) / 2))
    spread = z * math.sqrt(variance) / (estimate * math.log(estimate))
    return estimate ** math.exp(-spread), estimate ** math.exp(spread)


def default_times(phenotypes: pd.DataFrame, time: str) -> list[float]:
    """Times of the cumulative incidence table when none are given: a quarter, half and three quarters
    of the longest follow-up, to two significant digits."""
    longest = float(coding.times(phenotypes, time).max())
    return [float(f"{longest * share:.2g}") for share in (0.25, 0.5, 0.75)]


def competing_risks(
    calls: pd.DataFrame,
    phenotypes: pd.DataFrame,
    locus: str,
    model: str = "codominant",
    *,
    time: str,
    cause: str,
    failcode: str = "1",
    cencode: str = "0",
    at: Sequence[float] = (),
    covariates: Sequence[str] = (),
    effect_allele: str | None = None,
    catalog: Catalog | None = None,
    coding_options: Coding = Coding(),
) -> CompetingResult:
    """Cumulative incidence of `failcode` and of the competing causes per genotype group at times
    `at`, Gray's test for each, and the Fine–Gray model of `failcode` on the genotype and
    `covariates`. `cause` codes each sample: `failcode`, `cencode` (censored) or any other value (a
    competing event)."""
    genotyped = join_genotypes(calls, phenotypes, locus, catalog)
    frame = genotyped.phenotypes
    times = coding.times(frame, time)
    coded = coding.causes(frame, cause, failcode, cencode)
    covariates = list(covariates)
    design_covariates, references = coding.covariate_design(frame, covariates, coding_options)
    checked: dict[str, pd.Series] = {time: times, cause: coded}
    checked.update(coding.by_covariate(design_covariates, covariates))
    keep, dropped = coding.complete_cases(checked)
    encoding = genotyped.encode(model, effect_allele, keep)
    index = frame.index[keep.to_numpy()]
    time_values, cause_values = times[keep].to_numpy(float), coded[keep].to_numpy(int)
    common = {"locus": genotyped.locus, "model": encoding.model, "effect_allele": encoding.effect_allele,
              "groups": encoding.definition}
    rows: list[dict[str, Any]] = []
    curves = {}
    for k, label in enumerate(encoding.groups):
        members = encoding.group == k
        for code in (1, 2):
            if not members.any():
                rows.append({**common, "row": "incidence", "group": label, "cause": CAUSES[code], "n": 0,
                             "note": "no samples in this group"})
                continue
            curve = competing.cumulative_incidence(time_values[members], cause_values[members], failcode=code)
            curves[(label, code)] = curve
            estimates, variances = curve.at(at)
            for moment, estimate, variance in zip(at, estimates, variances, strict=True):
                low, high = incidence_interval(estimate, variance)
                rows.append({**common, "row": "incidence", "group": label, "cause": CAUSES[code], "time": moment,
                             "n": int(members.sum()), "events": int((cause_values[members] == code).sum()),
                             "estimate_name": "cumulative incidence (95% CI, log-log)", "estimate": estimate,
                             "se": math.sqrt(variance) if np.isfinite(variance) else math.nan, "ci_lo": low,
                             "ci_hi": high, "note": "" if np.isfinite(estimate) else "beyond the group's follow-up"})
    if not encoding.testable:
        rows.append({**common, "row": "test", "note": encoding.reason})
    else:
        for code in (1, 2):
            if not (cause_values == code).any():
                continue
            test = competing.gray_test(time_values, cause_values, encoding.group, failcode=code)
            rows.append({**common, "row": "test", "cause": CAUSES[code], "n": len(time_values),
                         "events": int((cause_values == code).sum()), "estimate_name": "Gray's test",
                         "statistic_name": "chisq", "statistic": test.statistic, "df": test.df, "p": test.p})
        genotype = encoding.design(index)
        rows += _fine_gray_rows(common, time_values, cause_values, genotype, set(genotype), "crude")
        if design_covariates.shape[1]:
            design = pd.concat([genotype, design_covariates.loc[index]], axis=1)
            rows += _fine_gray_rows(common, time_values, cause_values, design, set(genotype),
                                    f"adjusted for {', '.join(covariates)}")
    notes = list(genotyped.report.messages()) + ([dropped.message()] if dropped.total else [])
    notes += design_covariates.attrs.get("notes", [])
    notes += coding.reference_notes(design_covariates, references, keep)
    notes.append(f"cause of interest '{failcode}' ({int((cause_values == 1).sum())} events), censored '{cencode}', "
                 f"competing: any other value ({int((cause_values == 2).sum())} events)")
    return CompetingResult(table=table_frame(rows, COLUMNS), notes=tuple(notes), report=genotyped.report,
                           curves=curves, failcode=str(failcode), cause=cause)


def _fine_gray_rows(common: dict[str, Any], time: NDArray[Any], cause: NDArray[Any], design: pd.DataFrame,
                    genotype: set[str], adjustment: str) -> list[dict[str, Any]]:
    try:
        fit = competing.fine_gray(time, cause, design)
    except (InputError, np.linalg.LinAlgError) as err:
        return [{**common, "row": "term", "adjustment": adjustment,
                 "note": f"Fine-Gray model not estimable: {err}"}]
    rows = []
    for name, term in fit.terms.items():
        rows.append({**common, "row": "term", "group": name, "cause": CAUSES[1], "n": fit.n, "events": fit.events,
                     "adjustment": adjustment, "term_kind": "genotype" if name in genotype else "covariate",
                     "estimate_name": "subdistribution hazard ratio (95% CI, Fine-Gray)" if name in genotype else
                     "subdistribution hazard ratio (covariate)", "estimate": term.hazard_ratio, "se": term.se,
                     "ci_lo": term.ci_lo, "ci_hi": term.ci_hi, "statistic_name": "z",
                     "statistic": term.coef / term.se, "p": term.p,
                     "note": "" if fit.converged else "did not converge"})
    return rows
