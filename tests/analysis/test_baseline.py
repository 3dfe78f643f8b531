from pathlib import Path

import pytest
from conftest import read_golden

from genoassoc.analysis.baseline import table1
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes
from genoassoc.report.tables import to_markdown

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def r():
    return read_golden(ROOT / "tests" / "golden" / "table1" / "r_golden.tsv")


def test_table1_tests_match_r(r):
    table = table1(read_phenotypes(ROOT / "examples" / "hcc_discovery.tsv"), "response",
                   ["age", "il6", "sex", "bclc", "ecog", "albi_grade"]).table
    rows = table[table["variable"] != ""].set_index("variable")
    assert rows.loc["n", "overall"] == "63" and rows.loc["n", "CR/PR"] == "19"
    assert rows.loc["age", "test"] == "Welch t-test" and rows.loc["age", "level"] == "mean ± SD"
    assert rows.loc["age", "p"] == pytest.approx(r["age_welch"], rel=1e-6)
    assert rows.loc["il6", "test"] == "Mann-Whitney U" and rows.loc["il6", "level"] == "median (IQR)"
    assert rows.loc["il6", "p"] == pytest.approx(r["il6_wilcox"], rel=1e-6)
    pairs = (("sex", "sex_chisq"), ("bclc", "bclc_chisq"), ("ecog", "ecog_chisq"), ("albi_grade", "albi_chisq"))
    for name, key in pairs:
        assert rows.loc[name, "test"] == "chi-square"
        assert rows.loc[name, "p"] == pytest.approx(r[key], rel=1e-6)
    sex = table[(table["level"].isin(["F", "M"]))]
    assert sex["overall"].tolist() == ["18 (28.6%)", "45 (71.4%)"]


def test_fisher_for_small_expected_counts_and_missing(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("sample\tarm\tsmoker\tage\n" + "".join(
        f"S{i}\t{'A' if i < 8 else 'B'}\t{'yes' if i in (0, 1, 9) else ('' if i == 5 else 'no')}\t{50 + i}\n"
        for i in range(16)))
    table = table1(read_phenotypes(path), "arm", ["smoker", "age"]).table
    smoker = table[table["variable"] == "smoker"].iloc[0]
    assert smoker["test"] == "Fisher's exact" and smoker["missing"] == 1
    assert "| smoker |" in to_markdown(table)
    with pytest.raises(InputError, match="no column 'bmi'"):
        table1(read_phenotypes(path), "arm", ["bmi"])
