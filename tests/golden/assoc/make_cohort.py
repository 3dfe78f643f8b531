"""Regenerate cohort.tsv and calls.tsv: a SYNTHETIC genotyped cohort for the association goldens.

150 patients, rs1800796 (C frequency ~0.7) with 6 no-calls; age, sex, EGFR mutation (text), IL-6
(pg/mL, log-normal, shifted by genotype), trough C0 (ng/mL) correlated with IL-6, response (CR/PR vs
SD/PD), IL-6 before/after treatment, and a rounded IL-6 (ties) for rank-test tie handling.
"""

import math
import random

rng = random.Random(1800796)
rows, calls = [], []
for index in range(150):
    sample = f"P{index + 1:03d}"
    c_copies = (rng.random() < 0.7) + (rng.random() < 0.7)
    genotype = ["G/G", "G/C", "C/C"][c_copies]
    age = round(rng.gauss(66, 9), 1)
    sex = rng.choice(["F", "M"])
    egfr = rng.choice(["del19", "del19", "L858R", "L858R", "other"])
    il6 = math.exp(rng.gauss(1.6 + 0.25 * (2 - c_copies) + 0.01 * (age - 66), 0.7))
    c0 = 180 * math.exp(0.35 * math.log(il6) + rng.gauss(0, 0.3))
    logit = -0.4 + 0.7 * (c_copies == 2) - 0.02 * (age - 66) + (0.5 if egfr == "del19" else 0)
    response = "CR/PR" if rng.random() < 1 / (1 + math.exp(-logit)) else "SD/PD"
    il6_post = il6 * math.exp(rng.gauss(-0.3, 0.5))
    missing = index in (4, 33, 61, 88, 120, 141)
    calls.append((sample, "rs1800796", "" if missing else genotype, "no_call" if missing else "called",
                  "no bands (PCR failure)" if missing else ""))
    rows.append((sample, age, sex, egfr, round(il6, 3), round(il6), round(c0, 2), response,
                 round(il6, 3), round(il6_post, 3)))
# Samples only in one table: the join must report them.
rows.append(("X001", 70.0, "M", "other", 5.1, 5, 200.0, "SD/PD", 5.1, 4.0))
calls.append(("P999", "rs1800796", "G/C", "called", ""))

with open("cohort.tsv", "w") as out:
    out.write("sample\tage\tsex\tegfr\til6\til6_rounded\tc0\tresponse\til6_pre\til6_post\n")
    for row in rows:
        out.write("\t".join(map(str, row)) + "\n")
with open("calls.tsv", "w") as out:
    out.write("sample\tlocus\tgenotype\tstatus\treason\n")
    for row in calls:
        out.write("\t".join(row) + "\n")
