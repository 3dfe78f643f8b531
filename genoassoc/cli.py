"""The `genoassoc` command line: parse options, call one analysis, write its result.

Bad input ends with one line on stderr and exit code 2, and no output file. Heavy libraries are
imported inside the commands that need them so that `genoassoc --help` stays fast. The same idea has
the same option everywhere: genotypes ``--calls --locus --model --effect-allele``, survival ``--time
--event [--start]``, adjustment ``--covariates``, reference levels ``--ref-level``, a FASTA
``--reference``; list options accept commas and repetition alike.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from genoassoc import __version__
from genoassoc.errors import InputError

MODEL_NAMES = ["codominant", "dominant", "recessive", "overdominant", "additive"]


def _fail(problem: str) -> None:
    click.echo(f"genoassoc: error: {problem}", err=True)
    sys.exit(2)


class Command(click.Command):
    """A genoassoc command: the table-reading options (``--encoding``, ``--sheet``,
    ``--decimal-comma``) on every command, old option spellings accepted with a note, a single-valued
    option given twice refused, and an output that would overwrite an input refused before anything
    is read."""

    def __init__(self, *args: Any, aliases: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases or {}
        self.params += [
            click.Option(["--encoding"], help="Text encoding of the input tables (default: detected; e.g. cp1252)."),
            click.Option(["--sheet"], help="Worksheet of .xlsx inputs: name or number (default: the first)."),
            click.Option(["--decimal-comma"], is_flag=True,
                         help="Numbers in the input tables are written with a decimal comma (12,5)."),
        ]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = [self._renamed(arg) for arg in args]
        self._refuse_repeats(args)
        return super().parse_args(ctx, args)

    def _renamed(self, arg: str) -> str:
        name, equals, value = arg.partition("=")
        if name in self.aliases:
            click.echo(f"genoassoc: note: {name} is now {self.aliases[name]}", err=True)
            return self.aliases[name] + equals + value
        return arg

    def _refuse_repeats(self, args: list[str]) -> None:
        words = args[: args.index("--")] if "--" in args else args
        for param in self.params:
            if not isinstance(param, click.Option) or param.multiple or param.count or param.is_flag:
                continue
            names = set(param.opts)
            given = [word for word in words if word.partition("=")[0] in names]
            if len(given) > 1:
                raise click.UsageError(f"{param.opts[-1]} is given {len(given)} times; give it once")

    def invoke(self, ctx: click.Context) -> Any:
        from genoassoc.io.records import ReadOptions, reading

        options = ReadOptions(ctx.params.pop("encoding"), ctx.params.pop("sheet"), ctx.params.pop("decimal_comma"))
        try:
            _refuse_overwriting_inputs(ctx)
            with reading(options):
                return super().invoke(ctx)
        except InputError as err:
            _fail(str(err))


def _paths(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | os.PathLike):
        return [str(value)]
    if isinstance(value, Iterable):
        return [str(item) for item in value if item]
    return []


def _refuse_overwriting_inputs(ctx: click.Context) -> None:
    outputs, inputs = {}, {}
    for param in ctx.command.params:
        if not isinstance(param.type, click.Path) or param.name is None:
            continue
        target = outputs if "output" in param.name or param.name in ("overlay",) else inputs
        label = param.opts[-1] if isinstance(param, click.Option) else param.human_readable_name
        for path in _paths(ctx.params.get(param.name)):
            if path != "-":
                target.setdefault(os.path.realpath(path), label)
    for path, option in outputs.items():
        if path in inputs:
            raise InputError(f"{option} {Path(path).name} would overwrite the input given as {inputs[path]}; "
                             "choose another output file")


class Group(click.Group):
    command_class = Command
    group_class = type


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genoassoc")
def main() -> None:
    """Genotype calling, QC and association for pharmacogenetic and biomarker studies."""


# ---------------------------------------------------------------------------------------------- options

def _options(*decorators: Callable) -> Callable:
    def decorate(command: Callable) -> Callable:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return decorate


def _output_options(formats: tuple[str, ...] = ("tsv", "json")) -> Callable:
    text = ("Table format: tsv/json (machine, full precision)" +
            (", or markdown/html/docx (a publication table; docx needs -o)." if "docx" in formats else "."))
    return _options(
        click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                     help="Write to this file (only when the command succeeds) instead of stdout."),
        click.option("--format", "fmt", type=click.Choice(formats), default="tsv", show_default=True, help=text),
    )


_panel_option = click.option("--panel", type=click.Path(dir_okay=False),
                             help="Panel of extra loci (locus, chrom, pos, alleles[, build]).")
_pheno_options = _options(
    click.option("--pheno", required=True, type=click.Path(dir_okay=False),
                 help="Phenotype table, one row per sample."),
    click.option("--sample-col", default="sample", show_default=True, help="Sample id column of --pheno."),
)
_coding_options = _options(
    click.option("--ref-level", "ref_levels", multiple=True,
                 help="Reference level of a categorical column: sex=M (repeat or comma-separate)."),
    click.option("--below-lloq", type=click.Choice(["half", "lloq", "missing"]),
                 help="Values written '<x' (below the limit of quantification): x/2, x, or missing."),
)
_covariates_option = click.option("--covariates", multiple=True,
                                  help="Adjustment covariates (comma-separate or repeat).")


def _genotype_options(locus_required: bool = False, model_default: str = "dominant",
                      models: list[str] = MODEL_NAMES) -> Callable:
    return _options(
        click.option("--calls", "calls_option", type=click.Path(dir_okay=False), help="Calls table."),
        click.option("--locus", required=locus_required, help="Locus (rsID or alias such as -572G>C)."),
        click.option("--model", default=model_default, show_default=True, type=click.Choice(models),
                     help="Genetic model."),
        click.option("--effect-allele", help="Effect allele (default: the minor allele in the analysed samples)."),
        _panel_option,
    )


_p_adjust_option = click.option(
    "--p-adjust", "p_adjust", type=click.Choice(["BH", "holm", "bonferroni"]), default="BH", show_default=True,
    help="Adjustment of p over the loci or models tested (R p.adjust), in the p_adj column.")
_tau_option = click.option("--tau", type=float,
                           help="Horizon of the restricted mean survival time, in the unit of --time (default: "
                                "the smallest group's last follow-up).")


def _split(values: Iterable[str | None]) -> list[str]:
    return [name.strip() for value in values if value for name in value.split(",") if name.strip()]


def _assignments(values: Iterable[str]) -> dict[str, str]:
    pairs = {}
    for item in _split(values):
        name, sep, level = item.partition("=")
        if not sep:
            raise click.UsageError(f"--ref-level takes COLUMN=LEVEL, got '{item}'")
        pairs[name.strip()] = level.strip()
    return pairs


def _coding(ref_levels: Iterable[str], below_lloq: str | None):
    from genoassoc.phenotypes import Coding

    return Coding(below_lloq=below_lloq, ref_levels=_assignments(ref_levels))


def _calls_file(positional: str | None, option: str | None, required: bool = True) -> str | None:
    if positional and option and positional != option:
        raise click.UsageError("give the calls table once, as the first argument or as --calls")
    chosen = positional or option
    if required and not chosen:
        raise click.UsageError("give the calls table (first argument or --calls)")
    return chosen


# what `associate` imports for its tests and models (scipy.stats alone takes half a second)
_ASSOCIATION_MODULES = {"outcome": ("genoassoc.analysis.association", "genoassoc.stats.continuous",
                                    "statsmodels.regression.linear_model", "genoassoc.stats.binary"),
                        "survival": ("genoassoc.analysis.association", "genoassoc.stats.survival")}


def _load_calls(calls_file: str, panel: str | None, preload: tuple[str, ...] = (), statistics_only: bool = False):
    """The calls table and catalog; the statistics modules in `preload` are imported meanwhile (a
    biobank's table is parsed by pyarrow outside the interpreter lock, so the two overlap)."""
    import threading

    from genoassoc.calls import read_calls
    from genoassoc.loci import load_catalog

    loading = [threading.Thread(target=importlib.import_module, args=(name,), daemon=True) for name in preload]
    for thread in loading:
        thread.start()
    catalog = load_catalog(panel)
    from genoassoc.calls import ANALYSIS_COLUMNS

    calls = read_calls(calls_file, catalog, ANALYSIS_COLUMNS if statistics_only else None)
    for thread in loading:
        thread.join()
    return calls, catalog


def _phenotypes(pheno: str, sample_col: str):
    from genoassoc.phenotypes import read_phenotypes

    return read_phenotypes(pheno, sample_col)


PUBLICATION_FORMATS = ("markdown", "html", "docx")
TABLE_FORMATS = ("tsv", "json", *PUBLICATION_FORMATS)


def _write_result(result: Any, output: str | None, fmt: str, publication: Callable[[], Any]) -> None:
    """The machine table (TSV/JSON) or the publication table (Markdown/HTML/Word) of a result."""
    if fmt not in PUBLICATION_FORMATS:
        _write_tables([(result.table, output)], fmt)
        return
    from genoassoc.io.records import write_bytes, write_text
    from genoassoc.report.publication import render

    if fmt == "docx" and output is None:
        raise click.UsageError("--format docx writes a Word file: give -o FILE.docx")
    rendered = render([publication()], fmt)
    if isinstance(rendered, bytes):
        write_bytes(rendered, output)
    else:
        write_text(rendered, output)


def _write_tables(tables: list[tuple[Any, str | None]], fmt: str) -> None:
    """Format every table first, then write: one failure leaves no partial set of files."""
    from genoassoc.io.tables import format_table, write_text

    texts = [(format_table(table, fmt), output) for table, output in tables if table is not None]
    for text, output in texts:
        write_text(text, output)


def _notes(notes: Iterable[str]) -> None:
    for note in notes:
        if note:
            click.echo(note, err=True)


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A progress callback writing to stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


# ------------------------------------------------------------------------------------------------ call

@main.command("call", aliases={"--loci": "--locus"})
@click.option("--rflp", "gel", type=click.Path(dir_okay=False), help="Gel band table (TSV/CSV/XLSX).")
@click.option("--gel-image", type=click.Path(dir_okay=False),
              help="Photo of the gel (PNG/TIFF/JPEG): bands read and sized, then called (with --layout, --ladder).")
@click.option("--layout", type=click.Path(dir_okay=False),
              help="Lane layout of the photo: lane, sample ('ladder' for ladders), assay or locus[, tier].")
@click.option("--ladder", "ladder_spec", help="Ladder of the photo: sizes in bp (comma-separated) or a name "
                                              "(genoassoc gel ladders).")
@click.option("--overlay", type=click.Path(dir_okay=False),
              help="Photo evidence: lanes, bands with sizes and calls drawn on the photo (.png/.svg/.pdf).")
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
@click.option("--locus", "loci_names", multiple=True,
              help="Loci to call (rsIDs or aliases; comma-separate or repeat; default: all).")
@_panel_option
@click.option("--build", type=click.Choice(["auto", "GRCh37", "GRCh38"]), default="auto", show_default=True)
@click.option("--samples", "sample_names", multiple=True, help="Samples to keep from the VCF (comma-separated).")
@click.option("--reference", type=click.Path(dir_okay=False),
              help="Reference FASTA (CRAM decoding; REF bases for --output-vcf).")
@click.option("--min-depth", type=int, default=4, show_default=True,
              help="BAM: least usable bases to call (GQ decides above it).")
@click.option("--min-gq", type=int, default=20, show_default=True, help="BAM: least genotype quality to call.")
@click.option("--min-bq", type=int, default=13, show_default=True, help="BAM: base-quality floor.")
@click.option("--min-mq", type=int, default=20, show_default=True, help="BAM: mapping-quality floor.")
@click.option("--workers", type=int, default=None, help="BAM: local worker processes (default: the cores).")
@click.option("--scheduler", help="BAM: address of a Dask distributed scheduler to run the batch on.")
@click.option("--output-vcf", type=click.Path(dir_okay=False), help="Also write the calls as VCF (.vcf or .vcf.gz).")
@_output_options()
def call_command(gel, gel_image, layout, ladder_spec, overlay, vcf_file, bam_files, bam_list, assays_file, tolerance,
                 min_band, het_min_ratio, loci_names, panel, build, sample_names, reference, min_depth, min_gq, min_bq,
                 min_mq, workers, scheduler, output_vcf, output, fmt) -> None:
    """Call genotypes from PCR-RFLP gel bands (--rflp), a gel photo (--gel-image), a VCF (--vcf) or
    alignments (--bam, --bam-list): one row per sample x locus, every sample in the output."""
    sources = [name for name, given in (("--rflp", gel), ("--gel-image", gel_image), ("--vcf", vcf_file),
                                        ("--bam", bam_files or bam_list)) if given]
    if len(sources) != 1:
        raise click.UsageError("give the evidence to call from: one of --rflp FILE, --gel-image PHOTO, --vcf FILE, "
                               "--bam FILE/--bam-list")
    if gel_image and not (layout and ladder_spec):
        raise click.UsageError("--gel-image needs --layout (lanes.tsv) and --ladder (sizes or a ladder name)")
    if (layout or ladder_spec or overlay) and not gel_image:
        raise click.UsageError("--layout, --ladder and --overlay go with --gel-image")
    reading = None
    if gel_image:
        reading, gel = _read_photo(gel_image, layout, ladder_spec)
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    names = _split(loci_names)
    loci = [] if gel is not None else [catalog.resolve(name) for name in names] if names else list(catalog)
    used_build = build
    if gel is not None:
        from genoassoc.assays import load_assays
        from genoassoc.calling.rflp import Tolerance, call_rflp

        if build != "auto" and not output_vcf:
            raise click.UsageError("--build places loci in a VCF or BAM; a gel table needs none (drop --build)")
        assays = load_assays(assays_file, catalog)
        calls = call_rflp(gel, assays, Tolerance.parse(tolerance), min_band, het_min_ratio, catalog=catalog,
                          loci=names or None)
        _notes(learned.summary() for learned in calls.attrs.get("learned", []))
        if reading is not None and overlay:
            _save_overlay(reading, gel, calls, assays, catalog, overlay)
    elif vcf_file:
        from genoassoc.calling.vcf import read_vcf_calls

        read = read_vcf_calls(vcf_file, loci, build, _split(sample_names) or None)
        used_build = read.build or build
        for locus_id, record in read.records.items():
            click.echo(f"{locus_id}: {record['chrom']}:{record['pos']} REF {record['ref']} ALT {record['alt']} "
                       f"({record['build'] or 'no build needed'}, {record['file']})", err=True)
        if fmt == "tsv" and not output_vcf:
            # a biobank's calls go straight from numpy columns to text: pandas is not loaded
            read.write_tsv(output)
            _summarise_calls(read.counts())
            return
        calls = read.frame()
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
        from genoassoc.calling.vcf_writer import format_vcf
        from genoassoc.loci import ANY_BUILD

        placed = {row_locus: catalog.resolve(row_locus).positions for row_locus in calls["locus"].unique()
                  if row_locus in catalog}
        if used_build == "auto" and any(ANY_BUILD not in positions for positions in placed.values()):
            raise click.UsageError("--output-vcf needs --build for calls that carry no build")
        vcf_text = format_vcf(calls, catalog, used_build, reference)
    from genoassoc.calls import write_calls

    write_calls(calls, output, fmt)
    if vcf_text is not None:
        from genoassoc.calling.vcf_writer import write_vcf_text

        write_vcf_text(vcf_text, output_vcf)
    called = calls["status"].eq("called").groupby(calls["locus"], sort=False).agg(["sum", "size"])
    _summarise_calls({locus: (int(done), int(total)) for locus, done, total in called.itertuples()})


def _read_photo(photo: str, layout_file: str, ladder_spec: str):
    """The gel reading and its band table (the --rflp input)."""
    from genoassoc.calling.gel_image import band_table, ladder, read_gel, read_layout

    layout = read_layout(layout_file)
    reading = read_gel(photo, layout, ladder(ladder_spec), progress=_progress("tiers"))
    _notes(reading.notes)
    table = band_table(reading, layout)
    table.attrs["source"] = photo
    return reading, table


def _save_overlay(reading, table, calls, assays, catalog, path) -> None:
    from genoassoc.report.figures import gel_overlay

    key = "assay" if "assay" in table.columns else "locus"
    lookup = {(row["sample"], row["locus"]): row["genotype"] or "no call" for _, row in calls.iterrows()}
    labels = {}
    for _, row in table.iterrows():
        name = row[key]
        locus = assays.get(name).locus if key == "assay" else (catalog.resolve(name).id if name in catalog else name)
        tier = int(row["gel"].rsplit("tier", 1)[1]) if ":tier" in row["gel"] else 1
        labels[(tier, int(row["lane"]))] = f"{row['sample']}\n{lookup.get((row['sample'], locus), '')}"
    _save(gel_overlay(reading, labels), path)


def _summarise_calls(counts: dict[str, tuple[int, int]]) -> None:
    """Called and total samples per locus, on stderr."""
    for locus, (done, total) in counts.items():
        click.echo(f"{locus}: {done} of {total} samples called", err=True)


# -------------------------------------------------------------------------------------------------- QC

@main.command("hwe", aliases={"--loci": "--locus"})
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@click.option("--calls", "calls_option", type=click.Path(dir_okay=False), help="Calls table.")
@click.option("--locus", "loci", multiple=True, help="Locus (rsID or alias); repeat or comma-separate.")
@click.option("--by", "by_column", help="Phenotype column to stratify by (cases/controls, cohort).")
@click.option("--pheno", type=click.Path(dir_okay=False), help="Phenotype table holding the --by column.")
@click.option("--sample-col", default="sample", show_default=True, help="Sample id column of --pheno.")
@_panel_option
@_p_adjust_option
@_output_options(TABLE_FORMATS)
def hwe_command(calls_file, calls_option, loci, by_column, pheno, sample_col, panel, p_adjust, output, fmt) -> None:
    """Hardy-Weinberg per locus: counts, allele frequency (95% CI), exact p and mid-p (as PLINK
    --hardy), chi-square with and without continuity correction."""
    from genoassoc.analysis.genotype_qc import hwe

    if (by_column is None) != (pheno is None):
        raise click.UsageError("--by and --pheno go together")
    calls, catalog = _load_calls(_calls_file(calls_file, calls_option), panel, ("genoassoc.qc.hwe",), True)
    phenotypes = _phenotypes(pheno, sample_col) if pheno else None
    result = hwe(calls, catalog, _split(loci), phenotypes, by_column, p_adjust)
    from genoassoc.report.publication import hwe_publication

    _write_result(result, output, fmt, lambda: hwe_publication(result))
    _notes(result.notes)


@main.command("qc")
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@click.option("--calls", "calls_option", type=click.Path(dir_okay=False), help="Calls table.")
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
@_p_adjust_option
@_output_options()
def qc_command(calls_file, calls_option, population, population_file, min_locus_call_rate, min_sample_call_rate,
               samples_output, ld_output, haplotypes_output, haplotype_pairs_output, panel, p_adjust, output,
               fmt) -> None:
    """Call rates per locus and sample, allele frequencies against a population reference (with a
    strand-flip warning for G/C and A/T loci), monomorphic loci, LD and haplotypes."""
    from genoassoc.analysis.genotype_qc import genotype_qc
    from genoassoc.qc.frequencies import read_population_frequencies

    calls, catalog = _load_calls(_calls_file(calls_file, calls_option), panel, ("genoassoc.qc.hwe",), True)
    reference = read_population_frequencies(population_file) if population_file else None
    result = genotype_qc(calls, catalog, population, reference, min_locus_call_rate, min_sample_call_rate,
                         ld=bool(ld_output), haplotypes=bool(haplotypes_output or haplotype_pairs_output),
                         p_adjust=p_adjust)
    _write_tables([(result.table, output), (result.samples if samples_output else None, samples_output),
                   (result.ld, ld_output), (result.haplotypes if haplotypes_output else None, haplotypes_output),
                   (result.haplotype_pairs if haplotype_pairs_output else None, haplotype_pairs_output)], fmt)
    _notes(result.notes)


@main.command("concordance")
@click.argument("first_file", type=click.Path(dir_okay=False))
@click.argument("second_file", type=click.Path(dir_okay=False))
@click.option("--discordant-output", type=click.Path(dir_okay=False),
              help="Discordant sample x locus pairs to this file.")
@_panel_option
@_output_options()
def concordance_command(first_file, second_file, discordant_output, panel, output, fmt) -> None:
    """Agreement of two call sets per locus and overall (concordance, Cohen's kappa); no-calls and
    samples in one set only are counted apart."""
    from genoassoc.analysis.genotype_qc import concordance

    first, _ = _load_calls(first_file, panel)
    second, _ = _load_calls(second_file, panel)
    result = concordance(first, second)
    _write_tables([(result.table, output), (result.discordant if discordant_output else None, discordant_output)],
                  fmt)
    _notes(result.notes)


# ----------------------------------------------------------------------------------------- association

@main.command("assoc", aliases={"--reference": "--ref-level"})
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@_pheno_options
@_genotype_options(locus_required=True, model_default="codominant", models=[*MODEL_NAMES, "all"])
@click.option("--outcome", help="Outcome column (IL-6, C0, AUC, response...).")
@click.option("--time", "time_col", help="Survival time column (with --event).")
@click.option("--event", help="Event column (1 = event, 0 = censored).")
@_covariates_option
@_coding_options
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
@_tau_option
@_p_adjust_option
@_output_options(TABLE_FORMATS)
def assoc_command(calls_file, pheno, sample_col, calls_option, locus, model, effect_allele, panel, outcome, time_col,
                  event, covariates, ref_levels, below_lloq, ties, outcome_type, case_level, log_scale, exact,
                  by_column, firth, tau, p_adjust, output, fmt) -> None:
    """Association of a locus with a continuous, binary or time-to-event outcome under a genetic
    model; every row states locus, model, effect allele, groups, n, estimate, CI, test and p."""
    from genoassoc.analysis.association import associate

    if event and outcome and not time_col:
        click.echo("genoassoc: note: a survival time is now given as --time (with --event)", err=True)
        time_col, outcome = outcome, None
    if (time_col is None) != (event is None):
        raise click.UsageError("--time and --event go together")
    if outcome is None and time_col is None:
        raise click.UsageError("give --outcome COLUMN, or --time and --event")
    from concurrent.futures import ThreadPoolExecutor

    # the phenotype table is parsed (by pyarrow, outside the interpreter lock) beside the calls table
    with ThreadPoolExecutor(1) as reader:
        reading = reader.submit(_phenotypes, pheno, sample_col)
        calls, catalog = _load_calls(_calls_file(calls_file, calls_option), panel,
                                     _ASSOCIATION_MODULES["survival" if time_col else "outcome"], True)
        phenotypes = reading.result()
    result = associate(
        calls, phenotypes, locus, outcome, model, time=time_col, event=event, catalog=catalog,
        effect_allele=effect_allele, covariates=_split(covariates), coding_options=_coding(ref_levels, below_lloq),
        outcome_type=outcome_type, case_level=case_level, log=log_scale, exact=exact, firth=firth, ties=ties,
        by=by_column, tau=tau, p_adjust=p_adjust,
    )
    from genoassoc.report.publication import association_table

    _write_result(result, output, fmt, lambda: association_table(result, outcome or time_col))
    _notes(result.notes)


@main.command("rmst")
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@_pheno_options
@_genotype_options(locus_required=True)
@click.option("--time", "time_col", required=True, help="Survival time column.")
@click.option("--event", "event_col", required=True, help="Event column (1 = event, 0 = censored).")
@_tau_option
@_output_options(TABLE_FORMATS)
def rmst_command(calls_file, pheno, sample_col, calls_option, locus, model, effect_allele, panel, time_col, event_col,
                 tau, output, fmt) -> None:
    """Restricted mean survival time to --tau per genotype group (R survival rmean) and each group's
    difference from the reference group with 95% CI and p."""
    from genoassoc.analysis.restricted_mean import rmst
    from genoassoc.report.publication import rmst_publication

    calls, catalog = _load_calls(_calls_file(calls_file, calls_option), panel)
    result = rmst(calls, _phenotypes(pheno, sample_col), locus, model, time=time_col, event=event_col, tau=tau,
                  effect_allele=effect_allele, catalog=catalog)
    _write_result(result, output, fmt, lambda: rmst_publication(result, time_col))
    _notes(result.notes)


def _times(value: str | None) -> list[float]:
    times = []
    for item in _split((value,)):
        try:
            times.append(float(item))
        except ValueError:
            raise click.UsageError(f"--at takes times separated by commas (12,24), got '{item}'") from None
    return times


_competing_options = _options(
    click.option("--time", "time_col", required=True, help="Time to the first event (or censoring) column."),
    click.option("--cause", "cause_col", required=True,
                 help="Cause column: the cause of interest, the censoring code, or any other value (competing)."),
    click.option("--failcode", default="1", show_default=True, help="Code of the cause of interest."),
    click.option("--cencode", default="0", show_default=True, help="Code of censoring."),
)


@main.command("competing")
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@_pheno_options
@_genotype_options(locus_required=True)
@_competing_options
@click.option("--at", "at_times", help="Times for the cumulative incidence, comma-separated (default: a quarter, "
                                       "half and three quarters of the longest follow-up).")
@_covariates_option
@_coding_options
@_output_options(TABLE_FORMATS)
def competing_command(calls_file, pheno, sample_col, calls_option, locus, model, effect_allele, panel, time_col,
                      cause_col, failcode, cencode, at_times, covariates, ref_levels, below_lloq, output, fmt) -> None:
    """Competing risks by genotype (R cmprsk): cumulative incidence of each cause per group at --at
    times, Gray's test, and Fine-Gray subdistribution hazard ratios with 95% CI and p."""
    from genoassoc.analysis.competing_risks import competing_risks
    from genoassoc.report.publication import competing_publication

    calls, catalog = _load_calls(_calls_file(calls_file, calls_option), panel)
    phenotypes = _phenotypes(pheno, sample_col)
    times = _times(at_times)
    if not times:
        from genoassoc import phenotypes as coding

        longest = float(coding.times(phenotypes, time_col).max())
        times = [float(f"{longest * share:.2g}") for share in (0.25, 0.5, 0.75)]
    result = competing_risks(calls, phenotypes, locus, model, time=time_col, cause=cause_col, failcode=failcode,
                             cencode=cencode, at=times, covariates=_split(covariates), effect_allele=effect_allele,
                             catalog=catalog, coding_options=_coding(ref_levels, below_lloq))
    _write_result(result, output, fmt, lambda: competing_publication(result, time_col))
    _notes(result.notes)


@main.command("split-visits")
@click.argument("visits_file", type=click.Path(dir_okay=False))
@_pheno_options
@click.option("--time", "time_col", required=True, help="Survival time column of --pheno.")
@click.option("--event", "event_col", required=True, help="Event column of --pheno (1 = event, 0 = censored).")
@click.option("--visit-time", required=True, help="Visit time column of the visits table (day, week...).")
@click.option("--value", "value_col", required=True, help="Measured value column of the visits table (il6...).")
@click.option("--visit-unit", type=click.Choice(["days", "weeks", "months", "years"]),
              help="Unit of --visit-time (default: from its name, e.g. day).")
@click.option("--time-unit", type=click.Choice(["days", "weeks", "months", "years"]),
              help="Unit of --time (default: from its name, e.g. os_months).")
@_coding_options
@_output_options()
def split_visits_command(visits_file, pheno, sample_col, time_col, event_col, visit_time, value_col, visit_unit,
                         time_unit, ref_levels, below_lloq, output, fmt) -> None:
    """(start, stop] rows per patient with the last measured value carried forward (R survival tmerge),
    for a Cox model with a time-varying covariate:
    genoassoc cox --pheno ROWS --start start --time stop --event EVENT --vars VALUE."""
    from genoassoc.analysis.visits import split_visits
    from genoassoc.phenotypes import read_phenotypes

    visits = read_phenotypes(visits_file, sample_col, repeated=True)
    result = split_visits(visits, _phenotypes(pheno, sample_col), visit_time=visit_time, value=value_col,
                          time=time_col, event=event_col, visit_unit=visit_unit, time_unit=time_unit,
                          coding_options=_coding(ref_levels, below_lloq))
    _write_tables([(result.table, output)], fmt)
    _notes([*result.notes, f"{result.n_intervals} intervals for {result.n_patients} patients"])


@main.command("meta")
@click.argument("estimates_file", type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(["REML", "DL", "FE"]), default="REML", show_default=True,
              help="Random effects by REML or DerSimonian-Laird, or a fixed (common) effect.")
@_output_options(TABLE_FORMATS)
def meta_command(estimates_file, method, output, fmt) -> None:
    """Pool per-cohort estimates (cohort, hr|or|rr, ci_lo, ci_hi; or cohort, log_estimate, se) as R
    metafor::rma: pooled estimate with 95% CI and p, Cochran's Q and p, I2, H2, tau2.
    Draw it with: genoassoc plot forest META.tsv."""
    from genoassoc.analysis.pooled import pool
    from genoassoc.io.tables import read_table
    from genoassoc.report.publication import meta_publication

    result = pool(read_table(estimates_file, ["cohort"]), method)
    _write_result(result, output, fmt, lambda: meta_publication(result))
    _notes(result.notes)


_longitudinal_options = _options(
    click.option("--outcome", required=True, help="Measured value column of the visits table (il6...)."),
    click.option("--time", "time_col", required=True, help="Visit time column (day, week...)."),
    click.option("--log", "log_scale", is_flag=True, help="Model the log outcome (effects as ratios)."),
    click.option("--random-slope", is_flag=True, help="A random slope on time per sample: (time | sample)."),
    _covariates_option,
    _coding_options,
)


@main.command("longitudinal")
@click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
@_pheno_options
@_genotype_options(locus_required=True)
@_longitudinal_options
@_output_options(TABLE_FORMATS)
def longitudinal_command(calls_file, pheno, sample_col, calls_option, locus, model, effect_allele, panel, outcome,
                         time_col, log_scale, random_slope, covariates, ref_levels, below_lloq, output, fmt) -> None:
    """Repeated measurements by genotype: linear mixed model outcome ~ time x genotype + (1 | sample)
    by REML (as R lme4::lmer); --pheno is a visits table with several rows per sample. Fixed effects
    with SE, 95% CI and p; random-intercept (and slope) SD and residual SD."""
    from genoassoc.report.publication import longitudinal_publication

    result = _longitudinal(calls_file or calls_option, pheno, sample_col, locus, model, effect_allele, panel, outcome,
                           time_col, log_scale, random_slope, covariates, ref_levels, below_lloq)
    _write_result(result, output, fmt, lambda: longitudinal_publication(result))
    _notes(result.notes)


def _longitudinal(calls_file, pheno, sample_col, locus, model, effect_allele, panel, outcome, time_col, log_scale,
                  random_slope, covariates, ref_levels, below_lloq):
    from genoassoc.analysis.longitudinal import longitudinal
    from genoassoc.phenotypes import read_phenotypes

    calls, catalog = _load_calls(_calls_file(None, calls_file), panel)
    return longitudinal(calls, read_phenotypes(pheno, sample_col, repeated=True), locus, model, outcome=outcome,
                        time=time_col, log=log_scale, random_slope=random_slope, covariates=_split(covariates),
                        effect_allele=effect_allele, catalog=catalog, coding_options=_coding(ref_levels, below_lloq))


@main.command("power")
@click.option("--hr", type=float, required=True, help="Hazard ratio of the genotype (per allele copy if additive).")
@click.option("--maf", type=float, required=True, help="Effect-allele frequency in the population.")
@click.option("--event-rate", type=float, required=True,
              help="Share of patients expected to have the event during follow-up (0-1).")
@click.option("--model", type=click.Choice(["dominant", "recessive", "additive"]), default="dominant",
              show_default=True)
@click.option("--n", "sizes", help="Cohort sizes to evaluate, comma-separated (e.g. 30,60,100).")
@click.option("--power", "target", type=float, default=0.8, show_default=True, help="Target power.")
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Two-sided significance level.")
@click.option("--simulate", "replicates", type=int, default=1000, show_default=True,
              help="Simulated cohorts per size (0: the closed form only).")
@click.option("--tests", default="logrank,cox,firth", show_default=True, help="Tests to simulate.")
@click.option("--seed", type=int, default=1, show_default=True)
@_output_options()
def power_command(hr, maf, event_rate, model, sizes, target, alpha, replicates, tests, seed, output, fmt) -> None:
    """Power for a genotype's hazard ratio: Schoenfeld's events and patients under Hardy-Weinberg, and
    the simulated power of log-rank, Cox and Firth tests for cohorts of --n patients."""
    from genoassoc.analysis.power import power_analysis

    try:
        cohort_sizes = [int(value) for value in _split((sizes,))]
    except ValueError:
        raise click.UsageError(f"--n takes whole numbers separated by commas, got '{sizes}'") from None
    result = power_analysis(hr, maf, event_rate, model, sizes=cohort_sizes, target=target, alpha=alpha,
                            replicates=replicates, tests=_split((tests,)), seed=seed,
                            progress=_progress("simulated cohorts"))
    _write_tables([(result.table, output)], fmt)
    _notes(result.notes)


@main.command("cox", aliases={"--reference": "--ref-level", "--adjust": "--covariates"})
@_pheno_options
@click.option("--time", "time_col", required=True, help="Survival (or interval stop) time column.")
@click.option("--event", "event_col", required=True, help="Event column (1 = event, 0 = censored).")
@click.option("--start", "start_col", help="Interval start column: (start, stop] rows, several per patient.")
@click.option("--vars", "variables", multiple=True, required=True,
              help="Candidate variables: columns or loci (comma-separate or repeat).")
@_covariates_option
@click.option("--dichotomize", help="Split numeric candidates at 'median' or at a value (high = above).")
@_coding_options
@click.option("--ties", type=click.Choice(["efron", "breslow"]), default="efron", show_default=True)
@click.option("--calls", "calls_file", type=click.Path(dir_okay=False),
              help="Calls table: loci named in --vars enter under --model.")
@click.option("--model", default="dominant", show_default=True, type=click.Choice(MODEL_NAMES))
@_panel_option
@_output_options(TABLE_FORMATS)
def cox_command(pheno, sample_col, time_col, event_col, start_col, variables, covariates, dichotomize, ref_levels,
                below_lloq, ties, calls_file, model, panel, output, fmt) -> None:
    """Table 2: each variable alone in a Cox model, then all together (hazard ratios, 95% CI, p)."""
    from genoassoc.analysis.cox_regression import cox_table
    from genoassoc.loci import load_catalog
    from genoassoc.phenotypes import read_phenotypes

    phenotypes = read_phenotypes(pheno, sample_col, repeated=start_col is not None)
    calls, catalog = _load_calls(calls_file, panel) if calls_file else (None, load_catalog(panel))
    cut: str | float | None = None
    if dichotomize:
        try:
            cut = "median" if dichotomize == "median" else float(dichotomize)
        except ValueError:
            raise click.UsageError("--dichotomize takes 'median' or a number") from None
    result = cox_table(phenotypes, time_col, event_col, _split(variables), _split(covariates), cut,
                       _coding(ref_levels, below_lloq), ties, calls, catalog, model, start=start_col)
    from genoassoc.report.publication import cox_publication

    _write_result(result, output, fmt, lambda: cox_publication(result, time_col))
    _notes(result.notes)


@main.command("cutpoint")
@_pheno_options
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
@click.option("--below-lloq", type=click.Choice(["half", "lloq", "missing"]),
              help="Marker values written '<x' (below the limit of quantification): x/2, x, or missing.")
@click.option("--cuts-output", type=click.Path(dir_okay=False),
              help="Every candidate cut with its statistic and hazard ratio, for the HR-by-cut plot.")
@_output_options(TABLE_FORMATS)
def cutpoint_command(pheno, sample_col, marker, time_col, event_col, response, min_prop, permutations,
                     validation_file, ties, below_lloq, cuts_output, output, fmt) -> None:
    """Median split and optimal cut-point of a biomarker (maximally selected log-rank statistic as R
    maxstat, or ROC/Youden for a response), applied unchanged to a validation cohort."""
    from genoassoc.analysis.cutpoints import response_cutpoint, survival_cutpoint

    if response is None and (time_col is None or event_col is None):
        raise click.UsageError("give --time and --event, or --response")
    if not 0 < min_prop < 0.5:
        raise click.UsageError("--min-prop must be between 0 and 0.5")
    options = _coding((), below_lloq)
    discovery = _phenotypes(pheno, sample_col)
    validation = _phenotypes(validation_file, sample_col) if validation_file else None
    if response is not None:
        result = response_cutpoint(discovery, marker, response, validation=validation, coding_options=options)
    else:
        result = survival_cutpoint(discovery, marker, time_col, event_col, validation=validation, min_prop=min_prop,
                                   permutations=permutations, ties=ties, coding_options=options,
                                   progress=_progress("permutations"), cut_hazard_ratios=bool(cuts_output))
    from genoassoc.report.publication import cutpoint_publication

    _write_result(result, output, fmt, lambda: cutpoint_publication(result, marker))
    if cuts_output:
        _write_tables([(result.cuts, cuts_output)], "tsv")
    _notes(result.notes)


@main.command("corr")
@_pheno_options
@click.option("--x", "x_column", required=True, help="First variable (e.g. il6).")
@click.option("--y", "y_column", required=True, help="Second variable (e.g. c0).")
@click.option("--method", type=click.Choice(["spearman", "pearson", "kendall"]), default="spearman", show_default=True)
@click.option("--below-lloq", type=click.Choice(["half", "lloq", "missing"]),
              help="Values written '<x' (below the limit of quantification): x/2, x, or missing.")
@_output_options(TABLE_FORMATS)
def corr_command(pheno, sample_col, x_column, y_column, method, below_lloq, output, fmt) -> None:
    """Correlation with its p (and CI for Pearson) as R's cor.test."""
    from genoassoc.analysis.continuous import correlation

    result = correlation(_phenotypes(pheno, sample_col), x_column, y_column, method, _coding((), below_lloq))
    from genoassoc.report.publication import correlation_publication

    _write_result(result, output, fmt, lambda: correlation_publication(result))
    _notes(result.notes)


@main.command("paired")
@_pheno_options
@click.option("--before", required=True, help="Column measured before treatment (e.g. il6_pre).")
@click.option("--after", required=True, help="Column measured after treatment (e.g. il6_post).")
@click.option("--exact", is_flag=True, help="Exact p (no ties or zero differences).")
@click.option("--below-lloq", type=click.Choice(["half", "lloq", "missing"]),
              help="Values written '<x' (below the limit of quantification): x/2, x, or missing.")
@_output_options(TABLE_FORMATS)
def paired_command(pheno, sample_col, before, after, exact, below_lloq, output, fmt) -> None:
    """Paired change of a biomarker: Wilcoxon signed-rank test as R's wilcox.test(paired = TRUE)."""
    from genoassoc.analysis.continuous import paired

    result = paired(_phenotypes(pheno, sample_col), before, after, exact, _coding((), below_lloq))
    from genoassoc.report.publication import paired_publication

    _write_result(result, output, fmt, lambda: paired_publication(result))
    _notes(result.notes)


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
@_output_options(TABLE_FORMATS)
def pk_command(samples_file, method, blq_before, blq_after, lloq, tau, output, fmt) -> None:
    """Non-compartmental PK per sample: C0, Cmax, Tmax, AUC0-t, AUC0-24, lambda_z, t1/2."""
    from genoassoc.analysis.exposure import pk
    from genoassoc.io.pk_samples import read_pk_samples

    result = pk(read_pk_samples(samples_file, lloq), method=method, blq_before=blq_before, blq_after=blq_after,
                tau=tau)
    from genoassoc.report.publication import pk_publication

    _write_result(result, output, fmt, lambda: pk_publication(result))
    _notes(result.notes)


@main.command("table1")
@_pheno_options
@click.option("--by", "by_column", help="Grouping column (arm, cohort); or group by genotype with --calls.")
@_genotype_options()
@click.option("--vars", "variables", multiple=True, help="Variables to describe (default: every column).")
@click.option("--normal", type=click.Choice(["auto", "normal", "nonnormal"]), default="auto", show_default=True,
              help="Summaries of numeric variables: by Shapiro-Wilk per group, or forced.")
@_coding_options
@_output_options(TABLE_FORMATS)
def table1_command(pheno, sample_col, by_column, calls_option, locus, model, effect_allele, panel, variables, normal,
                   ref_levels, below_lloq, output, fmt) -> None:
    """Table 1: n (%), median (IQR) or mean +/- SD per group, the fitting test and missing counts."""
    from genoassoc.analysis.baseline import table1
    from genoassoc.report.publication import table1_publication

    if (by_column is None) == (calls_option is None):
        raise click.UsageError("group by a column (--by) or by genotype (--calls with --locus and --model)")
    calls, catalog = _load_calls(calls_option, panel) if calls_option else (None, None)
    result = table1(_phenotypes(pheno, sample_col), by_column, _split(variables) or None, normal,
                    _coding(ref_levels, below_lloq), calls=calls, locus=locus, model=model,
                    effect_allele=effect_allele, catalog=catalog)
    _write_result(result, output, fmt, lambda: table1_publication(result))
    _notes(result.notes)


# ----------------------------------------------------------------------------------------------- elisa

@main.command("elisa")
@click.argument("plates", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--layout", required=True, type=click.Path(dir_okay=False),
              help="Plate layout: well, sample[, type][, conc][, dilution][, plate].")
@click.option("--standards",
              help="Nominal concentrations of the standards where the layout has none: S1=300,S2=150,...")
@click.option("--model", type=click.Choice(["4pl", "5pl"]), default="4pl", show_default=True,
              help="Standard curve in log concentration (4PL as R SSfpl; 5PL adds an asymmetry power).")
@click.option("--weights", type=click.Choice(["none", "1/y", "1/y2"]), default="none", show_default=True,
              help="Least-squares weights of the standards by their OD.")
@click.option("--max-cv", type=click.FloatRange(0, 1000, min_open=True), default=20.0, show_default=True,
              help="Flag samples whose replicate wells' CV (%) is above this.")
@click.option("--lloq", type=click.FloatRange(0, min_open=True),
              help="Lower limit of quantification from the kit insert (default: the lowest standard read back "
                   "within 80-120%).")
@click.option("--uloq", type=click.FloatRange(0, min_open=True),
              help="Upper limit of quantification from the kit insert (default: the highest standard read back "
                   "within 80-120%).")
@click.option("--analyte", default="il6", show_default=True, help="Name of the concentration column written.")
@click.option("--wavelength", help="The measurement read (default 450 nm, or the file's only read).")
@click.option("--correction", help="The correction read subtracted, or 'none' (default: 540/570/620/630/650/690 nm "
                                   "when the file holds one).")
@click.option("--wells-output", type=click.Path(dir_okay=False), help="Every well: OD and read-back concentration.")
@click.option("--qc-output", type=click.Path(dir_okay=False),
              help="Per plate: standards' recovery, blanks, controls against their range.")
@click.option("--curves-output", type=click.Path(dir_okay=False),
              help="Per plate: curve parameters with SEs, residual SE, R², LLOQ and ULOQ.")
@click.option("--plot", "plot_output", type=click.Path(dir_okay=False),
              help="Figure of the standard curve with the samples (.png/.svg/.pdf; one plate: this file, several: "
                   "one file per plate named FILE-PLATE.ext).")
@_output_options()
def elisa_command(plates, layout, standards, model, weights, max_cv, lloq, uloq, analyte, wavelength, correction,
                  wells_output, qc_output, curves_output, plot_output, output, fmt) -> None:
    """IL-6 (or any analyte) from ELISA plate reader exports: 4PL/5PL standard curves, every well read
    back with its 95% interval, replicates averaged, LLOQ/ULOQ; writes a phenotype table (sample, il6,
    il6_low, il6_high, il6_cv, il6_flag, plate) with '<LLOQ'/'>ULOQ' values that assoc, corr, cutpoint,
    table1 and report read."""
    from genoassoc.analysis.elisa import elisa, parse_standards
    from genoassoc.io.plates import read_layout

    figures = _figure_paths(plot_output, len(plates))
    _check_output_folders([output, wells_output, qc_output, curves_output, plot_output])
    result = elisa(list(plates), read_layout(layout), standards=parse_standards(standards), model=model,
                   weights=weights, max_cv=max_cv, lloq=lloq, uloq=uloq, analyte=analyte, wavelength=wavelength,
                   correction=correction)
    if plot_output:
        from genoassoc.report.figures import save, standard_curve_plot

        names = [curve.plate for curve in result.curves]
        for name in names:
            target = plot_output if len(names) == 1 else figures(name)
            save(standard_curve_plot(result, name), target)
    extra = [(result.wells, wells_output), (result.qc, qc_output), (result.parameters, curves_output)]
    _write_tables([(result.table, output), *[(table, path) for table, path in extra if path]], fmt)
    _notes(result.notes)


def _figure_paths(plot_output: str | None, count: int) -> Callable[[str], str]:
    if plot_output and not str(plot_output).lower().endswith((".png", ".svg", ".pdf")):
        raise click.UsageError("--plot must end in .png, .svg or .pdf")
    stem, dot, extension = str(plot_output or "").rpartition(".")
    return lambda plate: f"{stem}-{plate}.{extension}"


def _check_output_folders(outputs: Iterable[str | None]) -> None:
    """Refuse, before any work, outputs whose folder is missing or that name one file twice."""
    chosen = [path for path in outputs if path and path != "-"]
    for path in chosen:
        folder = Path(path).parent
        if not folder.is_dir():
            raise InputError("the output folder does not exist", path)
    resolved = [os.path.realpath(path) for path in chosen]
    if len(set(resolved)) < len(resolved):
        raise click.UsageError("two outputs name the same file; give each its own")


# ---------------------------------------------------------------------------------------------- report

def _print_settings(ctx: click.Context, _: Any, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from genoassoc.report.html import settings_help

    click.echo(settings_help(), nl=False)
    ctx.exit()


@main.command("report")
@click.argument("study_file", required=False, type=click.Path(dir_okay=False))
@click.option("--help-settings", is_flag=True, is_eager=True, expose_value=False, callback=_print_settings,
              help="Print the study-file settings and exit.")
@click.option("--title", help="Report title.")
@click.option("--calls", "calls_file", type=click.Path(dir_okay=False), help="Calls table.")
@click.option("--gel", type=click.Path(dir_okay=False), help="Gel band table (called with the built-in assays).")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False), help="Your own RFLP assays (TOML).")
@click.option("--pheno", type=click.Path(dir_okay=False), help="Phenotype table.")
@click.option("--pk", type=click.Path(dir_okay=False), help="PK samples (C0, AUC0-24 joined as phenotypes).")
@click.option("--locus")
@click.option("--model", type=click.Choice(MODEL_NAMES))
@click.option("--outcomes", multiple=True, help="Outcome columns (comma-separate or repeat).")
@click.option("--time", "time_col", help="Survival time column.")
@click.option("--event", "event_col", help="Survival event column.")
@click.option("--time-unit", help="Unit of the survival times (default: from the column names).")
@click.option("--log-axes", is_flag=True, default=None, help="Draw continuous outcomes on log axes.")
@_covariates_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
def report_command(study_file, title, calls_file, gel, assays_file, pheno, pk, locus, model, outcomes, time_col,
                   event_col, time_unit, log_axes, covariates, output) -> None:
    """One self-contained HTML report (QC, Table 1, association, survival, cut-points, versions) from a
    TOML study file and/or options; options override the file. Publication tables in the page, the
    machine tables attached as TSV; see --help-settings for the study file."""
    from genoassoc.io.records import write_text
    from genoassoc.report.html import Study, build_report, load_study

    study = load_study(study_file) if study_file else Study()
    overrides = {"title": title, "calls": calls_file, "gel": gel, "assays": assays_file, "pheno": pheno, "pk": pk,
                 "locus": locus, "model": model, "time_unit": time_unit, "log_axes": log_axes}
    for name, value in overrides.items():
        if value is not None:
            setattr(study, name, value)
    if outcomes:
        study.outcomes = _split(outcomes)
    if covariates:
        study.covariates = _split(covariates)
    if (time_col is None) != (event_col is None):
        raise click.UsageError("--time and --event go together")
    if time_col:
        study.survival = [[time_col, event_col]]
    report = build_report(study)
    write_text(report.html, output)
    click.echo(f"report written to {output}: {', '.join(report.sections)}", err=True)
    if report.left_out:
        click.echo(f"not asked for by the settings: {', '.join(report.left_out)}", err=True)


