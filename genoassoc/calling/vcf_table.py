"""The calls table of VCF records: distinct GT strings parsed once per record, columns of few
distinct values kept as categoricals (see `genoassoc.calling.vcf`, which reads the records)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from genoassoc.loci import Locus

COLUMNS = ["sample", "locus", "genotype", "status", "reason", "source", "phased", "gq", "dp", "ad"]


def _record_alleles(line: str) -> set[str]:
    fields = line.split("\t", 5)
    return {fields[3], *fields[4].split(",")}


def _no_calls(samples, locus: Locus, reason: str) -> dict:
    values = {**dict.fromkeys(COLUMNS, ""), "locus": locus.id, "status": "no_call", "reason": reason, "source": "vcf"}
    return {name: _Coded.constant(values[name], len(samples)) for name in COLUMNS if name != "sample"}


def _parse_gt(text: str, record_alleles: list[str], locus: Locus) -> tuple[str, str, str]:
    """(genotype in catalog order, reason, phased) of one GT string."""
    if text in ("", ".", "./.", ".|."):
        return "", "missing genotype", ""
    phased = "|" in text
    halves = text.replace("|", "/").split("/")
    if len(halves) != 2:
        return "", "not a diploid genotype", ""
    if "." in halves:
        return "", "missing genotype", ""
    try:
        alleles = [record_alleles[int(half)] for half in halves]
    except (ValueError, IndexError):
        return "", "genotype index outside REF/ALT", ""
    for allele in alleles:
        if allele not in locus.alleles:
            return "", f"allele {allele} outside {'/'.join(locus.alleles)}", ""
    return locus.genotype(*alleles), "", "yes" if phased else "no"


def _genotypes(record_line: str, sample_index: list[int] | None, locus: Locus) -> dict | None:
    fields = record_line.rstrip("\n").split("\t")
    ref, alts = fields[3], fields[4].split(",")
    record_alleles = [ref, *alts]
    keys = fields[8].split(":") if len(fields) > 8 else []
    if not keys or keys[0] != "GT":
        return None
    raw = fields[9:]
    if sample_index is not None:
        raw = [raw[i] for i in sample_index]
    n = len(raw)
    # Distinct GT strings are few even for 500 000 samples: parse each once, then index by code.
    parts = None if len(keys) == 1 else [value.split(":") for value in raw]
    gt = raw if parts is None else [part[0] for part in parts]
    codes, uniques = pd.factorize(np.asarray(gt, dtype=object))
    parsed = [_parse_gt(text, record_alleles, locus) for text in uniques]
    genotype, reason, phased = ([entry[column] for entry in parsed] for column in range(3))
    status = ["called" if value else "no_call" for value in genotype]

    def field(name: str):
        if parts is None or name not in keys:
            return _Coded.constant("", n)
        index = keys.index(name)
        return [part[index] if len(part) > index and part[index] != "." else "" for part in parts]

    ad = field("AD")
    if isinstance(ad, list):
        positions = [record_alleles.index(allele) if allele in record_alleles else None for allele in locus.alleles]

        def reorder(text: str) -> str:
            counts = text.split(",")
            picked = [counts[p] if p is not None and p < len(counts) and counts[p] != "." else "." for p in positions]
            return "" if picked == [".", "."] else ",".join(picked)

        ad = [reorder(text) if text else "" for text in ad]
    return {
        "locus": _Coded.constant(locus.id, n), "genotype": _Coded(codes, genotype), "status": _Coded(codes, status),
        "reason": _Coded(codes, reason), "source": _Coded.constant("vcf", n), "phased": _Coded(codes, phased),
        "gq": field("GQ"), "dp": field("DP"), "ad": ad,
    }


class _Coded:
    """A column of few distinct values: integer codes into a list of categories."""

    def __init__(self, codes: np.ndarray, categories: list[str]):
        self.codes, self.categories = np.asarray(codes), list(categories)

    @classmethod
    def constant(cls, value: str, n: int) -> _Coded:
        return cls(np.zeros(n, dtype=np.int8), [value])

    def __len__(self) -> int:
        return len(self.codes)

    def values(self) -> np.ndarray:
        return np.asarray(self.categories, dtype=object)[self.codes]


def _column(pieces: list) -> pd.Series | np.ndarray:
    """Concatenate per-locus pieces: categorical when every piece is coded, else object values."""
    if all(isinstance(piece, _Coded) for piece in pieces):
        categories = list(dict.fromkeys(category for piece in pieces for category in piece.categories))
        index = {category: position for position, category in enumerate(categories)}
        codes = np.concatenate([np.array([index[c] for c in piece.categories])[piece.codes] for piece in pieces])
        return pd.Categorical.from_codes(codes, categories=categories)
    return np.concatenate([piece.values() if isinstance(piece, _Coded) else np.asarray(piece, dtype=object)
                           for piece in pieces])


def assemble(path: Path, loci: list[Locus], chosen: str, wanted: list[str], sample_index: list[int] | None,
             found: dict[str, list[str]]) -> pd.DataFrame:
    """The calls table of the records `found` per locus (raw VCF lines), for the `wanted` samples."""
    frames, records = [], {}
    for locus in loci:
        position = locus.position(chosen)
        if position is None:
            frames.append(_no_calls(wanted, locus, f"no {chosen} position for this locus"))
            continue
        lines = [line for line in found.get(locus.id, []) if _record_alleles(line) & set(locus.alleles)]
        if not lines:
            frames.append(_no_calls(wanted, locus, "locus not in file"))
            continue
        fields = lines[0].split("\t", 5)
        records[locus.id] = {"file": path.name, "build": chosen, "chrom": fields[0], "pos": position,
                             "ref": fields[3], "alt": ",".join(line.split("\t", 5)[4] for line in lines)}
        parsed = [_genotypes(line, sample_index, locus) for line in lines]
        parsed = [columns for columns in parsed if columns is not None]
        if not parsed:
            frames.append(_no_calls(wanted, locus, "record has no GT field"))
            continue
        frames.append(parsed[0] if len(parsed) == 1 else _merge_records(parsed))
    samples = np.asarray(wanted, dtype=object)
    data = {"sample": np.concatenate([samples] * len(frames))}
    for name in COLUMNS[1:]:
        data[name] = _column([columns[name] for columns in frames])
    # Categorical and object columns: pandas' string inference over a million cells costs more than
    # the calling itself.
    calls = pd.DataFrame(data, columns=COLUMNS, copy=False)
    calls.attrs.update(build=chosen, vcf_records=records)
    return calls


def _merge_records(parsed: list[dict]) -> dict:
    """Several records at one position (split multi-allelics): a sample's call is the record that
    calls it; a call in two records that disagree is a no-call."""
    def frame(columns: dict) -> pd.DataFrame:
        return pd.DataFrame({name: value.values() if isinstance(value, _Coded) else np.asarray(value, dtype=object)
                             for name, value in columns.items()}, dtype=object)

    table = frame(parsed[0])
    for columns in parsed[1:]:
        other = frame(columns)
        both = (table["status"] == "called") & (other["status"] == "called") & (table["genotype"] != other["genotype"])
        informative = (table["reason"] == "missing genotype") & (other["reason"] != "missing genotype")
        take = (table["status"] != "called") & ((other["status"] == "called") | informative)
        table = table.where(~take, other)
        table.loc[both, ["genotype", "status", "reason"]] = ["", "no_call", "records at this position disagree"]
    return {name: table[name].tolist() for name in table.columns}
