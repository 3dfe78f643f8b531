"""Publication tables of the example study, cell by cell: each cell must be R's number (survival,
coxph, t.test, wilcox.test, chisq.test; tests/golden/publication/make_golden.R) in the journal format,
in the right row and column. Word output is checked by reading the .docx back."""

from pathlib import Path

import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.analysis.association import associate
from genoassoc.analysis.baseline import table1
from genoassoc.analysis.cox_regression import cox_table
from genoassoc.calls import read_calls
from genoassoc.phenotypes import read_phenotypes
from genoassoc.report import publication
from genoassoc.report.publication import interval, n_percent, number, p_value

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "publication"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


def cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_formats():
    assert [number(value) for value in (0.012345, 1.2345, 12.345, 123.45, 8255.4, 13410.2, 2e-5, 0)] == \
        ["0.0123", "1.23", "12.3", "123", "8255", "13410", "2.00e-05", "0"]
    assert [p_value(value) for value in (0.00049, 0.0091, 0.0179, 0.4566, 1.0)] == \
        ["< 0.001", "0.00910", "0.0179", "0.457", "1.00"]
    assert interval(2.783, 1.147, 6.75) == "2.78 (1.15–6.75)"
    assert interval(-1.16, -4.3, -0.497) == "-1.16 (-4.30 to -0.497)"
    assert n_percent(18, 63) == "18 (28.6%)"


def test_survival_by_genotype_matches_r(r):
    calls = read_calls(GOLDEN / "calls.tsv")
    result = associate(calls, read_phenotypes(ROOT / "examples" / "phenotypes.tsv"), "rs1800796",
                       model="dominant", time="os_months", event="os_event", covariates=["age", "sex", "egfr"])
    table = publication.association_table(result, "os_months")
    headers = table.header_texts()
    adjusted_mark = headers[7].split("[")[1].rstrip("]")
    assert headers == ["Genotype", "n", "Events", "Median survival (95% CI)",
                       f"RMST to τ = {number(r['surv|rmst|tau'])} (95% CI)", "HR (95% CI)", "p",
                       f"Adjusted HR (95% CI) [{adjusted_mark}]", "p"]
    assert dict(table.footnotes)[adjusted_mark] == "adjusted for age, sex, egfr"

    def km(level):
        return (f"{number(r[f'surv|{level}|median'])} ({number(r[f'surv|{level}|lower'])}–"
                + ("NR" if r[f"surv|{level}|upper"] != r[f"surv|{level}|upper"] else number(r[f"surv|{level}|upper"]))
                + ")")

    def rmst(level):
        mean, se = r[f"surv|{level}|rmst"], r[f"surv|{level}|rmst_se"]
        return interval(mean, mean - 1.959963984540054 * se, mean + 1.959963984540054 * se)

    assert cells(table) == [
        ["C/C", "12", "9", km("C/C"), rmst("C/C"), "1 (reference)", "", "1 (reference)", ""],
        ["G/C+G/G", "14", "13", km("G/C+G/G"), rmst("G/C+G/G"),
         interval(r["surv|crude|hr"], r["surv|crude|lo"], r["surv|crude|hi"]), p_value(r["surv|crude|p"]),
         interval(r["surv|adjusted|hr"], r["surv|adjusted|lo"], r["surv|adjusted|hi"]), p_value(r["surv|adjusted|p"])],
        ["RMST difference, G/C+G/G vs C/C", "", "", "",
         f"{interval(r['surv|rmst|diff'], r['surv|rmst|lo'], r['surv|rmst|hi'])}, p = {p_value(r['surv|rmst|p'])}",
         "", "", "", ""],
        ["Log-rank test", "", "", "", "", "", p_value(r["surv|logrank|p"]), "", ""],
        ["Covariates of the adjusted model (adjusted for age, sex, egfr)", "", "", "", "", "", "", "", ""],
        *[[label, "", "", "", "", "", "",
           interval(r[f"surv|adjusted|{key}|hr"], r[f"surv|adjusted|{key}|lo"], r[f"surv|adjusted|{key}|hi"]),
           p_value(r[f"surv|adjusted|{key}|p"])]
          for label, key in (("age (per unit)", "age"), ("sex: M", "sexM"), ("egfr: del19", "egfrdel19"))],
    ]
    assert [row.kind for row in table.rows][-4:] == ["section", "level", "level", "level"]
    assert cells(table)[0][3] == "16.1 (10.4–NR)"
    assert cells(table)[2][4] == "-7.33 (-12.6 to -2.01), p = 0.00689"
    notes = dict(table.footnotes)
    assert "log-rank test (R survdiff)" in notes.values()
    assert any("adjusted for age, sex, egfr" in note for note in notes.values())
    assert any(note.startswith("restricted mean survival time to τ = 23.9") for note in notes.values())
    assert table.rows[1].cells[8].mark and table.rows[3].cells[6].mark and table.rows[0].cells[4].mark


