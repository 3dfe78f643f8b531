"""Table 2 of a survival paper: each candidate variable alone in a Cox model, then the multivariable
model, hazard ratios with 95% CIs and p side by side.

Numeric variables enter per unit, or dichotomised (``median`` or a value: high = above the cut, the
cut printed); text variables as categories against a reference level (first in sorted order unless
given); a catalog locus in the calls table enters under a genetic model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.phenotypes import numeric_phenotype
from genoassoc.models import encode, minor_allele
from genoassoc.stats import survival
from genoassoc.stats.regression import covariate_columns

COLUMNS = ["variable", "term", "reference", "n", "events", "hr", "ci_lo", "ci_hi", "p",
           "hr_adjusted", "ci_lo_adjusted", "ci_hi_adjusted", "p_adjusted", "note"]


def _variable_columns(name, frame, dichotomize, references, calls, catalog, model):
    """Design columns of one variable and (term, reference) labels."""
    if calls is not None and name in catalog and catalog.resolve(name).id in set(calls["locus"]):
        locus = catalog.resolve(name)
        at_locus = calls[(calls["locus"] == locus.id) & (calls["status"] == "called")].set_index("sample")
        genotypes = at_locus["genotype"].reindex(frame.index)
        present = genotypes.notna()
        effect = minor_allele(genotypes[present], locus.alleles)
        encoding = encode(genotypes[present], locus.alleles, model, effect)
        columns = {}
        for level, label in enumerate(encoding.groups[1:], start=1):
            columns[f"{locus.id} {label}"] = pd.Series(np.nan, index=frame.index)
            columns[f"{locus.id} {label}"][present] = (encoding.group == level).astype(float)
        return pd.DataFrame(columns, index=frame.index), encoding.groups[0], f"{model} model, effect allele {effect}"
    if name not in frame.columns:
        raise InputError(f"no column '{name}'", frame.attrs.get("source"))
    raw = frame[name].astype(str).str.strip()
    numeric = pd.to_numeric(raw.where(raw != ""), errors="coerce")
    if numeric[raw != ""].notna().all() and (raw != "").any():
        values = numeric_phenotype(frame, name)
        if dichotomize is None:
            return pd.DataFrame({f"{name} (per unit)": values}), "", ""
        cut = float(values.median()) if dichotomize == "median" else float(dichotomize)
        high = (values > cut).astype(float).where(values.notna())
        label = "median " if dichotomize == "median" else ""
        return pd.DataFrame({f"{name} > {cut:g}": high}), f"{name} <= {cut:g}", f"dichotomised at the {label}{cut:g}"
    design, chosen = covariate_columns(frame, [name], references)
    return design, f"{name}={chosen[name]}", ""


def cox_table(
    phenotypes: pd.DataFrame,
    time: str,
    event: str,
    variables: list[str],
    adjust: list[str] | None = None,
    dichotomize: str | float | None = None,
    references: dict[str, str] | None = None,
    ties: str = "efron",
    calls: pd.DataFrame | None = None,
    catalog=None,
    model: str = "dominant",
) -> tuple[pd.DataFrame, list[str]]:
    """Univariable then multivariable Cox hazard ratios (Efron ties by default, Wald CIs).

    The multivariable model holds every variable of `variables` and `adjust` together (complete
    cases); `adjust` variables are listed in it but not fitted alone. `dichotomize` applies to the
    numeric `variables`, not to the adjustment covariates.
    """
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    adjust = adjust or []
    times, events = numeric_phenotype(phenotypes, time), numeric_phenotype(phenotypes, event)
    present = times.notna() & events.notna()
    survival.validate(times[present], events[present], phenotypes["_row"][present] if "_row" in phenotypes else None,
                      phenotypes.attrs.get("source"), time, event)
    blocks, messages = {}, []
    for name in dict.fromkeys(variables + adjust):
        cut = dichotomize if name in variables else None
        blocks[name] = _variable_columns(name, phenotypes, cut, references, calls, catalog, model)
    rows = []
    for name in variables:
        design, reference, note = blocks[name]
        complete = present & design.notna().all(axis=1)
        base = {"variable": name, "reference": reference, "note": note}
        try:
            fit = survival.cox(times[complete], events[complete], design[complete], ties=ties)
        except survival.CoxNotEstimable as err:
            rows += [{**base, "term": term, "n": int(complete.sum()), "note": str(err)} for term in design.columns]
            continue
        for term in design.columns:
            coefficient = fit.terms[term]
            rows.append({**base, "term": term, "n": fit.n, "events": fit.events, "hr": coefficient.hazard_ratio,
                         "ci_lo": coefficient.ci_lo, "ci_hi": coefficient.ci_hi, "p": coefficient.p})
    for name in adjust:
        if name not in variables:
            design, reference, note = blocks[name]
            rows += [{"variable": name, "term": term, "reference": reference, "note": note} for term in design.columns]
    full = pd.concat([blocks[name][0] for name in blocks], axis=1)
    complete = present & full.notna().all(axis=1)
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    try:
        fit = survival.cox(times[complete], events[complete], full[complete], ties=ties)
        for index, row in table.iterrows():
            coefficient = fit.terms[row["term"]]
            table.loc[index, ["hr_adjusted", "ci_lo_adjusted", "ci_hi_adjusted", "p_adjusted"]] = [
                coefficient.hazard_ratio, coefficient.ci_lo, coefficient.ci_hi, coefficient.p]
        messages.append(f"multivariable model: {fit.n} patients, {fit.events} events, {ties} ties; "
                        f"likelihood-ratio test {fit.likelihood_ratio[0]:.3f} on {fit.likelihood_ratio[1]} df, "
                        f"p = {fit.likelihood_ratio[2]:.3g}")
    except survival.CoxNotEstimable as err:
        messages.append(f"multivariable model not estimable: {err}")
    return table, messages
