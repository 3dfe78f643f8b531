"""VCF calling: REF/ALT order, contig names, builds, multi-allelic, missing and phased genotypes."""

from pathlib import Path

import pysam
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genoassoc.calling.vcf import call_vcf
from genoassoc.errors import InputError
from genoassoc.loci import detect_build, load_catalog

CHR7 = {"GRCh37": 159138663, "GRCh38": 159345973}


def write_vcf(path: Path, records: list[str], samples: list[str], contig="chr7", build="GRCh38",
              lengths=True, reference=None, compress=True) -> Path:
    header = ["##fileformat=VCFv4.2"]
    if reference:
        header.append(f"##reference={reference}")
    header.append(f"##contig=<ID={contig},length={CHR7[build]}>" if lengths else f"##contig=<ID={contig}>")
    header += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
               '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
               '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
               '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allele depths">',
               "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])]
    text = "\n".join(header + [record.replace(" ", "\t") for record in records]) + "\n"
    plain = path.with_suffix(".vcf")
    plain.write_text(text)
    if not compress:
        return plain
    pysam.tabix_index(str(plain), preset="vcf", force=True)
    return Path(str(plain) + ".gz")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_grch38_ref_alt_swapped_phased_and_missing(tmp_path, catalog):
    vcf = write_vcf(tmp_path / "a", [
        "chr7 22726627 rs1800796 G C . PASS . GT 0|1 1/1 0/0 0/1",
        # GRCh38 REF is C at rs1800795: the catalog order is G, C.
        "chr7 22727026 rs1800795 C G . PASS . GT:GQ:DP:AD 0/0:40:20:20,0 0/1:35:18:9,9 1|1:50:22:0,22 ./.:.:.:.",
    ], ["S1", "S2", "S3", "S4"])
    loci = [catalog.resolve(name) for name in ("rs1800795", "rs1800796", "rs1800797")]
    calls = call_vcf(vcf, loci)
    at = calls.set_index(["sample", "locus"])
    assert at.loc[("S1", "rs1800795"), "genotype"] == "C/C"
    assert at.loc[("S2", "rs1800795"), "genotype"] == "G/C"
    assert at.loc[("S3", "rs1800795"), ["genotype", "phased"]].tolist() == ["G/G", "yes"]
    assert at.loc[("S4", "rs1800795"), ["status", "reason"]].tolist() == ["no_call", "missing genotype"]
    assert at.loc[("S2", "rs1800795"), ["gq", "dp", "ad"]].tolist() == ["35", "18", "9,9"]
    assert at.loc[("S1", "rs1800795"), "ad"] == "0,20"  # catalog order G,C: G=0, C=20
    assert at.loc[("S2", "rs1800796"), "genotype"] == "C/C"
    assert at.loc[("S1", "rs1800796"), "phased"] == "yes"
    missing = calls[calls["locus"] == "rs1800797"]
    assert len(missing) == 4 and set(missing["reason"]) == {"locus not in file"}
    assert set(calls["source"]) == {"vcf"} and calls.attrs["build"] == "GRCh38"
    assert calls.attrs["vcf_records"]["rs1800795"] == {
        "file": "a.vcf.gz", "build": "GRCh38", "chrom": "chr7", "pos": 22727026, "ref": "C", "alt": "G"}


def test_grch37_with_bare_contig_names(tmp_path, catalog):
    vcf = write_vcf(tmp_path / "b", ["7 22766246 . G C . PASS . GT 0/1 1/1"], ["A", "B"], contig="7", build="GRCh37")
    calls = call_vcf(vcf, [catalog.resolve("rs1800796")])
    assert calls["genotype"].tolist() == ["G/C", "C/C"]
    record = calls.attrs["vcf_records"]["rs1800796"]
    assert (record["chrom"], record["pos"], record["build"]) == ("7", 22766246, "GRCh37")


