"""The end of a 12-week cycle: its story (the first four weeks against the last four) and what to do next.

The story is data (numbers, weeks, experiments), rendered late in the UI language. The decision taken at
the end of a cycle is kept in the plan (`Plan.cycle_decisions`), so the next cycle starts from it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpi_core.coaching import show
from kpi_core.cycle import (
    CHECKPOINT_WEEKS,
    CYCLE_WEEKS,
    VERDICTS,
    CyclePosition,
    Experiment,
    experiments,
    sorted_reflections,
)
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.metrics import week_start_days
from kpi_core.plan import CYCLE_DECISIONS, CycleDecision, Plan, statement_sentence
from kpi_core.report import column_label

# Four weeks on each side: one checkpoint interval, long enough that one odd week does not tell the story.
STORY_WEEKS = 4
# The story can be opened once there is more than one checkpoint interval to compare.
ON_DEMAND_AFTER = CHECKPOINT_WEEKS[0]
# Which way is better for each figure (None: neither — more minutes is not progress in itself).
_LOWER, _HIGHER = "lower", "higher"
# Where each decision leads next (a page id of the app).
NEXT_PAGE = {"keep": "log", "rewrite": "define", "change_kpis": "persona"}

Names = Mapping[str, object]  # column id -> a name, or {ja, en}


@dataclass(frozen=True)
class StoryFigure:
    """One figure over the first weeks and over the last ones (None: not known for those weeks)."""

    id: str  # "minutes", "minutes_per_result", "results", a value-signal column id, "yen_per_hour", "fatigue"
    first: float | None
    last: float | None
    direction: str | None  # "higher" | "lower" | None

    @property
    def better(self) -> bool | None:
        """True when the last weeks are better, False when worse, None when unchanged, unknown or neutral."""
        if self.first is None or self.last is None or self.first == self.last or self.direction is None:
            return None
        return (self.last > self.first) == (self.direction == _HIGHER)


def _name(column: str, lang: str, names: Names | None) -> str:
    given = (names or {}).get(column)
    if isinstance(given, Mapping):
        given = given.get(lang) or given.get(DEFAULT_LANG)
    return str(given) if given else column_label(column, lang)


@dataclass(frozen=True)
class CycleStory:
    """The cycle told in numbers: first weeks against last weeks, and the experiments with their verdicts."""

    cycle: int
    week: int  # the week of the cycle the story runs to (12 at the end)
    first_weeks: tuple[date, ...]
    last_weeks: tuple[date, ...]
    key_result: str
    figures: tuple[StoryFigure, ...]
    experiments: tuple[Experiment, ...]
    reflections: tuple[tuple[date, dict], ...]

    def figure(self, figure_id: str) -> StoryFigure | None:
        """A figure by id."""
        return next((f for f in self.figures if f.id == figure_id), None)

    def verdict_counts(self) -> dict[str, int]:
        """How many experiments were kept, dropped or left unclear (open ones not counted)."""
        return {v: sum(e.verdict == v for e in self.experiments) for v in VERDICTS}

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The heading: the whole cycle at its end, the weeks so far before it."""
        if self.week >= CYCLE_WEEKS:
            return t("story.title.end", lang, cycle=self.cycle, weeks=CYCLE_WEEKS)
        return t("story.title.so_far", lang, cycle=self.cycle, week=self.week)

    def compared(self, lang: str = DEFAULT_LANG) -> str:
        """Which weeks were compared, or that there were too few."""
        if not self.first_weeks:
            return t("cycle.checkpoint.too_short", lang)
        return t("story.compare", lang, n=len(self.first_weeks), first_from=show(self.first_weeks[0], lang),
                 last_from=show(self.last_weeks[0], lang))

    def verdicts(self, lang: str = DEFAULT_LANG) -> str:
        """「実験の判定:続ける1件・…」 over the cycle's experiments."""
        return t("cycle.checkpoint.verdicts", lang, **self.verdict_counts())

    def label(self, figure: StoryFigure, lang: str = DEFAULT_LANG, names: Names | None = None) -> str:
        """A figure's name in `lang`; `names` names persona columns the catalogs do not."""
        if figure.id in ("minutes_per_result", "results"):
            return t(f"story.figure.{figure.id}", lang, result=_name(self.key_result, lang, names))
        if figure.id in ("minutes", "yen_per_hour", "fatigue"):
            return t(f"story.figure.{figure.id}", lang)
        return t("story.figure.signal", lang, name=_name(figure.id, lang, names))

    def table(self, lang: str = DEFAULT_LANG, names: Names | None = None, *, skip_unknown: bool = True
              ) -> pd.DataFrame:
        """figure · first weeks · last weeks · better or worse, headed in `lang` (numbers left as numbers).

        skip_unknown leaves out figures known on neither side (no income column, no fatigue answers).
        """
        shown = [f for f in self.figures if not skip_unknown or f.first is not None or f.last is not None]
        change = {True: t("cycle.change.better", lang), False: t("cycle.change.worse", lang), None: "—"}
        return pd.DataFrame({
            t("story.col.figure", lang): [self.label(f, lang, names) for f in shown],
            t("story.col.first", lang, n=len(self.first_weeks)): [f.first for f in shown],
            t("story.col.last", lang, n=len(self.last_weeks)): [f.last for f in shown],
            t("story.col.change", lang): [change[f.better] for f in shown],
        })


