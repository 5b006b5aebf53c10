"""The 12-week cycle: which week of it this is, checkpoints at weeks 4, 8 and 12, and experiment verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from kpi_core.coaching import show
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.metrics import WeeklyReport, week_start_days
from kpi_core.smoothing import DEFAULT_HALF_LIFE_WEEKS, smoothed_minutes_per_result

# The method asks for about three months before judging; checkpoints every four weeks look back on the way.
CYCLE_WEEKS = 12
CHECKPOINT_WEEKS = (4, 8, 12)
# Two weeks on each side of a comparison, so one odd week does not decide what "changed".
COMPARE_WEEKS = 2
VERDICTS = ("keep", "drop", "unclear")
# Reflection fields with a meaning here; any other field is the person's own text, kept as written.
EXPERIMENT_FIELD = "experiment"  # what to try in the coming week
REFLECTION_FIELDS = ("worked", "change", "thanks", EXPERIMENT_FIELD)  # the person's own words, in review order
VERDICT_FIELD = "verdict"  # this review's verdict on the previous review's experiment

# Figures compared at a checkpoint, and which way is better (None: neither — more minutes, actions or
# reactions is not progress in itself).
FIGURES = {
    "minutes": None, "actions": None, "reactions": None, "results": "higher", "inquiries": "higher",
    "consultations": "higher", "repeat_consultations": "higher", "referrals": "higher", "thanks": "higher",
    "solved_signals": "higher", "minutes_per_result": "lower", "smoothed_minutes_per_result": "lower",
    "quality_mean": "higher", "sustainability": "higher",
}
_PER_WEEK = ("minutes", "actions", "reactions", "results", "inquiries", "consultations", "repeat_consultations",
             "referrals", "thanks", "solved_signals")


@dataclass(frozen=True)
class CyclePosition:
    """Where a date falls in the plan: week 1 is the week holding the plan's start date."""

    week: int  # weeks since the plan began, from 1
    cycle: int  # 1 for weeks 1–12, 2 for 13–24, …
    week_in_cycle: int  # 1–12
    cycle_start: date  # the first day of this cycle's week 1

    @property
    def checkpoint(self) -> bool:
        """True on weeks 4, 8 and 12 of a cycle."""
        return self.week_in_cycle in CHECKPOINT_WEEKS

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """「1回目のサイクル:3週目/全12週」 / "Cycle 1: week 3 of 12"."""
        return t("cycle.position", lang, cycle=self.cycle, week=self.week_in_cycle, weeks=CYCLE_WEEKS)


def _week_day(day: date, week_start: int) -> int:
    return int(week_start_days([day], week_start)[0])


def _from_days(days: int) -> date:
    return date(1970, 1, 1) + timedelta(days=days)


def cycle_position(start_date: date, on: date, week_start: int = 0) -> CyclePosition | None:
    """The cycle week of `on` for a plan begun on `start_date`; None before the plan's first week.

    Calendar weeks: a rest week still counts as a week of the cycle; it is only left out of the numbers.
    """
    first = _week_day(start_date, week_start)
    week = (_week_day(on, week_start) - first) // 7 + 1
    if week < 1:
        return None
    cycle = (week - 1) // CYCLE_WEEKS + 1
    return CyclePosition(week, cycle, week - (cycle - 1) * CYCLE_WEEKS,
                         _from_days(first + 7 * CYCLE_WEEKS * (cycle - 1)))


# ---------------------------------------------------------------- reflections and verdicts


def _as_date(value: object) -> date:
    return value if isinstance(value, date) and not isinstance(value, pd.Timestamp) else pd.Timestamp(value).date()


def normalize_verdict(value: object) -> str | None:
    """"keep" / "drop" / "unclear" (any case, spaces trimmed), else None."""
    text = str(value).strip().lower() if isinstance(value, str) else ""
    return text if text in VERDICTS else None


def sorted_reflections(reflections: Mapping[object, Mapping[str, object]] | None) -> list[tuple[date, dict]]:
    """Reflections keyed by week start (date or "YYYY-MM-DD"), in week order."""
    return sorted(((_as_date(k), dict(v)) for k, v in (reflections or {}).items()), key=lambda item: item[0])


@dataclass(frozen=True)
class Experiment:
    """An experiment written in one review and the verdict a later review gave it (None: not yet)."""

    week_start: date  # the review that proposed it
    text: str
    verdict: str | None = None
    judged_in: date | None = None  # the review that gave the verdict


def experiments(reflections: Mapping[object, Mapping[str, object]] | None) -> list[Experiment]:
    """Every experiment in review order, each paired with the verdict of the next review that gave one.

    A review's verdict judges the latest earlier experiment still open; the same review may then propose a
    new one. An experiment never judged stays open (verdict None).
    """
    found: list[Experiment] = []
    open_index: int | None = None
    for week, fields in sorted_reflections(reflections):
        verdict = normalize_verdict(fields.get(VERDICT_FIELD))
        if verdict and open_index is not None:
            found[open_index] = Experiment(found[open_index].week_start, found[open_index].text, verdict, week)
            open_index = None
        text = str(fields.get(EXPERIMENT_FIELD) or "").strip()
        if text:
            found.append(Experiment(week, text))
            open_index = len(found) - 1
    return found


def last_experiment(reflections: Mapping[object, Mapping[str, object]] | None, week: date) -> Experiment | None:
    """The experiment to ask a verdict about in the review of `week`: the latest from an earlier review."""
    earlier = [e for e in experiments(reflections) if e.week_start < _as_date(week)]
    return earlier[-1] if earlier else None


