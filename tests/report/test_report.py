"""The example study report: built from the shipped files, rendered in headless Chromium."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CHECK = """<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const broken = images.filter(image => !(image.complete && image.naturalWidth > 0)).length;
  const tables = Array.from(document.querySelectorAll('table'));
  const empty = tables.filter(table => table.querySelectorAll('tbody tr').length === 0).length;
  document.body.setAttribute('data-check',
    `images=${images.length};broken=${broken};tables=${tables.length};empty=${empty}`);
});
</script>"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    output = tmp_path_factory.mktemp("report") / "report.html"
    result = subprocess.run([sys.executable, "-m", "genoassoc.cli", "report", str(ROOT / "examples" / "study.toml"),
                             "-o", str(output)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return output


def test_report_has_every_section_and_is_self_contained(report):
    text = report.read_text()
    sections = re.findall(r"<h2>(.*?)</h2>", text)
    for title in ("Genotype calls from the gels", "Genotype QC", "Pharmacokinetics", "Table 1",
                  "Association with the genotype", "Survival: os_months", "Correlations",
                  "Table 2: Cox regression", "Biomarker cut-point", "Reproducibility"):
        assert title in sections
    assert "http://" not in text and "https://" not in text  # nothing fetched: works offline
    assert text.count('src="data:image/png;base64,') >= 10
    assert "rs1800796, dominant (effect allele G)" in text
    assert "statsmodels" in text and "SHA-256" in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    page = tmp_path / "checked.html"
    page.write_text(report.read_text().replace("</body>", CHECK + "</body>"))
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    match = re.search(r'data-check="images=(\d+);broken=(\d+);tables=(\d+);empty=(\d+)"', result.stdout)
    assert match, result.stderr[-2000:]
    images, broken, tables, empty = map(int, match.groups())
    assert images >= 10 and broken == 0
    assert tables >= 10 and empty == 0
