"""Genotype–phenotype association: genotypes at one locus joined with phenotypes, a genetic model
encoded, and the tests that fit the outcome, in a tidy table in which every row states its locus,
model, effect allele and groups.

Outcome types: continuous (IL-6, C0, AUC: group summaries, Mann–Whitney or Kruskal–Wallis, linear
regression with covariates, optionally of the log outcome), binary (response: counts, Fisher's
exact, chi-square, trend, logistic regression with covariates, Firth's regression for sparse cells)
and time-to-event (OS, PFS: Kaplan–Meier medians, log-rank, crude and adjusted Cox hazard ratios;
the adjusted model lists every term, as R's ``summary(coxph)``).
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
from genoassoc.analysis.genotyped import Genotyped, JoinReport, join_genotypes
from genoassoc.errors import InputError
from genoassoc.loci import Catalog
from genoassoc.models import MODELS, Encoding
from genoassoc.phenotypes import Coding

OUTCOME_TYPES = ("continuous", "binary", "ordinal", "time-to-event")
COLUMNS = [
    "locus", "model", "effect_allele", "groups", "row", "group", "n", "median", "q1", "q3", "mean", "sd",
    "events", "percent", "test", "adjustment", "term", "term_kind", "estimate_name", "estimate", "ci_lo", "ci_hi",
    "statistic_name", "statistic", "df", "p", "note",
]
CRUDE = "crude"
ALIASED = "left out of the model: constant, or a combination of the other terms (R coxph reports NA)"
# The test of each model adjusted for testing several models (--model all).
PRIMARY_TESTS = {"continuous": ("Mann-Whitney U", "Mann-Whitney U (exact)", "Kruskal-Wallis"),
                 "binary": ("Fisher's exact", "Fisher's test, Monte Carlo p"), "time-to-event": ("log-rank",),
                 "ordinal": ("proportional-odds likelihood ratio",)}
# Firth's regression is added when a genotype-group x outcome cell holds fewer than this many samples.
SPARSE_CELL = 5


@dataclass(frozen=True, kw_only=True)
class AssociationResult(Result):
    """`table` has one row per group (``row == "group"``) and per test or model term. `data` holds
    the samples analysed (complete cases: ``outcome``, ``event`` for survival, and ``group``, each
    sample's genotype group under `model`, the codominant one when every model was tested), so that a
    figure shows exactly what the table tested; `groups` are the group labels, reference first."""

    outcome_type: str
    effect_allele: str
    report: JoinReport
    outcome: str = ""
    model: str = ""
    groups: tuple[str, ...] = ()
    title: str = ""
    log: bool = False
    data: pd.DataFrame | None = None

    def primary_test(self) -> pd.Series | None:
        """The table's row of the model's main test (rank test, Fisher's exact or log-rank)."""
        rows = self.table[self.table["test"].isin(PRIMARY_TESTS[self.outcome_type]) & self.table["p"].notna()]
        if "subgroup" in rows.columns or not len(rows):
            return None
        return rows.iloc[0]

    @property
    def messages(self) -> tuple[str, ...]:
        return self.notes


def infer_outcome_type(values: pd.Series, decimal_comma: bool = False, cases_named: bool = False) -> str:
    """Binary for 0/1 or exactly two text levels (or any text levels when the event's levels are
    named: `cases_named`), continuous for numbers."""
    frame = pd.DataFrame({"outcome": values.astype(str)})
    frame.attrs["decimal_comma"] = decimal_comma
    present = values[~coding.is_missing(values)].astype(str).str.strip()
    if coding.looks_numeric(frame, "outcome"):
        from genoassoc.io.tables import parse_numbers

        numbers = parse_numbers(present, decimal_comma)
        return "binary" if numbers.notna().all() and set(numbers.unique()) <= {0, 1} else "continuous"
    if present.nunique() == 2 or (cases_named and present.nunique() > 2):
        return "binary"
    raise InputError(f"cannot tell the outcome type of '{values.name}' ({present.nunique()} text levels); "
                     "name the event's levels (--case-level CR,PR) or use --outcome-type")


def _row(encoding: Encoding, locus: str, **fields: Any) -> dict[str, Any]:
    return {"locus": locus, "model": encoding.model, "effect_allele": encoding.effect_allele,
            "groups": encoding.definition, **fields}


def _present_groups(encoding: Encoding, values: NDArray[Any]) -> list[NDArray[Any]]:
    return [values[encoding.group == k] for k in range(len(encoding.groups)) if (encoding.group == k).any()]


def _continuous_rows(encoding: Encoding, locus: str, outcome: pd.Series, design: pd.DataFrame, log: bool,
                     exact: bool | None, note: str) -> list[dict[str, Any]]:
    from genoassoc.stats import continuous
    from genoassoc.stats.regression import linear

    values = outcome.to_numpy(float)
    rows = [
        _row(encoding, locus, row="group", group=label, **continuous.describe(values[encoding.group == k]))
        for k, label in enumerate(encoding.groups)
    ]
    if not encoding.testable:
        return rows + [_row(encoding, locus, row="test", note=encoding.reason)]
    groups = _present_groups(encoding, values)
    if len(encoding.groups) == 2:
        test = continuous.mann_whitney(groups[0], groups[1], exact=exact)
    else:
        test = continuous.kruskal_wallis(groups)
    rows.append(_row(encoding, locus, row="test", test=test.test, statistic_name=test.statistic_name,
                     statistic=test.statistic, df=test.df, p=test.p, n=len(values), note=test.note))
    name = "ratio of geometric means" if log else "difference in means"
    genotype = list(encoding.design(outcome.index).columns)
    for adjustment, columns in _fits(design, genotype, note):
        fit = linear(np.log(outcome) if log else outcome, columns)
        for term in columns.columns:
            coefficient = fit.coefficients[term]
            transform = np.exp if log else (lambda value: value)
            label = name + (" per allele copy" if encoding.model == "additive" else "") if term in genotype else \
                ("ratio" if log else "difference") + " (covariate)"
            rows.append(_row(encoding, locus, row="test", test=f"linear regression{' of log outcome' if log else ''}",
                             adjustment=adjustment, term=term, term_kind=_kind(term, genotype), estimate_name=label,
                             estimate=transform(coefficient.estimate), ci_lo=transform(coefficient.ci_lo),
                             ci_hi=transform(coefficient.ci_hi), p=coefficient.p, n=fit.n,
                             note="" if adjustment == CRUDE else note))
    return rows


def _fits(design: pd.DataFrame, genotype: list[str], note: str) -> list[tuple[str, pd.DataFrame]]:
    """The crude model (the genotype terms alone) and, with covariates, the adjusted one."""
    fits = [(CRUDE, design[genotype])]
    if design.shape[1] > len(genotype):
        fits.append((note, design))
    return fits


def _kind(term: str, genotype: list[str]) -> str:
    return "genotype" if term in genotype else "covariate"


def _binary_rows(encoding: Encoding, locus: str, outcome: pd.Series, design: pd.DataFrame, firth: bool | None,
                 note: str) -> list[dict[str, Any]]:
    from scipy import special

    from genoassoc.stats import binary
    from genoassoc.stats.regression import FitResult, SeparationError, firth_logistic, logistic

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
    rows.append(_row(encoding, locus, row="test", test=fisher.test, n=n, p=fisher.p,
                     note="" if fisher.method == "exact" else fisher.describe(),
                     estimate_name="odds ratio (conditional MLE)" if table.shape == (2, 2) else "",
                     estimate=fisher.odds_ratio, ci_lo=fisher.ci_lo, ci_hi=fisher.ci_hi))
    chi = binary.chi_square(table, yates=False)
    rows.append(_row(encoding, locus, row="test", test="chi-square", n=n, statistic_name="X-squared",
                     statistic=chi.statistic, df=chi.df, p=chi.p))
    if table.shape == (2, 2):
        chi = binary.chi_square(table, yates=True)
        rows.append(_row(encoding, locus, row="test", test="chi-square (Yates)", n=n, statistic_name="X-squared",
                         statistic=chi.statistic, df=chi.df, p=chi.p))
    if encoding.model == "additive" and table.shape[1] == 3:
        statistic = binary.trend_statistic(table)
        rows.append(_row(encoding, locus, row="test", test="Cochran-Armitage trend", n=n,
                         statistic_name="X-squared", statistic=statistic, df=1,
                         p=float(special.chdtrc(1, statistic))))
    sparse = bool((table < SPARSE_CELL).any())
    genotype = list(encoding.design(outcome.index).columns)
    for adjustment, columns in _fits(design, genotype, note):
        fits: list[FitResult | None] = []
        if firth is not True:
            try:
                fits.append(logistic(outcome, columns))
            except SeparationError as err:
                fits.append(None)
                rows.append(_row(encoding, locus, row="test", test="logistic regression", adjustment=adjustment, n=n,
                                 note=str(err)))
        if firth is True or (firth is None and (sparse or None in fits)):
            fits.append(firth_logistic(outcome, columns))
        for fit in filter(None, fits):
            ci_name = " (profile penalised-likelihood CI)" if fit.method.startswith("Firth") else " (Wald CI)"
            for term in columns.columns:
                coefficient = fit.coefficients[term]
                name = ("odds ratio per allele copy" if encoding.model == "additive" else "odds ratio") \
                    if term in genotype else "odds ratio (covariate)"
                rows.append(_row(encoding, locus, row="test", test=fit.method, adjustment=adjustment, term=term,
                                 term_kind=_kind(term, genotype), estimate_name=name + ci_name,
                                 estimate=np.exp(coefficient.estimate), ci_lo=np.exp(coefficient.ci_lo),
                                 ci_hi=np.exp(coefficient.ci_hi), p=coefficient.p, n=fit.n,
                                 note="" if adjustment == CRUDE else note))
    return rows


def _rmst_rows(encoding: Encoding, locus: str, time: NDArray[Any], event: NDArray[Any], tau: float | None
               ) -> list[dict[str, Any]]:
    from genoassoc.analysis.restricted_mean import rmst_rows

    rows = []
    for row in rmst_rows(encoding, locus, time, event, tau):
        test = f"RMST (tau = {row['tau']:.4g})"
        if row["row"] == "group":
            rows.append(_row(encoding, locus, row="test", test=test, group=row["group"], n=row["n"],
                             events=row["events"], estimate_name=row["estimate_name"], estimate=row.get("estimate"),
                             ci_lo=row.get("ci_lo"), ci_hi=row.get("ci_hi"), note=row.get("note")))
        else:
            rows.append(_row(encoding, locus, row="test", test=test, term=row["contrast"], n=row.get("n"),
                             estimate_name=row["estimate_name"], estimate=row.get("estimate"),
                             ci_lo=row.get("ci_lo"), ci_hi=row.get("ci_hi"), p=row.get("p"), note=row.get("note")))
    return rows


def _ordinal_rows(encoding: Encoding, locus: str, outcome: pd.Series, design: pd.DataFrame, note: str,
                  order: list[str]) -> list[dict[str, Any]]:
    """Per genotype group its n and the n (%) at each level of the outcome (``row`` "level", the level
    in ``term``); per fit (crude, adjusted) the odds ratio of a higher category per genotype term and
    the likelihood-ratio test of the genotype terms (R: anova of nested polr fits)."""
    from genoassoc.stats.ordinal import METHOD, likelihood_ratio, proportional_odds

    codes = outcome.to_numpy(float)
    rows = []
    for k, label in enumerate(encoding.groups):
        members = codes[encoding.group == k]
        rows.append(_row(encoding, locus, row="group", group=label, n=len(members)))
        for index, level in enumerate(order):
            count = int((members == index).sum())
            rows.append(_row(encoding, locus, row="level", group=label, term=level, n=count,
                             percent=100 * count / len(members) if len(members) else np.nan))
    if not encoding.testable:
        return rows + [_row(encoding, locus, row="test", note=encoding.reason)]
    genotype = list(encoding.design(outcome.index).columns)
    name = "odds ratio of a higher category" + (" per allele copy" if encoding.model == "additive" else "")
    categories = codes.astype(int)
    for adjustment, columns in _fits(design, genotype, note):
        test = f"{METHOD} ({'crude' if adjustment == CRUDE else 'adjusted'})"
        try:
            full = proportional_odds(categories, columns)
            reduced = proportional_odds(categories, columns.drop(columns=genotype))
        except InputError as err:
            rows.append(_row(encoding, locus, row="test", test=test, adjustment=adjustment, n=len(codes),
                             note=str(err)))
            continue
        for term in columns.columns:
            coefficient = full.coefficients[term]
            rows.append(_row(encoding, locus, row="test", test=test, adjustment=adjustment, term=term,
                             term_kind=_kind(term, genotype),
                             estimate_name=(name if term in genotype else "odds ratio (covariate)") + " (Wald CI)",
                             estimate=np.exp(coefficient.estimate), ci_lo=np.exp(coefficient.ci_lo),
                             ci_hi=np.exp(coefficient.ci_hi), p=coefficient.p, n=full.n,
                             note="" if adjustment == CRUDE else note))
        statistic, p = likelihood_ratio(full, reduced, len(genotype))
        rows.append(_row(encoding, locus, row="test", test="proportional-odds likelihood ratio"
                         + ("" if adjustment == CRUDE else " (adjusted)"),
                         adjustment=adjustment, n=full.n, statistic_name="LR chisq", statistic=statistic,
                         df=len(genotype), p=p, note="" if adjustment == CRUDE else note))
    return rows


def _survival_rows(encoding: Encoding, locus: str, time: pd.Series, event: pd.Series, design: pd.DataFrame,
                   covariates: list[str], ties: str, note: str, tau: float | None = None) -> list[dict[str, Any]]:
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
                     statistic=test.statistic, df=test.df, p=test.p))
    rows += _rmst_rows(encoding, locus, time_values, event_values, tau)
    genotype = list(encoding.design(time.index).columns)
    models = [("Cox (crude)", design[genotype], "")]
    if covariates:
        models.append(("Cox (adjusted)", design, note))
    adjustments = {"Cox (crude)": CRUDE, "Cox (adjusted)": note}
    name = "hazard ratio per allele copy" if encoding.model == "additive" else "hazard ratio"
    group_events = [int(event_values[encoding.group == k].sum()) for k in range(len(encoding.groups))
                    if (encoding.group == k).any()]
    for test_name, columns, model_note in models:
        estimable = True
        try:
            fit = survival.cox(time_values, event_values, columns, ties=ties)
            for term in columns.columns:
                coefficient = fit.terms[term]
                rows.append(_row(encoding, locus, row="test", test=f"{test_name}, {ties} ties",
                                 adjustment=adjustments[test_name], term=term, term_kind=_kind(term, genotype),
                                 estimate_name=(name if term in genotype else "hazard ratio (covariate)")
                                 + " (Wald CI)", estimate=coefficient.hazard_ratio,
                                 ci_lo=coefficient.ci_lo, ci_hi=coefficient.ci_hi, p=coefficient.p, n=fit.n,
                                 events=fit.events, note=ALIASED if term in fit.aliased else model_note))
        except survival.CoxNotEstimable as err:
            estimable = False
            rows.append(_row(encoding, locus, row="test", test=test_name, adjustment=adjustments[test_name],
                             n=len(time_values), note=str(err)))
        # Firth's penalty keeps the hazard ratio finite when a group has no (or very few) events.
        if not estimable or min(group_events) < SPARSE_CELL:
            terms = survival.firth_cox(time_values, event_values, columns, ties=ties)
            for term in columns.columns:
                coefficient = terms[term]
                rows.append(_row(encoding, locus, row="test", test=f"Firth {test_name}, {ties} ties",
                                 adjustment=adjustments[test_name], term=term, term_kind=_kind(term, genotype),
                                 estimate_name=(name if term in genotype else "hazard ratio (covariate)")
                                 + " (profile penalised-likelihood CI)",
                                 estimate=coefficient.hazard_ratio, ci_lo=coefficient.ci_lo,
                                 ci_hi=coefficient.ci_hi, p=coefficient.p, n=len(time_values),
                                 events=int(event_values.sum()), note=model_note))
    return rows


