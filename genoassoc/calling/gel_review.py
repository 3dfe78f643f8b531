"""Review of a gel photo in the browser, and the corrections the review exports.

`review_model` gathers what a reading found (the straightened photo, well rows, lanes, bands, the
ladder lanes' bands with their sizes) with what the page needs to size and call (the ladder's sizes,
each lane's expected RFLP fragments, the tolerance); `review_html` writes it as one self-contained
page (no external script, font or request) in which the user moves lanes and well rows, adds and
deletes bands, marks ladder lanes, and exports the corrections as JSON.

Positions are pixels of the straightened photo, the image every reading of the photo refers to
(`gel_image.prepared_photo`, with the same --crop; the corrections record whether its bands were read
bright or dark, `bands_are`, and are applied to the photo read the same way). `apply_corrections`
rebuilds the reading from the photo and the corrections alone: lanes, wells and bands as corrected,
the ladder lanes' bands with the sizes the page gave them, the sample bands sized by the reader's own
rule (`gel_image._size_band`: log size against migration by PCHIP between the nearest ladder lanes).
The page sizes bands by the same rule, written again in its script (tests compare the two on every
band), and previews each lane's call by the core RFLP rule (every band explained, every expected band
seen, within the tolerance); `call --gel-image --corrections` gives the call of record.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from genoassoc.calling.gel_image import (
    BAND_POLARITIES,
    LADDER_SAMPLE,
    GelReading,
    Ladder,
    LadderFit,
    LaneFound,
    Overrides,
    _size_band,
    band_intensity,
    lane_profile,
    prepared_photo,
)
from genoassoc.errors import InputError

FORMAT = "genoassoc gel corrections"
VERSION = 1


def photo_checksum(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _png(image: np.ndarray) -> str:
    """The straightened photo as a base64 PNG (8-bit grey, bright bands as the reader sees them)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray((np.clip(image, 0, 1) * 255).round().astype(np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def review_model(photo: str | os.PathLike, reading: GelReading, layout: pd.DataFrame, ladder_spec: Ladder,
                 expected: dict[str, dict[str, Any]], tolerance: tuple[float, float], min_band: float,
                 problem: str = "") -> dict[str, Any]:
    """What the page shows and edits. `expected` gives, per assay or locus name of the layout, the
    alleles and each allele's fragments (bp) the preview calls with; `tolerance` is (bp, fraction)."""
    key = layout.attrs.get("key", "assay")
    entries = {(int(row["tier"]), int(row["lane"])): row for _, row in layout.iterrows()}
    found = {(lane.tier, lane.lane): lane for lane in reading.lanes}
    fits = {(fit.tier, fit.lane): fit for fit in reading.ladders}
    lanes, bands = [], []
    for (tier, number), entry in sorted(entries.items()):
        lane = found.get((tier, number))
        is_ladder = str(entry["sample"]).lower() == LADDER_SAMPLE
        # positions as found, not rounded: the page sizes bands exactly as the reader did
        lanes.append({"tier": tier, "lane": number, "x": None if lane is None else float(lane.x),
                      "width": None if lane is None else float(lane.width),
                      "sample": "" if is_ladder else str(entry["sample"]),
                      "assay": "" if is_ladder else str(entry[key]), "ladder": is_ladder})
        fit = fits.get((tier, number))
        sized = dict(zip(fit.positions, fit.sizes, strict=True)) if fit else {}
        for y in reading.peaks.get((tier, number), []):
            bands.append({"tier": tier, "lane": number, "y": float(y),
                          "size": sized.get(y) if is_ladder else None})
    height, width = reading.image.shape
    return {
        "format": FORMAT, "version": VERSION, "photo": Path(photo).name, "sha256": photo_checksum(photo),
        "crop": list(reading.offset) if reading.offset != (0, 0) else None,
        "bands_are": "dark" if reading.inverted else "bright",
        "width": width, "height": height, "image": _png(reading.image),
        "ladder": {"name": ladder_spec.name, "sizes": [float(size) for size in ladder_spec.sizes]},
        "wells": {str(tier): float(y) for tier, y in reading.wells.items()},
        "lanes": lanes, "bands": bands, "expected": expected,
        "tolerance": {"bp": tolerance[0], "fraction": tolerance[1]}, "min_band": min_band,
        "notes": list(reading.notes), "problem": problem,
    }


def _script_json(model: dict[str, Any]) -> str:
    """JSON that cannot end its <script> element or open markup (a sample named '</script>')."""
    return json.dumps(model).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def review_html(model: dict[str, Any]) -> str:
    """The page (genoassoc/calling/review.html) with the model in it."""
    from importlib import resources

    page = resources.files("genoassoc.calling").joinpath("review.html").read_text(encoding="utf-8")
    return page.replace("/*MODEL*/null", _script_json(model), 1)


def expected_fragments(layout: pd.DataFrame, assays: Any, catalog: Any, learned: Any = ()) -> dict[str, dict[str, Any]]:
    """Per assay or locus named in the layout, each genotype (catalog order) with the fragments its
    complete digest gives (with the assay's control fragments). An assay whose sizes are learned from
    the gel takes them from `learned` (what `call_rflp` learned from this photo's band table), and has
    no genotypes when both alleles' fragments were not learned."""
    taught = {item.assay: item for item in learned if item.status == "learned"}
    from genoassoc.calling.rflp import _resolve_assay

    key = layout.attrs.get("key", "assay")
    found: dict[str, dict[str, Any]] = {}
    for name in sorted({str(value) for value, sample in zip(layout[key], layout["sample"], strict=True)
                        if str(sample).lower() != LADDER_SAMPLE and str(value)}):
        try:
            assay = assays.get(_resolve_assay(name, assays, catalog, None, 0, key))
        except InputError:
            found[name] = {"genotypes": []}
            continue
        if assay.sizes_known:
            fragments = dict(zip(assay.alleles, assay.fragments, strict=True))
        elif assay.id in taught and all(allele in taught[assay.id].fragments for allele in assay.alleles):
            fragments = {allele: taught[assay.id].fragments[allele] for allele in assay.alleles}
        else:
            found[name] = {"genotypes": []}
            continue
        locus = catalog.resolve(assay.locus) if assay.locus in catalog else None
        genotypes = []
        for first, second in ((assay.alleles[0], assay.alleles[0]), (assay.alleles[0], assay.alleles[1]),
                              (assay.alleles[1], assay.alleles[1])):
            label = locus.genotype(first, second) if locus is not None else f"{first}/{second}"
            sizes = sorted({*fragments[first], *fragments[second], *assay.control_fragments}, reverse=True)
            genotypes.append([label, [float(size) for size in sizes]])
        found[name] = {"genotypes": genotypes}
    return found


# ---------------------------------------------------------------------------------------- corrections

@dataclass(frozen=True)
class Corrections:
    """A review's corrections: positions in the straightened photo (see the module docstring)."""

    source: str
    sha256: str
    wells: dict[int, float]
    lanes: dict[tuple[int, int], tuple[float, float, bool]]  # x, width, ladder
    bands: dict[tuple[int, int], list[tuple[float, float | None]]]  # y, ladder size (ladder lanes)
    polarity: str | None = None  # the bands as the reviewed photo showed them: "bright", "dark"

    def summary(self) -> str:
        count = sum(len(found) for found in self.bands.values())
        ladders = sorted(f"{tier}:{lane}" for (tier, lane), (_, _, ladder) in self.lanes.items() if ladder)
        return (f"corrections from {Path(self.source).name}: {len(self.lanes)} lanes, {count} bands, ladder lanes "
                f"{', '.join(ladders) or 'none'}")


def read_corrections(path: str | os.PathLike, photo: str | os.PathLike) -> Corrections:
    """The corrections file of a review of `photo`; refused when it is of another photo or malformed."""
    source = str(path)

    def bad(problem: str) -> InputError:
        return InputError(f"not a gel review's corrections: {problem}", source)

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the corrections ({err})", source) from None
    except json.JSONDecodeError as err:
        raise bad(f"not JSON (line {err.lineno}, column {err.colno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise bad(f"its 'format' is not '{FORMAT}'")
    if data.get("version") != VERSION:
        raise bad(f"version {data.get('version')!r}; this genoassoc reads version {VERSION}")
    if not isinstance(data.get("sha256"), str):
        raise bad("no 'sha256' of the photo it corrects")
    if data.get("sha256") != photo_checksum(photo):
        raise InputError(f"the corrections are of another photo ({data.get('photo')!r}, a different checksum than "
                         f"{Path(photo).name})", source)

    def number(value: Any, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise bad(f"{what} is not a position in pixels ({value!r})")
        return float(value)

    def place(item: Any, what: str) -> tuple[int, int]:
        if not isinstance(item, dict):
            raise bad(f"a {what} is not an object")
        tier, lane = item.get("tier"), item.get("lane")
        if not all(isinstance(value, int) and not isinstance(value, bool) and value > 0 for value in (tier, lane)):
            raise bad(f"a {what} has no tier and lane numbers")
        return tier, lane

    wells_given = data.get("wells")
    if not isinstance(wells_given, dict) or not wells_given:
        raise bad("no well rows")
    try:
        wells = {int(tier): number(y, f"the well row of tier {tier}") for tier, y in wells_given.items()}
    except ValueError:
        raise bad("a well row's tier is not a number") from None
    lanes = {}
    for item in data.get("lanes") or []:
        tier, lane = place(item, "lane")
        lanes[(tier, lane)] = (number(item.get("x"), f"lane {tier}:{lane}'s x"),
                               number(item.get("width"), f"lane {tier}:{lane}'s width"), bool(item.get("ladder")))
    if not lanes:
        raise bad("no lanes")
    bands: dict[tuple[int, int], list[tuple[float, float | None]]] = {key: [] for key in lanes}
    for item in data.get("bands") or []:
        key = place(item, "band")
        if key not in lanes:
            raise bad(f"a band in lane {key[0]}:{key[1]}, which the corrections do not have")
        size = item.get("size")
        bands[key].append((number(item.get("y"), f"a band's y in lane {key[0]}:{key[1]}"),
                           None if size is None else number(size, f"a ladder band's size in lane {key[0]}:{key[1]}")))
    polarity = data.get("bands_are")
    if polarity is not None and polarity not in BAND_POLARITIES:
        raise bad(f"'bands_are' is {polarity!r}, not {' or '.join(BAND_POLARITIES)}")
    return Corrections(source, data["sha256"], wells, lanes, bands, polarity)


def intensity_at(image: np.ndarray, x: float, width: float, y: float) -> float:
    """A band's intensity as the reader measures it (`gel_image.band_intensity` over the lane's trace),
    at a row given rather than found: its span is where the trace stays above half its value there."""
    block, _, _, trace = lane_profile(image, x, width)
    centre = int(round(min(max(y, 0), len(trace) - 1)))
    peak = trace[centre]
    if peak <= 0:
        return 0.0
    low, high = centre, centre
    while low > 0 and trace[low - 1] > peak / 2:
        low -= 1
    while high < len(trace) - 1 and trace[high + 1] > peak / 2:
        high += 1
    return band_intensity(trace, low, high, block.shape[1])


def apply_corrections(photo: str | os.PathLike, layout: pd.DataFrame, corrections: Corrections,
                      overrides: Overrides) -> GelReading:
    """The reading of `photo` that the corrections describe (see the module docstring). A lane the
    corrections mark as the ladder although the layout gives it a sample gives that sample no call."""
    source = str(corrections.source)
    polarity = overrides.bands or corrections.polarity
    if overrides.bands and corrections.polarity and overrides.bands != corrections.polarity:
        raise InputError(f"the corrections were made on the photo read with {corrections.polarity} bands; --bands "
                         f"{overrides.bands} reads it otherwise", source)
    reading = prepared_photo(photo, layout, Overrides(crop=overrides.crop, bands=polarity))
    height, width = reading.image.shape
    key = layout.attrs.get("key", "assay")
    entries = {(int(row["tier"]), int(row["lane"])): row for _, row in layout.iterrows()}
    missing = sorted(set(entries) - set(corrections.lanes))
    if missing:
        raise InputError(f"the corrections have no lane {missing[0][0]}:{missing[0][1]} of the layout", source)
    for tier, y in corrections.wells.items():
        if y >= height:
            raise InputError(f"the well row of tier {tier} is below the photo ({y:.0f} of {height} rows)", source)
    reading.wells = dict(sorted(corrections.wells.items()))
    reading.notes.append(corrections.summary())
    records = []
    for tier in sorted({tier for tier, _ in entries}):
        numbers = sorted(lane for t, lane in entries if t == tier)
        by_number, fits = {}, []
        for number in numbers:
            x, lane_width, is_ladder = corrections.lanes[(tier, number)]
            if x >= width:
                raise InputError(f"lane {tier}:{number} lies outside the photo (x {x:.0f} of {width})", source)
            sample = str(entries[(tier, number)]["sample"])
            marked = is_ladder and sample.lower() != LADDER_SAMPLE
            status, note = ("ladder", "marked as the ladder in the review") if marked else ("ok", "")
            found = sorted(y for y, _ in corrections.bands[(tier, number)])
            if status == "ok" and not found and not is_ladder:
                status = "blank"
            lane = LaneFound(tier, number, x, lane_width, status, note)
            by_number[number] = lane
            reading.lanes.append(lane)
            reading.peaks[(tier, number)] = found
            if is_ladder:
                sized = sorted((y, size) for y, size in corrections.bands[(tier, number)] if size is not None)
                if len(sized) >= 2:
                    fits.append(LadderFit(tier, number, tuple(y for y, _ in sized), tuple(size for _, size in sized),
                                          ()))
        reading.ladders += fits
        for number in numbers:
            x, lane_width, is_ladder = corrections.lanes[(tier, number)]
            entry = entries[(tier, number)]
            if is_ladder or str(entry["sample"]).lower() == LADDER_SAMPLE:
                continue
            lane = by_number[number]
            for y in reading.peaks[(tier, number)]:
                size, note = _size_band(fits, lane, by_number, y)
                records.append({"tier": tier, "lane": number, "sample": entry["sample"], key: entry[key], "x": x,
                                "y": y, "size_bp": size, "intensity": intensity_at(reading.image, x, lane_width, y),
                                "prominence": math.nan, "used": size == size, "note": note})
    reading.bands = pd.DataFrame(records, columns=reading.bands.columns)
    return reading
