from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genoassoc.loci import load_catalog
from genoassoc.qc.hwe import hwe, hwe_chisq, hwe_exact

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "hwe"


@pytest.fixture(scope="module")
def plink():
    return pd.read_csv(GOLDEN / "golden.tsv", sep="\t")


def test_exact_p_matches_plink(plink):
    assert len(plink) >= 50
    p, midp = hwe_exact(plink["het"], plink["hom1"], plink["hom2"])
    # PLINK 2 prints 6 significant digits, PLINK 1.9 four.
    np.testing.assert_allclose(p, plink["plink2_p"], rtol=1e-5)
    np.testing.assert_allclose(midp, plink["plink2_midp"], rtol=1e-5)
    np.testing.assert_allclose(p, plink["plink19_p"], rtol=5e-4)


def test_osimertinib_rs1800796_counts():
    p, midp = hwe_exact([13], [2], [15])
    assert p[0] == pytest.approx(1.0)
    assert midp[0] == pytest.approx(0.827714, rel=1e-5)


def test_exact_is_symmetric_in_homozygotes():
    a, _ = hwe_exact([10], [3], [57])
    b, _ = hwe_exact([10], [57], [3])
    assert a[0] == b[0]


def test_chisq_equals_three_class_pearson_statistic():
    # Uncorrected, the 2x2 allele-table statistic is the Pearson chi-square over the three genotypes.
    q = 43 / 60
    expected = 30 * np.array([(1 - q) ** 2, 2 * q * (1 - q), q**2])
    observed = np.array([2, 13, 15])
    statistic, _ = hwe_chisq([13], [2], [15])
    assert statistic[0] == pytest.approx(((observed - expected) ** 2 / expected).sum())
    mono, p_mono = hwe_chisq([0], [30], [0])
    assert mono[0] == 0 and p_mono[0] == 1


def _calls(rows):
    return pd.DataFrame(rows, columns=["sample", "locus", "genotype", "status"]).assign(reason="", source="")


def test_hwe_table_from_calls():
    genotypes = ["G/G"] * 2 + ["G/C"] * 13 + ["C/C"] * 15
    rows = [(f"P{i:02d}", "rs1800796", g, "called") for i, g in enumerate(genotypes)]
    rows += [("P99", "rs1800796", "", "no_call")]
    rows += [(f"P{i:02d}", "rs1800795", "G/G", "called") for i in range(30)] + [("P99", "rs1800795", "G/G", "called")]
    table = hwe(_calls(rows), load_catalog()).set_index("locus")
    row = table.loc["rs1800796"]
    assert (row["n_hom1"], row["n_het"], row["n_hom2"], row["n_no_call"]) == (2, 13, 15, 1)
    assert row["call_rate"] == pytest.approx(30 / 31)
    assert row["freq_allele2"] == pytest.approx(43 / 60)
    assert row["minor_allele"] == "G" and row["maf"] == pytest.approx(17 / 60)
    assert row["freq_allele2_lo"] < 43 / 60 < row["freq_allele2_hi"]
    assert row["p_midp"] == pytest.approx(0.827714, rel=1e-5)
    assert not row["monomorphic"] and row["small_expected"]
    mono = table.loc["rs1800795"]
    assert mono["monomorphic"] and mono["p_exact"] == 1.0 and mono["maf"] == 0


def test_stratified_by_group():
    rows = [(f"S{i}", "rs1800796", g, "called") for i, g in enumerate(["G/G", "G/C", "C/C", "C/C", "G/C", "C/C"])]
    by = pd.Series({"S0": "case", "S1": "case", "S2": "case", "S3": "control", "S4": "control"})
    table = hwe(_calls(rows), load_catalog(), by=by)
    assert table["group"].tolist() == ["case", "control"]
    assert table["n"].tolist() == [3, 2]


def test_chisq_matches_r_genetics():
    golden = pd.read_csv(GOLDEN / "chisq_golden.tsv", sep="\t")
    assert len(golden) >= 50
    statistic, p = hwe_chisq(golden["het"], golden["hom1"], golden["hom2"])
    corrected, p_corrected = hwe_chisq(golden["het"], golden["hom1"], golden["hom2"], correction=0.5)
    np.testing.assert_allclose(statistic, golden["chisq"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(p, golden["p_chisq"], rtol=1e-9)
    np.testing.assert_allclose(corrected, golden["chisq_cc"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(p_corrected, golden["p_chisq_cc"], rtol=1e-9)


def test_frequency_interval_is_statsmodels_wilson():
    from statsmodels.stats.proportion import proportion_confint

    from genoassoc.qc.hwe import _frequency_ci

    count = np.array([0, 1, 7, 50, 99, 100, 3, 0])
    total = np.array([100, 100, 20, 100, 100, 100, 3, 0])
    low, high = _frequency_ci(count, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = proportion_confint(count[:-1], total[:-1], alpha=0.05, method="wilson")
    np.testing.assert_allclose(low[:-1], expected[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(high[:-1], expected[1], rtol=1e-12, atol=1e-15)
    assert np.isnan(low[-1]) and np.isnan(high[-1])
