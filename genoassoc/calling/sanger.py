"""Genotypes from Sanger traces: the SNP found in each read by its flanking sequence, called from the
heights of its two alleles' peaks against the trace's own noise.

A trace (ABI ``.ab1``, read by Biopython's ``Bio.SeqIO`` 'abi' parser, or SCF version 3, read here:
Biopython has none) gives four analysed channels (ABI: DATA9-12 in the order of FWO_1), the base
caller's peak positions, bases and qualities. The locus's forward-strand flanks (a panel's
``flank5``/``flank3``; else 50 bases either side cut from ``--reference``; else the catalog's, the bases
of published allele-specific probes, 12-13 before the SNP and 4 after) are aligned to the read's bases,
forward and reverse-complemented (Biopython's ``PairwiseAligner``, local, N scored as neither match nor
mismatch); the base aligned to the SNP is the site when each flank aligns over `MIN_FLANK_BASES` bases,
or over all but one of a shorter flank's, at `MIN_FLANK_MATCH` identity (a gap, or a short flank's base
left unaligned, is a mismatch: one error in the catalog's 16-17). The catalog's flanks must agree with a
reference's bases: a disagreement means another build or sequence, and is refused. At its peak position
each channel's height is the channel's maximum within two samples; the site's primary height is the
larger of the locus's two alleles (complemented on a reverse read). The noise is the trace's own: at the
10 called bases either side (not the site's neighbours), the strongest channel other than the called
base relative to it. The site is heterozygous when the weaker allele reaches `HET_FLOOR` of the stronger
and stands above that noise (its 90th centile times `NOISE_FACTOR`); homozygous when it stays below half
that floor, or below the floor and within the noise; otherwise a no-call (a noisy trace, or a secondary
peak between the noise and a heterozygote's): a trace too noisy to tell is never called homozygous.
Where most bases around carry a second peak as high as a heterozygote's (their median reaches
`HET_FLOOR`: past a heterozygous indel, a mixed template) nothing is called: on sangerseqR's real
heterozygous-indel trace, two heterozygous bases whose weaker peak is 0.12-0.13 of the stronger were
otherwise called homozygous. A non-allele base that reaches the heterozygote's floor and the weaker
allele is "a third base". Forward and reverse reads of one sample must agree.

The SCF reader is tested against io_lib's conversion of real ABI traces (convert_trace): the same
channels, peaks, bases and qualities as Biopython reads from the ABI files.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from genoassoc.errors import InputError
from genoassoc.loci import Locus

HET_FLOOR = 0.25      # weaker/stronger allele height of a heterozygote (Sanger het peaks run 0.3-1.0)
NOISE_FACTOR = 2.0    # above twice the trace's 90th-centile secondary peak
MIN_FLANK_MATCH = 0.9  # identity of the flank alignment
MIN_FLANK_BASES = 15   # aligned flank bases on either side of the site (a shorter flank: all but one)
DEFAULT_MIN_QUALITY = 20
_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
COLUMNS = ["sample", "locus", "genotype", "status", "reason", "source", "file", "flanks", "strands", "height_1",
           "height_2", "ratio", "noise", "quality"]


@dataclass(frozen=True)
class Trace:
    path: str
    name: str          # the file's sample field (SMPL1), else ""
    channels: dict[str, np.ndarray]
    peaks: np.ndarray  # sample index of each called base
    bases: str
    qualities: np.ndarray


def read_trace(path: str | os.PathLike) -> Trace:
    """A trace's channels, peaks, bases and qualities (ABI, or SCF by its magic number); a file that
    is neither is an InputError."""
    source = str(path)
    with open(source, "rb") as handle:
        magic = handle.read(4)
    if magic == b".scf":
        return read_scf(source)
    from Bio import SeqIO

    try:
        record = SeqIO.read(source, "abi")
        raw = record.annotations["abif_raw"]
        order = raw["FWO_1"]
        order = order.decode("ascii") if isinstance(order, bytes) else str(order)
        channels = {base: np.asarray(raw[f"DATA{9 + index}"], dtype=float) for index, base in enumerate(order[:4])}
        bases = raw["PBAS2"].decode("ascii").upper()
        peaks = np.asarray(raw["PLOC2"], dtype=int).reshape(-1)
        quality = raw.get("PCON2", b"")
        qualities = np.frombuffer(quality, dtype=np.uint8).astype(float) if isinstance(quality, bytes) else \
            np.asarray(quality, dtype=float).reshape(-1)
        sample = raw.get("SMPL1", b"")
        name = (sample.decode("utf-8", "replace") if isinstance(sample, bytes) else str(sample)).strip()
    except KeyError as missing:
        raise InputError(f"not a base-called ABI trace (no {missing.args[0]} record)", source) from None
    except (OSError, ValueError, AssertionError, struct.error, UnicodeDecodeError, TypeError, IndexError) as err:
        raise InputError(f"not a readable ABI trace ({str(err)[:80] or type(err).__name__})", source) from None
    lengths = {len(values) for values in channels.values()}
    if set(order[:4].upper()) != set("ACGT") or len(lengths) != 1:
        raise InputError("not a readable ABI trace (its four channels are not A, C, G and T of one length)", source)
    if len(peaks) != len(bases) or (len(qualities) and len(qualities) != len(bases)):
        raise InputError(f"not a readable ABI trace ({len(bases)} bases but {len(peaks)} peak positions)", source)
    if len(peaks) and (peaks.min() < 0 or peaks.max() >= lengths.pop()):
        raise InputError("not a readable ABI trace (a peak position lies outside the trace)", source)
    if not len(qualities):
        qualities = np.full(len(bases), np.nan)
    return Trace(source, name, channels, peaks, bases, qualities)


_SCF_HEADER = struct.Struct(">4s8I4s4I")  # magic, samples..private_offset as the SCF 3.00 format gives them


def read_scf(path: str | os.PathLike) -> Trace:
    """An SCF version 3 trace (the Staden package's format, as io_lib writes it): the four channels
    stored one after another as twice-differenced 8- or 16-bit samples, then per base its peak index,
    the four channels' error probabilities (the called base's is its quality), the base and three
    spare bytes; the sample name from the comments' NAME line. Versions 1 and 2 (samples interleaved)
    are refused."""
    source = str(path)
    data = Path(source).read_bytes()

    def bad(problem: str) -> InputError:
        return InputError(f"not a readable SCF trace ({problem})", source)

    if len(data) < 128:
        raise bad("shorter than its header")
    (_, samples, samples_offset, bases, _, _, bases_offset, comments_size, comments_offset, version, sample_size,
     _, _, _) = _SCF_HEADER.unpack_from(data)
    if not version.startswith(b"3"):
        raise bad(f"version {version.decode('ascii', 'replace')}; genoassoc reads version 3")
    if sample_size not in (1, 2):
        raise bad(f"{sample_size}-byte samples")
    channel_bytes = samples * sample_size
    if samples_offset + 4 * channel_bytes > len(data) or bases_offset + 12 * bases > len(data):
        raise bad("its samples or bases run past the end of the file")
    kind = np.dtype(">u2" if sample_size == 2 else "u1")
    channels = {}
    for index, base in enumerate("ACGT"):
        start = samples_offset + index * channel_bytes
        stored = np.frombuffer(data, dtype=kind, count=samples, offset=start).astype(np.int64)
        # undo the two rounds of differencing, in the samples' own width (they wrap as io_lib's do)
        modulus = 1 << (8 * sample_size)
        channels[base] = (np.cumsum(np.cumsum(stored) % modulus) % modulus).astype(float)
    peaks = np.frombuffer(data, dtype=">u4", count=bases, offset=bases_offset).astype(int)
    probabilities = {base: np.frombuffer(data, dtype="u1", count=bases, offset=bases_offset + 4 * bases + i * bases)
                     for i, base in enumerate("ACGT")}
    called = data[bases_offset + 8 * bases: bases_offset + 9 * bases].decode("ascii", "replace").upper()
    # an ambiguity code (Y, K...) has no channel of its own: the largest of the four, as io_lib writes it
    strongest = np.max(np.vstack(list(probabilities.values())), axis=0) if bases else np.zeros(0)
    qualities = np.array([float(probabilities[base][i]) if base in probabilities else float(strongest[i])
                          for i, base in enumerate(called)])
    comments = data[comments_offset: comments_offset + comments_size].decode("utf-8", "replace")
    name = next((line[5:].strip() for line in comments.splitlines() if line.startswith("NAME=")), "")
    if len(peaks) and (peaks.min() < 0 or peaks.max() >= samples):
        raise bad("a peak position lies outside the trace")
    return Trace(source, name, channels, peaks, called, qualities)


def reverse_complement(bases: str) -> str:
    return bases.translate(_COMPLEMENT)[::-1]


@dataclass(frozen=True)
class Site:
    """Where the SNP sits in a read: the base index and the strand the read is on."""

    index: int
    strand: str  # "forward" or "reverse"


def locate(bases: str, flank5: str, flank3: str) -> Site | None:
    """The read base aligned to the SNP between the flanks (forward or reverse-complemented read),
    or None when the flanks are not found well enough on both sides."""
    from Bio.Align import PairwiseAligner

    aligner = PairwiseAligner(mode="local", match_score=2, mismatch_score=-3, open_gap_score=-5,
                              extend_gap_score=-2)
    aligner.wildcard = "N"
    query = flank5 + "N" + flank3
    best: tuple[float, Site] | None = None
    for strand, read in (("forward", bases), ("reverse", reverse_complement(bases))):
        if not read:
            continue
        try:
            alignment = aligner.align(read, query)[0]
        except (IndexError, ValueError):
            continue
        site = _aligned_site(alignment, len(flank5), len(flank3))
        if site is None:
            continue
        index = site if strand == "forward" else len(bases) - 1 - site
        if best is None or alignment.score > best[0]:
            best = (alignment.score, Site(index, strand))
    return None if best is None else best[1]


def _aligned_site(alignment: Any, left: int, right: int) -> int | None:
    """The read index aligned to query position `left` (the SNP), when each flank aligns over
    MIN_FLANK_BASES bases (a shorter flank: all but one) with MIN_FLANK_MATCH identity, a gap or a
    short flank's unaligned base counting as a mismatch."""
    read_blocks, query_blocks = alignment.aligned
    site, matched, aligned_left, aligned_right = None, 0, 0, 0
    read, query = alignment.target, alignment.query
    for (r0, r1), (q0, _) in zip(read_blocks, query_blocks, strict=True):
        for offset in range(r1 - r0):
            r, q = r0 + offset, q0 + offset
            if q == left:
                site = r
                continue
            aligned_left += q < left
            aligned_right += q > left
            matched += read[r] == query[q]
    total = aligned_left + aligned_right
    if site is None or aligned_left < _needed(left) or aligned_right < _needed(right) or not total:
        return None
    # the columns the alignment spans (the site's left out): pairs plus the bases either side skips;
    # a short flank's end left out of the alignment counts as mismatches too
    columns = (read_blocks[-1][1] - read_blocks[0][0]) + (query_blocks[-1][1] - query_blocks[0][0]) - total - 2
    columns += query_blocks[0][0] * (left < MIN_FLANK_BASES)
    columns += (left + 1 + right - query_blocks[-1][1]) * (right < MIN_FLANK_BASES)
    return site if matched / columns >= MIN_FLANK_MATCH else None


