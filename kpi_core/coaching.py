"""Weekly coaching: a declared table of rules that read the weekly metrics and say what to try next."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpi_core.messages import DEFAULT_LANG, normalize_lang, t
from kpi_core.metrics import WeeklyReport, known_sum
from kpi_core.personas import VALUE_SIGNALS, default_catalog  # VALUE_SIGNALS: the signals' weekly sum

SEVERITIES = ("info", "warning", "praise")

# ---------------------------------------------------------------- thresholds

# Three active weeks: the shortest span in which a direction is more than one week's noise. It is also the
# default min_weeks, so every pattern has a full window once coaching speaks at all.
TREND_WEEKS = 3
# Four weeks without a value signal is a month, one checkpoint interval: long enough not to be a quiet patch.
STALE_WEEKS = 4
# Half the actions on replies and exchanges: the week is spent trading replies rather than writing for
# the one person.
EXCHANGE_SHARE = 0.5
EXCHANGE_CATEGORIES = ("reply",)
# "Reactions up": the last week of the window has at least a fifth more than the first, so a wobble of one
# or two reactions is not read as a rise.
REACTIONS_RISE = 1.2
# Ten reactions a week is enough attention that an inquiry could have come; below it "no inquiries" says
# more about reach than about trust, which stale_statement covers.
REACTIONS_PER_WEEK = 10
# Half a point on the 1–5 self-rating: more than the rounding of a few rows, less than a whole grade.
RATING_CHANGE = 0.5
# "Each result takes longer": the last week of the span needs at least a quarter more minutes per result than
# the first. A weekly count of one or two results swings by more than that, so smaller moves are noise.
COST_RISE = 1.25
# ...and at least two results in each of those weeks: with one, a single result more or less halves or doubles
# the figure, which says nothing about what a result costs.
COST_RESULTS = 2
# Chronic overload: half as much again as the person's own budget, week after week. One heavy week is a
# deadline or a launch; three running (the shortest span that is a habit rather than noise, as TREND_WEEKS)
# is a way of working that wears a person out while the rating still holds. 1.5× sits between a little over
# budget (which the sustainability index already charges) and the index's floor at twice the budget.
OVERLOAD_RATIO = 1.5
OVERLOAD_WEEKS = 3
# The person's own answer to "how tired are you this week?" (1 rested … 5 worn out): 4 and 5 mean tired.
TIRED_ANSWER = 4

# What counts as trust comes from the persona (its value signals: a homemaker's thanks and "I tried it"
# reports, a student's peer advice requests); callers without a plan get the core signals every persona has.


# ---------------------------------------------------------------- the rule table


@dataclass(frozen=True)
class Context:
    """What a rule sees: the week under review and the weeks before it, with the plan's figures."""

    week_start: date
    weeks: pd.DataFrame  # every week up to and including the one under review
    window: pd.DataFrame  # the active (actions > 0), non-rest weeks among them, oldest first
    rest: bool  # the week under review is a declared rest week
    budget_minutes: float
    vanity_columns: tuple[str, ...]
    min_weeks: int
    key_columns: tuple[str, ...]  # what the plan counts as its result
    signals: tuple[str, ...]  # the persona's value signals: evidence of trust for this person

    @property
    def current(self) -> pd.Series:
        """The row of the week under review."""
        return self.weeks.iloc[-1]

    def columns(self) -> list[str]:
        """The value-signal columns the log has, plus the key result's unless reactions stand in."""
        extra = () if self.key_columns == ("reactions",) else self.key_columns
        return [c for c in dict.fromkeys([*self.signals, *extra]) if c in self.weeks.columns]

    def signal_totals(self, frame: pd.DataFrame) -> np.ndarray:
        """Per week of `frame`, the value signals written (NaN where none of them is known)."""
        return _known_totals(frame, self.columns())


@dataclass(frozen=True)
class Rule:
    """One coaching rule: detect returns the numbers that triggered it (message params), or None."""

    id: str
    severity: str  # "info" | "warning" | "praise"
    detect: Callable[[Context], dict | None]
    message_key: str
    next_step_key: str
    yields_to: tuple[str, ...] = ()  # rules that say the same thing more precisely; if one fired, stay quiet
    figures: tuple[str, ...] = ()  # the weekly figures its message quotes, shown beside it week by week
    span: int = 0  # how many of the latest counted weeks the message speaks of (0: none)
    summary: str | None = None  # the evidence table's last row: "total" of the span, or "before" (mean so far)


