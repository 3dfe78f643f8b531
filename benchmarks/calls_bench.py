"""A biobank-size calls table (500 000 samples x 2 loci = 1 000 000 rows): read, validate, then hwe,
qc and assoc as whole commands; PLINK 2's --hardy on the source VCF beside hwe.

    python benchmarks/calls_bench.py [--samples 500000] [--repeats 3] [--workdir DIR]

Makes the VCF of `vcf_bench.py`, the calls table from it with `genoassoc call --vcf` (42 MB TSV) and
a phenotype table (IL-6, age, sex, survival) for the same samples. Times, whole processes, best of
the repeats, interleaved:
  - reading and validating the table (`genoassoc.calls.read_calls` in a fresh interpreter; the
    figure printed beside it is the time read_calls itself takes, without start-up and imports),
  - `genoassoc hwe`, `genoassoc qc`, `genoassoc assoc --outcome il6` on it,
  - `plink2 --vcf ... --hardy` on the source VCF (it reads the genotypes from the VCF itself).
Goals: reading and validating in at most 1 s and 250 MB; hwe, qc and assoc in at most 2 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from timing import best_interleaved, report
from vcf_bench import prepared

READ = ("import sys, time\nfrom genoassoc.calls import read_calls\nfrom genoassoc.loci import load_catalog\n"
        "catalog = load_catalog()\nstart = time.perf_counter()\ncalls = read_calls(sys.argv[1], catalog)\n"
        "print(f'{time.perf_counter() - start:.3f}', len(calls))\n")


def phenotypes(path: Path, n: int) -> None:
    rng = np.random.default_rng(1)
    il6, age = np.round(rng.lognormal(1.5, 0.6, n), 2), rng.integers(30, 85, n)
    sex, months, event = rng.choice(["F", "M"], n), np.round(rng.exponential(30, n), 1), rng.integers(0, 2, n)
    with open(path, "w") as out:
        out.write("sample\til6\tage\tsex\tos_months\tos_event\n")
        out.write("".join(f"S{i:06d}\t{il6[i]}\t{age[i]}\t{sex[i]}\t{months[i]}\t{event[i]}\n" for i in range(n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", help="keep the inputs here and reuse them on later runs")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(options.workdir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        vcf = prepared(work, options.samples)
        calls, pheno = work / f"calls_{options.samples}.tsv", work / f"pheno_{options.samples}.tsv"
        if not calls.exists():
            subprocess.run([sys.executable, "-m", "genoassoc.cli", "call", "--vcf", str(vcf), "--locus",
                            "rs1800796,rs1800795", "-o", str(calls)], check=True, stderr=subprocess.DEVNULL)
        if not pheno.exists():
            phenotypes(pheno, options.samples)
        genoassoc = [sys.executable, "-m", "genoassoc.cli"]
        commands = {
            "read": [sys.executable, "-c", READ, str(calls)],
            "hwe": [*genoassoc, "hwe", str(calls), "-o", str(work / "hwe.tsv")],
            "qc": [*genoassoc, "qc", str(calls), "-o", str(work / "qc.tsv")],
            "assoc": [*genoassoc, "assoc", str(calls), "--pheno", str(pheno), "--locus", "rs1800796", "--outcome",
                      "il6", "-o", str(work / "assoc.tsv")],
            "plink2": ["plink2", "--vcf", str(vcf), "--hardy", "--out", str(work / "plink2"), "--threads",
                       str(os.cpu_count())],
        }
        best = best_interleaved(commands, options.repeats)
        inside = subprocess.run(commands["read"], check=True, capture_output=True, text=True).stdout.split()[0]
        size = calls.stat().st_size / 1e6
    print(f"{os.cpu_count()} cores; {options.samples} samples x 2 loci ({size:.0f} MB TSV); best of "
          f"{options.repeats}, interleaved")
    print(f"{'read and validate (fresh interpreter)':<58} {best['read'].wall:7.2f} s, {best['read'].peak_mb:.0f} MB "
          f"peak; read_calls itself {float(inside):.2f} s   (goal: 1 s, 250 MB)")
    for name in ("hwe", "qc", "assoc"):
        print(f"{'genoassoc ' + name:<58} {best[name].wall:7.2f} s, {best[name].peak_mb:.0f} MB peak   (goal: 2 s)")
    print(report("hwe on the calls table vs plink2 --hardy on the VCF", best["hwe"], best["plink2"], "plink2"))


if __name__ == "__main__":
    main()
