"""Page frame: page config, the navigation bar at the top of the main area, and the footer (language, privacy).

Nothing is drawn in the sidebar, so Streamlit shows none and a phone has nothing to close (docs/design.md).
"""

from __future__ import annotations

import streamlit as st

from kpi_core.journey import Journey, journey
from kpi_core.messages import LANGS, t
from kpi_core.personas import default_catalog
from pages._ui import signin, state, theme

PAGE_FILES = {
    "home": "app.py",
    "define": "pages/1_define.py",
    "persona": "pages/2_persona.py",
    "log": "pages/3_log.py",
    "dashboard": "pages/4_dashboard.py",
    "review": "pages/5_review.py",
    "data": "pages/6_data.py",
    "checkin": "pages/0_checkin.py",  # the weekly check-in, reached from home (not a step of the path)
}
NAV_ICONS = {
    "home": ":material/home:",
    "define": ":material/edit_note:",
    "persona": ":material/groups:",
    "log": ":material/upload_file:",
    "dashboard": ":material/monitoring:",
    "review": ":material/rate_review:",
    "data": ":material/database:",
}
LANG_NAMES = {"ja": "日本語", "en": "English"}
# The bar stays at the top of the main area while the page scrolls, under Streamlit's own header (3.75rem, given
# the theme's background so nothing shows through it); the page's own entry is underlined. On a phone each entry
# is its icon over a short label, seven sharing the row (tests/test_browser_nav.py measures it at 390 px).
# Static CSS only: no text from a person or a file ever goes into it. BACKGROUND / PRIMARY: the running theme's.
NAV_CSS = """<style>
[data-testid="stHeader"] { background: BACKGROUND; }
[data-testid="stMainBlockContainer"] { padding-top: 4.25rem; }
[data-testid="stLayoutWrapper"]:has(> .st-key-topnav) { position: sticky; top: 3.75rem; z-index: 100;
  background: BACKGROUND; border-bottom: 1px solid rgba(36, 48, 45, 0.15); }
[data-testid="stPageLink-NavLink"] span:has(> [data-testid="stMarkdownContainer"]) { white-space: normal; }
.st-key-topnav [data-testid="stPageLink-NavLink"] span:has(> [data-testid="stMarkdownContainer"]) {
  white-space: nowrap; }
.st-key-topnav > .stElementContainer:nth-child(CURRENT) [data-testid="stPageLink-NavLink"] {
  box-shadow: inset 0 -3px 0 PRIMARY; }
.st-key-topnav > .stElementContainer:has(.stHtml) { display: none; }
@media (max-width: 640px) {
  .st-key-topnav { gap: 2px; flex-wrap: nowrap; }
  .st-key-topnav > .stElementContainer { flex: 1 1 0; min-width: 0; }
  .st-key-topnav [data-testid="stPageLink-NavLink"] { flex-direction: column; justify-content: center; gap: 0;
    padding: 6px 0; }
  .st-key-topnav [data-testid="stPageLink-NavLink"] p { font-size: 12px; line-height: 1.3; }
}
</style>"""
# Streamlit keeps the main area's scroll position when the page changes: a tap at the foot of one page would open
# the next one scrolled down, its heading out of sight. This script runs only when its text changes — when the
# page does, not on a rerun of the same page — and scrolls back to the top. Static, no user text (PAGE is an id).
SCROLL_UP = """<script>/* page: PAGE */
(document.querySelector('[data-testid="stMain"]') || {scrollTo() {}}).scrollTo(0, 0);
</script>"""
NAV_ORDER = ("home", "define", "persona", "log", "dashboard", "review", "data")  # the bar: home, the path, data


def _on_lang_change() -> None:
    chosen = st.session_state.get("lang_switch")
    if chosen:
        state.set_lang(chosen)


def page_setup(page_id: str) -> str:
    """Set up state and the navigation bar for a page; returns the language to draw in."""
    st.set_page_config(page_title=f"{t('nav.' + page_id, state.lang())} · {t('app.name', state.lang())}",
                       page_icon="🌱", layout="centered")
    state.ensure_state()
    lang = state.lang()
    # The page's own entry underlined; a page outside the bar (the check-in) gets nth-child(0): none.
    colours = theme.colours()
    st.html(NAV_CSS.replace("CURRENT", str(NAV_ORDER.index(page_id) + 1 if page_id in NAV_ORDER else 0))
            .replace("BACKGROUND", colours["background"]).replace("PRIMARY", colours["primary"]) + theme.css())
    with st.container(key="topnav", horizontal=True, gap="small"):
        for page in NAV_ORDER:
            st.page_link(PAGE_FILES[page], label=t("nav.bar." + page, lang), icon=NAV_ICONS[page])
        st.html(SCROLL_UP.replace("PAGE", page_id), unsafe_allow_javascript=True)  # hidden by NAV_CSS
        st.html(theme.lang_script(lang), unsafe_allow_javascript=True)  # <html lang>: ja or en
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
    """The footer (language, where the data stays, sign-in or sign-out), then save what this run changed."""
    st.divider()
    st.segmented_control(
        t("nav.language", lang), LANGS, format_func=LANG_NAMES.get, key="lang_switch", default=lang,
        on_change=_on_lang_change,
    )
    signin.foot(lang)
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
