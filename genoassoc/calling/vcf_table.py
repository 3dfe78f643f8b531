"""The calls of VCF records as columns (numpy only; see `genoassoc.calling.vcf`, which reads them).

A record's GT fields are located in its bytes with numpy (tab and colon positions), each sample's GT
packed into one integer key, and the distinct keys parsed once: no Python object per sample. Columns
of few distinct values stay codes into categories; the TSV writer formats each distinct combination
once, and pandas is loaded only when a DataFrame is asked for (`VcfCalls.frame`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from genoassoc.loci import Locus

if TYPE_CHECKING:
    import pandas as pd

# `haplotypes` keeps a phased call's allele order (``C|G``: first|second haplotype, as in the VCF);
# `genotype` is always in catalog order.
COLUMNS = ["sample", "locus", "genotype", "status", "reason", "source", "phased", "haplotypes", "gq", "dp", "ad"]
_EVIDENCE = ("gq", "dp", "ad")
# A GT of up to 7 bytes packs into one 64-bit key with its length on top (diploid GTs take 3).
_KEY_BYTES = 7


class Coded:
    """A column of few distinct values: integer codes into a list of categories."""

    def __init__(self, codes: np.ndarray, categories: list[str]):
        self.codes, self.categories = np.asarray(codes), list(categories)

    @classmethod
    def constant(cls, value: str, n: int) -> Coded:
        return cls(np.zeros(n, dtype=np.int8), [value])

    def __len__(self) -> int:
        return len(self.codes)

    def values(self) -> np.ndarray:
        return np.asarray(self.categories, dtype=object)[self.codes]


@dataclass
class LocusCalls:
    """One locus's calls for every sample: GT-derived columns coded, FORMAT evidence per sample."""

    locus: str
    coded: Coded  # codes into `parsed`, the (genotype, reason, phased, haplotypes) of each distinct GT
    parsed: list[tuple[str, str, str, str]]
    evidence: dict[str, np.ndarray] = field(default_factory=dict)  # gq, dp, ad as object arrays

    def column(self, name: str) -> Coded | np.ndarray:
        if name in self.evidence:
            return self.evidence[name]
        if name in _EVIDENCE:
            return Coded.constant("", len(self.coded))
        if name == "locus":
            return Coded.constant(self.locus, len(self.coded))
        if name == "source":
            return Coded.constant("vcf", len(self.coded))
        index = {"genotype": 0, "reason": 1, "phased": 2, "haplotypes": 3}.get(name)
        if index is not None:
            return Coded(self.coded.codes, [entry[index] for entry in self.parsed])
        return Coded(self.coded.codes, ["called" if entry[0] else "no_call" for entry in self.parsed])

    def called(self) -> int:
        counts = np.bincount(self.coded.codes, minlength=len(self.parsed))
        return int(sum(count for count, entry in zip(counts, self.parsed, strict=True) if entry[0]))


def _no_calls(n: int, locus: Locus, reason: str) -> LocusCalls:
    return LocusCalls(locus.id, Coded.constant("", n), [("", reason, "", "")])


def _record_alleles(line: str) -> set[str]:
    fields = line.split("\t", 5)
    return {fields[3], *fields[4].split(",")}


def _parse_gt(text: str, record_alleles: list[str], locus: Locus) -> tuple[str, str, str, str]:
    """(genotype in catalog order, reason, phased, haplotypes) of one GT string."""
    if text in ("", ".", "./.", ".|."):
        return "", "missing genotype", "", ""
    phased = "|" in text
    halves = text.replace("|", "/").split("/")
    if len(halves) != 2:
        return "", "not a diploid genotype", "", ""
    if "." in halves:
        return "", "missing genotype", "", ""
    try:
        alleles = [record_alleles[int(half)] for half in halves]
    except (ValueError, IndexError):
        return "", "genotype index outside REF/ALT", "", ""
    for allele in alleles:
        if allele not in locus.alleles:
            return "", f"allele {allele} outside {'/'.join(locus.alleles)}", "", ""
    return locus.genotype(*alleles), "", "yes" if phased else "no", "|".join(alleles) if phased else ""


