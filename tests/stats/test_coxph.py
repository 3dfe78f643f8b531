"""The Cox engine against R survival's coxph (tests/golden/cox, made by make_golden.R): awkward real
data sets (skewed bilirubin, a 3-level factor, heavy ties, strata, start/stop rows, case weights and an
offset) and 200 simulated skewed-biomarker cohorts."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.stats.coxph import CoxNotEstimable, cox, firth_cox

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "cox"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


def data(name):
    return pd.read_csv(GOLDEN / f"{name}.tsv", sep="\t", keep_default_na=True)


def indicators(values, levels, prefix):
    return pd.DataFrame({f"{prefix}{level}": (values == level).astype(float) for level in levels})


def pbc_bili():
    d = data("pbc")
    return d.time, d.status, d[["bili"]], {}


def pbc_edema():
    d = data("pbc")
    return d.time, d.status, indicators(d.edema, [0.5, 1.0], "factor(edema)").rename(
        columns={"factor(edema)1.0": "factor(edema)1"}), {}


def pbc_mayo():
    d = data("pbc")
    design = pd.DataFrame({"age": d.age, "edema": d.edema, "log(bili)": np.log(d.bili),
                           "log(albumin)": np.log(d.albumin), "log(protime)": np.log(d.protime)})
    return d.time, d.status, design, {}


def colon_strata():
    d = data("colon").dropna()
    design = pd.concat([indicators(d.rx, ["Lev", "Lev+5FU"], 'relevel(factor(rx), "Obs")'), d[["age", "node4"]]],
                       axis=1)
    return d.time, d.status, design, {"strata": d.sex}


def gbsg():
    d = data("gbsg")
    return d.rfstime, d.status, d[["age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon"]], {}


def rotterdam():
    d = data("rotterdam")
    design = pd.concat([d[["age", "meno"]], indicators(d["size"], ["20-50", ">50"], "factor(size)"),
                        d[["grade", "nodes", "pgr", "er", "hormon", "chemo"]]], axis=1)
    return d.dtime, d.death, design, {}


def heart():
    d = data("heart")
    design = d[["age", "year", "surgery", "transplant"]].rename(columns={"transplant": "transplant1"})
    return d.stop, d.event, design, {"start": d.start}


def ovarian_weighted():
    d = data("ovarian")
    return d.futime, d.fustat, d[["age", "ecog.ps", "rx"]], {"weights": d["resid.ds"], "offset": 0.01 * d.age}


MODELS = {"pbc.bili": pbc_bili, "pbc.edema": pbc_edema, "pbc.mayo": pbc_mayo, "colon.strata": colon_strata,
          "gbsg": gbsg, "rotterdam": rotterdam, "heart": heart, "ovarian.weighted": ovarian_weighted}


def assert_matches_r(fit, design, r, key, rel):
    for term in design.columns:
        assert fit.terms[term].coef == pytest.approx(r[f"{key}|{term}|coef"], rel=rel, abs=1e-12), term
        assert fit.terms[term].se == pytest.approx(r[f"{key}|{term}|se"], rel=rel), term
        assert fit.terms[term].p == pytest.approx(r[f"{key}|{term}|p"], rel=1e-5, abs=1e-300), term
    assert fit.loglik == (pytest.approx(r[f"{key}|loglik0"], rel=1e-12), pytest.approx(r[f"{key}|loglik"], rel=1e-12))
    assert fit.likelihood_ratio.statistic == pytest.approx(r[f"{key}|lr"], rel=1e-8)
    assert fit.wald.statistic == pytest.approx(r[f"{key}|wald"], rel=rel)
    assert fit.score.statistic == pytest.approx(r[f"{key}|score"], rel=1e-8)
    assert fit.iterations == r[f"{key}|iter"]


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_real_data_sets_match_r(r, name, ties):
    time, event, design, options = MODELS[name]()
    fit = cox(time, event, design, ties=ties, **options)
    assert_matches_r(fit, design, r, f"{name}.{ties}", rel=1e-8)


def test_bilirubin_per_unit_converges_as_in_r(r):
    """statsmodels' PHReg diverged here (0 -> 0.32 -> -0.02 ... -> -614); R takes 6 iterations."""
    time, event, design, _ = pbc_bili()
    fit = cox(time, event, design)
    assert fit.iterations == 6
    assert fit.terms["bili"].hazard_ratio == pytest.approx(np.exp(r["pbc.bili.efron|bili|coef"]), rel=1e-12)


