"""The weekly sustainability index (継続可能性指数): can this person keep going without wearing out?

For each week that is not a declared rest week, up to four parts, each 0–1 (1 = the most room to spare):

- load B: 1 while minutes ≤ budget; above it, 2 − minutes / budget, floored at 0 (0 at twice the budget).
  The budget is the person's own design choice, so only going over it costs anything.
- rhythm R: the share of the last 4 non-rest weeks (this one included, none before the log began) that had
  any activity. A skipped week lowers R for four weeks; the first weeks count only the weeks there are.
- rating Q: with L = the mean weekly self-rating (1–5) of the last 2 rated active weeks up to this one, and
  P = the same over the 2 rated active weeks before those, Q = (L − 1) / 4 − max(0, P − L) / 4, clipped to
  [0, 1]. A falling rating is a burnout sign, so the drop is charged on top of the level.
- fatigue F: the person's own answer to "how tired are you this week?" (1 = rested … 5 = worn out),
  F = (5 − fatigue) / 4. Only the week's own answer counts; a week without one has no F (never carried over).

index = round(100 × Σ wᵢ·partᵢ / Σ wᵢ, 1) over the parts the week has, with the weights in WEIGHTS
(B 0.4, R 0.3, Q 0.3, F 0.4). B and R always exist; Q is NA before the first rating and F when the week has
no fatigue answer, and a missing part simply leaves the mean: a week without a fatigue answer scores
exactly as 100 × (0.4·B + 0.3·R + 0.3·Q), and before any rating as (0.4·B + 0.3·R) / 0.7.
Rest weeks get no index and no parts (NA) and are skipped by R and Q, so declared rest never costs.
`shares()` gives each part's share of a week's index, for the page that explains it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from kpi_core.messages import t

# Load, rhythm and rating keep the weights they always had. Fatigue weighs as much as load, the most:
# it is the person's own direct answer to the articles' test (「自分が疲弊せずに続けられているか」), where
# the other parts are signs read from the log (time against a budget, the rhythm, a rating of value).
WEIGHTS = {"sust_load": 0.4, "sust_rhythm": 0.3, "sust_rating": 0.3, "sust_fatigue": 0.4}
RHYTHM_WEEKS = 4
RATING_WEEKS = 2
FATIGUE_LEVELS = range(1, 6)  # 1 = rested … 5 = worn out
COLUMNS = ("sustainability", "sust_load", "sust_rhythm", "sust_rating", "sust_fatigue")


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


def fatigue_part(fatigue: pd.Series) -> pd.Series:
    """F: (5 − answer) / 4 for an answer 1–5 (1 rested → 1.0, 5 worn out → 0.0); NA otherwise."""
    answer = pd.to_numeric(fatigue, errors="coerce").astype("float64")
    answer = answer.where(answer.isin([float(level) for level in FATIGUE_LEVELS]))
    return (5.0 - answer) / 4.0


def shares(present: Iterable[str] = tuple(WEIGHTS)) -> dict[str, int]:
    """Each part's share of the index in whole percent when the parts in `present` exist (0 for the others).

    shares() = all four parts; shares(["sust_load", "sust_rhythm", "sust_rating"]) = 40 / 30 / 30 / 0.
    """
    present = [part for part in WEIGHTS if part in set(present)]
    total = sum(WEIGHTS[part] for part in present)
    exact = {part: round(100 * WEIGHTS[part] / total, 9) if part in present else 0.0 for part in WEIGHTS}
    whole = {part: math.floor(value) for part, value in exact.items()}
    # The points lost to rounding down go to the largest remainders, so the shown shares add up to 100.
    short = (100 - sum(whole.values())) if present else 0
    for part in sorted(present, key=lambda p: whole[p] - exact[p])[:short]:
        whole[part] += 1
    return whole


def help_shares() -> dict[str, int]:
    """The shares the index's explanation quotes, by plain name (load, rhythm, rating, fatigue): with all four
    parts, and as <name>_alone the three a week without a fatigue answer is made of."""
    every = shares()
    alone = shares([part for part in WEIGHTS if part != "sust_fatigue"])
    named = {part.removeprefix("sust_"): share for part, share in every.items()}
    named.update({f"{part.removeprefix('sust_')}_alone": share for part, share in alone.items() if share})
    return named


def explain_parts(week: pd.Series, lang: str) -> str:
    """One week's index part by part, with each part's share from WEIGHTS over the parts the week has."""
    def part(name: str) -> str:
        value = week.get(name)
        if value is not None and not pd.isna(value):
            return f"{value:.2f}"
        return t("dashboard.sustainability.no_answer", lang) if name == "sust_fatigue" else "—"

    present = [name for name in WEIGHTS if not pd.isna(week.get(name))]
    share = {f"{name.removeprefix('sust_')}_share": value for name, value in shares(present).items()}
    return t("dashboard.sustainability.explain", lang, load=part("sust_load"), rhythm=part("sust_rhythm"),
             rating=part("sust_rating"), fatigue=part("sust_fatigue"), rhythm_weeks=RHYTHM_WEEKS, **share)


def sustainability(
    weeks: pd.DataFrame, budget_minutes: float, rest_weeks: Iterable[date] = ()
) -> pd.DataFrame:
    """Index and parts per week of `weeks` (columns week_start, minutes, active, quality_mean, and optionally
    fatigue: the week's answer 1–5, NaN when not given).

    `weeks` holds every week from the log's first week on, in order; `rest_weeks` are week-start dates.
    Returns float columns sustainability (0–100), sust_load, sust_rhythm, sust_rating, sust_fatigue (0–1),
    NaN = NA.
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
        "sust_fatigue": fatigue_part(kept["fatigue"]) if "fatigue" in kept.columns else np.nan,
    })
    weights = pd.Series(WEIGHTS)
    # Weighted mean over the parts that exist (Q before the first rating, F without an answer can be NA).
    weight_sum = parts.notna().mul(weights).sum(axis=1)
    index = parts.mul(weights).sum(axis=1, min_count=1) / weight_sum
    out.loc[kept.index, list(WEIGHTS)] = parts
    out.loc[kept.index, "sustainability"] = (100.0 * index).round(1)
    return out
