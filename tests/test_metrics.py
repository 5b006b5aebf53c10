"""Tests for kpi_core.metrics: weekly figures, key result, KPI evaluation and the headline change."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_core.metrics import latest_change, weekly_metrics
from kpi_core.personas import Formula, Kpi, Part

T = {"ja": "-", "en": "-"}
NA = pd.NA


def make_log(rows, **counts):
    """A canonical log from (date, category, minutes, reactions, quality[, memo]) rows; counts as Int64."""
    log = pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
        "action": [f"{r[1]} #{i}" for i, r in enumerate(rows)],
        "category": [r[1] for r in rows],
        "minutes": [float(r[2]) for r in rows],
        "reactions": pd.array([r[3] for r in rows], dtype="Int64"),
        "quality": pd.array([r[4] for r in rows], dtype="Int64"),
    })
    for column, values in counts.items():
        log[column] = pd.array(values, dtype="Int64")
    if any(len(r) > 5 for r in rows):
        log["memo"] = [r[5] if len(r) > 5 else "" for r in rows]
    log["source"] = "log.csv"
    log["source_row"] = np.arange(2, len(rows) + 2, dtype="int64")
    return log


def kpi(id, numerator, denominator=None, *, scale=1.0, period="week", direction="higher", target=1.0):
    return Kpi(id, T, T, T, Formula(numerator, denominator, scale, period), T, direction, target)


def kpi_rows(report, id):
    return report.kpis[report.kpis["id"] == id].reset_index(drop=True)


# The worked example: 3 posts, 90 minutes in the week, 2 inquiries.
EXAMPLE = make_log(
    [("2025-01-06", "post", 30, 5, 4), ("2025-01-08", "post", 30, 8, 4), ("2025-01-10", "post", 30, 2, 5)],
    inquiries=[1, 0, 1],
)


def test_worked_example_minutes_per_result():
    report = weekly_metrics(EXAMPLE, budget_minutes=300)
    assert report.key_result == "inquiries"
    week = report.weeks.iloc[0]
    assert len(report.weeks) == 1
    assert week["week_start"] == pd.Timestamp("2025-01-06")
    assert week["minutes"] == 90.0
    assert week["actions"] == 3 and week["actions_post"] == 3
    assert week["reactions"] == 15 and week["inquiries"] == 2 and week["results"] == 2
    assert week["minutes_per_result"] == 45.0
    assert week["results_per_hour"] == pytest.approx(4 / 3, abs=1e-9)
    assert week["quality_mean"] == pytest.approx(13 / 3, abs=1e-9)
    assert not week["rest"]


def test_weeks_columns_and_dtypes():
    log = make_log([("2025-01-06", "post", 30, 5, 4, "結果が出た")], inquiries=[1], thanks=[2])
    weeks = weekly_metrics(log, budget_minutes=300, categories=["post", "dm"]).weeks
    assert list(weeks.columns) == [
        "week_start", "minutes", "actions", "actions_post", "actions_dm", "reactions", "inquiries", "thanks",
        "solved_signals", "quality_mean", "results", "minutes_per_result", "results_per_hour", "rest",
        "sustainability", "sust_load", "sust_rhythm", "sust_rating",
    ]
    assert str(weeks["week_start"].dtype) == "datetime64[ns]"
    assert weeks["reactions"].dtype == "Int64" and weeks["inquiries"].dtype == "Int64"
    assert weeks["actions_dm"].tolist() == [0]
    assert weeks["solved_signals"].tolist() == [1]


def test_key_result_falls_back_to_reactions_without_inquiries():
    log = EXAMPLE.drop(columns="inquiries")
    report = weekly_metrics(log, budget_minutes=300)
    assert report.key_result == "reactions"
    assert report.weeks["results"].tolist() == [15]
    assert report.weeks["minutes_per_result"].iloc[0] == 6.0


def test_key_result_falls_back_when_inquiries_are_all_missing():
    log = EXAMPLE.assign(inquiries=pd.array([NA, NA, NA], dtype="Int64"))
    assert weekly_metrics(log, budget_minutes=300).key_result == "reactions"


def test_explicit_key_result_is_used_as_given():
    log = EXAMPLE.assign(consultations=pd.array([0, 1, 0], dtype="Int64"))
    report = weekly_metrics(log, budget_minutes=300, key_result="consultations")
    assert report.key_result == "consultations"
    assert report.weeks["minutes_per_result"].iloc[0] == 90.0
    missing = weekly_metrics(EXAMPLE, budget_minutes=300, key_result="referrals")
    assert missing.weeks["results"].isna().all() and missing.weeks["minutes_per_result"].isna().all()


def test_zero_result_week_has_no_minutes_per_result():
    log = EXAMPLE.assign(inquiries=pd.array([0, 0, 0], dtype="Int64"))
    week = weekly_metrics(log, budget_minutes=300).weeks.iloc[0]
    assert pd.isna(week["minutes_per_result"])
    assert week["results_per_hour"] == 0.0


def test_zero_weeks_are_inserted_for_gaps():
    log = make_log([("2025-01-07", "post", 30, 4, 4), ("2025-01-29", "dm", 20, 1, 3)], inquiries=[1, 1])
    weeks = weekly_metrics(log, budget_minutes=300).weeks
    assert weeks["week_start"].tolist() == list(pd.to_datetime(
        ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27"]))
    assert weeks["minutes"].tolist() == [30.0, 0.0, 0.0, 20.0]
    assert weeks["actions"].tolist() == [1, 0, 0, 1]
    assert weeks["actions_dm"].tolist() == [0, 0, 0, 1]
    assert weeks["reactions"].tolist() == [4, 0, 0, 1]
    assert weeks["inquiries"].tolist() == [1, 0, 0, 1]
    assert weeks["quality_mean"].isna().tolist() == [False, True, True, False]
    assert weeks["minutes_per_result"].isna().tolist() == [False, True, True, False]
    assert weeks["sust_rhythm"].tolist() == pytest.approx([1.0, 0.5, 1 / 3, 0.5])


def test_week_start_sunday_boundaries():
    # 2025-01-05 is a Sunday, 2025-01-11 a Saturday, 2025-01-12 the next Sunday.
    log = make_log([("2025-01-05", "post", 10, 1, 3), ("2025-01-11", "post", 20, 1, 3),
                    ("2025-01-12", "post", 40, 1, 3)])
    sunday = weekly_metrics(log, budget_minutes=300, week_start=6).weeks
    assert sunday["week_start"].tolist() == list(pd.to_datetime(["2025-01-05", "2025-01-12"]))
    assert sunday["minutes"].tolist() == [30.0, 40.0]
    monday = weekly_metrics(log, budget_minutes=300, week_start=0).weeks
    assert monday["week_start"].tolist() == list(pd.to_datetime(["2024-12-30", "2025-01-06"]))
    assert monday["minutes"].tolist() == [10.0, 60.0]


@pytest.mark.parametrize("bad", [-1, 7])
def test_week_start_out_of_range(bad):
    with pytest.raises(ValueError):
        weekly_metrics(EXAMPLE, budget_minutes=300, week_start=bad)


def test_all_missing_optional_count_stays_na():
    log = make_log(
        [("2025-01-06", "post", 30, 1, 3), ("2025-01-07", "post", 30, 1, 3),
         ("2025-01-13", "post", 30, 1, 3), ("2025-01-14", "post", 30, 1, 3)],
        consultations=[NA, NA, 2, NA],
    )
    weeks = weekly_metrics(log, budget_minutes=300).weeks
    assert pd.isna(weeks["consultations"].iloc[0])
    assert weeks["consultations"].iloc[1] == 2
    assert "source_row" not in weeks.columns


def test_solved_signals_come_from_the_memo():
    log = make_log([("2025-01-06", "post", 30, 1, 3, "悩みが解決しました"),
                    ("2025-01-07", "reply", 10, 1, 3, "ＩＴ　ＷＯＲＫＥＤ, took action")])
    assert weekly_metrics(log, budget_minutes=300).weeks["solved_signals"].tolist() == [3]
    custom = weekly_metrics(log, budget_minutes=300, solved_phrases=["took action"])
    assert custom.weeks["solved_signals"].tolist() == [1]
    assert "solved_signals" not in weekly_metrics(EXAMPLE, budget_minutes=300).weeks.columns


def test_kpi_ratio_with_scale_and_zero_denominator():
    log = make_log(
        [("2025-01-06", "post", 30, 1, 3), ("2025-01-07", "post", 30, 1, 3), ("2025-01-08", "dm", 30, 1, 3),
         ("2025-01-13", "dm", 30, 1, 3)],
        inquiries=[1, 0, 1, 1],
    )
    rate = kpi("inquiry_rate", Part("sum", "inquiries", ("post",)), Part("count", None, ("post",)), scale=100)
    rows = kpi_rows(weekly_metrics(log, kpis=[(rate, 40.0)], budget_minutes=300), "inquiry_rate")
    assert rows["value"].iloc[0] == 50.0
    assert rows["met"].iloc[0]
    assert pd.isna(rows["value"].iloc[1]) and pd.isna(rows["met"].iloc[1])  # no posts: NA, not 0
    assert rows["target"].tolist() == [40.0, 40.0]


def test_kpi_sum_of_a_column_the_log_lacks_is_na():
    thanks = kpi("thanks", Part("sum", "thanks"))
    rows = kpi_rows(weekly_metrics(EXAMPLE, kpis=[(thanks, 1.0)], budget_minutes=300), "thanks")
    assert rows["value"].isna().all() and rows["met"].isna().all()


def test_kpi_month_period_sums_the_four_weeks_ending_with_the_week():
    days = ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03"]
    log = make_log([(d, "consultation", 60, 0, 4) for d in days], consultations=[1, 0, 0, 1, 1])
    monthly = kpi("consultations_month", Part("sum", "consultations"), period="month")
    per_post = kpi("per_action_month", Part("sum", "consultations"), Part("count"), period="month")
    report = weekly_metrics(log, kpis=[(monthly, 2.0), (per_post, 0.5)], budget_minutes=300)
    assert kpi_rows(report, "consultations_month")["value"].tolist() == [1.0, 1.0, 1.0, 2.0, 2.0]
    assert kpi_rows(report, "consultations_month")["met"].tolist() == [False, False, False, True, True]
    per_action = kpi_rows(report, "per_action_month")["value"].tolist()
    assert per_action == pytest.approx([1.0, 0.5, 1 / 3, 0.5, 0.5])


def test_kpi_met_in_both_directions():
    log = make_log([("2025-01-06", "post", 30, 1, 3), ("2025-01-07", "post", 30, 1, 3),
                    ("2025-01-08", "post", 30, 1, 3), ("2025-01-13", "post", 80, 1, 3)])
    posts = kpi("posts", Part("count", None, ("post",)), target=3)
    post_minutes, post_count = Part("sum", "minutes", ("post",)), Part("count", None, ("post",))
    minutes_per_post = kpi("minutes_per_post", post_minutes, post_count, direction="lower")
    report = weekly_metrics(log, kpis=[(posts, 3.0), (minutes_per_post, 30.0)], budget_minutes=300)
    assert kpi_rows(report, "posts")["met"].tolist() == [True, False]
    assert kpi_rows(report, "minutes_per_post")["value"].tolist() == [30.0, 80.0]
    assert kpi_rows(report, "minutes_per_post")["met"].tolist() == [True, False]
    assert kpi_rows(report, "minutes_per_post")["direction"].tolist() == ["lower", "lower"]
    # Long table: weeks in order, KPIs in the order given within a week.
    assert report.kpis["id"].tolist() == ["posts", "minutes_per_post", "posts", "minutes_per_post"]


def test_count_in_a_category_the_log_never_had_is_zero():
    none = kpi("dms", Part("count", None, ("dm",)))
    rows = kpi_rows(weekly_metrics(EXAMPLE, kpis=[(none, 1.0)], budget_minutes=300), "dms")
    assert rows["value"].tolist() == [0.0] and rows["met"].tolist() == [False]


def test_sustainability_falls_when_minutes_exceed_budget():
    log = make_log([("2025-01-06", "post", 200, 1, 4), ("2025-01-13", "post", 450, 1, 4)])
    weeks = weekly_metrics(log, budget_minutes=300).weeks
    assert weeks["sust_load"].tolist() == [1.0, 0.5]
    assert weeks["sustainability"].iloc[1] < weeks["sustainability"].iloc[0]


def test_rest_week_is_marked_and_not_judged():
    log = make_log([("2025-01-06", "post", 60, 1, 4), ("2025-01-20", "post", 60, 1, 4)])
    posts = kpi("posts", Part("count", None, ("post",)))
    # Any date inside the week marks it (here the Wednesday of the week of 2025-01-13).
    report = weekly_metrics(log, kpis=[(posts, 1.0)], budget_minutes=300, rest_weeks=[date(2025, 1, 15)])
    assert report.weeks["rest"].tolist() == [False, True, False]
    assert report.weeks["sustainability"].isna().tolist() == [False, True, False]
    assert report.weeks["sust_rhythm"].iloc[2] == 1.0
    assert kpi_rows(report, "posts")["met"].isna().tolist() == [False, True, False]


def test_latest_change_against_the_week_before():
    log = make_log(
        [("2025-01-06", "post", 90, 1, 3), ("2025-01-13", "post", 60, 1, 5)], inquiries=[1, 2],
    )
    change = latest_change(weekly_metrics(log, budget_minutes=300))
    assert change["week_start"] == pd.Timestamp("2025-01-13")
    assert change["previous_week_start"] == pd.Timestamp("2025-01-06")
    assert change["minutes_per_result"] == {"latest": 30.0, "previous": 90.0, "delta": -60.0, "better": True}
    assert change["quality_mean"] == {"latest": 5.0, "previous": 3.0, "delta": 2.0, "better": True}
    assert change["sustainability"]["previous"] == 85.0  # 0.4 + 0.3 + 0.3 * (3 - 1) / 4
    assert change["sustainability"]["latest"] == 92.5  # rating part: mean of the last 2 weeks, (4 - 1) / 4
    assert change["sustainability"]["better"] is True


def test_latest_change_with_one_week_and_with_none():
    one = latest_change(weekly_metrics(EXAMPLE, budget_minutes=300))
    assert one["minutes_per_result"] == {"latest": 45.0, "previous": None, "delta": None, "better": None}
    empty = latest_change(weekly_metrics(EXAMPLE.iloc[:0], budget_minutes=300))
    assert empty["week_start"] is None and empty["sustainability"]["latest"] is None


def test_empty_log_gives_empty_tables():
    posts = kpi("posts", Part("count", None, ("post",)))
    report = weekly_metrics(EXAMPLE.iloc[:0], kpis=[(posts, 3.0)], budget_minutes=300)
    assert report.weeks.empty and report.kpis.empty
    assert "minutes_per_result" in report.weeks.columns
