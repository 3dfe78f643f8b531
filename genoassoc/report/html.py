"""One self-contained HTML study report: a list of sections, each rendering the result of one
analysis (`genoassoc.analysis`) run with the study's settings (`genoassoc.study`), the same functions
and settings the commands use: genotype calls and QC, PK, ELISA, Table 1, association with IL-6,
exposure and response, survival (with restricted mean survival), competing risks, repeated
measurements, Table 2 and biomarker cut-points, with the parameters, inputs (SHA-256) and package
versions that produced it. Figures are drawn from the results (the samples each analysed), never from
a selection of their own. The body shows publication tables (`genoassoc.report.publication`) and
figures; each machine table (full precision) is attached as a downloadable TSV inside the same file.
Figures are embedded as SVG, so the file opens offline in any browser.

A report refuses to be written when it would be empty, or when a section its settings ask for cannot
be built (a cut-point marker without its cohort); sections the settings do not ask for are listed as
left out.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from genoassoc import __version__
from genoassoc.errors import InputError
from genoassoc.report.markup import Markup, element, join
from genoassoc.study import Study, coding_of, load_study, paths_of, read_options_of, settings_help  # noqa: F401

# --------------------------------------------------------------------------------------------- rendering

@dataclass(frozen=True)
class Section:
    """A report section: a title and its HTML parts (tables, figures, text)."""

    title: str
    parts: tuple[Markup, ...]

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


def _figure_html(figure: Any, caption: str, wide: bool = False) -> Markup:
    from genoassoc.report.figures import STYLE, plt

    # SVG: sharp at any zoom, smaller than a PNG of these plots, and half the rendering time
    buffer = io.BytesIO()
    with plt.style.context(STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return element("figure", element("img", alt=caption, src=f"data:image/svg+xml;base64,{encoded}"),
                   element("figcaption", caption), class_="wide" if wide else None)


def _attachment(machine: pd.DataFrame, name: str) -> Markup:
    """A machine table as a TSV attachment inside the page."""
    from genoassoc.io.tables import format_table

    data = base64.b64encode(format_table(machine).encode()).decode()
    return element("p", element("a", f"machine table ({name}.tsv, full precision)", download=f"{name}.tsv",
                                href=f"data:text/tab-separated-values;base64,{data}"), class_="download")


def _table(publication: Any, result: Any, name: str) -> Markup:
    """The publication table with the result's notes as footnotes, and its machine table as a TSV
    attachment inside the page."""
    from genoassoc.report.publication import to_html, with_notes

    return join([to_html(with_notes(publication, result.notes)), _attachment(result.table, name)])


def _plain_table(table: pd.DataFrame, caption: str, columns: list[str]) -> Markup:
    from genoassoc.report.publication import number

    table = table[[column for column in columns if column in table.columns]]
    head = element("tr", *(element("th", str(column)) for column in table.columns))
    body = (element("tr", *(element("td", number(value) if isinstance(value, float) else value)
                            for value in row)) for row in table.itertuples(index=False))
    return element("table", element("caption", caption), element("thead", head), element("tbody", *body),
                   class_="publication plain")


def _file_record(path: str | None) -> Markup:
    if not path:
        return Markup("")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return element("tr", element("td", Path(path).name), element("td", element("code", digest.hexdigest())))


def _versions() -> list[tuple[str, str]]:
    rows = [("genoassoc", __version__), ("python", platform.python_version())]
    for package in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "pysam", "biopython"):
        try:
            rows.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            rows.append((package, "not installed"))
    return rows


# -------------------------------------------------------------------------------------------- the data

@dataclass
class _Inputs:
    """What the sections share: read once, used by many."""

    study: Study
    catalog: Any
    calls: pd.DataFrame | None = None
    phenotypes: pd.DataFrame | None = None
    exposure: Any = None
    genotype_groups: Any = None
    gel_reading: Any = None
    gel_table: Any = None
    elisa: Any = None


def _load(study: Any) -> _Inputs:
    from genoassoc.calls import read_calls, validate_calls
    from genoassoc.loci import load_catalog
    from genoassoc.phenotypes import read_phenotypes

    options = read_options_of(study)
    inputs = _Inputs(study, load_catalog(study.panel))
    calling = {"tolerance": study.tolerance, "min_band": study.min_band, "het_min_ratio": study.het_min_ratio,
               "strict_bands": study.strict_bands}
    if study.gel_image:
        from genoassoc.assays import load_assays
        from genoassoc.calling.gel_image import band_table, ladder, parse_overrides, read_gel, read_layout
        from genoassoc.calling.rflp import call_rflp

        if not (study.gel_layout and study.gel_ladder):
            raise InputError("the study's gel_image needs gel_layout and gel_ladder (see genoassoc report "
                             "--help-settings)")
        layout = read_layout(study.gel_layout, options)
        overrides = parse_overrides(study.gel_wells_row or None, [str(item) for item in study.gel_lanes],
                                    study.gel_crop or None, study.gel_bands)
        if study.gel_corrections:
            from genoassoc.calling.gel_review import apply_corrections, read_corrections

            inputs.gel_reading = apply_corrections(study.gel_image, layout,
                                                   read_corrections(study.gel_corrections, study.gel_image), overrides)
        else:
            inputs.gel_reading = read_gel(study.gel_image, layout, ladder(study.gel_ladder), overrides=overrides)
        inputs.gel_table = band_table(inputs.gel_reading, layout)
        inputs.calls = validate_calls(call_rflp(inputs.gel_table, load_assays(study.assays, inputs.catalog),
                                                catalog=inputs.catalog, **calling), inputs.catalog)
    elif study.rflp:
        from genoassoc.assays import load_assays
        from genoassoc.calling.rflp import call_rflp

        inputs.calls = validate_calls(call_rflp(study.rflp, load_assays(study.assays, inputs.catalog),
                                                catalog=inputs.catalog, options=options, **calling), inputs.catalog)
    elif study.calls:
        inputs.calls = read_calls(study.calls, inputs.catalog, options=options)
    if study.pk:
        from genoassoc.analysis.exposure import pk
        from genoassoc.io.pk_samples import read_pk_samples

        inputs.exposure = pk(read_pk_samples(study.pk, options=options))
    if study.elisa_plates:
        inputs.elisa = _elisa(study)
    if study.pheno:
        inputs.phenotypes = read_phenotypes(study.pheno, options=options)
        if inputs.exposure is not None:
            from genoassoc.io.records import float_text

            exposure = inputs.exposure.table.set_index("sample")
            for column in ("auc_0_24", "cmax", "half_life"):
                if column not in inputs.phenotypes.columns:
                    values = exposure[column].reindex(inputs.phenotypes.index)
                    inputs.phenotypes[column] = values.map(lambda value: "" if value != value else float_text(value))
        if inputs.elisa is not None and study.analyte not in inputs.phenotypes.columns:
            # the plate's values as the command line writes them ('<3.13' included), so the phenotype coding
            # (below_lloq) treats them exactly as it treats a table from genoassoc elisa
            values = inputs.elisa.table.set_index("sample")[study.analyte]
            inputs.phenotypes[study.analyte] = values.reindex(inputs.phenotypes.index).fillna("")
    return inputs


def used_paths(study: Any) -> list[str]:
    """The input files the report reads for the sections its settings ask for, in the order it reads
    them: nothing else is opened or hashed (a path setting no section uses is left alone)."""
    paths = [study.panel]
    if study.gel_image:
        paths += [study.gel_image, study.gel_layout, study.gel_corrections, study.assays]
    elif study.rflp:
        paths += [study.rflp, study.assays]
    else:
        paths.append(study.calls)
    if study.sanger:
        from genoassoc.calling.sanger import trace_files

        paths += [str(path) for path in trace_files(study.sanger)] + [study.reference]
    paths += [study.pk, *study.elisa_plates, study.elisa_layout if study.elisa_plates else None, study.pheno]
    if any((study.cutpoint_marker, study.cutpoint_time, study.cutpoint_event, study.cutpoint_pheno)):
        paths += [study.cutpoint_pheno, study.cutpoint_validate]
    if any((study.visits, study.visits_outcome, study.visits_time)):
        paths.append(study.visits)
    return [path for path in dict.fromkeys(paths) if path]


def _elisa(study: Any) -> Any:
    from genoassoc.analysis.elisa import elisa, parse_standards
    from genoassoc.io.plates import read_layout

    if not study.elisa_layout:
        raise InputError("the study's elisa_plates need elisa_layout (see genoassoc report --help-settings)")
    options = read_options_of(study)
    return elisa(study.elisa_plates, read_layout(study.elisa_layout, options),
                 standards=parse_standards(study.standards), curve=study.curve, weights=study.weights,
                 max_cv=study.max_cv, lloq=study.lloq, uloq=study.uloq, analyte=study.analyte,
                 wavelength=study.wavelength, correction=study.correction, options=options)


def _elisa_section(inputs: _Inputs) -> Section:
    from genoassoc.report import figures

    result = inputs.elisa
    parts = [_figure_html(figures.standard_curve_plot(result, curve.plate),
                          f"Plate {curve.plate}: standard curve ({curve.fit.model.upper()}), standards and samples; "
                          f"LLOQ {curve.lloq:g}, ULOQ {curve.uloq:g}") for curve in result.curves]
    parts += [element("p", note) for note in result.notes]
    parts.append(join([_plain_table(result.qc, "Per plate: standards' recovery (80-120%), blanks and controls",
                                    list(result.qc.columns)), _attachment(result.qc, "elisa_qc")]))
    parts.append(join([_plain_table(result.parameters,
                                    "Standard curves: parameters (log concentration), residual SE, R²",
                                    list(result.parameters.columns)), _attachment(result.parameters, "elisa_curves")]))
    flagged = result.table[result.table[f"{result.analyte}_flag"] != ""]
    parts.append(join([_plain_table(flagged, "Flagged samples",
                                    ["sample", result.analyte, f"{result.analyte}_flag", "plate"]),
                       _attachment(result.table, result.analyte)]))
    return Section("ELISA: " + result.analyte, tuple(parts))


def _unit(study: Any, column: str) -> str:
    from genoassoc.report.figures import time_unit

    return study.time_unit or time_unit(column)


# ------------------------------------------------------------------------------------------- sections

def _calls_section(inputs: _Inputs) -> Section:
    from genoassoc.report import figures

    calls, study = inputs.calls, inputs.study
    shown = calls[calls["locus"] == inputs.catalog.resolve(study.locus).id] if study.locus else calls
    learned = calls.attrs.get("learned", [])
    parts = [_figure_html(figures.virtual_gel(shown), "Virtual gel: observed bands beside the expected pattern",
                          wide=True)]
    if inputs.gel_reading is not None:
        labels = {}
        genotype = {(row["sample"]): row["genotype"] or "no call" for _, row in shown.iterrows()}
        for _, row in inputs.gel_table.iterrows():
            tier = int(row["gel"].rsplit("tier", 1)[1]) if ":tier" in row["gel"] else 1
            labels[(tier, int(row["lane"]))] = f"{row['sample']}\n{genotype.get(row['sample'], '')}"
        parts.insert(0, _figure_html(figures.gel_overlay(inputs.gel_reading, labels),
                                     "The gel photo as read: lanes, bands with their sizes (bp) and the calls",
                                     wide=True))
        parts += [element("p", note) for note in inputs.gel_reading.notes]
    if learned:
        parts.append(element("ul", *(element("li", item.summary()) for item in learned), class_="learned"))
    parts.append(_plain_table(calls[calls["status"] == "no_call"], "No-calls and their reasons",
                              ["sample", "locus", "reason", "observed_bp"]))
    return Section("Genotype calls from the gels", tuple(parts))


def _sanger_section(inputs: _Inputs) -> Section:
    """The calls confirmed by Sanger traces: the concordance table (as genoassoc concordance), the
    discordant pairs, the traces' no-calls, and each sample's trace at the site."""
    import pandas as pd

    from genoassoc.calling.sanger import COLUMNS, read_sanger
    from genoassoc.calls import validate_calls
    from genoassoc.qc.concordance import concordance

    study, calls = inputs.study, inputs.calls
    wanted = [inputs.catalog.resolve(study.locus)] if study.locus else \
        [inputs.catalog.resolve(name) for name in dict.fromkeys(calls["locus"].astype(str))]
    result = read_sanger(study.sanger, wanted, pattern=study.sample_pattern, reference=study.reference,
                         min_quality=study.min_quality)
    sanger = validate_calls(pd.DataFrame(result.rows, columns=COLUMNS), inputs.catalog)
    summary, discordant = concordance(calls, sanger)
    primary = "gels" if (study.rflp or study.gel_image) else "calls"
    # the two sets named for the reader: a = the study's calls, b = the traces
    def named(column: str) -> str:
        if column.endswith(("_a", "_b")):
            return column[:-2] + (f"_{primary}" if column.endswith("_a") else "_sanger")
        return column.replace("_a_", f"_{primary}_").replace("_b_", "_sanger_")

    names = {column: named(column) for column in [*summary.columns, *discordant.columns]}
    summary, discordant = summary.rename(columns=names), discordant.rename(columns=names)
    parts = [_plain_table(summary, f"Agreement of the {primary} with the Sanger traces (pairs both called)",
                          list(summary.columns)),
             element("p", "The SNP was found in each read by the bases beside it: "
                     + "; ".join(f"{locus}, {origin}" for locus, origin in result.flanks.items()) + ".")]
    if len(discordant):
        parts.append(_plain_table(discordant, "Discordant pairs", list(discordant.columns)))
    failed = sanger[sanger["status"] == "no_call"]
    if len(failed):
        parts.append(_plain_table(failed, "Traces without a call, and why", ["sample", "locus", "reason"]))
    shown = result.figures(limit=24)
    parts += [_figure_html(figure, f"Sanger trace of {name.removesuffix('.png')} at the site (dashed)")
              for name, figure in shown]
    if len(result.shown) > len(shown):
        parts.append(element("p", f"The first {len(shown)} traces are drawn; genoassoc call --sanger --trace-figures "
                                   "draws every one."))
    return Section("Sanger confirmation", tuple(parts))


def _qc_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.genotype_qc import hwe
    from genoassoc.report.publication import hwe_publication

    result = hwe(inputs.calls, inputs.catalog)
    return Section("Genotype QC", (_table(hwe_publication(result), result, "hwe"),))


def _pk_section(inputs: _Inputs) -> Section:
    from genoassoc.report.publication import pk_publication

    return Section("Pharmacokinetics", (_table(pk_publication(inputs.exposure), inputs.exposure, "pk"),))


def _table1_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.baseline import table1
    from genoassoc.report.publication import table1_publication

    study = inputs.study
    result = table1(inputs.phenotypes, variables=study.table1_variables or None, coding_options=coding_of(study),
                    calls=inputs.calls, locus=study.locus, model=study.model, effect_allele=study.effect_allele,
                    catalog=inputs.catalog)
    return Section("Table 1", (_table(table1_publication(result), result, "table1"),))


def _associate(inputs: _Inputs, outcome: Any = None, *, time: str | None = None, event: str | None = None) -> Any:
    """`associate` with the study's settings, as `genoassoc assoc` runs it with the same options."""
    from genoassoc.analysis.association import associate

    study = inputs.study
    column = outcome.column if outcome is not None else None
    kind = outcome.outcome_type if outcome is not None and outcome.outcome_type else study.outcome_type
    cases = outcome.case_level if outcome is not None and outcome.case_level is not None else study.case_level
    order = outcome.levels if outcome is not None and outcome.levels is not None else study.levels
    return associate(inputs.calls, inputs.phenotypes, study.locus, column, study.model, time=time, event=event,
                     catalog=inputs.catalog, effect_allele=study.effect_allele, covariates=study.covariates,
                     coding_options=coding_of(study), outcome_type=None if time else kind,
                     case_level=list(cases) or None, levels=list(order) or None, log=study.log, exact=study.exact,
                     firth=study.firth, ties=study.ties, tau=study.tau, p_adjust=study.p_adjust)


