"""The study report (`report`) and publication figures (`plot`)."""

from __future__ import annotations

from typing import Any

import click

from genoassoc.cli import main
from genoassoc.cli import options as O  # noqa: N812
from genoassoc.cli.association import longitudinal_options, run_longitudinal
from genoassoc.cli.common import (
    READ_KEY,
    Group,
    load_calls,
    make_coding,
    notes,
    read_options,
    read_pheno,
    refuse_overwriting_inputs,
    save_figure,
    split,
)
from genoassoc.cli.options import READING
from genoassoc.errors import InputError
from genoassoc.io.columns import parse_columns
from genoassoc.study import SETTINGS

# read options are every command's own (--encoding, --sheet, --sample-col...); the rest override the study file
_REPORT_SETTINGS = [name for name in SETTINGS if name not in READING]


def _print_settings(ctx: click.Context, _: Any, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from genoassoc.study import settings_help

    click.echo(settings_help(), nl=False)
    ctx.exit()


def _setting_option(name: str):
    """A report option for every study setting (default: the study file's value)."""
    entry = SETTINGS[name]
    flag = entry.option
    meaning = entry.meaning
    if entry.kind == "bool":
        return click.option(f"{flag}/--no-{flag[2:]}", name, default=None, help=meaning)
    if entry.kind in ("list", "paths", "outcomes"):
        return click.option(flag, name, multiple=True, help=meaning + " (comma-separate or repeat)")
    if entry.kind == "pairs":
        return click.option(flag, name, multiple=True, help=meaning + " (A,B; repeat)")
    if entry.kind == "floats":
        return click.option(flag, name, help=meaning + " (comma-separated)")
    types = {"int": int, "float": float, "path": click.Path(dir_okay=False), "folder": click.Path(file_okay=False)}
    kind = click.Choice(list(entry.choices)) if entry.choices else types.get(entry.kind, str)
    return click.option(flag, name, type=kind, default=None, help=meaning)


def _study_options(command):
    for name in reversed(_REPORT_SETTINGS):
        command = _setting_option(name)(command)
    return command


def _given(name: str, value: Any) -> Any:
    """A report option's value in the study file's form."""
    kind = SETTINGS[name].kind
    if kind in ("list", "paths", "outcomes"):
        return split(value) if value else None
    if kind == "pairs":
        pairs = [split((item,)) for item in value]
        bad = [item for item, pair in zip(value, pairs, strict=True) if len(pair) != 2]
        if bad:
            raise click.UsageError(f"--{name.replace('_', '-')} takes two columns A,B; got '{bad[0]}'")
        return pairs or None
    if kind == "floats":
        if value is None:
            return None
        try:
            return [float(item) for item in split((value,))]
        except ValueError:
            raise click.UsageError(f"--{name.replace('_', '-')} takes numbers separated by commas") from None
    return value


@main.command("report")
@click.argument("study_file", required=False, type=click.Path(dir_okay=False))
@click.option("--help-settings", is_flag=True, is_eager=True, expose_value=False, callback=_print_settings,
              help="Print the study-file settings (with their defaults and options) and exit.")
@_study_options
@click.option("--time", "time_col", help="Survival time column (with --event: one survival pair).")
@click.option("--event", "event_col", help="Survival event column.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
@click.pass_context
def report_command(ctx: click.Context, study_file, time_col, event_col, output, **settings) -> None:
    """One self-contained HTML report (QC, Table 1, association, survival, cut-points, ELISA, versions)
    from a TOML study file and/or options; every study setting is also an option here, with the same
    name and meaning as in the other commands, and options override the file. Publication tables in
    the page, the machine tables attached as TSV; see --help-settings for the settings."""
    import dataclasses

    from genoassoc.io.records import write_text
    from genoassoc.report.html import build_report
    from genoassoc.study import check_value, load_study, make_study

    study = load_study(study_file) if study_file else make_study()
    notes(study.notes)
    changes = {}
    for name, value in settings.items():
        value = _given(name, value)
        if value is not None:
            changes[name] = check_value(name, value)
    if (time_col is None) != (event_col is None):
        raise click.UsageError("--time and --event go together")
    if time_col:
        changes["survival"] = [[time_col, event_col]]
    read = ctx.meta[READ_KEY]
    changes.update(encoding=read.encoding or study.encoding, sheet=read.sheet or study.sheet,
                   decimal_comma=read.decimal_comma or study.decimal_comma,
                   sample_col=read.sample_col if read.sample_col != "sample" else study.sample_col,
                   columns=[f"{expected}={name}" for expected, name in (*parse_columns(study.columns), *read.columns)])
    study = dataclasses.replace(study, **changes)
    from genoassoc.study import paths_of

    refuse_overwriting_inputs(ctx, paths_of(study))
    report = build_report(study)
    write_text(report.html, output)
    click.echo(f"report written to {output}: {', '.join(report.sections)}", err=True)
    if report.left_out:
        click.echo(f"not asked for by the settings: {', '.join(report.left_out)}", err=True)


# ----------------------------------------------------------------------------------------------- plots

@main.group("plot", cls=Group)
def plot_group() -> None:
    """Publication figures (PNG at 300 dpi, SVG or PDF by the -o extension)."""


def _associate(calls_option, phenotypes, locus, model, effect_allele, panel, **options):
    """The association result a genotype figure draws (its samples, groups and test)."""
    from genoassoc.analysis.association import associate

    if locus is None:
        raise click.UsageError("grouping by genotype needs --locus")
    calls, catalog = load_calls(calls_option, panel)
    result = associate(calls, phenotypes, locus, model=model, catalog=catalog, effect_allele=effect_allele,
                       **options)
    notes(result.notes)
    return result


def _groups(phenotypes, by_column, calls_option, locus, model, effect_allele, panel, coding_options=None):
    """(group label per sample, labels in order, legend title) from a column or from genotypes."""
    from genoassoc import phenotypes as coding

    if (by_column is None) == (calls_option is None):
        raise click.UsageError("group by a column (--by) or by genotype (--calls with --locus and --model)")
    if by_column:
        values, levels = coding.categorical(phenotypes, by_column, coding_options or coding.Coding())
        return values, levels, by_column
    if locus is None:
        raise click.UsageError("grouping by genotype needs --locus")
    from genoassoc.analysis.genotyped import join_genotypes

    calls, catalog = load_calls(calls_option, panel)
    genotyped = join_genotypes(calls, phenotypes, locus, catalog)
    notes(genotyped.report.messages())
    labels, encoding, title = genotyped.group_column(model, effect_allele)
    return labels.reindex(phenotypes.index), list(encoding.groups), title


@plot_group.command("km")
@O.pheno
@O.survival()
@O.by_column
@O.genotypes()
@click.option("--ci", is_flag=True, help="Draw 95% confidence bands.")
@O.setting("time_unit")
@click.option("--xlabel", help="The x-axis label in full (default: Time (unit)).")
@O.figure_output
def plot_km(pheno, time_col, event_col, by_column, calls_option, locus, model, effect_allele, panel, ci,
            time_unit, xlabel, output) -> None:
    """Kaplan-Meier curves with censoring marks, numbers at risk under the axis ticks and the log-rank p
    (by genotype: the samples and the log-rank p of genoassoc assoc --time --event)."""
    from genoassoc import phenotypes as coding
    from genoassoc.report import figures

    phenotypes = read_pheno(pheno)
    unit = time_unit or figures.time_unit(time_col)
    if calls_option and not by_column:
        result = _associate(calls_option, phenotypes, locus, model, effect_allele, panel, time=time_col,
                            event=event_col)
        save_figure(figures.association_plot(result, unit=unit, ci=ci, xlabel=xlabel or ""), output)
        return
    groups, labels, title = _groups(phenotypes, by_column, calls_option, locus, model, effect_allele, panel)
    times, events = coding.times(phenotypes, time_col), coding.events(phenotypes, event_col)
    keep, dropped = coding.complete_cases({time_col: times, event_col: events, "group": groups})
    notes([dropped.message()])
    save_figure(figures.kaplan_meier_plot(times[keep], events[keep], groups[keep], labels, xlabel=xlabel or "",
                                          unit=unit, legend_title=title, ci=ci), output)


@plot_group.command("cif")
@O.pheno
@O.genotypes(locus_required=True)
@O.competing
@O.setting("time_unit")
@O.figure_output
def plot_cif(pheno, calls_option, locus, model, effect_allele, panel, time_col, cause_col, failcode,
             cencode, time_unit, output) -> None:
    """Cumulative incidence curves by genotype group: the cause of interest solid, the competing cause
    dashed, with Gray's test p (R cmprsk)."""
    from genoassoc.analysis.competing_risks import competing_risks
    from genoassoc.report import figures

    if not calls_option:
        raise click.UsageError("give the calls table with --calls")
    calls, catalog = load_calls(calls_option, panel)
    result = competing_risks(calls, read_pheno(pheno), locus, model, time=time_col, cause=cause_col,
                             failcode=failcode, cencode=cencode, effect_allele=effect_allele, catalog=catalog)
    notes(result.notes)
    save_figure(figures.incidence_plot(result, unit=time_unit or figures.time_unit(time_col)), output)


@plot_group.command("spaghetti")
@O.pheno
@O.genotypes(locus_required=True)
@longitudinal_options
@O.figure_output
def plot_spaghetti(pheno, calls_option, locus, model, effect_allele, panel, outcome, time_col, log,
                   random_slope, covariates, output) -> None:
    """Each sample's measurements over time coloured by genotype group, with the mixed model's fitted
    mean per group (genoassoc longitudinal)."""
    from genoassoc.report.figures import spaghetti_plot

    result = run_longitudinal(calls_option, pheno, locus, model, effect_allele, panel, outcome, time_col,
                              log, random_slope, covariates)
    notes(result.notes)
    save_figure(spaghetti_plot(result), output)


@plot_group.command("box")
@O.pheno
@click.option("--outcome", required=True)
@O.by_column
@O.genotypes()
@O.setting("log_axes", "--log-axes", help="Draw the outcome on a log axis.")
@O.coding
@O.figure_output
def plot_box(pheno, outcome, by_column, calls_option, locus, model, effect_allele, panel, log_axes,
             output) -> None:
    """Box and strip plot of a continuous outcome by group with the rank-test p (by genotype: the samples
    and the test of genoassoc assoc --outcome)."""
    from genoassoc import phenotypes as coding
    from genoassoc.report.figures import association_plot, box_plot
    from genoassoc.stats.continuous import kruskal_wallis, mann_whitney

    options = make_coding()
    phenotypes = read_pheno(pheno)
    if calls_option and not by_column:
        result = _associate(calls_option, phenotypes, locus, model, effect_allele, panel, outcome=outcome,
                            coding_options=options, outcome_type="continuous")
        save_figure(association_plot(result, log_axes=log_axes), output)
        return
    groups, labels, title = _groups(phenotypes, by_column, calls_option, locus, model, effect_allele, panel, options)
    values = coding.numeric(phenotypes, outcome, options)
    keep, dropped = coding.complete_cases({outcome: values, "group": groups})
    notes([dropped.message()])
    labels = [label for label in labels if (groups[keep] == label).any()]
    samples = [values[keep & (groups == label)].to_numpy(float) for label in labels]
    if len(samples) < 2:
        raise InputError("a box plot by group needs at least two groups with values")
    test = mann_whitney(*samples) if len(samples) == 2 else kruskal_wallis(samples)
    save_figure(box_plot(values[keep], groups[keep], labels, ylabel=outcome, xlabel=title, p=test.p, test=test.test,
                   log=log_axes), output)


@plot_group.command("scatter")
@O.pheno
@click.option("--x", "x_column", required=True)
@click.option("--y", "y_column", required=True)
@O.coding
@O.figure_output
def plot_scatter(pheno, x_column, y_column, output) -> None:
    """Scatter of two variables with Spearman's r and p (as R cor.test)."""
    from genoassoc import phenotypes as coding
    from genoassoc.report.figures import scatter_plot
    from genoassoc.stats.correlation import correlate

    options = make_coding()
    phenotypes = read_pheno(pheno)
    x, y = coding.numeric(phenotypes, x_column, options), coding.numeric(phenotypes, y_column, options)
    keep, _ = coding.complete_cases({x_column: x, y_column: y})
    result = correlate(x[keep], y[keep], "spearman")
    save_figure(scatter_plot(x[keep], y[keep], xlabel=x_column, ylabel=y_column, r=result.estimate, p=result.p), output)


@plot_group.command("forest")
@click.argument("cox_file", type=click.Path(dir_okay=False))
@click.option("--adjusted/--univariable", default=True, show_default=True)
@O.figure_output
def plot_forest(cox_file, adjusted, output) -> None:
    """Forest plot of a `genoassoc cox` table, or of a `genoassoc meta` table (squares by weight,
    the pooled diamond)."""
    from genoassoc.io.tables import numeric_column, read_table
    from genoassoc.report.figures import forest_plot, meta_forest_plot

    table = read_table(cox_file, options=read_options())
    if {"row", "cohort", "weight"} <= set(table.columns):
        numbers = ("estimate", "ci_lo", "ci_hi", "weight", "p", "i2", "tau2", "q", "q_df", "q_p")
        save_figure(meta_forest_plot(table.assign(**{name: numeric_column(table, name) for name in numbers})), output)
        return
    table = read_table(cox_file, ["term", "hr", "ci_lo", "ci_hi", "p"], options=read_options())
    suffix = "_adjusted" if adjusted else ""
    columns = {name: numeric_column(table, name + suffix) for name in ("hr", "ci_lo", "ci_hi", "p")}
    for name in ("hr", "ci_lo", "ci_hi"):
        bad = columns[name] <= 0
        if bad.any():
            raise InputError(f"a hazard ratio or its limit must be above 0 (a log axis), got "
                             f"{columns[name][bad].iloc[0]:g}", cox_file, int(bad.idxmax()), name + suffix)
    save_figure(forest_plot(table.assign(**columns)), output)


@plot_group.command("cutpoint")
@click.argument("cuts_file", type=click.Path(dir_okay=False))
@click.option("--marker", required=True)
@click.option("--cut", type=float, help="Chosen cut to mark (default: the cut with the largest statistic).")
@O.figure_output
def plot_cutpoint(cuts_file, marker, cut, output) -> None:
    """Hazard ratio and log-rank statistic across candidate cuts (`genoassoc cutpoint --cuts-output`)."""
    from genoassoc.io.tables import numeric_column, read_table
    from genoassoc.report.figures import cutpoint_plot

    table = read_table(cuts_file, ["cut", "statistic", "hazard_ratio", "ci_lo", "ci_hi"], options=read_options())
    frame = table.assign(**{name: numeric_column(table, name)
                            for name in ("cut", "statistic", "hazard_ratio", "ci_lo", "ci_hi")})
    save_figure(cutpoint_plot(frame, marker=marker, chosen=cut), output)


@plot_group.command("gel")
@click.argument("calls_file", type=click.Path(dir_okay=False))
@click.option("--locus", help="Only this locus.")
@O.panel
@O.figure_output
def plot_gel(calls_file, locus, panel, output) -> None:
    """Virtual gel of RFLP calls: observed bands beside the expected pattern of each call."""
    from genoassoc.report.figures import virtual_gel

    calls, catalog = load_calls(calls_file, panel)
    if locus:
        calls = calls[calls["locus"] == (catalog.resolve(locus).id if locus in catalog else locus)]
    if "matched_bp" not in calls.columns:
        raise InputError("not an RFLP calls table (no observed_bp/matched_bp evidence)", calls_file)
    save_figure(virtual_gel(calls), output)