# ----------------------------------------------------------------------------------------------- plots

@main.group("plot", cls=Group)
def plot_group() -> None:
    """Publication figures (PNG at 300 dpi, SVG or PDF by the -o extension)."""


def _figure_output(command: Callable) -> Callable:
    return click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
                        help="Figure file (.png, .svg or .pdf).")(command)


def _save(figure: Any, output: str) -> None:
    from genoassoc.report.figures import save

    if not str(output).lower().endswith((".png", ".svg", ".pdf")):
        raise click.UsageError("-o must end in .png, .svg or .pdf")
    save(figure, output)


def _groups(phenotypes, by_column, calls_option, locus, model, effect_allele, panel):
    """(group label per sample, labels in order, legend title) from a column or from genotypes."""
    from genoassoc import phenotypes as coding

    if (by_column is None) == (calls_option is None):
        raise click.UsageError("group by a column (--by) or by genotype (--calls with --locus and --model)")
    if by_column:
        values, levels = coding.categorical(phenotypes, by_column)
        return values, levels, by_column
    if locus is None:
        raise click.UsageError("grouping by genotype needs --locus")
    from genoassoc.analysis.genotyped import join_genotypes

    calls, catalog = _load_calls(calls_option, panel)
    genotyped = join_genotypes(calls, phenotypes, locus, catalog)
    _notes(genotyped.report.messages())
    labels, encoding, title = genotyped.group_column(model, effect_allele)
    return labels.reindex(phenotypes.index), list(encoding.groups), title


