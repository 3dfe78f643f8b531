"""Tables for a manuscript, from analysis results: one row per group or term, the cells a paper
uses (n (%), median (IQR), HR (95% CI)), p as journals print it (< 0.001, else 3 significant
digits), each test named in a footnote (as gtsummary and tableone do). Rendered as Markdown, HTML or
Word (python-docx, editable in the journal's template). The machine tables (TSV/JSON) keep full
precision; these are for people.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from genoassoc.report.markup import Markup, element, join

_SUPERSCRIPT = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖqʳˢᵗᵘᵛʷˣʸᶻ")


# ------------------------------------------------------------------------------------------------ numbers

def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: Any, digits: int = 3) -> str:
    """A number for people: `digits` significant digits without exponents for everyday sizes
    (0.0123, 1.23, 12.3, 123, 8255, 13410), an exponent only below 0.001; empty when missing."""
    if _missing(value):
        return ""
    value = float(value)
    if value == 0:
        return "0"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -3:
        return f"{value:.{digits - 1}e}"
    decimals = max(0, digits - 1 - magnitude)
    return f"{value:.{decimals}f}"


def text(value: Any) -> str:
    """A text cell: empty when missing."""
    return "" if _missing(value) else str(value)


def survival_median(median: Any, low: Any, high: Any) -> str:
    """``7.50 (3.20–16.2)``; a curve that never falls to one half is "not reached" (NR)."""
    def limit(value: Any) -> str:
        return "NR" if _missing(value) else number(value)

    if _missing(median):
        return "not reached" + (f" ({number(low)}–NR)" if not _missing(low) else "")
    return f"{number(median)} ({limit(low)}–{limit(high)})"


def count(value: Any) -> str:
    return "" if _missing(value) else str(int(value))


def p_value(value: Any) -> str:
    """p as journals print it: < 0.001, else 3 significant digits (0.0123, 0.456, 1.00)."""
    if _missing(value):
        return ""
    value = float(value)
    if value < 0.001:
        return "< 0.001"
    return number(value) if value < 1 else "1.00"


def interval(estimate: Any, low: Any, high: Any, digits: int = 3) -> str:
    """``2.31 (1.12–4.76)``; the estimate alone when the interval is missing."""
    if _missing(estimate):
        return ""
    if _missing(low) or _missing(high):
        return number(estimate, digits)
    return f"{number(estimate, digits)} ({_range(low, high, digits)})"


def ratio_interval(estimate: Any, low: Any, high: Any) -> str:
    """A ratio near 1 (per day of follow-up: 1.0035) with enough digits to show its distance from 1."""
    if _missing(estimate) or _missing(low) or _missing(high):
        return interval(estimate, low, high)
    nearest = min(abs(float(value) - 1) for value in (estimate, low, high))
    digits = 3 if nearest == 0 or nearest >= 0.01 else 2 - math.floor(math.log10(nearest))
    return interval(estimate, low, high, min(digits, 8))


def _range(low: Any, high: Any, digits: int = 3) -> str:
    """``1.12–4.76``, or ``-4.30 to -0.497`` when a bound is negative (a dash would read as a minus)."""
    separator = " to " if float(low) < 0 or float(high) < 0 else "–"
    return f"{number(low, digits)}{separator}{number(high, digits)}"


def median_iqr(median: Any, q1: Any, q3: Any) -> str:
    return "" if _missing(median) else f"{number(median)} ({_range(q1, q3)})"


def n_percent(events: Any, total: Any) -> str:
    if _missing(events) or _missing(total) or not total:
        return ""
    return f"{int(events)} ({100 * float(events) / float(total):.1f}%)"


# ------------------------------------------------------------------------------------------------- model

@dataclass(frozen=True)
class Cell:
    text: str
    mark: str = ""  # footnote letter


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: str = "data"  # "data", "section" (a heading across the table), "level" (indented)


@dataclass(frozen=True)
class PublicationTable:
    """A table for a manuscript: title, column headers, rows and footnotes (letter: text)."""

    title: str
    columns: tuple[str | Cell, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[tuple[str, str], ...] = ()
    label: str = ""  # the number a manuscript gives this kind of table ("Table 1", "Table 2"), if any

    @property
    def headers(self) -> tuple[Cell, ...]:
        """The column headings as cells (a heading may carry a footnote: the adjustment set)."""
        return tuple(column if isinstance(column, Cell) else Cell(column) for column in self.columns)

    def header_texts(self) -> list[str]:
        """The headings as text with their footnote letter (for tests and plain renderings)."""
        return [cell.text + (f" [{cell.mark}]" if cell.mark else "") for cell in self.headers]

    def cell_texts(self) -> list[list[str]]:
        """Every row's cells as text with their footnote letter (for tests and plain renderings)."""
        return [[cell.text + (f" [{cell.mark}]" if cell.mark else "") for cell in row.cells] for row in self.rows]


@dataclass
class _Notes:
    """Footnote letters handed out in order of first use."""

    texts: dict[str, str] = field(default_factory=dict)

    def mark(self, text: str) -> str:
        if not text:
            return ""
        if text not in self.texts:
            self.texts[text] = "abcdefghijklmnopqrstuvwxyz"[len(self.texts)]
        return self.texts[text]

    def footnotes(self) -> tuple[tuple[str, str], ...]:
        return tuple((letter, text) for text, letter in self.texts.items())


def with_notes(table: PublicationTable, notes: Iterable[str]) -> PublicationTable:
    """The table with a result's notes below its footnotes (who was left out, values put in place of
    '<x', reference levels with their n, merged spellings, warnings): what a reader must see beside
    the numbers, in every rendering."""
    shown = " ".join(text for _, text in table.footnotes)
    extra = tuple(("", note) for note in dict.fromkeys(notes) if note and note not in shown)
    return dataclasses.replace(table, footnotes=table.footnotes + extra)


def _row(*cells: str | Cell, kind: str = "data") -> Row:
    return Row(tuple(cell if isinstance(cell, Cell) else Cell(cell) for cell in cells), kind)


# -------------------------------------------------------------------------------------------- association

