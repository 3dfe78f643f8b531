"""Fragment sizes of an RFLP assay learned from the gel itself, when the assay names its enzyme and
the allele that carries the site but no sizes (the built-in IL6 assays: no primer pair with its
fragment sizes is cited for them).

A complete digest gives, per lane, one of three patterns: the uncut allele's band U (plus any
digestion-control fragments K, present in every lane), the site allele's fragments S (plus K), or
the heterozygote, their union. The site allele's fragments add up to U (within the sizing
tolerance; one fragment may lie below the detection floor). Band sizes seen across the lanes are
grouped within the tolerance; every choice of U and S whose sizes add up is scored by the lanes it
explains, and the best is kept only if no other explains as many. Sizing bias differs between gels,
so with a ``gel`` column each gel is learned on its own (a gel with too few lanes is learned with all
lanes of the assay).

Honest limits: with one pattern only (a cohort where every patient is -174 G/G), single-band lanes
are read as the uncut homozygote, and an assay without a digestion control cannot tell that from a
failed digest; a single pattern of several bands, too few lanes, or patterns no two-allele model
explains leave the lanes uncalled, with the reason.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from genoassoc.assays import Assay, _declared_partials

if TYPE_CHECKING:
    from genoassoc.calling.rflp import Tolerance

MIN_LANES = 3
# A single-band pattern read as the uncut homozygote must be this share of the lanes (the rest: no-calls).
ONE_PATTERN_SHARE = 0.8
# Site-allele fragments considered per model (a SNP site with up to two other sites in the amplicon).
MAX_SITE_FRAGMENTS = 3


@dataclass(frozen=True)
class Learned:
    """What one gel (or all lanes) taught about an assay: the fragments per allele when learned, the
    number of lanes per pattern, and the reason when nothing could be learned."""

    assay: str
    gel: str
    lanes: int
    status: str  # "learned", "one pattern" or "not learned"
    fragments: dict[str, tuple[int, ...]] = field(default_factory=dict)
    control: tuple[int, ...] = ()
    patterns: dict[str, int] = field(default_factory=dict)
    reason: str = ""

    def __deepcopy__(self, memo: dict) -> Learned:
        return self  # immutable; pandas deep-copies a table's attrs on every operation

    @property
    def where(self) -> str:
        if not self.gel:
            return "all lanes"
        return self.gel if self.gel.lower().startswith("gel") else f"gel {self.gel}"

    @property
    def caveat(self) -> str:
        """What a call made from this learning must carry (empty when nothing)."""
        if self.status == "one pattern":
            ((allele, _),) = self.fragments.items()
            return (f"one band pattern on {self.where}: single band read as uncut {allele}/{allele}; without a "
                    "digestion control a failed digest looks the same")
        return ""

    def summary(self) -> str:
        """One line for people: the sizes and the evidence."""
        if self.status == "not learned":
            return f"{self.assay} ({self.where}, {self.lanes} lanes): not learned: {self.reason}"
        sizes = "; ".join(f"{allele}: {'+'.join(map(str, sizes))} bp" for allele, sizes in self.fragments.items())
        seen = ", ".join(f"{count} {pattern}" for pattern, count in self.patterns.items())
        extra = f"; {self.reason}" if self.reason else ""
        return f"{self.assay} ({self.where}, {self.lanes} lanes): {sizes} (lanes: {seen}){extra}"


def _classes(sizes: Sequence[float], tolerance) -> list[float]:
    """Band sizes grouped within the tolerance (single linkage on sorted sizes): the median of each."""
    groups: list[list[float]] = []
    for size in sorted(sizes):
        if groups and size - groups[-1][-1] <= tolerance.window(groups[-1][-1]):
            groups[-1].append(size)
        else:
            groups.append([size])
    return [sorted(group)[len(group) // 2] if len(group) % 2 else
            (sorted(group)[len(group) // 2 - 1] + sorted(group)[len(group) // 2]) / 2 for group in groups]


def _nearest(size: float, centres: list[float], tolerance) -> int | None:
    best = min(range(len(centres)), key=lambda index: abs(centres[index] - size))
    return best if tolerance.allows(size, centres[best]) else None


@dataclass(frozen=True)
class _Model:
    uncut: int
    site: tuple[int, ...]
    control: tuple[int, ...]
    hidden: float
    explained: int
    patterns: dict[str, int]


def _models(centres: list[float], lane_sets: list[frozenset[int]], tolerance, min_band: float,
            site_allele: str, other_allele: str, heterozygote: str) -> list[_Model]:
    models = []
    every = set(range(len(centres)))
    for uncut in every:
        others = sorted(every - {uncut})
        for count in range(1, MAX_SITE_FRAGMENTS + 1):
            for site in itertools.combinations(others, count):
                hidden = centres[uncut] - sum(centres[index] for index in site)
                if abs(hidden) <= tolerance.window(centres[uncut]):
                    hidden = 0.0  # the fragments add up within the sizing tolerance
                elif not 0 < hidden < min_band:
                    continue
                informative = {uncut, *site}
                touched = [lane for lane in lane_sets if lane & informative]
                control = frozenset.intersection(*touched) - informative if touched else frozenset()
                patterns = {f"{other_allele}/{other_allele}": frozenset({uncut}) | control,
                            heterozygote: frozenset(informative) | control,
                            f"{site_allele}/{site_allele}": frozenset(site) | control}
                counts = Counter(name for lane in lane_sets for name, pattern in patterns.items() if lane == pattern)
                cut_seen = counts[f"{site_allele}/{site_allele}"] + counts[heterozygote]
                if len(counts) < 2 or not cut_seen:
                    continue
                ordered = {name: counts[name] for name in patterns if counts[name]}
                models.append(_Model(uncut, site, tuple(sorted(control)), hidden,
                                     sum(counts.values()), ordered))
    return models


def learn(assay: Assay, lanes: Sequence[Sequence[float]], tolerance: Tolerance, min_band: float, gel: str = ""
          ) -> Learned:
    """Learn `assay`'s fragment sizes from the band sizes of its lanes on one gel (see the module
    docstring). `lanes` holds each lane's band sizes in bp."""
    banded = [[size for size in bands if size >= min_band] for bands in lanes]
    banded = [bands for bands in banded if bands]
    if len(banded) < MIN_LANES:
        return Learned(assay.id, gel, len(banded), "not learned",
                       reason=f"{len(banded)} lanes with bands: too few to learn the fragment sizes "
                              f"(at least {MIN_LANES}); give the sizes or design the assay from its primers")
    centres = _classes([size for bands in banded for size in bands], tolerance)
    lane_sets = []
    for bands in banded:
        indices = [_nearest(size, centres, tolerance) for size in bands]
        lane_sets.append(frozenset(index for index in indices if index is not None))
    site, other = assay.site_allele, assay.other_allele
    models = _models(centres, lane_sets, tolerance, min_band, site, other, "/".join(assay.alleles))
    if models:
        best = max(model.explained for model in models)
        top = [model for model in models if model.explained == best]
        shapes = {(model.uncut, model.site) for model in top}
        if len(shapes) > 1:
            options = " or ".join(
                f"{centres[u]:g} = {'+'.join(f'{centres[i]:g}' for i in s)}" for u, s in sorted(shapes))
            return Learned(assay.id, gel, len(banded), "not learned",
                           reason=f"the band sizes fit more than one uncut/cut model ({options} bp): give the sizes")
        model = top[0]
        control = tuple(round(centres[index]) for index in model.control)
        site_sizes = [round(centres[index]) for index in model.site]
        reason = ""
        if model.hidden:
            site_sizes.append(round(model.hidden))
            reason = f"a {round(model.hidden)} bp fragment below the detection floor completes the sum"
        fragments = {other: tuple(sorted([round(centres[model.uncut]), *control], reverse=True)),
                     site: tuple(sorted([*site_sizes, *control], reverse=True))}
        return Learned(assay.id, gel, len(banded), "learned", fragments, tuple(sorted(control, reverse=True)),
                       model.patterns, reason)
    common, count = Counter(lane_sets).most_common(1)[0]
    if len(common) == 1 and count >= ONE_PATTERN_SHARE * len(lane_sets):
        size = round(centres[next(iter(common))])
        return Learned(assay.id, gel, len(banded), "one pattern", {other: (size,)},
                       patterns={f"{other}/{other}": count},
                       reason=f"one band pattern only: {count} of {len(lane_sets)} lanes show a single {size} bp "
                              f"band, read as the uncut {other}/{other} homozygote; without a digestion control this "
                              "cannot be told from a failed digest")
    shown = "; ".join(", ".join(f"{centres[index]:g}" for index in sorted(pattern, reverse=True)) + f" bp ({n} lanes)"
                      for pattern, n in Counter(lane_sets).most_common(4))
    return Learned(assay.id, gel, len(banded), "not learned",
                   reason=f"no sizes of an uncut band and cut fragments that add up to it explain the patterns "
                          f"({shown}): give the sizes or design the assay from its primers")


