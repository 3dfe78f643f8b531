"""One self-contained HTML study report: a list of sections, each built from the result of one
analysis (`genoassoc.analysis`): genotype calls and QC, PK, Table 1, association with IL-6, exposure
and response, survival (with restricted mean survival), competing risks, repeated measurements, Table 2
and biomarker cut-points, with the parameters, inputs (SHA-256) and
package versions that produced it. The body shows publication tables (`genoassoc.report.publication`)
and figures; each machine table (full precision) is attached as a downloadable TSV inside the same
file. Figures are embedded as PNG, so the file opens offline in any browser.

A report refuses to be written when it would be empty, or when a section its settings ask for cannot
be built (a cut-point marker without its cohort); sections the settings do not ask for are listed as
left out.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import os
import platform
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from genoassoc import __version__
from genoassoc.errors import InputError


@dataclass
class Study:
    """What a report analyses; paths are relative to the study file's folder when read from TOML.
    `SETTINGS` says what each field means."""

    title: str = "genoassoc study report"
    calls: str | None = None
    gel: str | None = None
    gel_image: str | None = None
    gel_layout: str | None = None
    gel_ladder: str | None = None
    assays: str | None = None
    pheno: str | None = None
    sample_col: str = "sample"
    pk: str | None = None
    locus: str | None = None
    model: str = "dominant"
    effect_allele: str | None = None
    outcomes: list[str] = field(default_factory=list)
    log_outcomes: bool = True
    log_axes: bool = False
    case_level: str | None = None
    correlations: list[list[str]] = field(default_factory=list)
    survival: list[list[str]] = field(default_factory=list)
    time_unit: str | None = None
    covariates: list[str] = field(default_factory=list)
    cox_vars: list[str] = field(default_factory=list)
    cox_adjust: list[str] = field(default_factory=list)
    dichotomize: str | None = None
    cutpoint_pheno: str | None = None
    cutpoint_validate: str | None = None
    cutpoint_marker: str | None = None
    cutpoint_time: str | None = None
    cutpoint_event: str | None = None
    table1_variables: list[str] = field(default_factory=list)
    competing: list[list[str]] = field(default_factory=list)
    competing_failcode: str = "1"
    competing_cencode: str = "0"
    competing_at: list[float] = field(default_factory=list)
    visits: str | None = None
    visits_outcome: str | None = None
    visits_time: str | None = None
    visits_log: bool = True
    visits_random_slope: bool = False
    elisa_plates: list[str] = field(default_factory=list)
    elisa_layout: str | None = None
    elisa_standards: str | None = None
    elisa_model: str = "4pl"
    elisa_weights: str = "none"
    elisa_max_cv: float = 20.0
    elisa_lloq: float | None = None
    elisa_uloq: float | None = None
    elisa_analyte: str = "il6"
    elisa_wavelength: str | None = None
    elisa_correction: str | None = None


# The study-file settings (TOML keys), as `genoassoc report --help-settings` prints them.
SETTINGS = {
    "title": "report title",
    "calls": "calls table (or give `gel`)",
    "gel": "gel band table, called with the built-in assays and `assays`",
    "gel_image": "photo of the gel (PNG/TIFF/JPEG) to read and call instead of a band table",
    "gel_layout": "lane layout of `gel_image` (lane, sample, assay or locus[, tier])",
    "gel_ladder": "ladder of `gel_image`: sizes in bp or a ladder name",
    "assays": "TOML file of your own RFLP assays",
    "pheno": "phenotype table, one row per sample",
    "sample_col": "sample id column of the phenotype tables (default `sample`)",
    "pk": "PK samples (`sample, time_h, conc`): C0, AUC0-24 per patient, joined to the phenotypes",
    "locus": "the locus analysed (rsID or alias)",
    "model": "genetic model (default dominant)",
    "effect_allele": "effect allele (default: the minor allele)",
    "outcomes": "outcome columns to compare by genotype (continuous or binary)",
    "log_outcomes": "analyse continuous outcomes on the log scale (default true)",
    "log_axes": "draw continuous outcomes on a log axis (default false)",
    "case_level": "level of a two-level text outcome counted as the event",
    "correlations": "pairs of columns to correlate (Spearman), e.g. [[\"il6\", \"c0\"]]",
    "survival": "pairs of time and event columns, e.g. [[\"os_months\", \"os_event\"]]",
    "time_unit": "unit of the survival times for the axes (default: from the column names)",
    "covariates": "adjustment covariates of the association and survival models",
    "cox_vars": "Table 2 candidate variables (columns or the locus), on the first `survival` pair",
    "cox_adjust": "Table 2 adjustment covariates",
    "dichotomize": "split numeric Table 2 variables at `median` or a value",
    "cutpoint_pheno": "cut-point discovery cohort (phenotype table)",
    "cutpoint_validate": "cut-point validation cohort",
    "cutpoint_marker": "biomarker column for the cut-point",
    "cutpoint_time": "survival time column of the cut-point cohorts",
    "cutpoint_event": "event column of the cut-point cohorts",
    "table1_variables": "Table 1 variables (default: every column)",
    "competing": "pairs of time and cause columns for competing risks, e.g. [[\"pfs_months\", \"pfs_cause\"]]",
    "competing_failcode": "code of the cause of interest (default `1`); any other code but censoring competes",
    "competing_cencode": "code of censoring (default `0`)",
    "competing_at": "times for the cumulative incidence table, e.g. [6, 12] (default: a quarter, half and "
                    "three quarters of the longest follow-up)",
    "visits": "repeated measurements (`sample`, time, value; several rows per sample) for a mixed model",
    "visits_outcome": "measured value column of `visits` (e.g. `il6`)",
    "visits_time": "time column of `visits` (e.g. `day`)",
    "visits_log": "model the log of the measured value (default true)",
    "visits_random_slope": "add a random slope on time per sample (default false)",
    "elisa_plates": "ELISA plate reader exports (grids or well, od tables), e.g. [\"plate1.csv\"]: the analyte "
                    "is read back from the standard curves and joined to the phenotypes when they lack it",
    "elisa_layout": "plate layout of `elisa_plates` (well, sample[, type][, conc][, dilution][, plate])",
    "elisa_standards": "standards' nominal concentrations where the layout has none, e.g. \"S1=300,S2=150\"",
    "elisa_model": "standard curve: `4pl` (default, R SSfpl) or `5pl`",
    "elisa_weights": "least-squares weights of the standards: `none` (default), `1/y`, `1/y2`",
    "elisa_max_cv": "flag samples whose replicate wells' CV (%) is above this (default 20)",
    "elisa_lloq": "LLOQ from the kit insert (default: the lowest standard read back within 80-120%)",
    "elisa_uloq": "ULOQ from the kit insert (default: the highest standard read back within 80-120%)",
    "elisa_analyte": "name of the concentration column (default `il6`)",
    "elisa_wavelength": "measurement read (default 450 nm, or the file's only read)",
    "elisa_correction": "correction read subtracted, or `none` (default: 540/570/620/630/650/690 nm when present)",
}
_PATHS = ("calls", "gel", "gel_image", "gel_layout", "assays", "pheno", "pk", "cutpoint_pheno", "cutpoint_validate",
          "elisa_layout",
          "visits")


def load_study(path: str | os.PathLike) -> Study:
    """A Study from a TOML file of the Study fields (top level or under [study])."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"not valid TOML ({err})", str(path)) from None
    document = document.get("study", document)
    known = {f.name for f in dataclasses.fields(Study)}
    unknown = set(document) - known
    if unknown:
        raise InputError(f"unknown study setting {', '.join(sorted(unknown))} (settings: {', '.join(sorted(known))}; "
                         "see genoassoc report --help-settings)", str(path))
    for name in _PATHS:
        if document.get(name):
            document[name] = str((path.parent / document[name]).resolve())
    if isinstance(document.get("elisa_plates"), str):
        document["elisa_plates"] = [document["elisa_plates"]]
    if document.get("elisa_plates"):
        document["elisa_plates"] = [str((path.parent / plate).resolve()) for plate in document["elisa_plates"]]
    return Study(**document)


