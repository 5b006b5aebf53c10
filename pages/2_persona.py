"""Persona: pick the template that fits, see what each KPI means, set targets and the time budget."""

import streamlit as st

from kpi_core.measures import chosen_result, key_result_options, result_label
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.plan import (
    MAX_BUDGET_MINUTES,
    MAX_INCOME_GOAL,
    MIN_BUDGET_MINUTES,
    KpiChoice,
    custom_kpi_name,
    custom_kpi_short_name,
    default_plan,
)
from kpi_core.report import CUSTOM_KPI_ID
from pages._ui import state
from pages._ui.layout import PAGE_FILES, finish_page, page_setup
from pages._ui.markdown import literal
from pages._ui.rubric import rubric_markdown
from pages._ui.template import template_downloads

lang = page_setup("persona")
catalog = default_catalog()
session = st.session_state
plan = state.plan()

st.title(t("persona.title", lang))
st.caption(t("persona.intro", lang))

# Two cards a row: side by side on a laptop, stacked on a phone.
personas = list(catalog.personas.values())
for start in range(0, len(personas), 2):
    for column, persona in zip(st.columns(2), personas[start:start + 2], strict=False):
        chosen = persona.id == plan.persona_id and "persona" in plan.steps_done
        with column.container(border=True):
            st.markdown(f"## {'✅ ' if chosen else ''}{persona.name[lang]}")
            st.caption(persona.fits[lang])
            st.markdown(t("persona.card.strength", lang, text=persona.strength[lang]))
            st.markdown(t("persona.card.constraint", lang, text=persona.constraint[lang]))
            st.markdown(t("persona.card.budget", lang, minutes=persona.weekly_budget_minutes,
                          cadence=persona.cadence[lang]))
            st.markdown(t("persona.card.kpis", lang) + "\n" + "\n".join(f"- {k.name[lang]}" for k in persona.kpis))
            if st.button(t("persona.choose", lang), key=f"choose_{persona.id}", disabled=chosen,
                         type="secondary" if chosen else "primary", width="stretch"):
                fresh = default_plan(persona, catalog)
                # The value statement and the week settings are the person's own: keep them.
                plan.persona_id, plan.kpis, plan.key_result = fresh.persona_id, fresh.kpis, fresh.key_result
                plan.weekly_budget_minutes = fresh.weekly_budget_minutes
                state.refresh_widgets()  # the inputs below start again from the new persona's plan
                state.touch("persona")
                st.rerun()

persona = catalog.personas[plan.persona_id]
st.divider()
st.header(t("persona.your_kpis", lang, persona=persona.name[lang]))

budget = int(st.number_input(
    t("persona.budget", lang), min_value=MIN_BUDGET_MINUTES, max_value=MAX_BUDGET_MINUTES, step=30,
    value=int(plan.weekly_budget_minutes),
    help=t("persona.budget.help", lang), key=state.widget_key("persona_budget")))
if state.user_edit("persona_budget", budget, plan.weekly_budget_minutes):
    plan.weekly_budget_minutes = budget

# The result that counts: one of the persona's value signals the log holds, or all of them added up.
options = key_result_options(plan, catalog, state.log())
chosen_key = chosen_result(plan, catalog)
key_result = st.selectbox(
    t("measures.choose", lang), options, index=options.index(chosen_key), help=t("measures.choose.help", lang),
    format_func=lambda key: (result_label(key, lang, catalog)
                             + (t("measures.default", lang) if key == persona.key_result else "")),
    key=state.widget_key("persona_key_result"))
if state.user_edit("persona_key_result", key_result, chosen_key):
    plan.key_result = key_result
if persona.key_result_why:
    st.caption(t("measures.why", lang, result=result_label(persona.key_result, lang, catalog),
                 why=persona.key_result_why[lang]))

