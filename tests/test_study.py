"""One engine: the command line, the study file and Python callers share every setting (one name, one
default, one meaning), the report renders the results the commands compute, and figures are drawn from
results. The report's numbers are checked against the command line's on the example study with ages
missing for five patients."""

from __future__ import annotations

import base64
import inspect
import io
import json
import re
from pathlib import Path

import click
import pandas as pd
import pytest
from cli_run import invoke

from genoassoc.cli import load_commands
from genoassoc.errors import InputError
from genoassoc.study import SETTINGS, load_study, make_study

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CALLS = ROOT / "tests" / "golden" / "publication" / "calls.tsv"
R_PUBLICATION = {name: float(value) for name, value in pd.read_csv(
    ROOT / "tests" / "golden" / "publication" / "r_golden.tsv", sep="\t", dtype=str).itertuples(index=False)
    if value not in ("NA", None) and value == value}



def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def _same(value: object, default: object) -> bool:
    if default == [] or default is None:
        return value in ((), [], None) or value is getattr(click.core, "UNSET", object())
    return value == default


def test_every_option_of_a_setting_has_its_name_and_default_everywhere():
    checked = 0
    for name, command in _commands(load_commands()):
        for param in command.params:
            if param.name not in SETTINGS or name == "report" or param.required:
                continue
            assert SETTINGS[param.name].cli, (name, param.name)
            if name == "power" and param.name == "model":
                continue  # the model a hazard ratio is assumed under (no codominant), not the analysed genotypes
            setting = SETTINGS[param.name]
            assert setting.option in param.opts or f"--no-{setting.option[2:]}" in param.secondary_opts or \
                any(opt.startswith(setting.option) for opt in param.opts), (name, param.opts)
            assert _same(param.default, setting.default), (name, param.name, param.default, setting.default)
            checked += 1
    assert checked > 80


def test_every_keyword_of_an_analysis_that_is_a_setting_has_its_default():
    from genoassoc.analysis.association import associate
    from genoassoc.analysis.baseline import table1
    from genoassoc.analysis.competing_risks import competing_risks
    from genoassoc.analysis.cox_regression import cox_table
    from genoassoc.analysis.cutpoints import survival_cutpoint
    from genoassoc.analysis.elisa import elisa
    from genoassoc.analysis.longitudinal import longitudinal
    from genoassoc.analysis.restricted_mean import rmst
    from genoassoc.calling.rflp import call_rflp

    checked = 0
    for function in (associate, table1, competing_risks, cox_table, survival_cutpoint, elisa, longitudinal, rmst,
                     call_rflp):
        for name, parameter in inspect.signature(function).parameters.items():
            if name not in SETTINGS or parameter.default is inspect.Parameter.empty:
                continue
            default = parameter.default
            if name == "tolerance":
                default = str(default)
                assert default == "5bp,5%"
                continue
            assert _same(default, SETTINGS[name].default), (function.__name__, name, default)
            checked += 1
    assert checked >= 25


@pytest.mark.parametrize(("text", "message"), [
    ('log = "false"\n', r"study.toml: setting 'log' is \"false\": expected true or false"),
    ('modle = "dominant"\n', "unknown study setting modle"),
    ('model = "dominat"\n', r"setting 'model' is \"dominat\": expected one of codominant, dominant"),
    ("permutations = 10.5\n", "setting 'permutations' is 10.5: expected a whole number"),
    ('survival = ["os_months"]\n', "expected a list of column pairs"),
])
def test_a_study_file_against_the_settings_is_refused_with_the_key(tmp_path, text, message):
    study = tmp_path / "study.toml"
    study.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_study(study)


