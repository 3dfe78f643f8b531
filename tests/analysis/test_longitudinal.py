"""Linear mixed models against R lme4::lmer (REML; tests/golden/mixed/make_golden.R): sleepstudy, the
example study's IL-6 visits by rs1800796 (raw, log, and a singular random-slope fit) and a simulated
three-genotype cohort with random slopes and a covariate."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden
from tolerance import SE_RTOL, assert_fit_matches

from genoassoc.analysis.longitudinal import longitudinal
from genoassoc.calls import read_calls
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes
from genoassoc.stats.mixed import linear_mixed

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "mixed"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


def check(r, key, fit, order):
    """The fit against lmer's by the rule of tests/tolerance.py: REML criterion, fixed effects in
    standard errors, standard errors and variance components relative."""
    count = len(order)
    assert_fit_matches(objective=-2 * fit.reml_loglik, r_objective=r[f"{key}|reml_criterion"],
                       estimates=[fit.fixed[term].estimate for term in order],
                       r_estimates=[r[f"{key}|coef|{index}"] for index in range(1, count + 1)],
                       standard_errors=[fit.fixed[term].se for term in order],
                       r_se=[r[f"{key}|se|{index}"] for index in range(1, count + 1)])
    scales = ["sd_intercept", "sd_residual"] + (["sd_slope"] if f"{key}|sd_slope" in r else [])
    np.testing.assert_allclose([getattr(fit, name) for name in scales], [r[f"{key}|{name}"] for name in scales],
                               rtol=SE_RTOL)
    if f"{key}|correlation" in r:
        assert abs(fit.correlation - r[f"{key}|correlation"]) < 1e-3
    assert fit.n_observations == r[f"{key}|n"]


@pytest.mark.parametrize("key", ["sleep", "sleep_slope"])
def test_sleepstudy_matches_lmer(r, key):
    data = pd.read_csv(GOLDEN / "sleepstudy.tsv", sep="\t")
    design = pd.DataFrame({"Intercept": 1.0, "Days": data["Days"]})
    fit = linear_mixed(data["Reaction"], design, data["Subject"], data["Days"] if key == "sleep_slope" else None)
    check(r, key, fit, ["Intercept", "Days"])
    assert not fit.singular


@pytest.fixture(scope="module")
def example():
    return (read_calls(ROOT / "tests" / "golden" / "publication" / "calls.tsv"),
            read_phenotypes(ROOT / "examples" / "il6_visits.tsv", repeated=True))


ORDER = ["Intercept", "day", "G/C+G/G", "day x G/C+G/G"]


@pytest.mark.parametrize("key,log", [("il6", False), ("log_il6", True)])
def test_example_random_intercept_matches_lmer(r, example, key, log):
    result = longitudinal(*example, "rs1800796", "dominant", outcome="il6", time="day", log=log)
    check(r, key, result.fit, ORDER)
    fixed = result.table[result.table["row"] == "fixed"].set_index("term")
    assert list(fixed.index) == ORDER
    if log:
        assert fixed.at["day x G/C+G/G", "ratio"] == pytest.approx(np.exp(r[f"{key}|coef|4"]), rel=1e-6)


def test_singular_random_slope_reaches_lmers_optimum(r, example):
    result = longitudinal(*example, "rs1800796", "dominant", outcome="il6", time="day", log=True, random_slope=True)
    key = "log_il6_slope"
    # lme4 stops on the boundary within its own tolerance: the rule asks for a REML criterion at least as low
    check(r, key, result.fit, ORDER)
    assert result.fit.singular and any("singular fit" in note for note in result.notes)


@pytest.fixture(scope="module")
def simulated():
    return read_calls(GOLDEN / "simulated_calls.tsv"), read_phenotypes(GOLDEN / "simulated.tsv", repeated=True)


def test_simulated_random_slopes_match_lmer(r, simulated):
    result = longitudinal(*simulated, "rs1800796", "codominant", outcome="y", time="week", random_slope=True)
    check(r, "sim_slope", result.fit, ["Intercept", "week", "G/C", "G/G", "week x G/C", "week x G/G"])
    assert not result.fit.singular
    assert any("1 sample left out" in note or "y missing (1)" in note for note in result.notes)


def test_simulated_with_covariate_matches_lmer(r, simulated):
    result = longitudinal(*simulated, "rs1800796", "codominant", outcome="y", time="week", covariates=["age"])
    check(r, "sim_age", result.fit, ["Intercept", "week", "G/C", "G/G", "age", "week x G/C", "week x G/G"])


def test_longitudinal_command_and_spaghetti_plot(r, tmp_path):
    def run(*arguments):
        return run_cli(*arguments)

    common = ["--calls", ROOT / "tests" / "golden" / "publication" / "calls.tsv", "--pheno",
              ROOT / "examples" / "il6_visits.tsv", "--locus", "rs1800796", "--model", "dominant", "--outcome", "il6",
              "--time", "day", "--log"]
    table_run = run("longitudinal", *common, "-o", tmp_path / "mixed.tsv")
    assert table_run.returncode == 0, table_run.stderr
    table = pd.read_csv(tmp_path / "mixed.tsv", sep="\t").set_index("term")
    assert table.at["day x G/C+G/G", "estimate"] == pytest.approx(r["log_il6|coef|4"], rel=1e-6)
    assert table.at["Residual", "estimate"] == pytest.approx(r["log_il6|sd_residual"], rel=1e-6)
    markdown = run("longitudinal", *common, "--format", "markdown")
    from genoassoc.report.publication import ratio_interval

    coef, se = r["log_il6|coef|4"], r["log_il6|se|4"]
    z = 1.959963984540054
    expected = ratio_interval(np.exp(coef), np.exp(coef - z * se), np.exp(coef + z * se))
    assert markdown.returncode == 0 and f"| day x G/C+G/G | {expected} |" in markdown.stdout
    assert expected == "1.0064 (1.0041–1.0088)"
    plot = run("plot", "spaghetti", *common, "-o", tmp_path / "spaghetti.svg")
    assert plot.returncode == 0, plot.stderr
    svg = (tmp_path / "spaghetti.svg").read_text()
    assert "il6 (log scale)" in svg and "C/C" in svg and "G/C+G/G" in svg


def test_nonpositive_values_are_refused_on_the_log_scale(tmp_path, example):
    (tmp_path / "v.tsv").write_text("sample\tday\til6\nP01\t0\t1.2\nP01\t15\t0\nP02\t0\t3\nP02\t15\t4\n")
    with pytest.raises(InputError, match="'0' cannot be log-transformed"):
        longitudinal(example[0], read_phenotypes(tmp_path / "v.tsv", repeated=True), "rs1800796", outcome="il6",
                     time="day", log=True)
