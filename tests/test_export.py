"""Writing CSVs for Excel: BOM, formula injection neutralised, and a faithful round trip."""

import codecs
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_core.columns import header_index, header_key
from kpi_core.export import csv_bytes, log_csv_bytes
from kpi_core.export_xlsx import template_xlsx_bytes
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.reader import read_log
from tests.conftest import csv_text

CONTENT = ["date", "action", "category", "minutes", "reactions", "quality", "inquiries", "memo"]


def test_written_log_has_bom_and_neutralised_formulas():
    log = read_log(csv_text("2025/1/6,投稿,30,1,4,1,x").encode(), "a.csv").rows
    log.loc[0, "memo"] = '=HYPERLINK("http://evil")'
    log.loc[0, "action"] = "@SUM(A1)"
    data = log_csv_bytes(log, "ja")
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert text.splitlines()[0] == "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ"


def test_csv_bytes_protects_every_cell():
    text = csv_bytes(["a"], [["+1"], ["-2"], ["\tx"], ["ok"]]).decode("utf-8-sig")
    assert text.split("\r\n")[1:5] == ["'+1", "'-2", "'\tx", "ok"]


safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Cf")), max_size=15)


@settings(max_examples=100, deadline=None)
@given(
    memos=st.lists(st.one_of(safe_text, st.sampled_from(["=1+1", "-x", "+81 90", "@a", "a,b", 'say "hi"', "行1\n行2"])),
                   min_size=1, max_size=8),
    lang=st.sampled_from(["ja", "en"]),
)
def test_write_then_read_gives_the_same_rows(memos, lang):
    n = len(memos)
    log = pd.DataFrame({
        "date": pd.to_datetime([f"2025-01-{i + 1:02d}" for i in range(n)]).astype("datetime64[us]"),
        "action": ["投稿"] * n,
        "category": ["other"] * n,
        "minutes": [30.0 + i / 2 for i in range(n)],
        "reactions": pd.array(list(range(n)), dtype="Int64"),
        "quality": pd.array([(i % 5) + 1 for i in range(n)], dtype="Int64"),
        "inquiries": pd.array([None if i % 2 else i for i in range(n)], dtype="Int64"),
        "memo": [m.strip() for m in memos],
    })
    back = read_log(log_csv_bytes(log, lang), "back.csv").rows
    pd.testing.assert_frame_equal(back[CONTENT], log[CONTENT], check_dtype=False)


def test_rejected_rows_file_puts_what_to_fix_first_and_keeps_every_cell():
    from kpi_core.export import rejected_csv_bytes

    data = rejected_csv_bytes(["日付", "投入時間(分)"], [(3, ["2025/1/6", "abc", "extra"])], "直すところ",
                              {3: "時間を直す"})
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["直すところ,日付,投入時間(分)", "時間を直す,2025/1/6,abc,extra"]
    back = read_log(data, "again.csv").report
    assert [c.reason for c in back.ignored_columns] == ["unknown"]  # the note column is said aloud, not read


# ---------------------------------------------------------------- the template as a workbook

EXAMPLE_DAY = dt.date(2025, 1, 6)


def template_book(persona: str, lang: str) -> bytes:
    return template_xlsx_bytes(default_catalog().template_columns(persona), lang, today=EXAMPLE_DAY)


@pytest.mark.parametrize(("lang", "date_format"), [("ja", "yyyy/m/d"), ("en", "yyyy-mm-dd")])
def test_the_template_workbook_has_headers_an_example_dates_and_the_rubric(lang, date_format):
    columns = default_catalog().template_columns("homemaker")
    book = openpyxl.load_workbook(io.BytesIO(template_book("homemaker", lang)))
    assert book.sheetnames == [t("template.sheet.log", lang), t("template.sheet.rubric", lang)]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header(lang) for c in columns]
    assert [c.id for c in columns] == ["date", "action", "minutes", "reactions", "quality", "inquiries",
                                       "consultations", "repeat_consultations", "referrals", "thanks", "memo",
                                       "conversations", "practice_reports", "income"]
    assert [c.value for c in sheet[2]] == [dt.datetime(2025, 1, 6), t("template.example.action", lang), 30, 5, 4, 1,
                                           0, 0, 0, 0, t("template.example.memo", lang), 0, 0, None]
    assert (sheet.max_row, sheet.freeze_panes) == (2, "A2")
    example_date = sheet["A2"]
    assert (example_date.data_type, example_date.is_date, example_date.number_format) == ("d", True, date_format)
    # The whole column keeps the format: a date typed in row 3 shows as a date too.
    assert sheet.column_dimensions["A"].number_format == date_format
    rubric = [c.value for c in book.worksheets[1]["A"]]
    assert rubric == [t("rubric.title", lang), t("rubric.intro", lang), None,
                      *[t(f"rubric.{level}", lang) for level in range(1, 6)]]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_template_workbook_reads_back_with_calamine_as_a_log(lang):
    # What the app's workbook reading (python-calamine) sees: a date cell, numbers, headers the reader knows.
    columns = default_catalog().template_columns("student")
    sheets = pd.read_excel(io.BytesIO(template_book("student", lang)), sheet_name=None, engine="calamine")
    assert list(sheets) == [t("template.sheet.log", lang), t("template.sheet.rubric", lang)]
    log = sheets[t("template.sheet.log", lang)]
    index = header_index(columns)
    assert [index[header_key(h)].id for h in log.columns] == [c.id for c in columns]
    dates = log[columns[0].header(lang)]
    assert (str(dates.dtype).startswith("datetime64"), dates.tolist()) == (True, [pd.Timestamp("2025-01-06")])
    assert log.shape == (1, len(columns))
    assert log[columns[-1].header(lang)].isna().all()  # income left empty: nobody's example


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("persona", ["office_worker", "homemaker", "student", "freelancer"])
def test_the_template_workbook_reads_back_through_the_reader(persona, lang):
    from kpi_core.logbook import persona_columns

    catalog = default_catalog()
    columns = catalog.template_columns(persona)
    result = read_log(template_book(persona, lang), f"template_{lang}.xlsx", extra_columns=persona_columns(catalog),
                      today=EXAMPLE_DAY)
    report = result.report
    assert (report.error, report.encoding, report.ignored_columns) == (None, "xlsx", [])
    # The example row left in is set aside, never counted as a real week's activity.
    assert (report.rows_in, report.accepted, report.rejected, report.examples) == (0, 0, 0, 1)
    # With its note changed it is an ordinary row, and every cell reads as written.
    book = openpyxl.load_workbook(io.BytesIO(template_book(persona, lang)))
    memo = next(cell for cell in book.worksheets[0][2] if cell.value == t("template.example.memo", lang))
    memo.value = "自分の記録"
    written = io.BytesIO()
    book.save(written)
    result = read_log(written.getvalue(), "mine.xlsx", extra_columns=persona_columns(catalog), today=EXAMPLE_DAY)
    assert (result.report.rows_in, result.report.accepted, result.report.examples) == (1, 1, 0)
    row = result.rows.iloc[0]
    assert (row["date"], row["minutes"], row["reactions"], row["quality"], row["inquiries"]) == \
        (pd.Timestamp("2025-01-06"), 30, 5, 4, 1)
    assert row["memo"] == "自分の記録" and pd.isna(row["income"])
    assert [c.id for c in columns if c.kind == "count" and c.id not in ("reactions", "inquiries")
            and row[c.id] != 0] == []
