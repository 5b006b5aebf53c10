"""Minutes per result smoothed over weeks, the way Loop Habit Tracker smooths a habit's score."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpi_core.messages import DEFAULT_LANG, t

# Four weeks: a week four weeks back counts half as much as this one. That is one checkpoint interval of the
# 12-week cycle, long enough that one viral post or one bad week cannot swing the verdict, short enough that
# a real change shows within a month.
DEFAULT_HALF_LIFE_WEEKS = 4.0

COLUMNS = ("smoothed_minutes", "smoothed_results", "smoothed_minutes_per_result")


MIN_SMOOTHED_RESULTS = 0.1  # results per week (one every ten weeks)


def explain(lang: str = DEFAULT_LANG, half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS) -> str:
    """How the smoothed figure is made, for the screen (Loop's users found an unexplained score opaque)."""
    half_life = int(half_life_weeks) if float(half_life_weeks).is_integer() else half_life_weeks
    return t("coaching.smoothing.explain", lang, half_life=half_life)


def smooth(values: pd.Series | np.ndarray, half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS,
           skip: pd.Series | np.ndarray | None = None) -> np.ndarray:
    """Exponentially smoothed weekly values, in the values' own unit (minutes per week, results per week).

    The weighted mean of the counted weeks with weight 0.5 ** (age / half-life), age in counted weeks (0 for
    the newest) — Loop Habit Tracker's recurrence, normalised so the first week is its own value: exactly
    pandas' `ewm(halflife=…, adjust=True, ignore_na=True).mean()`, so pandas computes it.
    Weeks where `skip` is true or the value is NaN are not counted: they keep the previous smoothed value
    and do not age the others (a declared rest week, a week whose results were left blank).
    NaN until the first counted week.
    """
    if not half_life_weeks > 0 or math.isinf(half_life_weeks):
        raise ValueError(f"half-life must be a positive number of weeks, got {half_life_weeks!r}")
    data = pd.Series(pd.Series(values, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan))
    if skip is not None:
        data[np.asarray(skip, dtype=bool)] = np.nan
    return data.ewm(halflife=half_life_weeks, adjust=True, ignore_na=True).mean().to_numpy()


def smoothed_minutes_per_result(weeks: pd.DataFrame,
                                half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS) -> pd.DataFrame:
    """Raw and smoothed minutes per result side by side, one row per week of `weeks` (from weekly_metrics).

    Minutes and results are smoothed apart and then divided — a smoothed ratio would let one week with a
    single result (minutes / 1) dominate, while the ratio of smoothed sums weighs every week by its size.
    A week counts for both only when its results are known (not NA) and it is not a rest week, so the two
    sums always cover the same weeks. Columns: week_start, minutes, results, minutes_per_result (raw, min),
    smoothed_minutes (min/week), smoothed_results (results/week), smoothed_minutes_per_result (min); the
    last is NaN while the smoothed results are 0.
    """
    results = pd.array(weeks["results"], dtype="Float64").to_numpy(dtype="float64", na_value=np.nan)
    skip = np.isnan(results)
    if "rest" in weeks.columns:
        skip |= weeks["rest"].to_numpy(dtype=bool)
    minutes = weeks["minutes"].to_numpy(dtype="float64")
    smooth_minutes = smooth(minutes, half_life_weeks, skip)
    smooth_results = smooth(results, half_life_weeks, skip)
    with np.errstate(invalid="ignore", divide="ignore"):
        # After a long run of result-less weeks the smoothed results fade towards zero and the ratio would
        # climb without bound; below one result every MIN_SMOOTHED_RESULTS⁻¹ weeks there is no figure to give.
        ratio = np.where(smooth_results >= MIN_SMOOTHED_RESULTS, smooth_minutes / smooth_results, np.nan)
    return pd.DataFrame({
        "week_start": weeks["week_start"].to_numpy(),
        "minutes": minutes,
        "results": results,
        "minutes_per_result": weeks["minutes_per_result"].to_numpy(dtype="float64"),
        "smoothed_minutes": smooth_minutes,
        "smoothed_results": smooth_results,
        "smoothed_minutes_per_result": ratio,
    })