@plot_group.command("km")
@_pheno_options
@click.option("--time", "time_col", required=True)
@click.option("--event", "event_col", required=True)
@click.option("--by", "by_column", help="Grouping column; or group by genotype with --calls.")
@_genotype_options()
@click.option("--ci", is_flag=True, help="Draw 95% confidence bands.")
@click.option("--time-unit", help="Unit of the time column for the x-axis (default: from its name, e.g. os_days).")
@click.option("--xlabel", help="The x-axis label in full (default: Time (unit)).")
@_figure_output
def plot_km(pheno, sample_col, time_col, event_col, by_column, calls_option, locus, model, effect_allele, panel, ci,
            time_unit, xlabel, output) -> None:
    """Kaplan-Meier curves with censoring marks, numbers at risk under the axis ticks and the log-rank p."""
    from genoassoc import phenotypes as coding
    from genoassoc.report import figures

    phenotypes = _phenotypes(pheno, sample_col)
    groups, labels, title = _groups(phenotypes, by_column, calls_option, locus, model, effect_allele, panel)
    times, events = coding.times(phenotypes, time_col), coding.events(phenotypes, event_col)
    keep, dropped = coding.complete_cases({time_col: times, event_col: events, "group": groups})
    _notes([dropped.message()])
    _save(figures.kaplan_meier_plot(times[keep], events[keep], groups[keep], labels, xlabel=xlabel or "",
                                    unit=time_unit or figures.time_unit(time_col), legend_title=title, ci=ci), output)


