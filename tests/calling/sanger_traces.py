"""Synthetic Sanger traces with known genotypes, written as ABIF (.ab1) files Biopython reads.

Peaks are Gaussians of a width that grows along the read, with dye-specific heights (ddT tallest, ddG
lowest, as big-dye chemistry gives), height varying peak to peak, a baseline and noise in every
channel, small secondary peaks at every base, an optional dye blob (a broad peak of unincorporated
dye) and a heterozygous site whose second peak may be shifted (mobility differs by dye).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

ORDER = "GATC"
DYE = {"A": 0.9, "C": 0.75, "G": 0.55, "T": 1.0}
SPACING = 12


def render(sequence: str, het: dict[int, tuple[str, float]] | None = None, seed: int = 0, noise: float = 0.02,
           secondary: float = 0.06, blob: int | None = None, shift: float = 0.0
           ) -> tuple[dict[str, np.ndarray], list[int], str, list[int]]:
    """(channels, peak positions, base calls, qualities) of a read of `sequence`; `het` maps a base
    index to (the second allele, its height relative to the first)."""
    rng = np.random.default_rng(seed)
    het = het or {}
    length = SPACING * (len(sequence) + 2)
    x = np.arange(length, dtype=float)
    channels = {base: 40 + rng.normal(0, noise * 1000, length).clip(0) for base in ORDER}
    peaks, qualities = [], []

    def peak(base: str, centre: float, height: float, width: float) -> None:
        channels[base] += height * np.exp(-0.5 * ((x - centre) / width) ** 2)

    for index, base in enumerate(sequence):
        centre = SPACING * (index + 1) + rng.normal(0, 0.4)
        width = 2.0 + 1.5 * index / len(sequence)
        height = 1500 * DYE[base] * rng.uniform(0.6, 1.4)
        peak(base, centre, height, width)
        for other in ORDER:
            if other != base:
                peak(other, centre + rng.normal(0, 1), height * secondary * rng.uniform(0, 1), width)
        if index in het:
            second, share = het[index]
            peak(second, centre + shift, height * share * DYE[second] / DYE[base], width)
        peaks.append(int(round(centre)))
        qualities.append(18 if index in het else int(rng.integers(35, 50)))
    if blob is not None:
        peak("G", SPACING * (blob + 1), 900, 9)
    scale = 30000 / max(values.max() for values in channels.values())
    return ({base: (values * min(scale, 1.0)).round().astype(np.int16) for base, values in channels.items()},
            peaks, sequence, qualities)


def write_abif(path: str | Path, channels: dict[str, np.ndarray], peaks: list[int], bases: str,
               qualities: list[int], sample: str = "", order: str = ORDER) -> Path:
    """An ABIF file with the records a base-called trace has (DATA9-12, FWO_1, PLOC2, PBAS2, PCON2,
    SMPL1), laid out as the ABIF specification gives: a 128-byte header, the data, the directory."""
    entries = [(f"DATA{9 + i}".encode()[:4], 9 + i, 4, 2, len(channels[base]),
                struct.pack(f">{len(channels[base])}h", *channels[base].tolist())) for i, base in enumerate(order)]
    entries = [(b"DATA", number, kind, size, count, data) for _, number, kind, size, count, data in entries]
    entries += [(b"FWO_", 1, 2, 1, 4, order.encode()),
                (b"PLOC", 2, 4, 2, len(peaks), struct.pack(f">{len(peaks)}h", *peaks)),
                (b"PBAS", 2, 2, 1, len(bases), bases.encode()),
                (b"PCON", 2, 2, 1, len(qualities), bytes(qualities))]
    if sample:
        name = sample.encode()
        entries.append((b"SMPL", 1, 18, 1, len(name) + 1, bytes([len(name)]) + name))
    body, directory = bytearray(), bytearray()
    offset = 128
    for tag, number, kind, size, count, data in entries:
        if len(data) <= 4:
            directory += struct.pack(">4sI2H2I", tag, number, kind, size, count, len(data)) + data.ljust(4, b"\0")
        else:
            directory += struct.pack(">4sI2H3I", tag, number, kind, size, count, len(data), offset + len(body))
        directory += struct.pack(">I", 0)
        body += data
    header = b"ABIF" + struct.pack(">H4sI2H3I", 101, b"tdir", 1, 1023, 28, len(entries), len(directory),
                                   offset + len(body)) + struct.pack(">I", 0)
    Path(path).write_bytes(header.ljust(128, b"\0") + bytes(body) + bytes(directory))
    return Path(path)


def reverse_read(sequence: str, het: dict[int, tuple[str, float]]) -> tuple[str, dict[int, tuple[str, float]]]:
    """The same molecule read from the other strand: reverse complement, het sites moved with it."""
    table = str.maketrans("ACGT", "TGCA")
    n = len(sequence)
    return sequence.translate(table)[::-1], {n - 1 - index: (allele.translate(table), share)
                                            for index, (allele, share) in het.items()}