def test_the_study_file_is_read_with_the_settings_defaults_and_renamed_keys(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text('log_outcomes = true\npheno = "p.tsv"\noutcomes = ["il6", {column = "response", '
                     'case_level = ["CR", "PR"]}]\n', encoding="utf-8")
    loaded = load_study(study)
    assert loaded.log is True and loaded.notes == ("study setting 'log_outcomes' is now 'log'",)
    assert loaded.pheno == str(tmp_path / "p.tsv")
    assert [outcome.column for outcome in loaded.outcomes] == ["il6", "response"]
    assert loaded.outcomes[1].case_level == ("CR", "PR")
    assert make_study().model == SETTINGS["model"].default == "codominant"
    assert make_study().log is False


def test_cox_additive_is_per_allele_copy_as_r_coxph():
    result = invoke("cox", "--pheno", EXAMPLES / "phenotypes.tsv", "--calls", CALLS, "--model", "additive",
                    "--vars", "rs1800796", "--time", "os_months", "--event", "os_event", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["term"]: row for row in json.loads(result.stdout)}
    assert list(rows) == ["rs1800796 G copies"]
    row = rows["rs1800796 G copies"]
    assert row["hr"] == pytest.approx(R_PUBLICATION["t2|additive|hr"], rel=1e-6)
    assert row["ci_lo"] == pytest.approx(R_PUBLICATION["t2|additive|lo"], rel=1e-6)
    assert row["p"] == pytest.approx(R_PUBLICATION["t2|additive|p"], rel=1e-6)
    assert row["note"] == "additive model, per allele copy, effect allele G"
    adjusted = invoke("cox", "--pheno", EXAMPLES / "phenotypes.tsv", "--calls", CALLS, "--model", "additive",
                      "--vars", "rs1800796", "--covariates", "age,sex,egfr", "--time", "os_months", "--event",
                      "os_event", "--format", "json")
    terms = {row["term"]: row for row in json.loads(adjusted.stdout)}
    assert terms["rs1800796 G copies"]["hr_adjusted"] == pytest.approx(R_PUBLICATION["t2|additive|hr_adj"], rel=1e-6)
    assert terms["rs1800796 G copies"]["p_adjusted"] == pytest.approx(R_PUBLICATION["t2|additive|p_adj"], rel=1e-6)


def test_a_locus_in_vars_is_the_locus_even_when_the_phenotypes_have_its_name(tmp_path):
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str)
    pheno["rs1800796"] = "typed by hand"
    path = tmp_path / "pheno.tsv"
    pheno.to_csv(path, sep="\t", index=False)
    result = invoke("cox", "--pheno", path, "--calls", CALLS, "--model", "dominant", "--vars", "rs1800796",
                    "--time", "os_months", "--event", "os_event", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [row["term"] for row in json.loads(result.stdout)] == ["rs1800796 G/C+G/G"]
    assert ("'rs1800796' is the locus from the calls table under the dominant model; the phenotype table's column "
            "'rs1800796' was not used") in result.stderr


def test_sheet_and_encoding_reach_every_reader_of_assoc(tmp_path):
    workbook = tmp_path / "book.xlsx"
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t")
    with pd.ExcelWriter(workbook) as writer:
        pheno.assign(il6_day15=1.0).to_excel(writer, sheet_name="draft", index=False)
        pheno.to_excel(writer, sheet_name="final", index=False)
    common = ["assoc", CALLS, "--pheno", workbook, "--locus", "rs1800796", "--outcome", "il6_day15",
              "--format", "json"]
    final = invoke(*common, "--sheet", "final")
    draft = invoke(*common)
    from_tsv = invoke("assoc", CALLS, "--pheno", EXAMPLES / "phenotypes.tsv", "--locus", "rs1800796", "--outcome",
                      "il6_day15", "--format", "json")
    assert final.exit_code == draft.exit_code == 0, final.output
    assert json.loads(final.stdout) == json.loads(from_tsv.stdout) != json.loads(draft.stdout)
    missing = invoke(*common, "--sheet", "no_such_sheet")
    assert missing.exit_code == 2
    assert "no sheet 'no_such_sheet' (sheets: draft, final)" in missing.output


def _attachments(report_html: str) -> dict[str, pd.DataFrame]:
    found = re.findall(r'download="([^"]+)\.tsv" href="data:text/tab-separated-values;base64,([^"]+)"', report_html)
    return {name: pd.read_csv(io.StringIO(base64.b64decode(data).decode()), sep="\t") for name, data in found}


def _figure_texts(report_html: str) -> list[str]:
    import html

    figures = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', report_html)
    return [html.unescape(base64.b64decode(figure).decode()) for figure in figures]


@pytest.fixture(scope="module")
def missing_ages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("study")
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str)
    pheno.loc[pheno["sample"].isin(["P02", "P05", "P11", "P17", "P23"]), "age"] = "NA"
    pheno.to_csv(folder / "pheno.tsv", sep="\t", index=False)
    (folder / "study.toml").write_text(f'''
title = "Missing ages"
calls = "{CALLS}"
pheno = "pheno.tsv"
locus = "rs1800796"
model = "dominant"
outcomes = ["il6_day15", {{column = "response", case_level = ["CR/PR"]}}]
log = true
covariates = ["age", "sex"]
survival = [["os_months", "os_event"]]
correlations = [["il6_day15", "c0"]]
cox_vars = ["age", "egfr", "rs1800796"]
cox_adjust = ["sex"]
ref_level = ["egfr=del19"]
''', encoding="utf-8")
    return folder


