"""Competing risks against R cmprsk (tests/golden/competing/make_golden.R): a simulated genotype
cohort with ties, and survival::mgus2 (months, heavy ties, missing haemoglobin)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.errors import InputError
from genoassoc.stats.competing import cumulative_incidence, fine_gray, gray_test

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "competing"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def cohort():
    return pd.read_csv(GOLDEN / "cohort.tsv", sep="\t")


@pytest.fixture(scope="module")
def mgus2():
    return pd.read_csv(GOLDEN / "mgus2.tsv", sep="\t")


@pytest.mark.parametrize("cause", [1, 2])
@pytest.mark.parametrize("genotype", ["C/C", "G/C", "G/G"])
def test_cumulative_incidence_matches_cuminc_timepoints(r, cohort, genotype, cause):
    rows = cohort[cohort["genotype"] == genotype]
    est, var = cumulative_incidence(rows["time"], rows["cause"], failcode=cause).at([6, 12, 24])
    for t, e, v in zip((6, 12, 24), est, var, strict=True):
        assert e == pytest.approx(r[f"cif|{genotype}|{cause}|{t}|est"], rel=1e-10)
        assert v == pytest.approx(r[f"cif|{genotype}|{cause}|{t}|var"], rel=1e-10)


@pytest.mark.parametrize("cause", [1, 2])
@pytest.mark.parametrize("sex", ["F", "M"])
def test_cumulative_incidence_on_mgus2(r, mgus2, sex, cause):
    rows = mgus2[mgus2["sex"] == sex]
    est, var = cumulative_incidence(rows["time"], rows["cause"], failcode=cause).at([60, 120, 240])
    for t, e, v in zip((60, 120, 240), est, var, strict=True):
        assert e == pytest.approx(r[f"mgus_cif|{sex}|{cause}|{t}|est"], rel=1e-10)
        assert v == pytest.approx(r[f"mgus_cif|{sex}|{cause}|{t}|var"], rel=1e-10)


def test_cumulative_incidence_is_missing_beyond_follow_up(cohort):
    curve = cumulative_incidence(cohort["time"], cohort["cause"])
    est, var = curve.at([cohort["time"].max() + 1, 0, cohort["time"].max()])
    assert np.isnan(est[0]) and np.isnan(var[0])
    assert est[1] == 0 and var[1] == 0
    assert est[2] == curve.est[-1]


@pytest.mark.parametrize("cause", [1, 2])
def test_gray_test_matches_cuminc(r, cohort, cause):
    test = gray_test(cohort["time"], cohort["cause"], cohort["genotype"], failcode=cause)
    assert test.df == 2
    assert test.statistic == pytest.approx(r[f"gray|{cause}|stat"], rel=1e-10)
    assert test.p == pytest.approx(r[f"gray|{cause}|p"], rel=1e-8)


def test_stratified_gray_test_matches_cuminc(r, cohort):
    test = gray_test(cohort["time"], cohort["cause"], cohort["genotype"], strata=cohort["cohort"])
    assert test.statistic == pytest.approx(r["gray_strata|1|stat"], rel=1e-10)


@pytest.mark.parametrize("cause", [1, 2])
def test_gray_test_on_mgus2(r, mgus2, cause):
    test = gray_test(mgus2["time"], mgus2["cause"], mgus2["sex"], failcode=cause)
    assert test.statistic == pytest.approx(r[f"mgus_gray|{cause}|stat"], rel=1e-10)


def test_fine_gray_matches_crr(r, cohort):
    fit = fine_gray(cohort["time"], cohort["cause"], cohort[["dose", "age"]])
    assert fit.converged
    for term in ("dose", "age"):
        assert fit.terms[term].coef == pytest.approx(r[f"crr|{term}|coef"], rel=1e-6, abs=1e-9)
        assert fit.terms[term].se == pytest.approx(r[f"crr|{term}|se"], rel=1e-6)
        assert fit.terms[term].p == pytest.approx(r[f"crr|{term}|p"], rel=1e-5)


def test_fine_gray_for_the_competing_cause_matches_crr(r, cohort):
    fit = fine_gray(cohort["time"], cohort["cause"], cohort[["dose"]], failcode=2)
    assert fit.terms["dose"].coef == pytest.approx(r["crr2|dose|coef"], rel=1e-6)
    assert fit.terms["dose"].se == pytest.approx(r["crr2|dose|se"], rel=1e-6)


def test_fine_gray_on_mgus2(r, mgus2):
    rows = mgus2.dropna()
    fit = fine_gray(rows["time"], rows["cause"], rows[["male", "age", "hgb", "mspike"]])
    for term in ("male", "age", "hgb", "mspike"):
        assert fit.terms[term].coef == pytest.approx(r[f"mgus_crr|{term}|coef"], rel=1e-6)
        assert fit.terms[term].se == pytest.approx(r[f"mgus_crr|{term}|se"], rel=1e-6)


def test_fine_gray_refuses_missing_covariates_and_no_events(cohort):
    design = cohort[["age"]].astype(float).copy()
    design.iloc[0, 0] = np.nan
    with pytest.raises(InputError, match="missing"):
        fine_gray(cohort["time"], cohort["cause"], design)
    with pytest.raises(InputError, match="no events"):
        fine_gray(cohort["time"], cohort["cause"], cohort[["age"]], failcode=7)