def test_two_hundred_skewed_biomarker_cohorts_converge_as_in_r(r):
    cohorts = data("simulated")
    for k, cohort in cohorts.groupby("cohort", observed=True):
        fit = cox(cohort.time, cohort.status, cohort[["il6"]])
        assert fit.terms["il6"].coef == pytest.approx(r[f"sim.{k}|il6|coef"], rel=1e-6), k
        assert fit.terms["il6"].se == pytest.approx(r[f"sim.{k}|il6|se"], rel=1e-6), k
        assert fit.loglik[1] == pytest.approx(r[f"sim.{k}|loglik"], rel=1e-10), k
        assert fit.iterations == r[f"sim.{k}|iter"], k


def test_monotone_likelihood_names_the_group_without_events():
    time = np.arange(1.0, 21.0)
    event = np.r_[np.ones(10), np.zeros(10)]
    group = pd.DataFrame({"G/G": np.r_[np.zeros(10), np.ones(10)]})
    with pytest.raises(CoxNotEstimable, match="hazard ratio of G/G is zero: the G/G group has no events"):
        cox(time, event, group)
    terms = firth_cox(time, event, group)
    assert np.isfinite(terms["G/G"].coef) and terms["G/G"].hazard_ratio < 0.1


def test_collinear_terms_are_not_estimable():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    fit = cox(rng.exponential(size=50), np.ones(50), pd.DataFrame({"x": x, "x2": 2 * x}))
    assert fit.aliased == ("x2",) and np.isnan(fit.terms["x2"].hazard_ratio)
    with pytest.raises(CoxNotEstimable, match="constant cannot be told apart from the other terms"):
        cox(rng.exponential(size=50), np.ones(50), pd.DataFrame({"constant": np.ones(50)}))
    with pytest.raises(CoxNotEstimable, match="no events"):
        cox(np.arange(5.0), np.zeros(5), pd.DataFrame({"x": np.arange(5.0)}))


FIRTH = Path(__file__).resolve().parent.parent / "golden" / "firth"
FIRTH_MODELS = {"sparse.gg": ("sparse", ["gg"]), "sparse.gg_age": ("sparse", ["gg", "age"]),
                "sparse.cc": ("sparse", ["cc"]), "ovarian": ("ovarian", ["age", "rx"])}


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("key", sorted(FIRTH_MODELS))
def test_firth_matches_an_independent_penalised_likelihood(key, ties):
    """Against tests/golden/firth/make_golden.R (the penalised likelihood from R coxph's loglik and
    information, maximised and profiled by optim/uniroot): coefficients, profile CIs and p to 1e-6."""
    r = read_golden(FIRTH / "r_golden.tsv")
    name, columns = FIRTH_MODELS[key]
    d = pd.read_csv(FIRTH / f"{name}.tsv", sep="\t")
    time, event = (d.time, d.status) if name == "sparse" else (d.futime, d.fustat)
    terms = firth_cox(time, event, d[columns], ties=ties)
    for column in columns:
        golden = f"{key}.{ties}|{column}"
        assert terms[column].coef == pytest.approx(r[f"{golden}|coef"], rel=1e-6, abs=1e-8)
        assert np.log(terms[column].ci_lo) == pytest.approx(r[f"{golden}|lo"], rel=1e-6, abs=1e-8)
        assert np.log(terms[column].ci_hi) == pytest.approx(r[f"{golden}|hi"], rel=1e-6, abs=1e-8)
        assert terms[column].p == pytest.approx(r[f"{golden}|p"], rel=1e-6)


def test_an_aliased_term_is_left_out_and_the_rest_fitted_as_r():
    """R coxph on lung with age2 = 2 x age: age2's coefficient is NA, age and sex are fitted
    (tests/golden/cox_aliased)."""
    folder = Path(__file__).parents[1] / "golden" / "cox_aliased"
    data = pd.read_csv(folder / "lung_aliased.tsv", sep="\t")
    golden = pd.read_csv(folder / "r_golden.tsv", sep="\t", na_values=["NA"], skipinitialspace=True)
    golden = golden.set_index("term").astype(float)
    fit = cox(data["time"], data["status"], data[["age", "sex", "age2"]])
    assert fit.aliased == ("age2",)
    for term in ("age", "sex"):
        assert fit.terms[term].coef == pytest.approx(golden.at[term, "coef"], rel=1e-8)
        assert fit.terms[term].se == pytest.approx(golden.at[term, "se"], rel=1e-6)
        assert fit.terms[term].p == pytest.approx(golden.at[term, "p"], rel=1e-6)
    assert np.isnan(fit.terms["age2"].coef) and np.isnan(golden.at["age2", "coef"])
    assert fit.likelihood_ratio.df == 2
