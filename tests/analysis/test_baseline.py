from pathlib import Path

import pytest
from conftest import read_golden

from genoassoc.analysis.baseline import table1
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes
from genoassoc.report.publication import table1_publication, to_markdown

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def r():
    return read_golden(ROOT / "tests" / "golden" / "table1" / "r_golden.tsv")


def test_table1_tests_match_r(r):
    result = table1(read_phenotypes(ROOT / "examples" / "hcc_discovery.tsv"), "response",
                    ["age", "il6", "sex", "bclc", "ecog", "albi_grade"])
    table = result.table
    sizes = table[table["variable"] == "N"].set_index("group")["n"]
    assert (sizes["overall"], sizes["CR/PR"], sizes["SD/PD"]) == (63, 19, 44)
    first = table.drop_duplicates("variable").set_index("variable")
    assert first.loc["age", "test"] == "Welch t-test" and first.loc["age", "summary"] == "mean (SD)"
    assert first.loc["age", "p"] == pytest.approx(r["age_welch"], rel=1e-6)
    # 19 and 44 patients without ties: R's wilcox.test default is the exact p
    assert first.loc["il6", "test"] == "Mann-Whitney U (exact)" and first.loc["il6", "summary"] == "median (IQR)"
    assert first.loc["il6", "p"] == pytest.approx(r["il6_wilcox_default"], rel=1e-6)
    assert first.loc["il6", "p"] != pytest.approx(r["il6_wilcox"], rel=1e-3)
    pairs = (("sex", "sex_chisq"), ("bclc", "bclc_chisq"), ("ecog", "ecog_chisq"), ("albi_grade", "albi_chisq"))
    for name, key in pairs:
        assert first.loc[name, "test"] == "chi-square"
        assert first.loc[name, "p"] == pytest.approx(r[key], rel=1e-6)
    sex = table[(table["variable"] == "sex") & (table["group"] == "overall")]
    assert sex["level"].tolist() == ["F", "M"] and sex["count"].tolist() == [18, 45]
    assert sex["percent"].tolist() == pytest.approx([100 * 18 / 63, 100 * 45 / 63])


def test_fisher_for_small_expected_counts_and_missing(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("sample\tarm\tsmoker\tage\n" + "".join(
        f"S{i}\t{'A' if i < 8 else 'B'}\t{'yes' if i in (0, 1, 9) else ('' if i == 5 else 'no')}\t{50 + i}\n"
        for i in range(16)))
    result = table1(read_phenotypes(path), "arm", ["smoker", "age"])
    smoker = result.table[result.table["variable"] == "smoker"].iloc[0]
    assert smoker["test"] == "Fisher's exact" and smoker["missing"] == 1
    assert "| smoker, n (%) (missing: 1) |" in to_markdown(table1_publication(result))
    with pytest.raises(InputError, match="no column 'bmi'"):
        table1(read_phenotypes(path), "arm", ["bmi"])
