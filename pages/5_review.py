"""Weekly review: this week beside last week, the coaching for the numbers, and reflections kept per week."""

import pandas as pd
import streamlit as st

from kpi_core.bounds import REVIEW_TEXT_LIMITS
from kpi_core.coaching import coach, vanity_headers
from kpi_core.cycle import CYCLE_WEEKS, REFLECTION_FIELDS, checkpoint, cycle_position
from kpi_core.cycle_story import carried_over, decided_text, story_offer
from kpi_core.measures import explain as explain_measures
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.plan import plan_to_yaml
from kpi_core.report import figure_names
from kpi_core.sharing import ConventionalFigure, share_report
from pages._ui import state
from pages._ui import weeks as weeks_ui
from pages._ui.cached import fatigue_key, weekly_report
from pages._ui.cycle_end import story_section
from pages._ui.layout import PAGE_FILES, finish_page, page_setup, stop
from pages._ui.markdown import literal
from pages._ui.review import checkpoint_card, coaching_cards, compare_weeks, fatigue_question, reflection_fields

lang = page_setup("review")
catalog = default_catalog()
session = st.session_state
plan = state.plan()
log = state.log()

st.title(t("review.title", lang))
if log.empty:
    st.info(t("review.empty", lang))
    st.page_link(PAGE_FILES["log"], label=t("dashboard.to_log", lang), icon="📥")
    stop(lang)

report = weekly_report(log, plan_to_yaml(plan), plan, fatigue_key(session.reviews))
weeks = report.weeks
week_options = [w.date().isoformat() for w in weeks["week_start"]][::-1]
# The last finished week first (the current one is listed, marked in progress); a week in the URL wins.
seen = weeks_ui.seen_today(weeks["week_start"])
opened = weeks_ui.from_url(weeks_ui.WEEK_PARAM, week_options, seen.default.isoformat())
week = st.selectbox(t("review.week", lang), week_options, index=week_options.index(opened), key="review_week",
                    format_func=weeks_ui.week_label(seen, lang), on_change=weeks_ui.to_url,
                    args=(weeks_ui.WEEK_PARAM, "review_week"))
position = week_options[::-1].index(week)
this = weeks.iloc[position]
previous = weeks.iloc[position - 1] if position > 0 else None

# The 12-week cycle counts from the plan's start, or from the first week of the log when none is set.
start = plan.start_date or weeks["week_start"].iloc[0].date()
position_in_cycle = cycle_position(start, this["week_start"].date(), plan.week_start)
if position_in_cycle is not None:
    st.progress(min(position_in_cycle.week_in_cycle / 12, 1.0), text=position_in_cycle.label(lang))
    if (carried := carried_over(plan, position_in_cycle)) is not None:  # the cycle starts from the last decision
        st.info(t("review.story.carried", lang, text=decided_text(carried, lang)), icon="🧭")
else:
    st.caption(t("cycle.before_start", lang, start=start.isoformat()))

st.header(t("review.compare", lang))
compare_weeks(this, previous, lang)
fatigue_question(week, lang)

st.header(t("review.coaching", lang))
_, stand_in = explain_measures(report.measures, catalog, plan.persona_id, lang)
if stand_in:  # nothing can be said about value signals the log does not hold: say what to add instead
    st.warning(literal(stand_in), icon="💡")
coaching_cards(coach(report, budget_minutes=plan.weekly_budget_minutes, rest_weeks=plan.rest_weeks,
                     vanity_columns=vanity_headers(session.uploads), lang=lang, week=this["week_start"].date()), lang)
# Weeks 4 and 8 get the checkpoint card; week 12 gets the cycle's story and the decision below.
if position_in_cycle is not None and position_in_cycle.checkpoint and position_in_cycle.week_in_cycle != CYCLE_WEEKS:
    checkpoint_card(checkpoint(report, start, position_in_cycle.week_in_cycle, reflections=session.reviews,
                               cycle=position_in_cycle.cycle, week_start=plan.week_start), lang)

if (offer := story_offer(position_in_cycle)) is not None:
    with st.container(border=True) if offer == "end" else st.expander(t("review.story.open", lang)):
        story_section(plan=plan, catalog=catalog, report=report, start=start,
                      position=position_in_cycle, reviews=session.reviews, week=this["week_start"].date(),
                      end=offer == "end", lang=lang)

st.header(t("review.reflection", lang))
# Kept only once something is written, so opening a week stores nothing.
saved = dict(session.reviews.get(week, {}))
if position > 0:
    last = session.reviews.get(week_options[::-1][position - 1], {})
    if last.get("experiment", "").strip():
        st.info(t("review.last_experiment", lang, text=literal(last["experiment"])))
        verdicts = ["keep", "drop", "unclear"]
        current = saved.get("verdict")
        verdict = st.radio(t("review.verdict", lang), verdicts, horizontal=True,
                           key=state.widget_key(f"verdict_{week}"),
                           index=verdicts.index(current) if current in verdicts else None,
                           format_func=lambda v: t(f"review.verdict.{v}", lang))
        if verdict:
            saved["verdict"] = verdict
reflection_fields(saved, week, REFLECTION_FIELDS, "review", lang)
if week in session.reviews:
    st.caption(t("review.kept", lang))

st.header(t("review.rest", lang))
next_week = (this["week_start"] + pd.Timedelta(days=7)).date()
resting = st.checkbox(t("review.rest.next", lang, week=next_week.isoformat()), value=next_week in plan.rest_weeks,
                      help=t("review.rest.help", lang), key=f"rest_{next_week}")
if resting and next_week not in plan.rest_weeks:
    plan.rest_weeks.append(next_week)
elif not resting and next_week in plan.rest_weeks:
    plan.rest_weeks.remove(next_week)

st.header(t("review.share", lang))
st.caption(t("review.share.help", lang))
span = st.radio(t("review.share.period", lang), ["week", "month"], horizontal=True, key="share_period",
                format_func=lambda p: t(f"review.share.period.{p}", lang))
# Kept with the week's reflections, so the figure typed for a report is still there after a reload.
followers = st.text_input(t("review.share.conventional", lang), value=saved.get("followers", ""),
                          max_chars=REVIEW_TEXT_LIMITS["followers"],
                          key=state.widget_key(f"share_followers_{week}"),
                          help=t("review.share.conventional.help", lang))
if state.user_edit(f"share_followers_{week}", followers, saved.get("followers", "")):
    saved["followers"] = followers
    session.reviews[week] = saved
conventional = [ConventionalFigure(t("review.share.followers", lang), followers.strip())] if followers.strip() else []
names = figure_names(plan, catalog, report.measures)
shared = share_report(report, period=span, week=this["week_start"].date(), conventional=conventional, names=names)
left, right = st.columns(2)
left.download_button(t("review.share.markdown", lang), shared.markdown(lang).encode("utf-8"),
                     file_name=f"report_{week}.md", mime="text/markdown", key="share_md")
right.download_button(t("review.share.csv", lang), shared.csv(lang), file_name=f"report_{week}.csv",
                      mime="text/csv", key="share_csv")
with st.expander(t("review.share.preview", lang)):
    # The file as it downloads, as text: nothing in it is rendered, so no image or link in it can load.
    st.code(shared.markdown(lang), language="markdown", wrap_lines=True)

finish_page(lang)