def learned_assay(assay: Assay, learned: Learned) -> Assay:
    """The assay with the learned fragments declared (status "learned" only)."""
    fragments = tuple(learned.fragments[allele] for allele in assay.alleles)
    length = max(sum(sizes) for sizes in fragments)
    partials = tuple(tuple(sorted(_declared_partials(sizes) | ({length} if len(sizes) > 1 else set()), reverse=True))
                     for sizes in fragments)
    return Assay(assay.id, assay.locus, assay.enzyme, assay.alleles, fragments, length, partials,  # type: ignore[arg-type]
                 learned.control, assay.source, assay.origin, False, assay.site_allele, assay.preferred,
                 assay.locus_note)


def learned_toml(assays: Sequence[Assay], results: Sequence[Learned], gel_file: str) -> str:
    """``[[assay]]`` tables with the learned fragments declared, to reuse with ``--assays``: for each
    assay the learning over all its lanes (nominal sizes), the per-gel sizes in comments."""
    blocks = [f"# Fragment sizes learned by genoassoc from {gel_file}; check them against your gel log.\n"]
    for assay in assays:
        own = [result for result in results if result.assay == assay.id and result.status == "learned"]
        if not own:
            continue
        chosen = next((result for result in own if not result.gel), own[0])
        lines = [f"# {result.summary()}" for result in own]
        # the same id: given with --assays, it replaces the assay without sizes
        source = (f"fragments learned by genoassoc from {gel_file} ({chosen.where}, {chosen.lanes} lanes); site on "
                  f"{assay.site_allele}; enzyme and site allele as cited: {assay.source}")
        lines += ["[[assay]]", f"id = {json.dumps(assay.id)}", f"locus = {json.dumps(assay.locus)}",
                  f"enzyme = {json.dumps(assay.enzyme)}", f"alleles = {json.dumps(list(assay.alleles))}",
                  f"source = {json.dumps(source)}", "[assay.fragments]"]
        lines += [f"{allele} = [{', '.join(map(str, chosen.fragments[allele]))}]" for allele in assay.alleles]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
