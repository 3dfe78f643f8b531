"""PCR-RFLP assays designed from the reference genome: in-silico PCR of the primers (or a window
around the SNP), every commercially available enzyme of Biopython's `Bio.Restriction` that tells the
alleles apart with its fragments per genotype, and, where no enzyme does, mismatch primers that
create a site for one allele (dCAPS, as Neff et al. 1998's dCAPS Finder does). The anchors are
NEBcutter, SNP-RFLPing and dCAPS Finder; the output is a ready assay TOML (amplicon + SNP position,
so `genoassoc` recomputes the fragments itself).

Whether two bands resolve on agarose depends on the gel: genoassoc's rule of thumb is that bands
resolve when they differ by at least the larger of an absolute and a relative gap: 20 bp or 10% on
1% agarose, 15 bp or 7% on 2%, 10 bp or 5% on 3%, 8 bp or 4% on 4% (gels in between use the next
lower percentage). It is a rule of thumb, not a published constant. Fragments under the detection
floor (30 bp) are not seen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from genoassoc.errors import InputError
from genoassoc.loci import Locus

# (agarose %, least gap in bp, least relative gap): bands closer than both do not resolve.
RESOLUTION = ((4.0, 8, 0.04), (3.0, 10, 0.05), (2.0, 15, 0.07), (1.0, 20, 0.10))
SEARCH_WINDOW = 3000
MAX_PRIMER_MISMATCHES = 2
PRIMER_3PRIME_EXACT = 5
_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def reverse_complement(sequence: str) -> str:
    return sequence.translate(_COMPLEMENT)[::-1]


def resolvable(first: float, second: float, gel_percent: float) -> bool:
    """Whether two bands separate on an agarose gel of `gel_percent` (see the module docstring)."""
    for percent, gap_bp, gap_fraction in RESOLUTION:
        if gel_percent >= percent:
            return abs(first - second) >= max(gap_bp, gap_fraction * max(first, second))
    _, gap_bp, gap_fraction = RESOLUTION[-1]
    return abs(first - second) >= max(gap_bp, gap_fraction * max(first, second))


@dataclass(frozen=True)
class Amplicon:
    """A PCR product on the forward strand with the SNP at `snp_position` (1-based)."""

    sequence: str
    snp_position: int
    start: int  # 1-based genome position of the first base
    contig: str
    primers: tuple[str, str] = ("", "")
    note: str = ""

    def with_allele(self, allele: str) -> str:
        return self.sequence[: self.snp_position - 1] + allele + self.sequence[self.snp_position:]


@dataclass(frozen=True)
class Candidate:
    """An enzyme that tells the alleles apart: fragments per allele, bands per genotype, flags."""

    enzyme: str
    site: str
    site_allele: str
    fragments: dict[str, tuple[int, ...]]
    patterns: dict[str, tuple[int, ...]]
    flags: tuple[str, ...]
    control_cuts: int
    amplicon: Amplicon
    primer_note: str = ""
    usable: bool = True
    scores: tuple[float, ...] = field(default=(), compare=False)


def _find_primer(window: str, primer: str, max_mismatches: int) -> list[int]:
    """Start offsets where `primer` binds `window` with its 3' end exact and few mismatches."""
    hits = []
    length = len(primer)
    tail = primer[-PRIMER_3PRIME_EXACT:]
    start = window.find(tail, length - PRIMER_3PRIME_EXACT)
    while start != -1:
        offset = start - (length - PRIMER_3PRIME_EXACT)
        if offset >= 0 and sum(a != b for a, b in zip(window[offset:offset + length], primer, strict=True)) \
                <= max_mismatches:
            hits.append(offset)
        start = window.find(tail, start + 1)
    return hits


def reference_window(locus: Locus, reference: str | os.PathLike, build: str = "auto",
                     flank: int = SEARCH_WINDOW) -> tuple[str, int, str, int]:
    """(sequence, 1-based start, contig, the SNP's 1-based position) of the reference around the
    locus, upper case, with the locus's reference base checked against its alleles."""
    import pysam

    from genoassoc.loci import contig_name, resolve_build

    if not os.path.isfile(reference):
        raise InputError("no such file", str(reference))
    try:
        fasta = pysam.FastaFile(str(reference))
    except (OSError, ValueError) as err:
        raise InputError(f"not a readable FASTA ({err}); an index (samtools faidx) is made when missing",
                         str(reference)) from None
    with fasta:
        lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
        position = locus.position("any") if "any" in locus.positions else None
        if position is None:
            chosen = resolve_build(build, lengths, [], str(reference))
            position = locus.position(chosen)
            if position is None:
                raise InputError(f"{locus.id} has no {chosen} position")
        contig = contig_name(locus.chrom, fasta.references)
        if contig not in lengths:
            raise InputError(f"contig {locus.chrom} is not in the reference FASTA", str(reference))
        start = max(1, position - flank)
        end = min(lengths[contig], position + flank)
        sequence = fasta.fetch(contig, start - 1, end).upper()
    base = sequence[position - start]
    if base not in locus.alleles:
        flipped = base.translate(_COMPLEMENT)
        hint = " (its complement is: the locus alleles look reverse-strand)" if flipped in locus.alleles else ""
        raise InputError(f"the reference has {base} at {locus.chrom}:{position}, not one of {locus.id}'s "
                         f"{'/'.join(locus.alleles)}{hint}; check the build")
    return sequence, start, contig, position