def _association_section(inputs: _Inputs) -> Section:
    from genoassoc.report import figures
    from genoassoc.report.publication import association_table

    study = inputs.study
    parts = []
    for outcome in study.outcomes:
        result = _associate(inputs, outcome)
        parts.append(_table(association_table(result, outcome.column), result, f"assoc_{outcome.column}"))
        figure = figures.association_plot(result, log_axes=study.log_axes)
        if figure is not None:
            parts.append(_figure_html(figure, f"{outcome.column} by {result.title}"))
    return Section("Association with the genotype", tuple(parts))


def _survival_section(inputs: _Inputs, time_column: str, event_column: str) -> Section:
    from genoassoc.report import figures
    from genoassoc.report.publication import association_table

    study = inputs.study
    result = _associate(inputs, time=time_column, event=event_column)
    return Section(f"Survival: {time_column}", (
        _figure_html(figures.association_plot(result, unit=_unit(study, time_column)),
                     f"Kaplan-Meier estimate of {time_column} by {result.title}"),
        _table(association_table(result, time_column), result, f"survival_{time_column}")))


def _correlation_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.continuous import correlation
    from genoassoc.report import figures
    from genoassoc.report.publication import correlation_publication

    parts = []
    for x_column, y_column in inputs.study.correlations:
        result = correlation(inputs.phenotypes, x_column, y_column, "spearman", coding_of(inputs.study))
        parts.append(_figure_html(figures.correlation_plot(result),
                                  f"{y_column} against {x_column} (Spearman, as R cor.test)"))
        parts.append(_table(correlation_publication(result), result, f"correlation_{x_column}_{y_column}"))
    return Section("Correlations", tuple(parts))