@plot_group.command("cif")
@_pheno_options
@_genotype_options(locus_required=True)
@_competing_options
@click.option("--time-unit", help="Unit of the time column for the x-axis (default: from its name, e.g. pfs_months).")
@_figure_output
def plot_cif(pheno, sample_col, calls_option, locus, model, effect_allele, panel, time_col, cause_col, failcode,
             cencode, time_unit, output) -> None:
    """Cumulative incidence curves by genotype group: the cause of interest solid, the competing cause
    dashed, with Gray's test p (R cmprsk)."""
    from genoassoc.analysis.competing_risks import competing_risks
    from genoassoc.report import figures

    if not calls_option:
        raise click.UsageError("give the calls table with --calls")
    calls, catalog = _load_calls(calls_option, panel)
    result = competing_risks(calls, _phenotypes(pheno, sample_col), locus, model, time=time_col, cause=cause_col,
                             failcode=failcode, cencode=cencode, effect_allele=effect_allele, catalog=catalog)
    _notes(result.notes)
    _save(figures.incidence_plot(result, unit=time_unit or figures.time_unit(time_col)), output)


@plot_group.command("spaghetti")
@_pheno_options
@_genotype_options(locus_required=True)
@_longitudinal_options
@_figure_output
def plot_spaghetti(pheno, sample_col, calls_option, locus, model, effect_allele, panel, outcome, time_col, log_scale,
                   random_slope, covariates, ref_levels, below_lloq, output) -> None:
    """Each sample's measurements over time coloured by genotype group, with the mixed model's fitted
    mean per group (genoassoc longitudinal)."""
    from genoassoc.report.figures import spaghetti_plot

    result = _longitudinal(calls_option, pheno, sample_col, locus, model, effect_allele, panel, outcome, time_col,
                           log_scale, random_slope, covariates, ref_levels, below_lloq)
    _notes(result.notes)
    _save(spaghetti_plot(result), output)


