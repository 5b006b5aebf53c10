"""Weekly coaching: a declared table of rules that read the weekly metrics and say what to try next."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpi_core.messages import DEFAULT_LANG, normalize_lang, t
from kpi_core.metrics import WeeklyReport

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

# Signals that someone wants the person's help (trust), and every value signal (trust plus gratitude and
# problem-solved memos). The plan's key result counts as both unless it is plain reactions.
TRUST_SIGNALS = ("inquiries", "consultations", "repeat_consultations", "referrals")
VALUE_SIGNALS = (*TRUST_SIGNALS, "thanks", "solved_signals")


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
    key_result: str

    @property
    def current(self) -> pd.Series:
        """The row of the week under review."""
        return self.weeks.iloc[-1]

    def columns(self, signals: Sequence[str]) -> list[str]:
        """The signal columns the log has, plus the key result when it is a value signal."""
        extra = () if self.key_result == "reactions" else (self.key_result,)
        return [c for c in dict.fromkeys([*signals, *extra]) if c in self.weeks.columns]


@dataclass(frozen=True)
class Rule:
    """One coaching rule: detect returns the numbers that triggered it (message params), or None."""

    id: str
    severity: str  # "info" | "warning" | "praise"
    detect: Callable[[Context], dict | None]
    message_key: str
    next_step_key: str
    yields_to: tuple[str, ...] = ()  # rules that say the same thing more precisely; if one fired, stay quiet


def _known_totals(window: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Per week, the sum of the known values of `columns`; NaN when all are unknown (NA is not zero)."""
    if not columns:
        return np.full(len(window), np.nan)
    values = window[list(columns)].astype("Float64")
    return values.sum(axis=1, min_count=1).to_numpy(dtype="float64", na_value=np.nan)


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
    if not _all_zero(_known_totals(window, ctx.columns(TRUST_SIGNALS))):
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
    if not _all_zero(_known_totals(window, ctx.columns(TRUST_SIGNALS))):
        return None
    return {"weeks": len(window), "reactions": reactions, "per_week": _count(reactions / len(window))}


def _burnout_risk(ctx: Context) -> dict | None:
    week = ctx.current
    window = ctx.window.tail(TREND_WEEKS)
    if len(window) < 2 or window["week_start"].iloc[-1] != week["week_start"]:
        return None  # the week under review has no activity: nothing to wear out on
    rating_from, rating_to = window["quality_mean"].iloc[0], window["quality_mean"].iloc[-1]
    if not week["minutes"] > ctx.budget_minutes or not rating_from - rating_to >= RATING_CHANGE:
        return None
    return {"minutes": _int(week["minutes"]), "budget": _int(ctx.budget_minutes),
            "over": _int(week["minutes"] - ctx.budget_minutes),
            "rating_from": _one(rating_from), "rating_to": _one(rating_to)}


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
    if len(window) < STALE_WEEKS or not _all_zero(_known_totals(window, ctx.columns(VALUE_SIGNALS))):
        return None
    return {"weeks": len(window), "actions": int(window["actions"].sum()), "minutes": _int(window["minutes"].sum())}


def _vanity_drift(ctx: Context) -> dict | None:
    return {"columns": list(ctx.vanity_columns)} if ctx.vanity_columns else None


def _not_enough_data(ctx: Context) -> dict | None:
    weeks = len(ctx.window)
    return {"weeks": weeks, "needed": ctx.min_weeks} if weeks < ctx.min_weeks else None


def _rest_week(ctx: Context) -> dict | None:
    return {"week": ctx.week_start} if ctx.rest else None


def _rule(id: str, severity: str, detect: Callable[[Context], dict | None], yields_to=()) -> Rule:
    return Rule(id, severity, detect, f"coaching.{id}.message", f"coaching.{id}.next", tuple(yields_to))


# Order matters only for yields_to: a rule is listed after the rules it yields to.
RULES: tuple[Rule, ...] = (
    _rule("rest_week", "info", _rest_week),
    _rule("not_enough_data", "info", _not_enough_data),
    _rule("vanity_drift", "info", _vanity_drift),
    _rule("burnout_risk", "warning", _burnout_risk),
    _rule("interaction_treadmill", "warning", _interaction_treadmill),
    _rule("empathy_without_trust", "warning", _empathy_without_trust, ["interaction_treadmill"]),
    _rule("stale_statement", "warning", _stale_statement, ["interaction_treadmill", "empathy_without_trust"]),
    _rule("quality_over_quantity", "praise", _quality_over_quantity),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


# ---------------------------------------------------------------- messages


def show(value: object, lang: str = DEFAULT_LANG) -> str:
    """A param as text: lists joined the way the language quotes them, dates short, numbers plain."""
    lang = normalize_lang(lang)
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
class CoachingMessage:
    """A rule that fired for a week, with the numbers that triggered it; rendered late in any language."""

    rule: str
    week_start: date
    severity: str
    params: dict = field(default_factory=dict)
    lang: str = DEFAULT_LANG  # the language used when none is given

    def _text(self, key: str, lang: str | None) -> str:
        lang = lang or self.lang
        return t(key, lang, **{name: show(value, lang) for name, value in self.params.items()})

    def title(self, lang: str | None = None) -> str:
        """The rule's short name."""
        return t(f"coaching.{self.rule}.title", lang or self.lang)

    def message(self, lang: str | None = None) -> str:
        """What was seen, quoting the person's own numbers."""
        return self._text(RULES_BY_ID[self.rule].message_key, lang)

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


def _rest_mask(weeks: pd.DataFrame, rest_weeks: Iterable[date]) -> np.ndarray:
    """The report's rest flags, plus every week holding one of `rest_weeks` (any day of the week)."""
    rest = weeks["rest"].to_numpy(dtype=bool).copy() if "rest" in weeks.columns else np.zeros(len(weeks), bool)
    starts = [_day(s) for s in weeks["week_start"]]
    for day in (_day(d) for d in rest_weeks):
        rest |= np.array([s <= day < s + timedelta(days=7) for s in starts], dtype=bool)
    return rest


def coach(report: WeeklyReport, *, budget_minutes: float, rest_weeks: Iterable[date] = (),
          vanity_columns: Sequence[str] = (), lang: str = DEFAULT_LANG, min_weeks: int = TREND_WEEKS,
          week: date | None = None) -> list[CoachingMessage]:
    """The messages for the week under review (the report's last week, or the week holding `week`).

    Only weeks up to that one are read. Weeks that count towards a pattern are active (some action) and not
    declared rest. Info rules always run; warning and praise rules stay quiet on a rest week (rest is never
    judged) and while fewer than `min_weeks` weeks count (not_enough_data says so instead of guessing).
    A rule stays quiet when a rule it yields to fired. Messages come in RULES order; none for an empty log.
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
        min_weeks=min_weeks, key_result=report.key_result,
    )
    judged = not ctx.rest and len(ctx.window) >= min_weeks
    messages: list[CoachingMessage] = []
    for rule in RULES:
        if rule.severity != "info" and not judged:
            continue
        if any(m.rule in rule.yields_to for m in messages):
            continue
        params = rule.detect(ctx)
        if params is not None:
            messages.append(CoachingMessage(rule.id, ctx.week_start, rule.severity, params, normalize_lang(lang)))
    return messages


def vanity_headers(file_reports: Iterable) -> list[str]:
    """The vanity columns (followers, impressions…) the reader left out of these files, each header once."""
    headers = (c.header for r in file_reports for c in r.ignored_columns if c.reason == "vanity")
    return list(dict.fromkeys(headers))