# GT bytes of a short call as 4-bit symbols (0: no byte; 15: a byte outside the alphabet)
_ALPHABET = "0123456789./|"
_SYMBOL = np.full(256, 15, dtype=np.uint16)
_SYMBOL[np.frombuffer(_ALPHABET.encode(), dtype=np.uint8)] = np.arange(1, 14, dtype=np.uint16)


def _symbols_text(key: int) -> str:
    return "".join(_ALPHABET[(key >> shift & 0xF) - 1] for shift in (0, 4, 8) if key >> shift & 0xF)


def _gt_codes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, list[str]] | None:
    """Codes of the GT texts data[starts:ends] and the distinct texts, or None when one is too long
    to pack into a key."""
    lengths = ends - starts
    if lengths.size and int(lengths.max()) > _KEY_BYTES:
        return None
    last = len(data) - 1
    if lengths.size and int(lengths.max()) <= 3:
        # the usual case (0/1, ./., 1|0, haploid 1): 12 bits of symbols, counted without sorting
        small, foreign, width = np.zeros(len(starts), dtype=np.uint16), False, int(lengths.max())
        if int(lengths.min()) == width and bool((np.diff(starts) == width + 1).all()):
            # GT alone in every sample column, all of one length: the fields are a strided view
            columns = [_SYMBOL[data[starts[0] + offset:starts[-1] + width:width + 1]] for offset in range(width)]
        else:
            columns = [np.where(offset < lengths, _SYMBOL[data[np.minimum(starts + offset, last)]], 0)
                       for offset in range(width)]
        for offset, symbol in enumerate(columns):
            foreign = foreign or bool((symbol == 15).any())
            small |= symbol << np.uint16(4 * offset)
        if not foreign:
            present = np.flatnonzero(np.bincount(small, minlength=1 << 12))
            code_of = np.zeros(1 << 12, dtype=np.intp)
            code_of[present] = np.arange(len(present))
            return code_of[small], [_symbols_text(int(key)) for key in present]
    key = lengths.astype(np.uint64) << np.uint64(8 * _KEY_BYTES)
    for offset in range(int(lengths.max()) if lengths.size else 0):
        byte = data[np.minimum(starts + offset, last)].astype(np.uint64)
        key |= np.where(offset < lengths, byte, 0).astype(np.uint64) << np.uint64(8 * offset)
    uniques, first, codes = np.unique(key, return_index=True, return_inverse=True)
    texts = [data[starts[i]:ends[i]].tobytes().decode("ascii", "replace") for i in first]
    return codes.reshape(-1), texts


def _genotypes(record_line: str, sample_index: np.ndarray | None, locus: Locus) -> LocusCalls | None:
    """The calls of one record (a raw VCF line), or None when it has no GT."""
    line = record_line.rstrip("\n")
    head = line.split("\t", 9)
    if len(head) < 10:
        return None
    ref, alts, keys = head[3], head[4].split(","), head[8].split(":")
    if keys[0] != "GT":
        return None
    record_alleles = [ref, *alts]
    data = np.frombuffer(line.encode(), dtype=np.uint8)
    tabs = np.flatnonzero(data == 9)
    starts = tabs[8:] + 1
    ends = np.append(tabs[9:], len(data))
    if sample_index is not None:
        starts, ends = starts[sample_index], ends[sample_index]
    gt_ends = ends
    if len(keys) > 1:
        colons = np.flatnonzero(data == 58)
        following = colons[np.minimum(np.searchsorted(colons, starts), len(colons) - 1)] if colons.size else ends
        gt_ends = np.where((following > starts) & (following < ends), following, ends)
    packed = _gt_codes(data, starts, gt_ends)
    if packed is None:
        texts = [data[s:e].tobytes().decode() for s, e in zip(starts, gt_ends, strict=True)]
        index: dict[str, int] = {}
        codes = np.fromiter((index.setdefault(text, len(index)) for text in texts), dtype=np.intp, count=len(texts))
        packed = codes, list(index)
    codes, texts = packed
    calls = LocusCalls(locus.id, Coded(codes, texts), [_parse_gt(text, record_alleles, locus) for text in texts])
    wanted = [name for name in _EVIDENCE if name.upper() in keys]
    if wanted:
        calls.evidence = _evidence(line, keys, wanted, sample_index, record_alleles, locus)
    return calls


