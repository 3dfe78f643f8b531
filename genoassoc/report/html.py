"""One self-contained HTML study report: a list of sections, each built from the result of one
analysis (`genoassoc.analysis`): genotype calls and QC, PK, Table 1, association with IL-6, exposure
and response, survival, Table 2 and biomarker cut-points, with the parameters, inputs (SHA-256) and
package versions that produced it. Figures are embedded as PNG data, so the file opens offline in
any browser. Displayed numbers are rounded to 4 significant digits; the TSV/JSON outputs of the
individual commands keep full precision.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import os
import platform
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
    """What a report analyses; paths are relative to the study file's folder when read from TOML."""

    title: str = "genoassoc study report"
    calls: str | None = None
    gel: str | None = None
    assays: str | None = None
    pheno: str | None = None
    sample_col: str = "sample"
    pk: str | None = None
    locus: str | None = None
    model: str = "dominant"
    effect_allele: str | None = None
    outcomes: list[str] = field(default_factory=list)
    log_outcomes: bool = True
    case_level: str | None = None
    correlations: list[list[str]] = field(default_factory=list)
    survival: list[list[str]] = field(default_factory=list)
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


_PATHS = ("calls", "gel", "assays", "pheno", "pk", "cutpoint_pheno", "cutpoint_validate")


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
        raise InputError(f"unknown study setting {', '.join(sorted(unknown))} (settings: {', '.join(sorted(known))})",
                         str(path))
    for name in _PATHS:
        if document.get(name):
            document[name] = str((path.parent / document[name]).resolve())
    return Study(**document)


# --------------------------------------------------------------------------------------------- rendering

@dataclass(frozen=True)
class Section:
    """A report section: a title and its HTML parts (tables, figures, text)."""

    title: str
    parts: tuple[str, ...]


def _figure_html(figure: Any, caption: str) -> str:
    from genoassoc.report.figures import plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _display(value: Any) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating):
        if value != value:
            return ""
        return f"{value:.4g}"
    return str(value)


def _table_html(table: pd.DataFrame, caption: str, columns: list[str] | None = None) -> str:
    table = table[[c for c in (columns or table.columns) if c in table.columns]]
    table = table.loc[:, ~table.isna().all()] if len(table) else table
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_display(value))}</td>" for value in row) + "</tr>"
                   for row in table.itertuples(index=False))
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


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


ASSOCIATION_COLUMNS = ["model", "effect_allele", "groups", "row", "group", "n", "events", "percent", "median", "q1",
                       "q3", "test", "term", "estimate_name", "estimate", "ci_lo", "ci_hi", "statistic", "df", "p",
                       "note"]


# -------------------------------------------------------------------------------------------- the data

@dataclass
class _Inputs:
    """What the sections share: read once, used by many."""

    study: Study
    catalog: Any
    calls: pd.DataFrame | None = None
    assays: Any = None
    phenotypes: pd.DataFrame | None = None
    exposure: pd.DataFrame | None = None


def _load(study: Study) -> _Inputs:
    from genoassoc.calls import read_calls, validate_calls
    from genoassoc.loci import load_catalog
    from genoassoc.phenotypes import read_phenotypes

    inputs = _Inputs(study, load_catalog())
    if study.gel:
        from genoassoc.assays import load_assays
        from genoassoc.calling.rflp import call_rflp

        inputs.assays = load_assays(study.assays)
        inputs.calls = validate_calls(call_rflp(study.gel, inputs.assays), inputs.catalog)
    elif study.calls:
        inputs.calls = read_calls(study.calls, inputs.catalog)
    if study.pheno:
        inputs.phenotypes = read_phenotypes(study.pheno, study.sample_col)
        if study.pk:
            from genoassoc.analysis.exposure import pk
            from genoassoc.io.pk_samples import read_pk_samples

            inputs.exposure = pk(read_pk_samples(study.pk)).table.set_index("sample")
            for column in ("auc_0_24", "cmax", "half_life"):
                if column not in inputs.phenotypes.columns:
                    values = inputs.exposure[column].reindex(inputs.phenotypes.index)
                    inputs.phenotypes[column] = values.map(lambda value: "" if value != value else repr(float(value)))
    return inputs


# ------------------------------------------------------------------------------------------- sections

def _calls_section(inputs: _Inputs) -> Section:
    from genoassoc.report import figures

    calls, study = inputs.calls, inputs.study
    shown = calls[calls["locus"] == inputs.catalog.resolve(study.locus).id] if study.locus else calls
    return Section("Genotype calls from the gels", (
        _figure_html(figures.virtual_gel(shown),
                     "Virtual gel: observed bands beside the expected pattern"),
        _table_html(calls[calls["status"] == "no_call"], "No-calls and their reasons",
                    ["sample", "locus", "reason", "observed_bp"])))


