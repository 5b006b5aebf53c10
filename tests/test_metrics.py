"""Tests for kpi_core.metrics: weekly figures, key result, KPI evaluation and the headline change."""

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_core.metrics import count_columns, latest_change, weekly_metrics
from kpi_core.personas import Formula, Kpi, Part, default_catalog

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
        "solved_signals", "quality_mean", "results", "minutes_per_result", "results_per_hour",
        "income", "yen_per_hour", "rest", "fatigue",
        "sustainability", "sust_load", "sust_rhythm", "sust_rating", "sust_fatigue",
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
        [("2025-01-06", "post", 30, 30, 3), ("2025-01-07", "post", 30, 10, 3), ("2025-01-08", "dm", 30, 0, 3),
         ("2025-01-13", "dm", 30, 0, 3)],
        inquiries=[1, 0, 1, 1],
    )
    rate = kpi("inquiry_rate", Part("sum", "inquiries"), Part("sum", "reactions"), scale=100)
    rows = kpi_rows(weekly_metrics(log, kpis=[(rate, 4.0)], budget_minutes=300), "inquiry_rate")
    assert rows["value"].iloc[0] == 5.0  # 2 inquiries per 40 reactions = 5 per 100
    assert rows["met"].iloc[0]
    assert pd.isna(rows["value"].iloc[1]) and pd.isna(rows["met"].iloc[1])  # no reactions: NA, not 0 or infinity
    assert rows["target"].tolist() == [4.0, 4.0]
    assert rows["target_max"].isna().all()  # not a band


def test_inquiry_rate_is_inquiries_per_100_direct_reactions_over_four_weeks():
    # Four weeks: 3 inquiries from 120 direct reactions → 2.5 per 100 reactions.
    days = ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03"]
    reactions = [50, 30, 25, 15, 40]
    log = make_log([(d, "post", 60, r, 4) for d, r in zip(days, reactions, strict=True)], inquiries=[1, 0, 1, 1, 2])
    rate = default_catalog().kpi("inquiry_rate")
    rows = kpi_rows(weekly_metrics(log, kpis=[(rate, rate.target)], budget_minutes=300), "inquiry_rate")
    # The window grows to four weeks, then slides: 1/50, 1/80, 2/105, 3/120, then (0+1+1+2)/(30+25+15+40).
    assert rows["value"].tolist() == pytest.approx([2.0, 1.25, 200 / 105, 2.5, 400 / 110], abs=1e-12)
    assert rows["value"].iloc[3] == 2.5
    assert rows["target"].tolist() == [3.0] * 5
    assert rows["met"].tolist() == [False, False, False, False, True]


