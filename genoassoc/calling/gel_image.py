"""Band sizes read from a photo of an agarose gel: lanes, bands and their sizes against the ladder,
written as the band table `genoassoc call --rflp` reads.

The method (scikit-image and scipy), checked on 26 real photos from three labs
(tests/data/gel_photos/corpus). A photo longer than `WORKING_SIZE` pixels is read scaled down to it.

1. Polarity: bands are made bright. A photo whose pixel values and detail along the rows both skew
   towards dark (dark bands on a light background: a stained gel, a saved negative) is inverted;
   `Overrides.bands` says it by hand.
2. Straightening: the rotation (±6°) that makes the lanes sharpest in the column profile; a maximum at
   the end of the range is the frame (a glove, the bench), not the lanes.
3. Wells: the rows where the gel breaks into the most short pieces across its width (a comb's slots,
   one per lane, empty lanes too), one per tier; white label rows are not gel; a top tier whose wells
   are above the photo reads from the photo's top. `Overrides.wells_rows` places them by hand.
4. Lanes: the comb of the wells' slots (least squares over the slots on it, one comb for every tier,
   its pitch refined by the lanes' DNA, a one-lane shift decided by the layout's ladder lanes); where
   the slots give none, equally spaced lanes fitted to where the bands' horizontal pieces line up (a
   tray's wall, bright along its height, is no lane; the pitch at least 0.8 of a band's width) within
   the gel (white beside it and a wide textured stretch from the photo's edge, a glove, are not gel).
   `Overrides.lanes` and `Overrides.crop` place them by hand. A photo whose lanes cannot be matched to
   the layout is refused.
5. Bands: peaks of each lane's profile after a rolling-ball background (grey opening), with a
   prominence of at least 5 times the profile's noise (robust estimate from the point-to-point
   differences) and a twentieth of the tier's strongest band (JPEG blocks and stain texture are not
   bands; a ladder lane's faint bands against its own strongest, when it holds a ladder), spanning
   most of the lane's width (a dust speck does not); the wells' slots and rims are not bands. A lane
   whose background is raised along its length, above the gel between the lanes, is a smear unless
   bands stand well above it.
6. Sizes: the ladder lane's bands aligned to the ladder's sizes as the longest chain whose migration
   slope changes gently (missing and extra bands allowed; the brighter reference bands of commercial
   ladders as anchors), refused when a matched band strays from the curve through the others; then
   log(size) against migration by a monotone cubic (PCHIP), between the ladder lanes on either side (a
   smiling gel) or from the nearest one that reaches the band. A band outside the ladder's range gets
   no size: it is listed and flagged, not extrapolated.
7. Intensity: the band's integrated background-subtracted signal, for the partial-digestion check.

A refused photo raises `GelReadError`, naming the step (wells, lanes, ladder) and carrying what was
found for the overlay.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, product
from pathlib import Path

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import DEFAULT_READ, ReadOptions

LADDER_SAMPLE = "ladder"
# A band's prominence must exceed this many times the lane profile's noise.
PROMINENCE_NOISE = 5.0
# A band's prominence is at least this share of the tier's strongest band's.
RELATIVE_FLOOR = 0.05
LADDER_OWN_SHARE = 0.1
# A band spans at least this share of the lane's width (a dust speck does not).
MIN_BAND_SPAN = 0.5
# In a smeared lane, a band stands this many times above the smear's raised background to count.
SMEAR_BAND_RATIO = 4.0
# The wells' slots and glow take this share of the photo's height below the well row (and above the
# next tier's): no bands are read there.
WELL_MARGIN = 0.015
# A photo longer than this many pixels on its longer side is read scaled down to it (anti-aliased): the
# reader's scales (smoothing, slot and band widths) are a gel imager's, and a 12-megapixel phone photo
# shows nothing finer that a gel holds.
WORKING_SIZE = 1600
# Below the wells, down to this share of the photo's height, a band row that nearly every lane shows
# (empty lanes too) is the wells' rim or glow, not DNA.
WELL_ZONE = 0.04


# ------------------------------------------------------------------------------------------ ladders

@dataclass(frozen=True)
class Ladder:
    name: str
    sizes: tuple[float, ...]  # largest first
    reference: tuple[float, ...] = ()
    source: str = ""


def known_ladders() -> dict[str, Ladder]:
    """The shipped table of commercial ladders (``reference/ladders.tsv``)."""
    from genoassoc.io.tables import read_table
    from genoassoc.resources import reference_file

    table = read_table(reference_file("ladders.tsv"), ["name", "sizes", "reference", "source"])
    ladders = {}
    for _, row in table.iterrows():
        sizes = tuple(sorted((float(value) for value in row["sizes"].split(",")), reverse=True))
        reference = tuple(float(value) for value in row["reference"].split(",") if value.strip())
        ladders[row["name"].lower()] = Ladder(row["name"], sizes, reference, row["source"])
    return ladders


def ladder(spec: str) -> Ladder:
    """A ladder from comma-separated sizes in bp (either order) or the name of a shipped ladder."""
    text = spec.strip()
    if any(character.isdigit() for character in text) and "," in text:
        from genoassoc.io.records import number_or_none

        values = [number_or_none(value) for value in text.split(",") if value.strip()]
        if None in values:
            raise InputError(f"--ladder '{spec}': sizes must be numbers in bp separated by commas")
        sizes = sorted({value for value in values if value is not None}, reverse=True)
        if len(sizes) < 3 or sizes[-1] <= 0:
            raise InputError(f"--ladder '{spec}': give at least three positive sizes in bp")
        return Ladder("sizes given", tuple(sizes))
    ladders = known_ladders()
    if text.lower() not in ladders:
        raise InputError(f"unknown ladder '{spec}': give its sizes (e.g. 1000,900,...,100) or one of "
                         + ", ".join(item.name for item in ladders.values()))
    return ladders[text.lower()]


# ------------------------------------------------------------------------------------------- layout

def read_layout(path: str | os.PathLike, options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """The lane layout: ``lane`` (1-based, left to right per tier), ``sample`` (``ladder`` for ladder
    lanes), ``assay`` or ``locus`` for sample lanes, optional ``tier`` (1 = the top row of wells)."""
    from genoassoc.io.tables import numeric_column, read_table

    table = read_table(path, ["lane", "sample"], optional=["assay", "locus", "tier"], options=options)
    source = table.attrs.get("source")
    key = "assay" if "assay" in table.columns else "locus" if "locus" in table.columns else None
    if key is None:
        raise InputError("the layout needs an 'assay' or 'locus' column for its sample lanes", source)
    lanes = numeric_column(table, "lane", allow_empty=False)
    tiers = numeric_column(table, "tier", allow_empty=False) if "tier" in table.columns else pd.Series(
        1.0, index=table.index)
    for name, values in (("lane", lanes), ("tier", tiers)):
        bad = (values < 1) | (values != values.round())
        if bad.any():
            raise InputError(f"'{table.at[bad.idxmax(), name]}' is not a whole number from 1",
                             source, int(bad.idxmax()), name)
    layout = pd.DataFrame({"tier": tiers.astype(int), "lane": lanes.astype(int),
                           "sample": table["sample"].str.strip(), key: table[key].str.strip()},
                          index=table.index)
    layout.attrs["source"], layout.attrs["key"] = source, key
    repeated = layout.duplicated(["tier", "lane"])
    if repeated.any():
        row = int(repeated.idxmax())
        raise InputError(f"lane {layout.at[row, 'lane']} of tier {layout.at[row, 'tier']} is listed twice",
                         source, row, "lane")
    is_ladder = layout["sample"].str.lower() == LADDER_SAMPLE
    missing = ~is_ladder & (layout[key] == "")
    if missing.any():
        row = int(missing.idxmax())
        raise InputError(f"sample lane {layout.at[row, 'lane']} has no {key}", source, row, key)
    for tier in sorted(layout["tier"].unique()):
        if not is_ladder[layout["tier"] == tier].any():
            raise InputError(f"tier {tier} has no ladder lane (sample 'ladder'): its bands cannot be sized", source)
    return layout


# -------------------------------------------------------------------------------------------- image

# A gel imager's photo has at most a few tens of megapixels; a larger declared size is a decompression bomb
# (a 450 kB TIFF that declares 20000 x 20000 pixels would take 6 GB to decode).
MAX_PIXELS = 80_000_000


def _declared_pixels(path: Path) -> int | None:
    """The pixel count an image file declares, read from its header without decoding it."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head[:2] in (b"II", b"MM"):
        import tifffile

        with tifffile.TiffFile(path) as tiff:
            shape = tiff.pages[0].shape
    else:
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = None  # checked here, with our message, instead of PIL's warning or error
        with Image.open(path) as picture:
            shape = picture.size
    return int(np.prod(shape[:2]))


