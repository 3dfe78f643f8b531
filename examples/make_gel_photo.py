"""Render the SYNTHETIC example gel photo (run from this folder: python make_gel_photo.py).

gel_photo.png: IL6 -572G>C (rs1800796, BsrBI) for patients P01..P18 of the example study, with their
genotypes from make_gel_sizes.py, between two GeneRuler 100 bp ladders; a transilluminator-like photo
with a slight tilt, a smile, dust and primer dimers (genoassoc.calling.gel_render). gel_photo_layout.tsv
lists its lanes.
"""

from make_gel_sizes import FRAGMENTS, patient_genotypes

from genoassoc.calling.gel_render import RenderedLane, render_gel, save_photo

LADDER = tuple(range(1000, 0, -100))


def lane(genotype: str) -> RenderedLane:
    sizes, masses = {}, {}
    for allele in genotype.split("/"):
        for size in FRAGMENTS["rs1800796"][allele]:
            masses[size] = masses.get(size, 0.0) + 60.0 * size / 296 / 2
            sizes[size] = size
    order = sorted(sizes, reverse=True)
    return RenderedLane(tuple(float(size) for size in order), tuple(masses[size] for size in order),
                        primer_dimer=True)


if __name__ == "__main__":
    genotypes = patient_genotypes()[:18]
    masses = tuple(100.0 if size == 500 else 50.0 for size in LADDER)  # the 500 bp reference band is brighter
    ladder = RenderedLane(tuple(float(size) for size in LADDER), masses)
    lanes = [ladder, *[lane(genotype) for genotype in genotypes], ladder]
    save_photo(render_gel([lanes], width=1300, tier_height=460, seed=2026, tilt_degrees=0.8, smile=4, dust=40),
               "gel_photo.png")
    with open("gel_photo_layout.tsv", "w") as out:
        out.write("lane\tsample\tlocus\n1\tladder\t\n")
        for number in range(1, 19):
            out.write(f"{number + 1}\tP{number:02d}\trs1800796\n")
        out.write("20\tladder\t\n")
