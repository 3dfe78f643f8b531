"""Time genoassoc's Cox, log-rank and cut-point search against R survival / maxstat on the same data.

    python benchmarks/survival_bench.py [--n 100000] [--cut-n 500] [--permutations 10000]

Needs Rscript with the survival and maxstat packages (../shared/tools/install-peers.sh). Each side is
timed on its computation after reading the same TSV (best of --repeats); the ratio is
genoassoc time / R time (below 1: genoassoc faster).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from genoassoc.stats import cutpoint, survival

R_SCRIPT = r"""
suppressMessages({library(survival); library(maxstat)})
args <- commandArgs(TRUE)
d <- read.delim(args[1]); cutd <- read.delim(args[2]); B <- as.integer(args[3]); repeats <- as.integer(args[4])
best <- function(expr) min(replicate(repeats, system.time(eval(expr))["elapsed"]))
cat("cox", best(quote(coxph(Surv(time, status) ~ group + age, data = d, ties = "efron"))), "\n")
cat("logrank", best(quote(survdiff(Surv(time, status) ~ group, data = d))), "\n")
set.seed(1)
cat("maxstat", best(quote(maxstat.test(Surv(time, status) ~ marker, data = cutd, smethod = "LogRank",
                                       pmethod = "condMC", B = B))), "\n")
"""


def best_of(repeats: int, function) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--cut-n", type=int, default=500)
    parser.add_argument("--permutations", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    rng = np.random.default_rng(2026)
    n = options.n
    group = rng.integers(0, 3, n)
    age = rng.normal(65, 10, n).round(1)
    hazard = 0.02 * np.exp(0.3 * group + 0.02 * (age - 65))
    event_time = rng.exponential(1 / hazard).round(1) + 0.1
    censor = rng.uniform(0, 120, n).round(1) + 0.1
    data = pd.DataFrame({"time": np.minimum(event_time, censor), "status": (event_time <= censor).astype(int),
                         "group": group, "age": age})
    m = options.cut_n
    marker = rng.lognormal(2, 0.8, m).round(2)
    cut_hazard = 0.03 * np.where(marker > 12, 2.0, 1.0)
    cut_time = rng.exponential(1 / cut_hazard).round(1) + 0.1
    cut_censor = rng.uniform(0, 60, m).round(1) + 0.1
    cut_data = pd.DataFrame({"time": np.minimum(cut_time, cut_censor), "status": (cut_time <= cut_censor).astype(int),
                             "marker": marker})
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        data.to_csv(work / "d.tsv", sep="\t", index=False)
        cut_data.to_csv(work / "c.tsv", sep="\t", index=False)
        (work / "bench.R").write_text(R_SCRIPT)
        completed = subprocess.run(["Rscript", str(work / "bench.R"), str(work / "d.tsv"), str(work / "c.tsv"),
                                    str(options.permutations), str(options.repeats)],
                                   capture_output=True, text=True, check=True)
    r_times = {line.split()[0]: float(line.split()[1]) for line in completed.stdout.splitlines() if line.strip()}
    design = data[["group", "age"]].astype(float)
    ours = {
        "cox": best_of(options.repeats, lambda: survival.cox(data["time"], data["status"], design)),
        "logrank": best_of(options.repeats, lambda: survival.logrank(data["time"], data["status"], data["group"])),
        "maxstat": best_of(options.repeats, lambda: cutpoint.maxstat(cut_data["marker"], cut_data["time"],
                                                                     cut_data["status"],
                                                                     permutations=options.permutations)),
    }
    labels = {"cox": f"Cox, Efron ties, 2 covariates, n={n}", "logrank": f"log-rank, 3 groups, n={n}",
              "maxstat": f"cut-point search, n={m}, {options.permutations} permutations"}
    print(f"{'task':<55} {'genoassoc s':>12} {'R s':>10} {'ratio':>8}")
    for key, label in labels.items():
        print(f"{label:<55} {ours[key]:>12.3f} {r_times[key]:>10.3f} {ours[key] / r_times[key]:>8.2f}")


if __name__ == "__main__":
    main()