# --------------------------------------------------------------------------------------------- rendering

@dataclass(frozen=True)
class Section:
    """A report section: a title and its HTML parts (tables, figures, text)."""

    title: str
    parts: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


def _figure_html(figure: Any, caption: str, wide: bool = False) -> str:
    from genoassoc.report.figures import STYLE, plt

    # SVG: sharp at any zoom, smaller than a PNG of these plots, and half the rendering time
    buffer = io.BytesIO()
    with plt.style.context(STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    kind = ' class="wide"' if wide else ""
    return (f'<figure{kind}><img alt="{html.escape(caption)}" src="data:image/svg+xml;base64,{encoded}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _attachment(machine: pd.DataFrame, name: str) -> str:
    """A machine table as a TSV attachment inside the page."""
    from genoassoc.io.tables import format_table

    data = base64.b64encode(format_table(machine).encode()).decode()
    shown = html.escape(name)
    return (f'<p class="download"><a download="{shown}.tsv" '
            f'href="data:text/tab-separated-values;base64,{data}">machine table ({shown}.tsv, full precision)</a></p>')


def _table(publication: Any, machine: pd.DataFrame, name: str) -> str:
    """The publication table, and its machine table as a TSV attachment inside the page."""
    from genoassoc.report.publication import to_html

    return to_html(publication) + _attachment(machine, name)


def _plain_table(table: pd.DataFrame, caption: str, columns: list[str]) -> str:
    from genoassoc.report.publication import number

    table = table[[column for column in columns if column in table.columns]]
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    body = "".join("<tr>" + "".join(
        f"<td>{html.escape(number(value) if isinstance(value, float) else '' if value is None else str(value))}</td>"
        for value in row) + "</tr>" for row in table.itertuples(index=False))
    return (f'<table class="publication plain"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table>")


def _file_record(path: str | None) -> str:
    if not path:
        return ""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return f"<tr><td>{html.escape(Path(path).name)}</td><td><code>{digest}</code></td></tr>"


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


def _load(study: Study) -> _Inputs:
    from genoassoc.calls import read_calls, validate_calls
    from genoassoc.loci import load_catalog
    from genoassoc.phenotypes import read_phenotypes

    inputs = _Inputs(study, load_catalog())
    if study.gel_image:
        from genoassoc.assays import load_assays
        from genoassoc.calling.gel_image import band_table, ladder, read_gel, read_layout
        from genoassoc.calling.rflp import call_rflp

        if not (study.gel_layout and study.gel_ladder):
            raise InputError("the study's gel_image needs gel_layout and gel_ladder (see genoassoc report "
                             "--help-settings)")
        layout = read_layout(study.gel_layout)
        inputs.gel_reading = read_gel(study.gel_image, layout, ladder(study.gel_ladder))
        inputs.gel_table = band_table(inputs.gel_reading, layout)
        inputs.calls = validate_calls(call_rflp(inputs.gel_table, load_assays(study.assays)), inputs.catalog)
    elif study.gel:
        from genoassoc.assays import load_assays
        from genoassoc.calling.rflp import call_rflp

        inputs.calls = validate_calls(call_rflp(study.gel, load_assays(study.assays)), inputs.catalog)
    elif study.calls:
        inputs.calls = read_calls(study.calls, inputs.catalog)
    if study.pk:
        from genoassoc.analysis.exposure import pk
        from genoassoc.io.pk_samples import read_pk_samples

        inputs.exposure = pk(read_pk_samples(study.pk))
    if study.elisa_plates:
        inputs.elisa = _elisa(study)
    if study.pheno:
        inputs.phenotypes = read_phenotypes(study.pheno, study.sample_col)
        if inputs.elisa is not None and study.elisa_analyte not in inputs.phenotypes.columns:
            # the plate's values as the command line writes them ('<3.13' included), so the phenotype coding
            # (below_lloq) treats them exactly as it treats a table from genoassoc elisa
            values = inputs.elisa.table.set_index("sample")[study.elisa_analyte]
            inputs.phenotypes[study.elisa_analyte] = values.reindex(inputs.phenotypes.index).fillna("")
        if inputs.exposure is not None:
            from genoassoc.io.records import float_text

            exposure = inputs.exposure.table.set_index("sample")
            for column in ("auc_0_24", "cmax", "half_life"):
                if column not in inputs.phenotypes.columns:
                    values = exposure[column].reindex(inputs.phenotypes.index)
                    inputs.phenotypes[column] = values.map(lambda value: "" if value != value else float_text(value))
    return inputs


def _elisa(study: Study) -> Any:
    from genoassoc.analysis.elisa import elisa, parse_standards
    from genoassoc.io.plates import read_layout

    if not study.elisa_layout:
        raise InputError("the study's elisa_plates need elisa_layout (see genoassoc report --help-settings)")
    return elisa(study.elisa_plates, read_layout(study.elisa_layout), standards=parse_standards(study.elisa_standards),
                 model=study.elisa_model, weights=study.elisa_weights, max_cv=study.elisa_max_cv,
                 lloq=study.elisa_lloq, uloq=study.elisa_uloq, analyte=study.elisa_analyte,
                 wavelength=study.elisa_wavelength, correction=study.elisa_correction)


def _elisa_section(inputs: _Inputs) -> Section:
    from genoassoc.report import figures

    result = inputs.elisa
    parts = [_figure_html(figures.standard_curve_plot(result, curve.plate),
                          f"Plate {curve.plate}: standard curve ({curve.fit.model.upper()}), standards and samples; "
                          f"LLOQ {curve.lloq:g}, ULOQ {curve.uloq:g}") for curve in result.curves]
    parts += [f"<p>{html.escape(note)}</p>" for note in result.notes]
    parts.append(_plain_table(result.qc, "Per plate: standards' recovery (80-120%), blanks and controls",
                              list(result.qc.columns)) + _attachment(result.qc, "elisa_qc"))
    parts.append(_plain_table(result.parameters, "Standard curves: parameters (log concentration), residual SE, R²",
                              list(result.parameters.columns)) + _attachment(result.parameters, "elisa_curves"))
    flagged = result.table[result.table[f"{result.analyte}_flag"] != ""]
    parts.append(_plain_table(flagged, "Flagged samples", ["sample", result.analyte, f"{result.analyte}_flag", "plate"])
                 + _attachment(result.table, result.analyte))
    return Section("ELISA: " + result.analyte, tuple(parts))


def _groups(inputs: _Inputs) -> tuple[pd.Series, Any, str]:
    """Each sample's genotype group under the study's model (computed once for every section)."""
    if inputs.genotype_groups is None:
        from genoassoc.analysis.genotyped import join_genotypes

        study = inputs.study
        genotyped = join_genotypes(inputs.calls, inputs.phenotypes, study.locus, inputs.catalog)
        labels, encoding, title = genotyped.group_column(study.model, study.effect_allele)
        inputs.genotype_groups = (labels.reindex(inputs.phenotypes.index), encoding, title)
    return inputs.genotype_groups


def _unit(study: Study, column: str) -> str:
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
        parts += [f"<p>{html.escape(note)}</p>" for note in inputs.gel_reading.notes]
    if learned:
        parts.append("<ul class=\"learned\">" + "".join(f"<li>{html.escape(item.summary())}</li>" for item in learned)
                     + "</ul>")
    parts.append(_plain_table(calls[calls["status"] == "no_call"], "No-calls and their reasons",
                              ["sample", "locus", "reason", "observed_bp"]))
    return Section("Genotype calls from the gels", tuple(parts))


def _qc_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.genotype_qc import hwe
    from genoassoc.report.publication import hwe_publication

    result = hwe(inputs.calls, inputs.catalog)
    return Section("Genotype QC", (_table(hwe_publication(result), result.table, "hwe"),))


def _pk_section(inputs: _Inputs) -> Section:
    from genoassoc.report.publication import pk_publication

    return Section("Pharmacokinetics", (_table(pk_publication(inputs.exposure), inputs.exposure.table, "pk"),))


def _table1_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.baseline import table1
    from genoassoc.report.publication import table1_publication

    study = inputs.study
    result = table1(inputs.phenotypes, variables=study.table1_variables or None, calls=inputs.calls,
                    locus=study.locus, model=study.model, effect_allele=study.effect_allele, catalog=inputs.catalog)
    return Section("Table 1", (_table(table1_publication(result), result.table, "table1"),))


def _association_section(inputs: _Inputs) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.association import associate
    from genoassoc.report import figures
    from genoassoc.report.publication import association_table

    study = inputs.study
    groups, encoding, title = _groups(inputs)
    parts = []
    for outcome in study.outcomes:
        result = associate(inputs.calls, inputs.phenotypes, study.locus, outcome, study.model, catalog=inputs.catalog,
                           effect_allele=encoding.effect_allele, covariates=study.covariates,
                           log=study.log_outcomes, case_level=study.case_level)
        parts.append(_table(association_table(result, outcome), result.table, f"assoc_{outcome}"))
        if result.outcome_type == "continuous":
            values = coding.numeric(inputs.phenotypes, outcome)
            keep, _ = coding.complete_cases({outcome: values, "group": groups})
            test = result.table[(result.table["row"] == "test") & result.table["test"].notna()].head(1)
            parts.append(_figure_html(figures.box_plot(
                values[keep], groups[keep], list(encoding.groups), ylabel=outcome, xlabel=title,
                p=float(test["p"].iloc[0]) if len(test) else None, test=test["test"].iloc[0] if len(test) else "",
                log=study.log_axes), f"{outcome} by {title}"))
    return Section("Association with the genotype", tuple(parts))


def _survival_section(inputs: _Inputs, time_column: str, event_column: str) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.association import associate
    from genoassoc.report import figures
    from genoassoc.report.publication import association_table

    study = inputs.study
    groups, encoding, title = _groups(inputs)
    result = associate(inputs.calls, inputs.phenotypes, study.locus, model=study.model, time=time_column,
                       event=event_column, catalog=inputs.catalog, effect_allele=encoding.effect_allele,
                       covariates=study.covariates)
    times, events = coding.times(inputs.phenotypes, time_column), coding.events(inputs.phenotypes, event_column)
    keep, _ = coding.complete_cases({time_column: times, event_column: events, "group": groups})
    return Section(f"Survival: {time_column}", (
        _figure_html(figures.kaplan_meier_plot(times[keep], events[keep], groups[keep], list(encoding.groups),
                                               unit=_unit(study, time_column), legend_title=title),
                     f"Kaplan-Meier estimate of {time_column} by {title}"),
        _table(association_table(result, time_column), result.table, f"survival_{time_column}")))


def _correlation_section(inputs: _Inputs) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.continuous import correlation
    from genoassoc.report import figures
    from genoassoc.report.publication import correlation_publication

    parts = []
    for x_column, y_column in inputs.study.correlations:
        result = correlation(inputs.phenotypes, x_column, y_column, "spearman")
        row = result.table.iloc[0]
        x, y = coding.numeric(inputs.phenotypes, x_column), coding.numeric(inputs.phenotypes, y_column)
        keep, _ = coding.complete_cases({x_column: x, y_column: y})
        parts.append(_figure_html(figures.scatter_plot(x[keep], y[keep], xlabel=x_column, ylabel=y_column,
                                                       r=row["estimate"], p=row["p"]),
                                  f"{y_column} against {x_column} (Spearman, as R cor.test)"))
        parts.append(_table(correlation_publication(result), result.table, f"correlation_{x_column}_{y_column}"))
    return Section("Correlations", tuple(parts))


def _cox_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.cox_regression import cox_table
    from genoassoc.report import figures
    from genoassoc.report.publication import cox_publication

    study = inputs.study
    time_column, event_column = study.survival[0]
    result = cox_table(inputs.phenotypes, time_column, event_column, study.cox_vars, study.cox_adjust,
                       study.dichotomize, calls=inputs.calls, catalog=inputs.catalog, model=study.model)
    table = result.table
    forest = table.dropna(subset=["hr_adjusted"]).assign(label=lambda frame: frame["term"])
    parts = [_table(cox_publication(result, time_column), table, "table2")]
    if len(forest):
        parts.append(_figure_html(figures.forest_plot(forest, label="label", estimate="hr_adjusted",
                                                      low="ci_lo_adjusted", high="ci_hi_adjusted", p="p_adjusted",
                                                      title="Multivariable hazard ratio (95% CI)"),
                                  "Forest plot of the multivariable Cox model"))
    return Section("Table 2: Cox regression", tuple(parts))


def _cutpoint_section(inputs: _Inputs) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.cutpoints import survival_cutpoint
    from genoassoc.phenotypes import read_phenotypes
    from genoassoc.report import figures
    from genoassoc.report.publication import cutpoint_publication

    study = inputs.study
    discovery = read_phenotypes(study.cutpoint_pheno, study.sample_col)
    validation = read_phenotypes(study.cutpoint_validate, study.sample_col) if study.cutpoint_validate else None
    marker, time_column, event_column = study.cutpoint_marker, study.cutpoint_time, study.cutpoint_event
    result = survival_cutpoint(discovery, marker, time_column, event_column, validation=validation)
    parts = [_table(cutpoint_publication(result, marker), result.table, "cutpoint"),
             _figure_html(figures.cutpoint_plot(result.cuts, marker=marker, chosen=result.cut),
                          "Hazard ratio and standardised log-rank statistic by candidate cut")]
    for name, frame in (("discovery", discovery), ("validation", validation)):
        if frame is None:
            continue
        values = coding.numeric(frame, marker)
        times, events = coding.times(frame, time_column), coding.events(frame, event_column)
        keep, _ = coding.complete_cases({marker: values, time_column: times, event_column: events})
        labels = [f"{marker} ≤ {result.cut:g}", f"{marker} > {result.cut:g}"]
        groups = np.where(values[keep] > result.cut, labels[1], labels[0])
        parts.append(_figure_html(figures.kaplan_meier_plot(times[keep], events[keep], groups, labels,
                                                            unit=_unit(study, time_column), legend_title=marker,
                                                            title=f"{name} cohort"),
                                  f"{name} cohort split at the discovery cut {result.cut:g}"))
    return Section("Biomarker cut-point", tuple(parts))


def _competing_section(inputs: _Inputs, time_column: str, cause_column: str) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.competing_risks import competing_risks
    from genoassoc.report import figures
    from genoassoc.report.publication import competing_publication

    study = inputs.study
    _, encoding, title = _groups(inputs)
    at = study.competing_at
    if not at:
        longest = float(coding.times(inputs.phenotypes, time_column).max())
        at = [float(f"{longest * share:.2g}") for share in (0.25, 0.5, 0.75)]
    result = competing_risks(inputs.calls, inputs.phenotypes, study.locus, study.model, time=time_column,
                             cause=cause_column, failcode=study.competing_failcode, cencode=study.competing_cencode,
                             at=at, covariates=study.covariates, effect_allele=encoding.effect_allele,
                             catalog=inputs.catalog)
    return Section(f"Competing risks: {time_column}", (
        _figure_html(figures.incidence_plot(result, unit=_unit(study, time_column)),
                     f"Cumulative incidence of {cause_column} = {study.competing_failcode} and of competing events "
                     f"by {title}"),
        _table(competing_publication(result, time_column), result.table, f"competing_{time_column}")))


def _visits_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.longitudinal import longitudinal
    from genoassoc.phenotypes import read_phenotypes
    from genoassoc.report import figures
    from genoassoc.report.publication import longitudinal_publication

    study = inputs.study
    _, encoding, _ = _groups(inputs)
    visits = read_phenotypes(study.visits, study.sample_col, repeated=True)
    result = longitudinal(inputs.calls, visits, study.locus, study.model, outcome=study.visits_outcome,
                          time=study.visits_time, log=study.visits_log, random_slope=study.visits_random_slope,
                          effect_allele=encoding.effect_allele, catalog=inputs.catalog)
    return Section(f"Repeated measurements: {study.visits_outcome}", (
        _figure_html(figures.spaghetti_plot(result), f"{study.visits_outcome} over {study.visits_time} per sample, "
                                                     "with the mixed model's mean per genotype group"),
        _table(longitudinal_publication(result), result.table, f"longitudinal_{study.visits_outcome}")))


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

    genotype_needs = {"calls or gel": has_calls, "pheno": has_pheno, "locus": bool(study.locus)}
    cut_settings = {"cutpoint_pheno": study.cutpoint_pheno, "cutpoint_marker": study.cutpoint_marker,
                    "cutpoint_time": study.cutpoint_time, "cutpoint_event": study.cutpoint_event}
    plan = [
        _Planned("Genotype calls from the gels", bool(study.gel or study.gel_image), "",
                 lambda: _calls_section(inputs), cost=2.5),
        _Planned("Genotype QC", has_calls, "", lambda: _qc_section(inputs)),
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
                               **{"calls or gel": has_calls, "locus": bool(study.locus), "pheno": has_pheno}),
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


def _reproducibility(study: Study) -> Section:
    settings = {name: value for name, value in dataclasses.asdict(study).items() if value not in (None, [], "")}
    parameters = "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(str(value))}</td></tr>"
                         for name, value in settings.items())
    inputs = "".join(_file_record(getattr(study, name)) for name in _PATHS)
    inputs += "".join(_file_record(plate) for plate in study.elisa_plates)
    versions = "".join(f"<tr><td>{name}</td><td>{version}</td></tr>" for name, version in _versions())
    return Section("Reproducibility", (
        f"<table><caption>Parameters</caption><tbody>{parameters}</tbody></table>",
        f"<table><caption>Inputs (SHA-256)</caption><tbody>{inputs}</tbody></table>",
        f"<table><caption>Software</caption><tbody>{versions}</tbody></table>"))


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


def build_report(study: Study) -> Report:
    """Every section the settings ask for, built from its analysis, then reproducibility. A section
    asked for that lacks an input is an error; an empty report is an error."""
    inputs = _load(study)
    plan = _plan(inputs)
    broken = [f"{item.title} needs {item.missing}" for item in plan if item.wanted and item.missing]
    if broken:
        raise InputError("the study settings ask for sections that cannot be built: " + "; ".join(broken)
                         + " (see genoassoc report --help-settings)")
    sections = _build_sections([item for item in plan if item.wanted])
    if not sections:
        raise InputError("nothing to report: give calls or gel, pheno and locus, outcomes, survival, or a "
                         "cut-point cohort (see genoassoc report --help-settings)")
    left_out = tuple(item.title for item in plan if not item.wanted)
    sections.append(_reproducibility(study))
    contents = "".join(f'<li><a href="#{section.anchor}">{html.escape(section.title)}</a></li>' for section in sections)
    body = "".join(f'<h2 id="{section.anchor}">{html.escape(section.title)}</h2>{"".join(section.parts)}'
                   for section in sections)
    missing = (f'<p class="left-out">Not in this report (not asked for by the settings): '
               f'{html.escape(", ".join(left_out))}.</p>' if left_out else "")
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{html.escape(study.title)}</title><style>{_STYLE}</style></head>
<body><h1>{html.escape(study.title)}</h1>
<p>Generated {generated} by genoassoc {__version__}.</p>
<nav><ol>{contents}</ol></nav>{missing}
{body}
</body></html>
"""
    return Report(text, tuple(section.title for section in sections), left_out)


def settings_help() -> str:
    """The study-file settings as a Markdown table (what `--help-settings` prints and the README holds)."""
    defaults = {field.name: field.default for field in dataclasses.fields(Study)}
    lines = ["| setting | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {meaning} |" for name, meaning in SETTINGS.items() if name in defaults]
    return "\n".join(lines) + "\n"
