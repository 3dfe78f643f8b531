"""The study: its inputs, how they are read, and every analysis setting, each defined once.

`SETTINGS` is the one table of settings. Each has one name, one default and one meaning, used three
ways: as a study-file key (``below_lloq = "half"``), as a command-line option (``--below-lloq half``,
built from the same entry by `genoassoc.cli.options`) and as a keyword argument of the analyses. The
report (`genoassoc.report.html`) and the commands therefore give the same numbers for the same
settings. `load_study` validates a TOML study file against the table: unknown keys, and values of the
wrong type (``log = "false"``), are refused with the key named.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genoassoc.errors import InputError

MODELS = ("codominant", "dominant", "recessive", "overdominant", "additive")
BELOW_LLOQ = ("half", "lloq", "missing")
OUTCOME_TYPES = ("continuous", "binary", "ordinal", "time-to-event")


@dataclass(frozen=True)
class Setting:
    """One setting: `kind` is its type in a study file (``str``, ``bool``, ``int``, ``float``,
    ``path``, ``paths``, ``list``, ``pairs``, ``outcomes`` or ``floats``); `choices` its allowed
    values; `group` where it belongs (inputs, reading, genotypes, ...)."""

    name: str
    kind: str
    default: Any
    meaning: str
    group: str
    choices: tuple[str, ...] | None = None
    cli: bool = True  # also a command-line option of the analysis commands

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


def _s(name: str, kind: str, default: Any, meaning: str, group: str, choices: tuple[str, ...] | None = None,
       cli: bool = True) -> Setting:
    return Setting(name, kind, default, meaning, group, choices, cli)


SETTINGS: dict[str, Setting] = {setting.name: setting for setting in (
    # what the report is about and its inputs
    _s("title", "str", "genoassoc study report", "report title", "inputs", cli=False),
    _s("calls", "path", None, "calls table (or give `rflp` or `gel_image`)", "inputs"),
    _s("rflp", "path", None, "gel band table, called with the built-in assays and `assays`", "inputs"),
    _s("gel_image", "path", None, "photo of the gel (PNG/TIFF/JPEG) to read and call instead of a band table",
       "inputs"),
    _s("gel_layout", "path", None, "lane layout of `gel_image` (lane, sample, assay or locus[, tier])", "inputs",
       cli=False),
    _s("gel_ladder", "str", None, "ladder of `gel_image`: sizes in bp or a ladder name", "inputs", cli=False),
    _s("gel_wells_row", "floats", [], "the wells' row in `gel_image`, in pixels, one per tier (as call "
                                      "--wells-row)", "inputs", cli=False),
    _s("gel_lanes", "list", [], "first and last lane centre of `gel_image` in pixels, \"FIRST,LAST\" per tier (as "
                                "call --lanes)", "inputs", cli=False),
    _s("gel_crop", "floats", [], "the gel's box in `gel_image`, [left, top, right, bottom] in pixels (as call --crop)",
       "inputs", cli=False),
    _s("gel_bands", "str", None, "bands of `gel_image` bright on a dark gel or dark on a light one (as call --bands; "
                                 "unset: read from the photo)", "inputs", choices=("bright", "dark"), cli=False),
    _s("gel_corrections", "path", None, "corrections of `gel_image` exported by genoassoc gel review (as call "
                                        "--corrections)", "inputs", cli=False),
    _s("sanger", "folder", None, "folder of Sanger traces (.ab1) confirming the calls: a concordance table and each "
                             "trace at the site (as call --sanger)", "inputs"),
    _s("sample_pattern", "str", None, "regular expression taking the sample from a Sanger trace's file name (its "
                                      "group 'sample')", "inputs"),
    _s("reference", "path", None,
       "reference FASTA (Sanger: the loci's 50-base flanks are cut from it; as call --reference)", "inputs"),
    _s("assays", "path", None, "TOML file of your own RFLP assays, added to the built-ins", "inputs"),
    _s("panel", "path", None, "panel of extra loci (locus, chrom, pos, alleles[, build])", "inputs"),
    _s("pheno", "path", None, "phenotype table, one row per sample", "inputs"),
    _s("sample_col", "str", "sample", "sample id column of every input table (default: found as 'sample', "
                                      "'Sample ID', 'Patient ID'... see Input files)", "reading"),
    _s("columns", "list", [], "your own column names, EXPECTED=NAME (e.g. conc=Plasma level, time_h=TAD (h))",
       "reading"),
    _s("pk", "path", None, "PK samples (`sample, time_h, conc`): C0, AUC0-24 per patient, joined to the phenotypes",
       "inputs", cli=False),
    # how tables are read
    _s("sheet", "str", None, "worksheet of .xlsx inputs: name or number (default: the first)", "reading"),
    _s("encoding", "str", None, "text encoding of the input tables (default: detected; e.g. cp1252)", "reading"),
    _s("decimal_comma", "bool", False, "numbers in the input tables are written with a decimal comma (12,5)",
       "reading"),
    # gel calling
    _s("tolerance", "str", "5bp,5%", "band sizing tolerance: the larger of an absolute (bp) and a relative (%) "
                                     "window", "calling"),
    _s("min_band", "float", 30.0, "detection floor in bp: smaller bands are ignored and not expected", "calling"),
    _s("min_quality", "float", 20.0, "Sanger: least mean base quality around the site to call it", "calling"),
    _s("het_min_ratio", "float", 0.5, "with band intensities: least molar ratio of the two alleles' bands to call "
                                      "a heterozygote that a partial digest could mimic", "calling"),
    _s("strict_bands", "bool", False, "a band no allele gives, larger than the full-length product or at primer-dimer "
                                      "size (<= 60 bp), makes a no-call (default: ignored, named in the note)",
       "calling"),
    # genotypes
    _s("locus", "str", None, "the locus analysed (rsID or alias such as -572G>C)", "genotypes"),
    _s("model", "str", "codominant", "genetic model", "genotypes", MODELS),
    _s("effect_allele", "str", None, "effect allele (default: the minor allele in the analysed samples)",
       "genotypes"),
    # phenotype coding
    _s("below_lloq", "str", None, "values written '<x' (below the limit of quantification): x/2, x, or missing "
                                  "(default: refused)", "coding", BELOW_LLOQ),
    _s("ref_level", "list", [], "reference level of a categorical column, COLUMN=LEVEL (e.g. sex=M)", "coding"),
    _s("merge_case_variants", "bool", False, "merge category levels that differ only in case, spaces or punctuation "
                                             "(Del19/del19) into the most frequent spelling, with a note (default: "
                                             "refused, both spellings named)", "coding"),
    # association
    _s("outcomes", "outcomes", [], "outcome columns to compare by genotype; an entry may be a table "
                                   "{column, outcome_type, case_level}", "association", cli=False),
    _s("outcome_type", "str", None, "force the outcome type (default: inferred)", "association", OUTCOME_TYPES),
    _s("case_level", "list", [], "level(s) of a text outcome counted as the event (default: the level that "
                                 "sorts last); several make a binary outcome of a column of more levels "
                                 "(CR,PR: responders)", "association"),
    _s("levels", "list", [], "levels of an ordinal outcome (outcome_type ordinal), lowest first, e.g. PD,SD,PR,CR "
                             "(default for numbers: their order)", "association"),
    _s("log", "bool", False, "analyse continuous outcomes on the log scale (ratios of geometric means)",
       "association"),
    _s("exact", "bool", None, "exact Wilcoxon p: true always (without ties), false never; default as R wilcox.test, "
                              "exact below 50 values per group without ties or zero differences", "association"),
    _s("firth", "bool", None, "Firth's regression only (true) or never (false); default: added when a cell has "
                              "fewer than 5 samples", "association"),
    _s("covariates", "list", [], "adjustment covariates of the association and survival models", "association"),
    _s("ties", "str", "efron", "tied event times in Cox models (R coxph default: efron)", "survival",
       ("efron", "breslow")),
    _s("tau", "float", None, "horizon of the restricted mean survival time, in the unit of the time column "
                             "(default: the smallest group's last follow-up)", "survival"),
    _s("p_adjust", "str", "BH", "adjustment of p over the loci or models tested (R p.adjust)", "association",
       ("BH", "holm", "bonferroni")),
    _s("log_axes", "bool", False, "draw continuous outcomes on a log axis", "figures"),
    _s("correlations", "pairs", [], "pairs of columns to correlate (Spearman), e.g. [[\"il6\", \"c0\"]]",
       "association", cli=False),
    # survival
    _s("survival", "pairs", [], "pairs of time and event columns, e.g. [[\"os_months\", \"os_event\"]]",
       "survival", cli=False),
    _s("time_unit", "str", None, "unit of the survival times for the axes (default: from the column names)",
       "figures"),
    _s("cox_vars", "list", [], "Table 2 candidate variables (columns or the locus), on the first `survival` pair",
       "survival", cli=False),
    _s("cox_adjust", "list", [], "Table 2 adjustment covariates", "survival", cli=False),
    _s("dichotomize", "str", None, "split numeric Table 2 variables at `median` or a value", "survival"),
    # cut-points
    _s("cutpoint_pheno", "path", None, "cut-point discovery cohort (phenotype table)", "cut-point", cli=False),
    _s("cutpoint_validate", "path", None, "cut-point validation cohort", "cut-point", cli=False),
    _s("cutpoint_marker", "str", None, "biomarker column for the cut-point", "cut-point", cli=False),
    _s("cutpoint_time", "str", None, "survival time column of the cut-point cohorts", "cut-point", cli=False),
    _s("cutpoint_event", "str", None, "event column of the cut-point cohorts", "cut-point", cli=False),
    _s("min_prop", "float", 0.1, "least fraction of patients in either group at a candidate cut", "cut-point"),
    _s("permutations", "int", 0, "permutations for a permutation p of the optimal cut (0: none; e.g. 10000)",
       "cut-point"),
    _s("table1_variables", "list", [], "Table 1 variables (default: every column)", "tables", cli=False),
    # competing risks
    _s("competing", "pairs", [], "pairs of time and cause columns for competing risks, e.g. "
                                 "[[\"pfs_months\", \"pfs_cause\"]]", "competing risks", cli=False),
    _s("failcode", "str", "1", "code of the cause of interest; any other code but censoring competes",
       "competing risks"),
    _s("cencode", "str", "0", "code of censoring", "competing risks"),
    _s("competing_at", "floats", [], "times for the cumulative incidence table, e.g. [6, 12] (default: a quarter, "
                                     "half and three quarters of the longest follow-up)", "competing risks", cli=False),
    # repeated measurements
    _s("visits", "path", None, "repeated measurements (`sample`, time, value; several rows per sample) for a mixed "
                               "model", "repeated measures", cli=False),
    _s("visits_outcome", "str", None, "measured value column of `visits` (e.g. `il6`)", "repeated measures",
       cli=False),
    _s("visits_time", "str", None, "time column of `visits` (e.g. `day`)", "repeated measures", cli=False),
    _s("visits_log", "bool", True, "model the log of the measured value", "repeated measures", cli=False),
    _s("random_slope", "bool", False, "add a random slope on time per sample", "repeated measures"),
    # ELISA
    _s("elisa_plates", "paths", [], "ELISA plate reader exports (grids or well, od tables), e.g. [\"plate1.csv\"]: "
                                    "the analyte is read back from the standard curves and joined to the phenotypes "
                                    "when they lack it", "ELISA", cli=False),
    _s("elisa_layout", "path", None, "plate layout of `elisa_plates` (well, sample[, type][, conc][, dilution]"
                                     "[, plate])", "ELISA", cli=False),
    _s("standards", "str", None, "standards' nominal concentrations where the layout has none, e.g. "
                                 "\"S1=300,S2=150\"", "ELISA"),
    _s("curve", "str", "4pl", "ELISA standard curve: 4PL (R SSfpl) or 5PL", "ELISA", ("4pl", "5pl")),
    _s("weights", "str", "none", "least-squares weights of the ELISA standards by their OD", "ELISA",
       ("none", "1/y", "1/y2")),
    _s("max_cv", "float", 20.0, "flag samples whose replicate wells' CV (%) is above this", "ELISA"),
    _s("lloq", "float", None, "ELISA LLOQ from the kit insert (default: the lowest standard read back within "
                              "80-120%)", "ELISA"),
    _s("uloq", "float", None, "ELISA ULOQ from the kit insert (default: the highest standard read back within "
                              "80-120%)", "ELISA"),
    _s("analyte", "str", "il6", "name of the ELISA concentration column", "ELISA"),
    _s("wavelength", "str", None, "ELISA measurement read (default 450 nm, or the file's only read)", "ELISA"),
    _s("correction", "str", None, "ELISA correction read subtracted, or `none` (default: 540/570/620/630/650/690 "
                                  "nm when present)", "ELISA"),
)}

# study-file keys that were renamed: old -> new
RENAMED = {
    "gel": "rflp", "log_outcomes": "log", "visits_random_slope": "random_slope", "competing_failcode": "failcode",
    "competing_cencode": "cencode", "elisa_model": "curve", "elisa_weights": "weights", "elisa_max_cv": "max_cv",
    "elisa_lloq": "lloq", "elisa_uloq": "uloq", "elisa_analyte": "analyte", "elisa_standards": "standards",
    "elisa_wavelength": "wavelength", "elisa_correction": "correction",
}
PATH_KINDS = ("path", "paths")


def _fields() -> list[tuple[str, Any, Any]]:
    fields = []
    for setting in SETTINGS.values():
        default = setting.default
        value = dataclasses.field(default_factory=lambda d=default: list(d)) if isinstance(default, list) else \
            dataclasses.field(default=default)
        fields.append((setting.name, Any, value))
    fields.append(("notes", tuple, dataclasses.field(default=(), compare=False)))
    return fields


Study = dataclasses.make_dataclass("Study", _fields(), namespace={
    "__doc__": "A study's inputs and settings (`SETTINGS` says what each means); paths are relative to the "
               "study file's folder when read from TOML. `notes` holds what loading had to say (renamed keys).",
    "__module__": __name__})


def _kind_error(name: str, value: Any, expected: str) -> InputError:
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    return InputError(f"setting '{name}' is {shown}: expected {expected}")


def check_value(name: str, value: Any) -> Any:
    """A setting's value checked against its kind and choices (what a study file or a caller gave)."""
    setting = SETTINGS[name]
    kind = setting.kind
    if value is None:
        return None
    if kind == "bool":
        if not isinstance(value, bool):
            raise _kind_error(name, value, "true or false (without quotes)")
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _kind_error(name, value, "a whole number")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _kind_error(name, value, "a number")
        value = float(value)
    elif kind in ("str", "path", "folder"):
        if not isinstance(value, str):
            raise _kind_error(name, value, "a text in quotes")
    elif kind in ("list", "paths"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _kind_error(name, value, "a list of texts, e.g. [\"a\", \"b\"]")
    elif kind == "floats":
        if not isinstance(value, list) or not all(isinstance(item, int | float) and not isinstance(item, bool)
                                                  for item in value):
            raise _kind_error(name, value, "a list of numbers, e.g. [6, 12]")
        value = [float(item) for item in value]
    elif kind == "pairs":
        if not isinstance(value, list) or not all(isinstance(pair, list) and len(pair) == 2
                                                  and all(isinstance(item, str) for item in pair) for pair in value):
            raise _kind_error(name, value, "a list of column pairs, e.g. [[\"os_months\", \"os_event\"]]")
    elif kind == "outcomes":
        value = [_outcome_entry(item) for item in (value if isinstance(value, list) else [value])]
    if setting.choices and kind == "str" and value not in setting.choices:
        raise _kind_error(name, value, "one of " + ", ".join(setting.choices))
    return value


@dataclass(frozen=True)
class Outcome:
    """An outcome of the association section: its column, and per-outcome `outcome_type`,
    `case_level` and `levels` (None: the study's)."""

    column: str
    outcome_type: str | None = None
    case_level: tuple[str, ...] | None = None
    levels: tuple[str, ...] | None = None


def _outcome_entry(item: Any) -> Outcome:
    if isinstance(item, Outcome):
        return item
    if isinstance(item, str):
        return Outcome(item)
    if isinstance(item, Mapping):
        unknown = set(item) - {"column", "outcome_type", "case_level", "levels"}
        if unknown or "column" not in item or not isinstance(item["column"], str):
            raise InputError("an entry of 'outcomes' is a column name or a table {column = \"response\", "
                             "outcome_type = \"binary\", case_level = [\"CR\", \"PR\"]} or {column = \"recist\", "
                             "outcome_type = \"ordinal\", levels = [\"PD\", \"SD\", \"PR\", \"CR\"]}"
                             + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else ""))
        kind = item.get("outcome_type")
        if kind is not None and kind not in OUTCOME_TYPES:
            raise _kind_error("outcome_type", kind, "one of " + ", ".join(OUTCOME_TYPES))
        lists = {}
        for key in ("case_level", "levels"):
            levels = item.get(key)
            if isinstance(levels, str):
                levels = [levels]
            if levels is not None and not (isinstance(levels, list) and all(isinstance(x, str) for x in levels)):
                raise _kind_error(key, levels, "a level or a list of levels")
            lists[key] = tuple(levels) if levels is not None else None
        return Outcome(item["column"], kind, lists["case_level"], lists["levels"])
    raise _kind_error("outcomes", item, "column names or tables {column = ...}")