def _max_statistic_row(locus: str, genotyped: Genotyped, keep: pd.Series, effect_allele: str,
                       cases: pd.Series) -> dict[str, Any]:
    from genoassoc.stats import binary

    encoding = genotyped.encode("codominant", effect_allele, keep)
    table = np.array([[((encoding.group == k) & (cases.to_numpy() == y)).sum() for k in range(3)] for y in (0, 1)])
    maximum, p, statistics = binary.max_statistic(table)
    best = max(statistics, key=lambda model: statistics[model]) if np.isfinite(maximum) else ""
    return {"locus": locus, "model": "max(dominant, recessive, additive)", "effect_allele": effect_allele,
            "groups": encoding.definition, "row": "test", "test": "max-statistic (Gonzalez et al. 2008)",
            "statistic_name": "max X-squared", "statistic": maximum, "p": p, "n": int(table.sum()),
            "note": f"largest for the {best} model; p adjusted for testing three models" if best else
            "not testable: a genotype group is empty"}


@dataclass(frozen=True)
class _Outcome:
    kind: str
    values: pd.Series
    event: pd.Series | None
    notes: tuple[str, ...]


def _outcome(frame: pd.DataFrame, outcome: str, event: str | None, kind: str | None,
             case_level: str | Sequence[str] | None, options: Coding, levels: Sequence[str] | None = None
             ) -> _Outcome:
    if event is not None:
        kind = kind or "time-to-event"
    if kind is None:
        kind = infer_outcome_type(coding.column(frame, outcome).rename(outcome),
                                  bool(frame.attrs.get("decimal_comma")), cases_named=bool(case_level))
    if kind not in OUTCOME_TYPES:
        raise InputError(f"unknown outcome type '{kind}' (use {', '.join(OUTCOME_TYPES)})")
    if kind == "time-to-event":
        if event is None:
            raise InputError("a time-to-event outcome needs --event (a 0/1 column)")
        return _Outcome(kind, coding.times(frame, outcome), coding.events(frame, event), ())
    if kind == "binary":
        values, case = coding.binary(coding.column(frame, outcome).rename(outcome), case_level, options)
        return _Outcome(kind, values, None, (*values.attrs.get("notes", []), f"outcome '{outcome}': event = '{case}'"))
    if kind == "ordinal":
        codes, order = coding.ordinal(coding.column(frame, outcome).rename(outcome), levels, options)
        codes.attrs["levels"] = order
        return _Outcome(kind, codes, None, (f"outcome '{outcome}' ordered {' < '.join(order)}: odds ratios of a higher "
                                            "category, the same at every cut (proportional odds, as R MASS::polr)",))
    return _Outcome(kind, coding.numeric(frame, outcome, options), None, ())


