"""Table 2 of a survival paper: each candidate variable alone in a Cox model, then all together with
the adjustment covariates (hazard ratios with Wald 95% CIs and p, R ``coxph``'s conventions).

Variables are phenotype columns (numeric per unit, or split at the median or a value; categorical
with a reference level) or loci of a calls table under a genetic model. With `start`, the rows are
counting-process intervals (start, stop] of time-varying covariates (IL-6 re-measured during
treatment; several rows per patient), as R ``coxph(Surv(start, stop, event) ~ ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result, table_frame
from genoassoc.analysis.genotyped import join_genotypes
from genoassoc.errors import InputError
from genoassoc.loci import Catalog
from genoassoc.phenotypes import Coding
from genoassoc.stats import survival

COLUMNS = ["variable", "term", "reference", "n", "events", "hr", "ci_lo", "ci_hi", "p",
           "hr_adjusted", "ci_lo_adjusted", "ci_hi_adjusted", "p_adjusted", "note"]


@dataclass(frozen=True, kw_only=True)
class CoxTableResult(Result):
    """`table`: one row per term (univariable then multivariable columns); `summary`: every term of
    the multivariable model, as R's ``summary(coxph)`` (coef, se, HR, CI, z p)."""

    n: int
    events: int


@dataclass(frozen=True)
class _Variable:
    design: pd.DataFrame
    reference: str
    note: str


def _locus_variable(name: str, phenotypes: pd.DataFrame, calls: pd.DataFrame, catalog: Catalog,
                    model: str, effect_allele: str | None) -> _Variable:
    unique = phenotypes[~phenotypes.index.duplicated()]
    unique.attrs["source"] = phenotypes.attrs.get("source")
    genotyped = join_genotypes(calls, unique, name, catalog)
    encoding = genotyped.encode(model, effect_allele)
    design = encoding.design(genotyped.phenotypes.index, prefix=f"{genotyped.locus} ")
    reference = "" if encoding.per_copy else encoding.groups[0]
    per = "per allele copy, " if encoding.per_copy else ""
    return _Variable(design.reindex(phenotypes.index), reference,
                     f"{model} model, {per}effect allele {encoding.effect_allele}")


def _variable(name: str, phenotypes: pd.DataFrame, dichotomize: str | float | None, options: Coding,
              calls: pd.DataFrame | None, catalog: Catalog, model: str, effect_allele: str | None) -> _Variable:
    if calls is not None and name in catalog:
        return _locus_variable(name, phenotypes, calls, catalog, model, effect_allele)
    values = coding.numeric_or_none(phenotypes, name, options)
    if values is not None:
        substituted = coding.substitution_notes([values])
        if dichotomize is None:
            design = pd.DataFrame({f"{name} (per unit)": values})
            design.attrs["notes"] = substituted
            return _Variable(design, "", "")
        cut = float(values.median()) if dichotomize == "median" else float(dichotomize)
        high = (values > cut).astype(float).where(values.notna())
        label = "median " if dichotomize == "median" else ""
        design = pd.DataFrame({f"{name} > {cut:g}": high})
        design.attrs["notes"] = substituted
        return _Variable(design, f"{name} <= {cut:g}", f"dichotomised at the {label}{cut:g}")
    design, references = coding.covariate_design(phenotypes, [name], options)
    design.attrs["notes"] = design.attrs.get("notes", []) + coding.reference_notes(design, references)
    return _Variable(design, f"{name}={references[name]}", "")


def _fit_rows(base: dict[str, Any], fit: survival.CoxFit, design: pd.DataFrame) -> list[dict[str, Any]]:
    from genoassoc.analysis.association import ALIASED

    return [{**base, "term": term, "n": fit.n, "events": fit.events, "hr": fit.terms[term].hazard_ratio,
             "ci_lo": fit.terms[term].ci_lo, "ci_hi": fit.terms[term].ci_hi, "p": fit.terms[term].p,
             **({"note": ALIASED} if term in fit.aliased else {})}
            for term in design.columns]


def model_summary(fit: survival.CoxFit) -> pd.DataFrame:
    """Every term of a fitted model as R's ``summary(coxph)`` prints it."""
    return pd.DataFrame([{"term": term.term, "coef": term.coef, "se": term.se, "hr": term.hazard_ratio,
                          "ci_lo": term.ci_lo, "ci_hi": term.ci_hi, "z": term.coef / term.se, "p": term.p}
                         for term in fit.terms.values()])


