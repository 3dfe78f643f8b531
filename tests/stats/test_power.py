"""Power: Schoenfeld's closed form against R (powerSurvEpi's formula), and the simulation's tests
against R's survdiff, coxph and an independent Firth likelihood on the same simulated cohorts
(tests/golden/power: make_replicates.py, make_golden.R)."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.errors import InputError
from genoassoc.stats.power import Cohorts, p_values_by_test, schoenfeld, simulate_cohorts

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "power"
DESIGNS = {"dom": (2.0, 0.3, "dominant", 0.7, 30), "rec": (3.0, 0.25, "recessive", 0.6, 24),
           "add": (1.5, 0.3, "additive", 0.8, 40), "dom_small": (1.3, 0.1, "dominant", 0.5, 500)}
SCENARIOS = {"dominant30": (30, 0.3, "dominant", 2.0, 0.7, 150, 7),
             "recessive24": (24, 0.25, "recessive", 3.0, 0.6, 100, 11),
             "additive40": (40, 0.3, "additive", 1.5, 0.8, 80, 13)}


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def replicates():
    return pd.read_csv(GOLDEN / "replicates.tsv", sep="\t")


@pytest.mark.parametrize("key", list(DESIGNS))
def test_schoenfeld_matches_closed_form_in_r(r, key):
    hr, maf, model, rate, n = DESIGNS[key]
    result = schoenfeld(hr, maf, model, rate, n=n)
    assert result.events_needed == pytest.approx(r[f"{key}|events"], rel=1e-12)
    assert result.patients_needed == pytest.approx(r[f"{key}|patients"], rel=1e-12)
    assert result.power == pytest.approx(r[f"{key}|power"], rel=1e-12)


def cohorts_of(frame, n):
    replicates = frame["replicate"].nunique()
    shape = (replicates, n)
    return Cohorts(frame["time"].to_numpy().reshape(shape), frame["event"].to_numpy().reshape(shape),
                   frame["dosage"].to_numpy().reshape(shape), math.nan)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_generator_reproduces_the_committed_cohorts(replicates, scenario):
    n, maf, model, hr, rate, count, seed = SCENARIOS[scenario]
    expected = cohorts_of(replicates[replicates["scenario"] == scenario], n)
    cohorts = simulate_cohorts(n, maf, model, hr, rate, count, seed)
    np.testing.assert_array_equal(cohorts.dosage, expected.dosage)
    np.testing.assert_array_equal(cohorts.event, expected.event)
    # numpy releases may round the last bit of a drawn time differently: one ulp, not a different draw
    np.testing.assert_allclose(cohorts.time, expected.time, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_simulation_tests_match_r_on_each_cohort(r, replicates, scenario):
    n, _, model, *_ = SCENARIOS[scenario]
    p = p_values_by_test(cohorts_of(replicates[replicates["scenario"] == scenario], n), model)
    compared = 0
    for index, row in p.iterrows():
        key = f"{scenario}|{index + 1}"
        if f"{key}|logrank" not in r:
            assert row.isna().all()
            continue
        assert row["logrank"] == pytest.approx(r[f"{key}|logrank"], rel=1e-8)
        expected_cox = r[f"{key}|cox"]
        assert (np.isnan(row["cox"]) and np.isnan(expected_cox)) or \
            row["cox"] == pytest.approx(expected_cox, rel=1e-6)
        assert row["firth"] == pytest.approx(r[f"{key}|firth"], rel=1e-5, abs=1e-10)
        compared += 1
    assert compared == sum(1 for key in r if key.startswith(f"{scenario}|") and key.endswith("|logrank"))


def test_simulated_power_agrees_with_schoenfeld_for_a_large_cohort():
    # n = 400: the asymptotic formula holds; 400 replicates give a Monte Carlo SE of about 0.025
    cohorts = simulate_cohorts(400, 0.3, "dominant", 1.5, 0.6, 400, seed=3)
    power = (p_values_by_test(cohorts, "dominant", ["logrank"])["logrank"] < 0.05).mean()
    expected = schoenfeld(1.5, 0.3, "dominant", 0.6, n=400).power
    assert abs(power - expected) < 3.5 * math.sqrt(expected * (1 - expected) / 400)
    assert cohorts.event.mean() == pytest.approx(0.6, abs=4 * math.sqrt(0.24 / cohorts.event.size))


def test_bad_designs_are_refused():
    with pytest.raises(InputError, match="hazard ratio"):
        schoenfeld(1.0, 0.3, "dominant", 0.5)
    with pytest.raises(InputError, match="allele frequency"):
        schoenfeld(2.0, 0.0, "dominant", 0.5)
    with pytest.raises(InputError, match="unknown model"):
        schoenfeld(2.0, 0.3, "codominant", 0.5)


def test_power_command_equals_r_on_the_same_cohorts(r, tmp_path):

    run = run_cli("power", "--hr", "2", "--maf", "0.3", "--event-rate",
                          "0.7", "--n", "30", "--simulate", "150", "--seed", "7", "-o", tmp_path / "power.tsv")
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(tmp_path / "power.tsv", sep="\t").set_index("method")
    assert table.loc["Schoenfeld (asymptotic)"]["events_needed"].iloc[0] == math.ceil(r["dom|events"])
    assert table.loc["Schoenfeld (asymptotic)"]["power"].iloc[1] == pytest.approx(r["dom|power"], rel=1e-12)
    for test, method in (("logrank", "simulation: log-rank"), ("cox", "simulation: Cox Wald"),
                         ("firth", "simulation: Firth Cox likelihood ratio")):
        values = [r.get(f"dominant30|{i}|{test}", math.nan) for i in range(1, 151)]
        expected = sum(1 for value in values if value < 0.05) / 150
        assert table.at[method, "power"] == pytest.approx(expected, abs=1e-12), test
