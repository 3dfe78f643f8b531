"""The example study report: every section, publication tables with their machine tables attached,
figures with labelled axes, refusals when it cannot be what the settings ask, and a rendering in
headless Chromium at 1280 px in which no table scrolls sideways."""

import base64
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import run_cli

from genoassoc.errors import InputError

ROOT = Path(__file__).resolve().parent.parent.parent
CHECK = """<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const broken = images.filter(image => !(image.complete && image.naturalWidth > 0)).length;
  const tables = Array.from(document.querySelectorAll('table'));
  const empty = tables.filter(table => table.querySelectorAll('tbody tr').length === 0).length;
  const width = document.documentElement.clientWidth;
  const wide = tables.filter(table => table.scrollWidth > table.clientWidth + 1
                                       || table.getBoundingClientRect().right > width + 1).length;
  const page = document.documentElement.scrollWidth > window.innerWidth + 1 ? 1 : 0;
  document.body.setAttribute('data-check',
    `images=${images.length};broken=${broken};tables=${tables.length};empty=${empty};wide=${wide};page=${page}`);
});
</script>"""


def run(*args):
    return run_cli(*args)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    output = tmp_path_factory.mktemp("report") / "report.html"
    result = run("report", ROOT / "examples" / "study.toml", "-o", output)
    assert result.returncode == 0, result.stderr
    return output


def test_report_has_every_section_and_is_self_contained(report):
    text = report.read_text()
    sections = re.findall(r'<h2 id="[^"]+">(.*?)</h2>', text)
    assert sections == ["Genotype calls from the gels", "Genotype QC", "Pharmacokinetics", "ELISA: il6_elisa",
                        "Table 1", "Association with the genotype", "Survival: os_months", "Survival: pfs_months",
                        "Competing risks: pfs_months", "Repeated measurements: il6", "Correlations",
                        "Table 2: Cox regression", "Biomarker cut-point", "Reproducibility"]
    assert text.count('<li><a href="#') == len(sections)  # table of contents
    assert "http://" not in text and "https://" not in text  # nothing fetched: works offline
    assert text.count('src="data:image/svg+xml;base64,') >= 10
    assert "rs1800796, dominant (effect allele G)" in text
    assert "statsmodels" in text and "SHA-256" in text
    assert 'class="publication"' in text and "Median survival (95% CI)" in text
    assert "RMST to τ = " in text and "Subdistribution HR (95% CI)" in text and "SD of the random intercept" in text


def test_machine_tables_are_attached_at_full_precision(report):
    text = report.read_text()
    attachments = dict(re.findall(r'download="([^"]+)" href="data:text/tab-separated-values;base64,([^"]+)"', text))
    assert {"hwe.tsv", "table1.tsv", "table2.tsv", "cutpoint.tsv", "survival_os_months.tsv",
            "competing_pfs_months.tsv", "longitudinal_il6.tsv"} <= set(attachments)
    survival = base64.b64decode(attachments["survival_os_months.tsv"]).decode().splitlines()
    assert survival[0].startswith("locus\tmodel\teffect_allele\tgroups\trow")
    hazard = next(line for line in survival if "Cox (crude)" in line).split("\t")
    assert len(hazard[17].split(".")[-1]) > 6  # the estimate at full precision, not rounded for display


def test_every_report_figure_has_labelled_axes(monkeypatch):
    from genoassoc.report import figures, html

    checked = []
    original = html._figure_html

    def record(figure, caption, wide=False):
        checked.append((caption, figures.labelled_axes(figure)))
        return original(figure, caption, wide)

    monkeypatch.setattr(html, "_figure_html", record)
    monkeypatch.setattr(html.os, "cpu_count", lambda: 1)  # built here, not in forked workers
    html.build_report(html.load_study(ROOT / "examples" / "study.toml"))
    assert len(checked) >= 10
    assert all(labelled for _, labelled in checked), [caption for caption, labelled in checked if not labelled]


_WORKERS_SCRIPT = """
import multiprocessing, re, sys
from genoassoc.report import html
contexts, real = [], multiprocessing.get_context
multiprocessing.get_context = lambda method=None: contexts.append(method) or real(method)
study = html.load_study(sys.argv[1])
parallel = html.build_report(study)
multiprocessing.get_context = real
html.os.cpu_count = lambda: 1
in_turn = html.build_report(study)
generated = re.compile(r"<p>Generated [^<]*</p>")
same = generated.sub("", parallel.html) == generated.sub("", in_turn.html)
print(contexts, parallel.sections == in_turn.sections, same)
"""


