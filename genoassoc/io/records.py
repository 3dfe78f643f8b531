"""Table input and output without pandas: small tables (the locus catalog, panels) read with the
checks and messages of `genoassoc.io.tables.read_table` (whose header and text checks live here),
row dicts written as TSV, and the atomic text writer every output goes through. Commands that need
nothing else from pandas (BAM calling) start without loading it.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from genoassoc.errors import InputError
from genoassoc.io.columns import ColumnNames

_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control characters that never occur in a text table (tab, newlines, form feed and Ctrl-Z allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x7f]")


@dataclass(frozen=True)
class ReadOptions:
    """How input tables are read, given to every reader as a parameter: a forced text `encoding`
    (default: detected), the `sheet` of a workbook (name, or 1-based number; default the first),
    `decimal_comma` (``12,5`` is 12.5; a table read with it carries ``attrs["decimal_comma"]``, so its
    numbers are parsed that way wherever they are used), and the user's column names: `sample_col`
    (the sample id column) and `columns` ((expected, name in the file) pairs; see
    `genoassoc.io.columns`)."""

    encoding: str | None = None
    sheet: str | int | None = None
    decimal_comma: bool = False
    sample_col: str = "sample"
    columns: tuple[tuple[str, str], ...] = ()

    def names(self, required: Iterable[str] = (), optional: Iterable[str] = ()) -> ColumnNames:
        """How a table's header is read under these options (see `genoassoc.io.columns`)."""
        given = dict(self.columns)
        if self.sample_col != "sample":
            given.setdefault("sample", self.sample_col)
        return ColumnNames(tuple(required), tuple(optional), given)


DEFAULT_READ = ReadOptions()


def _utf16_without_bom(raw: bytes) -> str | None:
    """utf-16-le/-be when every other byte of the start is NUL (Excel "Unicode text" lost its BOM)."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode_text(raw: bytes, path: Path, encoding: str | None = None) -> str:
    """A text file's content: UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern: Excel's
    "Unicode text"), else Windows-1252 (Excel's "Text (tab delimited)" on Windows), or `encoding`."""
    if raw.startswith(b"PK\x03\x04"):
        raise InputError("this is a zip archive, not text (an Excel workbook? give it the .xlsx extension)",
                         str(path))
    if raw.startswith(_OLE2):
        raise InputError("this is an Excel 97-2003 workbook (.xls), which genoassoc does not read: "
                         "save it as .xlsx or as CSV", str(path))
    if encoding:
        try:
            return raw.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}' (e.g. utf-8, utf-16, cp1252, latin-1)") from None
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            raise InputError(f"not {encoding} text", str(path), line) from None
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        wide = _utf16_without_bom(raw)
        candidates = [wide] if wide else ["utf-8", "cp1252", "latin-1"]
    for candidate in candidates[:-1]:
        try:
            return raw.decode(candidate)
        except UnicodeDecodeError:
            continue
    try:
        return raw.decode(candidates[-1])
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(f"not {candidates[-1]} text (is it a binary file? --encoding forces one)", str(path),
                         line) from None


def _expected_delimiter(path: Path, header_line: str) -> str:
    if path.suffix.lower() != ".csv":
        return "\t"
    # European Excel writes CSV with semicolons (the comma is its decimal mark).
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _check_header_delimiter(header_line: str, delimiter: str, path: Path) -> None:
    if delimiter in header_line:
        return
    for other in ("\t", ",", ";"):
        if other != delimiter and other in header_line:
            hint = "save it as .csv" if other in ",;" else "save it as .tsv (tab-separated)"
            raise InputError(
                f"the header is {_DELIMITER_NAMES[other]}-separated but a {path.suffix or 'plain'} "
                f"file is read as {_DELIMITER_NAMES[delimiter]}-separated; {hint}",
                str(path),
                1,
            )


