"""Column names as labs write them: every table reader finds its columns the same way.

A header cell matches an expected column when, ignoring case, spaces and punctuation, it is the
column's name or one of its synonyms (`SYNONYMS`), optionally followed by a unit in brackets:
``Sample``, ``Patient ID``, ``SNP``, ``Bands (bp)``, ``Time (h)``, ``Conc (ng/mL)``. A unit is checked
where genoassoc reads numbers in one unit (`UNITS`): ``Time (min)`` is not taken as hours and
``Size (kb)`` not as bp, and the message says why. What no synonym covers is named by the user:
``--columns conc=Plasma level`` (study file: ``columns = ["conc=Plasma level"]``), and the sample id
column by ``--sample-col``. The exact name beats a spelling variant, which beats a synonym; two
candidates at the same rank are refused with both named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from genoassoc.errors import InputError

# The synonyms of each column genoassoc expects, written as they are compared (lower case, words
# joined by '_'). Documented in the README's "Input files" section.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sample": ("sample_id", "sample_name", "sample_no", "patient", "patient_id", "patient_no", "subject",
               "subject_id", "participant", "participant_id", "id", "iid", "study_id", "name", "content"),
    "locus": ("snp", "rs", "rsid", "rs_id", "marker", "variant", "polymorphism"),
    "assay": ("rflp_assay",),
    "genotype": ("gt", "call", "genotype_call"),
    "bands": ("band_sizes", "fragments", "fragment_sizes", "bands_bp"),
    "size_bp": ("size", "band_size", "fragment_size"),
    "intensity": ("intensities", "band_intensity", "volume", "band_volume"),
    "gel": ("gel_id", "gel_no", "gel_name"),
    "lane": ("lane_no", "lane_number"),
    "time_h": ("time", "hours", "tad", "time_after_dose", "nominal_time", "actual_time", "sampling_time"),
    "conc": ("concentration", "plasma_concentration", "level", "nominal", "expected"),
    "dose": ("dose_mg",),
    "blq": ("bql", "below_lloq", "below_loq"),
    "well": ("well_id", "position"),
    "type": ("role", "kind"),
    "dilution": ("dilution_factor", "df"),
    "tier": ("row_of_wells", "comb"),
}

# Units a column's numbers must be in: a header that names another unit does not match. `required`:
# the bare word (``Time``) does not say the unit, so it is not taken either.
_HOURS = ("h", "hr", "hrs", "hour", "hours")


@dataclass(frozen=True)
class _Unit:
    allowed: tuple[str, ...]
    required: bool
    meaning: str


UNITS: dict[str, _Unit] = {
    "time_h": _Unit(_HOURS, True, "hours"),
    "bands": _Unit(("bp",), False, "bp"),
    "size_bp": _Unit(("bp",), False, "bp"),
}
# Names that are their own unit ("hours") need none in brackets.
_SELF_UNITS = {"time_h": ("hours", "time_h", "time_hr", "time_hrs", "time_hours")}

_UNIT = re.compile(r"^(?P<base>.*?)\s*[(\[]\s*(?P<unit>[^)\]]*?)\s*[)\]]\s*$")


def normal(name: str) -> str:
    """A column name as compared: lower case, runs of anything but letters and digits one '_'."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower().replace("µ", "u")).strip("_")


def _split_unit(name: str) -> tuple[str, str | None]:
    match = _UNIT.match(name.strip())
    if match and match.group("base"):
        return normal(match.group("base")), match.group("unit").strip().lower()
    return normal(name), None


def accepted(expected: str) -> str:
    """The accepted spellings of a column, for messages and the README."""
    unit = UNITS.get(expected)
    shown = ", ".join([expected, *SYNONYMS.get(expected, ())])
    if unit is None:
        return shown
    if unit.required:
        return f"{shown} with a unit in {unit.meaning} in brackets (e.g. '{SYNONYMS[expected][0].title()} (h)')"
    return f"{shown}, optionally followed by ({unit.meaning})"


def _rank(header: str, expected: str) -> tuple[int | None, str | None]:
    """How well a header cell names `expected`: 0 exact, 1 a spelling variant, 2 a synonym; None when
    it does not; and, when it names the column in the wrong unit, why not."""
    if header == expected:
        return 0, None
    base, unit = _split_unit(header)
    rule = UNITS.get(expected)
    if normal(header) in _SELF_UNITS.get(expected, ()) or normal(header) == expected:
        return 1, None
    synonyms = (expected, *SYNONYMS.get(expected, ()))
    if base not in synonyms:
        return None, None
    if rule is not None:
        if unit is None and rule.required:
            return None, f"'{header}' does not say its unit ({expected} is in {rule.meaning}: name it '{header} (h)')"
        if unit is not None and unit not in rule.allowed:
            return None, f"'{header}' is in {unit}, not {rule.meaning}: convert the column"
    return (1 if base == expected else 2), None


