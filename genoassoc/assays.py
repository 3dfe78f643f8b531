"""PCR-RFLP assays as data.

An assay names a locus, a restriction enzyme and, per allele, the fragments a complete digest gives:
either declared as published, or computed by digesting a forward-strand amplicon in silico with
Biopython's `Bio.Restriction`, or left to be learned from the gel when only the allele that carries
the enzyme's site (`site_allele`) is known. From the fragments follow the expected band pattern of
each genotype, the products of an incomplete digest, and the digestion-control fragments (those every
allele gives, from a site that cuts every allele).

An assay may name any SNP: a catalog locus, a panel locus, or otherwise a locus defined by the
assay's own alleles.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from genoassoc.errors import InputError
from genoassoc.loci import Catalog

_MAX_DECLARED_FRAGMENTS = 8


@dataclass(frozen=True)
class Assay:
    """One PCR-RFLP assay. Sizes are in bp; `fragments` are complete-digest products per allele,
    empty when they are to be learned from the gel (`sizes_known` False)."""

    id: str
    locus: str
    enzyme: str
    alleles: tuple[str, str]
    fragments: tuple[tuple[int, ...], tuple[int, ...]]
    amplicon_length: int
    incomplete_products: tuple[tuple[int, ...], tuple[int, ...]]
    control_fragments: tuple[int, ...]
    source: str = ""
    origin: str = "built-in"
    derived_from_amplicon: bool = False
    site_allele: str = ""
    preferred: bool = True
    locus_note: str = ""

    @property
    def sizes_known(self) -> bool:
        return bool(self.fragments[0]) and bool(self.fragments[1])

    @property
    def other_allele(self) -> str:
        """The allele without the enzyme's SNP site."""
        return self.alleles[1] if self.site_allele == self.alleles[0] else self.alleles[0]

    def allele_fragments(self, allele: str) -> tuple[int, ...]:
        return self.fragments[self.alleles.index(allele)]

    @property
    def genotypes(self) -> tuple[str, str, str]:
        first, second = self.alleles
        return (f"{first}/{first}", f"{first}/{second}", f"{second}/{second}")

    def pattern(self, genotype: str, min_band: float = 0.0) -> tuple[int, ...]:
        """Distinct band sizes expected for `genotype` (largest first), omitting those below `min_band`."""
        first, second = genotype.split("/")
        sizes = set(self.allele_fragments(first)) | set(self.allele_fragments(second))
        return tuple(sorted((size for size in sizes if size >= min_band), reverse=True))

    @property
    def partial_products(self) -> tuple[int, ...]:
        """Sizes only an incomplete digest gives: no allele's complete digest has them."""
        complete = set().union(*self.fragments)
        incomplete = set().union(*self.incomplete_products)
        return tuple(sorted(incomplete - complete, reverse=True))

    @property
    def undigested_detectable(self) -> bool:
        """True when no allele leaves the amplicon uncut, so a full-length band means failed digestion."""
        return all(self.amplicon_length not in sizes for sizes in self.fragments)


def _enzyme(name: str):
    from Bio import Restriction

    by_name = {str(known): known for known in Restriction.AllEnzymes}
    if name in by_name:
        return by_name[name]
    by_lower = {known.lower(): enzyme for known, enzyme in by_name.items()}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    names = list(by_name)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise InputError(f"unknown enzyme '{name}' (not in Biopython's Bio.Restriction{hint})")


def digest(sequence: str, enzyme_name: str) -> tuple[list[int], list[int]]:
    """Cut positions (0-based, between bases) and fragment lengths of a linear sequence's complete
    digest, top strand, as Bio.Restriction reports them."""
    from Bio.Seq import Seq

    enzyme = _enzyme(enzyme_name)
    cuts = sorted(position - 1 for position in enzyme.search(Seq(sequence), linear=True))
    bounds = [0, *cuts, len(sequence)]
    return cuts, [end - start for start, end in itertools.pairwise(bounds)]


def _spans_skipping_cuts(cuts: list[int], length: int) -> set[int]:
    bounds = [0, *cuts, length]
    return {
        bounds[end] - bounds[start]
        for start in range(len(bounds))
        for end in range(start + 2, len(bounds))
    }


