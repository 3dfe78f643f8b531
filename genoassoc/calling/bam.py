"""Genotype calls at catalog or panel loci from aligned reads (BAM/CRAM, pysam).

The pileup is samtools mpileup, bundled with pysam. Per position: reads that are unmapped,
secondary, supplementary, QC-failed or duplicates are skipped, bases below the base-quality floor
and reads below the mapping-quality floor are left out, and overlapping mates count once (htslib's
overlap detection, as ``bcftools mpileup``). Reads that overlap no target never reach the pileup,
and files with the same contigs and targets are piled up together, as bcftools reads a batch. Genotype
likelihoods come from base qualities: a base matches an allele with probability 1 − ε and each other
base with ε/3; a heterozygote draws either allele with probability ½ (the model of bcftools and
GATK). PL is phred-scaled and normalised to the best genotype; GQ is the second-lowest PL, capped at
99. A call needs GQ ≥ `min_gq` and `min_depth` usable bases, otherwise it is a no-call with the reason.
GQ does the deciding: a homozygote needs about 7 reads of its allele to reach GQ 20, while a
heterozygote seen on both alleles reaches it at 3-4 reads. The depth floor (default 4) only keeps a
pair of single reads from making a call; in the simulated 2x-12x series (tests) floors of 1-4 gave the
same calls from 4x on and no call against the evidence, and a floor of 8 refused 70-85% of the
heterozygotes seen at 4x-7x.

Many files run in parallel: local processes (`workers`) or an existing Dask cluster (`scheduler` or
a `distributed.Client`); an unreadable file turns into no-calls for its sample, and the batch goes on.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genoassoc.errors import InputError
from genoassoc.loci import ANY_BUILD, UNKNOWN_BUILD, Locus, contig_name, merged_ranges, resolve_build

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["sample", "locus", "genotype", "status", "reason", "source", "file", "build", "chrom", "pos",
           "depth", "ad", "other_bases", "gq", "pl"]
_COUNT_COLUMNS = ["pos", "depth", "other_bases", "gq"]
# unmapped, secondary, QC fail, duplicate, supplementary
_FLAG_FILTER = 0x4 | 0x100 | 0x200 | 0x400 | 0x800
_MAX_GQ = 99
# A third base this common is not sequencing error: the site may be multi-allelic or mis-aligned.
_OTHER_BASE_FRACTION = 0.2
# samtools keeps global state (getopt, output streams): one dispatch at a time per process.
_SAMTOOLS = threading.Lock()
# pileup symbols that are not a read base: deletion (either strand), reference skip
_NOT_BASES = "*#<>"


@dataclass(frozen=True)
class BamOptions:
    """Thresholds of the BAM caller (depth in usable bases, qualities phred-scaled)."""

    min_depth: int = 4
    min_gq: int = 20
    min_base_quality: int = 13
    min_mapping_quality: int = 20
    build: str = "auto"
    reference: str | None = None


def genotype_likelihoods(bases: Iterable[str], qualities: Iterable[int], alleles: tuple[str, str]) -> Any:
    """PL of the genotypes allele1/allele1, allele1/allele2, allele2/allele2 (minimum 0), from
    base calls and their phred qualities, as a numpy array."""
    import numpy as np

    return np.array(_phred_likelihoods(list(bases), [min(max(int(q), 0), 255) for q in qualities], alleles))


def _phred_likelihoods(bases, qualities: list[int], alleles: tuple[str, str]) -> list[float]:
    """PL as a list; `qualities` are whole numbers 0-255."""
    first = [quality for base, quality in zip(bases, qualities, strict=True) if base == alleles[0]]
    second = [quality for base, quality in zip(bases, qualities, strict=True) if base == alleles[1]]
    other = [quality for base, quality in zip(bases, qualities, strict=True) if base not in alleles]
    match, mismatch, half = _LOG_MATCH.__getitem__, _LOG_MISMATCH.__getitem__, _LOG_HALF.__getitem__
    wrong = sum(map(mismatch, other))
    log_likelihood = [sum(map(match, first)) + sum(map(mismatch, second)) + wrong,
                      sum(map(half, first)) + sum(map(half, second)) + wrong,
                      sum(map(mismatch, first)) + sum(map(match, second)) + wrong]
    best = max(log_likelihood)
    return [-10 * (value - best) for value in log_likelihood]


# log10 P(base | genotype) by phred quality, as plain lists: a pileup holds a few dozen bases, too
# few for array operations to pay off. A base is the allele (1 - e), another base (e/3), or one of a
# heterozygote's two alleles ((1 - e)/2 + e/6).
_ERRORS = [10 ** (-quality / 10) for quality in range(256)]
_LOG_MATCH = [math.log10(1 - error) if error < 1 else -math.inf for error in _ERRORS]
_LOG_MISMATCH = [math.log10(error / 3) for error in _ERRORS]
_LOG_HALF = [math.log10(0.5 * (1 - error) + error / 6) for error in _ERRORS]


def _sample_name(header: dict, path: Path) -> str:
    names = list(dict.fromkeys(group.get("SM") for group in header.get("RG", []) if group.get("SM")))
    if len(names) == 1:
        return names[0]
    stem = path.name
    for suffix in (".bam", ".cram", ".sam"):
        stem = stem.removesuffix(suffix)
    return stem if not names else names[0]


def _no_call(sample, locus, reason, base):
    return {"sample": sample, "locus": locus.id, "genotype": "", "status": "no_call", "reason": reason, **base}


def genotype_bam(path: str | os.PathLike, loci: list[Locus], options: BamOptions = BamOptions()) -> list[dict]:
    """Rows of the calls table for one BAM/CRAM file's sample at every locus (an unreadable file
    gives no-calls). Loci close together are piled up in one pass."""
    return genotype_bams([path], loci, options)[0]


@dataclass
class _Alignment:
    """A readable file's sample, build, contigs and the rows decided before any pileup."""

    path: Path
    sample: str
    build: str
    contigs: tuple
    cram: bool
    rows: dict[str, dict]
    targets: dict[tuple[str, int], list[Locus]]


