"""This week's check-in: the last finished week on one phone screen — three lines of figures, the coaching in
short, three answers and the tiredness question, saved with the week's review. No charts: they are one tap away."""

from datetime import date

import streamlit as st

from kpi_core.checkin import CHECKIN_FIELDS, headline, with_answers
from kpi_core.coaching import coach, vanity_headers
from kpi_core.cycle import last_experiment
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.plan import plan_to_yaml
from pages._ui import state
from pages._ui import weeks as weeks_ui
from pages._ui.cached import fatigue_key, weekly_report
from pages._ui.layout import PAGE_FILES, finish_page, page_setup, stop
from pages._ui.markdown import literal
from pages._ui.review import ICONS, fatigue_question, reflection_fields

lang = page_setup("checkin")
catalog = default_catalog()
session = st.session_state
plan = state.plan()
log = state.log()

st.title(t("checkin.title", lang))
if log.empty:
    st.info(t("review.empty", lang))
    st.page_link(PAGE_FILES["log"], label=t("dashboard.to_log", lang), icon="📥")
    stop(lang)

report = weekly_report(log, plan_to_yaml(plan), plan, fatigue_key(session.reviews))
seen = weeks_ui.seen_today(report.weeks["week_start"])
if seen.last_finished is None:  # only the week still going: nothing to look back on yet
    st.info(t("checkin.no_finished", lang, end=weeks_ui.week_span(seen.current, lang)["end"]))
    st.page_link(PAGE_FILES["dashboard"], label=t("checkin.to_dashboard", lang), icon="📊")
    stop(lang)
finished = [w.isoformat() for w in seen.weeks if seen.finished(w)]
week = weeks_ui.from_url(weeks_ui.WEEK_PARAM, finished, seen.last_finished.isoformat())
st.caption(t("checkin.week", lang, **weeks_ui.week_span(week, lang)))

# The headline: minutes per result, value signals, can this be kept up — one line each.
for line in headline(report, week).lines(lang, catalog):
    st.markdown(line)

st.header(t("checkin.coaching", lang))
messages = coach(report, budget_minutes=plan.weekly_budget_minutes, rest_weeks=plan.rest_weeks,
                 vanity_columns=vanity_headers(session.uploads), lang=lang, week=date.fromisoformat(week))
if not messages:
    st.caption(t("review.no_coaching", lang))
for message in messages:  # short: the title and the message; the weeks and figures it quotes one tap away
    st.markdown(f"{ICONS.get(message.severity, '💡')} **{literal(message.title(lang))}** — "
                f"{literal(message.message(lang))}")
quoting = [m for m in messages if m.evidence]
if quoting:
    with st.expander(t("checkin.evidence", lang)):
        for message in quoting:
            st.caption(literal(message.title(lang)))
            st.dataframe(message.evidence_table(lang), hide_index=True, width="stretch")

st.header(t("checkin.answers", lang))
if (tried := last_experiment(session.reviews, date.fromisoformat(week))) is not None:
    st.info(t("review.last_experiment", lang, text=literal(tried.text)))
# The review's own fields, kept in the same place: a text is kept once the field is left, as on the review page.
answers = reflection_fields(dict(session.reviews.get(week, {})), week, CHECKIN_FIELDS, "checkin", lang, height=68)
fatigue_question(week, lang)

if st.button(t("checkin.save", lang), type="primary", key="checkin_save", width="stretch"):
    if kept := with_answers(session.reviews.get(week), answers):
        session.reviews[week] = kept
    st.success(t("checkin.saved", lang, week=weeks_ui.week_span(week, lang)["start"]), icon="✅")
left, right = st.columns(2)
with left:
    st.page_link(PAGE_FILES["dashboard"], label=t("checkin.to_dashboard", lang), icon="📊")
with right:
    st.page_link(PAGE_FILES["review"], label=t("checkin.to_review", lang), icon="📝",
                 query_params={weeks_ui.WEEK_PARAM: week})

finish_page(lang)
