"""A weekly or monthly report for a manager or client: value indicators beside the familiar numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpi_core.coaching import show
from kpi_core.export import csv_bytes
from kpi_core.markdown import literal
from kpi_core.messages import DEFAULT_LANG, has, normalize_lang, t
from kpi_core.metrics import WeeklyReport
from kpi_core.smoothing import DEFAULT_HALF_LIFE_WEEKS, smoothed_minutes_per_result

PERIODS = {"week": 1, "month": 4}  # a month is the 4 weeks ending with the week, as for the monthly KPIs
# Weekly columns that are not counts to sum; every other column left (after actions_*) is a count.
_NOT_COUNTS = frozenset({
    "week_start", "minutes", "actions", "reactions", "quality_mean", "results", "minutes_per_result",
    "results_per_hour", "rest", "sustainability", "sust_load", "sust_rhythm", "sust_rating",
    "income", "yen_per_hour",  # money beside value, summed on its own in _figures: never a value signal
    "fatigue", "sust_fatigue",  # the person's own tiredness answer and its part of the index: not counts
})
# Figures computed from the period's weeks, after the count columns (value signals come first).
_TAIL = ("minutes", "actions", "minutes_per_result", "smoothed_minutes_per_result", "quality_mean",
         "sustainability", "income", "yen_per_hour", "reactions")  # income beside value, never first

Names = Mapping[str, "str | Mapping[str, str]"]  # id -> a name, or {ja: ..., en: ...}


@dataclass(frozen=True)
class ConventionalFigure:
    """A familiar number the person types in for the reader (followers, impressions…); not measured here."""

    label: str
    value: float | str
    previous: float | str | None = None
    note: str = ""


@dataclass(frozen=True)
class ShareRow:
    """One line of the report: a value indicator, a KPI or a conventional figure."""

    section: str  # "value" | "kpi" | "conventional"
    id: str  # figure or KPI id; the label for a conventional figure
    value: float | str | None
    previous: float | str | None
    target: float | None = None
    target_max: float | None = None  # a band's upper end: the target reads "2–4"
    met_weeks: int | None = None  # KPI: weeks met in the period …
    judged_weeks: int | None = None  # … out of the weeks judged
    note: str = ""

    @property
    def change(self) -> float | None:
        """value − previous when both are numbers."""
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (self.value, self.previous))
        return float(self.value) - float(self.previous) if numbers else None


@dataclass(frozen=True)
class ShareReport:
    """The period's figures, rendered late as Markdown or as CSV in either language."""

    period: str  # "week" | "month"
    start: date
    end: date  # the last day
    rest_weeks: int
    key_result: str  # what "result" means in minutes per result
    rows: tuple[ShareRow, ...]
    names: Mapping[str, object]

    def label(self, row: ShareRow, lang: str) -> str:
        """A row's name: the label typed for a conventional figure, else the name given, the catalog's, the id."""
        return row.id if row.section == "conventional" else self.name(row.id, lang)

    def name(self, figure: str, lang: str) -> str:
        """A figure's or KPI's name in `lang`: from `names`, else the catalog, else the id as written."""
        name = self.names.get(figure)
        if isinstance(name, Mapping):
            return str(name.get(normalize_lang(lang)) or next(iter(name.values()), figure))
        if name:
            return str(name)
        key = f"coaching.figure.{figure}"
        return t(key, lang) if has(key, lang) else figure

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """「週次レポート(…〜…)」 / "Weekly report (… – …)"."""
        return t(f"sharing.title.{self.period}", lang, start=show(self.start, lang), end=show(self.end, lang))

    def _note(self, row: ShareRow, lang: str) -> str:
        if row.section == "kpi" and row.judged_weeks:
            return t("sharing.kpi.met_weeks", lang, met=row.met_weeks, judged=row.judged_weeks)
        return row.note

    def markdown(self, lang: str = DEFAULT_LANG) -> str:
        """The report as Markdown: title, why, value indicators, KPIs, then the conventional figures."""
        # The person's text (KPI names, typed figures and notes, column names) is escaped: literal() (for a
        # file: no invisible joiners, a figure copied out of it is what was typed).
        lines = [f"# {self.title(lang)}", "", t("sharing.intro", lang), "",
                 t("sharing.key_result", lang, result=_escaped(self.name(self.key_result, lang))), ""]
        if self.rest_weeks:
            lines += [t("sharing.rest_weeks", lang, count=self.rest_weeks), ""]
        now, before = t(f"sharing.column.now.{self.period}", lang), t(f"sharing.column.previous.{self.period}", lang)
        indicator, change = t("sharing.column.indicator", lang), t("sharing.column.change", lang)
        for section in ("value", "kpi", "conventional"):
            rows = [r for r in self.rows if r.section == section]
            if not rows:
                continue
            lines += [f"## {t(f'sharing.section.{section}', lang)}", ""]
            if section == "conventional":
                lines += [t("sharing.conventional.note", lang), ""]
            if section == "kpi":
                header = [indicator, now, t("sharing.column.target", lang), t("sharing.column.note", lang)]
                body = [[_escaped(self.label(r, lang)), _md(r.value, lang), _target(r, _md, lang),
                         _escaped(self._note(r, lang))] for r in rows]
            else:
                header = [indicator, now, before, change, t("sharing.column.note", lang)]
                body = [[_escaped(self.label(r, lang)), _md(r.value, lang), _md(r.previous, lang),
                         _md(r.change, lang, signed=True), _escaped(r.note)] for r in rows]
            lines += [_md_row(header), "|" + "---|" + "---:|" * (len(header) - 2) + "---|"]
            lines += [_md_row(cells) for cells in body] + [""]
        return "\n".join(lines)

    def csv(self, lang: str = DEFAULT_LANG) -> bytes:
        """The report as CSV that Japanese Excel opens (BOM, CRLF, no formulas), numbers without separators."""
        header = [t(f"sharing.column.{c}", lang) for c in ("section", "indicator")] + [
            t(f"sharing.column.now.{self.period}", lang), t(f"sharing.column.previous.{self.period}", lang),
            *(t(f"sharing.column.{c}", lang) for c in ("change", "target", "note"))]
        period = [t("sharing.column.period", lang), "", f"{self.start.isoformat()}/{self.end.isoformat()}",
                  "", "", "", ""]
        rows = [[t(f"sharing.section.{r.section}", lang), self.label(r, lang), _plain(r.value), _plain(r.previous),
                 _signed(r.change, lang), _target(r, lambda v, _: _plain(v), lang), self._note(r, lang)]
                for r in self.rows]
        return csv_bytes(header, [period, *rows])