def verdict_label(experiment: Experiment, lang: str = DEFAULT_LANG) -> str:
    """The experiment's verdict in `lang`, or that none was given yet."""
    return t(f"cycle.verdict.{experiment.verdict}" if experiment.verdict else "story.verdict.open", lang)


# ---------------------------------------------------------------- the numbers


def _values(span: pd.DataFrame, column: str) -> pd.Series | None:
    """The column as floats (NaN where unknown), or None when the frame has no such column."""
    if column not in span.columns:
        return None
    return pd.Series(pd.array(span[column], dtype="Float64"), index=span.index).astype("float64")


def _mean(span: pd.DataFrame, column: str) -> float | None:
    values = _values(span, column)
    if values is None or values.isna().all():
        return None
    return float(values.mean())


def _per(span: pd.DataFrame, numerator: str, denominator: str) -> float | None:
    """sum(numerator) / sum(denominator) over the span; None when either is unknown or the denominator zero."""
    top, bottom = _values(span, numerator), _values(span, denominator)
    if top is None or bottom is None or top.isna().all() or bottom.isna().all():
        return None
    below = float(bottom.sum())
    return float(top.sum()) / below if below else None


def _figures(span: pd.DataFrame, signals: Sequence[str]) -> dict[str, float | None]:
    """Per-week means of minutes, the key result, each signal and fatigue; ratios from the span's sums."""
    hours = span.assign(_hours=_values(span, "minutes") / 60.0)
    figures = {
        "minutes": _mean(span, "minutes"),
        "minutes_per_result": _per(span, "minutes", "results"),
        "results": _mean(span, "results"),
    }
    for column in signals:
        figures[column] = _mean(span, column)
    # Income over the hours spent: the articles' ¥50-an-hour pain, seen beside the value signals.
    figures["yen_per_hour"] = _per(hours, "income", "_hours")
    figures["fatigue"] = _mean(span, "fatigue")
    return figures


def _direction(figure: str) -> str | None:
    return {"minutes": None, "minutes_per_result": _LOWER, "fatigue": _LOWER}.get(figure, _HIGHER)


def _from_days(days: int) -> date:
    return date(1970, 1, 1) + timedelta(days=days)


