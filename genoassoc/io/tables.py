"""One reader for every table genoassoc takes in (TSV, CSV, XLSX) and one writer for what it puts out
(small reference tables also have a pandas-free reader with the same checks, `genoassoc.io.records`).

The reader checks the delimiter against the file's extension instead of guessing, refuses duplicate or
unnamed columns, and reports problems as `InputError` with file, row and column. The returned
DataFrame holds stripped strings, and its index is the row number in the file (header = row 1), so
later checks can name the row too.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.columns import ColumnNames
from genoassoc.io.records import (
    DEFAULT_READ,
    NUMBER,
    ReadOptions,
    delimited_text,
    expected_delimiter,
    float_text,
    no_rows,
    one_line,
    table_header,
    too_many_fields,
    write_text,
)


def _read_delimited(path: Path, keep: frozenset[str] | None, names: ColumnNames,
                    encoding: str | None) -> pd.DataFrame:
    fast = None if encoding else _read_columnar(path, keep, names)
    if fast is not None:
        return fast
    text, delimiter = delimited_text(path, encoding)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", str(path)) from None
    except pd.errors.ParserError as err:
        match = re.search(r"line (\d+), saw (\d+)", str(err))
        if match:
            raise too_many_fields(path, int(match.group(1)), int(match.group(2))) from None
        raise InputError(f"cannot parse the table ({err})", str(path)) from None
    return frame


def _read_columnar(path: Path, keep: frozenset[str] | None = None,
                   column_names: ColumnNames | None = None) -> pd.DataFrame | None:
    """A large UTF-8 table without quotes or control characters, parsed by pyarrow's
    CSV reader; None for anything else, which the text reader takes with its row-level messages.

    Columns of few distinct values in the first rows (locus, genotype, status...) become
    categoricals, each distinct value stripped once; the others (sample ids) pandas strings, trimmed
    by pyarrow only when the file holds a space at all. The file is parsed block by block, so a
    biobank's million-row calls table costs a few tens of MB beyond what it holds.
    """
    if path.stat().st_size < _COLUMNAR_FROM:
        return None
    with open(path, "rb") as handle:
        body = handle.read(1 << 16)
    if body.startswith((b"\xff\xfe", b"\xfe\xff", b"\n", b"\r")) or b"\n" not in body:
        return None
    body = body.removeprefix(b"\xef\xbb\xbf")
    try:
        first_line = body[: body.find(b"\n")].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    delimiter = expected_delimiter(path, first_line)
    every = [f"c{index}" for index in range(first_line.count(delimiter) + 1)]
    # columns the caller does not use are skipped by the parser (a calls table's evidence columns)
    words = [word.strip().lstrip("\ufeff") for word in first_line.split(delimiter)]
    kept = [True] * len(words) if keep is None else (column_names or ColumnNames()).keeps(words, keep)
    places = [index for index, wanted in enumerate(kept) if wanted]
    names = [every[index] for index in places]
    padded = _plain_text(path, delimiter.encode())
    if padded is None:
        return None
    # columns mostly distinct in the first rows (sample ids) are read as strings, the others
    # dictionary-encoded: a hash table of a million ids would cost more than the ids
    head = [line.split(delimiter) for line in body.decode("utf-8", "replace").splitlines()[1:-1]]
    distinct = [len({fields[index] for fields in head if index < len(fields)}) for index in places]
    import pyarrow as pa
    import pyarrow.csv as pcsv

    wide = [count * 2 > max(len(head), 1) for count in distinct]
    # the system allocator hands memory back; pyarrow's default pool keeps the parser's scratch
    pool = pa.system_memory_pool()
    texts: dict[int, list] = {index: [] for index in range(len(names)) if wide[index]}
    codes: dict[int, list[np.ndarray]] = {index: [] for index in range(len(names)) if not wide[index]}
    lookups: dict[int, dict[str, int]] = {index: {} for index in codes}
    try:
        reader = pcsv.open_csv(
            str(path),
            read_options=pcsv.ReadOptions(column_names=every, block_size=1 << 20),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.large_string() if wide[index] else pa.dictionary(pa.int32(), pa.large_string())
                              for index, name in enumerate(names)},
                include_columns=names, strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=pool,
        )
        # batch by batch, so that only one block's parse is alive: few-valued columns become codes
        # into stripped values at once
        for batch in reader:
            for index, found in texts.items():
                found.append(batch.column(index))
            for index, kept in codes.items():
                array, lookup = batch.column(index), lookups[index]
                values = array.dictionary.to_pylist()
                mapping = np.fromiter((lookup.setdefault(value.strip(), len(lookup)) for value in values),
                                      dtype=np.int32, count=len(values))
                coded = mapping[array.indices.to_numpy(zero_copy_only=False)]
                kept.append(coded.astype(np.int8) if len(lookup) < 128 else coded)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    columns: dict[int, Any] = {}
    for index in range(len(names)):
        if wide[index]:
            columns[index] = _arrow_strings(texts.pop(index), padded, pool)
        else:
            pieces = codes.pop(index)
            joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
            columns[index] = pd.Categorical.from_codes(joined, categories=pd.Index(list(lookups[index]), dtype=object))
    frame = pd.DataFrame(columns, copy=False)
    frame.attrs["stripped"] = True
    return frame


def _without_word(column: pd.Series, word: str) -> pd.Series:
    """The categorical without the category `word` when no row uses it (the header's own word: the
    only category the rows below the header may lack)."""
    categories = column.cat.categories
    if word not in categories:
        return column
    code = categories.get_loc(word)
    codes = column.cat.codes.to_numpy()
    if (codes == code).any():
        return column
    renumbered = np.where(codes > code, codes - 1, codes).astype(codes.dtype)
    coded = pd.Categorical.from_codes(renumbered, categories=categories.delete(code))
    return pd.Series(coded, index=column.index, name=column.name)


def _arrow_strings(chunks: list, padded: bool, pool: Any) -> Any:
    """pandas strings of pyarrow string chunks (no copy), trimmed when `padded`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.chunked_array(chunks, type=pa.large_string())
    if padded:
        text = pc.utf8_trim_whitespace(text, memory_pool=pool)
    return text.to_pandas()


