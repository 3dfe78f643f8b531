"""Association commands: `assoc`, `rmst`, `competing`, `cox`, `cutpoint`, `corr`, `paired`, `table1`,
`longitudinal`, `split-visits`, `meta` and `power`."""

from __future__ import annotations

import click

from genoassoc.cli import main
from genoassoc.cli import options as O  # noqa: N812
from genoassoc.cli.common import (
    TABLE_FORMATS,
    choose_calls,
    load_calls,
    make_coding,
    notes,
    progress,
    read_options,
    read_pheno,
    split,
    write_result,
    write_tables,
)

# what `associate` imports for its tests and models, loaded while the tables are parsed: a continuous
# outcome needs neither scipy.stats nor statsmodels (a second of imports), a two-level one both
_ASSOCIATION_MODULES = {"outcome": ("genoassoc.analysis.association", "genoassoc.stats.continuous",
                                    "genoassoc.stats.regression"),
                        "survival": ("genoassoc.analysis.association", "genoassoc.stats.survival"),
                        "binary": ("genoassoc.stats.binary", "statsmodels.genmod.generalized_linear_model")}


def _pheno_then_models(pheno: str, options, outcome: str | None, outcome_type: str | None, case_level) -> object:
    """The phenotype table; then, when the outcome looks binary or ordinal (its first values, a guess
    that only decides what loads early), the models it will need."""
    import importlib

    phenotypes = read_pheno(pheno, options=options)
    kind = outcome_type
    if kind is None and outcome in getattr(phenotypes, "columns", ()):
        head = [str(value).strip() for value in phenotypes[outcome].iloc[:1000].tolist()]
        present = {value for value in head if value and value.upper() not in ("NA", "NAN", ".")}
        numeric = all(value.replace(".", "", 1).replace(",", "", 1).lstrip("-").isdigit() for value in present)
        kind = "continuous" if numeric and len(present) > 2 and not case_level else "binary"
    if kind in ("binary", "ordinal"):
        for name in _ASSOCIATION_MODULES["binary"]:
            importlib.import_module(name)
    return phenotypes


@main.command("assoc")
@O.calls_argument
@O.pheno
@O.genotypes(locus_required=True, all_models=True)
@click.option("--outcome", help="Outcome column (IL-6, C0, AUC, response...).")
@O.survival(required=False)
@O.covariates
@O.coding
@O.ties
@O.setting("outcome_type")
@O.setting("case_level")
@O.setting("levels")
@O.setting("log")
@O.setting("exact")
@click.option("--by", "by_column", help="Repeat per level of this column (cohort, arm); survival adds the "
                                        "genotype x level interaction test.")
@O.setting("firth")
@O.tau
@O.p_adjust
@O.output_options(TABLE_FORMATS)
def assoc_command(calls_file, pheno, calls_option, locus, model, effect_allele, panel, outcome, time_col,
                  event_col, covariates, ties, outcome_type, case_level, levels, log, exact,
                  by_column, firth, tau, p_adjust, output, fmt) -> None:
    """Association of a locus with a continuous, binary, ordinal or time-to-event outcome under a genetic
    model; every row states locus, model, effect allele, groups, n, estimate, CI, test and p."""
    from genoassoc.analysis.association import associate

    if event_col and outcome and not time_col:
        click.echo("genoassoc: note: a survival time is now given as --time (with --event)", err=True)
        time_col, outcome = outcome, None
    if (time_col is None) != (event_col is None):
        raise click.UsageError("--time and --event go together")
    if outcome is None and time_col is None:
        raise click.UsageError("give --outcome COLUMN, or --time and --event")
    from concurrent.futures import ThreadPoolExecutor

    options = read_options()
    # the phenotype table is parsed (by pyarrow, outside the interpreter lock) beside the calls table
    with ThreadPoolExecutor(1) as reader:
        reading = reader.submit(_pheno_then_models, pheno, options, None if time_col else outcome, outcome_type,
                                case_level)
        calls, catalog = load_calls(choose_calls(calls_file, calls_option), panel,
                                    _ASSOCIATION_MODULES["survival" if time_col else "outcome"], True, options)
        phenotypes = reading.result()
    result = associate(
        calls, phenotypes, locus, outcome, model, time=time_col, event=event_col, catalog=catalog,
        effect_allele=effect_allele, covariates=split(covariates), coding_options=make_coding(),
        outcome_type=outcome_type, case_level=split(case_level) or None, levels=split(levels) or None, log=log,
        exact=exact, firth=firth,
        ties=ties, by=by_column, tau=tau, p_adjust=p_adjust,
    )
    from genoassoc.report.publication import association_table

    write_result(result, output, fmt, lambda: association_table(result, outcome or time_col))
    notes(result.notes)


