"""The locus catalog: SNPs with their alleles in forward-strand order, coordinates per genome build,
and the promoter-numbering aliases the literature uses (``-174G>C`` is rs1800795).

The built-in catalog is ``reference/loci.tsv``; a user panel (``locus, chrom, pos, alleles`` and
optional ``build``, ``aliases``) adds or replaces loci.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from genoassoc.errors import InputError

BUILDS = ("GRCh37", "GRCh38")
ANY_BUILD = "any"
_COMPLEMENT = {"A": "T", "T": "A", "C": "G", "G": "C"}
_ALLELE = re.compile(r"^[ACGT]+$")
_ALIAS = re.compile(r"^(?:([ACGT])(-?\d+)([ACGT])|(-?\d+)([ACGT])[>/]([ACGT]))$")


def alias_key(text: str) -> tuple[str | None, int, frozenset[str]] | None:
    """Normalise a promoter-numbering name: ``IL6 -174 G/C``, ``G-174C`` and ``-174C>G`` all give
    ``("IL6" or None, -174, {G, C})``. Returns None for text that is no such name."""
    cleaned = text.strip().upper().replace("\u2212", "-").replace("\u2013", "-")
    gene = None
    prefix = re.match(r"^(IL-?\d+|[A-Z][A-Z0-9]+)[\s_:]+", cleaned)
    if prefix:
        gene = prefix.group(1).replace("-", "")
        cleaned = cleaned[prefix.end():]
    cleaned = re.sub(r"\s+", "", cleaned)
    match = _ALIAS.match(cleaned)
    if not match:
        return None
    if match.group(2):
        position, alleles = int(match.group(2)), {match.group(1), match.group(3)}
    else:
        position, alleles = int(match.group(4)), {match.group(5), match.group(6)}
    return gene, position, frozenset(alleles)


@dataclass(frozen=True)
class Locus:
    """A biallelic SNP. `alleles` are in catalog (forward-strand) order; genotypes are written in it."""

    id: str
    alleles: tuple[str, str]
    chrom: str
    positions: dict[str, int] = field(default_factory=dict)
    gene: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""
    # forward-strand sequence beside the SNP, for locating it in Sanger reads (a panel's, or the
    # catalog's with its citation in flank_source)
    flank5: str = ""
    flank3: str = ""
    flank_source: str = ""

    @property
    def genotypes(self) -> tuple[str, str, str]:
        """The three genotypes in catalog order, e.g. ``("G/G", "G/C", "C/C")``."""
        first, second = self.alleles
        return (f"{first}/{first}", f"{first}/{second}", f"{second}/{second}")

    @property
    def palindromic(self) -> bool:
        """True for G/C and A/T SNPs, whose strand cannot be told from the alleles."""
        return _COMPLEMENT.get(self.alleles[0]) == self.alleles[1]

    def genotype(self, first: str, second: str) -> str:
        """The genotype of two alleles written in catalog order (``C``, ``G`` → ``G/C``)."""
        order = {allele: index for index, allele in enumerate(self.alleles)}
        if first not in order or second not in order:
            raise ValueError(f"{self.id}: allele outside {'/'.join(self.alleles)}")
        pair = sorted((first, second), key=order.__getitem__)
        return f"{pair[0]}/{pair[1]}"

    def position(self, build: str) -> int | None:
        """1-based position on `build`, or None when the catalog has no placement there."""
        return self.positions.get(build, self.positions.get(ANY_BUILD))


class Catalog:
    """Loci by id with lookup by rsID (any case) or literature alias."""

    def __init__(self, loci: list[Locus]) -> None:
        self._loci = {locus.id: locus for locus in loci}

    def __iter__(self):
        return iter(self._loci.values())

    def __len__(self) -> int:
        return len(self._loci)

    def __contains__(self, name: str) -> bool:
        try:
            self.resolve(name)
        except InputError:
            return False
        return True

    @property
    def ids(self) -> list[str]:
        return list(self._loci)

    def resolve(self, name: str) -> Locus:
        """The locus an rsID or alias names; `InputError` when none or several match."""
        text = name.strip()
        for locus_id, locus in self._loci.items():
            if locus_id.lower() == text.lower():
                return locus
        key = alias_key(text)
        if key is not None:
            gene, position, alleles = key
            matches = []
            for locus in self._loci.values():
                for alias in locus.aliases:
                    alias_gene, *rest = alias_key(alias) or (None, None, None)
                    genes = {alias_gene, locus.gene.upper().replace("-", "")}
                    if rest == [position, alleles] and (gene is None or gene in genes):
                        matches.append(locus)
            unique = list({locus.id: locus for locus in matches}.values())
            if len(unique) == 1:
                return unique[0]
            if len(unique) > 1:
                names = ", ".join(locus.id for locus in unique)
                raise InputError(f"'{name}' names several loci ({names}); give the rsID")
        raise InputError(f"unknown locus '{name}' (catalog: {', '.join(self._loci)})")

    def with_loci(self, loci: list[Locus]) -> Catalog:
        """A catalog with `loci` added; a locus with an existing id replaces it."""
        merged = dict(self._loci)
        merged.update({locus.id: locus for locus in loci})
        return Catalog(list(merged.values()))


def merged_ranges(positions: Iterable[tuple[str, int]], max_gap: int = 10_000) -> list[tuple[str, int, int]]:
    """(contig, first, last) ranges covering sorted (contig, position) pairs; positions closer than
    `max_gap` share a range, so they are read in one sequential pass of an indexed file."""
    ranges: list[list] = []
    for chrom, position in sorted(positions):
        if ranges and ranges[-1][0] == chrom and position - ranges[-1][2] < max_gap:
            ranges[-1][2] = position
        else:
            ranges.append([chrom, position, position])
    return [tuple(entry) for entry in ranges]


def _parse_alleles(text: str, source: str | None, row: int | None) -> tuple[str, str]:
    alleles = tuple(part.strip().upper() for part in re.split(r"[,/ ]+", text) if part.strip())
    if len(alleles) != 2 or alleles[0] == alleles[1] or not all(_ALLELE.match(a) for a in alleles):
        raise InputError(f"alleles '{text}' must be two different alleles such as G,C", source, row, "alleles")
    return alleles  # type: ignore[return-value]


def _parse_position(text: str, source: str | None, row: int | None, column: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"position '{text}' is not a positive whole number", source, row, column)
    return int(text)


def _split_aliases(text: str) -> tuple[str, ...]:
    return tuple(alias.strip() for alias in text.split(";") if alias.strip())


def load_catalog(panel: str | os.PathLike | None = None) -> Catalog:
    """The built-in catalog (``reference/loci.tsv``), with a user panel's loci added when given."""
    from genoassoc.io.records import read_records
    from genoassoc.resources import reference_file

    path = reference_file("loci.tsv")
    source = str(path)
    loci = []
    for row, record in read_records(path, ["locus", "chrom", "alleles"]):
        positions = {
            build: _parse_position(record[f"pos_{build.lower()}"], source, row, build)
            for build in BUILDS
            if record.get(f"pos_{build.lower()}", "")
        }
        loci.append(
            Locus(
                id=record["locus"],
                alleles=_parse_alleles(record["alleles"], source, row),
                chrom=record["chrom"],
                positions=positions,
                gene=record.get("gene", ""),
                aliases=_split_aliases(record.get("aliases", "")),
                source=record.get("source", ""),
                flank5=_flank(record.get("flank5", ""), source, row, "flank5"),
                flank3=_flank(record.get("flank3", ""), source, row, "flank3"),
                flank_source=record.get("flank_source", ""),
            )
        )
    catalog = Catalog(loci)
    return catalog.with_loci(read_panel(panel)) if panel else catalog