_TEST_NOTES = {
    "Mann-Whitney U": "Mann–Whitney U test, normal approximation with continuity and tie correction (R wilcox.test)",
    "Mann-Whitney U (exact)": "Mann–Whitney U test, exact p (R wilcox.test)",
    "Kruskal-Wallis": "Kruskal–Wallis test (R kruskal.test)",
    "Fisher's exact": "Fisher's exact test (R fisher.test)",
    "Fisher's test, Monte Carlo p": "Fisher's test (R fisher.test)",
    "chi-square": "Pearson chi-square test (R chisq.test, correct = FALSE)",
    "chi-square (Yates)": "Pearson chi-square test with Yates' correction (R chisq.test)",
    "Cochran-Armitage trend": "Cochran–Armitage trend test (PLINK --model TREND)",
    "log-rank": "log-rank test (R survdiff)",
}


def _test_note(test: str, note: str = "") -> str:
    text = _TEST_NOTES.get(test, test)
    if test.startswith("linear regression"):
        text = "linear regression" + (" of the log outcome: ratio of geometric means" if "log" in test else
                                      ": difference in means")
    elif test.startswith("logistic regression"):
        text = "logistic regression, Wald 95% CI (R glm)"
    elif test.startswith("Firth logistic"):
        text = "Firth's penalised logistic regression, profile-likelihood 95% CI (as R logistf)"
    elif test.startswith("Firth Cox"):
        text = "Firth's penalised Cox regression, profile-likelihood 95% CI (Heinze & Schemper 2001, as R coxphf)"
    elif test.startswith("Cox"):
        text = f"Cox proportional hazards, {test.split(', ')[-1]}, Wald 95% CI (R coxph)"
    elif test.startswith("proportional-odds regression"):
        text = "proportional-odds (cumulative logit) regression, Wald 95% CI (as R MASS::polr)"
    elif test.startswith("proportional-odds likelihood ratio"):
        text = "likelihood-ratio test of the genotype terms in the proportional-odds model (R anova of polr fits)"
    elif test.startswith("max-statistic"):
        text = "maximum of the dominant, recessive and additive trend statistics, p adjusted (Gonzalez et al. 2008)"
    return text + (f"; {note}" if note else "")


def _genotype_title(table: pd.DataFrame) -> str:
    first = table.iloc[0]
    return f"{first['locus']}, {first['model']} model (effect allele {first['effect_allele']})"


def _model_blocks(table: pd.DataFrame) -> list[pd.DataFrame]:
    return [block for _, block in table.groupby("model", sort=False, observed=True)]


def association_table(result: Any, outcome: str) -> PublicationTable:
    """The publication table of `genoassoc.associate`'s result."""
    table = result.table
    if "subgroup" in table.columns:
        table = table[table["subgroup"] != table["subgroup"].iloc[-1]] if table["subgroup"].iloc[-1].endswith(
            "interaction") else table
    notes = _Notes()
    kind = result.outcome_type
    builders = {"continuous": _continuous_rows, "binary": _binary_rows, "time-to-event": _survival_rows,
                "ordinal": _ordinal_rows}
    columns, body = None, []
    blocks = _model_blocks(table)
    for block in blocks:
        header, rows = builders[kind](block, notes)
        columns = columns or header
        if len(blocks) > 1:
            body.append(_row(Cell(f"{block.iloc[0]['model']} model: {block.iloc[0]['groups']}"), kind="section"))
        body += rows
    what = {"continuous": outcome, "binary": f"{outcome} (events)", "time-to-event": f"survival ({outcome})",
            "ordinal": f"{outcome} (ordered)"}[kind]
    title = f"{what} by genotype: {_genotype_title(table)}"
    return PublicationTable(title, tuple(columns or ()), tuple(body), notes.footnotes())


def _strings(values: pd.Series) -> pd.Series:
    """A text column as strings ("" where empty), whatever dtype an empty or all-missing column got."""
    return values.astype("string").fillna("")


def _genotype_fit(block: pd.DataFrame, methods: Iterable[str], adjusted: bool) -> pd.DataFrame:
    """The genotype terms of the first fitted method among `methods` (test names, by prefix), crude or
    adjusted (the result's typed ``adjustment`` and ``term_kind`` columns, not label text)."""
    fitted = block[(block["row"] == "test") & (block["term_kind"] == "genotype") & block["adjustment"].notna()]
    fitted = fitted[(fitted["adjustment"] != "crude") if adjusted else (fitted["adjustment"] == "crude")]
    for method in methods:
        rows = fitted[_strings(fitted["test"]).str.startswith(method)]
        if len(rows):
            return rows
    return block.iloc[0:0]


def _effect_cells(fit: pd.DataFrame, group: str | None, notes: _Notes, reference: str) -> list[str | Cell]:
    """The estimate and p of one group (None: the per-allele-copy term) from a fit's genotype terms."""
    if group is None:
        term = fit
    else:
        term = fit[fit["term"] == group]
    if reference and group is not None:
        return [reference, ""]
    if not len(term):
        return ["", ""]
    first = term.iloc[0]
    return [interval(first["estimate"], first["ci_lo"], first["ci_hi"]),
            Cell(p_value(first["p"]), notes.mark(_test_note(first["test"], text(first["note"]))))]


def _adjusted_header(fit: pd.DataFrame, name: str, notes: _Notes) -> str | Cell:
    """The adjusted estimate's heading, with the adjustment set in its footnote."""
    return Cell(f"Adjusted {name[0].lower()}{name[1:]} (95% CI)", notes.mark(str(fit["adjustment"].iloc[0])))


def _fit_columns(groups: pd.DataFrame, fits: list[pd.DataFrame], notes: _Notes, reference: str
                 ) -> tuple[list[list[str | Cell]], list[str | Cell] | None]:
    """Per group the crude (and adjusted) estimate and p; and the per-allele-copy row of an additive
    model (its term is not a group)."""
    per_group = []
    for index, (_, group) in enumerate(groups.iterrows()):
        cells: list[str | Cell] = []
        for fit in fits:
            cells += _effect_cells(fit, group["group"], notes, reference if index == 0 else "")
        per_group.append(cells)
    per_copy = None
    if any(len(fit) and not fit["term"].isin(groups["group"]).any() for fit in fits):
        per_copy = []
        for fit in fits:
            per_copy += _effect_cells(fit, None, notes, "")
        first = next(fit for fit in fits if len(fit))
        per_copy = [f"per {first['term'].iloc[0].split()[0]} allele", *per_copy]
    return per_group, per_copy