def _needed(flank: int) -> int:
    return min(MIN_FLANK_BASES, max(1, flank - 1))


def _height(channel: np.ndarray, position: int) -> float:
    return float(channel[max(0, position - 2): position + 3].max())


@dataclass(frozen=True)
class ReadCall:
    file: str
    strand: str
    genotype: str
    reason: str
    heights: tuple[float, float]  # of the locus's two alleles, in catalog order
    noise: float
    quality: float
    index: int = -1  # the site's base in the read


def call_read(trace: Trace, locus: Locus, flank5: str, flank3: str, min_quality: float = DEFAULT_MIN_QUALITY
              ) -> ReadCall:
    """One read's call at the locus (see the module docstring)."""
    from dataclasses import replace

    site = locate(trace.bases, flank5, flank3)
    call = _call_site(trace, locus, site, min_quality)
    return call if site is None else replace(call, index=site.index)


def _call_site(trace: Trace, locus: Locus, site: Site | None, min_quality: float) -> ReadCall:
    name = Path(trace.path).name
    if site is None:
        return ReadCall(name, "", "", "site not found (the flanks do not align to the read)", (np.nan, np.nan), np.nan,
                        np.nan)
    window = trace.qualities[max(0, site.index - 5): site.index + 6]
    quality = float(np.nanmean(window)) if np.isfinite(window).any() else np.nan
    alleles = locus.alleles if site.strand == "forward" else tuple(a.translate(_COMPLEMENT) for a in locus.alleles)
    if np.isfinite(quality) and quality < min_quality:
        return ReadCall(name, site.strand, "", f"quality {quality:.0f} around the site, below --min-quality "
                        f"{min_quality:g}", (np.nan, np.nan), np.nan, quality)
    position = int(trace.peaks[site.index])
    heights = {base: _height(channel, position) for base, channel in trace.channels.items()}
    pair = (heights[alleles[0]], heights[alleles[1]])
    around = _secondary_ratios(trace, site.index)
    enough = len(around) >= 5
    noise = float(np.percentile(around, 90)) if enough else np.nan  # the trace's noise near the site
    stronger, weaker = max(pair), min(pair)
    others = max(height for base, height in heights.items() if base not in alleles)
    ratio = weaker / stronger if stronger > 0 else np.nan
    floor = max(HET_FLOOR, NOISE_FACTOR * noise)
    if stronger <= 0 or not np.isfinite(ratio):
        return ReadCall(name, site.strand, "", "no signal at the site", pair, noise, quality)
    mixed = float(np.median(around)) if enough else np.nan
    if mixed >= HET_FLOOR:
        # most bases around carry a second peak as high as a heterozygote's (a heterozygous indel, a
        # mixed template): the site's own peaks tell nothing
        return ReadCall(name, site.strand, "", f"double peaks at most bases around the site (median secondary "
                        f"{mixed:.2f} of the primary)", pair, noise, quality)
    if others / stronger >= floor and others >= weaker:
        return ReadCall(name, site.strand, "", "a third base at the site", pair, noise, quality)
    if ratio >= floor:
        return ReadCall(name, site.strand, locus.genotype(*locus.alleles), "", pair, noise, quality)
    # homozygous where the weaker allele is far below a heterozygote's (half its floor), or below that
    # floor and within the trace's noise
    if ratio < HET_FLOOR / 2 or (ratio < HET_FLOOR and ratio < NOISE_FACTOR * noise):
        allele = locus.alleles[0] if pair[0] >= pair[1] else locus.alleles[1]
        return ReadCall(name, site.strand, f"{allele}/{allele}", "", pair, noise, quality)
    if ratio >= HET_FLOOR:
        return ReadCall(name, site.strand, "", f"noisy trace around the site (secondary peaks up to {noise:.2f} of the "
                        f"primary; the site's {ratio:.2f})", pair, noise, quality)
    return ReadCall(name, site.strand, "", f"secondary peak {ratio:.2f} of the primary: between the trace's noise "
                    f"({noise:.2f}) and a heterozygote", pair, noise, quality)


