"""Tests for kpi_core.smoothing: Loop-style exponential smoothing of minutes per result, hand-worked to 1e-6."""

import math

import numpy as np
import pandas as pd
import pytest

from kpi_core.smoothing import explain, smooth, smoothed_minutes_per_result

TOL = 1e-6


def weeks(minutes, results, rest=None):
    """A weekly frame with the columns weekly_metrics gives (results Int64, NA allowed)."""
    n = len(minutes)
    res = pd.array(results, dtype="Int64")
    values = res.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(values > 0, np.array(minutes, float) / values, np.nan)
    return pd.DataFrame({
        "week_start": pd.date_range("2025-01-06", periods=n, freq="7D"),
        "minutes": [float(m) for m in minutes],
        "results": res,
        "minutes_per_result": raw,
        "rest": [False] * n if rest is None else rest,
    })


@pytest.mark.parametrize("bad", [0, -1, math.inf, math.nan])
def test_a_meaningless_half_life_is_refused(bad):
    with pytest.raises(ValueError):
        smooth([1, 2], bad)


def test_a_week_four_weeks_back_counts_half_as_much_by_default():
    # Weights 2^(-age/4) for ages 4..0: 0.5, 0.5946, 0.7071, 0.8409, 1 — only the newest week is 1.
    assert smooth([0, 0, 0, 0, 1])[-1] == pytest.approx(1 / (0.5 + 2 ** -0.75 + 2 ** -0.5 + 2 ** -0.25 + 1), abs=TOL)
    # Two counted weeks, half-life 1: the older one weighs 0.5.
    assert smooth([0, 1], 1)[-1] == pytest.approx(1 / 1.5, abs=TOL)


def test_smooth_half_life_one_week_by_hand():
    # m = 0.5. s: 0.5·1 = 0.5; 0.5·0.5 + 0.5·5 = 2.75; 0.5·2.75 + 0.5·1 = 1.875.
    # Divided by 1 − m^n = 0.5, 0.75, 0.875: 1, 3.666667, 2.142857.
    assert smooth([1, 5, 1], 1) == pytest.approx([1.0, 11 / 3, 15 / 7], abs=TOL)


def test_minutes_per_result_raw_and_smoothed_side_by_side():
    # Half-life 1 week. Minutes stay 60 every week, so smoothed minutes are 60; results 1, 5, 1 smooth to
    # 1, 11/3, 15/7 (above). Smoothed minutes per result: 60, 180/11 = 16.363636, 60·7/15 = 28.
    out = smoothed_minutes_per_result(weeks([60, 60, 60], [1, 5, 1]), half_life_weeks=1)
    assert list(out.columns) == ["week_start", "minutes", "results", "minutes_per_result", "smoothed_minutes",
                                 "smoothed_results", "smoothed_minutes_per_result"]
    assert out["minutes_per_result"].tolist() == [60.0, 12.0, 60.0]
    assert out["smoothed_minutes"].tolist() == pytest.approx([60.0, 60.0, 60.0], abs=TOL)
    assert out["smoothed_minutes_per_result"].tolist() == pytest.approx([60.0, 16.363636, 28.0], abs=TOL)


def test_rest_and_unknown_weeks_are_skipped_not_aged():
    # Half-life 2 weeks, m = 1/√2. Week 2 is rest, week 3 has results left blank: both keep week 1's values.
    # Week 4 weighs week 1 by m: minutes (100m + 50)/(m + 1) = 50√2, results (2m + 2)/(m + 1) = 2,
    # minutes per result 25√2 = 35.355339.
    frame = weeks([100, 30, 40, 50], [2, 0, None, 2], rest=[False, True, False, False])
    out = smoothed_minutes_per_result(frame, half_life_weeks=2)
    assert out["smoothed_minutes"].tolist() == pytest.approx([100, 100, 100, 50 * math.sqrt(2)], abs=TOL)
    assert out["smoothed_results"].tolist() == pytest.approx([2, 2, 2, 2], abs=TOL)
    assert out["smoothed_minutes_per_result"].tolist() == pytest.approx([50, 50, 50, 35.355339], abs=TOL)


def test_one_viral_week_is_softened():
    # Four weeks of 120 minutes and 1 result, then a viral week with 10. Default half-life 4, m = 2^(-1/4):
    # weights 0.5, 0.594604, 0.707107, 0.840896, 1 (sum 3.642607). Minutes 120 every week smooth to 120;
    # results (2.642607 + 10) / 3.642607 = 3.470758 a week; 120 / 3.470758 = 34.574579 minutes per result,
    # between the viral week's raw 12 and the 120 before it.
    out = smoothed_minutes_per_result(weeks([120] * 5, [1, 1, 1, 1, 10]))
    m = 2 ** -0.25
    w = [m ** 4, m ** 3, m ** 2, m, 1]
    assert 120 * sum(w) / (sum(w[:4]) + 10) == pytest.approx(34.574579, abs=TOL)
    assert out["minutes_per_result"].tolist() == [120.0] * 4 + [12.0]
    assert out["smoothed_results"].iloc[-1] == pytest.approx(3.470758, abs=TOL)
    assert out["smoothed_minutes_per_result"].iloc[-1] == pytest.approx(34.574579, abs=TOL)


def test_no_results_yet_is_nan_not_infinity():
    out = smoothed_minutes_per_result(weeks([60, 60], [0, 0]))
    assert out["smoothed_minutes_per_result"].isna().all()
    assert out["smoothed_results"].tolist() == [0.0, 0.0]


def test_nan_before_the_first_counted_week():
    out = smoothed_minutes_per_result(weeks([60, 60], [None, 2]), half_life_weeks=1)
    assert np.isnan(out["smoothed_minutes"].iloc[0])
    assert out["smoothed_minutes_per_result"].iloc[1] == pytest.approx(30.0, abs=TOL)


def test_the_smoothing_is_explained_with_its_half_life_in_plain_words():
    assert "4週前の週は、今週の半分の重さ" in explain("ja")
    assert "a week 2.5 weeks back counts half" in explain("en", 2.5)
    assert not any(word in explain("ja") for word in ("指数平滑", "半減期"))  # no analyst's words on the page


def test_a_long_run_without_results_gives_no_figure_instead_of_an_absurd_one():
    weeks = pd.DataFrame({
        "week_start": pd.date_range("2025-01-06", periods=30, freq="7D"),
        "minutes": [60.0] + [0.0] * 28 + [60.0],
        "results": pd.array([2] + [0] * 29, dtype="Int64"),
        "minutes_per_result": [30.0] + [np.nan] * 29,
    })
    smoothed = smoothed_minutes_per_result(weeks)["smoothed_minutes_per_result"]
    assert smoothed.iloc[0] == pytest.approx(30.0)
    assert np.isnan(smoothed.iloc[-1])  # 29 weeks on, the one old result no longer stands for anything