def amplify(locus: Locus, reference: str | os.PathLike, primers: tuple[str, str] | None = None, flank: int = 150,
            build: str = "auto") -> Amplicon:
    """The PCR product of `primers` (forward, reverse; 5'→3') around the locus, or the window of
    `flank` bases either side of it."""
    window, start, contig, position = reference_window(locus, reference, build)
    snp_index = position - start
    if primers is None:
        first, last = max(0, snp_index - flank), min(len(window), snp_index + flank + 1)
        return Amplicon(window[first:last], snp_index - first + 1, start + first, contig,
                        note=f"{flank} bp either side of the SNP")
    forward, reverse = (primer.strip().upper() for primer in primers)
    for name, primer in (("forward", forward), ("reverse", reverse)):
        if len(primer) < 15 or set(primer) - set("ACGT"):
            raise InputError(f"the {name} primer must be at least 15 bases of A, C, G, T")
    forward_hits = [hit for hit in _find_primer(window, forward, MAX_PRIMER_MISMATCHES) if hit <= snp_index]
    reverse_hits = [hit + len(reverse) for hit in _find_primer(window, reverse_complement(reverse),
                                                                MAX_PRIMER_MISMATCHES) if hit > snp_index]
    if not forward_hits or not reverse_hits:
        missing = "forward" if not forward_hits else "reverse"
        raise InputError(f"the {missing} primer does not bind within {SEARCH_WINDOW} bp of {locus.id} on the "
                         f"reference (3' {PRIMER_3PRIME_EXACT} bases exact, at most {MAX_PRIMER_MISMATCHES} "
                         "mismatches)")
    first, last = max(forward_hits), min(reverse_hits)
    # the product carries the primers' own bases (mismatch primers included)
    product = forward + window[first + len(forward):last - len(reverse)] + reverse_complement(reverse)
    if snp_index - first < len(forward) or last - snp_index <= len(reverse):
        raise InputError("a primer covers the SNP itself: the product would carry the primer's base")
    return Amplicon(product, snp_index - first + 1, start + first, contig, (forward, reverse),
                    note=f"in-silico PCR, {last - first} bp")


def _digest(sequence: str, enzyme) -> tuple[list[int], list[int]]:
    from Bio.Seq import Seq

    cuts = sorted(position - 1 for position in enzyme.search(Seq(sequence), linear=True))
    bounds = [0, *cuts, len(sequence)]
    return cuts, [end - begin for begin, end in zip(bounds, bounds[1:], strict=False)]


def _flags(patterns: dict[str, tuple[int, ...]], fragments: dict[str, tuple[int, ...]], min_band: float,
           gel_percent: float) -> tuple[list[str], bool]:
    flags = []
    hidden = sorted({size for sizes in fragments.values() for size in sizes if size < min_band})
    if hidden:
        flags.append(f"{', '.join(map(str, hidden))} bp below the {min_band:g} bp detection floor")
    close = set()
    for sizes in patterns.values():
        visible = sorted(size for size in sizes if size >= min_band)
        for a, b in zip(visible, visible[1:], strict=False):
            if not resolvable(a, b, gel_percent):
                close.add((b, a))
    if close:
        flags.append("; ".join(f"{a} and {b} bp too close to resolve on {gel_percent:g}% agarose"
                               for a, b in sorted(close, reverse=True)))

    def seen(sizes: tuple[int, ...]) -> tuple[int, ...]:
        merged: list[int] = []
        for size in sorted(size for size in sizes if size >= min_band):
            if merged and not resolvable(merged[-1], size, gel_percent):
                continue
            merged.append(size)
        return tuple(merged)

    distinct = len({seen(sizes) for sizes in patterns.values()}) == len(patterns)
    if not distinct:
        flags.append("the genotypes' band patterns cannot be told apart on the gel")
    return flags, distinct


