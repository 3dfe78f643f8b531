"""Measurement commands: `pk` (drug exposure from PK samples) and `elisa` (IL-6 from ELISA plates)."""

from __future__ import annotations

import click

from genoassoc.cli import main
from genoassoc.cli import options as O  # noqa: N812
from genoassoc.cli.common import (
    TABLE_FORMATS,
    check_output_folders,
    notes,
    read_options,
    write_result,
    write_tables,
)


@main.command("pk", aliases={"--tau": "--auc-end"})
@click.argument("samples_file", type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(["linear", "linear-up/log-down"]), default="linear", show_default=True,
              help="Trapezoidal rule for AUC.")
@click.option("--blq-before", type=click.Choice(["zero", "missing"]), default="zero", show_default=True,
              help="BLQ values before the first measurable concentration.")
@click.option("--blq-after", type=click.Choice(["missing", "zero"]), default="missing", show_default=True,
              help="BLQ values after the first measurable concentration.")
@click.option("--lloq", type=float, help="Lower limit of quantification of the drug assay: smaller concentrations "
                                         "are BLQ.")
@click.option("--auc-end", type=float, default=24.0, show_default=True,
              help="End of the partial AUC (h): the auc_0_24 column (auc_0_12 for 12).")
@O.output_options(TABLE_FORMATS)
def pk_command(samples_file, method, blq_before, blq_after, lloq, auc_end, output, fmt) -> None:
    """Non-compartmental PK per sample: C0, Cmax, Tmax, AUC0-t, AUC0-24, lambda_z, t1/2."""
    from genoassoc.analysis.exposure import pk
    from genoassoc.io.pk_samples import read_pk_samples

    result = pk(read_pk_samples(samples_file, lloq, read_options()), method=method, blq_before=blq_before,
                blq_after=blq_after, auc_end=auc_end)
    from genoassoc.report.publication import pk_publication

    write_result(result, output, fmt, lambda: pk_publication(result))
    notes(result.notes)


@main.command("elisa")
@click.argument("plates", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--layout", required=True, type=click.Path(dir_okay=False),
              help="Plate layout: well, sample[, type][, conc][, dilution][, plate].")
@O.setting("standards")
@O.setting("curve")
@O.setting("weights")
@O.setting("max_cv", type=click.FloatRange(0, 1000, min_open=True))
@O.setting("lloq", type=click.FloatRange(0, min_open=True))
@O.setting("uloq", type=click.FloatRange(0, min_open=True))
@O.setting("analyte")
@O.setting("wavelength")
@O.setting("correction")
@click.option("--wells-output", type=click.Path(dir_okay=False), help="Every well: OD and read-back concentration.")
@click.option("--qc-output", type=click.Path(dir_okay=False),
              help="Per plate: standards' recovery, blanks, controls against their range.")
@click.option("--curves-output", type=click.Path(dir_okay=False),
              help="Per plate: curve parameters with SEs, residual SE, R², LLOQ and ULOQ.")
@click.option("--plot", "plot_output", type=click.Path(dir_okay=False),
              help="Figure of the standard curve with the samples (.png/.svg/.pdf; one plate: this file, several: "
                   "one file per plate named FILE-PLATE.ext).")
@O.output_options()
def elisa_command(plates, layout, standards, curve, weights, max_cv, lloq, uloq, analyte, wavelength, correction,
                  wells_output, qc_output, curves_output, plot_output, output, fmt) -> None:
    """IL-6 (or any analyte) from ELISA plate reader exports: 4PL/5PL standard curves, every well read
    back with its 95% interval, replicates averaged, LLOQ/ULOQ; writes a phenotype table (sample, il6,
    il6_low, il6_high, il6_cv, il6_flag, plate) with '<LLOQ'/'>ULOQ' values that assoc, corr, cutpoint,
    table1 and report read."""
    from genoassoc.analysis.elisa import elisa, parse_standards
    from genoassoc.io.plates import read_layout

    if plot_output and not str(plot_output).lower().endswith((".png", ".svg", ".pdf")):
        raise click.UsageError("--plot must end in .png, .svg or .pdf")
    check_output_folders([output, wells_output, qc_output, curves_output, plot_output])
    options = read_options()
    result = elisa(list(plates), read_layout(layout, options), standards=parse_standards(standards), curve=curve,
                   weights=weights, max_cv=max_cv, lloq=lloq, uloq=uloq, analyte=analyte, wavelength=wavelength,
                   correction=correction, options=options)
    if plot_output:
        from genoassoc.report.figures import save, standard_curve_plot

        stem, _, extension = str(plot_output).rpartition(".")
        names = [fitted.plate for fitted in result.curves]
        for name in names:
            save(standard_curve_plot(result, name), plot_output if len(names) == 1 else f"{stem}-{name}.{extension}")
    extra = [(result.wells, wells_output), (result.qc, qc_output), (result.parameters, curves_output)]
    write_tables([(result.table, output), *[(table, path) for table, path in extra if path]], fmt)
    notes(result.notes)
