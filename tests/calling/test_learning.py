"""Fragment sizes learned from the gel for assays that give only enzyme and site allele: simulated
gels with known genotypes (three patterns, one pattern, sizing noise, per-gel bias, partial digests,
stray bands, a digestion control) must give zero wrong genotypes, and honest no-calls otherwise."""

import random

import pytest

from genoassoc.assays import load_assays
from genoassoc.calling.learning import learn
from genoassoc.calling.rflp import Tolerance, call_rflp

BSRBI = {"G": [165, 120], "C": [285]}              # site on G, no control site
CONTROLLED = {"G": [240, 60], "C": [140, 100, 60]}  # site on C, a 60 bp digestion control
USER_ASSAY = """
[[assay]]
id = "ctl-174"
locus = "rs1800795"
enzyme = "NlaIII"
alleles = ["G", "C"]
site_allele = "C"
source = "simulated assay with a control site"
"""


def simulate(fragments, genotypes, *, noise=0.015, bias=None, partial=(), stray=(), seed=1, gel_of=None):
    """Rows of a wide gel table: each lane's bands with sizing noise, a per-gel bias, partial digests
    (an uncut band at low molar amount) and stray bands; intensities = size x molar amount."""
    rng = random.Random(seed)
    amplicon = max(sum(sizes) for sizes in fragments.values())
    rows = []
    for index, genotype in enumerate(genotypes):
        gel = gel_of(index) if gel_of else "gel1"
        molar = {}
        for allele in genotype.split("/"):
            for size in fragments[allele]:
                molar[size] = molar.get(size, 0) + 0.5
        if index in partial:
            molar = {size: amount * 0.8 for size, amount in molar.items()}
            molar[amplicon] = molar.get(amplicon, 0) + 0.2
        scale = (bias or {}).get(gel, 1.0)
        bands = {round(size * scale * rng.gauss(1, noise)): size * amount for size, amount in molar.items()}
        if index in stray:
            bands[round(rng.uniform(200, 230))] = 30.0
        sizes = sorted(bands, reverse=True)
        rows.append((f"S{index:03d}", gel, sizes, [round(bands[size] * rng.uniform(0.9, 1.1), 1) for size in sizes]))
    return rows


def write_gel(path, rows, assay="rs1800796"):
    path.write_text("sample\tlocus\tgel\tbands\tintensity\n" + "".join(
        f"{sample}\t{assay}\t{gel}\t{','.join(map(str, sizes))}\t{','.join(map(str, intensity))}\n"
        for sample, gel, sizes, intensity in rows))
    return path


def hwe_genotypes(n, frequency, alleles, seed):
    rng = random.Random(seed)
    return ["/".join(sorted((alleles[rng.random() < frequency], alleles[rng.random() < frequency]),
                            key=alleles.index)) for _ in range(n)]


def check(calls, genotypes, loci="rs1800796"):
    called = calls[(calls["locus"] == loci) & (calls["status"] == "called")]
    wrong = [(sample, genotype, genotypes[int(sample[1:])]) for sample, genotype in
             zip(called["sample"], called["genotype"], strict=True) if genotype != genotypes[int(sample[1:])]]
    assert not wrong, wrong
    return len(called) / len(genotypes)


@pytest.mark.parametrize("seed", range(5))
def test_three_patterns_are_learned_and_called(tmp_path, seed):
    genotypes = hwe_genotypes(40, 0.3, ("G", "C"), seed)
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", simulate(BSRBI, genotypes, seed=seed)))
    (learned,) = calls.attrs["learned"]
    assert learned.status == "learned"
    assert learned.fragments["C"] == pytest.approx((285,), abs=6)
    assert learned.fragments["G"] == pytest.approx((165, 120), abs=6)
    assert check(calls, genotypes) >= 0.95