@main.command("rmst")
@O.calls_argument
@O.pheno
@O.genotypes(locus_required=True)
@O.survival()
@O.tau
@O.output_options(TABLE_FORMATS)
def rmst_command(calls_file, pheno, calls_option, locus, model, effect_allele, panel, time_col, event_col,
                 tau, output, fmt) -> None:
    """Restricted mean survival time to --tau per genotype group (R survival rmean) and each group's
    difference from the reference group with 95% CI and p."""
    from genoassoc.analysis.restricted_mean import rmst
    from genoassoc.report.publication import rmst_publication

    calls, catalog = load_calls(choose_calls(calls_file, calls_option), panel)
    result = rmst(calls, read_pheno(pheno), locus, model, time=time_col, event=event_col, tau=tau,
                  effect_allele=effect_allele, catalog=catalog)
    write_result(result, output, fmt, lambda: rmst_publication(result, time_col))
    notes(result.notes)


def parse_times(value: str | None) -> list[float]:
    times = []
    for item in split((value,)):
        try:
            times.append(float(item))
        except ValueError:
            raise click.UsageError(f"--at takes times separated by commas (12,24), got '{item}'") from None
    return times


@main.command("competing")
@O.calls_argument
@O.pheno
@O.genotypes(locus_required=True)
@O.competing
@click.option("--at", "at_times", help="Times for the cumulative incidence, comma-separated (default: a quarter, "
                                       "half and three quarters of the longest follow-up).")
@O.covariates
@O.coding
@O.output_options(TABLE_FORMATS)
def competing_command(calls_file, pheno, calls_option, locus, model, effect_allele, panel, time_col,
                      cause_col, failcode, cencode, at_times, covariates, output, fmt) -> None:
    """Competing risks by genotype (R cmprsk): cumulative incidence of each cause per group at --at
    times, Gray's test, and Fine-Gray subdistribution hazard ratios with 95% CI and p."""
    from genoassoc.analysis.competing_risks import competing_risks, default_times
    from genoassoc.report.publication import competing_publication

    calls, catalog = load_calls(choose_calls(calls_file, calls_option), panel)
    phenotypes = read_pheno(pheno)
    times = parse_times(at_times) or default_times(phenotypes, time_col)
    result = competing_risks(calls, phenotypes, locus, model, time=time_col, cause=cause_col, failcode=failcode,
                             cencode=cencode, at=times, covariates=split(covariates), effect_allele=effect_allele,
                             catalog=catalog, coding_options=make_coding())
    write_result(result, output, fmt, lambda: competing_publication(result, time_col))
    notes(result.notes)


@main.command("split-visits")
@click.argument("visits_file", type=click.Path(dir_okay=False))
@O.pheno
@O.survival()
@click.option("--visit-time", required=True, help="Visit time column of the visits table (day, week...).")
@click.option("--value", "value_col", required=True, help="Measured value column of the visits table (il6...).")
@click.option("--visit-unit", type=click.Choice(["days", "weeks", "months", "years"]),
              help="Unit of --visit-time (default: from its name, e.g. day).")