def _covariate_rows(block: pd.DataFrame, methods: Iterable[str], width: int, notes: _Notes) -> list[Row]:
    """The adjusted model's covariate terms, in the adjusted columns (the last two of `width`), under a
    section naming the adjustment: a reader sees every estimate the adjusted one was made beside."""
    fitted = block[(block["row"] == "test") & (block["term_kind"] == "covariate") & block["adjustment"].notna()
                   & (block["adjustment"] != "crude")]
    for method in methods:
        terms = fitted[_strings(fitted["test"]).str.startswith(method)]
        if len(terms):
            break
    else:
        return []
    rows = [_row(Cell(f"Covariates of the adjusted model ({terms['adjustment'].iloc[0]})"),
                 *([""] * (width - 1)), kind="section")]
    for _, term in terms.iterrows():
        label = str(term["term"]).replace("=", ": ") + (" (per unit)" if "=" not in str(term["term"]) else "")
        rows.append(_row(label, *([""] * (width - 3)), interval(term["estimate"], term["ci_lo"], term["ci_hi"]),
                         Cell(p_value(term["p"]), notes.mark(_test_note(term["test"], text(term["note"])))),
                         kind="level"))
    return rows


def _continuous_rows(block: pd.DataFrame, notes: _Notes) -> tuple[tuple[str | Cell, ...], list[Row]]:
    groups = block[block["row"] == "group"]
    crude = _genotype_fit(block, ("linear regression",), False)
    adjusted = _genotype_fit(block, ("linear regression",), True)
    log = _strings(crude["test"]).str.contains("log").any() if len(crude) else False
    name = "Ratio of geometric means" if log else "Difference in means"
    fits = [crude] + ([adjusted] if len(adjusted) else [])
    per_group, per_copy = _fit_columns(groups, fits, notes, "1 (reference)" if log else "0 (reference)")
    rows = []
    for (_, group), effects in zip(groups.iterrows(), per_group, strict=True):
        rows.append(_row(group["group"], count(group["n"]), median_iqr(group["median"], group["q1"], group["q3"]),
                         interval(group["mean"], math.nan, math.nan) + (f" ({number(group['sd'])})"
                                                                       if not _missing(group["sd"]) else ""),
                         *effects))
    width = 4 + 2 * len(fits)
    if per_copy:
        rows.append(_row(per_copy[0], "", "", "", *per_copy[1:]))
    for _, test in block[(block["row"] == "test") & block["test"].isin(["Mann-Whitney U", "Mann-Whitney U (exact)",
                                                                        "Kruskal-Wallis"])].iterrows():
        rows.append(_row(f"{test['test']} test", *([""] * (width - 2)), Cell(p_value(test["p"]), notes.mark(
            _test_note(test["test"], text(test["note"]))))))
    for _, test in block[(block["row"] == "test") & block["test"].isna()].iterrows():
        rows.append(_row(text(test["note"]), *([""] * (width - 1))))
    header: list[str | Cell] = ["Genotype", "n", "Median (IQR)", "Mean (SD)", f"{name} (95% CI)", "p"]
    if len(adjusted):
        header += [_adjusted_header(adjusted, name, notes), "p"]
        rows += _covariate_rows(block, ("linear regression",), width, notes)
    return tuple(header), rows


def _binary_rows(block: pd.DataFrame, notes: _Notes) -> tuple[tuple[str | Cell, ...], list[Row]]:
    groups = block[block["row"] == "group"]
    methods = ("logistic regression", "Firth logistic regression")
    crude, adjusted = _genotype_fit(block, methods, False), _genotype_fit(block, methods, True)
    fits = [crude] + ([adjusted] if len(adjusted) else [])
    per_group, per_copy = _fit_columns(groups, fits, notes, "1 (reference)")
    rows = []
    for (_, group), effects in zip(groups.iterrows(), per_group, strict=True):
        rows.append(_row(group["group"], count(group["n"]), n_percent(group["events"], group["n"]), *effects))
    width = 3 + 2 * len(fits)
    if per_copy:
        rows.append(_row(per_copy[0], "", "", *per_copy[1:]))
    for _, test in block[(block["row"] == "test") & block["term"].isna() & block["test"].notna()].iterrows():
        if test["test"] in ("logistic regression",):
            rows.append(_row(f"Logistic regression ({test['adjustment']})", "", "", text(test["note"]),
                             *([""] * (width - 4))))
            continue
        estimate = interval(test["estimate"], test["ci_lo"], test["ci_hi"]) if test["test"] == "Fisher's exact" \
            and not _missing(test["estimate"]) else ""
        rows.append(_row(f"{test['test']} test" if not test["test"].endswith("test") else test["test"], "", "",
                         estimate, Cell(p_value(test["p"]), notes.mark(_test_note(test["test"], text(test["note"])))),
                         *([""] * (width - 5))))
    header: list[str | Cell] = ["Genotype", "n", "Events, n (%)", "Odds ratio (95% CI)", "p"]
    if len(adjusted):
        header += [_adjusted_header(adjusted, "Odds ratio", notes), "p"]
        rows += _covariate_rows(block, methods, width, notes)
    return tuple(header), rows


