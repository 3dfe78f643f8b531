import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden

from genoassoc.errors import InputError
from genoassoc.io.pk_samples import read_pk_samples
from genoassoc.stats.pk import nca, nca_profile

SCHEDULE = np.array([0, 1, 2, 4, 6, 8, 12, 24.0])
PROFILE = np.array([52.0, 310, 428, 395, 322, 251, 160, 48])


def test_auc_0_24_is_the_hand_computed_trapezoid_sum():
    hand = (1 * (52 + 310) / 2 + 1 * (310 + 428) / 2 + 2 * (428 + 395) / 2 + 2 * (395 + 322) / 2
            + 2 * (322 + 251) / 2 + 4 * (251 + 160) / 2 + 12 * (160 + 48) / 2)
    result = nca_profile(SCHEDULE, PROFILE)
    assert result["auc_0_24"] == pytest.approx(hand, rel=1e-12)
    assert result["auc_0_t"] == pytest.approx(hand, rel=1e-12)
    assert (result["c0"], result["cmax"], result["tmax"]) == (52.0, 428.0, 2.0)


def test_linear_up_log_down():
    result = nca_profile(SCHEDULE, PROFILE, method="linear-up/log-down")
    segments = [1 * (52 + 310) / 2, 1 * (310 + 428) / 2]
    for t0, t1, c0, c1 in zip(SCHEDULE[2:-1], SCHEDULE[3:], PROFILE[2:-1], PROFILE[3:], strict=True):
        segments.append((t1 - t0) * (c0 - c1) / math.log(c0 / c1))
    assert result["auc_0_24"] == pytest.approx(sum(segments), rel=1e-12)


@pytest.mark.parametrize("half_life", [3.0, 7.0, 15.0])
def test_lambda_z_recovers_the_half_life_of_an_exponential_profile(half_life):
    k = math.log(2) / half_life
    concentrations = np.r_[0.0, 800 * np.exp(-k * SCHEDULE[1:])]
    concentrations[1] = 200  # absorption phase before the peak at 2 h
    result = nca_profile(SCHEDULE, concentrations)
    assert result["half_life"] == pytest.approx(half_life, rel=1e-9)
    assert result["lambda_z_points"] == 5  # every point after Tmax
    assert result["lambda_z_adj_r2"] == pytest.approx(1.0)


def test_auc_0_24_interpolates_and_refuses_short_profiles():
    times = np.array([0, 2, 8, 36.0])
    conc = np.array([0, 100, 50, 10.0])
    result = nca_profile(times, conc)
    at_24 = 50 + (10 - 50) * (24 - 8) / (36 - 8)
    assert result["auc_0_24"] == pytest.approx(2 * 50 + 6 * 75 + 16 * (50 + at_24) / 2)
    short = nca_profile(times[:3], conc[:3])
    assert math.isnan(short["auc_0_24"]) and "before 24 h" in short["note"]


def test_blq_rules_and_too_few_points():
    times = np.array([0, 1, 2, 4, 8.0])
    conc = np.array([np.nan, 20, 30, 10, np.nan])
    blq = np.array([True, False, False, False, True])
    result = nca_profile(times, conc, blq)
    assert result["c0"] == 0.0  # BLQ before the first measurable value -> 0
    assert result["tlast"] == 4.0 and result["n_points"] == 4  # BLQ after -> left out
    zeroed = nca_profile(times, conc, blq, blq_after="zero")
    assert zeroed["n_points"] == 5
    single = nca_profile(np.array([0.0]), np.array([5.0]))
    assert math.isnan(single["auc_0_t"]) and "too few" in single["note"]


