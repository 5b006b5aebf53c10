"""Tests for kpi_core.sustainability: the weekly index, its three parts, and declared rest."""

import re
from datetime import date

import pandas as pd
import pytest

from kpi_core.messages import catalog, t
from kpi_core.sustainability import WEIGHTS, help_shares, shares, sustainability

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
    assert list(out.columns) == ["sustainability", "sust_load", "sust_rhythm", "sust_rating", "sust_fatigue"]
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


# ---------------------------------------------------------------- the fatigue part (the person's own answer)


def answered(minutes, quality, fatigue, **options):
    """`weeks(...)` with a fatigue column (None = no answer that week)."""
    return weeks(minutes, quality, **options).assign(
        fatigue=[float("nan") if f is None else float(f) for f in fatigue])


def test_weights_keep_load_rhythm_rating_and_add_fatigue():
    assert WEIGHTS == {"sust_load": 0.4, "sust_rhythm": 0.3, "sust_rating": 0.3, "sust_fatigue": 0.4}


@pytest.mark.parametrize(("fatigue", "part", "index"), [
    # load 1 (200 ≤ 300), rhythm 1, rating (4 − 1) / 4 = 0.75 in every case:
    (4, 0.25, 73.2),  # (0.4 + 0.3 + 0.225 + 0.4 × 0.25) / 1.4 = 1.025 / 1.4 = 73.21…
    (1, 1.0, 94.6),  # (0.925 + 0.4) / 1.4 = 94.64…
    (3, 0.5, 80.4),  # (0.925 + 0.2) / 1.4 = 80.36…
    (5, 0.0, 66.1),  # 0.925 / 1.4 = 66.07…
])
def test_the_fatigue_part_is_hand_worked(fatigue, part, index):
    out = sustainability(answered([200], [4], [fatigue]), BUDGET)
    assert out["sust_load"].iloc[0] == 1.0 and out["sust_rhythm"].iloc[0] == 1.0
    assert out["sust_rating"].iloc[0] == 0.75
    assert out["sust_fatigue"].iloc[0] == part
    assert out["sustainability"].iloc[0] == index


def test_a_week_without_an_answer_keeps_todays_index_exactly():
    frame = weeks([300, 450, 600, 900], [4, 4, 4, 4])
    without = sustainability(frame, BUDGET)
    unanswered = sustainability(answered([300, 450, 600, 900], [4, 4, 4, 4], [None] * 4), BUDGET)
    assert without["sustainability"].tolist() == [92.5, 72.5, 52.5, 52.5]  # as before there was a fatigue part
    pd.testing.assert_frame_equal(unanswered, without)
    assert without["sust_fatigue"].isna().all()


def test_only_the_weeks_own_answer_counts():
    out = sustainability(answered([200, 200, 200], [4, 4, 4], [None, 5, None]), BUDGET)
    # Not carried over: the weeks before and after the answer keep the three-part index.
    assert out["sustainability"].tolist() == [92.5, 66.1, 92.5]
    assert out["sust_fatigue"].isna().tolist() == [True, False, True]


def test_fatigue_without_any_rating_joins_load_and_rhythm():
    out = sustainability(answered([450], [None], [2]), BUDGET)
    # (0.4 × 0.5 + 0.3 × 1 + 0.4 × 0.75) / 1.1 = 0.8 / 1.1 = 72.72…
    assert out["sust_fatigue"].iloc[0] == 0.75
    assert out["sustainability"].iloc[0] == 72.7


@pytest.mark.parametrize("bad", [0, 6, 2.5, -1])
def test_answers_outside_one_to_five_are_ignored(bad):
    out = sustainability(answered([200], [4], [bad]), BUDGET)
    assert pd.isna(out["sust_fatigue"].iloc[0]) and out["sustainability"].iloc[0] == 92.5


def test_a_rest_week_gets_no_index_even_with_an_answer():
    out = sustainability(answered([120, 120], [5, 5], [5, 1]), BUDGET, {date(2025, 1, 6)})
    assert out.iloc[0].isna().all()
    assert out["sustainability"].iloc[1] == 100.0  # rested: F = 1, and the rest week costs nothing


def test_shares_come_from_the_weights_over_the_parts_present():
    assert shares() == {"sust_load": 29, "sust_rhythm": 21, "sust_rating": 21, "sust_fatigue": 29}
    assert shares(["sust_load", "sust_rhythm", "sust_rating"]) == {
        "sust_load": 40, "sust_rhythm": 30, "sust_rating": 30, "sust_fatigue": 0}
    # 0.4 / 1.1 = 36.4 %, 0.3 / 1.1 = 27.3 %: rounded so that they still add up to 100.
    assert shares(["sust_load", "sust_rhythm", "sust_fatigue"]) == {
        "sust_load": 37, "sust_rhythm": 27, "sust_rating": 0, "sust_fatigue": 36}
    assert help_shares() == {"load": 29, "rhythm": 21, "rating": 21, "fatigue": 29,
                             "load_alone": 40, "rhythm_alone": 30, "rating_alone": 30}


def test_the_explanations_take_their_shares_from_code():
    # The catalogs name the parts in plain words and leave every figure to the code.
    for lang in ("ja", "en"):
        for key in ("help.sustainability", "dashboard.sustainability.explain"):
            text = catalog(lang)[key]
            assert not re.search(r"\d\.\d|\d+ ?%", text.replace("{", "<").replace("}", ">")), (lang, key)
        assert t("help.sustainability", lang, **help_shares()).count("%") == 7