def _ordinal_rows(block: pd.DataFrame, notes: _Notes) -> tuple[tuple[str | Cell, ...], list[Row]]:
    groups = block[block["row"] == "group"]
    spread = block[block["row"] == "level"]
    order = list(dict.fromkeys(spread["term"]))
    methods = ("proportional-odds regression",)
    crude, adjusted = _genotype_fit(block, methods, False), _genotype_fit(block, methods, True)
    fits = [crude] + ([adjusted] if len(adjusted) else [])
    per_group, per_copy = _fit_columns(groups, fits, notes, "1 (reference)")
    rows = []
    for (_, group), effects in zip(groups.iterrows(), per_group, strict=True):
        mine = spread[spread["group"] == group["group"]]
        cells = [n_percent(mine[mine["term"] == level]["n"].iloc[0], group["n"]) for level in order]
        rows.append(_row(group["group"], count(group["n"]), *cells, *effects))
    width = 2 + len(order) + 2 * len(fits)
    if per_copy:
        rows.append(_row(per_copy[0], *([""] * (1 + len(order))), *per_copy[1:]))
    tests = block[(block["row"] == "test") & _strings(block["test"]).str.startswith("proportional-odds likelihood")]
    for _, test in tests.iterrows():
        place = 2 + len(order) + (1 if test["adjustment"] == "crude" else 3)
        cells = [""] * width
        cells[0] = f"Likelihood-ratio test ({'crude' if test['adjustment'] == 'crude' else 'adjusted'})"
        cells[place] = Cell(p_value(test["p"]), notes.mark(_test_note(test["test"], text(test["note"]))))
        rows.append(_row(*cells))
    for _, test in block[(block["row"] == "test") & block["term"].isna() & block["statistic"].isna()].iterrows():
        if text(test["note"]):
            rows.append(_row(text(test["note"]), *([""] * (width - 1))))
    header: list[str | Cell] = ["Genotype", "n", *[f"{level}, n (%)" for level in order],
                                Cell("Odds ratio of a higher category (95% CI)",
                                     notes.mark(f"ordered {' < '.join(order)}; one odds ratio for every cut of the "
                                                "scale (proportional odds)")), "p"]
    if len(adjusted):
        header += [_adjusted_header(adjusted, "Odds ratio of a higher category", notes), "p"]
        rows += _covariate_rows(block, methods, width, notes)
    return tuple(header), rows


def _survival_rows(block: pd.DataFrame, notes: _Notes) -> tuple[tuple[str | Cell, ...], list[Row]]:
    groups = block[block["row"] == "group"]
    crude = _genotype_fit(block, ("Cox (crude)", "Firth Cox (crude)"), False)
    adjusted = _genotype_fit(block, ("Cox (adjusted)", "Firth Cox (adjusted)"), True)
    rmst = block[(block["row"] == "test") & _strings(block["test"]).str.startswith("RMST")]
    rmst_mark = ""
    columns = ["Genotype", "n", "Events", "Median survival (95% CI)"]
    if len(rmst):
        tau = rmst["test"].iloc[0].removeprefix("RMST (tau = ").removesuffix(")")
        rmst_mark = notes.mark(f"restricted mean survival time to τ = {tau} (R survival rmean); difference from "
                               "the reference group with a normal-approximation 95% CI and p (as R survRM2)")
        columns.append(f"RMST to τ = {tau} (95% CI)")
    columns += ["HR (95% CI)", "p"]
    if len(adjusted):
        columns += [Cell("Adjusted HR (95% CI)", notes.mark(str(adjusted["adjustment"].iloc[0]))), "p"]
    rows = []
    for index, (_, group) in enumerate(groups.iterrows()):
        cells: list[str | Cell] = [group["group"], count(group["n"]), count(group["events"]),
                                   survival_median(group["estimate"], group["ci_lo"], group["ci_hi"])]
        if len(rmst):
            mean = rmst[rmst["term"].isna() & (rmst["group"] == group["group"])]
            cells.append(Cell(interval(mean["estimate"].iloc[0], mean["ci_lo"].iloc[0], mean["ci_hi"].iloc[0])
                              if len(mean) else "", rmst_mark if index == 0 else ""))
        for fit in [crude] + ([adjusted] if len(adjusted) else []):
            term = fit[fit["term"] == group["group"]]
            if index == 0:
                cells += ["1 (reference)", ""]
            elif len(term):
                first = term.iloc[0]
                cells += [interval(first["estimate"], first["ci_lo"], first["ci_hi"]),
                          Cell(p_value(first["p"]), notes.mark(_test_note(first["test"], text(first["note"]))))]
            else:
                cells += ["", ""]
        rows.append(_row(*cells))
    for fit in [crude] + ([adjusted] if len(adjusted) else []):
        if len(fit) and not fit["term"].isin(groups["group"]).any():  # additive: per allele copy
            first = fit.iloc[0]
            cells = [f"per {first['term'].split()[0]} allele", "", "", ""] + ([""] if len(rmst) else [])
            mark = notes.mark(_test_note(first["test"], text(first["note"])))
            pair: list[str | Cell] = [interval(first["estimate"], first["ci_lo"], first["ci_hi"]),
                                      Cell(p_value(first["p"]), mark)]
            cells += pair if fit is crude else ["", ""] + pair
            rows.append(_row(*cells))
            break
    for _, difference in rmst[rmst["term"].notna()].iterrows():
        shown = "" if _missing(difference["estimate"]) else (
            interval(difference["estimate"], difference["ci_lo"], difference["ci_hi"]) + ", "
            + p_label(difference["p"]))
        rows.append(_row(f"RMST difference, {difference['term']}", "", "", "", Cell(shown, rmst_mark),
                         *([""] * (len(columns) - 5))))
    hr_p = columns.index("p")
    for _, test in block[(block["row"] == "test") & (block["test"] == "log-rank")].iterrows():
        cells = [""] * len(columns)
        cells[0] = "Log-rank test"
        rows.append(_row(*cells[:hr_p], Cell(p_value(test["p"]), notes.mark(_test_note("log-rank"))),
                         *cells[hr_p + 1:]))
    for _, test in block[(block["row"] == "test") & block["term"].isna() & block["note"].notna()
                         & (block["test"] != "log-rank") & ~_strings(block["test"]).str.startswith("RMST")].iterrows():
        rows.append(_row(f"{test['test'] or 'Note'}: {test['note']}", *([""] * (len(columns) - 1))))
    if len(adjusted):
        rows += _covariate_rows(block, ("Cox (adjusted)", "Firth Cox (adjusted)"), len(columns), notes)
    return tuple(columns), rows