def test_multiallelic_and_split_records(tmp_path, catalog):
    vcf = write_vcf(tmp_path / "c", ["chr7 22727026 . C G,T . PASS . GT 0/2 1/1 0/1"], ["A", "B", "C"])
    calls = call_vcf(vcf, [catalog.resolve("rs1800795")])
    assert calls["reason"].tolist()[0] == "allele T outside G/C"
    assert calls["genotype"].tolist()[1:] == ["G/G", "G/C"]
    split = write_vcf(tmp_path / "d", ["chr7 22727026 . C G . PASS . GT 0/1 ./. 0/0",
                                       "chr7 22727026 . C T . PASS . GT ./. 0/1 0/0"], ["A", "B", "C"])
    calls = call_vcf(split, [catalog.resolve("rs1800795")])
    assert calls["genotype"].tolist()[0] == "G/C"
    assert calls["reason"].tolist()[1] == "allele T outside G/C"


def test_plain_unindexed_vcf_and_sample_subset(tmp_path, catalog):
    vcf = write_vcf(tmp_path / "e", ["chr7 22727026 . C G . PASS . GT 0/1 1/1 0/0"], ["A", "B", "C"],
                    compress=False)
    calls = call_vcf(vcf, [catalog.resolve("rs1800795")], samples=["C", "A"])
    assert calls["sample"].tolist() == ["C", "A"] and calls["genotype"].tolist() == ["C/C", "G/C"]
    with pytest.raises(InputError, match="sample Z not in the file"):
        call_vcf(vcf, [catalog.resolve("rs1800795")], samples=["Z"])


def test_build_detection(tmp_path, catalog):
    assert detect_build({"chr7": 159345973}) == "GRCh38"
    assert detect_build({"7": 159138663}) == "GRCh37"
    assert detect_build({}, ["##reference=file:///refs/hg19.fa"]) == "GRCh37"
    unknown = write_vcf(tmp_path / "f", ["chr7 22727026 . C G . PASS . GT 0/1"], ["A"], lengths=False)
    with pytest.raises(InputError, match="give --build"):
        call_vcf(unknown, [catalog.resolve("rs1800795")])
    assert call_vcf(unknown, [catalog.resolve("rs1800795")], build="GRCh38")["genotype"].tolist() == ["G/C"]
    named = write_vcf(tmp_path / "g", ["chr7 22727026 . C G . PASS . GT 1/1"], ["A"], lengths=False,
                      reference="GRCh38_full_analysis_set.fa")
    assert call_vcf(named, [catalog.resolve("rs1800795")]).attrs["build"] == "GRCh38"


def test_unreadable_file_is_an_input_error(tmp_path, catalog):
    bad = tmp_path / "bad.vcf"
    bad.write_text("not a vcf\n")
    with pytest.raises(InputError, match="not a readable VCF"):
        call_vcf(bad, [catalog.resolve("rs1800795")])


def test_header_without_lengths_names_build_not_unreadable(tmp_path, catalog):
    unknown = write_vcf(tmp_path / "h", ["chr7 22727026 . C G . PASS . GT 0/1"], ["A"], lengths=False)
    with pytest.raises(InputError) as raised:
        call_vcf(unknown, [catalog.resolve("rs1800795")])
    assert "give --build GRCh37 or GRCh38" in str(raised.value) and "not a readable" not in str(raised.value)


def test_panel_without_build_needs_no_build_detection(tmp_path, catalog):
    panel = tmp_path / "panel.tsv"
    panel.write_text("locus\tchrom\tpos\talleles\nphage_1\tlambda\t120\tA/G\n")
    vcf = write_vcf(tmp_path / "p", ["lambda 120 . A G . PASS . GT:DP 0/1:9 1/1:12"], ["A", "B"],
                    contig="lambda", lengths=False)
    panel_catalog = load_catalog(panel)
    loci = [panel_catalog.resolve("phage_1"), catalog.resolve("rs1800796")]
    calls = call_vcf(vcf, [loci[0]])
    assert calls["genotype"].tolist() == ["A/G", "G/G"] and calls["dp"].tolist() == ["9", "12"]
    assert calls.attrs["build"] is None
    # a catalog locus that needs a build the header cannot tell is a no-call naming --build
    both = call_vcf(vcf, loci)
    other = both[both["locus"] == "rs1800796"]
    assert set(other["status"]) == {"no_call"} and "give --build" in other["reason"].iloc[0]


