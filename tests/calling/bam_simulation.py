"""Aligned-read simulation for genotyper tests: reads placed over known SNP genotypes, base qualities
20-40 with errors drawn at the rate the quality states, written as a sorted, indexed BAM with pysam."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pysam

BASES = "ACGT"


@dataclass(frozen=True)
class Site:
    contig: str
    pos: int  # 1-based
    genotype: tuple[str, str]


class Reference:
    """A deterministic random sequence per contig, generated lazily in 1 kb blocks."""

    def __init__(self, seed: int = 11):
        self.seed = seed
        self.blocks: dict[tuple[str, int], str] = {}

    def base(self, contig: str, pos: int) -> str:
        block = (pos - 1) // 1000
        if (contig, block) not in self.blocks:
            rng = random.Random(f"{self.seed}:{contig}:{block}")
            self.blocks[(contig, block)] = "".join(rng.choice(BASES) for _ in range(1000))
        return self.blocks[(contig, block)][(pos - 1) % 1000]

    def sequence(self, contig: str, start: int, end: int) -> str:
        return "".join(self.base(contig, pos) for pos in range(start, end + 1))

    def write_fasta(self, path: Path, contig: str, length: int) -> None:
        with open(path, "w") as out:
            out.write(f">{contig}\n")
            sequence = self.sequence(contig, 1, length)
            for start in range(0, length, 60):
                out.write(sequence[start:start + 60] + "\n")
        pysam.faidx(str(path))


def simulate_bam(path: Path, sample: str, contigs: dict[str, int], sites: list[Site], depth: int, seed: int,
                 reference: Reference | None = None, read_length: int = 100, duplicates: int = 0,
                 overlapping_pairs: int = 0) -> Path:
    """`depth` reads over every site, each carrying one haplotype across all sites it covers;
    `duplicates` extra reads flagged as duplicates carry a third allele; `overlapping_pairs` mate
    pairs both covering the site (each pair should count once)."""
    rng = random.Random(seed)
    reference = reference or Reference()
    names = list(contigs)
    header = {"HD": {"VN": "1.6", "SO": "unsorted"},
              "SQ": [{"SN": name, "LN": length} for name, length in contigs.items()],
              "RG": [{"ID": "rg1", "SM": sample}]}
    counter = iter(range(1, 10**9))

    def read(site: Site, start: int, haplotype: int, allele: str | None = None, flag: int = 0,
             name: str | None = None) -> pysam.AlignedSegment:
        sequence = list(reference.sequence(site.contig, start, start + read_length - 1))
        for other in sites:
            if other.contig == site.contig and start <= other.pos < start + read_length:
                sequence[other.pos - start] = other.genotype[haplotype]
        if allele is not None:
            sequence[site.pos - start] = allele
        qualities = [rng.randint(20, 40) for _ in sequence]
        for index, quality in enumerate(qualities):
            if rng.random() < 10 ** (-quality / 10):
                sequence[index] = rng.choice([b for b in BASES if b != sequence[index]])
        segment = pysam.AlignedSegment()
        segment.query_name = name or f"{sample}_r{next(counter)}"
        segment.query_sequence = "".join(sequence)
        segment.flag = flag
        segment.reference_id = names.index(site.contig)
        segment.reference_start = start - 1
        segment.mapping_quality = 60
        segment.cigartuples = [(0, read_length)]
        segment.query_qualities = pysam.qualitystring_to_array("".join(chr(q + 33) for q in qualities))
        segment.set_tag("RG", "rg1")
        return segment

    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for site in sites:
            for _ in range(depth):
                out.write(read(site, max(1, site.pos - rng.randint(0, read_length - 1)), rng.randrange(2)))
            third = next(base for base in BASES if base not in site.genotype)
            for _ in range(duplicates):
                start = max(1, site.pos - rng.randint(0, read_length - 1))
                out.write(read(site, start, rng.randrange(2), allele=third, flag=0x400))
            for pair in range(overlapping_pairs):
                haplotype, start = rng.randrange(2), max(1, site.pos - rng.randint(40, 60))
                name = f"{sample}_pair{site.pos}_{pair}"
                first = read(site, start, haplotype, flag=0x1 | 0x2 | 0x20 | 0x40, name=name)
                second = read(site, start + 10, haplotype, flag=0x1 | 0x2 | 0x10 | 0x80, name=name)
                for mate, other, length in ((first, second, 110), (second, first, -110)):
                    mate.next_reference_id = other.reference_id
                    mate.next_reference_start = other.reference_start
                    mate.template_length = length
                out.write(first)
                out.write(second)
    pysam.sort("-o", str(path), str(unsorted))
    unsorted.unlink()
    pysam.index(str(path))
    return path
