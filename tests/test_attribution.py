"""Tests for kpi_core.attribution: results per hour by category, late results, and thin data."""

import numpy as np
import pandas as pd
import pytest

from kpi_core.attribution import MIN_ACTIONS, MIN_MINUTES, comparable, credited_rows, notes, results_by_category


def make_log(rows, inquiries=None):
    """A canonical log from (date, category, minutes) rows; inquiries as Int64 (None = NA)."""
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
        "action": [r[1] for r in rows],
        "category": [r[1] for r in rows],
        "minutes": [float(r[2]) for r in rows],
        "reactions": pd.array([0] * len(rows), dtype="Int64"),
        "quality": pd.array([3] * len(rows), dtype="Int64"),
        "inquiries": pd.array(inquiries if inquiries is not None else [0] * len(rows), dtype="Int64"),
        "source": "log.csv",
        "source_row": np.arange(2, len(rows) + 2, dtype="int64"),
    })


def by_category(table):
    return table.set_index("category")


def test_a_dm_inquiry_is_credited_to_the_post_before_it():
    log = make_log([("2025-01-06", "post", 60), ("2025-01-09", "dm", 15)], inquiries=[0, 1])
    assert credited_rows(log).tolist() == [0, 0]
    table = by_category(results_by_category(log))
    assert table.loc["post", "results"] == 1 and table.loc["post", "results_logged"] == 0
    assert table.loc["dm", "results"] == 0 and table.loc["dm", "results_logged"] == 1
    assert table.loc["post", "results_per_hour"] == 1.0 and table.loc["post", "minutes_per_result"] == 60.0
    assert table.loc["dm", "results_per_hour"] == 0.0 and np.isnan(table.loc["dm", "minutes_per_result"])


def test_a_result_only_row_goes_to_the_most_recent_action_within_the_lag():
    log = make_log([
        ("2025-01-06", "post", 40),
        ("2025-01-07", "reply", 20),
        ("2025-01-08", "other", 0),   # "inquiry came in": 0 minutes -> the reply of the day before
        ("2025-01-20", "other", 0),   # 13 days after the last action: stays where it was logged
    ], inquiries=[0, 0, 1, 1])
    assert credited_rows(log).tolist() == [0, 1, 1, 3]
    table = by_category(results_by_category(log))
    assert table.loc["reply", "results"] == 1 and table.loc["other", "results"] == 1
    assert table.loc["reply", "results_per_hour"] == 3.0
    assert np.isnan(table.loc["other", "results_per_hour"])  # no minutes: no rate


def test_lag_days_bound_and_same_day():
    log = make_log([("2025-01-06", "post", 40), ("2025-01-13", "dm", 10), ("2025-01-14", "dm", 10)],
                   inquiries=[0, 1, 1])
    assert credited_rows(log).tolist() == [0, 0, 2]  # 7 days reaches, 8 does not
    assert credited_rows(log, lag_days=0).tolist() == [0, 1, 2]
    same_day = make_log([("2025-01-06", "post", 40), ("2025-01-06", "consultation", 60)], inquiries=[0, 1])
    assert credited_rows(same_day, lag_days=0).tolist() == [0, 0]
    with pytest.raises(ValueError):
        credited_rows(log, lag_days=-1)


def test_rows_are_taken_in_date_order_not_file_order():
    log = make_log([("2025-01-10", "dm", 10), ("2025-01-08", "post", 30), ("2025-01-06", "reply", 30)],
                   inquiries=[1, 0, 0])
    assert credited_rows(log).tolist() == [1, 1, 2]


def test_arrival_categories_are_a_choice():
    log = make_log([("2025-01-06", "post", 60), ("2025-01-07", "dm", 30)], inquiries=[0, 1])
    table = by_category(results_by_category(log, arrival_categories=()))
    assert table.loc["dm", "results"] == 1 and table.loc["dm", "results_per_hour"] == 2.0


def test_thin_categories_are_flagged():
    rows = [(f"2025-01-{6 + i:02d}", "post", 20) for i in range(MIN_ACTIONS)]       # 5 × 20 = 100 minutes
    rows += [(f"2025-01-{6 + i:02d}", "reply", 10) for i in range(MIN_ACTIONS)]     # 5 × 10 = 50 minutes
    rows += [(f"2025-01-{6 + i:02d}", "case_study", 60) for i in range(MIN_ACTIONS - 1)]  # 4 actions
    table = by_category(results_by_category(make_log(rows), categories=["post", "dm"]))
    assert MIN_MINUTES == 60.0
    assert table["thin"].to_dict() == {"post": False, "dm": True, "case_study": True, "reply": True}
    assert table.loc["dm", "actions"] == 0 and table.loc["dm", "minutes"] == 0.0
    assert not comparable(results_by_category(make_log(rows)))


def test_two_solid_categories_are_comparable():
    rows = [(f"2025-01-{6 + i:02d}", cat, 30) for i in range(5) for cat in ("post", "reply")]
    inquiries = [1 if cat == "post" else 0 for _ in range(5) for cat in ("post", "reply")]
    table = results_by_category(make_log(rows, inquiries))
    assert comparable(table)
    assert by_category(table)["results_per_hour"].to_dict() == {"post": 2.0, "reply": 0.0}


def test_unknown_results_stay_unknown():
    log = make_log([("2025-01-06", "post", 60), ("2025-01-07", "reply", 30)], inquiries=[None, 2])
    table = by_category(results_by_category(log))
    assert table.loc["post", "results"] is pd.NA and np.isnan(table.loc["post", "results_per_hour"])
    assert table.loc["reply", "results"] == 2
    missing = by_category(results_by_category(log, key_result="consultations"))
    assert missing["results"].isna().all()


def test_columns_and_empty_log():
    table = results_by_category(make_log([]))
    assert list(table.columns) == ["category", "actions", "minutes", "results", "results_logged",
                                   "results_per_hour", "minutes_per_result", "thin"]
    assert table.empty


def test_notes_explain_the_lag_and_name_thin_categories():
    rows = [(f"2025-01-{6 + i:02d}", "post", 30) for i in range(5)] + [("2025-01-06", "dm", 10)]
    said = notes(results_by_category(make_log(rows), categories=["post", "case_study"]), "ja", {"dm": "DM"})
    assert said == [
        "DM・個別相談の行や作業時間0分の行に書いた成果は、その7日前までにした直近の行動(投稿や返信など)の成果として"
        "数えています。反応は数日遅れて届くことがあるためです。",
        "「DM」はまだ1件・10分の記録しかないため、ほかの行動とは比べられません(目安は5件・60分以上)。",
        "比べられるだけの記録がある行動がまだ2種類そろっていません(目安は1種類につき5件・60分以上)。",
    ]
