"""Repeated measurements by genotype: a visits table (sample, time, outcome: IL-6 at baseline, day
15, week 3, progression) and a locus's genotypes in a linear mixed model

    outcome ~ time × genotype + covariates + (1 | sample)      [or (time | sample) with a random slope]

fitted by REML (`genoassoc.stats.mixed`, as R ``lme4::lmer``). The genotype terms are those of the
genetic model (one indicator per non-reference group, or the allele dosage for the additive model);
``time x G/C+G/G`` is the difference in slope from the reference group. With `log`, the outcome is
log-transformed (effects are then ratios on the original scale, exp(estimate)).
"""

from __future__ import annotations

from collections.abc import Sequence
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
from genoassoc.phenotypes import Coding
from genoassoc.stats.mixed import MixedFit, linear_mixed

COLUMNS = ["locus", "model", "effect_allele", "groups", "row", "term", "estimate_name", "estimate", "se", "ci_lo",
           "ci_hi", "ratio", "ratio_ci_lo", "ratio_ci_hi", "statistic", "p", "n", "n_samples", "note"]


@dataclass(frozen=True, kw_only=True)
class LongitudinalResult(Result):
    """`table`: the fixed effects (``row == "fixed"``) and variance components (``row == "random"``);
    `data`: the analysed observations (sample, time, outcome, group) for plots."""

    fit: MixedFit
    report: JoinReport
    data: pd.DataFrame
    outcome: str
    time: str
    log: bool
    covariate_means: dict[str, float]

    def fitted(self, group: str, times: NDArray[Any]) -> NDArray[Any]:
        """The fixed-effect mean of `group` at `times` (covariates at their mean), on the outcome's scale."""
        first = self.table.iloc[0]
        fixed = {name: effect.estimate for name, effect in self.fit.fixed.items()}
        level = fixed["Intercept"] + sum(fixed[name] * value for name, value in self.covariate_means.items())
        slope = fixed[self.time]
        if first["model"] == "additive":
            copies = float(self.data.loc[self.data["group"] == group, "dosage"].iloc[0])
            term = next(name for name in fixed if name.endswith(" copies") and " x " not in name)
            level += copies * fixed[term]
            slope += copies * fixed[f"{self.time} x {term}"]
        elif group in fixed:
            level += fixed[group]
            slope += fixed[f"{self.time} x {group}"]
        mean = level + slope * np.asarray(times, float)
        return np.exp(mean) if self.log else mean


def longitudinal(
    calls: pd.DataFrame,
    visits: pd.DataFrame,
    locus: str,
    model: str = "codominant",
    *,
    outcome: str,
    time: str,
    log: bool = False,
    random_slope: bool = False,
    covariates: Sequence[str] = (),
    effect_allele: str | None = None,
    catalog: Catalog | None = None,
    coding_options: Coding = Coding(),
) -> LongitudinalResult:
    """Mixed model of `outcome` over `time` by genotype of `locus` (`visits`: several rows per sample)."""
    genotyped = join_genotypes(calls, visits, locus, catalog)
    frame = genotyped.phenotypes
    values = coding.numeric(frame, outcome, coding_options)
    when = coding.numeric(frame, time)
    covariates = list(covariates)
    design_covariates, references = coding.covariate_design(frame, covariates, coding_options)
    checked: dict[str, pd.Series] = {outcome: values, time: when}
    checked.update(coding.by_covariate(design_covariates, covariates))
    keep, dropped = coding.complete_cases(checked)
    if log:
        nonpositive = keep & (values <= 0)
        if nonpositive.any():
            position = int(np.flatnonzero(nonpositive.to_numpy())[0])
            raise InputError(f"'{frame[outcome].iloc[position]}' cannot be log-transformed (sample "
                             f"{frame.index[position]})", visits.attrs.get("source"),
                             int(frame["_row"].iloc[position]), outcome)
    encoding = genotyped.encode(model, effect_allele, keep)
    index = frame.index[keep.to_numpy()]
    genotype = encoding.design(pd.RangeIndex(len(index)))
    timeline = when[keep].to_numpy(float)
    design = pd.concat([pd.DataFrame({"Intercept": 1.0, time: timeline}), genotype,
                        pd.DataFrame({f"{time} x {name}": timeline * genotype[name] for name in genotype}),
                        design_covariates[keep.to_numpy()].reset_index(drop=True)], axis=1)
    y = values[keep].to_numpy(float)
    fit = linear_mixed(np.log(y) if log else y, design, np.asarray(index), timeline if random_slope else None)
    common = {"locus": genotyped.locus, "model": encoding.model, "effect_allele": encoding.effect_allele,
              "groups": encoding.definition}
    scale = f"log {outcome}" if log else outcome
    rows: list[dict[str, Any]] = []
    for name, effect in fit.fixed.items():
        meaning = _meaning(name, time, set(genotype), scale)
        row = {**common, "row": "fixed", "term": name, "estimate_name": meaning, "estimate": effect.estimate,
               "se": effect.se, "ci_lo": effect.ci_lo, "ci_hi": effect.ci_hi, "statistic": effect.z, "p": effect.p,
               "n": fit.n_observations, "n_samples": fit.n_groups}
        if log:
            row.update(ratio=np.exp(effect.estimate), ratio_ci_lo=np.exp(effect.ci_lo),
                       ratio_ci_hi=np.exp(effect.ci_hi))
        rows.append(row)
    singular = "singular fit: a variance component is on its boundary (as lme4 isSingular)" if fit.singular else ""
    components = [("sample (Intercept)", "SD of the random intercept", fit.sd_intercept)]
    if random_slope:
        components += [(f"sample ({time})", "SD of the random slope", fit.sd_slope),
                       (f"sample (Intercept, {time})", "correlation of random intercept and slope", fit.correlation)]
    components.append(("Residual", "residual SD", fit.sd_residual))
    for term, meaning, value in components:
        rows.append({**common, "row": "random", "term": term, "estimate_name": meaning, "estimate": value,
                     "n": fit.n_observations, "n_samples": fit.n_groups, "note": singular})
    notes = list(genotyped.report.messages()) + ([dropped.message()] if dropped.total else [])
    notes += design_covariates.attrs.get("notes", [])
    notes += coding.reference_notes(design_covariates, references, keep)
    notes.append(f"{fit.n_observations} measurements of {fit.n_groups} samples; REML (as lme4::lmer), "
                 f"{'random intercept and slope' if random_slope else 'random intercept'}; Wald z p-values")
    if singular:
        notes.append(singular)
    data = pd.DataFrame({"sample": np.asarray(index), "time": timeline, "outcome": y,
                         "group": [encoding.groups[k] for k in encoding.group], "dosage": encoding.dosage})
    means = {name: float(design[name].mean()) for name in design_covariates.columns}
    return LongitudinalResult(table=table_frame(rows, COLUMNS), notes=tuple(notes), fit=fit,
                              report=genotyped.report, data=data, outcome=outcome, time=time, log=log,
                              covariate_means=means)


def _meaning(term: str, time: str, genotype: set[str], scale: str) -> str:
    if term == "Intercept":
        return f"mean {scale} of the reference group at {time} 0"
    if term == time:
        return f"change in {scale} per unit {time}, reference group"
    if term in genotype:
        return f"difference in {scale} at {time} 0 (vs reference)"
    if term.startswith(f"{time} x "):
        return f"difference in slope per unit {time} (vs reference)"
    return f"{scale} per unit / level (covariate)"