def p_label(value: Any) -> str:
    """``p = 0.0179`` or ``p < 0.001``: a p in running text, as the tables print it."""
    shown = p_value(value)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def rmst_publication(result: Any, time: str) -> PublicationTable:
    """Restricted mean survival time per genotype group and the differences from the reference."""
    table = result.table
    notes = _Notes()
    mark = notes.mark("restricted mean survival time, Greenwood-type SE (R survival rmean); differences with "
                      "the normal approximation (as R survRM2)")
    rows = []
    for _, row in table.iterrows():
        if row["row"] == "group":
            rows.append(_row(text(row["group"]), count(row["n"]), count(row["events"]),
                             Cell(interval(row["estimate"], row["ci_lo"], row["ci_hi"]), mark), "", ""))
        else:
            rows.append(_row(f"{row['contrast']}", "", "", "", interval(row["estimate"], row["ci_lo"], row["ci_hi"])
                             if not _missing(row["estimate"]) else text(row["note"]), p_value(row["p"])))
    title = f"Restricted mean survival ({time}) to τ = {number(result.tau)} by genotype: {_genotype_title(table)}"
    return PublicationTable(title, ("Genotype", "n", "Events", "RMST (95% CI)", "Difference (95% CI)", "p"),
                            tuple(rows), notes.footnotes())


def competing_publication(result: Any, time: str) -> PublicationTable:
    """Cumulative incidence by genotype at the chosen times, Gray's test and Fine–Gray hazard ratios:
    crude, and adjusted (with the adjustment set and every covariate's estimate) in their own columns."""
    table = result.table
    notes = _Notes()
    incidence = table[(table["row"] == "incidence") & table["time"].notna()]
    moments = list(dict.fromkeys(incidence["time"]))
    ci_mark = notes.mark("cumulative incidence (Aalen–Johansen) with Gray's variance, log(−log) 95% CI (R cmprsk)")
    gray_mark = notes.mark("Gray's test of equal cumulative incidence (R cmprsk cuminc)")
    fg_mark = notes.mark("Fine–Gray subdistribution hazard ratio, sandwich 95% CI (R cmprsk crr)")
    terms = table[(table["row"] == "term") & table["term_kind"].notna()]
    crude = terms[terms["adjustment"] == "crude"]
    adjusted = terms[terms["adjustment"] != "crude"]
    fits = [crude] + ([adjusted] if len(adjusted) else [])
    width = len(moments) + 3 + 2 * len(fits)
    rows = []
    for cause in ("cause of interest", "competing"):
        part = incidence[incidence["cause"] == cause]
        if part.empty:
            continue
        test = table[(table["row"] == "test") & (table["cause"] == cause)]
        label = f"Cause of interest ({result.failcode})" if cause == "cause of interest" else "Competing events"
        rows.append(_row(Cell(label), *([""] * (width - 1)), kind="section"))
        for index, group in enumerate(dict.fromkeys(part["group"])):
            cells = part[part["group"] == group].set_index("time")
            first = cells.iloc[0]
            values: list[str | Cell] = [
                Cell(interval(*(100 * cells.at[moment, name] for name in ("estimate", "ci_lo", "ci_hi")))
                     if moment in cells.index else "", ci_mark if index == 0 else "") for moment in moments]
            hazard: list[str | Cell] = []
            for fit in fits:
                term = fit[fit["group"] == group]
                if cause != "cause of interest":
                    hazard += ["", ""]
                elif index == 0 and not len(term) and len(fit):
                    hazard += ["1 (reference)", ""]
                elif len(term) and not _missing(term["estimate"].iloc[0]):
                    hazard += [interval(term["estimate"].iloc[0], term["ci_lo"].iloc[0], term["ci_hi"].iloc[0]),
                               Cell(p_value(term["p"].iloc[0]), fg_mark)]
                else:
                    hazard += ["", ""]
            rows.append(_row(text(group), count(first["n"]), count(first["events"]), *values, *hazard))
        if len(test):
            rows.append(_row("Gray's test", "", "", *([""] * len(moments)), *([""] * (2 * len(fits) - 1)),
                             Cell(p_value(test["p"].iloc[0]), gray_mark)))
    for _, term in adjusted[adjusted["term_kind"] == "covariate"].iterrows():
        rows.append(_row(text(term["group"]), "", "", *([""] * len(moments)), "", "",
                         interval(term["estimate"], term["ci_lo"], term["ci_hi"]), Cell(p_value(term["p"]), fg_mark)))
    for _, failed in table[(table["row"] == "term") & table["term_kind"].isna()].iterrows():
        rows.append(_row(f"{text(failed['adjustment'])}: {text(failed['note'])}", *([""] * (width - 1))))
    title = f"Competing risks ({time}) by genotype: {_genotype_title(table)}"
    columns: list[str | Cell] = ["Genotype", "n", "Events", *[f"At {moment:g}, % (95% CI)" for moment in moments],
                                 "Subdistribution HR (95% CI)", "p"]
    if len(adjusted):
        columns += [Cell("Adjusted subdistribution HR (95% CI)", notes.mark(str(adjusted["adjustment"].iloc[0]))),
                    "p"]
    return PublicationTable(title, tuple(columns), tuple(rows), notes.footnotes())


def meta_publication(result: Any) -> PublicationTable:
    """Per-cohort estimates with weights, the pooled estimate and heterogeneity."""
    table = result.table
    pooled = table[table["row"] == "pooled"].iloc[0]
    notes = _Notes()
    method = {"FE": "fixed-effect", "DL": "random-effects, DerSimonian–Laird tau²",
              "REML": "random-effects, REML tau²"}[pooled["method"]]
    mark = notes.mark(f"inverse-variance {method} meta-analysis (R metafor rma); heterogeneity: Cochran's "
                      f"Q = {number(pooled['q'])} on {count(pooled['q_df'])} df, {p_label(pooled['q_p'])}; "
                      f"I² = {pooled['i2']:.1f}%; tau² = {number(pooled['tau2'])}")
    measure = str(pooled["estimate_name"]).removeprefix("pooled ").split(",")[0]
    rows = [_row(text(row["cohort"]), interval(row["estimate"], row["ci_lo"], row["ci_hi"]),
                 f"{row['weight']:.1f}", p_value(row["p"]))
            for _, row in table[table["row"] == "cohort"].iterrows()]
    rows.append(_row(Cell("Pooled", mark), interval(pooled["estimate"], pooled["ci_lo"], pooled["ci_hi"]), "100",
                     p_value(pooled["p"])))
    return PublicationTable(f"Meta-analysis of {count(pooled['k'])} cohorts", ("Cohort", measure, "Weight, %", "p"),
                            tuple(rows), notes.footnotes())


