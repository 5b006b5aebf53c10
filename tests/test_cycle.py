"""Tests for kpi_core.cycle: week N of 12, checkpoints in numbers and reflections, experiment verdicts."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_core.cycle import (
    checkpoint,
    checkpoints_due,
    cycle_position,
    experiments,
    last_experiment,
    normalize_verdict,
)
from kpi_core.metrics import weekly_metrics

START = date(2025, 1, 8)  # a Wednesday: with Monday weeks, week 1 begins 2025-01-06


def make_log(rows):
    """A canonical log from (date, minutes, quality, inquiries) post rows."""
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
        "action": "post", "category": "post",
        "minutes": [float(r[1]) for r in rows],
        "reactions": pd.array([4] * len(rows), dtype="Int64"),
        "quality": pd.array([r[2] for r in rows], dtype="Int64"),
        "inquiries": pd.array([r[3] for r in rows], dtype="Int64"),
        "source": "log.csv", "source_row": np.arange(2, len(rows) + 2, dtype="int64"),
    })


# week 1: 60 min, 1 inquiry, rating 3 · week 2: 120 min, 1, 3 · week 3: 90 min, 2, 4 · week 4: 30 min, 1, 5
ROWS = [("2025-01-06", 60, 3, 1), ("2025-01-13", 60, 3, 0), ("2025-01-15", 60, 3, 1), ("2025-01-20", 90, 4, 2),
        ("2025-01-27", 30, 5, 1)]


def report(rest_weeks=()):
    return weekly_metrics(make_log(ROWS), budget_minutes=300, rest_weeks=rest_weeks)


# ---------------------------------------------------------------- position


@pytest.mark.parametrize(("on", "week", "cycle", "in_cycle", "is_checkpoint"), [
    (date(2025, 1, 6), 1, 1, 1, False),     # Monday of the start week
    (date(2025, 1, 12), 1, 1, 1, False),    # its Sunday
    (date(2025, 2, 2), 4, 1, 4, True),
    (date(2025, 3, 30), 12, 1, 12, True),
    (date(2025, 3, 31), 13, 2, 1, False),
    (date(2025, 5, 26), 21, 2, 9, False),
])
def test_week_n_of_twelve(on, week, cycle, in_cycle, is_checkpoint):
    position = cycle_position(START, on)
    assert (position.week, position.cycle, position.week_in_cycle, position.checkpoint) == (
        week, cycle, in_cycle, is_checkpoint)


def test_before_the_plan_there_is_no_position():
    assert cycle_position(START, date(2025, 1, 5)) is None


def test_cycle_start_and_week_start_day():
    assert cycle_position(START, date(2025, 4, 2)).cycle_start == date(2025, 3, 31)
    # Sunday weeks: the week holding Wed 2025-01-08 starts Sun 2025-01-05; Sun 2025-01-12 is week 2.
    assert cycle_position(START, date(2025, 1, 12), week_start=6).week == 2
    assert cycle_position(START, date(2025, 1, 5), week_start=6).week == 1


def test_label_in_both_languages():
    position = cycle_position(START, date(2025, 1, 22))
    assert position.label("ja") == "1回目のサイクル:3週目/全12週"
    assert position.label("en") == "Cycle 1: week 3 of 12"


def test_checkpoints_due():
    assert checkpoints_due(START, date(2025, 2, 5)) == [(1, 4)]
    assert checkpoints_due(START, date(2025, 1, 28)) == [(1, 4)]
    assert checkpoints_due(START, date(2025, 4, 30)) == [(1, 4), (1, 8), (1, 12), (2, 4)]
    assert checkpoints_due(START, date(2024, 12, 1)) == []


# ---------------------------------------------------------------- checkpoint numbers


def changes(point):
    return {c.id: c for c in point.changes}


def test_week_four_compares_first_two_weeks_with_last_two():
    point = checkpoint(report(), START, 4)
    assert point.week_start == date(2025, 1, 27)
    assert point.start_weeks == (date(2025, 1, 6), date(2025, 1, 13))
    assert point.recent_weeks == (date(2025, 1, 20), date(2025, 1, 27))
    found = changes(point)
    # start: 180 minutes, 2 inquiries, ratings 3 and 3; now: 120 minutes, 3 inquiries, ratings 4 and 5.
    assert (found["minutes"].start, found["minutes"].now, found["minutes"].better) == (90.0, 60.0, None)
    assert (found["inquiries"].start, found["inquiries"].now, found["inquiries"].better) == (1.0, 1.5, True)
    assert (found["minutes_per_result"].start, found["minutes_per_result"].now) == (90.0, 40.0)
    assert found["minutes_per_result"].delta == -50.0 and found["minutes_per_result"].better is True
    assert (found["quality_mean"].start, found["quality_mean"].now, found["quality_mean"].delta) == (3.0, 4.5, 1.5)
    assert found["actions"].start == 1.5 and found["actions"].now == 1.0 and found["actions"].better is None
    assert "consultations" not in found  # the log has no such column
    assert "results" not in found  # the key result is inquiries, already shown


def test_the_comparison_is_described():
    point = checkpoint(report(), START, 4)
    assert point.compared("ja") == ("最初の2週(2025年1月6日から)と直近の2週(2025年1月20日から)の平均を比べています。"
                                    "休養週は除いています。")
    assert checkpoint(report(), START, 1).compared("en") == "There are not enough weeks to compare yet."
    assert changes(point)["minutes_per_result"].label("en") == "Minutes per result"


def test_smoothed_figure_is_read_at_the_end_of_each_span():
    # Half-life 4, m = 2^(-1/4). End of week 2: (60m + 120) / (m + 1) minutes over (m + 1)/(m + 1) results.
    m = 2 ** -0.25
    found = changes(checkpoint(report(), START, 4))
    assert found["smoothed_minutes_per_result"].start == pytest.approx((60 * m + 120) / (m + 1), abs=1e-6)
    assert found["smoothed_minutes_per_result"].start == pytest.approx(92.592817, abs=1e-6)  # 60 · 2.840896 / 1.840896


def test_sustainability_is_the_mean_of_the_span():
    weeks = report().weeks
    found = changes(checkpoint(report(), START, 4))
    assert found["sustainability"].start == pytest.approx(weeks["sustainability"].iloc[:2].mean(), abs=1e-9)


def test_rest_weeks_are_left_out_of_the_comparison():
    point = checkpoint(report(rest_weeks=[date(2025, 1, 22)]), START, 4)
    # Three weeks remain: one on each side, week 1 against week 4.
    assert point.start_weeks == (date(2025, 1, 6),) and point.recent_weeks == (date(2025, 1, 27),)
    assert changes(point)["minutes_per_result"].now == 30.0


def test_too_few_weeks_compare_nothing():
    point = checkpoint(report(), START, 1)
    assert point.changes == () and point.start_weeks == ()


def test_checkpoint_rejects_a_week_outside_the_cycle():
    with pytest.raises(ValueError):
        checkpoint(report(), START, 13)


# ---------------------------------------------------------------- reflections and verdicts

REFLECTIONS = {
    date(2025, 1, 6): {"experiment": "投稿を週3回に絞る", "went_well": "朝の投稿に反応があった"},
    "2025-01-13": {"verdict": "keep", "experiment": "  朝に書く "},
    date(2025, 1, 20): {"verdict": "Drop "},
    date(2025, 1, 27): {"verdict": "keep"},  # nothing open to judge: ignored
    date(2025, 3, 31): {"experiment": "事例を1本書く"},  # cycle 2
}


def test_verdicts_pair_each_experiment_with_the_next_review():
    found = experiments(REFLECTIONS)
    assert [(e.week_start, e.text, e.verdict, e.judged_in) for e in found] == [
        (date(2025, 1, 6), "投稿を週3回に絞る", "keep", date(2025, 1, 13)),
        (date(2025, 1, 13), "朝に書く", "drop", date(2025, 1, 20)),
        (date(2025, 3, 31), "事例を1本書く", None, None),
    ]


def test_last_experiment_is_the_one_from_an_earlier_review():
    assert last_experiment(REFLECTIONS, date(2025, 1, 13)).text == "投稿を週3回に絞る"
    assert last_experiment(REFLECTIONS, date(2025, 1, 20)).text == "朝に書く"
    assert last_experiment(REFLECTIONS, date(2025, 1, 6)) is None
    assert last_experiment({}, date(2025, 1, 6)) is None


@pytest.mark.parametrize(("value", "verdict"), [("keep", "keep"), (" UNCLEAR", "unclear"), ("続ける", None),
                                                (None, None), (3, None)])
def test_normalize_verdict(value, verdict):
    assert normalize_verdict(value) == verdict


def test_checkpoint_keeps_the_cycles_reflections_and_verdicts():
    point = checkpoint(report(), START, 4, reflections=REFLECTIONS)
    assert [d for d, _ in point.reflections] == [date(2025, 1, 6), date(2025, 1, 13), date(2025, 1, 20),
                                                 date(2025, 1, 27)]
    assert point.reflections[0][1]["went_well"] == "朝の投稿に反応があった"
    assert point.verdict_counts() == {"keep": 1, "drop": 1, "unclear": 0}
    assert point.title("ja") == "4週目の振り返り:始めたころから何が変わったか"
    assert point.title("en") == "Week 4 checkpoint: what changed since the start"


def test_second_cycle_checkpoint_reads_only_its_weeks():
    point = checkpoint(report(), START, 4, reflections=REFLECTIONS, cycle=2)
    assert point.week_start == date(2025, 4, 21)
    assert [d for d, _ in point.reflections] == [date(2025, 3, 31)]
    assert point.changes == ()  # the log ends in January
