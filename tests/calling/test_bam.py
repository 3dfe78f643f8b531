"""BAM calling on simulated reads with known genotypes."""

import random

import numpy as np
import pandas as pd
import pytest
from bam_simulation import Reference, Site, simulate_bam

from genoassoc.calling.bam import (
    BamOptions,
    call_bams,
    genotype_bam,
    genotype_bams,
    genotype_likelihoods,
    read_bam_list,
)
from genoassoc.io.tables import format_table
from genoassoc.loci import Locus, load_catalog

GRCH38_CHR7 = {"chr7": 159345973}


@pytest.fixture(scope="module")
def il6_loci():
    catalog = load_catalog()
    return [catalog.resolve(name) for name in ("rs1800795", "rs1800796", "rs1800797")]


def test_genotype_likelihoods():
    bases = np.array(list("GGGGCCCC"))
    pl = genotype_likelihoods(bases, np.full(8, 30), ("G", "C"))
    assert np.argmin(pl) == 1 and pl[1] == 0
    assert pl[0] > 100 and pl[2] > 100
    # Eight reads of one allele at Q30: the heterozygote is 10*8*log10(2) = 24 PL away.
    pl = genotype_likelihoods(np.array(list("GGGGGGGG")), np.full(8, 30), ("G", "C"))
    assert pl[0] == 0 and pl[1] == pytest.approx(80 * np.log10(2 * (1 - 1e-3)) / np.log10(10) / 10 * 10, rel=1e-3)


def test_il6_loci_on_grch38_bam(tmp_path, il6_loci):
    truth = {"rs1800795": ("C", "C"), "rs1800796": ("G", "C"), "rs1800797": ("G", "G")}
    sites = [Site("chr7", locus.position("GRCh38"), truth[locus.id]) for locus in il6_loci]
    bam = simulate_bam(tmp_path / "p1.bam", "P01", GRCH38_CHR7, sites, depth=30, seed=5, duplicates=6)
    calls = pd.DataFrame(genotype_bam(bam, il6_loci)).set_index("locus")
    assert calls.loc["rs1800795", "genotype"] == "C/C"
    assert calls.loc["rs1800796", "genotype"] == "G/C"
    assert calls.loc["rs1800797", "genotype"] == "G/G"
    assert set(calls["sample"]) == {"P01"} and set(calls["build"]) == {"GRCh38"}
    # reads of the neighbouring SNP (25 bp away) add depth; the duplicate reads with a third allele are skipped
    assert calls.loc["rs1800795", "depth"] == 30 and (calls["depth"] >= 30).all()
    assert (calls["other_bases"] <= 2).all()


def test_overlapping_mates_count_once(tmp_path, il6_loci):
    locus = il6_loci[0]
    site = Site("chr7", locus.position("GRCh38"), ("G", "C"))
    bam = simulate_bam(tmp_path / "o.bam", "O1", GRCH38_CHR7, [site], depth=0, seed=2, overlapping_pairs=12)
    call = genotype_bam(bam, [locus])[0]
    assert call["depth"] == 12


def test_depth_and_gq_thresholds_give_reasons(tmp_path, il6_loci):
    locus = il6_loci[0]
    site = Site("chr7", locus.position("GRCh38"), ("G", "G"))
    bam = simulate_bam(tmp_path / "low.bam", "L1", GRCH38_CHR7, [site], depth=3, seed=3)
    call = genotype_bam(bam, [locus])[0]
    assert call["status"] == "no_call" and call["reason"] == "depth 3 below 4"
    # four reads of one allele: too little to exclude a heterozygote (GQ 12)
    four = simulate_bam(tmp_path / "four.bam", "F1", GRCH38_CHR7, [site], depth=4, seed=3)
    assert genotype_bam(four, [locus])[0]["reason"] == "GQ 12 below 20"
    strict = genotype_bam(bam, [locus], BamOptions(min_depth=1, min_gq=30))[0]
    assert strict["reason"].startswith("GQ ") and strict["reason"].endswith("below 30")
    empty = simulate_bam(tmp_path / "none.bam", "N1", GRCH38_CHR7, [], depth=0, seed=1)
    assert genotype_bam(empty, [locus])[0]["reason"] == "no reads"


