"""Page frame: page config, language switch and the translated navigation along the path."""

from __future__ import annotations

import streamlit as st

from kpi_core.journey import STEPS, Journey, journey
from kpi_core.messages import LANGS, t
from kpi_core.personas import default_catalog
from pages._ui import state

PAGE_FILES = {
    "home": "app.py",
    "define": "pages/1_define.py",
    "persona": "pages/2_persona.py",
    "log": "pages/3_log.py",
    "dashboard": "pages/4_dashboard.py",
    "review": "pages/5_review.py",
    "data": "pages/6_data.py",
}
LANG_NAMES = {"ja": "日本語", "en": "English"}


def _on_lang_change() -> None:
    chosen = st.session_state.get("lang_switch")
    if chosen:
        state.set_lang(chosen)


def page_setup(page_id: str) -> str:
    """Set up state and the sidebar for a page; returns the language to draw in."""
    st.set_page_config(page_title=f"{t('nav.' + page_id, state.lang())} · {t('app.name', state.lang())}",
                       page_icon="🌱", layout="centered")
    state.ensure_state()
    lang = state.lang()
    st.sidebar.segmented_control(
        t("nav.language", lang), LANGS, format_func=LANG_NAMES.get, key="lang_switch", default=lang,
        on_change=_on_lang_change,
    )
    state.show_flash()
    state.show_repairs(lang)  # a stored plan or review this version had to mend: said on every page until read
    demo = st.session_state.demo
    if demo is not None:
        banner = st.container(border=True)
        banner.info(t("demo.banner", lang, persona=default_catalog().personas[demo].name[lang]), icon="🧪")
        if banner.button(t("demo.leave", lang), key="leave_demo"):
            state.leave_demo()
            st.rerun()
    return lang


def finish_page(lang: str) -> None:
    """Draw the navigation last, so its ✅ marks include what this run did; then save what changed."""
    with st.sidebar:
        st.page_link(PAGE_FILES["home"], label=t("nav.home", lang), icon="🏠")
        where = current_journey()
        for number, step in enumerate(STEPS, start=1):
            mark = "✅" if where.done[step] else f"{number}."
            st.page_link(PAGE_FILES[step], label=f"{mark} {t('nav.' + step, lang)}")
        st.page_link(PAGE_FILES["data"], label=t("nav.data", lang), icon="💾")
        st.caption(t("nav.privacy.hosted" if state.hosted() else "nav.privacy", lang))
    state.autosave()


def stop(lang: str) -> None:
    """End the page early (an empty state) with the navigation still drawn."""
    finish_page(lang)
    st.stop()


def current_journey() -> Journey:
    """The path state of this visit."""
    session = st.session_state
    statement = session.plan.statement
    return journey(
        statement_complete=bool(statement.person.strip() and statement.problem.strip() and statement.solution.strip()),
        persona_chosen="persona" in session.plan.steps_done,
        log_rows=len(session.log),
        dashboard_seen="dashboard" in session.plan.steps_done,
        reviews_written=sum(1 for r in session.reviews.values() if any(str(v).strip() for v in r.values())),
    )


def next_step_link(lang: str) -> None:
    """One click to the next step of the path."""
    step = current_journey().next_step
    if step is None:
        st.success(t("home.all_done", lang))
        st.page_link(PAGE_FILES["review"], label=t("home.go_review", lang), icon="➡️")
    else:
        st.page_link(PAGE_FILES[step], label=t("home.next", lang, step=t("nav." + step, lang)), icon="➡️")