def test_reader_marks_blq_and_names_bad_rows(tmp_path):
    path = tmp_path / "pk.tsv"
    path.write_text("sample\ttime_h\tconc\nS1\t0\tBLQ\nS1\t1\t<0.5\nS1\t2\t12\nS1\t4\t0.2\n")
    samples = read_pk_samples(path, lloq=0.5)
    assert samples["blq"].tolist() == [True, True, False, True]
    table = nca(samples)
    assert table.loc[0, "sample"] == "S1" and table.loc[0, "c0"] == 0
    bad = tmp_path / "bad.tsv"
    bad.write_text("sample\ttime_h\tconc\nS1\t0\t1\nS1\t0\t2\n")
    with pytest.raises(InputError, match="row 3, column 'time_h': sample 'S1' has two concentrations at 0 h"):
        read_pk_samples(bad)
    bad.write_text("sample\ttime_h\tconc\nS1\t-1\t1\n")
    with pytest.raises(InputError, match="row 2, column 'time_h': '-1' is negative"):
        read_pk_samples(bad)


def test_missing_draws_are_left_out_with_a_note_and_kept_apart_from_blq(tmp_path):
    from genoassoc.analysis.exposure import pk

    path = tmp_path / "pk.tsv"
    path.write_text("Patient\tTime (h)\tConc (ng/mL)\nP1\t0\t10\nP1\t1\t50\nP1\t2\tmissed\nP1\t4\t30\n"
                    "P1\t8\tBLQ\nP2\t0\t5\nP2\t2\t40\nP2\t4\tNA\nP2\t6\tNot drawn\nP2\t8\t\n")
    samples = read_pk_samples(path)
    assert samples["missing"].tolist() == [False, False, True, False, False, False, False, True, True, True]
    assert samples["blq"].tolist() == [False] * 4 + [True] + [False] * 5
    result = pk(samples)
    # P1: 0-1-4 h without the missed 2 h draw: (10+50)/2*1 + (50+30)/2*3 = 150; P2: (5+40)/2*2 = 45
    assert result.table["auc_0_t"].tolist() == [150.0, 45.0]
    assert result.table["note"].str.endswith(("missing draw at 2 h, left out",
                                              "missing draw at 4, 6, 8 h, left out")).all()
    assert result.notes[1] == ("4 draws missing (not taken or not measured), left out of the profiles and not "
                               "counted as BLQ: P1 at 2 h; P2 at 4, 6, 8 h")
    for cell, problem in (("ND", "'ND' may mean not detected or not done"), ("high", "'high' is not a number")):
        path.write_text(f"sample\ttime_h\tconc\nS1\t0\t{cell}\n")
        with pytest.raises(InputError) as error:
            read_pk_samples(path)
        assert str(error.value) == (f"{path}, row 2, column 'conc': {problem}: write BLQ (or <LLOQ, <0.5) for a "
                                    "value below the limit, NA (or missed) for a draw not taken or measured")


def test_nca_one_row_per_sample():
    frame = pd.DataFrame({"sample": ["A"] * 8 + ["B"] * 8, "time_h": np.r_[SCHEDULE, SCHEDULE],
                          "conc": np.r_[PROFILE, PROFILE * 2]})
    table = nca(frame)
    assert table["sample"].tolist() == ["A", "B"]
    assert table.loc[1, "auc_0_24"] == pytest.approx(2 * table.loc[0, "auc_0_24"])


def test_terminal_phase_of_noisy_profiles_matches_the_pknca_rule_in_r():
    """tests/golden/pk/make_golden.R: an independent lm() implementation of the PKNCA/WinNonlin rule on
    12 noisy one- and two-compartment profiles and 2 nearly exact ones (where 'most points' decides)."""
    golden = Path(__file__).resolve().parent.parent / "golden" / "pk"
    r = read_golden(golden / "r_golden.tsv")
    table = nca(pd.read_csv(golden / "profiles.tsv", sep="\t")).set_index("sample")
    assert len(table) == 14
    for sample, row in table.iterrows():
        assert row["lambda_z_points"] == r[f"{sample}|points"], sample
        assert row["lambda_z"] == pytest.approx(r[f"{sample}|lambda_z"], rel=1e-10), sample
        assert row["lambda_z_adj_r2"] == pytest.approx(r[f"{sample}|adj_r2"], rel=1e-10), sample
        assert row["half_life"] == pytest.approx(r[f"{sample}|half_life"], rel=1e-10), sample
    assert (table.loc[["P13", "P14"], "lambda_z_points"] == 8).all()