def test_simulated_depth_series_never_guesses(tmp_path):
    """3x-40x: no calls below the depth floor; from 4x GQ decides: heterozygotes seen on both alleles
    are called, homozygotes wait for the reads that exclude a heterozygote; no call goes against the
    evidence (the only wrong calls are heterozygotes whose every read showed one allele, allelic
    dropout, invisible to any caller); call rate >= 95% from 8x."""
    rng = random.Random(1800796)
    contig, length = "sim", 60_000
    positions = list(range(1_000, 59_000, 2_000))
    pairs = [("A", "G"), ("C", "T"), ("G", "C"), ("A", "T")]
    loci = [Locus(f"snp{p}", pairs[i % 4], contig, {"any": p}) for i, p in enumerate(positions)]
    reference = Reference(seed=7)
    summary = {}
    for depth in (3, 4, 5, 6, 8, 12, 20, 40):
        paths, truth = [], {}
        for index in range(6):
            sample = f"D{depth}_{index}"
            sites = []
            for locus in loci:
                genotype = tuple(rng.choice(locus.alleles) for _ in range(2))
                truth[(sample, locus.id)] = locus.genotype(*genotype)
                sites.append(Site(contig, locus.position("any"), genotype))
            paths.append(str(simulate_bam(tmp_path / f"{sample}.bam", sample, {contig: length}, sites, depth,
                                          seed=depth * 100 + index, reference=reference)))
        calls = call_bams(paths, loci, BamOptions(build="GRCh38"))
        called = calls[calls["status"] == "called"]
        expected = [truth[key] for key in zip(called["sample"], called["locus"], strict=True)]
        wrong = called[called["genotype"].to_numpy() != np.array(expected)]
        for _, row in wrong.iterrows():
            first, second = map(int, row["ad"].split(","))
            true_alleles = truth[(row["sample"], row["locus"])].split("/")
            assert true_alleles[0] != true_alleles[1]
            assert min(first, second) == 0, f"wrong call against the evidence: {row.to_dict()}"
        summary[depth] = (len(called) / len(calls), len(wrong))
        if depth in (4, 5, 6):
            # only heterozygotes, each seen on both alleles, and most of them
            heterozygous = [truth[key].split("/")[0] != truth[key].split("/")[1] for key in truth]
            assert set(called["genotype"].map(lambda g: g.split("/")[0] != g.split("/")[1])) == {True}
            assert all(min(map(int, ad.split(","))) > 0 for ad in called["ad"])
            assert (called["gq"] >= 20).all() and len(wrong) == 0
            assert len(called) >= 0.5 * sum(heterozygous), summary
    assert summary[3][0] == 0
    for depth in (8, 12, 20, 40):
        assert summary[depth][0] >= 0.95, summary
    assert summary[20][1] == 0 and summary[40][1] == 0


def test_unreadable_file_becomes_no_calls_and_the_batch_goes_on(tmp_path, il6_loci):
    good = simulate_bam(tmp_path / "g.bam", "G1", GRCH38_CHR7,
                        [Site("chr7", il6_loci[0].position("GRCh38"), ("G", "C"))], depth=25, seed=9)
    broken = tmp_path / "broken.bam"
    broken.write_bytes(b"not a bam at all")
    site = [Site("chr7", il6_loci[0].position("GRCh38"), ("G", "C"))]
    unindexed = tmp_path / "unindexed.bam"
    unindexed.write_bytes(simulate_bam(tmp_path / "u.bam", "U1", GRCH38_CHR7, site, depth=25, seed=11).read_bytes())
    # header, index and end marker intact, reads damaged: the batch's shared pileup fails and each
    # file is read alone; both keep their read group's sample name
    source = simulate_bam(tmp_path / "d.bam", "D1", GRCH38_CHR7, site, depth=25, seed=9)
    damaged = tmp_path / "damaged.bam"
    data = bytearray(source.read_bytes())
    header_block = int.from_bytes(data[16:18], "little") + 1
    data[header_block + 40: header_block + 240] = bytes(200)
    damaged.write_bytes(bytes(data))
    (tmp_path / "damaged.bam.bai").write_bytes((tmp_path / "d.bam.bai").read_bytes())
    later = simulate_bam(tmp_path / "l.bam", "L1", GRCH38_CHR7,
                         [Site("chr7", il6_loci[0].position("GRCh38"), ("C", "C"))], depth=25, seed=10)
    paths = [str(good), str(damaged), str(later), str(broken), str(unindexed)]
    for workers in (1, 2):
        calls = call_bams(paths, il6_loci[:1], workers=workers)
        assert calls["sample"].tolist() == ["G1", "D1", "L1", "broken.bam", "U1"]
        assert calls["genotype"].tolist()[0::2][:2] == ["G/C", "C/C"]
        reasons = calls["reason"].tolist()
        assert reasons[1].startswith("unreadable file") and reasons[3].startswith("unreadable file")
        assert reasons[4].startswith("no index")
        assert (calls["status"] == "no_call").tolist() == [False, True, False, True, True]
    # counts stay whole numbers beside the rows that have none
    good_row = format_table(calls).splitlines()[1].split("\t")
    assert good_row[calls.columns.get_loc("depth")] == str(calls.iloc[0]["depth"]) == "25"


