"""Genotype calls at catalog or panel loci read out of a VCF/BCF (pysam).

REF/ALT are matched to the locus's allele pair, never assumed to be in catalog order (GRCh38 carries
C at rs1800795). The build comes from the header's chr7 length or ``##reference``, or is given.
Contigs may be named ``7`` or ``chr7``. Per record, the sample columns are parsed with vectorised
string operations, so a 500 000-sample file costs one pass over its two lines, not a Python loop per
sample.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.loci import BUILDS, Locus

# chr7 lengths of the two assemblies (GRCh37 / GRCh38 assembly reports).
CHR7_LENGTH = {159138663: "GRCh37", 159345973: "GRCh38"}
_BUILD_NAMES = {"grch37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "hs37d5": "GRCh37",
                "grch38": "GRCh38", "hg38": "GRCh38"}
COLUMNS = ["sample", "locus", "genotype", "status", "reason", "source", "file", "build", "chrom", "pos",
           "vcf_ref", "vcf_alt", "phased", "gq", "dp", "ad"]


def detect_build(contig_lengths: dict[str, int], meta: Iterable[str] = ()) -> str | None:
    """GRCh37 or GRCh38 from the chromosome 7 length, else from a reference/assembly header line."""
    for name in ("chr7", "7"):
        if contig_lengths.get(name) in CHR7_LENGTH:
            return CHR7_LENGTH[contig_lengths[name]]
    for line in meta:
        for token, build in _BUILD_NAMES.items():
            if re.search(rf"(?<![a-z0-9]){token}(?![a-z0-9])", line.lower()):
                return build
    return None


def resolve_build(requested: str, contig_lengths: dict[str, int], meta: Iterable[str], source: str) -> str:
    if requested != "auto":
        if requested not in BUILDS:
            raise InputError(f"unknown build '{requested}' (use auto, GRCh37 or GRCh38)")
        return requested
    build = detect_build(contig_lengths, meta)
    if build is None:
        raise InputError("cannot tell the genome build from the header (no chr7 length or ##reference); "
                         "give --build GRCh37 or GRCh38", source)
    return build


def contig_name(chrom: str, available: Iterable[str]) -> str:
    """The file's name for a chromosome: ``7`` and ``chr7`` are the same."""
    names = set(available)
    bare = chrom.removeprefix("chr")
    for candidate in (chrom, bare, f"chr{bare}"):
        if candidate in names:
            return candidate
    return chrom


def _record_alleles(line: str) -> set[str]:
    fields = line.split("\t", 5)
    return {fields[3], *fields[4].split(",")}


def _no_calls(samples, locus: Locus, reason: str, base: dict) -> pd.DataFrame:
    return pd.DataFrame({"sample": samples, "locus": locus.id, "genotype": "", "status": "no_call",
                         "reason": reason, **base})


def _genotypes(record_line: str, sample_index: np.ndarray, locus: Locus, base: dict) -> pd.DataFrame:
    fields = record_line.rstrip("\n").split("\t")
    ref, alts = fields[3], fields[4].split(",")
    record_alleles = np.array([ref] + alts, dtype=object)
    keys = fields[8].split(":") if len(fields) > 8 else []
    columns = pd.Series(fields[9:], dtype=object).iloc[sample_index].reset_index(drop=True)
    split = columns.str.split(":", expand=True)
    value = {key: split[i] if i < split.shape[1] else pd.Series([None] * len(columns)) for i, key in enumerate(keys)}
    if "GT" not in value:
        return None
    gt = value["GT"].fillna(".")
    phased = gt.str.contains("|", regex=False)
    halves = gt.str.split(r"[/|]", regex=True, expand=True)
    if halves.shape[1] < 2:
        halves[1] = None
    first, second = halves[0], halves[1]
    missing = first.isin([".", ""]) | second.isna() | second.isin([".", ""])
    diploid = halves.shape[1] == 2 or halves.iloc[:, 2:].isna().all(axis=1)
    first_index = pd.to_numeric(first.where(~missing), errors="coerce")
    second_index = pd.to_numeric(second.where(~missing), errors="coerce")
    invalid = ~missing & (first_index.isna() | second_index.isna() | (first_index >= len(record_alleles))
                          | (second_index >= len(record_alleles)))
    ok = ~missing & ~invalid
    allele_a = pd.Series(record_alleles[first_index.where(ok, 0).astype(int)]).where(ok)
    allele_b = pd.Series(record_alleles[second_index.where(ok, 0).astype(int)]).where(ok)
    order = {allele: index for index, allele in enumerate(locus.alleles)}
    rank_a, rank_b = allele_a.map(order), allele_b.map(order)
    outside = ok & (rank_a.isna() | rank_b.isna())
    called = ok & ~outside & diploid
    genotype = np.where(rank_a <= rank_b, allele_a + "/" + allele_b, allele_b + "/" + allele_a)
    genotype = pd.Series(genotype).where(called, "")
    reason = pd.Series("", index=columns.index)
    reason = reason.mask(missing, "missing genotype")
    reason = reason.mask(invalid, "genotype index outside REF/ALT")
    reason = reason.mask(~missing & ~diploid, "not a diploid genotype")
    foreign = np.where(rank_a.isna(), allele_a, allele_b)
    reason = reason.mask(outside, "allele " + pd.Series(foreign).astype(str) + f" outside {'/'.join(locus.alleles)}")
    ad = value.get("AD")
    ad_text = pd.Series("", index=columns.index)
    if ad is not None:
        counts = ad.fillna("").str.split(",", expand=True)
        per_allele = []
        for allele in locus.alleles:
            positions = np.flatnonzero(record_alleles == allele)
            column = counts[positions[0]] if len(positions) and positions[0] < counts.shape[1] else None
            per_allele.append(column.fillna(".") if column is not None else pd.Series(".", index=columns.index))
        ad_text = per_allele[0] + "," + per_allele[1]
    return pd.DataFrame({
        "locus": locus.id, "genotype": genotype, "status": np.where(called, "called", "no_call"),
        "reason": reason, **base, "vcf_ref": ref, "vcf_alt": ",".join(alts),
        "phased": np.where(called, np.where(phased, "yes", "no"), ""),
        "gq": value.get("GQ", pd.Series("", index=columns.index)).fillna("").replace(".", ""),
        "dp": value.get("DP", pd.Series("", index=columns.index)).fillna("").replace(".", ""),
        "ad": np.where(ad_text == ".,.", "", ad_text),
    })