def test_gt_bytes_with_other_fields_haploid_and_long(tmp_path, catalog):
    vcf = write_vcf(tmp_path / "q", [
        "chr7 22727026 . C G . PASS . GT:GQ:DP:AD 0/1:35:18:9,9 1 ./.:.:.:. 0/1/1/1/0/1:5:3:1,2 1|0:60:30:15,15 "
        "1/1:.:7",
    ], ["A", "B", "C", "D", "E", "F"])
    calls = call_vcf(vcf, [catalog.resolve("rs1800795")])
    assert calls["genotype"].tolist() == ["G/C", "", "", "", "G/C", "G/G"]
    assert calls["reason"].tolist() == ["", "not a diploid genotype", "missing genotype", "not a diploid genotype",
                                        "", ""]
    assert calls["phased"].tolist() == ["no", "", "", "", "yes", "no"]
    assert calls["gq"].tolist() == ["35", "", "", "5", "60", ""]
    assert calls["dp"].tolist() == ["18", "", "", "3", "30", "7"]
    assert calls["ad"].tolist() == ["9,9", "", "", "2,1", "15,15", ""]


@pytest.mark.parametrize("records, samples", [
    (["chr7 22727026 rs1800795 C G . PASS . GT 0/1 1/1 0/0 ./."], None),
    (["chr7 22727026 rs1800795 C G . PASS . GT:GQ:DP:AD 0/1:35:18:9,9 1|1:50:22:0,22 0/0 ./.:.:.:."], ["D", "B"]),
    (["chr7 22726627 . G C . PASS . GT 0|0 0|1 1|0 .",
      "chr7 22727026 . C G . PASS . GT:DP 0/1:3 ./.:4 0/0:5 1/1:6",
      "chr7 22727026 . C T . PASS . GT:AD ./.:1,1 0/1:2,3 1/1:0,9 0/0:4,0"], None),
])
def test_tsv_writer_equals_the_table_writer(tmp_path, catalog, records, samples):
    from genoassoc.calling.vcf import read_vcf_calls
    from genoassoc.io.tables import format_table

    vcf = write_vcf(tmp_path / "w", records, ["A", "B", "Ünïcode C", "D"])
    loci = [catalog.resolve(name) for name in ("rs1800795", "rs1800796", "rs1800797")]
    read = read_vcf_calls(vcf, loci, samples=samples)
    assert read.tsv() == format_table(read.frame())
    called = read.frame().assign(c=lambda t: t["status"] == "called")
    done_per_locus = called.groupby("locus", sort=False, observed=True)["c"].sum()
    assert read.counts() == {locus: (int(done), len(samples or "ABCD")) for locus, done in done_per_locus.items()}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["0/0", "0/1", "1|0", "./.", ".", "1", "", "0/10", "2/1", "0:1", "A/T", "0/1/1",
                                 "12/3", "0/12345", "0/1234567"]), min_size=1, max_size=40))
def test_gt_codes_equal_a_plain_reading(texts):
    """Short calls take the symbol path, long or foreign ones the key path or none: the same texts."""
    import numpy as np

    from genoassoc.calling.vcf_table import _gt_codes

    line = "\t".join(texts).encode()
    data = np.frombuffer(line, dtype=np.uint8)
    tabs = np.flatnonzero(data == 9)
    starts, ends = np.append(0, tabs + 1), np.append(tabs, len(data))
    packed = _gt_codes(data, starts, ends)
    if max(map(len, texts)) > 7:
        assert packed is None
        return
    codes, distinct = packed
    assert [distinct[code] for code in codes] == texts
    assert len(set(distinct)) == len(distinct)