def genotype_bams(paths: list[str | os.PathLike], loci: list[Locus], options: BamOptions = BamOptions()
                  ) -> list[list[dict]]:
    """`genotype_bam` for several files: files with the same contigs and targets are piled up
    together, one samtools pass per group and region, as ``bcftools mpileup`` reads a batch."""
    results: list[list[dict] | None] = [None] * len(paths)
    groups: dict[tuple, list[tuple[int, _Alignment]]] = {}
    for position, path in enumerate(paths):
        opened = _open_alignment(Path(path), loci, options)
        if isinstance(opened, list):
            results[position] = opened
        else:
            groups.setdefault((opened.contigs, tuple(sorted(opened.targets))), []).append((position, opened))
    for members in groups.values():
        for position, rows in _pile_up_group(members, loci, options):
            results[position] = rows
    return results


def _open_alignment(path: Path, loci: list[Locus], options: BamOptions) -> _Alignment | list[dict]:
    """The file's header facts and targets, or its no-call rows when it cannot be read."""
    import pysam

    sample = None
    try:
        with pysam.AlignmentFile(str(path), reference_filename=options.reference) as alignments:
            sample = _sample_name(alignments.header.to_dict(), path)
            lengths = dict(zip(alignments.references, alignments.lengths, strict=True))
            cram = alignments.is_cram
            # panel loci placed without a build need none; the others are no-calls when the header
            # cannot tell it (below), the file's own sample name kept
            build = resolve_build(options.build, lengths, [], str(path), strict=False)
            if not alignments.has_index():
                raise InputError("no index next to the file (samtools index makes one)", str(path))
    except InputError as err:
        return _unreadable(path, loci, err.problem, sample)
    except (OSError, ValueError) as err:
        return _unreadable(path, loci, f"unreadable file: {_first_line(err)}", sample)
    rows: dict[str, dict] = {}
    targets: dict[tuple[str, int], list[Locus]] = {}
    for locus in loci:
        position = locus.position(build) if build else locus.positions.get(ANY_BUILD)
        base = {"source": "bam", "file": path.name, "build": build or "", "chrom": "", "pos": position}
        if position is None:
            reason = f"no {build} position for this locus" if build else UNKNOWN_BUILD
            rows[locus.id] = _no_call(sample, locus, reason, base)
            continue
        chrom = contig_name(locus.chrom, lengths)
        if chrom not in lengths:
            rows[locus.id] = _no_call(sample, locus, f"contig {locus.chrom} not in the alignment header",
                                      {**base, "chrom": chrom})
            continue
        targets.setdefault((chrom, position), []).append(locus)
    return _Alignment(path, sample, build or "", tuple(lengths.items()), cram, rows, targets)