def _plain_text(path: Path, delimiter: bytes) -> bool | None:
    """Whether a field may carry whitespace to trim, read in pieces; None when the file holds quotes
    or control characters (the text reader handles those). Blank lines need no check: pyarrow
    refuses them in a table of several columns, and in one column they are rows the table reader
    drops, as it drops the text reader's."""
    padded = False
    with open(path, "rb") as handle:
        while piece := handle.read(1 << 23):
            # bytes.translate keeps only the bytes not deleted, at memory speed
            if b'"' in piece or piece.translate(None, _NOT_CONTROL):
                return None
            padded = padded or bool(piece.translate(None, _NOT_SPACE + delimiter))
    return padded


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 26), 127])
_NOT_CONTROL = bytes(byte for byte in range(256) if byte not in _CONTROL_BYTES)
_NOT_SPACE = bytes(byte for byte in range(256) if byte not in b" \t\x0b\x0c")
# pandas reads small files faster than pyarrow starts
_COLUMNAR_FROM = 1 << 20


def _sheet_name(path: Path, names: list[str], sheet: str | int | None) -> str:
    """The sheet to read: `sheet` by name or 1-based number, else the first."""
    if sheet is None or sheet == "":
        return names[0]
    if isinstance(sheet, int) or str(sheet).isdigit():
        number = int(sheet)
        if not 1 <= number <= len(names):
            raise InputError(f"no sheet {number}: the workbook has {len(names)} ({', '.join(names)})", str(path))
        return names[number - 1]
    if sheet not in names:
        raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", str(path))
    return str(sheet)


# A worksheet is read whole into memory: beyond these the file is refused with the fix (a biobank table
# belongs in a CSV, which is read block by block), and a stray cell far from the data (XFD1048576 in a
# 7 kB file) does not make genoassoc allocate gigabytes.
MAX_SHEET_ROWS = 1_000_000
MAX_SHEET_CELLS = 20_000_000