def delimited_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and its delimiter, after the checks both readers share."""
    text = decode_text(path.read_bytes(), path, encoding)
    if not text.replace("\x00", "").strip():
        raise InputError("the file is empty", str(path))
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("NUL bytes in the text (is it a binary file?)", str(path), line)
    control = _CONTROL.search(text)
    if control:
        line = text[: control.start()].count("\n") + 1
        raise InputError("control characters in the text (is it a binary file?)", str(path), line)
    first_line = next(line for line in text.splitlines() if line.strip())
    return text, expected_delimiter(path, first_line)


def expected_delimiter(path: Path, first_line: str) -> str:
    """The delimiter the extension implies, checked against the header line."""
    delimiter = _expected_delimiter(path, first_line)
    _check_header_delimiter(first_line, delimiter, path)
    return delimiter


MAX_TOML_DEPTH = 32  # genoassoc's files nest two or three deep; the parser recurses per level


def _toml_depth(text: str) -> int:
    """The deepest nesting of inline arrays and tables, outside strings and comments."""
    depth = deepest = 0
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            index = text.find("\n", index)
            if index < 0:
                break
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1
    return deepest


def read_toml(path: str | os.PathLike) -> tuple[dict, str]:
    """A TOML file (assays, study settings) and its text: UTF-8 with or without BOM; anything else, a
    syntax error or nesting too deep for the parser is one line naming the file."""
    import tomllib

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise InputError("not UTF-8 text (TOML files are UTF-8)", str(path), line) from None
    if _toml_depth(text) > MAX_TOML_DEPTH:
        raise InputError(f"not valid TOML for genoassoc (arrays or tables nested more than {MAX_TOML_DEPTH} deep)",
                         str(path))
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"not valid TOML ({err})", str(path)) from None
    except RecursionError:
        raise InputError("not valid TOML (nested too deeply)", str(path)) from None


def check_input_files(paths: Iterable[str | os.PathLike]) -> None:
    """Each input a regular file: a missing file, a folder, a FIFO, a device or socket, or a
    symbolic-link loop is refused in one line before anything is read (a FIFO would hang a reader,
    /dev/zero fill the memory)."""
    import stat

    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise InputError("no such file", str(path)) from None
        except OSError as err:  # ELOOP (a symbolic-link loop), EACCES
            raise InputError(f"cannot open the file ({err.strerror})", str(path)) from None
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
            raise InputError(f"is {kind}, not a file", str(path))


def no_rows(path: Path, header_row: int) -> InputError:
    return InputError("the table has a header but no rows", str(path), header_row)


def too_many_fields(path: Path, row: int, fields: int) -> InputError:
    return InputError(f"{fields} fields where the header has fewer", str(path), row)


def read_records(
    path: str | os.PathLike,
    required: Iterable[str] = (),
    *,
    optional: Iterable[str] = (),
    allow_no_rows: bool = False,
    options: ReadOptions = DEFAULT_READ,
) -> list[tuple[int, dict[str, str]]]:
    """A small table (catalog, panel) as (row number, {column: stripped text}) pairs, with the
    checks and messages of `read_table` but without loading pandas (an .xlsx goes through
    `read_table`). For reference-sized files; `read_table` is the fast reader for big ones."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from genoassoc.io.tables import read_table

        table = read_table(path, required, optional=optional, allow_no_rows=allow_no_rows, options=options)
        return [(int(row), dict(zip(table.columns, values, strict=True)))
                for row, values in zip(table.index, table.itertuples(index=False), strict=True)]
    text, delimiter = delimited_text(path, options.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        lines = list(reader)
    except csv.Error as err:
        raise InputError(f"cannot parse the table ({err})", str(path), reader.line_num) from None
    width = len(lines[0])
    rows = []
    for number, cells in enumerate(lines, start=1):
        if len(cells) > width:
            raise too_many_fields(path, number, len(cells))
        cells = [cell.strip() for cell in cells] + [""] * (width - len(cells))
        if any(cells):
            rows.append((number, cells))
    if not rows:
        raise InputError("the file is empty", str(path))
    header_row, names = rows[0]
    header = table_header(names, lambda column: not any(cells[column] for _, cells in rows[1:]), path,
                          header_row, options.names(required, optional))
    if len(rows) == 1 and not allow_no_rows:
        raise no_rows(path, header_row)
    return [(number, dict(zip(header, cells, strict=False))) for number, cells in rows[1:]]


def table_header(names: list[str], column_is_empty: Callable[[int], bool], path: Path, header_row: int,
                 columns: ColumnNames) -> list[str]:
    """Column names after the header checks: trailing unnamed empty columns dropped, no unnamed or
    duplicate names, each expected column found under its own name (`genoassoc.io.columns`)."""
    header = list(names)
    while header and header[-1] == "" and column_is_empty(len(header) - 1):
        header.pop()
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name == "":
            raise InputError(f"column {position} has no name", str(path), header_row)
        if name in seen:
            raise InputError(
                f"duplicate column '{name}' (columns {seen[name]} and {position})", str(path), header_row
            )
        seen[name] = position
    return columns.rename(header, str(path), header_row)


def format_records(columns: list[str], rows: list[dict]) -> str:
    """TSV text of row dicts, cell for cell as `genoassoc.io.tables.format_table` writes a
    DataFrame: missing values empty, floats at full precision, tabs and newlines made spaces."""
    lines = ["\t".join(columns)]
    lines += ["\t".join(_cell_text(row.get(column)) for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = float_text(value) if isinstance(value, float) else str(value)
    return one_line(text) if "\t" in text or "\n" in text else text


# The one form of a number in an input file, for every reader (phenotypes, bands, PK, meta, plates):
# ASCII digits, an optional sign, point and exponent. Python's float() also takes '1_000', 'nan', 'inf'
# and other scripts' digits, none of which a lab sheet means as a number.
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)


def number_or_none(text: str) -> float | None:
    """The finite number a cell holds by the rule above, else None (1e309 overflows: None)."""
    text = text.strip()
    if not NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def float_text(value: float) -> str:
    """A float in a TSV cell: 15 significant digits, the most a double holds for every value, so
    arithmetic artefacts (``4.691999999999999``, ``3880.1499999999996``) are written 4.692 and 3880.15;
    JSON output keeps the exact binary value."""
    return f"{value:.15g}"


def one_line(cell: str) -> str:
    """A TSV cell's text: tabs and newlines become spaces."""
    return cell.replace("\t", " ").replace("\n", " ")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(data: bytes, output: str | os.PathLike) -> None:
    """Write a file atomically (a failed or interrupted run never leaves a partial file, nor its
    temporary file) with the permissions a plain ``open`` would give under the user's umask (0644
    under umask 022). A symbolic link is followed and its target written; a FIFO or a device is
    written through (it cannot be replaced)."""
    import stat

    target = Path(os.path.realpath(output))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = 0
    except OSError as err:
        raise InputError(f"cannot write the output ({err.strerror})", str(output)) from None
    if mode and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise InputError("the output is a folder: give a file name", str(output))
        with open(target, "wb") as stream:  # a FIFO or a device (/dev/null, /dev/stdout)
            stream.write(data)
        return
    directory = target.parent
    if not directory.is_dir():
        raise InputError("the output folder does not exist", str(output))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(text: str, output: str | os.PathLike | None) -> None:
    """Write UTF-8 text to stdout, or atomically to `output` (see `write_bytes`)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_bytes(text.encode("utf-8"), output)
