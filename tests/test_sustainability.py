"""Tests for kpi_core.sustainability: the weekly index, its three parts, and declared rest."""

from datetime import date

import pandas as pd
import pytest

from kpi_core.sustainability import sustainability

BUDGET = 300.0


def weeks(minutes, quality, active=None, start="2025-01-06"):
    """A weekly frame as weekly_metrics builds it; active defaults to minutes > 0."""
    n = len(minutes)
    return pd.DataFrame({
        "week_start": pd.date_range(start, periods=n, freq="7D"),
        "minutes": [float(m) for m in minutes],
        "active": [m > 0 for m in minutes] if active is None else active,
        "quality_mean": [float("nan") if q is None else float(q) for q in quality],
    })


def test_steady_weeks_within_budget_score_full():
    out = sustainability(weeks([200, 300], [5, 5]), BUDGET)
    assert out["sustainability"].tolist() == [100.0, 100.0]
    assert out["sust_load"].tolist() == [1.0, 1.0]
    assert out["sust_rhythm"].tolist() == [1.0, 1.0]
    assert out["sust_rating"].tolist() == [1.0, 1.0]


def test_columns_and_index_follow_the_input():
    frame = weeks([100], [3]).set_axis([7])
    out = sustainability(frame, BUDGET)
    assert list(out.columns) == ["sustainability", "sust_load", "sust_rhythm", "sust_rating"]
    assert out.index.tolist() == [7]


def test_index_falls_when_minutes_exceed_budget():
    out = sustainability(weeks([300, 450, 600, 900], [4, 4, 4, 4]), BUDGET)
    assert out["sust_load"].tolist() == [1.0, 0.5, 0.0, 0.0]
    # Q = (4 - 1) / 4 = 0.75 every week; R = 1.
    assert out["sustainability"].tolist() == [92.5, 72.5, 52.5, 52.5]


def test_index_falls_when_a_week_is_skipped():
    out = sustainability(weeks([120, 120, 120, 0, 120], [5, 5, 5, None, 5]), BUDGET)
    assert out["sust_rhythm"].tolist() == [1.0, 1.0, 1.0, 0.75, 0.75]
    # The rating carries over the skipped week; only the rhythm costs.
    assert out["sust_rating"].tolist() == [1.0, 1.0, 1.0, 1.0, 1.0]
    assert out["sustainability"].tolist() == [100.0, 100.0, 100.0, 92.5, 92.5]


def test_rhythm_counts_only_weeks_since_the_log_began():
    out = sustainability(weeks([120, 0], [4, None]), BUDGET)
    assert out["sust_rhythm"].tolist() == [1.0, 0.5]


def test_index_falls_when_rating_falls():
    out = sustainability(weeks([120] * 4, [5, 5, 3, 3]), BUDGET)
    # week 3: recent mean 4 -> 0.75, minus the drop from 5 -> (5 - 4) / 4; week 4: (3-1)/4 - (5-3)/4 = 0.
    assert out["sust_rating"].tolist() == pytest.approx([1.0, 1.0, 0.5, 0.0], abs=1e-9)
    assert out["sustainability"].tolist() == [100.0, 100.0, 85.0, 70.0]


def test_a_steady_low_rating_is_not_charged_a_drop():
    out = sustainability(weeks([120] * 4, [3, 3, 3, 3]), BUDGET)
    assert out["sust_rating"].tolist() == pytest.approx([0.5] * 4, abs=1e-9)


def test_rating_rising_is_not_a_drop():
    out = sustainability(weeks([120] * 4, [2, 2, 4, 4]), BUDGET)
    assert out["sust_rating"].tolist() == pytest.approx([0.25, 0.25, 0.5, 0.75], abs=1e-9)


def test_rest_week_is_not_penalised():
    frame = weeks([120, 120, 0, 120], [5, 5, None, 5])
    rest = sustainability(frame, BUDGET, {date(2025, 1, 20)})
    assert rest["sustainability"].isna().tolist() == [False, False, True, False]
    assert rest.iloc[2].isna().all()
    # The week after the rest is scored as if the rest week were not there.
    assert rest["sust_rhythm"].iloc[3] == 1.0
    assert rest["sustainability"].iloc[3] == 100.0
    skipped = sustainability(frame, BUDGET)
    assert skipped["sustainability"].iloc[3] < rest["sustainability"].iloc[3]


def test_rest_week_activity_does_not_count_in_rating():
    frame = weeks([120, 120, 500, 120], [5, 5, 1, 5])
    out = sustainability(frame, BUDGET, [pd.Timestamp("2025-01-20")])
    assert out["sust_rating"].iloc[3] == 1.0


def test_without_any_rating_the_index_uses_load_and_rhythm():
    out = sustainability(weeks([450], [None]), BUDGET)
    assert pd.isna(out["sust_rating"].iloc[0])
    # (0.4 * 0.5 + 0.3 * 1) / 0.7
    assert out["sustainability"].iloc[0] == pytest.approx(71.4)


def test_all_rest_or_empty():
    assert sustainability(weeks([100], [3]), BUDGET, {date(2025, 1, 6)})["sustainability"].isna().all()
    assert sustainability(weeks([], []), BUDGET).empty


@pytest.mark.parametrize("budget", [0, -10, float("nan"), float("inf")])
def test_budget_must_be_positive(budget):
    with pytest.raises(ValueError):
        sustainability(weeks([100], [3]), budget)