def _secondary_ratios(trace: Trace, index: int) -> np.ndarray:
    """At the 10 called bases each side of the site (leaving out the site and its next neighbours),
    the strongest other channel relative to the called base's."""
    ratios = []
    for other in [*range(index - 12, index - 1), *range(index + 2, index + 13)]:
        if not 0 <= other < len(trace.bases) or trace.bases[other] not in trace.channels:
            continue
        position = int(trace.peaks[other])
        called = _height(trace.channels[trace.bases[other]], position)
        if called <= 0:
            continue
        rest = max(_height(channel, position) for base, channel in trace.channels.items() if base != trace.bases[other])
        ratios.append(rest / called)
    return np.asarray(ratios, dtype=float)


def sample_of(trace: Trace, pattern: str | None) -> str:
    """The sample a trace belongs to: from the file name by `pattern` (its group 'sample', else its
    first group, else the whole match), else the file's sample field, else the file name's stem."""
    stem = Path(trace.path).stem
    if pattern:
        match = re.search(pattern, Path(trace.path).name)
        if match is None:
            raise InputError(f"--sample-pattern '{pattern}' does not match the file name", trace.path)
        groups = match.groupdict()
        return groups.get("sample") or (match.group(1) if match.groups() else match.group(0))
    return trace.name or stem