def test_the_report_gives_the_command_lines_numbers(missing_ages, tmp_path):
    from genoassoc.report.html import build_report

    report = build_report(load_study(missing_ages / "study.toml"))
    attached = _attachments(report.html)
    pheno = missing_ages / "pheno.tsv"
    genotype = ["--pheno", pheno, "--locus", "rs1800796", "--model", "dominant", "--covariates", "age,sex"]

    def cli(*args: object) -> pd.DataFrame:
        result = invoke(*args, "--format", "tsv")
        assert result.exit_code == 0, result.output
        return pd.read_csv(io.StringIO(result.stdout), sep="\t")

    expected = {
        "assoc_il6_day15": cli("assoc", CALLS, *genotype, "--outcome", "il6_day15", "--log"),
        "assoc_response": cli("assoc", CALLS, *genotype, "--outcome", "response", "--case-level", "CR/PR"),
        "survival_os_months": cli("assoc", CALLS, *genotype, "--time", "os_months", "--event", "os_event"),
        "correlation_il6_day15_c0": cli("corr", "--pheno", pheno, "--x", "il6_day15", "--y", "c0"),
        "table2": cli("cox", "--pheno", pheno, "--calls", CALLS, "--model", "dominant", "--vars",
                      "age,egfr,rs1800796", "--covariates", "sex", "--ref-level", "egfr=del19", "--time",
                      "os_months", "--event", "os_event"),
    }
    for name, table in expected.items():
        pd.testing.assert_frame_equal(attached[name], table, check_dtype=False, obj=name)
    survival = expected["survival_os_months"]
    logrank = survival[survival["test"] == "log-rank"].iloc[0]
    crude = survival[survival["test"].str.startswith("Cox (crude)", na=False)]
    adjusted = survival[survival["test"].str.startswith("Cox (adjusted)", na=False)]
    # the Kaplan-Meier figure tests what the table tests: the complete cases of the adjusted analysis (called at
    # the locus, age and sex present)
    pheno_table = pd.read_csv(pheno, sep="\t", dtype=str, keep_default_na=False)
    calls = pd.read_csv(CALLS, sep="\t", dtype=str)
    called = set(calls.loc[calls["status"] == "called", "sample"])
    complete = pheno_table[pheno_table["sample"].isin(called) & (pheno_table["age"] != "NA")]
    assert logrank["n"] == crude["n"].iloc[0] == adjusted["n"].iloc[0] == len(complete) < len(called)
    from genoassoc.report.figures import format_p

    texts = _figure_texts(report.html)
    assert any(f"log-rank {format_p(logrank['p'])}" in text for text in texts)
    km = next(text for text in texts if "Number at risk" in text)
    groups = survival[survival["row"] == "group"]
    for _, group in groups.iterrows():
        assert f"{group['group']} (n={int(group['n'])}, events={int(group['events'])})" in km
    il6 = expected["assoc_il6_day15"]
    rank = il6[il6["test"].str.startswith("Mann-Whitney", na=False)].iloc[0]
    assert any(f"{rank['test']} {format_p(rank['p'])}" in text for text in texts)
    correlation = expected["correlation_il6_day15_c0"].iloc[0]
    assert any(f"ρ = {correlation['estimate']:.3f}" in text and format_p(correlation["p"]) in text for text in texts)


