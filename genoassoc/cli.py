"""The `genoassoc` command line: parse options, call the API, write the result.

Bad input ends with one line on stderr and exit code 2. Heavy libraries are imported inside the
commands that need them so that `genoassoc --help` stays fast.
"""

from __future__ import annotations

import sys

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


_panel_option = click.option("--panel", type=click.Path(dir_okay=False),
                             help="Panel of extra loci (locus, chrom, pos, alleles[, build]).")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genoassoc")
def main() -> None:
    """Genotype calling, QC and association for pharmacogenetic and biomarker studies."""


@main.command("call")
@click.option("--rflp", "gel", type=click.Path(dir_okay=False), help="Gel band table (TSV/CSV/XLSX).")
@click.option("--vcf", "vcf_file", type=click.Path(dir_okay=False), help="VCF or BCF (bgzipped+indexed or plain).")
@click.option("--bam", "bam_files", multiple=True, type=click.Path(dir_okay=False), help="BAM/CRAM file; repeat.")
@click.option("--bam-list", type=click.Path(dir_okay=False), help="File listing BAM/CRAM paths, one per line.")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins (--rflp).")
@click.option("--tolerance", default="5bp,5%", show_default=True,
              help="Band sizing tolerance: the larger of an absolute (bp) and a relative (%) window.")
@click.option("--min-band", type=float, default=30.0, show_default=True,
              help="Detection floor in bp: smaller bands are ignored and not expected.")
@click.option("--het-min-ratio", type=float, default=0.5, show_default=True,
              help="With band intensities: least molar ratio of the two alleles' bands to call a "
                   "heterozygote that a partial digest could mimic.")
@click.option("--loci", "loci_names", help="Loci to call (rsIDs or aliases, comma-separated; default: all).")
@_panel_option
@click.option("--build", type=click.Choice(["auto", "GRCh37", "GRCh38"]), default="auto", show_default=True)
@click.option("--samples", "sample_names", help="Samples to keep from the VCF (comma-separated).")
@click.option("--reference", type=click.Path(dir_okay=False),
              help="Reference FASTA (CRAM decoding; REF bases for --output-vcf).")
