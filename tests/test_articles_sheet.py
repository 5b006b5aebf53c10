"""The sheet as the articles tell people to make it: bracketed notes in headers, and "none" marks in cells."""

import pandas as pd
import pytest

from kpi_core.cells import NONE_MARKS, is_none_mark
from kpi_core.columns import header_key
from kpi_core.reader import read_log

# Article 001's five columns, exactly as written there.
ARTICLE_HEADER = ("日付,アクション内容(投稿、コメント返信、DM対応等),投入時間(分単位),"
                  "直接反応数(いいね、コメント、問い合わせ等),質的評価(1-5段階で価値提供度を自己評価)")
ROWS = ["2025/1/6,投稿,30,5,4", "2025/1/8,コメント返信,20,3,3", "2025/1/10,DM対応,15,1,5"]


def read(text: str, encoding: str = "utf-8"):
    return read_log(text.encode(encoding), "log.csv")


def test_the_articles_own_five_headers_in_cp932_with_crlf_read_clean():
    result = read("\r\n".join([ARTICLE_HEADER, *ROWS]) + "\r\n", "cp932")
    report = result.report
    assert (report.encoding, report.rows_in, report.accepted, report.rejected) == ("cp932", 3, 3, 0)
    assert report.problems == [] and report.ignored_columns == []
    assert result.rows["minutes"].tolist() == [30.0, 20.0, 15.0]
    assert result.rows["reactions"].tolist() == [5, 3, 1] and result.rows["quality"].tolist() == [4, 3, 5]


@pytest.mark.parametrize(("header", "column"), [
    ("投入時間(分単位)", "投入時間"),
    ("投入時間（分単位）", "投入時間"),  # full-width brackets
    ("質的評価（1〜5段階、5が最高）", "質的評価"),
    ("直接反応数【いいね・コメント】", "直接反応数"),
    ("質的評価(1-5段階(5が最高))", "質的評価"),  # nested
    ("income (yen)", "income"),
])
def test_a_note_in_brackets_after_a_name_is_left_out_of_matching(header, column):
    assert header_key(header) == header_key(column)


def test_brackets_that_are_the_whole_header_or_inside_it_are_kept():
    assert header_key("(メモ)") == "(メモ)"
    assert header_key("投入時間(分)合計") != header_key("投入時間")


def test_commas_inside_a_quoted_note_and_a_long_note_do_not_stop_the_header():
    long_note = "、".join(["いいね", "コメント", "引用", "保存", "DMでの反応"] * 60)  # about 600 characters
    header = (f'日付,"アクション内容(投稿, 返信, DM)",投入時間(分),"直接反応数({long_note})",'
              '"質的評価(1-5, 5が最高)"')
    result = read("\r\n".join([header, *ROWS]) + "\r\n")
    assert (result.report.accepted, result.report.rejected) == (3, 0)
    assert result.report.header[3] == f"直接反応数({long_note})"  # reported as the person wrote it


@pytest.mark.parametrize("mark", ["-", "ー", "－", "―", "—", "‐", "なし", "N/A", "n/a", " - "])
def test_a_none_mark_in_an_optional_count_is_missing_not_zero_and_keeps_the_row(mark):
    header = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,感謝メッセージ数"
    result = read("\r\n".join([header, f"2025/1/6,投稿,30,5,4,{mark},2", "2025/1/7,投稿,30,5,4,1,2"]) + "\r\n")
    assert (result.report.accepted, result.report.rejected) == (2, 0)
    inquiries = result.rows["inquiries"]
    assert pd.isna(inquiries[0]) and inquiries[1] == 1
    assert result.rows["minutes"].sum() == 60.0  # the row's minutes stay in the week


@pytest.mark.parametrize("mark", ["-", "なし", "N/A"])
def test_a_none_mark_in_a_required_cell_is_still_an_error_with_the_usual_message(mark):
    result = read("\r\n".join([ARTICLE_HEADER, f"2025/1/6,投稿,30,{mark},4"]) + "\r\n")
    assert (result.report.accepted, result.report.rejected) == (0, 1)
    problem = result.report.problems[0]
    assert (problem.row, problem.code, problem.value) == (2, "row.invalid_count", mark)
    assert problem.column == "直接反応数(いいね、コメント、問い合わせ等)"  # the column as the person wrote it


def test_none_marks_are_marks_and_numbers_are_not():
    assert all(is_none_mark(mark) for mark in NONE_MARKS)
    assert not any(is_none_mark(text) for text in ("0", "", "--", "1", "未定", "-1"))
