"""Write the simulated cohorts behind the power goldens with genoassoc's own generator (run from this
folder: python make_replicates.py; then Rscript make_golden.R computes R's p-values on them)."""

import pandas as pd

from genoassoc.stats.power import simulate_cohorts

SCENARIOS = {  # name: (n, maf, model, hr, event_rate, replicates, seed)
    "dominant30": (30, 0.3, "dominant", 2.0, 0.7, 150, 7),
    "recessive24": (24, 0.25, "recessive", 3.0, 0.6, 100, 11),
    "additive40": (40, 0.3, "additive", 1.5, 0.8, 80, 13),
}

if __name__ == "__main__":
    frames = []
    for name, (n, maf, model, hr, rate, replicates, seed) in SCENARIOS.items():
        cohorts = simulate_cohorts(n, maf, model, hr, rate, replicates, seed)
        for index in range(replicates):
            frames.append(pd.DataFrame({"scenario": name, "replicate": index + 1, "time": cohorts.time[index],
                                        "event": cohorts.event[index], "dosage": cohorts.dosage[index]}))
    pd.concat(frames).to_csv("replicates.tsv", sep="\t", index=False, float_format="%.17g")