def cox_table(
    phenotypes: pd.DataFrame,
    time: str,
    event: str,
    variables: list[str],
    covariates: list[str] | None = None,
    dichotomize: str | float | None = None,
    coding_options: Coding = Coding(),
    ties: str = "efron",
    calls: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
    model: str = "codominant",
    start: str | None = None,
    effect_allele: str | None = None,
) -> CoxTableResult:
    """Univariable then multivariable Cox hazard ratios (Efron ties by default, Wald CIs).

    The multivariable model holds every variable of `variables` and `covariates` together
    (complete cases); `covariates` are listed in it but not fitted alone. `dichotomize` ("median" or
    a value; high = above) applies to the numeric `variables`, not to the covariates. Loci named in
    `variables` enter from `calls` under `model` (additive: per effect-allele copy) with
    `effect_allele` (default the minor allele); a phenotype column of the same name is then not used,
    and a note says so. Time in the unit of the column.
    """
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    covariates = list(covariates or [])
    if start is None and phenotypes.index.duplicated().any():
        sample = phenotypes.index[phenotypes.index.duplicated()][0]
        raise InputError(f"sample '{sample}' has several rows: give --start for (start, stop] rows")
    stop_values, events = coding.times(phenotypes, time), coding.events(phenotypes, event)
    start_values = coding.times(phenotypes, start) if start else None
    blocks = {}
    notes: list[str] = []
    for name in dict.fromkeys(variables + covariates):
        blocks[name] = _variable(name, phenotypes, dichotomize if name in variables else None, coding_options,
                                 calls, catalog, model, effect_allele)
        notes += blocks[name].design.attrs.get("notes", [])
        if calls is not None and name in catalog and name in phenotypes.columns:
            notes.append(f"'{name}' is the locus from the calls table under the {model} model; the phenotype "
                         f"table's column '{name}' was not used")
    survival_columns = {time: stop_values, event: events}
    if start_values is not None:
        survival_columns[start] = start_values  # type: ignore[index]
    rows: list[dict[str, Any]] = []

    def fit(design: pd.DataFrame) -> tuple[survival.CoxFit, pd.Series]:
        keep, _ = coding.complete_cases({**survival_columns, "design": design})
        start_kept = None if start_values is None else start_values[keep]
        return survival.cox(stop_values[keep], events[keep], design[keep], ties=ties, start=start_kept), keep

    for name in variables:
        block = blocks[name]
        base = {"variable": name, "reference": block.reference, "note": block.note}
        try:
            rows += _fit_rows(base, fit(block.design)[0], block.design)
        except survival.CoxNotEstimable as err:
            keep, _ = coding.complete_cases({**survival_columns, "design": block.design})
            rows += [{**base, "term": term, "n": int(keep.sum()), "note": "; ".join(filter(None, (block.note,
                                                                                                str(err))))}
                     for term in block.design.columns]
    for name in covariates:
        if name not in variables:
            block = blocks[name]
            rows += [{"variable": name, "term": term, "reference": block.reference, "note": block.note}
                     for term in block.design.columns]
    full = pd.concat([block.design for block in blocks.values()], axis=1)
    keep, dropped = coding.complete_cases({**survival_columns,
                                           **{name: block.design for name, block in blocks.items()}})
    if dropped.total:
        notes.append("multivariable model: " + dropped.message())
    table = table_frame(rows, COLUMNS)
    summary = None
    n = events_total = 0
    try:
        multivariable, _ = fit(full)
        for index, row in table.iterrows():
            term = multivariable.terms[row["term"]]
            table.loc[index, ["hr_adjusted", "ci_lo_adjusted", "ci_hi_adjusted", "p_adjusted"]] = [
                term.hazard_ratio, term.ci_lo, term.ci_hi, term.p]
        lr = multivariable.likelihood_ratio
        n, events_total = multivariable.n, multivariable.events
        if multivariable.aliased:
            from genoassoc.analysis.association import ALIASED

            notes.append(f"multivariable model: {', '.join(multivariable.aliased)} {ALIASED}; the other terms "
                         "are fitted")
        unit = "intervals" if start else "patients"
        notes.insert(0, f"multivariable model: {n} {unit}, {events_total} events, {ties} ties; likelihood-ratio "
                        f"test {lr.statistic:.3f} on {int(lr.df)} df, p = {lr.p:.3g}")
        summary = model_summary(multivariable)
    except survival.CoxNotEstimable as err:
        notes.insert(0, f"multivariable model not estimable: {err}")
    return CoxTableResult(table=table, notes=tuple(notes), summary=summary, n=n, events=events_total)