# ---------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class FigureChange:
    """One figure at the start of the cycle and now; better is None when neither way is better."""

    id: str
    start: float | None
    now: float | None
    delta: float | None
    better: bool | None

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The figure's name."""
        return t(f"coaching.figure.{self.id}", lang)


@dataclass(frozen=True)
class Checkpoint:
    """What changed since the cycle began: numbers, the person's reflections and the experiments' verdicts."""

    cycle: int
    week: int  # week of the cycle, 1–12 (4, 8, 12 for the checkpoints)
    week_start: date
    start_weeks: tuple[date, ...]  # the weeks averaged as "start"
    recent_weeks: tuple[date, ...]  # the weeks averaged as "now"
    changes: tuple[FigureChange, ...]
    reflections: tuple[tuple[date, dict], ...]
    experiments: tuple[Experiment, ...]

    def verdict_counts(self) -> dict[str, int]:
        """How many experiments were kept, dropped or left unclear (open ones not counted)."""
        return {v: sum(e.verdict == v for e in self.experiments) for v in VERDICTS}

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The checkpoint's heading."""
        return t("cycle.checkpoint.title", lang, week=self.week)

    def compared(self, lang: str = DEFAULT_LANG) -> str:
        """Which weeks were compared, or that there were too few."""
        if not self.start_weeks:
            return t("cycle.checkpoint.too_short", lang)
        return t("cycle.checkpoint.compare", lang, n=len(self.start_weeks), start_from=show(self.start_weeks[0], lang),
                 recent_from=show(self.recent_weeks[0], lang))


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _span_figures(span: pd.DataFrame, smoothed: pd.Series) -> dict[str, float | None]:
    """Per-week means of counts, ratios from the span's sums, means of rating and index, smoothed at its end."""
    figures: dict[str, float | None] = {}
    for column in _PER_WEEK:
        if column in span.columns:
            figures[column] = _number(pd.array(span[column], dtype="Float64").mean())
    results = _number(pd.array(span["results"], dtype="Float64").sum())
    minutes = float(span["minutes"].sum())
    figures["minutes_per_result"] = minutes / results if results else None
    figures["smoothed_minutes_per_result"] = _number(smoothed.loc[span.index[-1]])
    figures["quality_mean"] = _number(span["quality_mean"].mean())
    figures["sustainability"] = _number(span["sustainability"].mean())
    return figures


def checkpoint(report: WeeklyReport, start_date: date, week: int, *,
               reflections: Mapping[object, Mapping[str, object]] | None = None, cycle: int = 1,
               week_start: int = 0, half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS) -> Checkpoint:
    """The checkpoint at `week` (1–12) of `cycle` for a plan begun on `start_date`.

    "Start" is the mean of the cycle's first COMPARE_WEEKS non-rest weeks in the log, "now" of the last
    ones up to the checkpoint week, never overlapping (one each with only two or three weeks, none with
    fewer). Reflections and experiments are those of the cycle's weeks up to the checkpoint.
    """
    if week not in range(1, CYCLE_WEEKS + 1) or cycle < 1:
        raise ValueError(f"a checkpoint is at week 1–{CYCLE_WEEKS} of cycle 1 or later, got {week!r}, {cycle!r}")
    begin = _week_day(start_date, week_start) + 7 * CYCLE_WEEKS * (cycle - 1)
    first, last = _from_days(begin), _from_days(begin + 7 * (week - 1))
    weeks = report.weeks.reset_index(drop=True)
    smoothed = smoothed_minutes_per_result(weeks, half_life_weeks)["smoothed_minutes_per_result"]
    days = weeks["week_start"].dt.date
    span = weeks[((days >= first) & (days <= last)).to_numpy() & ~weeks["rest"].to_numpy(dtype=bool)]
    n = min(COMPARE_WEEKS, len(span) // 2)
    start_span, recent_span = span.head(n), span.tail(n)
    changes = []
    if n:
        before, after = _span_figures(start_span, smoothed), _span_figures(recent_span, smoothed)
        for figure, direction in FIGURES.items():
            if figure not in before or figure == "results" and report.key_result in before:
                continue  # "results" repeats the key result's own column (inquiries, reactions) when shown
            old, new = before[figure], after[figure]
            delta = None if old is None or new is None else new - old
            neutral = delta is None or delta == 0 or direction is None
            better = None if neutral else (delta > 0) == (direction == "higher")
            changes.append(FigureChange(figure, old, new, delta, better))
    end = last + timedelta(days=6)
    return Checkpoint(
        cycle=cycle, week=week, week_start=last,
        start_weeks=tuple(d.date() for d in start_span["week_start"]),
        recent_weeks=tuple(d.date() for d in recent_span["week_start"]),
        changes=tuple(changes),
        reflections=tuple((d, f) for d, f in sorted_reflections(reflections) if first <= d <= end),
        experiments=tuple(e for e in experiments(reflections) if first <= e.week_start <= end),
    )


def checkpoints_due(start_date: date, on: date, week_start: int = 0) -> list[tuple[int, int]]:
    """(cycle, week) of every checkpoint reached by `on`, oldest first: the ones a review page can open."""
    position = cycle_position(start_date, on, week_start)
    if position is None:
        return []
    total = position.week
    return [(c, w) for c in range(1, position.cycle + 1) for w in CHECKPOINT_WEEKS
            if (c - 1) * CYCLE_WEEKS + w <= total]

