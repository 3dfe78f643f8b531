"""Calls written as a VCF so they flow into PLINK and bcftools.

REF must be the genome's base, which the catalog's allele order does not tell (GRCh38 has C at
rs1800795): it is read from a reference FASTA, or taken from the source VCF's REF for calls that came
from a VCF (``calls.attrs["vcf_records"]``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import write_bytes, write_text
from genoassoc.loci import BUILDS, Catalog


def _reference_base(fasta, chrom: str, position: int) -> str:
    from genoassoc.loci import contig_name

    name = contig_name(chrom, fasta.references)
    if name not in fasta.references:
        raise InputError(f"contig {chrom} is not in the reference FASTA", fasta.filename.decode())
    return fasta.fetch(name, position - 1, position).upper()


# FORMAT fields and the calls-table columns they come from (VCF calls: dp; BAM calls: depth)
_FORMAT_SOURCES = {"GQ": ("gq",), "DP": ("dp", "depth"), "AD": ("ad",)}
_FORMAT_HEADERS = {
    "GT": '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "GQ": '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    "DP": '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth (usable bases)">',
    "AD": '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
}


def _text(value) -> str:
    """A cell as VCF text: missing (empty, NaN, NA) is '.'; whole floats print without '.0'."""
    text = "" if value is None else str(value)
    if text in ("", "<NA>", "nan", "NaN"):
        return "."
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text


def _present(rows: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    return any(column in rows.columns and (rows[column].map(_text) != ".").any() for column in columns)


def _format_values(row, keys: list[str], index: dict[str, str], record_alleles: list[str],
                   catalog_alleles: tuple[str, str]) -> list[str]:
    """GT (phased as the source had it, else indices ascending, the VCF convention) and GQ/DP/AD."""
    genotype = getattr(row, "genotype", "") if row is not None else ""
    if not isinstance(genotype, str) or not genotype:
        return ["./."] + ["."] * (len(keys) - 1)
    haplotypes = getattr(row, "haplotypes", "")
    if isinstance(haplotypes, str) and "|" in haplotypes:
        gt = "|".join(index[allele] for allele in haplotypes.split("|"))
    else:
        gt = "/".join(sorted(index[allele] for allele in genotype.split("/")))
    values = [gt]
    for key in keys[1:]:
        if key == "AD":
            counts = _text(getattr(row, "ad", "")).split(",")
            by_allele = dict(zip(catalog_alleles, counts, strict=False)) if len(counts) == 2 else {}
            values.append(",".join(by_allele.get(allele, ".") for allele in record_alleles) if by_allele else ".")
        else:
            found = [_text(getattr(row, column)) for column in _FORMAT_SOURCES[key] if hasattr(row, column)]
            values.append(next((value for value in found if value != "."), "."))
    return values


def format_vcf(calls: pd.DataFrame, catalog: Catalog, build: str, reference: str | os.PathLike | None = None) -> str:
    """VCF 4.2 text of `calls` (every locus needs a position on `build`)."""
    import pysam

    fasta = pysam.FastaFile(str(reference)) if reference else None
    samples = list(dict.fromkeys(calls["sample"]))
    lines = []
    contigs = set()
    used_keys: set[str] = set()
    for locus_id, rows in calls.groupby("locus", sort=False, observed=True):
        if locus_id not in catalog:
            raise InputError(f"locus {locus_id} is not in the catalog or panel: its position is unknown")
        locus = catalog.resolve(locus_id)
        position = locus.position(build)
        if position is None:
            raise InputError(f"locus {locus_id} has no {build} position")
        bare = locus.chrom.removeprefix("chr")
        chrom = f"chr{bare}" if bare.isdigit() else locus.chrom
        source_record = calls.attrs.get("vcf_records", {}).get(locus_id)
        if fasta is not None:
            ref = _reference_base(fasta, chrom, position)
        elif source_record is not None:
            ref = source_record["ref"]
        else:
            raise InputError("--output-vcf needs --reference FASTA to write the genome's REF base "
                             f"at {locus_id} (the catalog allele order is not the reference)")
        alts = [allele for allele in locus.alleles if allele != ref]
        record_alleles = [ref, *alts]
        index = {allele: str(i) for i, allele in enumerate(record_alleles)}
        by_sample = {row.sample: row for row in rows.itertuples(index=False)}
        keys = ["GT", *[name for name, columns in _FORMAT_SOURCES.items() if _present(rows, columns)]]
        used_keys.update(keys)
        entries = []
        for sample in samples:
            row = by_sample.get(sample)
            entries.append(":".join(_format_values(row, keys, index, record_alleles, locus.alleles)))
        contigs.add(chrom)
        lines.append("\t".join([chrom, str(position), locus.id, ref, ",".join(alts) or ".", ".", "PASS", ".",
                                ":".join(keys), *entries]))
    from genoassoc.loci import CHR7_LENGTH

    chr7_length = {name: length for length, name in CHR7_LENGTH.items()}
    header = ["##fileformat=VCFv4.2", "##source=genoassoc"] + ([f"##reference={build}"] if build in BUILDS else [])
    for chrom in sorted(contigs):
        length = chr7_length.get(build) if chrom in ("chr7", "7") else None
        header.append(f"##contig=<ID={chrom}" + (f",length={length}>" if length else ">"))
    header += [_FORMAT_HEADERS[key] for key in _FORMAT_HEADERS if key in used_keys]
    header.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    lines.sort(key=lambda line: (line.split("\t")[0], int(line.split("\t")[1])))
    return "\n".join(header + lines) + "\n"


def write_vcf_text(text: str, output: str | os.PathLike) -> None:
    """Write VCF text atomically; a ``.gz`` name gives BGZF (tabix-ready)."""
    import pysam

    output = Path(output)
    if output.suffix != ".gz":
        write_text(text, output)
        return
    with tempfile.TemporaryDirectory(dir=output.parent if str(output.parent) else ".") as folder:
        plain, packed = Path(folder) / "calls.vcf", Path(folder) / "calls.vcf.gz"
        plain.write_text(text, encoding="utf-8")
        pysam.tabix_compress(str(plain), str(packed), force=True)
        write_bytes(packed.read_bytes(), output)