@O.setting("time_unit", type=click.Choice(["days", "weeks", "months", "years"]))
@O.coding
@O.output_options()
def split_visits_command(visits_file, pheno, time_col, event_col, visit_time, value_col, visit_unit,
                         time_unit, output, fmt) -> None:
    """(start, stop] rows per patient with the last measured value carried forward (R survival tmerge),
    for a Cox model with a time-varying covariate:
    genoassoc cox --pheno ROWS --start start --time stop --event EVENT --vars VALUE."""
    from genoassoc.analysis.visits import split_visits

    visits = read_pheno(visits_file, repeated=True)
    result = split_visits(visits, read_pheno(pheno), visit_time=visit_time, value=value_col,
                          time=time_col, event=event_col, visit_unit=visit_unit, time_unit=time_unit,
                          coding_options=make_coding())
    write_tables([(result.table, output)], fmt)
    notes([*result.notes, f"{result.n_intervals} intervals for {result.n_patients} patients"])


@main.command("meta")
@click.argument("estimates_file", type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(["REML", "DL", "FE"]), default="REML", show_default=True,
              help="Random effects by REML or DerSimonian-Laird, or a fixed (common) effect.")
@O.output_options(TABLE_FORMATS)
def meta_command(estimates_file, method, output, fmt) -> None:
    """Pool per-cohort estimates (cohort, hr|or|rr, ci_lo, ci_hi; or cohort, log_estimate, se) as R
    metafor::rma: pooled estimate with 95% CI and p, Cochran's Q and p, I2, H2, tau2.
    Draw it with: genoassoc plot forest META.tsv."""
    from genoassoc.analysis.pooled import pool
    from genoassoc.io.tables import read_table
    from genoassoc.report.publication import meta_publication

    result = pool(read_table(estimates_file, ["cohort"], options=read_options()), method)
    write_result(result, output, fmt, lambda: meta_publication(result))
    notes(result.notes)


longitudinal_options = O.options(
    click.option("--outcome", required=True, help="Measured value column of the visits table (il6...)."),
    click.option("--time", "time_col", required=True, help="Visit time column (day, week...)."),
    O.setting("log"),
    O.setting("random_slope"),
    O.covariates,
    O.coding,
)


@main.command("longitudinal")
@O.calls_argument
@O.pheno
@O.genotypes(locus_required=True)
@longitudinal_options
@O.output_options(TABLE_FORMATS)
def longitudinal_command(calls_file, pheno, calls_option, locus, model, effect_allele, panel, outcome,
                         time_col, log, random_slope, covariates, output, fmt) -> None:
    """Repeated measurements by genotype: linear mixed model outcome ~ time x genotype + (1 | sample)
    by REML (as R lme4::lmer); --pheno is a visits table with several rows per sample. Fixed effects
    with SE, 95% CI and p; random-intercept (and slope) SD and residual SD."""
    from genoassoc.report.publication import longitudinal_publication

    result = run_longitudinal(choose_calls(calls_file, calls_option), pheno, locus, model, effect_allele,
                              panel, outcome, time_col, log, random_slope, covariates)
    write_result(result, output, fmt, lambda: longitudinal_publication(result))
    notes(result.notes)


def run_longitudinal(calls_path, pheno, locus, model, effect_allele, panel, outcome, time_col, log,
                     random_slope, covariates):
    from genoassoc.analysis.longitudinal import longitudinal

    calls, catalog = load_calls(calls_path, panel)
    return longitudinal(calls, read_pheno(pheno, repeated=True), locus, model, outcome=outcome,
                        time=time_col, log=log, random_slope=random_slope, covariates=split(covariates),
                        effect_allele=effect_allele, catalog=catalog,
                        coding_options=make_coding())


@main.command("power")
@click.option("--hr", type=float, required=True, help="Hazard ratio of the genotype (per allele copy if additive).")
@click.option("--maf", type=float, required=True, help="Effect-allele frequency in the population.")
@click.option("--event-rate", type=float, required=True,
              help="Share of patients expected to have the event during follow-up (0-1).")
@click.option("--model", type=click.Choice(["dominant", "recessive", "additive"]), default="dominant",
              show_default=True, help="Genetic model the hazard ratio is assumed under (one exposure: not "
                                      "codominant).")
