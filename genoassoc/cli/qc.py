"""Genotype QC commands: `hwe`, `qc` and `concordance`."""

from __future__ import annotations

import click

from genoassoc.cli import main
from genoassoc.cli import options as O  # noqa: N812
from genoassoc.cli.common import (
    TABLE_FORMATS,
    choose_calls,
    load_calls,
    notes,
    read_options,
    read_pheno,
    split,
    write_result,
    write_tables,
)


@main.command("hwe", aliases={"--loci": "--locus"})
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@O.calls
@click.option("--locus", "loci", multiple=True, help="Locus (rsID or alias); repeat or comma-separate.")
@click.option("--by", "by_column", help="Phenotype column to stratify by (cases/controls, cohort).")
@click.option("--pheno", type=click.Path(dir_okay=False), help="Phenotype table holding the --by column.")
@O.panel
@O.p_adjust
@O.output_options(TABLE_FORMATS)
def hwe_command(calls_file, calls_option, loci, by_column, pheno, panel, p_adjust, output, fmt) -> None:
    """Hardy-Weinberg per locus: counts, allele frequency (95% CI), exact p and mid-p (as PLINK
    --hardy), chi-square with and without continuity correction."""
    from genoassoc.analysis.genotype_qc import hwe

    if (by_column is None) != (pheno is None):
        raise click.UsageError("--by and --pheno go together")
    calls, catalog = load_calls(choose_calls(calls_file, calls_option), panel, ("genoassoc.qc.hwe",), True)
    phenotypes = read_pheno(pheno) if pheno else None
    result = hwe(calls, catalog, split(loci), phenotypes, by_column, p_adjust)
    from genoassoc.report.publication import hwe_publication

    write_result(result, output, fmt, lambda: hwe_publication(result))
    notes(result.notes)


@main.command("qc")
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@O.calls
@click.option("--population", help="Compare allele frequencies with this reference population (a published "
                                   "control group, e.g. han-chinese-jiangsu); 'list' shows those available.")
@click.option("--population-file", type=click.Path(dir_okay=False),
              help="Reference frequencies (locus, population, allele, frequency[, allele_number, studied, source]).")
@click.option("--min-locus-call-rate", type=float, default=0.95, show_default=True)
@click.option("--min-sample-call-rate", type=float, default=0.90, show_default=True)
@click.option("--samples-output", type=click.Path(dir_okay=False), help="Per-sample call rates to this file.")
@click.option("--ld-output", type=click.Path(dir_okay=False), help="Pairwise D, D', r2 to this file.")
@click.option("--haplotypes-output", type=click.Path(dir_okay=False),
              help="EM haplotype frequencies to this file (and each sample's most likely pair to "
                   "--haplotype-pairs-output).")
@click.option("--haplotype-pairs-output", type=click.Path(dir_okay=False))
@O.panel
@O.p_adjust
@O.output_options()
def qc_command(calls_file, calls_option, population, population_file, min_locus_call_rate, min_sample_call_rate,
               samples_output, ld_output, haplotypes_output, haplotype_pairs_output, panel, p_adjust, output,
               fmt) -> None:
    """Call rates per locus and sample, allele frequencies against a population reference (with a
    strand-flip warning for G/C and A/T loci), monomorphic loci, LD and haplotypes."""
    from genoassoc.analysis.genotype_qc import genotype_qc
    from genoassoc.qc.frequencies import populations, read_population_frequencies

    if population == "list":
        reference = read_population_frequencies(population_file, read_options())
        write_tables([(populations(reference), output)], fmt)
        return
    calls, catalog = load_calls(choose_calls(calls_file, calls_option), panel, ("genoassoc.qc.hwe",), True)
    reference = read_population_frequencies(population_file, read_options()) if population_file else None
    result = genotype_qc(calls, catalog, population, reference, min_locus_call_rate, min_sample_call_rate,
                         ld=bool(ld_output), haplotypes=bool(haplotypes_output or haplotype_pairs_output),
                         p_adjust=p_adjust)
    write_tables([(result.table, output), (result.samples if samples_output else None, samples_output),
                   (result.ld, ld_output), (result.haplotypes if haplotypes_output else None, haplotypes_output),
                   (result.haplotype_pairs if haplotype_pairs_output else None, haplotype_pairs_output)], fmt)
    notes(result.notes)


@main.command("concordance")
@click.argument("first_file", type=click.Path(dir_okay=False))
@click.argument("second_file", type=click.Path(dir_okay=False))
@click.option("--discordant-output", type=click.Path(dir_okay=False),
              help="Discordant sample x locus pairs to this file.")
@O.panel
@O.output_options()
def concordance_command(first_file, second_file, discordant_output, panel, output, fmt) -> None:
    """Agreement of two call sets per locus and overall (concordance, Cohen's kappa); no-calls and
    samples in one set only are counted apart."""
    from genoassoc.analysis.genotype_qc import concordance

    first, _ = load_calls(first_file, panel)
    second, _ = load_calls(second_file, panel)
    result = concordance(first, second)
    write_tables([(result.table, output), (result.discordant if discordant_output else None, discordant_output)],
                  fmt)
    notes(result.notes)


