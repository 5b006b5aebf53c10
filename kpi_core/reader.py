"""Reading an activity-log CSV: every row is accepted or reported with its spreadsheet row number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_core import cells, decoding, matching, unzip, workbooks
from kpi_core.columns import (
    REQUIRED,
    Column,
    all_columns,
    analytics_platform,
    header_index,
    header_key,
)
from kpi_core.messages import LANGS, t

MAX_MINUTES_PER_ROW = 24 * 60
MAX_COUNT_PER_ROW = 10**9  # no row of a log counts a billion of anything; far larger would not fit an integer
MAX_YEN_PER_ROW = 10**9  # a billion yen (either way: refunds are negative) in one row of a side business is a typo
FUTURE_DAYS = 7  # a log is of what was done; a week's grace covers time zones and a week planned ahead
EARLIEST = dt.date(2000, 1, 1)
# Limits on every file, in any format (issue 11): a log of one person's activities never nears a million rows
# or 200 columns; a file past them is a wrong file or a crafted one, refused with a message, not a crash.
MAX_ROWS = 1_000_000
MAX_COLUMNS = 200
_INVISIBLE_TABLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a row (row set) or with the whole file (row None), rendered late in any language."""

    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The problem in the user's language."""
        return t(f"reader.{self.code}", lang, column=self.column or "", value=self.value or "", **self.params)

    def as_dict(self, lang: str) -> dict:
        """The stable `{row, column, value, message}` form the CLI prints."""
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message(lang)}


@dataclass(frozen=True)
class IgnoredColumn:
    """A column left out, with why: vanity figure, not used by the app, duplicate, unnamed."""

    header: str
    reason: str  # "vanity" | "unknown" | "duplicate" | "unnamed"

    def message(self, lang: str) -> str:
        """Why the column is left out, in the user's language."""
        return t(f"reader.ignored.{self.reason}", lang, column=self.header)


@dataclass
class FileReport:
    """What happened to one file; rows_in == accepted + rejected always, blank rows counted apart."""

    name: str
    encoding: str | None = None
    separator: str | None = None
    rows_in: int = 0
    accepted: int = 0
    rejected: int = 0
    blank: int = 0
    examples: int = 0  # the template's example row, left in by mistake: set aside, like blank rows
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)
    error: Problem | None = None
    problems: list[Problem] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    header_row: int | None = None
    rejected_rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row, cells as written)
    sheet: str | None = None  # the workbook sheet read (None for a CSV)
    sheets: list[str] = field(default_factory=list)  # sheets that all look like logs: the person picks one
    # What the column-matching step needs (headers, samples, missing fields), when a required column was not
    # recognised or a mapping was used; None otherwise.
    matching: matching.ColumnMatch | None = None

    def as_dict(self, lang: str) -> dict:
        """The stable form `kpi-coach check --json` prints."""
        return {
            "name": self.name,
            "encoding": self.encoding,
            "separator": self.separator,
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "blank": self.blank,
            "examples": self.examples,
            "ignored_columns": [{"column": c.header, "reason": c.message(lang)} for c in self.ignored_columns],
            "error": self.error.message(lang) if self.error else None,
            "problems": [p.as_dict(lang) for p in self.problems],
            "sheet": self.sheet,
            "sheets": list(self.sheets),
            "matching": self.matching.as_dict() if self.matching else None,
        }


@dataclass
class ReadResult:
    """The accepted rows in the canonical log form and the report on the file."""

    report: FileReport
    rows: pd.DataFrame


def empty_log() -> pd.DataFrame:
    """A log with no rows but the canonical required columns."""
    return pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[us]"),
            "action": pd.Series([], dtype=object),
            "category": pd.Series([], dtype=object),
            "minutes": pd.Series([], dtype="float64"),
            "reactions": pd.Series([], dtype="Int64"),
            "quality": pd.Series([], dtype="Int64"),
            "source": pd.Series([], dtype=object),
            "source_row": pd.Series([], dtype="int64"),
        }
    )


def _file_error(report: FileReport, code: str, **params) -> ReadResult:
    report.error = Problem(None, params.pop("column", None), None, code, params)
    return ReadResult(report, empty_log())