@click.option("--min-depth", type=int, default=8, show_default=True, help="BAM: least usable bases to call.")
@click.option("--min-gq", type=int, default=20, show_default=True, help="BAM: least genotype quality to call.")
@click.option("--min-bq", type=int, default=13, show_default=True, help="BAM: base-quality floor.")
@click.option("--min-mq", type=int, default=20, show_default=True, help="BAM: mapping-quality floor.")
@click.option("--workers", type=int, default=None, help="BAM: local worker processes (default: the cores).")
@click.option("--scheduler", help="BAM: address of a Dask distributed scheduler to run the batch on.")
@click.option("--output-vcf", type=click.Path(dir_okay=False), help="Also write the calls as VCF (.vcf or .vcf.gz).")
@_output_options
def call_command(gel, vcf_file, bam_files, bam_list, assays_file, tolerance, min_band, het_min_ratio, loci_names,
                 panel, build, sample_names, reference, min_depth, min_gq, min_bq, min_mq, workers, scheduler,
                 output_vcf, output, fmt) -> None:
    """Call genotypes from PCR-RFLP gel bands (--rflp), a VCF (--vcf) or alignments (--bam,
    --bam-list): one row per sample x locus, every sample in the output."""
    sources = [name for name, given in (("--rflp", gel), ("--vcf", vcf_file), ("--bam", bam_files or bam_list))
               if given]
    if len(sources) != 1:
        raise click.UsageError("give the evidence to call from: one of --rflp FILE, --vcf FILE, --bam FILE/--bam-list")
    import os

    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    loci = [catalog.resolve(name) for name in _split_names((loci_names,))] if loci_names else list(catalog)
    used_build = build
    if gel:
        from genoassoc.calling.rflp import Tolerance, call_rflp

        calls = call_rflp(gel, assays_file, Tolerance.parse(tolerance), min_band, het_min_ratio)
    elif vcf_file:
        from genoassoc.calling.vcf import call_vcf

        calls = call_vcf(vcf_file, loci, build, _split_names((sample_names,)) or None)
        used_build = calls.attrs["build"]
        for locus_id, record in calls.attrs["vcf_records"].items():
            click.echo(f"{locus_id}: {record['chrom']}:{record['pos']} REF {record['ref']} ALT {record['alt']} "
                       f"({record['build']}, {record['file']})", err=True)
    else:
        from genoassoc.calling.bam import COLUMNS, BamOptions, call_bam_rows, calls_frame, read_bam_list

        paths = list(bam_files) + (read_bam_list(bam_list) if bam_list else [])
        options = BamOptions(min_depth, min_gq, min_bq, min_mq, build, reference)
        rows = call_bam_rows(paths, loci, options, workers=workers or os.cpu_count(), scheduler=scheduler,
                             progress=_progress("files"))
        used_build = next((row["build"] for row in rows if row.get("build")), build)
        if fmt == "tsv" and not output_vcf:
            # a plain TSV needs no DataFrame: batch calling runs without loading pandas
            from genoassoc.io.records import format_records, write_text

            write_text(format_records(COLUMNS, rows), output)
            counts: dict[str, tuple[int, int]] = {}
            for row in rows:
                done, total = counts.get(row["locus"], (0, 0))
                counts[row["locus"]] = (done + (row["status"] == "called"), total + 1)
            _summarise_calls(counts)
            return
        calls = calls_frame(rows)
    vcf_text = None
    if output_vcf:
        from genoassoc.calling.vcf_writer import format_vcf, write_vcf_text

        if used_build == "auto":
            raise click.UsageError("--output-vcf needs --build for calls that carry no build")
        vcf_text = format_vcf(calls, catalog, used_build, reference)
    from genoassoc.calls import write_calls

    write_calls(calls, output, fmt)
    if vcf_text is not None:
        write_vcf_text(vcf_text, output_vcf)
    called = calls["status"].eq("called").groupby(calls["locus"], sort=False).agg(["sum", "size"])
    _summarise_calls({locus: (int(done), int(total)) for locus, done, total in called.itertuples()})


def _summarise_calls(counts: dict[str, tuple[int, int]]) -> None:
    """Called and total samples per locus, on stderr."""
    for locus, (done, total) in counts.items():
        click.echo(f"{locus}: {done} of {total} samples called", err=True)


def _write_outputs(tables: list[tuple[object, str | None]], fmt: str) -> None:
    """Format every table first, then write: one failure leaves no partial set of files."""
    from genoassoc.io.tables import format_table, write_text

    texts = [(format_table(table, fmt), output) for table, output in tables]
    for text, output in texts:
        write_text(text, output)


def _split_names(values: tuple[str, ...]) -> list[str]:
    return [name.strip() for value in values if value for name in value.split(",") if name.strip()]


def _load_calls(calls_file: str, panel: str | None):
    from genoassoc.calls import read_calls
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    return read_calls(calls_file, catalog), catalog


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


def _split_assignments(text: str | None) -> dict[str, str]:
    pairs = {}
    for item in _split_names((text or "",)):
        name, sep, level = item.partition("=")
        if not sep:
            raise click.UsageError(f"--reference takes COLUMN=LEVEL, got '{item}'")
        pairs[name.strip()] = level.strip()
    return pairs


_pheno_options = [
    click.option("--pheno", required=True, type=click.Path(dir_okay=False),
                 help="Phenotype table, one row per sample."),
    click.option("--sample-col", default="sample", show_default=True, help="Sample id column of --pheno."),
]


def _with(options):
    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


@main.command("assoc")
@click.argument("calls_file", type=click.Path(dir_okay=False))
@_with(_pheno_options)
@click.option("--locus", required=True, help="Locus (rsID or alias such as -572G>C).")
@click.option("--model", default="codominant", show_default=True,
              type=click.Choice(["codominant", "dominant", "recessive", "overdominant", "additive", "all"]),
              help="Genetic model; 'all' runs every model and, for a binary outcome, the max-statistic.")
