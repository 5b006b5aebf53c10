"""Dashboard: the latest week against the one before, and every figure over time, chart and table."""

import pandas as pd
import streamlit as st

from kpi_core.attribution import notes as attribution_notes
from kpi_core.measures import explain as explain_measures
from kpi_core.measures import result_name
from kpi_core.messages import t
from kpi_core.metrics import latest_change
from kpi_core.personas import default_catalog
from kpi_core.plan import plan_to_yaml, short_name
from kpi_core.smoothing import explain as explain_smoothing
from kpi_core.smoothing import smoothed_minutes_per_result
from kpi_core.sustainability import explain_parts, help_shares
from kpi_core.weeks import report_until
from pages._ui import charts, state
from pages._ui import weeks as weeks_ui
from pages._ui.cached import category_results, fatigue_key, weekly_report
from pages._ui.income import income_section
from pages._ui.layout import PAGE_FILES, finish_page, page_setup, stop
from pages._ui.markdown import literal
from pages._ui.tables import compact, readable

PERIODS = {"4": 4, "12": 12, "all": None}

lang = page_setup("dashboard")
catalog = default_catalog()
plan = state.plan()
log = state.log()

st.title(t("dashboard.title", lang))
if log.empty:
    st.info(t("dashboard.empty", lang))
    st.page_link(PAGE_FILES["log"], label=t("dashboard.to_log", lang), icon="📥")
    st.page_link(PAGE_FILES["persona"], label=t("dashboard.to_template", lang), icon="📄")
    stop(lang)


def so_far(week) -> None:
    """The week still in progress: what is in so far, in one line (never the headline)."""
    if week is not None:
        st.caption(t("dashboard.so_far", lang, start=weeks_ui.week_span(week["week_start"], lang)["start"],
                     minutes=compact(week["minutes"]), actions=int(week["actions"]),
                     result=literal(result_name(report.measures, lang, catalog)),
                     results="—" if pd.isna(week["results"]) else compact(week["results"])))


state.touch("dashboard")
report = weekly_report(log, plan_to_yaml(plan), plan, fatigue_key(st.session_state.reviews))
period = st.segmented_control(t("dashboard.period", lang), list(PERIODS),
                              default=weeks_ui.from_url(weeks_ui.PERIOD_PARAM, list(PERIODS), "12"),
                              key="dashboard_period", format_func=lambda p: t(f"dashboard.period.{p}", lang),
                              on_change=weeks_ui.to_url, args=(weeks_ui.PERIOD_PARAM, "dashboard_period")) or "12"

# The headline is the last finished week; the week still going is only "so far", under it.
seen = weeks_ui.seen_today(report.weeks["week_start"])
going = None if seen.in_progress is None else report.weeks.iloc[-1]
if seen.last_finished is None:
    st.info(t("dashboard.no_finished", lang, end=weeks_ui.week_span(seen.current, lang)["end"]))
    so_far(going)
    stop(lang)
report = report_until(report, seen.last_finished)
weeks_count = PERIODS[period]
weeks = report.weeks if weeks_count is None else report.weeks.tail(weeks_count)
kpi_rows = report.kpis[report.kpis["week_start"].isin(weeks["week_start"])]

change = latest_change(report)
st.header(t("dashboard.latest", lang, week=seen.last_finished.isoformat()))
so_far(going)
counted, warning = explain_measures(report.measures, catalog, plan.persona_id, lang)
st.caption(literal(counted))  # names the plan's key result: a column of the person's own
if warning:  # reactions stand in, or the chosen signal is missing: say so in words, with the column to add
    st.warning(literal(warning), icon="💡")


def figure(value, digits=1):
    return "—" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def delta(item):
    return None if item.get("delta") is None else round(item["delta"], 1)


cols = st.columns(3)
mpr = change["minutes_per_result"]
cols[0].metric(t("dashboard.mpr", lang), figure(mpr["latest"]), delta(mpr), delta_color="inverse",
               help=t("help.minutes_per_result", lang))
sus = change["sustainability"]
cols[1].metric(t("dashboard.sustainability", lang), figure(sus["latest"]), delta(sus),
               help=t("help.sustainability", lang, **help_shares()))
quality = change["quality_mean"]
cols[2].metric(t("dashboard.quality", lang), figure(quality["latest"]), delta(quality),
               help=t("help.quality", lang))