def _declared_partials(fragments: tuple[int, ...]) -> set[int]:
    # Fragment order is unknown when sizes are declared: any sum of two or more is a possible product.
    sums = set()
    for count in range(2, len(fragments) + 1):
        sums.update(sum(combination) for combination in itertools.combinations(fragments, count))
    return sums


def _from_amplicon(spec: dict, alleles: tuple[str, str], where: str) -> tuple:
    amplicon = re.sub(r"\s+", "", str(spec["amplicon"])).upper()
    if not amplicon or not re.fullmatch(r"[ACGTN]+", amplicon):
        raise InputError(f"{where}: amplicon must be a DNA sequence (A, C, G, T, N)")
    position = spec.get("snp_position")
    if not isinstance(position, int) or not 1 <= position <= len(amplicon):
        raise InputError(f"{where}: snp_position must be a whole number from 1 to {len(amplicon)}")
    if any(len(allele) != 1 for allele in alleles):
        raise InputError(f"{where}: amplicon assays need single-base alleles")
    if amplicon[position - 1] not in alleles:
        raise InputError(
            f"{where}: the amplicon has {amplicon[position - 1]} at snp_position {position}, "
            f"not one of the alleles {', '.join(alleles)}"
        )
    cut_sets, fragments = [], []
    for allele in alleles:
        sequence = amplicon[: position - 1] + allele + amplicon[position:]
        cuts, sizes = digest(sequence, spec["enzyme"])
        cut_sets.append(set(cuts))
        fragments.append(tuple(sorted(sizes, reverse=True)))
    if fragments[0] == fragments[1]:
        raise InputError(f"{where}: {spec['enzyme']} gives the same fragments for both alleles")
    partials = tuple(
        tuple(sorted(_spans_skipping_cuts(sorted(cuts), len(amplicon)), reverse=True)) for cuts in cut_sets
    )
    # Control fragments: the same stretch of amplicon cut out in every allele.
    intervals = [set(itertools.pairwise([0, *sorted(cuts), len(amplicon)])) for cuts in cut_sets]
    shared = intervals[0] & intervals[1] if all(cut_sets) else set()
    control = {end - start for start, end in shared}
    return tuple(fragments), len(amplicon), partials, control


def _from_declared(spec: dict, alleles: tuple[str, str], where: str) -> tuple:
    declared = spec["fragments"]
    if not isinstance(declared, dict) or set(declared) != set(alleles):
        raise InputError(f"{where}: [assay.fragments] must list fragments for each allele {', '.join(alleles)}")
    fragments = []
    for allele in alleles:
        sizes = declared[allele]
        if (
            not isinstance(sizes, list)
            or not sizes
            or len(sizes) > _MAX_DECLARED_FRAGMENTS
            or not all(isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in sizes)
        ):
            raise InputError(
                f"{where}: fragments for allele {allele} must be 1 to {_MAX_DECLARED_FRAGMENTS} "
                "positive whole numbers of bp"
            )
        fragments.append(tuple(sorted(sizes, reverse=True)))
    if sorted(fragments[0]) == sorted(fragments[1]):
        raise InputError(f"{where}: both alleles have the same fragments")
    length = spec.get("amplicon_length", max(sum(sizes) for sizes in fragments))
    if not isinstance(length, int) or length < max(max(sizes) for sizes in fragments):
        raise InputError(f"{where}: amplicon_length must be a whole number at least the largest fragment")
    partials = tuple(
        tuple(sorted(_declared_partials(sizes) | ({length} if len(sizes) > 1 else set()), reverse=True))
        for sizes in fragments
    )
    both_cut = all(len(sizes) > 1 for sizes in fragments)
    control = set(fragments[0]) & set(fragments[1]) if both_cut else set()
    return tuple(fragments), length, partials, control


