"""Which week is "last finished" for a person (their week start, their time zone), and the week in progress."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_core.checkin import CHECKIN_FIELDS, headline, with_answers
from kpi_core.cycle import REFLECTION_FIELDS
from kpi_core.demo import demo_log, demo_plan
from kpi_core.localtime import local_today
from kpi_core.messages import t
from kpi_core.metrics import latest_change, week_start_days, weekly_metrics
from kpi_core.personas import default_catalog
from kpi_core.report import report_for_plan
from kpi_core.weeks import choose, last_finished_week, log_weeks, report_until, week_of

MONDAY, SUNDAY = dt.date(2025, 1, 20), dt.date(2025, 1, 26)  # one week, Monday to Sunday


@pytest.mark.parametrize(("day", "week_start", "expected"), [
    (MONDAY, 0, MONDAY), (SUNDAY, 0, MONDAY),  # weeks from Monday: Monday and Sunday share a week
    (SUNDAY, 6, SUNDAY), (MONDAY, 6, dt.date(2025, 1, 19)),  # weeks from Sunday: that Sunday opens a new one
    (dt.date(2025, 1, 22), 2, dt.date(2025, 1, 22)), (dt.date(2025, 1, 21), 2, dt.date(2025, 1, 15)),
])
def test_week_of_follows_the_plans_week_start(day, week_start, expected):
    assert week_of(day, week_start) == expected


def test_week_of_cuts_weeks_where_the_report_does():
    days = [dt.date(2024, 12, 25) + dt.timedelta(days=n) for n in range(21)]
    for week_start in range(7):
        starts = week_start_days(days, week_start)
        assert [week_of(d, week_start) for d in days] == [dt.date(1970, 1, 1) + dt.timedelta(days=int(s))
                                                          for s in starts]


def test_the_last_finished_week_is_the_one_before_the_week_holding_today():
    assert last_finished_week(MONDAY) == dt.date(2025, 1, 13)
    assert last_finished_week(SUNDAY) == dt.date(2025, 1, 13)  # Sunday is still inside the current week
    assert last_finished_week(SUNDAY, week_start=6) == dt.date(2025, 1, 19)  # …unless weeks start on Sunday


def test_today_is_the_persons_own_date():
    # Sunday 20:00 in UTC is already Monday morning in Tokyo: last week has ended there, not in London.
    moment = dt.datetime(2025, 1, 26, 20, 0, tzinfo=dt.UTC)
    assert local_today("Asia/Tokyo", moment) == MONDAY + dt.timedelta(days=7)
    assert local_today("Europe/London", moment) == SUNDAY
    assert local_today(None, moment) == SUNDAY and local_today("Not/AZone", moment) == SUNDAY  # unknown: UTC
    assert local_today("Asia/Tokyo", dt.datetime(2025, 1, 26, 20, 0)) == dt.date(2025, 1, 27)  # naive: UTC
    assert last_finished_week(local_today("Asia/Tokyo", moment)) == MONDAY
    assert last_finished_week(local_today("Europe/London", moment)) == dt.date(2025, 1, 13)


LOG_DAYS = [dt.date(2025, 1, 6), dt.date(2025, 1, 10), dt.date(2025, 1, 20)]  # nothing in the week of 13 January


@pytest.mark.parametrize("today", [MONDAY, SUNDAY])
def test_the_logs_newest_week_is_in_progress_until_it_ends(today):
    seen = log_weeks(LOG_DAYS, today)
    # Every week from the first to the last, the empty one between included (a report has it too).
    assert seen.weeks == (dt.date(2025, 1, 6), dt.date(2025, 1, 13), MONDAY)
    assert seen.current == MONDAY
    assert seen.in_progress == MONDAY and not seen.finished(MONDAY) and not seen.finished(pd.Timestamp(SUNDAY))
    assert seen.last_finished == dt.date(2025, 1, 13) == seen.default
    assert seen.finished(dt.date(2025, 1, 13)) and seen.finished("2025-01-19")


def test_once_the_week_ends_it_is_the_last_finished_one():
    seen = log_weeks(LOG_DAYS, SUNDAY + dt.timedelta(days=1))
    assert seen.in_progress is None and seen.last_finished == MONDAY == seen.default


def test_a_log_written_only_this_week_has_no_finished_week():
    seen = log_weeks([MONDAY, dt.date(2025, 1, 22)], SUNDAY)
    assert seen.last_finished is None and seen.in_progress == MONDAY == seen.default
    empty = log_weeks([], SUNDAY)
    assert empty.weeks == () and empty.default is None and empty.in_progress is None


def test_a_week_written_ahead_is_not_finished():
    seen = log_weeks([dt.date(2025, 1, 6), dt.date(2025, 2, 3)], MONDAY)
    assert seen.in_progress == dt.date(2025, 2, 3)
    assert seen.last_finished == dt.date(2025, 1, 13)  # the newest week that has ended, empty or not


def test_log_weeks_takes_report_week_starts_and_log_dates_alike():
    dates = pd.Series(pd.to_datetime(["2025-01-08", "2025-01-26", None]))
    assert log_weeks(dates, SUNDAY).weeks == log_weeks([dt.date(2025, 1, 6), MONDAY], SUNDAY).weeks
    # Weeks from Sunday: 26 January opens a week, so the one from the 19th has ended on that Sunday.
    seen = log_weeks(dates, SUNDAY, week_start=6)
    assert seen.weeks[-1] == SUNDAY and seen.in_progress == SUNDAY and seen.last_finished == dt.date(2025, 1, 19)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-01-06", "2025-01-06"), (["2025-01-13", "2025-01-06"], "2025-01-06"),  # given twice: the last one
    ("2025-01-07", "2025-01-13"), ("", "2025-01-13"), (None, "2025-01-13"), ([], "2025-01-13"),
    ("<script>", "2025-01-13"), (7, "2025-01-13"),
])
def test_choose_keeps_only_a_value_the_page_offers(value, expected):
    assert choose(value, ["2025-01-13", "2025-01-06"], "2025-01-13") == expected


def worked_report():
    log = pd.DataFrame({
        "date": pd.to_datetime(["2025-01-06", "2025-01-08", "2025-01-10", "2025-01-13", "2025-01-20"]),
        "action": ["投稿"] * 5, "category": ["post"] * 5, "minutes": [30.0, 30, 30, 20, 45],
        "reactions": pd.array([5, 3, 8, 2, 1], dtype="Int64"), "quality": [4.0, 3, 5, 4, 3],
        "inquiries": pd.array([1, 0, 1, 1, 0], dtype="Int64"),
    })
    return weekly_metrics(log, budget_minutes=300, key_result="inquiries")


def test_report_until_makes_the_finished_week_the_latest():
    report = worked_report()
    assert len(report.weeks) == 3
    done = report_until(report, dt.date(2025, 1, 13))
    assert list(done.weeks["week_start"].dt.date) == [dt.date(2025, 1, 6), dt.date(2025, 1, 13)]
    change = latest_change(done)
    assert change["minutes_per_result"]["latest"] == 20.0 and change["minutes_per_result"]["previous"] == 45.0
    assert done.key_result == report.key_result and len(report.weeks) == 3  # the report itself is left alone


# ---------------------------------------------------------------- the check-in's headline and answers


def test_the_checkin_asks_three_of_the_reviews_own_fields():
    assert CHECKIN_FIELDS == ("worked", "change", "experiment")
    assert set(CHECKIN_FIELDS) <= set(REFLECTION_FIELDS)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_headline_is_three_lines_for_the_week(lang):
    report = worked_report()
    line = headline(report, "2025-01-13")
    assert (line.minutes, line.results, line.minutes_per_result) == (20.0, 1.0, 20.0)
    mpr, signals, sustainability = line.lines(lang)
    inquiries = t("column.inquiries", lang)
    assert mpr == t("checkin.line.mpr", lang, value="20", minutes="20", result=inquiries, results="1")
    assert signals == t("checkin.line.signals", lang, signals=f"{inquiries} 1")  # the core signals the log holds
    assert sustainability == t("checkin.line.sustainability", lang, value="92.5")
    none = headline(report, dt.date(2025, 1, 20)).lines(lang)[0]  # no inquiry that week: no figure, said why
    assert none == t("checkin.line.mpr.none", lang, minutes="45", result=inquiries, results="0")


def test_headline_follows_the_plan_and_the_tiredness_answer():
    catalog = default_catalog()
    plan = demo_plan("homemaker")
    log = demo_log("homemaker")
    week = plan.start_date + dt.timedelta(weeks=11)
    report = report_for_plan(log, plan, catalog, reviews={week.isoformat(): {"fatigue": 4}})
    line = headline(report, week)
    assert line.fatigue == 4 and [c for c, _ in line.signals] == list(report.measures.held)
    row = report.weeks.iloc[-1]
    assert line.signals == tuple((c, float(row[c])) for c in report.measures.held)
    third = line.lines("ja", catalog)[2]
    assert third.endswith(f"(疲れ具合:{t('review.fatigue.4', 'ja')})")
    with pytest.raises(ValueError):
        headline(report, week + dt.timedelta(weeks=1))


def test_answers_join_the_weeks_review_without_touching_its_other_fields():
    review = {"thanks": "DMでお礼", "fatigue": 3, "worked": "前の答え"}
    merged = with_answers(review, {"worked": "体験談が届いた", "change": "", "experiment": "週3回に"})
    assert merged == {"thanks": "DMでお礼", "fatigue": 3, "worked": "体験談が届いた", "experiment": "週3回に"}
    assert review["worked"] == "前の答え"  # a new dict
    assert with_answers(review, {"worked": ""})["worked"] == ""  # a text cleared stays cleared
    assert with_answers(None, {"worked": "", "change": None}) == {}  # nothing written adds nothing
    assert with_answers({}, {"thanks": "not a check-in field"}) == {}