@dataclass(frozen=True)
class ColumnNames:
    """How one table's header is read: the columns it `required`, those it may have (`optional`),
    and the user's own names (`given`: expected → name in the file, from ``--columns`` and
    ``--sample-col``)."""

    required: Sequence[str] = ()
    optional: Sequence[str] = ()
    given: Mapping[str, str] = field(default_factory=dict)

    def rename(self, header: list[str], path: str | None = None, row: int | None = None) -> list[str]:
        """The header with each expected column under its own name; a missing required column, an
        ambiguous one, or a ``--columns`` name the table lacks is an `InputError`."""
        renamed = list(header)
        taken: set[int] = set()
        for expected in dict.fromkeys([*self.required, *self.optional, *self.given]):
            position = self._find(header, expected, path, row)
            if position is None:
                continue
            if renamed[position] != expected and expected in renamed:
                other = renamed.index(expected)
                if other not in taken:
                    raise InputError(f"columns '{header[position]}' and '{header[other]}' both name '{expected}': "
                                     f"give --columns {expected}=NAME", path, row)
            renamed[position] = expected
            taken.add(position)
        return renamed

    def _find(self, header: list[str], expected: str, path: str | None, row: int | None) -> int | None:
        wanted = self.given.get(expected)
        if wanted is not None:
            # the user's name first; a table of the same command that has the column under a known
            # name (the calls table's 'sample' beside a sheet's 'Patient ID') is read as usual
            for same in ((lambda name: name == wanted), (lambda name: normal(name) == normal(wanted))):
                found = [index for index, name in enumerate(header) if same(name)]
                if len(found) == 1:
                    return found[0]
        ranked: dict[int, list[int]] = {}
        reasons = []
        for index, name in enumerate(header):
            rank, reason = _rank(name, expected)
            if rank is not None:
                ranked.setdefault(rank, []).append(index)
            elif reason:
                reasons.append(reason)
        if ranked:
            best = ranked[min(ranked)]
            if len(best) > 1:
                names = " and ".join(f"'{header[index]}'" for index in best)
                option = "--sample-col NAME" if expected == "sample" else f"--columns {expected}=NAME"
                raise InputError(f"{names} could both be the {expected} column: give {option}", path, row)
            return best[0]
        if expected in self.required and wanted is not None:
            raise InputError(f"no column '{wanted}' (given for '{expected}') and none under an accepted name "
                             f"({accepted(expected)}); columns found: {', '.join(header)}", path, row)
        if expected in self.required:
            why = f"{reasons[0]}; " if reasons else ""
            option = "--sample-col NAME" if expected == "sample" else f"--columns {expected}=NAME"
            raise InputError(f"missing column '{expected}' (columns found: {', '.join(header)}): {why}accepted "
                             f"names, in any case: {accepted(expected)}; or give {option}", path, row)
        return None

    def keeps(self, header: list[str], keep: frozenset[str]) -> list[bool]:
        """Which header cells become one of the columns in `keep` (problems left to `rename`)."""
        try:
            renamed = self.rename(header)
        except InputError:
            return [True] * len(header)
        return [name in keep for name in renamed]


def parse_columns(items: Iterable[str] | Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """``["conc=Plasma level", "time_h=TAD (h),sample=Pt"]`` (as ``--columns`` and the study's
    ``columns`` give them) as (expected, name in the file) pairs."""
    if items is None:
        return ()
    if isinstance(items, Mapping):
        return tuple((str(key), str(value)) for key, value in items.items())
    pairs: dict[str, str] = {}
    for item in (part.strip() for value in items for part in str(value).split(",") if part.strip()):
        expected, sep, actual = item.partition("=")
        if not sep or not expected.strip() or not actual.strip():
            raise InputError(f"--columns takes EXPECTED=NAME (e.g. conc=Plasma level), got '{item}'")
        pairs[expected.strip()] = actual.strip()
    return tuple(pairs.items())


def columns_help() -> str:
    """The README's table of expected columns and their accepted names (tested against it)."""
    lines = ["| column | also found as (any case, spaces or punctuation) |", "|---|---|"]
    for expected, synonyms in SYNONYMS.items():
        names = ", ".join(f"`{name}`" for name in synonyms)
        unit = UNITS.get(expected)
        if unit is not None:
            names += (f"; a unit in brackets must be {unit.meaning}" if not unit.required else
                      f"; the unit in brackets is required: {', '.join(unit.allowed)} (`Time (h)`)")
        lines.append(f"| `{expected}` | {names} |")
    return "\n".join(lines) + "\n"
