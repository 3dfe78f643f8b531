"""The association orchestrator end to end on the golden cohort (numbers from R, tests/golden/assoc)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.analysis.association import associate, infer_outcome_type
from genoassoc.calls import read_calls
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "assoc"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def calls():
    return read_calls(GOLDEN / "calls.tsv")


@pytest.fixture(scope="module")
def phenotypes():
    return read_phenotypes(GOLDEN / "cohort.tsv")


def test_continuous_dominant_with_covariates(calls, phenotypes, r):
    result = associate(calls, phenotypes, "-572G>C", "il6", "dominant", covariates=["age", "sex", "egfr"], log=True)
    table = result.table
    assert result.outcome_type == "continuous" and result.effect_allele == "G"
    assert (table["locus"] == "rs1800796").all() and (table["effect_allele"] == "G").all()
    assert (table["groups"] == "C/C | G/C+G/G").all()
    groups = table[table["row"] == "group"].set_index("group")
    assert groups.loc["C/C", "n"] == 75 and groups.loc["G/C+G/G", "n"] == 69
    mw = table[table["test"] == "Mann-Whitney U"].iloc[0]
    assert mw["statistic"] == pytest.approx(r["wilcox.dominant.il6.W"])
    assert mw["p"] == pytest.approx(r["wilcox.dominant.il6.p"], rel=1e-6)
    fits = table[(table["test"] == "linear regression of log outcome") & (table["term_kind"] == "genotype")]
    lm = fits[fits["adjustment"] == "adjusted for age, sex, egfr"].iloc[0]
    assert lm["estimate_name"] == "ratio of geometric means"
    assert lm["estimate"] == pytest.approx(np.exp(r["lm.dominant.xTRUE.beta"]), rel=1e-6)
    assert lm["ci_lo"] == pytest.approx(np.exp(r["lm.dominant.xTRUE.lo"]), rel=1e-6)
    assert lm["p"] == pytest.approx(r["lm.dominant.xTRUE.p"], rel=1e-6)
    assert lm["note"] == "adjusted for age, sex, egfr"
    crude = fits[fits["adjustment"] == "crude"].iloc[0]
    assert crude["estimate"] == pytest.approx(np.exp(r["lm_crude.dominant.xTRUE.beta"]), rel=1e-6)
    assert crude["ci_hi"] == pytest.approx(np.exp(r["lm_crude.dominant.xTRUE.hi"]), rel=1e-6)
    assert crude["p"] == pytest.approx(r["lm_crude.dominant.xTRUE.p"], rel=1e-6)
    assert (table.loc[table["term"].isin(["age", "sex=M"]), "term_kind"] == "covariate").all()
    messages = "\n".join(result.messages)
    assert "1 sample in the calls but not the phenotypes: P999" in messages
    assert "1 sample in the phenotypes but not the calls: X001" in messages
    assert "6 samples with a no-call at rs1800796, left out" in messages
    assert "covariate 'sex': reference level 'F'" in messages
    assert "effect allele G (the minor allele); 144 samples analysed" in messages


def test_binary_codominant_logistic_and_fisher(calls, phenotypes, r):
    result = associate(calls, phenotypes, "rs1800796", "response", "codominant", case_level="CR/PR",
                       covariates=["age", "sex", "egfr"])
    table = result.table
    assert result.outcome_type == "binary"
    fisher = table[table["test"] == "Fisher's exact"].iloc[0]
    assert fisher["p"] == pytest.approx(r["fisher.codominant.p"], rel=1e-6)
    logistic = table[table["test"] == "logistic regression"]
    glm = logistic[logistic["adjustment"] == "adjusted for age, sex, egfr"].set_index("term")
    crude = logistic[logistic["adjustment"] == "crude"].set_index("term")
    for term in ("G/C", "G/G"):
        assert glm.loc[term, "estimate"] == pytest.approx(np.exp(r[f"glm.codominant.x{term}.beta"]), rel=1e-5)
        assert glm.loc[term, "p"] == pytest.approx(r[f"glm.codominant.x{term}.p"], rel=1e-5)
        assert crude.loc[term, "estimate"] == pytest.approx(np.exp(r[f"glm_crude.codominant.x{term}.beta"]), rel=1e-5)
        assert crude.loc[term, "p"] == pytest.approx(r[f"glm_crude.codominant.x{term}.p"], rel=1e-5)
    # G/G has 9 samples: a cell under 5 adds Firth's regression.
    assert (table["test"] == "Firth logistic regression").any()
    counts = table[table["row"] == "group"].set_index("group")
    assert counts.loc["G/G", "n"] == 9 and counts.loc["G/G", "events"] == 7


def test_all_models_add_the_max_statistic(calls, phenotypes, r):
    result = associate(calls, phenotypes, "rs1800796", "response", "all")
    assert set(result.table["model"]) >= {"codominant", "dominant", "recessive", "overdominant", "additive"}
    max_row = result.table[result.table["test"].str.startswith("max-statistic", na=False)].iloc[0]
    assert max_row["p"] == pytest.approx(r["maxstat.p"], rel=1e-4)
    trend = result.table[result.table["test"] == "Cochran-Armitage trend"].iloc[0]
    assert trend["statistic"] == pytest.approx(r["maxstat.additive"], rel=1e-9)
    assert result.table["effect_allele"].eq("G").all()


def test_monomorphic_locus_is_not_testable(tmp_path, phenotypes):
    path = tmp_path / "calls.tsv"
    path.write_text("sample\tlocus\tgenotype\tstatus\n" + "".join(
        f"P{i:03d}\trs1800795\tG/G\tcalled\n" for i in range(1, 31)))
    result = associate(read_calls(path), phenotypes, "rs1800795", "il6", "dominant")
    tests = result.table[result.table["row"] == "test"]
    assert len(tests) == 1
    assert tests.iloc[0]["note"] == "not testable: G/C+C/C has no samples"
    assert pd.isna(tests.iloc[0]["p"])


def test_effect_allele_override(calls, phenotypes):
    result = associate(calls, phenotypes, "rs1800796", "il6", "recessive", effect_allele="C")
    assert (result.table["groups"] == "G/G+G/C | C/C").all()
    assert "effect allele C (given)" in result.messages[-1]


def test_outcome_type_inference():
    assert infer_outcome_type(pd.Series(["0", "1", "", "1"], name="y")) == "binary"
    assert infer_outcome_type(pd.Series(["CR/PR", "SD/PD"], name="y")) == "binary"
    assert infer_outcome_type(pd.Series(["1.5", "2", "3"], name="y")) == "continuous"
    with pytest.raises(InputError, match="use --outcome-type"):
        infer_outcome_type(pd.Series(["a", "b", "c"], name="y"))


def test_log_of_a_non_positive_value_names_the_row(tmp_path, calls):
    pheno = tmp_path / "p.tsv"
    pheno.write_text("sample\til6\nP001\t0\nP002\t3\nP003\t4\n")
    with pytest.raises(InputError, match=r"p.tsv, row 2, column 'il6': '0' cannot be log-transformed"):
        associate(calls, read_phenotypes(pheno), "rs1800796", "il6", "dominant", log=True)