def associate(
    calls: pd.DataFrame,
    phenotypes: pd.DataFrame,
    locus: str,
    outcome: str | None = None,
    model: str = "codominant",
    *,
    time: str | None = None,
    event: str | None = None,
    catalog: Catalog | None = None,
    effect_allele: str | None = None,
    covariates: list[str] | None = None,
    coding_options: Coding = Coding(),
    outcome_type: str | None = None,
    case_level: str | Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    log: bool = False,
    exact: bool | None = None,
    firth: bool | None = None,
    ties: str = "efron",
    by: str | None = None,
    tau: float | None = None,
    p_adjust: str = "BH",
) -> AssociationResult:
    """Association of a locus's genotypes with one outcome column, or with survival (`time` and
    `event`: 1 = event, 0 = censored; time in the unit of the column).

    `model` is one of codominant, dominant, recessive, overdominant, additive, or ``all`` (every
    model, plus for a binary outcome the max-statistic with its multiplicity-adjusted p). The effect
    allele defaults to the minor allele among the analysed samples. Samples missing the outcome or a
    covariate are left out (complete cases) and counted in the notes. `log` analyses a continuous
    outcome on the log scale (effects as ratios of geometric means). `firth`: None adds Firth's
    regression when a cell has fewer than 5 samples or the ML fit does not exist; True uses it only.
    Survival: Kaplan–Meier medians per group, log-rank, and Cox hazard ratios (`ties` efron or
    breslow), crude and adjusted for `covariates`. `by` (a phenotype column: cohort, centre, arm)
    repeats the analysis per level, with a ``subgroup`` column, and for a survival outcome adds the
    likelihood-ratio test of the genotype × subgroup interaction in Cox. Survival output also gives the
    restricted mean survival time to `tau` per group and its difference from the reference group
    (tau defaults to the smallest group's last follow-up). With ``model="all"``, the primary test of
    each model (rank test, Fisher's exact or log-rank) gets ``p_adj``: `p_adjust` over the models.
    """
    if time is not None:
        if outcome is not None and outcome != time:
            raise InputError("give either --outcome or --time (with --event), not both")
        outcome = time
    if outcome is None:
        raise InputError("give the outcome column (--outcome), or --time and --event for survival")
    if model != "all" and model not in MODELS:
        raise InputError(f"unknown model '{model}' (use {', '.join(MODELS)} or all)")
    options = dict(catalog=catalog, effect_allele=effect_allele, covariates=covariates,
                   coding_options=coding_options, outcome_type=outcome_type, case_level=case_level, levels=levels,
                   log=log, exact=exact, firth=firth, event=event, ties=ties, tau=tau)
    if by is not None:
        return _by_subgroup(by, calls, phenotypes, locus, outcome, model, options)
    genotyped = join_genotypes(calls, phenotypes, locus, catalog)
    frame, locus_id = genotyped.phenotypes, genotyped.locus
    target = _outcome(frame, outcome, event, outcome_type, case_level, coding_options, levels)
    covariates = list(covariates or [])
    design_covariates, references = coding.covariate_design(frame, covariates, coding_options)
    checked = {outcome: target.values}
    if target.event is not None:
        checked[event] = target.event  # type: ignore[index]
    checked.update(coding.by_covariate(design_covariates, covariates))
    keep, dropped = coding.complete_cases(checked)
    notes = list(genotyped.report.messages()) + list(target.notes)
    if dropped.total:
        notes.append(dropped.message())
    values = target.values
    if log and target.kind == "continuous":
        nonpositive = keep & (values <= 0)
        if nonpositive.any():
            sample = nonpositive.idxmax()
            raise InputError(f"'{frame.at[sample, outcome]}' cannot be log-transformed (sample {sample})",
                             phenotypes.attrs.get("source"), int(frame.at[sample, "_row"]), outcome)
    notes += coding.substitution_notes([target.values], keep)
    notes += design_covariates.attrs.get("notes", [])
    notes += coding.reference_notes(design_covariates, references, keep)
    given = effect_allele is not None
    first = genotyped.encode("codominant", effect_allele, keep)
    effect = first.effect_allele
    note = f"adjusted for {', '.join(covariates)}" if covariates else ""
    rows: list[dict[str, Any]] = []
    index = frame.index[keep.to_numpy()]
    for name in (list(MODELS) if model == "all" else [model]):
        encoding = genotyped.encode(name, effect, keep)
        design = pd.concat([encoding.design(index), design_covariates.loc[index]], axis=1)
        if target.kind == "continuous":
            rows += _continuous_rows(encoding, locus_id, values[keep], design, log, exact, note)
        elif target.kind == "binary":
            rows += _binary_rows(encoding, locus_id, values[keep], design, firth, note)
        elif target.kind == "ordinal":
            rows += _ordinal_rows(encoding, locus_id, values[keep], design, note, values.attrs["levels"])
        else:
            rows += _survival_rows(encoding, locus_id, values[keep], target.event[keep],  # type: ignore[index]
                                   design, covariates, ties, note, tau)
    if model == "all" and target.kind == "binary":
        rows.append(_max_statistic_row(locus_id, genotyped, keep, effect, values[keep]))
    notes.append(f"effect allele {effect} ({'given' if given else 'the minor allele'}); "
                 f"{int(keep.sum())} sample{'s' if int(keep.sum()) != 1 else ''} analysed")
    small = [f"{label} (n = {count})" for label, count in zip(
        genotyped.encode(model if model in MODELS else "codominant", effect, keep).groups,
        genotyped.encode(model if model in MODELS else "codominant", effect, keep).counts(), strict=True)
        if 0 < count < coding.SMALL_GROUP]
    if small:
        notes.append(f"fewer than {coding.SMALL_GROUP} samples in genotype group {', '.join(small)}: its estimates "
                     "are unstable (Firth's regression is added where a cell is this small)")
    table = table_frame(rows, COLUMNS)
    shown = genotyped.encode("codominant" if model == "all" else model, effect, keep)
    data = pd.DataFrame({"outcome": values[keep].to_numpy(float),
                         "group": [shown.groups[level] for level in shown.group]}, index=index)
    if target.event is not None:
        data["event"] = target.event[keep].to_numpy(float)
    if model == "all":
        from genoassoc.analysis.genotype_qc import adjust_column

        primary = table["test"].isin(PRIMARY_TESTS[target.kind]) & table["p"].notna()
        table = adjust_column(table, "p", p_adjust, "models", rows=primary)
        notes.append(f"p_adj: {p_adjust} over the models' primary tests ({', '.join(PRIMARY_TESTS[target.kind])})")
    return AssociationResult(table=table, notes=tuple(notes), outcome_type=target.kind, effect_allele=effect,
                             report=genotyped.report, outcome=outcome, model=shown.model, groups=shown.groups,
                             title=f"{locus_id}, {shown.model} (effect allele {effect})", log=log, data=data)


