import pandas as pd
import pytest

from genoassoc.qc.concordance import concordance


def table(rows):
    return pd.DataFrame(
        [(sample, locus, g, "called" if g else "no_call") for sample, locus, g in rows],
        columns=["sample", "locus", "genotype", "status"],
    )


def test_agreement_kappa_and_no_calls_apart():
    rflp = table([("S1", "rs1800796", "G/C"), ("S2", "rs1800796", "C/C"), ("S3", "rs1800796", "G/G"),
                  ("S4", "rs1800796", "C/C"), ("S5", "rs1800796", ""), ("S6", "rs1800796", "G/C"),
                  ("S7", "rs1800796", "G/C")])
    seq = table([("S1", "rs1800796", "G/C"), ("S2", "rs1800796", "C/C"), ("S3", "rs1800796", "G/G"),
                 ("S4", "rs1800796", "G/C"), ("S5", "rs1800796", "C/C"), ("S6", "rs1800796", ""),
                 ("S8", "rs1800796", "G/G")])
    summary, discordant = concordance(rflp, seq)
    row = summary.set_index("locus").loc["rs1800796"]
    assert (row["n_both_called"], row["n_agree"], row["n_discordant"]) == (4, 3, 1)
    assert row["concordance"] == 0.75
    assert (row["n_no_call_a_only"], row["n_no_call_b_only"], row["n_no_call_both"]) == (1, 1, 0)
    assert (row["n_only_in_a"], row["n_only_in_b"]) == (1, 1)
    # Cohen's kappa by hand: po = 3/4; pe = (1/4*2/4) + (2/4*1/4) + (1/4*1/4) = 5/16.
    assert row["kappa"] == pytest.approx((0.75 - 5 / 16) / (1 - 5 / 16))
    assert discordant.to_dict("records") == [
        {"sample": "S4", "locus": "rs1800796", "genotype_a": "C/C", "genotype_b": "G/C"}
    ]
    assert summary.iloc[-1]["locus"] == "ALL"
