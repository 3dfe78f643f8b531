import json
from pathlib import Path

import pytest
from cli_run import run_cli
from conftest import read_golden

GOLDEN = Path(__file__).resolve().parent / "golden" / "assoc"


def run(*args):
    return run_cli(*args)


def test_assoc_command_prints_definitions_on_every_row():
    result = run("assoc", GOLDEN / "calls.tsv", "--pheno", GOLDEN / "cohort.tsv", "--locus", "-572G>C",
                 "--model", "recessive", "--outcome", "response", "--case-level", "CR/PR", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(row["effect_allele"] == "G" and row["groups"] == "C/C+G/C | G/G" for row in rows)
    assert "outcome 'response': event = 'CR/PR'" in result.stderr
    assert any(row["test"] == "Fisher's exact" for row in rows)


def test_assoc_bad_covariate_and_duplicate_phenotype(tmp_path):
    result = run("assoc", GOLDEN / "calls.tsv", "--pheno", GOLDEN / "cohort.tsv", "--locus", "rs1800796",
                 "--outcome", "il6", "--covariates", "bmi")
    assert result.returncode == 2 and "cohort.tsv: no column 'bmi' (columns: age, sex, egfr, il6" in result.stderr
    pheno = tmp_path / "p.tsv"
    pheno.write_text("sample\til6\nP001\t3\nP001\t4\n")
    result = run("assoc", GOLDEN / "calls.tsv", "--pheno", pheno, "--locus", "rs1800796", "--outcome", "il6")
    assert result.returncode == 2
    assert "p.tsv, row 3, column 'sample': sample 'P001' is listed twice (rows 2 and 3)" in result.stderr


def test_corr_and_paired_commands():
    result = run("corr", "--pheno", GOLDEN / "cohort.tsv", "--x", "il6", "--y", "c0", "--method", "pearson",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    r = read_golden(GOLDEN / "r_golden.tsv")  # R cor.test and wilcox.test (tests/golden/assoc/make_golden.R)
    assert row["method"] == "pearson" and row["n"] == 151
    for field, key in (("estimate", "estimate"), ("p", "p"), ("ci_lo", "lo"), ("ci_hi", "hi")):
        assert row[field] == pytest.approx(r[f"cohort.cor.pearson.{key}"], rel=1e-10), field
    result = run("corr", "--pheno", GOLDEN / "cohort.tsv", "--x", "il6", "--y", "c0", "--method", "spearman",
                 "--format", "json")
    (row,) = json.loads(result.stdout)
    assert row["estimate"] == pytest.approx(r["cohort.cor.spearman.estimate"], rel=1e-12)
    assert row["p"] == pytest.approx(r["cohort.cor.spearman.p"], rel=1e-8)
    result = run("paired", "--pheno", GOLDEN / "cohort.tsv", "--before", "il6_pre", "--after", "il6_post")
    assert result.returncode == 0, result.stderr
    header, values = (line.split("\t") for line in result.stdout.splitlines())
    row = dict(zip(header, values, strict=True))
    assert row["statistic_name"] == "V" and float(row["statistic"]) == r["cohort.paired.V"]
    assert float(row["p"]) == pytest.approx(r["cohort.paired.p"], rel=1e-10)


def test_pk_command(tmp_path):
    samples = tmp_path / "pk.csv"
    samples.write_text("sample,time_h,conc\n" + "".join(
        f"S1,{t},{c}\n" for t, c in zip([0, 1, 2, 4, 6, 8, 12, 24], [52, 310, 428, 395, 322, 251, 160, 48],
                                        strict=True)))
    out = tmp_path / "nca.tsv"
    result = run("pk", samples, "-o", out)
    assert result.returncode == 0, result.stderr
    header, values = (line.split("\t") for line in out.read_text().splitlines())
    row = dict(zip(header, values, strict=True))
    assert float(row["auc_0_24"]) == 181 + 369 + 823 + 717 + 573 + 822 + 1248 and row["c0"] == "52"


def test_assoc_tsv_output_has_empty_cells_for_missing_values(tmp_path):
    out = tmp_path / "assoc.tsv"
    result = run("assoc", GOLDEN / "calls.tsv", "--pheno", GOLDEN / "cohort.tsv", "--locus", "rs1800796",
                 "--model", "all", "--outcome", "response", "-o", out)
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    width = len(lines[0].split("\t"))
    assert all(len(line.split("\t")) == width for line in lines)
    assert all(cell.lower() != "nan" for line in lines for cell in line.split("\t"))
