"""The log template as an Excel workbook: headers, one example row, dates as dates, the 1–5 rubric beside it.

Written with XlsxWriter: well kept (releases every few months for over ten years), pure Python with no
dependencies, and write-only, which is all the one workbook the app writes needs. Reading workbooks is
python-calamine's job (kpi_core/reader.py); nothing here reads one.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence

import xlsxwriter

from kpi_core.columns import Column
from kpi_core.messages import t

# As Excel shows a date in each language; the column keeps the format, so rows typed below it are dates too.
DATE_FORMATS = {"ja": "yyyy/m/d", "en": "yyyy-mm-dd"}
EXAMPLE_NUMBERS = {"minutes": 30, "reactions": 5, "quality": 4, "inquiries": 1}  # other counts: 0
RUBRIC_LEVELS = range(1, 6)
WIDE_COLUMNS = {"memo": 48}  # characters: the example's note stays readable without widening by hand


def template_xlsx_bytes(columns: Sequence[Column], lang: str = "ja", today: dt.date | None = None) -> bytes:
    """A workbook with the log sheet (the header, one example row dated `today`) and the rubric sheet.

    The example row reads as a real activity if left in; its memo asks the person to delete it.
    """
    today = today or dt.date.today()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    try:
        header = book.add_format({"bold": True, "bg_color": "#F0EEE8", "bottom": 1})
        date = book.add_format({"num_format": DATE_FORMATS.get(lang, DATE_FORMATS["en"])})
        sheet = book.add_worksheet(t("template.sheet.log", lang))
        for position, column in enumerate(columns):
            title = column.header(lang)
            width = WIDE_COLUMNS.get(column.id, max(10, _width(title) + 2))
            sheet.set_column(position, position, width, date if column.kind == "date" else None)
            sheet.write_string(0, position, title, header)  # write_string: never read as a formula
            value = _example(column, lang, today)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(1, position, value, date)
            elif isinstance(value, str):
                sheet.write_string(1, position, value)
            elif value is not None:
                sheet.write_number(1, position, value)
        sheet.freeze_panes(1, 0)  # the header stays in view while scrolling down a long log

        rubric = book.add_worksheet(t("template.sheet.rubric", lang))
        rubric.set_column(0, 0, 80, book.add_format({"text_wrap": True, "valign": "top"}))
        rubric.write_string(0, 0, t("rubric.title", lang), book.add_format({"bold": True, "font_size": 13}))
        rubric.write_string(1, 0, t("rubric.intro", lang))
        for row, level in enumerate(RUBRIC_LEVELS, start=3):
            rubric.write_string(row, 0, t(f"rubric.{level}", lang))
    finally:
        book.close()
    return buffer.getvalue()


def _example(column: Column, lang: str, today: dt.date) -> object:
    """The example row's cell: a date, a number, a text, or None (left empty: income is nobody's example)."""
    if column.kind == "date":
        return dt.datetime.combine(today, dt.time())
    if column.id in ("action", "memo"):
        return t(f"template.example.{column.id}", lang)
    if column.kind in ("minutes", "count", "rating"):
        return EXAMPLE_NUMBERS.get(column.id, 0)
    return None


def _width(text: str) -> int:
    """Display width in characters: a full-width (Japanese) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