def make_study(values: Mapping[str, Any] | None = None, **overrides: Any) -> Any:
    """A Study from settings (checked by `check_value`); unknown names are refused."""
    given = {**(values or {}), **overrides}
    unknown = sorted(set(given) - set(SETTINGS) - {"notes"})
    if unknown:
        raise InputError(f"unknown study setting {', '.join(unknown)} (see genoassoc report --help-settings)")
    checked = {name: check_value(name, value) if name != "notes" else value for name, value in given.items()}
    return Study(**checked)


def load_study(path: str | os.PathLike) -> Any:
    """A Study from a TOML file of settings (top level or under [study]); paths relative to its folder."""
    from genoassoc.io.records import read_toml

    path = Path(path)
    document, _ = read_toml(path)
    document = document.get("study", document)
    if not isinstance(document, dict):
        raise InputError("[study] must be a table of settings", str(path))
    notes = []
    for old, new in RENAMED.items():
        if old in document:
            if new in document:
                raise InputError(f"'{old}' is now '{new}': give it once", str(path))
            document[new] = document.pop(old)
            notes.append(f"study setting '{old}' is now '{new}'")
    unknown = sorted(set(document) - set(SETTINGS))
    if unknown:
        raise InputError(f"unknown study setting {', '.join(unknown)} (see genoassoc report --help-settings)",
                         str(path))
    values = {}
    for name, value in document.items():
        try:
            values[name] = check_value(name, value)
        except InputError as err:
            raise err.located(str(path)) from None
    for name, value in values.items():
        kind = SETTINGS[name].kind
        if kind in ("path", "folder") and value:
            values[name] = str((path.parent / value).resolve())
        elif kind == "paths" and value:
            values[name] = [str((path.parent / item).resolve()) for item in value]
    return Study(**values, notes=tuple(notes))


