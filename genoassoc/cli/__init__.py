"""The `genoassoc` command line: parse options, call one analysis, write its result.

Commands live by group: `calling` (call, gel, assays), `qc` (hwe, qc, concordance), `association`
(assoc, rmst, competing, cox, cutpoint, corr, paired, table1, longitudinal, split-visits, meta,
power), `measurements` (pk, elisa) and `report` (report, plot). Every option is declared once
(`genoassoc.cli.options`); analysis settings take their name, default and meaning from
`genoassoc.study.SETTINGS`, as the study file does. Bad input ends with one line on stderr and exit
code 2, and no output file. Heavy libraries are imported inside the commands that need them so that
`genoassoc --help` stays fast.
"""

from __future__ import annotations

import click

from genoassoc import __version__
from genoassoc.cli.common import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genoassoc")
def main() -> None:
    """Genotype calling, QC and association for pharmacogenetic and biomarker studies."""
    import signal

    # SIGTERM (a scheduler's kill, a closed terminal) ends the run as an exception: the writers remove
    # their temporary files on the way out
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, stop)


from genoassoc.cli import association, calling, measurements, qc, report  # noqa: E402,F401  (register commands)

__all__ = ["main"]
