"""Restricted mean survival time against R survival's summary(survfit, rmean = tau) on lung, pbc,
colon and gbsg (tests/golden/rmst/make_golden.R), and the RMST command on the example study."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.analysis.restricted_mean import horizon, rmst
from genoassoc.calls import read_calls
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes
from genoassoc.stats.survival import kaplan_meier, restricted_mean, rmst_difference

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden"
SETS = {"lung": ("survival/lung.tsv", "time", "status", "sex"), "pbc": ("cox/pbc.tsv", "time", "status", "edema"),
        "colon": ("cox/colon.tsv", "time", "status", "rx"), "gbsg": ("cox/gbsg.tsv", "rfstime", "status", "hormon")}


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "rmst" / "r_golden.tsv")


@pytest.mark.parametrize("label", ["default", "first_event", "middle", "late"])
@pytest.mark.parametrize("name", list(SETS))
def test_rmst_matches_survfit_rmean(r, name, label):
    path, time, event, group = SETS[name]
    data = pd.read_csv(GOLDEN / path, sep="\t", dtype={group: str})
    taus = sorted(float(key.split("|")[1]) for key in r if key.startswith(f"{name}|") and key.endswith("|tau")
                  and key.split("|")[1][0].isdigit())
    key = {"default": "default", "first_event": "first_event", "middle": f"{taus[0]:g}", "late": f"{taus[1]:g}"}[label]
    tau = r[f"{name}|{key}|tau"]
    levels = sorted(data[group].astype(str).unique())
    codes = data[group].astype(str)
    if label == "default":
        assert horizon(data[time].to_numpy(float), pd.factorize(codes, sort=True)[0], tuple(levels), None) == tau
    for level in levels:
        rows = data[codes == level]
        mean = restricted_mean(kaplan_meier(rows[time], rows[event]), tau)
        assert mean.estimate == pytest.approx(r[f"{name}|{key}|{level}|rmean"], rel=1e-10)
        assert mean.se == pytest.approx(r[f"{name}|{key}|{level}|se"], rel=1e-10)


def test_difference_is_normal_approximation():
    from genoassoc.stats.survival import RestrictedMean

    difference = rmst_difference(RestrictedMean(24, 7.75714285714286, 1.60819693324334),
                                 RestrictedMean(24, 15.0833333333333, 2.18281906581239))
    # R: d <- 7.757 - 15.083; se <- sqrt(1.608^2 + 2.183^2); d + c(-1, 1) * qnorm(.975) * se; 2 * pnorm(-abs(d / se))
    assert difference.estimate == pytest.approx(-7.32619047619048, rel=1e-12)
    assert (difference.ci_lo, difference.ci_hi) == pytest.approx((-12.6401861625254, -2.01219478985551), rel=1e-10)
    assert difference.p == pytest.approx(0.0068898288288243, rel=1e-9)


def test_horizon_refuses_tau_past_a_group_or_before_any_time():
    time, group = np.array([1.0, 5, 9, 2, 4]), np.array([0, 0, 0, 1, 1])
    assert horizon(time, group, ("C/C", "G carrier"), None) == 4
    with pytest.raises(InputError, match="past the last follow-up of group G carrier"):
        horizon(time, group, ("C/C", "G carrier"), 6)
    with pytest.raises(InputError, match="before the first follow-up"):
        horizon(time, group, ("C/C", "G carrier"), 0.5)


def test_rmst_by_genotype_on_example_matches_r():
    r = read_golden(GOLDEN / "publication" / "r_golden.tsv")
    calls = read_calls(GOLDEN / "publication" / "calls.tsv")
    result = rmst(calls, read_phenotypes(ROOT / "examples" / "phenotypes.tsv"), "rs1800796", "dominant",
                  time="os_months", event="os_event")
    table = result.table.set_index(["row", "group"])
    assert result.tau == r["surv|rmst|tau"]
    for level in ("C/C", "G/C+G/G"):
        assert table.loc[("group", level), "estimate"] == pytest.approx(r[f"surv|{level}|rmst"], rel=1e-10)
        assert table.loc[("group", level), "se"] == pytest.approx(r[f"surv|{level}|rmst_se"], rel=1e-10)
    difference = table.loc[("difference", "G/C+G/G")]
    assert difference["contrast"] == "G/C+G/G vs C/C"
    assert difference["estimate"] == pytest.approx(r["surv|rmst|diff"], rel=1e-10)
    assert (difference["ci_lo"], difference["ci_hi"]) == pytest.approx((r["surv|rmst|lo"], r["surv|rmst|hi"]))
    assert difference["p"] == pytest.approx(r["surv|rmst|p"], rel=1e-8)


def test_rmst_command(tmp_path):
    calls = GOLDEN / "publication" / "calls.tsv"
    run = run_cli("rmst", "--calls", str(calls), "--pheno",
                          str(ROOT / "examples" / "phenotypes.tsv"), "--locus", "rs1800796", "--model", "dominant",
                          "--time", "os_months", "--event", "os_event", "--tau", "20", "-o",
                          str(tmp_path / "rmst.tsv"))
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(tmp_path / "rmst.tsv", sep="\t")
    assert list(table["row"]) == ["group", "group", "difference"] and (table["tau"] == 20).all()
    r = read_golden(GOLDEN / "publication" / "r_golden.tsv")
    assert list(table["estimate"][:2]) == pytest.approx([r["surv|rmst20|C/C"], r["surv|rmst20|G/C+G/G"]], rel=1e-10)
    assert "tau = 20" in run.stderr
    refused = run_cli("rmst", "--calls", str(calls), "--pheno",
                              str(ROOT / "examples" / "phenotypes.tsv"), "--locus", "rs1800796", "--time",
                              "os_months", "--event", "os_event", "--tau", "40", "-o", str(tmp_path / "no.tsv"))
    assert refused.returncode == 2 and "past the last follow-up" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and not (tmp_path / "no.tsv").exists()


def test_rmst_publication_table():
    from genoassoc.report.publication import rmst_publication

    result = rmst(read_calls(GOLDEN / "publication" / "calls.tsv"),
                  read_phenotypes(ROOT / "examples" / "phenotypes.tsv"), "rs1800796", "dominant", time="os_months",
                  event="os_event")
    table = rmst_publication(result, "os_months")
    assert table.title.startswith("Restricted mean survival (os_months) to τ = 23.9")
    assert [[cell.text for cell in row.cells] for row in table.rows][2] == \
        ["G/C+G/G vs C/C", "", "", "", "-7.33 (-12.6 to -2.01)", "0.00689"]