def _cox_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.cox_regression import cox_table
    from genoassoc.report import figures
    from genoassoc.report.publication import cox_publication

    study = inputs.study
    time_column, event_column = study.survival[0]
    cut: str | float | None = study.dichotomize
    if cut not in (None, "median"):
        try:
            cut = float(cut)  # type: ignore[arg-type]
        except ValueError:
            raise InputError(f"setting 'dichotomize' is \"{cut}\": expected \"median\" or a number") from None
    result = cox_table(inputs.phenotypes, time_column, event_column, study.cox_vars, study.cox_adjust, cut,
                       coding_of(study), study.ties, calls=inputs.calls, catalog=inputs.catalog, model=study.model,
                       effect_allele=study.effect_allele)
    table = result.table
    forest = table.dropna(subset=["hr_adjusted"]).assign(label=lambda frame: frame["term"])
    parts = [_table(cox_publication(result, time_column), result, "table2")]
    if len(forest):
        parts.append(_figure_html(figures.forest_plot(forest, label="label", estimate="hr_adjusted",
                                                      low="ci_lo_adjusted", high="ci_hi_adjusted", p="p_adjusted",
                                                      title="Multivariable hazard ratio (95% CI)"),
                                  "Forest plot of the multivariable Cox model", wide=True))
    return Section("Table 2: Cox regression", tuple(parts))


