"""The log reader: encodings, separators, headers, values, and every rejected row reported."""

import codecs

import pandas as pd
import pytest

from kpi_core import decoding
from kpi_core.columns import Column
from kpi_core.reader import MAX_COUNT_PER_ROW, IgnoredColumn, read_log
from tests.conftest import JA_HEADER, csv_text


def read(text: str, encoding: str = "utf-8", **kwargs):
    return read_log(text.encode(encoding), "log.csv", **kwargs)


@pytest.mark.parametrize(("encode", "expected"), [
    (lambda s: s.encode("utf-8"), "utf-8"),
    (lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), "utf-8-sig"),
    (lambda s: s.encode("cp932"), "cp932"),
    (lambda s: s.replace(",", "\t").encode("utf-16"), "utf-16"),
])
def test_encodings_are_detected(encode, expected, good_rows):
    result = read_log(encode(csv_text(*good_rows)), "x.csv")
    assert result.report.encoding == expected
    assert result.report.accepted == 3
    assert list(result.rows["action"]) == ["投稿", "返信", "投稿"]


def test_cp932_only_characters_survive():
    result = read(csv_text("2025/1/6,①㈱髙～の相談,30,1,4,1,"), "cp932")
    assert result.rows["action"][0] == "①㈱髙～の相談"
    assert result.report.encoding == "cp932"
    assert result.report.accepted == 1


def test_cp932_two_byte_characters_with_ascii_second_bytes_keep_their_fields():
    # ソ 表 能 end in 0x5C (backslash) and 貼 構 in 0x7C/0x5C: they must not split or join fields.
    text = csv_text('2025/1/6,"ソフト表示, 能力",30,1,4,1,貼り紙の構成', "2025/1/7,表,abc,1,4,1,ソ")
    result = read(text, "cp932")
    assert list(result.rows["action"]) == ["ソフト表示, 能力"]
    assert list(result.rows["memo"]) == ["貼り紙の構成"]
    assert result.report.rejected_rows == [(3, ["2025/1/7", "表", "abc", "1", "4", "1", "ソ"])]
    assert [(p.row, p.column, p.value) for p in result.report.problems] == [(3, "投入時間(分)", "abc")]


def test_cp932_character_across_the_sniffed_head_and_a_bad_byte_further_down():
    filler = [f"2025/1/6,投稿{i},30,1,4,1,{'相談' * 20}" for i in range(3000)]  # far beyond the sniffed head
    head_bytes = 2 * decoding._SNIFF_CHARS
    shifts = [0] + [n for n in range(1, 200) if _splits_a_character(("x" * n + "\r\n" + csv_text(*filler))
                                                                     .encode("cp932")[:head_bytes])][:1]
    assert len(shifts) == 2  # the second puts a two-byte character across the head's last byte
    for shift in shifts:
        data = ("x" * shift + "\r\n" + csv_text(*filler)).encode("cp932")
        result = read_log(data, "x.csv")
        assert (result.report.encoding, result.report.accepted) == ("cp932", 3000)
        assert result.rows["memo"][2999] == "相談" * 20
    broken = csv_text(*filler).encode("cp932") + "2025/1/7,投稿,30,1,4,1,".encode("cp932")[:-9] + b"\x81,\r\n"
    result = read_log(broken, "x.csv")
    assert result.report.error.code == "error.encoding"
    assert result.report.encoding is None and result.report.accepted == 0 and result.rows.empty


def _splits_a_character(data: bytes) -> bool:
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_a_quote_never_closed_names_its_row(encoding):
    text = csv_text("2025/1/6,投稿,30,1,4,1,ok", '2025/1/7,投稿,30,1,4,1,"彼は', "2025/1/8,投稿,30,1,4,1,x")
    report = read(text, encoding).report
    assert report.error.code == "error.unclosed_quote"
    assert "3行目" in report.error.message("ja") and "row 3" in report.error.message("en")
    assert report.rows_in == report.accepted == report.rejected == 0


