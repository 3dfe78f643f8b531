"""Survival analyses as a user runs them, genoassoc against R survival / maxstat on the same TSV:

    python benchmarks/survival_bench.py [--n 100000] [--big 1000000] [--cut-n 500] [--permutations 10000]

- Table 2: `genoassoc cox --vars age,sex,ecog,il6,stage` against an Rscript that reads the same
  file, fits each variable alone and all together with coxph and writes the table (n patients);
- survival by group: `genoassoc assoc --time --event` (Kaplan-Meier medians, log-rank, Cox) against
  an Rscript doing survfit, survdiff and coxph;
- the cut-point search: `genoassoc cutpoint --permutations B` against maxstat.test(condMC, B);
- Cox on --big patients: genoassoc once (time and memory printed), then R once.

Whole processes, interleaved, best of --repeats; ratio = genoassoc / R (below 1: genoassoc faster).
Needs Rscript with survival and maxstat (../shared/tools/install-peers.sh).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import best_interleaved, report  # noqa: E402

TABLE2_R = r"""
suppressMessages(library(survival))
args <- commandArgs(TRUE)
d <- read.delim(args[1])
vars <- c("age", "sex", "ecog", "il6", "stage")
rows <- list()
for (v in vars) {
  s <- summary(coxph(as.formula(paste("Surv(time, status) ~", v)), data = d))
  rows[[v]] <- data.frame(variable = v, term = rownames(s$conf.int), hr = s$conf.int[, 1], lo = s$conf.int[, 3],
                          hi = s$conf.int[, 4], p = s$coefficients[, 5])
}
table <- do.call(rbind, rows)
s <- summary(coxph(as.formula(paste("Surv(time, status) ~", paste(vars, collapse = "+"))), data = d))
table$hr_adjusted <- s$conf.int[table$term, 1]; table$p_adjusted <- s$coefficients[table$term, 5]
write.table(table, args[2], sep = "\t", row.names = FALSE, quote = FALSE)
"""
GROUPS_R = r"""
suppressMessages(library(survival))
args <- commandArgs(TRUE)
d <- read.delim(args[1])
km <- summary(survfit(Surv(time, status) ~ stage, data = d))$table
lr <- survdiff(Surv(time, status) ~ stage, data = d)
cox <- summary(coxph(Surv(time, status) ~ stage, data = d))
write.table(km, args[2], sep = "\t", quote = FALSE)
cat(lr$chisq, cox$conf.int[, 1], file = args[2], append = TRUE)
"""
MAXSTAT_R = r"""
suppressMessages({library(survival); library(maxstat)})
args <- commandArgs(TRUE)
d <- read.delim(args[1])
set.seed(1)
m <- maxstat.test(Surv(time, status) ~ il6, data = d, smethod = "LogRank", pmethod = "condMC",
                  B = as.integer(args[2]), minprop = 0.1, maxprop = 0.9)
cat(m$estimate, m$statistic, m$p.value, "\n", file = args[3])
"""


def cohort(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.normal(65, 10, n).round(1)
    sex = rng.choice(["F", "M"], n)
    ecog = rng.integers(0, 3, n)
    il6 = np.round(np.exp(rng.normal(np.log(10), 1.2, n)), 2)
    stage = rng.choice(["I", "II", "III"], n)
    hazard = 0.02 * np.exp(0.02 * (age - 65) + 0.3 * (sex == "M") + 0.2 * ecog + 0.005 * np.minimum(il6, 200))
    event_time = rng.exponential(1 / hazard).round(1) + 0.1
    censor = rng.uniform(1, 60, n).round(1)
    return pd.DataFrame({"sample": [f"S{i}" for i in range(n)], "time": np.minimum(event_time, censor),
                         "status": (event_time <= censor).astype(int), "age": age, "sex": sex, "ecog": ecog,
                         "il6": il6, "stage": stage})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000, help="Cox on this many patients (0: skip)")
    parser.add_argument("--cut-n", type=int, default=500)
    parser.add_argument("--permutations", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    genoassoc = [sys.executable, "-m", "genoassoc.cli"]
    print(f"machine: {os.cpu_count()} cores", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, text in (("table2.R", TABLE2_R), ("groups.R", GROUPS_R), ("maxstat.R", MAXSTAT_R)):
            (work / name).write_text(text)
        cohort(options.n, 2026).to_csv(work / "cohort.tsv", sep="\t", index=False)
        cohort(options.cut_n, 2027).to_csv(work / "small.tsv", sep="\t", index=False)
        calls = work / "calls.tsv"
        data = pd.read_csv(work / "cohort.tsv", sep="\t")
        genotypes = np.where(data["stage"] == "I", "G/G", np.where(data["stage"] == "II", "G/C", "C/C"))
        pd.DataFrame({"sample": data["sample"], "locus": "rs1800796", "genotype": genotypes}).to_csv(
            calls, sep="\t", index=False)
        tasks = {
            f"Table 2, 5 variables (6 terms), n={options.n}": (
                genoassoc + ["cox", "--pheno", str(work / "cohort.tsv"), "--time", "time", "--event", "status",
                             "--vars", "age,sex,ecog,il6,stage", "-o", str(work / "ours.tsv")],
                ["Rscript", str(work / "table2.R"), str(work / "cohort.tsv"), str(work / "theirs.tsv")]),
            f"survival by 3 groups: KM medians, log-rank, Cox, n={options.n}": (
                genoassoc + ["assoc", str(calls), "--pheno", str(work / "cohort.tsv"), "--locus", "rs1800796",
                             "--time", "time", "--event", "status", "-o", str(work / "ours.tsv")],
                ["Rscript", str(work / "groups.R"), str(work / "cohort.tsv"), str(work / "theirs.tsv")]),
            f"cut-point search, n={options.cut_n}, {options.permutations} permutations": (
                genoassoc + ["cutpoint", "--pheno", str(work / "small.tsv"), "--marker", "il6", "--time", "time",
                             "--event", "status", "--permutations", str(options.permutations),
                             "-o", str(work / "ours.tsv")],
                ["Rscript", str(work / "maxstat.R"), str(work / "small.tsv"), str(options.permutations),
                 str(work / "theirs.tsv")]),
        }
        for title, (ours, theirs) in tasks.items():
            timings = best_interleaved({"genoassoc": ours, "R": theirs}, options.repeats)
            print(report(title, timings["genoassoc"], timings["R"], "R"))
        if options.big:
            cohort(options.big, 2028).to_csv(work / "big.tsv", sep="\t", index=False)
            timings = best_interleaved({
                "genoassoc": genoassoc + ["cox", "--pheno", str(work / "big.tsv"), "--time", "time", "--event",
                                          "status", "--vars", "age,sex,ecog,il6,stage", "-o", str(work / "ours.tsv")],
                "R": ["Rscript", str(work / "table2.R"), str(work / "big.tsv"), str(work / "theirs.tsv")]}, 1)
            print(report(f"Table 2 on {options.big} patients (one run)", timings["genoassoc"], timings["R"], "R")
                  + f"   peak memory {timings['genoassoc'].peak_mb:.0f} vs {timings['R'].peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
