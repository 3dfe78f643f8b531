"""Batch BAM genotyping: genoassoc vs bcftools mpileup | bcftools call on the same simulated batch.

    python benchmarks/bam_bench.py [--samples 200] [--depth 30 | --depth 3-40] [--length 20000] [--snps 20]
                                   [--cluster] [--workers N] [--repeats 3] [--workdir DIR]

Simulates a contig (20 kb) with 20 SNPs (or --snps) (spread over it, or with --cluster 100 bp apart in its
middle, as a gene's SNPs sit in a larger genome), gives each sample random genotypes, draws reads
at the depth given (or, for a range such as 3-40, at a depth drawn per sample, as a batch of mixed
runs has)
from its two haplotypes with dwgsim, aligns them with bwa mem and sorts with samtools
(../shared/tools/install-peers.sh installs all three). Then times, as whole processes, `genoassoc call --bam-list`
and `bcftools mpileup -b | bcftools call -m` at the SNP positions, in both of bcftools' site modes
(-T streams the files, -R jumps through the index), and prints wall and CPU time ratios
(genoassoc / bcftools) and each caller's concordance with the simulated truth. CPU seconds show
the work done whatever the machine's real parallelism (a VM's vCPUs may share a core).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best_interleaved

CONTIG, READ = "sim", 100


def run(command: str) -> None:
    subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   executable="/bin/bash")


def simulate(work: Path, samples: int, depth: tuple[int, int], seed: int, length: int, cluster: bool, count: int = 20):
    rng = random.Random(seed)
    reference = [rng.choice("ACGT") for _ in range(length)]
    (work / "ref.fa").write_text(f">{CONTIG}\n" + "".join(reference) + "\n")
    run(f"bwa index {work / 'ref.fa'} && samtools faidx {work / 'ref.fa'}")
    snps = []
    # spread: every 900 bp over the contig; cluster: 100 bp apart, as a gene's SNPs in a larger genome
    layout = range(length // 2 - 1_000, length // 2 + 1_000, 100) if cluster else range(1_000, length - 1_000, 900)
    for position in layout[:count]:
        ref = reference[position - 1]
        snps.append((position, ref, rng.choice([b for b in "ACGT" if b != ref])))
    (work / "panel.tsv").write_text("locus\tchrom\tpos\talleles\n" + "".join(
        f"snp{p}\t{CONTIG}\t{p}\t{r},{a}\n" for p, r, a in snps))
    (work / "targets.tsv").write_text("".join(f"{CONTIG}\t{p}\n" for p, _, _ in snps))
    truth, bams = {}, []
    for index in range(samples):
        name = f"S{index:03d}"
        pairs = rng.randint(*depth) * length // (2 * READ) // 2
        haplotypes = [list(reference), list(reference)]
        for position, ref, alt in snps:
            alleles = [rng.choice((ref, alt)) for _ in range(2)]
            truth[(name, f"snp{position}")] = "/".join(sorted(alleles))
            for copy in (0, 1):
                haplotypes[copy][position - 1] = alleles[copy]
        reads = []
        for copy in (0, 1):
            fasta = work / f"{name}_h{copy}.fa"
            fasta.write_text(f">{CONTIG}\n" + "".join(haplotypes[copy]) + "\n")
            prefix = work / f"{name}_h{copy}"
            run(f"dwgsim -N {pairs} -1 {READ} -2 {READ} -r 0 -R 0 -X 0 -y 0 -e 0.002 -E 0.002 "
                f"-z {seed + index * 2 + copy} {fasta} {prefix}")
            reads.append(prefix)
        r1 = " ".join(f"{p}.bwa.read1.fastq.gz" for p in reads)
        r2 = " ".join(f"{p}.bwa.read2.fastq.gz" for p in reads)
        bam = work / f"{name}.bam"
        run(f"bwa mem -t 2 -R '@RG\\tID:{name}\\tSM:{name}' {work / 'ref.fa'} <(cat {r1}) <(cat {r2}) "
            f"2>/dev/null | samtools sort -o {bam} - && samtools index {bam}")
        bams.append(bam)
    (work / "bams.txt").write_text("\n".join(str(bam) for bam in bams) + "\n")
    return truth


def depth_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def concordance(calls: dict, truth: dict) -> tuple[float, float]:
    called = {key: value for key, value in calls.items() if value}
    right = sum(1 for key, value in called.items() if value == truth[key])
    return len(called) / len(truth), right / max(len(called), 1)


def prepare(work: Path, samples: int, depth: tuple[int, int], length: int, cluster: bool, snps: int) -> dict:
    """The simulated batch in `work`, made once and reused by later runs with the same folder."""
    truth_file = work / "truth.json"
    if truth_file.exists():
        print(f"reusing the batch in {work}", file=sys.stderr)
        return {tuple(key.split("|")): value for key, value in json.loads(truth_file.read_text()).items()}
    print(f"simulating {samples} BAMs at {depth[0]}-{depth[1]}x in {work} ...", file=sys.stderr)
    truth = simulate(work, samples, depth, seed=20261122, length=length, cluster=cluster, count=snps)
    truth_file.write_text(json.dumps({"|".join(key): value for key, value in truth.items()}))
    (work / "regions.tsv").write_text("".join(f"{line.split()[0]}\t{line.split()[1]}\t{line.split()[1]}\n"
                                              for line in (work / "targets.tsv").read_text().splitlines()))
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--depth", type=depth_range, default=(30, 30),
                        help="read depth, or a range (3-40) drawn per sample")
    parser.add_argument("--length", type=int, default=20_000, help="contig length (bp)")
    parser.add_argument("--snps", type=int, default=20, help="panel SNPs (at most 20)")
    parser.add_argument("--cluster", action="store_true",
                        help="the 20 SNPs 100 bp apart mid-contig instead of spread over it")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=3, help="runs per caller, interleaved; the fastest counts")
    parser.add_argument("--workdir", help="keep the simulated batch here and reuse it on later runs")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(options.workdir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        truth = prepare(work, options.samples, options.depth, options.length, options.cluster, options.snps)
        loci = ",".join(sorted({locus for _, locus in truth}))
        ours_command = [sys.executable, "-m", "genoassoc.cli", "call", "--bam-list", str(work / "bams.txt"),
                        "--panel", str(work / "panel.tsv"), "--loci", loci,
                        "--workers", str(options.workers), "-o", str(work / "ours.tsv")]
        # -T streams every read and drops those overlapping no target; -R jumps through the index.
        theirs_commands = {
            mode: f"bcftools mpileup -f {work / 'ref.fa'} {mode} {work / sites} -b {work / 'bams.txt'} -a AD,DP -Ou "
                  f"| bcftools call -m -Ov -o {work / f'theirs{mode}.vcf'}"
            for mode, sites in (("-T", "targets.tsv"), ("-R", "regions.tsv"))}
        best = best_interleaved({"genoassoc": ours_command, **theirs_commands}, options.repeats,
                                shell_for=set(theirs_commands))
        ours = {}
        for line in (work / "ours.tsv").read_text().splitlines()[1:]:
            fields = line.split("\t")
            ours[(fields[0], fields[1])] = "/".join(sorted(fields[2].split("/"))) if fields[2] else ""
        theirs = {mode: read_bcftools(work / f"theirs{mode}.vcf") for mode in theirs_commands}
    print(f"{'caller':<28} {'seconds':>8} {'CPU s':>7} {'call rate':>10} {'concordance with truth':>24}")
    rows = [("genoassoc", "genoassoc", ours)] + [(mode, f"bcftools mpileup {mode} | call", calls)
                                                  for mode, calls in theirs.items()]
    for name, label, calls in rows:
        rate, right = concordance({key: calls.get(key, "") for key in truth}, truth)
        print(f"{label:<28} {best[name].wall:>8.2f} {best[name].cpu:>7.2f} {rate:>10.4f} {right:>24.4f}")
    for mode in theirs_commands:
        print(f"ratio genoassoc / bcftools {mode}: {best['genoassoc'].wall / best[mode].wall:.2f} (wall), "
              f"{best['genoassoc'].cpu / best[mode].cpu:.2f} (CPU)")
    import pysam.config

    layout = "100 bp apart" if options.cluster else "spread"
    print(f"({options.samples} BAMs, {options.snps} SNPs {layout} on a {options.length // 1000} kb contig, "
          f"{'-'.join(map(str, sorted(set(options.depth))))}x, "
          f"{options.workers} workers on {os.cpu_count()} CPUs, "
          f"best of {options.repeats}; pysam {pysam.__version__} "
          f"{'with' if pysam.config.HAVE_LIBDEFLATE else 'without'} libdeflate)")


def read_bcftools(path: Path) -> dict:
    calls, samples = {}, []
    for line in path.read_text().splitlines():
        if line.startswith("#CHROM"):
            samples = line.split("\t")[9:]
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        alleles = [fields[3], *[a for a in fields[4].split(",") if a != "."]]
        for sample, value in zip(samples, fields[9:], strict=True):
            gt = value.split(":")[0].replace("|", "/")
            calls[(sample, f"snp{fields[1]}")] = "" if "." in gt else "/".join(
                sorted(alleles[int(i)] for i in gt.split("/")))
    return calls

if __name__ == "__main__":
    main()