@plot_group.command("box")
@_pheno_options
@click.option("--outcome", required=True)
@click.option("--by", "by_column", help="Grouping column; or group by genotype with --calls.")
@_genotype_options()
@click.option("--log", "log_scale", is_flag=True, help="Log axis.")
@_figure_output
def plot_box(pheno, sample_col, outcome, by_column, calls_option, locus, model, effect_allele, panel, log_scale,
             output) -> None:
    """Box and strip plot of a continuous outcome by group with the rank-test p."""
    from genoassoc import phenotypes as coding
    from genoassoc.report.figures import box_plot
    from genoassoc.stats.continuous import kruskal_wallis, mann_whitney

    phenotypes = _phenotypes(pheno, sample_col)
    groups, labels, title = _groups(phenotypes, by_column, calls_option, locus, model, effect_allele, panel)
    values = coding.numeric(phenotypes, outcome)
    keep, dropped = coding.complete_cases({outcome: values, "group": groups})
    _notes([dropped.message()])
    labels = [label for label in labels if (groups[keep] == label).any()]
    samples = [values[keep & (groups == label)].to_numpy(float) for label in labels]
    if len(samples) < 2:
        raise InputError("a box plot by group needs at least two groups with values")
    test = mann_whitney(*samples) if len(samples) == 2 else kruskal_wallis(samples)
    _save(box_plot(values[keep], groups[keep], labels, ylabel=outcome, xlabel=title, p=test.p, test=test.test,
                   log=log_scale), output)


