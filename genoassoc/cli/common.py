"""What the commands share: the command class (read options, renamed options, repeated options, the
output guard), reading inputs with the command's read options, and writing results."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from genoassoc.errors import InputError

READ_KEY = "genoassoc.read_options"


def fail(problem: str) -> None:
    """One line on stderr, exit code 2 (bad input)."""
    click.echo(f"genoassoc: error: {_one_line(problem)}", err=True)
    sys.exit(2)


def _one_line(text: str) -> str:
    """Control characters from a file name or a cell shown escaped, so the message stays one line."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


class Command(click.Command):
    """A genoassoc command: the table-reading options (``--encoding``, ``--sheet``,
    ``--decimal-comma``) on every command, renamed options accepted with a note, a single-valued
    option given twice refused, and an output that would overwrite an input refused before anything
    is read."""

    def __init__(self, *args: Any, aliases: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases or {}
        from genoassoc.cli.options import read_option_params

        self.params += read_option_params()

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
        from genoassoc.io.columns import parse_columns
        from genoassoc.io.records import ReadOptions

        try:
            ctx.meta[READ_KEY] = ReadOptions(ctx.params.pop("encoding"), ctx.params.pop("sheet"),
                                             ctx.params.pop("decimal_comma"), ctx.params.pop("sample_col"),
                                             parse_columns(ctx.params.pop("columns")))
            refuse_overwriting_inputs(ctx)
            _check_inputs(ctx)
            return super().invoke(ctx)
        except InputError as err:
            fail(str(err))


class Group(click.Group):
    command_class = Command
    group_class = type


def read_options() -> Any:
    """The read options of the running command (`genoassoc.io.records.ReadOptions`), passed to
    every reader it calls."""
    from genoassoc.io.records import DEFAULT_READ

    return click.get_current_context().meta.get(READ_KEY, DEFAULT_READ)


def _check_inputs(ctx: click.Context) -> None:
    """Every input path option and argument names a regular file (see `check_input_files`)."""
    from genoassoc.io.records import check_input_files

    paths = []
    for param in ctx.command.params:
        if isinstance(param.type, click.Path) and param.name is not None and not _is_output(param) \
                and not _output_folder(param):
            given = [path for path in _paths(ctx.params.get(param.name)) if path != "-"]
            if param.type.dir_okay:  # a folder of inputs (--sanger): its files are checked as they are read
                given = [path for path in given if not os.path.isdir(path)]
            paths += given
    check_input_files(paths)


def _paths(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | os.PathLike):
        return [str(value)]
    if isinstance(value, Iterable):
        return [str(item) for item in value if item]
    return []


def _is_output(param: click.Parameter) -> bool:
    return param.name is not None and ("output" in param.name or param.name in ("overlay",))


def _output_folder(param: click.Parameter) -> bool:
    """An option naming a folder to write files into (--trace-figures): checked where it is used."""
    return isinstance(param.type, click.Path) and not param.type.file_okay


# files a reader opens beside its input (indexes, a FASTA's index): an output must not replace them either
_BESIDE = (".bai", ".crai", ".csi", ".tbi", ".fai", ".gzi")


def _beside(path: str) -> list[str]:
    stem = path[: -len(Path(path).suffix)] if Path(path).suffix else path
    return [path + suffix for suffix in _BESIDE] + [stem + ".bai", stem + ".crai"]


def _listed(ctx: click.Context) -> list[str]:
    """Files named inside the command's list files (--bam-list)."""
    listed = []
    path = ctx.params.get("bam_list")
    if path:
        try:
            from genoassoc.calling.bam import read_bam_list

            listed = read_bam_list(path)
        except (InputError, OSError, UnicodeDecodeError):
            listed = []
    return listed


def _identity(path: str) -> list[str]:
    keys = [os.path.realpath(path)]
    try:
        status = os.stat(path)
        keys.append(f"{status.st_dev}:{status.st_ino}")
    except OSError:
        pass
    return keys


def refuse_overwriting_inputs(ctx: click.Context, extra_inputs: Iterable[str] = ()) -> None:
    """Refuse an output that names an input of the command (its path options, and `extra_inputs`
    such as the files a study file names), compared by path and by file identity (hard links)."""
    outputs: list[tuple[str, str]] = []
    inputs: dict[str, str] = {}
    for param in ctx.command.params:
        if not isinstance(param.type, click.Path) or param.name is None or _output_folder(param):
            continue
        label = param.opts[-1] if isinstance(param, click.Option) else param.human_readable_name
        for path in _paths(ctx.params.get(param.name)):
            if path == "-":
                continue
            if _is_output(param):
                outputs.append((path, label))
            else:
                inputs.setdefault(path, label)
    for path in extra_inputs:
        inputs.setdefault(path, "the study file's " + Path(path).name)
    for path in _listed(ctx):
        inputs.setdefault(path, f"a file of --bam-list ({Path(path).name})")
    for path, label in list(inputs.items()):
        for beside in _beside(path):
            inputs.setdefault(beside, f"the index beside {label}")
    identities = {key: label for path, label in inputs.items() for key in _identity(path)}
    for path, option in outputs:
        for key in _identity(path):
            if key in identities:
                raise InputError(f"{option} {Path(path).name} would overwrite the input given as {identities[key]}; "
                                 "choose another output file")
    check_output_folders([path for path, _ in outputs])


def check_output_folders(outputs: Iterable[str | None]) -> None:
    """Refuse, before any work, outputs whose folder is missing or not writable, that are folders,
    or that name one file twice (the last would silently win)."""
    import stat

    chosen = [path for path in outputs if path and path != "-"]
    for path in chosen:
        target = Path(os.path.realpath(path))
        if target.is_dir():
            raise InputError("the output is a folder: give a file name", path)
        folder = target.parent
        if not folder.is_dir():
            raise InputError("the output folder does not exist", path)
        special = target.exists() and not stat.S_ISREG(os.stat(target).st_mode)
        if not special and not os.access(folder, os.W_OK):
            raise InputError("the output folder is not writable", path)
    resolved = [os.path.realpath(path) for path in chosen]
    if len(set(resolved)) < len(resolved):
        twice = next(path for path in chosen if resolved.count(os.path.realpath(path)) > 1)
        raise InputError("two outputs name the same file; give each its own", twice)


def split(values: Iterable[str | None]) -> list[str]:
    """List options: commas and repetition alike (``--covariates age,sex`` = ``--covariates age
    --covariates sex``)."""
    return [name.strip() for value in values if value for name in value.split(",") if name.strip()]


CODING_KEY = "genoassoc.coding"


def keep_coding(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback of the coding options: their values are kept for `make_coding` (one object, not
    three parameters of every command)."""
    if param.name:
        ctx.meta.setdefault(CODING_KEY, {})[param.name] = value
    return value


def make_coding() -> Any:
    """The phenotype coding the running command's ``--below-lloq``, ``--ref-level`` and
    ``--merge-case-variants`` give (`genoassoc.phenotypes.Coding`)."""
    from genoassoc.phenotypes import Coding, parse_ref_levels

    given = click.get_current_context().meta.get(CODING_KEY, {})
    return Coding(below_lloq=given.get("below_lloq"), ref_levels=parse_ref_levels(list(given.get("ref_level") or ())),
                  merge_case_variants=bool(given.get("merge_case_variants")))


def choose_calls(positional: str | None, option: str | None, required: bool = True) -> str | None:
    if positional and option and positional != option:
        raise click.UsageError("give the calls table once, as the first argument or as --calls")
    chosen = positional or option
    if required and not chosen:
        raise click.UsageError("give the calls table (first argument or --calls)")
    return chosen


def load_calls(path: str, panel: str | None, preload: tuple[str, ...] = (), statistics_only: bool = False,
               options: Any = None) -> tuple[Any, Any]:
    """The calls table and catalog; the statistics modules in `preload` are imported meanwhile (a
    biobank's table is parsed by pyarrow outside the interpreter lock, so the two overlap)."""
    import threading

    from genoassoc.calls import ANALYSIS_COLUMNS, read_calls
    from genoassoc.loci import load_catalog

    options = options or read_options()
    loading = [threading.Thread(target=importlib.import_module, args=(name,), daemon=True) for name in preload]
    for thread in loading:
        thread.start()
    catalog = load_catalog(panel)
    calls = read_calls(path, catalog, ANALYSIS_COLUMNS if statistics_only else None, options)
    for thread in loading:
        thread.join()
    return calls, catalog


def read_pheno(path: str, *, repeated: bool = False, options: Any = None) -> Any:
    """A phenotype table read with the command's read options (sample column included)."""
    from genoassoc.phenotypes import read_phenotypes

    return read_phenotypes(path, repeated=repeated, options=options or read_options())


PUBLICATION_FORMATS = ("markdown", "html", "docx")
TABLE_FORMATS = ("tsv", "json", *PUBLICATION_FORMATS)


def write_result(result: Any, output: str | None, fmt: str, publication: Callable[[], Any]) -> None:
    """The machine table (TSV/JSON) or the publication table (Markdown/HTML/Word) of a result."""
    if fmt not in PUBLICATION_FORMATS:
        write_tables([(result.table, output)], fmt)
        return
    from genoassoc.io.records import write_bytes, write_text
    from genoassoc.report.publication import render, with_notes

    if fmt == "docx" and output is None:
        raise click.UsageError("--format docx writes a Word file: give -o FILE.docx")
    rendered = render([with_notes(publication(), result.notes)], fmt)
    if isinstance(rendered, bytes):
        write_bytes(rendered, output)
    else:
        write_text(rendered, output)


def write_tables(tables: list[tuple[Any, str | None]], fmt: str) -> None:
    """Format every table first, then write: one failure leaves no partial set of files."""
    from genoassoc.io.tables import format_table, write_text

    texts = [(format_table(table, fmt), output) for table, output in tables if table is not None]
    for text, output in texts:
        write_text(text, output)


def notes(lines: Iterable[str]) -> None:
    for line in lines:
        if line:
            click.echo(line, err=True)


def progress(label: str) -> Callable[[int, int], None] | None:
    """A progress callback writing to stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def save_figure(figure: Any, output: str) -> None:
    from genoassoc.report.figures import save

    if not str(output).lower().endswith((".png", ".svg", ".pdf")):
        raise click.UsageError("-o must end in .png, .svg or .pdf")
    save(figure, output)
