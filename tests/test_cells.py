"""Cell parsing: the ways people type dates, minutes, counts and ratings."""

import datetime as dt

import pytest

from kpi_core import cells


@pytest.mark.parametrize("text", [
    "2025-01-06", "2025/1/6", "2025/01/06", "2025年1月6日", "2025.1.6", "令和7年1月6日", "R7.1.6",
    "２０２５／１／６", " 2025-01-06\u200b", "2025/1/6 0:00",
])
def test_dates_in_every_spreadsheet_spelling(text):
    assert cells.parse_date(text) == dt.date(2025, 1, 6)


def test_era_first_year_and_heisei():
    assert cells.parse_date("令和元年5月1日") == dt.date(2019, 5, 1)
    assert cells.parse_date("H31.4.30") == dt.date(2019, 4, 30)


@pytest.mark.parametrize("text", ["2025/2/30", "昨日", "", "2025/13/1", "7.1.6"])
def test_impossible_dates_are_refused(text):
    assert cells.parse_date(text) is None


@pytest.mark.parametrize(("text", "minutes"), [
    ("90", 90), ("90分", 90), ("1時間30分", 90), ("1.5時間", 90), ("1h30m", 90), ("1:30", 90),
    ("９０　分", 90), ("2時間", 120), ("45 min", 45), ("1,200", 1200),
])
def test_minutes_with_units(text, minutes):
    assert cells.parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["abc", "", "-5", "分", "1時間半"])
def test_unreadable_minutes(text):
    assert cells.parse_minutes(text) is None


@pytest.mark.parametrize(("text", "count"), [("12件", 12), ("1,200", 1200), ("３回", 3), ("\u200b3 ", 3), ("0", 0)])
def test_counts(text, count):
    assert cells.parse_count(text) == count


@pytest.mark.parametrize("text", ["1.5", "-1", "many", "1,20"])
def test_bad_counts(text):
    assert cells.parse_count(text) is None


@pytest.mark.parametrize(("text", "rating"), [("4", 4), ("４", 4), ("4点", 4), ("★★★☆☆", 3), ("5/5", 5)])
def test_ratings(text, rating):
    assert cells.parse_rating(text) == rating


@pytest.mark.parametrize("text", ["0", "6", "3.5", "good"])
def test_ratings_outside_one_to_five(text):
    assert cells.parse_rating(text) is None


@pytest.mark.parametrize("text", ["=1+1", "+81", "-x", "@SUM(A1)", "\tcmd", "\rx"])
def test_protect_neutralises_formulas_and_unprotect_undoes_it(text):
    assert cells.protect(text).startswith("'")
    assert cells.unprotect(cells.protect(text)) == text


def test_protect_leaves_plain_text_alone():
    assert cells.protect("投稿") == "投稿"
    assert cells.unprotect("'quoted") == "'quoted"


@pytest.mark.parametrize("text", ["'=x", "''", "'", "'plain", "=x", "'+1"])
def test_text_starting_with_an_apostrophe_round_trips(text):
    assert cells.unprotect(cells.protect(text)) == text


@pytest.mark.parametrize(("text", "yen"), [
    ("12000", 12000), ("12,000", 12000), ("￥12,000", 12000), ("¥12,000", 12000), ("3000円", 3000),
    ("1.2万円", 12000), ("１２０００", 12000), ("１２，０００円", 12000), ("￥１２，０００", 12000), ("1.2万", 12000),
    ("1万2000円", 12000), ("12000.00", 12000), (" 12000\u200b", 12000), ("\\12,000", 12000), ("12,000 yen", 12000),
    ("0", 0), ("0円", 0),
])
def test_yen_in_every_spelling(text, yen):
    assert cells.parse_yen(text) == yen


@pytest.mark.parametrize(("text", "yen"), [
    ("-3000", -3000), ("▲3,000", -3000), ("△3000", -3000), ("¥-3,000", -3000), ("-¥3,000", -3000),
    ("－３０００円", -3000), ("'-3000", -3000),  # the last as our own CSV export writes a refund
])
def test_a_refund_is_negative_yen(text, yen):
    assert cells.parse_yen(text) == yen


@pytest.mark.parametrize("text", ["abc", "", "¥", "円", "万円", "12000.5", "1.23456万円", "1,20", "12千円", "--3000",
                                  "3000ドル"])
def test_unreadable_yen(text):
    assert cells.parse_yen(text) is None


@pytest.mark.parametrize(("text", "shaped"), [
    ("2025/2/30", True), ("2025-02-30", True), ("2025年2月30日", True), ("2025-02-30 10:00", True),
    ("2025-02-30T10:00", True), ("R7.2.30", True), ("r7.2.30", True), ("令和7年2月30日", True), ("H31.2.30", True),
    ("昨日", False), ("abc", False), ("", False), ("2025/2", False), ("7.2.30", False),
])
def test_a_date_shaped_text_is_told_apart_from_text_that_is_no_date(text, shaped):
    # "No such day" (2025/2/30) is a kinder message than "not a date" for a typo in a real date.
    assert cells.looks_like_date(text) is shaped
    assert cells.parse_date(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("平成31年4月30日", dt.date(2019, 4, 30)), ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("S64.1.7", dt.date(1989, 1, 7)), ("h1.1.8", dt.date(1989, 1, 8)), ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("2025-01-06T10:00", dt.date(2025, 1, 6)), ("2025-01-06 10:00:00", dt.date(2025, 1, 6)),
])
def test_every_era_and_a_time_after_the_date(text, day):
    assert cells.parse_date(text) == day


@pytest.mark.parametrize(("text", "count"), [
    ("3 times", 3), ("1 time", 1), ("2x", 2), ("2人", 2), ("5通", 5), ("4名", 4), ("2つ", 2), ("3本", 3), ("1個", 1),
    ("3回", 3),
])
def test_counts_with_every_unit(text, count):
    assert cells.parse_count(text) == count


@pytest.mark.parametrize(("text", "yen"), [
    ("\u22123000", -3000), ("JPY12000", 12000), ("jpy 12,000", 12000), ("12000jpy", 12000), ("12000 JPY", 12000),
])
def test_yen_with_a_minus_sign_and_jpy(text, yen):
    assert cells.parse_yen(text) == yen


@pytest.mark.parametrize("text", ["-", "－", "ー", "―", "—", "‐", "–", "\u2212", "なし", "無し", "ナシ", "N/A", "n/a",
                                  "NA", "na", "None", "none", " なし\u200b"])
def test_every_way_of_writing_none(text):
    assert cells.is_none_mark(text)


@pytest.mark.parametrize("text", ["", "0", "x", "--", "nothing", "なしです"])
def test_text_that_is_not_none(text):
    assert not cells.is_none_mark(text)


def test_spaces_inside_a_number_are_dropped_and_an_endless_number_of_hours_is_refused():
    assert cells.parse_number("1 200") == 1200 and cells.parse_count("1 200件") == 1200
    assert cells.parse_minutes("1 : 30") == 90 and cells.parse_minutes("1 時間 30 分") == 90
    assert cells.parse_minutes("9" * 400 + "時間") is None  # inf minutes: not a number of minutes


def test_clean_drops_only_invisible_characters():
    assert cells.clean(" \u200bX\u200c\u200d\u2060\ufeff\u00adの投稿 ") == "Xの投稿"
    assert cells.clean("ＡＢＣ　１") == "ABC 1"