latest = report.weeks.iloc[-1]
# Beside the index: the person's own answer for the week (asked in the review), or that there is none.
tired = latest.get("fatigue")
cols[1].caption(t("dashboard.fatigue.none", lang) if tired is None or pd.isna(tired)
                else t("dashboard.fatigue", lang, value=t(f"review.fatigue.{int(tired)}", lang)))
with st.expander(t("dashboard.sustainability.parts", lang)):
    st.write(explain_parts(latest, lang))

st.header(t("dashboard.kpis", lang))
names = {kpi.id: kpi for kpi, _ in report.measures.kpis}
latest_kpis = report.kpis[report.kpis["week_start"] == report.weeks["week_start"].iloc[-1]]
if latest_kpis.empty:
    st.caption(t("dashboard.no_kpis", lang))
for row in latest_kpis.itertuples():
    kpi = names.get(row.id)
    label = kpi.name[lang] if kpi else row.id
    verdict = "—" if row.met is None or str(row.met) == "<NA>" else ("✅" if row.met else "⏳")
    band = row.direction == "band" and not pd.isna(row.target_max)  # a range: "2–4"
    target = f"{compact(row.target)}–{compact(row.target_max)}" if band else compact(row.target)
    # A long name (the statement's own KPI) is cut to one line on a phone; the whole of it is one tap away.
    st.markdown(t("dashboard.kpi_line", lang, verdict=verdict, name=literal(short_name(label)),
                  value=compact(row.value), target=target, unit=kpi.unit_text(lang) if kpi else ""),
                help=literal(label) if short_name(label) != label else None)

income_section(log, report.weeks, plan.monthly_income_goal, lang)


def chart_with_table(spec: dict, table: pd.DataFrame, look: str) -> None:
    """A chart, its figures in a second tab (the full text alternative), and under it one line on what to look for."""
    chart_tab, table_tab = st.tabs([t("dashboard.tab.chart", lang), t("dashboard.tab.table", lang)])
    charts.draw(chart_tab, spec)
    table_tab.dataframe(table, hide_index=True, width="stretch")
    st.caption(look)


st.header(t("dashboard.charts", lang))
smoothed = smoothed_minutes_per_result(report.weeks)
smoothed = smoothed[smoothed["week_start"].isin(weeks["week_start"])]
category_names = {c.id: c.name[lang] for c in catalog.categories}
kpi_names = {kpi_id: (kpi.name[lang], kpi.unit_text(lang)) for kpi_id, kpi in names.items()}
# Charts and their tables are built once per content (the weeks shown, the names, the language) and shared by every
# session: a rerun only draws them.
drawn = charts.cached_dashboard(weeks, smoothed, kpi_rows, result_name(report.measures, lang, catalog), kpi_names,
                                category_names, lang)
specs, tables = drawn["specs"], drawn["tables"]
for name, look in (("minutes_results", t("dashboard.look.minutes_results", lang)),
                   ("minutes_per_result", t("dashboard.look.minutes_per_result", lang)),
                   ("sustainability", t("dashboard.look.sustainability", lang)),
                   ("action_mix", t("dashboard.look.action_mix", lang))):
    chart_with_table(specs[name], tables[name], look)
    if name == "minutes_per_result":
        st.caption(explain_smoothing(lang))
for kpi_id, spec in specs["kpis"].items():
    chart_with_table(spec, tables["kpis"][kpi_id], t("dashboard.look.kpi", lang))

st.header(t("dashboard.by_category", lang))
period_log = log[(log["date"] >= weeks["week_start"].iloc[0]) & (log["date"] < pd.Timestamp(seen.current))]
by_category = category_results(period_log, report.key_result, report.key_columns, report.measures.phrases)
by_category = by_category[by_category["actions"] > 0]
shown = by_category.assign(category=by_category["category"].map(lambda c: category_names.get(c, c)))
st.dataframe(readable(shown[["category", "results_per_hour", "results", "minutes", "thin"]], lang),
             hide_index=True, width="stretch")
for note in attribution_notes(by_category, lang, category_names):
    st.caption(literal(note))

st.page_link(PAGE_FILES["review"], label=t("dashboard.to_review", lang), icon="➡️")

finish_page(lang)
