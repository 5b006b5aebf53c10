"""Workbooks (.xlsx, .xlsm, .xls, .ods): which bytes are one, checked before reading, their cells as CSV-like text."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.parsers.expat
import zipfile

import numpy as np
import pandas as pd
import python_calamine

from kpi_core.unzip import BrokenZip, UnzipLimits, read_members, stream_members

READABLE = ("xlsx", "xlsm", "xls", "ods")
# A workbook is a zip of XML; calamine inflates its parts itself, so they are inflated here first, within these
# caps, and calamine only sees archives that passed. A 1,000,000-row log sheet is about 300 MB of XML; a zip
# bomb's ratio is near 1000, while real sheets compress 5–30 times.
UNZIP_LIMITS = UnzipLimits(member_bytes=512 * 2**20, total_bytes=640 * 2**20, ratio=100)
# calamine holds a sheet as the full rectangle from its first to its last cell, 32 bytes a cell, whatever lies
# between: two cells at A1 and XFD1048576 of a 2 KB file ask for 550 GB and abort the process (calamine issue
# 693). The rectangle is measured from the XML before calamine sees it: 20 million cells (≈ 640 MB) is room for
# a 1,000,000-row log of 20 columns, and an .xls cannot exceed it (65,536 rows × 256 columns).
MAX_GRID_CELLS = 20_000_000
HEAD_ROWS = 30  # rows of each sheet searched for the header, as decoding.sniff_records does for a CSV
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")  # a password-protected .xlsx is an OLE2 file with this stream
_SMALL = UnzipLimits(member_bytes=64 * 1024, total_bytes=64 * 1024, ratio=1000)  # [Content_Types].xml, mimetype


class WorkbookError(Exception):
    """A workbook that cannot be read: `code` is the reader's message key (after "error."), `params` its values."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def workbook_kind(data: bytes) -> str | None:
    """What the bytes are, as far as workbooks go: one of READABLE; "xlsb", "encrypted", "zip" or "broken_zip"
    for files that look like workbooks but are not read; None for anything else (text, images, PDF)."""
    if data.startswith(_OLE2):
        return "encrypted" if _ENCRYPTED_OOXML in data else "xls"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "broken_zip"
    try:
        if "mimetype" in names and read_members(data, _SMALL, ["mimetype"])["mimetype"].strip() == _ODS_MIMETYPE:
            return "ods"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "xl/workbook.xml" in names:
            types = read_members(data, _SMALL, ["[Content_Types].xml"]).get("[Content_Types].xml", b"")
            return "xlsm" if b"macroEnabled" in types else "xlsx"
    except BrokenZip:
        return "broken_zip"
    return "zip"


# ---- checking a workbook before calamine reads it -------------------------------------------------------------

_CELL_REF = re.compile(rb'r="([A-Za-z]+)(\d+)"')  # <c r="B12": the only attribute of a sheet spelled r="letters digits"
# A cell without r= (<c>, <c/>, <c s="1">, odd spaces) or one with a namespace prefix (<x:c ...>): two searches,
# each for a literal start, are ten times faster than one that alternates.
_ODD_CELLS = (re.compile(rb"<c[>/\t\n\r]"), re.compile(rb":c[ >/\t\n\r]"))
_LONGEST_TAG = 1 << 20


