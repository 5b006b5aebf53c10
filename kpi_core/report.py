"""A plan's weekly report: its KPIs resolved, the metrics computed, and the JSON and text forms of it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from kpi_core.coaching import coach
from kpi_core.messages import catalog as messages
from kpi_core.messages import t
from kpi_core.metrics import WeeklyReport, latest_change, weekly_metrics
from kpi_core.personas import Formula, Kpi, Part, PersonaCatalog
from kpi_core.plan import Plan, custom_kpi_name

CUSTOM_KPI_ID = "custom"


def custom_kpi(plan: Plan, target: float) -> Kpi:
    """The indicator implied by the value statement, counted as problem-solved signals in the memo column."""
    names = {lang: custom_kpi_name(plan.statement, lang) for lang in ("ja", "en")}
    return Kpi(
        id=CUSTOM_KPI_ID, name=names,
        measures={lang: t("report.custom.measures", lang) for lang in ("ja", "en")},
        why={lang: t("report.custom.why", lang) for lang in ("ja", "en")},
        formula=Formula(Part("sum", "solved_signals")),
        unit={lang: t("report.custom.unit", lang) for lang in ("ja", "en")},
        direction="higher", target=target,
    )


def plan_kpis(plan: Plan, catalog: PersonaCatalog) -> list[tuple[Kpi, float]]:
    """The plan's chosen KPIs with their targets; ids no longer declared are skipped."""
    chosen = []
    for choice in plan.kpis:
        if choice.id == CUSTOM_KPI_ID:
            chosen.append((custom_kpi(plan, choice.target), float(choice.target)))
            continue
        kpi = catalog.kpi(choice.id, plan.persona_id)
        if kpi is not None:
            chosen.append((kpi, float(choice.target)))
    return chosen


def report_for_plan(log: pd.DataFrame, plan: Plan, catalog: PersonaCatalog) -> WeeklyReport:
    """Weekly metrics of a log measured against a plan."""
    phrases = tuple(p for lang_phrases in catalog.solved_phrases.values() for p in lang_phrases)
    return weekly_metrics(
        log, kpis=plan_kpis(plan, catalog), budget_minutes=plan.weekly_budget_minutes,
        week_start=plan.week_start, key_result=plan.key_result, rest_weeks=plan.rest_weeks,
        solved_phrases=phrases, categories=[c.id for c in catalog.categories],
    )


def column_label(column_id: str, lang: str) -> str:
    """A log or metrics column's name in `lang` (the id itself when the catalogs do not name it)."""
    key = f"column.{column_id}"
    return t(key, lang) if key in messages(lang) else column_id


def _plain(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def weekly_report_json(log: pd.DataFrame, plan: Plan, catalog: PersonaCatalog, lang: str,
                       vanity_columns: Sequence[str] = ()) -> dict:
    """`{"weeks": [...], "coaching": [...]}` as `kpi-coach report --json` prints it."""
    if log.empty:
        return {"weeks": [], "key_result": None, "coaching": []}
    report = report_for_plan(log, plan, catalog)
    kpis_by_week = {
        week: [{"id": r.id, "value": _plain(r.value), "target": _plain(r.target),
                "met": None if pd.isna(r.met) else bool(r.met)} for r in rows.itertuples()]
        for week, rows in report.kpis.groupby("week_start", sort=False)
    }
    weeks = []
    for row in report.weeks.to_dict("records"):
        entry = {key: _plain(value) for key, value in row.items()}
        entry["key_result"] = report.key_result
        entry["kpis"] = kpis_by_week.get(row["week_start"], [])
        weeks.append(entry)
    coaching = [
        message.as_dict(lang)
        for week_start in report.weeks["week_start"]
        for message in coach(report, budget_minutes=plan.weekly_budget_minutes, rest_weeks=plan.rest_weeks,
                             vanity_columns=vanity_columns, lang=lang, week=week_start.date())
    ]
    return {"weeks": weeks, "key_result": report.key_result, "coaching": coaching}


def _fmt(value: object, digits: int = 1) -> str:
    value = _plain(value)
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def weekly_report_text(log: pd.DataFrame, plan: Plan, catalog: PersonaCatalog, lang: str) -> str:
    """The weekly report as readable lines in `lang`."""
    if log.empty:
        return t("report.no_data", lang)
    report = report_for_plan(log, plan, catalog)
    names = {kpi.id: kpi.name[lang] for kpi, _ in plan_kpis(plan, catalog)}
    lines = [t("report.key_result", lang, column=column_label(report.key_result, lang))]
    kpis = report.kpis.groupby("week_start", sort=False)
    for row in report.weeks.itertuples():
        lines.append(t("report.week_line", lang, week=row.week_start.date().isoformat(), minutes=_fmt(row.minutes, 0),
                       results=_fmt(row.results, 0), mpr=_fmt(row.minutes_per_result),
                       quality=_fmt(row.quality_mean), sustainability=_fmt(row.sustainability)))
        if row.week_start in kpis.groups:
            for k in kpis.get_group(row.week_start).itertuples():
                mark = "—" if pd.isna(k.met) else ("✓" if k.met else "✗")
                lines.append(f"    {mark} {names.get(k.id, k.id)}: {_fmt(k.value, 2)} / {_fmt(k.target, 2)}")
    change = latest_change(report)
    if change.get("minutes_per_result", {}).get("delta") is not None:
        lines.append(t("report.change", lang, delta=_fmt(change["minutes_per_result"]["delta"])))
    return "\n".join(lines)
