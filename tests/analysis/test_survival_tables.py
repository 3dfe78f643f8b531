"""Table 2, cut-points with validation and time-to-event association, against R (tests/golden/survival)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.analysis.cox_regression import cox_table
from genoassoc.analysis.cutpoints import survival_cutpoint
from genoassoc.errors import InputError
from genoassoc.phenotypes import Coding, read_phenotypes

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "survival"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def lung_file(tmp_path_factory):
    lung = pd.read_csv(GOLDEN / "lung.tsv", sep="\t", dtype=str, keep_default_na=False)
    lung.insert(0, "sample", [f"L{i:03d}" for i in range(len(lung))])
    path = tmp_path_factory.mktemp("lung") / "lung.tsv"
    lung.to_csv(path, sep="\t", index=False)
    return path


def test_cox_table_univariable_and_multivariable(r, lung_file):
    result = cox_table(read_phenotypes(lung_file), "time", "status", ["age", "sex", "ph_ecog"])
    table, messages = result.table.set_index("variable"), result.notes
    for variable in ("age", "sex", "ph_ecog"):
        assert table.loc[variable, "hr"] == pytest.approx(r[f"uni.lung.{variable}.hr"], rel=1e-6)
        assert table.loc[variable, "ci_lo"] == pytest.approx(r[f"uni.lung.{variable}.lower"], rel=1e-6)
        assert table.loc[variable, "p"] == pytest.approx(r[f"uni.lung.{variable}.p"], rel=1e-5)
        coefficient = r[f"cox.lung.efron.{variable}.coef"]
        assert table.loc[variable, "hr_adjusted"] == pytest.approx(np.exp(coefficient), rel=1e-6)
        assert table.loc[variable, "p_adjusted"] == pytest.approx(r[f"cox.lung.efron.{variable}.p"], rel=1e-5)
    assert table.loc["ph_ecog", "n"] == 227
    assert messages[0].startswith("multivariable model: 227 patients, 164 events, efron ties")


def test_cox_table_dichotomised_and_categorical(lung_file):
    phenotypes = read_phenotypes(lung_file)
    table = cox_table(phenotypes, "time", "status", ["age"], dichotomize="median").table
    row = table.iloc[0]
    assert (row["term"], row["reference"]) == ("age > 63", "age <= 63")
    assert row["note"] == "dichotomised at the median 63"
    phenotypes = phenotypes.assign(sex=phenotypes["sex"].map({"1": "male", "2": "female"}))
    table = cox_table(phenotypes, "time", "status", ["sex"], coding_options=Coding(ref_levels={"sex": "male"})).table
    assert table.iloc[0]["term"] == "sex=female" and table.iloc[0]["reference"] == "sex=male"


def test_survival_cutpoint_with_validation(r, lung_file):
    phenotypes = read_phenotypes(lung_file)
    result = survival_cutpoint(phenotypes, "age", "time", "status", validation=phenotypes)
    summary, cuts = result.table, result.cuts
    rows = summary.set_index(["cohort", "analysis"])
    median = rows.loc[("discovery", "median split")]
    assert median["cut"] == 63 and median["statistic"] == pytest.approx(r["median.lung.age.logrank"], rel=1e-9)
    assert median["estimate"] == pytest.approx(r["median.lung.age.hr"], rel=1e-6)
    optimal = rows.loc[("discovery", "optimal cut (maximally selected log-rank)")]
    assert optimal["cut"] == r["maxstat.lung.age.cut"]
    assert optimal["statistic"] == pytest.approx(r["maxstat.lung.age.statistic"], rel=1e-9)
    assert optimal["p"] == pytest.approx(r["maxstat.lung.age.Lau94"], rel=1e-7)
    assert optimal["p_lau92"] == pytest.approx(r["maxstat.lung.age.Lau92"], rel=1e-7)
    per_unit = rows.loc[("discovery", "per unit of age")]
    assert per_unit["estimate"] == pytest.approx(r["uni.lung.age.hr"], rel=1e-6)
    c = rows.loc[("discovery", "Harrell's C of age")]
    assert c["estimate"] == pytest.approx(r["concordance.lung.age"], rel=1e-9)
    assert (c["ci_hi"] - c["estimate"]) / 1.959964 == pytest.approx(r["concordance.lung.age.se"], rel=1e-4)
    # The discovery cut applied unchanged to the validation cohort (here the same patients).
    applied = rows.loc[("validation", "discovery optimal cut applied")]
    assert applied["cut"] == optimal["cut"] and applied["n_high"] == optimal["n_high"]
    assert len(cuts) > 10 and {"cut", "statistic", "hazard_ratio"} <= set(cuts.columns)
    assert cuts["statistic"].max() == pytest.approx(optimal["statistic"])


def test_bad_survival_columns_list_rows(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("sample\tos\tdead\til6\nA\t5\t1\t3\nB\t-1\t0\t4\nC\t7\t2\t5\n")
    with pytest.raises(InputError, match=r"p.tsv, row 3, column 'os': '-1' is a negative time"):
        cox_table(read_phenotypes(path), "os", "dead", ["il6"])
    path.write_text("sample\tos\tdead\til6\nA\t5\t1\t3\nB\t1\t0\t4\nC\t7\t2\t5\n")
    with pytest.raises(InputError, match=r"p.tsv, row 4, column 'dead': '2' is not 0 or 1"):
        cox_table(read_phenotypes(path), "os", "dead", ["il6"])


def test_cli_cox_cutpoint_and_assoc_event(tmp_path, lung_file):
    def run(*args):
        return run_cli(*args)

    result = run("cox", "--pheno", lung_file, "--time", "time", "--event", "status", "--vars", "age,sex",
                 "--adjust", "ph_ecog", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["variable"] for row in rows] == ["age", "sex", "ph_ecog"]
    assert rows[2]["hr"] is None and rows[2]["hr_adjusted"] is not None
    cuts = tmp_path / "cuts.tsv"
    result = run("cutpoint", "--pheno", lung_file, "--marker", "age", "--time", "time", "--event", "status",
                 "--cuts-output", cuts)
    assert result.returncode == 0, result.stderr
    assert cuts.read_text().startswith("cut\tn_low\tn_high\tstatistic\thazard_ratio")
    calls = tmp_path / "calls.tsv"
    lung = pd.read_csv(lung_file, sep="\t", dtype=str)
    genotypes = np.where(lung["sex"] == "1", "G/C", "C/C")
    calls.write_text("sample\tlocus\tgenotype\tstatus\n" + "".join(
        f"{s}\trs1800796\t{g}\tcalled\n" for s, g in zip(lung["sample"], genotypes, strict=True)))
    result = run("assoc", calls, "--pheno", lung_file, "--locus", "rs1800796", "--model", "dominant",
                 "--outcome", "time", "--event", "status", "--covariates", "age", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    logrank = next(row for row in rows if row["test"] == "log-rank")
    assert logrank["statistic"] == pytest.approx(10.3267419548856, rel=1e-9)  # = survdiff(~ sex), lung
    crude = next(row for row in rows if row["test"] == "Cox (crude), efron ties")
    adjusted = next(row for row in rows if row["test"] == "Cox (adjusted), efron ties")
    assert crude["estimate"] > 1 and adjusted["note"] == "adjusted for age"


def test_by_subgroup_with_interaction_matches_r(r, lung_file, tmp_path):
    from genoassoc.analysis.association import associate
    from genoassoc.calls import read_calls

    lung = pd.read_csv(lung_file, sep="\t", dtype=str)
    genotypes = ["G/C" if index % 3 == 0 else "C/C" for index in range(len(lung))]
    calls = tmp_path / "calls.tsv"
    calls.write_text("sample\tlocus\tgenotype\tstatus\n" + "".join(
        f"{s}\trs1800796\t{g}\tcalled\n" for s, g in zip(lung["sample"], genotypes, strict=True)))
    result = associate(read_calls(calls), read_phenotypes(lung_file), "rs1800796", "time", "dominant",
                       event="status", by="sex")
    table = result.table
    assert table["subgroup"].iloc[0] == "sex=1" and set(table["subgroup"]) == {"sex=1", "sex=2", "sex interaction"}
    interaction = table[table["subgroup"] == "sex interaction"].iloc[0]
    assert interaction["statistic"] == pytest.approx(r["interaction.lung.sex.lr"], rel=1e-6)
    assert interaction["p"] == pytest.approx(r["interaction.lung.sex.p"], rel=1e-6)
    assert (table["effect_allele"] == "G").all()


def test_an_optimal_cut_with_a_group_without_events_says_why_its_hazard_ratio_is_blank(tmp_path):
    rows = [f"S{i}\t{i}\t{60 if i <= 12 else i % 7 + 1}\t{0 if i <= 12 else 1}\n" for i in range(1, 41)]
    path = tmp_path / "p.tsv"
    path.write_text("sample\til6\tos\tdead\n" + "".join(rows))
    result = survival_cutpoint(read_phenotypes(path), "il6", "os", "dead")
    optimal = result.table.set_index("analysis").loc["optimal cut (maximally selected log-rank)"]
    assert optimal["cut"] == 12 and pd.isna(optimal["estimate"])
    assert "hazard ratio not estimable: the hazard ratio of high is infinite: the reference group has no events" \
        in optimal["note"]
    assert optimal["note"].startswith("p adjusted for the search (Lau94)")
