"""What a reader of the rendered tables (Markdown, Word, the report) must be able to see: values put in
place of '<x', spellings that differ only in case, reference levels with their n and small groups,
crude and adjusted estimates under their own headings with the adjustment set, a cut-point on a
substituted value, the test behind each p, and journal conventions (numbered captions, three-line
tables, genotype names, units). A seed-like study: the 30 example patients with IL-6 typed '<1.5' for
four and one EGFR typed 'Del19'."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from cli_run import invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CALLS = ROOT / "tests" / "golden" / "publication" / "calls.tsv"



@pytest.fixture(scope="module")
def seed_like(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str, keep_default_na=False)
    lowest = pheno["il6_day15"].astype(float).nsmallest(4).index
    pheno.loc[lowest, "il6_day15"] = "<1.5"
    pheno.loc[pheno["sample"] == "P02", "egfr"] = "Del19"
    path = folder / "pheno.tsv"
    pheno.to_csv(path, sep="\t", index=False)
    return path


def markdown(*args: object) -> str:
    result = invoke(*args, "--format", "markdown")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_spellings_that_differ_only_in_case_are_refused_or_merged_with_a_note(seed_like):
    args = ["assoc", CALLS, "--pheno", seed_like, "--locus", "rs1800796", "--model", "dominant", "--time",
            "os_months", "--event", "os_event", "--covariates", "age,egfr"]
    # counted among the patients called at the locus (those the analysis uses)
    pheno = pd.read_csv(seed_like, sep="\t", dtype=str, keep_default_na=False)
    calls = pd.read_csv(CALLS, sep="\t", dtype=str, keep_default_na=False)
    called = pheno[pheno["sample"].isin(calls.loc[calls["status"] == "called", "sample"])]
    lower = int((called["egfr"] == "del19").sum())
    refused = invoke(*args)
    assert refused.exit_code == 2
    assert refused.output.strip() == (f"genoassoc: error: {seed_like}: 'egfr' has levels that differ only in case, "
                                      f"spaces or punctuation: 'del19' ({lower} rows) and 'Del19' (1 row); correct the "
                                      "data, or merge them with --merge-case-variants")
    text = markdown(*args, "--merge-case-variants")
    assert f"egfr: 'Del19' (1) merged into 'del19' ({lower}) (--merge-case-variants)" in text
    # merged, egfr has two levels: its reference (C-locale order) with its n among the analysed patients
    assert f"covariate 'egfr': reference level 'L858R' (n = {int((called['egfr'] == 'L858R').sum())})" in text
    assert "egfr=Del19" not in text


def test_values_below_the_limit_are_reported_with_what_was_put_in_their_place(seed_like):
    assoc = markdown("assoc", CALLS, "--pheno", seed_like, "--locus", "rs1800796", "--model", "dominant",
                     "--outcome", "il6_day15", "--log", "--below-lloq", "half")
    lines = [line for line in assoc.splitlines() if "below the limit" in line]
    # P03 and P05 (two of the four) have no call at rs1800796? the note counts the analysed samples only
    assert len(lines) == 1 and lines[0].startswith("il6_day15: ")
    assert "set to half the limit (0.75) (--below-lloq half)" in lines[0]
    corr = markdown("corr", "--pheno", seed_like, "--x", "il6_day15", "--y", "c0", "--below-lloq", "lloq")
    assert "il6_day15: 4 values below the limit of quantification ('<1.5' ×4) set to the limit (1.5) " \
           "(--below-lloq lloq)" in corr
    table1 = markdown("table1", "--pheno", seed_like, "--by", "response", "--vars", "age,il6_day15",
                      "--below-lloq", "missing")
    assert "il6_day15: 4 values below the limit of quantification ('<1.5' ×4) set to missing: left out " \
           "(--below-lloq missing)" in table1


def test_a_cut_on_the_substituted_value_is_named(tmp_path):
    # patients below the limit die early: the best split is at the value put in their place
    rows = [(f"L{i}", "<1.5", 1 + i % 3, 1) for i in range(8)]
    rows += [(f"H{i}", f"{3 + i * 0.7:.2f}", 30 + (i * 7) % 15, i % 8 == 7) for i in range(32)]
    path = tmp_path / "cohort.tsv"
    pd.DataFrame(rows, columns=["sample", "il6", "os_months", "os_event"]).astype({"os_event": int}).to_csv(
        path, sep="\t", index=False)
    result = invoke("cutpoint", "--pheno", path, "--marker", "il6", "--time", "os_months", "--event", "os_event",
                    "--below-lloq", "half", "--format", "json")
    assert result.exit_code == 0, result.output
    optimal = next(row for row in json.loads(result.stdout) if row["analysis"].startswith("optimal"))
    assert optimal["cut"] == 0.75
    assert optimal["note"].endswith("the optimal cut 0.75 is the value put in place of 8 results below the limit "
                                    "of quantification (--below-lloq half): it separates those results from the "
                                    "measured ones")
    text = markdown("cutpoint", "--pheno", path, "--marker", "il6", "--time", "os_months", "--event", "os_event",
                    "--below-lloq", "half", "--permutations", "200")
    assert "| — warning: the optimal cut 0.75 is the value put in place of 8 results" in text
    assert "| — log-rank p at this cut, unadjusted for the search |" in text
    assert "| — permutation p (200 permutations) |" in text


def test_crude_and_adjusted_estimates_have_their_own_columns_in_markdown_and_word(seed_like, tmp_path):
    args = ["assoc", CALLS, "--pheno", EXAMPLES / "phenotypes.tsv", "--locus", "rs1800796", "--model", "dominant",
            "--outcome", "response", "--case-level", "CR/PR", "--covariates", "age,sex"]
    text = markdown(*args)
    header = next(line for line in text.splitlines() if line.startswith("| Genotype"))
    mark = header.split("Adjusted odds ratio (95% CI)")[1][0]
    assert header == ("| Genotype | n | Events, n (%) | Odds ratio (95% CI) | p | "
                      f"Adjusted odds ratio (95% CI){mark} | p |")
    assert f"{mark} adjusted for age, sex  " in text
    output = tmp_path / "t.docx"
    assert invoke(*args, "--format", "docx", "-o", output).exit_code == 0
    from docx import Document

    document = Document(str(output))
    (grid,) = document.tables
    headers = [cell.text for cell in grid.rows[0].cells][3:]
    letter = headers[2].removeprefix("Adjusted odds ratio (95% CI)")
    assert headers == ["Odds ratio (95% CI)", "p", f"Adjusted odds ratio (95% CI){letter}", "p"]
    assert f"{letter} adjusted for age, sex" in [paragraph.text for paragraph in document.paragraphs]


def test_a_small_reference_level_is_warned_about(tmp_path):
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str, keep_default_na=False)
    pheno.loc[pheno["sample"].isin(["P01", "P02", "P03"]), "egfr"] = "exon20ins"
    path = tmp_path / "p.tsv"
    pheno.to_csv(path, sep="\t", index=False)
    text = markdown("assoc", CALLS, "--pheno", path, "--locus", "rs1800796", "--model", "dominant", "--time",
                    "os_months", "--event", "os_event", "--covariates", "egfr", "--ref-level", "egfr=exon20ins")
    line = next(line for line in text.splitlines() if line.startswith("covariate 'egfr'"))
    assert line.startswith("covariate 'egfr': reference level 'exon20ins' (n = 3); fewer than 5 patients in "
                           "'exon20ins' (n = 3): estimates against such a level are unstable")


def test_word_captions_number_the_tables_by_what_they_are_and_rule_them_in_three_lines(tmp_path):
    output = tmp_path / "cox.docx"
    result = invoke("cox", "--pheno", EXAMPLES / "phenotypes.tsv", "--time", "os_months", "--event", "os_event",
                    "--vars", "age,sex,egfr", "--format", "docx", "-o", output)
    assert result.exit_code == 0, result.output
    from docx import Document

    document = Document(str(output))
    assert document.paragraphs[0].text == "Table 2. Cox regression of os_months"
    xml = zipfile.ZipFile(output).read("word/document.xml").decode()
    borders = xml.split("<w:tblBorders>")[1].split("</w:tblBorders>")[0]
    assert '<w:top w:val="single"' in borders and '<w:bottom w:val="single"' in borders
    assert '<w:insideV w:val="nil"/>' in borders and '<w:left w:val="nil"/>' in borders
    assert xml.count("<w:tcBorders>") == len(document.tables[0].rows[0].cells)  # the rule under the header
    from genoassoc.report.publication import PublicationTable, captions

    tables = [PublicationTable("a", (), ()), PublicationTable("cox", (), (), label="Table 2"),
              PublicationTable("b", (), ()), PublicationTable("t1", (), (), label="Table 1")]
    assert captions(tables) == ["Table 3", "Table 2", "Table 4", "Table 1"]


def test_hwe_names_its_genotypes_and_pk_gives_units_and_markdown_has_no_markup(tmp_path):
    calls = tmp_path / "calls.tsv"
    assert invoke("call", "--rflp", EXAMPLES / "gel_sizes.tsv", "-o", calls).exit_code == 0
    hwe = markdown("hwe", calls)
    assert "| rs1800796 | 26 | G/G 1, G/C 13, C/C 12 |" in hwe
    assert "Genotypes, n" in hwe
    pk = markdown("pk", EXAMPLES / "pk_samples.tsv")
    assert "| Sample | C0 (conc) | Cmax (conc) | Tmax (h) | AUC0–24 (conc·h) | t½ (h) | Note |" in pk
    table1 = markdown("table1", "--pheno", EXAMPLES / "phenotypes.tsv", "--by", "response", "--vars", "sex")
    assert "&nbsp;" not in table1 and "&" not in table1.replace("&amp;", "")
    assert "| \u2003F |" in table1 or "| \u2003M |" in table1
    one = io.StringIO()
    one.write(invoke("assoc", CALLS, "--pheno", EXAMPLES / "phenotypes.tsv", "--locus", "rs1800796", "--outcome",
                     "c0").stderr)
    assert "4 samples with a no-call" in one.getvalue()


def test_the_report_carries_the_same_notes_and_labelled_p_values(seed_like, tmp_path):
    import base64
    import html
    import re

    hcc = pd.read_csv(EXAMPLES / "hcc_discovery.tsv", sep="\t", dtype=str, keep_default_na=False)
    hcc.loc[hcc["il6"].astype(float).nsmallest(4).index, "il6"] = "<1.5"
    hcc.to_csv(tmp_path / "hcc.tsv", sep="\t", index=False)
    (tmp_path / "study.toml").write_text(f'''
calls = "{CALLS}"
pheno = "{seed_like}"
locus = "rs1800796"
model = "dominant"
outcomes = ["il6_day15"]
log = true
below_lloq = "half"
merge_case_variants = true
covariates = ["egfr"]
cutpoint_pheno = "hcc.tsv"
cutpoint_marker = "il6"
cutpoint_time = "os_months"
cutpoint_event = "os_event"
permutations = 500
''', encoding="utf-8")
    output = tmp_path / "report.html"
    result = invoke("report", tmp_path / "study.toml", "-o", output)
    assert result.exit_code == 0, result.output
    page = output.read_text()
    assert "set to half the limit (0.75) (--below-lloq half)" in page
    assert "egfr: &#x27;Del19&#x27; (1) merged into &#x27;del19&#x27;" in page
    assert "Adjusted ratio of geometric means (95% CI)" in page
    figures = [html.unescape(base64.b64decode(data).decode())
               for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]
    discovery = next(figure for figure in figures if "discovery cohort" in figure)
    assert "(unadjusted)" in discovery and "adjusted for the search (Lau94)" in discovery
    assert "by 500 permutations" in discovery
    assert "— permutation p (500 permutations)" in page