@click.option("--outcome", required=True, help="Outcome column (IL-6, C0, AUC, response...).")
@click.option("--effect-allele", help="Effect allele (default: the minor allele in the analysed samples).")
@click.option("--covariates", help="Comma-separated covariate columns (text columns become categories).")
@click.option("--reference", "references", help="Reference levels of categorical covariates: sex=M,egfr=del19.")
@click.option("--event", help="Event column (1 = event, 0 = censored): the outcome is then a survival time.")
@click.option("--ties", type=click.Choice(["efron", "breslow"]), default="efron", show_default=True,
              help="Tied event times in Cox models (R coxph default: efron).")
@click.option("--outcome-type", type=click.Choice(["continuous", "binary", "time-to-event"]),
              help="Force the outcome type.")
@click.option("--case-level", help="Level of a two-level text outcome counted as the event.")
@click.option("--log", "log_scale", is_flag=True, help="Regress the log outcome: effects as ratios of geometric means.")
@click.option("--exact", is_flag=True, help="Exact Mann-Whitney p (samples without ties).")
@click.option("--by", "by_column", help="Repeat per level of this column (cohort, arm); survival adds the "
                                        "genotype x level interaction test.")
@click.option("--firth/--no-firth", default=None,
              help="Firth's logistic regression only / never (default: added when a cell has < 5 samples).")
@_panel_option
@_output_options
def assoc_command(calls_file, pheno, sample_col, locus, model, outcome, effect_allele, covariates, references,
                  event, ties, outcome_type, case_level, log_scale, exact, by_column, firth, panel, output,
                  fmt) -> None:
    """Association of a locus with a continuous, binary or time-to-event outcome under a genetic
    model; every row states locus, model, effect allele, groups, n, estimate, CI, test and p."""
    from genoassoc.association import associate
    from genoassoc.io.phenotypes import read_phenotypes

    calls, catalog = _load_calls(calls_file, panel)
    phenotypes = read_phenotypes(pheno, sample_col)
    result = associate(
        calls, phenotypes, locus, outcome, model, catalog=catalog, effect_allele=effect_allele,
        covariates=_split_names((covariates or "",)), references=_split_assignments(references),
        outcome_type=outcome_type, case_level=case_level, log=log_scale, exact=exact, firth=firth,
        event=event, ties=ties, by=by_column,
    )
    _write_outputs([(result.table, output)], fmt)
    for message in result.messages:
        click.echo(message, err=True)


@main.command("cox")
@_with(_pheno_options)
@click.option("--time", "time_col", required=True, help="Survival time column (e.g. os_months).")
@click.option("--event", "event_col", required=True, help="Event column (1 = event, 0 = censored).")
@click.option("--vars", "variables", required=True, help="Candidate variables, comma-separated (columns or loci).")
@click.option("--adjust", help="Adjustment covariates of the multivariable model, comma-separated.")
@click.option("--dichotomize", help="Split numeric candidates at 'median' or at a value (high = above).")
@click.option("--reference", "references", help="Reference levels: sex=M,egfr=del19.")
@click.option("--ties", type=click.Choice(["efron", "breslow"]), default="efron", show_default=True)
@click.option("--calls", "calls_file", type=click.Path(dir_okay=False),
              help="Calls table: loci named in --vars enter under --model.")
@click.option("--model", default="dominant", show_default=True,
              type=click.Choice(["dominant", "recessive", "overdominant", "additive", "codominant"]))
@_panel_option
@_output_options
def cox_command(pheno, sample_col, time_col, event_col, variables, adjust, dichotomize, references, ties, calls_file,
                model, panel, output, fmt) -> None:
    """Table 2: each variable alone in a Cox model, then all together (hazard ratios, 95% CI, p)."""
    from genoassoc.cox_table import cox_table
    from genoassoc.io.phenotypes import read_phenotypes
    from genoassoc.loci import load_catalog

    phenotypes = read_phenotypes(pheno, sample_col)
    calls, catalog = _load_calls(calls_file, panel) if calls_file else (None, load_catalog(panel))
    cut = None
    if dichotomize:
        try:
            cut = "median" if dichotomize == "median" else float(dichotomize)
        except ValueError:
            raise click.UsageError("--dichotomize takes 'median' or a number") from None
    table, messages = cox_table(phenotypes, time_col, event_col, _split_names((variables,)),
                                _split_names((adjust or "",)), cut, _split_assignments(references), ties,
                                calls, catalog, model)
    _write_outputs([(table, output)], fmt)
    for message in messages:
        click.echo(message, err=True)