@plot_group.command("scatter")
@_pheno_options
@click.option("--x", "x_column", required=True)
@click.option("--y", "y_column", required=True)
@_figure_output
def plot_scatter(pheno, sample_col, x_column, y_column, output) -> None:
    """Scatter of two variables with Spearman's r and p (as R cor.test)."""
    from genoassoc import phenotypes as coding
    from genoassoc.report.figures import scatter_plot
    from genoassoc.stats.correlation import correlate

    phenotypes = _phenotypes(pheno, sample_col)
    x, y = coding.numeric(phenotypes, x_column), coding.numeric(phenotypes, y_column)
    keep, _ = coding.complete_cases({x_column: x, y_column: y})
    result = correlate(x[keep], y[keep], "spearman")
    _save(scatter_plot(x[keep], y[keep], xlabel=x_column, ylabel=y_column, r=result.estimate, p=result.p), output)


@plot_group.command("forest")
@click.argument("cox_file", type=click.Path(dir_okay=False))
@click.option("--adjusted/--univariable", default=True, show_default=True)
@_figure_output
def plot_forest(cox_file, adjusted, output) -> None:
    """Forest plot of a `genoassoc cox` table, or of a `genoassoc meta` table (squares by weight,
    the pooled diamond)."""
    from genoassoc.io.tables import numeric_column, read_table
    from genoassoc.report.figures import forest_plot, meta_forest_plot

    table = read_table(cox_file)
    if {"row", "cohort", "weight"} <= set(table.columns):
        numbers = ("estimate", "ci_lo", "ci_hi", "weight", "p", "i2", "tau2", "q", "q_df", "q_p")
        _save(meta_forest_plot(table.assign(**{name: numeric_column(table, name) for name in numbers})), output)
        return
    table = read_table(cox_file, ["term", "hr", "ci_lo", "ci_hi", "p"])
    suffix = "_adjusted" if adjusted else ""
    columns = {name: numeric_column(table, name + suffix) for name in ("hr", "ci_lo", "ci_hi", "p")}
    _save(forest_plot(table.assign(**columns)), output)


