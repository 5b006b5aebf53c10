"""Workbooks read directly (.xlsx, .xlsm, .xls, .ods) and the limits on every file, with real files built here."""

from __future__ import annotations

import datetime as dt
import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_core import reader, unzip, workbooks
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.reader import MAX_COLUMNS, MAX_ROWS, read_log
from kpi_core.unzip import TooCompressed, TooLarge, UnzipLimits, read_members
from tests.conftest import csv_text

TODAY = dt.date(2025, 3, 1)
HEADER = ["日付", "アクション内容", "投入時間(分)", "直接反応数", "質的評価", "問い合わせ数", "メモ"]
ROWS = [
    [dt.date(2025, 1, 6), "投稿", 30, 5, 4, 1, "悩みが解決したと言われた"],
    [dt.datetime(2025, 1, 8, 21, 30), "返信", "1時間30分", 3, 3, 0, None],
    [dt.date(2025, 1, 10), "投稿", 40.0, 8, 5, 1, "①㈱髙～の相談"],
]
FIXTURE_XLS = Path(__file__).parent / "data" / "log.xls"


def xlsx(sheets: dict[str, list[list]], *, start_column: int = 0) -> bytes:
    """An .xlsx written by XlsxWriter: dates as date cells (formatted as Excel shows them), numbers as numbers."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    dates = book.add_format({"num_format": "yyyy/m/d"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, start_column + c, value, dates)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, start_column + c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, start_column + c, value)
                else:
                    sheet.write_string(r, start_column + c, value)
    book.close()
    return buffer.getvalue()


def read(data: bytes, name: str = "log.xlsx", **options) -> reader.ReadResult:
    return read_log(data, name, today=TODAY, **options)


def error_code(result: reader.ReadResult) -> str | None:
    return result.report.error.code if result.report.error else None


def zip_of(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_sheet_xml(data: bytes, sheet_xml: bytes, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A copy of the .xlsx `data` with one part replaced (a crafted sheet inside a real workbook)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_of({n: (sheet_xml if n == member else source.read(n)) for n in source.namelist()})


# ---------------------------------------------------------------- cells, sheets and row numbers


def test_date_cells_numbers_and_text_read_exactly_like_the_same_csv():
    book = read(xlsx({"記録": [HEADER, *ROWS]}))
    text = csv_text("2025/1/6,投稿,30,5,4,1,悩みが解決したと言われた", "2025/1/8,返信,1時間30分,3,3,0,",
                    "2025/1/10,投稿,40,8,5,1,①㈱髹～の相談".replace("髹", "髙"))
    csv = read(text.encode("cp932"), "log.csv")
    assert (book.report.encoding, book.report.separator, book.report.sheet) == ("xlsx", None, "記録")
    assert (book.report.rows_in, book.report.accepted, book.report.rejected) == (3, 3, 0)
    # One validation path: the same rows, to the cell, but for the file they came from.
    pd.testing.assert_frame_equal(book.rows.drop(columns="source"), csv.rows.drop(columns="source"))
    assert list(book.rows["date"].dt.date) == [dt.date(2025, 1, 6), dt.date(2025, 1, 8), dt.date(2025, 1, 10)]
    assert list(book.rows["minutes"]) == [30.0, 90.0, 40.0]  # a datetime keeps its date; "1時間30分" read as text
    assert list(book.rows["source_row"]) == [2, 3, 4]


def test_a_summary_sheet_before_the_log_is_skipped_and_the_report_names_the_sheet_read():
    summary = [["週", "合計時間", "メモ"], ["2025-W02", 90, ""]]
    result = read(xlsx({"まとめ": summary, "2025年1月": [HEADER, *ROWS]}))
    assert result.report.sheet == "2025年1月" and result.report.accepted == 3
    assert result.report.as_dict("ja")["sheet"] == "2025年1月"


@pytest.mark.parametrize(("above", "start_column"), [(0, 0), (1, 0), (3, 2)])
def test_a_bad_rating_is_reported_on_the_row_the_spreadsheet_shows(above, start_column):
    # `above` rows over the header: a title, then blank rows (as people lay out a sheet); the table may start at C.
    title = [["2025年1月の活動記録"]] + [[]] * (above - 1) if above else []
    rows = [*title, HEADER, ROWS[0], [dt.date(2025, 1, 7), "投稿", 30, 5, 9, 0, None], ROWS[2]]
    result = read(xlsx({"記録": rows}, start_column=start_column))
    bad_row = above + 3  # header on row above+1, first data row above+2
    assert [(p.row, p.column, p.value, p.code) for p in result.report.problems] == \
        [(bad_row, "質的評価", "9", "row.invalid_rating")]
    assert result.report.header_row == above + 1
    assert list(result.rows["source_row"]) == [above + 2, above + 4]
    assert result.report.rejected_rows[0][0] == bad_row


def test_whole_numbers_have_no_point_zero_and_a_fraction_stays_a_fraction():
    rows = [HEADER, [dt.date(2025, 1, 6), "投稿", 30.0, 3.0, 4.0, 1.5, None], [dt.date(2025, 1, 7), 12, 1.5, 2, 5, 0,
                                                                               True]]
    result = read(xlsx({"記録": rows}))
    assert [(p.row, p.column, p.value) for p in result.report.problems] == [(2, "問い合わせ数", "1.5")]
    kept = result.rows.iloc[0]
    assert (kept["action"], kept["minutes"], kept["reactions"], kept["memo"]) == ("12", 1.5, 2, "TRUE")


def test_cell_text_spells_each_kind_of_cell_as_a_csv_would():
    cases = [("2025/1/6", "2025/1/6"), (3.0, "3"), (-3000.0, "-3000"), (1.5, "1.5"), (0.1 + 0.2, "0.3"),
             (1e20, "1e+20"), (7, "7"), (True, "TRUE"), (dt.date(2025, 1, 6), "2025-01-06"),
             (dt.datetime(2025, 1, 6, 23, 59), "2025-01-06"), (dt.time(1, 30), "1:30"),
             (dt.timedelta(hours=25, minutes=5), "25:05"), ("", ""), (None, "")]
    assert [workbooks.cell_text(value) for value, _ in cases] == [text for _, text in cases]


def test_two_log_like_sheets_are_not_read_until_one_is_chosen():
    data = xlsx({"まとめ": [["週", "合計"]], "1月": [HEADER, *ROWS], "2月": [HEADER, ROWS[0]]})
    asked = read(data)
    assert error_code(asked) == "error.several_sheets" and asked.rows.empty
    assert asked.report.sheets == ["1月", "2月"] and asked.report.as_dict("en")["sheets"] == ["1月", "2月"]
    assert "1月、2月" in asked.report.error.message("ja")
    chosen = read(data, sheet="2月")
    assert (chosen.report.sheet, chosen.report.accepted, chosen.report.error) == ("2月", 1, None)
    unknown = read(data, sheet="3月")
    assert error_code(unknown) == "error.unknown_sheet" and unknown.report.sheets == ["まとめ", "1月", "2月"]
    assert "3月" in unknown.report.error.message("en") and "まとめ、1月、2月" in unknown.report.error.message("en")


def test_a_workbook_whose_only_log_misses_a_column_says_which():
    result = read(xlsx({"記録": [HEADER[:4], [dt.date(2025, 1, 6), "投稿", 30, 5]]}))
    assert error_code(result) == "error.missing_columns" and "質的評価" in result.report.error.message("ja")
    assert error_code(read(xlsx({"記録": [["週", "合計"], [1, 2]]}))) == "error.no_header"


def test_ods_written_by_pandas_reads_with_date_cells():
    buffer = io.BytesIO()
    frame = pd.DataFrame([[dt.datetime(2025, 1, 6), "投稿", 30, 5, 4, 1, "メモ"],
                          [dt.datetime(2025, 1, 8), "返信", 20, 3, 7, 0, ""]], columns=HEADER)
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        pd.DataFrame([["まとめ"]]).to_excel(writer, sheet_name="まとめ", header=False, index=False)
        frame.to_excel(writer, sheet_name="記録", index=False, startrow=1)  # a blank row 1 above the header
    result = read(buffer.getvalue(), "log.ods")
    assert (result.report.encoding, result.report.sheet, result.report.header_row) == ("ods", "記録", 2)
    assert [(p.row, p.value) for p in result.report.problems] == [(4, "7")]
    assert list(result.rows["date"].dt.date) == [dt.date(2025, 1, 6)]


@pytest.mark.parametrize(("limit", "code"), [("MAX_COLUMNS", "error.too_many_columns"),
                                           ("MAX_ROWS", "error.too_many_rows")])
def test_an_xls_sheet_is_measured_against_the_limits_after_loading(monkeypatch, limit, code):
    # An .xls is not a zip, so there is no archive to measure first: the loaded sheet (6 columns, 3 rows below
    # its header) is measured instead. At the limit it is read; one under, refused with both numbers.
    size = {"MAX_COLUMNS": 6, "MAX_ROWS": 3}[limit]
    monkeypatch.setattr(reader, limit, size)
    assert read(FIXTURE_XLS.read_bytes(), "log.xls").report.accepted == 2
    monkeypatch.setattr(reader, limit, size - 1)
    result = read(FIXTURE_XLS.read_bytes(), "log.xls")
    assert error_code(result) == code and result.rows.empty and result.report.accepted == 0
    found = {"columns" if limit == "MAX_COLUMNS" else "rows": str(size), "limit": str(size - 1)}
    assert result.report.error.params == found


def test_the_committed_xls_fixture_reads_with_its_own_row_numbers():
    result = read(FIXTURE_XLS.read_bytes(), "log.xls")
    report = result.report
    assert (report.encoding, report.sheet, report.rows_in, report.accepted, report.rejected) == \
        ("xls", "記録", 3, 2, 1)
    assert [(p.row, p.column, p.value) for p in report.problems] == [(5, "質的評価", "9")]
    assert list(result.rows["minutes"]) == [30.0, 90.0] and result.rows["memo"][0] == "①㈱髙～の相談"
    assert list(result.rows["date"].dt.date) == [dt.date(2025, 1, 6), dt.date(2025, 1, 10)]


def test_a_macro_enabled_workbook_is_read_as_xlsm():
    data = xlsx({"記録": [HEADER, *ROWS]})
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    xlsm = zip_of({n: types if n == "[Content_Types].xml" else source.read(n) for n in source.namelist()})
    result = read(xlsm, "log.xlsm")
    assert (result.report.encoding, result.report.accepted) == ("xlsm", 3)


def test_files_that_look_like_workbooks_but_are_not_read_get_a_clear_message():
    good = xlsx({"記録": [HEADER, *ROWS]})
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    cases = {
        ole2 + b"\0" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600: "error.workbook_encrypted",
        ole2 + os.urandom(4000): "error.workbook_broken",
        zip_of({"xl/workbook.bin": b"\0" * 100, "[Content_Types].xml": b"<Types/>"}): "error.workbook_xlsb",
        zip_of({"word/document.xml": b"<w/>"}): "error.workbook_zip",
        good[: len(good) // 2]: "error.workbook_broken_zip",
        with_sheet_xml(good, b"<worksheet><sheetData><row r='1'><c r='A1'"): "error.workbook_broken",
    }
    for data, code in cases.items():
        result = read(data)
        assert error_code(result) == code, code
        assert result.rows.empty and result.report.error.message("ja") and result.report.error.message("en")
    assert error_code(read(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "a.png")) == "error.not_text_image"


def test_check_archive_is_what_calamine_gets_to_see():
    # A sheet whose two cells are far apart made calamine allocate the whole rectangle (550 GB) and abort the
    # process (calamine issue 693): the rectangle is measured first and refused.
    good = xlsx({"記録": [HEADER, *ROWS]})
    corners = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' \
              b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>' \
              b'</sheetData></worksheet>'
    result = read(with_sheet_xml(good, corners))
    assert error_code(result) == "error.too_many_columns"
    assert "16,384" in result.report.error.message("en") and f"{MAX_COLUMNS:,}" in result.report.error.message("en")
    # Within the column limit but a million rows apart: the rectangle is still too large.
    tall = corners.replace(b"XFD1048576", b"CV1000000").replace(b'r="1048576"', b'r="1000000"')
    result = read(with_sheet_xml(good, tall))
    assert error_code(result) == "error.workbook_grid" and "1,000,000" in result.report.error.message("ja")
    # 9 columns × 1,000,000 rows is within every limit: calamine reads it (and finds no header in it).
    assert error_code(read(with_sheet_xml(good, tall.replace(b"CV", b"I")))) == "error.no_header"


def test_cells_without_positions_are_measured_as_calamine_places_them():
    good = xlsx({"記録": [HEADER, *ROWS]})
    cells = b"<c><v>1</v></c>" * (MAX_COLUMNS + 1)
    wide = b"<worksheet><sheetData><row r='3'>" + cells + b"</row></sheetData></worksheet>"
    result = read(with_sheet_xml(good, wide))
    assert error_code(result) == "error.too_many_columns"
    assert f"{MAX_COLUMNS + 1:,}" in result.report.error.message("en")
    at_limit = wide.replace(b"<c><v>1</v></c>", b"", 1)
    assert workbooks.check_archive(with_sheet_xml(good, at_limit), "xlsx", MAX_ROWS, MAX_COLUMNS) is None


def test_an_ods_with_a_value_repeated_over_the_sheet_is_refused_before_reading():
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    data = zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                   "content.xml": content.encode()})
    result = read(data, "bomb.ods")
    assert error_code(result) == "error.workbook_grid" and "1,000,000" in result.report.error.message("en")


# ---------------------------------------------------------------- limits on every file


def test_the_limits_are_a_million_rows_and_two_hundred_columns():
    assert (MAX_ROWS, MAX_COLUMNS) == (1_000_000, 200)
    assert workbooks.MAX_GRID_CELLS == 20_000_000
    assert (workbooks.UNZIP_LIMITS.member_bytes, workbooks.UNZIP_LIMITS.total_bytes) == (512 * 2**20, 640 * 2**20)
    assert workbooks.UNZIP_LIMITS.ratio == 100


@pytest.mark.parametrize(("rows", "refused"), [(MAX_ROWS, False), (MAX_ROWS + 1, True)])
def test_a_csv_of_a_million_rows_is_read_and_one_more_is_refused_whole(rows, refused):
    line = b"2025/1/6,\xe6\x8a\x95\xe7\xa8\xbf,30,5,4\n"
    data = "日付,アクション内容,投入時間(分),直接反応数,質的評価\n".encode() + line * rows
    result = read(data, "big.csv")
    if refused:
        assert error_code(result) == "error.too_many_rows" and result.rows.empty and result.report.rows_in == 0
        message = result.report.error.message("ja")
        assert "1,000,000" in message and "1,000,001" in message
    else:
        assert result.report.error is None and result.report.accepted == rows


@pytest.mark.parametrize(("columns", "refused"), [(MAX_COLUMNS, False), (MAX_COLUMNS + 1, True)])
def test_a_csv_of_two_hundred_columns_is_read_and_one_more_is_refused(columns, refused):
    header = "日付,アクション内容,投入時間(分),直接反応数,質的評価," + ",".join(f"x{i}" for i in range(columns - 5))
    result = read(csv_text("2025/1/6,投稿,30,5,4," + "," * (columns - 6), header=header).encode(), "wide.csv")
    assert (error_code(result) == "error.too_many_columns") is refused
    if refused:
        assert f"{columns:,}" in result.report.error.message("en")
    # A row wider than the limit (under a narrow header) is refused before it is parsed that wide.
    ragged = csv_text("2025/1/6,投稿,30,5,4", "2025/1/7,投稿,30,5,4" + "," * (columns - 5),
                      header="日付,アクション内容,投入時間(分),直接反応数,質的評価")
    assert (error_code(read(ragged.encode(), "ragged.csv")) == "error.too_many_columns") is refused


@pytest.mark.parametrize(("data_rows", "refused"), [(5, False), (6, True)])
def test_a_workbook_over_the_row_limit_is_refused_counting_rows_below_its_header(monkeypatch, data_rows, refused):
    monkeypatch.setattr(reader, "MAX_ROWS", 5)
    rows = [["タイトル"], [], HEADER] + [ROWS[0]] * data_rows
    result = read(xlsx({"記録": rows}))
    assert (error_code(result) == "error.too_many_rows") is refused
    if refused:
        assert "6" in result.report.error.message("en") and result.rows.empty
    else:
        assert result.report.accepted == 5


@pytest.mark.parametrize(("columns", "refused"), [(MAX_COLUMNS, False), (MAX_COLUMNS + 1, True)])
def test_a_workbook_of_two_hundred_columns_is_read_and_one_more_is_refused(columns, refused):
    header = HEADER + [f"x{i}" for i in range(columns - len(HEADER))]
    result = read(xlsx({"記録": [header, ROWS[0] + [1] * (columns - len(HEADER))]}))
    assert (error_code(result) == "error.too_many_columns") is refused
    if not refused:
        assert result.report.accepted == 1


def bomb(inflated: int) -> bytes:
    """A real zip bomb dressed as a workbook: `inflated` bytes of one repeated character in the sheet part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * 2**20
            for _ in range(inflated // len(block)):
                part.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_stopped_by_its_ratio_with_memory_bounded():
    data = bomb(400 * 2**20)
    assert len(data) < 500_000  # a few hundred KB that inflate to 400 MB
    tracemalloc.start()
    try:
        result = read(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error_code(result) == "error.workbook_too_compressed"
    assert "100" in result.report.error.message("ja") and "100" in result.report.error.message("en")
    assert peak < 20 * 2**20  # nothing near the 400 MB the bomb holds


def test_a_zip_bomb_past_the_size_cap_stops_at_the_cap_with_memory_bounded(monkeypatch):
    # With the ratio allowed, the decompressed-size cap alone stops it: at its first byte over, holding nothing.
    monkeypatch.setattr(workbooks, "UNZIP_LIMITS", UnzipLimits(64 * 2**20, 80 * 2**20, ratio=10_000))
    tracemalloc.start()
    try:
        result = read(bomb(200 * 2**20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error_code(result) == "error.workbook_too_large" and "64" in result.report.error.message("en")
    assert result.report.error.params == {"megabytes": "64"}
    assert peak < 10 * 2**20


# ---------------------------------------------------------------- the bounded-unzip helper


def member_zip(**members: bytes) -> bytes:
    return zip_of(members)


@pytest.mark.parametrize(("cap", "refused"), [(1000, False), (999, True)])
def test_a_member_just_at_the_size_cap_is_read_and_one_byte_over_is_not(cap, refused):
    data = member_zip(a=b"x" * 1000)
    limits = UnzipLimits(member_bytes=cap, total_bytes=10**6, ratio=10**6)
    if refused:
        with pytest.raises(TooLarge) as raised:
            read_members(data, limits)
        assert (raised.value.member, raised.value.limit) == ("a", 999)
    else:
        assert read_members(data, limits) == {"a": b"x" * 1000}


@pytest.mark.parametrize(("cap", "refused"), [(1500, False), (1499, True)])
def test_members_just_at_the_total_cap_are_read_and_one_byte_over_is_not(cap, refused):
    data = member_zip(a=b"x" * 1000, b=b"y" * 500)
    limits = UnzipLimits(member_bytes=10**6, total_bytes=cap, ratio=10**6)
    if refused:
        with pytest.raises(TooLarge) as raised:
            read_members(data, limits)
        assert raised.value.member == "b"
    else:
        assert read_members(data, limits) == {"a": b"x" * 1000, "b": b"y" * 500}


@pytest.mark.parametrize("refused", [False, True])
def test_a_member_just_at_the_ratio_is_read_and_just_over_is_not(refused):
    # Random bytes, then zeros: the ratio only climbs as the member inflates, so its end is its highest point.
    raw = os.urandom(300_000) + b"\0" * 3_000_000
    data = member_zip(m=raw)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("m")
    ratio = info.file_size / info.compress_size
    limits = UnzipLimits(10**8, 10**8, ratio=ratio * (0.999 if refused else 1.0), ratio_from=1)
    if refused:
        with pytest.raises(TooCompressed):
            read_members(data, limits)
    else:
        assert read_members(data, limits)["m"] == raw


@pytest.mark.parametrize(("size", "refused"), [(2**20 - 1, False), (2**20, True)])
def test_the_ratio_is_judged_from_a_members_first_megabyte_on(size, refused):
    # Zeros compress about a thousand times: under a megabyte that is a small part (styles, a manifest) and read;
    # from the megabyte on, it is a bomb's ratio and stopped there.
    data = member_zip(m=b"\0" * size)
    limits = UnzipLimits(10**8, 10**8, ratio=100)
    if refused:
        with pytest.raises(TooCompressed) as raised:
            read_members(data, limits)
        assert (raised.value.member, raised.value.limit) == ("m", 100)
    else:
        assert read_members(data, limits) == {"m": b"\0" * size}


def test_the_ratio_is_measured_per_member_not_over_the_archive_so_far():
    # A bomb after a large honest member: its own compressed bytes, not the archive's, set its ratio.
    data = member_zip(honest=os.urandom(2**20), bomb=b"\0" * 2 * 2**20)
    with pytest.raises(TooCompressed) as raised:
        read_members(data, UnzipLimits(10**8, 10**8, ratio=100))
    assert raised.value.member == "bomb"


def test_bytes_that_are_not_a_zip_are_a_broken_zip_naming_no_member():
    with pytest.raises(unzip.BrokenZip) as raised:
        read_members(b"PK\x03\x04 not really a zip", UnzipLimits(10**6, 10**6, ratio=100))
    assert (raised.value.member, raised.value.limit, str(raised.value)) == ("", None, ": broken")


def test_declared_sizes_are_not_trusted():
    # The directory claims 10 bytes; the member inflates to a megabyte: the cap counts what comes out.
    data = bytearray(member_zip(a=b"\0" * 2**20))
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24: directory + 28] = (10).to_bytes(4, "little")  # the central directory's file_size
    with pytest.raises(unzip.UnzipError):
        read_members(bytes(data), UnzipLimits(2**19, 2**20, ratio=10**6))


def test_the_backup_import_uses_the_same_helper(tmp_path):
    from kpi_core.store.workspace import Workspace

    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        good = ws.export_zip()
        files = {n: zipfile.ZipFile(io.BytesIO(good)).read(n) for n in zipfile.ZipFile(io.BytesIO(good)).namelist()}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for name, data in files.items():
                if name != "log.csv":
                    archive.writestr(name, data)
            with archive.open("log.csv", "w", force_zip64=True) as part:
                for _ in range(300):
                    part.write(b"\0" * 2**20)
        tracemalloc.start()
        try:
            preview = ws.preview_import(buffer.getvalue())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [p.code for p in preview.problems if p.blocking] == ["import.too_compressed"]
    assert "log.csv" in preview.problems[0].message("ja") and peak < 20 * 2**20


# ---------------------------------------------------------------- properties


CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["投稿", "ー", "なし", "１２", "90分", "1時間", "★★★", "=1+1", "2025/1/6", "令和7年1月6日"]),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=5, max_size=8), max_size=12))
def test_any_cells_in_a_generated_workbook_never_crash_and_the_counts_add_up(rows):
    clean = [[v.replace("\x00", "") if isinstance(v, str) else v for v in row] for row in rows]
    clean = [[("".join(ch for ch in v if ch.isprintable()) if isinstance(v, str) else v) for v in row]
             for row in clean]
    result = read(xlsx({"まとめ": [["週"]], "記録": [HEADER[:5], *clean]}))
    report = result.report
    assert report.error is None and report.sheet == "記録"
    # The sheet ends at its last written cell (None is not written): rows after it do not exist.
    written = [i for i, row in enumerate(clean) if any(v is not None for v in row)]
    assert report.rows_in == report.accepted + report.rejected == (written[-1] + 1 if written else 0) - report.blank
    assert len(result.rows) == report.accepted
    assert all(p.row is not None and 2 <= p.row <= len(clean) + 1 for p in report.problems)


