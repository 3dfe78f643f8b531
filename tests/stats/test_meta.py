"""Meta-analysis against R metafor::rma (FE, DL, REML) on the example cohorts, the BCG trials and a
homogeneous set (tests/golden/meta/make_golden.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.errors import InputError
from genoassoc.stats.meta import meta_analysis

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "meta"
FIELDS = ("estimate", "se", "ci_lo", "ci_hi", "z", "p", "tau2", "q", "q_p", "i2", "h2")


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


def data_set(name):
    if name == "cohorts":
        table = pd.read_csv(ROOT / "examples" / "il6_cohorts.tsv", sep="\t")
        return np.log(table["hr"]), (np.log(table["ci_hi"]) - np.log(table["ci_lo"])) / (2 * 1.959963984540054)
    table = pd.read_csv(GOLDEN / f"{name}.tsv", sep="\t")
    return table["log_estimate"], table["se"]


@pytest.mark.parametrize("method", ["FE", "DL", "REML"])
@pytest.mark.parametrize("name", ["cohorts", "bcg", "homogeneous"])
def test_meta_analysis_matches_rma(r, name, method):
    fit = meta_analysis(*data_set(name), method=method)
    for field in FIELDS:
        expected = r[f"{name}|{method}|{field}"]
        assert getattr(fit, field) == pytest.approx(expected, rel=1e-6, abs=1e-12), field
    weights = [r[f"{name}|{method}|weight|{i}"] for i in range(1, fit.k + 1)]
    assert list(fit.weights) == pytest.approx(weights, rel=1e-6)


def test_meta_analysis_refuses_one_cohort_or_bad_se():
    with pytest.raises(InputError, match="at least two"):
        meta_analysis([0.1], [0.2])
    with pytest.raises(InputError, match="positive standard error"):
        meta_analysis([0.1, 0.2], [0.2, 0])
    with pytest.raises(InputError, match="unknown meta-analysis method"):
        meta_analysis([0.1, 0.2], [0.2, 0.3], method="PM")
