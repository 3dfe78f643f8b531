"""Regenerate plink_model.tsv: PLINK 1.9 --model (DOM, REC, TREND chi-square) for response in the
analysed samples of cohort.tsv + calls.tsv (responders CR/PR are cases). Run from this folder."""

import csv
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
cohort = {row["sample"]: row for row in csv.DictReader(open(HERE / "cohort.tsv"), delimiter="\t")}
calls = [row for row in csv.DictReader(open(HERE / "calls.tsv"), delimiter="\t") if row["status"] == "called"]
with tempfile.TemporaryDirectory() as work:
    work = Path(work)
    with open(work / "d.ped", "w") as ped:
        for row in calls:
            if row["sample"] not in cohort:
                continue
            phenotype = 2 if cohort[row["sample"]]["response"] == "CR/PR" else 1
            first, second = row["genotype"].split("/")
            ped.write(f"{row['sample']} {row['sample']} 0 0 1 {phenotype} {first} {second}\n")
    (work / "d.map").write_text("7\trs1800796\t0\t22726627\n")
    subprocess.run(["plink1.9", "--file", work / "d", "--model", "--cell", "0", "--allow-no-sex", "--out", work / "m"],
                   check=True, capture_output=True)
    lines = (work / "m.model").read_text().splitlines()
header = lines[0].split()
with open(HERE / "plink_model.tsv", "w") as out:
    out.write("test\ta1\tchisq\tp\n")
    for line in lines[1:]:
        record = dict(zip(header, line.split(), strict=True))
        out.write(f"{record['TEST']}\t{record['A1']}\t{record['CHISQ']}\t{record['P']}\n")