def longitudinal_publication(result: Any) -> PublicationTable:
    """Fixed effects (as ratios for a log-scale model) and variance components of a mixed model."""
    table = result.table
    notes = _Notes()
    mark = notes.mark("linear mixed model by REML (as R lme4 lmer), Wald 95% CI and p"
                      + ("; outcome log-transformed: estimates are ratios (exp of the coefficients)" if result.log
                         else ""))
    rows = [_row(Cell("Fixed effects"), "", "", kind="section")]
    for _, row in table[table["row"] == "fixed"].iterrows():
        estimate = ratio_interval(row["ratio"], row["ratio_ci_lo"], row["ratio_ci_hi"]) if result.log else \
            interval(row["estimate"], row["ci_lo"], row["ci_hi"])
        rows.append(_row(text(row["term"]), estimate, Cell(p_value(row["p"]), mark)))
    rows.append(_row(Cell("Random effects"), "", "", kind="section"))
    for _, row in table[table["row"] == "random"].iterrows():
        name = text(row["estimate_name"])
        rows.append(_row(name[:1].upper() + name[1:], number(row["estimate"]), ""))
    first = table.iloc[0]
    title = (f"{result.outcome}{' (log scale)' if result.log else ''} over {result.time} by genotype: "
             f"{_genotype_title(table)}; {count(first['n'])} measurements of {count(first['n_samples'])} samples")
    footnotes = notes.footnotes()
    if result.fit.singular:
        footnotes += (("", "singular fit: a variance component is on its boundary (as lme4 isSingular)"),)
    return PublicationTable(title, ("Term", "Ratio (95% CI)" if result.log else "Estimate (95% CI)", "p"),
                            tuple(rows), footnotes)


# ---------------------------------------------------------------------------------------------- Table 2

def cox_publication(result: Any, time: str) -> PublicationTable:
    """Table 2 of `genoassoc.cox_table`: univariable and multivariable hazard ratios."""
    notes = _Notes()
    cox_note = notes.mark("Cox proportional hazards regression, Wald 95% CI (R coxph)")
    multivariable = "; ".join(note for note in result.notes if note.startswith("multivariable"))
    multi_note = notes.mark(multivariable) if multivariable else cox_note
    rows = []
    for variable, block in result.table.groupby("variable", sort=False, observed=True):
        first = block.iloc[0]
        reference = str(first["reference"] or "")
        single = len(block) == 1 and not reference.startswith(f"{variable}=")
        if not single:
            rows.append(_row(Cell(variable), *([""] * 4), kind="section"))
            rows.append(_row(f"{reference.split('=', 1)[-1]} (reference)", "1", "", "1", "", kind="level"))
        for _, term in block.iterrows():
            label = str(term["term"])
            if single:
                label = label.replace(" (per unit)", ", per unit")
                if reference:
                    label = f"{label} (vs {reference})"
            else:
                label = label.split("=", 1)[-1] if "=" in label else label.removeprefix(f"{variable} ")
            hr = interval(term["hr"], term["ci_lo"], term["ci_hi"])
            adjusted = interval(term["hr_adjusted"], term["ci_lo_adjusted"], term["ci_hi_adjusted"])
            rows.append(_row(label, hr or ("—" if _missing(term["hr"]) and text(term["note"]) else ""),
                             Cell(p_value(term["p"]), cox_note if hr else ""),
                             adjusted, Cell(p_value(term["p_adjusted"]), multi_note if adjusted else ""),
                             kind="data" if single else "level"))
            if _missing(term["hr"]) and text(term["note"]):
                notes.mark(f"{label}: {term['note']}")
    columns = ("Variable", "Univariable HR (95% CI)", "p", "Multivariable HR (95% CI)", "p")
    return PublicationTable(f"Cox regression of {time}", columns, tuple(rows), notes.footnotes(), label="Table 2")


# ---------------------------------------------------------------------------------------------- Table 1

_TABLE1_TESTS = {
    "Welch t-test": "Welch two-sample t-test (R t.test)",
    "ANOVA": "one-way analysis of variance",
    "Mann-Whitney U": "Mann–Whitney U test (R wilcox.test)",
    "Kruskal-Wallis": "Kruskal–Wallis test (R kruskal.test)",
    "chi-square": "Pearson chi-square test (Yates' correction for 2×2, R chisq.test)",
    "Fisher's exact": "Fisher's exact test (R fisher.test)",
}


def table1_publication(result: Any) -> PublicationTable:
    """Table 1: characteristics by group with N in each column header and the test per variable."""
    table = result.table
    notes = _Notes()
    groups = ["overall", *result.groups]
    sizes = table[table["variable"] == "N"].set_index("group")["n"]
    columns = ("Characteristic", f"Overall (N = {count(sizes['overall'])})",
               *[f"{group} (N = {count(sizes[group])})" for group in result.groups], "p")
    rows = []
    for variable, block in table[table["variable"] != "N"].groupby("variable", sort=False, observed=True):
        first = block.iloc[0]
        test = text(first["test"])
        mark = notes.mark(_TABLE1_TESTS.get(test.split(" (")[0], test)
                          + (f" ({test.split(' (', 1)[1]}" if " (" in test else "")
                          + (f"; {first['note']}" if "note" in first and not _missing(first["note"]) and first["note"]
                             else "")) if test else ""
        missing = int(first["missing"]) if not _missing(first["missing"]) else 0
        label = f"{variable}, {first['summary']}" + (f" (missing: {missing})" if missing else "")
        p = Cell(p_value(first["p"]), mark)
        if first["summary"] == "n (%)":
            rows.append(_row(label, *[""] * len(groups), p))
            for level, cells in block.groupby("level", sort=False, observed=True):
                by_group = cells.set_index("group")
                rows.append(_row(str(level), *[n_percent(by_group.at[group, "count"], by_group.at[group, "n"])
                                               for group in groups], "", kind="level"))
            continue
        by_group = block.set_index("group")
        if first["summary"] == "mean (SD)":
            values = [f"{number(by_group.at[group, 'mean'])} ({number(by_group.at[group, 'sd'])})"
                      if not _missing(by_group.at[group, "mean"]) else "" for group in groups]
        else:
            values = [median_iqr(by_group.at[group, "median"], by_group.at[group, "q1"], by_group.at[group, "q3"])
                      for group in groups]
        rows.append(_row(label, *values, p))
    return PublicationTable(f"Baseline characteristics by {result.by}", columns, tuple(rows), notes.footnotes(),
                            label="Table 1")