def cycle_story(weeks: pd.DataFrame, start_date: date, *, cycle: int = 1, week: int = CYCLE_WEEKS,
                key_result: str = "results", signals: Sequence[str] = (),
                reflections: Mapping[object, Mapping[str, object]] | None = None,
                week_start: int = 0) -> CycleStory:
    """The story of `cycle` up to its week `week` (12 at the end) for a plan begun on `start_date`.

    `weeks` is the weekly frame (`weekly_metrics(...).weeks`): week_start, minutes, results (the key result,
    named `key_result`), and when present rest, income, fatigue and the value-signal columns `signals`.
    The first STORY_WEEKS non-rest weeks of the cycle are compared with its last ones, never overlapping
    (fewer on each side when the cycle has fewer than eight such weeks; none with fewer than two).
    Counts and fatigue are per-week means; minutes per result and yen per hour are the sums' ratios. A
    figure whose column the frame lacks, or which is unknown over those weeks, is None. A signal column
    the frame lacks is left out, and so is the key result's own column (it is the "results" row).
    """
    if week not in range(1, CYCLE_WEEKS + 1) or cycle < 1:
        raise ValueError(f"a cycle story runs to week 1–{CYCLE_WEEKS} of cycle 1 or later, got {week!r}, {cycle!r}")
    begin = int(week_start_days([start_date], week_start)[0]) + 7 * CYCLE_WEEKS * (cycle - 1)
    first_day, last_day = _from_days(begin), _from_days(begin + 7 * week - 1)
    frame = weeks.reset_index(drop=True)
    days = pd.to_datetime(frame["week_start"]).dt.date
    rest = frame["rest"].to_numpy(dtype=bool) if "rest" in frame.columns else np.zeros(len(frame), dtype=bool)
    span = frame[((days >= first_day) & (days <= last_day)).to_numpy() & ~rest]
    n = min(STORY_WEEKS, len(span) // 2)
    first, last = span.head(n), span.tail(n)
    shown = [s for s in dict.fromkeys(signals) if s in frame.columns and s not in (key_result, "results")]
    figures: tuple[StoryFigure, ...] = ()
    if n:
        before, after = _figures(first, shown), _figures(last, shown)
        figures = tuple(StoryFigure(f, before[f], after[f], _direction(f)) for f in before)
    return CycleStory(
        cycle=cycle, week=week,
        first_weeks=tuple(pd.Timestamp(d).date() for d in first["week_start"]),
        last_weeks=tuple(pd.Timestamp(d).date() for d in last["week_start"]),
        key_result=key_result, figures=figures,
        experiments=tuple(e for e in experiments(reflections) if first_day <= e.week_start <= last_day),
        reflections=tuple((d, f) for d, f in sorted_reflections(reflections) if first_day <= d <= last_day),
    )


def story_offer(position: CyclePosition | None) -> str | None:
    """"end" at week 12 of a cycle (the story is shown and a decision asked for), "on_demand" after week 4
    (it can be opened), None before."""
    if position is None or position.week_in_cycle <= ON_DEMAND_AFTER:
        return None
    return "end" if position.week_in_cycle == CYCLE_WEEKS else "on_demand"


# ---------------------------------------------------------------- the decision


def decision_for(plan: Plan, cycle: int) -> CycleDecision | None:
    """The decision taken at the end of `cycle` (the last one saved for it), or None."""
    return next((d for d in reversed(plan.cycle_decisions) if d.cycle == cycle), None)


def latest_decision(plan: Plan) -> CycleDecision | None:
    """The decision of the latest cycle that has one."""
    return max(reversed(plan.cycle_decisions), key=lambda d: d.cycle, default=None)


def decide(plan: Plan, cycle: int, decision: str, week: date | None = None) -> CycleDecision:
    """Record the decision at the end of `cycle` in the plan, replacing an earlier one for the same cycle.

    For "rewrite" the value statement as it is now is kept for comparison — unless this cycle's rewrite was
    already recorded, whose statement is the one from before any rewriting.
    """
    if decision not in CYCLE_DECISIONS:
        raise ValueError(f"a cycle decision is one of {', '.join(CYCLE_DECISIONS)}, got {decision!r}")
    if cycle < 1:
        raise ValueError(f"cycles count from 1, got {cycle!r}")
    earlier = decision_for(plan, cycle)
    previous = None
    if decision == "rewrite":
        kept = earlier.previous_statement if earlier is not None else None
        previous = kept if kept is not None else copy.deepcopy(plan.statement)
    made = CycleDecision(cycle, decision, week, previous)
    plan.cycle_decisions = [d for d in plan.cycle_decisions if d.cycle != cycle] + [made]
    plan.cycle_decisions.sort(key=lambda d: d.cycle)
    return made


def decision_label(decision: str, lang: str = DEFAULT_LANG) -> str:
    """The choice as the person reads it."""
    return t(f"story.decision.{decision}", lang)


def decided_text(decision: CycleDecision, lang: str = DEFAULT_LANG) -> str:
    """「1回目のサイクルの終わりに…と決めました」, with the week when it is known."""
    key = "story.decided.week" if decision.week else "story.decided"
    return t(key, lang, cycle=decision.cycle, decision=decision_label(decision.decision, lang),
             week=show(decision.week, lang) if decision.week else "")


def carried_over(plan: Plan, position: CyclePosition | None) -> CycleDecision | None:
    """The decision a cycle starts from: the one taken at the end of the cycle before (None in cycle 1)."""
    return decision_for(plan, position.cycle - 1) if position is not None and position.cycle > 1 else None


def previous_sentence(plan: Plan, lang: str = DEFAULT_LANG) -> str | None:
    """The statement sentence from before the latest rewrite, when the latest decision was to rewrite."""
    latest = latest_decision(plan)
    if latest is None or latest.decision != "rewrite" or latest.previous_statement is None:
        return None
    return statement_sentence(latest.previous_statement, lang)