@click.option("--n", "sizes", help="Cohort sizes to evaluate, comma-separated (e.g. 30,60,100).")
@click.option("--power", "target", type=float, default=0.8, show_default=True, help="Target power.")
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Two-sided significance level.")
@click.option("--simulate", "replicates", type=int, default=1000, show_default=True,
              help="Simulated cohorts per size (0: the closed form only).")
@click.option("--tests", default="logrank,cox,firth", show_default=True, help="Tests to simulate.")
@click.option("--seed", type=int, default=1, show_default=True)
@O.output_options()
def power_command(hr, maf, event_rate, model, sizes, target, alpha, replicates, tests, seed, output, fmt) -> None:
    """Power for a genotype's hazard ratio: Schoenfeld's events and patients under Hardy-Weinberg, and
    the simulated power of log-rank, Cox and Firth tests for cohorts of --n patients."""
    from genoassoc.analysis.power import power_analysis

    try:
        cohort_sizes = [int(value) for value in split((sizes,))]
    except ValueError:
        raise click.UsageError(f"--n takes whole numbers separated by commas, got '{sizes}'") from None
    result = power_analysis(hr, maf, event_rate, model, sizes=cohort_sizes, target=target, alpha=alpha,
                            replicates=replicates, tests=split((tests,)), seed=seed,
                            progress=progress("simulated cohorts"))
    write_tables([(result.table, output)], fmt)
    notes(result.notes)


@main.command("cox", aliases={"--adjust": "--covariates"})
@O.pheno
@O.survival()
@click.option("--start", "start_col", help="Interval start column: (start, stop] rows, several per patient.")
@click.option("--vars", "variables", multiple=True, required=True,
              help="Candidate variables: columns or loci (comma-separate or repeat).")
@O.covariates
@O.setting("dichotomize")
@O.coding
@O.ties
@O.calls
@O.setting("model")
@O.setting("effect_allele")
@O.panel
@O.output_options(TABLE_FORMATS)
def cox_command(pheno, time_col, event_col, start_col, variables, covariates, dichotomize, ties,
                calls_option, model, effect_allele, panel, output, fmt) -> None:
    """Table 2: each variable alone in a Cox model, then all together (hazard ratios, 95% CI, p). A locus
    in --vars with --calls enters under --model (additive: per allele copy)."""
    from genoassoc.analysis.cox_regression import cox_table
    from genoassoc.loci import load_catalog

    phenotypes = read_pheno(pheno, repeated=start_col is not None)
    calls, catalog = load_calls(calls_option, panel) if calls_option else (None, load_catalog(panel))
    cut: str | float | None = None
    if dichotomize:
        try:
            cut = "median" if dichotomize == "median" else float(dichotomize)
        except ValueError:
            raise click.UsageError("--dichotomize takes 'median' or a number") from None
    result = cox_table(phenotypes, time_col, event_col, split(variables), split(covariates), cut,
                       make_coding(), ties, calls, catalog, model, start=start_col,
                       effect_allele=effect_allele)
    from genoassoc.report.publication import cox_publication

    write_result(result, output, fmt, lambda: cox_publication(result, time_col))
    notes(result.notes)


@main.command("cutpoint")
@O.pheno
@click.option("--marker", required=True, help="Continuous biomarker column (e.g. il6).")
@O.survival(required=False)
@click.option("--response", help="Binary response column (instead of --time/--event).")
@O.setting("case_level")
@O.setting("min_prop")
@O.setting("permutations")
@click.option("--validate", "validation_file", type=click.Path(dir_okay=False),
              help="Validation cohort: the discovery cuts are applied unchanged.")
@O.ties
@O.coding
@click.option("--cuts-output", type=click.Path(dir_okay=False),
              help="Every candidate cut with its statistic and hazard ratio, for the HR-by-cut plot.")
