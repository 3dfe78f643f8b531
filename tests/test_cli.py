import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import runner

from genoassoc.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_GEL = ROOT / "examples" / "gel_sizes.tsv"
TRUTH = ROOT / "examples"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "genoassoc.cli", *map(str, args)], capture_output=True, text=True
    )


def test_help_lists_commands_without_importing_heavy_libraries():
    result = run("--help")
    assert result.returncode == 0
    assert "call" in result.stdout and "assays" in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys, genoassoc.cli; print(sorted(m for m in ('pandas', 'numpy', 'scipy', "
         "'statsmodels', 'matplotlib', 'dask', 'Bio') if m in sys.modules))"],
        capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == "[]"


def test_every_command_is_found_lazily_and_only_its_group_is_imported():
    from genoassoc.cli import COMMAND_MODULES, load_commands

    assert set(load_commands().commands) == set(COMMAND_MODULES)
    assert sorted(COMMAND_MODULES) == main.list_commands(None)
    for name, module in COMMAND_MODULES.items():
        assert main.commands[name].callback.__module__ == f"genoassoc.cli.{module}", name
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys; from genoassoc.cli import main\n"
         "try:\n    main(['call', '--help'])\nexcept SystemExit:\n    pass\n"
         "print(sorted(m for m in sys.modules if m.startswith('genoassoc.cli.')), file=sys.stderr)"],
        capture_output=True, text=True, check=True,
    )
    assert probe.stderr.strip() == "['genoassoc.cli.calling', 'genoassoc.cli.common', 'genoassoc.cli.options']"


def test_call_on_the_example_gel_with_the_built_in_assays(tmp_path):
    """The README's main command: no assay file; sizes learned from the gels; every sample in the
    output; no call differs from the simulated truth; the planted problems are no-calls with reasons."""
    import importlib.util

    out = tmp_path / "calls.tsv"
    result = run("call", "--rflp", EXAMPLE_GEL, "-o", out)
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    header = lines[0].split("\t")
    assert header[:6] == ["sample", "locus", "genotype", "status", "reason", "source"]
    rows = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]
    assert len(rows) == 60  # 30 samples x 2 loci, nobody dropped
    by_key = {(row["sample"], row["locus"]): row for row in rows}
    spec = importlib.util.spec_from_file_location("make_gel_sizes", TRUTH / "make_gel_sizes.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    truth = maker.patient_genotypes()
    for number, genotype in enumerate(truth, start=1):
        row = by_key[(f"P{number:02d}", "rs1800796")]
        assert row["genotype"] in ("", genotype), (number, row)
        assert by_key[(f"P{number:02d}", "rs1800795")]["genotype"] == "G/G"
    assert by_key[("P19", "rs1800796")]["reason"] == "no bands (PCR failure)"
    assert by_key[("P11", "rs1800796")]["reason"].startswith("partial digestion suspected")
    assert by_key[("P16", "rs1800796")]["reason"].startswith("discordant replicates")
    assert by_key[("P27", "rs1800796")]["reason"] == "unexplained band 212 bp"
    assert by_key[("P03", "rs1800796")]["lanes"] == "2"
    assert by_key[("P05", "rs1800796")]["genotype"] == "C/C"  # 24 bp primer-dimer below the floor
    assert by_key[("P01", "rs1800796")]["fragments_bp"] == "G: 168+124; C: 292 (learned from gel1)"
    assert "without a digestion control" in by_key[("P01", "rs1800795")]["note"]
    assert "rs1800796: 26 of 30 samples called" in result.stderr
    assert "IL6-572-BsrBI (gel2, 14 lanes): C: 279 bp; G: 160+120 bp" in result.stderr


def test_json_output():
    result = runner().invoke(main, ["call", "--rflp", str(EXAMPLE_GEL), "--format", "json"])
    assert result.exit_code == 0
    assert '"genotype": "G/C"' in result.stdout


def test_assays_list_and_show():
    cli = runner()
    listing = cli.invoke(main, ["assays", "list"])
    assert listing.exit_code == 0
    assert "IL6-572-BsrBI\trs1800796\tBsrBI\tG,C\tlearned from the gel (site on G)" in listing.stdout
    shown = cli.invoke(main, ["assays", "show", "IL6-174-NlaIII"])
    assert shown.exit_code == 0
    assert "site on    C (the G allele is not cut at the SNP)" in shown.stdout
    assert "Olomolaiye" in shown.stdout


def test_assays_learn_writes_reusable_assays(tmp_path):
    toml = tmp_path / "learned.toml"
    result = run("assays", "learn", EXAMPLE_GEL, "--toml", toml, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {(row["assay"], row["gel"], row["status"]) for row in rows} >= {
        ("IL6-572-BsrBI", "gel1", "learned"), ("IL6-174-NlaIII", "gel3", "one pattern")}
    reused = run("assays", "show", "IL6-572-BsrBI", "--assays", toml)
    assert "allele G" in reused.stdout and "167 + 122 bp" in reused.stdout


GEL_HEADER = "sample\tassay\tbands\n"


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("gel.tsv", "sample\tbands\nS1\t240,60\n", "row 1: missing column 'assay'"),
        ("gel.tsv", GEL_HEADER + "S1\tIL6-174-NlaIII\t240,6O\n", "row 2, column 'bands': '6O' is not a band size"),
        ("gel.tsv", GEL_HEADER + "S1\tIL6-999\t240\n", "row 2: unknown assay 'IL6-999'"),
        ("gel.tsv", "", "gel.tsv: the file is empty"),
        ("gel.tsv", "sample\tassay\tsample\tbands\nS1\tx\tS1\t1\n", "duplicate column 'sample'"),
        ("gel.tsv", "sample,assay,bands\nS1,IL6-174-NlaIII,240\n", "the header is comma-separated"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, name, text, message):
    gel = tmp_path / name
    gel.write_text(text)
    out = tmp_path / "calls.tsv"
    result = run("call", "--rflp", gel, "-o", out)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("genoassoc: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == [name]


def test_bad_assay_file_and_missing_evidence(tmp_path):
    assays = tmp_path / "a.toml"
    assays.write_text('[[assay]]\nid = "x"\nlocus = "rs1800795"\nenzyme = "NotAnEnzyme"\n'
                      "[assay.fragments]\nG = [1]\nC = [2]\n")
    result = run("call", "--rflp", EXAMPLE_GEL, "--assays", assays)
    assert result.returncode == 2
    assert "unknown enzyme 'NotAnEnzyme'" in result.stderr
    assert run("call").returncode == 2