def read_log(
    data: bytes,
    name: str = "log.csv",
    *,
    encoding: str | None = None,
    extra_columns: tuple[Column, ...] = (),
    categorize=None,
    today: dt.date | None = None,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    column_maps: dict[str, dict[str, str]] | None = None,
) -> ReadResult:
    """Read one activity-log file from its bytes: a CSV/TSV text file or a workbook (.xlsx, .xlsm, .xls, .ods).

    `extra_columns` are persona columns the reader should recognise; `categorize` maps an action text to
    a category id (defaults to "other" for everything). Dates after `today` (plus a week's grace) or before
    EARLIEST are refused as typos. `sheet` names the workbook sheet to read (by default the one sheet whose
    header names every required column; when several do, none is read and `report.sheets` lists them).

    `mapping` ({field id: header as written}) makes those headers those fields (see kpi_core.matching); without
    it, `column_maps` ({header signature: mapping}, the remembered ones) gives the mapping of a file whose header
    set has one. When a required column is still not matched, nothing is read and `report.matching` says what
    the matching step needs.
    """
    report = FileReport(name=name)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return _file_error(report, "error.empty")
    workbook = workbooks.workbook_kind(data)
    if workbook in workbooks.READABLE:
        return _read_workbook(data, workbook, report, sheet, all_columns(extra_columns), categorize,
                              today or dt.date.today(), mapping, column_maps)
    if workbook is not None:  # .xlsb, a password-protected workbook, a damaged or other zip
        return _file_error(report, f"error.workbook_{workbook}")
    kind = decoding.binary_kind(data)
    if kind and not encoding:
        return _file_error(report, f"error.not_text_{kind}")
    if encoding and not decoding.is_known_encoding(encoding):
        return _file_error(report, "error.unknown_encoding", encoding=encoding)
    try:
        source = decoding.open_text(data, encoding)
    except UnicodeDecodeError:
        source = None
    if source is None:
        return _file_error(report, "error.encoding", encoding=encoding or "utf-8 / cp932")
    report.encoding = source.encoding

    columns = all_columns(extra_columns)
    index = header_index(columns)
    located = _locate(lambda known: decoding.find_header(source.head, known),
                      lambda: matching.candidate_in_text(source.head), index, mapping, column_maps)
    if located is None or located.guessed:
        platform = analytics_platform(decoding.first_record(source.head))
        if platform:
            return _file_error(report, "error.analytics_export", platform=platform)
    if located is None:
        return _file_error(report, "error.no_header", expected=_required_headers())
    separator, header_index_row, header = located.found
    below = decoding.sniff_records(source.head, separator)[header_index_row + 1:]
    if located.guessed and not located.mapping:
        return _unknown_header(report, header, below, located, index)
    report.separator = separator
    report.header = header
    report.header_row = header_index_row + 1
    if len(header) > MAX_COLUMNS:
        return _too_many_columns(report, len(header))

    mapping = _mapped(report, header, index, located, below)
    if isinstance(mapping, ReadResult):
        return mapping

    try:
        # One row past the limit is parsed, no more: a file over it is refused whole, never read in part.
        raw = _parse_table(source, report.separator, len(header), rows=header_index_row + 2 + MAX_ROWS)
        if len(raw) > header_index_row + 1 + MAX_ROWS:
            lines = source.body.count(b"\n") + (not source.body.endswith(b"\n"))
            return _too_many_rows(report, max(lines, len(raw)) - header_index_row - 1)
        body = raw.iloc[header_index_row + 1 :]
        return _validate(body, header, mapping, columns, report, categorize, today or dt.date.today(),
                         source.restore)
    except UnicodeDecodeError:  # a cp932 file with bytes further down that are not cp932
        report.encoding = None
        return _file_error(report, "error.encoding", encoding=encoding or "utf-8 / cp932")
    except _UnclosedQuote as unclosed:
        return _file_error(report, "error.unclosed_quote", row=unclosed.row)
    except _TooWide as wide:
        return _too_many_columns(report, wide.columns)


@dataclass
class _Located:
    """Where a file's header is: `found` is (separator or known names, record index, cells) as the finder gives."""

    found: tuple
    mapping: dict[str, str | None] | None
    guessed: bool  # no record named two known columns: the one with the most filled cells is offered
    remembered: bool  # the mapping is the one remembered for this header set


def _locate(find, fallback, index: dict[str, Column], mapping, column_maps) -> _Located | None:
    """The header by its known names (or, failing that, the candidate for matching) and the mapping that applies.

    A remembered mapping is looked up by the header's signature; a mapping's headers count as known names,
    so a header of names the reader does not know is found by them.
    """
    known = set(index)
    found, guessed = find(known), False
    if found is None:
        found, guessed = fallback(), True
    if found is None:
        return None
    remembered = False
    if not mapping and column_maps:
        mapping = column_maps.get(matching.signature(found[2]))
        remembered = mapping is not None
    if mapping and (again := find(known | matching.mapped_keys(mapping))) is not None:
        found, guessed = again, False
    return _Located(found, mapping, guessed, remembered)