def settings_help() -> str:
    """The study-file settings as a Markdown table with their defaults and command-line options (what
    `genoassoc report --help-settings` prints and the README holds)."""
    lines = ["| setting | default | option | meaning |", "|---|---|---|---|"]
    for setting in SETTINGS.values():
        default = setting.default
        shown = "" if default in (None, []) else f"`{str(default).lower() if isinstance(default, bool) else default}`"
        option = f"`{setting.option}`" if setting.cli else ""
        choices = f" ({', '.join(setting.choices)})" if setting.choices else ""
        lines.append(f"| `{setting.name}` | {shown} | {option} | {setting.meaning}{choices} |")
    return "\n".join(lines) + "\n"


def paths_of(study: Any) -> list[str]:
    """Every input path a study names (for the output guard and the report's checksums)."""
    found = []
    for setting in SETTINGS.values():
        value = getattr(study, setting.name)
        if setting.kind == "path" and value:
            found.append(value)
        elif setting.kind == "paths":
            found.extend(value)
        elif setting.kind == "folder" and value:
            from genoassoc.calling.sanger import trace_files

            found.extend(str(item) for item in trace_files(value))  # a folder's files are the inputs
    return found


def coding_of(study: Any) -> Any:
    """The phenotype coding the study's `below_lloq` and `ref_level` settings give."""
    from genoassoc.phenotypes import Coding, parse_ref_levels

    return Coding(below_lloq=study.below_lloq, ref_levels=parse_ref_levels(study.ref_level),
                  merge_case_variants=study.merge_case_variants)


def read_options_of(study: Any) -> Any:
    """The table-reading options of a study."""
    from genoassoc.io.columns import parse_columns
    from genoassoc.io.records import ReadOptions

    return ReadOptions(study.encoding, study.sheet, study.decimal_comma, study.sample_col,
                       parse_columns(study.columns))