@O.output_options(TABLE_FORMATS)
def cutpoint_command(pheno, marker, time_col, event_col, response, case_level, min_prop, permutations,
                     validation_file, ties, cuts_output, output, fmt) -> None:
    """Median split and optimal cut-point of a biomarker (maximally selected log-rank statistic as R
    maxstat, or ROC/Youden for a response), applied unchanged to a validation cohort."""
    from genoassoc.analysis.cutpoints import response_cutpoint, survival_cutpoint

    if response is None and (time_col is None or event_col is None):
        raise click.UsageError("give --time and --event, or --response")
    if not 0 < min_prop < 0.5:
        raise click.UsageError("--min-prop must be between 0 and 0.5")
    options = make_coding()
    discovery = read_pheno(pheno)
    validation = read_pheno(validation_file) if validation_file else None
    if response is not None:
        result = response_cutpoint(discovery, marker, response, validation=validation, coding_options=options,
                                   case_level=split(case_level) or None)
    else:
        result = survival_cutpoint(discovery, marker, time_col, event_col, validation=validation, min_prop=min_prop,
                                   permutations=permutations, ties=ties, coding_options=options,
                                   progress=progress("permutations"), cut_hazard_ratios=bool(cuts_output))
    from genoassoc.report.publication import cutpoint_publication

    write_result(result, output, fmt, lambda: cutpoint_publication(result, marker))
    if cuts_output:
        write_tables([(result.cuts, cuts_output)], "tsv")
    notes(result.notes)


@main.command("corr")
@O.pheno
@click.option("--x", "x_column", required=True, help="First variable (e.g. il6).")
@click.option("--y", "y_column", required=True, help="Second variable (e.g. c0).")
@click.option("--method", type=click.Choice(["spearman", "pearson", "kendall"]), default="spearman", show_default=True)
@O.coding
@O.output_options(TABLE_FORMATS)
def corr_command(pheno, x_column, y_column, method, output, fmt) -> None:
    """Correlation with its p (and CI for Pearson) as R's cor.test."""
    from genoassoc.analysis.continuous import correlation

    result = correlation(read_pheno(pheno), x_column, y_column, method,
                         make_coding())
    from genoassoc.report.publication import correlation_publication

    write_result(result, output, fmt, lambda: correlation_publication(result))
    notes(result.notes)


@main.command("paired")
@O.pheno
@click.option("--before", required=True, help="Column measured before treatment (e.g. il6_pre).")
@click.option("--after", required=True, help="Column measured after treatment (e.g. il6_post).")
@O.setting("exact")
@O.coding
@O.output_options(TABLE_FORMATS)
def paired_command(pheno, before, after, exact, output, fmt) -> None:
    """Paired change of a biomarker: Wilcoxon signed-rank test as R's wilcox.test(paired = TRUE)."""
    from genoassoc.analysis.continuous import paired

    result = paired(read_pheno(pheno), before, after, exact, make_coding())
    from genoassoc.report.publication import paired_publication

    write_result(result, output, fmt, lambda: paired_publication(result))
    notes(result.notes)


@main.command("table1")
@O.pheno
@click.option("--by", "by_column", help="Grouping column (arm, cohort); or group by genotype with --calls.")
@O.genotypes()
@click.option("--vars", "variables", multiple=True, help="Variables to describe (default: every column).")
@click.option("--normal", type=click.Choice(["auto", "normal", "nonnormal"]), default="auto", show_default=True,
              help="Summaries of numeric variables: by Shapiro-Wilk per group, or forced.")
@O.coding
@O.output_options(TABLE_FORMATS)
def table1_command(pheno, by_column, calls_option, locus, model, effect_allele, panel, variables, normal,
                   output, fmt) -> None:
    """Table 1: n (%), median (IQR) or mean +/- SD per group, the fitting test and missing counts."""
    from genoassoc.analysis.baseline import table1
    from genoassoc.report.publication import table1_publication

    if (by_column is None) == (calls_option is None):
        raise click.UsageError("group by a column (--by) or by genotype (--calls with --locus and --model)")
    calls, catalog = load_calls(calls_option, panel) if calls_option else (None, None)
    result = table1(read_pheno(pheno), by_column, split(variables) or None, normal,
                    make_coding(), calls=calls, locus=locus, model=model,
                    effect_allele=effect_allele, catalog=catalog)
    write_result(result, output, fmt, lambda: table1_publication(result))
    notes(result.notes)