def test_sections_built_by_workers_equal_those_built_in_turn():
    # a fresh process: single-threaded as the command line is, so the production guard lets it fork (no
    # patching around the guard); on one core, or in turn, it must give the same page
    if (os.cpu_count() or 1) < 2:
        pytest.fail("this test needs two cores to build the report with forked workers")
    result = subprocess.run([sys.executable, "-c", _WORKERS_SCRIPT, str(ROOT / "examples" / "study.toml")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['fork'] True True"


def test_empty_and_unbuildable_reports_are_refused(tmp_path):
    out = tmp_path / "r.html"
    result = run("report", "--pheno", ROOT / "examples" / "phenotypes.tsv", "-o", out)
    assert result.returncode == 2 and "nothing to report" in result.stderr and not out.exists()
    study = tmp_path / "study.toml"
    study.write_text(f'pheno = "{ROOT / "examples" / "phenotypes.tsv"}"\ncutpoint_marker = "il6"\n'
                     'cox_vars = ["age"]\n')
    result = run("report", study, "-o", out)
    assert result.returncode == 2 and not out.exists()
    assert "Table 2: Cox regression needs survival" in result.stderr
    assert "Biomarker cut-point needs cutpoint_pheno, cutpoint_time, cutpoint_event" in result.stderr


def test_sections_not_asked_for_are_listed(tmp_path):
    out = tmp_path / "r.html"
    result = run("report", "--calls", ROOT / "tests" / "golden" / "assoc" / "calls.tsv", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "not asked for by the settings: Genotype calls from the gels, Sanger confirmation, Pharmacokinetics" \
        in result.stderr
    assert "Not in this report (not asked for by the settings): Genotype calls from the gels" in out.read_text()


def test_settings_are_documented_in_the_readme():
    from genoassoc.study import SETTINGS, Study, settings_help

    assert run("report", "--help-settings").stdout == settings_help()
    fields = set(Study.__dataclass_fields__) - {"notes"}
    assert {line.split("`")[1] for line in settings_help().splitlines()[2:]} == fields == set(SETTINGS)
    assert settings_help() in (ROOT / "README.md").read_text()


def test_report_renders_in_headless_chromium_at_1280_px(report, tmp_path):
    if shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is needed for this test (.ci/run installs it)")
    page = tmp_path / "checked.html"
    page.write_text(report.read_text().replace("</body>", CHECK + "</body>"))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900", "--virtual-time-budget=10000"]
    result = subprocess.run(["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                            timeout=180)
    match = re.search(r'data-check="images=(\d+);broken=(\d+);tables=(\d+);empty=(\d+);wide=(\d+);page=(\d+)"',
                      result.stdout)
    assert match, result.stderr[-2000:]
    images, broken, tables, empty, wide, page_wide = map(int, match.groups())
    assert images >= 10 and broken == 0
    assert tables >= 10 and empty == 0
    assert wide == 0 and page_wide == 0
    shot = tmp_path / "report.png"
    subprocess.run(["chromium", *flags, f"--screenshot={shot}", report.as_uri()], capture_output=True, timeout=180)
    assert shot.stat().st_size > 10_000


def test_report_from_a_gel_photo_shows_the_overlay(tmp_path):
    from genoassoc.report import html

    study = html.Study(title="photo", gel_image=str(ROOT / "examples" / "gel_photo.png"),
                       gel_layout=str(ROOT / "examples" / "gel_photo_layout.tsv"), gel_ladder="GeneRuler 100 bp",
                       pheno=str(ROOT / "examples" / "phenotypes.tsv"), locus="rs1800796", model="dominant",
                       gel_bands="bright")
    report = html.build_report(study)
    assert report.sections[0] == "Genotype calls from the gels"
    assert "The gel photo as read: lanes, bands with their sizes (bp) and the calls" in report.html
    assert "photo straightened by" in report.html
    assert "bright bands on a dark background (given)" in report.html  # the study's gel_bands, as call --bands
    broken = html.Study(gel_image=str(ROOT / "examples" / "gel_photo.png"), pheno=str(ROOT / "examples" /
                                                                                       "phenotypes.tsv"))
    with pytest.raises(InputError, match="gel_image needs gel_layout and gel_ladder"):
        html.build_report(broken)
