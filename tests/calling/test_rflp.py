"""PCR-RFLP calling on the synthetic amplicon assay (see conftest): G = 270+50, C = 154+116+50."""

import random
from pathlib import Path

import pandas as pd
import pytest

from genoassoc.assays import read_assays
from genoassoc.calling.rflp import Tolerance, call_rflp, match_lane, parse_sizes
from genoassoc.errors import InputError
from genoassoc.loci import load_catalog

TRUE_BANDS = {"G/G": [270, 50], "G/C": [270, 154, 116, 50], "C/C": [154, 116, 50]}


def noisy(bands, rng, error=0.03):
    return [size * (1 + rng.uniform(-error, error)) for size in bands]


@pytest.mark.parametrize("genotype", ["G/G", "G/C", "C/C"])
def test_noisy_bands_are_called_correctly(amplicon_assay, genotype):
    rng = random.Random(genotype)
    for _ in range(300):
        call = match_lane(amplicon_assay, noisy(TRUE_BANDS[genotype], rng))
        assert call.genotype == genotype, call.reason
        assert call.reason == ""
        assert sorted(expected for _, expected in call.matched) == sorted(TRUE_BANDS[genotype])


@pytest.mark.parametrize(
    "bands, reason",
    [
        ([], "no bands (PCR failure)"),
        ([12, 20], "no bands (PCR failure)"),
        ([321], "undigested: only the full-length 320 bp product"),
        ([270, 230, 50], "unexplained band 230 bp"),
        ([270, 50, 340, 230], "unexplained bands 340, 230 bp"),
        ([320, 154, 116, 50], "partial digestion: 320 bp is an incompletely digested product"),
        ([204, 116], "partial digestion: 204 bp is an incompletely digested product"),
        ([270], "partial digestion: digestion-control fragment 50 bp absent"),
        ([270, 154, 50], "missing expected band 116 bp (for G/C)"),
        ([154, 50], "missing expected band 116 bp (for C/C)"),
    ],
)
def test_each_failure_is_a_no_call_with_its_reason(amplicon_assay, bands, reason):
    call = match_lane(amplicon_assay, bands)
    assert call.genotype is None
    assert call.reason == reason


