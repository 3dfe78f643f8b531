"""Regenerate the SYNTHETIC example gel run `gel_sizes.tsv` (run from this folder).

30 patients typed with genoassoc's built-in assays, which name the enzyme and the site allele but no
fragment sizes (none are cited): IL6 -572 (rs1800796) with BsrBI, the site on G, and IL6 -174
(rs1800795) with NlaIII, the site on C. The sizes below are INVENTED for the demonstration (an
amplicon of 285 bp cut into 165 + 120 on G; 300 bp uncut at -174); `genoassoc call` learns them from
the gels. rs1800796 genotypes G/G 2, G/C 13, C/C 15 as in the osimertinib cohort, on two gels with
different sizing bias; rs1800795 all G/G (as in that Japanese cohort), so its gel shows one pattern.
Band sizes carry gel sizing noise (sd 1.5%), intensities are proportional to size x molar amount.
Planted problems: a failed lane, a partial digest mimicking a heterozygote (caught by the
intensities), replicate lanes (one pair discordant), an unexplained extra band and a primer-dimer
band below the detection floor.
"""

import random

FRAGMENTS = {"rs1800796": {"G": [165, 120], "C": [285]}, "rs1800795": {"G": [300], "C": [180, 120]}}
AMPLICON = {"rs1800796": 285, "rs1800795": 300}
GEL_BIAS = {"gel1": 1.02, "gel2": 0.98, "gel3": 1.0, "gel4": 1.01}


def patient_genotypes() -> list[str]:
    """rs1800796 genotypes of P01..P30: G/G 2, G/C 13, C/C 15, as in the osimertinib cohort."""
    genotypes = ["G/G"] * 2 + ["G/C"] * 13 + ["C/C"] * 15
    random.Random(20261122).shuffle(genotypes)
    return genotypes


def lane(locus, genotype, gel, undigested=0.0):
    first, second = genotype.split("/")
    molar = {}
    for allele in (first, second):
        for size in FRAGMENTS[locus][allele]:
            molar[size] = molar.get(size, 0) + 0.5 * (1 - undigested)
    if undigested:
        molar[AMPLICON[locus]] = molar.get(AMPLICON[locus], 0) + undigested
    bands = sorted(molar, reverse=True)
    sizes = [round(size * GEL_BIAS[gel] * random.gauss(1, 0.015)) for size in bands]
    intensity = [round(size * molar[size] * random.uniform(0.85, 1.15), 1) for size in bands]
    return sizes, intensity


def main() -> None:
    random.seed(20261122)
    rows = []
    for number, genotype in enumerate(patient_genotypes(), start=1):
        sample = f"P{number:02d}"
        for locus, call in (("rs1800796", genotype), ("rs1800795", "G/G")):
            gel = ("gel1" if number <= 15 else "gel2") if locus == "rs1800796" else "gel3"
            undigested = 0.0
            if sample == "P11" and locus == "rs1800796":
                call, undigested = "G/G", 0.15
            sizes, intensity = lane(locus, call, gel, undigested)
            if sample == "P19" and locus == "rs1800796":
                sizes, intensity = [], []
            if sample == "P05" and locus == "rs1800796":
                sizes, intensity = sizes + [24], intensity + [9.0]
            if sample == "P27" and locus == "rs1800796":
                sizes, intensity = sizes + [212], intensity + [40.0]
            rows.append((sample, locus, gel, f"{number}", sizes, intensity))
            if sample in ("P03", "P16") and locus == "rs1800796":
                replicate_call = call
                if sample == "P16":
                    replicate_call = "G/C" if call == "C/C" else "C/C"
                sizes, intensity = lane(locus, replicate_call, "gel4")
                rows.append((sample, locus, "gel4", f"{number}", sizes, intensity))

    with open("gel_sizes.tsv", "w") as out:
        out.write("sample\tlocus\tgel\tlane\tbands\tintensity\n")
        for sample, locus, gel, lane_number, sizes, intensity in rows:
            out.write(f"{sample}\t{locus}\t{gel}\t{lane_number}\t{','.join(map(str, sizes))}\t"
                      f"{','.join(map(str, intensity))}\n")


if __name__ == "__main__":
    main()