def combine(reads: list[ReadCall]) -> tuple[str, str, str]:
    """(genotype, reason, strands) of one sample from its reads: agreeing calls stand; reads that
    disagree make a no-call; a read's no-call does not hide another read's call."""
    called = [read for read in reads if read.genotype]
    strands = ",".join(sorted({read.strand for read in called} or {read.strand for read in reads if read.strand}))
    if not called:
        return "", "; ".join(dict.fromkeys(f"{read.file}: {read.reason}" for read in reads)), strands
    if len({read.genotype for read in called}) > 1:
        found = ", ".join(f"{read.file} {read.genotype}" for read in called)
        return "", f"forward/reverse disagree ({found})", strands
    return called[0].genotype, "", strands


def trace_files(folder: str | os.PathLike) -> list[Path]:
    """The traces of a folder (.ab1/.abi/.scf), or the one file given."""
    path = Path(folder)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError("no such file or folder", str(path))
    files = sorted(item for item in path.iterdir()
                   if item.suffix.lower() in (".ab1", ".abi", ".scf") and item.is_file())
    if not files:
        raise InputError("no .ab1 or .scf traces in the folder", str(path))
    return files


def flanks_from_reference(locus: Locus, reference: str, build: str | None, width: int = 50) -> tuple[str, str]:
    """The forward-strand bases either side of the locus from a FASTA (its .fai made if missing)."""
    import pysam

    from genoassoc.loci import ANY_BUILD, contig_name, detect_build

    try:
        fasta = pysam.FastaFile(reference)
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read the reference FASTA ({err})", reference) from None
    with fasta:
        lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
        chosen = build or detect_build(lengths)
        position = locus.positions.get(chosen or "") or locus.positions.get(ANY_BUILD)
        if position is None:
            raise InputError(f"{locus.id}: no position for this reference's build (give --build)", reference)
        name = contig_name(locus.chrom.removeprefix("chr"), list(lengths))
        if name not in lengths:
            raise InputError(f"{locus.id}: contig {locus.chrom} not in the reference", reference)
        left = fasta.fetch(name, max(0, position - 1 - width), position - 1).upper()
        right = fasta.fetch(name, position, position + width).upper()
    return left, right