def _pile_up_group(members: list[tuple[int, _Alignment]], loci, options) -> list[tuple[int, list[dict]]]:
    """Rows of files sharing contigs and targets; when samtools fails on the group, each file is
    retried alone so that only the faulty one becomes no-calls."""
    targets = members[0][1].targets
    observed: list[dict[tuple[str, int], tuple[str, list[int]]]] = [{} for _ in members]
    try:
        for chrom, first, last in merged_ranges(targets):
            positions = {p for c, p in targets if c == chrom and first <= p <= last}
            for index, bases in enumerate(_pileup_bases([a.path for _, a in members], chrom, first, last,
                                                        positions, options)):
                observed[index].update({(chrom, position): found for position, found in bases.items()})
    except ValueError as err:
        if len(members) > 1:
            return [result for member in members for result in _pile_up_group([member], loci, options)]
        position, alignment = members[0]
        reason = f"unreadable file: {_first_line(err)}"
        if alignment.cram and not options.reference:
            reason += " (a CRAM is decoded with its reference: give --reference FASTA)"
        return [(position, _unreadable(alignment.path, loci, reason, alignment.sample))]
    results = []
    for (position, alignment), bases_at in zip(members, observed, strict=True):
        rows = dict(alignment.rows)
        for (chrom, target), at_target in targets.items():
            bases, qualities = bases_at.get((chrom, target), ("", []))
            for locus in at_target:
                base = {"source": "bam", "file": alignment.path.name, "build": alignment.build, "chrom": chrom,
                        "pos": target}
                rows[locus.id] = _call(bases, qualities, locus, alignment.sample, options, base)
        results.append((position, [rows[locus.id] for locus in loci]))
    return results


def _unreadable(path: Path, loci: list[Locus], reason: str, sample: str | None = None) -> list[dict]:
    """No-calls for a file that cannot be piled up, named by its read group when the header was read."""
    return [_no_call(sample or path.name, locus, reason, {"source": "bam", "file": path.name}) for locus in loci]


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else err.__class__.__name__


def _pileup_bases(paths, chrom, first, last, positions, options) -> list[dict[int, tuple[str, list[int]]]]:
    """Per file, usable bases and qualities at `positions` (1-based) within [first, last].

    samtools mpileup (bundled with pysam) does the pileup: with a positions list it drops reads that
    overlap no target before piling up, as ``bcftools mpileup -T`` does, so only a few hundred reads
    per file reach the pileup engine. Its own flag, quality and overlapping-mate rules are the ones
    described above; anomalous pairs are kept (-A), as amplicon data often lacks proper-pair flags,
    and read groups are ignored (-R): one file is one sample.
    """
    import pysam

    with tempfile.NamedTemporaryFile("w", suffix=".bed", prefix="genoassoc-") as targets:
        targets.write("".join(f"{chrom}\t{position - 1}\t{position}\n" for position in sorted(positions)))
        targets.flush()
        region = f"{{{chrom}}}:{first}-{last}" if ":" in chrom else f"{chrom}:{first}-{last}"
        arguments = ["-A", "-B", "-R", "-Q", str(options.min_base_quality), "-q", str(options.min_mapping_quality),
                     "--ff", str(_FLAG_FILTER), "--no-output-ends",
                     "--no-output-ins", "--no-output-ins", "--no-output-del", "--no-output-del",
                     "-l", targets.name, "-r", region]
        if options.reference:
            arguments += ["--reference", options.reference]
        with _SAMTOOLS:
            try:
                text = pysam.samtools.mpileup(*arguments, *map(str, paths))
            except pysam.SamtoolsError as err:
                raise ValueError(_samtools_problem(err)) from None
    observed: list[dict[int, tuple[str, list[int]]]] = [{} for _ in paths]
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 3 + 3 * len(paths):
            raise ValueError(f"samtools mpileup gave {len(fields)} fields for {len(paths)} files")
        for index, observed_here in enumerate(observed):
            depth, symbols, codes = fields[3 + 3 * index: 6 + 3 * index]
            if depth == "0":
                continue
            # '.' and ',' appear only when a reference is attached: they are the reference base
            symbols = symbols.upper().replace(".", fields[2]).replace(",", fields[2])
            if len(symbols) != len(codes):
                raise ValueError(f"samtools mpileup gave {len(symbols)} bases but {len(codes)} qualities "
                                 f"at {fields[0]}:{fields[1]}")
            kept = [(symbol, code - 33) for symbol, code in zip(symbols, codes.encode(), strict=True)
                    if symbol not in _NOT_BASES and code - 33 >= options.min_base_quality]
            observed_here[int(fields[1])] = ("".join(symbol for symbol, _ in kept), [quality for _, quality in kept])
    return observed


def _samtools_problem(err) -> str:
    """The last line samtools wrote to stderr (its error; earlier lines are progress notes),
    without the ``[mpileup]`` or ``samtools mpileup:`` prefix."""
    text = str(getattr(err, "value", err))
    lines = [line.strip() for line in (text.rpartition("stderr=")[2] or text).splitlines() if line.strip()]
    return re.sub(r"^(\[\w+\]|samtools \w+:)\s*", "", lines[-1]) if lines else "samtools mpileup failed"


