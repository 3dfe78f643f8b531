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


def _write_outputs(tables: list[tuple[object, str | None]], fmt: str) -> None:
    """Format every table first, then write: one failure leaves no partial set of files."""
    from genoassoc.io.tables import format_table, write_text

    texts = [(format_table(table, fmt), output) for table, output in tables]
    for text, output in texts:
        write_text(text, output)


def _split_names(values: tuple[str, ...]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _load_calls(calls_file: str, panel: str | None):
    from genoassoc.io.calls import read_calls
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    return read_calls(calls_file, catalog), catalog


_panel_option = click.option("--panel", type=click.Path(dir_okay=False),
                             help="Panel of extra loci (locus, chrom, pos, alleles[, build]).")


@main.command("hwe")
@click.argument("calls_file", type=click.Path(dir_okay=False))
@click.option("--locus", "loci", multiple=True, help="Locus (rsID or alias); repeat or comma-separate.")
@click.option("--by", "by_column", help="Phenotype column to stratify by (cases/controls, cohort).")
@click.option("--pheno", type=click.Path(dir_okay=False), help="Phenotype table holding the --by column.")
@click.option("--sample-col", default="sample", show_default=True, help="Sample id column of --pheno.")
@_panel_option
@_output_options
def hwe_command(calls_file, loci, by_column, pheno, sample_col, panel, output, fmt) -> None:
    """Hardy-Weinberg per locus: counts, allele frequency (95% CI), exact p and mid-p (as PLINK
    --hardy), chi-square with and without continuity correction."""
    from genoassoc.qc.hwe import hwe

    if (by_column is None) != (pheno is None):
        raise click.UsageError("--by and --pheno go together")
    calls, catalog = _load_calls(calls_file, panel)
    by = None
    if by_column:
        from genoassoc.io.phenotypes import read_phenotypes

        phenotypes = read_phenotypes(pheno, sample_col)
        if by_column not in phenotypes.columns:
            raise InputError(f"no column '{by_column}' (columns: {', '.join(phenotypes.columns[:-1])})", pheno)
        by = phenotypes[by_column].replace("", None).dropna()
        unmatched = set(calls["sample"]) - set(by.index)
        if unmatched:
            click.echo(f"{len(unmatched)} samples have no '{by_column}' and are left out of the strata", err=True)
    _write_outputs([(hwe(calls, catalog, _split_names(loci), by), output)], fmt)


@main.command("qc")
@click.argument("calls_file", type=click.Path(dir_okay=False))
@click.option("--population", type=click.Choice(["EAS", "EUR", "AFR", "AMR", "SAS"]),
              help="Compare allele frequencies with this reference super-population.")
@click.option("--population-file", type=click.Path(dir_okay=False),
              help="Reference frequencies (locus, population, allele, frequency[, allele_number, source]).")
@click.option("--min-locus-call-rate", type=float, default=0.95, show_default=True)
@click.option("--min-sample-call-rate", type=float, default=0.90, show_default=True)
@click.option("--samples-output", type=click.Path(dir_okay=False), help="Per-sample call rates to this file.")
@click.option("--ld-output", type=click.Path(dir_okay=False), help="Pairwise D, D', r2 to this file.")
@click.option("--haplotypes-output", type=click.Path(dir_okay=False),
              help="EM haplotype frequencies to this file (and each sample's most likely pair to "
                   "--haplotype-pairs-output).")
@click.option("--haplotype-pairs-output", type=click.Path(dir_okay=False))
@_panel_option
@_output_options
def qc_command(calls_file, population, population_file, min_locus_call_rate, min_sample_call_rate,
               samples_output, ld_output, haplotypes_output, haplotype_pairs_output, panel, output, fmt) -> None:
    """Call rates per locus and sample, allele frequencies against a population reference (with a
    strand-flip warning for G/C and A/T loci), monomorphic loci, LD and haplotypes."""
    from genoassoc.qc.frequencies import qc, read_population_frequencies

    calls, catalog = _load_calls(calls_file, panel)
    reference = read_population_frequencies(population_file) if population_file else None
    loci, samples = qc(calls, catalog, population, reference, min_locus_call_rate, min_sample_call_rate)
    tables = [(loci, output)]
    if samples_output:
        tables.append((samples, samples_output))
    if ld_output or haplotypes_output or haplotype_pairs_output:
        from genoassoc.genotypes import genotype_matrix
        from genoassoc.qc.ld import estimate_haplotypes, pairwise_ld

        matrix = genotype_matrix(calls, catalog)
        if ld_output:
            tables.append((pairwise_ld(matrix), ld_output))
        if haplotypes_output or haplotype_pairs_output:
            fit = estimate_haplotypes(matrix)
            if haplotypes_output:
                tables.append((fit.haplotypes, haplotypes_output))
            if haplotype_pairs_output:
                tables.append((fit.samples, haplotype_pairs_output))
            click.echo(f"haplotypes: {fit.n_samples} samples called at every locus, {fit.n_excluded} left out",
                       err=True)
    _write_outputs(tables, fmt)
    for _, row in loci.iterrows():
        if row["low_call_rate"]:
            click.echo(f"{row['locus']}: call rate {row['call_rate']:.3f} below {min_locus_call_rate}", err=True)
        if row["monomorphic"]:
            click.echo(f"{row['locus']}: monomorphic in these samples", err=True)
        if row.get("strand_warning"):
            click.echo(f"{row['locus']}: {row['strand_warning']}", err=True)
    low = samples[samples["low_call_rate"]]
    if len(low):
        click.echo(f"{len(low)} samples below call rate {min_sample_call_rate}: {', '.join(low['sample'])}", err=True)


@main.command("concordance")
@click.argument("first_file", type=click.Path(dir_okay=False))
@click.argument("second_file", type=click.Path(dir_okay=False))
@click.option("--discordant-output", type=click.Path(dir_okay=False),
              help="Discordant sample x locus pairs to this file.")
@_panel_option
@_output_options
def concordance_command(first_file, second_file, discordant_output, panel, output, fmt) -> None:
    """Agreement of two call sets per locus and overall (concordance, Cohen's kappa); no-calls and
    samples in one set only are counted apart."""
    from genoassoc.qc.concordance import concordance

    first, _ = _load_calls(first_file, panel)
    second, _ = _load_calls(second_file, panel)
    summary, discordant = concordance(first, second)
    tables = [(summary, output)] + ([(discordant, discordant_output)] if discordant_output else [])
    _write_outputs(tables, fmt)
    overall = summary.iloc[-1]
    click.echo(f"{overall['n_agree']} of {overall['n_both_called']} pairs agree; "
               f"{overall['n_discordant']} discordant", err=True)


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
