"""Writing logs and rejected rows back to CSV that Japanese Excel opens safely (BOM, no formulas)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import pandas as pd

from kpi_core.cells import protect
from kpi_core.columns import Column, all_columns

EXCEL_ENCODING = "utf-8-sig"  # UTF-8 without a BOM opens garbled in Japanese Excel


def _format(value: object, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # None, NaN, NA and NaT
        return ""
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "minutes":
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if kind in ("count", "rating", "yen"):
        return str(int(value))  # a refund's "-3000" is written '-3000 by csv_bytes, and read back as -3000
    return str(value)  # csv_bytes neutralises every cell once


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV text with CRLF record ends, every cell neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([protect(h) for h in header])
    for row in rows:
        writer.writerow([protect(str(cell)) for cell in row])
    return buffer.getvalue().encode(EXCEL_ENCODING)


def log_csv_bytes(log: pd.DataFrame, lang: str = "ja", extra_columns: tuple[Column, ...] = ()) -> bytes:
    """The log with headers in `lang`; reading it back with the reader gives the same rows."""
    columns = [c for c in all_columns(extra_columns) if c.id in log.columns]
    records = log[[c.id for c in columns]].itertuples(index=False, name=None)
    rows = ([_format(v, c.kind) for v, c in zip(record, columns, strict=True)] for record in records)
    return csv_bytes([c.header(lang) for c in columns], rows)


def template_csv_bytes(columns: Sequence[Column], lang: str = "ja") -> bytes:
    """An empty log with just the header row, for a persona's columns."""
    return csv_bytes([c.header(lang) for c in columns], [])


def rejected_csv_bytes(header: Sequence[str], rejected: Sequence[tuple[int, list[str]]],
                       problem_header: str, problems_by_row: dict[int, str]) -> bytes:
    """The rejected rows as written, under their original header, with what to fix in a first column.

    First, not last: a row with too many cells would push a last column out from under its header.
    Uploaded again, that column is reported as not used and the rows are read as usual.
    """
    rows = [[problems_by_row.get(row, ""), *cells] for row, cells in rejected]
    return csv_bytes([problem_header, *header], rows)
