"""Counting-process rows from visits against R survival's tmerge(event(), tdc()), and the
time-varying Cox model on them against coxph (tests/golden/visits/make_golden.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.analysis.visits import split_visits
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "visits"


def same_rows(ours, theirs, value):
    assert list(ours["sample"]) == list(theirs["sample"])
    np.testing.assert_allclose(ours["start"], theirs["tstart"], rtol=1e-12)
    np.testing.assert_allclose(ours["stop"], theirs["tstop"], rtol=1e-12)
    np.testing.assert_array_equal(ours.iloc[:, 3].to_numpy(float), theirs["death"].to_numpy(float))
    np.testing.assert_array_equal(ours[value].to_numpy(float), theirs[value].to_numpy(float))


def test_awkward_visits_match_tmerge():
    rows = split_visits(read_phenotypes(GOLDEN / "cases_visits.tsv", repeated=True),
                        read_phenotypes(GOLDEN / "cases.tsv"), visit_time="day", value="value", time="time",
                        event="status")
    same_rows(rows.table, pd.read_csv(GOLDEN / "cases_rows.tsv", sep="\t"), "value")
    assert any("taken to be in the unit of 'time'" in note for note in rows.notes)
    assert any("2 intervals before a patient's first value" in note for note in rows.notes)


def test_example_visits_in_days_match_tmerge_with_months():
    rows = split_visits(read_phenotypes(ROOT / "examples" / "il6_visits.tsv", repeated=True),
                        read_phenotypes(ROOT / "examples" / "phenotypes.tsv"), visit_time="day", value="il6",
                        time="os_months", event="os_event")
    same_rows(rows.table, pd.read_csv(GOLDEN / "example_rows.tsv", sep="\t"), "il6")
    assert rows.table.columns[:5].tolist() == ["sample", "start", "stop", "os_event", "il6"]
    assert {"age", "sex", "egfr"} <= set(rows.table.columns)
    assert "visit times in days converted to months (1 month = 30.4375 days)" in rows.notes


def test_split_visits_then_time_varying_cox_matches_coxph(tmp_path):
    r = read_golden(GOLDEN / "r_golden.tsv")

    def run(*arguments):
        return run_cli(*arguments)

    split = run("split-visits", ROOT / "examples" / "il6_visits.tsv", "--pheno", ROOT / "examples" / "phenotypes.tsv",
                "--time", "os_months", "--event", "os_event", "--visit-time", "day", "--value", "il6",
                "-o", tmp_path / "rows.tsv")
    assert split.returncode == 0, split.stderr
    assert "106 intervals for 30 patients" in split.stderr
    cox = run("cox", "--pheno", tmp_path / "rows.tsv", "--start", "start", "--time", "stop", "--event", "os_event",
              "--vars", "il6,age", "-o", tmp_path / "cox.tsv")
    assert cox.returncode == 0, cox.stderr
    table = pd.read_csv(tmp_path / "cox.tsv", sep="\t").set_index("variable")
    for term in ("il6", "age"):
        assert np.log(table.at[term, "hr_adjusted"]) == pytest.approx(r[f"coef|{term}"], rel=1e-8)
        se = (np.log(table.at[term, "ci_hi_adjusted"]) - np.log(table.at[term, "hr_adjusted"])) / 1.959963984540054
        assert se == pytest.approx(r[f"se|{term}"], rel=1e-8)
    assert (table["n"] == r["n"]).all() and (table["events"] == r["nevent"]).all()


def test_two_values_at_one_visit_are_refused(tmp_path):
    (tmp_path / "v.tsv").write_text("sample\tday\til6\nA\t0\t1\nA\t0\t2\n")
    (tmp_path / "s.tsv").write_text("sample\ttime\tstatus\nA\t10\t1\n")
    with pytest.raises(InputError, match="two il6 values"):
        split_visits(read_phenotypes(tmp_path / "v.tsv", repeated=True), read_phenotypes(tmp_path / "s.tsv"),
                     visit_time="day", value="il6", time="time", event="status")