def _match_info(header, below, located: _Located, index, positions) -> matching.ColumnMatch:
    return matching.column_match(header, below, located.found[1] + 1, index, positions, guessed=located.guessed,
                                 mapping=located.mapping, remembered=located.remembered)


def _unknown_header(report: FileReport, header, below, located: _Located, index) -> ReadResult:
    """No header row found (fewer than two known names): the no-header error, with the row most like a header
    offered for matching."""
    report.matching = _match_info(header, below, located, index, matching.match(header, index).positions)
    return _file_error(report, "error.no_header", expected=_required_headers())


def _mapped(report: FileReport, header: list[str], index: dict[str, Column], located: _Located,
            below: list[list[str]]) -> dict[int, str] | ReadResult:
    """Position → column id of a header whose named or mapped columns include every required one, else the
    file's error (with what the matching step needs in `report.matching`)."""
    found = matching.match(header, index, located.mapping)
    report.ignored_columns = [IgnoredColumn(cell, reason) for cell, reason in found.ignored]
    if found.problem is not None:  # the mapping does not fit this file: ask again, from the names matched
        report.matching = _match_info(header, below, located, index, matching.match(header, index).positions)
        return _file_error(report, found.problem.code, **found.problem.params)
    missing = [c for c in REQUIRED if c.id not in found.positions.values()]
    if missing:
        platform = analytics_platform(header)
        if platform:
            return _file_error(report, "error.analytics_export", platform=platform)
        report.matching = _match_info(header, below, located, index, found.positions)
        return _file_error(report, "error.missing_columns", columns="、".join(c.ja + " / " + c.en for c in missing))
    if located.mapping:
        report.matching = _match_info(header, below, located, index, found.positions)
    return found.positions


def _too_many_rows(report: FileReport, rows: int) -> ReadResult:
    return _file_error(report, "error.too_many_rows", rows=f"{rows:,}", limit=f"{MAX_ROWS:,}")


def _too_many_columns(report: FileReport, columns: int) -> ReadResult:
    return _file_error(report, "error.too_many_columns", columns=f"{columns:,}", limit=f"{MAX_COLUMNS:,}")


def _read_workbook(data: bytes, kind: str, report: FileReport, sheet: str | None, columns: tuple[Column, ...],
                   categorize, today: dt.date, mapping=None, column_maps=None) -> ReadResult:
    """A workbook's log sheet through the same header rules and the same `_validate` as a CSV.

    The sheet is the one whose header (found as in a CSV, among its first rows) names every required column;
    row numbers are the sheet's own, so a title line or blank rows above the header count as they show.
    """
    report.encoding = kind
    index = header_index(columns)
    try:
        if kind != "xls":  # a zip: inflated and measured within limits before calamine reads a byte of it
            workbooks.check_archive(data, kind, MAX_ROWS, MAX_COLUMNS)
        book = workbooks.open_workbook(data)
        names = workbooks.worksheet_names(book)
        if sheet is not None and sheet not in names:
            report.sheets = names  # to choose from again
            return _file_error(report, "error.unknown_sheet", sheet=sheet, sheets="、".join(names))
        loaded, heads, found, complete = {}, {}, {}, []
        for name in [sheet] if sheet is not None else names:
            loaded[name] = workbooks.load_sheet(book, name)
            heads[name] = head = workbooks.text_rows(workbooks.sheet_rows(loaded[name], workbooks.HEAD_ROWS))
            hit = _locate(lambda known, head=head: decoding.header_record(head, known),
                          lambda head=head: matching.candidate(head), index, mapping, column_maps)
            if hit is not None:
                found[name] = hit
                positions = matching.match(hit.found[2], index, hit.mapping).positions
                if (not hit.guessed or hit.mapping) and all(c.id in positions.values() for c in REQUIRED):
                    complete.append(name)
        if len(complete) > 1:
            report.sheets = complete
            return _file_error(report, "error.several_sheets", sheets="、".join(complete))
        # A sheet with a header of known names before one only offered for matching, then the most names.
        chosen = complete[0] if complete else max(found, key=lambda n: (not found[n].guessed, found[n].found[0]),
                                                  default=None)
        if chosen is None or found[chosen].guessed:
            first = next((row for head in heads.values() for row in head if sum(1 for c in row if c.strip()) > 1),
                         [])
            platform = analytics_platform(first)
            if platform:
                return _file_error(report, "error.analytics_export", platform=platform)
        if chosen is None:
            return _file_error(report, "error.no_header", expected=_required_headers())
        report.sheet = chosen
        located = found[chosen]
        _, header_index_row, header = located.found
        below = heads[chosen][header_index_row + 1:]
        if located.guessed and not located.mapping:
            return _unknown_header(report, header, below, located, index)
        report.header, report.header_row = header, header_index_row + 1
        mapping = _mapped(report, header, index, located, below)
        if isinstance(mapping, ReadResult):
            return mapping
        height, width = workbooks.sheet_size(loaded[chosen])
        if width > MAX_COLUMNS:
            return _too_many_columns(report, width)
        if height - report.header_row > MAX_ROWS:
            return _too_many_rows(report, height - report.header_row)
        body = workbooks.table(workbooks.sheet_rows(loaded[chosen])[report.header_row:], len(header))
        return _validate(body, header, mapping, columns, report, categorize, today, None)
    except unzip.TooLarge as error:
        return _file_error(report, "error.workbook_too_large", megabytes=f"{int(error.limit) // 2**20:,}")
    except unzip.TooCompressed as error:
        return _file_error(report, "error.workbook_too_compressed", ratio=f"{error.limit:g}")
    except unzip.UnzipError:
        return _file_error(report, "error.workbook_broken")
    except workbooks.WorkbookError as error:
        return _file_error(report, f"error.{error.code}", **error.params)


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position: 0 → A, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _required_headers() -> str:
    return ", ".join(f"{c.ja} / {c.en}" for c in REQUIRED)


