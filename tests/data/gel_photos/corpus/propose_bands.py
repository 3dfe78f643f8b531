"""Candidate bands for marking a photo by hand (how bands_hand.tsv was begun): at lane centres read off the
photo by eye, the local maxima of each lane's mean profile above a rolling background (scipy), with the
extent at half prominence, and a copy of the photo with every candidate drawn and numbered. Each candidate
was then kept, moved or dropped by eye on that drawing, at full resolution; bands it missed were added.

    python propose_bands.py PHOTO X1,X2,... HALF_WIDTH TOP BOTTOM [SHARE] > candidates.tsv

SHARE (default 0.05): the least prominence as a share of the lane's strongest candidate."""

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage, signal


def grey(path: str) -> np.ndarray:
    picture = Image.open(path)
    pixels = np.asarray(picture if picture.mode.startswith("I") else picture.convert("F")).astype(float)
    return pixels.mean(axis=2) if pixels.ndim == 3 else pixels


def candidates(pixels: np.ndarray, xs: list[float], half: int, top: int, bottom: int, share: float):
    for lane, x in enumerate(xs, start=1):
        profile = pixels[top:bottom, int(x - half): int(x + half) + 1].mean(axis=1)
        trace = ndimage.gaussian_filter1d(profile - ndimage.grey_opening(profile, size=41), 1.0)
        steps = np.diff(trace)
        noise = 1.4826 * np.median(np.abs(steps - np.median(steps))) / np.sqrt(2) + 1e-9
        peaks, found = signal.find_peaks(trace, prominence=5 * noise)
        if not len(peaks):
            continue
        keep = found["prominences"] >= share * found["prominences"].max()
        for peak, prominence in zip(peaks[keep], found["prominences"][keep], strict=True):
            _, _, low, high = signal.peak_widths(trace, [peak], rel_height=0.5)
            yield lane, x, top + peak, top + low[0], top + high[0], prominence


def main() -> None:
    photo, xs, half = sys.argv[1], [float(value) for value in sys.argv[2].split(",")], int(sys.argv[3])
    top, bottom = int(sys.argv[4]), int(sys.argv[5])
    share = float(sys.argv[6]) if len(sys.argv) > 6 else 0.05
    pixels = grey(photo)
    found = list(candidates(pixels, xs, half, top, bottom, share))
    print("lane\tx\ty\ttop\tbottom\tprominence")
    for lane, x, y, low, high, prominence in found:
        print(f"{lane}\t{x:.0f}\t{y:.0f}\t{low:.0f}\t{high:.0f}\t{prominence:.1f}")
    low, high = np.percentile(pixels, [1, 99.7])
    drawing = Image.fromarray(np.clip((pixels - low) / (high - low) * 255, 0, 255).astype("uint8")).convert("RGB")
    pen = ImageDraw.Draw(drawing)
    for x in xs:
        pen.line([(x, top), (x, bottom)], fill=(0, 255, 255))
    for lane, x, y, _, _, _ in found:
        pen.line([(x - half, y), (x + half, y)], fill=(255, 0, 0))
        pen.text((x + half + 2, y - 5), f"{lane}:{y:.0f}", fill=(255, 255, 0))
    drawing.save(f"candidates_{Path(photo).stem}.png")


if __name__ == "__main__":
    main()
