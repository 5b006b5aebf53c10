"""A plan's weekly report: its KPIs resolved, the metrics computed, and the JSON and text forms of it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

import pandas as pd

from kpi_core.coaching import coach
from kpi_core.measures import Measures, column_name, explain, resolve, result_label
from kpi_core.messages import LANGS, t
from kpi_core.metrics import WeeklyReport, latest_change, weekly_metrics
from kpi_core.personas import Formula, Kpi, Part, PersonaCatalog, default_catalog
from kpi_core.plan import CUSTOM_KPI_ID, Plan, custom_kpi_name


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
    """The plan's chosen KPIs with their targets; ids no longer declared are skipped.

    A band's chosen high end travels on the Kpi (a copy with the plan's target_max); without one the declared
    high end stays.
    """
    chosen = []
    for choice in plan.kpis:
        if choice.id == CUSTOM_KPI_ID:
            chosen.append((custom_kpi(plan, choice.target), float(choice.target)))
            continue
        kpi = catalog.kpi(choice.id, plan.persona_id)
        if kpi is not None and kpi.direction == "band" and choice.target_max is not None:
            kpi = replace(kpi, target_max=float(choice.target_max))
        if kpi is not None:
            chosen.append((kpi, float(choice.target)))
    return chosen


def fatigue_answers(reviews: Mapping[str, Mapping] | None) -> dict[date, int]:
    """The weekly fatigue answers (1–5) of the pages' reviews ({"YYYY-MM-DD": {"fatigue": 4, ...}}), by week.

    Weeks without an answer, and answers that are not a whole number 1–5, are left out.
    """
    answers: dict[date, int] = {}
    for week, fields in (reviews or {}).items():
        value = fields.get("fatigue") if isinstance(fields, Mapping) else None
        if value is None or isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        try:
            day, number = date.fromisoformat(str(week)), float(value)
        except ValueError:
            continue
        if number in range(1, 6):
            answers[day] = int(number)
    return answers


def report_for_plan(log: pd.DataFrame, plan: Plan, catalog: PersonaCatalog,
                    reviews: Mapping[str, Mapping] | None = None) -> WeeklyReport:
    """Weekly metrics of a log measured against a plan; `reviews` (as the pages keep them) give the fatigue."""
    measures = resolve(plan, catalog, log, plan_kpis(plan, catalog))
    report = weekly_metrics(
        log, kpis=measures.kpis, budget_minutes=plan.weekly_budget_minutes,
        week_start=plan.week_start, key_result=measures.key_result, key_columns=measures.key_columns,
        rest_weeks=plan.rest_weeks, solved_phrases=measures.phrases, categories=[c.id for c in catalog.categories],
        fatigue=fatigue_answers(reviews),
    )
    return replace(report, measures=measures)


def column_label(column_id: str, lang: str) -> str:
    """A log or metrics column's name in `lang`: persona columns by their header, else the id itself."""
    return column_name(column_id, lang, default_catalog())


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
                "target_max": _plain(r.target_max),
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
    names = {kpi.id: kpi.name[lang] for kpi, _ in report.measures.kpis}
    lines = [said for said in explain(report.measures, catalog, plan.persona_id, lang) if said]
    kpis = report.kpis.groupby("week_start", sort=False)
    for row in report.weeks.itertuples():
        lines.append(t("report.week_line", lang, week=row.week_start.date().isoformat(), minutes=_fmt(row.minutes, 0),
                       results=_fmt(row.results, 0), mpr=_fmt(row.minutes_per_result),
                       quality=_fmt(row.quality_mean), sustainability=_fmt(row.sustainability)))
        if row.week_start in kpis.groups:
            for k in kpis.get_group(row.week_start).itertuples():
                mark = "—" if pd.isna(k.met) else ("✓" if k.met else "✗")
                target = _fmt(k.target, 2) + (f"–{_fmt(k.target_max, 2)}" if k.direction == "band" else "")
                lines.append(f"    {mark} {names.get(k.id, k.id)}: {_fmt(k.value, 2)} / {target}")
    change = latest_change(report)
    if change.get("minutes_per_result", {}).get("delta") is not None:
        lines.append(t("report.change", lang, delta=_fmt(change["minutes_per_result"]["delta"])))
    return "\n".join(lines)


def figure_names(plan: Plan, catalog: PersonaCatalog, measures: Measures) -> dict[str, dict[str, str]]:
    """Every log column, KPI and the key result by name in each language, for reports shared with others."""
    columns = catalog.template_columns(plan.persona_id)
    names = {c.id: {lang: column_label(c.id, lang) for lang in LANGS} for c in columns}
    names.update({kpi.id: kpi.name for kpi, _ in measures.kpis})
    names[measures.key_result] = {lang: result_label(measures.key_result, lang, catalog) for lang in LANGS}
    return names
