"""Regenerate the SYNTHETIC example ELISA plate (run from this folder: python make_elisa_plate.py).

A Quantikine-like IL-6 plate: a 4PL standard curve (A 0.03, B 2.9 OD, half response at 80 pg/mL),
standards 300 to 3.13 pg/mL and a zero standard (blank) in duplicate, two kit controls, and the
baseline serum IL-6 of the 30 example patients (phenotypes.tsv, il6_baseline) in duplicate, P09 diluted
1:2. The plate reader's export holds the 450 nm read and the 570 nm correction read as two 8 x 12
grids below a header, as plate readers write them (elisa_plate.csv); elisa_layout.tsv names the wells.
"""

import csv
import math
import random

STANDARDS = {"S1": 300, "S2": 150, "S3": 75, "S4": 37.5, "S5": 18.8, "S6": 9.38, "S7": 4.69, "S8": 3.13}
CONTROLS = {"ctrl_low": (8.0, "5-11"), "ctrl_high": (120.0, "90-150")}
A, B, XMID, SCAL = 0.03, 2.9, math.log(80), 0.95


def od(conc: float, rng: random.Random) -> float:
    signal = A if conc == 0 else A + (B - A) / (1 + math.exp((XMID - math.log(conc)) / SCAL))
    return signal * (1 + rng.gauss(0, 0.025)) + rng.gauss(0, 0.002)


def main() -> None:
    rng = random.Random(31)
    with open("phenotypes.tsv", encoding="utf-8") as handle:
        il6 = {row["sample"]: float(row["il6_baseline"]) for row in csv.DictReader(handle, delimiter="\t")}
    contents = [(name, "standard", conc, "", 1) for name, conc in STANDARDS.items()]
    contents += [("blank", "blank", 0.0, "", 1)]
    contents += [(name, "control", conc, expected, 1) for name, (conc, expected) in CONTROLS.items()]
    contents += [(sample, "sample", value, "", 2 if sample == "P09" else 1) for sample, value in il6.items()]
    wells, layout = {}, []
    position = 0
    for name, kind, conc, expected, dilution in contents:
        for _ in range(2):  # duplicates, down the columns
            well = "ABCDEFGH"[position % 8] + str(position // 8 + 1)
            position += 1
            wells[well] = od(conc / dilution, rng)
            nominal = f"{conc:g}" if kind == "standard" else expected
            layout.append((well, name, kind, nominal, dilution if kind == "sample" else ""))
    with open("elisa_layout.tsv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["well", "sample", "type", "conc", "dilution"])
        writer.writerows(layout)
    correction = {well: 0.04 + rng.gauss(0, 0.003) for well in wells}
    lines = [["Software Version", "3.11.19"], [], ["Plate Number", "Plate 1"], ["Reader Type:", "Synergy H1"],
             ["Read", "Absorbance Endpoint"], ["Wavelengths:", "450", "570"], []]
    for label, values in (("450", {w: v + correction[w] for w, v in wells.items()}), ("570", correction)):
        lines.append([f"Read {1 if label == '450' else 2}:{label}"])
        lines.append(["", *range(1, 13)])
        for row in "ABCDEFGH":
            cells = [f"{values[f'{row}{col}']:.3f}" if f"{row}{col}" in values else "" for col in range(1, 13)]
            lines.append([row, *cells, label])
        lines.append([])
    with open("elisa_plate.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)


if __name__ == "__main__":
    main()