def test_sizing_noise_of_five_percent_and_gel_bias_give_no_wrong_call(tmp_path):
    genotypes = hwe_genotypes(120, 0.35, ("G", "C"), 11)
    rows = simulate(BSRBI, genotypes, noise=0.025, bias={"gel1": 1.05, "gel2": 0.95, "gel3": 1.0},
                    gel_of=lambda index: f"gel{index % 3 + 1}", seed=11)
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", rows))
    learned = {result.gel: result for result in calls.attrs["learned"]}
    assert set(learned) == {"gel1", "gel2", "gel3"}
    assert learned["gel1"].fragments["C"][0] == pytest.approx(285 * 1.05, rel=0.02)
    assert learned["gel2"].fragments["C"][0] == pytest.approx(285 * 0.95, rel=0.02)
    assert check(calls, genotypes) >= 0.8  # bands beyond the 5% window become no-calls, never wrong calls


def test_partial_digests_and_stray_bands_become_no_calls_with_reasons(tmp_path):
    genotypes = hwe_genotypes(60, 0.4, ("G", "C"), 5)
    partial = {index for index, genotype in enumerate(genotypes) if genotype == "G/G"}
    stray = {3, 17, 29}
    rows = simulate(BSRBI, genotypes, partial=partial, stray=stray, seed=5)
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", rows))
    check(calls, genotypes)
    by_sample = calls.set_index("sample")
    for index in partial - stray:
        assert by_sample.loc[f"S{index:03d}", "reason"].startswith("partial digestion suspected"), index
    for index in stray - partial:
        assert by_sample.loc[f"S{index:03d}", "reason"].startswith("unexplained band"), index


def test_a_digestion_control_is_found(tmp_path):
    genotypes = hwe_genotypes(50, 0.4, ("G", "C"), 8)
    assays = tmp_path / "assays.toml"
    assays.write_text(USER_ASSAY)
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", simulate(CONTROLLED, genotypes, seed=8), "ctl-174"),
                      load_assays(assays))
    (learned,) = calls.attrs["learned"]
    assert learned.control == pytest.approx((60,), abs=4)
    assert learned.fragments["C"] == pytest.approx((140, 100, 60), abs=6)
    assert check(calls, genotypes, "rs1800795") >= 0.95


def test_one_pattern_is_the_uncut_homozygote_with_the_caveat(tmp_path):
    genotypes = ["C/C"] * 25  # BsrBI cuts G: every lane uncut
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", simulate(BSRBI, genotypes, seed=2)))
    (learned,) = calls.attrs["learned"]
    assert learned.status == "one pattern" and "cannot be told from a failed digest" in learned.reason
    called = calls[calls["status"] == "called"]
    assert (called["genotype"] == "C/C").all() and len(called) == 24
    assert called["note"].str.contains("without a digestion control a failed digest looks the same").all()
    # the one lane sized 269 bp, beyond the tolerance of the 284 bp band, is not called
    assert calls.set_index("sample").loc["S016", "reason"] == "unexplained bands 269 bp: the gel's only pattern " \
        "is a single 284 bp band"


def test_a_single_pattern_of_several_bands_is_not_guessed(tmp_path):
    genotypes = ["G/G"] * 20  # every lane cut: 165 + 120, the uncut band never seen
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", simulate(BSRBI, genotypes, seed=4)))
    assert (calls["status"] == "no_call").all()
    assert calls["reason"].str.contains("no sizes of an uncut band and cut fragments that add up").all()


def test_too_few_lanes_and_unexplainable_patterns(tmp_path):
    calls = call_rflp(write_gel(tmp_path / "gel.tsv", simulate(BSRBI, ["G/C", "C/C"], seed=1)))
    assert calls["reason"].str.contains("2 lanes with bands: too few to learn").all()
    rows = [(f"S{i:03d}", "gel1", sizes, [100.0] * len(sizes))
            for i, sizes in enumerate([[330, 95], [250], [330, 95], [205, 60], [250], [205, 60]])]
    calls = call_rflp(write_gel(tmp_path / "gel2.tsv", rows))
    assert (calls["status"] == "no_call").all()
    assert calls["reason"].str.startswith("no sizes of an uncut band and cut fragments that add up").all()


def test_learning_function_reports_lanes_per_pattern():
    assay = load_assays().get("IL6-572-BsrBI")
    result = learn(assay, [[285], [165, 120], [285, 165, 120], [286, 166, 121], [284]], Tolerance(), 30, "g")
    assert result.status == "learned" and result.patterns == {"C/C": 2, "G/C": 2, "G/G": 1}
    assert "G: 165+120 bp" in result.summary() and "g, 5 lanes" in result.summary()