def _known_totals(window: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Per week, the sum of the known values of `columns`; NaN when all are unknown (NA is not zero)."""
    return known_sum(window, columns).to_numpy(dtype="float64", na_value=np.nan)


def _all_zero(totals: np.ndarray) -> bool:
    return len(totals) > 0 and not np.isnan(totals).any() and bool((totals == 0).all())


def _int(value: object) -> int:
    return int(round(float(value)))


def _one(value: float) -> float:
    return round(float(value), 1)


def _count(value: float) -> int | float:
    """A mean of counts: whole numbers stay whole ("8", not "8.0")."""
    rounded = _one(value)
    return int(rounded) if rounded.is_integer() else rounded


def _interaction_treadmill(ctx: Context) -> dict | None:
    window = ctx.window.tail(TREND_WEEKS)
    if len(window) < TREND_WEEKS:
        return None
    exchanges = sum(int(window[f"actions_{c}"].sum()) for c in EXCHANGE_CATEGORIES if f"actions_{c}" in window)
    actions = int(window["actions"].sum())
    first, last = (_int(window["reactions"].iloc[i]) for i in (0, -1))
    rising = last > first and last >= first * REACTIONS_RISE
    if exchanges < EXCHANGE_SHARE * actions or not rising:
        return None
    if not _all_zero(ctx.signal_totals(window)):
        return None
    return {"weeks": len(window), "exchanges": exchanges, "actions": actions,
            "share": _int(100 * exchanges / actions), "minutes": _int(window["minutes"].sum()),
            "reactions_from": first, "reactions_to": last}


def _empathy_without_trust(ctx: Context) -> dict | None:
    window = ctx.window.tail(TREND_WEEKS)
    if len(window) < TREND_WEEKS:
        return None
    reactions = _int(window["reactions"].sum())
    if reactions < REACTIONS_PER_WEEK * len(window):
        return None
    if not _all_zero(ctx.signal_totals(window)):
        return None
    return {"weeks": len(window), "reactions": reactions}


def _overload_run(ctx: Context) -> pd.DataFrame | None:
    """The last OVERLOAD_WEEKS non-rest weeks (the one under review last) when each had at least
    OVERLOAD_RATIO × the budget in minutes; None otherwise. A week without activity breaks the run."""
    weeks = ctx.weeks
    rest = weeks["rest"].to_numpy(dtype=bool) if "rest" in weeks.columns else np.zeros(len(weeks), bool)
    # Active weeks left out of the window are rest weeks given to coach only: skipped like the others.
    working = ~rest & (weeks["week_start"].isin(ctx.window["week_start"]) | (weeks["actions"] == 0)).to_numpy()
    run = weeks[working].tail(OVERLOAD_WEEKS)
    if len(run) < OVERLOAD_WEEKS or run["week_start"].iloc[-1] != ctx.current["week_start"]:
        return None
    return run if bool((run["minutes"] >= OVERLOAD_RATIO * ctx.budget_minutes).all()) else None


def _burnout_risk(ctx: Context) -> dict | None:
    """Three cases, the first that holds: chronic overload (params case="overload"), the rating falling
    while over budget (no case), or the person saying they are tired while over budget (case="tired")."""
    week = ctx.current
    window = ctx.window.tail(TREND_WEEKS)
    if window.empty or window["week_start"].iloc[-1] != week["week_start"]:
        return None  # the week under review has no activity: nothing to wear out on
    budget = _int(ctx.budget_minutes)
    run = _overload_run(ctx)
    if run is not None:
        return {"case": "overload", "weeks": len(run), "least": _int(run["minutes"].min()),
                "minutes": _int(week["minutes"]), "budget": budget, "ratio": OVERLOAD_RATIO,
                "limit": _int(OVERLOAD_RATIO * ctx.budget_minutes)}
    if not week["minutes"] > ctx.budget_minutes:
        return None
    over = {"minutes": _int(week["minutes"]), "budget": budget, "over": _int(week["minutes"] - ctx.budget_minutes)}
    rating_from, rating_to = window["quality_mean"].iloc[0], window["quality_mean"].iloc[-1]
    if len(window) >= 2 and rating_from - rating_to >= RATING_CHANGE:
        return {**over, "rating_from": _one(rating_from), "rating_to": _one(rating_to)}
    fatigue = week.get("fatigue")
    if fatigue is not None and not pd.isna(fatigue) and fatigue >= TIRED_ANSWER:
        return {"case": "tired", **over, "fatigue": _int(fatigue)}
    return None


def _quality_over_quantity(ctx: Context) -> dict | None:
    window = ctx.window.tail(TREND_WEEKS)
    if len(window) < 2 or window["week_start"].iloc[-1] != ctx.current["week_start"]:
        return None
    now, before = window.iloc[-1], window.iloc[:-1]
    if before["results"].isna().any() or pd.isna(now["results"]) or not now["results"] > 0:
        return None
    if not now["minutes"] > 0 or not before["minutes"].sum() > 0:
        return None
    actions_from, rating_from = before["actions"].mean(), before["quality_mean"].mean()
    per_hour_from = float(before["results"].sum()) / (float(before["minutes"].sum()) / 60.0)
    per_hour_to = float(now["results"]) / (float(now["minutes"]) / 60.0)
    if not (now["actions"] < actions_from and now["quality_mean"] >= rating_from + RATING_CHANGE
            and per_hour_to > per_hour_from):
        return None
    return {"weeks": len(before), "actions_from": _count(actions_from), "actions_to": int(now["actions"]),
            "rating_from": _one(rating_from), "rating_to": _one(now["quality_mean"]),
            "per_hour_from": round(per_hour_from, 2), "per_hour_to": round(per_hour_to, 2)}


def _stale_statement(ctx: Context) -> dict | None:
    window = ctx.window.tail(STALE_WEEKS)
    if len(window) < STALE_WEEKS or not _all_zero(ctx.signal_totals(window)):
        return None
    return {"weeks": len(window), "actions": int(window["actions"].sum()), "minutes": _int(window["minutes"].sum())}


def _recent_results(ctx: Context) -> tuple[pd.DataFrame, dict] | None:
    """The span the all-is-well rules speak of, with its signals and minutes per result at both ends."""
    window = ctx.window.tail(TREND_WEEKS)
    if len(window) < TREND_WEEKS or window["week_start"].iloc[-1] != ctx.current["week_start"]:
        return None
    signals = ctx.signal_totals(window)
    if np.isnan(signals).all() or not np.nansum(signals) > 0:
        return None  # nothing arrived: not a week to call steady (stale_statement speaks after four)
    first, last = (_number(window["minutes_per_result"].iloc[i]) for i in (0, -1))
    params = {"weeks": len(window), "signals": _int(np.nansum(signals))}
    if first is None or last is None:  # a week without a result: say what arrived, not a cost
        return window, {"case": "signals_only", **params}
    return window, {**params, "mpr_from": first, "mpr_to": last}


def _costlier(window: pd.DataFrame, params: dict) -> bool:
    if "mpr_from" not in params:
        return False
    ends = window["results"].iloc[[0, -1]].astype("Float64")
    enough = bool((ends >= COST_RESULTS).all())
    return enough and params["mpr_to"] >= params["mpr_from"] * COST_RISE


def _steady(ctx: Context) -> dict | None:
    found = _recent_results(ctx)
    return None if found is None or _costlier(*found) else found[1]


def _rising_cost(ctx: Context) -> dict | None:
    found = _recent_results(ctx)
    return found[1] if found is not None and _costlier(*found) else None


def _number(value: object) -> float | None:
    """A minutes-per-result figure as quoted: one decimal; None when the week had no result."""
    return None if value is None or pd.isna(value) else _one(value)


def _vanity_drift(ctx: Context) -> dict | None:
    return {"columns": list(ctx.vanity_columns)} if ctx.vanity_columns else None


def _not_enough_data(ctx: Context) -> dict | None:
    weeks = len(ctx.window)
    return {"weeks": weeks, "needed": ctx.min_weeks} if weeks < ctx.min_weeks else None


def _rest_week(ctx: Context) -> dict | None:
    return {"week": ctx.week_start} if ctx.rest else None


def _rule(id: str, severity: str, detect: Callable[[Context], dict | None], yields_to=(), *, figures=(),
          span: int = 0, summary: str | None = None) -> Rule:
    return Rule(id, severity, detect, f"coaching.{id}.message", f"coaching.{id}.next", tuple(yields_to),
                tuple(figures), span, summary)


# Patterns and praise that, when one fired, leave nothing for the all-is-well rules to add.
_PATTERNS = ("burnout_risk", "interaction_treadmill", "empathy_without_trust", "stale_statement",
             "quality_over_quantity")


# Order matters only for yields_to: a rule is listed after the rules it yields to.
RULES: tuple[Rule, ...] = (
    _rule("rest_week", "info", _rest_week),
    _rule("not_enough_data", "info", _not_enough_data),
    _rule("vanity_drift", "info", _vanity_drift),
    _rule("burnout_risk", "warning", _burnout_risk, figures=("minutes", "quality_mean", "fatigue"), span=TREND_WEEKS),
    _rule("interaction_treadmill", "warning", _interaction_treadmill,
          figures=("actions", "actions_reply", "minutes", "reactions", VALUE_SIGNALS), span=TREND_WEEKS,
          summary="total"),
    _rule("empathy_without_trust", "warning", _empathy_without_trust, ["interaction_treadmill"],
          figures=("reactions", VALUE_SIGNALS), span=TREND_WEEKS, summary="total"),
    _rule("stale_statement", "warning", _stale_statement, ["interaction_treadmill", "empathy_without_trust"],
          figures=("actions", "minutes", VALUE_SIGNALS), span=STALE_WEEKS, summary="total"),
    _rule("quality_over_quantity", "praise", _quality_over_quantity,
          figures=("actions", "quality_mean", "results", "minutes", "results_per_hour"), span=TREND_WEEKS,
          summary="before"),
    _rule("rising_cost", "info", _rising_cost, _PATTERNS,
          figures=("minutes", "results", "minutes_per_result", VALUE_SIGNALS), span=TREND_WEEKS,
          summary="total"),
    _rule("steady", "praise", _steady, _PATTERNS,
          figures=("minutes", "results", "minutes_per_result", VALUE_SIGNALS), span=TREND_WEEKS,
          summary="total"),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


# ---------------------------------------------------------------- messages


def show(value: object, lang: str = DEFAULT_LANG) -> str:
    """A param as text: lists joined the way the language quotes them, dates short, numbers plain."""
    lang = normalize_lang(lang)
    if value is None or value is pd.NA or isinstance(value, float) and math.isnan(value):
        return "—"
    if isinstance(value, Weeks):  # the year once when both weeks share it
        first, last = show(value.first, lang), show(value.last, lang)
        if value.first.year == value.last.year:
            first = first.removesuffix(f", {value.first.year}") if lang == "en" else first
            last = last.removeprefix(f"{value.last.year}年") if lang == "ja" else last
        return f"{first}〜{last}" if lang == "ja" else f"{first} – {last}"
    if isinstance(value, (list, tuple)):
        return "".join(f"「{v}」" for v in value) if lang == "ja" else ", ".join(f"“{v}”" for v in value)
    if isinstance(value, date):
        if lang == "ja":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value:%b} {value.day}, {value.year}"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if isinstance(value, (int, np.integer)) or float(value).is_integer() and abs(value) >= 10:
        return f"{int(value):,}"
    return f"{value:,.1f}" if round(float(value), 1) == float(value) else f"{value:,.2f}"


@dataclass(frozen=True)
class Weeks:
    """The weeks a message speaks of, from the start of the first to the start of the last."""

    first: date
    last: date


@dataclass(frozen=True)
class CoachingMessage:
    """A rule that fired for a week, with the numbers that triggered it; rendered late in any language."""

    rule: str
    week_start: date
    severity: str
    params: dict = field(default_factory=dict)
    lang: str = DEFAULT_LANG  # the language used when none is given
    # The weeks the message speaks of, figure by figure, as its numbers were read: (row, {figure: value})
    # where row is a week's start date, "total" or "before" (the mean of the weeks before the last).
    evidence: tuple[tuple[object, dict], ...] = ()

    def evidence_table(self, lang: str | None = None) -> list[dict[str, str]]:
        """The evidence as rows of text keyed by column name in `lang`, numbers shown as the message shows them."""
        lang = lang or self.lang
        week = t("coaching.evidence.week", lang)
        rows = []
        for row, figures in self.evidence:
            label = show(row, lang) if isinstance(row, date) else t(f"coaching.evidence.{row}", lang)
            rows.append({week: label, **{t(f"coaching.figure.{k}", lang): show(v, lang) for k, v in figures.items()}})
        return rows

    def _text(self, key: str, lang: str | None) -> str:
        lang = lang or self.lang
        return t(key, lang, **{name: show(value, lang) for name, value in self.params.items()})

    def title(self, lang: str | None = None) -> str:
        """The rule's short name."""
        return t(f"coaching.{self.rule}.title", lang or self.lang)

    def message(self, lang: str | None = None) -> str:
        """What was seen, quoting the person's own numbers."""
        key = RULES_BY_ID[self.rule].message_key
        case = self.params.get("case")  # a rule that fires for several reasons words each in <key>.<case>
        return self._text(f"{key}.{case}" if case else key, lang)

    def next_step(self, lang: str | None = None) -> str:
        """What to try next."""
        return self._text(RULES_BY_ID[self.rule].next_step_key, lang)

    def as_dict(self, lang: str | None = None) -> dict:
        """The form `kpi-coach report --json` prints under "coaching"."""
        return {"rule": self.rule, "week_start": self.week_start.isoformat(), "severity": self.severity,
                "message": self.message(lang)}


# ---------------------------------------------------------------- coach


def _day(value: object) -> date:
    return pd.Timestamp(value).date()


# How each figure is rounded where a message quotes it, so the table beside it shows the very same number.
_ROUNDING: dict[str, Callable[[float], float]] = {
    "quality_mean": _one, "minutes_per_result": _one, "results_per_hour": lambda v: round(float(v), 2),
}


def _quoted(figure: str, value: object, mean: bool = False) -> object:
    if value is None or pd.isna(value):
        return None
    return _ROUNDING.get(figure, _count if mean else _int)(value)


def _ratios(sums: dict) -> dict:
    """Minutes per result and results per hour of summed minutes and results (not a sum of weekly ratios)."""
    minutes, results = sums.get("minutes"), sums.get("results")
    if minutes is None or results is None or pd.isna(minutes) or pd.isna(results):
        return {}
    return {"minutes_per_result": minutes / results if results > 0 else None,
            "results_per_hour": results / (minutes / 60.0) if minutes > 0 else None}


def _evidence(rule: Rule, ctx: Context) -> tuple[tuple[object, dict], ...]:
    """The rule's span, week by week, with the summary row its message quotes from."""
    if not rule.span or not rule.figures:
        return ()
    window = ctx.window.tail(rule.span).copy()
    window[VALUE_SIGNALS] = ctx.signal_totals(window)
    # A figure the log never holds for these weeks (no fatigue answered) would be a column of dashes.
    figures = [f for f in rule.figures if f in window.columns and window[f].notna().any()]
    rows: list[tuple[object, dict]] = [
        (_day(week["week_start"]), {f: _quoted(f, week[f]) for f in figures}) for _, week in window.iterrows()]
    if not rule.summary:
        return tuple(rows)
    # "total": sums over the span. "before": means of the weeks before the last, which the message sets
    # against the last week. Rates are taken from summed minutes and results, never averaged.
    mean = rule.summary == "before"
    part = window.iloc[:-1] if mean else window
    values = {f: pd.array(part[f], dtype="Float64") for f in figures}
    summary = {f: v.mean() if mean else v.sum() for f, v in values.items()}
    totals = {f: pd.array(part[f], dtype="Float64").sum() for f in ("minutes", "results") if f in part}
    summary.update({f: v for f, v in _ratios(totals).items() if f in figures})
    row = (rule.summary, {f: _quoted(f, v, mean) for f, v in summary.items()})
    return tuple(rows[:-1] + [row, rows[-1]] if mean else rows + [row])


def _rest_mask(weeks: pd.DataFrame, rest_weeks: Iterable[date]) -> np.ndarray:
    """The report's rest flags, plus every week holding one of `rest_weeks` (any day of the week)."""
    rest = weeks["rest"].to_numpy(dtype=bool).copy() if "rest" in weeks.columns else np.zeros(len(weeks), bool)
    starts = [_day(s) for s in weeks["week_start"]]
    for day in (_day(d) for d in rest_weeks):
        rest |= np.array([s <= day < s + timedelta(days=7) for s in starts], dtype=bool)
    return rest


def coach(report: WeeklyReport, *, budget_minutes: float, rest_weeks: Iterable[date] = (),
          vanity_columns: Sequence[str] = (), lang: str = DEFAULT_LANG, min_weeks: int = TREND_WEEKS,
          week: date | None = None, signals: Sequence[str] | None = None) -> list[CoachingMessage]:
    """The messages for the week under review (the report's last week, or the week holding `week`).

    Only weeks up to that one are read. Weeks that count towards a pattern are active (some action) and not
    declared rest. Info rules always run; warning and praise rules stay quiet on a rest week (rest is never
    judged) and while fewer than `min_weeks` weeks count (not_enough_data says so instead of guessing).
    A rule stays quiet when a rule it yields to fired. Messages come in RULES order; none for an empty log.
    `signals` are the persona's value signals (default: those of the plan the log holds, else the core set).
    Each message names the weeks it speaks of (param `window`) and carries them as its evidence.
    """
    if not budget_minutes > 0 or math.isinf(budget_minutes):
        raise ValueError(f"weekly budget must be a positive number of minutes, got {budget_minutes!r}")
    if min_weeks < 1:
        raise ValueError(f"min_weeks must be at least 1, got {min_weeks!r}")
    weeks = report.weeks.reset_index(drop=True)
    if weeks.empty:
        return []
    rest = _rest_mask(weeks, rest_weeks)
    if week is not None:
        keep = (weeks["week_start"] <= pd.Timestamp(week)).to_numpy()
        weeks, rest = weeks[keep], rest[keep]
        if weeks.empty:
            return []
    active = (weeks["actions"] > 0).to_numpy() & ~rest
    ctx = Context(
        week_start=_day(weeks["week_start"].iloc[-1]), weeks=weeks, window=weeks[active], rest=bool(rest[-1]),
        budget_minutes=float(budget_minutes), vanity_columns=tuple(dict.fromkeys(vanity_columns)),
        min_weeks=min_weeks, key_columns=tuple(report.key_columns) or (report.key_result,),
        signals=tuple(signals if signals is not None else _signals_of(report)),
    )
    judged = not ctx.rest and len(ctx.window) >= min_weeks
    messages: list[CoachingMessage] = []
    for rule in RULES:
        if rule.severity != "info" and not judged:
            continue
        if any(m.rule in rule.yields_to for m in messages):
            continue
        params = rule.detect(ctx)
        if params is None:
            continue
        evidence = _evidence(rule, ctx)
        weeks_quoted = [row for row, _ in evidence if isinstance(row, date)]
        if weeks_quoted:
            params = {**params, "window": Weeks(weeks_quoted[0], weeks_quoted[-1])}
        messages.append(CoachingMessage(rule.id, ctx.week_start, rule.severity, params, normalize_lang(lang),
                                        evidence))
    return messages


def _signals_of(report: WeeklyReport) -> tuple[str, ...]:
    if report.measures is not None:  # the signals the log holds: one it never records is unknown, not zero
        return tuple(report.measures.held)
    catalog = default_catalog()
    return catalog.core_signals


def vanity_headers(file_reports: Iterable) -> list[str]:
    """The vanity columns (followers, impressions…) the reader left out of these files, each header once."""
    headers = (c.header for r in file_reports for c in r.ignored_columns if c.reason == "vanity")
    return list(dict.fromkeys(headers))
