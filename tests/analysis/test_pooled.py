"""The meta command on per-cohort estimates against R metafor (tests/golden/meta/make_golden.R): hazard
ratios with printed CIs, log estimates with SEs; its publication table and forest plot."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.analysis.pooled import pool
from genoassoc.errors import InputError
from genoassoc.io.tables import read_table

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "meta"


def run(*arguments):
    return run_cli(*arguments)


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.mark.parametrize("method", ["REML", "DL", "FE"])
def test_meta_command_on_hazard_ratios_matches_rma(r, tmp_path, method):
    result = run("meta", ROOT / "examples" / "il6_cohorts.tsv", "--method", method, "-o", tmp_path / "meta.tsv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "meta.tsv", sep="\t")
    pooled = table[table["row"] == "pooled"].iloc[0]
    key = f"cohorts|{method}"
    assert pooled["estimate"] == pytest.approx(np.exp(r[f"{key}|estimate"]), rel=1e-8)
    assert (pooled["ci_lo"], pooled["ci_hi"]) == pytest.approx((np.exp(r[f"{key}|ci_lo"]), np.exp(r[f"{key}|ci_hi"])),
                                                               rel=1e-8)
    for field in ("p", "q", "q_p", "i2", "h2"):
        assert pooled[field] == pytest.approx(r[f"{key}|{field}"], rel=1e-6), field
    assert pooled["tau2"] == pytest.approx(r[f"{key}|tau2"], rel=1e-6, abs=1e-12)
    assert list(table["weight"][:-1]) == pytest.approx([r[f"{key}|weight|{i}"] for i in range(1, 6)], rel=1e-6)
    assert pooled["k"] == 5 and pooled["q_df"] == 4


def test_log_estimates_with_se_match_rma(r):
    result = pool(read_table(GOLDEN / "bcg.tsv"), "REML")
    pooled = result.table.iloc[-1]
    assert result.measure == "log_estimate" and pooled["estimate_name"].startswith("pooled log estimate")
    assert pooled["estimate"] == pytest.approx(r["bcg|REML|estimate"], rel=1e-8)
    assert pooled["tau2"] == pytest.approx(r["bcg|REML|tau2"], rel=1e-8)


def test_meta_publication_and_forest(r, tmp_path):
    markdown = run("meta", ROOT / "examples" / "il6_cohorts.tsv", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    pooled = f"{np.exp(r['cohorts|REML|estimate']):.3g} ({np.exp(r['cohorts|REML|ci_lo']):.3g}–" \
             f"{np.exp(r['cohorts|REML|ci_hi']):.3g})"
    assert f"| Pooledᵃ | {pooled} | 100 |" in markdown.stdout
    assert f"I² = {r['cohorts|REML|i2']:.1f}%" in markdown.stdout
    run("meta", ROOT / "examples" / "il6_cohorts.tsv", "-o", tmp_path / "meta.tsv")
    forest = run("plot", "forest", tmp_path / "meta.tsv", "-o", tmp_path / "forest.svg")
    assert forest.returncode == 0, forest.stderr
    svg = (tmp_path / "forest.svg").read_text()
    assert "Pooled" in svg and "this study" in svg and f"I² = {r['cohorts|REML|i2']:.1f}%" in svg


def test_bad_estimate_tables_are_refused(tmp_path):
    (tmp_path / "a.tsv").write_text("cohort\thr\tci_lo\tci_hi\nA\t1.5\t1.6\t2.0\nB\t1.2\t0.9\t1.4\n")
    result = run("meta", tmp_path / "a.tsv", "-o", tmp_path / "out.tsv")
    assert result.returncode == 2 and "lies outside its CI" in result.stderr and "row 2, column 'hr'" in result.stderr
    assert not (tmp_path / "out.tsv").exists()
    (tmp_path / "b.tsv").write_text("cohort\testimate\nA\t1.5\n")
    with pytest.raises(InputError, match="give per-cohort estimates"):
        pool(read_table(tmp_path / "b.tsv"))