def _cutpoint_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.cutpoints import survival_cutpoint
    from genoassoc.phenotypes import read_phenotypes
    from genoassoc.report import figures
    from genoassoc.report.publication import cutpoint_publication

    study = inputs.study
    options = read_options_of(study)
    discovery = read_phenotypes(study.cutpoint_pheno, options=options)
    validation = (read_phenotypes(study.cutpoint_validate, options=options)
                  if study.cutpoint_validate else None)
    marker, time_column = study.cutpoint_marker, study.cutpoint_time
    result = survival_cutpoint(discovery, marker, time_column, study.cutpoint_event, validation=validation,
                               min_prop=study.min_prop, permutations=study.permutations, ties=study.ties,
                               coding_options=coding_of(study))
    parts = [_table(cutpoint_publication(result, marker), result, "cutpoint"),
             _figure_html(figures.cutpoint_plot(result.cuts, marker=marker, chosen=result.cut),
                          "Hazard ratio and standardised log-rank statistic by candidate cut")]
    for cohort in result.data or {}:
        parts.append(_figure_html(figures.cutpoint_split_plot(result, cohort, unit=_unit(study, time_column)),
                                  f"{cohort} cohort split at the discovery cut {result.cut:g}"))
    return Section("Biomarker cut-point", tuple(parts))


