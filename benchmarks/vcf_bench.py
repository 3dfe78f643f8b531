"""The two IL6 loci from a 500 000-sample bgzipped VCF: genoassoc vs bcftools query, whole processes.

    python benchmarks/vcf_bench.py [--samples 500000] [--records 10] [--repeats 3] [--workdir DIR]

Builds a GRCh38 VCF (chr7, GT only), bgzips and indexes it: by default a record every 10 bp around
the IL6 promoter (202 records, both loci among them); with --records N the two loci among N - 2 other
positions drawn at random within chr7:22,720,000-22,735,000 (the small file where fixed costs weigh).
Then then times, as a user runs them, `genoassoc call --vcf --locus
rs1800796,rs1800795 -o calls.tsv` (the calls table) and `bcftools query -r` of the same two
positions writing sample and genotype per line, interleaved, best of the repeats. Prints wall and
CPU seconds, the peak memory of each, and the ratio (goal: at most 1.5, aim 1.0; memory under 1 GB).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pysam
from timing import best_interleaved, report

POSITIONS = (22726627, 22727026)  # rs1800796, rs1800795 on GRCh38


def build_vcf(path: Path, n_samples: int, records: int | None = None, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    codes = np.array(["0/0", "0/1", "1/1", "./.", "0|1"])
    if records:
        others = rng.choice(np.setdiff1d(np.arange(22720000, 22735000), POSITIONS), records - 2, replace=False)
        positions = sorted({int(value) for value in others} | set(POSITIONS))
    else:
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


def prepared(work: Path, n_samples: int, records: int | None = None) -> Path:
    name = f"il6_{n_samples}" + (f"_{records}records" if records else "")
    vcf = work / f"{name}.vcf.gz"
    if vcf.exists() and Path(str(vcf) + ".tbi").exists():
        print(f"reusing {vcf}", file=sys.stderr)
        return vcf
    print(f"building a {n_samples}-sample VCF ...", file=sys.stderr)
    return build_vcf(work / f"{name}.vcf", n_samples, records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500_000)
    parser.add_argument("--records", type=int, help="records in the file (default: one every 10 bp, 202)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", help="keep the VCF here and reuse it on later runs")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(options.workdir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        vcf = prepared(work, options.samples, options.records)
        region = ",".join(f"chr7:{pos}" for pos in POSITIONS)
        best = best_interleaved({
            "genoassoc": [sys.executable, "-m", "genoassoc.cli", "call", "--vcf", str(vcf), "--locus",
                          "rs1800796,rs1800795", "-o", str(work / "calls.tsv")],
            "bcftools": f"bcftools query -r {region} -f '[%SAMPLE\\t%POS\\t%GT\\n]' {vcf} > {work / 'bcftools.txt'}",
        }, options.repeats, shell_for={"bcftools"})
        rows = sum(1 for _ in open(work / "calls.tsv")) - 1
    print(f"{os.cpu_count()} cores; best of {options.repeats}, interleaved")
    kind = f"{options.records} records" if options.records else "202 records"
    print(report(f"2 IL6 loci x {options.samples} samples, {kind} ({rows} calls)", best["genoassoc"], best["bcftools"],
                 "bcftools query -r"))
    print(f"peak memory: genoassoc {best['genoassoc'].peak_mb:.0f} MB, bcftools {best['bcftools'].peak_mb:.0f} MB "
          f"(goal: ratio at most 1.5, memory under 1 GB)")


if __name__ == "__main__":
    main()
