"""The records at a few positions of a bgzipped, tabix-indexed VCF, inflating only their blocks.

A tabix index places records by 16 kb windows: htslib starts a region query at the window's first
record and inflates every record up to the one asked for. A biobank record is megabytes (500 000
samples), so the two IL6 loci, 400 bp apart among a record every 10 bp, cost some 200 MB of
inflating. Records within a contig are sorted by position, and every BGZF block inflates on its
own, so the record is found instead by bisection over the compressed bytes between the window's
start and the contig's last chunk (both from the .tbi): a few 64 kb blocks are inflated per step,
then the record's own blocks. Anything unexpected (a .csi index, a damaged block) gives None and
the caller uses htslib's region query.
"""

from __future__ import annotations

import gzip
import mmap
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

_MAGIC = b"\x1f\x8b\x08\x04"
# bisect until the span is a few blocks, then read forward
_CLOSE_ENOUGH = 1 << 16


@dataclass(frozen=True)
class _Contig:
    linear: tuple[int, ...]  # virtual offset of the first record of each 16 kb window
    last: int                # compressed offset of the end of the contig's last chunk


def _read_tbi(path: Path) -> dict[str, _Contig] | None:
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error):
        return None
    if data[:4] != b"TBI\x01":
        return None
    n_ref, = struct.unpack_from("<i", data, 4)
    name_length, = struct.unpack_from("<i", data, 32)
    names = data[36:36 + name_length].split(b"\x00")[:n_ref]
    offset, contigs = 36 + name_length, {}
    for name in names:
        n_bin, = struct.unpack_from("<i", data, offset)
        offset += 4
        last = 0
        for _ in range(n_bin):
            _, n_chunk = struct.unpack_from("<Ii", data, offset)
            offset += 8
            chunks = struct.unpack_from(f"<{2 * n_chunk}Q", data, offset)
            offset += 16 * n_chunk
            last = max([last, *(end >> 16 for end in chunks[1::2])])
        n_intv, = struct.unpack_from("<i", data, offset)
        offset += 4
        linear = struct.unpack_from(f"<{n_intv}Q", data, offset)
        offset += 8 * n_intv
        contigs[name.decode()] = _Contig(linear, last)
    return contigs


class _Blocks:
    """The BGZF blocks of a memory-mapped file: find the one at or after an offset, inflate it.

    Inflated blocks are kept: bisection over records of megabytes steps into the same blocks again
    (a 10-record, 500 000-sample file: 303 inflations of 102 blocks without the cache)."""

    _KEEP = 512  # blocks of at most 64 kb: 32 MB at most

    def __init__(self, data: mmap.mmap):
        self.data = data
        self._inflated: dict[int, tuple[bytes, int]] = {}

    def block_at_or_after(self, offset: int) -> int | None:
        while True:
            found = self.data.find(_MAGIC, offset)
            if found < 0:
                return None
            if self.valid(found):
                return found
            offset = found + 1

    def valid(self, offset: int) -> bool:
        header = self.data[offset:offset + 18]
        if len(header) < 18 or header[10:16] != b"\x06\x00BC\x02\x00":
            return False
        end = offset + struct.unpack_from("<H", header, 16)[0] + 1
        return end == len(self.data) or self.data[end:end + 4] == _MAGIC

    def inflate(self, offset: int) -> tuple[bytes, int]:
        """The block's text and the offset of the next block."""
        known = self._inflated.get(offset)
        if known is None:
            size = struct.unpack_from("<H", self.data, offset + 16)[0] + 1
            known = zlib.decompress(self.data[offset + 18:offset + size - 8], -15), offset + size
            if len(self._inflated) >= self._KEEP:
                self._inflated.clear()
            self._inflated[offset] = known
        return known


def _record_start(text: bytes, at: int) -> tuple[bytes, int] | None:
    """(contig, position) of the record starting at `at`, or None when its first two fields are not
    all in `text` yet (or are not a record's)."""
    first = text.find(b"\t", at)
    second = text.find(b"\t", first + 1) if first >= 0 else -1
    if second < 0 or text.find(b"\n", at, second) >= 0:
        return None
    position = text[first + 1:second]
    return (text[at:first], int(position)) if position.isdigit() else None


def _first_record(blocks: _Blocks, offset: int, chrom: bytes) -> tuple[int, int] | None:
    """(position, block offset) of the first record starting after the first line break at or after
    the block at `offset`; None past the end or past the contig."""
    block = blocks.block_at_or_after(offset)
    text = b""
    while block is not None and block < len(blocks.data):
        start = block
        piece, block = blocks.inflate(block)
        text += piece
        cut = text.find(b"\n")
        if cut < 0:
            text = b""
            continue
        found = _record_start(text, cut + 1)
        while found is None and block < len(blocks.data):
            piece, block = blocks.inflate(block)
            text += piece
            found = _record_start(text, cut + 1)
        if found is None or found[0] != chrom:
            return None
        return found[1], start
    return None