# ------------------------------------------------------------------------------------------- the others

def cutpoint_publication(result: Any, marker: str) -> PublicationTable:
    """The cut-points: the optimal cut's p adjusted for the search, with the unadjusted log-rank p and
    the permutation p (when computed) on their own rows, each labelled."""
    notes = _Notes()
    rows = []
    for _, row in result.table.iterrows():
        estimate = interval(row["estimate"], row["ci_lo"], row["ci_hi"])
        note = str(row["note"]) if not _missing(row["note"]) else ""
        optimal = str(row["analysis"]).startswith("optimal")
        p_note = "maximally selected log-rank statistic, p adjusted for the search (Lausen & Schumacher, as R " \
                 "maxstat)" if optimal else note if row["statistic_name"] else ""
        groups = f"{count(row['n_low'])} / {count(row['n_high'])}" if not _missing(row["n_low"]) else ""
        rows.append(_row(str(row["cohort"]), str(row["analysis"]), number(row["cut"], 4), groups,
                         f"{row['estimate_name']}: {estimate}" if estimate else "",
                         Cell(p_value(row["p"]), notes.mark(p_note) if p_note and not _missing(row["p"]) else "")))
        if optimal and not _missing(row.get("p_unadjusted")):
            rows.append(_row("", "— log-rank p at this cut, unadjusted for the search", "", "", "",
                             p_value(row["p_unadjusted"])))
        if optimal and not _missing(row.get("p_permutation")):
            rows.append(_row("", f"— permutation p ({count(row['permutations'])} permutations)", "", "", "",
                             p_value(row["p_permutation"])))
        if optimal and "limit of quantification" in note:
            warning = note.split("; ")[-1]
            rows.append(_row("", "— warning: " + warning, "", "", "", ""))
    columns = ("Cohort", "Analysis", f"{marker} cut", "n low / high", "Estimate (95% CI)", "p")
    return PublicationTable(f"{marker}: cut-points", columns, tuple(rows), notes.footnotes())


def correlation_publication(result: Any) -> PublicationTable:
    row = result.table.iloc[0]
    names = {"spearman": "Spearman's ρ", "pearson": "Pearson's r (95% CI)", "kendall": "Kendall's τ"}
    notes = _Notes()
    mark = notes.mark(f"R cor.test, method = \"{row['method']}\"" + (", exact p" if row["exact"] else ""))
    return PublicationTable(f"Correlation of {row['x']} and {row['y']}", ("Variables", "n", names[row["method"]], "p"),
                            (_row(f"{row['x']} and {row['y']}", count(row["n"]),
                                  interval(row["estimate"], row["ci_lo"], row["ci_hi"]),
                                  Cell(p_value(row["p"]), mark)),), notes.footnotes())


def paired_publication(result: Any) -> PublicationTable:
    row = result.table.iloc[0]
    notes = _Notes()
    mark = notes.mark("Wilcoxon signed-rank test (R wilcox.test, paired = TRUE)")
    return PublicationTable(
        f"Change from {row['before']} to {row['after']}",
        ("n", f"{row['before']}, median", f"{row['after']}, median", "Change, median (IQR)", "p"),
        (_row(count(row["n"]), number(row["median_before"]), number(row["median_after"]),
              median_iqr(row["median_change"], row["change_q1"], row["change_q3"]), Cell(p_value(row["p"]), mark)),),
        notes.footnotes())


def hwe_publication(result: Any) -> PublicationTable:
    notes = _Notes()
    exact = notes.mark("exact test of Wigginton, Cutler & Abecasis (2005), as PLINK --hardy")
    rows = []
    for _, row in result.table.iterrows():
        first, second = row["allele1"], row["allele2"]
        genotypes = (f"{first}/{first} {count(row['n_hom1'])}, {first}/{second} {count(row['n_het'])}, "
                     f"{second}/{second} {count(row['n_hom2'])}")
        label = (f"{row['group']}: " if "group" in result.table.columns else "") + str(row["locus"])
        adjusted: list[str | Cell] = []
        if "p_adj" in result.table.columns:
            adjusted = [Cell(p_value(row["p_adj"]), notes.mark(f"{row['p_adj_method']} (R p.adjust)"))]
        rows.append(_row(label, count(row["n"]), genotypes, f"{row['minor_allele']} {number(row['maf'])}",
                         Cell(p_value(row["p_exact"]), exact), *adjusted))
    columns = ("Locus", "n", "Genotypes, n", "Minor allele frequency", "HWE p")
    if "p_adj" in result.table.columns:
        columns += ("Adjusted p",)
    return PublicationTable("Hardy–Weinberg equilibrium", columns, tuple(rows), notes.footnotes())


def pk_publication(result: Any) -> PublicationTable:
    rows = [_row(str(row["sample"]), number(row["c0"]), number(row["cmax"]), number(row["tmax"]),
                 number(row["auc_0_24"]), number(row["half_life"]), text(row["note"]))
            for _, row in result.table.iterrows()]
    columns = ("Sample", "C0 (conc)", "Cmax (conc)", "Tmax (h)", "AUC0–24 (conc·h)", "t½ (h)", "Note")
    notes = (("a", "non-compartmental analysis; AUC by the trapezoidal rule; λz by log-linear regression with the "
                   "best adjusted R² (as PKNCA)"),
             ("b", "conc: the unit of the concentrations in the PK samples table (e.g. ng/mL); times in hours"))
    return PublicationTable("Pharmacokinetics per patient", columns, tuple(rows), notes)