@plot_group.command("cutpoint")
@click.argument("cuts_file", type=click.Path(dir_okay=False))
@click.option("--marker", required=True)
@click.option("--cut", type=float, help="Chosen cut to mark (default: the cut with the largest statistic).")
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
@click.option("--locus", help="Only this locus.")
@_panel_option
@_figure_output
def plot_gel(calls_file, locus, panel, output) -> None:
    """Virtual gel of RFLP calls: observed bands beside the expected pattern of each call."""
    from genoassoc.report.figures import virtual_gel

    calls, catalog = _load_calls(calls_file, panel)
    if locus:
        calls = calls[calls["locus"] == (catalog.resolve(locus).id if locus in catalog else locus)]
    if "matched_bp" not in calls.columns:
        raise InputError("not an RFLP calls table (no observed_bp/matched_bp evidence)", calls_file)
    _save(virtual_gel(calls), output)


# ------------------------------------------------------------------------------------------------- gel

@main.group("gel", cls=Group)
def gel_group() -> None:
    """Gel photos: read lanes, bands and sizes from the image."""


@gel_group.command("bands")
@click.argument("photo", type=click.Path(dir_okay=False))
@click.option("--layout", required=True, type=click.Path(dir_okay=False),
              help="Lane layout: lane, sample ('ladder' for ladders), assay or locus[, tier].")