def _check_sheet_size(path: Path, sheet: str) -> None:
    """The sheet's used range, from its declared dimension (read without loading the cells)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        rows, columns = workbook[sheet].max_row, workbook[sheet].max_column
    finally:
        workbook.close()
    if rows is None or columns is None:
        return
    if rows > MAX_SHEET_ROWS:
        raise InputError(f"sheet '{sheet}' reaches row {rows:,} (more than {MAX_SHEET_ROWS:,}): a cell far below the "
                         "data? delete it; a table this long belongs in a CSV, which genoassoc reads block by block",
                         str(path))
    if rows * columns > MAX_SHEET_CELLS:
        raise InputError(f"sheet '{sheet}' reaches row {rows:,} and column {columns:,} ({rows * columns:,} cells): "
                         "a cell far from the data? delete the empty rows and columns, or save the data as CSV",
                         str(path))


def read_sheet(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """A worksheet's cells as text, without a header (`sheet`: name or 1-based number; default the
    first), indexed by row from 1."""
    try:
        with pd.ExcelFile(path, engine="openpyxl") as workbook:
            names = [str(name) for name in workbook.sheet_names]
            chosen = _sheet_name(path, names, sheet)
            _check_sheet_size(path, chosen)
            frame = pd.read_excel(workbook, sheet_name=chosen, header=None, dtype=str)
    except InputError:
        raise
    except Exception as err:  # openpyxl raises many types for a damaged workbook
        raise InputError(f"cannot read the workbook ({err.__class__.__name__}: {err})", str(path)) from None
    if frame.dropna(how="all").empty:
        others = [name for name in names if name != chosen]
        hint = f"; give --sheet (sheets: {', '.join(names)})" if others and sheet is None else ""
        raise InputError(f"sheet '{chosen}' is empty{hint}", str(path))
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame.fillna("").astype(str)


def read_table(
    path: str | os.PathLike,
    required: Iterable[str] = (),
    *,
    optional: Iterable[str] = (),
    allow_no_rows: bool = False,
    only: Iterable[str] | None = None,
    options: ReadOptions = DEFAULT_READ,
) -> pd.DataFrame:
    """Read a TSV (.tsv/.txt/other), CSV (.csv, comma- or semicolon-separated) or Excel (.xlsx)
    table with a header row; text in UTF-8, UTF-16 or Windows-1252 (see `genoassoc.io.records`).

    The `required` and `optional` columns are found as `genoassoc.io.columns` reads a header (case,
    punctuation, synonyms, units, the user's ``--columns`` and ``--sample-col`` from `options`) and
    renamed to their own names; a missing required column raises `InputError` naming the accepted
    names and what was found, and so does a table with a header and no rows, unless `allow_no_rows`.
    `options` also holds the encoding, sheet and decimal comma (kept in ``attrs["decimal_comma"]``
    for `parse_numbers`).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods"):
        raise InputError(f"genoassoc does not read {suffix} workbooks: save it as .xlsx or as CSV", str(path))
    keep = None if only is None else frozenset(only)
    columns = options.names(required, optional)
    frame = (read_sheet(path, options.sheet) if suffix in (".xlsx", ".xlsm")
             else _read_delimited(path, keep, columns, options.encoding))
    if not frame.attrs.pop("stripped", False):
        frame = frame.fillna("").astype(str)
        frame = frame.apply(lambda column: column.str.strip())
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    blank = (frame == "").all(axis=1)
    if blank.any():
        frame = frame[~blank]
    if frame.empty:
        raise InputError("the file is empty", str(path))
    header_row = frame.index[0]
    header = table_header(list(frame.iloc[0]), lambda column: bool((frame.iloc[1:, column] == "").all()), path,
                          header_row, columns)
    words = list(frame.iloc[0])
    frame = frame.iloc[1:, : len(header)]
    for position in np.flatnonzero((frame.dtypes == "category").to_numpy()):
        frame.isetitem(position, _without_word(frame.iloc[:, position], words[position]))
    if frame.empty and not allow_no_rows:
        raise no_rows(path, header_row)
    frame.columns = header
    if keep is not None:
        frame = frame[[name for name in header if name in keep]]
    frame.attrs["source"] = str(path)
    frame.attrs["decimal_comma"] = options.decimal_comma
    return frame


_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")
_NUMBER = NUMBER.pattern  # genoassoc.io.records.NUMBER: the one rule for numbers in input files


def matches(text: pd.Series, pattern: str) -> pd.Series:
    """Whether each cell matches a regular expression from its start (pyarrow's vectorised regex:
    a biobank column costs milliseconds, not a Python call per cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.match_substring_regex(pa.array(text.astype(str), type=pa.string()), pattern)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index, dtype=bool)


def parse_numbers(text: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Text cells as floats, NaN where a cell is empty or not a decimal number (``1.5``, ``-2``,
    ``3e-4``). With `decimal_comma`, ``12,5`` is 12.5 (a comma beside a dot stays unreadable:
    ``1.234,5`` is refused)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(text.astype(str).str.strip(), type=pa.string())
    if decimal_comma:
        comma = pc.match_substring_regex(cells, _DECIMAL_COMMA.pattern)
        cells = pc.if_else(comma, pc.replace_substring(cells, ",", "."), cells)
    number = pc.match_substring_regex(cells, _NUMBER)
    values = pc.cast(pc.if_else(number, cells, pa.scalar(None, pa.string())), pa.float64())
    # 1e309 overflows to infinity: not a number a measurement can have (as 'inf' is refused)
    values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))
    # a writable copy: pandas < 2.3 computes a median in place
    return pd.Series(np.array(values.to_numpy(zero_copy_only=False), dtype=float), index=text.index)


def not_a_number(value: str, decimal_comma: bool = False) -> str:
    """The problem text for a cell that is not a number, with the fix when it has a decimal comma."""
    if re.match(_NUMBER, value.strip()):
        return f"'{value}' is beyond the range of numbers"
    if _DECIMAL_COMMA.match(value.strip()) and not decimal_comma:
        return f"'{value}' is not a number (a decimal comma? give --decimal-comma)"
    return f"'{value}' is not a number"


def numeric_column(frame: pd.DataFrame, column: str, *, allow_empty: bool = True) -> pd.Series:
    """A column as floats; empty cells become NaN, anything else non-numeric raises `InputError`."""
    comma = bool(frame.attrs.get("decimal_comma"))
    values = parse_numbers(frame[column], comma)
    bad = values.isna() & (frame[column] != "") if allow_empty else values.isna()
    if bad.any():
        row = bad.idxmax()
        shown = frame.at[row, column]
        problem = not_a_number(shown, comma) if shown else "a value is required"
        raise InputError(problem, frame.attrs.get("source"), int(row), column)
    return values


def _json_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _json_value(value.item())
    return value


def format_table(frame: pd.DataFrame, fmt: str = "tsv") -> str:
    """Text of a result table: TSV (default; floats to 15 significant digits) or JSON records at full
    float precision."""
    if fmt == "json":
        records = [
            {key: _json_value(value) for key, value in record.items()}
            for record in frame.to_dict(orient="records")
        ]
        return json.dumps(records, indent=1) + "\n"
    if fmt != "tsv":
        raise InputError(f"unknown output format '{fmt}' (use tsv or json)")
    # Joining column-wise string lists is several times faster than DataFrame.to_csv on large tables,
    # and a run of categorical columns is formatted once per distinct combination of its values.
    segments = [_coded_run(frame[run]) if len(run) > 1 else _text_column(frame[run[0]])
                for run in _column_runs(frame)]
    lines = ["\t".join(map(str, frame.columns))]
    lines += map("\t".join, zip(*segments, strict=True)) if segments else []
    return "\n".join(lines) + "\n"


def _column_runs(frame: pd.DataFrame) -> list[list[str]]:
    """Columns grouped into runs of consecutive categoricals; other columns stand alone."""
    runs: list[list[str]] = []
    previous_coded = False
    for name in frame.columns:
        coded = isinstance(frame[name].dtype, pd.CategoricalDtype)
        if coded and previous_coded:
            runs[-1].append(name)
        else:
            runs.append([name])
        previous_coded = coded
    return runs


def _coded_run(frame: pd.DataFrame) -> list[str]:
    """Text of consecutive categorical columns, built once per distinct combination of codes."""
    key = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        codes = frame[name].cat.codes.to_numpy().astype(np.int64) + 1
        key = key * (len(frame[name].cat.categories) + 1) + codes
    combination, uniques = pd.factorize(key)
    first_rows = pd.Series(np.arange(len(frame))).groupby(combination, observed=True).first().to_numpy()
    texts = ["\t".join(cells) for cells in zip(*[_text_column(frame[name].iloc[first_rows]) for name in frame.columns],
                                                 strict=True)]
    return np.asarray(texts, dtype=object)[combination].tolist()


def _text_column(values: pd.Series) -> list[str]:
    """Cells as TSV text: missing values empty, floats at full precision, tabs and newlines escaped."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = _text_column(pd.Series(values.cat.categories, dtype=object)) + [""]
        return np.asarray(categories, dtype=object)[values.cat.codes.to_numpy()].tolist()
    if pd.api.types.is_bool_dtype(values):
        return ["True" if value else "False" for value in values]
    if pd.api.types.is_float_dtype(values):
        return ["" if value != value else float_text(value) for value in values.tolist()]
    if pd.api.types.is_integer_dtype(values) and not values.isna().any():
        return list(map(str, values.tolist()))
    if not values.hasnans and pd.api.types.infer_dtype(values, skipna=False) == "string":
        text = values.tolist()
    else:
        text = values.astype(object).where(values.notna(), "").tolist()
        text = [cell if isinstance(cell, str) else str(cell) for cell in text]
    joined = "\x00".join(text)
    if "\t" in joined or "\n" in joined:
        text = [one_line(cell) for cell in text]
    return text


def write_table(frame: pd.DataFrame, output: str | os.PathLike | None = None, fmt: str = "tsv") -> None:
    """Write a result table as TSV or JSON to stdout or atomically to a file."""
    write_text(format_table(frame, fmt), output)
