"""One self-contained HTML study report: genotype QC, Table 1, PK, association with IL-6, exposure and
response, survival, Table 2 and biomarker cut-points, with the parameters, inputs (SHA-256) and
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

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
    for name in ("calls", "gel", "assays", "pheno", "pk", "cutpoint_pheno", "cutpoint_validate"):
        if document.get(name):
            document[name] = str((path.parent / document[name]).resolve())
    return Study(**document)


def _figure_html(figure, caption: str) -> str:
    from genoassoc.report.figures import plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _display(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)):
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


def build_report(study: Study) -> str:
    """The report's HTML text."""
    from genoassoc.association import associate
    from genoassoc.calls import read_calls
    from genoassoc.cox_table import cox_table
    from genoassoc.io.phenotypes import numeric_phenotype, read_phenotypes
    from genoassoc.loci import load_catalog
    from genoassoc.models import encode, minor_allele
    from genoassoc.qc.frequencies import qc
    from genoassoc.report import figures
    from genoassoc.report.table1 import table1
    from genoassoc.stats.correlation import correlate

    sections: list[str] = []
    catalog = load_catalog()
    calls = None
    if study.gel:
        from genoassoc.assays import load_assays
        from genoassoc.calling.rflp import call_rflp

        assays = load_assays(study.assays)
        calls = call_rflp(study.gel, assays)
        shown = calls[calls["locus"] == catalog.resolve(study.locus).id] if study.locus else calls
        sections.append("<h2>Genotype calls from the gels</h2>" + _figure_html(
            figures.virtual_gel(shown, assays), "Virtual gel: observed bands beside the expected pattern")
            + _table_html(calls[calls["status"] == "no_call"], "No-calls and their reasons",
                          ["sample", "locus", "reason", "observed_bp"]))
    elif study.calls:
        calls = read_calls(study.calls, catalog)
    if calls is not None:
        from genoassoc.calls import validate_calls

        calls = validate_calls(calls, catalog)
        loci_table, samples_table = qc(calls, catalog)
        sections.append("<h2>Genotype QC</h2>" + _table_html(
            loci_table, "Hardy-Weinberg equilibrium per locus (exact p as PLINK --hardy)",
            ["locus", "allele1", "allele2", "n", "call_rate", "n_hom1", "n_het", "n_hom2", "maf", "minor_allele",
             "obs_het", "exp_het", "p_exact", "p_midp", "p_chisq", "monomorphic"]))

    phenotypes = read_phenotypes(study.pheno, study.sample_col) if study.pheno else None
    if phenotypes is not None and study.pk:
        from genoassoc.io.pk_samples import read_pk_samples
        from genoassoc.stats.pk import nca

        exposure = nca(read_pk_samples(study.pk)).set_index("sample")
        sections.append("<h2>Pharmacokinetics</h2>" + _table_html(
            exposure.reset_index(), "Non-compartmental analysis per patient (linear trapezoid)",
            ["sample", "c0", "cmax", "tmax", "auc_0_24", "half_life", "note"]))
        for column in ("auc_0_24", "cmax", "half_life"):
            if column not in phenotypes.columns:
                phenotypes[column] = exposure[column].reindex(phenotypes.index).map(
                    lambda value: "" if value != value else repr(float(value)))

    if phenotypes is not None and calls is not None and study.locus:
        locus = catalog.resolve(study.locus)
        at_locus = calls[(calls["locus"] == locus.id) & (calls["status"] == "called")].set_index("sample")
        genotypes = at_locus["genotype"].reindex(phenotypes.index)
        present = genotypes.notna()
        effect = study.effect_allele or minor_allele(genotypes[present], locus.alleles)
        encoding = encode(genotypes[present], locus.alleles, study.model, effect)
        group_column = f"{locus.id} ({study.model}, effect allele {effect})"
        phenotypes[group_column] = ""
        phenotypes.loc[present, group_column] = [encoding.groups[k] for k in encoding.group]
        if encoding.testable:
            variables = study.table1_variables or [c for c in phenotypes.columns if c not in ("_row", group_column)]
            sections.append("<h2>Table 1</h2>" + _table_html(
                table1(phenotypes[present], group_column, variables),
                f"Baseline characteristics by {group_column}"))
        association = ["<h2>Association with the genotype</h2>"]
        for outcome in study.outcomes:
            result = associate(calls, phenotypes, locus.id, outcome, study.model, catalog=catalog,
                               effect_allele=effect, covariates=study.covariates, log=study.log_outcomes,
                               case_level=study.case_level)
            association.append(_table_html(result.table, f"{outcome}: {result.outcome_type} outcome, "
                                           f"{'; '.join(result.messages[-1:])}", ASSOCIATION_COLUMNS))
            if result.outcome_type == "continuous":
                values = numeric_phenotype(phenotypes, outcome)
                keep = present & values.notna()
                test_row = result.table[(result.table["row"] == "test") & result.table["test"].notna()].head(1)
                p = float(test_row["p"].iloc[0]) if len(test_row) else None
                association.append(_figure_html(figures.box_plot(
                    values[keep], phenotypes.loc[keep, group_column], list(encoding.groups), ylabel=outcome,
                    p=p, test=test_row["test"].iloc[0] if len(test_row) else "", title=outcome,
                    log=study.log_outcomes), f"{outcome} by {group_column}"))
        sections.append("".join(association))
        for time_column, event_column in study.survival:
            result = associate(calls, phenotypes, locus.id, time_column, study.model, catalog=catalog,
                               effect_allele=effect, covariates=study.covariates, event=event_column)
            times, events = numeric_phenotype(phenotypes, time_column), numeric_phenotype(phenotypes, event_column)
            keep = present & times.notna() & events.notna()
            sections.append(f"<h2>Survival: {html.escape(time_column)}</h2>" + _figure_html(
                figures.kaplan_meier_plot(times[keep], events[keep], phenotypes.loc[keep, group_column],
                                          list(encoding.groups), title=time_column),
                f"Kaplan-Meier estimate of {time_column} by {group_column}")
                + _table_html(result.table, f"{time_column}: medians, log-rank and Cox hazard ratios",
                              ASSOCIATION_COLUMNS))

    if phenotypes is not None and study.correlations:
        parts = ["<h2>Correlations</h2>"]
        for x_column, y_column in study.correlations:
            x, y = numeric_phenotype(phenotypes, x_column), numeric_phenotype(phenotypes, y_column)
            keep = x.notna() & y.notna()
            result = correlate(x[keep], y[keep], "spearman")
            parts.append(_figure_html(figures.scatter_plot(x[keep], y[keep], xlabel=x_column, ylabel=y_column,
                                                           r=result.estimate, p=result.p),
                                      f"{y_column} against {x_column} (Spearman, as R cor.test)"))
        sections.append("".join(parts))

    if phenotypes is not None and study.cox_vars and study.survival:
        time_column, event_column = study.survival[0]
        table, messages = cox_table(phenotypes, time_column, event_column, study.cox_vars, study.cox_adjust,
                                    study.dichotomize, calls=calls, catalog=catalog, model=study.model)
        forest = table.dropna(subset=["hr_adjusted"]).assign(label=lambda frame: frame["term"])
        sections.append("<h2>Table 2: Cox regression</h2>" + _table_html(
            table, f"{time_column}: univariable and multivariable hazard ratios; {'; '.join(messages)}")
            + (_figure_html(figures.forest_plot(forest, label="label", estimate="hr_adjusted", low="ci_lo_adjusted",
                                                high="ci_hi_adjusted", p="p_adjusted",
                                                title="Multivariable hazard ratio (95% CI)"),
                            "Forest plot of the multivariable Cox model") if len(forest) else ""))

    if study.cutpoint_pheno and study.cutpoint_marker:
        from genoassoc.biomarker import survival_cutpoint

        discovery = read_phenotypes(study.cutpoint_pheno, study.sample_col)
        validation = read_phenotypes(study.cutpoint_validate, study.sample_col) if study.cutpoint_validate else None
        summary, cuts, messages = survival_cutpoint(discovery, study.cutpoint_marker, study.cutpoint_time,
                                                    study.cutpoint_event, validation=validation)
        optimal = summary[summary["analysis"].str.startswith("optimal")].iloc[0]
        parts = ["<h2>Biomarker cut-point</h2>", _table_html(summary, "; ".join(messages)),
                 _figure_html(figures.cutpoint_plot(cuts, marker=study.cutpoint_marker, chosen=optimal["cut"]),
                              "Hazard ratio and standardised log-rank statistic by candidate cut")]
        for name, frame in (("discovery", discovery), ("validation", validation)):
            if frame is None:
                continue
            marker = numeric_phenotype(frame, study.cutpoint_marker)
            times = numeric_phenotype(frame, study.cutpoint_time)
            events = numeric_phenotype(frame, study.cutpoint_event)
            keep = marker.notna() & times.notna() & events.notna()
            labels = [f"{study.cutpoint_marker} <= {optimal['cut']:g}", f"{study.cutpoint_marker} > {optimal['cut']:g}"]
            groups = np.where(marker[keep] > optimal["cut"], labels[1], labels[0])
            parts.append(_figure_html(figures.kaplan_meier_plot(times[keep], events[keep], groups, labels,
                                                                title=f"{name} cohort"),
                                      f"{name} cohort split at the discovery cut {optimal['cut']:g}"))
        sections.append("".join(parts))

    settings = {name: value for name, value in dataclasses.asdict(study).items() if value not in (None, [], "")}
    parameters = "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(str(value))}</td></tr>"
                         for name, value in settings.items())
    inputs = "".join(_file_record(getattr(study, name)) for name in ("calls", "gel", "assays", "pheno", "pk",
                                                                       "cutpoint_pheno", "cutpoint_validate"))
    versions = "".join(f"<tr><td>{name}</td><td>{version}</td></tr>" for name, version in _versions())
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections.append("<h2>Reproducibility</h2>"
                    f"<table><caption>Parameters</caption><tbody>{parameters}</tbody></table>"
                    f"<table><caption>Inputs (SHA-256)</caption><tbody>{inputs}</tbody></table>"
                    f"<table><caption>Software</caption><tbody>{versions}</tbody></table>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(study.title)}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; line-height: 1.4; }}
h1 {{ font-size: 1.6em; }} h2 {{ border-bottom: 1px solid #ccc; margin-top: 2em; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.82em; display: block; overflow-x: auto; }}
caption {{ text-align: left; font-weight: bold; padding: 0.3em 0; }}
th, td {{ border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }} figure {{ margin: 1em 0; }} img {{ max-width: 100%; }}
figcaption {{ font-size: 0.85em; color: #555; }} code {{ font-size: 0.8em; }}
</style></head>
<body><h1>{html.escape(study.title)}</h1>
<p>Generated {generated} by genoassoc {__version__}.</p>
{''.join(sections)}
</body></html>
"""
