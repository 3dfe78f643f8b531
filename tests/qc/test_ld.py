"""LD and haplotypes against R haplo.stats::haplo.em and genetics::LD (tests/golden/ld)."""

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genoassoc.genotypes import genotype_matrix
from genoassoc.loci import load_catalog
from genoassoc.qc.ld import estimate_haplotypes, pairwise_ld

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "ld"


@pytest.fixture(scope="module")
def matrix():
    wide = pd.read_csv(GOLDEN / "genotypes.tsv", sep="\t", dtype=str, keep_default_na=False)
    calls = wide.melt(id_vars="sample", var_name="locus", value_name="genotype")
    calls["status"] = np.where(calls["genotype"] == "", "no_call", "called")
    return genotype_matrix(calls, load_catalog())


def test_haplotype_frequencies_match_haplo_em(matrix):
    fit = estimate_haplotypes(matrix)
    golden = pd.read_csv(GOLDEN / "haplotypes.tsv", sep="\t")
    ours = dict(zip(fit.haplotypes["haplotype"], fit.haplotypes["frequency"], strict=True))
    for haplotype, frequency in zip(golden["haplotype"], golden["frequency"], strict=True):
        assert ours[haplotype] == pytest.approx(frequency, rel=1e-5, abs=1e-9)
    others = set(ours) - set(golden["haplotype"])
    assert all(ours[h] < 1e-6 for h in others)
    assert fit.n_samples == 294 and fit.n_excluded == 6


def test_most_likely_pairs_match_haplo_em(matrix):
    fit = estimate_haplotypes(matrix).samples.set_index("sample")
    golden = pd.read_csv(GOLDEN / "posteriors.tsv", sep="\t").set_index("sample")
    assert len(fit) == len(golden)
    for sample, row in golden.iterrows():
        assert {fit.loc[sample, "haplotype1"], fit.loc[sample, "haplotype2"]} == {row["haplotype1"], row["haplotype2"]}
        assert fit.loc[sample, "posterior"] == pytest.approx(row["posterior"], rel=1e-4)


def test_pairwise_ld_matches_r(matrix):
    ours = pairwise_ld(matrix).set_index(["locus1", "locus2"])
    golden = pd.read_csv(GOLDEN / "pairs.tsv", sep="\t").set_index(["locus1", "locus2"])
    for key, row in golden.iterrows():
        assert ours.loc[key, "n"] == row["n"]
        assert ours.loc[key, "D"] == pytest.approx(row["D"], rel=1e-4)
        assert ours.loc[key, "D_prime"] == pytest.approx(row["D_prime"], rel=1e-4)
        assert ours.loc[key, "r2"] == pytest.approx(row["r2"], rel=1e-4)
        # genetics::LD maximises with optimize() at its default tolerance: agreement to ~1e-2.
        assert abs(ours.loc[key, "D"]) == pytest.approx(row["genetics_abs_D"], rel=1e-2)
        assert ours.loc[key, "r2"] == pytest.approx(row["genetics_r2"], rel=1e-2)


def test_known_phase_without_double_heterozygotes_is_counted_exactly():
    # Haplotypes GG, GC, AG only: no sample is heterozygous at both loci, so phase is known.
    rng = random.Random(3)
    haplotypes = ["GG"] * 5 + ["GC"] * 3 + ["AG"] * 2
    rows, counted = [], {"GG": 0, "GC": 0, "AG": 0}
    for index in range(400):
        pair = sorted([rng.choice(haplotypes), rng.choice(haplotypes)])
        if pair == ["AG", "GC"]:
            continue
        for haplotype in pair:
            counted[haplotype] += 1
        first = "/".join(sorted((pair[0][0], pair[1][0]), key="GA".index))
        second = "/".join(sorted((pair[0][1], pair[1][1]), key="GC".index))
        rows += [(f"S{index}", "rs1800797", first, "called"), (f"S{index}", "rs1800796", second, "called")]
    calls = pd.DataFrame(rows, columns=["sample", "locus", "genotype", "status"])
    fit = estimate_haplotypes(genotype_matrix(calls, load_catalog()))
    total = sum(counted.values())
    estimated = dict(zip(fit.haplotypes["haplotype"], fit.haplotypes["frequency"], strict=True))
    for haplotype, count in counted.items():
        assert estimated[haplotype] == pytest.approx(count / total, abs=1e-9)
    assert estimated["AC"] == pytest.approx(0, abs=1e-9)
    assert (fit.samples["posterior"] > 0.999999).all()