class _TooWide(Exception):
    """A record with more fields than MAX_COLUMNS: the file is refused before it is parsed that wide."""

    def __init__(self, columns: int) -> None:
        super().__init__(columns)
        self.columns = columns


class _UnclosedQuote(Exception):
    """A quote opened in spreadsheet row `row` and never closed: the rest of the file would be one cell."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


def _parse_table(source: decoding.Source, separator: str, width: int, rows: int | None = None) -> pd.DataFrame:
    """Every record as strings, one row per spreadsheet row (blank lines kept, so row numbers hold).

    One spare column catches rows with one field too many; a wider row makes the C parser stop, and then
    the widest row is measured and the text read again with room for it. If that fails too, a quote was
    opened and never closed (the only other thing the parser stops for).
    """
    options = dict(
        # "category": the C parser hands back each column as codes into its distinct values, which is what
        # validation works on (each distinct value is parsed once) and far cheaper than one string per cell.
        sep=separator, header=None, dtype="category", keep_default_na=False, na_filter=False,
        skip_blank_lines=False, quotechar='"', doublequote=True, engine="c",
        low_memory=False,  # one pass: no chunks of categoricals to merge afterwards
        nrows=rows,
    )
    try:
        return pd.read_csv(io.BytesIO(source.body), names=list(range(width + 1)), encoding="utf-8", **options)
    except pd.errors.ParserError:
        records = list(csv.reader(io.StringIO(source.body.decode("utf-8"), newline=""), delimiter=separator))
    widest = max((len(record) for record in records), default=0)
    if widest > MAX_COLUMNS:
        raise _TooWide(widest)
    try:
        return pd.read_csv(io.BytesIO(source.body), names=list(range(max(widest, width + 1))), encoding="utf-8",
                           **options)
    except pd.errors.ParserError:
        raise _UnclosedQuote(row=len(records)) from None  # the csv module ends the last record at the end


class _Distinct:
    """A column as codes into its distinct values: logs repeat values, so each is parsed only once."""

    def __init__(self, raw: pd.Series, restore=None) -> None:
        # `raw` is a categorical column of _parse_table (short rows give "" there, never a missing code).
        codes, uniques = raw.array.codes, raw.array.categories.to_numpy(dtype=object).tolist()
        if (codes < 0).any():  # a missing cell all the same would index the last value: read it as empty
            codes, uniques = np.where(codes < 0, len(uniques), codes), [*uniques, ""]
        self.codes = codes
        self.raw = [u if isinstance(u, str) else str(u) for u in uniques]
        if restore is not None:
            self.raw = [u if u.isascii() else restore(u) for u in self.raw]
        self.stripped = [u.strip() if u.isascii() else u.translate(_INVISIBLE_TABLE).strip() for u in self.raw]
        filled = np.array([bool(u) for u in self.stripped], dtype=bool)
        self.filled = np.ones(len(codes), dtype=bool) if filled.all() else filled[codes]


def _code(column: Column, value: str, empty: bool) -> str:
    """The message code for a cell that cannot be used."""
    if empty:
        return {"text": "row.required_empty_text", "date": "row.required_empty_date"}.get(column.kind,
                                                                                          "row.required_empty")
    if column.kind == "date" and cells.looks_like_date(value):
        return "row.no_such_date"
    return f"row.invalid_{column.kind}"


def _validate(body, header, mapping, columns, report, categorize, today, restore) -> ReadResult:
    by_id = {c.id: c for c in columns}
    width = len(header)
    n = len(body)
    row_numbers = np.arange(n) + (report.header_row + 1)
    distinct = {pos: _Distinct(body[pos], restore) for pos in body.columns}
    filled = np.zeros(n, dtype=bool)
    for column in distinct.values():
        filled |= column.filled
    report.blank = int((~filled).sum())
    example = _example_rows(distinct, mapping)
    if example is not None:
        report.examples = int((example & filled).sum())
        filled &= ~example

    problems: list[Problem] = []
    # A row with more fields than the header is rejected whole: its columns cannot be trusted.
    extra = np.zeros(n, dtype=bool)
    for pos in range(width, body.shape[1]):
        extra |= distinct[pos].filled
    for i in np.flatnonzero(extra):
        problems.append(Problem(int(row_numbers[i]), None, None, "row.too_many_fields", {"expected": width}))
    bad = extra.copy()
    # Unnamed header cells (Excel's trailing columns): skipped, but said aloud when they hold something.
    for pos in range(width):
        if not header_key(header[pos]) and distinct[pos].filled.any():
            report.ignored_columns.append(IgnoredColumn(column_letter(pos), "unnamed"))

    out: dict[str, object] = {}
    for pos, column_id in mapping.items():
        column = by_id[column_id]
        codes = distinct[pos].codes
        per_distinct, invalid_distinct = _parse_column(distinct[pos], column.kind)
        invalid = invalid_distinct[codes] if invalid_distinct.any() else np.zeros(n, dtype=bool)
        empty = ~distinct[pos].filled
        if not column.required and invalid_distinct.any():  # "-", "なし"… in an optional cell: missing, not wrong
            marks = np.array([cells.is_none_mark(u) for u in distinct[pos].stripped], dtype=bool)
            empty = empty | marks[codes]
        wrong = invalid & ~empty
        if column.required:
            wrong |= empty & filled
        for i in np.flatnonzero(wrong & ~extra):
            value = distinct[pos].raw[distinct[pos].codes[i]]
            problems.append(Problem(int(row_numbers[i]), header[pos], value, _code(column, value, empty[i])))
        bad |= wrong
        if column.kind == "date":
            # A mistyped year (2030 for 2025) would stretch every chart over empty years: ask instead.
            latest = np.datetime64(today + dt.timedelta(days=FUTURE_DAYS), "us")
            earliest = np.datetime64(EARLIEST, "us")
            odd = (~np.isnat(per_distinct) & ((per_distinct > latest) | (per_distinct < earliest)))[codes]
            for i in np.flatnonzero(odd & ~bad):
                value = distinct[pos].raw[distinct[pos].codes[i]]
                problems.append(Problem(int(row_numbers[i]), header[pos], value, "row.date_out_of_range",
                                        {"earliest": EARLIEST.isoformat(), "latest": today.isoformat()}))
            bad |= odd
        out[column_id] = (column.kind, per_distinct, codes)

    keep = filled & ~bad
    order = {name: index for index, name in enumerate(header)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
    report.problems = problems
    report.rows_in = int(filled.sum())
    report.accepted = int(keep.sum())
    report.rejected = report.rows_in - report.accepted
    for i in np.flatnonzero(bad & filled):
        cells_written = [column.raw[column.codes[i]] for column in distinct.values()]
        while len(cells_written) > width and not cells_written[-1].strip():
            cells_written.pop()  # keep every extra field the row had, but not the parser's spare column
        report.rejected_rows.append((int(row_numbers[i]), cells_written))

    rows = np.flatnonzero(keep)
    action_position = next(pos for pos, column_id in mapping.items() if column_id == "action")
    out["category"] = ("text", _categories(distinct[action_position], categorize), distinct[action_position].codes)
    rest = [c.id for c in columns if c.id in out and c.id not in ("date", "action")]
    frame = {k: _kept(*out[k], rows) for k in ["date", "action", "category", *rest]}
    frame["source"] = pd.Series(pd.array([report.name], dtype="str").take(np.zeros(len(rows), dtype=np.intp)))
    frame["source_row"] = pd.Series(row_numbers[rows].astype("int64"))
    return ReadResult(report, pd.DataFrame(frame, copy=False))  # one fresh 0..n-1 index for all


# The memo of the template workbook's example row, in each language (kpi_core/export_xlsx.py writes it).
_EXAMPLE_MEMOS = frozenset(t("template.example.memo", lang) for lang in LANGS)


def _example_rows(distinct: dict, mapping: dict[int, str]) -> np.ndarray | None:
    """Rows whose memo is the template's example note, or None when the file has no memo column."""
    position = next((pos for pos, column_id in mapping.items() if column_id == "memo"), None)
    if position is None:
        return None
    memo = distinct[position]
    is_example = np.array([text in _EXAMPLE_MEMOS for text in memo.stripped], dtype=bool)
    return is_example[memo.codes] if is_example.any() else None