def load_photo(path: str | os.PathLike) -> np.ndarray:
    """A photo (PNG, TIFF in any compression an imager uses: LZW, Deflate, PackBits; JPEG; grey or
    colour, 8 or 16 bit) as grey values in 0..1. A photo that declares more than `MAX_PIXELS` pixels, or
    that cannot be decoded (truncated, not an image), is refused in one line."""
    from skimage import io

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    try:
        pixels = _declared_pixels(path)
    except Exception as err:  # PIL, tifffile and their codecs raise many types for a damaged file
        raise InputError(f"not a readable image ({type(err).__name__}: {err})", str(path)) from None
    if pixels is not None and pixels > MAX_PIXELS:
        raise InputError(f"the image declares {pixels:,} pixels (more than {MAX_PIXELS:,}): not a gel photo, or "
                         "one to crop or scale down first", str(path))
    try:
        image = io.imread(str(path))
    except Exception as err:  # as above: a truncated TIFF, an unknown compression
        raise InputError(f"not a readable image ({type(err).__name__}: {err})", str(path)) from None
    if image.ndim == 3 and image.shape[-1] in (3, 4):
        # luminance with skimage.color.rgb2gray's weights (ITU-R BT.709); alpha dropped
        colour = image[..., :3].astype(float)
        image = _without_coloured_marks(colour @ np.array([0.2125, 0.7154, 0.0721]), colour)
    if image.ndim != 2 or min(image.shape) < 50:
        raise InputError(f"not a gel photo (image of shape {image.shape})", str(path))
    image = image.astype(float)
    low, high = np.percentile(image, [0.1, 99.9])
    if high <= low:
        raise InputError("the photo is blank (one grey level)", str(path))
    return np.clip((image - low) / (high - low), 0, 1)


# An imager's grey photo with a few coloured pixels: those are marks laid over it (an imager's date
# stamp, a label typed in colour), not DNA; they are set to the photo's background before it is read.
MARK_CHROMA = 0.25  # a pixel's colour (max - min channel) as a share of the photo's range
MARK_SHARE = 0.05  # at most this share of the photo coloured