def _assay_locus(spec: dict, catalog: Catalog, where: str) -> tuple[str, tuple[str, str], str]:
    """(locus id, alleles in catalog order, note) of an assay: a catalog or panel locus, or otherwise
    the locus its own `alleles` define."""
    if spec["locus"] in catalog:
        locus = catalog.resolve(spec["locus"])
        alleles = tuple(str(allele).upper() for allele in spec.get("alleles", locus.alleles))
        if sorted(alleles) != sorted(locus.alleles):
            raise InputError(
                f"{where}: alleles {', '.join(alleles)} differ from {locus.id}'s {', '.join(locus.alleles)}")
        return locus.id, locus.alleles, ""
    given = spec.get("alleles")
    if not isinstance(given, list) or len(given) != 2 or not all(isinstance(a, str) and a.strip() for a in given):
        raise InputError(f"{where}: locus '{spec['locus']}' is not in the catalog or a panel: give its two "
                         "alleles (alleles = [\"A\", \"G\"]) or add it with --panel")
    alleles = (given[0].strip().upper(), given[1].strip().upper())
    if alleles[0] == alleles[1]:
        raise InputError(f"{where}: the two alleles are the same")
    return spec["locus"].strip(), alleles, "not in the catalog: alleles as the assay gives them"


def _build_assay(spec: dict, catalog: Catalog, origin: str, where: str) -> Assay:
    for key in ("id", "locus", "enzyme"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise InputError(f"{where}: '{key}' is required (text)")
    locus_id, alleles, locus_note = _assay_locus(spec, catalog, where)
    has_amplicon, has_fragments = "amplicon" in spec, "fragments" in spec
    # shipped assays name their enzymes as Biopython does (tests/test_assays.py checks it): loading
    # Bio.Restriction, a sixth of a gel call's run time, is needed only to digest an amplicon
    trusted = origin == "built-in" and not has_amplicon
    enzyme_name = spec["enzyme"].strip()
    if not trusted:
        try:
            enzyme_name = str(_enzyme(spec["enzyme"]))
        except InputError as err:
            raise InputError(f"{where}: {err.problem}") from None
    site_allele = str(spec.get("site_allele", "")).upper()
    if site_allele and site_allele not in alleles:
        raise InputError(f"{where}: site_allele '{site_allele}' is not one of {', '.join(alleles)}")
    if has_amplicon and has_fragments:
        raise InputError(f"{where}: give amplicon + snp_position or [assay.fragments], not both")
    if not (has_amplicon or has_fragments or site_allele):
        raise InputError(f"{where}: give amplicon + snp_position, [assay.fragments], or at least site_allele "
                         "(the allele the enzyme cuts; the fragment sizes are then learned from the gel)")
    if has_amplicon or has_fragments:
        build = _from_amplicon if has_amplicon else _from_declared
        fragments, length, partials, control = build(spec, alleles, where)
        derived = alleles[0] if len(fragments[0]) > len(fragments[1]) else alleles[1]
        if site_allele and site_allele != derived:
            raise InputError(f"{where}: site_allele {site_allele} but the fragments put the site on {derived}")
        site_allele = derived
    else:
        fragments, length, partials, control = ((), ()), 0, ((), ()), set()
    preferred = spec.get("preferred", True)
    if not isinstance(preferred, bool):
        raise InputError(f"{where}: preferred must be true or false")
    return Assay(
        id=spec["id"].strip(),
        locus=locus_id,
        enzyme=enzyme_name,
        alleles=alleles,
        fragments=fragments,
        amplicon_length=length,
        incomplete_products=partials,
        control_fragments=tuple(sorted(control, reverse=True)),
        source=str(spec.get("source", "")),
        origin=origin,
        derived_from_amplicon=has_amplicon,
        site_allele=site_allele,
        preferred=preferred,
        locus_note=locus_note,
    )


def read_assays(path: str | os.PathLike, catalog: Catalog, origin: str | None = None) -> list[Assay]:
    """Assays from a TOML file of ``[[assay]]`` tables."""
    from genoassoc.io.records import read_toml

    path = Path(path)
    document, text = read_toml(path)
    specs = document.get("assay", [])
    if not isinstance(specs, list):
        raise InputError("assays must be [[assay]] tables", str(path))
    header_lines = [number for number, line in enumerate(text.splitlines(), 1) if line.strip() == "[[assay]]"]
    assays: dict[str, Assay] = {}
    for index, spec in enumerate(specs):
        line = header_lines[index] if index < len(header_lines) else None
        name = spec.get("id", f"#{index + 1}") if isinstance(spec, dict) else f"#{index + 1}"
        try:
            assay = _build_assay(spec, catalog, origin or str(path), f"assay '{name}'")
        except InputError as err:
            raise InputError(err.problem, str(path), line) from None
        if assay.id in assays:
            raise InputError(f"assay id '{assay.id}' is used twice", str(path), line)
        assays[assay.id] = assay
    return list(assays.values())


class AssaySet:
    """Assays by id, built-in first and user assays (which may replace a built-in id) after."""

    def __init__(self, assays: list[Assay]) -> None:
        self._assays = {assay.id: assay for assay in assays}

    def __iter__(self):
        return iter(self._assays.values())

    def __len__(self) -> int:
        return len(self._assays)

    def get(self, assay_id: str) -> Assay:
        if assay_id in self._assays:
            return self._assays[assay_id]
        known = ", ".join(self._assays) or "none; add yours with --assays FILE"
        raise InputError(f"unknown assay '{assay_id}' (assays: {known})")

    def for_locus(self, locus_id: str) -> list[Assay]:
        """The locus's assays: the user's before the built-ins, preferred ones first."""
        found = [assay for assay in self._assays.values() if assay.locus == locus_id]
        return sorted(found, key=lambda assay: (assay.origin == "built-in", not assay.preferred))

    def with_assays(self, assays: list[Assay]) -> AssaySet:
        """A set with `assays` added (an existing id is replaced)."""
        return AssaySet([*self._assays.values(), *assays])


def load_assays(extra: str | os.PathLike | None = None, catalog: Catalog | None = None) -> AssaySet:
    """Built-in assays (``reference/assays.toml``) plus those of a user TOML file."""
    from genoassoc.loci import load_catalog
    from genoassoc.resources import reference_file

    catalog = catalog or load_catalog()
    assays = read_assays(reference_file("assays.toml"), catalog, origin="built-in")
    if extra is not None:
        assays += read_assays(extra, catalog)
    return AssaySet(assays)


def describe(assay: Assay, min_band: float = 0.0) -> list[tuple[str, str]]:
    """Fields of an assay for people, including each genotype's expected band pattern."""
    rows = [
        ("assay", assay.id),
        ("locus", assay.locus + (f" ({assay.locus_note})" if assay.locus_note else "")),
        ("enzyme", assay.enzyme),
        ("alleles", ", ".join(assay.alleles)),
        ("site on", f"{assay.site_allele} (the {assay.other_allele} allele is not cut at the SNP)"),
    ]
    if not assay.sizes_known:
        rows.append(("fragments", "learned from each gel (the site allele's fragments add up to the other "
                                  "allele's uncut band); or give them, or design the assay from primers"))
        rows += [("source", assay.source)] if assay.source else []
        rows.append(("from", assay.origin + ("" if assay.preferred else "; an alternative assay for the locus")))
        return rows
    rows += [
        ("fragments from", "in-silico digest of the amplicon" if assay.derived_from_amplicon else "declared"),
        ("amplicon", f"{assay.amplicon_length} bp"),
    ]
    for allele, sizes in zip(assay.alleles, assay.fragments, strict=True):
        rows.append((f"allele {allele}", " + ".join(map(str, sizes)) + " bp"))
    if assay.control_fragments:
        rows.append(("digestion control", ", ".join(map(str, assay.control_fragments)) + " bp (every allele)"))
    elif assay.undigested_detectable:
        rows.append(("digestion control", "none shared; a full-length band still marks an undigested lane"))
    else:
        uncut = assay.alleles[[assay.amplicon_length in sizes for sizes in assay.fragments].index(True)]
        rows.append(("digestion control", f"none: an undigested lane looks like {uncut}/{uncut}"))
    for genotype in assay.genotypes:
        rows.append((f"expected {genotype}", ", ".join(map(str, assay.pattern(genotype, min_band))) + " bp"))
    if assay.source:
        rows.append(("source", assay.source))
    rows.append(("from", assay.origin))
    return rows