def _qc_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.genotype_qc import genotype_qc

    result = genotype_qc(inputs.calls, inputs.catalog)
    return Section("Genotype QC", (_table_html(
        result.table, "Hardy-Weinberg equilibrium per locus (exact p as PLINK --hardy)",
        ["locus", "allele1", "allele2", "n", "call_rate", "n_hom1", "n_het", "n_hom2", "maf", "minor_allele",
         "obs_het", "exp_het", "p_exact", "p_midp", "p_chisq", "monomorphic"]),))


def _pk_section(inputs: _Inputs) -> Section:
    return Section("Pharmacokinetics", (_table_html(
        inputs.exposure.reset_index(), "Non-compartmental analysis per patient (linear trapezoid)",
        ["sample", "c0", "cmax", "tmax", "auc_0_24", "half_life", "note"]),))


def _genotyped(inputs: _Inputs) -> tuple[Any, pd.Series, Any, str]:
    from genoassoc.analysis.genotyped import join_genotypes

    study = inputs.study
    genotyped = join_genotypes(inputs.calls, inputs.phenotypes, study.locus, inputs.catalog)
    labels, encoding, title = genotyped.group_column(study.model, study.effect_allele)
    return genotyped, labels.reindex(inputs.phenotypes.index), encoding, title


def _table1_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.baseline import table1

    study = inputs.study
    result = table1(inputs.phenotypes, variables=study.table1_variables or None, calls=inputs.calls,
                    locus=study.locus, model=study.model, effect_allele=study.effect_allele, catalog=inputs.catalog)
    return Section("Table 1", (_table_html(result.table, f"Baseline characteristics by {result.by}"),))


def _association_section(inputs: _Inputs) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.association import associate
    from genoassoc.report import figures

    study = inputs.study
    _, groups, encoding, title = _genotyped(inputs)
    parts = []
    for outcome in study.outcomes:
        result = associate(inputs.calls, inputs.phenotypes, study.locus, outcome, study.model, catalog=inputs.catalog,
                           effect_allele=encoding.effect_allele, covariates=study.covariates,
                           log=study.log_outcomes, case_level=study.case_level)
        parts.append(_table_html(result.table, f"{outcome}: {result.outcome_type} outcome, {result.notes[-1]}",
                                 ASSOCIATION_COLUMNS))
        if result.outcome_type == "continuous":
            values = coding.numeric(inputs.phenotypes, outcome)
            keep, _ = coding.complete_cases({outcome: values, "group": groups})
            test = result.table[(result.table["row"] == "test") & result.table["test"].notna()].head(1)
            parts.append(_figure_html(figures.box_plot(
                values[keep], groups[keep], list(encoding.groups), ylabel=outcome,
                p=float(test["p"].iloc[0]) if len(test) else None, test=test["test"].iloc[0] if len(test) else "",
                title=outcome, log=study.log_outcomes), f"{outcome} by {title}"))
    return Section("Association with the genotype", tuple(parts))


def _survival_section(inputs: _Inputs, time_column: str, event_column: str) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.association import associate
    from genoassoc.report import figures

    study = inputs.study
    _, groups, encoding, title = _genotyped(inputs)
    result = associate(inputs.calls, inputs.phenotypes, study.locus, model=study.model, time=time_column,
                       event=event_column, catalog=inputs.catalog, effect_allele=encoding.effect_allele,
                       covariates=study.covariates)
    times, events = coding.times(inputs.phenotypes, time_column), coding.events(inputs.phenotypes, event_column)
    keep, _ = coding.complete_cases({time_column: times, event_column: events, "group": groups})
    return Section(f"Survival: {time_column}", (
        _figure_html(figures.kaplan_meier_plot(times[keep], events[keep], groups[keep], list(encoding.groups),
                                               title=time_column),
                     f"Kaplan-Meier estimate of {time_column} by {title}"),
        _table_html(result.table, f"{time_column}: medians, log-rank and Cox hazard ratios", ASSOCIATION_COLUMNS)))


def _correlation_section(inputs: _Inputs) -> Section:
    from genoassoc import phenotypes as coding
    from genoassoc.analysis.continuous import correlation
    from genoassoc.report import figures

    parts = []
    for x_column, y_column in inputs.study.correlations:
        result = correlation(inputs.phenotypes, x_column, y_column, "spearman")
        row = result.table.iloc[0]
        x, y = coding.numeric(inputs.phenotypes, x_column), coding.numeric(inputs.phenotypes, y_column)
        keep, _ = coding.complete_cases({x_column: x, y_column: y})
        parts.append(_figure_html(figures.scatter_plot(x[keep], y[keep], xlabel=x_column, ylabel=y_column,
                                                       r=row["estimate"], p=row["p"]),
                                  f"{y_column} against {x_column} (Spearman, as R cor.test)"))
    return Section("Correlations", tuple(parts))


