"""The `genoassoc` command line: parse options, call one analysis, write its result.

Commands live by group: `calling` (call, gel, assays), `qc` (hwe, qc, concordance), `association`
(assoc, rmst, competing, cox, cutpoint, corr, paired, table1, longitudinal, split-visits, meta,
power), `measurements` (pk, elisa) and `report` (report, plot). Every option is declared once
(`genoassoc.cli.options`); analysis settings take their name, default and meaning from
`genoassoc.study.SETTINGS`, as the study file does. Bad input ends with one line on stderr and exit
code 2, and no output file. Heavy libraries are imported inside the commands that need them, and a
group's module only when one of its commands runs, so that start-up stays short.
"""

from __future__ import annotations

import importlib

import click

from genoassoc import __version__
from genoassoc.cli.common import Group

# the module that registers each top-level command (a test checks this against the modules)
COMMAND_MODULES = {
    **dict.fromkeys(("call", "gel", "assays"), "calling"),
    **dict.fromkeys(("hwe", "qc", "concordance"), "qc"),
    **dict.fromkeys(("assoc", "rmst", "competing", "cox", "cutpoint", "corr", "paired", "table1", "longitudinal",
                     "split-visits", "meta", "power"), "association"),
    **dict.fromkeys(("pk", "elisa"), "measurements"),
    **dict.fromkeys(("report", "plot"), "report"),
}


class Main(Group):
    """The top-level group: a command's module is imported when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMAND_MODULES:
            importlib.import_module(f"genoassoc.cli.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)


def load_commands() -> click.Group:
    """`main` with every command registered (for code that walks `main.commands`)."""
    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"genoassoc.cli.{module}")
    return main


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
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


__all__ = ["load_commands", "main"]
