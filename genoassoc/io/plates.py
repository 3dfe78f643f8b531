"""Microplate reader exports and plate layouts (ELISA).

Plate files as readers export them, in CSV/TSV/TXT or XLSX:

- **grids**: one or more 8 x 12 blocks, a header row ``1 .. 12`` above rows ``A .. H`` (BioTek Gen5,
  Tecan, SoftMax Pro "plate format", a sheet typed by hand). Text around the blocks (instrument, date,
  protocol) is skipped. Each block is one read; its wavelength is taken from the text just above the
  block or beside its first row (``450``, ``Read 2:570``, ``abs450:450``, ``OD 450 nm``).
- **long tables**: a ``well`` column (``A1`` or ``A01``) and the optical density in a column named
  ``od``, ``value``, ``absorbance`` or by its wavelength (``450``, ``A450``, ``OD450``); several wavelength
  columns are several reads; an optional ``plate`` column holds several plates.

Cells that a reader writes for a well beyond its range (``OVRFLW``, ``OVER``, ``Overflow``, ``Sat``,
``>3.5``, ``*``) are *saturated*; empty cells have no reading. Any other text is refused with its file,
row and column: a number is never guessed.

The layout (`read_layout`) names each well: a long table ``well, sample[, type][, conc][, dilution]
[, plate]``. ``type`` is ``standard``, ``blank``, ``control`` or ``sample`` (default: ``S1``/``Std1``/
``Standard 1`` are standards, ``blank``/``zero``/``B0`` blanks, ``ctrl``/``control``/``QC`` controls, any other
id a sample). ``conc`` is a standard's nominal concentration or a control's expected range (``20-40``);
``dilution`` a sample's dilution factor (default 1).
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import DEFAULT_READ, ReadOptions

ROWS = "ABCDEFGH"
COLUMNS = tuple(str(number) for number in range(1, 13))
ROLES = ("standard", "blank", "control", "sample")
# wavelengths used to correct for plate imperfections, subtracted from the measurement read
CORRECTION_NM = (540, 570, 620, 630, 650, 690)
_SATURATED = re.compile(r"^(?:ovrflw|over(?:flow)?|sat(?:urated)?|\*+|>\s*\d+(?:[.,]\d+)?|range\??|high)$",
                        re.IGNORECASE)
_WAVELENGTH = re.compile(r"(?<!\d)([3-9]\d\d)(?!\d)")
_WELL = re.compile(r"^([A-Ha-h])\s*0?(1[0-2]|[1-9])$")
_ROLE_WORDS = {"standard": "standard", "std": "standard", "s": "standard", "calibrator": "standard",
               "blank": "blank", "blk": "blank", "zero": "blank", "b": "blank",
               "control": "control", "ctrl": "control", "qc": "control", "c": "control",
               "sample": "sample", "unknown": "sample", "u": "sample", "smp": "sample",
               "empty": "", "unused": "", "": ""}
_STANDARD_ID = re.compile(r"^(?:s|std|standard|cal|calibrator)[\s_-]*\d+$", re.IGNORECASE)
_BLANK_ID = re.compile(r"^(?:blank|blk|zero|b0|s0|std0|0\s*(?:pg/ml|std)?)$", re.IGNORECASE)
_CONTROL_ID = re.compile(r"^(?:ctrl|control|qc|ctl)\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class PlateReads:
    """The reads of one or more plates: a long table ``plate, well, read, value, state, row, column``
    (`state`: ``ok``, ``saturated`` or ``empty``; `row`/`column` where the value sits in the file)."""

    source: str
    table: pd.DataFrame

    @property
    def reads(self) -> list[str]:
        return list(dict.fromkeys(self.table["read"]))


def well_name(text: str) -> str | None:
    """``A1`` for ``A1``, ``a01``, ``A 1``; None for anything that is not a well of a 96-well plate."""
    match = _WELL.match(text.strip())
    return f"{match.group(1).upper()}{int(match.group(2))}" if match else None


def _cells(path: Path, options: ReadOptions) -> list[tuple[int, list[str]]]:
    """The file's rows as (file row, stripped cells), blank rows dropped."""
    from genoassoc.io.records import decode_text

    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods"):
        raise InputError(f"genoassoc does not read {suffix} workbooks: save it as .xlsx or as CSV", str(path))
    if suffix in (".xlsx", ".xlsm"):
        from genoassoc.io.tables import read_sheet

        frame = read_sheet(path, options.sheet)
        rows = [(int(number), [str(cell).strip() for cell in values])
                for number, values in zip(frame.index, frame.to_numpy().tolist(), strict=True)]
    else:
        text = decode_text(path.read_bytes(), path, options.encoding)
        if "\x00" in text:
            raise InputError("NUL bytes in the text (is it a binary file?)", str(path))
        if suffix == ".csv":
            delimiter = ";" if text.count(";") > text.count(",") else ","
        else:
            delimiter = "\t"
        try:
            rows = [(number, [cell.strip() for cell in cells])
                    for number, cells in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1)]
        except csv.Error as err:
            raise InputError(f"cannot parse the table ({err})", str(path)) from None
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise InputError("the file is empty", str(path))
    return rows