def test_table1_matches_r(r):
    result = table1(read_phenotypes(ROOT / "examples" / "hcc_discovery.tsv"), "response", ["age", "sex", "il6"])
    table = publication.table1_publication(result)
    groups = ("overall", "CR/PR", "SD/PD")
    assert table.columns == ("Characteristic", *[f"{name.capitalize() if name == 'overall' else name} (N = "
                                                 f"{int(r[f't1|{name}|n'])})" for name in groups], "p")

    def mean_sd(group):
        return f"{number(r[f't1|{group}|age_mean'])} ({number(r[f't1|{group}|age_sd'])})"

    def median_iqr(group):
        return (f"{number(r[f't1|{group}|il6_median'])} ({number(r[f't1|{group}|il6_q1'])}–"
                f"{number(r[f't1|{group}|il6_q3'])})")

    assert cells(table) == [
        ["age, mean (SD)", *[mean_sd(group) for group in groups], p_value(r["t1|age|p"])],
        ["sex, n (%)", "", "", "", p_value(r["t1|sex|p"])],
        ["F", *[n_percent(r[f"t1|{group}|sex_F"], r[f"t1|{group}|n"]) for group in groups], ""],
        ["M", *[n_percent(r[f"t1|{group}|sex_M"], r[f"t1|{group}|n"]) for group in groups], ""],
        ["il6, median (IQR)", *[median_iqr(group) for group in groups], p_value(r["t1|il6|p"])],
    ]
    assert [row.kind for row in table.rows] == ["data", "data", "level", "level", "data"]


def test_table2_matches_r(r):
    result = cox_table(read_phenotypes(ROOT / "examples" / "phenotypes.tsv"), "os_months", "os_event",
                       ["age", "sex", "egfr"])
    table = publication.cox_publication(result, "os_months")

    def hr(name, suffix=""):
        return interval(r[f"t2|{name}|hr{suffix}"], r[f"t2|{name}|lo{suffix}"], r[f"t2|{name}|hi{suffix}"])

    assert cells(table) == [
        ["age, per unit", hr("age"), p_value(r["t2|age|p"]), hr("age", "_adj"), p_value(r["t2|age|p_adj"])],
        ["sex", "", "", "", ""],
        ["F (reference)", "1", "", "1", ""],
        ["M", hr("sex"), p_value(r["t2|sex|p"]), hr("sex", "_adj"), p_value(r["t2|sex|p_adj"])],
        ["egfr", "", "", "", ""],
        ["L858R (reference)", "1", "", "1", ""],
        ["del19", hr("egfr"), p_value(r["t2|egfr|p"]), hr("egfr", "_adj"), p_value(r["t2|egfr|p_adj"])],
    ]


def _table1():
    result = table1(read_phenotypes(ROOT / "examples" / "hcc_discovery.tsv"), "response", ["age", "sex", "il6"])
    return publication.table1_publication(result)


def _table2():
    result = cox_table(read_phenotypes(ROOT / "examples" / "phenotypes.tsv"), "os_months", "os_event",
                       ["age", "sex", "egfr"])
    return publication.cox_publication(result, "os_months")


@pytest.mark.parametrize("command, build", [
    (["table1", "--pheno", ROOT / "examples" / "hcc_discovery.tsv", "--by", "response", "--vars", "age,sex,il6"],
     _table1),
    (["cox", "--pheno", ROOT / "examples" / "phenotypes.tsv", "--time", "os_months", "--event", "os_event",
      "--vars", "age,sex,egfr"], _table2),
])
def test_word_tables_read_back_as_the_publication_table(tmp_path, command, build):
    from docx import Document

    out = tmp_path / "table.docx"
    result = run_cli(*map(str, command), "--format", "docx",
                             "-o", str(out))
    assert result.returncode == 0, result.stderr
    expected = build()
    document = Document(str(out))
    (grid,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in grid.rows]
    assert rows[0] == list(expected.columns)
    assert [[cell.strip() for cell in row] for row in rows[1:]] == \
        [[cell.text + cell.mark for cell in row.cells] for row in expected.rows]
    superscripts = [run.text for row in grid.rows[1:] for cell in row.cells for run in cell.paragraphs[0].runs
                    if run.font.superscript]
    assert superscripts == [cell.mark for row in expected.rows for cell in row.cells if cell.mark]
    assert document.paragraphs[0].text == f"{expected.label or 'Table 1'}. {expected.title}"
    footnotes = [paragraph.text for paragraph in document.paragraphs[1:] if paragraph.text.strip()]
    lettered = [f"{letter} {note}" for letter, note in expected.footnotes]
    assert footnotes[:len(lettered)] == lettered
    # then the result's notes (who was left out, reference levels with n), as the command printed them
    shown = " ".join(lettered)
    assert footnotes[len(lettered):] == [line for line in result.stderr.splitlines() if line and line not in shown]


def test_docx_needs_an_output_file():
    result = run_cli("corr", "--pheno",
                             str(ROOT / "examples" / "phenotypes.tsv"), "--x", "il6_day15", "--y", "c0", "--format",
                             "docx")
    assert result.returncode == 2 and "--format docx writes a Word file: give -o FILE.docx" in result.stderr