@click.option("--ladder", "ladder_spec", required=True,
              help="Ladder: sizes in bp (comma-separated) or a name (genoassoc gel ladders).")
@click.option("--overlay", type=click.Path(dir_okay=False),
              help="Draw lanes and bands with their sizes on the photo (.png/.svg/.pdf).")
@_output_options()
def gel_bands(photo, layout, ladder_spec, overlay, output, fmt) -> None:
    """The band table of a gel photo (what call --rflp reads): lanes found, bands detected and sized
    against the ladder; bands outside the ladder's range are listed in the note, not sized."""
    reading, table = _read_photo(photo, layout, ladder_spec)
    outputs = [(table.drop(columns=["note"]) if not table["note"].astype(bool).any() else table, output)]
    if overlay:
        from genoassoc.report.figures import gel_overlay

        labels = {(int(row["gel"].rsplit("tier", 1)[1]) if ":tier" in row["gel"] else 1, int(row["lane"])):
                  row["sample"] for _, row in table.iterrows()}
        _save(gel_overlay(reading, labels), overlay)
    _write_tables(outputs, fmt)
    counts = reading.bands.groupby("used").size().to_dict() if len(reading.bands) else {}
    click.echo(f"{len(reading.lanes)} lanes, {counts.get(True, 0)} bands sized, {counts.get(False, 0)} outside "
               "the ladder", err=True)


@gel_group.command("ladders")
@_output_options()
def gel_ladders(output, fmt) -> None:
    """The ladders known by name, with their sizes, reference bands and source."""
    import pandas as pd

    from genoassoc.calling.gel_image import known_ladders

    rows = [{"name": item.name, "sizes": ",".join(f"{size:g}" for size in item.sizes),
             "reference": ",".join(f"{size:g}" for size in item.reference), "source": item.source}
            for item in known_ladders().values()]
    _write_tables([(pd.DataFrame(rows), output)], fmt)


# ---------------------------------------------------------------------------------------------- assays

@main.group("assays", cls=Group)
def assays_group() -> None:
    """PCR-RFLP assays: list, show, learn their fragment sizes from a gel, design them from primers."""


@assays_group.command("list")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@_output_options()
def assays_list(assays_file, output, fmt) -> None:
    """One row per assay: id, locus, enzyme, fragments per allele, source."""
    import pandas as pd

    from genoassoc.assays import load_assays

    rows = [
        {
            "assay": assay.id,
            "locus": assay.locus,
            "enzyme": assay.enzyme,
            "alleles": ",".join(assay.alleles),
            "fragments_bp": "; ".join(
                f"{allele}: {'+'.join(map(str, sizes))}"
                for allele, sizes in zip(assay.alleles, assay.fragments, strict=True)
            ) if assay.sizes_known else f"learned from the gel (site on {assay.site_allele})",
            "source": assay.source,
            "from": assay.origin,
        }
        for assay in load_assays(assays_file)
    ]
    columns = ["assay", "locus", "enzyme", "alleles", "fragments_bp", "source", "from"]
    _write_tables([(pd.DataFrame(rows, columns=columns), output)], fmt)
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


@assays_group.command("learn")
@click.argument("gel", type=click.Path(dir_okay=False))
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@_panel_option
@click.option("--tolerance", default="5bp,5%", show_default=True, help="Band sizing tolerance.")
@click.option("--min-band", type=float, default=30.0, show_default=True, help="Detection floor in bp.")
@click.option("--toml", "toml_output", type=click.Path(dir_okay=False),
              help="Also write the learned sizes as assays (TOML) to reuse with --assays.")
@_output_options()
def assays_learn(gel, assays_file, panel, tolerance, min_band, toml_output, output, fmt) -> None:
    """Fragment sizes learned from a gel table for assays that give only their enzyme and site
    allele: per gel and over all lanes, with the lanes behind each pattern."""
    import pandas as pd

    from genoassoc.assays import load_assays
    from genoassoc.calling.learning import learned_toml
    from genoassoc.calling.rflp import Tolerance, call_rflp
    from genoassoc.io.records import write_text
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    assays = load_assays(assays_file, catalog)
    calls = call_rflp(gel, assays, Tolerance.parse(tolerance), min_band, catalog=catalog)
    learned = calls.attrs["learned"]
    if not learned:
        raise InputError("every assay on this gel has its fragment sizes already: nothing to learn", gel)
    rows = [{"assay": result.assay, "gel": result.gel or "all lanes", "lanes": result.lanes, "status": result.status,
             "fragments_bp": "; ".join(f"{allele}: {'+'.join(map(str, sizes))}"
                                       for allele, sizes in result.fragments.items()),
             "patterns": ", ".join(f"{genotype} {count}" for genotype, count in result.patterns.items()),
             "note": result.reason} for result in learned]
    used = [assays.get(assay_id) for assay_id in dict.fromkeys(result.assay for result in learned)]
    toml_text = learned_toml(used, learned, Path(gel).name) if toml_output else None
    _write_tables([(pd.DataFrame(rows), output)], fmt)
    if toml_text is not None:
        write_text(toml_text, toml_output)
    _notes(result.summary() for result in learned)


@assays_group.command("design")
@click.option("--locus", required=True, help="Locus (rsID, alias, or a --panel locus).")
@click.option("--reference", required=True, type=click.Path(dir_okay=False), help="Reference genome FASTA.")
@click.option("--primers", help="FWD,REV primer sequences (5'->3'); default: a window of --flank bases.")
@click.option("--flank", type=int, default=150, show_default=True, help="Bases either side of the SNP without primers.")
@_panel_option
@click.option("--build", type=click.Choice(["auto", "GRCh37", "GRCh38"]), default="auto", show_default=True)
@click.option("--gel-percent", type=float, default=3.0, show_default=True, help="Agarose percentage (resolution).")
@click.option("--min-band", type=float, default=30.0, show_default=True, help="Detection floor in bp.")
@click.option("--top", type=int, default=5, show_default=True, help="Assays to write (best first).")
@click.option("--dcaps", "always_dcaps", is_flag=True, help="Also design mismatch primers (dCAPS) when enzymes exist.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the assay TOML here (default: stdout).")
def assays_design(locus, reference, primers, flank, panel, build, gel_percent, min_band, top, always_dcaps,
                  output) -> None:
    """Design PCR-RFLP assays for a SNP from a reference FASTA: in-silico PCR, every commercially
    available enzyme that tells the alleles apart with its band patterns, mismatch primers (dCAPS)
    where none does. Writes ready assay TOML; a summary goes to stderr."""
    from genoassoc.design import amplify, assay_toml, dcaps, enzymes_for
    from genoassoc.io.records import write_text
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    target = catalog.resolve(locus)
    pair = None
    if primers:
        parts = _split((primers,))
        if len(parts) != 2:
            raise click.UsageError("--primers takes FORWARD,REVERSE")
        pair = (parts[0], parts[1])
    amplicon = amplify(target, reference, pair, flank, build)
    candidates = [candidate for candidate in enzymes_for(amplicon, target.alleles, min_band, gel_percent)
                  if candidate.usable]
    click.echo(f"{target.id}: amplicon {len(amplicon.sequence)} bp ({amplicon.note}), SNP at "
               f"{amplicon.snp_position}; {len(candidates)} enzymes tell the alleles apart", err=True)
    if always_dcaps or not candidates:
        mismatched = dcaps(target, reference, pair, flank, build, min_band=min_band, gel_percent=gel_percent)
        click.echo(f"{len(mismatched)} mismatch-primer (dCAPS) designs", err=True)
        candidates = candidates + mismatched if always_dcaps else mismatched
    if not candidates:
        raise InputError(f"no enzyme tells the alleles of {target.id} apart in this amplicon, even with a "
                         "mismatch primer")
    for candidate in candidates[:top]:
        patterns = "; ".join(f"{genotype} {'+'.join(map(str, sizes))}"
                             for genotype, sizes in candidate.patterns.items())
        flags = f"  [{'; '.join(candidate.flags)}]" if candidate.flags else ""
        click.echo(f"  {candidate.enzyme:<10} site on {candidate.site_allele}: {patterns}{flags}", err=True)
    source = f"{Path(reference).name}" + (f", primers {pair[0]}/{pair[1]}" if pair else f", +/-{flank} bp")
    write_text(assay_toml(target, candidates[:top], source), output)


if __name__ == "__main__":
    main()