def _competing_section(inputs: _Inputs, time_column: str, cause_column: str) -> Section:
    from genoassoc.analysis.competing_risks import competing_risks, default_times
    from genoassoc.report import figures
    from genoassoc.report.publication import competing_publication

    study = inputs.study
    at = study.competing_at or default_times(inputs.phenotypes, time_column)
    result = competing_risks(inputs.calls, inputs.phenotypes, study.locus, study.model, time=time_column,
                             cause=cause_column, failcode=study.failcode, cencode=study.cencode, at=at,
                             covariates=study.covariates, effect_allele=study.effect_allele, catalog=inputs.catalog,
                             coding_options=coding_of(study))
    title = f"{result.table['locus'].iloc[0]}, {study.model}" if len(result.table) else study.model
    return Section(f"Competing risks: {time_column}", (
        _figure_html(figures.incidence_plot(result, unit=_unit(study, time_column)),
                     f"Cumulative incidence of {cause_column} = {study.failcode} and of competing events "
                     f"by {title}"),
        _table(competing_publication(result, time_column), result, f"competing_{time_column}")))


def _visits_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.longitudinal import longitudinal
    from genoassoc.phenotypes import read_phenotypes
    from genoassoc.report import figures
    from genoassoc.report.publication import longitudinal_publication

    study = inputs.study
    visits = read_phenotypes(study.visits, repeated=True, options=read_options_of(study))
    result = longitudinal(inputs.calls, visits, study.locus, study.model, outcome=study.visits_outcome,
                          time=study.visits_time, log=study.visits_log, random_slope=study.random_slope,
                          effect_allele=study.effect_allele, catalog=inputs.catalog,
                          coding_options=coding_of(study))
    return Section(f"Repeated measurements: {study.visits_outcome}", (
        _figure_html(figures.spaghetti_plot(result), f"{study.visits_outcome} over {study.visits_time} per sample, "
                                                     "with the mixed model's mean per genotype group"),
        _table(longitudinal_publication(result), result, f"longitudinal_{study.visits_outcome}")))


