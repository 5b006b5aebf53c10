"""The end of a 12-week cycle on the review page: the cycle's story, then the decision and where it leads."""

from __future__ import annotations

from datetime import date

import streamlit as st

from kpi_core.coaching import show
from kpi_core.cycle import REFLECTION_FIELDS, CyclePosition
from kpi_core.cycle_story import (
    NEXT_PAGE,
    cycle_story,
    decide,
    decided_text,
    decision_for,
    decision_label,
    verdict_label,
)
from kpi_core.messages import t
from kpi_core.metrics import WeeklyReport
from kpi_core.personas import PersonaCatalog
from kpi_core.plan import CYCLE_DECISIONS, Plan
from kpi_core.report import figure_names
from pages._ui import state
from pages._ui.layout import PAGE_FILES
from pages._ui.markdown import literal
from pages._ui.tables import readable


def story_section(*, plan: Plan, catalog: PersonaCatalog, report: WeeklyReport, start: date,
                  position: CyclePosition, reviews: dict, week: date, end: bool, lang: str) -> None:
    """The cycle's story up to `position` and, below it, the decision for the cycle (saved in the plan)."""
    story = cycle_story(report.weeks, start, cycle=position.cycle, week=position.week_in_cycle,
                        key_result=report.key_result, signals=report.measures.held, reflections=reviews,
                        week_start=plan.week_start)
    st.markdown(f"**{story.title(lang)}**")
    if end:
        st.write(t("cycle.checkpoint.final", lang))
    st.caption(story.compared(lang))
    if story.figures:
        names = figure_names(plan, catalog, report.measures)
        st.dataframe(readable(story.table(lang, names), lang), hide_index=True,
                     width="stretch")

    st.markdown(f"**{t('review.story.experiments', lang)}**")
    if story.experiments:
        st.markdown("\n".join(
            "- " + t("story.experiment", lang, week=show(e.week_start, lang), text=literal(e.text),
                     verdict=verdict_label(e, lang)) for e in story.experiments))
        st.caption(story.verdicts(lang))
    else:
        st.caption(t("review.story.no_experiments", lang))
    st.markdown(f"**{t('cycle.checkpoint.reflections', lang)}**")
    said = [(d, " / ".join(str(v) for k, v in f.items() if k in REFLECTION_FIELDS and str(v).strip()))
            for d, f in story.reflections]
    for day, text in [(d, s) for d, s in said if s]:
        st.caption(f"{show(day, lang)}: {literal(text)}")
    if not any(text for _, text in said):
        st.caption(t("cycle.checkpoint.no_reflections", lang))

    decided = decision_for(plan, position.cycle)
    key = f"cycle_decision_{position.cycle}"
    choice = st.radio(t("review.story.ask", lang), CYCLE_DECISIONS, key=state.widget_key(key),
                      index=CYCLE_DECISIONS.index(decided.decision) if decided else None,
                      format_func=lambda d: decision_label(d, lang),
                      captions=[t(f"story.decision.{d}.help", lang) for d in CYCLE_DECISIONS])
    if st.button(t("review.story.save", lang), key=f"{key}_save", type="primary", disabled=choice is None):
        decided = decide(plan, position.cycle, choice, week)
    if decided is not None:
        st.success(decided_text(decided, lang))
        st.page_link(PAGE_FILES[NEXT_PAGE[decided.decision]], label=t(f"review.story.next.{decided.decision}", lang),
                     icon="➡️")