def column_number(letters: bytes | str) -> int:
    """1-based number of a column's letters: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _XlsxExtent:
    """The last row and column a sheet's cells name, read from its XML as it streams by.

    Sheets from Excel, LibreOffice, Google Sheets and the usual libraries name every cell (`<c r="B12"`), so two
    regular expressions over the text find the extent. A part with a cell that names no position, or with a
    prefixed tag, is marked odd and measured again with an XML parser that follows calamine's own rules.
    """

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self.odd = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if not chunk:  # the member's end
            piece, self._tail = self._tail, b""
        else:
            data = self._tail + chunk
            cut = data.rfind(b">") + 1  # whole tags only: a reference is never split between two pieces
            piece, self._tail = data[:cut], data[cut:]
            if len(self._tail) > _LONGEST_TAG:
                self.odd, self._tail = True, b""
        if self.odd or not piece:
            return
        refs = _CELL_REF.findall(piece)
        if piece.count(b"<c ") != len(refs) or any(odd.search(piece) for odd in _ODD_CELLS):
            self.odd = True
            return
        if refs:
            self.rows = max(self.rows, max(map(int, {row for _, row in refs})))
            self.columns = max(self.columns, max(map(column_number, {letters for letters, _ in refs})))


class _Parsed:
    """An XML part fed chunk by chunk to expat (the standard library's parser), with element callbacks."""

    def __init__(self) -> None:
        self._parser = xml.parsers.expat.ParserCreate()
        self._parser.StartElementHandler = self.start
        self._parser.EndElementHandler = self.end

    def feed(self, chunk: bytes) -> None:
        try:
            self._parser.Parse(chunk, not chunk)  # an empty chunk is the part's end
        except (xml.parsers.expat.ExpatError, ValueError) as error:
            raise WorkbookError("workbook_broken") from error

    def start(self, name: str, attributes: dict) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError


class _ExactXlsxExtent(_Parsed):
    """The extent of a sheet part the way calamine places its cells: a cell without r= goes right of the one
    before it, a row without r= below the one before it."""

    def __init__(self) -> None:
        super().__init__()
        self.row = self.column = self.rows = self.columns = 0

    def start(self, name: str, attributes: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "row" and attributes.get("r"):
            self.row = int(attributes["r"]) - 1
        elif local == "c":
            ref = attributes.get("r")
            if ref:
                match = re.fullmatch(r"([A-Za-z]+)(\d+)", ref)
                if not match:
                    raise ValueError(ref)
                row, column = int(match.group(2)) - 1, column_number(match.group(1)) - 1
            else:
                row, column = self.row, self.column
            self.column = column + 1
            self.rows, self.columns = max(self.rows, row + 1), max(self.columns, column + 1)

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] == "row":
            self.row, self.column = self.row + 1, 0


class _OdsExtent(_Parsed):
    """(rows, columns, cells) of the largest table of an .ods content.xml as calamine lays it out: repeated
    cells and rows that hold a value are copied out, empty ones at the edges are not."""

    def __init__(self) -> None:
        super().__init__()
        self.table: list[tuple[int, int]] = []
        self.repeat = self.width = self.filled = 0
        self.result = (0, 0, 0)

    @staticmethod
    def _repeat(attributes: dict, name: str) -> int:
        value = int(attributes.get(name, "1"))
        if value < 1:
            raise ValueError(value)
        return value

    def start(self, name: str, attributes: dict) -> None:
        if name == "table:table":
            self.table = []
        elif name == "table:table-row":
            self.repeat, self.width, self.filled = self._repeat(attributes, "table:number-rows-repeated"), 0, 0
        elif name in ("table:table-cell", "table:covered-table-cell"):
            self.width += self._repeat(attributes, "table:number-columns-repeated")
            if "office:value-type" in attributes or "table:formula" in attributes:
                self.filled = self.width

    def end(self, name: str) -> None:
        if name == "table:table-row":
            self.table.append((self.repeat, self.filled))
        elif name == "table:table":
            used = [i for i, (_, filled) in enumerate(self.table) if filled]
            if used:
                repeats = [repeat for repeat, _ in self.table]
                height = sum(repeats[used[0]: used[-1] + 1])
                width = max(filled for _, filled in self.table)
                extent = (sum(repeats[: used[-1] + 1]), width, height * width)
                self.result = max(self.result, extent, key=lambda e: e[2])


def check_archive(data: bytes, kind: str, max_rows: int, max_columns: int) -> None:
    """Inflate every part of an .xlsx/.xlsm/.ods within UNZIP_LIMITS and measure its sheets; raise UnzipError or
    WorkbookError (too many rows or columns, or a rectangle past MAX_GRID_CELLS) before calamine reads it."""
    extents: list[tuple[int, int, int]] = []
    if kind == "ods":
        content = _OdsExtent()
        for name, chunk in stream_members(data, UNZIP_LIMITS):
            if name == "content.xml":
                content.feed(chunk)
        extents.append(content.result)
    else:
        measures: dict[str, _XlsxExtent] = {}
        for name, chunk in stream_members(data, UNZIP_LIMITS):
            if name.endswith(".xml"):
                measures.setdefault(name, _XlsxExtent()).feed(chunk)
        for name, measure in measures.items():
            if measure.odd:  # measured again, the slow exact way (files from unusual writers, crafted ones)
                exact = _ExactXlsxExtent()
                for _, chunk in stream_members(data, UNZIP_LIMITS, [name]):
                    exact.feed(chunk)
                measure.rows, measure.columns = exact.rows, exact.columns
            extents.append((measure.rows, measure.columns, measure.rows * measure.columns))
    for rows, columns, cells in extents:
        if columns > max_columns:
            raise WorkbookError("too_many_columns", columns=f"{columns:,}", limit=f"{max_columns:,}")
        if rows > max_rows + HEAD_ROWS:
            raise WorkbookError("too_many_rows", rows=f"{rows:,}", limit=f"{max_rows:,}")
        if cells > MAX_GRID_CELLS:
            raise WorkbookError("workbook_grid", rows=f"{rows:,}", columns=f"{columns:,}",
                                limit=f"{MAX_GRID_CELLS:,}")


# ---- reading ---------------------------------------------------------------------------------------------------


def open_workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    """The calamine workbook of checked bytes; WorkbookError("workbook_broken") when calamine cannot read it."""
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (python_calamine.CalamineError, ValueError, OSError) as error:
        raise WorkbookError("workbook_broken") from error


def worksheet_names(workbook: python_calamine.CalamineWorkbook) -> list[str]:
    """The workbook's worksheets in tab order (chart sheets and macro sheets hold no log)."""
    return [m.name for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]


def load_sheet(workbook: python_calamine.CalamineWorkbook, name: str) -> python_calamine.CalamineSheet:
    """One sheet, held by calamine (its cells are handed over later, only for the sheet that is read)."""
    try:
        return workbook.get_sheet_by_name(name)
    except (python_calamine.CalamineError, ValueError) as error:
        raise WorkbookError("workbook_broken") from error


def sheet_rows(sheet: python_calamine.CalamineSheet, nrows: int | None = None) -> list[list]:
    """The sheet's cells row by row from A1 (so list index + 1 is the row number the spreadsheet shows)."""
    try:
        return sheet.to_python(skip_empty_area=False, nrows=nrows)
    except (python_calamine.CalamineError, ValueError) as error:
        raise WorkbookError("workbook_broken") from error


def sheet_size(sheet: python_calamine.CalamineSheet) -> tuple[int, int]:
    """(last row, last column) holding anything, 1-based; (0, 0) for an empty sheet."""
    end = sheet.end  # 0-based; python-calamine's total_height is this index, one short of a count
    return (end[0] + 1, end[1] + 1) if end is not None else (0, 0)


def cell_text(value: object) -> str:
    """A cell as the reader's cell rules take it: text as typed, dates as YYYY-MM-DD (a time of day dropped),
    whole numbers without ".0", other numbers to the 15 digits Excel shows, a time as 1:30."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}" + (f":{seconds:02d}" if seconds else "")
    return "" if value is None else str(value)


def text_rows(rows: list[list]) -> list[list[str]]:
    """Rows of cells as text (for finding the header among the first rows)."""
    return [[cell_text(value) for value in row] for row in rows]


def table(rows: list[list], width: int) -> pd.DataFrame:
    """Rows of cells as the frame the reader validates: one categorical column of texts per position.

    Each distinct cell value is turned into text once (a log repeats its dates, minutes and ratings); the codes
    map it back to every row, as pandas' CSV parser hands a CSV over.
    """
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    frame = {}
    for position, column in enumerate(columns):
        kinds = set(map(type, column))
        if bool in kinds and kinds & {int, float}:  # True == 1 in Python: the two would share one code
            column = [cell_text(v) if type(v) is bool else v for v in column]
        codes, uniques = pd.factorize(np.array(column, dtype=object))
        if kinds != {str}:
            texts, codes_of_text = np.unique(np.array([cell_text(u) for u in uniques], dtype=object),
                                             return_inverse=True)
            uniques, codes = texts, codes_of_text[codes] if len(codes) else codes
        frame[position] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object),
                                                    validate=False)
    return pd.DataFrame(frame, index=pd.RangeIndex(len(rows)), copy=False)
