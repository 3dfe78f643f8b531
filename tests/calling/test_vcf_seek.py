"""Seeking records through BGZF blocks gives exactly what htslib's region query gives."""

from pathlib import Path

import numpy as np
import pysam
import pytest

from genoassoc.calling.vcf_seek import read_header, records_at


def big_vcf(path: Path, samples: int, positions: dict[str, list[int]], seed: int = 3, csi: bool = False) -> Path:
    rng = np.random.default_rng(seed)
    codes = np.array(["0/0", "0/1", "1/1", "./.", "0|1", "1|0"])
    with open(path, "w") as out:
        out.write("##fileformat=VCFv4.2\n")
        out.writelines(f"##contig=<ID={chrom},length=200000000>\n" for chrom in positions)
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
                  + "\t".join(f"S{i}" for i in range(samples)) + "\n")
        for chrom, places in positions.items():
            for position in places:
                alts = ["C", "T"] if position % 7 == 0 else ["C"]  # some positions twice: a split multi-allelic
                for alt in alts:
                    genotypes = codes[rng.integers(0, len(codes), samples)]
                    out.write(f"{chrom}\t{position}\t.\tG\t{alt}\t.\tPASS\t.\tGT\t" + "\t".join(genotypes) + "\n")
    pysam.tabix_index(str(path), preset="vcf", force=True, csi=csi)
    return Path(str(path) + ".gz")


def htslib(path: Path, chrom: str, position: int) -> list[str]:
    with pysam.TabixFile(str(path)) as tabix:
        return [line for line in tabix.fetch(chrom, position - 1, position)
                if int(line.split("\t", 2)[1]) == position]


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    """Records of about 20 kb in a few compressed blocks each, 10 bp apart on two contigs."""
    places = {"chr7": list(range(22_700_000, 22_704_000, 10)), "chr8": list(range(1_000, 1_500, 10))}
    return big_vcf(tmp_path_factory.mktemp("dense") / "dense.vcf", 5_000, places), places


def test_every_record_and_the_gaps_between_them(dense):
    vcf, places = dense
    chr7 = places["chr7"]
    split = next(position for position in chr7[100:] if position % 7 == 0)
    wanted = chr7[::37] + [chr7[0], chr7[-1], chr7[5] + 3, chr7[0] - 5, chr7[-1] + 5, 22_800_000, 5, split]
    found = records_at(vcf, "chr7", wanted)
    assert found is not None
    for position in wanted:
        assert found[position] == htslib(vcf, "chr7", position), position
    assert len(found[split]) == 2 and not found[chr7[5] + 3]
    other = records_at(vcf, "chr8", places["chr8"])
    assert all(other[position] == htslib(vcf, "chr8", position) for position in places["chr8"])
    assert records_at(vcf, "chr9", [5]) is None


def test_megabyte_records_spanning_many_blocks(tmp_path):
    places = {"chr7": list(range(22_726_000, 22_726_600, 10))}
    vcf = big_vcf(tmp_path / "wide.vcf", 60_000, places, seed=8)
    wanted = [22_726_000, 22_726_270, 22_726_280, 22_726_590, 22_726_595]
    found = records_at(vcf, "chr7", wanted)
    assert all(found[position] == htslib(vcf, "chr7", position) for position in wanted)
    assert len(found[22_726_280][0]) > 240_000  # several 64 kb blocks


def test_other_indexes_are_left_to_htslib(tmp_path):
    vcf = big_vcf(tmp_path / "csi.vcf", 100, {"chr7": [100, 200]}, csi=True)
    assert records_at(vcf, "chr7", [100]) is None


@pytest.mark.parametrize("samples", [3, 20_000])  # a header within one block, and one over several
def test_header_read_as_htslib_reads_it(tmp_path, samples):
    vcf = big_vcf(tmp_path / "head.vcf", samples, {"chr7": [100, 200], "chr8": [5]})
    with pysam.TabixFile(str(vcf)) as tabix:
        expected = list(tabix.header), list(tabix.contigs)
    assert read_header(vcf) == expected
    assert len(expected[0][-1]) > (65_536 if samples > 3 else 0)


def test_header_of_a_file_it_does_not_read_is_left_to_htslib(tmp_path):
    vcf = big_vcf(tmp_path / "csi.vcf", 10, {"chr7": [100]}, csi=True)
    assert read_header(vcf) is None
    cut = tmp_path / "cut.vcf.gz"  # the header's blocks end before the #CHROM line does
    cut.write_bytes(vcf.read_bytes()[:40])
    Path(str(cut) + ".tbi").write_bytes(Path(str(big_vcf(tmp_path / "t.vcf", 10, {"chr7": [1]})) + ".tbi").read_bytes())
    assert read_header(cut) is None
