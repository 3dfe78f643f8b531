"""Regenerate the SYNTHETIC example gel run `gel_sizes.tsv` (for the assays in `assays.toml`).

30 patients: rs1800796 G/G 2, G/C 13, C/C 15 as in the osimertinib cohort, rs1800795 all G/G;
band sizes with gel sizing noise (sd 1.5%), band intensities proportional to size × molar amount.
Planted problems: a failed lane, a partial digest on each assay, an undigested lane, replicate lanes
(one pair discordant), an unexplained extra band and a primer-dimer band below the
detection floor.
"""

import random

FRAGMENTS = {
    "IL6-174-demo": {"G": [240, 60], "C": [140, 100, 60]},
    "IL6-572-demo": {"G": [165, 120], "C": [285]},
}
AMPLICON = {"IL6-174-demo": 300, "IL6-572-demo": 285}


def patient_genotypes() -> list[str]:
    """rs1800796 genotypes of P01..P30: G/G 2, G/C 13, C/C 15, as in the osimertinib cohort."""
    genotypes = ["G/G"] * 2 + ["G/C"] * 13 + ["C/C"] * 15
    random.Random(20261122).shuffle(genotypes)
    return genotypes


def lane(assay, genotype, undigested=0.0):
    first, second = genotype.split("/")
    molar = {}
    for allele in (first, second):
        for size in FRAGMENTS[assay][allele]:
            molar[size] = molar.get(size, 0) + 0.5 * (1 - undigested)
    if undigested:
        molar[AMPLICON[assay]] = molar.get(AMPLICON[assay], 0) + undigested
    bands = sorted(molar, reverse=True)
    sizes = [round(size * random.gauss(1, 0.015)) for size in bands]
    intensity = [round(size * molar[size] * random.uniform(0.85, 1.15), 1) for size in bands]
    return sizes, intensity


def main() -> None:
    random.seed(20261122)
    rows = []
    for number, genotype in enumerate(patient_genotypes(), start=1):
        sample = f"P{number:02d}"
        for assay, call in (("IL6-572-demo", genotype), ("IL6-174-demo", "G/G")):
            gel = "gel1" if assay == "IL6-572-demo" else "gel2"
            undigested = 0.0
            if sample == "P07" and assay == "IL6-174-demo":
                undigested = 0.35
            if sample == "P11" and assay == "IL6-572-demo":
                call, undigested = "G/G", 0.15
            sizes, intensity = lane(assay, call, undigested)
            if sample == "P19" and assay == "IL6-572-demo":
                sizes, intensity = [], []
            if sample == "P24" and assay == "IL6-174-demo":
                sizes, intensity = [round(300 * random.gauss(1, 0.015))], [150.0]
            if sample == "P05" and assay == "IL6-572-demo":
                sizes, intensity = sizes + [24], intensity + [9.0]
            if sample == "P27" and assay == "IL6-572-demo":
                sizes, intensity = sizes + [212], intensity + [40.0]
            rows.append((sample, assay, gel, f"{number}", sizes, intensity))
            if sample in ("P03", "P16") and assay == "IL6-572-demo":
                replicate_call = "C/C" if sample == "P16" and call != "C/C" else call
                if sample == "P16" and call == "C/C":
                    replicate_call = "G/C"
                sizes, intensity = lane(assay, replicate_call)
                rows.append((sample, assay, "gel3", f"{number}", sizes, intensity))

    with open("gel_sizes.tsv", "w") as out:
        out.write("sample\tassay\tgel\tlane\tbands\tintensity\n")
        for sample, assay, gel, lane_number, sizes, intensity in rows:
            out.write(
                f"{sample}\t{assay}\t{gel}\t{lane_number}\t{','.join(map(str, sizes))}\t"
                f"{','.join(map(str, intensity))}\n"
            )


if __name__ == "__main__":
    main()
