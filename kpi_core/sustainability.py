"""The weekly sustainability index (継続可能性指数): can this person keep going without wearing out?

For each week that is not a declared rest week, three parts, each 0–1:

- load B: 1 while minutes ≤ budget; above it, 2 − minutes / budget, floored at 0 (0 at twice the budget).
  The budget is the person's own design choice, so only going over it costs anything.
- rhythm R: the share of the last 4 non-rest weeks (this one included, none before the log began) that had
  any activity. A skipped week lowers R for four weeks; the first weeks count only the weeks there are.
- rating Q: with L = the mean weekly self-rating (1–5) of the last 2 rated active weeks up to this one, and
  P = the same over the 2 rated active weeks before those, Q = (L − 1) / 4 − max(0, P − L) / 4, clipped to
  [0, 1]. A falling rating is a burnout sign, so the drop is charged on top of the level.

index = round(100 × (0.4·B + 0.3·R + 0.3·Q), 1). Before any week has a rating Q is NA and the index is
the same weighted mean over B and R alone (weights 0.4 / 0.7 and 0.3 / 0.7).
Rest weeks get no index and no parts (NA) and are skipped by R and Q, so declared rest never costs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

WEIGHTS = {"sust_load": 0.4, "sust_rhythm": 0.3, "sust_rating": 0.3}
RHYTHM_WEEKS = 4
RATING_WEEKS = 2
COLUMNS = ("sustainability", "sust_load", "sust_rhythm", "sust_rating")


def load_part(minutes: pd.Series, budget_minutes: float) -> pd.Series:
    """B: 1 within the weekly budget, falling linearly to 0 at twice the budget."""
    return (2.0 - minutes.astype("float64") / budget_minutes).clip(lower=0.0, upper=1.0)


def rhythm_part(active: pd.Series) -> pd.Series:
    """R: share of active weeks among the last 4 weeks given (the caller leaves rest weeks out)."""
    return active.astype("float64").rolling(RHYTHM_WEEKS, min_periods=1).mean()


def rating_part(quality_mean: pd.Series, active: pd.Series) -> pd.Series:
    """Q: recent rating level minus its drop, carried forward over weeks without a rating; NA before one."""
    rated = quality_mean.astype("float64")[active.astype(bool) & quality_mean.notna()]
    recent = rated.rolling(RATING_WEEKS, min_periods=1).mean()
    before = recent.shift(RATING_WEEKS)  # the mean of the 2 rated weeks before the recent ones
    drop = (before - recent).clip(lower=0.0).fillna(0.0)
    q = ((recent - 1.0) / 4.0 - drop / 4.0).clip(lower=0.0, upper=1.0)
    return q.reindex(quality_mean.index).ffill()


def sustainability(
    weeks: pd.DataFrame, budget_minutes: float, rest_weeks: Iterable[date] = ()
) -> pd.DataFrame:
    """Index and parts per week of `weeks` (columns week_start, minutes, active, quality_mean).

    `weeks` holds every week from the log's first week on, in order; `rest_weeks` are week-start dates.
    Returns float columns sustainability (0–100), sust_load, sust_rhythm, sust_rating (0–1), NaN = NA.
    """
    if not budget_minutes > 0 or math.isinf(budget_minutes):
        raise ValueError(f"weekly budget must be a positive number of minutes, got {budget_minutes!r}")
    rest_days = [pd.Timestamp(d).normalize() for d in rest_weeks]
    rest = weeks["week_start"].isin(rest_days).to_numpy() if rest_days else np.zeros(len(weeks), bool)
    out = pd.DataFrame(np.nan, index=weeks.index, columns=list(COLUMNS), dtype="float64")
    kept = weeks[~rest]
    if kept.empty:
        return out
    parts = pd.DataFrame({
        "sust_load": load_part(kept["minutes"], budget_minutes),
        "sust_rhythm": rhythm_part(kept["active"]),
        "sust_rating": rating_part(kept["quality_mean"], kept["active"]),
    })
    weights = pd.Series(WEIGHTS)
    # Weighted mean over the parts that exist (only Q can be missing, before the first rating).
    weight_sum = parts.notna().mul(weights).sum(axis=1)
    index = parts.mul(weights).sum(axis=1, min_count=1) / weight_sum
    out.loc[kept.index, list(WEIGHTS)] = parts
    out.loc[kept.index, "sustainability"] = (100.0 * index).round(1)
    return out
