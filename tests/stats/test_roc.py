"""ROC against R pROC (tests/golden/roc/make_golden.R): AUC, DeLong CI, Youden cut, sensitivity and
specificity on the example HCC cohort, pROC's aSAH (heavy ties) and a separated marker; and the
cutpoint command's response analysis on the same cohort."""

from pathlib import Path

import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.stats.cutpoint import roc

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "roc"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


def data_set(name):
    if name.startswith("hcc"):
        table = pd.read_csv(ROOT / "examples" / "hcc_discovery.tsv", sep="\t")
        cases = table["response"] == "CR/PR"
        return table["il6"], (cases if name == "hcc" else ~cases).astype(int)
    if name.startswith("asah"):
        table = pd.read_csv(GOLDEN / "asah.tsv", sep="\t")
        return table["wfns" if name == "asah_wfns" else "s100b"], table["poor"]
    if name == "mtcars":
        table = pd.read_csv(GOLDEN / "mtcars.tsv", sep="\t")
        return table["wt"], table["am"]
    table = pd.read_csv(GOLDEN / "separated.tsv", sep="\t")
    return table["marker"], table["case"]


@pytest.mark.parametrize("name", ["hcc", "hcc_nonresponse", "asah", "asah_wfns", "separated"])
def test_roc_matches_proc(r, name):
    result = roc(*data_set(name), direction="<")
    assert result.auc == pytest.approx(r[f"{name}|auc"], rel=1e-12)
    assert result.ci_lo == pytest.approx(r[f"{name}|ci_lo"], rel=1e-10)
    assert result.ci_hi == pytest.approx(r[f"{name}|ci_hi"], rel=1e-10)
    assert result.youden_cut == pytest.approx(r[f"{name}|cut"], rel=1e-12)
    assert result.sensitivity == pytest.approx(r[f"{name}|sensitivity"], rel=1e-12)
    assert result.specificity == pytest.approx(r[f"{name}|specificity"], rel=1e-12)


@pytest.mark.parametrize("name", ["hcc", "hcc_nonresponse", "asah", "asah_wfns", "separated", "mtcars"])
def test_roc_chooses_its_direction_as_proc(name):
    """pROC's default direction = "auto" (tests/golden/roc): lower weight in manual cars gives direction ">"
    and AUC 0.93, not 0.067 with "cut wt > -inf"."""
    golden = pd.read_csv(GOLDEN / "r_golden.tsv", sep="\t", dtype=str).set_index("name")["value"]
    result = roc(*data_set(name))
    assert result.direction == golden[f"auto|{name}|direction"]
    assert result.auc == pytest.approx(float(golden[f"auto|{name}|auc"]), rel=1e-12)
    assert result.ci_lo == pytest.approx(float(golden[f"auto|{name}|ci_lo"]), rel=1e-10)
    assert result.youden_cut == pytest.approx(float(golden[f"auto|{name}|cut"]), rel=1e-12)
    assert result.sensitivity == pytest.approx(float(golden[f"auto|{name}|sensitivity"]), rel=1e-12)


def test_cutpoint_response_command_reports_procs_numbers(r, tmp_path):
    run = run_cli("cutpoint", "--pheno",
                          ROOT / "examples" / "hcc_discovery.tsv", "--marker", "il6", "--response", "response",
                          "-o", tmp_path / "roc.tsv")
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(tmp_path / "roc.tsv", sep="\t")
    curve = table[table["analysis"] == "ROC"].iloc[0]
    # the response that sorts last (SD/PD) is the event: pROC's hcc_nonresponse
    assert (curve["estimate"], curve["ci_lo"], curve["ci_hi"]) == pytest.approx(
        (r["hcc_nonresponse|auc"], r["hcc_nonresponse|ci_lo"], r["hcc_nonresponse|ci_hi"]), rel=1e-10)
    assert curve["cut"] == pytest.approx(r["hcc_nonresponse|cut"])
    youden = table[table["analysis"] == "Youden cut"].iloc[0]
    hcc = pd.read_csv(ROOT / "examples" / "hcc_discovery.tsv", sep="\t")
    assert youden["n_high"] == int((hcc["il6"] > r["hcc_nonresponse|cut"]).sum())