def test_dask_cluster_gives_the_same_calls(tmp_path, il6_loci):
    from dask.distributed import Client, LocalCluster

    paths = []
    for index in range(4):
        sites = [Site("chr7", locus.position("GRCh38"), ("G", "C") if index % 2 else ("G", "G"))
                 for locus in il6_loci[:2]]
        paths.append(str(simulate_bam(tmp_path / f"s{index}.bam", f"S{index}", GRCH38_CHR7, sites, 20, seed=index)))
    local = call_bams(paths, il6_loci[:2])
    # files piled up together give what each gives alone
    assert genotype_bams(paths, il6_loci[:2]) == [genotype_bam(path, il6_loci[:2]) for path in paths]
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        distributed = call_bams(paths, il6_loci[:2], client=client)
    pd.testing.assert_frame_equal(local, distributed)


def test_cram_with_its_reference_gives_the_bam_calls(tmp_path, monkeypatch):
    import pysam

    contig, length = "sim", 5_000
    reference = Reference(seed=3)
    fasta = tmp_path / "ref.fa"
    reference.write_fasta(fasta, contig, length)
    loci = [Locus("snpA", ("A", "G"), contig, {"any": 1_500}), Locus("snpB", ("C", "T"), contig, {"any": 3_500})]
    sites = [Site(contig, 1_500, ("A", "G")), Site(contig, 3_500, ("T", "T"))]
    bam = simulate_bam(tmp_path / "c1.bam", "C1", {contig: length}, sites, depth=25, seed=4, reference=reference)
    cram = tmp_path / "c1.cram"
    with pysam.AlignmentFile(str(bam)) as source, \
            pysam.AlignmentFile(str(cram), "wc", template=source, reference_filename=str(fasta)) as out:
        for read in source:
            out.write(read)
    pysam.index(str(cram))
    options = BamOptions(build="GRCh38", reference=str(fasta))
    from_bam = pd.DataFrame(genotype_bam(bam, loci, options)).drop(columns="file")
    from_cram = pd.DataFrame(genotype_bam(cram, loci, options)).drop(columns="file")
    pd.testing.assert_frame_equal(from_bam, from_cram)
    assert from_cram["genotype"].tolist() == ["A/G", "T/T"]
    # the reference gone from where the CRAM header says it was, none given, no reference server
    fasta.rename(tmp_path / "moved.fa")
    monkeypatch.setenv("REF_PATH", str(tmp_path / "no-references"))
    without = genotype_bam(cram, loci, BamOptions(build="GRCh38"))
    assert {row["status"] for row in without} == {"no_call"}
    assert "give --reference FASTA" in without[0]["reason"]


def test_same_position_on_two_contigs(tmp_path):
    contigs = {"sim1": 5_000, "sim2": 5_000}
    loci = [Locus("one", ("A", "G"), "sim1", {"any": 1_500}), Locus("two", ("A", "G"), "sim2", {"any": 1_500})]
    sites = [Site("sim1", 1_500, ("A", "A")), Site("sim2", 1_500, ("G", "G"))]
    paths = [simulate_bam(tmp_path / f"t{index}.bam", f"T{index}", contigs, sites, depth=20, seed=index)
             for index in range(2)]
    for rows in genotype_bams(paths, loci, BamOptions(build="GRCh38")):
        assert [(row["chrom"], row["genotype"]) for row in rows] == [("sim1", "A/A"), ("sim2", "G/G")]


def test_bam_list(tmp_path):
    (tmp_path / "list.txt").write_text("# batch 1\na.bam\n/abs/b.bam\n\n")
    assert read_bam_list(tmp_path / "list.txt") == [str(tmp_path / "a.bam"), "/abs/b.bam"]


def test_concordance_with_bcftools_at_30x(tmp_path):
    """Same simulated 30x BAMs as tests/golden/bam/make_golden.py; bcftools mpileup | call -m genotypes."""
    import sys
    from pathlib import Path

    golden = Path(__file__).resolve().parent.parent / "golden" / "bam"
    sys.path.insert(0, str(golden))
    from make_golden import build_bams

    _, paths, loci, truth = build_bams(tmp_path)
    panel = [Locus(name, alleles, "sim", {"any": pos}) for name, pos, alleles in loci]
    ours = call_bams([str(path) for path in paths], panel, BamOptions(build="GRCh38"), workers=2)
    bcftools = pd.read_csv(golden / "bcftools_calls.tsv", sep="\t", keep_default_na=False)
    merged = ours.merge(bcftools, on=["sample", "locus"])
    assert len(merged) == len(ours) == len(bcftools)
    both = merged[(merged["status"] == "called") & (merged["bcftools_genotype"] != "")]
    ours_sorted = both["genotype"].map(lambda g: "/".join(sorted(g.split("/"))))
    agreement = (ours_sorted == both["bcftools_genotype"]).mean()
    assert len(both) >= 0.95 * len(merged)
    assert agreement >= 0.99
    true_genotype = [truth[s][int(locus[3:])] for s, locus in zip(ours["sample"], ours["locus"], strict=True)]
    called = ours["status"] == "called"
    expected = pd.Series(["/".join(sorted(g)) for g in true_genotype])
    observed = ours["genotype"].map(lambda g: "/".join(sorted(g.split("/"))) if g else "")
    assert (observed[called] == expected[called]).all()