def _without_coloured_marks(grey: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """The luminance `grey` with coloured marks painted over by the background, when the photo is a grey
    one: its darkest and brightest percent (background and bands, whichever way round) grey and at most
    `MARK_SHARE` of it coloured. A stained gel whose bands are coloured (Coomassie blue), a colour photo
    through a filter or of a tray are left as they are."""
    from scipy import ndimage

    span = float(np.ptp(grey)) or 1.0
    chroma = (colour.max(axis=-1) - colour.min(axis=-1)) / span
    marked = chroma > MARK_CHROMA
    if not marked.any() or marked.mean() > MARK_SHARE:
        return grey
    low, high = np.percentile(grey, [1, 99])
    tails = (grey <= low) | (grey >= high)
    if np.median(chroma[tails]) > MARK_CHROMA / 5:
        return grey
    # JPEG smears a mark's colour a pixel or two beyond it
    marked = ndimage.binary_dilation(marked, iterations=2)
    cleaned = grey.copy()
    cleaned[marked] = float(np.median(grey[~marked]))
    return cleaned


def orient(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """Bands bright: a photo is inverted when both its pixel values and its horizontal detail (the
    photo smoothed along the rows, less its blur down the columns: bands, not specks or the frame's
    edges) skew towards dark. Either alone misleads: a bright gel filling the frame beside a dark bench
    skews the values dark; ink marks, dark wells and a dark edge outweigh faint bands in the detail
    unless it is taken along the bands."""
    from scipy import ndimage

    def skew(values: np.ndarray) -> float:
        centred = values - values.mean()
        return float(np.mean(centred**3))

    sample = image.ravel()[:: max(1, image.size // 200_000)]
    small = ndimage.gaussian_filter(_shrink(image, 600), (0, 3))
    inverted = skew(sample) < 0 and skew((small - ndimage.gaussian_filter(small, (6, 0))).ravel()) < 0
    return (1.0 - image if inverted else image), inverted


def _shrink(image: np.ndarray, width: int = 400) -> np.ndarray:
    from skimage.transform import rescale

    factor = min(1.0, width / image.shape[1])
    return rescale(image, factor, anti_aliasing=True) if factor < 1 else image


def straighten(image: np.ndarray, limit: float = 6.0) -> tuple[np.ndarray, float]:
    """The rotation (degrees) that makes lanes vertical, and the straightened image."""
    from scipy import ndimage
    from skimage.transform import rotate

    small = _shrink(image)
    detail = np.clip(small - ndimage.gaussian_filter(small, 8), 0, None)

    def sharpness(angle: float) -> float:
        turned = rotate(detail, angle, resize=False, mode="constant", cval=0.0)
        profile = turned.mean(axis=0)
        return float(np.sum((profile - ndimage.gaussian_filter1d(profile, 6)) ** 2))

    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    values = np.array([sharpness(angle) for angle in coarse])
    # a maximum at the end of the range is the frame (a glove, the bench's edge), not the lanes: the
    # highest maximum inside the range wins
    inside = [index for index in range(1, len(coarse) - 1)
              if values[index] >= values[index - 1] and values[index] >= values[index + 1]]
    best = float(coarse[max(inside, key=lambda index: values[index])]) if inside else 0.0
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    best = float(fine[int(np.argmax([sharpness(angle) for angle in fine]))])
    if abs(best) < 0.15:
        return image, 0.0
    return rotate(image, best, resize=False, mode="edge"), best


# -------------------------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class LaneFound:
    tier: int
    lane: int
    x: float
    width: float
    status: str = "ok"  # ok, blank, smeared
    note: str = ""


@dataclass(frozen=True)
class LadderFit:
    tier: int
    lane: int
    positions: tuple[float, ...]  # y (image row) of each matched ladder band
    sizes: tuple[float, ...]
    left_out: tuple[float, ...]  # ladder sizes not used (ran together, outside the photo)


@dataclass
class GelReading:
    """What was read from a photo: the straightened image, lanes, bands (long table) and ladder fits."""

    image: np.ndarray
    lanes: list[LaneFound]
    bands: pd.DataFrame
    ladders: list[LadderFit]
    wells: dict[int, float]
    angle: float
    inverted: bool
    name: str
    notes: list[str] = field(default_factory=list)
    # every lane's band rows (ladder lanes too), by (tier, lane)
    peaks: dict[tuple[int, int], list[float]] = field(default_factory=dict)

    # the crop's top-left corner in the photo (--crop)
    offset: tuple[int, int] = (0, 0)
    # the image's pixels per photo pixel (a photo larger than WORKING_SIZE is read scaled down)
    scale: float = 1.0

    def to_photo(self, x: float | np.ndarray, y: float | np.ndarray) -> np.ndarray:
        """Points of the straightened image at their place in the photo as given (skimage's
        rotate maps each output pixel to its source by the same transform; the scale undone and a
        crop's corner added)."""
        points = _rotation(self.image.shape, self.angle)(np.column_stack([np.ravel(x), np.ravel(y)]))
        return points / self.scale + np.array(self.offset, float)

    def from_photo(self, x: float | np.ndarray, y: float | np.ndarray) -> np.ndarray:
        """Points of the photo as given at their place in the straightened image."""
        points = (np.column_stack([np.ravel(x), np.ravel(y)]) - np.array(self.offset, float)) * self.scale
        return _rotation(self.image.shape, self.angle).inverse(points)


def _rotation(shape: tuple[int, ...], angle: float):
    """The transform skimage.transform.rotate applies (from output to input coordinates)."""
    from skimage.transform import SimilarityTransform

    centre = np.array((shape[1], shape[0])) / 2.0 - 0.5
    return (SimilarityTransform(translation=-centre) + SimilarityTransform(rotation=np.deg2rad(angle))
            + SimilarityTransform(translation=centre))


@dataclass(frozen=True)
class Peaks:
    """Peaks of a profile as ``scipy.signal.find_peaks`` reports them (positions, prominences and the
    interpolated positions where each peak falls to half its prominence)."""

    positions: np.ndarray
    prominences: np.ndarray
    left: np.ndarray
    right: np.ndarray


def find_peaks(trace: np.ndarray, prominence: float, width: float = 0.0, distance: float = 0.0) -> Peaks:
    """Local maxima with at least `prominence` (and a width at half prominence of at least `width`,
    and `distance` samples from a more prominent peak), computed as ``scipy.signal.find_peaks`` does.
    Written out because importing scipy.signal costs 0.7 s, a third of reading a photo; the results
    equal scipy's (tests/calling/test_gel_image.py)."""
    values = np.asarray(trace, float)
    inner = values[1:-1]
    rising = np.flatnonzero((inner > values[:-2]) & (inner >= values[2:])) + 1
    # a plateau counts once, at its middle (as scipy)
    positions = []
    for start in rising:
        end = start
        while end + 1 < len(values) and values[end + 1] == values[start]:
            end += 1
        if end + 1 < len(values) and values[end + 1] < values[start] and (not positions or start > positions[-1]):
            positions.append((start + end) // 2)
    peaks = np.array(sorted(set(positions)), dtype=int)
    if distance > 1 and len(peaks) > 1:
        # as scipy: before prominence, the highest peaks first, neighbours closer than ceil(distance) go
        spacing = math.ceil(distance)
        kept = np.ones(len(peaks), bool)
        for index in np.argsort(-values[peaks], kind="stable"):
            if kept[index]:
                close = (np.abs(peaks - peaks[index]) < spacing) & (np.arange(len(peaks)) != index)
                kept[close] = False
        peaks = peaks[kept]
    proms, lefts, rights = [], [], []
    for peak in peaks:
        height = values[peak]
        left = peak
        left_min = height
        while left > 0 and values[left - 1] <= height:
            left -= 1
            left_min = min(left_min, values[left])
        right = peak
        right_min = height
        while right < len(values) - 1 and values[right + 1] <= height:
            right += 1
            right_min = min(right_min, values[right])
        base = max(left_min, right_min)
        proms.append(height - base)
        level = height - (height - base) / 2
        index = peak
        while index > left and values[index] > level:
            index -= 1
        left_ip = float(index) if values[index] == level or index == peak else \
            index + (level - values[index]) / (values[index + 1] - values[index])
        index = peak
        while index < right and values[index] > level:
            index += 1
        right_ip = float(index) if values[index] == level or index == peak else \
            index - (level - values[index]) / (values[index - 1] - values[index])
        lefts.append(left_ip)
        rights.append(right_ip)
    prominences, left_ips, right_ips = np.array(proms), np.array(lefts), np.array(rights)
    keep = (prominences >= prominence) & (right_ips - left_ips >= width)
    peaks, prominences, left_ips, right_ips = peaks[keep], prominences[keep], left_ips[keep], right_ips[keep]
    return Peaks(peaks, prominences, left_ips, right_ips)


def _robust_sd(values: np.ndarray) -> float:
    """The normal-consistent median absolute deviation (as scipy.stats.median_abs_deviation with
    scale 'normal', whose import would add a third of a second to every photo read)."""
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def _noise(profile: np.ndarray) -> float:
    return max(_robust_sd(np.diff(profile)) / math.sqrt(2), 1e-6)


def _slot_detail(image: np.ndarray) -> np.ndarray:
    """Vertical detail: change across a few rows but not along them (a well slot's top and bottom)."""
    from scipy import ndimage

    smooth = ndimage.gaussian_filter(image, 1.0)
    return np.abs(smooth - ndimage.gaussian_filter(smooth, (6, 0.5)))


def _wells(image: np.ndarray, tiers: int) -> tuple[list[float], list[str]]:
    """Rows of the wells, top to bottom, one per tier, and notes. A comb's wells break the gel into
    short pieces across its whole width (a slot per lane, dark or bright, empty lanes too), where a
    band row breaks only where lanes hold DNA and the gel's edge runs unbroken: the rows with the most
    short segments of vertical detail are the wells. Rows of printed labels (white) are not gel. A
    top tier whose wells are above the photo (band signal above the first row found) reads from the
    photo's top."""
    from scipy import ndimage

    height = image.shape[0]
    left, right = _gel_columns(image)
    detail = _slot_detail(image)[:, left:right]
    spread = _robust_sd(detail) + 1e-6
    mask = ndimage.binary_closing(detail > 4 * spread, np.ones((1, 3), bool))
    edges = np.diff(np.pad(mask.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    start_rows, start_columns = np.nonzero(edges == 1)
    _, end_columns = np.nonzero(edges == -1)
    lengths = end_columns - start_columns
    short = (lengths >= 6) & (lengths <= 0.2 * (right - left))
    score = np.bincount(start_rows[short], minlength=height).astype(float)
    labels = (image[:, left:right] > 0.97).mean(axis=1) > 0.5
    score[ndimage.binary_dilation(labels, iterations=3)] = 0.0
    # a slot shows two edges (its top and bottom): smoothed together, the score peaks at its middle
    score = ndimage.gaussian_filter1d(score, max(2.0, 0.006 * height))
    found = find_peaks(score, 1.0, distance=max(3, int(0.2 * height)))
    strong = found.positions[score[found.positions] >= max(6.0, 0.5 * score.max())]
    rows = sorted(float(row) for row in strong[np.argsort(-score[strong])][:tiers])
    notes = []
    signal = np.clip(image - ndimage.grey_opening(image, size=(1, max(9, (right - left) // 8))), 0, None)
    band_rows = signal[:, left:right].mean(axis=1)
    if rows and band_rows[: int(rows[0])].sum() > 0.3 * band_rows.sum():
        rows = [0.0] + rows[: tiers - 1]
        notes.append("the top tier's wells are not in the photo: its lanes are read from the photo's top "
                     "(--wells-row places them)")
    while len(rows) < tiers:
        rows = [0.0] + rows
        notes.append("wells not found for every tier: the top tier read from the photo's top (--wells-row places "
                     "them)")
    return rows, notes


def _fit_comb(profile: np.ndarray, count: int, reach: int = 4, min_pitch: float = 0.0
              ) -> tuple[float, float, float]:
    """(first lane x, pitch, score) of `count` equally spaced lanes collecting the most of the
    profile within `reach` columns of each lane."""
    width = len(profile)
    if count == 1:
        return float(np.argmax(profile)), float(width), float(profile.max())
    best = (0.0, 0.0, -np.inf)
    cumulative = np.concatenate([[0.0], np.cumsum(profile)])
    widest = (width - 1) / (count - 1)
    for pitch in np.arange(min(max(6.0, width / (3.0 * count), min_pitch), widest), widest + 1e-9, 0.5):
        span = pitch * (count - 1)
        starts = np.arange(0, width - span - 1, 1.0)
        if not len(starts):
            continue
        positions = starts[:, None] + pitch * np.arange(count)[None, :]
        low = np.clip(np.round(positions).astype(int) - reach, 0, width)
        high = np.clip(np.round(positions).astype(int) + reach + 1, 0, width)
        totals = (cumulative[high] - cumulative[low]).sum(axis=1)
        index = int(np.argmax(totals))
        if totals[index] > best[2]:
            best = (float(starts[index]), float(pitch), float(totals[index]))
    return best


def _gel_columns(region: np.ndarray, inset_share: float = 0.035) -> tuple[int, int]:
    """The first and last column of the gel (brighter than the bench around it), inset from its edges
    (by `inset_share` of its width: the edge of a gel glows)."""
    from scipy import ndimage

    columns = ndimage.gaussian_filter1d(np.median(region, axis=0), 5)
    width = region.shape[1]
    # white beside the gel (a glove, paper, printed labels) is no gel either, nor a wide stretch of
    # texture from the photo's edge (a crumpled glove: a ladder lane is as textured, but narrow and inside)
    level = float(np.median(columns))
    white = columns > max(0.8, 2.5 * level)
    smooth = ndimage.gaussian_filter(region, 2)
    texture = ndimage.gaussian_filter1d(np.median(np.hypot(ndimage.sobel(smooth, 0), ndimage.sobel(smooth, 1)),
                                                  axis=0), 5)
    rough, pieces = ndimage.label(texture > 2.5 * float(np.median(texture)))
    for piece in range(1, pieces + 1):
        span = np.flatnonzero(rough == piece)
        if len(span) > max(120, 0.1 * width) and (span[0] <= 5 or span[-1] >= width - 6):
            white[span] = True  # reaching the photo's edge: a glove held at the side
    if white.any() and not white.all():
        runs, count = ndimage.label(~white)
        sizes = np.bincount(runs.ravel())[1:]
        keep = np.flatnonzero(runs == int(np.argmax(sizes)) + 1)
        inner_left, inner_right = int(keep[0]), int(keep[-1]) + 1
        left, right = _gel_columns(region[:, inner_left:inner_right], inset_share) if inner_right - inner_left < width \
            else (0, width)
        return left + inner_left, right + inner_left
    low, high = np.percentile(columns, 5), np.percentile(columns, 60)
    inside = np.flatnonzero(columns > low + 0.5 * (high - low))
    if low > 0.5 * high or len(inside) < width * 0.3:
        return 0, width  # no darker bench: the photo is all gel
    inset = max(5, int(inset_share * (inside[-1] - inside[0])))
    return int(inside[0]) + inset, int(inside[-1]) - inset + 1


def _band_counts(region: np.ndarray, xs: Sequence[float], half: int) -> list[int]:
    """How many bands narrow strips at columns `xs` show (a ladder lane shows many), counting peaks
    above a twentieth of the strongest among them all."""
    from scipy import ndimage

    traces = []
    for x in xs:
        left, right = max(0, int(x) - half), min(region.shape[1], int(x) + half + 1)
        if right <= left:
            traces.append(None)
            continue
        profile = region[:, left:right].mean(axis=1)
        trace = ndimage.gaussian_filter1d(profile - ndimage.grey_opening(profile, size=max(15, len(profile) // 12)),
                                          1)
        traces.append(find_peaks(trace, PROMINENCE_NOISE * _noise(profile), width=1.2))
    strongest = max((float(found.prominences.max()) for found in traces if found is not None
                     and len(found.prominences)), default=0.0)
    return [0 if found is None else int((found.prominences >= RELATIVE_FLOOR * strongest).sum()) for found in traces]


def _slot_centres(detail: np.ndarray, spread: float, well: float, left: int, right: int) -> np.ndarray:
    """Centres of the wells' slots along the well row: short pieces of vertical detail (`_slot_detail`,
    above `spread` times 4) across it."""
    from scipy import ndimage

    row, reach = int(well), max(6, int(0.01 * detail.shape[0]))
    share = (detail[max(0, row - reach): row + reach + 1] > 4 * spread).mean(axis=0)
    share[:left], share[right:] = 0, 0
    pieces, count = ndimage.label(ndimage.binary_closing(share > 0.3, np.ones(3, bool)))
    centres = []
    for label in range(1, count + 1):
        columns = np.flatnonzero(pieces == label)
        if 6 <= len(columns) <= 0.2 * (right - left):
            centres.append(float(columns.mean()))
    return np.array(centres)


def _comb_of_slots(centres: np.ndarray, count: int, left: int, right: int,
                   pitch_given: float | None = None) -> tuple[float, float, float] | None:
    """(first lane x, pitch, score) of the comb whose teeth the most slot centres sit on (a slot every
    pitch, empty teeth inside the run counting against it): lane 1 is the leftmost slot on the comb.
    With `pitch_given` (another tier's comb: one comb cuts every tier's wells) only its phase is fitted."""
    if len(centres) < min(count, 3):
        return None
    best: tuple[float, float, float] | None = None
    widest = (right - left) / max(count - 1, 1) * 1.3
    for i in range(len(centres)):
        for j in range(i + 1, len(centres)):
            for divisor in (1, 2, 3):
                pitch = (centres[j] - centres[i]) / divisor
                if pitch_given is not None:
                    pitch = pitch_given
                if pitch < 12 or pitch > widest:
                    continue
                steps = np.round((centres - centres[i]) / pitch)
                on = np.abs(centres - centres[i] - steps * pitch) <= 0.15 * pitch
                if on.sum() < 3:
                    continue
                # the comb through its slots by least squares, then the slots that sit on it
                if pitch_given is None:
                    pitch, phase = np.polyfit(steps[on], centres[on], 1)
                else:
                    phase = float(np.mean(centres[on] - steps[on] * pitch))
                steps = np.round((centres - phase) / pitch)
                on = np.abs(centres - phase - steps * pitch) <= 0.12 * pitch
                if on.sum() < 3:
                    continue
                teeth = set(steps[on].astype(int))
                span = max(teeth) - min(teeth) + 1
                score = len(teeth) - 1.5 * (span - len(teeth))
                if best is None or score > best[0] + 1e-9 or (abs(score - best[0]) <= 1e-9 and pitch > best[2]):
                    best = (score, float(phase + min(teeth) * pitch), float(pitch))
    if best is None or best[0] < min(count, 3):
        return None
    return best[1], best[2], best[0]


def _band_signal(region: np.ndarray) -> np.ndarray:
    """Band signal: the photo less its rolling background down each column (a tray's wall or a gel's
    glowing edge, bright along its height, leaves nothing), lightly smoothed."""
    from scipy import ndimage

    height = region.shape[0]
    return ndimage.gaussian_filter(region - ndimage.grey_opening(region, size=(max(15, height // 15), 1)), 1.0)


def _band_segments(signal: np.ndarray, left: int, right: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Lanes where the bands are: the horizontal pieces of the band signal (`_band_signal`) between
    columns `left` and `right`, at least twice as wide as tall, grouped by their centres. Returns each
    group's centre, its number of pieces and the pieces' median width (a band is as wide as its lane)."""
    from scipy import ndimage

    signal = signal[:, left:right]
    level = float(np.percentile(signal, 99.0))
    if level <= 0:
        return np.array([]), np.array([]), math.nan
    pieces, _ = ndimage.label(signal > 0.5 * level)
    centres, widths = [], []
    for rows, columns in ndimage.find_objects(pieces):
        tall, wide = rows.stop - rows.start, columns.stop - columns.start
        if wide >= 2 * tall and wide >= 8:
            centres.append(left + (columns.start + columns.stop - 1) / 2)
            widths.append(wide)
    if not centres:
        return np.array([]), np.array([]), math.nan
    width = float(np.median(widths))
    order = np.sort(np.array(centres))
    groups = [[order[0]]]
    for x in order[1:]:
        if x - groups[-1][-1] <= width / 3:
            groups[-1].append(x)
        else:
            groups.append([x])
    return (np.array([float(np.median(group)) for group in groups]), np.array([len(group) for group in groups]),
            width)


def _combs_on_ladders(signal: np.ndarray, count: int, ladder_lanes: list[int], min_pitch: float
                      ) -> list[tuple[float, float]]:
    """(first lane x, pitch) of the combs that put two of the layout's ladder lanes on two columns of
    many bands (three pieces or more of the band signal anywhere across the photo), every lane inside
    the photo."""
    width = signal.shape[1]
    centres, pieces, _ = _band_segments(signal, 0, width)
    banded = centres[pieces >= 3]
    combs = []
    for (x_a, x_b), (lane_a, lane_b) in product(combinations(banded, 2), combinations(sorted(ladder_lanes), 2)):
        pitch = (x_b - x_a) / (lane_b - lane_a)
        first = x_a - (lane_a - 1) * pitch
        if pitch >= max(6.0, min_pitch) and first >= pitch / 4 and first + (count - 1) * pitch <= width - 1 - pitch / 4:
            combs.append((float(first), float(pitch)))
    return combs


def _find_lanes(region: np.ndarray, tier: int, count: int, ladder_lanes: list[int], source: str,
                slots: tuple[float, float, float] | None = None) -> list[LaneFound]:
    """Lane centres: the comb of the wells' slots where the well row shows them and the lanes with DNA
    sit on its teeth; else a comb of equally spaced lanes fitted to the lanes with DNA (an empty lane
    sits between them), placed so that the layout's ladder lanes show the most bands."""
    from scipy import ndimage

    # only the gel: a photo often shows the dark bench around it, and the gel's edges are no lanes
    left_edge, right_edge = _gel_columns(region)
    # lane content above a rolling background narrower than the gel and wider than a lane
    columns = region.mean(axis=0)
    window = max(9, int(1.5 * (right_edge - left_edge) / max(count, 1)))
    profile = np.clip(columns - ndimage.gaussian_filter1d(ndimage.grey_opening(columns, size=window), 3), 0, None)
    profile[:left_edge], profile[right_edge:] = 0, 0
    profile = profile / (profile.max() or 1)
    profile = ndimage.gaussian_filter1d(profile, 2)
    found = find_peaks(profile, 4 * _noise(profile[left_edge:right_edge]), distance=5)
    keep = found.prominences >= 0.15 * found.prominences.max() if len(found.positions) else []
    # a lane's centre: the middle of its profile at half height (lanes are flat-topped, the maximum wanders)
    strong = np.round((found.left[keep] + found.right[keep]) / 2).astype(int) if len(found.positions) \
        else found.positions
    weights = np.minimum(1.0, found.prominences[keep] / (0.25 * found.prominences.max())) \
        if len(found.positions) else np.array([])
    width = region.shape[1]
    if slots is not None:
        first, pitch = slots[0], slots[1]
        shifts = [shift for shift in range(-2, 3)
                  if first + shift * pitch >= pitch / 3 and first + (shift + count - 1) * pitch < width - pitch / 3]
        if ladder_lanes and len(shifts) > 1:
            # a spurious slot at the gel's edge (a glove, the glow) may start the comb: the ladder lanes decide
            half = max(2, int(pitch * 0.15))
            candidates = sorted({round(first + (shift + lane - 1) * pitch) for shift in shifts
                                 for lane in ladder_lanes})
            counts = dict(zip(candidates, _band_counts(region, candidates, half), strict=True))
            best_shift = max(shifts, key=lambda shift: (sum(counts[round(first + (shift + lane - 1) * pitch)]
                                                            for lane in ladder_lanes), -abs(shift)))
            first += best_shift * pitch
        teeth = first + pitch * np.arange(count)
        # the lanes with DNA between the comb's ends must sit on its teeth; they also set its pitch
        # exactly (a slot's centre is blurred by its rim; a lane's DNA is not)
        within = strong[(strong > teeth[0] - pitch / 2) & (strong < teeth[-1] + pitch / 2)]
        indices = np.round((within - first) / pitch)
        close = np.abs(within - first - indices * pitch) <= 0.3 * pitch
        if len(set(indices[close])) >= 2:
            refit, start = (float(value) for value in np.polyfit(indices[close], within[close], 1))
            if abs(refit / pitch - 1) < 0.06 and abs(start - first) < 0.3 * pitch:
                pitch, first = refit, start
                teeth = first + pitch * np.arange(count)
        on_teeth = [np.min(np.abs(teeth - x)) <= 0.25 * pitch for x in within]
        # the DNA contradicts the comb when its lanes fall between the teeth, or a strong lane lies past
        # the last tooth (the layout lists every lane up to the last one used)
        beyond = strong[(strong > teeth[-1] + pitch) & (strong < right_edge)]
        strongest = found.prominences[keep] if len(found.positions) else np.array([])
        past = [x for x, prominence in zip(strong, strongest, strict=True) if x in beyond
                and prominence >= 0.5 * strongest.max()]
        contradicted = (len(within) >= 2 and np.mean(on_teeth) < 0.6) or bool(past)
        if not contradicted and teeth[-1] < width and teeth[0] >= 0:
            lanes = []
            for index, x in enumerate(teeth):
                near = strong[np.abs(strong - x) <= pitch / 4]
                lanes.append(LaneFound(tier, index + 1, float(near[np.argmin(np.abs(near - x))]) if len(near)
                                       else float(x), 0.55 * pitch))
            return lanes
    # without slots, the lanes with DNA are where the bands' pieces line up (a tray's wall or a gel's
    # glowing edge, bright along its height, is no lane), and no two lanes are closer than a band is wide
    min_pitch = 0.0
    signal = _band_signal(region)
    centres, pieces, piece_width = _band_segments(signal, left_edge, right_edge)
    if (pieces >= 2).sum() >= 2:
        strong = np.round(centres[pieces >= 2]).astype(int)
        weights = np.minimum(1.0, pieces[pieces >= 2] / 3.0)
        min_pitch = 0.8 * piece_width
    # the comb is fitted to the lanes' peaks, each counting once (a wide ladder lane is one lane)
    markers = np.zeros_like(profile)
    markers[strong] = weights
    markers = ndimage.gaussian_filter1d(markers, 2.5)
    first, pitch, _ = _fit_comb(markers[left_edge:right_edge], count, min_pitch=min_pitch)
    first += left_edge
    # the comb may sit a whole pitch left or right where lanes are empty: the layout's ladder lanes decide
    half = max(2, int(pitch * 0.15))
    shifts = [shift for shift in range(-count, count + 1)
              if first + shift * pitch >= left_edge - pitch / 3
              and first + (shift + count - 1) * pitch <= right_edge - 1 + pitch / 3]

    combs = [(first + shift * pitch, pitch) for shift in shifts] or [(first, pitch)]
    anchored = _combs_on_ladders(signal, count, ladder_lanes, min_pitch) if len(ladder_lanes) >= 2 else []
    if (len(combs) > 1 or anchored) and ladder_lanes:
        # one shared floor for every candidate strip: an empty strip's noise is no ladder
        candidates = sorted({round(start + (lane - 1) * step) for start, step in combs + anchored
                             for lane in ladder_lanes})
        counts = dict(zip(candidates, _band_counts(region, candidates, half), strict=True))

        def placement(comb: tuple[float, float]) -> tuple[int, float]:
            xs = comb[0] + np.arange(count) * comb[1]
            ladders = sum(counts[round(xs[lane - 1])] for lane in ladder_lanes)
            content = float(sum(markers[int(np.clip(round(x), 0, width - 1))] for x in xs))
            return ladders, content

        first, pitch = max(combs, key=placement)
        # the comb fitted to the lanes' content yields to one through the ladders only where it misses them
        # (a gel as black as its frame: the outer lanes' smears are too faint to place the comb)
        best = max(anchored, key=placement, default=None)
        if best is not None and placement(best)[0] > placement((first, pitch))[0]:
            first, pitch = best
    inside = strong[(strong > first - pitch / 2) & (strong < first + pitch * (count - 0.5))]
    outside = len(strong) - len(inside)
    if len(inside) == 0:
        raise InputError(f"tier {tier}: no lanes with DNA found where the layout lists {count}", source)
    if count > 2 and outside > count // 2:
        raise InputError(f"tier {tier}: the photo shows {len(strong)} lanes where the layout lists {count}; "
                         "list every lane up to the last one used", source)
    lanes = []
    for index in range(count):
        x = first + index * pitch
        near = inside[np.abs(inside - x) <= pitch / 4]
        if len(near):
            x = float(near[np.argmin(np.abs(near - x))])
        lanes.append(LaneFound(tier, index + 1, x, 0.55 * pitch))
    return lanes


@dataclass(frozen=True)
class _Peak:
    y: float
    prominence: float
    intensity: float


def _subpixel(trace: np.ndarray, peak: int) -> float:
    """The peak's centre between pixels (vertex of the parabola through it and its neighbours)."""
    if 0 < peak < len(trace) - 1:
        below, at, above = trace[peak - 1], trace[peak], trace[peak + 1]
        curvature = below - 2 * at + above
        if curvature < 0:
            return float(peak + 0.5 * (below - above) / curvature)
    return float(peak)


def _band_window(region: np.ndarray) -> int:
    return max(15, int(region.shape[0] / 12))


def lane_profile(region: np.ndarray, x: float, width: float) -> tuple[np.ndarray, ...]:
    """A lane's pixels (`width` wide around column `x`), its mean profile down the gel, the rolling-ball
    background under it, and the smoothed background-free trace its bands are peaks of."""
    from scipy import ndimage

    half = max(2, int(width / 2))
    block = region[:, max(0, int(x) - half):min(region.shape[1], int(x) + half + 1)]
    profile = block.mean(axis=1)
    baseline = ndimage.gaussian_filter1d(ndimage.grey_opening(profile, size=_band_window(region)), 3)
    return block, profile, baseline, ndimage.gaussian_filter1d(profile - baseline, 1.0)


def band_intensity(trace: np.ndarray, low: float, high: float, columns: int) -> float:
    """A band's integrated intensity: the trace over its half-prominence span (`low`-`high`) widened by
    half that span on each side, times the lane's width in columns."""
    start, end = int(max(0, low - (high - low) / 2)), int(min(len(trace), high + (high - low) / 2 + 1))
    return float(np.clip(trace[start:end], 0, None).sum() * columns)


def _lane_peaks(region: np.ndarray, lane: LaneFound, top: int, background_level: float, floor: float = 0.0,
                ladder: bool = False) -> tuple[list[_Peak], str, str]:
    """Bands of one lane (y within the tier region), and the lane's status and note (a ladder lane is
    never a smear: its bands crowd together)."""
    from scipy import ndimage

    columns = region.shape[1]
    block, profile, baseline, trace = lane_profile(region, lane.x, lane.width)
    band_window = _band_window(region)
    noise = _noise(profile)
    detected = find_peaks(trace, max(PROMINENCE_NOISE * noise, floor), width=1.2)
    found = []
    for peak, prominence, low, high in zip(detected.positions, detected.prominences, detected.left, detected.right,
                                           strict=True):
        if peak < top:
            continue
        rows = slice(max(0, peak - 1), peak + 2)
        across = block[rows].mean(axis=0) - baseline[peak]
        if np.mean(across > 0.5 * trace[peak]) < MIN_BAND_SPAN:
            continue  # a speck, not a band across the lane
        found.append(_Peak(_subpixel(trace, int(peak)), float(prominence),
                           band_intensity(trace, low, high, block.shape[1])))
    # a smear raises the lane's background above the gel's between the lanes
    pitch = lane.width / 0.55
    gap_columns = [column for centre in (lane.x - pitch / 2, lane.x + pitch / 2)
                   for column in range(int(centre - pitch * 0.08), int(centre + pitch * 0.08) + 1)
                   if 0 <= column < columns]
    gap = region[:, gap_columns].mean(axis=1) if gap_columns else np.full(len(profile), background_level)
    gap_baseline = ndimage.gaussian_filter1d(ndimage.grey_opening(gap, size=band_window), 3)
    raised = float(np.median(baseline[top:] - gap_baseline[top:])) if len(baseline) > top else 0.0
    if raised > 3 * noise and raised > 0.01 and not ladder:
        # distinct bands standing well above the smear (a product over a little degraded DNA) are kept
        standing = [peak for peak in found if peak.prominence > SMEAR_BAND_RATIO * raised]
        if not standing:
            return [], "smeared", "smeared lane: DNA along its whole length, no distinct bands"
        return standing, "ok", "bands over a smear"
    if not found:
        return [], "blank", ""
    return found, "ok", ""


# The ladder's fit is refused when its worst band is this far (log size, about 10%) from the smooth
# curve through the matched bands, or the typical band (root mean square) half of it.
LADDER_MAX_RESIDUAL = 0.10


@dataclass(frozen=True)
class LadderMatch:
    """Ladder bands matched to the ladder's sizes: y and size of each, the sizes left out, each band's
    distance from the smooth curve (log size), and the detected bands no size explains."""

    positions: tuple[float, ...]
    sizes: tuple[float, ...]
    left_out: tuple[float, ...]
    residuals: tuple[float, ...]
    extra: tuple[float, ...]


# Along a ladder lane the migration curve's slope (log size per pixel) changes gently: between one
# stretch of bands and the next by no more than this factor. A run of bands may be missing (merged,
# faint) or extra (a stray band) between two matched bands, up to these many.
LADDER_SLOPE_CHANGE = 1.8
LADDER_SKIP_SIZES = 4
LADDER_SKIP_BANDS = 3


def _chain(ys: np.ndarray, logs: np.ndarray, bright: np.ndarray, references: set[int]) -> list[tuple[int, int]]:
    """The longest chain of (band, size) pairs, both in order, whose migration slope changes gently
    from one stretch to the next (dynamic programming over the last two pairs): skipped sizes and
    unmatched bands inside the chain count against it, reference sizes on bright bands for it."""
    band_count, size_count = len(ys), len(logs)

    def slope(first: tuple[int, int], second: tuple[int, int]) -> float:
        return float((logs[first[1]] - logs[second[1]]) / (ys[second[0]] - ys[first[0]]))

    def gain(pair: tuple[int, int]) -> float:
        return 1.0 + (0.5 if bright[pair[0]] else -0.5) * (pair[1] in references)

    def steps(pair: tuple[int, int]) -> list[tuple[int, int]]:
        return [(i, a) for i in range(pair[0] + 1, min(band_count, pair[0] + LADDER_SKIP_BANDS + 2))
                for a in range(pair[1] + 1, min(size_count, pair[1] + LADDER_SKIP_SIZES + 2))
                if ys[i] > ys[pair[0]]]

    # score[(previous, last)]: the best chain ending with these two pairs
    score: dict[tuple[tuple[int, int], tuple[int, int]], float] = {}
    back: dict[tuple[tuple[int, int], tuple[int, int]], tuple[tuple[int, int], tuple[int, int]] | None] = {}
    pairs = [(i, a) for i in range(band_count) for a in range(size_count)]
    for first in pairs:
        for second in steps(first):
            skipped = (second[0] - first[0] - 1) + (second[1] - first[1] - 1)
            score[(first, second)] = gain(first) + gain(second) - skipped
            back[(first, second)] = None
    for key in sorted(score, key=lambda item: (item[1][0], item[1][1])):
        first, second = key
        current = slope(first, second)
        for third in steps(second):
            change = slope(second, third) / current
            if not 1 / LADDER_SLOPE_CHANGE <= change <= LADDER_SLOPE_CHANGE:
                continue
            skipped = (third[0] - second[0] - 1) + (third[1] - second[1] - 1)
            value = score[key] + gain(third) - skipped
            if value > score.get((second, third), -math.inf) or back.get((second, third)) is None and \
                    value >= score.get((second, third), -math.inf):
                score[(second, third)] = value
                back[(second, third)] = key
    if not score:
        return []
    end = max(score, key=lambda item: score[item])
    chain = [end[1], end[0]]
    step = back[end]
    while step is not None:
        chain.append(step[0])
        step = back[step]
    return chain[::-1]


def _through(ys: np.ndarray, logs: np.ndarray, at: np.ndarray) -> np.ndarray:
    """log(size) at rows `at` on the migration curve through the matched bands (`ys` ascending):
    piecewise linear between them, extended by the end segments. Local, so the curve's bend at the
    ends of a wide ladder (the sigmoid of agarose migration) costs nothing."""
    inside = np.interp(at, ys, logs)
    low = logs[0] + (at - ys[0]) * (logs[1] - logs[0]) / (ys[1] - ys[0])
    high = logs[-1] + (at - ys[-1]) * (logs[-1] - logs[-2]) / (ys[-1] - ys[-2])
    return np.where(at < ys[0], low, np.where(at > ys[-1], high, inside))


def _left_one_out(ys: np.ndarray, logs: np.ndarray) -> np.ndarray:
    """Each matched band's distance (log size) from the curve through the others."""
    errors = np.empty(len(ys))
    for index in range(len(ys)):
        keep = np.arange(len(ys)) != index
        errors[index] = _through(ys[keep], logs[keep], ys[index:index + 1])[0] - logs[index]
    return errors


def _match_ladder(peaks: list[_Peak], sizes: Sequence[float], reference: Sequence[float]) -> LadderMatch:
    """The ladder lane's bands aligned to the ladder's sizes, allowing bands missing (cut off, faint,
    run together) and bands extra (dust, a stray product): the longest chain of (band, size) pairs
    whose migration slope changes gently (`_chain`), the reference bands of commercial ladders (the
    brighter 500, 1000, 3000 bp) counting for it when bright and against it when not. A chain is
    refused, with its worst bands named, when a matched band below the largest strays from the curve
    through the others (`LADDER_MAX_RESIDUAL`), when two or more reference bands are dim, when bands the
    ladder's sizes do not explain lie beyond its ends, or when many of its sizes are missing inside it."""
    # one band per row: peaks closer than a pixel are one (the more prominent kept)
    distinct: list[_Peak] = []
    for peak in sorted(peaks, key=lambda peak: peak.y):
        if distinct and peak.y - distinct[-1].y < 1.0:
            distinct[-1] = max(distinct[-1], peak, key=lambda kept: kept.prominence)
        else:
            distinct.append(peak)
    peaks = distinct
    if len(peaks) < 3:
        raise InputError(f"the ladder lane shows {len(peaks)} bands: at least 3 are needed to size bands")
    ys = np.array([peak.y for peak in peaks])
    strength = np.array([peak.intensity for peak in peaks])
    bright = strength / np.maximum(ndarray_median_neighbours(strength), 1e-12) > 1.3
    logs = np.log(np.array(sizes, float))
    reference_index = {index for index, size in enumerate(sizes) if size in set(reference)}
    pairs = _chain(ys, logs, bright, reference_index)
    if not pairs:
        raise InputError(f"the ladder lane's {len(peaks)} bands match no run of the ladder's sizes")
    used = [p for p, _ in pairs]
    matched_sizes = [float(sizes[s]) for _, s in pairs]
    if len(pairs) < 4:  # (the curve left out one band at a time needs three others)
        raise InputError(f"only {len(pairs)} of the ladder lane's {len(peaks)} bands match the ladder's sizes "
                         f"({', '.join(f'{size:g}' for size in matched_sizes)} bp): too few to check the fit")
    residuals = _left_one_out(ys[used], np.log(matched_sizes))
    extra = tuple(float(ys[p]) for p in range(len(ys)) if p not in used)
    match = LadderMatch(tuple(float(ys[p]) for p in used), tuple(matched_sizes),
                        tuple(float(size) for size in sizes if size not in matched_sizes),
                        tuple(float(value) for value in residuals), extra)
    # The largest matched band is left to the chain's slope rule: near the wells the migration curve bends
    # most (large fragments approach a limiting mobility; a 15 kb band crowds the 10 kb one), so the
    # curve extrapolated from the bands below misplaces it.
    checked = residuals[1:]
    worst = int(np.argmax(np.abs(checked)))
    rms = float(np.sqrt(np.mean(checked**2)))
    if abs(checked[worst]) > LADDER_MAX_RESIDUAL or rms > LADDER_MAX_RESIDUAL / 2:
        shown = ", ".join(f"{size:g} bp {100 * (math.exp(value) - 1):+.0f}%" for size, value in
                          sorted(zip(matched_sizes[1:], checked, strict=True), key=lambda item: -abs(item[1]))[:3])
        raise InputError(f"the ladder lane's bands do not follow a smooth migration curve (off by {shown}): "
                         "not the ladder named, or lanes misplaced")
    dim = [float(sizes[s]) for p, s in pairs if s in reference_index and not bright[p]]
    if len(dim) >= 2:
        raise InputError(f"the ladder's brighter reference bands ({', '.join(f'{size:g}' for size in dim)} bp) are "
                         "no brighter than their neighbours where they should be: not the ladder named, or its top "
                         "bands cut off")
    # bands below the chain count against it less the ladder's sizes left below it: the smallest sizes
    # often run together into a smear whose peaks keep no spacing
    above, under, smaller = pairs[0][0], len(ys) - 1 - pairs[-1][0], len(sizes) - 1 - pairs[-1][1]
    if above > 2 or under - smaller > 1:
        where = (f"{above} above its {matched_sizes[0]:g} bp band" if above > 2 else
                 f"{under} below its {matched_sizes[-1]:g} bp band, where it has {smaller} smaller sizes")
        raise InputError(f"the ladder lane shows bands the ladder's sizes do not explain ({where}): not the ladder "
                         "named, or the lane misplaced")
    missing, inside = _gaps(pairs)
    if missing > max(2, len(used) / 2.5) or inside > 2 or len(extra) > len(used):
        gaps = [f"{missing} of its sizes missing" if missing > max(2, len(used) / 2.5) else "",
                f"{inside} bands that are none of its sizes" if inside > 2 else ""]
        raise InputError(f"the ladder lane's bands match {len(used)} of the ladder's sizes "
                         f"({matched_sizes[0]:g} to {matched_sizes[-1]:g} bp) with "
                         f"{' and '.join(filter(None, gaps)) or f'{len(extra)} bands unexplained'} between them: "
                         "not the ladder named, or the lane misplaced")
    return match


def _gaps(pairs: list[tuple[int, int]]) -> tuple[int, int]:
    """Ladder sizes skipped between the first and last matched band, and detected bands between
    them that match no size: a ladder loses bands at its ends (cut off, run together), not inside."""
    first, last = pairs[0], pairs[-1]
    return (last[1] - first[1] + 1 - len(pairs)), (last[0] - first[0] + 1 - len(pairs))


def ndarray_median_neighbours(values: np.ndarray) -> np.ndarray:
    """Each value's neighbours' median (the brighter reference bands stand out from it)."""
    result = np.empty_like(values, dtype=float)
    for index in range(len(values)):
        around = np.concatenate([values[max(0, index - 2): index], values[index + 1: index + 3]])
        result[index] = np.median(around) if len(around) else values[index]
    return result


def _sizer(fits: list[LadderFit], lane: LaneFound, lanes: dict[int, LaneFound]
           ) -> tuple[Callable[[float], float], float, float]:
    """Size of a band at y in `lane`: log(size) against migration by PCHIP, from the ladder lanes
    nearest on either side (their positions interpolated at the lane), and the ladder's y range."""
    from scipy.interpolate import PchipInterpolator

    ordered = sorted(fits, key=lambda fit: lanes[fit.lane].x)
    left = [fit for fit in ordered if lanes[fit.lane].x <= lane.x]
    right = [fit for fit in ordered if lanes[fit.lane].x > lane.x]
    if left and right:
        a, b = left[-1], right[0]
        common = [size for size in a.sizes if size in b.sizes]
        weight = (lane.x - lanes[a.lane].x) / (lanes[b.lane].x - lanes[a.lane].x)
        positions = [(1 - weight) * a.positions[a.sizes.index(size)] + weight * b.positions[b.sizes.index(size)]
                     for size in common]
        sizes = common
    else:
        nearest = left[-1] if left else right[0]
        positions, sizes = list(nearest.positions), list(nearest.sizes)
    order = np.argsort(positions)
    y, logs = np.array(positions)[order], np.log(np.array(sizes))[order]
    curve = PchipInterpolator(y, logs, extrapolate=False)
    return (lambda value: float(np.exp(curve(value)))), float(y[0]), float(y[-1])


@dataclass(frozen=True)
class Overrides:
    """What the user reads off a photo that the reader cannot find: each tier's well row
    (`wells_rows`, y in the photo's pixels, top tier first), each tier's lanes (`lanes`: the centres
    of the first and last lane, or of every lane, x in the photo's pixels), the part of the photo
    that is gel (`crop`: left, top, right, bottom in pixels; labels, drawings and the bench outside)
    and whether the bands are bright or dark (`bands`: a photo through a coloured filter with a dark
    edge can read either way)."""

    wells_rows: tuple[float, ...] = ()
    lanes: tuple[tuple[float, ...], ...] = ()
    crop: tuple[int, int, int, int] | None = None
    bands: str | None = None  # "bright", "dark"; None: detected


NO_OVERRIDES = Overrides()
BAND_POLARITIES = ("bright", "dark")


def parse_overrides(wells_row: str | Sequence[float] | None = None, lanes: Sequence[str | Sequence[float]] = (),
                    crop: str | Sequence[float] | None = None, bands: str | None = None) -> Overrides:
    """`Overrides` from the options' text (``--wells-row 25,550``, ``--lanes 220,1135`` once per tier,
    ``--crop 150,0,1360,1024``, ``--bands dark``) or the study file's values."""
    def numbers(value: str | Sequence[float], option: str) -> tuple[float, ...]:
        from genoassoc.io.records import number_or_none

        items = [item for item in str(value).split(",") if item.strip()] if isinstance(value, str) else list(value)
        parsed = [number_or_none(str(item)) for item in items]
        if not parsed or any(item is None or item < 0 for item in parsed):
            raise InputError(f"{option} takes pixel positions separated by commas, got '{value}'")
        return tuple(float(item) for item in parsed if item is not None)

    box = numbers(crop, "--crop") if crop else None
    if box is not None and len(box) != 4:
        raise InputError(f"--crop takes LEFT,TOP,RIGHT,BOTTOM, got '{crop}'")
    if bands is not None and bands not in BAND_POLARITIES:
        raise InputError(f"--bands takes {' or '.join(BAND_POLARITIES)}, got '{bands}'")
    return Overrides(numbers(wells_row, "--wells-row") if wells_row else (),
                     tuple(numbers(item, "--lanes") for item in lanes),
                     tuple(int(value) for value in box) if box else None,  # type: ignore[arg-type]
                     bands or None)
STEP_HINTS = {
    "wells": "give --wells-row Y (the wells' row in the photo, in pixels; one per tier, comma-separated)",
    "lanes": "give --lanes FIRST,LAST (the centres of the first and last lane in the photo, in pixels; "
             "repeat per tier), or --crop LEFT,TOP,RIGHT,BOTTOM around the gel",
    "ladder": "check --ladder and the layout's ladder lanes; if the lanes are misplaced, give --lanes FIRST,LAST; "
              "turn a photo taken upside down (wells at the bottom) the right way up",
}


class GelReadError(InputError):
    """A photo the reader refuses: `step` is where it failed (wells, lanes, ladder), `reading` what
    was found up to there (for the overlay)."""

    def __init__(self, problem: str, source: str, step: str, reading: GelReading | None) -> None:
        super().__init__(f"{step}: {problem}; {STEP_HINTS[step]}", source)
        self.step = step
        self.reading = reading


def _crop(image: np.ndarray, crop: tuple[int, int, int, int] | None, source: str) -> tuple[np.ndarray, int, int]:
    if crop is None:
        return image, 0, 0
    left, top, right, bottom = crop
    height, width = image.shape
    if not (0 <= left < right <= width and 0 <= top < bottom <= height) or right - left < 50 or bottom - top < 50:
        raise InputError(f"--crop {left},{top},{right},{bottom} is not a box of at least 50 x 50 pixels inside the "
                         f"photo ({width} x {height})", source)
    return image[top:bottom, left:right], left, top


BAND_COLUMNS = ["x", "y", "size_bp", "intensity", "prominence", "used", "note"]


def prepared_photo(photo: str | os.PathLike, layout: pd.DataFrame, overrides: Overrides = NO_OVERRIDES) -> GelReading:
    """The photo loaded, cropped, scaled down to `WORKING_SIZE` if larger, oriented (bright bands) and
    straightened, nothing read from it yet: the image every reading of this photo (and its review's
    corrections) refers to."""
    source = str(photo)
    cropped, left, top_offset = _crop(load_photo(photo), overrides.crop, source)
    scale = min(1.0, WORKING_SIZE / max(cropped.shape))
    if scale < 1.0:
        from skimage.transform import rescale

        cropped = rescale(cropped, scale, anti_aliasing=True)
    if overrides.bands:
        inverted = overrides.bands == "dark"
        image = 1.0 - cropped if inverted else cropped
    else:
        image, inverted = orient(cropped)
    image, angle = straighten(image)
    key = layout.attrs.get("key", "assay")
    empty = pd.DataFrame(columns=["tier", "lane", "sample", key, *BAND_COLUMNS])
    reading = GelReading(image, [], empty, [], {}, angle, inverted, Path(source).name, [], {})
    reading.offset, reading.scale = (left, top_offset), scale
    if scale < 1.0:
        reading.notes.append(f"read at {image.shape[1]} x {image.shape[0]} pixels (the photo scaled by {scale:.3g}; "
                             "--wells-row, --lanes and --crop stay in the photo's pixels)")
    reading.notes += [f"photo straightened by {angle:.1f} degrees" if angle else "photo straight",
                      ("inverted (dark bands on a light background)" if inverted else
                       "bright bands on a dark background") + (" (given)" if overrides.bands else "")]
    if overrides.crop:
        reading.notes.append("cropped to {},{},{},{} (--crop)".format(*overrides.crop))
    return reading


def read_gel(photo: str | os.PathLike, layout: pd.DataFrame, ladder_spec: Ladder | None,
             progress: Callable[[int, int], None] | None = None, overrides: Overrides = NO_OVERRIDES
             ) -> GelReading:
    """Lanes, bands and sizes of a gel photo laid out as `layout` (`read_layout`); without a ladder
    (`ladder_spec` None) the bands are found and not sized. `overrides` gives what the photo cannot
    show (`Overrides`). A refusal is a `GelReadError` naming the step that failed and carrying what
    was found before it."""
    source = str(photo)
    tiers = sorted(layout["tier"].unique())
    for option, given in (("--wells-row", overrides.wells_rows), ("--lanes", overrides.lanes)):
        if given and len(given) != len(tiers):
            raise InputError(f"{option} gives {len(given)} tier{'s' if len(given) != 1 else ''} for a layout of "
                             f"{len(tiers)}", source)
    reading = prepared_photo(photo, layout, overrides)
    image, left = reading.image, reading.offset[0]
    if overrides.wells_rows:
        centre = image.shape[1] / 2
        wells = [float(reading.from_photo(centre / reading.scale + left, row)[0][1]) for row in overrides.wells_rows]
        reading.notes.append("well rows given (--wells-row)")
    else:
        wells, found_notes = _wells(image, len(tiers))
        reading.notes += found_notes
    reading.wells = dict(zip(tiers, wells, strict=False))
    if len(wells) < len(tiers):
        raise GelReadError(f"the layout has {len(tiers)} tiers but the photo shows the wells of {len(wells)}", source,
                           "wells", reading)
    _read_tiers(reading, layout, ladder_spec, tiers, wells, overrides, source, progress)
    return reading


def _read_tiers(reading: GelReading, layout: pd.DataFrame, ladder_spec: Ladder | None, tiers: list[int],
                wells: list[float], overrides: Overrides, source: str,
                progress: Callable[[int, int], None] | None) -> None:
    image = reading.image
    height = image.shape[0]
    records: list[dict] = []
    key = layout.attrs.get("key", "assay")
    combs = _slot_combs(image, layout, tiers, wells) if not overrides.lanes else {}
    for index, tier in enumerate(tiers):
        top = int(max(0, wells[index] - 4))
        margin = max(8, int(WELL_MARGIN * height))
        bottom = int(wells[index + 1] - margin) if index + 1 < len(wells) else height
        region = image[top:bottom]
        entries = layout[layout["tier"] == tier].set_index("lane")
        count = int(entries.index.max())
        ladder_lanes = [int(number) for number, entry in entries.iterrows()
                        if str(entry["sample"]).lower() == LADDER_SAMPLE]
        if overrides.lanes:
            lanes = _given_lanes(reading, overrides.lanes[index], tier, count, wells[index], source)
        else:
            try:
                lanes = _find_lanes(region, tier, count, ladder_lanes, source, combs.get(tier))
            except InputError as err:
                raise GelReadError(err.problem, source, "lanes", reading) from None
        background_level = float(np.median(region))
        start = int(wells[index] - top) + margin
        peaks: dict[int, list[_Peak]] = {}
        statuses: dict[int, tuple[str, str]] = {}
        for lane in lanes:
            found, status, note = _lane_peaks(region, lane, start, background_level,
                                              ladder=lane.lane in ladder_lanes)
            statuses[lane.lane] = (status, note)
            peaks[lane.lane] = [_Peak(peak.y + top, peak.prominence, peak.intensity) for peak in found]
        _drop_well_rims(peaks, wells[index], WELL_ZONE * height)
        # fainter than a twentieth of the tier's strongest band is background texture (JPEG blocks, stain);
        # a ladder lane that holds a ladder (its strongest band a tenth of the tier's or more) has its faint
        # bands measured against its own strongest (a saturated product elsewhere says nothing of them, and
        # the ladder's match tolerates an extra band); an empty ladder lane's noise stays below the floor
        strongest = max((peak.prominence for found in peaks.values() for peak in found), default=0.0)
        for number in peaks:
            floor = RELATIVE_FLOOR * strongest
            own = max((peak.prominence for peak in peaks[number]), default=0.0)
            if number in ladder_lanes and own >= LADDER_OWN_SHARE * strongest:
                floor = min(floor, RELATIVE_FLOOR * own)
            peaks[number] = [peak for peak in peaks[number] if peak.prominence >= floor]
            status, note = statuses[number]
            if status == "ok" and not peaks[number]:
                statuses[number] = ("blank", "")
        for lane in lanes:
            reading.lanes.append(LaneFound(tier, lane.lane, lane.x, lane.width, *statuses[lane.lane]))
            reading.peaks[(tier, lane.lane)] = [peak.y for peak in peaks[lane.lane]]
        by_number = {lane.lane: reading.lanes[-count + lane.lane - 1] for lane in lanes}
        tier_fits = []
        for number, entry in entries.iterrows():
            if str(entry["sample"]).lower() != LADDER_SAMPLE or ladder_spec is None:
                continue
            try:
                match = _match_ladder(peaks[number], ladder_spec.sizes, ladder_spec.reference)
            except InputError as err:
                raise GelReadError(f"tier {tier}, lane {number}: {err.problem}", source, "ladder", reading) from None
            tier_fits.append(LadderFit(tier, int(number), match.positions, match.sizes, match.left_out))
            if match.left_out:
                reading.notes.append(f"tier {tier}, ladder lane {number}: used {len(match.sizes)} of "
                                     f"{len(ladder_spec.sizes)} ladder bands "
                                     f"({', '.join(f'{size:g}' for size in match.left_out)} bp not resolved)")
        reading.ladders += tier_fits
        for number, entry in entries.iterrows():
            lane = by_number[int(number)]
            if str(entry["sample"]).lower() == LADDER_SAMPLE:
                continue
            for peak in peaks[int(number)]:
                size, note = _size_band(tier_fits, lane, by_number, peak.y)
                records.append({"tier": tier, "lane": int(number), "sample": entry["sample"], key: entry[key],
                                "x": lane.x, "y": peak.y, "size_bp": size, "intensity": peak.intensity,
                                "prominence": peak.prominence, "used": size == size, "note": note})
        if progress is not None:
            progress(index + 1, len(tiers))
    reading.bands = pd.DataFrame(records, columns=["tier", "lane", "sample", key, *BAND_COLUMNS])


def _slot_combs(image: np.ndarray, layout: pd.DataFrame, tiers: list[int], wells: list[float]
                ) -> dict[int, tuple[float, float, float]]:
    """Each tier's comb of wells: from its own slots, with the pitch of the clearest tier's comb (one
    comb cuts all tiers); a tier whose wells the photo does not show takes the clearest tier's comb."""
    left, right = _gel_columns(image, 0.005)
    counts = {tier: int(layout[layout["tier"] == tier]["lane"].max()) for tier in tiers}
    detail = _slot_detail(image)
    spread = _robust_sd(detail[:, left:right]) + 1e-6
    centres = {tier: _slot_centres(detail, spread, well, left, right)
               for tier, well in zip(tiers, wells, strict=True) if well > 0}
    own = {}
    for tier in centres:
        comb = _comb_of_slots(centres[tier], counts[tier], left, right)
        if comb is None or comb[2] < max(3, 0.4 * counts[tier]):
            continue
        # a comb running past the gel's end began at a slot to the right of lane 1 (the first wells
        # unseen, under a glove's edge): it moves left by as many teeth as it overruns
        overrun = math.ceil((comb[0] + (counts[tier] - 1.5) * comb[1] - right) / comb[1])
        if overrun > 0:
            comb = (comb[0] - overrun * comb[1], comb[1], comb[2])
        if comb[0] >= left - comb[1] / 2:
            own[tier] = comb
    if not own:
        return {}
    clearest = max(own.values(), key=lambda comb: comb[2])
    combs = {}
    for tier in tiers:
        comb = own.get(tier)
        if comb is not None and abs(comb[1] / clearest[1] - 1) > 0.1:
            comb = _comb_of_slots(centres[tier], counts[tier], left, right, clearest[1])
        combs[tier] = comb if comb is not None else clearest
    return combs


def _drop_well_rims(peaks: dict[int, list[_Peak]], well: float, zone: float) -> None:
    """Peaks just below the wells found at one height in most lanes (4 or more, 60%): the wells' rim."""
    if len(peaks) < 4:
        return
    near = [peak.y for found in peaks.values() for peak in found if well <= peak.y <= well + zone]
    rims = [y for y in near if sum(any(abs(peak.y - y) <= 3 for peak in found) for found in peaks.values())
            >= 0.6 * len(peaks)]
    if rims:
        for number in peaks:
            peaks[number] = [peak for peak in peaks[number] if not any(abs(peak.y - y) <= 3 for y in rims)]


def _given_lanes(reading: GelReading, given: tuple[float, ...], tier: int, count: int, well: float, source: str
                 ) -> list[LaneFound]:
    """The lanes the user gave (photo x of the first and last, or of each), in the straightened image."""
    if len(given) == 2 and count != 2:
        xs = np.linspace(given[0], given[1], count)
    elif len(given) == count:
        xs = np.array(given, float)
    else:
        raise InputError(f"--lanes for tier {tier} gives {len(given)} centres: give the first and last, or all "
                         f"{count}", source)
    row = float(reading.to_photo(reading.image.shape[1] / 2, well)[0][1])
    straight = reading.from_photo(xs, np.full(count, row))[:, 0]
    width = reading.image.shape[1]
    outside = [index + 1 for index, x in enumerate(straight) if not 0 <= x < width]
    if outside:
        raise InputError(f"--lanes for tier {tier} puts lane {outside[0]} outside the photo", source)
    pitch = abs(float(straight[-1] - straight[0])) / max(count - 1, 1) if count > 1 else width / 4
    if "lanes given (--lanes)" not in reading.notes:
        reading.notes.append("lanes given (--lanes)")
    return [LaneFound(tier, number, float(x), 0.55 * pitch) for number, x in enumerate(straight, start=1)]


def _size_band(fits: list[LadderFit], lane: LaneFound, lanes: dict[int, LaneFound], y: float) -> tuple[float, str]:
    """A band's size from the ladders of its tier: between the ladder lanes on either side where both
    reach it, else from the nearest ladder lane that does (one ladder lane may lose its smallest band
    while the other keeps it); outside every ladder's range it gets no size."""
    if not fits:
        return math.nan, "no ladder: not sized"
    size_of, low, high = _sizer(fits, lane, lanes)
    if low - 2 <= y <= high + 2:
        return size_of(min(max(y, low), high)), ""
    for fit in sorted(fits, key=lambda item: abs(lanes[item.lane].x - lane.x)):
        size_of, low, high = _sizer([fit], lane, lanes)
        if low - 2 <= y <= high + 2:
            return size_of(min(max(y, low), high)), f"sized on ladder lane {fit.lane} alone (the other ends above it)"
    lowest = min(min(fit.positions) for fit in fits)
    return math.nan, ("above the ladder's largest band: not sized" if y < lowest
                      else "below the ladder's smallest band: not sized")


def band_table(reading: GelReading, layout: pd.DataFrame) -> pd.DataFrame:
    """The wide band table `call --rflp` reads: one row per sample lane, sizes and intensities
    comma-separated (largest first), with a reason where a lane gives none."""
    key = layout.attrs.get("key", "assay")
    status = {(lane.tier, lane.lane): lane for lane in reading.lanes}
    rows = []
    for _, entry in layout.sort_values(["tier", "lane"]).iterrows():
        if str(entry["sample"]).lower() == LADDER_SAMPLE:
            continue
        lane = status[(entry["tier"], entry["lane"])]
        bands = reading.bands[(reading.bands["tier"] == entry["tier"]) & (reading.bands["lane"] == entry["lane"])
                              & reading.bands["used"]].sort_values("size_bp", ascending=False)
        reason = lane.note if lane.status in ("smeared", "ladder") else ""
        flagged = reading.bands[(reading.bands["tier"] == entry["tier"]) & (reading.bands["lane"] == entry["lane"])
                                & ~reading.bands["used"]]
        note = "; ".join(f"band at row {row['y']:.0f} {row['note']}" for _, row in flagged.iterrows())
        rows.append({"sample": entry["sample"], key: entry[key],
                     "gel": reading.name if layout["tier"].nunique() == 1 else f"{reading.name}:tier{entry['tier']}",
                     "lane": str(entry["lane"]),
                     "bands": ",".join(f"{size:.0f}" for size in bands["size_bp"]),
                     "intensity": ",".join(f"{value:.4g}" for value in bands["intensity"]),
                     "reason": reason, "note": note})
    return pd.DataFrame(rows, columns=["sample", key, "gel", "lane", "bands", "intensity", "reason", "note"])
