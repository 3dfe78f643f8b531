"""4PL/5PL standard curves against R's nls (tests/golden/elisa/make_golden.R): every run of R's DNase ELISA data
and simulated plates, unweighted and weighted. Optimised fits are compared by objective value (the weighted
residual sum of squares: genoassoc's may not exceed R's) and by parameter differences scaled by R's standard
error (tests/tolerance.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tolerance import assert_fit_matches

from genoassoc.stats.logistic import CurveNotFitted, fit_curve

GOLDEN = Path(__file__).parents[1] / "golden" / "elisa"
DATA = pd.concat([pd.read_csv(GOLDEN / "dnase.tsv", sep="\t"), pd.read_csv(GOLDEN / "plates.tsv", sep="\t")])
R = pd.read_csv(GOLDEN / "r_golden.tsv", sep="\t")
READBACK = pd.read_csv(GOLDEN / "r_readback.tsv", sep="\t")
FITS = sorted(set(zip(R["dataset"], R["model"], R["weights"], strict=True)))


def _fit(dataset: str, model: str, weights: str):
    data = DATA[DATA["dataset"] == dataset]
    return fit_curve(data["conc"], data["y"], model=model, weights=weights)


def test_the_goldens_cover_every_dnase_run_and_both_models():
    runs = {dataset for dataset, model, _ in FITS if dataset.startswith("DNase") and model == "4pl"}
    assert len(runs) == 11
    assert sum(model == "5pl" for _, model, _ in FITS) >= 30


@pytest.mark.parametrize(("dataset", "model", "weights"), FITS)
def test_fit_equals_r_nls(dataset, model, weights):
    fit = _fit(dataset, model, weights)
    golden = R[(R["dataset"] == dataset) & (R["model"] == model) & (R["weights"] == weights)]
    assert list(golden["parameter"]) == list(fit.names)
    assert_fit_matches(objective=fit.rss, r_objective=golden["rss"].iloc[0], estimates=fit.estimates,
                       r_estimates=golden["estimate"], r_se=golden["se"], standard_errors=fit.standard_errors)
    assert fit.df == golden["df"].iloc[0]
    assert fit.sigma == pytest.approx(golden["sigma"].iloc[0], rel=1e-5)


@pytest.mark.parametrize(("dataset", "model", "weights"), sorted(set(zip(
    READBACK["dataset"], READBACK["model"], READBACK["weights"], strict=True))))
def test_read_back_and_delta_interval_equal_r(dataset, model, weights):
    fit = _fit(dataset, model, weights)
    golden = READBACK[(READBACK["dataset"] == dataset) & (READBACK["model"] == model)
                      & (READBACK["weights"] == weights)]
    conc, low, high = fit.concentration(golden["response"], golden["replicates"])
    # the concentration moves with R's own convergence (relative offset 1e-5); R's gradient is numerical
    np.testing.assert_allclose(conc, golden["conc"], rtol=1e-4)
    np.testing.assert_allclose(low, golden["low"], rtol=1e-3)
    np.testing.assert_allclose(high, golden["high"], rtol=1e-3)


def test_no_concentration_beyond_the_asymptotes():
    fit = _fit("DNase1", "4pl", "none")
    bottom, top = fit.asymptotes()
    conc, low, high = fit.concentration([bottom - 0.01, bottom, top, top + 0.5, (bottom + top) / 2])
    assert np.isnan(conc[:4]).all() and np.isnan(low[:4]).all() and np.isnan(high[:4]).all()
    assert conc[4] == pytest.approx(np.exp(fit.estimates[2]), rel=1e-12)  # half response at xmid


def test_the_curve_and_its_inverse_agree():
    fit = _fit("sim_il6_asym", "5pl", "none")
    conc = np.array([3.5, 20.0, 150.0])
    np.testing.assert_allclose(np.exp(fit.log_concentration(fit.response(conc))), conc, rtol=1e-10)


def test_too_few_standards_and_flat_curves_are_refused():
    with pytest.raises(CurveNotFitted, match="4 standard concentrations: a 4PL curve needs at least 5"):
        fit_curve([1, 1, 2, 2, 4, 4, 8, 8], [0.1, 0.1, 0.2, 0.2, 0.4, 0.4, 0.8, 0.8])
    with pytest.raises(CurveNotFitted, match="5PL curve needs at least 6"):
        fit_curve([1, 2, 4, 8, 16], [0.1, 0.2, 0.4, 0.8, 1.6], model="5pl")
    with pytest.raises(CurveNotFitted, match="weights 1/y need every standard's response above 0"):
        fit_curve([1, 2, 4, 8, 16, 32], [-0.01, 0.2, 0.4, 0.8, 1.6, 2.0], weights="1/y")
