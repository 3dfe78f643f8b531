"""A 5 000-BAM batch on a local Dask cluster: throughput by number of workers.

    python benchmarks/dask_bench.py [--files 5000] [--workers 1,2,4] [--repeats 2] [--workdir DIR]

Writes small simulated BAMs (one 5 kb contig, 3 panel SNPs, 20x; the simulator of the tests, each
file its own read-group sample), then for each worker count starts a `distributed.LocalCluster`
(one process per worker, one thread each) and times the whole command a user runs against it,
`genoassoc call --bam-list files.txt --panel panel.tsv --scheduler ADDRESS`, best of the repeats.
Prints files per second per worker count, and the call rate. Throughput grows with workers up to
the machine's cores; beyond them the workers share the cores.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "calling"))

from bam_simulation import Reference, Site, simulate_bam  # noqa: E402
from timing import run_once  # noqa: E402

CONTIG, LENGTH, SITES = "sim", 5_000, (1_200, 2_500, 3_800)


def _write(work: Path, start: int, end: int) -> None:
    reference = Reference(seed=11)
    rng = random.Random(start)
    for index in range(start, end):
        sites = [Site(CONTIG, position, tuple(rng.choice("AG") for _ in range(2))) for position in SITES]
        simulate_bam(work / f"F{index:05d}.bam", f"F{index:05d}", {CONTIG: LENGTH}, sites, 20, seed=index,
                     reference=reference)


def prepare(work: Path, files: int) -> Path:
    listing = work / "files.txt"
    if listing.exists() and len(listing.read_text().splitlines()) == files:
        print(f"reusing the {files} BAMs in {work}", file=sys.stderr)
        return listing
    print(f"writing {files} BAMs in {work} ...", file=sys.stderr)
    step = -(-files // 16)
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        starts = range(0, files, step)
        list(pool.map(_write, [work] * len(starts), starts, [min(start + step, files) for start in starts]))
    (work / "panel.tsv").write_text("locus\tchrom\tpos\talleles\n" + "".join(
        f"snp{position}\t{CONTIG}\t{position}\tA,G\n" for position in SITES))
    listing.write_text("".join(f"F{index:05d}.bam\n" for index in range(files)))
    return listing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to try (comma-separated)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workdir", help="keep the BAMs here and reuse them on later runs")
    options = parser.parse_args()
    from dask.distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(options.workdir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        listing = prepare(work, options.files)
        loci = ",".join(f"snp{position}" for position in SITES)
        print(f"{'workers':>8} {'seconds':>8} {'files/s':>8} {'call rate':>10}")
        for count in (int(value) for value in options.workers.split(",")):
            with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                command = [sys.executable, "-m", "genoassoc.cli", "call", "--bam-list", str(listing), "--panel",
                           str(work / "panel.tsv"), "--locus", loci, "--scheduler", cluster.scheduler_address,
                           "-o", str(work / "calls.tsv")]
                best = min((run_once(command) for _ in range(options.repeats)), key=lambda timing: timing.wall)
            rows = (work / "calls.tsv").read_text().splitlines()[1:]
            rate = sum(row.split("\t")[3] == "called" for row in rows) / len(rows)
            print(f"{count:>8} {best.wall:>8.2f} {options.files / best.wall:>8.0f} {rate:>10.4f}")
    print(f"({options.files} BAMs of 3 SNPs at 20x; local Dask cluster, one process per worker; "
          f"{os.cpu_count()} CPUs; best of {options.repeats}; the command includes connecting to the cluster)")


if __name__ == "__main__":
    main()
