"""Regenerate `lab/`: the SYNTHETIC example study's tables as a lab keeps them (run from this folder).

The same patients and numbers as `gel_sizes.tsv`, `pk_samples.tsv` and `phenotypes.tsv`, written the
way lab sheets arrive: an Excel-style CSV with lab headings (`Patient ID`, `SNP`, `Bands (bp)`,
`Time (h)`, `Conc (ng/mL)`), a stray band above the product on one gel lane, two missed PK draws, and
a four-level best response (CR, PR, SD, PD) beside ECOG. genoassoc reads them without edits; the
README's "Input files" section shows the commands.
"""

import numpy as np
import pandas as pd

gel = pd.read_csv("gel_sizes.tsv", sep="\t", dtype=str, keep_default_na=False)
p05 = ((gel["sample"] == "P05") & (gel["locus"] == "rs1800796")).idxmax()
gel.loc[p05, "bands"] += ",520"  # a heteroduplex or nonspecific band above the product
gel.loc[p05, "intensity"] += ",12.0" if gel.loc[p05, "intensity"] else ""
# band volumes as the imager's software exports them: without them a partial digest (P11) reads as G/C
gel.rename(columns={"sample": "Patient ID", "locus": "SNP", "gel": "Gel", "lane": "Lane",
                    "bands": "Bands (bp)", "intensity": "Band volume"}).to_csv("lab/gel_bands.csv", index=False)

pk = pd.read_csv("pk_samples.tsv", sep="\t", dtype=str, keep_default_na=False)
pk.loc[(pk["sample"] == "P03") & (pk["time_h"] == "8"), "conc"] = "missed"
pk.loc[(pk["sample"] == "P11") & (pk["time_h"] == "12"), "conc"] = "not drawn"
pk.rename(columns={"sample": "Patient", "time_h": "Time (h)", "conc": "Conc (ng/mL)"}).to_csv(
    "lab/pk_draws.csv", index=False)

pheno = pd.read_csv("phenotypes.tsv", sep="\t", dtype=str, keep_default_na=False)
rng = np.random.default_rng(7)
best = [("CR" if rng.random() < 0.3 else "PR") if response == "CR/PR" else ("SD" if rng.random() < 0.5 else "PD")
        for response in pheno["response"]]
ecog = [str(int(value)) for value in rng.choice([0, 1, 2], size=len(pheno), p=[0.4, 0.45, 0.15])]
clinical = pd.DataFrame({"Patient ID": pheno["sample"], "Age (years)": pheno["age"], "Sex": pheno["sex"],
                         "EGFR": pheno["egfr"], "IL-6 day 15 (pg/mL)": pheno["il6_day15"],
                         "Best response": best, "ECOG": ecog})
clinical.to_csv("lab/clinical.csv", index=False)