def _evidence(line: str, keys: list[str], wanted: list[str], sample_index, record_alleles, locus) -> dict:
    """GQ, DP and AD per sample (AD reordered to the catalog's alleles)."""
    raw = line.split("\t")[9:]
    if sample_index is not None:
        raw = [raw[i] for i in sample_index]
    parts = [value.split(":") for value in raw]
    evidence = {}
    for name in wanted:
        position = keys.index(name.upper())
        values = [part[position] if len(part) > position and part[position] != "." else "" for part in parts]
        if name == "ad":
            order = [record_alleles.index(a) if a in record_alleles else None for a in locus.alleles]
            values = [_reorder_ad(text, order) if text else "" for text in values]
        evidence[name] = np.asarray(values, dtype=object)
    return evidence


def _reorder_ad(text: str, order: list[int | None]) -> str:
    counts = text.split(",")
    picked = [counts[p] if p is not None and p < len(counts) and counts[p] != "." else "." for p in order]
    return "" if picked == [".", "."] else ",".join(picked)


class VcfCalls:
    """The calls of one VCF at a list of loci, kept as columns: `frame()` gives the calls table,
    `write_tsv` writes it without pandas."""

    def __init__(self, samples: list[str], loci: list[LocusCalls], build: str | None, records: dict):
        self.samples, self.loci, self.build, self.records = samples, loci, build, records

    def counts(self) -> dict[str, tuple[int, int]]:
        """Called and total samples per locus."""
        return {calls.locus: (calls.called(), len(self.samples)) for calls in self.loci}

    def _pieces(self, name: str) -> list[Coded | np.ndarray]:
        return [calls.column(name) for calls in self.loci]

    def tsv(self) -> str:
        """The calls table as TSV, as `genoassoc.io.tables.format_table` writes it."""
        parts = ["\t".join(COLUMNS) + "\n"]
        for calls in self.loci:
            # every column but the per-sample evidence depends only on the GT code
            fixed = [f"\t{calls.locus}\t{g}\t{'called' if g else 'no_call'}\t{r}\tvcf\t{p}\t{h}"
                     for g, r, p, h in calls.parsed]
            if not calls.evidence:
                tails = np.asarray([text + "\t\t\t\n" for text in fixed], dtype=object)[calls.coded.codes].tolist()
            else:
                empty = [""] * len(calls.coded)
                columns = [calls.evidence[name].tolist() if name in calls.evidence else empty for name in _EVIDENCE]
                base = np.asarray(fixed, dtype=object)[calls.coded.codes].tolist()
                tails = [row + "\n" for row in map("\t".join, zip(base, *columns, strict=True))]
            # sample, tail, sample, tail...: one join, no string per row
            rows: list[str] = [""] * (2 * len(tails))
            rows[::2], rows[1::2] = self.samples, tails
            parts.append("".join(rows))
        return "".join(parts)

    def write_tsv(self, output: str | os.PathLike | None) -> None:
        from genoassoc.io.records import write_text

        write_text(self.tsv(), output)

    def frame(self) -> pd.DataFrame:
        """The calls table: categorical columns for the coded ones (see `format_table`)."""
        import pandas as pd

        data: dict[str, Any] = {"sample": np.concatenate([np.asarray(self.samples, dtype=object)] * len(self.loci))}
        for name in COLUMNS[1:]:
            data[name] = _column(self._pieces(name))
        # Categorical and object columns: pandas' string inference over a million cells costs more
        # than the calling itself.
        calls = pd.DataFrame(data, columns=COLUMNS, copy=False)
        calls.attrs.update(build=self.build, vcf_records=self.records)
        return calls