def read_panel(path: str | os.PathLike) -> list[Locus]:
    """User loci from a panel table: ``locus, chrom, pos, alleles`` and optional ``build``
    (GRCh37/GRCh38; without it the position is used whatever the build), ``gene``, ``aliases``, and
    ``flank5``/``flank3`` (the forward-strand bases before and after the SNP, for Sanger reads)."""
    from genoassoc.io.records import read_records

    source = str(path)
    by_id: dict[str, Locus] = {}
    for row, record in read_records(path, ["locus", "chrom", "pos", "alleles"]):
        if not record["locus"]:
            raise InputError("a locus id is required", source, row, "locus")
        build = record.get("build", "") or ANY_BUILD
        canonical = {b.lower(): b for b in BUILDS}
        if build != ANY_BUILD:
            if build.lower() not in canonical:
                raise InputError(f"unknown build '{build}' (use GRCh37 or GRCh38)", source, row, "build")
            build = canonical[build.lower()]
        alleles = _parse_alleles(record["alleles"], source, row)
        position = _parse_position(record["pos"], source, row, "pos")
        previous = by_id.get(record["locus"])
        if previous is not None:
            if previous.alleles != alleles or previous.chrom != record["chrom"] or build in previous.positions:
                raise InputError(f"locus '{record['locus']}' is listed twice", source, row, "locus")
            previous.positions[build] = position
            continue
        by_id[record["locus"]] = Locus(
            id=record["locus"],
            alleles=alleles,
            chrom=record["chrom"],
            positions={build: position},
            gene=record.get("gene", ""),
            aliases=_split_aliases(record.get("aliases", "")),
            source=f"panel {source}",
            flank5=_flank(record.get("flank5", ""), source, row, "flank5"),
            flank3=_flank(record.get("flank3", ""), source, row, "flank3"),
        )
    return list(by_id.values())


def _flank(text: str, source: str, row: int, column: str) -> str:
    bases = text.strip().upper()
    if bases and (set(bases) - set("ACGTN")):
        raise InputError(f"'{text[:20]}' is not a DNA sequence (A, C, G, T, N)", source, row, column)
    return bases


# chr7 lengths of the two assemblies (GRCh37 / GRCh38 assembly reports).
CHR7_LENGTH = {159138663: "GRCh37", 159345973: "GRCh38"}
_BUILD_NAMES = {"grch37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "hs37d5": "GRCh37",
                "grch38": "GRCh38", "hg38": "GRCh38"}


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


def resolve_build(requested: str, contig_lengths: dict[str, int], meta: Iterable[str], source: str,
                  strict: bool = True) -> str | None:
    """The build asked for, else the one the header tells; when it tells none, an `InputError`
    naming ``--build`` (or None with `strict` off: the caller no-calls the loci that need a build)."""
    if requested != "auto":
        if requested not in BUILDS:
            raise InputError(f"unknown build '{requested}' (use auto, GRCh37 or GRCh38)")
        return requested
    build = detect_build(contig_lengths, meta)
    if build is None and strict:
        raise InputError(UNKNOWN_BUILD, source)
    return build


UNKNOWN_BUILD = ("cannot tell the genome build from the header (no chr7 length or ##reference line): "
                 "give --build GRCh37 or GRCh38")


def contig_name(chrom: str, available: Iterable[str]) -> str:
    """The file's name for a chromosome: ``7`` and ``chr7`` are the same."""
    names = set(available)
    bare = chrom.removeprefix("chr")
    for candidate in (chrom, bare, f"chr{bare}"):
        if candidate in names:
            return candidate
    return chrom