def _by_subgroup(by: str, calls: pd.DataFrame, phenotypes: pd.DataFrame, locus: str, outcome: str, model: str,
                 options: dict[str, Any]) -> AssociationResult:
    subgroups = coding.column(phenotypes, by)
    found = coding.levels(subgroups)
    if options.get("catalog") is None:
        from genoassoc.loci import load_catalog

        options["catalog"] = load_catalog()
    if options.get("effect_allele") is None:
        overall = associate(calls, phenotypes, locus, outcome, model, **options)
        options["effect_allele"] = overall.effect_allele
    tables, notes, results = [], [], []
    for level in found:
        subset = phenotypes[subgroups == level]
        subset.attrs["source"] = phenotypes.attrs.get("source")
        result = associate(calls, subset, locus, outcome, model, **options)
        tables.append(result.table.assign(subgroup=f"{by}={level}"))
        notes += [f"{by}={level}: {message}" for message in result.notes]
        results.append(result)
    if not results:
        raise InputError(f"'{by}' has no values to split by", phenotypes.attrs.get("source"))
    table = pd.concat(tables, ignore_index=True)
    if results[0].outcome_type == "time-to-event" and model in MODELS:
        interaction = _interaction_row(by, calls, phenotypes, locus, outcome, model, options)
        table = pd.concat([table, table_frame([interaction], list(table.columns))], ignore_index=True)
    table = table[["subgroup"] + [column for column in table.columns if column != "subgroup"]]
    return AssociationResult(table=table, notes=tuple(notes), outcome_type=results[0].outcome_type,
                             effect_allele=options["effect_allele"], report=results[0].report)