def _kept(kind: str, per_distinct: np.ndarray, codes: np.ndarray, rows: np.ndarray) -> pd.Series:
    """The kept rows of one column from its values per distinct cell."""
    codes = codes[rows]
    if kind == "text":
        return pd.Series(per_distinct[codes], dtype=object)  # Python strings: Arrow would cost more than parsing
    if kind in ("count", "rating", "yen"):
        missing = np.isnan(per_distinct)
        whole = np.where(missing, 0, per_distinct).astype("int64")
        return pd.Series(pd.arrays.IntegerArray(whole[codes], missing[codes]))
    return pd.Series(per_distinct[codes])


def _categories(actions: _Distinct, categorize) -> np.ndarray:
    """The category of each distinct action text ("other" for all without a `categorize`)."""
    if categorize is None:
        return np.full(len(actions.stripped), "other", dtype=object)
    return np.array([categorize(cells.unprotect(a)) for a in actions.stripped], dtype=object)


def _dates(texts: list[str]) -> np.ndarray:
    """datetime64 per distinct text (NaT when unreadable): the two spellings Excel and Sheets write are parsed
    together, the rest (令和7年1月6日, 2025.1.6, …) one by one."""
    series = pd.Series(texts, dtype=object)
    days = pd.to_datetime(series, format="%Y/%m/%d", errors="coerce")
    missing = days.isna().to_numpy() & (series != "").to_numpy()
    if missing.any():
        days[missing] = pd.to_datetime(series[missing], format="%Y-%m-%d", errors="coerce")
    slow = days.isna().to_numpy() & (series != "").to_numpy()
    if slow.any():
        days[slow] = pd.to_datetime(series[slow].map(cells.parse_date), errors="coerce")
    return days.to_numpy(dtype="datetime64[us]")


_PARSERS = {
    "minutes": cells.parse_minutes,
    "count": cells.parse_count,
    "rating": cells.parse_rating,
    "yen": cells.parse_yen,
}
_LIMITS = {"minutes": MAX_MINUTES_PER_ROW, "yen": MAX_YEN_PER_ROW}


def _parse_column(column: _Distinct, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(value, unreadable) for each distinct cell of a column; unreadable only matters where a cell is filled."""
    if kind == "text":
        # Text keeps the user's characters (no NFKC: ① or ～ must stay as written); only invisibles go.
        texts = np.array([cells.unprotect(u) for u in column.stripped], dtype=object)
        return texts, np.zeros(len(column.stripped), dtype=bool)
    if kind == "date":
        days = _dates(column.stripped)
        return days, np.isnat(days)
    parsed = [_PARSERS[kind](u) if u else None for u in column.stripped]
    numbers = np.array([np.nan if p is None else float(p) for p in parsed], dtype="float64")
    invalid = np.isnan(numbers)
    invalid |= np.abs(numbers) > _LIMITS.get(kind, MAX_COUNT_PER_ROW)  # only yen may be negative (a refund)
    numbers[invalid] = np.nan  # never kept (their rows are rejected), and now safe to convert to integers
    return numbers, invalid