def _cox_section(inputs: _Inputs) -> Section:
    from genoassoc.analysis.cox_regression import cox_table
    from genoassoc.report import figures

    study = inputs.study
    time_column, event_column = study.survival[0]
    result = cox_table(inputs.phenotypes, time_column, event_column, study.cox_vars, study.cox_adjust,
                       study.dichotomize, calls=inputs.calls, catalog=inputs.catalog, model=study.model)
    table = result.table
    forest = table.dropna(subset=["hr_adjusted"]).assign(label=lambda frame: frame["term"])
    parts = [_table_html(table, f"{time_column}: univariable and multivariable hazard ratios; "
                                f"{'; '.join(result.notes)}")]
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

    study = inputs.study
    discovery = read_phenotypes(study.cutpoint_pheno, study.sample_col)
    validation = read_phenotypes(study.cutpoint_validate, study.sample_col) if study.cutpoint_validate else None
    marker, time_column, event_column = study.cutpoint_marker, study.cutpoint_time, study.cutpoint_event
    result = survival_cutpoint(discovery, marker, time_column, event_column, validation=validation)
    parts = [_table_html(result.table, "; ".join(result.notes)),
             _figure_html(figures.cutpoint_plot(result.cuts, marker=marker, chosen=result.cut),
                          "Hazard ratio and standardised log-rank statistic by candidate cut")]
    for name, frame in (("discovery", discovery), ("validation", validation)):
        if frame is None:
            continue
        values = coding.numeric(frame, marker)
        times, events = coding.times(frame, time_column), coding.events(frame, event_column)
        keep, _ = coding.complete_cases({marker: values, time_column: times, event_column: events})
        labels = [f"{marker} <= {result.cut:g}", f"{marker} > {result.cut:g}"]
        groups = np.where(values[keep] > result.cut, labels[1], labels[0])
        parts.append(_figure_html(figures.kaplan_meier_plot(times[keep], events[keep], groups, labels,
                                                            title=f"{name} cohort"),
                                  f"{name} cohort split at the discovery cut {result.cut:g}"))
    return Section("Biomarker cut-point", tuple(parts))


def _sections(inputs: _Inputs) -> list[Section]:
    study = inputs.study
    with_genotypes = inputs.phenotypes is not None and inputs.calls is not None and bool(study.locus)
    planned: list[tuple[bool, Callable[[], Section]]] = [
        (study.gel is not None and inputs.calls is not None, lambda: _calls_section(inputs)),
        (inputs.calls is not None, lambda: _qc_section(inputs)),
        (inputs.exposure is not None, lambda: _pk_section(inputs)),
        (with_genotypes, lambda: _table1_section(inputs)),
        (with_genotypes and bool(study.outcomes), lambda: _association_section(inputs)),
    ]
    for time_column, event_column in study.survival:
        planned.append((with_genotypes, lambda t=time_column, e=event_column: _survival_section(inputs, t, e)))
    planned += [
        (inputs.phenotypes is not None and bool(study.correlations), lambda: _correlation_section(inputs)),
        (inputs.phenotypes is not None and bool(study.cox_vars) and bool(study.survival), lambda: _cox_section(inputs)),
        (bool(study.cutpoint_pheno and study.cutpoint_marker), lambda: _cutpoint_section(inputs)),
    ]
    return [build() for wanted, build in planned if wanted]


def _reproducibility(study: Study) -> Section:
    settings = {name: value for name, value in dataclasses.asdict(study).items() if value not in (None, [], "")}
    parameters = "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(str(value))}</td></tr>"
                         for name, value in settings.items())
    inputs = "".join(_file_record(getattr(study, name)) for name in _PATHS)
    versions = "".join(f"<tr><td>{name}</td><td>{version}</td></tr>" for name, version in _versions())
    return Section("Reproducibility", (
        f"<table><caption>Parameters</caption><tbody>{parameters}</tbody></table>",
        f"<table><caption>Inputs (SHA-256)</caption><tbody>{inputs}</tbody></table>",
        f"<table><caption>Software</caption><tbody>{versions}</tbody></table>"))


_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.82em; display: block; overflow-x: auto; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } figure { margin: 1em 0; } img { max-width: 100%; }
figcaption { font-size: 0.85em; color: #555; } code { font-size: 0.8em; }
"""


def build_report(study: Study) -> str:
    """The report's HTML text: each configured section from its analysis, then reproducibility."""
    sections = _sections(_load(study)) + [_reproducibility(study)]
    body = "".join(f"<h2>{html.escape(section.title)}</h2>{''.join(section.parts)}" for section in sections)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(study.title)}</title>
<style>{_STYLE}</style></head>
<body><h1>{html.escape(study.title)}</h1>
<p>Generated {generated} by genoassoc {__version__}.</p>
{body}
</body></html>
"""
