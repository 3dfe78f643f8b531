"""Genotype calls from PCR-RFLP gel band sizes.

Each lane is called on its own: the genotype whose expected band pattern explains every observed
band, with every expected band seen, within the sizing tolerance. Anything else is a no-call with
the reason a lab would write in its gel log (no bands, unexplained band, missing band, undigested or
partial digestion, ambiguous). Bands no allele can give do not block a call that the other bands
make (unless `strict_bands`): a band larger than the full-length product (heteroduplex, nonspecific
product) and a primer-dimer band (at most `PRIMER_DIMER_MAX` bp), each more than `STRAY_MARGIN` from
any fragment an allele gives, are named in the call's note as ignored, as are bands below `min_band`.
Replicate lanes of a sample are then merged: concordant calls stand, discordant ones become a no-call.
An assay that knows only its enzyme and site allele has its fragment sizes learned from the gel first
(`genoassoc.calling.learning`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from genoassoc.assays import Assay, AssaySet, load_assays
from genoassoc.errors import InputError
from genoassoc.io.columns import accepted
from genoassoc.io.records import DEFAULT_READ, ReadOptions
from genoassoc.loci import Catalog

DEFAULT_MIN_BAND = 30.0
# A heterozygote gives equal molar amounts of both alleles' bands; an incomplete digest of a
# homozygote leaves much less of the uncut product. Below this molar ratio the lane is not called.
DEFAULT_HET_MIN_RATIO = 0.5
# Primer-dimers run below about 50-60 bp on agarose (two ~20-nt primers and their overlap); a band
# this small that no allele gives is taken for one.
PRIMER_DIMER_MAX = 60.0
# A band is taken for stray only this far (relative) from every fragment an allele gives: a mis-sized
# allele band (gel bias and noise reach 10%) must never be dropped, or a heterozygote reads homozygous.
STRAY_MARGIN = 0.2
CALL_COLUMNS = [
    "sample", "locus", "genotype", "status", "reason", "source",
    "assay", "lanes", "lanes_called", "observed_bp", "matched_bp", "fragments_bp", "note",
]


@dataclass(frozen=True)
class Tolerance:
    """Sizing tolerance: a band matches an expected fragment within max(`bp`, `fraction` × size)."""

    bp: float = 5.0
    fraction: float = 0.05

    def window(self, expected: float) -> float:
        return max(self.bp, self.fraction * expected)

    def allows(self, observed: float, expected: float) -> bool:
        return abs(observed - expected) <= self.window(expected)

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        """``5bp,5%`` (the larger of both), ``8bp``, ``3%`` or a plain number of bp."""
        bp, fraction = 0.0, 0.0
        parts = [part.strip().lower() for part in text.split(",") if part.strip()]
        if not parts:
            raise InputError(f"tolerance '{text}' is empty (e.g. 5bp,5%)")
        for part in parts:
            match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(bp|%)?", part)
            if not match:
                raise InputError(f"tolerance '{text}' is not of the form 5bp,5%")
            value = float(match.group(1))
            if match.group(2) == "%":
                fraction = value / 100
            else:
                bp = value
        return cls(bp=bp, fraction=fraction)

    def __str__(self) -> str:
        return f"{self.bp:g}bp,{self.fraction * 100:g}%"


@dataclass(frozen=True)
class LaneCall:
    """The call of one lane: a genotype, or None with the reason; matched (observed, expected) pairs."""

    genotype: str | None
    reason: str = ""
    matched: tuple[tuple[float, int], ...] = ()
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lane:
    """Observed bands of one gel lane (sizes in bp, optional intensities in any linear unit)."""

    sample: str
    assay: str
    lane: str
    bands: tuple[float, ...]
    intensities: tuple[float, ...] | None = None
    row: int | None = None
    gel: str = ""
    reason: str = ""  # why a lane without bands gives none (a smeared lane read from a photo)


def _bp(size: float) -> str:
    return f"{size:g}"


def _near(observed: float, sizes: Sequence[int], tolerance: Tolerance) -> bool:
    return any(tolerance.allows(observed, size) for size in sizes)


def _nearest(observed: float, sizes: Sequence[int]) -> int:
    return min(sizes, key=lambda size: abs(observed - size))


def _molar_ratio_low(
    assay: Assay,
    observed: list[float],
    intensities: list[float],
    tolerance: Tolerance,
    min_band: float,
    het_min_ratio: float,
) -> str:
    """Reason text when a heterozygous pattern looks like an incomplete digest of a homozygote."""
    specific = [
        [size for size in mine if size not in theirs and size >= min_band]
        for mine, theirs in ((assay.fragments[0], assay.fragments[1]), (assay.fragments[1], assay.fragments[0]))
    ]

    def molar(sizes: list[int]) -> float:
        amounts = [
            sum(i for o, i in zip(observed, intensities, strict=True) if tolerance.allows(o, size)) / size
            for size in sizes
        ]
        return sum(amounts) / len(amounts) if amounts else float("nan")

    for index in (0, 1):
        other = 1 - index
        confusable = any(_near(size, assay.incomplete_products[other], tolerance) for size in specific[index])
        if not confusable or not specific[other]:
            continue
        ratio = molar(specific[index]) / molar(specific[other])
        if ratio < het_min_ratio:
            bands = "+".join(map(str, specific[index]))
            return (
                f"partial digestion suspected: the {bands} bp band has {ratio:.2f} of the molar amount "
                f"of the {assay.alleles[other]} allele's bands (a heterozygote gives about 1)"
            )
    return ""


def match_lane(
    assay: Assay,
    bands: Sequence[float],
    intensities: Sequence[float] | None = None,
    tolerance: Tolerance = Tolerance(),
    min_band: float = DEFAULT_MIN_BAND,
    het_min_ratio: float = DEFAULT_HET_MIN_RATIO,
    strict_bands: bool = False,
) -> LaneCall:
    """Call one lane. Bands below `min_band` are ignored, and fragments below it are not expected;
    so are bands no allele gives above the full-length product or at primer-dimer size, unless
    `strict_bands` (then they make the no-call "unexplained band"). Ignored bands are named in
    ``LaneCall.ignored``.

    With `intensities` (one per band, linear scale), a heterozygous pattern that an incomplete digest
    could also give is called only when both alleles' bands have comparable molar amounts.
    """
    expected = [s for sizes in assay.fragments for s in sizes] + list(assay.partial_products)
    keep, ignored = _stray_bands(bands, assay.amplicon_length, expected, tolerance, min_band, strict_bands)
    call = _match_kept(assay, bands, keep, intensities, tolerance, min_band, het_min_ratio)
    return replace(call, ignored=ignored) if ignored else call


def _stray_bands(bands: Sequence[float], full_length: float, expected: Sequence[float], tolerance: Tolerance,
                 min_band: float, strict: bool) -> tuple[list[int], tuple[str, ...]]:
    """The bands to call from (their indices) and notes on those left out."""
    keep, notes = [], []
    sizes = [*expected, full_length]
    for index, size in enumerate(bands):
        if size < min_band:
            notes.append(f"{_bp(size)} bp ignored (below --min-band {min_band:g} bp)")
        elif strict or any(abs(size - known) <= STRAY_MARGIN * known for known in sizes):
            keep.append(index)
        elif size > full_length:
            notes.append(f"{_bp(size)} bp ignored (larger than the {full_length:g} bp full-length product)")
        elif size <= PRIMER_DIMER_MAX:
            notes.append(f"{_bp(size)} bp ignored (primer-dimer size, no allele gives it)")
        else:
            keep.append(index)
    return keep, tuple(notes)


def _match_kept(assay: Assay, bands: Sequence[float], keep: list[int], intensities: Sequence[float] | None,
                tolerance: Tolerance, min_band: float, het_min_ratio: float) -> LaneCall:
    observed = [float(bands[index]) for index in keep]
    if not observed:
        return LaneCall(None, "no bands (PCR failure)")
    patterns = {genotype: assay.pattern(genotype, min_band) for genotype in assay.genotypes}
    unexplained = {
        genotype: [o for o in observed if not _near(o, expected, tolerance)]
        for genotype, expected in patterns.items()
    }
    missing = {
        genotype: [e for e in expected if not any(tolerance.allows(o, e) for o in observed)]
        for genotype, expected in patterns.items()
    }
    explaining = [g for g in assay.genotypes if not unexplained[g] and not missing[g]]
    if len(explaining) == 1:
        genotype = explaining[0]
        matched = tuple((o, _nearest(o, patterns[genotype])) for o in observed)
        first, second = genotype.split("/")
        if first != second and intensities is not None:
            lane_intensities = [float(intensities[index]) for index in keep]
            if all(value == value and value > 0 for value in lane_intensities):
                reason = _molar_ratio_low(
                    assay, observed, lane_intensities, tolerance, min_band, het_min_ratio
                )
                if reason:
                    return LaneCall(None, reason, matched)
        return LaneCall(genotype, "", matched)
    if len(explaining) > 1:
        return LaneCall(None, f"ambiguous: {' or '.join(explaining)} explain the bands within tolerance")

    complete = sorted({s for sizes in assay.fragments for s in sizes if s >= min_band})
    partial = [s for s in assay.partial_products if s >= min_band]
    if assay.undigested_detectable and all(tolerance.allows(o, assay.amplicon_length) for o in observed):
        return LaneCall(None, f"undigested: only the full-length {assay.amplicon_length} bp product")
    foreign = [o for o in observed if not _near(o, complete, tolerance) and not _near(o, partial, tolerance)]
    if foreign:
        plural = "s" if len(foreign) > 1 else ""
        return LaneCall(None, f"unexplained band{plural} {', '.join(map(_bp, foreign))} bp")
    incomplete = [o for o in observed if not _near(o, complete, tolerance)]
    if incomplete:
        return LaneCall(
            None,
            f"partial digestion: {', '.join(map(_bp, incomplete))} bp is an incompletely digested product",
        )
    fewest = min(len(missing[g]) for g in assay.genotypes if not unexplained[g])
    candidates = [g for g in assay.genotypes if not unexplained[g] and len(missing[g]) == fewest]
    absent = sorted({e for g in candidates for e in missing[g]}, reverse=True)
    if set(absent) <= set(assay.control_fragments):
        return LaneCall(
            None, f"partial digestion: digestion-control fragment {', '.join(map(str, absent))} bp absent"
        )
    plural = "s" if len(absent) > 1 else ""
    return LaneCall(
        None,
        f"missing expected band{plural} {', '.join(map(str, absent))} bp (for {' or '.join(candidates)})",
    )


_BAND_SPLIT = re.compile(r"[,;\s]+")
# the columns a gel table may have besides `sample` (found under lab spellings: genoassoc.io.columns)
GEL_COLUMNS = ("assay", "locus", "bands", "size_bp", "gel", "lane", "intensity", "reason")


def parse_sizes(text: str) -> tuple[float, ...]:
    """Band sizes from ``"198, 140,58"``; empty text is a lane with no bands. ValueError names a bad entry."""
    sizes = []
    for token in _BAND_SPLIT.split(text.strip()):
        if not token:
            continue
        from genoassoc.io.records import number_or_none

        size = number_or_none(token.lower().removesuffix("bp"))
        if size is None:
            raise ValueError(f"'{token}' is not a band size in bp")
        if not size > 0:
            raise ValueError(f"'{token}' is not a positive band size in bp")
        sizes.append(size)
    return tuple(sizes)


def _resolve_assay(name: str, assays: AssaySet, catalog, source: str | None, row: int, column: str) -> str:
    """An assay id, or a locus standing for its preferred assay."""
    try:
        return assays.get(name).id
    except InputError as unknown:
        locus_id = catalog.resolve(name).id if name in catalog else name
        candidates = assays.for_locus(locus_id)
        if not candidates:
            if name not in catalog and not any(assay.locus == name for assay in assays):
                raise unknown.located(source, row) from None
            raise InputError(
                f"no assay for locus {locus_id}; add one with --assays FILE", source, row, column
            ) from None
        preferred = [assay for assay in candidates if assay.preferred]
        users = [assay for assay in preferred if assay.origin != "built-in"]
        if len(users) == 1 or len(preferred) == 1:
            return (users or preferred)[0].id
        ids = ", ".join(assay.id for assay in candidates)
        raise InputError(f"locus {locus_id} has several assays ({ids}); name one", source, row, column) from None


def gel_lanes(table: pd.DataFrame, assays: AssaySet, catalog: Catalog | None = None) -> list[Lane]:
    """Lanes from a gel table, wide (``sample, assay, bands``) or long (``sample, assay, size_bp``);
    ``locus`` may stand for ``assay`` (the locus's preferred assay); optional ``gel``, ``lane``,
    ``intensity``, and ``reason`` (why a lane without bands has none: it becomes the no-call's reason)."""
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    source = table.attrs.get("source")
    if "assay" not in table.columns and "locus" in table.columns:
        table = table.rename(columns={"locus": "assay"})
    header_row = int(table.index[0]) - 1 if len(table) else 1
    found = ", ".join(table.columns)
    if "sample" not in table.columns:
        raise InputError(f"missing column 'sample' (accepted: {accepted('sample')}); columns found: {found}",
                         source, header_row)
    if "assay" not in table.columns:
        raise InputError(f"missing column 'assay' or 'locus' (accepted: {accepted('assay')}, {accepted('locus')}); "
                         f"columns found: {found}", source, header_row)
    wide, long = "bands" in table.columns, "size_bp" in table.columns
    if wide == long:
        problem = ("has both 'bands' and 'size_bp'" if wide else
                   f"needs a 'bands' (wide) or 'size_bp' (long) column (accepted: {accepted('bands')}; "
                   f"{accepted('size_bp')}); columns found: {found}")
        raise InputError(f"the gel table {problem}", source, header_row)
    has_intensity = "intensity" in table.columns
    resolved: dict[str, str] = {}
    lanes: dict[tuple, dict] = {}
    for row, record in table.iterrows():
        row = int(row)
        sample = record["sample"]
        if not sample:
            raise InputError("the sample id is empty", source, row, "sample")
        if not record["assay"]:
            raise InputError("the assay is empty", source, row, "assay")
        if record["assay"] not in resolved:
            resolved[record["assay"]] = _resolve_assay(record["assay"], assays, catalog, source, row, "assay")
        assay_id = resolved[record["assay"]]
        column = "bands" if wide else "size_bp"
        try:
            sizes = parse_sizes(record[column])
        except ValueError as err:
            raise InputError(str(err), source, row, column) from None
        strengths = None
        if has_intensity and record["intensity"]:
            try:
                strengths = parse_sizes(record["intensity"])
            except ValueError as err:
                problem = str(err).replace("band size in bp", "intensity")
                raise InputError(problem, source, row, "intensity") from None
        if strengths is not None and len(strengths) != len(sizes):
            raise InputError(
                f"{len(strengths)} intensities for {len(sizes)} bands", source, row, "intensity"
            )
        if wide:
            key = (sample, assay_id, row)
            lane_name = ":".join(filter(None, (record.get("gel", ""), record.get("lane", "")))) or f"row {row}"
        else:
            gel, lane = record.get("gel", ""), record.get("lane", "")
            key = (sample, assay_id, gel, lane)
            lane_name = ":".join(filter(None, (gel, lane))) or "lane"
        entry = lanes.setdefault(
            key, {"sample": sample, "assay": assay_id, "lane": lane_name, "bands": [], "intensities": [], "row": row,
                  "gel": record.get("gel", ""), "reason": record.get("reason", "")}
        )
        entry["bands"].extend(sizes)
        if has_intensity:
            entry["intensities"].extend(strengths if strengths is not None else [float("nan")] * len(sizes))
    return [
        Lane(
            sample=entry["sample"],
            assay=entry["assay"],
            lane=entry["lane"],
            bands=tuple(entry["bands"]),
            intensities=tuple(entry["intensities"]) if has_intensity else None,
            row=entry["row"],
            gel=entry["gel"],
            reason=entry["reason"] if not entry["bands"] else "",
        )
        for entry in lanes.values()
    ]


def _merge(lanes: list[Lane], calls: list[LaneCall]) -> tuple[str, str]:
    called = {call.genotype for call in calls if call.genotype}
    if len(called) == 1:
        return called.pop(), ""
    if len(called) > 1:
        detail = ", ".join(
            f"{call.genotype} in {lane.lane}" for lane, call in zip(lanes, calls, strict=True) if call.genotype
        )
        return "", f"discordant replicates ({detail})"
    reasons = list(dict.fromkeys(call.reason for call in calls))
    if len(lanes) == 1:
        return "", reasons[0]
    return "", "; ".join(reasons) + f" ({len(lanes)} lanes)"


def _plan_text(plan: _Plan) -> str:
    """The fragments a lane was called with, and where they came from."""
    if plan.assay is not None:
        sizes = "; ".join(f"{allele}: {'+'.join(map(str, fragments))}"
                          for allele, fragments in zip(plan.assay.alleles, plan.assay.fragments, strict=True))
        return sizes if plan.learned is None else f"{sizes} (learned from {plan.learned.where})"
    if plan.learned is not None and plan.learned.status == "one pattern":
        ((allele, (size,)),) = plan.learned.fragments.items()
        return f"{allele}: {size} (one pattern on {plan.learned.where})"
    return ""


@dataclass(frozen=True)
class _Plan:
    """How the lanes of one assay on one gel are called: with an assay of known sizes, or not at all
    (and why), or as the one pattern seen."""

    assay: Assay | None
    learned: object = None


def _plans(lanes: list[Lane], assay_set: AssaySet, tolerance: Tolerance, min_band: float) -> tuple[dict, list]:
    """Per (assay, gel): the assay to call with, learning sizes where the assay has none."""
    from genoassoc.calling.learning import MIN_LANES, learn, learned_assay

    plans: dict[tuple[str, str], _Plan] = {}
    learned_all = []
    by_assay: dict[str, list[Lane]] = {}
    for lane in lanes:
        by_assay.setdefault(lane.assay, []).append(lane)
    for assay_id, assay_lanes in by_assay.items():
        assay = assay_set.get(assay_id)
        gels = sorted({lane.gel for lane in assay_lanes})
        if assay.sizes_known:
            plans.update({(assay_id, gel): _Plan(assay) for gel in gels})
            continue
        pooled = None
        for gel in gels:
            result = learn(assay, [lane.bands for lane in assay_lanes if lane.gel == gel], tolerance, min_band, gel)
            if result.status == "not learned" and result.lanes < MIN_LANES and len(gels) > 1:
                pooled = pooled or learn(assay, [lane.bands for lane in assay_lanes], tolerance, min_band)
                note = f"used for {gel or 'lanes without a gel'}, which has {result.lanes} lanes with bands"
                result = replace(pooled, reason="; ".join(filter(None, (pooled.reason, note))))
            learned_all.append(result)
            plans[(assay_id, gel)] = _Plan(learned_assay(assay, result) if result.status == "learned" else None,
                                           result)
    unique = list({id(result): result for result in learned_all}.values())
    return plans, unique


def _one_pattern_call(lane: Lane, learned, tolerance: Tolerance, min_band: float,
                      strict_bands: bool = False) -> LaneCall:
    """A lane of an assay whose gel showed one single-band pattern: that band is the uncut homozygote."""
    ((allele, (size,)),) = learned.fragments.items()
    keep, ignored = _stray_bands(lane.bands, size, [size], tolerance, min_band, strict_bands)
    observed = [lane.bands[index] for index in keep]
    if not observed:
        return LaneCall(None, "no bands (PCR failure)", ignored=ignored)
    if len(observed) == 1 and tolerance.allows(observed[0], size):
        return LaneCall(f"{allele}/{allele}", "", ((observed[0], size),), ignored)
    return LaneCall(None, f"unexplained bands {', '.join(map(_bp, observed))} bp: the gel's only pattern is a "
                          f"single {size} bp band", ignored=ignored)


def call_rflp(
    gel: str | os.PathLike | pd.DataFrame,
    assays: AssaySet | str | os.PathLike | None = None,
    tolerance: Tolerance | str = Tolerance(),
    min_band: float = DEFAULT_MIN_BAND,
    het_min_ratio: float = DEFAULT_HET_MIN_RATIO,
    catalog: Catalog | None = None,
    loci: list[str] | None = None,
    options: ReadOptions = DEFAULT_READ,
    strict_bands: bool = False,
) -> pd.DataFrame:
    """Genotype calls (the calls table) from a gel band table.

    `gel` is a path (TSV/CSV/XLSX) or a table read with `genoassoc.io.tables.read_table`; `assays` an
    `AssaySet`, a TOML file of user assays added to the built-ins, or None for the built-ins alone;
    `catalog` the loci (with a panel's); `loci` keeps only those loci. Sizes are in bp; the default
    tolerance is max(5 bp, 5%), suited to agarose gels. Assays without sizes have them learned from the
    gel (per gel when there is a ``gel`` column); what was learned is in ``attrs["learned"]``. Every
    sample appears once per locus its table types; a locus typed for some samples only gives the
    others a no-call "not genotyped". Stray bands (above the full-length product, primer-dimers,
    below `min_band`) are named in the ``note`` column; with `strict_bands` the first two are no-calls.
    """
    from genoassoc.io.tables import read_table
    from genoassoc.loci import load_catalog

    catalog = catalog or load_catalog()
    assay_set = assays if isinstance(assays, AssaySet) else load_assays(assays, catalog)
    tolerance = Tolerance.parse(tolerance) if isinstance(tolerance, str) else tolerance
    table = gel if isinstance(gel, pd.DataFrame) else read_table(gel, ["sample"], optional=GEL_COLUMNS, options=options)
    lanes = gel_lanes(table, assay_set, catalog)
    wanted = None
    if loci:
        wanted = {catalog.resolve(name).id if name in catalog else name for name in loci}
        lanes = [lane for lane in lanes if assay_set.get(lane.assay).locus in wanted]
    plans, learned = _plans(lanes, assay_set, tolerance, min_band)

    grouped: dict[tuple[str, str], list[tuple[Lane, LaneCall, _Plan]]] = {}
    samples: dict[str, None] = {}
    loci_seen: dict[str, None] = dict.fromkeys(sorted(wanted)) if wanted else {}
    for lane in lanes:
        base = assay_set.get(lane.assay)
        plan = plans[(lane.assay, lane.gel)]
        if lane.reason:
            call = LaneCall(None, lane.reason)
        elif plan.assay is not None:
            call = match_lane(plan.assay, lane.bands, lane.intensities, tolerance, min_band, het_min_ratio,
                              strict_bands)
        elif plan.learned.status == "one pattern":
            call = _one_pattern_call(lane, plan.learned, tolerance, min_band, strict_bands)
        else:
            call = LaneCall(None, plan.learned.reason)
        grouped.setdefault((lane.sample, base.locus), []).append((lane, call, plan))
        samples.setdefault(lane.sample)
        loci_seen.setdefault(base.locus)
    for sample in table["sample"]:
        if sample:
            samples.setdefault(sample)

    rows = []
    for sample in samples:
        for locus in loci_seen:
            entries = grouped.get((sample, locus))
            if entries is None:
                rows.append({"sample": sample, "locus": locus, "genotype": "", "status": "no_call",
                             "reason": "not genotyped at this locus", "source": "rflp", "assay": "",
                             "lanes": 0, "lanes_called": 0, "observed_bp": "", "matched_bp": "",
                             "fragments_bp": "", "note": ""})
                continue
            sample_lanes = [lane for lane, _, _ in entries]
            lane_calls = [call for _, call, _ in entries]
            genotype, reason = _merge(sample_lanes, lane_calls)
            used = list(dict.fromkeys(_plan_text(plan) for _, _, plan in entries))
            notes = list(dict.fromkeys(plan.learned.caveat for _, call, plan in entries
                                       if call.genotype and plan.learned is not None and plan.learned.caveat))
            notes += [note if len(entries) == 1 else f"lane {lane.lane}: {note}"
                      for lane, call, _ in entries for note in call.ignored]
            rows.append({
                "sample": sample,
                "locus": locus,
                "genotype": genotype,
                "status": "called" if genotype else "no_call",
                "reason": reason,
                "source": "rflp",
                "assay": ",".join(dict.fromkeys(lane.assay for lane in sample_lanes)),
                "lanes": len(sample_lanes),
                "lanes_called": sum(1 for call in lane_calls if call.genotype),
                "observed_bp": ";".join(
                    ",".join(_bp(size) for size in lane.bands) for lane in sample_lanes
                ),
                "matched_bp": ";".join(
                    ",".join(f"{_bp(o)}={e}" for o, e in call.matched) for call in lane_calls
                ),
                "fragments_bp": " | ".join(text for text in used if text),
                "note": "; ".join(notes),
            })
    calls = pd.DataFrame(rows, columns=CALL_COLUMNS)
    calls.attrs["learned"] = learned
    return calls