@main.command("cutpoint")
@_with(_pheno_options)
@click.option("--marker", required=True, help="Continuous biomarker column (e.g. il6).")
@click.option("--time", "time_col", help="Survival time column.")
@click.option("--event", "event_col", help="Event column (1 = event, 0 = censored).")
@click.option("--response", help="Binary response column (instead of --time/--event).")
@click.option("--min-prop", type=float, default=0.1, show_default=True,
              help="Least fraction of patients in either group at a candidate cut.")
@click.option("--permutations", type=int, default=0, show_default=True,
              help="Permutations for a permutation p of the optimal cut (e.g. 10000).")
@click.option("--validate", "validation_file", type=click.Path(dir_okay=False),
              help="Validation cohort: the discovery cuts are applied unchanged.")
@click.option("--ties", type=click.Choice(["efron", "breslow"]), default="efron", show_default=True)
@click.option("--cuts-output", type=click.Path(dir_okay=False),
              help="Every candidate cut with its statistic and hazard ratio, for the HR-by-cut plot.")
@_output_options
def cutpoint_command(pheno, sample_col, marker, time_col, event_col, response, min_prop, permutations,
                     validation_file, ties, cuts_output, output, fmt) -> None:
    """Median split and optimal cut-point of a biomarker (maximally selected log-rank statistic as R
    maxstat, or ROC/Youden for a response), applied unchanged to a validation cohort."""
    from genoassoc.biomarker import response_cutpoint, survival_cutpoint
    from genoassoc.io.phenotypes import read_phenotypes

    if response is None and (time_col is None or event_col is None):
        raise click.UsageError("give --time and --event, or --response")
    if not 0 < min_prop < 0.5:
        raise click.UsageError("--min-prop must be between 0 and 0.5")
    discovery = read_phenotypes(pheno, sample_col)
    validation = read_phenotypes(validation_file, sample_col) if validation_file else None
    if response is not None:
        summary, messages = response_cutpoint(discovery, marker, response, validation=validation)
        tables = [(summary, output)]
    else:
        summary, cuts, messages = survival_cutpoint(discovery, marker, time_col, event_col, validation=validation,
                                                    min_prop=min_prop, permutations=permutations, ties=ties,
                                                    progress=_progress("permutations"))
        tables = [(summary, output)] + ([(cuts, cuts_output)] if cuts_output else [])
    _write_outputs(tables, fmt)
    for message in messages:
        click.echo(message, err=True)


def _progress(label: str):
    """A progress callback writing to stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


@main.command("corr")
@_with(_pheno_options)
@click.option("--x", "x_column", required=True, help="First variable (e.g. il6).")
@click.option("--y", "y_column", required=True, help="Second variable (e.g. c0).")
@click.option("--method", type=click.Choice(["spearman", "pearson", "kendall"]), default="spearman", show_default=True)
@_output_options
def corr_command(pheno, sample_col, x_column, y_column, method, output, fmt) -> None:
    """Correlation with its p (and CI for Pearson) as R's cor.test."""
    import pandas as pd

    from genoassoc.io.phenotypes import numeric_phenotype, read_phenotypes
    from genoassoc.stats.correlation import correlate

    phenotypes = read_phenotypes(pheno, sample_col)
    x, y = numeric_phenotype(phenotypes, x_column), numeric_phenotype(phenotypes, y_column)
    complete = x.notna() & y.notna()
    result = correlate(x[complete], y[complete], method)
    row = {"x": x_column, "y": y_column, **result.__dict__}
    _write_outputs([(pd.DataFrame([row]), output)], fmt)
    if (~complete).any():
        click.echo(f"{int((~complete).sum())} samples missing {x_column} or {y_column} left out", err=True)


