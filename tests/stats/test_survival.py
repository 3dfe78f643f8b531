"""Survival statistics against R survival and maxstat (tests/golden/survival/make_golden.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.errors import InputError
from genoassoc.stats.survival import concordance, cox, cox_zph, kaplan_meier, logrank, validate

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "survival"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def lung():
    return pd.read_csv(GOLDEN / "lung.tsv", sep="\t")


@pytest.fixture(scope="module")
def veteran():
    return pd.read_csv(GOLDEN / "veteran.tsv", sep="\t")


def data_for(name, lung, veteran):
    return (lung, "sex") if name == "lung" else (veteran, "trt")


@pytest.mark.parametrize("name", ["lung", "veteran"])
@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_km_medians_and_cis_match_survfit(r, lung, veteran, name, conf_type):
    data, group = data_for(name, lung, veteran)
    for k, level in enumerate(sorted(data[group].unique()), start=1):
        rows = data[data[group] == level]
        fit = kaplan_meier(rows["time"], rows["status"], conf_type)
        key = f"km.{name}.{conf_type}.{k}"
        assert fit.n == r[f"{key}.n"] and fit.events == r[f"{key}.events"]
        median, lcl, ucl = fit.median()
        for value, field in ((median, "median"), (lcl, "lcl"), (ucl, "ucl")):
            expected = r[f"{key}.{field}"]
            assert (np.isnan(value) and np.isnan(expected)) or value == pytest.approx(expected), field


@pytest.mark.parametrize("name", ["lung", "veteran"])
@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_landmark_survival_matches_summary_survfit(r, lung, veteran, name, conf_type):
    data, group = data_for(name, lung, veteran)
    checked = 0
    for k, level in enumerate(sorted(data[group].unique()), start=1):
        rows = data[data[group] == level]
        table = kaplan_meier(rows["time"], rows["status"], conf_type).at([90, 180, 365]).set_index("time")
        for landmark in (90, 180, 365):
            key = f"landmark.{name}.{conf_type}.{k}.{landmark}"
            if f"{key}.surv" not in r:
                continue
            checked += 1
            assert table.loc[landmark, "surv"] == pytest.approx(r[f"{key}.surv"], rel=1e-9)
            assert table.loc[landmark, "lower"] == pytest.approx(r[f"{key}.lower"], rel=1e-9)
            assert table.loc[landmark, "upper"] == pytest.approx(r[f"{key}.upper"], rel=1e-9)
            assert table.loc[landmark, "n_risk"] == r[f"{key}.n.risk"]
    assert checked >= 4


def test_logrank_matches_survdiff(r, lung, veteran):
    for name in ("lung", "veteran"):
        data, group = data_for(name, lung, veteran)
        result = logrank(data["time"], data["status"], data[group])
        assert result.statistic == pytest.approx(r[f"logrank.{name}.chisq"], rel=1e-9)
        assert result.p == pytest.approx(r[f"logrank.{name}.p"], rel=1e-9)
    four = logrank(veteran["time"], veteran["status"], veteran["celltype"])
    assert (four.statistic, four.df) == (pytest.approx(r["logrank.veteran.celltype.chisq"], rel=1e-9), 3)
    assert four.p == pytest.approx(r["logrank.veteran.celltype.p"], rel=1e-9)
    stratified = logrank(veteran["time"], veteran["status"], veteran["trt"], strata=veteran["celltype"])
    assert stratified.statistic == pytest.approx(r["logrank.veteran.strata.chisq"], rel=1e-9)


COX = {"lung": ["sex", "age", "ph_ecog"], "veteran": ["trt", "karno", "age"]}


@pytest.mark.parametrize("name", ["lung", "veteran"])
@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cox_matches_coxph(r, lung, veteran, name, ties):
    data = (lung if name == "lung" else veteran).dropna(subset=COX[name])
    fit = cox(data["time"], data["status"], data[COX[name]], ties=ties)
    key = f"cox.{name}.{ties}"
    assert fit.n == r[f"{key}.n"]
    for term in COX[name]:
        result = fit.terms[term]
        assert result.coef == pytest.approx(r[f"{key}.{term}.coef"], rel=1e-6)
        assert result.se == pytest.approx(r[f"{key}.{term}.se"], rel=1e-5)
        assert result.p == pytest.approx(r[f"{key}.{term}.p"], rel=1e-5)
        assert result.ci_lo == pytest.approx(r[f"{key}.{term}.lower"], rel=1e-6)
        assert result.ci_hi == pytest.approx(r[f"{key}.{term}.upper"], rel=1e-6)
    assert fit.likelihood_ratio[0] == pytest.approx(r[f"{key}.lr"], rel=1e-6)
    assert fit.wald[0] == pytest.approx(r[f"{key}.wald"], rel=1e-5)
    assert fit.score[0] == pytest.approx(r[f"{key}.score"], rel=1e-6)
    assert fit.score[2] == pytest.approx(r[f"{key}.score.p"], rel=1e-5)
    zph = cox_zph(fit, COX[name]).set_index("term")
    assert zph.loc["GLOBAL", "chisq"] == pytest.approx(r[f"{key}.zph.global"], rel=1e-5)
    assert zph.loc["GLOBAL", "p"] == pytest.approx(r[f"{key}.zph.global.p"], rel=1e-5)
    for term in COX[name]:
        assert zph.loc[term, "chisq"] == pytest.approx(r[f"{key}.zph.{term}"], rel=1e-5)
    c = concordance(data["time"], data["status"], fit.linear_predictor)
    assert c.c_index == pytest.approx(r[f"{key}.concordance"], rel=1e-9)
    assert c.std_err == pytest.approx(r[f"{key}.concordance.se"], rel=1e-4)


def test_validation_lists_rows():
    time = pd.Series([1.0, -2, 3, np.nan], index=[2, 3, 4, 5])
    event = pd.Series([1, 2, 0, 1], index=[2, 3, 4, 5])
    with pytest.raises(InputError) as error:
        validate(time, event, source="p.tsv", time_col="os_months", event_col="os_event")
    message = str(error.value)
    assert "column 'os_months' missing in rows 5" in message
    assert "column 'os_months' negative in rows 3" in message
    assert "column 'os_event' not 0/1 in rows 3" in message


def test_firth_cox_is_finite_when_a_group_has_no_events_and_matches_ml_otherwise():
    from genoassoc.stats.survival import CoxNotEstimable, firth_cox

    rng = np.random.default_rng(4)
    carrier = np.r_[np.zeros(20), np.ones(10)]
    time = rng.exponential(10, 30).round(1) + 0.1
    event = np.where(carrier == 1, 0, rng.random(30) < 0.7).astype(int)
    with pytest.raises(CoxNotEstimable):
        cox(time, event, pd.DataFrame({"carrier": carrier}))
    term = firth_cox(time, event, pd.DataFrame({"carrier": carrier}))["carrier"]
    assert np.isfinite(term.coef) and term.hazard_ratio < 1
    assert term.ci_lo < term.hazard_ratio < term.ci_hi < 1 and term.p < 0.05
    # With plenty of events the penalty is negligible: Firth and ML agree closely.
    x = rng.normal(size=400)
    time, event = rng.exponential(np.exp(-0.5 * x)), (rng.random(400) < 0.8).astype(int)
    firth = firth_cox(time, event, pd.DataFrame({"x": x}))["x"].coef
    assert firth == pytest.approx(cox(time, event, pd.DataFrame({"x": x})).terms["x"].coef, abs=2e-3)


KM_EDGES = Path(__file__).resolve().parent.parent / "golden" / "km"


@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
@pytest.mark.parametrize("case", ["flat_to_end", "flat_then_drop", "flat_mid", "ties", "never_half"])
def test_km_median_edges_match_the_survfit_summary_table(case, conf_type):
    """Including a curve that sits exactly at 0.5 to the end of follow-up (a G/G group of two
    patients): R's summary table gives the time it got there, not "not reached"."""
    golden = pd.read_csv(KM_EDGES / "r_golden.tsv", sep="\t").set_index("name")["value"]
    data = pd.read_csv(KM_EDGES / f"{case}.tsv", sep="\t")
    median, lower, upper = kaplan_meier(data["time"], data["status"], conf_type).median()
    for value, part in ((median, "median"), (lower, "lower"), (upper, "upper")):
        expected = golden[f"{case}|{conf_type}|{part}"]
        if np.isnan(expected):
            assert np.isnan(value), part
        else:
            assert value == pytest.approx(expected, rel=1e-12), part


def test_logrank_keeps_tiny_p_values():
    golden = pd.read_csv(KM_EDGES / "r_golden.tsv", sep="\t").set_index("name")["value"]
    data = pd.read_csv(KM_EDGES / "separated.tsv", sep="\t")
    test = logrank(data["time"], data["status"], data["group"])
    assert test.statistic == pytest.approx(golden["separated|chisq"], rel=1e-10)
    assert test.p == pytest.approx(golden["separated|p"], rel=1e-8)
    assert test.p > 0
