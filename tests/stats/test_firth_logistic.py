"""Firth's penalised logistic regression against an independent R implementation of the penalised
likelihood with profile CIs and likelihood-ratio p (tests/golden/firth_logistic/make_golden.R; logistf's
defaults), on the example study, a separated marker and a simulated three-covariate set."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.stats.regression import firth_logistic

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "firth_logistic"
SETS = {"example_gg": ("example.tsv", ["gg"]), "example_carrier_age": ("example.tsv", ["carrier", "age"]),
        "separated": ("separated.tsv", ["x"]), "simulated": ("simulated.tsv", ["a", "b", "c"])}


@pytest.mark.parametrize("key", list(SETS))
def test_firth_logistic_matches_the_penalised_likelihood_in_r(key):
    r = read_golden(GOLDEN / "r_golden.tsv")
    path, columns = SETS[key]
    data = pd.read_csv(GOLDEN / path, sep="\t")
    fit = firth_logistic(data["y"].astype(float), data[columns].astype(float))
    for term in ["(Intercept)", *columns]:
        ours = fit.coefficients[term]
        # abs 1e-8: a coefficient near 0 (c: 0.00095, SE 0.02) agrees to the optimisers' precision
        assert ours.estimate == pytest.approx(r[f"{key}|{term}|coef"], rel=1e-6, abs=1e-8), term
        assert ours.ci_lo == pytest.approx(r[f"{key}|{term}|lo"], rel=1e-6, abs=1e-8), term
        assert ours.ci_hi == pytest.approx(r[f"{key}|{term}|hi"], rel=1e-6, abs=1e-8), term
        assert ours.p == pytest.approx(r[f"{key}|{term}|p"], rel=1e-6), term