def _interaction_row(by: str, calls: pd.DataFrame, phenotypes: pd.DataFrame, locus: str, outcome: str, model: str,
                     options: dict[str, Any]) -> dict[str, Any]:
    """Likelihood-ratio test of genotype × subgroup terms in Cox (main effects in both models)."""
    from scipy import special

    from genoassoc.stats import survival

    genotyped = join_genotypes(calls, phenotypes, locus, options["catalog"])
    frame = genotyped.phenotypes
    time, event = coding.times(frame, outcome), coding.events(frame, options["event"])
    group, _ = coding.categorical(frame, by)
    keep, _ = coding.complete_cases({outcome: time, options["event"]: event, by: group})
    encoding = genotyped.encode(model, options["effect_allele"], keep)
    index = frame.index[keep.to_numpy()]
    genotype = encoding.design(index)
    found = coding.levels(group[keep].astype(str))
    arms = pd.DataFrame({f"{by}={level}": (group[keep] == level).astype(float) for level in found[1:]}, index=index)
    products = pd.DataFrame({f"{g} x {a}": genotype[g] * arms[a] for g in genotype for a in arms}, index=index)
    row = {"subgroup": f"{by} interaction", "locus": genotyped.locus, "model": model,
           "effect_allele": options["effect_allele"], "groups": encoding.definition, "row": "test",
           "test": f"genotype x {by} interaction (Cox likelihood ratio)", "n": int(keep.sum())}
    try:
        main = survival.cox(time[keep], event[keep], pd.concat([genotype, arms], axis=1),
                            ties=options.get("ties", "efron"))
        full = survival.cox(time[keep], event[keep], pd.concat([genotype, arms, products], axis=1),
                            ties=options.get("ties", "efron"))
    except survival.CoxNotEstimable as err:
        return {**row, "note": str(err)}
    statistic = full.likelihood_ratio.statistic - main.likelihood_ratio.statistic
    df = products.shape[1]
    return {**row, "statistic_name": "LR chisq", "statistic": statistic, "df": df,
            "p": float(special.chdtrc(df, statistic))}