def flanks_of(locus: Locus, reference: str | None, build: str | None, folder: str) -> tuple[str, str, str, str]:
    """(flank5, flank3, which: "panel|reference|catalog N+M bp", their source: the panel's or
    reference's file, the catalog's citation) of a locus: a panel's own flanks, else `reference`'s 50
    bases either side (checked against the catalog's flanks), else the catalog's."""
    catalog = bool(locus.flank_source)
    if locus.flank5 and locus.flank3 and not (catalog and reference):
        left, right = locus.flank5, locus.flank3
        origin, source = ("catalog", locus.flank_source) if catalog else ("panel", locus.source.removeprefix("panel "))
    elif reference:
        left, right = flanks_from_reference(locus, reference, build)
        origin, source = "reference", reference
        near5, near3 = left[len(left) - len(locus.flank5):], right[:len(locus.flank3)]
        if catalog and not (_agree(near5, locus.flank5) and _agree(near3, locus.flank3)):
            raise InputError(f"{locus.id}: the reference reads {near5}[{locus.id}]{near3} beside the locus, the "
                             f"catalog {locus.flank5}[{'/'.join(locus.alleles)}]{locus.flank3} "
                             f"({locus.flank_source}): another build or sequence? (give --build)", reference)
    else:
        raise InputError(f"{locus.id}: no flanking sequence to find the SNP in the reads: give --reference "
                         "FASTA, or flank5/flank3 in the panel", folder)
    return left, right, f"{origin} {len(left)}+{len(right)} bp", source