def call_vcf(
    path: str | os.PathLike,
    loci: list[Locus],
    build: str = "auto",
    samples: list[str] | None = None,
) -> pd.DataFrame:
    """Calls for every sample (or `samples`) at every locus of `loci` from one VCF/BCF."""
    import pysam

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    try:
        vcf = pysam.VariantFile(str(path))
    except (OSError, ValueError) as err:
        raise InputError(f"not a readable VCF/BCF ({err})", str(path)) from None
    with vcf:
        header_samples = list(vcf.header.samples)
        if samples:
            unknown = [sample for sample in samples if sample not in header_samples]
            if unknown:
                raise InputError(f"sample {', '.join(unknown[:5])} not in the file", str(path))
            wanted = samples
        else:
            wanted = header_samples
        if not wanted:
            raise InputError("the file has no samples", str(path))
        sample_index = np.array([header_samples.index(s) for s in wanted]) if samples else np.arange(len(wanted))
        lengths = {name: contig.length for name, contig in vcf.header.contigs.items() if contig.length}
        meta = [str(record) for record in vcf.header.records if record.key in ("reference", "assembly")]
        chosen = resolve_build(build, lengths, meta, str(path))
        targets = {}
        for locus in loci:
            position = locus.position(chosen)
            if position is None:
                continue
            targets[(locus.chrom.removeprefix("chr"), position)] = locus
        found: dict[str, list[str]] = {}
        indexed = vcf.index is not None
        if indexed:
            contigs = list(vcf.header.contigs) or list(vcf.index)
            for (chrom, position), locus in targets.items():
                name = contig_name(chrom, contigs)
                try:
                    records = vcf.fetch(name, position - 1, position)
                except ValueError:
                    continue
                found[locus.id] = [str(record) for record in records if record.pos == position]
        else:
            for record in vcf:
                locus = targets.get((record.chrom.removeprefix("chr"), record.pos))
                if locus is not None:
                    found.setdefault(locus.id, []).append(str(record))
    frames = []
    for locus in loci:
        base = {"source": "vcf", "file": path.name, "build": chosen, "chrom": "", "pos": locus.position(chosen)}
        if locus.position(chosen) is None:
            frames.append(_no_calls(wanted, locus, f"no {chosen} position for this locus", base))
            continue
        lines = [line for line in found.get(locus.id, []) if _record_alleles(line) & set(locus.alleles)]
        if not lines:
            frames.append(_no_calls(wanted, locus, "locus not in file", base))
            continue
        base["chrom"] = lines[0].split("\t", 1)[0]
        parsed = [_genotypes(line, sample_index, locus, base) for line in lines]
        parsed = [frame for frame in parsed if frame is not None]
        if not parsed:
            frames.append(_no_calls(wanted, locus, "record has no GT field", base))
            continue
        # Several records at one position (split multi-allelics): a sample's call is the record that
        # calls it; a call in two records that disagree is a no-call.
        table = parsed[0]
        for other in parsed[1:]:
            both = ((table["status"] == "called") & (other["status"] == "called")
                    & (table["genotype"] != other["genotype"]))
            informative = (table["reason"] == "missing genotype") & (other["reason"] != "missing genotype")
            take = (table["status"] != "called") & ((other["status"] == "called") | informative)
            table = table.where(~take, other)
            table.loc[both, ["genotype", "status", "reason"]] = ["", "no_call", "records at this position disagree"]
        table.insert(0, "sample", list(wanted))
        frames.append(table)
    calls = pd.concat(frames, ignore_index=True).reindex(columns=COLUMNS)
    calls["pos"] = calls["pos"].astype("Int64")
    return calls.fillna({column: "" for column in COLUMNS if column not in ("pos",)})