def test_a_very_long_japanese_cell_in_a_too_wide_row():
    # Read as Latin-1 a cp932 cell has twice as many characters: the csv module must not stop at its limit.
    text = csv_text('2025/1/6,投稿,30,1,4,1,"' + "表" * 70_000 + '",a,b,c', "2025/1/7,相談,30,1,4,1,")
    result = read(text, "cp932")
    assert (result.report.error, result.report.accepted, result.report.rejected) == (None, 1, 1)
    assert result.report.rejected_rows[0][1][6] == "表" * 70_000


def test_a_count_beyond_a_billion_is_refused_not_overflowed():
    result = read(csv_text("2025/1/6,投稿,30,100000000000000000000000,4,1,", "2025/1/7,投稿,30,7,4,1,"))
    assert [(p.row, p.code) for p in result.report.problems] == [(2, "row.invalid_count")]
    assert result.rows["reactions"].tolist() == [7]
    for lang in ("ja", "en"):  # the message gives the range, so a big but whole number is not a puzzle
        assert f"{MAX_COUNT_PER_ROW:,}" in result.report.problems[0].message(lang)


def test_the_log_has_its_columns_in_order_with_their_types():
    result = read(csv_text("2025/1/6,投稿,30,1,4,1,メモ"), "cp932")
    assert list(result.rows.columns) == ["date", "action", "category", "minutes", "reactions", "quality",
                                         "inquiries", "memo", "source", "source_row"]
    assert [str(t) for t in result.rows.dtypes] == ["datetime64[us]", "object", "object", "float64", "Int64",
                                                    "Int64", "Int64", "object", "str", "int64"]
    assert result.rows.index.tolist() == [0]


def test_cp932_row_too_wide_for_the_spare_column_is_rejected_whole():
    result = read(csv_text("2025/1/6,投稿,30,1,4,1,メモ,余分,もっと,まだ", "2025/1/7,相談,30,1,4,1,"), "cp932")
    assert result.report.accepted == 1 and list(result.rows["action"]) == ["相談"]
    assert result.report.rejected_rows == [(2, ["2025/1/6", "投稿", "30", "1", "4", "1", "メモ", "余分", "もっと",
                                                "まだ"])]


def test_encoding_override():
    data = csv_text("2025/1/6,投稿,30,1,4,1,").encode("cp932")
    result = read_log(data, "x.csv", encoding="cp932")
    assert result.report.encoding == "cp932" and result.report.accepted == 1
    unknown = read_log(data, "x.csv", encoding="klingon")
    assert unknown.report.error.code == "error.unknown_encoding"


