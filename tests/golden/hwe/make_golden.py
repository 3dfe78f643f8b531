"""Regenerate golden.tsv: HWE p-values from PLINK 1.9 `--hardy` and PLINK 2 `--hardy midp`.

Each configuration is one SNP in a PED file of 12 000 samples; samples beyond its n are missing.
Needs plink1.9 and plink2 on PATH (../../../../shared/tools/install-peers.sh). Run from this folder:
    python make_golden.py
"""

import random
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
N_SAMPLES = 12_000

CONFIGURATIONS = [  # (hom G/G, het G/C, hom C/C)
    (2, 13, 15),  # osimertinib cohort rs1800796
    (30, 0, 0), (0, 0, 25), (1, 0, 0), (10_000, 0, 0),  # monomorphic
    (0, 10, 0), (0, 3, 0), (0, 1, 0), (0, 100, 0), (0, 2, 0),  # all heterozygous
    (1, 1, 0), (1, 0, 1), (0, 2, 1), (1, 1, 1), (2, 0, 1), (0, 0, 3), (1, 2, 0), (0, 1, 1),  # n <= 3
    (10, 10, 0), (0, 10, 10), (20, 0, 5), (5, 0, 20), (40, 2, 0), (0, 1, 40),  # a class empty
    (3600, 4800, 1600), (9000, 990, 10), (5000, 4000, 1200), (2500, 5000, 2500),  # n >= 10 000
    (8100, 1700, 200), (9990, 10, 0), (6000, 3000, 1100),
    (57, 25, 18), (14, 54, 32), (50, 40, 10), (181, 6, 1), (3, 7, 30), (98, 2, 0),
    (233, 480, 287), (12, 3, 5), (7, 16, 2),
]
rng = random.Random(1800796)
while len(CONFIGURATIONS) < 64:
    n = rng.choice([rng.randint(4, 60), rng.randint(61, 3000)])
    q = rng.uniform(0.01, 0.6)
    inbreeding = rng.uniform(-0.3, 0.4)
    genotypes = [0, 0, 0]
    for _ in range(n):
        if rng.random() < inbreeding:
            genotypes[2 if rng.random() < q else 0] += 1
        else:
            genotypes[(rng.random() < q) + (rng.random() < q)] += 1
    CONFIGURATIONS.append(tuple(genotypes))

CODES = ["G G", "G C", "C C"]


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        columns = []
        for hom1, het, hom2 in CONFIGURATIONS:
            column = ["G G"] * hom1 + ["G C"] * het + ["C C"] * hom2
            column += ["0 0"] * (N_SAMPLES - len(column))
            columns.append(column)
        with open(work / "cfg.ped", "w") as ped:
            for index in range(N_SAMPLES):
                genotypes = " ".join(column[index] for column in columns)
                ped.write(f"F{index} I{index} 0 0 1 -9 {genotypes}\n")
        with open(work / "cfg.map", "w") as map_file:
            for index in range(len(CONFIGURATIONS)):
                map_file.write(f"7\tsnp{index}\t0\t{1000 + index}\n")
        subprocess.run(["plink1.9", "--file", work / "cfg", "--make-bed", "--out", work / "cfg",
                        "--allow-no-sex", "--keep-allele-order"], check=True, capture_output=True)
        subprocess.run(["plink1.9", "--bfile", work / "cfg", "--hardy", "--allow-no-sex",
                        "--out", work / "p19"], check=True, capture_output=True)
        subprocess.run(["plink2", "--bfile", work / "cfg", "--hardy", "--out", work / "p2"],
                       check=True, capture_output=True)
        subprocess.run(["plink2", "--bfile", work / "cfg", "--hardy", "midp", "--out", work / "p2midp"],
                       check=True, capture_output=True)
        p19 = {}
        for line in (work / "p19.hwe").read_text().splitlines()[1:]:
            fields = line.split()
            p19[fields[1]] = fields[8]
        p2 = {}
        for name in ("p2", "p2midp"):
            lines = (work / f"{name}.hardy").read_text().splitlines()
            header = lines[0].lstrip("#").split()
            for line in lines[1:]:
                record = dict(zip(header, line.split(), strict=True))
                p2.setdefault(record["ID"], {})[name] = record.get("MIDP", record.get("P"))
    with open(HERE / "golden.tsv", "w") as out:
        out.write("hom1\thet\thom2\tplink19_p\tplink2_p\tplink2_midp\n")
        for index, (hom1, het, hom2) in enumerate(CONFIGURATIONS):
            snp = f"snp{index}"
            out.write(f"{hom1}\t{het}\t{hom2}\t{p19[snp]}\t{p2[snp]['p2']}\t{p2[snp]['p2midp']}\n")


if __name__ == "__main__":
    main()