def _column(pieces: list) -> Any:
    """Concatenate per-locus pieces: categorical when every piece is coded, else object values."""
    import pandas as pd

    if all(isinstance(piece, Coded) for piece in pieces):
        categories = list(dict.fromkeys(category for piece in pieces for category in piece.categories))
        index = {category: position for position, category in enumerate(categories)}
        codes = np.concatenate([np.array([index[c] for c in piece.categories])[piece.codes] for piece in pieces])
        return pd.Categorical.from_codes(codes, categories=categories)
    return np.concatenate([piece.values() if isinstance(piece, Coded) else np.asarray(piece, dtype=object)
                           for piece in pieces])


def assemble(path: Path, loci: list[Locus], chosen: str | None, wanted: list[str], sample_index: list[int] | None,
             found: dict[str, list[str]], unplaced: str = "") -> VcfCalls:
    """The calls of the records `found` per locus (raw VCF lines), for the `wanted` samples; loci
    that need a build when none is known are no-calls with the reason `unplaced`."""
    pieces, records = [], {}
    index = None if sample_index is None else np.asarray(sample_index, dtype=np.intp)
    n = len(wanted)
    for locus in loci:
        position = locus.position(chosen) if chosen else locus.position("")
        if position is None:
            pieces.append(_no_calls(n, locus, unplaced if not chosen else f"no {chosen} position for this locus"))
            continue
        lines = [line for line in found.get(locus.id, []) if _record_alleles(line) & set(locus.alleles)]
        if not lines:
            pieces.append(_no_calls(n, locus, "locus not in file"))
            continue
        fields = lines[0].split("\t", 5)
        records[locus.id] = {"file": path.name, "build": chosen or "", "chrom": fields[0], "pos": position,
                             "ref": fields[3], "alt": ",".join(line.split("\t", 5)[4] for line in lines)}
        parsed = [calls for calls in (_genotypes(line, index, locus) for line in lines) if calls is not None]
        if not parsed:
            pieces.append(_no_calls(n, locus, "record has no GT field"))
            continue
        pieces.append(parsed[0] if len(parsed) == 1 else _merge_records(parsed))
    return VcfCalls(list(wanted), pieces, chosen, records)


def _merge_records(parsed: list[LocusCalls]) -> LocusCalls:
    """Several records at one position (split multi-allelics): a sample's call is the record that
    calls it; a call in two records that disagree is a no-call."""
    def triples(calls: LocusCalls) -> np.ndarray:
        values = np.empty((len(calls.coded), 4), dtype=object)
        for column in range(4):
            values[:, column] = np.asarray([entry[column] for entry in calls.parsed], dtype=object)[calls.coded.codes]
        return values

    table = triples(parsed[0])
    evidence = {name: values.copy() for name, values in parsed[0].evidence.items()}
    for calls in parsed[1:]:
        other = triples(calls)
        called, other_called = table[:, 0] != "", other[:, 0] != ""
        both = called & other_called & (table[:, 0] != other[:, 0])
        informative = (table[:, 1] == "missing genotype") & (other[:, 1] != "missing genotype")
        take = ~called & (other_called | informative)
        table[take] = other[take]
        for name, values in calls.evidence.items():
            evidence.setdefault(name, np.full(len(table), "", dtype=object))[take] = values[take]
        table[both] = ["", "records at this position disagree", "", ""]
    index: dict[tuple[str, str, str, str], int] = {}
    codes = np.fromiter((index.setdefault(tuple(row), len(index)) for row in table), dtype=np.intp, count=len(table))
    return LocusCalls(parsed[0].locus, Coded(codes, []), list(index), evidence)