def _column_letter(index: int) -> str:
    """A spreadsheet column name for a 0-based index (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _cell_value(text: str, path: Path, row: int, column: int, comma: bool) -> tuple[float, str]:
    from genoassoc.io.tables import not_a_number, parse_numbers

    if text == "":
        return np.nan, "empty"
    if _SATURATED.match(text):
        return np.nan, "saturated"
    value = float(parse_numbers(pd.Series([text]), comma).iloc[0])
    if np.isnan(value) or not np.isfinite(value):
        raise InputError(f"{not_a_number(text, comma)} (an optical density, or OVRFLW for a saturated well)", str(path),
                         row, _column_letter(column))
    return value, "ok"


def _read_label(rows: list[tuple[int, list[str]]], header: int, first_row: list[str], right_of: int) -> str | None:
    """The wavelength of the block whose header is rows[header]: beside its row A, else in the text above."""
    candidates = [" ".join(first_row[right_of:])]
    candidates += [" ".join(rows[index][1]) for index in range(header - 1, max(header - 4, -1), -1)]
    candidates.append(" ".join(rows[header][1]))
    for text in candidates:
        numbers = [int(found) for found in _WAVELENGTH.findall(text) if 340 <= int(found) <= 999]
        if numbers:
            return str(numbers[-1])
    return None


def _grids(path: Path, rows: list[tuple[int, list[str]]], comma: bool) -> list[pd.DataFrame]:
    blocks = []
    for index, (_, cells) in enumerate(rows):
        start = next((position for position in range(len(cells) - 11)
                      if tuple(cells[position: position + 12]) == COLUMNS), None)
        if start is None or index + 8 >= len(rows) + 1:
            continue
        body = rows[index + 1: index + 9]
        if len(body) < 8 or [cells_[start - 1] if start > 0 and len(cells_) >= start else ""
                             for _, cells_ in body] != list(ROWS):
            continue
        records = []
        for letter, (number, cells_) in zip(ROWS, body, strict=True):
            padded = cells_ + [""] * (start + 12 - len(cells_))
            for offset in range(12):
                value, state = _cell_value(padded[start + offset], path, number, start + offset, comma)
                records.append((f"{letter}{offset + 1}", value, state, number, _column_letter(start + offset)))
        block = pd.DataFrame(records, columns=["well", "value", "state", "row", "column"])
        block.attrs["label"] = _read_label(rows, index, body[0][1], start + 12)
        blocks.append(block)
    return blocks


def _long(path: Path, rows: list[tuple[int, list[str]]], comma: bool) -> pd.DataFrame | None:
    header_row, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    if "well" not in names:
        return None
    reads = {}
    for position, name in enumerate(names):
        compact = re.sub(r"[\s_()-]|nm", "", name)
        if compact in ("od", "value", "absorbance", "abs", "result"):
            reads[position] = "od"
        else:
            match = re.fullmatch(r"(?:od|a|abs)?([3-9]\d\d)", compact)
            if match:
                reads[position] = match.group(1)
    if not reads:
        raise InputError(f"the table has a well column but no optical density column (od, value, absorbance or a "
                         f"wavelength such as 450; columns: {', '.join(header)})", str(path), header_row)
    well_at = names.index("well")
    plate_at = names.index("plate") if "plate" in names else None
    records = []
    for number, cells in rows[1:]:
        cells = cells + [""] * (len(header) - len(cells))
        well = well_name(cells[well_at])
        if well is None:
            raise InputError(f"'{cells[well_at]}' is not a well of a 96-well plate (A1 to H12)", str(path), number,
                             header[well_at])
        plate = cells[plate_at] if plate_at is not None else path.stem
        for position, read in reads.items():
            value, state = _cell_value(cells[position], path, number, position, comma)
            records.append((plate, well, read, value, state, number, header[position]))
    return pd.DataFrame(records, columns=["plate", "well", "read", "value", "state", "row", "column"])


def read_plate(path: str | os.PathLike, options: ReadOptions = DEFAULT_READ) -> PlateReads:
    """The reads of a plate file (grids or a long table; see the module docstring). Grids belong to
    the plate named by the file's stem."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    rows = _cells(path, options)
    table = _long(path, rows, options.decimal_comma)
    if table is None:
        blocks = _grids(path, rows, options.decimal_comma)
        if not blocks:
            raise InputError("no plate found: neither a grid (a row 1..12 above rows A..H) nor a table with a well "
                             "column", str(path))
        labels = [block.attrs["label"] for block in blocks]
        if len(blocks) > 1 and (None in labels or len(set(labels)) < len(labels)):
            labels = [label or f"read{number}" for number, label in enumerate(labels, start=1)]
            if len(set(labels)) < len(labels):
                labels = [f"read{number}" for number in range(1, len(blocks) + 1)]
        table = pd.concat([block.assign(plate=path.stem, read=label or "od")
                           for block, label in zip(blocks, labels, strict=True)], ignore_index=True)
    repeated = table.duplicated(["plate", "well", "read"])
    if repeated.any():
        first = table[repeated].iloc[0]
        raise InputError(f"well {first['well']} of plate {first['plate']} is read twice", str(path), int(first["row"]))
    return PlateReads(str(path), table[["plate", "well", "read", "value", "state", "row", "column"]])


