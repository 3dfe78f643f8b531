"""Every option of the command line, declared once. Analysis settings come from the one table of
settings (`genoassoc.study.SETTINGS`): the same name, default and meaning as the study-file key and
the keyword argument; the rest (inputs, outputs, columns) are declared here and reused by every
command that takes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from genoassoc.study import SETTINGS


def options(*decorators: Callable) -> Callable:
    """Several options as one decorator."""
    def decorate(command: Callable) -> Callable:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return decorate


def _help(name: str) -> str:
    setting = SETTINGS[name]
    text = setting.meaning[0].upper() + setting.meaning[1:]
    return text if text.endswith(".") else text + "."


def setting(name: str, *flags: str, choices: Sequence[str] | None = None, **overrides: Any) -> Callable:
    """The option of a study setting: ``--below-lloq`` for ``below_lloq``, its default, type and
    help from `SETTINGS`."""
    entry = SETTINGS[name]
    flags = flags or (entry.option,)
    params: dict[str, Any] = {"help": _help(name)}
    kind = entry.kind
    if kind == "bool" and entry.default is None:
        flags = (f"{entry.option}/--no-{entry.option[2:]}",)
        params["default"] = None
    elif kind == "bool":
        params.update(is_flag=True, default=entry.default)
    elif kind in ("list", "paths"):
        params["multiple"] = True
    else:
        allowed = choices or entry.choices
        types = {"int": int, "float": float, "path": click.Path(dir_okay=False), "folder": click.Path(file_okay=False)}
        params["type"] = click.Choice(list(allowed)) if allowed else types.get(kind, str)
        params["default"] = entry.default
        params["show_default"] = entry.default is not None
    params.update(overrides)
    return click.option(*flags, name, **params)


READING = ("encoding", "sheet", "decimal_comma", "sample_col", "columns")


def read_option_params() -> list[click.Option]:
    """The table-reading options every command takes (`genoassoc.io.records.ReadOptions`)."""
    return [click.Option([SETTINGS[name].option], help=_help(name), is_flag=SETTINGS[name].kind == "bool",
                         multiple=SETTINGS[name].kind == "list", default=SETTINGS[name].default,
                         show_default=name == "sample_col") for name in READING]


def output_options(formats: tuple[str, ...] = ("tsv", "json")) -> Callable:
    text = ("Table format: tsv/json (machine, full precision)" +
            (", or markdown/html/docx (a publication table; docx needs -o)." if "docx" in formats else "."))
    return options(
        click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                     help="Write to this file (only when the command succeeds) instead of stdout."),
        click.option("--format", "fmt", type=click.Choice(formats), default="tsv", show_default=True, help=text),
    )


figure_output = click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
                             help="Figure file (.png, .svg or .pdf).")
panel = setting("panel")
pheno = options(
    click.option("--pheno", required=True, type=click.Path(dir_okay=False),
                 help="Phenotype table, one row per sample."),
)
calls = click.option("--calls", "calls_option", type=click.Path(dir_okay=False), help="Calls table.")
calls_argument = click.argument("calls_file", required=False, type=click.Path(dir_okay=False))
def _coding_option(name: str) -> Callable:
    from genoassoc.cli.common import keep_coding

    return setting(name, callback=keep_coding, expose_value=False)


coding = options(_coding_option("ref_level"), _coding_option("below_lloq"), _coding_option("merge_case_variants"))
covariates = setting("covariates")
p_adjust = setting("p_adjust")
tau = setting("tau")
ties = setting("ties")
MODEL_CHOICES = list(SETTINGS["model"].choices or ())


def genotypes(locus_required: bool = False, all_models: bool = False) -> Callable:
    """``--calls --locus --model --effect-allele --panel``."""
    return options(
        calls,
        setting("locus", required=locus_required),
        setting("model", choices=[*MODEL_CHOICES, "all"] if all_models else None),
        setting("effect_allele"),
        panel,
    )


def survival(required: bool = True) -> Callable:
    return options(
        click.option("--time", "time_col", required=required, help="Survival time column."),
        click.option("--event", "event_col", required=required, help="Event column (1 = event, 0 = censored)."),
    )


competing = options(
    click.option("--time", "time_col", required=True, help="Time to the first event (or censoring) column."),
    click.option("--cause", "cause_col", required=True,
                 help="Cause column: the cause of interest, the censoring code, or any other value (competing)."),
    setting("failcode"),
    setting("cencode"),
)
by_column = click.option("--by", "by_column", help="Grouping column; or group by genotype with --calls.")