def _target(row: ShareRow, cell, lang: str) -> str:
    """A KPI's target as a cell: one number, or a band "2–4"."""
    if row.target_max is None:
        return cell(row.target, lang)
    return f"{cell(row.target, lang)}–{cell(row.target_max, lang)}"


def _md(value: object, lang: str, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if signed and isinstance(value, (int, float)) and value > 0:
        return "+" + show(_round(value), lang)
    return show(_round(value), lang) if isinstance(value, (int, float)) else _escaped(value)  # a typed figure


def _escaped(text: object) -> str:
    return literal(text, screen=False)


def _md_row(cells: Sequence[str]) -> str:
    # A line break in a typed label would break the table (a pipe is escaped by literal() with the rest).
    return "| " + " | ".join(str(c).replace("\r", " ").replace("\n", " ") for c in cells) + " |"


def _round(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(_round(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _signed(change: float | None, lang: str) -> str:
    # A leading "-" or "+" would be neutralised as a formula start (shown as '-120); a decrease is written
    # the way Japanese business documents write it (▲120), or with a true minus sign in English.
    if change is None or change >= 0:
        return _plain(change)
    return ("▲" if normalize_lang(lang) == "ja" else "\u2212") + _plain(-change)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _figures(span: pd.DataFrame, counts: Sequence[str], smoothed: pd.Series) -> dict[str, float | None]:
    """Sums of counts, minutes and actions; ratios of the sums; rating weighted by actions; mean index."""
    if span.empty:
        return {}
    # min_count=1: a count never recorded in the period stays unknown (—), not a misleading 0.
    figures = {c: _number(pd.Series(span[c], dtype="Float64").sum(min_count=1)) for c in (*counts, "reactions")}
    figures["minutes"], figures["actions"] = float(span["minutes"].sum()), float(span["actions"].sum())
    # Weeks whose result was never recorded (the column missing from that week's file) say nothing about
    # time per result: their minutes stay out, as on the dashboard.
    recorded = pd.array(span["results"], dtype="Float64")
    known = ~recorded.isna()
    results = _number(recorded.sum())
    minutes_recorded = float(span["minutes"][known].sum())
    figures["minutes_per_result"] = minutes_recorded / results if results else None
    figures["smoothed_minutes_per_result"] = _number(smoothed.loc[span.index[-1]])
    rated = span[span["quality_mean"].notna()]
    weight = float(rated["actions"].sum())
    figures["quality_mean"] = float((rated["quality_mean"] * rated["actions"]).sum()) / weight if weight else None
    figures["sustainability"] = _number(span["sustainability"].mean())
    if "income" in span.columns and span["income"].notna().any():  # no income rows without an income column
        figures["income"] = _number(pd.Series(span["income"], dtype="Float64").sum())
        figures["yen_per_hour"] = figures["income"] / (figures["minutes"] / 60) if figures["minutes"] else None
    return figures


def _kpi_rows(report: WeeklyReport, span: pd.DataFrame, previous: pd.DataFrame) -> list[ShareRow]:
    """Each KPI's weekly value averaged over the period, its target, and the weeks it was met in the period."""
    kpis = report.kpis
    rows = []
    for kpi_id in dict.fromkeys(kpis["id"]):
        mine = kpis[kpis["id"] == kpi_id].set_index("week_start")
        now = mine.reindex(span["week_start"])
        before = mine.reindex(previous["week_start"]) if not previous.empty else now.iloc[:0]
        met = now["met"].dropna()
        rows.append(ShareRow(
            "kpi", kpi_id, _number(now["value"].mean()),
            _number(before["value"].mean()) if len(before) else None,
            target=_number(mine["target"].iloc[-1]),
            target_max=_number(mine["target_max"].iloc[-1]) if "target_max" in mine else None,
            met_weeks=int(met.astype(bool).sum()), judged_weeks=len(met),
        ))
    return rows


def share_report(report: WeeklyReport, *, period: str = "week", week: date | None = None,
                 conventional: Sequence[ConventionalFigure] = (), names: Names | None = None,
                 half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS) -> ShareReport:
    """The report for the week holding `week` (default the last week), or the 4 weeks ending with it.

    "Previous" is the period of the same length just before (None where the log does not reach back).
    `names` gives labels for KPI ids and persona columns ({ja, en} mappings render in either language).
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {sorted(PERIODS)}, got {period!r}")
    weeks = report.weeks.reset_index(drop=True)
    if weeks.empty:
        raise ValueError("the log has no weeks to report on")
    last = len(weeks) - 1 if week is None else int((weeks["week_start"] <= pd.Timestamp(week)).sum()) - 1
    if last < 0:
        raise ValueError(f"the log starts after {week}")
    size = PERIODS[period]
    span, previous = weeks.iloc[max(0, last - size + 1): last + 1], weeks.iloc[max(0, last - 2 * size + 1):
                                                                               max(0, last - size + 1)]
    counts = [c for c in weeks.columns if c not in _NOT_COUNTS and not c.startswith("actions_")]
    smoothed = smoothed_minutes_per_result(weeks, half_life_weeks)["smoothed_minutes_per_result"]
    now, before = _figures(span, counts, smoothed), _figures(previous, counts, smoothed)
    full_previous = len(previous) == size  # a shorter previous period would not compare like with like
    rows = [ShareRow("value", f, now.get(f), before.get(f) if full_previous else None)
            for f in (*counts, *_TAIL) if f in now]
    rows += _kpi_rows(report, span, previous if full_previous else previous.iloc[:0])
    rows += [ShareRow("conventional", c.label, c.value, c.previous, note=c.note) for c in conventional]
    start = pd.Timestamp(weeks["week_start"].iloc[last]).date() - timedelta(days=7 * (size - 1))
    return ShareReport(period, start, start + timedelta(days=7 * size - 1), int(span["rest"].sum()),
                       report.key_result, tuple(rows), dict(names or {}))
