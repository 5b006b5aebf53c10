"""Results per hour for each action category, with late results credited to the action that earned them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.metrics import known_sum, resolve_key_result
from kpi_core.signals import DEFAULT_SOLVED_PHRASES, count_solved_signals

# A post keeps bringing inquiries for a few days; a week covers that and matches the review rhythm, so
# credit never reaches further back than the previous review.
LAG_DAYS = 7
# Rows of these categories are where results arrive (an inquiry answered by DM, the consultation itself),
# not where they were earned: their results pass to the action before them. Without this a consultation
# session logged with "1 consultation" would look like the most productive hour of the week.
ARRIVAL_CATEGORIES = ("dm", "consultation")
# Below 5 actions one lucky post decides the rate; below an hour, results per hour is extrapolated from
# minutes. Either way the category is marked thin: shown, but not to be compared with the others.
MIN_ACTIONS = 5
MIN_MINUTES = 60.0

COLUMNS = ("category", "actions", "minutes", "results", "results_logged", "results_per_hour",
           "minutes_per_result", "thin")


def credited_rows(log: pd.DataFrame, *, lag_days: int = LAG_DAYS,
                  arrival_categories: Sequence[str] = ARRIVAL_CATEGORIES) -> np.ndarray:
    """For each row (positional), the row its results are credited to.

    A row keeps its own results when it spent time (minutes > 0) and is not an arrival category. Otherwise
    — a result-only row with 0 minutes, or a DM / consultation row — its results go to the most recent
    earlier row that does keep its own, dated at most `lag_days` days before it (the same day counts;
    rows are taken in date order, then log order). With no such row within reach the results stay put.
    """
    if lag_days < 0:
        raise ValueError(f"lag_days must be 0 or more, got {lag_days!r}")
    order = np.argsort(log["date"].to_numpy(dtype="datetime64[ns]"), kind="stable")
    days = log["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    arrival = log["category"].isin(list(arrival_categories)).to_numpy()
    earns = (log["minutes"].to_numpy(dtype="float64") > 0) & ~arrival
    target = np.arange(len(log))
    last_earner = -1
    for row in order:
        if earns[row]:
            last_earner = row
        elif last_earner >= 0 and days[row] - days[last_earner] <= lag_days:
            target[row] = last_earner
    return target


def _sums(grouped, names: list[str], known: bool) -> pd.api.extensions.ExtensionArray:
    """Per name: the sum of its rows' values; NA when all its rows are NA; 0 with no rows (NA if not known)."""
    sums = grouped.sum(min_count=1).reindex(names)
    empty = grouped.size().reindex(names, fill_value=0).to_numpy() == 0
    return pd.array(sums.where(~empty, 0 if known else pd.NA), dtype="Int64")


def results_by_category(log: pd.DataFrame, *, key_result: str = "auto", key_columns: Sequence[str] | None = None,
                        lag_days: int = LAG_DAYS,
                        arrival_categories: Sequence[str] = ARRIVAL_CATEGORIES,
                        categories: Sequence[str] = (),
                        solved_phrases: Iterable[str] = DEFAULT_SOLVED_PHRASES) -> pd.DataFrame:
    """Per action category: actions, minutes, results credited, results per hour, and whether it is thin.

    `log` is the canonical log (filter its dates first for a period); `key_result` and `key_columns` as in
    weekly_metrics (a row's result is the sum of the key columns it has written; solved_signals is read from
    the memo column).
    results_logged is what was written on the category's own rows, results what `credited_rows` gives it:
    NA when every row credited to it left the count empty (unknown, not zero), 0 when no row was credited.
    results_per_hour is results / (minutes / 60) and NaN without minutes; minutes_per_result is NaN
    without results. Rows: declared `categories` first, then the others in the log, by name.
    """
    key = resolve_key_result(log, key_result)
    columns = (key,) if key_columns is None else tuple(key_columns)
    if "solved_signals" in columns and "memo" in log.columns and "solved_signals" not in log.columns:
        log = log.assign(solved_signals=count_solved_signals(log["memo"], solved_phrases))
    known = any(c in log.columns for c in columns)  # a key result the log lacks is unknown, not zero
    values = pd.array(known_sum(log, columns), dtype="Int64")
    category = log["category"].astype(str).to_numpy()
    target = credited_rows(log, lag_days=lag_days, arrival_categories=arrival_categories)
    frame = pd.DataFrame({"category": category, "credited_to": category[target], "value": values,
                          "minutes": log["minutes"].to_numpy(dtype="float64")})
    own = frame.groupby("category")
    names = list(dict.fromkeys([*categories, *sorted(set(category))]))
    table = pd.DataFrame({
        "category": names,
        "actions": own.size().reindex(names, fill_value=0).to_numpy(dtype="int64"),
        "minutes": own["minutes"].sum().reindex(names, fill_value=0.0).to_numpy(dtype="float64"),
        "results": _sums(frame.groupby("credited_to")["value"], names, known),
        "results_logged": _sums(own["value"], names, known),
    })
    results = table["results"].to_numpy(dtype="float64", na_value=np.nan)
    minutes = table["minutes"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["results_per_hour"] = np.where(minutes > 0, results / (minutes / 60.0), np.nan)
        table["minutes_per_result"] = np.where(results > 0, minutes / results, np.nan)
    table["thin"] = (table["actions"] < MIN_ACTIONS) | (table["minutes"] < MIN_MINUTES)
    return table[list(COLUMNS)]


def comparable(table: pd.DataFrame) -> bool:
    """True when at least two categories have enough data to be compared with each other."""
    return int((~table["thin"]).sum()) >= 2


def notes(table: pd.DataFrame, lang: str = DEFAULT_LANG, names: Mapping[str, str] | None = None,
          lag_days: int = LAG_DAYS) -> list[str]:
    """What to say beside the table: how late results are credited, each thin category, and whether any
    comparison is possible. `names` maps category ids to their names in `lang` (the id when missing)."""
    names = names or {}
    limits = {"min_actions": MIN_ACTIONS, "min_minutes": int(MIN_MINUTES)}
    said = [t("coaching.attribution.explain", lang, lag_days=lag_days)]
    said += [t("coaching.attribution.thin", lang, category=names.get(row.category, row.category),
               actions=row.actions, minutes=int(round(row.minutes)), **limits)
             for row in table.itertuples() if row.thin and row.actions > 0]
    if not comparable(table):
        said.append(t("coaching.attribution.not_comparable", lang, **limits))
    return said
