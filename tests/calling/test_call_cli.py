"""`genoassoc call --vcf/--bam` and --output-vcf from the command line."""

import subprocess
import sys

import pysam
from bam_simulation import Reference, Site, simulate_bam
from cli_run import run_cli
from test_vcf import write_vcf

from genoassoc.loci import load_catalog


def run(*args):
    return run_cli(*args)


def test_call_vcf_and_round_trip_through_output_vcf(tmp_path):
    vcf = write_vcf(tmp_path / "in", ["chr7 22727026 rs1800795 C G . PASS . GT 0/1 1/1 0/0 ./."],
                    ["A", "B", "C", "D"])
    out_vcf = tmp_path / "calls.vcf.gz"
    out = tmp_path / "calls.tsv"
    result = run("call", "--vcf", vcf, "--loci", "-174G>C", "-o", out, "--output-vcf", out_vcf)
    assert result.returncode == 0, result.stderr
    assert "rs1800795: 3 of 4 samples called" in result.stderr
    with pysam.VariantFile(str(out_vcf)) as written:
        (record,) = list(written)
        assert (record.chrom, record.pos, record.ref, record.alts) == ("chr7", 22727026, "C", ("G",))
        assert [record.samples[s]["GT"] for s in "ABCD"] == [(0, 1), (1, 1), (0, 0), (None, None)]
    again = run("call", "--vcf", out_vcf, "--loci", "rs1800795")
    assert again.returncode == 0
    genotypes = [line.split("\t")[2] for line in again.stdout.splitlines()[1:]]
    assert genotypes == ["G/C", "G/G", "C/C", ""]