@dataclass(frozen=True)
class _Planned:
    title: str
    wanted: bool           # the settings ask for it
    missing: str           # what it lacks ("" when it can be built)
    build: Callable[[], Section]
    cost: float = 1.0      # relative build time (profile-likelihood fits, figures): heavy ones start first


def _plan(inputs: _Inputs) -> list[_Planned]:
    study = inputs.study
    has_calls, has_pheno = inputs.calls is not None, inputs.phenotypes is not None

    def needs(**required: bool) -> str:
        return ", ".join(name for name, present in required.items() if not present)

    genotype_needs = {"calls or rflp": has_calls, "pheno": has_pheno, "locus": bool(study.locus)}
    cut_settings = {"cutpoint_pheno": study.cutpoint_pheno, "cutpoint_marker": study.cutpoint_marker,
                    "cutpoint_time": study.cutpoint_time, "cutpoint_event": study.cutpoint_event}
    plan = [
        _Planned("Genotype calls from the gels", bool(study.rflp or study.gel_image), "",
                 lambda: _calls_section(inputs), cost=2.5),
        _Planned("Genotype QC", has_calls, "", lambda: _qc_section(inputs)),
        _Planned("Sanger confirmation", bool(study.sanger), needs(**{"calls or rflp": has_calls}),
                 lambda: _sanger_section(inputs), cost=1.5),
        _Planned("Pharmacokinetics", bool(study.pk), "", lambda: _pk_section(inputs)),
        _Planned("ELISA", bool(study.elisa_plates), "", lambda: _elisa_section(inputs)),
        _Planned("Table 1", bool(study.table1_variables) or (bool(study.locus) and has_pheno), needs(**genotype_needs),
                 lambda: _table1_section(inputs)),
        _Planned("Association with the genotype", bool(study.outcomes), needs(**genotype_needs),
                 lambda: _association_section(inputs), cost=1.0 + len(study.outcomes)),
    ]
    for time_column, event_column in study.survival:
        plan.append(_Planned(f"Survival: {time_column}", True, needs(**genotype_needs),
                             lambda t=time_column, e=event_column: _survival_section(inputs, t, e)))
    for time_column, cause_column in study.competing:
        plan.append(_Planned(f"Competing risks: {time_column}", True, needs(**genotype_needs),
                             lambda t=time_column, c=cause_column: _competing_section(inputs, t, c)))
    visit_settings = {"visits": study.visits, "visits_outcome": study.visits_outcome,
                      "visits_time": study.visits_time}
    plan.append(_Planned(f"Repeated measurements: {study.visits_outcome or 'visits'}",
                         any(visit_settings.values()),
                         needs(**{name: bool(value) for name, value in visit_settings.items()},
                               **{"calls or rflp": has_calls, "locus": bool(study.locus), "pheno": has_pheno}),
                         lambda: _visits_section(inputs)))
    plan += [
        _Planned("Correlations", bool(study.correlations), needs(pheno=has_pheno),
                 lambda: _correlation_section(inputs)),
        _Planned("Table 2: Cox regression", bool(study.cox_vars),
                 needs(pheno=has_pheno, survival=bool(study.survival)), lambda: _cox_section(inputs)),
        _Planned("Biomarker cut-point", any(cut_settings.values()),
                 needs(**{name: bool(value) for name, value in cut_settings.items()}),
                 lambda: _cutpoint_section(inputs), cost=3.0),
    ]
    return plan