def test_a_band_is_met_at_both_ends_and_not_outside():
    # Weeks with 1, 2, 3, 4, 5 and 7 value posts against the office worker's 2–4 a week.
    counts = [1, 2, 3, 4, 5, 7]
    starts = pd.date_range("2025-01-06", periods=len(counts), freq="7D")
    rows = [(start + pd.Timedelta(days=i), "post", 20, 1, 4) for start, n in zip(starts, counts, strict=True)
            for i in range(n)]
    log = make_log([(str(d.date()), *rest) for d, *rest in rows])
    posts = default_catalog().kpi("value_posts_per_week", "office_worker")
    actions = kpi("actions", Part("count"), target=3)
    report = weekly_metrics(log, kpis=[(posts, 2.0), (actions, 3.0)], budget_minutes=300)
    band = kpi_rows(report, "value_posts_per_week")
    assert band["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 7.0]
    assert band["met"].tolist() == [False, True, True, True, False, False]  # daily posting is not met
    assert band["target"].tolist() == [2.0] * 6 and band["target_max"].tolist() == [4.0] * 6
    assert band["direction"].tolist() == ["band"] * 6
    assert kpi_rows(report, "actions")["target_max"].isna().all()
    narrow = weekly_metrics(log, kpis=[(replace(posts, target_max=3.0), 3.0)], budget_minutes=300)
    assert kpi_rows(narrow, "value_posts_per_week")["met"].tolist() == [False, False, True, False, False, False]


def test_a_band_without_its_high_end_is_a_programming_error():
    broken = kpi("posts", Part("count"), direction="band")
    with pytest.raises(ValueError, match="band"):
        weekly_metrics(EXAMPLE, kpis=[(broken, 1.0)], budget_minutes=300)


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
    assert list(report.kpis.columns) == ["week_start", "id", "value", "target", "target_max", "met", "direction"]
    assert "minutes_per_result" in report.weeks.columns


INCOME_ROWS = [  # (date, category, minutes, reactions, quality), income beside them
    ("2025-01-27", "post", 60, 3, 4), ("2025-01-31", "consultation", 30, 1, 5), ("2025-02-02", "post", 30, 2, 3),
    # the week of 2025-02-03 has no rows
    ("2025-02-10", "post", 45, 4, 4),
    ("2025-02-17", "other", 15, 0, 3), ("2025-02-20", "consultation", 75, 1, 5),
]
INCOME = [12000, 9000, NA, NA, -3000, 15000]  # -3000: a refund


def test_weekly_income_and_yen_per_hour_hand_worked():
    weeks = weekly_metrics(make_log(INCOME_ROWS, income=INCOME), budget_minutes=300).weeks
    assert [d.date().isoformat() for d in weeks["week_start"]] == ["2025-01-27", "2025-02-03", "2025-02-10",
                                                                   "2025-02-17"]
    assert str(weeks["income"].dtype) == "Int64"
    # 12000 + 9000 (+ an empty cell: no money that day); no rows: 0; only an empty cell: 0; 15000 − 3000.
    assert weeks["income"].tolist() == [21000, 0, 0, 12000]
    assert weeks["minutes"].tolist() == [120.0, 0.0, 45.0, 90.0]
    # 21000 ÷ 2 h; no minutes: unknown; 0 ÷ 0.75 h; 12000 ÷ 1.5 h.
    assert weeks["yen_per_hour"].tolist()[0] == 10500.0
    assert np.isnan(weeks["yen_per_hour"].iloc[1])
    assert weeks["yen_per_hour"].tolist()[2:] == [0.0, 8000.0]


def test_without_an_income_column_income_is_unknown_every_week():
    for log in (make_log(INCOME_ROWS), make_log(INCOME_ROWS, income=[NA] * len(INCOME_ROWS))):
        weeks = weekly_metrics(log, budget_minutes=300).weeks
        assert weeks["income"].isna().all() and len(weeks) == 4
        assert weeks["yen_per_hour"].isna().all()


def test_income_is_never_a_count_nor_the_result():
    log = make_log(INCOME_ROWS, inquiries=[0, 1, 0, 0, 0, 1], income=INCOME)
    assert count_columns(log) == ["inquiries"]
    report = weekly_metrics(log, budget_minutes=300)
    assert report.key_result == "inquiries"
    assert report.weeks["results"].tolist() == [1, 0, 0, 1]
    no_counts = weekly_metrics(make_log(INCOME_ROWS, income=INCOME), budget_minutes=300)
    assert no_counts.key_result == "reactions"  # income never stands in for a result


# ---------------------------------------------------------------- fatigue (the weekly review's answer)


def test_fatigue_answers_become_a_weekly_column_and_a_part_of_the_index():
    log = make_log([("2025-01-06", "post", 200, 1, 4), ("2025-01-13", "post", 200, 1, 4),
                    ("2025-01-20", "post", 200, 1, 4)])
    # A week-start key, a Wednesday (its week), an answer outside 1–5 (ignored), a week outside the log.
    fatigue = {date(2025, 1, 6): 4, date(2025, 1, 15): 1, date(2025, 1, 20): 7, date(2024, 12, 30): 5}
    weeks = weekly_metrics(log, budget_minutes=300, fatigue=fatigue).weeks
    assert weeks["fatigue"].dtype == "float64"
    assert weeks["fatigue"].tolist()[:2] == [4.0, 1.0] and pd.isna(weeks["fatigue"].iloc[2])
    assert weeks["sust_fatigue"].tolist()[:2] == [0.25, 1.0]
    # load 1, rhythm 1, rating 0.75; with F: (0.925 + 0.4 F) / 1.4; without, 92.5 as before.
    assert weeks["sustainability"].tolist() == [73.2, 94.6, 92.5]


def test_without_fatigue_answers_the_column_is_empty_and_nothing_else_changes():
    weeks = weekly_metrics(EXAMPLE, budget_minutes=300).weeks
    assert weeks["fatigue"].isna().all() and weeks["sust_fatigue"].isna().all()
    assert weeks["sustainability"].tolist() == [95.0]  # 100 × (0.4 + 0.3 + 0.3 × (13/3 − 1) / 4)


def test_report_for_plan_reads_fatigue_from_the_reviews():
    from kpi_core.plan import default_plan
    from kpi_core.report import fatigue_answers, report_for_plan

    reviews = {"2025-01-06": {"worked": "x", "fatigue": 5}, "2025-01-13": {"fatigue": "3"},
               "2025-01-20": {"fatigue": True}, "2025-01-27": {"fatigue": 0}, "not a week": {"fatigue": 2},
               "2025-02-03": {"worked": "no answer"}}
    assert fatigue_answers(reviews) == {date(2025, 1, 6): 5, date(2025, 1, 13): 3}
    assert fatigue_answers(None) == {}
    catalog = default_catalog()
    plan = default_plan(catalog.personas["office_worker"], catalog)
    report = report_for_plan(EXAMPLE, plan, catalog, reviews=reviews)
    assert report.weeks["fatigue"].tolist() == [5.0]
    assert report_for_plan(EXAMPLE, plan, catalog).weeks["fatigue"].isna().all()