def test_call_bam_list_with_reference_for_output_vcf(tmp_path):
    reference = Reference(seed=3)
    fasta = tmp_path / "ref.fa"
    reference.write_fasta(fasta, "sim", 5000)
    panel = tmp_path / "panel.tsv"
    panel.write_text("locus\tchrom\tpos\talleles\nsnpA\tsim\t1500\tA,G\n")
    ref_base = reference.base("sim", 1500)
    alt = "G" if ref_base != "G" else "A"
    genotype = (ref_base, alt) if ref_base in "AG" else ("A", "G")
    paths = []
    for index in range(3):
        paths.append(simulate_bam(tmp_path / f"b{index}.bam", f"B{index}", {"sim": 5000},
                                  [Site("sim", 1500, genotype)], 30, seed=index, reference=reference))
    listing = tmp_path / "bams.txt"
    listing.write_text("\n".join(path.name for path in paths) + "\n")
    no_reference = run("call", "--bam-list", listing, "--panel", panel, "--loci", "snpA", "--build", "GRCh38",
                       "--output-vcf", tmp_path / "x.vcf", "-o", tmp_path / "x.tsv")
    assert no_reference.returncode == 2 and "needs --reference FASTA" in no_reference.stderr
    assert not (tmp_path / "x.tsv").exists()
    result = run("call", "--bam-list", listing, "--panel", panel, "--loci", "snpA", "--build", "GRCh38",
                 "--reference", fasta, "--output-vcf", tmp_path / "calls.vcf", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "snpA: 3 of 3 samples called" in result.stderr
    record_line = [line for line in (tmp_path / "calls.vcf").read_text().splitlines() if not line.startswith("#")][0]
    assert record_line.split("\t")[3] == ref_base.upper()
    # GQ, DP and AD as FORMAT fields, AD in REF,ALT order, the same numbers as the calls table
    table = run("call", "--bam-list", listing, "--panel", panel, "--loci", "snpA")
    rows = [dict(zip(table.stdout.splitlines()[0].split("\t"), line.split("\t"), strict=True))
            for line in table.stdout.splitlines()[1:]]
    with pysam.VariantFile(str(tmp_path / "calls.vcf")) as written:
        assert list(written.header.formats) == ["GT", "GQ", "DP", "AD"]
        (record,) = list(written)
        for row in rows:
            sample = record.samples[row["sample"]]
            by_allele = dict(zip(("A", "G"), map(int, row["ad"].split(",")), strict=True))
            assert sample["GQ"] == int(row["gq"]) and sample["DP"] == int(row["depth"])
            assert sample["AD"] == tuple(by_allele[allele] for allele in (record.ref, *record.alts))


def test_bam_panel_without_build_on_any_contig_uses_read_group_names(tmp_path):
    reference = Reference(seed=5)
    panel = tmp_path / "panel.tsv"
    panel.write_text("locus\tchrom\tpos\talleles\nsnpA\tplasmid\t800\tA,G\n")
    ref_base = reference.base("plasmid", 800)
    genotype = (ref_base, "G" if ref_base != "G" else "A") if ref_base in "AG" else ("A", "G")
    paths = [simulate_bam(tmp_path / f"file{index}.bam", f"Patient{index}", {"plasmid": 3000},
                          [Site("plasmid", 800, genotype)], 30, seed=index, reference=reference) for index in range(2)]
    result = run("call", *[argument for path in paths for argument in ("--bam", path)], "--panel", panel)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert sorted({row[0] for row in rows}) == ["Patient0", "Patient1"]
    assert {row[1] for row in rows if row[3] == "called"} == {"snpA"}
    # the built-in catalog loci cannot be placed on this genome: no-calls that say why
    catalog_rows = [row for row in rows if row[1] != "snpA"]
    assert catalog_rows and all(row[3] == "no_call" and "give --build" in row[4] for row in catalog_rows)


def test_output_vcf_keeps_phasing_and_format_fields(tmp_path):
    vcf = write_vcf(tmp_path / "ph", [
        "chr7 22727026 rs1800795 C G . PASS . GT:GQ:DP:AD 1|0:40:20:11,9 0|1:35:18:9,9 1/0:50:22:10,12 ./.:.:.:.",
    ], ["A", "B", "C", "D"])
    out_vcf = tmp_path / "calls.vcf"
    result = run("call", "--vcf", vcf, "--loci", "rs1800795", "-o", tmp_path / "calls.tsv", "--output-vcf", out_vcf)
    assert result.returncode == 0, result.stderr
    with pysam.VariantFile(str(out_vcf)) as written:
        (record,) = list(written)
        samples = [record.samples[name] for name in "ABCD"]
        assert [sample["GT"] for sample in samples] == [(1, 0), (0, 1), (0, 1), (None, None)]
        assert [sample.phased for sample in samples[:3]] == [True, True, False]
        assert [sample["GQ"] for sample in samples] == [40, 35, 50, None]
        assert [sample["DP"] for sample in samples] == [20, 18, 22, None]
        assert [sample["AD"] for sample in samples[:3]] == [(11, 9), (9, 9), (10, 12)]
    table = (tmp_path / "calls.tsv").read_text().splitlines()
    assert table[1].split("\t")[6:8] == ["yes", "G|C"]


def test_catalog_positions_cover_both_builds():
    catalog = load_catalog()
    assert all(locus.position("GRCh37") and locus.position("GRCh38") for locus in catalog)


def test_bam_batch_tsv_matches_the_table_writer_and_needs_no_pandas(tmp_path):
    from genoassoc.calling.bam import BamOptions, call_bams
    from genoassoc.io.tables import format_table
    from genoassoc.loci import read_panel

    reference = Reference(seed=5)
    panel = tmp_path / "panel.tsv"
    panel.write_text("locus\tchrom\tpos\talleles\nsnpA\tsim\t1500\tA,G\nsnpB\tsim\t3500\tC,T\n")
    paths = [simulate_bam(tmp_path / f"n{index}.bam", f"N{index}", {"sim": 5000},
                          [Site("sim", 1500, ("A", "G")), Site("sim", 3500, ("C", "C"))], 6 + 10 * index,
                          seed=index, reference=reference) for index in range(2)]
    broken = tmp_path / "broken.bam"
    broken.write_bytes(b"not a bam")
    paths.append(broken)
    out = tmp_path / "calls.tsv"
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys; from genoassoc.cli import main\n"
         "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
         "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules), file=sys.stderr)",
         "call", "--panel", str(panel), "--loci", "snpA,snpB", "--build", "GRCh38", "--workers", "2", "-o", str(out),
         *[arg for path in paths for arg in ("--bam", str(path))]],
        capture_output=True, text=True,
    )
    assert probe.stderr.strip().endswith("[]"), probe.stderr
    # at 6x the heterozygote is called (GQ decides), the homozygote is not yet; at 16x both are
    assert "snpA: 2 of 3 samples called" in probe.stderr and "snpB: 1 of 3 samples called" in probe.stderr
    expected = call_bams([str(path) for path in paths], read_panel(panel), BamOptions(build="GRCh38"))
    assert out.read_text() == format_table(expected)
