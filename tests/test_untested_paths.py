"""Paths that had no test, each with the value its input or a peer defines: what --below-lloq puts in
place of '<x', the PK blq column, Firth's regression through assoc, Spearman's exact p (AS 89),
--format html, publication formats of every command, the output VCF read by bcftools and PLINK (kept
as goldens), .csi indexes, the plot commands' figures, gel ladders, and assays design with primers and
mismatch primers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.phenotypes import Coding, numeric

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden"
CALLS = GOLDEN / "publication" / "calls.tsv"


def ok(*args: object) -> str:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_below_lloq_rules_put_half_the_limit_the_limit_or_nothing():
    frame = pd.DataFrame({"il6": ["<1.5", "3.2", "<2", "≤0.8"]}, index=["a", "b", "c", "d"])
    expected = {"half": [0.75, 3.2, 1.0, 0.4], "lloq": [1.5, 3.2, 2.0, 0.8], "missing": [np.nan, 3.2, np.nan, np.nan]}
    for rule, values in expected.items():
        np.testing.assert_array_equal(numeric(frame, "il6", Coding(below_lloq=rule)).to_numpy(), values)


def test_the_pk_blq_column_marks_samples_below_the_limit(tmp_path):
    # a profile whose 0 h and 24 h samples are BLQ: before the first measurable value they count as 0, after
    # it as missing (the defaults); AUC0-t by the linear trapezoid over 0..12 h, by hand
    path = tmp_path / "pk.tsv"
    path.write_text("sample\ttime_h\tconc\tblq\nS1\t0\t\t1\nS1\t1\t4\t0\nS1\t4\t10\t0\nS1\t12\t2\t0\nS1\t24\t\tyes\n",
                    encoding="utf-8")
    row = json.loads(ok("pk", path, "--format", "json"))[0]
    assert row["c0"] == 0 and row["cmax"] == 10 and row["tmax"] == 4
    assert row["auc_0_t"] == pytest.approx((0 + 4) / 2 * 1 + (4 + 10) / 2 * 3 + (10 + 2) / 2 * 8)
    assert row["auc_0_24"] is None  # the profile ends at 12 h measurable: AUC0-24 is not extrapolated
    assert "AUC0-24 not computed" in row["note"]


def test_firth_regression_through_assoc_equals_logistf():
    """R logistf on tests/golden/firth_logistic/example.tsv (y ~ carrier + age), run through genoassoc assoc
    (the adjusted Firth fit of the dominant model)."""
    r = read_golden(GOLDEN / "firth_logistic" / "r_golden.tsv")
    example = pd.read_csv(GOLDEN / "firth_logistic" / "example.tsv", sep="\t", dtype=str)
    prefix = "example_carrier_age|"
    calls = pd.DataFrame({"sample": example["sample"], "locus": "rs1800796",
                          "genotype": np.where(example["carrier"] == "1", "G/C", "C/C")})
    import tempfile

    work = Path(tempfile.mkdtemp())
    calls.to_csv(work / "calls.tsv", sep="\t", index=False)
    example.to_csv(work / "pheno.tsv", sep="\t", index=False)
    rows = json.loads(ok("assoc", work / "calls.tsv", "--pheno", work / "pheno.tsv", "--locus", "rs1800796",
                         "--model", "dominant", "--effect-allele", "G", "--outcome", "y", "--covariates", "age",
                         "--firth", "--format", "json"))
    firth = next(row for row in rows if row["test"] == "Firth logistic regression" and row["term_kind"] == "genotype"
                 and row["adjustment"] == "adjusted for age")
    assert firth["estimate"] == pytest.approx(math.exp(r[prefix + "carrier|coef"]), rel=1e-5)
    assert firth["p"] == pytest.approx(r[prefix + "carrier|p"], rel=1e-4)
    assert not any(row["test"] == "logistic regression" for row in rows)


def test_spearman_exact_p_is_as89_as_r():
    """R cor.test(x, y, method = "spearman") for 9 untied pairs: exact p by AS 89 (S = 48, p = 0.0968)."""
    from genoassoc.stats.correlation import correlate

    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    y = [2, 1, 4, 3, 7, 5, 6, 9, 8]
    result = correlate(x, y, "spearman")
    # the exact p by enumerating every permutation of the ranks (what AS 89 approximates to 1e-10 for n < 10)
    from itertools import permutations

    ranks = np.array(y)
    d2 = int(((np.array(x) - ranks) ** 2).sum())
    as_extreme = sum(1 for p in permutations(range(1, 10)) if ((np.arange(1, 10) - np.array(p)) ** 2).sum() <= d2)
    exact = 2 * as_extreme / math.factorial(9)
    assert result.statistic == pytest.approx(d2, abs=1e-9) and result.exact
    assert result.p == pytest.approx(min(1.0, exact), rel=1e-10)


def test_html_format_is_a_table_with_escaped_text():
    text = ok("corr", "--pheno", EXAMPLES / "phenotypes.tsv", "--x", "il6_day15", "--y", "c0", "--format", "html")
    assert text.startswith('<table class="publication"><caption>Correlation of il6_day15 and c0</caption>')
    assert "<tfoot>" in text and "R cor.test, method = &quot;spearman&quot;" in text


@pytest.mark.parametrize("args", [
    ["hwe", CALLS],
    ["pk", EXAMPLES / "pk_samples.tsv"],
    ["corr", "--pheno", EXAMPLES / "phenotypes.tsv", "--x", "il6_day15", "--y", "c0"],
    ["paired", "--pheno", EXAMPLES / "phenotypes.tsv", "--before", "il6_baseline", "--after", "il6_day15"],
    ["cutpoint", "--pheno", EXAMPLES / "hcc_discovery.tsv", "--marker", "il6", "--time", "os_months", "--event",
     "os_event"],
    ["assoc", CALLS, "--pheno", EXAMPLES / "phenotypes.tsv", "--locus", "rs1800796", "--outcome", "c0"],
    ["assoc", CALLS, "--pheno", EXAMPLES / "phenotypes.tsv", "--locus", "rs1800796", "--outcome", "response",
     "--case-level", "CR/PR"],
])
def test_markdown_and_word_hold_the_same_table(args, tmp_path):
    from docx import Document

    from genoassoc.report.publication import _SUPERSCRIPT

    markdown = ok(*args, "--format", "markdown")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert run_cli(*args, "--format", "docx", "-o", tmp_path / "t.docx").returncode == 0
    grid = Document(str(tmp_path / "t.docx")).tables[0]
    plain = str.maketrans({value: chr(key) for key, value in _SUPERSCRIPT.items() if value != ord("q")})
    for line, row in zip(rows, grid.rows, strict=True):
        cells = [cell.strip().translate(plain).replace("\\|", "|").lstrip("\u2003*").rstrip("*")
                 for cell in line.strip().strip("|").split(" | ")]
        assert cells == [cell.text.strip() for cell in row.cells]


@pytest.fixture(scope="module")
def example_calls(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("calls")
    ok("call", "--rflp", EXAMPLES / "gel_sizes.tsv", "-o", folder / "calls.tsv")
    return folder


def test_the_output_vcf_is_what_bcftools_and_plink_read(tmp_path):
    """tests/golden/output_vcf (make_golden.sh): bcftools query and plink2 --freq read the VCF genoassoc writes;
    the file genoassoc writes today is the same, byte for byte, and says what its calls table says."""
    golden = GOLDEN / "output_vcf"
    ok("call", "--vcf", golden / "input.vcf", "--locus", "rs1800796,rs1800795", "--build", "GRCh38",
       "--output-vcf", tmp_path / "calls.vcf", "-o", tmp_path / "calls.tsv")
    assert (tmp_path / "calls.vcf").read_text() == (golden / "calls.vcf").read_text()
    calls = pd.read_csv(tmp_path / "calls.tsv", sep="\t", dtype=str, keep_default_na=False)
    queried = pd.read_csv(golden / "bcftools_query.tsv", sep="\t", names=["sample", "locus", "gt"], dtype=str)
    merged = calls.merge(queried, on=["sample", "locus"])
    assert len(merged) == len(calls) == 80
    alleles = {"rs1800796": ("G", "C"), "rs1800795": ("C", "G")}  # REF, ALT as the input VCF has them
    for _, row in merged.iterrows():
        expected = "./." if row["genotype"] == "" else "/".join(
            sorted(str(alleles[row["locus"]].index(allele)) for allele in row["genotype"].split("/")))
        assert row["gt"] == expected, row.to_dict()
    freq = pd.read_csv(golden / "plink2.afreq", sep="\t")
    for _, row in freq.iterrows():
        called = calls[(calls["locus"] == row["ID"]) & (calls["status"] == "called")]
        copies = "".join(called["genotype"].str.replace("/", ""))
        assert row["OBS_CT"] == len(copies)
        assert row["ALT_FREQS"] == pytest.approx(copies.count(row["ALT"]) / len(copies), abs=1e-6)


def test_a_csi_index_gives_the_calls_a_tbi_gives(tmp_path):
    import pysam
    vcf = tmp_path / "t.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr7,length=159345973>\n"
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\n"
                   "chr7\t22726627\trs1800796\tG\tC\t.\tPASS\t.\tGT\t0/1\t1/1\t0/0\n"
                   "chr7\t22727026\trs1800795\tC\tG\t.\tPASS\t.\tGT\t1/1\t0/1\t./.\n", encoding="utf-8")
    for kind, csi in (("tbi", False), ("csi", True)):
        folder = tmp_path / kind
        folder.mkdir()
        compressed = folder / "t.vcf.gz"
        pysam.tabix_compress(str(vcf), str(compressed))
        pysam.tabix_index(str(compressed), preset="vcf", csi=csi)
        assert (folder / f"t.vcf.gz.{kind}").exists()
    tbi = ok("call", "--vcf", tmp_path / "tbi" / "t.vcf.gz", "--build", "GRCh38")
    csi = ok("call", "--vcf", tmp_path / "csi" / "t.vcf.gz", "--build", "GRCh38")
    assert tbi == csi
    rows = pd.read_csv(pd.io.common.StringIO(csi), sep="\t", dtype=str, keep_default_na=False)
    rs796 = rows[rows["locus"] == "rs1800796"].set_index("sample")["genotype"]
    assert list(rs796) == ["G/C", "C/C", "G/G"]


def test_plot_commands_draw_what_their_inputs_say(tmp_path, example_calls):
    import html
    import re

    def svg_text(path: Path) -> str:
        return html.unescape(" ".join(re.findall(r">([^<>]+)<", path.read_text())))

    ok("plot", "scatter", "--pheno", EXAMPLES / "phenotypes.tsv", "--x", "il6_day15", "--y", "c0", "-o",
       tmp_path / "s.svg")
    corr = json.loads(ok("corr", "--pheno", EXAMPLES / "phenotypes.tsv", "--x", "il6_day15", "--y", "c0", "--format",
                         "json"))[0]
    from genoassoc.report.figures import format_p
    from genoassoc.report.publication import number

    assert f"Spearman ρ = {number(corr['estimate'])}, {format_p(corr['p'])}" in svg_text(tmp_path / "s.svg")
    ok("cutpoint", "--pheno", EXAMPLES / "hcc_discovery.tsv", "--marker", "il6", "--time", "os_months", "--event",
       "os_event", "--cuts-output", tmp_path / "cuts.tsv", "-o", tmp_path / "c.tsv")
    ok("plot", "cutpoint", tmp_path / "cuts.tsv", "--marker", "il6", "-o", tmp_path / "cut.svg")
    assert "cut 11.51" in svg_text(tmp_path / "cut.svg")
    ok("plot", "gel", example_calls / "calls.tsv", "--locus", "rs1800796", "-o", tmp_path / "gel.svg")
    text = svg_text(tmp_path / "gel.svg")
    calls = pd.read_csv(example_calls / "calls.tsv", sep="\t", dtype=str, keep_default_na=False)
    for sample in calls.loc[calls["locus"] == "rs1800796", "sample"].head(5):
        assert sample in text


def test_gel_ladders_lists_the_shipped_ladders():
    listed = pd.read_csv(pd.io.common.StringIO(ok("gel", "ladders")), sep="\t", dtype=str)
    shipped = pd.read_csv(ROOT / "reference" / "ladders.tsv", sep="\t", dtype=str, comment="#")
    assert list(listed["name"]) == list(shipped["name"])
    first = listed.iloc[0]
    assert sorted(float(size) for size in first["sizes"].split(",")) == sorted(
        float(size) for size in shipped.iloc[0]["sizes"].split(","))


def test_assays_design_with_primers_and_mismatch_primers(tmp_path):
    from test_design import SNP, background, reverse_complement

    from genoassoc.assays import read_assays
    from genoassoc.loci import load_catalog

    contig = background(2000, 5)
    contig = contig[:SNP - 1 - 8] + "GTCTTGCG" + "G" + "ATGCATCG" + contig[SNP + 8:]
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chrT\n" + contig + "\n")
    panel = tmp_path / "panel.tsv"
    panel.write_text(f"locus\tchrom\tpos\talleles\nsnpT\tchrT\t{SNP}\tG,C\n")
    forward = contig[SNP - 1 - 120:SNP - 1 - 100]
    reverse = reverse_complement(contig[SNP - 1 + 80:SNP - 1 + 100])
    out = tmp_path / "designed.toml"
    result = run_cli("assays", "design", "--locus", "snpT", "--panel", panel, "--reference", fasta, "--primers",
                     f"{forward},{reverse}", "--dcaps", "--top", "20", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "snpT: amplicon 220 bp" in result.stderr and "mismatch-primer (dCAPS) designs" in result.stderr
    assays = read_assays(out, load_catalog(panel))
    assert assays and all(assay.sizes_known for assay in assays)
    assert all(sum(assay.fragments[0]) == 220 for assay in assays if assay.derived_from_amplicon
               and "dCAPS" not in (assay.source or ""))
    bad = run_cli("assays", "design", "--locus", "snpT", "--panel", panel, "--reference", fasta, "--primers",
                  forward)
    assert bad.returncode == 2 and "--primers takes FORWARD,REVERSE" in bad.stderr