def read_header(path: Path) -> tuple[list[str], list[str]] | None:
    """The header lines (up to #CHROM) and the indexed contig names of a bgzipped VCF with a .tbi,
    inflated here rather than by htslib (saving pysam's import on this path); None when the file or
    its index is not of that kind."""
    index = Path(str(path) + ".tbi")
    contigs = _read_tbi(index) if index.is_file() else None
    if contigs is None:
        return None
    pieces: list[bytes] = []
    size, chrom_at = 0, -1  # text inflated so far; where the #CHROM line starts in it
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            blocks, block = _Blocks(data), 0
            while True:
                if block >= len(data) or not blocks.valid(block):
                    return None
                piece, block = blocks.inflate(block)
                previous = pieces[-1][-7:] if pieces else b"\n"  # "#CHROM" may straddle two blocks
                pieces.append(piece)
                if chrom_at < 0:
                    hit = (previous + piece).find(b"\n#CHROM")
                    if hit >= 0:
                        chrom_at = size - len(previous) + hit + 1
                if chrom_at >= 0:
                    end = piece.find(b"\n", max(chrom_at - size, 0))
                    if end >= 0:
                        lines = b"".join(pieces)[:size + end].decode("utf-8").split("\n")
                        return lines, list(contigs)
                size += len(piece)
    except (OSError, ValueError, zlib.error, struct.error, UnicodeDecodeError):
        return None


def records_at(path: Path, chrom: str, positions: list[int]) -> dict[int, list[str]] | None:
    """The record lines at `positions` on `chrom` (the file's contig name), by position; None when
    the file or its index is not of the kind this reads (the caller then uses htslib)."""
    index = Path(str(path) + ".tbi")
    contigs = _read_tbi(index) if index.is_file() else None
    if contigs is None or chrom not in contigs or not contigs[chrom].linear:
        return None
    contig, name = contigs[chrom], chrom.encode()
    found: dict[int, list[str]] = {}
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            blocks = _Blocks(data)
            for position in sorted(set(positions)):
                window = min((position - 1) >> 14, len(contig.linear) - 1)
                low, high = contig.linear[window] >> 16, contig.last
                while high - low > _CLOSE_ENOUGH:
                    middle = (low + high) // 2
                    first = _first_record(blocks, middle, name)
                    if first is None or first[0] >= position:
                        high = middle
                    else:
                        low = first[1]
                start = contig.linear[window]
                within = start & 0xFFFF if low == start >> 16 else None
                lines = _scan(blocks, low, within, name, position)
                if lines is None:
                    return None
                found[position] = lines
    except (OSError, ValueError, zlib.error, struct.error):
        return None
    return found


def _scan(blocks: _Blocks, offset: int, within: int | None, chrom: bytes, position: int) -> list[str] | None:
    """The lines of the records at `position`, reading forward from the block at `offset`: a record
    starts at byte `within` of it (the index's window start), or else after its first line break."""
    if not blocks.valid(offset):
        return None
    target = b"\n" + chrom + b"\t" + str(position).encode() + b"\t"
    piece, block = blocks.inflate(offset)
    text, lines = (b"\n" + piece[within:] if within is not None else piece), []
    at = -1  # where the record being read starts in `text`
    while True:
        if at < 0:
            at = text.find(target)
        if at >= 0:
            # a record of megabytes arrives block by block: look for its end in the new text only
            end = text.find(b"\n", max(at + 1, len(text) - len(piece)))
            if end >= 0:
                lines.append(text[at + 1:end].decode("utf-8"))
                text, at = text[end:], -1
                continue
        elif lines or _past(text, chrom, position):
            return lines
        else:
            # keep the last line's start: a record may begin in this block and end in a later one
            cut = text.rfind(b"\n")
            text = text[cut:] if cut >= 0 else b""
        if block >= len(blocks.data):
            return lines
        piece, block = blocks.inflate(block)
        text += piece


def _past(text: bytes, chrom: bytes, position: int) -> bool:
    """Whether `text` holds the start of a record beyond `position` (or of another contig)."""
    start = 0
    while (start := text.find(b"\n", start) + 1) > 0:
        found = _record_start(text, start)
        if found is not None and (found[0] != chrom or found[1] > position):
            return True
    return False