# ------------------------------------------------------------------------------------------ renderings

def to_markdown(table: PublicationTable) -> str:
    """Markdown: bold title, a pipe table (section rows bold, level rows indented), footnotes."""
    def text(cell: Cell) -> str:
        return (cell.text + cell.mark.translate(_SUPERSCRIPT)).replace("|", "\\|")

    lines = [f"**{table.title}**", "", "| " + " | ".join(text(cell) for cell in table.headers) + " |",
             "|" + "|".join("---" if index == 0 else "--:" for index in range(len(table.columns))) + "|"]
    for row in table.rows:
        cells = [text(cell) for cell in row.cells]
        if row.kind == "section":
            cells = [f"**{cells[0]}**"] + cells[1:]
        elif row.kind == "level":
            cells = [f"\u2003{cells[0]}"] + cells[1:]  # an em space: indentation that is text, not markup
        lines.append("| " + " | ".join(cells + [""] * (len(table.columns) - len(cells))) + " |")
    if table.footnotes:
        lines.append("")
        lines += [f"{letter.translate(_SUPERSCRIPT)} {note}  " if letter else f"{note}  "
                  for letter, note in table.footnotes]
    return "\n".join(lines) + "\n"


def to_html(table: PublicationTable) -> Markup:
    """An HTML table (class ``publication``) with caption, header, body and footnotes."""

    def text(cell: Cell) -> Markup:
        return join([cell.text, element("sup", cell.mark) if cell.mark else None])

    head = element("tr", *(element("th", text(column)) for column in table.headers))
    body = []
    for row in table.rows:
        if row.kind == "section":
            cells = [element("th", text(row.cells[0]), scope="row", class_="section")]
            cells += [element("td", text(cell)) for cell in row.cells[1:]]
            cells += [element("td")] * (len(table.columns) - len(row.cells))
        else:
            cells = [element("td", text(row.cells[0]), class_="level" if row.kind == "level" else "label")]
            cells += [element("td", text(cell), class_="text" if cell.text[:1].isalpha() and " " in cell.text else None)
                      for cell in row.cells[1:]]
        body.append(element("tr", *cells))
    foot = None
    if table.footnotes:
        notes = join((join([element("sup", letter), " ", note]) if letter else join([note])
                      for letter, note in table.footnotes), separator=element("br"))
        foot = element("tfoot", element("tr", element("td", notes, colspan=len(table.columns))))
    return element("table", element("caption", table.title), element("thead", head), element("tbody", *body), foot,
                   class_="publication")


def captions(tables: list[PublicationTable]) -> list[str]:
    """Each table's caption number in one document: its own label (Table 1 for baseline
    characteristics, Table 2 for the Cox table) when it has one and it is free, else the next free
    number."""
    used = {table.label for table in tables if table.label}
    taken, numbers, next_number = set(), [], 1
    for table in tables:
        if table.label and table.label not in taken:
            numbers.append(table.label)
            taken.add(table.label)
            continue
        while f"Table {next_number}" in used | taken:
            next_number += 1
        numbers.append(f"Table {next_number}")
        taken.add(numbers[-1])
    return numbers


def _three_line(grid: Any) -> None:
    """The three-line table journals print: rules above and below the table and under the header, no
    vertical or inner rules."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def rule(parent: Any, edge: str, size: str) -> None:
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if size else "nil")
        if size:
            element.set(qn("w:sz"), size)
            element.set(qn("w:color"), "000000")
        parent.append(element)

    properties = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", "12"), ("left", ""), ("bottom", "12"), ("right", ""), ("insideH", ""),
                       ("insideV", "")):
        rule(borders, edge, size)
    properties.append(borders)
    for cell in grid.rows[0].cells:
        cell_borders = OxmlElement("w:tcBorders")
        rule(cell_borders, "bottom", "6")
        cell._tc.get_or_add_tcPr().append(cell_borders)


def to_docx(tables: list[PublicationTable]) -> bytes:
    """A Word document with the tables: captions numbered within the document and named by what the
    table is (Table 1, Table 2), three-line style, footnotes below each (editable: a journal's template
    can restyle them)."""
    import io

    from docx import Document
    from docx.shared import Pt

    document = Document()
    for caption, table in zip(captions(tables), tables, strict=True):
        title = document.add_paragraph()
        title.add_run(f"{caption}. ").bold = True
        title.add_run(table.title)
        grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
        _three_line(grid)
        for index, column in enumerate(table.headers):
            paragraph = grid.rows[0].cells[index].paragraphs[0]
            paragraph.add_run(column.text).bold = True
            if column.mark:
                paragraph.add_run(column.mark).font.superscript = True
        for row_index, row in enumerate(table.rows, start=1):
            for index, cell in enumerate(row.cells):
                paragraph = grid.rows[row_index].cells[index].paragraphs[0]
                run = paragraph.add_run(("    " if row.kind == "level" and index == 0 else "") + cell.text)
                run.bold = row.kind == "section" and index == 0
                if cell.mark:
                    mark = paragraph.add_run(cell.mark)
                    mark.font.superscript = True
        for letter, note in table.footnotes:
            paragraph = document.add_paragraph()
            if letter:
                mark = paragraph.add_run(letter)
                mark.font.superscript = True
            paragraph.add_run(f" {note}" if letter else note).font.size = Pt(9)
        document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(tables: list[PublicationTable], fmt: str) -> str | bytes:
    """Markdown or HTML text, or Word bytes, of one or more tables."""
    if fmt == "markdown":
        return "\n".join(to_markdown(table) for table in tables)
    if fmt == "html":
        return "\n".join(to_html(table) for table in tables) + "\n"
    if fmt == "docx":
        return to_docx(tables)
    raise ValueError(f"unknown publication format '{fmt}'")