@pytest.mark.parametrize("separator", [",", "\t", ";"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_separators_and_line_ends(separator, newline, good_rows):
    text = csv_text(*good_rows, newline=newline).replace(",", separator)
    result = read(text)
    assert result.report.separator == separator
    assert (result.report.rows_in, result.report.accepted) == (3, 3)
    assert list(result.rows["source_row"]) == [2, 3, 4]


def test_quoted_fields_with_commas_quotes_and_line_breaks():
    text = csv_text('2025/1/6,"投稿, 長文",30,1,4,1,"彼は""助かった""と\n言った"', "2025/1/7,DM,10,0,3,0,")
    result = read(text)
    assert result.report.accepted == 2
    assert result.rows["action"][0] == "投稿, 長文"
    assert result.rows["memo"][0] == '彼は"助かった"と\n言った'
    # The multi-line cell is one spreadsheet row, so the next record is row 3.
    assert list(result.rows["source_row"]) == [2, 3]


@pytest.mark.parametrize("header", [
    "date,action,minutes,reactions,quality",
    "Date, ACTION , Minutes , Reactions, Quality",
    "日付,アクション内容,投入時間（分）,直接反応数,質的評価(1-5)",
    "日付,アクション内容,投入時間,直接反応数,質的評価",
    "ＤＡＴＥ,Action,minutes (分),reactions,quality",
])
def test_header_spellings(header):
    result = read(csv_text("2025-01-06,post,30,2,4", header=header))
    assert result.report.error is None, result.report.error
    assert result.report.accepted == 1
    assert result.rows["minutes"][0] == 30


def test_title_and_blank_lines_above_header_keep_spreadsheet_row_numbers():
    text = "活動記録 2025年1月\r\n\r\n" + csv_text("2025/1/6,投稿,30,1,4,1,", "2025/1/7,投稿,x,1,4,1,")
    result = read(text)
    assert result.report.header_row == 3
    assert list(result.rows["source_row"]) == [4]
    assert [(p.row, p.column) for p in result.report.problems] == [(5, "投入時間(分)")]


@pytest.mark.parametrize("reactions", ['"1,200"', '"\u200b1,200"', '"1,200\u200b"', '"\ufeff１，２００"'])
def test_values_with_full_width_digits_units_and_separators(reactions):
    # A real file quotes "1,200"; a zero-width space or BOM pasted in with it is invisible and dropped.
    result = read(csv_text(f"令和7年1月6日,投稿,１時間３０分,{reactions},４,１２件,"))
    assert (result.report.accepted, result.report.problems) == (1, [])
    row = result.rows.iloc[0]
    assert row["date"] == pd.Timestamp("2025-01-06")
    assert (row["minutes"], row["reactions"], row["quality"], row["inquiries"]) == (90, 1200, 4, 12)


def test_an_unquoted_thousands_separator_splits_the_row_and_the_shifted_cell_is_named():
    # 1,200 unquoted is two fields: 1 becomes the reactions, 200 the rating, which is refused by name.
    result = read(csv_text("令和7年1月6日,投稿,１時間３０分,\u200b1,200,４,１２件,", header=JA_HEADER))
    assert (result.report.accepted, result.report.rejected) == (0, 1)
    assert [(p.row, p.column, p.value, p.code) for p in result.report.problems] == [
        (2, "質的評価", "200", "row.invalid_rating")]


def test_excel_trailing_empty_rows_and_columns_are_blank_not_errors():
    text = csv_text("2025/1/6,投稿,30,1,4,1,,,", ",,,,,,,,", ",,,,,,,,", header=JA_HEADER + ",,")
    result = read(text)
    assert (result.report.rows_in, result.report.accepted, result.report.rejected, result.report.blank) == (1, 1, 0, 2)
    assert result.report.ignored_columns == []


def test_every_rejected_row_is_reported_with_row_column_and_value():
    text = csv_text(
        "2025/1/6,投稿,30,1,4,1,",      # row 2 ok
        ",投稿,30,1,4,1,",               # row 3 empty date
        "2025/1/8,投稿,abc,1,9,1,",      # row 4 two problems
        "2025/1/9,投稿,30,1,4,x,",       # row 5 bad optional count
        "2025/1/10,投稿,30,,4,,",        # row 6 empty required reactions; empty optional ok
        "2025/1/11,投稿,30,1,4,1,memo,extra",  # row 7 too many fields
        "2025/1/12,投稿,-5,1,4,1,",      # row 8 negative minutes
    )
    result = read(text)
    report = result.report
    assert (report.rows_in, report.accepted, report.rejected) == (7, 1, 6)
    assert report.rows_in == report.accepted + report.rejected
    found = [(p.row, p.column, p.value, p.code) for p in report.problems]
    assert found == [
        (3, "日付", "", "row.required_empty_date"),
        (4, "投入時間(分)", "abc", "row.invalid_minutes"),
        (4, "質的評価", "9", "row.invalid_rating"),
        (5, "問い合わせ数", "x", "row.invalid_count"),
        (6, "直接反応数", "", "row.required_empty"),
        (7, None, None, "row.too_many_fields"),
        (8, "投入時間(分)", "-5", "row.invalid_minutes"),
    ]
    assert [row for row, _ in report.rejected_rows] == [3, 4, 5, 6, 7, 8]
    assert "「abc」" in report.problems[1].message("ja") and '"abc"' in report.problems[1].message("en")


def test_empty_optional_count_is_missing_not_zero():
    result = read(csv_text("2025/1/6,投稿,30,1,4,,", "2025/1/7,投稿,30,1,4,0,"))
    assert result.rows["inquiries"].isna().tolist() == [True, False]
    assert result.rows["inquiries"][1] == 0


@pytest.mark.parametrize(("data", "code"), [
    (b"", "error.empty"),
    (b"\r\n\r\n", "error.empty"),
    (b"PK\x03\x04\x14\x00\x06\x00rest", "error.workbook_broken_zip"),  # workbooks are read now (issue 11)
    (b"\x89PNG\r\n\x1a\n\x00\x00", "error.not_text_image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1", "error.not_text_xls"),
    (b"hello,world\r\n1,2\r\n", "error.no_header"),
    ("日付,アクション内容,直接反応数\r\n2025/1/6,投稿,3\r\n".encode(), "error.missing_columns"),
    (b"Tweet id,Tweet permalink,Tweet text,time,impressions,engagements\r\n1,x,y,z,5,6\r\n",
     "error.analytics_export"),
])
def test_whole_file_problems_get_one_clear_message(data, code):
    result = read_log(data, "bad.csv")
    assert result.report.error is not None
    assert result.report.error.code == code
    assert result.report.accepted == result.report.rows_in == 0
    for lang in ("ja", "en"):
        assert result.report.error.message(lang).strip()


def test_missing_column_message_names_it():
    result = read_log("日付,アクション内容,直接反応数,質的評価\r\n".encode(), "bad.csv")
    message = result.report.error.message("ja")
    assert "投入時間(分)" in message and "minutes" in message


def test_vanity_columns_are_reported_with_why():
    header = JA_HEADER + ",フォロワー数,インプレッション数,Impressions,好きな色"
    result = read(csv_text("2025/1/6,投稿,30,1,4,1,,100,2000,3000,青", header=header))
    reasons = {c.header: c.reason for c in result.report.ignored_columns}
    assert reasons == {"フォロワー数": "vanity", "インプレッション数": "vanity", "Impressions": "vanity",
                       "好きな色": "unknown"}
    assert "フォロワー" in result.report.ignored_columns[0].message("ja")
    assert "followers" not in result.rows.columns


def test_persona_columns_are_read_when_declared():
    extra = (Column("deep_questions", "深い質問数", "deep_questions", "count"),)
    text = csv_text("2025/1/6,投稿,30,1,4,1,,2", header=JA_HEADER + ",深い質問数")
    result = read(text, extra_columns=extra)
    assert result.rows["deep_questions"][0] == 2
    without = read(text)
    assert [c.reason for c in without.report.ignored_columns] == ["unknown"]


def test_categorize_is_applied():
    result = read(csv_text("2025/1/6,投稿,30,1,4,1,", "2025/1/7,返信,30,1,4,1,"),
                  categorize=lambda a: {"投稿": "post"}.get(a, "other"))
    assert list(result.rows["category"]) == ["post", "other"]


def test_impossible_and_mistyped_dates_say_what_is_wrong():
    import datetime as dt

    text = csv_text("2025/2/30,投稿,30,1,4,1,", "2030/1/1,投稿,30,1,4,1,", "1999/12/31,投稿,30,1,4,1,",
                    "2025/1/6,,30,1,4,1,")
    report = read_log(text.encode(), "x.csv", today=dt.date(2025, 3, 1)).report
    assert [(p.row, p.code) for p in report.problems] == [
        (2, "row.no_such_date"), (3, "row.date_out_of_range"), (4, "row.date_out_of_range"),
        (5, "row.required_empty_text")]
    assert "2030/1/1" in report.problems[1].message("ja") and "2025-03-01" in report.problems[1].message("ja")
    assert report.accepted == 0 and report.rejected == 4


def test_rejected_rows_keep_every_field_for_fixing():
    text = csv_text("2025/1/6,投稿,30,1,4,1,memo,too,many,fields")
    report = read_log(text.encode(), "x.csv").report
    assert report.rejected_rows == [(2, ["2025/1/6", "投稿", "30", "1", "4", "1", "memo", "too", "many", "fields"])]


def test_categories_stay_with_their_rows_after_a_rejected_row():
    text = csv_text("2025/1/6,投稿,30,1,4,1,", "2025/1/7,返信,x,1,4,1,", "2025/1/8,DM,30,1,4,1,",
                    "2025/1/9,返信,30,1,4,1,")
    names = {"投稿": "post", "返信": "reply", "DM": "dm"}
    rows = read(text, categorize=lambda a: names.get(a, "other")).rows
    assert list(rows["action"]) == ["投稿", "DM", "返信"]
    assert list(rows["category"]) == ["post", "dm", "reply"]
    assert list(rows["source_row"]) == [2, 4, 5]
    assert rows["minutes"].tolist() == [30, 30, 30] and rows.index.tolist() == [0, 1, 2]


REQUIRED_JA = "日付,アクション内容,投入時間(分),直接反応数,質的評価"


@pytest.mark.parametrize("income_header", [
    "売上(円)", "売上（円）", "売上", "収益", "報酬", "入金", "sales", "Revenue", "income", "売上 [円]", "income (yen)",
])
def test_the_income_column_in_every_header_spelling(income_header):
    result = read(csv_text("2025/1/6,相談,60,1,5,\"¥12,000\"", header=f"{REQUIRED_JA},{income_header}"))
    assert (result.report.error, result.report.ignored_columns) == (None, [])
    assert result.rows["income"].tolist() == [12000]


def test_income_is_yen_an_empty_cell_is_missing_and_a_refund_is_kept():
    result = read(csv_text("2025/1/6,相談,60,1,5,1.2万円", "2025/1/7,投稿,30,4,4,", "2025/1/8,返金,5,0,3,▲3000",
                           header=f"{REQUIRED_JA},売上(円)"), "cp932")
    assert str(result.rows["income"].dtype) == "Int64"
    assert result.rows["income"].tolist()[::2] == [12000, -3000]
    assert result.rows["income"].isna().tolist() == [False, True, False]
    assert list(result.rows.columns)[-3:] == ["income", "source", "source_row"]


def test_an_unreadable_income_cell_rejects_its_row_with_its_spreadsheet_row_number():
    data = ("活動記録\r\n" + csv_text("2025/1/6,相談,60,1,5,12000", "2025/1/7,相談,60,1,5,1万2千円",
                                       "2025/1/8,相談,60,1,5,1000000001", header=f"{REQUIRED_JA},売上(円)")).encode()
    result = read_log(data, "log.csv")
    assert (result.report.accepted, result.report.rejected) == (1, 2)
    found = [(p.row, p.column, p.value, p.code) for p in result.report.problems]
    assert found == [(4, "売上(円)", "1万2千円", "row.invalid_yen"), (5, "売上(円)", "1000000001", "row.invalid_yen")]
    assert [row for row, _ in result.report.rejected_rows] == [4, 5]
    assert "「1万2千円」" in result.report.problems[0].message("ja")
    assert "金額(円)" in result.report.problems[0].message("ja")
    assert '"1万2千円"' in result.report.problems[0].message("en")
    assert "yen" in result.report.problems[0].message("en")


def test_excel_currency_cells_from_japanese_windows_are_yen():
    # Excel on Japanese Windows saves ¥12,000 as byte 0x5C ("\" in cp932) or a full-width ￥.
    data = (f"{REQUIRED_JA},売上(円)\r\n".encode("cp932") + b'2025/1/6,x,60,1,5,"\\12,000"\r\n'
            + '2025/1/7,x,60,1,5,"￥3,000"\r\n'.encode("cp932"))
    result = read_log(data, "log.csv")
    assert (result.report.encoding, result.report.rejected) == ("cp932", 0)
    assert result.rows["income"].tolist() == [12000, 3000]


# ---------------------------------------------------------------- guards at their exact limits (issue 13)


@pytest.mark.parametrize(("minutes", "value"), [("1440", 1440), ("24時間", 1440), ("23:59", 1439), ("1441", None),
                                                ("24時間1分", None), ("99999", None)])
def test_a_row_holds_at_most_a_whole_day_of_minutes(minutes, value):
    result = read(csv_text(f"2025/1/6,投稿,{minutes},1,4,1,"))
    if value is not None:
        assert (result.report.accepted, result.rows["minutes"].tolist()) == (1, [value])
    else:
        assert result.report.accepted == 0
        assert [(p.row, p.value, p.code) for p in result.report.problems] == [(2, minutes, "row.invalid_minutes")]


@pytest.mark.parametrize(("count", "accepted"), [("1000000000", True), ("1,000,000,000", True),
                                                 ("1000000001", False)])
def test_a_count_of_a_billion_is_read_and_one_more_is_refused(count, accepted):
    result = read(csv_text(f'2025/1/6,投稿,30,"{count}",4,"{count}",'))
    assert (result.report.accepted, result.report.rejected) == (int(accepted), int(not accepted))
    if accepted:
        assert (result.rows["reactions"].tolist(), result.rows["inquiries"].tolist()) == ([10**9], [10**9])
    else:
        assert [(p.column, p.code) for p in result.report.problems] == [
            ("直接反応数", "row.invalid_count"), ("問い合わせ数", "row.invalid_count")]


@pytest.mark.parametrize(("yen", "accepted"), [("1000000000", True), ("-1000000000", True), ("▲1,000,000,000", True),
                                               ("1000000001", False), ("-1000000001", False)])
def test_yen_up_to_a_billion_either_way_and_not_one_more(yen, accepted):
    result = read(csv_text(f'2025/1/6,相談,60,1,5,"{yen}"', header=f"{REQUIRED_JA},売上(円)"))
    assert result.report.accepted == int(accepted)
    if accepted:
        assert [abs(v) for v in result.rows["income"].tolist()] == [10**9]
    else:
        assert [p.code for p in result.report.problems] == ["row.invalid_yen"]


@pytest.mark.parametrize(("day", "accepted"), [("2025/3/1", True), ("2025/3/8", True), ("2025/3/9", False),
                                               ("2000/1/1", True), ("1999/12/31", False)])
def test_dates_from_2000_to_a_week_after_today_are_read(day, accepted):
    import datetime as dt

    result = read(csv_text(f"{day},投稿,30,1,4,1,"), today=dt.date(2025, 3, 1))
    assert result.report.accepted == int(accepted)
    if not accepted:
        [problem] = result.report.problems
        assert (problem.row, problem.column, problem.value, problem.code) == (2, "日付", day, "row.date_out_of_range")
        assert problem.params == {"earliest": "2000-01-01", "latest": "2025-03-01"}
        assert "2000-01-01" in problem.message("en") and "2025-03-01" in problem.message("en")


def test_a_row_of_only_invisible_characters_is_blank_and_invisibles_leave_text_cells():
    # Zero-width spaces, a BOM, a soft hyphen, joiners: a row of only those is blank, not a row missing its date.
    invisible = "\u200b,\ufeff,\u00ad,\u200c,\u200d,\u2060,"
    text = csv_text("2025/1/6,\u200bXの投稿\u2060,30,1,4,1,\u00adメモ\u200c", invisible,
                    "2025/1/7,返信\u200d,20,1,3,0,")
    result = read(text)
    report = result.report
    assert (report.rows_in, report.accepted, report.rejected, report.blank) == (2, 2, 0, 1)
    assert list(result.rows["action"]) == ["Xの投稿", "返信"]
    assert list(result.rows["memo"]) == ["メモ", ""]
    assert list(result.rows["source_row"]) == [2, 4]


def test_a_row_wider_than_the_header_is_rejected_whole_with_every_field_kept():
    text = csv_text("2025/1/6,投稿,30,1,4,1,メモ,余分", "2025/1/7,投稿,30,1,4,1,メモ,", "2025/1/8,投稿,30,1,4,1,メモ")
    report = read(text).report
    # A trailing empty field is not a field too many (Excel writes them); a filled one is.
    assert (report.accepted, report.rejected) == (2, 1)
    assert [(p.row, p.code, p.params) for p in report.problems] == [(2, "row.too_many_fields", {"expected": 7})]
    assert report.rejected_rows == [(2, ["2025/1/6", "投稿", "30", "1", "4", "1", "メモ", "余分"])]


def test_a_header_past_two_hundred_columns_is_refused_with_both_numbers():
    header = JA_HEADER + "".join(f",x{i}" for i in range(201 - 7))
    result = read(csv_text("2025/1/6,投稿,30,1,4,1,", header=header))
    assert result.report.error.code == "error.too_many_columns" and result.rows.empty
    assert result.report.error.params == {"columns": "201", "limit": "200"}
    assert "201" in result.report.error.message("en") and "200" in result.report.error.message("ja")


def test_the_templates_example_rows_are_set_aside_not_counted():
    from kpi_core.messages import t

    example = t("template.example.memo", "ja")
    text = csv_text(f"2025/1/6,投稿,30,1,4,1,{example}", "2025/1/7,投稿,30,1,4,1,", ",,,,,,",
                    f"2025/1/8,返信,20,1,3,0, {example} ")
    result = read(text)
    report = result.report
    assert (report.examples, report.blank, report.rows_in, report.accepted, report.rejected) == (2, 1, 1, 1, 0)
    assert list(result.rows["source_row"]) == [3]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_rows_one_and_two_fields_too_wide_are_both_rejected_whole(separator):
    # Two fields too many make the parser read the file again, as wide as its widest row: the row with one
    # extra field must still be caught, whatever the separator.
    text = csv_text("2025/1/6,投稿,30,1,4,1,メモ,余分", "2025/1/7,投稿,30,1,4,1,メモ,余分,もっと",
                    "2025/1/8,投稿,30,1,4,1,メモ").replace(",", separator)
    report = read(text).report
    assert (report.error, report.accepted, report.rejected) == (None, 1, 2)
    assert [(p.row, p.code) for p in report.problems] == [(2, "row.too_many_fields"), (3, "row.too_many_fields")]
    assert [len(cells) for _, cells in report.rejected_rows] == [8, 9]


def test_a_file_over_the_row_limit_is_never_parsed_whole(monkeypatch):
    # The parser is asked for one row past the limit and no more: a huge file costs the limit, not its size.
    from kpi_core import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 5)
    parsed = []
    read_csv = pd.read_csv

    def counting(*args, **kwargs):
        frame = read_csv(*args, **kwargs)
        parsed.append(len(frame))
        return frame

    monkeypatch.setattr(reader.pd, "read_csv", counting)
    rows = [f"2025/1/{1 + i % 28},投稿,30,1,4,1," for i in range(50)]
    report = read(csv_text(*rows)).report
    assert report.error.code == "error.too_many_rows" and report.error.params == {"rows": "50", "limit": "5"}
    assert parsed == [1 + 5 + 1]  # the header, the five rows allowed, and one more
    # The count given is of the rows below the header, with a title line above it and no line end at the end.
    report = read("活動記録\r\n" + csv_text(*rows).removesuffix("\r\n")).report
    assert report.error.params == {"rows": "50", "limit": "5"}


def test_a_rejected_row_keeps_its_empty_last_cell():
    report = read(csv_text("2025/1/6,投稿,abc,1,4,1,")).report
    assert report.rejected_rows == [(2, ["2025/1/6", "投稿", "abc", "1", "4", "1", ""])]


def test_a_missing_cell_in_a_column_reads_as_empty():
    # Neither parser hands back a missing cell today (blank is ""), but a missing code must never index a value.
    from kpi_core.reader import _Distinct

    column = _Distinct(pd.Series(pd.Categorical(["a", None, "b", None])))
    assert [column.raw[c] for c in column.codes] == ["a", "", "b", ""]
    assert column.filled.tolist() == [True, False, True, False]
    numbers = _Distinct(pd.Series(pd.Categorical([3, 1, 3])))  # categories that are not text become text
    assert [numbers.raw[c] for c in numbers.codes] == ["3", "1", "3"]


def test_a_column_without_a_header_is_named_by_its_letter_only_when_it_holds_something():
    # Columns H and I have no header; only I holds a value, so only I is said to be left out.
    result = read(csv_text("2025/1/6,投稿,30,1,4,1,メモ,,x", "2025/1/7,投稿,30,1,4,1,,,", header=JA_HEADER + ",,"))
    assert (result.report.accepted, result.report.problems) == (2, [])
    assert result.report.ignored_columns == [IgnoredColumn("I", "unnamed")]
    assert "Column I" in result.report.ignored_columns[0].message("en")


def test_a_none_mark_is_missing_in_an_optional_column_and_wrong_in_a_required_one():
    result = read(csv_text("2025/1/6,投稿,30,-,4,1,", "2025/1/7,投稿,30,1,4,なし,", "2025/1/8,投稿,30,1,4,－,"))
    assert [(p.row, p.column, p.value, p.code) for p in result.report.problems] == [
        (2, "直接反応数", "-", "row.invalid_count")]  # reactions are required: "-" is not a count
    assert result.report.accepted == 2 and result.rows["inquiries"].isna().tolist() == [True, True]