@main.command("paired")
@_with(_pheno_options)
@click.option("--before", required=True, help="Column measured before treatment (e.g. il6_pre).")
@click.option("--after", required=True, help="Column measured after treatment (e.g. il6_post).")
@click.option("--exact", is_flag=True, help="Exact p (no ties or zero differences).")
@_output_options
def paired_command(pheno, sample_col, before, after, exact, output, fmt) -> None:
    """Paired change of a biomarker: Wilcoxon signed-rank test as R's wilcox.test(paired = TRUE)."""
    import pandas as pd

    from genoassoc.io.phenotypes import numeric_phenotype, read_phenotypes
    from genoassoc.stats.continuous import paired_change

    phenotypes = read_phenotypes(pheno, sample_col)
    first, second = numeric_phenotype(phenotypes, before), numeric_phenotype(phenotypes, after)
    complete = first.notna() & second.notna()
    row = {"before": before, "after": after, **paired_change(first[complete], second[complete], exact=exact)}
    _write_outputs([(pd.DataFrame([row]), output)], fmt)


@main.command("pk")
@click.argument("samples_file", type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(["linear", "linear-up/log-down"]), default="linear", show_default=True,
              help="Trapezoidal rule for AUC.")
@click.option("--blq-before", type=click.Choice(["zero", "missing"]), default="zero", show_default=True,
              help="BLQ values before the first measurable concentration.")
@click.option("--blq-after", type=click.Choice(["missing", "zero"]), default="missing", show_default=True,
              help="BLQ values after the first measurable concentration.")
@click.option("--lloq", type=float, help="Lower limit of quantification: smaller concentrations are BLQ.")
@click.option("--tau", type=float, default=24.0, show_default=True, help="End of the partial AUC (h).")
@_output_options
def pk_command(samples_file, method, blq_before, blq_after, lloq, tau, output, fmt) -> None:
    """Non-compartmental PK per sample: C0, Cmax, Tmax, AUC0-t, AUC0-24, lambda_z, t1/2."""
    from genoassoc.io.pk_samples import read_pk_samples
    from genoassoc.stats.pk import nca

    samples = read_pk_samples(samples_file, lloq)
    table = nca(samples, method=method, blq_before=blq_before, blq_after=blq_after, tau=tau)
    _write_outputs([(table, output)], fmt)
    click.echo(f"{len(table)} profiles; BLQ before the first measurable value: {blq_before}, after: {blq_after}; "
               f"AUC by the {method} trapezoidal rule", err=True)


@main.command("table1")
@_with(_pheno_options)
@click.option("--by", "by_column", required=True, help="Grouping column (genotype group, arm, cohort).")
@click.option("--vars", "variables", help="Variables to describe, comma-separated (default: every column).")
@click.option("--normal", type=click.Choice(["auto", "normal", "nonnormal"]), default="auto", show_default=True,
              help="Summaries of numeric variables: by Shapiro-Wilk per group, or forced.")
