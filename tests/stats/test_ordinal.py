"""Proportional-odds regression against R MASS::polr (tests/golden/ordinal/make_golden.R): MASS's
housing survey, R's warpbreaks, and the association cohort through genoassoc assoc."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tolerance import assert_fit_matches

from genoassoc.errors import InputError
from genoassoc.stats.ordinal import likelihood_ratio, proportional_odds

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "ordinal"
R = pd.read_csv(GOLDEN / "r_golden.tsv", sep="\t", index_col="key")["value"]


def dummies(frame, column, levels):
    return pd.DataFrame({f"{column}{level}": (frame[column] == level).astype(float) for level in levels[1:]},
                        index=frame.index)


def assert_matches_polr(fit, key, terms):
    assert_fit_matches(objective=fit.loglik, r_objective=R[f"{key}.loglik"], minimised=False,
                       estimates=[fit.coefficients[term].estimate for term in terms],
                       r_estimates=[R[f"{key}.coef.{term}"] for term in terms],
                       r_se=[R[f"{key}.se.{term}"] for term in terms],
                       standard_errors=[fit.standard_errors[term] for term in terms])
    zeta = [R[f"{key}.zeta.{k}"] for k in range(1, len(fit.thresholds) + 1)]
    np.testing.assert_allclose(fit.thresholds, zeta, atol=1e-3 * min(fit.standard_errors.values()))


def test_housing_survey_matches_polr():
    housing = pd.read_csv(GOLDEN / "housing.tsv", sep="\t")
    codes = housing["Sat"].map({"Low": 0, "Medium": 1, "High": 2})
    design = pd.concat([dummies(housing, "Infl", ["Low", "Medium", "High"]),
                        dummies(housing, "Type", ["Tower", "Apartment", "Atrium", "Terrace"]),
                        dummies(housing, "Cont", ["Low", "High"])], axis=1)
    fit = proportional_odds(codes, design)
    assert fit.n == 1681
    assert_matches_polr(fit, "housing", list(design.columns))
    reduced = proportional_odds(codes, design.drop(columns=["InflMedium", "InflHigh"]))
    statistic, p = likelihood_ratio(fit, reduced, 2)
    assert statistic == pytest.approx(R["housing.lr_infl"], rel=1e-6)
    assert p == pytest.approx(np.exp(-statistic / 2))  # chi-square, 2 df (R prints 0)


def test_warpbreaks_with_a_continuous_covariate_matches_polr():
    warp = pd.read_csv(GOLDEN / "warpbreaks.tsv", sep="\t")
    design = pd.DataFrame({"woolB": (warp["wool"] == "B").astype(float), "breaks": warp["breaks"].astype(float)})
    fit = proportional_odds(warp["tension"].map({"L": 0, "M": 1, "H": 2}), design)
    assert_matches_polr(fit, "warpbreaks", ["woolB", "breaks"])


def test_fewer_than_three_categories_and_constant_terms_are_refused():
    with pytest.raises(InputError, match="at least three observed categories"):
        proportional_odds([0, 1, 0, 1], pd.DataFrame({"x": [0.0, 1, 1, 0]}))
    with pytest.raises(InputError, match="'x' is the same for every analysed sample"):
        proportional_odds([0, 1, 2, 1], pd.DataFrame({"x": [1.0, 1, 1, 1]}))


def _assoc(*args):
    import json

    from cli_run import run_cli

    result = run_cli("assoc", str(GOLDEN.parent / "assoc" / "calls.tsv"), "--pheno", str(GOLDEN / "cohort.tsv"),
                     "--locus", "rs1800796", "--outcome-type", "ordinal", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return pd.DataFrame(json.loads(result.stdout)), result.stderr


@pytest.mark.parametrize("key, args, terms", [
    ("recist_codominant", ["--outcome", "recist", "--levels", "PD,SD,PR,CR"], {"G/C": "codominantG/C",
                                                                               "G/G": "codominantG/G"}),
    ("recist_dominant_adjusted", ["--outcome", "recist", "--levels", "PD,SD,PR,CR", "--model", "dominant",
                                  "--covariates", "age,sex"], {"G/C+G/G": "dominant", "age": "age", "sex=M": "sexM"}),
    ("ecog_additive", ["--outcome", "ecog", "--model", "additive"], {"G copies": "g"}),
])
def test_assoc_of_an_ordered_outcome_matches_polr(key, args, terms):
    table, notes = _assoc(*args)
    fits = table[table["test"].fillna("").str.startswith("proportional-odds regression")]
    fits = fits[fits["adjustment"] == ("crude" if "adjusted" not in key else "adjusted for age, sex")]
    assert set(fits["term"]) == set(terms)
    for term, r_term in terms.items():
        row = fits[fits["term"] == term].iloc[0]
        se = (np.log(row["ci_hi"]) - np.log(row["ci_lo"])) / (2 * 1.959963984540054)
        r_se = R[f"{key}.se.{r_term}"]
        assert abs(np.log(row["estimate"]) - R[f"{key}.coef.{r_term}"]) / r_se < 1e-3
        assert se == pytest.approx(r_se, rel=1e-3)
    if f"{key}.lr" in R.index:
        lr = table[table["test"].fillna("").str.startswith("proportional-odds likelihood ratio")].iloc[-1]
        assert lr["statistic"] == pytest.approx(R[f"{key}.lr"], rel=1e-6)
        assert lr["p"] == pytest.approx(R[f"{key}.lr_p"], rel=1e-5)
    if key.startswith("recist"):
        assert fits["n"].iloc[0] == R["recist.n"]
        assert "outcome 'recist' ordered PD < SD < PR < CR" in notes


def test_ordered_outcomes_need_their_order_and_every_level_in_it():
    from cli_run import run_cli

    base = ["assoc", str(GOLDEN.parent / "assoc" / "calls.tsv"), "--pheno", str(GOLDEN / "cohort.tsv"), "--locus",
            "rs1800796", "--outcome", "recist", "--outcome-type", "ordinal"]
    unordered = run_cli(*base)
    assert unordered.returncode == 2
    assert unordered.stderr == ("genoassoc: error: 'recist' is text (CR, PD, PR, SD): give its levels in order, "
                                "lowest first (--levels PD,SD,PR,CR; study file: levels = [...])\n")
    partial = run_cli(*base, "--levels", "PD,SD,PR")
    assert partial.stderr == ("genoassoc: error: 'recist' has level CR not in the order given (PD, SD, PR): add it "
                              "to --levels\n")


def test_several_case_levels_make_responders_of_a_four_level_response():
    import json

    from cli_run import run_cli

    result = run_cli("assoc", str(GOLDEN.parent / "assoc" / "calls.tsv"), "--pheno", str(GOLDEN / "cohort.tsv"),
                     "--locus", "rs1800796", "--outcome", "recist", "--case-level", "CR,PR", "--format", "json")
    assert result.returncode == 0, result.stderr
    table = pd.DataFrame(json.loads(result.stdout))
    assert "outcome 'recist': event = 'CR or PR (vs PD, SD)'" in result.stderr
    groups = table[table["row"] == "group"]
    assert groups["events"].sum() == R["responder.events"]
    fisher = table[table["test"] == "Fisher's exact"].iloc[0]
    assert fisher["p"] == pytest.approx(R["responder.fisher_p"], rel=1e-6)
    logistic = table[table["test"] == "logistic regression"].set_index("term")
    for term in ("G/C", "G/G"):
        assert np.log(logistic.at[term, "estimate"]) == pytest.approx(R[f"responder.coef.codominant{term}"],
                                                                      rel=1e-6)
