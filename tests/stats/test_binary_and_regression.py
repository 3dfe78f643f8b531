"""Binary-outcome tests and regressions against R and PLINK 1.9 (tests/golden/assoc)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.stats.binary import chi_square, fisher_exact, max_statistic, trend_statistic
from genoassoc.stats.regression import covariate_columns, firth_logistic, linear, logistic

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "assoc"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def plink():
    return pd.read_csv(GOLDEN / "plink_model.tsv", sep="\t").set_index("test")


@pytest.fixture(scope="module")
def data():
    cohort = pd.read_csv(GOLDEN / "cohort.tsv", sep="\t", dtype=str)
    calls = pd.read_csv(GOLDEN / "calls.tsv", sep="\t", dtype=str, keep_default_na=False)
    d = cohort.merge(calls[calls["status"] == "called"], on="sample").sort_values("sample")
    d["g"] = d["genotype"].str.count("G")
    d["responder"] = (d["response"] == "CR/PR").astype(int)
    return d.reset_index(drop=True)


MASKS = {"dominant": lambda g: g > 0, "recessive": lambda g: g == 2, "overdominant": lambda g: g == 1}


def two_by_two(data, model):
    carriers = MASKS[model](data["g"]).astype(int)
    return pd.crosstab(data["responder"], carriers).to_numpy()


@pytest.mark.parametrize("model", list(MASKS))
def test_fisher_and_chisq_2x2_match_r(data, r, model):
    table = two_by_two(data, model)
    result = fisher_exact(table)
    assert result.p == pytest.approx(r[f"fisher.{model}.p"], rel=1e-6)
    # R's table(group, response) is the transpose: the odds ratio is the same.
    # R finds the conditional MLE and its exact CI with uniroot at tolerance ~1e-4.
    assert result.odds_ratio == pytest.approx(r[f"fisher.{model}.or"], rel=5e-4)
    assert result.ci_lo == pytest.approx(r[f"fisher.{model}.lo"], rel=5e-4)
    assert result.ci_hi == pytest.approx(r[f"fisher.{model}.hi"], rel=5e-4)
    yates, _, p_yates = chi_square(table, yates=True)
    plain, df, p_plain = chi_square(table, yates=False)
    assert (yates, p_yates) == pytest.approx((r[f"chisq.{model}.yates"], r[f"chisq.{model}.yates.p"]), rel=1e-9)
    assert (plain, p_plain) == pytest.approx((r[f"chisq.{model}.plain"], r[f"chisq.{model}.plain.p"]), rel=1e-9)
    assert df == 1


def test_fisher_and_chisq_2x3_match_r(data, r):
    table = pd.crosstab(data["responder"], data["g"]).to_numpy()
    assert fisher_exact(table).p == pytest.approx(r["fisher.codominant.p"], rel=1e-6)
    statistic, df, p = chi_square(table, yates=False)
    assert (statistic, p, df) == pytest.approx((r["chisq.codominant.plain"], r["chisq.codominant.plain.p"], 2))


def test_trend_dominant_recessive_match_plink_model(data, plink):
    table = pd.crosstab(data["responder"], data["g"]).reindex(columns=[0, 1, 2], fill_value=0).to_numpy()
    # PLINK prints 4 significant digits.
    assert trend_statistic(table, (0, 1, 2)) == pytest.approx(plink.loc["TREND", "chisq"], rel=5e-4)
    assert trend_statistic(table, (0, 1, 1)) == pytest.approx(plink.loc["DOM", "chisq"], rel=5e-4)
    assert trend_statistic(table, (0, 0, 1)) == pytest.approx(plink.loc["REC", "chisq"], rel=5e-4)
    assert plink.loc["DOM", "a1"] == "G"


def test_max_statistic_matches_the_gonzalez_method_in_r(data, r):
    table = pd.crosstab(data["responder"], data["g"]).reindex(columns=[0, 1, 2], fill_value=0).to_numpy()
    maximum, p, statistics = max_statistic(table)
    for model in ("dominant", "recessive", "additive"):
        assert statistics[model] == pytest.approx(r[f"maxstat.{model}"], rel=1e-9)
    assert maximum == pytest.approx(r["maxstat.max"], rel=1e-9)
    assert p == pytest.approx(r["maxstat.p"], rel=1e-4)
    # Adjusted for three looks: larger than the single-model p, smaller than three times it.
    from scipy import stats

    single = stats.chi2.sf(maximum, 1)
    assert single < p < 3 * single


def design_for(data, genotype_term):
    covariates, references = covariate_columns(data, ["age", "sex", "egfr"])
    return pd.concat([genotype_term.rename("x"), covariates], axis=1), references


@pytest.mark.parametrize("model", ["dominant", "recessive", "overdominant", "additive"])
def test_lm_and_glm_match_r(data, r, model):
    term = data["g"].astype(float) if model == "additive" else MASKS[model](data["g"]).astype(float)
    design, references = design_for(data, term)
    assert references == {"sex": "F", "egfr": "L858R"}
    name = "x" if model == "additive" else "xTRUE"
    fit = linear(np.log(data["il6"].astype(float)), design).coefficients["x"]
    for field, key in (("estimate", "beta"), ("ci_lo", "lo"), ("ci_hi", "hi"), ("p", "p")):
        assert getattr(fit, field) == pytest.approx(r[f"lm.{model}.{name}.{key}"], rel=1e-6)
    fit = logistic(data["responder"], design).coefficients["x"]
    for field, key in (("estimate", "beta"), ("ci_lo", "lo"), ("ci_hi", "hi"), ("p", "p")):
        assert getattr(fit, field) == pytest.approx(r[f"glm.{model}.{name}.{key}"], rel=1e-5)


def test_codominant_glm_matches_r(data, r):
    covariates, _ = covariate_columns(data, ["age", "sex", "egfr"])
    design = pd.concat([(data["g"] == 1).astype(float).rename("G/C"), (data["g"] == 2).astype(float).rename("G/G"),
                        covariates], axis=1)
    fit = logistic(data["responder"], design)
    for term in ("G/C", "G/G"):
        assert fit.coefficients[term].estimate == pytest.approx(r[f"glm.codominant.x{term}.beta"], rel=1e-5)
        assert fit.coefficients[term].p == pytest.approx(r[f"glm.codominant.x{term}.p"], rel=1e-5)


def test_firth_on_a_2x2_table_is_the_haldane_corrected_odds_ratio():
    # Firth's estimate for one binary covariate equals the log odds ratio with 0.5 added to every
    # cell (Firth 1993; Heinze & Schemper 2002) -- finite even with an empty cell.
    cells = {(0, 0): 12, (0, 1): 7, (1, 0): 9, (1, 1): 0}
    x = np.concatenate([np.full(n, g) for (g, y), n in cells.items()]).astype(float)
    y = np.concatenate([np.full(n, y) for (g, y), n in cells.items()]).astype(float)
    fit = firth_logistic(pd.Series(y), pd.DataFrame({"carrier": x}))
    a, b, c, d = 12.5, 7.5, 9.5, 0.5
    assert fit.coefficients["carrier"].estimate == pytest.approx(np.log((a * d) / (b * c)), abs=1e-7)
    assert fit.coefficients["(Intercept)"].estimate == pytest.approx(np.log(b / a), abs=1e-7)
    # CIs and p: tests/stats/test_firth_logistic.py against the penalised likelihood written in R
    from genoassoc.stats.regression import SeparationError

    with pytest.raises(SeparationError):
        logistic(pd.Series(y), pd.DataFrame({"carrier": x}))


def test_firth_on_the_sas_and_r_example_8_15_table():
    # Kleinman, "SAS and R" Example 8.15 (2010): pred=1/outcome=1 x20, pred=0/outcome=1 x20,
    # pred=0/outcome=0 x200. ML diverges; Firth gives log(401) for pred and log(20.5/200.5) for the intercept.
    x = np.array([1.0] * 20 + [0.0] * 20 + [0.0] * 200)
    y = np.array([1.0] * 20 + [1.0] * 20 + [0.0] * 200)
    fit = firth_logistic(pd.Series(y), pd.DataFrame({"pred": x}))
    assert fit.coefficients["pred"].estimate == pytest.approx(np.log(401), abs=1e-6)
    assert fit.coefficients["(Intercept)"].estimate == pytest.approx(np.log(20.5 / 200.5), abs=1e-6)


FISHER = Path(__file__).parents[1] / "golden" / "fisher"


@pytest.mark.parametrize("name", ["flchain_age", "flchain_flcgrp", "nafld1_bmi", "genotype_small",
                                  "genotype_sparse", "genotype_null"])
def test_fisher_2x3_stays_exact_at_cohort_scale(name):
    """2×3 tables of up to 7 874 patients (survival::flchain, nafld1) against R fisher.test (FEXACT):
    an exact p however small, never a Monte Carlo floor (tests/golden/fisher)."""
    golden = pd.read_csv(FISHER / "r_golden.tsv", sep="\t").set_index("name").loc[name]
    table = np.array([[int(v) for v in golden["row1"].split(",")], [int(v) for v in golden["row2"].split(",")]])
    result = fisher_exact(table)
    assert result.method == "exact" and result.test == "Fisher's exact"
    if golden["p"] == 0:
        assert 0 <= result.p < 1e-300
    else:
        assert result.p == pytest.approx(golden["p"], rel=1e-6)


def test_a_monte_carlo_p_says_so_with_its_tables_seed_and_floor():
    table = np.array([[30, 2, 1], [1, 25, 3], [2, 1, 28]])
    result = fisher_exact(table)
    assert result.method == "Monte Carlo" and result.test == "Fisher's test, Monte Carlo p"
    assert result.replicates == 100_000 and result.floor == pytest.approx(1 / 100_001)
    assert result.p == pytest.approx(result.floor)
    assert result.describe() == ("Monte Carlo p from 100,000 random tables (seed 20261123), as R fisher.test("
                                 "simulate.p.value = TRUE); the smallest p it can give is 1.0e-05; p is at that "
                                 "floor: the exact p is smaller")


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
@pytest.mark.parametrize("seed, aliased", [(1, False), (2, False), (3, True), (4, True)])
def test_linear_equals_statsmodels_ols_also_with_an_aliased_column(seed, aliased):
    """The numpy least squares is statsmodels' OLS.fit(): estimates, CIs and p, to rounding; with a
    column that repeats another (rank-deficient), the same pseudo-inverse answer and residual df."""
    from statsmodels.regression.linear_model import OLS

    rng = np.random.default_rng(seed)
    n = 60 + 40 * seed
    design = pd.DataFrame({"g": rng.integers(0, 3, n).astype(float), "age": rng.normal(60, 9, n),
                           "sex=M": rng.integers(0, 2, n).astype(float)})
    if aliased:
        design["twice_g"] = 2 * design["g"]
    outcome = pd.Series(1.5 + 0.4 * design["g"] + 0.02 * design["age"] + rng.normal(0, 1, n))
    ours = linear(outcome, design)
    exog = np.column_stack([np.ones(n), design.to_numpy(float)])
    fit = OLS(outcome.to_numpy(float), exog).fit()
    ci = fit.conf_int(0.05)
    for i, term in enumerate(["(Intercept)", *design.columns]):
        coefficient = ours.coefficients[term]
        scale = fit.bse[i]
        assert abs(coefficient.estimate - fit.params[i]) < 1e-9 * scale
        assert abs(coefficient.ci_lo - ci[i, 0]) < 1e-9 * scale and abs(coefficient.ci_hi - ci[i, 1]) < 1e-9 * scale
        assert coefficient.p == pytest.approx(fit.pvalues[i], rel=1e-9, abs=1e-300)
    assert ours.n == n
