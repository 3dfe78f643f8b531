"""Regenerate the SYNTHETIC example study data (run from this folder: python make_study.py).

Nothing here is patient data. The numbers are drawn to resemble the studies genoassoc serves:

- phenotypes.tsv, pk_samples.tsv: an osimertinib-like NSCLC cohort of 30 patients (P01..P30, the
  samples of gel_sizes.tsv, with the same rs1800796 genotypes): age, sex, EGFR mutation, day-15
  serum IL-6 (pg/mL, higher in G carriers), trough C0 and the 0-24 h profile (ng/mL; one-compartment
  oral model at steady state, exposure rising with IL-6), OS and PFS (months; hazards higher for G
  carriers), best response.
- il6_visits.tsv: serum IL-6 of the same patients at baseline, day 15, day 21 and at progression
  (within a year), rising faster in G carriers; pfs_cause in phenotypes.tsv: progression (1) or
  death before progression (2).
- il6_cohorts.tsv: hazard ratios of death for G carriers from five cohorts, as a meta-analysis collects them.
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
        progression = rng.expovariate(hazard * 1.8)
        pfs_time = min(os_time, progression)
        response = "CR/PR" if rng.random() < (0.45 if g_carrier else 0.7) else "SD/PD"
        phenotypes.append({
            "sample": sample, "age": age, "sex": sex, "egfr": egfr, "il6_day15": round(il6, 2),
            "il6_baseline": round(il6 * math.exp(rng.gauss(0.25, 0.3)), 2), "c0": profile[0],
            "os_months": round(min(os_time, censor), 1), "os_event": int(os_time <= censor),
            "pfs_months": round(min(pfs_time, censor), 1), "pfs_event": int(pfs_time <= censor),
            "response": response,
            # progression (1) competing with death before progression (2); 0 censored
            "pfs_cause": 0 if pfs_time > censor else (1 if progression < os_time else 2),
        })
    visits(phenotypes)
    with open("phenotypes.tsv", "w") as out:
        out.write("\t".join(phenotypes[0]) + "\n")
        for row in phenotypes:
            out.write("\t".join(str(value) for value in row.values()) + "\n")
    with open("pk_samples.tsv", "w") as out:
        out.write("sample\ttime_h\tconc\n")
        for sample, t, c in pk:
            out.write(f"{sample}\t{t}\t{c}\n")


def visits(phenotypes: list[dict]) -> None:
    """Serum IL-6 at baseline, day 15, day 21 and, for patients progressing within a year, at
    progression: rising faster in G carriers."""
    rng = random.Random(21)
    genotypes = dict(zip((row["sample"] for row in phenotypes), patient_genotypes(), strict=True))
    with open("il6_visits.tsv", "w") as out:
        out.write("sample\tday\til6\n")
        for row in phenotypes:
            slope = 0.012 if "G" in genotypes[row["sample"]] else 0.004
            days = [(0, row["il6_baseline"]), (15, row["il6_day15"])]
            days.append((21, round(row["il6_day15"] * math.exp(6 * slope + rng.gauss(0, 0.15)), 2)))
            if row["pfs_cause"] == 1 and row["pfs_months"] < 12:
                day = round(row["pfs_months"] * 30.4375)
                if day > 21:
                    days.append((day, round(row["il6_day15"] * math.exp((day - 15) * slope + rng.gauss(0, 0.2)), 2)))
            for day, value in days:
                out.write(f"{row['sample']}\t{day}\t{value}\n")


def cohorts() -> None:
    """Per-cohort hazard ratios of death for rs1800796 G carriers, as a meta-analysis would collect them
    from published tables (95% CI rounded to two decimals, as printed)."""
    rng = random.Random(5)
    with open("il6_cohorts.tsv", "w") as out:
        out.write("cohort\thr\tci_lo\tci_hi\n")
        for name, n in (("Shanghai 2019", 212), ("Osaka 2020", 148), ("Seoul 2021", 96), ("Taipei 2022", 310),
                        ("this study", 26)):
            se = 2.2 / math.sqrt(n)
            log_hr = rng.gauss(math.log(1.6), 0.25)
            out.write(f"{name}\t{math.exp(log_hr):.2f}\t{math.exp(log_hr - 1.96 * se):.2f}\t"
                      f"{math.exp(log_hr + 1.96 * se):.2f}\n")


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
    cohorts()
