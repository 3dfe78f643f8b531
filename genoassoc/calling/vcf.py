"""Genotype calls at catalog or panel loci read out of a VCF/BCF (pysam).

REF/ALT are matched to the locus's allele pair, never assumed to be in catalog order (GRCh38 carries
C at rs1800795). The build comes from the header's chr7 length or ``##reference``, or is given.
Contigs may be named ``7`` or ``chr7``. The distinct GT strings of a record are parsed once and
indexed for every sample, so a 500 000-sample file costs one pass over its two lines.

What is constant per locus (file, build, contig, position, REF, ALT) is kept once, in the table's
``attrs["vcf_records"]``, rather than on every one of a biobank's rows.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from genoassoc.calling.vcf_seek import read_header, records_at
from genoassoc.errors import InputError
from genoassoc.loci import ANY_BUILD, UNKNOWN_BUILD, Locus, contig_name, merged_ranges, resolve_build

if TYPE_CHECKING:
    import pandas as pd

    from genoassoc.calling.vcf_table import VcfCalls


def _header_from_lines(lines: list[str]) -> tuple[list[str], dict[str, int], list[str]]:
    """Samples, contig lengths and reference/assembly lines from VCF header text."""
    lengths, meta, samples = {}, [], []
    for line in lines:
        if line.startswith("##contig="):
            identifier = re.search(r"ID=([^,>]+)", line)
            length = re.search(r"length=(\d+)", line)
            if identifier and length:
                lengths[identifier.group(1)] = int(length.group(1))
        elif line.startswith(("##reference", "##assembly")):
            meta.append(line)
        elif line.startswith("#CHROM"):
            samples = line.rstrip("\n").split("\t")[9:]
    return samples, lengths, meta


def call_vcf(
    path: str | os.PathLike,
    loci: list[Locus],
    build: str = "auto",
    samples: list[str] | None = None,
) -> pd.DataFrame:
    """Calls for every sample (or `samples`) at every locus of `loci` from one VCF/BCF."""
    return read_vcf_calls(path, loci, build, samples).frame()


def read_vcf_calls(
    path: str | os.PathLike,
    loci: list[Locus],
    build: str = "auto",
    samples: list[str] | None = None,
) -> VcfCalls:
    """`call_vcf`'s calls kept as columns (`VcfCalls`): written as TSV without loading pandas."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    with open(path, "rb") as handle:
        head = handle.read(18)
    if head[:2] == b"\x1f\x8b" and head[12:14] != b"BC":
        raise InputError("compressed with gzip, not bgzip: recompress it with bgzip (htslib) and index it with "
                         "tabix -p vcf, or give the uncompressed .vcf", str(path))
    # numpy, pandas and the table code load while htslib inflates the records
    loading = threading.Thread(target=__import__, args=("genoassoc.calling.vcf_table",), daemon=True)
    loading.start()
    index = next((Path(str(path) + suffix) for suffix in (".tbi", ".csi") if Path(str(path) + suffix).is_file()),
                 None)
    indexed_text = path.name.endswith(".gz") and index is not None
    found: dict[str, list[str]] = {}
    try:
        if indexed_text:
            # Raw lines, inflated here (`vcf_seek`) or through tabix: no per-sample record parsing by
            # pysam for 500 000 samples.
            header = read_header(path) if index.suffix == ".tbi" else None
            if header is None:
                import pysam

                with pysam.TabixFile(str(path), index=str(index), encoding="utf-8") as tabix:
                    header = list(tabix.header), list(tabix.contigs)
            header_samples, lengths, meta = _header_from_lines(header[0])
            chosen, wanted, sample_index, targets = _prepare(path, loci, build, samples, header_samples, lengths,
                                                             meta)
            for chrom in dict.fromkeys(chrom for chrom, _ in targets):
                name = contig_name(chrom, header[1])
                if name not in header[1]:
                    continue
                for line in _records(path, index, name, [key for key in targets if key[0] == chrom]):
                    # Read POS without splitting (and copying) a line that may be megabytes long.
                    start = line.index("\t") + 1
                    position = int(line[start:line.index("\t", start)])
                    locus = targets.get((chrom, position))
                    if locus is not None:
                        found.setdefault(locus.id, []).append(line)
        else:
            import pysam

            with pysam.VariantFile(str(path)) as vcf:
                header_samples = list(vcf.header.samples)
                lengths = {name: contig.length for name, contig in vcf.header.contigs.items() if contig.length}
                meta = [str(record) for record in vcf.header.records if record.key in ("reference", "assembly")]
                chosen, wanted, sample_index, targets = _prepare(path, loci, build, samples, header_samples,
                                                                 lengths, meta)
                if vcf.index is not None:
                    contigs = list(vcf.header.contigs) or list(vcf.index)
                    for chrom, first, last in merged_ranges(targets):
                        name = contig_name(chrom, contigs)
                        try:
                            records = list(vcf.fetch(name, first - 1, last))
                        except ValueError:
                            continue
                        for record in records:
                            locus = targets.get((chrom, record.pos))
                            if locus is not None:
                                found.setdefault(locus.id, []).append(str(record))
                else:
                    for record in vcf:
                        locus = targets.get((record.chrom.removeprefix("chr"), record.pos))
                        if locus is not None:
                            found.setdefault(locus.id, []).append(str(record))
    except InputError:
        raise
    except (OSError, ValueError, NotImplementedError, UnicodeDecodeError) as err:
        raise InputError(f"not a readable VCF/BCF ({err})", str(path)) from None
    loading.join()
    from genoassoc.calling.vcf_table import assemble

    return assemble(path, loci, chosen, wanted, sample_index, found, UNKNOWN_BUILD)


def _records(path: Path, index: Path, name: str, targets: list[tuple[str, int]]) -> list[str]:
    """The record lines at the targets of one contig: only the records' own blocks (`vcf_seek`), or
    htslib's region query over merged ranges when the index is not a .tbi."""
    seeked = records_at(path, name, [position for _, position in targets])
    if seeked is not None:
        return [line for lines in seeked.values() for line in lines]
    import pysam

    with pysam.TabixFile(str(path), index=str(index), encoding="utf-8") as tabix:
        return [line for _, first, last in merged_ranges(targets) for line in tabix.fetch(name, first - 1, last)]


def _prepare(path, loci, build, samples, header_samples, lengths, meta):
    if samples:
        unknown = [sample for sample in samples if sample not in set(header_samples)]
        if unknown:
            raise InputError(f"sample {', '.join(unknown[:5])} not in the file", str(path))
        positions = {name: index for index, name in enumerate(header_samples)}
        wanted, sample_index = list(samples), [positions[name] for name in samples]
    else:
        wanted, sample_index = header_samples, None
    if not wanted:
        raise InputError("the file has no samples", str(path))
    # Panel loci placed without a build need none; loci that do need one are no-calls when the
    # header cannot tell it (the reason names --build).
    placed_anyway = all(ANY_BUILD in locus.positions for locus in loci)
    chosen = None if build == "auto" and placed_anyway else resolve_build(build, lengths, meta, str(path), strict=False)
    if chosen is None and not any(ANY_BUILD in locus.positions for locus in loci):
        raise InputError(UNKNOWN_BUILD, str(path))
    targets = {}
    for locus in loci:
        position = locus.position(chosen) if chosen else locus.positions.get(ANY_BUILD)
        if position is not None:
            targets[(locus.chrom.removeprefix("chr"), position)] = locus
    return chosen, wanted, sample_index, targets