def optical_density(reads: PlateReads, wavelength: str | None = None, correction: str | None = None
                    ) -> tuple[pd.DataFrame, str]:
    """Each well's optical density: the measurement read (`wavelength`; default 450 nm, or the only
    read) less the correction read (`correction`: a wavelength, ``none``, or by default 540/570/620/
    630/650/690 nm when the file holds one). Returns ``plate, well, od, state, row`` and a sentence
    saying which reads were used."""
    available = reads.reads
    if wavelength is None:
        wavelength = "450" if "450" in available else available[0] if len(available) == 1 else None
        if wavelength is None:
            raise InputError(f"the file holds reads {', '.join(available)}: name the measurement with --wavelength",
                             reads.source)
    if wavelength not in available:
        raise InputError(f"no read at {wavelength} (reads: {', '.join(available)})", reads.source)
    if correction is None:
        found = [read for read in available if read.isdigit() and int(read) in CORRECTION_NM and read != wavelength]
        correction = found[0] if len(found) == 1 else "none"
        if len(found) > 1:
            raise InputError(f"the file holds correction reads {', '.join(found)}: choose one with --correction",
                             reads.source)
    elif correction != "none" and correction not in available:
        raise InputError(f"no correction read at {correction} (reads: {', '.join(available)})", reads.source)
    table = reads.table
    measured = table[table["read"] == wavelength].set_index(["plate", "well"])
    result = measured[["value", "state", "row"]].rename(columns={"value": "od"})
    described = f"OD at {wavelength}" + (" nm" if wavelength.isdigit() else "")
    if correction != "none":
        reference = table[table["read"] == correction].set_index(["plate", "well"]).reindex(measured.index)
        result["od"] = measured["value"] - reference["value"]
        saturated = (reference["state"] == "saturated") & (result["state"] == "ok")
        result.loc[saturated, "state"] = "saturated"
        empty = reference["state"].isna() | (reference["state"] == "empty")
        result.loc[empty & (result["state"] == "ok"), "state"] = "empty"
        described += f" less the {correction} nm correction read"
    return result.reset_index(), described