def _reproducibility(study: Any) -> Section:
    settings = {name: value for name, value in dataclasses.asdict(study).items()
                if name != "notes" and value not in (None, [], "", ())}
    parameters = (element("tr", element("td", name), element("td", str(value))) for name, value in settings.items())
    inputs = (_file_record(path) for path in used_paths(study))
    versions = (element("tr", element("td", name), element("td", version)) for name, version in _versions())
    return Section("Reproducibility", (
        element("table", element("caption", "Parameters"), element("tbody", *parameters)),
        element("table", element("caption", "Inputs (SHA-256)"), element("tbody", *inputs)),
        element("table", element("caption", "Software"), element("tbody", *versions))))


_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5em auto; max-width: 1080px;
       padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.8em; font-size: 1.2em; }
nav ol { columns: 2; font-size: 0.9em; } .left-out { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.82em; max-width: 100%; }
table.publication { border-top: 2px solid #333; border-bottom: 2px solid #333; }
table.publication thead th { border-bottom: 1px solid #333; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { padding: 0.2em 0.6em; text-align: right; vertical-align: top; overflow-wrap: anywhere; }
th:first-child, td:first-child, td.label, th.section { text-align: left; }
td.level { padding-left: 1.6em; text-align: left; } th.section { font-weight: bold; }
td.text, table.plain td, table.plain th { text-align: left; }
tfoot td { font-size: 0.9em; color: #444; text-align: left; border-top: 1px solid #333; }
.download { font-size: 0.8em; margin-top: -0.5em; } ul.learned { font-size: 0.85em; }
figure { margin: 1em 0; } img { max-width: 520px; width: 100%; height: auto; }
figure.wide img { max-width: 100%; }
figcaption { font-size: 0.85em; color: #555; } code { font-size: 0.8em; overflow-wrap: anywhere; }
"""


@dataclass(frozen=True)
class Report:
    """The report's HTML, the sections it holds and those its settings left out (with why)."""

    html: str
    sections: tuple[str, ...]
    left_out: tuple[str, ...]


# the sections being built, for the forked workers of `_build_sections` (they inherit it)
_BUILDING: list[_Planned] = []


def _build_one(index: int) -> Section:
    return _BUILDING[index].build()


def _build_sections(items: list[_Planned]) -> list[Section]:
    """Each section's analyses and figures. The sections are independent: on a machine with several
    cores, forked workers that share the loaded inputs build them, heaviest first, each to the next
    free worker (a report is mostly figure rendering and likelihood fits, which one interpreter runs
    one at a time)."""
    import multiprocessing
    import sys
    import threading

    workers = min(os.cpu_count() or 1, len(items))
    # fork only a single-threaded process: a thread holding a lock at the fork would hang a worker
    if workers < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return [item.build() for item in items]
    from genoassoc.report import figures  # noqa: F401  (loaded once, before the fork)

    _BUILDING[:] = items
    order = sorted(range(len(items)), key=lambda index: -items[index].cost)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            built = dict(zip(order, pool.imap(_build_one, order, chunksize=1), strict=True))
    finally:
        _BUILDING.clear()
    return [built[index] for index in range(len(items))]


def build_report(study: Any) -> Report:
    """Every section the settings ask for, built from its analysis, then reproducibility. A section
    asked for that lacks an input is an error; an empty report is an error."""
    from genoassoc.io.records import check_input_files

    check_input_files(used_paths(study))
    inputs = _load(study)
    plan = _plan(inputs)
    broken = [f"{item.title} needs {item.missing}" for item in plan if item.wanted and item.missing]
    if broken:
        raise InputError("the study settings ask for sections that cannot be built: " + "; ".join(broken)
                         + " (see genoassoc report --help-settings)")
    sections = _build_sections([item for item in plan if item.wanted])
    if not sections:
        raise InputError("nothing to report: give calls or rflp, pheno and locus, outcomes, survival, or a "
                         "cut-point cohort (see genoassoc report --help-settings)")
    left_out = tuple(item.title for item in plan if not item.wanted)
    sections.append(_reproducibility(study))
    contents = element("ol", *(element("li", element("a", section.title, href=f"#{section.anchor}"))
                               for section in sections))
    body = join(join([element("h2", section.title, id=section.anchor), *section.parts]) for section in sections)
    missing = (element("p", f"Not in this report (not asked for by the settings): {', '.join(left_out)}.",
                       class_="left-out") if left_out else Markup(""))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # the page's fixed frame; every piece from the study or the data comes in as markup.element built it
    text = (f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
{element("title", study.title)}<style>{_STYLE}</style></head>
<body>{element("h1", study.title)}
{element("p", f"Generated {generated} by genoassoc {__version__}.")}
{element("nav", contents)}{missing}
{body}
</body></html>
""")
    return Report(text, tuple(section.title for section in sections), left_out)
