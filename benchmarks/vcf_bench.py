"""Extract the two IL6 loci for every sample of a large bgzipped VCF: genoassoc vs bcftools query.

    python benchmarks/vcf_bench.py [--samples 500000] [--repeats 3]

Builds a GRCh38 VCF (chr7, a few hundred records around the IL6 promoter, both loci among them),
bgzips and indexes it, then times whole processes: `genoassoc call --vcf` writing the calls table and
`bcftools query -r` writing sample/genotype lines for the same two positions. Prints the ratio
(genoassoc / bcftools; the target is at most 2).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pysam

POSITIONS = (22726627, 22727026)  # rs1800796, rs1800795 on GRCh38


def build_vcf(path: Path, n_samples: int, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    codes = np.array(["0/0", "0/1", "1/1", "./.", "0|1"])
    positions = sorted(set(range(22726000, 22728000, 10)) | set(POSITIONS))
    with open(path, "w") as out:
        out.write("##fileformat=VCFv4.2\n##contig=<ID=chr7,length=159345973>\n")
        out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t")
        out.write("\t".join(f"S{i:06d}" for i in range(n_samples)) + "\n")
        for pos in positions:
            ref, alt = ("C", "G") if pos == 22727026 else ("G", "C")
            genotypes = codes[rng.choice(5, n_samples, p=[0.45, 0.35, 0.15, 0.02, 0.03])]
            out.write(f"chr7\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t.\tGT\t" + "\t".join(genotypes) + "\n")
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return Path(str(path) + ".gz")


def best_of(repeats: int, command: list[str], stdout) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=stdout, stderr=subprocess.DEVNULL)
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        print(f"building a {options.samples}-sample VCF ...", file=sys.stderr)
        vcf = build_vcf(work / "big.vcf", options.samples)
        ours = best_of(options.repeats, [sys.executable, "-m", "genoassoc.cli", "call", "--vcf", str(vcf),
                                         "--loci", "rs1800796,rs1800795", "-o", str(work / "calls.tsv")], None)
        region = ",".join(f"chr7:{pos}" for pos in POSITIONS)
        with open(work / "bcftools.txt", "w") as sink:
            theirs = best_of(options.repeats, ["bcftools", "query", "-r", region, "-f", "[%SAMPLE\t%GT\n]", str(vcf)],
                             sink)
        rows = sum(1 for _ in open(work / "calls.tsv")) - 1
    print(f"{'task':<60} {'genoassoc s':>12} {'bcftools s':>11} {'ratio':>7}")
    print(f"{f'2 loci x {options.samples} samples ({rows} calls), whole process':<60} {ours:>12.2f} {theirs:>11.2f} "
          f"{ours / theirs:>7.2f}")


if __name__ == "__main__":
    main()
