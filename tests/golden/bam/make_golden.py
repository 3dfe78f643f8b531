"""Regenerate bcftools_calls.tsv: bcftools mpileup | call -m genotypes on simulated 30x BAMs.

The BAMs come from tests/calling/bam_simulation.py with the seeds below, so the test rebuilds the same
files. Needs bcftools (../../../../shared/tools/install-peers.sh). Run from this folder.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "calling"))

from bam_simulation import Reference, Site, simulate_bam  # noqa: E402

CONTIG, LENGTH = "sim", 40_000
POSITIONS = list(range(1_000, 39_000, 1_500))
N_SAMPLES, DEPTH = 12, 30


def design():
    """(reference, loci as (id, pos, alleles), {sample: {pos: genotype}}), deterministic."""
    import random

    reference = Reference(seed=21)
    rng = random.Random(4242)
    loci = []
    for pos in POSITIONS:
        ref = reference.base(CONTIG, pos)
        alt = rng.choice([b for b in "ACGT" if b != ref])
        loci.append((f"sim{pos}", pos, (ref, alt)))
    truth = {f"H{index:02d}": {pos: tuple(rng.choice(alleles) for _ in range(2)) for _, pos, alleles in loci}
             for index in range(N_SAMPLES)}
    return reference, loci, truth


def build_bams(folder: Path):
    reference, loci, truth = design()
    fasta = folder / "ref.fa"
    reference.write_fasta(fasta, CONTIG, LENGTH)
    paths = []
    for index, (sample, genotypes) in enumerate(truth.items()):
        sites = [Site(CONTIG, pos, genotypes[pos]) for pos in POSITIONS]
        paths.append(simulate_bam(folder / f"{sample}.bam", sample, {CONTIG: LENGTH}, sites, DEPTH, seed=500 + index,
                                  reference=reference))
    return fasta, paths, loci, truth


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        fasta, paths, loci, _ = build_bams(work)
        targets = work / "targets.tsv"
        targets.write_text("".join(f"{CONTIG}\t{pos}\n" for _, pos, _ in loci))
        mpileup = subprocess.Popen(["bcftools", "mpileup", "-f", str(fasta), "-T", str(targets), "-a", "AD,DP",
                                    "-Ou", *map(str, paths)], stdout=subprocess.PIPE)
        called = subprocess.run(["bcftools", "call", "-m", "-Ov"], stdin=mpileup.stdout, capture_output=True,
                                text=True, check=True)
        mpileup.wait()
    rows = []
    samples = []
    for line in called.stdout.splitlines():
        if line.startswith("#CHROM"):
            samples = line.split("\t")[9:]
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        pos, ref, alts = int(fields[1]), fields[3], [a for a in fields[4].split(",") if a != "."]
        alleles = [ref, *alts]
        keys = fields[8].split(":")
        for sample, value in zip(samples, fields[9:], strict=True):
            gt = dict(zip(keys, value.split(":"), strict=False))["GT"]
            if "." in gt:
                genotype = ""
            else:
                genotype = "/".join(sorted(alleles[int(i)] for i in gt.replace("|", "/").split("/")))
            rows.append(f"{sample}\tsim{pos}\t{genotype}\n")
    (HERE / "bcftools_calls.tsv").write_text("sample\tlocus\tbcftools_genotype\n" + "".join(rows))


if __name__ == "__main__":
    main()
