"""Regenerate the SYNTHETIC example study data (run from this folder: python make_study.py).

Nothing here is patient data. The numbers are drawn to resemble the studies genoassoc serves:

- phenotypes.tsv, pk_samples.tsv: an osimertinib-like NSCLC cohort of 30 patients (P01..P30, the
  samples of gel_sizes.tsv, with the same rs1800796 genotypes): age, sex, EGFR mutation, day-15
  serum IL-6 (pg/mL, higher in G carriers), trough C0 and the 0-24 h profile (ng/mL; one-compartment
  oral model at steady state, exposure rising with IL-6), OS and PFS (months; hazards higher for G
  carriers), best response.
- hcc_discovery.tsv (63) and hcc_validation.tsv (80): an atezolizumab/bevacizumab-like HCC biomarker
  cohort pair: baseline IL-6 (pg/mL), OS (months) with a higher hazard above ~18 pg/mL, ALBI grade,
  AFP, ECOG, BCLC stage, age, sex.
"""

import math
import random

from make_gel_sizes import patient_genotypes

TIMES = [0, 1, 2, 4, 6, 8, 12, 24]


def steady_state(t: float, scale: float, ka: float = 0.45, ke: float = math.log(2) / 48, tau: float = 24.0) -> float:
    """One-compartment oral absorption at steady state (superposition over the dosing interval)."""

    def accumulate(rate: float) -> float:
        return math.exp(-rate * t) / (1 - math.exp(-rate * tau))

    return scale * (accumulate(ke) - accumulate(ka)) * ka / (ka - ke) * ke * 8


def osimertinib() -> None:
    rng = random.Random(80)
    phenotypes, pk = [], []
    for number, genotype in enumerate(patient_genotypes(), start=1):
        sample = f"P{number:02d}"
        g_carrier = "G" in genotype
        age = round(rng.gauss(69, 8))
        sex = rng.choice(["F", "F", "M"])
        egfr = rng.choice(["del19", "L858R"])
        il6 = math.exp(rng.gauss(1.2 + (0.7 if g_carrier else 0.0), 0.6))
        exposure = math.exp(0.35 * (math.log(il6) - 1.5) + rng.gauss(0, 0.2))
        profile = [round(steady_state(t, 420 * exposure) * math.exp(rng.gauss(0, 0.05)), 1) for t in TIMES]
        for t, c in zip(TIMES, profile, strict=True):
            pk.append((sample, t, c))
        hazard = 0.035 * (2.6 if g_carrier else 1.0) * (1.4 if il6 > 5 else 1.0)
        os_time, censor = rng.expovariate(hazard), rng.uniform(18, 40)
        pfs_time = min(os_time, rng.expovariate(hazard * 1.8))
        response = "CR/PR" if rng.random() < (0.45 if g_carrier else 0.7) else "SD/PD"
        phenotypes.append({
            "sample": sample, "age": age, "sex": sex, "egfr": egfr, "il6_day15": round(il6, 2),
            "il6_baseline": round(il6 * math.exp(rng.gauss(0.25, 0.3)), 2), "c0": profile[0],
            "os_months": round(min(os_time, censor), 1), "os_event": int(os_time <= censor),
            "pfs_months": round(min(pfs_time, censor), 1), "pfs_event": int(pfs_time <= censor),
            "response": response,
        })
    with open("phenotypes.tsv", "w") as out:
        out.write("\t".join(phenotypes[0]) + "\n")
        for row in phenotypes:
            out.write("\t".join(str(value) for value in row.values()) + "\n")
    with open("pk_samples.tsv", "w") as out:
        out.write("sample\ttime_h\tconc\n")
        for sample, t, c in pk:
            out.write(f"{sample}\t{t}\t{c}\n")


def hcc(path: str, prefix: str, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "w") as out:
        out.write("sample\tage\tsex\til6\tos_months\tos_event\talbi_grade\tafp\tecog\tbclc\tresponse\n")
        for index in range(1, n + 1):
            il6 = math.exp(rng.gauss(2.4, 0.8))
            albi = rng.choice([1, 1, 2])
            ecog = rng.choice([0, 0, 1])
            hazard = 0.03 * (2.8 if il6 > 18.2 else 1.0) * (1.5 if albi == 2 else 1.0) * (1.3 if ecog else 1.0)
            death, censor = rng.expovariate(hazard), rng.uniform(12, 30)
            response = "CR/PR" if rng.random() < (0.15 if il6 > 18.2 else 0.35) else "SD/PD"
            out.write(f"{prefix}{index:03d}\t{round(rng.gauss(72, 8))}\t{rng.choice(['M', 'M', 'M', 'F'])}\t"
                      f"{il6:.2f}\t{min(death, censor):.1f}\t{int(death <= censor)}\t{albi}\t"
                      f"{math.exp(rng.gauss(3.5, 1.6)):.1f}\t{ecog}\t{rng.choice(['B', 'C', 'C'])}\t{response}\n")


if __name__ == "__main__":
    osimertinib()
    hcc("hcc_discovery.tsv", "D", 63, seed=63)
    hcc("hcc_validation.tsv", "V", 80, seed=80)