@click.option("--format", "fmt", type=click.Choice(["tsv", "json", "markdown"]), default="tsv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def table1_command(pheno, sample_col, by_column, variables, normal, fmt, output) -> None:
    """Table 1: n (%), median (IQR) or mean +/- SD per group, the fitting test and missing counts."""
    from genoassoc.io.phenotypes import read_phenotypes
    from genoassoc.io.tables import format_table, write_text
    from genoassoc.report.table1 import table1, to_markdown

    table = table1(read_phenotypes(pheno, sample_col), by_column, _split_names((variables,)) or None, normal)
    write_text(to_markdown(table) if fmt == "markdown" else format_table(table, fmt), output)


@main.command("report")
@click.argument("study_file", required=False, type=click.Path(dir_okay=False))
@click.option("--title", help="Report title.")
@click.option("--calls", "calls_file", type=click.Path(dir_okay=False), help="Calls table.")
@click.option("--gel", type=click.Path(dir_okay=False), help="Gel band table (called with --assays).")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False))
@click.option("--pheno", type=click.Path(dir_okay=False), help="Phenotype table.")
@click.option("--pk", type=click.Path(dir_okay=False), help="PK samples (C0, AUC0-24 joined as phenotypes).")
@click.option("--locus")
@click.option("--model", type=click.Choice(["codominant", "dominant", "recessive", "overdominant", "additive"]))
@click.option("--outcomes", help="Outcome columns, comma-separated.")
@click.option("--time", "time_col", help="Survival time column.")
@click.option("--event", "event_col", help="Survival event column.")
@click.option("--covariates", help="Adjustment covariates, comma-separated.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
def report_command(study_file, title, calls_file, gel, assays_file, pheno, pk, locus, model, outcomes, time_col,
                   event_col, covariates, output) -> None:
    """One self-contained HTML report (QC, Table 1, association, survival, cut-points, versions) from a
    TOML study file and/or options; options override the file."""
    from genoassoc.io.tables import write_text
    from genoassoc.report.html import Study, build_report, load_study

    study = load_study(study_file) if study_file else Study()
    overrides = {"title": title, "calls": calls_file, "gel": gel, "assays": assays_file, "pheno": pheno, "pk": pk,
                 "locus": locus, "model": model}
    for name, value in overrides.items():
        if value:
            setattr(study, name, value)
    if outcomes:
        study.outcomes = _split_names((outcomes,))
    if covariates:
        study.covariates = _split_names((covariates,))
    if time_col and event_col:
        study.survival = [[time_col, event_col]]
    if not (study.calls or study.gel or study.pheno or study.cutpoint_pheno):
        raise click.UsageError("give a study file or at least --calls/--gel and --pheno")
    write_text(build_report(study), output)
    click.echo(f"report written to {output}", err=True)


@main.group("plot", cls=_Group)
def plot_group() -> None:
    """Publication figures (PNG or SVG by the -o extension)."""


def _figure_output(command):
    return click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
                        help="Figure file (.png or .svg).")(command)


def _save(figure, output) -> None:
    from genoassoc.report.figures import save

    if not str(output).lower().endswith((".png", ".svg")):
        raise click.UsageError("-o must end in .png or .svg")
    save(figure, output)


@plot_group.command("km")
@_with(_pheno_options)
@click.option("--time", "time_col", required=True)
@click.option("--event", "event_col", required=True)
@click.option("--by", "by_column", required=True, help="Grouping column.")
@click.option("--ci", is_flag=True, help="Draw 95% confidence bands.")
@click.option("--xlabel", default="Months", show_default=True)
@_figure_output
def plot_km(pheno, sample_col, time_col, event_col, by_column, ci, xlabel, output) -> None:
    """Kaplan-Meier curves with censoring marks, numbers at risk and the log-rank p."""
    from genoassoc.io.phenotypes import MISSING_VALUES, numeric_phenotype, read_phenotypes
    from genoassoc.report.figures import kaplan_meier_plot
    from genoassoc.stats.survival import validate

    phenotypes = read_phenotypes(pheno, sample_col)
    times, events = numeric_phenotype(phenotypes, time_col), numeric_phenotype(phenotypes, event_col)
    groups = phenotypes[by_column] if by_column in phenotypes else None
    if groups is None:
        raise InputError(f"no column '{by_column}'", pheno)
    keep = times.notna() & events.notna() & ~groups.isin(MISSING_VALUES)
    validate(times[keep], events[keep], phenotypes["_row"][keep], pheno, time_col, event_col)
    labels = sorted(groups[keep].unique(), key=str)
    _save(kaplan_meier_plot(times[keep], events[keep], groups[keep], labels, xlabel=xlabel, ci=ci), output)


