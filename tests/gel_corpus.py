"""Scoring the photo reader on the corpus of real gel photos (tests/data/gel_photos/corpus): what a reader of
each photo marked by hand (corpus.tsv: well rows per tier, lane centres, ladder lanes) and GelGenie's
hand-edited band maps (bands.tsv) against what `genoassoc.calling.gel_image.read_gel` finds.

- wells: a tier's found well row within `WELL_SLACK` px of the marked one (tiers whose wells the photo
  shows);
- lanes: marked lane centres with a found lane within a quarter of the lane pitch;
- bands: marked bands (in the marked lanes) with a found band in the same lane within the band's
  extent (and `BAND_SLACK` px), and found bands that lie in no marked band (false bands);
- sizes: on the photos of a known ladder run in several lanes, the bands read in the lanes that hold
  the ladder besides the ladder lane (`sized_lanes`) against the ladder's sizes (the share within 5%).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from genoassoc.calling import gel_image
from genoassoc.errors import InputError

CORPUS = Path(__file__).resolve().parent / "data" / "gel_photos" / "corpus"
WELL_SLACK = 15.0
BAND_SLACK = 4.0


@dataclass
class Score:
    photo: str
    problem: str = ""
    polarity: bool = False  # bands read as bright or dark as marked
    wells: list[bool] = field(default_factory=list)
    lanes: list[bool] = field(default_factory=list)
    bands_found: int = 0
    bands_marked: int = 0
    false_bands: int = 0
    sized: int = 0
    sized_within_5: int = 0

    @property
    def lane_share(self) -> float:
        return sum(self.lanes) / len(self.lanes) if self.lanes else 0.0

    @property
    def band_share(self) -> float:
        return self.bands_found / self.bands_marked if self.bands_marked else math.nan


def corpus() -> pd.DataFrame:
    return pd.read_csv(CORPUS / "corpus.tsv", sep="\t", dtype=str, keep_default_na=False)


@functools.cache
def marked_bands() -> pd.DataFrame:
    """GelGenie's band maps (bands.tsv) and the bands marked by hand on the photos without a map
    (bands_hand.tsv)."""
    return pd.concat([pd.read_csv(CORPUS / name, sep="\t") for name in ("bands.tsv", "bands_hand.tsv")],
                     ignore_index=True)


def layout_of(rows: pd.DataFrame) -> pd.DataFrame:
    records = []
    for _, row in rows.iterrows():
        ladders = {int(value) for value in row["ladder_lanes"].split(",") if value}
        for lane in range(1, int(row["lanes"]) + 1):
            records.append({"tier": int(row["tier"]), "lane": lane,
                            "sample": "ladder" if lane in ladders else f"T{row['tier']}L{lane}",
                            "locus": "" if lane in ladders else "rs1800796"})
    layout = pd.DataFrame(records)
    layout.attrs["key"] = "locus"
    return layout


def marked_lanes(row: pd.Series) -> np.ndarray:
    count = int(row["lanes"])
    return np.linspace(float(row["first_x"]), float(row["last_x"]), count)


def marked_overrides(photo: str) -> gel_image.Overrides:
    """What a user would give for the photo (--wells-row, --lanes, --bands, --crop): the marked well rows
    (the photo's top where the wells are above it), the first and last lane, whether the bands are bright,
    and the gel's box where the photo shows much besides the gel."""
    rows = corpus()
    rows = rows[rows["photo"] == photo]
    box = tuple(int(value) for value in rows["crop"].iloc[0].split(",")) if rows["crop"].iloc[0] else None
    top = float(box[1]) if box else 0.0
    wells = tuple((float(row["well_y_first"]) + float(row["well_y_last"])) / 2 if row["well_y_first"] else top
                  for _, row in rows.iterrows())
    lanes = tuple((float(row["first_x"]), float(row["last_x"])) for _, row in rows.iterrows())
    return gel_image.Overrides(wells, lanes, box, rows["bands"].iloc[0])


def score_photo(photo: str, overrides: gel_image.Overrides | None = None
                ) -> tuple[Score, gel_image.GelReading | None]:
    rows = corpus()
    rows = rows[rows["photo"] == photo]
    ladder_name = rows["ladder"].iloc[0]
    ladder = gel_image.ladder(ladder_name) if ladder_name else None
    score = Score(photo)
    dark = rows["bands"].iloc[0] == "dark"
    try:
        reading = gel_image.read_gel(CORPUS / photo, layout_of(rows), ladder,
                                     overrides=overrides or gel_image.NO_OVERRIDES)
    except InputError as err:
        score.problem = err.problem
        for _, row in rows.iterrows():
            score.lanes += [False] * int(row["lanes"])
            score.wells += [False] if row["well_y_first"] else []
        bands = marked_bands()
        score.bands_marked = int((bands["photo"] == photo).sum())
        found = getattr(err, "reading", None)
        score.polarity = found is not None and found.inverted == dark
        return score, found
    score.polarity = reading.inverted == dark
    found_lanes = {(lane.tier, lane.lane): lane for lane in reading.lanes}
    bands = marked_bands()
    bands = bands[bands["photo"] == photo]
    for _, row in rows.iterrows():
        tier = int(row["tier"])
        centres = marked_lanes(row)
        pitch = (centres[-1] - centres[0]) / max(len(centres) - 1, 1) if len(centres) > 1 else 100.0
        # the marked points in the straightened image the reader worked on
        well_y = (float(row["well_y_first"]) + float(row["well_y_last"])) / 2 if row["well_y_first"] else math.nan
        if row["well_y_first"]:
            first = reading.from_photo(centres[0], float(row["well_y_first"]))[0]
            last = reading.from_photo(centres[-1], float(row["well_y_last"]))[0]
            found = reading.wells.get(tier, math.nan)
            score.wells.append(abs(found - (first[1] + last[1]) / 2) <= WELL_SLACK)
        at_y = well_y if row["well_y_first"] else float(np.median(bands["y"])) if len(bands) else 0.0
        straight = reading.from_photo(centres, np.full(len(centres), at_y))
        for lane_number, (x, _) in enumerate(straight, start=1):
            lane = found_lanes.get((tier, lane_number))
            score.lanes.append(lane is not None and abs(lane.x - x) <= pitch / 4)
        # bands of this tier: between its well row (or the photo's top) and the next tier's
        tops = rows["well_y_first"].replace("", "0").astype(float).tolist()
        index = rows.index.get_loc(row.name)
        low = tops[index] if row["well_y_first"] else -1e9
        high = tops[index + 1] if index + 1 < len(tops) and tops[index + 1] else 1e9
        mine = bands[(bands["y"] > low) & (bands["y"] < high) & (bands["x"] > centres[0] - pitch / 2)
                     & (bands["x"] < centres[-1] + pitch / 2)]
        if len(mine):
            points = reading.from_photo(mine["x"].to_numpy(), mine["y"].to_numpy())
            extent = reading.from_photo(mine["x"].to_numpy(), mine["top"].to_numpy())[:, 1]
            halves = np.maximum(points[:, 1] - extent, 2.0) + BAND_SLACK
        else:
            points, halves = np.zeros((0, 2)), np.zeros(0)
        numbers = [int(np.argmin(np.abs(straight[:, 0] - x))) + 1 for x in points[:, 0]]
        for (_, y), half, number in zip(points, halves, numbers, strict=True):
            score.bands_marked += 1
            if any(abs(peak - y) <= half for peak in reading.peaks.get((tier, number), [])):
                score.bands_found += 1
        for number in range(1, int(row["lanes"]) + 1) if photo in set(marked_bands()["photo"]) else ():
            lane_points = [(y, half) for (x, y), half, n in zip(points, halves, numbers, strict=True) if n == number]
            for peak in reading.peaks.get((tier, number), []):
                if not any(abs(peak - y) <= half for y, half in lane_points):
                    score.false_bands += 1
    sized_lanes = {int(value) for value in rows["sized_lanes"].iloc[0].split(",") if value}
    if ladder is not None and sized_lanes:
        sizes = np.array(ladder.sizes)
        for _, band in reading.bands[reading.bands["lane"].isin(sized_lanes)].iterrows():
            if band["used"] and band["size_bp"] == band["size_bp"]:
                score.sized += 1
                nearest = sizes[np.argmin(np.abs(np.log(sizes / band["size_bp"])))]
                score.sized_within_5 += abs(band["size_bp"] / nearest - 1) <= 0.05
    return score, reading


def score_all(given: bool = False) -> list[Score]:
    """Every photo read on its own, or (`given`) with the marked wells and lanes as overrides."""
    return [score_photo(photo, marked_overrides(photo) if given else None)[0]
            for photo in dict.fromkeys(corpus()["photo"])]


if __name__ == "__main__":  # python tests/gel_corpus.py [given]: the table the README quotes
    import sys

    total = {"lanes": [0, 0], "bands": [0, 0], "false": 0, "wells": [0, 0], "sized": [0, 0]}
    for result in score_all("given" in sys.argv):
        print(f"{result.photo:32} {'polarity ok ' if result.polarity else 'polarity WRONG '}"
              f"wells {sum(result.wells)}/{len(result.wells)}  lanes {sum(result.lanes)}/"
              f"{len(result.lanes)}  bands {result.bands_found}/{result.bands_marked}  false {result.false_bands}"
              f"  sized {result.sized_within_5}/{result.sized}  {result.problem}")
        total["lanes"][0] += sum(result.lanes)
        total["lanes"][1] += len(result.lanes)
        total["wells"][0] += sum(result.wells)
        total["wells"][1] += len(result.wells)
        total["bands"][0] += result.bands_found
        total["bands"][1] += result.bands_marked
        total["false"] += result.false_bands
        total["sized"][0] += result.sized_within_5
        total["sized"][1] += result.sized
    print(total)
