"""An ordered response for the association test cohort (../assoc/cohort.tsv): RECIST best response
(PD < SD < PR < CR) and ECOG performance status (0-2), drawn from the cohort's own IL-6 and response so
that they relate to the data as a real chart would. Run from this folder: python make_cohort.py"""

import numpy as np
import pandas as pd

cohort = pd.read_csv("../assoc/cohort.tsv", sep="\t", dtype=str)
rng = np.random.default_rng(2026)
il6 = cohort["il6"].astype(float)
responder = cohort["response"] == "CR/PR"
best = np.where(responder, np.where(rng.random(len(cohort)) < 0.25, "CR", "PR"),
                np.where(rng.random(len(cohort)) < 0.5 + 0.04 * (il6 - il6.mean()), "PD", "SD"))
ecog = np.clip(np.round(0.3 * (il6 - il6.median()) + rng.normal(0.6, 0.7, len(cohort))), 0, 2).astype(int)
frame = pd.DataFrame({"sample": cohort["sample"], "age": cohort["age"], "sex": cohort["sex"], "recist": best,
                      "ecog": ecog.astype(str)})
frame.loc[[4, 60], "recist"] = "NA"  # two charts without a response assessment
frame.to_csv("cohort.tsv", sep="\t", index=False)
