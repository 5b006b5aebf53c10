"""Reading an activity-log CSV: every row is accepted or reported with its spreadsheet row number."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_core import cells, decoding
from kpi_core.columns import (
    REQUIRED,
    Column,
    all_columns,
    analytics_platform,
    header_index,
    header_key,
    is_vanity,
)
from kpi_core.messages import t

# Beyond this many extra fields on a line the fast parser gives up and the width is measured first.
_SPARE_FIELDS = 64
MAX_MINUTES_PER_ROW = 24 * 60
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
_PROTECTED = r"^'(?=[=+\-@\t\r])"  # the apostrophe our writer adds; see cells.protect


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
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)
    error: Problem | None = None
    problems: list[Problem] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    header_row: int | None = None
    rejected_rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row, cells as written)

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
            "ignored_columns": [{"column": c.header, "reason": c.message(lang)} for c in self.ignored_columns],
            "error": self.error.message(lang) if self.error else None,
            "problems": [p.as_dict(lang) for p in self.problems],
        }


@dataclass
class ReadResult:
    """The accepted rows in the canonical log form and the report on the file."""

    report: FileReport
    rows: pd.DataFrame


def empty_log(extra: tuple[Column, ...] = ()) -> pd.DataFrame:
    """A log with no rows but the canonical required columns."""
    frame = pd.DataFrame(
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
    return frame


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
) -> ReadResult:
    """Read one activity-log file from its bytes.

    `extra_columns` are persona columns the reader should recognise; `categorize` maps an action text to
    a category id (defaults to "other" for everything).
    """
    report = FileReport(name=name)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return _file_error(report, "error.empty")
    kind = decoding.binary_kind(data)
    if kind and not encoding:
        return _file_error(report, f"error.not_text_{kind}")
    if encoding and not decoding.is_known_encoding(encoding):
        return _file_error(report, "error.unknown_encoding", encoding=encoding)
    try:
        decoded = decoding.decode(data, encoding)
    except UnicodeDecodeError:
        decoded = None
    if decoded is None:
        return _file_error(report, "error.encoding", encoding=encoding or "utf-8 / cp932")
    text, report.encoding = decoded
    text = text.lstrip("\ufeff")

    columns = all_columns(extra_columns)
    index = header_index(columns)
    found = decoding.find_header(text, set(index))
    if found is None:
        first = decoding.first_record(text)
        platform = analytics_platform(first)
        if platform:
            return _file_error(report, "error.analytics_export", platform=platform)
        return _file_error(report, "error.no_header", expected=_required_headers())
    report.separator, header_index_row, header = found
    report.header = header
    report.header_row = header_index_row + 1

    mapping, ignored = _map_header(header, index)
    report.ignored_columns = ignored
    missing = [c for c in REQUIRED if c.id not in mapping.values()]
    if missing:
        platform = analytics_platform(header)
        if platform:
            return _file_error(report, "error.analytics_export", platform=platform)
        return _file_error(report, "error.missing_columns", columns="、".join(c.ja + " / " + c.en for c in missing))

    raw = _parse_table(text, report.separator, len(header))
    body = raw.iloc[header_index_row + 1 :]
    return _validate(body, header, mapping, columns, report, categorize)


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


def _map_header(header: list[str], index: dict[str, Column]) -> tuple[dict[int, str], list[IgnoredColumn]]:
    """Position → column id for the columns used; the rest reported with a reason."""
    mapping: dict[int, str] = {}
    ignored: list[IgnoredColumn] = []
    for position, cell in enumerate(header):
        key = header_key(cell)
        column = index.get(key)
        if not key:
            continue  # unnamed columns are checked for content when the rows are read
        if column is None:
            ignored.append(IgnoredColumn(cell, "vanity" if is_vanity(cell) else "unknown"))
        elif column.id in mapping.values():
            ignored.append(IgnoredColumn(cell, "duplicate"))
        else:
            mapping[position] = column.id
    return mapping, ignored


def _parse_table(text: str, separator: str, width: int) -> pd.DataFrame:
    """Every record as strings, one row per spreadsheet row (blank lines kept, so row numbers hold)."""
    names = list(range(width + _SPARE_FIELDS))
    options = dict(
        sep=separator, header=None, dtype=str, keep_default_na=False, na_filter=False,
        skip_blank_lines=False, quotechar='"', doublequote=True, engine="c",
    )
    try:
        return pd.read_csv(io.StringIO(text), names=names, **options)
    except pd.errors.ParserError:
        # A line wider than the spare room: measure the widest line, then read again.
        import csv

        widest = max((len(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator)), default=0)
        return pd.read_csv(io.StringIO(text), names=list(range(max(widest, width))), **options)


def _validate(body, header, mapping, columns, report, categorize) -> ReadResult:
    body = body.reset_index(drop=True)
    by_id = {c.id: c for c in columns}
    width = len(header)
    n = len(body)
    row_numbers = np.arange(n) + (report.header_row + 1)
    stripped = {pos: body[pos].str.strip() for pos in body.columns}
    filled = np.zeros(n, dtype=bool)
    for series in stripped.values():
        filled |= (series != "").to_numpy()
    blank = ~filled
    report.blank = int(blank.sum())

    bad = np.zeros(n, dtype=bool)
    problems: list[Problem] = []
    # A row with more fields than the header is rejected whole: its columns cannot be trusted.
    extra = np.zeros(n, dtype=bool)
    for pos in range(width, body.shape[1]):
        extra |= (stripped[pos] != "").to_numpy()
    # Unnamed header cells (Excel's trailing columns): skipped, but said aloud when they hold something.
    for pos in range(width):
        if not header_key(header[pos]) and (stripped[pos] != "").any():
            report.ignored_columns.append(IgnoredColumn(column_letter(pos), "unnamed"))
    for i in np.flatnonzero(extra & filled):
        problems.append(Problem(int(row_numbers[i]), None, None, "row.too_many_fields", {"expected": width}))
    bad |= extra & filled

    out: dict[str, object] = {}
    for pos, column_id in mapping.items():
        column = by_id[column_id]
        raw = body[pos]
        values, invalid, empty = _parse_column(raw, stripped[pos], column.kind)
        if column.required:
            missing = empty & filled
            for i in np.flatnonzero(missing & ~extra):
                problems.append(Problem(int(row_numbers[i]), header[pos], "", "row.required_empty"))
            bad |= missing
        wrong = invalid & filled
        for i in np.flatnonzero(wrong & ~extra):
            problems.append(Problem(int(row_numbers[i]), header[pos], str(raw.iloc[i]), f"row.invalid_{column.kind}"))
        bad |= wrong
        out[column_id] = values

    keep = filled & ~bad
    problems.sort(key=lambda p: (p.row, header.index(p.column) if p.column in header else -1))
    report.problems = problems
    report.rows_in = int(filled.sum())
    report.accepted = int(keep.sum())
    report.rejected = report.rows_in - report.accepted
    for i in np.flatnonzero(bad & filled):
        report.rejected_rows.append((int(row_numbers[i]), [str(v) for v in body.iloc[i, :width]]))

    frame = pd.DataFrame({k: v[keep] for k, v in out.items()}).reset_index(drop=True)
    actions = frame["action"]
    if categorize is None:
        frame["category"] = "other"
    else:
        uniques = {a: categorize(a) for a in pd.unique(actions)}
        frame["category"] = actions.map(uniques).astype(object)
    frame["source"] = report.name
    frame["source_row"] = row_numbers[keep].astype("int64")
    ordered = [c.id for c in columns if c.id in frame] + ["category", "source", "source_row"]
    ordered = ["date", "action", "category"] + [c for c in ordered if c not in ("date", "action", "category")]
    return ReadResult(report, frame[ordered])


def _slow_map(raw: pd.Series, mask: np.ndarray, parse) -> dict[str, object]:
    """Parse the distinct values under `mask` one by one (logs repeat values, so this stays cheap)."""
    return {value: parse(value) for value in pd.unique(raw[mask])}


def _parse_column(raw: pd.Series, stripped: pd.Series, kind: str):
    """(values, invalid mask, empty mask) for one column, fast vectorised path first."""
    empty = (stripped == "").to_numpy()
    if kind == "text":
        # Text keeps the user's characters (no NFKC: ① or ～ must stay as written); only invisibles go.
        text = stripped.str.replace(_INVISIBLE, "", regex=True).str.strip()
        text = text.str.replace(_PROTECTED, "", regex=True).astype(object)
        return text, np.zeros(len(raw), dtype=bool), empty
    if kind == "date":
        parsed = pd.to_datetime(stripped, format="%Y-%m-%d", errors="coerce")
        todo = parsed.isna().to_numpy() & ~empty
        if todo.any():
            parsed = parsed.fillna(pd.to_datetime(stripped.where(todo), format="%Y/%m/%d", errors="coerce"))
            todo = parsed.isna().to_numpy() & ~empty
        if todo.any():
            slow = _slow_map(stripped, todo, cells.parse_date)
            fixed = pd.to_datetime(stripped.where(todo).map(slow), errors="coerce")
            parsed = parsed.fillna(fixed)
        parsed = parsed.astype("datetime64[us]")
        invalid = parsed.isna().to_numpy() & ~empty
        return parsed, invalid, empty
    numeric = pd.to_numeric(stripped, errors="coerce").astype("float64")
    fast_ok = numeric.notna().to_numpy() & np.isfinite(numeric.to_numpy(na_value=np.nan))
    if kind == "minutes":
        parse = cells.parse_minutes
    elif kind == "rating":
        parse = cells.parse_rating
    else:
        parse = cells.parse_count
    todo = ~fast_ok & ~empty
    values = numeric.where(fast_ok)
    if todo.any():
        slow = _slow_map(stripped, todo, parse)
        values = values.fillna(stripped.where(todo).map(slow).astype("float64"))
    arr = values.to_numpy(dtype="float64", na_value=np.nan)
    ok = ~np.isnan(arr) & (arr >= 0)
    if kind == "minutes":
        ok &= arr <= MAX_MINUTES_PER_ROW
        invalid = ~ok & ~empty
        return pd.Series(np.where(ok, arr, np.nan)), invalid, empty
    ok &= np.mod(arr, 1) == 0
    if kind == "rating":
        ok &= (arr >= 1) & (arr <= 5)
    invalid = ~ok & ~empty
    result = pd.array(np.where(ok, arr, np.nan), dtype="Float64").astype("Int64")
    return pd.Series(result), invalid, empty
