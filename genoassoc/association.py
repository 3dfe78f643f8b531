"""Genotype–phenotype association: one call joins calls with phenotypes, encodes the genetic model and
runs the tests that fit the outcome, returning a tidy table in which every row states its locus,
model, effect allele and groups.

Outcome types: continuous (IL-6, C0, AUC: group summaries, Mann–Whitney or Kruskal–Wallis, linear
regression with covariates, optionally of the log outcome), binary (response: counts, Fisher's
exact, chi-square, trend, logistic regression with covariates, Firth's regression for sparse cells)
and time-to-event (OS, PFS: Kaplan–Meier medians, log-rank, crude and adjusted Cox hazard ratios).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.phenotypes import MISSING_VALUES, JoinReport, join_calls, numeric_phenotype
from genoassoc.loci import Catalog
from genoassoc.models import MODELS, Encoding, encode, minor_allele
from genoassoc.stats import binary, continuous
from genoassoc.stats.regression import SeparationError, covariate_columns, firth_logistic, linear, logistic

OUTCOME_TYPES = ("continuous", "binary", "time-to-event")
COLUMNS = [
    "locus", "model", "effect_allele", "groups", "row", "group", "n", "median", "q1", "q3", "mean", "sd",
    "events", "percent", "test", "term", "estimate_name", "estimate", "ci_lo", "ci_hi",
    "statistic_name", "statistic", "df", "p", "note",
]
# Firth's regression is added when a genotype-group x outcome cell holds fewer than this many samples.
SPARSE_CELL = 5


@dataclass(frozen=True)
class AssociationResult:
    table: pd.DataFrame
    outcome_type: str
    effect_allele: str
    report: JoinReport
    messages: tuple[str, ...]


def infer_outcome_type(values: pd.Series) -> str:
    """Binary for 0/1 or exactly two text levels, continuous for other numbers."""
    present = values[~values.astype(str).str.strip().isin(MISSING_VALUES)]
    numeric = pd.to_numeric(present, errors="coerce")
    if numeric.notna().all():
        return "binary" if set(numeric.unique()) <= {0, 1} else "continuous"
    if present.nunique() == 2:
        return "binary"
    raise InputError(
        f"cannot tell the outcome type of '{values.name}' ({present.nunique()} text levels); "
        "use --outcome-type"
    )


def binary_outcome(values: pd.Series, case_level: str | None) -> tuple[pd.Series, str]:
    """1.0 for the event, 0.0 otherwise, NaN when missing. A 0/1 column's event is 1; for two text
    levels it is `case_level`, by default the level that sorts last (R's factor order)."""
    text = values.astype(str).str.strip()
    present = ~text.isin(MISSING_VALUES)
    numeric = pd.to_numeric(text.where(present), errors="coerce")
    if present.any() and numeric[present].notna().all():
        if not set(numeric[present].unique()) <= {0.0, 1.0}:
            raise InputError(f"'{values.name}' is numeric but not 0/1; a binary outcome needs two levels")
        return (numeric == 1).astype(float).where(present), "1"
    levels = sorted(text[present].unique(), key=str)
    if len(levels) != 2:
        raise InputError(f"'{values.name}' has {len(levels)} levels; a binary outcome needs two")
    case_level = levels[-1] if case_level is None else case_level
    if case_level not in levels:
        raise InputError(f"case level '{case_level}' is not a value of '{values.name}' ({', '.join(levels)})")
    return (text == case_level).astype(float).where(present), case_level


def _row(encoding: Encoding, locus: str, **fields) -> dict:
    return {"locus": locus, "model": encoding.model, "effect_allele": encoding.effect_allele,
            "groups": encoding.definition, **fields}


def _genotype_terms(encoding: Encoding, index: pd.Index) -> pd.DataFrame:
    if encoding.model == "additive":
        return pd.DataFrame({f"{encoding.effect_allele} copies": encoding.dosage.astype(float)}, index=index)
    return pd.DataFrame(
        {label: (encoding.group == level).astype(float) for level, label in enumerate(encoding.groups) if level > 0},
        index=index,
    )


def _present_groups(encoding: Encoding, values: np.ndarray) -> list[tuple[str, np.ndarray]]:
    labels = encoding.groups
    return [(labels[k], values[encoding.group == k]) for k in range(len(labels)) if (encoding.group == k).any()]


def _continuous_rows(encoding, locus, outcome, design, log, exact, note) -> list[dict]:
    values = outcome.to_numpy(float)
    rows = [
        _row(encoding, locus, row="group", group=label, **continuous.describe(values[encoding.group == k]))
        for k, label in enumerate(encoding.groups)
    ]
    if not encoding.testable:
        return rows + [_row(encoding, locus, row="test", note=encoding.reason)]
    groups = _present_groups(encoding, values)
    if len(encoding.groups) == 2:
        test = continuous.mann_whitney(groups[0][1], groups[1][1], exact=exact)
    else:
        test = continuous.kruskal_wallis([group for _, group in groups])
    rows.append(_row(encoding, locus, row="test", test=test.test, statistic_name=test.statistic_name,
                     statistic=test.statistic, df=test.df, p=test.p, n=len(values), note=test.note))
    response = np.log(outcome) if log else outcome
    fit = linear(response, design)
    name = "ratio of geometric means" if log else "difference in means"
    if encoding.model == "additive":
        name += " per allele copy"
    for term in _genotype_terms(encoding, outcome.index).columns:
        coefficient = fit.coefficients[term]
        transform = np.exp if log else (lambda value: value)
        rows.append(_row(encoding, locus, row="test", test=f"linear regression{' of log outcome' if log else ''}",
                         term=term, estimate_name=name, estimate=transform(coefficient.estimate),
                         ci_lo=transform(coefficient.ci_lo), ci_hi=transform(coefficient.ci_hi),
                         p=coefficient.p, n=fit.n, note=note))
    return rows


def _binary_rows(encoding, locus, outcome, design, firth, note) -> list[dict]:
    cases = outcome.to_numpy(float)
    rows = []
    for k, label in enumerate(encoding.groups):
        members = cases[encoding.group == k]
        rows.append(_row(encoding, locus, row="group", group=label, n=len(members), events=int(members.sum()),
                         percent=100 * members.mean() if len(members) else np.nan))
    if not encoding.testable:
        return rows + [_row(encoding, locus, row="test", note=encoding.reason)]
    table = np.array([[((encoding.group == k) & (cases == y)).sum() for k in range(len(encoding.groups))]
                      for y in (0, 1)])
    table = table[:, table.sum(axis=0) > 0]
    n = int(table.sum())
    fisher = binary.fisher_exact(table)
    rows.append(_row(encoding, locus, row="test", test="Fisher's exact", n=n, p=fisher.p,
                     estimate_name="odds ratio (conditional MLE)" if table.shape == (2, 2) else "",
                     estimate=fisher.odds_ratio, ci_lo=fisher.ci_lo, ci_hi=fisher.ci_hi))
    statistic, p, df = binary.chi_square(table, yates=False)
    rows.append(_row(encoding, locus, row="test", test="chi-square", n=n, statistic_name="X-squared",
                     statistic=statistic, df=df, p=p))
    if table.shape == (2, 2):
        statistic, p, df = binary.chi_square(table, yates=True)
        rows.append(_row(encoding, locus, row="test", test="chi-square (Yates)", n=n, statistic_name="X-squared",
                         statistic=statistic, df=df, p=p))
    if encoding.model == "additive" and table.shape[1] == 3:
        from scipy import stats

        statistic = binary.trend_statistic(table)
        rows.append(_row(encoding, locus, row="test", test="Cochran-Armitage trend", n=n,
                         statistic_name="X-squared", statistic=statistic, df=1, p=float(stats.chi2.sf(statistic, 1))))
    sparse = bool((table < SPARSE_CELL).any())
    fits = []
    if firth is not True:
        try:
            fits.append(logistic(outcome, design))
        except SeparationError as err:
            fits.append(None)
            rows.append(_row(encoding, locus, row="test", test="logistic regression", n=n, note=str(err)))
    if firth is True or (firth is None and (sparse or None in fits)):
        fits.append(firth_logistic(outcome, design))
    name = "odds ratio per allele copy" if encoding.model == "additive" else "odds ratio"
    for fit in filter(None, fits):
        for term in _genotype_terms(encoding, outcome.index).columns:
            coefficient = fit.coefficients[term]
            ci_name = " (profile penalised-likelihood CI)" if fit.method.startswith("Firth") else " (Wald CI)"
            rows.append(_row(encoding, locus, row="test", test=fit.method, term=term, estimate_name=name + ci_name,
                             estimate=np.exp(coefficient.estimate), ci_lo=np.exp(coefficient.ci_lo),
                             ci_hi=np.exp(coefficient.ci_hi), p=coefficient.p, n=fit.n, note=note))
    return rows


def _survival_rows(encoding, locus, time, event, design, covariates, ties, note) -> list[dict]:
    from genoassoc.stats import survival

    time_values, event_values = time.to_numpy(float), event.to_numpy(int)
    rows = []
    for k, label in enumerate(encoding.groups):
        members = encoding.group == k
        row = _row(encoding, locus, row="group", group=label, n=int(members.sum()),
                   events=int(event_values[members].sum()))
        if members.any():
            median, low, high = survival.kaplan_meier(time_values[members], event_values[members]).median()
            row.update(estimate_name="median survival (95% CI, log)", estimate=median, ci_lo=low, ci_hi=high)
        rows.append(row)
    if not encoding.testable:
        return rows + [_row(encoding, locus, row="test", note=encoding.reason)]
    test = survival.logrank(time_values, event_values, encoding.group)
    rows.append(_row(encoding, locus, row="test", test="log-rank", n=len(time_values), statistic_name="chisq",
                     statistic=test.chisq, df=test.df, p=test.p))
    genotype_terms = list(_genotype_terms(encoding, time.index).columns)
    models = [("Cox (crude)", design[genotype_terms], "")]
    if covariates:
        models.append(("Cox (adjusted)", design, note))
    name = "hazard ratio per allele copy" if encoding.model == "additive" else "hazard ratio"
    group_events = [int(event_values[encoding.group == k].sum()) for k in range(len(encoding.groups))
                    if (encoding.group == k).any()]
    for test_name, columns, model_note in models:
        estimable = True
        try:
            fit = survival.cox(time_values, event_values, columns, ties=ties)
            for term in genotype_terms:
                coefficient = fit.terms[term]
                rows.append(_row(encoding, locus, row="test", test=f"{test_name}, {ties} ties", term=term,
                                 estimate_name=name + " (Wald CI)", estimate=coefficient.hazard_ratio,
                                 ci_lo=coefficient.ci_lo, ci_hi=coefficient.ci_hi, p=coefficient.p, n=fit.n,
                                 events=fit.events, note=model_note))
        except survival.CoxNotEstimable as err:
            estimable = False
            rows.append(_row(encoding, locus, row="test", test=test_name, n=len(time_values), note=str(err)))
        # Firth's penalty keeps the hazard ratio finite when a group has no (or very few) events.
        if not estimable or min(group_events) < SPARSE_CELL:
            terms = survival.firth_cox(time_values, event_values, columns, ties=ties)
            for term in genotype_terms:
                coefficient = terms[term]
                rows.append(_row(encoding, locus, row="test", test=f"Firth {test_name}, {ties} ties", term=term,
                                 estimate_name=name + " (profile penalised-likelihood CI)",
                                 estimate=coefficient.hazard_ratio, ci_lo=coefficient.ci_lo,
                                 ci_hi=coefficient.ci_hi, p=coefficient.p, n=len(time_values),
                                 events=int(event_values.sum()), note=model_note))
    return rows


def _by_subgroup(by: str, calls, phenotypes, locus, outcome, model, **options) -> AssociationResult:
    if by not in phenotypes.columns:
        raise InputError(f"no column '{by}' to split by", phenotypes.attrs.get("source"))
    levels = sorted(set(phenotypes[by]) - MISSING_VALUES, key=str)
    if options.get("catalog") is None:
        from genoassoc.loci import load_catalog

        options["catalog"] = load_catalog()
    if options.get("effect_allele") is None:
        overall = associate(calls, phenotypes, locus, outcome, model, **{**options, "by": None})
        options["effect_allele"] = overall.effect_allele
    tables, messages, results = [], [], []
    for level in levels:
        subset = phenotypes[phenotypes[by] == level]
        subset.attrs["source"] = phenotypes.attrs.get("source")
        result = associate(calls, subset, locus, outcome, model, **options)
        tables.append(result.table.assign(subgroup=f"{by}={level}"))
        messages += [f"{by}={level}: {message}" for message in result.messages]
        results.append(result)
    table = pd.concat(tables, ignore_index=True)
    if results and results[0].outcome_type == "time-to-event" and model in MODELS:
        table = pd.concat([table, pd.DataFrame([_interaction_row(by, calls, phenotypes, locus, outcome, model,
                                                                 options)])], ignore_index=True)
    table = table[["subgroup"] + [column for column in table.columns if column != "subgroup"]]
    return AssociationResult(table, results[0].outcome_type if results else "", options["effect_allele"],
                             results[0].report if results else None, tuple(messages))


def _interaction_row(by, calls, phenotypes, locus, outcome, model, options) -> dict:
    """Likelihood-ratio test of genotype × subgroup terms in Cox (main effects in both models)."""
    from scipy import stats as scipy_stats

    from genoassoc.stats import survival

    catalog = options["catalog"]
    locus_id = catalog.resolve(locus).id if locus in catalog else locus
    joined, _ = join_calls(calls, phenotypes, locus_id)
    time = numeric_phenotype(joined, outcome)
    event = numeric_phenotype(joined, options["event"])
    group = joined[by].where(~joined[by].isin(MISSING_VALUES))
    complete = time.notna() & event.notna() & group.notna()
    joined, time, event, group = joined[complete], time[complete], event[complete], group[complete]
    alleles = catalog.resolve(locus_id).alleles if locus_id in catalog else tuple(
        dict.fromkeys(joined["genotype"].str.split("/").explode()))[:2]
    encoding = encode(joined["genotype"], alleles, model, options["effect_allele"])
    genotype = _genotype_terms(encoding, joined.index)
    levels = sorted(group.unique(), key=str)
    arms = pd.DataFrame({f"{by}={level}": (group == level).astype(float) for level in levels[1:]})
    products = pd.DataFrame({f"{g} x {a}": genotype[g] * arms[a] for g in genotype for a in arms})
    row = {"subgroup": f"{by} interaction", "locus": locus_id, "model": model,
           "effect_allele": options["effect_allele"], "groups": encoding.definition, "row": "test",
           "test": f"genotype x {by} interaction (Cox likelihood ratio)", "n": int(complete.sum())}
    try:
        main = survival.cox(time, event, pd.concat([genotype, arms], axis=1), ties=options.get("ties", "efron"))
        full = survival.cox(time, event, pd.concat([genotype, arms, products], axis=1),
                            ties=options.get("ties", "efron"))
    except survival.CoxNotEstimable as err:
        return {**row, "note": str(err)}
    statistic = full.likelihood_ratio[0] - main.likelihood_ratio[0]
    df = products.shape[1]
    return {**row, "statistic_name": "LR chisq", "statistic": statistic, "df": df,
            "p": float(scipy_stats.chi2.sf(statistic, df))}


def _max_statistic_row(locus: str, effect_allele: str, genotypes: pd.Series, alleles, cases: pd.Series) -> dict:
    encoding = encode(genotypes, alleles, "codominant", effect_allele)
    table = np.array([[((encoding.group == k) & (cases.to_numpy() == y)).sum() for k in range(3)] for y in (0, 1)])
    maximum, p, statistics = binary.max_statistic(table)
    best = max(statistics, key=statistics.get) if np.isfinite(maximum) else ""
    return {"locus": locus, "model": "max(dominant, recessive, additive)", "effect_allele": effect_allele,
            "groups": encoding.definition, "row": "test", "test": "max-statistic (Gonzalez et al. 2008)",
            "statistic_name": "max X-squared", "statistic": maximum, "p": p, "n": int(table.sum()),
            "note": f"largest for the {best} model; p adjusted for testing three models" if best else
            "not testable: a genotype group is empty"}


def associate(
    calls: pd.DataFrame,
    phenotypes: pd.DataFrame,
    locus: str,
    outcome: str,
    model: str = "codominant",
    *,
    catalog: Catalog | None = None,
    effect_allele: str | None = None,
    covariates: list[str] | None = None,
    references: dict[str, str] | None = None,
    outcome_type: str | None = None,
    case_level: str | None = None,
    log: bool = False,
    exact: bool = False,
    firth: bool | None = None,
    event: str | None = None,
    ties: str = "efron",
    by: str | None = None,
) -> AssociationResult:
    """Association of a locus's genotypes with one outcome column.

    `model` is one of codominant, dominant, recessive, overdominant, additive, or ``all`` (every
    model, plus for a binary outcome the max-statistic with its multiplicity-adjusted p). The effect
    allele defaults to the minor allele among the analysed samples. Samples missing the outcome or a
    covariate are left out (complete cases) and counted in the messages. `log` analyses a continuous
    outcome on the log scale (effects as ratios of geometric means). `firth`: None adds Firth's
    regression when a cell has fewer than 5 samples or the ML fit does not exist; True uses it only.
    With `event` (a 0/1 column) the outcome is a survival time: Kaplan–Meier medians per group,
    log-rank, and Cox hazard ratios (`ties` efron or breslow), crude and adjusted for `covariates`.
    `by` (a phenotype column: cohort, centre, arm) repeats the analysis per level, with a
    ``subgroup`` column, and for a survival outcome adds the likelihood-ratio test of the
    genotype × subgroup interaction in Cox.
    """
    if by is not None:
        return _by_subgroup(by, calls, phenotypes, locus, outcome, model, catalog=catalog,
                            effect_allele=effect_allele, covariates=covariates, references=references,
                            outcome_type=outcome_type, case_level=case_level, log=log, exact=exact, firth=firth,
                            event=event, ties=ties)
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    locus_id = catalog.resolve(locus).id if locus in catalog else locus
    models = list(MODELS) if model == "all" else [model]
    if model != "all" and model not in MODELS:
        raise InputError(f"unknown model '{model}' (use {', '.join(MODELS)} or all)")
    joined, report = join_calls(calls, phenotypes, locus_id)
    if outcome not in joined.columns:
        shown = ", ".join(name for name in phenotypes.columns if name not in ("_row",))
        raise InputError(f"no outcome column '{outcome}' (columns: {shown})", phenotypes.attrs.get("source"))
    kind = outcome_type or ("time-to-event" if event else infer_outcome_type(joined[outcome]))
    if kind == "time-to-event" and not event:
        raise InputError("a time-to-event outcome needs --event (a 0/1 column)")
    if kind not in OUTCOME_TYPES:
        raise InputError(f"unknown outcome type '{kind}' (use {', '.join(OUTCOME_TYPES)})")
    messages = list(report.messages())
    event_values = None
    if kind == "binary":
        response, case = binary_outcome(joined[outcome], case_level)
        messages.append(f"outcome '{outcome}': event = '{case}'")
    else:
        response = numeric_phenotype(joined, outcome)
    if kind == "time-to-event":
        from genoassoc.stats.survival import validate

        event_values = numeric_phenotype(joined, event)
        present = response.notna() & event_values.notna()
        validate(response[present], event_values[present], joined["_row"][present],
                 phenotypes.attrs.get("source"), outcome, event)
        response = response.where(event_values.notna())
    covariates = covariates or []
    design_covariates, reference_levels = covariate_columns(joined, covariates, references)
    complete = response.notna() & design_covariates.notna().all(axis=1)
    if (~complete).any():
        messages.append(f"{int((~complete).sum())} samples with a missing outcome or covariate left out")
    if log and kind == "continuous":
        nonpositive = complete & (response <= 0)
        if nonpositive.any():
            sample = nonpositive.idxmax()
            raise InputError(f"'{response[sample]:g}' cannot be log-transformed (sample {sample})",
                             phenotypes.attrs.get("source"), int(joined.at[sample, "_row"]), outcome)
    for name, level in reference_levels.items():
        messages.append(f"covariate '{name}': reference level '{level}'")
    joined, response, design_covariates = joined[complete], response[complete], design_covariates[complete]
    if event_values is not None:
        event_values = event_values[complete]
    alleles = catalog.resolve(locus_id).alleles if locus_id in catalog else tuple(
        dict.fromkeys(joined["genotype"].str.split("/").explode()))[:2]
    if len(alleles) < 2:
        alleles = (alleles[0], ".")
    given = effect_allele is not None
    if not given:
        effect_allele = minor_allele(joined["genotype"], alleles)
    note = f"adjusted for {', '.join(covariates)}" if covariates else ""
    rows = []
    for name in models:
        encoding = encode(joined["genotype"], alleles, name, effect_allele)
        design = pd.concat([_genotype_terms(encoding, joined.index), design_covariates], axis=1)
        if kind == "continuous":
            rows += _continuous_rows(encoding, locus_id, response, design, log, exact, note)
        elif kind == "binary":
            rows += _binary_rows(encoding, locus_id, response, design, firth, note)
        else:
            rows += _survival_rows(encoding, locus_id, response, event_values, design, covariates, ties, note)
    if model == "all" and kind == "binary":
        rows.append(_max_statistic_row(locus_id, effect_allele, joined["genotype"], alleles, response))
    messages.append(f"effect allele {effect_allele} ({'given' if given else 'the minor allele'}); "
                    f"{len(joined)} samples analysed")
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    return AssociationResult(table, kind, effect_allele, report, tuple(messages))
