"""Synthetic agarose-gel photos with known truth, for tests, the example study and benchmarks.

A photo is drawn as a transilluminator shows it: bright bands on a dark background (or inverted, as a
stained gel or a saved negative looks), with what real photos have — semi-log migration with
curvature, lanes running faster in the middle (smile), bands broadening with distance, intensity
proportional to the DNA mass, a background gradient, camera noise, dust specks, bright wells, primer
dimers at the bottom, an optional tilt and several tiers of wells. The truth (every band's lane,
size and pixel position) comes back with the image.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RenderedLane:
    """One lane: its fragments (bp) and their DNA masses (ng), or a smear."""

    sizes: tuple[float, ...] = ()
    masses: tuple[float, ...] = ()
    smear: bool = False
    primer_dimer: bool = False


@dataclass
class GelPhoto:
    image: np.ndarray  # float, 0..1, rows × columns
    bands: list[dict[str, float]] = field(default_factory=list)  # tier, lane, size, x, y
    lane_x: dict[tuple[int, int], float] = field(default_factory=dict)  # (tier, lane) -> x
    well_y: dict[int, float] = field(default_factory=dict)  # tier -> y of the wells


def _migration(size: float, top: float, bottom: float, curvature: float) -> float:
    """Relative migration (0 at the well, 1 at the gel's end) of a fragment: linear in log size
    between `top` and `bottom` bp, bent by `curvature` (1 = exactly semi-log)."""
    span = (math.log(top) - math.log(size)) / (math.log(top) - math.log(bottom))
    return float(np.clip(span, 0.0, 1.2) ** curvature)


def render_gel(
    tiers: Sequence[Sequence[RenderedLane]],
    *,
    width: int = 900,
    tier_height: int = 420,
    lane_pitch: float | None = None,
    lane_width: float = 26.0,
    resolving: tuple[float, float] = (1500.0, 40.0),
    curvature: float = 0.85,
    smile: float = 10.0,
    band_sigma: float = 1.6,
    broadening: float = 1.2,
    gain: float = 0.012,
    background: float = 0.08,
    gradient: tuple[float, float] = (0.04, 0.03),
    noise: float = 0.012,
    dust: int = 25,
    tilt_degrees: float = 0.0,
    inverted: bool = False,
    contrast: float = 1.0,
    seed: int = 1,
) -> GelPhoto:
    """Draw `tiers` of lanes (each tier a row of wells) into one photo."""
    rng = np.random.default_rng(seed)
    height = tier_height * len(tiers) + 30
    rows, columns = np.mgrid[0:height, 0:width].astype(float)
    image = background + gradient[0] * columns / width + gradient[1] * rows / height
    photo = GelPhoto(image)
    signal = np.zeros_like(image)
    for tier_index, lanes in enumerate(tiers, start=1):
        count = len(lanes)
        pitch = lane_pitch or (width - 80) / count
        first = (width - pitch * (count - 1)) / 2
        well = 15 + (tier_index - 1) * tier_height + 12
        photo.well_y[tier_index] = well
        length = tier_height - 45
        for lane_index, lane in enumerate(lanes, start=1):
            x = first + (lane_index - 1) * pitch
            photo.lane_x[(tier_index, lane_index)] = x
            across = np.clip((lane_width / 2 + 1.5 - np.abs(columns - x)) / 3.0, 0, 1)
            # the well: a bright slot as DNA left in it glows
            signal += 0.25 * across * np.exp(-0.5 * ((rows - well) / 2.0) ** 2)
            offset = (x - width / 2) / (width / 2)
            for size, mass in zip(lane.sizes, lane.masses, strict=True):
                moved = _migration(size, *resolving, curvature)
                y = well + 8 + moved * length + smile * (1 - offset**2) * moved
                sigma = band_sigma * (1 + broadening * moved)
                signal += across * gain * contrast * mass / sigma * np.exp(-0.5 * ((rows - y) / sigma) ** 2)
                photo.bands.append({"tier": tier_index, "lane": lane_index, "size": size, "x": x, "y": y})
            if lane.smear:
                start, end = well + 10, well + 8 + length * 0.9
                inside = (rows > start) & (rows < end)
                signal += across * 0.18 * contrast * inside * np.exp(-(rows - start) / (0.5 * length))
            if lane.primer_dimer:
                y = well + 8 + length * 0.96
                signal += across * 0.06 * contrast * np.exp(-0.5 * ((rows - y) / 5.0) ** 2)
    image = image + signal
    for _ in range(dust):
        y, x = rng.integers(0, height), rng.integers(0, width)
        radius = rng.uniform(0.6, 1.6)
        image += rng.uniform(0.2, 0.6) * np.exp(-((rows - y) ** 2 + (columns - x) ** 2) / (2 * radius**2))
    image = image + rng.normal(0.0, noise, image.shape)
    if tilt_degrees:
        from skimage.transform import rotate

        centre = (width / 2, height / 2)
        image = rotate(image, tilt_degrees, resize=False, mode="edge", center=centre, preserve_range=True)
        turn = math.radians(tilt_degrees)
        for band in photo.bands:
            dx, dy = band["x"] - centre[0], band["y"] - centre[1]
            # skimage rotates counter-clockwise for a positive angle (image y pointing down)
            band["x"] = centre[0] + dx * math.cos(turn) + dy * math.sin(turn)
            band["y"] = centre[1] - dx * math.sin(turn) + dy * math.cos(turn)
    image = np.clip(image, 0.0, 1.0)
    photo.image = 1.0 - image if inverted else image
    return photo


def save_photo(photo: GelPhoto, path: str, bits: int = 8) -> None:
    """Write the photo as PNG/TIFF/JPEG (8- or 16-bit grey)."""
    from skimage import io

    scale = 255 if bits == 8 else 65535
    data = np.round(photo.image * scale).astype(np.uint8 if bits == 8 else np.uint16)
    io.imsave(path, data, check_contrast=False)
