"""Home: what the app is for, where the person stands on the path, and the next step one click away."""

import streamlit as st

from kpi_core.journey import STEPS
from kpi_core.messages import t
from pages._ui.layout import PAGE_FILES, current_journey, finish_page, next_step_link, page_setup
from pages._ui.signin import carry_over
from pages._ui.weeks import checkin_week, week_span

lang = page_setup("home")

st.title(t("app.name", lang))
carry_over(lang)  # a person who just signed in, account still empty: bring in what they entered as a guest
if (checkin := checkin_week()) is not None:  # the weekly ritual first, once a week of the log has ended
    with st.container(border=True):
        st.page_link(PAGE_FILES["checkin"], label=f"**{t('home.checkin', lang)}**", icon="📝")
        st.caption(t("home.checkin.week", lang, **week_span(checkin, lang)))
st.markdown(t("home.tagline", lang))
st.info(t("home.method", lang))

st.header(t("home.path", lang))
where = current_journey()
for number, step in enumerate(STEPS, start=1):
    done = where.done[step]
    icon = "✅" if done else ("👉" if step == where.next_step else "⬜")
    st.page_link(PAGE_FILES[step], label=f"{number}. {t('nav.' + step, lang)} — {t('home.step.' + step, lang)}",
                 icon=icon)

st.divider()
next_step_link(lang)

finish_page(lang)