def enzymes_for(amplicon: Amplicon, alleles: tuple[str, str], min_band: float = 30, gel_percent: float = 3.0,
                primer_note: str = "") -> list[Candidate]:
    """Every commercially available enzyme whose digest differs between the alleles, best first:
    usable patterns, then fewer cuts, a digestion control, and the widest gap between the alleles'
    specific fragments."""
    from Bio import Restriction

    candidates = []
    sequences = {allele: amplicon.with_allele(allele) for allele in alleles}
    for enzyme in sorted(Restriction.CommOnly, key=str):
        digests = {allele: _digest(sequence, enzyme) for allele, sequence in sequences.items()}
        cuts = {allele: set(digest[0]) for allele, digest in digests.items()}
        if cuts[alleles[0]] == cuts[alleles[1]]:
            continue
        fragments = {allele: tuple(sorted(digest[1], reverse=True)) for allele, digest in digests.items()}
        site_allele = max(alleles, key=lambda allele: len(cuts[allele]))
        patterns = {f"{a}/{b}": tuple(sorted(set(fragments[a]) | set(fragments[b]), reverse=True))
                    for a, b in ((alleles[0], alleles[0]), (alleles[0], alleles[1]), (alleles[1], alleles[1]))}
        flags, usable = _flags(patterns, fragments, min_band, gel_percent)
        specific = set(fragments[alleles[0]]) ^ set(fragments[alleles[1]])
        gap = min((abs(a - b) for a in specific for b in specific if a != b), default=0)
        control = len(cuts[alleles[0]] & cuts[alleles[1]])
        scores = (usable, not flags, -len(cuts[site_allele]), control > 0, gap)
        candidates.append(Candidate(str(enzyme), str(enzyme.site), site_allele, fragments, patterns, tuple(flags),
                                    control, amplicon, primer_note, usable, scores))
    return sorted(candidates, key=lambda candidate: candidate.scores, reverse=True)


def dcaps(locus: Locus, reference: str | os.PathLike, primers: tuple[str, str] | None = None, flank: int = 150,
          build: str = "auto", primer_length: int = 22, min_band: float = 30, gel_percent: float = 3.0
          ) -> list[Candidate]:
    """Mismatch primers whose 3' end abuts the SNP, with one base changed among their last four, so
    that an enzyme's site is created on one allele only (dCAPS). The other primer is the given one,
    or the far end of the flank window."""
    window_amplicon = amplify(locus, reference, primers, flank, build)
    sequence, snp = window_amplicon.sequence, window_amplicon.snp_position - 1
    found = []
    for strand in ("forward", "reverse"):
        # work on the strand the mismatch primer anneals to, its 3' end at the base before the SNP
        template = sequence if strand == "forward" else reverse_complement(sequence)
        position = snp if strand == "forward" else len(sequence) - 1 - snp
        begin = position - primer_length
        if begin < 0:
            continue
        for offset in range(1, 5):
            index = position - offset
            for base in "ACGT":
                if base == template[index]:
                    continue
                # the product runs from the mismatch primer's 5' end to the window's other end
                mutated = (template[:index] + base + template[index + 1:])[begin:]
                if strand == "forward":
                    product = Amplicon(mutated, position - begin + 1, window_amplicon.start + begin,
                                       window_amplicon.contig)
                else:
                    product = Amplicon(reverse_complement(mutated), snp + 1, window_amplicon.start,
                                       window_amplicon.contig)
                primer = template[begin:index].upper() + base.lower() + template[index + 1:position].upper()
                note = (f"dCAPS {strand} primer 5'-{primer}-3' (lower case: the mismatch), 3' end next to the SNP; "
                        f"pair it with the {'reverse' if strand == 'forward' else 'forward'} primer of the window")
                for candidate in enzymes_for(product, locus.alleles, min_band, gel_percent, note):
                    if candidate.usable and not candidate.flags:
                        found.append(candidate)
    unique = {(candidate.enzyme, candidate.primer_note): candidate for candidate in found}
    return sorted(unique.values(), key=lambda candidate: candidate.scores, reverse=True)


def assay_toml(locus: Locus, candidates: list[Candidate], source: str) -> str:
    """Ready-to-use ``[[assay]]`` tables (amplicon + snp_position), with each genotype's bands as comments."""
    blocks = [f"# Assays for {locus.id} designed by genoassoc ({source}). Check primers and sizes before use.\n"]
    for number, candidate in enumerate(candidates, start=1):
        lines = [f"# {candidate.enzyme} ({candidate.site}) cuts the {candidate.site_allele} allele"
                 + (f"; {candidate.control_cuts} digestion-control site(s)" if candidate.control_cuts else "")]
        lines += [f"#   {genotype}: {', '.join(map(str, sizes))} bp" for genotype, sizes in candidate.patterns.items()]
        lines += [f"#   note: {flag}" for flag in candidate.flags]
        if candidate.primer_note:
            lines.append(f"#   {candidate.primer_note}")
        if candidate.amplicon.primers[0]:
            lines.append(f"#   primers: {candidate.amplicon.primers[0]} / {candidate.amplicon.primers[1]}")
        lines += ["[[assay]]", f'id = "{locus.id}-{candidate.enzyme}-{number}"', f'locus = "{locus.id}"',
                  f'enzyme = "{candidate.enzyme}"', f"alleles = {list(locus.alleles)!r}".replace("'", '"'),
                  f'source = "designed by genoassoc from {source}"',
                  f'amplicon = "{candidate.amplicon.sequence}"', f"snp_position = {candidate.amplicon.snp_position}"]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
