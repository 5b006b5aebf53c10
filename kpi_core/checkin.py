"""The weekly check-in: one week's headline in three lines, and the three answers kept with its review.

The check-in is the review made short enough for ten spare minutes on a phone: how much time one result
cost, which value signals came in, whether the pace can be kept up — one line each — then what worked, what
did not, and next week's one experiment (three of the review's own fields, stored in the same place).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpi_core.cycle import EXPERIMENT_FIELD, REFLECTION_FIELDS
from kpi_core.markdown import literal
from kpi_core.measures import Measures, column_name, result_label
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.metrics import WeeklyReport
from kpi_core.personas import PersonaCatalog, default_catalog

# What worked, what did not, next week's one experiment: the review's fields, in the review's order.
CHECKIN_FIELDS = tuple(f for f in REFLECTION_FIELDS if f in ("worked", "change", EXPERIMENT_FIELD))


def _number(value: object) -> float | None:
    return None if value is None or value is pd.NA or pd.isna(value) else float(value)


def _plain(value: float) -> str:
    """45.0 → "45", 22.5 → "22.5": one decimal at most, none when whole."""
    rounded = round(value, 1)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:.1f}"


@dataclass(frozen=True)
class Headline:
    """One week's figures for its three headline lines."""

    week: date
    minutes: float
    results: float | None  # what the plan counts as a result (NA: the log does not record it)
    minutes_per_result: float | None
    signals: tuple[tuple[str, float | None], ...]  # the value signals the log holds: (column id, this week's count)
    sustainability: float | None
    fatigue: int | None  # the person's own 1–5 answer, when given
    measures: Measures | None = None
    key_result: str = "reactions"

    def result(self, lang: str, catalog: PersonaCatalog) -> str:
        """What one result is, in words (the plan's key result, or the value signals it sums)."""
        if self.measures is not None:
            return result_label(self.measures.key_result, lang, catalog)  # the signals are the next line
        return column_name(self.key_result, lang, catalog)

    def lines(self, lang: str = DEFAULT_LANG, catalog: PersonaCatalog | None = None) -> tuple[str, str, str]:
        """Minutes per result, value signals, sustainability: one Markdown line each, in `lang`."""
        catalog = catalog or default_catalog()
        result = literal(self.result(lang, catalog))
        minutes = _plain(self.minutes)
        if self.minutes_per_result is None:
            first = t("checkin.line.mpr.none", lang, minutes=minutes, result=result,
                      results="—" if self.results is None else _plain(self.results))
        else:
            first = t("checkin.line.mpr", lang, value=_plain(self.minutes_per_result), minutes=minutes,
                      result=result, results=_plain(self.results or 0))
        joiner = "・" if lang == "ja" else ", "
        said = [f"{literal(column_name(c, lang, catalog))} {'—' if v is None else _plain(v)}" for c, v in self.signals]
        second = (t("checkin.line.signals", lang, signals=joiner.join(said)) if said
                  else t("checkin.line.signals.none", lang))
        value = "—" if self.sustainability is None else _plain(self.sustainability)
        third = (t("checkin.line.sustainability", lang, value=value) if self.fatigue is None else
                 t("checkin.line.sustainability.fatigue", lang, value=value,
                   fatigue=t(f"review.fatigue.{self.fatigue}", lang)))
        return first, second, third


def headline(report: WeeklyReport, week: object) -> Headline:
    """The headline of the report's week starting on `week` (a date or "YYYY-MM-DD")."""
    start = pd.Timestamp(week)
    rows = report.weeks[report.weeks["week_start"] == start]
    if rows.empty:
        raise ValueError(f"the report has no week starting on {start.date().isoformat()}")
    row = rows.iloc[0]
    measures = report.measures
    held = measures.held if measures is not None else default_catalog().core_signals
    fatigue = _number(row.get("fatigue"))
    return Headline(
        week=start.date(), minutes=float(row["minutes"]), results=_number(row["results"]),
        minutes_per_result=_number(row["minutes_per_result"]),
        signals=tuple((c, _number(row[c])) for c in held if c in report.weeks.columns),
        sustainability=_number(row.get("sustainability")),
        fatigue=None if fatigue is None else int(fatigue),
        measures=measures, key_result=report.key_result,
    )


def with_answers(review: Mapping[str, object] | None, answers: Mapping[str, object]) -> dict:
    """The week's review with the check-in's answers in it: the three fields as typed, every other field kept.

    A field the person left empty is stored empty only when the review already had it (clearing a text);
    nothing is added for a field never written.
    """
    merged = dict(review or {})
    for field in CHECKIN_FIELDS:
        if field not in answers:
            continue
        text = "" if answers[field] is None else str(answers[field])
        if text.strip() or field in merged:
            merged[field] = text
    return merged