def test_ambiguous_when_two_genotypes_explain_the_bands(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(
        '[[assay]]\nid = "close"\nlocus = "rs1800796"\nenzyme = "HaeIII"\n'
        "[assay.fragments]\nG = [200, 100]\nC = [197, 103]\n"
    )
    (assay,) = read_assays(path, load_catalog())
    call = match_lane(assay, [199, 101])
    assert call.genotype is None
    assert call.reason == "ambiguous: G/G or G/C or C/C explain the bands within tolerance"


def test_bands_below_the_floor_are_ignored_and_not_expected(amplicon_assay):
    assert match_lane(amplicon_assay, [270, 50, 22]).genotype == "G/G"
    assert match_lane(amplicon_assay, [270], min_band=60).genotype == "G/G"
    assert match_lane(amplicon_assay, [270, 50], min_band=60).genotype == "G/G"


@pytest.mark.parametrize("bands, genotype, ignored", [
    ([270, 50, 512], "G/G", ("512 bp ignored (larger than the 320 bp full-length product)",)),
    ([154, 116, 50, 36], "C/C", ("36 bp ignored (primer-dimer size, no allele gives it)",)),
    ([270, 154, 116, 50, 22], "G/C", ("22 bp ignored (below --min-band 30 bp)",)),
    # the 50 bp fragment is no primer-dimer; a band 15% above the product may be the mis-sized uncut band
    ([270, 154, 116], None, ()),
    ([154, 116, 50, 368], None, ()),
])
def test_stray_bands_are_named_and_do_not_block_a_call(amplicon_assay, bands, genotype, ignored):
    call = match_lane(amplicon_assay, bands)
    assert (call.genotype, call.ignored) == (genotype, ignored)
    if ignored and "min-band" not in ignored[0]:
        strict = match_lane(amplicon_assay, bands, strict_bands=True)
        assert (strict.genotype, strict.reason) == (None, f"unexplained band {bands[-1]} bp")


def test_stray_bands_reach_the_calls_table_note(tmp_path, amplicon_assays_toml):
    gel = _gel(tmp_path, "sample\tassay\tbands\nS1\tlab-174\t270,50,512\nS2\tlab-174\t270,50\n"
                         "S2\tlab-174\t270,50,36\n")
    calls = call_rflp(gel, amplicon_assays_toml).set_index("sample")
    assert calls.loc["S1", "genotype"] == "G/G"
    assert calls.loc["S1", "note"] == "512 bp ignored (larger than the 320 bp full-length product)"
    assert calls.loc["S2", "note"] == "lane row 4: 36 bp ignored (primer-dimer size, no allele gives it)"
    strict = call_rflp(gel, amplicon_assays_toml, strict_bands=True).set_index("sample")
    assert strict.loc["S1", "reason"] == "unexplained band 512 bp"


def test_tolerance_is_the_larger_of_bp_and_percent(amplicon_assay):
    assert match_lane(amplicon_assay, [270 * 1.049, 50]).genotype == "G/G"
    assert match_lane(amplicon_assay, [270 * 1.06, 50]).genotype is None
    assert match_lane(amplicon_assay, [270, 55]).genotype == "G/G"  # 5 bp floor on a small band
    tight = Tolerance.parse("2bp")
    assert match_lane(amplicon_assay, [275, 50], tolerance=tight).genotype is None


def test_tolerance_parsing():
    assert Tolerance.parse("5bp,5%") == Tolerance(5, 0.05)
    assert Tolerance.parse("3%") == Tolerance(0, 0.03)
    assert Tolerance.parse("8") == Tolerance(8, 0)
    assert str(Tolerance()) == "5bp,5%"
    with pytest.raises(InputError):
        Tolerance.parse("five")


def test_intensity_tells_heterozygote_from_partial_digest(amplicon_assay):
    # G/C: 270 (G) and 154+116 (C) in equal molar amounts; intensity ~ size x moles.
    het = [270, 154, 116, 50]
    assert match_lane(amplicon_assay, het, [270 * 0.5, 154 * 0.5, 116 * 0.5, 50]).genotype == "G/C"
    # C/C digested 85% at the SNP site: a faint 270 bp product mimics the G allele.
    partial = match_lane(amplicon_assay, het, [270 * 0.15, 154 * 0.85, 116 * 0.85, 50])
    assert partial.genotype is None
    assert partial.reason.startswith("partial digestion suspected: the 270 bp band has 0.18")
    # Without intensities the pattern alone is a heterozygote.
    assert match_lane(amplicon_assay, het).genotype == "G/C"


def _away_from(sizes, rng):
    while True:
        size = rng.uniform(62, 360)  # between primer-dimer size and 1.2 x the 320 bp product: not stray
        if all(abs(size - known) > 0.12 * known for known in sizes):
            return size


def test_simulated_gels_never_give_a_wrong_genotype(amplicon_assay):
    # Faults that leave another genotype's exact pattern cannot be seen on any gel and are not
    # simulated: a heterozygote losing its whole G band (allelic dropout) reads as C/C, and a stray
    # band at exactly the G fragment size on a C/C lane reads as G/C.
    rng = random.Random(2026)
    known = {270, 154, 116, 50, 320, 204}
    wrong = 0
    called: dict[str, list[bool]] = {}
    for _ in range(3000):
        truth = rng.choice(list(TRUE_BANDS))
        bands = list(TRUE_BANDS[truth])
        fault = rng.choice(["none", "drop", "extra", "stray", "partial", "undigested", "noise"])
        intensity = None
        if fault == "drop":
            droppable = [size for size in bands if size != 270 or truth == "G/G"]
            bands.remove(rng.choice(droppable))
        elif fault == "extra":
            bands.append(_away_from(known, rng))
        elif fault == "stray":  # a primer-dimer, or a band far above the full-length product
            bands.append(rng.choice([rng.uniform(31, 38), rng.uniform(400, 900)]))
        elif fault == "partial":
            fraction = rng.uniform(0.05, 0.3)
            molar = {size: 1.0 for size in bands}
            if truth == "C/C":
                molar = {154: 1 - fraction, 116: 1 - fraction, 50: 1.0, 270: fraction}
            else:
                molar[320] = fraction
            bands = list(molar)
            intensity = [size * molar[size] for size in bands]
        elif fault == "undigested":
            bands = [320]
        call = match_lane(amplicon_assay, noisy(bands, rng, 0.03 if fault != "noise" else 0.045), intensity)
        if call.genotype is not None and call.genotype != truth:
            wrong += 1
        called.setdefault(fault, []).append(call.genotype is not None)
        assert bool(call.ignored) == (fault == "stray"), (fault, call)
    assert wrong == 0
    rates = {fault: sum(made) / len(made) for fault, made in called.items()}
    # not by refusing to call: every clean lane, every lane with sizing noise (4.5% SD) and every lane with a
    # stray band (named in the note) is called; lanes with a fault (a dropped or unexplained band, a partial
    # or failed digest) are no-calls with a reason
    assert rates["none"] == rates["noise"] == rates["stray"] == 1.0
    assert rates["drop"] == rates["extra"] == rates["partial"] == rates["undigested"] == 0.0


def test_parse_sizes():
    assert parse_sizes("198, 140,58") == (198.0, 140.0, 58.0)
    assert parse_sizes(" 200bp ; 100 ") == (200.0, 100.0)
    assert parse_sizes("") == ()
    with pytest.raises(ValueError, match="'14O'"):
        parse_sizes("198,14O")
    with pytest.raises(ValueError, match="positive"):
        parse_sizes("0")


def _gel(tmp_path: Path, text: str, name: str = "gel.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wide_table_with_replicates(tmp_path, amplicon_assays_toml):
    gel = _gel(
        tmp_path,
        "sample\tassay\tgel\tlane\tbands\n"
        "S1\tlab-174\tg1\t1\t272,49\n"
        "S1\tlab-174\tg2\t1\t268,51\n"
        "S2\tlab-174\tg1\t2\t270,50\n"
        "S2\tlab-174\tg2\t2\t270,155,118,50\n"
        "S3\tlab-174\tg1\t3\t\n"
        "S3\tlab-174\tg2\t3\t153,115,51\n"
        "S4\tlab-174\tg1\t4\t\n",
    )
    calls = call_rflp(gel, amplicon_assays_toml).set_index("sample")
    assert list(calls.index) == ["S1", "S2", "S3", "S4"]
    assert calls.loc["S1", "genotype"] == "G/G"
    assert calls.loc["S1", "lanes"] == 2 and calls.loc["S1", "lanes_called"] == 2
    assert calls.loc["S1", "observed_bp"] == "272,49;268,51"
    assert calls.loc["S1", "matched_bp"] == "272=270,49=50;268=270,51=50"
    assert calls.loc["S2", "status"] == "no_call"
    assert calls.loc["S2", "reason"] == "discordant replicates (G/G in g1:2, G/C in g2:2)"
    assert calls.loc["S3", "genotype"] == "C/C"  # one failed lane, one good replicate
    assert calls.loc["S3", "lanes_called"] == 1
    assert calls.loc["S4", "reason"] == "no bands (PCR failure)"
    assert set(calls["locus"]) == {"rs1800795"}
    assert set(calls["source"]) == {"rflp"}


def test_long_table_and_locus_for_assay(tmp_path, amplicon_assays_toml):
    gel = _gel(
        tmp_path,
        "sample,locus,lane,size_bp\n"
        "S1,-174G>C,1,270\n"
        "S1,-174G>C,1,50\n"
        "S2,rs1800795,2,154\n"
        "S2,rs1800795,2,116\n"
        "S2,rs1800795,2,50\n"
        "S3,rs1800795,3,\n",
        "gel.csv",
    )
    calls = call_rflp(gel, amplicon_assays_toml)
    assert calls["genotype"].tolist() == ["G/G", "C/C", ""]
    assert calls["reason"].tolist()[2] == "no bands (PCR failure)"


def test_every_sample_appears_for_every_locus(tmp_path, amplicon_assays_toml):
    extra = tmp_path / "more.toml"
    extra.write_text(
        amplicon_assays_toml.read_text()
        + '\n[[assay]]\nid = "d572"\nlocus = "rs1800796"\nenzyme = "BsrBI"\n'
        "[assay.fragments]\nG = [165, 120]\nC = [285]\n"
    )
    gel = _gel(tmp_path, "sample\tassay\tbands\nS1\tlab-174\t270,50\nS2\td572\t285\n")
    calls = call_rflp(gel, extra)
    assert len(calls) == 4
    missing = calls[(calls["sample"] == "S1") & (calls["locus"] == "rs1800796")].iloc[0]
    assert missing["status"] == "no_call" and missing["reason"] == "not genotyped at this locus"


def test_accepts_a_dataframe(amplicon_assays_toml):
    frame = pd.DataFrame({"sample": ["S1"], "assay": ["lab-174"], "bands": ["270,50"]})
    assert call_rflp(frame, amplicon_assays_toml)["genotype"].tolist() == ["G/G"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("sample\tassay\tbands\nS1\tlab-174\t270,5O\n", "row 2, column 'bands': '5O' is not a band size"),
        ("sample\tassay\tbands\nS1\tnope\t270\n", "row 2: unknown assay 'nope'"),
        ("sample\tassay\nS1\tlab-174\n", "needs a 'bands' (wide) or 'size_bp' (long) column"),
        ("sample\tassay\tbands\n\tlab-174\t270\n", "row 2, column 'sample': the sample id is empty"),
        ("sample\tassay\tbands\tintensity\nS1\tlab-174\t270,50\t3\n", "1 intensities for 2 bands"),
        ("sample\tassay\tbands\nS1\trs1800797\t270\n", "no assay for locus rs1800797"),
    ],
)
def test_bad_gel_tables(tmp_path, amplicon_assays_toml, text, message):
    with pytest.raises(InputError) as error:
        call_rflp(_gel(tmp_path, text), amplicon_assays_toml)
    assert message in str(error.value)
    assert "gel.tsv" in str(error.value)


NON_CATALOG = """
[[assay]]
id = "cyp-rflp"
locus = "rs4986893"
enzyme = "BamHI"
alleles = ["G", "A"]
source = "test assay for a SNP outside the catalog"
[assay.fragments]
G = [180, 120]
A = [300]
"""


@pytest.mark.parametrize("with_panel", [False, True])
def test_an_assay_for_a_snp_outside_the_catalog(tmp_path, with_panel):
    from genoassoc.assays import load_assays
    from genoassoc.loci import load_catalog

    assays_file = tmp_path / "assays.toml"
    assays_file.write_text(NON_CATALOG)
    panel = None
    if with_panel:
        panel = tmp_path / "panel.tsv"
        panel.write_text("locus\tchrom\tpos\talleles\nrs4986893\t10\t94780653\tG,A\n")
    catalog = load_catalog(panel)
    gel = _gel(tmp_path, "sample\tlocus\tbands\nS1\trs4986893\t300\nS2\trs4986893\t300,180,120\n"
                         "S3\tcyp-rflp\t181,119\n")
    calls = call_rflp(gel, load_assays(assays_file, catalog), catalog=catalog)
    assert calls["genotype"].tolist() == ["A/A", "G/A", "G/G"]
    assert set(calls["locus"]) == {"rs4986893"}
    assay = load_assays(assays_file, catalog).get("cyp-rflp")
    assert (assay.locus_note == "") == with_panel


def test_loci_restrict_an_rflp_run(tmp_path, amplicon_assays_toml):
    gel = _gel(tmp_path, "sample\tassay\tbands\nS1\tlab-174\t270,50\nS1\tIL6-572-BsrBI\t285\n"
                         "S2\tlab-174\t270,50\nS3\tlab-174\t154,116,50\n")
    calls = call_rflp(gel, amplicon_assays_toml, loci=["-174G>C"])
    assert set(calls["locus"]) == {"rs1800795"} and calls["sample"].tolist() == ["S1", "S2", "S3"]