# ---------------------------------------------------------------- read_files, the CLI and the log page


def test_read_files_passes_the_sheet_on():
    data = xlsx({"1月": [HEADER, *ROWS], "2月": [HEADER, ROWS[0]]})
    assert read_files([("a.xlsx", data)]).reports[0].error.code == "error.several_sheets"
    batch = read_files([("a.xlsx", data), ("b.csv", csv_text("2025/1/9,投稿,30,5,4,1,").encode())], sheet="2月")
    assert [(r.sheet, r.accepted) for r in batch.reports] == [("2月", 1), (None, 1)]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_log_page_asks_which_sheet_and_reads_the_chosen_one(lang):
    from tests.test_pages import open_page, texts

    data = xlsx({"1月": [HEADER, *ROWS], "2月": [HEADER, ROWS[0]]})
    at = open_page("log", lang)
    at.get("file_uploader")[0].upload("log.xlsx", data, "application/vnd.openxmlformats-officedocument"
                                      ".spreadsheetml.sheet")
    at.run()
    assert not at.exception
    assert t("reader.error.several_sheets", lang, sheets="1月、2月") in texts(at)
    choice = next(s for s in at.selectbox if s.label == t("log.sheet.choose", lang))
    assert choice.options == ["1月", "2月"]
    choice.set_value("2月")
    next(b for b in at.button if b.label == t("log.sheet.read", lang)).click()
    at.run()
    assert not at.exception
    assert t("log.sheet.read_from", lang, sheet="2月", format="Excel (.xlsx)") in texts(at)
    assert len(at.session_state["log"]) == 1