def _agree(read: str, expected: str) -> bool:
    return len(read) == len(expected) and all(a == b or "N" in (a, b) for a, b in zip(read, expected, strict=True))


@dataclass
class SangerCalls:
    """The calls-table rows (`COLUMNS`), per sample and locus the read that decided and its trace, and
    per locus the flanks that found the SNP in the reads, with their source."""

    rows: list[dict[str, Any]]
    shown: list[tuple[str, Locus, Trace, ReadCall, str]]  # sample, locus, trace, read, call
    flanks: dict[str, str]

    def figures(self, limit: int | None = None) -> list[tuple[str, Any]]:
        """(file name, figure) of each deciding read found at its site (`trace_window`)."""
        from genoassoc.report.figures import trace_window

        drawn = [item for item in self.shown if item[3].index >= 0][:limit]
        return [(figure_name(sample, locus.id), trace_window(trace, read.index, _title(sample, locus, read, call)))
                for sample, locus, trace, read, call in drawn]


def read_sanger(folder: str | os.PathLike, loci: list[Locus], *, pattern: str | None = None,
                reference: str | None = None, build: str | None = None,
                min_quality: float = DEFAULT_MIN_QUALITY) -> SangerCalls:
    """One row per sample and locus from every trace of `folder`, with the deciding reads."""
    flanks = {locus.id: flanks_of(locus, reference, build, str(folder)) for locus in loci}
    by_sample: dict[str, list[Trace]] = {}
    for path in trace_files(folder):
        trace = read_trace(path)
        by_sample.setdefault(sample_of(trace, pattern), []).append(trace)
    result = SangerCalls([], [], {name: f"{origin} ({source})" for name, (_, _, origin, source) in flanks.items()})
    for sample, traces in by_sample.items():
        for locus in loci:
            flank5, flank3, origin, _ = flanks[locus.id]
            reads = [call_read(trace, locus, flank5, flank3, min_quality) for trace in traces]
            genotype, reason, strands = combine(reads)
            # the evidence of the read(s) that decided: the best-quality called read, else the first
            shown = max((read for read in reads if read.genotype), key=lambda read: read.quality, default=reads[0])
            result.shown.append((sample, locus, traces[reads.index(shown)], shown, genotype or "no call"))
            ratio = min(shown.heights) / max(shown.heights) if max(shown.heights) > 0 else np.nan
            result.rows.append({"sample": sample, "locus": locus.id, "genotype": genotype,
                                "status": "called" if genotype else "no_call", "reason": reason, "source": "sanger",
                                "file": ",".join(read.file for read in reads), "flanks": origin,
                                "strands": strands,
                                "height_1": _text(shown.heights[0]), "height_2": _text(shown.heights[1]),
                                "ratio": _text(ratio, 3), "noise": _text(shown.noise, 3),
                                "quality": _text(shown.quality, 3)})
    return result


def call_sanger(folder: str | os.PathLike, loci: list[Locus], *, pattern: str | None = None,
                reference: str | None = None, build: str | None = None,
                min_quality: float = DEFAULT_MIN_QUALITY, figures: str | os.PathLike | None = None
                ) -> list[dict[str, Any]]:
    """Calls-table rows (`COLUMNS`), one per sample and locus, from every trace of `folder`; with
    `figures` (a folder), a PNG of the deciding read's trace around the site per sample and locus."""
    result = read_sanger(folder, loci, pattern=pattern, reference=reference, build=build, min_quality=min_quality)
    if figures is not None:
        from genoassoc.report.figures import save

        for name, figure in result.figures():
            save(figure, Path(figures) / name)
    return result.rows


def figure_name(sample: str, locus: str) -> str:
    """A file name for a sample's trace figure: characters outside letters, digits, '-' and '.' become '_'."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", f"{sample}_{locus}") + ".png"


def _title(sample: str, locus: Locus, read: ReadCall, call: str) -> str:
    return f"{sample} {locus.id}: {call} ({read.file}, {read.strand} read; alleles {'/'.join(locus.alleles)})"


def _text(value: float, digits: int = 6) -> str:
    return "" if value != value else f"{value:.{digits}g}"
