"""Cut-points against R maxstat (tests/golden/survival/make_golden.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.stats.cutpoint import logrank_scores, maxstat, roc

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "survival"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


def test_logrank_scores_match_exact_rank_tests():
    # exactRankTests::cscores(Surv(c(1,2,2,3,4), c(1,1,0,1,1))) printed by R.
    scores = logrank_scores([1, 2, 2, 3, 4], [1, 1, 0, 1, 1])
    np.testing.assert_allclose(scores, [0.8, 0.46666667, -0.53333333, -0.03333333, -1.03333333], atol=1e-8)


@pytest.mark.parametrize("name, marker", [("lung", "age"), ("veteran", "karno")])
def test_maxstat_matches_r(r, name, marker):
    data = pd.read_csv(GOLDEN / f"{name}.tsv", sep="\t")
    result = maxstat(data[marker], data["time"], data["status"])
    key = f"maxstat.{name}.{marker}"
    assert result.cut == r[f"{key}.cut"]
    assert result.statistic == pytest.approx(r[f"{key}.statistic"], rel=1e-9)
    assert result.p_lau92 == pytest.approx(r[f"{key}.Lau92"], rel=1e-7)
    assert result.p_lau94 == pytest.approx(r[f"{key}.Lau94"], rel=1e-7)


def test_permutation_p_agrees_with_maxstat_condmc(r):
    data = pd.read_csv(GOLDEN / "lung.tsv", sep="\t")
    result = maxstat(data["age"], data["time"], data["status"], permutations=20000, seed=3)
    expected = r["maxstat.lung.age.condMC"]
    # Both are Monte Carlo estimates from 20 000 permutations: allow four standard errors of the difference.
    tolerance = 4 * np.sqrt(2 * expected * (1 - expected) / 20000)
    assert abs(result.p_permutation - expected) < tolerance
    # The Lausen bounds are conservative.
    assert result.p_permutation < result.p_lau94 < result.p_lau92


def test_roc_auc_is_the_mann_whitney_probability():
    marker = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    response = np.array([0, 0, 1, 0, 1, 1, 0, 1])
    result = roc(marker, response)
    # cases 3,5,6,8 vs controls 1,2,4,7: 12 of 16 pairs ordered.
    assert result.auc == pytest.approx(12 / 16)
    # J = 0.5 at cuts 2.5 (sens 1, spec 0.5) and 4.5 (0.75, 0.75): the first is returned, as pROC's first row.
    assert result.youden_cut == 2.5 and (result.sensitivity, result.specificity) == (1.0, 0.5)


def test_cutpoint_command_with_a_validation_cohort_and_permutations_equals_r(tmp_path):
    """genoassoc cutpoint --validate --permutations on the example HCC cohorts against R maxstat (Lau94, condMC)
    and survival (the cut applied unchanged to the validation cohort): tests/golden/cutpoint."""
    import json

    from cli_run import run_cli
    from conftest import read_golden

    root = Path(__file__).resolve().parents[2]
    r = read_golden(root / "tests" / "golden" / "cutpoint" / "r_golden.tsv")
    result = run_cli("cutpoint", "--pheno", root / "examples" / "hcc_discovery.tsv", "--validate",
                     root / "examples" / "hcc_validation.tsv", "--marker", "il6", "--time", "os_months", "--event",
                     "os_event", "--permutations", "10000", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {(row["cohort"], row["analysis"]): row for row in json.loads(result.stdout)}
    optimal = rows[("discovery", "optimal cut (maximally selected log-rank)")]
    assert optimal["cut"] == r["disc|cut"]
    assert optimal["statistic"] == pytest.approx(r["disc|statistic"], rel=1e-9)
    assert optimal["p"] == pytest.approx(r["disc|p_lau94"], rel=1e-6)
    assert optimal["p_unadjusted"] == pytest.approx(r["disc|p_unadjusted"], rel=1e-6)
    # two Monte Carlo runs of 10 000: equal within their joint binomial error
    assert optimal["permutations"] == 10000
    assert abs(optimal["p_permutation"] - r["disc|p_condmc"]) < 4 * (2 * max(r["disc|p_condmc"], 1e-4) / 1e4) ** 0.5
    applied = rows[("validation", "discovery optimal cut applied")]
    assert (applied["n_low"], applied["n_high"]) == (r["val|n_low"], r["val|n_high"])
    assert applied["statistic"] == pytest.approx(r["val|chisq"], rel=1e-9)
    assert applied["p"] == pytest.approx(r["val|p"], rel=1e-9)
    assert (applied["estimate"], applied["ci_lo"], applied["ci_hi"]) == pytest.approx(
        (r["val|hr"], r["val|lo"], r["val|hi"]), rel=1e-6)
    assert rows[("validation", "discovery median applied")]["p"] == pytest.approx(r["val_median|p"], rel=1e-9)