def _call(bases: str, qualities: list[int], locus, sample, options, base) -> dict:
    depth = len(bases)
    first, second = bases.count(locus.alleles[0]), bases.count(locus.alleles[1])
    other = depth - first - second
    evidence = {**base, "depth": depth, "ad": f"{first},{second}", "other_bases": other}
    if depth == 0:
        return _no_call(sample, locus, "no reads", evidence)
    pl = _phred_likelihoods(bases, qualities, locus.alleles)
    best = pl.index(0.0)
    gq = int(min(round(sorted(pl)[1]), _MAX_GQ))
    evidence.update(gq=gq, pl=",".join(str(int(round(value))) for value in pl))
    if depth < options.min_depth:
        return _no_call(sample, locus, f"depth {depth} below {options.min_depth}", evidence)
    if other > _OTHER_BASE_FRACTION * depth:
        return _no_call(sample, locus, f"{other} of {depth} bases are neither {' nor '.join(locus.alleles)}", evidence)
    if gq < options.min_gq:
        return _no_call(sample, locus, f"GQ {gq} below {options.min_gq}", evidence)
    return {"sample": sample, "locus": locus.id, "genotype": locus.genotypes[best], "status": "called",
            "reason": "", **evidence}


def read_bam_list(path: str | os.PathLike) -> list[str]:
    """Paths from a list file, one per line (``#`` comments; relative paths from the list's folder)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    from genoassoc.io.records import decode_text

    entries = []
    for line in decode_text(path.read_bytes(), path).splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            entry = Path(text)
            entries.append(str(entry if entry.is_absolute() else path.parent / entry))
    if not entries:
        raise InputError("the list names no files", str(path))
    return entries


def call_bam_rows(
    paths: list[str],
    loci: list[Locus],
    options: BamOptions = BamOptions(),
    workers: int | None = 1,
    scheduler: str | None = None,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """Rows of the calls table (keys from `COLUMNS`) for every file's sample at every locus, in
    input order; `call_bams` gives them as a DataFrame.

    `workers` > 1 runs local processes; `scheduler` (an address) or `client` (a
    ``distributed.Client``) sends the same work to a Dask cluster.
    """
    results: list[list[dict] | None] = [None] * len(paths)
    chunks = _chunks(len(paths), max(workers or 1, 1) if scheduler is None and client is None else 8)
    done = 0

    def finished(start: int, end: int, chunk_rows: list[list[dict]]) -> None:
        nonlocal done
        results[start:end] = chunk_rows
        done += end - start
        if progress:
            progress(done, len(paths))

    if scheduler is not None or client is not None:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        own = client is None
        client = client or Client(scheduler)
        try:
            futures = client.map(genotype_bams, [paths[start:end] for start, end in chunks], loci=loci,
                                 options=options, pure=False)
            index = {future.key: chunk for chunk, future in zip(chunks, futures, strict=True)}
            for future in dask_completed(futures):
                finished(*index[future.key], future.result())
        finally:
            if own:
                client.close()
    elif workers and workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
            futures = {pool.submit(genotype_bams, paths[start:end], loci, options): (start, end)
                       for start, end in chunks}
            for future in as_completed(futures):
                finished(*futures[future], future.result())
    else:
        for start, end in chunks:
            finished(start, end, genotype_bams(paths[start:end], loci, options))
    rows = [row for file_rows in results for row in file_rows]
    seen = set()
    for row in rows:
        if (row["sample"], row["locus"]) in seen:
            raise InputError(f"sample '{row['sample']}' comes from several files; give each file its own read group SM")
        seen.add((row["sample"], row["locus"]))
    return rows


def call_bams(
    paths: list[str],
    loci: list[Locus],
    options: BamOptions = BamOptions(),
    workers: int | None = 1,
    scheduler: str | None = None,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Calls for every file's sample at every locus, in input order (see `call_bam_rows`)."""
    return calls_frame(call_bam_rows(paths, loci, options, workers, scheduler, client, progress))


def calls_frame(rows: list[dict]) -> pd.DataFrame:
    """The calls table of `call_bam_rows`' rows."""
    import pandas as pd

    calls = pd.DataFrame(rows).reindex(columns=COLUMNS)
    # whole numbers stay whole when an unreadable file leaves some rows without them
    calls[_COUNT_COLUMNS] = calls[_COUNT_COLUMNS].astype("Int64")
    return calls


def _chunks(count: int, workers: int, largest: int = 32) -> list[tuple[int, int]]:
    """(start, end) slices of the batch: about four per worker for balance, each piled up in one
    samtools pass; at most `largest` files open at once."""
    size = max(1, min(largest, -(-count // (4 * workers))))
    return [(start, min(start + size, count)) for start in range(0, count, size)]