targets = {choice.id: choice.target for choice in plan.kpis}
highs = {choice.id: choice.target_max for choice in plan.kpis}  # a band's upper end
chosen: list[KpiChoice] = []
for kpi in catalog.available_kpis(plan.persona_id):
    with st.container(border=True):
        use = st.checkbox(f"**{kpi.name[lang]}**" + (t("persona.core_tag", lang) if kpi.core else ""),
                          value=kpi.id in targets, key=state.widget_key(f"use_{kpi.id}"))
        st.caption(f"{kpi.measures[lang]} — {t(f'personas.direction.{kpi.direction}', lang)}")
        with st.expander(t("persona.why", lang)):
            st.write(kpi.why[lang])
        if use and kpi.direction == "band":  # a range: from … to, both ends met
            low_column, high_column = st.columns(2)
            low = low_column.number_input(
                t("persona.target.from", lang, unit=kpi.unit_text(lang)), min_value=0.0,
                value=float(targets.get(kpi.id, kpi.target)), step=0.5, help=t("persona.target.band.help", lang),
                key=state.widget_key(f"target_{kpi.id}"))
            high = high_column.number_input(
                t("persona.target.to", lang, unit=kpi.unit_text(lang)), min_value=0.0,
                value=float(highs.get(kpi.id) if highs.get(kpi.id) is not None else kpi.target_max), step=0.5,
                help=t("persona.target.band.help", lang), key=state.widget_key(f"target_max_{kpi.id}"))
            if high < low:
                st.warning(t("persona.target.band.reversed", lang))
            chosen.append(KpiChoice(kpi.id, low, high))
        elif use:
            target = st.number_input(t("persona.target", lang, unit=kpi.unit_text(lang)), min_value=0.0,
                                     value=float(targets.get(kpi.id, kpi.target)), step=0.5,
                                     key=state.widget_key(f"target_{kpi.id}"))
            chosen.append(KpiChoice(kpi.id, target))

custom_name = custom_kpi_name(plan.statement, lang)
shown_name = custom_kpi_short_name(plan.statement, lang)  # 24 characters; the whole name one tap away (help)
if plan.statement.person.strip() and plan.statement.problem.strip():
    with st.container(border=True):
        use = st.checkbox(t("persona.custom", lang, name=literal(shown_name)), value=CUSTOM_KPI_ID in targets,
                          help=literal(custom_name) if shown_name != custom_name else None,
                          key=state.widget_key("use_custom"))
        st.caption(t("report.custom.measures", lang))
        if use:
            target = st.number_input(t("persona.target", lang, unit=t("report.custom.unit", lang)), min_value=0.0,
                                     value=float(targets.get(CUSTOM_KPI_ID, 1.0)), step=1.0,
                                     key=state.widget_key("target_custom"))
            chosen.append(KpiChoice(CUSTOM_KPI_ID, target))
else:
    st.caption(t("persona.custom.missing", lang))
    st.page_link(PAGE_FILES["define"], label=t("nav.define", lang), icon="✏️")

plan.kpis = chosen
if not chosen:
    st.warning(t("persona.no_kpis", lang))
with st.expander(t("rubric.title", lang)):  # how to give the 質的評価 every KPI above leans on
    st.markdown(rubric_markdown(lang))

# Income beside value: an optional monthly goal (empty = none), compared on the dashboard, never the headline.
st.divider()
st.header(t("persona.income_goal.title", lang))
income_goal = st.number_input(
    t("persona.income_goal", lang), min_value=0, max_value=MAX_INCOME_GOAL, step=10_000, value=plan.monthly_income_goal,
    placeholder=t("persona.income_goal.placeholder", lang), help=t("persona.income_goal.help", lang),
    key=state.widget_key("persona_income_goal"))
if state.user_edit("persona_income_goal", income_goal, plan.monthly_income_goal):
    plan.monthly_income_goal = None if income_goal is None else int(income_goal)

st.divider()
template_downloads(lang, catalog, plan.persona_id)  # CSV, and .xlsx with an example row and the rubric
st.page_link(PAGE_FILES["log"], label=t("persona.to_log", lang), icon="➡️")

finish_page(lang)
