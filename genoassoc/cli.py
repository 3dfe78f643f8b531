"""The `genoassoc` command line: parse options, call the API, write the result.

Bad input ends with one line on stderr and exit code 2. Heavy libraries are imported inside the
commands that need them so that `genoassoc --help` stays fast.
"""

from __future__ import annotations

import click

from genoassoc import __version__
from genoassoc.errors import InputError


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as err:
            click.echo(f"genoassoc: error: {err}", err=True)
            ctx.exit(2)


def _output_options(command):
    command = click.option(
        "--format", "fmt", type=click.Choice(["tsv", "json"]), default="tsv", show_default=True,
        help="Table format; JSON keeps numbers at full precision.",
    )(command)
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False), default=None,
        help="Write to this file (written only when the command succeeds) instead of stdout.",
    )(command)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genoassoc")
def main() -> None:
    """Genotype calling, QC and association for pharmacogenetic and biomarker studies."""


@main.command("call")
@click.option("--rflp", "gel", type=click.Path(dir_okay=False), help="Gel band table (TSV/CSV/XLSX).")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@click.option("--tolerance", default="5bp,5%", show_default=True,
              help="Band sizing tolerance: the larger of an absolute (bp) and a relative (%) window.")
@click.option("--min-band", type=float, default=30.0, show_default=True,
              help="Detection floor in bp: smaller bands are ignored and not expected.")
@click.option("--het-min-ratio", type=float, default=0.5, show_default=True,
              help="With band intensities: least molar ratio of the two alleles' bands to call a "
                   "heterozygote that a partial digest could mimic.")
@_output_options
def call_command(gel, assays_file, tolerance, min_band, het_min_ratio, output, fmt) -> None:
    """Call genotypes from PCR-RFLP gel bands (--rflp), one row per sample x locus."""
    if gel is None:
        raise click.UsageError("give the evidence to call from: --rflp FILE")
    from genoassoc.calling.rflp import Tolerance, call_rflp
    from genoassoc.io.calls import write_calls

    calls = call_rflp(gel, assays_file, Tolerance.parse(tolerance), min_band, het_min_ratio)
    write_calls(calls, output, fmt)
    for locus, rows in calls.groupby("locus", sort=False):
        called = int((rows["status"] == "called").sum())
        click.echo(f"{locus}: {called} of {len(rows)} samples called", err=True)


@main.group("assays", cls=_Group)
def assays_group() -> None:
    """List the PCR-RFLP assays or show one with its expected band patterns."""


@assays_group.command("list")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@_output_options
def assays_list(assays_file, output, fmt) -> None:
    """One row per assay: id, locus, enzyme, fragments per allele, source."""
    import pandas as pd

    from genoassoc.assays import load_assays
    from genoassoc.io.tables import write_table

    rows = [
        {
            "assay": assay.id,
            "locus": assay.locus,
            "enzyme": assay.enzyme,
            "alleles": ",".join(assay.alleles),
            "fragments_bp": "; ".join(
                f"{allele}: {'+'.join(map(str, sizes))}"
                for allele, sizes in zip(assay.alleles, assay.fragments, strict=True)
            ),
            "source": assay.source,
            "from": assay.origin,
        }
        for assay in load_assays(assays_file)
    ]
    columns = ["assay", "locus", "enzyme", "alleles", "fragments_bp", "source", "from"]
    write_table(pd.DataFrame(rows, columns=columns), output, fmt)
    if not rows:
        click.echo("no assays: add yours with --assays FILE", err=True)


@assays_group.command("show")
@click.argument("assay_id")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@click.option("--min-band", type=float, default=30.0, show_default=True,
              help="Detection floor in bp for the expected patterns.")
def assays_show(assay_id, assays_file, min_band) -> None:
    """An assay's fragments, digestion control and the expected bands of each genotype."""
    from genoassoc.assays import describe, load_assays

    assay = load_assays(assays_file).get(assay_id)
    width = max(len(field) for field, _ in describe(assay, min_band))
    for field, value in describe(assay, min_band):
        click.echo(f"{field:<{width}}  {value}")


if __name__ == "__main__":
    main()