def test_report_options_override_the_study_file_with_the_same_names(missing_ages, tmp_path):
    output = tmp_path / "r.html"
    result = invoke("report", missing_ages / "study.toml", "--model", "additive", "--no-log", "-o", output)
    assert result.exit_code == 0, result.output
    attached = _attachments(output.read_text())
    table = attached["assoc_il6_day15"]
    assert set(table["model"]) == {"additive"}
    assert set(table["test"].dropna()) == {"Mann-Whitney U", "linear regression"} or \
        set(table["test"].dropna()) == {"Kruskal-Wallis", "linear regression"}
    assert set(table["term"].dropna()) >= {"G copies", "age", "sex=M"}
    refused = invoke("report", missing_ages / "study.toml", "-o", missing_ages / "pheno.tsv")
    assert refused.exit_code == 2
    assert "would overwrite the input given as the study file's pheno.tsv" in refused.output


def test_renamed_options_print_their_new_name(tmp_path):
    new = invoke("pk", EXAMPLES / "pk_samples.tsv", "--auc-end", "12", "--format", "json")
    old = invoke("pk", EXAMPLES / "pk_samples.tsv", "--tau", "12", "--format", "json")
    assert new.exit_code == old.exit_code == 0
    assert json.loads(new.stdout) == json.loads(old.stdout)
    assert "auc_0_12" in json.loads(new.stdout)[0]
    assert "--tau is now --auc-end" in old.stderr


def test_an_ordinal_outcome_and_lab_headers_in_the_report_as_on_the_command_line(tmp_path):
    from genoassoc.report.html import build_report

    golden = Path(__file__).resolve().parent / "golden"
    cohort = pd.read_csv(golden / "ordinal" / "cohort.tsv", sep="\t", dtype=str, keep_default_na=False)
    cohort.rename(columns={"sample": "Patient ID", "recist": "Best response"}).to_csv(tmp_path / "chart.csv",
                                                                                      index=False)
    calls = golden / "assoc" / "calls.tsv"
    (tmp_path / "study.toml").write_text(f'''
calls = "{calls}"
pheno = "chart.csv"
columns = ["recist=Best response"]
locus = "rs1800796"
outcomes = [{{column = "recist", outcome_type = "ordinal", levels = ["PD", "SD", "PR", "CR"]}}]
''', encoding="utf-8")
    report = build_report(load_study(tmp_path / "study.toml"))
    result = invoke("assoc", calls, "--pheno", tmp_path / "chart.csv", "--columns", "recist=Best response",
                    "--locus", "rs1800796", "--outcome", "recist", "--outcome-type", "ordinal", "--levels",
                    "PD,SD,PR,CR", "--format", "tsv")
    assert result.exit_code == 0, result.output
    expected = pd.read_csv(io.StringIO(result.stdout), sep="\t")
    pd.testing.assert_frame_equal(_attachments(report.html)["assoc_recist"], expected, check_dtype=False)
    assert "Odds ratio of a higher category (95% CI)" in report.html
    assert "ordered PD &lt; SD &lt; PR &lt; CR" in report.html