@plot_group.command("box")
@_with(_pheno_options)
@click.option("--outcome", required=True)
@click.option("--by", "by_column", required=True)
@click.option("--log", "log_scale", is_flag=True, help="Log axis.")
@_figure_output
def plot_box(pheno, sample_col, outcome, by_column, log_scale, output) -> None:
    """Box and strip plot of a continuous outcome by group with the rank-test p."""
    from genoassoc.io.phenotypes import MISSING_VALUES, numeric_phenotype, read_phenotypes
    from genoassoc.report.figures import box_plot
    from genoassoc.stats.continuous import kruskal_wallis, mann_whitney

    phenotypes = read_phenotypes(pheno, sample_col)
    values = numeric_phenotype(phenotypes, outcome)
    if by_column not in phenotypes:
        raise InputError(f"no column '{by_column}'", pheno)
    groups = phenotypes[by_column]
    keep = values.notna() & ~groups.isin(MISSING_VALUES)
    labels = sorted(groups[keep].unique(), key=str)
    samples = [values[keep & (groups == label)] for label in labels]
    test = mann_whitney(*samples) if len(samples) == 2 else kruskal_wallis(samples)
    _save(box_plot(values[keep], groups[keep], labels, ylabel=outcome, p=test.p, test=test.test, log=log_scale),
          output)


@plot_group.command("scatter")
@_with(_pheno_options)
@click.option("--x", "x_column", required=True)
@click.option("--y", "y_column", required=True)
@_figure_output
def plot_scatter(pheno, sample_col, x_column, y_column, output) -> None:
    """Scatter of two variables with Spearman's r and p (as R cor.test)."""
    from genoassoc.io.phenotypes import numeric_phenotype, read_phenotypes
    from genoassoc.report.figures import scatter_plot
    from genoassoc.stats.correlation import correlate

    phenotypes = read_phenotypes(pheno, sample_col)
    x, y = numeric_phenotype(phenotypes, x_column), numeric_phenotype(phenotypes, y_column)
    keep = x.notna() & y.notna()
    result = correlate(x[keep], y[keep], "spearman")
    _save(scatter_plot(x[keep], y[keep], xlabel=x_column, ylabel=y_column, r=result.estimate, p=result.p), output)


@plot_group.command("forest")
@click.argument("cox_file", type=click.Path(dir_okay=False))
@click.option("--adjusted/--univariable", default=True, show_default=True)
@_figure_output
def plot_forest(cox_file, adjusted, output) -> None:
    """Forest plot of a `genoassoc cox` table."""
    from genoassoc.io.tables import numeric_column, read_table
    from genoassoc.report.figures import forest_plot

    table = read_table(cox_file, ["term", "hr", "ci_lo", "ci_hi", "p"])
    suffix = "_adjusted" if adjusted else ""
    columns = {name: numeric_column(table, name + suffix) for name in ("hr", "ci_lo", "ci_hi", "p")}
    frame = table.assign(**columns)
    _save(forest_plot(frame), output)


@plot_group.command("cutpoint")
@click.argument("cuts_file", type=click.Path(dir_okay=False))
@click.option("--marker", required=True)
@click.option("--cut", type=float, help="Chosen cut to mark.")
@_figure_output
def plot_cutpoint(cuts_file, marker, cut, output) -> None:
    """Hazard ratio and log-rank statistic across candidate cuts (`genoassoc cutpoint --cuts-output`)."""
    from genoassoc.io.tables import numeric_column, read_table
    from genoassoc.report.figures import cutpoint_plot

    table = read_table(cuts_file, ["cut", "statistic", "hazard_ratio", "ci_lo", "ci_hi"])
    frame = table.assign(**{name: numeric_column(table, name)
                            for name in ("cut", "statistic", "hazard_ratio", "ci_lo", "ci_hi")})
    _save(cutpoint_plot(frame, marker=marker, chosen=cut), output)


@plot_group.command("gel")
@click.argument("calls_file", type=click.Path(dir_okay=False))
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False))
@click.option("--locus", help="Only this locus.")
@_figure_output
def plot_gel(calls_file, assays_file, locus, output) -> None:
    """Virtual gel of RFLP calls: observed bands beside the expected pattern of each call."""
    from genoassoc.assays import load_assays
    from genoassoc.calls import read_calls
    from genoassoc.loci import load_catalog
    from genoassoc.report.figures import virtual_gel

    calls = read_calls(calls_file)
    if locus:
        calls = calls[calls["locus"] == load_catalog().resolve(locus).id]
    _save(virtual_gel(calls, load_assays(assays_file)), output)


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