def _role(kind: str, identifier: str, path: str, row: int) -> str:
    if kind:
        word = kind.strip().lower()
        if word not in _ROLE_WORDS:
            raise InputError(f"unknown well type '{kind}' (standard, blank, control, sample, or empty)", path, row,
                             "type")
        return _ROLE_WORDS[word]
    if not identifier:
        return ""
    if _BLANK_ID.match(identifier):
        return "blank"
    if _STANDARD_ID.match(identifier):
        return "standard"
    if _CONTROL_ID.match(identifier):
        return "control"
    return "sample"


def read_layout(path: str | os.PathLike, options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """The plate layout: ``plate`` (None when one layout serves every plate), ``well``, ``id``,
    ``role``, ``conc`` (a standard's nominal concentration), ``expected_low``/``expected_high`` (a
    control's range), ``dilution``, ``row`` (its file row). Unused wells are left out."""
    from genoassoc.io.tables import parse_numbers, read_table

    table = read_table(path, ["well", "sample"], optional=["type", "conc", "dilution", "plate"], options=options)
    table = table.rename(columns={"sample": "id"})
    source = table.attrs["source"]
    comma = options.decimal_comma
    records = []
    for row, cells in table.iterrows():
        well = well_name(cells["well"])
        if well is None:
            raise InputError(f"'{cells['well']}' is not a well of a 96-well plate (A1 to H12)", source, int(row),
                             "well")
        identifier = cells["id"]
        role = _role(cells.get("type", ""), identifier, source, int(row))
        if not role:
            continue
        if not identifier and role == "sample":
            raise InputError("a sample well needs its sample id", source, int(row), "sample")
        conc_text = str(cells.get("conc", "")).strip()
        conc = low = high = np.nan
        if role == "control" and conc_text:
            match = re.fullmatch(r"([0-9.]+)\s*(?:-|–|to)\s*([0-9.]+)", conc_text)
            if not match:
                raise InputError(f"'{conc_text}' is not a control's expected range (low-high, e.g. 20-40)", source,
                                 int(row), "conc")
            low, high = (float(value) for value in match.groups())
        elif conc_text:
            conc = float(parse_numbers(pd.Series([conc_text]), comma).iloc[0])
            if not np.isfinite(conc) or conc < 0:
                raise InputError(f"'{conc_text}' is not a concentration", source, int(row), "conc")
        dilution_text = str(cells.get("dilution", "")).strip()
        dilution = float(parse_numbers(pd.Series([dilution_text]), comma).iloc[0]) if dilution_text else 1.0
        if not np.isfinite(dilution) or dilution <= 0:
            raise InputError(f"'{dilution_text}' is not a dilution factor (a number above 0)", source, int(row),
                             "dilution")
        if role == "standard" and conc == 0:
            role = "blank"  # the zero standard is the blank of the kit inserts
        plate = str(cells.get("plate", "")).strip() or None
        records.append((plate, well, identifier, role, conc, low, high, dilution, int(row)))
    layout = pd.DataFrame(records, columns=["plate", "well", "id", "role", "conc", "expected_low", "expected_high",
                                            "dilution", "row"])
    repeated = layout.duplicated(["plate", "well"], keep=False)
    if repeated.any():
        twice = layout[repeated]
        first = twice.iloc[0]
        rows = twice[twice["well"] == first["well"]]["row"].tolist()
        raise InputError(f"well {first['well']} is named twice (rows {rows[0]} and {rows[1]})", source, rows[1],
                         "well")
    if layout.empty:
        raise InputError("the layout names no wells", source)
    layout.attrs["source"] = source
    return layout
